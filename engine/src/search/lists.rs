//! Many sorted lists of distinct `u32` values, each value with an optional small payload (a
//! term frequency), compressed: about a third of four bytes a value on a large corpus.
//!
//! A list is its length (a LEB128 varint), then its values in blocks of [`BLOCK`]. In a block,
//! each value is stored as its gap from the one before, less one (the first from the previous
//! block's last value, or from −1), bit-packed at the width of the block's largest gap; the
//! payloads follow, bit-packed at the width of the largest. A block's header is that width (a
//! byte), and the payloads' (a byte, in lists with payloads).
//!
//! A list of more than one block starts with a skip table: for every block, its last value and
//! where its bytes end (four bytes each, little-endian). Seeking a value reads the table, then
//! decodes one block, not the list; a list's length is read without decoding anything.

use rayon::prelude::*;

/// Values a block holds (the last block of a list may hold fewer).
pub(super) const BLOCK: usize = 64;

/// Bytes of zeros after the last list: every bit field is read as eight bytes at once.
const PADDING: usize = 8;

/// Compressed sorted lists, back to back.
#[derive(Debug)]
pub(super) struct Lists {
    bytes: Vec<u8>,
    /// List → where its bytes start (one more than lists: the next start ends them).
    starts: Vec<u32>,
    /// Whether values carry payloads.
    payloads: bool,
}

impl Default for Lists {
    fn default() -> Lists {
        Lists {
            bytes: vec![0; PADDING],
            starts: vec![0],
            payloads: false,
        }
    }
}

fn varint_len(mut v: u32) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The varint at the start of `bytes`, and the bytes it takes.
fn read_varint(bytes: &[u8]) -> (u32, usize) {
    let mut value = 0u32;
    for (i, &b) in bytes.iter().enumerate().take(5) {
        value |= u32::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return (value, i + 1);
        }
    }
    (value, 5)
}

/// Bits needed to write `v`.
fn width(v: u32) -> u32 {
    32 - v.leading_zeros()
}

/// The `width`-bit field at bit `bit` of `bytes` (which has [`PADDING`] bytes past the field).
#[inline]
fn field(bytes: &[u8], bit: usize, width: u32) -> u32 {
    let at = bit / 8;
    let word = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    ((word >> (bit % 8)) & ((1u64 << width) - 1)) as u32
}

/// Reads `width`-bit fields one after another, least significant bits first, from bytes with
/// [`PADDING`] bytes past the last field: four bytes are loaded at a time, not eight a field.
struct Fields<'a> {
    bytes: &'a [u8],
    /// The next byte to load.
    at: usize,
    /// Bits loaded and not yet read, lowest first; `held` of them.
    buffer: u64,
    held: u32,
    width: u32,
    mask: u64,
}

impl<'a> Fields<'a> {
    fn new(bytes: &'a [u8], width: u32) -> Fields<'a> {
        Fields {
            bytes,
            at: 0,
            buffer: 0,
            held: 0,
            width,
            mask: (1u64 << width) - 1,
        }
    }

    /// The next field.
    #[inline(always)]
    fn next(&mut self) -> u32 {
        if self.held < self.width {
            let word = &self.bytes[self.at..self.at + 4];
            let word = u32::from_le_bytes(word.try_into().expect("four bytes"));
            self.buffer |= u64::from(word) << self.held;
            self.held += 32;
            self.at += 4;
        }
        let v = (self.buffer & self.mask) as u32;
        self.buffer >>= self.width;
        self.held -= self.width;
        v
    }
}

/// Writes `values` at `width` bits each, least significant bits first.
fn pack(out: &mut Vec<u8>, values: impl Iterator<Item = u32>, width: u32) {
    let (mut acc, mut held) = (0u64, 0u32);
    for v in values {
        acc |= u64::from(v) << held;
        held += width;
        while held >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            held -= 8;
        }
    }
    if held > 0 {
        out.push(acc as u8);
    }
}

/// The gaps of a list's values: each less the one before, less one (the first from −1).
fn gaps(values: &[u32], before: u32) -> impl Iterator<Item = u32> + '_ {
    let mut previous = before;
    values.iter().map(move |&v| {
        let gap = v.wrapping_sub(previous).wrapping_sub(1);
        previous = v;
        gap
    })
}

impl Lists {
    /// Compresses `count` lists; `fill(i, values, payloads)` writes list `i` into the cleared
    /// buffers (values sorted and distinct; payloads empty, or one per value, when `payloads`).
    /// Sizes are counted first, so the bytes are allocated once, at their exact size.
    pub(super) fn build<F>(count: usize, payloads: bool, fill: F) -> Lists
    where
        F: Fn(usize, &mut Vec<u32>, &mut Vec<u8>) + Sync,
    {
        let sizes: Vec<u32> = (0..count)
            .into_par_iter()
            .map_init(
                || (Vec::new(), Vec::new()),
                |(values, extra), i| {
                    values.clear();
                    extra.clear();
                    fill(i, values, extra);
                    encoded_len(values, extra, payloads) as u32
                },
            )
            .collect();
        let total: usize = sizes.iter().map(|&s| s as usize).sum();
        drop(sizes);
        let mut bytes = Vec::with_capacity(total + PADDING);
        let mut starts = Vec::with_capacity(count + 1);
        let (mut values, mut extra) = (Vec::new(), Vec::new());
        for i in 0..count {
            starts.push(bytes.len() as u32);
            values.clear();
            extra.clear();
            fill(i, &mut values, &mut extra);
            encode(&mut bytes, &values, &extra, payloads);
        }
        starts.push(bytes.len() as u32);
        bytes.resize(bytes.len() + PADDING, 0);
        Lists {
            bytes,
            starts,
            payloads,
        }
    }

    /// Adds `other`'s lists after these (both with payloads, or both without).
    pub(super) fn append(&mut self, other: Lists) {
        debug_assert_eq!(self.payloads, other.payloads);
        // Our padding is where its bytes go.
        let end = self.bytes.len() - PADDING;
        self.bytes.truncate(end);
        self.bytes.reserve_exact(other.bytes.len());
        self.bytes.extend_from_slice(&other.bytes);
        self.starts.pop();
        self.starts
            .extend(other.starts.iter().map(|&s| s + end as u32));
    }

    /// Lists held.
    pub(super) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Heap size in bytes.
    pub(super) fn memory_bytes(&self) -> usize {
        self.bytes.capacity() + self.starts.capacity() * 4
    }

    /// List `i`.
    pub(super) fn get(&self, i: usize) -> List<'_> {
        let start = self.starts[i] as usize;
        let (len, read) = read_varint(&self.bytes[start..]);
        let len = len as usize;
        let blocks = len.div_ceil(BLOCK);
        let skips = if blocks > 1 { 8 * blocks } else { 0 };
        let at = start + read;
        List {
            skips: &self.bytes[at..at + skips],
            data: &self.bytes[at + skips..],
            len,
            header: 1 + usize::from(self.payloads),
        }
    }

    /// The length of list `i`, without decoding it.
    pub(super) fn list_len(&self, i: usize) -> usize {
        read_varint(&self.bytes[self.starts[i] as usize..]).0 as usize
    }
}

/// Bytes [`encode`] writes for a list.
fn encoded_len(values: &[u32], payloads: &[u8], with_payloads: bool) -> usize {
    let blocks = values.len().div_ceil(BLOCK);
    let mut size = varint_len(values.len() as u32) + if blocks > 1 { 8 * blocks } else { 0 };
    let mut before = u32::MAX;
    for (b, block) in values.chunks(BLOCK).enumerate() {
        let w = gaps(block, before).map(width).max().unwrap_or(0) as usize;
        size += 1 + (block.len() * w).div_ceil(8);
        if with_payloads {
            let p = &payloads[b * BLOCK..b * BLOCK + block.len()];
            let pw = p.iter().map(|&p| width(p.into())).max().unwrap_or(0) as usize;
            size += 1 + (block.len() * pw).div_ceil(8);
        }
        before = block[block.len() - 1];
    }
    size
}

/// Appends one list to `out`.
fn encode(out: &mut Vec<u8>, values: &[u32], payloads: &[u8], with_payloads: bool) {
    debug_assert!(values.windows(2).all(|w| w[0] < w[1]), "sorted, distinct");
    debug_assert!(!with_payloads || payloads.len() == values.len());
    push_varint(out, values.len() as u32);
    let blocks = values.len().div_ceil(BLOCK);
    let table = out.len();
    if blocks > 1 {
        out.resize(table + 8 * blocks, 0);
    }
    let data = out.len();
    let mut before = u32::MAX;
    for (b, block) in values.chunks(BLOCK).enumerate() {
        let w = gaps(block, before).map(width).max().unwrap_or(0);
        out.push(w as u8);
        if with_payloads {
            let p = &payloads[b * BLOCK..b * BLOCK + block.len()];
            let pw = p.iter().map(|&p| width(p.into())).max().unwrap_or(0);
            out.push(pw as u8);
            pack(out, gaps(block, before), w);
            pack(out, p.iter().map(|&p| u32::from(p)), pw);
        } else {
            pack(out, gaps(block, before), w);
        }
        before = block[block.len() - 1];
        if blocks > 1 {
            let entry = table + 8 * b;
            out[entry..entry + 4].copy_from_slice(&before.to_le_bytes());
            let end = (out.len() - data) as u32;
            out[entry + 4..entry + 8].copy_from_slice(&end.to_le_bytes());
        }
    }
}

/// One compressed list.
#[derive(Debug, Clone, Copy)]
pub(super) struct List<'a> {
    /// Every block's last value and end (empty for a list of one block).
    skips: &'a [u8],
    /// The blocks, then the rest of the buffer (at least [`PADDING`] bytes).
    data: &'a [u8],
    len: usize,
    /// Header bytes of a block.
    header: usize,
}

impl<'a> List<'a> {
    /// Values in the list.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    fn blocks(&self) -> usize {
        self.len.div_ceil(BLOCK)
    }

    fn skip(&self, b: usize, half: usize) -> u32 {
        let at = 8 * b + 4 * half;
        u32::from_le_bytes(self.skips[at..at + 4].try_into().expect("four bytes"))
    }

    /// The last value of block `b` (`u32::MAX`, "unknown", for the only block of a list).
    fn last(&self, b: usize) -> u32 {
        if self.skips.is_empty() {
            u32::MAX
        } else {
            self.skip(b, 0)
        }
    }

    /// Block `b`'s value before its first (wrapping −1 for the first block), and where its
    /// bytes start in `data`.
    fn block_start(&self, b: usize) -> (u32, usize) {
        if b == 0 {
            (u32::MAX, 0)
        } else {
            (self.skip(b - 1, 0), self.skip(b - 1, 1) as usize)
        }
    }

    /// The first block whose last value is ≥ `target`, from block `from` on (`blocks()` when
    /// none is).
    fn block_of(&self, from: usize, target: u32) -> usize {
        let blocks = self.blocks();
        if blocks <= 1 || from >= blocks || self.last(from) >= target {
            return from;
        }
        // Targets mostly land near: gallop, then search the last step.
        let (mut low, mut step) = (from, 1);
        while low + step < blocks && self.last(low + step) < target {
            low += step;
            step *= 2;
        }
        let high = (low + step).min(blocks);
        // Blocks low + 1..high may hold it; block `high` does when it exists.
        self.first_block_reaching(low + 1, high, target)
    }

    /// The first block of `from..to` whose last value is ≥ `target` (`to` when none is).
    fn first_block_reaching(&self, mut from: usize, mut to: usize, target: u32) -> usize {
        while from < to {
            let mid = (from + to) / 2;
            if self.last(mid) < target {
                from = mid + 1;
            } else {
                to = mid;
            }
        }
        from
    }

    /// The payload of `value` when the list holds it (0 in lists without payloads).
    pub(super) fn find(&self, value: u32) -> Option<u8> {
        // The first block whose last value is ≥ `value` (the only block has no last).
        let b = self.first_block_reaching(0, self.skips.len() / 8, value);
        if b >= self.blocks() {
            return None;
        }
        let (mut v, start) = self.block_start(b);
        let n = (self.len - b * BLOCK).min(BLOCK);
        let w = u32::from(self.data[start]);
        let mut gaps = Fields::new(&self.data[start + self.header..], w);
        for i in 0..n {
            v = v.wrapping_add(gaps.next()).wrapping_add(1);
            if v >= value {
                if v > value {
                    return None;
                }
                return Some(self.payload_in(start, n, w, i));
            }
        }
        None
    }

    /// The payload of the `i`th value of the block at `start`, of `n` values of `w` bits.
    fn payload_in(&self, start: usize, n: usize, w: u32, i: usize) -> u8 {
        let (at, pw) = self.payloads_of(start, n, w);
        field(&self.data[at..], i * pw as usize, pw) as u8
    }

    /// Where the payloads of the block at `start`, of `n` values of `w` bits, start, and their
    /// width (0 in a list without payloads).
    fn payloads_of(&self, start: usize, n: usize, w: u32) -> (usize, u32) {
        if self.header < 2 {
            return (start, 0);
        }
        let pw = u32::from(self.data[start + 1]);
        (start + self.header + (n * w as usize).div_ceil(8), pw)
    }

    /// Calls `f` with every value and its payload, in order: a walk of the whole list, with
    /// no cursor to keep.
    #[inline]
    pub(super) fn for_each(self, mut f: impl FnMut(u32, u8)) {
        self.for_each_while(|v, p| {
            f(v, p);
            true
        });
    }

    /// Calls `f` with every value and its payload, in order, until it returns false.
    #[inline]
    pub(super) fn for_each_while(self, mut f: impl FnMut(u32, u8) -> bool) {
        let mut before = u32::MAX;
        let mut start = 0;
        for b in 0..self.blocks() {
            let n = (self.len - b * BLOCK).min(BLOCK);
            let w = u32::from(self.data[start]);
            let bits = &self.data[start + self.header..];
            let gap_bytes = (n * w as usize).div_ceil(8);
            let pw = if self.header < 2 {
                0
            } else {
                u32::from(self.data[start + 1])
            };
            let mut v = before;
            let mut gaps = Fields::new(bits, w);
            if pw == 0 {
                for _ in 0..n {
                    v = v.wrapping_add(gaps.next()).wrapping_add(1);
                    if !f(v, 0) {
                        return;
                    }
                }
            } else {
                let mut payloads = Fields::new(&bits[gap_bytes..], pw);
                for _ in 0..n {
                    v = v.wrapping_add(gaps.next()).wrapping_add(1);
                    if !f(v, payloads.next() as u8) {
                        return;
                    }
                }
            }
            before = v;
            start += self.header + gap_bytes + (n * pw as usize).div_ceil(8);
        }
    }

    /// A cursor on the first value.
    pub(super) fn cursor(self) -> Cursor<'a> {
        let mut cursor = Cursor {
            list: self,
            block: 0,
            values: [0; BLOCK],
            n: 0,
            i: 0,
            payloads: 0,
            payload_width: 0,
        };
        if self.len > 0 {
            cursor.decode(0);
        }
        cursor
    }

    /// Values and payloads, in order.
    #[cfg(test)]
    fn iter(self) -> Cursor<'a> {
        self.cursor()
    }
}

/// A position in a list, moving forwards, one block decoded at a time.
pub(super) struct Cursor<'a> {
    list: List<'a>,
    /// The block decoded.
    block: usize,
    values: [u32; BLOCK],
    /// Values in the block.
    n: usize,
    /// Position in the block (`n` when the list is done).
    i: usize,
    /// Where the block's payloads start, and their width.
    payloads: usize,
    payload_width: u32,
}

impl Cursor<'_> {
    fn decode(&mut self, b: usize) {
        let (mut v, start) = self.list.block_start(b);
        let n = (self.list.len - b * BLOCK).min(BLOCK);
        let w = u32::from(self.list.data[start]);
        let mut gaps = Fields::new(&self.list.data[start + self.list.header..], w);
        for slot in &mut self.values[..n] {
            v = v.wrapping_add(gaps.next()).wrapping_add(1);
            *slot = v;
        }
        self.block = b;
        self.n = n;
        self.i = 0;
        (self.payloads, self.payload_width) = self.list.payloads_of(start, n, w);
    }

    /// The current value, `u32::MAX` when the list is done.
    #[inline]
    pub(super) fn value(&self) -> u32 {
        if self.i < self.n {
            self.values[self.i]
        } else {
            u32::MAX
        }
    }

    /// The current value's payload (the list must not be done).
    pub(super) fn payload(&self) -> u8 {
        let w = self.payload_width;
        field(&self.list.data[self.payloads..], self.i * w as usize, w) as u8
    }

    /// Moves to the next value.
    #[inline]
    pub(super) fn advance(&mut self) {
        self.i += 1;
        if self.i == self.n && self.block + 1 < self.list.blocks() {
            self.decode(self.block + 1);
        }
    }

    /// Moves to the first value ≥ `target` (never backwards).
    pub(super) fn seek(&mut self, target: u32) {
        if self.value() >= target {
            return;
        }
        if self.values[self.n - 1] < target {
            let b = self.list.block_of(self.block + 1, target);
            if b >= self.list.blocks() {
                self.i = self.n;
                return;
            }
            self.decode(b);
        }
        self.i += self.values[self.i..self.n].partition_point(|&v| v < target);
    }
}

impl Iterator for Cursor<'_> {
    type Item = (u32, u8);

    fn next(&mut self) -> Option<(u32, u8)> {
        if self.i >= self.n {
            return None;
        }
        let item = (self.values[self.i], self.payload());
        self.advance();
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Sorted distinct lists with payloads, from gaps of mixed sizes.
    fn lists() -> impl Strategy<Value = Vec<Vec<(u32, u8)>>> {
        let gap = prop_oneof![0u32..3, 0u32..300, 0u32..100_000, 0u32..(1 << 28)];
        let list = proptest::collection::vec((gap, any::<u8>()), 0..700).prop_map(|items| {
            let mut v = 0u32;
            let mut out = Vec::new();
            for (i, (g, p)) in items.into_iter().enumerate() {
                v = if i == 0 {
                    g
                } else {
                    v.saturating_add(g + 1).min(u32::MAX - 1)
                };
                if out.last().is_some_and(|&(last, _)| last >= v) {
                    break;
                }
                out.push((v, p));
            }
            out
        });
        proptest::collection::vec(list, 0..6)
    }

    fn build(lists: &[Vec<(u32, u8)>], payloads: bool) -> Lists {
        Lists::build(lists.len(), payloads, |i, values, extra| {
            values.extend(lists[i].iter().map(|&(v, _)| v));
            if payloads {
                extra.extend(lists[i].iter().map(|&(_, p)| p));
            }
        })
    }

    proptest! {
        #[test]
        fn lists_built_in_two_parts_are_the_lists_built_at_once(
            lists in lists(),
            payloads in any::<bool>(),
            split in 0usize..6,
        ) {
            let split = split.min(lists.len());
            let mut parts = build(&lists[..split], payloads);
            parts.append(build(&lists[split..], payloads));
            let whole = build(&lists, payloads);
            prop_assert_eq!(&parts.bytes, &whole.bytes);
            prop_assert_eq!(&parts.starts, &whole.starts);
        }

        #[test]
        fn lists_round_trip(lists in lists(), payloads in any::<bool>()) {
            let built = build(&lists, payloads);
            prop_assert_eq!(built.len(), lists.len());
            for (i, list) in lists.iter().enumerate() {
                let expected: Vec<(u32, u8)> =
                    list.iter().map(|&(v, p)| (v, if payloads { p } else { 0 })).collect();
                prop_assert_eq!(built.list_len(i), list.len());
                prop_assert_eq!(built.get(i).len(), list.len());
                prop_assert_eq!(built.get(i).iter().collect::<Vec<_>>(), expected.clone());
                let mut walked = Vec::new();
                built.get(i).for_each(|v, p| walked.push((v, p)));
                prop_assert_eq!(walked, expected.clone());
                let mut first = Vec::new();
                built.get(i).for_each_while(|v, p| {
                    first.push((v, p));
                    first.len() < 70
                });
                prop_assert_eq!(&first[..], &expected[..expected.len().min(70)]);
            }
        }

        #[test]
        fn seeking_finds_the_first_value_at_or_above_the_target(
            lists in lists(),
            targets in proptest::collection::vec(any::<u32>(), 1..40),
            near in proptest::collection::vec(0u32..400, 1..40),
        ) {
            let built = build(&lists, true);
            for (i, list) in lists.iter().enumerate() {
                // Targets in increasing order, some near the values, some anywhere.
                let mut wanted: Vec<u32> = targets.clone();
                wanted.extend(near.iter().zip(list.iter().cycle()).map(|(d, (v, _))| v.saturating_add(d % 3)));
                wanted.extend(near.iter().map(|&d| d * 1000));
                wanted.sort_unstable();
                let mut cursor = built.get(i).cursor();
                for &t in &wanted {
                    cursor.seek(t);
                    let at = list.partition_point(|&(v, _)| v < t);
                    match list.get(at) {
                        Some(&(v, p)) => {
                            prop_assert_eq!(cursor.value(), v);
                            prop_assert_eq!(cursor.payload(), p);
                        }
                        None => prop_assert_eq!(cursor.value(), u32::MAX),
                    }
                    let found = list.binary_search_by_key(&t, |&(v, _)| v).ok().map(|j| list[j].1);
                    prop_assert_eq!(built.get(i).find(t), found);
                }
            }
        }

        #[test]
        fn stepping_and_seeking_mix(lists in lists(), steps in proptest::collection::vec(0u32..500, 1..60)) {
            let built = build(&lists, true);
            for (i, list) in lists.iter().enumerate() {
                let mut cursor = built.get(i).cursor();
                let mut at = 0;
                for &s in &steps {
                    if s % 2 == 0 {
                        if at < list.len() {
                            cursor.advance();
                            at += 1;
                        }
                    } else if let Some(&(v, _)) = list.get(at) {
                        let t = v.saturating_add(s);
                        cursor.seek(t);
                        at += list[at..].partition_point(|&(v, _)| v < t);
                    }
                    prop_assert_eq!(cursor.value(), list.get(at).map_or(u32::MAX, |x| x.0));
                }
            }
        }
    }

    #[test]
    fn a_block_boundary_and_the_extremes_round_trip() {
        let long: Vec<(u32, u8)> = (0..(3 * BLOCK as u32 + 1))
            .map(|v| (v * 7, (v % 256) as u8))
            .collect();
        let extremes = vec![(0, 0), (1, 255), (u32::MAX - 1, 1)];
        let built = build(&[long.clone(), Vec::new(), extremes.clone()], true);
        assert_eq!(built.get(0).iter().collect::<Vec<_>>(), long);
        assert_eq!(built.get(1).iter().count(), 0);
        assert_eq!(built.get(1).cursor().value(), u32::MAX);
        assert_eq!(built.get(2).iter().collect::<Vec<_>>(), extremes);
        assert_eq!(built.get(0).find(7 * 150), Some(150));
        assert_eq!(built.get(0).find(7 * 150 + 1), None);
        assert_eq!(built.get(2).find(u32::MAX - 1), Some(1));
    }
}

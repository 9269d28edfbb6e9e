//! Many sorted lists of distinct `u32` values, each value with an optional small payload (a
//! term frequency), compressed with the `bitpacking` crate (tantivy's postings format).
//!
//! A list is its length (a LEB128 varint), then its values in blocks of [`BLOCK`]. A full block
//! is bit-packed by `BitPacker4x` as the gaps between its values (`compress_sorted`, from the
//! previous block's last value, or 0), at the width of its largest gap, then its payloads at
//! theirs: a header byte for each width, then the packed bytes. The last block, when it is not
//! full, holds its gaps as varints and its payloads as bytes.
//!
//! A list of more than one block starts with a skip table: for every block, its last value and
//! where its bytes end (four bytes each, little-endian). Seeking a value reads the table, then
//! decodes one block, not the list; a list's length is read without decoding anything.

use bitpacking::{BitPacker, BitPacker4x};
use rayon::prelude::*;

/// Values a block holds (the last block of a list may hold fewer).
pub(super) const BLOCK: usize = BitPacker4x::BLOCK_LEN;

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
            bytes: Vec::new(),
            starts: vec![0],
            payloads: false,
        }
    }
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

/// Bytes `BitPacker4x` packs a block into at `bits` a value.
fn packed_len(bits: u8) -> usize {
    usize::from(bits) * BLOCK / 8
}

impl Lists {
    /// Compresses `count` lists; `fill(i, values, payloads)` writes list `i` into the cleared
    /// buffers (values sorted and distinct; payloads empty, or one per value, when `payloads`).
    pub(super) fn build<F>(count: usize, payloads: bool, fill: F) -> Lists
    where
        F: Fn(usize, &mut Vec<u32>, &mut Vec<u8>) + Sync,
    {
        let encoded: Vec<Vec<u8>> = (0..count)
            .into_par_iter()
            .map_init(
                || (Vec::new(), Vec::new()),
                |(values, extra), i| {
                    values.clear();
                    extra.clear();
                    fill(i, values, extra);
                    let mut out = Vec::new();
                    encode(&mut out, values, extra, payloads);
                    out
                },
            )
            .collect();
        let total: usize = encoded.iter().map(Vec::len).sum();
        let mut bytes = Vec::with_capacity(total);
        let mut starts = Vec::with_capacity(count + 1);
        for list in encoded {
            starts.push(bytes.len() as u32);
            bytes.extend_from_slice(&list);
        }
        starts.push(bytes.len() as u32);
        Lists {
            bytes,
            starts,
            payloads,
        }
    }

    /// Adds `other`'s lists after these (both with payloads, or both without).
    pub(super) fn append(&mut self, other: Lists) {
        debug_assert_eq!(self.payloads, other.payloads);
        let end = self.bytes.len() as u32;
        self.bytes.reserve_exact(other.bytes.len());
        self.bytes.extend_from_slice(&other.bytes);
        self.starts.pop();
        self.starts.extend(other.starts.iter().map(|&s| s + end));
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
        let end = self.starts[i + 1] as usize;
        let (len, read) = read_varint(&self.bytes[start..end]);
        let len = len as usize;
        let blocks = len.div_ceil(BLOCK);
        let skips = if blocks > 1 { 8 * blocks } else { 0 };
        let at = start + read;
        List {
            skips: &self.bytes[at..at + skips],
            data: &self.bytes[at + skips..end],
            len,
            payloads: self.payloads,
        }
    }

    /// The length of list `i`, without decoding it.
    pub(super) fn list_len(&self, i: usize) -> usize {
        read_varint(&self.bytes[self.starts[i] as usize..]).0 as usize
    }
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
    let packer = BitPacker4x::new();
    let mut before = 0u32;
    let mut wide = [0u32; BLOCK];
    for (b, block) in values.chunks(BLOCK).enumerate() {
        let range = b * BLOCK..b * BLOCK + block.len();
        if block.len() == BLOCK {
            let bits = packer.num_bits_sorted(before, block);
            out.push(bits);
            let at = out.len();
            out.resize(at + packed_len(bits), 0);
            packer.compress_sorted(before, block, &mut out[at..], bits);
            if with_payloads {
                for (w, &p) in wide.iter_mut().zip(&payloads[range]) {
                    *w = u32::from(p);
                }
                let bits = packer.num_bits(&wide);
                out.push(bits);
                let at = out.len();
                out.resize(at + packed_len(bits), 0);
                packer.compress(&wide, &mut out[at..], bits);
            }
        } else {
            let mut previous = before;
            for &v in block {
                push_varint(out, v - previous);
                previous = v;
            }
            if with_payloads {
                out.extend_from_slice(&payloads[range]);
            }
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
    /// The blocks.
    data: &'a [u8],
    len: usize,
    /// Whether values carry payloads.
    payloads: bool,
}

/// One block decoded: its values and payloads (0 without payloads).
struct Block {
    values: [u32; BLOCK],
    payloads: [u32; BLOCK],
    /// Values in the block.
    n: usize,
}

impl Default for Block {
    fn default() -> Block {
        Block {
            values: [0; BLOCK],
            payloads: [0; BLOCK],
            n: 0,
        }
    }
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

    /// Block `b`'s value before its first (0 for the first block), and where its bytes start
    /// in `data`.
    fn block_start(&self, b: usize) -> (u32, usize) {
        if b == 0 {
            (0, 0)
        } else {
            (self.skip(b - 1, 0), self.skip(b - 1, 1) as usize)
        }
    }

    /// Decodes block `b` into `out`.
    fn decode(&self, b: usize, out: &mut Block) {
        let (before, mut at) = self.block_start(b);
        let n = (self.len - b * BLOCK).min(BLOCK);
        out.n = n;
        if n == BLOCK {
            let packer = BitPacker4x::new();
            let bits = self.data[at];
            at += 1;
            packer.decompress_sorted(before, &self.data[at..], &mut out.values, bits);
            at += packed_len(bits);
            if self.payloads {
                let bits = self.data[at];
                packer.decompress(&self.data[at + 1..], &mut out.payloads, bits);
            }
        } else {
            let mut v = before;
            for slot in &mut out.values[..n] {
                let (gap, read) = read_varint(&self.data[at..]);
                v += gap;
                *slot = v;
                at += read;
            }
            if self.payloads {
                for (slot, &p) in out.payloads[..n].iter_mut().zip(&self.data[at..at + n]) {
                    *slot = u32::from(p);
                }
            }
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
        let mut block = Block::default();
        self.decode(b, &mut block);
        let i = block.values[..block.n].binary_search(&value).ok()?;
        Some(block.payloads[i] as u8)
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
        let mut block = Block::default();
        for b in 0..self.blocks() {
            self.decode(b, &mut block);
            for (&v, &p) in block.values[..block.n].iter().zip(&block.payloads) {
                if !f(v, p as u8) {
                    return;
                }
            }
        }
    }

    /// A cursor on the first value.
    pub(super) fn cursor(self) -> Cursor<'a> {
        let mut cursor = Cursor {
            list: self,
            block: 0,
            decoded: Box::default(),
            i: 0,
        };
        if self.len > 0 {
            self.decode(0, &mut cursor.decoded);
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
    decoded: Box<Block>,
    /// Position in the block (`n` when the list is done).
    i: usize,
}

impl Cursor<'_> {
    fn decode(&mut self, b: usize) {
        self.list.decode(b, &mut self.decoded);
        self.block = b;
        self.i = 0;
    }

    /// The current value, `u32::MAX` when the list is done.
    #[inline]
    pub(super) fn value(&self) -> u32 {
        if self.i < self.decoded.n {
            self.decoded.values[self.i]
        } else {
            u32::MAX
        }
    }

    /// The current value's payload (the list must not be done).
    pub(super) fn payload(&self) -> u8 {
        self.decoded.payloads[self.i] as u8
    }

    /// Moves to the next value.
    #[inline]
    pub(super) fn advance(&mut self) {
        self.i += 1;
        if self.i == self.decoded.n && self.block + 1 < self.list.blocks() {
            self.decode(self.block + 1);
        }
    }

    /// Moves to the first value ≥ `target` (never backwards).
    pub(super) fn seek(&mut self, target: u32) {
        if self.value() >= target {
            return;
        }
        if self.decoded.values[self.decoded.n - 1] < target {
            let b = self.list.block_of(self.block + 1, target);
            if b >= self.list.blocks() {
                self.i = self.decoded.n;
                return;
            }
            self.decode(b);
        }
        let n = self.decoded.n;
        self.i += self.decoded.values[self.i..n].partition_point(|&v| v < target);
    }
}

impl Iterator for Cursor<'_> {
    type Item = (u32, u8);

    fn next(&mut self) -> Option<(u32, u8)> {
        if self.i >= self.decoded.n {
            return None;
        }
        let item = (self.value(), self.payload());
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

//! Every indexed passage's entries (word ids with their answer flags, and alias entries), in
//! order, compressed: each distinct entry is ranked by how often it occurs, and each rank is
//! written as a LEB128 varint. The 128 most frequent entries take one byte, the next 16,256
//! two, so a passage costs under two bytes a word instead of four. Decoding a passage is a
//! loop over its bytes and one table lookup a word.

use rustc_hash::FxHashMap;

/// Passages' entries, back to back.
#[derive(Default)]
pub(super) struct Sequences {
    /// Every passage's ranks, varint-coded.
    bytes: Vec<u8>,
    /// Passage → where its bytes start (one more than passages: the next start ends them).
    starts: Vec<u32>,
    /// Rank → entry.
    entries: Vec<u32>,
}

impl Sequences {
    /// Compresses passages given as entries back to back, `ends[p]` ending passage `p`. The
    /// entries are replaced by their ranks in place, so the only other buffer is the output,
    /// allocated at its exact size.
    pub(super) fn build(mut entries: Vec<u32>, ends: &[u32]) -> Sequences {
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        for &e in &entries {
            *counts.entry(e).or_default() += 1;
        }
        let mut ranked: Vec<(u32, u32)> = counts.into_iter().collect();
        // Most frequent first; ties by entry, so the same passages always give the same bytes.
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let rank: FxHashMap<u32, u32> = ranked
            .iter()
            .enumerate()
            .map(|(r, &(e, _))| (e, r as u32))
            .collect();
        let mut size = 0;
        for e in &mut entries {
            *e = rank[e];
            size += varint_len(*e);
        }
        drop(rank);
        let mut bytes = Vec::with_capacity(size);
        let mut starts = Vec::with_capacity(ends.len() + 1);
        starts.push(0);
        let mut from = 0;
        for &end in ends {
            let end = end as usize;
            for &r in &entries[from..end] {
                push_varint(&mut bytes, r);
            }
            from = end;
            starts.push(bytes.len() as u32);
        }
        Sequences {
            bytes,
            starts,
            entries: ranked.into_iter().map(|(e, _)| e).collect(),
        }
    }

    /// Passages held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Passage `p`'s entries, appended to `out` after clearing it.
    pub(super) fn decode_into(&self, p: u32, out: &mut Vec<u32>) {
        out.clear();
        let p = p as usize;
        let (Some(&start), Some(&end)) = (self.starts.get(p), self.starts.get(p + 1)) else {
            return;
        };
        let bytes = &self.bytes[start as usize..end as usize];
        out.reserve(bytes.len());
        let mut value = 0u32;
        let mut shift = 0;
        for &b in bytes {
            value |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                out.push(self.entries[value as usize]);
                value = 0;
                shift = 0;
            } else {
                shift += 7;
            }
        }
    }

    /// Heap bytes.
    pub(super) fn memory_bytes(&self) -> usize {
        self.bytes.capacity() + (self.starts.capacity() + self.entries.capacity()) * 4
    }
}

fn varint_len(value: u32) -> usize {
    (32 - (value | 1).leading_zeros() as usize).div_ceil(7)
}

fn push_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn passages_decode_to_what_was_encoded(
            passages in prop::collection::vec(
                prop::collection::vec(prop_oneof![0u32..300, any::<u32>()], 0..40),
                0..30,
            )
        ) {
            let flat: Vec<u32> = passages.concat();
            let ends: Vec<u32> = passages.iter().scan(0, |end, p| {
                *end += p.len() as u32;
                Some(*end)
            }).collect();
            let sequences = Sequences::build(flat, &ends);
            prop_assert_eq!(sequences.bytes.len(), sequences.bytes.capacity());
            prop_assert_eq!(sequences.len(), passages.len());
            let mut out = Vec::new();
            for (p, want) in passages.iter().enumerate() {
                sequences.decode_into(p as u32, &mut out);
                prop_assert_eq!(&out, want);
            }
            sequences.decode_into(passages.len() as u32, &mut out);
            prop_assert!(out.is_empty());
        }
    }

    #[test]
    fn frequent_entries_take_one_byte() {
        let mut flat = vec![7u32; 1000];
        flat.extend(0..200u32);
        let end = flat.len() as u32;
        let sequences = Sequences::build(flat, &[end]);
        // 7 occurs 1,001 times: rank 0, one byte; ranks up to 127 one byte, the rest two.
        assert_eq!(sequences.bytes.len(), 1000 + 1 + 127 + (200 - 128) * 2);
    }
}

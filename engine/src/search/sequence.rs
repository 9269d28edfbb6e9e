//! Every indexed passage's entries (word ids with their answer flags, and alias entries), in
//! order. A large index compresses them: each distinct entry is ranked by how often it occurs,
//! and each rank is written as a LEB128 varint. The 128 most frequent entries take one byte,
//! the next 16,256 two, so a passage costs under two bytes a word instead of four. Decoding a
//! passage is a loop over its bytes and one table lookup a word. A small index, where four
//! bytes a word are a few KiB, keeps them plain: reading a passage is a copy.

use rustc_hash::FxHashMap;

/// An index of at most this many entries keeps them plain (4 MiB).
const PLAIN_ENTRIES: usize = 1 << 20;

/// Passages' entries, back to back.
#[derive(Default)]
pub(super) struct Sequences {
    /// Passage → where its entries (plain) or its bytes (ranked) start (one more than
    /// passages: the next start ends them).
    starts: Vec<u32>,
    stored: Stored,
}

enum Stored {
    /// The entries themselves.
    Plain(Vec<u32>),
    /// Every passage's ranks, varint-coded, and rank → entry.
    Ranked { bytes: Vec<u8>, entries: Vec<u32> },
}

impl Default for Stored {
    fn default() -> Stored {
        Stored::Plain(Vec::new())
    }
}

impl Sequences {
    /// Stores passages given as entries back to back, `ends[p]` ending passage `p`. When
    /// compressed, the entries are replaced by their ranks in place, so the only other buffer
    /// is the output, allocated at its exact size.
    pub(super) fn build(entries: Vec<u32>, ends: &[u32]) -> Sequences {
        if entries.len() <= PLAIN_ENTRIES {
            let mut starts = Vec::with_capacity(ends.len() + 1);
            starts.push(0);
            starts.extend_from_slice(ends);
            return Sequences {
                starts,
                stored: Stored::Plain(entries),
            };
        }
        Sequences::ranked(entries, ends)
    }

    /// [`build`](Sequences::build), compressed whatever the size.
    fn ranked(mut entries: Vec<u32>, ends: &[u32]) -> Sequences {
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
            starts,
            stored: Stored::Ranked {
                bytes,
                entries: ranked.into_iter().map(|(e, _)| e).collect(),
            },
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
        let (bytes, entries) = match &self.stored {
            Stored::Plain(plain) => {
                out.extend_from_slice(&plain[start as usize..end as usize]);
                return;
            }
            Stored::Ranked { bytes, entries } => (&bytes[start as usize..end as usize], entries),
        };
        out.reserve(bytes.len());
        let mut value = 0u32;
        let mut shift = 0;
        for &b in bytes {
            value |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                out.push(entries[value as usize]);
                value = 0;
                shift = 0;
            } else {
                shift += 7;
            }
        }
    }

    /// Heap bytes.
    pub(super) fn memory_bytes(&self) -> usize {
        self.starts.capacity() * 4
            + match &self.stored {
                Stored::Plain(plain) => plain.capacity() * 4,
                Stored::Ranked { bytes, entries } => bytes.capacity() + entries.capacity() * 4,
            }
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
            for sequences in [Sequences::build(flat.clone(), &ends), Sequences::ranked(flat, &ends)] {
                if let Stored::Ranked { bytes, .. } = &sequences.stored {
                    prop_assert_eq!(bytes.len(), bytes.capacity());
                }
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
    }

    #[test]
    fn a_small_index_keeps_its_entries_plain_and_a_large_one_ranked() {
        let plain = Sequences::build(vec![1, 2, 3], &[1, 3]);
        assert!(matches!(plain.stored, Stored::Plain(_)));
        let large = Sequences::build(vec![5; PLAIN_ENTRIES + 1], &[PLAIN_ENTRIES as u32 + 1]);
        assert!(matches!(large.stored, Stored::Ranked { .. }));
    }

    #[test]
    fn frequent_entries_take_one_byte() {
        let mut flat = vec![7u32; 1000];
        flat.extend(0..200u32);
        let end = flat.len() as u32;
        let sequences = Sequences::ranked(flat, &[end]);
        let Stored::Ranked { bytes, .. } = &sequences.stored else {
            panic!("ranked");
        };
        // 7 occurs 1,001 times: rank 0, one byte; ranks up to 127 one byte, the rest two.
        assert_eq!(bytes.len(), 1000 + 1 + 127 + (200 - 128) * 2);
    }
}

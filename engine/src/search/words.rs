//! The surface vocabulary: every distinct word of a corpus in one buffer, and the interner that
//! builds it.
//!
//! A vocabulary of several hundred thousand words as one `String` each costs a 24-byte header,
//! an allocation and its rounding per word, and scatters long-lived blocks among the millions
//! of short-lived ones tokenizing leaves behind, pages the allocator then cannot hand back.
//! Here the words sit back to back in one buffer with their end offsets: about the text's own
//! size plus four bytes a word, in two allocations.

use std::hash::BuildHasher;
use std::sync::Mutex;

use hashbrown::HashTable;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

/// Words by id, back to back. `words[id]` is a `&str`.
#[derive(Debug, Default, Clone)]
pub struct Words {
    text: String,
    /// Word id → where it ends in `text` (it starts where the one before ends).
    ends: Vec<u32>,
}

impl Words {
    /// How many words.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The word with this id, if any.
    pub fn get(&self, id: usize) -> Option<&str> {
        let end = *self.ends.get(id)? as usize;
        let start = id.checked_sub(1).map_or(0, |i| self.ends[i] as usize);
        Some(&self.text[start..end])
    }

    /// The words in id order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|id| &self[id])
    }

    /// The words in id order, as a parallel iterator.
    pub fn par_iter(&self) -> impl IndexedParallelIterator<Item = &str> + Clone + '_ {
        (0..self.len()).into_par_iter().map(|id| &self[id])
    }

    /// Appends a word; returns its id.
    ///
    /// # Panics
    /// When the words together pass 4 GiB (a vocabulary is some megabytes).
    fn push(&mut self, word: &str) -> u32 {
        self.text.push_str(word);
        let end = u32::try_from(self.text.len()).expect("a vocabulary under 4 GiB");
        self.ends.push(end);
        self.ends.len() as u32 - 1
    }

    /// The same words in sorted order, with the map from each old id to its new one.
    pub fn sorted(self) -> (Words, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.len() as u32).collect();
        order.par_sort_unstable_by(|&a, &b| self[a as usize].cmp(&self[b as usize]));
        let mut sorted = Words {
            text: String::with_capacity(self.text.len()),
            ends: Vec::with_capacity(self.len()),
        };
        let mut new_id = vec![0u32; self.len()];
        for &old in &order {
            new_id[old as usize] = sorted.push(&self[old as usize]);
        }
        (sorted, new_id)
    }

    /// Rough heap size in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4
    }
}

/// Words in the order given (ids 0, 1, …), repeats included.
impl<'a> FromIterator<&'a str> for Words {
    fn from_iter<I: IntoIterator<Item = &'a str>>(words: I) -> Words {
        let mut out = Words::default();
        for w in words {
            out.push(w);
        }
        out
    }
}

impl std::ops::Index<usize> for Words {
    type Output = str;

    /// # Panics
    /// On an id that is not a word's.
    fn index(&self, id: usize) -> &str {
        self.get(id).expect("a word id")
    }
}

/// Gives each distinct word an id, in first-seen order.
#[derive(Default)]
pub struct Interner {
    words: Words,
    /// Ids, found by their word's hash.
    table: HashTable<u32>,
    hasher: FxBuildHasher,
}

impl Interner {
    /// The id of `word`, new if it was never seen.
    pub fn intern(&mut self, word: &str) -> u32 {
        let hash = self.hash(word);
        self.intern_hashed(hash, word)
    }

    /// [`Interner::intern`] with the word's hash already known.
    fn intern_hashed(&mut self, hash: u64, word: &str) -> u32 {
        let words = &self.words;
        if let Some(&id) = self.table.find(hash, |&id| &words[id as usize] == word) {
            return id;
        }
        let id = self.words.push(word);
        let (words, hasher) = (&self.words, &self.hasher);
        self.table
            .insert_unique(hash, id, |&id| hasher.hash_one(&words[id as usize]));
        id
    }

    fn hash(&self, word: &str) -> u64 {
        self.hasher.hash_one(word)
    }

    /// The words, by id (the table is dropped).
    pub fn into_words(self) -> Words {
        self.words
    }
}

/// Bits of a [`SharedInterner`] id that say its shard.
const SHARD_BITS: u32 = 8;
const SHARDS: usize = 1 << SHARD_BITS;

/// An interner many threads use at once: the words are split by hash into shards, each an
/// [`Interner`] behind its own lock, so two threads rarely wait for each other.
///
/// An id is a word's id in its shard, shifted, with the shard in the low bits: ids are not
/// dense, and which id a word gets depends on which thread met it first. The vocabulary
/// [`SharedInterner::into_sorted`] returns does not: it is the distinct words, sorted.
pub struct SharedInterner {
    shards: Vec<Mutex<Interner>>,
    hasher: FxBuildHasher,
    /// Ids stay under this (they are stored in fields of this many bits).
    limit: u32,
}

impl SharedInterner {
    /// An empty interner whose ids stay under `limit` (a power of two).
    pub fn new(limit: u32) -> SharedInterner {
        debug_assert!(limit.is_power_of_two() && limit as usize >= SHARDS);
        SharedInterner {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: FxBuildHasher,
            limit,
        }
    }

    /// The id of `word`, new if it was never seen.
    ///
    /// # Panics
    /// When a shard holds more words than ids can say (`limit / 256`: millions of words).
    pub fn intern(&self, word: &str) -> u32 {
        let hash = self.hasher.hash_one(word);
        // Bits the shard's own table does not use first (it takes the low bits for its slot
        // and the top seven for its tags).
        let shard = (hash >> 32) as usize & (SHARDS - 1);
        let local = self.shards[shard]
            .lock()
            .expect("no thread panics while interning")
            .intern_hashed(hash, word);
        assert!(
            local < self.limit >> SHARD_BITS,
            "a vocabulary of fewer than {} words a shard",
            self.limit >> SHARD_BITS
        );
        local << SHARD_BITS | shard as u32
    }

    /// The distinct words in sorted order, with the map from each id to its word's place.
    pub fn into_sorted(self) -> (Words, Vec<u32>) {
        let shards: Vec<Words> = self
            .shards
            .into_iter()
            .map(|s| {
                s.into_inner()
                    .expect("no thread panics while interning")
                    .into_words()
            })
            .collect();
        let most = shards.iter().map(Words::len).max().unwrap_or(0);
        let mut all = Words {
            text: String::with_capacity(shards.iter().map(|w| w.text.len()).sum()),
            ends: Vec::with_capacity(shards.iter().map(Words::len).sum()),
        };
        // Shards back to back: `first[s]` is where shard `s`'s words start.
        let mut first = Vec::with_capacity(SHARDS);
        for words in shards {
            first.push(all.len() as u32);
            for w in words.iter() {
                all.push(w);
            }
        }
        let (sorted, place) = all.sorted();
        let mut new_id = vec![u32::MAX; most << SHARD_BITS];
        for (shard, &from) in first.iter().enumerate() {
            let to = first.get(shard + 1).copied().unwrap_or(place.len() as u32);
            for local in 0..to - from {
                new_id[((local as usize) << SHARD_BITS) | shard] = place[(from + local) as usize];
            }
        }
        (sorted, new_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_gives_each_distinct_word_one_id_in_first_seen_order() {
        let mut interner = Interner::default();
        let ids: Vec<u32> = ["kabul", "taliban", "kabul", "", "isis", "taliban"]
            .iter()
            .map(|w| interner.intern(w))
            .collect();
        assert_eq!(ids, vec![0, 1, 0, 2, 3, 1]);
        let words = interner.into_words();
        assert_eq!(
            words.iter().collect::<Vec<_>>(),
            ["kabul", "taliban", "", "isis"]
        );
        assert_eq!(words.get(4), None);
    }

    #[test]
    fn sorting_maps_every_old_id_to_the_same_word() {
        let mut interner = Interner::default();
        let input = ["zebra", "äpfel", "apple", "mango", "apple", "b"];
        let old: Vec<u32> = input.iter().map(|w| interner.intern(w)).collect();
        let before = interner.into_words();
        let (sorted, new_id) = before.clone().sorted();
        assert_eq!(
            sorted.iter().collect::<Vec<_>>(),
            ["apple", "b", "mango", "zebra", "äpfel"]
        );
        for (word, id) in input.iter().zip(old) {
            assert_eq!(&sorted[new_id[id as usize] as usize], *word);
        }
        assert!(sorted.memory_bytes() >= 21);
    }

    proptest::proptest! {
        #[test]
        fn shared_ids_map_to_the_sorted_distinct_words(
            words in proptest::collection::vec("[a-dé]{0,4}", 0..300),
        ) {
            let interner = SharedInterner::new(1 << 29);
            let ids: Vec<u32> = words.par_iter().map(|w| interner.intern(w)).collect();
            let again: Vec<u32> = words.iter().map(|w| interner.intern(w)).collect();
            proptest::prop_assert_eq!(&ids, &again);
            let (sorted, new_id) = interner.into_sorted();
            let mut distinct: Vec<&str> = words.iter().map(String::as_str).collect();
            distinct.sort_unstable();
            distinct.dedup();
            proptest::prop_assert_eq!(sorted.iter().collect::<Vec<_>>(), distinct);
            for (word, id) in words.iter().zip(ids) {
                proptest::prop_assert_eq!(&sorted[new_id[id as usize] as usize], word.as_str());
            }
        }
    }
}

//! Typo-tolerant word lookup: which vocabulary words are within a typo budget of a word.
//!
//! Candidates come from a trigram index of the vocabulary, never from a scan of it. A word
//! within `d` typos of the query shares all of the query's trigrams but at most `4d` (an edit
//! touches at most three, a transposition four), so any `4d + 1` of the query's trigrams must
//! include one of the candidate's: the lookup reads only the `4d + 1` shortest posting lists,
//! then strsim's optimal string alignment distance (Damerau: a transposition is one typo) confirms each candidate.
//! The budget follows the length of the word: 0 typos under 5 characters, 1 up to 8, 2 from 9.
//!
//! A small vocabulary also keeps its words by length. A word within `d` typos is at most `d`
//! characters longer or shorter, so when the vocabulary has few words of those lengths (a long
//! word, often a question's two words joined), or fewer than half as many as the lists hold
//! ids, those words are read instead, each kept only if it has one of the lists' trigrams: the
//! same candidates, so the same neighbours, for a fraction of the reading.

use std::cell::RefCell;

use super::lists::Lists;
use super::words::Words;
use rayon::prelude::*;

/// The number of typos a word of this many characters may carry.
pub fn typo_budget(chars: usize) -> u8 {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Candidates read per lookup at most: a bound on the work one word can cost.
const MAX_CANDIDATES: usize = 20_000;

/// A vocabulary of at most this many words is also kept by length ([`ByLength`]). No lookup
/// of one reads more than [`MAX_CANDIDATES`], so reading a length window instead of the lists
/// finds what the lists find.
const BY_LENGTH_WORDS: usize = MAX_CANDIDATES;

/// Reading one word of a length window costs about half what reading one id of a list does
/// (no decoding, no marks).
const WINDOW_COST: usize = 2;

/// A length window of at most this many words is read without making the lists: a few
/// instructions a word, where hashing a word's trigrams, finding each and sorting them costs
/// a thousand or more.
const DIRECT_WINDOW: usize = 128;

/// Trigram postings of a vocabulary: sorted trigram keys, and for each its word ids, a
/// compressed list ([`Lists`]).
#[derive(Debug, Default)]
pub struct Trigrams {
    keys: Vec<u32>,
    /// Where the keys with each value of their top bits begin in `keys` (one more entry at the
    /// end): the keys are hashes, spread evenly, so a key is looked for among a handful.
    buckets: Vec<u32>,
    /// How far a key is shifted right to give its bucket.
    shift: u32,
    /// Key → the ids of the words holding it.
    ids: Lists,
    /// Word id → [`letters`] of the word.
    letters: Vec<u64>,
    /// A small vocabulary's words by length; empty for a large one.
    by_length: ByLength,
}

/// Word ids in order of (length in characters, id), and where each length begins.
#[derive(Debug, Default)]
struct ByLength {
    ids: Vec<u32>,
    /// Length → where its ids begin in `ids` (one more entry than lengths: the end).
    starts: Vec<u32>,
}

impl ByLength {
    fn build(lengths: &[usize]) -> ByLength {
        if lengths.len() > BY_LENGTH_WORDS {
            return ByLength::default();
        }
        let longest = lengths.iter().copied().max().unwrap_or(0);
        let mut starts = vec![0u32; longest + 2];
        for &n in lengths {
            starts[n + 1] += 1;
        }
        for n in 1..starts.len() {
            starts[n] += starts[n - 1];
        }
        let mut next = starts.clone();
        let mut ids = vec![0u32; lengths.len()];
        for (id, &n) in lengths.iter().enumerate() {
            ids[next[n] as usize] = id as u32;
            next[n] += 1;
        }
        ByLength { ids, starts }
    }

    /// The ids of the words of `length - max` to `length + max` characters, if kept.
    fn window(&self, length: usize, max: usize) -> Option<&[u32]> {
        let last = self.starts.len().checked_sub(1)?;
        let at = |n: usize| self.starts[n.min(last)] as usize;
        Some(&self.ids[at(length.saturating_sub(max))..at(length + max + 1)])
    }
}

/// The set of characters of a word as 64 bits (letters and digits one bit each, any other
/// character hashed onto the rest). One typo changes at most two bits of it (a substitution
/// takes one character away and brings another), so words `d` typos apart differ in at most
/// `2d` bits: a check of a few instructions that spares most candidates the distance.
fn letters(word: &str) -> u64 {
    word.chars().fold(0, |set, c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + c as u32 - '0' as u32,
            _ => 36 + c as u32 % 28,
        };
        set | 1 << bit
    })
}

fn grams(word: &str) -> Vec<u32> {
    let mut out = windows(word);
    out.sort_unstable();
    out.dedup();
    out
}

/// The hashed windows of [`grams`], in the word's order, repeats kept.
fn windows(word: &str) -> Vec<u32> {
    let hash = |w: [char; 3]| {
        let mut h: u32 = 0x811c_9dc5;
        for c in w {
            h = (h ^ c as u32).wrapping_mul(0x0100_0193);
        }
        h
    };
    // The windows of three of `\u{2}`, the word's characters and `\u{3}`, slid without
    // collecting the characters.
    let mut out: Vec<u32> = Vec::with_capacity(word.len() + 1);
    let mut window = ['\u{2}'; 3];
    let mut held = 1;
    for c in word.chars().chain(std::iter::once('\u{3}')) {
        window = [window[1], window[2], c];
        held += 1;
        if held >= 3 {
            out.push(hash(window));
        }
    }
    out
}

impl Trigrams {
    /// Indexes words by their trigrams; a word's id is its position in `words`.
    pub fn build<'a>(words: impl IndexedParallelIterator<Item = &'a str> + Clone) -> Trigrams {
        let letters: Vec<u64> = words.clone().map(letters).collect();
        let by_length = if letters.len() <= BY_LENGTH_WORDS {
            let lengths: Vec<usize> = words.clone().map(|w| w.chars().count()).collect();
            ByLength::build(&lengths)
        } else {
            ByLength::default()
        };
        // Count, then fill: the ids are allocated once, at their exact size (grams are computed
        // twice rather than held for every word).
        let mut counts: rustc_hash::FxHashMap<u32, u32> = words
            .clone()
            .fold(rustc_hash::FxHashMap::default, |mut counts, w| {
                for g in grams(w) {
                    *counts.entry(g).or_default() += 1;
                }
                counts
            })
            .reduce(rustc_hash::FxHashMap::default, |mut a, b| {
                for (g, n) in b {
                    *a.entry(g).or_default() += n;
                }
                a
            });
        let mut keys: Vec<u32> = counts.keys().copied().collect();
        keys.par_sort_unstable();
        let mut offsets = Vec::with_capacity(keys.len() + 1);
        let mut total = 0u32;
        for k in &keys {
            offsets.push(total);
            total += counts[k];
        }
        offsets.push(total);
        counts.clear();
        let mut next: Vec<u32> = offsets.clone();
        let mut ids = vec![0u32; total as usize];
        // Words in id order, so every list comes out sorted.
        let ordered: Vec<&str> = words.collect();
        for (id, word) in ordered.iter().enumerate() {
            for g in grams(word) {
                let slot = &mut next[keys.binary_search(&g).expect("counted above")];
                ids[*slot as usize] = id as u32;
                *slot += 1;
            }
        }
        // Compressed key by key; the plain ids go as soon as they are.
        let ids = Lists::build(keys.len(), false, |k, list, _| {
            list.extend_from_slice(&ids[offsets[k] as usize..offsets[k + 1] as usize]);
        });
        let (buckets, shift) = buckets(&keys);
        Trigrams {
            keys,
            buckets,
            shift,
            ids,
            letters,
            by_length,
        }
    }

    /// The place of a trigram among the keys, if a word has it: its bucket's keys, bisected.
    fn key(&self, gram: u32) -> Option<usize> {
        let b = (u64::from(gram) >> self.shift) as usize;
        let (start, end) = (*self.buckets.get(b)? as usize, self.buckets[b + 1] as usize);
        let i = self.keys[start..end].binary_search(&gram).ok()?;
        Some(start + i)
    }

    /// Rough heap size in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.keys.capacity() * 4
            + self.buckets.capacity() * 4
            + self.ids.memory_bytes()
            + self.letters.capacity() * 8
            + (self.by_length.ids.capacity() + self.by_length.starts.capacity()) * 4
    }

    /// Vocabulary words within `max` typos of `word` (the word itself excluded), with their id
    /// and distance, nearest first, at most `limit`.
    pub fn neighbours(&self, words: &Words, word: &str, max: u8, limit: usize) -> Vec<(u32, u8)> {
        if max == 0 || word.is_empty() {
            return Vec::new();
        }
        let length = word.chars().count();
        let window = self.by_length.window(length, max as usize);
        // Few words of the lengths it takes (a long word): read them, not the lists.
        if let Some(window) = window.filter(|w| w.len() <= DIRECT_WINDOW) {
            return self.scan(words, word, max, limit, window, None);
        }
        let lists = self.lists(word, max);
        let listed: usize = lists.iter().map(|&(len, _, _)| len).sum();
        if let Some(window) = window.filter(|w| w.len() * WINDOW_COST < listed) {
            return self.scan(words, word, max, limit, window, Some(&lists));
        }
        self.read_lists(words, word, max, limit, &lists)
    }

    /// [`neighbours`](Trigrams::neighbours) from the candidates of the [`lists`](Trigrams::lists).
    fn read_lists(
        &self,
        words: &Words,
        word: &str,
        max: u8,
        limit: usize,
        lists: &[(usize, u32, Option<usize>)],
    ) -> Vec<(u32, u8)> {
        let length = word.chars().count();
        let set = letters(word);
        let counts = Histogram::of(word);
        let mut found: Vec<(u32, u8)> = Vec::new();
        SEEN.with(|seen| {
            let mut seen = seen.borrow_mut();
            let Seen { stamp, marks, ids } = &mut *seen;
            *stamp = stamp.wrapping_add(1);
            if *stamp == 0 || marks.len() < self.letters.len() {
                // First use on this thread, a larger vocabulary, or the stamps wrapped around.
                marks.clear();
                marks.resize(self.letters.len(), 0);
                *stamp = 1;
            }
            let mut read = 0;
            'lists: for &(len, _, key) in lists {
                let Some(key) = key else { continue };
                let list = self.ids.get(key);
                debug_assert_eq!(list.len(), len);
                // Decoded first, then read in a plain loop.
                ids.clear();
                list.for_each(|id, _| ids.push(id));
                for &id in ids.iter() {
                    let mark = &mut marks[id as usize];
                    if *mark == *stamp {
                        continue;
                    }
                    *mark = *stamp;
                    read += 1;
                    if read > MAX_CANDIDATES {
                        break 'lists;
                    }
                    // Cheap necessary conditions first: the set and the counts of characters,
                    // then the length; the distance itself last.
                    if more_bits_than(self.letters[id as usize] ^ set, 2 * max as u32) {
                        continue;
                    }
                    let candidate = &words[id as usize];
                    if candidate.chars().count().abs_diff(length) > max as usize
                        || counts.distance(candidate) > 2 * max as u32
                    {
                        continue;
                    }
                    let d = distance(word, candidate, max);
                    if d > 0 && d <= max as usize {
                        found.push((id, d as u8));
                    }
                }
            }
        });
        found.sort_by_key(|&(id, d)| (d, id));
        found.truncate(limit);
        found
    }

    /// The lists a lookup reads: the `4 max + 1` shortest of the word's trigrams (fewer for a
    /// short word), as (length, trigram, key). A trigram no word has is an empty list: the
    /// shortest. Lists are sorted by length from their headers, ties by trigram (the order of
    /// a stable sort of the sorted grams), and only the ones read are opened.
    fn lists(&self, word: &str, max: u8) -> Vec<(usize, u32, Option<usize>)> {
        let mut lists: Vec<(usize, u32, Option<usize>)> = windows(word)
            .iter()
            .map(|&g| {
                let key = self.key(g);
                (key.map_or(0, |k| self.ids.list_len(k)), g, key)
            })
            .collect();
        lists.sort_unstable_by_key(|&(len, g, _)| (len, g));
        lists.dedup_by_key(|&mut (_, g, _)| g);
        lists.truncate(4 * max as usize + 1);
        lists
    }

    /// [`neighbours`](Trigrams::neighbours) from the words of a length `window` (every word
    /// within `max` typos of `word` is in it): the words the same tests keep, among those with
    /// a trigram of the [`lists`](Trigrams::lists), which are made only if a word passes them.
    fn scan(
        &self,
        words: &Words,
        word: &str,
        max: u8,
        limit: usize,
        window: &[u32],
        lists: Option<&[(usize, u32, Option<usize>)]>,
    ) -> Vec<(u32, u8)> {
        let set = letters(word);
        let mut counts = None;
        let mut grams: Option<Vec<u32>> = lists.map(|l| l.iter().map(|&(_, g, _)| g).collect());
        let mut found: Vec<(u32, u8)> = Vec::new();
        for &id in window {
            if more_bits_than(self.letters[id as usize] ^ set, 2 * max as u32) {
                continue;
            }
            let candidate = &words[id as usize];
            let counts = counts.get_or_insert_with(|| Histogram::of(word));
            if counts.distance(candidate) > 2 * max as u32 {
                continue;
            }
            let d = distance(word, candidate, max);
            if d == 0 || d > max as usize {
                continue;
            }
            let grams =
                grams.get_or_insert_with(|| self.lists(word, max).iter().map(|l| l.1).collect());
            if windows(candidate).iter().any(|g| grams.contains(g)) {
                found.push((id, d as u8));
            }
        }
        found.sort_by_key(|&(id, d)| (d, id));
        found.truncate(limit);
        found
    }
}

/// The typos between two words (strsim's optimal string alignment distance: a swap of
/// neighbours is one typo), exact up to `max`; any larger distance reads `max + 1` or more.
fn distance(word: &str, candidate: &str, max: u8) -> usize {
    strsim::osa_distance(word, candidate).min(usize::from(max) + 1)
}

/// [`Trigrams::buckets`] of sorted keys, and the shift that gives a key's bucket: about one
/// bucket for every two keys.
fn buckets(keys: &[u32]) -> (Vec<u32>, u32) {
    let bits = (keys.len() / 2).max(1).ilog2().min(24);
    let shift = 32 - bits;
    let count = 1usize << bits;
    let mut buckets = Vec::with_capacity(count + 1);
    let mut at = 0;
    for b in 0..count {
        while at < keys.len() && ((u64::from(keys[at]) >> shift) as usize) < b {
            at += 1;
        }
        buckets.push(at as u32);
    }
    buckets.push(keys.len() as u32);
    (buckets, shift)
}

/// A thread's lookup state, kept from one lookup to the next.
#[derive(Default)]
struct Seen {
    /// The current lookup's stamp.
    stamp: u32,
    /// Word id → the stamp of the lookup that read it last.
    marks: Vec<u32>,
    /// The ids of the list being read.
    ids: Vec<u32>,
}

thread_local! {
    /// Which vocabulary words a lookup has read already: a stamp per word, so that a lookup
    /// neither sorts its candidates nor clears a table.
    static SEEN: RefCell<Seen> = RefCell::default();
}

/// Whether `x` has more than `n` bits set. For the small `n` of a typo budget, its lowest bit
/// is cleared `n` times and something must be left: fewer instructions than counting the bits
/// where the processor is not assumed to count them itself.
fn more_bits_than(mut x: u64, n: u32) -> bool {
    match n {
        2 => {
            x &= x.wrapping_sub(1);
            x &= x.wrapping_sub(1);
            x != 0
        }
        4 => {
            x &= x.wrapping_sub(1);
            x &= x.wrapping_sub(1);
            x &= x.wrapping_sub(1);
            x &= x.wrapping_sub(1);
            x != 0
        }
        _ => x.count_ones() > n,
    }
}

/// How many characters of each kind a word has (characters folded onto 32 kinds). One typo
/// changes these counts by at most two in all, so words `d` typos apart differ by at most `2d`.
struct Histogram([u8; 32]);

impl Histogram {
    fn of(word: &str) -> Histogram {
        let mut counts = [0u8; 32];
        for c in word.chars() {
            let slot = &mut counts[(c as u32 & 31) as usize];
            *slot = slot.saturating_add(1);
        }
        Histogram(counts)
    }

    /// The sum of the differences of the counts of `self` and of `word`.
    fn distance(&self, word: &str) -> u32 {
        let other = Histogram::of(word);
        self.0
            .iter()
            .zip(&other.0)
            .map(|(&a, &b)| u32::from(a.abs_diff(b)))
            .sum()
    }
}

/// How alike two words look (strsim's Jaro-Winkler, 0 to 1): breaks ties between candidates
/// at the same distance in favour of a shared beginning.
pub fn likeness(a: &str, b: &str) -> f32 {
    strsim::jaro_winkler(a, b) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word the typo tests vary.
    const WORD: &str = "amirabdollahian";

    /// Every one-typo variant of [`WORD`]: each letter deleted, substituted, or preceded by an
    /// inserted letter.
    fn one_typo_variants() -> Vec<String> {
        WORD.char_indices()
            .flat_map(|(i, _)| {
                [
                    format!("{}{}", &WORD[..i], &WORD[i + 1..]),
                    format!("{}q{}", &WORD[..i], &WORD[i + 1..]),
                    format!("{}é{}", &WORD[..i], &WORD[i..]),
                ]
            })
            .collect()
    }

    #[test]
    fn one_typo_changes_at_most_two_bits_of_the_letter_set() {
        for typo in one_typo_variants() {
            assert!((letters(WORD) ^ letters(&typo)).count_ones() <= 2, "{typo}");
        }
    }

    proptest::proptest! {
        #[test]
        fn more_bits_than_counts_as_count_ones_does(
            bits in proptest::collection::vec(0u32..64, 0..8),
            n in 0u32..6,
        ) {
            let x = bits.iter().fold(0u64, |x, &b| x | 1 << b);
            proptest::prop_assert_eq!(more_bits_than(x, n), x.count_ones() > n);
        }
    }

    proptest::proptest! {
        #[test]
        fn grams_are_the_hashed_windows_of_the_marked_word(word in "\\PC{0,12}") {
            let chars: Vec<char> = std::iter::once('\u{2}')
                .chain(word.chars())
                .chain(std::iter::once('\u{3}'))
                .collect();
            let mut expected: Vec<u32> = chars
                .windows(3)
                .map(|w| {
                    let mut h: u32 = 0x811c_9dc5;
                    for c in w {
                        h = (h ^ *c as u32).wrapping_mul(0x0100_0193);
                    }
                    h
                })
                .collect();
            expected.sort_unstable();
            expected.dedup();
            proptest::prop_assert_eq!(grams(&word), expected);
        }
    }

    proptest::proptest! {
        #[test]
        fn bucketed_keys_are_found_as_bisection_finds_them(
            words in proptest::collection::vec("[a-e]{1,7}", 0..300),
            probes in proptest::collection::vec(proptest::num::u32::ANY, 0..50),
        ) {
            let words: Words = words.iter().map(String::as_str).collect();
            let index = Trigrams::build(words.par_iter());
            for (i, &k) in index.keys.iter().enumerate() {
                proptest::prop_assert_eq!(index.key(k), Some(i));
            }
            for g in probes {
                proptest::prop_assert_eq!(index.key(g), index.keys.binary_search(&g).ok());
            }
        }
    }

    #[test]
    fn one_typo_changes_character_counts_by_two_at_most() {
        for typo in one_typo_variants() {
            assert!(Histogram::of(WORD).distance(&typo) <= 2, "{typo}");
        }
        assert_eq!(Histogram::of("abc").distance("xyz"), 6);
    }

    /// Reading a length window finds what reading the lists finds, for every word of the
    /// bundled corpus's vocabulary, each with one and two typos, at both budgets.
    #[test]
    fn length_windows_find_what_the_lists_find() {
        let dir = crate::test_corpus();
        let (corpus, _) = crate::corpus::load_dir(dir, &crate::corpus::LoadOptions::default());
        let index = crate::search::Index::build(&corpus, crate::search::Aliases::default());
        let (words, trigrams) = (&index.words, &index.trigrams);
        assert!(
            !trigrams.by_length.ids.is_empty(),
            "a small vocabulary is kept by length"
        );
        let mut checked = 0;
        for id in 0..words.len() {
            let word = &words[id];
            let mut typos = vec![word.to_string()];
            if let Some((at, c)) = word.char_indices().nth(1) {
                typos.push(format!("{}{}", &word[..at], &word[at + c.len_utf8()..]));
                typos.push(format!("{}q{}x", &word[..at], &word[at..]));
            }
            for typo in &typos {
                for max in [1, 2] {
                    let lists = trigrams.lists(typo, max);
                    let all = trigrams.by_length.window(typo.chars().count(), max.into());
                    let all = all.expect("kept by length");
                    let expected = trigrams.read_lists(words, typo, max, 8, &lists);
                    assert_eq!(
                        trigrams.scan(words, typo, max, 8, all, None),
                        expected,
                        "{typo}"
                    );
                    assert_eq!(
                        trigrams.scan(words, typo, max, 8, all, Some(&lists)),
                        expected,
                        "{typo}"
                    );
                    assert_eq!(trigrams.neighbours(words, typo, max, 8), expected, "{typo}");
                    checked += usize::from(!expected.is_empty());
                }
            }
        }
        assert!(checked > 1000, "{checked} lookups found a neighbour");
    }

    #[test]
    fn by_length_windows_hold_the_words_of_their_lengths() {
        let by = ByLength::build(&[3, 1, 3, 5, 2]);
        assert_eq!(by.window(3, 0), Some(&[0, 2][..]));
        assert_eq!(by.window(2, 1), Some(&[1, 4, 0, 2][..]));
        assert_eq!(by.window(9, 3), Some(&[][..]));
        assert_eq!(by.window(0, 9), Some(&[1, 4, 0, 2, 3][..]));
        assert_eq!(ByLength::default().window(3, 1), None);
    }

    #[test]
    fn budget_grows_with_length() {
        assert_eq!(typo_budget(4), 0);
        assert_eq!(typo_budget(5), 1);
        assert_eq!(typo_budget(8), 1);
        assert_eq!(typo_budget(9), 2);
    }

    #[test]
    fn misspellings_find_their_word() {
        let words: Words = ["abdollahian", "attacks", "governor", "hazara", "kabul"]
            .into_iter()
            .collect();
        let index = Trigrams::build(words.par_iter());
        let find = |w: &str| index.neighbours(&words, w, typo_budget(w.chars().count()), 3);
        assert_eq!(find("governer"), vec![(2, 1)]);
        assert_eq!(find("atacks"), vec![(1, 1)]);
        assert_eq!(find("hazzara"), vec![(3, 1)]);
        assert_eq!(find("abdolahian"), vec![(0, 1)]);
        // A transposition is one typo.
        assert_eq!(find("attcaks"), vec![(1, 1)]);
        assert!(find("kabl").is_empty());
        // Two typos: one substitution, one transposition.
        let index2 = |w: &str| index.neighbours(&words, w, 2, 3);
        assert_eq!(index2("abdolahain"), vec![(0, 2)]);
        assert_eq!(index2("govrenour"), vec![(2, 2)]);
        assert!(find("zzzzzzzz").is_empty());
    }
}

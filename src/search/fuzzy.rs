//! Typo-tolerant word lookup: which vocabulary words are within a typo budget of a word.
//!
//! Candidates come from a trigram index of the vocabulary, never from a scan of it. A word
//! within `d` typos of the query shares all of the query's trigrams but at most `4d` (an edit
//! touches at most three, a transposition four), so any `4d + 1` of the query's trigrams must
//! include one of the candidate's: the lookup reads only the `4d + 1` shortest posting lists,
//! then strsim's optimal
//! string alignment distance (Damerau: a transposition is one typo) confirms each candidate.
//! The budget follows the length of the word: 0 typos under 5 characters, 1 up to 8, 2 from 9.

use std::collections::HashMap;

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

/// Trigram postings of a vocabulary.
#[derive(Debug, Default)]
pub struct Trigrams {
    postings: HashMap<u32, Vec<u32>>,
}

fn grams(word: &str) -> Vec<u32> {
    let chars: Vec<char> = std::iter::once('\u{2}')
        .chain(word.chars())
        .chain(std::iter::once('\u{3}'))
        .collect();
    let mut out: Vec<u32> = chars
        .windows(3)
        .map(|w| {
            let mut h: u32 = 0x811c_9dc5;
            for c in w {
                h = (h ^ *c as u32).wrapping_mul(0x0100_0193);
            }
            h
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl Trigrams {
    /// Indexes words by their trigrams; a word's id is its position in `words`.
    pub fn build<'a>(words: impl Iterator<Item = &'a str>) -> Trigrams {
        let mut postings: HashMap<u32, Vec<u32>> = HashMap::new();
        for (id, word) in words.enumerate() {
            for g in grams(word) {
                postings.entry(g).or_default().push(id as u32);
            }
        }
        postings.values_mut().for_each(|p| p.shrink_to_fit());
        Trigrams { postings }
    }

    /// Rough heap size in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.postings.capacity() * 40 + self.postings.values().map(|p| p.len() * 4).sum::<usize>()
    }

    /// Vocabulary words within `max` typos of `word` (the word itself excluded), with their id
    /// and distance, nearest first, at most `limit`.
    pub fn neighbours(
        &self,
        words: &[String],
        word: &str,
        max: u8,
        limit: usize,
    ) -> Vec<(u32, u8)> {
        if max == 0 || word.is_empty() {
            return Vec::new();
        }
        let mut lists: Vec<&[u32]> = grams(word)
            .iter()
            .map(|g| self.postings.get(g).map_or(&[][..], Vec::as_slice))
            .collect();
        lists.sort_by_key(|l| l.len());
        lists.truncate(4 * max as usize + 1);
        let mut candidates: Vec<u32> = lists.concat();
        candidates.sort_unstable();
        candidates.dedup();
        candidates.truncate(MAX_CANDIDATES);
        let length = word.chars().count();
        let mut found: Vec<(u32, u8)> = candidates
            .into_iter()
            .filter_map(|id| {
                let candidate = &words[id as usize];
                if candidate.chars().count().abs_diff(length) > max as usize {
                    return None;
                }
                let d = strsim::osa_distance(word, candidate);
                (d > 0 && d <= max as usize).then_some((id, d as u8))
            })
            .collect();
        found.sort_by_key(|&(id, d)| (d, id));
        found.truncate(limit);
        found
    }
}

/// How alike two words look (Jaro-Winkler, 0 to 1): breaks ties between candidates at the same
/// distance in favour of a shared beginning.
pub fn likeness(a: &str, b: &str) -> f32 {
    strsim::jaro_winkler(a, b) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_grows_with_length() {
        assert_eq!(typo_budget(4), 0);
        assert_eq!(typo_budget(5), 1);
        assert_eq!(typo_budget(8), 1);
        assert_eq!(typo_budget(9), 2);
    }

    #[test]
    fn misspellings_find_their_word() {
        let words: Vec<String> = ["abdollahian", "attacks", "governor", "hazara", "kabul"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        let index = Trigrams::build(words.iter().map(String::as_str));
        let find = |w: &str| index.neighbours(&words, w, typo_budget(w.chars().count()), 3);
        assert_eq!(find("governer"), vec![(2, 1)]);
        assert_eq!(find("atacks"), vec![(1, 1)]);
        assert_eq!(find("hazzara"), vec![(3, 1)]);
        assert_eq!(find("abdolahian"), vec![(0, 1)]);
        // A transposition is one typo.
        assert_eq!(find("attcaks"), vec![(1, 1)]);
        assert!(find("kabl").is_empty());
        assert!(find("zzzzzzzz").is_empty());
    }
}

//! Typo-tolerant word lookup: which vocabulary words are within a typo budget of a word.
//!
//! The vocabulary is an FST (finite-state transducer: sorted words sharing prefixes and suffixes,
//! a few bytes a word) and a word's neighbours are found by walking it with a Levenshtein
//! automaton (Damerau: a transposition is one typo), so a lookup visits only the paths that can
//! still match and never scans the vocabulary. The budget follows the length of the word:
//! 0 typos under 5 characters, 1 up to 8, 2 from 9.

use std::sync::LazyLock;

use fst::{IntoStreamer, Map, Streamer};
use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder};

static BUILDERS: LazyLock<[LevenshteinAutomatonBuilder; 3]> = LazyLock::new(|| {
    [
        LevenshteinAutomatonBuilder::new(1, true),
        LevenshteinAutomatonBuilder::new(2, true),
        LevenshteinAutomatonBuilder::new(3, true),
    ]
});

/// The number of typos a word of this many characters may carry.
pub fn typo_budget(chars: usize) -> u8 {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Vocabulary words within `max` typos of `word` (the word itself excluded), with their value
/// in the map and their distance, nearest first, at most `limit`.
pub fn neighbours(vocabulary: &Map<Vec<u8>>, word: &str, max: u8, limit: usize) -> Vec<(u64, u8)> {
    if max == 0 || word.is_empty() {
        return Vec::new();
    }
    let dfa = BUILDERS[(max.min(3) - 1) as usize].build_dfa(word);
    let mut stream = vocabulary.search(&dfa).into_stream();
    let mut found = Vec::new();
    // Bounded: a huge vocabulary cannot make one lookup unbounded.
    let mut visited = 0;
    while let Some((key, value)) = stream.next() {
        visited += 1;
        if visited > 4096 {
            break;
        }
        if let Distance::Exact(d) = dfa.eval(key) {
            if d > 0 {
                found.push((value, d));
            }
        }
    }
    found.sort_by_key(|&(v, d)| (d, v));
    found.truncate(limit);
    found
}

/// How alike two words look (Jaro-Winkler, 0 to 1): breaks ties between candidates at the same
/// distance in favour of a shared beginning.
pub fn likeness(a: &str, b: &str) -> f32 {
    strsim::jaro_winkler(a, b) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(words: &[&str]) -> Map<Vec<u8>> {
        let mut sorted: Vec<&str> = words.to_vec();
        sorted.sort_unstable();
        Map::from_iter(sorted.iter().enumerate().map(|(i, w)| (*w, i as u64))).unwrap()
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
        let v = vocabulary(&["governor", "attacks", "hazara", "abdollahian", "kabul"]);
        let find = |w: &str| {
            let max = typo_budget(w.chars().count());
            neighbours(&v, w, max, 3)
        };
        assert_eq!(find("governer"), vec![(2, 1)]);
        assert_eq!(find("atacks"), vec![(1, 1)]);
        assert_eq!(find("hazzara"), vec![(3, 1)]);
        assert_eq!(find("abdolahian"), vec![(0, 1)]);
        // A transposition is one typo.
        assert_eq!(find("attcaks"), vec![(1, 1)]);
        assert!(find("kabl").is_empty());
    }
}

//! Passages: sentence windows of long paragraphs, and duplicate grouping.
//!
//! A paragraph up to [`MAX_PASSAGE_BYTES`] is one passage; a longer one is cut into windows of
//! whole sentences ([`sentences`]), all carrying the paragraph's number.
//!
//! Passages repeated verbatim or nearly so (a forum post quoting an earlier post, the same
//! statement lightly edited in two articles) are grouped so that the engine ranks one and cites
//! every place. Exact repeats are found by hashing their words; near repeats by MinHash over word
//! pairs with banded locality-sensitive hashing, each candidate pair confirmed by the Jaccard
//! similarity of its word pairs. The cost is linear in the corpus, never quadratic.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hasher;

use rayon::prelude::*;
use rustc_hash::FxHasher;

use crate::text::sentences;

/// Paragraphs longer than this are cut into sentence windows.
pub const MAX_PASSAGE_BYTES: usize = 600;
/// A window grows sentence by sentence until it holds at least this many bytes.
const WINDOW_TARGET_BYTES: usize = 320;
/// Two passages whose word pairs overlap this much are the same passage.
const NEAR_DUPLICATE_JACCARD: f64 = 0.7;
/// MinHash signatures are cut into this many bands of [`BAND_ROWS`] values; two passages are
/// compared when any band matches. At Jaccard 0.7 a pair is a candidate with probability
/// 1 − (1 − 0.7⁴)⁸ ≈ 0.89; at 0.8, 0.98; at 0.3, 0.06.
const BANDS: usize = 8;
const BAND_ROWS: usize = 4;
const MINHASHES: usize = BANDS * BAND_ROWS;
/// Buckets bigger than this are boilerplate already caught as exact repeats; skip them.
const MAX_BUCKET: usize = 64;

/// Cuts a paragraph into passages of whole sentences.
pub fn windows(text: String) -> Vec<String> {
    if text.len() <= MAX_PASSAGE_BYTES {
        return vec![text];
    }
    let text = text.as_str();
    let mut out = Vec::new();
    let mut current = String::new();
    for (start, end) in sentences(text) {
        let sentence = &text[start..end];
        if !current.is_empty()
            && current.len() >= WINDOW_TARGET_BYTES
            && current.len() + sentence.len() > MAX_PASSAGE_BYTES / 2
        {
            out.push(current.trim().to_string());
            current.clear();
        }
        current.push_str(sentence);
    }
    let rest = current.trim();
    if !rest.is_empty() {
        // A short tail joins the window before it rather than standing alone.
        match out.last_mut() {
            Some(last) if rest.len() < WINDOW_TARGET_BYTES / 3 => {
                last.push(' ');
                last.push_str(rest);
            }
            _ => out.push(rest.to_string()),
        }
    }
    out
}

/// Hashes of a text's words (runs of letters and digits), case folded: what duplicate
/// detection compares.
fn word_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut h: Option<FxHasher> = None;
    for c in text.chars() {
        if c.is_alphanumeric() {
            let h = h.get_or_insert_with(FxHasher::default);
            if c.is_ascii() {
                h.write_u8(c.to_ascii_lowercase() as u8);
            } else {
                c.to_lowercase().for_each(|l| h.write_u32(l as u32));
            }
        } else if let Some(done) = h.take() {
            out.push(done.finish());
        }
    }
    out.extend(h.map(|h| h.finish()));
    out
}

/// SplitMix64's finalizer: a strong, cheap 64-bit mixer.
const fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// MinHash's permutations: `a·x + b` (mod 2⁶⁴, `a` odd) of the already mixed shingle hashes,
/// the universal family MinHash implementations use; two instructions a value instead of a
/// full mix.
const PERMUTE: ([u64; MINHASHES], [u64; MINHASHES]) = {
    let (mut a, mut b) = ([0; MINHASHES], [0; MINHASHES]);
    let mut i = 0;
    while i < MINHASHES {
        a[i] = mix(2 * i as u64 + 1) | 1;
        b[i] = mix(2 * i as u64 + 2);
        i += 1;
    }
    (a, b)
};

/// The hash of an ordered pair of hashes.
fn pair_hash(a: u64, b: u64) -> u64 {
    mix(a.rotate_left(21) ^ b)
}

/// What duplicate detection keeps of a passage: 40 bytes whatever its length (the word pairs
/// themselves are recomputed only for candidate pairs). Band keys are 32 bits: a collision
/// only adds a candidate pair, which the Jaccard check then turns down.
pub(crate) struct Fingerprint {
    /// A hash of the words in order (63 bits), and [`NEAR_BIT`].
    exact: u64,
    bands: [u32; BANDS],
}

/// Set in [`Fingerprint::exact`] when a passage has enough word pairs (8) for near duplicates
/// to mean something (only then are its bands computed). Equal words have equal pairs, so the bit never splits an exact group.
const NEAR_BIT: u64 = 1 << 63;

/// Hashes of a passage's distinct word pairs (its words, when it has only one), sorted.
fn shingles(text: &str) -> Vec<u64> {
    shingles_of(word_hashes(text))
}

fn shingles_of(words: Vec<u64>) -> Vec<u64> {
    let mut out: Vec<u64> = if words.len() < 2 {
        words
    } else {
        words.windows(2).map(|w| pair_hash(w[0], w[1])).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// For each of the [`PERMUTE`] permutations, the least value it gives any of `shingles`: the
/// load's costliest loop, which the compiler vectorizes.
fn minhash(shingles: &[u64]) -> [u64; MINHASHES] {
    let mut minhash = [u64::MAX; MINHASHES];
    for &s in shingles {
        for ((slot, a), b) in minhash.iter_mut().zip(&PERMUTE.0).zip(&PERMUTE.1) {
            *slot = (*slot).min(a.wrapping_mul(s).wrapping_add(*b));
        }
    }
    minhash
}

pub(crate) fn fingerprint(text: &str) -> Fingerprint {
    let words = word_hashes(text);
    let exact = words
        .iter()
        .fold(words.len() as u64, |h, &w| pair_hash(h, w));
    let shingles = shingles_of(words);
    if shingles.len() < 8 {
        // Too short for near duplicates: its bands are never read.
        return Fingerprint {
            exact: exact & !NEAR_BIT,
            bands: [0; BANDS],
        };
    }
    let minhash = minhash(&shingles);
    let mut bands = [0u32; BANDS];
    for (band, rows) in bands.iter_mut().zip(minhash.chunks(BAND_ROWS)) {
        *band = (rows.iter().fold(0, |h, &r| pair_hash(h, r)) >> 32) as u32;
    }
    Fingerprint {
        exact: exact | NEAR_BIT,
        bands,
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

/// Joins the groups of `a` and `b`. The root of a group is always its earliest passage, so
/// the result does not depend on the order of the unions.
fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi as usize] = lo;
    }
}

/// Jaccard similarity of two sorted, deduplicated sets.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Candidate pairs are confirmed in parallel this many at a time (bounded memory).
const PAIR_CHUNK: usize = 1 << 14;

/// Groups duplicate passages.
///
/// Returns, for each passage, the id of the earliest passage of its group, and for each group
/// with more than one member, the other members in order.
#[cfg(test)]
pub fn group_duplicates(passages: &[&str]) -> (Vec<u32>, HashMap<u32, Vec<u32>>) {
    let prints: Vec<Fingerprint> = passages.par_iter().map(|p| fingerprint(p)).collect();
    group_fingerprinted(prints, |id| Cow::Borrowed(passages[id as usize]))
}

/// [`group_duplicates`] of passages fingerprinted beforehand (as each document is built),
/// reading the text of only the passages that are candidates for near duplicates.
pub(crate) fn group_fingerprinted<'a>(
    prints: Vec<Fingerprint>,
    text: impl Fn(u32) -> Cow<'a, str> + Sync,
) -> (Vec<u32>, HashMap<u32, Vec<u32>>) {
    let count = prints.len();
    let mut parent: Vec<u32> = (0..count as u32).collect();
    // Exact repeats: runs of equal hashes once sorted; the first of each run stands for it.
    // Ids sorted by their hash, four bytes each: this runs while the corpus is at its largest.
    let exact = |id: &u32| (prints[*id as usize].exact, *id);
    let mut by_exact: Vec<u32> = (0..count as u32).collect();
    by_exact.par_sort_unstable_by_key(exact);
    let mut representatives: Vec<u32> = Vec::new();
    for run in by_exact.chunk_by(|a, b| exact(a).0 == exact(b).0) {
        let first = run[0];
        for &other in &run[1..] {
            union(&mut parent, first, other);
        }
        if prints[first as usize].exact & NEAR_BIT != 0 {
            representatives.push(first);
        }
    }
    drop(by_exact);
    // Near repeats: passages that share a band key, one band at a time (bounded memory).
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut keyed: Vec<(u32, u32)> = Vec::with_capacity(representatives.len());
    for band in 0..BANDS {
        keyed.clear();
        keyed.extend(
            representatives
                .iter()
                .map(|&id| (prints[id as usize].bands[band], id)),
        );
        keyed.par_sort_unstable();
        for run in keyed.chunk_by(|a, b| a.0 == b.0) {
            if run.len() < 2 || run.len() > MAX_BUCKET {
                continue;
            }
            // Sorted by id within a run, so every pair is (earlier, later).
            for (i, &(_, a)) in run.iter().enumerate() {
                pairs.extend(run[i + 1..].iter().map(|&(_, b)| (a, b)));
            }
        }
    }
    drop(prints);
    pairs.par_sort_unstable();
    pairs.dedup();
    for chunk in pairs.chunks(PAIR_CHUNK) {
        // Each passage's word pairs once per chunk, however many candidates it is in.
        let mut ids: Vec<u32> = chunk.iter().flat_map(|&(a, b)| [a, b]).collect();
        ids.sort_unstable();
        ids.dedup();
        let sets: Vec<Vec<u64>> = ids.par_iter().map(|&id| shingles(&text(id))).collect();
        let set = |id: u32| &sets[ids.binary_search(&id).expect("listed above")];
        let same: Vec<bool> = chunk
            .par_iter()
            .map(|&(a, b)| jaccard(set(a), set(b)) >= NEAR_DUPLICATE_JACCARD)
            .collect();
        for (&(a, b), same) in chunk.iter().zip(same) {
            if same {
                union(&mut parent, a, b);
            }
        }
    }
    let canonical: Vec<u32> = (0..count as u32).map(|i| find(&mut parent, i)).collect();
    let mut duplicates: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, &c) in canonical.iter().enumerate() {
        if c != i as u32 {
            duplicates.entry(c).or_default().push(i as u32);
        }
    }
    (canonical, duplicates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_paragraphs_are_one_passage() {
        assert_eq!(windows("One sentence.".into()), vec!["One sentence."]);
    }

    #[test]
    fn long_paragraphs_become_windows_of_whole_sentences() {
        let sentence = "This sentence is about forty-five bytes long. ";
        let text = sentence.repeat(40);
        let parts = windows(text.trim().to_string());
        assert!(parts.len() > 1);
        for part in &parts {
            assert!(part.ends_with('.'), "{part:?}");
            assert!(part.len() <= MAX_PASSAGE_BYTES);
        }
        let joined: String = parts.join(" ");
        assert_eq!(joined, text.trim());
    }

    #[test]
    fn lightly_edited_statements_are_grouped_and_different_ones_are_not() {
        let a = "The Iranian officials should rather focus on constructive economic, political and social relations between the two neighboring and friendly peoples and countries instead of raising false alarms about Afghanistan,” he added.";
        let b = "“The Iranian officials should rather focus on constructive economic, political, and social relations between the two neighboring and friendly peoples and countries instead of raising false alarms about Afghanistan,” Balkhi said.";
        let c = "Balkhi reiterated that the Taliban will not allow anyone to threaten the national security of Afghanistan, or use our territory against others.";
        let (canonical, dups) = group_duplicates(&[a, c, b, a]);
        assert_eq!(canonical, vec![0, 1, 0, 0]);
        assert_eq!(dups[&0], vec![2, 3]);
    }
}

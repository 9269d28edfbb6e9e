//! Passages: sentence windows of long paragraphs, and duplicate grouping.
//!
//! A paragraph up to [`MAX_PASSAGE_BYTES`] is one passage; a longer one is cut into windows of
//! whole sentences (UAX #29 sentence boundaries), all carrying the paragraph's number.
//!
//! Passages repeated verbatim or nearly so (a forum post quoting an earlier post, the same
//! statement lightly edited in two articles) are grouped so that the engine ranks one and cites
//! every place. Exact repeats are found by hashing their words; near repeats by MinHash over word
//! pairs with banded locality-sensitive hashing, each candidate pair confirmed by the Jaccard
//! similarity of its word pairs. The cost is linear in the corpus, never quadratic.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

use super::Passage;

/// Paragraphs longer than this are cut into sentence windows.
pub const MAX_PASSAGE_BYTES: usize = 600;
/// A window grows sentence by sentence until it holds at least this many bytes.
const WINDOW_TARGET_BYTES: usize = 320;
/// Two passages whose word pairs overlap this much are the same passage.
const NEAR_DUPLICATE_JACCARD: f64 = 0.7;
const MINHASHES: usize = 16;
const BAND_ROWS: usize = 4;
/// Buckets bigger than this are boilerplate already caught as exact repeats; skip them.
const MAX_BUCKET: usize = 64;

/// Cuts a paragraph into passages of whole sentences.
pub fn windows(text: &str) -> Vec<String> {
    if text.len() <= MAX_PASSAGE_BYTES {
        return vec![text.to_string()];
    }
    let mut out = Vec::new();
    let mut current = String::new();
    for sentence in text.split_sentence_bounds() {
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

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// What duplicate detection keeps of a passage: 8 + 128 bytes plus a count, whatever its
/// length (the word pairs themselves are recomputed only for candidate pairs).
struct Fingerprint {
    exact: u64,
    pairs: usize,
    minhash: [u64; MINHASHES],
}

/// Hashes of a passage's distinct word pairs (its words, when it has only one).
fn shingles(text: &str) -> HashSet<u64> {
    let words = words(text);
    if words.len() < 2 {
        words.iter().map(hash_of).collect()
    } else {
        words.windows(2).map(hash_of).collect()
    }
}

fn fingerprint(text: &str) -> Fingerprint {
    let exact = hash_of(&words(text));
    let shingles = shingles(text);
    let mut minhash = [u64::MAX; MINHASHES];
    for &s in &shingles {
        for (i, slot) in minhash.iter_mut().enumerate() {
            let v = (s ^ (0x9E37_79B9_7F4A_7C15u64.wrapping_mul(i as u64 + 1)))
                .wrapping_mul(0xBF58_476D_1CE4_E5B9)
                .rotate_left(31);
            *slot = (*slot).min(v);
        }
    }
    Fingerprint {
        exact,
        pairs: shingles.len(),
        minhash,
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The earliest passage stands for the group.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi as usize] = lo;
    }
}

fn jaccard(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Groups duplicate passages.
///
/// Returns, for each passage, the id of the earliest passage of its group, and for each group
/// with more than one member, the other members in order.
pub fn group_duplicates(passages: &[Passage]) -> (Vec<u32>, HashMap<u32, Vec<u32>>) {
    let prints: Vec<Fingerprint> = passages.par_iter().map(|p| fingerprint(&p.text)).collect();
    let mut parent: Vec<u32> = (0..passages.len() as u32).collect();
    let mut exact: HashMap<u64, u32> = HashMap::new();
    for (i, fp) in prints.iter().enumerate() {
        match exact.get(&fp.exact) {
            Some(&first) => union(&mut parent, first, i as u32),
            None => {
                exact.insert(fp.exact, i as u32);
            }
        }
    }
    let mut buckets: HashMap<u64, Vec<u32>> = HashMap::new();
    for (&id, fp) in exact
        .values()
        .map(|id| (id, &prints[*id as usize]))
        .collect::<Vec<_>>()
        .iter()
    {
        // Near duplicates only among passages long enough for word pairs to mean something.
        if fp.pairs < 8 {
            continue;
        }
        for (band, rows) in fp.minhash.chunks(BAND_ROWS).enumerate() {
            buckets.entry(hash_of(&(band, rows))).or_default().push(id);
        }
    }
    let mut bucket_list: Vec<Vec<u32>> = buckets
        .into_values()
        .filter(|b| b.len() >= 2 && b.len() <= MAX_BUCKET)
        .collect();
    bucket_list.iter_mut().for_each(|b| b.sort_unstable());
    bucket_list.sort_unstable();
    let mut checked: HashSet<(u32, u32)> = HashSet::new();
    for bucket in &bucket_list {
        for (i, &a) in bucket.iter().enumerate() {
            for &b in &bucket[i + 1..] {
                if checked.insert((a, b))
                    && jaccard(
                        &shingles(&passages[a as usize].text),
                        &shingles(&passages[b as usize].text),
                    ) >= NEAR_DUPLICATE_JACCARD
                {
                    union(&mut parent, a, b);
                }
            }
        }
    }
    let canonical: Vec<u32> = (0..passages.len() as u32)
        .map(|i| find(&mut parent, i))
        .collect();
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

    fn passage(text: &str) -> Passage {
        Passage {
            doc: 0,
            paragraph: 1,
            text: text.to_string(),
            heading: false,
        }
    }

    #[test]
    fn short_paragraphs_are_one_passage() {
        assert_eq!(windows("One sentence."), vec!["One sentence."]);
    }

    #[test]
    fn long_paragraphs_become_windows_of_whole_sentences() {
        let sentence = "This sentence is about forty-five bytes long. ";
        let text = sentence.repeat(40);
        let parts = windows(text.trim());
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
        let (canonical, dups) = group_duplicates(&[passage(a), passage(c), passage(b), passage(a)]);
        assert_eq!(canonical, vec![0, 1, 0, 0]);
        assert_eq!(dups[&0], vec![2, 3]);
    }
}

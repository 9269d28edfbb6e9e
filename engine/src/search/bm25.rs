//! Stage one of ranking: the passages with the highest BM25 scores, one contribution per
//! concept (through its best alternative), without scoring every posting.
//!
//! [`top`] is MaxScore (Turtle & Flood, 1995), document at a time, over the posting list of
//! every alternative of every concept. Each list has an upper bound: the most it can add to a
//! passage (its weighted idf times the largest term-frequency factor in its postings, kept by
//! the index). Lists are sorted by bound; once `k` passages are held, the lists whose bounds
//! together (each concept counted once, through its largest) cannot beat the k-th score are
//! *non-essential*: a passage that has none of the others cannot enter, so only the essential
//! lists are walked, and the others are looked up (by galloping search) for the passages that
//! still might. On a question full of common words this skips most of their long lists. Bounds
//! per list, not per concept, keep a common word non-essential when a rare typo neighbour of it
//! is not; and the passages of the short lists with the largest bounds are scored first, so
//! the threshold is high before the walk starts instead of rising while the heap fills.
//!
//! [`exhaustive`] scores every posting, term at a time. Both sum contributions in concept
//! order, so they agree to the bit; tests hold them to the same top `k`.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::index::{tf, Index};
use super::lists;
use super::query::Query;
use super::weights::tf_factor;

/// A passage's stage-one result: indexed passage, BM25 score, bit per matched concept.
pub type Scored = (u32, f32, u32);

fn tf_part(index: &Index, passage: u32, tf: u32) -> f32 {
    tf_factor(
        tf,
        index.lengths[passage as usize],
        index.average_length,
        index.ranking.bm25(),
    )
}

/// Best first: higher score, then lower passage id.
fn better(a: &Scored, b: &Scored) -> Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Keeps the best `k` of the scored passages, best first. (No two passages are equal under
/// [`better`], so an unstable sort gives the one order.)
fn best_k(mut all: Vec<Scored>, k: usize) -> Vec<Scored> {
    if all.len() > k {
        all.select_nth_unstable_by(k - 1, better);
        all.truncate(k);
    }
    all.sort_unstable_by(better);
    all
}

/// Scores every posting of every alternative: the reference [`top`] must agree with.
pub fn exhaustive(index: &Index, query: &Query, k: usize) -> Vec<Scored> {
    let mut scores: std::collections::HashMap<u32, (f32, u32)> = Default::default();
    for (ci, concept) in query.concepts.iter().enumerate() {
        let mut best: std::collections::HashMap<u32, f32> = Default::default();
        for &(term, weight) in &concept.alternatives {
            let idf = index.idf(term) * weight;
            index.postings(term).for_each(|p, f| {
                let v = idf * tf_part(index, p, tf(f));
                let slot = best.entry(p).or_insert(0.0);
                *slot = slot.max(v);
            });
        }
        for (p, v) in best {
            let e = scores.entry(p).or_insert((0.0, 0));
            e.0 += v;
            e.1 |= 1 << ci;
        }
    }
    // Sum again in concept order so the floating-point result matches `top` exactly.
    let all = scores
        .into_iter()
        .map(|(p, (_, mask))| (p, ordered_sum(index, query, p, mask), mask))
        .collect();
    best_k(all, k)
}

/// The concept contributions of one passage summed in concept order.
fn ordered_sum(index: &Index, query: &Query, passage: u32, mask: u32) -> f32 {
    let mut total = 0.0;
    for (ci, concept) in query.concepts.iter().enumerate() {
        if mask & (1 << ci) == 0 {
            continue;
        }
        let mut best: f32 = 0.0;
        for &(term, weight) in &concept.alternatives {
            if let Some(f) = index.postings(term).find(passage) {
                best = best.max(index.idf(term) * weight * tf_part(index, passage, tf(f)));
            }
        }
        total += best;
    }
    total
}

/// One alternative's posting list, walked by MaxScore: where it stands, the concept it serves,
/// its weight (idf times the alternative's) and the most it can add to a passage.
struct Alternative<'a> {
    term: u32,
    list: lists::Cursor<'a>,
    concept: usize,
    weight: f32,
    bound: f32,
}

/// Min-heap entry: the worst of the kept passages on top.
#[derive(PartialEq)]
struct Kept(Scored);

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: the "greatest" must be the worst passage.
        better(&self.0, &other.0)
    }
}

/// The best `k` passages by BM25, best first ([`maxscore`]).
pub fn top(index: &Index, query: &Query, k: usize) -> Vec<Scored> {
    maxscore(index, query, k)
}

/// Bounds compared with the threshold are raised by this share: a passage's score is summed
/// in concept order, the bounds in another, and the two roundings may differ.
const ROUNDING: f32 = 1.0 + 1e-5;

/// MaxScore first scores the passages of the lists with the largest bounds, up to this many
/// postings for each passage kept: they are the likeliest to score well, and the threshold
/// they set at once spares walking long lists while the heap fills.
const SEED_POSTINGS_PER_KEPT: usize = 8;

/// The best `k` passages by BM25, best first, found with MaxScore pruning.
///
/// - Every alternative's list is a MaxScore list of its own, with its own bound, so a common
///   word does not become essential because a rare typo neighbour of it is.
/// - A passage's score takes each concept once, through its best alternative there: the
///   prefix bounds add up each concept's largest bound among the lists they cover.
/// - The essential lists' current passages are kept in one array, the only state the search
///   for the next passage reads.
/// - Before the walk, the passages of the lists with the largest bounds (when they are short)
///   are scored: the threshold starts where they put it. As they are not met in passage order,
///   a bound prunes only when it is below the threshold, so that a tie is decided by
///   [`better`] as in [`exhaustive`].
fn maxscore(index: &Index, query: &Query, k: usize) -> Vec<Scored> {
    if k == 0 {
        return Vec::new();
    }
    let mut lists: Vec<Alternative> = query
        .concepts
        .iter()
        .enumerate()
        .flat_map(|(ci, c)| {
            c.alternatives.iter().map(move |&(t, w)| {
                let weight = index.idf(t) * w;
                Alternative {
                    term: t,
                    list: index.postings(t).cursor(),
                    concept: ci,
                    weight,
                    bound: weight * index.max_tf_part[t as usize],
                }
            })
        })
        .filter(|alt| alt.bound > 0.0)
        .collect();
    // Ascending bounds, ties in concept order (a stable sort keeps the alternatives' order).
    lists.sort_by(|a, b| a.bound.total_cmp(&b.bound).then(a.concept.cmp(&b.concept)));
    // prefix[i]: the most a passage found only in lists[..i] can score: each concept's largest
    // bound among them, added up.
    let mut prefix = vec![0.0f32; lists.len() + 1];
    let mut most = vec![0.0f32; query.concepts.len()];
    for (i, alt) in lists.iter().enumerate() {
        most[alt.concept] = most[alt.concept].max(alt.bound);
        prefix[i + 1] = most.iter().sum::<f32>() * ROUNDING;
    }
    let mut heap: BinaryHeap<Kept> = BinaryHeap::with_capacity(k + 1);
    let mut contributions = vec![0.0f32; query.concepts.len()];
    let seeds = seed(index, &lists, k, &mut heap, &mut contributions);
    let mut next_seed = 0;
    let mut values: Vec<u32> = lists.iter().map(|alt| alt.list.value()).collect();
    let mut essential = 0; // lists[essential..] are essential
    loop {
        let full = heap.len() >= k;
        let threshold = if full {
            heap.peek().map_or(0.0, |w| w.0 .1)
        } else {
            -1.0
        };
        if full {
            while essential < lists.len() && prefix[essential + 1] < threshold {
                essential += 1;
            }
            if essential >= lists.len() {
                break;
            }
        }
        let passage = values[essential..]
            .iter()
            .copied()
            .min()
            .unwrap_or(u32::MAX);
        if passage == u32::MAX {
            break;
        }
        // A seed was scored already: the lists only step past it.
        while seeds.get(next_seed).is_some_and(|&s| s < passage) {
            next_seed += 1;
        }
        if seeds.get(next_seed) == Some(&passage) {
            for (alt, value) in lists[essential..].iter_mut().zip(&mut values[essential..]) {
                if *value == passage {
                    alt.list.advance();
                    *value = alt.list.value();
                }
            }
            continue;
        }
        // The essential lists on the passage, stepped past it.
        let mut mask = 0u32;
        for (alt, value) in lists[essential..].iter_mut().zip(&mut values[essential..]) {
            if *value != passage {
                continue;
            }
            let v = alt.weight * tf_part(index, passage, tf(alt.list.payload()));
            let slot = &mut contributions[alt.concept];
            *slot = slot.max(v);
            mask |= 1 << alt.concept;
            alt.list.advance();
            *value = alt.list.value();
        }
        let mut partial: f32 = mask_sum(&contributions, mask);
        // The others looked up, the largest bounds first, while the passage may still enter.
        let mut pruned = false;
        for i in (0..essential).rev() {
            if full && partial * ROUNDING + prefix[i + 1] < threshold {
                pruned = true;
                break;
            }
            let alt = &mut lists[i];
            alt.list.seek(passage);
            if alt.list.value() == passage {
                let v = alt.weight * tf_part(index, passage, tf(alt.list.payload()));
                let slot = &mut contributions[alt.concept];
                if v > *slot {
                    partial += v - *slot;
                    *slot = v;
                }
                mask |= 1 << alt.concept;
            }
        }
        let score = take_sum(&mut contributions, mask);
        if pruned {
            continue;
        }
        keep(&mut heap, k, (passage, score, mask));
    }
    let mut out: Vec<Scored> = heap.into_iter().map(|k| k.0).collect();
    out.sort_by(better);
    out
}

/// Adds a scored passage to the best `k` when it is better than the worst of them.
#[inline]
fn keep(heap: &mut BinaryHeap<Kept>, k: usize, entry: Scored) {
    if heap.len() < k {
        heap.push(Kept(entry));
    } else if heap
        .peek()
        .is_some_and(|worst| better(&entry, &worst.0) == Ordering::Less)
    {
        heap.pop();
        heap.push(Kept(entry));
    }
}

/// Scores in full every passage of the lists with the largest bounds, as long as they hold
/// at most [`SEED_POSTINGS_PER_KEPT`] postings for each of the `k` kept, and keeps the best.
/// Returns the passages scored, in order. `contributions` is left all 0, as it came.
fn seed(
    index: &Index,
    lists: &[Alternative],
    k: usize,
    heap: &mut BinaryHeap<Kept>,
    contributions: &mut [f32],
) -> Vec<u32> {
    let budget = SEED_POSTINGS_PER_KEPT * k;
    let mut total = 0;
    let mut from = lists.len();
    while from > 0 && total + index.df(lists[from - 1].term) <= budget {
        from -= 1;
        total += index.df(lists[from].term);
    }
    if from == lists.len() {
        return Vec::new();
    }
    let mut seeds: Vec<u32> = Vec::with_capacity(total);
    for alt in &lists[from..] {
        index.postings(alt.term).for_each(|p, _| seeds.push(p));
    }
    seeds.sort_unstable();
    seeds.dedup();
    let mut cursors: Vec<lists::Cursor> = lists
        .iter()
        .map(|alt| index.postings(alt.term).cursor())
        .collect();
    for &passage in &seeds {
        let mut mask = 0u32;
        for (alt, list) in lists.iter().zip(&mut cursors) {
            list.seek(passage);
            if list.value() == passage {
                let v = alt.weight * tf_part(index, passage, tf(list.payload()));
                let slot = &mut contributions[alt.concept];
                *slot = slot.max(v);
                mask |= 1 << alt.concept;
            }
        }
        let score = take_sum(contributions, mask);
        keep(heap, k, (passage, score, mask));
    }
    seeds
}

/// The contributions of the concepts `mask` names, added in concept order (as `exhaustive`
/// adds them) and taken back to 0 for the next passage.
#[inline]
fn take_sum(contributions: &mut [f32], mask: u32) -> f32 {
    let score = mask_sum(contributions, mask);
    let mut bits = mask;
    while bits != 0 {
        contributions[bits.trailing_zeros() as usize] = 0.0;
        bits &= bits - 1;
    }
    score
}

/// The contributions of the concepts `mask` names, added in concept order.
#[inline]
fn mask_sum(contributions: &[f32], mask: u32) -> f32 {
    let mut sum = 0.0f32;
    let mut bits = mask;
    while bits != 0 {
        sum += contributions[bits.trailing_zeros() as usize];
        bits &= bits - 1;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{load_dir, LoadOptions};
    use crate::search::{Aliases, Index};

    /// A seeded generator of larger corpora: the bundled articles' sentences recombined, with
    /// invented names mixed in so the vocabulary keeps growing.
    fn generated_corpus(dir: &std::path::Path, documents: usize, seed: u64) {
        let mut state = seed;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let sentences: Vec<String> = std::fs::read_dir(crate::test_corpus())
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
            .flat_map(|t| {
                t.split(". ")
                    .map(|s| s.trim().to_string())
                    .filter(|s| s.split_whitespace().count() > 5)
                    .collect::<Vec<_>>()
            })
            .collect();
        for d in 0..documents {
            let mut text = format!("Generated report number {d} on events\n\n");
            for _ in 0..(5 + next() % 10) {
                let mut paragraph = String::new();
                for _ in 0..(1 + next() % 4) {
                    let s = &sentences[(next() % sentences.len() as u64) as usize];
                    let name = format!("Zor{}ak", next() % 400);
                    paragraph.push_str(&format!("{s}, said {name}. "));
                }
                text.push_str(paragraph.trim());
                text.push_str("\n\n");
            }
            std::fs::write(dir.join(format!("doc{d:04}.txt")), text).unwrap();
        }
    }

    fn questions(index: &Index, seed: u64, n: usize) -> Vec<String> {
        let mut state = seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        (0..n)
            .map(|_| {
                let words = 2 + next() % 7;
                (0..words)
                    .map(|_| {
                        let w = &index.words[(next() % index.words.len() as u64) as usize];
                        // Some typos, so fuzzy alternatives take part too.
                        if next() % 5 == 0 && w.len() > 5 {
                            format!("{}{}", &w[..w.len() - 2], &w[w.len() - 1..])
                        } else {
                            w.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Pruned and exhaustive scoring agree on `dir`'s corpus, with BM25's `(k1, b)` set after
    /// the index is built when given.
    fn agree_on(dir: &std::path::Path, seed: u64, bm25: Option<(f32, f32)>) {
        let (corpus, _) = load_dir(dir, &LoadOptions::default());
        let (aliases, _) = Aliases::load(dir);
        let mut index = Index::build(&corpus, aliases);
        if let Some((k1, b)) = bm25 {
            index.set_ranking(crate::search::weights::Ranking {
                k1,
                b,
                ..index.ranking
            });
        }
        for (i, question) in questions(&index, seed, 300).iter().enumerate() {
            let query = Query::parse(&index, question);
            for k in [1, 3, 64] {
                let full = exhaustive(&index, &query, k);
                let pruned = maxscore(&index, &query, k);
                assert_eq!(pruned, full, "question {i} {question:?}, k {k}");
                assert_eq!(
                    top(&index, &query, k),
                    full,
                    "question {i} {question:?}, k {k}"
                );
            }
        }
    }

    /// Seeded passages are scored out of passage order: a tie with the k-th score must still go
    /// to the lower passage id, as in exhaustive scoring.
    #[test]
    fn pruning_breaks_ties_by_passage_as_exhaustive_scoring_does() {
        let dir = tempfile::tempdir().unwrap();
        let fillers = [
            "north", "south", "east", "west", "river", "hill", "field", "road",
        ];
        let mut text = String::from("Ties between equal passages\n\n");
        for i in 0..400 {
            // Same length, same words: equal scores, but for the rare word in some.
            let a = fillers[i % fillers.len()];
            let b = fillers[(i / fillers.len()) % fillers.len()];
            let rare = if i % 37 == 5 { "zephyr" } else { "meadow" };
            text.push_str(&format!("Passage {i} saw the {a} {b} {rare} lantern.\n\n"));
        }
        std::fs::write(dir.path().join("ties.txt"), text).unwrap();
        let (corpus, _) = load_dir(dir.path(), &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::default());
        for question in [
            "zephyr lantern",
            "meadow lantern",
            "zephyr meadow lantern river",
        ] {
            let query = Query::parse(&index, question);
            for k in [1, 2, 3, 5, 11, 64] {
                assert_eq!(
                    maxscore(&index, &query, k),
                    exhaustive(&index, &query, k),
                    "{question:?}, k {k}"
                );
            }
        }
    }

    #[test]
    fn pruning_returns_the_same_top_passages_as_exhaustive_scoring_on_the_bundled_corpus() {
        agree_on(crate::test_corpus(), 7, None);
    }

    /// The pruning bounds follow BM25's parameters when the fit changes them.
    #[test]
    fn pruning_agrees_with_exhaustive_scoring_after_bm25_parameters_change() {
        let dir = tempfile::tempdir().unwrap();
        generated_corpus(dir.path(), 300, 0x5eed);
        agree_on(dir.path(), 13, Some((2.5, 0.2)));
        agree_on(crate::test_corpus(), 17, Some((0.6, 1.0)));
    }

    #[test]
    fn pruning_returns_the_same_top_passages_as_exhaustive_scoring_on_a_generated_corpus() {
        let dir = tempfile::tempdir().unwrap();
        generated_corpus(dir.path(), 300, 0x5eed);
        agree_on(dir.path(), 11, None);
    }
}

//! Ranking: BM25 over passages, then coverage, proximity, title and exact-match re-ranking,
//! and the decision to abstain.
//!
//! Stage one ([`bm25::top`]) finds the passages with the best BM25 scores (k1 and b fitted,
//! as every weight of both stages is: [`super::weights::Ranking`]; a concept counts once per
//! passage, through its best alternative) with MaxScore pruning.
//! Stage two re-ranks the best [`RERANK`] with what BM25 does not see:
//!
//! - **coverage**: the share of the question's importance the passage matches (its document's
//!   title counts for a little);
//! - **proximity**: how close together the matched words stand;
//! - **exact words**: the question's own spelling beats a stem or a typo neighbour;
//! - headings and captions rank below body text.
//!
//! Whether the question is answered at all, and from which sentences, is decided after this by
//! the last stage (`evidence`) over [`candidates`]. [`rank`] keeps a plain coverage cut
//! ([`MIN_COVERAGE`]) as the reference the pruning is tested against.
//!
//! [`rank`] reads the words of a candidate only when a bound on its final score (from its BM25
//! score and coverage) can still reach the cut-off set by the best score so far; [`rank_all`]
//! (for explanations) re-ranks every candidate. What [`rank`] returns is the same either way.

use super::bm25;
use super::index::{Index, ALIAS_BIT, ID_MASK, NAME_BIT, NUMBER_BIT};
use super::query::AnswerType;
use super::query::Query;
use super::weights::Ranking;
use crate::corpus::Corpus;

/// Candidates re-ranked in stage two.
pub const RERANK: usize = 64;
/// The best passage must cover this share of the question's importance.
pub const MIN_COVERAGE: f32 = 0.5;
/// Quotes after the first must score at least this share of the best (also the pruning
/// bound: what scores less is never read in full).
const FOLLOWER_SHARE: f32 = 0.3;
/// A word of the kind asked for (a name for "who", a number for "how many") within this many
/// words of a match is near it ([`Ranking::answer_near`]).
const ANSWER_DISTANCE: u32 = 3;

/// A ranked passage.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Indexed passage number.
    pub passage: u32,
    /// Final score.
    pub score: f32,
    /// Share of the question's importance covered.
    pub coverage: f32,
    /// Bit i set when concept i matched in the passage.
    pub mask: u32,
    /// Words between a match and the nearest word of the kind asked for (for explanations).
    pub answer_distance: Option<u32>,
    /// How close together the matches stand, 0 to 1 (for explanations).
    pub proximity: f32,
}

/// Ranks passages for a query; returns the hits worth quoting, best first (empty to abstain).
///
/// Only the candidates that could still be quoted are re-ranked in full: see [`bound`].
pub fn rank(corpus: &Corpus, index: &Index, query: &Query) -> Vec<Hit> {
    rank_keeping_entries(corpus, index, query).0
}

/// [`rank`], with the sequence entries re-ranking decoded for the passages it re-ranked: every
/// hit's are among them, and quoting need not decode them again.
pub(super) fn rank_keeping_entries(
    corpus: &Corpus,
    index: &Index,
    query: &Query,
) -> (Vec<Hit>, Decoded) {
    let (hits, decoded) = rerank_candidates(corpus, index, query, true);
    (cut(hits), decoded)
}

/// The sequence entries of the passages re-ranked for a question, back to back.
#[derive(Default)]
pub(super) struct Decoded {
    /// Every re-ranked passage's entries, in the order they were re-ranked.
    entries: Vec<u32>,
    /// Indexed passage, and where its entries end in `entries` (the one before's end starts
    /// them).
    ends: Vec<(u32, u32)>,
}

impl Decoded {
    /// The entries of indexed passage `passage`, if it was re-ranked.
    pub(super) fn get(&self, passage: u32) -> Option<&[u32]> {
        let at = self.ends.iter().position(|&(p, _)| p == passage)?;
        let start = at.checked_sub(1).map_or(0, |before| self.ends[before].1);
        self.entries.get(start as usize..self.ends[at].1 as usize)
    }

    fn keep(&mut self, passage: u32, entries: &[u32]) {
        self.entries.extend_from_slice(entries);
        self.ends.push((passage, self.entries.len() as u32));
    }
}

/// Abstention and cut-offs on re-ranked hits, best first: empty when the best covers too little
/// of the question; otherwise the hits close enough to the best.
fn cut(mut hits: Vec<Hit>) -> Vec<Hit> {
    let Some(best) = hits.first() else {
        return hits;
    };
    if best.coverage < MIN_COVERAGE {
        return Vec::new();
    }
    let (floor, coverage_floor) = (best.score * FOLLOWER_SHARE, best.coverage * 0.5);
    hits.retain(|h| h.score >= floor && h.coverage >= coverage_floor);
    hits
}

/// The re-ranked candidates that could pass [`rank`]'s cut-offs on ranking's score alone, best
/// first, before abstention: what the last stage (`evidence`) reads.
/// The sequence entries re-ranking decoded come with them: quoting need not decode them again.
pub(super) fn candidates(corpus: &Corpus, index: &Index, query: &Query) -> (Vec<Hit>, Decoded) {
    rerank_candidates(corpus, index, query, true)
}

/// Every re-ranked candidate, best first, before abstention and cut-offs.
pub fn rank_all(corpus: &Corpus, index: &Index, query: &Query) -> Vec<Hit> {
    rerank_candidates(corpus, index, query, false).0
}

/// Re-ranks the BM25 candidates, best first.
///
/// With `prune`, a candidate whose [`bound`] is below [`FOLLOWER_SHARE`] of the best final
/// score so far is dropped before its words are read: the best only grows, so it could neither
/// be the best nor pass [`rank`]'s cut-off, and what [`rank`] keeps is the same, to the bit.
fn rerank_candidates(
    corpus: &Corpus,
    index: &Index,
    query: &Query,
    prune: bool,
) -> (Vec<Hit>, Decoded) {
    let mut decoded = Decoded::default();
    if query.concepts.is_empty() || index.passages.is_empty() {
        return (Vec::new(), decoded);
    }
    let candidates = bm25::top(index, query, RERANK);
    let total = query.total_importance().max(f32::MIN_POSITIVE);
    let term_concepts = term_concepts(index, query);
    let limits = Limits::new(query, index.ranking);
    let mut scratch = Scratch::default();
    let mut titles = Titles::default();
    let mut hits: Vec<Hit> = Vec::with_capacity(candidates.len());
    let mut best = 0.0f32;
    for (passage, bm25, mask) in candidates {
        let cover = cover(
            corpus,
            index,
            query,
            (&term_concepts, &mut titles),
            total,
            (passage, mask),
        );
        if prune && bound(&limits, (bm25, mask), &cover) < best * FOLLOWER_SHARE {
            continue;
        }
        let hit = rerank(
            index,
            query,
            &term_concepts,
            &mut scratch,
            (passage, bm25, mask),
            &cover,
        );
        decoded.keep(passage, &scratch.words);
        best = best.max(hit.score);
        hits.push(hit);
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.passage.cmp(&b.passage)));
    (hits, decoded)
}

/// A set of ids that answers "surely not" in a few instructions: most words of a passage are
/// not the question's.
#[derive(Default)]
pub(super) struct Bloom([u64; 4]);

impl Bloom {
    /// Adds an id.
    pub(super) fn insert(&mut self, id: u32) {
        self.0[(id as usize >> 6) & 3] |= 1 << (id & 63);
    }

    /// False when `id` was surely never inserted.
    pub(super) fn may_contain(&self, id: u32) -> bool {
        self.0[(id as usize >> 6) & 3] & (1 << (id & 63)) != 0
    }
}

/// Term id → the concepts it can stand for: a short sorted list, searched by bisection.
struct TermConcepts {
    pairs: Vec<(u32, u32)>,
    /// The terms of `pairs`, and those of the question's own words: a word whose term is not
    /// in it neither matches nor is spelled as the question.
    bloom: Bloom,
    /// The question's own words (word id → concept bit), for the exact-spelling bonus.
    exact: Vec<(u32, usize)>,
    exact_bloom: Bloom,
}

impl TermConcepts {
    fn get(&self, term: &u32) -> Option<&u32> {
        if !self.bloom.may_contain(*term) {
            return None;
        }
        self.pairs
            .binary_search_by_key(term, |&(t, _)| t)
            .ok()
            .map(|i| &self.pairs[i].1)
    }

    /// The concepts whose question word is spelled as `word`.
    fn exact(&self, word: u32) -> impl Iterator<Item = usize> + '_ {
        let maybe = if self.exact_bloom.may_contain(word) {
            &self.exact[..]
        } else {
            &[]
        };
        maybe
            .iter()
            .filter(move |&&(w, _)| w == word)
            .map(|&(_, ci)| ci)
    }

    /// What a passage's sequence entry matches: the concepts its term stands for, and the
    /// concepts whose question word it is spelled as (none for an alias entry). One test of
    /// the bloom decides most entries: their term is not the question's.
    fn entry(&self, index: &Index, entry: u32) -> (Option<u32>, u32) {
        let term = index.entry_term(entry);
        if !self.bloom.may_contain(term) {
            return (None, 0);
        }
        let concepts = self
            .pairs
            .binary_search_by_key(&term, |&(t, _)| t)
            .ok()
            .map(|i| self.pairs[i].1);
        let exact = if entry & ALIAS_BIT == 0 {
            self.exact(entry & ID_MASK)
                .fold(0, |mask, ci| mask | 1 << ci)
        } else {
            0
        };
        (concepts, exact)
    }

    /// The concepts with an alternative among `terms`.
    fn any_of(&self, terms: &[u32]) -> u32 {
        terms
            .iter()
            .filter_map(|t| self.get(t))
            .fold(0, |mask, &m| mask | m)
    }
}

fn term_concepts(index: &Index, query: &Query) -> TermConcepts {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (ci, c) in query.concepts.iter().enumerate() {
        for &(term, _) in &c.alternatives {
            pairs.push((term, 1 << ci));
        }
    }
    pairs.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(pairs.len());
    let mut bloom = Bloom::default();
    for (t, m) in pairs {
        bloom.insert(t);
        match merged.last_mut() {
            Some(last) if last.0 == t => last.1 |= m,
            _ => merged.push((t, m)),
        }
    }
    let mut exact_bloom = Bloom::default();
    let exact = query
        .concepts
        .iter()
        .enumerate()
        .filter_map(|(ci, c)| c.exact_word.map(|w| (w, ci)))
        .inspect(|&(w, _)| {
            exact_bloom.insert(w);
            // A word outside the vocabulary is in no passage.
            if let Some(&term) = index.word_term.get(w as usize) {
                bloom.insert(term);
            }
        })
        .collect();
    TermConcepts {
        pairs: merged,
        bloom,
        exact,
        exact_bloom,
    }
}

/// The concepts found in a document's title, remembered for the last documents asked about
/// (slot by document number): a question's candidates come from few documents.
#[derive(Default)]
struct Titles {
    /// Document number + 1 (0: empty) and its title's concepts.
    slots: [(u32, u32); 16],
}

impl Titles {
    fn concepts(&mut self, index: &Index, term_concepts: &TermConcepts, doc: u32) -> u32 {
        let slot = &mut self.slots[doc as usize % 16];
        if slot.0 != doc.wrapping_add(1) {
            *slot = (
                doc.wrapping_add(1),
                term_concepts.any_of(&index.title_terms[doc as usize]),
            );
        }
        slot.1
    }
}

/// What a candidate's coverage is made of, known before its words are read.
struct Cover {
    /// Share of the question's importance covered.
    coverage: f32,
    /// Added to the BM25 score for concepts found in the passage before.
    context_score: f32,
    /// Added to the score for concepts found in the document's title.
    title_bonus: f32,
    /// The passage is a heading or a caption.
    heading: bool,
    /// The largest answer factor its words allow: [`Ranking::no_answer`] when none is of the
    /// kind the question asks for, which the index knows for a small corpus.
    answer: f32,
}

fn cover(
    corpus: &Corpus,
    index: &Index,
    query: &Query,
    (term_concepts, titles): (&TermConcepts, &mut Titles),
    total: f32,
    (passage, mask): (u32, u32),
) -> Cover {
    let corpus_id = index.passages[passage as usize] as usize;
    let source = &corpus.passages[corpus_id];
    let context = context_mask(corpus, index, query, passage) & !mask;
    let all = (1u32 << query.concepts.len()) - 1;
    // Concepts with an alternative in the document's title, when any is left to find there.
    // And in the heading path of its section (Markdown, HTML), searched as a title is.
    let title = if (mask | context) & all != all {
        let sections = index.section_terms(corpus, corpus_id as u32);
        let section = if sections.is_empty() {
            0
        } else {
            term_concepts.any_of(sections)
        };
        titles.concepts(index, term_concepts, source.doc) | section
    } else {
        0
    };
    let r = &index.ranking;
    let mut covered = 0.0;
    let mut title_bonus = 0.0;
    let mut context_score = 0.0;
    for (ci, c) in query.concepts.iter().enumerate() {
        if mask & (1 << ci) != 0 {
            covered += c.importance;
        } else if context & (1 << ci) != 0 {
            covered += c.importance * r.context_share;
            context_score += c.importance * r.context_bonus;
        } else if title & (1 << ci) != 0 {
            covered += c.importance * r.title_share;
            title_bonus += r.title_bonus * c.importance;
        }
    }
    let answer = match answer_bit(query) {
        0 => 1.0,
        bit if index.has_answer_kind(passage, bit) == Some(false) => r.no_answer,
        _ => r.answer_max(),
    };
    Cover {
        coverage: (covered / total).min(1.0),
        context_score,
        title_bonus,
        heading: source.heading(),
        answer,
    }
}

/// The entry bit of the kind of word the question asks for (0 when it asks for none).
fn answer_bit(query: &Query) -> u32 {
    match query.answer_type {
        Some(AnswerType::Name) => NAME_BIT,
        Some(AnswerType::Number) => NUMBER_BIT,
        None => 0,
    }
}

/// What a candidate's words can add at most, whatever they are.
struct Limits {
    /// The largest exact-spelling bonus: every concept's question word present.
    exact: f32,
    /// The weights the scores are made with.
    ranking: Ranking,
}

impl Limits {
    fn new(query: &Query, ranking: Ranking) -> Limits {
        Limits {
            exact: query
                .concepts
                .iter()
                .filter(|c| c.exact_word.is_some())
                .fold(0.0, |sum, c| sum + ranking.exact * c.importance),
            ranking,
        }
    }
}

/// The score's factor for coverage: from the floor at none to 1 at all of the question.
fn coverage_factor(r: &Ranking, coverage: f32) -> f32 {
    r.coverage_floor + (1.0 - r.coverage_floor) * coverage * coverage
}

/// Relative margin for rounding: the exact bonus of [`Limits`] is summed in another order than
/// [`rerank`] sums it.
const BOUND_MARGIN: f32 = 1.001;

/// The most [`rerank`] can score a candidate, from its BM25 score, the concepts it matched
/// and its [`Cover`]: [`rerank`]'s formula with proximity 1 (0 when fewer than two concepts
/// matched, as [`proximity`] has it), the exact bonus at its [`Limits`] and the answer factor
/// at the largest the passage's words allow. Each operation is monotone in its operands, so
/// this is at least the final score.
fn bound(limits: &Limits, (bm25, mask): (f32, u32), cover: &Cover) -> f32 {
    let r = &limits.ranking;
    let spread = if mask.count_ones() >= 2 {
        1.0 + r.proximity
    } else {
        1.0
    };
    let mut score = (bm25 + cover.context_score) * coverage_factor(r, cover.coverage) * spread
        + limits.exact
        + cover.title_bonus;
    score *= cover.answer;
    if cover.heading {
        score *= r.heading;
    }
    score * BOUND_MARGIN
}

/// Buffers [`rerank`] reuses from one candidate to the next.
#[derive(Default)]
struct Scratch {
    /// Word position and matched concepts of each match.
    positions: Vec<(u32, u32)>,
    /// Word positions of the words of the kind asked for.
    candidates: Vec<u32>,
    /// The passage's sequence entries.
    words: Vec<u32>,
}

/// The final score of a candidate `(passage, bm25, mask)` whose [`Cover`] is known.
fn rerank(
    index: &Index,
    query: &Query,
    term_concepts: &TermConcepts,
    scratch: &mut Scratch,
    (passage, bm25, mask): bm25::Scored,
    cover: &Cover,
) -> Hit {
    let coverage = cover.coverage;
    let r = &index.ranking;
    // Where each matched concept occurs, in word positions.
    let Scratch {
        positions,
        candidates,
        words,
    } = scratch;
    index.entries_into(passage, words);
    positions.clear();
    candidates.clear();
    let mut exact = 0.0;
    let mut exact_seen = 0u32;
    let mut in_name = false;
    let wanted_bit = answer_bit(query);
    for (pos, &entry) in words.iter().enumerate() {
        let (matched, spelled) = term_concepts.entry(index, entry);
        if let Some(cm) = matched {
            positions.push((pos as u32, cm & mask));
        } else if entry & wanted_bit != 0 && !(in_name && entry & NAME_BIT != 0) {
            candidates.push(pos as u32);
        }
        // The words of a matched alias name are the question's own, not an answer.
        in_name = if entry & ALIAS_BIT != 0 {
            matched.is_some()
        } else {
            in_name && entry & NAME_BIT != 0
        };
        // In concept order, as the concepts' words were listed.
        for ci in bits(spelled & !exact_seen) {
            exact_seen |= 1 << ci;
            exact += r.exact * query.concepts[ci as usize].importance;
        }
    }
    let proximity = proximity(positions, mask);
    // The kind of word the question asks for (a name, a number) standing next to what matched.
    let answer_distance = nearest(
        candidates,
        positions.iter().filter(|&&(_, m)| m != 0).map(|&(p, _)| p),
    );
    let mut score = (bm25 + cover.context_score)
        * coverage_factor(r, coverage)
        * (1.0 + r.proximity * proximity)
        + exact
        + cover.title_bonus;
    if query.answer_type.is_some() {
        score *= match answer_distance {
            Some(1) => r.answer_adjacent,
            Some(d) if d <= ANSWER_DISTANCE => r.answer_near,
            Some(_) => 1.0,
            None => r.no_answer,
        };
    }
    if cover.heading {
        score *= r.heading;
    }
    Hit {
        passage,
        score,
        coverage,
        mask,
        answer_distance,
        proximity,
    }
}

/// Concepts matched by the passage just before this one in the same document: what a
/// paragraph is about is often named in the one before ("the governor… / Khalid said…").
fn context_mask(corpus: &Corpus, index: &Index, query: &Query, passage: u32) -> u32 {
    let Some(previous) = passage.checked_sub(1) else {
        return 0;
    };
    let doc = |p: u32| corpus.passages[index.passages[p as usize] as usize].doc;
    if doc(previous) != doc(passage) {
        return 0;
    }
    concepts_in(index, query, previous)
}

/// Which concepts a passage's words match, from the postings (by binary search, each
/// alternative of each concept): a term is in a passage's postings when it is in its words,
/// except the acronym-definition terms, which are left out.
fn concepts_in(index: &Index, query: &Query, passage: u32) -> u32 {
    let mut mask = 0;
    for (ci, c) in query.concepts.iter().enumerate() {
        let found = c.alternatives.iter().any(|&(t, _)| {
            !query.definitions.contains(&t) && index.postings(t).find(passage).is_some()
        });
        if found {
            mask |= 1 << ci;
        }
    }
    mask
}

/// 1 when all matched concepts stand side by side, falling towards 0 as they spread out; 0 for
/// fewer than two concepts.
fn proximity(positions: &[(u32, u32)], mask: u32) -> f32 {
    let wanted = mask.count_ones();
    if wanted < 2 || positions.is_empty() {
        return 0.0;
    }
    // Smallest window of positions holding every matched concept (two pointers).
    let mut counts = [0u32; 32];
    let mut have = 0;
    let mut best = u32::MAX;
    let mut left = 0;
    for right in 0..positions.len() {
        for bit in bits(positions[right].1) {
            counts[bit as usize] += 1;
            if counts[bit as usize] == 1 {
                have += 1;
            }
        }
        while have == wanted {
            best = best.min(positions[right].0 - positions[left].0 + 1);
            for bit in bits(positions[left].1) {
                counts[bit as usize] -= 1;
                if counts[bit as usize] == 0 {
                    have -= 1;
                }
            }
            left += 1;
        }
    }
    if best == u32::MAX {
        return 0.0;
    }
    (wanted - 1) as f32 / (best - 1).max(wanted - 1) as f32
}

/// The smallest distance between a position of `a` and one of `b`, both ascending: one walk
/// of the two, each of `a` measured against the positions of `b` on either side of it.
fn nearest(a: &[u32], b: impl Iterator<Item = u32>) -> Option<u32> {
    let mut best: Option<u32> = None;
    let mut a = a.iter().copied().peekable();
    let mut before: Option<u32> = None;
    for y in b {
        // Every position of `a` up to `y` lies between `before` and `y`.
        while let Some(x) = a.next_if(|&x| x <= y) {
            let d = before.map_or(y - x, |p| (y - x).min(x.abs_diff(p)));
            best = Some(best.map_or(d, |b| b.min(d)));
        }
        before = Some(y);
    }
    if let (Some(p), Some(x)) = (before, a.next()) {
        // The rest of `a` lies past the last of `b`: the first of them is the nearest.
        best = Some(best.map_or(x - p, |b| b.min(x - p)));
    }
    best
}

/// The set bits of a mask, lowest first.
fn bits(mut mask: u32) -> impl Iterator<Item = u32> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let low = mask.trailing_zeros();
            mask &= mask - 1;
            low
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_bundled as bundled;

    /// The development questions.
    fn dev_questions() -> Vec<String> {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/eval/dev.jsonl"
        ))
        .unwrap()
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            Some(v["question"].as_str()?.to_string())
        })
        .collect()
    }

    /// [`rank`] as it was before pruning: every candidate re-ranked, then the cut-offs.
    fn rank_exhaustively(corpus: &Corpus, index: &Index, query: &Query) -> Vec<Hit> {
        cut(rank_all(corpus, index, query))
    }

    fn key(hits: &[Hit]) -> Vec<(u32, u32, u32, u32, Option<u32>, u32)> {
        hits.iter()
            .map(|h| {
                (
                    h.passage,
                    h.score.to_bits(),
                    h.coverage.to_bits(),
                    h.mask,
                    h.answer_distance,
                    h.proximity.to_bits(),
                )
            })
            .collect()
    }

    /// [`TermConcepts::entry`] as the re-ranking loop first asked it: the term's concepts by
    /// [`TermConcepts::get`], then every word's spelling by [`TermConcepts::exact`].
    fn entry_by_both_lists(tc: &TermConcepts, index: &Index, entry: u32) -> (Option<u32>, u32) {
        let concepts = tc.get(&index.entry_term(entry)).copied();
        let mut exact = 0u32;
        if entry & ALIAS_BIT == 0 {
            for ci in tc.exact(entry & ID_MASK) {
                exact |= 1 << ci;
            }
        }
        (concepts, exact)
    }

    #[test]
    fn entries_tested_by_one_bloom_match_as_both_lists_say() {
        let (_, index) = bundled();
        let mut checked = 0;
        for question in dev_questions() {
            let query = Query::parse(&index, &question);
            let tc = term_concepts(&index, &query);
            for p in 0..index.passages.len() as u32 {
                for entry in index.entries(p) {
                    let fast = tc.entry(&index, entry);
                    assert_eq!(
                        fast,
                        entry_by_both_lists(&tc, &index, entry),
                        "{question:?}"
                    );
                    checked += usize::from(fast.1 != 0);
                }
            }
        }
        // Some words must be spelled as the question, or the test tests nothing.
        assert!(checked > 0);
    }

    #[test]
    fn entries_kept_from_re_ranking_are_every_hits_decoded_entries() {
        let (corpus, index) = bundled();
        let mut hits_seen = 0;
        for question in dev_questions() {
            let query = Query::parse(&index, &question);
            let (hits, decoded) = rank_keeping_entries(&corpus, &index, &query);
            assert_eq!(key(&hits), key(&rank(&corpus, &index, &query)));
            for hit in &hits {
                assert_eq!(
                    decoded.get(hit.passage),
                    Some(index.entries(hit.passage).as_slice()),
                    "{question:?}"
                );
                hits_seen += 1;
            }
            for &(p, _) in &decoded.ends {
                assert_eq!(decoded.get(p), Some(index.entries(p).as_slice()));
            }
        }
        assert!(hits_seen > 20);
    }

    /// Every passage's concept mask from a walk of the postings.
    fn masks_by_a_walk(index: &Index, query: &Query) -> Vec<u32> {
        let mut masks = vec![0u32; index.passages.len()];
        for (ci, c) in query.concepts.iter().enumerate() {
            for &(term, _) in &c.alternatives {
                if query.definitions.contains(&term) {
                    continue;
                }
                index.postings(term).for_each(|p, _| {
                    masks[p as usize] |= 1 << ci;
                });
            }
        }
        masks
    }

    #[test]
    fn the_concepts_a_passage_holds_are_those_a_walk_of_the_postings_finds() {
        let (_, index) = bundled();
        let (mut found_any, mut defined) = (false, false);
        for question in &dev_questions() {
            let query = Query::parse(&index, question);
            let walked = masks_by_a_walk(&index, &query);
            for (p, &mask) in walked.iter().enumerate() {
                assert_eq!(concepts_in(&index, &query, p as u32), mask, "{question:?}");
            }
            found_any |= walked.iter().any(|&m| m != 0);
            // "What does OTH stand for?": a definition's term, left out of the masks.
            defined |= !query.definitions.is_empty();
        }
        assert!(found_any && defined);
    }

    proptest::proptest! {
        #[test]
        fn nearest_is_the_smallest_distance_of_any_pair(
            a in proptest::collection::btree_set(0u32..200, 0..20),
            b in proptest::collection::btree_set(0u32..200, 0..20),
        ) {
            let (a, b): (Vec<u32>, Vec<u32>) = (a.into_iter().collect(), b.into_iter().collect());
            let every = a.iter().flat_map(|&x| b.iter().map(move |&y| x.abs_diff(y))).min();
            proptest::prop_assert_eq!(nearest(&a, b.iter().copied()), every);
        }
    }

    #[test]
    fn pruned_re_ranking_keeps_exactly_what_exhaustive_re_ranking_keeps() {
        let (corpus, index) = bundled();
        let mut questions = dev_questions();
        assert!(questions.len() > 20);
        // Random questions: vocabulary words after a question word, some with a typo.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let starts = ["who", "how many", "when", "what", "which", ""];
        for _ in 0..600 {
            let mut q = starts[(next() % starts.len() as u64) as usize].to_string();
            for _ in 0..(1 + next() % 6) {
                let w = &index.words[(next() % index.words.len() as u64) as usize];
                q.push(' ');
                if next() % 6 == 0 && w.len() > 5 {
                    q.push_str(&w[..w.len() - 1]);
                } else if next() % 4 == 0 {
                    q.push_str(&w.to_uppercase());
                } else {
                    q.push_str(w);
                }
            }
            questions.push(q);
        }
        for question in &questions {
            let query = Query::parse(&index, question);
            assert_eq!(
                key(&rank(&corpus, &index, &query)),
                key(&rank_exhaustively(&corpus, &index, &query)),
                "{question:?}"
            );
        }
    }
}

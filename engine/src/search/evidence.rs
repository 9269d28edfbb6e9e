//! Evidence: which paragraph answers, which of its sentences hold the answer, and whether the
//! corpus answers at all.
//!
//! Ranking ([`super::rank`]) finds candidate passages with BM25, coverage and proximity. A
//! passage is a paragraph or a window of a long one; a question is usually answered by one
//! sentence of one paragraph, and often by the sentence beside the one that repeats the
//! question's words. This stage reads each candidate's whole paragraph sentence by sentence:
//!
//! - [`gather`] (once per question, no weights): every candidate paragraph's sentences, with
//!   the question's concepts each one matches (weighted by their importance and match
//!   weight), how many of the question's neighbouring words stand together in it, and how many
//!   words of the kind the question asks for it holds that the question does not;
//! - [`decide`] (cheap, over those features): a linear score per paragraph, per sentence and
//!   per neighbour sentence, and a linear test of whether the best paragraph answers at all.
//!
//! Every weight of [`decide`] ([`Weights`]) is fitted by `cargo run --release -p tune` over the
//! development sets and written to `engine/weights.toml`; nothing here is tuned by hand.

use super::excerpt::{self, Excerpt};
use super::index::{self, Index, ALIAS_BIT, NAME_BIT, NUMBER_BIT};
use super::query::{AnswerType, Query};
use super::rank::{Decoded, Hit};
pub use super::weights::{
    Weights, ANSWER_FEATURES, MEANING_FEATURES, NEIGHBOUR_FEATURES, PARAGRAPH_FEATURES,
    SENTENCE_FEATURES,
};
use crate::corpus::Corpus;
use crate::text;

/// Ranked passages whose paragraphs are read in full.
pub const CANDIDATES: usize = 12;

/// What one question's candidates hold, before any weight.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Candidate paragraphs, in ranking order.
    pub candidates: Vec<Candidate>,
    /// Share of the question's importance in words the corpus does not hold at all.
    pub unknown_share: f32,
    /// The largest share of the question's importance in one word the corpus does not hold.
    pub largest_unknown: f32,
    /// The question's concepts.
    pub concepts: usize,
    /// The concept of the largest importance (the rarest word, or a name).
    pub rarest: Option<usize>,
    /// Ranking's best score over the question's importance.
    pub best_per_importance: f32,
    /// The kind of answer the question asks for, if it says.
    pub answer_type: Option<AnswerType>,
    /// With the semantic reader: the largest cosine of the question and any passage (else 0).
    pub best_cosine: f32,
}

/// A candidate paragraph.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Its document.
    pub doc: u32,
    /// Its paragraph number.
    pub paragraph: u32,
    /// The corpus passage ranking found (its duplicates are cited with it).
    pub found: u32,
    /// The paragraph's text: its windows, joined by a space.
    pub text: String,
    /// Ranking's features: score as a share of the best's, coverage, proximity.
    pub ranked: [f32; 3],
    /// Share of the question's importance in the document's title.
    pub title: f32,
    /// A heading or caption.
    pub heading: bool,
    /// Its sentences.
    pub sentences: Vec<Sentence>,
    /// Byte ranges of its matched words, in order.
    pub matches: Vec<(usize, usize)>,
    /// Byte ranges of its words of the kind asked for that the question does not hold.
    pub anchors: Vec<(usize, usize)>,
    /// Concept → share of the question's importance it carries (as matched at best).
    weights: Vec<f32>,
    /// Share of the question's importance in names the paragraph does not hold.
    pub names_missing: f32,
    /// Share of the question's importance in names it writes side by side that the paragraph
    /// holds, but never side by side ("Public School" against "School of Public Health").
    pub names_apart: f32,
    /// Candidates from its document, as a share of what the document could give (all of
    /// them, or all its paragraphs when it has fewer): questions about a topic the corpus holds
    /// find its document again and again, others find scattered words.
    pub same_doc: f32,
    /// With the semantic reader: the cosine of the question and the passage found (else 0).
    pub cosine: f32,
    /// Share of the question's importance its document holds in all its candidates and its
    /// title together: a page about the question covers it across paragraphs, a stray
    /// paragraph elsewhere covers it alone.
    pub doc_coverage: f32,
    /// The document's first paragraph: an encyclopedia page and a news story say what matters
    /// most first.
    pub lead: bool,
}

/// A sentence of a candidate paragraph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sentence {
    /// Byte range in the paragraph's text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// Characters.
    pub chars: usize,
    /// Concepts it matches (bit i: concept i).
    pub mask: u32,
    /// Share of the question's neighbouring concept pairs found within a few words, in order.
    pub pairs: f32,
    /// Its words of the kind asked for that the question does not hold.
    pub answers: u32,
    /// Its words (stop words aside).
    pub words: u32,
    /// Its words that match the question.
    pub matched: u32,
    /// It writes the subject of a "What is X?" question and goes on as a definition does.
    pub defines: bool,
    /// With the semantic reader: the cosine of the question and the sentence (else 0).
    pub cosine: f32,
}

/// What [`decide`] concluded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    /// Candidates worth quoting, best first, each with its score and its quote's sentences
    /// (first, last). Empty to decline.
    pub quoted: Vec<(usize, f32, Window)>,
}

impl Candidate {
    /// The concepts the paragraph matches.
    fn mask(&self) -> u32 {
        self.sentences.iter().fold(0, |m, s| m | s.mask)
    }

    /// Share of the question's importance the concepts in `mask` carry.
    pub fn weight(&self, mask: u32) -> f32 {
        self.weights
            .iter()
            .enumerate()
            .filter(|(ci, _)| mask & (1 << ci) != 0)
            .map(|(_, w)| w)
            .sum()
    }

    /// The paragraph's features, in [`PARAGRAPH_FEATURES`]'s order, and its best sentence.
    pub fn features(
        &self,
        query_has_type: bool,
        w: &Weights,
    ) -> ([f32; PARAGRAPH_FEATURES.len()], usize) {
        let best = self.best_sentence(w);
        let s = &self.sentences[best];
        let best_weight = self.weight(s.mask);
        let two = self
            .sentences
            .windows(2)
            .map(|p| self.weight(p[0].mask | p[1].mask))
            .fold(best_weight, f32::max);
        let all = self.weight(self.sentences.iter().fold(0, |m, s| m | s.mask));
        let pairs = self.sentences.iter().map(|s| s.pairs).fold(0.0, f32::max);
        let answer = f32::from(query_has_type && s.answers > 0);
        (
            [
                self.ranked[0],
                self.ranked[1],
                self.ranked[2],
                best_weight,
                two,
                all,
                pairs,
                answer,
                self.title,
                f32::from(u8::from(self.heading)),
                self.same_doc,
                f32::from(u8::from(self.sentences.iter().any(|s| s.defines))),
                self.doc_coverage,
                f32::from(u8::from(self.lead)),
            ],
            best,
        )
    }

    /// The sentence a quote is built around.
    fn best_sentence(&self, w: &Weights) -> usize {
        self.best_sentence_in(0..self.sentences.len(), w)
    }

    /// The sentence a quote is built around, among sentences `range` (its start when empty).
    fn best_sentence_in(&self, range: std::ops::Range<usize>, w: &Weights) -> usize {
        let mut best = (range.start, f32::NEG_INFINITY);
        for i in range {
            let score = self.sentence_score(i, w);
            if score > best.1 {
                best = (i, score);
            }
        }
        best.0
    }

    /// How well sentence `i` would carry a quote: [`SENTENCE_FEATURES`], weighed.
    fn sentence_score(&self, i: usize, w: &Weights) -> f32 {
        let s = &self.sentences[i];
        let concepts = self.weights.len().max(1) as f32;
        let before = i
            .checked_sub(1)
            .map_or(0.0, |b| self.weight(self.sentences[b].mask));
        let f = [
            self.weight(s.mask),
            s.pairs,
            f32::from(s.answers > 0),
            s.mask.count_ones() as f32 / concepts,
            s.matched as f32 / s.words.max(1) as f32,
            before,
            f32::from(u8::from(s.defines)),
        ];
        dot(&w.sentence, &f) + w.meaning[4] * s.cosine
    }

    /// The largest cosine of the question and one of its sentences (0 without the reader).
    pub fn sentence_cosine(&self) -> f32 {
        self.sentences.iter().map(|s| s.cosine).fold(0.0, f32::max)
    }

    /// The run of sentences a quote holds: the best, then while they fit the neighbour that
    /// weighs most; and the side whose next sentence fills what room is left.
    fn window(&self, best: usize, w: &Weights) -> Window {
        self.window_in(best, 0..self.sentences.len(), w)
    }

    /// [`Candidate::window`] within sentences `range` (which holds `best`).
    fn window_in(&self, best: usize, range: std::ops::Range<usize>, w: &Weights) -> Window {
        let (mut first, mut last) = (best, best);
        let value = |i: usize, follows: bool| {
            let s = &self.sentences[i];
            dot(
                &w.neighbour,
                &[
                    self.weight(s.mask),
                    f32::from(s.answers > 0),
                    f32::from(u8::from(follows)),
                ],
            )
        };
        loop {
            let chars = self.chars(first, last);
            let fits = |i: usize| chars + 1 + self.sentences[i].chars <= excerpt::MAX_CHARS;
            let before = first
                .checked_sub(1)
                .filter(|&i| i >= range.start && fits(i));
            let after = Some(last + 1).filter(|&i| i < range.end && fits(i));
            match (before, after) {
                (Some(b), Some(a)) if value(a, true) >= value(b, false) => last = a,
                (Some(b), _) => first = b,
                (None, Some(a)) => last = a,
                (None, None) => break,
            }
        }
        let before = first.checked_sub(1).filter(|&i| i >= range.start);
        let after = Some(last + 1).filter(|&i| i < range.end);
        let fill_after = match (before, after) {
            (Some(b), Some(a)) => Some(value(a, true) >= value(b, false)),
            (Some(_), None) => Some(false),
            (None, Some(_)) => Some(true),
            (None, None) => None,
        };
        Window {
            first,
            last,
            fill_after,
        }
    }

    /// A second quote of the paragraph, from the sentences `taken` leaves before or after it
    /// (whichever side holds the better sentence), or None when it leaves none.
    pub fn another_window(&self, taken: Window, w: &Weights) -> Option<Window> {
        let sides = [0..taken.first, taken.last + 1..self.sentences.len()];
        let score = |i: usize| self.sentence_score(i, w);
        sides
            .into_iter()
            .filter(|r| !r.is_empty())
            .map(|r| (self.best_sentence_in(r.clone(), w), r))
            .max_by(|a, b| score(a.0).total_cmp(&score(b.0)))
            .map(|(best, r)| self.window_in(best, r, w))
    }

    /// Characters from the start of sentence `first` to the end of sentence `last`.
    fn chars(&self, first: usize, last: usize) -> usize {
        if first == last {
            return self.sentences[first].chars;
        }
        let (start, end) = (self.sentences[first].start, self.sentences[last].end);
        self.text[start..end].chars().count()
    }
}

/// The sentences a quote holds, `first..=last`, and which side's neighbour fills the room left
/// (after: true; before: false; none: the paragraph is quoted whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first sentence quoted.
    pub first: usize,
    /// The last sentence quoted.
    pub last: usize,
    /// Which neighbour fills the room left, as far as whole words fit.
    pub fill_after: Option<bool>,
}

/// The dot product of `a` and `b` (as far as the shorter goes).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Each candidate with sentences: its number, score, features and best sentence, best first.
fn scored(
    evidence: &Evidence,
    query_has_type: bool,
    w: &Weights,
) -> Vec<(usize, f32, [f32; PARAGRAPH_FEATURES.len()], usize)> {
    let mut scored: Vec<_> = evidence
        .candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.sentences.is_empty())
        .map(|(i, c)| {
            let (f, best) = c.features(query_has_type, w);
            let meaning = w.meaning[0] * c.cosine + w.meaning[3] * c.sentence_cosine();
            (i, dot(&w.paragraph, &f) + meaning, f, best)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored
}

/// Scores the candidates, decides whether the best answers, and picks each quote's sentences.
pub fn decide(evidence: &Evidence, query_has_type: bool, w: &Weights) -> Decision {
    let scored = scored(evidence, query_has_type, w);
    let answers =
        |i: usize, f: &[f32; PARAGRAPH_FEATURES.len()], score: f32, best: usize, topic| {
            let c = &evidence.candidates[i];
            dot(
                &w.answers,
                &answer_features(evidence, (c, f, score, best), topic),
            ) + dot(&answer_cosine_weights(w), &answer_cosines(evidence, c))
                > 0.0
        };
    let mut quoted = Vec::new();
    for (rank, &(i, score, ref f, best)) in scored.iter().enumerate() {
        // The best must answer for the question to be answered, its document telling whether
        // the corpus holds the question's topic; each later quote too, the topic then held.
        let topic = if rank == 0 {
            evidence.candidates[i].same_doc
        } else {
            1.0
        };
        if !answers(i, f, score, best, topic) {
            if rank == 0 {
                break;
            }
            continue;
        }
        let c = &evidence.candidates[i];
        quoted.push((i, score, c.window(best, w)));
    }
    if let Some(&(i, score, window)) = quoted.first() {
        let third = quoted.get(2).map(|q| q.1);
        if third.is_none_or(|third| score - third > w.second) {
            if let Some(another) = evidence.candidates[i].another_window(window, w) {
                quoted.insert(quoted.len().min(2), (i, score, another));
            }
        }
    }
    Decision { quoted }
}

/// What decides whether a candidate answers, in [`ANSWER_FEATURES`]'s order.
fn answer_features(
    evidence: &Evidence,
    (c, f, score, best): (&Candidate, &[f32; PARAGRAPH_FEATURES.len()], f32, usize),
    topic: f32,
) -> [f32; ANSWER_FEATURES.len()] {
    let rarest = evidence.rarest.map_or(0, |r| 1u32 << r);
    let paragraph_mask = c.mask();
    [
        f[3],
        f[4],
        f[1],
        evidence.unknown_share,
        evidence.largest_unknown,
        f[6],
        score,
        1.0 / evidence.concepts.max(1) as f32,
        f32::from(u8::from(c.sentences[best].mask & rarest != 0)),
        f32::from(u8::from(paragraph_mask & rarest != 0)),
        evidence.best_per_importance,
        topic,
        c.names_missing,
        c.names_apart,
        f[12],
        f[8],
        1.0,
    ]
}

/// The features [`decide`] weighs for the best candidate (for fitting and for explanations):
/// [`PARAGRAPH_FEATURES`], [`ANSWER_FEATURES`], then the semantic reader's three of the answer
/// test (the paragraph's cosine, the corpus's best, the paragraph's best sentence's; 0 without
/// the reader).
pub fn best_answer_features(
    evidence: &Evidence,
    query_has_type: bool,
    w: &Weights,
) -> Option<Vec<f32>> {
    let scored = scored(evidence, query_has_type, w);
    let &(i, score, f, best) = scored.first()?;
    let c = &evidence.candidates[i];
    let mut out = f.to_vec();
    out.extend(answer_features(evidence, (c, &f, score, best), c.same_doc));
    out.extend(answer_cosines(evidence, c));
    Some(out)
}

/// The semantic reader's features of the answer test (0 without it): the paragraph's cosine,
/// the corpus's best, the paragraph's best sentence's.
fn answer_cosines(evidence: &Evidence, c: &Candidate) -> [f32; 3] {
    [c.cosine, evidence.best_cosine, c.sentence_cosine()]
}

/// The weights of [`answer_cosines`], from [`Weights::meaning`].
fn answer_cosine_weights(w: &Weights) -> [f32; 3] {
    [w.meaning[1], w.meaning[2], w.meaning[5]]
}

/// The excerpt of a candidate's sentences in `window`, with the room left filled by whole words
/// of the neighbour it names.
pub fn quote_text(candidate: &Candidate, window: Window) -> Excerpt {
    let Window {
        first,
        last,
        fill_after,
    } = window;
    let (start, end) = (
        candidate.sentences[first].start,
        candidate.sentences[last].end,
    );
    let chars = candidate.text[start..end].chars().count();
    if chars <= excerpt::MAX_CHARS {
        let text = &candidate.text;
        let (start, end) = match fill_after {
            Some(true) => {
                let limit = candidate.sentences[last + 1].end;
                let room = excerpt::MAX_CHARS - chars;
                (start, excerpt::word_end_after(text, end, limit, room))
            }
            Some(false) => {
                let limit = candidate.sentences[first - 1].start;
                let room = excerpt::MAX_CHARS - chars;
                (excerpt::word_start_before(text, limit, start, room), end)
            }
            None => (start, end),
        };
        return excerpt::build(text, start, end, &candidate.matches);
    }
    // One sentence too long to quote whole: from its start when that keeps its matches and
    // likely answers, else around them.
    let inside = |r: &&(usize, usize)| r.0 >= start && r.1 <= end;
    let needed = candidate
        .matches
        .iter()
        .chain(&candidate.anchors)
        .filter(inside)
        .map(|r| r.1)
        .max()
        .unwrap_or(start);
    if candidate.text[start..needed].chars().count() <= excerpt::MAX_CHARS {
        return excerpt::build(
            &candidate.text,
            start,
            excerpt::word_end_within(&candidate.text, start, end),
            &candidate.matches,
        );
    }
    let matches: Vec<(usize, usize)> = candidate
        .matches
        .iter()
        .filter(inside)
        .map(|r| (r.0 - start, r.1 - start))
        .collect();
    let anchors: Vec<(usize, usize)> = candidate
        .anchors
        .iter()
        .filter(inside)
        .map(|r| (r.0 - start, r.1 - start))
        .collect();
    let inner = excerpt::crop(&candidate.text[start..end], &matches, &anchors);
    // The crop marks its own cuts; the text around the sentence is cut too.
    let mut out = String::new();
    let lead = start > 0 && !inner.text.starts_with('…');
    if lead {
        out.push('…');
    }
    let shift = out.len();
    out.push_str(&inner.text);
    if end < candidate.text.len() && !out.ends_with('…') {
        out.push('…');
    }
    Excerpt {
        text: out,
        highlights: inner
            .highlights
            .iter()
            .map(|h| [h[0] + shift, h[1] + shift])
            .collect(),
    }
}

/// Term → (concepts it stands for, best match weight), sorted by term.
fn term_table(query: &Query) -> Vec<(u32, u32, f32)> {
    let mut pairs: Vec<(u32, u32, f32)> = Vec::new();
    for (ci, c) in query.concepts.iter().enumerate() {
        for &(term, weight) in &c.alternatives {
            pairs.push((term, 1 << ci, weight));
        }
    }
    pairs.sort_by_key(|p| p.0);
    let mut merged: Vec<(u32, u32, f32)> = Vec::with_capacity(pairs.len());
    for (t, m, w) in pairs {
        match merged.last_mut() {
            Some(last) if last.0 == t => {
                last.1 |= m;
                last.2 = last.2.max(w);
            }
            _ => merged.push((t, m, w)),
        }
    }
    merged
}

/// A word of a paragraph, as the index holds it.
struct Word {
    start: usize,
    end: usize,
    /// Counts words not joined from parts.
    position: u32,
    mask: u32,
    weight: f32,
    kind: u32,
}

/// Reads the candidates' paragraphs: the first [`CANDIDATES`] hits' paragraphs, once each.
pub(super) fn gather(
    corpus: &Corpus,
    index: &Index,
    query: &Query,
    (hits, decoded): (&[Hit], &Decoded),
) -> Evidence {
    let total = query.total_importance().max(f32::MIN_POSITIVE);
    // A word naming the kind of answer ("which TV channel") says what the answer is, not what
    // the question is about: the corpus may never use it and still answer.
    let unknown: Vec<f32> = query
        .concepts
        .iter()
        .filter(|c| !c.known && !c.focus)
        .map(|c| c.importance / total)
        .collect();
    // The largest score (the first's, unless the semantic reader put passages of no ranking
    // score before it).
    let best = hits
        .iter()
        .map(|h| h.score)
        .fold(f32::MIN_POSITIVE, f32::max);
    let mut evidence = Evidence {
        candidates: Vec::new(),
        unknown_share: unknown.iter().sum(),
        largest_unknown: unknown.iter().copied().fold(0.0, f32::max),
        concepts: query.concepts.len(),
        rarest: query
            .concepts
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.importance.total_cmp(&b.1.importance))
            .map(|(i, _)| i),
        best_per_importance: hits.iter().map(|h| h.score).fold(0.0, f32::max) / total,
        answer_type: query.answer_type,
        best_cosine: 0.0,
    };
    let table = term_table(query);
    let answer_bit = match query.answer_type {
        Some(AnswerType::Name) => NAME_BIT,
        Some(AnswerType::Number) => NUMBER_BIT,
        None => 0,
    };
    // Per candidate: the question's concepts its document's title holds.
    let mut masks: Vec<u32> = Vec::with_capacity(CANDIDATES);
    for hit in hits {
        if evidence.candidates.len() >= CANDIDATES {
            break;
        }
        let id = index.passage_id(hit.passage);
        let passage = &corpus.passages[id as usize];
        if evidence
            .candidates
            .iter()
            .any(|c| c.doc == passage.doc && c.paragraph == passage.paragraph)
        {
            continue;
        }
        let mut candidate = paragraph((corpus, index, decoded), query, (&table, answer_bit), id);
        candidate.ranked = [hit.score / best, hit.coverage, hit.proximity];
        let title_mask = {
            let terms = &index.title_terms[passage.doc as usize];
            let section = index.section_terms(corpus, id);
            table
                .iter()
                .filter(|t| {
                    terms.binary_search(&t.0).is_ok() || section.binary_search(&t.0).is_ok()
                })
                .fold(0, |m, t| m | t.1)
        };
        candidate.title = candidate.weight(title_mask);
        candidate.lead = first_paragraph(corpus, passage.doc) == Some(passage.paragraph);
        evidence.candidates.push(candidate);
        masks.push(title_mask);
    }
    let found = evidence.candidates.len();
    let docs: Vec<u32> = evidence.candidates.iter().map(|c| c.doc).collect();
    // Each candidate's matches joined with its title's, then over its document.
    for (mask, c) in masks.iter_mut().zip(&evidence.candidates) {
        *mask |= c.mask();
    }
    for (i, c) in evidence.candidates.iter_mut().enumerate() {
        let same = docs.iter().filter(|&&d| d == c.doc).count();
        let could = found.min(paragraphs(corpus, c.doc)).max(1);
        c.same_doc = same as f32 / could as f32;
        let document = docs
            .iter()
            .zip(&masks)
            .filter(|(&d, _)| d == docs[i])
            .fold(0, |m, (_, &mask)| m | mask);
        c.doc_coverage = c.weight(document);
    }
    evidence
}

/// The number of document `doc`'s first paragraph kept (passages are in document order).
fn first_paragraph(corpus: &Corpus, doc: u32) -> Option<u32> {
    let first = corpus.passages.partition_point(|p| p.doc < doc);
    corpus
        .passages
        .get(first)
        .filter(|p| p.doc == doc)
        .map(|p| p.paragraph)
}

/// How many paragraphs document `doc` has (passages are in document order).
fn paragraphs(corpus: &Corpus, doc: u32) -> usize {
    let first = corpus.passages.partition_point(|p| p.doc < doc);
    let end = corpus.passages.partition_point(|p| p.doc <= doc);
    match (
        corpus.passages.get(first),
        end.checked_sub(1).and_then(|l| corpus.passages.get(l)),
    ) {
        (Some(a), Some(b)) if end > first => (b.paragraph - a.paragraph) as usize + 1,
        _ => 1,
    }
}

/// The candidate paragraph of corpus passage `id`: every window of its paragraph.
fn paragraph(
    (corpus, index, decoded): (&Corpus, &Index, &Decoded),
    query: &Query,
    (table, answer_bit): (&[(u32, u32, f32)], u32),
    id: u32,
) -> Candidate {
    let passage = &corpus.passages[id as usize];
    let same =
        |p: &crate::corpus::Passage| p.doc == passage.doc && p.paragraph == passage.paragraph;
    let mut first = id as usize;
    while first > 0 && same(&corpus.passages[first - 1]) {
        first -= 1;
    }
    let mut last = id as usize;
    while last + 1 < corpus.passages.len() && same(&corpus.passages[last + 1]) {
        last += 1;
    }
    let total = query.total_importance().max(f32::MIN_POSITIVE);
    let mut candidate = Candidate {
        doc: passage.doc,
        paragraph: passage.paragraph,
        found: id,
        text: String::new(),
        ranked: [0.0; 3],
        title: 0.0,
        heading: passage.heading(),
        sentences: Vec::new(),
        matches: Vec::new(),
        anchors: Vec::new(),
        names_missing: 0.0,
        names_apart: 0.0,
        same_doc: 0.0,
        cosine: 0.0,
        doc_coverage: 0.0,
        lead: false,
        weights: query
            .concepts
            .iter()
            .map(|c| c.importance / total)
            .collect(),
    };
    let mut words: Vec<Word> = Vec::new();
    let mut position = 0u32;
    // The paragraph's text, read once: a packed document decompresses only the blocks it spans.
    let span = corpus.passages[first].range().start..corpus.passages[last].range().end;
    let paragraph_text = corpus.texts[passage.doc as usize].read(span.clone());
    for p in first..=last {
        let range = corpus.passages[p].range();
        let Some(window) = paragraph_text.get(range.start - span.start..range.end - span.start)
        else {
            continue;
        };
        if !candidate.text.is_empty() {
            candidate.text.push(' ');
        }
        let base = candidate.text.len();
        candidate.text.push_str(window);
        for (s, e) in text::sentences(window) {
            let slice = &window[s..e];
            let trimmed = slice.trim_end();
            candidate.sentences.push(Sentence {
                start: base + s,
                end: base + s + trimmed.len(),
                chars: trimmed.chars().count(),
                ..Sentence::default()
            });
        }
        if let Ok(indexed) = index.passages.binary_search(&(p as u32)) {
            window_words(
                (index, decoded),
                table,
                (indexed as u32, window, base),
                &mut position,
                &mut words,
            );
        }
    }
    // The question's weight of each match: its concepts', at the match's weight.
    let mut match_weight = vec![0.0f32; query.concepts.len()];
    for w in &words {
        for (ci, slot) in match_weight.iter_mut().enumerate() {
            if w.mask & (1 << ci) != 0 {
                *slot = slot.max(w.weight);
            }
        }
    }
    for (ci, slot) in candidate.weights.iter_mut().enumerate() {
        *slot *= match_weight[ci];
    }
    let subject = query.subject.map_or(0, |c| 1u32 << c);
    let mut at = 0;
    let mut everywhere: Vec<(u32, usize)> = Vec::new();
    for sentence in &mut candidate.sentences {
        let mut found: Vec<(u32, usize)> = Vec::new();
        while at < words.len() && words[at].start < sentence.end {
            let w = &words[at];
            at += 1;
            sentence.words += 1;
            if w.mask != 0 {
                sentence.defines |=
                    w.mask & subject != 0 && candidate.text.get(w.end..).is_some_and(defines_after);
                sentence.matched += 1;
                sentence.mask |= w.mask;
                candidate.matches.push((w.start, w.end));
                for ci in 0..query.concepts.len() {
                    if w.mask & (1 << ci) != 0 {
                        found.push((w.position, ci));
                    }
                }
            } else if answer_bit != 0 && w.kind & answer_bit != 0 {
                sentence.answers += 1;
                candidate.anchors.push((w.start, w.end));
            }
        }
        sentence.pairs = pairs(&found, query.concepts.len());
        everywhere.extend(found);
    }
    let held = everywhere.iter().fold(0u32, |m, &(_, c)| m | 1 << c);
    let named = query
        .concepts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.named)
        .fold(0u32, |m, (ci, _)| m | 1 << ci);
    candidate.names_missing = importance_share(query, named & !held, total);
    let apart = query
        .name_pairs
        .iter()
        .filter(|&&(a, b)| held & (1 << a) != 0 && held & (1 << b) != 0)
        .filter(|&&(a, b)| !side_by_side(&everywhere, a, b))
        .fold(0u32, |m, &(a, b)| m | 1 << a | 1 << b);
    candidate.names_apart = importance_share(query, apart, total);
    candidate.sentences.retain(|s| s.end > s.start);
    candidate
}

/// Whether the text after a subject's last word goes on as a definition: "is", "are", "was",
/// "were", "refers to", an apposition (", a", ", the") or a gloss in brackets.
fn defines_after(rest: &str) -> bool {
    const CUES: [&str; 11] = [
        " is ",
        " are ",
        " was ",
        " were ",
        " refers to ",
        ", a ",
        ", an ",
        ", the ",
        " (",
        " – ",
        " — ",
    ];
    CUES.iter().any(|cue| rest.starts_with(cue))
}

/// Share of the question's neighbouring concepts (i, i + 1) found in order within three words.
fn pairs(found: &[(u32, usize)], concepts: usize) -> f32 {
    if concepts < 2 {
        return 0.0;
    }
    let together = (0..concepts - 1).filter(|&ci| together(found, ci)).count();
    together as f32 / (concepts - 1) as f32
}

/// Whether concepts `ci` and `ci + 1` are found in order within three words.
fn together(found: &[(u32, usize)], ci: usize) -> bool {
    within(found, (ci, ci + 1), 3)
}

/// Whether concept `b` is found right after concept `a` (a word may stand between them:
/// "Harvard University" for "Harvard's University").
fn side_by_side(found: &[(u32, usize)], a: usize, b: usize) -> bool {
    within(found, (a, b), 2)
}

/// Whether concept `b` is found after concept `a`, at most `distance` words on.
fn within(found: &[(u32, usize)], (a, b): (usize, usize), distance: u32) -> bool {
    found.iter().any(|&(p, c)| {
        c == a
            && found
                .iter()
                .any(|&(q, d)| d == b && q > p && q - p <= distance)
    })
}

/// Share of the question's importance in the concepts of `mask`.
fn importance_share(query: &Query, mask: u32, total: f32) -> f32 {
    query
        .concepts
        .iter()
        .enumerate()
        .filter(|(ci, _)| mask & (1 << ci) != 0)
        .map(|(_, c)| c.importance / total)
        .sum()
}

/// The words of one window (indexed passage `indexed`, at byte `base` of the paragraph's text).
fn window_words(
    (index, decoded): (&Index, &Decoded),
    table: &[(u32, u32, f32)],
    (indexed, window, base): (u32, &str, usize),
    position: &mut u32,
    words: &mut Vec<Word>,
) {
    let lookup = |term: u32| {
        table
            .binary_search_by_key(&term, |t| t.0)
            .ok()
            .map(|i| (table[i].1, table[i].2))
    };
    let owned;
    let entries = match decoded.get(indexed) {
        Some(entries) => entries,
        None => {
            owned = index.entries(indexed);
            &owned[..]
        }
    };
    let mut spans = text::spans(window).into_iter().filter(|s| !s.stop);
    let mut next_span = || spans.next();
    let first = words.len();
    // Alias names: (word entries before it in this window, span, concepts, weight).
    let mut names: Vec<(usize, usize, u32, f32)> = Vec::new();
    for &entry in entries {
        let found = lookup(index.entry_term(entry));
        if entry & ALIAS_BIT != 0 {
            if let Some((mask, weight)) = found {
                names.push((words.len() - first, index::alias_span(entry), mask, weight));
            }
            continue;
        }
        let Some(span) = next_span() else { break };
        if !span.joined {
            *position += 1;
        }
        let (mask, weight) = found.unwrap_or((0, 0.0));
        words.push(Word {
            start: base + span.start,
            end: base + span.end,
            position: *position,
            mask,
            weight,
            kind: if span.joined {
                0
            } else {
                entry & (NAME_BIT | NUMBER_BIT)
            },
        });
    }
    // A name matches through the words it covers.
    for (at, span, mask, weight) in names {
        for w in words[first..].iter_mut().skip(at).take(span.max(1)) {
            w.mask |= mask;
            w.weight = w.weight.max(weight);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Weights, Window};
    use crate::corpus::{load_dir, LoadOptions};
    use crate::search::{Aliases, Index};

    /// Names the question writes side by side count against a paragraph that holds their
    /// words only apart or out of order, not against one that holds the name.
    #[test]
    fn names_written_together_must_stand_together() {
        let dir = tempfile::tempdir().unwrap();
        let text = "Schools\n\n\
            The School of Public Health opened in Boston in 1913.\n\n\
            The Public School opened in Leeds in 1870.\n\n\
            Public money paid for a new wing of the School in 1990.\n";
        std::fs::write(dir.path().join("schools.txt"), text).unwrap();
        let (corpus, _) = load_dir(dir.path(), &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::default());
        let (query, evidence) =
            super::super::read(&corpus, &index, "When did the Public School open?");
        assert_eq!(query.name_pairs.len(), 1, "{:?}", query.concepts);
        let apart = |needle: &str| {
            let c = evidence
                .candidates
                .iter()
                .find(|c| c.text.contains(needle))
                .unwrap_or_else(|| panic!("no candidate holds {needle:?}"));
            c.names_apart
        };
        assert_eq!(apart("Leeds"), 0.0);
        assert!(apart("Boston") > 0.0);
        assert!(apart("1990") > 0.0);
    }
    /// A second quote of the best paragraph holds none of the first's sentences, and comes
    /// third when the best outscores the third quote by more than the fitted margin.
    /// "What is X?" asks for the sentence that says what X is, not the one that names it most.
    #[test]
    fn a_what_is_question_is_answered_by_the_sentence_that_defines_its_subject() {
        let dir = tempfile::tempdir().unwrap();
        let long = "Officials in the valley spoke about the harvest festival and its crowds \
            on Monday, and about the harvest festival of the year before. ";
        let text = format!(
            "Festival\n\n{long}{long}{long}The harvest festival is a week of markets held \
             each autumn. {long}{long}\n"
        );
        std::fs::write(dir.path().join("festival.txt"), text).unwrap();
        let (corpus, _) = load_dir(dir.path(), &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::default());
        let (query, evidence) =
            super::super::read(&corpus, &index, "What is the harvest festival?");
        assert!(query.subject.is_some());
        let quoted_text = |w: &Weights| -> Vec<String> {
            super::decide(&evidence, query.answer_type.is_some(), w)
                .quoted
                .iter()
                .map(|&(at, _, window)| {
                    let c = &evidence.candidates[at];
                    c.text[c.sentences[window.first].start..c.sentences[window.last].end]
                        .to_string()
                })
                .collect()
        };
        // The fitted weights quote the definition (the first quote or the second of the same
        // paragraph: how much "defines" weighs against the other sentence features is the fit's
        // to say).
        let fitted = quoted_text(crate::search::weights::last_stage());
        assert!(
            fitted.iter().any(|t| t.contains("is a week of markets")),
            "{fitted:?}"
        );
        // Weighed as much as the sentence's matched importance, the definition leads.
        let mut w = crate::search::weights::last_stage().clone();
        let defines = super::SENTENCE_FEATURES
            .iter()
            .position(|f| *f == "defines the subject")
            .unwrap();
        w.sentence[defines] = w.sentence[0];
        let leading = quoted_text(&w);
        assert!(leading[0].contains("is a week of markets"), "{leading:?}");
        // Not every question about a thing asks what it is.
        for question in [
            "When is the harvest festival?",
            "What is held at the harvest festival?",
        ] {
            assert!(
                super::super::read(&corpus, &index, question)
                    .0
                    .subject
                    .is_none(),
                "{question}"
            );
        }
        // A subject past the concepts a question keeps is no subject.
        let many: Vec<String> = (0..40).map(|i| format!("festival{i}")).collect();
        let long = format!("What is {}?", many.join(" "));
        let (query, _) = super::super::read(&corpus, &index, &long);
        assert!(query.subject.is_none_or(|s| s < query.concepts.len()));
        assert!(super::defines_after(" (UMC) is a church") && super::defines_after(", a week"));
        assert!(!super::defines_after(" and its crowds"));
    }

    #[test]
    fn a_second_quote_of_the_best_paragraph_leaves_the_first_quote_alone() {
        let dir = tempfile::tempdir().unwrap();
        let long = "The harbour commission met in Valletta on Monday to review the dredging \
            contract signed last spring with the Rotterdam consortium. ";
        let text = format!(
            "Harbour\n\n{long}{long}It approved the dredging of the northern basin. \
             {long}The dredging will be paid for by a levy on cruise ships, the commission \
             said. {long}\n\nThe ferry to Gozo runs every hour.\n"
        );
        std::fs::write(dir.path().join("harbour.txt"), text).unwrap();
        let (corpus, _) = load_dir(dir.path(), &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::default());
        let (query, evidence) =
            super::super::read(&corpus, &index, "How will the dredging be paid for?");
        let w = crate::search::weights::last_stage().clone();
        let quoted = super::decide(&evidence, query.answer_type.is_some(), &w).quoted;
        let first = quoted[0];
        let c = &evidence.candidates[first.0];
        let another = c
            .another_window(first.2, &w)
            .expect("the paragraph has more sentences");
        let shared = |a: Window, b: Window| a.first <= b.last && b.first <= a.last;
        assert!(!shared(first.2, another));
        // Fewer than three quotes: nothing is displaced, the second quote is added.
        assert!(quoted
            .iter()
            .skip(1)
            .any(|q| q.0 == first.0 && q.2 == another));
        let never = Weights {
            second: f32::INFINITY,
            ..w.clone()
        };
        let alone = super::decide(&evidence, query.answer_type.is_some(), &never).quoted;
        assert_eq!(
            alone.len(),
            quoted.len(),
            "with fewer than three, the margin is not asked"
        );
    }
}

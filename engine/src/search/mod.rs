//! Search: text → terms → index → ranked passages → [`Answer`].
//!
//! - `crate::text`: the one tokenizer, shared by corpus, index, questions and quotes.
//! - [`fuzzy`]: typo-tolerant lookups in the vocabulary.
//! - [`aliases`]: groups of names for the same thing.
//! - [`index`]: the inverted index.
//! - [`query`]: a question as concepts with weighted alternatives.
//! - [`rank`]: BM25, re-ranking, abstention.
//! - [`excerpt`]: cropping and highlights.

pub mod aliases;
pub mod bm25;
pub mod evidence;
pub mod excerpt;
pub mod fuzzy;
pub mod index;
mod lists;
pub mod meaning;
pub mod query;
pub mod rank;
mod sequence;
pub mod weights;
pub mod words;

use std::time::Instant;

pub use aliases::Aliases;
pub use index::Index;

use crate::answer::{Answer, AskOptions, Citation, Quote, Status};
use crate::corpus::Corpus;
use meaning::Meaning;
use query::Query;

/// Questions longer than this many characters are cut.
pub const MAX_QUESTION_CHARS: usize = 1000;
/// A "did you mean" word must look at least this much like the word typed (Jaro-Winkler).
const SUGGESTION_LIKENESS: f32 = 0.88;
/// At most this many suggestions.
const MAX_SUGGESTIONS: usize = 3;

/// Answers one question.
///
/// - An empty question is `no_match` with an `error`.
/// - A question over [`MAX_QUESTION_CHARS`] is cut (the answer's `question` shows the cut text).
/// - `no_match` carries up to three suggestions.
pub fn answer(corpus: &Corpus, index: &Index, question: &str, options: &AskOptions) -> Answer {
    answer_in_context(corpus, index, question, None, options)
}

/// Answers a follow-up `question` asked after `context` (an earlier question of the same
/// conversation): the earlier question's concepts join the follow-up's at the fitted
/// [`weights::Ranking::context_weight`], so "and who is behind them?" after a question about Daesh in
/// Afghanistan still finds Daesh, while the follow-up's own words lead.
///
/// - `None` or an empty context is exactly [`answer`].
/// - A concept of the context whose terms the follow-up already asks about is not added twice.
/// - The answer's `question` is the follow-up alone.
pub fn answer_in_context(
    corpus: &Corpus,
    index: &Index,
    question: &str,
    context: Option<&str>,
    options: &AskOptions,
) -> Answer {
    answer_with_meaning(corpus, index, (question, context), options, None)
}

/// [`answer_in_context`] with the semantic reader's [`Meaning`] of the question, when it has
/// one: the nearest passages join the candidates and the semantic weight set decides.
pub fn answer_with_meaning(
    corpus: &Corpus,
    index: &Index,
    (question, context): (&str, Option<&str>),
    options: &AskOptions,
    meaning: Option<&Meaning>,
) -> Answer {
    let started = Instant::now();
    let last_stage = meaning.map_or(weights::last_stage(), |m| m.weights);
    let question = cut_question(question.trim());
    let mut answer = Answer {
        question: question.to_string(),
        status: Status::NoMatch,
        quotes: Vec::new(),
        suggestions: Vec::new(),
        elapsed_us: 0,
        total: 0,
        error: None,
    };
    if question.is_empty() {
        answer.error = Some("empty question: ask something about the corpus".to_string());
        answer.elapsed_us = started.elapsed().as_micros() as u64;
        return answer;
    }
    let (mut query, mut evidence) = read_with_context(
        corpus,
        index,
        (question, context),
        index.ranking.context_weight,
        meaning,
    );
    let mut decision = evidence::decide(&evidence, query.answer_type.is_some(), last_stage);
    // A follow-up that finds nothing on its own words ("and what else did they say about it?")
    // is read again as the whole conversation: the earlier question's concepts at full weight.
    if decision.quoted.is_empty() && context.is_some_and(|c| !c.trim().is_empty()) {
        let (combined, combined_evidence) =
            read_with_context(corpus, index, (question, context), 1.0, meaning);
        let combined_decision = evidence::decide(
            &combined_evidence,
            combined.answer_type.is_some(),
            last_stage,
        );
        if !combined_decision.quoted.is_empty() {
            (query, evidence, decision) = (combined, combined_evidence, combined_decision);
        }
    }
    if decision.quoted.is_empty() {
        answer.suggestions = suggestions(index, &query);
    } else {
        answer.status = Status::Answered;
        answer.total = decision.quoted.len();
        answer.quotes = decision
            .quoted
            .iter()
            .skip(options.offset)
            .take(options.top)
            .map(|&(i, score, window)| quote(corpus, &evidence.candidates[i], score, window))
            .collect();
    }
    answer.elapsed_us = started.elapsed().as_micros() as u64;
    answer
}

/// Adds the concepts of an earlier question to `query` at `weight` (see
/// [`answer_in_context`]); the follow-up's answer type wins when it has one.
fn add_context(query: &mut Query, context: Query, weight: f32) {
    for mut concept in context.concepts {
        if query.concepts.len() >= query::MAX_CONCEPTS {
            break;
        }
        let asked = concept.alternatives.iter().any(|&(t, _)| {
            query
                .concepts
                .iter()
                .any(|c| c.alternatives.iter().any(|&(u, _)| u == t))
        });
        if asked {
            continue;
        }
        concept.importance *= weight;
        for alternative in &mut concept.alternatives {
            alternative.1 *= weight;
        }
        // An exact spelling in the earlier question earns the follow-up no exact-match bonus.
        concept.exact_word = None;
        query.concepts.push(concept);
    }
    for term in context.definitions {
        if !query.definitions.contains(&term) {
            query.definitions.push(term);
        }
    }
    if query.answer_type.is_none() {
        query.answer_type = context.answer_type;
    }
}

/// Cuts a question to [`MAX_QUESTION_CHARS`] characters.
pub fn cut_question(question: &str) -> &str {
    // A character is at least a byte: a short question needs no counting.
    if question.len() <= MAX_QUESTION_CHARS {
        return question;
    }
    match question.char_indices().nth(MAX_QUESTION_CHARS) {
        Some((i, _)) => &question[..i],
        None => question,
    }
}

/// A question's parse and its candidates' evidence, before any weight: what
/// [`evidence::decide`] and the tuning example read.
pub fn read(corpus: &Corpus, index: &Index, question: &str) -> (Query, evidence::Evidence) {
    read_in_context(corpus, index, question, None)
}

/// [`read`] for a follow-up asked after `context` (see [`answer_in_context`]).
pub fn read_in_context(
    corpus: &Corpus,
    index: &Index,
    question: &str,
    context: Option<&str>,
) -> (Query, evidence::Evidence) {
    read_with_context(
        corpus,
        index,
        (question, context),
        index.ranking.context_weight,
        None,
    )
}

/// [`read`] with the semantic reader's [`Meaning`] of the question (for tuning).
pub fn read_with_meaning(
    corpus: &Corpus,
    index: &Index,
    question: &str,
    meaning: Option<&Meaning>,
) -> (Query, evidence::Evidence) {
    read_with_context(
        corpus,
        index,
        (question, None),
        index.ranking.context_weight,
        meaning,
    )
}

/// [`read_in_context`] with the earlier question's concepts at `weight`, and with the nearest
/// passages joined and every candidate's cosine when the semantic reader gives a [`Meaning`].
fn read_with_context(
    corpus: &Corpus,
    index: &Index,
    (question, context): (&str, Option<&str>),
    weight: f32,
    meaning: Option<&Meaning>,
) -> (Query, evidence::Evidence) {
    let mut query = Query::parse(index, cut_question(question.trim()));
    if let Some(context) = context
        .map(|c| cut_question(c.trim()))
        .filter(|c| !c.is_empty())
    {
        add_context(&mut query, Query::parse(index, context), weight);
    }
    let (hits, decoded) = rank::candidates(corpus, index, &query);
    let Some(meaning) = meaning else {
        let evidence = evidence::gather(corpus, index, &query, (&hits, &decoded));
        return (query, evidence);
    };
    let hits = meaning::fuse(hits, meaning);
    let mut evidence = evidence::gather(corpus, index, &query, (&hits, &decoded));
    evidence.best_cosine = meaning.best();
    for c in &mut evidence.candidates {
        // `found` is an indexed passage (ranking or meaning found it).
        c.cosine = index.indexed(c.found).map_or(0.0, |i| meaning.cosine_of(i));
        for s in &mut c.sentences {
            s.cosine = meaning.sentence_cosine(&c.text[s.start..s.end]);
        }
    }
    (query, evidence)
}

/// Quotes sentences `window` of a candidate paragraph.
fn quote(
    corpus: &Corpus,
    candidate: &evidence::Candidate,
    score: f32,
    window: evidence::Window,
) -> Quote {
    let doc = &corpus.documents[candidate.doc as usize];
    let excerpt = evidence::quote_text(candidate, window);
    let (place, page) = corpus.place(candidate.found);
    let mut also_in: Vec<Citation> = Vec::new();
    let found = candidate.found;
    for &other in corpus
        .duplicates
        .get(&found)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let p = &corpus.passages[other as usize];
        let c = Citation {
            source: corpus.documents[p.doc as usize].id.clone(),
            paragraph: corpus.place(other).0,
        };
        let own = c.source == doc.id && c.paragraph == place;
        if !own && !also_in.contains(&c) {
            also_in.push(c);
        }
    }
    Quote {
        source: doc.id.clone(),
        title: doc.title.clone(),
        paragraph: place,
        page,
        section: corpus.section(candidate.found).map(str::to_string),
        text: excerpt.text,
        score: (score * 1000.0).round() / 1000.0,
        also_in,
        highlights: excerpt.highlights,
        // Filled by the snapshot, which holds `sources.toml` (see `Snapshot::ask`).
        link: None,
    }
}

/// "Did you mean" words for the question's words that the vocabulary does not hold: never a
/// neighbour of a word the corpus spells as typed, never a title (titles are not words).
fn suggestions(index: &Index, query: &Query) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for concept in query
        .concepts
        .iter()
        .filter(|c| !c.known && c.exact_word.is_none())
    {
        let word = &concept.normalized;
        if index.word(word).is_some() {
            continue;
        }
        let budget = fuzzy::typo_budget(word.chars().count()).max(1) + 1;
        let best = index
            .trigrams
            .neighbours(&index.words, word, budget.min(2), 32)
            .into_iter()
            .filter(|&(id, _)| {
                let candidate = &index.words[id as usize];
                fuzzy::likeness(word, candidate) >= SUGGESTION_LIKENESS
                    && candidate.chars().count().abs_diff(word.chars().count()) <= 1
            })
            .max_by(|a, b| {
                b.1.cmp(&a.1)
                    .then(index.word_count[a.0 as usize].cmp(&index.word_count[b.0 as usize]))
            });
        if let Some((id, _)) = best {
            let suggestion = index.words[id as usize].to_string();
            if !out.contains(&suggestion) {
                out.push(suggestion);
            }
        }
    }
    out.truncate(MAX_SUGGESTIONS);
    out
}

/// A readable account of how a question was understood and ranked, for tuning and bug reports.
pub fn explain(corpus: &Corpus, index: &Index, question: &str) -> String {
    use std::fmt::Write;
    let query = Query::parse(index, cut_question(question.trim()));
    let mut out = String::new();
    let _ = writeln!(out, "answer type: {:?}", query.answer_type);
    for c in &query.concepts {
        let alts: Vec<String> = c
            .alternatives
            .iter()
            .map(|&(t, w)| {
                let name = index.term_name(t).unwrap_or_else(|| "?".to_string());
                format!("{name}×{w:.2}(df {})", index.df(t))
            })
            .collect();
        let _ = writeln!(
            out,
            "concept {:?} importance {:.2} known {}: {}",
            c.label,
            c.importance,
            c.known,
            alts.join(", ")
        );
    }
    for hit in rank::rank_all(corpus, index, &query).iter().take(6) {
        let p = &corpus.passages[index.passage_id(hit.passage) as usize];
        let _ = writeln!(
            out,
            "{:.3} cov {:.2} mask {:b} prox {:.2} answer {:?} {} ¶{}: {}",
            hit.score,
            hit.coverage,
            hit.mask,
            hit.proximity,
            hit.answer_distance,
            corpus.documents[p.doc as usize].id,
            p.paragraph,
            corpus.text_of(p).chars().take(90).collect::<String>()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_bundled as bundled;

    fn sources(answer: &Answer) -> Vec<String> {
        answer
            .quotes
            .iter()
            .map(|q| format!("{}#{}", q.source, q.paragraph))
            .collect()
    }

    #[test]
    fn no_context_answers_exactly_like_a_plain_question() {
        let (corpus, index) = bundled();
        let question = "Who is the spokesman of the Taliban's foreign ministry?";
        let options = AskOptions::default();
        let plain = answer(&corpus, &index, question, &options);
        for context in [None, Some(""), Some("   ")] {
            let with = answer_in_context(&corpus, &index, question, context, &options);
            assert_eq!(sources(&with), sources(&plain));
            assert_eq!(with.question, plain.question);
        }
    }

    #[test]
    fn a_follow_up_takes_the_subject_of_the_earlier_question() {
        let (corpus, index) = bundled();
        let options = AskOptions { top: 5, offset: 0 };
        let follow_up = "and who is accused of nurturing it?";
        let alone = answer(&corpus, &index, follow_up, &options);
        let context = "What did the Taliban say about Daesh?";
        let with = answer_in_context(&corpus, &index, follow_up, Some(context), &options);
        assert!(with.is_answered(), "{with:?}");
        assert_eq!(
            with.question, follow_up,
            "the follow-up alone is the question"
        );
        // "it" is Daesh: the accusation that the US is behind the group is among the first two
        // quotes (the first may be another accusation: "accused" is the rarer word).
        let about = |q: &Quote| {
            (q.text.contains("accus") || q.text.contains("US is behind"))
                && (q.text.contains("Islamic State") || q.text.contains("Daesh"))
        };
        assert!(with.quotes.iter().take(2).any(about), "{:?}", with.quotes);
        assert_ne!(
            sources(&alone),
            sources(&with),
            "the context changed the answer"
        );
    }

    #[test]
    fn the_earlier_question_weighs_less_than_the_follow_up() {
        let (corpus, index) = bundled();
        let mut query = Query::parse(&index, "Who is the spokesman?");
        let own: Vec<f32> = query.concepts.iter().map(|c| c.importance).collect();
        let context = Query::parse(&index, "What about Daesh leaders and the spokesman?");
        let daesh = context
            .concepts
            .iter()
            .find(|c| c.normalized == "daesh")
            .expect("daesh is a concept")
            .clone();
        let weight = index.ranking.context_weight;
        add_context(&mut query, context, weight);
        let added = query
            .concepts
            .iter()
            .find(|c| c.normalized == "daesh")
            .expect("daesh was added");
        assert!((added.importance - daesh.importance * weight).abs() < 1e-6);
        assert!(added
            .alternatives
            .iter()
            .zip(&daesh.alternatives)
            .all(|(a, d)| (a.1 - d.1 * weight).abs() < 1e-6));
        // The follow-up's own concepts are unchanged, and "spokesman" is not added twice.
        let importances: Vec<f32> = query.concepts[..own.len()]
            .iter()
            .map(|c| c.importance)
            .collect();
        assert_eq!(importances, own);
        let spokesman = query
            .concepts
            .iter()
            .filter(|c| c.normalized == "spokesman")
            .count();
        assert_eq!(spokesman, 1);
        assert!(query.concepts.len() <= query::MAX_CONCEPTS);
        let _ = corpus;
    }

    #[test]
    fn suggestions_are_only_for_unknown_words_and_never_titles() {
        let (corpus, index) = bundled();
        let options = AskOptions::default();
        let answer = answer(
            &corpus,
            &index,
            "What is the capital of France according to the Talibann foreign ministry?",
            &options,
        );
        for suggestion in &answer.suggestions {
            assert!(
                !suggestion.contains(' '),
                "a suggestion is one word: {suggestion}"
            );
            assert!(
                corpus.documents.iter().all(|d| &d.title != suggestion),
                "{suggestion}"
            );
        }
        let typo = super::answer(&corpus, &index, "Who is Balkhhi zzqx?", &options);
        for suggestion in &typo.suggestions {
            assert!(index.word(suggestion).is_some(), "{suggestion}");
        }
    }

    #[test]
    fn a_follow_up_that_finds_nothing_alone_is_answered_as_the_whole_conversation() {
        let (corpus, index) = bundled();
        let ask = AskOptions::default();
        let follow_up = "and what else did they say about it?";
        let alone = answer(&corpus, &index, follow_up, &ask);
        assert_eq!(alone.status, Status::NoMatch, "{:?}", alone.quotes);
        let first = "What did the Taliban say about Daesh?";
        let answered = answer_in_context(&corpus, &index, follow_up, Some(first), &ask);
        assert_eq!(answered.status, Status::Answered);
        assert_eq!(answered.question, follow_up);
        assert!(
            answered.quotes.iter().any(|q| q.text.contains("Daesh")),
            "{:?}",
            answered.quotes
        );
    }
}

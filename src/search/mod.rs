//! Search: text → terms → index → ranked passages → [`Answer`].
//!
//! - [`text`]: normalization shared by corpus and questions.
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
pub mod fitted;
pub mod fuzzy;
pub mod index;
mod lists;
mod places;
pub mod query;
pub mod rank;
mod sequence;
pub mod text;
pub mod words;

use std::time::Instant;

pub use aliases::Aliases;
pub use index::Index;

use crate::answer::{Answer, AskOptions, Citation, Quote, Status};
use crate::corpus::Corpus;
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
    let started = Instant::now();
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
    let (query, evidence) = read(corpus, index, question);
    let decision = evidence::decide(&evidence, query.answer_type.is_some(), &fitted::WEIGHTS);
    if decision.quoted.is_empty() {
        answer.suggestions = suggestions(corpus, index, &query);
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

/// Answers a question made of the corpus's own words, one of them misspelt, and forgets the
/// answer: the first question a new snapshot gets would otherwise pay alone for what the
/// first run of each path costs (lazy tables, the allocator's first pages, cold code),
/// three times an answer's time on the bundled corpus.
pub fn warm_up(corpus: &Corpus, index: &Index) {
    let Some(passage) = corpus.passages.first() else {
        return;
    };
    let text = corpus.text_of(passage);
    let mut words: Vec<String> = text
        .split_whitespace()
        .filter(|w| w.chars().all(char::is_alphabetic))
        .take(6)
        .map(str::to_string)
        .collect();
    // A typo in the longest word, for the fuzzy path.
    if let Some(longest) = words.iter_mut().max_by_key(|w| w.len()) {
        if let Some((at, _)) = longest.char_indices().nth(2) {
            longest.remove(at);
        }
    }
    let question = format!("Who {}?", words.join(" "));
    let _ = answer(corpus, index, &question, &AskOptions::default());
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
    let query = Query::parse(index, cut_question(question.trim()));
    let (hits, decoded) = rank::candidates(corpus, index, &query);
    let evidence = evidence::gather(corpus, index, &query, (&hits, &decoded));
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
            paragraph: p.paragraph,
        };
        let own = c.source == doc.id && c.paragraph == candidate.paragraph;
        if !own && !also_in.contains(&c) {
            also_in.push(c);
        }
    }
    Quote {
        source: doc.id.clone(),
        title: doc.title.clone(),
        paragraph: candidate.paragraph,
        text: excerpt.text,
        score: (score * 1000.0).round() / 1000.0,
        also_in,
        highlights: excerpt.highlights,
    }
}

/// "Did you mean" words for the question's unknown words, then the closest source titles.
fn suggestions(corpus: &Corpus, index: &Index, query: &Query) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for concept in query.concepts.iter().filter(|c| !c.known) {
        let word = &concept.normalized;
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
    let known: Vec<u32> = query
        .concepts
        .iter()
        .filter(|c| c.known)
        .flat_map(|c| c.alternatives.iter().map(|&(t, _)| t))
        .collect();
    let mut titles: Vec<(usize, usize)> = index
        .title_terms
        .iter()
        .enumerate()
        .map(|(d, terms)| {
            (
                known
                    .iter()
                    .filter(|t| terms.binary_search(t).is_ok())
                    .count(),
                d,
            )
        })
        .filter(|&(n, _)| n > 0)
        .collect();
    titles.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, d) in titles {
        if out.len() >= MAX_SUGGESTIONS {
            break;
        }
        out.push(corpus.documents[d].title.clone());
    }
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

//! Fits every weight of the engine over the development sets: ranking's
//! ([`citebot_engine::search::weights::Ranking`]: match weights, BM25's k1 and b, coverage, title,
//! answer-kind and heading factors) and the last stage's ([`citebot_engine::search::evidence`]). It
//! prints the figures it reaches, and with `--write` writes them to `engine/weights.toml`.
//!
//! ```sh
//! cargo run --release -p tune                 # fit, print, keep the file as it is
//! cargo run --release -p tune -- --write      # fit and write engine/weights.toml
//! cargo run --release -p tune -- --check      # only print the figures of engine/weights.toml
//! ```
//!
//! Options: `--ranking-rounds N` (phase zero, default 3), `--rounds N` (phase one, default
//! 12), `--budget SHARE` (phase two, default 0.03), `--follow-ups BOOL` (phase three);
//! `--set NAME=QUESTIONS.jsonl:CORPUS_DIR` adds a set of your own, `--only a,b` fits on some
//! sets, `--leave-one-out` also fits once without each set and prints what the set left out
//! reaches (`--leave-out a,b`: only without those, scored against the file's weights, with no
//! fit on every set first; the keyword set only); `--crops` shows where answers stood when the
//! quote lost them; `--dump FILE`, `--sentences FILE` and `--paragraphs FILE` write the
//! abstention, sentence and paragraph features as CSV, for study outside (with
//! `--semantic-model`, the semantic set's, with the reader's cosines; `tools/tune/ceiling.py`
//! reads them).
//!
//! Sets (questions and the corpus they are asked of): every one `../shared/eval/` holds, found
//! rather than listed: `dev.jsonl` on the bundled `corpus/` (news), and every folder with a
//! `questions.jsonl` and a `corpus/` (today SQuAD dev, WikiQA's Bing queries, NewsQA), named by
//! its folder; plus the sets given with `--set`.
//!
//! Phases:
//! 0. ranking's weights, by coordinate ascent: each in turn moved by a step both ways and kept
//!    where the objective is best, every question read anew for each try;
//! 1. the last stage's ranking and quoting weights, by the same ascent over evidence read once
//!    (a try costs only the cheap last stage);
//! 2. abstention, as a logistic regression whose constant declines at most `--budget` of each
//!    set's answerable questions (it prints each set's trade-off);
//! 3. the weight of an earlier question's concepts in a follow-up, on a grid, over every set's
//!    questions each asked after the one before it (same document) and after one on another
//!    (`--follow-ups false` keeps the file's).
//!
//! Every phase weighs the sets equally (a macro average): phases 0 and 1 maximise the mean
//! over the sets of hit@1 + 0.3 × hit@3 + 0.2 × the paragraph hit; phase two weighs each set's
//! questions so that every set counts the same and lets no set decline more than the budget;
//! phase three averages the follow-up hit rates over the sets.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use citebot_engine::eval::{fold, read_cases, Case};
use citebot_engine::search::evidence::{self, Evidence, Weights};
use citebot_engine::search::query::AnswerType;
use citebot_engine::search::weights::{self, Ranking};
use citebot_engine::{LoadOptions, Snapshot};
use rayon::prelude::*;

#[cfg(feature = "semantic")]
mod semantic;

/// One question, its evidence and its gold.
struct Item {
    evidence: Evidence,
    has_type: bool,
    answerable: bool,
    /// Documents (by number) a quote must come from.
    docs: Vec<u32>,
    answers: Vec<String>,
}

struct Set {
    name: String,
    snapshot: Snapshot,
    cases: Vec<Case>,
    items: Vec<Item>,
}

#[derive(Default, Debug, Clone, Copy)]
struct Figures {
    hit1: f64,
    hit3: f64,
    passage1: f64,
    declined: f64,
    declined_none: f64,
}

fn load(name: &str, questions: &Path, corpus: &Path) -> Result<Set, String> {
    let cases: Vec<Case> = read_cases(questions).map_err(|e| e.to_string())?;
    let snapshot = Snapshot::load(corpus, &LoadOptions::default());
    if snapshot.is_empty() {
        return Err(format!("{} holds no document", corpus.display()));
    }
    let mut set = Set {
        name: name.to_string(),
        snapshot,
        cases,
        items: Vec::new(),
    };
    read_all(&mut set);
    Ok(set)
}

/// The ids of a snapshot's documents, in its order.
fn document_ids(snapshot: &Snapshot) -> Vec<String> {
    snapshot.documents().iter().map(|d| d.id.clone()).collect()
}

/// Reads every question of a set with its snapshot's ranking.
fn read_all(set: &mut Set) {
    let ids = document_ids(&set.snapshot);
    let snapshot = &set.snapshot;
    set.items = set
        .cases
        .par_iter()
        .map(|case| {
            let (query, evidence) = snapshot.read(&case.question);
            item(case, &ids, &query, evidence)
        })
        .collect();
}

/// A question read: its evidence and its gold (`ids`: the snapshot's document ids).
fn item(
    case: &Case,
    ids: &[String],
    query: &citebot_engine::search::query::Query,
    evidence: Evidence,
) -> Item {
    Item {
        evidence,
        has_type: query.answer_type.is_some(),
        answerable: case.answerable,
        docs: case
            .sources
            .iter()
            .filter_map(|s| ids.iter().position(|id| id == s).map(|d| d as u32))
            .collect(),
        answers: case.answers.iter().map(|a| fold(a)).collect(),
    }
}

/// Every set read with `ranking`.
fn rank_with(sets: &mut [Set], ranking: Ranking) {
    for set in sets.iter_mut() {
        set.snapshot.set_ranking(ranking);
        read_all(set);
    }
}

/// Phase zero: ranking's weights ([`Ranking`]), with the last stage's as they are and every
/// question answered. Coordinate ascent again, each try reading every question anew.
fn fit_ranking(sets: &mut [Set], w: &Weights, rounds: usize) -> Ranking {
    let mut w = w.clone();
    w.answers = always_answer();
    let mut v = weights::ranking().to_vec();
    // The context weight (last) only matters to follow-ups: phase three fits it.
    let tunable = v.len() - 1;
    ascend(
        &mut v,
        tunable,
        (&[-1.0, -0.5, 0.5, 1.0], 0.2),
        (rounds, "ranking round"),
        // A try the ranges bring back to where it stands is no try.
        |tried, standing| Ranking::from_vec(tried) == Ranking::from_vec(standing),
        |v| {
            rank_with(sets, Ranking::from_vec(v));
            objective(sets, &w)
        },
    );
    let ranking = Ranking::from_vec(&v);
    rank_with(sets, ranking);
    ranking
}

fn figures(set: &Set, w: &Weights) -> Figures {
    let mut f = Figures::default();
    let (mut n, mut none) = (0usize, 0usize);
    for item in &set.items {
        let d = evidence::decide(&item.evidence, item.has_type, w);
        if !item.answerable {
            none += 1;
            f.declined_none += f64::from(u8::from(d.quoted.is_empty()));
            continue;
        }
        n += 1;
        if d.quoted.is_empty() {
            f.declined += 1.0;
            continue;
        }
        let holds =
            |q: &(usize, f32, evidence::Window), whole: bool| holds(item, &item.evidence, q, whole);
        let first = holds(&d.quoted[0], false);
        f.hit1 += f64::from(u8::from(first));
        f.hit3 += f64::from(u8::from(
            first || d.quoted.iter().take(3).skip(1).any(|q| holds(q, false)),
        ));
        f.passage1 += f64::from(u8::from(holds(&d.quoted[0], true)));
    }
    let n = n.max(1) as f64;
    Figures {
        hit1: f.hit1 / n,
        hit3: f.hit3 / n,
        passage1: f.passage1 / n,
        declined: f.declined / n,
        declined_none: if none == 0 {
            1.0
        } else {
            f.declined_none / none as f64
        },
    }
}

/// Whether quote `q` of a decision on `evidence` (read for `item`'s question) holds one of its
/// answers (`whole`: whether its whole paragraph does).
fn holds(
    item: &Item,
    evidence: &Evidence,
    &(i, _, window): &(usize, f32, evidence::Window),
    whole: bool,
) -> bool {
    let c = &evidence.candidates[i];
    if !item.docs.contains(&c.doc) {
        return false;
    }
    let text = if whole {
        fold(&c.text)
    } else {
        fold(&evidence::quote_text(c, window).text)
    };
    item.answers.iter().any(|a| text.contains(a.as_str()))
}

/// The macro average over the sets (each set counts the same, whatever its size) of hit@1
/// plus 0.3 × hit@3 and 0.2 × the paragraph hit.
fn objective(sets: &[Set], w: &Weights) -> f64 {
    let sum: f64 = sets
        .par_iter()
        .map(|set| {
            let f = figures(set, w);
            f.hit1 + 0.3 * f.hit3 + 0.2 * f.passage1
        })
        .sum();
    sum / sets.len().max(1) as f64
}

fn print(sets: &[Set], w: &Weights) {
    for set in sets {
        let f = figures(set, w);
        println!(
            "{:<14} hit@1={:.3} hit@3={:.3} passage_hit@1={:.3} declined_answerable={:.3} declined_unanswerable={:.3}",
            set.name, f.hit1, f.hit3, f.passage1, f.declined, f.declined_none
        );
    }
}

/// The weights as one vector, and back.
fn flat(w: &Weights) -> Vec<f32> {
    let mut v = Vec::new();
    v.extend_from_slice(&w.paragraph);
    v.extend_from_slice(&w.sentence);
    v.extend_from_slice(&w.neighbour);
    v.push(w.second);
    v.extend_from_slice(&w.answers);
    v
}

fn unflat(v: &[f32]) -> Weights {
    let mut w = weights::last_stage().clone();
    let (a, rest) = v.split_at(w.paragraph.len());
    w.paragraph.copy_from_slice(a);
    let (b, rest) = rest.split_at(w.sentence.len());
    w.sentence.copy_from_slice(b);
    let (c, rest) = rest.split_at(w.neighbour.len());
    w.neighbour.copy_from_slice(c);
    let (e, d) = rest.split_at(1);
    w.second = e[0];
    w.answers.copy_from_slice(d);
    w
}

fn names() -> Vec<String> {
    let mut out = Vec::new();
    out.extend(
        evidence::PARAGRAPH_FEATURES
            .iter()
            .map(|n| format!("paragraph: {n}")),
    );
    out.extend(
        evidence::SENTENCE_FEATURES
            .iter()
            .map(|n| format!("sentence: {n}")),
    );
    out.extend(
        evidence::NEIGHBOUR_FEATURES
            .iter()
            .map(|n| format!("neighbour: {n}")),
    );
    out.push("second quote of the best paragraph: margin over the third".to_string());
    out.extend(
        evidence::ANSWER_FEATURES
            .iter()
            .map(|n| format!("answers: {n}")),
    );
    out
}

/// How far below the lowest margin of a set the constant cuts when none of its answerable
/// questions may be declined: well above rounding (weights are written to four decimals, the
/// engine sums in `f32`), well under the spread of margins (several units).
const CUT_CLEARANCE: f64 = 0.01;

/// Phase one: the ranking and quoting weights, every question answered.
fn fit(sets: &[Set], start: &Weights, rounds: usize) -> Weights {
    let mut start = start.clone();
    start.answers = always_answer();
    let mut v = flat(&start);
    let tunable = v.len() - start.answers.len();
    ascend(
        &mut v,
        tunable,
        (&[-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], 0.5),
        (rounds, "round"),
        |_, _| false,
        |v| objective(sets, &unflat(v)),
    );
    unflat(&v)
}

/// Coordinate ascent over `v[..tunable]`: each value in turn moved by the step times each
/// delta and kept where `score` is highest; the step halves after a round that moves nothing.
/// `same(tried, standing)` says a try is no try (it scores as the values standing do).
/// Returns the score `v` ends at.
fn ascend(
    v: &mut [f32],
    tunable: usize,
    (deltas, mut step): (&[f32], f32),
    (rounds, label): (usize, &str),
    same: impl Fn(&[f32], &[f32]) -> bool,
    mut score: impl FnMut(&[f32]) -> f64,
) -> f64 {
    let mut best = score(v);
    for round in 0..rounds {
        let mut moved = false;
        for i in 0..tunable {
            let original = v[i];
            let mut kept = original;
            for &delta in deltas {
                v[i] = original + delta * step;
                let mut standing = v.to_vec();
                standing[i] = kept;
                if same(v, &standing) {
                    continue;
                }
                let s = score(v);
                if s > best + 1e-9 {
                    best = s;
                    kept = v[i];
                    moved = true;
                }
            }
            v[i] = kept;
        }
        println!("{label} {round}: step {step:.4} objective {best:.5}");
        if !moved {
            step /= 2.0;
        }
    }
    best
}

/// Answer weights that answer every question (a positive constant).
fn always_answer() -> [f32; evidence::ANSWER_FEATURES.len()] {
    let mut a = [0.0; evidence::ANSWER_FEATURES.len()];
    a[a.len() - 1] = 1.0;
    a
}

/// Phase two: whether the best candidate answers, as a logistic regression on its features
/// (both classes weighed equally), then the constant set so that at most `budget` of each
/// set's answerable questions are declined (for SQuAD, the operating point on the trade-off it
/// prints; for the 21 answerable news questions, none).
///
/// A news question counts [`NEWS_ROW_WEIGHT`] times: the news corpus is the only one of one
/// theme, where a question's candidates spread over documents that all tell the same story,
/// and so the only example of that shape the fit sees.
fn fit_answers(sets: &[Set], w: &Weights, budget: f64) -> [f32; evidence::ANSWER_FEATURES.len()] {
    fit_answers_with(sets, w, budget, false).0
}

/// [`fit_answers`], and with `meaning` the semantic reader's three cosines of the answer test
/// fitted in the same regression (`Weights::meaning` 1, 2 and 5).
fn fit_answers_with(
    sets: &[Set],
    w: &Weights,
    budget: f64,
    meaning: bool,
) -> ([f32; evidence::ANSWER_FEATURES.len()], [f32; 3]) {
    let answers = evidence::ANSWER_FEATURES.len();
    let skip = evidence::PARAGRAPH_FEATURES.len();
    // Columns: the answer features but the constant, the cosines with `meaning`, the constant.
    let n_features = answers + if meaning { 3 } else { 0 };
    // (features, answerable, set number)
    let mut rows: Vec<(Vec<f64>, f64, usize)> = Vec::new();
    for (s, set) in sets.iter().enumerate() {
        for item in &set.items {
            if let Some(f) = evidence::best_answer_features(&item.evidence, item.has_type, w) {
                let mut x: Vec<f64> = f[skip..skip + answers - 1]
                    .iter()
                    .map(|&v| f64::from(v))
                    .collect();
                if meaning {
                    x.extend(f[skip + answers..].iter().map(|&v| f64::from(v)));
                }
                x.push(1.0);
                rows.push((x, f64::from(u8::from(item.answerable)), s));
            }
        }
    }
    // Each set weighs the same in the fit, however many questions it has.
    let mut per_set = vec![0usize; sets.len()];
    for r in &rows {
        per_set[r.2] += 1;
    }
    let row_weight = |s: usize| rows.len() as f64 / (sets.len() as f64 * per_set[s].max(1) as f64);
    // Standardized features (the constant last stays 1).
    let n: f64 = rows.iter().map(|r| row_weight(r.2)).sum();
    let mut mean = vec![0.0; n_features];
    let mut sd = vec![1.0; n_features];
    for j in 0..n_features - 1 {
        mean[j] = rows.iter().map(|r| r.0[j]).sum::<f64>() / rows.len() as f64;
        let var = rows.iter().map(|r| (r.0[j] - mean[j]).powi(2)).sum::<f64>() / rows.len() as f64;
        sd[j] = var.sqrt().max(1e-6);
    }
    let z = |x: &[f64]| -> Vec<f64> {
        (0..n_features)
            .map(|j| {
                if j == n_features - 1 {
                    1.0
                } else {
                    (x[j] - mean[j]) / sd[j]
                }
            })
            .collect()
    };
    let zs: Vec<Vec<f64>> = rows.iter().map(|r| z(&r.0)).collect();
    let positives: f64 = rows
        .iter()
        .filter(|r| r.1 > 0.5)
        .map(|r| row_weight(r.2))
        .sum();
    let class_weight = |y: f64| {
        if y > 0.5 {
            n / (2.0 * positives)
        } else {
            n / (2.0 * (n - positives))
        }
    };
    let mut beta = vec![0.0f64; n_features];
    for _ in 0..3000 {
        let mut grad = vec![0.0; n_features];
        for (x, r) in zs.iter().zip(&rows) {
            let p = 1.0 / (1.0 + (-x.iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>()).exp());
            let g = (p - r.1) * class_weight(r.1) * row_weight(r.2);
            for j in 0..n_features {
                grad[j] += g * x[j];
            }
        }
        for j in 0..n_features {
            // A little L2 keeps correlated features apart.
            beta[j] -= 0.5 * (grad[j] / n + 1e-3 * beta[j]);
        }
    }
    // Back to raw features; the constant is set below from the budget, not from the fit.
    // Rounded as `engine/weights.toml` writes them, so that the margins below are the
    // engine's.
    let written = |x: f64| (x * 1e4).round() / 1e4;
    let mut a = vec![0.0f64; n_features];
    for j in 0..n_features - 1 {
        a[j] = written(beta[j] / sd[j]);
    }
    let margin = |r: &(Vec<f64>, f64, usize)| r.0.iter().zip(&a).map(|(x, w)| x * w).sum::<f64>();
    for (s, set) in sets.iter().enumerate() {
        let mut margins: Vec<f64> = rows
            .iter()
            .filter(|r| r.2 == s && r.1 > 0.5)
            .map(margin)
            .collect();
        margins.sort_by(f64::total_cmp);
        let off_corpus: Vec<f64> = rows
            .iter()
            .filter(|r| r.2 == s && r.1 < 0.5)
            .map(margin)
            .collect();
        if margins.is_empty() || off_corpus.is_empty() {
            continue;
        }
        println!(
            "trade-off on {} (answerable declined → off-corpus declined):",
            set.name
        );
        for share in [0.005, 0.01, 0.02, 0.03, 0.05, 0.08] {
            let t = margins[((share * margins.len() as f64) as usize).min(margins.len() - 1)];
            let declined = off_corpus.iter().filter(|&&m| m < t).count() as f64;
            println!("  {share:.3} → {:.3}", declined / off_corpus.len() as f64);
        }
    }
    // Each set may see at most `budget` of its answerable questions declined: the constant
    // is the lowest of the sets' cut points, halfway between the last margin declined and the
    // first answered, or a little under the first when none may be.
    let threshold = (0..sets.len())
        .map(|s| {
            let mut m: Vec<f64> = rows
                .iter()
                .filter(|r| r.2 == s && r.1 > 0.5)
                .map(margin)
                .collect();
            m.sort_by(f64::total_cmp);
            let k = (budget * m.len() as f64) as usize;
            match (k.checked_sub(1).and_then(|j| m.get(j)), m.get(k)) {
                (Some(below), Some(above)) => (below + above) / 2.0,
                (None, Some(first)) => first - CUT_CLEARANCE,
                _ => f64::INFINITY,
            }
        })
        .fold(f64::INFINITY, f64::min);
    let threshold = if threshold.is_finite() {
        threshold
    } else {
        0.0
    };
    a[n_features - 1] = -written(threshold);
    let mut out = [0.0f32; evidence::ANSWER_FEATURES.len()];
    for (o, v) in out.iter_mut().zip(&a[..answers - 1]) {
        *o = *v as f32;
    }
    out[answers - 1] = a[n_features - 1] as f32;
    let mut cosines = [0.0f32; 3];
    if meaning {
        for (o, v) in cosines.iter_mut().zip(&a[answers - 1..n_features - 1]) {
            *o = *v as f32;
        }
    }
    (out, cosines)
}

fn source(w: &Weights, r: &Ranking, sets: &[Set]) -> String {
    let list = |v: &[f32]| {
        v.iter()
            .map(|x| format!("{x:.4}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fitted_on: Vec<String> = sets
        .iter()
        .map(|s| format!("{} ({} questions)", s.name, s.items.len()))
        .collect();
    format!(
        "# citebot's fitted weights: ranking's (stages one and two) and the last stage's (evidence and\n\
         # abstention). Written by `cargo run --release -p tune -- --write`, fitted on\n\
         # {}; read by the engine at compile time\n\
         # (engine/src/search/weights.rs). docs/quality.md gives the figures they reach.\n\
         \n\
         [ranking]\n{}\n\
         [last_stage]\nparagraph = [{}]\nsentence = [{}]\nneighbour = [{}]\nsecond = {:.4}\nanswers = [{}]\n",
        fitted_on.join(" and "),
        ranking_source(r),
        list(&w.paragraph),
        list(&w.sentence),
        list(&w.neighbour),
        w.second,
        list(&w.answers),
    )
}

/// The fields of a [`Ranking`] as TOML.
fn ranking_source(r: &Ranking) -> String {
    let v = r.to_vec();
    let mut out = String::new();
    let mut at = 0;
    for (field, len) in [
        ("joined", 1),
        ("stem_only", 1),
        ("typo", 2),
        ("typo_likeness", 1),
        ("focus", 1),
        ("name", 1),
        ("title_share", 1),
        ("title_bonus", 1),
        ("context_share", 1),
        ("context_bonus", 1),
        ("heading", 1),
        ("answer_near", 1),
        ("answer_adjacent", 1),
        ("no_answer", 1),
        ("proximity", 1),
        ("exact", 1),
        ("coverage_floor", 1),
        ("k1", 1),
        ("b", 1),
        ("context_weight", 1),
    ] {
        let values: Vec<String> = v[at..at + len].iter().map(|x| format!("{x:.4}")).collect();
        if len == 1 {
            out.push_str(&format!("{field} = {}\n", values[0]));
        } else {
            out.push_str(&format!("{field} = [{}]\n", values.join(", ")));
        }
        at += len;
    }
    assert_eq!(at, weights::FIELDS.len());
    out
}

/// Fits the engine's weights over the development sets (see the module documentation).
#[derive(clap::Parser)]
#[command(
    name = "tune",
    about = "Fits every weight of citebot's engine over the development sets (../shared/eval) \
             and prints the figures it reaches"
)]
struct Args {
    /// Write the fitted weights to engine/weights.toml
    #[arg(long)]
    write: bool,
    /// Only print the figures of the weights in engine/weights.toml
    #[arg(long)]
    check: bool,
    /// Rounds of phase zero (ranking's weights; 0 keeps the file's)
    #[arg(long, default_value_t = 3)]
    ranking_rounds: usize,
    /// Rounds of phase one (the last stage's weights; 0 keeps the file's)
    #[arg(long, default_value_t = 12)]
    rounds: usize,
    /// Phase two: the largest share of each set's answerable questions declined
    #[arg(long, default_value_t = 0.03)]
    budget: f64,
    /// Where the evaluation sets are (their eval/ folder is read)
    #[arg(long, env = "CITEBOT_SHARED", default_value = "../shared")]
    shared: PathBuf,
    /// Phase three: fit the weight of an earlier question in a follow-up
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    follow_ups: bool,
    /// Show where answers stood when the quote lost them, and stop
    #[arg(long)]
    crops: bool,
    /// Write the abstention features as CSV to this file, and stop (with --semantic-model:
    /// the semantic set's, with the cosines; so too --sentences and --paragraphs)
    #[arg(long, value_name = "FILE")]
    dump: Option<PathBuf>,
    /// Write the sentence features as CSV to this file, and stop
    #[arg(long, value_name = "FILE")]
    sentences: Option<PathBuf>,
    /// Write the paragraph features as CSV to this file, and stop
    #[arg(long, value_name = "FILE")]
    paragraphs: Option<PathBuf>,
    /// Another set to fit on, beside ../shared/eval's: NAME=QUESTIONS.jsonl:CORPUS_DIR
    /// (repeatable)
    #[arg(long = "set", value_name = "NAME=QUESTIONS:CORPUS")]
    extra_sets: Vec<String>,
    /// Fit on these sets only (comma-separated names; default: every set found)
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    only: Vec<String>,
    /// Also fit once without each set and print the figures of the set left out beside those
    /// of the fit that includes it (a weight that only helps one shape shows here); with
    /// --semantic-model, the semantic set too (fitted from the keyword set as it is)
    #[arg(long)]
    leave_one_out: bool,
    /// Fit once without each of these sets (comma-separated names) and print what each reaches
    /// beside the file's weights, with no fit on every set (a quick look at one set's shape; the
    /// keyword set only)
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    leave_out: Vec<String>,
    #[cfg(feature = "semantic")]
    #[command(flatten)]
    semantic: semantic::SemanticArgs,
}

/// The sets to fit on: the news sample (`eval/dev.jsonl` on the bundled `corpus/`), every
/// folder of `eval/` holding `questions.jsonl` and `corpus/` (named by the folder), and the
/// sets given with `--set`.
fn discover(eval: &Path, extra: &[String]) -> Result<Vec<(String, PathBuf, PathBuf)>, String> {
    let mut found = Vec::new();
    if eval.join("dev.jsonl").is_file() {
        found.push((
            "news".to_string(),
            eval.join("dev.jsonl"),
            PathBuf::from("corpus"),
        ));
    }
    let mut folders: Vec<PathBuf> = std::fs::read_dir(eval)
        .map_err(|e| format!("cannot read {}: {e}", eval.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("questions.jsonl").is_file() && p.join("corpus").is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let name = folder
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        found.push((name, folder.join("questions.jsonl"), folder.join("corpus")));
    }
    for spec in extra {
        let (name, rest) = spec
            .split_once('=')
            .ok_or_else(|| format!("--set {spec}: expected NAME=QUESTIONS.jsonl:CORPUS_DIR"))?;
        let (questions, corpus) = rest
            .rsplit_once(':')
            .ok_or_else(|| format!("--set {spec}: expected NAME=QUESTIONS.jsonl:CORPUS_DIR"))?;
        found.push((name.to_string(), questions.into(), corpus.into()));
    }
    Ok(found)
}

/// Phases zero to three on `sets`, from the file's weights.
fn fit_all(sets: &mut [Set], args: &Args) -> (Ranking, Weights) {
    rank_with(sets, weights::ranking());
    let ranking = if args.ranking_rounds == 0 {
        weights::ranking()
    } else {
        fit_ranking(sets, weights::last_stage(), args.ranking_rounds)
    };
    let mut w = if args.rounds == 0 {
        weights::last_stage().clone()
    } else {
        fit(sets, weights::last_stage(), args.rounds)
    };
    w.answers = fit_answers(sets, &w, args.budget);
    let ranking = if args.follow_ups {
        fit_context(sets, &w, ranking)
    } else {
        ranking
    };
    (ranking, w)
}

/// For each set: the weights fitted on the others, and the left-out set's figures with them
/// beside its figures with the fit on every set.
fn leave_one_out(sets: &mut Vec<Set>, args: &Args, all: (&Ranking, &Weights)) {
    let mut rows = Vec::new();
    for i in 0..sets.len() {
        if !args.leave_out.is_empty() && !args.leave_out.contains(&sets[i].name) {
            continue;
        }
        let mut left = sets.remove(i);
        println!("--- fit without {}", left.name);
        let (ranking, w) = fit_all(sets, args);
        print_weights(&w);
        left.snapshot.set_ranking(ranking);
        read_all(&mut left);
        let without = figures(&left, &w);
        left.snapshot.set_ranking(*all.0);
        read_all(&mut left);
        let with = figures(&left, all.1);
        rows.push((left.name.clone(), with, without));
        sets.insert(i, left);
    }
    rank_with(sets, *all.0);
    println!("leave one set out (hit@1 / hit@3, fitted with the set → without it):");
    for (name, with, without) in rows {
        println!(
            "  {name:<14} {:.3} / {:.3} → {:.3} / {:.3} ({:+.3} hit@1)",
            with.hit1,
            with.hit3,
            without.hit1,
            without.hit3,
            without.hit1 - with.hit1
        );
    }
}

fn main() -> ExitCode {
    let args = <Args as clap::Parser>::parse();
    let eval = args.shared.join("eval");
    let found = match discover(&eval, &args.extra_sets) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("tune: {e}");
            return ExitCode::from(2);
        }
    };
    let sets: Vec<Result<Set, String>> = found
        .iter()
        .filter(|(name, _, _)| args.only.is_empty() || args.only.contains(name))
        .map(|(name, questions, corpus)| load(name, questions, corpus))
        .collect();
    let mut sets: Vec<Set> = match sets.into_iter().collect::<Result<_, _>>() {
        Ok(sets) => sets,
        Err(e) => {
            eprintln!("tune: {e} (the sets are read from {})", eval.display());
            return ExitCode::from(2);
        }
    };
    if sets.is_empty() {
        eprintln!("tune: no set to fit on in {}", eval.display());
        return ExitCode::from(2);
    }
    println!(
        "sets: {}",
        sets.iter()
            .map(|s| format!("{} ({} questions)", s.name, s.cases.len()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if args.dump.is_some() || args.sentences.is_some() || args.paragraphs.is_some() {
        return dump(&mut sets, &args);
    }
    if args.crops {
        for set in &sets {
            crops(set, weights::last_stage());
        }
        return ExitCode::SUCCESS;
    }
    println!("weights.toml now:");
    print(&sets, weights::last_stage());
    #[cfg(feature = "semantic")]
    if args.semantic.semantic_only {
        if !args.leave_out.is_empty() {
            eprintln!("tune: --leave-out fits the keyword set only; with --semantic-only use --leave-one-out");
            return ExitCode::from(2);
        }
        return semantic_phase(&mut sets, &args, weights::last_stage());
    }
    if !args.leave_out.is_empty() {
        let unknown: Vec<_> = args
            .leave_out
            .iter()
            .filter(|n| !sets.iter().any(|s| &s.name == *n))
            .collect();
        if !unknown.is_empty() {
            eprintln!("tune: --leave-out: no set named {unknown:?}");
            return ExitCode::from(2);
        }
        leave_one_out(
            &mut sets,
            &args,
            (&weights::ranking(), weights::last_stage()),
        );
        return ExitCode::SUCCESS;
    }
    if args.check {
        return semantic_phase(&mut sets, &args, weights::last_stage());
    }
    let (ranking, w) = fit_all(&mut sets, &args);
    println!("fitted:");
    print(&sets, &w);
    for (name, value) in weights::FIELDS.iter().zip(ranking.to_vec()) {
        println!("  ranking: {name:<39} {value:>8.4}");
    }
    print_weights(&w);
    if args.leave_one_out {
        leave_one_out(&mut sets, &args, (&ranking, &w));
    }
    if args.write {
        let path = Path::new("engine/weights.toml");
        if let Err(e) = std::fs::write(path, source(&w, &ranking, &sets)) {
            eprintln!("tune: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", path.display());
    }
    semantic_phase(&mut sets, &args, &w)
}

/// Every last-stage weight of `w`, a line each, by name.
fn print_weights(w: &Weights) {
    for (name, value) in names().iter().zip(flat(w)) {
        println!("  {name:<48} {value:>8.4}");
    }
}

/// The semantic weight set, fitted from the keyword set `w` (see `semantic`), when tune is
/// built with the feature and given `--semantic-model`.
fn semantic_phase(sets: &mut Vec<Set>, args: &Args, w: &Weights) -> ExitCode {
    #[cfg(feature = "semantic")]
    if let Err(e) = semantic::run(
        sets,
        &args.semantic,
        w,
        (args.check, args.write, args.budget, args.leave_one_out),
    ) {
        eprintln!("tune: {e}");
        return ExitCode::from(2);
    }
    #[cfg(not(feature = "semantic"))]
    let _ = (sets, args, w);
    ExitCode::SUCCESS
}

/// Phase three: how much an earlier question's concepts count in a follow-up
/// ([`Ranking::context_weight`]), on every set's questions asked as follow-ups.
///
/// Crowd workers wrote a text's questions one after another, and many lean on the one before
/// ("What did he claim the weapon would end?"): each answerable question is asked after the
/// question before it on the same document (the topic held), and after a question on another
/// document (the topic changed, where the earlier question can only mislead). The weight is
/// the one, on a grid of twentieths, with the best hit@1 over both, averaged over the sets that
/// have such pairs; the nearest the file's on a tie.
fn fit_context(sets: &mut [Set], w: &Weights, ranking: Ranking) -> Ranking {
    let pairs: Vec<Vec<(usize, usize, Option<usize>)>> = sets
        .iter()
        .map(|set| {
            let n = set.cases.len();
            let other_topic = |i: usize| {
                (1..n)
                    .map(|k| (i + n / 2 + k) % n)
                    .find(|&j| set.cases[j].sources != set.cases[i].sources)
            };
            (1..n)
                .filter(|&i| {
                    set.cases[i].answerable && set.cases[i - 1].sources == set.cases[i].sources
                })
                .map(|i| (i, i - 1, other_topic(i)))
                .collect()
        })
        .collect();
    let hit = |set: &Set, i: usize, context: Option<usize>| {
        let item = &set.items[i];
        let (query, evidence) = set.snapshot.read_in_context(
            &set.cases[i].question,
            context.map(|j| set.cases[j].question.as_str()),
        );
        let d = evidence::decide(&evidence, query.answer_type.is_some(), w);
        d.quoted
            .first()
            .is_some_and(|q| holds(item, &evidence, q, false))
    };
    let with_pairs = pairs.iter().filter(|p| !p.is_empty()).count().max(1) as f64;
    for (set, pairs) in sets.iter().zip(&pairs) {
        let alone = pairs.iter().filter(|&&(i, _, _)| hit(set, i, None)).count();
        println!(
            "follow-ups: {} {} questions after the one before them; hit@1 asked alone {:.3}",
            pairs.len(),
            set.name,
            alone as f64 / pairs.len().max(1) as f64
        );
    }
    let mut best = (f64::NEG_INFINITY, ranking);
    for step in 0..=20 {
        let tried = Ranking {
            context_weight: step as f32 / 20.0,
            ..ranking
        };
        let mut score = 0.0;
        for (set, pairs) in sets.iter_mut().zip(&pairs) {
            if pairs.is_empty() {
                continue;
            }
            set.snapshot.set_ranking(tried);
            let set = &*set;
            let (same, other): (usize, usize) = pairs
                .par_iter()
                .map(|&(i, before, elsewhere)| {
                    (
                        usize::from(hit(set, i, Some(before))),
                        usize::from(elsewhere.is_some_and(|j| hit(set, i, Some(j)))),
                    )
                })
                .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            score += (same + other) as f64 / pairs.len() as f64 / with_pairs;
        }
        println!(
            "  context weight {:.2}: topic held + changed, averaged over the sets {:.3}",
            tried.context_weight, score
        );
        let nearer = (tried.context_weight - ranking.context_weight).abs()
            < (best.1.context_weight - ranking.context_weight).abs();
        if score > best.0 + 1e-9 || ((score - best.0).abs() <= 1e-9 && nearer) {
            best = (score, tried);
        }
    }
    for set in sets.iter_mut() {
        set.snapshot.set_ranking(best.1);
    }
    best.1
}

/// Writes a CSV file, or stops with a message naming it.
fn write_or_exit(path: &Path, out: &str) {
    if let Err(e) = std::fs::write(path, out) {
        eprintln!("tune: cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}

/// Where the answer stands when the paragraph holds it and the quote does not: the sentence
/// that holds it, counted from the quote's (a histogram), a few examples, and for answers just
/// beside the quote, whether the room left was filled from their side.
fn crops(set: &Set, w: &Weights) {
    use std::collections::BTreeMap;
    let mut offsets: BTreeMap<i64, usize> = BTreeMap::new();
    // Answers in the sentence just before or after the quote: how many, and for how many the
    // room left was filled from that side.
    let mut beside = [(0usize, 0usize); 2];
    let mut shown = 0;
    for item in set.items.iter().filter(|i| i.answerable) {
        let d = evidence::decide(&item.evidence, item.has_type, w);
        let Some(&(i, _, window)) = d.quoted.first() else {
            continue;
        };
        let c = &item.evidence.candidates[i];
        if !item.docs.contains(&c.doc) {
            continue;
        }
        let quote = evidence::quote_text(c, window).text;
        let folded = fold(&quote);
        if item.answers.iter().any(|a| folded.contains(a.as_str())) {
            continue;
        }
        let sentence = c.sentences.iter().position(|s| {
            let t = fold(&c.text[s.start..s.end]);
            item.answers.iter().any(|a| t.contains(a.as_str()))
        });
        let Some(at) = sentence else {
            if item
                .answers
                .iter()
                .any(|a| fold(&c.text).contains(a.as_str()))
            {
                *offsets.entry(999).or_default() += 1;
            }
            continue;
        };
        let off = if at < window.first {
            at as i64 - window.first as i64
        } else if at > window.last {
            (at - window.last) as i64
        } else {
            0
        };
        *offsets.entry(off).or_default() += 1;
        if off.abs() == 1 {
            let side = &mut beside[usize::from(off > 0)];
            side.0 += 1;
            side.1 += usize::from(window.fill_after == Some(off > 0));
        }
        if shown < 25 && off.abs() <= 1 {
            shown += 1;
            println!(
                "--- offset {off}: answers {:?}\n quote: {}\n answer sentence: {}",
                item.answers,
                quote,
                &c.text[c.sentences[at].start..c.sentences[at].end]
            );
        }
    }
    println!(
        "offsets (0: inside the quoted sentences but cut; 999: across sentences): {offsets:?}"
    );
    for ((n, toward), side) in beside.iter().zip(["before", "after"]) {
        println!(
            "the answer in the sentence just {side} the quote: {n}; the room left filled from that side: {toward}"
        );
    }
}

/// The answerable questions of every set, with their set and their number in it.
fn answerable(sets: &[Set]) -> impl Iterator<Item = (&Set, usize, &Item)> {
    sets.iter().flat_map(|set| {
        set.items
            .iter()
            .enumerate()
            .filter(|(_, item)| item.answerable)
            .map(move |(q, item)| (set, q, item))
    })
}

/// `--dump`, `--sentences` and `--paragraphs`: the features of the weights in the file, with
/// `--semantic-model` those of the semantic set with the reader's cosines.
fn dump(sets: &mut [Set], args: &Args) -> ExitCode {
    #[cfg(feature = "semantic")]
    let semantic = match semantic::read_with_file_set(sets, &args.semantic) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("tune: {e}");
            return ExitCode::from(2);
        }
    };
    #[cfg(not(feature = "semantic"))]
    let semantic: Option<Weights> = None;
    let w = semantic.as_ref().unwrap_or(weights::last_stage());
    if let Some(path) = &args.dump {
        dump_answers(sets, w, path);
    }
    if let Some(path) = &args.sentences {
        dump_sentences(sets, w, path);
    }
    if let Some(path) = &args.paragraphs {
        dump_paragraphs(sets, w, path);
    }
    ExitCode::SUCCESS
}

/// One row per question with a candidate: set, question id, answerable, then the best
/// candidate's features ([`evidence::best_answer_features`]: paragraph, answer test, the
/// reader's three cosines of the answer test).
fn dump_answers(sets: &[Set], w: &Weights, path: &Path) {
    let mut out = String::new();
    for set in sets {
        for (case, item) in set.cases.iter().zip(&set.items) {
            let Some(f) = evidence::best_answer_features(&item.evidence, item.has_type, w) else {
                continue;
            };
            let f: Vec<String> = f.iter().map(|x| x.to_string()).collect();
            out.push_str(&format!(
                "{},{},{},{}\n",
                set.name,
                case.id,
                u8::from(item.answerable),
                f.join(",")
            ));
        }
    }
    write_or_exit(path, &out);
}

/// One row per sentence of every candidate paragraph (of a document that answers) that holds
/// an answer: set, question, candidate, sentence, the paragraph's sentences, holds an answer,
/// in the best candidate's quote (and that quote's first and last sentence), the answer kind
/// asked, characters, matched weight, question pairs, likely answers, words, matched words,
/// concepts matched, the question's concepts, the matched weight of the sentences before and
/// after, the paragraph's largest, holds the rarest word, the weight not in the sentence
/// before, and the reader's cosine (0 without it).
fn dump_sentences(sets: &[Set], w: &Weights, path: &Path) {
    let mut out = String::new();
    for (set, q, item) in answerable(sets) {
        let d = evidence::decide(&item.evidence, item.has_type, w);
        let chosen = d.quoted.first().map(|q| (q.0, q.2));
        let rarest = item.evidence.rarest.map_or(0, |r| 1u32 << r);
        for (ci, c) in item.evidence.candidates.iter().enumerate() {
            if !item.docs.contains(&c.doc) {
                continue;
            }
            let labels: Vec<bool> = c
                .sentences
                .iter()
                .map(|s| {
                    let t = fold(&c.text[s.start..s.end]);
                    item.answers.iter().any(|a| t.contains(a.as_str()))
                })
                .collect();
            if !labels.iter().any(|&l| l) {
                continue;
            }
            let wmax = c
                .sentences
                .iter()
                .map(|s| c.weight(s.mask))
                .fold(0.0, f32::max);
            let n = c.sentences.len();
            for (i, s) in c.sentences.iter().enumerate() {
                let wt = |j: Option<usize>| {
                    j.filter(|&j| j < n)
                        .map_or(0.0, |j| c.weight(c.sentences[j].mask))
                };
                let prev = wt(i.checked_sub(1));
                let next = wt(Some(i + 1));
                let (win, first, last) = match chosen {
                    Some((k, win)) if k == ci => (1, win.first, win.last),
                    _ => (0, 0, 0),
                };
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                    set.name,
                    q,
                    ci,
                    i,
                    n,
                    u8::from(labels[i]),
                    win,
                    first,
                    last,
                    match item.evidence.answer_type {
                        None => 0,
                        Some(AnswerType::Name) => 1,
                        Some(AnswerType::Number) => 2,
                    },
                    s.chars,
                    c.weight(s.mask),
                    s.pairs,
                    s.answers,
                    s.words,
                    s.matched,
                    s.mask.count_ones(),
                    item.evidence.concepts,
                    prev,
                    next,
                    wmax,
                    u8::from(s.mask & rarest != 0),
                    c.weight(s.mask & !c.sentences.get(i.wrapping_sub(1)).map_or(0, |p| p.mask)),
                    s.cosine,
                ));
            }
        }
    }
    write_or_exit(path, &out);
}

/// Every candidate paragraph of every answerable question, with its features and whether it
/// holds an answer: set, question, candidate, holds, the [`evidence::PARAGRAPH_FEATURES`],
/// candidates from its document, names missing, sentences, matched and all words, anchors, the
/// reader's cosines of the paragraph and its nearest sentence (0 without it), and its number
/// in its document.
fn dump_paragraphs(sets: &[Set], w: &Weights, path: &Path) {
    let mut out = String::new();
    for (set, q, item) in answerable(sets) {
        for (ci, c) in item.evidence.candidates.iter().enumerate() {
            if c.sentences.is_empty() {
                continue;
            }
            let holds = item.docs.contains(&c.doc) && {
                let t = fold(&c.text);
                item.answers.iter().any(|a| t.contains(a.as_str()))
            };
            let (f, best) = c.features(item.has_type, w);
            let f: Vec<String> = f.iter().map(|x| x.to_string()).collect();
            let matched: u32 = c.sentences.iter().map(|s| s.matched).sum();
            let words: u32 = c.sentences.iter().map(|s| s.words).sum();
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                set.name,
                q,
                ci,
                u8::from(holds),
                f.join(","),
                c.same_doc,
                c.names_missing,
                c.sentences.len(),
                matched,
                words,
                c.anchors.len(),
                c.cosine,
                c.sentence_cosine(),
                c.paragraph,
            ));
            let _ = best;
        }
    }
    write_or_exit(path, &out);
}

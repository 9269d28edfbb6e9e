//! Golden answers: the engine's answers to a fixed sample of every development set (quotes,
//! citations, scores, declines), held as insta snapshots. A change that moves code without
//! changing behaviour leaves them byte for byte; a change that moves an answer shows which, and
//! is re-accepted (`cargo insta accept`, or `INSTA_UPDATE=always`) only in a commit that says
//! which figure moved.
//!
//! The sets live in `../shared/eval/` (never copied here); a missing one skips its snapshot
//! with a note, and fails under `CI` (`crate::support::shared`).

use std::fmt::Write;
use std::path::Path;

use citebot_engine::{AskOptions, LoadOptions, Snapshot, Status};

use crate::support::shared::eval_path;

/// About this many questions of each set, spread evenly over the file.
const SAMPLE: usize = 60;

/// The answers to an even sample of `questions` over `corpus`, one block per question.
fn golden(corpus: &Path, questions: &Path) -> String {
    let cases = citebot_engine::eval::read_cases(questions).expect("a valid question file");
    let snapshot = Snapshot::load(corpus, &LoadOptions::default());
    let step = cases.len().div_ceil(SAMPLE).max(1);
    let mut out = String::new();
    for case in cases.iter().step_by(step) {
        let answer = snapshot.ask(&case.question, &AskOptions::default());
        writeln!(out, "Q {}", case.question).unwrap();
        if answer.status == Status::NoMatch {
            writeln!(out, "  declined; suggestions {:?}", answer.suggestions).unwrap();
        }
        for quote in &answer.quotes {
            let also: Vec<String> = quote
                .also_in
                .iter()
                .map(|c| format!("{}#{}", c.source, c.paragraph))
                .collect();
            writeln!(
                out,
                "  [{}#{} {:.3}{}] {:?} {:?}",
                quote.source,
                quote.paragraph,
                quote.score,
                if also.is_empty() {
                    String::new()
                } else {
                    format!(" also {}", also.join(","))
                },
                quote.text,
                quote.highlights,
            )
            .unwrap();
        }
    }
    out
}

#[test]
fn answers_to_the_news_sample_are_unchanged() {
    if let Some(questions) = eval_path("dev.jsonl") {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        insta::assert_snapshot!("news_sample", golden(&corpus, &questions));
    }
}

#[test]
fn answers_to_squad_dev_are_unchanged() {
    if let Some(set) = eval_path("squad-dev") {
        let text = golden(&set.join("corpus"), &set.join("questions.jsonl"));
        insta::assert_snapshot!("squad_dev", text);
    }
}

#[test]
fn answers_to_wikiqa_train_are_unchanged() {
    if let Some(set) = eval_path("wikiqa-train") {
        let text = golden(&set.join("corpus"), &set.join("questions.jsonl"));
        insta::assert_snapshot!("wikiqa_train", text);
    }
}

#[test]
fn answers_to_newsqa_dev_are_unchanged() {
    if let Some(set) = eval_path("newsqa-dev") {
        let text = golden(&set.join("corpus"), &set.join("questions.jsonl"));
        insta::assert_snapshot!("newsqa_dev", text);
    }
}

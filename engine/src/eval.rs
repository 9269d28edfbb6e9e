//! Evaluation: how often the engine's quotes hold the answer to a set of questions.
//!
//! The question file is JSON lines, the format of the project's scorer (`score.py`):
//! `{"id", "kind", "question", "answerable", "sources": [source ids], "answers": [strings]}`.
//! A question with gold sources is a hit at rank k when the k-th quote comes from one of its
//! sources and its text contains one of its answers (case, quote marks and spacing folded); a
//! *passage* hit when the whole paragraph it cites does. A question that is not answerable
//! should be declined. [`Report`] holds the same figures as the scorer prints, per kind and in
//! all, so a moderator can measure the bot on their own questions (`citebot eval`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::answer::{Answer, AskOptions, Quote};
use crate::error::{Error, ErrorKind};
use crate::library::Snapshot;

/// One question of an evaluation set.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    /// Its id, for the list of misses.
    #[serde(default)]
    pub id: String,
    /// Its kind (a row of the table per kind).
    #[serde(default = "default_kind")]
    pub kind: String,
    /// The question.
    pub question: String,
    /// Whether the corpus answers it.
    pub answerable: bool,
    /// The source ids a quote must come from.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Strings one of which the quote must contain.
    #[serde(default)]
    pub answers: Vec<String>,
}

fn default_kind() -> String {
    "question".to_string()
}

/// Reads a question file (blank lines skipped).
pub fn read_cases(path: &Path) -> Result<Vec<Case>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| ErrorKind::ReadQuestions {
        path: path.display().to_string(),
        source,
    })?;
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: Case = serde_json::from_str(line).map_err(|e| ErrorKind::QuestionLine {
            path: path.display().to_string(),
            line: i + 1,
            message: e.to_string(),
        })?;
        cases.push(case);
    }
    if cases.is_empty() {
        return Err(ErrorKind::NoQuestions(path.display().to_string()).into());
    }
    Ok(cases)
}

/// Folds text as the scorer does: curly quotes made straight, `*` and `` ` `` dropped, runs of
/// spaces made one, trimmed, lower case.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2019}' | '\u{2018}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '*' | '`' => continue,
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// The paragraphs of every file of a corpus folder as the scorer numbers them (blank-line
/// separated blocks, 1-based), folded, by source id.
pub fn paragraphs(dir: &Path) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file()
            || name.starts_with('.')
            || !(name.ends_with(".txt") || name.ends_with(".md"))
        {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        // Read as the scorer reads: invalid bytes replaced, line ends made `\n`.
        let text = String::from_utf8_lossy(&bytes)
            .replace("\r\n", "\n")
            .replace('\r', "\n");
        let Ok(relative) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        let stem = relative.rsplit_once('.').map_or(&*relative, |(s, _)| s);
        out.insert(
            stem.to_string(),
            blocks(&text).into_iter().map(fold).collect(),
        );
    }
    out
}

/// Blank-line separated blocks that hold something: the text split where a line break, spaces
/// or tabs, and a line break follow each other (the scorer's `\n[ \t]*\n`), scanning left to
/// right.
fn blocks(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let (mut out, mut start, mut i) = (Vec::new(), 0, 0);
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'\n' {
                out.push(&text[start..i]);
                start = j + 1;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out.push(&text[start..]);
    out.retain(|b| !b.trim().is_empty());
    out
}

/// The first rank (1-based) whose quote holds an answer: in its text, or in its paragraph.
fn rank_of(case: &Case, quotes: &[Quote], text_of: impl Fn(&Quote) -> String) -> Option<usize> {
    let answers: Vec<String> = case.answers.iter().map(|a| fold(a)).collect();
    quotes
        .iter()
        .position(|q| {
            case.sources.contains(&q.source) && {
                let text = text_of(q);
                answers.iter().any(|a| text.contains(a.as_str()))
            }
        })
        .map(|k| k + 1)
}

/// One row of the table per kind.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct KindRow {
    /// Questions of this kind.
    pub n: usize,
    /// Share answered at rank 1 (declined, for a question that is not answerable).
    pub hit_at_1: f64,
    /// Share answered within rank 3.
    pub hit_at_3: f64,
    /// Mean reciprocal rank.
    pub mrr: f64,
}

/// A question the engine missed: not a hit at rank 1, or not declined.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Miss {
    /// The question's id.
    pub id: String,
    /// Its kind.
    pub kind: String,
    /// The question.
    pub question: String,
    /// The first rank that holds an answer, if any (answerable questions).
    pub rank: Option<usize>,
    /// The first quote's citation and the start of its text, if answered.
    pub top: Option<String>,
}

/// The figures of an evaluation, as the scorer prints them.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Report {
    /// Per kind, sorted by kind.
    pub kinds: BTreeMap<String, KindRow>,
    /// Share of answerable questions whose first quote holds an answer.
    pub hit_at_1: f64,
    /// Share whose first three quotes do.
    pub hit_at_3: f64,
    /// Share whose first quote's whole paragraph holds an answer (with a corpus folder).
    pub passage_hit_at_1: Option<f64>,
    /// Share whose first three quotes' paragraphs do.
    pub passage_hit_at_3: Option<f64>,
    /// Share of answerable questions declined.
    pub declined_answerable: f64,
    /// Share of questions that are not answerable that were declined.
    pub declined_unanswerable: f64,
    /// The longest quote, in characters.
    pub longest_excerpt: usize,
    /// The misses, in question order.
    pub misses: Vec<Miss>,
}

impl Report {
    /// The scorer's last line (without its wall-clock time).
    pub fn summary(&self) -> String {
        let passage = match (self.passage_hit_at_1, self.passage_hit_at_3) {
            (Some(p1), Some(p3)) => format!("passage_hit@1={p1:.3} passage_hit@3={p3:.3} "),
            _ => String::new(),
        };
        format!(
            "hit@1={:.3} hit@3={:.3} {passage}declined_answerable={:.3} declined_unanswerable={:.3} longest_excerpt={}",
            self.hit_at_1,
            self.hit_at_3,
            self.declined_answerable,
            self.declined_unanswerable,
            self.longest_excerpt
        )
    }

    /// The table per kind, as the scorer prints it.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<11}{:>6}{:>8}{:>8}{:>7}\n",
            "kind", "n", "hit@1", "hit@3", "MRR"
        );
        for (kind, row) in &self.kinds {
            out.push_str(&format!(
                "{kind:<11}{:>6}{:>8.3}{:>8.3}{:>7.3}\n",
                row.n, row.hit_at_1, row.hit_at_3, row.mrr
            ));
        }
        out
    }
}

/// Scores answers (one per case, in order). `paragraphs` (from [`paragraphs`]) adds the
/// passage figures.
pub fn score(
    cases: &[Case],
    answers: &[Answer],
    paragraphs: Option<&HashMap<String, Vec<String>>>,
) -> Report {
    let mut report = Report::default();
    let mut sums: BTreeMap<String, (usize, f64, f64, f64)> = BTreeMap::new();
    let (mut n, mut hit1, mut hit3, mut declined, mut p1, mut p3) = (0, 0, 0, 0, 0, 0);
    let (mut none_n, mut none_ok) = (0, 0);
    for (case, answer) in cases.iter().zip(answers) {
        let quotes = &answer.quotes;
        for q in quotes {
            report.longest_excerpt = report.longest_excerpt.max(q.text.chars().count());
        }
        let row = sums.entry(case.kind.clone()).or_default();
        row.0 += 1;
        let top = quotes.first().map(|q| {
            format!(
                "{} ¶{}: {}",
                q.source,
                q.paragraph,
                q.text.chars().take(120).collect::<String>()
            )
        });
        if case.answerable {
            let answered = answer.is_answered();
            let k = if answered {
                rank_of(case, quotes, |q| fold(&q.text))
            } else {
                None
            };
            row.1 += f64::from(u8::from(k == Some(1)));
            row.2 += f64::from(u8::from(k.is_some_and(|k| k <= 3)));
            row.3 += k.map_or(0.0, |k| 1.0 / k as f64);
            n += 1;
            hit1 += usize::from(k == Some(1));
            hit3 += usize::from(k.is_some_and(|k| k <= 3));
            declined += usize::from(!answered);
            if let (Some(paras), true) = (paragraphs, answered) {
                let p = rank_of(case, quotes, |q| {
                    paras
                        .get(&q.source)
                        .and_then(|ps| ps.get((q.paragraph as usize).wrapping_sub(1)))
                        .cloned()
                        .unwrap_or_default()
                });
                p1 += usize::from(p == Some(1));
                p3 += usize::from(p.is_some_and(|p| p <= 3));
            }
            if k != Some(1) {
                report.misses.push(Miss {
                    id: case.id.clone(),
                    kind: case.kind.clone(),
                    question: case.question.clone(),
                    rank: k,
                    top,
                });
            }
        } else {
            let ok = !answer.is_answered();
            let v = f64::from(u8::from(ok));
            row.1 += v;
            row.2 += v;
            row.3 += v;
            none_n += 1;
            none_ok += usize::from(ok);
            if !ok {
                report.misses.push(Miss {
                    id: case.id.clone(),
                    kind: case.kind.clone(),
                    question: case.question.clone(),
                    rank: None,
                    top,
                });
            }
        }
    }
    for (kind, (count, h1, h3, rr)) in sums {
        let c = count as f64;
        report.kinds.insert(
            kind,
            KindRow {
                n: count,
                hit_at_1: h1 / c,
                hit_at_3: h3 / c,
                mrr: rr / c,
            },
        );
    }
    let share = |x: usize, of: usize| x as f64 / of.max(1) as f64;
    report.hit_at_1 = share(hit1, n);
    report.hit_at_3 = share(hit3, n);
    if paragraphs.is_some() {
        report.passage_hit_at_1 = Some(share(p1, n));
        report.passage_hit_at_3 = Some(share(p3, n));
    }
    report.declined_answerable = share(declined, n);
    report.declined_unanswerable = share(none_ok, none_n);
    report
}

/// Asks every case's question of a snapshot and scores the answers; `dir` (the folder the
/// snapshot was loaded from) adds the passage figures.
pub fn evaluate(snapshot: &Snapshot, cases: &[Case], dir: Option<&Path>) -> Report {
    let options = AskOptions::default();
    let answers: Vec<Answer> = cases
        .iter()
        .map(|c| snapshot.ask(&c.question, &options))
        .collect();
    let paragraphs = dir.map(paragraphs);
    score(cases, &answers, paragraphs.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_matches_the_scorer() {
        assert_eq!(
            fold("  The  \u{201c}Book\u{201d}\n of *Discipline*  "),
            "the \"book\" of discipline"
        );
        assert_eq!(fold("Tesla\u{2019}s"), "tesla's");
    }

    #[test]
    fn blocks_are_split_on_blank_lines_with_spaces_or_tabs() {
        let text = "Title\n\nFirst para\nstill first\n \t\nSecond\n\n\n\nThird\n";
        assert_eq!(
            blocks(text),
            vec!["Title", "First para\nstill first", "Second", "Third\n"]
        );
    }
}

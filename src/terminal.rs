//! Answers and corpus listings rendered for a terminal.
//!
//! Plain text by default; matched words in bold (ANSI) only when asked for, which the CLI does
//! when standard output is a terminal. Quotes are printed verbatim, each followed by its
//! citation and, when the document has a page, the link that opens it at the quote.

use std::fmt::Write;

use citebot_engine::answer::{Answer, Status};
use citebot_engine::corpus::Document;

/// Renders an answer: the quotes with citations, or the no-match line with suggestions.
pub fn answer(answer: &Answer, bold: bool) -> String {
    let mut out = String::new();
    if let Some(error) = &answer.error {
        let _ = writeln!(out, "error: {error}");
        return out;
    }
    match answer.status {
        Status::NoMatch => {
            out.push_str("Not in the corpus: no passage answers this question.\n");
            if !answer.suggestions.is_empty() {
                let _ = writeln!(out, "Did you mean: {}?", answer.suggestions.join(" · "));
            }
        }
        Status::Answered => {
            for (i, q) in answer.quotes.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                let _ = writeln!(
                    out,
                    "[{}] “{}”",
                    i + 1,
                    highlighted(&q.text, &q.highlights, bold)
                );
                let section = q
                    .section_after_title()
                    .map(|s| format!(" › {s}"))
                    .unwrap_or_default();
                let _ = write!(
                    out,
                    "    — {}{section} · {} {}",
                    q.title,
                    q.source,
                    q.place()
                );
                if !q.also_in.is_empty() {
                    let places: Vec<String> = q
                        .also_in
                        .iter()
                        .map(|c| format!("{} ¶{}", c.source, c.paragraph))
                        .collect();
                    let _ = write!(out, " (also in {})", places.join(", "));
                }
                if let Some(link) = &q.link {
                    let _ = write!(out, "\n      {}", link.url());
                }
                out.push('\n');
            }
        }
    }
    out
}

fn highlighted(text: &str, highlights: &[[usize; 2]], bold: bool) -> String {
    if !bold {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + highlights.len() * 8);
    let mut at = 0;
    for &[s, e] in highlights {
        if s < at || e > text.len() {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str("\x1b[1m");
        out.push_str(&text[s..e]);
        out.push_str("\x1b[0m");
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// Renders the list of documents as an aligned table: id, paragraphs, words, path, title.
pub fn sources(documents: &[Document]) -> String {
    let width = documents
        .iter()
        .map(|d| d.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    let paths: Vec<String> = documents
        .iter()
        .map(|d| d.path.display().to_string())
        .collect();
    let path_width = paths
        .iter()
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:<width$}  {:>10}  {:>6}  {:<path_width$}  title\n",
        "id", "paragraphs", "words", "path"
    );
    for (d, path) in documents.iter().zip(&paths) {
        let _ = writeln!(
            out,
            "{:<width$}  {:>10}  {:>6}  {:<path_width$}  {}",
            d.id, d.paragraphs, d.words, path, d.title
        );
    }
    out
}

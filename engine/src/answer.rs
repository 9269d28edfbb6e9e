//! Answers: the value both front doors render.
//!
//! The engine turns a question into an [`Answer`]: ranked [`Quote`]s (verbatim excerpts of the
//! corpus, each with its [`Citation`]) or an honest `no_match` with suggestions. The CLI prints it
//! as text or JSON lines, the Discord adapter as embeds; neither adds words of its own to a quote.

use serde::Serialize;

/// Whether the corpus answered the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// At least one passage covers the question well enough to quote.
    Answered,
    /// Nothing in the corpus answers it; `suggestions` may help the asker rephrase.
    NoMatch,
}

/// Where a passage sits: the source id (file stem) and its 1-based paragraph number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Citation {
    /// Source id: the file's relative path without extension.
    pub source: String,
    /// 1-based paragraph number, stable for the same file.
    pub paragraph: u32,
}

/// One verbatim excerpt of the corpus with its citation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// Source id of the document quoted.
    pub source: String,
    /// Title of that document.
    pub title: String,
    /// Where a reader finds it in the document: the 1-based blank-line block of the file it
    /// starts in (front matter counted; for HTML the block of the main content), or, when
    /// [`Quote::page`], the PDF page.
    pub paragraph: u32,
    /// `paragraph` is a PDF page (cited `p. N`, not `¶N`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub page: bool,
    /// The heading path of the section it lies in (`Embed › Embed Limits`), when the document
    /// has headings a parser read (Markdown, MDX, HTML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Verbatim text of the passage, cropped on sentence or word boundaries with `…` where cut.
    pub text: String,
    /// Relevance score (higher is better; comparable within one answer only).
    pub score: f32,
    /// Other places where the same (or a nearly identical) passage appears.
    pub also_in: Vec<Citation>,
    /// Byte ranges `[start, end)` of the matched words inside `text`.
    pub highlights: Vec<[usize; 2]>,
    /// Where a reader finds the quote: the document's page, at its section, with a text
    /// fragment that highlights the quote; `None` when the document has no page (no `url`
    /// and no `base_url` in `sources.toml`). Written as one URL in JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<crate::links::Link>,
}

impl Quote {
    /// Where it is, as a citation writes it: `¶4`, or `p. 3` in a PDF.
    pub fn place(&self) -> String {
        if self.page {
            format!("p. {}", self.paragraph)
        } else {
            format!("¶{}", self.paragraph)
        }
    }

    /// The section as a citation shows it after the title: its heading path without the
    /// heading that repeats the title (`Getting started › Astro` under the title `Getting
    /// started` shows `Astro`); `None` when nothing is left.
    pub fn section_after_title(&self) -> Option<&str> {
        let section = self.section.as_deref()?;
        let rest = match section.strip_prefix(self.title.as_str()) {
            Some("") => return None,
            Some(rest) => rest.strip_prefix(" › ").unwrap_or(section),
            None => section,
        };
        (!rest.is_empty()).then_some(rest)
    }

    /// The citation of this quote's own place.
    pub fn citation(&self) -> Citation {
        Citation {
            source: self.source.clone(),
            paragraph: self.paragraph,
        }
    }
}

/// The engine's reply to one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// The question as it was answered (trimmed, cut to the length limit).
    pub question: String,
    /// Answered or not.
    pub status: Status,
    /// Ranked quotes, best first; empty on `no_match`.
    pub quotes: Vec<Quote>,
    /// "Did you mean" words and close source titles, at most three; mostly on `no_match`.
    pub suggestions: Vec<String>,
    /// Microseconds spent answering (loading excluded).
    pub elapsed_us: u64,
    /// How many distinct passages matched well enough to quote, across all pages.
    #[serde(skip)]
    pub total: usize,
    /// Problems with the question itself (empty, cut to the limit), for the caller to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Answer {
    /// True when the answer carries quotes.
    pub fn is_answered(&self) -> bool {
        self.status == Status::Answered
    }
}

/// Options for one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AskOptions {
    /// How many quotes to return (the page size).
    pub top: usize,
    /// How many ranked quotes to skip first (page × top), for "More" buttons.
    pub offset: usize,
}

impl Default for AskOptions {
    fn default() -> Self {
        AskOptions { top: 3, offset: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(title: &str, section: Option<&str>, page: bool) -> Quote {
        Quote {
            source: "s".into(),
            title: title.into(),
            paragraph: 3,
            page,
            section: section.map(str::to_string),
            text: String::new(),
            score: 1.0,
            also_in: Vec::new(),
            highlights: Vec::new(),
            link: None,
        }
    }

    #[test]
    fn a_citation_shows_the_section_below_the_title_and_the_page_of_a_pdf() {
        let q = quote("Embed", Some("Embed › Embed Limits"), false);
        assert_eq!(q.section_after_title(), Some("Embed Limits"));
        assert_eq!(q.place(), "¶3");
        assert_eq!(
            quote("Embed", Some("Embed"), false).section_after_title(),
            None
        );
        let other = quote("Embeds", Some("Embed › Embed Limits"), true);
        assert_eq!(other.section_after_title(), Some("Embed › Embed Limits"));
        assert_eq!(other.place(), "p. 3");
        assert_eq!(quote("Embed", None, false).section_after_title(), None);
        let json = serde_json::to_value(quote("T", None, false)).unwrap();
        assert!(json.get("section").is_none() && json.get("page").is_none());
    }
}

//! Citations: how a quote names its source. `[1] [Title](<url>) · Publisher, 2023-10-12 ¶4`:
//! the document's title (never its hash-like id), linked when the document has a page (its
//! own http(s) url, or a `base_url` in `sources.toml`), then publisher and date when present,
//! then the paragraph. The link is the quote's: the page at the quote's section, with a text
//! fragment that highlights the quote ([`citebot_engine::Link`]). Short of room, a citation
//! drops the text fragment first ([`LinkRoom::Section`]), then the link ([`LinkRoom::None`]).
//!
//! A link target is never markdown-escaped (a backslash would break it): the few characters
//! that could end the link, open markup or a mention are percent-encoded instead, and angle
//! brackets keep Discord from previewing the page.

use std::fmt::Write as _;

use super::text::{cut, cut_markup, escape};
use citebot_engine::answer::Quote;
use citebot_engine::Document;

/// Longest URL linked from a citation; a longer one is left out.
const MAX_LINK: usize = 300;

/// A document's `url` as a link target, when it is an http(s) URL: the characters that would
/// end or break a `[title](<url>)` link are percent-encoded, nothing is markdown-escaped (a
/// backslash would break the link). `None` for anything else.
pub fn link_target(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty()
        || url.len() > MAX_LINK
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let mut out = String::with_capacity(url.len() + 8);
    for c in url.chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            '`' => out.push_str("%60"),
            '|' => out.push_str("%7C"),
            '\\' => out.push_str("%5C"),
            '"' => out.push_str("%22"),
            '@' => out.push_str("%40"),
            // Unreserved in URLs but markup to Discord: never a `**` in a reply, even there.
            '*' => out.push_str("%2A"),
            _ => out.push(c),
        }
    }
    Some(out)
}

/// A title fit to show: a title that is only the file's id (no title in the file) loses the
/// id's hash-like parts (`003_5778a4211003ac1d` → `003`), never shown as a name.
pub fn display_title(title: &str, id: &str) -> String {
    if title != id {
        return title.to_string();
    }
    let stem = id.rsplit('/').next().unwrap_or(id);
    let kept: Vec<&str> = stem
        .split(['_', '-', ' '])
        .filter(|part| !part.is_empty() && !looks_like_a_hash(part))
        .collect();
    if kept.is_empty() {
        "Untitled".to_string()
    } else {
        kept.join(" ")
    }
}

/// Eight or more hex digits: a content hash, not a word.
fn looks_like_a_hash(part: &str) -> bool {
    part.len() >= 8 && part.chars().all(|c| c.is_ascii_hexdigit())
}

/// How much of a quote's link a citation may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum LinkRoom {
    /// No link.
    None,
    /// The page and section, without the text fragment.
    Section,
    /// The whole link.
    Full,
}

/// The link target a citation of `quote` shows with `room`: the quote's link (else the
/// document's own url, for quotes made without a snapshot), whole when it fits
/// [`MAX_LINK`], else without its text fragment, else none.
fn citation_target(quote: &Quote, doc: Option<&Document>, room: LinkRoom) -> Option<String> {
    let whole = match (&quote.link, room) {
        (_, LinkRoom::None) => None,
        (Some(link), LinkRoom::Full) => link_target(&link.url()),
        _ => None,
    };
    whole.or_else(|| match (&quote.link, room) {
        (_, LinkRoom::None) => None,
        (Some(link), _) => link_target(&link.without_text()),
        (None, _) => doc.and_then(|d| d.url.as_deref()).and_then(link_target),
    })
}

fn find<'a>(documents: &'a [Document], id: &str) -> Option<&'a Document> {
    documents.iter().find(|d| d.id == id)
}

/// `[1] [Title](<url>) › Section · Publisher, 2023-10-12 ¶4 · also in Other title ¶2` (`p. 3`
/// for a PDF page): the title linked to the quote when the document has a page and `room`
/// allows (angle brackets keep Discord from previewing it), publisher and date from its front
/// matter when present; no source ids.
pub(crate) fn citation_line(
    number: usize,
    quote: &Quote,
    documents: &[Document],
    room: LinkRoom,
) -> String {
    let doc = find(documents, &quote.source);
    let title = cut_markup(
        &escape(&cut(&display_title(&quote.title, &quote.source), 120)),
        200,
    );
    let mut line = format!("**[{number}]** ");
    match citation_target(quote, doc, room) {
        Some(url) => {
            let _ = write!(line, "[{title}](<{url}>)");
        }
        None => line.push_str(&title),
    }
    // The section a reader scrolls to: `Title › Embed › Embed Limits ¶12`.
    if let Some(section) = quote.section_after_title() {
        let _ = write!(line, " › {}", cut_markup(&escape(&cut(section, 80)), 140));
    }
    let publisher = doc.and_then(|d| d.publisher.as_deref()).map(str::trim);
    let date = doc.and_then(|d| d.date.as_deref()).map(str::trim);
    let about: Vec<String> = [publisher, date]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .map(|s| cut_markup(&escape(&cut(s, 60)), 100))
        .collect();
    if !about.is_empty() {
        let _ = write!(line, " · {}", about.join(", "));
    }
    let _ = write!(line, " {}", quote.place());
    if !quote.also_in.is_empty() {
        let shown: Vec<String> = quote
            .also_in
            .iter()
            .take(3)
            .map(|c| {
                let title = find(documents, &c.source)
                    .map_or_else(|| c.source.clone(), |d| display_title(&d.title, &d.id));
                format!(
                    "{} ¶{}",
                    cut_markup(&escape(&cut(&title, 60)), 100),
                    c.paragraph
                )
            })
            .collect();
        let _ = write!(line, " · also in {}", shown.join(", "));
        if quote.also_in.len() > 3 {
            let _ = write!(line, " and {} more", quote.also_in.len() - 3);
        }
    }
    // Every piece was cut above; the link is never cut through.
    line
}

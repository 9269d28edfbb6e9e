//! `/sources` as replies: the corpus listed in pages that fit an embed, and one document's card.

use super::answer::CorpusSize;
use super::figures::{count, grouped};
use super::limits;
use super::reply::{Button, ButtonLook, Embed, Field, Reply, COLOUR_INFO};
use super::text::{block_quote, cut, cut_markup, discord_len, escape};
use crate::discord::buttons::ButtonId;
use citebot_engine::Document;

/// Most documents listed on one page of `/sources`.
pub const SOURCES_PER_PAGE: usize = 15;

/// The pages of `/sources`: as many documents per page as fit, at most [`SOURCES_PER_PAGE`].
pub fn source_pages(documents: &[Document]) -> Vec<std::ops::Range<usize>> {
    let mut pages = Vec::new();
    let mut start = 0;
    let mut used = 0;
    for (i, doc) in documents.iter().enumerate() {
        let len = discord_len(&source_line(doc)) + 1;
        if i > start && (i - start >= SOURCES_PER_PAGE || used + len > limits::DESCRIPTION) {
            pages.push(start..i);
            start = i;
            used = 0;
        }
        used += len;
    }
    if start < documents.len() || documents.is_empty() {
        pages.push(start..documents.len());
    }
    pages
}

fn source_line(doc: &Document) -> String {
    cut_markup(
        &format!(
            "**{}** · {} · {}",
            escape(&cut(&doc.id, 100)),
            escape(&cut(&doc.title, 150)),
            count(doc.paragraphs, "paragraph")
        ),
        400,
    )
}

/// One page of `/sources`; `None` when the page does not exist (any more).
pub fn sources(documents: &[Document], page: usize, corpus: CorpusSize) -> Option<Reply> {
    let pages = source_pages(documents);
    let range = pages.get(page)?.clone();
    let lines: Vec<String> = documents[range].iter().map(source_line).collect();
    let description = if lines.is_empty() {
        "The corpus is empty.".to_string()
    } else {
        cut_markup(&lines.join("\n"), limits::DESCRIPTION)
    };
    let mut reply_buttons = Vec::new();
    if page > 0 {
        reply_buttons.push(Button::new(
            &ButtonId::SourcesPage { page: page - 1 },
            "◀ Back",
            ButtonLook::Secondary,
        ));
    }
    if page + 1 < pages.len() {
        reply_buttons.push(Button::new(
            &ButtonId::SourcesPage { page: page + 1 },
            "Next ▶",
            ButtonLook::Primary,
        ));
    }
    Some(Reply {
        content: None,
        embed: Some(Embed {
            title: "Sources".into(),
            description,
            fields: Vec::new(),
            footer: Some(format!(
                "{} · {} · page {} of {} · /source id: shows one",
                count(corpus.documents, "document"),
                count(corpus.passages, "passage"),
                page + 1,
                pages.len()
            )),
            colour: COLOUR_INFO,
        }),
        buttons: reply_buttons,
        ephemeral: false,
        ping: None,
    })
}

/// One document: its metadata and opening paragraph.
pub fn source(doc: &Document) -> Reply {
    let mut fields = vec![
        Field::new("Source id", &escape(&doc.id), true),
        Field::new("Paragraphs", &grouped(doc.paragraphs), true),
        Field::new("Words", &grouped(doc.words), true),
    ];
    if let Some(publisher) = &doc.publisher {
        fields.push(Field::new("Publisher", &escape(publisher), true));
    }
    if let Some(date) = &doc.date {
        fields.push(Field::new("Date", &escape(date), true));
    }
    if let Some(url) = &doc.url {
        // A URL is shown as text, not as a link: corpus metadata cannot make the bot link out.
        fields.push(Field::new("URL", &escape(url), false));
    }
    let opening = if doc.opening.trim().is_empty() {
        "(no opening paragraph)".to_string()
    } else {
        block_quote(&doc.opening, &[], limits::DESCRIPTION)
    };
    Reply {
        content: None,
        embed: Some(Embed {
            title: cut(&escape(&doc.title), limits::TITLE),
            description: opening,
            fields,
            footer: Some("Opening paragraph, verbatim".into()),
            colour: COLOUR_INFO,
        }),
        buttons: Vec::new(),
        ephemeral: false,
        ping: None,
    }
}

/// `/source` with an id that is not in the corpus.
pub fn unknown_source(id: &str) -> Reply {
    Reply::text(
        &format!(
            "There is no source “{}” in the corpus. `/sources` lists them all.",
            escape(&cut(id, 200))
        ),
        true,
    )
}

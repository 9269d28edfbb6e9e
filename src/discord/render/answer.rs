//! An answer as a reply: one page of block quotes with their citations, the buttons to turn
//! pages and vote, the no-match reply with its suggestions.

use std::fmt::Write as _;

use super::citations::{self, LinkRoom};
use super::figures::count;
use super::limits;
use super::reply::{Button, ButtonLook, Embed, Reply, COLOUR_ANSWER};
use super::text::{block_quote, cut, cut_markup, discord_len, escape};
use crate::discord::buttons::{self, ButtonId};
use citebot_engine::answer::{Answer, Citation, Quote};
use citebot_engine::library::Stats;
use citebot_engine::Document;

/// Quotes per page of `/ask` when the asker does not say.
pub const DEFAULT_RESULTS: usize = 3;
/// Most quotes per page of `/ask`.
pub const MAX_RESULTS: usize = 5;

/// Corpus size for footers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpusSize {
    /// Documents loaded.
    pub documents: usize,
    /// Passages indexed.
    pub passages: usize,
}

impl From<&Stats> for CorpusSize {
    fn from(stats: &Stats) -> Self {
        CorpusSize {
            documents: stats.documents,
            passages: stats.passages,
        }
    }
}

/// Which page of an answer is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerPage {
    /// Quotes per page (1..=5).
    pub top: usize,
    /// 0-based page number.
    pub page: usize,
}

impl AnswerPage {
    /// Index of the first quote on this page.
    pub fn offset(&self) -> usize {
        self.top * self.page
    }
}

/// What an answer is rendered with besides the engine's [`Answer`].
#[derive(Debug, Clone, Copy)]
pub struct AnswerView<'a> {
    /// Corpus size, for the footer.
    pub corpus: CorpusSize,
    /// The documents, for each citation's title, link, publisher and date.
    pub documents: &'a [Document],
    /// The earlier question a follow-up was asked after (in a thread), if any.
    pub context: Option<&'a str>,
    /// Who asked: only they turn the pages of this answer (others get their own copy).
    pub asker: Option<u64>,
}

/// The earlier question of a follow-up is cut to this many characters before it is asked with,
/// so the footer can carry exactly what was asked.
pub const CONTEXT_CHARS: usize = 400;

/// Footer line that carries the whole question when the title had to cut it.
pub const FOOTER_QUESTION: &str = "Question: ";
/// Footer line that carries the earlier question a follow-up was answered with.
pub const FOOTER_CONTEXT: &str = "Follow-up to: ";

/// The reply to a question: a public embed with quotes and buttons when answered, a short
/// ephemeral text with suggestions when not (interactions; a message gets the same text).
///
/// The footer opens with the results shown; when the title cannot hold the whole question, or
/// the answer is a follow-up, plain-text footer lines carry the question and its context, so
/// "More" can ask again exactly what was asked.
pub fn answer(answer: &Answer, at: AnswerPage, view: &AnswerView<'_>) -> Reply {
    if !answer.is_answered() || answer.quotes.is_empty() {
        return no_match(answer);
    }
    let title_fits = discord_len(&escape(&answer.question)) <= limits::TITLE;
    let title = cut(&escape(&answer.question), limits::TITLE);
    let first = at.offset() + 1;
    let last = at.offset() + answer.quotes.len();
    let total = answer.total.max(last);
    let mut footer = format!(
        "Results {first}–{last} of {total} · quoted from {}",
        count(view.corpus.documents, "document"),
    );
    // Footers show no markdown: the engine's note about the question goes in as it is.
    if let Some(note) = &answer.error {
        footer.push_str(" · ");
        footer.push_str(&cut(note, 300));
    }
    if !title_fits {
        footer.push('\n');
        footer.push_str(FOOTER_QUESTION);
        footer.push_str(&answer.question);
    }
    if let Some(context) = view.context {
        footer.push('\n');
        footer.push_str(FOOTER_CONTEXT);
        footer.push_str(context);
    }
    // Paging reads the question (and context) back: only when the footer holds them whole.
    let pages = discord_len(&footer) <= limits::FOOTER;
    let footer = cut(&footer, limits::FOOTER);
    // The quotes get what the title and footer leave of the embed's total.
    let room = limits::EMBED_TOTAL
        .saturating_sub(discord_len(&title) + discord_len(&footer))
        .min(limits::DESCRIPTION);
    let description = quotes(&answer.quotes, at.offset(), view.documents, room);
    let key = buttons::answer_key(&answer.question, view.context);
    let mut buttons_row = Vec::new();
    if pages {
        if at.page > 0 {
            buttons_row.push(Button::new(
                &ButtonId::AskPage {
                    key: key.clone(),
                    top: at.top,
                    page: at.page - 1,
                    asker: view.asker,
                },
                "◀ Back",
                ButtonLook::Secondary,
            ));
        }
        if last < total {
            buttons_row.push(Button::new(
                &ButtonId::AskPage {
                    key: key.clone(),
                    top: at.top,
                    page: at.page + 1,
                    asker: view.asker,
                },
                "More ▶",
                ButtonLook::Primary,
            ));
        }
    }
    let citations = cited_passages(&answer.quotes);
    for (up, label) in [(true, "👍"), (false, "👎")] {
        buttons_row.push(Button::new(
            &ButtonId::vote(up, &key, &citations),
            label,
            ButtonLook::Secondary,
        ));
    }
    Reply {
        content: None,
        embed: Some(Embed {
            title,
            description,
            fields: Vec::new(),
            footer: Some(footer),
            colour: COLOUR_ANSWER,
        }),
        buttons: buttons_row,
        ephemeral: false,
        ping: None,
    }
}

/// The one line a message with no question in it gets.
pub const ASK_ME: &str = "Ask me a question about the corpus: mention me with it, or use `/ask question: Who is the Taliban's governor for Kabul?`";

/// The honest "nothing found" reply, with the engine's suggestions; one helpful line for an
/// empty question.
pub fn no_match(answer: &Answer) -> Reply {
    if answer.question.trim().is_empty() {
        return Reply::text(ASK_ME, true);
    }
    let mut text = String::new();
    let _ = write!(
        text,
        "Nothing in the corpus answers “{}”.",
        escape(&cut(&answer.question, 300))
    );
    if let Some(error) = &answer.error {
        let _ = write!(text, "\n{}", escape(&cut(error, 300)));
    }
    if !answer.suggestions.is_empty() {
        let list: Vec<String> = answer
            .suggestions
            .iter()
            .take(3)
            .map(|s| format!("“{}”", escape(&cut(s, 100))))
            .collect();
        let _ = write!(text, "\nDid you mean {}?", list.join(", "));
    }
    text.push_str("\nOther words may help; `/sources` lists what the corpus covers.");
    Reply::text(&text, true)
}

/// The answer's page is gone (the corpus changed, or the question could not be read back).
pub fn page_gone(page: usize) -> Reply {
    Reply::text(
        &format!(
            "The corpus has changed since this answer: there is no page {} any more. Ask the question again.",
            page + 1
        ),
        true,
    )
}

/// The quotes of one page grouped by passage, in the order each passage first appears: the
/// engine may quote the best paragraph twice (two different excerpts), and a passage is cited
/// once, its excerpts shown one after the other above its one citation.
fn by_passage(quotes: &[Quote]) -> Vec<Vec<&Quote>> {
    let mut groups: Vec<Vec<&Quote>> = Vec::new();
    for quote in quotes {
        match groups
            .iter_mut()
            .find(|g| g[0].source == quote.source && g[0].paragraph == quote.paragraph)
        {
            Some(group) => group.push(quote),
            None => groups.push(vec![quote]),
        }
    }
    groups
}

/// The passages an answer page cites, each once, in the order they are shown.
pub fn cited_passages(quotes: &[Quote]) -> Vec<Citation> {
    by_passage(quotes).iter().map(|g| g[0].citation()).collect()
}

/// The quotes of one page, as a description: block quotes with bold matches, then citations,
/// one citation per passage (numbered from the page's first result) under all its excerpts.
fn quotes(quotes: &[Quote], offset: usize, documents: &[Document], max: usize) -> String {
    let groups = by_passage(quotes);
    let n = quotes.len().max(1);
    let whole_quotes: usize = quotes
        .iter()
        .map(|q| discord_len(&block_quote(&q.text, &q.highlights, usize::MAX)))
        .sum();
    // Links give way before quotes do: the text fragments first, then the links.
    let mut room = LinkRoom::Full;
    let (citations, per_quote) = loop {
        let citations: Vec<String> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| citations::citation_line(offset + i + 1, g[0], documents, room))
            .collect();
        // Separators between quotes and the line break before each citation.
        let fixed: usize =
            citations.iter().map(|c| discord_len(c) + 1).sum::<usize>() + 2 * (n - 1);
        if fixed + whole_quotes <= max || room == LinkRoom::None {
            break (citations, max.saturating_sub(fixed) / n);
        }
        room = match room {
            LinkRoom::Full => LinkRoom::Section,
            _ => LinkRoom::None,
        };
    };
    let mut out = String::new();
    for (i, (group, citation)) in groups.iter().zip(&citations).enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        for (j, quote) in group.iter().enumerate() {
            if j > 0 {
                out.push_str("\n\n");
            }
            out.push_str(&block_quote(&quote.text, &quote.highlights, per_quote));
        }
        out.push('\n');
        out.push_str(citation);
    }
    // The arithmetic above keeps it inside; this is the belt to its braces.
    cut_markup(&out, max)
}

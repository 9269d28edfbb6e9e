//! Rendering: engine values → Discord replies that always fit Discord's limits and never let
//! corpus text format the reply or mention anyone.
//!
//! Everything here is pure: it builds a [`Reply`] (plain data, easy to snapshot and to check
//! against [`limits`]), which [`Reply::to_poise`], [`Reply::to_message`] and
//! [`Reply::to_interaction_message`] turn into serenity builders, each carrying
//! [`no_pings`] allowed mentions. Text is measured in UTF-16 code units, the stricter of the ways
//! Discord may count, and cut on grapheme and word boundaries with `…`.

use std::fmt::Write as _;
use std::time::{Duration, UNIX_EPOCH};

use poise::serenity_prelude as serenity;
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::discord::buttons::{self, ButtonId};
use crate::discord::channels::ChannelMode;
use crate::discord::citations;
pub use crate::discord::citations::{display_title, link_target};
use citebot_engine::answer::{Answer, Citation, Quote};
use citebot_engine::library::{ReloadError, ReloadReport, Snapshot, Stats};
use citebot_engine::Document;

/// Discord's documented limits, in characters.
pub mod limits {
    /// Message content.
    pub const CONTENT: usize = 2000;
    /// Embed title.
    pub const TITLE: usize = 256;
    /// Embed description.
    pub const DESCRIPTION: usize = 4096;
    /// Embed field name.
    pub const FIELD_NAME: usize = 256;
    /// Embed field value.
    pub const FIELD_VALUE: usize = 1024;
    /// Embed footer text.
    pub const FOOTER: usize = 2048;
    /// All the text of all embeds of one message.
    pub const EMBED_TOTAL: usize = 6000;
    /// Fields in one embed.
    pub const FIELDS: usize = 25;
    /// Buttons in one action row.
    pub const BUTTONS_PER_ROW: usize = 5;
    /// Action rows in one message.
    pub const ROWS: usize = 5;
    /// A component's custom id.
    pub const CUSTOM_ID: usize = 100;
    /// A button's label.
    pub const BUTTON_LABEL: usize = 80;
    /// Autocomplete choices in one response.
    pub const CHOICES: usize = 25;
    /// An autocomplete choice's name and value.
    pub const CHOICE_NAME: usize = 100;
}

/// Quotes per page of `/ask` when the asker does not say.
pub const DEFAULT_RESULTS: usize = 3;
/// Most quotes per page of `/ask`.
pub const MAX_RESULTS: usize = 5;
/// Most documents listed on one page of `/sources`.
pub const SOURCES_PER_PAGE: usize = 15;

const COLOUR_ANSWER: u32 = 0x2b6cb0;
const COLOUR_INFO: u32 = 0x4a5568;
const COLOUR_WARNING: u32 = 0xc05621;
const ZWSP: char = '\u{200B}';

/// Allowed mentions that parse nothing and do not ping the author of the replied-to message.
pub fn no_pings() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
        .empty_users()
        .empty_roles()
        .everyone(false)
        .replied_user(false)
}

/// Allowed mentions that ping `user` alone (named in the content as `<@user>`), nobody else,
/// and not the author of a replied-to message.
pub fn ping_only(user: u64) -> serenity::CreateAllowedMentions {
    no_pings().users([serenity::UserId::new(user)])
}

/// Length as Discord may count it: UTF-16 code units (never less than the count of characters).
pub fn discord_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Cuts `text` to at most `max` units (see [`discord_len`]) on a grapheme boundary, preferring
/// a word boundary, and ends it with `…` when anything was cut.
pub fn cut(text: &str, max: usize) -> String {
    let (kept, was_cut) = cut_point(text, max);
    if was_cut {
        format!("{}…", &text[..kept])
    } else {
        text.to_string()
    }
}

/// Where to cut `text` so that `text[..kept]` plus `…` fits in `max`: `(kept, was_cut)`.
fn cut_point(text: &str, max: usize) -> (usize, bool) {
    if discord_len(text) <= max {
        return (text.len(), false);
    }
    let budget = max.saturating_sub(1);
    let mut used = 0;
    let mut kept = 0;
    for (at, grapheme) in text.grapheme_indices(true) {
        let units = discord_len(grapheme);
        if used + units > budget {
            break;
        }
        used += units;
        kept = at + grapheme.len();
    }
    // Back up to the last word boundary when it does not lose more than a third of the text.
    let head = &text[..kept];
    if let Some(space) = head.rfind(char::is_whitespace) {
        if space >= kept * 2 / 3 && space > 0 {
            kept = space;
        }
    }
    let kept = text[..kept].trim_end().len();
    (kept, true)
}

/// Escapes Discord markdown and defuses mentions so `text` shows verbatim and pings nobody:
/// markup characters get a backslash, `@` gets a zero-width space after it (so `@everyone`,
/// `@here` and `<@id>` are inert), and `1.` at a line start is not a list. [`unescape`] undoes it.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8 + 4);
    let mut digits_since_line_start = Some(0usize);
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '#' | '-' | '+' | '[' | ']' | '('
            | ')' => {
                out.push('\\');
                out.push(c);
            }
            '.' if matches!(digits_since_line_start, Some(n) if n > 0) => out.push_str("\\."),
            '@' => {
                out.push('@');
                out.push(ZWSP);
            }
            _ => out.push(c),
        }
        digits_since_line_start = match (c, digits_since_line_start) {
            ('\n', _) => Some(0),
            (d, Some(n)) if d.is_ascii_digit() => Some(n + 1),
            (' ' | '\t', Some(0)) => Some(0),
            _ => None,
        };
    }
    out
}

/// Reverses [`escape`]: `unescape(&escape(s)) == s` for every `s`.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '@' => {
                out.push('@');
                if chars.peek() == Some(&ZWSP) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// One embed, as plain data.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Embed {
    /// Title (at most [`limits::TITLE`]).
    pub title: String,
    /// Description (at most [`limits::DESCRIPTION`]).
    pub description: String,
    /// Fields (at most [`limits::FIELDS`]).
    pub fields: Vec<Field>,
    /// Footer text, when any.
    pub footer: Option<String>,
    /// Side colour.
    pub colour: u32,
}

/// One embed field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Name (at most [`limits::FIELD_NAME`]).
    pub name: String,
    /// Value (at most [`limits::FIELD_VALUE`], never empty).
    pub value: String,
    /// Shown side by side with its neighbours.
    pub inline: bool,
}

impl Field {
    fn new(name: &str, value: &str, inline: bool) -> Field {
        let value = if value.trim().is_empty() {
            "—"
        } else {
            value
        };
        Field {
            name: cut(name, limits::FIELD_NAME),
            value: cut(value, limits::FIELD_VALUE),
            inline,
        }
    }
}

/// How a button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ButtonLook {
    /// Blurple.
    Primary,
    /// Grey.
    Secondary,
}

/// One button, its state in its custom id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Button {
    /// What the button does (at most [`limits::CUSTOM_ID`] once encoded).
    pub id: String,
    /// Label (at most [`limits::BUTTON_LABEL`]).
    pub label: String,
    /// Look.
    pub look: ButtonLook,
}

impl Button {
    fn new(id: &ButtonId, label: &str, look: ButtonLook) -> Button {
        Button {
            id: id.encode(),
            label: cut(label, limits::BUTTON_LABEL),
            look,
        }
    }
}

/// A whole reply: text, at most one embed, buttons, and whether only the asker sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reply {
    /// Message text (at most [`limits::CONTENT`]).
    pub content: Option<String>,
    /// The embed, when any.
    pub embed: Option<Embed>,
    /// Buttons, laid out [`limits::BUTTONS_PER_ROW`] to a row.
    pub buttons: Vec<Button>,
    /// Only the person who asked sees it (interactions only).
    pub ephemeral: bool,
    /// The one user this reply may ping (`/ask for:`, "Ask the corpus" on someone's message);
    /// nobody else is ever pinged.
    pub ping: Option<u64>,
}

impl Embed {
    /// All the text Discord counts against [`limits::EMBED_TOTAL`].
    pub fn total_len(&self) -> usize {
        discord_len(&self.title)
            + discord_len(&self.description)
            + self.footer.as_deref().map_or(0, discord_len)
            + self
                .fields
                .iter()
                .map(|f| discord_len(&f.name) + discord_len(&f.value))
                .sum::<usize>()
    }

    fn to_serenity(&self) -> serenity::CreateEmbed {
        let mut embed = serenity::CreateEmbed::new().colour(self.colour);
        if !self.title.is_empty() {
            embed = embed.title(&self.title);
        }
        if !self.description.is_empty() {
            embed = embed.description(&self.description);
        }
        for field in &self.fields {
            embed = embed.field(&field.name, &field.value, field.inline);
        }
        if let Some(footer) = &self.footer {
            embed = embed.footer(serenity::CreateEmbedFooter::new(footer));
        }
        embed
    }
}

impl Reply {
    /// A reply with text only.
    pub fn text(content: &str, ephemeral: bool) -> Reply {
        Reply {
            content: Some(cut(content, limits::CONTENT)),
            ephemeral,
            ..Reply::default()
        }
    }

    /// Every Discord limit this reply breaks, as readable lines (empty when it fits).
    pub fn limit_violations(&self) -> Vec<String> {
        let mut broken = Vec::new();
        let mut check = |what: &str, len: usize, max: usize| {
            if len > max {
                broken.push(format!("{what}: {len} > {max}"));
            }
        };
        if let Some(content) = &self.content {
            check("content", discord_len(content), limits::CONTENT);
        }
        if let Some(embed) = &self.embed {
            check("title", discord_len(&embed.title), limits::TITLE);
            check(
                "description",
                discord_len(&embed.description),
                limits::DESCRIPTION,
            );
            check("fields", embed.fields.len(), limits::FIELDS);
            for field in &embed.fields {
                check("field name", discord_len(&field.name), limits::FIELD_NAME);
                check(
                    "field value",
                    discord_len(&field.value),
                    limits::FIELD_VALUE,
                );
                check("empty field value", usize::from(field.value.is_empty()), 0);
            }
            if let Some(footer) = &embed.footer {
                check("footer", discord_len(footer), limits::FOOTER);
            }
            check("embed total", embed.total_len(), limits::EMBED_TOTAL);
        }
        check(
            "buttons",
            self.buttons.len(),
            limits::BUTTONS_PER_ROW * limits::ROWS,
        );
        for button in &self.buttons {
            check("custom id", button.id.len(), limits::CUSTOM_ID);
            check("label", discord_len(&button.label), limits::BUTTON_LABEL);
        }
        broken
    }

    fn rows(&self) -> Vec<serenity::CreateActionRow> {
        self.buttons
            .chunks(limits::BUTTONS_PER_ROW)
            .map(|row| {
                serenity::CreateActionRow::Buttons(
                    row.iter()
                        .map(|b| {
                            serenity::CreateButton::new(&b.id)
                                .label(&b.label)
                                .style(match b.look {
                                    ButtonLook::Primary => serenity::ButtonStyle::Primary,
                                    ButtonLook::Secondary => serenity::ButtonStyle::Secondary,
                                })
                        })
                        .collect(),
                )
            })
            .collect()
    }

    /// The allowed mentions of this reply: [`no_pings`], or [`ping_only`] its `ping`.
    pub fn allowed_mentions(&self) -> serenity::CreateAllowedMentions {
        self.ping.map_or_else(no_pings, ping_only)
    }

    /// As a poise reply (slash and context-menu commands).
    pub fn to_poise(&self) -> poise::CreateReply {
        let mut reply = poise::CreateReply::default()
            .ephemeral(self.ephemeral)
            .allowed_mentions(self.allowed_mentions())
            .components(self.rows());
        if let Some(content) = &self.content {
            reply = reply.content(content);
        }
        if let Some(embed) = &self.embed {
            reply = reply.embed(embed.to_serenity());
        }
        reply
    }

    /// As a channel message replying to `to` (mentions, Q&A channels, DMs). The reply is sent
    /// even when `to` was deleted meanwhile (`fail_if_not_exists: false`).
    pub fn to_message(&self, to: &serenity::Message) -> serenity::CreateMessage {
        self.to_new_message()
            .reference_message(serenity::MessageReference::from(to).fail_if_not_exists(false))
    }

    /// As a channel message that replies to nothing (the first answer in a new thread).
    pub fn to_new_message(&self) -> serenity::CreateMessage {
        let mut message = serenity::CreateMessage::new()
            .allowed_mentions(self.allowed_mentions())
            .components(self.rows());
        if let Some(content) = &self.content {
            message = message.content(content);
        }
        if let Some(embed) = &self.embed {
            message = message.embed(embed.to_serenity());
        }
        message
    }

    /// As an interaction response message (button clicks: new or updated message).
    pub fn to_interaction_message(&self) -> serenity::CreateInteractionResponseMessage {
        let mut message = serenity::CreateInteractionResponseMessage::new()
            .allowed_mentions(self.allowed_mentions())
            .components(self.rows())
            // An update replaces content and embeds: say "none" explicitly.
            .content(self.content.clone().unwrap_or_default())
            .embeds(self.embed.iter().map(Embed::to_serenity).collect());
        // Flags only when needed: an update cannot change whether a message is ephemeral.
        if self.ephemeral {
            message = message.ephemeral(true);
        }
        message
    }
}

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
    let citations: Vec<Citation> = answer.quotes.iter().map(Quote::citation).collect();
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

/// The quotes of one page, as a description: block quotes with bold matches, then citations.
fn quotes(quotes: &[Quote], offset: usize, documents: &[Document], max: usize) -> String {
    let citations: Vec<String> = quotes
        .iter()
        .enumerate()
        .map(|(i, q)| citations::citation_line(offset + i + 1, q, documents))
        .collect();
    let n = quotes.len().max(1);
    // Separators between quotes and the line break before each citation.
    let fixed: usize = citations.iter().map(|c| discord_len(c) + 1).sum::<usize>() + 2 * (n - 1);
    let per_quote = max.saturating_sub(fixed) / n;
    let mut out = String::new();
    for (i, (quote, citation)) in quotes.iter().zip(&citations).enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&block_quote(&quote.text, &quote.highlights, per_quote));
        out.push('\n');
        out.push_str(citation);
    }
    // The arithmetic above keeps it inside; this is the belt to its braces.
    cut_markup(&out, max)
}

/// Cuts text that is already markup; drops a dangling backslash and keeps `**` balanced.
pub(crate) fn cut_markup(text: &str, max: usize) -> String {
    if discord_len(text) <= max {
        return text.to_string();
    }
    let (kept, _) = cut_point(text, max.saturating_sub(2));
    let mut head = text[..kept].to_string();
    // An odd run of trailing backslashes would escape the ellipsis; a ZWSP may trail an `@`.
    let trailing = head.chars().rev().take_while(|&c| c == '\\').count();
    if trailing % 2 == 1 {
        head.pop();
    }
    // A cut inside a `**` marker leaves a lone `*`: drop unescaped trailing stars.
    while head.ends_with('*') && !head[..head.len() - 1].ends_with('\\') {
        head.pop();
    }
    let mut out = head;
    if bold_markers(&out) % 2 == 1 {
        out.push_str("**");
    }
    out.push('…');
    out
}

/// How many `**` markers `markup` has outside backslash escapes.
fn bold_markers(markup: &str) -> usize {
    let mut markers = 0;
    let mut chars = markup.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                markers += 1;
            }
            _ => {}
        }
    }
    markers
}

/// A passage as a block quote, its highlights in bold, at most `max` units.
pub fn block_quote(text: &str, highlights: &[[usize; 2]], max: usize) -> String {
    let mut raw_budget = max;
    loop {
        let (kept, was_cut) = cut_point(text, raw_budget);
        let mut rendered = String::from("> ");
        let body = with_bold(&text[..kept], highlights);
        rendered.push_str(&body.replace('\n', "\n> "));
        if was_cut {
            rendered.push('…');
        }
        let len = discord_len(&rendered);
        if len <= max {
            return rendered;
        }
        if raw_budget == 0 {
            return String::new();
        }
        raw_budget = raw_budget.saturating_sub((len - max).max(1));
    }
}

/// Escapes `text` and wraps the byte ranges `highlights` (clipped, merged, trimmed of spaces,
/// split at line breaks) in `**`.
fn with_bold(text: &str, highlights: &[[usize; 2]]) -> String {
    let mut ranges: Vec<(usize, usize)> = highlights
        .iter()
        .map(|&[s, e]| (s.min(text.len()), e.min(text.len())))
        .filter(|&(s, e)| s < e && text.is_char_boundary(s) && text.is_char_boundary(e))
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            // Overlapping, or apart by spaces only: one bold run reads better than many.
            Some(last)
                if s <= last.1
                    || text[last.1..s]
                        .chars()
                        .all(|c| c == ' ' || c == '\t' || c == '\u{a0}') =>
            {
                last.1 = last.1.max(e)
            }
            _ => merged.push((s, e)),
        }
    }
    // Split at line breaks and trim white space, so every `**` pair opens and closes on a word.
    let mut spans = Vec::new();
    for (s, e) in merged {
        let mut start = s;
        for piece in text[s..e].split('\n') {
            let end = start + piece.len();
            let lead = piece.len() - piece.trim_start().len();
            let trail = piece.len() - piece.trim_end().len();
            if start + lead < end - trail {
                spans.push((start + lead, end - trail));
            }
            start = end + 1;
        }
    }
    let mut out = String::with_capacity(text.len() + spans.len() * 4);
    let mut at = 0;
    for (s, e) in spans {
        out.push_str(&escape(&text[at..s]));
        out.push_str("**");
        out.push_str(&escape(&text[s..e]));
        out.push_str("**");
        at = e;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// `1234567` → `1,234,567`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `3 documents`, `1 document`, with thousands grouped.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", grouped(n))
    }
}

fn micros(us: u64) -> String {
    if us < 1000 {
        format!("{us} µs")
    } else if us < 1_000_000 {
        format!("{:.1} ms", us as f64 / 1000.0)
    } else {
        format!("{:.2} s", us as f64 / 1_000_000.0)
    }
}

fn duration(d: Duration) -> String {
    micros(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

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

/// `/help`: what the bot does and how to ask.
pub fn help(ask_in_channels: bool) -> Reply {
    let mut description = String::from(
        "I answer questions about a collection of news articles by **quoting them**: every answer is \
         verbatim text from the corpus with its citation (`[1] Title · Publisher, date ¶paragraph`). \
         I never write an answer of my own; when nothing in the corpus fits, I say so.\n\n\
         **How to ask**\n\
         • `/ask question: Who is the spokesman of the foreign ministry?` (add `results:` 1–5 for more quotes at once, \
         `private: True` to see the answer alone, `for: @someone` to answer for them)\n\
         • mention me with your question, or send it to me in a direct message\n\
         • on any message: *Apps → Ask the corpus*\n\n\
         **Tips**\n\
         • name people, places and organisations: they are what the corpus is searched for\n\
         • press **More ▶** under an answer for the next quotes, 👍/👎 to tell whether it helped\n\
         • `/sources` lists the articles, `/source` shows one, `/about` tells the corpus size",
    );
    if ask_in_channels {
        description.push_str(
            "\n• in this server's Q&A channels every question is answered without a mention \
             (in a thread of its own where the channel says so), and follow-ups in the thread too",
        );
    }
    Reply {
        content: None,
        embed: Some(Embed {
            title: "citebot: answers from the corpus, quoted".into(),
            description: cut_markup(&description, limits::DESCRIPTION),
            fields: Vec::new(),
            footer: None,
            colour: COLOUR_INFO,
        }),
        buttons: Vec::new(),
        ephemeral: true,
        ping: None,
    }
}

/// `/about`: corpus size, when it was loaded, version, and the channel modes; the engine's
/// internals (passages, vocabulary, memory, load time) only for moderators.
pub fn about(snapshot: &Snapshot, channel_modes: &[(u64, ChannelMode)], moderator: bool) -> Reply {
    let stats = snapshot.stats();
    let loaded = snapshot
        .loaded_at()
        .duration_since(UNIX_EPOCH)
        .map(|d| format!("<t:{}:R>", d.as_secs()))
        .unwrap_or_else(|_| "unknown".into());
    let mut fields = vec![
        Field::new("Documents", &grouped(stats.documents), true),
        Field::new("Loaded", &loaded, true),
        Field::new("Version", env!("CARGO_PKG_VERSION"), true),
    ];
    if moderator {
        fields.extend([
            Field::new("Passages", &grouped(stats.passages), true),
            Field::new("Words", &grouped(stats.words), true),
            Field::new("Vocabulary", &grouped(stats.vocabulary), true),
            Field::new("Load time", &duration(stats.load_time), true),
            Field::new(
                "Memory",
                &format!("{:.1} MiB", stats.memory_bytes as f64 / (1024.0 * 1024.0)),
                true,
            ),
        ]);
    }
    let modes: Vec<String> = channel_modes
        .iter()
        .map(|(id, mode)| format!("<#{id}> {}", mode.as_str()))
        .collect();
    fields.push(Field::new(
        "Channel modes",
        &if modes.is_empty() {
            "every channel: mention (answers when mentioned)".to_string()
        } else {
            cut_markup(
                &format!("{}\nother channels: mention", modes.join("\n")),
                limits::FIELD_VALUE,
            )
        },
        false,
    ));
    Reply {
        content: None,
        embed: Some(Embed {
            title: format!("citebot {}", env!("CARGO_PKG_VERSION")),
            description:
                "Answers questions by quoting the corpus, with citations. No text is generated."
                    .into(),
            fields,
            footer: None,
            colour: COLOUR_INFO,
        }),
        buttons: Vec::new(),
        ephemeral: true,
        ping: None,
    }
}

/// `/config` set a channel's mode; `saved` is the error when it could not be saved.
pub fn configured(channel: u64, mode: ChannelMode, saved: Option<&str>) -> Reply {
    let what = match mode {
        ChannelMode::Off => "I will not answer messages there (commands still work).",
        ChannelMode::Mention => "I will answer messages there that mention me.",
        ChannelMode::Auto => "I will answer every question there, and leave chatter alone.",
        ChannelMode::Thread => "I will answer every question there in a thread of its own.",
    };
    let mut text = format!("<#{channel}> is now `{}`: {what}", mode.as_str());
    if let Some(error) = saved {
        let _ = write!(
            text,
            "\nIt could not be saved, so it lasts until the bot restarts: {}",
            escape(&cut(error, 300))
        );
    }
    Reply::text(&text, true)
}

/// `/reload` succeeded: what changed.
pub fn reloaded(report: &ReloadReport) -> Reply {
    let list = |ids: &[String]| -> String {
        if ids.is_empty() {
            return "none".into();
        }
        let shown: Vec<String> = ids.iter().map(|id| escape(id)).collect();
        cut_markup(&shown.join("\n"), limits::FIELD_VALUE)
    };
    let skipped: Vec<String> = report
        .skipped
        .iter()
        .map(|w| escape(&cut(&w.to_string(), 300)))
        .collect();
    let title = if report.is_unchanged() {
        "Corpus reloaded: nothing changed"
    } else {
        "Corpus reloaded"
    };
    Reply {
        content: None,
        embed: Some(Embed {
            title: title.into(),
            description: format!(
                "{} added, {} removed, {} changed, {} skipped.",
                report.added.len(),
                report.removed.len(),
                report.changed.len(),
                report.skipped.len()
            ),
            fields: vec![
                Field::new("Added", &list(&report.added), false),
                Field::new("Removed", &list(&report.removed), false),
                Field::new("Changed", &list(&report.changed), false),
                Field::new(
                    "Skipped",
                    &if skipped.is_empty() {
                        "none".into()
                    } else {
                        cut_markup(&skipped.join("\n"), limits::FIELD_VALUE)
                    },
                    false,
                ),
            ],
            footer: Some(format!(
                "{} now serving · took {}",
                count(report.documents, "document"),
                duration(report.elapsed)
            )),
            colour: COLOUR_ANSWER,
        }),
        buttons: Vec::new(),
        ephemeral: true,
        ping: None,
    }
}

/// `/reload` found nothing usable: the old corpus keeps serving, and why.
pub fn reload_failed(error: &ReloadError, documents_serving: usize) -> Reply {
    let ReloadError::NoDocuments { dir, warnings } = error;
    let reasons: Vec<String> = warnings
        .iter()
        .map(|w| escape(&cut(&w.to_string(), 300)))
        .collect();
    Reply {
        content: None,
        embed: Some(Embed {
            title: "Reload refused: the previous corpus keeps serving".into(),
            description: cut_markup(
                &format!(
                    "No usable document in {}.",
                    escape(&dir.display().to_string())
                ),
                limits::DESCRIPTION,
            ),
            fields: vec![Field::new(
                "Why",
                &if reasons.is_empty() {
                    "the folder holds no .txt or .md file".into()
                } else {
                    cut_markup(&reasons.join("\n"), limits::FIELD_VALUE)
                },
                false,
            )],
            footer: Some(format!(
                "{} still serving",
                count(documents_serving, "document")
            )),
            colour: COLOUR_WARNING,
        }),
        buttons: Vec::new(),
        ephemeral: true,
        ping: None,
    }
}

/// The refusal a member without the moderator role or Manage Server gets from `/reload` or
/// `/config` (`command` names it).
pub fn moderators_only(command: &str) -> Reply {
    let what = match command {
        "config" => "set a channel's mode",
        "gaps" => "see what the corpus does not answer (/gaps)",
        _ => "reload the corpus",
    };
    Reply::text(
        &format!("Only moderators can {what} (a moderator role, or the Manage Server permission)."),
        true,
    )
}

/// The per-user cooldown: a short "slow down" whose countdown Discord keeps current (a
/// relative timestamp, `<t:…:R>`), so it never goes stale on screen.
pub fn slow_down(remaining: Duration) -> Reply {
    let secs = remaining.as_secs_f32().ceil().max(1.0) as u64;
    let now = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Reply::text(
        &format!(
            "Slow down a little: you can ask again <t:{}:R>.",
            now + secs
        ),
        true,
    )
}

/// Something failed: shown to the user, never dropped.
pub fn failure(what: &str) -> Reply {
    Reply::text(
        &format!(
            "Sorry, something went wrong: {}. It has been logged.",
            escape(&cut(what, 500))
        ),
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_defuses_mentions_and_markup() {
        let e = escape("@everyone <@123> <@&456> **bold** `code` ||spoiler|| > quote");
        assert!(!e.contains("@everyone"));
        assert!(!e.contains("<@1") && !e.contains("<@&"));
        assert!(e.contains("\\<@\u{200B}123\\>"));
        assert!(!e.contains("**"));
        assert_eq!(
            unescape(&e),
            "@everyone <@123> <@&456> **bold** `code` ||spoiler|| > quote"
        );
    }

    #[test]
    fn a_numbered_line_is_not_a_list() {
        assert_eq!(escape("1. first"), "1\\. first");
        assert_eq!(escape("pi is 3.14"), "pi is 3.14");
    }

    #[test]
    fn cut_prefers_word_boundaries_and_marks_the_cut() {
        let c = cut("the quick brown fox jumps", 12);
        assert_eq!(c, "the quick…");
        assert_eq!(cut("short", 12), "short");
    }

    #[test]
    fn highlights_become_bold_without_their_spaces() {
        let text = "Abdul Qahar Balkhi said";
        assert_eq!(with_bold(text, &[[5, 18]]), "Abdul **Qahar Balkhi** said");
        assert_eq!(
            with_bold(text, &[[0, 5], [3, 11]]),
            "**Abdul Qahar** Balkhi said"
        );
        // Out of range or inside a character: ignored, never a panic.
        assert_eq!(with_bold("é", &[[1, 2], [0, 9]]), "**é**");
    }

    #[test]
    fn cutting_markup_never_leaves_a_dangling_marker_or_escape() {
        let markup = format!("{}**bold words**", "a".repeat(20));
        for max in 3..40 {
            let cut = cut_markup(&markup, max);
            assert!(discord_len(&cut) <= max, "{cut}");
            assert_eq!(bold_markers(&cut) % 2, 0, "{cut}");
            assert!(!cut.ends_with("\\…"), "{cut}");
        }
        let escaped = format!("{}\\*\\*", "b".repeat(10));
        for max in 3..16 {
            let cut = cut_markup(&escaped, max);
            assert!(
                !cut.trim_end_matches('…').ends_with('\\') || cut.ends_with("\\\\…"),
                "{cut}"
            );
        }
    }

    #[test]
    fn count_groups_thousands() {
        assert_eq!(count(1234567, "word"), "1,234,567 words");
        assert_eq!(count(1, "document"), "1 document");
    }
}

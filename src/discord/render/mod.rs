//! Rendering: engine values → Discord replies that always fit Discord's limits and never let
//! corpus text format the reply or mention anyone.
//!
//! Everything here is pure: it builds a [`Reply`] (plain data, easy to snapshot and to check
//! against [`limits`]), which [`Reply::to_poise`], [`Reply::to_message`] and
//! [`Reply::to_interaction_message`] turn into serenity builders, each carrying
//! [`no_pings`] allowed mentions. Text is measured in UTF-16 code units, the stricter of the ways
//! Discord may count, and cut on grapheme and word boundaries with `…`.
//!
//! - [`limits`] and [`text`]: Discord's limits, and text measured, cut and escaped to fit them.
//! - [`reply`]: the reply as plain data, and its serenity builders.
//! - [`answer`], [`citations`]: an answer's page of quotes, and the line citing each quote.
//! - [`sources`], [`reload`], [`gaps`](mod@gaps), [`help`](mod@help), [`notices`]: the other
//!   commands' replies.

pub mod answer;
pub mod citations;
mod figures;
pub mod gaps;
pub mod help;
pub mod limits;
pub mod notices;
pub mod reload;
pub mod reply;
pub mod sources;
pub mod text;

pub use answer::{
    answer, no_match, page_gone, AnswerPage, AnswerView, CorpusSize, ASK_ME, CONTEXT_CHARS,
    DEFAULT_RESULTS, FOOTER_CONTEXT, FOOTER_QUESTION, MAX_RESULTS,
};
pub use citations::{display_title, link_target};
pub use gaps::gaps;
pub use help::{about, help, PeerVersion};
pub use notices::{configured, failure, moderators_only, slow_down};
pub use reload::{reload_failed, reload_withdrawn, reloaded};
pub use reply::{no_pings, ping_only, Button, ButtonLook, Embed, Field, Reply};
pub use sources::{source, source_pages, sources, unknown_source, SOURCES_PER_PAGE};
pub use text::{block_quote, cut, discord_len, escape, unescape};

//! citebot: a Discord bot and a command line that answer questions about a folder of documents
//! by quoting it, with citations.
//!
//! The engine is the `citebot-engine` crate ([`citebot_engine`]); this crate holds its two front
//! doors and what they need: the terminal renderer, the Discord adapter, the bot's settings, the
//! insights store and the allocator's tuning.

pub mod allocator;
pub mod config;
pub mod discord;
pub mod insights;
pub mod semantic;
pub mod terminal;
pub mod watch;
pub mod wording;

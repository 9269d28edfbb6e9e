//! Insights: what members ask, whether the corpus answered, and how they voted, kept in a
//! store so moderators can see what the corpus lacks (`/gaps`, `citebot gaps`).
//!
//! - [`store`]: SQLite by default (`sqlite://./data/citebot.db`), PostgreSQL when
//!   `DATABASE_URL=postgres://…`, one code path over both.
//! - [`records`]: what is recorded (questions, votes, page turns).
//! - [`record`]: the [`Recorder`] the bot hands records to: a bounded queue and one writer task,
//!   so recording never delays or stops an answer.
//! - [`settings`]: the insights keys of the configuration.
//! - [`secret`]: the key of the user hashes, kept outside the store; [`files`]: the SQLite
//!   store's file modes.
//! - [`gaps`]: the report, from [`reads`].
//!
//! `INSIGHTS=off` turns all of it off; `INSIGHTS_RETENTION_DAYS` (default 90) prunes old rows;
//! question text from direct messages is kept only with `RECORD_DM_QUESTIONS=true`.

pub mod database_url;
pub mod files;
pub mod gaps;
pub mod reads;
pub mod record;
pub mod records;
pub mod secret;
pub mod settings;
pub mod store;

pub use gaps::Report;
pub use record::Recorder;
pub use records::{AskedBy, ChannelKind, Direction, PageTurn, Question, Vote};
pub use settings::{redacted, Settings};
pub use store::{Store, StoreError};

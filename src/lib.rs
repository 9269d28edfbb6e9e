//! citebot: answers questions about a folder of articles by quoting it, with citations.
//!
//! One engine, two front doors. [`Snapshot::load`] reads a corpus folder into an immutable,
//! indexed snapshot; [`Snapshot::ask`] turns a question into an [`Answer`]: verbatim quotes with
//! citations, or an honest `no_match`. The command line (`citebot ask`) and the Discord bot
//! (`citebot serve`) are thin adapters that render the same value.
//!
//! ```
//! use citebot::{AskOptions, LoadOptions, Snapshot};
//! let snapshot = Snapshot::load("corpus".as_ref(), &LoadOptions::default());
//! let answer = snapshot.ask("Who is the Taliban's governor for Kabul?", &AskOptions::default());
//! assert!(answer.is_answered());
//! ```

pub mod allocator;
pub mod answer;
pub mod config;
pub mod corpus;
pub mod discord;
pub mod eval;
pub mod insights;
pub mod library;
pub mod search;
mod steps;
pub mod synth;
pub mod terminal;

pub use answer::{Answer, AskOptions, Citation, Quote, Status};
pub use corpus::{Document, LoadOptions, LoadWarning, WarningKind};
pub use library::{Library, ReloadError, ReloadReport, Snapshot, Stats};

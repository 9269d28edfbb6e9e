//! citebot's engine: answers questions about a folder of documents by quoting it, with citations.
//!
//! [`Snapshot::load`] reads a corpus folder into an immutable, indexed snapshot;
//! [`Snapshot::ask`] turns a question into an [`Answer`]: verbatim quotes with citations, or an
//! honest `no_match`. [`Library`] holds the snapshot being served and swaps in a reloaded one
//! atomically. The engine knows nothing of Discord, terminals, async runtimes or databases: the
//! `citebot` binary's command line and Discord bot are thin adapters that render the same value.
//!
//! ```
//! use citebot_engine::{AskOptions, LoadOptions, Snapshot};
//! let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus");
//! let snapshot = Snapshot::load(corpus.as_ref(), &LoadOptions::default());
//! let answer = snapshot.ask("Who is the Taliban's governor for Kabul?", &AskOptions::default());
//! assert!(answer.is_answered());
//! ```

#![warn(missing_docs)]

pub mod answer;
pub mod corpus;
mod error;
pub mod eval;
pub mod library;
pub mod links;
pub mod search;
#[cfg(feature = "semantic")]
pub mod semantic;
mod steps;
pub mod text;

pub use answer::{Answer, AskOptions, Citation, Quote, Status};
pub use corpus::{
    summary_by_extension, Document, ExtensionCount, LoadOptions, LoadWarning, WarningKind,
};
pub use error::{Error, ErrorKind};
pub use library::{Library, ReloadReport, Snapshot, Stats};
pub use links::{Link, Sources};

/// The bundled corpus (`corpus/` at the workspace root), for the unit tests.
#[cfg(test)]
pub(crate) fn test_corpus() -> &'static std::path::Path {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus"))
}

/// The bundled corpus and its index, for the unit tests.
#[cfg(test)]
pub(crate) fn test_bundled() -> (corpus::Corpus, search::Index) {
    let dir = test_corpus();
    let (corpus, _) = corpus::load_dir(dir, &LoadOptions::default());
    let index = search::Index::build(&corpus, search::Aliases::load(dir).0);
    (corpus, index)
}

//! The one path of a corpus reload, whoever asks for it: `/reload`, the folder watch, or
//! another process sharing the PostgreSQL store. The new corpus is built off the async
//! runtime ([`Library::reload`]); what changed goes to the log, and, for the reloads nobody
//! asked for in Discord, to `RELOAD_REPORT_CHANNEL_ID` when set, rendered as `/reload`'s reply.
//! A failed reload keeps the old corpus serving and says why in the same places.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use sha2::{Digest, Sha256};

use crate::discord::render;
use citebot_engine::library::{Library, ReloadReport, Snapshot};

/// Who asked for a reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// A moderator's `/reload`.
    Command,
    /// The folder watch saw files change and settle.
    Watch,
    /// Another process reloaded (PostgreSQL NOTIFY).
    Peer,
}

impl Cause {
    /// How the log names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Command => "/reload",
            Cause::Watch => "folder watch",
            Cause::Peer => "another process",
        }
    }
}

/// What a reload gives: its report, or why the old corpus keeps serving.
pub type Outcome = Result<ReloadReport, citebot_engine::Error>;

/// Reloads `library` off the async runtime and logs the outcome with its cause. The outer
/// error is the loader's task failing (a panic: a bug), which also leaves the old corpus
/// serving.
pub async fn reload(
    library: &Arc<Library>,
    cause: Cause,
) -> Result<Outcome, tokio::task::JoinError> {
    let reloading = library.clone();
    let result = tokio::task::spawn_blocking(move || reloading.reload())
        .await
        .inspect_err(|joined| {
            tracing::error!(error = %joined, cause = cause.as_str(), "the reload failed; the previous corpus keeps serving");
        })?;
    match &result {
        Ok(report) => tracing::info!(
            cause = cause.as_str(),
            added = ?report.added,
            removed = ?report.removed,
            changed = ?report.changed,
            skipped = report.skipped.len(),
            documents = report.documents,
            version = %version(&library.snapshot()),
            elapsed_ms = report.elapsed.as_millis() as u64,
            "corpus reloaded"
        ),
        Err(error) => tracing::warn!(
            cause = cause.as_str(),
            %error,
            "reload found no usable document; the previous corpus keeps serving"
        ),
    }
    Ok(result)
}

/// Posts a reload's outcome to the report channel, when there is one: always a failure, and a
/// success that added, removed or changed a document.
pub async fn report(
    http: &serenity::Http,
    channel: Option<u64>,
    library: &Library,
    result: &Outcome,
) {
    let Some(channel) = channel else {
        return;
    };
    let reply = match result {
        Ok(report) if report.is_unchanged() => return,
        Ok(report) => render::reloaded(report),
        Err(error) => render::reload_failed(error, library.snapshot().documents().len()),
    };
    if let Err(error) = serenity::ChannelId::new(channel)
        .send_message(http, reply.to_new_message())
        .await
    {
        tracing::error!(%error, channel, "could not post the reload report");
    }
}

/// A short name for the corpus a snapshot serves: the first 12 hex digits of a SHA-256 over
/// every document's source id and content hash, in load order. Two processes serving the same
/// files show the same version.
pub fn version(snapshot: &Snapshot) -> String {
    let mut hasher = Sha256::new();
    for doc in snapshot.documents() {
        hasher.update(doc.id.as_bytes());
        hasher.update([0]);
        hasher.update(doc.content_hash.to_le_bytes());
    }
    let digest = hasher.finalize();
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

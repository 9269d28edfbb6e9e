//! Several processes, one PostgreSQL store: a reload in one reloads every one.
//!
//! With `DATABASE_URL=postgres://…`, each process keeps a row in `citebot_corpus_versions`
//! (its name, the [`version`] of the corpus it serves, how many documents, when it loaded,
//! and when it last said so: every minute) and listens on the channel `citebot_reload`. A
//! reload by `/reload` or by the folder watch sends `NOTIFY citebot_reload, '<process>'`;
//! every other process then reloads **its own copy** of the folder (the same path as
//! `/reload`), reports to `RELOAD_REPORT_CHANNEL_ID` like a watch reload, and updates its row,
//! without notifying again (so reloads never echo). `/about` lists the rows seen in the last
//! five minutes, so each process's corpus version shows, and a process that stopped drops
//! out. A notification lost while a listener reconnects is made good by the next one.
//!
//! Nothing here can stop answering: an unreachable server is logged, and the process serves
//! its own corpus as a single process would.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use poise::serenity_prelude as serenity;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};

use crate::discord::reloading::{self, version, Cause};
pub use crate::discord::render::PeerVersion;
use citebot_engine::library::Library;

/// The NOTIFY channel.
const CHANNEL: &str = "citebot_reload";
/// How often a process says it is alive (and serving which version).
const HEARTBEAT: Duration = Duration::from_secs(60);
/// How long start-up and shutdown wait for the server at most.
const CONNECT: Duration = Duration::from_secs(10);
/// Rows older than this are not shown by `/about`.
const SEEN_WITHIN: Duration = Duration::from_secs(300);

/// The link to the other processes; empty (does nothing) without a PostgreSQL store.
#[derive(Clone, Default)]
pub struct Peers {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    pool: PgPool,
    process: String,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A listener on the reload channel.
async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// This process's name: `host:pid:tag`, the tag telling two bots of one process apart.
fn process_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    format!(
        "{host}:{}:{:04x}",
        std::process::id(),
        rand::random::<u16>()
    )
}

impl Peers {
    /// Connects to the PostgreSQL store at `database_url`, makes the versions table when it is
    /// missing, and publishes `library`'s version. Any failure is logged and gives empty
    /// [`Peers`]: the process then reloads alone.
    pub async fn connect(database_url: &str, library: &Library) -> Peers {
        let connecting = tokio::time::timeout(CONNECT, Peers::try_connect(database_url)).await;
        match connecting.unwrap_or(Err(sqlx::Error::PoolTimedOut)) {
            Ok(inner) => {
                let peers = Peers {
                    inner: Some(Arc::new(inner)),
                };
                peers.publish(library).await;
                peers
            }
            Err(error) => {
                tracing::warn!(%error, "reloads are not shared with other processes: the PostgreSQL store cannot be reached");
                Peers::default()
            }
        }
    }

    async fn try_connect(database_url: &str) -> Result<Inner, sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(3)
            .acquire_timeout(Duration::from_secs(10))
            .connect(database_url)
            .await?;
        // Processes starting together must not race to create the table.
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(7405712316952171)")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS citebot_corpus_versions (
                process TEXT PRIMARY KEY,
                version TEXT NOT NULL,
                documents BIGINT NOT NULL,
                loaded_at_ms BIGINT NOT NULL,
                seen_at_ms BIGINT NOT NULL
            )",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Inner {
            pool,
            process: process_name(),
        })
    }

    /// True when reloads are shared.
    pub fn is_connected(&self) -> bool {
        self.inner.is_some()
    }

    /// Writes this process's row: the version `library` serves now.
    pub async fn publish(&self, library: &Library) {
        let Some(inner) = &self.inner else { return };
        let snapshot = library.snapshot();
        let loaded_at_ms = snapshot
            .loaded_at()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let written = sqlx::query(
            "INSERT INTO citebot_corpus_versions (process, version, documents, loaded_at_ms, seen_at_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (process) DO UPDATE SET version = $2, documents = $3, loaded_at_ms = $4, seen_at_ms = $5",
        )
        .bind(&inner.process)
        .bind(version(&snapshot))
        .bind(snapshot.documents().len() as i64)
        .bind(loaded_at_ms)
        .bind(now_ms())
        .execute(&inner.pool)
        .await;
        if let Err(error) = written {
            tracing::warn!(%error, "could not publish this process's corpus version");
        }
    }

    /// After a reload here (`/reload`, the watch): publishes the new version and tells every
    /// other process to reload.
    pub async fn announce(&self, library: &Library) {
        let Some(inner) = &self.inner else { return };
        self.publish(library).await;
        let sent = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(&inner.process)
            .execute(&inner.pool)
            .await;
        match sent {
            Ok(_) => tracing::info!(process = %inner.process, "other processes told to reload"),
            Err(error) => {
                tracing::warn!(%error, "could not tell the other processes to reload")
            }
        }
    }

    /// Every process seen in the last five minutes, this one first, then by name.
    pub async fn versions(&self) -> Vec<PeerVersion> {
        let Some(inner) = &self.inner else {
            return Vec::new();
        };
        let rows: Result<Vec<(String, String, i64, i64)>, _> = sqlx::query_as(
            "SELECT process, version, documents, loaded_at_ms FROM citebot_corpus_versions
             WHERE seen_at_ms >= $1 ORDER BY process LIMIT 25",
        )
        .bind(now_ms() - SEEN_WITHIN.as_millis() as i64)
        .fetch_all(&inner.pool)
        .await;
        let mut versions: Vec<PeerVersion> = match rows {
            Ok(rows) => rows
                .into_iter()
                .map(|(process, version, documents, loaded_at_ms)| PeerVersion {
                    this: process == inner.process,
                    process,
                    version,
                    documents: documents.max(0) as u64,
                    loaded_at: (loaded_at_ms.max(0) / 1000) as u64,
                })
                .collect(),
            Err(error) => {
                tracing::warn!(%error, "could not read the processes' corpus versions");
                Vec::new()
            }
        };
        versions.sort_by_key(|v| !v.this);
        versions
    }

    /// Listens for other processes' reloads until the process ends: each one reloads this
    /// process's corpus ([`Cause::Peer`]) and reports it to `report_channel`. Also says every
    /// minute that this process is alive. The first `LISTEN` is made before this returns, so a
    /// reload elsewhere after start-up is never missed; if it fails, it is retried every 30 s.
    pub async fn listen(
        &self,
        library: Arc<Library>,
        http: Arc<serenity::Http>,
        report_channel: Option<u64>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        let inner = self.inner.clone()?;
        let first = subscribe(&inner.pool).await;
        let peers = self.clone();
        Some(tokio::spawn(async move {
            let mut listener = match first {
                Ok(listener) => listener,
                Err(mut error) => loop {
                    tracing::warn!(%error, "cannot listen for other processes' reloads; retrying in 30 s");
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    match subscribe(&inner.pool).await {
                        Ok(listener) => break listener,
                        Err(again) => error = again,
                    }
                },
            };
            let mut heartbeat = tokio::time::interval(HEARTBEAT);
            loop {
                tokio::select! {
                    received = listener.recv() => match received {
                        Ok(notification) if notification.payload() == inner.process => {}
                        Ok(notification) => {
                            tracing::info!(from = notification.payload(), "another process reloaded: reloading");
                            if let Ok(outcome) = reloading::reload(&library, Cause::Peer).await {
                                reloading::report(&http, report_channel, &library, &outcome).await;
                            }
                            peers.publish(&library).await;
                        }
                        Err(error) => {
                            // PgListener reconnects by itself on the next recv.
                            tracing::warn!(%error, "lost the PostgreSQL listener; reconnecting");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    },
                    _ = heartbeat.tick() => peers.publish(&library).await,
                }
            }
        }))
    }

    /// Removes this process's row (at shutdown), so `/about` stops listing it at once.
    pub async fn leave(&self) {
        let Some(inner) = &self.inner else { return };
        let leaving = sqlx::query("DELETE FROM citebot_corpus_versions WHERE process = $1")
            .bind(&inner.process)
            .execute(&inner.pool);
        // Shutdown waits a little at most: the row ages out of `/about` anyway.
        let _ = tokio::time::timeout(Duration::from_secs(2), leaving).await;
    }
}

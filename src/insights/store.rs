//! The store: one `sqlx` [`AnyPool`] over SQLite (the embedded default) or PostgreSQL (several
//! bot processes sharing one store), the same migrations and the same runtime queries for both.
//!
//! - SQLite files are created on first run, in WAL mode so the bot's writer and a reader
//!   (`citebot gaps`, `/gaps`) do not block each other. A file that is not a database, or fails
//!   SQLite's integrity check, is moved aside (`citebot.db.corrupt-<unix time>`) with a warning
//!   and a new store is started: losing old insights is better than a bot that cannot record.
//! - Migrations are embedded in the binary; on PostgreSQL sqlx takes an advisory lock, so two
//!   processes starting at once do not both create the tables.
//! - Users are stored as a keyed, salted SHA-256 of their id. The salt is made once per store
//!   (random, kept in the store itself) and the key is kept outside it ([`super::secret`]), so
//!   every process sharing the store and the key hashes a user the same way, and a copied
//!   database alone cannot be matched against a table of known Discord ids.
//! - The SQLite data folder is created 0700 and the file 0600 ([`super::files`]).
//! - Integers are `BIGINT` and flags 0/1, times Unix milliseconds: what both backends read back
//!   the same way through sqlx's `Any` driver.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::AnyPool;

pub use super::database_url::{sqlite_path, Backend};
use super::records::{PageTurn, Question, Vote};
use super::secret::UserKey;

/// The embedded migrations, oldest first.
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "insights",
    include_str!("../../migrations/0001_insights.sql"),
)];

/// Why the store could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `DATABASE_URL` names neither SQLite nor PostgreSQL.
    #[error("DATABASE_URL {0:?} is neither sqlite://… nor postgres://…")]
    UnsupportedUrl(String),
    /// The folder of the SQLite file could not be created.
    #[error("cannot create the folder {path} for the SQLite store: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A corrupt SQLite file could not be moved aside.
    #[error("the SQLite store {path} is corrupt and could not be moved aside: {source}")]
    MoveAside {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A SQLite file that is not a sound database, opened only to be read: left as it is.
    #[error("the SQLite store {path} is corrupt ({why}); it was left as it is")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        why: String,
    },
    /// The migrations failed.
    #[error("preparing the insights tables failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database refused a query or could not be reached.
    #[error("insights store: {0}")]
    Database(#[from] sqlx::Error),
}

/// The current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A Discord snowflake as stored (ids stay below 2^63 until the 2080s).
fn id(value: u64) -> i64 {
    value as i64
}

/// An open, migrated store.
#[derive(Clone, Debug)]
pub struct Store {
    pub(super) pool: AnyPool,
    backend: Backend,
    salt: String,
    key: Option<UserKey>,
}

impl Store {
    /// Opens (creating when needed) the store at `url` and runs the migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url).ok_or_else(|| StoreError::UnsupportedUrl(url.into()))?;
        match backend {
            Backend::Postgres => Store::connect(url, backend).await,
            Backend::Sqlite => {
                let path = sqlite_path(url);
                if let Some(folder) = path.as_deref().and_then(Path::parent) {
                    if !folder.as_os_str().is_empty() {
                        super::files::prepare_folder(folder).map_err(|source| {
                            StoreError::Folder {
                                path: folder.to_path_buf(),
                                source,
                            }
                        })?;
                    }
                }
                if let Some(path) = path.as_deref() {
                    prepare_file(path)?;
                }
                let url = with_create_mode(url);
                match Store::connect(&url, backend).await {
                    Err(error) if is_corrupt(&error) && path.is_some() => {
                        let path = path.unwrap_or_default();
                        let aside = move_aside(&path)?;
                        tracing::warn!(
                            store = %path.display(),
                            moved_to = %aside.display(),
                            %error,
                            "the insights store was corrupt: moved aside, starting a new one"
                        );
                        prepare_file(&path)?;
                        Store::connect(&url, backend).await
                    }
                    other => other,
                }
            }
        }
    }

    /// Opens the store at `url` only when it exists already (for `citebot gaps`): reading
    /// insights never creates an empty store. A SQLite file is opened read-only (a read-only
    /// user can run it) and a corrupt one is an error: it is never moved aside or replaced.
    pub async fn open_existing(url: &str) -> Result<Option<Store>, StoreError> {
        sqlx::any::install_default_drivers();
        if Backend::of(url) != Some(Backend::Sqlite) {
            return Store::open(url).await.map(Some);
        }
        let Some(path) = sqlite_path(url) else {
            return Store::open(url).await.map(Some);
        };
        if !path.exists() {
            return Ok(None);
        }
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect(&with_mode(url, "ro"))
            .await?;
        let check: Result<String, sqlx::Error> = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_one(&pool)
            .await;
        match check {
            Ok(check) if check == "ok" => {}
            Ok(check) => {
                pool.close().await;
                return Err(StoreError::Corrupt { path, why: check });
            }
            Err(error) => {
                pool.close().await;
                return Err(StoreError::Corrupt {
                    path,
                    why: error.to_string(),
                });
            }
        }
        let salt: Option<String> =
            sqlx::query_scalar("SELECT value FROM insights_settings WHERE name = 'user_salt'")
                .fetch_optional(&pool)
                .await?;
        Ok(Some(Store {
            pool,
            backend: Backend::Sqlite,
            salt: salt.unwrap_or_default(),
            key: None,
        }))
    }

    async fn connect(url: &str, backend: Backend) -> Result<Store, StoreError> {
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        if backend == Backend::Sqlite {
            // Persistent in the file: set once, every later connection reads in WAL mode.
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode=WAL")
                .fetch_one(&pool)
                .await?;
            let check: String = sqlx::query_scalar("PRAGMA quick_check")
                .fetch_one(&pool)
                .await?;
            if check != "ok" {
                pool.close().await;
                return Err(StoreError::Database(sqlx::Error::Protocol(format!(
                    "database disk image is malformed: {check}"
                ))));
            }
            tracing::debug!(journal_mode = %mode, "SQLite store opened");
        }
        migrator().run(&pool).await?;
        sqlx::query("INSERT INTO insights_settings (name, value) VALUES ('user_salt', $1) ON CONFLICT (name) DO NOTHING")
            .bind(new_salt())
            .execute(&pool)
            .await?;
        let salt: String =
            sqlx::query_scalar("SELECT value FROM insights_settings WHERE name = 'user_salt'")
                .fetch_one(&pool)
                .await?;
        Ok(Store {
            pool,
            backend,
            salt,
            key: None,
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// This store hashing users with `key` (kept outside the database); without one, with the
    /// store's salt alone.
    pub fn with_key(mut self, key: Option<UserKey>) -> Store {
        self.key = key;
        self
    }

    /// The stored form of a user id: a SHA-256 of the key (when there is one, length first),
    /// the store's salt and the id, hex. Without the key the salt in the database alone
    /// cannot reproduce it.
    pub fn user_hash(&self, user: u64) -> String {
        let mut hasher = Sha256::new();
        if let Some(key) = &self.key {
            hasher.update(b"citebot user key\0");
            hasher.update((key.as_bytes().len() as u64).to_le_bytes());
            hasher.update(key.as_bytes());
        }
        let digest = hasher
            .chain_update(self.salt.as_bytes())
            .chain_update(user.to_le_bytes())
            .finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Records a question.
    pub async fn add_question(&self, q: &Question) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO questions (asked_at, guild_id, channel_kind, asked_by, user_hash, question, answered, passages, elapsed_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(q.asked_at)
        .bind(q.guild.map(id))
        .bind(q.channel_kind.to_string())
        .bind(q.asked_by.to_string())
        .bind(self.user_hash(q.user))
        .bind(q.question.clone())
        .bind(i64::from(q.answered))
        .bind(q.passages.join(","))
        .bind(i64::try_from(q.elapsed_us).unwrap_or(i64::MAX))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a vote; a user's second vote on the same answer replaces the first.
    pub async fn add_vote(&self, v: &Vote) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO votes (message_id, user_hash, up, voted_at, guild_id, question, passages) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (message_id, user_hash) DO UPDATE SET up = excluded.up, voted_at = excluded.voted_at",
        )
        .bind(id(v.message))
        .bind(self.user_hash(v.user))
        .bind(i64::from(v.up))
        .bind(v.voted_at)
        .bind(v.guild.map(id))
        .bind(v.question.clone())
        .bind(v.passages.join(","))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a More or Back.
    pub async fn add_page_turn(&self, p: &PageTurn) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO page_turns (turned_at, guild_id, message_id, user_hash, direction, page) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(p.turned_at)
        .bind(p.guild.map(id))
        .bind(id(p.message))
        .bind(self.user_hash(p.user))
        .bind(p.direction.to_string())
        .bind(i64::try_from(p.page).unwrap_or(i64::MAX))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deletes every row older than `before` (Unix ms); returns how many went.
    pub async fn prune(&self, before: i64) -> Result<u64, StoreError> {
        let mut removed = 0;
        for statement in [
            "DELETE FROM questions WHERE asked_at < $1",
            "DELETE FROM votes WHERE voted_at < $1",
            "DELETE FROM page_turns WHERE turned_at < $1",
        ] {
            removed += sqlx::query(statement)
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(removed)
    }

    /// Closes every connection (waits for queries in flight).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn migrator() -> Migrator {
    let migrations: Vec<Migration> = MIGRATIONS
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                Cow::Borrowed(*sql),
                false,
            )
        })
        .collect();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

/// 32 random bytes, hex.
fn new_salt() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `url` with `mode=rwc` (create the file when missing) unless it sets a mode itself.
fn with_create_mode(url: &str) -> String {
    with_mode(url, "rwc")
}

/// `url` with `mode=<mode>` unless it sets a mode itself.
fn with_mode(url: &str, mode: &str) -> String {
    if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode={mode}")
    } else {
        format!("{url}?mode={mode}")
    }
}

/// Creates the database file 0600 before SQLite opens it.
fn prepare_file(path: &Path) -> Result<(), StoreError> {
    super::files::prepare_file(path).map_err(|source| StoreError::Folder {
        path: path.to_path_buf(),
        source,
    })
}

/// True when SQLite says the file is not a database or is damaged.
fn is_corrupt(error: &StoreError) -> bool {
    let text = error.to_string().to_lowercase();
    text.contains("not a database") || text.contains("malformed") || text.contains("corrupt")
}

/// Renames `path` (and its `-wal`/`-shm` companions) to `<path>.corrupt-<unix seconds>`.
fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = now_ms() / 1000;
    let aside = PathBuf::from(format!("{}.corrupt-{stamp}", path.display()));
    std::fs::rename(path, &aside).map_err(|source| StoreError::MoveAside {
        path: path.to_path_buf(),
        source,
    })?;
    for companion in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{companion}", path.display()));
        if from.exists() {
            let _ = std::fs::rename(&from, format!("{}{companion}", aside.display()));
        }
    }
    Ok(aside)
}

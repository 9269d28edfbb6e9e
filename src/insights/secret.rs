//! The key of the user hashes, kept outside the database: a copied database alone cannot be
//! matched to Discord users, since its hashes need the key as well as the store's salt.
//!
//! - `INSIGHTS_SECRET` (environment or `.env`) is the key when set: what several processes
//!   sharing one PostgreSQL store must all be given.
//! - Otherwise a SQLite store gets a key file beside its data folder, `<folder>.key`
//!   (`./data.key` for the default `./data/citebot.db`), created 0600 with 32 random bytes on
//!   first run and read on every later one.
//! - A PostgreSQL store without `INSIGHTS_SECRET` gets a key file in the working folder,
//!   `./citebot-insights.key`, made the same way. A copied database alone still cannot be
//!   matched to users; but each machine then makes its own key, so one member asking two
//!   processes counts as two: the log says so at start, and `INSIGHTS_SECRET` fixes it.
//!
//! A new key (a rotated secret, a deleted key file) hashes users anew: older rows stay
//! readable, they only stop linking to the same users.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::database_url::{sqlite_path, Backend};
use super::settings::Settings;

/// The key of the user hashes. Its `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct UserKey(Vec<u8>);

impl std::fmt::Debug for UserKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserKey(***)")
    }
}

impl UserKey {
    /// A key from its bytes (a secret as given).
    pub fn new(bytes: impl Into<Vec<u8>>) -> UserKey {
        UserKey(bytes.into())
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Why the key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file could not be created or read.
    #[error("the insights key file {path} cannot be used: {source}")]
    File {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The key file of a PostgreSQL store without `INSIGHTS_SECRET`: in the working folder, never
/// in the database.
pub const POSTGRES_KEY_FILE: &str = "citebot-insights.key";

/// Where the key file of the store at `database_url` is: for SQLite `<data folder>.key` beside
/// the data folder (`./data.key` for `./data/citebot.db`), or `<file>.key` when the file has no
/// folder of its own; for PostgreSQL [`POSTGRES_KEY_FILE`] in the working folder. `None` for
/// in-memory databases, which nobody can copy.
pub fn key_file(database_url: &str) -> Option<PathBuf> {
    match Backend::of(database_url)? {
        Backend::Sqlite => {}
        Backend::Postgres => return Some(PathBuf::from(POSTGRES_KEY_FILE)),
    }
    let file = sqlite_path(database_url)?;
    let folder = file.parent().filter(|f| !f.as_os_str().is_empty());
    match folder.and_then(|f| Some((f, f.file_name()?))) {
        Some((folder, name)) if name != "." && name != ".." => {
            let mut key = name.to_os_string();
            key.push(".key");
            Some(folder.with_file_name(key))
        }
        _ => {
            let mut key = file.into_os_string();
            key.push(".key");
            Some(PathBuf::from(key))
        }
    }
}

/// The key the user hashes of `settings`' store are made with: `INSIGHTS_SECRET`, else the key
/// file (created when missing), else `None` (an in-memory database).
pub fn user_key(settings: &Settings) -> Result<Option<UserKey>, KeyError> {
    if let Some(secret) = settings.secret.as_deref().filter(|s| !s.is_empty()) {
        return Ok(Some(UserKey::new(secret.as_bytes())));
    }
    match key_file(&settings.database_url) {
        Some(path) => read_or_create(&path).map(Some),
        None => Ok(None),
    }
}

/// Reads the key file at `path`, or creates it (0600, 32 random bytes as hex) when missing.
fn read_or_create(path: &Path) -> Result<UserKey, KeyError> {
    let error = |source| KeyError::File {
        path: path.to_path_buf(),
        source,
    };
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(error)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            let bytes: [u8; 32] = rand::random();
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            std::io::Write::write_all(&mut file, hex.as_bytes()).map_err(error)?;
            file.sync_all().map_err(error)?;
            tracing::info!(key_file = %path.display(), "insights key file created");
            Ok(UserKey::new(hex))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            super::files::warn_if_wider(path, 0o600, "insights key file");
            let mut text = String::new();
            std::fs::File::open(path)
                .and_then(|f| f.take(4096).read_to_string(&mut text))
                .map_err(error)?;
            let text = text.trim();
            if text.is_empty() {
                return Err(error(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "it is empty: delete it to make a new key",
                )));
            }
            Ok(UserKey::new(text.as_bytes()))
        }
        Err(e) => Err(error(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_sits_beside_the_data_folder() {
        assert_eq!(
            key_file("sqlite://./data/citebot.db"),
            Some(PathBuf::from("./data.key"))
        );
        assert_eq!(
            key_file("sqlite:///var/lib/citebot/db/insights.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/citebot/db.key"))
        );
        assert_eq!(
            key_file("sqlite://citebot.db"),
            Some(PathBuf::from("citebot.db.key"))
        );
        assert_eq!(
            key_file("postgres://u@127.0.0.1/db"),
            Some(PathBuf::from("citebot-insights.key"))
        );
        assert_eq!(key_file("sqlite::memory:"), None);
    }

    #[test]
    fn a_key_never_shows_in_debug_output() {
        assert_eq!(format!("{:?}", UserKey::new("hunter2")), "UserKey(***)");
    }
}

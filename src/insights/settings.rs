//! How insights are recorded, read from the environment: `INSIGHTS`, `DATABASE_URL`,
//! `INSIGHTS_RETENTION_DAYS`, `RECORD_DM_QUESTIONS`, `INSIGHTS_SECRET`. Its `Debug` hides a
//! database password and the secret.

use super::database_url;
use crate::config::error::ConfigError;

/// How insights are recorded, from the environment. Its `Debug` hides a password in the URL.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// `INSIGHTS`: `on` (default) or `off`.
    pub enabled: bool,
    /// `DATABASE_URL`: `sqlite://path` (default [`Settings::DEFAULT_DATABASE_URL`]) or
    /// `postgres://…`.
    pub database_url: String,
    /// `INSIGHTS_RETENTION_DAYS`: rows older than this are deleted (default 90).
    pub retention_days: u32,
    /// `RECORD_DM_QUESTIONS`: keep the text of questions asked in direct messages (default no).
    pub record_dm_questions: bool,
    /// `INSIGHTS_SECRET`: the key of the user hashes (else a key file beside the SQLite data
    /// folder; see the `secret` module).
    pub secret: Option<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("enabled", &self.enabled)
            .field("database_url", &redacted(&self.database_url))
            .field("retention_days", &self.retention_days)
            .field("record_dm_questions", &self.record_dm_questions)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .finish()
    }
}

/// `url` with the password of its `user:password@` part replaced by `***`.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enabled: true,
            database_url: Settings::DEFAULT_DATABASE_URL.into(),
            retention_days: Settings::DEFAULT_RETENTION_DAYS,
            record_dm_questions: false,
            secret: None,
        }
    }
}

impl Settings {
    /// The embedded store, created on first run.
    pub const DEFAULT_DATABASE_URL: &'static str = "sqlite://./data/citebot.db";
    /// Days insights are kept by default.
    pub const DEFAULT_RETENTION_DAYS: u32 = 90;

    /// Reads the keys through `get` (key → trimmed, non-empty value).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let enabled = match get("INSIGHTS") {
            None => true,
            Some(v) => flag("INSIGHTS", &v)?,
        };
        let database_url = get("DATABASE_URL").unwrap_or_else(|| Self::DEFAULT_DATABASE_URL.into());
        if database_url::Backend::of(&database_url).is_none() {
            return Err(ConfigError::Malformed {
                key: "DATABASE_URL",
                reason: "must start with sqlite:// (a file) or postgres:// (a server)".into(),
            });
        }
        let retention_days = match get("INSIGHTS_RETENTION_DAYS") {
            None => Self::DEFAULT_RETENTION_DAYS,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(ConfigError::Malformed {
                        key: "INSIGHTS_RETENTION_DAYS",
                        reason: format!("{v:?} is not a positive whole number of days"),
                    })
                }
            },
        };
        let record_dm_questions = match get("RECORD_DM_QUESTIONS") {
            None => false,
            Some(v) => flag("RECORD_DM_QUESTIONS", &v)?,
        };
        Ok(Settings {
            enabled,
            database_url,
            retention_days,
            record_dm_questions,
            secret: get("INSIGHTS_SECRET"),
        })
    }
}

/// `on`/`true`/`yes`/`1` or `off`/`false`/`no`/`0`, any case.
pub(crate) fn flag(key: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" => Ok(true),
        "off" | "false" | "no" | "0" => Ok(false),
        _ => Err(ConfigError::Malformed {
            key,
            reason: format!("{value:?} is neither on nor off"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let env: HashMap<&str, &str> = pairs.iter().copied().collect();
        Settings::from_lookup(|k| env.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn nothing_set_records_to_the_embedded_store_for_90_days() {
        assert_eq!(settings(&[]).unwrap(), Settings::default());
        assert_eq!(
            Settings::default().database_url,
            "sqlite://./data/citebot.db"
        );
    }

    #[test]
    fn insights_can_be_turned_off_and_bad_values_name_the_key() {
        assert!(!settings(&[("INSIGHTS", "off")]).unwrap().enabled);
        assert!(
            settings(&[("RECORD_DM_QUESTIONS", "true")])
                .unwrap()
                .record_dm_questions
        );
        let e = settings(&[("INSIGHTS", "maybe")]).unwrap_err().to_string();
        assert!(e.starts_with("INSIGHTS is malformed"), "{e}");
        let e = settings(&[("INSIGHTS_RETENTION_DAYS", "0")])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("INSIGHTS_RETENTION_DAYS is malformed"), "{e}");
        let e = settings(&[("DATABASE_URL", "mysql://x")])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("DATABASE_URL is malformed"), "{e}");
        let pg = settings(&[("DATABASE_URL", "postgres://u@127.0.0.1:5/db")]).unwrap();
        assert_eq!(pg.database_url, "postgres://u@127.0.0.1:5/db");
    }

    #[test]
    fn a_database_password_never_shows_in_debug_output() {
        let s = settings(&[("DATABASE_URL", "postgres://bot:hunter2@db:5432/citebot")]).unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        let s = settings(&[("INSIGHTS_SECRET", "swordfish")]).unwrap();
        assert_eq!(s.secret.as_deref(), Some("swordfish"));
        assert!(!format!("{s:?}").contains("swordfish"));
        assert!(
            shown.contains("postgres://bot:***@db:5432/citebot"),
            "{shown}"
        );
    }
}

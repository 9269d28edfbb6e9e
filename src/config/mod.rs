//! Configuration of the Discord bot: every key read from the environment (and `.env`), checked
//! once at start-up, with one clear line naming the key when something is missing or malformed.
//!
//! `citebot serve` takes every key as a flag too ([`ServeArgs`]), so `--help` lists them.
//!
//! The token is a secret: [`Config`]'s `Debug` prints it redacted, and no error repeats it.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub mod args;
pub mod error;

pub use args::ServeArgs;
pub use error::ConfigError;

/// Bot configuration, read by [`Config::from_env`].
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// `DISCORD_TOKEN`: the bot token (never printed).
    pub token: String,
    /// `CORPUS_DIR`: the folder of articles to serve (default `./corpus`).
    pub corpus_dir: PathBuf,
    /// `DISCORD_GUILD_ID`: register the commands in this guild (instant) instead of globally.
    pub guild_id: Option<u64>,
    /// `MODERATOR_ROLE_IDS`: members with one of these roles (or Manage Server) may reload.
    pub moderator_role_ids: Vec<u64>,
    /// `ASK_CHANNEL_IDS`: channels in `auto` mode by default: every question there is answered.
    pub ask_channel_ids: Vec<u64>,
    /// `THREAD_CHANNEL_IDS`: channels in `thread` mode by default: every question there is
    /// answered in a new thread.
    pub thread_channel_ids: Vec<u64>,
    /// `DISCORD_API_BASE_URL`: send every REST call here instead of `https://discord.com`.
    pub api_base_url: Option<String>,
    /// `ANSWER_COOLDOWN_SECS`: how long a user waits between two questions (default 3 s).
    pub answer_cooldown: Duration,
    /// `SHARD_COUNT` and `SHARD_RANGE`: which shards this process runs.
    pub sharding: Sharding,
    /// `MAX_FILE_BYTES`: corpus files larger than this are skipped (as for the CLI).
    pub max_file_bytes: u64,
    /// `FOLLOW_LINKS_OUTSIDE`: follow symbolic links that lead out of the corpus folder
    /// (default no: they are skipped with a warning).
    pub follow_links_outside: bool,
    /// `INSIGHTS`, `DATABASE_URL`, `INSIGHTS_RETENTION_DAYS`, `RECORD_DM_QUESTIONS`: what is
    /// recorded for `/gaps`, and where.
    pub insights: crate::insights::settings::Settings,
    /// `SEMANTIC_MODEL`: the semantic reader's model folder (none: answers by keywords).
    pub semantic_model: Option<PathBuf>,
    /// `SEMANTIC_CACHE_DIR`: where the reader's embeddings are cached (default: `.citebot/` in
    /// the corpus folder).
    pub semantic_cache_dir: Option<PathBuf>,
    /// `WATCH` and `WATCH_QUIET_MS`: reload the corpus once its files have been quiet this long
    /// after a change (default 2 s); `None` when `WATCH=false`.
    pub watch: Option<Duration>,
    /// `RELOAD_REPORT_CHANNEL_ID`: where reloads nobody asked for in Discord (the folder watch,
    /// another process's reload) post what they changed.
    pub reload_report_channel_id: Option<u64>,
}

/// Which gateway shards this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharding {
    /// As many shards as Discord recommends, all in this process.
    Auto,
    /// Shards `first..=last` of `total`.
    Range {
        /// First shard id run here.
        first: u32,
        /// Last shard id run here (inclusive).
        last: u32,
        /// Shards across all processes.
        total: u32,
    },
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("token", &"<redacted>")
            .field("corpus_dir", &self.corpus_dir)
            .field("guild_id", &self.guild_id)
            .field("moderator_role_ids", &self.moderator_role_ids)
            .field("ask_channel_ids", &self.ask_channel_ids)
            .field("thread_channel_ids", &self.thread_channel_ids)
            .field("api_base_url", &self.api_base_url)
            .field("answer_cooldown", &self.answer_cooldown)
            .field("sharding", &self.sharding)
            .field("max_file_bytes", &self.max_file_bytes)
            .field("follow_links_outside", &self.follow_links_outside)
            .field("insights", &self.insights)
            .field("watch", &self.watch)
            .field("reload_report_channel_id", &self.reload_report_channel_id)
            .finish()
    }
}

impl Config {
    /// The default corpus folder.
    pub const DEFAULT_CORPUS_DIR: &'static str = "./corpus";
    /// The default per-user pause between two questions, in seconds.
    pub const DEFAULT_COOLDOWN_SECS: u64 = 3;
    /// The default quiet period of the folder watch, in milliseconds.
    pub const DEFAULT_WATCH_QUIET_MS: u64 = 2000;

    /// Reads the configuration from the process environment (load `.env` first with dotenvy).
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `lookup` (key → value), so tests need no environment.
    /// Values are trimmed; an empty value counts as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |key: &str| {
            lookup(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let token = get("DISCORD_TOKEN").ok_or(ConfigError::Missing {
            key: "DISCORD_TOKEN",
            hint: "put the bot token from the Discord developer portal in .env (see .env.example)",
        })?;
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ConfigError::Malformed {
                key: "DISCORD_TOKEN",
                reason: "contains white space; paste the token alone".into(),
            });
        }
        let corpus_dir = get("CORPUS_DIR").unwrap_or_else(|| Self::DEFAULT_CORPUS_DIR.into());
        let guild_id = get("DISCORD_GUILD_ID")
            .map(|v| parse_id("DISCORD_GUILD_ID", &v))
            .transpose()?;
        let moderator_role_ids = get("MODERATOR_ROLE_IDS")
            .map(|v| parse_ids("MODERATOR_ROLE_IDS", &v))
            .transpose()?
            .unwrap_or_default();
        let ask_channel_ids = get("ASK_CHANNEL_IDS")
            .map(|v| parse_ids("ASK_CHANNEL_IDS", &v))
            .transpose()?
            .unwrap_or_default();
        let thread_channel_ids = get("THREAD_CHANNEL_IDS")
            .map(|v| parse_ids("THREAD_CHANNEL_IDS", &v))
            .transpose()?
            .unwrap_or_default();
        let api_base_url = get("DISCORD_API_BASE_URL")
            .map(|v| parse_base_url(&v))
            .transpose()?;
        let answer_cooldown = match get("ANSWER_COOLDOWN_SECS") {
            None => Duration::from_secs(Self::DEFAULT_COOLDOWN_SECS),
            Some(v) => {
                Duration::from_secs(v.parse::<u64>().map_err(|_| ConfigError::Malformed {
                    key: "ANSWER_COOLDOWN_SECS",
                    reason: format!("{v:?} is not a whole number of seconds"),
                })?)
            }
        };
        let sharding = parse_sharding(get("SHARD_COUNT"), get("SHARD_RANGE"))?;
        let max_file_bytes = match get("MAX_FILE_BYTES") {
            None => citebot_engine::corpus::LoadOptions::DEFAULT_MAX_FILE_BYTES,
            Some(v) => match v.parse::<u64>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(ConfigError::Malformed {
                        key: "MAX_FILE_BYTES",
                        reason: format!("{v:?} is not a positive number of bytes"),
                    })
                }
            },
        };
        let follow_links_outside = match get("FOLLOW_LINKS_OUTSIDE") {
            None => false,
            Some(v) => crate::insights::settings::flag("FOLLOW_LINKS_OUTSIDE", &v)?,
        };
        let semantic_model = get("SEMANTIC_MODEL").map(PathBuf::from);
        let semantic_cache_dir = get("SEMANTIC_CACHE_DIR").map(PathBuf::from);
        let watching = match get("WATCH") {
            None => true,
            Some(v) => crate::insights::settings::flag("WATCH", &v)?,
        };
        let quiet = match get("WATCH_QUIET_MS") {
            None => Self::DEFAULT_WATCH_QUIET_MS,
            Some(v) => match v.parse::<u64>() {
                Ok(ms) if (10..=600_000).contains(&ms) => ms,
                _ => {
                    return Err(ConfigError::Malformed {
                        key: "WATCH_QUIET_MS",
                        reason: format!("{v:?} is not a number of milliseconds from 10 to 600000"),
                    })
                }
            },
        };
        let watch = watching.then(|| Duration::from_millis(quiet));
        let reload_report_channel_id = get("RELOAD_REPORT_CHANNEL_ID")
            .map(|v| parse_id("RELOAD_REPORT_CHANNEL_ID", &v))
            .transpose()?;
        let insights = crate::insights::settings::Settings::from_lookup(get)?;
        Ok(Config {
            token,
            corpus_dir: PathBuf::from(corpus_dir),
            guild_id,
            moderator_role_ids,
            ask_channel_ids,
            thread_channel_ids,
            api_base_url,
            answer_cooldown,
            sharding,
            max_file_bytes,
            follow_links_outside,
            insights,
            semantic_model,
            semantic_cache_dir,
            watch,
            reload_report_channel_id,
        })
    }
}

/// A Discord snowflake: a positive 64-bit integer.
fn parse_id(key: &'static str, value: &str) -> Result<u64, ConfigError> {
    match value.parse::<u64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(ConfigError::Malformed {
            key,
            reason: format!("{value:?} is not a Discord id (a positive integer)"),
        }),
    }
}

/// Comma-separated snowflakes; blanks between commas are ignored.
fn parse_ids(key: &'static str, value: &str) -> Result<Vec<u64>, ConfigError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| parse_id(key, v))
        .collect()
}

fn parse_base_url(value: &str) -> Result<String, ConfigError> {
    let malformed = |reason: &str| ConfigError::Malformed {
        key: "DISCORD_API_BASE_URL",
        reason: format!("{value:?} {reason}"),
    };
    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .ok_or_else(|| malformed("does not start with http:// or https://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || rest.contains(char::is_whitespace) {
        return Err(malformed("has no host"));
    }
    Ok(value.trim_end_matches('/').to_string())
}

fn parse_sharding(count: Option<String>, range: Option<String>) -> Result<Sharding, ConfigError> {
    let (count, range) = match (count, range) {
        (None, None) => return Ok(Sharding::Auto),
        (Some(_), None) => {
            return Err(ConfigError::Missing {
                key: "SHARD_RANGE",
                hint: "SHARD_COUNT is set, so SHARD_RANGE must say which shards run here (e.g. 0-3), or unset both to autoshard",
            })
        }
        (None, Some(_)) => {
            return Err(ConfigError::Missing {
                key: "SHARD_COUNT",
                hint: "SHARD_RANGE is set, so SHARD_COUNT must give the total number of shards, or unset both to autoshard",
            })
        }
        (Some(c), Some(r)) => (c, r),
    };
    let total = match count.parse::<u32>() {
        Ok(n) if n > 0 => n,
        _ => {
            return Err(ConfigError::Malformed {
                key: "SHARD_COUNT",
                reason: format!("{count:?} is not a positive whole number"),
            })
        }
    };
    let bad_range = |reason: String| ConfigError::Malformed {
        key: "SHARD_RANGE",
        reason,
    };
    let (first, last) = match range.split_once('-') {
        Some((a, b)) => (a.trim().parse::<u32>(), b.trim().parse::<u32>()),
        None => (range.parse::<u32>(), range.parse::<u32>()),
    };
    let (Ok(first), Ok(last)) = (first, last) else {
        return Err(bad_range(format!(
            "{range:?} is not FIRST-LAST (inclusive shard ids, e.g. 0-3)"
        )));
    };
    if first > last {
        return Err(bad_range(format!("{range:?} starts after it ends")));
    }
    if last >= total {
        return Err(bad_range(format!(
            "{range:?} goes past the last shard id {} of SHARD_COUNT={total}",
            total - 1
        )));
    }
    Ok(Sharding::Range { first, last, total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| env.get(k).cloned())
    }

    #[test]
    fn a_token_alone_gives_the_defaults() {
        let c = config(&[("DISCORD_TOKEN", "abc.def")]).unwrap();
        assert_eq!(c.corpus_dir, PathBuf::from("./corpus"));
        assert_eq!(c.answer_cooldown, Duration::from_secs(3));
        assert_eq!(c.sharding, Sharding::Auto);
        assert!(c.guild_id.is_none() && c.api_base_url.is_none());
        assert!(c.moderator_role_ids.is_empty() && c.ask_channel_ids.is_empty());
        assert_eq!(c.max_file_bytes, 10 * 1024 * 1024);
        let e = config(&[("DISCORD_TOKEN", "t"), ("MAX_FILE_BYTES", "10MB")]).unwrap_err();
        assert!(e.to_string().starts_with("MAX_FILE_BYTES is malformed"));
    }

    #[test]
    fn a_missing_token_names_the_key() {
        let e = config(&[]).unwrap_err().to_string();
        assert!(e.starts_with("DISCORD_TOKEN is not set"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn the_token_never_appears_in_debug_output() {
        let c = config(&[("DISCORD_TOKEN", "super-secret-token")]).unwrap();
        let shown = format!("{c:?} {c:#?}");
        assert!(!shown.contains("super-secret-token"));
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn id_lists_are_comma_separated_and_checked() {
        let c = config(&[
            ("DISCORD_TOKEN", "t"),
            ("MODERATOR_ROLE_IDS", " 1, 2 ,,3 "),
            ("ASK_CHANNEL_IDS", "42"),
            ("DISCORD_GUILD_ID", "7"),
        ])
        .unwrap();
        assert_eq!(c.moderator_role_ids, vec![1, 2, 3]);
        assert_eq!(c.ask_channel_ids, vec![42]);
        assert_eq!(c.guild_id, Some(7));
        let e = config(&[("DISCORD_TOKEN", "t"), ("MODERATOR_ROLE_IDS", "1,x")]).unwrap_err();
        assert!(e.to_string().starts_with("MODERATOR_ROLE_IDS is malformed"));
        let e = config(&[("DISCORD_TOKEN", "t"), ("DISCORD_GUILD_ID", "-4")]).unwrap_err();
        assert!(e.to_string().starts_with("DISCORD_GUILD_ID is malformed"));
    }

    #[test]
    fn the_api_base_url_must_be_http_and_loses_its_trailing_slash() {
        let c = config(&[
            ("DISCORD_TOKEN", "t"),
            ("DISCORD_API_BASE_URL", "http://127.0.0.1:3000/"),
        ])
        .unwrap();
        assert_eq!(c.api_base_url.as_deref(), Some("http://127.0.0.1:3000"));
        let e = config(&[
            ("DISCORD_TOKEN", "t"),
            ("DISCORD_API_BASE_URL", "localhost"),
        ]);
        assert!(e
            .unwrap_err()
            .to_string()
            .starts_with("DISCORD_API_BASE_URL is malformed"));
    }

    #[test]
    fn the_watch_is_on_by_default_and_its_keys_are_checked() {
        let c = config(&[("DISCORD_TOKEN", "t")]).unwrap();
        assert_eq!(c.watch, Some(Duration::from_secs(2)));
        assert_eq!(c.reload_report_channel_id, None);
        let c = config(&[
            ("DISCORD_TOKEN", "t"),
            ("WATCH_QUIET_MS", "250"),
            ("RELOAD_REPORT_CHANNEL_ID", "77"),
        ])
        .unwrap();
        assert_eq!(c.watch, Some(Duration::from_millis(250)));
        assert_eq!(c.reload_report_channel_id, Some(77));
        let c = config(&[("DISCORD_TOKEN", "t"), ("WATCH", "false")]).unwrap();
        assert_eq!(c.watch, None);
        for (key, value) in [
            ("WATCH", "sometimes"),
            ("WATCH_QUIET_MS", "2s"),
            ("WATCH_QUIET_MS", "0"),
            ("RELOAD_REPORT_CHANNEL_ID", "#reports"),
        ] {
            let e = config(&[("DISCORD_TOKEN", "t"), (key, value)]).unwrap_err();
            assert!(
                e.to_string().starts_with(&format!("{key} is malformed")),
                "{e}"
            );
        }
    }

    #[test]
    fn a_bad_cooldown_names_the_key() {
        let e = config(&[("DISCORD_TOKEN", "t"), ("ANSWER_COOLDOWN_SECS", "3s")]).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("ANSWER_COOLDOWN_SECS is malformed"));
        let c = config(&[("DISCORD_TOKEN", "t"), ("ANSWER_COOLDOWN_SECS", "0")]).unwrap();
        assert_eq!(c.answer_cooldown, Duration::ZERO);
    }

    #[test]
    fn shard_count_and_range_come_together_and_are_inclusive() {
        let c = config(&[
            ("DISCORD_TOKEN", "t"),
            ("SHARD_COUNT", "8"),
            ("SHARD_RANGE", "0-3"),
        ])
        .unwrap();
        assert_eq!(
            c.sharding,
            Sharding::Range {
                first: 0,
                last: 3,
                total: 8
            }
        );
        let one = config(&[
            ("DISCORD_TOKEN", "t"),
            ("SHARD_COUNT", "2"),
            ("SHARD_RANGE", "1"),
        ])
        .unwrap();
        assert_eq!(
            one.sharding,
            Sharding::Range {
                first: 1,
                last: 1,
                total: 2
            }
        );
        let e = config(&[("DISCORD_TOKEN", "t"), ("SHARD_COUNT", "8")]).unwrap_err();
        assert!(e.to_string().starts_with("SHARD_RANGE is not set"));
        let e = config(&[("DISCORD_TOKEN", "t"), ("SHARD_RANGE", "0-1")]).unwrap_err();
        assert!(e.to_string().starts_with("SHARD_COUNT is not set"));
        let e = config(&[
            ("DISCORD_TOKEN", "t"),
            ("SHARD_COUNT", "4"),
            ("SHARD_RANGE", "2-4"),
        ])
        .unwrap_err();
        assert!(e.to_string().starts_with("SHARD_RANGE is malformed"));
        let e = config(&[
            ("DISCORD_TOKEN", "t"),
            ("SHARD_COUNT", "4"),
            ("SHARD_RANGE", "3-1"),
        ])
        .unwrap_err();
        assert!(e.to_string().starts_with("SHARD_RANGE is malformed"));
    }

    #[test]
    fn a_token_with_spaces_is_refused_without_being_repeated() {
        let e = config(&[("DISCORD_TOKEN", "abc def")])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("DISCORD_TOKEN is malformed"));
        assert!(!e.contains("abc"));
    }
}

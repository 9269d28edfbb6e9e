//! `citebot serve`'s settings as clap arguments: every configuration key is a flag and an
//! environment variable (`.env` included), so `citebot serve --help` lists them all, with their
//! defaults. Values stay text here: [`Config::from_lookup`] checks them, so a bad one is still
//! the one line naming its key.

use clap::Args;

use super::{Config, ConfigError};
use crate::insights::settings::Settings;
use citebot_engine::corpus::LoadOptions;

/// Every key of the bot's configuration; flags win over the environment, which wins over `.env`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The bot token from the Discord developer portal (Bot → Reset Token). Prefer the
    /// environment or .env: a command line is visible to other users of the machine.
    #[arg(
        long,
        env = "DISCORD_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
    /// Folder of articles to answer from.
    #[arg(long, env = "CORPUS_DIR", value_name = "DIR", default_value = Config::DEFAULT_CORPUS_DIR)]
    corpus: String,
    /// Corpus files larger than this many bytes are skipped with a warning.
    #[arg(long, env = "MAX_FILE_BYTES", value_name = "BYTES",
          default_value_t = LoadOptions::DEFAULT_MAX_FILE_BYTES.to_string())]
    max_file_bytes: String,
    /// Follow symbolic links that lead out of the corpus folder: true or false (false skips
    /// them with a warning, so a link cannot have any file the bot can read quoted).
    #[arg(
        long,
        env = "FOLLOW_LINKS_OUTSIDE",
        value_name = "BOOL",
        default_value = "false"
    )]
    follow_links_outside: String,
    /// Register the commands in this server (instantly) instead of globally.
    #[arg(long, env = "DISCORD_GUILD_ID", value_name = "ID")]
    guild_id: Option<String>,
    /// Comma-separated role ids whose members (and those with Manage Server) are moderators.
    #[arg(long, env = "MODERATOR_ROLE_IDS", value_name = "IDS")]
    moderator_role_ids: Option<String>,
    /// Comma-separated channel ids in `auto` mode by default: every question there is answered.
    #[arg(long, env = "ASK_CHANNEL_IDS", value_name = "IDS")]
    ask_channel_ids: Option<String>,
    /// Comma-separated channel ids in `thread` mode by default: every question there is
    /// answered in a new thread.
    #[arg(long, env = "THREAD_CHANNEL_IDS", value_name = "IDS")]
    thread_channel_ids: Option<String>,
    /// Seconds a user waits between two questions (0 turns the cooldown off).
    #[arg(long, env = "ANSWER_COOLDOWN_SECS", value_name = "SECS",
          default_value_t = Config::DEFAULT_COOLDOWN_SECS.to_string())]
    answer_cooldown_secs: String,
    /// Send every REST call to this base instead of https://discord.com (a proxy, a test double).
    #[arg(long, env = "DISCORD_API_BASE_URL", value_name = "URL")]
    api_base_url: Option<String>,
    /// Shards across all processes (with --shard-range; neither: as many as Discord says).
    #[arg(long, env = "SHARD_COUNT", value_name = "N")]
    shard_count: Option<String>,
    /// The shard ids this process runs, inclusive: 0-3, or one id.
    #[arg(long, env = "SHARD_RANGE", value_name = "FIRST-LAST")]
    shard_range: Option<String>,
    /// Record questions and votes for /gaps and `citebot gaps`: on or off.
    #[arg(long, env = "INSIGHTS", value_name = "ON|OFF", default_value = "on")]
    insights: String,
    /// The insights store: sqlite://FILE (created on first run) or postgres://….
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = Settings::DEFAULT_DATABASE_URL)]
    database_url: String,
    /// Days insights are kept.
    #[arg(long, env = "INSIGHTS_RETENTION_DAYS", value_name = "DAYS",
          default_value_t = Settings::DEFAULT_RETENTION_DAYS.to_string())]
    insights_retention_days: String,
    /// Keep the text of questions asked in direct messages: true or false.
    #[arg(
        long,
        env = "RECORD_DM_QUESTIONS",
        value_name = "BOOL",
        default_value = "false"
    )]
    record_dm_questions: String,
    /// The key of the insights user hashes (else a key file beside the SQLite data folder).
    #[arg(
        long,
        env = "INSIGHTS_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    insights_secret: Option<String>,
    /// The semantic reader's model folder (config.json, tokenizer.json, model.safetensors; get
    /// it with `citebot model fetch`). Without it, answers are by keywords alone.
    #[arg(long, env = "SEMANTIC_MODEL", value_name = "DIR")]
    semantic_model: Option<String>,
    /// Keep the semantic reader's embeddings cache here instead of in `.citebot/` inside the
    /// corpus folder (for a corpus that cannot be written).
    #[arg(long, env = "SEMANTIC_CACHE_DIR", value_name = "DIR")]
    semantic_cache_dir: Option<String>,
    /// Reload the corpus when its files change: true or false.
    #[arg(long, env = "WATCH", value_name = "BOOL", default_value = "true")]
    watch: String,
    /// How long the corpus files must be quiet after a change before the reload, in ms.
    #[arg(long, env = "WATCH_QUIET_MS", value_name = "MS",
          default_value_t = Config::DEFAULT_WATCH_QUIET_MS.to_string())]
    watch_quiet_ms: String,
    /// The channel id where reloads by the folder watch or by another process are reported.
    #[arg(long, env = "RELOAD_REPORT_CHANNEL_ID", value_name = "ID")]
    reload_report_channel_id: Option<String>,
}

impl ServeArgs {
    /// The keys and their values, as given (the one list [`ServeArgs::config`] reads).
    fn keys(&self) -> [(&'static str, Option<&str>); 22] {
        [
            ("DISCORD_TOKEN", self.token.as_deref()),
            ("CORPUS_DIR", Some(&self.corpus)),
            ("MAX_FILE_BYTES", Some(&self.max_file_bytes)),
            ("FOLLOW_LINKS_OUTSIDE", Some(&self.follow_links_outside)),
            ("DISCORD_GUILD_ID", self.guild_id.as_deref()),
            ("MODERATOR_ROLE_IDS", self.moderator_role_ids.as_deref()),
            ("ASK_CHANNEL_IDS", self.ask_channel_ids.as_deref()),
            ("THREAD_CHANNEL_IDS", self.thread_channel_ids.as_deref()),
            ("ANSWER_COOLDOWN_SECS", Some(&self.answer_cooldown_secs)),
            ("DISCORD_API_BASE_URL", self.api_base_url.as_deref()),
            ("SHARD_COUNT", self.shard_count.as_deref()),
            ("SHARD_RANGE", self.shard_range.as_deref()),
            ("INSIGHTS", Some(&self.insights)),
            ("DATABASE_URL", Some(&self.database_url)),
            (
                "INSIGHTS_RETENTION_DAYS",
                Some(&self.insights_retention_days),
            ),
            ("RECORD_DM_QUESTIONS", Some(&self.record_dm_questions)),
            ("INSIGHTS_SECRET", self.insights_secret.as_deref()),
            ("SEMANTIC_MODEL", self.semantic_model.as_deref()),
            ("SEMANTIC_CACHE_DIR", self.semantic_cache_dir.as_deref()),
            ("WATCH", Some(&self.watch)),
            ("WATCH_QUIET_MS", Some(&self.watch_quiet_ms)),
            (
                "RELOAD_REPORT_CHANNEL_ID",
                self.reload_report_channel_id.as_deref(),
            ),
        ]
    }

    /// The configuration, checked: the first bad key is the error.
    pub fn config(&self) -> Result<Config, ConfigError> {
        let keys = self.keys();
        Config::from_lookup(|key| {
            keys.iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| v.map(str::to_string))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    #[test]
    fn every_key_can_be_given_as_a_flag() {
        let cli = Cli::try_parse_from([
            "citebot",
            "--token",
            "abc.def",
            "--moderator-role-ids",
            "1,2",
            "--shard-count",
            "2",
            "--shard-range",
            "1",
            "--watch",
            "false",
            "--reload-report-channel-id",
            "42",
        ])
        .unwrap();
        let config = cli.serve.config().unwrap();
        assert_eq!(config.token, "abc.def");
        assert_eq!(config.moderator_role_ids, vec![1, 2]);
        assert_eq!(config.watch, None);
        assert_eq!(config.reload_report_channel_id, Some(42));
        assert_eq!(
            config.sharding,
            crate::config::Sharding::Range {
                first: 1,
                last: 1,
                total: 2
            }
        );
    }
}

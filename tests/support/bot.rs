//! citebot running against the local Discord double, with its own copy of the bundled corpus:
//! what the end-to-end and traffic tests start and stop.

// Each test crate uses part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use citebot::config::Config;
use citebot_engine::{Library, LoadOptions, Snapshot};
use tokio::sync::oneshot;

use super::discord_double::{payloads, Actor, DiscordDouble, OptionValue};
use serde_json::Value;

/// Every wait of the harness is bounded by this.
const WAIT: Duration = Duration::from_secs(20);

/// A running bot, its double, and its corpus folder (which tests may change before a reload).
pub struct Bot {
    pub double: DiscordDouble,
    pub corpus: tempfile::TempDir,
    /// Holds the bot's own SQLite insights store unless `DATABASE_URL` was given.
    pub data: tempfile::TempDir,
    token: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Copies the bundled corpus (its files, not folders) into `to`.
pub fn copy_corpus(to: &Path) {
    for entry in std::fs::read_dir("corpus").expect("the bundled corpus") {
        let path = entry.expect("a corpus entry").path();
        if path.is_file() {
            let name = path.file_name().expect("a file name");
            std::fs::copy(&path, to.join(name)).expect("copied");
        }
    }
}

/// Where the engine's first quote for `question` on the bundled corpus comes from: source and
/// paragraph. The bot must cite what the engine answers, whatever the fitted weights choose.
pub fn first_citation(question: &str) -> (String, u32) {
    let snapshot = Snapshot::load(Path::new("corpus"), &LoadOptions::default());
    let answer = snapshot.ask(
        question,
        &citebot_engine::answer::AskOptions { top: 1, offset: 0 },
    );
    let quote = answer
        .quotes
        .first()
        .expect("the bundled corpus answers it");
    (quote.source.clone(), quote.paragraph)
}

impl Bot {
    /// Starts the bot against `double` with `token`; `env` adds or overrides configuration
    /// keys, `files` (paths relative to the corpus folder) are written into the corpus copy
    /// before it loads. Returns once the bot
    /// registered its commands.
    pub async fn launch(
        double: DiscordDouble,
        token: &str,
        env: &[(&str, &str)],
        files: &[(&str, &str)],
    ) -> Bot {
        let corpus = tempfile::tempdir().expect("a temporary folder");
        copy_corpus(corpus.path());
        for (name, text) in files {
            let path = corpus.path().join(name);
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder).expect("a folder");
            }
            std::fs::write(path, text).expect("written");
        }
        let data = tempfile::tempdir().expect("a temporary folder");
        let store = format!("sqlite://{}", data.path().join("citebot.db").display());
        let mut vars: HashMap<String, String> = [
            ("DATABASE_URL", store),
            // A key of its own, so no key file is made beside the temporary folder.
            ("INSIGHTS_SECRET", "the harness's own secret".to_string()),
            ("DISCORD_TOKEN", token.to_string()),
            ("DISCORD_API_BASE_URL", double.base_url()),
            ("DISCORD_GUILD_ID", double.guild_id().to_string()),
            ("MODERATOR_ROLE_IDS", double.moderator_role_id().to_string()),
            ("CORPUS_DIR", corpus.path().display().to_string()),
            // Tests that change the corpus and `/reload` must not race a watch: a test turns
            // it on when it is what it tests.
            ("WATCH", "false".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (k, v) in env {
            vars.insert(k.to_string(), v.to_string());
        }
        let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("configuration");
        let snapshot = Snapshot::load(&config.corpus_dir, &LoadOptions::default());
        assert!(!snapshot.is_empty());
        let library = Arc::new(Library::new(snapshot, LoadOptions::default()));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(citebot::discord::run(config, library, async {
            let _ = stopped.await;
        }));
        let bot = Bot {
            double,
            corpus,
            data,
            token: token.to_string(),
            stop: Some(stop),
            task,
        };
        bot.double
            .wait_for_request(|r| r.route == "commands.overwrite", WAIT)
            .await
            .unwrap_or_else(|| panic!("commands not registered\n{}", bot.double.request_log()));
        bot
    }

    /// Pushes a slash command and returns the interaction's token.
    pub fn push_command(
        &self,
        actor: Actor,
        name: &str,
        options: &[(&str, OptionValue)],
    ) -> String {
        let env = self.double.guild_interaction(actor);
        let id = self.double.command_id(name).expect("registered");
        self.double
            .push_interaction(payloads::slash_command(&env, id, name, options))
            .expect("pushed");
        env.token
    }

    /// The callback (initial response) of the interaction with `token`.
    pub async fn callback(&self, token: &str) -> Value {
        let token = token.to_string();
        let request = self
            .double
            .wait_for_request(
                |r| r.route == "interaction.callback" && r.path.contains(&token),
                WAIT,
            )
            .await
            .unwrap_or_else(|| panic!("no callback\n{}", self.double.request_log()));
        request.body.expect("callback body")
    }

    /// Runs a slash command and returns its callback body.
    pub async fn command(
        &self,
        actor: Actor,
        name: &str,
        options: &[(&str, OptionValue)],
    ) -> Value {
        let token = self.push_command(actor, name, options);
        self.callback(&token).await
    }

    /// Stops the bot as SIGINT would, and checks that it shut down cleanly, never sent its
    /// token anywhere, and made no request the double does not model. Returns the double for
    /// further checks.
    pub async fn shut_down(mut self) -> DiscordDouble {
        self.stop.take().expect("running").send(()).expect("stop");
        let ended = tokio::time::timeout(WAIT, &mut self.task)
            .await
            .expect("the bot stops in time")
            .expect("the bot task did not panic");
        ended.expect("the bot stops without an error");
        let seen = format!(
            "{:?}{:?}",
            self.double.requests(),
            self.double.gateway_frames()
        );
        assert!(!seen.contains(&self.token), "the token leaked");
        assert!(
            self.double.fallback_requests().is_empty(),
            "unmodelled requests\n{}",
            self.double.request_log()
        );
        self.double
    }
}

/// Stops a `citebot serve` process with SIGTERM and returns how it exited and what it printed
/// (standard output, then standard error), waiting at most `wait` for it to exit.
pub async fn terminate(
    child: std::process::Child,
    wait: Duration,
) -> (std::process::ExitStatus, String) {
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let waited = tokio::task::spawn_blocking(move || child.wait_with_output());
    let output = tokio::time::timeout(wait, waited)
        .await
        .expect("the bot exits in time after SIGTERM")
        .expect("the waiting task ends")
        .expect("the bot's output is read");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status, printed)
}

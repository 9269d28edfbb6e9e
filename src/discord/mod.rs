//! The Discord adapter: `citebot serve` runs a serenity client with poise commands that answer
//! from the same engine, and render the same [`crate::Answer`], as the command line.
//!
//! [`serve`] loads the corpus and runs until SIGINT or SIGTERM; [`run`] is the same bot with a
//! library and a shutdown signal supplied by the caller (the end-to-end tests use it).

pub mod asking;
pub mod buttons;
pub mod channels;
pub mod checks;
pub mod commands;
pub mod events;
pub mod peers;
pub mod privacy;
pub mod reloading;
pub mod render;
pub mod stopping;
pub mod types;
pub mod votes;

use std::future::Future;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use poise::serenity_prelude as serenity;

use crate::config::{Config, Sharding};
use crate::insights::database_url::{sqlite_path, Backend};
use citebot_engine::corpus::LoadOptions;
use citebot_engine::library::{Library, Snapshot};
use types::{Data, Error};

/// The gateway intents the bot needs: guilds and their messages, direct messages, and the
/// privileged MESSAGE_CONTENT to read questions asked by mention, in Q&A channels and by DM.
pub fn intents() -> serenity::GatewayIntents {
    serenity::GatewayIntents::GUILDS
        | serenity::GatewayIntents::GUILD_MESSAGES
        | serenity::GatewayIntents::DIRECT_MESSAGES
        | serenity::GatewayIntents::MESSAGE_CONTENT
}

/// Loads the corpus from `CORPUS_DIR` and runs the bot until SIGINT or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let dir = config.corpus_dir.clone();
    let options = LoadOptions {
        max_file_bytes: config.max_file_bytes,
        follow_links_outside: config.follow_links_outside,
    };
    let load_options = options.clone();
    // Listening from the start: SIGTERM while the corpus loads is a clean exit (0), not death
    // by the signal (143).
    let mut shutdown = Box::pin(shutdown_signal());
    tracing::info!(dir = %config.corpus_dir.display(), "loading the corpus");
    let loading = tokio::task::spawn_blocking(move || Snapshot::load(&dir, &load_options));
    let snapshot = tokio::select! {
        loaded = loading => loaded.context("loading the corpus")?,
        () = &mut shutdown => {
            tracing::info!("stopped during start-up, before connecting to Discord");
            return Ok(());
        }
    };
    for warning in snapshot.warnings() {
        tracing::warn!(%warning, "corpus file skipped or loaded with a caveat");
    }
    if snapshot.is_empty() {
        anyhow::bail!(
            "CORPUS_DIR {} holds no usable document: nothing to answer from",
            config.corpus_dir.display()
        );
    }
    let stats = snapshot.stats();
    tracing::info!(
        documents = stats.documents,
        passages = stats.passages,
        load_ms = stats.load_time.as_millis() as u64,
        dir = %config.corpus_dir.display(),
        "corpus loaded"
    );
    let library = Arc::new(Library::new(snapshot, options));
    if let Some(model) = config.semantic_model.clone() {
        let (serving, cache) = (Arc::clone(&library), config.semantic_cache_dir.clone());
        tokio::task::spawn_blocking(move || crate::semantic::start(&serving, &model, cache));
    }
    run(config, library, shutdown).await
}

/// Resolves on SIGINT (Ctrl-C) or, on Unix, SIGTERM. SIGTERM is listened for from the call on
/// (not from the first poll), so a signal during start-up is not the default death.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let registered = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    #[cfg(unix)]
    let terminate = async move {
        match registered {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    async move {
        tokio::select! {
            () = interrupt => tracing::info!("SIGINT received: shutting down"),
            () = terminate => tracing::info!("SIGTERM received: shutting down"),
        }
    }
}

/// The REST client: straight to Discord, or to `DISCORD_API_BASE_URL` when set.
pub fn http(config: &Config) -> serenity::Http {
    let mut builder =
        serenity::HttpBuilder::new(&config.token).default_allowed_mentions(render::no_pings());
    if let Some(base) = &config.api_base_url {
        // serenity 0.12's own rate limiter builds its requests without the proxy and would still
        // call discord.com: with another base it must be off (the base is then in charge).
        builder = builder.proxy(base).ratelimiter_disabled(true);
    }
    builder.build()
}

/// poise's options: the commands, no prefix commands at all, nobody pinged, and every error
/// shown to the user.
fn framework_options(config: &Config) -> poise::FrameworkOptions<Data, Error> {
    poise::FrameworkOptions {
        // Without a test guild the commands are global, and may then be installed by a user too.
        commands: commands::all(config.guild_id.is_none()),
        on_error: |error| Box::pin(on_error(error)),
        // poise's default lets user mentions ping and pings the author of a replied-to message.
        // Quotes come from arbitrary corpus text and questions from anyone: nothing may ping.
        allowed_mentions: Some(render::no_pings()),
        prefix_options: poise::PrefixFrameworkOptions {
            // No prefix commands: "@citebot who is Balkhi?" must reach the question handler, not
            // be parsed as a command named "who".
            prefix: None,
            mention_as_prefix: false,
            ..Default::default()
        },
        // Owners are not used; skipping the lookup spares a REST call at start-up.
        initialize_owners: false,
        event_handler: |framework, event| Box::pin(events::on_event(framework, event)),
        ..Default::default()
    }
}

/// Shows every failure to the user, ephemerally, and logs it; never drops one silently.
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, user = privacy::user_at_debug(ctx.author().id), %error, "command failed");
            let reply = render::failure(&format!("/{} failed", ctx.command().qualified_name));
            if let Err(send) = ctx.send(reply.to_poise()).await {
                tracing::error!(%send, "could not tell the user about the failure");
            }
        }
        poise::FrameworkError::CommandCheckFailed { error, ctx, .. } => {
            tracing::warn!(
                command = %ctx.command().qualified_name,
                user = privacy::user_at_debug(ctx.author().id),
                error = error.as_ref().map(ToString::to_string),
                "refused: not a moderator (no moderator role, no Manage Server)"
            );
            let refusal = render::moderators_only(&ctx.command().qualified_name);
            if let Err(send) = ctx.send(refusal.to_poise()).await {
                tracing::error!(%send, "could not send the refusal");
            }
        }
        poise::FrameworkError::CommandPanic { ctx, payload, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, payload = ?payload, "command panicked");
            let reply = render::failure("an internal error");
            let _ = ctx.send(reply.to_poise()).await;
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(event = event.snake_case_name(), %error, "event handler failed");
        }
        other => {
            if let Err(error) = poise::builtins::on_error(other).await {
                tracing::error!(%error, "could not report an error");
            }
        }
    }
}

/// Runs the bot on `library` until `shutdown` resolves, then shuts every shard down cleanly.
///
/// Commands are registered at Ready: in `DISCORD_GUILD_ID` when set (instant), else globally.
pub async fn run(
    config: Config,
    library: Arc<Library>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let guild = config.guild_id.map(serenity::GuildId::new);
    let modes_file = channels::modes_file(&config.corpus_dir);
    // Read off the async runtime, as every file is.
    let (auto, thread) = (
        config.ask_channel_ids.clone(),
        config.thread_channel_ids.clone(),
    );
    let (channel_modes, problem) = tokio::task::spawn_blocking(move || {
        channels::ChannelModes::load(&auto, &thread, Some(modes_file))
    })
    .await?;
    if let Some(problem) = problem {
        tracing::warn!(%problem, "channel modes not restored");
    }
    let insights = crate::insights::Recorder::start(&config.insights);
    let stopping = stopping::Stopping::default();
    let peers = match Backend::of(&config.insights.database_url) {
        Some(Backend::Postgres) => {
            peers::Peers::connect(&config.insights.database_url, &library).await
        }
        _ => peers::Peers::default(),
    };
    let data = Data {
        library: library.clone(),
        moderator_roles: config.moderator_role_ids.iter().copied().collect(),
        channels: Arc::new(channel_modes),
        stopping: stopping.clone(),
        threads: events::threads::Threads::default(),
        ballots: votes::Ballots::default(),
        cooldown: config.answer_cooldown,
        cooldowns: Mutex::new(poise::CooldownTracker::new()),
        insights: insights.clone(),
        peers: peers.clone(),
    };
    let framework = poise::Framework::builder()
        .options(framework_options(&config))
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                match guild {
                    Some(guild) => {
                        poise::builtins::register_in_guild(ctx, commands, guild).await?;
                        tracing::info!(%guild, bot = %ready.user.name, "commands registered in the guild");
                    }
                    None => {
                        poise::builtins::register_globally(ctx, commands).await?;
                        tracing::info!(bot = %ready.user.name, "commands registered globally");
                    }
                }
                Ok(data)
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http(&config), intents())
        .framework(framework)
        .await
        .context("building the Discord client")?;
    let listening = peers
        .listen(
            library.clone(),
            client.http.clone(),
            config.reload_report_channel_id,
        )
        .await;
    let watching = config.watch.and_then(|quiet| {
        watch_folder(
            &config,
            quiet,
            library.clone(),
            client.http.clone(),
            peers.clone(),
        )
    });
    let shard_manager = client.shard_manager.clone();
    let stopper = {
        let stopping = stopping.clone();
        tokio::spawn(async move {
            shutdown.await;
            stopping.start();
            shard_manager.shutdown_all().await;
            tracing::info!("all shards shut down");
        })
    };
    let result = match config.sharding {
        Sharding::Auto => client.start_autosharded().await,
        // serenity's `start_shard_range` takes the last shard id (inclusive) as the range's end.
        Sharding::Range { first, last, total } => {
            client.start_shard_range(first..last, total).await
        }
    };
    stopper.abort();
    for task in [listening, watching].into_iter().flatten() {
        task.abort();
    }
    peers.leave().await;
    // A command cut short by the shutdown (a `/reload`) still answers before the process ends.
    if !stopping.settle(std::time::Duration::from_secs(5)).await {
        tracing::warn!("a command's reply was still owed 5 s after shutdown began");
    }
    // Write what is queued before the process ends (bounded: a store that hangs loses it).
    insights.close(std::time::Duration::from_secs(5)).await;
    result.map_err(explain)
}

/// Starts the folder watch of `CORPUS_DIR`: each time its files change and stay quiet for
/// `quiet`, the corpus reloads, the diff is logged and reported, and the other processes are
/// told. `None` (with a warning) when the folder cannot be watched: the bot serves on, and
/// `/reload` still works.
fn watch_folder(
    config: &Config,
    quiet: std::time::Duration,
    library: Arc<Library>,
    http: Arc<serenity::Http>,
    peers: peers::Peers,
) -> Option<tokio::task::JoinHandle<()>> {
    // The insights store's folder, when it lies in the corpus, changes with every question.
    let ignore: Vec<std::path::PathBuf> = sqlite_path(&config.insights.database_url)
        .and_then(|file| file.parent().map(std::path::Path::to_path_buf))
        .filter(|folder| !folder.as_os_str().is_empty())
        .into_iter()
        .collect();
    let mut watch = match crate::watch::Watch::start(&config.corpus_dir, quiet, ignore) {
        Ok(watch) => watch,
        Err(error) => {
            tracing::warn!(%error, dir = %config.corpus_dir.display(), "cannot watch the corpus folder: it reloads only with /reload");
            return None;
        }
    };
    tracing::info!(dir = %config.corpus_dir.display(), quiet_ms = quiet.as_millis() as u64, "watching the corpus folder");
    let report_channel = config.reload_report_channel_id;
    Some(tokio::spawn(async move {
        while let Some(changed) = watch.settled().await {
            tracing::info!(
                files = changed.len(),
                first = %changed[0].display(),
                "corpus files changed: reloading"
            );
            if let Ok(outcome) = reloading::reload(&library, reloading::Cause::Watch).await {
                reloading::report(&http, report_channel, &library, &outcome).await;
                if outcome.is_ok() {
                    peers.announce(&library).await;
                }
            }
        }
    }))
}

/// Turns a failed connection into one line that says what to do about it.
fn explain(error: serenity::Error) -> anyhow::Error {
    let hint = match &error {
        serenity::Error::Gateway(serenity::GatewayError::DisallowedGatewayIntents) => {
            "the bot may not use the Message Content intent: turn it on in the Discord developer portal (Bot → Privileged Gateway Intents)"
        }
        serenity::Error::Gateway(serenity::GatewayError::InvalidAuthentication) => {
            "Discord rejected DISCORD_TOKEN: copy the bot token again from the developer portal"
        }
        serenity::Error::Http(http)
            if http.status_code() == Some(serenity::StatusCode::UNAUTHORIZED) =>
        {
            "Discord rejected DISCORD_TOKEN: copy the bot token again from the developer portal"
        }
        _ => "the Discord connection failed",
    };
    anyhow::Error::new(error).context(hint)
}

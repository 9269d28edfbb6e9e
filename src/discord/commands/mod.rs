//! The application commands: `/ask`, `/sources`, `/source`, `/reload`, `/config`, `/gaps`,
//! `/help`, `/about` and the "Ask the corpus" message context menu, one file per family, every
//! one listed in [`all`]. Registration, option parsing, autocomplete, checks and error replies
//! are poise's; the asking commands claim the per-user cooldown themselves ([`slowed_down`]);
//! each command only asks the engine and renders.
//!
//! Registered globally, every command but `/reload` and `/config` may also be installed by a
//! user and used in DMs and private channels (`integration_types` and `contexts`).

pub mod ask;
pub mod gaps;
pub mod help;
pub mod moderation;
pub mod sources;

use std::future::Future;
use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::Instrument;

use crate::discord::asking::Outcome;
use crate::discord::types::{Context, Data, Error};

/// Every command. With `user_install` (global registration) the commands say where they may be
/// installed and used: the guild-only ones (`/reload`, `/config`) in guilds only, the others by
/// users too, in DMs and private channels.
pub fn all(user_install: bool) -> Vec<poise::Command<Data, Error>> {
    let mut commands = vec![
        ask::ask(),
        ask::ask_message(),
        sources::sources(),
        sources::source(),
        moderation::reload(),
        moderation::config(),
        help::help(),
        help::about(),
        gaps::gaps(),
    ];
    if user_install {
        for command in &mut commands {
            if command.guild_only {
                command.install_context = Some(vec![serenity::InstallationContext::Guild]);
                command.interaction_context = Some(vec![serenity::InteractionContext::Guild]);
            } else {
                command.install_context = Some(vec![
                    serenity::InstallationContext::Guild,
                    serenity::InstallationContext::User,
                ]);
                command.interaction_context = Some(vec![
                    serenity::InteractionContext::Guild,
                    serenity::InteractionContext::BotDm,
                    serenity::InteractionContext::PrivateChannel,
                ]);
            }
        }
    }
    commands
}

/// Tells the author to slow down when they asked within their cooldown (`Some(outcome)`), or
/// claims the cooldown for this question (`None`). The asking commands claim it themselves,
/// not with poise's cooldowns: poise checks a command's tracker before it runs and starts it
/// inside, with awaits between, so two questions a user sends at once would both pass; and one
/// tracker serves every way of asking ([`Data::claim_cooldown`]).
async fn slowed_down(ctx: Context<'_>) -> Result<Option<Outcome>, Error> {
    let Some(remaining) = ctx.data().claim_cooldown(ctx.cooldown_context()) else {
        return Ok(None);
    };
    ctx.send(crate::discord::render::slow_down(remaining).to_poise())
        .await?;
    Ok(Some(Outcome::Cooldown))
}

/// Runs a command body in a span naming the command and user, then logs latency and outcome.
async fn traced(
    ctx: Context<'_>,
    body: impl Future<Output = Result<Outcome, Error>>,
) -> Result<(), Error> {
    let span = tracing::info_span!(
        "interaction",
        command = %ctx.command().qualified_name,
        user = crate::discord::privacy::user_at_debug(ctx.author().id),
        latency_ms = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = body.instrument(span.clone()).await;
    let latency = started.elapsed().as_secs_f64() * 1000.0;
    span.record("latency_ms", latency);
    span.record(
        "outcome",
        match &result {
            Ok(outcome) => outcome.as_str(),
            Err(_) => "error",
        },
    );
    span.in_scope(|| tracing::info!("handled"));
    result.map(|_| ())
}

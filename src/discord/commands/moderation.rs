//! The moderators' commands: `/reload` reads the corpus folder again and swaps the new corpus
//! in; `/config` sets how the bot treats a channel's messages.

use poise::serenity_prelude as serenity;

use super::traced;
use crate::discord::asking::Outcome;
use crate::discord::channels::ChannelMode;
use crate::discord::checks::is_moderator;
use crate::discord::reloading::{self, Cause};
use crate::discord::render;
use crate::discord::types::{Context, Error};

/// Read the corpus folder again and serve the new documents (moderators only).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "is_moderator"
)]
pub async fn reload(ctx: Context<'_>) -> Result<(), Error> {
    traced(ctx, async {
        // The reply is owed until it is sent, even when the bot is stopping meanwhile.
        let _owed = ctx.data().stopping.owe();
        // Reading a folder can take longer than Discord's 3 seconds: acknowledge first.
        ctx.defer_ephemeral().await?;
        let reload = reloading::reload(&ctx.data().library, Cause::Command);
        let result = tokio::select! {
            result = reload => result?,
            () = ctx.data().stopping.started() => {
                tracing::warn!("the bot is stopping: the /reload in progress is withdrawn");
                let serving = ctx.data().library.snapshot().documents().len();
                ctx.send(render::reload_withdrawn(serving).to_poise()).await?;
                return Ok(Outcome::Refused);
            }
        };
        match result {
            Ok(report) => {
                // Every other process sharing the PostgreSQL store reloads its own copy too.
                ctx.data().peers.announce(&ctx.data().library).await;
                ctx.send(render::reloaded(&report).to_poise()).await?;
                Ok(Outcome::Shown)
            }
            Err(error) => {
                let serving = ctx.data().library.snapshot().documents().len();
                ctx.send(render::reload_failed(&error, serving).to_poise())
                    .await?;
                Ok(Outcome::Refused)
            }
        }
    })
    .await
}

/// Set how the bot treats a channel's messages (moderators only).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "is_moderator"
)]
pub async fn config(
    ctx: Context<'_>,
    #[description = "The channel (a forum's posts and a channel's threads follow it)"]
    #[channel_types("Text", "News", "Forum")]
    channel: serenity::ChannelId,
    #[description = "off: never · mention: when mentioned · auto: every question · thread: every question, in a thread"]
    mode: ChannelMode,
) -> Result<(), Error> {
    traced(ctx, async {
        // Saving writes a file: off the async runtime, as every file is.
        let channels = ctx.data().channels.clone();
        let saved = tokio::task::spawn_blocking(move || channels.set(channel.get(), mode)).await?;
        if let Err(error) = &saved {
            tracing::error!(%error, "channel mode not saved");
        }
        tracing::info!(%channel, mode = mode.as_str(), "channel mode set");
        let error = saved.err().map(|e| e.to_string());
        ctx.send(render::configured(channel.get(), mode, error.as_deref()).to_poise())
            .await?;
        Ok(Outcome::Shown)
    })
    .await
}

//! `/help` and `/about`: how to ask, and what this bot serves.

use super::traced;
use crate::discord::asking::Outcome;
use crate::discord::checks::is_moderator;
use crate::discord::reloading;
use crate::discord::render;
use crate::discord::types::{Context, Error};

/// What this bot does and how to ask it.
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    traced(ctx, async {
        let reply = render::help(ctx.data().channels.any_answers_every_question());
        ctx.send(reply.to_poise()).await?;
        Ok(Outcome::Shown)
    })
    .await
}

/// Corpus size, when it was last loaded, its version, and the bot's version.
#[poise::command(slash_command)]
pub async fn about(ctx: Context<'_>) -> Result<(), Error> {
    traced(ctx, async {
        let snapshot = ctx.data().library.snapshot();
        let moderator = ctx.guild_id().is_some() && is_moderator(ctx).await.unwrap_or(false);
        let modes = ctx.data().channels.all();
        let peers = ctx.data().peers.versions().await;
        let version = reloading::version(&snapshot);
        ctx.send(render::about(&snapshot, &version, &modes, moderator, &peers).to_poise())
            .await?;
        Ok(Outcome::Shown)
    })
    .await
}

//! `/ask` and the "Ask the corpus" message context menu: a question answered with cited
//! quotes, privately or for another member when asked to.

use poise::serenity_prelude as serenity;

use super::{slowed_down, traced};
use crate::discord::asking::{answer_recorded, asker, Asked, Outcome};
use crate::discord::render::{self, Reply};
use crate::discord::types::{Context, Error};
use crate::insights::AskedBy;

/// Ask the corpus a question: the answer quotes it, with citations.
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, e.g. Who is the Taliban's governor for Kabul?"]
    #[max_length = 500]
    question: String,
    #[description = "How many quotes to show at once (1–5, default 3)"]
    #[min = 1]
    #[max = 5]
    results: Option<u8>,
    #[description = "Only you see the answer"] private: Option<bool>,
    #[description = "Answer for this member: they are pinged, nobody else"]
    #[rename = "for"]
    for_user: Option<serenity::User>,
) -> Result<(), Error> {
    traced(ctx, async {
        if let Some(outcome) = slowed_down(ctx).await? {
            return Ok(outcome);
        }
        let private = private.unwrap_or(false);
        if private && for_user.is_some() {
            let reply = Reply::text(
                "A private answer is seen by you alone: choose `private` or `for`, not both.",
                true,
            );
            ctx.send(reply.to_poise()).await?;
            return Ok(Outcome::Refused);
        }
        let top = results.map_or(render::DEFAULT_RESULTS, |r| {
            usize::from(r).clamp(1, render::MAX_RESULTS)
        });
        let mut asked = Asked::new(&question, ctx.author().id.get());
        asked.at.top = top;
        let (mut reply, outcome) =
            answer_recorded(ctx.data(), &asked, asker(ctx, AskedBy::Slash)).await;
        if outcome == Outcome::Answered {
            if private {
                reply.ephemeral = true;
            } else if let Some(user) = for_user.filter(|u| u.id != ctx.author().id) {
                reply = answered_for(reply, &format!("For <@{}>:", user.id), user.id.get());
            }
        }
        ctx.send(reply.to_poise()).await?;
        Ok(outcome)
    })
    .await
}

/// An answer given for `user`: `content` names them, and they alone are pinged.
fn answered_for(mut reply: Reply, content: &str, user: u64) -> Reply {
    reply.content = Some(render::cut(content, render::limits::CONTENT));
    reply.ping = Some(user);
    reply
}

/// Asks the corpus the text of the message it is used on, and answers for its author.
#[poise::command(context_menu_command = "Ask the corpus")]
pub async fn ask_message(ctx: Context<'_>, message: serenity::Message) -> Result<(), Error> {
    traced(ctx, async {
        if let Some(outcome) = slowed_down(ctx).await? {
            return Ok(outcome);
        }
        if message.content.trim().is_empty() {
            let reply = Reply::text("That message has no text to ask the corpus.", true);
            ctx.send(reply.to_poise()).await?;
            return Ok(Outcome::NoMatch);
        }
        let asked = Asked::new(&message.content, ctx.author().id.get());
        let asker = asker(ctx, AskedBy::ContextMenu);
        let (mut reply, outcome) = answer_recorded(ctx.data(), &asked, asker).await;
        if outcome == Outcome::Answered && !message.author.bot {
            // A resolved message may come without its guild id: the interaction has it.
            let link = message
                .id
                .link(message.channel_id, ctx.guild_id().or(message.guild_id));
            reply = answered_for(
                reply,
                &format!("For <@{}>'s [message]({link}):", message.author.id),
                message.author.id.get(),
            );
        }
        ctx.send(reply.to_poise()).await?;
        Ok(outcome)
    })
    .await
}

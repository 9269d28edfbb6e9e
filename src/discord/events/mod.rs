//! Gateway events outside commands: questions asked by message ([`messages`]), threads the bot
//! learns of ([`threads`]), and button clicks ([`clicks`]); [`quiet`] decides when the bot keeps
//! to a reaction instead of a reply.

pub mod clicks;
pub mod messages;
pub mod quiet;
pub mod threads;

use poise::serenity_prelude as serenity;

use crate::discord::types::{Data, Error};

/// Events outside commands: questions by message and button clicks.
pub async fn on_event(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let ctx = framework.serenity_context;
    match event {
        serenity::FullEvent::Message { new_message } => {
            messages::on_message(ctx, framework.user_data, framework.bot_id(), new_message).await
        }
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(click),
        } => clicks::on_click(ctx, framework.user_data, click).await,
        serenity::FullEvent::ThreadCreate { thread } => {
            framework
                .user_data
                .threads
                .learn(thread, framework.bot_id());
            Ok(())
        }
        serenity::FullEvent::Resume { .. } => {
            tracing::info!("gateway session resumed");
            Ok(())
        }
        _ => Ok(()),
    }
}

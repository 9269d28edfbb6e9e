//! Questions asked by message: a message that mentions the bot, any message in an
//! `ASK_CHANNEL_IDS` channel, and a direct message. The text without the bot's mention is asked,
//! and the bot replies to that message with the same embed as `/ask`, pinging nobody.

use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::Instrument;

use crate::discord::commands::{self, Outcome};
use crate::discord::render::{self, AnswerPage};
use crate::discord::types::{Data, Error};
use crate::insights::{AskedBy, ChannelKind};

/// Why a message is a question, or `None` when it is not one.
pub fn reason_to_answer(
    message: &serenity::Message,
    bot: serenity::UserId,
    ask_channels: &std::collections::HashSet<u64>,
) -> Option<&'static str> {
    // Bots never ask: not other bots, not this bot's own replies.
    if message.author.bot || message.author.id == bot {
        return None;
    }
    if !matches!(
        message.kind,
        serenity::MessageType::Regular | serenity::MessageType::InlineReply
    ) {
        return None;
    }
    // The mention list, not the text: `@everyone` and a user merely named are not mentions.
    if message.mentions.iter().any(|user| user.id == bot) {
        Some("mention")
    } else if message.guild_id.is_none() {
        Some("direct_message")
    } else if ask_channels.contains(&message.channel_id.get()) {
        Some("ask_channel")
    } else {
        None
    }
}

/// The question in a message: its text without the bot's mentions.
pub fn question_text(content: &str, bot: serenity::UserId) -> String {
    content
        .replace(&format!("<@{bot}>"), " ")
        .replace(&format!("<@!{bot}>"), " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The insights kind of the channel of `message`: threads are known from the cache.
fn channel_kind(ctx: &serenity::Context, message: &serenity::Message) -> ChannelKind {
    let kind = message.guild_id.and_then(|guild| {
        let guild = ctx.cache.guild(guild)?;
        if guild.threads.iter().any(|t| t.id == message.channel_id) {
            return Some(serenity::ChannelType::PublicThread);
        }
        guild.channels.get(&message.channel_id).map(|c| c.kind)
    });
    commands::channel_kind(message.guild_id, kind)
}

/// Handles one created message: answers it when it is a question, ignores it otherwise.
pub async fn on_message(
    ctx: &serenity::Context,
    data: &Data,
    bot: serenity::UserId,
    message: &serenity::Message,
) -> Result<(), Error> {
    let Some(reason) = reason_to_answer(message, bot, &data.ask_channels) else {
        return Ok(());
    };
    let span = tracing::info_span!(
        "message",
        reason,
        user = %message.author.id,
        channel = %message.channel_id,
        latency_ms = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = async {
        let cooldown = poise::CooldownContext {
            user_id: message.author.id,
            guild_id: message.guild_id,
            channel_id: message.channel_id,
        };
        if let Some(remaining) = data.message_cooldown(cooldown) {
            let reply = render::slow_down(remaining);
            message
                .channel_id
                .send_message(&ctx.http, reply.to_message(message))
                .await?;
            return Ok::<_, Error>("cooldown");
        }
        let question = question_text(&message.content, bot);
        let at = AnswerPage {
            top: render::DEFAULT_RESULTS,
            page: 0,
        };
        let asker = commands::Asker {
            user: message.author.id,
            guild: message.guild_id,
            channel_kind: channel_kind(ctx, message),
            asked_by: match reason {
                "mention" => AskedBy::Mention,
                "ask_channel" => AskedBy::AskChannel,
                _ => AskedBy::DirectMessage,
            },
        };
        let (reply, outcome) = commands::answer_recorded(data, &question, at, asker);
        message
            .channel_id
            .send_message(&ctx.http, reply.to_message(message))
            .await?;
        Ok(match outcome {
            Outcome::Answered => "answered",
            _ => "no_match",
        })
    }
    .instrument(span.clone())
    .await;
    span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
    span.record("outcome", result.as_ref().map_or("error", |o| *o));
    span.in_scope(|| tracing::info!("handled"));
    result.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(author: u64, guild: Option<u64>, channel: u64) -> serenity::Message {
        let mut m = serenity::Message::default();
        m.author.id = serenity::UserId::new(author);
        m.guild_id = guild.map(serenity::GuildId::new);
        m.channel_id = serenity::ChannelId::new(channel);
        m.content = "who is Balkhi?".into();
        m
    }

    #[test]
    fn mentions_direct_messages_and_qa_channels_are_questions() {
        let bot = serenity::UserId::new(42);
        let qa: std::collections::HashSet<u64> = [9].into();
        let mut mention = message(7, Some(1), 3);
        let mut bot_user = serenity::User::default();
        bot_user.id = bot;
        mention.mentions = vec![bot_user];
        assert_eq!(reason_to_answer(&mention, bot, &qa), Some("mention"));
        let dm = message(7, None, 3);
        assert_eq!(reason_to_answer(&dm, bot, &qa), Some("direct_message"));
        let in_qa = message(7, Some(1), 9);
        assert_eq!(reason_to_answer(&in_qa, bot, &qa), Some("ask_channel"));
        let elsewhere = message(7, Some(1), 3);
        assert_eq!(reason_to_answer(&elsewhere, bot, &qa), None);
    }

    #[test]
    fn bots_and_the_bot_itself_are_never_answered() {
        let bot = serenity::UserId::new(42);
        let qa: std::collections::HashSet<u64> = [9].into();
        let own = message(42, None, 3);
        assert_eq!(reason_to_answer(&own, bot, &qa), None);
        let mut other_bot = message(8, Some(1), 9);
        other_bot.author.bot = true;
        assert_eq!(reason_to_answer(&other_bot, bot, &qa), None);
        let mut everyone = message(7, Some(1), 3);
        everyone.mention_everyone = true;
        everyone.content = "@everyone citebot who is Balkhi?".into();
        assert_eq!(reason_to_answer(&everyone, bot, &qa), None);
    }

    #[test]
    fn the_mention_is_removed_from_the_question() {
        let bot = serenity::UserId::new(42);
        assert_eq!(question_text("<@42> who is Balkhi?", bot), "who is Balkhi?");
        assert_eq!(
            question_text("so <@!42>, who is   Balkhi?", bot),
            "so , who is Balkhi?"
        );
        assert_eq!(question_text("<@7> and <@42>", bot), "<@7> and");
    }
}

//! Questions asked by message: a message that mentions the bot, a direct message, and, in
//! channels whose mode answers every question (`auto`, `thread`: see
//! [`crate::discord::channels`]), every message that reads as a question, and in threads and forum posts under them (or started by
//! the bot), follow-ups with the thread's first question as context.
//!
//! The text without the bot's mention is asked; a bare mention in a reply asks the replied-to
//! message. The bot replies with the same embed as `/ask`, pinging nobody; in a `thread`
//! channel it starts a thread named after the question and answers there. In channels it was
//! not asked by name ([`super::quiet`]) it reacts instead of saying it found nothing or that
//! the asker must wait.

use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::Instrument;

use super::quiet;
use super::threads::Place;
use crate::discord::asking::{self, Asked, Outcome};
use crate::discord::channels::ChannelMode;
use crate::discord::render::{self, Reply};
use crate::discord::types::{Data, Error};
use crate::insights::{AskedBy, ChannelKind};

/// Longest thread name Discord accepts.
const THREAD_NAME: usize = 100;

/// Why a message is a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// It mentions the bot: answered out loud, whatever it says.
    Mention,
    /// A direct message: answered out loud.
    DirectMessage,
    /// A question in a channel (or thread) that answers every question: answered quietly.
    QaChannel,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Mention => "mention",
            Reason::DirectMessage => "direct_message",
            Reason::QaChannel => "ask_channel",
        }
    }

    /// True when the bot was not asked by name: no public "nothing found" or "slow down".
    pub fn is_quiet(self) -> bool {
        self == Reason::QaChannel
    }
}

/// Whether the message may be a question at all: not from a bot, a plain message or a reply.
fn from_a_person(message: &serenity::Message, bot: serenity::UserId) -> bool {
    !message.author.bot
        && message.author.id != bot
        && matches!(
            message.kind,
            serenity::MessageType::Regular | serenity::MessageType::InlineReply
        )
}

/// Why a message is a question, or `None` when it is not one, given where it was posted and
/// the mode of that channel (a thread's parent's).
pub fn reason_to_answer(
    message: &serenity::Message,
    bot: serenity::UserId,
    place: &Place,
    mode: ChannelMode,
) -> Option<Reason> {
    if !from_a_person(message, bot) {
        return None;
    }
    if matches!(place, Place::Private) || message.guild_id.is_none() {
        return Some(Reason::DirectMessage);
    }
    if mode == ChannelMode::Off {
        return None;
    }
    // The mention list, not the text: `@everyone` and a user merely named are not mentions.
    if message.mentions.iter().any(|user| user.id == bot) {
        return Some(Reason::Mention);
    }
    let by_bot = matches!(place, Place::Thread(note) if note.by_bot);
    if !(mode.answers_every_question() || by_bot) {
        return None;
    }
    let replied_to = message
        .referenced_message
        .as_ref()
        .map(|m| m.author.id.get());
    let mentioned: Vec<u64> = message.mentions.iter().map(|u| u.id.get()).collect();
    let theirs =
        quiet::talks_to_someone_else(message.author.id.get(), bot.get(), replied_to, &mentioned);
    (!theirs && quiet::reads_as_question(&question_text(&message.content, bot)))
        .then_some(Reason::QaChannel)
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

/// Handles one created message: answers it when it is a question, ignores it otherwise.
pub async fn on_message(
    ctx: &serenity::Context,
    data: &Data,
    bot: serenity::UserId,
    message: &serenity::Message,
) -> Result<(), Error> {
    if !from_a_person(message, bot) {
        return Ok(());
    }
    let place = data.threads.place(ctx, bot, message).await;
    let parent = match &place {
        Place::Thread(note) => note.parent,
        _ => message.channel_id.get(),
    };
    let mode = data.channels.mode(parent);
    let Some(reason) = reason_to_answer(message, bot, &place, mode) else {
        return Ok(());
    };
    let span = tracing::info_span!(
        "message",
        reason = reason.as_str(),
        user = crate::discord::privacy::user_at_debug(message.author.id),
        channel = %message.channel_id,
        latency_ms = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = handle(ctx, data, bot, message, reason, &place, mode)
        .instrument(span.clone())
        .await;
    span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
    span.record("outcome", result.as_ref().map_or("error", |o| *o));
    span.in_scope(|| tracing::info!("handled"));
    result.map(|_| ())
}

/// Answers a message known to be a question; returns the outcome for the log.
async fn handle(
    ctx: &serenity::Context,
    data: &Data,
    bot: serenity::UserId,
    message: &serenity::Message,
    reason: Reason,
    place: &Place,
    mode: ChannelMode,
) -> Result<&'static str, Error> {
    let mut question = question_text(&message.content, bot);
    if question.is_empty() && reason == Reason::Mention {
        // A bare mention in a reply asks the replied-to message.
        if let Some(replied) = replied_to(ctx, message).await {
            question = question_text(&replied.content, bot);
        }
    }
    if question.is_empty() {
        send(ctx, message, &Reply::text(render::ASK_ME, true)).await?;
        return Ok("empty");
    }
    let cooldown = poise::CooldownContext {
        user_id: message.author.id,
        guild_id: message.guild_id,
        channel_id: message.channel_id,
    };
    if let Some(remaining) = data.claim_cooldown(cooldown) {
        if reason.is_quiet() {
            message
                .react(
                    &ctx.http,
                    serenity::ReactionType::Unicode(quiet::COOLDOWN_REACTION.into()),
                )
                .await?;
        } else {
            send(ctx, message, &render::slow_down(remaining)).await?;
        }
        return Ok("cooldown");
    }
    // In a thread: the first question asked there is the context of the later ones.
    let context = match place {
        Place::Thread(note) => {
            data.threads.asked_in(message.channel_id.get(), &question);
            note.first_question
                .clone()
                .filter(|first| *first != question)
        }
        _ => None,
    };
    let context = context.map(|c| render::cut(&c, render::CONTEXT_CHARS));
    let mut asked = Asked::new(&question, message.author.id.get());
    asked.context = context.as_deref();
    let asker = asking::Asker {
        user: message.author.id,
        guild: message.guild_id,
        channel_kind: match place {
            Place::Private => ChannelKind::DirectMessage,
            Place::Channel => ChannelKind::Channel,
            Place::Thread(_) => ChannelKind::Thread,
        },
        asked_by: match reason {
            Reason::Mention => AskedBy::Mention,
            Reason::DirectMessage => AskedBy::DirectMessage,
            Reason::QaChannel => AskedBy::AskChannel,
        },
    };
    let (reply, outcome) = asking::answer_recorded(data, &asked, asker).await;
    if outcome != Outcome::Answered {
        if reason.is_quiet() {
            message
                .react(
                    &ctx.http,
                    serenity::ReactionType::Unicode(quiet::NO_MATCH_REACTION.into()),
                )
                .await?;
        } else {
            send(ctx, message, &reply).await?;
        }
        return Ok("no_match");
    }
    let in_channel = matches!(place, Place::Channel);
    if mode == ChannelMode::Thread && in_channel {
        let name = render::cut(&question, THREAD_NAME);
        let thread = message
            .channel_id
            .create_thread_from_message(&ctx.http, message.id, serenity::CreateThread::new(name))
            .await?;
        data.threads
            .started(thread.id.get(), message.channel_id.get(), &question);
        thread
            .id
            .send_message(&ctx.http, reply.to_new_message())
            .await?;
        return Ok("answered_in_thread");
    }
    send(ctx, message, &reply).await?;
    Ok("answered")
}

/// Replies to `message` (sent even if it was deleted meanwhile).
async fn send(
    ctx: &serenity::Context,
    message: &serenity::Message,
    reply: &Reply,
) -> Result<(), Error> {
    message
        .channel_id
        .send_message(&ctx.http, reply.to_message(message))
        .await?;
    Ok(())
}

/// The message `message` replies to: as Discord sent it along, else fetched.
async fn replied_to(
    ctx: &serenity::Context,
    message: &serenity::Message,
) -> Option<serenity::Message> {
    if let Some(replied) = &message.referenced_message {
        return Some((**replied).clone());
    }
    let reference = message.message_reference.as_ref()?;
    let id = reference.message_id?;
    match reference.channel_id.message(&ctx.http, id).await {
        Ok(replied) => Some(replied),
        Err(error) => {
            tracing::warn!(%error, "cannot read the replied-to message");
            None
        }
    }
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

    use crate::discord::events::threads::ThreadNote;

    const ASK: ChannelMode = ChannelMode::Auto;
    const MENTION: ChannelMode = ChannelMode::Mention;

    #[test]
    fn mentions_direct_messages_and_qa_channels_are_questions() {
        let bot = serenity::UserId::new(42);
        let mut mention = message(7, Some(1), 3);
        let mut bot_user = serenity::User::default();
        bot_user.id = bot;
        mention.mentions = vec![bot_user];
        let here = Place::Channel;
        assert_eq!(
            reason_to_answer(&mention, bot, &here, MENTION),
            Some(Reason::Mention)
        );
        assert_eq!(
            reason_to_answer(&mention, bot, &here, ChannelMode::Off),
            None
        );
        let dm = message(7, None, 3);
        assert_eq!(
            reason_to_answer(&dm, bot, &Place::Private, MENTION),
            Some(Reason::DirectMessage)
        );
        let in_qa = message(7, Some(1), 9);
        assert_eq!(
            reason_to_answer(&in_qa, bot, &here, ASK),
            Some(Reason::QaChannel)
        );
        let elsewhere = message(7, Some(1), 3);
        assert_eq!(reason_to_answer(&elsewhere, bot, &here, MENTION), None);
    }

    #[test]
    fn a_thread_the_bot_started_takes_follow_ups_without_a_mention() {
        let bot = serenity::UserId::new(42);
        let mut follow_up = message(7, Some(1), 11);
        follow_up.content = "and who is his deputy?".into();
        let thread = Place::Thread(ThreadNote {
            parent: 3,
            by_bot: true,
            first_question: Some("who is Balkhi?".into()),
        });
        assert_eq!(
            reason_to_answer(&follow_up, bot, &thread, MENTION),
            Some(Reason::QaChannel)
        );
        let members = Place::Thread(ThreadNote {
            parent: 3,
            by_bot: false,
            first_question: None,
        });
        assert_eq!(reason_to_answer(&follow_up, bot, &members, MENTION), None);
        assert_eq!(
            reason_to_answer(&follow_up, bot, &members, ASK),
            Some(Reason::QaChannel)
        );
    }

    #[test]
    fn chatter_and_replies_between_members_in_a_qa_channel_are_left_alone() {
        let bot = serenity::UserId::new(42);
        let mut thanks = message(7, Some(1), 9);
        thanks.content = "thanks, that helps!".into();
        assert_eq!(reason_to_answer(&thanks, bot, &Place::Channel, ASK), None);
        let mut reply = message(7, Some(1), 9);
        let mut bob = serenity::Message::default();
        bob.author.id = serenity::UserId::new(8);
        reply.referenced_message = Some(Box::new(bob));
        assert_eq!(reason_to_answer(&reply, bot, &Place::Channel, ASK), None);
    }

    #[test]
    fn bots_and_the_bot_itself_are_never_answered() {
        let bot = serenity::UserId::new(42);
        let own = message(42, None, 3);
        assert_eq!(reason_to_answer(&own, bot, &Place::Private, ASK), None);
        let mut other_bot = message(8, Some(1), 9);
        other_bot.author.bot = true;
        assert_eq!(
            reason_to_answer(&other_bot, bot, &Place::Channel, ASK),
            None
        );
        let mut everyone = message(7, Some(1), 3);
        everyone.mention_everyone = true;
        everyone.content = "@everyone citebot who is Balkhi?".into();
        assert_eq!(
            reason_to_answer(&everyone, bot, &Place::Channel, MENTION),
            None
        );
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

//! Threads and forum posts: a message in a thread carries the thread's id as its channel, so the
//! bot learns each thread's parent (`parent_id`) to apply the parent's mode, remembers which
//! threads it started, and each thread's first question, the context of its follow-ups.
//!
//! Threads are learnt from THREAD_CREATE, from the threads the bot starts, and otherwise from
//! the cache or one `GET /channels/{id}` per unknown channel. After a restart a thread the bot
//! started is recognised by its owner, and its name (the question, cut) stands for its first
//! question.

use std::collections::HashMap;
use std::sync::Mutex;

use poise::serenity_prelude as serenity;

/// Most channels remembered; past it the memory starts again (one lookup each to relearn).
const CAPACITY: usize = 100_000;

/// Where a message was posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A direct message or a private channel outside any guild.
    Private,
    /// A guild channel that is not a thread.
    Channel,
    /// A thread (or forum post) under `parent`.
    Thread(ThreadNote),
}

/// What the bot knows of one thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadNote {
    /// The channel (text or forum) the thread is in.
    pub parent: u64,
    /// The bot started it (to answer a question in it).
    pub by_bot: bool,
    /// The first question asked in it, when known: the context of later questions.
    pub first_question: Option<String>,
}

/// Every channel the bot has placed, by id.
#[derive(Debug, Default)]
pub struct Threads {
    known: Mutex<HashMap<u64, Place>>,
}

fn is_thread(kind: serenity::ChannelType) -> bool {
    matches!(
        kind,
        serenity::ChannelType::PublicThread
            | serenity::ChannelType::PrivateThread
            | serenity::ChannelType::NewsThread
    )
}

impl Threads {
    fn remember(&self, channel: u64, place: Place) {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() >= CAPACITY && !known.contains_key(&channel) {
            known.clear();
        }
        known.insert(channel, place);
    }

    /// What is known of `channel` without asking anyone.
    pub fn known(&self, channel: u64) -> Option<Place> {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        known.get(&channel).cloned()
    }

    /// Learns a channel from its object (THREAD_CREATE, a fetched channel, a started thread).
    /// `first_question` is kept from what was known before unless given.
    pub fn learn(&self, channel: &serenity::GuildChannel, bot: serenity::UserId) {
        let place = match (is_thread(channel.kind), channel.parent_id) {
            (true, Some(parent)) => {
                let before = self.known(channel.id.get());
                let first_question = match before {
                    Some(Place::Thread(note)) => note.first_question,
                    // After a restart: the thread the bot started is named after its question.
                    _ if channel.owner_id == Some(bot) => Some(channel.name.clone()),
                    _ => None,
                };
                Place::Thread(ThreadNote {
                    parent: parent.get(),
                    by_bot: channel.owner_id == Some(bot),
                    first_question,
                })
            }
            _ => Place::Channel,
        };
        self.remember(channel.id.get(), place);
    }

    /// Records the thread the bot started for `question` under `parent`.
    pub fn started(&self, thread: u64, parent: u64, question: &str) {
        self.remember(
            thread,
            Place::Thread(ThreadNote {
                parent,
                by_bot: true,
                first_question: Some(question.to_string()),
            }),
        );
    }

    /// Records `question` as the first question of `thread` unless it has one.
    pub fn asked_in(&self, thread: u64, question: &str) {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(Place::Thread(note)) = known.get_mut(&thread) {
            if note.first_question.is_none() {
                note.first_question = Some(question.to_string());
            }
        }
    }

    /// Where `message` was posted: remembered, else from the cache, else asked of Discord once.
    pub async fn place(
        &self,
        ctx: &serenity::Context,
        bot: serenity::UserId,
        message: &serenity::Message,
    ) -> Place {
        let Some(guild) = message.guild_id else {
            return Place::Private;
        };
        let channel = message.channel_id;
        if let Some(place) = self.known(channel.get()) {
            return place;
        }
        let cached = ctx.cache.guild(guild).and_then(|g| {
            g.channels
                .get(&channel)
                .or_else(|| g.threads.iter().find(|t| t.id == channel))
                .cloned()
        });
        let fetched = match cached {
            Some(found) => Some(found),
            None => match channel.to_channel(ctx).await {
                Ok(serenity::Channel::Guild(found)) => Some(found),
                Ok(_) => None,
                Err(error) => {
                    tracing::warn!(%channel, %error, "cannot tell whether the channel is a thread; taken as a channel");
                    None
                }
            },
        };
        match fetched {
            Some(found) => self.learn(&found, bot),
            None => self.remember(channel.get(), Place::Channel),
        }
        self.known(channel.get()).unwrap_or(Place::Channel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(id: u64, parent: u64, owner: u64, name: &str) -> serenity::GuildChannel {
        let mut channel = serenity::GuildChannel::default();
        channel.id = serenity::ChannelId::new(id);
        channel.kind = serenity::ChannelType::PublicThread;
        channel.parent_id = Some(serenity::ChannelId::new(parent));
        channel.owner_id = Some(serenity::UserId::new(owner));
        channel.name = name.into();
        channel
    }

    #[test]
    fn a_thread_is_placed_under_its_parent_and_keeps_its_first_question() {
        let threads = Threads::default();
        let bot = serenity::UserId::new(9);
        threads.learn(&thread(10, 3, 7, "a member's thread"), bot);
        assert_eq!(
            threads.known(10),
            Some(Place::Thread(ThreadNote {
                parent: 3,
                by_bot: false,
                first_question: None
            }))
        );
        threads.asked_in(10, "who is Balkhi?");
        threads.asked_in(10, "and his deputy?");
        let Some(Place::Thread(note)) = threads.known(10) else {
            panic!("a thread")
        };
        assert_eq!(note.first_question.as_deref(), Some("who is Balkhi?"));
    }

    #[test]
    fn a_thread_the_bot_started_is_recognised_after_a_restart_by_its_owner_and_name() {
        let threads = Threads::default();
        let bot = serenity::UserId::new(9);
        threads.learn(&thread(11, 3, 9, "Who is Balkhi?"), bot);
        let Some(Place::Thread(note)) = threads.known(11) else {
            panic!("a thread")
        };
        assert!(note.by_bot);
        assert_eq!(note.first_question.as_deref(), Some("Who is Balkhi?"));
        threads.started(12, 3, "the question in full");
        threads.learn(&thread(12, 3, 9, "the question…"), bot);
        let Some(Place::Thread(note)) = threads.known(12) else {
            panic!("a thread")
        };
        assert_eq!(note.first_question.as_deref(), Some("the question in full"));
    }
}

//! What is recorded: one value per question asked, vote cast and page turned, with where and
//! how it happened. Plain data shared by the [`Recorder`](super::Recorder) that queues it and
//! the [`Store`](super::Store) that writes it.

use std::fmt;

/// Where a question was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// A channel of a server.
    Channel,
    /// A thread (or forum post) of a server.
    Thread,
    /// A direct message with the bot.
    DirectMessage,
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChannelKind::Channel => "channel",
            ChannelKind::Thread => "thread",
            ChannelKind::DirectMessage => "dm",
        })
    }
}

/// How a question was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskedBy {
    /// `/ask`.
    Slash,
    /// The "Ask the corpus" context menu.
    ContextMenu,
    /// A message mentioning the bot.
    Mention,
    /// A message in a Q&A channel.
    AskChannel,
    /// A direct message.
    DirectMessage,
}

impl fmt::Display for AskedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AskedBy::Slash => "slash",
            AskedBy::ContextMenu => "context_menu",
            AskedBy::Mention => "mention",
            AskedBy::AskChannel => "ask_channel",
            AskedBy::DirectMessage => "direct_message",
        })
    }
}

/// Which way a page button went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// "More ▶".
    More,
    /// "◀ Back".
    Back,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::More => "more",
            Direction::Back => "back",
        })
    }
}

/// One question and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// When (Unix ms).
    pub asked_at: i64,
    /// The server, `None` in a DM.
    pub guild: Option<u64>,
    /// The kind of channel.
    pub channel_kind: ChannelKind,
    /// How it was asked.
    pub asked_by: AskedBy,
    /// The asker's Discord id (stored only as a salted hash).
    pub user: u64,
    /// The question text (`None` when not kept, as for DMs by default).
    pub question: Option<String>,
    /// Quotes were shown.
    pub answered: bool,
    /// The passages quoted, as `source#paragraph`.
    pub passages: Vec<String>,
    /// Time the engine took.
    pub elapsed_us: u64,
}

/// One 👍/👎 on an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    /// When (Unix ms).
    pub voted_at: i64,
    /// The server, `None` in a DM.
    pub guild: Option<u64>,
    /// The answer message voted on: one vote per user per message.
    pub message: u64,
    /// The voter's Discord id (stored only as a salted hash).
    pub user: u64,
    /// 👍 (true) or 👎.
    pub up: bool,
    /// The question answered (`None` when not kept).
    pub question: Option<String>,
    /// The passages of the answer, as `source#paragraph`.
    pub passages: Vec<String>,
}

/// One More/Back click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageTurn {
    /// When (Unix ms).
    pub turned_at: i64,
    /// The server, `None` in a DM.
    pub guild: Option<u64>,
    /// The answer message.
    pub message: u64,
    /// Who clicked (stored only as a salted hash).
    pub user: u64,
    /// More or Back.
    pub direction: Direction,
    /// The page shown (0-based).
    pub page: usize,
}

//! The state every handler shares, and the framework's type aliases.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::discord::channels::ChannelModes;
use crate::discord::events::threads::Threads;
use crate::discord::votes::Ballots;
use citebot_engine::library::Library;

/// An error inside a handler: poise shows it to the user (ephemerally) and logs it.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The poise context of a command.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// What every command, message and button handler can reach.
pub struct Data {
    /// The serving corpus; hold one `snapshot()` for a whole question.
    pub library: Arc<Library>,
    /// Roles whose members may reload (besides Manage Server).
    pub moderator_roles: HashSet<u64>,
    /// Each channel's mode (defaults from the environment, `/config` overrides).
    pub channels: Arc<ChannelModes>,
    /// The bot's shutdown, which a long command waits on beside its work.
    pub stopping: crate::discord::stopping::Stopping,
    /// Threads and forum posts: their parents, and the first question asked in each.
    pub threads: Threads,
    /// Votes on answers, one per person per answer.
    pub ballots: Ballots,
    /// Per-user pause between two questions.
    pub cooldown: Duration,
    /// Each user's cooldown, whichever way they ask (`/ask`, the context menu, a message).
    pub cooldowns: Mutex<poise::CooldownTracker>,
    /// Where questions, votes and page turns go for `/gaps` (never blocks).
    pub insights: crate::insights::Recorder,
    /// The other processes sharing the PostgreSQL store: told of reloads, listed by `/about`.
    pub peers: crate::discord::peers::Peers,
}

impl Data {
    /// How long the user must still wait before asking again; when they need not, their
    /// cooldown starts now (checked and started under one lock: of two questions sent at once,
    /// exactly one passes).
    pub fn claim_cooldown(&self, context: poise::CooldownContext) -> Option<Duration> {
        let config = poise::CooldownConfig {
            user: Some(self.cooldown),
            ..Default::default()
        };
        let mut tracker = self
            .cooldowns
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let remaining = tracker.remaining_cooldown(context.clone(), &config);
        if remaining.is_none() {
            tracker.start_cooldown(context);
        }
        remaining
    }
}

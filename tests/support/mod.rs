//! Shared helpers for the integration tests: the local Discord API double, and the bot started
//! against it.

pub mod bot;
pub mod discord_double;
pub mod logs;
pub mod postgres;
pub mod reply;
pub mod shared;

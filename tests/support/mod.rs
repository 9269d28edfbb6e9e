//! Shared helpers for the integration tests: the local Discord API double.

pub mod discord_double;

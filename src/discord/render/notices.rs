//! Short notices: a channel's mode set by `/config`, a refusal to a member who is not a
//! moderator, the cooldown's "slow down", and failures, which are shown, never dropped.

use std::fmt::Write as _;
use std::time::{Duration, UNIX_EPOCH};

use super::reply::Reply;
use super::text::{cut, escape};
use crate::discord::channels::ChannelMode;

/// `/config` set a channel's mode; `saved` is the error when it could not be saved.
pub fn configured(channel: u64, mode: ChannelMode, saved: Option<&str>) -> Reply {
    let what = match mode {
        ChannelMode::Off => "I will not answer messages there (commands still work).",
        ChannelMode::Mention => "I will answer messages there that mention me.",
        ChannelMode::Auto => "I will answer every question there, and leave chatter alone.",
        ChannelMode::Thread => "I will answer every question there in a thread of its own.",
    };
    let mut text = format!("<#{channel}> is now `{}`: {what}", mode.as_str());
    if let Some(error) = saved {
        let _ = write!(
            text,
            "\nIt could not be saved, so it lasts until the bot restarts: {}",
            escape(&cut(error, 300))
        );
    }
    Reply::text(&text, true)
}

/// The refusal a member without the moderator role or Manage Server gets from `/reload` or
/// `/config` (`command` names it).
pub fn moderators_only(command: &str) -> Reply {
    let what = match command {
        "config" => "set a channel's mode",
        "gaps" => "see what the corpus does not answer (/gaps)",
        _ => "reload the corpus",
    };
    Reply::text(
        &format!("Only moderators can {what} (a moderator role, or the Manage Server permission)."),
        true,
    )
}

/// The per-user cooldown: a short "slow down" whose countdown Discord keeps current (a
/// relative timestamp, `<t:…:R>`), so it never goes stale on screen.
pub fn slow_down(remaining: Duration) -> Reply {
    let secs = remaining.as_secs_f32().ceil().max(1.0) as u64;
    let now = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Reply::text(
        &format!(
            "Slow down a little: you can ask again <t:{}:R>.",
            now + secs
        ),
        true,
    )
}

/// Something failed: shown to the user, never dropped.
pub fn failure(what: &str) -> Reply {
    Reply::text(
        &format!(
            "Sorry, something went wrong: {}. It has been logged.",
            escape(&cut(what, 500))
        ),
        true,
    )
}

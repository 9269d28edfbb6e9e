//! What the log may say about members: their input escaped, so that no newline or control
//! character can forge a line or colour a terminal (log it as `field = ?text`, or through
//! [`escaped`], never with `%`), and neither a raw user id nor the text of a direct message at
//! `info` or above (only at `debug`, for someone debugging on purpose).

use tracing::field::DebugValue;
use tracing::Level;

/// A user id for a span or event field, only when `debug` is on; `None` leaves it out.
pub fn user_at_debug(id: impl std::fmt::Display) -> Option<String> {
    tracing::enabled!(Level::DEBUG).then(|| id.to_string())
}

/// Member input as a field value written quoted, with `\n`, `\u{1b}` and every other control
/// character escaped: one log line stays one line.
pub fn escaped(text: &str) -> DebugValue<&str> {
    tracing::field::debug(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_input_has_no_newline_or_control_character() {
        let shown = format!("{:?}", escaped("who?\nERROR forged\u{1b}[31m red"));
        assert!(!shown.chars().any(|c| c.is_control()), "{shown}");
        assert!(
            shown.contains("\\n") && shown.contains("\\u{1b}"),
            "{shown}"
        );
    }
}

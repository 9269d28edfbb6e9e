//! The one error of the configuration: a key missing or malformed, shown as one line that names
//! the key and says what to put there. Its own file so that every part of the settings (the
//! bot's, the insights') can return it without importing the others.

/// A missing or malformed configuration key; its `Display` is the one line shown at start-up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required key is unset or empty.
    #[error("{key} is not set: {hint}")]
    Missing {
        /// The key.
        key: &'static str,
        /// What to put there.
        hint: &'static str,
    },
    /// A key is set to something unusable.
    #[error("{key} is malformed: {reason}")]
    Malformed {
        /// The key.
        key: &'static str,
        /// What is wrong, without repeating secrets.
        reason: String,
    },
}

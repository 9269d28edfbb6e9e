//! Configuration of the Discord bot, from the environment and `.env` (stub: being built).

/// Bot configuration.
#[derive(Debug, Clone)]
pub struct Config {}

/// A missing or malformed key.
#[derive(Debug, thiserror::Error)]
#[error("configuration error")]
pub struct ConfigError;

impl Config {
    /// Reads the configuration from the environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Err(ConfigError)
    }
}

//! The Discord adapter (stub: being built).

/// Runs the bot until SIGINT or SIGTERM.
pub async fn serve(_config: crate::config::Config) -> anyhow::Result<()> {
    anyhow::bail!("the Discord bot is not built yet")
}

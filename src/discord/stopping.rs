//! Shutdown as a command sees it: a signal a long command can wait on beside its work, and the
//! replies still owed, which the bot waits for (a bounded time) before it ends.
//!
//! Without it a SIGTERM during `/reload` dropped the command half way: the moderator was left
//! on "thinking…" for good. Now the command answers (the reload done, or withdrawn) before the
//! process ends.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, OwnedRwLockReadGuard, RwLock};

/// The bot's shutdown: started once, seen by every command.
#[derive(Clone)]
pub struct Stopping {
    signal: watch::Sender<bool>,
    owed: Arc<RwLock<()>>,
}

/// A reply still owed: the bot waits for it to be dropped before it ends.
pub struct Owed {
    _guard: Option<OwnedRwLockReadGuard<()>>,
}

impl Default for Stopping {
    fn default() -> Self {
        Stopping {
            signal: watch::Sender::new(false),
            owed: Arc::new(RwLock::new(())),
        }
    }
}

impl Stopping {
    /// Starts the shutdown: every [`Stopping::started`] resolves.
    pub fn start(&self) {
        self.signal.send_replace(true);
    }

    /// Resolves once the shutdown has started.
    pub async fn started(&self) {
        let mut seen = self.signal.subscribe();
        // The sender lives in `self`: `wait_for` ends only when the value turns true.
        let _ = seen.wait_for(|stopping| *stopping).await;
    }

    /// Marks a reply as owed until the returned guard is dropped. Once the shutdown has begun
    /// settling nothing new is owed (the guard then holds nothing).
    pub fn owe(&self) -> Owed {
        Owed {
            _guard: self.owed.clone().try_read_owned().ok(),
        }
    }

    /// Waits until no reply is owed, at most `wait`; false when some were still owed.
    pub async fn settle(&self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.owed.write()).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn settling_waits_for_the_replies_owed_and_no_longer_than_told() {
        let stopping = Stopping::default();
        let owed = stopping.owe();
        let waiter = {
            let stopping = stopping.clone();
            tokio::spawn(async move { stopping.started().await })
        };
        stopping.start();
        waiter.await.unwrap();
        assert!(
            !stopping.settle(Duration::from_millis(50)).await,
            "still owed"
        );
        drop(owed);
        assert!(stopping.settle(Duration::from_secs(5)).await);
    }
}

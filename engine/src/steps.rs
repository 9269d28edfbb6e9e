//! How long each step of a load takes, logged at debug level:
//! `RUST_LOG=citebot=debug citebot check --corpus FOLDER`.

use std::time::Instant;

/// Times the steps of one job, each from the end of the one before.
pub(crate) struct Steps {
    job: &'static str,
    last: Instant,
}

impl Steps {
    pub(crate) fn start(job: &'static str) -> Steps {
        Steps {
            job,
            last: Instant::now(),
        }
    }

    /// Logs the step just finished.
    pub(crate) fn done(&mut self, step: &str) {
        let now = Instant::now();
        tracing::debug!(
            "{}: {step} in {:.1} ms",
            self.job,
            (now - self.last).as_secs_f64() * 1000.0
        );
        self.last = now;
    }
}

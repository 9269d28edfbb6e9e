//! The evaluation sets beside the project (`../shared/eval/`): read in place, never copied here.
//!
//! A test that needs a set it cannot find skips with a note on standard error, so a clone
//! without `../shared` still runs the rest; under `CI` (which always has the sets) a missing set
//! fails the test instead of letting it pass unseen.

use std::path::{Path, PathBuf};

/// `../shared/eval/<relative>` when it exists; otherwise `None` after saying so (a panic under
/// `CI`).
pub fn eval_path(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/eval")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    let note = format!(
        "SKIPPED: {} is not there (the quality tests read ../shared/eval; CI always has it)",
        path.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{note}");
    eprintln!("{note}");
    None
}

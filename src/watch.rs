//! The folder watch: tells when the corpus folder's files changed and then stayed quiet, so
//! the bot can reload by itself.
//!
//! [`Watch::start`] watches the folder recursively with the `notify` crate (inotify on Linux)
//! through `notify-debouncer-full`, which holds each file's events back until the file has
//! been quiet for the given period, and folds a burst (an editor's save, a `git pull`, a copy
//! of many files) into one batch. A batch counts only when it holds a change that could
//! matter to the corpus:
//!
//! - opening or reading a file is not a change (a reload reads every file: that must not
//!   trigger the next reload);
//! - nothing inside a `.`-folder or of a `.`-file (`.git/`, `.citebot/` where `/config`
//!   saves channel modes), nothing under the ignored paths (the insights store's folder when
//!   it lies inside the corpus);
//! - no editor scratch file: `*~`, `#*#`, `*.swp`, `*.swo`, `*.swx`, `*.tmp`, `*.part`,
//!   `*.crdownload`, and vim's `4913` probe.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use tokio::sync::mpsc;

/// A running watch of one folder. Dropping it stops the watch.
pub struct Watch {
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    settled: mpsc::Receiver<Vec<PathBuf>>,
}

impl Watch {
    /// Watches `dir` recursively; a change is reported once its files were quiet for `quiet`.
    /// Paths under `ignore` never count.
    pub fn start(dir: &Path, quiet: Duration, ignore: Vec<PathBuf>) -> notify::Result<Watch> {
        let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        // Events name absolute paths; a folder not made yet (the store's) is made absolute as is.
        let ignore: Vec<PathBuf> = ignore
            .into_iter()
            .map(|p| {
                p.canonicalize().unwrap_or_else(|_| {
                    std::env::current_dir().map(|cwd| cwd.join(&p)).unwrap_or(p)
                })
            })
            .collect();
        // One pending batch is enough: a reload reads the whole folder.
        let (sender, settled) = mpsc::channel(1);
        let watched = root.clone();
        let mut debouncer = new_debouncer(quiet, None, move |result: DebounceEventResult| {
            match result {
                Ok(events) => {
                    let changed: Vec<PathBuf> = events
                        .iter()
                        .filter(|e| is_change(&e.kind))
                        .flat_map(|e| e.paths.iter())
                        .filter(|p| counts(&watched, &ignore, p))
                        .cloned()
                        .collect();
                    if !changed.is_empty() {
                        // Full means a batch is already waiting: that reload reads this too.
                        let _ = sender.try_send(changed);
                    }
                }
                Err(errors) => {
                    for error in errors {
                        tracing::warn!(%error, "corpus folder watch error");
                    }
                }
            }
        })?;
        debouncer.watch(&root, RecursiveMode::Recursive)?;
        Ok(Watch {
            _debouncer: debouncer,
            settled,
        })
    }

    /// Waits for the next batch of changes that settled; `None` when the watch stopped.
    pub async fn settled(&mut self) -> Option<Vec<PathBuf>> {
        self.settled.recv().await
    }
}

/// True for an event that changes what a load would read: not an open, a read or a close
/// after reading.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// True when a change of `path` could change the corpus (see the module docs).
fn counts(root: &Path, ignore: &[PathBuf], path: &Path) -> bool {
    if ignore.iter().any(|i| path.starts_with(i)) {
        return false;
    }
    let Ok(inside) = path.strip_prefix(root) else {
        // The root itself (moved, deleted) or a path outside it: let the reload say.
        return path == root;
    };
    let hidden = inside
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    !hidden && !is_scratch(&name)
}

/// An editor's or a download's temporary file.
fn is_scratch(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [".swp", ".swo", ".swx", ".tmp", ".part", ".crdownload"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_folders_ignored_paths_and_scratch_files_do_not_count() {
        let root = Path::new("/srv/corpus");
        let ignore = vec![PathBuf::from("/srv/corpus/data")];
        let counts = |p: &str| counts(root, &ignore, Path::new(p));
        assert!(counts("/srv/corpus/a.md"));
        assert!(counts("/srv/corpus/docs/b.txt"));
        assert!(counts("/srv/corpus/aliases.toml"));
        assert!(counts("/srv/corpus"), "the folder itself moved or went");
        assert!(!counts("/srv/corpus/.citebot/channel-modes.json"));
        assert!(!counts("/srv/corpus/.git/index"));
        assert!(!counts("/srv/corpus/docs/.a.md.swp"));
        assert!(!counts("/srv/corpus/data/citebot.db-wal"));
        assert!(!counts("/srv/corpus/a.md~"));
        assert!(!counts("/srv/corpus/#a.md#"));
        assert!(!counts("/srv/corpus/4913"));
        assert!(!counts("/srv/corpus/a.md.swp"));
        assert!(!counts("/srv/corpus/big.pdf.part"));
        assert!(!counts("/elsewhere/a.md"));
    }

    #[test]
    fn opening_and_reading_are_not_changes() {
        use notify_debouncer_full::notify::event::{CreateKind, ModifyKind, RemoveKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Read)));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Modify(ModifyKind::Any)));
        assert!(is_change(&EventKind::Remove(RemoveKind::File)));
    }
}

//! The SQLite store's files are the bot user's alone: the data folder is made 0700 and the
//! database file 0600 when they are created (before SQLite writes a byte; its `-wal` and `-shm`
//! files take the database's mode), and a start on ones that are wider says so in a warning.

use std::path::Path;

/// Creates the data `folder` (0700) when missing, or warns when an existing one is open to
/// others.
pub fn prepare_folder(folder: &Path) -> std::io::Result<()> {
    if folder.exists() {
        warn_if_wider(folder, 0o700, "insights data folder");
        return Ok(());
    }
    std::fs::create_dir_all(folder)?;
    set_mode(folder, 0o700)
}

/// Creates the empty database `file` (0600) when missing (SQLite takes an empty file as a new
/// database), or warns when an existing one is open to others.
pub fn prepare_file(file: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        // The umask may have narrowed it further; never wider.
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            warn_if_wider(file, 0o600, "insights database file");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

/// Warns when `path` grants more than `mode` (others or the group can read it).
pub fn warn_if_wider(path: &Path, mode: u32, what: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = std::fs::metadata(path) {
            let actual = meta.permissions().mode() & 0o777;
            if actual & !mode != 0 {
                tracing::warn!(
                    path = %path.display(),
                    mode = format!("{actual:o}"),
                    wanted = format!("{mode:o}"),
                    "the {what} is open to other users: chmod it to {mode:o}",
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode, what);
}

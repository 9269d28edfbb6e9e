//! A TOML settings file of the corpus folder (`aliases.toml`, `sources.toml`), read as the
//! corpus is: capped at the corpus size cap, only a regular file opened, a symbolic link out of
//! the folder not followed (unless the options say so), UTF-8 only, and a syntax error said
//! with its line and column. What the file means is its reader's business.

use std::path::Path;

use super::{LoadOptions, LoadWarning};

/// Reads `dir/name` as a TOML table.
///
/// - `Ok(None)`: there is no such file.
/// - `Err(why)`: the file cannot be used whole (unreadable, a FIFO, over the cap, a link
///   outside, not UTF-8, not valid TOML with the line and column); `why` does not repeat the
///   file's name.
pub(crate) fn read(
    dir: &Path,
    name: &str,
    options: &LoadOptions,
) -> Result<Option<toml::Table>, String> {
    let path = dir.join(name);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("unreadable: {e}")),
        Ok(meta) if meta.file_type().is_symlink() && !options.follow_links_outside => {
            let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
            if let Some(target) = super::link_outside(&root, &path) {
                return Err(format!(
                    "a symbolic link to {} outside the corpus folder, not followed",
                    target.display()
                ));
            }
        }
        Ok(_) => {}
    }
    let bytes = super::read_capped(&path, options.max_file_bytes).map_err(|kind| {
        let why = LoadWarning {
            path: path.clone(),
            kind,
        }
        .to_string();
        // The warning names the file already: keep only what follows its name.
        let prefix = format!("{}: ", path.display());
        why.strip_prefix(&prefix).unwrap_or(&why).to_string()
    })?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
    syntax(&text).map(Some)
}

/// Parses TOML, or says where and why it is not valid: `not valid TOML at line 3, column 9:
/// …` (lines and columns count from 1; columns in characters).
pub(crate) fn syntax(source: &str) -> Result<toml::Table, String> {
    source.parse::<toml::Table>().map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        match e.span() {
            Some(span) => {
                let before = &source[..span.start.min(source.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                format!("not valid TOML at line {line}, column {column}: {message}")
            }
            None => format!("not valid TOML: {message}"),
        }
    })
}

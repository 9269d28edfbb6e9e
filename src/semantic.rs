//! The front doors' side of the optional semantic reader: the `--semantic-model DIR` /
//! `SEMANTIC_MODEL` setting, turning the reader on for a command-line snapshot or the bot's
//! library, and `citebot model fetch`.
//!
//! The setting exists in every build; a build without the `semantic` feature says once that
//! it ignores it and answers by keywords, as it always does.

use std::path::{Path, PathBuf};

use citebot_engine::Snapshot;

/// The semantic reader's model folder, for `ask`, `check` and `eval`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SemanticArgs {
    /// The semantic reader's model folder (config.json, tokenizer.json, model.safetensors; get
    /// it with `citebot model fetch`). Without it, answers are by keywords alone.
    #[arg(long = "semantic-model", env = "SEMANTIC_MODEL", value_name = "DIR")]
    pub semantic_model: Option<PathBuf>,
    /// Keep the semantic reader's embeddings cache here instead of in `.citebot/` inside the
    /// corpus folder (for a corpus that cannot be written).
    #[arg(
        long = "semantic-cache",
        env = "SEMANTIC_CACHE_DIR",
        value_name = "DIR"
    )]
    pub semantic_cache: Option<PathBuf>,
}

/// The warning for a model folder given to a build without the reader.
#[cfg(not(feature = "semantic"))]
fn not_built(dir: &Path) -> String {
    format!(
        "SEMANTIC_MODEL / --semantic-model {} is ignored: this citebot was built without the semantic reader (cargo build --release --features semantic); answering by keywords",
        dir.display()
    )
}

/// Turns the semantic reader on for a command-line snapshot: loads the model in `dir` and
/// embeds the passages before the first question (cached beside the corpus, so only the first
/// run over a corpus takes long), with a progress bar on standard error when `bar`. A model
/// that cannot be used is one warning on standard error, and answers stay by keywords.
pub fn attach(snapshot: &Snapshot, args: &SemanticArgs, bar: bool) {
    let Some(dir) = args.semantic_model.as_deref() else {
        return;
    };
    #[cfg(not(feature = "semantic"))]
    {
        let _ = (snapshot, bar);
        eprintln!("warning: {}", not_built(dir));
    }
    #[cfg(feature = "semantic")]
    reader::attach(snapshot, (dir, args.semantic_cache.as_deref()), bar);
}

/// Turns the semantic reader on for the bot: the model is loaded and the serving snapshot (and
/// every reloaded one) embedded in the background; the bot answers by keywords until then.
/// Blocking (it reads the model): call it off the async runtime.
pub fn start(library: &citebot_engine::Library, dir: &Path, cache_dir: Option<PathBuf>) {
    #[cfg(not(feature = "semantic"))]
    {
        let _ = (library, cache_dir);
        tracing::warn!("{}", not_built(dir));
    }
    #[cfg(feature = "semantic")]
    match citebot_engine::semantic::Encoder::load(dir) {
        Ok(encoder) => {
            tracing::info!(model = %dir.display(), "semantic reader: model loaded, embedding the corpus in the background (answers by keywords until done)");
            if let Err(e) = library.set_reader(std::sync::Arc::new(encoder), cache_dir) {
                tracing::warn!(
                    "semantic reader: could not start embedding: {e}; answering by keywords"
                );
            }
        }
        Err(err) => tracing::warn!("{err}; answering by keywords"),
    }
}

#[cfg(feature = "semantic")]
mod reader {
    use std::path::Path;
    use std::sync::Arc;

    use citebot_engine::semantic::Encoder;
    use citebot_engine::Snapshot;

    pub(super) fn attach(snapshot: &Snapshot, (dir, cache_dir): (&Path, Option<&Path>), bar: bool) {
        let encoder = match Encoder::load(dir) {
            Ok(encoder) => Arc::new(encoder),
            Err(err) => {
                eprintln!("warning: {err}; answering by keywords");
                return;
            }
        };
        let progress = if bar {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "embedding passages and sentences {bar:30} {pos}/{len} ({per_sec}, {eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            Some(bar)
        } else {
            None
        };
        let report = snapshot.embed(&encoder, None, cache_dir, &|done, total| {
            if let Some(bar) = &progress {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
        });
        if let Some(bar) = &progress {
            bar.finish_and_clear();
        }
        match report {
            Ok(report) => {
                if let Some(warning) = report.cache_warning {
                    eprintln!("warning: semantic reader cache: {warning}");
                }
            }
            Err(err) => eprintln!("warning: semantic reader: {err}; answering by keywords"),
        }
    }
}

#[cfg(feature = "semantic")]
pub mod fetch;

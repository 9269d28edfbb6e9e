//! Per-channel modes: how the bot treats the messages of a channel (and of the threads and
//! forum posts under it). `ASK_CHANNEL_IDS` and `THREAD_CHANNEL_IDS` give the defaults; a
//! moderator's `/config` overrides them at run time, and the overrides are saved in
//! `.citebot/channel-modes.json` inside the corpus folder (a hidden folder the loader skips), so
//! they survive restarts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// How the bot treats the messages of one channel.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    poise::ChoiceParameter,
)]
#[serde(rename_all = "snake_case")]
pub enum ChannelMode {
    /// No message is answered, not even a mention (commands still work).
    #[name = "off"]
    Off,
    /// Only messages that mention the bot are answered (the default).
    #[name = "mention"]
    Mention,
    /// Every question is answered in the channel; chatter is left alone.
    #[name = "auto"]
    Auto,
    /// Every question is answered in a new thread named after it.
    #[name = "thread"]
    Thread,
}

impl ChannelMode {
    /// The mode's name, as `/config` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelMode::Off => "off",
            ChannelMode::Mention => "mention",
            ChannelMode::Auto => "auto",
            ChannelMode::Thread => "thread",
        }
    }

    /// True when questions are answered without a mention.
    pub fn answers_every_question(self) -> bool {
        matches!(self, ChannelMode::Auto | ChannelMode::Thread)
    }
}

/// Where the overrides are saved, for a corpus folder.
pub fn modes_file(corpus_dir: &Path) -> PathBuf {
    corpus_dir.join(".citebot").join("channel-modes.json")
}

/// Saving or reading the overrides failed.
#[derive(Debug, thiserror::Error)]
pub enum ModesError {
    /// The file could not be written.
    #[error("cannot save channel modes to {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file exists but is not what `/config` writes.
    #[error("{path} is not a channel-modes file ({reason}); the defaults apply")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ModesFile {
    /// Channel id (as a string, JSON keys are) → mode.
    channels: BTreeMap<String, ChannelMode>,
}

/// The saved modes file is a few hundred bytes; anything past this is not one.
const MODES_FILE_CAP: u64 = 1 << 20;

/// The text of the saved modes file: only a regular file is opened (a FIFO there must not block
/// start-up), and at most [`MODES_FILE_CAP`] bytes are read.
fn read_modes_file(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MODES_FILE_CAP + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MODES_FILE_CAP {
        return Err(std::io::Error::other(format!(
            "over {MODES_FILE_CAP} bytes"
        )));
    }
    Ok(text)
}

/// The mode of every channel: defaults from the environment, overrides from `/config`.
#[derive(Debug)]
pub struct ChannelModes {
    defaults: BTreeMap<u64, ChannelMode>,
    overrides: Mutex<BTreeMap<u64, ChannelMode>>,
    file: Option<PathBuf>,
}

impl ChannelModes {
    /// Modes from the defaults (`auto` and `thread` channel ids; `thread` wins) and the
    /// overrides saved in `file`, if any. A malformed file is reported and ignored (it is
    /// replaced at the next `/config`).
    pub fn load(
        auto: &[u64],
        thread: &[u64],
        file: Option<PathBuf>,
    ) -> (ChannelModes, Option<ModesError>) {
        let mut defaults = BTreeMap::new();
        for &id in auto {
            defaults.insert(id, ChannelMode::Auto);
        }
        for &id in thread {
            defaults.insert(id, ChannelMode::Thread);
        }
        let mut problem = None;
        let mut overrides = BTreeMap::new();
        if let Some(path) = &file {
            match read_modes_file(path) {
                Ok(text) => match serde_json::from_str::<ModesFile>(&text) {
                    Ok(saved) => {
                        for (id, mode) in saved.channels {
                            match id.parse::<u64>() {
                                Ok(id) => {
                                    overrides.insert(id, mode);
                                }
                                Err(_) => {
                                    problem = Some(ModesError::Malformed {
                                        path: path.clone(),
                                        reason: format!("{id:?} is not a channel id"),
                                    })
                                }
                            }
                        }
                    }
                    Err(error) => {
                        problem = Some(ModesError::Malformed {
                            path: path.clone(),
                            reason: error.to_string(),
                        })
                    }
                },
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => {
                    problem = Some(ModesError::Malformed {
                        path: path.clone(),
                        reason: error.to_string(),
                    })
                }
            }
        }
        let modes = ChannelModes {
            defaults,
            overrides: Mutex::new(overrides),
            file,
        };
        (modes, problem)
    }

    /// The mode of `channel` (the parent channel for a thread or forum post).
    pub fn mode(&self, channel: u64) -> ChannelMode {
        let overrides = self.overrides.lock().unwrap_or_else(|p| p.into_inner());
        overrides
            .get(&channel)
            .or_else(|| self.defaults.get(&channel))
            .copied()
            .unwrap_or(ChannelMode::Mention)
    }

    /// True when some channel answers questions without a mention.
    pub fn any_answers_every_question(&self) -> bool {
        self.all().iter().any(|(_, m)| m.answers_every_question())
    }

    /// Every channel whose mode is not the default `mention`, by id.
    pub fn all(&self) -> Vec<(u64, ChannelMode)> {
        let overrides = self.overrides.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.defaults.clone();
        all.extend(overrides.iter().map(|(k, v)| (*k, *v)));
        all.into_iter()
            .filter(|(_, m)| *m != ChannelMode::Mention)
            .collect()
    }

    /// Sets the mode of `channel` and saves every override (written to a temporary file, then
    /// renamed, so a crash never leaves half a file). On a failed save the mode still applies
    /// until the bot stops.
    pub fn set(&self, channel: u64, mode: ChannelMode) -> Result<(), ModesError> {
        let mut overrides = self.overrides.lock().unwrap_or_else(|p| p.into_inner());
        overrides.insert(channel, mode);
        let Some(path) = &self.file else {
            return Ok(());
        };
        let saved = ModesFile {
            channels: overrides
                .iter()
                .map(|(id, mode)| (id.to_string(), *mode))
                .collect(),
        };
        let write = || -> std::io::Result<()> {
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder)?;
            }
            let text = serde_json::to_string_pretty(&saved).map_err(std::io::Error::other)?;
            let temporary = path.with_extension("json.tmp");
            std::fs::write(&temporary, text)?;
            std::fs::rename(&temporary, path)
        };
        write().map_err(|source| ModesError::Write {
            path: path.clone(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_environment_and_everything_else_is_mention() {
        let (modes, problem) = ChannelModes::load(&[1, 2], &[2, 3], None);
        assert!(problem.is_none());
        assert_eq!(modes.mode(1), ChannelMode::Auto);
        assert_eq!(modes.mode(2), ChannelMode::Thread);
        assert_eq!(modes.mode(3), ChannelMode::Thread);
        assert_eq!(modes.mode(4), ChannelMode::Mention);
    }

    #[test]
    fn an_override_is_saved_and_read_back_by_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let file = modes_file(dir.path());
        let (modes, _) = ChannelModes::load(&[1], &[], Some(file.clone()));
        modes.set(1, ChannelMode::Off).unwrap();
        modes.set(9, ChannelMode::Thread).unwrap();
        let (again, problem) = ChannelModes::load(&[1], &[], Some(file));
        assert!(problem.is_none());
        assert_eq!(again.mode(1), ChannelMode::Off);
        assert_eq!(again.mode(9), ChannelMode::Thread);
        assert_eq!(
            again.all(),
            [(1, ChannelMode::Off), (9, ChannelMode::Thread)]
        );
    }

    #[test]
    fn a_malformed_file_is_reported_and_the_defaults_apply() {
        let dir = tempfile::tempdir().unwrap();
        let file = modes_file(dir.path());
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "{ not json").unwrap();
        let (modes, problem) = ChannelModes::load(&[1], &[], Some(file));
        assert!(matches!(problem, Some(ModesError::Malformed { .. })));
        assert_eq!(modes.mode(1), ChannelMode::Auto);
    }

    #[test]
    fn a_fifo_or_an_endless_file_in_place_of_the_modes_file_is_reported_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let file = modes_file(dir.path());
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&file).status();
        if made.is_ok_and(|s| s.success()) {
            let (modes, problem) = ChannelModes::load(&[1], &[], Some(file.clone()));
            assert!(matches!(problem, Some(ModesError::Malformed { .. })));
            assert_eq!(modes.mode(1), ChannelMode::Auto);
            std::fs::remove_file(&file).unwrap();
        } else {
            eprintln!("SKIPPED the FIFO half: no mkfifo command");
        }
        std::fs::write(&file, " ".repeat((MODES_FILE_CAP + 10) as usize)).unwrap();
        let (_, problem) = ChannelModes::load(&[1], &[], Some(file));
        assert!(matches!(problem, Some(ModesError::Malformed { .. })));
    }
}

//! A second synthetic shape: technical documentation, the shape of the large corpus the product
//! is measured on (many short passages, a vocabulary of hundreds of thousands of words).
//!
//! [`generate`] writes about `bytes` of Markdown manual pages, ~4 KB each, into subfolders:
//!
//! - a title, then sections with headings, short paragraphs of one or two sentences, list
//!   items and fenced code blocks, so a passage is about 150 bytes on average;
//! - words are drawn by a Zipf law over ranks: the first ranks are common English and
//!   documentation words (`the`, `file`, `list`, `size`…), the rest invented words from an
//!   unbounded pool, some with English endings (`-ing`, `-ed`, `-s`) and some typo variants of
//!   more frequent ones, so the vocabulary keeps growing (Heaps' law) and holds many
//!   near-duplicate words;
//! - some paragraphs repeat an earlier one, verbatim or with one word changed.
//!
//! It also writes a hidden `.questions` file (the loader skips hidden files): questions of 6–9
//! words made from the content words of passages it wrote, in the form people ask them ("how do
//! I …"), some with a typo. Same `bytes` and `seed`, same files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{mix, typo, Rng, SynthStats, FILES_PER_FOLDER};

/// Common words, most frequent first: the head of the Zipf law.
const COMMON: &str = "the to a of and in is you for file that it with be on this can as use \
    are or by an command from if not option set run default list directory when each value \
    name files which new will all output see line user first path system data must only \
    number size type error more time also string server used should mode version remove \
    create change display sort show print read write open close copy move delete install \
    update configure start stop enable disable check find search match pattern text format \
    input argument variable environment process memory disk network port address host \
    package module library function method class object key table column row index query \
    log message level warning debug build test release branch commit merge remote config \
    setting flag specify return code exit status signal kill limit count total page buffer";

/// Probability that a drawn word is shown with a typo.
const TYPO_RATE: f64 = 0.01;
/// Tail exponent of the word law (see [`Rng::zipf`]): small, so that new words keep coming, as
/// in technical text (identifiers, options, names).
const WORD_ALPHA: f64 = 0.25;
/// Share of paragraphs that repeat an earlier one.
const REPEAT_RATE: f64 = 0.06;

/// The word of a rank: common words first, then invented ones.
fn word(seed: u64, common: &[&str], rank: u64) -> String {
    if let Some(w) = common.get(rank as usize - 1) {
        return w.to_string();
    }
    let mut rng = mix(seed, 7, rank);
    // One in ten invented words is a variant of a more frequent one.
    if rank > 50 && rng.chance(0.1) {
        let base = word(seed, common, 1 + rng.below(rank as usize / 2) as u64);
        return match rng.below(4) {
            0 => format!("{base}s"),
            1 => format!("{base}ing"),
            2 => format!("{base}ed"),
            _ => typo(&base, 1 + rng.below(3) as u64),
        };
    }
    const PARTS: &[&str] = &[
        "ar", "ba", "con", "de", "ex", "fi", "gra", "hy", "in", "ja", "ker", "lo", "mi", "nor",
        "op", "pro", "qua", "re", "sta", "tra", "un", "vi", "wen", "xe", "yo", "zi", "ct", "ly",
        "ment", "ix", "ode", "ash",
    ];
    let syllables = 2 + rng.below(3);
    (0..syllables).map(|_| *rng.pick(PARTS)).collect()
}

struct Writer<'a> {
    seed: u64,
    common: Vec<&'a str>,
    rng: Rng,
    recent: Vec<String>,
}

impl Writer<'_> {
    fn draw(&mut self) -> String {
        // The common words take most draws; the tail follows a Heaps-like law.
        let rank = if self.rng.chance(0.5) {
            1 + self.rng.zipf(1.2).min(self.common.len() as u64 - 1)
        } else {
            self.common.len() as u64 + self.rng.zipf(WORD_ALPHA)
        };
        let w = word(self.seed, &self.common, rank);
        // Identifiers, versions and numbers: the long tail of technical text.
        if rank > 200 && self.rng.chance(0.08) {
            return match self.rng.below(3) {
                0 => format!("{w}_{}", word(self.seed, &self.common, rank / 2 + 1)),
                1 => format!(
                    "{}.{}.{}",
                    self.rng.below(10),
                    self.rng.below(30),
                    self.rng.below(100)
                ),
                _ => format!("{}", self.rng.zipf(0.9)),
            };
        }
        if w.len() >= 5 && self.rng.chance(TYPO_RATE) {
            typo(&w, self.rng.zipf(0.8))
        } else {
            w
        }
    }

    fn words(&mut self, n: usize) -> String {
        (0..n).map(|_| self.draw()).collect::<Vec<_>>().join(" ")
    }

    fn sentence(&mut self) -> String {
        let n = 10 + self.rng.below(20);
        let mut s = self.words(n);
        s[..1].make_ascii_uppercase();
        if self.rng.chance(0.2) {
            let flag = self.draw();
            s.push_str(&format!(" with `--{flag}`"));
        }
        s + "."
    }

    fn paragraph(&mut self) -> String {
        if !self.recent.is_empty() && self.rng.chance(REPEAT_RATE) {
            let mut p = self.rng.pick(&self.recent).clone();
            if self.rng.chance(0.5) {
                let w = self.draw();
                p = p.replacen(' ', &format!(" {w} "), 1);
            }
            return p;
        }
        let p = match self.rng.below(12) {
            0..=5 => self.sentence(),
            6..=9 => format!("{} {}", self.sentence(), self.sentence()),
            10 => {
                let items = 2 + self.rng.below(3);
                (0..items)
                    .map(|_| {
                        let n = 4 + self.rng.below(10);
                        format!("- {}", self.words(n))
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            _ => {
                let lines = 1 + self.rng.below(4);
                let body: Vec<String> = (0..lines)
                    .map(|_| {
                        let (cmd, opt, arg) = (self.draw(), self.draw(), self.draw());
                        format!("{cmd} --{opt} {arg}")
                    })
                    .collect();
                format!("```\n{}\n```", body.join("\n"))
            }
        };
        if self.recent.len() < 256 {
            self.recent.push(p.clone());
        } else {
            let i = self.rng.below(256);
            self.recent[i] = p.clone();
        }
        p
    }

    fn document(&mut self) -> String {
        let n = 3 + self.rng.below(4);
        let mut text = format!("# {}\n\n", capitalised(&self.words(n)));
        let target = 2000 + self.rng.below(4600);
        while text.len() < target {
            let n = 2 + self.rng.below(4);
            text += &format!("## {}\n\n", capitalised(&self.words(n)));
            for _ in 0..2 + self.rng.below(5) {
                text += &self.paragraph();
                text += "\n\n";
            }
        }
        text
    }

    /// A question about a passage: some of its content words, as people ask.
    fn question(&mut self, passage: &str) -> Option<String> {
        let content: Vec<&str> = passage
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() > 3 && !self.common[..40].contains(w))
            .collect();
        if content.len() < 3 {
            return None;
        }
        let start = self.rng.below(content.len() - 2);
        let take = (3 + self.rng.below(3)).min(content.len() - start);
        let mut words: Vec<String> = content[start..start + take]
            .iter()
            .map(|w| w.to_lowercase())
            .collect();
        let i = self.rng.below(words.len());
        if words[i].len() >= 6 && self.rng.chance(0.3) {
            words[i] = typo(&words[i], 1);
        }
        let lead = [
            "how do i",
            "how can i",
            "what is the",
            "how to",
            "why does the",
        ];
        Some(format!("{} {}", self.rng.pick(&lead), words.join(" ")))
    }
}

fn capitalised(s: &str) -> String {
    let mut s = s.to_string();
    if let Some(c) = s.get_mut(..1) {
        c.make_ascii_uppercase();
    }
    s
}

/// Writes about `bytes` of documentation pages into `dir` (created if needed), and their
/// questions into `dir/.questions`.
pub fn generate(dir: &Path, bytes: usize, seed: u64) -> io::Result<SynthStats> {
    let mut writer = Writer {
        seed,
        common: COMMON.split_whitespace().collect(),
        rng: Rng::new(seed),
        recent: Vec::new(),
    };
    let (mut written, mut documents) = (0, 0);
    let mut questions = Vec::new();
    while written < bytes {
        let folder = dir.join(format!("part{:03}", documents / FILES_PER_FOLDER));
        if documents % FILES_PER_FOLDER == 0 {
            fs::create_dir_all(&folder)?;
        }
        let text = writer.document();
        if documents % 17 == 0 {
            let paragraphs: Vec<&str> =
                text.split("\n\n").filter(|p| !p.starts_with('#')).collect();
            let pick = paragraphs[writer.rng.below(paragraphs.len())].to_string();
            questions.extend(writer.question(&pick));
        }
        fs::write(folder.join(format!("page{documents:06}.md")), &text)?;
        written += text.len();
        documents += 1;
    }
    fs::write(dir.join(".questions"), questions.join("\n") + "\n")?;
    Ok(SynthStats {
        documents,
        bytes: written,
    })
}

/// The documentation corpus of `megabytes` and `seed` under `root`, generated on first use.
pub fn cached(root: &Path, megabytes: usize, seed: u64) -> io::Result<PathBuf> {
    let dir = root.join(format!("docs{megabytes}mb-seed{seed}"));
    let marker = dir.join(".complete");
    if !marker.is_file() {
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        let stats = generate(&dir, megabytes << 20, seed)?;
        fs::write(marker, format!("{stats:?}\n"))?;
    }
    Ok(dir)
}

/// One document of about `megabytes` MB: the pages of the documentation corpus of that size,
/// one after another in a single Markdown file (a manual exported whole), generated on first
/// use under `root`. The benchmarks measure how load and answers grow with one document's size.
pub fn one_file(root: &Path, megabytes: usize, seed: u64) -> io::Result<PathBuf> {
    let dir = root.join(format!("onefile{megabytes}mb-seed{seed}"));
    let marker = dir.join(".complete");
    if !marker.is_file() {
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        let pages = cached(root, megabytes, seed)?;
        let mut files = Vec::new();
        let mut stack = vec![pages.clone()];
        while let Some(folder) = stack.pop() {
            for entry in fs::read_dir(&folder)? {
                let path = entry?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "md") {
                    files.push(path);
                }
            }
        }
        files.sort();
        fs::create_dir_all(&dir)?;
        let mut out = String::with_capacity(megabytes << 20);
        for file in files {
            out.push_str(&fs::read_to_string(file)?);
            out.push_str("\n\n");
        }
        fs::write(dir.join("manual.md"), out)?;
        fs::write(marker, "complete\n")?;
    }
    Ok(dir)
}

/// The questions written with a documentation corpus.
pub fn questions(dir: &Path) -> io::Result<Vec<String>> {
    Ok(fs::read_to_string(dir.join(".questions"))?
        .lines()
        .map(String::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_writes_the_same_pages() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let sa = generate(a.path(), 200_000, 5).unwrap();
        let sb = generate(b.path(), 200_000, 5).unwrap();
        assert_eq!(sa, sb);
        let read = |d: &Path| fs::read_to_string(d.join("part000/page000003.md")).unwrap();
        assert_eq!(read(a.path()), read(b.path()));
        assert!(!questions(a.path()).unwrap().is_empty());
    }
}

//! Deterministic synthetic corpora, for measuring how load and answer time grow with size.
//!
//! [`generate`] writes about `scale` × the size of a source corpus (the bundled `corpus/`) into a
//! folder, as `5 × scale` documents in subfolders of [`FILES_PER_FOLDER`] files at most. The shape:
//!
//! - each document opens with a **headline** (a source headline with an invented name in it),
//!   then a few **debris** lines (`Published`, dates, crumbs, counters), then body paragraphs of
//!   2–5 sentences drawn from the source articles and recombined;
//! - capitalised words inside sentences are often replaced by **invented names** (syllable
//!   compounds, a fifth of them hyphenated like `Zarwal-Hakimi`), drawn from an unbounded,
//!   Zipf-like pool: a few names are everywhere, and new ones keep appearing as the corpus grows,
//!   so the vocabulary grows like a real one (Heaps' law);
//! - some words are replaced by **typo variants** (a letter dropped, doubled, swapped or changed),
//!   again from an unbounded Zipf-like pool per word, so there are many near-duplicate words;
//! - some paragraphs **repeat** an earlier one verbatim (quoted posts, syndicated text).
//!
//! The source folder's `aliases.toml` is copied as is. Nothing here reads the clock or the
//! environment: the same source, scale and seed give byte-identical files.
//! [`questions`] makes natural questions over the same invented vocabulary, for benchmarks.

pub mod docs;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use unicode_segmentation::UnicodeSegmentation;

/// Share of capitalised words (past a sentence's first) replaced by an invented name.
const NAME_RATE: f64 = 0.25;
/// Share of other words of four letters or more replaced by a typo variant.
const TYPO_RATE: f64 = 0.04;
/// Heaps exponents of the name and typo pools (see [`Rng::zipf`]).
const NAME_ALPHA: f64 = 0.8;
const TYPO_ALPHA: f64 = 0.8;

/// Most files written into one subfolder.
pub const FILES_PER_FOLDER: usize = 200;

/// What [`generate`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthStats {
    /// Article files written.
    pub documents: usize,
    /// Bytes of article text written.
    pub bytes: usize,
}

/// A tiny SplitMix64 generator: enough randomness for corpora, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// A Zipf-like rank ≥ 1 from an unbounded pool (a shifted Pareto tail): rank `k` has
    /// probability about `k^-(1 + alpha)`, so new ranks keep turning up, ever more rarely, and
    /// `n` draws hold about `n^alpha` distinct ranks.
    pub fn zipf(&mut self, alpha: f64) -> u64 {
        let u = ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        (10.0 * (u.powf(-1.0 / alpha) - 1.0)).min(1e12) as u64 + 1
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A seed for the `index`-th item of a family, so items do not depend on generation order.
fn mix(seed: u64, family: u64, index: u64) -> Rng {
    let mut rng = Rng::new(seed ^ family.wrapping_mul(0xA24B_AED4_963E_E407));
    rng.0 ^= rng.next_u64() ^ index.wrapping_mul(0x9FB2_1C65_1E98_DF25);
    rng
}

const ONSETS: &[&str] = &[
    "b", "d", "f", "g", "h", "j", "k", "kh", "l", "m", "n", "p", "q", "r", "s", "sh", "t", "v",
    "w", "z", "zh",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "a", "i", "ai"];
const ENDINGS: &[&str] = &[
    "", "", "", "zai", "wal", "i", "khel", "yar", "ullah", "stan",
];

fn word(rng: &mut Rng, syllables: usize) -> String {
    let mut w: String = (0..syllables)
        .map(|_| format!("{}{}", rng.pick(ONSETS), rng.pick(VOWELS)))
        .collect();
    let ending = rng.pick::<&str>(ENDINGS);
    w.push_str(ending);
    w[..1].to_uppercase() + &w[1..]
}

/// The `rank`-th invented name of a seed: two words, or one hyphenated compound (one in five).
pub fn name(seed: u64, rank: u64) -> String {
    let mut rng = mix(seed, 1, rank);
    let (a, b) = (2 + rng.below(2), 2 + rng.below(2));
    let sep = if rng.chance(0.2) { "-" } else { " " };
    format!("{}{sep}{}", word(&mut rng, a), word(&mut rng, b))
}

/// The `rank`-th typo variant of an ASCII word: one letter dropped, doubled, swapped or changed
/// (words shorter than two letters or not ASCII come back as they are).
pub fn typo(word: &str, rank: u64) -> String {
    let family = word.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01B3)
    });
    if word.len() < 2 || !word.is_ascii() {
        return word.to_string();
    }
    let mut rng = mix(family, 2, rank);
    let mut c: Vec<u8> = word.bytes().collect();
    let i = (1 + rng.below(c.len().saturating_sub(2).max(1))).min(c.len() - 1);
    match rng.below(4) {
        0 if c.len() > 3 => drop(c.remove(i)),
        1 => c.insert(i, c[i]),
        2 if i + 1 < c.len() => c.swap(i, i + 1),
        _ => c[i] = b"aeioulnrst"[rng.below(10)],
    }
    String::from_utf8(c).unwrap_or_else(|_| word.to_string())
}

/// Sentences and headlines of the source articles, in file order.
fn read_source(source: &Path) -> io::Result<(Vec<String>, Vec<String>, usize)> {
    let mut paths: Vec<_> = fs::read_dir(source)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    paths.sort();
    let (mut sentences, mut headlines, mut bytes) = (Vec::new(), Vec::new(), 0);
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "md"))
    {
        let text = fs::read_to_string(path)?;
        bytes += text.len();
        let paragraphs = text.split("\n\n").map(str::trim);
        for para in paragraphs.filter(|p| !p.contains('\n')) {
            if para.ends_with(['.', '?', '!', '”', '"']) {
                let whole = para.split_sentence_bounds().map(str::trim);
                let long = whole.filter(|s| s.split_whitespace().count() >= 5);
                sentences.extend(long.map(String::from));
            } else if (4..=14).contains(&para.split_whitespace().count()) {
                headlines.push(para.to_string());
            }
        }
    }
    if sentences.is_empty() || headlines.is_empty() {
        let why = "the source folder has no sentences or no headlines";
        return Err(io::Error::new(io::ErrorKind::InvalidData, why));
    }
    Ok((sentences, headlines, bytes))
}

/// A source sentence with names and typos mixed in; capitalised sentence starts are kept.
fn mutate(rng: &mut Rng, seed: u64, sentence: &str) -> String {
    let mut out = Vec::new();
    for (i, token) in sentence.split(' ').enumerate() {
        let core = token.trim_end_matches([',', '.', ';', ':']);
        let tail = &token[core.len()..];
        let letters = !core.is_empty() && core.bytes().all(|b| b.is_ascii_alphabetic());
        if letters && i > 0 && core.as_bytes()[0].is_ascii_uppercase() && rng.chance(NAME_RATE) {
            out.push(format!("{}{tail}", name(seed, rng.zipf(NAME_ALPHA))));
        } else if letters && core.len() >= 4 && rng.chance(TYPO_RATE) {
            out.push(format!("{}{tail}", typo(core, rng.zipf(TYPO_ALPHA))));
        } else {
            out.push(token.to_string());
        }
    }
    out.join(" ")
}

/// One line of scrape debris: the kind the loader must keep out of quotes.
fn debris(rng: &mut Rng) -> String {
    const MONTHS: &[&str] = &["January", "March", "May", "August", "October", "December"];
    match rng.below(4) {
        0 => "Published".to_string(),
        1 => {
            let (day, month) = (1 + rng.below(28), rng.pick(MONTHS));
            format!("{day} {month} {}", 2015 + rng.below(10))
        }
        2 => format!("Home / {} / Latest", rng.pick(&["Asia", "World", "Region"])),
        _ => format!("Total: {}, Members: {}", rng.below(900), rng.below(40)),
    }
}

/// Writes a synthetic corpus of about `scale` × the source articles into `dir` (created if
/// needed); see the module docs for its shape. Same `source`, `scale` and `seed`, same bytes.
pub fn generate(source: &Path, dir: &Path, scale: usize, seed: u64) -> io::Result<SynthStats> {
    let (sentences, headlines, source_bytes) = read_source(source)?;
    let documents = 5 * scale.max(1);
    let per_doc = source_bytes / 5;
    let mut rng = Rng::new(seed);
    let mut recent: Vec<String> = Vec::new();
    let mut bytes = 0;
    for d in 0..documents {
        let folder = dir.join(format!("part{:03}", d / FILES_PER_FOLDER));
        if d % FILES_PER_FOLDER == 0 {
            fs::create_dir_all(&folder)?;
        }
        let headline = rng.pick(&headlines);
        let headline = mutate(&mut rng, seed, headline);
        let mut text = format!("{headline} — {}\n\n", name(seed, rng.zipf(NAME_ALPHA)));
        for _ in 0..1 + rng.below(3) {
            text += &debris(&mut rng);
            text += "\n\n";
        }
        let target = per_doc / 2 + rng.below(per_doc.max(1));
        while text.len() < target {
            let para = if !recent.is_empty() && rng.chance(0.05) {
                rng.pick(&recent).clone()
            } else {
                let n = 2 + rng.below(4);
                let mut sentence = || {
                    let sentence = rng.pick(&sentences);
                    mutate(&mut rng, seed, sentence)
                };
                (0..n).map(|_| sentence()).collect::<Vec<_>>().join(" ")
            };
            if recent.len() < 64 {
                recent.push(para.clone());
            } else {
                recent[rng.below(64)] = para.clone();
            }
            text += &para;
            text += "\n\n";
        }
        let ext = if d % 7 == 3 { "md" } else { "txt" };
        fs::write(folder.join(format!("doc{d:06}.{ext}")), &text)?;
        bytes += text.len();
    }
    let aliases = source.join("aliases.toml");
    if aliases.is_file() {
        fs::copy(aliases, dir.join("aliases.toml"))?;
    }
    Ok(SynthStats { documents, bytes })
}

/// `n` natural questions of 6–9 words over the corpus's topics and the invented names of `seed`
/// (frequent ones, which any corpus of that seed holds), some with a typo.
pub fn questions(seed: u64, n: usize) -> Vec<String> {
    let list = |words: &'static str| words.split(' ').collect::<Vec<_>>();
    let who = list("taliban government ministry officials fighters leaders");
    let say = list("say claim deny report reject blame");
    let what = list("attacks cooperation recognition refugees security ties");
    let place = list("afghanistan kabul iran pakistan syria helmand");
    let mut rng = mix(seed, 3, 0);
    (0..n)
        .map(|_| {
            let person = name(seed, 1 + rng.below(30) as u64);
            let (who, say, what) = (rng.pick(&who), rng.pick(&say), rng.pick(&what));
            let place = rng.pick(&place);
            let q = match rng.below(5) {
                0 => format!("what did {person} say about {what} in {place}"),
                1 => format!("how do the {who} say {what} in {place} grew"),
                2 => format!("why did {person} {say} the {what} claims"),
                3 => format!("who is the {who} spokesman in {place}"),
                _ => format!("when did the {who} {say} {what} in {place}"),
            };
            let mut words: Vec<String> = q.split(' ').map(String::from).collect();
            let i = rng.below(words.len());
            let plain = words[i].len() >= 5 && words[i].bytes().all(|b| b.is_ascii_lowercase());
            if plain && rng.chance(0.5) {
                words[i] = typo(&words[i], rng.zipf(TYPO_ALPHA));
            }
            words.join(" ")
        })
        .collect()
}

/// The corpus of `scale` and `seed` under `root` (as `scale{scale}-seed{seed}/`), generated on
/// first use and reused afterwards. A hidden `.complete` marker (which the loader skips) tells a
/// finished corpus from an interrupted one; an unfinished folder is generated again.
pub fn cached(source: &Path, root: &Path, scale: usize, seed: u64) -> io::Result<PathBuf> {
    let dir = root.join(format!("scale{scale}-seed{seed}"));
    let marker = dir.join(".complete");
    if !marker.is_file() {
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        let stats = generate(source, &dir, scale, seed)?;
        fs::write(marker, format!("{stats:?}\n"))?;
    }
    Ok(dir)
}

//! The inverted index: terms → postings, plus what ranking needs per passage.
//!
//! - Only one passage of each duplicate group is indexed (the corpus says which).
//! - Terms are Snowball stems; every passage also keeps its sequence of word ids (surface forms)
//!   for proximity and exact-match bonuses, and every occurrence of an alias name adds the
//!   group's own term.
//! - The surface vocabulary is an FST (exact lookups) and a trigram index (typo-tolerant
//!   lookups, [`super::fuzzy`]).
//! - Tokenizing runs in parallel; ids are assigned in sorted order afterwards, so the same corpus
//!   always gives the same index.

use fst::Map;
use rayon::prelude::*;

use super::aliases::{AliasMatch, Aliases};
use super::fuzzy::Trigrams;
use super::lists::{List, Lists};
use super::sequence::Sequences;
use super::weights::{self, tf_factor, Ranking};
use super::words::{SharedInterner, Words};
use crate::corpus::Corpus;
use crate::text::{self, Token};

/// Indexes of at most this many passages keep, a byte each, which kinds of likely answer each
/// passage holds ([`Index::answer_kinds`]), so re-ranking can bound a passage without reading it.
pub const DENSE_PASSAGES: usize = 1 << 12;

/// A posting in four bytes while the index is built: an indexed passage (high 24 bits) and how
/// often the term occurs in it (low 8 bits, saturating at 255, where BM25's term-frequency
/// factor has long levelled off). The index keeps them compressed ([`Lists`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Posting(u32);

/// Passages an index holds at most (24 bits of a [`Posting`]): about 2.5 GB of text.
pub const MAX_PASSAGES: usize = 1 << 24;

impl Posting {
    fn new(passage: u32, tf: usize) -> Posting {
        Posting(passage << 8 | tf.min(255) as u32)
    }

    fn passage(self) -> u32 {
        self.0 >> 8
    }

    fn tf(self) -> u32 {
        self.0 & 0xff
    }
}

/// The term frequency of a posting from its payload in the compressed lists (which hold it
/// less one: most are 1, and a block of them then takes no bits).
#[inline]
pub(super) fn tf(payload: u8) -> u32 {
    u32::from(payload) + 1
}

/// The searchable form of a corpus.
pub struct Index {
    /// The weights questions are read and passages ranked with.
    pub(super) ranking: Ranking,
    pub(super) aliases: Aliases,
    /// Surface word → word id (ids follow sorted order).
    pub(super) vocabulary: Map<Vec<u8>>,
    /// Trigrams of the surface words, for typo-tolerant lookups.
    pub(super) trigrams: Trigrams,
    /// Word id → surface text.
    pub(super) words: Words,
    /// Acronym → the term of the passages that define it ([`definition_term`]'s), sorted.
    acronym_terms: Vec<(Box<str>, u32)>,
    /// Word id → term id (its stem).
    pub(super) word_term: Vec<u32>,
    /// Term id → its stem, for the stems of a vocabulary of at most [`KEPT_STEMS`]
    /// words (empty for a larger one): a question's known words need no Snowball run.
    stems: Words,
    /// Word id → occurrences in the corpus.
    pub(super) word_count: Vec<u32>,
    /// Word ids the corpus writes as a name (a capital inside a sentence) in most of their
    /// occurrences, as a bit set: a question typed in lower case names them too.
    name_words: Vec<u64>,
    /// Stem → term id. Alias groups and acronym definitions have terms of their own, with
    /// internal names ([`definition_term`]).
    terms: Map<Vec<u8>>,
    /// Alias group → term id.
    pub(super) alias_terms: Vec<u32>,
    /// Term id → its postings: passages in order, with payloads [`tf`] reads.
    postings: Lists,
    /// Term id → the largest BM25 term-frequency factor among its postings (for pruning).
    pub(super) max_tf_part: Vec<f32>,
    /// Indexed passage → corpus passage id.
    pub(super) passages: Vec<u32>,
    /// Indexed passage → its length in words.
    pub(super) lengths: Vec<u32>,
    pub(super) average_length: f32,
    /// Word ids of every indexed passage, in order (alias terms tagged with `ALIAS_BIT`),
    /// compressed.
    sequences: Sequences,
    /// Document → term ids of its title.
    pub(super) title_terms: Vec<Vec<u32>>,
    /// Indexed passage → which kinds of likely answer its words hold ([`NAME_BIT`] and
    /// [`NUMBER_BIT`], shifted down to [`ANSWER_KINDS_SHIFT`]); kept for an index of at most
    /// [`DENSE_PASSAGES`] passages only.
    answer_kinds: Vec<u8>,
}

/// Where [`Index::answer_kinds`] keeps the answer bits of an entry.
const ANSWER_KINDS_SHIFT: u32 = 29;

/// Each term's largest BM25 term-frequency factor among its postings (for pruning).
fn max_tf_parts(
    postings: &Lists,
    lengths: &[u32],
    average_length: f32,
    bm25: (f32, f32),
) -> Vec<f32> {
    (0..postings.len())
        .into_par_iter()
        .map(|t| {
            let mut most: f32 = 0.0;
            postings.get(t).for_each(|p, f| {
                most = most.max(tf_factor(tf(f), lengths[p as usize], average_length, bm25));
            });
            most
        })
        .collect()
}

/// Marks an entry of a passage's sequence that is an alias group, not a word.
pub(crate) const ALIAS_BIT: u32 = 1 << 31;
/// Marks a word written with a capital inside a sentence: part of a name.
pub(super) const NAME_BIT: u32 = 1 << 30;
/// Marks a word with digits: a number, a year, an amount.
pub(super) const NUMBER_BIT: u32 = 1 << 29;
/// The bits of a word entry that hold the word id.
pub(super) const ID_MASK: u32 = NUMBER_BIT - 1;
/// The bits of an alias entry that hold the group.
const GROUP_MASK: u32 = (1 << 24) - 1;
/// An alias entry's bits from here hold how many of the word entries after it the name covers.
const ALIAS_SPAN_SHIFT: u32 = 24;
const ALIAS_SPAN_MAX: u32 = 31;
// An alias entry's span stays below the answer bits, so an alias is never a likely answer.
const _: () = assert!(ALIAS_SPAN_MAX << ALIAS_SPAN_SHIFT < NUMBER_BIT);
const _: () = assert!(NUMBER_BIT >> ANSWER_KINDS_SHIFT == 1 && NAME_BIT >> ANSWER_KINDS_SHIFT == 2);

/// The sequence entry of an alias name covering `span` word entries.
fn alias_entry(group: u32, span: u32) -> u32 {
    ALIAS_BIT | (span.min(ALIAS_SPAN_MAX) << ALIAS_SPAN_SHIFT) | (group & GROUP_MASK)
}

/// How many word entries after an alias entry its name covers.
pub(super) fn alias_span(entry: u32) -> usize {
    ((entry >> ALIAS_SPAN_SHIFT) & ALIAS_SPAN_MAX) as usize
}

/// The postings are filled and compressed in this many parts (see [`Index::build`]).
const POSTING_PARTS: usize = 3;

/// The postings are read from the passages this many at a time, in parallel pieces of
/// [`POSTING_PIECE`] (see [`Index::build`]).
const POSTING_BLOCK: usize = 1 << 12;
const POSTING_PIECE: usize = 1 << 9;

/// Passages are tokenized and interned in parallel this many at a time.
const CHUNK: usize = 1 << 14;

/// Every passage's words once interned, back to back: four bytes a word, no per-passage
/// allocation, whatever the corpus size.
#[derive(Default)]
struct Interned {
    /// Provisional word ids with their answer flags, alias groups interleaved (`ALIAS_BIT`).
    sequence: Vec<u32>,
    /// Passage → where its words start in `sequence` (the next passage's start ends them).
    starts: Vec<u32>,
    /// Passage → words, compounds counted once.
    lengths: Vec<u32>,
    /// Acronyms defined, by passage (few).
    definitions: Vec<(u32, String)>,
}

impl Interned {
    /// Tokenizes a passage and adds its words, interned by `ids`, as the next passage.
    fn add(&mut self, text: &str, aliases: &Aliases, ids: &SharedInterner) {
        let number = self.starts.len() as u32;
        self.starts.push(self.sequence.len() as u32);
        if !aliases.is_empty() {
            return self.add_tokens(number, text, aliases, ids);
        }
        // No alias to find: words go from the scanner to the interner without a `Token`
        // (two strings) each.
        let (mut length, mut defines) = (0, false);
        let sequence = &mut self.sequence;
        text::for_each_piece(text, |p| {
            if p.stop {
                return;
            }
            if !p.joined {
                length += 1;
                // What [`definitions`] looks for first (a word in capitals is never a stop word).
                defines |= p.caps && text[..p.start].trim_end().ends_with('(');
            }
            sequence.push(ids.intern(p.word) | word_flags(text, p.word, p.start, p.joined));
        });
        self.lengths.push(length.max(1));
        if defines {
            let found = definitions(text, &text::tokenize_unstemmed(text));
            self.definitions
                .extend(found.into_iter().map(|d| (number, d)));
        }
    }

    /// [`Interned::add`] for a corpus with aliases: their names are found by stem.
    fn add_tokens(&mut self, number: u32, text: &str, aliases: &Aliases, ids: &SharedInterner) {
        let tokens = text::tokenize(text);
        let found = aliases.find(&tokens);
        let defined = definitions(text, &tokens);
        let words: Vec<Token> = tokens.into_iter().filter(|t| !t.stop).collect();
        // Alias groups stand in the sequence just before the name's first word.
        let alias = |m: &AliasMatch| {
            let span = words
                .iter()
                .filter(|w| w.start >= m.start && w.end <= m.end)
                .count();
            alias_entry(m.group, span as u32)
        };
        let mut pending = found.iter().peekable();
        for w in &words {
            while let Some(a) = pending.next_if(|m| m.start <= w.start) {
                self.sequence.push(alias(a));
            }
            self.sequence
                .push(ids.intern(&w.text) | answer_flags(text, w));
        }
        self.sequence.extend(pending.map(alias));
        self.lengths
            .push(words.iter().filter(|w| !w.joined).count().max(1) as u32);
        self.definitions
            .extend(defined.into_iter().map(|d| (number, d)));
    }

    /// Adds `other`'s passages after these.
    fn append(&mut self, other: Interned) {
        let (base, first) = (self.sequence.len() as u32, self.starts.len() as u32);
        self.starts.extend(other.starts.iter().map(|s| s + base));
        self.sequence.extend_from_slice(&other.sequence);
        self.lengths.extend_from_slice(&other.lengths);
        self.definitions
            .extend(other.definitions.into_iter().map(|(p, d)| (p + first, d)));
    }
}

/// The term of the passages that define an acronym.
pub(super) fn definition_term(acronym: &str) -> String {
    format!("\u{1}def:{acronym}")
}

/// Acronyms defined in the text: a word in capitals between parentheses whose letters are the
/// initials of the words just before it (`over-the-horizon (OTH)`, `Islamic State (IS)`).
fn definitions(text: &str, tokens: &[Token]) -> Vec<String> {
    let mut found = Vec::new();
    // Every passage goes through here and few define anything: the cheap tests come first,
    // and nothing is collected until a word in capitals between parentheses turns up.
    for (i, t) in tokens.iter().enumerate() {
        if t.joined || !t.caps {
            continue;
        }
        let bracketed = text[..t.start].trim_end().ends_with('(')
            && text[t.end..].trim_start().starts_with(')');
        if !bracketed {
            continue;
        }
        let letters: Vec<char> = t.text.chars().collect();
        if !(2..=6).contains(&letters.len()) || !letters.iter().all(|c| c.is_alphabetic()) {
            continue;
        }
        let mut want = letters.len();
        let mut skipped = 0;
        for w in tokens[..i].iter().rev().filter(|w| !w.joined) {
            if want == 0 {
                break;
            }
            if w.text.starts_with(letters[want - 1]) {
                want -= 1;
            } else if w.stop && skipped < 2 {
                skipped += 1;
            } else {
                break;
            }
        }
        if want == 0 {
            found.push(t.text.clone());
        }
    }
    found
}

/// What kind of answer a word could be: part of a name, or a number.
pub(super) fn answer_flags(text: &str, t: &Token) -> u32 {
    word_flags(text, &t.text, t.start, t.joined)
}

/// [`answer_flags`] of a token given by its normalized word, where it starts in `text`, and
/// whether it is a compound's joined form.
fn word_flags(text: &str, word: &str, start: usize, joined: bool) -> u32 {
    let mut flags = 0;
    if word.bytes().any(|b| b.is_ascii_digit()) {
        flags |= NUMBER_BIT;
    }
    let capital = || text[start..].chars().next().is_some_and(char::is_uppercase);
    // What comes before is looked at only for a word that starts with a capital.
    let sentence_start = || {
        let before = text[..start].trim_end();
        before.is_empty() || before.ends_with(['.', '!', '?', '"', '“', ':'])
    };
    if !joined && capital() && !sentence_start() {
        flags |= NAME_BIT;
    }
    flags
}

/// An FST map of sorted, distinct keys, in a buffer of its own size.
fn fst_map<K: AsRef<[u8]>>(entries: impl Iterator<Item = (K, u64)>) -> Map<Vec<u8>> {
    let mut builder = fst::MapBuilder::memory();
    builder.extend_iter(entries).expect("sorted, distinct keys");
    let mut bytes = builder.into_inner().expect("an in-memory FST");
    bytes.shrink_to_fit();
    Map::new(bytes).expect("an FST just built")
}

impl Index {
    /// Reads questions and ranks passages with `ranking` from now on (for fitting it; the
    /// index is built with [`weights::ranking`]).
    pub fn set_ranking(&mut self, ranking: Ranking) {
        if ranking.bm25() != self.ranking.bm25() {
            self.max_tf_part = max_tf_parts(
                &self.postings,
                &self.lengths,
                self.average_length,
                ranking.bm25(),
            );
        }
        self.ranking = ranking;
    }

    /// Indexes the canonical passages of a corpus.
    pub fn build(corpus: &Corpus, aliases: Aliases) -> Index {
        let mut steps = crate::steps::Steps::start("index");
        let mut passages: Vec<u32> = (0..corpus.passages.len() as u32)
            .filter(|&p| corpus.canonical[p as usize] == p)
            .collect();
        if passages.len() > MAX_PASSAGES {
            tracing::warn!(
                "{} passages is over the {MAX_PASSAGES} one index holds; the rest are not searched",
                passages.len()
            );
            passages.truncate(MAX_PASSAGES);
        }
        passages.shrink_to_fit();
        let ids = SharedInterner::new(ID_MASK + 1);
        let mut all = Interned::default();
        let doc_of = |p: u32| corpus.passages[p as usize].doc;
        for chunk in passages.chunks(CHUNK) {
            // A document's text is unpacked once for all its passages in the chunk.
            let by_doc: Vec<&[u32]> = chunk.chunk_by(|&a, &b| doc_of(a) == doc_of(b)).collect();
            let parts: Vec<Interned> = by_doc
                .par_iter()
                .map(|ps| {
                    let text = corpus.texts[doc_of(ps[0]) as usize].unpack();
                    let mut part = Interned::default();
                    for &p in *ps {
                        let range = corpus.passages[p as usize].range();
                        part.add(text.get(range).unwrap_or(""), &aliases, &ids);
                    }
                    part
                })
                .collect();
            for part in parts {
                all.append(part);
            }
        }
        steps.done("tokenized and interned");
        let Interned {
            mut sequence,
            mut starts,
            mut lengths,
            definitions: defined,
        } = all;
        lengths.shrink_to_fit();
        starts.push(sequence.len() as u32);
        starts.shrink_to_fit();
        let titles: Vec<Vec<Token>> = corpus
            .documents
            .par_iter()
            .map(|d| {
                text::tokenize(&d.title)
                    .into_iter()
                    .filter(|t| !t.stop)
                    .collect()
            })
            .collect();
        for t in titles.iter().flatten() {
            ids.intern(&t.text);
        }

        // Vocabulary in sorted order, so ids do not depend on thread scheduling.
        let (surfaces, final_id) = ids.into_sorted();
        sequence.par_chunks_mut(1 << 16).for_each(|entries| {
            for e in entries {
                if *e & ALIAS_BIT == 0 {
                    *e = final_id[(*e & ID_MASK) as usize] | (*e & !ID_MASK);
                }
            }
        });
        drop(final_id);
        let vocabulary = fst_map(surfaces.iter().enumerate().map(|(i, w)| (w, i as u64)));
        // Titles kept as word ids: their tokens would otherwise be held to the end of the build.
        let title_words: Vec<Vec<u32>> = titles
            .iter()
            .map(|ts| {
                ts.iter()
                    .filter_map(|t| vocabulary.get(&t.text))
                    .map(|id| id as u32)
                    .collect()
            })
            .collect();
        drop(titles);
        steps.done("vocabulary sorted, sequence renumbered");
        let mut word_count = vec![0u32; surfaces.len()];
        let mut named = vec![0u32; surfaces.len()];
        for &entry in &sequence {
            if entry & ALIAS_BIT == 0 {
                let id = (entry & ID_MASK) as usize;
                word_count[id] += 1;
                named[id] += u32::from(entry & NAME_BIT != 0);
            }
        }
        let mut name_words = vec![0u64; surfaces.len().div_ceil(64)];
        for (id, (&n, &count)) in named.iter().zip(&word_count).enumerate() {
            if 2 * n > count {
                name_words[id / 64] |= 1 << (id % 64);
            }
        }
        drop(named);
        // Compressed before the other tables are built: the plain sequence is the largest
        // buffer of the build.
        let answer_kinds: Vec<u8> = if starts.len() <= DENSE_PASSAGES + 1 {
            // Alias entries have neither bit: their span ends below them.
            starts
                .windows(2)
                .map(|w| {
                    let all = sequence[w[0] as usize..w[1] as usize]
                        .iter()
                        .fold(0, |kinds, &e| kinds | e);
                    ((all & (NAME_BIT | NUMBER_BIT)) >> ANSWER_KINDS_SHIFT) as u8
                })
                .collect()
        } else {
            Vec::new()
        };
        let sequences = Sequences::build(sequence, &starts[1..]);
        drop(starts);
        steps.done("sequences compressed");
        // Before the postings exist: its buffers and theirs are never held at once.
        let trigrams = Trigrams::build(surfaces.par_iter());
        steps.done("trigrams");

        // Terms: the distinct stems in sorted order (ids independent of scheduling, no hash
        // map of strings), then alias groups and acronym definitions.
        let mut stems: Vec<String> = surfaces.par_iter().map(text::stem_uncached).collect();
        let mut by_stem: Vec<u32> = (0..stems.len() as u32).collect();
        by_stem.par_sort_unstable_by(|&a, &b| stems[a as usize].cmp(&stems[b as usize]));
        let mut word_term = vec![0u32; surfaces.len()];
        let mut first_words: Vec<u32> = Vec::new();
        for run in by_stem.chunk_by(|&a, &b| stems[a as usize] == stems[b as usize]) {
            for &w in run {
                word_term[w as usize] = first_words.len() as u32;
            }
            first_words.push(run[0]);
        }
        drop(by_stem);
        let mut names: Vec<(String, u32)> = first_words
            .iter()
            .enumerate()
            .map(|(t, &w)| (std::mem::take(&mut stems[w as usize]), t as u32))
            .collect();
        let stems_kept: Words = if surfaces.len() <= KEPT_STEMS {
            names.iter().map(|(n, _)| n.as_str()).collect()
        } else {
            Words::default()
        };
        drop((stems, first_words));
        let alias_terms: Vec<u32> = (0..aliases.len())
            .map(|g| {
                let term = names.len() as u32;
                names.push((format!("\u{0}alias{g}"), term));
                term
            })
            .collect();
        let mut acronyms: Vec<&str> = defined.iter().map(|(_, a)| a.as_str()).collect();
        acronyms.sort_unstable();
        acronyms.dedup();
        let mut acronym_terms: Vec<(Box<str>, u32)> = Vec::with_capacity(acronyms.len());
        for a in acronyms {
            let term = names.len() as u32;
            names.push((definition_term(a), term));
            acronym_terms.push((a.into(), term));
        }
        let term_count = names.len();
        // An FST of names → ids: a few bytes a term instead of a string and a hash slot each.
        names.par_sort_unstable();
        let terms = fst_map(names.iter().map(|(n, id)| (n, u64::from(*id))));
        drop(names);
        let term_id = |name: &str| terms.get(name).map(|id| id as u32);
        steps.done("terms");

        // A passage's terms, sorted: each run is one posting.
        let defined_in = |p: usize| {
            let from = defined.partition_point(|(q, _)| (*q as usize) < p);
            defined[from..]
                .iter()
                .take_while(move |(q, _)| *q as usize == p)
        };
        let passage_terms = |p: usize, entries: &mut Vec<u32>, out: &mut Vec<u32>| {
            sequences.decode_into(p as u32, entries);
            out.clear();
            out.extend(entries.iter().map(|&entry| {
                if entry & ALIAS_BIT != 0 {
                    alias_terms[(entry & GROUP_MASK) as usize]
                } else {
                    word_term[(entry & ID_MASK) as usize]
                }
            }));
            out.extend(defined_in(p).filter_map(|(_, a)| term_id(&definition_term(a))));
            out.sort_unstable();
        };
        // The postings of terms `lo..hi`, passage by passage: passages are decoded in parallel,
        // a block at a time, while `f` takes the block before in order.
        let passage_count = lengths.len();
        let for_each_posting =
            |lo: usize, hi: usize, f: &mut (dyn FnMut(usize, Posting) + Send)| {
                let decode = |block: std::ops::Range<usize>| -> Vec<Vec<(u32, Posting)>> {
                    (block.start..block.end)
                        .into_par_iter()
                        .step_by(POSTING_PIECE)
                        .map(|from| {
                            let (mut entries, mut here, mut out) =
                                (Vec::new(), Vec::new(), Vec::new());
                            for p in from..(from + POSTING_PIECE).min(block.end) {
                                passage_terms(p, &mut entries, &mut here);
                                for run in here.chunk_by(|a, b| a == b) {
                                    if (lo..hi).contains(&(run[0] as usize)) {
                                        out.push((run[0], Posting::new(p as u32, run.len())));
                                    }
                                }
                            }
                            out
                        })
                        .collect()
                };
                let mut blocks = (0..passage_count)
                    .step_by(POSTING_BLOCK)
                    .map(|from| from..(from + POSTING_BLOCK).min(passage_count));
                let mut ready = blocks.next().map(decode).unwrap_or_default();
                loop {
                    let next = blocks.next();
                    let (_, decoded) = rayon::join(
                        || {
                            ready
                                .iter()
                                .flatten()
                                .for_each(|&(t, posting)| f(t as usize, posting))
                        },
                        || next.map(decode),
                    );
                    match decoded {
                        Some(d) => ready = d,
                        None => break,
                    }
                }
            };
        // Counted first, so that each term's postings go straight to their place.
        let mut starts = vec![0u32; term_count + 1];
        for_each_posting(0, term_count, &mut |t, _| starts[t + 1] += 1);
        for t in 0..term_count {
            starts[t + 1] += starts[t];
        }
        // Filled and compressed in thirds of the terms (by postings), one pass over the
        // passages each: only a third of the plain postings is ever held next to compressed
        // ones (during a reload, the build's peak sits on top of the serving snapshot).
        let total = starts[term_count] as u64;
        let mut cuts: Vec<usize> = (0..=POSTING_PARTS as u64)
            .map(|i| starts.partition_point(|&s| u64::from(s) * (POSTING_PARTS as u64) < total * i))
            .map(|t| t.min(term_count))
            .collect();
        // Every term in one part, those without postings included.
        cuts[POSTING_PARTS] = term_count;
        let mut parts: Vec<Lists> = Vec::with_capacity(POSTING_PARTS);
        for range in cuts.windows(2) {
            let (lo, hi) = (range[0], range[1]);
            let base = starts[lo] as usize;
            let mut plain = vec![Posting(0); starts[hi] as usize - base];
            let mut cursors: Vec<u32> = starts[lo..hi].iter().map(|s| s - base as u32).collect();
            for_each_posting(lo, hi, &mut |t, posting| {
                let slot = &mut cursors[t - lo];
                plain[*slot as usize] = posting;
                *slot += 1;
            });
            drop(cursors);
            parts.push(Lists::build(hi - lo, true, |t, passages, tfs| {
                let (from, to) = (
                    starts[lo + t] as usize - base,
                    starts[lo + t + 1] as usize - base,
                );
                for p in &plain[from..to] {
                    passages.push(p.passage());
                    tfs.push((p.tf() - 1) as u8);
                }
            }));
        }
        drop(starts);
        let mut parts = parts.into_iter();
        let mut postings = parts.next().expect("at least one part");
        parts.for_each(|part| postings.append(part));
        steps.done("postings");
        let average_length =
            lengths.iter().map(|&l| l as f64).sum::<f64>() as f32 / lengths.len().max(1) as f32;
        let ranking = weights::ranking();
        let max_tf_part = max_tf_parts(&postings, &lengths, average_length, ranking.bm25());
        let title_terms = title_words
            .into_iter()
            .map(|words| {
                let mut ids: Vec<u32> = words.iter().map(|&w| word_term[w as usize]).collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            })
            .collect();
        steps.done("bounds and titles");
        Index {
            ranking,
            aliases,
            vocabulary,
            trigrams,
            words: surfaces,
            acronym_terms,
            word_term,
            stems: stems_kept,
            word_count,
            name_words,
            terms,
            alias_terms,
            postings,
            max_tf_part,
            passages,
            lengths,
            average_length,
            sequences,
            title_terms,
            answer_kinds,
        }
    }

    /// Passages indexed (duplicates folded).
    pub fn passage_count(&self) -> usize {
        self.passages.len()
    }

    /// Distinct surface words.
    pub fn vocabulary_size(&self) -> usize {
        self.words.len()
    }

    /// The corpus passage id of an indexed passage.
    pub fn passage_id(&self, indexed: u32) -> u32 {
        self.passages[indexed as usize]
    }

    /// Rough heap size in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.memory_parts().iter().map(|(_, bytes)| bytes).sum()
    }

    /// Rough heap size of each part, in bytes.
    pub fn memory_parts(&self) -> Vec<(&'static str, usize)> {
        fn vec<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        vec![
            ("postings", self.postings.memory_bytes()),
            ("word sequences", self.sequences.memory_bytes()),
            ("trigrams", self.trigrams.memory_bytes()),
            (
                "words",
                self.words.memory_bytes() + self.stems.memory_bytes(),
            ),
            (
                "vocabulary and terms",
                self.vocabulary.as_fst().as_bytes().len() + self.terms.as_fst().as_bytes().len(),
            ),
            (
                "word and term tables",
                vec(&self.word_term)
                    + vec(&self.word_count)
                    + vec(&self.name_words)
                    + vec(&self.max_tf_part),
            ),
            (
                "indexed passages",
                vec(&self.passages) + vec(&self.lengths) + self.answer_kinds.capacity(),
            ),
            (
                "titles",
                self.title_terms
                    .iter()
                    .map(|t| vec(t) + std::mem::size_of::<Vec<u32>>())
                    .sum(),
            ),
        ]
    }

    /// A term's postings, by passage.
    pub(super) fn postings(&self, term: u32) -> List<'_> {
        self.postings.get(term as usize)
    }

    /// Document frequency of a term.
    pub(super) fn df(&self, term: u32) -> usize {
        self.postings.list_len(term as usize)
    }

    /// BM25 inverse document frequency of a term.
    pub(super) fn idf(&self, term: u32) -> f32 {
        idf(self.passages.len(), self.df(term))
    }

    /// The highest idf any term can have: that of a term found once.
    pub(super) fn max_idf(&self) -> f32 {
        idf(self.passages.len(), 1)
    }

    /// The term of a sequence entry: its word's stem, or its alias group's term.
    pub(super) fn entry_term(&self, entry: u32) -> u32 {
        if entry & ALIAS_BIT != 0 {
            self.alias_terms[(entry & GROUP_MASK) as usize]
        } else {
            self.word_term[(entry & ID_MASK) as usize]
        }
    }

    /// An indexed passage's sequence entries.
    pub(super) fn entries(&self, passage: u32) -> Vec<u32> {
        let mut out = Vec::new();
        self.sequences.decode_into(passage, &mut out);
        out
    }

    /// Whether an indexed passage has a word marked `bit` ([`NAME_BIT`] or [`NUMBER_BIT`]),
    /// if the index keeps it (a small index does).
    pub(super) fn has_answer_kind(&self, passage: u32, bit: u32) -> Option<bool> {
        let kinds = u32::from(*self.answer_kinds.get(passage as usize)?);
        Some(kinds << ANSWER_KINDS_SHIFT & bit != 0)
    }

    /// An indexed passage's sequence entries, into a buffer that is reused.
    pub(super) fn entries_into(&self, passage: u32, out: &mut Vec<u32>) {
        self.sequences.decode_into(passage, out);
    }

    /// The term id of a stem (or of an internal name such as [`definition_term`]'s).
    pub(super) fn term(&self, name: &str) -> Option<u32> {
        self.terms.get(name).map(|id| id as u32)
    }

    /// The name of a term (for explanations: a scan of every term).
    pub(super) fn term_name(&self, term: u32) -> Option<String> {
        use fst::Streamer;
        let mut stream = self.terms.stream();
        while let Some((name, id)) = stream.next() {
            if id == u64::from(term) {
                return Some(String::from_utf8_lossy(name).into_owned());
            }
        }
        None
    }

    /// Whether the corpus writes word `id` as a name in most of its occurrences.
    pub(super) fn is_name_word(&self, id: u32) -> bool {
        let id = id as usize;
        self.name_words
            .get(id / 64)
            .is_some_and(|bits| bits & (1 << (id % 64)) != 0)
    }

    /// Word id of a surface form, if in the vocabulary (through the FST).
    pub(super) fn word(&self, surface: &str) -> Option<u32> {
        self.vocabulary.get(surface).map(|v| v as u32)
    }

    /// The stem of a word the vocabulary holds, as [`text::stem`] gives it, kept for a small
    /// vocabulary; `None` for another word, or for every word of a large vocabulary.
    pub(super) fn known_stem(&self, word: &str) -> Option<&str> {
        if self.stems.is_empty() {
            return None;
        }
        let id = self.word(word)?;
        self.stems.get(self.word_term[id as usize] as usize)
    }

    /// The term of the passages that define an acronym (the term named [`definition_term`]),
    /// if any passage does: a bisection of the few acronyms, with no name to build.
    pub(super) fn definition(&self, acronym: &str) -> Option<u32> {
        self.acronym_terms
            .binary_search_by(|(a, _)| (**a).cmp(acronym))
            .ok()
            .map(|i| self.acronym_terms[i].1)
    }
}

/// Vocabularies of at most this many words keep every word's stem, so a question's known
/// words need no stemmer.
const KEPT_STEMS: usize = 1 << 16;

/// BM25's idf, always positive.
pub(super) fn idf(n: usize, df: usize) -> f32 {
    let (n, df) = (n as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every word of the vocabulary is found, near misses are not, and every acronym a passage
    /// defines is found by its initials.
    #[test]
    fn the_vocabulary_finds_its_words_and_the_acronyms_their_definitions() {
        let dir = crate::test_corpus();
        let (corpus, _) = load_dir(dir, &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::load(dir).0);
        assert!(index.words.len() > 100);
        let mut probes: Vec<String> = Vec::new();
        for word in index.words.iter() {
            probes.push(word.to_string());
            probes.push(format!("{word}s"));
            let last = word.char_indices().last().map_or(0, |(i, _)| i);
            probes.push(word[..last].to_string());
            probes.push(format!("a{word}"));
        }
        probes.extend(["", "zzzzzz", "0", "ñandú", "\u{10ffff}"].map(String::from));
        let held: std::collections::HashSet<&str> = index.words.iter().collect();
        for probe in &probes {
            let found = index
                .word(probe)
                .map(|id| index.words[id as usize].to_string());
            let expected = held.contains(probe.as_str()).then(|| probe.clone());
            assert_eq!(found, expected, "{probe:?}");
        }
        // Every acronym a passage defines, and words that are not one.
        assert!(!index.acronym_terms.is_empty());
        let acronyms: Vec<String> = index
            .acronym_terms
            .iter()
            .map(|(a, _)| a.to_string())
            .collect();
        for probe in acronyms.iter().chain(&probes) {
            assert_eq!(
                index.definition(probe),
                index.term(&definition_term(probe)),
                "{probe:?}"
            );
        }
    }

    /// A small index knows which passages hold a name or a number, as their entries tell; a
    /// passage it does not hold has no answer kinds to tell.
    #[test]
    fn answer_kinds_are_the_entries_bits() {
        let dir = crate::test_corpus();
        let (corpus, _) = load_dir(dir, &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::load(dir).0);
        let mut told = [0, 0];
        for p in 0..index.passage_count() as u32 {
            let entries = index.entries(p);
            for (n, bit) in [NAME_BIT, NUMBER_BIT].into_iter().enumerate() {
                let has = entries.iter().any(|&e| e & ALIAS_BIT == 0 && e & bit != 0);
                assert_eq!(index.has_answer_kind(p, bit), Some(has), "passage {p}");
                told[n] += usize::from(!has);
            }
        }
        assert!(
            told.iter().all(|&n| n > 0),
            "some passages lack each kind: {told:?}"
        );
        assert_eq!(
            index.has_answer_kind(index.passage_count() as u32, NAME_BIT),
            None
        );
    }

    /// The stems kept for a small vocabulary are the stemmer's, word for word, and a word the
    /// vocabulary lacks gets none.
    #[test]
    fn kept_stems_are_the_stemmers() {
        let dir = crate::test_corpus();
        let (corpus, _) = load_dir(dir, &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::load(dir).0);
        assert!(!index.stems.is_empty());
        for word in index.words.iter() {
            assert_eq!(
                index.known_stem(word),
                Some(text::stem(word).as_str()),
                "{word}"
            );
            assert_eq!(
                index.term(index.known_stem(word).unwrap()),
                Some(index.word_term[index.word(word).unwrap() as usize])
            );
        }
        for word in ["zzzzzz", "", "talibanx"] {
            assert_eq!(index.known_stem(word), None);
        }
    }
    use crate::corpus::{load_dir, LoadOptions};

    /// Quoting reads a passage's words from the index's sequence and their places from
    /// [`text::spans`]; the two must line up, word for word, and alias entries must cover
    /// exactly the names [`Aliases::find`] finds.
    #[test]
    fn sequences_line_up_with_the_tokens_of_their_passages() {
        let dir = crate::test_corpus();
        let (corpus, _) = load_dir(dir, &LoadOptions::default());
        let index = Index::build(&corpus, Aliases::load(dir).0);
        let mut names = 0;
        for passage in 0..index.passage_count() as u32 {
            let text = corpus.passage_text(index.passage_id(passage));
            let text = &*text;
            let tokens: Vec<Token> = text::tokenize(text);
            let words: Vec<&Token> = tokens.iter().filter(|t| !t.stop).collect();
            let spans: Vec<text::Span> =
                text::spans(text).into_iter().filter(|s| !s.stop).collect();
            assert_eq!(spans.len(), words.len(), "{text}");
            let mut expected: Vec<(u32, usize, usize)> = index
                .aliases
                .find(&tokens)
                .iter()
                .map(|m| (m.group, m.start, m.end))
                .collect();
            expected.sort_unstable();
            let mut found = Vec::new();
            let mut at = 0;
            let entries = index.entries(passage);
            for (i, &entry) in entries.iter().enumerate() {
                if entry & ALIAS_BIT != 0 {
                    let covered: Vec<&text::Span> = entries[i + 1..]
                        .iter()
                        .filter(|e| *e & ALIAS_BIT == 0)
                        .zip(&spans[at..])
                        .take(alias_span(entry))
                        .map(|(_, s)| s)
                        .collect();
                    let end = covered.iter().map(|s| s.end).max().unwrap();
                    found.push((entry & GROUP_MASK, covered[0].start, end));
                    continue;
                }
                assert_eq!(
                    index.words[(entry & ID_MASK) as usize],
                    words[at].text,
                    "{text}"
                );
                assert_eq!(
                    (spans[at].start, spans[at].end),
                    (words[at].start, words[at].end)
                );
                at += 1;
            }
            assert_eq!(at, words.len(), "{text}");
            found.sort_unstable();
            assert_eq!(found, expected, "{text}");
            names += found.len();
        }
        assert!(
            names > 50,
            "the bundled corpus names its groups often: {names}"
        );
    }

    /// [`definitions`] and [`answer_flags`] as first written: the faster forms must agree.
    mod reference {
        use super::super::*;

        pub fn definitions(text: &str, tokens: &[Token]) -> Vec<String> {
            let words: Vec<&Token> = tokens.iter().filter(|t| !t.joined).collect();
            let mut found = Vec::new();
            for (i, t) in words.iter().enumerate() {
                let letters: Vec<char> = t.text.chars().collect();
                let bracketed = text[..t.start].trim_end().ends_with('(')
                    && text[t.end..].trim_start().starts_with(')');
                if !t.caps || !bracketed || !(2..=6).contains(&letters.len()) {
                    continue;
                }
                if !letters.iter().all(|c| c.is_alphabetic()) {
                    continue;
                }
                let mut want = letters.len();
                let mut skipped = 0;
                for w in words[..i].iter().rev() {
                    if want == 0 {
                        break;
                    }
                    if w.text.starts_with(letters[want - 1]) {
                        want -= 1;
                    } else if w.stop && skipped < 2 {
                        skipped += 1;
                    } else {
                        break;
                    }
                }
                if want == 0 {
                    found.push(t.text.clone());
                }
            }
            found
        }

        pub fn answer_flags(text: &str, t: &Token) -> u32 {
            let mut flags = 0;
            if t.text.chars().any(|c| c.is_ascii_digit()) {
                flags |= NUMBER_BIT;
            }
            let capital = text[t.start..]
                .chars()
                .next()
                .is_some_and(char::is_uppercase);
            let before = text[..t.start].trim_end();
            let sentence_start =
                before.is_empty() || before.ends_with(['.', '!', '?', '"', '“', ':']);
            if capital && !sentence_start && !t.joined {
                flags |= NAME_BIT;
            }
            flags
        }
    }

    fn agree_with_the_reference(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let tokens = text::tokenize(text);
        proptest::prop_assert_eq!(
            definitions(text, &tokens),
            reference::definitions(text, &tokens)
        );
        for t in &tokens {
            proptest::prop_assert_eq!(answer_flags(text, t), reference::answer_flags(text, t));
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn definitions_and_flags_agree_with_the_reference_on_shaped_text(
            text in "([A-Za-z]{1,6}|[A-Z]{2,7}|\\( ?|\\) ?| |the |of |-|\\. |“|:|7|É|Ṭ|ß){0,30}",
        ) {
            agree_with_the_reference(&text)?;
        }

        #[test]
        fn definitions_and_flags_agree_with_the_reference_on_any_text(text in "\\PC{0,120}") {
            agree_with_the_reference(&text)?;
        }
    }

    fn defined(text: &str) -> Vec<String> {
        definitions(text, &text::tokenize(text))
    }

    #[test]
    fn acronym_definitions_are_found_by_their_initials() {
        assert_eq!(
            defined("limited to over-the-horizon (OTH) assets"),
            vec!["oth"]
        );
        assert_eq!(defined("the Islamic State (IS), also known as"), vec!["is"]);
        assert_eq!(
            defined("Islamic State in Khorasan Province (ISKP)"),
            vec!["iskp"]
        );
        assert!(defined("the group (ISIS) said").is_empty());
        assert!(defined("asked (OTH) twice").is_empty());
    }
}

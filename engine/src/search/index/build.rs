//! Building an [`Index`] from a corpus, in named steps (each timed by `steps`, shown with
//! `RUST_LOG=citebot_engine=debug`): tokenize and intern every passage, sort the vocabulary,
//! count word kinds, compress the word sequences, build the typo index, make the terms (stems,
//! alias groups, acronym definitions), then fill and compress the postings.
//!
//! The build is deterministic: ids come from sorted vocabularies, never from which thread met
//! a word first, so the same files give the same index whatever the thread count.

use fst::Map;
use rayon::prelude::*;

use super::{
    alias_entry, definition_term, max_tf_parts, Index, Posting, ALIAS_BIT, ANSWER_KINDS_SHIFT,
    DENSE_PASSAGES, GROUP_MASK, ID_MASK, KEPT_STEMS, MAX_PASSAGES, NAME_BIT, NUMBER_BIT,
};
use crate::corpus::Corpus;
use crate::search::aliases::{AliasMatch, Aliases};
use crate::search::fuzzy::Trigrams;
use crate::search::lists::Lists;
use crate::search::sequence::Sequences;
use crate::search::weights;
use crate::search::words::{SharedInterner, Words};
use crate::steps::Steps;
use crate::text::{self, Token};

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

/// Acronyms defined in the text: a word in capitals between parentheses whose letters are the
/// initials of the words just before it (`over-the-horizon (OTH)`, `Islamic State (IS)`).
pub(super) fn definitions(text: &str, tokens: &[Token]) -> Vec<String> {
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
fn answer_flags(text: &str, t: &Token) -> u32 {
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
    /// Indexes the canonical passages of a corpus.
    pub fn build(corpus: &Corpus, aliases: Aliases) -> Index {
        let mut steps = Steps::start("index");
        let passages = indexed_passages(corpus);
        let ids = SharedInterner::new(ID_MASK + 1);
        let Interned {
            mut sequence,
            mut starts,
            mut lengths,
            definitions: defined,
        } = intern_passages(corpus, &passages, &aliases, &ids);
        lengths.shrink_to_fit();
        starts.push(sequence.len() as u32);
        starts.shrink_to_fit();
        steps.done("tokenized and interned");

        let titles = title_tokens(corpus, &ids);
        // Vocabulary in sorted order, so ids do not depend on thread scheduling.
        let (surfaces, final_id) = ids.into_sorted();
        renumber(&mut sequence, &final_id);
        drop(final_id);
        let vocabulary = fst_map(surfaces.iter().enumerate().map(|(i, w)| (w, i as u64)));
        // Titles kept as word ids: their tokens would otherwise be held to the end of the build.
        let title_words = title_word_ids(&titles, &vocabulary);
        drop(titles);
        let section_words = section_word_ids(corpus, &vocabulary);
        steps.done("vocabulary sorted, sequence renumbered");

        let (word_count, name_words) = count_words(&sequence, surfaces.len());
        // Compressed before the other tables are built: the plain sequence is the largest
        // buffer of the build.
        let answer_kinds = answer_kinds(&sequence, &starts);
        let sequences = Sequences::build(sequence, &starts[1..]);
        drop(starts);
        steps.done("sequences compressed");
        // Before the postings exist: its buffers and theirs are never held at once.
        let trigrams = Trigrams::build(surfaces.par_iter());
        steps.done("trigrams");

        let terms = make_terms(&surfaces, aliases.len(), &defined);
        steps.done("terms");

        let postings = fill_postings(&sequences, &terms, &defined, lengths.len());
        steps.done("postings");

        let average_length =
            lengths.iter().map(|&l| l as f64).sum::<f64>() as f32 / lengths.len().max(1) as f32;
        let ranking = weights::ranking();
        let max_tf_part = max_tf_parts(&postings, &lengths, average_length, ranking.bm25());
        let title_terms = title_term_ids(title_words, &terms.word_term);
        let section_terms = title_term_ids(section_words, &terms.word_term);
        let section_base = section_bases(corpus);
        steps.done("bounds and titles");
        let Terms {
            word_term,
            stems_kept,
            alias_terms,
            acronym_terms,
            terms,
        } = terms;
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
            section_terms,
            section_base,
            answer_kinds,
        }
    }
}

/// The corpus passages the index holds: the canonical one of each group of duplicates, at most
/// [`MAX_PASSAGES`] (a warning says when more are left out).
fn indexed_passages(corpus: &Corpus) -> Vec<u32> {
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
    passages
}

/// Step one: every passage tokenized and its words interned, in parallel [`CHUNK`]s.
fn intern_passages(
    corpus: &Corpus,
    passages: &[u32],
    aliases: &Aliases,
    ids: &SharedInterner,
) -> Interned {
    let mut all = Interned::default();
    let doc_of = |p: u32| corpus.passages[p as usize].doc;
    for chunk in passages.chunks(CHUNK) {
        // A document's text is unpacked once for all its passages in the chunk.
        let by_doc: Vec<&[u32]> = chunk.chunk_by(|&a, &b| doc_of(a) == doc_of(b)).collect();
        let parts: Vec<Interned> = by_doc
            .par_iter()
            .map(|ps| {
                // The span of these passages is read once (a packed document decompresses
                // only the blocks it covers), then each passage is sliced from it.
                let first = corpus.passages[ps[0] as usize].range().start;
                let last = corpus.passages[ps[ps.len() - 1] as usize].range().end;
                let text = corpus.texts[doc_of(ps[0]) as usize].read(first..last);
                let mut part = Interned::default();
                for &p in *ps {
                    let range = corpus.passages[p as usize].range();
                    let local = range.start - first..range.end - first;
                    part.add(text.get(local).unwrap_or(""), aliases, ids);
                }
                part
            })
            .collect();
        for part in parts {
            all.append(part);
        }
    }
    all
}

/// Every document's title words (stop words aside), interned too.
fn title_tokens(corpus: &Corpus, ids: &SharedInterner) -> Vec<Vec<Token>> {
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
    titles
}

/// Each section's word ids (its heading path and table header, stop words aside), document by
/// document. Its words are all in the vocabulary already: every heading and table header is a
/// passage too. A heading is read once for its document, however many of its sections' paths
/// it opens, and no token outlives its section.
fn section_word_ids(corpus: &Corpus, vocabulary: &Map<Vec<u8>>) -> Vec<Vec<u32>> {
    let ids = |text: &str| -> Vec<u32> {
        text::tokenize(text)
            .into_iter()
            .filter(|t| !t.stop)
            .filter_map(|t| vocabulary.get(&t.text))
            .map(|id| id as u32)
            .collect()
    };
    let per_document: Vec<Vec<Vec<u32>>> = corpus
        .layouts
        .par_iter()
        .map(|layout| {
            let mut headings: rustc_hash::FxHashMap<&str, Vec<u32>> = Default::default();
            layout
                .sections
                .iter()
                .map(|s| {
                    let mut words: Vec<u32> = Vec::new();
                    for heading in s.path.split(crate::corpus::format::PATH_SEPARATOR) {
                        words.extend(
                            headings
                                .entry(heading)
                                .or_insert_with(|| ids(heading))
                                .iter(),
                        );
                    }
                    if !s.extra.is_empty() {
                        words.extend(ids(&s.extra));
                    }
                    words.sort_unstable();
                    words.dedup();
                    words.shrink_to_fit();
                    words
                })
                .collect()
        })
        .collect();
    per_document.into_iter().flatten().collect()
}

/// Each document's first section number, its sections numbered across the corpus.
fn section_bases(corpus: &Corpus) -> Vec<u32> {
    let mut next = 0u32;
    corpus
        .layouts
        .iter()
        .map(|l| {
            let base = next;
            next += l.sections.len() as u32;
            base
        })
        .collect()
}

/// Gives the sequence's provisional word ids their final, sorted ones.
fn renumber(sequence: &mut [u32], final_id: &[u32]) {
    sequence.par_chunks_mut(1 << 16).for_each(|entries| {
        for e in entries {
            if *e & ALIAS_BIT == 0 {
                *e = final_id[(*e & ID_MASK) as usize] | (*e & !ID_MASK);
            }
        }
    });
}

/// Each title's word ids.
fn title_word_ids(titles: &[Vec<Token>], vocabulary: &Map<Vec<u8>>) -> Vec<Vec<u32>> {
    titles
        .iter()
        .map(|ts| {
            ts.iter()
                .filter_map(|t| vocabulary.get(&t.text))
                .map(|id| id as u32)
                .collect()
        })
        .collect()
}

/// How often each word occurs, and a bit per word that is mostly written as a name.
fn count_words(sequence: &[u32], words: usize) -> (Vec<u32>, Vec<u64>) {
    let mut word_count = vec![0u32; words];
    let mut named = vec![0u32; words];
    for &entry in sequence {
        if entry & ALIAS_BIT == 0 {
            let id = (entry & ID_MASK) as usize;
            word_count[id] += 1;
            named[id] += u32::from(entry & NAME_BIT != 0);
        }
    }
    let mut name_words = vec![0u64; words.div_ceil(64)];
    for (id, (&n, &count)) in named.iter().zip(&word_count).enumerate() {
        if 2 * n > count {
            name_words[id / 64] |= 1 << (id % 64);
        }
    }
    (word_count, name_words)
}

/// For an index of at most [`DENSE_PASSAGES`] passages, which kinds of likely answer each
/// passage holds; empty for a larger one.
fn answer_kinds(sequence: &[u32], starts: &[u32]) -> Vec<u8> {
    if starts.len() > DENSE_PASSAGES + 1 {
        return Vec::new();
    }
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
}

/// The terms: the distinct stems of the vocabulary, then one per alias group, then one per
/// acronym a passage defines.
struct Terms {
    /// Word id → term id.
    word_term: Vec<u32>,
    /// Term id → stem, for a vocabulary of at most [`KEPT_STEMS`] words.
    stems_kept: Words,
    /// Alias group → its term.
    alias_terms: Vec<u32>,
    /// Acronym → the term of the passages that define it, sorted.
    acronym_terms: Vec<(Box<str>, u32)>,
    /// Term name → id.
    terms: Map<Vec<u8>>,
}

impl Terms {
    fn count(&self) -> usize {
        self.terms.len()
    }

    fn id(&self, name: &str) -> Option<u32> {
        self.terms.get(name).map(|id| id as u32)
    }
}

/// Terms in sorted order of their stems (ids independent of scheduling, no hash map of
/// strings), then alias groups and acronym definitions.
fn make_terms(surfaces: &Words, alias_groups: usize, defined: &[(u32, String)]) -> Terms {
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
    let alias_terms: Vec<u32> = (0..alias_groups)
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
    // An FST of names → ids: a few bytes a term instead of a string and a hash slot each.
    names.par_sort_unstable();
    let terms = fst_map(names.iter().map(|(n, id)| (n, u64::from(*id))));
    Terms {
        word_term,
        stems_kept,
        alias_terms,
        acronym_terms,
        terms,
    }
}

/// The postings of every term, compressed: counted first, so each term's postings go straight
/// to their place, then filled and compressed in [`POSTING_PARTS`] parts of the terms (by
/// postings), one pass over the passages each, so only a part of the plain postings is ever
/// held next to compressed ones (during a reload, the build's peak sits on top of the serving
/// snapshot).
fn fill_postings(
    sequences: &Sequences,
    terms: &Terms,
    defined: &[(u32, String)],
    passage_count: usize,
) -> Lists {
    let term_count = terms.count();
    let postings = PassageTerms {
        sequences,
        terms,
        defined,
        passage_count,
    };
    let mut starts = vec![0u32; term_count + 1];
    postings.for_each(0, term_count, &mut |t, _| starts[t + 1] += 1);
    for t in 0..term_count {
        starts[t + 1] += starts[t];
    }
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
        postings.for_each(lo, hi, &mut |t, posting| {
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
    let mut parts = parts.into_iter();
    let mut postings = parts.next().expect("at least one part");
    parts.for_each(|part| postings.append(part));
    postings
}

/// What the postings are read from: each passage's terms, from its word sequence.
struct PassageTerms<'a> {
    sequences: &'a Sequences,
    terms: &'a Terms,
    /// Acronyms defined, by passage, sorted by passage.
    defined: &'a [(u32, String)],
    passage_count: usize,
}

impl PassageTerms<'_> {
    /// Passage `p`'s terms, sorted: each run is one posting.
    fn of(&self, p: usize, entries: &mut Vec<u32>, out: &mut Vec<u32>) {
        self.sequences.decode_into(p as u32, entries);
        out.clear();
        out.extend(entries.iter().map(|&entry| {
            if entry & ALIAS_BIT != 0 {
                self.terms.alias_terms[(entry & GROUP_MASK) as usize]
            } else {
                self.terms.word_term[(entry & ID_MASK) as usize]
            }
        }));
        let from = self.defined.partition_point(|(q, _)| (*q as usize) < p);
        let defined = self.defined[from..]
            .iter()
            .take_while(|(q, _)| *q as usize == p);
        out.extend(defined.filter_map(|(_, a)| self.terms.id(&definition_term(a))));
        out.sort_unstable();
    }

    /// Calls `f` with the postings of terms `lo..hi`, passage by passage: passages are decoded
    /// in parallel, a block at a time, while `f` takes the block before in order.
    fn for_each(&self, lo: usize, hi: usize, f: &mut (dyn FnMut(usize, Posting) + Send)) {
        let decode = |block: std::ops::Range<usize>| -> Vec<Vec<(u32, Posting)>> {
            (block.start..block.end)
                .into_par_iter()
                .step_by(POSTING_PIECE)
                .map(|from| {
                    let (mut entries, mut here, mut out) = (Vec::new(), Vec::new(), Vec::new());
                    for p in from..(from + POSTING_PIECE).min(block.end) {
                        self.of(p, &mut entries, &mut here);
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
        let count = self.passage_count;
        let mut blocks = (0..count)
            .step_by(POSTING_BLOCK)
            .map(|from| from..(from + POSTING_BLOCK).min(count));
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
    }
}

/// Each title's distinct term ids.
fn title_term_ids(title_words: Vec<Vec<u32>>, word_term: &[u32]) -> Vec<Vec<u32>> {
    title_words
        .into_iter()
        .map(|words| {
            let mut ids: Vec<u32> = words.iter().map(|&w| word_term[w as usize]).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        })
        .collect()
}

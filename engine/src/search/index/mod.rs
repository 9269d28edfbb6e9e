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

mod build;

use fst::Map;
use rayon::prelude::*;

use super::aliases::Aliases;
use super::fuzzy::Trigrams;
use super::lists::{List, Lists};
use super::sequence::Sequences;
use super::weights::{tf_factor, Ranking};
use super::words::Words;

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
    /// Section (numbered across the corpus, document by document) → term ids of its heading
    /// path and table header: searched as a passage's title is.
    pub(super) section_terms: Vec<Vec<u32>>,
    /// Document → the number of its first section in `section_terms`.
    pub(super) section_base: Vec<u32>,
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

/// The term of the passages that define an acronym.
pub(super) fn definition_term(acronym: &str) -> String {
    format!("\u{1}def:{acronym}")
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

    /// The indexed number of corpus passage `id`, if it is indexed.
    pub fn indexed(&self, id: u32) -> Option<u32> {
        self.passages.binary_search(&id).ok().map(|i| i as u32)
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
                    .chain(&self.section_terms)
                    .map(|t| vec(t) + std::mem::size_of::<Vec<u32>>())
                    .sum::<usize>()
                    + vec(&self.section_base),
            ),
        ]
    }

    /// The term ids of the heading path (and table header) of corpus passage `id`'s section,
    /// empty when it lies under no heading.
    pub(super) fn section_terms(&self, corpus: &crate::corpus::Corpus, id: u32) -> &[u32] {
        let Some(p) = corpus.passages.get(id as usize) else {
            return &[];
        };
        let Some(layout) = corpus.layouts.get(p.doc as usize) else {
            return &[];
        };
        let Some(local) = layout.section_index(p.paragraph) else {
            return &[];
        };
        let base = self.section_base.get(p.doc as usize).copied().unwrap_or(0) as usize;
        self.section_terms
            .get(base + local)
            .map_or(&[], Vec::as_slice)
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
    use super::build::definitions;
    use super::*;
    use crate::text::{self, Token};

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

//! Text → terms: the normalization both the corpus and the questions go through.
//!
//! - Unicode: compatibility decomposition, diacritics dropped, lower case (`Ṭālibān` = `taliban`).
//! - Quote marks and apostrophes folded; a possessive `'s` dropped (`Taliban’s` = `Taliban's` =
//!   `taliban`), other apostrophes removed (`don't` = `dont`).
//! - Hyphenated, slashed and dotted compounds yield their parts *and* the joined form
//!   (`Amir-Abdollahian` → `amir`, `abdollahian`, `amirabdollahian`), so either spelling matches.
//!   Dotted acronyms are one word (`U.S.` = `US`).
//! - English stop words are marked, except in all-capital acronyms (`US`, `IS`, `WHO`) unless the
//!   whole text is in capitals.
//! - Every word carries its Snowball stem and its byte range in the original text.

use std::cell::RefCell;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// One word of a text, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The normalized surface form (lower case, no diacritics, no apostrophes).
    pub text: String,
    /// Its Snowball stem.
    pub stem: String,
    /// Byte range in the original text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// Written in capitals in the original (an acronym such as `US` or `ISKP`).
    pub caps: bool,
    /// An English stop word (never set on acronyms).
    pub stop: bool,
    /// The joined form of a compound, covering its parts' range.
    pub joined: bool,
    /// Word position: parts count one each; a joined form shares its first part's position.
    pub position: u32,
}

/// English stop words: function words and question words that carry no topic.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "also",
    "although",
    "am",
    "among",
    "an",
    "and",
    "any",
    "are",
    "arent",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "cant",
    "could",
    "couldnt",
    "did",
    "didnt",
    "do",
    "does",
    "doesnt",
    "doing",
    "dont",
    "down",
    "during",
    "each",
    "either",
    "ever",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadnt",
    "has",
    "hasnt",
    "have",
    "havent",
    "having",
    "he",
    "hed",
    "hell",
    "her",
    "here",
    "heres",
    "hers",
    "herself",
    "hes",
    "him",
    "himself",
    "his",
    "how",
    "hows",
    "i",
    "id",
    "if",
    "ill",
    "im",
    "in",
    "into",
    "is",
    "isnt",
    "it",
    "its",
    "itself",
    "ive",
    "just",
    "let",
    "lets",
    "many",
    "me",
    "more",
    "most",
    "much",
    "must",
    "mustnt",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "onto",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "same",
    "shall",
    "shant",
    "she",
    "shed",
    "shell",
    "shes",
    "should",
    "shouldnt",
    "since",
    "so",
    "some",
    "such",
    "than",
    "that",
    "thats",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "theres",
    "these",
    "they",
    "theyd",
    "theyll",
    "theyre",
    "theyve",
    "this",
    "those",
    "though",
    "through",
    "to",
    "too",
    "toward",
    "towards",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "wasnt",
    "we",
    "wed",
    "well",
    "were",
    "werent",
    "weve",
    "what",
    "whats",
    "when",
    "whens",
    "where",
    "wheres",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whos",
    "whose",
    "why",
    "whys",
    "will",
    "with",
    "within",
    "without",
    "wont",
    "would",
    "wouldnt",
    "yet",
    "you",
    "youd",
    "youll",
    "your",
    "youre",
    "yours",
    "yourself",
    "yourselves",
    "youve",
];

/// True for an English stop word (normalized form).
///
/// Stop words are short words of lower-case ASCII letters, so a word is looked up by its
/// [`packed`] code: no hashing of strings.
pub fn is_stop_word(word: &str) -> bool {
    word.len() <= LONGEST_STOP_WORD
        && packed(word.bytes()).is_some_and(|code| StopCodes::get().contains(code))
}

/// A word of at most [`LONGEST_STOP_WORD`] lower-case ASCII letters packed five bits a letter
/// (`a` is 1), or `None` for any other byte: how [`spans`] looks up stop words. Stop words are
/// such words (checked by a test), so each has a code of its own.
fn packed(mut word: impl Iterator<Item = u8>) -> Option<u64> {
    word.try_fold(0u64, |code, b| {
        b.is_ascii_lowercase()
            .then(|| code << 5 | u64::from(b - b'a' + 1))
    })
}

/// The stop words' [`packed`] codes in an open-addressed table: a lookup is a multiplication
/// and a comparison or two (`0`, no word's code, marks an empty slot).
///
/// Beside it, by first letter, the lengths stop words starting with it have (bit `n` for `n`
/// letters): most words are ruled out by these before being packed; and by slot, the word's
/// place in [`STOP_WORDS`] (where its stem is).
struct StopCodes([u64; StopCodes::SLOTS], [u16; 32], [u8; StopCodes::SLOTS]);

impl StopCodes {
    const SLOTS: usize = 1 << 10;

    fn get() -> &'static StopCodes {
        static TABLE: LazyLock<StopCodes> = LazyLock::new(|| {
            let mut table = StopCodes([0; StopCodes::SLOTS], [0; 32], [0; StopCodes::SLOTS]);
            for (at, word) in STOP_WORDS.iter().enumerate() {
                let Some(code) = packed(word.bytes()) else {
                    continue;
                };
                let mut i = StopCodes::slot(code);
                while table.0[i] != 0 {
                    i = (i + 1) % StopCodes::SLOTS;
                }
                table.0[i] = code;
                table.2[i] = u8::try_from(at).expect("fewer than 256 stop words");
                table.1[usize::from(word.as_bytes()[0] & 31)] |= 1 << word.len();
            }
            table
        });
        &TABLE
    }

    /// Whether some stop word has `len` letters and starts with the ASCII letter `first`, of
    /// either case (false for any other byte).
    fn may_start(&self, first: u8, len: usize) -> bool {
        first.is_ascii_alphabetic() && self.1[usize::from(first & 31)] & (1 << len) != 0
    }

    fn slot(code: u64) -> usize {
        (code.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 54) as usize
    }

    /// The place in [`STOP_WORDS`] of the stop word with this code.
    #[inline]
    fn place(&self, code: u64) -> Option<usize> {
        let mut i = StopCodes::slot(code);
        loop {
            match self.0[i] {
                0 => return None,
                c if c == code => return Some(usize::from(self.2[i])),
                _ => i = (i + 1) % StopCodes::SLOTS,
            }
        }
    }

    fn contains(&self, code: u64) -> bool {
        self.place(code).is_some()
    }
}

/// No stop word is longer than this many bytes (checked by a test).
const LONGEST_STOP_WORD: usize = 10;

/// Irregular English verb forms and their base form, which Snowball cannot relate
/// (`said` → `say`, `came` → `come`); sorted for binary search.
const IRREGULAR: &[(&str, &str)] = &[
    ("ate", "eat"),
    ("became", "become"),
    ("began", "begin"),
    ("begun", "begin"),
    ("bought", "buy"),
    ("broke", "break"),
    ("broken", "break"),
    ("brought", "bring"),
    ("built", "build"),
    ("came", "come"),
    ("caught", "catch"),
    ("chose", "choose"),
    ("chosen", "choose"),
    ("drawn", "draw"),
    ("drew", "draw"),
    ("driven", "drive"),
    ("drove", "drive"),
    ("fallen", "fall"),
    ("fell", "fall"),
    ("felt", "feel"),
    ("fled", "flee"),
    ("flew", "fly"),
    ("flown", "fly"),
    ("fought", "fight"),
    ("found", "find"),
    ("gave", "give"),
    ("given", "give"),
    ("gone", "go"),
    ("got", "get"),
    ("gotten", "get"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("held", "hold"),
    ("hid", "hide"),
    ("hidden", "hide"),
    ("kept", "keep"),
    ("knew", "know"),
    ("known", "know"),
    ("led", "lead"),
    ("lost", "lose"),
    ("made", "make"),
    ("meant", "mean"),
    ("met", "meet"),
    ("paid", "pay"),
    ("ran", "run"),
    ("risen", "rise"),
    ("rose", "rise"),
    ("said", "say"),
    ("saw", "see"),
    ("seen", "see"),
    ("sent", "send"),
    ("shot", "shoot"),
    ("sold", "sell"),
    ("sought", "seek"),
    ("spent", "spend"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("stole", "steal"),
    ("stolen", "steal"),
    ("stood", "stand"),
    ("struck", "strike"),
    ("taken", "take"),
    ("taught", "teach"),
    ("thought", "think"),
    ("threw", "throw"),
    ("thrown", "throw"),
    ("told", "tell"),
    ("took", "take"),
    ("understood", "understand"),
    ("went", "go"),
    ("won", "win"),
    ("wore", "wear"),
    ("worn", "wear"),
    ("written", "write"),
    ("wrote", "write"),
];

/// Stems cached per thread before the cache is emptied and starts again (bounds its memory).
const STEM_CACHE_LIMIT: usize = 1 << 16;

thread_local! {
    static STEMS: RefCell<FxHashMap<Box<str>, Box<str>>> = RefCell::default();
}

/// The Snowball stem of a normalized word (irregular verb forms first become their base).
///
/// A corpus says the same words over and over, so stems are cached per thread.
pub fn stem(word: &str) -> String {
    let mut out = String::new();
    stem_into(word, &mut out);
    out
}

/// [`stem`] appended to `out`, from the cache without a `String` of its own when it is there.
fn stem_into(word: &str, out: &mut String) {
    // Every question has stop words, and alias names may: theirs are in a table of their own.
    if let Some(stem) = stop_word_stem(word) {
        out.push_str(stem);
        return;
    }
    STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(s) = cache.get(word) {
            out.push_str(s);
            return;
        }
        let s = stem_uncached(word);
        if cache.len() >= STEM_CACHE_LIMIT {
            cache.clear();
        }
        out.push_str(&s);
        cache.insert(word.into(), s.into_boxed_str());
    })
}

/// Empties this thread's stem cache and gives its memory back: an index build fills the
/// caches of every thread that tokenized, which questions would otherwise keep for good.
pub fn forget_stems() {
    STEMS.with(|cache| *cache.borrow_mut() = FxHashMap::default());
}

/// The stem of a stop word, from a table made once.
fn stop_word_stem(word: &str) -> Option<&'static str> {
    static STEMS: LazyLock<Vec<String>> =
        LazyLock::new(|| STOP_WORDS.iter().map(|w| stem_uncached(w)).collect());
    if word.len() > LONGEST_STOP_WORD {
        return None;
    }
    let at = StopCodes::get().place(packed(word.bytes())?)?;
    Some(&STEMS[at])
}

/// [`stem`] without the cache, for words met once (a vocabulary's).
pub fn stem_uncached(word: &str) -> String {
    if word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    let base = IRREGULAR
        .binary_search_by_key(&word, |&(form, _)| form)
        .map_or(word, |i| IRREGULAR[i].1);
    STEMMER.stem(base).into_owned()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '′' | '`' | '´')
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '/' | '.' | '_') || is_apostrophe(c)
}

fn is_splitter(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '/' | '.' | '_')
}

/// A text of three words or more written all in capitals: there, capitals say nothing about
/// acronyms.
fn shouted(text: &str) -> bool {
    all_caps(text)
        && text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count()
            >= 3
}

/// An acronym: at least two letters, none of them lower case (`US`, `ISIS-K`'s `ISIS`).
fn is_caps_word(piece: &str) -> bool {
    let mut letters = 0;
    for c in piece.chars().filter(|c| c.is_alphabetic()) {
        if c.is_lowercase() {
            return false;
        }
        letters += 1;
    }
    letters >= 2
}

/// True when the text has letters and all of them are capitals.
fn all_caps(text: &str) -> bool {
    let mut letters = text.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(|c| !c.is_lowercase())
}

/// Splits a text into normalized tokens (stop words included, marked), with stems.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_with(text, stem)
}

/// [`tokenize`] with every [`Token::stem`] left empty, for a caller that never reads them: an
/// index build stems each distinct word once, from its vocabulary, so a stem per occurrence
/// (a cache lookup and a string each) would be thrown away.
pub fn tokenize_unstemmed(text: &str) -> Vec<Token> {
    tokenize_with(text, |_| String::new())
}

/// [`tokenize_unstemmed`]'s tokens one at a time, with no string built: an index build interns
/// each word straight from the scanner's buffer instead of allocating a `String` a word.
pub fn for_each_piece(text: &str, emit: impl FnMut(&Piece<'_>)) {
    scan(text, emit);
}

/// [`tokenize`] with the stems `stem` gives.
fn tokenize_with(text: &str, stem: impl Fn(&str) -> String) -> Vec<Token> {
    // About a token every four bytes at most in prose: one allocation, seldom a second.
    let mut tokens = Vec::with_capacity(text.len() / 4 + 2);
    scan(text, |p| {
        tokens.push(Token {
            text: p.word.to_string(),
            stem: stem(p.word),
            start: p.start,
            end: p.end,
            caps: p.caps,
            stop: p.stop,
            joined: p.joined,
            position: p.position,
        })
    });
    tokens
}

/// A question's token: a [`Token`] whose text and stem borrow from one buffer (see
/// [`question_words`]); its fields mean the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    /// The normalized surface form (see [`Token::text`]).
    pub text: &'a str,
    /// Its Snowball stem.
    pub stem: &'a str,
    /// Byte range in the original text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// Written in capitals (see [`Token::caps`]).
    pub caps: bool,
    /// An English stop word (see [`Token::stop`]).
    pub stop: bool,
    /// The joined form of a compound (see [`Token::joined`]).
    pub joined: bool,
    /// Word position (see [`Token::position`]).
    pub position: u32,
}

/// A token of either kind, seen as a [`Word`]: what alias matching reads, so that an index
/// build's [`Token`]s and a question's [`Word`]s go through the same matcher.
pub trait AsWord {
    /// This token's fields, borrowed.
    fn as_word(&self) -> Word<'_>;
}

impl AsWord for Token {
    #[inline]
    fn as_word(&self) -> Word<'_> {
        Word {
            text: &self.text,
            stem: &self.stem,
            start: self.start,
            end: self.end,
            caps: self.caps,
            stop: self.stop,
            joined: self.joined,
            position: self.position,
        }
    }
}

impl AsWord for Word<'_> {
    #[inline]
    fn as_word(&self) -> Word<'_> {
        *self
    }
}

/// The byte ranges of the joined forms among some tokens: a compound's parts count through
/// its joined form. Most texts have few compounds (a question seldom one), so a token is
/// checked against these rather than against every token.
pub struct Compounds(Vec<(usize, usize)>);

impl Compounds {
    /// The joined forms of `tokens`.
    pub fn of<T: AsWord>(tokens: &[T]) -> Compounds {
        Compounds(
            tokens
                .iter()
                .map(AsWord::as_word)
                .filter(|t| t.joined)
                .map(|t| (t.start, t.end))
                .collect(),
        )
    }

    /// Whether `t` stands for itself: a joined form, or a word no joined form covers.
    #[inline]
    pub fn whole(&self, t: &Word<'_>) -> bool {
        t.joined || !self.0.iter().any(|&(s, e)| s <= t.start && e >= t.end)
    }
}

/// The tokens of a question as [`Word`]s: [`tokenize`]'s tokens, in its order, with the same
/// texts and stems, but no `String` a token: texts are written into `buffer` (cleared first),
/// and stems are borrowed where they are kept (the index's, the stop words' table) or written
/// there too.
///
/// `known` gives the stem of a word the index holds ([`stem`]'s, or `None` when it does not
/// know): a stop word's comes from its table first, any other from the stem cache.
pub fn question_words<'a>(
    text: &str,
    known: impl Fn(&str) -> Option<&'a str>,
    buffer: &'a mut String,
) -> Vec<Word<'a>> {
    /// Where a word's stem is: kept by the index or the stop-word table, or written in the
    /// buffer (a byte range, while it grows).
    enum Stem<'a> {
        Kept(&'a str),
        Written(u32, u32),
    }
    /// A [`Word`] whose text is a byte range of the buffer.
    struct Placed<'a> {
        text: (u32, u32),
        stem: Stem<'a>,
        start: usize,
        end: usize,
        caps: bool,
        stop: bool,
        joined: bool,
        position: u32,
    }
    buffer.clear();
    // A word's text, and the few stems neither the index nor the table has.
    buffer.reserve(text.len() * 3 + 16);
    let mut placed = Vec::with_capacity(text.len() / 4 + 2);
    scan(text, |p| {
        let at = buffer.len() as u32;
        buffer.push_str(p.word);
        let mid = buffer.len() as u32;
        // A stop word's stem is in its table; the index knows most of the others.
        let stem = match if p.stop {
            stop_word_stem(p.word)
        } else {
            known(p.word)
        } {
            Some(s) => Stem::Kept(s),
            None => {
                stem_into(p.word, buffer);
                Stem::Written(mid, buffer.len() as u32)
            }
        };
        placed.push(Placed {
            text: (at, mid),
            stem,
            start: p.start,
            end: p.end,
            caps: p.caps,
            stop: p.stop,
            joined: p.joined,
            position: p.position,
        });
    });
    let buffer: &'a str = buffer;
    let at = |(s, e): (u32, u32)| &buffer[s as usize..e as usize];
    placed
        .into_iter()
        .map(|p| Word {
            text: at(p.text),
            stem: match p.stem {
                Stem::Kept(s) => s,
                Stem::Written(s, e) => at((s, e)),
            },
            start: p.start,
            end: p.end,
            caps: p.caps,
            stop: p.stop,
            joined: p.joined,
            position: p.position,
        })
        .collect()
}

/// Where a token stands, without its text: what quoting needs to find the words the index
/// holds for a passage (its non-stop tokens, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Byte range in the original text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// An English stop word (see [`Token::stop`]).
    pub stop: bool,
    /// The joined form of a compound (see [`Token::joined`]).
    pub joined: bool,
}

/// The tokens of a text as [`Span`]s: the same tokens as [`tokenize`], in the same order, with
/// no string built.
///
/// Quoting calls this on every passage it quotes, so it has a scanner of its own that does
/// only what a span needs: bytes, not characters, for ASCII; a word normalized (on the stack)
/// only when it is short enough to be a stop word; capitals and shouting looked at only for
/// stop words.
pub fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut scanner = SpanScanner::new(text);
    while scanner.word(&mut out) {}
    out
}

/// [`spans`] one at a time, scanning only as far as the caller reads.
pub struct SpanIter<'a> {
    scanner: SpanScanner<'a>,
    /// The spans of the word scanned last, and how many of them were read.
    pending: Vec<Span>,
    read: usize,
}

impl<'a> SpanIter<'a> {
    /// The spans of `text`, in [`spans`]'s order.
    pub fn new(text: &'a str) -> SpanIter<'a> {
        SpanIter {
            scanner: SpanScanner::new(text),
            pending: Vec::new(),
            read: 0,
        }
    }
}

impl Iterator for SpanIter<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        while self.read == self.pending.len() {
            self.pending.clear();
            self.read = 0;
            if !self.scanner.word(&mut self.pending) {
                return None;
            }
        }
        self.read += 1;
        Some(self.pending[self.read - 1])
    }
}

/// ASCII letters and digits, by byte: one load instead of three comparisons.
static ALPHANUMERIC: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// The ASCII bytes [`is_joiner`] accepts, by byte.
static ASCII_JOINER: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = matches!(b as u8, b'-' | b'/' | b'.' | b'_' | b'\'' | b'`');
        b += 1;
    }
    table
};

/// The state of [`spans`]'s scanner.
struct SpanScanner<'a> {
    text: &'a str,
    /// Where scanning resumes.
    at: usize,
    /// [`shouted`], once a stop word in capitals asks.
    shouting: Option<bool>,
    /// The normalized form of a word that is not ASCII.
    word: String,
    stop_codes: &'static StopCodes,
}

impl<'a> SpanScanner<'a> {
    fn new(text: &'a str) -> SpanScanner<'a> {
        SpanScanner {
            text,
            at: 0,
            shouting: None,
            word: String::new(),
            stop_codes: StopCodes::get(),
        }
    }

    /// What [`scan`] does for the next raw word, reporting spans (maybe none); false at the end
    /// of the text.
    fn word(&mut self, out: &mut Vec<Span>) -> bool {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = self.at;
        loop {
            let Some(&b) = bytes.get(i) else {
                self.at = i;
                return false;
            };
            if b < 0x80 {
                if ALPHANUMERIC[b as usize] {
                    break;
                }
                i += 1;
            } else {
                let c = text[i..].chars().next().unwrap_or_default();
                if is_word_char(c) {
                    break;
                }
                i += c.len_utf8();
            }
        }
        // A raw word: word characters with single joiners between them.
        let start = i;
        let mut dotted = false;
        let mut split = false;
        // Only ASCII letters and digits.
        let mut simple = true;
        loop {
            while bytes.get(i).is_some_and(|&b| ALPHANUMERIC[b as usize]) {
                i += 1;
            }
            // Most words end at a space or a mark that joins nothing: one byte tells.
            if bytes
                .get(i)
                .is_some_and(|&b| b < 0x80 && !ASCII_JOINER[b as usize])
            {
                break;
            }
            let Some(c) = char_at(text, i) else {
                break;
            };
            let len = c.len_utf8();
            if !c.is_ascii() && is_word_char(c) {
                i += len;
            } else if is_joiner(c) && char_at(text, i + len).is_some_and(is_word_char) {
                dotted |= c == '.';
                split |= is_splitter(c);
                i += len;
            } else {
                break;
            }
            simple = false;
        }
        let end = i;
        self.at = end;
        if simple {
            self.simple_part(start, end, out);
            return true;
        }
        if dotted && is_dotted_acronym(&text[start..end]) {
            // Keep the final dot of an acronym such as `U.S.` in its range.
            let raw_end = if bytes.get(end) == Some(&b'.') {
                end + 1
            } else {
                end
            };
            self.part(start, raw_end, out);
            return true;
        }
        if !split {
            self.part(start, end, out);
            return true;
        }
        // Parts: split at hyphens, slashes, dots and underscores, then the joined form.
        let mut produced = 0;
        let mut part_start = start;
        for (at, c) in text[start..end].char_indices() {
            if is_splitter(c) {
                produced += usize::from(self.part(part_start, start + at, out));
                part_start = start + at + c.len_utf8();
            }
        }
        produced += usize::from(self.part(part_start, end, out));
        if produced > 1 {
            out.push(Span {
                start,
                end,
                stop: false,
                joined: true,
            });
        }
        true
    }

    /// [`SpanScanner::part`] for a word of ASCII letters and digits only: nothing to strip,
    /// lower case is its normal form, and only a short word of letters can be a stop word.
    fn simple_part(&mut self, start: usize, end: usize, out: &mut Vec<Span>) {
        let piece = &self.text.as_bytes()[start..end];
        let mut stop = false;
        if piece.len() <= LONGEST_STOP_WORD && self.stop_codes.may_start(piece[0], piece.len()) {
            let mut code = 0u64;
            let mut letters = true;
            for &b in piece {
                let b = b | 0x20;
                letters &= b.is_ascii_lowercase();
                code = code << 5 | u64::from(b.wrapping_sub(b'a' - 1) & 31);
            }
            stop = letters && self.stop_codes.contains(code) && !self.caps(&self.text[start..end]);
        }
        out.push(Span {
            start,
            end,
            stop,
            joined: false,
        });
    }

    /// Reports the part `text[start..end]` unless it normalizes to nothing; returns whether it
    /// did.
    fn part(&mut self, start: usize, end: usize, out: &mut Vec<Span>) -> bool {
        let piece = &self.text[start..end];
        let bare = if piece.ends_with(['s', 'S']) {
            strip_possessive(piece)
        } else {
            piece
        };
        let stop = if bare.is_ascii() {
            // Normalized: lower case without apostrophes and dots; packed as `packed` does
            // while it could be a stop word.
            let (mut code, mut kept, mut letters) = (0u64, 0, true);
            for b in bare.bytes() {
                if matches!(b, b'\'' | b'`' | b'.') {
                    continue;
                }
                kept += 1;
                let b = b.to_ascii_lowercase();
                letters &= b.is_ascii_lowercase() && kept <= LONGEST_STOP_WORD;
                if !letters {
                    break;
                }
                code = code << 5 | u64::from(b - b'a' + 1);
            }
            if kept == 0 {
                return false;
            }
            letters && self.stop_codes.contains(code)
        } else {
            normalize_into(bare, &mut self.word);
            if self.word.is_empty() {
                return false;
            }
            is_stop_word(&self.word)
        };
        let stop = stop && !self.caps(piece);
        out.push(Span {
            start,
            end,
            stop,
            joined: false,
        });
        true
    }

    /// [`scan_word`]'s `caps` for a part.
    fn caps(&mut self, piece: &str) -> bool {
        if piece.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
            return false;
        }
        let text = self.text;
        is_caps_word(piece) && !*self.shouting.get_or_insert_with(|| shouted(text))
    }
}

/// A token as the scanner reports it, its word borrowed from a reused buffer: a [`Token`]
/// without its strings (its fields mean the same).
pub struct Piece<'a> {
    pub word: &'a str,
    pub start: usize,
    pub end: usize,
    pub caps: bool,
    pub stop: bool,
    pub joined: bool,
    pub position: u32,
}

/// The character at byte `i`, if any (ASCII without decoding).
fn char_at(text: &str, i: usize) -> Option<char> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        Some(b as char)
    } else {
        text[i..].chars().next()
    }
}

/// The tokenizer: reports every token of `text` in order, each compound's parts before its
/// joined form. [`tokenize`] and [`spans`] are views of it.
fn scan(text: &str, mut emit: impl FnMut(&Piece<'_>)) {
    let shouting = shouted(text);
    let mut position = 0u32;
    let mut buffers = (String::new(), String::new());
    let mut i = 0;
    while let Some(c) = char_at(text, i) {
        if !is_word_char(c) {
            i += c.len_utf8();
            continue;
        }
        // A raw word: word characters with single joiners between them.
        let start = i;
        let mut end = i;
        while let Some(c) = char_at(text, i) {
            if is_word_char(c) {
                i += c.len_utf8();
                end = i;
            } else if is_joiner(c) && char_at(text, i + c.len_utf8()).is_some_and(is_word_char) {
                i += c.len_utf8();
            } else {
                break;
            }
        }
        let mut raw_end = end;
        // Keep the final dot of an acronym such as `U.S.` in its range.
        if text[start..end].contains('.')
            && is_dotted_acronym(&text[start..end])
            && char_at(text, i) == Some('.')
        {
            raw_end = i + 1;
        }
        scan_word(
            text,
            (start, raw_end),
            shouting,
            &mut position,
            &mut buffers,
            &mut emit,
        );
    }
}

fn is_dotted_acronym(raw: &str) -> bool {
    raw.split('.')
        .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
}

/// Normalizes a word into `out` (cleared first): compatibility decomposition, diacritics
/// dropped, lower case; apostrophes, quote marks and dots removed.
fn normalize_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        if !word.bytes().any(|b| matches!(b, b'\'' | b'`' | b'.')) {
            out.push_str(word);
            out.make_ascii_lowercase();
            return;
        }
        out.extend(
            word.bytes()
                .filter(|&b| !matches!(b, b'\'' | b'`' | b'.'))
                .map(|b| b.to_ascii_lowercase() as char),
        );
        return;
    }
    for c in word.nfkd() {
        if is_combining_mark(c) || is_apostrophe(c) || c == '.' {
            continue;
        }
        out.extend(c.to_lowercase());
    }
}

fn scan_word(
    text: &str,
    (start, end): (usize, usize),
    shouting: bool,
    position: &mut u32,
    (word, joined): &mut (String, String),
    emit: &mut impl FnMut(&Piece<'_>),
) {
    let raw = &text[start..end];
    let acronym = raw.contains('.') && is_dotted_acronym(raw.trim_end_matches('.'));
    let first_position = *position;
    joined.clear();
    let mut produced = 0;
    let mut part = |s: usize, e: usize| {
        let piece = &text[s..e];
        normalize_into(strip_possessive(piece), word);
        if word.is_empty() {
            return;
        }
        joined.push_str(word);
        let caps = !shouting && is_caps_word(piece);
        emit(&Piece {
            word,
            start: s,
            end: e,
            caps,
            stop: !caps && is_stop_word(word),
            joined: false,
            position: *position,
        });
        *position += 1;
        produced += 1;
    };
    // Parts: split at hyphens, slashes, dots and underscores (not inside a dotted acronym).
    if acronym {
        part(start, end);
    } else {
        let mut part_start = start;
        for (i, c) in raw.char_indices() {
            if is_splitter(c) {
                part(part_start, start + i);
                part_start = start + i + c.len_utf8();
            }
        }
        part(part_start, end);
    }
    if produced > 1 {
        emit(&Piece {
            word: joined,
            start,
            end,
            caps: !shouting && all_caps(raw),
            stop: false,
            joined: true,
            position: first_position,
        });
    }
}

/// Ends a sentence.
fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。')
}

/// May follow a sentence's terminal punctuation and still belong to it.
fn is_closing(c: char) -> bool {
    is_terminal(c) || matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']')
}

/// Sentences: byte ranges that cover `text` back to back, each with the white space after it.
///
/// A sentence ends with terminal punctuation (and any closing quotes or brackets) followed by
/// white space, unless a lower-case letter comes next (`U.S. officials`, `e.g. this`): the
/// rule of Unicode's sentence boundaries (UAX #29) for prose, in one pass without tables. Two
/// refinements of the kind sentence splitters for news and encyclopedias make: a bracketed note
/// after the punctuation belongs to the sentence (`…in 1920.[citation needed] On`), and the
/// dot of an initial or of a title before a name ends nothing (`George W. Bush`, `St. John's`,
/// `Mr. Smith`).
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    loop {
        i = next_terminal_byte(bytes, i);
        if i >= bytes.len() {
            break;
        }
        let at = i;
        let c = char_at(text, i).unwrap_or_default();
        i += c.len_utf8();
        if !is_terminal(c) {
            continue;
        }
        if let Some(end) = sentence_end(text, at, c) {
            out.push((start, end));
            start = end;
            i = end;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Where the sentence ends whose terminal punctuation `c` stands at byte `at`, when it ends
/// there: after the punctuation, any closing quotes, brackets and notes, and white space,
/// where a sentence can begin.
fn sentence_end(text: &str, at: usize, c: char) -> Option<usize> {
    let mut i = at + c.len_utf8();
    loop {
        while let Some(d) = char_at(text, i).filter(|&d| is_closing(d)) {
            i += d.len_utf8();
        }
        match note_end(text, i) {
            Some(end) => i = end,
            None => break,
        }
    }
    let closed = i;
    while let Some(d) = char_at(text, i).filter(|d| d.is_whitespace()) {
        i += d.len_utf8();
    }
    let next = char_at(text, i)?;
    if i == closed || next.is_lowercase() {
        return None;
    }
    // Only a bare dot right before the space can be an abbreviation's.
    if c == '.' && closed == at + 1 && is_name_abbreviation(text, at) {
        return None;
    }
    Some(i)
}

/// The longest bracketed note after a sentence (`[citation needed]`, `[12]`), in bytes.
const MAX_NOTE: usize = 40;

/// The end of a bracketed note starting at byte `i` (a short `[…]` on one line).
fn note_end(text: &str, i: usize) -> Option<usize> {
    let rest = text.get(i..)?;
    if !rest.starts_with('[') {
        return None;
    }
    let close = rest
        .char_indices()
        .take_while(|&(j, d)| j < MAX_NOTE && d != '\n')
        .find(|&(_, d)| d == ']')?
        .0;
    Some(i + close + 1)
}

/// Titles written before a name with a dot (`Mr. Smith`, `St. Louis`, `Gen. Grant`).
const TITLES: [&str; 19] = [
    "Capt", "Col", "Dr", "Ft", "Gen", "Gov", "Hon", "Lt", "Messrs", "Mr", "Mrs", "Ms", "Mt",
    "Prof", "Rep", "Rev", "Sen", "Sgt", "St",
];

/// Whether the dot at byte `dot` closes an initial (`W.` in `George W. Bush`) or a title
/// (`Dr.`): a word standing alone after white space, an opening bracket or quote, or the
/// text's start (so never the last letter of `U.S.`).
fn is_name_abbreviation(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphabetic())
        .last()
        .map_or(dot, |(j, _)| j);
    let word = &before[word_start..];
    let standing_alone = before[..word_start]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '“' | '‘'));
    let mut chars = word.chars();
    standing_alone
        && match (chars.next(), chars.next()) {
            (Some(c), None) => c.is_uppercase(),
            (Some(_), Some(_)) => TITLES.contains(&word),
            _ => false,
        }
}

/// The first byte at or after `i` that may begin terminal punctuation, or the length.
///
/// Terminal punctuation is `.`, `!`, `?` or a character whose UTF-8 starts with 0xE2 (`…`) or
/// 0xE3 (`。`): no other byte can begin one, and neither is ever inside another character's
/// bytes. Eight bytes are looked at a time: the lowest byte of a word that is one of the three
/// ASCII marks or not ASCII is flagged exactly (a borrow only flags bytes above a true match),
/// then checked.
fn next_terminal_byte(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    loop {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            let hit = (w & HIGH)
                | zero(w ^ (ONES * u64::from(b'.')))
                | zero(w ^ (ONES * u64::from(b'!')))
                | zero(w ^ (ONES * u64::from(b'?')));
            if hit == 0 {
                i += 8;
                continue;
            }
            i += (hit.trailing_zeros() / 8) as usize;
        } else if i >= bytes.len() {
            return bytes.len();
        }
        if matches!(bytes[i], b'.' | b'!' | b'?' | 0xE2 | 0xE3) {
            return i;
        }
        i += 1;
    }
}

/// Drops a possessive `'s` (any apostrophe): `Taliban’s` → `Taliban`.
fn strip_possessive(piece: &str) -> &str {
    let mut rev = piece.char_indices().rev();
    match (rev.next(), rev.next()) {
        (Some((_, 's' | 'S')), Some((i, a))) if is_apostrophe(a) && i > 0 => &piece[..i],
        _ => piece,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`sentences`] character by character: what the byte scan must agree with.
    fn sentences_by_char(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        for (at, c) in text.char_indices() {
            if at < start || !is_terminal(c) {
                continue;
            }
            if let Some(end) = sentence_end(text, at, c) {
                out.push((start, end));
                start = end;
            }
        }
        if start < text.len() {
            out.push((start, text.len()));
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn terminal_bytes_are_found_as_a_byte_by_byte_scan_finds_them(
            text in "([a-z .!?…。’é]|\\PC){0,60}",
            from in 0usize..80,
        ) {
            let bytes = text.as_bytes();
            let expected = (from..bytes.len())
                .find(|&i| matches!(bytes[i], b'.' | b'!' | b'?' | 0xE2 | 0xE3))
                .unwrap_or(bytes.len());
            proptest::prop_assert_eq!(next_terminal_byte(bytes, from), expected);
        }

        #[test]
        fn sentences_agree_with_the_scan_by_character(
            text in "([a-zA-Z0-9 \\n\\t.!?…。\"'”’»)\\]\u{a0}\u{2003}éÉ“‐]|\\PC){0,80}",
        ) {
            proptest::prop_assert_eq!(sentences(&text), sentences_by_char(&text));
        }
    }

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.text).collect()
    }

    /// [`spans`] as the general tokenizer sees them: what its own scanner must agree with.
    fn scanned_spans(text: &str) -> Vec<Span> {
        let mut out = Vec::new();
        scan(text, |p| {
            out.push(Span {
                start: p.start,
                end: p.end,
                stop: p.stop,
                joined: p.joined,
            })
        });
        out
    }

    #[test]
    fn spans_agree_with_the_tokenizer_on_tricky_words() {
        for text in [
            "",
            "the U.S. forces and the U.S",
            "U.S.-led e.g. i.e. A.B.C.D. a.b-c",
            "Taliban’s don't ISIS-K's Amir-Abdollahian/US_IS it's 's",
            "WHO IS THE GOVERNOR OF KABUL",
            "who is THE governor US",
            "Ṭālibān CAFÉ e\u{301} \u{301}\u{301} İS ß ﬁ ’s",
            "3.5 2021/22 a--b a-'b x.-y ..a.. -a- _a_",
            "“Daesh” leaders—moved. IS-K (ISKP) OTH",
        ] {
            assert_eq!(spans(text), scanned_spans(text), "{text:?}");
            assert_eq!(SpanIter::new(text).collect::<Vec<_>>(), spans(text));
        }
    }

    proptest::proptest! {
        #[test]
        fn spans_agree_with_the_tokenizer_on_random_text(
            text in "([a-zA-Z0-9 '’‘ʼ′`´\\-‐‑/._éÉṬßİﬁ\u{301}“”—]|is |IS |the |The |THE |U\\.S\\.|'s ){0,40}",
        ) {
            proptest::prop_assert_eq!(spans(&text), scanned_spans(&text));
        }

        #[test]
        fn spans_agree_with_the_tokenizer_on_shouted_text(
            text in "([A-Z0-9 '’\\-/.ÉṬ]|IS |THE |WHO |US |U\\.S\\.|'S ){0,16}",
        ) {
            proptest::prop_assert_eq!(spans(&text), scanned_spans(&text));
        }

        #[test]
        fn pieces_are_the_unstemmed_tokens(text in "\\PC{0,200}") {
            let mut pieces = Vec::new();
            for_each_piece(&text, |p| {
                pieces.push(Token {
                    text: p.word.to_string(),
                    stem: String::new(),
                    start: p.start,
                    end: p.end,
                    caps: p.caps,
                    stop: p.stop,
                    joined: p.joined,
                    position: p.position,
                })
            });
            proptest::prop_assert_eq!(pieces, tokenize_unstemmed(&text));
        }

        #[test]
        fn unstemmed_tokens_are_the_tokens_without_their_stems(text in "\\PC{0,200}") {
            let mut tokens = tokenize(&text);
            tokens.iter_mut().for_each(|t| t.stem.clear());
            proptest::prop_assert_eq!(tokenize_unstemmed(&text), tokens);
        }

        #[test]
        fn spans_agree_with_the_tokenizer_on_any_text(text in "\\PC{0,200}") {
            proptest::prop_assert_eq!(spans(&text), scanned_spans(&text));
            proptest::prop_assert_eq!(SpanIter::new(&text).collect::<Vec<_>>(), spans(&text));
        }
    }

    /// [`question_words`] as [`Token`]s, to compare with [`tokenize`]'s.
    fn question_tokens<'s>(text: &str, known: impl Fn(&str) -> Option<&'s str>) -> Vec<Token> {
        let mut buffer = String::from("left over");
        question_words(text, |w| known(w), &mut buffer)
            .iter()
            .map(|w| Token {
                text: w.text.to_string(),
                stem: w.stem.to_string(),
                start: w.start,
                end: w.end,
                caps: w.caps,
                stop: w.stop,
                joined: w.joined,
                position: w.position,
            })
            .collect()
    }

    /// Question words agree with the tokens whether the index knows no stem, or every stem
    /// (as [`stem`] gives it), or a wrong one for stop words (which must not be asked).
    fn assert_question_words_are_the_tokens(text: &str) {
        let tokens = tokenize(text);
        assert_eq!(question_tokens(text, |_| None), tokens, "{text:?}");
        let stems: FxHashMap<String, String> = tokens
            .iter()
            .filter(|t| !t.stop)
            .map(|t| (t.text.clone(), t.stem.clone()))
            .collect();
        let known = |w: &str| stems.get(w).map(String::as_str);
        assert_eq!(question_tokens(text, known), tokens, "{text:?}");
        assert!(question_tokens(text, |_| Some("wrong"))
            .iter()
            .zip(&tokens)
            .all(|(q, t)| q.stem == t.stem || !t.stop));
    }

    #[test]
    fn question_words_are_the_tokens_on_tricky_words() {
        for text in [
            "",
            "the U.S. forces and the U.S",
            "U.S.-led e.g. i.e. A.B.C.D. a.b-c",
            "Taliban’s don't ISIS-K's Amir-Abdollahian/US_IS it's 's",
            "WHO IS THE GOVERNOR OF KABUL",
            "who is THE governor US",
            "Who said what about IS and the US? Which TV channel?",
            "Ṭālibān CAFÉ e\u{301} \u{301}\u{301} İS ß ﬁ ’s",
            "3.5 2021/22 a--b a-'b x.-y ..a.. -a- _a_",
            "“Daesh” leaders—moved. IS-K (ISKP) OTH",
            "said came fought went thought understood themselves yourselves",
        ] {
            assert_question_words_are_the_tokens(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn question_words_are_the_tokens_on_any_text(text in "\\PC{0,200}") {
            assert_question_words_are_the_tokens(&text);
        }

        #[test]
        fn question_words_are_the_tokens_on_wordy_text(
            text in "([a-zA-Z0-9 '’\\-/._éÉṬ?]|is |IS |the |The |THE |U\\.S\\.|'s |said |US ){0,40}",
        ) {
            assert_question_words_are_the_tokens(&text);
        }

        #[test]
        fn stop_word_stems_are_found_by_code_as_the_list_has_them(
            word in "([a-z]{0,11}|[a-zA-Zé0-9’ ]{0,6})",
            pick in 0usize..1000,
            suffix in "[a-z]{0,2}",
        ) {
            let listed = |w: &str| STOP_WORDS.binary_search(&w).ok().map(|_| stem_uncached(w));
            proptest::prop_assert_eq!(stop_word_stem(&word).map(str::to_string), listed(&word));
            let near = format!("{}{suffix}", STOP_WORDS[pick % STOP_WORDS.len()]);
            proptest::prop_assert_eq!(stop_word_stem(&near).map(str::to_string), listed(&near));
        }
    }

    proptest::proptest! {
        #[test]
        fn compounds_tell_whole_words_as_a_search_of_every_token_does(
            text in "([a-zA-Z '’\\-/._éU]|U\\.S\\.|-led |'s ){0,40}",
        ) {
            let tokens = tokenize(&text);
            let compounds = Compounds::of(&tokens);
            for t in &tokens {
                let whole = t.joined
                    || !tokens
                        .iter()
                        .any(|j| j.joined && j.start <= t.start && j.end >= t.end);
                proptest::prop_assert_eq!(compounds.whole(&t.as_word()), whole, "{:?}", t);
            }
        }
    }

    /// The first-letter and length filter never rules out a stop word, in either case, and
    /// rules out words that start with a digit.
    #[test]
    fn the_stop_word_filter_passes_every_stop_word() {
        let codes = StopCodes::get();
        for word in STOP_WORDS {
            let first = word.as_bytes()[0];
            assert!(codes.may_start(first, word.len()), "{word}");
            assert!(
                codes.may_start(first.to_ascii_uppercase(), word.len()),
                "{word}"
            );
        }
        assert!(!codes.may_start(b'2', 2) && !codes.may_start(b'x', 3));
    }

    proptest::proptest! {
        #[test]
        fn stop_words_are_found_by_code_as_the_list_has_them(
            word in "([a-z]{0,11}|[a-zé0-9’ ]{0,6})",
            pick in 0usize..1000,
            suffix in "[a-z]{0,2}",
        ) {
            let listed = |w: &str| STOP_WORDS.binary_search(&w).is_ok();
            proptest::prop_assert_eq!(is_stop_word(&word), listed(&word));
            let near = format!("{}{suffix}", STOP_WORDS[pick % STOP_WORDS.len()]);
            proptest::prop_assert_eq!(is_stop_word(&near), listed(&near));
        }
    }

    #[test]
    fn the_ascii_joiner_table_is_is_joiner_on_ascii() {
        for b in 0..128u8 {
            assert_eq!(ASCII_JOINER[b as usize], is_joiner(b as char), "{b}");
        }
    }

    #[test]
    fn irregular_verbs_share_their_base_stem() {
        let mut sorted = IRREGULAR.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, IRREGULAR);
        assert_eq!(stem("said"), stem("says"));
        assert_eq!(stem("came"), stem("coming"));
        assert_eq!(stem("fought"), stem("fighting"));
    }

    #[test]
    fn stop_words_take_the_stemmers_stems_from_their_table() {
        for w in STOP_WORDS {
            assert_eq!(stop_word_stem(w), Some(stem_uncached(w).as_str()), "{w}");
        }
        for w in ["taliban", "kabul", "zzzzzzzzzz", ""] {
            assert_eq!(stop_word_stem(w), None, "{w}");
        }
    }

    #[test]
    fn stop_words_are_sorted_unique_and_short() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
        assert_eq!(
            STOP_WORDS.iter().map(|w| w.len()).max(),
            Some(LONGEST_STOP_WORD)
        );
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        let codes = StopCodes::get();
        for w in STOP_WORDS {
            assert!(packed(w.bytes()).is_some_and(|c| codes.contains(c)), "{w}");
        }
        for w in ["taliban", "whos", "hisx", "x", "usa", "zzzzzzzzzz"] {
            let code = packed(w.bytes()).unwrap();
            assert_eq!(codes.contains(code), is_stop_word(w), "{w}");
        }
        assert!(!is_stop_word("taliban") && !is_stop_word("themselvesx"));
    }

    #[test]
    fn apostrophes_and_quote_marks_fold() {
        assert_eq!(words("Taliban’s"), words("Taliban's"));
        assert_eq!(words("Taliban's"), vec!["taliban"]);
        assert_eq!(words("don't"), vec!["dont"]);
    }

    #[test]
    fn compounds_yield_parts_and_the_joined_form() {
        assert_eq!(
            words("Amir-Abdollahian"),
            vec!["amir", "abdollahian", "amirabdollahian"]
        );
        assert_eq!(words("ISIS-K"), vec!["isis", "k", "isisk"]);
        let joined = tokenize("ISIS-K").pop().unwrap();
        assert!(joined.joined && joined.caps);
        assert_eq!((joined.start, joined.end), (0, 6));
    }

    #[test]
    fn dotted_acronyms_are_one_word() {
        let t = tokenize("the U.S. forces");
        assert_eq!(t[1].text, "us");
        assert!(t[1].caps && !t[1].stop);
        assert_eq!(&"the U.S. forces"[t[1].start..t[1].end], "U.S.");
    }

    #[test]
    fn capitals_protect_acronyms_from_the_stop_list_unless_shouting() {
        let t = tokenize("tell us about the US");
        assert!(t[1].stop);
        assert!(!t[4].stop);
        let shout = tokenize("WHO IS THE GOVERNOR");
        assert!(shout[0].stop && shout[1].stop);
    }

    #[test]
    fn diacritics_and_case_are_folded() {
        assert_eq!(words("Ṭālibān CAFÉ"), vec!["taliban", "cafe"]);
    }

    #[test]
    fn sentences_end_at_terminal_punctuation_before_a_capital() {
        let text = "He said “no.” Then he left! U.S. officials met e.g. him. 3.5 is a number… End";
        let got: Vec<&str> = sentences(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            got,
            vec![
                "He said “no.” ",
                "Then he left! ",
                "U.S. officials met e.g. him. ",
                "3.5 is a number… ",
                "End"
            ]
        );
        assert!(sentences("").is_empty());
        assert_eq!(sentences("No end"), vec![(0, 6)]);
    }

    #[test]
    fn notes_initials_and_titles_do_not_end_a_sentence() {
        let text = "It fell in 1920.[citation needed] On May 1 George W. Bush met Mr. Smith in \
                    St. John's. The U.S. Army left (J. Doe). Vitamin C. Then [a] end.[1]";
        let got: Vec<&str> = sentences(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            got,
            vec![
                "It fell in 1920.[citation needed] ",
                "On May 1 George W. Bush met Mr. Smith in St. John's. ",
                "The U.S. ",
                "Army left (J. Doe). ",
                "Vitamin C. Then [a] end.[1]",
            ]
        );
    }

    #[test]
    fn byte_ranges_point_into_the_original() {
        let text = "“Daesh” leaders—moved.";
        for t in tokenize(text) {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
        assert_eq!(words(text), vec!["daesh", "leaders", "moved"]);
    }
}

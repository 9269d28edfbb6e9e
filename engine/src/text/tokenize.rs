//! The tokenizer, the one way text becomes words for the index, questions and quotes: raw words
//! of word characters and single joiners, split into parts at hyphens, slashes, dots and
//! underscores with the joined form after them, each normalized and marked (capitals, stop
//! word, joined form) with its byte range and position.

use super::normalize::{
    all_caps, is_caps_word, is_dotted_acronym, is_joiner, is_splitter, is_word_char,
    normalize_into, shouted, strip_possessive,
};
use super::stem::stem;
use super::stop_words::is_stop_word;
use super::Token;

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
pub(super) fn tokenize_with(text: &str, stem: impl Fn(&str) -> String) -> Vec<Token> {
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

/// The tokens of a text as [`Span`]s: the same tokens as [`tokenize`], in the same order,
/// without their strings.
pub fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::with_capacity(text.len() / 5);
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

/// A token as the scanner reports it, its word borrowed from a reused buffer: a [`Token`]
/// without its strings (its fields mean the same).
pub struct Piece<'a> {
    /// The normalized word ([`Token::text`]).
    pub word: &'a str,
    /// Byte range in the original text ([`Token::start`]).
    pub start: usize,
    /// End of the byte range, exclusive ([`Token::end`]).
    pub end: usize,
    /// Written in capitals ([`Token::caps`]).
    pub caps: bool,
    /// An English stop word ([`Token::stop`]).
    pub stop: bool,
    /// The joined form of a compound ([`Token::joined`]).
    pub joined: bool,
    /// Word position ([`Token::position`]).
    pub position: u32,
}

/// The character at byte `i`, if any (ASCII without decoding).
pub(super) fn char_at(text: &str, i: usize) -> Option<char> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        Some(b as char)
    } else {
        text[i..].chars().next()
    }
}

/// The tokenizer: reports every token of `text` in order, each compound's parts before its
/// joined form. [`tokenize`] and [`spans`] are views of it.
pub(super) fn scan(text: &str, mut emit: impl FnMut(&Piece<'_>)) {
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

pub(super) fn scan_word(
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

//! Normalizing a word: compatibility decomposition, diacritics dropped, lower case, quote marks
//! and apostrophes folded, a possessive dropped; and the character classes the tokenizer splits
//! words by.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

pub(super) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '′' | '`' | '´')
}

pub(super) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

pub(super) fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '/' | '.' | '_') || is_apostrophe(c)
}

pub(super) fn is_splitter(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '/' | '.' | '_')
}

/// A text of three words or more written all in capitals: there, capitals say nothing about
/// acronyms.
pub(super) fn shouted(text: &str) -> bool {
    all_caps(text)
        && text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count()
            >= 3
}

/// An acronym: at least two letters, none of them lower case (`US`, `ISIS-K`'s `ISIS`).
pub(super) fn is_caps_word(piece: &str) -> bool {
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
pub(super) fn all_caps(text: &str) -> bool {
    let mut letters = text.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(|c| !c.is_lowercase())
}

pub(super) fn is_dotted_acronym(raw: &str) -> bool {
    raw.split('.')
        .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
}

/// Normalizes a word into `out` (cleared first): compatibility decomposition, diacritics
/// dropped, lower case; apostrophes, quote marks and dots removed.
pub(super) fn normalize_into(word: &str, out: &mut String) {
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

/// Drops a possessive `'s` (any apostrophe): `Taliban’s` → `Taliban`.
pub(super) fn strip_possessive(piece: &str) -> &str {
    let mut rev = piece.char_indices().rev();
    match (rev.next(), rev.next()) {
        (Some((_, 's' | 'S')), Some((i, a))) if is_apostrophe(a) && i > 0 => &piece[..i],
        _ => piece,
    }
}

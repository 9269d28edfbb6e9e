//! Text → words: the normalization both the corpus and the questions go through.
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

mod normalize;
mod question;
mod sentences;
mod stem;
mod stop_words;
mod tokenize;

pub use question::{question_words, AsWord, Compounds, Word};
pub use sentences::sentences;
pub use stem::{stem, stem_uncached};
pub use stop_words::is_stop_word;
pub use tokenize::{for_each_piece, spans, tokenize, tokenize_unstemmed, Piece, Span};

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

#[cfg(test)]
mod tests;

//! A question's words: the tokenizer's tokens borrowing their text and stems from one buffer,
//! and the compounds among them.

use super::stem::{stem_into, stop_word_stem};
use super::tokenize::scan;
use super::Token;

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

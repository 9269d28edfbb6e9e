//! Where each indexed word stands in its passage's text, kept for small corpora so quoting
//! need not scan the text again.
//!
//! - Only a corpus kept plain (at most [`crate::corpus::PACK_ABOVE`] bytes) has them: four
//!   bytes a word; a larger corpus keeps nothing and quoting scans ([`super::text::SpanIter`]).
//! - A passage with a word that does not fit the packing (a word over [`MAX_LEN`] bytes) keeps
//!   none either, and is scanned.

use rayon::prelude::*;

use super::text::{self, Span};
use crate::corpus::{Corpus, Text, PACK_ABOVE};

/// Bits of a place that hold the word's start in its passage.
const START_BITS: u32 = 24;
const START_MASK: u32 = (1 << START_BITS) - 1;
/// Longest word (in bytes) a place holds.
pub const MAX_LEN: usize = 127;
/// Marks the joined form of a compound ([`Span::joined`]).
const JOINED_BIT: u32 = 1 << 31;
/// Marks a passage whose places are not kept (in [`Places::starts`]).
const UNKEPT_BIT: u32 = 1 << 31;

/// The non-stop [`Span`]s of every indexed passage, packed four bytes each.
#[derive(Debug, Default)]
pub struct Places {
    /// Indexed passage → where its places start in `places` (one more: the end), with
    /// [`UNKEPT_BIT`] for a passage whose places are not kept. Empty when none are.
    starts: Vec<u32>,
    /// Start (low 24 bits), length (7 bits) and [`JOINED_BIT`] of each word.
    places: Vec<u32>,
}

/// A passage's non-stop spans packed, or `None` when one does not fit.
fn pack(text: &str) -> Option<Vec<u32>> {
    text::spans(text)
        .into_iter()
        .filter(|s| !s.stop)
        .map(|s| {
            let len = s.end - s.start;
            if s.start > START_MASK as usize || len > MAX_LEN {
                return None;
            }
            let joined = if s.joined { JOINED_BIT } else { 0 };
            Some(s.start as u32 | (len as u32) << START_BITS | joined)
        })
        .collect()
}

impl Places {
    /// The places of the indexed passages `passages` (corpus passage ids), or none for a corpus
    /// over [`PACK_ABOVE`] bytes or with a packed text.
    pub fn build(corpus: &Corpus, passages: &[u32]) -> Places {
        let bytes: usize = corpus.texts.iter().map(Text::len).sum();
        let plain = corpus.texts.iter().all(|t| matches!(t, Text::Plain(_)));
        if bytes > PACK_ABOVE || !plain {
            return Places::default();
        }
        let packed: Vec<Option<Vec<u32>>> = passages
            .par_iter()
            .map(|&p| pack(&corpus.text_of(&corpus.passages[p as usize])))
            .collect();
        Places::from_packed(packed)
    }

    fn from_packed(packed: Vec<Option<Vec<u32>>>) -> Places {
        let mut out = Places {
            starts: Vec::with_capacity(packed.len() + 1),
            places: Vec::new(),
        };
        for p in packed {
            let at = out.places.len() as u32;
            match p {
                Some(words) => {
                    out.starts.push(at);
                    out.places.extend_from_slice(&words);
                }
                None => out.starts.push(at | UNKEPT_BIT),
            }
        }
        out.starts.push(out.places.len() as u32);
        out.starts.shrink_to_fit();
        out.places.shrink_to_fit();
        out
    }

    /// The places of indexed passage `passage`, if kept.
    pub fn get(&self, passage: u32) -> Option<&[u32]> {
        let i = passage as usize;
        let (&start, &end) = (self.starts.get(i)?, self.starts.get(i + 1)?);
        if start & UNKEPT_BIT != 0 {
            return None;
        }
        self.places
            .get(start as usize..(end & !UNKEPT_BIT) as usize)
    }

    /// Heap size in bytes.
    pub fn memory_bytes(&self) -> usize {
        (self.starts.capacity() + self.places.capacity()) * std::mem::size_of::<u32>()
    }
}

/// The span a place stands for.
#[inline]
pub fn span(place: u32) -> Span {
    let start = (place & START_MASK) as usize;
    let len = ((place >> START_BITS) & MAX_LEN as u32) as usize;
    Span {
        start,
        end: start + len,
        stop: false,
        joined: place & JOINED_BIT != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(text: &str) -> Vec<Span> {
        text::SpanIter::new(text).filter(|s| !s.stop).collect()
    }

    proptest::proptest! {
        #[test]
        fn kept_places_are_the_scanned_non_stop_spans_of_any_text(text in "\\PC{0,300}") {
            let places = Places::from_packed(vec![pack(&text)]);
            let kept: Option<Vec<Span>> = places.get(0).map(|p| p.iter().map(|&w| span(w)).collect());
            if let Some(kept) = kept {
                proptest::prop_assert_eq!(kept, scanned(&text));
            } else {
                proptest::prop_assert!(scanned(&text).iter().any(|s| s.end - s.start > MAX_LEN));
            }
        }

        #[test]
        fn kept_places_match_scanning_for_english_like_text(
            words in proptest::collection::vec(
                "(the|of|al-Qaeda|U\\.S\\.|Kabul|2021|it's|e-mail|ISIS|Amir-Abdollahian|[a-zA-Z]{1,12}|[0-9,.]{1,8})",
                0..60,
            ),
            seps in proptest::collection::vec("( |, |\\. |-|/|\\n| \\()", 60),
        ) {
            let text: String = words.iter().zip(&seps).map(|(w, s)| format!("{w}{s}")).collect();
            let places = Places::from_packed(vec![pack(&text)]);
            let kept: Vec<Span> = places.get(0).expect("short words").iter().map(|&w| span(w)).collect();
            proptest::prop_assert_eq!(kept, scanned(&text));
        }
    }

    #[test]
    fn a_passage_with_a_word_too_long_keeps_no_places_and_the_others_keep_theirs() {
        let long = "x".repeat(MAX_LEN + 1);
        let places = Places::from_packed(vec![
            pack("one two"),
            pack(&format!("a {long} b")),
            pack("three"),
        ]);
        assert_eq!(places.get(0).map(<[u32]>::len), Some(2));
        assert_eq!(places.get(1), None);
        assert_eq!(
            places
                .get(2)
                .map(|p| p.iter().map(|&w| span(w)).collect::<Vec<_>>()),
            Some(scanned("three"))
        );
        assert_eq!(places.get(3), None);
    }

    #[test]
    fn no_places_are_kept_when_none_were_built() {
        assert_eq!(Places::default().get(0), None);
    }
}

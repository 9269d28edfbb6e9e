//! Excerpts: the verbatim words of a passage, cropped around what matched, with highlights.
//!
//! A passage up to [`MAX_CHARS`] characters is quoted whole. A longer one is cropped to the run
//! of whole sentences that holds the most matched words (ties: the earliest), grown with the
//! sentences after it (an answer tends to follow the words of the question) and then before it
//! while they fit. A single sentence that is too long is cropped on word boundaries around its
//! densest cluster of matches. `…` marks every cut; highlights are byte ranges into the excerpt.

use crate::text::sentences;

/// Excerpts are cropped to about this many characters.
pub const MAX_CHARS: usize = 300;
const ELLIPSIS: &str = "…";

/// A cropped passage and the byte ranges of its matched words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// Verbatim text, with `…` where it was cut.
    pub text: String,
    /// Byte ranges `[start, end)` of matched words in `text`, in order, not overlapping.
    pub highlights: Vec<[usize; 2]>,
}

/// Crops `text` around `matches` (byte ranges into `text`, any order), which are highlighted.
/// `anchors` (likely answers: the number next to "attacks" for "how many attacks") weigh in the
/// choice of the window like matches but are not highlighted.
pub fn crop(text: &str, matches: &[(usize, usize)], anchors: &[(usize, usize)]) -> Excerpt {
    let merged = merge(text, matches);
    // A byte is at most a character, and a character at most four bytes: most passages are
    // known to fit, or not to, without counting.
    let fits = text.len() <= MAX_CHARS
        || (text.len() <= 4 * MAX_CHARS && text.chars().count() <= MAX_CHARS);
    let (start, end) = if fits {
        (0, text.len())
    } else {
        let mut weighed = merge(text, anchors);
        weighed.extend_from_slice(&merged);
        weighed.sort_unstable();
        let counter = CharCount::new(text);
        let sentences = sentences(text);
        let words = || word_window(text, &counter, &sentences, &weighed);
        match sentence_window(text, &counter, &sentences, &weighed) {
            // Whole sentences, unless cutting inside one keeps more of the matches (it cannot
            // when the sentences hold them all).
            Some(window) => {
                let n = count(&weighed, window);
                if n == weighed.len() {
                    window
                } else {
                    let words = words();
                    if n >= count(&weighed, words) {
                        window
                    } else {
                        words
                    }
                }
            }
            None => words(),
        }
    };
    build(text, start, end, &merged)
}

/// Valid ranges, sorted, overlaps merged.
fn merge(text: &str, ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = ranges
        .iter()
        .copied()
        .filter(|&(s, e)| s < e && e <= text.len())
        .collect();
    // Words come in text order: most lists need no sorting.
    if !ranges.is_sorted() {
        ranges.sort_unstable();
    }
    // Merged in place: `kept` ranges are done, each range read joins the last or follows it.
    let mut kept = 0usize;
    for i in 0..ranges.len() {
        let (s, e) = ranges[i];
        match kept.checked_sub(1).map(|k| &mut ranges[k]) {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => {
                ranges[kept] = (s, e);
                kept += 1;
            }
        }
    }
    ranges.truncate(kept);
    ranges
}

fn count(matches: &[(usize, usize)], (s, e): (usize, usize)) -> usize {
    matches.iter().filter(|m| m.0 >= s && m.1 <= e).count()
}

/// Characters between byte offsets in constant time: the offsets themselves for ASCII text,
/// else a table of characters before each byte.
struct CharCount(Option<Vec<u32>>);

impl CharCount {
    fn new(text: &str) -> CharCount {
        if text.is_ascii() {
            return CharCount(None);
        }
        // Byte by byte: the characters begun up to and including a byte, less one (every byte
        // of a character then reads its number; the first byte of a text begins one).
        let mut before = Vec::with_capacity(text.len() + 1);
        let mut begun = 0u32;
        before.extend(text.bytes().map(|b| {
            begun += u32::from(b & 0xc0 != 0x80);
            begun - 1
        }));
        before.push(begun);
        CharCount(Some(before))
    }

    /// Characters in `text[start..end]`.
    fn between(&self, start: usize, end: usize) -> usize {
        match &self.0 {
            None => end - start,
            Some(before) => (before[end] - before[start]) as usize,
        }
    }

    /// The byte offset of character `n` (from 0) of `text[start..]`, if it has that many:
    /// `text[start..].char_indices().nth(n)`, without walking the characters.
    fn nth_after(&self, text: &str, start: usize, n: usize) -> Option<usize> {
        match &self.0 {
            None => (start + n < text.len()).then_some(start + n),
            Some(before) => {
                // Every byte of character `k` has `k` characters before it.
                let k = before[start] as usize + n;
                (k < before[text.len()] as usize)
                    .then(|| before.partition_point(|&b| (b as usize) < k))
            }
        }
    }

    /// The byte offset of the character `n + 1` characters before `end`, if there is one:
    /// `text[..end].char_indices().rev().nth(n)`, without walking the characters.
    fn nth_before(&self, end: usize, n: usize) -> Option<usize> {
        match &self.0 {
            None => end.checked_sub(n + 1),
            Some(before) => {
                let k = (before[end] as usize).checked_sub(n + 1)?;
                Some(before.partition_point(|&b| (b as usize) < k))
            }
        }
    }

    /// Characters in `text[start..end]` once trimmed.
    fn trimmed(&self, text: &str, start: usize, end: usize) -> usize {
        let slice = &text[start..end];
        let lead = slice.len() - slice.trim_start().len();
        if lead == slice.len() {
            return 0;
        }
        let tail = slice.len() - slice.trim_end().len();
        self.between(start + lead, end - tail)
    }
}

/// The best run of whole sentences that fits, or None when no single sentence fits.
fn sentence_window(
    text: &str,
    counter: &CharCount,
    sentences: &[(usize, usize)],
    matches: &[(usize, usize)],
) -> Option<(usize, usize)> {
    let count = |s: usize, e: usize| matches.iter().filter(|m| m.0 >= s && m.1 <= e).count();
    let fits =
        |f: usize, l: usize| counter.trimmed(text, sentences[f].0, sentences[l].1) <= MAX_CHARS;
    let mut best: Option<(usize, usize, usize)> = None; // (matched, first, last)
    for first in 0..sentences.len() {
        for last in first..sentences.len() {
            if !fits(first, last) {
                break;
            }
            let n = count(sentences[first].0, sentences[last].1);
            if best.is_none_or(|(bn, _, _)| n > bn) {
                best = Some((n, first, last));
            }
        }
    }
    let (_, mut first, mut last) = best?;
    while last + 1 < sentences.len() && fits(first, last + 1) {
        last += 1;
    }
    while first > 0 && fits(first - 1, last) {
        first -= 1;
    }
    Some((sentences[first].0, sentences[last].1))
}

/// A window of about [`MAX_CHARS`] characters on word boundaries around the densest matches.
fn word_window(
    text: &str,
    counter: &CharCount,
    sentences: &[(usize, usize)],
    matches: &[(usize, usize)],
) -> (usize, usize) {
    let budget = MAX_CHARS - 2;
    // The match that starts the densest run fitting in the budget.
    let mut anchor = matches.first().map_or(0, |m| m.0);
    let mut best = 0;
    for (i, m) in matches.iter().enumerate() {
        let n = matches[i..]
            .iter()
            .take_while(|x| x.1 >= m.0 && counter.between(m.0, x.1) <= budget)
            .count();
        if n > best {
            best = n;
            anchor = m.0;
        }
    }
    // Start a little before the anchor: at the sentence's start when it is near, else on a
    // word boundary.
    let lead = counter.nth_before(anchor, 40).unwrap_or(0);
    let sentence_start = sentences
        .iter()
        .map(|&(i, _)| i)
        .take_while(|&i| i <= anchor)
        .last()
        .unwrap_or(0);
    let start = if lead == 0 || sentence_start >= lead {
        sentence_start.min(anchor)
    } else {
        text[lead..anchor]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(anchor, |(i, c)| lead + i + c.len_utf8())
    };
    let limit = counter.nth_after(text, start, budget).unwrap_or(text.len());
    let end = if limit >= text.len() {
        text.len()
    } else {
        text[start..limit]
            .rfind(char::is_whitespace)
            .map_or(limit, |i| start + i)
    };
    (start, end)
}

/// The end of the last whole word of `text[start..end]` within [`MAX_CHARS`] characters of
/// `start` (`end` when the whole range fits).
pub fn word_end_within(text: &str, start: usize, end: usize) -> usize {
    let slice = &text[start..end];
    let Some((limit, _)) = slice.char_indices().nth(MAX_CHARS) else {
        return end;
    };
    // Cut at the last space before the limit; a single word longer than that is cut inside.
    if slice[limit..].starts_with(char::is_whitespace) {
        return start + slice[..limit].trim_end().len();
    }
    match slice[..limit].rfind(char::is_whitespace) {
        Some(space) if space > 0 => start + slice[..space].trim_end().len(),
        _ => start + limit,
    }
}

/// The end of the last whole word of `text[end..limit]` that keeps it within `room` characters
/// (counting the space that joins it): `end` when no word fits.
pub fn word_end_after(text: &str, end: usize, limit: usize, room: usize) -> usize {
    let slice = &text[end..limit];
    let mut best = end;
    for (count, (i, c)) in slice.char_indices().enumerate() {
        if count >= room {
            break;
        }
        let next = i + c.len_utf8();
        let at_word_end =
            !c.is_whitespace() && slice[next..].chars().next().is_none_or(char::is_whitespace);
        if at_word_end {
            best = end + next;
        }
    }
    best
}

/// The start of the first whole word of `text[limit..start]` that keeps the text from it to
/// `start` within `room` characters: `start` when no word fits.
pub fn word_start_before(text: &str, limit: usize, start: usize, room: usize) -> usize {
    let slice = &text[limit..start];
    let mut best = start;
    for (count, (i, c)) in slice.char_indices().rev().enumerate() {
        if count >= room {
            break;
        }
        let at_word_start = !c.is_whitespace()
            && slice[..i]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace);
        if at_word_start {
            best = limit + i;
        }
    }
    best
}

/// The excerpt `text[start..end]`, trimmed, with `…` where it cuts the text and the `matches`
/// inside it highlighted.
pub fn build(text: &str, start: usize, end: usize, matches: &[(usize, usize)]) -> Excerpt {
    let slice = &text[start..end];
    let lead_trim = slice.len() - slice.trim_start().len();
    let body = slice.trim();
    let body_start = start + lead_trim;
    let body_end = body_start + body.len();
    let mut out = String::with_capacity(body.len() + 2 * ELLIPSIS.len());
    if body_start > 0 && !text[..body_start].trim().is_empty() {
        out.push_str(ELLIPSIS);
    }
    let offset = out.len();
    out.push_str(body);
    if body_end < text.len() && !text[body_end..].trim().is_empty() {
        out.push_str(ELLIPSIS);
    }
    let highlights = matches
        .iter()
        .filter(|m| m.0 >= body_start && m.1 <= body_end)
        .map(|m| [m.0 - body_start + offset, m.1 - body_start + offset])
        .collect();
    Excerpt {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_passages_are_whole() {
        let e = crop("Balkhi said so.", &[(0, 6)], &[]);
        assert_eq!(e.text, "Balkhi said so.");
        assert_eq!(e.highlights, vec![[0, 6]]);
    }

    #[test]
    fn long_passages_keep_the_sentences_that_matched() {
        let filler = "Nothing to see in this sentence at all, it only fills the paragraph. ";
        let text = format!(
            "{}The answer is 224 attacks since 2021. {}",
            filler.repeat(4),
            filler.repeat(4)
        );
        let at = text.find("224").unwrap();
        let e = crop(&text, &[(at, at + 3)], &[]);
        assert!(e.text.contains("The answer is 224 attacks since 2021."));
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        let [s, end] = e.highlights[0];
        assert_eq!(&e.text[s..end], "224");
    }

    #[test]
    fn one_overlong_sentence_is_cut_on_word_boundaries() {
        let text = format!("{} target {}", "word ".repeat(100), "word ".repeat(100));
        let at = text.find("target").unwrap();
        let e = crop(text.trim(), &[(at, at + 6)], &[]);
        assert!(e.text.chars().count() <= MAX_CHARS + 2);
        assert!(e.text.contains("target"));
        assert!(!e.text.contains("wor…") && !e.text.contains("…ord"));
    }

    /// [`merge`] as it was first written: sorted, then merged into a new list.
    fn merge_by_copy(text: &str, ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
        let mut ranges: Vec<(usize, usize)> = ranges
            .iter()
            .copied()
            .filter(|&(s, e)| s < e && e <= text.len())
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in ranges {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }

    /// [`CharCount::new`]'s table as it was first made: a walk of the characters.
    fn table_by_walking(text: &str) -> Vec<u32> {
        let mut before = vec![0u32; text.len() + 1];
        let mut n = 0;
        for (i, c) in text.char_indices() {
            before[i..i + c.len_utf8()].fill(n);
            n += 1;
        }
        before[text.len()] = n;
        before
    }

    proptest! {
        #[test]
        fn character_tables_made_from_bytes_are_the_tables_made_by_walking(
            text in "([a-z .’é]|\\PC){0,60}",
        ) {
            let counter = CharCount::new(&text);
            match counter.0 {
                None => prop_assert!(text.is_ascii()),
                Some(table) => prop_assert_eq!(table, table_by_walking(&text)),
            }
        }

        #[test]
        fn characters_are_found_by_count_as_walking_finds_them(
            text in "([a-z .’é]|\\PC){0,40}",
            at in 0usize..200,
            n in 0usize..50,
        ) {
            let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            let counter = CharCount::new(&text);
            prop_assert_eq!(
                counter.nth_after(&text, at, n),
                text[at..].char_indices().nth(n).map(|(i, _)| at + i)
            );
            prop_assert_eq!(
                counter.nth_before(at, n),
                text[..at].char_indices().rev().nth(n).map(|(i, _)| i)
            );
        }

        #[test]
        fn ranges_merged_in_place_are_the_ranges_merged_by_copy(
            ranges in proptest::collection::vec((0usize..60, 0usize..60), 0..12),
            sorted in proptest::bool::ANY,
        ) {
            let mut ranges = ranges;
            if sorted {
                ranges.sort_unstable();
            }
            let text = "x".repeat(50);
            prop_assert_eq!(merge(&text, &ranges), merge_by_copy(&text, &ranges));
        }

        #[test]
        fn excerpts_are_verbatim_bounded_and_highlights_valid(
            text in "\\PC{0,900}",
            picks in proptest::collection::vec((0usize..1000, 1usize..20), 0..6),
        ) {
            let matches: Vec<(usize, usize)> = picks
                .into_iter()
                .filter_map(|(s, len)| {
                    let s = (0..=s.min(text.len())).rev().find(|&i| text.is_char_boundary(i))?;
                    let e = (s + len).min(text.len());
                    let e = (e..=text.len()).find(|&i| text.is_char_boundary(i))?;
                    Some((s, e))
                })
                .collect();
            let e = crop(&text, &matches, &matches[..matches.len() / 2]);
            prop_assert!(e.text.chars().count() <= MAX_CHARS + 2);
            let inner = e.text.trim_start_matches(ELLIPSIS).trim_end_matches(ELLIPSIS);
            prop_assert!(text.contains(inner));
            for [s, end] in e.highlights {
                prop_assert!(s < end && end <= e.text.len());
                prop_assert!(e.text.is_char_boundary(s) && e.text.is_char_boundary(end));
            }
        }
    }
}

//! Sentences: where a text's sentences start and end, for cropping quotes and reading a
//! paragraph sentence by sentence.

use super::tokenize::char_at;

/// Ends a sentence.
pub(super) fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。')
}

/// May follow a sentence's terminal punctuation and still belong to it.
pub(super) fn is_closing(c: char) -> bool {
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

/// Where the sentence ends whose terminal punctuation `c` stands at byte `at`, when it ends
/// there: after the punctuation, any closing quotes, brackets and notes, and white space,
/// where a sentence can begin.
pub(super) fn sentence_end(text: &str, at: usize, c: char) -> Option<usize> {
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
pub(super) const MAX_NOTE: usize = 40;

/// The end of a bracketed note starting at byte `i` (a short `[…]` on one line).
pub(super) fn note_end(text: &str, i: usize) -> Option<usize> {
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
pub(super) const TITLES: [&str; 19] = [
    "Capt", "Col", "Dr", "Ft", "Gen", "Gov", "Hon", "Lt", "Messrs", "Mr", "Mrs", "Ms", "Mt",
    "Prof", "Rep", "Rev", "Sen", "Sgt", "St",
];

/// Whether the dot at byte `dot` closes an initial (`W.` in `George W. Bush`) or a title
/// (`Dr.`): a word standing alone after white space, an opening bracket or quote, or the
/// text's start (so never the last letter of `U.S.`).
pub(super) fn is_name_abbreviation(text: &str, dot: usize) -> bool {
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

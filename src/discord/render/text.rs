//! Text fitted to Discord: measured as Discord may count it (UTF-16 code units), cut on
//! grapheme and word boundaries with `…`, and escaped so corpus text shows verbatim, formats
//! nothing and pings nobody. Highlights become bold here, with markers that always pair up.

use unicode_segmentation::UnicodeSegmentation;

const ZWSP: char = '\u{200B}';

/// Length as Discord may count it: UTF-16 code units (never less than the count of characters).
pub fn discord_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Cuts `text` to at most `max` units (see [`discord_len`]) on a grapheme boundary, preferring
/// a word boundary, and ends it with `…` when anything was cut.
pub fn cut(text: &str, max: usize) -> String {
    let (kept, was_cut) = cut_point(text, max);
    if was_cut {
        format!("{}…", &text[..kept])
    } else {
        text.to_string()
    }
}

/// Where to cut `text` so that `text[..kept]` plus `…` fits in `max`: `(kept, was_cut)`.
fn cut_point(text: &str, max: usize) -> (usize, bool) {
    if discord_len(text) <= max {
        return (text.len(), false);
    }
    let budget = max.saturating_sub(1);
    let mut used = 0;
    let mut kept = 0;
    for (at, grapheme) in text.grapheme_indices(true) {
        let units = discord_len(grapheme);
        if used + units > budget {
            break;
        }
        used += units;
        kept = at + grapheme.len();
    }
    // Back up to the last word boundary when it does not lose more than a third of the text.
    let head = &text[..kept];
    if let Some(space) = head.rfind(char::is_whitespace) {
        if space >= kept * 2 / 3 && space > 0 {
            kept = space;
        }
    }
    let kept = text[..kept].trim_end().len();
    (kept, true)
}

/// Escapes Discord markdown and defuses mentions so `text` shows verbatim and pings nobody:
/// markup characters get a backslash, `@` gets a zero-width space after it (so `@everyone`,
/// `@here` and `<@id>` are inert), and `1.` at a line start is not a list. [`unescape`] undoes it.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8 + 4);
    let mut digits_since_line_start = Some(0usize);
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '#' | '-' | '+' | '[' | ']' | '('
            | ')' => {
                out.push('\\');
                out.push(c);
            }
            '.' if matches!(digits_since_line_start, Some(n) if n > 0) => out.push_str("\\."),
            '@' => {
                out.push('@');
                out.push(ZWSP);
            }
            _ => out.push(c),
        }
        digits_since_line_start = match (c, digits_since_line_start) {
            ('\n', _) => Some(0),
            (d, Some(n)) if d.is_ascii_digit() => Some(n + 1),
            (' ' | '\t', Some(0)) => Some(0),
            _ => None,
        };
    }
    out
}

/// Reverses [`escape`]: `unescape(&escape(s)) == s` for every `s`.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '@' => {
                out.push('@');
                if chars.peek() == Some(&ZWSP) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Cuts text that is already markup; drops a dangling backslash and keeps `**` balanced.
pub(crate) fn cut_markup(text: &str, max: usize) -> String {
    if discord_len(text) <= max {
        return text.to_string();
    }
    let (kept, _) = cut_point(text, max.saturating_sub(2));
    let mut head = text[..kept].to_string();
    // An odd run of trailing backslashes would escape the ellipsis; a ZWSP may trail an `@`.
    let trailing = head.chars().rev().take_while(|&c| c == '\\').count();
    if trailing % 2 == 1 {
        head.pop();
    }
    // A cut inside a `**` marker leaves a lone `*`: drop unescaped trailing stars.
    while head.ends_with('*') && !head[..head.len() - 1].ends_with('\\') {
        head.pop();
    }
    let mut out = head;
    if bold_markers(&out) % 2 == 1 {
        out.push_str("**");
    }
    out.push('…');
    out
}

/// How many `**` markers `markup` has outside backslash escapes.
fn bold_markers(markup: &str) -> usize {
    let mut markers = 0;
    let mut chars = markup.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                markers += 1;
            }
            _ => {}
        }
    }
    markers
}

/// A passage as a block quote, its highlights in bold, at most `max` units.
pub fn block_quote(text: &str, highlights: &[[usize; 2]], max: usize) -> String {
    let mut raw_budget = max;
    loop {
        let (kept, was_cut) = cut_point(text, raw_budget);
        let mut rendered = String::from("> ");
        let body = with_bold(&text[..kept], highlights);
        rendered.push_str(&body.replace('\n', "\n> "));
        if was_cut {
            rendered.push('…');
        }
        let len = discord_len(&rendered);
        if len <= max {
            return rendered;
        }
        if raw_budget == 0 {
            return String::new();
        }
        raw_budget = raw_budget.saturating_sub((len - max).max(1));
    }
}

/// Escapes `text` and wraps the byte ranges `highlights` (clipped, merged, trimmed of spaces,
/// split at line breaks) in `**`.
fn with_bold(text: &str, highlights: &[[usize; 2]]) -> String {
    let mut ranges: Vec<(usize, usize)> = highlights
        .iter()
        .map(|&[s, e]| (s.min(text.len()), e.min(text.len())))
        .filter(|&(s, e)| s < e && text.is_char_boundary(s) && text.is_char_boundary(e))
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            // Overlapping, or apart by spaces only: one bold run reads better than many.
            Some(last)
                if s <= last.1
                    || text[last.1..s]
                        .chars()
                        .all(|c| c == ' ' || c == '\t' || c == '\u{a0}') =>
            {
                last.1 = last.1.max(e)
            }
            _ => merged.push((s, e)),
        }
    }
    // Split at line breaks and trim white space, so every `**` pair opens and closes on a word.
    let mut spans = Vec::new();
    for (s, e) in merged {
        let mut start = s;
        for piece in text[s..e].split('\n') {
            let end = start + piece.len();
            let lead = piece.len() - piece.trim_start().len();
            let trail = piece.len() - piece.trim_end().len();
            if start + lead < end - trail {
                spans.push((start + lead, end - trail));
            }
            start = end + 1;
        }
    }
    let mut out = String::with_capacity(text.len() + spans.len() * 4);
    let mut at = 0;
    for (s, e) in spans {
        out.push_str(&escape(&text[at..s]));
        out.push_str("**");
        out.push_str(&escape(&text[s..e]));
        out.push_str("**");
        at = e;
    }
    out.push_str(&escape(&text[at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_defuses_mentions_and_markup() {
        let e = escape("@everyone <@123> <@&456> **bold** `code` ||spoiler|| > quote");
        assert!(!e.contains("@everyone"));
        assert!(!e.contains("<@1") && !e.contains("<@&"));
        assert!(e.contains("\\<@\u{200B}123\\>"));
        assert!(!e.contains("**"));
        assert_eq!(
            unescape(&e),
            "@everyone <@123> <@&456> **bold** `code` ||spoiler|| > quote"
        );
    }

    #[test]
    fn a_numbered_line_is_not_a_list() {
        assert_eq!(escape("1. first"), "1\\. first");
        assert_eq!(escape("pi is 3.14"), "pi is 3.14");
    }

    #[test]
    fn cut_prefers_word_boundaries_and_marks_the_cut() {
        let c = cut("the quick brown fox jumps", 12);
        assert_eq!(c, "the quick…");
        assert_eq!(cut("short", 12), "short");
    }

    #[test]
    fn highlights_become_bold_without_their_spaces() {
        let text = "Abdul Qahar Balkhi said";
        assert_eq!(with_bold(text, &[[5, 18]]), "Abdul **Qahar Balkhi** said");
        assert_eq!(
            with_bold(text, &[[0, 5], [3, 11]]),
            "**Abdul Qahar** Balkhi said"
        );
        // Out of range or inside a character: ignored, never a panic.
        assert_eq!(with_bold("é", &[[1, 2], [0, 9]]), "**é**");
    }

    #[test]
    fn cutting_markup_never_leaves_a_dangling_marker_or_escape() {
        let markup = format!("{}**bold words**", "a".repeat(20));
        for max in 3..40 {
            let cut = cut_markup(&markup, max);
            assert!(discord_len(&cut) <= max, "{cut}");
            assert_eq!(bold_markers(&cut) % 2, 0, "{cut}");
            assert!(!cut.ends_with("\\…"), "{cut}");
        }
        let escaped = format!("{}\\*\\*", "b".repeat(10));
        for max in 3..16 {
            let cut = cut_markup(&escaped, max);
            assert!(
                !cut.trim_end_matches('…').ends_with('\\') || cut.ends_with("\\\\…"),
                "{cut}"
            );
        }
    }
}

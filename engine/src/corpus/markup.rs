//! Markdown and HTML markup: the text a reader of the rendered page sees.
//!
//! Technical documentation is written in Markdown with HTML mixed in: a README opens with badge
//! rows (`[![Crates.io][crates-badge]][crates-url]`), link reference definitions
//! (`[crates-url]: https://…`) and `<div align="center">` wrappers. None of that is text a
//! reader sees, so none of it may be quoted or become a title. Quotes stay verbatim: this module
//! only decides what a line *shows* ([`visible`]), which the cleaning step uses to drop lines that
//! show nothing and the title rules use to write titles.

/// A link reference definition, `[label]: destination`, which renders as nothing.
///
/// ```text
/// [crates-url]: https://crates.io/crates/tokio      → true
/// [page needed] the text goes on                      → false
/// ```
pub fn is_reference_definition(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let Some(rest) = line[indent..].strip_prefix('[') else {
        return false;
    };
    let Some((label, after)) = rest.split_once("]:") else {
        return false;
    };
    indent <= 3
        && !label.trim().is_empty()
        && !label.contains('[')
        && after.starts_with([' ', '\t'])
        && !after.trim().is_empty()
}

/// A level-one heading: `# Title`, or `<h1 …>Title</h1>`. (A Setext title, a line over a line
/// of `=`, is two lines: [`is_title_underline`] reads the second.)
pub fn is_level_one(line: &str) -> bool {
    let t = line.trim_start();
    t.strip_prefix('#')
        .is_some_and(|r| r.starts_with([' ', '\t']))
        || t.get(..3).is_some_and(|h| h.eq_ignore_ascii_case("<h1"))
}

/// A Setext level-one underline: a line of `=` only.
pub fn is_title_underline(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 2 && t.bytes().all(|b| b == b'=')
}

/// A Setext level-two underline: a line of `-` only (after a line of text; alone it is a rule).
pub fn is_heading_underline(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 2 && t.bytes().all(|b| b == b'-')
}

/// What a rendered line shows: images, HTML tags, link destinations, emphasis and code marks,
/// block markers (`#`, `>`) and escapes gone; a link's text and an entity's character kept;
/// white space single.
///
/// ```text
/// # [hyper](https://hyper.rs)                              → hyper
/// > **Command Line Argument Parser for Rust**              → Command Line Argument Parser for Rust
/// [![Crates.io][crates-badge]][crates-url]                 → (nothing)
/// <h1 align="center">Criterion.<span></span>rs</h1>        → Criterion.rs
/// ```
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    inline(block_content(text), 0, &mut out);
    let mut single = String::with_capacity(out.len());
    for word in out.split_whitespace() {
        if !single.is_empty() {
            single.push(' ');
        }
        single.push_str(word);
    }
    single
}

/// The text after block markers: heading `#`s, quote `>`s, and a closing `#` run.
fn block_content(text: &str) -> &str {
    let mut t = text.trim();
    loop {
        let before = t.len();
        t = t.trim_start_matches('>').trim_start();
        let hashes = t.len() - t.trim_start_matches('#').len();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) {
            t = t[hashes..].trim_start();
        }
        if t.len() == before {
            break;
        }
    }
    let closed = t.trim_end_matches('#');
    if closed.len() < t.len() && closed.ends_with([' ', '\t']) {
        closed.trim_end()
    } else {
        t
    }
}

/// How far a link's `[text]` or a tag's `<…>` is looked for, in bytes: markup is short, and a
/// page of unmatched brackets must cost no more than a linear read.
const REACH: usize = 1024;

/// Links nested deeper than this (a badge is an image in a link: two) are read as text.
const DEPTH: usize = 4;

/// Appends what the inline markup of `text` shows (`depth`: links it is nested in).
fn inline(text: &str, depth: usize, out: &mut String) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                out.push(char::from(bytes[i + 1]));
                i += 2;
            }
            b'!' if bytes.get(i + 1) == Some(&b'[') => match bracket(text, i + 1) {
                // An image shows no text a quote or a title could use.
                Some(end) => i = destination(text, end + 1),
                None => {
                    out.push('!');
                    i += 1;
                }
            },
            b'[' => match bracket(text, i).filter(|_| depth < DEPTH) {
                Some(end) if linked(text, end + 1) => {
                    inline(&text[i + 1..end], depth + 1, out);
                    i = destination(text, end + 1);
                }
                _ => {
                    out.push('[');
                    i += 1;
                }
            },
            b'<' => match tag(text, i) {
                Some(end) => {
                    // Block tags part their text; inline ones (`<span>`) join it.
                    if block_tag(&text[i..end]) {
                        out.push(' ');
                    }
                    i = end;
                }
                None => {
                    out.push('<');
                    i += 1;
                }
            },
            b'&' => match entity(&text[i..]) {
                Some((shown, len)) => {
                    out.push(shown);
                    i += len;
                }
                None => {
                    out.push('&');
                    i += 1;
                }
            },
            // A code span shows its text as written: `From<Error>` holds no tag.
            b'`' => {
                let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
                let after = i + run;
                let reach = &bytes[after..bytes.len().min(after + REACH)];
                let close = reach
                    .windows(run)
                    .position(|w| w.iter().all(|&b| b == b'`'));
                match close {
                    Some(p) => {
                        out.push_str(&text[after..after + p]);
                        i = after + p + run;
                    }
                    None => i = after,
                }
            }
            b'*' => i += 1,
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
}

/// The byte offset of the `]` closing the `[` at `open`, brackets nested, within [`REACH`].
fn bracket(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = &text.as_bytes()[..text.len().min(open + REACH)];
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether a `[text]` ending before `at` is a link: followed by `(destination)` or `[label]`.
fn linked(text: &str, at: usize) -> bool {
    matches!(text.as_bytes().get(at), Some(b'(' | b'['))
}

/// Where the text goes on after a link's or image's `(destination)` or `[label]` at `at` (at
/// `at` itself when there is none, or it is not closed).
fn destination(text: &str, at: usize) -> usize {
    let close = match text.as_bytes().get(at) {
        Some(b'(') => b')',
        Some(b'[') => b']',
        _ => return at,
    };
    text.as_bytes()[at + 1..]
        .iter()
        .take(REACH)
        .position(|&b| b == close)
        .map_or(at, |p| at + 1 + p + 1)
}

/// The end of an HTML tag or comment starting at `open` (`<` followed by a letter,
/// `/` or `!`), on the same line and within [`REACH`].
fn tag(text: &str, open: usize) -> Option<usize> {
    let rest = &text.as_bytes()[open + 1..];
    let first = *rest.first()?;
    if !(first.is_ascii_alphabetic() || first == b'/' || first == b'!') {
        return None;
    }
    rest.iter()
        .take(REACH)
        .take_while(|&&b| b != b'\n')
        .position(|&b| b == b'>')
        .map(|p| open + 1 + p + 1)
}

/// A tag that starts or ends a block (`<p>`, `</div>`, `<br>`), as against an inline one.
fn block_tag(tag: &str) -> bool {
    let name: String = tag
        .trim_start_matches(['<', '/'])
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    matches!(
        name.as_str(),
        "p" | "div" | "br" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "td" | "th" | "tr"
    )
}

/// An HTML entity at the start of `text`: the character it shows and its length.
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.bytes().take(12).position(|b| b == b';')?;
    let name = &text[1..end];
    let shown = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "copy" => '©',
        _ => {
            let code = name.strip_prefix('#')?;
            let value = match code.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            char::from_u32(value)?
        }
    };
    Some((shown, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_images_and_wrappers_show_nothing() {
        for line in [
            "[![Crates.io][crates-badge]][crates-url] [![MIT licensed][mit-badge]][mit-url]",
            "[![ci-badge][]][ci] [![docs-badge][]][docs]",
            r#"[<img alt="github" src="https://img.shields.io/badge/x.svg" height="20">](https://github.com/x)"#,
            "![serenity logo][logo]",
            r#"<div align="center">"#,
            "</div>",
        ] {
            assert_eq!(visible(line), "", "{line}");
        }
    }

    #[test]
    fn links_headings_and_emphasis_show_their_text() {
        assert_eq!(visible("# [hyper](https://hyper.rs)"), "hyper");
        assert_eq!(
            visible("> **Command Line Argument Parser for Rust**"),
            "Command Line Argument Parser for Rust"
        );
        assert_eq!(
            visible(r#"<h1 align="center">Criterion.<span></span>rs</h1>"#),
            "Criterion.rs"
        );
        assert_eq!(
            visible("# Serde &emsp; [![Build Status]][actions]"),
            "Serde"
        );
        assert_eq!(
            visible(r"Anyhow&ensp;¯\\\_(°ペ)\_/¯"),
            r"Anyhow ¯\_(°ペ)_/¯"
        );
        assert_eq!(visible("Use `Context` to add it"), "Use Context to add it");
        assert_eq!(
            visible("derive(Display) /// `From<docs>`"),
            "derive(Display) /// From<docs>"
        );
        assert_eq!(
            visible("a `` `tick` `` and an ` open"),
            "a `tick` and an open"
        );
        assert_eq!(
            visible("## Minimum supported Rust version ##"),
            "Minimum supported Rust version"
        );
    }

    #[test]
    fn text_that_only_looks_like_markup_is_kept() {
        assert_eq!(
            visible("[page needed] and 3 < 4 & 5"),
            "[page needed] and 3 < 4 & 5"
        );
        assert_eq!(visible("#Kabul trends"), "#Kabul trends");
        assert_eq!(
            visible("a [broken link( and ![x"),
            "a [broken link( and ![x"
        );
        assert_eq!(visible("snake_case_name"), "snake_case_name");
    }

    #[test]
    fn entities_at_the_end_and_deep_or_unmatched_brackets_are_read_in_linear_time() {
        assert_eq!(visible("Fish &amp; chips &amp;"), "Fish & chips &");
        let deep = format!("{}x{}", "[".repeat(50_000), "](u)".repeat(50_000));
        assert!(visible(&deep).contains('x'));
        let open = "[<a ".repeat(100_000);
        assert_eq!(visible(&open).len(), open.trim_end().len());
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_a_panic_and_shows_no_more_than_it_holds(
            text in "[\\[\\]()<>!&#;*`\\\\ a-z=\n-]{0,200}",
        ) {
            let shown = visible(&text);
            proptest::prop_assert!(shown.chars().count() <= text.chars().count());
        }
    }

    #[test]
    fn reference_definitions_are_told_from_bracketed_text() {
        assert!(is_reference_definition(
            "[crates-url]: https://crates.io/crates/tokio"
        ));
        assert!(is_reference_definition(
            "  [`Subscriber`]: https://docs.rs/x"
        ));
        assert!(!is_reference_definition("[page needed] the text goes on"));
        assert!(!is_reference_definition("[a]:no-space"));
        assert!(!is_reference_definition("    [indented]: code block"));
    }

    #[test]
    fn level_one_headings_are_told_from_others() {
        assert!(is_level_one("# Tokio"));
        assert!(is_level_one(r#"<h1 align="center">Criterion.rs</h1>"#));
        assert!(!is_level_one("## Usage"));
        assert!(!is_level_one("#hashtag"));
        assert!(is_title_underline("====="));
        assert!(!is_title_underline("="));
        assert!(is_heading_underline("-----"));
    }
}

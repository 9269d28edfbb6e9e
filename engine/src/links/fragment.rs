//! Text fragments (`#:~:text=…`, the WICG "URL Fragment Text Directives" spec, supported by
//! Chrome, Edge, Safari and Firefox): a link that makes the browser scroll to a quoted sentence
//! and highlight it.
//!
//! The directive quotes the text **as the page shows it**, so inline Markdown (link targets,
//! emphasis and code marks, HTML tags) is read as its visible text first. A short quote is
//! given whole (`text=…`); a longer one by its first and last words (`text=start,end`), which
//! the browser matches as the range between them, so the link stays short. Each part is
//! percent-encoded: everything but ASCII letters, digits and `.`, `_`, `~`, so `-`, `&` and `,`
//! (the directive's own syntax) are always escaped.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What the spec requires escaped (`-`, `&`, `,`), and everything else that could end or
/// confuse a URL or a Markdown link: all but `A–Z a–z 0–9 . _ ~`.
const PART: &AsciiSet = &NON_ALPHANUMERIC.remove(b'.').remove(b'_').remove(b'~');

/// A quote of at most this many words is given whole.
const WHOLE_WORDS: usize = 8;
/// Words of each end of a longer quote (`text=start,end`).
const END_WORDS: usize = 4;

/// The text directive for `quote` (without `:~:`), e.g. `text=the%20Taliban,of%20Kabul`;
/// `None` when no word is left. `markdown` reads inline Markdown as its visible text.
pub fn text_directive(quote: &str, markdown: bool) -> Option<String> {
    let visible = if markdown {
        visible_text(quote)
    } else {
        quote.to_string()
    };
    let visible = visible.trim().trim_matches('…').trim();
    let words: Vec<&str> = visible.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let encode = |words: &[&str]| utf8_percent_encode(&words.join(" "), PART).to_string();
    if words.len() <= WHOLE_WORDS {
        return Some(format!("text={}", encode(&words)));
    }
    Some(format!(
        "text={},{}",
        encode(&words[..END_WORDS]),
        encode(&words[words.len() - END_WORDS..])
    ))
}

/// Inline Markdown read as a browser shows it: `[text](target)` and `![alt](src)` keep their
/// text, HTML tags go, and emphasis, strike-through and code marks (`*`, `_` at a word's
/// edge, `~~`, `` ` ``) go. A backslash escape shows its character.
pub fn visible_text(markdown: &str) -> String {
    let chars: Vec<char> = markdown.chars().collect();
    let mut out = String::with_capacity(markdown.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() && chars[i + 1].is_ascii_punctuation() => {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '!' if chars.get(i + 1) == Some(&'[') => {}
            '[' | '`' => {}
            ']' if chars.get(i + 1) == Some(&'(') => {
                match target_end(&chars[i + 1..]) {
                    Some(close) => i += close + 2,
                    None => i += 1,
                }
                continue;
            }
            ']' => {}
            '<' if tag_end(&chars[i..]).is_some() => {
                i += tag_end(&chars[i..]).unwrap_or(0) + 1;
                continue;
            }
            '~' if chars.get(i + 1) == Some(&'~') => {
                i += 2;
                continue;
            }
            '*' | '_' => {
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + 1).copied();
                let inside_word = before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric);
                if inside_word {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// The offset of the `)` closing a link target that opens `chars` with `(`, parentheses inside
/// it balanced (`(https://x.org/a_(b))`), within 1 KiB.
fn target_end(chars: &[char]) -> Option<usize> {
    let mut depth = 0usize;
    for (at, &c) in chars.iter().enumerate().take(1024) {
        match c {
            '(' => depth += 1,
            ')' if depth == 1 => return Some(at),
            ')' => depth = depth.saturating_sub(1),
            '\n' => return None,
            _ => {}
        }
    }
    None
}

/// The offset of the `>` closing an HTML tag that opens `chars` (`<b>`, `</a>`, `<br/>`,
/// `<a href="…">`), within 256 characters; `None` for a `<` that opens no tag (`a < b`).
fn tag_end(chars: &[char]) -> Option<usize> {
    let name_start = usize::from(chars.get(1) == Some(&'/')) + 1;
    if !chars.get(name_start).is_some_and(char::is_ascii_alphabetic) {
        return None;
    }
    chars
        .iter()
        .take(256)
        .position(|&c| c == '>')
        .filter(|&end| !chars[..end].contains(&'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_quote_is_given_whole_with_the_syntax_characters_escaped() {
        assert_eq!(
            text_directive("Rock-paper, scissors & co.", false).as_deref(),
            Some("text=Rock%2Dpaper%2C%20scissors%20%26%20co.")
        );
    }

    #[test]
    fn a_long_quote_is_given_by_its_first_and_last_words() {
        let quote = "The Taliban’s foreign ministry has rejected Iran’s claims that Daesh leaders \
                     moved to Afghanistan.";
        assert_eq!(
            text_directive(quote, false).as_deref(),
            Some("text=The%20Taliban%E2%80%99s%20foreign%20ministry,leaders%20moved%20to%20Afghanistan.")
        );
    }

    #[test]
    fn cut_marks_are_not_quoted() {
        assert_eq!(
            text_directive("…and the rest…", false).as_deref(),
            Some("text=and%20the%20rest")
        );
        assert_eq!(text_directive(" … ", false), None);
    }

    #[test]
    fn markdown_is_quoted_as_the_page_shows_it() {
        assert_eq!(
            visible_text("See [the guide](https://x.org/a_(b)) and **bold**, `code`, ~~old~~."),
            "See the guide and bold, code, old."
        );
        assert_eq!(
            visible_text("a <b>tag</b>, a < b, snake_case and *em* \\*star\\*"),
            "a tag, a < b, snake_case and em *star*"
        );
        assert_eq!(visible_text("![logo](x.png) Cargo"), "logo Cargo");
        assert_eq!(
            text_directive("Use **`cargo build`** now", true).as_deref(),
            Some("text=Use%20cargo%20build%20now")
        );
    }
}

//! Front matter and titles.
//!
//! A file may open with `---` … `---` holding `key: value` lines (`title`, `publisher`, `url`,
//! `date`); they override what is derived. Without a title there, the title is the first line
//! that reads like a headline: a few words of text, not a section label (`ASIA`), not a
//! navigation crumb (`Home / Latest / …`), not a sentence run on past headline length.

use super::clean::{self, Kind, Paragraph};
use super::markup;

/// Metadata given in front matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    /// `title:`
    pub title: Option<String>,
    /// `publisher:`
    pub publisher: Option<String>,
    /// `url:`
    pub url: Option<String>,
    /// `date:`
    pub date: Option<String>,
}

/// Splits optional front matter from the body.
///
/// - No opening `---` line: no front matter, the whole text is the body.
/// - An opening `---` without a closing one within 40 lines: an error, and the whole text is the
///   body (so nothing is lost).
pub fn split_front_matter(text: &str) -> (Result<FrontMatter, String>, &str) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (Ok(FrontMatter::default()), text);
    };
    let mut offset = 0;
    for (n, line) in rest.split_inclusive('\n').enumerate() {
        if n >= 40 {
            break;
        }
        if line.trim_end() == "---" {
            let front = parse(&rest[..offset]);
            return (front, &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    (Err("no closing `---` line".to_string()), text)
}

fn parse(block: &str) -> Result<FrontMatter, String> {
    let mut front = FrontMatter::default();
    for line in block
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    {
        // Indented lines continue a YAML list or block (`tags:` then `  - news`): not ours.
        if line.starts_with([' ', '\t', '-']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!("line `{}` is not `key: value`", line.trim()));
        };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        let value = (!value.is_empty()).then(|| value.to_string());
        match key.trim().to_ascii_lowercase().as_str() {
            "title" => front.title = value,
            "publisher" | "source" => front.publisher = value,
            "url" | "link" => front.url = value,
            "date" | "published" => front.date = value,
            _ => {}
        }
    }
    Ok(front)
}

/// The front matter fields a reader is shown or may ask about, as passages: `description`'s
/// text, and the `date` (or `published`) and `tags` lines as written (a YAML list of tags as
/// `tags: a, b`). `front` is the front matter block, `---` lines included (or empty).
pub fn shown_fields(front: &str) -> Vec<(String, Kind)> {
    let mut out = Vec::new();
    let mut lines = front.lines().skip(1).peekable();
    while let Some(line) = lines.next() {
        if line.trim_end() == "---" {
            break;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if line.starts_with([' ', '\t', '-']) {
            continue;
        }
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        match key.as_str() {
            "description" | "summary" if !value.is_empty() => {
                out.push((value.to_string(), Kind::Body));
            }
            "date" | "published" if !value.is_empty() => {
                out.push((line.trim().to_string(), Kind::Body));
            }
            "tags" | "keywords" => {
                let mut tags: Vec<String> = value
                    .trim_matches(['[', ']'])
                    .split(',')
                    .map(|t| t.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
                    .filter(|t| !t.is_empty())
                    .collect();
                while let Some(item) = lines.peek().and_then(|l| l.trim_start().strip_prefix("- "))
                {
                    tags.push(
                        item.trim()
                            .trim_matches(|c| c == '"' || c == '\'')
                            .to_string(),
                    );
                    lines.next();
                }
                if !tags.is_empty() {
                    out.push((format!("{key}: {}", tags.join(", ")), Kind::Body));
                }
            }
            _ => {}
        }
    }
    out
}

/// The level-one heading (`# Title`, `<h1>`, a line over `===`) that opens the document, as
/// Markdown documents name themselves; else the first paragraph that reads like a headline; else the opening words
/// of the first body paragraph; else the source id. Each as the page shows it, markup gone.
pub fn derive_title(paragraphs: &[Paragraph], id: &str) -> String {
    // A file named after its first line (`Black_Death.txt` opening with `Black Death`, as
    // Wikipedia exports and many document sets are) is titled by that line, however short; so
    // is one whose name numbers it first (`D1938_Raphael.txt`, `02-getting-started.md`).
    if let Some(first) = paragraphs.first().filter(|p| p.number == 1) {
        let name = id.rsplit('/').next().unwrap_or(id);
        let shown = markup::visible(&first.text);
        if clean::word_count(&shown) > 0
            && (same_letters(&shown, name) || same_letters(&shown, unnumbered(name)))
        {
            return shown;
        }
    }
    let level_one = |i: usize, p: &Paragraph| {
        markup::is_level_one(&p.text)
            || paragraphs.get(i + 1).is_some_and(|next| {
                next.number == p.number + 1 && markup::is_title_underline(&next.text)
            })
    };
    let kept = || {
        paragraphs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind != Kind::Debris)
    };
    let words = |title: &String| clean::word_count(title) > 0;
    // A level-one heading names the document when it opens it (before any body text): one
    // further down is a README's way of starting a section.
    if let Some(title) = kept()
        .take_while(|(_, p)| p.kind != Kind::Body)
        .filter(|&(i, p)| level_one(i, p))
        .map(|(_, p)| markup::visible(&p.text))
        .find(words)
    {
        return title;
    }
    // Markup aside, a headline is short: longer paragraphs are not read for one. A list item
    // is a point of the text, not its name.
    if let Some(title) = kept()
        .filter(|(_, p)| p.text.len() <= HEADLINE_SOURCE_BYTES && !clean::is_list_item(&p.text))
        .map(|(_, p)| markup::visible(&p.text))
        .find(|t| is_headline(t))
    {
        return title;
    }
    if let Some(text) = kept()
        .filter(|(_, p)| p.kind == Kind::Body)
        .map(|(_, p)| markup::visible(&p.text))
        .find(words)
    {
        return clean::first_words(&text, 12);
    }
    id.to_string()
}

/// Whether two names spell the same letters and digits, case, spaces and punctuation aside
/// (`Victoria (Australia)` and `Victoria_Australia`).
fn same_letters(a: &str, b: &str) -> bool {
    let spelled = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    spelled(a) == spelled(b)
}

/// A file name without the parts that number it at its start: `D1938_Raphael` → `Raphael`,
/// `02-getting-started` → `getting-started`, `2024-05-01-release` → `release` (a part with a
/// digit, up to a `_`, `-`, `.` or space). A name of numbers alone stays whole.
fn unnumbered(name: &str) -> &str {
    let mut rest = name;
    while let Some((part, after)) = rest.split_once(['_', '-', '.', ' ']) {
        if after.is_empty() || !part.chars().any(|c| c.is_ascii_digit()) {
            break;
        }
        rest = after;
    }
    if rest.chars().any(char::is_alphabetic) {
        rest
    } else {
        name
    }
}

/// The longest paragraph read for a headline: 160 characters shown, with room for markup.
const HEADLINE_SOURCE_BYTES: usize = 1024;

/// A headline, read in the text a page shows ([`markup::visible`]: no `#` markers left): 3 to 16
/// words, at most 160 characters, not ending like a sentence, not a crumb.
fn is_headline(text: &str) -> bool {
    let words = clean::word_count(text);
    (3..=16).contains(&words)
        && text.chars().count() <= 160
        && !clean::ends_sentence(text)
        && !clean::is_crumb(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title_of(text: &str) -> String {
        derive_title(&clean::paragraphs(text), "id")
    }

    #[test]
    fn a_markdown_document_is_named_by_the_heading_that_opens_it() {
        assert_eq!(
            title_of("[![ci][ci-badge]][ci]\n\n# Tokio\n\nA runtime for writing apps."),
            "Tokio"
        );
        assert_eq!(
            title_of("regex\n=====\n\nThis crate searches strings."),
            "regex"
        );
        assert_eq!(
            title_of("<h1 align=\"center\">Criterion.<span></span>rs</h1>\n\nBenchmarks, with statistics."),
            "Criterion.rs"
        );
        assert_eq!(
            title_of("# [hyper](https://hyper.rs)\n\nA fast HTTP library."),
            "hyper"
        );
        // A level-one heading after the opening text starts a section, not the document.
        assert_eq!(
            title_of("Iterators which split strings on word boundaries\n\nThey follow the annex.\n\n# no_std\n\nIt works without std."),
            "Iterators which split strings on word boundaries"
        );
    }

    #[test]
    fn a_first_line_that_names_the_file_is_its_title_however_short() {
        let text = "Black Death\n\nThe Black Death is thought to have originated in Asia.";
        assert_eq!(
            derive_title(&clean::paragraphs(text), "Black_Death"),
            "Black Death"
        );
        assert_eq!(
            derive_title(
                &clean::paragraphs("Victoria (Australia)\n\nIt is a state."),
                "wiki/Victoria_Australia"
            ),
            "Victoria (Australia)"
        );
        // Numbered names: the numbers are not part of the name.
        for id in [
            "D1938_Black_Death",
            "02-black-death",
            "2024-05-01-black_death",
            "x/7 Black Death",
        ] {
            assert_eq!(
                derive_title(&clean::paragraphs(text), id),
                "Black Death",
                "{id}"
            );
        }
        // Another file's first line is no title for being short, numbered or not.
        for id in ["plague", "D1938_plague", "Black_Death_2", "1938"] {
            assert_eq!(
                derive_title(&clean::paragraphs(text), id),
                "The Black Death is thought to have originated in Asia.",
                "{id}"
            );
        }
    }

    #[test]
    fn numbering_at_the_start_of_a_name_is_set_aside() {
        assert_eq!(unnumbered("D1938_Raphael"), "Raphael");
        assert_eq!(unnumbered("02-getting-started"), "getting-started");
        assert_eq!(unnumbered("2024-05-01-release-notes"), "release-notes");
        assert_eq!(unnumbered("v2.install"), "install");
        assert_eq!(unnumbered("Raphael"), "Raphael");
        assert_eq!(unnumbered("Black_Death"), "Black_Death");
        assert_eq!(unnumbered("2024-05-01"), "2024-05-01");
        assert_eq!(unnumbered("1938"), "1938");
        assert_eq!(unnumbered("D1938_"), "D1938_");
    }

    #[test]
    fn a_list_item_is_not_a_title() {
        assert_eq!(
            title_of("- Ordered and unordered stream reads for speed\n\nQuinn Transport Protocol Implementation\n\nIt is a QUIC library."),
            "Quinn Transport Protocol Implementation"
        );
    }

    #[test]
    fn a_headline_title_shows_no_markup() {
        assert_eq!(
            title_of("> **Command Line Argument Parser for Rust**\n\nParses arguments, it does."),
            "Command Line Argument Parser for Rust"
        );
    }

    #[test]
    fn front_matter_overrides_and_is_removed_from_the_body() {
        let (front, body) =
            split_front_matter("---\ntitle: \"A Title\"\nurl: https://x.org/a\n---\nBody text.\n");
        let front = front.unwrap();
        assert_eq!(front.title.as_deref(), Some("A Title"));
        assert_eq!(front.url.as_deref(), Some("https://x.org/a"));
        assert_eq!(body, "Body text.\n");
    }

    #[test]
    fn yaml_lists_in_front_matter_are_passed_over() {
        let (front, body) =
            split_front_matter("---\ntitle: Install\ntags:\n  - setup\n  - linux\n---\nText.\n");
        assert_eq!(front.unwrap().title.as_deref(), Some("Install"));
        assert_eq!(body, "Text.\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error_and_keeps_the_text() {
        let (front, body) = split_front_matter("---\ntitle: x\nBody\n");
        assert!(front.is_err());
        assert!(body.contains("Body"));
    }

    #[test]
    fn section_labels_and_crumbs_are_not_titles() {
        let paras = clean::paragraphs(
            "ASIA\n\nWhat's new\n\nHome / Latest / Taliban say US behind IS-K\n\nAfghanistan blames US for nurturing Daesh\n\nBody sentence here is long enough to be body text.\n",
        );
        assert_eq!(
            derive_title(&paras, "x"),
            "Afghanistan blames US for nurturing Daesh"
        );
    }

    #[test]
    fn a_file_of_sentences_takes_its_opening_words_as_title() {
        let paras = clean::paragraphs(
            "The foreign ministry has rejected the claims that leaders and fighters moved across the border in recent months.\n",
        );
        let title = derive_title(&paras, "x");
        assert!(title.starts_with("The foreign ministry has rejected"));
        assert!(title.ends_with('…'));
    }
}

//! Paragraphs, and scrape debris kept out of quotes.
//!
//! Text is cut into paragraphs (blank-line blocks; inside a block one line is one paragraph unless
//! the block is hard-wrapped prose, whose lines are joined). Each paragraph is then classified by
//! general rules, never by lists of strings:
//!
//! - **debris**: lines a rendered page shows nothing of (Markdown badge rows, link reference
//!   definitions, HTML wrappers and comments: [`super::markup`]), navigation crumbs
//!   (`Home / Latest / …`), counter lines (`Total: 1, Members: 0`), lines mostly of digits
//!   (dates, post counts), tag lists, and short lines (under four words) that are not sentences
//!   (`Published`, `MOST READ`, forum member cards);
//! - **headings**: short lines of words that do not end like sentences; quotable, ranked low;
//! - **body**: everything else, including every line that ends like a sentence.
//!
//! Lines repeated across many documents (site boilerplate) are dropped as well. Paragraph numbers
//! count every paragraph of the file, debris included, so they stay the same for the same file
//! whatever else is in the corpus.

use super::markup;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// What a paragraph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Article text.
    Body,
    /// A headline, section heading or caption.
    Heading,
    /// Scrape debris: never quoted.
    Debris,
}

/// A paragraph of a file, verbatim (hard-wrapped lines joined by a space).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// 1-based position among the file's paragraphs.
    pub number: u32,
    /// The text, trimmed.
    pub text: String,
    /// Its classification.
    pub kind: Kind,
    /// Its [`word_count`].
    pub words: usize,
    /// The blank-line block of the file it starts in, 1-based, as a reader counts them: blocks
    /// are separated by lines of nothing but spaces and tabs, front matter included. What `¶N`
    /// names in a citation.
    pub block: u32,
}

/// Counting blank-line blocks along a file: how many have begun, and whether the last line
/// read was blank (the next line that is not opens a new block). A block of nothing but white
/// space (no-break spaces) is not counted, as `score.py` does not count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocks {
    /// Blocks counted so far.
    pub count: u32,
    /// The last line read was blank (or nothing was read yet).
    pub after_blank: bool,
    /// The block being read has been counted (it has a line that is not white space).
    pub counted: bool,
}

impl Blocks {
    /// At the start of a file.
    pub const START: Blocks = Blocks {
        count: 0,
        after_blank: true,
        counted: false,
    };

    /// Reads one line; returns the block it is in (the last one counted, for a blank line).
    pub fn line(&mut self, line: &str) -> u32 {
        if line.trim_matches([' ', '\t']).is_empty() {
            self.after_blank = true;
        } else {
            if self.after_blank {
                self.counted = false;
                self.after_blank = false;
            }
            if !self.counted && !trim(line).is_empty() {
                self.count += 1;
                self.counted = true;
            }
        }
        self.count.max(1)
    }

    /// Reads every line of `text`.
    pub fn after(mut self, text: &str) -> Blocks {
        for line in text.lines() {
            self.line(line);
        }
        if text.ends_with("\n\n") {
            self.after_blank = true;
        }
        self
    }
}

/// White space as scraped pages have it: ASCII, no-break and other Unicode spaces.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}'
}

/// Trims every kind of white space, no-break spaces included.
pub fn trim(text: &str) -> &str {
    text.trim_matches(is_space)
}

/// Splits a file's body into numbered, classified paragraphs.
#[cfg(test)]
pub fn paragraphs(body: &str) -> Vec<Paragraph> {
    paragraphs_after(body, Blocks::START)
}

/// [`paragraphs`] of a body that follows what `blocks` counted (the file's front matter).
pub fn paragraphs_after(body: &str, mut blocks: Blocks) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    // The blank-line block the paragraphs about to be pushed start in.
    let mut at = 1;
    let mut fence: Option<Vec<&str>> = None;
    // An HTML comment over several lines (`<!-- … -->`) shows nothing: one debris paragraph.
    let mut comment: Option<Vec<&str>> = None;
    for line in body.lines() {
        let here = blocks.line(line);
        if block.is_empty() && comment.is_none() && fence.is_none() {
            at = here;
        }
        if let Some(hidden) = comment.as_mut() {
            hidden.push(line);
            if line.contains("-->") {
                push(&mut out, hidden.join("\n"), Some(Kind::Debris), at);
                comment = None;
            }
            continue;
        }
        if let Some(code) = fence.as_mut() {
            if is_fence(line) {
                push(&mut out, code.join("\n"), Some(Kind::Body), at);
                fence = None;
            } else {
                code.push(line);
            }
            continue;
        }
        if is_fence(line) {
            flush(&mut out, &mut block, at);
            at = here;
            fence = Some(Vec::new());
        } else if line.trim_start().starts_with("<!--") && !line.contains("-->") {
            flush(&mut out, &mut block, at);
            at = here;
            comment = Some(vec![line]);
        } else if trim(line).is_empty() {
            flush(&mut out, &mut block, at);
        } else {
            block.push(line);
        }
    }
    if let Some(code) = fence {
        push(&mut out, code.join("\n"), Some(Kind::Body), at);
    }
    // A comment never closed hides nothing: its lines are read as text (numbered from the
    // block it opened in: an approximation for this rare case).
    for line in comment.unwrap_or_default() {
        if trim(line).is_empty() {
            flush(&mut out, &mut block, at);
        } else {
            block.push(line);
        }
    }
    flush(&mut out, &mut block, at);
    out
}

fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

fn push(out: &mut Vec<Paragraph>, text: String, kind: Option<Kind>, block: u32) {
    // Most lines need no trimming: then the string is kept, not copied.
    let trimmed = trim(&text);
    if trimmed.is_empty() {
        return;
    }
    let text = if trimmed.len() == text.len() {
        text
    } else {
        trimmed.to_string()
    };
    let words = word_count(&text);
    let kind = kind.unwrap_or_else(|| classify_counted(&text, words));
    let number = out.len() as u32 + 1;
    out.push(Paragraph {
        number,
        text,
        kind,
        words,
        block,
    });
}

/// Turns a block of consecutive lines into paragraphs.
fn flush(out: &mut Vec<Paragraph>, block: &mut Vec<&str>, at: u32) {
    if block.is_empty() {
        return;
    }
    // A Setext heading is a line of text over a line of `=` or `-`: line by line, the text a
    // heading.
    let underlined = |i: usize| {
        block
            .get(i + 1)
            .is_some_and(|l| markup::is_title_underline(l) || markup::is_heading_underline(l))
    };
    if (0..block.len()).any(underlined) {
        for (i, line) in block.iter().enumerate() {
            let kind = (underlined(i) && word_count(line) > 0).then_some(Kind::Heading);
            push(out, line.to_string(), kind, at);
        }
    } else if is_wrapped(block) {
        let mut current = String::new();
        for line in block.iter() {
            let line = trim(line);
            if starts_item(line) && !current.is_empty() {
                push(out, std::mem::take(&mut current), None, at);
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line);
        }
        push(out, current, None, at);
    } else {
        for line in block.iter() {
            push(out, line.to_string(), None, at);
        }
    }
    block.clear();
}

/// Hard-wrapped prose: every line but the last of wrap width, most not ending a sentence.
fn is_wrapped(block: &[&str]) -> bool {
    if block.len() < 2 {
        return false;
    }
    let body = &block[..block.len() - 1];
    let width_ok = body
        .iter()
        .all(|l| (30..=120).contains(&trim(l).chars().count()));
    let open = body.iter().filter(|l| !ends_sentence(trim(l))).count();
    width_ok && open * 2 > body.len()
}

/// A list item, heading or link reference definition that starts a new paragraph inside
/// wrapped text.
fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    markup::is_reference_definition(line)
        || is_list_item(line)
        || t.starts_with('#')
        || t.starts_with('|')
}

/// A list item: `- `, `* `, `+ ` or a number and `. ` (at most three digits).
pub fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ")
        || t.starts_with("* ")
        || t.starts_with("+ ")
        || t.split_once(". ").is_some_and(|(n, _)| {
            !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit())
        })
}

/// Ends like a sentence: `.`, `!`, `?`, `…` (or `:` before a list), closing quotes aside.
pub fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(|c: char| {
        is_space(c)
            || matches!(
                c,
                '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '*' | '_' | '|'
            )
    });
    t.ends_with(['.', '!', '?', '…', ';'])
}

/// Words: runs of characters containing at least one letter.
pub fn word_count(text: &str) -> usize {
    text.split(is_space)
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// The first `n` words, with `…` when cut.
pub fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split(is_space).filter(|w| !w.is_empty()).collect();
    if words.len() <= n {
        return words.join(" ");
    }
    let cut = words[..n].join(" ");
    format!("{}…", cut.trim_end_matches([',', ';', ':', '-', '–']))
}

/// A navigation crumb: two or more ` / `, ` > `, ` » `, ` › ` or ` | ` separators (a Markdown
/// table row, which starts with `|`, is not one).
pub fn is_crumb(text: &str) -> bool {
    !text.trim_start().starts_with('|')
        && [" / ", " > ", " » ", " | ", " › "]
            .iter()
            .map(|sep| text.matches(sep).count())
            .sum::<usize>()
            >= 2
}

/// A counter line (`Total: 1, Members: 0`, thread statistics) of `words()` words (counted only
/// when it has pairs): two or more `Label: 12` pairs, and few words besides. Prose that says
/// `as follows: 1 point = 100 basis points` twice is not one.
fn is_counter_line(text: &str, words: impl FnOnce() -> usize) -> bool {
    let pairs = counter_pairs(text);
    pairs >= 2 && words() <= pairs * COUNTER_LINE_WORDS_PER_PAIR
}

/// At most this many words per `Label: 12` pair in a counter line.
const COUNTER_LINE_WORDS_PER_PAIR: usize = 6;

/// `Label: 12` pairs, as in thread statistics and counters.
fn counter_pairs(text: &str) -> usize {
    text.match_indices(": ")
        .filter(|(i, _)| {
            let before = text[..*i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic);
            let after = text[i + 2..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit());
            before && after
        })
        .count()
}

/// Debris by shape alone, whatever the format: a navigation crumb, a counter line, a line of
/// digits that is not a sentence; else body.
pub fn classify_shape(text: &str) -> Kind {
    if is_crumb(text) || is_counter_line(text, || word_count(text)) {
        return Kind::Debris;
    }
    let (mut alnum, mut digits) = (0, 0);
    for c in text.chars().filter(|c| c.is_alphanumeric()) {
        alnum += 1;
        digits += usize::from(c.is_numeric());
    }
    if alnum == 0 || (digits * 2 > alnum && !ends_sentence(text) && alnum < 12) {
        return Kind::Debris;
    }
    Kind::Body
}

/// Classifies one paragraph by its shape.
#[cfg(test)]
pub fn classify(text: &str) -> Kind {
    classify_counted(text, word_count(text))
}

/// [`classify`], given the paragraph's [`word_count`] (the marks stripped below hold no
/// letters, so they never change it).
fn classify_counted(text: &str, words: usize) -> Kind {
    let stripped = text.trim_start_matches(['#', '>', '-', '*', '+', ' ']);
    if stripped.is_empty() || is_crumb(text) || is_counter_line(text, || words) {
        return Kind::Debris;
    }
    // Markdown a page renders as nothing: a link reference definition, a row of badges, an
    // HTML wrapper.
    if markup::is_reference_definition(text)
        || (text.contains(['[', '<']) && word_count(&markup::visible(text)) == 0)
    {
        return Kind::Debris;
    }
    let sentence = ends_sentence(stripped);
    let (mut alnum, mut digits) = (0, 0);
    for c in stripped.chars().filter(|c| c.is_alphanumeric()) {
        alnum += 1;
        digits += usize::from(c.is_numeric());
    }
    if alnum == 0 || (digits * 2 > alnum && !sentence) {
        return Kind::Debris;
    }
    if !sentence
        && stripped.split(',').nth(3).is_some()
        && stripped.split(',').all(|p| word_count(p) <= 3)
    {
        return Kind::Debris;
    }
    if text.starts_with('#') || markup::is_level_one(text) {
        return Kind::Heading;
    }
    if words < 4 && !sentence {
        return Kind::Debris;
    }
    if !sentence && words <= 15 {
        return Kind::Heading;
    }
    Kind::Body
}

/// Folds a line for comparison across documents: lower case, single spaces.
pub fn fold_line(text: &str) -> String {
    text.split(is_space)
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lines with fewer words than this may be site boilerplate.
const SHORT_LINE_WORDS: usize = 10;
/// A short line in at least this many documents is site boilerplate.
const BOILERPLATE_DOCUMENTS: usize = 3;

/// A short line, folded (lower case, single spaces) and hashed: 8 bytes however long the line, so the
/// short lines of a whole corpus can wait for [`boilerplate`] without their text.
pub type LineHash = u64;

/// The [`LineHash`] of a line: its [`fold_line`], hashed by SipHash with fixed keys (the same
/// on every run; collisions are not a concern at 64 bits).
pub fn line_hash(text: &str) -> LineHash {
    let mut h = std::hash::DefaultHasher::new();
    fold_line(text).hash(&mut h);
    h.finish()
}

/// True for a paragraph that may be site boilerplate: a short line, not debris.
pub fn is_short_line(paragraph: &Paragraph) -> bool {
    paragraph.kind != Kind::Debris && paragraph.words < SHORT_LINE_WORDS
}

/// The [`LineHash`] of a paragraph that [`is_short_line`].
pub fn short_line(paragraph: &Paragraph) -> Option<LineHash> {
    is_short_line(paragraph).then(|| line_hash(&paragraph.text))
}

/// Short lines found in several documents (each document's [`short_line`]s): site
/// boilerplate.
pub fn boilerplate<D, L>(docs: D) -> HashSet<LineHash>
where
    D: IntoIterator<Item = L>,
    L: IntoIterator<Item = LineHash>,
{
    let mut seen: HashMap<LineHash, usize> = HashMap::new();
    let mut lines = Vec::new();
    for doc in docs {
        // A line counts once a document.
        lines.clear();
        lines.extend(doc);
        lines.sort_unstable();
        lines.dedup();
        for &line in &lines {
            *seen.entry(line).or_default() += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, n)| *n >= BOILERPLATE_DOCUMENTS)
        .map(|(line, _)| line)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crumb_separators_count_without_overlaps() {
        for (text, crumb) in [
            (" / / / ", true),
            (" / > / ", true),
            ("a / b", false),
            (" | | | ", false), // a table row
            (" »  » ", true),
            (" › › ", false),
            ("/ / /", false),
            (" / / ", false),
            ("| a / b / c", false),
        ] {
            assert_eq!(is_crumb(text), crumb, "{text:?}");
        }
    }

    fn kinds(text: &str) -> Vec<(String, Kind)> {
        paragraphs(text)
            .into_iter()
            .map(|p| (p.text, p.kind))
            .collect()
    }

    #[test]
    fn scrape_debris_is_recognised_by_shape() {
        for line in [
            "Published",
            "on",
            "MOST READ",
            "Exit mobile version",
            "Post a Comment",
            "0 Comments",
            "Top Bottom",
            "ASIA",
            "What's new",
            "Sep 26, 2018",
            "9,312",
            "SENIOR MEMBER",
            "Country",
            "United Kingdom",
            "Users Who Are Viewing This Thread (Total: 1, Members: 0, Guests: 1)",
            "Home / Latest / Taliban say US behind IS-K and unrest in Afghanistan",
            "Taliban, officials, ISIS, mosque, blast, Kunduz",
            "\u{a0}",
        ] {
            assert_eq!(classify(line), Kind::Debris, "{line:?} should be debris");
        }
    }

    #[test]
    fn prose_that_writes_label_colon_number_twice_is_no_counter_line() {
        let prose = "A basis point is a unit equal to one hundredth of a percentage point. \
            The relationship can be defined as: 1 basis point = 0.01%. It can be summarized \
            as follows: 1 percentage point change = 100 basis points, and a bond whose yield \
            rises from 5% to 5.5% is said to increase by 50 basis points.";
        assert_eq!(classify(prose), Kind::Body);
        assert_eq!(classify_shape(prose), Kind::Body);
        // The same pairs on a line of their own are a counter.
        assert_eq!(classify("Posts: 1,204 Joined: 2019"), Kind::Debris);
        assert_eq!(classify_shape("Posts: 1,204 Joined: 2019"), Kind::Debris);
    }

    #[test]
    fn real_sentences_are_kept_however_short() {
        for line in [
            "This explains a lot.",
            "Yes.",
            "Hate to say it, but I told you so!",
            "US needs excuses to stay in Muslim countries or to keep them destabilised so they created ISIS.",
            "Why didn't USA and their puppet regime's military take them out?",
            "It should have been very easy.",
            "The situation with ISIS-K/TTP was different as they were Pakistan's enemies and were confined to a small territory and mostly foreigners",
        ] {
            assert_eq!(classify(line), Kind::Body, "{line:?} should be body");
        }
    }

    #[test]
    fn markdown_table_rows_are_text_and_their_rules_are_not() {
        assert_eq!(
            classify("| `--sort` | Sort the listing by size, largest first. |"),
            Kind::Body
        );
        assert_eq!(classify("| --- | --- |"), Kind::Debris);
    }

    #[test]
    fn headlines_are_headings_not_debris() {
        assert_eq!(
            classify("Afghanistan blames US for nurturing Daesh"),
            Kind::Heading
        );
        assert_eq!(classify("Call for Constructive Approach"), Kind::Heading);
        assert_eq!(classify("## Install"), Kind::Heading);
    }

    #[test]
    fn numbers_count_every_paragraph_and_skip_blank_ones() {
        let paras = paragraphs("Title here for the article\n\n\u{a0}\n\nPublished\n\nFirst sentence of the body.\nSecond line of the body.\n");
        let numbers: Vec<u32> = paras.iter().map(|p| p.number).collect();
        assert_eq!(numbers, vec![1, 2, 3, 4]);
        assert_eq!(paras[1].kind, Kind::Debris);
        assert_eq!(paras[3].text, "Second line of the body.");
    }

    #[test]
    fn hard_wrapped_prose_is_joined_into_one_paragraph() {
        let text = "This paragraph was wrapped at a fixed width by an editor and\ncontinues on the next line without ending the sentence, and it\nends here.\n\n- a list item that stands alone in its own block\n";
        let got = kinds(text);
        assert_eq!(got.len(), 2);
        assert!(got[0].0.starts_with("This paragraph was wrapped"));
        assert!(got[0].0.ends_with("ends here."));
    }

    #[test]
    fn paragraphs_carry_their_word_count() {
        let text =
            "## Install it\n\n- step one, then 2\n\n```\nls -S\n```\n\nA sentence of five words.";
        for p in paragraphs(text) {
            assert_eq!(p.words, word_count(&p.text), "{:?}", p.text);
        }
    }

    #[test]
    fn code_fences_stay_whole() {
        let got = kinds("Run this:\n\n```\nls -S\nls -lh\n```\n");
        assert_eq!(got.last().unwrap().0, "ls -S\nls -lh");
        assert_eq!(got.last().unwrap().1, Kind::Body);
    }

    #[test]
    fn lines_repeated_across_three_documents_are_boilerplate() {
        let lines = |text: &str| -> Vec<LineHash> {
            paragraphs(text).iter().filter_map(short_line).collect()
        };
        let a = "Share this story with friends\n\nUnique sentence one here.\n";
        let b = "Share this story with friends\n\nUnique sentence two here.\n";
        let c = "Share   this story with friends\n\nUnique sentence three.\n";
        let all = [lines(a), lines(b), lines(c)];
        let set = boilerplate(all.iter().map(|lines| lines.iter().copied()));
        assert!(set.contains(&line_hash("share this story with friends")));
        assert_eq!(set.len(), 1);
        let shared = short_line(&paragraphs("Share this  story with friends")[0]);
        assert!(set.contains(&shared.unwrap()));
        let unique = short_line(&paragraphs(a)[1]);
        assert!(!unique.is_some_and(|line| set.contains(&line)));
        assert!(
            !boilerplate(all[..2].iter().map(|lines| lines.iter().copied()))
                .contains(&line_hash("share this story with friends"))
        );
        // A line counts once a document, however often it repeats there.
        let thrice = lines(&[a, a, a].concat());
        assert_eq!(thrice.len(), 6);
        assert!(boilerplate([thrice]).is_empty());
        // Long lines and debris are never boilerplate, however often they repeat.
        let long = "This line has many more words than any short boilerplate line may have.";
        assert_eq!(short_line(&paragraphs(long)[0]), None);
        let debris = &paragraphs("12 / 04 / 2021")[0];
        assert_eq!(debris.kind, Kind::Debris);
        assert_eq!(short_line(debris), None);
    }

    #[test]
    fn an_html_comment_hides_its_lines_unless_it_is_never_closed() {
        let text = "<!-- Copyright 2024 The Authors\n\nLicensed under the terms. -->\n\nZerocopy makes casts safe.";
        let found = paragraphs(text);
        let kinds: Vec<(Kind, &str)> = found.iter().map(|p| (p.kind, p.text.as_str())).collect();
        assert_eq!(kinds.len(), 2, "{kinds:?}");
        assert_eq!(kinds[0].0, Kind::Debris);
        assert_eq!(kinds[1], (Kind::Body, "Zerocopy makes casts safe."));
        let open = paragraphs("<!-- a stray opener\n\nThe rest of the file is still text.");
        assert!(
            open.iter()
                .any(|p| p.kind == Kind::Body && p.text == "The rest of the file is still text."),
            "{open:?}"
        );
    }

    #[test]
    fn badge_rows_link_definitions_and_html_wrappers_are_debris_and_prose_is_not() {
        let text = "[![Crates.io][crates-badge]][crates-url]\n[![MIT licensed][mit-badge]][mit-url]\n\n<div align=\"center\">\n\nTokio is a runtime for writing reliable network applications.\n\n[crates-badge]: https://img.shields.io/crates/v/tokio.svg\n[crates-url]: https://crates.io/crates/tokio\n\nUsage\n-----\n\n[page needed] Most pages cite the [book](https://example.org) twice.";
        let found = paragraphs(text);
        let kinds: Vec<(Kind, &str)> = found.iter().map(|p| (p.kind, p.text.as_str())).collect();
        let debris = |k: &Kind| *k == Kind::Debris;
        assert!(
            kinds
                .iter()
                .filter(|(_, t)| t.contains("badge") || t.starts_with('<'))
                .all(|(k, _)| debris(k)),
            "{kinds:?}"
        );
        assert!(
            kinds
                .iter()
                .filter(|(_, t)| t.starts_with("[crates"))
                .count()
                == 2,
            "{kinds:?}"
        );
        assert!(
            kinds
                .iter()
                .any(|&(k, t)| k == Kind::Heading && t == "Usage"),
            "{kinds:?}"
        );
        for prose in ["Tokio is a runtime", "[page needed]"] {
            assert!(
                kinds
                    .iter()
                    .any(|&(k, t)| k == Kind::Body && t.starts_with(prose)),
                "{prose}: {kinds:?}"
            );
        }
    }
}

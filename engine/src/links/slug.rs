//! Heading anchors: the `id` a site generator gives a heading, so a citation can link to the
//! section it quotes (`…/channel#embed-limits`). Generators differ in small ways; the corpus
//! says which rule its site follows in `sources.toml` (`anchors = "…"`).
//!
//! - `github` (the default): GitHub's rendering of Markdown, and every generator that uses
//!   `github-slugger` (Docusaurus, Astro/Starlight, Nextra): lower case, each white-space
//!   character becomes `-`, every character that is not a letter, a digit, `-` or `_` is
//!   dropped. Nothing is collapsed: `Limits & Retries` → `limits--retries`.
//! - `mdbook`: mdBook's `normalize_id`: the same, but only ASCII letters are lowered
//!   (`Ärger` keeps its `Ä`).
//! - `vitepress`: VitePress's `slugify`: accents stripped (NFKD), each run of white space and
//!   ASCII punctuation (`_` and `-` included) becomes one `-`, no `-` at either end, a leading
//!   digit gets a `_` before it, then lower case: `Limits & Retries` → `limits-retries`,
//!   `2. Setup` → `_2-setup`.
//! - `none`: no anchor; citations link to the page.
//!
//! A heading that slugs to nothing gets no anchor. Repeated headings (`-1`, `-2` suffixes) are
//! not counted: the anchor names the first heading of that text.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// How a site turns a heading into its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnchorRule {
    /// GitHub and github-slugger (Docusaurus, Starlight, Nextra).
    #[default]
    Github,
    /// mdBook.
    Mdbook,
    /// VitePress.
    Vitepress,
    /// No anchors: link to the page.
    None,
}

impl AnchorRule {
    /// The names `sources.toml` accepts, for its error messages.
    pub const NAMES: &'static str = "\"github\", \"mdbook\", \"vitepress\" or \"none\"";

    /// Reads a rule's name as `sources.toml` writes it.
    pub fn parse(name: &str) -> Option<AnchorRule> {
        match name.trim().to_ascii_lowercase().as_str() {
            "github" | "docusaurus" => Some(AnchorRule::Github),
            "mdbook" => Some(AnchorRule::Mdbook),
            "vitepress" => Some(AnchorRule::Vitepress),
            "none" => Some(AnchorRule::None),
            _ => None,
        }
    }

    /// The anchor of `heading` under this rule, without the `#`; `None` when the rule makes
    /// no anchors or the heading slugs to nothing.
    pub fn slug(self, heading: &str) -> Option<String> {
        let heading = heading.trim();
        let slug = match self {
            AnchorRule::None => return None,
            AnchorRule::Github => github(heading),
            AnchorRule::Mdbook => mdbook(heading),
            AnchorRule::Vitepress => vitepress(heading),
        };
        (!slug.is_empty()).then_some(slug)
    }
}

fn github(heading: &str) -> String {
    heading
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            c if c.is_whitespace() => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            // Combining marks belong to the letter before them (github-slugger keeps them).
            c if is_combining_mark(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn mdbook(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c.to_ascii_lowercase()),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

/// ASCII punctuation and white space VitePress replaces with `-` (its `rSpecial`), plus the
/// curly quotes it lists.
fn vitepress_special(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii_punctuation())
        || matches!(c, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}')
}

fn vitepress(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    for c in heading.nfkd() {
        if is_combining_mark(c) || c.is_control() {
            continue;
        }
        if vitepress_special(c) {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c);
        }
    }
    let trimmed = out.trim_matches('-');
    let mut slug = String::with_capacity(trimmed.len() + 1);
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        slug.push('_');
    }
    slug.extend(trimmed.chars().flat_map(char::to_lowercase));
    slug.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::AnchorRule::{self, *};

    fn slug(rule: AnchorRule, heading: &str) -> Option<String> {
        rule.slug(heading)
    }

    #[test]
    fn github_lowers_dashes_spaces_and_drops_punctuation_without_collapsing() {
        assert_eq!(
            slug(Github, "Embed Limits").as_deref(),
            Some("embed-limits")
        );
        assert_eq!(
            slug(Github, "Limits & Retries").as_deref(),
            Some("limits--retries")
        );
        assert_eq!(
            slug(Github, "What's `footer.text`?").as_deref(),
            Some("whats-footertext")
        );
        assert_eq!(
            slug(Github, "snake_case-ok").as_deref(),
            Some("snake_case-ok")
        );
        assert_eq!(slug(Github, "Über Ärger").as_deref(), Some("über-ärger"));
    }

    #[test]
    fn mdbook_lowers_only_ascii_letters() {
        assert_eq!(
            slug(Mdbook, "Hello, World!").as_deref(),
            Some("hello-world")
        );
        assert_eq!(slug(Mdbook, "Ärger & Co").as_deref(), Some("Ärger--co"));
    }

    #[test]
    fn vitepress_collapses_separators_strips_accents_and_guards_a_leading_digit() {
        assert_eq!(
            slug(Vitepress, "Limits & Retries").as_deref(),
            Some("limits-retries")
        );
        assert_eq!(
            slug(Vitepress, "  Header -- Anchors! ").as_deref(),
            Some("header-anchors")
        );
        assert_eq!(slug(Vitepress, "2. Setup").as_deref(), Some("_2-setup"));
        assert_eq!(
            slug(Vitepress, "Café snake_case").as_deref(),
            Some("cafe-snake-case")
        );
        assert_eq!(
            slug(Vitepress, "使用自定义锚点").as_deref(),
            Some("使用自定义锚点")
        );
    }

    #[test]
    fn no_anchor_for_none_or_a_heading_of_punctuation() {
        assert_eq!(slug(None, "Embed Limits"), Option::None);
        assert_eq!(slug(Github, "!!!"), Option::None);
        assert_eq!(slug(Vitepress, "---"), Option::None);
    }

    #[test]
    fn rule_names_parse_in_any_case() {
        assert_eq!(AnchorRule::parse("GitHub"), Some(Github));
        assert_eq!(AnchorRule::parse("docusaurus"), Some(Github));
        assert_eq!(AnchorRule::parse("mdbook"), Some(Mdbook));
        assert_eq!(AnchorRule::parse("vitepress"), Some(Vitepress));
        assert_eq!(AnchorRule::parse("none"), Some(None));
        assert_eq!(AnchorRule::parse("hugo"), Option::None);
    }
}

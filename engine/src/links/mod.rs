//! Citations a reader can follow: the link of a quote.
//!
//! A quote links to its document's page when the document has one: its own `url` (front
//! matter, an HTML canonical url), else the page its path maps to under a folder's `base_url`
//! in `sources.toml` ([`Sources`]). The link points at the quote's section (`#heading-anchor`,
//! with the site's [`AnchorRule`]) and carries a text fragment (`:~:text=…`, see [`fragment`])
//! so a browser scrolls to the quoted sentence and highlights it:
//! `https://discord.com/developers/docs/resources/channel#embed-limits:~:text=…`.

pub mod fragment;
mod slug;
mod sources;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Serialize, Serializer};

pub use slug::AnchorRule;
pub use sources::{PathStyle, Sources, FILE_NAME};

/// What an anchor keeps unescaped: ASCII letters, digits, `-`, `_`, `.`, `~`.
const ANCHOR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A quote's link, in parts, so a renderer short of room can drop the text fragment first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The document's page (an http(s) URL, checked).
    page: String,
    /// The section's anchor, percent-encoded, without `#`.
    anchor: Option<String>,
    /// The text directive (`text=…`), without `:~:`.
    text: Option<String>,
}

impl Link {
    /// A link to `page` (already checked to be http(s)), at the anchor of `heading` under
    /// `rule` when there is one, highlighting `quote` (read as Markdown when `markdown`).
    ///
    /// A page that already names a fragment (`…/page#part`) keeps it: no anchor is added, and
    /// the text directive follows that fragment (`#part:~:text=…`).
    pub fn new(
        page: String,
        rule: AnchorRule,
        heading: Option<&str>,
        quote: &str,
        markdown: bool,
    ) -> Link {
        let anchor = heading
            .filter(|_| !page.contains('#'))
            .and_then(|h| rule.slug(h))
            .map(|slug| utf8_percent_encode(&slug, ANCHOR).to_string());
        Link {
            page,
            anchor,
            text: fragment::text_directive(quote, markdown),
        }
    }

    /// The whole link: page, section anchor and text fragment.
    pub fn url(&self) -> String {
        self.compose(true)
    }

    /// The link without its text fragment (page and section), for where room is short.
    pub fn without_text(&self) -> String {
        self.compose(false)
    }

    /// The document's page alone.
    pub fn page(&self) -> &str {
        &self.page
    }

    fn compose(&self, text: bool) -> String {
        let mut url = self.page.clone();
        if let Some(anchor) = &self.anchor {
            url.push('#');
            url.push_str(anchor);
        }
        if let Some(directive) = self.text.as_ref().filter(|_| text) {
            if !url.contains('#') {
                url.push('#');
            }
            url.push_str(":~:");
            url.push_str(directive);
        }
        url
    }
}

/// A link is written as its whole URL (`"link": "https://…#anchor:~:text=…"` in JSON).
impl Serialize for Link {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.url())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_and_text_fragment_combine_after_one_hash() {
        let link = Link::new(
            "https://discord.com/developers/docs/resources/channel".into(),
            AnchorRule::Github,
            Some("Embed Limits"),
            "footer.text 2048 characters",
            true,
        );
        assert_eq!(
            link.url(),
            "https://discord.com/developers/docs/resources/channel#embed-limits:~:text=footer.text%202048%20characters"
        );
        assert_eq!(
            link.without_text(),
            "https://discord.com/developers/docs/resources/channel#embed-limits"
        );
        assert_eq!(
            link.page(),
            "https://discord.com/developers/docs/resources/channel"
        );
    }

    #[test]
    fn without_a_heading_the_text_fragment_follows_a_bare_hash() {
        let link = Link::new(
            "https://example.org/a".into(),
            AnchorRule::Github,
            None,
            "Some words.",
            false,
        );
        assert_eq!(link.url(), "https://example.org/a#:~:text=Some%20words.");
        assert_eq!(link.without_text(), "https://example.org/a");
    }

    #[test]
    fn a_page_with_its_own_fragment_keeps_it_and_gets_no_anchor() {
        let link = Link::new(
            "https://example.org/a#part".into(),
            AnchorRule::Github,
            Some("Other"),
            "Some words.",
            false,
        );
        assert_eq!(
            link.url(),
            "https://example.org/a#part:~:text=Some%20words."
        );
    }

    #[test]
    fn a_non_ascii_anchor_is_percent_encoded() {
        let link = Link::new(
            "https://example.org/a".into(),
            AnchorRule::Github,
            Some("Über uns"),
            "",
            false,
        );
        assert_eq!(link.url(), "https://example.org/a#%C3%BCber-uns");
    }

    #[test]
    fn a_link_serializes_as_its_whole_url() {
        let link = Link::new(
            "https://example.org/a".into(),
            AnchorRule::None,
            Some("Heading"),
            "quoted",
            false,
        );
        assert_eq!(
            serde_json::to_string(&link).unwrap(),
            "\"https://example.org/a#:~:text=quoted\""
        );
    }
}

#[cfg(test)]
mod snapshot_tests {
    use crate::{AskOptions, LoadOptions, Snapshot};

    #[test]
    fn a_snapshot_links_its_quotes_with_sources_toml_and_keeps_it_over_a_broken_reload() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("guide")).unwrap();
        std::fs::write(
            dir.path().join("guide/comets.md"),
            "# Comets\n\nThe astronomer Helga Quillmaster discovered the comet Vexaris.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("news.txt"),
            "Harbour news\n\nThe harbour of Zorblatt reopened after the storm on Tuesday.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("sources.toml"),
            "[folders.guide]\nbase_url = \"https://guide.example.org\"\n",
        )
        .unwrap();
        let options = LoadOptions::default();
        let snapshot = Snapshot::load(dir.path(), &options);
        assert!(snapshot.warnings().is_empty(), "{:?}", snapshot.warnings());
        let ask = |s: &Snapshot, q: &str| s.ask(q, &AskOptions { top: 1, offset: 0 });
        let answer = ask(&snapshot, "Who discovered the comet Vexaris?");
        assert_eq!(
            answer.quotes[0].link.as_ref().map(|l| l.url()).as_deref(),
            Some("https://guide.example.org/comets#:~:text=The%20astronomer%20Helga%20Quillmaster%20discovered%20the%20comet%20Vexaris.")
        );
        let answer = ask(&snapshot, "When did the harbour of Zorblatt reopen?");
        assert_eq!(answer.quotes[0].link, None, "outside every base_url");

        // A reload that meets a broken sources.toml keeps the links that were serving.
        std::fs::write(dir.path().join("sources.toml"), "[folders.guide\n").unwrap();
        let library = crate::Library::new(snapshot, options);
        let report = library.reload().unwrap();
        assert!(
            report
                .skipped
                .iter()
                .any(|w| w.to_string().contains("sources.toml: not loaded")),
            "{:?}",
            report.skipped
        );
        let answer = ask(&library.snapshot(), "Who discovered the comet Vexaris?");
        assert!(answer.quotes[0].link.is_some());
    }
}

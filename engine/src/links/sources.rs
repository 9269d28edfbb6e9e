//! `sources.toml`: where the documents of each folder live on the web, so citations can link
//! to them. It sits in the corpus folder beside `aliases.toml`:
//!
//! ```toml
//! # For the whole corpus (every key optional).
//! anchors = "github"        # how headings become anchors: github, mdbook, vitepress, none
//! paths = "pretty"          # how a file's path becomes its page: pretty, html, source
//!
//! [folders."developers"]
//! base_url = "https://discord.com/developers/docs/"
//!
//! [folders."book"]
//! base_url = "https://doc.rust-lang.org/book/"
//! anchors = "mdbook"
//! paths = "html"
//! ```
//!
//! A document's page is its own `url` when it has one (front matter, an HTML canonical url);
//! otherwise the `base_url` of the nearest folder above it that has one, followed by its path
//! below that folder, written as `paths` says:
//!
//! - `pretty` (the default; Docusaurus, VitePress with `cleanUrls`, Hugo, Mintlify): the
//!   extension is dropped, and an `index` or `README` file is its folder's page:
//!   `developers/resources/channel.md` → `…/docs/resources/channel`,
//!   `developers/topics/index.md` → `…/docs/topics/`;
//! - `html` (mdBook, Sphinx, VitePress by default): the extension becomes `.html`, and a
//!   `README` is `index.html`: `book/ch01-00.md` → `…/book/ch01-00.html`;
//! - `source`: the path as it is (a repository's file view: `…/blob/main/docs/a.md`).
//!
//! Every key is looked up from the document's folder up to the top: a folder without
//! `anchors` uses its parent's. A `base_url` must be an absolute `http://` or `https://` URL
//! without a query or fragment; a `/` is added at its end when it has none. A bad value is a
//! warning naming the folder and key, and that one setting is ignored; a file that cannot be
//! used at all keeps the settings that were serving.

use std::path::Path;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use url::Url;

use super::{AnchorRule, Link};
use crate::corpus::{toml_file, Document, LoadOptions, LoadWarning, WarningKind};

/// The file read from the corpus folder.
pub const FILE_NAME: &str = "sources.toml";

/// What a path segment escapes: controls, space, and the characters that would end it or
/// start a query or fragment (`#`, `?`, `%`), plus those Markdown links trip on.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'(')
    .add(b')')
    .add(b'[')
    .add(b']')
    .add(b'|')
    .add(b'\\')
    .add(b'^');

/// How a file's path becomes its page's path (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathStyle {
    /// No extension; `index` and `README` are their folder's page.
    #[default]
    Pretty,
    /// `.html` for the extension; `README` is `index.html`.
    Html,
    /// The path as it is.
    Source,
}

impl PathStyle {
    fn parse(name: &str) -> Option<PathStyle> {
        match name.trim().to_ascii_lowercase().as_str() {
            "pretty" => Some(PathStyle::Pretty),
            "html" => Some(PathStyle::Html),
            "source" => Some(PathStyle::Source),
            _ => None,
        }
    }

    /// The page path of `rel` (a `/`-separated relative file path), before escaping.
    fn page_path(self, rel: &str) -> String {
        if self == PathStyle::Source {
            return rel.to_string();
        }
        let (folder, file) = match rel.rsplit_once('/') {
            Some((folder, file)) => (Some(folder), file),
            None => (None, rel),
        };
        let stem = match file.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() => stem,
            _ => file,
        };
        let is_index = stem.eq_ignore_ascii_case("index") || stem.eq_ignore_ascii_case("readme");
        let page = match self {
            PathStyle::Pretty if is_index => String::new(),
            PathStyle::Pretty => stem.to_string(),
            _ if is_index => "index.html".to_string(),
            _ => format!("{stem}.html"),
        };
        match folder {
            Some(folder) if page.is_empty() => format!("{folder}/"),
            Some(folder) => format!("{folder}/{page}"),
            None => page,
        }
    }
}

/// The settings of one folder; `None` means "as the folder above says".
#[derive(Debug, Clone, Default, PartialEq)]
struct Folder {
    /// `/`-separated, no `/` at either end; empty for the whole corpus.
    path: String,
    base_url: Option<String>,
    anchors: Option<AnchorRule>,
    paths: Option<PathStyle>,
}

/// The settings of `sources.toml`, ready to link documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sources {
    /// Deepest folder first, so the first match is the nearest.
    folders: Vec<Folder>,
}

impl Sources {
    /// Reads `sources.toml` from the corpus folder as `aliases.toml` is read (capped, a
    /// regular file only, no link out of the folder unless the options say so).
    ///
    /// - A missing file means no settings: documents link only to their own url.
    /// - A file that cannot be used whole (not valid TOML, unreadable, over the cap, a link
    ///   outside) keeps `serving` (nothing at first start), with one warning saying why, with
    ///   the line and column of a TOML error.
    /// - A bad setting is a warning naming its folder and key; the others load.
    pub fn load_with(
        dir: &Path,
        options: &LoadOptions,
        serving: Option<&Sources>,
    ) -> (Sources, Vec<LoadWarning>) {
        let path = dir.join(FILE_NAME);
        match toml_file::read(dir, FILE_NAME, options) {
            Ok(None) => (Sources::default(), vec![]),
            Ok(Some(table)) => {
                let (sources, problems) = Sources::from_table(&table);
                let warnings = problems
                    .into_iter()
                    .map(|why| LoadWarning {
                        path: path.clone(),
                        kind: WarningKind::BadSourceSetting(why),
                    })
                    .collect();
                (sources, warnings)
            }
            Err(why) => {
                let sources = serving.cloned().unwrap_or_default();
                let warning = LoadWarning {
                    path,
                    kind: WarningKind::SourcesNotLoaded {
                        why,
                        kept_folders: sources.folders.len(),
                    },
                };
                (sources, vec![warning])
            }
        }
    }

    /// Parses the TOML text; returns the settings that are valid and a message per bad one.
    pub fn parse(source: &str) -> (Sources, Vec<String>) {
        match toml_file::syntax(source) {
            Ok(table) => Sources::from_table(&table),
            Err(why) => (Sources::default(), vec![why]),
        }
    }

    fn from_table(table: &toml::Table) -> (Sources, Vec<String>) {
        let mut problems = Vec::new();
        let mut root = toml::Table::new();
        let mut folders = Vec::new();
        for (key, value) in table {
            match (key.as_str(), value) {
                ("folders", toml::Value::Table(entries)) => {
                    for (name, settings) in entries {
                        let Some(path) = folder_path(name) else {
                            problems.push(format!(
                                "[folders.\"{name}\"]: not a folder of the corpus (a relative path without `..`)"
                            ));
                            continue;
                        };
                        match settings {
                            toml::Value::Table(settings) => folders.push(read_folder(
                                path,
                                &format!("[folders.\"{name}\"]"),
                                settings,
                                &mut problems,
                            )),
                            _ => problems.push(format!(
                                "folders.\"{name}\" must be a table ([folders.\"{name}\"])"
                            )),
                        }
                    }
                }
                ("folders", _) => {
                    problems.push("`folders` must be tables ([folders.\"name\"])".to_string())
                }
                _ => {
                    root.insert(key.clone(), value.clone());
                }
            }
        }
        if !root.is_empty() {
            folders.push(read_folder(
                String::new(),
                "top level",
                &root,
                &mut problems,
            ));
        }
        // Deepest first; a folder named twice (`a` and `a/`) keeps its first entry first.
        folders.sort_by_key(|f| std::cmp::Reverse(depth(&f.path)));
        (Sources { folders }, problems)
    }

    /// True when the file set nothing.
    pub fn is_empty(&self) -> bool {
        self.folders.is_empty()
    }

    /// The link of a quote of `doc`, or `None` when the document has no page: no own `url`
    /// (an http(s) one) and no `base_url` above it. `rel` is the document's file path relative
    /// to the corpus folder (`/`-separated, with its extension); `heading` the innermost
    /// heading above the quote, if any.
    pub fn link(
        &self,
        doc: &Document,
        rel: &str,
        heading: Option<&str>,
        quote: &str,
    ) -> Option<Link> {
        let page = doc
            .url
            .as_deref()
            .and_then(|url| web_url(url).ok())
            .or_else(|| self.page(rel))?;
        let rule = self.nearest(rel, |f| f.anchors).unwrap_or_default();
        Some(Link::new(page, rule, heading, quote, is_markdown(rel)))
    }

    /// The page `rel` maps to under the nearest `base_url` above it.
    fn page(&self, rel: &str) -> Option<String> {
        let folder = self
            .folders
            .iter()
            .find(|f| f.base_url.is_some() && below(rel, &f.path).is_some())?;
        let inside = below(rel, &folder.path)?;
        let style = self.nearest(rel, |f| f.paths).unwrap_or_default();
        let path: Vec<String> = style
            .page_path(inside)
            .split('/')
            .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
            .collect();
        let page = format!("{}{}", folder.base_url.as_deref()?, path.join("/"));
        web_url(&page).ok()
    }

    /// A setting from the nearest folder above `rel` that has it.
    fn nearest<T>(&self, rel: &str, get: impl Fn(&Folder) -> Option<T>) -> Option<T> {
        self.folders
            .iter()
            .filter(|f| below(rel, &f.path).is_some())
            .find_map(get)
    }
}

/// The settings of one folder's table; bad ones become problems and stay unset.
fn read_folder(
    path: String,
    place: &str,
    settings: &toml::Table,
    problems: &mut Vec<String>,
) -> Folder {
    let mut folder = Folder {
        path,
        ..Folder::default()
    };
    for (key, value) in settings {
        let text = value.as_str();
        match key.as_str() {
            "base_url" => match text.map(base_url) {
                Some(Ok(url)) => folder.base_url = Some(url),
                Some(Err(why)) => problems.push(format!("{place}: base_url {why}")),
                None => problems.push(format!("{place}: base_url must be a string")),
            },
            "anchors" => match text.and_then(AnchorRule::parse) {
                Some(rule) => folder.anchors = Some(rule),
                None => problems.push(format!(
                    "{place}: anchors = {value} is not one of {}",
                    AnchorRule::NAMES
                )),
            },
            "paths" => match text.and_then(PathStyle::parse) {
                Some(style) => folder.paths = Some(style),
                None => problems.push(format!(
                    "{place}: paths = {value} is not one of \"pretty\", \"html\" or \"source\""
                )),
            },
            other => problems.push(format!(
                "{place}: unknown key `{other}` (base_url, anchors and paths are read)"
            )),
        }
    }
    folder
}

/// A folder name as `sources.toml` writes it, as a clean relative path (`"."` and `""` are the
/// whole corpus); `None` for a path that leaves the corpus or is absolute.
fn folder_path(name: &str) -> Option<String> {
    let name = name.trim().replace('\\', "/");
    if name.starts_with('/') {
        return None;
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// How many folders deep `path` is (0 for the whole corpus).
fn depth(path: &str) -> usize {
    path.split('/').filter(|part| !part.is_empty()).count()
}

/// `rel` relative to `folder` when it lies inside it (the whole corpus holds everything).
fn below<'a>(rel: &'a str, folder: &str) -> Option<&'a str> {
    if folder.is_empty() {
        return Some(rel);
    }
    rel.strip_prefix(folder)?.strip_prefix('/')
}

/// A `base_url`, checked (see [`web_url`]), with no query or fragment and a `/` at its end.
fn base_url(text: &str) -> Result<String, String> {
    let url = web_url(text)?;
    if url.contains(['?', '#']) {
        return Err(format!(
            "{text:?} must not have a query (?) or fragment (#)"
        ));
    }
    Ok(if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    })
}

/// An absolute `http://` or `https://` URL with a host, as the `url` crate writes it.
fn web_url(text: &str) -> Result<String, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("{text:?} is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{text:?} is not an http:// or https:// URL"));
    }
    Ok(url.to_string())
}

/// Markdown files are quoted as written but shown rendered: their text fragment is read as the
/// page shows it.
fn is_markdown(rel: &str) -> bool {
    let ext = rel
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    matches!(ext.as_deref(), Some("md" | "mdx" | "markdown"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(url: Option<&str>) -> Document {
        Document {
            id: "x".into(),
            title: "X".into(),
            path: "x".into(),
            publisher: None,
            url: url.map(str::to_string),
            date: None,
            paragraphs: 1,
            words: 1,
            content_hash: 0,
            opening: String::new(),
        }
    }

    fn page(sources: &Sources, rel: &str) -> Option<String> {
        sources
            .link(&doc(None), rel, None, "")
            .map(|l| l.page().to_string())
    }

    const DISCORD: &str = r#"
        [folders."developers"]
        base_url = "https://discord.com/developers/docs"
    "#;

    #[test]
    fn a_docs_folder_maps_to_its_site_without_extension_or_index() {
        let (sources, problems) = Sources::parse(DISCORD);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            page(&sources, "developers/resources/channel.md").as_deref(),
            Some("https://discord.com/developers/docs/resources/channel")
        );
        assert_eq!(
            page(&sources, "developers/topics/index.mdx").as_deref(),
            Some("https://discord.com/developers/docs/topics/")
        );
        assert_eq!(
            page(&sources, "developers/README.md").as_deref(),
            Some("https://discord.com/developers/docs/")
        );
        assert_eq!(
            page(&sources, "news/a.txt"),
            None,
            "outside the folder: no page"
        );
        assert_eq!(
            page(&sources, "developers2/a.md"),
            None,
            "a folder is matched whole"
        );
    }

    #[test]
    fn html_paths_follow_mdbook_and_source_paths_stay_as_written() {
        let (sources, problems) = Sources::parse(
            r#"
            [folders."book"]
            base_url = "https://doc.rust-lang.org/book/"
            paths = "html"
            [folders."repo/docs"]
            base_url = "https://github.com/o/r/blob/main/docs/"
            paths = "source"
            "#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            page(&sources, "book/ch01-00-getting-started.md").as_deref(),
            Some("https://doc.rust-lang.org/book/ch01-00-getting-started.html")
        );
        assert_eq!(
            page(&sources, "book/README.md").as_deref(),
            Some("https://doc.rust-lang.org/book/index.html")
        );
        assert_eq!(
            page(&sources, "repo/docs/a b/c#d.md").as_deref(),
            Some("https://github.com/o/r/blob/main/docs/a%20b/c%23d.md")
        );
    }

    #[test]
    fn settings_come_from_the_nearest_folder_that_has_them() {
        let (sources, problems) = Sources::parse(
            r#"
            anchors = "vitepress"
            base_url = "https://example.org/"
            [folders."guide"]
            base_url = "https://guide.example.org/v2"
            [folders."guide/book"]
            anchors = "mdbook"
            paths = "html"
            "#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let link = |rel: &str| {
            sources
                .link(&doc(None), rel, Some("Ärger & Co"), "")
                .unwrap()
                .url()
        };
        assert_eq!(link("news/a.txt"), "https://example.org/news/a#arger-co");
        assert_eq!(
            link("guide/x.md"),
            "https://guide.example.org/v2/x#arger-co"
        );
        assert_eq!(
            link("guide/book/ch1.md"),
            "https://guide.example.org/v2/book/ch1.html#%C3%84rger--co"
        );
    }

    #[test]
    fn a_documents_own_url_wins_over_base_url() {
        let (sources, _) = Sources::parse(DISCORD);
        let own = doc(Some("https://example.org/own"));
        let link = sources
            .link(&own, "developers/a.md", Some("Intro"), "")
            .unwrap();
        assert_eq!(link.url(), "https://example.org/own#intro");
        let no_settings = Sources::default();
        assert_eq!(
            no_settings.link(&own, "a.txt", None, "").map(|l| l.url()),
            Some("https://example.org/own".to_string())
        );
        // An own url that is not http(s) is not linked; base_url serves instead.
        let bad = doc(Some("javascript:alert(1)"));
        assert_eq!(
            sources
                .link(&bad, "developers/a.md", None, "")
                .map(|l| l.url()),
            Some("https://discord.com/developers/docs/a".to_string())
        );
        assert_eq!(no_settings.link(&bad, "a.txt", None, ""), None);
    }

    #[test]
    fn bad_settings_are_named_and_the_rest_load() {
        let (sources, problems) = Sources::parse(
            r#"
            colour = "blue"
            [folders."a"]
            base_url = "ftp://example.org/"
            [folders."b"]
            base_url = "https://example.org/b?x=1"
            anchors = "hugo"
            [folders."../etc"]
            base_url = "https://example.org/"
            [folders."c"]
            base_url = "https://example.org/c/"
            paths = 3
            "#,
        );
        assert_eq!(problems.len(), 6, "{problems:#?}");
        let all = problems.join("\n");
        assert!(all.contains("top level: unknown key `colour`"), "{all}");
        assert!(all.contains("[folders.\"a\"]: base_url \"ftp://example.org/\" is not an http:// or https:// URL"), "{all}");
        assert!(
            all.contains("[folders.\"b\"]: base_url") && all.contains("query"),
            "{all}"
        );
        assert!(all.contains("anchors = \"hugo\" is not one of"), "{all}");
        assert!(
            all.contains("[folders.\"../etc\"]: not a folder of the corpus"),
            "{all}"
        );
        assert!(
            all.contains("[folders.\"c\"]: paths = 3 is not one of"),
            "{all}"
        );
        assert_eq!(page(&sources, "a/x.md"), None);
        assert_eq!(
            page(&sources, "c/x.md").as_deref(),
            Some("https://example.org/c/x")
        );
    }

    #[test]
    fn an_unusable_file_keeps_the_serving_settings_with_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), DISCORD).unwrap();
        let options = LoadOptions::default();
        let (first, warnings) = Sources::load_with(dir.path(), &options, None);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(!first.is_empty());
        std::fs::write(dir.path().join(FILE_NAME), "[folders.\"a\"\nbase_url = 1\n").unwrap();
        let (kept, warnings) = Sources::load_with(dir.path(), &options, Some(&first));
        assert_eq!(kept, first);
        assert_eq!(warnings.len(), 1);
        let text = warnings[0].to_string();
        assert!(text.contains("sources.toml"), "{text}");
        assert!(text.contains("line 1, column"), "{text}");
        assert!(
            text.contains("the 1 folder setting that was serving is kept"),
            "{text}"
        );
        std::fs::remove_file(dir.path().join(FILE_NAME)).unwrap();
        let (none, warnings) = Sources::load_with(dir.path(), &options, Some(&first));
        assert!(none.is_empty() && warnings.is_empty());
    }

    #[test]
    fn text_fragments_read_markdown_files_as_rendered() {
        let (sources, _) = Sources::parse(DISCORD);
        let link = sources
            .link(&doc(None), "developers/a.md", None, "Use **bold** words")
            .unwrap();
        assert_eq!(
            link.url(),
            "https://discord.com/developers/docs/a#:~:text=Use%20bold%20words"
        );
        let plain = Sources::parse("base_url = \"https://e.org/\"").0;
        let link = plain
            .link(&doc(None), "a.txt", None, "Use **bold** words")
            .unwrap();
        assert_eq!(
            link.url(),
            "https://e.org/a#:~:text=Use%20%2A%2Abold%2A%2A%20words"
        );
    }
}

//! HTML through html5ever (the `scraper` crate): the main content as a reader sees it.
//!
//! - Never text: `nav`, `header`, `footer`, `aside`, `script`, `style`, `form`, `noscript`,
//!   `template`, `svg`, `button`, `iframe`, and anything `hidden` or `aria-hidden="true"`.
//! - The main content is the `<main>`, `<article>` or `role="main"` element holding the most
//!   text (a readability-style choice), else `<body>`.
//! - `<h1>`…`<h6>` open sections; the title is `<title>` (else the first heading); the
//!   document's url is `<link rel="canonical">`, else `<meta property="og:url">`.
//! - Paragraphs, list items, table rows (`cell · cell`), `<pre>` blocks and definition terms are
//!   blocks, numbered in reading order: a citation's `¶N` is the N-th block of the main content.

use scraper::{ElementRef, Html, Node, Selector};

use super::clean::Kind;
use super::format::{paragraph_kind, Builder, ListItem, Structured};

/// Elements whose content is never the page's text.
const SKIP: [&str; 16] = [
    "nav", "header", "footer", "aside", "script", "style", "form", "noscript", "template", "svg",
    "button", "iframe", "head", "select", "canvas", "dialog",
];

/// Deeper nesting than this is not read (a hostile page cannot exhaust the stack).
const MAX_DEPTH: usize = 256;

/// Reads an HTML page.
pub fn read(text: &str) -> Structured {
    let page = Html::parse_document(text);
    let mut reader = Reader {
        builder: Builder::default(),
        place: 0,
    };
    let select = |css: &str| Selector::parse(css).expect("a valid selector");
    if let Some(title) = page.select(&select("title")).next() {
        reader.builder.title(title.text().collect());
    }
    let url = page
        .select(&select("link[rel~=canonical]"))
        .find_map(|l| l.value().attr("href"))
        .or_else(|| {
            page.select(&select("meta[property=\"og:url\"]"))
                .find_map(|m| m.value().attr("content"))
        });
    if let Some(url) = url {
        reader.builder.url(url.to_string());
    }
    let main = page
        .select(&select("main, article, [role=main]"))
        .filter(|e| !skipped(e))
        .max_by_key(|e| text_len(*e, 0))
        .or_else(|| page.select(&select("body")).next())
        .unwrap_or_else(|| page.root_element());
    reader.blocks(main, 0);
    reader.builder.finish()
}

fn skipped(e: &ElementRef<'_>) -> bool {
    let v = e.value();
    SKIP.contains(&v.name()) || v.attr("hidden").is_some() || v.attr("aria-hidden") == Some("true")
}

/// Letters of text an element shows.
fn text_len(e: ElementRef<'_>, depth: usize) -> usize {
    if depth > MAX_DEPTH {
        return 0;
    }
    e.children()
        .map(|child| match child.value() {
            Node::Text(t) => t.chars().filter(|c| c.is_alphanumeric()).count(),
            Node::Element(_) => ElementRef::wrap(child)
                .filter(|c| !skipped(c))
                .map_or(0, |c| text_len(c, depth + 1)),
            _ => 0,
        })
        .sum()
}

/// Inline text being gathered, with its letters inside and outside links.
#[derive(Default)]
struct Inline {
    text: String,
    links: (usize, usize),
}

impl Inline {
    fn push(&mut self, text: &str, in_link: bool) {
        let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
        if in_link {
            self.links.0 += letters;
        } else {
            self.links.1 += letters;
        }
        self.text.push_str(text);
    }

    /// Adds an element's inline text (lists inside it left out when `lists` is false).
    fn element(&mut self, e: ElementRef<'_>, in_link: bool, lists: bool, depth: usize) {
        if depth > MAX_DEPTH || skipped(&e) {
            return;
        }
        let in_link = in_link || e.value().name() == "a";
        for child in e.children() {
            match child.value() {
                Node::Text(t) => self.push(t, in_link),
                Node::Element(el) => {
                    let name = el.name();
                    if name == "br" {
                        self.text.push('\n');
                    } else if !lists && matches!(name, "ul" | "ol") {
                        continue;
                    } else if let Some(c) = ElementRef::wrap(child) {
                        let block = is_block(name);
                        if block {
                            self.text.push(' ');
                        }
                        self.element(c, in_link, lists, depth + 1);
                        if block {
                            self.text.push(' ');
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "li"
            | "ul"
            | "ol"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "pre"
            | "blockquote"
            | "dl"
            | "dt"
            | "dd"
            | "figure"
            | "figcaption"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "details"
            | "summary"
            | "article"
            | "main"
            | "hr"
    )
}

struct Reader {
    builder: Builder,
    /// Blocks so far: the place of the next.
    place: u32,
}

impl Reader {
    fn next_place(&mut self) -> u32 {
        self.place += 1;
        self.place
    }

    fn paragraph(&mut self, inline: Inline) {
        let text = super::format::collapse(&inline.text);
        if text.is_empty() {
            return;
        }
        let kind = if inline.links.0 > 0 && inline.links.1 == 0 {
            Kind::Debris
        } else {
            paragraph_kind(&text)
        };
        let place = self.next_place();
        self.builder.block(text, kind, place);
    }

    /// Reads the blocks of an element.
    fn blocks(&mut self, e: ElementRef<'_>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut inline = Inline::default();
        for child in e.children() {
            let el = match child.value() {
                Node::Text(t) => {
                    inline.push(t, false);
                    continue;
                }
                Node::Element(el) => el,
                _ => continue,
            };
            let Some(c) = ElementRef::wrap(child) else {
                continue;
            };
            if skipped(&c) {
                continue;
            }
            let name = el.name();
            if !is_block(name) {
                if name == "br" {
                    inline.text.push('\n');
                } else {
                    inline.element(c, name == "a", true, depth + 1);
                }
                continue;
            }
            self.paragraph(std::mem::take(&mut inline));
            match name {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                    let level = name[1..].parse().unwrap_or(6);
                    let mut text = Inline::default();
                    text.element(c, false, true, depth + 1);
                    let place = self.next_place();
                    self.builder.heading(level, &text.text, place);
                }
                "p" | "dt" | "dd" | "figcaption" | "summary" => {
                    let mut text = Inline::default();
                    text.element(c, false, true, depth + 1);
                    self.paragraph(text);
                }
                "pre" => {
                    let code: String = c.text().collect();
                    let place = self.next_place();
                    self.builder.block(code, Kind::Body, place);
                }
                "ul" | "ol" => {
                    let mut items = Vec::new();
                    self.list_items(c, 0, &mut items, depth + 1);
                    self.builder.list(items);
                }
                "table" => self.table(c),
                "hr" => {}
                _ => self.blocks(c, depth + 1),
            }
        }
        self.paragraph(inline);
    }

    fn list_items(
        &mut self,
        list: ElementRef<'_>,
        level: usize,
        out: &mut Vec<ListItem>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let ordered = list.value().name() == "ol";
        let mut n = list
            .value()
            .attr("start")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(1);
        for li in list.children().filter_map(ElementRef::wrap) {
            if li.value().name() != "li" || skipped(&li) {
                continue;
            }
            let mut text = Inline::default();
            text.element(li, false, false, depth + 1);
            let marker = if ordered {
                n += 1;
                format!("{}.", n - 1)
            } else {
                "-".to_string()
            };
            let place = self.next_place();
            out.push(ListItem {
                marker,
                depth: level,
                text: text.text,
                links: text.links,
                place,
            });
            for nested in li.children().filter_map(ElementRef::wrap) {
                if matches!(nested.value().name(), "ul" | "ol") {
                    self.list_items(nested, level + 1, out, depth + 1);
                }
            }
        }
    }

    fn table(&mut self, table: ElementRef<'_>) {
        let rows = Selector::parse("tr").expect("a valid selector");
        let mut header = false;
        for row in table.select(&rows) {
            let cells: Vec<(bool, String)> = row
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(|c| {
                    let mut text = Inline::default();
                    text.element(c, false, true, 0);
                    (c.value().name() == "th", text.text)
                })
                .collect();
            if cells.is_empty() {
                continue;
            }
            let texts: Vec<String> = cells.iter().map(|(_, t)| t.clone()).collect();
            let place = self.next_place();
            if !header && cells.iter().all(|(th, _)| *th) {
                header = true;
                self.builder.table_header(&texts, place);
            } else {
                self.builder.table_row(&texts, place);
            }
        }
        self.builder.table_end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_content_headings_tables_and_metadata() {
        let page = r#"<!doctype html><html><head><title>Embeds · Docs</title>
<link rel="canonical" href="https://example.org/docs/embeds">
<style>.x { color: red }</style><script>var secret = 1;</script></head>
<body><header><a href="/">Home</a> Site banner words</header>
<nav><ul><li><a href="/a">Guide</a></li><li><a href="/b">Reference</a></li></ul></nav>
<main><h1>Embed</h1><p>Embeds show <b>rich</b> content in a message.</p>
<h2>Embed Limits</h2><p>Limits apply to:</p><ul><li>titles</li><li>footers</li></ul>
<table><tr><th>Field</th><th>Limit</th></tr><tr><td>footer.text</td><td>2048 characters</td></tr></table>
</main><aside>Related: other pages</aside><footer>Copyright footer text</footer></body></html>"#;
        let doc = read(page);
        assert_eq!(doc.title.as_deref(), Some("Embeds · Docs"));
        assert_eq!(doc.url.as_deref(), Some("https://example.org/docs/embeds"));
        let texts: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Embed",
                "Embeds show rich content in a message.",
                "Embed Limits",
                "Limits apply to:\n- titles\n- footers",
                "Field · Limit",
                "footer.text · 2048 characters",
            ]
        );
        let row = doc.blocks[5].section.unwrap() as usize;
        assert_eq!(doc.sections[row].path, "Embed › Embed Limits");
        for never in ["secret", "banner", "Guide", "Related", "Copyright", "color"] {
            assert!(!texts.iter().any(|t| t.contains(never)), "{never}");
        }
    }
}

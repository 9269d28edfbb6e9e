//! Markdown and MDX through one CommonMark parser (pulldown-cmark, with GitHub's tables, task
//! lists, strikethrough, footnotes and alerts, and definition lists).
//!
//! What a reader of the rendered page sees is what is quoted: link text without its url, code
//! spans with their backticks, no emphasis marks, no images, no HTML tags or comments, no link
//! reference definitions. Headings open sections; a table is read row by row (`cell · cell`); a
//! list stays with the paragraph that introduces it (`…:`) when they fit in one passage, else
//! each item is a passage; an admonition (`> [!NOTE]`, `:::note`, `<Note>`) keeps its label.
//! mdBook's `{{#include …}}` directives and a table of contents (items and paragraphs that are
//! only links) are debris.
//!
//! MDX is masked before parsing, byte for byte so that offsets still name the file's blank-line
//! blocks ([`mask_mdx`]): ESM `import`/`export` blocks and `{…}` expressions become spaces, JSX
//! tags become spaces (an admonition component's opening tag its label, `Note:`), and the
//! indentation of a component's children moves to the end of the line (MDX has no indented
//! code), so the children read as the Markdown they are.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::clean::Kind;
use super::format::{paragraph_kind, Builder, ListItem, Places, Structured};

/// Reads a Markdown (or, `mdx`, MDX) body; `offset` is where `body` starts in `file` (after
/// its front matter), whose blank-line blocks name the places.
pub fn read(file: &str, offset: usize, mdx: bool) -> Structured {
    let body = &file[offset..];
    let masked;
    let source = if mdx {
        masked = mask_mdx(body);
        masked.as_str()
    } else {
        body
    };
    let places = Places::new(file);
    let mut reader = Reader {
        builder: Builder::default(),
        places: &places,
        offset,
        text: String::new(),
        links: (0, 0),
        in_image: 0,
        in_link: 0,
        items: Vec::new(),
        finished: Vec::new(),
        lists: Vec::new(),
        label: None,
        cells: Vec::new(),
        in_head: false,
        table_place: 0,
        code: None,
        html: None,
        start: 0,
        term: None,
        definition: false,
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_HEADING_ATTRIBUTES;
    // A reference whose definition is missing (a README cut from its badges' definitions)
    // reads as a link without a url: its text is shown, an image in it is not.
    let missing = |_: pulldown_cmark::BrokenLink<'_>| Some((CowStr::from(""), CowStr::from("")));
    let parser = Parser::new_with_broken_link_callback(source, options, Some(missing));
    for (event, range) in parser.into_offset_iter() {
        reader.event(event, range.start);
    }
    reader.builder.finish()
}

struct Reader<'a> {
    builder: Builder,
    places: &'a Places,
    offset: usize,
    /// Inline text of the leaf being read.
    text: String,
    /// Letters inside and outside links in `text`.
    links: (usize, usize),
    in_image: usize,
    in_link: usize,
    /// The open items: indexes in `finished`.
    items: Vec<usize>,
    /// The items of the open top-level list, in order (nested ones after their parent).
    finished: Vec<ListItem>,
    /// Open lists: the next number of an ordered one.
    lists: Vec<Option<u64>>,
    /// An admonition's label for the next block.
    label: Option<String>,
    cells: Vec<String>,
    in_head: bool,
    table_place: u32,
    /// A code block's text while it is read.
    code: Option<String>,
    /// An HTML block's text while it is read.
    html: Option<String>,
    /// Where the leaf being read starts.
    start: usize,
    /// A definition list's term, until its definition.
    term: Option<String>,
    /// A definition is being read.
    definition: bool,
}

impl Reader<'_> {
    fn place(&self, at: usize) -> u32 {
        self.places.at(self.offset + at)
    }

    fn event(&mut self, event: Event<'_>, at: usize) {
        if let Some(code) = self.code.as_mut() {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let code = self.code.take().unwrap_or_default();
                    self.code_block(code);
                }
                _ => {}
            }
            return;
        }
        if let Some(html) = self.html.as_mut() {
            match event {
                Event::Html(t) | Event::Text(t) => html.push_str(&t),
                Event::End(TagEnd::HtmlBlock) => {
                    let html = self.html.take().unwrap_or_default();
                    let text = html_text(&html);
                    self.text.push_str(&text);
                    self.links.1 += text.chars().filter(|c| c.is_alphanumeric()).count();
                    self.leaf();
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, at),
            Event::End(end) => self.end(end),
            Event::Text(t) => self.push_text(&t),
            Event::Code(t) => {
                self.push_text("`");
                self.push_text(&t);
                self.push_text("`");
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push_text(&t),
            Event::SoftBreak => self.push_text("\n"),
            Event::HardBreak => self.push_text("\n"),
            Event::TaskListMarker(done) => self.push_text(if done { "[x] " } else { "[ ] " }),
            Event::Html(t) => {
                let text = html_text(&t);
                self.push_text(&text);
            }
            Event::FootnoteReference(_) | Event::InlineHtml(_) | Event::Rule => {}
        }
    }

    fn push_text(&mut self, text: &str) {
        if self.in_image > 0 {
            return;
        }
        if self.text.is_empty() {
            self.links = (0, 0);
        }
        let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
        if self.in_link > 0 {
            self.links.0 += letters;
        } else {
            self.links.1 += letters;
        }
        self.text.push_str(text);
    }

    fn start(&mut self, tag: Tag<'_>, at: usize) {
        match tag {
            Tag::Paragraph | Tag::Heading { .. } | Tag::DefinitionListTitle
                if self.items.is_empty() && !self.definition =>
            {
                self.start = at;
            }
            Tag::DefinitionListDefinition => {
                self.start = at;
                self.definition = true;
            }
            Tag::BlockQuote(kind) => {
                self.label = kind.map(|k| {
                    match k {
                        BlockQuoteKind::Note => "Note",
                        BlockQuoteKind::Tip => "Tip",
                        BlockQuoteKind::Important => "Important",
                        BlockQuoteKind::Warning => "Warning",
                        BlockQuoteKind::Caution => "Caution",
                    }
                    .to_string()
                });
            }
            Tag::CodeBlock(_) => {
                self.flush_item_text();
                self.start = at;
                self.code = Some(String::new());
            }
            Tag::HtmlBlock => {
                self.start = at;
                self.html = Some(String::new());
            }
            Tag::List(first) => {
                self.flush_item_text();
                self.lists.push(first);
            }
            Tag::Item => {
                self.flush_item_text();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.", *n - 1)
                    }
                    _ => "-".to_string(),
                };
                self.text.clear();
                self.items.push(self.finished.len());
                self.finished.push(ListItem {
                    marker,
                    depth,
                    text: String::new(),
                    links: (0, 0),
                    place: self.place(at),
                });
            }
            Tag::Table(_) => self.table_place = self.place(at),
            Tag::TableHead => {
                self.in_head = true;
                self.cells.clear();
            }
            Tag::TableRow => {
                self.cells.clear();
                self.table_place = self.place(at);
            }
            Tag::TableCell => self.text.clear(),
            Tag::Link { .. } => self.in_link += 1,
            Tag::Image { .. } => self.in_image += 1,
            _ => {}
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Heading(level) => {
                let text = std::mem::take(&mut self.text);
                let place = self.place(self.start);
                self.builder
                    .heading(level as u8, &strip_directives(&text), place);
            }
            TagEnd::Paragraph => {
                if self.items.is_empty() && !self.definition {
                    self.leaf();
                } else if self.definition {
                    self.text.push(' ');
                }
            }
            TagEnd::DefinitionListTitle => {
                self.term = Some(std::mem::take(&mut self.text));
            }
            TagEnd::DefinitionListDefinition => {
                let definition = std::mem::take(&mut self.text);
                // A `:::` line closing a container reads as a definition (`: ::`): the term
                // is the container's text.
                let closing = definition.trim().chars().all(|c| c == ':');
                let text = match self.term.take() {
                    Some(term) if closing => term,
                    Some(term) => format!("{}: {}", term.trim(), definition.trim()),
                    None => definition,
                };
                self.text = text;
                self.definition = false;
                self.leaf();
            }
            TagEnd::BlockQuote(_) => self.label = None,
            TagEnd::Item => {
                self.flush_item_text();
                self.items.pop();
            }
            TagEnd::List(_) => {
                self.lists.pop();
                if self.lists.is_empty() {
                    self.list_done();
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.text);
                self.cells.push(super::format::collapse(&cell));
            }
            TagEnd::TableHead => {
                self.in_head = false;
                let cells = std::mem::take(&mut self.cells);
                self.builder.table_header(&cells, self.table_place);
            }
            TagEnd::TableRow => {
                let cells = std::mem::take(&mut self.cells);
                self.builder.table_row(&cells, self.table_place);
            }
            TagEnd::Table => self.builder.table_end(),
            TagEnd::Link => self.in_link = self.in_link.saturating_sub(1),
            TagEnd::Image => self.in_image = self.in_image.saturating_sub(1),
            _ => {}
        }
    }
}

/// Admonition labels a component or a `:::` container may carry.
const ADMONITIONS: [&str; 11] = [
    "Note",
    "Tip",
    "Info",
    "Warning",
    "Caution",
    "Danger",
    "Important",
    "Callout",
    "Check",
    "Alert",
    "Success",
];

impl Reader<'_> {
    /// Moves the inline text read so far into the open item.
    fn flush_item_text(&mut self) {
        let Some(&top) = self.items.last() else {
            return;
        };
        if self.text.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.text);
        let item = &mut self.finished[top];
        if !item.text.is_empty() {
            item.text.push(' ');
        }
        item.text.push_str(&text);
        item.links.0 += self.links.0;
        item.links.1 += self.links.1;
        self.links = (0, 0);
    }

    /// A paragraph (or HTML block, or definition) outside lists is done.
    fn leaf(&mut self) {
        if !self.items.is_empty() {
            self.flush_item_text();
            return;
        }
        let text = strip_directives(&std::mem::take(&mut self.text));
        let links = std::mem::take(&mut self.links);
        let mut lines: Vec<&str> = text.lines().collect();
        // `:::note` … `:::` containers (Docusaurus, VitePress): the label is kept.
        if let Some(first) = lines.first().map(|l| l.trim()) {
            if let Some(rest) = first.strip_prefix(":::") {
                let word: String = rest
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric())
                    .collect();
                if !word.is_empty() {
                    self.label = Some(capitalized(&word));
                }
                lines.remove(0);
            }
        }
        lines.retain(|l| l.trim() != ":::");
        let text = super::format::collapse(&lines.join(" "));
        if text.is_empty() {
            return;
        }
        // A component's label standing alone (`<Note>` then a blank line) labels what follows.
        if let Some(word) = text.strip_suffix(':') {
            if ADMONITIONS.contains(&word) {
                self.label = Some(word.to_string());
                return;
            }
        }
        let kind = if links.0 > 0 && links.1 == 0 {
            // Only link text: a table of contents, a row of navigation.
            Kind::Debris
        } else {
            paragraph_kind(&text)
        };
        let text = match self.label.take() {
            Some(label) if !text.starts_with(&format!("{label}:")) => format!("{label}: {text}"),
            _ => text,
        };
        let place = self.place(self.start);
        self.builder.block(text, kind, place);
    }

    fn code_block(&mut self, code: String) {
        let code: Vec<&str> = code.lines().filter(|l| !is_directive(l.trim())).collect();
        let code = code.join("\n");
        if code.trim().is_empty() {
            return;
        }
        if let Some(&top) = self.items.last() {
            let item = &mut self.finished[top];
            item.text.push('\n');
            item.text.push_str(code.trim_end());
            return;
        }
        let place = self.place(self.start);
        self.builder.block(code, Kind::Body, place);
    }

    /// A top-level list is done.
    fn list_done(&mut self) {
        let items = std::mem::take(&mut self.finished);
        let items = items
            .into_iter()
            .map(|item| ListItem {
                text: strip_directives(&item.text),
                ..item
            })
            .collect();
        self.builder.list(items);
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// An mdBook directive: `{{#include …}}`, `{{#rustdoc_include …}}`, `{{#playground …}}`.
fn is_directive(text: &str) -> bool {
    text.starts_with("{{#") && text.ends_with("}}")
}

/// Text with its mdBook directives taken out.
fn strip_directives(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{#") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// The text of an HTML block as a page shows it: comments and tags gone, the common entities
/// decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = if after.starts_with("<!--") {
            after.find("-->").map(|e| e + 3)
        } else if after[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!')
        {
            after.find('>').map(|e| e + 1)
        } else {
            out.push('<');
            rest = &after[1..];
            continue;
        };
        match end {
            Some(end) => {
                out.push(' ');
                rest = &after[end..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// What is being skipped across lines of MDX.
enum Open {
    /// A JSX tag: its quote, if inside one, its brace depth, whether it closes, its name.
    Tag {
        quote: Option<u8>,
        braces: usize,
        closing: bool,
        name: String,
        indent: usize,
    },
    /// A `{…}` expression, by brace depth.
    Expression(usize),
}

/// MDX read as Markdown, byte length kept line by line (see the module's notes).
pub fn mask_mdx(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<(char, usize)> = None;
    let mut esm = false;
    let mut open: Option<Open> = None;
    // Open components: their tag's indentation and their children's.
    let mut components: Vec<(usize, Option<usize>)> = Vec::new();
    for raw in body.split_inclusive('\n') {
        let line = raw.trim_end_matches('\n');
        let newline = &raw[line.len()..];
        if let Some((c, n)) = fence {
            let dedented = dedent(line, &mut components, true);
            let t = dedented.trim_start();
            if t.starts_with(&c.to_string().repeat(n)) && t.trim_start_matches(c).trim().is_empty()
            {
                fence = None;
            }
            out.push_str(&dedented);
            out.push_str(newline);
            continue;
        }
        if open.is_none() && components.is_empty() && !esm {
            esm = line.starts_with("import ") || line.starts_with("export ");
        }
        if esm {
            if line.trim().is_empty() {
                esm = false;
            }
            out.push_str(&" ".repeat(line.len()));
            out.push_str(newline);
            continue;
        }
        let kept = mask_line(line, &mut open, &mut components);
        let dedented = dedent(&kept, &mut components, false);
        let t = dedented.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            let c = t.chars().next().unwrap_or('`');
            fence = Some((c, t.chars().take_while(|&x| x == c).count()));
        }
        out.push_str(&dedented);
        out.push_str(newline);
    }
    debug_assert_eq!(out.len(), body.len());
    out
}

/// A line's leading spaces, up to its component's children's indentation, moved to its end.
fn dedent(line: &str, components: &mut [(usize, Option<usize>)], in_code: bool) -> String {
    let Some((_, children)) = components.last_mut() else {
        return line.to_string();
    };
    let leading = line.len() - line.trim_start_matches(' ').len();
    if line.trim().is_empty() {
        return line.to_string();
    }
    if children.is_none() && !in_code {
        *children = Some(leading);
    }
    let cut = leading.min(children.unwrap_or(0));
    format!("{}{}", &line[cut..], " ".repeat(cut))
}

/// One line of MDX with its JSX tags and expressions taken out (an admonition component's
/// opening tag becomes its label), padded with spaces to its length.
fn mask_line(
    line: &str,
    open: &mut Option<Open>,
    components: &mut Vec<(usize, Option<usize>)>,
) -> String {
    let bytes = line.as_bytes();
    let indent = line.len() - line.trim_start().len();
    let mut kept = String::with_capacity(line.len());
    let mut i = 0;
    let mut code = false;
    let mut from = 0;
    while i < bytes.len() {
        if let Some(state) = open.as_mut() {
            let b = bytes[i];
            i += 1;
            let done = match state {
                Open::Tag {
                    quote,
                    braces,
                    closing,
                    name,
                    indent,
                } => {
                    match (*quote, b) {
                        (Some(q), _) if b == q => *quote = None,
                        (Some(_), _) => {}
                        (None, b'"' | b'\'') if *braces == 0 => *quote = Some(b),
                        (None, b'{') => *braces += 1,
                        (None, b'}') => *braces = braces.saturating_sub(1),
                        (None, b'>') if *braces == 0 => {
                            let self_closing = i >= 2 && bytes[i - 2] == b'/';
                            if *closing {
                                components.pop();
                            } else if !self_closing {
                                components.push((*indent, None));
                                if ADMONITIONS.contains(&name.as_str()) {
                                    kept.push_str(name);
                                    kept.push(':');
                                }
                            }
                            from = i;
                            *quote = Some(0); // marks done below
                        }
                        _ => {}
                    }
                    *quote == Some(0)
                }
                Open::Expression(depth) => {
                    match b {
                        b'{' => *depth += 1,
                        b'}' => *depth -= 1,
                        _ => {}
                    }
                    if *depth == 0 {
                        from = i;
                    }
                    *depth == 0
                }
            };
            if done {
                *open = None;
            }
            continue;
        }
        let b = bytes[i];
        if b == b'`' {
            code = !code;
        } else if !code && b == b'<' {
            let next = bytes.get(i + 1).copied().unwrap_or(b' ');
            if next.is_ascii_alphabetic() || next == b'/' || next == b'>' {
                kept.push_str(&line[from..i]);
                let closing = next == b'/';
                let name: String = line[i + 1 + usize::from(closing)..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
                    .collect();
                *open = Some(Open::Tag {
                    quote: None,
                    braces: 0,
                    closing,
                    name,
                    indent,
                });
                i += 1;
                continue;
            }
        } else if !code && b == b'{' {
            kept.push_str(&line[from..i]);
            *open = Some(Open::Expression(1));
            i += 1;
            continue;
        }
        i += 1;
    }
    if open.is_none() {
        kept.push_str(&line[from.min(line.len())..]);
    }
    let pad = line.len().saturating_sub(kept.len());
    kept.push_str(&" ".repeat(pad));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(doc: &Structured) -> Vec<(String, Option<String>)> {
        doc.blocks
            .iter()
            .filter(|b| b.kind != Kind::Debris)
            .map(|b| {
                (
                    b.text.clone(),
                    b.section.map(|s| doc.sections[s as usize].path.clone()),
                )
            })
            .collect()
    }

    #[test]
    fn mdx_imports_props_and_expressions_are_not_text_and_children_are() {
        let body = "import { Card } from '/snippets/card.mdx'\nexport const x = 1\n\n# Embed\n\n<Card title=\"Secret prop\" href=\"/x\">\n  The card's own words.\n</Card>\n\n{/* a comment */}\n\n<Note>\n  Embeds are limited.\n</Note>\n\n## Embed Limits\n\n| Field | Limit |\n| --- | --- |\n| title | 256 characters |\n| footer.text | 2048 characters |\n";
        let masked = mask_mdx(body);
        assert_eq!(masked.len(), body.len());
        assert_eq!(
            masked.lines().count(),
            body.lines().count(),
            "lines keep their place"
        );
        let doc = read(body, 0, true);
        let got = blocks(&doc);
        let all: String = got
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        for never in [
            "import",
            "snippets",
            "Secret prop",
            "href",
            "comment",
            "<",
            "|",
        ] {
            assert!(!all.contains(never), "{never:?} quoted in {all}");
        }
        assert!(got.contains(&("The card's own words.".into(), Some("Embed".into()))));
        assert!(got.contains(&("Note: Embeds are limited.".into(), Some("Embed".into()))));
        assert!(got.contains(&(
            "footer.text · 2048 characters".into(),
            Some("Embed › Embed Limits".into())
        )));
        assert_eq!(doc.first_heading.as_deref(), Some("Embed"));
    }

    #[test]
    fn a_list_stays_with_the_sentence_that_introduces_it() {
        let text = "# Guide\n\nThe tool's features include the ability to:\n\n- read files\n- write files\n\nA later paragraph.\n";
        let doc = read(text, 0, false);
        let got = blocks(&doc);
        assert_eq!(
            got[1].0,
            "The tool's features include the ability to:\n- read files\n- write files"
        );
        assert_eq!(doc.blocks[1].place, 2, "cited at the paragraph's block");
        assert_eq!(got[2].0, "A later paragraph.");
        assert_eq!(doc.blocks[2].place, 4);
    }

    #[test]
    fn tables_of_contents_includes_and_markup_are_not_quoted() {
        let summary = "# Summary\n\n[Introduction](intro.md)\n\n- [Getting Started](ch01.md)\n    - [Installation](ch01-01.md)\n";
        let doc = read(summary, 0, false);
        assert_eq!(
            blocks(&doc),
            [("Summary".to_string(), Some("Summary".to_string()))]
        );
        let chapter = "## Installation\n\nThe first step is to install Rust, with [rustup](https://rustup.rs) and **care**.\n\n```rust\n{{#rustdoc_include ../listings/ch01/main.rs}}\n```\n\n<!-- hidden -->\n\n[![badge](https://img)](https://x)\n\n> [!WARNING]\n> Do not run as root.\n\nTerm\n: Its definition.\n";
        let doc = read(chapter, 0, false);
        let got: Vec<String> = blocks(&doc).into_iter().map(|(t, _)| t).collect();
        assert_eq!(
            got,
            [
                "Installation",
                "The first step is to install Rust, with rustup and care.",
                "Warning: Do not run as root.",
                "Term: Its definition."
            ]
        );
        assert_eq!(doc.first_heading.as_deref(), Some("Installation"));
    }

    #[test]
    fn admonition_containers_keep_their_label() {
        let doc = read(":::note\nBack up first.\n:::\n", 0, false);
        assert_eq!(blocks(&doc)[0].0, "Note: Back up first.");
    }
}

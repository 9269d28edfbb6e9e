//! Which files are read and how, and the document model every structured format is read into.
//!
//! - `.txt` is read line by line (`clean.rs`): paragraphs, debris rules, titles by shape.
//! - `.md`, `.markdown` and `.mdx` go through a CommonMark parser (`markdown.rs`).
//! - `.html` and `.htm` through html5ever, main content only (`html.rs`).
//! - `.pdf` page by page (`pdf.rs`).
//!
//! A structured format gives a [`Structured`] document: its blocks in reading order, each with
//! the section (heading path) it lies in and the place a reader finds it at (the blank-line
//! block of the file, or the PDF page). Every other file is named in a warning saying why it
//! was not read ([`skip_reason`]).

use std::path::Path;

use super::clean::{self, Kind};
use super::passage::MAX_PASSAGE_BYTES;

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text: `.txt`.
    Text,
    /// CommonMark with GitHub's extensions: `.md`, `.markdown`.
    Markdown,
    /// Markdown with JSX components and ESM imports: `.mdx`.
    Mdx,
    /// `.html`, `.htm`.
    Html,
    /// `.pdf`.
    Pdf,
}

impl Format {
    /// The format of a file by its extension (case aside); `None` when it is not read.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => Format::Text,
            "md" | "markdown" => Format::Markdown,
            "mdx" => Format::Mdx,
            "html" | "htm" => Format::Html,
            "pdf" => Format::Pdf,
            _ => return None,
        })
    }

    /// Whether its bytes are decoded as UTF-8 text before parsing.
    pub fn is_text(self) -> bool {
        self != Format::Pdf
    }
}

/// Why a file that is not read is not: `image`, `unsupported format .docx`,
/// `reStructuredText (.rst) is not read`.
pub fn skip_reason(path: &Path) -> String {
    let Some(ext) = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
    else {
        return "no extension: not a known document format".to_string();
    };
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg" | "bmp" | "ico" | "tif" | "tiff"
        | "avif" => "image".to_string(),
        "rst" => "reStructuredText (.rst) is not read".to_string(),
        "adoc" | "asciidoc" => format!("AsciiDoc (.{ext}) is not read"),
        _ => format!("unsupported format .{ext}"),
    }
}

/// A document read from a structured format.
#[derive(Debug, Default)]
pub struct Structured {
    /// The title the format gives (`<title>`, a PDF's metadata), before the first heading.
    pub title: Option<String>,
    /// The document's first heading of any level, as a reader sees it.
    pub first_heading: Option<String>,
    /// The url the document gives for itself (HTML `<link rel=canonical>` or `og:url`).
    pub url: Option<String>,
    /// Its sections in order; blocks name them by index.
    pub sections: Vec<Section>,
    /// Its blocks in reading order.
    pub blocks: Vec<Block>,
    /// Places are PDF pages, not blank-line blocks.
    pub pages: bool,
}

/// A stretch of a document under one heading path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// The heading path, outermost first, joined with ` › `.
    pub path: String,
    /// Where the innermost heading starts in `path` (bytes).
    pub innermost: usize,
    /// Words searched with the section but not shown: a table's header cells.
    pub extra: String,
}

/// One quotable block of a structured document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Its text as a reader sees it.
    pub text: String,
    /// Body, heading or debris.
    pub kind: Kind,
    /// Index of its section in [`Structured::sections`], if it lies under a heading.
    pub section: Option<u32>,
    /// The blank-line block of the file it starts in (or its PDF page), 1-based.
    pub place: u32,
}

/// The separator of a heading path, and of a table row's cells.
pub const PATH_SEPARATOR: &str = " › ";
/// Between the cells of a table row, as it is quoted.
pub const CELL_SEPARATOR: &str = " · ";

/// Builds a [`Structured`] document block by block, keeping the heading path.
#[derive(Default)]
pub struct Builder {
    out: Structured,
    /// The open headings: level and text.
    headings: Vec<(u8, String)>,
    /// Table header cells while a table is read.
    header: Option<String>,
    /// The section blocks go to (`None` before the first heading).
    current: Option<u32>,
    /// The section changed since the last block.
    changed: bool,
}

impl Builder {
    /// A builder whose places are PDF pages.
    pub fn paged() -> Builder {
        let mut builder = Builder::default();
        builder.out.pages = true;
        builder
    }

    /// Sets the title the format gives.
    pub fn title(&mut self, title: String) {
        let title = collapse(&title);
        if clean::word_count(&title) > 0 {
            self.out.title = Some(title);
        }
    }

    /// Sets the url the document gives for itself.
    pub fn url(&mut self, url: String) {
        let url = url.trim();
        if !url.is_empty() {
            self.out.url = Some(url.to_string());
        }
    }

    /// A heading of `level` (1 to 6): quoted as a heading, and the section of what follows.
    pub fn heading(&mut self, level: u8, text: &str, place: u32) {
        let text = collapse(text);
        if clean::word_count(&text) == 0 && !text.chars().any(char::is_alphanumeric) {
            return;
        }
        if self.out.first_heading.is_none() {
            self.out.first_heading = Some(text.clone());
        }
        while self.headings.last().is_some_and(|(l, _)| *l >= level) {
            self.headings.pop();
        }
        self.headings.push((level, text.clone()));
        self.changed = true;
        self.block(text, Kind::Heading, place);
    }

    /// A table's header cells: searched with its rows, and quotable as a heading line.
    pub fn table_header(&mut self, cells: &[String], place: u32) {
        let line = row_line(cells);
        if line.is_empty() {
            return;
        }
        self.header = Some(cells.join(" "));
        self.changed = true;
        self.block(line, Kind::Heading, place);
    }

    /// A table row: one passage, its cells joined by [`CELL_SEPARATOR`], never dropped for
    /// being short.
    pub fn table_row(&mut self, cells: &[String], place: u32) {
        let line = row_line(cells);
        if !line.is_empty() {
            self.block(line, Kind::Body, place);
        }
    }

    /// The end of a table: its header no longer applies.
    pub fn table_end(&mut self) {
        if self.header.take().is_some() {
            self.changed = true;
        }
    }

    /// A block of text.
    pub fn block(&mut self, text: String, kind: Kind, place: u32) {
        let text = text.trim().to_string();
        if text.is_empty() {
            return;
        }
        if self.changed {
            self.changed = false;
            self.current = self.section();
        }
        self.out.blocks.push(Block {
            text,
            kind,
            section: self.current,
            place,
        });
    }

    /// The section for the blocks to come: the last one when it is the same.
    fn section(&mut self) -> Option<u32> {
        if self.headings.is_empty() && self.header.is_none() {
            return None;
        }
        let mut path = String::new();
        let mut innermost = 0;
        for (i, (_, heading)) in self.headings.iter().enumerate() {
            if i > 0 {
                path.push_str(PATH_SEPARATOR);
            }
            innermost = path.len();
            path.push_str(heading);
        }
        let section = Section {
            path,
            innermost,
            extra: self.header.clone().unwrap_or_default(),
        };
        if self.out.sections.last() != Some(&section) {
            self.out.sections.push(section);
        }
        Some(self.out.sections.len() as u32 - 1)
    }

    /// A list, its items in order (nested ones after their parent): with the paragraph that
    /// introduces it (`…:`) while they fit in one passage, the rest item by item (each with its
    /// nested items). Items that are only link text (a table of contents) are left out.
    pub fn list(&mut self, items: Vec<ListItem>) {
        let mut groups: Vec<(String, u32)> = Vec::new();
        for item in items {
            let text = collapse(&item.text);
            let navigation = item.links.0 > 0 && item.links.1 == 0;
            if text.is_empty() || navigation {
                continue;
            }
            let line = format!("{}{} {}", "  ".repeat(item.depth), item.marker, text);
            match groups.last_mut() {
                Some((group, _)) if item.depth > 0 => {
                    group.push('\n');
                    group.push_str(&line);
                }
                _ => groups.push((line, item.place)),
            }
        }
        let mut groups = groups.into_iter().peekable();
        let introduces = self.out.blocks.last().is_some_and(|b| {
            b.kind == Kind::Body && b.text.trim_end().ends_with(':') && !self.changed
        });
        if let (true, Some(intro)) = (introduces, self.out.blocks.last_mut()) {
            while let Some((group, _)) = groups.peek() {
                if intro.text.len() + 1 + group.len() > MAX_PASSAGE_BYTES {
                    break;
                }
                intro.text.push('\n');
                intro.text.push_str(group);
                groups.next();
            }
        }
        for (group, place) in groups {
            self.block(group, Kind::Body, place);
        }
    }

    /// The document.
    pub fn finish(self) -> Structured {
        self.out
    }
}

/// An item of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// `-`, or `3.` in an ordered list.
    pub marker: String,
    /// 0 for the list's own items, 1 for theirs, …
    pub depth: usize,
    /// Its text as a reader sees it.
    pub text: String,
    /// Letters inside and outside links (an item of link text only is navigation).
    pub links: (usize, usize),
    /// Where it starts.
    pub place: u32,
}

/// A row's cells, empty ones left out, joined by [`CELL_SEPARATOR`].
fn row_line(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| collapse(c))
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(CELL_SEPARATOR)
}

/// White space runs as one space, trimmed.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The kind of a paragraph of a structured document: body, or debris when it is a navigation
/// crumb or a counter line (the shape rules of plain text that hold in any format). Short
/// lines are not dropped: the parser knows they are paragraphs.
pub fn paragraph_kind(text: &str) -> Kind {
    match clean::classify_shape(text) {
        Kind::Debris => Kind::Debris,
        _ => Kind::Body,
    }
}

/// Maps byte offsets of a file to the blank-line block they lie in.
pub struct Places {
    /// Start offset of every line, and its block.
    lines: Vec<(usize, u32)>,
}

impl Places {
    /// The places of `text`, counted as [`clean::Blocks`] does.
    pub fn new(text: &str) -> Places {
        let mut blocks = clean::Blocks::START;
        let mut lines = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let block = blocks.line(line.trim_end_matches(['\n', '\r']));
            lines.push((offset, block));
            offset += line.len();
        }
        Places { lines }
    }

    /// The block of the line holding byte `offset`.
    pub fn at(&self, offset: usize) -> u32 {
        let i = self.lines.partition_point(|&(start, _)| start <= offset);
        i.checked_sub(1).map_or(1, |i| self.lines[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension_and_reasons_for_the_rest() {
        assert_eq!(Format::of(Path::new("a/b.MDX")), Some(Format::Mdx));
        assert_eq!(Format::of(Path::new("b.htm")), Some(Format::Html));
        assert_eq!(Format::of(Path::new("b.docx")), None);
        assert_eq!(skip_reason(Path::new("b.docx")), "unsupported format .docx");
        assert_eq!(skip_reason(Path::new("logo.PNG")), "image");
        assert!(skip_reason(Path::new("x.rst")).contains("reStructuredText"));
        assert!(skip_reason(Path::new("Makefile")).contains("no extension"));
    }

    #[test]
    fn sections_follow_the_heading_levels() {
        let mut b = Builder::default();
        b.block("Before any heading.".into(), Kind::Body, 1);
        b.heading(1, "Embed", 2);
        b.heading(2, "Embed Limits", 3);
        b.table_header(&["Field".into(), "Limit".into()], 4);
        b.table_row(&["footer.text".into(), "2048 characters".into()], 4);
        b.table_end();
        b.heading(2, "Other", 5);
        b.block("Text.".into(), Kind::Body, 6);
        let doc = b.finish();
        let sections: Vec<Option<&str>> = doc
            .blocks
            .iter()
            .map(|b| b.section.map(|s| doc.sections[s as usize].path.as_str()))
            .collect();
        assert_eq!(
            sections,
            [
                None,
                Some("Embed"),
                Some("Embed › Embed Limits"),
                Some("Embed › Embed Limits"),
                Some("Embed › Embed Limits"),
                Some("Embed › Other"),
                Some("Embed › Other"),
            ]
        );
        assert_eq!(doc.blocks[4].text, "footer.text · 2048 characters");
        let row = &doc.sections[doc.blocks[4].section.unwrap() as usize];
        assert_eq!(row.extra, "Field Limit");
        assert_eq!(&row.path[row.innermost..], "Embed Limits");
        assert_eq!(doc.first_heading.as_deref(), Some("Embed"));
    }

    #[test]
    fn places_count_blank_line_blocks() {
        let text = "one\ntwo\n\nthree\n \t\nfour\n";
        let places = Places::new(text);
        assert_eq!(places.at(0), 1);
        assert_eq!(places.at(4), 1);
        assert_eq!(places.at(text.find("three").unwrap()), 2);
        assert_eq!(places.at(text.find("four").unwrap()), 3);
    }
}

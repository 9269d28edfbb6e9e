//! The corpus: files → documents → passages.
//!
//! [`load_dir`] walks a folder, reads every `.txt` and `.md` file, takes front matter and titles
//! ([`meta`]), splits paragraphs and drops scrape debris and what Markdown markup hides ([`clean`],
//! [`markup`]), cuts long paragraphs into
//! sentence windows and folds duplicates ([`passage`]). Every problem is a [`LoadWarning`] value;
//! one broken file never stops the rest from loading.

mod clean;
pub mod format;
mod html;
mod load;
mod markdown;
mod markup;
mod meta;
mod passage;
mod pdf;
pub(crate) mod toml_file;

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::path::PathBuf;

pub(crate) use load::{link_outside, read_capped};
pub use load::{load_dir, summary_by_extension, ExtensionCount};

/// Options for reading a corpus folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Files larger than this many bytes are skipped with a warning.
    pub max_file_bytes: u64,
    /// Follow symbolic links that resolve outside the corpus folder. Off by default: whoever
    /// can drop a link into the folder could otherwise have any file the bot can read quoted.
    pub follow_links_outside: bool,
}

impl LoadOptions {
    /// The default cap on a file's size: 10 MiB.
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
            follow_links_outside: false,
        }
    }
}

/// One article of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Source id: the path relative to the corpus folder, without extension, `/`-separated.
    pub id: String,
    /// Title from front matter, else the first line that reads like a headline.
    pub title: String,
    /// Path of the file as read.
    pub path: PathBuf,
    /// Publisher from front matter, when given.
    pub publisher: Option<String>,
    /// URL from front matter, when given.
    pub url: Option<String>,
    /// Date from front matter, when given (as written).
    pub date: Option<String>,
    /// Quotable paragraphs (debris excluded).
    pub paragraphs: usize,
    /// Words in the quotable paragraphs.
    pub words: usize,
    /// Hash of the file's decoded text, to tell a changed document on reload.
    pub content_hash: u64,
    /// The first body paragraph, verbatim.
    pub opening: String,
}

/// A quotable unit: a paragraph, or a sentence window of a long one. Sixteen bytes: a large
/// corpus has several hundred thousand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Index of its document in [`Corpus::documents`].
    pub doc: u32,
    /// 1-based paragraph number in its document.
    pub paragraph: u32,
    /// Where its verbatim text starts in its document's [`Corpus::texts`] entry (bytes; see
    /// [`Corpus::text_of`]).
    start: u32,
    /// Its length in bytes (low 31 bits) and [`HEADING_BIT`].
    len: u32,
}

/// Marks a heading or caption in [`Passage::len`].
const HEADING_BIT: u32 = 1 << 31;

impl Passage {
    /// A passage of document `doc` at `range` of its text.
    ///
    /// # Panics
    /// When the range ends past 2 GiB: the loader refuses files over 1 GiB.
    pub fn new(doc: u32, paragraph: u32, range: std::ops::Range<usize>, heading: bool) -> Passage {
        let start = u32::try_from(range.start).expect("a document under 2 GiB");
        let len = u32::try_from(range.len())
            .ok()
            .filter(|&len| len < HEADING_BIT && start.checked_add(len).is_some())
            .expect("a document under 2 GiB");
        Passage {
            doc,
            paragraph,
            start,
            len: len | if heading { HEADING_BIT } else { 0 },
        }
    }

    /// Its byte range in its document's text.
    pub fn range(&self) -> std::ops::Range<usize> {
        let start = self.start as usize;
        start..start + (self.len & !HEADING_BIT) as usize
    }

    /// Headings and captions: quotable, ranked below body text.
    pub fn heading(&self) -> bool {
        self.len & HEADING_BIT != 0
    }
}

/// Corpora whose files hold more than this many bytes are packed as they load ([`Text::pack`]):
/// quoting then decompresses the few documents it quotes (microseconds each), and the text
/// takes about half the memory. Smaller corpora stay plain, where memory hardly matters and
/// every microsecond of an answer does.
pub const PACK_ABOVE: usize = 16 << 20;

/// A document's passage text, as loaded or compressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// As loaded.
    Plain(String),
    /// Compressed in blocks of [`PACK_BLOCK`] bytes of text (a zstd frame each), so reading a
    /// passage decompresses the block or two it lies in, whatever the document's size.
    Packed {
        /// The compressed blocks, in order.
        blocks: Box<[Box<[u8]>]>,
        /// Bytes of text it holds.
        len: usize,
    },
}

/// Bytes of text a packed block holds (the last holds the rest).
pub const PACK_BLOCK: usize = 64 << 10;

impl Text {
    /// A text compressed (or plain, if it does not compress: compressing into memory cannot
    /// fail short of running out of it).
    pub fn pack(plain: String) -> Text {
        let blocks: Result<Vec<Box<[u8]>>, _> = plain
            .as_bytes()
            .chunks(PACK_BLOCK)
            .map(|block| {
                PACKER
                    .with_borrow_mut(|packer| packer.compress(block))
                    .map(Vec::into_boxed_slice)
            })
            .collect();
        match blocks {
            Ok(blocks) => Text::Packed {
                blocks: blocks.into_boxed_slice(),
                len: plain.len(),
            },
            Err(_) => Text::Plain(plain),
        }
    }

    /// Bytes of text.
    pub fn len(&self) -> usize {
        match self {
            Text::Plain(text) => text.len(),
            Text::Packed { len, .. } => *len,
        }
    }

    /// True for an empty text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The whole text.
    pub fn unpack(&self) -> Cow<'_, str> {
        self.read(0..self.len())
    }

    /// The text of byte range `range` (on character boundaries): borrowed when plain, and when
    /// packed decompressed from the blocks it spans only. A range past the end, or a block that
    /// does not decompress to the text it was made from (never, short of memory corruption),
    /// reads as empty.
    pub fn read(&self, range: std::ops::Range<usize>) -> Cow<'_, str> {
        match self {
            Text::Plain(text) => Cow::Borrowed(text.get(range).unwrap_or("")),
            Text::Packed { blocks, len } => {
                if range.start >= range.end || range.end > *len {
                    return Cow::Borrowed("");
                }
                let (first, last) = (
                    range.start / PACK_BLOCK,
                    range.end.saturating_sub(1) / PACK_BLOCK,
                );
                let mut bytes = Vec::with_capacity((last + 1 - first) * PACK_BLOCK);
                for b in first..=last.min(blocks.len().saturating_sub(1)) {
                    let size = PACK_BLOCK.min(len - b * PACK_BLOCK);
                    let Ok(block) =
                        UNPACKER.with_borrow_mut(|unpacker| unpacker.decompress(&blocks[b], size))
                    else {
                        return Cow::Borrowed("");
                    };
                    bytes.extend_from_slice(&block);
                }
                let from = range.start - first * PACK_BLOCK;
                let to = (range.end - first * PACK_BLOCK).min(bytes.len());
                bytes.truncate(to);
                bytes.drain(..from.min(to));
                Cow::Owned(String::from_utf8(bytes).unwrap_or_default())
            }
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Text::Plain(text) => text.capacity(),
            Text::Packed { blocks, .. } => blocks.iter().map(|b| b.len() + 16).sum(),
        }
    }
}

/// zstd's fastest level: about 2× on prose at load-time speeds (LZ4 gave 1.4× on the generated
/// docs corpus, zstd 2.1×). A context a thread, reused, as making one allocates.
const PACK_LEVEL: i32 = 1;

thread_local! {
    static PACKER: RefCell<zstd::bulk::Compressor<'static>> = RefCell::new(
        zstd::bulk::Compressor::new(PACK_LEVEL).expect("a zstd context"),
    );
    static UNPACKER: RefCell<zstd::bulk::Decompressor<'static>> =
        RefCell::new(zstd::bulk::Decompressor::new().expect("a zstd context"));
}

/// Where a document's paragraphs are, as a reader finds them: the number a citation gives
/// each (`¶N`: the blank-line block of the file it starts in, front matter counted; or the PDF
/// page), and the sections (heading paths) they lie in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// For each paragraph (number − 1, debris included), its blank-line block or page.
    pub places: Vec<u32>,
    /// Places are PDF pages (`p. N`), not blank-line blocks.
    pub pages: bool,
    /// Sections in order, each from its first paragraph to the next one's.
    pub sections: Vec<SectionStart>,
}

/// Where a section starts, and what it is called.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionStart {
    /// Its first paragraph's number.
    pub first: u32,
    /// Its heading path, outermost first, joined with ` › ` (`Embed › Embed Limits`).
    pub path: Box<str>,
    /// Where the innermost heading starts in `path` (bytes).
    pub innermost: u32,
    /// Words searched with it but not shown (a table's header cells), may be empty.
    pub extra: Box<str>,
}

impl Layout {
    /// The place a reader finds paragraph `paragraph` at (its number when unknown).
    pub fn place(&self, paragraph: u32) -> u32 {
        self.places
            .get((paragraph as usize).wrapping_sub(1))
            .copied()
            .unwrap_or(paragraph)
    }

    /// The index of the section paragraph `paragraph` lies in.
    pub fn section_index(&self, paragraph: u32) -> Option<usize> {
        self.sections
            .partition_point(|s| s.first <= paragraph)
            .checked_sub(1)
    }

    /// The section paragraph `paragraph` lies in.
    pub fn section(&self, paragraph: u32) -> Option<&SectionStart> {
        self.section_index(paragraph).map(|i| &self.sections[i])
    }

    fn heap_bytes(&self) -> usize {
        self.places.capacity() * 4
            + self
                .sections
                .iter()
                .map(|s| std::mem::size_of::<SectionStart>() + s.path.len() + s.extra.len())
                .sum::<usize>()
    }
}

/// Documents and their passages, with duplicate passages grouped.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Documents sorted by source id.
    pub documents: Vec<Document>,
    /// Every passage, in document order.
    pub passages: Vec<Passage>,
    /// Per document, its passages' text back to back: one allocation a document, not one a
    /// passage, built in parallel; in a large corpus compressed as it is built ([`PACK_ABOVE`]).
    pub texts: Vec<Text>,
    /// For each passage, the passage that stands for its duplicate group (itself when unique).
    pub canonical: Vec<u32>,
    /// For each canonical passage with duplicates, the other members, in order.
    pub duplicates: std::collections::HashMap<u32, Vec<u32>>,
    /// Per document, where its paragraphs are ([`Layout`]).
    pub layouts: Vec<Layout>,
}

impl Corpus {
    /// The layout of passage `passage`'s document (an empty one when the corpus has none).
    fn layout_of(&self, passage: u32) -> Option<(&Layout, u32)> {
        let p = self.passages.get(passage as usize)?;
        Some((self.layouts.get(p.doc as usize)?, p.paragraph))
    }

    /// The heading path of the section passage `passage` lies in, headings joined with ` › `
    /// (`Embed › Embed Limits`); `None` before a document's first heading and in plain text.
    pub fn section(&self, passage: u32) -> Option<&str> {
        let (layout, paragraph) = self.layout_of(passage)?;
        layout.section(paragraph).map(|s| &*s.path)
    }

    /// The innermost heading of the section passage `passage` lies in (`Embed Limits`).
    pub fn heading(&self, passage: u32) -> Option<&str> {
        let (layout, paragraph) = self.layout_of(passage)?;
        layout
            .section(paragraph)
            .map(|s| s.path.get(s.innermost as usize..).unwrap_or(&s.path))
    }

    /// Where a reader finds passage `passage`: its blank-line block of the file (`¶N`), or
    /// with `true` its PDF page (`p. N`).
    pub fn place(&self, passage: u32) -> (u32, bool) {
        match self.layout_of(passage) {
            Some((layout, paragraph)) => (layout.place(paragraph), layout.pages),
            None => (self.passages[passage as usize].paragraph, false),
        }
    }

    /// The first body paragraph of a document.
    pub fn opening_paragraph(&self, id: &str) -> Option<&str> {
        self.documents
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.opening.as_str())
    }

    /// A passage's verbatim text (borrowed unless the corpus is packed; then only the blocks
    /// it lies in are decompressed).
    pub fn text_of(&self, passage: &Passage) -> Cow<'_, str> {
        self.texts[passage.doc as usize].read(passage.range())
    }

    /// The verbatim text of passage `id`.
    pub fn passage_text(&self, id: u32) -> Cow<'_, str> {
        self.text_of(&self.passages[id as usize])
    }

    /// Bytes of passage text.
    pub fn text_bytes(&self) -> usize {
        self.texts.iter().map(Text::len).sum()
    }

    /// Compresses every document's text, whatever the corpus size.
    #[cfg(test)]
    fn pack_all(&mut self) {
        self.texts.iter_mut().for_each(|text| {
            if let Text::Plain(plain) = text {
                *text = Text::pack(std::mem::take(plain));
            }
        });
    }

    /// Moves every packed text to a new place, one after the other, from this thread. Packed
    /// on many threads as their documents were built, they sat scattered among the build's
    /// freed memory, which the allocator could then not give back: 214 MiB of peak RSS for the
    /// docs corpus instead of 180 MiB.
    pub(crate) fn compact(&mut self) {
        for text in &mut self.texts {
            if let Text::Packed { blocks, .. } = text {
                for block in blocks.iter_mut() {
                    *block = Box::from(&block[..]);
                }
            }
        }
    }

    /// Rough heap size in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.memory_parts().iter().map(|(_, bytes)| bytes).sum()
    }

    /// Rough heap size of each part, in bytes.
    pub fn memory_parts(&self) -> Vec<(&'static str, usize)> {
        let docs: usize = self
            .documents
            .iter()
            .map(|d| {
                let optional = [&d.publisher, &d.url, &d.date];
                d.id.capacity()
                    + d.title.capacity()
                    + d.path.capacity()
                    + optional
                        .iter()
                        .flat_map(|s| s.as_ref())
                        .map(String::capacity)
                        .sum::<usize>()
                    + d.opening.capacity()
            })
            .sum::<usize>()
            + self.documents.capacity() * std::mem::size_of::<Document>();
        vec![
            ("text", self.texts.iter().map(Text::heap_bytes).sum()),
            (
                "passage table",
                std::mem::size_of_val(&self.passages[..])
                    + std::mem::size_of_val(&self.canonical[..]),
            ),
            ("documents", docs),
            (
                "layouts",
                self.layouts.iter().map(Layout::heap_bytes).sum::<usize>(),
            ),
        ]
    }
}

/// Why a file (or an alias entry) was skipped, or loaded with a caveat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    /// The file concerned.
    pub path: PathBuf,
    /// What is wrong with it.
    pub kind: WarningKind,
}

/// The kinds of load problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarningKind {
    /// The corpus folder itself is missing or not a folder.
    NotAFolder,
    /// Not valid UTF-8: the first bad byte's offset.
    NotUtf8 {
        /// Byte offset of the first invalid byte in the file.
        offset: usize,
    },
    /// Empty, or only white space.
    Empty,
    /// Looks binary (NUL bytes or control characters).
    Binary,
    /// Over the size cap.
    TooLarge {
        /// The file's size.
        size: u64,
        /// The cap in force.
        cap: u64,
    },
    /// Could not be read (permissions, I/O).
    Unreadable(String),
    /// A symbolic link that leads back into its own ancestors.
    SymlinkLoop,
    /// A symbolic link that resolves outside the corpus folder (to the path given); not
    /// followed unless `FOLLOW_LINKS_OUTSIDE=true`.
    LinkOutside(PathBuf),
    /// Not a regular file (a FIFO, socket or device, named here); never opened.
    NotARegularFile(&'static str),
    /// Every line was scrape debris: nothing to quote.
    NoText,
    /// Another file already has this source id (e.g. `a.txt` and `a.md`).
    DuplicateId(String),
    /// Front matter that could not be read; the file loads without it.
    BadFrontMatter(String),
    /// A file of a format that is not read (why given: `image`, `unsupported format .docx`).
    NotRead(String),
    /// A PDF with no text layer (a scan): nothing to quote.
    ScannedPdf,
    /// A file its parser could not read (why given).
    Unparsable(String),
    /// No file of the folder could be read: the formats found there, with counts.
    NothingReadable(String),
    /// A bad entry in `aliases.toml`; the rest of the aliases load.
    BadAlias(String),
    /// `aliases.toml` could not be used at all (why given): the alias groups that were
    /// serving (`kept_groups` of them; none at first start) stay in use.
    AliasesNotLoaded {
        /// What is wrong with the file (for TOML, with its line and column).
        why: String,
        /// How many alias groups stay in use.
        kept_groups: usize,
    },
    /// A bad setting in `sources.toml` (folder and key named); the other settings load.
    BadSourceSetting(String),
    /// `sources.toml` could not be used at all (why given): the folder settings that were
    /// serving (`kept_folders` of them; none at first start) stay in use.
    SourcesNotLoaded {
        /// What is wrong with the file (for TOML, with its line and column).
        why: String,
        /// How many folder settings stay in use.
        kept_folders: usize,
    },
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.kind {
            WarningKind::NotAFolder => write!(f, "{path}: not a folder; nothing loaded"),
            WarningKind::NotUtf8 { offset } => write!(
                f,
                "{path}: not UTF-8 (invalid byte at offset {offset}); skipped: save it as UTF-8"
            ),
            WarningKind::Empty => write!(f, "{path}: empty; skipped"),
            WarningKind::Binary => write!(f, "{path}: looks binary, not text; skipped"),
            WarningKind::TooLarge { size, cap } => write!(
                f,
                "{path}: {size} bytes is over the {cap}-byte cap; skipped (raise the cap or split the file)"
            ),
            WarningKind::Unreadable(why) => write!(f, "{path}: unreadable ({why}); skipped"),
            WarningKind::SymlinkLoop => {
                write!(f, "{path}: symbolic link loop; not followed")
            }
            WarningKind::LinkOutside(target) => write!(
                f,
                "{path}: symbolic link to {} outside the corpus folder; not followed (set FOLLOW_LINKS_OUTSIDE=true to allow it)",
                target.display()
            ),
            WarningKind::NotARegularFile(what) => {
                write!(f, "{path}: a {what}, not a regular file; skipped without opening")
            }
            WarningKind::NoText => write!(f, "{path}: no quotable text (only debris); skipped"),
            WarningKind::DuplicateId(other) => write!(
                f,
                "{path}: same source id as {other}; skipped (rename one of them)"
            ),
            WarningKind::BadFrontMatter(why) => {
                write!(f, "{path}: front matter ignored ({why})")
            }
            WarningKind::NotRead(why) => write!(f, "{path}: {why}; skipped"),
            WarningKind::ScannedPdf => {
                write!(f, "{path}: scanned PDF without text; skipped (nothing to quote)")
            }
            WarningKind::Unparsable(why) => write!(f, "{path}: could not be read ({why}); skipped"),
            WarningKind::NothingReadable(found) => write!(
                f,
                "{path}: no readable file (found {found}); citebot reads .txt, .md, .markdown, .mdx, .html, .htm and .pdf"
            ),
            WarningKind::BadAlias(why) => write!(f, "{path}: alias entry ignored ({why})"),
            WarningKind::AliasesNotLoaded { why, kept_groups } => match kept_groups {
                0 => write!(f, "{path}: not loaded ({why}); no aliases are in use until it is fixed"),
                1 => write!(f, "{path}: not loaded ({why}); the 1 alias group that was serving is kept"),
                n => write!(f, "{path}: not loaded ({why}); the {n} alias groups that were serving are kept"),
            },
            WarningKind::BadSourceSetting(why) => {
                write!(f, "{path}: setting ignored ({why})")
            }
            WarningKind::SourcesNotLoaded { why, kept_folders } => match kept_folders {
                0 => write!(f, "{path}: not loaded ({why}); citations link only to the documents' own urls until it is fixed"),
                1 => write!(f, "{path}: not loaded ({why}); the 1 folder setting that was serving is kept"),
                n => write!(f, "{path}: not loaded ({why}); the {n} folder settings that were serving are kept"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passage_keeps_its_range_and_heading_in_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Passage>(), 16);
        for heading in [false, true] {
            let p = Passage::new(7, 3, 10..(1 << 31) - 1, heading);
            assert_eq!((p.doc, p.paragraph), (7, 3));
            assert_eq!(p.range(), 10..(1 << 31) - 1);
            assert_eq!(p.heading(), heading);
        }
    }

    #[test]
    #[should_panic(expected = "under 2 GiB")]
    fn a_passage_past_two_gib_is_refused() {
        Passage::new(0, 1, 0..1 << 31, false);
    }

    #[test]
    fn packed_passages_read_exactly_as_plain_ones() {
        let (mut corpus, _) = load_dir(crate::test_corpus(), &LoadOptions::default());
        let plain: Vec<String> = (0..corpus.passages.len() as u32)
            .map(|p| corpus.passage_text(p).into_owned())
            .collect();
        let bytes = corpus.text_bytes();
        assert!(
            matches!(corpus.texts[0], Text::Plain(_)),
            "small corpora stay plain"
        );
        corpus.pack_all();
        assert!(corpus
            .texts
            .iter()
            .all(|t| matches!(t, Text::Packed { .. })));
        assert_eq!(corpus.text_bytes(), bytes);
        for (p, text) in plain.iter().enumerate() {
            assert_eq!(corpus.passage_text(p as u32), text.as_str());
        }
        let packed: usize = corpus.texts.iter().map(Text::heap_bytes).sum();
        assert!(packed < bytes, "{packed} bytes packed from {bytes}");
    }

    #[test]
    fn a_packed_text_reads_any_range_from_the_blocks_it_spans() {
        // Several blocks of text with characters of every width, so that block edges fall
        // inside characters.
        let unit = "Kabul é ß 日本 🙂 governor. ";
        let plain: String = unit.repeat(3 * PACK_BLOCK / unit.len() + 7);
        let packed = Text::pack(plain.clone());
        let Text::Packed { blocks, len } = &packed else {
            panic!("a text that compresses is packed");
        };
        assert_eq!(*len, plain.len());
        assert_eq!(blocks.len(), plain.len().div_ceil(PACK_BLOCK));
        assert_eq!(packed.unpack(), plain);
        let boundaries: Vec<usize> = (0..=plain.len())
            .filter(|&i| plain.is_char_boundary(i))
            .collect();
        for (k, &start) in boundaries.iter().enumerate().step_by(997) {
            for &end in boundaries[k..].iter().step_by(4099).take(20) {
                assert_eq!(
                    packed.read(start..end),
                    &plain[start..end],
                    "{start}..{end}"
                );
            }
        }
        let edge = boundaries
            .iter()
            .copied()
            .find(|&i| i >= PACK_BLOCK)
            .unwrap();
        assert_eq!(packed.read(edge - 3..edge + 5), &plain[edge - 3..edge + 5]);
        assert_eq!(packed.read(plain.len()..plain.len() + 1), "");
        assert_eq!(packed.read(5..5), "");
    }
}

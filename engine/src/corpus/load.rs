//! Reading a corpus folder: walk, read, decode, size caps, warnings.
//!
//! Files are found recursively in a stable order (sorted by relative path), read and decoded in
//! parallel (rayon keeps the order), then parsed. A file that cannot be used becomes a
//! [`LoadWarning`] naming it; everything else loads.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::format::{self, Format, Structured};
use super::{
    clean, html, markdown, meta, passage, pdf, Corpus, Document, Layout, LoadOptions, LoadWarning,
    SectionStart, WarningKind,
};

/// A file read, before parsing: its text (or, for a PDF, its bytes).
struct Decoded {
    id: String,
    path: PathBuf,
    format: Format,
    text: String,
    bytes: Vec<u8>,
}

/// Loads every document under `dir` (recursively, hidden entries skipped): `.txt`, `.md`,
/// `.markdown`, `.mdx`, `.html`, `.htm` and `.pdf` ([`Format`]); every other file is named in
/// a warning saying why it is not read (`aliases.toml` and `sources.toml` at the top are
/// configuration, not documents).
///
/// - Source ids are relative paths without extension, `/`-separated.
/// - Unusable files (not UTF-8, empty, binary, over the cap, unreadable, symlink loops, not a
///   regular file) are skipped with a warning; the rest load.
/// - Symbolic links that resolve outside `dir` are not followed (a warning names each) unless
///   [`LoadOptions::follow_links_outside`] says so.
/// - The result is the same for the same files, whatever the thread count.
pub fn load_dir(dir: &Path, options: &LoadOptions) -> (Corpus, Vec<LoadWarning>) {
    let mut warnings = Vec::new();
    if !dir.is_dir() {
        warnings.push(LoadWarning {
            path: dir.to_path_buf(),
            kind: WarningKind::NotAFolder,
        });
        return (Corpus::default(), warnings);
    }
    let mut steps = crate::steps::Steps::start("load");
    let files = find_files(dir, options, &mut warnings);
    // A large corpus is packed as each document is built, so that its plain text is never
    // held whole: whether it is large is told by its files' sizes, before any is read.
    let bytes: u64 = files
        .par_iter()
        .map(|(_, path, _)| std::fs::metadata(path).map_or(0, |m| m.len()))
        .filter(|&size| size <= file_cap(options))
        .sum();
    let pack = bytes > super::PACK_ABOVE as u64;
    // One read, in parallel: each file is built as it is read, its passages fingerprinted for
    // duplicate detection, and its text dropped. Which short lines are site boilerplate takes
    // every document to tell: their passages are taken out afterwards.
    let mut built: Vec<Built> = files
        .par_iter()
        .map(
            |(id, path, format)| match read_file(id, path, *format, options).and_then(parse) {
                Ok((parsed, content_hash)) => build_document(parsed, content_hash, pack),
                Err(warning) => Built {
                    document: None,
                    warnings: vec![warning],
                },
            },
        )
        .collect();
    steps.done("read (documents, passages)");
    let boilerplate = clean::boilerplate(
        built
            .iter()
            .filter_map(|b| b.document.as_ref())
            .map(|d| d.shorts.iter().map(|s| s.line)),
    );
    let (lines, bytes) = built
        .par_iter_mut()
        .map(|b| drop_boilerplate(b, &boilerplate, pack))
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    tracing::debug!(
        "boilerplate: {} distinct lines, {lines} paragraphs dropped ({bytes} bytes)",
        boilerplate.len()
    );
    drop(boilerplate);
    steps.done("boilerplate");
    let mut corpus = Corpus::default();
    corpus.texts.reserve_exact(built.len());
    let count = built
        .iter()
        .filter_map(|b| b.document.as_ref())
        .map(|d| d.pieces.len())
        .sum();
    // Passages, then fingerprints, each document's freed as they are copied: never both
    // tables twice over.
    corpus.passages.reserve_exact(count);
    let mut printed = Vec::with_capacity(built.len());
    for built in built {
        warnings.extend(built.warnings);
        let Some(BuiltDocument {
            document,
            text,
            pieces,
            prints,
            layout,
            ..
        }) = built.document
        else {
            continue;
        };
        corpus.layouts.push(layout);
        let doc = corpus.documents.len() as u32;
        corpus.passages.extend(pieces.into_iter().map(|p| {
            let start = p.start as usize;
            super::Passage::new(doc, p.paragraph, start..start + p.len as usize, p.heading)
        }));
        corpus.texts.push(text);
        corpus.documents.push(document);
        printed.push(prints);
    }
    let mut prints = Vec::with_capacity(count);
    for some in printed {
        prints.extend(some);
    }
    let (canonical, duplicates) =
        passage::group_fingerprinted(prints, |id| corpus.passage_text(id));
    corpus.compact();
    corpus.canonical = canonical;
    corpus.duplicates = duplicates;
    steps.done("duplicates");
    if corpus.documents.is_empty() {
        let mut found: Vec<(String, usize)> = Vec::new();
        for w in &warnings {
            if matches!(
                w.kind,
                WarningKind::NotRead(_) | WarningKind::ScannedPdf | WarningKind::Unparsable(_)
            ) {
                let ext = extension(&w.path);
                match found.iter_mut().find(|(e, _)| *e == ext) {
                    Some((_, n)) => *n += 1,
                    None => found.push((ext, 1)),
                }
            }
        }
        if !found.is_empty() {
            found.sort();
            let found: Vec<String> = found.iter().map(|(e, n)| format!("{n} {e}")).collect();
            warnings.push(LoadWarning {
                path: dir.to_path_buf(),
                kind: WarningKind::NothingReadable(found.join(", ")),
            });
        }
    }
    (corpus, warnings)
}

/// How a file's name ends, as a summary shows it: `.md`, or `(none)`.
fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| format!(".{}", e.to_string_lossy().to_ascii_lowercase()))
        .unwrap_or_else(|| "(none)".to_string())
}

/// Files read and skipped for one extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionCount {
    /// `.md`, `.pdf`, `(none)`.
    pub extension: String,
    /// Files loaded as documents.
    pub read: usize,
    /// Files skipped with a warning.
    pub skipped: usize,
}

/// Files read and skipped by extension (what `citebot check` prints), sorted by extension.
pub fn summary_by_extension(
    documents: &[Document],
    warnings: &[LoadWarning],
) -> Vec<ExtensionCount> {
    let mut out: Vec<ExtensionCount> = Vec::new();
    let mut count = |path: &Path, read: bool| {
        let ext = extension(path);
        let i = match out.iter().position(|c| c.extension == ext) {
            Some(i) => i,
            None => {
                out.push(ExtensionCount {
                    extension: ext,
                    read: 0,
                    skipped: 0,
                });
                out.len() - 1
            }
        };
        if read {
            out[i].read += 1;
        } else {
            out[i].skipped += 1;
        }
    };
    for d in documents {
        count(&d.path, true);
    }
    for w in warnings {
        let file = !matches!(
            w.kind,
            WarningKind::NotAFolder
                | WarningKind::NothingReadable(_)
                | WarningKind::BadAlias(_)
                | WarningKind::AliasesNotLoaded { .. }
                | WarningKind::BadFrontMatter(_)
        );
        if file && !w.path.is_dir() {
            count(&w.path, false);
        }
    }
    out.sort_by(|a, b| a.extension.cmp(&b.extension));
    out
}

/// A document's text, parsed.
struct Parsed {
    id: String,
    path: PathBuf,
    front: meta::FrontMatter,
    paragraphs: Vec<clean::Paragraph>,
    problem: Option<String>,
    /// Read by a parser (not line by line): its title is its first heading when front matter
    /// gives none, its short lines are never site boilerplate, and a document of headings
    /// only has nothing to quote.
    structured: Option<StructuredMeta>,
    layout: Layout,
}

/// What a structured format says of a document beside its paragraphs.
struct StructuredMeta {
    title: Option<String>,
    first_heading: Option<String>,
    url: Option<String>,
}

/// A passage before it joins the corpus: where it stands in its document's text.
#[derive(Clone, Copy)]
struct Piece {
    paragraph: u32,
    heading: bool,
    start: u32,
    len: u32,
}

impl Piece {
    fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// A document ready to join the corpus, with its passages' text and places, or the reason it
/// cannot, and any warnings either way.
struct Built {
    document: Option<BuiltDocument>,
    warnings: Vec<LoadWarning>,
}

struct BuiltDocument {
    document: Document,
    /// Its passages back to back.
    text: super::Text,
    pieces: Vec<Piece>,
    /// Its passages' fingerprints for duplicate detection.
    prints: Vec<passage::Fingerprint>,
    /// Its paragraphs that are short lines, which may turn out to be site boilerplate.
    shorts: Vec<ShortLine>,
    layout: Layout,
    /// When its opening is a short line: the paragraphs that may take its place.
    openings: Vec<Opening>,
}

/// A paragraph that is a short line.
struct ShortLine {
    line: clean::LineHash,
    paragraph: u32,
    words: u32,
}

/// A paragraph that may be a document's opening (the first body paragraph kept, else the
/// first paragraph kept).
struct Opening {
    paragraph: u32,
    body: bool,
    /// Its text, unless it is the text of its one passage (a short line of one window).
    text: Option<String>,
}

/// Parses a file by its format; with the hash of its content, to tell a changed document.
fn parse(doc: Decoded) -> Result<(Parsed, u64), LoadWarning> {
    let Decoded {
        id,
        path,
        format,
        text,
        bytes,
    } = doc;
    if format == Format::Pdf {
        let hash = hash_bytes(&bytes);
        let structured = pdf::read(&bytes).map_err(|kind| LoadWarning {
            path: path.clone(),
            kind,
        })?;
        let parsed = from_structured(id, path, meta::FrontMatter::default(), None, structured);
        return Ok((parsed, hash));
    }
    let hash = hash_text(&text);
    if format == Format::Html {
        let structured = html::read(&text);
        let parsed = from_structured(id, path, meta::FrontMatter::default(), None, structured);
        return Ok((parsed, hash));
    }
    let (front, body) = meta::split_front_matter(&text);
    let (front, problem) = match front {
        Ok(front) => (front, None),
        Err(why) => (meta::FrontMatter::default(), Some(why)),
    };
    let offset = text.len() - body.len();
    if format == Format::Text {
        let paragraphs = clean::paragraphs_after(body, clean::Blocks::START.after(&text[..offset]));
        let layout = Layout {
            places: paragraphs.iter().map(|p| p.block).collect(),
            ..Layout::default()
        };
        let parsed = Parsed {
            id,
            path,
            front,
            paragraphs,
            problem,
            structured: None,
            layout,
        };
        return Ok((parsed, hash));
    }
    let mut structured = markdown::read(&text, offset, format == Format::Mdx);
    // Front matter a reader of the page sees (or that answers a question about it) is
    // searchable: its description, date and tags, as the block before the body.
    let fields = meta::shown_fields(&text[..offset]);
    if !fields.is_empty() {
        let blocks = fields.into_iter().map(|(text, kind)| format::Block {
            text,
            kind,
            section: None,
            place: 1,
        });
        structured.blocks.splice(0..0, blocks);
    }
    Ok((from_structured(id, path, front, problem, structured), hash))
}

/// A structured document's paragraphs (numbered in reading order) and layout.
fn from_structured(
    id: String,
    path: PathBuf,
    front: meta::FrontMatter,
    problem: Option<String>,
    doc: Structured,
) -> Parsed {
    let mut layout = Layout {
        pages: doc.pages,
        ..Layout::default()
    };
    let mut paragraphs = Vec::with_capacity(doc.blocks.len());
    let mut current = None;
    for (i, block) in doc.blocks.into_iter().enumerate() {
        let number = i as u32 + 1;
        if block.section != current {
            current = block.section;
            if let Some(section) = block.section.and_then(|s| doc.sections.get(s as usize)) {
                layout.sections.push(SectionStart {
                    first: number,
                    path: section.path.as_str().into(),
                    innermost: section.innermost as u32,
                    extra: section.extra.as_str().into(),
                });
            }
        }
        layout.places.push(block.place);
        paragraphs.push(clean::Paragraph {
            number,
            words: clean::word_count(&block.text),
            text: block.text,
            kind: block.kind,
            block: block.place,
        });
    }
    Parsed {
        id,
        path,
        front,
        paragraphs,
        problem,
        structured: Some(StructuredMeta {
            title: doc.title,
            first_heading: doc.first_heading,
            url: doc.url,
        }),
        layout,
    }
}

/// Builds a document from its quotable paragraphs (debris left out), boilerplate included:
/// [`drop_boilerplate`] takes it out once every document has been read.
fn build_document(parsed: Parsed, content_hash: u64, pack: bool) -> Built {
    let Parsed {
        id,
        path,
        front,
        paragraphs,
        problem,
        structured,
        layout,
    } = parsed;
    let mut warnings = Vec::new();
    if let Some(why) = problem {
        warnings.push(LoadWarning {
            path: path.clone(),
            kind: WarningKind::BadFrontMatter(why),
        });
    }
    // Title: front matter's; for a structured format, the one it gives (`<title>`), else its
    // first heading of any level (mdBook chapters open with `##`); else by shape.
    let given = structured
        .as_ref()
        .and_then(|s| s.title.clone().or_else(|| s.first_heading.clone()));
    let title = front
        .title
        .clone()
        .or(given)
        .unwrap_or_else(|| meta::derive_title(&paragraphs, &id));
    let url = front
        .url
        .clone()
        .or_else(|| structured.as_ref().and_then(|s| s.url.clone()));
    let kept: Vec<clean::Paragraph> = paragraphs
        .into_iter()
        .filter(|p| p.kind != clean::Kind::Debris)
        .collect();
    // A structured document of headings only (a table of contents once its links are gone)
    // has nothing to quote.
    let nothing = match &structured {
        Some(_) => !kept.iter().any(|p| p.kind == clean::Kind::Body),
        None => kept.is_empty(),
    };
    if nothing {
        warnings.push(LoadWarning {
            path,
            kind: WarningKind::NoText,
        });
        return Built {
            document: None,
            warnings,
        };
    }
    let shorts: Vec<ShortLine> = kept
        .iter()
        .filter(|_| structured.is_none())
        .filter_map(|p| {
            clean::short_line(p).map(|line| ShortLine {
                line,
                paragraph: p.number,
                words: p.words as u32,
            })
        })
        .collect();
    // The opening is the first body paragraph kept, else the first paragraph kept. Only short
    // lines may be dropped, so an opening that is not one stands. Else the candidates run to
    // the first body paragraph that is not a short line, and past the first paragraph that
    // is not one, only body paragraphs count.
    let first = kept
        .iter()
        .position(|p| p.kind == clean::Kind::Body)
        .unwrap_or(0);
    let opening = kept[first].text.clone();
    let mut openings = Vec::new();
    if clean::is_short_line(&kept[first]) {
        let mut settled = false;
        for p in &kept {
            let body = p.kind == clean::Kind::Body;
            let short = clean::is_short_line(p);
            if settled && !body {
                continue;
            }
            let one_window = short && p.text.len() <= passage::MAX_PASSAGE_BYTES;
            openings.push(Opening {
                paragraph: p.number,
                body,
                text: (!one_window).then(|| p.text.clone()),
            });
            settled |= !short;
            if body && !short {
                break;
            }
        }
    }
    let words = kept.iter().map(|p| p.words).sum();
    let count = kept.len();
    let mut windows: Vec<(u32, bool, String)> = Vec::new();
    for p in kept {
        let heading = p.kind == clean::Kind::Heading;
        windows.extend(
            passage::windows(p.text)
                .into_iter()
                .map(|w| (p.number, heading, w)),
        );
    }
    // The document's passages, back to back in one string of the exact size.
    let mut text = String::with_capacity(windows.iter().map(|(_, _, w)| w.len()).sum());
    let mut pieces = Vec::with_capacity(windows.len());
    for (paragraph, heading, window) in windows {
        pieces.push(Piece {
            paragraph,
            heading,
            start: text.len() as u32,
            len: window.len() as u32,
        });
        text.push_str(&window);
    }
    let document = Document {
        content_hash,
        id,
        title,
        path,
        publisher: front.publisher,
        url,
        date: front.date,
        paragraphs: count,
        words,
        opening,
    };
    let prints = pieces
        .iter()
        .map(|p| passage::fingerprint(&text[p.range()]))
        .collect();
    let text = if pack {
        super::Text::pack(text)
    } else {
        super::Text::Plain(text)
    };
    Built {
        document: Some(BuiltDocument {
            document,
            text,
            pieces,
            prints,
            shorts,
            openings,
            layout,
        }),
        warnings,
    }
}

/// Takes a document's boilerplate paragraphs out: their passages, their words, and the opening
/// if it was one; a document left with nothing is skipped with a warning. Returns the number
/// of paragraphs and of bytes of passage text dropped.
fn drop_boilerplate(
    built: &mut Built,
    boilerplate: &HashSet<clean::LineHash>,
    pack: bool,
) -> (usize, usize) {
    let Some(doc) = built.document.as_mut() else {
        return (0, 0);
    };
    let shorts = std::mem::take(&mut doc.shorts);
    let openings = std::mem::take(&mut doc.openings);
    let dropped: Vec<&ShortLine> = shorts
        .iter()
        .filter(|s| boilerplate.contains(&s.line))
        .collect();
    if dropped.is_empty() {
        return (0, 0);
    }
    if dropped.len() == doc.document.paragraphs {
        let path = doc.document.path.clone();
        built.document = None;
        built.warnings.push(LoadWarning {
            path,
            kind: WarningKind::NoText,
        });
        return (dropped.len(), 0);
    }
    doc.document.paragraphs -= dropped.len();
    doc.document.words -= dropped.iter().map(|s| s.words as usize).sum::<usize>();
    let dropped: Vec<u32> = dropped.iter().map(|s| s.paragraph).collect();
    let old = doc.text.unpack();
    let keep = |piece: &Piece| dropped.binary_search(&piece.paragraph).is_err();
    let standing = |o: &&Opening| dropped.binary_search(&o.paragraph).is_err();
    let opening = (openings.iter().filter(standing).find(|o| o.body))
        .or_else(|| openings.iter().find(standing));
    if let Some(opening) = opening {
        doc.document.opening = match &opening.text {
            Some(text) => text.clone(),
            None => doc
                .pieces
                .iter()
                .find(|p| p.paragraph == opening.paragraph)
                .map(|p| old[p.range()].to_string())
                .unwrap_or_default(),
        };
    }
    let mut text = String::with_capacity(
        doc.pieces
            .iter()
            .filter(|p| keep(p))
            .map(|p| p.len as usize)
            .sum(),
    );
    let mut pieces = Vec::with_capacity(doc.pieces.len() - dropped.len());
    let mut prints = Vec::with_capacity(pieces.capacity());
    for (piece, print) in doc.pieces.iter().zip(doc.prints.drain(..)) {
        if !keep(piece) {
            continue;
        }
        pieces.push(Piece {
            start: text.len() as u32,
            ..*piece
        });
        text.push_str(&old[piece.range()]);
        prints.push(print);
    }
    let bytes = old.len() - text.len();
    drop(old);
    doc.pieces = pieces;
    doc.prints = prints;
    doc.text = if pack {
        super::Text::pack(text)
    } else {
        super::Text::Plain(text)
    };
    (dropped.len(), bytes)
}

/// Walks the folder and returns `(source id, path)` for every candidate file, sorted by id, with
/// warnings for loops, unreadable entries, id collisions, links that lead out of the folder and
/// article names that are not regular files (FIFOs, sockets, devices: never opened).
fn find_files(
    dir: &Path,
    options: &LoadOptions,
    warnings: &mut Vec<LoadWarning>,
) -> Vec<(String, PathBuf, Format)> {
    let mut files: Vec<(String, PathBuf, Format)> = Vec::new();
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mut outside = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if options.follow_links_outside || !e.path_is_symlink() {
                return true;
            }
            let Some(target) = link_outside(&root, e.path()) else {
                return true;
            };
            // Only what would have been read is worth a warning: folders and article names.
            if e.file_type().is_dir() || is_article(e.path()) {
                outside.push(LoadWarning {
                    path: e.path().to_path_buf(),
                    kind: WarningKind::LinkOutside(target),
                });
            }
            false
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                let kind = if err.loop_ancestor().is_some() {
                    WarningKind::SymlinkLoop
                } else {
                    WarningKind::Unreadable(
                        err.io_error()
                            .map(|e| e.to_string())
                            .unwrap_or_else(|| err.to_string()),
                    )
                };
                warnings.push(LoadWarning { path, kind });
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let Some(format) = Format::of(entry.path()) else {
            let config = entry.depth() == 1
                && matches!(
                    entry.file_name().to_str(),
                    Some("aliases.toml" | "sources.toml")
                );
            if !config {
                warnings.push(LoadWarning {
                    path: entry.path().to_path_buf(),
                    kind: WarningKind::NotRead(format::skip_reason(entry.path())),
                });
            }
            continue;
        };
        if !entry.file_type().is_file() {
            warnings.push(LoadWarning {
                path: entry.path().to_path_buf(),
                kind: WarningKind::NotARegularFile(special_kind(entry.file_type())),
            });
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        files.push((source_id(rel), entry.path().to_path_buf(), format));
    }
    warnings.append(&mut outside);
    files.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut unique = Vec::with_capacity(files.len());
    for (id, path, format) in files {
        if let Some(first) = seen.get(&id) {
            warnings.push(LoadWarning {
                path,
                kind: WarningKind::DuplicateId(first.display().to_string()),
            });
        } else {
            seen.insert(id.clone(), path.clone());
            unique.push((id, path, format));
        }
    }
    unique
}

/// Where a path resolves when that is outside the (canonical) corpus folder `root`; `None` when
/// it stays inside (or cannot be resolved: the walk or the read then reports why).
pub(crate) fn link_outside(root: &Path, path: &Path) -> Option<PathBuf> {
    let target = path.canonicalize().ok()?;
    (!target.starts_with(root)).then_some(target)
}

/// What a file type that is neither a regular file nor a folder is, in words.
fn special_kind(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "FIFO";
        }
        if file_type.is_socket() {
            return "socket";
        }
        if file_type.is_block_device() {
            return "block device";
        }
        if file_type.is_char_device() {
            return "character device";
        }
    }
    let _ = file_type;
    "special file"
}

/// Reads a file of the corpus folder, at most `cap` bytes, or says why not.
///
/// - Its metadata is checked before it is opened: only a regular file is opened, so a FIFO or a
///   device can never block the load or stream without end.
/// - It is opened non-blocking (where the platform allows) and checked again once open, in
///   case it was swapped for something else in between.
/// - The read goes through `take(cap + 1)`: a file that grew past the cap is reported over it,
///   never read whole.
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, WarningKind> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| WarningKind::Unreadable(e.to_string());
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(WarningKind::NotARegularFile(special_kind(meta.file_type())));
    }
    if meta.len() > cap {
        return Err(WarningKind::TooLarge {
            size: meta.len(),
            cap,
        });
    }
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.custom_flags(libc::O_NONBLOCK);
    }
    let file = open.open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(WarningKind::NotARegularFile(special_kind(meta.file_type())));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(cap) as usize);
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > cap {
        return Err(WarningKind::TooLarge {
            size: meta.len().max(bytes.len() as u64),
            cap,
        });
    }
    Ok(bytes)
}

fn is_article(path: &Path) -> bool {
    Format::of(path).is_some()
}

/// The source id of a relative path: no extension, `/` between folders.
fn source_id(rel: &Path) -> String {
    let stem = rel.with_extension("");
    stem.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The size of the largest file read. Passages address their document's text with 31-bit
/// offsets, whatever the options say (decoding never grows a file: CRLF becomes LF).
fn file_cap(options: &LoadOptions) -> u64 {
    options.max_file_bytes.min(1 << 30)
}

/// Reads and decodes one file, or says why it cannot be used.
fn read_file(
    id: &str,
    path: &Path,
    format: Format,
    options: &LoadOptions,
) -> Result<Decoded, LoadWarning> {
    let warn = |kind| LoadWarning {
        path: path.to_path_buf(),
        kind,
    };
    let bytes = read_capped(path, file_cap(options)).map_err(warn)?;
    let (text, bytes) = if format.is_text() {
        (decode(&bytes).map_err(warn)?, Vec::new())
    } else if bytes.is_empty() {
        return Err(warn(WarningKind::Empty));
    } else {
        (String::new(), bytes)
    };
    Ok(Decoded {
        id: id.to_string(),
        path: path.to_path_buf(),
        format,
        text,
        bytes,
    })
}

/// Decodes file bytes to text with `\n` line endings.
///
/// - A UTF-8 byte-order mark is dropped; CRLF and lone CR become LF.
/// - Empty or white-space-only text, NUL bytes or many control characters, and invalid UTF-8
///   (with the offset of the first bad byte in the file) are errors.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, WarningKind> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (body, skipped) = match bytes.strip_prefix(BOM) {
        Some(rest) => (rest, BOM.len()),
        None => (bytes, 0),
    };
    if body.contains(&0) {
        return Err(WarningKind::Binary);
    }
    let text = std::str::from_utf8(body).map_err(|e| WarningKind::NotUtf8 {
        offset: skipped + e.valid_up_to(),
    })?;
    if controls(text) * 20 > text.chars().count().max(1) {
        return Err(WarningKind::Binary);
    }
    if text.trim().is_empty() {
        return Err(WarningKind::Empty);
    }
    if !body.contains(&b'\r') {
        return Ok(text.to_string());
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Control characters other than line breaks, tabs and form feeds, counted by byte: C0 controls
/// and DEL are single bytes, C1 controls (U+0080 to U+009F) are `C2 80` to `C2 9F`.
fn controls(text: &str) -> usize {
    let mut count = 0;
    let mut after_c2 = false;
    for &b in text.as_bytes() {
        let control = matches!(b, 0..=8 | 0x0b | 0x0e..=0x1f | 0x7f)
            || (after_c2 && matches!(b, 0x80..=0x9f));
        count += usize::from(control);
        after_c2 = b == 0xc2;
    }
    count
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

fn hash_text(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads `files` (name, text) from a fresh folder, plain or packed.
    fn load_files(files: &[(&str, String)], pack: bool) -> (Corpus, Vec<LoadWarning>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        if pack {
            // Past the packing threshold, in files of their own under the size cap.
            let filler = "Filler words for size, one two three four five six.\n\n";
            for name in ["zz-filler1.txt", "zz-filler2.txt"] {
                std::fs::write(
                    dir.path().join(name),
                    filler.repeat(super::super::PACK_ABOVE / 2 / filler.len() + 1),
                )
                .unwrap();
            }
        }
        load_dir(dir.path(), &LoadOptions::default())
    }

    #[test]
    fn boilerplate_lines_are_dropped_after_every_document_is_read() {
        for pack in [false, true] {
            // A sentence: a body paragraph, the opening if it were not boilerplate.
            let nav = "Share this story with friends.";
            let doc = |n: usize| {
                format!(
                    "# Report {n}\n\n{nav}\n\nShort body line {n}.\n\n\
                     The long opening paragraph number {n} has enough words to be kept \
                     whatever the other documents say.\n\n{nav}\n"
                )
            };
            let files = [
                ("a.txt", doc(1)),
                ("b.txt", doc(2)),
                ("c.txt", doc(3)),
                ("d.txt", format!("{nav}\n\n{nav}\n")),
            ];
            let (corpus, warnings) = load_files(&files, pack);
            assert!(
                matches!(corpus.texts[0], super::super::Text::Packed { .. }) == pack,
                "packed: {pack}"
            );
            // The boilerplate-only document is skipped, with a warning naming it.
            assert_eq!(warnings.len(), 1, "{warnings:?}");
            assert_eq!(warnings[0].kind, WarningKind::NoText);
            assert!(warnings[0].path.ends_with("d.txt"));
            for (d, doc) in corpus.documents.iter().take(3).enumerate() {
                let texts: Vec<String> = (0..corpus.passages.len() as u32)
                    .filter(|&p| corpus.passages[p as usize].doc == d as u32)
                    .map(|p| corpus.passage_text(p).into_owned())
                    .collect();
                let n = d + 1;
                assert_eq!(texts.len(), 3, "{texts:?}");
                assert_eq!(texts[0], format!("# Report {n}"));
                assert_eq!(texts[1], format!("Short body line {n}."));
                assert!(!texts.iter().any(|t| t == nav));
                // The opening is the first body paragraph that is not boilerplate; the
                // counts leave the boilerplate out.
                assert_eq!(doc.opening, texts[1]);
                assert_eq!(doc.paragraphs, 3);
                let words: usize = texts.iter().map(|t| clean::word_count(t)).sum();
                assert_eq!(doc.words, words);
            }
        }
    }

    #[test]
    fn an_opening_past_many_short_lines_is_found() {
        let items: String = (0..40)
            .map(|i| format!("Item number {i} is here.\n\n"))
            .collect();
        let long = "a body paragraph long enough that it could never be a boilerplate line.";
        let files = [
            ("a.txt", format!("{items}Body text one ends here.\n")),
            ("b.txt", format!("{items}Body text two ends here.\n")),
            (
                "c.txt",
                format!("{items}This is {long}\n\nAnd a last line.\n"),
            ),
        ];
        for pack in [false, true] {
            let (corpus, warnings) = load_files(&files, pack);
            assert!(warnings.is_empty(), "{warnings:?}");
            // The items are in three documents, boilerplate: the opening is the line after.
            let openings: Vec<&str> = corpus.documents[..3]
                .iter()
                .map(|d| d.opening.as_str())
                .collect();
            assert_eq!(
                openings,
                [
                    "Body text one ends here.",
                    "Body text two ends here.",
                    &format!("This is {long}")
                ]
            );
            assert_eq!(corpus.documents[2].paragraphs, 2);
        }
    }

    #[test]
    fn bom_and_crlf_are_fine() {
        let text = decode(b"\xEF\xBB\xBFHello there.\r\nSecond line.\r\n").unwrap();
        assert_eq!(text, "Hello there.\nSecond line.\n");
    }

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        assert_eq!(
            decode(b"Good text \xFF more"),
            Err(WarningKind::NotUtf8 { offset: 10 })
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFab\xC3"),
            Err(WarningKind::NotUtf8 { offset: 5 })
        );
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert_eq!(decode(b"PNG\x00\x01\x02"), Err(WarningKind::Binary));
        assert_eq!(decode(b"  \n\t\n"), Err(WarningKind::Empty));
        assert_eq!(decode(b""), Err(WarningKind::Empty));
    }

    proptest::proptest! {
        #[test]
        fn controls_are_counted_as_by_character(text in "(\\PC|[\\x00-\\x1f\\x7f-\\u{9f}]){0,80}") {
            let by_character = text
                .chars()
                .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
                .count();
            proptest::prop_assert_eq!(controls(&text), by_character);
        }
    }

    #[test]
    fn source_ids_are_relative_stems() {
        assert_eq!(source_id(Path::new("a/b/c.txt")), "a/b/c");
        assert_eq!(source_id(Path::new("top.md")), "top");
    }
}

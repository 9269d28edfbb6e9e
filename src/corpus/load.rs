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

use super::{clean, meta, passage, Corpus, Document, LoadOptions, LoadWarning, WarningKind};

/// A file that decoded to text, before parsing.
struct Decoded {
    id: String,
    path: PathBuf,
    text: String,
}

/// Loads every `.txt` and `.md` file under `dir` (recursively, hidden entries skipped).
///
/// - Source ids are relative paths without extension, `/`-separated.
/// - Unusable files (not UTF-8, empty, binary, over the cap, unreadable, symlink loops) are
///   skipped with a warning; the rest load.
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
    let files = find_files(dir, &mut warnings);
    // Which short lines are boilerplate takes every document to tell, and holding every
    // parsed document until then would hold the corpus twice over. So files are read twice,
    // in parallel each time: first for their short lines (a hash each), then to build them,
    // each file's text dropped as soon as it is built.
    let mut readable = Vec::with_capacity(files.len());
    let mut short_lines = Vec::with_capacity(files.len());
    let first: Vec<Result<(usize, Vec<clean::LineHash>), LoadWarning>> = files
        .par_iter()
        .map(|(id, path)| {
            read_file(id, path, options)
                .map(|doc| (doc.text.len(), clean::short_lines(&parse(doc).paragraphs)))
        })
        .collect();
    let mut bytes = 0;
    for (file, item) in files.iter().zip(first) {
        match item {
            Ok((len, lines)) => {
                readable.push(file);
                short_lines.push(lines);
                bytes += len;
            }
            Err(warning) => warnings.push(warning),
        }
    }
    let boilerplate = clean::boilerplate(short_lines.iter().map(Vec::as_slice));
    drop(short_lines);
    steps.done("first read (short lines, boilerplate)");
    // A large corpus is packed as each document is built, so that its plain text is never
    // held whole; passages are fingerprinted for duplicate detection before that.
    let pack = bytes > super::PACK_ABOVE;
    let built: Vec<Built> = readable
        .par_iter()
        .map(|(id, path)| match read_file(id, path, options) {
            Ok(doc) => {
                let content_hash = hash_text(&doc.text);
                build_document(parse(doc), content_hash, &boilerplate, pack)
            }
            // Changed since the first read.
            Err(warning) => Built {
                document: None,
                warnings: vec![warning],
            },
        })
        .collect();
    steps.done("second read (documents, passages)");
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
        }) = built.document
        else {
            continue;
        };
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
    (corpus, warnings)
}

/// A document's text, parsed.
struct Parsed {
    id: String,
    path: PathBuf,
    front: meta::FrontMatter,
    paragraphs: Vec<clean::Paragraph>,
    problem: Option<String>,
}

/// A passage before it joins the corpus: where it stands in its document's text.
struct Piece {
    paragraph: u32,
    heading: bool,
    start: u32,
    len: u32,
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
}

fn parse(doc: Decoded) -> Parsed {
    let (front, body) = meta::split_front_matter(&doc.text);
    let (front, problem) = match front {
        Ok(front) => (front, None),
        Err(why) => (meta::FrontMatter::default(), Some(why)),
    };
    let paragraphs = clean::paragraphs(body);
    Parsed {
        id: doc.id,
        path: doc.path,
        front,
        paragraphs,
        problem,
    }
}

fn build_document(
    parsed: Parsed,
    content_hash: u64,
    boilerplate: &HashSet<clean::LineHash>,
    pack: bool,
) -> Built {
    let Parsed {
        id,
        path,
        front,
        paragraphs,
        problem,
        ..
    } = parsed;
    let mut warnings = Vec::new();
    if let Some(why) = problem {
        warnings.push(LoadWarning {
            path: path.clone(),
            kind: WarningKind::BadFrontMatter(why),
        });
    }
    let keep: Vec<bool> = paragraphs
        .iter()
        .map(|p| p.kind != clean::Kind::Debris && !clean::is_boilerplate(p, boilerplate))
        .collect();
    let kept: Vec<&clean::Paragraph> = paragraphs
        .iter()
        .zip(&keep)
        .filter_map(|(p, &keep)| keep.then_some(p))
        .collect();
    if kept.is_empty() {
        warnings.push(LoadWarning {
            path,
            kind: WarningKind::NoText,
        });
        return Built {
            document: None,
            warnings,
        };
    }
    let title = front
        .title
        .clone()
        .unwrap_or_else(|| meta::derive_title(&paragraphs, &id));
    let opening = kept
        .iter()
        .find(|p| p.kind == clean::Kind::Body)
        .or(kept.first())
        .map(|p| p.text.clone())
        .unwrap_or_default();
    let words = kept.iter().map(|p| p.words).sum();
    let count = kept.len();
    let mut windows: Vec<(u32, bool, String)> = Vec::new();
    for (p, _) in paragraphs.into_iter().zip(keep).filter(|(_, keep)| *keep) {
        let heading = p.kind == clean::Kind::Heading;
        windows.extend(
            passage::windows(p.text)
                .into_iter()
                .map(|w| (p.number, heading, w)),
        );
    }
    // The document's passages, back to back in one string of the exact size.
    let mut text = String::with_capacity(windows.iter().map(|(_, _, w)| w.len()).sum());
    let mut passages = Vec::with_capacity(windows.len());
    for (paragraph, heading, window) in windows {
        passages.push(Piece {
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
        url: front.url,
        date: front.date,
        paragraphs: count,
        words,
        opening,
    };
    let prints = passages
        .iter()
        .map(|p| passage::fingerprint(&text[p.start as usize..(p.start + p.len) as usize]))
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
            pieces: passages,
            prints,
        }),
        warnings,
    }
}

/// Walks the folder and returns `(source id, path)` for every candidate file, sorted by id, with
/// warnings for loops, unreadable entries and id collisions.
fn find_files(dir: &Path, warnings: &mut Vec<LoadWarning>) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
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
        if !entry.file_type().is_file() || !is_article(entry.path()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        files.push((source_id(rel), entry.path().to_path_buf()));
    }
    files.sort();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut unique = Vec::with_capacity(files.len());
    for (id, path) in files {
        if let Some(first) = seen.get(&id) {
            warnings.push(LoadWarning {
                path,
                kind: WarningKind::DuplicateId(first.display().to_string()),
            });
        } else {
            seen.insert(id.clone(), path.clone());
            unique.push((id, path));
        }
    }
    unique
}

fn is_article(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

/// The source id of a relative path: no extension, `/` between folders.
fn source_id(rel: &Path) -> String {
    let stem = rel.with_extension("");
    stem.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads and decodes one file, or says why it cannot be used.
fn read_file(id: &str, path: &Path, options: &LoadOptions) -> Result<Decoded, LoadWarning> {
    let warn = |kind| LoadWarning {
        path: path.to_path_buf(),
        kind,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| warn(WarningKind::Unreadable(e.to_string())))?
        .len();
    // Passages address their document's text with 31-bit offsets, whatever the cap says
    // (decoding Latin-1 or UTF-16 at most doubles a file's size).
    let cap = options.max_file_bytes.min(1 << 30);
    if size > cap {
        return Err(warn(WarningKind::TooLarge { size, cap }));
    }
    let bytes = std::fs::read(path).map_err(|e| warn(WarningKind::Unreadable(e.to_string())))?;
    let text = decode(&bytes).map_err(warn)?;
    Ok(Decoded {
        id: id.to_string(),
        path: path.to_path_buf(),
        text,
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

fn hash_text(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

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

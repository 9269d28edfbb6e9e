//! The formats a corpus folder may hold, read as a reader sees them: MDX and Markdown (an
//! mdBook chapter and its table of contents), HTML, PDF; files that are not read are named;
//! and every citation names the block (or page) its quote lies in.

use std::fs;
use std::path::{Path, PathBuf};

use citebot_engine::{AskOptions, LoadOptions, Snapshot, WarningKind};

use crate::support::shared;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

fn load(dir: &Path) -> Snapshot {
    Snapshot::load(dir, &LoadOptions::default())
}

/// Every passage of a document: its text and section.
fn passages(snapshot: &Snapshot, id: &str) -> Vec<(String, Option<String>)> {
    let corpus = snapshot.corpus();
    let doc = corpus.documents.iter().position(|d| d.id == id).unwrap() as u32;
    (0..corpus.passages.len() as u32)
        .filter(|&p| corpus.passages[p as usize].doc == doc)
        .map(|p| {
            (
                corpus.passage_text(p).into_owned(),
                corpus.section(p).map(str::to_string),
            )
        })
        .collect()
}

fn all_text(snapshot: &Snapshot) -> String {
    let corpus = snapshot.corpus();
    (0..corpus.passages.len() as u32)
        .map(|p| corpus.passage_text(p).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_mdx_page_reads_as_its_reader_sees_it() {
    let snapshot = load(&fixtures());
    let doc = snapshot.document("embed").expect("the .mdx page loads");
    assert_eq!(doc.title, "Embeds");
    assert_eq!(doc.date.as_deref(), Some("2024-03-05"));
    let passages = passages(&snapshot, "embed");
    let texts: Vec<&str> = passages.iter().map(|(t, _)| t.as_str()).collect();
    for never in [
        "import",
        "export",
        "snippets",
        "Secret card prop",
        "href",
        "MDX comment",
        "|",
        "<",
        "{",
    ] {
        assert!(
            !texts.iter().any(|t| t.contains(never)),
            "{never:?} quoted: {texts:#?}"
        );
    }
    let has = |text: &str, section: Option<&str>| {
        passages
            .iter()
            .any(|(t, s)| t == text && s.as_deref() == section)
    };
    assert!(has(
        "An embed is a rich preview attached to a message.",
        Some("Embed")
    ));
    assert!(has(
        "Note: Embeds sent by bots can hold up to ten embeds in one message.",
        Some("Embed")
    ));
    assert!(has(
        "footer.text · 2048 characters",
        Some("Embed › Embed Limits")
    ));
    assert!(has(
        "The limits that apply to every embed include the ability to:\n- set a title of 256 characters\n- set a description of 4096 characters",
        Some("Embed › Embed Limits")
    ));
    // Front matter a reader may ask about is searchable.
    assert!(has("date: 2024-03-05", None));
    assert!(has("tags: messages, embeds", None));
    assert!(has("How rich embeds are sent with a message.", None));

    // A short table row is one findable passage, cited with its section.
    let answer = snapshot.ask("footer.text 2048 characters", &AskOptions::default());
    let top = &answer.quotes[0];
    assert_eq!(top.text, "footer.text · 2048 characters");
    assert_eq!(top.section.as_deref(), Some("Embed › Embed Limits"));
    // Its ¶ is the blank-line block of the table in the file (front matter is block 1).
    let file = fs::read_to_string(fixtures().join("embed.mdx")).unwrap();
    let blocks: Vec<&str> = file.split("\n\n").collect();
    assert!(blocks[top.paragraph as usize - 1].contains("| footer.text | 2048 characters |"));
    // The section's words find a passage whose text lacks them.
    let answer = snapshot.ask("embed limits for fields", &AskOptions::default());
    assert!(answer
        .quotes
        .iter()
        .any(|q| q.text.contains("Up to 25 field objects")));
}

#[test]
fn an_mdbook_chapter_is_titled_by_its_first_heading_and_its_contents_page_is_debris() {
    let snapshot = load(&fixtures());
    let chapter = snapshot.document("book/installation").unwrap();
    assert_eq!(chapter.title, "Installation");
    assert!(
        snapshot.document("book/SUMMARY").is_none(),
        "a table of contents has nothing to quote"
    );
    assert!(snapshot
        .warnings()
        .iter()
        .any(|w| w.path.ends_with("SUMMARY.md") && w.kind == WarningKind::NoText));
    let passages = passages(&snapshot, "book/installation");
    assert!(passages
        .iter()
        .any(|(t, s)| t.starts_with("If you are using Linux or macOS")
            && s.as_deref() == Some("Installation › Installing rustup on Linux or macOS")));
    assert!(passages
        .iter()
        .any(|(t, _)| t.starts_with("Note: You will also need a linker")));
    let text = all_text(&snapshot);
    for never in ["{{#", "Foreword", "Hello, World!", "> [!NOTE]", "```"] {
        assert!(!text.contains(never), "{never:?} quoted");
    }
}

#[test]
fn an_html_page_gives_its_main_content_title_and_canonical_url() {
    let snapshot = load(&fixtures());
    let doc = snapshot.document("site/page").unwrap();
    assert_eq!(doc.title, "Gateway Intents · Example Docs");
    assert_eq!(
        doc.url.as_deref(),
        Some("https://docs.example.org/topics/gateway#intents")
    );
    let passages = passages(&snapshot, "site/page");
    assert!(passages
        .iter()
        .any(|(t, s)| t == "MESSAGE_CONTENT · 1 << 15"
            && s.as_deref() == Some("Gateway › Gateway Intents")));
    let text = all_text(&snapshot);
    for never in [
        "Site banner",
        "OAuth2",
        "trackingSecret",
        "font-family",
        "Related pages",
        "Copyright",
    ] {
        assert!(!text.contains(never), "{never:?} quoted");
    }
    let answer = snapshot.ask(
        "Which intent has the value 1 << 15?",
        &AskOptions::default(),
    );
    assert!(answer
        .quotes
        .iter()
        .any(|q| q.text.contains("MESSAGE_CONTENT")));
}

/// A PDF of one page per text, in the Courier core font (pdf-extract knows its metrics).
fn pdf(pages: &[&str]) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for text in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("Td", vec![72.into(), 700.into()]),
        ];
        if !text.is_empty() {
            operations.push(Operation::new("Tj", vec![Object::string_literal(*text)]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let content = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn a_pdf_is_read_page_by_page_and_a_scan_or_a_broken_one_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let report = pdf(&[
        "Harvest report for the valley",
        "The harvest reached nine thousand tonnes in the valley.",
    ]);
    assert!(
        report.len() < 8 * 1024,
        "a small fixture: {} bytes",
        report.len()
    );
    fs::write(dir.path().join("report.pdf"), &report).unwrap();
    fs::write(dir.path().join("scan.pdf"), pdf(&["", ""])).unwrap();
    fs::write(
        dir.path().join("broken.pdf"),
        b"%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 9 0 R",
    )
    .unwrap();
    let mut truncated = report.clone();
    truncated.truncate(report.len() / 2);
    fs::write(dir.path().join("truncated.pdf"), truncated).unwrap();
    let snapshot = load(dir.path());
    let answer = snapshot.ask(
        "How many tonnes did the harvest reach?",
        &AskOptions::default(),
    );
    let top = &answer.quotes[0];
    assert_eq!(top.source, "report");
    assert_eq!(
        top.text,
        "The harvest reached nine thousand tonnes in the valley."
    );
    assert!(top.page);
    assert_eq!((top.paragraph, top.place()), (2, "p. 2".to_string()));
    let warned = |name: &str| {
        snapshot
            .warnings()
            .iter()
            .find(|w| w.path.ends_with(name))
            .map(|w| (w.kind.clone(), w.to_string()))
    };
    let (kind, text) = warned("scan.pdf").expect("the scan is named");
    assert_eq!(kind, WarningKind::ScannedPdf);
    assert!(text.contains("scanned PDF without text"));
    for broken in ["broken.pdf", "truncated.pdf"] {
        let (kind, _) = warned(broken).unwrap_or_else(|| panic!("{broken} is named"));
        assert!(
            matches!(kind, WarningKind::Unparsable(_)),
            "{broken}: {kind:?}"
        );
    }
    // The size cap holds for PDFs too.
    let capped = Snapshot::load(
        dir.path(),
        &LoadOptions {
            max_file_bytes: 100,
            ..LoadOptions::default()
        },
    );
    assert!(capped
        .warnings()
        .iter()
        .any(|w| w.path.ends_with("report.pdf") && matches!(w.kind, WarningKind::TooLarge { .. })));
}

#[test]
fn every_file_not_read_is_named_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("logo.png", &b"\x89PNG"[..]),
        ("notes.docx", b"PK"),
        ("guide.rst", b"Title\n=====\n\nText.\n"),
        (
            "aliases.toml",
            b"[[group]]\nnames = [\"Kabul\", \"Kabol\"]\n",
        ),
        ("sources.toml", b""),
        (".hidden.docx", b"PK"),
    ] {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    let snapshot = load(dir.path());
    let mut said: Vec<String> = snapshot.warnings().iter().map(|w| w.to_string()).collect();
    said.sort();
    assert_eq!(said.len(), 4, "{said:#?}");
    assert!(said[0].contains("guide.rst") && said[0].contains("reStructuredText"));
    assert!(said[1].contains("logo.png: image; skipped"));
    assert!(said[2].contains("notes.docx: unsupported format .docx; skipped"));
    assert!(
        said[3].contains("no readable file (found 1 .docx, 1 .png, 1 .rst)"),
        "{}",
        said[3]
    );
    let summary = citebot_engine::summary_by_extension(snapshot.documents(), snapshot.warnings());
    let docx = summary.iter().find(|c| c.extension == ".docx").unwrap();
    assert_eq!((docx.read, docx.skipped), (0, 1));
}

/// Text folded for comparison: lower case, words of letters and digits only.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The blank-line blocks of a file, as `score.py` and a reader count them.
fn blocks_of(file: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    for line in file.lines() {
        if line.trim_matches([' ', '\t']).is_empty() {
            if !current.trim().is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
            current.clear();
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.trim().is_empty() {
        blocks.push(current);
    }
    blocks
}

/// Whether `quote`'s words lie, in order, in the blank-line blocks of `file` from block `n`
/// on, starting inside block `n` (a list quoted with the sentence that introduces it runs
/// into the next blocks) and, for plain text, inside block `n` alone.
fn lies_in_block(file: &str, n: u32, quote: &str, plain: bool) -> bool {
    let blocks = blocks_of(file);
    let Some(first) = blocks.get(n as usize - 1) else {
        return false;
    };
    let quote = words(&quote.replace('…', " "));
    let Some(head) = quote.first() else {
        return true;
    };
    let in_first = words(first);
    if !in_first.contains(head) {
        return false;
    }
    let span = if plain { 1 } else { 4 };
    let text: Vec<String> = blocks[n as usize - 1..(n as usize - 1 + span).min(blocks.len())]
        .iter()
        .flat_map(|b| words(b))
        .collect();
    let mut at = 0;
    quote
        .iter()
        .all(|w| match text[at..].iter().position(|t| t == w) {
            Some(i) => {
                at += i + 1;
                true
            }
            None => false,
        })
}

/// Asks each question and checks each quote's citation against the file it names.
fn check_citations(dir: &Path, questions: &[String]) -> usize {
    let snapshot = load(dir);
    let mut checked = 0;
    for question in questions {
        for quote in snapshot.ask(question, &AskOptions::default()).quotes {
            let doc = snapshot.document(&quote.source).unwrap();
            if quote.page || doc.path.extension().is_some_and(|e| e == "html") {
                continue;
            }
            let file = fs::read_to_string(&doc.path).unwrap().replace("\r\n", "\n");
            let plain = doc.path.extension().is_some_and(|e| e == "txt");
            assert!(
                lies_in_block(&file, quote.paragraph, &quote.text, plain),
                "{question:?}: {} ¶{} does not hold {:?}",
                quote.source,
                quote.paragraph,
                quote.text
            );
            checked += 1;
        }
    }
    checked
}

fn questions(path: &Path, take: usize) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(take)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["question"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn every_citation_names_the_block_its_quote_lies_in() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = [
        "footer.text 2048 characters",
        "What is an embed?",
        "How do I install rustup on Linux?",
        "Why do I need a linker?",
        "When was the embeds page published?",
        "What limits apply to every embed?",
    ];
    let docs: Vec<String> = docs.iter().map(|q| q.to_string()).collect();
    assert!(check_citations(&fixtures(), &docs) > 0);
    if let Some(dev) = shared::eval_path("dev.jsonl") {
        let checked = check_citations(&root.join("corpus"), &questions(&dev, usize::MAX));
        assert!(checked > 40, "{checked}");
    }
    for set in ["squad-dev", "newsqa-dev", "wikiqa-train"] {
        if let Some(dir) = shared::eval_path(set) {
            let checked = check_citations(
                &dir.join("corpus"),
                &questions(&dir.join("questions.jsonl"), 60),
            );
            assert!(checked > 20, "{set}: {checked}");
        }
    }
}

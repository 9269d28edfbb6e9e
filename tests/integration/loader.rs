//! Loading a corpus folder: bad files are skipped with a warning naming them, the rest loads,
//! debris never becomes a passage and real sentences always do; no input makes it panic.

use std::fs;
use std::path::Path;

use citebot_engine::{AskOptions, ErrorKind, Library, LoadOptions, Snapshot, WarningKind};
use proptest::prelude::*;

const ARTICLE: &str = "Headline about the harvest festival\n\nThe harvest festival drew nine thousand visitors to the valley this year.\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn kinds(snapshot: &Snapshot) -> Vec<(String, WarningKind)> {
    snapshot
        .warnings()
        .iter()
        .map(|w| {
            (
                w.path.file_name().unwrap().to_string_lossy().into_owned(),
                w.kind.clone(),
            )
        })
        .collect()
}

#[test]
fn broken_files_are_skipped_with_a_warning_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.txt", ARTICLE.as_bytes());
    write(
        dir.path(),
        "latin1.txt",
        b"Caf\xe9 society was the topic of the day.",
    );
    write(dir.path(), "empty.md", b"  \n");
    write(dir.path(), "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00");
    write(
        dir.path(),
        "huge.txt",
        "A long sentence of text. ".repeat(100).as_bytes(),
    );
    write(dir.path(), "notes.json", b"{}");
    let options = LoadOptions {
        max_file_bytes: 1000,
        ..LoadOptions::default()
    };
    let snapshot = Snapshot::load(dir.path(), &options);
    let ids: Vec<&str> = snapshot.documents().iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, vec!["good"]);
    let warnings = kinds(&snapshot);
    assert!(warnings.contains(&("latin1.txt".into(), WarningKind::NotUtf8 { offset: 3 })));
    assert!(warnings.contains(&("empty.md".into(), WarningKind::Empty)));
    assert!(warnings.contains(&("image.txt".into(), WarningKind::Binary)));
    assert!(warnings.contains(&(
        "huge.txt".into(),
        WarningKind::TooLarge {
            size: 2500,
            cap: 1000
        }
    )));
    // A file of a format that is not read is named too.
    assert!(warnings.contains(&(
        "notes.json".into(),
        WarningKind::NotRead("unsupported format .json".into())
    )));
    assert_eq!(warnings.len(), 5, "{warnings:?}");
    let shown = snapshot
        .warnings()
        .iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        shown.contains("latin1.txt: not UTF-8 (invalid byte at offset 3)"),
        "{shown}"
    );
}

#[test]
fn bom_crlf_and_nested_folders_load_with_stable_ids() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b/inner/deep.txt", b"\xEF\xBB\xBFDeep headline for the nested file\r\n\r\nA nested article has its own sentence here.\r\n");
    write(dir.path(), "a.md", ARTICLE.as_bytes());
    let snapshot = Snapshot::load(dir.path(), &LoadOptions::default());
    let ids: Vec<&str> = snapshot.documents().iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, vec!["a", "b/inner/deep"]);
    assert_eq!(
        snapshot.documents()[1].title,
        "Deep headline for the nested file"
    );
    assert!(snapshot.warnings().is_empty(), "{:?}", snapshot.warnings());
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_not_followed_forever() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sub/a.txt", ARTICLE.as_bytes());
    std::os::unix::fs::symlink(dir.path().join("sub"), dir.path().join("sub/loop")).unwrap();
    let snapshot = Snapshot::load(dir.path(), &LoadOptions::default());
    assert_eq!(snapshot.documents().len(), 1);
    assert!(snapshot
        .warnings()
        .iter()
        .any(|w| w.kind == WarningKind::SymlinkLoop));
}

#[test]
fn front_matter_overrides_the_derived_title() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "x.md",
        b"---\ntitle: Festival report\npublisher: Valley News\nurl: https://example.org/f\ndate: 2024-05-01\n---\nSECTION\n\nThe harvest festival drew nine thousand visitors to the valley this year.\n",
    );
    let snapshot = Snapshot::load(dir.path(), &LoadOptions::default());
    let doc = &snapshot.documents()[0];
    assert_eq!(doc.title, "Festival report");
    assert_eq!(doc.publisher.as_deref(), Some("Valley News"));
    assert_eq!(doc.date.as_deref(), Some("2024-05-01"));
}

/// A README as crates publish them: badges, an HTML logo, link reference definitions.
const README: &str = r#"[![Crates.io][crates-badge]][crates-url] [![Docs][docs-badge]][docs-url]

# [Harvest](https://example.org/harvest) &emsp; [![Build Status]][actions]

<div align="center">
 <img src="https://example.org/logo.png" width="250">
</div>

Harvest counts the visitors of a festival and reports them by valley.

[crates-badge]: https://img.shields.io/crates/v/harvest.svg
[crates-url]: https://crates.io/crates/harvest
[docs-badge]: https://docs.rs/harvest/badge.svg
[docs-url]: https://docs.rs/harvest

Usage
-----

Call `count_visitors` with the valley's name to get its visitors this year.
"#;

#[test]
fn markdown_that_renders_as_nothing_is_never_quoted_and_the_opening_heading_is_the_title() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", README.as_bytes());
    let snapshot = Snapshot::load(dir.path(), &LoadOptions::default());
    let doc = &snapshot.documents()[0];
    assert_eq!(doc.title, "Harvest");
    let all = AskOptions { top: 50, offset: 0 };
    for question in [
        "crates badge docs url",
        "shields harvest svg",
        "logo png center",
    ] {
        let answer = snapshot.ask(question, &all);
        assert!(
            answer
                .quotes
                .iter()
                .all(|q| !q.text.contains("https://") && !q.text.contains('<')),
            "{question}: markup was quoted: {:?}",
            answer.quotes
        );
    }
    for (question, sentence) in [
        (
            "how are festival visitors reported",
            "Harvest counts the visitors of a festival and reports them by valley.",
        ),
        (
            "count_visitors",
            "Call `count_visitors` with the valley's name to get its visitors this year.",
        ),
    ] {
        let answer = snapshot.ask(question, &all);
        assert!(
            answer.quotes.iter().any(|q| q.text.contains(sentence)),
            "{question}: {sentence} was lost: {:?}",
            answer.quotes
        );
    }
}

#[test]
fn scrape_debris_is_never_quoted_and_real_sentences_are() {
    let snapshot = Snapshot::load("corpus".as_ref(), &LoadOptions::default());
    let all = AskOptions { top: 50, offset: 0 };
    for debris in [
        "MOST READ",
        "Exit mobile version",
        "Post a Comment",
        "Top Bottom",
        "SENIOR MEMBER",
        "Users Who Are Viewing",
    ] {
        let answer = snapshot.ask(debris, &all);
        assert!(
            answer.quotes.iter().all(|q| !q.text.contains(debris)),
            "{debris} was quoted: {:?}",
            answer.quotes
        );
    }
    for sentence in [
        "This explains a lot.",
        "It should have been very easy.",
        "Hate to say it, but I told you so!",
    ] {
        let answer = snapshot.ask(sentence, &all);
        assert!(
            answer.quotes.iter().any(|q| q.text.contains(sentence)),
            "{sentence} was lost"
        );
    }
}

#[test]
fn bad_alias_entries_are_warnings_and_good_ones_work() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", b"Feature headline on the wolves\n\nThe grey wolf pack returned to the northern valley in spring.\n");
    write(
        dir.path(),
        "aliases.toml",
        b"[[group]]\nnames = [\"grey wolf\", \"Canis lupus\"]\n[[group]]\nnames = [\"alone\"]\n",
    );
    let snapshot = Snapshot::load(dir.path(), &LoadOptions::default());
    assert!(snapshot
        .warnings()
        .iter()
        .any(|w| matches!(w.kind, WarningKind::BadAlias(_))));
    let answer = snapshot.ask(
        "where did the canis lupus pack return",
        &AskOptions::default(),
    );
    assert!(answer.is_answered(), "{answer:?}");
}

#[test]
fn a_failed_reload_keeps_the_corpus_that_was_serving() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", ARTICLE.as_bytes());
    let library = Library::new(
        Snapshot::load(dir.path(), &LoadOptions::default()),
        LoadOptions::default(),
    );
    fs::remove_file(dir.path().join("a.txt")).unwrap();
    write(dir.path(), "b.txt", b"\xff\xfe broken");
    let err = library.reload().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NoDocuments { .. }));
    assert_eq!(library.snapshot().documents()[0].id, "a");
    write(
        dir.path(),
        "c.txt",
        ARTICLE.replace("nine", "ten").as_bytes(),
    );
    let report = library.reload().unwrap();
    assert_eq!(report.added, vec!["c"]);
    assert_eq!(report.removed, vec!["a"]);
    assert_eq!(report.skipped.len(), 1);
    assert!(library
        .snapshot()
        .ask(
            "how many visitors came to the harvest festival",
            &AskOptions::default()
        )
        .is_answered());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_file_content_makes_loading_or_asking_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        text in "\\PC{0,400}",
        question in "\\PC{0,200}",
    ) {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "bytes.txt", &bytes);
        write(dir.path(), "text.md", text.as_bytes());
        write(dir.path(), "aliases.toml", text.as_bytes());
        let snapshot = Snapshot::load(dir.path(), &LoadOptions::default());
        let answer = snapshot.ask(&question, &AskOptions { top: 5, offset: 1 });
        prop_assert!(answer.quotes.len() <= 5);
        for q in &answer.quotes {
            for [s, e] in &q.highlights {
                prop_assert!(s < e && *e <= q.text.len());
            }
        }
    }
}

//! A corpus folder as someone hostile could leave it: links out of it, FIFOs, devices, huge or
//! malformed alias files. Nothing outside the folder is quoted, nothing blocks, every skipped
//! file is named, and an unusable `aliases.toml` keeps the aliases that were serving.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use citebot_engine::{AskOptions, Library, LoadOptions, LoadWarning, Snapshot, WarningKind};

const ARTICLE: &str = "Headline about the harvest festival\n\nThe harvest festival drew nine thousand visitors to the valley this year.\n";
const SECRET: &str =
    "Vault notes\n\nThe secret password of the zebra vault is marmalade seventeen.\n";
const WOLVES: &str = "Feature headline on the wolves\n\nThe grey wolf pack returned to the northern valley in spring.\n";
const ALIASES: &str = "[[group]]\nnames = [\"grey wolf\", \"Canis lupus\"]\n";

fn named<'a>(warnings: &'a [LoadWarning], name: &str) -> Vec<&'a WarningKind> {
    warnings
        .iter()
        .filter(|w| w.path.file_name().is_some_and(|n| n == name))
        .map(|w| &w.kind)
        .collect()
}

/// Loads `dir` on another thread and fails the test if that takes more than ten seconds.
fn load_promptly(dir: &Path, options: LoadOptions) -> Snapshot {
    let (send, receive) = mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let _ = send.send(Snapshot::load(&dir, &options));
    });
    receive
        .recv_timeout(Duration::from_secs(10))
        .expect("loading the folder blocked for ten seconds")
}

/// Makes a FIFO with the `mkfifo` command; `false` (and a note) where there is none.
fn mkfifo(path: &Path) -> bool {
    match std::process::Command::new("mkfifo").arg(path).status() {
        Ok(status) if status.success() => true,
        other => {
            eprintln!("note: mkfifo unavailable ({other:?}); FIFO case skipped");
            false
        }
    }
}

#[test]
fn links_that_lead_out_of_the_folder_are_not_followed_and_each_is_named() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), SECRET).unwrap();
    fs::create_dir(outside.path().join("vault")).unwrap();
    fs::write(outside.path().join("vault/notes.txt"), SECRET).unwrap();
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("festival.txt"), ARTICLE).unwrap();
    fs::create_dir(dir.path().join("inner")).unwrap();
    fs::write(dir.path().join("inner/wolves.txt"), WOLVES).unwrap();
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, dir.path().join(name)).unwrap()
    };
    link(&outside.path().join("secret.txt"), "passwd.txt");
    link(&outside.path().join("vault"), "vault");
    // A link that stays inside the folder is still followed.
    link(&dir.path().join("inner"), "also-inner");

    let snapshot = load_promptly(dir.path(), LoadOptions::default());
    let ids: Vec<&str> = snapshot.documents().iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, vec!["also-inner/wolves", "festival", "inner/wolves"]);
    let answer = snapshot.ask(
        "what is the secret password of the zebra vault",
        &AskOptions::default(),
    );
    assert!(
        answer.quotes.iter().all(|q| !q.text.contains("marmalade")),
        "{answer:?}"
    );
    let warnings = snapshot.warnings();
    for name in ["passwd.txt", "vault"] {
        assert!(
            matches!(named(warnings, name)[..], [WarningKind::LinkOutside(_)]),
            "{name}: {warnings:?}"
        );
        let shown = warnings
            .iter()
            .find(|w| w.path.ends_with(name))
            .unwrap()
            .to_string();
        assert!(shown.contains("outside the corpus folder"), "{shown}");
    }

    let trusting = LoadOptions {
        follow_links_outside: true,
        ..LoadOptions::default()
    };
    let snapshot = load_promptly(dir.path(), trusting);
    assert!(snapshot.document("passwd").is_some());
    assert!(snapshot.document("vault/notes").is_some());
}

#[test]
fn a_fifo_as_an_article_or_as_the_alias_file_is_named_and_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("festival.txt"), ARTICLE).unwrap();
    if !mkfifo(&dir.path().join("pipe.txt")) || !mkfifo(&dir.path().join("aliases.toml")) {
        return;
    }
    let snapshot = load_promptly(dir.path(), LoadOptions::default());
    assert_eq!(snapshot.documents().len(), 1);
    let warnings = snapshot.warnings();
    assert_eq!(
        named(warnings, "pipe.txt"),
        vec![&WarningKind::NotARegularFile("FIFO")],
        "{warnings:?}"
    );
    match named(warnings, "aliases.toml")[..] {
        [WarningKind::AliasesNotLoaded {
            why,
            kept_groups: 0,
        }] => {
            assert!(why.contains("FIFO"), "{why}")
        }
        _ => panic!("{warnings:?}"),
    }
}

#[test]
fn an_alias_file_is_read_no_further_than_the_size_cap() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("wolves.txt"), WOLVES).unwrap();
    // A device that never ends, even when links out are followed: never opened.
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("aliases.toml")).unwrap();
    let trusting = LoadOptions {
        follow_links_outside: true,
        ..LoadOptions::default()
    };
    let snapshot = load_promptly(dir.path(), trusting);
    assert!(
        matches!(named(snapshot.warnings(), "aliases.toml")[..], [WarningKind::AliasesNotLoaded { why, .. }] if why.contains("character device")),
        "{:?}",
        snapshot.warnings()
    );
    fs::remove_file(dir.path().join("aliases.toml")).unwrap();
    fs::write(dir.path().join("aliases.toml"), ALIASES.repeat(100)).unwrap();
    let small = LoadOptions {
        max_file_bytes: 1000,
        ..LoadOptions::default()
    };
    let snapshot = load_promptly(dir.path(), small);
    assert!(
        matches!(named(snapshot.warnings(), "aliases.toml")[..], [WarningKind::AliasesNotLoaded { why, .. }] if why.contains("cap")),
        "{:?}",
        snapshot.warnings()
    );
}

#[test]
fn a_malformed_alias_file_keeps_the_aliases_that_were_serving_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("wolves.txt"), WOLVES).unwrap();
    fs::write(dir.path().join("aliases.toml"), ALIASES).unwrap();
    let library = Library::new(
        Snapshot::load(dir.path(), &LoadOptions::default()),
        LoadOptions::default(),
    );
    let question = "where did the canis lupus pack return";
    let before = library.snapshot().ask(question, &AskOptions::default());
    assert!(before.is_answered(), "{before:?}");

    fs::write(
        dir.path().join("aliases.toml"),
        "[[group]]\nnames = [\"grey wolf\" \"Canis lupus\"]\n",
    )
    .unwrap();
    let report = library.reload().unwrap();
    let shown: Vec<String> = report.skipped.iter().map(|w| w.to_string()).collect();
    match named(&report.skipped, "aliases.toml")[..] {
        [WarningKind::AliasesNotLoaded {
            why,
            kept_groups: 1,
        }] => {
            assert!(why.starts_with("not valid TOML at line 2, column"), "{why}")
        }
        _ => panic!("{shown:?}"),
    }
    assert!(
        shown
            .iter()
            .any(|s| s.contains("1 alias group that was serving is kept")),
        "{shown:?}"
    );
    let after = library.snapshot().ask(question, &AskOptions::default());
    assert_eq!(after.quotes, before.quotes);

    // At first start nothing was serving: no aliases, and the warning says so.
    let snapshot = Snapshot::load(dir.path(), &LoadOptions::default());
    let shown: Vec<String> = snapshot.warnings().iter().map(|w| w.to_string()).collect();
    assert!(
        shown.iter().any(|s| s.contains("no aliases are in use")),
        "{shown:?}"
    );
    assert!(snapshot.aliases().is_empty());
}

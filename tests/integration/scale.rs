//! Behaviour at scale, on a generated 10× corpus (`synth`): the generator is
//! deterministic, the corpus loads whole, questions about its sentences are answered with verbatim
//! quotes, and answers do not depend on when or how often the corpus was loaded. No timings here:
//! `cargo bench --bench scale` measures those.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use citebot_engine::{Answer, AskOptions, LoadOptions, Snapshot};

const SEED: u64 = 7;
const SCALE: usize = 10;

/// The shared 10× corpus, generated once per run under cargo's test scratch folder.
fn corpus() -> &'static (PathBuf, Snapshot) {
    static CORPUS: OnceLock<(PathBuf, Snapshot)> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("synth");
        let dir = synth::cached("corpus".as_ref(), &root, SCALE, SEED).expect("generated");
        let snapshot = Snapshot::load(&dir, &LoadOptions::default());
        (dir, snapshot)
    })
}

/// Every file under `dir` by relative path, with a hash of its bytes.
fn file_hashes(dir: &Path) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !path.file_name().unwrap().to_string_lossy().starts_with('.') {
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                std::fs::read(&path).unwrap().hash(&mut hasher);
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, hasher.finish());
            }
        }
    }
    out
}

/// An answer without its timing, for comparisons.
fn untimed(mut answer: Answer) -> Answer {
    answer.elapsed_us = 0;
    answer
}

/// Whole sentences of the generated body text, spread over the corpus.
fn corpus_sentences(snapshot: &Snapshot, n: usize) -> Vec<String> {
    let docs = snapshot.documents();
    (0..n)
        .filter_map(|i| {
            let doc = &docs[i * docs.len() / n];
            let text = std::fs::read_to_string(&doc.path).unwrap();
            let para = text.split("\n\n").filter(|p| p.len() > 200).nth(i % 3)?;
            let end = para.find(". ")?;
            Some(para[..=end].to_string())
        })
        .collect()
}

#[test]
fn the_same_seed_writes_byte_identical_files_and_another_seed_does_not() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let stats = synth::generate("corpus".as_ref(), a.path(), 3, SEED).unwrap();
    assert_eq!(
        synth::generate("corpus".as_ref(), b.path(), 3, SEED).unwrap(),
        stats
    );
    synth::generate("corpus".as_ref(), c.path(), 3, SEED + 1).unwrap();
    let hashes = file_hashes(a.path());
    assert_eq!(
        hashes.len(),
        stats.documents + 1,
        "articles plus aliases.toml"
    );
    assert_eq!(hashes, file_hashes(b.path()));
    assert_ne!(hashes, file_hashes(c.path()));
}

#[test]
fn a_10x_corpus_loads_five_documents_per_unit_of_scale_and_about_ten_times_the_text() {
    let (_, snapshot) = corpus();
    let stats = snapshot.stats();
    let bundled = Snapshot::load("corpus".as_ref(), &LoadOptions::default()).stats();
    assert_eq!(stats.documents, 5 * SCALE);
    assert!(snapshot.warnings().is_empty(), "{:?}", snapshot.warnings());
    let ratio = stats.text_bytes as f64 / bundled.text_bytes as f64;
    assert!(
        (6.0..16.0).contains(&ratio),
        "text is {ratio:.1}× the bundled corpus"
    );
    assert!(
        stats.vocabulary > 2 * bundled.vocabulary,
        "new words keep appearing: {} vs {}",
        stats.vocabulary,
        bundled.vocabulary
    );
}

#[test]
fn questions_about_sentences_in_the_corpus_are_answered_with_verbatim_quotes() {
    let (_, snapshot) = corpus();
    let sentences = corpus_sentences(snapshot, 20);
    assert!(
        sentences.len() >= 15,
        "only {} sentences found",
        sentences.len()
    );
    for sentence in &sentences {
        let answer = snapshot.ask(sentence, &AskOptions::default());
        assert!(answer.is_answered(), "not answered: {sentence}");
        for quote in &answer.quotes {
            let doc = snapshot.document(&quote.source).expect("a cited document");
            let file = std::fs::read_to_string(&doc.path).unwrap();
            for piece in quote
                .text
                .split('…')
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                assert!(file.contains(piece), "{piece:?} is not in {}", quote.source);
            }
        }
    }
}

#[test]
fn generated_questions_have_six_to_nine_words_and_asking_one_twice_gives_the_same_answer() {
    let (_, snapshot) = corpus();
    let questions = synth::questions(SEED, 20);
    assert_eq!(questions, synth::questions(SEED, 20));
    for question in &questions {
        let words = question.split_whitespace().count();
        assert!((6..=9).contains(&words), "{words} words: {question}");
        let ask = AskOptions::default();
        assert_eq!(
            untimed(snapshot.ask(question, &ask)),
            untimed(snapshot.ask(question, &ask))
        );
    }
}

#[test]
fn loading_the_same_generated_corpus_twice_answers_twenty_questions_identically() {
    let (dir, first) = corpus();
    let second = Snapshot::load(dir, &LoadOptions::default());
    assert_eq!(first.stats().passages, second.stats().passages);
    let mut questions = synth::questions(SEED + 1, 10);
    questions.extend(corpus_sentences(first, 10));
    assert_eq!(questions.len(), 20);
    let ask = AskOptions { top: 5, offset: 0 };
    for question in &questions {
        assert_eq!(
            untimed(first.ask(question, &ask)),
            untimed(second.ask(question, &ask)),
            "{question}"
        );
    }
}

//! Scale benchmarks: load + index, and answering, on synthetic corpora of 10×, 100× and 1000×
//! the bundled corpus (see `synth`), and on documentation pages of the size the product
//! is measured at (`synth::docs`, 75 MB by default).
//!
//! Corpora are generated once under `$CARGO_TARGET_DIR/synth/` (default `target/synth/`) and
//! reused. `CITEBOT_BENCH_SCALES=10,100` picks the news scales (default `10,100,1000`) and
//! `CITEBOT_BENCH_DOCS_MB=75` the documentation sizes in megabytes (default `75`; `0` skips
//! them), and `CITEBOT_BENCH_ONE_FILE_MB=10,20,40,80` the sizes of a corpus that is one large
//! document (default `10,20,40,80`; `0` skips them): load time must grow linearly with it, and
//! an answer must cost what its passages cost, not what the document costs. Run with
//! `cargo bench --bench scale`; each corpus's sizes are printed to stderr before it is measured.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, SamplingMode};

use citebot_engine::{AskOptions, LoadOptions, Snapshot};

/// The allocator of the `citebot` binary, so the figures are the bot's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The seed of every benchmark corpus and question set.
const SEED: u64 = 42;
/// Questions asked in rotation by the answer benchmarks.
const QUESTIONS: usize = 50;

fn scales() -> Vec<usize> {
    let spec = std::env::var("CITEBOT_BENCH_SCALES").unwrap_or_else(|_| "10,100,1000".into());
    spec.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn docs_sizes() -> Vec<usize> {
    let spec = std::env::var("CITEBOT_BENCH_DOCS_MB").unwrap_or_else(|_| "75".into());
    spec.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|&mb| mb > 0)
        .collect()
}

fn one_file_sizes() -> Vec<usize> {
    let spec = std::env::var("CITEBOT_BENCH_ONE_FILE_MB").unwrap_or_else(|_| "10,20,40,80".into());
    spec.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|&mb| mb > 0)
        .collect()
}

fn root() -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| "target".into(), PathBuf::from);
    target.join("synth")
}

fn scale(c: &mut Criterion) {
    let news = synth::questions(SEED, QUESTIONS);
    for scale in scales() {
        let dir = synth::cached("corpus".as_ref(), &root(), scale, SEED)
            .expect("the synthetic corpus is generated");
        measure(
            c,
            &format!("scale {scale}x"),
            &dir,
            &news,
            &LoadOptions::default(),
        );
    }
    for mb in docs_sizes() {
        let dir = synth::docs::cached(&root(), mb, SEED).expect("the docs corpus is generated");
        let questions = synth::docs::questions(&dir).expect("the docs questions are there");
        measure(
            c,
            &format!("docs {mb} MB"),
            &dir,
            &questions,
            &LoadOptions::default(),
        );
    }
    for mb in one_file_sizes() {
        let dir = synth::docs::one_file(&root(), mb, SEED).expect("the document is generated");
        let pages = synth::docs::cached(&root(), mb, SEED).expect("the docs corpus is there");
        let questions = synth::docs::questions(&pages).expect("the docs questions are there");
        let options = LoadOptions {
            max_file_bytes: u64::MAX,
            ..LoadOptions::default()
        };
        measure(
            c,
            &format!("one {mb} MB document"),
            &dir,
            &questions,
            &options,
        );
    }
}

/// Load + index, then answering questions in rotation, on one corpus.
fn measure(
    c: &mut Criterion,
    name: &str,
    dir: &std::path::Path,
    questions: &[String],
    options: &LoadOptions,
) {
    let snapshot = Snapshot::load(dir, options);
    let s = snapshot.stats();
    let answered = questions
        .iter()
        .filter(|q| snapshot.ask(q, &AskOptions::default()).is_answered())
        .count();
    let asked = questions.len();
    eprintln!(
        "{name}: {} documents, {} passages, {} words, {} text bytes, vocabulary {}, \
         ~{:.1} MiB, loaded in {:.0} ms; {answered}/{asked} questions answered",
        s.documents,
        s.passages,
        s.words,
        s.text_bytes,
        s.vocabulary,
        s.memory_bytes as f64 / (1024.0 * 1024.0),
        s.load_time.as_secs_f64() * 1000.0
    );

    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    // One load per sample when loads are slow (10 in all, 1000×), more when they are fast.
    let load = s.load_time.max(Duration::from_millis(1));
    group.warm_up_time(load.min(Duration::from_secs(3)));
    group.measurement_time((load * 9).max(Duration::from_secs(3)));
    group.bench_function("load+index", |b| {
        b.iter(|| Snapshot::load(black_box(dir), options))
    });
    group.finish();

    let mut group = c.benchmark_group(name);
    group.measurement_time(Duration::from_secs(10));
    let ask = AskOptions::default();
    let mut next = 0;
    group.bench_function("ask (rotating questions)", |b| {
        b.iter(|| {
            next = (next + 1) % questions.len();
            snapshot.ask(black_box(&questions[next]), &ask)
        })
    });
    group.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);

//! Scale benchmarks: load + index, and answering, on synthetic corpora of 10×, 100× and 1000×
//! the bundled corpus (see `citebot::synth`).
//!
//! Corpora are generated once under `$CARGO_TARGET_DIR/synth/` (default `target/synth/`) and
//! reused. `CITEBOT_BENCH_SCALES=10,100` picks the scales (default `10,100,1000`). Run with
//! `cargo bench --bench scale`; each scale's sizes are printed to stderr before it is measured.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, SamplingMode};

use citebot::{synth, AskOptions, LoadOptions, Snapshot};

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

fn corpus(scale: usize) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| "target".into(), PathBuf::from);
    synth::cached("corpus".as_ref(), &target.join("synth"), scale, SEED)
        .expect("the synthetic corpus is generated")
}

fn scale(c: &mut Criterion) {
    let options = LoadOptions::default();
    let questions = synth::questions(SEED, QUESTIONS);
    for scale in scales() {
        let dir = corpus(scale);
        let snapshot = Snapshot::load(&dir, &options);
        let s = snapshot.stats();
        let answered = questions
            .iter()
            .filter(|q| snapshot.ask(q, &AskOptions::default()).is_answered())
            .count();
        eprintln!(
            "scale {scale}×: {} documents, {} passages, {} words, {} text bytes, vocabulary {}, \
             ~{:.1} MiB, loaded in {:.0} ms; {answered}/{QUESTIONS} questions answered",
            s.documents,
            s.passages,
            s.words,
            s.text_bytes,
            s.vocabulary,
            s.memory_bytes as f64 / (1024.0 * 1024.0),
            s.load_time.as_secs_f64() * 1000.0
        );

        let mut group = c.benchmark_group(format!("scale {scale}x"));
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        // One load per sample when loads are slow (10 in all, 1000×), more when they are fast.
        let load = s.load_time.max(Duration::from_millis(1));
        group.warm_up_time(load.min(Duration::from_secs(3)));
        group.measurement_time((load * 9).max(Duration::from_secs(3)));
        group.bench_function("load+index", |b| {
            b.iter(|| Snapshot::load(black_box(&dir), &options))
        });
        group.finish();

        let mut group = c.benchmark_group(format!("scale {scale}x"));
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
}

criterion_group!(benches, scale);
criterion_main!(benches);

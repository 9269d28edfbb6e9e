//! Engine benchmarks: load + index the bundled corpus, and answer questions of each kind.
//!
//! `cargo bench --bench engine` prints medians; the README quotes them.

use criterion::{black_box, criterion_group, criterion_main, Criterion};

use citebot_engine::{AskOptions, LoadOptions, Snapshot};

/// The allocator of the `citebot` binary, so the figures are the bot's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const QUESTIONS: &[(&str, &str)] = &[
    (
        "exact",
        "Who is the spokesman of the Taliban's foreign ministry?",
    ),
    (
        "paraphrase",
        "How many people died in the bombing during evening prayers in Kabul?",
    ),
    ("typo", "who is the talibans governer of kabul"),
    ("alias", "Did ISIL leaders move to Afghanistan from Syria?"),
    ("none", "What is the capital of France?"),
];

fn bundled(c: &mut Criterion) {
    let dir = std::path::Path::new("corpus");
    let options = LoadOptions::default();
    c.bench_function("load+index bundled corpus", |b| {
        b.iter(|| Snapshot::load(black_box(dir), &options))
    });
    let snapshot = Snapshot::load(dir, &options);
    let ask = AskOptions::default();
    for (kind, question) in QUESTIONS {
        c.bench_function(&format!("ask bundled {kind}"), |b| {
            b.iter(|| snapshot.ask(black_box(question), &ask))
        });
    }
}

criterion_group!(benches, bundled);
criterion_main!(benches);

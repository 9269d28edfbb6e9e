//! Measures memory during a reload while questions are being answered: the resident set once
//! loaded (steady state), and its peak while a reload builds the new snapshot next to the old.
//!
//! `cargo run --release --example reload_memory -- FOLDER [QUESTIONS_FILE]` (Linux: reads
//! `/proc/self/status`, and resets the peak through `/proc/self/clear_refs` before the reload).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use citebot_engine::{AskOptions, Library, LoadOptions, Snapshot};

/// The allocator of the `citebot` binary, so the figures are the bot's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A field of `/proc/self/status` in MiB (`VmRSS`, `VmHWM`).
fn status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    citebot::allocator::give_memory_back_promptly();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: reload_memory FOLDER [QUESTIONS_FILE]");
        std::process::exit(2);
    };
    let questions: Vec<String> = args
        .get(1)
        .and_then(|f| std::fs::read_to_string(f).ok())
        .map(|t| t.lines().map(String::from).collect())
        .filter(|q: &Vec<String>| !q.is_empty())
        .unwrap_or_else(|| vec!["how do i list files sorted by size".to_string()]);
    let options = LoadOptions::default();
    let library = Arc::new(Library::new(
        Snapshot::load(dir.as_ref(), &options),
        options,
    ));
    let steady = status_mib("VmRSS:").unwrap_or(f64::NAN);
    let text = library.snapshot().stats().text_bytes as f64 / (1024.0 * 1024.0);
    // Reset the peak, so that it tells the reload's and not the first load's.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let done = Arc::new(AtomicBool::new(false));
    let (answered, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let asker = {
        let (library, done) = (Arc::clone(&library), Arc::clone(&done));
        let (answered, failed) = (Arc::clone(&answered), Arc::clone(&failed));
        std::thread::spawn(move || {
            let mut slowest = 0u128;
            for question in questions.iter().cycle() {
                if done.load(Ordering::Relaxed) {
                    break;
                }
                let started = Instant::now();
                let answer = library.snapshot().ask(question, &AskOptions::default());
                slowest = slowest.max(started.elapsed().as_micros());
                let counter = if answer.error.is_none() {
                    &answered
                } else {
                    &failed
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
            slowest
        })
    };
    let started = Instant::now();
    let report = library.reload();
    let took = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let slowest = asker.join().unwrap_or(0);
    let peak = status_mib("VmHWM:").unwrap_or(f64::NAN);
    println!(
        "text {text:.0} MiB; steady RSS {steady:.0} MiB; peak RSS during reload {peak:.0} MiB \
         ({:.2}x steady); reload {:.1} s ({}); {} questions answered during it, {} failed, \
         slowest {:.1} ms",
        peak / steady,
        took.as_secs_f64(),
        if report.is_ok() { "ok" } else { "failed" },
        answered.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        slowest as f64 / 1000.0
    );
}

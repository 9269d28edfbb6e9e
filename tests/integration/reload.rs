//! Reloading while answering: every question succeeds, each from one whole snapshot, old or
//! new, never from a half-built one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use citebot_engine::{AskOptions, Library, LoadOptions, Snapshot};

/// Writes `documents` articles; every passage names the generation, so a quote tells which
/// snapshot answered.
fn write_generation(dir: &std::path::Path, documents: usize, generation: &str) {
    for d in 0..documents {
        let mut text = format!("Report {d} of the {generation} edition\n\n");
        for p in 0..6 {
            text.push_str(&format!(
                "The {generation} edition notes that the river convoy {d} reached checkpoint {p} before the storm.\n\n"
            ));
        }
        std::fs::write(dir.join(format!("doc{d:03}.txt")), text).unwrap();
    }
}

#[test]
fn questions_asked_during_reloads_are_answered_from_one_whole_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    write_generation(dir.path(), 200, "amber");
    let library = Arc::new(Library::new(
        Snapshot::load(dir.path(), &LoadOptions::default()),
        LoadOptions::default(),
    ));
    let done = Arc::new(AtomicBool::new(false));
    let askers: Vec<_> = (0..2)
        .map(|_| {
            let library = Arc::clone(&library);
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let mut asked = 0;
                let options = AskOptions { top: 5, offset: 0 };
                while !done.load(Ordering::Relaxed) && asked < 100_000 {
                    let snapshot = library.snapshot();
                    let answer =
                        snapshot.ask("when did the river convoy reach the checkpoint", &options);
                    assert!(answer.is_answered(), "a question failed during a reload");
                    let amber = answer
                        .quotes
                        .iter()
                        .filter(|q| q.text.contains("amber"))
                        .count();
                    let cobalt = answer
                        .quotes
                        .iter()
                        .filter(|q| q.text.contains("cobalt"))
                        .count();
                    assert!(
                        amber == answer.quotes.len() || cobalt == answer.quotes.len(),
                        "one answer mixed two snapshots: {amber} amber, {cobalt} cobalt"
                    );
                    asked += 1;
                }
                asked
            })
        })
        .collect();
    for round in 0..6 {
        let generation = if round % 2 == 0 { "cobalt" } else { "amber" };
        write_generation(dir.path(), 200, generation);
        let report = library.reload().expect("reload succeeds");
        assert_eq!(report.changed.len(), 200);
    }
    done.store(true, Ordering::Relaxed);
    for asker in askers {
        assert!(asker.join().expect("no asker panicked") > 0);
    }
}

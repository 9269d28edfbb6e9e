//! The [`Recorder`]: gets what is recorded ([`super::records`]) to the store without ever being
//! in the way of an answer.
//!
//! Handlers hand a record to [`Recorder`], which puts it on a bounded queue with `try_send` (it
//! never waits). One writer task drains the queue into the [`Store`]. When the queue is full
//! (the store is slow) or a write fails (the store is down or refuses), the record is dropped and
//! counted; the count is logged at once, then at most once a minute: drops not yet logged are
//! logged at the next minute's tick, and at shutdown (with what was still queued when the writer
//! had to stop), so no record is lost without a word. The writer opens the store itself,
//! retrying every half minute, so a store that is unreachable at start-up costs nothing but the
//! records of that time.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, Notify, OnceCell};

use super::database_url::Backend;
use super::records::{ChannelKind, PageTurn, Question, Vote};
use super::settings::Settings;
use super::store::{now_ms, Store};

/// How many records may wait for the writer; more are dropped (and counted).
pub const QUEUE: usize = 1024;
/// The least time between two log lines about dropped records.
const LOG_EVERY_MS: i64 = 60_000;
/// How often the writer retries opening a store it could not open.
const REOPEN_EVERY: Duration = Duration::from_secs(30);

/// Anything the writer stores.
#[derive(Debug, Clone)]
enum Record {
    Question(Question),
    Vote(Vote),
    PageTurn(PageTurn),
}

/// State shared by the handle and the writer.
struct Shared {
    store: OnceCell<Store>,
    dropped: AtomicU64,
    written: AtomicU64,
    /// Dropped count at the last log line, and its time.
    logged_dropped: AtomicU64,
    logged_at: AtomicI64,
    stop: Notify,
}

impl Shared {
    /// Counts a dropped record and logs, at once or when a minute has passed since last time.
    fn drop_record(&self, why: &str) {
        let total = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
        let now = now_ms();
        let last = self.logged_at.load(Ordering::Relaxed);
        let due = last == 0 || now - last >= LOG_EVERY_MS;
        if due
            && self
                .logged_at
                .compare_exchange(last, now.max(1), Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let before = self.logged_dropped.swap(total, Ordering::Relaxed);
            tracing::warn!(
                dropped = total - before,
                dropped_total = total,
                reason = why,
                "insights records dropped: the store is slow or down; answers are not affected"
            );
        }
    }

    /// Logs the drops counted since the last log line, if any (the minute's tick); returns how
    /// many that was.
    fn log_pending(&self) -> u64 {
        let total = self.dropped.load(Ordering::Relaxed);
        let before = self.logged_dropped.swap(total, Ordering::Relaxed);
        if total <= before {
            return 0;
        }
        self.logged_at.store(now_ms().max(1), Ordering::Relaxed);
        tracing::warn!(
            dropped = total - before,
            dropped_total = total,
            "insights records dropped: the store is slow or down; answers are not affected"
        );
        total - before
    }
}

/// The handle the Discord layer records through: cheap to clone, never blocks, never fails.
/// A disabled recorder (`INSIGHTS=off`) drops everything without counting.
#[derive(Clone)]
pub struct Recorder {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    queue: mpsc::Sender<Record>,
    shared: Arc<Shared>,
    record_dm_questions: bool,
    writer: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Recorder {
    /// A recorder that records nothing.
    pub fn disabled() -> Recorder {
        Recorder { inner: None }
    }

    /// Starts the writer task on the current Tokio runtime (or returns a disabled recorder when
    /// `settings` turn insights off). Returns at once: the store is opened by the writer.
    pub fn start(settings: &Settings) -> Recorder {
        if !settings.enabled {
            tracing::info!("insights are off (INSIGHTS=off): nothing is recorded");
            return Recorder::disabled();
        }
        let (queue, rx) = mpsc::channel(QUEUE);
        let shared = Arc::new(Shared {
            store: OnceCell::new(),
            dropped: AtomicU64::new(0),
            written: AtomicU64::new(0),
            logged_dropped: AtomicU64::new(0),
            logged_at: AtomicI64::new(0),
            stop: Notify::new(),
        });
        let writer = tokio::spawn(write_all(settings.clone(), rx, shared.clone()));
        Recorder {
            inner: Some(Arc::new(Inner {
                queue,
                shared,
                record_dm_questions: settings.record_dm_questions,
                writer: Mutex::new(Some(writer)),
            })),
        }
    }

    /// True unless insights are off.
    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// The open store, for reports; `None` while it is not (yet) open or when insights are off.
    pub fn store(&self) -> Option<Store> {
        self.inner.as_ref()?.shared.store.get().cloned()
    }

    /// Records dropped so far (queue full, store down or refusing).
    pub fn dropped(&self) -> u64 {
        self.inner
            .as_ref()
            .map_or(0, |i| i.shared.dropped.load(Ordering::Relaxed))
    }

    /// Logs the records dropped since the last log line, if any, and returns how many (the
    /// writer does so every minute).
    pub fn log_dropped(&self) -> u64 {
        self.inner.as_ref().map_or(0, |i| i.shared.log_pending())
    }

    /// Records written so far.
    pub fn written(&self) -> u64 {
        self.inner
            .as_ref()
            .map_or(0, |i| i.shared.written.load(Ordering::Relaxed))
    }

    fn send(&self, record: Record) {
        let Some(inner) = &self.inner else { return };
        if let Err(error) = inner.queue.try_send(record) {
            let why = match error {
                mpsc::error::TrySendError::Full(_) => "queue full",
                mpsc::error::TrySendError::Closed(_) => "writer stopped",
            };
            inner.shared.drop_record(why);
        }
    }

    /// Records a question. Its text is not kept from a DM unless `RECORD_DM_QUESTIONS=true`.
    pub fn question(&self, mut question: Question) {
        let Some(inner) = &self.inner else { return };
        if question.channel_kind == ChannelKind::DirectMessage && !inner.record_dm_questions {
            question.question = None;
        }
        self.send(Record::Question(question));
    }

    /// Records a vote (the store keeps a user's last vote per answer).
    pub fn vote(&self, mut vote: Vote) {
        let Some(inner) = &self.inner else { return };
        if vote.guild.is_none() && !inner.record_dm_questions {
            vote.question = None;
        }
        // Each passage once: a vote counts once per person per answer per passage.
        let mut seen = std::collections::HashSet::new();
        vote.passages.retain(|p| seen.insert(p.clone()));
        self.send(Record::Vote(vote));
    }

    /// Records a More/Back click.
    pub fn page_turn(&self, turn: PageTurn) {
        self.send(Record::PageTurn(turn));
    }

    /// Stops the writer after it has written what is queued, waiting at most `limit`; what is
    /// still queued then is lost. Later records are dropped and counted.
    pub async fn close(&self, limit: Duration) {
        let Some(inner) = &self.inner else { return };
        let writer = inner
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let Some(mut writer) = writer else { return };
        inner.shared.stop.notify_one();
        if tokio::time::timeout(limit, &mut writer).await.is_err() {
            // What is still queued is lost: counted, then the writer is stopped.
            let queued = QUEUE.saturating_sub(inner.queue.capacity()) as u64;
            inner.shared.dropped.fetch_add(queued, Ordering::Relaxed);
            writer.abort();
            tracing::warn!(
                queued,
                "the insights writer did not finish in time; queued records are lost"
            );
        }
        if let Some(store) = inner.shared.store.get() {
            store.close().await;
        }
        let shared = &inner.shared;
        let total = shared.dropped.load(Ordering::Relaxed);
        let before = shared.logged_dropped.swap(total, Ordering::Relaxed);
        if total > 0 {
            tracing::warn!(
                dropped = total - before,
                dropped_total = total,
                written = shared.written.load(Ordering::Relaxed),
                "insights stopped: records were lost while running (dropped_total), answers were not affected"
            );
        }
    }
}

/// The writer task: opens the store, then writes records one by one until stopped.
async fn write_all(settings: Settings, mut rx: mpsc::Receiver<Record>, shared: Arc<Shared>) {
    let mut store: Option<Store> = None;
    let mut next_open = tokio::time::Instant::now();
    let mut last_prune = tokio::time::Instant::now();
    // The minute's tick, first a minute from now (an interval's first tick is at once, which
    // would log the first drops twice over, by the tick and by the drop itself).
    let minute = Duration::from_secs(60);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + minute, minute);
    let retention = Duration::from_secs(u64::from(settings.retention_days) * 86_400);
    loop {
        if store.is_none() && tokio::time::Instant::now() >= next_open {
            store = open(&settings, &shared, retention).await;
            next_open = tokio::time::Instant::now() + REOPEN_EVERY;
            last_prune = tokio::time::Instant::now();
        }
        tokio::select! {
            record = rx.recv() => match record {
                Some(record) => write(store.as_ref(), &shared, &record).await,
                None => break,
            },
            () = shared.stop.notified() => {
                rx.close();
                while let Some(record) = rx.recv().await {
                    write(store.as_ref(), &shared, &record).await;
                }
                break;
            }
            () = tokio::time::sleep_until(next_open), if store.is_none() => {}
            _ = tick.tick() => {
                shared.log_pending();
                if let Some(store) = &store {
                    if last_prune.elapsed() >= Duration::from_secs(3600) {
                        prune(store, retention).await;
                        last_prune = tokio::time::Instant::now();
                    }
                }
            }
        }
    }
}

async fn open(settings: &Settings, shared: &Shared, retention: Duration) -> Option<Store> {
    let key = match super::secret::user_key(settings) {
        Ok(key) => key,
        Err(error) => {
            tracing::warn!(%error, "the insights store cannot be opened: answering goes on, records are dropped until it can");
            return None;
        }
    };
    let unshared = settings.secret.as_deref().is_none_or(str::is_empty);
    if unshared && Backend::of(&settings.database_url) == Some(Backend::Postgres) {
        tracing::warn!(key_file = super::secret::POSTGRES_KEY_FILE, "INSIGHTS_SECRET is not set: this process keys its user hashes with its own key file, so a member who asks two processes sharing this PostgreSQL store counts twice; give every process the same INSIGHTS_SECRET");
    }
    match Store::open(&settings.database_url).await {
        Ok(store) => {
            let store = store.with_key(key);
            tracing::info!(backend = ?store.backend(), retention_days = settings.retention_days, "insights store open");
            prune(&store, retention).await;
            let _ = shared.store.set(store.clone());
            Some(store)
        }
        Err(error) => {
            tracing::warn!(%error, "the insights store cannot be opened: answering goes on, records are dropped until it can");
            None
        }
    }
}

async fn prune(store: &Store, retention: Duration) {
    let before = now_ms() - i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
    match store.prune(before).await {
        Ok(0) => {}
        Ok(removed) => tracing::info!(removed, "old insights pruned"),
        Err(error) => tracing::warn!(%error, "pruning old insights failed"),
    }
}

async fn write(store: Option<&Store>, shared: &Shared, record: &Record) {
    let Some(store) = store else {
        shared.drop_record("store not open");
        return;
    };
    let result = match record {
        Record::Question(q) => store.add_question(q).await,
        Record::Vote(v) => store.add_vote(v).await,
        Record::PageTurn(p) => store.add_page_turn(p).await,
    };
    match result {
        Ok(()) => {
            shared.written.fetch_add(1, Ordering::Relaxed);
        }
        Err(error) => {
            tracing::debug!(%error, "insights record not written");
            shared.drop_record("write failed");
        }
    }
}

//! A local test double of Discord's API (REST v10 and gateway v10) for end-to-end tests of a
//! serenity/poise bot: one axum server on 127.0.0.1 serves both, records every request and
//! gateway frame, and lets a test push dispatches and drop the connection.
//!
//! Point serenity at it with
//! `HttpBuilder::new(token).proxy(double.base_url()).ratelimiter_disabled(true).build()`
//! and `ClientBuilder::new_with_http(http, intents)`; serenity then asks `GET /api/v10/gateway`
//! for the WebSocket URL, which is `ws://127.0.0.1:PORT/gateway`.
//!
//! Submodules: [`payloads`] builds JSON payloads, `rest` serves the HTTP API, `gateway` serves
//! the WebSocket.

#![allow(dead_code)]

mod gateway;
pub mod payloads;
mod rest;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::{mpsc, watch, Notify};

#[allow(unused_imports)]
pub use payloads::{Actor, InteractionEnv, MessageSpec, OptionValue};

/// Settings for [`DiscordDouble::start_with`]. `Default` gives the ids listed on each field.
#[derive(Clone, Debug)]
pub struct Config {
    /// Application id (default 1001).
    pub application_id: u64,
    /// Bot user id (default 1000).
    pub bot_user_id: u64,
    /// Bot username (default "citebot").
    pub bot_username: String,
    /// Test guild id, also its @everyone role id (default 2000).
    pub guild_id: u64,
    /// The guild's text channel (default 3000).
    pub channel_id: u64,
    /// The guild's forum channel (default 3100).
    pub forum_channel_id: u64,
    /// The guild's moderator role (default 4000).
    pub moderator_role_id: u64,
    /// Guild and application owner (default 5000).
    pub owner_id: u64,
    /// Heartbeat interval announced in Hello, in milliseconds (default 41250).
    pub heartbeat_interval_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            application_id: 1001,
            bot_user_id: 1000,
            bot_username: "citebot".to_string(),
            guild_id: 2000,
            channel_id: 3000,
            forum_channel_id: 3100,
            moderator_role_id: 4000,
            owner_id: 5000,
            heartbeat_interval_ms: 41_250,
        }
    }
}

/// One REST request as the double received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// HTTP method, upper case ("GET", "POST", ...).
    pub method: String,
    /// Path without the query, e.g. "/api/v10/channels/3000/messages".
    pub path: String,
    /// Query string without '?', if any (serenity writes e.g. "&wait=true").
    pub query: Option<String>,
    /// Whether an Authorization header was present (its value is never stored).
    pub has_authorization: bool,
    /// Whether the Authorization header had the "Bot " prefix.
    pub bot_authorization: bool,
    /// Content-Type header, if any.
    pub content_type: Option<String>,
    /// The JSON body: parsed JSON, or the `payload_json` part of a multipart body.
    pub body: Option<Value>,
    /// For multipart bodies: `(name, filename)` of each part other than `payload_json`.
    pub files: Vec<(String, Option<String>)>,
    /// Which handler answered ("messages.create", "interaction.callback", ... or
    /// "FALLBACK" when the route is not modelled).
    pub route: String,
    /// True when the request hit no modelled route and got the generic `{}`/204 answer.
    pub fallback: bool,
    /// Status code the double answered with.
    pub status: u16,
    /// When the double's handler received the request (its body already read).
    pub received_at: Instant,
}

impl RecordedRequest {
    /// True if `method` matches and the path ends with `suffix`.
    pub fn is(&self, method: &str, suffix: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.path.ends_with(suffix)
    }

    /// A string field of the JSON body at a JSON pointer (e.g. "/data/content").
    pub fn body_str(&self, pointer: &str) -> Option<&str> {
        self.body.as_ref()?.pointer(pointer)?.as_str()
    }
}

/// One frame the gateway received from a client, with any token replaced by "[redacted]".
#[derive(Clone, Debug)]
pub struct GatewayFrame {
    /// Connection number (1 for the first WebSocket, then 2, ...).
    pub connection: u64,
    /// The frame's `op`.
    pub op: u64,
    /// The whole frame (token redacted).
    pub payload: Value,
}

/// A dispatch the gateway sent.
#[derive(Clone, Debug)]
pub struct SentDispatch {
    /// Connection it went to.
    pub connection: u64,
    /// Its sequence number.
    pub seq: u64,
    /// Its event name.
    pub t: String,
    /// When it was handed to the connection's writer (the push time).
    pub at: Instant,
}

/// A command to a live WebSocket connection task.
#[derive(Debug)]
pub(crate) enum ConnCmd {
    /// Send this text frame.
    Send(String),
    /// Drop the TCP connection without a close frame.
    Drop,
    /// Send a close frame with this code, then end.
    Close(u16),
}

/// A live WebSocket connection.
pub(crate) struct Conn {
    pub(crate) tx: mpsc::UnboundedSender<ConnCmd>,
    /// Identified or resumed, so dispatches may be sent to it.
    pub(crate) ready: bool,
}

/// Gateway session state (one session across resumes).
#[derive(Default)]
pub(crate) struct Session {
    pub(crate) session_id: Option<String>,
    pub(crate) seq: u64,
    pub(crate) sessions_started: u64,
}

/// Everything recorded and served, shared by the server tasks and the handle.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) base_url: String,
    pub(crate) ws_url: String,
    pub(crate) requests: Mutex<Vec<RecordedRequest>>,
    pub(crate) identifies: Mutex<Vec<Value>>,
    pub(crate) resumes: Mutex<Vec<Value>>,
    pub(crate) frames: Mutex<Vec<GatewayFrame>>,
    pub(crate) dispatches: Mutex<Vec<SentDispatch>>,
    pub(crate) heartbeats: AtomicU64,
    pub(crate) connections_opened: AtomicU64,
    pub(crate) conns: Mutex<HashMap<u64, Conn>>,
    pub(crate) session: Mutex<Session>,
    /// Messages by id, and each interaction token's original response under "@original:TOKEN".
    pub(crate) messages: Mutex<HashMap<String, Value>>,
    /// Registered commands: key "global" or the guild id, value the echoed commands.
    pub(crate) commands: Mutex<HashMap<String, Vec<Value>>>,
    /// Threads (and forum posts) by id, as channel objects.
    pub(crate) threads: Mutex<HashMap<u64, Value>>,
    /// Reactions the bot added: (channel, message, emoji), in order.
    pub(crate) reactions: Mutex<Vec<(u64, u64, String)>>,
    pub(crate) next_id: AtomicU64,
    pub(crate) changed: Notify,
    pub(crate) shutdown: watch::Receiver<bool>,
}

/// Lock a mutex, recovering the data if a panicking thread poisoned it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// A fresh snowflake (monotonic, starting at 10_000_000).
    pub(crate) fn new_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::SeqCst)
    }

    /// Wake every waiter.
    pub(crate) fn notify(&self) {
        self.changed.notify_waiters();
    }

    /// The bot's user object.
    pub(crate) fn bot_user(&self) -> Value {
        payloads::user_object(self.config.bot_user_id, &self.config.bot_username, true)
    }

    /// Send a dispatch to every ready connection, under the session lock so sequence numbers
    /// go out in order. Returns the sequence number, or `None` if no connection was ready.
    pub(crate) fn dispatch(&self, t: &str, d: Value) -> Option<u64> {
        let mut session = lock(&self.session);
        let conns = lock(&self.conns);
        let targets: Vec<(u64, &Conn)> = conns
            .iter()
            .filter(|(_, c)| c.ready)
            .map(|(k, c)| (*k, c))
            .collect();
        if targets.is_empty() {
            return None;
        }
        session.seq += 1;
        let seq = session.seq;
        let frame = json!({"op": 0, "s": seq, "t": t, "d": d}).to_string();
        let mut log = lock(&self.dispatches);
        let at = Instant::now();
        for (id, c) in targets {
            if c.tx.send(ConnCmd::Send(frame.clone())).is_ok() {
                log.push(SentDispatch {
                    connection: id,
                    seq,
                    t: t.to_string(),
                    at,
                });
            }
        }
        drop(log);
        drop(conns);
        drop(session);
        self.notify();
        Some(seq)
    }

    /// Send a dispatch to one connection (used for READY/GUILD_CREATE/RESUMED).
    pub(crate) fn dispatch_to(&self, conn: u64, t: &str, d: Value) -> Option<u64> {
        let mut session = lock(&self.session);
        let conns = lock(&self.conns);
        let c = conns.get(&conn)?;
        session.seq += 1;
        let seq = session.seq;
        let frame = json!({"op": 0, "s": seq, "t": t, "d": d}).to_string();
        c.tx.send(ConnCmd::Send(frame)).ok()?;
        lock(&self.dispatches).push(SentDispatch {
            connection: conn,
            seq,
            t: t.to_string(),
            at: Instant::now(),
        });
        Some(seq)
    }
}

/// A running Discord double. Dropping it shuts the server and all connections down.
pub struct DiscordDouble {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown_tx: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
}

impl DiscordDouble {
    /// Start with [`Config::default`] on 127.0.0.1 and a free port.
    ///
    /// # Panics
    /// Panics if it cannot bind a local port (a test-environment failure).
    pub async fn start() -> Self {
        Self::start_with(Config::default()).await
    }

    /// Start with the given configuration on 127.0.0.1 and a free port.
    ///
    /// # Panics
    /// Panics if it cannot bind a local port (a test-environment failure).
    pub async fn start_with(config: Config) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("discord double: bind 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("discord double: local address");
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            config,
            base_url: format!("http://{addr}"),
            ws_url: format!("ws://{addr}/gateway"),
            requests: Mutex::new(Vec::new()),
            identifies: Mutex::new(Vec::new()),
            resumes: Mutex::new(Vec::new()),
            frames: Mutex::new(Vec::new()),
            dispatches: Mutex::new(Vec::new()),
            heartbeats: AtomicU64::new(0),
            connections_opened: AtomicU64::new(0),
            conns: Mutex::new(HashMap::new()),
            session: Mutex::new(Session::default()),
            messages: Mutex::new(HashMap::new()),
            commands: Mutex::new(HashMap::new()),
            threads: Mutex::new(HashMap::new()),
            reactions: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(10_000_000),
            changed: Notify::new(),
            shutdown: shutdown_rx.clone(),
        });
        let app = rest::router(Arc::clone(&shared));
        let mut rx = shutdown_rx;
        let server = tokio::spawn(async move {
            let signal = async move {
                let _ = rx.wait_for(|stop| *stop).await;
            };
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(signal)
                .await;
        });
        Self {
            shared,
            addr,
            shutdown_tx,
            server,
        }
    }

    /// "http://127.0.0.1:PORT" — give this to `HttpBuilder::proxy`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// "ws://127.0.0.1:PORT/gateway" — the gateway URL the REST API advertises.
    pub fn ws_url(&self) -> String {
        self.shared.ws_url.clone()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration (all ids) in use.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Application id.
    pub fn application_id(&self) -> u64 {
        self.shared.config.application_id
    }

    /// Bot user id.
    pub fn bot_user_id(&self) -> u64 {
        self.shared.config.bot_user_id
    }

    /// Test guild id.
    pub fn guild_id(&self) -> u64 {
        self.shared.config.guild_id
    }

    /// Test text channel id.
    pub fn channel_id(&self) -> u64 {
        self.shared.config.channel_id
    }

    /// Moderator role id.
    pub fn moderator_role_id(&self) -> u64 {
        self.shared.config.moderator_role_id
    }

    /// A fresh snowflake from the double's counter (for message and interaction ids).
    pub fn new_id(&self) -> u64 {
        self.shared.new_id()
    }

    /// The bot as an [`Actor`] (bot flag set).
    pub fn bot_actor(&self) -> Actor {
        Actor::new(
            self.shared.config.bot_user_id,
            &self.shared.config.bot_username,
            Vec::new(),
            payloads::PERMS_BOT,
        )
        .as_bot()
    }

    /// An interaction envelope in the test guild and channel, with a fresh id and a token
    /// "itoken-{id}".
    pub fn guild_interaction(&self, actor: Actor) -> InteractionEnv {
        InteractionEnv::new(
            self.new_id(),
            self.shared.config.application_id,
            Some(self.shared.config.guild_id),
            self.shared.config.channel_id,
            actor,
        )
    }

    /// A DM interaction envelope (no guild) in channel `dm_channel_id`.
    pub fn dm_interaction(&self, actor: Actor, dm_channel_id: u64) -> InteractionEnv {
        InteractionEnv::new(
            self.new_id(),
            self.shared.config.application_id,
            None,
            dm_channel_id,
            actor,
        )
    }

    /// A message in the test guild channel from `author`, with a fresh id.
    pub fn guild_message(&self, author: Actor, content: &str) -> MessageSpec {
        MessageSpec::new(
            self.new_id(),
            self.shared.config.channel_id,
            Some(self.shared.config.guild_id),
            author,
            content,
        )
    }

    /// The forum channel's id.
    pub fn forum_channel_id(&self) -> u64 {
        self.shared.config.forum_channel_id
    }

    /// A message from `author` in thread `thread` (a thread is a channel of the guild).
    pub fn thread_message(&self, thread: u64, author: Actor, content: &str) -> MessageSpec {
        MessageSpec::new(
            self.new_id(),
            thread,
            Some(self.shared.config.guild_id),
            author,
            content,
        )
    }

    /// Opens a thread under `parent` started by `owner` (a member's thread, or a forum post):
    /// stores it and pushes THREAD_CREATE as Discord does. Returns the thread's id.
    pub fn open_thread(&self, parent: u64, owner: u64, name: &str) -> u64 {
        let id = self.new_id();
        let thread = payloads::thread_channel(id, self.shared.config.guild_id, parent, owner, name);
        lock(&self.shared.threads).insert(id, thread.clone());
        self.push_dispatch("THREAD_CREATE", thread);
        id
    }

    /// Posts in the forum as `author`: THREAD_CREATE for the post, then the MESSAGE_CREATE of
    /// its starter message, whose id is the thread's id (as Discord does). Returns the message.
    pub fn post_in_forum(&self, author: Actor, title: &str, content: &str) -> MessageSpec {
        let thread = self.open_thread(self.forum_channel_id(), author.user_id, title);
        let spec = MessageSpec::new(
            thread,
            thread,
            Some(self.shared.config.guild_id),
            author,
            content,
        );
        self.push_message(&spec);
        spec
    }

    /// Every thread the double knows (started by a test or through REST), by id.
    pub fn threads(&self) -> HashMap<u64, Value> {
        lock(&self.shared.threads).clone()
    }

    /// Reactions added through REST: `(channel, message, emoji)`, in order.
    pub fn reactions(&self) -> Vec<(u64, u64, String)> {
        lock(&self.shared.reactions).clone()
    }

    /// The id the double gave to registered command `name` (global or guild), if registered.
    pub fn command_id(&self, name: &str) -> Option<u64> {
        let cmds = lock(&self.shared.commands);
        cmds.values()
            .flatten()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|c| c.get("id")?.as_str()?.parse().ok())
    }

    /// All registered commands, as echoed (key "global" or a guild id).
    pub fn registered_commands(&self) -> HashMap<String, Vec<Value>> {
        lock(&self.shared.commands).clone()
    }

    /// A stored message by id (created or edited through REST), or an interaction's original
    /// response by its token.
    pub fn stored_message(&self, id_or_token: &str) -> Option<Value> {
        let msgs = lock(&self.shared.messages);
        msgs.get(id_or_token)
            .or_else(|| msgs.get(&format!("@original:{id_or_token}")))
            .cloned()
    }

    /// Every REST request so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// How many requests so far match `pred` (without copying them).
    pub fn count_requests(&self, pred: impl Fn(&RecordedRequest) -> bool) -> usize {
        lock(&self.shared.requests)
            .iter()
            .filter(|r| pred(r))
            .count()
    }

    /// REST requests that hit no modelled route.
    pub fn fallback_requests(&self) -> Vec<RecordedRequest> {
        self.requests().into_iter().filter(|r| r.fallback).collect()
    }

    /// Identify payloads' `d` (token redacted), in order.
    pub fn identifies(&self) -> Vec<Value> {
        lock(&self.shared.identifies).clone()
    }

    /// Resume payloads' `d` (token redacted), in order.
    pub fn resumes(&self) -> Vec<Value> {
        lock(&self.shared.resumes).clone()
    }

    /// Number of Identify (op 2) frames received.
    pub fn identify_count(&self) -> usize {
        lock(&self.shared.identifies).len()
    }

    /// Number of Resume (op 6) frames received.
    pub fn resume_count(&self) -> usize {
        lock(&self.shared.resumes).len()
    }

    /// Number of Heartbeat (op 1) frames received.
    pub fn heartbeat_count(&self) -> u64 {
        self.shared.heartbeats.load(Ordering::SeqCst)
    }

    /// Number of WebSocket connections accepted so far.
    pub fn connections_opened(&self) -> u64 {
        self.shared.connections_opened.load(Ordering::SeqCst)
    }

    /// Number of WebSocket connections open now.
    pub fn live_connections(&self) -> usize {
        lock(&self.shared.conns).len()
    }

    /// Every frame received from gateway clients (tokens redacted).
    pub fn gateway_frames(&self) -> Vec<GatewayFrame> {
        lock(&self.shared.frames).clone()
    }

    /// Every dispatch sent (connection, seq, event name).
    pub fn sent_dispatches(&self) -> Vec<SentDispatch> {
        lock(&self.shared.dispatches).clone()
    }

    /// The current session's last sequence number.
    pub fn current_seq(&self) -> u64 {
        lock(&self.shared.session).seq
    }

    /// Send a dispatch (op 0) with the next sequence number to every identified or resumed
    /// connection. Returns the sequence number, or `None` if no connection was ready (nothing
    /// was sent and no number used).
    pub fn push_dispatch(&self, t: &str, d: Value) -> Option<u64> {
        self.shared.dispatch(t, d)
    }

    /// Push an INTERACTION_CREATE carrying `interaction`.
    pub fn push_interaction(&self, interaction: Value) -> Option<u64> {
        self.push_dispatch("INTERACTION_CREATE", interaction)
    }

    /// Push a MESSAGE_CREATE for `spec`.
    pub fn push_message(&self, spec: &MessageSpec) -> Option<u64> {
        self.push_dispatch("MESSAGE_CREATE", payloads::message_create(spec))
    }

    /// Drop every open gateway connection abruptly (TCP closed, no close frame); serenity
    /// then reconnects and sends Resume. Returns how many connections were dropped.
    pub fn drop_gateway(&self) -> usize {
        self.send_all(|| ConnCmd::Drop)
    }

    /// Close every open gateway connection with a close frame carrying `code` (4000 makes
    /// serenity resume; 4004 makes it give up). Returns how many connections were closed.
    pub fn close_gateway(&self, code: u16) -> usize {
        self.send_all(|| ConnCmd::Close(code))
    }

    /// Send op 7 (Reconnect) to every open connection; serenity reconnects and resumes.
    pub fn send_reconnect(&self) -> usize {
        let frame = json!({"op": 7, "d": null}).to_string();
        self.send_all(|| ConnCmd::Send(frame.clone()))
    }

    /// Send op 9 (Invalid Session) with `resumable` to every open connection.
    pub fn send_invalid_session(&self, resumable: bool) -> usize {
        let frame = json!({"op": 9, "d": resumable}).to_string();
        self.send_all(|| ConnCmd::Send(frame.clone()))
    }

    fn send_all(&self, cmd: impl Fn() -> ConnCmd) -> usize {
        let conns = lock(&self.shared.conns);
        conns.values().filter(|c| c.tx.send(cmd()).is_ok()).count()
    }

    /// Wait up to `timeout` for a recorded request matching `pred` (already recorded ones
    /// count). Returns the first match.
    pub async fn wait_for_request(
        &self,
        pred: impl Fn(&RecordedRequest) -> bool,
        timeout: Duration,
    ) -> Option<RecordedRequest> {
        self.wait_until(timeout, || {
            lock(&self.shared.requests)
                .iter()
                .find(|r| pred(r))
                .cloned()
        })
        .await
    }

    /// Wait up to `timeout` for the `n`-th (1-based) request matching `pred`.
    pub async fn wait_for_nth_request(
        &self,
        n: usize,
        pred: impl Fn(&RecordedRequest) -> bool,
        timeout: Duration,
    ) -> Option<RecordedRequest> {
        self.wait_until(timeout, || {
            lock(&self.shared.requests)
                .iter()
                .filter(|r| pred(r))
                .nth(n.saturating_sub(1))
                .cloned()
        })
        .await
    }

    /// Wait up to `timeout` until a client has identified and READY was sent; returns the
    /// first Identify's `d`.
    pub async fn wait_identified(&self, timeout: Duration) -> Option<Value> {
        self.wait_until(timeout, || lock(&self.shared.identifies).first().cloned())
            .await
    }

    /// Wait up to `timeout` until at least `n` Identify frames were received.
    pub async fn wait_identify_count(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, || (self.identify_count() >= n).then_some(()))
            .await
            .is_some()
    }

    /// Wait up to `timeout` until a client has resumed and RESUMED was sent; returns the
    /// first Resume's `d`.
    pub async fn wait_resumed(&self, timeout: Duration) -> Option<Value> {
        self.wait_until(timeout, || lock(&self.shared.resumes).first().cloned())
            .await
    }

    /// Wait up to `timeout` until at least `n` Resume frames were received.
    pub async fn wait_resume_count(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, || (self.resume_count() >= n).then_some(()))
            .await
            .is_some()
    }

    /// Wait up to `timeout` until `check` returns `Some`, re-checking whenever the double
    /// records something (and at least every 50 ms).
    pub async fn wait_until<T>(
        &self,
        timeout: Duration,
        check: impl Fn() -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(v) = check() {
                return Some(v);
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return None;
            }
            let step = (deadline - now).min(Duration::from_millis(50));
            let _ = tokio::time::timeout(step, notified).await;
        }
    }

    /// A readable dump of all REST requests (method, path, route; no tokens), for assertion
    /// messages.
    pub fn request_log(&self) -> String {
        self.requests()
            .iter()
            .map(|r| {
                format!(
                    "{} {}{} -> {} [{}]{}",
                    r.method,
                    r.path,
                    r.query
                        .as_deref()
                        .map(|q| format!("?{q}"))
                        .unwrap_or_default(),
                    r.status,
                    r.route,
                    if r.fallback { " (FALLBACK)" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for DiscordDouble {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
        self.drop_gateway();
        self.server.abort();
    }
}

//! The gateway side of the double: one task per WebSocket connection sends Hello, answers
//! Heartbeat with Heartbeat ACK, answers Identify with READY + GUILD_CREATE and Resume with
//! RESUMED, records every client frame (tokens redacted), and obeys commands from the handle
//! (send a frame, drop the TCP connection, close with a code). Frames are plain-text JSON,
//! which serenity accepts alongside zlib binary frames.

use std::borrow::Cow;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{lock, payloads, Conn, ConnCmd, GatewayFrame, Shared};

/// What the connection loop should do after handling an event.
enum Flow {
    Continue,
    Stop,
}

/// Serve one gateway connection until the client leaves, the handle drops or closes it, or
/// the double shuts down.
pub(crate) async fn serve_connection(shared: Arc<Shared>, mut socket: WebSocket) {
    let conn_id = shared.connections_opened.fetch_add(1, Ordering::SeqCst) + 1;
    let (tx, mut rx) = mpsc::unbounded_channel();
    lock(&shared.conns).insert(conn_id, Conn { tx, ready: false });
    shared.notify();
    let mut shutdown = shared.shutdown.clone();

    let hello = json!({
        "op": 10,
        "d": {"heartbeat_interval": shared.config.heartbeat_interval_ms},
        "s": null,
        "t": null,
    });
    if socket.send(Message::Text(hello.to_string())).await.is_ok() {
        loop {
            let flow = tokio::select! {
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => on_client_frame(&shared, conn_id, &text),
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => Flow::Stop,
                    Some(Ok(_)) => Flow::Continue,
                },
                cmd = rx.recv() => match cmd {
                    Some(ConnCmd::Send(frame)) => {
                        if socket.send(Message::Text(frame)).await.is_err() {
                            Flow::Stop
                        } else {
                            Flow::Continue
                        }
                    },
                    Some(ConnCmd::Close(code)) => {
                        let frame = CloseFrame { code, reason: Cow::Borrowed("closed by test") };
                        let _ = socket.send(Message::Close(Some(frame))).await;
                        Flow::Stop
                    },
                    Some(ConnCmd::Drop) | None => Flow::Stop,
                },
                () = stopped(&mut shutdown) => Flow::Stop,
            };
            if let Flow::Stop = flow {
                break;
            }
        }
    }
    lock(&shared.conns).remove(&conn_id);
    shared.notify();
    // Dropping `socket` here closes the TCP connection without a close handshake.
}

/// Resolve once the double is shutting down.
async fn stopped(rx: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Replace a `token` field with "[redacted]".
fn redact(mut v: Value) -> Value {
    if let Some(t) = v.pointer_mut("/d/token") {
        *t = json!("[redacted]");
    }
    v
}

/// Queue a non-dispatch frame on this connection.
fn send_op(shared: &Shared, conn_id: u64, frame: Value) {
    if let Some(c) = lock(&shared.conns).get(&conn_id) {
        let _ = c.tx.send(ConnCmd::Send(frame.to_string()));
    }
}

/// Handle one text frame from the client.
fn on_client_frame(shared: &Shared, conn_id: u64, text: &str) -> Flow {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return Flow::Continue;
    };
    let frame = redact(frame);
    let op = frame.get("op").and_then(Value::as_u64).unwrap_or(u64::MAX);
    lock(&shared.frames).push(GatewayFrame {
        connection: conn_id,
        op,
        payload: frame.clone(),
    });
    let d = frame.get("d").cloned().unwrap_or(Value::Null);
    match op {
        1 => {
            shared.heartbeats.fetch_add(1, Ordering::SeqCst);
            send_op(
                shared,
                conn_id,
                json!({"op": 11, "d": null, "s": null, "t": null}),
            );
        }
        2 => identify(shared, conn_id, d),
        6 => resume(shared, conn_id, d),
        _ => {}
    }
    shared.notify();
    Flow::Continue
}

/// Start a new session: READY then GUILD_CREATE, then record the Identify.
fn identify(shared: &Shared, conn_id: u64, d: Value) {
    let cfg = &shared.config;
    let session_id = {
        let mut s = lock(&shared.session);
        s.sessions_started += 1;
        s.seq = 0;
        let id = format!("double-session-{}", s.sessions_started);
        s.session_id = Some(id.clone());
        id
    };
    if let Some(c) = lock(&shared.conns).get_mut(&conn_id) {
        c.ready = true;
    }
    let ready = payloads::ready(
        payloads::current_user(cfg.bot_user_id, &cfg.bot_username),
        &[cfg.guild_id],
        &session_id,
        &shared.ws_url,
        d.get("shard").cloned(),
        cfg.application_id,
    );
    shared.dispatch_to(conn_id, "READY", ready);
    let guild = payloads::guild_create(&payloads::GuildSpec {
        guild_id: cfg.guild_id,
        name: "Test Guild".to_string(),
        channel_id: cfg.channel_id,
        forum_channel_id: cfg.forum_channel_id,
        moderator_role_id: cfg.moderator_role_id,
        owner_id: cfg.owner_id,
        bot_user_id: cfg.bot_user_id,
        bot_username: cfg.bot_username.clone(),
        application_id: cfg.application_id,
    });
    shared.dispatch_to(conn_id, "GUILD_CREATE", guild);
    lock(&shared.identifies).push(d);
}

/// Resume the current session (RESUMED, nothing replayed), or answer op 9 (not resumable)
/// when the session id is unknown. The Resume is recorded either way.
fn resume(shared: &Shared, conn_id: u64, d: Value) {
    let known = {
        let s = lock(&shared.session);
        s.session_id.is_some()
            && d.get("session_id").and_then(Value::as_str) == s.session_id.as_deref()
    };
    if known {
        if let Some(c) = lock(&shared.conns).get_mut(&conn_id) {
            c.ready = true;
        }
        shared.dispatch_to(conn_id, "RESUMED", json!({"_trace": ["discord-double"]}));
    } else {
        send_op(
            shared,
            conn_id,
            json!({"op": 9, "d": false, "s": null, "t": null}),
        );
    }
    lock(&shared.resumes).push(d);
}

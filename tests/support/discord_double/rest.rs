//! The REST side of the double: one catch-all handler records each request (method, path,
//! query, whether it was authorized, JSON or multipart `payload_json` body), then answers it
//! from a small table of modelled routes, or with a generic 200 `{}` / 204 marked FALLBACK.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{gateway, lock, payloads, RecordedRequest, Shared};

/// Build the router: `/gateway` is the WebSocket, everything else goes to [`handle`].
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/gateway", get(ws_entry))
        .fallback(handle)
        .with_state(shared)
}

/// Upgrade `/gateway?v=10&...` (any query) to a gateway connection.
async fn ws_entry(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| gateway::serve_connection(shared, socket))
}

/// What a route handler answers: status, optional JSON body, route name, fallback flag.
struct Answer {
    status: StatusCode,
    body: Option<Value>,
    route: &'static str,
    fallback: bool,
}

impl Answer {
    fn json(route: &'static str, body: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body: Some(body),
            route,
            fallback: false,
        }
    }

    fn no_content(route: &'static str) -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            body: None,
            route,
            fallback: false,
        }
    }

    fn not_found(route: &'static str, code: u32, message: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            body: Some(json!({"code": code, "message": message})),
            route,
            fallback: false,
        }
    }
}

/// Record the request, then answer it.
async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let received_at = std::time::Instant::now();
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let auth = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let (json_body, files) = parse_body(content_type.as_deref(), &body);
    let path = uri.path().to_string();
    let answer = route(&shared, &method, &path, json_body.as_ref());

    let recorded = RecordedRequest {
        method: method.as_str().to_string(),
        path,
        query: uri.query().map(str::to_string),
        has_authorization: auth.is_some(),
        bot_authorization: auth.is_some_and(|a| a.starts_with("Bot ")),
        content_type,
        body: json_body,
        files,
        route: answer.route.to_string(),
        fallback: answer.fallback,
        status: answer.status.as_u16(),
        received_at,
    };
    lock(&shared.requests).push(recorded);
    shared.notify();

    match answer.body {
        Some(b) => (answer.status, axum::Json(b)).into_response(),
        None => answer.status.into_response(),
    }
}

/// Parse a JSON body, or the `payload_json` part of a multipart/form-data body (other parts
/// are listed as `(name, filename)`).
fn parse_body(
    content_type: Option<&str>,
    body: &[u8],
) -> (Option<Value>, Vec<(String, Option<String>)>) {
    if body.is_empty() {
        return (None, Vec::new());
    }
    let ct = content_type.unwrap_or("");
    if ct.starts_with("multipart/form-data") {
        let Some(boundary) = ct
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("boundary="))
            .next()
        else {
            return (None, Vec::new());
        };
        let boundary = boundary.trim_matches('"');
        let mut payload = None;
        let mut files = Vec::new();
        for part in multipart_parts(body, boundary) {
            if part.name == "payload_json" {
                payload = serde_json::from_slice(&part.data).ok();
            } else {
                files.push((part.name, part.filename));
            }
        }
        return (payload, files);
    }
    (serde_json::from_slice(body).ok(), Vec::new())
}

/// One part of a multipart body.
struct Part {
    name: String,
    filename: Option<String>,
    data: Vec<u8>,
}

/// Split a multipart body on `--boundary` and read each part's Content-Disposition.
fn multipart_parts(body: &[u8], boundary: &str) -> Vec<Part> {
    let delim = format!("--{boundary}");
    let mut parts = Vec::new();
    for chunk in split_bytes(body, delim.as_bytes()).into_iter().skip(1) {
        if chunk.starts_with(b"--") {
            break;
        }
        let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        let Some(split) = find(chunk, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&chunk[..split]);
        let mut data = &chunk[split + 4..];
        data = data.strip_suffix(b"\r\n").unwrap_or(data);
        let mut name = String::new();
        let mut filename = None;
        for line in head.lines() {
            if !line.to_ascii_lowercase().starts_with("content-disposition") {
                continue;
            }
            for attr in line.split(';') {
                let attr = attr.trim();
                if let Some(v) = attr.strip_prefix("name=") {
                    name = v.trim_matches('"').to_string();
                } else if let Some(v) = attr.strip_prefix("filename=") {
                    filename = Some(v.trim_matches('"').to_string());
                }
            }
        }
        parts.push(Part {
            name,
            filename,
            data: data.to_vec(),
        });
    }
    parts
}

/// Position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Split `hay` on every occurrence of `sep`.
fn split_bytes<'a>(hay: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = hay;
    while let Some(i) = find(rest, sep) {
        out.push(&rest[..i]);
        rest = &rest[i + sep.len()..];
    }
    out.push(rest);
    out
}

/// Answer a request from the table of modelled routes.
fn route(shared: &Shared, method: &Method, path: &str, body: Option<&Value>) -> Answer {
    let cfg = &shared.config;
    let Some(rest) = path.strip_prefix("/api/v10/") else {
        return fallback(method);
    };
    let segs: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let m = method.as_str();
    match (m, segs.as_slice()) {
        ("GET", ["gateway"]) => Answer::json("gateway", json!({"url": shared.ws_url})),
        ("GET", ["gateway", "bot"]) => {
            Answer::json("gateway.bot", payloads::bot_gateway(&shared.ws_url))
        }
        ("GET", ["users", "@me"]) => Answer::json(
            "users.me",
            payloads::current_user(cfg.bot_user_id, &cfg.bot_username),
        ),
        ("GET", ["users", id]) => {
            let id = id.parse().unwrap_or(1);
            Answer::json(
                "users.get",
                payloads::user_object(id, &format!("user{id}"), false),
            )
        }
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = body
                .and_then(|b| b.get("recipient_id"))
                .and_then(snowflake)
                .unwrap_or(1);
            let channel = payloads::dm_channel(
                recipient + 7_000_000,
                payloads::user_object(recipient, &format!("user{recipient}"), false),
            );
            Answer::json("users.dm_channel", channel)
        }
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            Answer::json(
                "applications.me",
                payloads::application_info(
                    cfg.application_id,
                    &cfg.bot_username,
                    payloads::user_object(cfg.owner_id, "owner", false),
                    payloads::user_object(cfg.bot_user_id, &cfg.bot_username, true),
                ),
            )
        }
        (_, ["applications", _app, "commands", ..]) => commands(shared, m, None, &segs[3..], body),
        (_, ["applications", _app, "guilds", guild, "commands", ..]) => {
            let guild = guild.parse().ok();
            commands(shared, m, guild, &segs[5..], body)
        }
        ("POST", ["interactions", _id, token, "callback"]) => {
            interaction_callback(shared, token, body);
            Answer::no_content("interaction.callback")
        }
        (_, ["webhooks", _app, token, rest @ ..]) => webhook(shared, m, token, rest, body),
        ("POST", ["channels", channel, "messages"]) => {
            let channel = channel.parse().unwrap_or(cfg.channel_id);
            let msg = bot_message(shared, channel, body, false);
            Answer::json("messages.create", msg)
        }
        ("GET", ["channels", _channel, "messages", id]) => match stored(shared, id) {
            Some(msg) => Answer::json("messages.get", msg),
            None => Answer::not_found("messages.get", 10008, "Unknown Message"),
        },
        ("PATCH", ["channels", _channel, "messages", id]) => match stored(shared, id) {
            Some(msg) => Answer::json("messages.edit", edit_message(shared, id, msg, body)),
            None => Answer::not_found("messages.edit", 10008, "Unknown Message"),
        },
        ("DELETE", ["channels", _channel, "messages", id]) => {
            lock(&shared.messages).remove(*id);
            Answer::no_content("messages.delete")
        }
        ("PUT", ["channels", c, "messages", m, "reactions", emoji, "@me"]) => {
            let (Ok(c), Ok(m)) = (c.parse::<u64>(), m.parse::<u64>()) else {
                return Answer::not_found("reactions.add", 10003, "Unknown Channel");
            };
            lock(&shared.reactions).push((c, m, percent_decode(emoji)));
            shared.notify();
            Answer::no_content("reactions.add")
        }
        ("POST", ["channels", channel, "messages", message, "threads"]) => {
            start_thread(shared, channel, message, body)
        }
        ("POST", ["channels", _channel, "typing"]) => Answer::no_content("channels.typing"),
        ("GET", ["channels", channel]) => {
            let id: u64 = channel.parse().unwrap_or(cfg.channel_id);
            if let Some(thread) = lock(&shared.threads).get(&id) {
                return Answer::json("channels.get", thread.clone());
            }
            if id == cfg.forum_channel_id {
                return Answer::json(
                    "channels.get",
                    payloads::forum_channel(id, cfg.guild_id, "questions"),
                );
            }
            Answer::json(
                "channels.get",
                payloads::text_channel(
                    id,
                    cfg.guild_id,
                    if id == cfg.channel_id {
                        "general"
                    } else {
                        "channel"
                    },
                ),
            )
        }
        ("GET", ["guilds", _guild, "members", user]) => {
            let id: u64 = user.parse().unwrap_or(1);
            let user = if id == cfg.bot_user_id {
                shared.bot_user()
            } else {
                payloads::user_object(id, &format!("user{id}"), false)
            };
            Answer::json("guilds.member", payloads::member_object(user, &[], None))
        }
        _ => fallback(method),
    }
}

/// Start Thread from Message (`POST /channels/{c}/messages/{m}/threads`): Discord checks the
/// name (1–100 characters), makes a public thread whose id is the message's, answers with the
/// channel and sends THREAD_CREATE.
fn start_thread(shared: &Shared, channel: &str, message: &str, body: Option<&Value>) -> Answer {
    let (Ok(channel), Ok(message)) = (channel.parse::<u64>(), message.parse::<u64>()) else {
        return Answer::not_found("threads.from_message", 10003, "Unknown Channel");
    };
    let name = body
        .and_then(|b| b.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let length = name.chars().count();
    if !(1..=100).contains(&length) {
        return Answer {
            status: StatusCode::BAD_REQUEST,
            body: Some(json!({
                "code": 50035,
                "message": "Invalid Form Body",
                "errors": {"name": {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}]}},
            })),
            route: "threads.from_message",
            fallback: false,
        };
    }
    if lock(&shared.threads).contains_key(&message) {
        return Answer {
            status: StatusCode::BAD_REQUEST,
            body: Some(
                json!({"code": 160004, "message": "A thread has already been created for this message"}),
            ),
            route: "threads.from_message",
            fallback: false,
        };
    }
    let cfg = &shared.config;
    let thread = payloads::thread_channel(message, cfg.guild_id, channel, cfg.bot_user_id, name);
    lock(&shared.threads).insert(message, thread.clone());
    shared.dispatch("THREAD_CREATE", thread.clone());
    Answer::json("threads.from_message", thread)
}

/// Decodes `%XX` escapes (an emoji in a reaction path).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The generic answer for routes the double does not model.
fn fallback(method: &Method) -> Answer {
    if method == Method::DELETE {
        Answer {
            status: StatusCode::NO_CONTENT,
            body: None,
            route: "FALLBACK",
            fallback: true,
        }
    } else {
        Answer {
            status: StatusCode::OK,
            body: Some(json!({})),
            route: "FALLBACK",
            fallback: true,
        }
    }
}

/// A snowflake from a JSON string or number.
fn snowflake(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// A stored message by key.
fn stored(shared: &Shared, key: &str) -> Option<Value> {
    lock(&shared.messages).get(key).cloned()
}

/// Application command routes (`rest` is what follows `.../commands`).
fn commands(
    shared: &Shared,
    method: &str,
    guild: Option<u64>,
    rest: &[&str],
    body: Option<&Value>,
) -> Answer {
    let key = guild.map_or_else(|| "global".to_string(), |g| g.to_string());
    let app = shared.config.application_id;
    let echo = |c: &Value| payloads::command_echo(c, shared.new_id(), app, guild, shared.new_id());
    match (method, rest) {
        ("PUT", []) => {
            let sent = body.and_then(Value::as_array).cloned().unwrap_or_default();
            let echoed: Vec<Value> = sent.iter().map(echo).collect();
            lock(&shared.commands).insert(key, echoed.clone());
            Answer::json("commands.overwrite", Value::Array(echoed))
        }
        ("POST", []) => {
            let c = echo(body.unwrap_or(&Value::Null));
            let mut cmds = lock(&shared.commands);
            let list = cmds.entry(key).or_default();
            list.retain(|x| x.get("name") != c.get("name"));
            list.push(c.clone());
            Answer::json("commands.create", c)
        }
        ("GET", []) => {
            let list = lock(&shared.commands)
                .get(&key)
                .cloned()
                .unwrap_or_default();
            Answer::json("commands.list", Value::Array(list))
        }
        ("DELETE", [_id]) => Answer::no_content("commands.delete"),
        _ => fallback(&Method::GET),
    }
}

/// Record the original response an interaction callback creates (types 4, 5, 7, 6).
fn interaction_callback(shared: &Shared, token: &str, body: Option<&Value>) {
    let kind = body.and_then(|b| b.get("type")).and_then(Value::as_u64);
    let data = body.and_then(|b| b.get("data")).cloned();
    let msg = match kind {
        Some(4) | Some(7) => webhook_message(shared, data.as_ref()),
        Some(5) | Some(6) => {
            let mut m = webhook_message(shared, data.as_ref());
            m["flags"] = json!(
                128 | data
                    .as_ref()
                    .and_then(|d| d.get("flags"))
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
            );
            m
        }
        _ => return,
    };
    lock(&shared.messages).insert(format!("@original:{token}"), msg);
}

/// Webhook routes used by interaction responses and followups.
fn webhook(
    shared: &Shared,
    method: &str,
    token: &str,
    rest: &[&str],
    body: Option<&Value>,
) -> Answer {
    let original = format!("@original:{token}");
    match (method, rest) {
        ("POST", []) => {
            let msg = webhook_message(shared, body);
            if let Some(id) = msg.get("id").and_then(Value::as_str) {
                lock(&shared.messages).insert(id.to_string(), msg.clone());
            }
            Answer::json("webhooks.followup", msg)
        }
        ("GET", ["messages", id]) => {
            let key = if *id == "@original" {
                original
            } else {
                id.to_string()
            };
            match stored(shared, &key) {
                Some(m) => Answer::json("webhooks.get", m),
                None => Answer::not_found("webhooks.get", 10008, "Unknown Message"),
            }
        }
        ("PATCH", ["messages", id]) => {
            let key = if *id == "@original" {
                original
            } else {
                id.to_string()
            };
            let base = stored(shared, &key).unwrap_or_else(|| webhook_message(shared, None));
            let msg = edit_message(shared, &key, base, body);
            Answer::json("webhooks.edit", msg)
        }
        ("DELETE", ["messages", id]) => {
            let key = if *id == "@original" {
                original
            } else {
                id.to_string()
            };
            lock(&shared.messages).remove(&key);
            Answer::no_content("webhooks.delete")
        }
        _ => fallback(&Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET)),
    }
}

/// A message by the bot in `channel` built from a create-message body; stored by id.
fn bot_message(shared: &Shared, channel: u64, body: Option<&Value>, webhook: bool) -> Value {
    let cfg = &shared.config;
    let mut spec = payloads::MessageSpec::new(
        shared.new_id(),
        channel,
        (channel == cfg.channel_id
            || channel == cfg.forum_channel_id
            || lock(&shared.threads).contains_key(&channel))
        .then_some(cfg.guild_id),
        payloads::Actor::new(
            cfg.bot_user_id,
            &cfg.bot_username,
            Vec::new(),
            payloads::PERMS_BOT,
        )
        .as_bot(),
        "",
    );
    if webhook {
        spec.application_id = Some(cfg.application_id);
        spec.webhook_id = Some(cfg.application_id);
    }
    spec.reply_to = body
        .and_then(|b| b.pointer("/message_reference/message_id"))
        .and_then(snowflake);
    let mut msg = payloads::message_object(&spec);
    apply_body(&mut msg, body);
    if let Some(id) = msg.get("id").and_then(Value::as_str) {
        lock(&shared.messages).insert(id.to_string(), msg.clone());
    }
    msg
}

/// A webhook (interaction response) message in the test channel built from `body`.
fn webhook_message(shared: &Shared, body: Option<&Value>) -> Value {
    let mut m = bot_message(shared, shared.config.channel_id, body, true);
    m["type"] = json!(20);
    m
}

/// Apply an edit body to a stored message, store and return it.
fn edit_message(shared: &Shared, key: &str, mut msg: Value, body: Option<&Value>) -> Value {
    apply_body(&mut msg, body);
    msg["edited_timestamp"] = json!(payloads::TIMESTAMP);
    lock(&shared.messages).insert(key.to_string(), msg.clone());
    if let Some(id) = msg.get("id").and_then(Value::as_str) {
        if id != key {
            lock(&shared.messages).insert(id.to_string(), msg.clone());
        }
    }
    msg
}

/// Copy content, embeds, components, flags, tts and allowed mentions' effect from a
/// create/edit body onto a message object, normalized to what serenity deserializes.
fn apply_body(msg: &mut Value, body: Option<&Value>) {
    let Some(b) = body else { return };
    if let Some(c) = b.get("content") {
        msg["content"] = if c.is_null() { json!("") } else { c.clone() };
    }
    if let Some(Value::Array(embeds)) = b.get("embeds") {
        msg["embeds"] = Value::Array(embeds.iter().map(normalize_embed).collect());
    }
    if let Some(Value::Array(rows)) = b.get("components") {
        msg["components"] = Value::Array(rows.clone());
    }
    if let Some(f) = b.get("flags").and_then(Value::as_u64) {
        msg["flags"] = json!(f);
    }
    if let Some(t) = b.get("tts").and_then(Value::as_bool) {
        msg["tts"] = json!(t);
    }
}

/// Embeds as Discord returns them: `type` "rich", and `inline` on every field.
fn normalize_embed(e: &Value) -> Value {
    let mut e = e.clone();
    if let Value::Object(m) = &mut e {
        m.entry("type").or_insert(json!("rich"));
        if let Some(Value::Array(fields)) = m.get_mut("fields") {
            for f in fields {
                if let Value::Object(fm) = f {
                    fm.entry("inline").or_insert(json!(false));
                }
            }
        }
    }
    e
}

//! Builders for realistic Discord JSON payloads (users, members, messages, interactions,
//! guilds) shaped so that serenity 0.12.5 deserializes them.
//!
//! Every builder takes the ids, user, roles and permissions it needs as parameters, so a test
//! can describe a moderator or a plain member. Snowflakes are written as strings, like Discord
//! does. Fields that serenity requires without a serde default (for example
//! `attachment_size_limit` on interactions, `tts`/`pinned`/`attachments` on messages) are always
//! present.

use serde_json::{json, Map, Value};

/// Fixed timestamp used for every `timestamp`/`joined_at` field.
pub const TIMESTAMP: &str = "2024-01-01T00:00:00.000000+00:00";

/// Permission bit: VIEW_CHANNEL.
pub const PERM_VIEW_CHANNEL: u64 = 1 << 10;
/// Permission bit: SEND_MESSAGES.
pub const PERM_SEND_MESSAGES: u64 = 1 << 11;
/// Permission bit: MANAGE_MESSAGES.
pub const PERM_MANAGE_MESSAGES: u64 = 1 << 13;
/// Permission bit: EMBED_LINKS.
pub const PERM_EMBED_LINKS: u64 = 1 << 14;
/// Permission bit: READ_MESSAGE_HISTORY.
pub const PERM_READ_MESSAGE_HISTORY: u64 = 1 << 16;
/// Permission bit: USE_APPLICATION_COMMANDS.
pub const PERM_USE_APPLICATION_COMMANDS: u64 = 1 << 31;
/// Permission bit: MANAGE_GUILD.
pub const PERM_MANAGE_GUILD: u64 = 1 << 5;
/// Permission bit: ADMINISTRATOR.
pub const PERM_ADMINISTRATOR: u64 = 1 << 3;

/// What a plain member may do in the test channel (view, send, embed, history, commands).
pub const PERMS_MEMBER: u64 = PERM_VIEW_CHANNEL
    | PERM_SEND_MESSAGES
    | PERM_EMBED_LINKS
    | PERM_READ_MESSAGE_HISTORY
    | PERM_USE_APPLICATION_COMMANDS;
/// What a moderator may do in the test channel: a member's rights plus MANAGE_MESSAGES and
/// MANAGE_GUILD.
pub const PERMS_MODERATOR: u64 = PERMS_MEMBER | PERM_MANAGE_MESSAGES | PERM_MANAGE_GUILD;
/// What the bot itself may do in the test channel (used for `app_permissions`).
pub const PERMS_BOT: u64 = PERMS_MEMBER;

/// Who performs an action (sends a message, runs a command, clicks a button).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user's snowflake.
    pub user_id: u64,
    /// The user's username.
    pub username: String,
    /// Whether the user is a bot account.
    pub bot: bool,
    /// Role ids the member has in the guild (ignored in DMs).
    pub roles: Vec<u64>,
    /// The member's computed permissions in the channel (the `member.permissions` string of an
    /// interaction).
    pub permissions: u64,
}

impl Actor {
    /// A human guild member with the given roles and computed channel permissions.
    pub fn new(user_id: u64, username: &str, roles: Vec<u64>, permissions: u64) -> Self {
        Self {
            user_id,
            username: username.to_string(),
            bot: false,
            roles,
            permissions,
        }
    }

    /// A plain member: no roles, [`PERMS_MEMBER`].
    pub fn member(user_id: u64, username: &str) -> Self {
        Self::new(user_id, username, Vec::new(), PERMS_MEMBER)
    }

    /// A moderator: holds `moderator_role_id`, [`PERMS_MODERATOR`].
    pub fn moderator(user_id: u64, username: &str, moderator_role_id: u64) -> Self {
        Self::new(user_id, username, vec![moderator_role_id], PERMS_MODERATOR)
    }

    /// The same actor flagged as a bot account.
    #[allow(clippy::wrong_self_convention)]
    pub fn as_bot(mut self) -> Self {
        self.bot = true;
        self
    }

    /// This actor's user object.
    pub fn user(&self) -> Value {
        user_object(self.user_id, &self.username, self.bot)
    }
}

/// A Discord user object (`discriminator` "0", no avatar).
pub fn user_object(id: u64, username: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": username,
        "discriminator": "0",
        "global_name": username,
        "avatar": null,
        "bot": bot,
        "system": false,
        "public_flags": 0,
        "flags": 0,
    })
}

/// The bot's own user object as returned by `GET /users/@me` (a `CurrentUser`).
pub fn current_user(id: u64, username: &str) -> Value {
    json!({
        "id": id.to_string(),
        "username": username,
        "discriminator": "0000",
        "global_name": null,
        "avatar": null,
        "bot": true,
        "system": false,
        "mfa_enabled": true,
        "verified": true,
        "email": null,
        "locale": "en-US",
        "flags": 0,
        "public_flags": 0,
        "premium_type": 0,
    })
}

/// A full guild member object (`Member`), with `permissions` when `permissions` is `Some`
/// (interactions carry it; GUILD_CREATE members do not).
pub fn member_object(user: Value, roles: &[u64], permissions: Option<u64>) -> Value {
    let mut m = json!({
        "user": user,
        "nick": null,
        "avatar": null,
        "roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "joined_at": TIMESTAMP,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
    });
    if let Some(p) = permissions {
        m["permissions"] = Value::String(p.to_string());
    }
    m
}

/// The partial member object that accompanies a guild MESSAGE_CREATE (no `user` field).
pub fn partial_member_object(roles: &[u64]) -> Value {
    json!({
        "nick": null,
        "avatar": null,
        "roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "joined_at": TIMESTAMP,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
    })
}

/// Description of a message (for MESSAGE_CREATE payloads and for `message` fields of
/// component interactions and context-menu targets).
#[derive(Clone, Debug)]
pub struct MessageSpec {
    /// Message snowflake.
    pub id: u64,
    /// Channel the message is in.
    pub channel_id: u64,
    /// Guild of the channel, `None` for a DM.
    pub guild_id: Option<u64>,
    /// Author (its `bot` flag becomes `author.bot`; its roles become `member.roles`).
    pub author: Actor,
    /// Text content.
    pub content: String,
    /// Mentioned users (user objects, e.g. from [`user_object`]).
    pub mentions: Vec<Value>,
    /// Mentioned role ids.
    pub mention_roles: Vec<u64>,
    /// Whether @everyone/@here was mentioned.
    pub mention_everyone: bool,
    /// Embeds (raw JSON embed objects).
    pub embeds: Vec<Value>,
    /// Components (raw JSON action rows).
    pub components: Vec<Value>,
    /// Message this one replies to (`message_reference.message_id`).
    pub reply_to: Option<u64>,
    /// Application that sent it (for bot/interaction messages).
    pub application_id: Option<u64>,
    /// Webhook id (interaction responses are webhook messages).
    pub webhook_id: Option<u64>,
    /// The replied-to message object, sent along as `referenced_message` (Discord includes it
    /// in MESSAGE_CREATE for replies, type 19).
    pub referenced: Option<Value>,
}

impl MessageSpec {
    /// A plain text message from `author` in `channel_id` (guild `guild_id`, or DM if `None`).
    pub fn new(
        id: u64,
        channel_id: u64,
        guild_id: Option<u64>,
        author: Actor,
        content: &str,
    ) -> Self {
        Self {
            id,
            channel_id,
            guild_id,
            author,
            content: content.to_string(),
            mentions: Vec::new(),
            mention_roles: Vec::new(),
            mention_everyone: false,
            embeds: Vec::new(),
            components: Vec::new(),
            reply_to: None,
            application_id: None,
            webhook_id: None,
            referenced: None,
        }
    }

    /// This message as a reply to `to` (a message object): `message_reference` and
    /// `referenced_message` set, as Discord sends them.
    pub fn replying_to(mut self, to: Value) -> Self {
        self.reply_to = to
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| id.parse().ok());
        self.referenced = Some(to);
        self
    }
}

/// A message object (`Message`). When `guild_id` is set, `guild_id` and a partial `member`
/// are included, as in a guild MESSAGE_CREATE.
pub fn message_object(spec: &MessageSpec) -> Value {
    let mut m = json!({
        "id": spec.id.to_string(),
        "channel_id": spec.channel_id.to_string(),
        "author": spec.author.user(),
        "content": spec.content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": spec.mention_everyone,
        "mentions": spec.mentions,
        "mention_roles": spec.mention_roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "attachments": [],
        "embeds": spec.embeds,
        "components": spec.components,
        "reactions": [],
        "pinned": false,
        "type": if spec.reply_to.is_some() { 19 } else { 0 },
        "flags": 0,
    });
    if let Some(g) = spec.guild_id {
        m["guild_id"] = Value::String(g.to_string());
        m["member"] = partial_member_object(&spec.author.roles);
    }
    if let Some(r) = spec.reply_to {
        m["message_reference"] = json!({
            "type": 0,
            "message_id": r.to_string(),
            "channel_id": spec.channel_id.to_string(),
            "guild_id": spec.guild_id.map(|g| g.to_string()),
        });
    }
    if let Some(referenced) = &spec.referenced {
        m["referenced_message"] = referenced.clone();
    }
    if let Some(a) = spec.application_id {
        m["application_id"] = Value::String(a.to_string());
    }
    if let Some(w) = spec.webhook_id {
        m["webhook_id"] = Value::String(w.to_string());
    }
    m
}

/// The `d` of a MESSAGE_CREATE dispatch (identical to [`message_object`]).
pub fn message_create(spec: &MessageSpec) -> Value {
    message_object(spec)
}

/// The common envelope of an interaction: who, where, which ids and token.
#[derive(Clone, Debug)]
pub struct InteractionEnv {
    /// Interaction snowflake (used in the callback URL).
    pub id: u64,
    /// Application id.
    pub application_id: u64,
    /// Interaction token (used in the callback and webhook URLs).
    pub token: String,
    /// Guild, or `None` for a DM interaction (then `user` is sent instead of `member`).
    pub guild_id: Option<u64>,
    /// Channel the interaction happened in.
    pub channel_id: u64,
    /// Who triggered it.
    pub actor: Actor,
    /// The bot's permissions in the channel (`app_permissions`).
    pub app_permissions: u64,
    /// The user's locale.
    pub locale: String,
    /// Where the interaction happened (`context`): 0 guild, 1 the bot's DM, 2 a private
    /// channel (group DM or a DM between other users). Default: 0 in a guild, 1 otherwise.
    pub context: Option<u8>,
    /// The command is the user's install (`authorizing_integration_owners` keyed "1"), not the
    /// guild's.
    pub user_installed: bool,
}

impl InteractionEnv {
    /// An envelope with token `"itoken-{id}"`, locale "en-US" and [`PERMS_BOT`].
    pub fn new(
        id: u64,
        application_id: u64,
        guild_id: Option<u64>,
        channel_id: u64,
        actor: Actor,
    ) -> Self {
        Self {
            id,
            application_id,
            token: format!("itoken-{id}"),
            guild_id,
            channel_id,
            actor,
            app_permissions: PERMS_BOT,
            locale: "en-US".to_string(),
            context: None,
            user_installed: false,
        }
    }

    /// The same envelope for a command the user installed, used in a private channel (a group
    /// DM or someone else's DM: context 2, channel type 3, no guild).
    pub fn in_private_channel(mut self) -> Self {
        self.guild_id = None;
        self.context = Some(2);
        self.user_installed = true;
        self
    }
}

/// Fill the envelope fields shared by every interaction type.
fn interaction_envelope(env: &InteractionEnv, kind: u8, data: Value) -> Value {
    let mut i = json!({
        "id": env.id.to_string(),
        "application_id": env.application_id.to_string(),
        "type": kind,
        "data": data,
        "channel_id": env.channel_id.to_string(),
        "channel": {
            "id": env.channel_id.to_string(),
            "type": match (env.guild_id, env.context) {
                (Some(_), _) => 0,
                (None, Some(2)) => 3,
                (None, _) => 1,
            },
            "name": if env.guild_id.is_some() { Value::from("general") } else { Value::Null },
            "permissions": env.actor.permissions.to_string(),
        },
        "token": env.token,
        "version": 1,
        "app_permissions": env.app_permissions.to_string(),
        "locale": env.locale,
        "entitlements": [],
        "authorizing_integration_owners": {},
        "context": env.context.unwrap_or(if env.guild_id.is_some() { 0 } else { 1 }),
        "attachment_size_limit": 26_214_400,
    });
    match env.guild_id {
        Some(g) => {
            i["guild_id"] = Value::String(g.to_string());
            i["guild_locale"] = Value::from("en-US");
            i["member"] = member_object(
                env.actor.user(),
                &env.actor.roles,
                Some(env.actor.permissions),
            );
            i["authorizing_integration_owners"] = json!({ "0": g.to_string() });
        }
        None => {
            i["user"] = env.actor.user();
            i["authorizing_integration_owners"] = json!({ "1": env.actor.user_id.to_string() });
        }
    }
    if env.user_installed {
        i["authorizing_integration_owners"] = json!({ "1": env.actor.user_id.to_string() });
    }
    i
}

/// The `resolved` data Discord sends with user and channel options: `users` (and, in a guild,
/// `members` without their `user`), `channels` as partial channels.
fn resolved_for(env: &InteractionEnv, options: &[(&str, OptionValue)]) -> Option<Value> {
    let mut users = Map::new();
    let mut members = Map::new();
    let mut channels = Map::new();
    for (_, value) in options {
        match value {
            OptionValue::User(id) => {
                users.insert(
                    id.to_string(),
                    user_object(*id, &format!("user{id}"), false),
                );
                if env.guild_id.is_some() {
                    members.insert(id.to_string(), partial_member_object(&[]));
                }
            }
            OptionValue::Channel(id) => {
                channels.insert(
                    id.to_string(),
                    json!({
                        "id": id.to_string(),
                        "name": format!("channel{id}"),
                        "type": 0,
                        "permissions": PERMS_MEMBER.to_string(),
                    }),
                );
            }
            _ => {}
        }
    }
    if users.is_empty() && channels.is_empty() {
        return None;
    }
    let mut resolved = Map::new();
    if !users.is_empty() {
        resolved.insert("users".into(), Value::Object(users));
    }
    if !members.is_empty() {
        resolved.insert("members".into(), Value::Object(members));
    }
    if !channels.is_empty() {
        resolved.insert("channels".into(), Value::Object(channels));
    }
    Some(Value::Object(resolved))
}

/// The value of one slash-command option.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionValue {
    /// Option type 3.
    String(String),
    /// Option type 4.
    Integer(i64),
    /// Option type 5.
    Boolean(bool),
    /// Option type 10.
    Number(f64),
    /// Option type 6 (a user id).
    User(u64),
    /// Option type 7 (a channel id).
    Channel(u64),
    /// Option type 8 (a role id).
    Role(u64),
    /// Option type 1: a subcommand with its own options.
    SubCommand(Vec<(String, OptionValue)>),
    /// Option type 2: a subcommand group holding subcommands.
    SubCommandGroup(Vec<(String, OptionValue)>),
}

impl OptionValue {
    /// Shorthand for [`OptionValue::String`].
    pub fn str(s: &str) -> Self {
        Self::String(s.to_string())
    }
}

/// A command-data option object (`{"name", "type", "value"}` or nested `options`).
pub fn option_object(name: &str, value: &OptionValue) -> Value {
    let nested = |opts: &Vec<(String, OptionValue)>| -> Value {
        Value::Array(opts.iter().map(|(n, v)| option_object(n, v)).collect())
    };
    match value {
        OptionValue::String(s) => json!({"name": name, "type": 3, "value": s}),
        OptionValue::Integer(n) => json!({"name": name, "type": 4, "value": n}),
        OptionValue::Boolean(b) => json!({"name": name, "type": 5, "value": b}),
        OptionValue::Number(x) => json!({"name": name, "type": 10, "value": x}),
        OptionValue::User(u) => json!({"name": name, "type": 6, "value": u.to_string()}),
        OptionValue::Channel(c) => json!({"name": name, "type": 7, "value": c.to_string()}),
        OptionValue::Role(r) => json!({"name": name, "type": 8, "value": r.to_string()}),
        OptionValue::SubCommand(o) => json!({"name": name, "type": 1, "options": nested(o)}),
        OptionValue::SubCommandGroup(o) => {
            json!({"name": name, "type": 2, "options": nested(o)})
        }
    }
}

/// A slash-command interaction (type 2, data.type 1).
///
/// `options` are `(name, value)` pairs in order. `command_id` should be the id the double gave
/// the command at registration (see `DiscordDouble::command_id`), but any snowflake works.
pub fn slash_command(
    env: &InteractionEnv,
    command_id: u64,
    name: &str,
    options: &[(&str, OptionValue)],
) -> Value {
    let mut data = json!({
        "id": command_id.to_string(),
        "name": name,
        "type": 1,
        "options": options.iter().map(|(n, v)| option_object(n, v)).collect::<Vec<_>>(),
        "guild_id": env.guild_id.map(|g| g.to_string()),
    });
    if let Some(resolved) = resolved_for(env, options) {
        data["resolved"] = resolved;
    }
    interaction_envelope(env, 2, data)
}

/// An autocomplete interaction (type 4): `options` are the already-filled options, and
/// `focused` is `(name, option_type, partial_text)` of the option being typed. Discord sends
/// the partial input as a string whatever the option type; serenity requires that.
pub fn autocomplete(
    env: &InteractionEnv,
    command_id: u64,
    name: &str,
    options: &[(&str, OptionValue)],
    focused: (&str, u8, &str),
) -> Value {
    let mut opts: Vec<Value> = options.iter().map(|(n, v)| option_object(n, v)).collect();
    opts.push(json!({
        "name": focused.0,
        "type": focused.1,
        "value": focused.2,
        "focused": true,
    }));
    let data = json!({
        "id": command_id.to_string(),
        "name": name,
        "type": 1,
        "options": opts,
        "guild_id": env.guild_id.map(|g| g.to_string()),
    });
    interaction_envelope(env, 4, data)
}

/// A button click (type 3, component_type 2) on `message` (a message object, typically a
/// bot message built with [`message_object`] or returned by the double's REST echo).
pub fn button_click(env: &InteractionEnv, custom_id: &str, message: Value) -> Value {
    let data = json!({
        "custom_id": custom_id,
        "component_type": 2,
    });
    let mut i = interaction_envelope(env, 3, data);
    i["message"] = message;
    i
}

/// A string-select interaction (type 3, component_type 3) choosing `values` on `message`.
pub fn select_menu(
    env: &InteractionEnv,
    custom_id: &str,
    values: &[&str],
    message: Value,
) -> Value {
    let data = json!({
        "custom_id": custom_id,
        "component_type": 3,
        "values": values,
    });
    let mut i = interaction_envelope(env, 3, data);
    i["message"] = message;
    i
}

/// A message context-menu command (type 2, data.type 3) targeting `target` (a message object;
/// its `id` becomes `target_id` and it is placed in `resolved.messages`).
pub fn message_context_command(
    env: &InteractionEnv,
    command_id: u64,
    name: &str,
    target: Value,
) -> Value {
    let target_id = target
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("1")
        .to_string();
    let mut messages = Map::new();
    messages.insert(target_id.clone(), target);
    let data = json!({
        "id": command_id.to_string(),
        "name": name,
        "type": 3,
        "target_id": target_id,
        "resolved": { "messages": messages },
        "guild_id": env.guild_id.map(|g| g.to_string()),
    });
    interaction_envelope(env, 2, data)
}

/// A guild text channel object (`GuildChannel`, type 0).
pub fn text_channel(id: u64, guild_id: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(),
        "type": 0,
        "guild_id": guild_id.to_string(),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

/// A public thread (type 11) in `parent`, started by `owner`, as Discord returns it from
/// "Start Thread from Message" and sends it in THREAD_CREATE (`newly_created`).
pub fn thread_channel(id: u64, guild_id: u64, parent: u64, owner: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(),
        "type": 11,
        "guild_id": guild_id.to_string(),
        "name": name,
        "parent_id": parent.to_string(),
        "owner_id": owner.to_string(),
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": false,
            "auto_archive_duration": 1440,
            "archive_timestamp": TIMESTAMP,
            "locked": false,
            "create_timestamp": TIMESTAMP,
        },
        "newly_created": true,
    })
}

/// A forum channel (type 15): every post in it is a thread whose `parent_id` is the forum.
pub fn forum_channel(id: u64, guild_id: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(),
        "type": 15,
        "guild_id": guild_id.to_string(),
        "name": name,
        "position": 1,
        "permission_overwrites": [],
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
        "available_tags": [],
        "default_reaction_emoji": null,
        "default_thread_rate_limit_per_user": 0,
        "default_sort_order": null,
        "default_forum_layout": 0,
    })
}

/// A DM channel object (type 1) with one recipient.
pub fn dm_channel(id: u64, recipient: Value) -> Value {
    json!({
        "id": id.to_string(),
        "type": 1,
        "last_message_id": null,
        "recipients": [recipient],
        "flags": 0,
    })
}

/// A role object.
pub fn role_object(id: u64, name: &str, permissions: u64, position: u16) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": false,
        "mentionable": true,
        "flags": 0,
    })
}

/// The ids a GUILD_CREATE payload is built from.
#[derive(Clone, Debug)]
pub struct GuildSpec {
    /// Guild id (also the @everyone role id).
    pub guild_id: u64,
    /// Guild name.
    pub name: String,
    /// The one text channel.
    pub channel_id: u64,
    /// The forum channel.
    pub forum_channel_id: u64,
    /// The moderator role.
    pub moderator_role_id: u64,
    /// The guild owner.
    pub owner_id: u64,
    /// The bot user (present as a member).
    pub bot_user_id: u64,
    /// The bot's username.
    pub bot_username: String,
    /// Application id.
    pub application_id: u64,
}

/// The `d` of a GUILD_CREATE dispatch: one text channel "general", roles @everyone
/// ([`PERMS_MEMBER`]) and "Moderator" ([`PERMS_MODERATOR`]), the bot as the only member.
pub fn guild_create(spec: &GuildSpec) -> Value {
    let bot_member = member_object(
        user_object(spec.bot_user_id, &spec.bot_username, true),
        &[],
        None,
    );
    let mut guild = json!({
        "id": spec.guild_id.to_string(),
        "name": spec.name,
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": spec.owner_id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [
            role_object(spec.guild_id, "@everyone", PERMS_MEMBER, 0),
            role_object(spec.moderator_role_id, "Moderator", PERMS_MODERATOR, 1),
        ],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": spec.channel_id.to_string(),
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
    });
    let rest = json!({
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "incidents_data": null,
        "joined_at": TIMESTAMP,
        "large": false,
        "unavailable": false,
        "member_count": 1,
        "voice_states": [],
        "members": [bot_member],
        "channels": [
            text_channel(spec.channel_id, spec.guild_id, "general"),
            forum_channel(spec.forum_channel_id, spec.guild_id, "questions"),
        ],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    });
    if let (Value::Object(g), Value::Object(r)) = (&mut guild, rest) {
        g.extend(r);
    }
    guild
}

/// The `d` of a READY dispatch.
pub fn ready(
    bot_user: Value,
    guild_ids: &[u64],
    session_id: &str,
    resume_gateway_url: &str,
    shard: Option<Value>,
    application_id: u64,
) -> Value {
    let mut r = json!({
        "v": 10,
        "user": bot_user,
        "guilds": guild_ids
            .iter()
            .map(|g| json!({"id": g.to_string(), "unavailable": true}))
            .collect::<Vec<_>>(),
        "session_id": session_id,
        "resume_gateway_url": resume_gateway_url,
        "application": { "id": application_id.to_string(), "flags": 0 },
        "private_channels": [],
        "presences": [],
        "relationships": [],
        "user_settings": {},
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
    });
    if let Some(s) = shard {
        r["shard"] = s;
    }
    r
}

/// `GET /oauth2/applications/@me` (a `CurrentApplicationInfo`), owned by `owner`.
pub fn application_info(application_id: u64, name: &str, owner: Value, bot: Value) -> Value {
    json!({
        "id": application_id.to_string(),
        "name": name,
        "icon": null,
        "description": "Test double application",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "terms_of_service_url": null,
        "privacy_policy_url": null,
        "owner": owner,
        "summary": "",
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "team": null,
        "guild_id": null,
        "flags": 0,
        "tags": [],
        "install_params": null,
        "custom_install_url": null,
        "role_connections_verification_url": null,
        "interactions_endpoint_url": null,
        "redirect_uris": [],
        "approximate_guild_count": 1,
        "bot": bot,
        "integration_types_config": {},
    })
}

/// `GET /gateway/bot` (a `BotGateway`).
pub fn bot_gateway(ws_url: &str) -> Value {
    json!({
        "url": ws_url,
        "shards": 1,
        "session_start_limit": {
            "total": 1000,
            "remaining": 1000,
            "reset_after": 0,
            "max_concurrency": 1,
        },
    })
}

/// Turn one registered command as sent by the client into a `Command` object.
pub fn command_echo(
    sent: &Value,
    id: u64,
    application_id: u64,
    guild_id: Option<u64>,
    version: u64,
) -> Value {
    let mut c = match sent {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    c.insert("id".into(), Value::String(id.to_string()));
    c.insert(
        "application_id".into(),
        Value::String(application_id.to_string()),
    );
    c.insert("version".into(), Value::String(version.to_string()));
    if let Some(g) = guild_id {
        c.insert("guild_id".into(), Value::String(g.to_string()));
    }
    c.entry("type").or_insert(Value::from(1));
    c.entry("name").or_insert(Value::from(""));
    c.entry("description").or_insert(Value::from(""));
    c.entry("options").or_insert(Value::Array(Vec::new()));
    c.entry("default_member_permissions").or_insert(Value::Null);
    c.entry("nsfw").or_insert(Value::from(false));
    if let Some(Value::Array(opts)) = c.get_mut("options") {
        for o in opts {
            normalize_command_option(o);
        }
    }
    Value::Object(c)
}

/// Give command options the fields Discord echoes back.
fn normalize_command_option(o: &mut Value) {
    if let Value::Object(m) = o {
        m.entry("description").or_insert(Value::from(""));
        if let Some(Value::Array(sub)) = m.get_mut("options") {
            for s in sub {
                normalize_command_option(s);
            }
        }
    }
}

//! A reply as plain data ([`Reply`]: content, one embed, buttons), easy to snapshot and to check
//! against [`limits`], turned into serenity builders at the last moment, each carrying
//! [`no_pings`] allowed mentions.

use poise::serenity_prelude as serenity;
use serde::Serialize;

use super::limits;
use super::text::{cut, discord_len};
use crate::discord::buttons::ButtonId;

pub(super) const COLOUR_ANSWER: u32 = 0x2b6cb0;
pub(super) const COLOUR_INFO: u32 = 0x4a5568;
pub(super) const COLOUR_WARNING: u32 = 0xc05621;

/// Allowed mentions that parse nothing and do not ping the author of the replied-to message.
pub fn no_pings() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
        .empty_users()
        .empty_roles()
        .everyone(false)
        .replied_user(false)
}

/// Allowed mentions that ping `user` alone (named in the content as `<@user>`), nobody else,
/// and not the author of a replied-to message.
pub fn ping_only(user: u64) -> serenity::CreateAllowedMentions {
    no_pings().users([serenity::UserId::new(user)])
}

/// One embed, as plain data.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Embed {
    /// Title (at most [`limits::TITLE`]).
    pub title: String,
    /// Description (at most [`limits::DESCRIPTION`]).
    pub description: String,
    /// Fields (at most [`limits::FIELDS`]).
    pub fields: Vec<Field>,
    /// Footer text, when any.
    pub footer: Option<String>,
    /// Side colour.
    pub colour: u32,
}

/// One embed field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Name (at most [`limits::FIELD_NAME`]).
    pub name: String,
    /// Value (at most [`limits::FIELD_VALUE`], never empty).
    pub value: String,
    /// Shown side by side with its neighbours.
    pub inline: bool,
}

impl Field {
    pub(super) fn new(name: &str, value: &str, inline: bool) -> Field {
        let value = if value.trim().is_empty() {
            "—"
        } else {
            value
        };
        Field {
            name: cut(name, limits::FIELD_NAME),
            value: cut(value, limits::FIELD_VALUE),
            inline,
        }
    }
}

/// How a button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ButtonLook {
    /// Blurple.
    Primary,
    /// Grey.
    Secondary,
}

/// One button, its state in its custom id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Button {
    /// What the button does (at most [`limits::CUSTOM_ID`] once encoded).
    pub id: String,
    /// Label (at most [`limits::BUTTON_LABEL`]).
    pub label: String,
    /// Look.
    pub look: ButtonLook,
}

impl Button {
    pub(super) fn new(id: &ButtonId, label: &str, look: ButtonLook) -> Button {
        Button {
            id: id.encode(),
            label: cut(label, limits::BUTTON_LABEL),
            look,
        }
    }
}

/// A whole reply: text, at most one embed, buttons, and whether only the asker sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reply {
    /// Message text (at most [`limits::CONTENT`]).
    pub content: Option<String>,
    /// The embed, when any.
    pub embed: Option<Embed>,
    /// Buttons, laid out [`limits::BUTTONS_PER_ROW`] to a row.
    pub buttons: Vec<Button>,
    /// Only the person who asked sees it (interactions only).
    pub ephemeral: bool,
    /// The one user this reply may ping (`/ask for:`, "Ask the corpus" on someone's message);
    /// nobody else is ever pinged.
    pub ping: Option<u64>,
}

impl Embed {
    /// All the text Discord counts against [`limits::EMBED_TOTAL`].
    pub fn total_len(&self) -> usize {
        discord_len(&self.title)
            + discord_len(&self.description)
            + self.footer.as_deref().map_or(0, discord_len)
            + self
                .fields
                .iter()
                .map(|f| discord_len(&f.name) + discord_len(&f.value))
                .sum::<usize>()
    }

    fn to_serenity(&self) -> serenity::CreateEmbed {
        let mut embed = serenity::CreateEmbed::new().colour(self.colour);
        if !self.title.is_empty() {
            embed = embed.title(&self.title);
        }
        if !self.description.is_empty() {
            embed = embed.description(&self.description);
        }
        for field in &self.fields {
            embed = embed.field(&field.name, &field.value, field.inline);
        }
        if let Some(footer) = &self.footer {
            embed = embed.footer(serenity::CreateEmbedFooter::new(footer));
        }
        embed
    }
}

impl Reply {
    /// A reply with text only.
    pub fn text(content: &str, ephemeral: bool) -> Reply {
        Reply {
            content: Some(cut(content, limits::CONTENT)),
            ephemeral,
            ..Reply::default()
        }
    }

    /// Every Discord limit this reply breaks, as readable lines (empty when it fits).
    pub fn limit_violations(&self) -> Vec<String> {
        let mut broken = Vec::new();
        let mut check = |what: &str, len: usize, max: usize| {
            if len > max {
                broken.push(format!("{what}: {len} > {max}"));
            }
        };
        if let Some(content) = &self.content {
            check("content", discord_len(content), limits::CONTENT);
        }
        if let Some(embed) = &self.embed {
            check("title", discord_len(&embed.title), limits::TITLE);
            check(
                "description",
                discord_len(&embed.description),
                limits::DESCRIPTION,
            );
            check("fields", embed.fields.len(), limits::FIELDS);
            for field in &embed.fields {
                check("field name", discord_len(&field.name), limits::FIELD_NAME);
                check(
                    "field value",
                    discord_len(&field.value),
                    limits::FIELD_VALUE,
                );
                check("empty field value", usize::from(field.value.is_empty()), 0);
            }
            if let Some(footer) = &embed.footer {
                check("footer", discord_len(footer), limits::FOOTER);
            }
            check("embed total", embed.total_len(), limits::EMBED_TOTAL);
        }
        check(
            "buttons",
            self.buttons.len(),
            limits::BUTTONS_PER_ROW * limits::ROWS,
        );
        for button in &self.buttons {
            check("custom id", button.id.len(), limits::CUSTOM_ID);
            check("label", discord_len(&button.label), limits::BUTTON_LABEL);
        }
        broken
    }

    fn rows(&self) -> Vec<serenity::CreateActionRow> {
        self.buttons
            .chunks(limits::BUTTONS_PER_ROW)
            .map(|row| {
                serenity::CreateActionRow::Buttons(
                    row.iter()
                        .map(|b| {
                            serenity::CreateButton::new(&b.id)
                                .label(&b.label)
                                .style(match b.look {
                                    ButtonLook::Primary => serenity::ButtonStyle::Primary,
                                    ButtonLook::Secondary => serenity::ButtonStyle::Secondary,
                                })
                        })
                        .collect(),
                )
            })
            .collect()
    }

    /// The allowed mentions of this reply: [`no_pings`], or [`ping_only`] its `ping`.
    pub fn allowed_mentions(&self) -> serenity::CreateAllowedMentions {
        self.ping.map_or_else(no_pings, ping_only)
    }

    /// As a poise reply (slash and context-menu commands).
    pub fn to_poise(&self) -> poise::CreateReply {
        let mut reply = poise::CreateReply::default()
            .ephemeral(self.ephemeral)
            .allowed_mentions(self.allowed_mentions())
            .components(self.rows());
        if let Some(content) = &self.content {
            reply = reply.content(content);
        }
        if let Some(embed) = &self.embed {
            reply = reply.embed(embed.to_serenity());
        }
        reply
    }

    /// As a channel message replying to `to` (mentions, Q&A channels, DMs). The reply is sent
    /// even when `to` was deleted meanwhile (`fail_if_not_exists: false`).
    pub fn to_message(&self, to: &serenity::Message) -> serenity::CreateMessage {
        self.to_new_message()
            .reference_message(serenity::MessageReference::from(to).fail_if_not_exists(false))
    }

    /// As a channel message that replies to nothing (the first answer in a new thread).
    pub fn to_new_message(&self) -> serenity::CreateMessage {
        let mut message = serenity::CreateMessage::new()
            .allowed_mentions(self.allowed_mentions())
            .components(self.rows());
        if let Some(content) = &self.content {
            message = message.content(content);
        }
        if let Some(embed) = &self.embed {
            message = message.embed(embed.to_serenity());
        }
        message
    }

    /// As an interaction response message (button clicks: new or updated message).
    pub fn to_interaction_message(&self) -> serenity::CreateInteractionResponseMessage {
        let mut message = serenity::CreateInteractionResponseMessage::new()
            .allowed_mentions(self.allowed_mentions())
            .components(self.rows())
            // An update replaces content and embeds: say "none" explicitly.
            .content(self.content.clone().unwrap_or_default())
            .embeds(self.embed.iter().map(Embed::to_serenity).collect());
        // Flags only when needed: an update cannot change whether a message is ephemeral.
        if self.ephemeral {
            message = message.ephemeral(true);
        }
        message
    }
}

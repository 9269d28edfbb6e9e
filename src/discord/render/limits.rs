//! Discord's documented limits, in characters: every reply is built to fit them (see
//! [`super::Reply::limit_violations`]), and the button codec keeps custom ids under
//! [`CUSTOM_ID`].

/// Message content.
pub const CONTENT: usize = 2000;
/// Embed title.
pub const TITLE: usize = 256;
/// Embed description.
pub const DESCRIPTION: usize = 4096;
/// Embed field name.
pub const FIELD_NAME: usize = 256;
/// Embed field value.
pub const FIELD_VALUE: usize = 1024;
/// Embed footer text.
pub const FOOTER: usize = 2048;
/// All the text of all embeds of one message.
pub const EMBED_TOTAL: usize = 6000;
/// Fields in one embed.
pub const FIELDS: usize = 25;
/// Buttons in one action row.
pub const BUTTONS_PER_ROW: usize = 5;
/// Action rows in one message.
pub const ROWS: usize = 5;
/// A component's custom id.
pub const CUSTOM_ID: usize = 100;
/// A button's label.
pub const BUTTON_LABEL: usize = 80;
/// Autocomplete choices in one response.
pub const CHOICES: usize = 25;
/// An autocomplete choice's name and value.
pub const CHOICE_NAME: usize = 100;

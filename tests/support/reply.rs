//! Reading what the bot sent to the Discord double: an interaction callback's or a message's
//! JSON body, its flags, embed, buttons and allowed mentions.

use serde_json::{json, Value};

/// Discord's `EPHEMERAL` message flag: only the asker sees the reply.
pub const FLAG_EPHEMERAL: u64 = 64;

/// The message flags of an interaction callback (0 when none are set).
pub fn flags(callback: &Value) -> u64 {
    callback["data"]["flags"].as_u64().unwrap_or(0)
}

/// The first embed of a message body (`Null` when there is none).
pub fn embed(data: &Value) -> &Value {
    &data["embeds"][0]
}

/// The custom ids of every button of a message body, row by row.
pub fn custom_ids(data: &Value) -> Vec<String> {
    data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(String::from))
        .collect()
}

/// Asserts that a message body can ping nobody: no parsed mentions, no users or roles allowed,
/// and no ping of the person replied to.
pub fn assert_pings_nobody(data: &Value) {
    let allowed = &data["allowed_mentions"];
    assert_eq!(allowed["parse"], json!([]), "{data:#}");
    assert!(allowed["users"].as_array().is_none_or(Vec::is_empty));
    assert!(allowed["roles"].as_array().is_none_or(Vec::is_empty));
    assert_ne!(allowed["replied_user"], json!(true));
}

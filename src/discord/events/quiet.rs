//! Manners for channels where the bot answers without being asked by name (`auto` and `thread`
//! channels, threads and forum posts under them): answer questions, leave chatter alone.
//!
//! A message there is taken as a question only when it reads like one ([`reads_as_question`])
//! and is not one member talking to another ([`talks_to_someone_else`]). When such a question
//! finds nothing, or comes too soon after the asker's last one, the bot reacts (🔍, ⏳) instead
//! of posting text: public text is only ever a real answer.

/// Reaction for a question the corpus does not answer.
pub const NO_MATCH_REACTION: char = '🔍';
/// Reaction for a question asked within the asker's cooldown.
pub const COOLDOWN_REACTION: char = '⏳';

/// Words that open a question ("who …", "is …", "can …").
const OPENERS: &[&str] = &[
    "who", "whom", "whose", "what", "which", "when", "where", "why", "how", "is", "are", "was",
    "were", "do", "does", "did", "can", "could", "should", "would", "will", "has", "have", "had",
    "tell", "explain", "describe", "list", "name", "show", "find",
];

/// True when `text` reads as a question: it has a question mark, or opens with a question word
/// or a request ("tell me …", "explain …") and has at least three words.
///
/// ```
/// use citebot::discord::events::quiet::reads_as_question;
/// assert!(reads_as_question("who is Balkhi?"));
/// assert!(reads_as_question("Tell me about the Taliban governor of Kabul"));
/// assert!(!reads_as_question("thanks, that helps!"));
/// ```
pub fn reads_as_question(text: &str) -> bool {
    let text = text.trim();
    if text.contains('?') {
        return text.chars().filter(|c| c.is_alphanumeric()).count() >= 3;
    }
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.len() >= 3 && OPENERS.contains(&words[0].as_str())
}

/// True when a message is addressed to another member: a reply to someone other than the bot
/// (and other than the author, who may be adding to their own question), or a mention of
/// another user without one of the bot.
pub fn talks_to_someone_else(
    author: u64,
    bot: u64,
    replied_to_author: Option<u64>,
    mentioned: &[u64],
) -> bool {
    if replied_to_author.is_some_and(|to| to != bot && to != author) {
        return true;
    }
    !mentioned.contains(&bot) && mentioned.iter().any(|&m| m != author)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_read_as_questions_and_chatter_does_not() {
        for question in [
            "Who is the spokesman of the Taliban's foreign ministry?",
            "and who is behind them?",
            "what did Iran claim",
            "Explain the Daesh claims please",
            "Balkhi?!",
        ] {
            assert!(reads_as_question(question), "{question}");
        }
        for chatter in [
            "thanks, that helps!",
            "lol",
            "ok",
            "Good morning everyone",
            "?",
            "who",
            "",
        ] {
            assert!(!reads_as_question(chatter), "{chatter}");
        }
    }

    #[test]
    fn replies_and_mentions_between_members_are_theirs() {
        let (alice, bob, bot) = (1, 2, 9);
        assert!(talks_to_someone_else(alice, bot, Some(bob), &[]));
        assert!(talks_to_someone_else(alice, bot, None, &[bob]));
        assert!(!talks_to_someone_else(alice, bot, Some(bot), &[]));
        assert!(!talks_to_someone_else(alice, bot, Some(alice), &[]));
        assert!(!talks_to_someone_else(alice, bot, None, &[bot, bob]));
        assert!(!talks_to_someone_else(alice, bot, None, &[]));
    }
}

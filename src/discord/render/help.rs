//! `/help` and `/about` as replies: how to ask, and what the bot serves and how it is set up here.

use std::time::UNIX_EPOCH;

use super::figures::{count, duration, grouped};
use super::limits;
use super::reply::{Embed, Field, Reply, COLOUR_INFO};
use super::text::{cut, cut_markup, escape};
use crate::discord::channels::ChannelMode;
use citebot_engine::library::Snapshot;

/// `/help`: what the bot does and how to ask.
pub fn help(ask_in_channels: bool) -> Reply {
    let mut description = String::from(
        "I answer questions about a collection of news articles by **quoting them**: every answer is \
         verbatim text from the corpus with its citation (`[1] Title · Publisher, date ¶paragraph`). \
         I never write an answer of my own; when nothing in the corpus fits, I say so.\n\n\
         **How to ask**\n\
         • `/ask question: Who is the spokesman of the foreign ministry?` (add `results:` 1–5 for more quotes at once, \
         `private: True` to see the answer alone, `for: @someone` to answer for them)\n\
         • mention me with your question, or send it to me in a direct message\n\
         • on any message: *Apps → Ask the corpus*\n\n\
         **Tips**\n\
         • name people, places and organisations: they are what the corpus is searched for\n\
         • press **More ▶** under an answer for the next quotes, 👍/👎 to tell whether it helped\n\
         • `/sources` lists the articles, `/source` shows one, `/about` tells the corpus size",
    );
    if ask_in_channels {
        description.push_str(
            "\n• in this server's Q&A channels every question is answered without a mention \
             (in a thread of its own where the channel says so), and follow-ups in the thread too",
        );
    }
    Reply {
        content: None,
        embed: Some(Embed {
            title: "citebot: answers from the corpus, quoted".into(),
            description: cut_markup(&description, limits::DESCRIPTION),
            fields: Vec::new(),
            footer: None,
            colour: COLOUR_INFO,
        }),
        buttons: Vec::new(),
        ephemeral: true,
        ping: None,
    }
}

/// One process's corpus, as `/about` lists it when several processes share a PostgreSQL store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerVersion {
    /// The process's name: host, process id and a random tag.
    pub process: String,
    /// Its corpus version (a short hash of its documents' contents).
    pub version: String,
    /// Documents it serves.
    pub documents: u64,
    /// When it loaded that corpus (Unix seconds).
    pub loaded_at: u64,
    /// True for the process answering.
    pub this: bool,
}

/// `/about`: corpus size, when it was loaded, its version (`corpus_version`, a short hash of
/// the documents), the bot's version, the channel modes, and, with several processes, each
/// one's corpus version (`peers`); the engine's internals (passages, vocabulary, memory, load
/// time) only for moderators.
pub fn about(
    snapshot: &Snapshot,
    corpus_version: &str,
    channel_modes: &[(u64, ChannelMode)],
    moderator: bool,
    peers: &[PeerVersion],
) -> Reply {
    let stats = snapshot.stats();
    let loaded = snapshot
        .loaded_at()
        .duration_since(UNIX_EPOCH)
        .map(|d| format!("<t:{}:R>", d.as_secs()))
        .unwrap_or_else(|_| "unknown".into());
    let mut fields = vec![
        Field::new("Documents", &grouped(stats.documents), true),
        Field::new("Loaded", &loaded, true),
        Field::new("Version", env!("CARGO_PKG_VERSION"), true),
        Field::new("Corpus version", &format!("`{corpus_version}`"), true),
    ];
    if moderator {
        fields.extend([
            Field::new("Passages", &grouped(stats.passages), true),
            Field::new("Words", &grouped(stats.words), true),
            Field::new("Vocabulary", &grouped(stats.vocabulary), true),
            Field::new("Load time", &duration(stats.load_time), true),
            Field::new(
                "Memory",
                &format!("{:.1} MiB", stats.memory_bytes as f64 / (1024.0 * 1024.0)),
                true,
            ),
        ]);
    }
    if let Some(reader) = snapshot.reader_status() {
        fields.push(Field::new("Semantic reader", &reader, false));
    }
    if peers.len() > 1 || peers.iter().any(|p| !p.this) {
        let lines: Vec<String> = peers
            .iter()
            .map(|p| {
                format!(
                    "`{}` {} · {} · loaded <t:{}:R>{}",
                    p.version,
                    escape(&cut(&p.process, 60)),
                    count(p.documents as usize, "document"),
                    p.loaded_at,
                    if p.this { " (this one)" } else { "" }
                )
            })
            .collect();
        let agree = peers.iter().all(|p| p.version == corpus_version);
        fields.push(Field::new(
            if agree {
                "Processes (all serve the same corpus)"
            } else {
                "Processes (corpus versions differ)"
            },
            &cut_markup(&lines.join("\n"), limits::FIELD_VALUE),
            false,
        ));
    }
    let modes: Vec<String> = channel_modes
        .iter()
        .map(|(id, mode)| format!("<#{id}> {}", mode.as_str()))
        .collect();
    fields.push(Field::new(
        "Channel modes",
        &if modes.is_empty() {
            "every channel: mention (answers when mentioned)".to_string()
        } else {
            cut_markup(
                &format!("{}\nother channels: mention", modes.join("\n")),
                limits::FIELD_VALUE,
            )
        },
        false,
    ));
    Reply {
        content: None,
        embed: Some(Embed {
            title: format!("citebot {}", env!("CARGO_PKG_VERSION")),
            description:
                "Answers questions by quoting the corpus, with citations. No text is generated."
                    .into(),
            fields,
            footer: None,
            colour: COLOUR_INFO,
        }),
        buttons: Vec::new(),
        ephemeral: true,
        ping: None,
    }
}

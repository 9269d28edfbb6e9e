//! `/reload` as a reply: what changed when a new corpus was swapped in, or why the old one
//! keeps serving.

use super::figures::{count, duration};
use super::limits;
use super::reply::{Embed, Field, Reply, COLOUR_ANSWER, COLOUR_WARNING};
use super::text::{cut, cut_markup, escape};
use citebot_engine::library::ReloadReport;
use citebot_engine::{Error, ErrorKind};

/// `/reload` succeeded: what changed.
pub fn reloaded(report: &ReloadReport) -> Reply {
    let list = |ids: &[String]| -> String {
        if ids.is_empty() {
            return "none".into();
        }
        let shown: Vec<String> = ids.iter().map(|id| escape(id)).collect();
        cut_markup(&shown.join("\n"), limits::FIELD_VALUE)
    };
    let skipped: Vec<String> = report
        .skipped
        .iter()
        .map(|w| escape(&cut(&w.to_string(), 300)))
        .collect();
    let title = if report.is_unchanged() {
        "Corpus reloaded: nothing changed"
    } else {
        "Corpus reloaded"
    };
    Reply {
        content: None,
        embed: Some(Embed {
            title: title.into(),
            description: format!(
                "{} added, {} removed, {} changed, {} skipped.",
                report.added.len(),
                report.removed.len(),
                report.changed.len(),
                report.skipped.len()
            ),
            fields: vec![
                Field::new("Added", &list(&report.added), false),
                Field::new("Removed", &list(&report.removed), false),
                Field::new("Changed", &list(&report.changed), false),
                Field::new(
                    "Skipped",
                    &if skipped.is_empty() {
                        "none".into()
                    } else {
                        cut_markup(&skipped.join("\n"), limits::FIELD_VALUE)
                    },
                    false,
                ),
            ],
            footer: Some(format!(
                "{} now serving · took {}",
                count(report.documents, "document"),
                duration(report.elapsed)
            )),
            colour: COLOUR_ANSWER,
        }),
        buttons: Vec::new(),
        ephemeral: true,
        ping: None,
    }
}

/// The bot began to stop while `/reload` was reading the folder: nothing was swapped in.
pub fn reload_withdrawn(documents_serving: usize) -> Reply {
    Reply {
        content: None,
        embed: Some(Embed {
            title: "Reload withdrawn: the bot is stopping".into(),
            description: format!(
                "The bot began to shut down before the folder was read. Nothing changed: {} served until it stopped, and the folder is read afresh when it starts again.",
                count(documents_serving, "document")
            ),
            fields: Vec::new(),
            footer: None,
            colour: COLOUR_WARNING,
        }),
        buttons: Vec::new(),
        ephemeral: true,
        ping: None,
    }
}

/// `/reload` found nothing usable: the old corpus keeps serving, and why.
pub fn reload_failed(error: &Error, documents_serving: usize) -> Reply {
    let (description, warnings) = match error.kind() {
        ErrorKind::NoDocuments { dir, warnings } => (
            format!(
                "No usable document in {}.",
                escape(&dir.display().to_string())
            ),
            &warnings[..],
        ),
        _ => (escape(&error.to_string()), &[][..]),
    };
    let reasons: Vec<String> = warnings
        .iter()
        .map(|w| escape(&cut(&w.to_string(), 300)))
        .collect();
    Reply {
        content: None,
        embed: Some(Embed {
            title: "Reload refused: the previous corpus keeps serving".into(),
            description: cut_markup(&description, limits::DESCRIPTION),
            fields: vec![Field::new(
                "Why",
                &if reasons.is_empty() {
                    "the folder holds no .txt or .md file".into()
                } else {
                    cut_markup(&reasons.join("\n"), limits::FIELD_VALUE)
                },
                false,
            )],
            footer: Some(format!(
                "{} still serving",
                count(documents_serving, "document")
            )),
            colour: COLOUR_WARNING,
        }),
        buttons: Vec::new(),
        ephemeral: true,
        ping: None,
    }
}

//! `/sources` and `/source`: the corpus listed, and one document shown, its id suggested as it
//! is typed.

use poise::serenity_prelude as serenity;

use super::traced;
use crate::discord::asking::Outcome;
use crate::discord::render::{self, CorpusSize, Reply};
use crate::discord::types::{Context, Error};

/// List every document in the corpus: id, title and paragraph count.
#[poise::command(slash_command)]
pub async fn sources(ctx: Context<'_>) -> Result<(), Error> {
    traced(ctx, async {
        let snapshot = ctx.data().library.snapshot();
        let size = CorpusSize::from(&snapshot.stats());
        let reply = render::sources(snapshot.documents(), 0, size)
            .unwrap_or_else(|| Reply::text("The corpus is empty.", true));
        ctx.send(reply.to_poise()).await?;
        Ok(Outcome::Shown)
    })
    .await
}

/// Suggests source ids (and shows titles) matching what has been typed so far.
async fn autocomplete_source(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let snapshot = ctx.data().library.snapshot();
    let choices = source_choices(snapshot.documents(), partial)
        .into_iter()
        .map(|(name, id)| serenity::AutocompleteChoice::new(name, id))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Autocomplete choices `(shown name, id)` for `partial`: ids that start with it first, then
/// ids or titles that contain it, or titles with every typed word (case-insensitively, in any
/// order, `taliban kabul` finds "Governor of Kabul blames the Taliban"); at most 25, each
/// within 100 characters.
pub fn source_choices(
    documents: &[citebot_engine::Document],
    partial: &str,
) -> Vec<(String, String)> {
    let needle = partial.trim().to_lowercase();
    let typed: Vec<&str> = needle.split_whitespace().collect();
    let words_of = |title: &str| -> Vec<String> {
        title
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut ranked: Vec<(u8, &citebot_engine::Document)> = documents
        .iter()
        .filter(|d| d.id.chars().count() <= render::limits::CHOICE_NAME)
        .filter_map(|d| {
            let id = d.id.to_lowercase();
            if id.starts_with(&needle) {
                Some((0, d))
            } else if id.contains(&needle) || d.title.to_lowercase().contains(&needle) {
                Some((1, d))
            } else if !typed.is_empty() && {
                let words = words_of(&d.title);
                typed.iter().all(|t| words.iter().any(|w| w.starts_with(t)))
            } {
                Some((2, d))
            } else {
                None
            }
        })
        .collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
    ranked
        .into_iter()
        .take(render::limits::CHOICES)
        .map(|(_, d)| {
            let name = render::cut(&format!("{} · {}", d.id, d.title), 100);
            (name, d.id.clone())
        })
        .collect()
}

/// Show one document: its metadata and opening paragraph.
#[poise::command(slash_command)]
pub async fn source(
    ctx: Context<'_>,
    #[description = "The source id (start typing for suggestions)"]
    #[autocomplete = "autocomplete_source"]
    id: String,
) -> Result<(), Error> {
    traced(ctx, async {
        let snapshot = ctx.data().library.snapshot();
        match snapshot.document(id.trim()) {
            Some(doc) => {
                ctx.send(render::source(doc).to_poise()).await?;
                Ok(Outcome::Shown)
            }
            None => {
                ctx.send(render::unknown_source(&id).to_poise()).await?;
                Ok(Outcome::NoMatch)
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, title: &str) -> citebot_engine::Document {
        citebot_engine::Document {
            id: id.into(),
            title: title.into(),
            path: id.into(),
            publisher: None,
            url: None,
            date: None,
            paragraphs: 1,
            words: 1,
            content_hash: 0,
            opening: String::new(),
        }
    }

    #[test]
    fn autocomplete_puts_id_prefixes_first_then_title_matches() {
        let docs = [
            doc("001_kabul", "Governor of Kabul"),
            doc("002_daesh", "Daesh in 001 words"),
            doc("003_iran", "Iran and Kabul"),
        ];
        let ids: Vec<String> = source_choices(&docs, "001")
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        assert_eq!(ids, ["001_kabul", "002_daesh"]);
        let ids: Vec<String> = source_choices(&docs, "KABUL")
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        assert_eq!(ids, ["001_kabul", "003_iran"]);
        assert_eq!(source_choices(&docs, "").len(), 3);
    }

    #[test]
    fn autocomplete_offers_at_most_25_choices_within_100_characters() {
        let long_title = "t".repeat(300);
        let docs: Vec<citebot_engine::Document> = (0..40)
            .map(|i| doc(&format!("{i:03}"), &long_title))
            .collect();
        let choices = source_choices(&docs, "");
        assert_eq!(choices.len(), 25);
        assert!(choices
            .iter()
            .all(|(name, id)| name.chars().count() <= 100 && id.len() <= 100));
    }
}

//! The application commands: `/ask`, `/sources`, `/source`, `/reload`, `/config`, `/help`,
//! `/about` and the "Ask the corpus" message context menu. Registration, option parsing,
//! autocomplete, checks, cooldowns and error replies are poise's; each command only asks the
//! engine and renders.
//!
//! Registered globally, every command but `/reload` and `/config` may also be installed by a
//! user and used in DMs and private channels (`integration_types` and `contexts`).

use std::future::Future;
use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::Instrument;

use crate::discord::channels::ChannelMode;
use crate::discord::render::{self, AnswerPage, AnswerView, CorpusSize, Reply};
use crate::discord::types::{Context, Data, Error};
use crate::insights::{AskedBy, ChannelKind, Question};
use citebot_engine::answer::{Answer, AskOptions};
use citebot_engine::library::Library;

/// How a handled request ended, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Quotes were shown.
    Answered,
    /// Nothing matched; the asker got suggestions.
    NoMatch,
    /// Something other than a question was shown (lists, help, reload reports).
    Shown,
    /// A reload did not replace the corpus.
    Refused,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::NoMatch => "no_match",
            Outcome::Shown => "shown",
            Outcome::Refused => "refused",
        }
    }
}

/// Every command, with the per-user cooldown on the ones that ask. With `user_install` (global
/// registration) the commands say where they may be installed and used: the guild-only ones
/// (`/reload`, `/config`) in guilds only, the others by users too, in DMs and private channels.
pub fn all(cooldown: std::time::Duration, user_install: bool) -> Vec<poise::Command<Data, Error>> {
    let mut commands = vec![
        ask(),
        ask_message(),
        sources(),
        source(),
        reload(),
        config(),
        help(),
        about(),
        crate::discord::gaps::gaps(),
    ];
    if user_install {
        for command in &mut commands {
            if command.guild_only {
                command.install_context = Some(vec![serenity::InstallationContext::Guild]);
                command.interaction_context = Some(vec![serenity::InteractionContext::Guild]);
            } else {
                command.install_context = Some(vec![
                    serenity::InstallationContext::Guild,
                    serenity::InstallationContext::User,
                ]);
                command.interaction_context = Some(vec![
                    serenity::InteractionContext::Guild,
                    serenity::InteractionContext::BotDm,
                    serenity::InteractionContext::PrivateChannel,
                ]);
            }
        }
    }
    for command in &commands {
        if command.name == "ask" || command.context_menu_action.is_some() {
            let mut config = command
                .cooldown_config
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            config.user = (!cooldown.is_zero()).then_some(cooldown);
        }
    }
    commands
}

/// A question as the Discord side asks it.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    /// The question.
    pub question: &'a str,
    /// The earlier question of the same thread, for a follow-up.
    pub context: Option<&'a str>,
    /// Which page.
    pub at: AnswerPage,
    /// Who asked (only they turn its pages).
    pub asker: Option<u64>,
}

impl<'a> Asked<'a> {
    /// The first page of `question`, asked by `asker`, without context.
    pub fn new(question: &'a str, asker: u64) -> Asked<'a> {
        Asked {
            question,
            context: None,
            at: AnswerPage {
                top: render::DEFAULT_RESULTS,
                page: 0,
            },
            asker: Some(asker),
        }
    }
}

/// Asks the serving corpus and renders the reply. The engine takes microseconds, so it runs
/// before the interaction is acknowledged: the reply is public or ephemeral from the start.
pub fn answer(library: &Library, asked: &Asked<'_>) -> (Reply, Outcome) {
    let (reply, outcome, _) = ask_and_render(library, asked);
    (reply, outcome)
}

/// Who asked a question, where and how: what insights record beside the answer.
#[derive(Debug, Clone, Copy)]
pub struct Asker {
    /// The asker (stored only as a salted hash).
    pub user: serenity::UserId,
    /// The server, `None` in a DM.
    pub guild: Option<serenity::GuildId>,
    /// The kind of channel.
    pub channel_kind: ChannelKind,
    /// How the question was asked.
    pub asked_by: AskedBy,
}

/// The insights kind of a channel: a DM outside servers, a thread, or a plain channel.
pub fn channel_kind(
    guild: Option<serenity::GuildId>,
    kind: Option<serenity::ChannelType>,
) -> ChannelKind {
    match (guild, kind) {
        (None, _) => ChannelKind::DirectMessage,
        (
            Some(_),
            Some(
                serenity::ChannelType::PublicThread
                | serenity::ChannelType::PrivateThread
                | serenity::ChannelType::NewsThread,
            ),
        ) => ChannelKind::Thread,
        (Some(_), _) => ChannelKind::Channel,
    }
}

/// The [`Asker`] of a command.
fn asker(ctx: Context<'_>, asked_by: AskedBy) -> Asker {
    let kind = match ctx {
        poise::Context::Application(app) => app.interaction.channel.as_ref().map(|c| c.kind),
        poise::Context::Prefix(_) => None,
    };
    Asker {
        user: ctx.author().id,
        guild: ctx.guild_id(),
        channel_kind: channel_kind(ctx.guild_id(), kind),
        asked_by,
    }
}

/// [`answer`], and the question recorded for insights (queued: this never waits for the store).
pub fn answer_recorded(data: &Data, asked: &Asked<'_>, asker: Asker) -> (Reply, Outcome) {
    let (reply, outcome, answer) = ask_and_render(&data.library, asked);
    data.insights.question(Question {
        asked_at: crate::insights::store::now_ms(),
        guild: asker.guild.map(serenity::GuildId::get),
        channel_kind: asker.channel_kind,
        asked_by: asker.asked_by,
        user: asker.user.get(),
        question: Some(answer.question.clone()),
        answered: outcome == Outcome::Answered,
        passages: answer
            .quotes
            .iter()
            .map(|q| format!("{}#{}", q.source, q.paragraph))
            .collect(),
        elapsed_us: answer.elapsed_us,
    });
    (reply, outcome)
}

fn ask_and_render(library: &Library, asked: &Asked<'_>) -> (Reply, Outcome, Answer) {
    let snapshot = library.snapshot();
    let answer = snapshot.ask_in_context(
        asked.question,
        asked.context,
        &AskOptions {
            top: asked.at.top,
            offset: asked.at.offset(),
        },
    );
    let view = AnswerView {
        corpus: CorpusSize::from(&snapshot.stats()),
        documents: snapshot.documents(),
        context: asked.context,
        asker: asked.asker,
    };
    let reply = render::answer(&answer, asked.at, &view);
    if answer.is_answered() && !answer.quotes.is_empty() {
        let passages: Vec<String> = answer
            .quotes
            .iter()
            .map(|q| format!("{}#{}", q.source, q.paragraph))
            .collect();
        tracing::info!(question = %answer.question, context = asked.context, passages = ?passages, elapsed_us = answer.elapsed_us, "answered");
        (reply, Outcome::Answered, answer)
    } else {
        tracing::info!(question = %answer.question, context = asked.context, suggestions = ?answer.suggestions, "question found nothing");
        (reply, Outcome::NoMatch, answer)
    }
}

/// Runs a command body in a span naming the command and user, then logs latency and outcome.
async fn traced(
    ctx: Context<'_>,
    body: impl Future<Output = Result<Outcome, Error>>,
) -> Result<(), Error> {
    let span = tracing::info_span!(
        "interaction",
        command = %ctx.command().qualified_name,
        user = %ctx.author().id,
        latency_ms = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = body.instrument(span.clone()).await;
    let latency = started.elapsed().as_secs_f64() * 1000.0;
    span.record("latency_ms", latency);
    span.record(
        "outcome",
        match &result {
            Ok(outcome) => outcome.as_str(),
            Err(_) => "error",
        },
    );
    span.in_scope(|| tracing::info!("handled"));
    result.map(|_| ())
}

/// Ask the corpus a question: the answer quotes it, with citations.
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, e.g. Who is the Taliban's governor for Kabul?"]
    #[max_length = 500]
    question: String,
    #[description = "How many quotes to show at once (1–5, default 3)"]
    #[min = 1]
    #[max = 5]
    results: Option<u8>,
    #[description = "Only you see the answer"] private: Option<bool>,
    #[description = "Answer for this member: they are pinged, nobody else"]
    #[rename = "for"]
    for_user: Option<serenity::User>,
) -> Result<(), Error> {
    traced(ctx, async {
        let private = private.unwrap_or(false);
        if private && for_user.is_some() {
            let reply = Reply::text(
                "A private answer is seen by you alone: choose `private` or `for`, not both.",
                true,
            );
            ctx.send(reply.to_poise()).await?;
            return Ok(Outcome::Refused);
        }
        let top = results.map_or(render::DEFAULT_RESULTS, |r| {
            usize::from(r).clamp(1, render::MAX_RESULTS)
        });
        let mut asked = Asked::new(&question, ctx.author().id.get());
        asked.at.top = top;
        let (mut reply, outcome) = answer_recorded(ctx.data(), &asked, asker(ctx, AskedBy::Slash));
        if outcome == Outcome::Answered {
            if private {
                reply.ephemeral = true;
            } else if let Some(user) = for_user.filter(|u| u.id != ctx.author().id) {
                reply = answered_for(reply, &format!("For <@{}>:", user.id), user.id.get());
            }
        }
        ctx.send(reply.to_poise()).await?;
        Ok(outcome)
    })
    .await
}

/// An answer given for `user`: `content` names them, and they alone are pinged.
fn answered_for(mut reply: Reply, content: &str, user: u64) -> Reply {
    reply.content = Some(render::cut(content, render::limits::CONTENT));
    reply.ping = Some(user);
    reply
}

/// Asks the corpus the text of the message it is used on, and answers for its author.
#[poise::command(context_menu_command = "Ask the corpus")]
pub async fn ask_message(ctx: Context<'_>, message: serenity::Message) -> Result<(), Error> {
    traced(ctx, async {
        if message.content.trim().is_empty() {
            let reply = Reply::text("That message has no text to ask the corpus.", true);
            ctx.send(reply.to_poise()).await?;
            return Ok(Outcome::NoMatch);
        }
        let asked = Asked::new(&message.content, ctx.author().id.get());
        let asker = asker(ctx, AskedBy::ContextMenu);
        let (mut reply, outcome) = answer_recorded(ctx.data(), &asked, asker);
        if outcome == Outcome::Answered && !message.author.bot {
            // A resolved message may come without its guild id: the interaction has it.
            let link = message
                .id
                .link(message.channel_id, ctx.guild_id().or(message.guild_id));
            reply = answered_for(
                reply,
                &format!("For <@{}>'s [message]({link}):", message.author.id),
                message.author.id.get(),
            );
        }
        ctx.send(reply.to_poise()).await?;
        Ok(outcome)
    })
    .await
}

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

/// True when the author is a moderator: a moderator role (`MODERATOR_ROLE_IDS`) or Manage
/// Server. Outside a guild nobody is.
///
/// Discord only applies `default_member_permissions` as a default that server admins can
/// override per channel, and poise registers it without checking it, so it is checked here.
pub async fn is_moderator(ctx: Context<'_>) -> Result<bool, Error> {
    let Some(member) = ctx.author_member().await else {
        return Ok(false);
    };
    let by_role = member
        .roles
        .iter()
        .any(|role| ctx.data().moderator_roles.contains(&role.get()));
    let by_permission = member.permissions.is_some_and(|p| {
        p.contains(serenity::Permissions::MANAGE_GUILD)
            || p.contains(serenity::Permissions::ADMINISTRATOR)
    });
    Ok(by_role || by_permission)
}

/// Read the corpus folder again and serve the new documents (moderators only).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "is_moderator"
)]
pub async fn reload(ctx: Context<'_>) -> Result<(), Error> {
    traced(ctx, async {
        // Reading a folder can take longer than Discord's 3 seconds: acknowledge first.
        ctx.defer_ephemeral().await?;
        let library = ctx.data().library.clone();
        let result = tokio::task::spawn_blocking(move || library.reload()).await?;
        match result {
            Ok(report) => {
                tracing::info!(
                    added = ?report.added,
                    removed = ?report.removed,
                    changed = ?report.changed,
                    skipped = report.skipped.len(),
                    documents = report.documents,
                    elapsed_ms = report.elapsed.as_millis() as u64,
                    "corpus reloaded"
                );
                ctx.send(render::reloaded(&report).to_poise()).await?;
                Ok(Outcome::Shown)
            }
            Err(error) => {
                tracing::warn!(%error, "reload found no usable document; the previous corpus keeps serving");
                let serving = ctx.data().library.snapshot().documents().len();
                ctx.send(render::reload_failed(&error, serving).to_poise())
                    .await?;
                Ok(Outcome::Refused)
            }
        }
    })
    .await
}

/// Set how the bot treats a channel's messages (moderators only).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "is_moderator"
)]
pub async fn config(
    ctx: Context<'_>,
    #[description = "The channel (a forum's posts and a channel's threads follow it)"]
    #[channel_types("Text", "News", "Forum")]
    channel: serenity::ChannelId,
    #[description = "off: never · mention: when mentioned · auto: every question · thread: every question, in a thread"]
    mode: ChannelMode,
) -> Result<(), Error> {
    traced(ctx, async {
        let saved = ctx.data().channels.set(channel.get(), mode);
        if let Err(error) = &saved {
            tracing::error!(%error, "channel mode not saved");
        }
        tracing::info!(%channel, mode = mode.as_str(), "channel mode set");
        let error = saved.err().map(|e| e.to_string());
        ctx.send(render::configured(channel.get(), mode, error.as_deref()).to_poise())
            .await?;
        Ok(Outcome::Shown)
    })
    .await
}

/// What this bot does and how to ask it.
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    traced(ctx, async {
        let reply = render::help(ctx.data().channels.any_answers_every_question());
        ctx.send(reply.to_poise()).await?;
        Ok(Outcome::Shown)
    })
    .await
}

/// Corpus size, when it was last loaded, and the bot's version.
#[poise::command(slash_command)]
pub async fn about(ctx: Context<'_>) -> Result<(), Error> {
    traced(ctx, async {
        let snapshot = ctx.data().library.snapshot();
        let moderator = ctx.guild_id().is_some() && is_moderator(ctx).await.unwrap_or(false);
        let modes = ctx.data().channels.all();
        ctx.send(render::about(&snapshot, &modes, moderator).to_poise())
            .await?;
        Ok(Outcome::Shown)
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

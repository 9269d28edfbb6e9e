//! Button clicks: "More" and "Back" under answers, 👍/👎 votes, and `/sources` pages. Every
//! click is answered from its custom id and the message it is on, so buttons keep working after
//! a restart or a reload; a page that no longer exists is said so plainly.
//!
//! [`turn_page`] is the one place a page of an answer is turned: the asker's click changes the
//! shared message, anyone else's gets a copy of the page that only they see. Votes are counted
//! in [`crate::discord::votes::Ballots::cast`], once per person per answer.

use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::Instrument;

use crate::discord::asking::{self, Asked, Outcome};
use crate::discord::buttons::{answer_key, ButtonId};
use crate::discord::commands::gaps;
use crate::discord::render::{self, AnswerPage, CorpusSize, Reply};
use crate::discord::types::{Data, Error};
use crate::discord::votes::Ballot;
use crate::insights::store::now_ms;
use crate::insights::{Direction, PageTurn, Vote};

/// How a click is answered: the message it is on updated, or a new (ephemeral) message.
enum Response {
    Update(Reply),
    New(Reply),
}

/// The question of an answer message and the earlier question it followed up, read back from
/// its embed: the footer's lines when they carry them, else the title.
fn question_on(message: &serenity::Message) -> Option<(String, Option<String>)> {
    let embed = message.embeds.first()?;
    let footer = embed.footer.as_ref().map_or("", |f| f.text.as_str());
    let line = |prefix: &str| {
        footer
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::to_string)
    };
    let question = match line(render::FOOTER_QUESTION) {
        Some(question) => question,
        None => render::unescape(embed.title.as_deref()?),
    };
    Some((question, line(render::FOOTER_CONTEXT)))
}

/// Handles one component interaction.
pub async fn on_click(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
) -> Result<(), Error> {
    let id = ButtonId::decode(&click.data.custom_id);
    let span = tracing::info_span!(
        "click",
        button = crate::discord::privacy::escaped(&click.data.custom_id),
        user = crate::discord::privacy::user_at_debug(click.user.id),
        latency_ms = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = async {
        let (response, outcome) = match id {
            Some(ButtonId::GapsPage { days, page }) => (
                Response::Update(gaps::page(data, days, page).await),
                "gaps_page",
            ),
            id => respond(data, id, click).await,
        };
        let builder = match response {
            Response::Update(reply) => {
                serenity::CreateInteractionResponse::UpdateMessage(reply.to_interaction_message())
            }
            Response::New(reply) => {
                serenity::CreateInteractionResponse::Message(reply.to_interaction_message())
            }
        };
        click.create_response(&ctx.http, builder).await?;
        Ok::<_, Error>(outcome)
    }
    .instrument(span.clone())
    .await;
    span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
    span.record("outcome", result.as_ref().map_or("error", |o| *o));
    span.in_scope(|| tracing::info!("handled"));
    if result.is_err() {
        // Tell the user rather than leave the click spinning; this may fail if already answered.
        let failure = render::failure("that button could not be handled");
        let _ = click
            .create_response(
                &ctx.http,
                serenity::CreateInteractionResponse::Message(failure.to_interaction_message()),
            )
            .await;
    }
    result.map(|_| ())
}

async fn respond(
    data: &Data,
    id: Option<ButtonId>,
    click: &serenity::ComponentInteraction,
) -> (Response, &'static str) {
    let message = &click.message;
    match id {
        None => (
            Response::New(Reply::text(
                "This button is from an older version of the bot; ask again.",
                true,
            )),
            "unknown_button",
        ),
        Some(ButtonId::AskPage {
            key,
            top,
            page,
            asker,
        }) => turn_page(data, click, (&key, top, page, asker)).await,
        Some(ButtonId::Vote { up, key, passages }) => {
            let question = question_on(message)
                .filter(|(q, c)| answer_key(q, c.as_deref()) == key)
                .map(|(q, _)| q)
                .unwrap_or_default();
            let snapshot = data.library.snapshot();
            let ids: Vec<&str> = snapshot.documents().iter().map(|d| d.id.as_str()).collect();
            let passages: Vec<String> = passages
                .iter()
                .map(|p| p.describe(ids.iter().copied()))
                .collect();
            let ballot = data.ballots.cast(message.id.get(), click.user.id.get(), up);
            if matches!(ballot, Ballot::Counted | Ballot::Changed) {
                data.insights.vote(Vote {
                    voted_at: now_ms(),
                    guild: click.guild_id.map(serenity::GuildId::get),
                    message: message.id.get(),
                    user: click.user.id.get(),
                    up,
                    question: (!question.is_empty()).then(|| question.clone()),
                    passages: passages.clone(),
                });
            }
            let thanks = match ballot {
                Ballot::Counted => {
                    tracing::info!(
                        vote = if up { "up" } else { "down" },
                        // A direct message's text stays out of the log below debug.
                        question = click
                            .guild_id
                            .is_some()
                            .then(|| crate::discord::privacy::escaped(&question)),
                        question_key = %key,
                        passages = ?passages,
                        "feedback"
                    );
                    if up {
                        "Thanks: noted that this answer helped. Your vote counts once."
                    } else {
                        "Thanks: noted that this answer did not help. Your vote counts once."
                    }
                }
                Ballot::Changed => {
                    tracing::info!(
                        vote = if up { "up" } else { "down" },
                        question_key = %key,
                        "vote changed"
                    );
                    if up {
                        "Changed your vote to 👍: your latest vote replaces the earlier one."
                    } else {
                        "Changed your vote to 👎: your latest vote replaces the earlier one."
                    }
                }
                Ballot::AlreadyVoted { up: first } => {
                    tracing::info!(question_key = %key, "vote repeated: not counted");
                    if first {
                        "You already voted on this answer (👍): a vote counts once per person."
                    } else {
                        "You already voted on this answer (👎): a vote counts once per person."
                    }
                }
            };
            let outcome = match ballot {
                Ballot::Counted => "vote",
                Ballot::Changed => "vote_changed",
                Ballot::AlreadyVoted { .. } => "vote_repeated",
            };
            (Response::New(Reply::text(thanks, true)), outcome)
        }
        // Answered in `on_click` (it reads the store); kept here so every id has an answer.
        Some(ButtonId::GapsPage { .. }) => (
            Response::New(Reply::text("Run /gaps again.", true)),
            "gaps_page",
        ),
        Some(ButtonId::SourcesPage { page }) => {
            let snapshot = data.library.snapshot();
            let size = CorpusSize::from(&snapshot.stats());
            match render::sources(snapshot.documents(), page, size) {
                Some(reply) => (Response::Update(reply), "page"),
                None => (
                    Response::New(Reply::text(
                        &format!(
                            "The corpus has changed: there is no page {} of sources any more. Run /sources again.",
                            page + 1
                        ),
                        true,
                    )),
                    "page_gone",
                ),
            }
        }
    }
}

/// Which way the clicked page button goes, from its label on the message.
fn direction(click: &serenity::ComponentInteraction) -> Direction {
    let back = click
        .message
        .components
        .iter()
        .flat_map(|row| &row.components)
        .any(|component| match component {
            serenity::ActionRowComponent::Button(button) => {
                let ours = matches!(&button.data, serenity::ButtonKind::NonLink { custom_id, .. } if *custom_id == click.data.custom_id);
                ours && button.label.as_deref().is_some_and(|l| l.contains("Back"))
            }
            _ => false,
        });
    if back {
        Direction::Back
    } else {
        Direction::More
    }
}

/// Turns the page of the answer on `message` for `clicker`: `(key, top, page, asker)` come
/// from the button. The asker (or anyone, on an answer that names no asker) changes the shared
/// message; anyone else gets a copy of the page only they see, whose buttons are theirs.
async fn turn_page(
    data: &Data,
    click: &serenity::ComponentInteraction,
    (key, top, page, asker): (&str, usize, usize, Option<u64>),
) -> (Response, &'static str) {
    let message = &click.message;
    let clicker = click.user.id.get();
    let Some((question, context)) =
        question_on(message).filter(|(q, c)| answer_key(q, c.as_deref()) == key)
    else {
        return (
            Response::New(render::page_gone(page)),
            "question_unreadable",
        );
    };
    let own = asker.is_none_or(|asker| asker == clicker);
    let asked = Asked {
        question: &question,
        context: context.as_deref(),
        at: AnswerPage {
            top: top.clamp(1, render::MAX_RESULTS),
            page,
        },
        asker: if own { asker } else { Some(clicker) },
    };
    let (mut reply, outcome) =
        asking::answer(&data.library, &asked, click.guild_id.is_none()).await;
    if outcome != Outcome::Answered {
        let question = click
            .guild_id
            .is_some()
            .then(|| crate::discord::privacy::escaped(&question));
        tracing::info!(question, page, "the page of this answer no longer exists");
        return (Response::New(render::page_gone(page)), "page_gone");
    }
    data.insights.page_turn(PageTurn {
        turned_at: now_ms(),
        guild: click.guild_id.map(serenity::GuildId::get),
        message: message.id.get(),
        user: clicker,
        direction: direction(click),
        page,
    });
    if own {
        // The update replaces the content: keep what the message said ("For @bob:"), and
        // since an edit pings nobody anyway, keep it pinging nobody.
        reply.content = Some(message.content.clone()).filter(|c| !c.is_empty());
        (Response::Update(reply), "page")
    } else {
        reply.ephemeral = true;
        (Response::New(reply), "page_copy")
    }
}

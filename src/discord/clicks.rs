//! Button clicks: "More" and "Back" under answers, 👍/👎 votes, and `/sources` pages. Every
//! click is answered from its custom id and the message it is on, so buttons keep working after
//! a restart or a reload; a page that no longer exists is said so plainly.

use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::Instrument;

use crate::answer::AskOptions;
use crate::discord::buttons::{question_key, ButtonId};
use crate::discord::gaps;
use crate::discord::render::{self, AnswerPage, CorpusSize, Reply};
use crate::discord::types::{Data, Error};
use crate::insights::store::now_ms;
use crate::insights::{Direction, PageTurn, Vote};

/// How a click is answered: the message it is on updated, or a new (ephemeral) message.
enum Response {
    Update(Reply),
    New(Reply),
}

/// The question of an answer message, read back from its embed title.
fn question_on(message: &serenity::Message) -> Option<String> {
    let title = message.embeds.first()?.title.as_deref()?;
    Some(render::unescape(title))
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
        button = %click.data.custom_id,
        user = %click.user.id,
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
            id => respond(data, id, click),
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

fn respond(
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
        Some(ButtonId::AskPage { key, top, page }) => {
            let Some(question) = question_on(message).filter(|q| question_key(q) == key) else {
                return (
                    Response::New(render::page_gone(page)),
                    "question_unreadable",
                );
            };
            let top = top.clamp(1, render::MAX_RESULTS);
            let at = AnswerPage { top, page };
            let snapshot = data.library.snapshot();
            let answer = snapshot.ask(
                &question,
                &AskOptions {
                    top,
                    offset: at.offset(),
                },
            );
            if !answer.is_answered() || answer.quotes.is_empty() {
                tracing::info!(%question, page, "the page of this answer no longer exists");
                return (Response::New(render::page_gone(page)), "page_gone");
            }
            let reply = render::answer(&answer, at, CorpusSize::from(&snapshot.stats()));
            data.insights.page_turn(PageTurn {
                turned_at: now_ms(),
                guild: click.guild_id.map(serenity::GuildId::get),
                message: message.id.get(),
                user: click.user.id.get(),
                direction: direction(click),
                page,
            });
            (Response::Update(reply), "page")
        }
        Some(ButtonId::Vote { up, key, passages }) => {
            let question = question_on(message)
                .filter(|q| question_key(q) == key)
                .unwrap_or_default();
            let snapshot = data.library.snapshot();
            let ids: Vec<&str> = snapshot.documents().iter().map(|d| d.id.as_str()).collect();
            let passages: Vec<String> = passages
                .iter()
                .map(|p| p.describe(ids.iter().copied()))
                .collect();
            tracing::info!(
                vote = if up { "up" } else { "down" },
                %question,
                question_key = %key,
                passages = ?passages,
                "feedback"
            );
            data.insights.vote(Vote {
                voted_at: now_ms(),
                guild: click.guild_id.map(serenity::GuildId::get),
                message: message.id.get(),
                user: click.user.id.get(),
                up,
                question: (!question.is_empty()).then_some(question),
                passages,
            });
            let thanks = if up {
                "Thanks: noted that this answer helped."
            } else {
                "Thanks: noted that this answer did not help."
            };
            (Response::New(Reply::text(thanks, true)), "vote")
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

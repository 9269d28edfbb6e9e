//! A question asked on Discord, answered from the serving snapshot and recorded for insights:
//! the one path `/ask`, the context menu, messages and the page buttons share, and the
//! [`Outcome`] each handled request logs.

use std::sync::Arc;

use poise::serenity_prelude as serenity;

use crate::discord::render::{self, AnswerPage, AnswerView, CorpusSize, Reply};
use crate::discord::types::{Context, Data};
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
    /// Asked within the asker's cooldown: told to slow down.
    Cooldown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::NoMatch => "no_match",
            Outcome::Shown => "shown",
            Outcome::Refused => "refused",
            Outcome::Cooldown => "cooldown",
        }
    }
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

/// Asks the serving corpus and renders the reply. The engine usually takes microseconds, so it
/// runs before the interaction is acknowledged: the reply is public or ephemeral from the start.
/// It runs on tokio's blocking pool ([`ask_off_runtime`]): a slow question never holds up
/// another request's acknowledgement.
/// `in_dm` keeps the question's text out of the log below `debug`.
pub async fn answer(library: &Arc<Library>, asked: &Asked<'_>, in_dm: bool) -> (Reply, Outcome) {
    let (reply, outcome, _) = ask_off_runtime(library, asked, in_dm).await;
    (reply, outcome)
}

/// [`ask_and_render`] on tokio's blocking pool (bounded by the runtime's
/// `max_blocking_threads`), never on an async worker thread: a question over a large document
/// can take long enough to stall every other event on that worker.
async fn ask_off_runtime(
    library: &Arc<Library>,
    asked: &Asked<'_>,
    in_dm: bool,
) -> (Reply, Outcome, Answer) {
    let library = Arc::clone(library);
    let question = asked.question.to_string();
    let context = asked.context.map(str::to_string);
    let (at, asker) = (asked.at, asked.asker);
    let answered = off_runtime(move || {
        let asked = Asked {
            question: &question,
            context: context.as_deref(),
            at,
            asker,
        };
        ask_and_render(&library, &asked)
    })
    .await;
    log_answer(&answered.2, asked.context, answered.1, in_dm);
    answered
}

/// Runs blocking `work` on tokio's blocking pool and waits for it without holding an async
/// worker thread. A panic in `work` stays a panic of the caller, as it was on the runtime.
async fn off_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(work).await {
        Ok(done) => done,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
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
pub(crate) fn asker(ctx: Context<'_>, asked_by: AskedBy) -> Asker {
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
pub async fn answer_recorded(data: &Data, asked: &Asked<'_>, asker: Asker) -> (Reply, Outcome) {
    let in_dm = asker.guild.is_none();
    let (reply, outcome, answer) = ask_off_runtime(&data.library, asked, in_dm).await;
    data.insights.question(Question {
        asked_at: crate::insights::store::now_ms(),
        guild: asker.guild.map(serenity::GuildId::get),
        channel_kind: asker.channel_kind,
        asked_by: asker.asked_by,
        user: asker.user.get(),
        question: Some(answer.question.clone()),
        answered: outcome == Outcome::Answered,
        passages: render::answer::cited_passages(&answer.quotes)
            .iter()
            .map(|c| format!("{}#{}", c.source, c.paragraph))
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
        (reply, Outcome::Answered, answer)
    } else {
        (reply, Outcome::NoMatch, answer)
    }
}

/// Logs an answer in the caller's span (on the async side: the blocking pool's threads are
/// outside the request's span). The question is escaped; a direct message's text is logged
/// only at `debug` (see [`crate::discord::privacy`]).
fn log_answer(answer: &Answer, context: Option<&str>, outcome: Outcome, in_dm: bool) {
    use crate::discord::privacy::escaped;
    let question = (!in_dm).then(|| escaped(&answer.question));
    let context = context.filter(|_| !in_dm).map(escaped);
    let question_len = answer.question.chars().count();
    if in_dm {
        tracing::debug!(
            question = escaped(&answer.question),
            "direct message question"
        );
    }
    if outcome == Outcome::Answered {
        let passages: Vec<String> = answer
            .quotes
            .iter()
            .map(|q| format!("{}#{}", q.source, q.paragraph))
            .collect();
        tracing::info!(question, question_len, context, passages = ?passages, elapsed_us = answer.elapsed_us, "answered");
    } else {
        tracing::info!(question, question_len, context, suggestions = ?answer.suggestions, "question found nothing");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// Even on a runtime of one thread, other tasks (acknowledgements) run while a question
    /// is being answered.
    #[tokio::test(flavor = "current_thread")]
    async fn a_slow_question_leaves_the_runtime_free_for_other_requests() {
        let ticks = Arc::new(AtomicUsize::new(0));
        let ticking = Arc::clone(&ticks);
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(5)).await;
                ticking.fetch_add(1, Ordering::Relaxed);
            }
        });
        let answer = off_runtime(|| {
            std::thread::sleep(Duration::from_millis(400));
            42
        })
        .await;
        ticker.abort();
        assert_eq!(answer, 42);
        assert!(ticks.load(Ordering::Relaxed) >= 10, "the runtime was held");
    }
}

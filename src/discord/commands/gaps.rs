//! `/gaps [days]`: for moderators, ephemerally, the questions members asked that the corpus
//! could not answer, the passages they voted down, and the answer rate, read from the insights
//! store; its pages turn with Back/More buttons (see [`page`]).

use crate::discord::checks::is_moderator;
use crate::discord::render::{self, Reply};
use crate::discord::types::{Context, Data, Error};
use crate::insights::gaps::Report;

/// The window when none is given.
pub const DEFAULT_DAYS: u32 = 30;

/// What members asked that the corpus could not answer, and which quotes they voted down (moderators).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "is_moderator"
)]
pub async fn gaps(
    ctx: Context<'_>,
    #[description = "How many days back to look (default 30)"]
    #[min = 1]
    #[max = 3650]
    days: Option<u32>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let days = days.unwrap_or(DEFAULT_DAYS).clamp(1, 3650);
    let reply = page(ctx.data(), days, 0).await;
    ctx.send(reply.to_poise()).await?;
    Ok(())
}

/// Page `page` of the report over `days` days, read from the store now; a plain ephemeral note
/// when insights are off or the store cannot be read.
pub async fn page(data: &Data, days: u32, page: usize) -> Reply {
    if !data.insights.is_enabled() {
        return Reply::text(
            "Insights are off (INSIGHTS=off): no questions or votes are recorded.",
            true,
        );
    }
    let Some(store) = data.insights.store() else {
        return Reply::text(
            "The insights store is not open (yet): answering goes on; see the bot's log for why.",
            true,
        );
    };
    let snapshot = data.library.snapshot();
    // The aliases the serving corpus was loaded with: no file is read on the async runtime.
    let report = Report::build(&store, days, snapshot.aliases(), |source| {
        snapshot.document(source).map(|d| d.title.clone())
    })
    .await;
    match report {
        Ok(report) => render::gaps(&report, page),
        Err(error) => {
            tracing::warn!(%error, "the gaps report could not be read");
            Reply::text(
                "The insights store could not be read just now; try again in a moment.",
                true,
            )
        }
    }
}

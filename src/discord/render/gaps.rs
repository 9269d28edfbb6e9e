//! The `/gaps` report as a reply: questions the corpus could not answer (grouped by content
//! words), the passages members voted down, and the answer rate, in pages with Back/More
//! buttons that carry the window and page in their custom id.

use super::limits;
use super::reply::{Button, ButtonLook, Embed, Reply};
use super::text::{cut, escape};
use crate::discord::buttons::ButtonId;
use crate::insights::gaps::{utc_date_time, Report};
use crate::wording::count;

/// Lines (gaps or passages) per page.
pub const LINES_PER_PAGE: usize = 10;
/// Embed colour of the report.
const COLOUR: u32 = 0x00e6_7e22;

/// The report's lines, each under its section heading: members' words escaped (they show
/// verbatim and ping nobody), times as Discord timestamps in the reader's time zone.
fn lines(report: &Report) -> (String, Vec<(&'static str, String)>) {
    let summary = report.summary();
    let mut all = Vec::new();
    for (i, gap) in report.gaps.iter().enumerate() {
        let mut line = format!(
            "{}. {}× “{}” (last <t:{}:R>)",
            i + 1,
            gap.count,
            escape(&cut(&gap.question, 200)),
            gap.last_asked_ms / 1000
        );
        if !gap.also_asked_as.is_empty() {
            let others: Vec<String> = gap
                .also_asked_as
                .iter()
                .map(|q| format!("“{}”", escape(&cut(q, 100))))
                .collect();
            line.push_str(&format!("; also {}", others.join(", ")));
        }
        all.push(("Most asked, not answered", line));
    }
    for (i, passage) in report.down_voted.iter().enumerate() {
        let cited = match passage.passage.rsplit_once('#') {
            Some((source, paragraph)) => format!("{} ¶{paragraph}", escape(source)),
            None => escape(&passage.passage),
        };
        let title = passage
            .title
            .as_deref()
            .map_or_else(String::new, |t| format!(" “{}”", escape(&cut(t, 100))));
        all.push((
            "Most down-voted passages",
            format!(
                "{}. 👎 {} 👍 {} {cited}{title}",
                i + 1,
                passage.down,
                passage.up
            ),
        ));
    }
    (summary, all)
}

/// Renders one page of `report` (a page past the end shows the last one).
pub fn gaps(report: &Report, page: usize) -> Reply {
    let (summary, all) = lines(report);
    let pages = all.len().div_ceil(LINES_PER_PAGE).max(1);
    let page = page.min(pages - 1);
    let mut description = format!("{summary}\n");
    let mut heading = "";
    for (section, line) in all.iter().skip(page * LINES_PER_PAGE).take(LINES_PER_PAGE) {
        if *section != heading {
            description.push_str(&format!("\n**{section}**\n"));
            heading = section;
        }
        description.push_str(line);
        description.push('\n');
    }
    if all.is_empty() {
        description.push_str("\nNo unanswered questions and no down-votes in this window.");
    }
    let mut buttons = Vec::new();
    if page > 0 {
        buttons.push(Button {
            id: ButtonId::GapsPage {
                days: report.days,
                page: page - 1,
            }
            .encode(),
            label: "◀ Back".into(),
            look: ButtonLook::Secondary,
        });
    }
    if page + 1 < pages {
        buttons.push(Button {
            id: ButtonId::GapsPage {
                days: report.days,
                page: page + 1,
            }
            .encode(),
            label: "More ▶".into(),
            look: ButtonLook::Primary,
        });
    }
    Reply {
        content: None,
        embed: Some(Embed {
            title: format!("Gaps: the last {}", count(report.days as usize, "day")),
            description: cut(&description, limits::DESCRIPTION),
            fields: Vec::new(),
            footer: Some(format!(
                "page {} of {pages} · made {}",
                page + 1,
                utc_date_time(crate::insights::store::now_ms())
            )),
            colour: COLOUR,
        }),
        buttons,
        ephemeral: true,
        ..Reply::default()
    }
}

//! The gaps report: what members asked that the corpus could not answer, which quoted passages
//! they voted down, and how many questions were answered. `/gaps` and `citebot gaps` show it.
//!
//! Unanswered questions are grouped by their content words, normalized as the engine normalizes
//! questions ([`citebot_engine::text::tokenize`]: case, accents, stems, stop words, compounds) and
//! with every name of an alias group standing for the group, so "who funds ISKP" and "who is
//! funding IS-K?" are one line. Grouping is done when the report is made, not when questions are
//! stored, so an edit of `aliases.toml` regroups past questions too.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::store::{now_ms, Store, StoreError};
use crate::wording::count;
use citebot_engine::search::aliases::Aliases;
use citebot_engine::text;

/// At most this many recent questions are read for one report.
const READ_LIMIT: i64 = 50_000;
/// Lines per section of a report.
pub const TOP: usize = 25;

/// The content words of a question: stems of its non-stop words (a compound by its joined form
/// only), and `#alias<n>` for every name of alias group `n`; sorted, without repeats. Empty for a
/// question of stop words only.
pub fn content_key(question: &str, aliases: &Aliases) -> Vec<String> {
    let tokens = text::tokenize(question);
    let names = aliases.find(&tokens);
    let joined: Vec<(usize, usize)> = tokens
        .iter()
        .filter(|t| t.joined)
        .map(|t| (t.start, t.end))
        .collect();
    let mut key: BTreeSet<String> = names.iter().map(|m| format!("#alias{}", m.group)).collect();
    for t in &tokens {
        let in_name = names.iter().any(|m| t.start >= m.start && t.end <= m.end);
        let part_of_compound = !t.joined && joined.iter().any(|&(s, e)| t.start >= s && t.end <= e);
        if t.stop || in_name || part_of_compound || t.stem.is_empty() {
            continue;
        }
        key.insert(t.stem.clone());
    }
    key.into_iter().collect()
}

/// Unanswered questions that share their content words.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Gap {
    /// The most recent wording.
    pub question: String,
    /// Other wordings seen (up to three).
    pub also_asked_as: Vec<String>,
    /// How many times it was asked.
    pub count: u64,
    /// When it was last asked (Unix ms).
    pub last_asked_ms: i64,
}

/// A passage members voted on.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VotedPassage {
    /// `source#paragraph`.
    pub passage: String,
    /// The source's title when the corpus has it.
    pub title: Option<String>,
    /// 👎 count.
    pub down: u64,
    /// 👍 count.
    pub up: u64,
}

/// The whole report over a window of days.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// The window, in days back from now.
    pub days: u32,
    /// Questions asked in the window.
    pub asked: u64,
    /// Of which answered with quotes.
    pub answered: u64,
    /// Unanswered questions whose text is not kept (DMs), counted but not grouped.
    pub unanswered_without_text: u64,
    /// More/Back clicks in the window.
    pub page_turns: u64,
    /// Most asked unanswered questions, most asked first.
    pub gaps: Vec<Gap>,
    /// Most down-voted passages, most down-votes first.
    pub down_voted: Vec<VotedPassage>,
}

impl Report {
    /// Share of questions answered, 0–1 (`None` when nothing was asked).
    pub fn answer_rate(&self) -> Option<f64> {
        (self.asked > 0).then(|| self.answered as f64 / self.asked as f64)
    }

    /// Builds the report of the last `days` days; `title` names a source id's title.
    pub async fn build(
        store: &Store,
        days: u32,
        aliases: &Aliases,
        title: impl Fn(&str) -> Option<String>,
    ) -> Result<Report, StoreError> {
        let since = now_ms() - i64::from(days) * 86_400_000;
        let (asked, answered) = store.answer_counts(since).await?;
        let questions = store.questions_since(since, READ_LIMIT).await?;
        let votes = store.votes_since(since).await?;
        let page_turns = store.page_turns_since(since).await?;
        let mut unanswered_without_text = 0;
        let mut groups: HashMap<Vec<String>, Gap> = HashMap::new();
        // Newest first: the first wording seen of a group is its most recent.
        for q in questions.iter().filter(|q| !q.answered) {
            let Some(question) = q.question.as_deref() else {
                unanswered_without_text += 1;
                continue;
            };
            let mut key = content_key(question, aliases);
            if key.is_empty() {
                key = vec![question.trim().to_lowercase()];
            }
            let gap = groups.entry(key).or_insert_with(|| Gap {
                question: question.to_string(),
                also_asked_as: Vec::new(),
                count: 0,
                last_asked_ms: q.asked_at,
            });
            gap.count += 1;
            if gap.also_asked_as.len() < 3
                && gap.question != question
                && !gap.also_asked_as.iter().any(|a| a == question)
            {
                gap.also_asked_as.push(question.to_string());
            }
        }
        let mut gaps: Vec<Gap> = groups.into_values().collect();
        gaps.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(b.last_asked_ms.cmp(&a.last_asked_ms))
                .then_with(|| a.question.cmp(&b.question))
        });
        gaps.truncate(TOP);
        let mut passages: HashMap<String, (u64, u64)> = HashMap::new();
        for vote in &votes {
            // A passage counts once per vote: rows recorded before answers cited each passage
            // once may list one twice (two excerpts of one paragraph).
            let mut seen = std::collections::HashSet::new();
            for passage in vote.passages.iter().filter(|p| seen.insert(*p)) {
                let counts = passages.entry(passage.clone()).or_default();
                if vote.up {
                    counts.1 += 1;
                } else {
                    counts.0 += 1;
                }
            }
        }
        let mut down_voted: Vec<VotedPassage> = passages
            .into_iter()
            .filter(|(_, (down, _))| *down > 0)
            .map(|(passage, (down, up))| VotedPassage {
                title: passage
                    .rsplit_once('#')
                    .and_then(|(source, _)| title(source)),
                passage,
                down,
                up,
            })
            .collect();
        down_voted.sort_by(|a, b| {
            b.down
                .cmp(&a.down)
                .then(a.up.cmp(&b.up))
                .then_with(|| a.passage.cmp(&b.passage))
        });
        down_voted.truncate(TOP);
        Ok(Report {
            days,
            asked,
            answered,
            unanswered_without_text,
            page_turns,
            gaps,
            down_voted,
        })
    }

    /// One line: questions asked, answered, the rate, page turns, uncounted DMs.
    pub fn summary(&self) -> String {
        let rate = self.answer_rate().map_or_else(
            || "no questions".to_string(),
            |r| format!("{:.0}% answered", r * 100.0),
        );
        let mut summary = format!(
            "Last {}: {}, {} answered ({rate}), {}.",
            count(self.days as usize, "day"),
            count(self.asked as usize, "question"),
            self.answered,
            count(self.page_turns as usize, "More/Back click")
        );
        if self.unanswered_without_text > 0 {
            summary.push_str(&match self.unanswered_without_text {
                1 => " 1 unanswered direct message is counted but its text is not kept.".into(),
                n => format!(
                    " {n} unanswered direct messages are counted but their text is not kept."
                ),
            });
        }
        summary
    }

    /// The gap lines and the down-voted passage lines, as the command line prints them.
    fn sections(&self) -> (Vec<String>, Vec<String>) {
        let when = utc_date_time;
        let gaps = self
            .gaps
            .iter()
            .map(|g| {
                let mut line = format!(
                    "{}× \"{}\" (last {})",
                    g.count,
                    g.question,
                    when(g.last_asked_ms)
                );
                if !g.also_asked_as.is_empty() {
                    let others: Vec<String> =
                        g.also_asked_as.iter().map(|q| format!("\"{q}\"")).collect();
                    line.push_str(&format!("; also asked as {}", others.join(", ")));
                }
                line
            })
            .collect();
        let down_voted = self
            .down_voted
            .iter()
            .map(|p| {
                let cited = match p.passage.rsplit_once('#') {
                    Some((source, paragraph)) => format!("{source} ¶{paragraph}"),
                    None => p.passage.clone(),
                };
                let title = p
                    .title
                    .as_deref()
                    .map_or_else(String::new, |t| format!(" \"{t}\""));
                format!("👎 {} 👍 {} {cited}{title}", p.down, p.up)
            })
            .collect();
        (gaps, down_voted)
    }

    /// The report as the command line prints it.
    pub fn to_text(&self) -> String {
        let (gaps, down_voted) = self.sections();
        let mut out = format!("{}\n\nMost asked, not answered:\n", self.summary());
        if gaps.is_empty() {
            out.push_str("  (none)\n");
        }
        for line in gaps {
            out.push_str(&format!("  {line}\n"));
        }
        out.push_str("\nMost down-voted passages:\n");
        if down_voted.is_empty() {
            out.push_str("  (none)\n");
        }
        for line in down_voted {
            out.push_str(&format!("  {line}\n"));
        }
        out
    }
}

/// `2026-12-02 16:20 UTC` for a Unix time in ms.
pub fn utc_date_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Howard Hinnant's days-to-civil: a day count since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled_aliases() -> Aliases {
        Aliases::load("corpus".as_ref()).0
    }

    #[test]
    fn two_wordings_of_one_question_share_their_content_words() {
        let aliases = bundled_aliases();
        assert_eq!(
            content_key("who funds ISKP", &aliases),
            content_key("who is funding IS-K?", &aliases)
        );
        assert_eq!(
            content_key("Who is Amir-Abdollahian?", &aliases),
            content_key("who is amirabdollahian", &aliases)
        );
    }

    #[test]
    fn different_questions_keep_different_keys() {
        let aliases = bundled_aliases();
        assert_ne!(
            content_key("who funds ISKP", &aliases),
            content_key("who leads ISKP", &aliases)
        );
        assert!(content_key("who is it?", &aliases).is_empty());
    }

    #[test]
    fn dates_print_in_utc() {
        assert_eq!(utc_date_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_date_time(1_796_228_400_000), "2026-12-02 16:20 UTC");
        assert_eq!(utc_date_time(951_782_400_000), "2000-02-29 00:00 UTC");
    }
}

//! The report's reads: questions, votes and page turns of a time window, read back from the
//! [`Store`] with the same runtime queries on SQLite and PostgreSQL.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::store::{Store, StoreError};

/// A question as read back for reports.
#[derive(Debug, Clone)]
pub struct QuestionRow {
    /// When it was asked (Unix ms).
    pub asked_at: i64,
    /// The text, when kept.
    pub question: Option<String>,
    /// Quotes were shown.
    pub answered: bool,
}

/// A vote as read back for reports.
#[derive(Debug, Clone)]
pub struct VoteRow {
    /// 👍 (true) or 👎.
    pub up: bool,
    /// The passages of the answer voted on, as `source#paragraph`.
    pub passages: Vec<String>,
}

impl Store {
    /// Questions asked since `since` (Unix ms), newest first, at most `limit`.
    pub async fn questions_since(
        &self,
        since: i64,
        limit: i64,
    ) -> Result<Vec<QuestionRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT asked_at, question, answered FROM questions WHERE asked_at >= $1 ORDER BY asked_at DESC LIMIT $2",
        )
        .bind(since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row: &AnyRow| {
                Ok(QuestionRow {
                    asked_at: row.try_get(0)?,
                    question: row.try_get(1)?,
                    answered: row.try_get::<i64, _>(2)? != 0,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// How many questions were asked since `since`, and how many of them were answered.
    pub async fn answer_counts(&self, since: i64) -> Result<(u64, u64), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*), CAST(COALESCE(SUM(answered), 0) AS BIGINT) FROM questions WHERE asked_at >= $1",
        )
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        let asked: i64 = row.try_get(0)?;
        let answered: i64 = row.try_get(1)?;
        Ok((asked.max(0) as u64, answered.max(0) as u64))
    }

    /// Votes cast since `since` (Unix ms).
    pub async fn votes_since(&self, since: i64) -> Result<Vec<VoteRow>, StoreError> {
        let rows = sqlx::query("SELECT up, passages FROM votes WHERE voted_at >= $1")
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row: &AnyRow| {
                let passages: String = row.try_get(1)?;
                Ok(VoteRow {
                    up: row.try_get::<i64, _>(0)? != 0,
                    passages: passages
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(String::from)
                        .collect(),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// How many More/Back clicks were recorded since `since`.
    pub async fn page_turns_since(&self, since: i64) -> Result<u64, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM page_turns WHERE turned_at >= $1")
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
        Ok(count.max(0) as u64)
    }
}

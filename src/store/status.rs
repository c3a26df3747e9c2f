//! What `status` reads: failing articles and alarms, totals, the last check
//! and the last pass, hook deliveries (and their recording).

use super::*;

/// An article whose latest checks failed or raised an extraction alarm.
#[derive(Debug, Clone)]
pub struct Problem {
    pub article: ArticleRow,
    /// [`Outcome::Failed`] or [`Outcome::Alarm`].
    pub outcome: Outcome,
    /// The HTTP status of the last check, when the server answered.
    pub http_status: Option<u16>,
    /// When the current run of failed or alarmed checks began.
    pub since: String,
    /// How many checks in a row.
    pub checks: i64,
}

/// Totals for `status`.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub articles: i64,
    pub revisions: i64,
    pub checks: i64,
    pub last_checked_at: Option<String>,
    /// Revisions whose article older extraction rules read.
    pub older_rules: i64,
}

/// A pass over articles: when it started, how long it took, what it found.
#[derive(Debug, Clone)]
pub struct PassRow {
    pub started_at: String,
    pub duration_ms: i64,
    pub articles: i64,
    pub changed: i64,
    pub failed: i64,
}

/// A notification that failed after its retries.
#[derive(Debug, Clone)]
pub struct FailedDelivery {
    pub hook: String,
    pub attempted_at: String,
    pub attempts: u32,
    pub error: Option<String>,
    pub article_id: i64,
    pub rev: i64,
}

impl Store {
    /// Articles whose most recent check failed or raised an alarm, with how
    /// long that has lasted.
    pub fn problems(&self) -> Result<Vec<Problem>> {
        let sql = format!(
            "WITH last_good AS (
                 SELECT article_id, max(id) AS id FROM checks
                 WHERE outcome NOT IN ('failed', 'alarm') GROUP BY article_id),
             streak AS (
                 SELECT c.article_id, min(c.checked_at) AS since, count(*) AS n, max(c.id) AS last
                 FROM checks c LEFT JOIN last_good g ON g.article_id = c.article_id
                 WHERE c.id > coalesce(g.id, 0) GROUP BY c.article_id)
             SELECT {}, (SELECT outcome FROM checks WHERE id = s.last), s.since, s.n,
                    (SELECT http_status FROM checks WHERE id = s.last)
             FROM streak s JOIN articles a ON a.id = s.article_id ORDER BY s.since, a.id",
            Self::ARTICLE_COLUMNS
                .split(',')
                .map(|c| format!("a.{}", c.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        self.conn
            .query_map(&sql, params![], |r| {
                let name: String = r.get(Self::N)?;
                let outcome = Outcome::parse(&name)
                    .ok_or_else(|| bad_text(Self::N, format!("unknown check outcome {name:?}")))?;
                Ok(Problem {
                    article: Self::article_from(r)?,
                    outcome,
                    since: r.get(Self::N + 1)?,
                    checks: r.get(Self::N + 2)?,
                    http_status: r.get(Self::N + 3)?,
                })
            })
            .map_err(|e| self.err(e))
    }

    /// Counts of articles, revisions and checks, and the last check's time.
    pub fn totals(&self) -> Result<Totals> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM revisions),
                        (SELECT count(*) FROM checks), (SELECT max(checked_at) FROM checks),
                        (SELECT count(*) FROM revisions WHERE rules < ?1)",
                [crate::extract::RULES],
                |r| {
                    Ok(Totals {
                        articles: r.get(0)?,
                        revisions: r.get(1)?,
                        checks: r.get(2)?,
                        last_checked_at: r.get(3)?,
                        older_rules: r.get(4)?,
                    })
                },
            )
            .map_err(|e| self.err(e))
    }

    /// The outcome and fingerprint of an article's most recent check.
    pub fn last_check(&self, article_id: i64) -> Result<Option<(Outcome, Option<String>)>> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT outcome, fingerprint FROM checks WHERE article_id = ?1
                 ORDER BY id DESC LIMIT 1",
                [article_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        row.map(|(name, fp)| match Outcome::parse(&name) {
            Some(o) => Ok((o, fp)),
            None => Err(self.damaged(format!(
                "a check of article {article_id} has outcome {name:?}"
            ))),
        })
        .transpose()
    }

    /// Records a pass over articles.
    pub fn record_pass(&mut self, p: &PassRow) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO passes (started_at, duration_ms, articles, changed, failed)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![p.started_at, p.duration_ms, p.articles, p.changed, p.failed],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// The latest pass over articles.
    pub fn last_pass(&self) -> Result<Option<PassRow>> {
        self.conn
            .query_row(
                "SELECT started_at, duration_ms, articles, changed, failed FROM passes
                 ORDER BY id DESC LIMIT 1",
                params![],
                |r| {
                    Ok(PassRow {
                        started_at: r.get(0)?,
                        duration_ms: r.get(1)?,
                        articles: r.get(2)?,
                        changed: r.get(3)?,
                        failed: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Records how a notification hook went for a revision.
    pub fn record_delivery(&mut self, d: &crate::model::delivery::Delivery) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO deliveries (revision_id, hook, attempted_at, attempts, ok, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    d.revision_id,
                    d.hook,
                    d.attempted_at,
                    d.attempts,
                    d.ok,
                    d.error
                ],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Notifications that failed since `since`, newest first.
    pub fn failed_deliveries(&self, since: &str) -> Result<Vec<FailedDelivery>> {
        self.conn
            .query_map(
                "SELECT d.hook, d.attempted_at, d.attempts, d.error, r.article_id, r.rev
                 FROM deliveries d JOIN revisions r ON r.id = d.revision_id
                 WHERE d.ok = 0 AND d.attempted_at >= ?1
                 ORDER BY d.attempted_at DESC, d.id DESC LIMIT 50",
                [since],
                |r| {
                    Ok(FailedDelivery {
                        hook: r.get(0)?,
                        attempted_at: r.get(1)?,
                        attempts: r.get(2)?,
                        error: r.get(3)?,
                        article_id: r.get(4)?,
                        rev: r.get(5)?,
                    })
                },
            )
            .map_err(|e| self.err(e))
    }
}

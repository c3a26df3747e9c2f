//! Tracked articles: adding them (alone or in bulk), finding them (by id, URL,
//! due time, canonical URL), pacing, retiring, resuming and deleting them.

use super::*;

/// A tracked article's row.
#[derive(Debug, Clone)]
pub struct ArticleRow {
    pub id: i64,
    /// The URL to show: credentials in it redacted (`user:***@`).
    pub url: String,
    /// The URL as tracked, credentials included: for fetching only, never
    /// to be shown or exported.
    pub fetch_url: String,
    pub added_at: String,
    pub selector: Option<String>,
    pub final_url: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_checked_at: Option<String>,
    pub last_error: Option<String>,
    pub next_check_at: Option<String>,
    pub interval_secs: i64,
    pub every_secs: Option<i64>,
    pub until: Option<String>,
    pub last_change_at: Option<String>,
    pub retired_at: Option<String>,
    /// The canonical URL the page declared at the last successful check.
    pub canonical_url: Option<String>,
    /// Stopped by `untrack` (not retired by the schedule).
    pub untracked: bool,
    /// Tracked from the web page: fetched only from public addresses.
    pub public_only: bool,
}

impl ArticleRow {
    /// Why the article is no longer checked, if it is not.
    pub fn stopped(&self) -> Option<Stopped<'_>> {
        let at = self.retired_at.as_deref()?;
        Some(if self.untracked {
            Stopped::Untracked(at)
        } else if self.until.as_deref().is_some_and(|u| u <= at) {
            Stopped::Ended(at)
        } else {
            Stopped::Quiet(at)
        })
    }
}

/// Why an article is no longer checked, and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped<'a> {
    /// `redline untrack`.
    Untracked(&'a str),
    /// Past its `until` date.
    Ended(&'a str),
    /// Quiet for weeks: retired by the schedule.
    Quiet(&'a str),
}

/// What `redline set` changes of a tracked article (`None`: unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `Some(None)`: adaptive; `Some(Some(s))`: every `s` seconds.
    pub every_secs: Option<Option<i64>>,
    /// `Some(None)`: no last date.
    pub until: Option<Option<String>>,
    /// `Some(None)`: the generic extractor.
    pub selector: Option<Option<String>>,
}

/// How a new article is paced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pace {
    pub every_secs: Option<i64>,
    pub until: Option<String>,
}

/// An article with what `list` shows of it.
#[derive(Debug, Clone)]
pub struct ArticleSummary {
    pub article: ArticleRow,
    pub revisions: i64,
    /// The last headline the article had (a takedown has none of its own).
    pub title: Option<String>,
    /// When the latest revision is a takedown: since when, the status and
    /// the address the page was served from (for a redirect, where it led).
    pub taken_down: Option<(String, u16, String)>,
}

impl Store {
    /// Adds an article; returns it and whether it was new.
    pub fn add_article(
        &mut self,
        url: &str,
        selector: Option<&str>,
        pace: &Pace,
        now: &str,
    ) -> Result<(ArticleRow, bool)> {
        let mut added = self.add_articles(&[url.to_owned()], selector, pace, now)?;
        added
            .pop()
            .ok_or_else(|| self.damaged(format!("article {url} vanished after insert")))
    }

    pub(super) const ARTICLE_COLUMNS: &str = "id, url, added_at, final_url, etag, last_modified,
        last_checked_at, last_error, selector, next_check_at, interval_secs, every_secs, until,
        last_change_at, retired_at, canonical_url, untracked, public_only";
    /// How many columns [`Self::ARTICLE_COLUMNS`] names.
    pub(super) const N: usize = 18;

    pub(super) fn article_from(r: &sql::Row<'_>) -> sql::Result<ArticleRow> {
        let fetch_url: String = r.get(1)?;
        let final_url: Option<String> = r.get(3)?;
        Ok(ArticleRow {
            id: r.get(0)?,
            url: redact(&fetch_url).into_owned(),
            fetch_url,
            added_at: r.get(2)?,
            final_url: final_url.map(|u| redact(&u).into_owned()),
            etag: r.get(4)?,
            last_modified: r.get(5)?,
            last_checked_at: r.get(6)?,
            last_error: r.get(7)?,
            selector: r.get(8)?,
            next_check_at: r.get(9)?,
            interval_secs: r.get(10)?,
            every_secs: r.get(11)?,
            until: r.get(12)?,
            last_change_at: r.get(13)?,
            retired_at: r.get(14)?,
            canonical_url: r.get(15)?,
            untracked: r.get(16)?,
            public_only: r.get(17)?,
        })
    }

    pub fn article(&self, id: i64) -> Result<Option<ArticleRow>> {
        let sql = format!(
            "SELECT {} FROM articles WHERE id = ?1",
            Self::ARTICLE_COLUMNS
        );
        self.conn
            .query_row(&sql, [id], Self::article_from)
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn article_by_url(&self, url: &str) -> Result<Option<ArticleRow>> {
        let sql = format!(
            "SELECT {} FROM articles WHERE url = ?1",
            Self::ARTICLE_COLUMNS
        );
        self.conn
            .query_row(&sql, [url], Self::article_from)
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Articles due at `now`, most overdue first (never-checked ones first).
    pub fn due(&self, now: &str) -> Result<Vec<ArticleRow>> {
        let sql = format!(
            "SELECT {} FROM articles
             WHERE retired_at IS NULL AND (next_check_at IS NULL OR next_check_at <= ?1)
             ORDER BY next_check_at IS NOT NULL, next_check_at, id",
            Self::ARTICLE_COLUMNS
        );
        self.conn
            .query_map(&sql, [now], Self::article_from)
            .map_err(|e| self.err(e))
    }

    /// How many articles are due at `now` (what [`Store::due`] would list).
    pub fn due_count(&self, now: &str) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT count(*) FROM articles
                 WHERE retired_at IS NULL AND (next_check_at IS NULL OR next_check_at <= ?1)",
                [now],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Adds many articles in one transaction; returns each row and whether it
    /// was new.
    pub fn add_articles(
        &mut self,
        urls: &[String],
        selector: Option<&str>,
        pace: &Pace,
        now: &str,
    ) -> Result<Vec<(ArticleRow, bool)>> {
        let (tx, path) = self.immediate()?;
        let next_id = next_article_id(&tx).map_err(|e| Self::err_at(&path, e))?;
        let mut ids = Vec::with_capacity(urls.len());
        for url in urls {
            let existing: Option<i64> = tx
                .query_row("SELECT id FROM articles WHERE url = ?1", [url], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(|e| Self::err_at(&path, e))?;
            match existing {
                Some(id) => ids.push((id, false)),
                None => {
                    let id = tx
                        .query_row(
                            &format!(
                                "INSERT INTO articles (id, url, selector, added_at, last_change_at,
                                     every_secs, until)
                                 VALUES ({next_id}, ?1, ?2, ?3, ?3, ?4, ?5) RETURNING id"
                            ),
                            params![url, selector, now, pace.every_secs, pace.until],
                            |r| r.get(0),
                        )
                        .map_err(|e| Self::err_at(&path, e))?;
                    ids.push((id, true));
                }
            }
        }
        hosts::name_hosts_in(&tx).map_err(|e| Self::err_at(&path, e))?;
        tx.commit().map_err(|e| Self::err_at(&path, e))?;
        ids.into_iter()
            .map(|(id, new)| {
                let row = self
                    .article(id)?
                    .ok_or_else(|| self.damaged(format!("article {id} vanished")))?;
                Ok((row, new))
            })
            .collect()
    }

    /// Stops checking an article at the user's word (its history stays);
    /// `resume` undoes it.
    pub fn untrack(&mut self, id: i64, now: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE articles SET retired_at = coalesce(retired_at, ?2), untracked = 1,
                     next_check_at = NULL
                 WHERE id = ?1",
                params![id, now],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Changes how an article is checked. A new fixed pace takes effect from
    /// the last check (or now, if that is already past); a new selector
    /// applies from the next check, which fetches the page in full (its
    /// validators are forgotten: a 304 would leave the page unread).
    pub fn set_article(&mut self, id: i64, set: &Settings, now: &str) -> Result<ArticleRow> {
        let (tx, path) = self.immediate()?;
        let map = |e| Self::err_at(&path, e);
        if let Some(every) = set.every_secs {
            tx.execute(
                "UPDATE articles SET every_secs = ?2, interval_secs = coalesce(CAST(?2 AS BIGINT), 0) WHERE id = ?1",
                params![id, every],
            )
            .map_err(map)?;
            if let Some(secs) = every {
                // Due one gap after the last check: sooner when the new pace
                // is faster, never in the past.
                let last: Option<String> = tx
                    .query_row(
                        "SELECT last_checked_at FROM articles WHERE id = ?1",
                        [id],
                        |r| r.get(0),
                    )
                    .map_err(map)?;
                let from = last
                    .as_deref()
                    .and_then(crate::clock::parse_rfc3339)
                    .unwrap_or_else(|| crate::clock::parse_rfc3339(now).unwrap_or_default());
                let due = from
                    .checked_add(jiff::SignedDuration::from_secs(secs))
                    .unwrap_or(jiff::Timestamp::MAX);
                let due = crate::clock::rfc3339(due).max(now.to_owned());
                tx.execute(
                    "UPDATE articles SET next_check_at = ?2 WHERE id = ?1 AND retired_at IS NULL",
                    params![id, due],
                )
                .map_err(map)?;
            }
        }
        if let Some(until) = &set.until {
            tx.execute(
                "UPDATE articles SET until = ?2 WHERE id = ?1",
                params![id, until],
            )
            .map_err(map)?;
        }
        if let Some(selector) = &set.selector {
            tx.execute(
                "UPDATE articles SET selector = ?2, etag = NULL, last_modified = NULL
                 WHERE id = ?1",
                params![id, selector],
            )
            .map_err(map)?;
        }
        tx.commit().map_err(map)?;
        self.article(id)?
            .ok_or_else(|| self.damaged(format!("article {id} vanished")))
    }

    /// Marks an article as given by someone other than the operator: every
    /// check fetches it from public addresses only.
    pub fn set_public_only(&mut self, id: i64) -> Result<()> {
        self.conn
            .execute("UPDATE articles SET public_only = 1 WHERE id = ?1", [id])
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Deletes an article and its history (revisions and checks; blobs that
    /// no other revision uses are removed too).
    pub fn delete_article(&mut self, id: i64) -> Result<()> {
        let (tx, path) = self.immediate()?;
        let map = |e| Self::err_at(&path, e);
        tx.execute("DELETE FROM checks WHERE article_id = ?1", [id])
            .map_err(map)?;
        tx.execute("DELETE FROM spans WHERE article_id = ?1", [id])
            .map_err(map)?;
        tx.execute("DELETE FROM revisions WHERE article_id = ?1", [id])
            .map_err(map)?;
        tx.execute("DELETE FROM articles WHERE id = ?1", [id])
            .map_err(map)?;
        blobs::remove_orphans(&tx).map_err(map)?;
        tx.commit().map_err(map)
    }

    /// The earliest next check of active articles.
    pub fn next_due_at(&self) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT min(next_check_at) FROM articles WHERE retired_at IS NULL",
                params![],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Brings a retired article back: due now, at the initial pace.
    pub fn resume(&mut self, id: i64, now: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE articles SET retired_at = NULL, untracked = 0, next_check_at = ?2,
                     interval_secs = 0, last_change_at = ?2
                 WHERE id = ?1",
                params![id, now],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Every tracked article, by id.
    pub fn articles(&self) -> Result<Vec<ArticleRow>> {
        let sql = format!("SELECT {} FROM articles ORDER BY id", Self::ARTICLE_COLUMNS);
        self.conn
            .query_map(&sql, params![], Self::article_from)
            .map_err(|e| self.err(e))
    }

    /// Every article with its revision count and latest headline.
    pub fn summaries(&self) -> Result<Vec<ArticleSummary>> {
        self.summaries_where(None, None, false)
    }

    /// The articles whose latest revision is a takedown.
    pub fn taken_down(&self) -> Result<Vec<ArticleSummary>> {
        self.summaries_where(None, None, true)
    }

    /// The articles after id `after`, by id, at most `limit` (a page of a
    /// list read with a cursor).
    pub fn summaries_after(
        &self,
        after: Option<i64>,
        limit: Option<usize>,
    ) -> Result<Vec<ArticleSummary>> {
        self.summaries_where(after, limit, false)
    }

    fn summaries_where(
        &self,
        after: Option<i64>,
        limit: Option<usize>,
        taken_down: bool,
    ) -> Result<Vec<ArticleSummary>> {
        let sql = format!(
            "SELECT {}, (SELECT count(*) FROM revisions r WHERE r.article_id = a.id),
                    (SELECT title FROM revisions r WHERE r.article_id = a.id AND title IS NOT NULL
                     ORDER BY rev DESC LIMIT 1),
                    l.captured_at, l.http_status, l.classes, l.final_url
             FROM articles a
             LEFT JOIN revisions l ON l.article_id = a.id
                  AND l.rev = (SELECT max(rev) FROM revisions m WHERE m.article_id = a.id)
             WHERE a.id > ?1
               AND (?3 = 0 OR (',' || l.classes || ',') LIKE '%,takedown,%')
             ORDER BY a.id LIMIT ?2",
            Self::ARTICLE_COLUMNS
                .split(',')
                .map(|c| format!("a.{}", c.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let limit = limit.map_or(i64::MAX, |n| n as i64);
        let args = params![after.unwrap_or(i64::MIN), limit, taken_down];
        self.conn
            .query_map(&sql, args, |r| {
                let classes: Option<String> = r.get(Self::N + 4)?;
                let gone = classes
                    .as_deref()
                    .is_some_and(|c| c.split(',').any(|c| c.trim() == "takedown"));
                Ok(ArticleSummary {
                    article: Self::article_from(r)?,
                    revisions: r.get(Self::N)?,
                    title: r.get(Self::N + 1)?,
                    taken_down: if gone {
                        let served: String = r.get(Self::N + 5)?;
                        Some((
                            r.get(Self::N + 2)?,
                            r.get(Self::N + 3)?,
                            crate::fetch::redact(&served).into_owned(),
                        ))
                    } else {
                        None
                    },
                })
            })
            .map_err(|e| self.err(e))
    }

    /// An article added before `id` that is the same page: its URL, final
    /// URL or canonical URL is one of `urls`.
    pub fn same_article(&self, id: i64, urls: &[&str]) -> Result<Option<ArticleRow>> {
        let sql = format!(
            "SELECT {} FROM articles WHERE id < ?1
                 AND (url = ?2 OR final_url = ?2 OR canonical_url = ?2)
             ORDER BY id LIMIT 1",
            Self::ARTICLE_COLUMNS
        );
        for url in urls {
            let found = self
                .conn
                .query_row(&sql, params![id, url], Self::article_from)
                .optional()
                .map_err(|e| self.err(e))?;
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }
}

//! Tracked feeds and sitemaps: adding them, listing them, recording each read.

use super::*;

/// A tracked feed or sitemap.
#[derive(Debug, Clone)]
pub struct FeedRow {
    pub id: i64,
    /// The URL to show: credentials in it redacted (`user:***@`).
    pub url: String,
    /// The URL as tracked, credentials included: for fetching only.
    pub fetch_url: String,
    pub added_at: String,
    pub match_regex: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_checked_at: Option<String>,
    pub last_error: Option<String>,
    pub last_new_at: Option<String>,
    pub next_check_at: Option<String>,
    /// Articles it has listed.
    pub articles: i64,
    /// The pace given to the articles it brings.
    pub pace: Pace,
}

/// A feed check to record.
#[derive(Debug, Clone, Default)]
pub struct FeedCheck {
    pub checked_at: String,
    pub error: Option<String>,
    pub found_new: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_check_at: Option<String>,
}

impl Store {
    /// Adds a feed; returns it and whether it was new.
    pub fn add_feed(
        &mut self,
        url: &str,
        match_regex: Option<&str>,
        pace: &Pace,
        now: &str,
    ) -> Result<(FeedRow, bool)> {
        let created = self
            .conn
            .execute(
                "INSERT INTO feeds (url, match_regex, added_at, every_secs, until)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                params![url, match_regex, now, pace.every_secs, pace.until],
            )
            .map_err(|e| self.err(e))?
            > 0;
        let feed = self
            .feeds()?
            .into_iter()
            .find(|f| f.url == url)
            .ok_or_else(|| self.damaged(format!("feed {url} vanished after insert")))?;
        Ok((feed, created))
    }

    /// Every feed, by id, with how many articles it listed.
    pub fn feeds(&self) -> Result<Vec<FeedRow>> {
        let sql = "SELECT id, url, added_at, match_regex, etag, last_modified, last_checked_at,
                last_error, last_new_at, next_check_at,
                (SELECT count(*) FROM articles a WHERE a.feed_id = f.id), every_secs, until
            FROM feeds f ORDER BY id";
        self.conn
            .query_map(sql, params![], |r| {
                let fetch_url: String = r.get(1)?;
                Ok(FeedRow {
                    id: r.get(0)?,
                    url: redact(&fetch_url).into_owned(),
                    fetch_url,
                    added_at: r.get(2)?,
                    match_regex: r.get(3)?,
                    etag: r.get(4)?,
                    last_modified: r.get(5)?,
                    last_checked_at: r.get(6)?,
                    last_error: r.get(7)?,
                    last_new_at: r.get(8)?,
                    next_check_at: r.get(9)?,
                    articles: r.get(10)?,
                    pace: Pace {
                        every_secs: r.get(11)?,
                        until: r.get(12)?,
                    },
                })
            })
            .map_err(|e| self.err(e))
    }

    /// Records a feed check.
    pub fn record_feed_check(&mut self, feed_id: i64, c: &FeedCheck) -> Result<()> {
        self.conn
            .execute(
                "UPDATE feeds SET last_checked_at = ?2, last_error = ?3,
                     last_new_at = CASE WHEN ?4 <> 0 THEN ?2 ELSE last_new_at END,
                     etag = CASE WHEN CAST(?3 AS TEXT) IS NULL THEN coalesce(?5, etag) ELSE etag END,
                     last_modified = CASE WHEN CAST(?3 AS TEXT) IS NULL THEN coalesce(?6, last_modified) ELSE last_modified END,
                     next_check_at = ?7
                 WHERE id = ?1",
                params![
                    feed_id,
                    c.checked_at,
                    c.error,
                    c.found_new,
                    c.etag,
                    c.last_modified,
                    c.next_check_at
                ],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Marks articles as listed by a feed.
    pub fn set_feed(&mut self, article_ids: &[i64], feed_id: i64) -> Result<()> {
        let (tx, path) = self.immediate()?;
        for id in article_ids {
            tx.execute(
                "UPDATE articles SET feed_id = ?2 WHERE id = ?1 AND feed_id IS NULL",
                params![id, feed_id],
            )
            .map_err(|e| Self::err_at(&path, e))?;
        }
        tx.commit().map_err(|e| Self::err_at(&path, e))
    }
}

//! The write path of a check: a check row alone, or a revision with its
//! blobs, check row and article state, each in one `IMMEDIATE` transaction.

use super::*;

/// How a check moves an article's schedule.
#[derive(Debug, Clone)]
pub struct ScheduleUpdate {
    /// `None`: the article retires.
    pub next_check_at: Option<String>,
    pub interval_secs: i64,
    /// Set when the check found a change.
    pub changed_at: Option<String>,
}

/// A check to record.
#[derive(Debug, Clone)]
pub struct NewCheck {
    pub article_id: i64,
    pub checked_at: String,
    pub http_status: Option<u16>,
    pub outcome: Outcome,
    pub duration_ms: u64,
    pub error: Option<String>,
    /// For an alarm: the fingerprint of what was found.
    pub fingerprint: Option<String>,
    /// The article's schedule after this check.
    pub schedule: Option<ScheduleUpdate>,
    /// Validators and final URL to remember (successful fetches only).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub final_url: Option<String>,
    /// The canonical URL the page declares (normalised), when it does.
    pub canonical_url: Option<String>,
}

impl NewCheck {
    /// A check of `outcome` with nothing else known yet (no status, no
    /// validators, no error), for the caller to fill in.
    pub fn new(article_id: i64, checked_at: String, outcome: Outcome) -> NewCheck {
        NewCheck {
            article_id,
            checked_at,
            http_status: None,
            outcome,
            duration_ms: 0,
            error: None,
            fingerprint: None,
            schedule: None,
            etag: None,
            last_modified: None,
            final_url: None,
            canonical_url: None,
        }
    }
}

/// A revision to record, with its evidence.
#[derive(Debug, Clone)]
pub struct NewRevision<'a> {
    pub captured_at: String,
    pub fingerprint: String,
    pub raw: &'a [u8],
    pub article: &'a Article,
    pub final_url: String,
    pub http_status: u16,
    pub headers: &'a [(String, String)],
    /// The request headers sent for the page.
    pub request_headers: &'a [(String, String)],
    pub encoding: &'a str,
    pub revert_of: Option<i64>,
    pub diff: Option<&'a ArticleDiff>,
    /// Change classes, stored for listings and exports.
    pub classes: &'a [Class],
}

/// A diff as stored: its JSON compressed with zstd (a BLOB).
pub(super) fn pack_diff(d: &ArticleDiff) -> Vec<u8> {
    pack_json(&serde_json::to_vec(d).expect("a diff always serialises"))
}

/// A diff's JSON as stored: compressed with zstd.
pub(super) fn pack_json(json: &[u8]) -> Vec<u8> {
    zstd::bulk::compress(json, 3).expect("compressing to memory cannot fail")
}

/// Every column of a revision row, for the one place that inserts them.
pub(super) struct RevisionColumns<'a> {
    pub(super) article_id: i64,
    pub(super) rev: i64,
    pub(super) captured_at: &'a str,
    pub(super) fingerprint: &'a str,
    pub(super) raw_sha256: &'a str,
    pub(super) text_sha256: &'a str,
    pub(super) final_url: &'a str,
    pub(super) http_status: u16,
    pub(super) headers: &'a [(String, String)],
    pub(super) request_headers: Option<&'a [(String, String)]>,
    pub(super) encoding: &'a str,
    pub(super) title: Option<&'a str>,
    pub(super) revert_of: Option<i64>,
    pub(super) words_added: i64,
    pub(super) words_removed: i64,
    pub(super) diff: Option<Vec<u8>>,
    pub(super) classes: &'a [Class],
    pub(super) technical: bool,
    pub(super) reextracted_at: Option<&'a str>,
    /// The extraction rules that read the article (`extract::RULES`).
    pub(super) rules: i64,
}

/// Inserts a revision row; returns its id.
pub(super) fn insert_revision(tx: &Conn, c: &RevisionColumns<'_>) -> sql::Result<i64> {
    let json = |h: &[(String, String)]| serde_json::to_string(h).expect("headers always serialise");
    tx.query_row(
        "INSERT INTO revisions (article_id, rev, captured_at, fingerprint, raw_sha256,
             text_sha256, final_url, http_status, headers, encoding, title, revert_of,
             words_added, words_removed, diff, classes, request_headers, technical,
             reextracted_at, rules)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
             ?17, ?18, ?19, ?20)
         RETURNING id",
        params![
            c.article_id,
            c.rev,
            c.captured_at,
            c.fingerprint,
            c.raw_sha256,
            c.text_sha256,
            c.final_url,
            c.http_status,
            json(c.headers),
            c.encoding,
            c.title,
            c.revert_of,
            c.words_added,
            c.words_removed,
            c.diff,
            Class::join(c.classes, ","),
            c.request_headers.map(json),
            c.technical,
            c.reextracted_at,
            c.rules,
        ],
        |r| r.get(0),
    )
}

pub(super) fn insert_check(
    tx: &Conn,
    check: &NewCheck,
    revision_id: Option<i64>,
) -> sql::Result<()> {
    tx.execute(
        "INSERT INTO checks (article_id, checked_at, http_status, outcome, duration_ms, error,
             fingerprint, revision_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            check.article_id,
            check.checked_at,
            check.http_status,
            check.outcome.as_str(),
            check.duration_ms as i64,
            check.error,
            check.fingerprint,
            revision_id,
        ],
    )?;
    if let Some(s) = &check.schedule {
        tx.execute(
            "UPDATE articles SET next_check_at = CASE WHEN untracked <> 0 THEN NULL ELSE ?2 END,
                 interval_secs = ?3,
                 retired_at = CASE WHEN untracked <> 0 THEN retired_at
                                   WHEN CAST(?2 AS TEXT) IS NULL THEN ?4 ELSE NULL END,
                 last_change_at = coalesce(?5, last_change_at)
             WHERE id = ?1",
            params![
                check.article_id,
                s.next_check_at,
                s.interval_secs,
                check.checked_at,
                s.changed_at
            ],
        )?;
    }
    if check.outcome == Outcome::Takedown {
        // The stored validators describe the page before it went: forget them,
        // so that a page coming back is fetched in full.
        tx.execute(
            "UPDATE articles SET last_checked_at = ?2, last_error = NULL, etag = NULL,
                 last_modified = NULL
             WHERE id = ?1",
            params![check.article_id, check.checked_at],
        )?;
    } else if matches!(check.outcome, Outcome::Failed | Outcome::Alarm) {
        tx.execute(
            "UPDATE articles SET last_checked_at = ?2, last_error = ?3 WHERE id = ?1",
            params![check.article_id, check.checked_at, check.error],
        )?;
    } else {
        tx.execute(
            "UPDATE articles SET last_checked_at = ?2, last_error = NULL,
                 etag = coalesce(?3, etag), last_modified = coalesce(?4, last_modified),
                 final_url = coalesce(?5, final_url),
                 canonical_url = coalesce(?6, canonical_url)
             WHERE id = ?1",
            params![
                check.article_id,
                check.checked_at,
                check.etag,
                check.last_modified,
                check.final_url,
                check.canonical_url
            ],
        )?;
    }
    Ok(())
}

impl Store {
    /// Records a check that made no revision.
    pub fn record_check(&mut self, check: &NewCheck) -> Result<()> {
        let (tx, path) = self.immediate()?;
        insert_check(&tx, check, None).map_err(|e| Self::err_at(&path, e))?;
        tx.commit().map_err(|e| Self::err_at(&path, e))
    }

    /// Records a revision with its blobs and the check that found it, in one
    /// transaction. Returns the new revision number.
    ///
    /// When another process recorded a revision with the same fingerprint
    /// since this one was decided on, nothing is recorded but the check (as
    /// unchanged), and `None` is returned: two passes over one database never
    /// record a revision twice.
    pub fn record_revision(
        &mut self,
        rev: &NewRevision<'_>,
        check: &NewCheck,
    ) -> Result<Option<i64>> {
        let path = self.path.clone();
        let map = |e| Self::err_at(&path, e);
        let article_json = serde_json::to_vec(rev.article).expect("an Article always serialises");
        let diff = rev.diff.map(pack_diff);
        let (added, removed) = rev.diff.map_or((0, 0), |d| {
            (d.stats.words_added as i64, d.stats.words_removed as i64)
        });
        let outbox = self.outbox;
        let objects = self.objects.clone();
        let (tx, _) = self.immediate()?;
        lock_article(&tx, check.article_id).map_err(map)?;
        let latest: Option<(String, String, String)> = tx
            .query_row(
                "SELECT fingerprint, raw_sha256, text_sha256 FROM revisions
                 WHERE article_id = ?1 ORDER BY rev DESC LIMIT 1",
                [check.article_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(map)?;
        if latest.as_ref().is_some_and(|l| l.0 == rev.fingerprint) {
            let unchanged = NewCheck {
                outcome: Outcome::Unchanged,
                ..check.clone()
            };
            insert_check(&tx, &unchanged, None).map_err(map)?;
            tx.commit().map_err(map)?;
            return Ok(None);
        }
        // Stored as deltas against the previous revision's page and text.
        let (prev_raw, prev_text) = latest.map(|l| (l.1, l.2)).unzip();
        let with_objects = blobs::With {
            conn: &tx,
            objects: objects.as_deref(),
        };
        let raw_sha = blobs::put(&with_objects, rev.raw, prev_raw.as_deref())
            .map_err(|e| blob_err_at(&path, e))?;
        let text_sha = blobs::put(&*tx, &article_json, prev_text.as_deref())
            .map_err(|e| blob_err_at(&path, e))?;
        let number: i64 = tx
            .query_row(
                "SELECT coalesce(max(rev), 0) + 1 FROM revisions WHERE article_id = ?1",
                [check.article_id],
                |r| r.get(0),
            )
            .map_err(map)?;
        let revision_id = insert_revision(
            &tx,
            &RevisionColumns {
                article_id: check.article_id,
                rev: number,
                captured_at: &rev.captured_at,
                fingerprint: &rev.fingerprint,
                raw_sha256: &raw_sha,
                text_sha256: &text_sha,
                final_url: &rev.final_url,
                http_status: rev.http_status,
                headers: rev.headers,
                request_headers: Some(rev.request_headers),
                encoding: rev.encoding,
                title: rev.article.title.as_deref(),
                revert_of: rev.revert_of,
                words_added: added,
                words_removed: removed,
                diff,
                classes: rev.classes,
                technical: false,
                reextracted_at: None,
                rules: crate::extract::RULES,
            },
        )
        .map_err(map)?;
        search::index_revision(
            &tx,
            check.article_id,
            number,
            (number > 1).then_some(number - 1),
            rev.article,
        )
        .map_err(map)?;
        insert_check(&tx, check, Some(revision_id)).map_err(map)?;
        if outbox {
            tx.execute(
                "INSERT INTO outbox (revision_id, created_at) VALUES (?1, ?2)",
                params![revision_id, check.checked_at],
            )
            .map_err(map)?;
        }
        tx.commit().map_err(map)?;
        Ok(Some(number))
    }
}

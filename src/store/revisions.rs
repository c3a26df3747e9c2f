//! Reading revisions: rows, their articles, blobs and stored diffs; and
//! `rederive`, which rewrites what `reextract` derived again (never a raw page).

use super::*;

/// A stored revision (without its blobs).
#[derive(Debug, Clone)]
pub struct RevisionRow {
    pub id: i64,
    pub article_id: i64,
    pub rev: i64,
    pub captured_at: String,
    pub fingerprint: String,
    pub raw_sha256: String,
    pub text_sha256: String,
    pub final_url: String,
    pub http_status: u16,
    pub headers: Vec<(String, String)>,
    /// The request headers sent (`None` for revisions from before they were kept).
    pub request_headers: Option<Vec<(String, String)>>,
    pub encoding: String,
    pub title: Option<String>,
    pub revert_of: Option<i64>,
    pub words_added: i64,
    pub words_removed: i64,
    /// Change classes (`headline`, `substantive`, `revert`, …).
    pub classes: Vec<Class>,
    /// The stored diff against the revision before, as stored: read it with
    /// [`Store::revision_diff`] or [`Store::revision_diff_json`] (listings and
    /// checks never pay for unpacking it).
    pub diff: Option<StoredDiff>,
    /// Re-extraction found this revision equal to the one before it.
    pub technical: bool,
    pub reextracted_at: Option<String>,
}

/// Values re-derived from a revision's raw page by `reextract`.
#[derive(Debug, Clone)]
pub struct Rederived<'a> {
    pub revision_id: i64,
    pub article: &'a Article,
    /// `article` as stored (its JSON), serialised once by the caller.
    pub json: &'a [u8],
    pub fingerprint: String,
    pub revert_of: Option<i64>,
    pub diff: Option<&'a ArticleDiff>,
    pub technical: bool,
    pub classes: Vec<Class>,
    /// The extraction rules that read `article` now; `None` keeps the
    /// stored value (the page could not be read again).
    pub rules: Option<i64>,
}

/// A diff as the revision row holds it: its JSON compressed (a BLOB), or
/// plain JSON text as written by redline before diffs were compressed.
#[derive(Debug, Clone)]
pub enum StoredDiff {
    Packed(Vec<u8>),
    Json(Vec<u8>),
}

impl StoredDiff {
    pub(super) fn read(v: sql::Value<'_>) -> Option<StoredDiff> {
        match v {
            sql::Value::Blob(b) => Some(StoredDiff::Packed(b.to_vec())),
            sql::Value::Text(t) => Some(StoredDiff::Json(t.as_bytes().to_vec())),
            _ => None,
        }
    }

    /// The diff itself.
    pub(super) fn parse(&self) -> std::result::Result<ArticleDiff, String> {
        serde_json::from_str(&self.json()?).map_err(|e| e.to_string())
    }

    /// The diff's JSON.
    pub(super) fn json(&self) -> std::result::Result<String, String> {
        let bytes = match self {
            StoredDiff::Packed(b) => {
                zstd::decode_all(&b[..]).map_err(|e| format!("does not decompress: {e}"))?
            }
            StoredDiff::Json(t) => t.clone(),
        };
        String::from_utf8(bytes).map_err(|e| format!("is not UTF-8: {e}"))
    }
}

/// One check as a timeline shows it.
#[derive(Debug, Clone)]
pub struct CheckRow {
    pub checked_at: String,
    pub http_status: Option<u16>,
    /// `first`, `changed`, `unchanged`, `not_modified`, `failed`, …
    pub outcome: String,
    pub duration_ms: i64,
    pub error: Option<String>,
}

impl Store {
    pub(super) fn revision_from(r: &sql::Row<'_>) -> sql::Result<RevisionRow> {
        let json_err = |i, e: serde_json::Error| bad_text(i, e);
        let headers: String = r.get(9)?;
        Ok(RevisionRow {
            id: r.get(0)?,
            article_id: r.get(1)?,
            rev: r.get(2)?,
            captured_at: r.get(3)?,
            fingerprint: r.get(4)?,
            raw_sha256: r.get(5)?,
            text_sha256: r.get(6)?,
            final_url: redact(&r.get::<String>(7)?).into_owned(),
            http_status: r.get(8)?,
            headers: serde_json::from_str(&headers).map_err(|e| json_err(9, e))?,
            request_headers: r
                .get::<Option<String>>(19)?
                .map(|h| serde_json::from_str(&h))
                .transpose()
                .map_err(|e| json_err(19, e))?,
            encoding: r.get(10)?,
            title: r.get(11)?,
            revert_of: r.get(12)?,
            words_added: r.get(13)?,
            words_removed: r.get(14)?,
            diff: r.with(15, |v| Ok(StoredDiff::read(v)))?,
            technical: r.get(16)?,
            reextracted_at: r.get(17)?,
            classes: r
                .get::<String>(18)?
                .split(',')
                .filter(|c| !c.is_empty())
                .map(|c| {
                    Class::parse(c)
                        .ok_or_else(|| bad_text(18, format!("unknown change class {c:?}")))
                })
                .collect::<sql::Result<_>>()?,
        })
    }

    /// An article's revisions, oldest first.
    pub fn revisions(&self, article_id: i64) -> Result<Vec<RevisionRow>> {
        let sql = format!(
            "SELECT {} FROM revisions WHERE article_id = ?1 ORDER BY rev",
            Self::REVISION_COLUMNS
        );
        self.conn
            .query_map(&sql, [article_id], Self::revision_from)
            .map_err(|e| self.err(e))
    }

    /// The latest revisions across all articles, newest first: of one
    /// change class and one host when given, captured within `dates` (from,
    /// before; RFC 3339), recorded before revision id
    /// `before` (the cursor of the page before), at most `limit`.
    pub fn recent_revisions(
        &self,
        class: Option<&str>,
        host: Option<&str>,
        dates: (Option<&str>, Option<&str>),
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<RevisionRow>> {
        let sql = format!(
            "SELECT {} FROM revisions
             WHERE (CAST(?1 AS TEXT) IS NULL OR (',' || classes || ',') LIKE '%,' || ?1 || ',%')
               AND (CAST(?2 AS TEXT) IS NULL OR article_id IN (
                    SELECT id FROM articles
                    WHERE instr(url, '://' || ?2 || '/') > 0 OR instr(url, '://' || ?2 || ':') > 0))
               AND (CAST(?3 AS BIGINT) IS NULL OR id < ?3)
               AND (CAST(?5 AS TEXT) IS NULL OR captured_at >= ?5)
               AND (CAST(?6 AS TEXT) IS NULL OR captured_at < ?6)
             ORDER BY id DESC LIMIT ?4",
            Self::REVISION_COLUMNS
        );
        self.conn
            .query_map(
                &sql,
                params![class, host, before, limit as i64, dates.0, dates.1],
                Self::revision_from,
            )
            .map_err(|e| self.err(e))
    }

    /// An article's latest checks, newest first, at most `limit`.
    pub fn recent_checks(&self, article_id: i64, limit: usize) -> Result<Vec<CheckRow>> {
        let sql = "SELECT checked_at, http_status, outcome, duration_ms, error FROM checks
            WHERE article_id = ?1 ORDER BY id DESC LIMIT ?2";
        self.conn
            .query_map(sql, params![article_id, limit as i64], |r| {
                Ok(CheckRow {
                    checked_at: r.get(0)?,
                    http_status: r.get(1)?,
                    outcome: r.get(2)?,
                    duration_ms: r.get(3)?,
                    error: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))
    }

    /// One revision by number.
    pub fn revision(&self, article_id: i64, rev: i64) -> Result<Option<RevisionRow>> {
        let sql = format!(
            "SELECT {} FROM revisions WHERE article_id = ?1 AND rev = ?2",
            Self::REVISION_COLUMNS
        );
        self.conn
            .query_row(&sql, params![article_id, rev], Self::revision_from)
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The latest revision.
    pub fn latest_revision(&self, article_id: i64) -> Result<Option<RevisionRow>> {
        let sql = format!(
            "SELECT {} FROM revisions WHERE article_id = ?1 ORDER BY rev DESC LIMIT 1",
            Self::REVISION_COLUMNS
        );
        self.conn
            .query_row(&sql, [article_id], Self::revision_from)
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The newest revision with this fingerprint (for revert detection).
    pub fn revision_with_fingerprint(&self, article_id: i64, fp: &str) -> Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT rev FROM revisions WHERE article_id = ?1 AND fingerprint = ?2
                 ORDER BY rev DESC LIMIT 1",
                params![article_id, fp],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The uncompressed size of a blob.
    pub fn blob_size(&self, sha256: &str) -> Result<u64> {
        self.conn
            .query_row("SELECT size FROM blobs WHERE sha256 = ?1", [sha256], |r| {
                r.get::<i64>(0)
            })
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// A blob's content, decompressed and checked against its hash.
    pub fn blob(&self, sha256: &str) -> Result<Vec<u8>> {
        blobs::get(&self.blobs(&self.conn), sha256).map_err(|e| self.blob_err(e))
    }

    pub(super) fn blob_err(&self, e: blobs::BlobError) -> StoreError {
        blob_err_at(&self.path, e)
    }

    /// The diff stored with a revision (against the one before it).
    pub fn revision_diff(&self, rev: &RevisionRow) -> Result<Option<ArticleDiff>> {
        rev.diff
            .as_ref()
            .map(StoredDiff::parse)
            .transpose()
            .map_err(|e| self.damaged(format!("diff of revision {} is not readable: {e}", rev.rev)))
    }

    /// The JSON of the diff stored with a revision, exactly as stored.
    pub fn revision_diff_json(&self, rev: &RevisionRow) -> Result<Option<String>> {
        rev.diff
            .as_ref()
            .map(StoredDiff::json)
            .transpose()
            .map_err(|e| self.damaged(format!("diff of revision {}: {e}", rev.rev)))
    }

    /// The article stored with a revision.
    pub fn revision_article(&self, rev: &RevisionRow) -> Result<Article> {
        let bytes = self.blob(&rev.text_sha256)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            self.damaged(format!(
                "article of revision {} is not readable: {e}",
                rev.rev
            ))
        })
    }

    pub(super) fn damaged(&self, what: String) -> StoreError {
        StoreError::Damaged {
            path: self.path.clone(),
            what,
        }
    }

    /// Replaces the derived values of an article's revisions (text, fingerprint,
    /// diff, counts, revert and technical marks) in one transaction. The raw
    /// pages are never touched.
    pub fn rederive(&mut self, items: &[Rederived<'_>], now: &str) -> Result<()> {
        let (tx, path) = self.immediate()?;
        let map = |e| Self::err_at(&path, e);
        let article_id: Option<i64> = match items.first() {
            Some(first) => Some(
                tx.query_row(
                    "SELECT article_id FROM revisions WHERE id = ?1",
                    [first.revision_id],
                    |r| r.get(0),
                )
                .map_err(map)?,
            ),
            None => None,
        };
        if let Some(id) = article_id {
            lock_article(&tx, id).map_err(map)?;
        }
        let mut prev_text: Option<String> = None;
        for item in items {
            let text_sha = blobs::put(&*tx, item.json, prev_text.as_deref())
                .map_err(|e| blob_err_at(&path, e))?;
            prev_text = Some(text_sha.clone());
            let diff = item.diff.map(pack_diff);
            let (added, removed) = item.diff.map_or((0, 0), |d| {
                (d.stats.words_added as i64, d.stats.words_removed as i64)
            });
            tx.execute(
                "UPDATE revisions SET text_sha256 = ?2, fingerprint = ?3, title = ?4,
                     revert_of = ?5, words_added = ?6, words_removed = ?7, diff = ?8,
                     technical = ?9, reextracted_at = ?10, classes = ?11,
                     rules = coalesce(?12, rules)
                 WHERE id = ?1",
                params![
                    item.revision_id,
                    text_sha,
                    item.fingerprint,
                    item.article.title,
                    item.revert_of,
                    added,
                    removed,
                    diff,
                    item.technical,
                    now,
                    Class::join(&item.classes, ","),
                    item.rules,
                ],
            )
            .map_err(map)?;
        }
        // The texts changed: the article's search spans are built again.
        if let Some(id) = article_id {
            search::reindex_article(&tx, &path, id)?;
        }
        tx.commit().map_err(map)
    }
}

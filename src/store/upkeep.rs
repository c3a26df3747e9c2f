//! Upkeep: `verify` (integrity, blobs re-hashed, everything derivable
//! derived again), `gc` (old raw pages removed when it pays) and `vacuum`.

use super::*;
use crate::diff::derive::{Stored, audit};

/// What `verify` checked and found.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    pub blobs: usize,
    pub pruned: usize,
    pub revisions: usize,
    pub problems: Vec<String>,
}

/// Which raw pages `gc` keeps: those of an article's last `keep_last`
/// revisions, and those captured at or after `keep_since`. A page either
/// rule keeps stays.
#[derive(Debug, Clone, Default)]
pub struct GcRules {
    pub keep_last: Option<usize>,
    pub keep_since: Option<String>,
    /// Remove nothing unless the file would lose at least this share of its
    /// size (0.1: a tenth). Raw pages are evidence; they go only when that
    /// buys real space.
    pub min_saving: f64,
}

/// What `gc` did (or would do).
#[derive(Debug, Clone, Default)]
pub struct GcReport {
    /// Raw pages whose content was removed.
    pub pruned: usize,
    /// Blobs nothing used any more, deleted.
    pub orphans: usize,
    /// Compressed blob bytes before and after.
    pub bytes_before: i64,
    pub bytes_after: i64,
    /// The database's size before (pages in use and free).
    pub file_bytes: i64,
    /// Objects in the object store that no row names (left by a crash, or
    /// by pages gc removed), deleted.
    pub objects_swept: usize,
    /// The saving falls short of the rules' minimum, so nothing was removed
    /// (in a dry run: nothing would be).
    pub refused: bool,
}

impl GcReport {
    /// Bytes the file loses (after `VACUUM`), delta chains rebased included.
    pub fn saving(&self) -> i64 {
        (self.bytes_before - self.bytes_after).max(0)
    }

    /// [`GcReport::saving`] as a share of the file.
    pub fn share(&self) -> f64 {
        if self.file_bytes > 0 {
            self.saving() as f64 / self.file_bytes as f64
        } else {
            0.0
        }
    }
}

impl Store {
    /// Checks the whole database: SQLite's integrity check, foreign keys,
    /// every blob decoded and re-hashed, every stored diff readable. Returns
    /// one line per problem (empty: all is well) and what was checked.
    pub fn verify(&self) -> Result<Verified> {
        let map = |e| self.err(e);
        let mut v = Verified::default();
        // PostgreSQL keeps its pages and foreign keys whole itself.
        if !self.conn.is_postgres() {
            self.conn
                .each("PRAGMA integrity_check", params![], |r| {
                    let line: String = r.get(0)?;
                    if line != "ok" {
                        v.problems.push(format!("integrity: {line}"));
                    }
                    Ok(())
                })
                .map_err(map)?;
            self.conn
                .each("PRAGMA foreign_key_check", params![], |r| {
                    v.problems.push(format!(
                        "foreign key: a row of {} (rowid {}) points at a missing {}",
                        r.get::<String>(0)?,
                        r.get::<Option<i64>>(1)?.unwrap_or(0),
                        r.get::<String>(2)?
                    ));
                    Ok(())
                })
                .map_err(map)?;
        }
        let blob_check = blobs::verify(&self.blobs(&self.conn)).map_err(map)?;
        v.blobs = blob_check.checked;
        v.pruned = blob_check.pruned;
        for (sha, what) in blob_check.problems {
            let users = self.blob_users(&sha)?;
            v.problems.push(if sha.is_empty() {
                what
            } else if users.is_empty() {
                format!("blob {sha}: {what}")
            } else {
                format!("blob {sha} ({}): {what}", users.join(", "))
            });
        }
        self.conn
            .each(
                "SELECT r.article_id, r.rev, b.codec FROM revisions r
                 LEFT JOIN blobs b ON b.sha256 = r.text_sha256 ORDER BY r.article_id, r.rev",
                params![],
                |r| {
                    let (article, rev) = (r.get::<i64>(0)?, r.get::<i64>(1)?);
                    v.revisions += 1;
                    if r.get::<Option<String>>(2)?.as_deref() == Some("pruned") {
                        v.problems.push(format!(
                            "#{article} rev {rev}: the extracted text is missing"
                        ));
                    }
                    Ok(())
                },
            )
            .map_err(map)?;
        self.verify_derived(&mut v)?;
        self.verify_search(&mut v)?;
        Ok(v)
    }

    /// Reads every stored diff, and derives every revision's fingerprint,
    /// diff, counts, classes and revert link ([`audit`]) and the article's
    /// search spans again from the stored texts, each text read once,
    /// reporting each stored value that disagrees. An article with a text
    /// or diff that cannot be read is not audited (the damage is reported
    /// already).
    pub(super) fn verify_derived(&self, v: &mut Verified) -> Result<()> {
        let ids: Vec<i64> = {
            self.conn
                .query_map(
                    "SELECT DISTINCT article_id FROM revisions ORDER BY article_id",
                    params![],
                    |r| r.get(0),
                )
                .map_err(|e| self.err(e))?
        };
        let opts = crate::diff::DiffOptions::default();
        for id in ids {
            let rows = self.revisions(id)?;
            let mut diffs = Vec::with_capacity(rows.len());
            for r in &rows {
                match r.diff.as_ref().map(StoredDiff::parse).transpose() {
                    Ok(d) => diffs.push(d),
                    Err(e) => v.problems.push(format!(
                        "#{id} rev {}: the stored diff is not readable: {e}",
                        r.rev
                    )),
                }
            }
            // Damaged texts are reported already.
            let Ok(articles) = rows
                .iter()
                .map(|r| self.revision_article(r))
                .collect::<Result<Vec<_>>>()
            else {
                continue;
            };
            self.verify_spans(id, rows.iter().map(|r| r.rev).zip(&articles), v)?;
            if diffs.len() != rows.len() {
                continue;
            }
            let history: Vec<Stored<'_>> = rows
                .iter()
                .zip(&articles)
                .zip(&diffs)
                .map(|((r, a), d)| Stored {
                    rev: r.rev,
                    article: a,
                    fingerprint: &r.fingerprint,
                    captured_at: &r.captured_at,
                    http_status: r.http_status,
                    final_url: &r.final_url,
                    technical: r.technical,
                    diff: d.as_ref(),
                    classes: &r.classes,
                    revert_of: r.revert_of,
                    words: (r.words_added, r.words_removed),
                })
                .collect();
            let url = self.article(id)?.map(|a| a.url).unwrap_or_default();
            let audited = audit(&url, &history, crate::fingerprint::fingerprint, &opts);
            for (r, (_, found)) in rows.iter().zip(audited) {
                for what in found {
                    v.problems.push(format!("#{id} rev {}: {what}", r.rev));
                }
            }
        }
        Ok(())
    }

    /// Which revisions use a blob, as `#3 rev 2 page` / `#3 rev 2 text`.
    pub(super) fn blob_users(&self, sha: &str) -> Result<Vec<String>> {
        self.conn
            .query_map(
                "SELECT article_id, rev, raw_sha256 = ?1 FROM revisions
                 WHERE raw_sha256 = ?1 OR text_sha256 = ?1 ORDER BY article_id, rev LIMIT 5",
                [sha],
                |r| {
                    let what = if r.get::<bool>(2)? { "page" } else { "text" };
                    Ok(format!(
                        "#{} rev {} {what}",
                        r.get::<i64>(0)?,
                        r.get::<i64>(1)?
                    ))
                },
            )
            .map_err(|e| self.err(e))
    }

    /// Removes the raw pages of revisions the rules do not keep (their hash
    /// and size stay; text and diffs are never touched), and blobs nothing
    /// uses. With `dry_run`, reports what it would do and changes nothing.
    pub fn gc(&mut self, rules: &GcRules, dry_run: bool) -> Result<GcReport> {
        let objects = self.objects.clone();
        let (tx, path) = self.immediate()?;
        let map = |e| Self::err_at(&path, e);
        let stored = |tx: &Conn| -> sql::Result<i64> {
            tx.query_row(
                "SELECT coalesce(sum(length(data)), 0) FROM blobs",
                params![],
                |r| r.get(0),
            )
        };
        let before = stored(&tx).map_err(map)?;
        let size = if tx.is_postgres() {
            // The store's own tables, not the catalogues every database has.
            "SELECT CAST(sum(pg_total_relation_size(oid)) AS BIGINT) FROM pg_class
             WHERE relkind = 'r' AND relnamespace = CAST(current_schema() AS regnamespace)"
        } else {
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
        };
        let file_bytes: i64 = tx.query_row(size, params![], |r| r.get(0)).map_err(map)?;
        let keep_last = rules.keep_last.map_or(0, |n| n as i64);
        let since = rules.keep_since.as_deref().unwrap_or("9999");
        let doomed: Vec<String> = tx
            .query_map(
                "WITH ranked AS (
                     SELECT raw_sha256, captured_at,
                            row_number() OVER (PARTITION BY article_id ORDER BY rev DESC) AS age
                     FROM revisions)
                 SELECT DISTINCT r.raw_sha256 FROM ranked r JOIN blobs b ON b.sha256 = r.raw_sha256
                 WHERE b.codec != 'pruned' AND r.age > ?1 AND r.captured_at < ?2
                   AND r.raw_sha256 NOT IN (
                       SELECT raw_sha256 FROM ranked WHERE age <= ?1 OR captured_at >= ?2)
                   AND r.raw_sha256 NOT IN (SELECT text_sha256 FROM revisions)",
                params![keep_last, since],
                |r| r.get(0),
            )
            .map_err(map)?;
        for sha in &doomed {
            let with_objects = blobs::With {
                conn: &tx,
                objects: objects.as_deref(),
            };
            blobs::prune(&with_objects, sha).map_err(|e| blob_err_at(&path, e))?;
        }
        let orphans = blobs::remove_orphans(&tx).map_err(map)?;
        let after = stored(&tx).map_err(map)?;
        let mut report = GcReport {
            pruned: doomed.len(),
            orphans,
            bytes_before: before,
            bytes_after: after,
            file_bytes,
            objects_swept: 0,
            refused: false,
        };
        // Everything was removed inside the transaction, delta chains rebased
        // into full copies where a removed page was their base: the saving
        // measured here is what the file would lose.
        report.refused = report.pruned + report.orphans > 0 && report.share() < rules.min_saving;
        if dry_run || report.refused {
            tx.rollback().map_err(map)?;
        } else {
            tx.commit().map_err(map)?;
            report.objects_swept = self.sweep_objects()?;
        }
        Ok(report)
    }

    /// Deletes the objects no row names as its content: written before a
    /// row that a crash never wrote, or of pages since removed. Only after
    /// the rows are committed, so a rolled-back removal loses nothing.
    fn sweep_objects(&mut self) -> Result<usize> {
        let Some(objects) = self.objects.clone() else {
            return Ok(0);
        };
        // An hour's grace for a page another process is writing now.
        let before = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
        let stored = objects.list(before).map_err(|what| StoreError::Objects {
            path: self.path.clone(),
            what,
        })?;
        let mut swept = 0;
        for sha in stored {
            let named = self
                .conn
                .query_row(
                    "SELECT 1 FROM blobs WHERE sha256 = ?1 AND codec = 'object'",
                    [&sha],
                    |_| Ok(()),
                )
                .optional()
                .map_err(|e| self.err(e))?
                .is_some();
            if !named {
                objects.delete(&sha).map_err(|what| StoreError::Objects {
                    path: self.path.clone(),
                    what,
                })?;
                swept += 1;
            }
        }
        Ok(swept)
    }

    /// Rebuilds the database file to give freed space back to the system.
    pub fn vacuum(&mut self) -> Result<()> {
        self.conn.execute_batch("VACUUM").map_err(|e| self.err(e))
    }
}

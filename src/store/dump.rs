//! The store's rows as export wire records ([`crate::model::record`]): what
//! the JSON Lines export writes and hooks receive, read from the stored
//! bytes as they are (the article and the diff are not re-encoded); and
//! `import`, which writes checked records back in one transaction.

use serde_json::value::RawValue;

use super::*;
use crate::model::record::{ArticleRecord, RevisionRecord};

impl Store {
    /// An article's record, with its latest headline.
    pub fn article_record(a: &ArticleRow, title: Option<String>) -> ArticleRecord {
        ArticleRecord {
            id: a.id,
            url: a.url.clone(),
            added_at: a.added_at.clone(),
            selector: a.selector.clone(),
            final_url: a.final_url.clone(),
            every_secs: a.every_secs,
            until: a.until.clone(),
            retired_at: a.retired_at.clone(),
            untracked: a.untracked,
            title,
        }
    }

    /// The record of a stored revision (its raw page left out).
    pub fn revision_record(&self, url: &str, r: &RevisionRow) -> Result<RevisionRecord> {
        let text = self.blob(&r.text_sha256)?;
        let damaged = |what: String| StoreError::Damaged {
            path: self.path().to_owned(),
            what,
        };
        let article = RawValue::from_string(
            String::from_utf8(text)
                .map_err(|_| damaged(format!("article of revision {} is not UTF-8", r.rev)))?,
        )
        .map_err(|e| damaged(format!("article of revision {} is not JSON: {e}", r.rev)))?;
        let diff = self
            .revision_diff_json(r)?
            .map(RawValue::from_string)
            .transpose()
            .map_err(|e| damaged(format!("diff of revision {} is not JSON: {e}", r.rev)))?;
        Ok(RevisionRecord {
            article_id: r.article_id,
            url: url.to_owned(),
            rev: r.rev,
            captured_at: r.captured_at.clone(),
            final_url: r.final_url.clone(),
            http_status: r.http_status,
            encoding: r.encoding.clone(),
            headers: r.headers.clone(),
            request_headers: r.request_headers.clone(),
            fingerprint: r.fingerprint.clone(),
            raw_sha256: r.raw_sha256.clone(),
            raw_size: self.blob_size(&r.raw_sha256)?,
            text_sha256: r.text_sha256.clone(),
            title: r.title.clone(),
            classes: r.classes.clone(),
            revert_of: r.revert_of,
            technical: r.technical,
            reextracted_at: r.reextracted_at.clone(),
            words_added: r.words_added,
            words_removed: r.words_removed,
            article,
            diff,
            raw_base64: None,
        })
    }
}

/// An article to import (from an export).
#[derive(Debug, Clone)]
pub struct ImportArticle<'a> {
    pub id: i64,
    pub url: &'a str,
    pub added_at: &'a str,
    pub selector: Option<&'a str>,
    pub final_url: Option<&'a str>,
    pub every_secs: Option<i64>,
    pub until: Option<&'a str>,
    pub retired_at: Option<&'a str>,
    pub untracked: bool,
}

/// A revision to import. Without `raw`, only the raw page's hash and size are
/// kept (as for a page `gc` removed).
#[derive(Debug, Clone)]
pub struct ImportRevision<'a> {
    pub url: &'a str,
    pub rev: i64,
    pub captured_at: &'a str,
    pub fingerprint: &'a str,
    pub raw: Option<&'a [u8]>,
    pub raw_sha256: &'a str,
    pub raw_size: u64,
    /// The stored article JSON, exactly as exported.
    pub text: &'a [u8],
    pub text_sha256: &'a str,
    pub final_url: &'a str,
    pub http_status: u16,
    pub headers: &'a [(String, String)],
    pub request_headers: Option<&'a [(String, String)]>,
    pub encoding: &'a str,
    pub title: Option<&'a str>,
    pub revert_of: Option<i64>,
    pub words_added: i64,
    pub words_removed: i64,
    pub classes: &'a [Class],
    pub diff: Option<&'a str>,
    pub technical: bool,
    pub reextracted_at: Option<&'a str>,
}

/// What an import added.
#[derive(Debug, Clone, Default)]
pub struct ImportCounts {
    pub articles: usize,
    pub revisions: usize,
    /// Revisions that were already stored.
    pub present: usize,
}

impl Store {
    /// Restores exported articles and revisions, in one transaction. An
    /// article is matched by URL (a new one keeps its exported id when that is
    /// free); a revision already present with the same text is skipped, one
    /// present with a different text is a conflict and nothing is imported.
    pub fn import(
        &mut self,
        articles: &[ImportArticle<'_>],
        revisions: &[ImportRevision<'_>],
    ) -> Result<ImportCounts> {
        let objects = self.objects.clone();
        let (tx, path) = self.immediate()?;
        let map = |e| Self::err_at(&path, e);
        let next_id = next_article_id(&tx).map_err(map)?;
        let mut counts = ImportCounts::default();
        let mut touched = std::collections::BTreeSet::new();
        let mut ids = std::collections::HashMap::new();
        for a in articles {
            let existing: Option<i64> = tx
                .query_row("SELECT id FROM articles WHERE url = ?1", [a.url], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(map)?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let taken: bool = tx
                        .query_row(
                            "SELECT EXISTS(SELECT 1 FROM articles WHERE id = ?1)",
                            [a.id],
                            |r| r.get(0),
                        )
                        .map_err(map)?;
                    // A free id is kept; otherwise the next one is taken.
                    let id = tx
                        .query_row(
                            &format!(
                                "INSERT INTO articles (id, url, added_at, selector, final_url,
                                     every_secs, until, retired_at, untracked)
                                 VALUES (coalesce(?1, {next_id}), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                                 RETURNING id"
                            ),
                            params![
                                (!taken).then_some(a.id),
                                a.url,
                                a.added_at,
                                a.selector,
                                a.final_url,
                                a.every_secs,
                                a.until,
                                a.retired_at,
                                a.untracked
                            ],
                            |r| r.get(0),
                        )
                        .map_err(map)?;
                    counts.articles += 1;
                    id
                }
            };
            ids.insert(a.url, id);
        }
        for r in revisions {
            let Some(&article_id) = ids.get(r.url) else {
                return Err(StoreError::Conflict {
                    path: path.clone(),
                    what: format!("revision {} of {} comes before its article", r.rev, r.url),
                });
            };
            let present: Option<String> = tx
                .query_row(
                    "SELECT text_sha256 FROM revisions WHERE article_id = ?1 AND rev = ?2",
                    params![article_id, r.rev],
                    |row| row.get(0),
                )
                .optional()
                .map_err(map)?;
            match present {
                Some(sha) if sha == r.text_sha256 => {
                    counts.present += 1;
                    continue;
                }
                Some(_) => {
                    return Err(StoreError::Conflict {
                        path: path.clone(),
                        what: format!(
                            "revision {} of {} is already stored with another text",
                            r.rev, r.url
                        ),
                    });
                }
                None => {}
            }
            let prev: Option<(String, String)> = tx
                .query_row(
                    "SELECT raw_sha256, text_sha256 FROM revisions
                     WHERE article_id = ?1 AND rev < ?2 ORDER BY rev DESC LIMIT 1",
                    params![article_id, r.rev],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(map)?;
            let (prev_raw, prev_text) = prev.unzip();
            match r.raw {
                Some(raw) => {
                    blobs::put(
                        &blobs::With {
                            conn: &tx,
                            objects: objects.as_deref(),
                        },
                        raw,
                        prev_raw.as_deref(),
                    )
                    .map_err(|e| blob_err_at(&path, e))?;
                }
                None => blobs::put_absent(&tx, r.raw_sha256, r.raw_size).map_err(map)?,
            }
            let text_sha = blobs::put(&*tx, r.text, prev_text.as_deref())
                .map_err(|e| blob_err_at(&path, e))?;
            insert_revision(
                &tx,
                &RevisionColumns {
                    article_id,
                    rev: r.rev,
                    captured_at: r.captured_at,
                    fingerprint: r.fingerprint,
                    raw_sha256: r.raw_sha256,
                    text_sha256: &text_sha,
                    final_url: r.final_url,
                    http_status: r.http_status,
                    headers: r.headers,
                    request_headers: r.request_headers,
                    encoding: r.encoding,
                    title: r.title,
                    revert_of: r.revert_of,
                    words_added: r.words_added,
                    words_removed: r.words_removed,
                    diff: r.diff.map(|d| pack_json(d.as_bytes())),
                    classes: r.classes,
                    technical: r.technical,
                    reextracted_at: r.reextracted_at,
                    // Which rules read an imported article is not known.
                    rules: 1,
                },
            )
            .map_err(map)?;
            counts.revisions += 1;
            touched.insert(article_id);
        }
        // The imported texts join the search index.
        for id in touched {
            search::reindex_article(&tx, &path, id)?;
        }
        hosts::name_hosts_in(&tx).map_err(map)?;
        tx.commit().map_err(map)?;
        Ok(counts)
    }
}

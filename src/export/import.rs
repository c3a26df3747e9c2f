//! `redline import`: restores a JSON Lines export into a database. Every
//! record is checked before anything is written (the schema, each article's
//! hash against its `text_sha256`, each raw page against its `raw_sha256`),
//! and the whole file goes in one transaction: a bad file imports nothing.

use std::path::Path;

use super::ExportError;
use super::jsonl::{Record, RevisionRecord, SCHEMA};
use crate::extract::Article;
use crate::fingerprint::sha256_hex;
use crate::store::{ImportArticle, ImportCounts, ImportRevision, Store};

#[derive(serde::Deserialize)]
struct Kind<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
}

pub fn import(store: &mut Store, path: &Path) -> Result<ImportCounts, ExportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ExportError::Read {
        path: path.to_owned(),
        source,
    })?;
    let invalid = |line: usize, what: String| ExportError::Invalid {
        path: path.to_owned(),
        what: format!("line {line}: {what}"),
    };
    let mut articles = Vec::new();
    let mut revisions: Vec<(Box<RevisionRecord>, Option<Vec<u8>>)> = Vec::new();
    let mut header = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        // Read the type first: the records hold raw JSON values, which serde
        // cannot buffer through an internally tagged enum.
        let not_ours =
            |e: serde_json::Error| invalid(n, format!("not a redline export record: {e}"));
        let kind: Kind<'_> = serde_json::from_str(line).map_err(not_ours)?;
        let record = match kind.kind {
            "export" => Record::Export(serde_json::from_str(line).map_err(not_ours)?),
            "article" => Record::Article(serde_json::from_str(line).map_err(not_ours)?),
            "revision" => Record::Revision(serde_json::from_str(line).map_err(not_ours)?),
            other => return Err(invalid(n, format!("unknown record type {other:?}"))),
        };
        match record {
            Record::Export(h) => {
                if h.schema != SCHEMA {
                    return Err(invalid(
                        n,
                        format!(
                            "schema {} is not {SCHEMA}, the one this redline reads",
                            h.schema
                        ),
                    ));
                }
                header = true;
            }
            _ if !header => {
                return Err(invalid(
                    n,
                    "the file does not start with an export header".into(),
                ));
            }
            Record::Article(a) => articles.push(a),
            Record::Revision(r) => {
                let text = r.article.get().as_bytes();
                if sha256_hex(text) != r.text_sha256 {
                    return Err(invalid(
                        n,
                        format!(
                            "revision {} of {}: the article does not match text_sha256",
                            r.rev, r.url
                        ),
                    ));
                }
                serde_json::from_str::<Article>(r.article.get()).map_err(|e| {
                    invalid(
                        n,
                        format!("revision {} of {}: not an article: {e}", r.rev, r.url),
                    )
                })?;
                let raw = match &r.raw_base64 {
                    Some(b64) => {
                        let raw = data_encoding::BASE64.decode(b64.as_bytes()).map_err(|e| {
                            invalid(
                                n,
                                format!("revision {} of {}: raw_base64: {e}", r.rev, r.url),
                            )
                        })?;
                        if sha256_hex(&raw) != r.raw_sha256 {
                            return Err(invalid(
                                n,
                                format!(
                                    "revision {} of {}: the raw page does not match raw_sha256",
                                    r.rev, r.url
                                ),
                            ));
                        }
                        Some(raw)
                    }
                    None => None,
                };
                revisions.push((r, raw));
            }
        }
    }
    if !header {
        return Err(ExportError::Invalid {
            path: path.to_owned(),
            what: "empty: no export header".into(),
        });
    }
    let import_articles: Vec<ImportArticle<'_>> = articles
        .iter()
        .map(|a| ImportArticle {
            id: a.id,
            url: &a.url,
            added_at: &a.added_at,
            selector: a.selector.as_deref(),
            final_url: a.final_url.as_deref(),
            every_secs: a.every_secs,
            until: a.until.as_deref(),
            retired_at: a.retired_at.as_deref(),
        })
        .collect();
    let import_revisions: Vec<ImportRevision<'_>> = revisions
        .iter()
        .map(|(r, raw)| ImportRevision {
            url: &r.url,
            rev: r.rev,
            captured_at: &r.captured_at,
            fingerprint: &r.fingerprint,
            raw: raw.as_deref(),
            raw_sha256: &r.raw_sha256,
            raw_size: r.raw_size,
            text: r.article.get().as_bytes(),
            text_sha256: &r.text_sha256,
            final_url: &r.final_url,
            http_status: r.http_status,
            headers: &r.headers,
            request_headers: r.request_headers.as_deref(),
            encoding: &r.encoding,
            title: r.title.as_deref(),
            revert_of: r.revert_of,
            words_added: r.words_added,
            words_removed: r.words_removed,
            classes: &r.classes,
            diff: r.diff.as_ref().map(|d| d.get()),
            technical: r.technical,
            reextracted_at: r.reextracted_at.as_deref(),
        })
        .collect();
    Ok(store.import(&import_articles, &import_revisions)?)
}

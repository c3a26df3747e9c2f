//! `redline import`: restores a JSON Lines export into a database.
//!
//! Nothing is written until the whole file has passed every check, and then
//! it goes in one transaction: a bad file imports nothing. The checks:
//! - the schema (`redline-export/2`), and the trailer on the last line: its
//!   counts and its seal over every record's values, so a file cut short
//!   (even at a line boundary), spliced or edited is refused;
//! - each article against its `text_sha256` and each raw page against its
//!   `raw_sha256`;
//! - everything that can be derived from the texts, derived again: each
//!   revision's fingerprint, stored diff, word counts, classes and revert
//!   link (the texts before a revision come from the file, or from the
//!   database for revisions it already holds); capture times must not go
//!   back within an article. A disagreement names the line and the field.
//!
//! The seal and the text hashes cover values, not bytes: a file rewritten by a
//! JSON tool that keeps every value imports as the original does.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::ExportError;
use super::jsonl::{ArticleRecord, Header, RevisionRecord, SCHEMA, Seal, Trailer};
use crate::diff::derive::{Stored, audit};
use crate::diff::{ArticleDiff, DiffOptions};
use crate::extract::Article;
use crate::fingerprint::{fingerprint, sha256_hex};
use crate::store::{ImportArticle, ImportCounts, ImportRevision, RevisionRow, Store};

/// A revision that passed the per-record checks.
struct Checked {
    line: usize,
    record: Box<RevisionRecord>,
    article: Article,
    /// The article as stored: the bytes `text_sha256` names.
    text: Vec<u8>,
    raw: Option<Vec<u8>>,
    /// The diff as stored (the derived one, once it is found equal).
    diff: Option<String>,
}

pub fn import(store: &mut Store, path: &Path) -> Result<ImportCounts, ExportError> {
    // `-`: standard input, as `export … -o - | redline --db … import -`.
    let read = if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map(|_| text)
    } else {
        std::fs::read_to_string(path)
    };
    let text = read.map_err(|source| ExportError::Read {
        path: path.to_owned(),
        source,
    })?;
    let invalid = |line: usize, what: String| ExportError::Invalid {
        path: path.to_owned(),
        what: format!("line {line}: {what}"),
    };
    let mut seal = Seal::default();
    let mut header = false;
    let mut trailer: Option<(usize, Trailer)> = None;
    let mut articles: Vec<ArticleRecord> = Vec::new();
    let mut revisions: Vec<Checked> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        if let Some((at, _)) = &trailer {
            return Err(invalid(
                n,
                format!("a record after the trailer (line {at}): the file was spliced"),
            ));
        }
        let not_ours =
            |e: serde_json::Error| invalid(n, format!("not a redline export record: {e}"));
        let value: Value = serde_json::from_str(line).map_err(not_ours)?;
        let kind = value.get("type").and_then(Value::as_str).unwrap_or("");
        match kind {
            "export" if !header => {
                let h: Header = Deserialize::deserialize(&value).map_err(not_ours)?;
                if h.schema != SCHEMA {
                    let why = if h.schema == "redline-export/1" {
                        format!(
                            "schema {} has no seal, and this redline imports only sealed files \
                             ({SCHEMA}); export again from the database it came from",
                            h.schema
                        )
                    } else {
                        format!(
                            "schema {} is not {SCHEMA}, the one this redline reads",
                            h.schema
                        )
                    };
                    return Err(invalid(n, why));
                }
                header = true;
            }
            _ if !header => {
                return Err(invalid(
                    n,
                    "the file does not start with an export header".into(),
                ));
            }
            "article" => {
                let a: ArticleRecord = Deserialize::deserialize(&value).map_err(not_ours)?;
                let web =
                    url::Url::parse(&a.url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
                if !web {
                    return Err(invalid(
                        n,
                        format!("url: {:?} is not an http or https URL", a.url),
                    ));
                }
                articles.push(a);
            }
            "revision" => {
                let record: Box<RevisionRecord> = serde_json::from_str(line).map_err(not_ours)?;
                revisions.push(check_revision(n, record).map_err(|what| invalid(n, what))?);
            }
            "trailer" => {
                trailer = Some((n, serde_json::from_value(value).map_err(not_ours)?));
                continue;
            }
            "export" => {
                return Err(invalid(
                    n,
                    "a second export header: the file was spliced".into(),
                ));
            }
            other => return Err(invalid(n, format!("unknown record type {other:?}"))),
        }
        seal.add(value);
    }
    if !header {
        return Err(ExportError::Invalid {
            path: path.to_owned(),
            what: "empty: no export header".into(),
        });
    }
    derive_again(store, &mut revisions).map_err(|(n, what)| invalid(n, what))?;
    let Some((n, trailer)) = trailer else {
        return Err(ExportError::Invalid {
            path: path.to_owned(),
            what: "the file ends without its trailer: it was cut short (or is not a whole \
                   export); nothing was imported"
                .into(),
        });
    };
    let found = seal.trailer();
    if (trailer.articles, trailer.revisions) != (found.articles, found.revisions) {
        return Err(invalid(
            n,
            format!(
                "the trailer counts {} articles and {} revisions, the file holds {} and {}: \
                 records were cut out or spliced in",
                trailer.articles, trailer.revisions, found.articles, found.revisions
            ),
        ));
    }
    if trailer.sha256 != found.sha256 {
        return Err(invalid(
            n,
            "the seal does not match the records: a value was changed after export".into(),
        ));
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
            untracked: a.untracked,
        })
        .collect();
    let import_revisions: Vec<ImportRevision<'_>> = revisions
        .iter()
        .map(|c| {
            let r = &c.record;
            ImportRevision {
                url: &r.url,
                rev: r.rev,
                captured_at: &r.captured_at,
                fingerprint: &r.fingerprint,
                raw: c.raw.as_deref(),
                raw_sha256: &r.raw_sha256,
                raw_size: r.raw_size,
                text: &c.text,
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
                diff: c.diff.as_deref(),
                technical: r.technical,
                reextracted_at: r.reextracted_at.as_deref(),
            }
        })
        .collect();
    Ok(store.import(&import_articles, &import_revisions)?)
}

/// The checks one revision record passes on its own: its article against
/// `text_sha256`, its raw page against `raw_sha256`.
fn check_revision(line: usize, record: Box<RevisionRecord>) -> Result<Checked, String> {
    let of = |what: String| format!("revision {} of {}: {what}", record.rev, record.url);
    let article: Article = serde_json::from_str(record.article.get())
        .map_err(|e| of(format!("article: not an article: {e}")))?;
    // The stored bytes are redline's own serialisation of the article; a
    // file rewritten by another JSON tool holds the same values in other
    // bytes.
    let canonical = serde_json::to_vec(&article).expect("an article always serialises");
    let text = if sha256_hex(&canonical) == record.text_sha256 {
        canonical
    } else if sha256_hex(record.article.get().as_bytes()) == record.text_sha256 {
        record.article.get().as_bytes().to_vec()
    } else {
        return Err(of("article: the article does not match text_sha256".into()));
    };
    let raw = match &record.raw_base64 {
        Some(b64) => {
            let raw = data_encoding::BASE64
                .decode(b64.as_bytes())
                .map_err(|e| of(format!("raw_base64: {e}")))?;
            if sha256_hex(&raw) != record.raw_sha256 {
                return Err(of(
                    "raw_base64: the raw page does not match raw_sha256".into()
                ));
            }
            Some(raw)
        }
        None => None,
    };
    Ok(Checked {
        line,
        record,
        article,
        text,
        raw,
        diff: None,
    })
}

/// Derives each revision's fingerprint, diff, counts, classes and revert link
/// from the texts ([`audit`]) and compares them with the record's; the texts
/// before an article's first revision in the file come from the database.
/// The first disagreement is the error, with its line.
fn derive_again(store: &Store, revisions: &mut [Checked]) -> Result<(), (usize, String)> {
    let opts = DiffOptions::default();
    // Each article's revisions, articles in the order the file gives them.
    let mut by_url: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in revisions.iter().enumerate() {
        by_url.entry(c.record.url.clone()).or_default().push(i);
    }
    let mut groups: Vec<(String, Vec<usize>)> = by_url.into_iter().collect();
    groups.sort_by_key(|(_, members)| members[0]);
    for (url, members) in groups {
        let of = |c: &Checked, what: String| {
            (
                c.line,
                format!("revision {} of {url}: {what}", c.record.rev),
            )
        };
        let first = &revisions[members[0]];
        let before = stored_before(store, &url, first.record.rev).map_err(|rev| {
            of(
                first,
                format!(
                    "revision {rev} is neither in the file nor in the database, so this \
                     revision's diff cannot be checked; import a whole history"
                ),
            )
        })?;
        let diffs: Vec<Option<ArticleDiff>> = members
            .iter()
            .map(|&i| {
                let c = &revisions[i];
                match &c.record.diff {
                    Some(d) if d.get() != "null" => serde_json::from_str(d.get())
                        .map(Some)
                        .map_err(|e| of(c, format!("diff: not a diff: {e}"))),
                    _ => Ok(None),
                }
            })
            .collect::<Result<_, _>>()?;
        let mut history: Vec<Stored<'_>> = before
            .iter()
            .map(|(row, a, d)| Stored {
                rev: row.rev,
                article: a,
                fingerprint: &row.fingerprint,
                captured_at: &row.captured_at,
                http_status: row.http_status,
                final_url: &row.final_url,
                technical: row.technical,
                diff: d.as_ref(),
                classes: &row.classes,
                revert_of: row.revert_of,
                words: (row.words_added, row.words_removed),
            })
            .collect();
        history.extend(members.iter().zip(&diffs).map(|(&i, d)| {
            let (r, article) = (&revisions[i].record, &revisions[i].article);
            Stored {
                rev: r.rev,
                article,
                fingerprint: &r.fingerprint,
                captured_at: &r.captured_at,
                http_status: r.http_status,
                final_url: &r.final_url,
                technical: r.technical,
                diff: d.as_ref(),
                classes: &r.classes,
                revert_of: r.revert_of,
                words: (r.words_added, r.words_removed),
            }
        }));
        let audited = audit(&url, &history, fingerprint, &opts);
        drop(history);
        for (&i, (derived, found)) in members.iter().zip(audited.into_iter().skip(before.len())) {
            if let Some(what) = found.into_iter().next() {
                return Err(of(&revisions[i], what));
            }
            // Stored as redline writes it, whatever tool rewrote the file
            // (and classes by today's rule, from a file written by an older
            // one).
            revisions[i].record.classes = derived.classes.clone();
            revisions[i].diff = derived
                .diff
                .as_ref()
                .map(|d| serde_json::to_string(d).expect("a diff always serialises"));
        }
    }
    Ok(())
}

/// The revisions of the article at `url` in the database before `first`,
/// with their texts and diffs; `Err(rev)` names the first one missing.
fn stored_before(
    store: &Store,
    url: &str,
    first: i64,
) -> Result<Vec<(RevisionRow, Article, Option<ArticleDiff>)>, i64> {
    if first <= 1 {
        return Ok(Vec::new());
    }
    let rows = store
        .article_by_url(url)
        .ok()
        .flatten()
        .and_then(|a| store.revisions(a.id).ok())
        .unwrap_or_default();
    (1..first)
        .map(|rev| {
            let row = rows.iter().find(|r| r.rev == rev).ok_or(rev)?;
            let article = store.revision_article(row).map_err(|_| rev)?;
            let diff = store.revision_diff(row).map_err(|_| rev)?;
            Ok((row.clone(), article, diff))
        })
        .collect()
}

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

use serde_json::Value;

use super::ExportError;
use super::jsonl::{ArticleRecord, Header, RevisionRecord, SCHEMA, Seal, Trailer};
use crate::diff::derive::{Text, derive, disagreements};
use crate::diff::{ArticleDiff, DiffOptions};
use crate::extract::Article;
use crate::fingerprint::{fingerprint, sha256_hex};
use crate::store::{ImportArticle, ImportCounts, ImportRevision, Store};

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
    let text = std::fs::read_to_string(path).map_err(|source| ExportError::Read {
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
                let h: Header = serde_json::from_value(value.clone()).map_err(not_ours)?;
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
                let a: ArticleRecord = serde_json::from_value(value.clone()).map_err(not_ours)?;
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
/// from the texts and compares them with the record's. Errors carry the line.
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
        let first = &revisions[members[0]];
        let of = |c: &Checked, what: String| {
            (
                c.line,
                format!("revision {} of {url}: {what}", c.record.rev),
            )
        };
        // The revisions before the first in the file must be in the database.
        let mut before: Vec<(i64, Article, u16, bool)> = Vec::new();
        if first.record.rev > 1 {
            let stored = store
                .article_by_url(&url)
                .ok()
                .flatten()
                .map(|a| store.revisions(a.id).unwrap_or_default())
                .unwrap_or_default();
            for rev in 1..first.record.rev {
                let row = stored.iter().find(|r| r.rev == rev);
                let article = row.and_then(|r| store.revision_article(r).ok());
                match (row, article) {
                    (Some(row), Some(a)) => before.push((rev, a, row.http_status, row.technical)),
                    _ => {
                        return Err(of(
                            first,
                            format!(
                                "revision {rev} is neither in the file nor in the database, so \
                                 this revision's diff cannot be checked; import a whole history"
                            ),
                        ));
                    }
                }
            }
        }
        let fingerprints: Vec<String> = before
            .iter()
            .map(|(_, a, ..)| fingerprint(a))
            .chain(members.iter().map(|&i| fingerprint(&revisions[i].article)))
            .collect();
        let mut texts: Vec<Text<'_>> = before
            .iter()
            .zip(&fingerprints)
            .map(|((rev, a, status, technical), fp)| Text {
                rev: *rev,
                article: a,
                fingerprint: fp,
                gone: matches!(status, 404 | 410),
                technical: *technical,
            })
            .collect();
        for (k, &i) in members.iter().enumerate() {
            let c = &revisions[i];
            texts.push(Text {
                rev: c.record.rev,
                article: &c.article,
                fingerprint: &fingerprints[before.len() + k],
                gone: matches!(c.record.http_status, 404 | 410),
                technical: c.record.technical,
            });
        }
        let mut diffs: Vec<(usize, Option<String>)> = Vec::new();
        for (k, &i) in members.iter().enumerate() {
            let c = &revisions[i];
            let at = before.len() + k;
            let expected_rev = at as i64 + 1;
            if c.record.rev != expected_rev {
                return Err(of(
                    c,
                    format!(
                        "rev: expected revision {expected_rev} here (revisions go 1, 2, 3, … within an article)"
                    ),
                ));
            }
            if k > 0 {
                let prev = &revisions[members[k - 1]];
                if prev.record.captured_at > c.record.captured_at {
                    return Err(of(
                        c,
                        format!(
                            "captured_at: {} is earlier than revision {}'s ({})",
                            c.record.captured_at, prev.record.rev, prev.record.captured_at
                        ),
                    ));
                }
            }
            if fingerprints[at] != c.record.fingerprint {
                return Err(of(
                    c,
                    format!(
                        "fingerprint: {} is not the text's ({})",
                        c.record.fingerprint, fingerprints[at]
                    ),
                ));
            }
            let stored: Option<ArticleDiff> = match &c.record.diff {
                None => None,
                Some(d) if d.get() == "null" => None,
                Some(d) => Some(
                    serde_json::from_str(d.get())
                        .map_err(|e| of(c, format!("diff: not a diff: {e}")))?,
                ),
            };
            let derived = derive(&texts, at, &opts);
            let r = &c.record;
            if let Some(what) = disagreements(
                &derived,
                stored.as_ref(),
                &r.classes,
                r.revert_of,
                (r.words_added, r.words_removed),
            )
            .into_iter()
            .next()
            {
                return Err(of(c, what));
            }
            let diff = derived
                .diff
                .as_ref()
                .map(|d| serde_json::to_string(d).expect("a diff always serialises"));
            diffs.push((i, diff));
        }
        for (i, diff) in diffs {
            revisions[i].diff = diff;
        }
    }
    Ok(())
}

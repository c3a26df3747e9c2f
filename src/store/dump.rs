//! The store's rows as export wire records ([`crate::model::record`]): what
//! the JSON Lines export writes and hooks receive, read from the stored
//! bytes as they are (the article and the diff are not re-encoded).

use serde_json::value::RawValue;

use super::{ArticleRow, Result, RevisionRow, Store, StoreError};
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

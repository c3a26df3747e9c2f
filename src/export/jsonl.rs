//! JSON Lines: the complete history, one record per line, readable back by
//! `redline import`.
//!
//! Schema `redline-export/2` (fields are only ever added within a version):
//!
//! - the first line: `{"type":"export","schema":"redline-export/2","generator":"redline X.Y.Z"}`
//! - one `{"type":"article", …}` per article: `id`, `url`, `added_at`,
//!   `selector`, `final_url`, `every_secs`, `until`, `retired_at`,
//!   `untracked` (only when true: stopped by `untrack`), `title`
//!   (latest headline);
//! - after each article, its revisions oldest first, `{"type":"revision", …}`:
//!   `article_id`, `url`, `rev`, `captured_at`, `final_url`, `http_status`,
//!   `encoding`, `headers` and `request_headers` (`[[name, value], …]`),
//!   `fingerprint`, `raw_sha256`, `raw_size`, `text_sha256` (SHA-256 of the
//!   `article` object exactly as written), `title`, `classes`, `revert_of`,
//!   `technical`, `reextracted_at`, `words_added`, `words_removed`, `article`
//!   (every extracted field: title, byline, bylines, published, modified,
//!   lead, body paragraphs, corrections, canonical_url, language, site_name,
//!   section, next_page, live_blog), `diff` (the stored diff against the
//!   revision before, as `redline diff --view json` shows its body, or null),
//!   and with `--with-raw`, `raw_base64`: the page as served.
//! - the last line, the seal: `{"type":"trailer","articles":N,"revisions":M,
//!   "sha256":"…"}`, where `sha256` is the SHA-256 of every record before it
//!   (the header included) in canonical form: its values as JSON with object
//!   keys sorted, no spaces, one record per line, each line ending in `\n`.
//!   The seal covers the values, not the file's bytes, so a file passed
//!   through a JSON tool that keeps every value (`jq -c .`, Python's `json`)
//!   still imports; a file cut short, spliced or edited does not.
//!
//! The article's `published` and `modified` are as the page wrote them:
//! RFC 3339 with the publisher's offset, a bare day (`2016-12-23`), or a local
//! time without a zone; revisions recorded by redline before this rule hold
//! UTC (`…Z`) until read again (`reextract`, or the first check that finds
//! only the reading changed). Both forms are within schema 2.
//!
//! `text_sha256` is likewise the hash of the article's values as redline
//! serialises them (the stored bytes). Schema 1 had no seal; `import` reads
//! only schema 2.
//!
//! The `article` and `diff` values are the stored bytes, not re-encoded: an
//! export, imported and exported again, is byte-for-byte the same.

use std::io::Write;
use std::path::Path;

use super::{ExportError, Options, Report, Selected};
pub use crate::model::record::{ArticleRecord, Header, Record, RevisionRecord, SCHEMA, Trailer};
use crate::store::{Store, StoreError};

/// Seals records as they are written or read: see the module's doc.
#[derive(Default)]
pub struct Seal {
    hasher: sha2::Sha256,
    articles: usize,
    revisions: usize,
}

impl Seal {
    /// Adds one record, given as its parsed JSON value.
    pub fn add(&mut self, mut value: serde_json::Value) {
        use sha2::Digest;
        match value.get("type").and_then(|t| t.as_str()) {
            Some("article") => self.articles += 1,
            Some("revision") => self.revisions += 1,
            _ => {}
        }
        value.sort_all_objects();
        self.hasher.update(value.to_string().as_bytes());
        self.hasher.update(b"\n");
    }

    /// The trailer for the records added so far.
    pub fn trailer(&self) -> Trailer {
        use sha2::Digest;
        Trailer {
            articles: self.articles,
            revisions: self.revisions,
            sha256: data_encoding::HEXLOWER.encode(&self.hasher.clone().finalize()),
        }
    }
}

/// The first line of every export.
pub fn header() -> Header {
    Header {
        schema: SCHEMA.to_owned(),
        generator: format!("redline {}", env!("CARGO_PKG_VERSION")),
    }
}

fn line(w: &mut dyn Write, seal: &mut Seal, record: &Record) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, record)?;
    w.write_all(b"\n")?;
    if !matches!(record, Record::Trailer(_)) {
        seal.add(serde_json::to_value(record)?);
    }
    Ok(())
}

pub fn export(
    store: &Store,
    selected: &[Selected],
    path: &Path,
    options: &Options,
) -> Result<Report, ExportError> {
    let mut w = super::create(path)?;
    let mut seal = Seal::default();
    let seal = &mut seal;
    line(&mut w, seal, &Record::Export(header())).map_err(ExportError::write(path))?;
    for s in selected {
        let title = s.revisions.last().and_then(|r| r.title.clone());
        let record = Record::Article(Store::article_record(&s.article, title));
        line(&mut w, seal, &record).map_err(ExportError::write(path))?;
        for r in &s.revisions {
            let mut record = store.revision_record(&s.article.url, r)?;
            if options.with_raw {
                match store.blob(&r.raw_sha256) {
                    Ok(raw) => record.raw_base64 = Some(data_encoding::BASE64.encode(&raw)),
                    Err(StoreError::Pruned { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            line(&mut w, seal, &Record::Revision(Box::new(record)))
                .map_err(ExportError::write(path))?;
        }
    }
    let trailer = Record::Trailer(seal.trailer());
    line(&mut w, seal, &trailer).map_err(ExportError::write(path))?;
    w.flush().map_err(ExportError::write(path))?;
    Ok(Report::of(selected))
}

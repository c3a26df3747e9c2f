//! WARC 1.1 (ISO 28500): for every revision, the request redline sent and the
//! response as received (status line, headers, body byte for byte), and a
//! metadata record tying them to the article and revision. Each record is
//! its own gzip member (`.warc.gz`), with `WARC-Block-Digest` and, on
//! responses, `WARC-Payload-Digest` (SHA-256, base32).
//!
//! The body is kept as received after transfer decoding: a
//! `Transfer-Encoding` header is renamed `X-Redline-Orig-Transfer-Encoding`
//! and a `Content-Length` for the stored body given, so that WARC readers
//! parse the record as it is. Revisions whose raw page `gc` removed are left
//! out (and counted).

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use super::{ExportError, Report, Selected};
use crate::store::{RevisionRow, Store, StoreError};

fn digest(bytes: &[u8]) -> String {
    format!(
        "sha256:{}",
        data_encoding::BASE32.encode(&Sha256::digest(bytes))
    )
}

/// A record id derived from what the record is, so that exporting the same
/// revision twice gives the same id.
fn record_id(parts: &[&str]) -> String {
    let h = Sha256::digest(parts.join("\n").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x80; // version 8: custom
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex = data_encoding::HEXLOWER.encode(&b);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

struct Record<'a> {
    kind: &'a str,
    id: String,
    date: &'a str,
    target: Option<&'a str>,
    content_type: &'a str,
    extra: Vec<(&'a str, String)>,
    block: Vec<u8>,
}

impl Record<'_> {
    fn write_gz(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut head = format!(
            "WARC/1.1\r\nWARC-Type: {}\r\nWARC-Record-ID: {}\r\nWARC-Date: {}\r\n",
            self.kind, self.id, self.date
        );
        if let Some(t) = self.target {
            head.push_str(&format!("WARC-Target-URI: {t}\r\n"));
        }
        for (name, value) in &self.extra {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Type: {}\r\nWARC-Block-Digest: {}\r\nContent-Length: {}\r\n\r\n",
            self.content_type,
            digest(&self.block),
            self.block.len()
        ));
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(head.as_bytes())?;
        gz.write_all(&self.block)?;
        gz.write_all(b"\r\n\r\n")?;
        w.write_all(&gz.finish()?)
    }
}

/// The HTTP request line and headers for `url`.
fn request_block(url: &str, headers: Option<&[(String, String)]>) -> Vec<u8> {
    use url::Position;
    let parsed = url::Url::parse(url).ok();
    let (target, host) = parsed.as_ref().map_or(("/", ""), |u| {
        (
            &u[Position::BeforePath..Position::AfterQuery],
            &u[Position::BeforeHost..Position::AfterPort],
        )
    });
    let mut out = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n");
    for (name, value) in headers.unwrap_or_default() {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// The HTTP response as received: status line, headers, body.
fn response_block(r: &RevisionRow, body: &[u8]) -> Vec<u8> {
    let reason = reqwest::StatusCode::from_u16(r.http_status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", r.http_status);
    let mut has_length = false;
    for (name, value) in &r.headers {
        let lower = name.to_ascii_lowercase();
        if lower == "transfer-encoding" {
            head.push_str(&format!("X-Redline-Orig-Transfer-Encoding: {value}\r\n"));
            continue;
        }
        if lower == "content-length" {
            if value.trim().parse::<usize>().ok() != Some(body.len()) {
                head.push_str(&format!("X-Redline-Orig-Content-Length: {value}\r\n"));
                continue;
            }
            has_length = true;
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !has_length {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

pub fn export(store: &Store, selected: &[Selected], path: &Path) -> Result<Report, ExportError> {
    let mut report = Report::of(selected);
    let mut out = super::create(path)?;
    let latest = selected
        .iter()
        .flat_map(|s| s.revisions.iter().map(|r| r.captured_at.as_str()))
        .max()
        .unwrap_or("1970-01-01T00:00:00Z")
        .to_owned();
    let filename = path.file_name().map_or("redline.warc.gz".into(), |f| {
        f.to_string_lossy().into_owned()
    });
    let info = format!(
        "software: redline/{}\r\nformat: WARC File Format 1.1\r\n\
         conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n\
         description: revisions of tracked news articles, each page as fetched\r\n",
        env!("CARGO_PKG_VERSION")
    );
    Record {
        kind: "warcinfo",
        id: record_id(&["warcinfo", &filename, &latest]),
        date: &latest,
        target: None,
        content_type: "application/warc-fields",
        extra: vec![("WARC-Filename", filename.clone())],
        block: info.into_bytes(),
    }
    .write_gz(&mut out)
    .map_err(ExportError::write(path))?;
    for s in selected {
        for r in &s.revisions {
            let body = match store.blob(&r.raw_sha256) {
                Ok(b) => b,
                Err(StoreError::Pruned { .. }) => {
                    report.pruned += 1;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let rev = r.rev.to_string();
            let response_id = record_id(&["response", &s.article.url, &rev]);
            let request_id = record_id(&["request", &s.article.url, &rev]);
            let target = r.final_url.as_str();
            let records = [
                Record {
                    kind: "request",
                    id: request_id,
                    date: &r.captured_at,
                    target: Some(target),
                    content_type: "application/http;msgtype=request",
                    extra: vec![("WARC-Concurrent-To", response_id.clone())],
                    block: request_block(target, r.request_headers.as_deref()),
                },
                Record {
                    kind: "response",
                    id: response_id.clone(),
                    date: &r.captured_at,
                    target: Some(target),
                    content_type: "application/http;msgtype=response",
                    extra: vec![("WARC-Payload-Digest", digest(&body))],
                    block: response_block(r, &body),
                },
                Record {
                    kind: "metadata",
                    id: record_id(&["metadata", &s.article.url, &rev]),
                    date: &r.captured_at,
                    target: Some(target),
                    content_type: "application/json",
                    extra: vec![("WARC-Refers-To", response_id.clone())],
                    block: metadata(&s.article.url, r),
                },
            ];
            for record in &records {
                record
                    .write_gz(&mut out)
                    .map_err(ExportError::write(path))?;
            }
        }
    }
    out.flush().map_err(ExportError::write(path))?;
    Ok(report)
}

fn metadata(url: &str, r: &RevisionRow) -> Vec<u8> {
    let value = serde_json::json!({
        "type": "revision",
        "generator": format!("redline {}", env!("CARGO_PKG_VERSION")),
        "article_url": url,
        "rev": r.rev,
        "captured_at": r.captured_at,
        "title": r.title,
        "classes": r.classes,
        "words_added": r.words_added,
        "words_removed": r.words_removed,
        "revert_of": r.revert_of,
        "raw_sha256": r.raw_sha256,
        "text_sha256": r.text_sha256,
        "encoding": r.encoding,
        "request_headers": if r.request_headers.is_some() {
            "as set by redline; the HTTP library adds Host and Accept-Encoding"
        } else {
            "not kept for this revision: the request line and Host only"
        },
    });
    serde_json::to_vec_pretty(&value).expect("JSON always serialises")
}

//! The export wire records, schema `redline-export/2` (documented in
//! `export/jsonl.rs`): plain data that serde writes and reads, one per line.
//!
//! No logic and no store: the store fills them (`store::dump`), the JSON
//! Lines export writes them, import and hooks read them.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub const SCHEMA: &str = "redline-export/2";

/// One line of the file.
/// (Written with serde; `import` reads each kind on its own, since serde
/// cannot buffer the raw JSON values through an internally tagged enum.)
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Export(Header),
    Article(ArticleRecord),
    Revision(Box<RevisionRecord>),
    Trailer(Trailer),
}

/// The last line: how many records came before it, and their seal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trailer {
    pub articles: usize,
    pub revisions: usize,
    pub sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Header {
    pub schema: String,
    pub generator: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ArticleRecord {
    pub id: i64,
    pub url: String,
    pub added_at: String,
    pub selector: Option<String>,
    pub final_url: Option<String>,
    pub every_secs: Option<i64>,
    pub until: Option<String>,
    pub retired_at: Option<String>,
    /// Stopped by `untrack` (written only when true; older exports lack it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub untracked: bool,
    pub title: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RevisionRecord {
    pub article_id: i64,
    pub url: String,
    pub rev: i64,
    pub captured_at: String,
    pub final_url: String,
    pub http_status: u16,
    pub encoding: String,
    pub headers: Vec<(String, String)>,
    pub request_headers: Option<Vec<(String, String)>>,
    pub fingerprint: String,
    pub raw_sha256: String,
    pub raw_size: u64,
    pub text_sha256: String,
    pub title: Option<String>,
    pub classes: Vec<crate::diff::Class>,
    pub revert_of: Option<i64>,
    pub technical: bool,
    pub reextracted_at: Option<String>,
    pub words_added: i64,
    pub words_removed: i64,
    pub article: Box<RawValue>,
    pub diff: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_base64: Option<String>,
}

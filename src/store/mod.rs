//! The SQLite store: articles, checks, revisions and content-addressed blobs.
//!
//! The only place SQL lives. [`Store::open`] sets WAL, `synchronous=NORMAL`,
//! foreign keys and a busy timeout, then applies the numbered migrations in
//! `migrations/` tracked by `PRAGMA user_version`. Recording a revision (blobs,
//! revision row, check row, article state) is one `IMMEDIATE` transaction.
//! Raw pages are immutable evidence; everything else can be re-derived.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use thiserror::Error;

use crate::diff::ArticleDiff;
use crate::extract::Article;
use crate::fetch::redact;

pub mod blobs;
mod dump;

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_deltas_hooks.sql"),
];

/// Why the store failed. Every variant names the database file.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot create the database or its folder {}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the database {}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{} is not a redline database (or it is corrupt)", path.display())]
    NotADatabase { path: PathBuf },
    #[error("{} was written by a newer redline (schema {found}, this one knows {known})", path.display())]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("database {} is read-only, and this command writes to it", path.display())]
    ReadOnly { path: PathBuf },
    #[error("database {} needs its schema upgraded ({found} to {known}), which a read-only file cannot take", path.display())]
    TooOld {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("database {} has a write-ahead log that cannot be read without write access to its folder", path.display())]
    UnreadableLog { path: PathBuf },
    #[error("database {}", path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the disk holding {} is full: nothing of this write was kept", path.display())]
    DiskFull { path: PathBuf },
    #[error("stored data in {} is damaged: {what}", path.display())]
    Damaged { path: PathBuf, what: String },
    #[error("the content of blob {sha256} in {} was removed by `redline gc`", path.display())]
    Pruned { path: PathBuf, sha256: String },
    #[error("{what} (in {})", path.display())]
    Conflict { path: PathBuf, what: String },
}

impl StoreError {
    /// One line saying what the user can do, when there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            StoreError::CreateDir { .. } | StoreError::Open { .. } => {
                Some("choose a writable place with --db PATH or REDLINE_DB")
            }
            StoreError::ReadOnly { .. } => Some(
                "list, log, show, diff, blame, status, export and verify read it as it is; to write, copy it somewhere writable",
            ),
            StoreError::TooOld { .. } | StoreError::UnreadableLog { .. } => {
                Some("copy the database (with its -wal file) somewhere writable and read the copy")
            }
            StoreError::NotADatabase { .. } => {
                Some("point --db at another file; this one was left untouched")
            }
            StoreError::Damaged { .. } => {
                Some("run `redline verify` to list everything damaged; nothing was changed")
            }
            StoreError::Pruned { .. } => Some(
                "gc keeps the raw pages its retention rules name; the text and diffs are all kept",
            ),
            StoreError::TooNew { .. } => Some("upgrade redline to read this database"),
            StoreError::DiskFull { .. } => {
                Some("free some space (or run `redline gc`) and run the command again")
            }
            StoreError::Conflict { .. } => {
                Some("nothing was imported; import into another database with --db")
            }
            _ => None,
        }
    }
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A tracked article's row.
#[derive(Debug, Clone)]
pub struct ArticleRow {
    pub id: i64,
    /// The URL to show: credentials in it redacted (`user:***@`).
    pub url: String,
    /// The URL as tracked, credentials included: for fetching only, never
    /// to be shown or exported.
    pub fetch_url: String,
    pub added_at: String,
    pub selector: Option<String>,
    pub final_url: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_checked_at: Option<String>,
    pub last_error: Option<String>,
    pub next_check_at: Option<String>,
    pub interval_secs: i64,
    pub every_secs: Option<i64>,
    pub until: Option<String>,
    pub last_change_at: Option<String>,
    pub retired_at: Option<String>,
    /// The canonical URL the page declared at the last successful check.
    pub canonical_url: Option<String>,
}

/// How a check moves an article's schedule.
#[derive(Debug, Clone)]
pub struct ScheduleUpdate {
    /// `None`: the article retires.
    pub next_check_at: Option<String>,
    pub interval_secs: i64,
    /// Set when the check found a change.
    pub changed_at: Option<String>,
}

/// How a new article is paced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pace {
    pub every_secs: Option<i64>,
    pub until: Option<String>,
}

/// A tracked feed or sitemap.
#[derive(Debug, Clone)]
pub struct FeedRow {
    pub id: i64,
    /// The URL to show: credentials in it redacted (`user:***@`).
    pub url: String,
    /// The URL as tracked, credentials included: for fetching only.
    pub fetch_url: String,
    pub added_at: String,
    pub match_regex: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_checked_at: Option<String>,
    pub last_error: Option<String>,
    pub last_new_at: Option<String>,
    pub next_check_at: Option<String>,
    /// Articles it has listed.
    pub articles: i64,
    /// The pace given to the articles it brings.
    pub pace: Pace,
}

/// A feed check to record.
#[derive(Debug, Clone, Default)]
pub struct FeedCheck {
    pub checked_at: String,
    pub error: Option<String>,
    pub found_new: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_check_at: Option<String>,
}

/// An article with what `list` shows of it.
#[derive(Debug, Clone)]
pub struct ArticleSummary {
    pub article: ArticleRow,
    pub revisions: i64,
    pub title: Option<String>,
}

/// An article whose latest checks failed or raised an extraction alarm.
#[derive(Debug, Clone)]
pub struct Problem {
    pub article: ArticleRow,
    /// `failed` or `alarm`.
    pub outcome: String,
    /// When the current run of failed or alarmed checks began.
    pub since: String,
    /// How many checks in a row.
    pub checks: i64,
}

/// Totals for `status`.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub articles: i64,
    pub revisions: i64,
    pub checks: i64,
    pub last_checked_at: Option<String>,
}

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
    pub classes: Vec<String>,
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
    pub fingerprint: String,
    pub revert_of: Option<i64>,
    pub diff: Option<&'a ArticleDiff>,
    pub technical: bool,
    pub classes: Vec<String>,
}

pub use crate::model::check::Outcome;

/// A check to record.
#[derive(Debug, Clone)]
pub struct NewCheck {
    pub article_id: i64,
    pub checked_at: String,
    pub http_status: Option<u16>,
    pub outcome: Outcome,
    pub duration_ms: u64,
    pub error: Option<String>,
    /// For an alarm: the fingerprint of what was found.
    pub fingerprint: Option<String>,
    /// The article's schedule after this check.
    pub schedule: Option<ScheduleUpdate>,
    /// Validators and final URL to remember (successful fetches only).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub final_url: Option<String>,
    /// The canonical URL the page declares (normalised), when it does.
    pub canonical_url: Option<String>,
}

/// A revision to record, with its evidence.
#[derive(Debug, Clone)]
pub struct NewRevision<'a> {
    pub captured_at: String,
    pub fingerprint: String,
    pub raw: &'a [u8],
    pub article: &'a Article,
    pub final_url: String,
    pub http_status: u16,
    pub headers: &'a [(String, String)],
    /// The request headers sent for the page.
    pub request_headers: &'a [(String, String)],
    pub encoding: &'a str,
    pub revert_of: Option<i64>,
    pub diff: Option<&'a ArticleDiff>,
    /// Change classes, stored for listings and exports.
    pub classes: &'a [String],
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
    pub classes: &'a [String],
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
    /// Nothing was removed: the saving fell short of the rules' minimum.
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

/// A pass over articles: when it started, how long it took, what it found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PassRow {
    pub started_at: String,
    pub duration_ms: i64,
    pub articles: i64,
    pub changed: i64,
    pub failed: i64,
}

/// A notification that failed after its retries.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FailedDelivery {
    pub hook: String,
    pub attempted_at: String,
    pub attempts: u32,
    pub error: Option<String>,
    pub article_id: i64,
    pub rev: i64,
}

/// An open redline database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// The one mapping of SQLite's errors to the store's: the kinds a user can
/// act on get their own variant (and hint).
fn sql_err(path: &Path, source: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    let path = path.to_owned();
    match source.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged {
            path,
            what: source.to_string(),
        },
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::CannotOpen) => StoreError::ReadOnly { path },
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
        // SQLite reports a full disk met while growing its shared memory or
        // log as an I/O error: ask the disk.
        Some(ErrorCode::SystemIoFailure) if disk_full(&path) => StoreError::DiskFull { path },
        _ => StoreError::Sqlite { path, source },
    }
}

/// Whether the disk holding `path` has no room left: a small probe file
/// beside it cannot be written (and is removed again).
fn disk_full(path: &Path) -> bool {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let probe = dir.join(format!(".redline-space-probe-{}", std::process::id()));
    let Ok(mut file) = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    else {
        // Not even a directory entry fits (or the folder is not writable).
        return std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::StorageFull);
    };
    let full = file
        .write_all(&[0; 64 * 1024])
        .and_then(|()| file.sync_all())
        .is_err_and(|e| e.kind() == std::io::ErrorKind::StorageFull);
    drop(file);
    let _ = std::fs::remove_file(&probe);
    full
}

/// Creates a folder and its missing parents, readable by their owner only.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// A write-ahead log beside the database that holds pages not yet copied
/// into it.
fn wal_holds_data(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).is_ok_and(|m| m.len() > 0)
}

impl Store {
    /// Opens (creating if needed, with its folder) and migrates the database.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.exists()
        {
            private_dir(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_owned(),
                source,
            })?;
        }
        // A new database is readable by its owner only (SQLite gives its
        // -wal and -shm files the same mode).
        if !path.exists() {
            let mut file = std::fs::OpenOptions::new();
            file.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
            match file.open(path) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(source) => {
                    return Err(StoreError::CreateDir {
                        path: path.to_owned(),
                        source,
                    });
                }
            }
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing database for reading only: nothing in it or beside
    /// it is written, so an evidence copy on a write-protected volume can be
    /// read. Where SQLite cannot even create its shared-memory file the file
    /// is opened as immutable (when no write-ahead log holds data it would
    /// miss).
    pub fn open_read_only(path: &Path) -> Result<Self> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let open = |name: &str| -> Result<Store> {
            let conn =
                Connection::open_with_flags(name, flags).map_err(|source| StoreError::Open {
                    path: path.to_owned(),
                    source,
                })?;
            let store = Store {
                conn,
                path: path.to_owned(),
            };
            store
                .conn
                .busy_timeout(Duration::from_secs(30))
                .and_then(|()| store.conn.execute_batch("PRAGMA foreign_keys = ON;"))
                .map_err(|e| store.err(e))?;
            Ok(store)
        };
        let uri = |query: &str| {
            let mut url = url::Url::from_file_path(
                std::path::absolute(path).unwrap_or_else(|_| path.to_owned()),
            )
            .map(|u| u.to_string())
            .unwrap_or_else(|()| format!("file:{}", path.display()));
            url.push_str(query);
            url
        };
        let store = open(&uri(""))?;
        let store = match store.schema_version() {
            Err(StoreError::ReadOnly { .. })
            | Err(StoreError::Open { .. })
            | Err(StoreError::Sqlite { .. })
                if !wal_holds_data(path) =>
            {
                open(&uri("?immutable=1"))?
            }
            Err(StoreError::ReadOnly { .. }) | Err(StoreError::Open { .. }) => {
                return Err(StoreError::UnreadableLog {
                    path: path.to_owned(),
                });
            }
            Err(e) => return Err(e),
            Ok(_) => store,
        };
        let found = store.schema_version()?;
        let known = MIGRATIONS.len() as i64;
        match found.cmp(&known) {
            std::cmp::Ordering::Greater => Err(StoreError::TooNew {
                path: path.to_owned(),
                found,
                known,
            }),
            std::cmp::Ordering::Less => Err(StoreError::TooOld {
                path: path.to_owned(),
                found,
                known,
            }),
            std::cmp::Ordering::Equal => Ok(store),
        }
    }

    fn schema_version(&self) -> Result<i64> {
        // Reading the schema makes SQLite open the file and its log for real.
        self.conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
            .and_then(|()| self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)))
            .map_err(|e| self.err(e))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        sql_err(&self.path, source)
    }

    fn configure(&mut self) -> Result<()> {
        self.conn
            .busy_timeout(Duration::from_secs(30))
            .map_err(|e| self.err(e))?;
        // journal_mode answers with a row; read it so the pragma runs.
        let _: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        self.conn
            .execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(|e| self.err(e))
    }

    fn migrate(&mut self) -> Result<()> {
        let known = MIGRATIONS.len() as i64;
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if version > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Exclusive)
                .map_err(|e| Self::err_at(&self.path, e))?;
            tx.execute_batch(sql)
                .and_then(|()| tx.pragma_update(None, "user_version", i as i64 + 1))
                .and_then(|()| tx.commit())
                .map_err(|e| Self::err_at(&self.path, e))?;
        }
        Ok(())
    }

    fn err_at(path: &Path, source: rusqlite::Error) -> StoreError {
        sql_err(path, source)
    }

    /// Adds an article; returns it and whether it was new.
    pub fn add_article(
        &mut self,
        url: &str,
        selector: Option<&str>,
        pace: &Pace,
        now: &str,
    ) -> Result<(ArticleRow, bool)> {
        let mut added = self.add_articles(&[url.to_owned()], selector, pace, now)?;
        added
            .pop()
            .ok_or_else(|| self.damaged(format!("article {url} vanished after insert")))
    }

    const ARTICLE_COLUMNS: &str = "id, url, added_at, final_url, etag, last_modified,
        last_checked_at, last_error, selector, next_check_at, interval_secs, every_secs, until,
        last_change_at, retired_at, canonical_url";
    /// How many columns [`Self::ARTICLE_COLUMNS`] names.
    const N: usize = 16;

    fn article_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<ArticleRow> {
        let fetch_url: String = r.get(1)?;
        let final_url: Option<String> = r.get(3)?;
        Ok(ArticleRow {
            id: r.get(0)?,
            url: redact(&fetch_url).into_owned(),
            fetch_url,
            added_at: r.get(2)?,
            final_url: final_url.map(|u| redact(&u).into_owned()),
            etag: r.get(4)?,
            last_modified: r.get(5)?,
            last_checked_at: r.get(6)?,
            last_error: r.get(7)?,
            selector: r.get(8)?,
            next_check_at: r.get(9)?,
            interval_secs: r.get(10)?,
            every_secs: r.get(11)?,
            until: r.get(12)?,
            last_change_at: r.get(13)?,
            retired_at: r.get(14)?,
            canonical_url: r.get(15)?,
        })
    }

    pub fn article(&self, id: i64) -> Result<Option<ArticleRow>> {
        let sql = format!(
            "SELECT {} FROM articles WHERE id = ?1",
            Self::ARTICLE_COLUMNS
        );
        self.conn
            .query_row(&sql, [id], Self::article_from)
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn article_by_url(&self, url: &str) -> Result<Option<ArticleRow>> {
        let sql = format!(
            "SELECT {} FROM articles WHERE url = ?1",
            Self::ARTICLE_COLUMNS
        );
        self.conn
            .query_row(&sql, [url], Self::article_from)
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Articles due at `now`, most overdue first (never-checked ones first).
    pub fn due(&self, now: &str) -> Result<Vec<ArticleRow>> {
        let sql = format!(
            "SELECT {} FROM articles
             WHERE retired_at IS NULL AND (next_check_at IS NULL OR next_check_at <= ?1)
             ORDER BY next_check_at IS NOT NULL, next_check_at, id",
            Self::ARTICLE_COLUMNS
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        stmt.query_map([now], Self::article_from)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// Adds many articles in one transaction; returns each row and whether it
    /// was new.
    pub fn add_articles(
        &mut self,
        urls: &[String],
        selector: Option<&str>,
        pace: &Pace,
        now: &str,
    ) -> Result<Vec<(ArticleRow, bool)>> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| Self::err_at(&path, e))?;
        let mut ids = Vec::with_capacity(urls.len());
        for url in urls {
            let existing: Option<i64> = tx
                .query_row("SELECT id FROM articles WHERE url = ?1", [url], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(|e| Self::err_at(&path, e))?;
            match existing {
                Some(id) => ids.push((id, false)),
                None => {
                    tx.execute(
                        "INSERT INTO articles (url, selector, added_at, last_change_at, every_secs, until)
                         VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
                        params![url, selector, now, pace.every_secs, pace.until],
                    )
                    .map_err(|e| Self::err_at(&path, e))?;
                    ids.push((tx.last_insert_rowid(), true));
                }
            }
        }
        tx.commit().map_err(|e| Self::err_at(&path, e))?;
        ids.into_iter()
            .map(|(id, new)| {
                let row = self
                    .article(id)?
                    .ok_or_else(|| self.damaged(format!("article {id} vanished")))?;
                Ok((row, new))
            })
            .collect()
    }

    /// Adds a feed; returns it and whether it was new.
    pub fn add_feed(
        &mut self,
        url: &str,
        match_regex: Option<&str>,
        pace: &Pace,
        now: &str,
    ) -> Result<(FeedRow, bool)> {
        let created = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO feeds (url, match_regex, added_at, every_secs, until)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![url, match_regex, now, pace.every_secs, pace.until],
            )
            .map_err(|e| self.err(e))?
            > 0;
        let feed = self
            .feeds()?
            .into_iter()
            .find(|f| f.url == url)
            .ok_or_else(|| self.damaged(format!("feed {url} vanished after insert")))?;
        Ok((feed, created))
    }

    /// Every feed, by id, with how many articles it listed.
    pub fn feeds(&self) -> Result<Vec<FeedRow>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, url, added_at, match_regex, etag, last_modified, last_checked_at,
                     last_error, last_new_at, next_check_at,
                     (SELECT count(*) FROM articles a WHERE a.feed_id = f.id), every_secs, until
                 FROM feeds f ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            let fetch_url: String = r.get(1)?;
            Ok(FeedRow {
                id: r.get(0)?,
                url: redact(&fetch_url).into_owned(),
                fetch_url,
                added_at: r.get(2)?,
                match_regex: r.get(3)?,
                etag: r.get(4)?,
                last_modified: r.get(5)?,
                last_checked_at: r.get(6)?,
                last_error: r.get(7)?,
                last_new_at: r.get(8)?,
                next_check_at: r.get(9)?,
                articles: r.get(10)?,
                pace: Pace {
                    every_secs: r.get(11)?,
                    until: r.get(12)?,
                },
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }

    /// Records a feed check.
    pub fn record_feed_check(&mut self, feed_id: i64, c: &FeedCheck) -> Result<()> {
        self.conn
            .execute(
                "UPDATE feeds SET last_checked_at = ?2, last_error = ?3,
                     last_new_at = CASE WHEN ?4 THEN ?2 ELSE last_new_at END,
                     etag = CASE WHEN ?3 IS NULL THEN coalesce(?5, etag) ELSE etag END,
                     last_modified = CASE WHEN ?3 IS NULL THEN coalesce(?6, last_modified) ELSE last_modified END,
                     next_check_at = ?7
                 WHERE id = ?1",
                params![
                    feed_id,
                    c.checked_at,
                    c.error,
                    c.found_new,
                    c.etag,
                    c.last_modified,
                    c.next_check_at
                ],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Marks articles as listed by a feed.
    pub fn set_feed(&mut self, article_ids: &[i64], feed_id: i64) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| Self::err_at(&path, e))?;
        for id in article_ids {
            tx.execute(
                "UPDATE articles SET feed_id = ?2 WHERE id = ?1 AND feed_id IS NULL",
                params![id, feed_id],
            )
            .map_err(|e| Self::err_at(&path, e))?;
        }
        tx.commit().map_err(|e| Self::err_at(&path, e))
    }

    /// Stops checking an article (its history stays); `resume` undoes it.
    pub fn retire(&mut self, id: i64, now: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE articles SET retired_at = ?2, next_check_at = NULL WHERE id = ?1",
                params![id, now],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Deletes an article and its history (revisions and checks; blobs that
    /// no other revision uses are removed too).
    pub fn delete_article(&mut self, id: i64) -> Result<()> {
        let path = self.path.clone();
        let map = |e| Self::err_at(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(map)?;
        tx.execute("DELETE FROM checks WHERE article_id = ?1", [id])
            .map_err(map)?;
        tx.execute("DELETE FROM revisions WHERE article_id = ?1", [id])
            .map_err(map)?;
        tx.execute("DELETE FROM articles WHERE id = ?1", [id])
            .map_err(map)?;
        blobs::remove_orphans(&tx).map_err(map)?;
        tx.commit().map_err(map)
    }

    /// The earliest next check of active articles.
    pub fn next_due_at(&self) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT min(next_check_at) FROM articles WHERE retired_at IS NULL",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Brings a retired article back: due now, at the initial pace.
    pub fn resume(&mut self, id: i64, now: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE articles SET retired_at = NULL, next_check_at = ?2, interval_secs = 0,
                     last_change_at = ?2
                 WHERE id = ?1",
                params![id, now],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Every tracked article, by id.
    pub fn articles(&self) -> Result<Vec<ArticleRow>> {
        let sql = format!("SELECT {} FROM articles ORDER BY id", Self::ARTICLE_COLUMNS);
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        stmt.query_map([], Self::article_from)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// Every article with its revision count and latest headline.
    pub fn summaries(&self) -> Result<Vec<ArticleSummary>> {
        let sql = format!(
            "SELECT {}, (SELECT count(*) FROM revisions r WHERE r.article_id = a.id),
                    (SELECT title FROM revisions r WHERE r.article_id = a.id ORDER BY rev DESC LIMIT 1)
             FROM articles a ORDER BY id",
            Self::ARTICLE_COLUMNS
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok(ArticleSummary {
                article: Self::article_from(r)?,
                revisions: r.get(Self::N)?,
                title: r.get(Self::N + 1)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }

    const REVISION_COLUMNS: &str = "id, article_id, rev, captured_at, fingerprint, raw_sha256,
        text_sha256, final_url, http_status, headers, encoding, title, revert_of, words_added,
        words_removed, diff, technical, reextracted_at, classes, request_headers";

    fn revision_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<RevisionRow> {
        let json_err = |i, e: serde_json::Error| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        };
        let headers: String = r.get(9)?;
        Ok(RevisionRow {
            id: r.get(0)?,
            article_id: r.get(1)?,
            rev: r.get(2)?,
            captured_at: r.get(3)?,
            fingerprint: r.get(4)?,
            raw_sha256: r.get(5)?,
            text_sha256: r.get(6)?,
            final_url: redact(&r.get::<_, String>(7)?).into_owned(),
            http_status: r.get(8)?,
            headers: serde_json::from_str(&headers).map_err(|e| json_err(9, e))?,
            request_headers: r
                .get::<_, Option<String>>(19)?
                .map(|h| serde_json::from_str(&h))
                .transpose()
                .map_err(|e| json_err(19, e))?,
            encoding: r.get(10)?,
            title: r.get(11)?,
            revert_of: r.get(12)?,
            words_added: r.get(13)?,
            words_removed: r.get(14)?,
            diff: StoredDiff::read(r.get_ref(15)?),
            technical: r.get(16)?,
            reextracted_at: r.get(17)?,
            classes: r
                .get::<_, String>(18)?
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }

    /// An article's revisions, oldest first.
    pub fn revisions(&self, article_id: i64) -> Result<Vec<RevisionRow>> {
        let sql = format!(
            "SELECT {} FROM revisions WHERE article_id = ?1 ORDER BY rev",
            Self::REVISION_COLUMNS
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        stmt.query_map([article_id], Self::revision_from)
            .and_then(|rows| rows.collect())
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

    /// Articles whose most recent check failed or raised an alarm, with how
    /// long that has lasted.
    pub fn problems(&self) -> Result<Vec<Problem>> {
        let sql = format!(
            "WITH last_good AS (
                 SELECT article_id, max(id) AS id FROM checks
                 WHERE outcome NOT IN ('failed', 'alarm') GROUP BY article_id),
             streak AS (
                 SELECT c.article_id, min(c.checked_at) AS since, count(*) AS n, max(c.id) AS last
                 FROM checks c LEFT JOIN last_good g ON g.article_id = c.article_id
                 WHERE c.id > coalesce(g.id, 0) GROUP BY c.article_id)
             SELECT {}, (SELECT outcome FROM checks WHERE id = s.last), s.since, s.n
             FROM streak s JOIN articles a ON a.id = s.article_id ORDER BY s.since, a.id",
            Self::ARTICLE_COLUMNS
                .split(',')
                .map(|c| format!("a.{}", c.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok(Problem {
                article: Self::article_from(r)?,
                outcome: r.get(Self::N)?,
                since: r.get(Self::N + 1)?,
                checks: r.get(Self::N + 2)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }

    /// Counts of articles, revisions and checks, and the last check's time.
    pub fn totals(&self) -> Result<Totals> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM revisions),
                        (SELECT count(*) FROM checks), (SELECT max(checked_at) FROM checks)",
                [],
                |r| {
                    Ok(Totals {
                        articles: r.get(0)?,
                        revisions: r.get(1)?,
                        checks: r.get(2)?,
                        last_checked_at: r.get(3)?,
                    })
                },
            )
            .map_err(|e| self.err(e))
    }

    /// The outcome and fingerprint of an article's most recent check.
    pub fn last_check(&self, article_id: i64) -> Result<Option<(Outcome, Option<String>)>> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT outcome, fingerprint FROM checks WHERE article_id = ?1
                 ORDER BY id DESC LIMIT 1",
                [article_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        row.map(|(name, fp)| match Outcome::parse(&name) {
            Some(o) => Ok((o, fp)),
            None => Err(self.damaged(format!(
                "a check of article {article_id} has outcome {name:?}"
            ))),
        })
        .transpose()
    }

    /// The uncompressed size of a blob.
    pub fn blob_size(&self, sha256: &str) -> Result<u64> {
        self.conn
            .query_row("SELECT size FROM blobs WHERE sha256 = ?1", [sha256], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// A blob's content, decompressed and checked against its hash.
    pub fn blob(&self, sha256: &str) -> Result<Vec<u8>> {
        blobs::get(&self.conn, sha256).map_err(|e| self.blob_err(e))
    }

    fn blob_err(&self, e: blobs::BlobError) -> StoreError {
        match e {
            blobs::BlobError::Sql(e) => self.err(e),
            blobs::BlobError::Missing(sha) => self.damaged(format!("blob {sha} is missing")),
            blobs::BlobError::Corrupt(what) => self.damaged(what),
            blobs::BlobError::Pruned(sha256) => StoreError::Pruned {
                path: self.path.clone(),
                sha256,
            },
        }
    }

    /// The diff stored with a revision (against the one before it).
    pub fn revision_diff(&self, rev: &RevisionRow) -> Result<Option<ArticleDiff>> {
        self.revision_diff_json(rev)?
            .map(|json| serde_json::from_str(&json))
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

    fn damaged(&self, what: String) -> StoreError {
        StoreError::Damaged {
            path: self.path.clone(),
            what,
        }
    }

    /// Replaces the derived values of an article's revisions (text, fingerprint,
    /// diff, counts, revert and technical marks) in one transaction. The raw
    /// pages are never touched.
    pub fn rederive(&mut self, items: &[Rederived<'_>], now: &str) -> Result<()> {
        let path = self.path.clone();
        let map = |e| Self::err_at(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(map)?;
        let mut prev_text: Option<String> = None;
        for item in items {
            let json = serde_json::to_vec(item.article).expect("an Article always serialises");
            let text_sha = blobs::put(&tx, &json, prev_text.as_deref()).map_err(map)?;
            prev_text = Some(text_sha.clone());
            let diff = item.diff.map(pack_diff);
            let (added, removed) = item.diff.map_or((0, 0), |d| {
                (d.stats.words_added as i64, d.stats.words_removed as i64)
            });
            tx.execute(
                "UPDATE revisions SET text_sha256 = ?2, fingerprint = ?3, title = ?4,
                     revert_of = ?5, words_added = ?6, words_removed = ?7, diff = ?8,
                     technical = ?9, reextracted_at = ?10, classes = ?11
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
                    item.classes.join(","),
                ],
            )
            .map_err(map)?;
        }
        tx.commit().map_err(map)
    }

    /// Restores exported articles and revisions, in one transaction. An
    /// article is matched by URL (a new one keeps its exported id when that is
    /// free); a revision already present with the same text is skipped, one
    /// present with a different text is a conflict and nothing is imported.
    pub fn import(
        &mut self,
        articles: &[ImportArticle<'_>],
        revisions: &[ImportRevision<'_>],
    ) -> Result<ImportCounts> {
        let path = self.path.clone();
        let map = |e| Self::err_at(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(map)?;
        let mut counts = ImportCounts::default();
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
                    tx.execute(
                        "INSERT INTO articles (id, url, added_at, selector, final_url, every_secs,
                             until, retired_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![
                            (!taken).then_some(a.id),
                            a.url,
                            a.added_at,
                            a.selector,
                            a.final_url,
                            a.every_secs,
                            a.until,
                            a.retired_at
                        ],
                    )
                    .map_err(map)?;
                    counts.articles += 1;
                    tx.last_insert_rowid()
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
                    blobs::put(&tx, raw, prev_raw.as_deref()).map_err(map)?;
                }
                None => blobs::put_absent(&tx, r.raw_sha256, r.raw_size).map_err(map)?,
            }
            let text_sha = blobs::put(&tx, r.text, prev_text.as_deref()).map_err(map)?;
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
                },
            )
            .map_err(map)?;
            counts.revisions += 1;
        }
        tx.commit().map_err(map)?;
        Ok(counts)
    }

    /// Checks the whole database: SQLite's integrity check, foreign keys,
    /// every blob decoded and re-hashed, every stored diff readable. Returns
    /// one line per problem (empty: all is well) and what was checked.
    pub fn verify(&self) -> Result<Verified> {
        let map = |e| self.err(e);
        let mut v = Verified::default();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check").map_err(map)?;
        for line in stmt.query_map([], |r| r.get::<_, String>(0)).map_err(map)? {
            let line = line.map_err(map)?;
            if line != "ok" {
                v.problems.push(format!("integrity: {line}"));
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check").map_err(map)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "foreign key: a row of {} (rowid {}) points at a missing {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                    r.get::<_, String>(2)?
                ))
            })
            .map_err(map)?;
        for row in rows {
            v.problems.push(row.map_err(map)?);
        }
        let blob_check = blobs::verify(&self.conn).map_err(map)?;
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
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.article_id, r.rev, r.diff, b.codec FROM revisions r
                 LEFT JOIN blobs b ON b.sha256 = r.text_sha256 ORDER BY r.article_id, r.rev",
            )
            .map_err(map)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    StoredDiff::read(r.get_ref(2)?),
                    r.get::<_, Option<String>>(3)?,
                ))
            })
            .map_err(map)?;
        for row in rows {
            let (article, rev, diff, codec) = row.map_err(map)?;
            v.revisions += 1;
            if codec.as_deref() == Some("pruned") {
                v.problems.push(format!(
                    "#{article} rev {rev}: the extracted text is missing"
                ));
            }
            let parsed = diff.map_or(Ok(()), |d| {
                d.json().and_then(|json| {
                    serde_json::from_str::<ArticleDiff>(&json)
                        .map(drop)
                        .map_err(|e| e.to_string())
                })
            });
            if let Err(e) = parsed {
                v.problems.push(format!(
                    "#{article} rev {rev}: the stored diff is not readable: {e}"
                ));
            }
        }
        drop(stmt);
        self.verify_derived(&mut v)?;
        Ok(v)
    }

    /// Derives every revision's fingerprint, diff, counts, classes and revert
    /// link again from the stored texts and reports each stored value that
    /// disagrees. An article whose texts cannot be read is skipped (the blob
    /// check has reported it).
    fn verify_derived(&self, v: &mut Verified) -> Result<()> {
        use crate::diff::derive::{Text, derive, disagreements};
        let ids: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT DISTINCT article_id FROM revisions ORDER BY article_id")
                .map_err(|e| self.err(e))?;
            stmt.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<_>>())
                .map_err(|e| self.err(e))?
        };
        let opts = crate::diff::DiffOptions::default();
        for id in ids {
            let rows = self.revisions(id)?;
            let Ok(articles) = rows
                .iter()
                .map(|r| self.revision_article(r))
                .collect::<Result<Vec<_>>>()
            else {
                continue;
            };
            let fingerprints: Vec<String> = articles
                .iter()
                .map(crate::fingerprint::fingerprint)
                .collect();
            let texts: Vec<Text<'_>> = rows
                .iter()
                .zip(&articles)
                .zip(&fingerprints)
                .map(|((r, a), fp)| Text {
                    rev: r.rev,
                    article: a,
                    fingerprint: fp,
                    gone: matches!(r.http_status, 404 | 410),
                    technical: r.technical,
                })
                .collect();
            for (i, r) in rows.iter().enumerate() {
                let mut found = Vec::new();
                if fingerprints[i] != r.fingerprint {
                    found.push(format!(
                        "fingerprint: stored {}, the text gives {}",
                        r.fingerprint, fingerprints[i]
                    ));
                }
                if i > 0 && rows[i - 1].captured_at > r.captured_at {
                    found.push(format!(
                        "captured_at: {} is earlier than the revision before ({})",
                        r.captured_at,
                        rows[i - 1].captured_at
                    ));
                }
                let stored = match self.revision_diff(r) {
                    Ok(d) => d,
                    Err(_) => continue, // reported as unreadable above
                };
                found.extend(disagreements(
                    &derive(&texts, i, &opts),
                    stored.as_ref(),
                    &r.classes,
                    r.revert_of,
                    (r.words_added, r.words_removed),
                ));
                for what in found {
                    v.problems.push(format!("#{id} rev {}: {what}", r.rev));
                }
            }
        }
        Ok(())
    }

    /// Which revisions use a blob, as `#3 rev 2 page` / `#3 rev 2 text`.
    fn blob_users(&self, sha: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT article_id, rev, raw_sha256 = ?1 FROM revisions
                 WHERE raw_sha256 = ?1 OR text_sha256 = ?1 ORDER BY article_id, rev LIMIT 5",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([sha], |r| {
            let what = if r.get::<_, bool>(2)? { "page" } else { "text" };
            Ok(format!(
                "#{} rev {} {what}",
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?
            ))
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }

    /// Removes the raw pages of revisions the rules do not keep (their hash
    /// and size stay; text and diffs are never touched), and blobs nothing
    /// uses. With `dry_run`, reports what it would do and changes nothing.
    pub fn gc(&mut self, rules: &GcRules, dry_run: bool) -> Result<GcReport> {
        let path = self.path.clone();
        let map = |e| Self::err_at(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(map)?;
        let stored = |tx: &Transaction<'_>| -> rusqlite::Result<i64> {
            tx.query_row(
                "SELECT coalesce(sum(length(data)), 0) FROM blobs",
                [],
                |r| r.get(0),
            )
        };
        let before = stored(&tx).map_err(map)?;
        let file_bytes: i64 = tx
            .query_row(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                [],
                |r| r.get(0),
            )
            .map_err(map)?;
        let keep_last = rules.keep_last.map_or(0, |n| n as i64);
        let since = rules.keep_since.as_deref().unwrap_or("9999");
        let doomed: Vec<String> = tx
            .prepare(
                "WITH ranked AS (
                     SELECT raw_sha256, captured_at,
                            row_number() OVER (PARTITION BY article_id ORDER BY rev DESC) AS age
                     FROM revisions)
                 SELECT DISTINCT r.raw_sha256 FROM ranked r JOIN blobs b ON b.sha256 = r.raw_sha256
                 WHERE b.codec != 'pruned' AND r.age > ?1 AND r.captured_at < ?2
                   AND r.raw_sha256 NOT IN (
                       SELECT raw_sha256 FROM ranked WHERE age <= ?1 OR captured_at >= ?2)
                   AND r.raw_sha256 NOT IN (SELECT text_sha256 FROM revisions)",
            )
            .and_then(|mut stmt| {
                stmt.query_map(params![keep_last, since], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .map_err(map)?;
        for sha in &doomed {
            blobs::prune(&tx, sha).map_err(|e| match e {
                blobs::BlobError::Sql(e) => Self::err_at(&path, e),
                other => StoreError::Damaged {
                    path: path.clone(),
                    what: format!("{other:?}"),
                },
            })?;
        }
        let orphans = blobs::remove_orphans(&tx).map_err(map)?;
        let after = stored(&tx).map_err(map)?;
        let mut report = GcReport {
            pruned: doomed.len(),
            orphans,
            bytes_before: before,
            bytes_after: after,
            file_bytes,
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
        }
        Ok(report)
    }

    /// Rebuilds the database file to give freed space back to the system.
    pub fn vacuum(&mut self) -> Result<()> {
        self.conn.execute_batch("VACUUM").map_err(|e| self.err(e))
    }

    /// An article added before `id` that is the same page: its URL, final
    /// URL or canonical URL is one of `urls`.
    pub fn same_article(&self, id: i64, urls: &[&str]) -> Result<Option<ArticleRow>> {
        let sql = format!(
            "SELECT {} FROM articles WHERE id < ?1
                 AND (url = ?2 OR final_url = ?2 OR canonical_url = ?2)
             ORDER BY id LIMIT 1",
            Self::ARTICLE_COLUMNS
        );
        for url in urls {
            let found = self
                .conn
                .query_row(&sql, params![id, url], Self::article_from)
                .optional()
                .map_err(|e| self.err(e))?;
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    /// Records a pass over articles.
    pub fn record_pass(&mut self, p: &PassRow) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO passes (started_at, duration_ms, articles, changed, failed)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![p.started_at, p.duration_ms, p.articles, p.changed, p.failed],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// The latest pass over articles.
    pub fn last_pass(&self) -> Result<Option<PassRow>> {
        self.conn
            .query_row(
                "SELECT started_at, duration_ms, articles, changed, failed FROM passes
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(PassRow {
                        started_at: r.get(0)?,
                        duration_ms: r.get(1)?,
                        articles: r.get(2)?,
                        changed: r.get(3)?,
                        failed: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Records how a notification hook went for a revision.
    pub fn record_delivery(&mut self, d: &crate::model::delivery::Delivery) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO deliveries (revision_id, hook, attempted_at, attempts, ok, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    d.revision_id,
                    d.hook,
                    d.attempted_at,
                    d.attempts,
                    d.ok,
                    d.error
                ],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Notifications that failed since `since`, newest first.
    pub fn failed_deliveries(&self, since: &str) -> Result<Vec<FailedDelivery>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT d.hook, d.attempted_at, d.attempts, d.error, r.article_id, r.rev
                 FROM deliveries d JOIN revisions r ON r.id = d.revision_id
                 WHERE d.ok = 0 AND d.attempted_at >= ?1
                 ORDER BY d.attempted_at DESC, d.id DESC LIMIT 50",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([since], |r| {
            Ok(FailedDelivery {
                hook: r.get(0)?,
                attempted_at: r.get(1)?,
                attempts: r.get(2)?,
                error: r.get(3)?,
                article_id: r.get(4)?,
                rev: r.get(5)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }

    /// Records a check that made no revision.
    pub fn record_check(&mut self, check: &NewCheck) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| Self::err_at(&path, e))?;
        insert_check(&tx, check, None).map_err(|e| Self::err_at(&path, e))?;
        tx.commit().map_err(|e| Self::err_at(&path, e))
    }

    /// Records a revision with its blobs and the check that found it, in one
    /// transaction. Returns the new revision number.
    ///
    /// When another process recorded a revision with the same fingerprint
    /// since this one was decided on, nothing is recorded but the check (as
    /// unchanged), and `None` is returned: two passes over one database never
    /// record a revision twice.
    pub fn record_revision(
        &mut self,
        rev: &NewRevision<'_>,
        check: &NewCheck,
    ) -> Result<Option<i64>> {
        let path = self.path.clone();
        let map = |e| Self::err_at(&path, e);
        let article_json = serde_json::to_vec(rev.article).expect("an Article always serialises");
        let diff = rev.diff.map(pack_diff);
        let (added, removed) = rev.diff.map_or((0, 0), |d| {
            (d.stats.words_added as i64, d.stats.words_removed as i64)
        });
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(map)?;
        let latest: Option<(String, String, String)> = tx
            .query_row(
                "SELECT fingerprint, raw_sha256, text_sha256 FROM revisions
                 WHERE article_id = ?1 ORDER BY rev DESC LIMIT 1",
                [check.article_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(map)?;
        if latest.as_ref().is_some_and(|l| l.0 == rev.fingerprint) {
            let unchanged = NewCheck {
                outcome: Outcome::Unchanged,
                ..check.clone()
            };
            insert_check(&tx, &unchanged, None).map_err(map)?;
            tx.commit().map_err(map)?;
            return Ok(None);
        }
        // Stored as deltas against the previous revision's page and text.
        let (prev_raw, prev_text) = latest.map(|l| (l.1, l.2)).unzip();
        let raw_sha = blobs::put(&tx, rev.raw, prev_raw.as_deref()).map_err(map)?;
        let text_sha = blobs::put(&tx, &article_json, prev_text.as_deref()).map_err(map)?;
        let number: i64 = tx
            .query_row(
                "SELECT coalesce(max(rev), 0) + 1 FROM revisions WHERE article_id = ?1",
                [check.article_id],
                |r| r.get(0),
            )
            .map_err(map)?;
        let revision_id = insert_revision(
            &tx,
            &RevisionColumns {
                article_id: check.article_id,
                rev: number,
                captured_at: &rev.captured_at,
                fingerprint: &rev.fingerprint,
                raw_sha256: &raw_sha,
                text_sha256: &text_sha,
                final_url: &rev.final_url,
                http_status: rev.http_status,
                headers: rev.headers,
                request_headers: Some(rev.request_headers),
                encoding: rev.encoding,
                title: rev.article.title.as_deref(),
                revert_of: rev.revert_of,
                words_added: added,
                words_removed: removed,
                diff,
                classes: rev.classes,
                technical: false,
                reextracted_at: None,
            },
        )
        .map_err(map)?;
        insert_check(&tx, check, Some(revision_id)).map_err(map)?;
        tx.commit().map_err(map)?;
        Ok(Some(number))
    }
}

/// A diff as stored: its JSON compressed with zstd (a BLOB).
fn pack_diff(d: &ArticleDiff) -> Vec<u8> {
    pack_json(&serde_json::to_vec(d).expect("a diff always serialises"))
}

/// A diff's JSON as stored: compressed with zstd.
fn pack_json(json: &[u8]) -> Vec<u8> {
    zstd::bulk::compress(json, 3).expect("compressing to memory cannot fail")
}

/// Every column of a revision row, for the one place that inserts them.
struct RevisionColumns<'a> {
    article_id: i64,
    rev: i64,
    captured_at: &'a str,
    fingerprint: &'a str,
    raw_sha256: &'a str,
    text_sha256: &'a str,
    final_url: &'a str,
    http_status: u16,
    headers: &'a [(String, String)],
    request_headers: Option<&'a [(String, String)]>,
    encoding: &'a str,
    title: Option<&'a str>,
    revert_of: Option<i64>,
    words_added: i64,
    words_removed: i64,
    diff: Option<Vec<u8>>,
    classes: &'a [String],
    technical: bool,
    reextracted_at: Option<&'a str>,
}

/// Inserts a revision row; returns its id.
fn insert_revision(tx: &Transaction<'_>, c: &RevisionColumns<'_>) -> rusqlite::Result<i64> {
    let json = |h: &[(String, String)]| serde_json::to_string(h).expect("headers always serialise");
    tx.execute(
        "INSERT INTO revisions (article_id, rev, captured_at, fingerprint, raw_sha256,
             text_sha256, final_url, http_status, headers, encoding, title, revert_of,
             words_added, words_removed, diff, classes, request_headers, technical,
             reextracted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
             ?17, ?18, ?19)",
        params![
            c.article_id,
            c.rev,
            c.captured_at,
            c.fingerprint,
            c.raw_sha256,
            c.text_sha256,
            c.final_url,
            c.http_status,
            json(c.headers),
            c.encoding,
            c.title,
            c.revert_of,
            c.words_added,
            c.words_removed,
            c.diff,
            c.classes.join(","),
            c.request_headers.map(json),
            c.technical,
            c.reextracted_at,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// A diff as the revision row holds it: its JSON compressed (a BLOB), or
/// plain JSON text as written by redline before diffs were compressed.
#[derive(Debug, Clone)]
pub enum StoredDiff {
    Packed(Vec<u8>),
    Json(Vec<u8>),
}

impl StoredDiff {
    fn read(v: rusqlite::types::ValueRef<'_>) -> Option<StoredDiff> {
        use rusqlite::types::ValueRef;
        match v {
            ValueRef::Blob(b) => Some(StoredDiff::Packed(b.to_vec())),
            ValueRef::Text(t) => Some(StoredDiff::Json(t.to_vec())),
            _ => None,
        }
    }

    /// The diff's JSON.
    fn json(&self) -> std::result::Result<String, String> {
        let bytes = match self {
            StoredDiff::Packed(b) => {
                zstd::decode_all(&b[..]).map_err(|e| format!("does not decompress: {e}"))?
            }
            StoredDiff::Json(t) => t.clone(),
        };
        String::from_utf8(bytes).map_err(|e| format!("is not UTF-8: {e}"))
    }
}

fn insert_check(
    tx: &Transaction<'_>,
    check: &NewCheck,
    revision_id: Option<i64>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO checks (article_id, checked_at, http_status, outcome, duration_ms, error,
             fingerprint, revision_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            check.article_id,
            check.checked_at,
            check.http_status,
            check.outcome.as_str(),
            check.duration_ms as i64,
            check.error,
            check.fingerprint,
            revision_id,
        ],
    )?;
    if let Some(s) = &check.schedule {
        tx.execute(
            "UPDATE articles SET next_check_at = ?2, interval_secs = ?3,
                 retired_at = CASE WHEN ?2 IS NULL THEN ?4 ELSE NULL END,
                 last_change_at = coalesce(?5, last_change_at)
             WHERE id = ?1",
            params![
                check.article_id,
                s.next_check_at,
                s.interval_secs,
                check.checked_at,
                s.changed_at
            ],
        )?;
    }
    if check.outcome == Outcome::Takedown {
        // The stored validators describe the page before it went: forget them,
        // so that a page coming back is fetched in full.
        tx.execute(
            "UPDATE articles SET last_checked_at = ?2, last_error = NULL, etag = NULL,
                 last_modified = NULL
             WHERE id = ?1",
            params![check.article_id, check.checked_at],
        )?;
    } else if matches!(check.outcome, Outcome::Failed | Outcome::Alarm) {
        tx.execute(
            "UPDATE articles SET last_checked_at = ?2, last_error = ?3 WHERE id = ?1",
            params![check.article_id, check.checked_at, check.error],
        )?;
    } else {
        tx.execute(
            "UPDATE articles SET last_checked_at = ?2, last_error = NULL,
                 etag = coalesce(?3, etag), last_modified = coalesce(?4, last_modified),
                 final_url = coalesce(?5, final_url),
                 canonical_url = coalesce(?6, canonical_url)
             WHERE id = ?1",
            params![
                check.article_id,
                check.checked_at,
                check.etag,
                check.last_modified,
                check.final_url,
                check.canonical_url
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::sha256_hex;

    fn check(article_id: i64, outcome: Outcome) -> NewCheck {
        NewCheck {
            article_id,
            checked_at: "2026-01-01T00:00:00.000Z".into(),
            http_status: Some(200),
            outcome,
            duration_ms: 5,
            error: None,
            fingerprint: None,
            schedule: None,
            etag: Some("\"v1\"".into()),
            last_modified: None,
            final_url: None,
            canonical_url: None,
        }
    }

    #[test]
    fn revision_round_trip_and_blob_dedup() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("sub/dir/r.db")).unwrap();
        let (a, created) = store
            .add_article(
                "http://x/a",
                None,
                &Pace::default(),
                "2026-01-01T00:00:00.000Z",
            )
            .unwrap();
        assert!(created);
        assert!(
            !store
                .add_article("http://x/a", None, &Pace::default(), "later")
                .unwrap()
                .1
        );
        let article = Article {
            title: Some("T".into()),
            body: vec!["p".into()],
            ..Article::default()
        };
        let new = NewRevision {
            captured_at: "2026-01-01T00:00:00.000Z".into(),
            fingerprint: "f".into(),
            raw: b"<p>p</p>",
            article: &article,
            final_url: "http://x/a".into(),
            http_status: 200,
            headers: &[("etag".into(), "\"v1\"".into())],
            request_headers: &[("user-agent".into(), "redline".into())],
            encoding: "UTF-8",
            revert_of: None,
            diff: None,
            classes: &[],
        };
        assert_eq!(
            store
                .record_revision(&new, &check(a.id, Outcome::First))
                .unwrap(),
            Some(1)
        );
        // The same article again (another process got there first): no revision.
        assert_eq!(
            store
                .record_revision(&new, &check(a.id, Outcome::Changed))
                .unwrap(),
            None
        );
        let other = NewRevision {
            fingerprint: "g".into(),
            ..new.clone()
        };
        assert_eq!(
            store
                .record_revision(&other, &check(a.id, Outcome::Changed))
                .unwrap(),
            Some(2)
        );
        let blobs: i64 = store
            .conn
            .query_row("SELECT count(*) FROM blobs", [], |r| r.get(0))
            .unwrap();
        assert_eq!(blobs, 2, "same raw page and article stored once");
        let latest = store.latest_revision(a.id).unwrap().unwrap();
        assert_eq!(latest.rev, 2);
        assert_eq!(store.blob(&latest.raw_sha256).unwrap(), b"<p>p</p>");
        assert_eq!(store.revision_article(&latest).unwrap(), article);
        assert_eq!(store.revision_with_fingerprint(a.id, "f").unwrap(), Some(1));
        assert_eq!(store.revision_with_fingerprint(a.id, "g").unwrap(), Some(2));
        let row = store.article(a.id).unwrap().unwrap();
        assert_eq!(row.etag.as_deref(), Some("\"v1\""));
    }

    #[test]
    fn a_version_1_database_is_migrated_and_its_rows_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let article = Article {
            title: Some("Old".into()),
            body: vec!["Kept.".into()],
            ..Article::default()
        };
        let edited = Article {
            body: vec!["Kept, and edited.".into()],
            ..article.clone()
        };
        let text = serde_json::to_vec(&article).unwrap();
        let text2 = serde_json::to_vec(&edited).unwrap();
        let real_diff =
            crate::diff::diff_articles(&article, &edited, &crate::diff::DiffOptions::default());
        let diff = serde_json::to_string(&real_diff).unwrap();
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO articles (id, url, added_at) VALUES (1, 'http://x/a', 't')",
                [],
            )
            .unwrap();
            for bytes in [&b"<p>raw</p>"[..], &text[..], &text2[..]] {
                conn.execute(
                    "INSERT INTO blobs (sha256, size, codec, data) VALUES (?1, ?2, 'zstd', ?3)",
                    params![
                        sha256_hex(bytes),
                        bytes.len() as i64,
                        zstd::encode_all(bytes, 3).unwrap()
                    ],
                )
                .unwrap();
            }
            let classes = crate::diff::derive::revision_classes(Some(&real_diff), false, false);
            for (rev, at, a, t, d) in [
                (1, "t1", &article, &text, None),
                (2, "t2", &edited, &text2, Some(diff.as_str())),
            ] {
                conn.execute(
                    "INSERT INTO revisions (article_id, rev, captured_at, fingerprint, raw_sha256,
                         text_sha256, final_url, http_status, headers, encoding, words_added,
                         words_removed, diff, classes)
                     VALUES (1, ?1, ?2, ?3, ?4, ?5, 'http://x/a', 200, '[]', 'UTF-8', ?6, ?7, ?8, ?9)",
                    params![
                        rev,
                        at,
                        crate::fingerprint::fingerprint(a),
                        sha256_hex(b"<p>raw</p>"),
                        sha256_hex(t),
                        if d.is_some() { real_diff.stats.words_added as i64 } else { 0 },
                        if d.is_some() { real_diff.stats.words_removed as i64 } else { 0 },
                        d,
                        if d.is_some() { classes.join(",") } else { String::new() },
                    ],
                )
                .unwrap();
            }
        }
        let store = Store::open(&path).unwrap();
        let rev = store.latest_revision(1).unwrap().unwrap();
        assert_eq!(store.blob(&rev.raw_sha256).unwrap(), b"<p>raw</p>");
        assert_eq!(store.revision_article(&rev).unwrap(), edited);
        assert_eq!(store.revision_diff(&rev).unwrap(), Some(real_diff));
        assert_eq!(rev.request_headers, None);
        let problems = store.verify().unwrap().problems;
        assert!(problems.is_empty(), "{problems:?}");
    }

    /// A page of `n` paragraphs, the `edited` one with different words.
    fn page(n: usize, edited: usize, word: &str) -> Vec<u8> {
        let mut html = String::from("<html><body>");
        for i in 0..n {
            let w = if i == edited { word } else { "steady" };
            html.push_str(&format!(
                "<p>Paragraph {i} says {w} things about the council budget, line {}.</p>",
                i * 7919 % 1000
            ));
        }
        html.into_bytes()
    }

    #[test]
    fn successive_pages_are_stored_as_small_deltas_and_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("r.db")).unwrap();
        let tx = store.conn.transaction().unwrap();
        let n = blobs::MAX_DEPTH as usize + 6;
        let pages: Vec<Vec<u8>> = (0..n)
            .map(|i| page(400, i * 3 % 400, &format!("word{i}")))
            .collect();
        let mut prev: Option<String> = None;
        let mut shas = Vec::new();
        for p in &pages {
            let sha = blobs::put(&tx, p, prev.as_deref()).unwrap();
            prev = Some(sha.clone());
            shas.push(sha);
        }
        for (sha, p) in shas.iter().zip(&pages) {
            assert_eq!(&blobs::get(&tx, sha).unwrap(), p);
        }
        let (whole, deltas, max_depth, delta_bytes): (i64, i64, i64, i64) = tx
            .query_row(
                "SELECT sum(codec = 'zstd'), sum(codec = 'zstd-delta'), max(depth),
                        sum(CASE WHEN codec = 'zstd-delta' THEN length(data) END)
                 FROM blobs",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(whole + deltas, n as i64);
        assert!(
            whole >= 2,
            "chains are cut at MAX_DEPTH: {whole} whole blobs"
        );
        assert!(max_depth <= blobs::MAX_DEPTH);
        let per_delta = delta_bytes / deltas;
        let page_len = pages[0].len() as i64;
        assert!(
            per_delta * 100 < page_len,
            "a one-word edit costs {per_delta} bytes of a {page_len}-byte page"
        );
        // Pruning a base stores what builds on it whole first.
        blobs::prune(&tx, &shas[10]).unwrap();
        assert!(matches!(
            blobs::get(&tx, &shas[10]),
            Err(blobs::BlobError::Pruned(_))
        ));
        for (sha, p) in shas.iter().zip(&pages).skip(11) {
            assert_eq!(&blobs::get(&tx, sha).unwrap(), p);
        }
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        let content = b"these are my notes, not a database. ".repeat(200);
        std::fs::write(&path, &content).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
        assert_eq!(std::fs::read(&path).unwrap(), content);
    }

    #[test]
    fn corrupt_blob_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("r.db")).unwrap();
        let sha = {
            let tx = store.conn.transaction().unwrap();
            let sha = blobs::put(&tx, b"evidence", None).unwrap();
            tx.commit().unwrap();
            sha
        };
        let bad = zstd::encode_all(&b"tampered"[..], 3).unwrap();
        store
            .conn
            .execute("UPDATE blobs SET data = ?1", [bad])
            .unwrap();
        assert!(matches!(store.blob(&sha), Err(StoreError::Damaged { .. })));
    }
}

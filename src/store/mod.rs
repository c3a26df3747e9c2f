//! The store: articles, checks, revisions and content-addressed blobs, in a
//! SQLite file or in PostgreSQL (`--db postgres://…`).
//!
//! The only place SQL lives. Statements are written once, in the SQL both
//! engines speak, and run through [`sql::Conn`]; the few that differ say so
//! where they are. This file opens the database: [`Store::open`] sets WAL,
//! `synchronous=NORMAL`, foreign keys and a busy timeout on SQLite (or
//! connects to PostgreSQL), then applies each engine's numbered migrations
//! (`migrations/`, tracked by `PRAGMA user_version`; `migrations/postgres/`,
//! tracked by a `schema_version` table); [`Store::open_read_only`] writes
//! nothing to a SQLite file. It also holds the one mapping of the engines'
//! errors to [`StoreError`]. The rest is one file per table family, each an
//! `impl Store` block: `articles`, `feeds`, `revisions` (reading), `record`
//! (the write path of a check: one transaction per revision, which the
//! article's row lock or SQLite's `IMMEDIATE` keeps to one writer),
//! `status`, `dump` (records out, import in), `upkeep` (verify, gc),
//! `search`, `hosts` (workers' leases and outbox) and `blobs`
//! (content-addressed, delta-compressed; whole raw pages in `objects` when
//! there is an object store). Raw pages are immutable evidence; everything
//! else can be re-derived.
//!
//! Must not: know of checks' meaning (that is `check`), fetch, or print.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;
use thiserror::Error;

use sql::{Begin, Conn, DbError, Optional, Tx, params};

use crate::diff::{ArticleDiff, Class};
use crate::extract::Article;
use crate::fetch::redact;

mod articles;
pub mod blobs;
mod dump;
mod feeds;
mod hosts;
#[cfg(feature = "objects")]
pub mod objects;
mod record;
mod revisions;
mod search;
pub(crate) mod sql;
mod status;
mod upkeep;

pub use articles::{ArticleRow, ArticleSummary, Pace, Settings, Stopped};
pub use dump::{ImportArticle, ImportCounts, ImportRevision};
pub use feeds::{FeedCheck, FeedRow};
pub use hosts::HostLease;
pub use record::{NewCheck, NewRevision, ScheduleUpdate};
use record::{RevisionColumns, insert_revision, pack_diff, pack_json};
pub use revisions::{CheckRow, Rederived, RevisionRow, StoredDiff};
pub use search::{Found, Run, SearchContext, Span, runs, spans_of};
pub use status::{FailedDelivery, PassRow, Problem, Totals};
pub use upkeep::{GcReport, GcRules, Verified};

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_deltas_hooks.sql"),
    include_str!("migrations/003_rules.sql"),
    include_str!("migrations/004_untracked.sql"),
    include_str!("migrations/005_restored.sql"),
    include_str!("migrations/006_search.sql"),
    include_str!("migrations/007_public_only.sql"),
    include_str!("migrations/008_hosts.sql"),
];

/// PostgreSQL's schema, numbered on its own: its first step is SQLite's
/// seven, spelt in PostgreSQL's types.
#[cfg(feature = "postgres")]
const PG_MIGRATIONS: &[&str] = &[
    include_str!("migrations/postgres/001_initial.sql"),
    include_str!("migrations/postgres/002_hosts.sql"),
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
        source: DbError,
    },
    #[cfg(feature = "postgres")]
    #[error("cannot connect to the PostgreSQL database {}", path.display())]
    Connect {
        path: PathBuf,
        #[source]
        source: DbError,
    },
    #[error("{} names PostgreSQL, which this build of redline leaves out", path.display())]
    NoPostgres { path: PathBuf },
    #[error("the disk holding {} is full: nothing of this write was kept", path.display())]
    DiskFull { path: PathBuf },
    #[error("stored data in {} is damaged: {what}", path.display())]
    Damaged { path: PathBuf, what: String },
    #[error("the content of blob {sha256} in {} was removed by `redline gc`", path.display())]
    Pruned { path: PathBuf, sha256: String },
    #[error("{what} (in {})", path.display())]
    Conflict { path: PathBuf, what: String },
    #[error("{what} (the object store of {})", path.display())]
    Objects { path: PathBuf, what: String },
    #[error("the search {query:?} is not a query: {why}")]
    Query { query: String, why: String },
}

impl StoreError {
    /// Whether the database server went away (a restart, a failover): what
    /// was under way is lost whole, and the next statement connects again.
    pub fn is_lost_connection(&self) -> bool {
        #[cfg(feature = "postgres")]
        if let StoreError::Sqlite { source, .. } = self {
            return sql::pg::is_lost(source);
        }
        false
    }

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
            StoreError::Query { .. } => Some(
                "write words (all must be there), \"a phrase\" in double quotes, and AND, OR, NOT in capitals; quote words holding - or :",
            ),
            StoreError::Pruned { .. } => Some(
                "gc keeps the raw pages its retention rules name; the text and diffs are all kept",
            ),
            StoreError::TooNew { .. } => Some("upgrade redline to read this database"),
            #[cfg(feature = "postgres")]
            StoreError::Connect { .. } => Some(
                "check that PostgreSQL runs there and that the URL's user, password and database are right (postgres://USER:PASSWORD@HOST:PORT/DB)",
            ),
            StoreError::NoPostgres { .. } => {
                Some("build redline with its default features (the `postgres` feature)")
            }
            StoreError::DiskFull { .. } => {
                Some("free some space (or run `redline gc`) and run the command again")
            }
            StoreError::Objects { .. } => Some(
                "name the object store with --blobs URL or REDLINE_BLOBS (file:///… or s3://…, AWS_* variables for S3)",
            ),
            StoreError::Conflict { .. } => {
                Some("nothing was imported; import into another database with --db")
            }
            _ => None,
        }
    }
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

pub use crate::model::check::Outcome;

/// An open redline database.
pub struct Store {
    conn: Conn,
    /// The database file, or the PostgreSQL URL without its password.
    path: PathBuf,
    /// Each revision recorded is also put in the outbox, for a worker to
    /// deliver its notifications ([`Store::use_outbox`]).
    outbox: bool,
    /// Where whole raw pages go, when not in the database.
    objects: Option<std::sync::Arc<blobs::Objects>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// The one mapping of the engines' errors to the store's: the kinds a user
/// can act on get their own variant (and hint).
fn sql_err(path: &Path, source: DbError) -> StoreError {
    use rusqlite::ErrorCode;
    let path = path.to_owned();
    let code = match &source {
        DbError::Sqlite(e) => e.sqlite_error_code(),
        DbError::Decode { .. } => {
            return StoreError::Damaged {
                path,
                what: source.to_string(),
            };
        }
        _ => None,
    };
    match code {
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

/// A text column whose value cannot be read as what it should hold.
fn bad_text(column: usize, why: impl std::fmt::Display) -> DbError {
    DbError::decode(column, why)
}

/// The one mapping of a blob's failure to the store's.
fn blob_err_at(path: &Path, e: blobs::BlobError) -> StoreError {
    let path = path.to_owned();
    match e {
        blobs::BlobError::Sql(e) => sql_err(&path, e),
        blobs::BlobError::Missing(sha) => StoreError::Damaged {
            path,
            what: format!("blob {sha} is missing"),
        },
        blobs::BlobError::Corrupt(what) => StoreError::Damaged { path, what },
        blobs::BlobError::Pruned(sha256) => StoreError::Pruned { path, sha256 },
        blobs::BlobError::Elsewhere(what) => StoreError::Objects { path, what },
    }
}

/// Holds an article's row until the transaction ends, so that two
/// processes writing its history take turns. SQLite's `IMMEDIATE`
/// transactions already take turns over the whole file; PostgreSQL locks
/// the one row.
fn lock_article(tx: &Conn, id: i64) -> sql::Result<()> {
    if tx.is_postgres() {
        tx.query_row(
            "SELECT id FROM articles WHERE id = ?1 FOR UPDATE",
            [id],
            |_| Ok(()),
        )
        .optional()?;
    }
    Ok(())
}

/// The expression for a new article's id: one past the highest, as SQLite
/// numbers rows, so that both engines give the same history the same
/// numbers. On PostgreSQL the table is locked against other additions until
/// the transaction ends (adding articles is rare; checking them is not
/// held up).
fn next_article_id(tx: &Conn) -> sql::Result<&'static str> {
    if tx.is_postgres() {
        tx.execute_batch("LOCK TABLE articles IN SHARE ROW EXCLUSIVE MODE")?;
    }
    Ok("(SELECT coalesce(max(id), 0) + 1 FROM articles)")
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

/// The PostgreSQL URL a `--db` value is, if it is one.
pub fn postgres_url(db: &Path) -> Option<&str> {
    db.to_str()
        .filter(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// A database URL as it may be shown: without its password.
fn shown_url(url: &str) -> PathBuf {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(None);
            PathBuf::from(parsed.to_string())
        }
        _ => PathBuf::from(url),
    }
}

impl Store {
    /// Opens (creating if needed, with its folder) and migrates the database.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(url) = postgres_url(path) {
            return Self::open_postgres(url);
        }
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
            conn: Conn::Sqlite(conn),
            path: path.to_owned(),
            outbox: false,
            objects: None,
        };
        store.configure()?;
        store.migrate()?;
        store.build_search_index()?;
        store.name_hosts()?;
        Ok(store)
    }

    /// Opens an existing database for reading only: nothing in it or beside
    /// it is written, so an evidence copy on a write-protected volume can be
    /// read. Where SQLite cannot even create its shared-memory file the file
    /// is opened as immutable (when no write-ahead log holds data it would
    /// miss).
    pub fn open_read_only(path: &Path) -> Result<Self> {
        use rusqlite::OpenFlags;
        if let Some(url) = postgres_url(path) {
            // Reading takes no write lock there; the schema is brought up to
            // date as by `open`.
            return Self::open_postgres(url);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let open = |name: &str| -> Result<Store> {
            let conn =
                Connection::open_with_flags(name, flags).map_err(|source| StoreError::Open {
                    path: path.to_owned(),
                    source,
                })?;
            conn.busy_timeout(Duration::from_secs(30))
                .and_then(|()| conn.execute_batch("PRAGMA foreign_keys = ON;"))
                .map_err(|e| sql_err(path, e.into()))?;
            Ok(Store {
                conn: Conn::Sqlite(conn),
                path: path.to_owned(),
                outbox: false,
                objects: None,
            })
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
        let (store, found) = match store.schema_version() {
            Ok(found) => (store, found),
            // SQLite could not set up its shared memory beside the file.
            Err(
                StoreError::ReadOnly { .. } | StoreError::Open { .. } | StoreError::Sqlite { .. },
            ) => {
                if wal_holds_data(path) {
                    return Err(StoreError::UnreadableLog {
                        path: path.to_owned(),
                    });
                }
                let store = open(&uri("?immutable=1"))?;
                let found = store.schema_version()?;
                (store, found)
            }
            Err(e) => return Err(e),
        };
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

    /// Connects to PostgreSQL and brings its schema up to date.
    #[cfg(feature = "postgres")]
    fn open_postgres(url: &str) -> Result<Self> {
        let path = shown_url(url);
        let client = sql::pg::connect(url).map_err(|source| StoreError::Connect {
            path: path.clone(),
            source,
        })?;
        let mut store = Store {
            conn: Conn::Postgres(client),
            path,
            outbox: false,
            objects: None,
        };
        store.migrate()?;
        store.name_hosts()?;
        Ok(store)
    }

    #[cfg(not(feature = "postgres"))]
    fn open_postgres(url: &str) -> Result<Self> {
        Err(StoreError::NoPostgres {
            path: shown_url(url),
        })
    }

    /// Blob storage through `conn` (the store's connection or one of its
    /// transactions), with the object store when there is one.
    fn blobs<'a>(&'a self, conn: &'a Conn) -> blobs::With<'a> {
        blobs::With {
            conn,
            objects: self.objects.as_deref(),
        }
    }

    /// Whether the store is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.conn.is_postgres()
    }

    fn schema_version(&self) -> Result<i64> {
        // Reading the schema makes SQLite open the file and its log for real.
        self.conn
            .query_row("SELECT count(*) FROM sqlite_master", params![], |_| Ok(()))
            .and_then(|()| {
                self.conn
                    .query_row("PRAGMA user_version", params![], |r| r.get(0))
            })
            .map_err(|e| self.err(e))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Begins an `IMMEDIATE` transaction (the write lock taken at once, so
    /// two writers queue rather than fail half-way), with the database's
    /// path for the error mapping of its statements.
    fn immediate(&mut self) -> Result<(Tx<'_>, PathBuf)> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction(Begin::Immediate)
            .map_err(|e| sql_err(&path, e))?;
        Ok((tx, path))
    }

    fn err(&self, source: DbError) -> StoreError {
        sql_err(&self.path, source)
    }

    fn configure(&mut self) -> Result<()> {
        let Some(conn) = self.conn.sqlite() else {
            return Ok(());
        };
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(|e| sql_err(&self.path, e.into()))?;
        // journal_mode answers with a row; read it so the pragma runs.
        let _: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| sql_err(&self.path, e.into()))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(|e| sql_err(&self.path, e.into()))
    }

    /// The schema version: SQLite keeps it in `user_version`, PostgreSQL in
    /// a one-row table.
    fn version(&self) -> Result<i64> {
        let sql = if self.conn.is_postgres() {
            "SELECT coalesce(max(version), 0) FROM schema_version"
        } else {
            "PRAGMA user_version"
        };
        self.conn
            .query_row(sql, params![], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Each engine's numbered migrations.
    fn migrations(&self) -> &'static [&'static str] {
        #[cfg(feature = "postgres")]
        if self.conn.is_postgres() {
            return PG_MIGRATIONS;
        }
        MIGRATIONS
    }

    fn migrate(&mut self) -> Result<()> {
        let migrations = self.migrations();
        let known = migrations.len() as i64;
        if self.conn.is_postgres() {
            self.conn
                .execute_batch(
                    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)",
                )
                .map_err(|e| self.err(e))?;
        }
        let version = self.version()?;
        if version > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known,
            });
        }
        for (i, sql) in migrations.iter().enumerate().skip(version as usize) {
            let tx = self
                .conn
                .transaction(Begin::Exclusive)
                .map_err(|e| Self::err_at(&self.path, e))?;
            // Another process may have taken this step while we queued.
            let done = if tx.is_postgres() {
                tx.query_row(
                    "SELECT coalesce(max(version), 0) FROM schema_version",
                    params![],
                    |r| r.get::<i64>(0),
                )
                .map_err(|e| Self::err_at(&self.path, e))?
                    > i as i64
            } else {
                false
            };
            if done {
                continue;
            }
            let step = i as i64 + 1;
            tx.execute_batch(sql)
                .and_then(|()| {
                    if tx.is_postgres() {
                        tx.execute("DELETE FROM schema_version", params![])
                            .and_then(|_| {
                                tx.execute("INSERT INTO schema_version VALUES (?1)", params![step])
                            })
                            .map(drop)
                    } else {
                        tx.execute_batch(&format!("PRAGMA user_version = {step}"))
                    }
                })
                .and_then(|()| tx.commit())
                .map_err(|e| Self::err_at(&self.path, e))?;
        }
        Ok(())
    }

    fn err_at(path: &Path, source: DbError) -> StoreError {
        sql_err(path, source)
    }

    const REVISION_COLUMNS: &str = "id, article_id, rev, captured_at, fingerprint, raw_sha256,
        text_sha256, final_url, http_status, headers, encoding, title, revert_of, words_added,
        words_removed, diff, technical, reextracted_at, classes, request_headers";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::sha256_hex;

    fn check(article_id: i64, outcome: Outcome) -> NewCheck {
        NewCheck {
            http_status: Some(200),
            duration_ms: 5,
            etag: Some("\"v1\"".into()),
            ..NewCheck::new(article_id, "2026-01-01T00:00:00.000Z".into(), outcome)
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
            .query_row("SELECT count(*) FROM blobs", params![], |r| r.get(0))
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
                    rusqlite::params![
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
                    rusqlite::params![
                        rev,
                        at,
                        crate::fingerprint::fingerprint(a),
                        sha256_hex(b"<p>raw</p>"),
                        sha256_hex(t),
                        if d.is_some() { real_diff.stats.words_added as i64 } else { 0 },
                        if d.is_some() { real_diff.stats.words_removed as i64 } else { 0 },
                        d,
                        if d.is_some() { Class::join(&classes, ",") } else { String::new() },
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
        let store = Store::open(&dir.path().join("r.db")).unwrap();
        let tx = store.conn.transaction(sql::Begin::Deferred).unwrap();
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
                params![],
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
        let store = Store::open(&dir.path().join("r.db")).unwrap();
        let sha = {
            let tx = store.conn.transaction(sql::Begin::Deferred).unwrap();
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

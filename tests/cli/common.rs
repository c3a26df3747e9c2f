//! A hermetic environment for running the real `redline` binary: a temporary
//! HOME and database, a fixed clock, no colour unless asked, and a local HTTP
//! server on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use redline::serve::{Route, Server};

pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub server: Server,
    pub timeout_secs: u64,
    /// Environment variables every run gets (secrets named by the config).
    pub vars: std::cell::RefCell<Vec<(String, String)>>,
    /// The PostgreSQL databases made for this test (dropped with it).
    pub databases: std::cell::RefCell<Vec<String>>,
}

/// Whether the suite runs on PostgreSQL: `REDLINE_TEST_POSTGRES=1`, inside
/// `pg_virtualenv` (whose `PG*` variables name the server), as `.ci/run`
/// runs it a second time. Each test then gets databases of its own.
pub fn on_postgres() -> bool {
    std::env::var_os("REDLINE_TEST_POSTGRES").is_some_and(|v| v == "1")
}

/// For a test of what only a SQLite file has (its modes, its pragmas, an
/// older SQLite schema): true, after saying so, when the suite runs on
/// PostgreSQL, where the test has nothing to check.
pub fn sqlite_only(what: &str) -> bool {
    let pg = on_postgres();
    if pg {
        eprintln!("not on PostgreSQL: {what}");
    }
    pg
}

/// Takes a SQLite database back to schema 5 (before search): drops what
/// schemas 6 to 8 added, so that a test can set an older version and see
/// this redline migrate it.
pub fn before_search(conn: &rusqlite::Connection) {
    conn.execute_batch(
        "DROP TABLE spans_fts; DROP TABLE spans; DROP TABLE search_index;
         ALTER TABLE articles DROP COLUMN public_only;
         DROP INDEX articles_host_due; DROP INDEX articles_unnamed;
         ALTER TABLE articles DROP COLUMN host; DROP TABLE hosts;
         ALTER TABLE feeds DROP COLUMN leased_by; ALTER TABLE feeds DROP COLUMN lease_until;
         DROP TABLE outbox; DROP TABLE object_store;
         PRAGMA user_version = 5;",
    )
    .expect("schema 5");
}

/// Runs one statement with `psql` on the test server's database `db`.
pub fn psql(db: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            db,
            "-c",
            sql,
        ])
        .output()
        .expect("psql (from postgresql-client) runs");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A new, empty PostgreSQL database on the test server; its URL.
fn new_database(made: &std::cell::RefCell<Vec<String>>) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "redline_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    psql("postgres", &format!("CREATE DATABASE {name}"));
    made.borrow_mut().push(name.clone());
    let var = |k: &str, default: &str| std::env::var(k).unwrap_or_else(|_| default.to_owned());
    let password = var("PGPASSWORD", "");
    PathBuf::from(format!(
        "postgres://{}{}@{}:{}/{name}",
        var("PGUSER", "postgres"),
        if password.is_empty() {
            String::new()
        } else {
            format!(":{password}")
        },
        var("PGHOST", "localhost"),
        var("PGPORT", "5432"),
    ))
}

impl Drop for Env {
    fn drop(&mut self) {
        for name in self.databases.borrow().iter() {
            let _ = Command::new("psql")
                .args(["-X", "-q", "-d", "postgres", "-c"])
                .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .output();
        }
    }
}

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
}

impl Run {
    pub fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            raw_stdout: o.stdout,
        }
    }

    /// Asserts the exit code, showing both streams when it is wrong.
    #[track_caller]
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// stdout parsed as JSON Lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let databases = Default::default();
        let db = if on_postgres() {
            new_database(&databases)
        } else {
            dir.path().join("data").join("redline.db")
        };
        Env {
            db,
            dir,
            server: Server::start().expect("local server"),
            timeout_secs: 10,
            vars: Default::default(),
            databases,
        }
    }

    /// Another database on the same engine as the test's own: a file named
    /// `name` in the test's folder, or a new PostgreSQL database.
    pub fn other_db(&self, name: &str) -> PathBuf {
        if on_postgres() {
            new_database(&self.databases)
        } else {
            self.path(name)
        }
    }

    /// Whether this test's database is on PostgreSQL (a test may point it
    /// at a file of its own).
    pub fn on_postgres(&self) -> bool {
        self.db
            .to_str()
            .is_some_and(|d| d.starts_with("postgres://"))
    }

    /// The number one query gives, read from the test's database on
    /// either engine.
    pub fn count(&self, sql: &str) -> i64 {
        if self.on_postgres() {
            let out = psql(self.db.to_str().expect("a URL"), sql);
            out.parse()
                .unwrap_or_else(|e| panic!("{sql}: {out:?}: {e}"))
        } else {
            rusqlite::Connection::open(&self.db)
                .and_then(|c| c.query_row(sql, [], |r| r.get(0)))
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        }
    }

    /// Runs SQL statements on the test's database, whichever engine holds
    /// it (to tamper with what was stored, as a damaged file would).
    pub fn sql(&self, sql: &str) {
        if self.on_postgres() {
            let url = self.db.to_str().expect("a URL");
            psql(url, sql);
        } else {
            rusqlite::Connection::open(&self.db)
                .and_then(|c| c.execute_batch(sql))
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_redline"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("REDLINE_DB", &self.db)
            .env("REDLINE_NOW", "2026-03-01T12:00:00Z")
            .env("REDLINE_TIMEOUT", self.timeout_secs.to_string())
            // Politeness and retries have their own tests; elsewhere they only
            // slow the suite down.
            .env("REDLINE_HOST_DELAY", "0")
            .env("REDLINE_RETRIES", "0")
            .env("TERM", "dumb")
            // Times shown to a person are local; the tests' zone is UTC
            // unless a test says otherwise.
            .env("TZ", "UTC")
            .current_dir(self.dir.path());
        for (k, v) in self.vars.borrow().iter() {
            cmd.env(k, v);
        }
        cmd
    }

    /// Sets an environment variable for every later run.
    pub fn set_var(&self, name: &str, value: &str) {
        self.vars
            .borrow_mut()
            .push((name.to_owned(), value.to_owned()));
    }

    /// Runs `redline ARGS…`.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command().args(args).output().expect("run redline"))
    }

    /// Runs `redline ARGS…` on another database file.
    pub fn run_db(&self, db: &Path, args: &[&str]) -> Run {
        let mut cmd = self.command();
        cmd.env("REDLINE_DB", db).args(args);
        Run::from(cmd.output().expect("run redline"))
    }

    /// Runs `redline ARGS…` with the clock fixed at `now` (RFC 3339).
    pub fn run_at(&self, now: &str, args: &[&str]) -> Run {
        let mut cmd = self.command();
        cmd.env("REDLINE_NOW", now).args(args);
        Run::from(cmd.output().expect("run redline"))
    }

    /// `redline export --all --format FORMAT -o PATH EXTRA…`.
    pub fn export_all(&self, format: &str, path: &Path, extra: &[&str]) -> Run {
        let mut args = vec!["export", "--all", "--format", format, "-o"];
        args.push(path.to_str().expect("a UTF-8 path"));
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Serves HTML at `path` and returns its URL.
    pub fn serve(&self, path: &str, html: &str) -> String {
        self.server.set(path, Route::html(html));
        self.server.url(path)
    }

    pub fn set(&self, path: &str, route: Route) {
        self.server.set(path, route);
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Number of revisions `log --json` reports for an article.
    pub fn revisions(&self, target: &str) -> usize {
        self.run(&["log", target, "--json"])
            .expect(0)
            .json_lines()
            .len()
    }

    /// The article's `list --json` record.
    pub fn listed(&self, id: i64) -> serde_json::Value {
        self.run(&["list", "--json"])
            .expect(0)
            .json_lines()
            .into_iter()
            .find(|a| a["id"] == id)
            .unwrap_or_else(|| panic!("article {id} not listed"))
    }
}

/// Whether the tests run as root (who can mount, and whom file modes do not
/// stop).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A small article page written for these tests.
pub fn page(title: &str, paragraphs: &[&str], boilerplate: &str) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | Test Times</title></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\
         <article><h1>{title}</h1><div class=\"story\">{body}</div></article>\
         <aside class=\"related\"><ul><li><a href=\"/x\">{boilerplate}</a></li></ul></aside></body></html>"
    )
}

pub const PARAS: &[&str] = &[
    "The river authority opened the northern sluice gates on Friday morning, a week earlier than planned, after two days of heavy rain upstream.",
    "Farmers along the lower valley said the early opening had flooded fields that were due to be harvested next week, and asked for compensation.",
    "An authority engineer said the decision had been taken to protect the town bridge, which is closed to traffic when the water rises above the red mark.",
];

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

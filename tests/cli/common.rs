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
        let db = dir.path().join("data").join("redline.db");
        Env {
            db,
            dir,
            server: Server::start().expect("local server"),
            timeout_secs: 10,
            vars: Default::default(),
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

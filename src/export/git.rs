//! git: a repository with one commit per revision, in capture order, one
//! Markdown file per article (front matter with the fields, then the text).
//! Author and committer date are the capture time, so `git log -p` on a file
//! tells its story, and exporting the same history twice gives the same
//! commits. Incremental: revisions already exported (listed in
//! `.git/redline-export`) are skipped, new ones are committed on top.
//!
//! Commits are written with `git fast-import`, so git must be installed.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use super::{ExportError, Report, Selected, slug, what_changed, word_counts};
use crate::extract::Article;
use crate::store::{RevisionRow, Store};

pub(crate) const STATE: &str = "redline-export";
const BRANCH: &str = "refs/heads/main";

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, ExportError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| ExportError::Git(format!("cannot run git: {e}")))
}

fn check(out: std::process::Output, what: &str) -> Result<(), ExportError> {
    if out.status.success() {
        Ok(())
    } else {
        Err(ExportError::Git(format!(
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

fn key(url: &str, r: &RevisionRow) -> String {
    format!("{url}\t{}\t{}", r.rev, r.text_sha256)
}

/// The file an article is kept in.
pub fn file_name(url: &str) -> String {
    format!("{}.md", slug(url))
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

/// A revision's file: front matter, then the article.
pub fn document(url: &str, r: &RevisionRow, a: &Article) -> String {
    let mut out = String::from("---\n");
    let mut field = |name: &str, value: Option<&str>| {
        if let Some(v) = value {
            out.push_str(&format!("{name}: {}\n", quoted(v)));
        }
    };
    field("title", a.title.as_deref());
    field("url", Some(url));
    field("byline", a.byline.as_deref());
    field("published", a.published.as_deref());
    field("modified", a.modified.as_deref());
    field("captured_at", Some(&r.captured_at));
    field("raw_sha256", Some(&r.raw_sha256));
    out.push_str(&format!("rev: {}\n", r.rev));
    let classes: Vec<String> = r.classes.iter().map(|c| quoted(c.as_str())).collect();
    out.push_str(&format!("classes: [{}]\n", classes.join(", ")));
    if r.http_status != 200 {
        out.push_str(&format!("http_status: {}\n", r.http_status));
    }
    out.push_str("---\n");
    if let Some(lead) = &a.lead {
        out.push_str(&format!("\n{lead}\n"));
    }
    for p in &a.body {
        out.push_str(&format!("\n{p}\n"));
    }
    for c in &a.corrections {
        out.push_str(&format!("\n> {c}\n"));
    }
    out
}

fn message(url: &str, r: &RevisionRow) -> String {
    let mut subject = format!(
        "{}: {}",
        r.title.as_deref().unwrap_or("(no headline)"),
        what_changed(r)
    );
    if let Some(counts) = word_counts(r) {
        subject.push_str(&format!(" ({counts})"));
    }
    format!(
        "{subject}\n\nRevision {} of {url}, captured {}.\n\nRedline-Url: {url}\nRedline-Rev: {}\n",
        r.rev, r.captured_at, r.rev
    )
}

fn data(stream: &mut Vec<u8>, bytes: &[u8]) {
    stream.extend_from_slice(format!("data {}\n", bytes.len()).as_bytes());
    stream.extend_from_slice(bytes);
    stream.push(b'\n');
}

pub fn export(store: &Store, selected: &[Selected], dir: &Path) -> Result<Report, ExportError> {
    super::create_dir(dir, super::Format::Git)?;
    if !dir.join(".git").exists() {
        check(git(dir, &["init", "-q", "-b", "main"])?, "git init")?;
    }
    let state_path = dir.join(".git").join(STATE);
    let done: HashSet<String> = std::fs::read_to_string(&state_path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect();
    let mut todo: Vec<(&str, &RevisionRow)> = selected
        .iter()
        .flat_map(|s| s.revisions.iter().map(move |r| (s.article.url.as_str(), r)))
        .filter(|(url, r)| !done.contains(&key(url, r)))
        .collect();
    todo.sort_by(|a, b| {
        (a.1.captured_at.as_str(), a.0, a.1.rev).cmp(&(b.1.captured_at.as_str(), b.0, b.1.rev))
    });
    let mut report = Report::of(selected);
    report.skipped = report.revisions - todo.len();
    if todo.is_empty() {
        return Ok(report);
    }
    let has_branch = git(dir, &["rev-parse", "--verify", "-q", BRANCH])?
        .status
        .success();
    let mut stream = Vec::new();
    for (i, (url, r)) in todo.iter().enumerate() {
        let article = store.revision_article(r)?;
        let when = crate::clock::parse_rfc3339(&r.captured_at).map_or(0, |t| t.as_second());
        let who = format!("redline <redline@localhost> {when} +0000");
        stream.extend_from_slice(
            format!("commit {BRANCH}\nauthor {who}\ncommitter {who}\n").as_bytes(),
        );
        data(&mut stream, message(url, r).as_bytes());
        if i == 0 && has_branch {
            stream.extend_from_slice(format!("from {BRANCH}^0\n").as_bytes());
        }
        stream.extend_from_slice(format!("M 100644 inline {}\n", file_name(url)).as_bytes());
        data(&mut stream, document(url, r, &article).as_bytes());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ExportError::Git(format!("cannot run git: {e}")))?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(&stream)
        .map_err(|e| ExportError::Git(format!("git fast-import stopped reading: {e}")))?;
    check(
        child
            .wait_with_output()
            .map_err(|e| ExportError::Git(e.to_string()))?,
        "git fast-import",
    )?;
    // Bring the working tree up to the new commits.
    check(git(dir, &["reset", "-q", "--hard", BRANCH])?, "git reset")?;
    let mut state = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&state_path)
        .map_err(ExportError::write(&state_path))?;
    for (url, r) in &todo {
        writeln!(state, "{}", key(url, r)).map_err(ExportError::write(&state_path))?;
    }
    Ok(report)
}

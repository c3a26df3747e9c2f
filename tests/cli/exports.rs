//! Exports read back by real clients (git, warcio, Python's csv module, an
//! Atom parser, headless Chromium), the jsonl import round trip, `verify`
//! and `gc`.
//!
//! git, python3 with warcio and chromium are installed by `.ci/run`, which sets
//! REDLINE_REQUIRE_TOOLS=1 so that a missing one fails the test there; on a
//! developer machine without them those checks say so and are skipped.

use std::path::Path;
use std::process::Command;

use redline::snapshots::ARTICLES;

use crate::common::{Env, page, read};

const T0: &str = "2026-03-01T12:00:00Z";

fn at(step: usize) -> String {
    format!("2026-03-{:02}T12:00:00Z", 1 + step)
}

/// Text with markup characters, commas and quotes: an article about HTML.
const TRICKY: &[&str] = &[
    "The council’s web team said a page that showed <script>document.title='owned'</script> as text was safe, \"quoted\", and fine.",
    "A second paragraph, with a comma, stays the same in every version.",
];

/// The snapshot articles stepped through all their versions (one day
/// apart), plus an article whose text holds markup. Returns the tricky
/// article's id.
fn history(env: &Env) -> String {
    let urls: Vec<String> = ARTICLES
        .iter()
        .map(|a| env.serve(a.path, a.versions[0].html))
        .collect();
    let escaped: Vec<String> = TRICKY
        .iter()
        .map(|p| p.replace('<', "&lt;").replace('>', "&gt;"))
        .collect();
    let paras: Vec<&str> = escaped.iter().map(String::as_str).collect();
    let tricky = env.serve(
        "/tech/markup",
        &page("Markup, \"quotes\" & more", &paras, "x"),
    );
    let mut args = vec!["track"];
    args.extend(urls.iter().map(String::as_str));
    args.push(&tricky);
    env.run_at(T0, &args).expect(0);
    let steps = ARTICLES.iter().map(|a| a.versions.len()).max().unwrap();
    for step in 1..steps {
        for a in ARTICLES {
            if let Some(v) = a.versions.get(step) {
                env.serve(a.path, v.html);
            }
        }
        if step == 1 {
            let edited = escaped[0].replace("was safe", "was entirely safe");
            env.serve(
                "/tech/markup",
                &page("Markup, \"quotes\" & more", &[&edited, &escaped[1]], "y"),
            );
        }
        env.run_at(&at(step), &["check"]).expect(0);
    }
    (ARTICLES.len() + 1).to_string()
}

/// Every revision `log --json` lists, over all articles.
fn all_revisions(env: &Env) -> Vec<serde_json::Value> {
    let n = env.run(&["list", "--json"]).expect(0).json_lines().len();
    (1..=n)
        .flat_map(|id| {
            env.run(&["log", &id.to_string(), "--json"])
                .expect(0)
                .json_lines()
        })
        .collect()
}

/// Whether an outside tool is there; fails when CI says it must be.
pub(crate) fn have(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("REDLINE_REQUIRE_TOOLS").is_none(),
            "{tool} is needed for this test (.ci/run installs it)"
        );
        eprintln!("skipped: {tool} is not installed");
    }
    ok
}

/// `redline export --all --format FORMAT -o OUT`, which must succeed.
fn export_all(env: &Env, format: &str, out: &Path) -> crate::common::Run {
    env.run(&[
        "export",
        "--all",
        "--format",
        format,
        "-o",
        out.to_str().unwrap(),
    ])
    .expect(0)
}

fn python(script: &str, args: &[&Path]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn jsonl_export_import_export_is_identical_and_raw_pages_come_back() {
    let env = Env::new();
    history(&env);
    let first = env.path("first.jsonl");
    export_all(&env, "jsonl", &first);
    let lines = read(&first);
    let text = String::from_utf8(lines.clone()).unwrap();
    let revisions = all_revisions(&env);
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("\"type\":\"revision\""))
            .count(),
        revisions.len()
    );
    let record: serde_json::Value = serde_json::from_str(
        text.lines()
            .find(|l| l.contains("\"rev\":2"))
            .expect("a second revision"),
    )
    .unwrap();
    for field in [
        "raw_sha256",
        "text_sha256",
        "classes",
        "words_added",
        "diff",
        "article",
    ] {
        assert!(!record[field].is_null(), "{field} missing: {record}");
    }
    assert!(record["article"]["body"].is_array());
    assert!(record["diff"]["body"].is_array());

    // Into an empty database and out again: the same bytes.
    let other = env.other_db("other.db");
    env.run_db(&other, &["import", first.to_str().unwrap()])
        .expect(0);
    let second = env.path("second.jsonl");
    env.run_db(
        &other,
        &[
            "export",
            "--all",
            "--format",
            "jsonl",
            "-o",
            second.to_str().unwrap(),
        ],
    )
    .expect(0);
    assert!(
        lines == read(&second),
        "export → import → export changed the file"
    );

    // Importing again adds nothing.
    let again = env
        .run_db(&other, &["import", first.to_str().unwrap()])
        .expect(0);
    assert!(again.stderr.contains("0 revisions"), "{}", again.stderr);

    // A full backup brings the raw pages back byte for byte.
    let full = env.path("full.jsonl");
    env.run(&[
        "export",
        "1",
        "--format",
        "jsonl",
        "--with-raw",
        "-o",
        full.to_str().unwrap(),
    ])
    .expect(0);
    let restored = env.other_db("restored.db");
    env.run_db(&restored, &["import", full.to_str().unwrap()])
        .expect(0);
    let original = env.run(&["show", "1", "2", "--raw"]).expect(0).raw_stdout;
    let restored = env
        .run_db(&restored, &["show", "1", "2", "--raw"])
        .expect(0);
    assert_eq!(restored.raw_stdout, original);
}

#[test]
fn import_refuses_a_tampered_or_foreign_file_and_imports_nothing() {
    let env = Env::new();
    history(&env);
    let file = env.path("e.jsonl");
    export_all(&env, "jsonl", &file);
    let text = String::from_utf8(read(&file)).unwrap();
    let tampered = text.replacen("lighthouse", "lamppost", 1);
    assert_ne!(tampered, text);
    let bad = env.path("bad.jsonl");
    std::fs::write(&bad, tampered).unwrap();
    let fresh = env.other_db("fresh.db");
    let out = env
        .run_db(&fresh, &["import", bad.to_str().unwrap()])
        .expect(1);
    assert!(
        out.stderr.contains("does not match text_sha256"),
        "{}",
        out.stderr
    );
    let listed = env.run_db(&fresh, &["list", "--json"]).expect(0);
    assert!(listed.stdout.is_empty(), "nothing imported");

    let junk = env.path("junk.jsonl");
    std::fs::write(&junk, "{\"hello\": 1}\n").unwrap();
    let out = env.run(&["import", junk.to_str().unwrap()]).expect(1);
    assert!(out.stderr.contains("line 1"), "{}", out.stderr);
}

#[test]
fn export_filters_by_class_and_time() {
    let env = Env::new();
    history(&env);
    let revisions = all_revisions(&env);
    let headline = revisions
        .iter()
        .filter(|r| {
            r["classes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "headline")
        })
        .count();
    assert!(headline > 0);
    let out = env
        .run(&[
            "export", "--all", "--format", "jsonl", "--class", "headline", "-o", "-",
        ])
        .expect(0);
    let got = out
        .stdout
        .lines()
        .filter(|l| l.contains("\"type\":\"revision\""))
        .count();
    assert_eq!(got, headline);

    let since = env
        .run(&[
            "export",
            "--all",
            "--format",
            "jsonl",
            "--since",
            &at(2),
            "-o",
            "-",
        ])
        .expect(0);
    let later = revisions
        .iter()
        .filter(|r| r["captured_at"].as_str().unwrap() >= "2026-03-03")
        .count();
    assert_eq!(
        since
            .stdout
            .lines()
            .filter(|l| l.contains("\"type\":\"revision\""))
            .count(),
        later
    );

    let bad = env
        .run(&[
            "export", "--all", "--format", "jsonl", "--class", "gossip", "-o", "-",
        ])
        .expect(2);
    assert!(bad.stderr.contains("not a change class"), "{}", bad.stderr);
    let folder = env
        .run(&["export", "--all", "--format", "csv", "-o", "-"])
        .expect(2);
    assert!(folder.stderr.contains("folder"), "{}", folder.stderr);
    let file = env.path("a-file.txt");
    std::fs::write(&file, "x").unwrap();
    let onto_file = env
        .run(&[
            "export",
            "--all",
            "--format",
            "html",
            "-o",
            file.to_str().unwrap(),
        ])
        .expect(2);
    assert!(
        onto_file.stderr.contains("is a file"),
        "{}",
        onto_file.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "x",
        "left untouched"
    );
}

#[test]
fn csv_reads_back_with_pythons_csv_module() {
    let env = Env::new();
    let tricky = history(&env);
    let dir = env.path("csv");
    export_all(&env, "csv", &dir);
    let script = r#"
import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
    rows = list(csv.DictReader(f))
with open(sys.argv[2], newline='', encoding='utf-8-sig') as f:
    arts = list(csv.DictReader(f))
print(json.dumps({"rows": rows, "articles": arts}))
"#;
    let out = python(
        script,
        &[&dir.join("revisions.csv"), &dir.join("articles.csv")],
    );
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = parsed["rows"].as_array().unwrap();
    let revisions = all_revisions(&env);
    assert_eq!(rows.len(), revisions.len());
    assert_eq!(
        parsed["articles"].as_array().unwrap().len(),
        ARTICLES.len() + 1
    );
    for (row, rev) in rows.iter().zip(&revisions) {
        assert_eq!(row["title"], rev["title"], "{row}");
        assert_eq!(row["words_added"], rev["words_added"].to_string());
        assert_eq!(row["raw_sha256"], rev["sha256"]);
    }
    // The title with a comma, quotes and an ampersand survives quoting.
    let tricky_row = rows
        .iter()
        .find(|r| r["article_id"] == tricky.as_str())
        .unwrap();
    assert_eq!(tricky_row["title"], "Markup, \"quotes\" & more");
}

#[test]
fn atom_feed_parses_with_stable_ids_and_diffs() {
    let env = Env::new();
    history(&env);
    let file = env.path("changes.atom");
    let export = || {
        // The feed is rewritten in place, as a cron job would.
        let _ = std::fs::remove_file(&file);
        export_all(&env, "atom", &file);
        feed_rs::parser::parse(&read(&file)[..]).expect("a valid Atom feed")
    };
    let feed = export();
    let revisions = all_revisions(&env);
    assert_eq!(feed.entries.len(), revisions.len());
    let ids: std::collections::HashSet<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), revisions.len(), "entry ids are unique");
    let diffs = feed
        .entries
        .iter()
        .filter(|e| {
            e.content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .is_some_and(|b| b.contains("<ins>") || b.contains("<del>"))
        })
        .count();
    assert!(
        diffs >= revisions.len() - ARTICLES.len() - 1,
        "{diffs} entries carry a diff"
    );
    let again = export();
    let ids_again: Vec<&str> = again.entries.iter().map(|e| e.id.as_str()).collect();
    let ids_first: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids_first, ids_again, "ids are stable across exports");

    // One article's own feed.
    let one = env.path("one.atom");
    env.run(&[
        "export",
        "1",
        "--format",
        "atom",
        "-o",
        one.to_str().unwrap(),
    ])
    .expect(0);
    let feed = feed_rs::parser::parse(&read(&one)[..]).unwrap();
    assert_eq!(feed.entries.len(), env.revisions("1"));
}

#[test]
fn git_export_has_one_commit_per_revision_and_adds_only_new_ones() {
    if !have("git", &["--version"]) {
        return;
    }
    let env = Env::new();
    history(&env);
    let repo = env.path("repo");
    let git = |args: &[&str]| -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    export_all(&env, "git", &repo);
    let revisions = all_revisions(&env);
    let dates = git(&["log", "--reverse", "--format=%aI"]);
    assert_eq!(dates.lines().count(), revisions.len());
    let mut sorted: Vec<&str> = dates.lines().collect();
    sorted.sort();
    assert_eq!(
        sorted,
        dates.lines().collect::<Vec<_>>(),
        "commits in time order"
    );
    assert!(dates.starts_with("2026-03-01T12:00:00"), "{dates}");
    assert!(
        git(&["status", "--porcelain"]).is_empty(),
        "working tree matches"
    );
    let story = git(&["log", "-p", "--", "."]);
    assert!(
        story.contains("+> Correction:"),
        "a correction appears as added text"
    );

    // A second export adds nothing; a new revision adds one commit.
    export_all(&env, "git", &repo);
    assert_eq!(
        git(&["rev-list", "--count", "HEAD"]).trim(),
        revisions.len().to_string()
    );
    let edited = TRICKY[1].replace("stays the same", "no longer stays the same");
    let escaped: Vec<String> = [TRICKY[0].replace("was safe", "was entirely safe"), edited]
        .iter()
        .map(|p| p.replace('<', "&lt;").replace('>', "&gt;"))
        .collect();
    let paras: Vec<&str> = escaped.iter().map(String::as_str).collect();
    env.serve(
        "/tech/markup",
        &page("Markup, \"quotes\" & more", &paras, "z"),
    );
    env.run_at("2026-03-20T12:00:00Z", &["check"]).expect(0);
    let out = env
        .run(&[
            "export",
            "--all",
            "--format",
            "git",
            "-o",
            repo.to_str().unwrap(),
        ])
        .expect(0);
    assert!(out.stderr.contains("already there"), "{}", out.stderr);
    assert_eq!(
        git(&["rev-list", "--count", "HEAD"]).trim(),
        (revisions.len() + 1).to_string()
    );
    assert!(
        git(&["log", "-1", "-p"]).contains("+A second paragraph, with a comma, no longer stays")
    );
}

#[test]
fn warc_reads_with_warcio_digests_checked_and_payloads_exact() {
    if !have("python3", &["-c", "import warcio"]) {
        return;
    }
    let env = Env::new();
    history(&env);
    let file = env.path("history.warc.gz");
    export_all(&env, "warc", &file);
    let script = r#"
import hashlib, json, sys
from warcio.archiveiterator import ArchiveIterator
out = []
with open(sys.argv[1], 'rb') as f:
    for rec in ArchiveIterator(f, check_digests='raise'):
        item = {"type": rec.rec_type, "uri": rec.rec_headers.get_header('WARC-Target-URI')}
        if rec.rec_type == 'response':
            body = rec.content_stream().read()
            item["sha256"] = hashlib.sha256(body).hexdigest()
            item["status"] = rec.http_headers.get_statuscode()
        out.append(item)
print(json.dumps(out))
"#;
    let records: Vec<serde_json::Value> = serde_json::from_str(&python(script, &[&file])).unwrap();
    let revisions = all_revisions(&env);
    let count = |t: &str| records.iter().filter(|r| r["type"] == t).count();
    assert_eq!(count("warcinfo"), 1);
    assert_eq!(count("request"), revisions.len());
    assert_eq!(count("response"), revisions.len());
    assert_eq!(count("metadata"), revisions.len());
    let mut got: Vec<&str> = records
        .iter()
        .filter(|r| r["type"] == "response")
        .map(|r| r["sha256"].as_str().unwrap())
        .collect();
    let mut want: Vec<&str> = revisions
        .iter()
        .map(|r| r["sha256"].as_str().unwrap())
        .collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "every payload is the page as served");
}

#[test]
fn html_site_opens_in_headless_chromium_with_text_escaped_and_diff_visible() {
    let chromium = ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(chromium) = chromium else {
        have("chromium", &["--version"]);
        return;
    };
    let env = Env::new();
    let tricky = history(&env);
    let site = env.path("site");
    export_all(&env, "html", &site);
    let html = String::from_utf8(read(&site.join("a").join(&tricky).join("2.html"))).unwrap();
    assert!(!html.contains("<script"), "no script element in the page");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!(
            "--user-data-dir={}",
            env.path("chromium-profile").display()
        ))
        .arg("--dump-dom")
        .arg(format!(
            "file://{}",
            site.join("a").join(&tricky).join("2.html").display()
        ))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("<ins>entirely</ins>"),
        "the diff is in the page:\n{dom}\n{}",
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| !l.contains("dbus"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        dom.contains("&lt;script&gt;document.title='owned'&lt;/script&gt;"),
        "the article's markup shows as text"
    );
    assert!(!dom.contains("<title>owned</title>"), "no script ran");
    assert!(read(&site.join("index.html")).len() > 100);
}

#[test]
fn verify_passes_then_names_a_corrupted_blob() {
    let env = Env::new();
    history(&env);
    let ok = env.run(&["verify"]).expect(0);
    assert!(ok.stdout.contains("all good"), "{}", ok.stdout);
    // Flip bytes in the stored raw page of article 1, revision 2.
    let raw_sha = env.run(&["log", "1", "--json"]).json_lines()[1]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let n = env.count(&format!(
        "SELECT count(*) FROM blobs WHERE sha256 = '{raw_sha}' AND length(data) > 0"
    ));
    assert_eq!(n, 1);
    env.sql(&if crate::common::on_postgres() {
        format!(
            "UPDATE blobs SET data = decode(repeat('00', length(data)), 'hex') WHERE sha256 = '{raw_sha}'"
        )
    } else {
        format!("UPDATE blobs SET data = zeroblob(length(data)) WHERE sha256 = '{raw_sha}'")
    });
    let bad = env.run(&["verify"]).expect(1);
    assert!(bad.stdout.contains(&raw_sha), "{}", bad.stdout);
    assert!(bad.stdout.contains("#1 rev 2 page"), "{}", bad.stdout);
    let json = env.run(&["verify", "--json"]).expect(1).json_lines();
    assert_eq!(json[0]["ok"], false);
}

#[test]
fn gc_removes_old_raw_pages_but_keeps_text_hashes_and_recent_pages() {
    let env = Env::new();
    history(&env);
    let revs = env.revisions("3");
    assert!(revs >= 3);
    let dry = env.run(&["gc", "--keep-last", "1", "--dry-run"]).expect(0);
    assert!(dry.stderr.contains("would remove"), "{}", dry.stderr);
    assert!(dry.stderr.contains("%) of the "), "{}", dry.stderr);
    env.run(&["show", "3", "1", "--raw"]).expect(0);
    // These small pages are stored as deltas: removing them saves little,
    // and gc refuses unless forced.
    let refused = env.run(&["gc", "--keep-last", "1"]).expect(1);
    assert!(
        refused.stderr.contains("gc removed nothing"),
        "{}",
        refused.stderr
    );
    env.run(&["show", "3", "1", "--raw"]).expect(0);
    let done = env
        .run(&["gc", "--keep-last", "1", "--vacuum", "--force"])
        .expect(0);
    assert!(done.stderr.contains("vacuumed"), "{}", done.stderr);
    let gone = env.run(&["show", "3", "1", "--raw"]).expect(1);
    assert!(gone.stderr.contains("redline gc"), "{}", gone.stderr);
    // The text, the diffs and the hashes stay; the latest page stays.
    env.run(&["show", "3", "1"]).expect(0);
    env.run(&["diff", "3", "2"]).expect(0);
    env.run(&["show", "3", &revs.to_string(), "--raw"])
        .expect(0);
    let log = env.run(&["log", "3", "--json"]).json_lines();
    assert_eq!(log.len(), revs);
    env.run(&["verify"]).expect(0);
    let warc = env
        .run(&[
            "export",
            "3",
            "--format",
            "warc",
            "-o",
            env.path("w.warc.gz").to_str().unwrap(),
        ])
        .expect(0);
    assert!(warc.stderr.contains("left out"), "{}", warc.stderr);
}

#[test]
fn markdown_history_has_a_heading_per_revision_and_marked_changes() {
    let env = Env::new();
    let tricky = history(&env);
    let out = env
        .run(&["export", "--all", "--format", "md", "-o", "-"])
        .expect(0)
        .stdout;
    let revisions = all_revisions(&env);
    assert_eq!(
        out.matches("\n## Revision ").count(),
        revisions.len(),
        "{out}"
    );
    assert!(out.contains("first version"));
    assert!(out.contains("**entirely**"), "the added word is in bold");
    // Markup in article text is escaped, never passed through.
    assert!(out.contains("\\<script\\>"), "{out}");
    assert!(!out.contains("<script>"));
    let one = env
        .run(&["export", &tricky, "--format", "md", "-o", "-"])
        .expect(0)
        .stdout;
    assert!(one.starts_with("# Markup, \"quotes\" & more"), "{one}");
}

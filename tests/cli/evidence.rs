//! Evidence handling: a write-protected database is still readable, files are
//! private to their owner, exports never overwrite and never leave their
//! folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Env, PARAS, page};

/// A folder made read-only for the duration of a test. As root, permission
/// bits do not stop writes, so a read-only bind mount of the folder is used
/// (undone on drop); as anyone else, the bits are cleared.
struct ReadOnly {
    dir: PathBuf,
    mounted: bool,
}

impl ReadOnly {
    fn new(dir: &Path) -> Self {
        let root = crate::common::is_root();
        if root {
            let d = dir.to_str().unwrap();
            for args in [&["--bind", d, d][..], &["-o", "remount,ro,bind", d, d][..]] {
                let ok = Command::new("mount")
                    .args(args)
                    .status()
                    .is_ok_and(|s| s.success());
                assert!(
                    ok,
                    "mount {args:?} failed: a read-only folder is needed as root"
                );
            }
        } else {
            set_mode(dir, 0o555);
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                set_mode(&entry.path(), 0o444);
            }
        }
        ReadOnly {
            dir: dir.to_owned(),
            mounted: root,
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount").arg(&self.dir).status();
        } else {
            set_mode(&self.dir, 0o755);
            for entry in std::fs::read_dir(&self.dir).unwrap().flatten() {
                set_mode(&entry.path(), 0o644);
            }
        }
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn tracked_twice(env: &Env) {
    let url = env.serve("/a", &page("First", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    env.serve("/a", &page("Second", PARAS, "x"));
    env.run(&["check"]).expect(0);
}

#[test]
fn a_write_protected_database_is_read_by_every_read_command() {
    if crate::common::sqlite_only("a write-protected SQLite file and folder") {
        return;
    }
    let env = Env::new();
    tracked_twice(&env);
    let folder = env.db.parent().unwrap().to_owned();
    let before = std::fs::read(&env.db).unwrap();
    let files_before: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let out_dir = env.path("out");
    {
        let _ro = ReadOnly::new(&folder);
        let list = env.run(&["list", "--json"]).expect(0);
        assert_eq!(list.json_lines()[0]["revisions"], 2, "{}", list.stdout);
        let log = env.run(&["log", "1"]).expect(0);
        assert!(log.stdout.contains("Second"), "{}", log.stdout);
        env.run(&["show", "1", "1"]).expect(0);
        let diff = env.run(&["diff", "1"]).expect(0);
        assert!(diff.stdout.contains("Second"), "{}", diff.stdout);
        env.run(&["blame", "1"]).expect(0);
        env.run(&["status"]).expect(0);
        env.run(&["feeds"]).expect(0);
        let verify = env.run(&["verify"]).expect(0);
        assert!(verify.stdout.contains("all good"), "{}", verify.stdout);
        let jsonl = out_dir.join("all.jsonl");
        std::fs::create_dir_all(&out_dir).unwrap();
        env.export_all("jsonl", &jsonl, &[]).expect(0);
        assert!(std::fs::metadata(&jsonl).unwrap().len() > 0);
        // A command that writes says why it cannot.
        let check = env.run(&["check"]).expect(1);
        assert!(
            check
                .stderr
                .contains("is read-only, and this command writes to it"),
            "{}",
            check.stderr
        );
        assert!(
            check.stderr.contains("hint: list, log, show"),
            "{}",
            check.stderr
        );
    }
    assert_eq!(
        std::fs::read(&env.db).unwrap(),
        before,
        "the file is unchanged"
    );
    let files_after: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(files_before, files_after, "nothing was created beside it");
}

#[test]
fn the_database_is_private_to_its_owner() {
    if crate::common::sqlite_only("the modes of a SQLite file and its folder") {
        return;
    }
    let env = Env::new();
    tracked_twice(&env);
    assert_eq!(mode(&env.db), 0o600);
    assert_eq!(mode(env.db.parent().unwrap()), 0o700);
}

#[test]
fn exports_never_replace_what_they_did_not_write() {
    let env = Env::new();
    tracked_twice(&env);
    let export = |format: &str, path: &Path, force: bool| {
        env.export_all(format, path, if force { &["--force"] } else { &[] })
    };
    // An existing file is kept, byte for byte, unless --force.
    let file = env.path("notes.jsonl");
    std::fs::write(&file, "my own notes\n").unwrap();
    for format in ["jsonl", "md", "atom", "warc"] {
        let out = export(format, &file, false).expect(1);
        assert!(
            out.stderr
                .contains("exists; an export never replaces a file unasked"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("hint: choose a new name, or add --force"),
            "{}",
            out.stderr
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"my own notes\n");
    }
    export("jsonl", &file, true).expect(0);
    assert_ne!(std::fs::read(&file).unwrap(), b"my own notes\n");
    // A folder with someone else's index.html is kept, unless --force.
    let site = env.path("site");
    std::fs::create_dir(&site).unwrap();
    std::fs::write(site.join("index.html"), "<h1>my site</h1>").unwrap();
    for format in ["html", "csv", "git"] {
        let out = export(format, &site, false).expect(1);
        assert!(
            out.stderr
                .contains("holds files that redline did not write"),
            "{}",
            out.stderr
        );
        assert_eq!(
            std::fs::read(site.join("index.html")).unwrap(),
            b"<h1>my site</h1>"
        );
    }
    // A folder redline wrote is brought up to date; so is a new one.
    for format in ["html", "csv", "git"] {
        let folder = env.path(&format!("new-{format}"));
        export(format, &folder, false).expect(0);
        export(format, &folder, false).expect(0);
        assert_eq!(mode(&folder), 0o700, "{format}");
    }
    let html = env.path("new-html");
    assert_eq!(mode(&html.join("index.html")), 0o600);
    assert_eq!(mode(&env.path("new-csv").join("articles.csv")), 0o600);
    // A different format into a folder of another is refused.
    export("csv", &html, false).expect(1);
    let one = env.path("one.md");
    export("md", &one, false).expect(0);
    assert_eq!(mode(&one), 0o600);
}

#[test]
fn export_paths_stay_in_the_chosen_folder_whatever_the_url() {
    let env = Env::new();
    let html = page("Escape <script>alert(1)</script> attempt", PARAS, "x");
    // Path segments of dots and slashes encoded every way a URL allows.
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/x",
        "/a/..%2f..%2fb",
        "/..",
        "/%2F%2Fetc",
    ] {
        env.serve(path, &html);
    }
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/x",
        "/a/..%2f..%2fb",
        "/%2F%2Fetc",
    ] {
        let url = env.server.url(path);
        env.run(&["track", &url]);
    }
    let root = env.path("exports");
    std::fs::create_dir(&root).unwrap();
    for format in ["git", "html", "csv"] {
        let dir = root.join(format);
        env.export_all(format, &dir, &[]).expect(0);
    }
    // Nothing was written outside the exports folder's own subfolders.
    let outside: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(outside.len(), 3, "{outside:?}");
    let listing = std::fs::read_dir(env.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    assert!(
        listing
            .iter()
            .all(|n| ["data", "exports", "xdg", "config"].contains(&n.as_str())),
        "{listing:?}"
    );
    for entry in walk(&root) {
        let real = entry.canonicalize().unwrap();
        assert!(
            real.starts_with(root.canonicalize().unwrap()),
            "{}",
            real.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            all.extend(walk(&path));
        }
        all.push(path);
    }
    all
}

#[test]
fn verify_derives_every_diff_and_class_again_and_names_what_was_edited() {
    let env = Env::new();
    let url = env.serve("/a", &page("First", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    let mut edited = PARAS.to_vec();
    edited[1] = "Farmers said the early opening flooded nothing at all.";
    env.serve("/a", &page("First", &edited, "x"));
    env.run(&["check"]).expect(0);
    env.serve("/a", &page("Second", &edited, "x"));
    env.run(&["check"]).expect(0);
    env.run(&["verify"]).expect(0);
    // Rev 2's stored diff swapped for rev 3's, rev 3's classes and counts
    // rewritten, rev 3 made a revert of rev 1.
    env.sql(
        "UPDATE revisions SET diff = (SELECT diff FROM revisions WHERE rev = 3) WHERE rev = 2;
         UPDATE revisions SET classes = 'typo', words_added = 40, revert_of = 1 WHERE rev = 3;",
    );
    let out = env.run(&["verify"]).expect(1);
    for expected in [
        "#1 rev 2: diff: the stored diff is not the diff of the texts",
        "#1 rev 3: classes: stored [typo], the texts give [headline]",
        "#1 rev 3: revert_of: stored rev 1, the texts give none",
        "#1 rev 3: words_added/words_removed: stored +40",
    ] {
        assert!(out.stdout.contains(expected), "{expected}\n{}", out.stdout);
    }
    let json = env.run(&["verify", "--json"]).expect(1).json_lines();
    assert_eq!(json[0]["ok"], false);
    assert!(
        json[0]["problems"].as_array().unwrap().len() >= 4,
        "{}",
        json[0]
    );
}

/// A history of three revisions, with text beyond ASCII (escaped differently
/// by different JSON tools), exported as JSON Lines; returns the lines.
fn exported_history(env: &Env) -> Vec<String> {
    let url = env.serve("/a", &page("Café “first”", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    let mut edited = PARAS.to_vec();
    edited[1] = "Farmers said the early opening — a week early — flooded nothing at all.";
    env.serve("/a", &page("Café “first”", &edited, "x"));
    env.run_at("2026-03-01T13:00:00Z", &["check"]).expect(0);
    env.serve("/a", &page("Café “second”", &edited, "x"));
    env.run_at("2026-03-01T14:00:00Z", &["check"]).expect(0);
    let file = env.path("history.jsonl");
    env.export_all("jsonl", &file, &["--with-raw"]).expect(0);
    std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Imports `lines` into a fresh database; returns the run and whether the
/// database holds any article afterwards.
fn import_lines(env: &Env, name: &str, lines: &[String]) -> (crate::common::Run, bool) {
    let file = env.path(&format!("{name}.jsonl"));
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let db = env.other_db(&format!("{name}.db"));
    let run = env.run_db(&db, &["import", file.to_str().unwrap()]);
    let listed = env.run_db(&db, &["list", "--json"]).expect(0);
    (run, !listed.stdout.trim().is_empty())
}

/// The line of revision `rev`, parsed, changed by `edit`, written back.
fn edit_revision(lines: &[String], rev: i64, edit: impl Fn(&mut serde_json::Value)) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            if v["type"] == "revision" && v["rev"] == rev {
                edit(&mut v);
            }
            v.to_string()
        })
        .collect()
}

#[test]
fn an_edited_export_imports_nothing_and_says_which_line_and_field() {
    let env = Env::new();
    let lines = exported_history(&env);
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "diff",
            edit_revision(&lines, 2, |v| {
                let swapped = v["diff"].to_string().replace("nothing", "everything");
                v["diff"] = serde_json::from_str(&swapped).unwrap();
            }),
            "line 4: revision 2 of http://127.0.0.1",
        ),
        (
            "classes",
            edit_revision(&lines, 3, |v| v["classes"] = serde_json::json!(["typo"])),
            "classes: stored [typo]",
        ),
        (
            "counts",
            edit_revision(&lines, 2, |v| v["words_added"] = 99.into()),
            "words_added/words_removed: stored +99",
        ),
        (
            "revert",
            edit_revision(&lines, 3, |v| v["revert_of"] = 1.into()),
            "revert_of: stored rev 1",
        ),
        (
            "status",
            edit_revision(&lines, 2, |v| v["http_status"] = 203.into()),
            "the seal does not match the records",
        ),
        (
            "time-back",
            edit_revision(&lines, 3, |v| {
                v["captured_at"] = "2026-01-01T00:00:00.000Z".into()
            }),
            "captured_at: 2026-01-01T00:00:00.000Z is earlier",
        ),
        (
            "time",
            edit_revision(&lines, 3, |v| {
                v["captured_at"] = "2026-03-02T00:00:00.000Z".into()
            }),
            "the seal does not match",
        ),
        (
            "text",
            edit_revision(&lines, 2, |v| v["article"]["body"][0] = "Invented.".into()),
            "does not match text_sha256",
        ),
        (
            "cut",
            lines[..lines.len() - 1].to_vec(),
            "the file ends without its trailer",
        ),
        (
            "cut-early",
            lines[..3].to_vec(),
            "the file ends without its trailer",
        ),
        (
            "cut-record",
            lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != 4)
                .map(|(_, l)| l.clone())
                .collect(),
            "the trailer counts 1 articles and 3 revisions, the file holds 1 and 2",
        ),
        (
            "spliced",
            [lines.clone(), lines[1..].to_vec()].concat(),
            "a record after the trailer",
        ),
        (
            "two-headers",
            [lines[..lines.len() - 1].to_vec(), lines.clone()].concat(),
            "a second export header",
        ),
    ];
    assert_eq!(lines.len(), 6, "header, article, 3 revisions, trailer");
    let (run, _) = import_lines(&env, "diff-only", &cases[0].1);
    assert!(
        run.stderr
            .contains("diff: the stored diff is not the diff of the texts (in its body, at change"),
        "{}",
        run.stderr
    );
    for (name, tampered, expected) in cases {
        let (run, imported) = import_lines(&env, name, &tampered);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(expected),
            "{name}: {expected}\n{}",
            run.stderr
        );
        assert!(
            run.stderr.lines().next().unwrap().starts_with("error: "),
            "{name}"
        );
        assert!(!imported, "{name}: nothing may be imported");
    }
}

#[test]
fn an_export_rewritten_by_json_tools_imports_as_the_original() {
    let env = Env::new();
    let lines = exported_history(&env);
    // serde_json's Value sorts keys; Python escapes every non-ASCII letter and
    // spaces its separators.
    let reordered: Vec<String> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .unwrap()
                .to_string()
        })
        .collect();
    let (run, imported) = import_lines(&env, "reordered", &reordered);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(imported);
    let original = env.path("history.jsonl");
    let rewritten = env.path("python.jsonl");
    let py = std::process::Command::new("python3")
        .args([
            "-c",
            "import json,sys\nwith open(sys.argv[2],'w') as out:\n  for l in open(sys.argv[1]):\n    out.write(json.dumps(json.loads(l))+'\\n')",
            original.to_str().unwrap(),
            rewritten.to_str().unwrap(),
        ])
        .status()
        .expect("python3");
    assert!(py.success());
    let text = std::fs::read_to_string(&rewritten).unwrap();
    assert!(
        text.contains("\\u00e9") && text.contains("\": "),
        "python rewrote the file"
    );
    let db = env.other_db("python.db");
    env.run_db(&db, &["import", rewritten.to_str().unwrap()])
        .expect(0);
    env.run_db(&db, &["verify"]).expect(0);
    // The restored history exports to the same file as the original.
    let again = env.path("again.jsonl");
    env.run_db(
        &db,
        &[
            "export",
            "--all",
            "--format",
            "jsonl",
            "--with-raw",
            "-o",
            again.to_str().unwrap(),
        ],
    )
    .expect(0);
    assert_eq!(
        std::fs::read(&again).unwrap(),
        std::fs::read(&original).unwrap()
    );
}

#[test]
fn gc_says_what_it_frees_and_removes_evidence_only_when_that_pays() {
    let env = Env::new();
    // Each version carries 60 KB of churn that no delta can share (a
    // different pseudo-random block every time), so old pages cost space.
    let churn = |seed: u64| {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..60_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect::<String>()
    };
    let version = |title: &str, seed: u64| {
        page(title, PARAS, "x").replace(
            "</body>",
            &format!("<script>var t='{}'</script></body>", churn(seed)),
        )
    };
    let url = env.serve("/a", &version("One", 1));
    env.run(&["track", &url]).expect(0);
    for (i, title) in ["Two", "Three", "Four"].iter().enumerate() {
        env.serve("/a", &version(title, i as u64 + 2));
        env.run(&["check"]).expect(0);
    }
    let dry = env.run(&["gc", "--keep-last", "1", "--dry-run"]).expect(0);
    let line = dry.stderr.lines().next().unwrap();
    assert!(
        line.starts_with("would remove the raw pages of 3 revisions"),
        "{line}"
    );
    let percent: f64 = line
        .split(" KB (")
        .nth(1)
        .and_then(|r| r.split('%').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(percent >= 10.0, "{line}");
    env.run(&["show", "1", "1", "--raw"]).expect(0);
    let done = env.run(&["gc", "--keep-last", "1"]).expect(0);
    assert!(
        done.stderr.contains("removed the raw pages of 3 revisions"),
        "{}",
        done.stderr
    );
    env.run(&["show", "1", "1", "--raw"]).expect(1);
    env.run(&["show", "1", "4", "--raw"]).expect(0);
    env.run(&["verify"]).expect(0);
}

#[test]
fn markup_in_article_text_is_escaped_in_every_html_output() {
    let env = Env::new();
    // Entities in the page, so the extracted text holds the markup itself.
    let hostile = |word: &str| {
        format!(
            "<!DOCTYPE html><html><head><title>&lt;img src=x onerror=alert(1)&gt; {word}</title>\
             <link rel=\"canonical\" href=\"javascript:alert(3)\"></head><body><article>\
             <h1>&lt;img src=x onerror=alert(1)&gt; {word}</h1>\
             <p class=\"byline\">By &lt;script&gt;alert(2)&lt;/script&gt;</p>\
             <p>{} &lt;a href=\"javascript:alert(4)\"&gt;click&lt;/a&gt; &lt;script&gt;alert(5)&lt;/script&gt;</p>\
             <p>{}</p><p>{}</p></article></body></html>",
            PARAS[0], PARAS[1], PARAS[2]
        )
    };
    let url = env.serve("/x", &hostile("one"));
    env.run(&["track", &url]).expect(0);
    env.serve("/x", &hostile("two"));
    env.run(&["check"]).expect(0);
    let site = env.path("site");
    env.export_all("html", &site, &[]).expect(0);
    let mut html = walk(&site)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<String>();
    html.push_str(&env.run(&["diff", "1", "--view", "html"]).expect(0).stdout);
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the title is shown, as text"
    );
    assert!(
        html.contains("&lt;script&gt;alert(5)&lt;/script&gt;"),
        "the body is shown, as text"
    );
    for raw in [
        "<img",
        "<script>alert",
        "href=\"javascript:",
        "onerror=alert(1)>",
    ] {
        assert!(!html.contains(raw), "{raw} reached the HTML unescaped");
    }
}

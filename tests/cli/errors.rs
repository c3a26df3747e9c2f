//! Bad input: a clear one-line error, the right exit code, and nothing already
//! stored is lost.

use std::time::Duration;

use redline::serve::Route;

use crate::common::{Env, PARAS, page, read};

#[test]
fn malformed_urls_are_usage_errors_and_touch_nothing() {
    let env = Env::new();
    for bad in [
        "example.com/news",
        "ftp://example.com/a",
        "http://",
        "not a url",
    ] {
        let out = env.run(&["track", bad]).expect(2);
        assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
        assert!(out.stderr.contains(&format!("{bad:?}")), "{}", out.stderr);
        assert!(out.stderr.contains("hint: "), "{}", out.stderr);
    }
    assert!(!env.db.exists(), "no database is created for a usage error");
    env.run(&["--color", "sometimes", "list"]).expect(2);
    env.run(&["track"]).expect(2);
}

/// Tracks a good page at /a, then makes it fail with `route` (or stops the
/// server) and checks: a failed check, its error recorded, rev 1 untouched.
fn fails_after_first_version(env: &Env, route: Option<Route>, expected_error: &str) {
    let html = page("Title", PARAS, "x");
    let url = env.serve("/a", &html);
    env.run(&["track", &url]).expect(0);
    if let Some(route) = route {
        env.set("/a", route);
    }
    let out = env.run(&["check"]).expect(1);
    assert!(out.stdout.contains("#1 failed: "), "{}", out.stdout);
    assert!(out.stdout.contains(expected_error), "{}", out.stdout);
    assert!(
        out.stderr.contains("checked 1, changed 0, failed 1"),
        "{}",
        out.stderr
    );
    let listed = env.listed(1);
    assert!(
        listed["last_error"]
            .as_str()
            .unwrap()
            .contains(expected_error),
        "{listed}"
    );
    assert_eq!(listed["revisions"], 1);
    // What was stored is intact.
    assert_eq!(
        env.run(&["show", "1", "--raw"]).expect(0).raw_stdout,
        html.as_bytes()
    );
    assert_eq!(env.revisions("1"), 1);
}

#[test]
fn http_404_before_any_version_is_a_failed_check() {
    let env = Env::new();
    env.set("/gone", Route::status(404));
    let url = env.server.url("/gone");
    // A first fetch that fails leaves nothing behind to fail at every check.
    let out = env.run(&["track", &url]).expect(1);
    assert_eq!(
        out.stdout,
        format!("not tracked: {url}: HTTP 404 Not Found\n")
    );
    assert!(
        out.stderr.contains("hint: the page is gone") && out.stderr.contains("--keep"),
        "{}",
        out.stderr
    );
    assert!(env.run(&["list", "--json"]).json_lines().is_empty());
    // Kept on request: tracked with no revision, failing until it comes.
    let out = env.run(&["track", "--keep", &url]).expect(1);
    assert!(
        out.stdout.contains("#1 failed: ") && out.stdout.contains("HTTP 404 Not Found"),
        "{}",
        out.stdout
    );
    assert_eq!(env.listed(1)["revisions"], 0);
}

#[test]
fn http_404_or_410_after_a_version_is_a_takedown_and_a_return_is_a_revert() {
    let env = Env::new();
    let html = page("Title", PARAS, "x");
    let url = env.serve("/a", &html);
    env.run(&["track", &url]).expect(0);
    env.set(
        "/a",
        Route::html("<html><body><h1>Page not found</h1></body></html>").with_status(410),
    );
    let out = env.run(&["check"]).expect(0);
    assert!(
        out.stdout.contains("#1 rev 2 (taken down: HTTP 410)"),
        "{}",
        out.stdout
    );
    // Still gone: nothing new.
    env.run(&["check"]).expect(0);
    let log = env.run(&["log", "1", "--json"]).expect(0).json_lines();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["classes"], serde_json::json!(["takedown"]));
    assert_eq!(log[1]["http_status"], 410);
    let text = env.run(&["log", "1"]).expect(0).stdout;
    assert!(text.contains("taken down"), "{text}");
    // `list` keeps the last headline and says since when it is gone.
    let list = env.run(&["list"]).expect(0).stdout;
    assert!(list.starts_with("#1 Title  "), "{list}");
    assert!(
        list.contains(", taken down (HTTP 410) since 2026-03-01 12:00:00 UTC"),
        "{list}"
    );
    let listed = env.listed(1);
    assert_eq!(listed["title"], "Title");
    assert_eq!(listed["taken_down_since"], log[1]["captured_at"]);
    let shown = env.run(&["show", "1"]).expect(0).stdout;
    assert!(
        shown.contains("\n\ntaken down (HTTP 410) since 2026-03-01 12:00:00 UTC; the last version is rev 1 (`redline show 1 1`): Title"),
        "{shown}"
    );
    // The page as served when gone is kept as evidence.
    let raw = env.run(&["show", "1", "2", "--raw"]).expect(0).stdout;
    assert!(raw.contains("Page not found"));
    let status = env.run(&["status"]).expect(0).stdout;
    assert!(
        status.contains(
            "taken down (1)\n  #1 taken down (HTTP 410) since 2026-03-01 12:00:00 UTC: Title"
        ),
        "{status}"
    );
    let diff = env.run(&["diff", "1"]).expect(0).stdout;
    assert!(
        diff.contains("rev 2: taken down (HTTP 410) since 2026-03-01 12:00:00 UTC"),
        "{diff}"
    );
    // It comes back: restored, as the first revision; not a new headline
    // and every paragraph added.
    env.serve("/a", &html);
    let out = env.run(&["check"]).expect(0);
    assert!(
        out.stdout.contains("#1 rev 3 (restored as rev 1): Title"),
        "{}",
        out.stdout
    );
    let log = env.run(&["log", "1", "--json"]).expect(0).json_lines();
    assert_eq!(log[2]["classes"], serde_json::json!(["revert", "restored"]));
    assert_eq!(log[2]["revert_of"], 1);
    assert!(
        env.run(&["log", "1"])
            .expect(0)
            .stdout
            .contains("restored as 1"),
    );
    assert_eq!(env.listed(1)["taken_down_since"], serde_json::Value::Null);
    // What is recorded so derives again: verify is clean.
    env.run(&["verify"]).expect(0);
}

#[test]
fn a_redirect_to_a_section_front_is_a_takedown_not_a_new_version() {
    let env = Env::new();
    let html = page("Title", PARAS, "x");
    let url = env.serve("/world/2026/bridge", &html);
    env.serve(
        "/world/",
        "<html><head><title>World news</title></head><body><h1>World</h1>\
         <p>Latest stories from around the world, updated through the day.</p></body></html>",
    );
    env.run(&["track", &url]).expect(0);
    let front = env.server.url("/world/");
    env.set(
        "/world/2026/bridge",
        Route::status(301).with_header("Location", &front),
    );
    let out = env.run(&["check"]).expect(0).stdout;
    assert!(
        out.contains(&format!(
            "#1 rev 2 (taken down: redirected to {front}): Title"
        )),
        "{out}"
    );
    let log = env.run(&["log", "1", "--json"]).expect(0).json_lines();
    assert_eq!(log[1]["classes"], serde_json::json!(["takedown"]));
    assert_eq!(log[1]["final_url"], front);
    let list = env.run(&["list"]).expect(0).stdout;
    assert!(
        list.contains(&format!(", taken down (redirected to {front}) since ")),
        "{list}"
    );
    assert_eq!(
        env.listed(1)["taken_down_by"],
        format!("redirected to {front}")
    );
    // Still redirected: nothing new; verify derives the takedown again.
    env.run(&["check"]).expect(0);
    assert_eq!(
        env.run(&["log", "1", "--json"])
            .expect(0)
            .json_lines()
            .len(),
        2
    );
    env.run(&["verify"]).expect(0);
    // A URL that leads to a section front from the start is not an article.
    let other = env.server.url("/world/2026/ferry");
    env.set(
        "/world/2026/ferry",
        Route::status(302).with_header("Location", &front),
    );
    let out = env.run(&["track", &other]).expect(1);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(
        said.contains(&format!(
            "{other}: redirected to {front}, a page above it (a section front or the home page), not an article"
        )),
        "{said}"
    );
}

#[test]
fn http_500_is_a_failed_check() {
    let env = Env::new();
    fails_after_first_version(
        &env,
        Some(Route::status(500)),
        "HTTP 500 Internal Server Error",
    );
}

#[test]
fn non_html_is_a_failed_check() {
    let env = Env::new();
    let pdf = Route::html("%PDF-1.7 …").with_content_type("application/pdf");
    fails_after_first_version(
        &env,
        Some(pdf),
        "not an HTML page (Content-Type: application/pdf)",
    );
}

#[test]
fn oversized_body_is_a_failed_check() {
    let env = Env::new();
    // 64 MiB streamed without a Content-Length: the cap (10 MiB) stops reading.
    let huge = Route::html("").streamed(64 * 1024 * 1024);
    fails_after_first_version(&env, Some(huge), "body larger than the 10485760 byte cap");
}

#[test]
fn timeout_is_a_failed_check() {
    let mut env = Env::new();
    env.timeout_secs = 1;
    let slow = Route::html(page("Title", PARAS, "y")).with_delay(Duration::from_secs(4));
    fails_after_first_version(&env, Some(slow), "no complete answer within 1s");
}

#[test]
fn connection_refused_is_a_failed_check() {
    let env = Env::new();
    // A port that was free a moment ago and has no listener now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/a");
    let out = env.run(&["track", "--keep", &url]).expect(1);
    // One plain line: the operating system's reason, not the HTTP library's
    // layers, and the URL once.
    assert_eq!(
        out.stdout,
        format!("#1 failed: {url}: could not connect to 127.0.0.1:{port}: connection refused\n")
    );
    assert!(out.stderr.contains("hint: "), "{}", out.stderr);
    // Kept: a later check can still succeed.
    assert_eq!(env.listed(1)["revisions"], 0);
}

#[test]
fn a_host_that_does_not_resolve_is_said_in_plain_words() {
    let env = Env::new();
    let url = "http://-bad-.example/a";
    let out = env.run(&["track", url]).expect(1);
    assert_eq!(
        out.stdout,
        format!("not tracked: {url}: DNS lookup failed for -bad-.example\n")
    );
    assert!(
        out.stderr.contains("hint: check the host name"),
        "{}",
        out.stderr
    );
    assert!(env.run(&["list", "--json"]).json_lines().is_empty());
}

#[test]
fn one_failure_does_not_stop_the_pass() {
    let env = Env::new();
    let a = env.serve("/a", &page("A", PARAS, "x"));
    let b = env.serve("/b", &page("B", PARAS, "x"));
    env.run(&["track", &a, &b]).expect(0);
    env.set("/a", Route::status(503));
    let edited: Vec<&str> = PARAS[..2].to_vec();
    env.serve("/b", &page("B", &edited, "x"));
    let out = env.run(&["check"]).expect(1);
    assert!(out.stdout.contains("#1 failed: "), "{}", out.stdout);
    assert!(out.stdout.contains("#2 rev 2"), "{}", out.stdout);
    assert!(
        out.stderr.contains("checked 2, changed 1, failed 1"),
        "{}",
        out.stderr
    );
    assert_eq!(env.revisions("2"), 2);
}

#[test]
fn database_in_a_missing_folder_is_created() {
    let env = Env::new();
    let db = env.path("deep/er/folder/r.db");
    env.run(&["--db", db.to_str().unwrap(), "list"]).expect(0);
    assert!(db.exists());
}

#[test]
fn unusable_database_paths_are_clear_errors() {
    let env = Env::new();
    let file = env.path("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let db = file.join("r.db");
    let out = env.run(&["--db", db.to_str().unwrap(), "list"]).expect(1);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(out.stderr.contains("a-file"), "{}", out.stderr);
    assert!(out.stderr.contains("hint: "), "{}", out.stderr);

    let corrupt = env.path("corrupt.db");
    let garbage = b"this is not a SQLite database at all; ".repeat(300);
    std::fs::write(&corrupt, &garbage).unwrap();
    let out = env
        .run(&["--db", corrupt.to_str().unwrap(), "list"])
        .expect(1);
    assert!(
        out.stderr
            .contains("is not a redline database (or it is corrupt)"),
        "{}",
        out.stderr
    );
    assert_eq!(read(&corrupt), garbage, "the file is left untouched");
}

#[test]
fn unknown_articles_and_revisions() {
    let env = Env::new();
    let out = env.run(&["log", "42"]).expect(1);
    assert!(
        out.stderr.contains("error: 42 is not a tracked article"),
        "{}",
        out.stderr
    );
    let out = env.run(&["show", "http://127.0.0.1:1/nope"]).expect(1);
    assert!(
        out.stderr.contains("is not a tracked article"),
        "{}",
        out.stderr
    );
    let out = env.run(&["log", "no such thing"]).expect(2);
    assert!(out.stderr.contains("not a valid URL"), "{}", out.stderr);
}

#[test]
fn a_config_mistake_is_shown_where_it_is_with_a_suggestion_and_durations_read_alike() {
    let env = Env::new();
    let path = env.path("config/redline/config.toml");
    // No file: `config show` names the one it looked for.
    let shown = env.run(&["config", "show"]).expect(0).stdout;
    assert!(
        shown.starts_with(&format!(
            "config file  = (none: {} does not exist)",
            path.display()
        )),
        "{shown}"
    );
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "[fetch]\ntimout = 30\n").unwrap();
    let out = env.run(&["list"]).expect(1);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines[0].ends_with("config.toml: line 2, column 1"),
        "{}",
        out.stderr
    );
    assert_eq!(lines[2], "2 | timout = 30", "{}", out.stderr);
    assert_eq!(
        lines[3], "  | ^^^^^^",
        "the caret under the mistake: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("\ndid you mean `timeout`?\n"),
        "{}",
        out.stderr
    );

    std::fs::write(&path, "[fetch]\nhost_delay = \"2 sec\"\n").unwrap();
    let out = env.run(&["list"]).expect(1);
    assert!(
        out.stderr
            .contains("\"2 sec\" is not a duration: write a number of seconds, or 2s, 20m, 1h, 1d"),
        "{}",
        out.stderr
    );

    // One duration syntax everywhere: seconds as a number, or 2s, 20m, 1h.
    std::fs::write(
        &path,
        "[fetch]\ntimeout = \"1m\"\nhost_delay = 0.5\nextract_budget = \"5s\"\n\n\
         [schedule]\ninitial = 1800\nmax = \"12h\"\nretire_after = \"2w\"\n\n\
         [[hooks]]\ncommand = [\"true\"]\ntimeout = \"30s\"\nbackoff = 2\n",
    )
    .unwrap();
    let mut cmd = env.command();
    cmd.env_remove("REDLINE_TIMEOUT")
        .env_remove("REDLINE_HOST_DELAY")
        .args(["config", "show"]);
    let shown = crate::common::Run::from(cmd.output().unwrap())
        .expect(0)
        .stdout;
    for want in [
        "timeout      = 60  #",
        "host_delay     = 0.5s  #",
        "extract_budget = 5s  #",
        "initial 30m, factor 1.5, max 12h, retire after 14d",
    ] {
        assert!(shown.contains(want), "{want}: {shown}");
    }
}

#[test]
fn a_return_recorded_by_an_older_redline_is_migrated_to_restored() {
    if crate::common::sqlite_only("SQLite's schema 4 to 5 migration") {
        return;
    }
    let env = Env::new();
    let html = page("Title", PARAS, "x");
    let url = env.serve("/a", &html);
    env.run(&["track", &url]).expect(0);
    env.set("/a", Route::status(404));
    env.run(&["check"]).expect(0);
    env.serve("/a", &html);
    env.run(&["check"]).expect(0);
    // As schema 4 stored it: the classes of its diff from the empty text.
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute(
            "UPDATE revisions SET classes = 'headline,substantive,added,revert' WHERE rev = 3",
            [],
        )
        .unwrap();
        crate::common::before_search(&conn);
        conn.execute_batch("PRAGMA user_version = 4;").unwrap();
    }
    // Opened by this redline: migrated (schema 5), and verify is clean.
    let log = env.run(&["log", "1", "--json"]).expect(0).json_lines();
    assert_eq!(log[2]["classes"], serde_json::json!(["revert", "restored"]));
    env.run(&["verify"]).expect(0);
}

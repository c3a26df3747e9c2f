//! `redline serve`: every route against the real binary on 127.0.0.1, with
//! plain HTTP/1.1 requests over TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use crate::common::*;
use crate::exports::have;

/// A running `redline serve`, stopped when dropped.
struct Served {
    child: Child,
    addr: String,
    stderr_first: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(env: &Env, listen: &str) -> Served {
    serve_args(env, &["--listen", listen])
}

/// `redline serve ARGS…`, once it says where it listens.
fn serve_args(env: &Env, args: &[&str]) -> Served {
    let mut child = env
        .command()
        .arg("serve")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start redline serve");
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    let mut line = String::new();
    let addr = loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            panic!("redline serve stopped: {said}");
        }
        said.push_str(&line);
        if let Some(at) = line.find("http://") {
            break line[at + 7..].split('/').next().unwrap().to_owned();
        }
    };
    Served {
        child,
        addr,
        stderr_first: said,
    }
}

/// The answer to one request: status, headers (lower-case names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn request(s: &Served, method: &str, path: &str) -> Answer {
    let mut tcp = TcpStream::connect(&s.addr).unwrap();
    write!(
        tcp,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        s.addr
    )
    .unwrap();
    answer(tcp)
}

/// Reads a whole answer off the connection.
fn answer(mut tcp: TcpStream) -> Answer {
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

fn get(s: &Served, path: &str) -> Answer {
    request(s, "GET", path)
}

/// The body of a GET, as bytes.
fn request_bytes(s: &Served, path: &str) -> Vec<u8> {
    let mut tcp = TcpStream::connect(&s.addr).unwrap();
    write!(
        tcp,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        s.addr
    )
    .unwrap();
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw).unwrap();
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(
        raw.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&raw[..at])
    );
    raw[at..].to_vec()
}

/// A form posted as a browser posts it (`Origin` when given).
fn post(s: &Served, path: &str, form: &[(&str, &str)], origin: Option<&str>) -> Answer {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut tcp = TcpStream::connect(&s.addr).unwrap();
    let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
    write!(
        tcp,
        "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{origin}\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        s.addr,
        body.len()
    )
    .unwrap();
    answer(tcp)
}

/// The CSRF token in a page's forms.
fn token(page: &str) -> String {
    let at = page
        .find("name=\"csrf\" value=\"")
        .expect("a form with a token")
        + 19;
    page[at..].split('"').next().unwrap().to_owned()
}

fn serve_with(env: &Env, args: &[&str]) -> Served {
    let mut all = vec!["--listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    serve_args(env, &all)
}

/// Two revisions of an article whose headline, byline and text hold markup
/// and a `javascript:` link.
fn hostile_history(env: &Env) {
    let first = "<!DOCTYPE html><html><head><title>A &lt;script&gt;alert(1)&lt;/script&gt; headline</title>\
        <meta name=\"author\" content=\"&lt;img src=x onerror=alert(2)&gt;\"></head><body><article>\
        <h1>A &lt;script&gt;alert(1)&lt;/script&gt; headline</h1>\
        <p>The council said &lt;script&gt;alert(3)&lt;/script&gt; the bridge would stay shut until the inspection ends.</p>\
        <p>Residents were told to use the ferry, which runs every twenty minutes from the old quay.</p>\
        <p><a href=\"javascript:alert(4)\">A link that must never run</a> and more words to keep it a paragraph.</p>\
        </article></body></html>";
    let url = env.serve("/a", first);
    env.run(&["track", &url]).expect(0);
    env.serve(
        "/a",
        &first.replace("every twenty minutes", "every half hour"),
    );
    env.run(&["check"]).expect(0);
}

#[test]
fn every_page_answers_and_nothing_from_an_article_runs() {
    let env = Env::new();
    hostile_history(&env);
    let s = serve(&env, "127.0.0.1:0");
    for path in [
        "/",
        "/?class=wording",
        "/?host=127.0.0.1",
        "/articles/1",
        "/articles/1/revisions/1",
        "/articles/1/revisions/2",
        "/search?q=ferry",
        "/search?q=%22half+hour%22",
        "/status",
    ] {
        let a = get(&s, path);
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        assert_eq!(
            a.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        let csp = a.header("content-security-policy").unwrap_or("");
        // Only our own script: nothing inline, nothing from elsewhere.
        assert!(
            csp.contains("default-src 'none'")
                && csp.contains("script-src 'self';")
                && !csp.contains("unsafe"),
            "{path}: {csp}"
        );
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
        // Markup from the article is text, never markup: the one script
        // tag is our own.
        let ours = "<script src=\"/keys.js\" defer></script>";
        assert_eq!(a.body.matches("<script").count(), 1, "{path}:\n{}", a.body);
        assert!(a.body.contains(ours), "{path}");
        for bad in ["<img", "href=\"javascript:"] {
            assert!(!a.body.contains(bad), "{path} holds {bad}:\n{}", a.body);
        }
    }
    let diff = get(&s, "/articles/1/revisions/2").body;
    assert!(
        diff.contains("<del>twenty minutes,</del>") || diff.contains("<del>twenty minutes</del>"),
        "{diff}"
    );
    assert!(
        diff.contains("<ins>half hour,</ins>") || diff.contains("<ins>half hour</ins>"),
        "{diff}"
    );
    assert!(
        diff.contains("page SHA-256 <a href=\"/articles/1/revisions/2/raw\">"),
        "{diff}"
    );
    assert!(
        diff.contains("&lt;script&gt;alert(3)&lt;/script&gt;"),
        "{diff}"
    );
    // The latest changes: newest first, filtered by kind and host.
    let latest = get(&s, "/").body;
    let (two, one) = (
        latest.find("/articles/1/revisions/2").unwrap(),
        latest.find("/articles/1/revisions/1").unwrap(),
    );
    assert!(two < one, "{latest}");
    assert!(
        !get(&s, "/?class=headline")
            .body
            .contains("/articles/1/revisions/2")
    );
    assert!(
        get(&s, "/?host=nowhere.example")
            .body
            .contains("No revisions here.")
    );
    let search = get(&s, "/search?q=%22half+hour%22").body;
    assert!(
        search.contains("added in <a href=\"/articles/1/revisions/2\">rev 2</a>"),
        "{search}"
    );
    // The page as served: text in a sandbox, byte for byte.
    let raw = get(&s, "/articles/1/revisions/1/raw");
    assert_eq!(raw.status, 200);
    assert!(
        raw.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(
        raw.header("content-security-policy"),
        Some("sandbox; default-src 'none'")
    );
    assert!(raw.body.contains("javascript:alert(4)"));
    let keys = get(&s, "/keys.js");
    assert!(
        keys.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(keys.body.contains("'j'") && keys.body.contains("data-row"));
    // Dates: the test clock captured both on 2026-03-01.
    assert!(
        get(&s, "/?since=2026-03-01")
            .body
            .contains("/articles/1/revisions/2")
    );
    assert!(
        get(&s, "/?since=2026-03-02")
            .body
            .contains("No revisions here.")
    );
    assert!(
        get(&s, "/?until=2026-03-01")
            .body
            .contains("No revisions here.")
    );
    assert_eq!(get(&s, "/?since=yesterday").status, 400);
    // The timeline lists the checks; the diff can show the changes only.
    let timeline = get(&s, "/articles/1").body;
    assert!(
        timeline.contains("Latest checks") && timeline.contains("<td>changed</td>"),
        "{timeline}"
    );
    let only = get(&s, "/articles/1/revisions/2?context=0").body;
    assert!(!only.contains("class=\"same\""), "{only}");
    assert!(
        get(&s, "/articles/1/revisions/2")
            .body
            .contains("class=\"same\"")
    );
    // The revision's WARC records, as the export writes them.
    let warc = request_bytes(&s, "/articles/1/revisions/2/warc");
    assert!(warc.starts_with(&[0x1f, 0x8b]), "gzip");
    let css = get(&s, "/style.css");
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(css.body.contains("prefers-color-scheme:dark"));
}

#[test]
fn missing_things_are_404_and_writes_are_refused() {
    let env = Env::new();
    hostile_history(&env);
    let s = serve(&env, "127.0.0.1:0");
    for path in ["/articles/9", "/articles/1/revisions/9", "/nowhere"] {
        let a = get(&s, path);
        assert_eq!(a.status, 404, "{path}");
        assert!(a.body.contains("Not here"), "{path}: {}", a.body);
    }
    assert_eq!(get(&s, "/articles/x").status, 400);
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        assert_eq!(request(&s, method, "/").status, 405, "{method}");
        assert_eq!(
            request(&s, method, "/api/v1/articles").status,
            405,
            "{method}"
        );
    }
    // Nothing was written.
    assert_eq!(env.revisions("1"), 2);
}

#[test]
fn the_api_has_the_cli_shapes_a_schema_header_and_a_cursor() {
    let env = Env::new();
    hostile_history(&env);
    for path in ["/b", "/c"] {
        let url = env.serve(path, &page("Another story", PARAS, "x"));
        env.run(&["track", &url]).expect(0);
    }
    let s = serve(&env, "127.0.0.1:0");
    let json = |path: &str| -> serde_json::Value {
        let a = get(&s, path);
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        assert_eq!(a.header("redline-schema"), Some("1"), "{path}");
        assert_eq!(a.header("content-type"), Some("application/json"));
        assert!(
            a.body.starts_with("{\"type\":"),
            "{path}: type first: {}",
            a.body
        );
        serde_json::from_str(&a.body).unwrap()
    };
    let first = json("/api/v1/articles?limit=2");
    assert_eq!(first["type"], "articles");
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["items"][0]["type"], "article");
    assert_eq!(first["next"], 2);
    let rest = json("/api/v1/articles?limit=2&after=2");
    assert_eq!(rest["items"][0]["id"], 3);
    assert_eq!(rest["next"], serde_json::Value::Null);
    // As the CLI prints them.
    let cli = env.run(&["list", "--json"]).expect(0).json_lines();
    assert_eq!(first["items"][0], cli[0]);
    let revs = json("/api/v1/articles/1/revisions");
    let log = env.run(&["log", "1", "--json"]).expect(0).json_lines();
    assert_eq!(revs["items"], serde_json::Value::Array(log));
    let diff = json("/api/v1/articles/1/revisions/2/diff");
    let cli_diff = &env.run(&["diff", "1", "--json"]).expect(0).json_lines()[0];
    assert_eq!(&diff, cli_diff);
    let search = json("/api/v1/search?q=%22half+hour%22");
    let cli_search = env
        .run(&["search", "half hour", "--json"])
        .expect(0)
        .json_lines();
    assert_eq!(search["items"], serde_json::Value::Array(cli_search));
    let status = json("/api/v1/status");
    assert_eq!(status["type"], "status");
    assert_eq!(status["articles"], 3);
    // The shapes, locked: a field renamed or removed shows here (and
    // raises the schema number).
    let addr = s.addr.clone();
    let port = env
        .server
        .url("/")
        .replace("http://", "")
        .trim_end_matches('/')
        .to_owned();
    let stable = |v: &serde_json::Value| -> serde_json::Value {
        let text = v
            .to_string()
            .replace(&port, "[server]")
            .replace(&addr, "[redline]");
        serde_json::from_str(&text).unwrap()
    };
    insta::assert_json_snapshot!("api_articles", stable(&first), {
        ".items[].last_checked_at" => "[time]",
        ".items[].next_check_at" => "[time]",
    });
    insta::assert_json_snapshot!("api_revisions", stable(&revs), {
        ".items[].sha256" => "[sha256]",
    });
    insta::assert_json_snapshot!("api_diff", stable(&diff));
    insta::assert_json_snapshot!("api_search", stable(&search));
    insta::assert_json_snapshot!("api_status", stable(&status), {
        ".last_pass.started_at" => "[time]",
        ".last_pass.duration_ms" => "[ms]",
        ".next_due_at" => "[time]",
        ".last_checked_at" => "[time]",
    });
    // Errors are JSON too.
    let missing = get(&s, "/api/v1/articles/9/revisions");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.starts_with("{\"type\":\"error\""),
        "{}",
        missing.body
    );
    let bad = get(&s, "/api/v1/search?q=%22unclosed");
    assert_eq!(bad.status, 400, "{}", bad.body);
}

#[test]
fn listening_beyond_this_machine_is_warned_about_and_a_bad_address_refused() {
    let env = Env::new();
    hostile_history(&env);
    let s = serve(&env, "0.0.0.0:0");
    assert!(
        s.stderr_first.contains("warning: listening on 0.0.0.0:"),
        "{}",
        s.stderr_first
    );
    let loopback = serve(&env, "127.0.0.1:0");
    assert!(
        !loopback.stderr_first.contains("warning"),
        "{}",
        loopback.stderr_first
    );
    let bad = env.run(&["serve", "--listen", "localhost"]).expect(2);
    assert!(
        bad.stderr.contains("is not an address and port"),
        "{}",
        bad.stderr
    );
}

#[test]
fn every_list_has_an_atom_feed() {
    let env = Env::new();
    hostile_history(&env);
    let s = serve(&env, "127.0.0.1:0");
    let front = get(&s, "/?class=wording").body;
    assert!(
        front.contains("<link rel=\"alternate\" type=\"application/atom+xml\"")
            && front.contains("href=\"/feed.atom?class=wording\""),
        "{front}"
    );
    let all = get(&s, "/feed.atom");
    assert_eq!(all.status, 200);
    assert_eq!(
        all.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert_eq!(all.body.matches("<entry>").count(), 2, "{}", all.body);
    // One kind of change: only the revision of that kind.
    let wording = get(&s, "/feed.atom?class=wording").body;
    assert_eq!(wording.matches("<entry>").count(), 1, "{wording}");
    assert!(wording.contains(":2</id>"), "{wording}");
    assert_eq!(
        get(&s, "/feed.atom?class=takedown")
            .body
            .matches("<entry>")
            .count(),
        0
    );
    // One article, as `export --format atom` writes it.
    let one = get(&s, "/articles/1/feed.atom").body;
    let file = env.path("one.atom");
    env.run(&[
        "export",
        "1",
        "--format",
        "atom",
        "-o",
        file.to_str().unwrap(),
    ])
    .expect(0);
    assert_eq!(one, std::fs::read_to_string(&file).unwrap());
    assert!(!one.contains("<script>"), "{one}");
    assert_eq!(get(&s, "/articles/9/feed.atom").status, 404);
}

/// Headless Chromium, when installed (`.ci/run` installs it and makes its
/// absence a failure).
fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        have("chromium", &["--version"]);
    }
    found
}

#[test]
fn the_main_pages_open_in_headless_chromium_with_the_diff_visible_and_no_script_from_articles() {
    let Some(chromium) = chromium() else {
        return;
    };
    let env = Env::new();
    let first = "<!DOCTYPE html><html><head><title>Bridge shut</title></head><body><article>\
        <h1>Bridge shut</h1>\
        <p>The council said <script>document.title='owned'</script> the bridge would stay shut until the inspection ends.</p>\
        <p>Residents were told to use the ferry, which runs every twenty minutes from the old quay.</p>\
        <p>&lt;script&gt;document.title='owned'&lt;/script&gt; was written in a reader's letter, quoted here.</p>\
        </article></body></html>";
    let url = env.serve("/a", first);
    env.run(&["track", &url]).expect(0);
    env.serve(
        "/a",
        &first.replace("every twenty minutes", "every half hour"),
    );
    env.run(&["check"]).expect(0);
    let s = serve(&env, "127.0.0.1:0");
    let browse = |path: &str, extra: &[String]| -> (String, String) {
        let out = std::process::Command::new(chromium)
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
            .args(extra)
            .arg(format!("http://{}{path}", s.addr))
            .output()
            .expect("chromium runs");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (dom, err) = browse("/articles/1/revisions/2", &["--dump-dom".to_owned()]);
    assert!(
        dom.contains("every <del>twenty minutes</del> <ins>half hour</ins> from"),
        "the diff is on the page:\n{dom}\n{err}"
    );
    assert!(
        dom.contains("&lt;script&gt;document.title='owned'&lt;/script&gt;"),
        "the article's markup shows as text:\n{dom}"
    );
    assert!(
        !dom.contains("<title>owned</title>"),
        "no script from the article ran"
    );
    // A screenshot of each main page, for people to look at
    // (target/tmp/screens/).
    let screens = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screens");
    std::fs::create_dir_all(&screens).unwrap();
    for (name, path) in [
        ("latest", "/"),
        ("article", "/articles/1"),
        ("revision", "/articles/1/revisions/2"),
        ("search", "/search?q=ferry"),
        ("status", "/status"),
    ] {
        let png = screens.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&png);
        let (_, err) = browse(
            path,
            &[
                format!("--screenshot={}", png.display()),
                "--window-size=1100,900".to_owned(),
                "--hide-scrollbars".to_owned(),
            ],
        );
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{name}: {e}\n{err}"));
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 5_000,
            "{name}: {} bytes",
            bytes.len()
        );
    }
}

#[test]
fn writes_need_the_forms_token_and_never_reach_inside_the_network() {
    let env = Env::new();
    hostile_history(&env);
    let other = env.serve("/b", &page("Another story", PARAS, "x"));
    // Read-only: no form, and a write is refused whatever it carries.
    let ro = serve(&env, "127.0.0.1:0");
    assert!(!get(&ro, "/").body.contains("action=\"/track\""));
    assert_eq!(post(&ro, "/track", &[("url", &other)], None).status, 405);
    drop(ro);
    let s = serve_with(&env, &["--allow-writes"]);
    assert!(
        s.stderr_first.contains("with forms that write"),
        "{}",
        s.stderr_first
    );
    let front = get(&s, "/").body;
    assert!(
        front.contains("action=\"/track\" method=\"post\""),
        "{front}"
    );
    let t = token(&front);
    assert_eq!(t.len(), 64);
    // No token, a wrong one, another origin: 403, nothing written.
    for (form, origin) in [
        (vec![("url", other.as_str())], None),
        (
            vec![("url", other.as_str()), ("csrf", "0".repeat(64).as_str())],
            None,
        ),
        (
            vec![("url", other.as_str()), ("csrf", t.as_str())],
            Some("http://evil.example"),
        ),
    ] {
        let a = post(&s, "/track", &form, origin);
        assert_eq!(a.status, 403, "{form:?} {origin:?}: {}", a.body);
    }
    // A URL on this machine (or redirecting into the network) is refused
    // unless the config allows it.
    let a = post(&s, "/track", &[("url", &other), ("csrf", &t)], None);
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(
        a.body.contains("an address inside this network"),
        "{}",
        a.body
    );
    for inside in [
        "http://10.1.2.3/story",
        "http://[::1]:8080/a",
        "http://169.254.169.254/latest",
    ] {
        let a = post(&s, "/track", &[("url", inside), ("csrf", &t)], None);
        assert_eq!(a.status, 400, "{inside}: {}", a.body);
    }
    assert_eq!(env.run(&["list", "--json"]).expect(0).json_lines().len(), 1);
    // An article the operator tracked is checked as the operator's checks
    // do, wherever it is: "check now" on this machine's server works.
    let checks = || env.run(&["status", "--json"]).expect(0).json_lines()[0]["checks"].clone();
    let before = checks().as_i64().unwrap();
    assert_eq!(
        post(&s, "/articles/1/check", &[("csrf", &t)], None).status,
        303
    );
    assert_eq!(checks().as_i64().unwrap(), before + 1);
    let timeline = get(&s, "/articles/1").body;
    assert!(!timeline.contains("inside this network"), "{timeline}");
}

#[test]
fn the_forms_track_pace_untrack_resume_and_check() {
    let env = Env::new();
    hostile_history(&env);
    let other = env.serve("/b", &page("Another story", PARAS, "x"));
    let config = env.path("config.toml");
    std::fs::write(&config, "[serve]\nallow_private_addresses = true\n").unwrap();
    let s = serve_with(
        &env,
        &["--allow-writes", "--config", config.to_str().unwrap()],
    );
    let t = token(&get(&s, "/").body);
    let origin = format!("http://{}", s.addr);
    let a = post(
        &s,
        "/track",
        &[("url", &other), ("every", "1h"), ("csrf", &t)],
        Some(&origin),
    );
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.header("location"), Some("/articles/2"));
    let listed = |id: usize| env.run(&["list", "--json"]).expect(0).json_lines()[id - 1].clone();
    assert_eq!(listed(2)["every_secs"], 3600);
    // The article's page has the other forms.
    let article = get(&s, "/articles/2").body;
    for action in ["check", "pace", "untrack"] {
        assert!(
            article.contains(&format!("action=\"/articles/2/{action}\"")),
            "{article}"
        );
    }
    assert_eq!(
        post(
            &s,
            "/articles/2/pace",
            &[("every", "adaptive"), ("csrf", &t)],
            None
        )
        .status,
        303
    );
    assert_eq!(listed(2)["every_secs"], serde_json::Value::Null);
    assert_eq!(
        post(
            &s,
            "/articles/2/pace",
            &[("every", "5s"), ("csrf", &t)],
            None
        )
        .status,
        400
    );
    assert_eq!(
        post(&s, "/articles/2/untrack", &[("csrf", &t)], None).status,
        303
    );
    assert_eq!(listed(2)["stopped"], "untracked");
    assert!(
        get(&s, "/articles/2")
            .body
            .contains("action=\"/articles/2/resume\"")
    );
    assert_eq!(
        post(&s, "/articles/2/resume", &[("csrf", &t)], None).status,
        303
    );
    assert_eq!(listed(2)["stopped"], serde_json::Value::Null);
    // Check now: the edit is recorded.
    let edited: Vec<String> = PARAS
        .iter()
        .map(|p| p.replace("two days", "three days"))
        .collect();
    let edited: Vec<&str> = edited.iter().map(String::as_str).collect();
    env.serve("/b", &page("Another story", &edited, "x"));
    assert_eq!(
        post(&s, "/articles/2/check", &[("csrf", &t)], None).status,
        303
    );
    assert_eq!(env.revisions("2"), 2);
    // A page that cannot be read is not kept.
    let gone = env.server.url("/missing");
    let a = post(&s, "/track", &[("url", &gone), ("csrf", &t)], None);
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("not tracked"), "{}", a.body);
    assert_eq!(env.run(&["list", "--json"]).expect(0).json_lines().len(), 2);
    // Unknown articles.
    assert_eq!(
        post(&s, "/articles/9/untrack", &[("csrf", &t)], None).status,
        404
    );
}

#[test]
fn an_article_given_on_the_page_reaches_only_public_addresses_at_every_later_check() {
    let env = Env::new();
    hostile_history(&env);
    // As `serve --allow-writes` marks a URL someone gave on the page.
    {
        env.sql("UPDATE articles SET public_only = 1 WHERE id = 1");
    }
    let out = env.run(&["check", "1"]).expect(1);
    assert!(
        out.stdout
            .contains("127.0.0.1 is an address inside this network, which is refused"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(env.revisions("1"), 2, "nothing recorded from inside");
}

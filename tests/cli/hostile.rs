//! Hostile and broken servers: a fault server on 127.0.0.1 that speaks raw
//! TCP, so it can misbehave as no well-made HTTP library would. Every case
//! ends within the fetch timeout plus a few seconds in a failed check that
//! names the URL and the cause; the pass goes on and nothing stored changes.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::{Env, PARAS, page};

/// Seconds the tests allow one check (`REDLINE_TIMEOUT`).
const TIMEOUT: u64 = 2;
/// What a check may take beyond the timeout: start-up, extraction, writing.
const SLACK: Duration = Duration::from_secs(6);

/// A response the fault server gives.
#[derive(Clone)]
enum Fault {
    /// Well-formed: status, extra headers, body.
    Answer(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// Accepts, reads the request, then says nothing.
    Silent,
    /// Promises `Content-Length` bytes and sends one a second.
    Trickle,
    /// Sends part of a body, then resets the connection.
    Reset,
    /// A chunked body cut off before its last chunk.
    CutChunked,
    /// Promises more bytes than it sends, then closes.
    LyingLength,
    /// Not HTTP at all.
    Garbage,
    /// A chunked body of zeros that never ends (until the client leaves).
    Endless,
    /// Claims a 2 GB body and starts sending it.
    Huge,
}

/// The fault server: a path → fault table, served on 127.0.0.1.
struct FaultServer {
    port: u16,
    routes: Arc<Mutex<HashMap<String, Fault>>>,
    /// The head of every request received.
    heads: Arc<Mutex<Vec<String>>>,
}

impl FaultServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Fault>>> = Arc::default();
        let heads: Arc<Mutex<Vec<String>>> = Arc::default();
        let (table, seen) = (routes.clone(), heads.clone());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (table, seen) = (table.clone(), seen.clone());
                thread::spawn(move || serve(stream, &table, &seen));
            }
        });
        FaultServer {
            port,
            routes,
            heads,
        }
    }

    fn set(&self, path: &str, fault: Fault) -> String {
        self.routes.lock().unwrap().insert(path.to_owned(), fault);
        self.url(path)
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn serve(
    mut stream: TcpStream,
    routes: &Mutex<HashMap<String, Fault>>,
    heads: &Mutex<Vec<String>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    heads.lock().unwrap().push(head.clone());
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let fault = routes.lock().unwrap().get(&path).cloned();
    let fault = fault.unwrap_or(Fault::Answer(404, vec![], b"not here".to_vec()));
    let _ = respond(&mut stream, fault);
}

fn respond(stream: &mut TcpStream, fault: Fault) -> std::io::Result<()> {
    match fault {
        Fault::Answer(status, headers, body) => {
            let mut out = format!("HTTP/1.1 {status} Whatever\r\nConnection: close\r\n");
            if !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            {
                out.push_str("Content-Type: text/html; charset=utf-8\r\n");
            }
            for (name, value) in headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
            stream.write_all(out.as_bytes())?;
            stream.write_all(&body)
        }
        Fault::Silent => {
            thread::sleep(Duration::from_secs(30));
            Ok(())
        }
        Fault::Trickle => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<html>",
            )?;
            for _ in 0..30 {
                thread::sleep(Duration::from_secs(1));
                stream.write_all(b" ")?;
            }
            Ok(())
        }
        Fault::Reset => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n",
            )?;
            stream.write_all(&[b'x'; 2000])?;
            stream.flush()?;
            // A zero linger turns the close into a reset.
            socket2::SockRef::from(&*stream).set_linger(Some(Duration::ZERO))?;
            Ok(())
        }
        Fault::CutChunked => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n",
            )?;
            stream.write_all(b"10\r\n<html><p>abcdefg\r\n")?;
            stream.write_all(b"400\r\nonly part of it")
        }
        Fault::LyingLength => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n",
            )?;
            stream.write_all(&[b'y'; 100])
        }
        Fault::Garbage => stream.write_all(b"HELLO THERE, THIS IS NOT HTTP\r\n\r\n"),
        Fault::Huge => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2147483648\r\n\r\n",
            )?;
            let zeros = vec![b'0'; 65536];
            for _ in 0..(2u64 << 30) / 65536 {
                stream.write_all(&zeros)?;
            }
            Ok(())
        }
        Fault::Endless => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n",
            )?;
            let chunk = format!("{:x}\r\n{}\r\n", 65536, "0".repeat(65536));
            // 2 GB at most; the client leaves long before.
            for _ in 0..(2u64 << 30) / 65536 {
                stream.write_all(chunk.as_bytes())?;
            }
            stream.write_all(b"0\r\n\r\n")
        }
    }
}

fn redirect(to: &str) -> Fault {
    Fault::Answer(302, vec![("Location", to.to_owned())], vec![])
}

fn html(body: impl Into<Vec<u8>>) -> Fault {
    Fault::Answer(200, vec![], body.into())
}

fn typed(content_type: &str, body: impl Into<Vec<u8>>) -> Fault {
    Fault::Answer(
        200,
        vec![("Content-Type", content_type.to_owned())],
        body.into(),
    )
}

fn compressed(encoding: &str, body: Vec<u8>) -> Fault {
    Fault::Answer(
        200,
        vec![
            ("Content-Encoding", encoding.to_owned()),
            ("Content-Type", "text/html".to_owned()),
        ],
        body,
    )
}

/// 64 MiB of zeros, compressed: a few hundred kilobytes on the wire.
fn gzip_bomb() -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap();
    }
    enc.finish().unwrap()
}

fn brotli_bomb() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 1, 22);
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            enc.write_all(&zeros).unwrap();
        }
    }
    out
}

/// Bytes no text holds, served as HTML.
fn binary_noise(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn nested(depth: usize) -> String {
    format!(
        "<html><head><title>Deep</title></head><body>{}<p>{}</p>{}</body></html>",
        "<div>".repeat(depth),
        PARAS[0],
        "</div>".repeat(depth)
    )
}

/// The redirect loop and chain the redirect cases lead into.
fn redirect_routes(server: &FaultServer) {
    server.set("/loop-a", redirect("/loop-b"));
    server.set("/loop-b", redirect("/loop-a"));
    for n in 0..30 {
        server.set(
            &format!("/chain/{n}"),
            redirect(&format!("/chain/{}", n + 1)),
        );
    }
}

/// Every hostile case: a path, the fault, and words its error must hold.
fn cases() -> Vec<(&'static str, Fault, &'static str)> {
    let timed_out = "no complete answer within 2s";
    vec![
        ("/silent", Fault::Silent, timed_out),
        ("/trickle", Fault::Trickle, timed_out),
        (
            "/reset",
            Fault::Reset,
            "the body broke off: Connection reset",
        ),
        ("/cut-chunked", Fault::CutChunked, "the body broke off"),
        ("/lying-length", Fault::LyingLength, "the body broke off"),
        (
            "/garbage",
            Fault::Garbage,
            "the request failed: invalid HTTP",
        ),
        (
            "/two-gigabytes",
            Fault::Huge,
            "larger than the 10485760 byte cap",
        ),
        (
            "/endless",
            Fault::Endless,
            "larger than the 10485760 byte cap",
        ),
        (
            "/gzip-bomb",
            compressed("gzip", gzip_bomb()),
            "larger than the 10485760 byte cap",
        ),
        (
            "/brotli-bomb",
            compressed("br", brotli_bomb()),
            "larger than the 10485760 byte cap",
        ),
        ("/loop-a", redirect("/loop-b"), "redirect loop"),
        ("/chain/0", redirect("/chain/1"), "too many redirects"),
        (
            "/to-file",
            redirect("file:///etc/passwd"),
            "not an http or https URL",
        ),
        (
            "/to-ftp",
            redirect("ftp://127.0.0.1/x"),
            "not an http or https URL",
        ),
        (
            "/binary",
            html(binary_noise(100 * 1024)),
            "the body is binary data",
        ),
        (
            "/pdf-as-html",
            html(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec()),
            "the body is a PDF document",
        ),
        (
            "/pdf",
            typed("application/pdf", b"%PDF-1.7\n".to_vec()),
            "not an HTML page",
        ),
        (
            "/deep",
            html(nested(100_000)),
            "nests elements more than 4096 deep",
        ),
        (
            "/too-long-line",
            html(format!("<p>{}</p>", "word ".repeat(4 << 20))),
            "larger than the 10485760 byte cap",
        ),
    ]
}

fn env() -> Env {
    let mut env = Env::new();
    env.timeout_secs = TIMEOUT;
    env
}

/// Runs `redline ARGS…` with retries on (the timeout must bound them too).
fn run_timed(env: &Env, args: &[&str]) -> (crate::common::Run, Duration) {
    let started = Instant::now();
    let mut cmd = env.command();
    cmd.env("REDLINE_RETRIES", "2").args(args);
    let run = crate::common::Run::from(cmd.output().expect("run redline"));
    (run, started.elapsed())
}

#[test]
fn one_pass_over_every_hostile_server_fails_each_alone_and_records_the_good_one() {
    let env = env();
    // Each case on a host of its own (politeness spaces one host's pages).
    let cases: Vec<_> = cases()
        .into_iter()
        .map(|(path, fault, expected)| {
            let server = FaultServer::start();
            redirect_routes(&server);
            server.set(path, fault);
            (server, path, expected)
        })
        .collect();
    let good = env.serve("/good", &page("A good article", PARAS, "x"));
    let mut urls = vec![good.clone()];
    urls.extend(cases.iter().map(|(server, path, _)| server.url(path)));
    let mut args = vec!["track", "--keep"];
    args.extend(urls.iter().map(String::as_str));
    let (out, took) = run_timed(&env, &args);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    // Hostile hosts are checked side by side: the whole pass is bounded by
    // one timeout, not one per case.
    assert!(
        took < Duration::from_secs(TIMEOUT) + SLACK,
        "the pass took {took:?}\n{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("#1 tracking: A good article"),
        "{}",
        out.stdout
    );
    for (i, (server, path, expected)) in cases.iter().enumerate() {
        let id = i + 2;
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("#{id} failed: ")))
            .unwrap_or_else(|| panic!("no failure line for {path}:\n{}", out.stdout));
        assert!(line.contains(&server.url(path)), "{path}: {line}");
        assert!(line.contains(expected), "{path}: {line}");
        assert!(!line.contains('\n'));
    }
    assert_eq!(env.revisions("1"), 1);
}

#[test]
fn a_tracked_article_served_by_a_hostile_server_keeps_its_history() {
    let env = env();
    let server = FaultServer::start();
    let first = page("Steady", PARAS, "x");
    let url = server.set("/story", html(first.clone()));
    env.run(&["track", &url]).expect(0);
    redirect_routes(&server);
    let mut faults = cases();
    faults.push((
        "/story",
        Fault::Answer(503, vec![("Retry-After", "1".into())], b"busy".to_vec()),
        "HTTP 503",
    ));
    faults.push((
        "/story",
        Fault::Answer(429, vec![], b"slow down".to_vec()),
        "HTTP 429",
    ));
    faults.push((
        "/story",
        Fault::Answer(429, vec![("Retry-After", "120".into())], vec![]),
        "HTTP 429",
    ));
    for status in [400, 401, 403, 405, 451, 500, 502, 504] {
        faults.push(("/story", Fault::Answer(status, vec![], vec![]), "HTTP"));
    }
    for (path, fault, expected) in faults {
        server.set("/story", fault);
        let (out, took) = run_timed(&env, &["check"]);
        assert_eq!(out.code, 1, "{path}: {}\n{}", out.stdout, out.stderr);
        assert!(
            took < Duration::from_secs(TIMEOUT) + SLACK,
            "{path}: {took:?}"
        );
        assert!(
            out.stdout.contains("#1 failed: ") && out.stdout.contains(expected),
            "{path}: {}",
            out.stdout
        );
        assert!(out.stdout.contains(&url), "{path}: {}", out.stdout);
        assert!(
            out.stderr.contains("checked 1, changed 0, failed 1"),
            "{path}: {}",
            out.stderr
        );
        assert_eq!(env.revisions("1"), 1, "{path}");
        assert_eq!(
            env.run(&["show", "1", "--raw"]).expect(0).raw_stdout,
            first.as_bytes(),
            "{path}"
        );
    }
    env.run(&["verify"]).expect(0);
}

#[test]
fn odd_but_readable_pages_are_read() {
    let env = env();
    let server = FaultServer::start();
    let mut invalid = page("Broken bytes", PARAS, "x").into_bytes();
    let at = invalid.len() / 2;
    invalid.splice(at..at, [0xff, 0xfe, 0xc3]);
    let a = server.set("/invalid-utf8", html(invalid));
    let b = server.set(
        "/unknown-charset",
        typed(
            "text/html; charset=x-klingon",
            page("Unknown charset", PARAS, "x"),
        ),
    );
    let out = env.run(&["track", &a, &b]).expect(0);
    assert!(
        out.stdout.contains("#1 tracking: Broken bytes"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("#2 tracking: Unknown charset"),
        "{}",
        out.stdout
    );
    let shown = env.run(&["show", "2"]).expect(0);
    assert!(shown.stdout.contains(PARAS[1]), "{}", shown.stdout);
}

#[test]
fn a_page_of_scripts_only_is_no_article() {
    let env = env();
    let server = FaultServer::start();
    let scripts = "<html><head><script>var a = 1;</script></head><body>\
                   <script>document.write('<p>' + 'x'.repeat(100) + '</p>')</script></body></html>";
    let url = server.set("/scripts", html(scripts));
    let out = env.run(&["track", "--keep", &url]);
    assert_eq!(env.listed(1)["revisions"], 0, "{}", out.stdout);
}

#[test]
fn extraction_past_its_budget_fails_the_check_and_the_pass_goes_on() {
    let env = env();
    let server = FaultServer::start();
    // Deep, but under the depth limit: slow to parse, not refused outright.
    let slow = server.set("/slow", html(nested(4000)));
    let good = env.serve("/good", &page("Quick", PARAS, "x"));
    let mut cmd = env.command();
    cmd.env("REDLINE_EXTRACT_BUDGET", "0.001")
        .args(["track", "--keep", &slow, &good]);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("#1 failed: ")
            && stdout.contains("extraction did not finish within 0.001s"),
        "{stdout}"
    );
    // With a budget that fits the page, the same page is read.
    env.run(&["check", "1"]).expect(0);
    assert_eq!(env.listed(1)["revisions"], 1);
}

#[test]
fn credentials_in_a_url_are_used_but_never_shown_or_exported() {
    let env = env();
    let server = FaultServer::start();
    server.set("/story", html(page("Behind a login", PARAS, "x")));
    server.set("/deep", html(nested(100_000)));
    let url = format!("http://ann:s3cret@127.0.0.1:{}/story", server.port);
    let deep = format!("http://ann:s3cret@127.0.0.1:{}/deep", server.port);
    let dead = "http://bob:hunter2@127.0.0.1:9/gone";
    let out = env.run(&["track", "--keep", &url, dead, &deep]);
    assert!(
        out.stdout.contains(&format!(
            "http://ann:***@127.0.0.1:{}/deep: the page nests",
            server.port
        )),
        "{}",
        out.stdout
    );
    let heads = server.heads.lock().unwrap().join("\n");
    // "ann:s3cret" in Basic authentication.
    assert!(heads.contains("YW5uOnMzY3JldA=="), "{heads}");
    let mut seen = out.stdout + &out.stderr;
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["log", "1"],
        &["log", "1", "--json"],
        &["show", "1", "--json"],
        &["status"],
        &["status", "--json"],
    ] {
        let run = env.run(args);
        seen.push_str(&run.stdout);
        seen.push_str(&run.stderr);
    }
    for (format, name) in [
        ("jsonl", "e.jsonl"),
        ("csv", "csv"),
        ("md", "e.md"),
        ("html", "site"),
        ("atom", "e.atom"),
        ("git", "git"),
        ("warc", "e.warc.gz"),
    ] {
        let path = env.path(name);
        env.export_all(format, &path, &[]).expect(0);
        seen.push_str(&read_tree(&path));
    }
    assert!(seen.contains("ann:***@127.0.0.1"), "{seen}");
    assert!(seen.contains("bob:***@127.0.0.1"), "{seen}");
    for secret in ["s3cret", "hunter2", "YW5uOnMzY3JldA"] {
        assert!(!seen.contains(secret), "{secret} leaked");
    }
}

/// Every file under `path` (or the file itself) as text; gzip is opened.
fn read_tree(path: &std::path::Path) -> String {
    if path.join(".git").is_dir() {
        let log = std::process::Command::new("git")
            .args(["log", "-p", "--all"])
            .current_dir(path)
            .output()
            .expect("git log");
        return String::from_utf8_lossy(&log.stdout).into_owned();
    }
    if path.is_dir() {
        let mut all = String::new();
        for entry in std::fs::read_dir(path).unwrap().flatten() {
            all.push_str(&read_tree(&entry.path()));
        }
        return all;
    }
    let bytes = std::fs::read(path).unwrap();
    let mut text = Vec::new();
    let mut gz = flate2::read::MultiGzDecoder::new(&bytes[..]);
    if gz.read_to_end(&mut text).is_err() {
        text = bytes;
    }
    String::from_utf8_lossy(&text).into_owned()
}

/// A TLS server on 127.0.0.1 with a self-signed certificate (openssl makes
/// it, Python serves it); killed on drop.
struct BadTls {
    child: std::process::Child,
    port: u16,
}

impl BadTls {
    fn start(dir: &std::path::Path) -> Option<Self> {
        let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
        let made = std::process::Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            return None;
        }
        let script = "import http.server, ssl, sys\n\
                      s = http.server.HTTPServer(('127.0.0.1', 0), http.server.SimpleHTTPRequestHandler)\n\
                      c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
                      c.load_cert_chain(sys.argv[1], sys.argv[2])\n\
                      s.socket = c.wrap_socket(s.socket, server_side=True)\n\
                      print(s.server_address[1], flush=True)\n\
                      s.serve_forever()\n";
        let mut child = std::process::Command::new("python3")
            .args(["-c", script])
            .arg(&cert)
            .arg(&key)
            .current_dir(dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .ok()?;
        let port = line.trim().parse().ok()?;
        Some(BadTls { child, port })
    }
}

impl Drop for BadTls {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_invalid_tls_certificate_is_refused_with_a_hint() {
    let env = env();
    let Some(server) = BadTls::start(env.dir.path()) else {
        assert!(
            std::env::var_os("REDLINE_REQUIRE_TOOLS").is_none(),
            "openssl and python3 are needed for this test (.ci/run installs them)"
        );
        eprintln!("skipped: no openssl or python3");
        return;
    };
    let url = format!("https://127.0.0.1:{}/", server.port);
    let out = env.run(&["track", "--keep", &url]).expect(1);
    assert!(
        out.stdout.contains(&format!(
            "#1 failed: {url}: the server's TLS certificate was refused"
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("hint: the certificate is invalid"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_200_error_page_or_consent_wall_is_an_alarm_not_a_revision() {
    let env = env();
    let server = FaultServer::start();
    let first = page("Steady", PARAS, "x");
    let url = server.set("/story", html(first.clone()));
    env.run(&["track", &url]).expect(0);
    let walls = [
        "<html><head><title>Before you continue</title></head><body><div class=\"consent\">\
         <h1>We value your privacy</h1><p>We and our partners use cookies to store and access \
         information on your device.</p><button>Accept all</button><button>Manage options</button>\
         </div></body></html>",
        "<html><head><title>Error</title></head><body><h1>Something went wrong</h1>\
         <p>Please try again later.</p></body></html>",
    ];
    for wall in walls {
        server.set("/story", html(wall));
        let out = env.run(&["check"]);
        assert!(out.stdout.contains("extraction alarm"), "{}", out.stdout);
        assert_eq!(env.revisions("1"), 1);
        server.set("/story", html(first.clone()));
        env.run(&["check"]).expect(0);
        assert_eq!(env.revisions("1"), 1, "the article came back unchanged");
    }
}

#[test]
fn per_site_credentials_from_the_config_are_sent_and_never_shown() {
    let env = env();
    let server = FaultServer::start();
    let url = server.set("/members/story", html(page("Members only", PARAS, "x")));
    let config = env.path("config/redline/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[credentials.\"127.0.0.1\"]\nuser = \"ann\"\npassword_env = \"SITE_PASSWORD\"\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = env
            .command()
            .env("SITE_PASSWORD", "s3cret")
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    };
    let mut seen = run(&["track", &url]);
    assert!(seen.contains("#1 tracking: Members only"), "{seen}");
    let heads = server.heads.lock().unwrap().join("\n");
    assert!(
        heads.contains("authorization: Basic YW5uOnMzY3JldA=="),
        "{heads}"
    );
    for args in [&["list", "--json"][..], &["config", "show"], &["status"]] {
        seen.push_str(&run(args));
    }
    assert!(!seen.contains("s3cret"), "{seen}");
    // Without the variable, the configuration says what is missing.
    let out = env.run(&["list"]).expect(1);
    assert!(
        out.stderr.contains("password_env is not set"),
        "{}",
        out.stderr
    );
}

//! A local server of generated article pages for tracking benchmarks.
//!
//!     cargo run --release --example article_server -- --pages 5000 [--port 8088] [--latency-ms 0]
//!
//! Serves `/a/0` … `/a/N-1` (about 90 KB each: an article among navigation,
//! related links, ads and scripts), with ETag/Last-Modified and 304 answers to
//! conditional requests. `GET /__change?percent=10` edits a paragraph of that
//! share of the pages (and churns their boilerplate); `/__urls` lists the URLs.
//! Pages are generated on request from (page, version), so memory stays small.
//!
//! `--hosts N` serves the same pages on N loopback addresses, 127.0.0.1 to
//! 127.0.0.N (same port), as N hosts for politeness benchmarks.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const WORDS: &[&str] = &[
    "council",
    "harbour",
    "ferry",
    "budget",
    "residents",
    "bridge",
    "storm",
    "school",
    "police",
    "market",
    "library",
    "station",
    "hospital",
    "minister",
    "report",
    "weather",
    "river",
    "road",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "said",
    "on",
    "after",
    "with",
    "for",
    "was",
];

fn sentence(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut words = Vec::with_capacity(n);
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        words.push(WORDS[(x % WORDS.len() as u64) as usize]);
    }
    let mut s = words.join(" ");
    s[..1].make_ascii_uppercase();
    s.push('.');
    s
}

fn page(i: u64, version: u32) -> String {
    let mut body = String::with_capacity(96 * 1024);
    body.push_str(&format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story {i} | Bench News</title>\
         <script>window.__state={{\"v\":{version},\"page\":{i}}};</script></head><body>\
         <nav>{}</nav><main><article><h1>Story {i}</h1><div class=\"article-body\">",
        (0..40).map(|k| format!("<a href=\"/section/{k}\">Section {k}</a>")).collect::<String>()
    ));
    for p in 0..12u64 {
        // Version bumps rewrite the third paragraph.
        let seed = if p == 2 {
            i * 1000 + p + u64::from(version) * 7919
        } else {
            i * 1000 + p
        };
        body.push_str(&format!(
            "<p>{} {}</p>",
            sentence(seed, 25),
            sentence(seed + 1, 20)
        ));
    }
    body.push_str("</div></article><aside class=\"related\"><ul>");
    for k in 0..120u64 {
        body.push_str(&format!(
            "<li><a href=\"/a/{}\">{}</a></li>",
            (i + k) % 1000,
            sentence(i * 31 + k + u64::from(version), 8)
        ));
    }
    body.push_str("</ul></aside></main><footer>");
    while body.len() < 88 * 1024 {
        body.push_str("<p class=\"legal\">Bench News is a fictional site for benchmarks. All rights reserved.</p>");
    }
    body.push_str("</footer></body></html>");
    body
}

fn main() {
    let pages = arg("--pages", 5000);
    let port = arg("--port", 8088);
    let latency = Duration::from_millis(arg("--latency-ms", 0));
    let hosts = arg("--hosts", 1).clamp(1, 250);
    let state = Arc::new(State {
        versions: (0..pages).map(|_| AtomicU32::new(0)).collect(),
        round: AtomicU32::new(0),
        port,
        latency,
    });
    eprintln!("serving {pages} pages on http://127.0.0.1:{port}/a/0 …");
    let listeners: Vec<_> = (1..=hosts)
        .map(|h| {
            let listener = TcpListener::bind((format!("127.0.0.{h}"), port as u16)).expect("bind");
            let state = state.clone();
            std::thread::spawn(move || {
                // A thread per connection, requests on it answered in turn
                // (HTTP/1.1 keep-alive).
                for stream in listener.incoming().flatten() {
                    let state = state.clone();
                    std::thread::spawn(move || {
                        let _ = serve_connection(stream, &state);
                    });
                }
            })
        })
        .collect();
    for l in listeners {
        let _ = l.join();
    }
}

struct State {
    versions: Vec<AtomicU32>,
    round: AtomicU32,
    port: u64,
    latency: Duration,
}

/// Reads requests from one connection and answers each, until the client
/// closes it or asks to.
fn serve_connection(stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = BufWriter::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let mut if_none_match = None;
        let mut close = false;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 {
                return Ok(());
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("if-none-match") {
                    if_none_match = Some(value.to_owned());
                } else if name.eq_ignore_ascii_case("connection")
                    && value.eq_ignore_ascii_case("close")
                {
                    close = true;
                }
            }
        }
        if !state.latency.is_zero() {
            std::thread::sleep(state.latency);
        }
        let (status, headers, body) = answer(state, &path, if_none_match.as_deref());
        let reason = match status {
            200 => "OK",
            304 => "Not Modified",
            _ => "Not Found",
        };
        write!(writer, "HTTP/1.1 {status} {reason}\r\n")?;
        for (name, value) in &headers {
            write!(writer, "{name}: {value}\r\n")?;
        }
        write!(writer, "Content-Length: {}\r\n\r\n", body.len())?;
        writer.write_all(body.as_bytes())?;
        writer.flush()?;
        if close {
            return Ok(());
        }
    }
}

/// Status, headers and body for a path.
fn answer(
    state: &State,
    path: &str,
    if_none_match: Option<&str>,
) -> (u16, Vec<(&'static str, String)>, String) {
    if let Some(q) = path.strip_prefix("/__change?percent=") {
        let pct: u64 = q.parse().unwrap_or(10);
        let r = state.round.fetch_add(1, Ordering::SeqCst) as u64;
        let mut changed = 0;
        for (i, v) in state.versions.iter().enumerate() {
            if (i as u64 * 7 + r * 13) % 100 < pct {
                v.fetch_add(1, Ordering::SeqCst);
                changed += 1;
            }
        }
        return (200, vec![], format!("changed {changed}\n"));
    }
    if path == "/__urls" {
        let list: String = (0..state.versions.len())
            .map(|i| format!("http://127.0.0.1:{}/a/{i}\n", state.port))
            .collect();
        return (200, vec![], list);
    }
    let Some(i) = path
        .strip_prefix("/a/")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|i| *i < state.versions.len())
    else {
        return (404, vec![], "not found".into());
    };
    let v = state.versions[i].load(Ordering::SeqCst);
    let etag = format!("\"{i}-{v}\"");
    let headers = vec![
        ("ETag", etag.clone()),
        (
            "Last-Modified",
            format!("Mon, 0{} Jan 2026 00:00:00 GMT", 1 + v % 9),
        ),
        ("Content-Type", "text/html; charset=utf-8".to_owned()),
    ];
    if if_none_match == Some(etag.as_str()) {
        (304, headers, String::new())
    } else {
        (200, headers, page(i as u64, v))
    }
}

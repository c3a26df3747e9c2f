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
    let versions: Arc<Vec<AtomicU32>> = Arc::new((0..pages).map(|_| AtomicU32::new(0)).collect());
    let round = Arc::new(AtomicU32::new(0));
    eprintln!("serving {pages} pages on http://127.0.0.1:{port}/a/0 …");
    let servers: Vec<_> = (1..=hosts)
        .map(|h| {
            let server =
                tiny_http::Server::http((format!("127.0.0.{h}"), port as u16)).expect("bind");
            let (versions, round) = (versions.clone(), round.clone());
            std::thread::spawn(move || serve(server, port, latency, versions, round))
        })
        .collect();
    for s in servers {
        let _ = s.join();
    }
}

fn serve(
    server: tiny_http::Server,
    port: u64,
    latency: Duration,
    versions: Arc<Vec<AtomicU32>>,
    round: Arc<AtomicU32>,
) {
    // One thread takes requests; each is answered on a thread of its own.
    for request in server.incoming_requests() {
        let (versions, round) = (versions.clone(), round.clone());
        std::thread::spawn(move || {
            if !latency.is_zero() {
                std::thread::sleep(latency);
            }
            let url = request.url().to_owned();
            let respond = |status: u16, body: String, headers: Vec<tiny_http::Header>| {
                let mut r = tiny_http::Response::from_string(body).with_status_code(status);
                for h in headers {
                    r.add_header(h);
                }
                r
            };
            let header = |n: &str, v: &str| tiny_http::Header::from_bytes(n, v).expect("header");
            if let Some(q) = url.strip_prefix("/__change?percent=") {
                let pct: u64 = q.parse().unwrap_or(10);
                let r = round.fetch_add(1, Ordering::SeqCst) as u64;
                let mut changed = 0;
                for (i, v) in versions.iter().enumerate() {
                    if (i as u64 * 7 + r * 13) % 100 < pct {
                        v.fetch_add(1, Ordering::SeqCst);
                        changed += 1;
                    }
                }
                let _ = request.respond(respond(200, format!("changed {changed}\n"), vec![]));
                return;
            }
            if url == "/__urls" {
                let list: String = (0..versions.len())
                    .map(|i| format!("http://127.0.0.1:{port}/a/{i}\n"))
                    .collect();
                let _ = request.respond(respond(200, list, vec![]));
                return;
            }
            let Some(i) = url
                .strip_prefix("/a/")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|i| *i < versions.len())
            else {
                let _ = request.respond(respond(404, "not found".into(), vec![]));
                return;
            };
            let v = versions[i].load(Ordering::SeqCst);
            let etag = format!("\"{i}-{v}\"");
            let modified = format!("Mon, 0{} Jan 2026 00:00:00 GMT", 1 + v % 9);
            let fresh = request
                .headers()
                .iter()
                .any(|h| h.field.equiv("If-None-Match") && h.value.as_str() == etag);
            let headers = vec![
                header("ETag", &etag),
                header("Last-Modified", &modified),
                header("Content-Type", "text/html; charset=utf-8"),
            ];
            let r = if fresh {
                respond(304, String::new(), headers)
            } else {
                respond(200, page(i as u64, v), headers)
            };
            let _ = request.respond(r);
        });
    }
}

//! Builds a large redline database quickly, for the scale benchmark
//! (`benches/scale.sh`): N articles pointing at the local article server
//! (`/a/0` … `/a/N-1`), each with one recorded revision and the validators
//! the server will answer 304 to, `--due` of them due now and the rest due
//! tomorrow.
//!
//! With `--hosts H` the articles are spread over 127.0.0.1 … 127.0.0.H
//! (`article_server --hosts H`). `--db` takes a PostgreSQL URL too.
//!
//!     cargo run --release --example scale_db -- --db PATH --articles 100000 --due 1000 --port 8088

use redline::extract::Article;
use redline::fingerprint::fingerprint;
use redline::store::{NewCheck, NewRevision, Outcome, Pace, ScheduleUpdate, Store};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let db = arg("--db").expect("--db PATH");
    let n: usize = arg("--articles").map_or(1000, |v| v.parse().expect("--articles N"));
    let due: usize = arg("--due").map_or(1000, |v| v.parse().expect("--due N"));
    let port: u16 = arg("--port").map_or(8088, |v| v.parse().expect("--port N"));
    let hosts: usize = arg("--hosts").map_or(1, |v| v.parse().expect("--hosts N"));
    let now = "2026-03-01T12:00:00.000Z";
    let tomorrow = "2026-03-02T12:00:00.000Z";
    let mut store = Store::open(std::path::Path::new(&db)).expect("open the database");
    let urls: Vec<String> = (0..n)
        .map(|i| format!("http://127.0.0.{}:{port}/a/{i}", i % hosts.max(1) + 1))
        .collect();
    let rows = store
        .add_articles(&urls, None, &Pace::default(), now)
        .expect("add articles");
    for (i, (row, _)) in rows.iter().enumerate() {
        let article = Article {
            title: Some(format!("Story {i}")),
            body: vec![format!(
                "Placeholder text of story {i}, replaced on its next change."
            )],
            ..Article::default()
        };
        let raw = format!("<html><body><h1>Story {i}</h1></body></html>");
        let headers = vec![("etag".to_owned(), format!("\"{i}-0\""))];
        let check = NewCheck {
            article_id: row.id,
            checked_at: now.to_owned(),
            http_status: Some(200),
            outcome: Outcome::First,
            duration_ms: 1,
            error: None,
            fingerprint: None,
            schedule: Some(ScheduleUpdate {
                next_check_at: Some(if i < due { now } else { tomorrow }.to_owned()),
                interval_secs: 1200,
                changed_at: Some(now.to_owned()),
            }),
            etag: Some(format!("\"{i}-0\"")),
            last_modified: None,
            final_url: Some(row.url.clone()),
            canonical_url: None,
        };
        store
            .record_revision(
                &NewRevision {
                    captured_at: now.to_owned(),
                    fingerprint: fingerprint(&article),
                    raw: raw.as_bytes(),
                    article: &article,
                    final_url: row.url.clone(),
                    http_status: 200,
                    headers: &headers,
                    request_headers: &[],
                    encoding: "UTF-8",
                    revert_of: None,
                    diff: None,
                    classes: &[],
                },
                &check,
            )
            .expect("record a revision");
    }
}

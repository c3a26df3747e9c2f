//! Times what a worker asks of the database between checks, on a database
//! of any size (`benches/postgres.sh` fills one with a million articles):
//! taking due hosts and giving them back, a page of `list`, and the counts
//! `status` shows.
//!
//!     cargo run --release --example claim_hosts -- --db postgres://… --rounds 200

use std::time::{Duration, Instant};

use redline::store::Store;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what:<44} median {:7.2} ms   p95 {:7.2} ms   max {:7.2} ms   ({} runs)",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(*times.last().expect("timed at least once")),
        times.len()
    );
}

fn main() {
    let db = arg("--db").expect("--db PATH|URL");
    let rounds: usize = arg("--rounds").map_or(200, |v| v.parse().expect("--rounds N"));
    let hosts: usize = arg("--hosts").map_or(16, |v| v.parse().expect("--hosts N"));
    let due_at = arg("--now").unwrap_or_else(|| "2026-03-01T12:00:00.000Z".into());
    let mut store = Store::open(std::path::Path::new(&db)).expect("open the database");
    let wall = |secs: i64| {
        redline::clock::rfc3339(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(secs))
    };
    let mut claims = Vec::new();
    let mut some_host: Option<String> = None;
    let mut releases = Vec::new();
    let mut taken = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        let leased = store
            .claim_hosts("bench", &wall(0), &wall(300), &due_at, hosts)
            .expect("claim hosts");
        claims.push(started.elapsed());
        taken += leased.len();
        if some_host.is_none() {
            some_host = leased.first().map(|h| h.host.clone());
        }
        let started = Instant::now();
        for h in &leased {
            store
                .release_host("bench", &h.host, None, None)
                .expect("release a host");
        }
        releases.push(started.elapsed());
    }
    println!("{taken} hosts taken over {rounds} rounds ({hosts} at a time)");
    report(&format!("claim up to {hosts} due hosts"), claims);
    report(&format!("give {hosts} hosts back"), releases);
    let mut articles = Vec::new();
    let host = some_host.expect("a host was due");
    for _ in 0..rounds.min(50) {
        let started = Instant::now();
        let page = store.due_on_host(&host, &due_at).expect("due");
        std::hint::black_box(page);
        articles.push(started.elapsed());
    }
    report("one host's due articles", articles);
    let mut pages = Vec::new();
    for i in 0..rounds.min(50) {
        let started = Instant::now();
        let page = store
            .summaries_after(Some((i * 9973) as i64), Some(50))
            .expect("a page of the list");
        std::hint::black_box(page);
        pages.push(started.elapsed());
    }
    report("a page of list (50 articles)", pages);
    let mut counts = Vec::new();
    for _ in 0..rounds.min(20) {
        let started = Instant::now();
        std::hint::black_box(store.totals().expect("totals"));
        std::hint::black_box(store.due_count(&due_at).expect("due"));
        counts.push(started.elapsed());
    }
    report("status's counts (totals, due)", counts);
}

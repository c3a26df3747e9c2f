//! `redline worker`: several processes sharing one database (PostgreSQL in
//! the PostgreSQL suite, a SQLite file otherwise) check every due article
//! exactly once, keep each host's politeness between them, and take over a
//! dead worker's hosts once its lease runs out.

use std::collections::HashMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use redline::serve::{Route, Server};

use crate::common::{Env, PARAS, page};

/// One server per loopback address: to redline, that many hosts.
fn hosts(n: usize) -> Vec<Server> {
    (1..=n)
        .map(|i| {
            let s = Server::start_at(&format!("127.0.0.{i}")).expect("a loopback server");
            s.set("/a/*", Route::html(page("Steady", PARAS, "x")));
            s
        })
        .collect()
}

fn spawn(env: &Env, now: &str, args: &[&str]) -> Child {
    env.command()
        .env("REDLINE_NOW", now)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start redline")
}

fn finish(child: Child) -> crate::common::Run {
    crate::common::Run::from(child.wait_with_output().expect("a worker ends"))
}

/// Tracks `per` articles on each host (checked once, quickly), then makes
/// them all due again by moving the clock a day on. Returns how many
/// requests each server had served before.
fn tracked(env: &Env, servers: &[Server], per: usize) -> Vec<usize> {
    let list: String = servers
        .iter()
        .flat_map(|s| (0..per).map(move |k| format!("{}\n", s.url(&format!("/a/{k}")))))
        .collect();
    let file = env.path("urls.txt");
    std::fs::write(&file, list).unwrap();
    env.run(&["track", "--quiet", "--from-file", file.to_str().unwrap()])
        .expect(0);
    servers.iter().map(|s| s.served().len()).collect()
}

#[test]
fn four_workers_check_each_due_article_once_and_keep_every_hosts_spacing() {
    let env = Env::new();
    let servers = hosts(100);
    let per = 20;
    let before = tracked(&env, &servers, per);
    let delay = Duration::from_millis(200);
    let later = "2026-03-02T12:00:00Z";
    let workers: Vec<Child> = (0..4)
        .map(|i| {
            spawn(
                &env,
                later,
                &[
                    "--host-delay",
                    "0.2s",
                    "worker",
                    "--once",
                    "--name",
                    &format!("w{i}"),
                ],
            )
        })
        .collect();
    let runs: Vec<_> = workers.into_iter().map(finish).collect();
    for r in &runs {
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    // Each worker took a share: no one did it all.
    let shares: Vec<usize> = runs
        .iter()
        .map(|r| {
            let line = r.stderr.lines().last().unwrap_or("");
            line.split("checked ")
                .nth(1)
                .and_then(|t| t.split(',').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{line}"))
        })
        .collect();
    assert_eq!(shares.iter().sum::<usize>(), 100 * per, "{shares:?}");
    assert!(shares.iter().filter(|&&n| n > 0).count() >= 2, "{shares:?}");
    // Every article checked exactly once more, as the database says…
    assert_eq!(
        env.count("SELECT count(*) FROM checks"),
        2 * (100 * per) as i64
    );
    assert_eq!(
        env.count(
            "SELECT count(*) FROM (SELECT article_id FROM checks GROUP BY article_id
                                   HAVING count(*) <> 2) AS odd"
        ),
        0
    );
    // …and as each server's own log says: one request per page, never two
    // at once to a host, starts at least the delay apart.
    for (server, before) in servers.iter().zip(before) {
        let mut log: Vec<_> = server.served().into_iter().skip(before).collect();
        log.sort_by_key(|s| s.at);
        let mut pages: HashMap<&str, usize> = HashMap::new();
        for s in &log {
            if s.path != "/robots.txt" {
                *pages.entry(s.path.as_str()).or_default() += 1;
            }
        }
        assert_eq!(pages.len(), per, "{}", server.url("/"));
        assert!(pages.values().all(|&n| n == 1), "{pages:?}");
        for pair in log.windows(2) {
            assert!(
                pair[1].at >= pair[0].done,
                "{}: two requests in flight at once",
                server.url("/")
            );
            assert!(
                // The server notes a request when it has read it: on two
                // busy cores, the one before may have waited a few
                // milliseconds longer to be read than the next.
                pair[1].at - pair[0].at >= delay - Duration::from_millis(25),
                "{}: {} and {} only {:?} apart",
                server.url("/"),
                pair[0].path,
                pair[1].path,
                pair[1].at - pair[0].at
            );
        }
    }
    env.run(&["verify"]).expect(0);
}

#[test]
fn a_killed_workers_hosts_are_taken_over_when_its_lease_runs_out() {
    let env = Env::new();
    let servers = hosts(2);
    let per = 10;
    tracked(&env, &servers, per);
    let later = "2026-03-02T12:00:00Z";
    // Slow hosts: half a second between requests, so the kill lands mid-pass.
    let args = |name: &'static str, lease: &'static str| {
        vec![
            "--host-delay",
            "0.5s",
            "worker",
            "--once",
            "--lease",
            lease,
            "--name",
            name,
        ]
    };
    let mut doomed = spawn(&env, later, &args("doomed", "4"));
    let started = Instant::now();
    // Wait until it has checked some, then kill it without warning.
    while env.count("SELECT count(*) FROM checks") < (2 * per + 3) as i64 {
        assert!(started.elapsed() < Duration::from_secs(20), "no checks");
        std::thread::sleep(Duration::from_millis(50));
    }
    doomed.kill().unwrap();
    doomed.wait().unwrap();
    let done_by_doomed = env.count("SELECT count(*) FROM checks") - (2 * per) as i64;
    assert!(
        done_by_doomed < (2 * per) as i64,
        "it finished before the kill"
    );
    // While its lease runs, its hosts are not taken.
    let meanwhile = finish(spawn(&env, later, &args("second", "4")));
    assert_eq!(meanwhile.code, 0, "{}", meanwhile.stderr);
    assert!(
        meanwhile.stderr.contains("checked 0,"),
        "{}",
        meanwhile.stderr
    );
    // Once it has run out, another worker checks the rest, once each.
    std::thread::sleep(Duration::from_secs(4));
    let mut rest = finish(spawn(&env, later, &args("third", "4")));
    let deadline = Instant::now() + Duration::from_secs(10);
    while rest.stderr.contains("checked 0,") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        rest = finish(spawn(&env, later, &args("third", "4")));
    }
    assert_eq!(rest.code, 0, "{}", rest.stderr);
    assert_eq!(
        env.count("SELECT count(*) FROM checks"),
        (2 * 2 * per) as i64,
        "every article checked once after the first pass: {}",
        rest.stderr
    );
    assert_eq!(
        env.count(
            "SELECT count(*) FROM (SELECT article_id FROM checks GROUP BY article_id
                                   HAVING count(*) <> 2) AS odd"
        ),
        0
    );
    env.run(&["verify"]).expect(0);
}

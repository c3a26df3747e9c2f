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
                pair[1].at - pair[0].at >= delay,
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

#[test]
fn three_workers_send_each_revisions_notification_once() {
    let env = Env::new();
    let servers = hosts(10);
    let per = 5;
    tracked(&env, &servers, per);
    // A receiver of another make than the test server: Python's own.
    let got = env.path("posted.jsonl");
    let mut receiver = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/servers/webhook_server.py"
        ))
        .arg(&got)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs the webhook receiver");
    let mut port = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(receiver.stdout.take().unwrap()),
        &mut port,
    )
    .unwrap();
    let hook = format!("http://127.0.0.1:{}/hook", port.trim());
    let config = env.path("config/redline/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, format!("[[hooks]]\nwebhook = {hook:?}\n")).unwrap();
    for s in &servers {
        s.set("/a/*", Route::html(page("Changed", PARAS, "x")));
    }
    let later = "2026-03-02T12:00:00Z";
    let workers: Vec<Child> = (0..3)
        .map(|i| {
            spawn(
                &env,
                later,
                &["worker", "--once", "--name", &format!("n{i}")],
            )
        })
        .collect();
    for w in workers {
        let r = finish(w);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let _ = receiver.kill();
    let _ = receiver.wait();
    let mut posted: HashMap<(String, i64), usize> = HashMap::new();
    for line in std::fs::read_to_string(&got).unwrap_or_default().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        *posted
            .entry((
                record["url"].as_str().unwrap().to_owned(),
                record["rev"].as_i64().unwrap(),
            ))
            .or_default() += 1;
    }
    assert_eq!(posted.len(), 10 * per, "one per revision: {posted:?}");
    assert!(posted.values().all(|&n| n == 1), "{posted:?}");
    assert!(posted.keys().all(|(_, rev)| *rev == 2));
    // Each delivery is recorded, and nothing waits in the outbox.
    assert_eq!(
        env.count("SELECT count(*) FROM deliveries WHERE ok = 1"),
        (10 * per) as i64
    );
    assert_eq!(
        env.count("SELECT count(*) FROM outbox WHERE done_at IS NULL"),
        0
    );
}

#[test]
fn a_notification_a_killed_worker_left_is_sent_by_the_next_one() {
    let env = Env::new();
    let servers = hosts(1);
    tracked(&env, &servers, 2);
    // The hook takes its time while HOLD exists (and then sends nothing);
    // otherwise it appends the revision to the file.
    let hold = env.path("HOLD");
    std::fs::write(&hold, "").unwrap();
    let got = env.path("got.jsonl");
    let config = env.path("config/redline/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!(
            "[[hooks]]\nname = \"desk\"\ntimeout = 60\ncommand = [\"sh\", \"-c\", \
             \"in=$(cat); if [ -e \\\"$1\\\" ]; then sleep 30; exit 1; fi; \
             printf '%s\\\\n' \\\"$in\\\" >> \\\"$2\\\"\", \"sh\", {:?}, {:?}]\n",
            hold.display().to_string(),
            got.display().to_string()
        ),
    )
    .unwrap();
    servers[0].set("/a/*", Route::html(page("Changed", PARAS, "x")));
    let later = "2026-03-02T12:00:00Z";
    let args = |name: &'static str| vec!["worker", "--once", "--lease", "3", "--name", name];
    let mut first = spawn(&env, later, &args("first"));
    // Both revisions recorded, their notifications claimed: kill it.
    let started = Instant::now();
    while env.count("SELECT count(*) FROM outbox WHERE claimed_by = 'first'") < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "nothing claimed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(!got.exists(), "nothing was sent yet");
    std::fs::remove_file(&hold).unwrap();
    // Its claims run out; the next worker sends both, once each.
    std::thread::sleep(Duration::from_secs(3));
    let next = finish(spawn(&env, later, &args("next")));
    assert_eq!(next.code, 0, "{}", next.stderr);
    let sent: Vec<serde_json::Value> = std::fs::read_to_string(&got)
        .expect("the hook ran")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_ne!(sent[0]["url"], sent[1]["url"]);
    assert!(sent.iter().all(|r| r["rev"] == 2));
    assert_eq!(
        env.count("SELECT count(*) FROM outbox WHERE done_at IS NULL"),
        0
    );
}

#[test]
fn a_worker_carries_on_when_postgresql_restarts_under_it() {
    if !crate::common::on_postgres() {
        eprintln!("runs in the PostgreSQL suite (REDLINE_TEST_POSTGRES=1 inside pg_virtualenv)");
        return;
    }
    let env = Env::new();
    let servers = hosts(2);
    // Ten seconds of politeness: the restart lands well inside the pass.
    let per = 20;
    tracked(&env, &servers, per);
    let later = "2026-03-02T12:00:00Z";
    let worker = spawn(
        &env,
        later,
        &["--host-delay", "0.5s", "worker", "--once", "--lease", "30"],
    );
    let started = Instant::now();
    while env.count("SELECT count(*) FROM checks") < (2 * per + 3) as i64 {
        assert!(started.elapsed() < Duration::from_secs(20), "no checks");
        std::thread::sleep(Duration::from_millis(50));
    }
    // pg_virtualenv's throwaway cluster, restarted mid-pass.
    let version = std::env::var("PGVERSION").expect("pg_virtualenv sets PGVERSION");
    let restart = std::process::Command::new("pg_ctlcluster")
        .args([version.as_str(), "regress", "restart"])
        .output()
        .expect("pg_ctlcluster runs");
    assert!(
        restart.status.success(),
        "{}",
        String::from_utf8_lossy(&restart.stderr)
    );
    let before = env.count("SELECT count(*) FROM checks") - (2 * per) as i64;
    assert!(
        before < (2 * per) as i64,
        "the pass ended before the restart"
    );
    let run = finish(worker);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Every article checked once more: none lost, none twice.
    assert_eq!(
        env.count(
            "SELECT count(*) FROM (SELECT article_id FROM checks GROUP BY article_id
                                   HAVING count(*) <> 2) AS odd"
        ),
        0,
        "{}",
        run.stderr
    );
    env.run(&["verify"]).expect(0);
}

#[test]
fn the_next_worker_goes_by_the_robots_txt_the_last_one_read() {
    let env = Env::new();
    let servers = hosts(1);
    servers[0].set(
        "/robots.txt",
        Route::html("User-agent: *\nCrawl-delay: 0.5\n").with_content_type("text/plain"),
    );
    let per = 4;
    tracked(&env, &servers, per);
    let run = |now: &str| {
        let r = finish(spawn(
            &env,
            now,
            &["--host-delay", "0s", "worker", "--once"],
        ));
        assert_eq!(r.code, 0, "{}", r.stderr);
    };
    let before = servers[0].served().len();
    run("2026-03-02T12:00:00Z");
    let first: Vec<_> = servers[0].served().into_iter().skip(before).collect();
    assert_eq!(
        first.iter().filter(|s| s.path == "/robots.txt").count(),
        1,
        "the first worker reads robots.txt"
    );
    let before = servers[0].served().len();
    run("2026-03-03T12:00:00Z");
    let mut second: Vec<_> = servers[0].served().into_iter().skip(before).collect();
    second.sort_by_key(|s| s.at);
    assert!(
        second.iter().all(|s| s.path != "/robots.txt"),
        "the second worker went by the stored robots.txt"
    );
    assert_eq!(second.len(), per);
    // Its Crawl-delay holds, though this worker never read the file itself.
    for pair in second.windows(2) {
        assert!(
            pair[1].at - pair[0].at >= Duration::from_millis(480),
            "{:?} apart",
            pair[1].at - pair[0].at
        );
    }
}

#[test]
fn sigterm_lets_a_worker_finish_the_hosts_in_hand_then_stop() {
    let env = Env::new();
    let servers = hosts(2);
    let per = 6;
    tracked(&env, &servers, per);
    let later = "2026-03-02T12:00:00Z";
    // Not --once: it would run until stopped.
    let worker = spawn(
        &env,
        later,
        &["--host-delay", "0.3s", "worker", "--name", "night"],
    );
    let started = Instant::now();
    while env.count("SELECT count(*) FROM checks") < (2 * per + 2) as i64 {
        assert!(started.elapsed() < Duration::from_secs(20), "no checks");
        std::thread::sleep(Duration::from_millis(50));
    }
    // status says who holds which hosts.
    let status = env.run(&["status"]).expect(0).stdout;
    assert!(
        status.contains("workers: night (2 hosts); 0 notifications waiting"),
        "{status}"
    );
    let json = &env.run(&["status", "--json"]).expect(0).json_lines()[0];
    assert_eq!(json["workers"]["leases"], serde_json::json!([["night", 2]]));
    let pid = worker.id().to_string();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(term.success());
    let run = finish(worker);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("checked 12,"), "{}", run.stderr);
    // Both hosts were in hand: every article checked once more, none left
    // half done, no lease left behind.
    assert_eq!(
        env.count(
            "SELECT count(*) FROM (SELECT article_id FROM checks GROUP BY article_id
                                   HAVING count(*) <> 2) AS odd"
        ),
        0
    );
    assert_eq!(
        env.count("SELECT count(*) FROM hosts WHERE leased_by IS NOT NULL"),
        0
    );
    // A status with no worker at work says nothing of workers.
    let after = env.run(&["status"]).expect(0).stdout;
    assert!(!after.contains("workers:"), "{after}");
}

//! Many URLs at once, untracking, and the watch daemon.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{Env, PARAS, page};

#[test]
fn track_from_a_file_or_stdin_skips_comments_and_blanks() {
    let env = Env::new();
    let urls: Vec<String> = (0..5)
        .map(|i| env.serve(&format!("/s{i}"), &page(&format!("Story {i}"), PARAS, "x")))
        .collect();
    let list = env.path("urls.txt");
    std::fs::write(
        &list,
        format!(
            "# morning list\n{}\n\n  {}  \n# done\n{}\n",
            urls[0], urls[1], urls[2]
        ),
    )
    .unwrap();
    let out = env
        .run(&["track", "--from-file", list.to_str().unwrap()])
        .expect(0);
    assert_eq!(out.stdout.matches("tracking:").count(), 3, "{}", out.stdout);
    let mut child = env
        .command()
        .args(["track", "--from-file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    write!(
        child.stdin.take().unwrap(),
        "{}\n{}\n{}\n",
        urls[2],
        urls[3],
        urls[4]
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("#3 already tracked") && stdout.matches("tracking:").count() == 2,
        "{stdout}"
    );
    assert_eq!(env.run(&["list", "--json"]).json_lines().len(), 5);

    // A bad line is named by file and line; the others still go in, and a
    // trailing ` # note` is a comment, not part of the URL.
    let more = env.serve("/more", &page("More", PARAS, "x"));
    std::fs::write(
        &list,
        format!("{more}  # the mayor's story\nnot a url\n{}#top\n", urls[0]),
    )
    .unwrap();
    let bad = env
        .run(&["track", "--from-file", list.to_str().unwrap()])
        .expect(1);
    let at = format!("{}:2: \"not a url\" is not a valid URL", list.display());
    assert!(bad.stderr.contains(&at), "{}", bad.stderr);
    assert!(bad.stdout.contains("#6 tracking: More"), "{}", bad.stdout);
    assert_eq!(env.listed(6)["url"], more.as_str());
    // A `#` inside a URL is its fragment (dropped), not a comment.
    assert!(bad.stdout.contains("#1 already tracked"), "{}", bad.stdout);
}

#[test]
fn untrack_keeps_history_and_delete_removes_it() {
    let env = Env::new();
    let a = env.serve("/a", &page("A", PARAS, "x"));
    let b = env.serve("/b", &page("B", PARAS, "x"));
    env.run(&["track", &a, &b]).expect(0);
    let out = env.run(&["untrack", "1"]).expect(0);
    assert!(out.stdout.contains("#1 untracked"), "{}", out.stdout);
    let listed = env.listed(1);
    assert!(listed["retired_at"].is_string());
    assert_eq!(listed["stopped"], "untracked", "not retired for quiet");
    assert_eq!(listed["revisions"], 1);
    let list = env.run(&["list"]).expect(0).stdout;
    assert!(list.contains(", untracked 2026-"), "{list}");
    // A check by hand reads it but does not bring it back into the schedule.
    env.run(&["check", "1"]).expect(0);
    assert_eq!(env.listed(1)["stopped"], "untracked");
    let due = env
        .run_at("2026-03-02T00:00:00Z", &["check", "--due"])
        .expect(0);
    assert!(
        due.stderr.contains("checked 1,"),
        "only #2 is due: {}",
        due.stderr
    );
    // Deleting history asks first; with nobody to ask, it needs --yes.
    let refused = env.run(&["untrack", "--delete", &b]).expect(2);
    assert!(
        refused.stderr.contains("no terminal to ask") && refused.stderr.contains("--yes"),
        "{}",
        refused.stderr
    );
    assert_eq!(env.run(&["list", "--json"]).json_lines().len(), 2);
    env.run(&["untrack", "--delete", "--yes", &b]).expect(0);
    assert_eq!(env.run(&["list", "--json"]).json_lines().len(), 1);
    env.run(&["log", "2"]).expect(1);
}

#[test]
fn watch_checks_what_is_due_and_stops_cleanly_on_sigterm() {
    let env = Env::new();
    let url = env.serve("/a", &page("A", PARAS, "x"));
    // Tracked, not yet checked: due at once.
    env.run(&["track", &url]).expect(0);
    env.run(&["resume", "1"]).expect(0);
    let mut child = env
        .command()
        .env_remove("REDLINE_NOW")
        .args(["watch", "--poll", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // Wait for the pass to be written.
    loop {
        let checks = env
            .server
            .served()
            .iter()
            .filter(|s| s.path == "/a")
            .count();
        if checks >= 2 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "watch did not check"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "watch did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("checked 1,") && stderr.contains("stopped"),
        "{stderr}"
    );
}

#[test]
fn concurrent_passes_never_record_twice_or_lock_or_lose_a_check() {
    let env = Env::new();
    let n = 20;
    let urls: Vec<String> = (0..n)
        .map(|i| env.serve(&format!("/c{i}"), &page(&format!("Story {i}"), PARAS, "x")))
        .collect();
    let mut args = vec!["track"];
    args.extend(urls.iter().map(String::as_str));
    env.run(&args).expect(0);
    let edited: Vec<&str> = PARAS[..2].to_vec();
    for i in 0..n {
        env.serve(
            &format!("/c{i}"),
            &page(&format!("Story {i}"), &edited, "x"),
        );
    }
    let children: Vec<_> = (0..3)
        .map(|_| {
            env.command()
                .arg("check")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("locked"), "{stderr}");
    }
    for id in 1..=n {
        assert_eq!(env.revisions(&id.to_string()), 2, "article {id}");
    }
    // Every check of every pass was written: 20 at track time, 3 × 20 since.
    let status = &env.run(&["status", "--json"]).expect(0).json_lines()[0];
    assert_eq!(status["checks"], (n + 3 * n) as i64);
}

#[test]
fn check_prints_each_line_as_it_finishes_and_v_logs_each_fetch() {
    use std::io::BufRead;
    let env = Env::new();
    // Two hosts (politeness spaces the fetches to one host).
    let fast = env
        .serve("/fast", &page("Fast", PARAS, "x"))
        .replace("127.0.0.1", "localhost");
    env.set(
        "/slow",
        redline::serve::Route::html(page("Slow", PARAS, "x")).with_delay(Duration::from_secs(3)),
    );
    let slow = env.server.url("/slow");
    env.run(&["track", &fast, &slow]).expect(0);
    env.serve("/fast", &page("Fast, edited", PARAS, "x"));
    env.set(
        "/slow",
        redline::serve::Route::html(page("Slow, edited", PARAS, "x"))
            .with_delay(Duration::from_secs(5)),
    );

    // The fast article's line is out while the slow one is still fetched.
    let started = Instant::now();
    let mut child = env
        .command()
        .args(["check", "-v"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let took = started.elapsed();
    assert!(
        first.starts_with("#1 ") && first.contains("Fast, edited"),
        "{first}"
    );
    assert!(
        took < Duration::from_secs(4),
        "the first line came only when the pass ended, after {took:?}"
    );
    let second = lines.next().unwrap().unwrap();
    assert!(second.starts_with("#2 "), "{second}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // `-v`: one line per fetch, with status, outcome and time.
    for (id, url) in [(1, &fast), (2, &slow)] {
        let line = stderr
            .lines()
            .find(|l| l.contains(&format!("#{id} {url} HTTP ")))
            .unwrap_or_else(|| panic!("no fetch line for #{id}:\n{stderr}"));
        assert!(
            line.contains(" HTTP 200 changed in ") && line.ends_with(" ms"),
            "{line}"
        );
    }

    // Nothing due: when the next check is.
    let idle = env
        .run_at("2026-03-01T12:01:00Z", &["check", "--due"])
        .expect(0);
    assert!(
        idle.stderr
            .contains("nothing due; the next check is at 2026-03-01 12:"),
        "{}",
        idle.stderr
    );
}

//! Crashes and concurrency: a `check` killed with SIGKILL at any moment, many
//! writers on one database, a second signal to `watch`, a full disk. After
//! each, `verify` passes, every revision is whole and the next run completes
//! the work.
//!
//! The kill test runs a short round in every test run; with
//! `REDLINE_LONG_TESTS=1` it runs the full 20 kills over 1,000 articles.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Env, PARAS, page};

fn long() -> bool {
    std::env::var_os("REDLINE_LONG_TESTS").is_some_and(|v| v == "1")
}

/// `n` articles on the local server, at version `v`.
fn serve_all(env: &Env, n: usize, v: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let edited = format!("{} Version {v} of story {i}.", PARAS[1]);
            env.serve(
                &format!("/s/{i}"),
                &page(
                    &format!("Story {i} v{v}"),
                    &[PARAS[0], &edited, PARAS[2]],
                    "x",
                ),
            )
        })
        .collect()
}

fn spawn(env: &Env, args: &[&str]) -> Child {
    env.command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start redline")
}

fn count(env: &Env, sql: &str) -> i64 {
    env.count(sql)
}

/// What must hold after any crash: `verify` passes, every revision has the
/// one check that recorded it, and no text was recorded twice in a row.
fn whole(env: &Env, when: &str) {
    let v = env.run(&["verify"]);
    assert_eq!(v.code, 0, "{when}: {}", v.stdout);
    let orphans = count(
        env,
        "SELECT count(*) FROM revisions r
         WHERE (SELECT count(*) FROM checks c WHERE c.revision_id = r.id) != 1",
    );
    assert_eq!(orphans, 0, "{when}: a revision without exactly one check");
    let doubled = count(
        env,
        "SELECT count(*) FROM revisions a JOIN revisions b
           ON a.article_id = b.article_id AND b.rev = a.rev + 1 AND a.fingerprint = b.fingerprint",
    );
    assert_eq!(doubled, 0, "{when}: a text recorded twice in a row");
}

#[test]
fn a_check_killed_at_any_moment_leaves_a_whole_database() {
    let env = Env::new();
    let (n, kills) = if long() { (1000, 20) } else { (120, 4) };
    let urls = serve_all(&env, n, 0);
    let list = env.path("urls.txt");
    std::fs::write(&list, urls.join("\n")).unwrap();
    env.run(&["track", "--from-file", list.to_str().unwrap()])
        .expect(0);
    assert_eq!(count(&env, "SELECT count(*) FROM revisions"), n as i64);
    // Kill times spread over a pass, the same every run.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for round in 1..=kills {
        serve_all(&env, n, round);
        let mut child = spawn(&env, &["check"]);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::thread::sleep(Duration::from_millis(50 + x % 700));
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        whole(&env, &format!("after kill {round}"));
    }
    // The next check completes the work: every article at its last version.
    env.run(&["check"]).expect(0);
    whole(&env, "after the last check");
    let stale = count(
        &env,
        &format!(
            "SELECT count(*) FROM articles a WHERE (SELECT title FROM revisions r
               WHERE r.article_id = a.id ORDER BY rev DESC LIMIT 1) NOT LIKE '% v{kills}'"
        ),
    );
    assert_eq!(stale, 0);
    assert!(count(&env, "SELECT max(rev) FROM revisions") <= kills as i64 + 1);
}

#[test]
fn concurrent_writers_lose_nothing_and_never_say_locked() {
    let env = Env::new();
    let n = 40;
    let urls = serve_all(&env, n, 0);
    let list = env.path("first.txt");
    std::fs::write(&list, urls.join("\n")).unwrap();
    env.run(&["track", "--from-file", list.to_str().unwrap()])
        .expect(0);
    serve_all(&env, n, 1);
    // New articles tracked while four checks run.
    let more: Vec<String> = (0..20)
        .map(|i| env.serve(&format!("/new/{i}"), &page(&format!("New {i}"), PARAS, "x")))
        .collect();
    let more_list = env.path("more.txt");
    std::fs::write(&more_list, more.join("\n")).unwrap();
    let checks_before = count(&env, "SELECT count(*) FROM checks");
    let mut children: Vec<Child> = (0..4).map(|_| spawn(&env, &["check"])).collect();
    children.push(spawn(
        &env,
        &["track", "--from-file", more_list.to_str().unwrap()],
    ));
    let mut checked = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
        assert!(
            !stderr.contains("locked") && !stdout.contains("locked"),
            "{stderr}"
        );
        // "checked N, …" from each check; track checks each new article once.
        checked += stderr
            .lines()
            .find_map(|l| l.strip_prefix("checked ").and_then(|r| r.split(',').next()))
            .map_or(0, |k| k.parse::<i64>().unwrap());
    }
    let tracked = count(&env, "SELECT count(*) FROM articles WHERE id > 40");
    assert_eq!(tracked, 20);
    // No lost check: one row for every check any process reported.
    assert_eq!(
        count(&env, "SELECT count(*) FROM checks") - checks_before,
        checked + 20
    );
    // No duplicate revision: each first article got exactly its one edit.
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM revisions WHERE article_id <= 40"
        ),
        2 * n as i64
    );
    whole(&env, "after concurrent writers");
}

#[cfg(unix)]
#[test]
fn watch_finishes_on_one_signal_and_stops_at_once_on_two() {
    let env = Env::new();
    let n = 30;
    let urls = serve_all(&env, n, 0);
    let list = env.path("urls.txt");
    std::fs::write(&list, urls.join("\n")).unwrap();
    env.run(&["track", "--from-file", list.to_str().unwrap()])
        .expect(0);
    // Every page slow, so a pass takes about 30 × 0.3 s one at a time.
    for i in 0..n {
        env.set(
            &format!("/s/{i}"),
            redline::serve::Route::html(page(&format!("Story {i} slow"), PARAS, "x"))
                .with_delay(Duration::from_millis(300)),
        );
    }
    let signal = |child: &Child, sig: &str| {
        Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap();
    };
    // All due now: REDLINE_NOW is an hour on.
    let mut cmd = env.command();
    cmd.env("REDLINE_NOW", "2026-03-01T13:00:00Z")
        .args(["watch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    signal(&child, "-INT");
    std::thread::sleep(Duration::from_millis(200));
    let second = Instant::now();
    signal(&child, "-INT");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(second.elapsed() < Duration::from_secs(2), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stopped by a second signal"), "{stderr}");
    whole(&env, "after two signals");
    let recorded = count(&env, "SELECT count(*) FROM revisions") - n as i64;
    assert!(
        recorded > 0 && recorded < n as i64,
        "{recorded} of {n} recorded"
    );
    // The next pass records the rest.
    env.run_at("2026-03-01T13:00:00Z", &["check"]).expect(0);
    assert_eq!(count(&env, "SELECT count(*) FROM revisions"), 2 * n as i64);
    whole(&env, "after the next pass");
}

/// A small tmpfs mounted for one test (root only), unmounted on drop.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &std::path::Path, size: &str) -> Option<Self> {
        if !crate::common::is_root() {
            return None;
        }
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "mount -t tmpfs failed: the full-disk test needs it as root"
        );
        Some(Tmpfs(dir.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_write_whole_and_says_so() {
    let mut env = Env::new();
    let disk = env.path("small-disk");
    let Some(_mounted) = Tmpfs::mount(&disk, "4m") else {
        eprintln!("skipped: mounting a small disk needs root");
        return;
    };
    env.db = disk.join("redline.db");
    let url = env.serve("/a", &page("Before", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    // Fill what is left of the disk.
    let filler = disk.join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
    }
    // A new version with a large body that cannot be written.
    let big: Vec<String> = (0..400)
        .map(|i| format!("Paragraph {i} of a long report on the sluice gates, {i} times over."))
        .collect();
    let big: Vec<&str> = big.iter().map(String::as_str).collect();
    env.serve("/a", &page("After", &big, "x"));
    let out = env.run(&["check"]).expect(1);
    assert!(out.stderr.contains("is full"), "{}", out.stderr);
    assert!(
        out.stderr.contains("hint: free some space"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(&filler).unwrap();
    whole(&env, "after a full disk");
    assert_eq!(count(&env, "SELECT count(*) FROM revisions"), 1);
    env.run(&["check"]).expect(0);
    assert_eq!(count(&env, "SELECT count(*) FROM revisions"), 2);
    whole(&env, "after space came back");
}

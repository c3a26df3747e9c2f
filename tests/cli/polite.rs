//! Politeness: robots.txt, per-host spacing, Retry-After, retries.

use std::time::Duration;

use redline::serve::Route;

use crate::common::{Env, PARAS, page};

#[test]
fn robots_txt_disallow_is_a_failed_check_with_a_hint() {
    let env = Env::new();
    env.set(
        "/robots.txt",
        Route::html("User-agent: *\nDisallow: /private/\n").with_content_type("text/plain"),
    );
    let private = env.serve("/private/story", &page("Private", PARAS, "x"));
    let public = env.serve("/public/story", &page("Public", PARAS, "x"));
    let out = env.run(&["track", &private, &public]).expect(1);
    assert!(
        out.stdout.contains("not tracked: ")
            && out.stdout.contains("disallowed by the site's robots.txt"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("#2 tracking: Public"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("hint: the site asks robots not to fetch"),
        "{}",
        out.stderr
    );
    // robots.txt was fetched once for the host, and the private page never.
    let served = env.server.served();
    assert_eq!(served.iter().filter(|s| s.path == "/robots.txt").count(), 1);
    assert!(!served.iter().any(|s| s.path == "/private/story"));
}

#[test]
fn requests_to_one_host_are_spaced() {
    let env = Env::new();
    let urls: Vec<String> = (0..3)
        .map(|i| env.serve(&format!("/s{i}"), &page(&format!("Story {i}"), PARAS, "x")))
        .collect();
    let mut args = vec!["--host-delay", "1s", "track"];
    args.extend(urls.iter().map(String::as_str));
    env.run(&args).expect(0);
    let times: Vec<_> = env
        .server
        .served()
        .into_iter()
        .filter(|s| s.path.starts_with("/s"))
        .map(|s| s.at)
        .collect();
    assert_eq!(times.len(), 3);
    for pair in times.windows(2) {
        let gap = pair[1].duration_since(pair[0]);
        assert!(gap >= Duration::from_millis(950), "requests {gap:?} apart");
    }
}

#[test]
fn a_flapping_host_is_retried_and_retry_after_is_obeyed() {
    let env = Env::new();
    let url = env.serve("/a", &page("Title", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    let edited: Vec<&str> = PARAS[..2].to_vec();
    env.server.set_sequence(
        "/a",
        vec![
            Route::status(503),
            Route::status(429).with_header("Retry-After", "1"),
            Route::html(page("Title", &edited, "x")),
        ],
    );
    let started = std::time::Instant::now();
    let mut cmd = env.command();
    cmd.env("REDLINE_RETRIES", "2")
        .env("REDLINE_HOST_DELAY", "0")
        .args(["check"]);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("#1 rev 2"), "{stdout}");
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "waited the back-off and Retry-After"
    );
    let statuses: Vec<u16> = env
        .server
        .served()
        .iter()
        .filter(|s| s.path == "/a")
        .map(|s| s.status)
        .collect();
    assert_eq!(statuses, [200, 503, 429, 200]);
}

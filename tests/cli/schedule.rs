//! The schedule: adaptive pace, `check --due`, fixed pace, retirement, resume.

use crate::common::{Env, PARAS, page};

fn at(env: &Env, id: i64) -> serde_json::Value {
    env.listed(id)
}

#[test]
fn adaptive_pace_due_checks_retirement_and_resume() {
    let env = Env::new();
    let url = env.serve("/a", &page("Title", PARAS, "x"));
    env.run_at("2026-03-01T12:00:00Z", &["track", &url])
        .expect(0);
    let next = at(&env, 1)["next_check_at"].as_str().unwrap().to_owned();
    // First gap: 20 minutes, give or take the 10% jitter.
    assert!(
        ("2026-03-01T12:18:00".."2026-03-01T12:22:01").contains(&next.as_str()),
        "{next}"
    );

    let early = env
        .run_at("2026-03-01T12:05:00Z", &["check", "--due"])
        .expect(0);
    assert!(early.stderr.contains("checked 0,"), "{}", early.stderr);
    let due = env
        .run_at("2026-03-01T12:30:00Z", &["check", "--due"])
        .expect(0);
    assert!(
        due.stderr.contains("checked 1, changed 0"),
        "{}",
        due.stderr
    );
    // Nothing changed, but it has been quiet for only half an hour: half of
    // that is under the first gap, so 20 minutes again.
    let next = at(&env, 1)["next_check_at"].as_str().unwrap().to_owned();
    assert!(
        ("2026-03-01T12:48:00".."2026-03-01T12:52:01").contains(&next.as_str()),
        "{next}"
    );
    // Quiet for an hour and a half: the gap is half of that.
    env.run_at("2026-03-01T13:30:00Z", &["check", "--due"])
        .expect(0);
    let next = at(&env, 1)["next_check_at"].as_str().unwrap().to_owned();
    assert!(
        ("2026-03-01T14:10:30".."2026-03-01T14:19:31").contains(&next.as_str()),
        "{next}"
    );

    // Weeks of quiet: retired, no longer due, listed as such.
    env.run_at("2026-04-01T00:00:00Z", &["check", "--due"])
        .expect(0);
    let a = at(&env, 1);
    assert_eq!(a["retired_at"], "2026-04-01T00:00:00.000Z");
    assert!(
        env.run(&["list"])
            .expect(0)
            .stdout
            .contains("retired 2026-04-01")
    );
    let none = env
        .run_at("2026-05-01T00:00:00Z", &["check", "--due"])
        .expect(0);
    assert!(none.stderr.contains("checked 0,"), "{}", none.stderr);

    // Resumed: due at once, then adaptive again.
    let out = env
        .run_at("2026-05-01T00:00:00Z", &["resume", "1"])
        .expect(0);
    assert!(out.stdout.contains("#1 resumed"), "{}", out.stdout);
    let back = env
        .run_at("2026-05-01T00:00:01Z", &["check", "--due"])
        .expect(0);
    assert!(back.stderr.contains("checked 1,"), "{}", back.stderr);
    assert_eq!(at(&env, 1)["retired_at"], serde_json::Value::Null);
}

#[test]
fn checks_run_by_hand_do_not_push_a_fresh_article_away() {
    let env = Env::new();
    let url = env.serve("/a", &page("Title", PARAS, "x"));
    env.run_at("2026-03-01T12:00:00Z", &["track", &url])
        .expect(0);
    for minute in 1..=7 {
        let now = format!("2026-03-01T12:0{minute}:00Z");
        env.run_at(&now, &["check", "1"]).expect(0);
    }
    // Seven checks in seven minutes: the next is still 20 minutes after the
    // last one, give or take the jitter, not hours away.
    let next = at(&env, 1)["next_check_at"].as_str().unwrap().to_owned();
    assert!(
        ("2026-03-01T12:25:00".."2026-03-01T12:29:01").contains(&next.as_str()),
        "{next}"
    );
}

#[test]
fn set_changes_pace_last_date_and_selector_and_track_says_what_it_did_not_apply() {
    let env = Env::new();
    let url = env.serve("/a", &page("Title", PARAS, "x"));
    env.run_at("2026-03-01T12:00:00Z", &["track", &url])
        .expect(0);
    // `track` again with other flags changes nothing and names `set`.
    let again = env
        .run_at("2026-03-01T12:01:00Z", &["track", "--every", "1h", &url])
        .expect(0);
    assert!(
        again.stdout.contains("#1 already tracked"),
        "{}",
        again.stdout
    );
    assert!(
        again.stderr.contains("#1: --every 1h not applied")
            && again.stderr.contains("`redline set 1 --every 1h`"),
        "{}",
        again.stderr
    );
    assert_eq!(at(&env, 1)["every_secs"], serde_json::Value::Null);

    let out = env
        .run_at(
            "2026-03-01T12:05:00Z",
            &[
                "set",
                "1",
                "--every",
                "2h",
                "--until",
                "2026-04-01",
                "--selector",
                "main",
            ],
        )
        .expect(0);
    assert!(
        out.stdout.contains(
            "#1 every 2h, until 2026-04-01, selector \"main\", next check 2026-03-01 14:00"
        ),
        "{}",
        out.stdout
    );
    let a = at(&env, 1);
    assert_eq!(a["every_secs"], 7200);
    assert_eq!(a["until"], "2026-04-01T00:00:00.000Z");
    assert_eq!(a["selector"], "main");
    // Due two hours after the last check, not at the adaptive time.
    assert_eq!(a["next_check_at"], "2026-03-01T14:00:00.000Z");

    // A selector that misses fails the check; --no-selector gets out of it
    // without losing the history.
    env.run_at(
        "2026-03-01T12:06:00Z",
        &["set", &url, "--selector", "div.nowhere"],
    )
    .expect(0);
    env.serve("/a", &page("A new headline", PARAS, "x"));
    let missed = env.run(&["check", "1"]).expect(1);
    assert!(missed.stdout.contains("div.nowhere"), "{}", missed.stdout);
    let out = env
        .run_at(
            "2026-03-01T12:07:00Z",
            &["set", "1", "--no-selector", "--adaptive", "--no-until"],
        )
        .expect(0);
    assert!(
        out.stdout
            .contains("#1 adaptive, no last date, generic extractor"),
        "{}",
        out.stdout
    );
    env.run(&["check", "1"]).expect(0);
    let a = at(&env, 1);
    assert_eq!(
        a["revisions"], 2,
        "the edit is read by the generic extractor"
    );
    assert_eq!(a["selector"], serde_json::Value::Null);
    assert_eq!(a["every_secs"], serde_json::Value::Null);
    assert_eq!(a["until"], serde_json::Value::Null);

    // Nothing to set, a bad pace, a bad selector, an unknown article.
    env.run(&["set", "1"]).expect(2);
    env.run(&["set", "1", "--every", "5s"]).expect(2);
    env.run(&["set", "1", "--selector", "div["]).expect(2);
    let unknown = env.run(&["set", "9", "--adaptive"]).expect(1);
    assert!(
        unknown.stderr.contains("9 is not a tracked article"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn fixed_pace_and_until() {
    let env = Env::new();
    let url = env.serve("/a", &page("Title", PARAS, "x"));
    env.run_at(
        "2026-03-01T12:00:00Z",
        &["track", "--every", "2h", "--until", "2026-03-02", &url],
    )
    .expect(0);
    let a = at(&env, 1);
    assert_eq!(a["every_secs"], 7200);
    assert_eq!(a["until"], "2026-03-02T00:00:00.000Z");
    let next = a["next_check_at"].as_str().unwrap().to_owned();
    assert!(
        ("2026-03-01T13:48:00".."2026-03-01T14:12:01").contains(&next.as_str()),
        "{next}"
    );
    // Past `until`: retired after its next check.
    env.run_at("2026-03-02T01:00:00Z", &["check", "--due"])
        .expect(0);
    assert!(at(&env, 1)["retired_at"].is_string());
    let bad = env.run(&["track", "--every", "soon", &url]).expect(2);
    assert!(bad.stderr.contains("--every \"soon\""), "{}", bad.stderr);
}

#[test]
fn the_schedule_is_set_in_the_config_file() {
    let env = Env::new();
    let config = env.path("config/redline/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[schedule]\ninitial = \"2h\"\nfactor = 2\nmax = \"2d\"\nretire_after = \"60d\"\n",
    )
    .unwrap();
    let url = env.serve("/a", &page("Title", PARAS, "x"));
    env.run_at("2026-03-01T12:00:00Z", &["track", &url])
        .expect(0);
    let next = at(&env, 1)["next_check_at"].as_str().unwrap().to_owned();
    // Two hours, give or take the 10% jitter.
    assert!(
        ("2026-03-01T13:48".."2026-03-01T14:12").contains(&next.as_str()),
        "{next}"
    );
    let shown = env.run(&["config", "show"]).expect(0).stdout;
    assert!(
        shown.contains("initial 2h, factor 2, max 2d, retire after 60d"),
        "{shown}"
    );
    std::fs::write(&config, "[schedule]\nfactor = 0.5\n").unwrap();
    let bad = env.run(&["list"]).expect(1);
    assert!(bad.stderr.contains("factor"), "{}", bad.stderr);
    std::fs::write(&config, "[schedule]\ninitial = \"soon\"\n").unwrap();
    let bad = env.run(&["list"]).expect(1);
    assert!(bad.stderr.contains("not a duration"), "{}", bad.stderr);
}

#[test]
fn a_new_selector_reads_the_unchanged_page_at_the_next_check() {
    let env = Env::new();
    let html = page("Title", PARAS, "x");
    let url = env.serve("/a", &html);
    env.run(&["track", &url]).expect(0);
    // The page sends an ETag: an unchanged page answers 304.
    env.run(&["check", "1"]).expect(0);
    let served = env.server.served();
    assert_eq!(served.last().map(|s| s.status), Some(304));
    // Narrowed to the story's first paragraph: the next check fetches in
    // full and reads the same page with the selector, without waiting for
    // the publisher to change it.
    env.run(&["set", "1", "--selector", "div.story p:first-child"])
        .expect(0);
    env.run(&["check", "1"]).expect(0);
    let last = env.server.served().into_iter().last().unwrap();
    assert_eq!(last.status, 200);
    assert!(
        !last
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("if-none-match")),
        "{:?}",
        last.headers
    );
    let shown = env.run(&["show", "1", "--json"]).expect(0).json_lines();
    assert_eq!(shown[0]["paragraphs"], serde_json::json!([PARAS[0]]));
}

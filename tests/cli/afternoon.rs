//! A new user's afternoon, replayed: twenty local pages tracked from a list,
//! some edited by hand, checked, re-paced with `set`, a desk notified by a
//! preset, one article untracked, and every step read as a person reads it.

use redline::serve::{Route, Server};

use crate::common::{Env, PARAS, page};

#[test]
fn twenty_pages_an_afternoon_of_edits_checks_set_notify_and_untrack() {
    let env = Env::new();
    let slack = Server::start().unwrap();
    slack.set(
        "/services/desk",
        Route::html("ok").with_content_type("text/plain"),
    );
    env.set_var("DESK_SLACK", &slack.url("/services/desk"));
    let config = env.path("config/redline/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[[hooks]]\nkind = \"slack\"\nurl_env = \"DESK_SLACK\"\nclasses = [\"headline\", \"substantive\"]\n",
    )
    .unwrap();

    // Twenty stories, listed with notes, one line mistyped.
    let urls: Vec<String> = (1..=20)
        .map(|i| {
            env.serve(
                &format!("/news/{i}"),
                &page(&format!("Story {i}"), PARAS, "x"),
            )
        })
        .collect();
    let mut list: String = urls
        .iter()
        .enumerate()
        .map(|(i, u)| format!("{u}  # story {}\n", i + 1))
        .collect();
    list.insert_str(0, "# this afternoon\nhtps:/typo\n");
    std::fs::write(env.path("urls.txt"), list).unwrap();
    let tracked = env
        .run_at(
            "2026-03-01T12:00:00Z",
            &["track", "--from-file", "urls.txt"],
        )
        .expect(1);
    assert_eq!(
        tracked.stdout.matches(" tracking: Story ").count(),
        20,
        "{}",
        tracked.stdout
    );
    assert!(
        tracked.stderr.contains("urls.txt:2: "),
        "{}",
        tracked.stderr
    );
    assert_eq!(env.run(&["list", "--json"]).json_lines().len(), 20);

    // Nothing due at once, and the pass says when it will be.
    let idle = env
        .run_at("2026-03-01T12:05:00Z", &["check", "--due"])
        .expect(0);
    assert!(
        idle.stderr
            .contains("nothing due; the next check is at 2026-03-01 12:"),
        "{}",
        idle.stderr
    );

    // Three stories edited by hand: a headline, a figure, boilerplate only.
    env.serve("/news/3", &page("Story 3: gates open early", PARAS, "x"));
    let figure = format!("{} The authority said it would pay nothing.", PARAS[1]);
    env.serve(
        "/news/7",
        &page("Story 7", &[PARAS[0], &figure, PARAS[2]], "x"),
    );
    env.serve("/news/9", &page("Story 9", PARAS, "a new sidebar link"));
    let pass = env
        .run_at("2026-03-01T12:30:00Z", &["check", "--due"])
        .expect(0);
    let lines: Vec<&str> = pass.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "one line per change, none for the rest: {}",
        pass.stdout
    );
    assert!(
        pass.stdout.contains("#3 rev 2 (") && pass.stdout.contains("): Story 3: gates open early"),
        "{}",
        pass.stdout
    );
    assert!(
        pass.stdout.contains("#7 rev 2 (+7 -0): Story 7"),
        "{}",
        pass.stdout
    );
    assert!(
        pass.stderr.contains("checked 20, changed 2, failed 0"),
        "{}",
        pass.stderr
    );

    // The desk heard of both, in words.
    let posts: Vec<serde_json::Value> = slack
        .served()
        .iter()
        .filter(|s| s.method == "POST")
        .map(|s| serde_json::from_slice(&s.body).unwrap())
        .collect();
    assert_eq!(posts.len(), 2);
    let texts: Vec<&str> = posts.iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Headline: “Story 3” → “Story 3: gates open early”")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Added: “The authority said it would pay nothing.”")),
        "{texts:?}"
    );

    // The busy story checked hourly from now on; the quiet one untracked.
    let set = env
        .run_at("2026-03-01T12:31:00Z", &["set", "3", "--every", "1h"])
        .expect(0);
    assert!(
        set.stdout.starts_with(
            "#3 every 1h, no last date, generic extractor, next check 2026-03-01 13:30"
        ),
        "{}",
        set.stdout
    );
    env.run(&["untrack", "9"]).expect(0);
    let listed = env.run(&["list"]).expect(0).stdout;
    assert!(listed.contains(", untracked 2026-"), "{listed}");
    assert_eq!(env.listed(9)["stopped"], "untracked");
    assert_eq!(env.listed(3)["every_secs"], 3600);

    // What was recorded reads back with its evidence.
    let shown = env.run(&["show", "3"]).expect(0).stdout;
    assert!(
        shown.starts_with("#3 rev 2, captured 2026-03-01 12:30:00 UTC from "),
        "{shown}"
    );
    let log = env.run(&["log", "7"]).expect(0).stdout;
    assert!(
        log.lines().count() == 2 && log.contains("substantive"),
        "{log}"
    );
}

//! `redline diff`: stored revisions and local files, with and without colour.

use crate::common::{Env, PARAS, page};

fn two_revisions(env: &Env) {
    let url = env.serve("/a", &page("Sluice gates opened early", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    let mut edited: Vec<&str> = PARAS.to_vec();
    let changed = PARAS[1].replace("next week", "this week");
    edited[1] = &changed;
    edited.push("The authority will publish its flood report in the spring.");
    env.serve(
        "/a",
        &page("Sluice gates opened a week early", &edited, "y"),
    );
    env.run(&["check"]).expect(0);
}

#[test]
fn word_diff_with_plain_markers() {
    let env = Env::new();
    two_revisions(&env);
    let out = env.run(&["--color", "never", "diff", "1"]).expect(0).stdout;
    assert!(out.contains("#1 rev 1 → rev 2"), "{out}");
    assert!(
        out.contains("title: Sluice gates opened {+a week+} early"),
        "{out}"
    );
    assert!(
        out.contains("due to be harvested [-next-]{+this+} week"),
        "{out}"
    );
    assert!(
        out.contains("{+The authority will publish its flood report in the spring.+}"),
        "{out}"
    );
    // The headline comes before the body.
    assert!(out.find("title:").unwrap() < out.find("[-next-]").unwrap());
    // Not a terminal: the same markers without --color.
    assert_eq!(env.run(&["diff", "1"]).expect(0).stdout, out);
    // Explicit revisions give the same diff (stored for consecutive ones).
    assert_eq!(env.run(&["diff", "1", "1", "2"]).expect(0).stdout, out);
    assert_eq!(env.run(&["diff", "1", "2"]).expect(0).stdout, out);
}

#[test]
fn colour_marks_words_with_escapes_instead_of_markers() {
    let env = Env::new();
    two_revisions(&env);
    let out = env
        .run(&["--color", "always", "diff", "1"])
        .expect(0)
        .stdout;
    assert!(
        out.contains("\x1b[31m") && out.contains("\x1b[32m"),
        "{out:?}"
    );
    assert!(!out.contains("[-") && !out.contains("{+"), "{out}");
}

#[test]
fn diff_json_has_fields_and_body_ops() {
    let env = Env::new();
    two_revisions(&env);
    let d = &env.run(&["diff", "1", "--json"]).expect(0).json_lines()[0];
    assert_eq!(d["type"], "diff");
    assert_eq!(
        (d["from_rev"].as_i64(), d["to_rev"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(d["fields"][0]["field"], "title");
    let ops: Vec<&str> = d["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["op"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["same", "changed", "same", "added"]);
    // "a week" in the title, "this", and the new paragraph's ten words.
    assert_eq!(d["words_added"], 2 + 1 + 10);
    assert_eq!(d["words_removed"], 1);
}

#[test]
fn first_revision_has_nothing_to_compare() {
    let env = Env::new();
    let url = env.serve("/a", &page("T", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    let out = env.run(&["diff", "1"]).expect(0);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("first revision"), "{}", out.stderr);
    let missing = env.run(&["diff", "1", "7"]).expect(1);
    assert!(
        missing
            .stderr
            .contains("error: article #1 has no revision 7"),
        "{}",
        missing.stderr
    );
}

#[test]
fn diff_two_local_files_html_and_text() {
    let env = Env::new();
    let (a, b) = (env.path("old.html"), env.path("new.html"));
    std::fs::write(&a, page("Title", PARAS, "one")).unwrap();
    let edited: Vec<String> = PARAS
        .iter()
        .map(|p| p.replace("two days", "three days"))
        .collect();
    let edited: Vec<&str> = edited.iter().map(String::as_str).collect();
    std::fs::write(&b, page("Title", &edited, "two")).unwrap();
    let out = env
        .run(&["diff", a.to_str().unwrap(), b.to_str().unwrap()])
        .expect(0)
        .stdout;
    assert!(
        out.contains("after [-two-]{+three+} days of heavy rain"),
        "{out}"
    );
    assert!(!out.contains("title:"), "{out}");

    let (x, y) = (env.path("old.txt"), env.path("new.txt"));
    // Unix or Windows line ends; a blank line may hold spaces.
    for (old, new) in [
        (
            "First paragraph stays.\n\nThe fee is 12 euros.\n",
            "First paragraph stays.\n\nThe fee is 13 euros.\n",
        ),
        (
            "First paragraph stays.\r\n\r\nThe fee is 12 euros.\r\n",
            "First paragraph stays.\r\n  \r\nThe fee is 13 euros.\r\n",
        ),
    ] {
        std::fs::write(&x, old).unwrap();
        std::fs::write(&y, new).unwrap();
        let (x, y) = (x.to_str().unwrap(), y.to_str().unwrap());
        let out = env.run(&["diff", x, y]).expect(0).stdout;
        assert_eq!(
            out,
            format!("{x} → {y}\n\nFirst paragraph stays.\n\nThe fee is [-12-]{{+13+}} euros.\n"),
            "{old:?}"
        );
    }
}

#[test]
fn the_inline_view_wraps_at_the_terminal_width_and_not_into_a_pipe() {
    let env = Env::new();
    two_revisions(&env);
    let piped = env.run(&["--color", "never", "diff", "1"]).expect(0).stdout;
    assert!(piped.lines().any(|l| l.chars().count() > 50), "{piped}");
    env.set_var("COLUMNS", "50");
    let wrapped = env.run(&["--color", "never", "diff", "1"]).expect(0).stdout;
    for line in wrapped.lines() {
        assert!(line.chars().count() <= 50, "{line:?} is wider than 50");
    }
    // Only the line breaks differ: no word split, none lost.
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(words(&wrapped), words(&piped));
}

#[test]
fn every_view_from_the_command_line() {
    let env = Env::new();
    two_revisions(&env);
    let side = env
        .run(&["--no-pager", "diff", "1", "--view", "side"])
        .expect(0)
        .stdout;
    assert!(
        side.contains(" │ ") && side.contains("[-next-]") && side.contains("{+this+}"),
        "{side}"
    );
    let unified = env
        .run(&["diff", "1", "--view", "unified"])
        .expect(0)
        .stdout;
    assert!(unified.starts_with("--- #1 rev 1"), "{unified}");
    assert!(
        unified.contains("\n+The authority will publish its flood report in the spring.\n"),
        "{unified}"
    );
    let html = env.run(&["diff", "1", "--view", "html"]).expect(0).stdout;
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<del>next</del> <ins>this</ins>"),
        "{html}"
    );
    // The page stands alone, so it carries the line to cite it by.
    assert!(
        html.contains("<p class=\"meta cite\">#1 rev 2, captured ")
            && html.contains("page SHA-256 "),
        "{html}"
    );
    let json = &env
        .run(&["diff", "1", "--view", "json"])
        .expect(0)
        .json_lines()[0];
    assert_eq!(
        json["classes"],
        serde_json::json!(["headline", "wording", "substantive", "added"])
    );
    let by_para = env
        .run(&["diff", "1", "--by", "paragraph", "--changes-only"])
        .expect(0)
        .stdout;
    assert!(by_para.contains(&format!("[-{}-]", PARAS[1])), "{by_para}");
    assert!(!by_para.contains(PARAS[0]), "changes only: {by_para}");
}

#[test]
fn blame_names_the_revision_of_each_paragraph() {
    let env = Env::new();
    two_revisions(&env);
    let lines = env.run(&["blame", "1", "--json"]).expect(0).json_lines();
    let since: Vec<i64> = lines
        .iter()
        .map(|l| l["since_rev"].as_i64().unwrap())
        .collect();
    assert_eq!(since, [1, 2, 1, 2]);
    assert_eq!(
        lines[3]["text"],
        "The authority will publish its flood report in the spring."
    );
    let old = env
        .run(&["blame", "1", "1", "--json"])
        .expect(0)
        .json_lines();
    assert!(old.iter().all(|l| l["since_rev"] == 1));
    let text = env.run(&["blame", "1"]).expect(0).stdout;
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .trim_start()
            .starts_with("2  2026-03-01 12:00:00 UTC  Farmers"),
        "{text}"
    );
}

#[test]
fn the_unified_view_shows_the_fields_and_show_starts_with_a_citation() {
    let env = Env::new();
    two_revisions(&env);
    let unified = env
        .run(&["diff", "1", "--view", "unified", "--color", "never"])
        .expect(0)
        .stdout;
    let lines: Vec<&str> = unified.lines().collect();
    assert!(
        lines[0].starts_with("--- #1 rev 1 (") && lines[1].starts_with("+++ #1 rev 2 ("),
        "{unified}"
    );
    // A headline-only change is not an empty diff.
    assert_eq!(lines[2], "@@ title @@", "{unified}");
    assert!(
        lines[3].starts_with('-') && lines[4].starts_with('+'),
        "{unified}"
    );

    let shown = env
        .run(&["show", "1", "2", "--color", "never"])
        .expect(0)
        .stdout;
    let first = shown.lines().next().unwrap();
    let log = env.run(&["log", "1", "--json"]).expect(0).json_lines();
    let sha = log[1]["sha256"].as_str().unwrap();
    assert!(
        first.starts_with("#1 rev 2, captured 2026-03-01 12:00:00 UTC from http://127.0.0.1:")
            && first.ends_with(&format!("(HTTP 200), page SHA-256 {sha}")),
        "{first}"
    );
}

#[test]
fn two_text_files_line_by_line_with_a_header_and_a_missing_one_named() {
    let env = Env::new();
    let (a, b) = (env.path("a.txt"), env.path("b.txt"));
    std::fs::write(
        &a,
        "The gates opened.\nFarmers asked for help.\nThe bridge is shut.\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "The gates opened.\nFarmers demanded help.\nThe bridge is shut.\n",
    )
    .unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = env
        .run(&["diff", a, b, "--color", "never"])
        .expect(0)
        .stdout;
    assert!(out.starts_with(&format!("{a} → {b}\n")), "{out}");
    // Each line is a paragraph: the unchanged ones are not marked.
    assert!(
        out.contains("\nFarmers [-asked for-]{+demanded+} help.\n"),
        "{out}"
    );
    assert!(!out.contains("opened. Farmers"), "{out}");
    let missing = env.run(&["diff", "nope.txt", b]).expect(1);
    assert!(
        missing.stderr.starts_with("error: no such file: nope.txt"),
        "{}",
        missing.stderr
    );
    let missing = env.run(&["diff", a, "gone.txt"]).expect(1);
    assert!(
        missing.stderr.starts_with("error: no such file: gone.txt"),
        "{}",
        missing.stderr
    );
}

#[test]
fn a_moved_paragraph_is_counted_in_the_check_and_log_lines() {
    let env = Env::new();
    let url = env.serve("/m", &page("Gates", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    env.serve("/m", &page("Gates", &[PARAS[2], PARAS[0], PARAS[1]], "x"));
    let check = env.run(&["check"]).expect(0).stdout;
    let words = PARAS[2].split_whitespace().count();
    assert!(
        check.contains(&format!("(+0 -0, moved {words} words): Gates")),
        "{check}"
    );
    let log = env.run(&["log", "1", "--color", "never"]).expect(0).stdout;
    assert!(
        log.contains(&format!("+0 -0, moved {words} words")),
        "{log}"
    );
}

#[test]
fn times_are_shown_in_local_time_with_their_offset_or_in_utc() {
    let env = Env::new();
    two_revisions(&env);
    // The tests' clock is 2026-03-01 12:00 UTC: 07:00 in New York (EST).
    env.set_var("TZ", "America/New_York");
    let shown = env.run(&["show", "1"]).expect(0).stdout;
    assert!(
        shown.starts_with("#1 rev 2, captured 2026-03-01 07:00:00 -05:00 from "),
        "{shown}"
    );
    let log = env.run(&["log", "1"]).expect(0).stdout;
    assert!(log.contains("2026-03-01 07:00:00 -05:00"), "{log}");
    assert!(!log.contains("12:00:00"), "{log}");
    // --utc, or the config, for UTC; JSON keeps RFC 3339 UTC either way.
    let utc = env.run(&["--utc", "show", "1"]).expect(0).stdout;
    assert!(
        utc.starts_with("#1 rev 2, captured 2026-03-01 12:00:00 UTC from "),
        "{utc}"
    );
    let config = env.path("config.toml");
    std::fs::write(&config, "[display]\nutc = true\n").unwrap();
    let by_config = env
        .run(&["--config", config.to_str().unwrap(), "log", "1"])
        .expect(0)
        .stdout;
    assert!(by_config.contains("2026-03-01 12:00:00 UTC"), "{by_config}");
    let json = &env.run(&["log", "1", "--json"]).expect(0).json_lines()[0];
    assert_eq!(json["captured_at"], "2026-03-01T12:00:00.000Z");
}

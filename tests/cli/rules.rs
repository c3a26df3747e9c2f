//! Site rules: `track --selector`, `[sites]` in the config file, and what
//! happens when a rule stops matching.

use crate::common::{Env, PARAS};

fn page(body_class: &str, promo: &str) -> String {
    format!(
        "<html><head><title>Ruled story | Site</title></head><body>\
         <div class=\"{body_class}\"><p>{}</p><div class=\"promo-box\"><p>{promo}</p></div><p>{}</p></div>\
         <div class=\"other\"><p>{}</p></div></body></html>",
        PARAS[0], PARAS[1], PARAS[2]
    )
}

#[test]
fn selector_picks_the_body_and_a_miss_is_a_failed_check_not_a_revision() {
    let env = Env::new();
    let url = env.serve(
        "/a",
        &page(
            "story-text",
            "Subscribe to our print edition, delivered daily.",
        ),
    );
    env.run(&["track", "--selector", "div.story-text", &url])
        .expect(0);
    let shown = &env.run(&["show", "1", "--json"]).expect(0).json_lines()[0];
    let text = shown["text"].as_str().unwrap();
    assert!(text.contains(PARAS[0]) && text.contains(PARAS[1]), "{text}");
    assert!(
        !text.contains(PARAS[2]),
        "the selector keeps only its container: {text}"
    );

    // The site redesigns: the selector no longer matches.
    env.serve("/a", &page("redesigned-body", "x"));
    let out = env.run(&["check"]).expect(1);
    assert!(out.stdout.contains("matched nothing"), "{}", out.stdout);
    assert_eq!(env.revisions("1"), 1, "no revision deleting the article");
    assert!(
        env.listed(1)["last_error"]
            .as_str()
            .unwrap()
            .contains("div.story-text")
    );
}

#[test]
fn invalid_selector_is_a_usage_error() {
    let env = Env::new();
    let url = env.serve("/a", &page("x", "y"));
    let out = env.run(&["track", "--selector", "div[", &url]).expect(2);
    assert!(
        out.stderr.contains("invalid CSS selector"),
        "{}",
        out.stderr
    );
    assert!(!env.db.exists());
}

#[test]
fn config_site_rules_apply_by_host_and_show_with_their_source() {
    let env = Env::new();
    let config = env.path("config/redline/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[fetch]\ntimeout = 9\ncontact = \"mailto:desk@example.org\"\n\n\
         [sites.\"127.0.0.1\"]\nremove = [\".promo-box\"]\n",
    )
    .unwrap();
    let url = env.serve(
        "/a",
        &page(
            "story-text",
            "Subscribe to our print edition, delivered daily, and save.",
        ),
    );
    env.run(&["track", &url]).expect(0);
    let text = env.run(&["show", "1", "--json"]).expect(0).json_lines()[0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !text.contains("Subscribe"),
        "the rule removed the promo: {text}"
    );
    assert!(text.contains(PARAS[1]), "{text}");

    let shown = env.run(&["config", "show"]).expect(0).stdout;
    assert!(
        shown.contains(&format!("config file  = {}", config.display())),
        "{shown}"
    );
    // REDLINE_TIMEOUT (set by the test environment) beats the file.
    assert!(
        shown.contains("timeout      = 10  # env REDLINE_TIMEOUT"),
        "{shown}"
    );
    assert!(shown.contains("mailto:desk@example.org"), "{shown}");
    assert!(shown.contains("site \"127.0.0.1\""), "{shown}");
    let flagged = env
        .run(&["--timeout", "4", "config", "show"])
        .expect(0)
        .stdout;
    assert!(
        flagged.contains("timeout      = 4  # flag --timeout"),
        "{flagged}"
    );
    // Global options go before or after the command's name (or both: the
    // later one wins).
    for args in [
        &["config", "show", "--timeout", "4"][..],
        &["config", "--timeout", "4", "show"],
        &["--timeout", "9", "config", "show", "--timeout", "4"],
    ] {
        let shown = env.run(args).expect(0).stdout;
        assert!(
            shown.contains("timeout      = 4  # flag --timeout"),
            "{args:?}: {shown}"
        );
    }
}

#[test]
fn a_broken_config_file_is_a_clear_error() {
    let env = Env::new();
    let config = env.path("bad.toml");
    std::fs::write(&config, "[fetch]\ntimeout = 9\ntimout = 3\n").unwrap();
    let out = env
        .run(&["--config", config.to_str().unwrap(), "list"])
        .expect(1);
    assert!(
        out.stderr.starts_with("error: config file"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("timout") && out.stderr.contains("line 3"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hint: "), "{}", out.stderr);
}

/// A page whose house plug (inside the body) the generic extractor cannot
/// tell from the article, and the two wordings of the plug.
fn plugged(plug: &str) -> String {
    page("story-text", plug).replace("promo-box", "house-plug")
}
const PLUG_1: &str = "Subscribe to our print edition, delivered daily, today.";
const PLUG_2: &str = "Subscribe now and get the first month free, delivered daily.";

/// Writes the site rule that removes the plug.
fn rule_out_the_plug(env: &Env) {
    let config = env.path("config/redline/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[sites.\"127.0.0.1\"]\nremove = [\".house-plug\"]\n",
    )
    .unwrap();
}

#[test]
fn reextract_applies_new_rules_and_marks_technical_changes() {
    let env = Env::new();
    let url = env.serve("/a", &plugged(PLUG_1));
    env.run(&["track", &url]).expect(0);
    // Only the plug inside the body changes: without a rule that is a revision.
    env.serve("/a", &plugged(PLUG_2));
    env.run(&["check"]).expect(0);
    assert_eq!(env.revisions("1"), 2);

    // A site rule that removes the promo, then reextract.
    rule_out_the_plug(&env);
    let raw_before = env.run(&["show", "1", "2", "--raw"]).expect(0).raw_stdout;
    let out = env.run(&["reextract", "--all"]).expect(0);
    assert!(
        out.stdout
            .contains("#1: 2 revisions, 2 re-derived, 1 technical"),
        "{}",
        out.stdout
    );
    let log = env.run(&["log", "1", "--json"]).expect(0).json_lines();
    assert_eq!(log[1]["technical"], true);
    assert_eq!(log[1]["words_added"], 0);
    assert_eq!(log[0]["reextracted_at"], "2026-03-01T12:00:00.000Z");
    let text = env.run(&["log", "1"]).expect(0).stdout;
    assert!(text.lines().nth(1).unwrap().contains("technical"), "{text}");
    let shown = &env
        .run(&["show", "1", "1", "--json"])
        .expect(0)
        .json_lines()[0];
    assert!(!shown["text"].as_str().unwrap().contains("Subscribe"));
    // Evidence is untouched.
    assert_eq!(
        env.run(&["show", "1", "2", "--raw"]).expect(0).raw_stdout,
        raw_before
    );
    // Checking again records nothing new: the current rules read the same.
    env.run(&["check"]).expect(0);
    assert_eq!(env.revisions("1"), 2);
    env.run(&["reextract"]).expect(2);
}

#[test]
fn a_check_under_new_rules_moves_the_stored_revision_instead_of_recording_an_edit() {
    let env = Env::new();
    let url = env.serve("/a", &plugged(PLUG_1));
    env.run(&["track", &url]).expect(0);
    let shown = |rev: &str| {
        env.run(&["show", "1", rev, "--json"])
            .expect(0)
            .json_lines()[0]["text"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(shown("1").contains("Subscribe"));
    // The user writes a rule that removes the plug; the plug's wording
    // changes before the next check. The publisher's article did not change.
    rule_out_the_plug(&env);
    env.serve("/a", &plugged(PLUG_2));
    env.run(&["check"]).expect(0);
    assert_eq!(
        env.revisions("1"),
        1,
        "no edit recorded for a change of rules"
    );
    let log = env.run(&["log", "1", "--json"]).expect(0).json_lines();
    assert!(log[0]["reextracted_at"].is_string(), "{log:?}");
    assert!(
        !shown("1").contains("Subscribe"),
        "the stored revision reads as today"
    );
    env.run(&["verify"]).expect(0);
    // A real edit afterwards is one revision, as ever.
    env.serve(
        "/a",
        &plugged(PLUG_2).replace("northern sluice", "southern sluice"),
    );
    env.run(&["check"]).expect(0);
    assert_eq!(env.revisions("1"), 2);
}

#[test]
fn status_counts_revisions_older_rules_read_until_reextract() {
    let env = Env::new();
    let url = env.serve("/a", &plugged(PLUG_1));
    env.run(&["track", &url]).expect(0);
    let older = |env: &Env| {
        env.run(&["status", "--json"]).expect(0).json_lines()[0]["read_by_older_rules"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(older(&env), 0, "recorded by today's rules");
    // As a database from before schema 3 holds them (the migration's default).
    env.sql("UPDATE revisions SET rules = 1");
    assert_eq!(older(&env), 1);
    let text = env.run(&["status"]).expect(0).stdout;
    assert!(
        text.contains("1 revision read by older extraction rules")
            && text.contains("redline reextract --all"),
        "{text}"
    );
    env.run(&["reextract", "--all"]).expect(0);
    assert_eq!(older(&env), 0);
    assert!(!env.run(&["status"]).expect(0).stdout.contains("older"));
}

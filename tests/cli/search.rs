//! `redline search`: full-text search across every revision, saying when a
//! phrase appeared and when it was removed; the index kept in step with
//! every write and checked by `verify`.

use crate::common::*;

/// Article 1 over four revisions: "no further faults" is added in rev 2,
/// removed in rev 3 and back in rev 4; "dry dock" stands from rev 1 to 2.
fn history(env: &Env) {
    let p = |extra: &[&str]| -> Vec<String> {
        PARAS
            .iter()
            .map(|s| s.to_string())
            .chain(extra.iter().map(|s| s.to_string()))
            .collect()
    };
    let serve = |paras: Vec<String>| {
        let paras: Vec<&str> = paras.iter().map(String::as_str).collect();
        env.serve("/a", &page("Sluice gates opened early", &paras, "x"))
    };
    let url = serve(p(&["The sister ship is in dry dock until January."]));
    env.run_at("2026-03-01T10:00:00Z", &["track", &url])
        .expect(0);
    serve(p(&[
        "The sister ship is in dry dock until January.",
        "Engineers found no further faults in the gates.",
    ]));
    env.run_at("2026-03-01T11:00:00Z", &["check"]).expect(0);
    serve(p(&["Engineers are still inspecting the gates."]));
    env.run_at("2026-03-01T12:00:00Z", &["check"]).expect(0);
    serve(p(&["Engineers found no further faults in the gates."]));
    env.run_at("2026-03-01T13:00:00Z", &["check"]).expect(0);
    assert_eq!(env.revisions("1"), 4);
}

#[test]
fn a_phrase_says_when_it_was_added_removed_and_back() {
    let env = Env::new();
    history(&env);
    let out = env.run(&["search", "no further faults"]).expect(0).stdout;
    assert_eq!(
        out,
        "#1 \"Engineers found [no further faults] in the gates.\" \
         added in rev 2 (2026-03-01 11:00:00 UTC), removed in rev 3 (2026-03-01 12:00:00 UTC), \
         back in rev 4 (2026-03-01 13:00:00 UTC), still there\n"
    );
    let gone = env
        .run(&["search", "dry dock", "--removed"])
        .expect(0)
        .stdout;
    assert!(
        gone.contains("from rev 1 (2026-03-01 10:00:00 UTC), removed in rev 3"),
        "{gone}"
    );
    // Still there: not listed by --removed, and grep's exit code.
    let none = env.run(&["search", "sluice", "--removed"]).expect(1);
    assert!(none.stdout.is_empty() && none.stderr.contains("nothing found"));
    // Boolean operators, prefixes, accents and case.
    env.run(&["search", "ENGINEERS", "AND", "inspect*"])
        .expect(0);
    env.run(&["search", "engineers", "NOT", "gates"]).expect(1);
    // Dates: the removal happened at 12:00.
    env.run(&["search", "dry dock", "--since", "2026-03-01T11:30:00Z"])
        .expect(0);
    env.run(&["search", "dry dock", "--until", "2026-03-01T09:00:00Z"])
        .expect(1);
    env.run(&["search", "dry dock", "--article", "2"]).expect(1);
}

#[test]
fn json_gives_every_run_with_its_times() {
    let env = Env::new();
    history(&env);
    let hits = env
        .run(&["search", "no further faults", "--json"])
        .expect(0)
        .json_lines();
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert_eq!(h["type"], "search_hit");
    assert_eq!(h["article_id"], 1);
    assert_eq!(h["title"], "Sluice gates opened early");
    assert_eq!(h["fields"], serde_json::json!(["body"]));
    assert_eq!(h["still_there"], true);
    assert_eq!(
        h["runs"],
        serde_json::json!([
            {"from_rev": 2, "from_captured_at": "2026-03-01T11:00:00.000Z", "to_rev": 2,
             "removed_in": 3, "removed_at": "2026-03-01T12:00:00.000Z"},
            {"from_rev": 4, "from_captured_at": "2026-03-01T13:00:00.000Z", "to_rev": 4,
             "removed_in": null, "removed_at": null}
        ])
    );
}

#[test]
fn a_bad_query_is_a_usage_error_that_says_how_to_write_one() {
    let env = Env::new();
    history(&env);
    let out = env.run(&["search", "\"unclosed"]).expect(2);
    assert!(
        out.stderr.contains("is not a query") && out.stderr.contains("hint: "),
        "{}",
        out.stderr
    );
}

#[test]
fn the_index_follows_every_write_and_verify_checks_it() {
    let env = Env::new();
    history(&env);
    // Moved to another database by export and import: searchable there.
    let file = env.path("all.jsonl");
    env.export_all("jsonl", &file, &["--with-raw"]).expect(0);
    let other = env.other_db("other.db");
    env.run_db(&other, &["import", file.to_str().unwrap()])
        .expect(0);
    let there = env
        .run_db(&other, &["search", "no further faults"])
        .expect(0)
        .stdout;
    assert!(there.contains("added in rev 2"), "{there}");
    env.run_db(&other, &["verify"]).expect(0);
    // Tampered with: verify says so.
    {
        env.sql("UPDATE spans SET to_rev = 4 WHERE text LIKE '%dry dock%'");
    }
    let bad = env.run(&["verify"]).expect(1);
    assert!(
        bad.stdout
            .contains("#1: the search index is not the texts'")
            || bad
                .stderr
                .contains("#1: the search index is not the texts'"),
        "{}{}",
        bad.stdout,
        bad.stderr
    );
    // reextract builds it again.
    env.run(&["reextract", "1"]).expect(0);
    env.run(&["verify"]).expect(0);
    if crate::common::sqlite_only("FTS5's own index, and SQLite's schema 5") {
        return;
    }
    // The words' index out of step with the spans: verify says so too.
    {
        let db = rusqlite::Connection::open(&env.db).unwrap();
        db.execute(
            "INSERT INTO spans_fts (spans_fts, rowid, text)
             SELECT 'delete', id, text FROM spans WHERE text LIKE '%dry dock%'",
            [],
        )
        .unwrap();
    }
    let bad = env.run(&["verify"]).expect(1);
    assert!(
        bad.stdout.contains("FTS5 integrity check failed"),
        "{}",
        bad.stdout
    );
    env.run(&["reextract", "--all"]).expect(0);
    env.run(&["verify"]).expect(0);
    // A database from before search (schema 5) is indexed on its next
    // writable open.
    {
        let db = rusqlite::Connection::open(&env.db).unwrap();
        crate::common::before_search(&db);
    }
    let found = env.run(&["search", "no further faults"]).expect(0).stdout;
    assert!(found.contains("back in rev 4"), "{found}");
    env.run(&["verify"]).expect(0);
    // A deleted article leaves nothing in the index.
    env.run(&["untrack", "1", "--delete", "--yes"]).expect(0);
    env.run(&["search", "sluice"]).expect(1);
    env.run(&["verify"]).expect(0);
}

#[test]
fn the_newest_matches_come_first_and_limit_stops() {
    let env = Env::new();
    history(&env);
    // A second article, tracked later, with the phrase from its first version.
    let url = env.serve(
        "/b",
        &page(
            "Gates inspected",
            &["Engineers found no further faults in the northern gates."],
            "y",
        ),
    );
    env.run_at("2026-03-01T14:00:00Z", &["track", &url])
        .expect(0);
    let out = env.run(&["search", "no further faults"]).expect(0).stdout;
    let ids: Vec<&str> = out.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(ids, ["#2", "#1"], "{out}");
    let one = env
        .run(&["search", "no further faults", "--limit", "1"])
        .expect(0)
        .stdout;
    assert_eq!(one.lines().count(), 1, "{one}");
    assert!(one.starts_with("#2 "), "{one}");
}

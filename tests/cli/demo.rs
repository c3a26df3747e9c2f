//! `redline demo` runs offline and shows revisions, a revert and word diffs.

use crate::common::Env;

#[test]
fn demo_prints_log_and_diffs() {
    let env = Env::new();
    let out = env.run(&["demo"]).expect(0);
    let s = &out.stdout;
    assert_eq!(s.matches("rev 1 recorded").count(), 3, "{s}");
    assert!(s.contains("rev 3 = revert to rev 1"), "{s}");
    assert_eq!(
        s.matches("unchanged, no revision     boilerplate only")
            .count(),
        3,
        "{s}"
    );
    assert!(
        s.contains("The new wing will cost [-£4.2 million-]{+£4.6 million,"),
        "{s}"
    );
    assert!(s.contains("corrections: {+Correction:"), "{s}");
    assert!(
        !env.db.exists(),
        "the demo must not touch the user's database"
    );

    let kept = env.path("demo.db");
    env.run(&["demo", "--keep", kept.to_str().unwrap()])
        .expect(0);
    let list = env
        .run(&["--db", kept.to_str().unwrap(), "list", "--json"])
        .expect(0);
    let revisions: Vec<i64> = list
        .json_lines()
        .iter()
        .map(|a| a["revisions"].as_i64().unwrap())
        .collect();
    assert_eq!(revisions, [3, 3, 4]);
    let again = env
        .run(&["demo", "--keep", kept.to_str().unwrap()])
        .expect(2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

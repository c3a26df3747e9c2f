//! Every bundled snapshot article, stepped through its versions with `check`:
//! exact revision counts after each step, reverts recorded as such.

use redline::snapshots::{ARTICLES, Expect};

use crate::common::Env;

#[test]
fn every_version_records_what_the_snapshot_readme_says() {
    let env = Env::new();
    let urls: Vec<String> = ARTICLES
        .iter()
        .map(|a| env.serve(a.path, a.versions[0].html))
        .collect();
    let mut args = vec!["track"];
    args.extend(urls.iter().map(String::as_str));
    let out = env.run(&args).expect(0);
    assert_eq!(
        out.stdout.matches("tracking:").count(),
        ARTICLES.len(),
        "{}",
        out.stdout
    );

    let mut expected: Vec<usize> = vec![1; ARTICLES.len()];
    let steps = ARTICLES.iter().map(|a| a.versions.len()).max().unwrap();
    for step in 1..steps {
        for a in ARTICLES {
            if let Some(v) = a.versions.get(step) {
                env.serve(a.path, v.html);
            }
        }
        let check = env.run(&["check"]).expect(0);
        let mut changed = 0;
        for (i, a) in ARTICLES.iter().enumerate() {
            let Some(v) = a.versions.get(step) else {
                continue;
            };
            let id = (i + 1).to_string();
            match v.expect {
                Expect::NoRevision => {}
                Expect::Revision => {
                    expected[i] += 1;
                    changed += 1;
                }
                Expect::Revert(of) => {
                    expected[i] += 1;
                    changed += 1;
                    let last = env.run(&["log", &id, "--json"]).json_lines().pop().unwrap();
                    assert_eq!(last["revert_of"], of, "{}: {}", a.site, v.note);
                    assert!(
                        check.stdout.contains(&format!("revert to rev {of}")),
                        "{}",
                        check.stdout
                    );
                }
                Expect::First => unreachable!("only the first version is First"),
            }
            assert_eq!(
                env.revisions(&id),
                expected[i],
                "{} step {}: {}",
                a.site,
                step + 1,
                v.note
            );
        }
        assert!(
            check.stderr.contains(&format!(
                "checked {}, changed {changed}, failed 0",
                ARTICLES.len()
            )),
            "{}",
            check.stderr
        );
    }
}

/// The scenario above, run side by side on a SQLite file and on PostgreSQL
/// under the same fixed clock: the two exports are the same bytes.
#[test]
fn the_scenario_exports_the_same_bytes_from_sqlite_and_from_postgres() {
    if !crate::common::on_postgres() {
        eprintln!("runs in the PostgreSQL suite (REDLINE_TEST_POSTGRES=1 inside pg_virtualenv)");
        return;
    }
    let env = Env::new();
    let sqlite = env.path("same.db");
    let dbs = [sqlite.as_path(), env.db.as_path()];
    // The server's own Date header would differ between the two fetches.
    let serve = |path: &str, html: &str| {
        env.set(
            path,
            redline::serve::Route::html(html).with_header("Date", "Sun, 01 Mar 2026 12:00:00 GMT"),
        );
        env.server.url(path)
    };
    let run = |db: &std::path::Path, now: &str, args: &[&str]| {
        let mut cmd = env.command();
        cmd.env("REDLINE_DB", db).env("REDLINE_NOW", now).args(args);
        crate::common::Run::from(cmd.output().expect("run redline")).expect(0)
    };
    let urls: Vec<String> = ARTICLES
        .iter()
        .map(|a| serve(a.path, a.versions[0].html))
        .collect();
    let mut track = vec!["track"];
    track.extend(urls.iter().map(String::as_str));
    for db in dbs {
        run(db, "2026-03-01T12:00:00Z", &track);
    }
    let steps = ARTICLES.iter().map(|a| a.versions.len()).max().unwrap();
    for step in 1..steps {
        for a in ARTICLES {
            if let Some(v) = a.versions.get(step) {
                serve(a.path, v.html);
            }
        }
        let now = format!("2026-03-{:02}T12:00:00Z", step + 1);
        for db in dbs {
            run(db, &now, &["check"]);
        }
    }
    let export = |db: &std::path::Path| {
        run(
            db,
            "2026-04-01T00:00:00Z",
            &[
                "export",
                "--all",
                "--format",
                "jsonl",
                "--with-raw",
                "-o",
                "-",
            ],
        )
        .raw_stdout
    };
    let (on_sqlite, on_postgres) = (export(dbs[0]), export(dbs[1]));
    assert!(on_sqlite.len() > 10_000, "{} bytes", on_sqlite.len());
    assert!(
        on_sqlite == on_postgres,
        "the exports differ:\n--- SQLite\n{}\n--- PostgreSQL\n{}",
        String::from_utf8_lossy(&on_sqlite[..on_sqlite.len().min(3000)]),
        String::from_utf8_lossy(&on_postgres[..on_postgres.len().min(3000)])
    );
    for db in dbs {
        run(db, "2026-04-01T00:00:00Z", &["verify"]);
    }
    // Moved over through a pipe, each way: SQLite's history into a new
    // PostgreSQL database, PostgreSQL's into a new SQLite file; verified on
    // import by its hashes, and exported again the same bytes.
    for (to, from_export) in [
        (env.other_db("to-postgres"), &on_sqlite),
        (env.path("to-sqlite.db"), &on_postgres),
    ] {
        let mut import = env.command();
        import
            .env("REDLINE_DB", &to)
            .args(["import", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = import.spawn().expect("start redline import");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), from_export).unwrap();
        let done = crate::common::Run::from(child.wait_with_output().unwrap()).expect(0);
        assert!(done.stderr.contains("imported"), "{}", done.stderr);
        run(&to, "2026-04-01T00:00:00Z", &["verify"]);
        assert!(
            export(&to) == *from_export,
            "{} exports another history than it imported",
            to.display()
        );
    }
}

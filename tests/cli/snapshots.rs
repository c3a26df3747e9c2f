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

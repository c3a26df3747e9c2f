//! A real news page from `../shared/bench/revisions/` (read-only, never copied
//! into the repo), served locally: a one-word edit of the body is one revision
//! shown as `[-old-]{+new+}`; a change to the page's boilerplate is none.

use std::path::PathBuf;

use crate::common::Env;

fn real_page() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/bench/revisions/html_with_correction.html");
    match std::fs::read(&path) {
        Ok(bytes) => Some(String::from_utf8(bytes).expect("the page is UTF-8")),
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!("{} is needed in CI: {e}", path.display())
        }
        Err(_) => None,
    }
}

#[test]
fn one_word_edit_is_a_revision_and_boilerplate_is_not() {
    let Some(html) = real_page() else {
        eprintln!("skipped: ../shared/bench is not beside this checkout");
        return;
    };
    let env = Env::new();
    let url = env.serve("/world/europe/greece-macedonia-name.html", &html);
    env.run(&["track", &url]).expect(0);

    // A word of a body paragraph, replaced where the paragraph stands in the
    // markup (the page also carries a copy of its text in a state script).
    let article = redline::extract::extract(&html).expect("the bench page extracts");
    assert!(article.body.len() >= 10, "{:#?}", article.body);
    assert!(
        !article.corrections.is_empty(),
        "the correction note is found"
    );
    let (at, word) = article.body[2..]
        .iter()
        .find_map(|para| {
            let prefix: String = para.chars().take(30).collect();
            let start = html.find(&prefix)?;
            let word = para
                .split_whitespace()
                .skip(3)
                .find(|w| w.len() >= 6 && w.chars().all(char::is_alphabetic))?;
            Some((start + html[start..].find(word)?, word))
        })
        .expect("a body paragraph found verbatim in the markup");
    let edited = format!("{}REDLINED{}", &html[..at], &html[at + word.len()..]);
    env.serve("/world/europe/greece-macedonia-name.html", &edited);
    let out = env.run(&["check"]).expect(0);
    assert!(out.stdout.contains("#1 rev 2 (+1 -1)"), "{}", out.stdout);
    let diff = env
        .run(&["--color", "never", "diff", &url])
        .expect(0)
        .stdout;
    assert!(diff.contains(&format!("[-{word}")), "{diff}");
    assert!(diff.contains("{+REDLINED"), "{diff}");

    // Boilerplate only: a new promo block, a rotated script, a changed nav.
    let churned = edited
        .replacen(
            "</body>",
            "<aside class=\"most-read\"><h2>Most read</h2><ol><li><a href=\"/a\">Something else entirely happened today</a></li></ol></aside>\
             <script>window.__pageview = {\"ts\": 1790000123, \"nonce\": \"9f8e7d\"};</script></body>",
            1,
        )
        .replacen("<nav", "<nav data-build=\"20261129\"", 1);
    assert_ne!(churned, edited);
    env.serve("/world/europe/greece-macedonia-name.html", &churned);
    let out = env.run(&["check"]).expect(0);
    assert!(
        out.stderr.contains("checked 1, changed 0, failed 0"),
        "{}",
        out.stderr
    );
    assert_eq!(env.revisions("1"), 2);
}

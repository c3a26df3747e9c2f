//! track, check, list, log and show on a small page.

use redline::serve::Route;

use crate::common::{Env, PARAS, page};

#[test]
fn track_fetches_the_first_version_and_lists_it() {
    let env = Env::new();
    let html = page("Sluice gates opened early", PARAS, "Most read: a cat");
    let url = env.serve("/a", &html);
    let out = env.run(&["track", &url]).expect(0);
    assert!(
        out.stdout
            .contains("#1 tracking: Sluice gates opened early"),
        "{}",
        out.stdout
    );

    let a = env.listed(1);
    assert_eq!(a["type"], "article");
    assert_eq!(a["url"], url.as_str());
    assert_eq!(a["title"], "Sluice gates opened early");
    assert_eq!(a["revisions"], 1);
    assert_eq!(a["last_checked_at"], "2026-03-01T12:00:00.000Z");
    assert_eq!(a["last_error"], serde_json::Value::Null);

    let log = env.run(&["log", &url, "--json"]).expect(0).json_lines();
    assert_eq!(log.len(), 1);
    let r = &log[0];
    assert_eq!(r["type"], "revision");
    assert_eq!(r["article_id"], 1);
    assert_eq!(r["rev"], 1);
    assert_eq!(r["captured_at"], "2026-03-01T12:00:00.000Z");
    assert_eq!(r["title"], "Sluice gates opened early");
    assert_eq!(
        (r["words_added"].as_i64(), r["words_removed"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        r["sha256"],
        redline::fingerprint::sha256_hex(html.as_bytes())
    );

    // The raw page comes back byte for byte; the article as text and JSON.
    let raw = env.run(&["show", "1", "--raw"]).expect(0);
    assert_eq!(raw.raw_stdout, html.as_bytes());
    let shown = env.run(&["show", "1"]).expect(0).stdout;
    // A citation line, then the article.
    let (cite, article) = shown.split_once("\n\n").unwrap();
    assert!(cite.starts_with("#1 rev 1, captured "), "{cite}");
    assert!(
        article.starts_with("Sluice gates opened early\n"),
        "{shown}"
    );
    assert!(
        shown.contains(PARAS[1]) && !shown.contains("Most read"),
        "{shown}"
    );
    let json = env
        .run(&["show", &url, "1", "--json"])
        .expect(0)
        .json_lines();
    assert_eq!(json[0]["rev"], 1);
    assert_eq!(json[0]["text"], PARAS.join("\n\n"));

    // Plain-text list names the article.
    let list = env.run(&["list"]).expect(0).stdout;
    assert!(
        list.contains("#1 Sluice gates opened early") && list.contains("1 revision"),
        "{list}"
    );
}

#[test]
fn tracking_twice_is_reported_not_duplicated() {
    let env = Env::new();
    let url = env.serve("/a", &page("Title", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    let again = env.run(&["track", &format!("{url}#section")]).expect(0);
    assert!(
        again.stdout.contains("#1 already tracked"),
        "{}",
        again.stdout
    );
    assert_eq!(env.run(&["list", "--json"]).json_lines().len(), 1);
}

#[test]
fn check_records_edits_but_not_boilerplate_or_formatting_churn() {
    let env = Env::new();
    let url = env.serve("/a", &page("Title", PARAS, "Most read: one"));
    env.run(&["track", &url]).expect(0);

    // Unchanged page: a 304 thanks to the stored ETag, no revision.
    let same = env.run(&["check"]).expect(0);
    assert!(
        same.stderr.contains("checked 1, changed 0, failed 0"),
        "{}",
        same.stderr
    );
    assert_eq!(same.stdout, "");

    // Only the related links changed, and quotes/whitespace restyled.
    let mut churned: Vec<String> = PARAS.iter().map(|p| p.to_string()).collect();
    churned[0] = churned[0].replace(", a week", ",   a\u{a0}week");
    let churned: Vec<&str> = churned.iter().map(String::as_str).collect();
    env.serve("/a", &page("Title", &churned, "Most read: two"));
    env.run(&["check"]).expect(0);
    assert_eq!(env.revisions("1"), 1);

    // One word changed: a revision, one word in, one out.
    let edited: Vec<String> = PARAS
        .iter()
        .map(|p| p.replace("Friday", "Saturday"))
        .collect();
    let edited: Vec<&str> = edited.iter().map(String::as_str).collect();
    env.serve("/a", &page("Title", &edited, "Most read: three"));
    let out = env.run(&["check", "1"]).expect(0);
    assert!(
        out.stdout.contains("#1 rev 2 (+1 -1): Title"),
        "{}",
        out.stdout
    );
    let log = env.run(&["log", "1", "--json"]).json_lines();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (
            log[1]["words_added"].as_i64(),
            log[1]["words_removed"].as_i64()
        ),
        (Some(1), Some(1))
    );
}

#[test]
fn unchanged_pages_are_fetched_conditionally() {
    let env = Env::new();
    let url = env.serve("/a", &page("Title", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    env.run(&["check"]).expect(0);
    env.run(&["check"]).expect(0);
    let statuses: Vec<u16> = env
        .server
        .served()
        .into_iter()
        .filter(|s| s.path == "/a")
        .map(|s| s.status)
        .collect();
    assert_eq!(statuses, [200, 304, 304]);
    assert_eq!(env.revisions("1"), 1);
}

#[test]
fn redirects_are_followed_and_the_final_url_recorded() {
    let env = Env::new();
    env.set("/old", Route::status(301).with_header("Location", "/new"));
    let new_url = env.serve("/new", &page("Moved story", PARAS, "x"));
    let old_url = env.server.url("/old");
    env.run(&["track", &old_url]).expect(0);
    let a = env.listed(1);
    assert_eq!(a["url"], old_url.as_str());
    assert_eq!(a["final_url"], new_url.as_str());
    let rev = &env.run(&["log", "1", "--json"]).json_lines()[0];
    assert_eq!(rev["final_url"], new_url.as_str());
}

#[test]
fn compressed_pages_are_decompressed() {
    use std::io::Write;
    let env = Env::new();
    let html = page("Gzipped story", PARAS, "x");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(html.as_bytes()).unwrap();
    let route = Route::html(gz.finish().unwrap()).with_header("Content-Encoding", "gzip");
    env.set("/gz", route);
    let url = env.server.url("/gz");
    env.run(&["track", &url]).expect(0);
    assert_eq!(
        env.run(&["show", "1", "--raw"]).expect(0).raw_stdout,
        html.as_bytes()
    );
    assert_eq!(env.listed(1)["title"], "Gzipped story");
}

#[test]
fn charset_from_the_header_decodes_legacy_pages() {
    let env = Env::new();
    let mut bytes = b"<html><body><article><p>".to_vec();
    bytes.extend_from_slice(b"El caf\xe9 del puerto cerr\xf3 sus puertas despu\xe9s de cuarenta a\xf1os, dijo el alcalde.");
    bytes.extend_from_slice(b"</p></article></body></html>");
    env.set(
        "/latin1",
        Route::html(bytes).with_content_type("text/html; charset=ISO-8859-1"),
    );
    let url = env.server.url("/latin1");
    env.run(&["track", &url]).expect(0);
    let shown = &env.run(&["show", "1", "--json"]).expect(0).json_lines()[0];
    assert_eq!(
        shown["text"],
        "El café del puerto cerró sus puertas después de cuarenta años, dijo el alcalde."
    );
}

#[test]
fn header_and_meta_disagreeing_still_give_correct_text() {
    let env = Env::new();
    let text = "Le café du port a fermé après quarante ans, a dit le maire de la ville.";
    let html = format!(
        "<html><head><meta charset=\"utf-8\"></head><body><article><p>{text}</p></article></body></html>"
    );
    env.set(
        "/stale",
        Route::html(html).with_content_type("text/html; charset=ISO-8859-1"),
    );
    let mut sjis = b"<html><head><meta charset=\"shift_jis\"></head><body><article><p>".to_vec();
    let japanese = "港の喫茶店は四十年の営業を終えて閉店したと、市長が述べた。";
    sjis.extend(encoding_rs::SHIFT_JIS.encode(japanese).0.iter());
    sjis.extend_from_slice(b"</p></article></body></html>");
    env.set("/sjis", Route::html(sjis).with_content_type("text/html"));
    let (a, b) = (env.server.url("/stale"), env.server.url("/sjis"));
    env.run(&["track", &a, &b]).expect(0);
    assert_eq!(
        env.run(&["show", "1", "--json"]).json_lines()[0]["text"],
        text
    );
    assert_eq!(
        env.run(&["show", "2", "--json"]).json_lines()[0]["text"],
        japanese
    );
}

/// A page that names its canonical URL.
fn with_canonical(canonical: &str) -> String {
    page("Bridge closes for repairs", PARAS, "x").replace(
        "<meta charset=\"utf-8\">",
        &format!("<meta charset=\"utf-8\"><link rel=\"canonical\" href=\"{canonical}\">"),
    )
}

#[test]
fn one_article_under_two_urls_is_tracked_once() {
    let env = Env::new();
    let story = env.server.url("/story");
    env.serve("/story", &with_canonical(&story));
    env.serve(
        "/story/amp",
        &with_canonical(&format!("{story}?utm_source=amp")),
    );
    env.set(
        "/old-link",
        Route::status(301).with_header("Location", &story),
    );
    env.run(&["track", &story]).expect(0);
    // The AMP page declares the same canonical URL; the old link redirects.
    let amp = env.server.url("/story/amp");
    let out = env.run(&["track", &amp]).expect(0);
    assert!(
        out.stdout.contains(&format!(
            "#1 already tracked as {story} (the same article): {amp}"
        )),
        "{}",
        out.stdout
    );
    let old = env.server.url("/old-link");
    let out = env.run(&["track", &old]).expect(0);
    assert!(
        out.stdout.contains("#1 already tracked as"),
        "{}",
        out.stdout
    );
    assert_eq!(env.run(&["list", "--json"]).json_lines().len(), 1);

    // Two URLs of one new article in one batch: the first is kept.
    let other = env.server.url("/other");
    env.serve("/other", &with_canonical(&other));
    env.serve("/other/print", &with_canonical(&other));
    let out = env
        .run(&["track", &other, &env.server.url("/other/print")])
        .expect(0);
    assert!(out.stdout.contains("tracking:"), "{}", out.stdout);
    assert!(out.stdout.contains("already tracked as"), "{}", out.stdout);
    let urls: Vec<String> = env
        .run(&["list", "--json"])
        .json_lines()
        .iter()
        .map(|a| a["url"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(urls, [story, other]);
}

#[test]
fn list_reads_in_pages_with_limit_and_after() {
    let env = Env::new();
    let urls: Vec<String> = (0..5)
        .map(|i| env.serve(&format!("/p{i}"), &page(&format!("Story {i}"), PARAS, "x")))
        .collect();
    let mut args = vec!["track"];
    args.extend(urls.iter().map(String::as_str));
    env.run(&args).expect(0);
    let ids = |args: &[&str]| -> Vec<i64> {
        env.run(args)
            .expect(0)
            .json_lines()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&["list", "--json", "--limit", "2"]), [1, 2]);
    assert_eq!(
        ids(&["list", "--json", "--limit", "2", "--after", "2"]),
        [3, 4]
    );
    assert_eq!(ids(&["list", "--json", "--after", "4"]), [5]);
    let past = env.run(&["list", "--after", "5"]).expect(0);
    assert!(
        past.stderr.contains("no articles after #5"),
        "{}",
        past.stderr
    );
}

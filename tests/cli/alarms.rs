//! Extraction alarms: a body that comes out empty or far shorter while the page
//! is about the same size is flagged, not recorded, until a second check
//! confirms it. `status` shows alarms and failing articles.

use redline::serve::Route;

use crate::common::{Env, PARAS};

/// An article page of about `pad` bytes of furniture plus its paragraphs.
fn page(paragraphs: &[&str], furniture: &str) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<html><head><title>Alarmed | Site</title></head><body><main><article><div class=\"text\">{body}</div>\
         </article></main><aside><ul>{furniture}</ul></aside></body></html>"
    )
}

fn long_paragraphs() -> Vec<String> {
    (0..6)
        .map(|i| format!("{} (part {i})", PARAS[i % 3]))
        .collect()
}

#[test]
fn a_far_shorter_body_on_a_same_size_page_is_an_alarm_until_confirmed() {
    let env = Env::new();
    let paras = long_paragraphs();
    let full: Vec<&str> = paras.iter().map(String::as_str).collect();
    let url = env.serve("/a", &page(&full, "<li>x</li>"));
    env.run(&["track", &url]).expect(0);

    // A broken page load: one paragraph left, the rest of the page the same size.
    let original = page(&full, "<li>x</li>");
    let item = "<li><a href=\"/x\">Another story in the rail, padded out</a></li>";
    let removed: usize = full[1..].iter().map(|p| p.len() + 7).sum();
    let filler = item.repeat(removed / item.len());
    let broken = page(&full[..1], &filler);
    let ratio = broken.len() as f64 / original.len() as f64;
    assert!((0.8..1.25).contains(&ratio), "same-size page: {ratio}");
    env.serve("/a", &broken);
    let out = env.run(&["check"]).expect(0);
    assert!(
        out.stdout.contains("#1 extraction alarm: the body has"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("alarms 1"), "{}", out.stderr);
    assert_eq!(env.revisions("1"), 1, "an alarm is not a revision");
    assert!(
        env.listed(1)["last_error"]
            .as_str()
            .unwrap()
            .starts_with("extraction alarm")
    );

    let status = env.run(&["status", "--json"]).expect(0).json_lines();
    assert_eq!(status[0]["type"], "status");
    assert_eq!(status[0]["alarms"][0]["id"], 1);
    assert_eq!(status[0]["failing"].as_array().unwrap().len(), 0);
    let text = env.run(&["status"]).expect(0).stdout;
    assert!(text.contains("extraction alarms (1)"), "{text}");

    // The same again: confirmed, recorded.
    let out = env.run(&["check"]).expect(0);
    assert!(out.stdout.contains("#1 rev 2"), "{}", out.stdout);
    assert_eq!(env.revisions("1"), 2);
    assert_eq!(env.listed(1)["last_error"], serde_json::Value::Null);
}

#[test]
fn an_alarm_that_goes_away_records_nothing() {
    let env = Env::new();
    let paras = long_paragraphs();
    let full: Vec<&str> = paras.iter().map(String::as_str).collect();
    let url = env.serve("/a", &page(&full, "<li>x</li>"));
    env.run(&["track", &url]).expect(0);
    env.serve(
        "/a",
        &page(&[], &"<li>padding padding padding</li>".repeat(40)),
    );
    let out = env.run(&["check"]).expect(0);
    assert!(
        out.stdout.contains("no article text found"),
        "{}",
        out.stdout
    );
    env.serve("/a", &page(&full, "<li>y</li>"));
    env.run(&["check"]).expect(0);
    assert_eq!(env.revisions("1"), 1);
    assert_eq!(
        env.run(&["status", "--json"]).json_lines()[0]["alarms"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn status_lists_failing_articles_since_when() {
    let env = Env::new();
    let paras = long_paragraphs();
    let full: Vec<&str> = paras.iter().map(String::as_str).collect();
    let a = env.serve("/a", &page(&full, "x"));
    let b = env.serve("/b", &page(&full[1..], "x"));
    env.run(&["track", &a, &b]).expect(0);
    env.set("/b", Route::status(500));
    env.run(&["check"]).expect(1);
    env.run(&["check"]).expect(1);
    let s = &env.run(&["status", "--json"]).expect(0).json_lines()[0];
    assert_eq!(
        (s["articles"].as_i64(), s["revisions"].as_i64()),
        (Some(2), Some(2))
    );
    let failing = s["failing"].as_array().unwrap();
    assert_eq!(failing.len(), 1);
    assert_eq!(failing[0]["id"], 2);
    assert_eq!(failing[0]["checks"], 2);
    assert_eq!(failing[0]["since"], "2026-03-01T12:00:00.000Z");
    assert!(failing[0]["error"].as_str().unwrap().contains("HTTP 500"));
    // The last pass: both articles, one failed.
    let pass = &s["last_pass"];
    assert_eq!(
        (pass["articles"].as_i64(), pass["failed"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(pass["changed"], 0);
    assert!(pass["duration_ms"].as_i64().unwrap() >= 0);
    let text = env.run(&["status"]).expect(0).stdout;
    assert!(
        text.contains("last pass: 2026-03-01 12:00:00 UTC, 2 articles in"),
        "{text}"
    );
    assert!(text.contains("0 changed, 1 failed"), "{text}");
}

#[test]
fn status_names_refusing_hosts_and_what_is_due() {
    let env = Env::new();
    let paras = long_paragraphs();
    let full: Vec<&str> = paras.iter().map(String::as_str).collect();
    let a = env.serve("/a", &page(&full, "x"));
    let b = env.serve("/b", &page(&full[1..], "x"));
    env.run(&["track", &a, &b]).expect(0);
    env.set("/b", Route::status(429));
    env.run(&["check", "2"]).expect(1);
    let s = &env.run(&["status", "--json"]).expect(0).json_lines()[0];
    assert_eq!(s["refusing_hosts"], serde_json::json!([["127.0.0.1", 1]]));
    assert_eq!(s["due_now"], 0);
    assert!(s["next_due_at"].as_str().unwrap() > "2026-03-01T12:00:00.000Z");
    let text = env.run(&["status"]).expect(0).stdout;
    assert!(
        text.contains("hosts refusing (403/429)") && text.contains("127.0.0.1: 1 article"),
        "{text}"
    );
    // Later, everything is due.
    let later = &env
        .run_at("2026-03-05T00:00:00Z", &["status", "--json"])
        .expect(0)
        .json_lines()[0];
    assert_eq!(later["due_now"], 2);
}

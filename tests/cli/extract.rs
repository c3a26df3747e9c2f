//! `redline extract`: extraction only, no database.

use crate::common::{Env, PARAS, page};

#[test]
fn extract_json_fields_with_nulls_for_absent_ones() {
    let env = Env::new();
    let plain = env.path("plain.html");
    std::fs::write(&plain, page("Plain page", PARAS, "related")).unwrap();
    let ld = env.path("ld.html");
    std::fs::write(
        &ld,
        format!(
            "<html><head><script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\
             \"headline\":\"LD headline\",\"author\":{{\"name\":\"Ana Writer\"}},\
             \"datePublished\":\"2026-02-01T10:00:00+01:00\",\"dateModified\":\"2026-02-02T10:00:00Z\"}}</script>\
             </head><body><article><p>{}</p><p>{}</p></article></body></html>",
            PARAS[0], PARAS[1]
        ),
    )
    .unwrap();
    let out = env
        .run(&[
            "extract",
            "--json",
            plain.to_str().unwrap(),
            ld.to_str().unwrap(),
        ])
        .expect(0)
        .json_lines();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["path"], plain.to_str().unwrap());
    assert_eq!(out[0]["title"], "Plain page");
    assert_eq!(out[0]["byline"], serde_json::Value::Null);
    assert_eq!(out[0]["published"], serde_json::Value::Null);
    assert_eq!(out[0]["modified"], serde_json::Value::Null);
    assert_eq!(out[0]["text"], PARAS.join("\n\n"));
    assert_eq!(out[1]["title"], "LD headline");
    assert_eq!(out[1]["byline"], "Ana Writer");
    assert_eq!(
        out[1]["published"], "2026-02-01T10:00:00+01:00",
        "the publisher's offset is kept"
    );
    assert_eq!(out[1]["modified"], "2026-02-02T10:00:00Z");
    assert_eq!(out[1]["text"], format!("{}\n\n{}", PARAS[0], PARAS[1]));
}

#[test]
fn url_gives_the_date_in_its_path_to_a_saved_page() {
    let env = Env::new();
    let page = env.path("saved.html");
    std::fs::write(
        &page,
        format!(
            "<html><body><article><h1>Quay works</h1><p>{}</p><p>{}</p></article></body></html>",
            PARAS[0], PARAS[1]
        ),
    )
    .unwrap();
    let path = page.to_str().unwrap();
    let without = env.run(&["extract", "--json", path]).expect(0).json_lines();
    assert_eq!(without[0]["published"], serde_json::Value::Null);
    let with = env
        .run(&[
            "extract",
            "--json",
            path,
            "--url",
            "https://news.example/2024/03/05/quay-works",
        ])
        .expect(0)
        .json_lines();
    assert_eq!(
        with[0]["published"], "2024-03-05",
        "a day, not an invented midnight"
    );
    let two = env
        .run(&["extract", path, path, "--url", "https://news.example/a"])
        .expect(2);
    assert!(
        two.stderr.contains("--url names the page of one file"),
        "{}",
        two.stderr
    );
    let bad = env.run(&["extract", path, "--url", "not a url"]).expect(2);
    assert!(bad.stderr.contains("is not a URL"), "{}", bad.stderr);
}

#[test]
fn broken_html_and_wrong_charsets_do_not_fail() {
    let env = Env::new();
    let broken = env.path("broken.html");
    std::fs::write(
        &broken,
        format!(
            "<html><body><div><p>{}<div><p>{}</span></td></b>\u{0}<p",
            PARAS[0], PARAS[1]
        ),
    )
    .unwrap();
    let latin1 = env.path("latin1.html");
    let mut bytes = b"<html><head><meta charset=\"iso-8859-1\"></head><body><article><p>".to_vec();
    bytes.extend_from_slice(
        b"Le caf\xe9 du port a ferm\xe9 ses portes apr\xe8s quarante ans, a dit le maire.",
    );
    bytes.extend_from_slice(b"</p></article></body></html>");
    std::fs::write(&latin1, bytes).unwrap();
    let out = env
        .run(&[
            "extract",
            "--json",
            broken.to_str().unwrap(),
            latin1.to_str().unwrap(),
        ])
        .expect(0)
        .json_lines();
    assert!(
        out[0]["text"].as_str().unwrap().contains("sluice gates"),
        "{}",
        out[0]
    );
    assert_eq!(
        out[1]["text"],
        "Le café du port a fermé ses portes après quarante ans, a dit le maire."
    );
}

#[test]
fn a_missing_file_is_reported_and_the_others_still_extracted() {
    let env = Env::new();
    let good = env.path("good.html");
    std::fs::write(&good, page("Good", PARAS, "x")).unwrap();
    let out = env
        .run(&["extract", "--json", "nope.html", good.to_str().unwrap()])
        .expect(1);
    assert!(
        out.stderr.contains("error: nope.html: no such file"),
        "{}",
        out.stderr
    );
    assert_eq!(out.json_lines()[0]["title"], "Good");
}

#[test]
fn extract_fetches_a_url_once_with_its_sites_rules_and_reads_a_saved_page_with_a_hosts() {
    let env = Env::new();
    let html = "<html><head><title>Ferry news</title></head><body>\
        <div class=\"story\"><h1>Ferry crossings resume</h1>\
        <p>Night crossings resumed on Monday after the repairs were finished ahead of time by the yard.</p>\
        <p class=\"note\">The yard also repairs fishing boats and small ferries for other harbours along the coast.</p>\
        <p>The operator said the timetable would return to normal on all routes by the end of the week.</p></div>\
        <div class=\"other\"><p>Other news of the port: the harbour master retires next month after thirty years.</p></div>\
        </body></html>";
    let url = env.serve("/2026/03/02/ferry", html);
    let config = env.path("config/redline/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[sites.\"127.0.0.1\"]\nselect = \"div.story\"\nremove = [\".note\"]\n",
    )
    .unwrap();
    let fetched = env.run(&["extract", "--json", &url]).expect(0);
    let a = &fetched.json_lines()[0];
    assert_eq!(a["path"], url.as_str());
    let text = a["text"].as_str().unwrap();
    assert!(text.contains("Night crossings resumed"), "{text}");
    assert!(
        !text.contains("fishing boats"),
        "the site's remove applies: {text}"
    );
    assert_eq!(a["published"], "2026-03-02", "the URL's date");
    // Fetched once, politely: robots.txt asked first, nothing stored.
    let served: Vec<String> = env.server.served().into_iter().map(|s| s.path).collect();
    assert_eq!(served, ["/robots.txt", "/2026/03/02/ferry"]);
    assert!(!env.db.exists(), "extract writes no database");

    // The same page saved: the host's rules apply with --site.
    let saved = env.path("ferry.html");
    std::fs::write(&saved, html).unwrap();
    let generic = env
        .run(&["extract", "--json", saved.to_str().unwrap()])
        .expect(0);
    assert!(
        generic.json_lines()[0]["text"]
            .as_str()
            .unwrap()
            .contains("fishing boats"),
        "without the rule, the generic extractor"
    );
    let ruled = env
        .run(&[
            "extract",
            "--json",
            "--site",
            "127.0.0.1",
            saved.to_str().unwrap(),
        ])
        .expect(0);
    let text = ruled.json_lines()[0]["text"].as_str().unwrap().to_owned();
    assert!(
        !text.contains("fishing boats") && text.contains("timetable"),
        "{text}"
    );
    let unknown = env
        .run(&[
            "extract",
            "--site",
            "elsewhere.example",
            saved.to_str().unwrap(),
        ])
        .expect(0);
    assert!(
        unknown
            .stderr
            .contains("no [sites.\"elsewhere.example\"] rule"),
        "{}",
        unknown.stderr
    );

    // A URL that fails says why, in one line.
    env.set("/gone", redline::serve::Route::status(404));
    let gone = env.run(&["extract", &env.server.url("/gone")]).expect(1);
    assert!(
        gone.stderr.contains("HTTP 404: the page is gone"),
        "{}",
        gone.stderr
    );
}

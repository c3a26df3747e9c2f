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
        out.stderr.contains("error: cannot read nope.html"),
        "{}",
        out.stderr
    );
    assert_eq!(out.json_lines()[0]["title"], "Good");
}

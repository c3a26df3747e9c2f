//! Snapshot tests of every diff view (insta), on the bundled sample articles
//! and on a moved paragraph. Colour off, so the snapshots show the plain
//! markers; the HTML view is snapshotted whole.

use redline::diff::{ArticleDiff, DiffOptions, Granularity, diff_articles};
use redline::extract::{Article, extract};
use redline::render::Painter;
use redline::render::diff::{DiffInput, ViewOptions, html, inline, side, unified};
use redline::snapshots::ARTICLES;

fn render(view: &str, old: &Article, new: &Article, d: &ArticleDiff, context: usize) -> String {
    let input = DiffInput {
        old,
        new,
        diff: d,
        old_label: "old".into(),
        new_label: "new".into(),
    };
    let o = ViewOptions {
        context,
        width: 100,
    };
    let p = Painter::new(false);
    let mut out = Vec::new();
    match view {
        "inline" => inline(&mut out, &p, &input, o),
        "side" => side(&mut out, &p, &input, o),
        "unified" => unified(&mut out, &p, &input, o),
        "html" => html(&mut out, &input, o),
        "json" => serde_json::to_writer_pretty(&mut out, d).map_err(std::io::Error::other),
        _ => unreachable!(),
    }
    .unwrap();
    String::from_utf8(out).unwrap()
}

fn herald(a: usize, b: usize) -> (Article, Article) {
    let v = ARTICLES[0].versions;
    (extract(v[a].html).unwrap(), extract(v[b].html).unwrap())
}

fn moved() -> (Article, Article) {
    let p = [
        "The ferry left Port Avel at six, an hour late, with ninety passengers on board.",
        "Fog had closed the harbour mouth overnight, the harbour master said.",
        "Passengers were offered free coffee while they waited on the quay.",
        "The company apologised and said the timetable would be normal by noon.",
    ];
    let old = Article {
        title: Some("Ferry leaves an hour late".into()),
        body: p.iter().map(|s| s.to_string()).collect(),
        ..Article::default()
    };
    let mut body: Vec<String> = vec![p[3].replace("by noon", "by early afternoon")];
    body.extend(p[..3].iter().map(|s| s.to_string()));
    let new = Article {
        body,
        ..old.clone()
    };
    (old, new)
}

#[test]
fn views_of_a_headline_rewrite_and_an_added_paragraph() {
    let (old, new) = herald(0, 1);
    let d = diff_articles(&old, &new, &DiffOptions::default());
    for view in ["inline", "side", "unified", "json", "html"] {
        insta::assert_snapshot!(
            format!("herald_1_2_{view}"),
            render(view, &old, &new, &d, 1)
        );
    }
}

#[test]
fn views_of_a_reworded_sentence_a_fixed_figure_and_a_correction() {
    let (old, new) = herald(2, 3);
    let d = diff_articles(&old, &new, &DiffOptions::default());
    for view in ["inline", "side", "unified", "json", "html"] {
        insta::assert_snapshot!(
            format!("herald_3_4_{view}"),
            render(view, &old, &new, &d, 0)
        );
    }
}

#[test]
fn a_moved_paragraph_is_marked_in_every_view() {
    let (old, new) = moved();
    let d = diff_articles(&old, &new, &DiffOptions::default());
    for view in ["inline", "side", "unified", "json", "html"] {
        let out = render(view, &old, &new, &d, 0);
        assert!(
            out.contains("moved"),
            "{view} does not mark the move:\n{out}"
        );
        insta::assert_snapshot!(format!("moved_{view}"), out);
    }
}

#[test]
fn granularities() {
    let (old, new) = herald(2, 3);
    for by in [
        Granularity::Sentence,
        Granularity::Paragraph,
        Granularity::Char,
    ] {
        let d = diff_articles(
            &old,
            &new,
            &DiffOptions {
                by,
                ..DiffOptions::default()
            },
        );
        insta::assert_snapshot!(
            format!("herald_3_4_by_{by:?}").to_lowercase(),
            render("inline", &old, &new, &d, 0)
        );
    }
}

#[test]
fn html_escapes_article_text() {
    let old = Article {
        title: Some("A <b>bold</b> claim".into()),
        body: vec!["Safe text.".into(), "More text & more.".into()],
        ..Article::default()
    };
    let new = Article {
        body: vec![
            "Safe text.".into(),
            "<script>alert('x')</script> & more.".into(),
        ],
        ..old.clone()
    };
    let d = diff_articles(&old, &new, &DiffOptions::default());
    let page = render("html", &old, &new, &d, 1);
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains("A &lt;b&gt;bold&lt;/b&gt; claim"), "{page}");
    assert!(
        !page.contains("src=") && !page.contains("href="),
        "no external assets"
    );
}

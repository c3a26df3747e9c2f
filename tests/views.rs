//! Snapshot tests of every diff view (insta), on the bundled sample articles
//! and on a moved paragraph. Colour off, so the snapshots show the plain
//! markers; the HTML view is snapshotted whole.

use redline::diff::{ArticleDiff, DiffOptions, Granularity, diff_articles};
use redline::extract::{Article, extract};
use redline::render::Painter;
use redline::render::diff::{DiffInput, ViewOptions, html, html_side, inline, side, unified};
use redline::snapshots::ARTICLES;

fn render(view: &str, old: &Article, new: &Article, d: &ArticleDiff, context: usize) -> String {
    let input = DiffInput {
        old,
        new,
        diff: d,
        old_label: "old".into(),
        new_label: "new".into(),
        cite: None,
    };
    // Only the side-by-side view is laid out to a width here; the inline
    // view's wrapping has a test of its own.
    let o = ViewOptions {
        context,
        width: if view == "side" { 100 } else { 0 },
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
fn side_by_side_columns_each_read_in_their_own_order() {
    let (old, new) = moved();
    let d = diff_articles(&old, &new, &DiffOptions::default());
    let out = render("side", &old, &new, &d, 10);
    let column = |right: bool| -> String {
        out.lines()
            .skip(1)
            .filter_map(|l| l.split_once('│'))
            .map(|(l, r)| if right { r.trim() } else { l.trim() })
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let order = |text: &str, starts: &[&str]| -> Vec<usize> {
        starts
            .iter()
            .map(|s| {
                text.find(s)
                    .unwrap_or_else(|| panic!("{s:?} missing:\n{out}"))
            })
            .collect()
    };
    let starts = [
        "The ferry left",
        "Fog had closed",
        "Passengers were",
        "The company",
    ];
    let left = order(&column(false), &starts);
    assert!(left.is_sorted(), "old column out of old order:\n{out}");
    let right = order(&column(true), &starts);
    assert!(
        right[3] < right[0] && right[0] < right[1] && right[1] < right[2],
        "new column out of new order:\n{out}"
    );
    // The old side says where the paragraph went, the new side where from.
    assert!(column(false).contains("(moved to paragraph 1)"), "{out}");
    assert!(
        column(true).contains("(moved from paragraph 4 to 1)"),
        "{out}"
    );
}

#[test]
fn the_inline_view_wraps_at_the_width_between_words() {
    let (old, new) = herald(2, 3);
    let d = diff_articles(&old, &new, &DiffOptions::default());
    let input = DiffInput {
        old: &old,
        new: &new,
        diff: &d,
        old_label: "old".into(),
        new_label: "new".into(),
        cite: None,
    };
    let mut wrapped = Vec::new();
    let o = ViewOptions {
        context: 1,
        width: 40,
    };
    inline(&mut wrapped, &Painter::new(true), &input, o).unwrap();
    let wrapped = String::from_utf8(wrapped).unwrap();
    let flat = render("inline", &old, &new, &d, 1);
    for line in wrapped.lines() {
        assert!(
            redline::render::visible_width(line) <= 40,
            "{line:?} is wider than 40 columns"
        );
    }
    assert!(flat.lines().any(|l| l.chars().count() > 40), "{flat}");
    // The same words in the same order: nothing split, nothing lost.
    let plain = strip_ansi(&wrapped);
    let words = |t: &str| t.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    let colourless = words(&flat)
        .join(" ")
        .replace("[-", "")
        .replace("-]", "")
        .replace("{+", "")
        .replace("+}", "");
    assert_eq!(words(&plain).join(" "), colourless);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        rest = &rest[rest.find('m').map_or(rest.len(), |e| e + 1)..];
    }
    out + rest
}

#[test]
fn html_side_by_side_of_a_headline_change_shows_the_headline_not_the_article_twice() {
    let (old, _) = moved();
    let new = Article {
        title: Some("Ferry leaves two hours late".into()),
        ..old.clone()
    };
    let d = diff_articles(&old, &new, &DiffOptions::default());
    let input = DiffInput {
        old: &old,
        new: &new,
        diff: &d,
        old_label: "old".into(),
        new_label: "new".into(),
        cite: None,
    };
    let mut out = Vec::new();
    html_side(&mut out, &input, ViewOptions::default()).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("Ferry leaves <del>an hour</del> late</td>")
            && out.contains("Ferry leaves <ins>two hours</ins> late</td>"),
        "{out}"
    );
    assert!(
        out.contains("the body is unchanged (4 paragraphs)"),
        "{out}"
    );
    assert!(!out.contains("Fog had closed"), "{out}");
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

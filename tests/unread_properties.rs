//! Properties of cutting what extraction never reads before parsing
//! (`extract::unread`), over generated markup that mixes the constructs the
//! scan must follow (quoted values holding markup, raw-text elements,
//! comments, scripts that hide markup, SVG, unterminated pieces):
//! - the cut page parses to the same text the extractor reads (every text
//!   node outside scripts, style sheets, SVG and noscript, in order), and
//!   to the same elements with the same attributes (all but those never
//!   read: `data-*`, `srcset`, a link's `href`);
//! - cutting twice cuts nothing more;
//! - JSON-LD is never cut.
//!
//! The first and last also hold on every real page of `../shared/bench/`
//! (the 90 extraction pages, 527 date pages, 61 metadata pages; read in
//! place).

use proptest::prelude::*;
use redline::extract::unread::emptied;
use scraper::{Html, Node};

const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "words",
    " more words ",
    "a<b",
    "1 < 2",
    ">",
    "\"",
    "'",
    "<div class=\"a>b\">",
    "<div title='<script>x</script>'>",
    "<span data-x=<style>>",
    "<script>",
    "<script type=\"application/ld+json\">",
    "{\"a\":\"<p>in json</p>\"}",
    "</script>",
    "</script >",
    "</scripts>",
    "<style>",
    "p{color:red}",
    "</style>",
    "<!--",
    "-->",
    "<!-->",
    "--!>",
    "<svg>",
    "<svg/>",
    "</svg>",
    "<path d='M0 0'/>",
    "<![CDATA[",
    "]]>",
    "<math>",
    "</math>",
    "<mi>",
    "</mi>",
    "<desc>",
    "</desc>",
    "<font color=red>",
    "</span>",
    "<textarea>",
    "</textarea>",
    "<title>",
    "</title>",
    "<noscript>",
    "</noscript>",
    "<!doctype html>",
    "<?xml?>",
    "</>",
    "</ p>",
    "<a href=\"https://example.com/a/long/path?x=1\">",
    "<a href=https://example.com/an/unquoted/path>",
    "</a>",
    "<img srcset=\"a.jpg 1x, b.jpg 2x, c.jpg 3x\">",
    "<div data-state='{\"a\":\"<p>x</p>\",\"b\":\"</div>\"}'>",
    "<div data-x=\"short\">",
    "<link rel=canonical href=\"https://example.com/canonical/path\">",
    "<time datetime=\"2020-07-12T22:00:00+09:00\" data-time=\"1594558800000000\">",
];

/// Cases per property: `REDLINE_FUZZ_CASES`, as for the fuzz targets
/// (default 512).
fn cases() -> u32 {
    std::env::var("REDLINE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

fn page() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat())
}

/// The text nodes the extractor can read: not inside a script, a style
/// sheet, an SVG drawing or a noscript, trimmed, in document order.
fn read_text(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.tree
        .nodes()
        .filter_map(|n| {
            let Node::Text(t) = n.value() else {
                return None;
            };
            let hidden = n.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style" | "svg" | "noscript"))
            });
            let t = t.trim();
            (!hidden && !t.is_empty()).then(|| t.to_owned())
        })
        .collect()
}

/// Every element outside SVG drawings with the attributes the extractor
/// may read: all but `data-*`, `srcset` and a link's `href`.
fn read_attrs(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let doc = Html::parse_document(html);
    let unread = |tag: &str, name: &str| {
        name.starts_with("data-") || name == "srcset" || tag == "a" && name == "href"
    };
    doc.tree
        .nodes()
        .filter(|n| {
            !n.ancestors()
                .any(|a| a.value().as_element().is_some_and(|e| e.name() == "svg"))
        })
        .filter_map(|n| {
            let e = n.value().as_element()?;
            let attrs = e
                .attrs()
                .filter(|(k, _)| !unread(e.name(), k))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            Some((e.name().to_owned(), attrs))
        })
        .collect()
}

fn json_ld(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    // JSON-LD is read from HTML scripts; one inside a drawing is not.
    doc.select(&sel)
        .filter(|e| {
            !e.ancestors()
                .any(|a| a.value().as_element().is_some_and(|a| a.name() == "svg"))
        })
        .map(|e| e.text().collect())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_extractor_reads_the_same_text(html in page()) {
        let cut = emptied(&html);
        prop_assert_eq!(read_text(&cut), read_text(&html));
        prop_assert_eq!(json_ld(&cut), json_ld(&html));
        prop_assert_eq!(read_attrs(&cut), read_attrs(&html));
    }

    #[test]
    fn cutting_twice_cuts_nothing_more(html in page()) {
        let once = emptied(&html).into_owned();
        let twice = emptied(&once).into_owned();
        prop_assert_eq!(twice, once);
    }
}

/// Every real page of the benchmarks, when `../shared/bench` is beside the
/// checkout (in CI, `REDLINE_REQUIRE_TOOLS=1`, it must be).
fn real_pages() -> Vec<(String, String)> {
    use std::io::Read;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
    if !dir.join("dates/html").is_dir() {
        assert!(
            std::env::var_os("REDLINE_REQUIRE_TOOLS").is_none(),
            "../shared/bench is not beside this checkout"
        );
        eprintln!("skipped: ../shared/bench is not beside this checkout");
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut add = |path: std::path::PathBuf, bytes: Vec<u8>| {
        out.push((
            path.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    };
    for e in std::fs::read_dir(dir.join("dates/html")).unwrap().flatten() {
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(e.path()).unwrap())
            .read_to_end(&mut bytes)
            .unwrap();
        add(e.path(), bytes);
    }
    for e in std::fs::read_dir(dir.join("metadata/pages"))
        .unwrap()
        .flatten()
    {
        let path = e.path().join("source.html");
        if let Ok(bytes) = std::fs::read(&path) {
            add(path, bytes);
        }
    }
    for e in std::fs::read_dir(dir.join("extract/data/html"))
        .unwrap()
        .flatten()
    {
        add(e.path(), std::fs::read(e.path()).unwrap());
    }
    out
}

#[test]
fn every_real_page_reads_the_same_text_cut() {
    let pages = real_pages();
    let mut cut_share = (0usize, 0usize);
    for (name, html) in &pages {
        let cut = emptied(html);
        cut_share.0 += html.len() - cut.len();
        cut_share.1 += html.len();
        assert_eq!(read_text(&cut), read_text(html), "{name}");
        assert_eq!(json_ld(&cut), json_ld(html), "{name}");
        assert!(
            read_attrs(&cut) == read_attrs(html),
            "{name}: attributes differ"
        );
    }
    if !pages.is_empty() {
        assert!(pages.len() >= 600, "{} pages", pages.len());
        eprintln!(
            "{} pages, {:.0}% of their bytes cut",
            pages.len(),
            100.0 * cut_share.0 as f64 / cut_share.1 as f64
        );
    }
}

//! Deaf to boilerplate, page by page: every real page of both metadata dev
//! sets in `../shared/bench/` (`dates/`, 527 pages; `metadata/`, 61 pages;
//! read in place, never copied) extracted as served and again with the
//! furniture that churns between two fetches changed at once: a ticker after
//! `<body>`, rotated footer and sidebar links, an ad slot, script nonces, a
//! state script and a cookie banner. Title, bylines, dates, lead, corrections
//! and body must not move.
//!
//! Without `../shared/bench` beside the checkout the test says it skipped,
//! unless `REDLINE_REQUIRE_TOOLS=1` (CI), where it fails.

use std::io::Read;
use std::path::{Path, PathBuf};

use redline::extract::{Article, extract};

fn bench() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench");
    if dir.join("dates/html").is_dir() && dir.join("metadata/pages").is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("REDLINE_REQUIRE_TOOLS").is_none(),
        "../shared/bench is not beside this checkout"
    );
    eprintln!("skipped: ../shared/bench is not beside this checkout");
    None
}

fn pages(bench: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(bench.join("dates/html")).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
            .read_to_end(&mut bytes)
            .unwrap();
        out.push((path.display().to_string(), bytes));
    }
    for entry in std::fs::read_dir(bench.join("metadata/pages")).unwrap() {
        let path = entry.unwrap().path().join("source.html");
        if let Ok(bytes) = std::fs::read(&path) {
            out.push((path.display().to_string(), bytes));
        }
    }
    out.sort();
    out.into_iter()
        .map(|(name, bytes)| (name, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
}

/// The furniture of one fetch; `n` picks the values that churn.
fn churn(html: &str, n: usize) -> String {
    let links = [
        "Ferry fares frozen",
        "New cycle lane opens",
        "Lifeboat gets a boat",
    ];
    let rotated: String = (0..3)
        .map(|i| format!("<li><a href=\"/r{i}\">{}</a></li>", links[(i + n) % 3]))
        .collect();
    let top = format!(
        "<div class=\"ticker\">Live: harbour meeting {n} under way</div>\
         <div class=\"cookie-banner\" role=\"dialog\"><p>We and our {} partners use cookies. \
         <button>Accept</button></p></div>",
        100 + n
    );
    let bottom = format!(
        "<aside class=\"sidebar\"><h3>Most read</h3><ol>{rotated}</ol></aside>\
         <div class=\"ad-slot\" id=\"ad-{n}\"><a href=\"/ad/{n}\">Winter tyres, {n}0% off</a></div>\
         <footer><ul>{rotated}</ul></footer>\
         <script nonce=\"n{n}\">window.__STATE__ = {{\"session\":\"s{n}\"}};</script>"
    );
    let lower = html.to_ascii_lowercase();
    let after_body = lower
        .find("<body")
        .and_then(|i| lower[i..].find('>').map(|j| i + j + 1))
        .unwrap_or(0);
    let before_end = lower.rfind("</body>").unwrap_or(html.len()).max(after_body);
    let nonced = |s: &str| s.replace("<script", &format!("<script data-nonce=\"z{n}\""));
    format!(
        "{}{top}{}{bottom}{}",
        nonced(&html[..after_body]),
        nonced(&html[after_body..before_end]),
        &html[before_end..]
    )
}

fn fields(a: &Article) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        &a.title,
        &a.bylines,
        &a.published,
        &a.modified,
        &a.lead,
        &a.corrections,
        &a.body,
    )
}

#[test]
fn every_dev_page_keeps_its_fields_when_the_furniture_churns() {
    let Some(bench) = bench() else { return };
    let pages = pages(&bench);
    assert!(pages.len() >= 580, "{} pages found", pages.len());
    let mut moved = Vec::new();
    for (name, html) in &pages {
        let (Ok(one), Ok(two)) = (extract(&churn(html, 1)), extract(&churn(html, 2))) else {
            continue;
        };
        if fields(&one) != fields(&two) {
            moved.push(format!(
                "{name}: {:?}\n  vs {:?}",
                fields(&one),
                fields(&two)
            ));
        }
    }
    assert!(
        moved.is_empty(),
        "{} of {} pages changed with the furniture:\n{}",
        moved.len(),
        pages.len(),
        moved.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
}

//! Fuzz targets on stable Rust: proptest-driven byte generators for the
//! extractor, the charset decoder, the feed parser, the diff engine and
//! `import`. Each target must return (a value or an error), never panic and
//! never hang.
//!
//! Every run replays the corpus in `tests/fuzz-corpus/TARGET/` (inputs that
//! once found a bug, and seeds that reach deep paths), then tries
//! `REDLINE_FUZZ_CASES` generated inputs per target (default 64). A long run,
//! each target for ten minutes:
//! `REDLINE_FUZZ_SECS=600 cargo test --release --test fuzz -- --nocapture`
//! prints each target's case count, time and slowest case.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use redline::diff::{DiffOptions, diff_articles};
use redline::extract::Article;

fn cases() -> u32 {
    std::env::var("REDLINE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Pieces of HTML that reach the extractor's corners, joined at random with
/// random bytes between them.
fn html_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"<div>".to_vec()),
        Just(b"</div>".to_vec()),
        Just(b"<p>".to_vec()),
        Just(b"</p>".to_vec()),
        Just(b"<article><h1>".to_vec()),
        Just(
            b"<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\""
                .to_vec()
        ),
        Just(b"\"}</script>".to_vec()),
        Just(
            b"<meta property=\"article:published_time\" content=\"2026-02-30T25:61:00+99:00\">"
                .to_vec()
        ),
        Just(b"<meta charset=\"shift_jis\">".to_vec()),
        Just(b"<time datetime=\"".to_vec()),
        Just(b"<noscript>".to_vec()),
        Just(b"<!--".to_vec()),
        Just(b"-->".to_vec()),
        Just(b"<table><tr><td>".to_vec()),
        Just(b"<a href=\"javascript:x\">".to_vec()),
        Just(b"&#x110000;&amp;&lt;&#0;".to_vec()),
        Just(b"\xef\xbb\xbf".to_vec()),
        Just(b"\xff\xfe\x00<".to_vec()),
        "[a-zA-Z .,\u{e9}\u{201c}\u{4e2d}]{0,40}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..24),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// Runs `check` on the corpus, then on `cases()` generated inputs, timing each.
fn fuzz<S: Strategy>(target: &str, strategy: S, check: impl Fn(&S::Value) + Clone)
where
    S::Value: std::fmt::Debug,
{
    let started = Instant::now();
    // With REDLINE_FUZZ_SECS, rounds of fresh cases until the time is up.
    let budget = std::env::var("REDLINE_FUZZ_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_secs);
    let slow = std::cell::Cell::new(Duration::ZERO);
    let mut total = 0u64;
    let mut round = 0u64;
    loop {
        let mut runner = TestRunner::new_with_rng(
            Config {
                cases: cases(),
                failure_persistence: None,
                ..Config::default()
            },
            proptest::test_runner::TestRng::from_seed(
                proptest::test_runner::RngAlgorithm::ChaCha,
                &[round as u8; 32].map(|b| b ^ (round >> 8) as u8),
            ),
        );
        let check = check.clone();
        runner
            .run(&strategy, |v| {
                let t = Instant::now();
                check(&v);
                slow.set(slow.get().max(t.elapsed()));
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        total += u64::from(cases());
        round += 1;
        if budget.is_none_or(|b| started.elapsed() >= b) {
            break;
        }
    }
    eprintln!(
        "fuzz {target}: {total} cases in {:.1?}, slowest {:.1?}",
        started.elapsed(),
        slow.get()
    );
}

fn extract_target(bytes: &[u8]) {
    let (html, _) = redline::fetch::charset::decode(bytes, Some("text/html"));
    if let Ok(a) = redline::extract::extract(&html) {
        // What extraction gives is fit to store and diff.
        let _ = serde_json::to_vec(&a).unwrap();
        let _ = redline::fingerprint::fingerprint(&a);
    }
}

#[test]
fn fuzz_extract() {
    for (path, bytes) in corpus("extract") {
        let t = Instant::now();
        extract_target(&bytes);
        eprintln!("replayed {} in {:.1?}", path.display(), t.elapsed());
    }
    fuzz("extract", html_bytes(), |b| extract_target(b));
}

fn charset_target(bytes: &[u8], content_type: &str) {
    let (text, enc) = redline::fetch::charset::decode(bytes, Some(content_type));
    let (owned, enc2) = redline::fetch::charset::decode_owned(bytes.to_vec(), Some(content_type));
    assert_eq!(enc.name(), enc2.name());
    assert_eq!(text, owned);
    let _ = redline::fetch::charset::binary(bytes, enc);
}

#[test]
fn fuzz_charset() {
    for (_, bytes) in corpus("charset") {
        for ct in [
            "text/html",
            "text/html; charset=utf-16le",
            "text/html; charset=x-none",
            "text/html; charset=\"shift_jis",
        ] {
            charset_target(&bytes, ct);
        }
    }
    let content_type = prop_oneof![
        Just("text/html".to_owned()),
        "text/html; charset=[a-zA-Z0-9_\"-]{0,16}",
    ];
    fuzz("charset", (html_bytes(), content_type), |(b, ct)| {
        charset_target(b, ct)
    });
}

fn feed_target(bytes: &[u8]) {
    let base = url::Url::parse("https://news.example/feed").unwrap();
    let _ = redline::feeds::parse(bytes, &base);
}

#[test]
fn fuzz_feeds() {
    for (_, bytes) in corpus("feeds") {
        feed_target(&bytes);
    }
    let feedish = proptest::collection::vec(
        prop_oneof![
            Just(b"<?xml version=\"1.0\"?><rss><channel><item><link>".to_vec()),
            Just(b"</link></item>".to_vec()),
            Just(b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><link href=\"".to_vec()),
            Just(b"<urlset><url><loc>".to_vec()),
            Just(b"<sitemapindex><sitemap><loc>".to_vec()),
            Just(
                b"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"url\":\""
                    .to_vec()
            ),
            Just(b"\"}]}".to_vec()),
            "[a-z:/.?=&%]{0,30}".prop_map(String::into_bytes),
            proptest::collection::vec(any::<u8>(), 0..16),
        ],
        0..30,
    )
    .prop_map(|v| v.concat());
    fuzz("feeds", feedish, |b| feed_target(b));
}

fn article(paragraphs: &[String], title: &str) -> Article {
    Article {
        title: Some(title.to_owned()),
        body: paragraphs
            .iter()
            .map(|p| redline::extract::text::squash(p))
            .filter(|p| !p.is_empty())
            .collect(),
        ..Article::default()
    }
}

fn diff_target(a: &Article, b: &Article) {
    let d = diff_articles(a, b, &DiffOptions::default());
    let same = diff_articles(a, a, &DiffOptions::default());
    assert_eq!(same.stats.words_added + same.stats.words_removed, 0);
    let _ = serde_json::to_string(&d).unwrap();
}

#[test]
fn fuzz_diff() {
    for (_, bytes) in corpus("diff") {
        let text = String::from_utf8_lossy(&bytes);
        let (a, b) = text.split_once("\n----\n").unwrap_or((&text, ""));
        let paras = |s: &str| s.split("\n\n").map(str::to_owned).collect::<Vec<_>>();
        diff_target(&article(&paras(a), "a"), &article(&paras(b), "b"));
    }
    let words = "(the|a|council|river|\u{e9}t\u{e9}|\u{4e2d}\u{6587}|[0-9]{1,3}|[.,;!?]|\u{2029}|[a-z]{1,8})";
    let para = proptest::collection::vec(words, 0..40).prop_map(|w| w.join(" "));
    let text = proptest::collection::vec(para, 0..12);
    fuzz("diff", (text.clone(), text), |(a, b)| {
        diff_target(&article(a, "x"), &article(b, "y"))
    });
}

fn import_target(dir: &Path, bytes: &[u8]) {
    let file = dir.join("in.jsonl");
    std::fs::write(&file, bytes).unwrap();
    let db = dir.join("fuzz.db");
    let mut store = redline::store::Store::open(&db).unwrap();
    if redline::export::import::import(&mut store, &file).is_err() {
        // A refused file leaves the database as it was: empty.
        assert!(store.articles().unwrap().is_empty());
    }
    assert!(store.verify().unwrap().problems.is_empty());
    drop(store);
    let _ = std::fs::remove_file(&db);
}

#[test]
fn fuzz_import() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus("import");
    for (_, bytes) in &corpus {
        import_target(dir.path(), bytes);
    }
    // Mutations of the corpus's valid exports: bytes flipped, lines cut,
    // duplicated or swapped.
    let seeds: Vec<Vec<u8>> = corpus.into_iter().map(|(_, b)| b).collect();
    let mutated = (
        0..seeds.len(),
        proptest::collection::vec((any::<u16>(), any::<u8>(), 0u8..4), 1..6),
    )
        .prop_map(move |(i, edits)| {
            let mut lines: Vec<Vec<u8>> = seeds[i]
                .split(|b| *b == b'\n')
                .map(<[u8]>::to_vec)
                .collect();
            for (at, byte, kind) in edits {
                if lines.is_empty() {
                    break;
                }
                let n = lines.len();
                let l = at as usize % n;
                match kind {
                    0 if !lines[l].is_empty() => {
                        let k = at as usize % lines[l].len();
                        lines[l][k] = byte;
                    }
                    1 => {
                        lines.truncate(l);
                    }
                    2 => {
                        let copy = lines[l].clone();
                        lines.insert(l, copy);
                    }
                    _ => lines.swap(l, (l + 1) % n),
                }
            }
            lines.join(&b'\n')
        });
    fuzz("import", mutated, |b| import_target(dir.path(), b));
}

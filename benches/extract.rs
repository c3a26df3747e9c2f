//! Extraction speed on the real pages of `../shared/bench/extract/`: time per
//! page (parse + extract, best of several runs), the slowest page, and pages per
//! second over the whole set. Quality (F1) is measured by `benches/extract.sh`.
//!
//!     cargo bench --bench extract

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/extract/data/html");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "skipped: {} not found (../shared beside the checkout)",
            dir.display()
        );
        return;
    };
    let mut pages: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("readable page");
            let (html, _) = redline::fetch::charset::decode(&bytes, None);
            (e.file_name().to_string_lossy().into_owned(), html)
        })
        .collect();
    pages.sort();
    const RUNS: usize = 5;
    let mut per_page: Vec<(Duration, &str)> = Vec::new();
    let mut parse = Duration::ZERO;
    let mut words = 0;
    for (name, html) in &pages {
        let (mut best, mut best_parse) = (Duration::MAX, Duration::MAX);
        for _ in 0..RUNS {
            let t = Instant::now();
            let a = std::hint::black_box(redline::extract::extract(html));
            best = best.min(t.elapsed());
            words = a.map_or(0, |a| a.word_count());
            // Parsing alone, for what extraction adds on top of one parse.
            let t = Instant::now();
            std::hint::black_box(scraper::Html::parse_document(html));
            best_parse = best_parse.min(t.elapsed());
        }
        per_page.push((best, name));
        parse += best_parse;
    }
    std::hint::black_box(words);
    per_page.sort();
    let total: Duration = per_page.iter().map(|(d, _)| *d).sum();
    let n = per_page.len();
    let (slowest, slowest_name) = per_page[n - 1];
    println!("pages:            {n}");
    println!(
        "median per page:  {:.2} ms",
        per_page[n / 2].0.as_secs_f64() * 1e3
    );
    println!(
        "slowest page:     {:.2} ms ({slowest_name})",
        slowest.as_secs_f64() * 1e3
    );
    println!(
        "pages per second: {:.0} (one core, parse + extract)",
        n as f64 / total.as_secs_f64()
    );

    println!(
        "parse only:       {:.0} pages per second; extraction costs {:.2}x one parse",
        n as f64 / parse.as_secs_f64(),
        total.as_secs_f64() / parse.as_secs_f64()
    );
}

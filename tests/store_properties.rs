//! A property of the store: any sequence of track / edit / check / untrack /
//! delete / takedown / reextract / gc / export-and-import leaves a database
//! that `verify` accepts (every blob, every stored diff, count, class and
//! revert link agrees with the texts), and so does the database an export of
//! it imports into.

use proptest::prelude::*;
use redline::export::{self, Filter, Format, Options};
use redline::fetch::{FetchPolicy, Fetcher};
use redline::serve::{Route, Server};
use redline::store::{GcRules, Pace, Store};
use redline::tracker::{Tracker, TrackerOptions};

const PAGES: usize = 3;

#[derive(Debug, Clone)]
enum Op {
    Track(usize),
    /// Serve version `v` of page `i` (versions 0 and 3 are the same text, so
    /// going back to it is a revert).
    Edit(usize, usize),
    Check,
    Untrack(usize),
    Delete(usize),
    /// The page answers 404.
    Gone(usize),
    Reextract(usize),
    Gc(usize),
    RoundTrip,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..PAGES).prop_map(Op::Track),
        4 => (0..PAGES, 0..4usize).prop_map(|(i, v)| Op::Edit(i, v)),
        4 => Just(Op::Check),
        1 => (0..PAGES).prop_map(Op::Untrack),
        1 => (0..PAGES).prop_map(Op::Delete),
        1 => (0..PAGES).prop_map(Op::Gone),
        1 => (0..PAGES).prop_map(Op::Reextract),
        1 => (1..3usize).prop_map(Op::Gc),
        1 => Just(Op::RoundTrip),
    ]
}

const SENTENCES: [&str; 4] = [
    "The river authority opened the northern sluice gates on Friday morning.",
    "Farmers along the lower valley said their fields had flooded overnight.",
    "An engineer said the town bridge would stay closed until the water fell.",
    "The council will meet on Monday to discuss compensation for the farms.",
];

fn page(i: usize, v: usize) -> String {
    let v = v % 3;
    let mut paras: Vec<String> = SENTENCES
        .iter()
        .map(|s| format!("{s} Story {i}."))
        .collect();
    if v >= 1 {
        paras[1] = format!("Farmers said version {v} of the story changed a sentence, page {i}.");
    }
    if v == 2 {
        paras.swap(0, 3);
    }
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
    let title = if v == 2 { "Gates opened" } else { "Gates open" };
    format!(
        "<!DOCTYPE html><html><head><title>{title} {i}</title></head><body>\
         <article><h1>{title} {i}</h1>{body}</article></body></html>"
    )
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let server = Server::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("p.db")).unwrap();
    let fetcher = Fetcher::new(FetchPolicy {
        host_delay: std::time::Duration::ZERO,
        retries: 0,
        robots: false,
        ..FetchPolicy::default()
    })
    .unwrap();
    let opts = TrackerOptions::default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = |i: usize| server.url(&format!("/p/{i}"));
    for i in 0..PAGES {
        server.set(&format!("/p/{i}"), Route::html(page(i, 0)));
    }
    let find = |store: &Store, i: usize| store.article_by_url(&url(i)).unwrap();
    let mut exports = 0;
    for op in ops {
        match *op {
            Op::Track(i) => {
                let u = url::Url::parse(&url(i)).unwrap();
                rt.block_on(
                    Tracker::new(&mut store, fetcher.clone(), opts.clone()).track(
                        &[u],
                        None,
                        &Pace::default(),
                    ),
                )
                .unwrap();
            }
            Op::Edit(i, v) => server.set(&format!("/p/{i}"), Route::html(page(i, v))),
            Op::Gone(i) => server.set(&format!("/p/{i}"), Route::status(404)),
            Op::Check => {
                let all = store.articles().unwrap();
                rt.block_on(Tracker::new(&mut store, fetcher.clone(), opts.clone()).check(&all))
                    .unwrap();
            }
            Op::Untrack(i) => {
                if let Some(a) = find(&store, i) {
                    store.untrack(a.id, "2026-01-01T00:00:00Z").unwrap();
                }
            }
            Op::Delete(i) => {
                if let Some(a) = find(&store, i) {
                    store.delete_article(a.id).unwrap();
                }
            }
            Op::Reextract(i) => {
                if let Some(a) = find(&store, i) {
                    redline::tracker::reextract(&mut store, &a, &opts).unwrap();
                }
            }
            Op::Gc(n) => {
                let rules = GcRules {
                    keep_last: Some(n),
                    keep_since: None,
                    min_saving: 0.0,
                };
                store.gc(&rules, false).unwrap();
            }
            Op::RoundTrip => {
                exports += 1;
                let file = dir.path().join(format!("e{exports}.jsonl"));
                let selected =
                    export::select(&store, store.articles().unwrap(), &Filter::default()).unwrap();
                let options = Options {
                    with_raw: true,
                    force: false,
                };
                export::export(&store, &selected, Format::Jsonl, &file, &options).unwrap();
                // Into a fresh database, and into this one (all present).
                let mut other = Store::open(&dir.path().join(format!("o{exports}.db"))).unwrap();
                export::import::import(&mut other, &file).unwrap();
                let problems = other.verify().unwrap().problems;
                prop_assert!(
                    problems.is_empty(),
                    "imported copy: {problems:?} after {ops:?}"
                );
                export::import::import(&mut store, &file).unwrap();
            }
        }
        let problems = store.verify().unwrap().problems;
        prop_assert!(problems.is_empty(), "{problems:?} after {op:?} in {ops:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("REDLINE_STORE_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_sequence_of_operations_leaves_a_database_verify_accepts(
        ops in proptest::collection::vec(op(), 1..14)
    ) {
        run(&ops)?;
    }
}

//! Builds a large redline database for the search benchmark
//! (`benches/search.sh`): N articles of 12 paragraphs each, with three
//! revisions each (the second edits one paragraph, the third adds one), the
//! words drawn from a fixed vocabulary by a fixed seed so every run builds
//! the same database. Article 7's second revision holds the phrase "no
//! further faults", removed by its third.
//!
//!     cargo run --release --example search_db -- --db PATH --articles 100000

use redline::diff::derive::revision_classes;
use redline::diff::{DiffOptions, diff_articles};
use redline::extract::Article;
use redline::fingerprint::fingerprint;
use redline::store::{NewCheck, NewRevision, Outcome, Pace, Store};

const WORDS: &[&str] = &[
    "council",
    "bridge",
    "river",
    "ferry",
    "harbour",
    "minister",
    "report",
    "budget",
    "school",
    "hospital",
    "road",
    "storm",
    "court",
    "police",
    "market",
    "station",
    "vote",
    "inquiry",
    "company",
    "workers",
    "union",
    "strike",
    "flood",
    "village",
    "mayor",
    "plan",
    "engineers",
    "inspection",
    "timetable",
    "residents",
    "said",
    "would",
    "after",
    "before",
    "during",
    "between",
    "against",
    "the",
    "a",
    "of",
    "to",
    "in",
    "on",
    "and",
    "for",
    "with",
    "was",
    "were",
    "has",
    "had",
    "will",
    "not",
    "new",
    "old",
    "last",
    "next",
    "week",
    "month",
    "year",
    "million",
    "pounds",
    "euros",
    "people",
    "families",
    "spokesperson",
    "statement",
    "closed",
    "opened",
    "delayed",
    "approved",
    "rejected",
    "announced",
    "confirmed",
    "denied",
    "warned",
];

/// A small fixed-seed generator (xorshift), so every run builds the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut s: Vec<&str> = (0..words)
            .map(|_| WORDS[(self.next() % WORDS.len() as u64) as usize])
            .collect();
        let first = s[0].to_owned();
        let mut cap = first[..1].to_uppercase();
        cap.push_str(&first[1..]);
        s[0] = &cap;
        let mut out = s.join(" ");
        out.push('.');
        out
    }

    fn paragraph(&mut self) -> String {
        (0..3)
            .map(|_| self.sentence(14))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let db = arg("--db").expect("--db PATH");
    let n: usize = arg("--articles").map_or(10_000, |v| v.parse().expect("--articles N"));
    let mut store = Store::open(std::path::Path::new(&db)).expect("open the database");
    let urls: Vec<String> = (0..n)
        .map(|i| format!("https://news.example/a/{i}"))
        .collect();
    let rows = store
        .add_articles(&urls, None, &Pace::default(), "2026-03-01T00:00:00.000Z")
        .expect("add articles");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (i, (row, _)) in rows.iter().enumerate() {
        let first = Article {
            title: Some(rng.sentence(8)),
            body: (0..12).map(|_| rng.paragraph()).collect(),
            ..Article::default()
        };
        let mut second = first.clone();
        second.body[3] = if i == 7 {
            "Engineers found no further faults in the gates.".to_owned()
        } else {
            rng.paragraph()
        };
        let mut third = second.clone();
        if i == 7 {
            third.body[3] = rng.paragraph();
        }
        third.body.push(rng.paragraph());
        let versions = [first, second, third];
        for (k, article) in versions.iter().enumerate() {
            let at = format!("2026-03-0{}T{:02}:00:00.000Z", k + 1, i % 24);
            let diff = k
                .checked_sub(1)
                .map(|p| diff_articles(&versions[p], article, &DiffOptions::default()));
            let raw = format!(
                "<html><body><p>{}</p></body></html>",
                article.body.join("</p><p>")
            );
            let check = NewCheck {
                article_id: row.id,
                checked_at: at.clone(),
                http_status: Some(200),
                outcome: if k == 0 {
                    Outcome::First
                } else {
                    Outcome::Changed
                },
                duration_ms: 1,
                error: None,
                fingerprint: None,
                schedule: None,
                etag: None,
                last_modified: None,
                final_url: Some(row.url.clone()),
                canonical_url: None,
            };
            let classes = revision_classes(diff.as_ref(), false, false);
            store
                .record_revision(
                    &NewRevision {
                        captured_at: at,
                        fingerprint: fingerprint(article),
                        raw: raw.as_bytes(),
                        article,
                        final_url: row.url.clone(),
                        http_status: 200,
                        headers: &[],
                        request_headers: &[],
                        encoding: "UTF-8",
                        revert_of: None,
                        diff: diff.as_ref(),
                        classes: &classes,
                    },
                    &check,
                )
                .expect("record a revision");
        }
    }
}

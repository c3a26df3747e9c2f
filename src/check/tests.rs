//! The decision table: every outcome of a check against an in-memory past.
//!
//! `MemoryPrior` is strict, after jj's test backend: asking it for something
//! the past does not hold (the article of a revision that does not exist) is
//! an error, not a default, so a decision that reads what it should not fails
//! here. It also counts reads, to hold the decision to reading lazily.

use super::*;

/// An article's past: its revisions (article, raw size, classes) and its
/// last check.
#[derive(Default)]
struct MemoryPrior {
    revisions: Vec<(Article, u64, Vec<Class>)>,
    last_check: Option<(Outcome, Option<String>)>,
    latest: Option<Latest>,
    /// What today's rules read on the latest revision's page; by default
    /// what was recorded (the rules did not change).
    reread: Option<Article>,
    reads: usize,
}

#[derive(Debug, PartialEq)]
struct Missing(&'static str);

impl MemoryPrior {
    fn with(revisions: &[(&Article, u64, &[&str])]) -> Self {
        let mut p = MemoryPrior::default();
        for (a, size, classes) in revisions {
            p.push(
                (*a).clone(),
                *size,
                classes
                    .iter()
                    .map(|c| Class::parse(c).expect("a class name"))
                    .collect(),
            );
        }
        p
    }

    fn push(&mut self, a: Article, size: u64, classes: Vec<Class>) {
        self.revisions.push((a, size, classes));
        let (a, _, classes) = self.revisions.last().unwrap();
        self.latest = Some(Latest {
            rev: self.revisions.len() as i64,
            fingerprint: fingerprint(a),
            title: a.title.clone(),
            classes: classes.clone(),
        });
    }

    /// What the store does with a decision, inside its transaction: a
    /// revision whose text is already the latest is refused (`false`).
    fn record(&mut self, d: &Decision, page: &Article, size: u64) -> bool {
        match d {
            Decision::Check {
                outcome,
                fingerprint,
                ..
            } => {
                self.last_check = Some((*outcome, fingerprint.clone()));
                true
            }
            Decision::Revision(t) => {
                if self
                    .latest
                    .as_ref()
                    .is_some_and(|l| l.fingerprint == t.fingerprint)
                {
                    return false;
                }
                let a = if t.outcome == Outcome::Takedown {
                    Article::default()
                } else {
                    page.clone()
                };
                self.push(a, size, t.classes.clone());
                self.last_check = Some((t.outcome, None));
                true
            }
            Decision::Reread => {
                let again = self.reread.take().expect("a reread was decided on");
                let (_, size, classes) = self.revisions.pop().expect("a latest revision");
                self.push(again, size, classes);
                self.last_check = Some((Outcome::Unchanged, None));
                true
            }
        }
    }
}

impl Prior for MemoryPrior {
    type Error = Missing;

    fn latest(&self) -> Option<&Latest> {
        self.latest.as_ref()
    }

    fn previous_article(&mut self) -> Result<Article, Missing> {
        self.reads += 1;
        self.revisions
            .last()
            .map(|(a, ..)| a.clone())
            .ok_or(Missing("previous article"))
    }

    fn previous_raw_size(&mut self) -> Result<u64, Missing> {
        self.reads += 1;
        self.revisions
            .last()
            .map(|(_, s, _)| *s)
            .ok_or(Missing("previous raw page"))
    }

    fn last_check(&mut self) -> Result<Option<(Outcome, Option<String>)>, Missing> {
        self.reads += 1;
        Ok(self.last_check.clone())
    }

    fn latest_reread(&mut self) -> Result<Option<Article>, Missing> {
        self.reads += 1;
        match &self.reread {
            Some(a) => Ok(Some(a.clone())),
            None => self.previous_article().map(Some),
        }
    }

    fn revision_with_fingerprint(&mut self, fp: &str) -> Result<Option<i64>, Missing> {
        self.reads += 1;
        Ok(self
            .revisions
            .iter()
            .rposition(|(a, ..)| fingerprint(a) == fp)
            .map(|i| i as i64 + 1))
    }
}

const RULES: Rules<'static> = Rules {
    url: "https://news.example/a",
    diff: DiffOptions {
        timeout: None,
        by: crate::diff::Granularity::Word,
    },
};

fn story(title: &str, words: usize, edit: &str) -> Article {
    let mut body: Vec<String> = (0..words / 10)
        .map(|i| format!("Paragraph {i} of the report says the river rose again overnight."))
        .collect();
    if let Some(first) = body.first_mut() {
        first.push_str(edit);
    }
    Article {
        title: Some(title.to_owned()),
        body,
        ..Article::default()
    }
}

fn page(a: &Article, raw_size: u64) -> Fetched<'_> {
    Fetched::Page {
        article: a,
        raw_size,
    }
}

/// One row of the table: a past, what the fetch brought, what must be decided.
struct Row {
    name: &'static str,
    past: Vec<(Article, u64, Vec<&'static str>)>,
    last_check: Option<(Outcome, Option<String>)>,
    fetched: Box<dyn Fn(&Article) -> Fetched<'_>>,
    now: Article,
    outcome: Outcome,
    revision: bool,
    expect: Box<dyn Fn(&Decision)>,
}

#[test]
fn every_outcome_of_a_check() {
    let v1 = story("Gates open", 100, "");
    let v2 = story("Gates open", 100, " Two farms flooded.");
    let short = story("Gates open", 20, "");
    let empty = Article::default();
    let alarm_fp = fingerprint(&short);
    let rows = vec![
        Row {
            name: "first",
            past: vec![],
            last_check: None,
            fetched: Box::new(|a| page(a, 9000)),
            now: v1.clone(),
            outcome: Outcome::First,
            revision: true,
            expect: Box::new(|d| {
                let Decision::Revision(t) = d else { panic!() };
                assert_eq!(
                    (t.diff.as_ref(), t.revert_of, t.classes.len()),
                    (None, None, 0)
                );
            }),
        },
        Row {
            name: "no text on a first fetch",
            past: vec![],
            last_check: None,
            fetched: Box::new(|a| page(a, 9000)),
            now: empty.clone(),
            outcome: Outcome::Failed,
            revision: false,
            expect: Box::new(|d| {
                let Decision::Check { error, .. } = d else {
                    panic!()
                };
                assert!(
                    error
                        .as_deref()
                        .unwrap()
                        .ends_with("no article text found on the page")
                );
            }),
        },
        Row {
            name: "unchanged",
            past: vec![(v1.clone(), 9000, vec![])],
            last_check: None,
            fetched: Box::new(|a| page(a, 9100)),
            now: v1.clone(),
            outcome: Outcome::Unchanged,
            revision: false,
            expect: Box::new(|_| {}),
        },
        Row {
            name: "not modified",
            past: vec![(v1.clone(), 9000, vec![])],
            last_check: None,
            fetched: Box::new(|_| Fetched::NotModified),
            now: v1.clone(),
            outcome: Outcome::NotModified,
            revision: false,
            expect: Box::new(|_| {}),
        },
        Row {
            name: "changed",
            past: vec![(v1.clone(), 9000, vec![])],
            last_check: None,
            fetched: Box::new(|a| page(a, 9050)),
            now: v2.clone(),
            outcome: Outcome::Changed,
            revision: true,
            expect: Box::new(|d| {
                let Decision::Revision(t) = d else { panic!() };
                let diff = t.diff.as_ref().unwrap();
                assert_eq!((diff.stats.words_added, diff.stats.words_removed), (3, 0));
                assert_eq!(t.revert_of, None);
            }),
        },
        Row {
            name: "revert",
            past: vec![
                (v1.clone(), 9000, vec![]),
                (v2.clone(), 9050, vec!["wording"]),
            ],
            last_check: None,
            fetched: Box::new(|a| page(a, 9000)),
            now: v1.clone(),
            outcome: Outcome::Revert,
            revision: true,
            expect: Box::new(|d| {
                let Decision::Revision(t) = d else { panic!() };
                assert_eq!(t.revert_of, Some(1));
                assert!(t.classes.contains(&Class::Revert), "{:?}", t.classes);
            }),
        },
        Row {
            name: "alarm, unconfirmed",
            past: vec![(v1.clone(), 9000, vec![])],
            last_check: Some((Outcome::Unchanged, None)),
            fetched: Box::new(|a| page(a, 8800)),
            now: short.clone(),
            outcome: Outcome::Alarm,
            revision: false,
            expect: Box::new({
                let fp = alarm_fp.clone();
                move |d| {
                    let Decision::Check {
                        fingerprint, error, ..
                    } = d
                    else {
                        panic!()
                    };
                    assert_eq!(fingerprint.as_deref(), Some(fp.as_str()));
                    assert!(error.as_deref().unwrap().contains("about the same size"));
                }
            }),
        },
        Row {
            name: "alarm, confirmed by a second check",
            past: vec![(v1.clone(), 9000, vec![])],
            last_check: Some((Outcome::Alarm, Some(alarm_fp.clone()))),
            fetched: Box::new(|a| page(a, 8800)),
            now: short.clone(),
            outcome: Outcome::Changed,
            revision: true,
            expect: Box::new(|_| {}),
        },
        Row {
            name: "alarm: a much smaller page (a consent wall)",
            past: vec![(v1.clone(), 90_000, vec![])],
            last_check: None,
            fetched: Box::new(|a| page(a, 4000)),
            now: short.clone(),
            outcome: Outcome::Alarm,
            revision: false,
            expect: Box::new(|d| {
                let Decision::Check { error, .. } = d else {
                    panic!()
                };
                assert!(error.as_deref().unwrap().contains("consent wall"));
            }),
        },
        Row {
            name: "gone, never seen",
            past: vec![],
            last_check: None,
            fetched: Box::new(|_| Fetched::Gone {
                status: 410,
                final_url: "https://example.test/gone",
            }),
            now: empty.clone(),
            outcome: Outcome::Failed,
            revision: false,
            expect: Box::new(|d| {
                let Decision::Check { error, hint, .. } = d else {
                    panic!()
                };
                assert_eq!(
                    error.as_deref(),
                    Some("https://news.example/a: HTTP 410 Gone")
                );
                assert!(hint.unwrap().starts_with("the page is gone"));
            }),
        },
        Row {
            name: "redirected to a section front, never seen",
            past: vec![],
            last_check: None,
            fetched: Box::new(|_| Fetched::Gone {
                status: 200,
                final_url: "https://user:pw@news.example/world/?from=a",
            }),
            now: empty.clone(),
            outcome: Outcome::Failed,
            revision: false,
            expect: Box::new(|d| {
                let Decision::Check { error, .. } = d else {
                    panic!()
                };
                assert_eq!(
                    error.as_deref(),
                    Some(
                        "https://news.example/a: redirected to \
                         https://user:***@news.example/world/?from=a, a page above it (a section front or the home page), not an article"
                    )
                );
            }),
        },
        Row {
            name: "takedown",
            past: vec![(v1.clone(), 9000, vec![])],
            last_check: None,
            fetched: Box::new(|_| Fetched::Gone {
                status: 404,
                final_url: "https://example.test/gone",
            }),
            now: empty.clone(),
            outcome: Outcome::Takedown,
            revision: true,
            expect: Box::new(|d| {
                let Decision::Revision(t) = d else { panic!() };
                assert_eq!(t.classes, [Class::Takedown]);
                assert_eq!(t.diff.as_ref().unwrap().stats.words_added, 0);
            }),
        },
        Row {
            name: "still gone",
            past: vec![
                (v1.clone(), 9000, vec![]),
                (empty.clone(), 300, vec!["takedown"]),
            ],
            last_check: None,
            fetched: Box::new(|_| Fetched::Gone {
                status: 404,
                final_url: "https://example.test/gone",
            }),
            now: empty.clone(),
            outcome: Outcome::Unchanged,
            revision: false,
            expect: Box::new(|_| {}),
        },
        Row {
            name: "back after a takedown: a revert",
            past: vec![
                (v1.clone(), 9000, vec![]),
                (empty.clone(), 300, vec!["takedown"]),
            ],
            last_check: None,
            fetched: Box::new(|a| page(a, 9000)),
            now: v1.clone(),
            outcome: Outcome::Revert,
            revision: true,
            expect: Box::new(|d| {
                let Decision::Revision(t) = d else { panic!() };
                assert_eq!(t.revert_of, Some(1));
            }),
        },
        Row {
            name: "failed",
            past: vec![(v1.clone(), 9000, vec![])],
            last_check: None,
            fetched: Box::new(|_| Fetched::Failed {
                error: "https://news.example/a: HTTP 503 Service Unavailable",
                hint: Some("the server failed"),
            }),
            now: v1.clone(),
            outcome: Outcome::Failed,
            revision: false,
            expect: Box::new(|d| {
                let Decision::Check { error, .. } = d else {
                    panic!()
                };
                assert!(error.as_deref().unwrap().contains("HTTP 503"));
            }),
        },
    ];
    for row in rows {
        let past: Vec<(&Article, u64, &[&str])> = row
            .past
            .iter()
            .map(|(a, s, c)| (a, *s, c.as_slice()))
            .collect();
        let mut prior = MemoryPrior::with(&past);
        prior.last_check = row.last_check.clone();
        let fetched = (row.fetched)(&row.now);
        let d = decide(&fetched, &mut prior, &RULES)
            .unwrap_or_else(|e| panic!("{}: the decision read {e:?}", row.name));
        assert_eq!(d.outcome(), row.outcome, "{}: {d:?}", row.name);
        assert_eq!(
            matches!(d, Decision::Revision(_)),
            row.revision,
            "{}",
            row.name
        );
        (row.expect)(&d);
    }
}

#[test]
fn an_unchanged_page_reads_nothing_but_the_latest_revision() {
    let v1 = story("Gates open", 100, "");
    let mut prior = MemoryPrior::with(&[(&v1, 9000, &[])]);
    let d = decide(&page(&v1, 9000), &mut prior, &RULES).unwrap();
    assert_eq!(d.outcome(), Outcome::Unchanged);
    assert_eq!(prior.reads, 0);
    let d = decide(&Fetched::NotModified, &mut prior, &RULES).unwrap();
    assert_eq!(d.outcome(), Outcome::NotModified);
    assert_eq!(prior.reads, 0);
}

#[test]
fn two_passes_that_decide_the_same_text_record_it_once() {
    // Both passes read the past before either wrote: both decide "changed";
    // the store, re-checking the latest text inside its transaction, takes
    // the first and refuses the second.
    let v1 = story("Gates open", 100, "");
    let v2 = story("Gates open", 100, " Two farms flooded.");
    let mut store = MemoryPrior::with(&[(&v1, 9000, &[])]);
    let mut seen_by_a = MemoryPrior::with(&[(&v1, 9000, &[])]);
    let mut seen_by_b = MemoryPrior::with(&[(&v1, 9000, &[])]);
    let a = decide(&page(&v2, 9050), &mut seen_by_a, &RULES).unwrap();
    let b = decide(&page(&v2, 9050), &mut seen_by_b, &RULES).unwrap();
    assert_eq!(a, b);
    assert!(store.record(&a, &v2, 9050));
    assert!(!store.record(&b, &v2, 9050), "the same text twice");
    assert_eq!(store.revisions.len(), 2);
    // A third pass that reads the past now finds nothing new.
    let c = decide(&page(&v2, 9050), &mut store, &RULES).unwrap();
    assert_eq!(c.outcome(), Outcome::Unchanged);
}

#[test]
fn a_strict_past_refuses_what_it_does_not_hold() {
    let mut prior = MemoryPrior::default();
    assert_eq!(prior.previous_article(), Err(Missing("previous article")));
    assert_eq!(prior.previous_raw_size(), Err(Missing("previous raw page")));
}

#[test]
fn new_rules_reading_the_same_page_are_not_an_edit() {
    // Recorded as v1; today's rules read the stored page as v2, and the
    // page fetched now reads as v2 too: the publisher changed nothing.
    let v1 = story("Gates open", 100, "");
    let mut v2 = v1.clone();
    v2.body.pop(); // a house plug today's rules remove
    v2.byline = Some("Ana Berg".into());
    let mut past = MemoryPrior::with(&[(&v1, 9000, &[])]);
    past.reread = Some(v2.clone());
    let d = decide(&page(&v2, 9100), &mut past, &RULES).unwrap();
    assert_eq!(d, Decision::Reread);
    assert_eq!(d.outcome(), Outcome::Unchanged);
    assert!(past.record(&d, &v2, 9100));
    assert_eq!(past.revisions.len(), 1, "no revision added");
    assert_eq!(past.latest.as_ref().unwrap().fingerprint, fingerprint(&v2));
    // The next check of the same page is plainly unchanged.
    let d = decide(&page(&v2, 9100), &mut past, &RULES).unwrap();
    assert_eq!(d.outcome(), Outcome::Unchanged);

    // A real edit is still an edit when the rules also changed.
    let mut v3 = v2.clone();
    v3.body[0].push_str(" Two farms flooded.");
    past.reread = Some(v2.clone());
    let d = decide(&page(&v3, 9100), &mut past, &RULES).unwrap();
    assert_eq!(d.outcome(), Outcome::Changed);
}

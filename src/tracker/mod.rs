//! The I/O shell of a pass: fetch and extract the articles (concurrently,
//! as the fetcher's politeness allows), then for each one read its past
//! lazily ([`prior::StorePrior`]), let [`crate::check::decide`] say what the
//! check means, write it in one transaction and start the hooks it calls for.
//! Also feeds (`feeds.rs`) and `reextract` (`reextract.rs`).
//!
//! Must not: decide what counts as a revision (that is `check`), hold SQL
//! (that is `store`), read configuration files or print. A failed fetch is
//! recorded as a failed check and never touches what is already stored.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use url::Url;

use crate::check;
use crate::clock::{Clock, rfc3339};
use crate::diff::DiffOptions;
use crate::diff::derive::{Derived, Text, derive, redirected_away, taken_down};
use crate::errors::one_line;
use crate::extract::{Article, ExtractOptions, SiteRule, extract_with};
use crate::fetch::{FetchError, Fetched, Fetcher, Page, Validators};
use crate::fingerprint::fingerprint;
use crate::notify::{Hook, Notifier};
use crate::schedule::{self, Found, Policy, State};
use crate::store::{
    ArticleRow, NewCheck, NewRevision, Outcome, Pace, RevisionRow, ScheduleUpdate, Store,
    StoreError,
};

mod feeds;
mod fetching;
mod prior;
mod reextract;

pub use feeds::FeedResult;
use fetching::{fetch_and_extract, interleave_hosts};
use prior::{Failure, Fetch, StorePrior};
pub use reextract::{ReextractReport, reextract};

/// How a pass runs.
#[derive(Debug, Clone)]
pub struct TrackerOptions {
    pub diff: DiffOptions,
    pub clock: Clock,
    /// Extraction rules by host (from the config file).
    pub sites: Arc<BTreeMap<String, SiteRule>>,
    /// When to check next.
    pub policy: Policy,
    /// Notification hooks, run for recorded revisions.
    pub hooks: Arc<Vec<Hook>>,
    /// Time allowed to extract one page. A page that takes longer is a
    /// failed check, and the pass goes on without waiting for it.
    pub extract_budget: Duration,
    /// Credentials by host (from the config file), sent with the pages of
    /// that host whose tracked URL holds none.
    pub credentials: Arc<BTreeMap<String, crate::fetch::Credentials>>,
}

impl Default for TrackerOptions {
    fn default() -> Self {
        Self {
            diff: DiffOptions::default(),
            clock: Clock::System,
            sites: Arc::default(),
            policy: Policy::default(),
            hooks: Arc::default(),
            extract_budget: Duration::from_secs(10),
            credentials: Arc::default(),
        }
    }
}

impl TrackerOptions {
    /// The URL to fetch an article from: as tracked, with its host's
    /// configured credentials when it holds none of its own.
    pub fn fetch_url(&self, article: &ArticleRow) -> String {
        if self.credentials.is_empty() {
            return article.fetch_url.clone();
        }
        let host = Url::parse(&article.fetch_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        match crate::extract::rule_for(&self.credentials, &host) {
            Some(c) => c.apply(&article.fetch_url),
            None => article.fetch_url.clone(),
        }
    }

    /// The extraction options for one article: its host's site rule, with the
    /// article's own `--selector` in place of the rule's body selector.
    pub fn extract_options(&self, article: &ArticleRow) -> ExtractOptions {
        let host = Url::parse(&article.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let mut rule = crate::extract::rule_for(&self.sites, &host).cloned();
        if let Some(sel) = &article.selector {
            rule.get_or_insert_with(SiteRule::default).select = Some(sel.clone());
        }
        ExtractOptions {
            rule,
            url: Some(article.url.clone()),
        }
    }
}

/// What one check of one article found.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub article_id: i64,
    pub url: String,
    pub outcome: Outcome,
    /// The revision recorded, if any.
    pub rev: Option<i64>,
    /// For a revert: the revision whose text came back.
    pub revert_of: Option<i64>,
    /// The headline now (of the latest revision).
    pub title: Option<String>,
    pub http_status: Option<u16>,
    /// Where the page was served from, after redirects (for a takedown by
    /// redirect: the page it led to).
    pub final_url: Option<String>,
    /// The recorded revision's change classes.
    pub classes: Vec<crate::diff::Class>,
    pub words_added: usize,
    pub words_removed: usize,
    /// Words in paragraphs that moved.
    pub words_moved: usize,
    /// The failure, as one line.
    pub error: Option<String>,
    /// What to do about the failure.
    pub hint: Option<&'static str>,
}

impl CheckResult {
    pub fn failed(&self) -> bool {
        self.outcome == Outcome::Failed
    }
}

/// What `track` did with one URL.
#[derive(Debug, Clone)]
pub enum TrackResult {
    /// Newly tracked; the first check's result.
    Added(CheckResult),
    /// Already tracked: nothing done.
    AlreadyTracked { id: i64, url: String },
    /// The page turned out to be an article already tracked under another URL
    /// (the same canonical URL, or a redirect to it): not tracked twice.
    SameAs {
        id: i64,
        url: String,
        tracked_url: String,
    },
}

/// What a hook is given for a revision: its export record, as JSON.
pub fn notification(store: &Store, url: &str, row: &RevisionRow) -> Result<Vec<u8>, StoreError> {
    let record = store.revision_record(url, row)?;
    Ok(
        serde_json::to_vec(&crate::model::record::Record::Revision(Box::new(record)))
            .expect("a revision record always serialises"),
    )
}

/// Runs the pipeline against a store.
pub struct Tracker<'s> {
    store: &'s mut Store,
    fetcher: Fetcher,
    opts: TrackerOptions,
    /// Told of each check as it is recorded (progress display).
    on_result: Option<OnResult<'s>>,
    /// Runs hooks beside the pass (`None` when none are configured).
    notifier: Option<Notifier>,
    /// Wait for the pass's deliveries at its end (else the caller collects
    /// them: `watch`).
    settle: bool,
}

/// A callback told of each recorded check.
type OnResult<'s> = Box<dyn FnMut(&CheckResult) + 's>;

impl<'s> Tracker<'s> {
    pub fn new(store: &'s mut Store, fetcher: Fetcher, opts: TrackerOptions) -> Self {
        let notifier =
            (!opts.hooks.is_empty()).then(|| Notifier::new(opts.hooks.clone(), opts.clock));
        Self {
            store,
            fetcher,
            opts,
            on_result: None,
            notifier,
            settle: true,
        }
    }

    /// Calls `f` with each check as it is recorded.
    pub fn on_result(mut self, f: impl FnMut(&CheckResult) + 's) -> Self {
        self.on_result = Some(Box::new(f));
        self
    }

    /// Leaves the pass's deliveries running when it ends, in `notifier` (one
    /// kept from an earlier pass, if given): for `watch`, where a slow
    /// webhook must not hold up the next pass. Take it back with
    /// [`Tracker::take_notifier`].
    pub fn defer_hooks(mut self, notifier: Option<Notifier>) -> Self {
        if notifier.is_some() {
            self.notifier = notifier;
        }
        self.settle = false;
        self
    }

    /// The notifier, with whatever deliveries are still running.
    pub fn take_notifier(&mut self) -> Option<Notifier> {
        self.notifier.take()
    }

    /// The store being written.
    pub fn store(&self) -> &Store {
        self.store
    }

    /// Starts tracking `urls` (already validated), with an optional body
    /// selector for all of them, and checks each new one now.
    pub async fn track(
        &mut self,
        urls: &[Url],
        selector: Option<&str>,
        pace: &Pace,
    ) -> Result<Vec<TrackResult>, StoreError> {
        let now = rfc3339(self.opts.clock.now());
        let mut results = Vec::new();
        let mut added = Vec::new();
        let names: Vec<String> = urls.iter().map(|u| u.to_string()).collect();
        for (row, created) in self.store.add_articles(&names, selector, pace, &now)? {
            if created {
                added.push(row);
                results.push(None);
            } else {
                results.push(Some(TrackResult::AlreadyTracked {
                    id: row.id,
                    url: row.url,
                }));
            }
        }
        let checks = self.check(&added).await?;
        let mut outcomes = Vec::with_capacity(checks.len());
        for check in checks {
            outcomes.push(self.unless_tracked_already(check)?);
        }
        let mut outcomes = outcomes.into_iter();
        Ok(results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| outcomes.next().expect("one check per new article")))
            .collect())
    }

    /// A newly tracked article whose page names (as canonical URL, or by
    /// redirecting to it) an article tracked before is removed again.
    fn unless_tracked_already(&mut self, check: CheckResult) -> Result<TrackResult, StoreError> {
        let Some(row) = self.store.article(check.article_id)? else {
            return Ok(TrackResult::Added(check));
        };
        let mut urls = vec![row.fetch_url.as_str()];
        urls.extend(row.final_url.as_deref());
        urls.extend(row.canonical_url.as_deref());
        let Some(first) = self.store.same_article(row.id, &urls)? else {
            return Ok(TrackResult::Added(check));
        };
        self.store.delete_article(row.id)?;
        Ok(TrackResult::SameAs {
            id: first.id,
            url: row.url,
            tracked_url: first.url,
        })
    }

    /// Checks `articles` now: fetches them concurrently, records a check for
    /// each and a revision where the article changed. Results are in the order
    /// given.
    pub async fn check(&mut self, articles: &[ArticleRow]) -> Result<Vec<CheckResult>, StoreError> {
        // Concurrency and per-host politeness are the fetcher's. At most
        // `window` fetches are started ahead of recording, so memory holds only
        // the pages in flight, however many articles there are.
        let window = (self.fetcher.policy().concurrency * 2).max(8);
        let started_at = rfc3339(self.opts.clock.now());
        let started = Instant::now();
        let mut tasks = JoinSet::new();
        // Extraction is CPU work: at most one per core at a time, so that it
        // never starves the threads driving the network.
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        let extracting = Arc::new(tokio::sync::Semaphore::new(cpus));
        // Hosts taken in turn, so that the window holds many hosts and no
        // host's spacing holds up the others.
        let mut pending = interleave_hosts(articles)
            .into_iter()
            .map(|i| (i, &articles[i]));
        let mut results: Vec<Option<CheckResult>> = articles.iter().map(|_| None).collect();
        // Articles someone gave on the web page reach only public addresses,
        // at every check; if that fetcher cannot be made, they are not
        // fetched at all.
        let public = articles
            .iter()
            .any(|a| a.public_only)
            .then(|| self.fetcher.public_only().map_err(|e| one_line(&e)));
        loop {
            while tasks.len() < window {
                let Some((i, a)) = pending.next() else { break };
                let fetcher = match (&public, a.public_only) {
                    (Some(Ok(f)), true) => Ok(f.clone()),
                    (Some(Err(e)), true) => Err(e.clone()),
                    _ => Ok(self.fetcher.clone()),
                };
                let url = self.opts.fetch_url(a);
                // Validators are stored only by checks that leave a revision
                // to compare with (and cleared by a takedown).
                let validators = Validators {
                    etag: a.etag.clone(),
                    last_modified: a.last_modified.clone(),
                };
                let opts = self.opts.extract_options(a);
                let extracting = extracting.clone();
                let budget = self.opts.extract_budget;
                tasks.spawn(async move {
                    let began = Instant::now();
                    let f = match fetcher {
                        Ok(fetcher) => {
                            fetch_and_extract(
                                &fetcher,
                                &url,
                                &validators,
                                opts,
                                &extracting,
                                budget,
                            )
                            .await
                        }
                        Err(error) => Fetch::Failed(prior::Failure {
                            status: None,
                            error,
                            hint: None,
                            elapsed_ms: 0,
                        }),
                    };
                    (i, f, began.elapsed())
                });
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            match joined {
                Ok((i, f, took)) => {
                    let result = self.record(&articles[i], f)?;
                    // `-v`: one line per fetch.
                    tracing::info!(
                        "#{} {} {} {} in {} ms",
                        result.article_id,
                        result.url,
                        result
                            .http_status
                            .map_or("no answer".to_owned(), |s| format!("HTTP {s}")),
                        result.outcome.as_str(),
                        took.as_millis()
                    );
                    if let Some(tell) = &mut self.on_result {
                        tell(&result);
                    }
                    results[i] = Some(result);
                }
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            }
        }
        let results: Vec<CheckResult> = results
            .into_iter()
            .map(|r| r.expect("every task reports"))
            .collect();
        if self.settle {
            self.settle_hooks().await?;
        }
        if !results.is_empty() {
            self.store.record_pass(&crate::store::PassRow {
                started_at,
                duration_ms: started.elapsed().as_millis() as i64,
                articles: results.len() as i64,
                changed: results.iter().filter(|r| r.rev.is_some()).count() as i64,
                failed: results.iter().filter(|r| r.failed()).count() as i64,
            })?;
        }
        Ok(results)
    }

    /// Starts the hooks a newly recorded revision calls for.
    fn notify(&mut self, article: &ArticleRow, rev: i64) -> Result<(), StoreError> {
        let Some(notifier) = &mut self.notifier else {
            return Ok(());
        };
        let Some(row) = self.store.revision(article.id, rev)? else {
            return Ok(());
        };
        if !notifier.wanted(rev, &row.classes) {
            return Ok(());
        }
        let payload = notification(self.store, &article.url, &row)?;
        notifier.notify(row.id, rev, &row.classes, payload);
        Ok(())
    }

    /// Waits for the hooks started in this pass and records how each went.
    async fn settle_hooks(&mut self) -> Result<(), StoreError> {
        let Some(notifier) = &mut self.notifier else {
            return Ok(());
        };
        for d in notifier.settle().await {
            if !d.ok {
                tracing::warn!(
                    hook = d.hook,
                    "notification failed: {}",
                    d.error.as_deref().unwrap_or("")
                );
            }
            self.store.record_delivery(&d)?;
        }
        Ok(())
    }

    /// Records a check that made no revision, with the schedule it leads to.
    fn write_check(
        &mut self,
        article: &ArticleRow,
        check: &mut NewCheck,
    ) -> Result<(), StoreError> {
        check.schedule = Some(self.schedule_after(article, check.outcome));
        self.store.record_check(check)
    }

    /// The article's schedule after a check with this outcome.
    fn schedule_after(&self, article: &ArticleRow, outcome: Outcome) -> ScheduleUpdate {
        let now = self.opts.clock.now();
        let found = match outcome {
            Outcome::First | Outcome::Changed | Outcome::Revert | Outcome::Takedown => {
                Found::Change
            }
            Outcome::Unchanged | Outcome::NotModified | Outcome::Alarm => Found::Nothing,
            Outcome::Failed => Found::Failure,
        };
        let parse = |s: &Option<String>| s.as_deref().and_then(crate::clock::parse_rfc3339);
        let state = State {
            interval: Duration::from_secs(article.interval_secs.max(0) as u64),
            every: article
                .every_secs
                .map(|s| Duration::from_secs(s.max(60) as u64)),
            last_change: parse(&article.last_change_at)
                .or_else(|| crate::clock::parse_rfc3339(&article.added_at))
                .unwrap_or(now),
            until: parse(&article.until),
        };
        let next = schedule::next(&self.opts.policy, &state, found, now, article.id);
        ScheduleUpdate {
            next_check_at: next.at.map(rfc3339),
            interval_secs: next.interval.as_secs() as i64,
            changed_at: (found == Found::Change).then(|| rfc3339(now)),
        }
    }

    /// Records one check: reads the article's past lazily, lets
    /// [`check::decide`] say what the check means, writes it in one
    /// transaction, and starts the hooks a new revision calls for.
    fn record(&mut self, article: &ArticleRow, f: Fetch) -> Result<CheckResult, StoreError> {
        let now = rfc3339(self.opts.clock.now());
        let mut prior =
            StorePrior::read(self.store, article.id, self.opts.extract_options(article))?;
        let rules = check::Rules {
            url: &article.url,
            diff: self.opts.diff,
        };
        let decision = check::decide(&f.view(), &mut prior, &rules)?;
        let latest_title = prior.latest.and_then(|l| l.title);
        let mut check = f.check_row(article.id, now.clone());
        check.outcome = decision.outcome();
        let mut result = CheckResult {
            article_id: article.id,
            url: article.url.clone(),
            outcome: decision.outcome(),
            rev: None,
            revert_of: None,
            title: latest_title,
            http_status: check.http_status,
            final_url: None,
            classes: Vec::new(),
            words_added: 0,
            words_removed: 0,
            words_moved: 0,
            error: None,
            hint: None,
        };
        let text = match decision {
            check::Decision::Check {
                error,
                hint,
                fingerprint,
                ..
            } => {
                check.error = error.clone();
                check.fingerprint = fingerprint;
                result.error = error;
                result.hint = hint;
                self.write_check(article, &mut check)?;
                return Ok(result);
            }
            check::Decision::Revision(text) => text,
            check::Decision::Reread => {
                // The stored revisions move to today's reading of their
                // pages, as technical changes; the publisher changed nothing.
                let report = reextract(self.store, article, &self.opts)?;
                tracing::info!(
                    article = article.id,
                    rederived = report.changed,
                    "stored revisions read again with today's rules"
                );
                self.write_check(article, &mut check)?;
                return Ok(result);
            }
        };
        // A takedown records the empty article, with the gone page as evidence.
        let empty = Article::default();
        let (page, recorded) = match &f {
            Fetch::Page { page, article } => (page, &**article),
            Fetch::Gone(page) => (page, &empty),
            _ => unreachable!("only a page or a takedown makes a revision"),
        };
        check.schedule = Some(self.schedule_after(article, check.outcome));
        let rev = self.store.record_revision(
            &NewRevision {
                captured_at: now,
                fingerprint: text.fingerprint.clone(),
                raw: &page.body,
                article: recorded,
                final_url: page.response.final_url.to_string(),
                http_status: page.response.status,
                headers: &page.response.headers,
                request_headers: &page.response.request_headers,
                encoding: page.encoding,
                revert_of: text.revert_of,
                diff: text.diff.as_ref(),
                classes: &text.classes,
            },
            &check,
        )?;
        let Some(rev) = rev else {
            // Another pass recorded this very text meanwhile.
            result.outcome = Outcome::Unchanged;
            return Ok(result);
        };
        result.rev = Some(rev);
        result.revert_of = text.revert_of;
        result.final_url =
            Some(crate::fetch::redact(page.response.final_url.as_str()).into_owned());
        result.classes = text.classes.clone();
        if text.outcome != Outcome::Takedown {
            result.title = recorded.title.clone();
        }
        if let Some(d) = &text.diff {
            result.words_added = d.stats.words_added;
            result.words_removed = d.stats.words_removed;
            result.words_moved = d.stats.words_moved;
        }
        self.notify(article, rev)?;
        Ok(result)
    }
}

/// How often feeds are read.
const FEED_INTERVAL: Duration = Duration::from_secs(30 * 60);
/// Most child sitemaps read from one sitemap index.
const MAX_SITEMAPS: usize = 50;

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, url: &str) -> ArticleRow {
        ArticleRow {
            id,
            url: url.to_owned(),
            fetch_url: url.to_owned(),
            added_at: String::new(),
            selector: None,
            final_url: None,
            etag: None,
            last_modified: None,
            last_checked_at: None,
            last_error: None,
            next_check_at: None,
            interval_secs: 0,
            every_secs: None,
            until: None,
            last_change_at: None,
            retired_at: None,
            canonical_url: None,
            untracked: false,
            public_only: false,
        }
    }

    #[test]
    fn hosts_are_taken_in_turn_each_in_its_own_order() {
        let articles = [
            row(1, "http://a.example/1"),
            row(2, "http://a.example/2"),
            row(3, "http://a.example/3"),
            row(4, "http://b.example/1"),
            row(5, "http://b.example:8080/1"),
            row(6, "http://b.example/2"),
        ];
        let order: Vec<i64> = interleave_hosts(&articles)
            .into_iter()
            .map(|i| articles[i].id)
            .collect();
        assert_eq!(order, [1, 4, 5, 2, 6, 3]);
    }
}

//! The JSON output contract: one serde struct per kind of record, made for
//! output (never database rows). Each record has a `"type"`. Fields are only
//! ever added; a field the source does not give is `null`.

use serde::Serialize;

use crate::diff::ArticleDiff;
use crate::extract::Article;
use crate::store::{ArticleSummary, Outcome, Problem, RevisionRow, Stopped, Totals};

/// `redline list --json`: one per tracked article.
#[derive(Debug, Serialize)]
pub struct ArticleJson<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: i64,
    pub url: &'a str,
    pub final_url: Option<&'a str>,
    pub title: Option<&'a str>,
    pub revisions: i64,
    pub added_at: &'a str,
    pub last_checked_at: Option<&'a str>,
    pub last_error: Option<&'a str>,
    /// When the next check is due (`null`: now, or retired).
    pub next_check_at: Option<&'a str>,
    /// A fixed pace in seconds (`track --every`), else `null` (adaptive).
    pub every_secs: Option<i64>,
    pub until: Option<&'a str>,
    /// The CSS selector of the body (`track --selector`), else `null`.
    pub selector: Option<&'a str>,
    /// When the article stopped being checked (until resumed).
    pub retired_at: Option<&'a str>,
    /// Why: `untracked` (by the user), `ended` (past `until`), `quiet`
    /// (retired by the schedule); `null` while it is checked.
    pub stopped: Option<&'static str>,
    /// When the latest revision is a takedown: since when (`null` otherwise).
    pub taken_down_since: Option<&'a str>,
    /// Why: `HTTP 404`, or `redirected to URL`.
    pub taken_down_by: Option<String>,
}

impl<'a> ArticleJson<'a> {
    pub fn new(s: &'a ArticleSummary) -> Self {
        ArticleJson {
            kind: "article",
            id: s.article.id,
            url: &s.article.url,
            final_url: s.article.final_url.as_deref(),
            title: s.title.as_deref(),
            revisions: s.revisions,
            added_at: &s.article.added_at,
            last_checked_at: s.article.last_checked_at.as_deref(),
            last_error: s.article.last_error.as_deref(),
            next_check_at: s.article.next_check_at.as_deref(),
            every_secs: s.article.every_secs,
            until: s.article.until.as_deref(),
            selector: s.article.selector.as_deref(),
            retired_at: s.article.retired_at.as_deref(),
            taken_down_since: s.taken_down.as_ref().map(|(since, ..)| since.as_str()),
            taken_down_by: s.taken_down.as_ref().map(|(_, status, served)| {
                crate::render::text::takedown_reason(*status, Some(served))
            }),
            stopped: s.article.stopped().map(|why| match why {
                Stopped::Untracked(_) => "untracked",
                Stopped::Ended(_) => "ended",
                Stopped::Quiet(_) => "quiet",
            }),
        }
    }
}

/// `redline search --json`: one per article with a match.
#[derive(Debug, Serialize)]
pub struct SearchHitJson<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub article_id: i64,
    pub url: &'a str,
    /// The article's latest headline.
    pub title: Option<&'a str>,
    /// The words around the match where it last stood, matched words in `[…]`.
    pub snippet: &'a str,
    pub fields: &'a [String],
    /// The runs of revisions holding the match, oldest first.
    pub runs: Vec<SearchRunJson>,
    /// The match is in the latest revision.
    pub still_there: bool,
}

impl<'a> SearchHitJson<'a> {
    /// One article's answer, with the capture time of each revision named.
    pub fn new(f: &'a crate::store::Found, c: &'a crate::store::SearchContext) -> Self {
        let at = |rev: i64| {
            c.captured
                .iter()
                .find(|(r, _)| *r == rev)
                .map(|(_, t)| t.clone())
        };
        SearchHitJson {
            kind: "search_hit",
            article_id: f.article_id,
            url: &c.url,
            title: c.title.as_deref(),
            snippet: &f.snippet,
            fields: &f.fields,
            runs: f
                .runs
                .iter()
                .map(|r| SearchRunJson {
                    from_rev: r.from_rev,
                    from_captured_at: at(r.from_rev),
                    to_rev: r.to_rev,
                    removed_in: r.removed_in,
                    removed_at: r.removed_in.and_then(at),
                })
                .collect(),
            still_there: f.runs.last().is_some_and(|r| r.removed_in.is_none()),
        }
    }
}

/// Revisions `from_rev` to `to_rev` held the match; `removed_in` took it out.
#[derive(Debug, Serialize)]
pub struct SearchRunJson {
    pub from_rev: i64,
    pub from_captured_at: Option<String>,
    pub to_rev: i64,
    pub removed_in: Option<i64>,
    pub removed_at: Option<String>,
}

/// `redline log --json`: one per revision.
#[derive(Debug, Serialize)]
pub struct RevisionJson<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub article_id: i64,
    pub rev: i64,
    pub captured_at: &'a str,
    pub title: Option<&'a str>,
    pub words_added: i64,
    pub words_removed: i64,
    /// Change classes: headline, byline, dates, correction, typo, wording,
    /// substantive, added, removed, moved, takedown, revert, technical.
    pub classes: &'a [crate::diff::Class],
    /// The revision whose text this one restores.
    pub revert_of: Option<i64>,
    /// Re-extraction found this revision equal to the one before: a change in
    /// how the page was read, not an edit.
    pub technical: bool,
    /// When `reextract` last re-derived this revision.
    pub reextracted_at: Option<&'a str>,
    /// SHA-256 of the raw page as served.
    pub sha256: &'a str,
    pub final_url: &'a str,
    pub http_status: u16,
}

impl<'a> RevisionJson<'a> {
    pub fn new(r: &'a RevisionRow) -> Self {
        RevisionJson {
            kind: "revision",
            article_id: r.article_id,
            rev: r.rev,
            captured_at: &r.captured_at,
            title: r.title.as_deref(),
            words_added: r.words_added,
            words_removed: r.words_removed,
            classes: &r.classes,
            revert_of: r.revert_of,
            technical: r.technical,
            reextracted_at: r.reextracted_at.as_deref(),
            sha256: &r.raw_sha256,
            final_url: &r.final_url,
            http_status: r.http_status,
        }
    }
}

/// The extracted fields of an article, shared by `extract --json` and
/// `show --json`.
#[derive(Debug, Serialize)]
pub struct ArticleFields<'a> {
    pub title: Option<&'a str>,
    pub byline: Option<&'a str>,
    pub bylines: &'a [String],
    pub published: Option<&'a str>,
    pub modified: Option<&'a str>,
    pub lead: Option<&'a str>,
    /// Body paragraphs separated by a blank line.
    pub text: String,
    pub paragraphs: &'a [String],
    pub corrections: &'a [String],
    pub canonical_url: Option<&'a str>,
    pub language: Option<&'a str>,
    pub site_name: Option<&'a str>,
    pub section: Option<&'a str>,
    pub next_page: Option<&'a str>,
    pub live_blog: bool,
}

impl<'a> ArticleFields<'a> {
    pub fn new(a: &'a Article) -> Self {
        ArticleFields {
            title: a.title.as_deref(),
            byline: a.byline.as_deref(),
            bylines: &a.bylines,
            published: a.published.as_deref(),
            modified: a.modified.as_deref(),
            lead: a.lead.as_deref(),
            text: a.text(),
            paragraphs: &a.body,
            corrections: &a.corrections,
            canonical_url: a.canonical_url.as_deref(),
            language: a.language.as_deref(),
            site_name: a.site_name.as_deref(),
            section: a.section.as_deref(),
            next_page: a.next_page.as_deref(),
            live_blog: a.live_blog,
        }
    }
}

/// `redline extract --json`: one per input.
#[derive(Debug, Serialize)]
pub struct ExtractJson<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The path or URL as given.
    pub path: &'a str,
    #[serde(flatten)]
    pub article: ArticleFields<'a>,
}

/// `redline show --json`: one revision's article.
#[derive(Debug, Serialize)]
pub struct ShowJson<'a> {
    #[serde(flatten)]
    pub revision: RevisionJson<'a>,
    #[serde(flatten)]
    pub article: ArticleFields<'a>,
}

/// `redline diff --json` (the stored diff between two revisions).
#[derive(Debug, Serialize)]
pub struct DiffJson<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub article_id: Option<i64>,
    pub from_rev: Option<i64>,
    pub to_rev: Option<i64>,
    pub words_added: usize,
    pub words_removed: usize,
    pub classes: &'a [crate::diff::Class],
    pub stats: &'a crate::diff::Stats,
    /// Set when a time limit made the diff coarser.
    pub coarse: Option<&'a str>,
    pub fields: &'a [crate::diff::FieldChange],
    pub body: &'a [crate::diff::BodyOp],
}

impl<'a> DiffJson<'a> {
    pub fn new(d: &'a ArticleDiff, article_id: Option<i64>, revs: Option<(i64, i64)>) -> Self {
        DiffJson {
            kind: "diff",
            article_id,
            from_rev: revs.map(|r| r.0),
            to_rev: revs.map(|r| r.1),
            words_added: d.stats.words_added,
            words_removed: d.stats.words_removed,
            classes: &d.classes,
            stats: &d.stats,
            coarse: d.coarse.as_deref(),
            fields: &d.fields,
            body: &d.body,
        }
    }
}

/// `redline status --json`.
#[derive(Debug, Serialize)]
pub struct StatusJson<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub articles: i64,
    pub revisions: i64,
    pub checks: i64,
    pub last_checked_at: Option<&'a str>,
    /// Articles whose latest checks failed.
    pub failing: Vec<ProblemJson<'a>>,
    /// Articles whose latest check raised an extraction alarm.
    pub alarms: Vec<ProblemJson<'a>>,
    /// Hosts answering 403 or 429 (refusing or rate-limiting redline), with
    /// how many articles each.
    pub refusing_hosts: Vec<(String, usize)>,
    /// Articles whose latest revision is a takedown.
    pub taken_down: Vec<TakenDownJson>,
    /// Feeds that have listed nothing new for two days or more.
    pub quiet_feeds: Vec<QuietFeedJson>,
    /// Articles due now, and when the next one falls due after that.
    pub due_now: i64,
    pub next_due_at: Option<String>,
    /// Notification hooks that failed (after their retries) in the last week.
    pub failed_notifications: Vec<FailedDeliveryJson>,
    /// The latest pass over articles: start, milliseconds, articles, changed, failed.
    pub last_pass: Option<PassJson>,
    /// Revisions whose article older extraction rules read (`reextract`
    /// reads them again).
    pub read_by_older_rules: i64,
    /// `redline worker`s holding hosts now, and notifications waiting in
    /// their outbox (absent when no worker has run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<WorkersJson>,
}

/// What the workers are doing, for `status --json`.
#[derive(Debug, Serialize)]
pub struct WorkersJson {
    /// Each worker holding a lease, with how many hosts.
    pub leases: Vec<(String, i64)>,
    pub notifications_waiting: i64,
}

/// A pass over articles, for `status --json`.
#[derive(Debug, Serialize)]
pub struct PassJson {
    pub started_at: String,
    pub duration_ms: i64,
    pub articles: i64,
    pub changed: i64,
    pub failed: i64,
}

impl From<crate::store::PassRow> for PassJson {
    fn from(p: crate::store::PassRow) -> Self {
        PassJson {
            started_at: p.started_at,
            duration_ms: p.duration_ms,
            articles: p.articles,
            changed: p.changed,
            failed: p.failed,
        }
    }
}

/// A notification that failed after its retries, for `status --json`.
#[derive(Debug, Serialize)]
pub struct FailedDeliveryJson {
    pub hook: String,
    pub attempted_at: String,
    pub attempts: u32,
    pub error: Option<String>,
    pub article_id: i64,
    pub rev: i64,
}

impl From<crate::store::FailedDelivery> for FailedDeliveryJson {
    fn from(d: crate::store::FailedDelivery) -> Self {
        FailedDeliveryJson {
            hook: d.hook,
            attempted_at: d.attempted_at,
            attempts: d.attempts,
            error: d.error,
            article_id: d.article_id,
            rev: d.rev,
        }
    }
}

/// One feed, for `feeds --json` (keys in alphabetical order, as before this
/// struct existed).
#[derive(Debug, Serialize)]
pub struct FeedJson<'a> {
    pub added_at: &'a str,
    pub articles: i64,
    pub id: i64,
    pub last_checked_at: Option<&'a str>,
    pub last_error: Option<&'a str>,
    pub last_new_at: Option<&'a str>,
    #[serde(rename = "match")]
    pub match_regex: Option<&'a str>,
    pub next_check_at: Option<&'a str>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub url: &'a str,
}

impl<'a> FeedJson<'a> {
    pub fn new(f: &'a crate::store::FeedRow) -> Self {
        FeedJson {
            added_at: &f.added_at,
            articles: f.articles,
            id: f.id,
            last_checked_at: f.last_checked_at.as_deref(),
            last_error: f.last_error.as_deref(),
            last_new_at: f.last_new_at.as_deref(),
            match_regex: f.match_regex.as_deref(),
            next_check_at: f.next_check_at.as_deref(),
            kind: "feed",
            url: &f.url,
        }
    }
}

/// An article taken down, for `status --json`.
#[derive(Debug, Serialize)]
pub struct TakenDownJson {
    pub id: i64,
    /// Its last headline.
    pub title: Option<String>,
    pub since: String,
    /// `HTTP 404`, or `redirected to URL`.
    pub by: String,
}

/// A feed gone quiet.
#[derive(Debug, Serialize)]
pub struct QuietFeedJson {
    pub id: i64,
    pub url: String,
    pub last_new_at: Option<String>,
}

/// Hosts whose articles fail with 403 or 429, most articles first.
fn refusing(problems: &[Problem]) -> Vec<(String, usize)> {
    let mut hosts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for p in problems.iter().filter(|p| p.outcome == Outcome::Failed) {
        let refused = matches!(p.http_status, Some(403 | 429));
        if refused && let Ok(url) = url::Url::parse(&p.article.url) {
            *hosts
                .entry(url.host_str().unwrap_or("").to_owned())
                .or_default() += 1;
        }
    }
    let mut list: Vec<(String, usize)> = hosts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list
}

/// One failing or alarmed article.
#[derive(Debug, Serialize)]
pub struct ProblemJson<'a> {
    pub id: i64,
    pub url: &'a str,
    /// When the current run of failed checks began.
    pub since: &'a str,
    /// Checks in a row.
    pub checks: i64,
    pub error: Option<&'a str>,
}

impl<'a> StatusJson<'a> {
    /// Fills in what the totals and problems do not say: articles due, the
    /// next one due, quiet feeds, takedowns, failed notifications of the
    /// last week and the last pass, as of `now_ts`.
    pub fn complete(
        &mut self,
        store: &crate::store::Store,
        now_ts: jiff::Timestamp,
    ) -> Result<(), crate::store::StoreError> {
        let now = crate::clock::rfc3339(now_ts);
        self.due_now = store.due_count(&now)?;
        self.next_due_at = store.next_due_at()?.filter(|n| *n > now);
        let two_days_ago = crate::clock::rfc3339(now_ts - jiff::SignedDuration::from_hours(48));
        self.quiet_feeds = store
            .feeds()?
            .into_iter()
            .filter(|f| {
                f.added_at < two_days_ago
                    && f.last_new_at.as_ref().is_none_or(|n| *n < two_days_ago)
            })
            .map(|f| QuietFeedJson {
                id: f.id,
                url: f.url,
                last_new_at: f.last_new_at,
            })
            .collect();
        self.taken_down = store
            .taken_down()?
            .into_iter()
            .filter_map(|s| {
                let (since, status, served) = s.taken_down?;
                Some(TakenDownJson {
                    id: s.article.id,
                    title: s.title,
                    since,
                    by: crate::render::text::takedown_reason(status, Some(&served)),
                })
            })
            .collect();
        let week_ago = crate::clock::rfc3339(now_ts - jiff::SignedDuration::from_hours(24 * 7));
        self.failed_notifications = store
            .failed_deliveries(&week_ago)?
            .into_iter()
            .map(Into::into)
            .collect();
        self.last_pass = store.last_pass()?.map(Into::into);
        let (leases, waiting) = store.leases(&crate::clock::rfc3339(jiff::Timestamp::now()))?;
        self.workers = (!leases.is_empty() || waiting > 0).then_some(WorkersJson {
            leases,
            notifications_waiting: waiting,
        });
        Ok(())
    }

    pub fn new(totals: &'a Totals, problems: &'a [Problem]) -> Self {
        let pick = |outcome: Outcome| {
            problems
                .iter()
                .filter(|p| p.outcome == outcome)
                .map(|p| ProblemJson {
                    id: p.article.id,
                    url: &p.article.url,
                    since: &p.since,
                    checks: p.checks,
                    error: p.article.last_error.as_deref(),
                })
                .collect()
        };
        StatusJson {
            kind: "status",
            articles: totals.articles,
            revisions: totals.revisions,
            checks: totals.checks,
            last_checked_at: totals.last_checked_at.as_deref(),
            failing: pick(Outcome::Failed),
            alarms: pick(Outcome::Alarm),
            refusing_hosts: refusing(problems),
            quiet_feeds: Vec::new(),
            due_now: 0,
            next_due_at: None,
            failed_notifications: Vec::new(),
            last_pass: None,
            read_by_older_rules: totals.older_rules,
            taken_down: Vec::new(),
            workers: None,
        }
    }
}

/// `redline blame --json`: one per paragraph (or sentence).
#[derive(Debug, Serialize)]
pub struct BlameJson<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub article_id: i64,
    /// The revision blamed.
    pub rev: i64,
    /// 1-based paragraph number.
    pub paragraph: usize,
    /// 1-based sentence number within the paragraph (with `--by sentence`).
    pub sentence: Option<usize>,
    pub text: &'a str,
    /// The revision that last changed this text, and when it was captured.
    pub since_rev: i64,
    pub since: &'a str,
}

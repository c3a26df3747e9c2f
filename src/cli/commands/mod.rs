//! One function per command. Each writes data to `out` and status to stderr
//! (through [`Context`]).

use std::io::Write;
use std::path::PathBuf;

use super::{CliError, Context, Status, plural};
use crate::diff::{DiffOptions, Granularity, diff_articles};
use crate::extract::Article;
use crate::fetch::parse_url;
use crate::render;
use crate::render::Role;
use crate::render::diff::{DiffInput, ViewOptions};
use crate::render::json::{
    ArticleFields, ArticleJson, DiffJson, ExtractJson, RevisionJson, ShowJson, StatusJson,
};
use crate::render::text;
use crate::store::{ArticleRow, Outcome, Pace, RevisionRow, Store};
use crate::tracker::{CheckResult, TrackResult, Tracker, TrackerOptions};

type Out<'a> = &'a mut dyn Write;

/// For JSON output of a diff: the article id and the two revisions compared
/// (`None` for files).
type DiffIds = (Option<i64>, Option<(i64, i64)>);

pub(super) fn tracker_options(ctx: &Context) -> TrackerOptions {
    TrackerOptions {
        clock: ctx.clock,
        sites: std::sync::Arc::new(ctx.config.sites.clone()),
        hooks: std::sync::Arc::new(ctx.config.hooks.clone()),
        policy: ctx.config.schedule.value,
        extract_budget: std::time::Duration::from_secs_f64(ctx.config.extract_budget.value),
        ..TrackerOptions::default()
    }
}

/// The pace `track --every/--until` asks for.
pub fn pace(every: Option<&str>, until: Option<&str>) -> Result<Pace, CliError> {
    let every_secs = match every {
        Some(e) => Some(
            crate::schedule::parse_duration(e)
                .filter(|d| d.as_secs() >= 60)
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "--every {e:?} is not a duration of a minute or more"
                    ))
                    .hint("write it like 30m, 1h, 2h30m or 1d")
                })?
                .as_secs() as i64,
        ),
        None => None,
    };
    let until = until.map(|u| parse_date("--until", u)).transpose()?;
    Ok(Pace { every_secs, until })
}

/// A date flag's value (RFC 3339, or YYYY-MM-DD meaning its midnight UTC) as
/// a stored time.
pub(super) fn parse_date(flag: &str, value: &str) -> Result<String, CliError> {
    let t = crate::clock::parse_rfc3339(value)
        .or_else(|| crate::clock::parse_rfc3339(&format!("{value}T00:00:00Z")))
        .ok_or_else(|| {
            CliError::usage(format!("{flag} {value:?} is not a date"))
                .hint("write it like 2026-12-31 or 2026-12-31T18:00:00Z")
        })?;
    Ok(crate::clock::rfc3339(t))
}

pub async fn track(
    ctx: &Context,
    out: Out<'_>,
    urls: &[String],
    selector: Option<&str>,
    pace: &Pace,
) -> Result<Status, CliError> {
    if let Some(css) = selector {
        let rule = crate::extract::SiteRule {
            select: Some(css.to_owned()),
            ..Default::default()
        };
        crate::extract::validate_rule(&rule).map_err(|e| {
            CliError::usage(e.to_string()).hint("give a CSS selector such as 'div.article-body'")
        })?;
    }
    // Validate every URL before touching the database.
    let parsed = urls
        .iter()
        .map(|u| parse_url(u))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            CliError::from(e).hint("give a full URL such as https://example.com/news/story")
        })?;
    let mut store = ctx.store()?;
    let fetcher = ctx.fetcher()?;
    let results = Tracker::new(&mut store, fetcher, tracker_options(ctx))
        .track(&parsed, selector, pace)
        .await?;
    let mut failed = 0;
    for r in &results {
        match r {
            TrackResult::AlreadyTracked { id, url } => {
                writeln!(out, "#{id} already tracked: {url}")?;
            }
            TrackResult::SameAs {
                id,
                url,
                tracked_url,
            } => {
                writeln!(
                    out,
                    "#{id} already tracked as {tracked_url} (the same article): {url}"
                )?;
            }
            TrackResult::Added(c) if c.failed() => {
                failed += 1;
                report_failure(ctx, out, c)?;
            }
            TrackResult::Added(c) => {
                writeln!(
                    out,
                    "#{} tracking: {}  {}",
                    c.article_id,
                    c.title.as_deref().unwrap_or("(no headline)"),
                    c.url
                )?;
            }
        }
    }
    Ok(Status::failed_if(failed > 0))
}

fn report_failure(ctx: &Context, out: Out<'_>, c: &CheckResult) -> Result<(), CliError> {
    writeln!(
        out,
        "#{} failed: {}",
        c.article_id,
        c.error.as_deref().unwrap_or("unknown error")
    )?;
    out.flush()?;
    if let Some(h) = c.hint {
        ctx.hint(h);
    }
    Ok(())
}

pub async fn check(
    ctx: &Context,
    out: Out<'_>,
    targets: &[String],
    due: bool,
) -> Result<Status, CliError> {
    let mut store = ctx.store()?;
    let articles = if due {
        store.due(&crate::clock::rfc3339(ctx.clock.now()))?
    } else {
        targets_or_all(&store, targets, targets.is_empty())?
    };
    let fetcher = ctx.fetcher()?;
    let mut feed_failed = false;
    if targets.is_empty() {
        let now = crate::clock::rfc3339(ctx.clock.now());
        let feeds = feeds_to_read(&store, due, &now)?;
        if !feeds.is_empty() {
            let read = Tracker::new(&mut store, fetcher.clone(), tracker_options(ctx))
                .check_feeds(&feeds)
                .await?;
            feed_failed = report_feeds(ctx, out, &read)? == Status::Failure;
        }
    }
    let bar = progress(ctx, articles.len());
    let (mut seen_changed, mut seen_failed) = (0, 0);
    let results = Tracker::new(&mut store, fetcher, tracker_options(ctx))
        .on_result(|c| {
            if let Some(bar) = &bar {
                seen_changed += usize::from(c.rev.is_some());
                seen_failed += usize::from(c.failed());
                bar.set_message(format!("changed {seen_changed}, failed {seen_failed}"));
                bar.inc(1);
            }
        })
        .check(&articles)
        .await?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let (mut changed, mut failed, mut alarms) = (0, 0, 0);
    for c in &results {
        match c.outcome {
            Outcome::Failed => {
                failed += 1;
                report_failure(ctx, out, c)?;
            }
            Outcome::Alarm => {
                alarms += 1;
                writeln!(
                    out,
                    "#{} {}",
                    c.article_id,
                    c.error.as_deref().unwrap_or("extraction alarm")
                )?;
                out.flush()?;
                if let Some(h) = c.hint {
                    ctx.hint(h);
                }
            }
            Outcome::Changed | Outcome::First | Outcome::Revert | Outcome::Takedown => {
                changed += 1;
                if let Some(line) = change_line(c) {
                    writeln!(out, "{line}")?;
                }
            }
            Outcome::Unchanged | Outcome::NotModified => {}
        }
    }
    out.flush()?;
    let alarms = if alarms > 0 {
        format!(", alarms {alarms}")
    } else {
        String::new()
    };
    ctx.status(&format!(
        "checked {}, changed {changed}, failed {failed}{alarms}",
        results.len()
    ));
    Ok(Status::failed_if(failed > 0 || feed_failed))
}

/// A progress bar on stderr for a pass of `total` articles: only on a
/// terminal, without `-q`, and for more than a handful.
fn progress(ctx: &Context, total: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if ctx.quiet || total < 5 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    let style = indicatif::ProgressStyle::with_template(
        "{bar:30} {pos}/{len} checked, {msg} ({per_sec}, {eta} left)",
    )
    .ok()?;
    bar.set_style(style);
    Some(bar)
}

/// Every tracked article when `all`, else the named ones.
fn targets_or_all(
    store: &Store,
    targets: &[String],
    all: bool,
) -> Result<Vec<ArticleRow>, CliError> {
    if all {
        return Ok(store.articles()?);
    }
    targets.iter().map(|t| resolve(store, t)).collect()
}

/// The line a check that recorded a revision prints.
fn change_line(c: &CheckResult) -> Option<String> {
    let rev = c.rev?;
    let what = match c.outcome {
        Outcome::Revert => format!("revert to rev {}", c.revert_of.unwrap_or_default()),
        Outcome::Takedown => format!("taken down: HTTP {}", c.http_status.unwrap_or(404)),
        _ => format!("+{} -{}", c.words_added, c.words_removed),
    };
    let title = c.title.as_deref().unwrap_or("(no headline)");
    Some(format!("#{} rev {rev} ({what}): {title}", c.article_id))
}

/// An article by id (`12`, `#12`) or by URL.
pub(super) fn resolve(store: &Store, target: &str) -> Result<ArticleRow, CliError> {
    let not_tracked = || {
        CliError::runtime(format!("{target} is not a tracked article"))
            .hint("see `redline list` for tracked articles, or `redline track URL`")
    };
    if let Ok(id) = target.trim_start_matches('#').parse::<i64>() {
        return store.article(id)?.ok_or_else(not_tracked);
    }
    let url = parse_url(target).map_err(|e| {
        CliError::from(e).hint("name an article by its id (see `redline list`) or its URL")
    })?;
    store.article_by_url(url.as_str())?.ok_or_else(not_tracked)
}

fn revision(store: &Store, a: &ArticleRow, rev: Option<i64>) -> Result<RevisionRow, CliError> {
    let found = match rev {
        Some(n) => store.revision(a.id, n)?,
        None => store.latest_revision(a.id)?,
    };
    found.ok_or_else(|| match rev {
        Some(n) => CliError::runtime(format!("article #{} has no revision {n}", a.id))
            .hint(format!("see `redline log {}` for its revisions", a.id)),
        None => CliError::runtime(format!("article #{} has no revision yet", a.id)).hint(format!(
            "run `redline check {}`; see `redline list` for its last error",
            a.id
        )),
    })
}

pub fn list(ctx: &Context, out: Out<'_>, json: bool) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    let items = store.summaries()?;
    if json {
        for s in &items {
            json_line(out, &ArticleJson::new(s))?;
        }
    } else if items.is_empty() {
        ctx.status("no articles tracked yet; start with `redline track URL`");
    } else {
        text::list(out, &ctx.painter, &items)?;
    }
    Ok(Status::Success)
}

pub fn log(ctx: &Context, out: Out<'_>, target: &str, json: bool) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    let a = resolve(&store, target)?;
    let revisions = store.revisions(a.id)?;
    if json {
        for r in &revisions {
            json_line(out, &RevisionJson::new(r))?;
        }
    } else {
        text::log(out, &ctx.painter, &revisions)?;
    }
    Ok(Status::Success)
}

pub fn show(
    ctx: &Context,
    out: Out<'_>,
    target: &str,
    rev: Option<i64>,
    raw: bool,
    json: bool,
) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    let a = resolve(&store, target)?;
    let r = revision(&store, &a, rev)?;
    if raw {
        out.write_all(&store.blob(&r.raw_sha256)?)?;
        return Ok(Status::Success);
    }
    let article = store.revision_article(&r)?;
    if json {
        json_line(
            out,
            &ShowJson {
                revision: RevisionJson::new(&r),
                article: ArticleFields::new(&article),
            },
        )?;
    } else {
        text::article(out, &ctx.painter, &article)?;
    }
    Ok(Status::Success)
}

/// How `redline diff` shows a diff (resolved from its flags).
#[derive(Debug, Clone, Copy)]
pub struct DiffView {
    pub view: View,
    pub by: Granularity,
    pub context: usize,
}

/// The diff views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Inline,
    Side,
    Unified,
    Json,
    Html,
}

pub fn diff(ctx: &Context, out: Out<'_>, args: &[String], v: DiffView) -> Result<Status, CliError> {
    let opts = DiffOptions {
        by: v.by,
        ..DiffOptions::default()
    };
    if let [a, b] = args
        && std::path::Path::new(a).is_file()
    {
        let (old, new) = read_articles(a, b)?;
        let d = diff_articles(&old, &new, &opts);
        let input = DiffInput {
            old: &old,
            new: &new,
            diff: &d,
            old_label: a.clone(),
            new_label: b.clone(),
        };
        return write_diff(ctx, out, &input, (None, None), v);
    }
    let store = ctx.store_read()?;
    let a = resolve(&store, &args[0])?;
    let revs = args[1..]
        .iter()
        .map(|r| {
            r.parse::<i64>().map_err(|_| {
                CliError::usage(format!("{r:?} is not a revision number"))
                    .hint(format!("see `redline log {}` for its revisions", a.id))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let latest = revision(&store, &a, None)?.rev;
    let (from, to) = match revs[..] {
        [] => (latest - 1, latest),
        [to] => (to - 1, to),
        [from, to] => (from, to),
        _ => unreachable!("clap allows at most three arguments"),
    };
    if from < 1 && to <= latest {
        ctx.status(&format!(
            "article #{} rev {to} is its first revision: nothing to compare",
            a.id
        ));
        return Ok(Status::Success);
    }
    let new_rev = revision(&store, &a, Some(to))?;
    let old_rev = revision(&store, &a, Some(from))?;
    let new = store.revision_article(&new_rev)?;
    let old = store.revision_article(&old_rev)?;
    // Consecutive revisions have their word diff stored; others are computed.
    let stored = if to == from + 1 && v.by == Granularity::Word {
        store.revision_diff(&new_rev)?
    } else {
        None
    };
    let d = stored.unwrap_or_else(|| diff_articles(&old, &new, &opts));
    if matches!(v.view, View::Inline) {
        let header = format!(
            "#{} rev {from} → rev {to}  ({} → {})",
            a.id,
            text::short_time(&old_rev.captured_at),
            text::short_time(&new_rev.captured_at)
        );
        writeln!(out, "{}", ctx.painter.paint(Role::Header, &header))?;
    }
    let input = DiffInput {
        old: &old,
        new: &new,
        diff: &d,
        old_label: format!("#{} rev {from} ({})", a.id, old_rev.captured_at),
        new_label: format!("#{} rev {to} ({})", a.id, new_rev.captured_at),
    };
    write_diff(ctx, out, &input, (Some(a.id), Some((from, to))), v)
}

fn write_diff(
    ctx: &Context,
    out: Out<'_>,
    input: &DiffInput<'_>,
    ids: DiffIds,
    v: DiffView,
) -> Result<Status, CliError> {
    let o = ViewOptions {
        context: v.context,
        // Only the side-by-side view is laid out to the terminal.
        width: if v.view == View::Side { ctx.width() } else { 0 },
    };
    let p = &ctx.painter;
    match v.view {
        View::Json => json_line(out, &DiffJson::new(input.diff, ids.0, ids.1))?,
        View::Inline => render::diff::inline(out, p, input, o)?,
        View::Side => render::diff::side(out, p, input, o)?,
        View::Unified => render::diff::unified(out, p, input, o)?,
        View::Html => render::diff::html(out, input, o)?,
    }
    Ok(Status::Success)
}

/// Two local files as articles; large ones decoded and split at the same
/// time.
fn read_articles(a: &str, b: &str) -> Result<(Article, Article), CliError> {
    const LARGE: usize = 128 * 1024;
    let read = |path: &str| {
        std::fs::read(path).map_err(|e| {
            CliError::runtime(format!("cannot read {path}: {e}")).hint("check the path")
        })
    };
    let (a_bytes, b_bytes) = (read(a)?, read(b)?);
    let parse = |bytes, path: &str| {
        parse_article(bytes).map_err(|e| {
            let hint = e.hint().unwrap_or("check the file");
            CliError::runtime(format!("{path}: {e}")).hint(hint)
        })
    };
    if a_bytes.len() < LARGE || b_bytes.len() < LARGE {
        return Ok((parse(a_bytes, a)?, parse(b_bytes, b)?));
    }
    std::thread::scope(|scope| {
        let new = scope.spawn(|| parse(b_bytes, b));
        let old = parse(a_bytes, a);
        Ok((
            old?,
            new.join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))?,
        ))
    })
}

/// A local file's bytes as an article: HTML is extracted; plain text is
/// split into paragraphs at blank lines.
fn parse_article(bytes: Vec<u8>) -> Result<Article, crate::extract::ExtractError> {
    let (text, _) = crate::fetch::charset::decode_owned(bytes, None);
    if looks_like_html(&text) {
        return crate::extract::extract(&text);
    }
    Ok(Article {
        body: paragraphs(&text),
        ..Article::default()
    })
}

/// The paragraphs of plain text: runs of lines parted by blank lines (lines
/// of nothing but whitespace), whatever the line ends; each squashed.
fn paragraphs(text: &str) -> Vec<String> {
    // Without its last line end a one-line paragraph is squashed already,
    // and is then copied as it is.
    let para = |s: &str| crate::extract::text::non_empty(s.trim_end());
    let mut out = Vec::new();
    let (mut start, mut pos) = (0, 0);
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            out.extend(para(&text[start..pos]));
            start = pos + line.len();
        }
        pos += line.len();
    }
    out.extend(para(&text[start..]));
    out
}

fn looks_like_html(text: &str) -> bool {
    const TAGS: [&[u8]; 8] = [
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<p>",
        b"<p ",
        b"<div",
        b"<article",
    ];
    let head = &text.as_bytes()[..text.len().min(1024)];
    (0..head.len()).filter(|&i| head[i] == b'<').any(|i| {
        TAGS.iter().any(|t| {
            head[i..]
                .get(..t.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(t))
        })
    })
}

pub fn extract(
    ctx: &Context,
    out: Out<'_>,
    files: &[PathBuf],
    json: bool,
    selector: Option<String>,
) -> Result<Status, CliError> {
    let opts = crate::extract::ExtractOptions {
        rule: selector.map(|css| crate::extract::SiteRule {
            select: Some(css),
            ..Default::default()
        }),
    };
    if let Some(rule) = &opts.rule {
        crate::extract::validate_rule(rule).map_err(|e| CliError::usage(e.to_string()))?;
    }
    let mut failed = false;
    for path in files {
        let name = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                out.flush()?;
                eprintln!("error: cannot read {name}: {e}");
                failed = true;
                continue;
            }
        };
        let (html, _) = crate::fetch::charset::decode(&bytes, None);
        let article = match crate::extract::extract_with(&html, &opts) {
            Ok(a) => a,
            Err(e) => {
                out.flush()?;
                eprintln!("error: {name}: {e}");
                failed = true;
                continue;
            }
        };
        if json {
            json_line(
                out,
                &ExtractJson {
                    kind: "extract",
                    path: &name,
                    article: ArticleFields::new(&article),
                },
            )?;
        } else {
            if files.len() > 1 {
                writeln!(out, "==> {name} <==")?;
            }
            text::article(out, &ctx.painter, &article)?;
        }
    }
    Ok(Status::failed_if(failed))
}

/// `redline track --feed URL`: follow a feed or sitemap.
pub async fn track_feed(
    ctx: &Context,
    out: Out<'_>,
    feed: &str,
    match_regex: Option<&str>,
    pace: &Pace,
) -> Result<Status, CliError> {
    let url = parse_url(feed).map_err(|e| CliError::from(e).hint("give the feed's full URL"))?;
    if let Some(re) = match_regex {
        regex::Regex::new(re).map_err(|e| {
            CliError::usage(format!("--match {re:?} is not a regular expression: {e}"))
        })?;
    }
    let mut store = ctx.store()?;
    let now = crate::clock::rfc3339(ctx.clock.now());
    let (row, created) = store.add_feed(url.as_str(), match_regex, pace, &now)?;
    if !created {
        writeln!(out, "feed #{} already followed: {}", row.id, row.url)?;
        return Ok(Status::Success);
    }
    let fetcher = ctx.fetcher()?;
    let results = Tracker::new(&mut store, fetcher, tracker_options(ctx))
        .check_feeds(&[row])
        .await?;
    report_feeds(ctx, out, &results)
}

/// One line per feed read (and per article it brought), failures counted.
fn report_feeds(
    ctx: &Context,
    out: Out<'_>,
    results: &[crate::tracker::FeedResult],
) -> Result<Status, CliError> {
    let mut failed = false;
    for r in results {
        if let Some(e) = &r.error {
            failed = true;
            writeln!(out, "feed #{} failed: {e}", r.feed_id)?;
            continue;
        }
        writeln!(
            out,
            "feed #{}: {} listed, {} new: {}",
            r.feed_id,
            r.listed,
            r.new.len(),
            r.url
        )?;
        for c in &r.new {
            if c.failed() {
                failed = true;
                report_failure(ctx, out, c)?;
            } else {
                writeln!(
                    out,
                    "#{} tracking: {}  {}",
                    c.article_id,
                    c.title.as_deref().unwrap_or("(no headline)"),
                    c.url
                )?;
            }
        }
    }
    Ok(Status::failed_if(failed))
}

/// `redline feeds`: the feeds and sitemaps being followed.
pub fn feeds(ctx: &Context, out: Out<'_>, json: bool) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    for f in store.feeds()? {
        if json {
            json_line(
                out,
                &serde_json::json!({
                    "type": "feed",
                    "id": f.id,
                    "url": f.url,
                    "match": f.match_regex,
                    "articles": f.articles,
                    "added_at": f.added_at,
                    "last_checked_at": f.last_checked_at,
                    "last_new_at": f.last_new_at,
                    "next_check_at": f.next_check_at,
                    "last_error": f.last_error,
                }),
            )?;
        } else {
            let p = &ctx.painter;
            writeln!(
                out,
                "{} {}",
                p.paint(Role::Header, &format!("feed #{}", f.id)),
                f.url
            )?;
            let mut meta = format!(
                "    {} articles, last read {}, last new article {}",
                f.articles,
                f.last_checked_at
                    .as_deref()
                    .map_or("never".to_owned(), text::short_time),
                f.last_new_at
                    .as_deref()
                    .map_or("never".to_owned(), text::short_time)
            );
            if let Some(e) = &f.last_error {
                meta.push_str(&format!(", last error: {e}"));
            }
            writeln!(out, "{}", p.paint(Role::Meta, &meta))?;
        }
    }
    Ok(Status::Success)
}

/// Feeds to read in a pass: all, or those due at `now`.
fn feeds_to_read(
    store: &Store,
    due_only: bool,
    now: &str,
) -> Result<Vec<crate::store::FeedRow>, CliError> {
    Ok(store
        .feeds()?
        .into_iter()
        .filter(|f| !due_only || f.next_check_at.as_deref().is_none_or(|n| n <= now))
        .collect())
}

/// Lines of a list file (`-` for stdin): trimmed, blank lines and `#`
/// comments skipped.
pub fn read_list(path: &std::path::Path) -> Result<Vec<String>, CliError> {
    use std::io::Read;
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(drop)
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| {
        CliError::runtime(format!("cannot read {}: {e}", path.display())).hint("check the path")
    })?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

/// `redline untrack`: stop checking (history kept), or delete with `--delete`.
pub fn untrack(
    ctx: &Context,
    out: Out<'_>,
    targets: &[String],
    delete: bool,
) -> Result<Status, CliError> {
    let mut store = ctx.store()?;
    let articles = targets_or_all(&store, targets, false)?;
    let now = crate::clock::rfc3339(ctx.clock.now());
    for a in &articles {
        if delete {
            store.delete_article(a.id)?;
            writeln!(out, "#{} deleted with its history: {}", a.id, a.url)?;
        } else {
            store.retire(a.id, &now)?;
            writeln!(
                out,
                "#{} untracked (history kept; `redline resume {}` undoes it): {}",
                a.id, a.id, a.url
            )?;
        }
    }
    Ok(Status::Success)
}

/// `redline watch`: checks what is due, sleeps until the next article falls
/// due (at most `poll` seconds), and again, until SIGINT or SIGTERM; a pass
/// under way is finished and written first. A second signal abandons the
/// pass at once: each check is written in its own transaction between two
/// fetches, so what was recorded stays whole and the rest is not begun.
pub async fn watch(ctx: &Context, out: Out<'_>, poll: u64) -> Result<Status, CliError> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let stop = Arc::new(AtomicBool::new(false));
    let notify = Arc::new(tokio::sync::Notify::new());
    let abort = Arc::new(tokio::sync::Notify::new());
    {
        let (stop, notify, abort) = (stop.clone(), notify.clone(), abort.clone());
        tokio::spawn(async move {
            wait_for_signal().await;
            stop.store(true, Ordering::SeqCst);
            notify.notify_waiters();
            wait_for_signal().await;
            // Kept until the pass asks, should it not be waiting yet.
            abort.notify_one();
        });
    }
    let abandoned = || {
        CliError::runtime("stopped by a second signal: the pass under way was abandoned")
            .hint("every check recorded before it is whole; the next pass checks the rest")
    };
    let mut store = ctx.store()?;
    let fetcher = ctx.fetcher()?;
    ctx.status("watching; stop with Ctrl-C or SIGTERM");
    // Notification hooks run across passes; a pass never waits for them.
    let mut hooks: Option<crate::notify::Notifier> = None;
    while !stop.load(Ordering::SeqCst) {
        let now = crate::clock::rfc3339(ctx.clock.now());
        let feeds = feeds_to_read(&store, true, &now)?;
        if !feeds.is_empty() {
            let read = Tracker::new(&mut store, fetcher.clone(), tracker_options(ctx))
                .check_feeds(&feeds)
                .await?;
            report_feeds(ctx, out, &read)?;
            out.flush()?;
        }
        if let Some(n) = &mut hooks {
            for d in n.finished() {
                store.record_delivery(&d)?;
            }
        }
        let due = store.due(&now)?;
        if !due.is_empty() {
            let mut tracker = Tracker::new(&mut store, fetcher.clone(), tracker_options(ctx))
                .defer_hooks(hooks.take());
            let results = tokio::select! {
                results = tracker.check(&due) => results?,
                _ = abort.notified() => return Err(abandoned()),
            };
            hooks = tracker.take_notifier();
            let changed = results
                .iter()
                .filter(|c| {
                    matches!(
                        c.outcome,
                        Outcome::Changed | Outcome::Revert | Outcome::Takedown | Outcome::First
                    )
                })
                .count();
            let failed = results.iter().filter(|c| c.failed()).count();
            for c in &results {
                match (&c.error, change_line(c)) {
                    (Some(e), _) if c.failed() => writeln!(out, "#{} failed: {e}", c.article_id)?,
                    (_, Some(line)) => writeln!(out, "{line}")?,
                    _ => {}
                }
            }
            out.flush()?;
            ctx.status(&format!(
                "{now}: checked {}, changed {changed}, failed {failed}",
                results.len()
            ));
            continue;
        }
        // Sleep until the next article is due, at most `poll` seconds.
        let wait = store
            .next_due_at()?
            .and_then(|n| crate::clock::parse_rfc3339(&n))
            .map(|n| n.duration_since(ctx.clock.now()).as_secs().max(1) as u64)
            .unwrap_or(poll)
            .min(poll.max(1));
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(wait)) => {}
            _ = notify.notified() => {}
        }
    }
    if let Some(mut n) = hooks {
        let settled = tokio::select! {
            settled = n.settle() => settled,
            _ = abort.notified() => return Err(abandoned()),
        };
        for d in settled {
            store.record_delivery(&d)?;
        }
    }
    ctx.status("stopped");
    Ok(Status::Success)
}

/// Resolves on SIGINT or (on Unix) SIGTERM.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `redline resume`: retired articles are checked again, from now.
pub fn resume(ctx: &Context, out: Out<'_>, targets: &[String]) -> Result<Status, CliError> {
    let mut store = ctx.store()?;
    let articles = targets_or_all(&store, targets, false)?;
    let now = crate::clock::rfc3339(ctx.clock.now());
    for a in &articles {
        store.resume(a.id, &now)?;
        let was = if a.retired_at.is_some() {
            "resumed"
        } else {
            "due now"
        };
        writeln!(out, "#{} {was}: {}", a.id, a.url)?;
    }
    Ok(Status::Success)
}

/// `redline reextract`: re-derive revisions from their raw pages.
pub fn reextract(
    ctx: &Context,
    out: Out<'_>,
    targets: &[String],
    all: bool,
) -> Result<Status, CliError> {
    let mut store = ctx.store()?;
    let articles = targets_or_all(&store, targets, all)?;
    let opts = tracker_options(ctx);
    let (mut changed, mut failed) = (0, false);
    for a in &articles {
        let r = crate::tracker::reextract(&mut store, a, &opts)?;
        changed += r.changed;
        writeln!(
            out,
            "#{}: {} revision{}, {} re-derived, {} technical",
            a.id,
            r.revisions,
            plural(r.revisions),
            r.changed,
            r.technical
        )?;
        for e in &r.errors {
            failed = true;
            out.flush()?;
            eprintln!("error: #{}: {e} (kept as recorded)", a.id);
        }
    }
    ctx.status(&format!(
        "re-extracted {} article{}, {changed} revision{} changed",
        articles.len(),
        if articles.len() == 1 { "" } else { "s" },
        plural(changed)
    ));
    Ok(Status::failed_if(failed))
}

/// `redline blame`: each paragraph (or sentence) with the revision that last
/// changed it.
pub fn blame(
    ctx: &Context,
    out: Out<'_>,
    target: &str,
    rev: Option<i64>,
    sentences: bool,
    json: bool,
) -> Result<Status, CliError> {
    use crate::diff::blame::Origins;
    let store = ctx.store_read()?;
    let a = resolve(&store, target)?;
    let upto = revision(&store, &a, rev)?.rev;
    let revisions: Vec<_> = store
        .revisions(a.id)?
        .into_iter()
        .filter(|r| r.rev <= upto)
        .collect();
    let mut bodies: Vec<Article> = Vec::with_capacity(revisions.len());
    let mut origins: Option<Origins> = None;
    for (i, r) in revisions.iter().enumerate() {
        let article = store.revision_article(r)?;
        origins = Some(match (origins, bodies.last()) {
            (Some(o), Some(prev)) => {
                let ops = match store.revision_diff(r)? {
                    Some(d) => d.body,
                    None => diff_articles(prev, &article, &DiffOptions::default()).body,
                };
                o.step(&prev.body, &article.body, &ops, i)
            }
            _ => Origins::first(&article.body, i),
        });
        bodies.push(article);
    }
    let (Some(origins), Some(last)) = (origins, bodies.last()) else {
        return Ok(Status::Success);
    };
    let p = &ctx.painter;
    for (k, (para, (origin, sentence_origins))) in
        last.body.iter().zip(&origins.paragraphs).enumerate()
    {
        let units: Vec<(Option<usize>, &str, usize)> = if sentences {
            crate::diff::words::sentences(para)
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    (
                        Some(i + 1),
                        s,
                        sentence_origins.get(i).copied().unwrap_or(*origin),
                    )
                })
                .collect()
        } else {
            vec![(None, para.as_str(), *origin)]
        };
        for (sentence, text_unit, o) in units {
            let since = &revisions[o];
            if json {
                json_line(
                    out,
                    &crate::render::json::BlameJson {
                        kind: "blame",
                        article_id: a.id,
                        rev: upto,
                        paragraph: k + 1,
                        sentence,
                        text: text_unit,
                        since_rev: since.rev,
                        since: &since.captured_at,
                    },
                )?;
            } else {
                let label = format!("{:>4}  {}", since.rev, text::short_time(&since.captured_at));
                writeln!(out, "{}  {text_unit}", p.paint(Role::Meta, &label))?;
            }
        }
        if sentences && !json && k + 1 < last.body.len() {
            writeln!(out)?;
        }
    }
    Ok(Status::Success)
}

/// `redline status`: is the tracker working?
pub fn status(ctx: &Context, out: Out<'_>, json: bool) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    let totals = store.totals()?;
    let problems = store.problems()?;
    let mut report = StatusJson::new(&totals, &problems);
    let now_ts = ctx.clock.now();
    let now = crate::clock::rfc3339(now_ts);
    report.due_now = store.due(&now)?.len() as i64;
    report.next_due_at = store.next_due_at()?.filter(|n| *n > now);
    let two_days_ago = crate::clock::rfc3339(now_ts - jiff::SignedDuration::from_hours(48));
    report.quiet_feeds = store
        .feeds()?
        .into_iter()
        .filter(|f| {
            f.added_at < two_days_ago && f.last_new_at.as_ref().is_none_or(|n| *n < two_days_ago)
        })
        .map(|f| crate::render::json::QuietFeedJson {
            id: f.id,
            url: f.url,
            last_new_at: f.last_new_at,
        })
        .collect();
    let week_ago = crate::clock::rfc3339(now_ts - jiff::SignedDuration::from_hours(24 * 7));
    report.failed_notifications = store.failed_deliveries(&week_ago)?;
    report.last_pass = store.last_pass()?;
    if json {
        json_line(out, &report)?;
        return Ok(Status::Success);
    }
    let p = &ctx.painter;
    writeln!(
        out,
        "{} articles, {} revisions, {} checks; last check {}",
        report.articles,
        report.revisions,
        report.checks,
        report
            .last_checked_at
            .map_or("never".to_owned(), text::short_time)
    )?;
    for (title, items) in [
        ("failing", &report.failing),
        ("extraction alarms", &report.alarms),
    ] {
        if items.is_empty() {
            continue;
        }
        writeln!(
            out,
            "\n{}",
            p.paint(Role::Header, &format!("{title} ({})", items.len()))
        )?;
        for i in items {
            writeln!(
                out,
                "  #{} since {} ({} check{}): {}",
                i.id,
                text::short_time(i.since),
                i.checks,
                plural(i.checks),
                i.error.unwrap_or("")
            )?;
        }
    }
    let next = report
        .next_due_at
        .as_deref()
        .map_or("none".to_owned(), text::short_time);
    if let Some(pass) = &report.last_pass {
        let secs = pass.duration_ms as f64 / 1000.0;
        writeln!(
            out,
            "last pass: {}, {} article{} in {secs:.1} s ({:.0}/s), {} changed, {} failed",
            text::short_time(&pass.started_at),
            pass.articles,
            plural(pass.articles),
            pass.articles as f64 / secs.max(0.001),
            pass.changed,
            pass.failed
        )?;
    }
    writeln!(out, "due now: {}; next due: {next}", report.due_now)?;
    if !report.refusing_hosts.is_empty() {
        writeln!(
            out,
            "\n{}",
            p.paint(Role::Header, "hosts refusing (403/429)")
        )?;
        for (host, n) in &report.refusing_hosts {
            writeln!(
                out,
                "  {host}: {n} article{}",
                if *n == 1 { "" } else { "s" }
            )?;
        }
    }
    if !report.quiet_feeds.is_empty() {
        writeln!(
            out,
            "\n{}",
            p.paint(Role::Header, "feeds quiet for two days or more")
        )?;
        for f in &report.quiet_feeds {
            let last = f
                .last_new_at
                .as_deref()
                .map_or("never".to_owned(), text::short_time);
            writeln!(out, "  feed #{} {} (last new article: {last})", f.id, f.url)?;
        }
    }
    if !report.failed_notifications.is_empty() {
        writeln!(
            out,
            "\n{}",
            p.paint(
                Role::Header,
                &format!(
                    "notifications failed in the last week ({})",
                    report.failed_notifications.len()
                )
            )
        )?;
        for d in &report.failed_notifications {
            writeln!(
                out,
                "  {} for #{} rev {} at {} after {} attempt{}: {}",
                d.hook,
                d.article_id,
                d.rev,
                text::short_time(&d.attempted_at),
                d.attempts,
                plural(d.attempts),
                d.error.as_deref().unwrap_or("")
            )?;
        }
    }
    if report.failing.is_empty() && report.alarms.is_empty() && report.articles > 0 {
        writeln!(
            out,
            "{}",
            p.paint(Role::Meta, "no failing articles, no extraction alarms")
        )?;
    }
    Ok(Status::Success)
}

/// `redline config show`: every effective setting and its source.
pub fn config_show(ctx: &Context, out: Out<'_>) -> Result<Status, CliError> {
    let c = &ctx.config;
    let file = c
        .file
        .as_ref()
        .map_or("(none)".to_owned(), |p| p.display().to_string());
    writeln!(out, "config file  = {file}")?;
    let db = match &ctx.db {
        Some(p) => format!("{}  # --db or REDLINE_DB", p.display()),
        None => super::default_db().map_or("(no data directory)".to_owned(), |p| {
            format!("{}  # default", p.display())
        }),
    };
    writeln!(out, "db           = {db}")?;
    writeln!(
        out,
        "timeout      = {}  # {}",
        c.timeout.value, c.timeout.source
    )?;
    let settings: [(&str, String, &crate::config::Source); 6] = [
        (
            "concurrency",
            c.concurrency.value.to_string(),
            &c.concurrency.source,
        ),
        (
            "host_concurrency",
            c.host_concurrency.value.to_string(),
            &c.host_concurrency.source,
        ),
        (
            "host_delay",
            format!("{}s", c.host_delay.value),
            &c.host_delay.source,
        ),
        ("retries", c.retries.value.to_string(), &c.retries.source),
        ("robots", c.robots.value.to_string(), &c.robots.source),
        (
            "extract_budget",
            format!("{}s", c.extract_budget.value),
            &c.extract_budget.source,
        ),
    ];
    for (name, value, source) in settings {
        writeln!(out, "{name:<14} = {value}  # {source}")?;
    }
    writeln!(
        out,
        "user_agent   = {:?}  # {}",
        ctx.policy.user_agent, c.contact.source
    )?;
    let s = &c.schedule.value;
    writeln!(
        out,
        "schedule     = initial {}, factor {}, max {}, retire after {}  # {}",
        crate::schedule::format_duration(s.initial),
        s.factor,
        crate::schedule::format_duration(s.max),
        crate::schedule::format_duration(s.retire_after),
        c.schedule.source
    )?;
    for (i, h) in c.hooks.iter().enumerate() {
        let classes = if h.classes.is_empty() {
            "any change".to_owned()
        } else {
            h.classes.join(", ")
        };
        writeln!(
            out,
            "hook {}       = {} on {classes}  # {file}",
            i + 1,
            h.label()
        )?;
    }
    for (host, rule) in &c.sites {
        writeln!(out, "site {host:?}  # {file}")?;
        if let Some(s) = &rule.select {
            writeln!(out, "  select = {s:?}")?;
        }
        if !rule.remove.is_empty() {
            writeln!(out, "  remove = {:?}", rule.remove)?;
        }
        if let Some(t) = &rule.title {
            writeln!(out, "  title  = {t:?}")?;
        }
    }
    Ok(Status::Success)
}

pub(super) fn json_line(out: Out<'_>, value: &impl serde::Serialize) -> Result<(), CliError> {
    serde_json::to_writer(&mut *out, value).map_err(|e| {
        if e.is_io() {
            CliError::from(std::io::Error::from(e))
        } else {
            CliError::runtime(format!("encoding JSON: {e}"))
        }
    })?;
    writeln!(out)?;
    Ok(())
}

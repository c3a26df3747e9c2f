//! `track` (URLs, a list, a feed), `untrack` and `resume`.

use super::*;

/// How `track` tracks what it is given.
#[derive(Debug, Clone)]
pub struct TrackFlags<'a> {
    /// `--selector`: the body's CSS selector.
    pub selector: Option<&'a str>,
    /// `--every`, `--until`.
    pub pace: Pace,
    /// `--adaptive` was given.
    pub adaptive: bool,
    /// `--keep`: keep a URL whose first fetch fails.
    pub keep: bool,
}

pub async fn track(
    ctx: &Context,
    out: Out<'_>,
    urls: &[String],
    listed: &[Listed],
    flags: &TrackFlags<'_>,
) -> Result<Status, CliError> {
    let TrackFlags {
        selector,
        ref pace,
        adaptive,
        keep,
    } = *flags;
    if let Some(css) = selector {
        check_selector(css)?;
    }
    // Validate every URL given before touching the database; a bad line of a
    // list is named and left out, and the others still go in.
    let mut parsed = urls
        .iter()
        .map(|u| parse_url(u))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            CliError::from(e).hint("give a full URL such as https://example.com/news/story")
        })?;
    let mut failed = 0;
    for line in listed {
        match parse_url(&line.text) {
            Ok(url) => parsed.push(url),
            Err(e) => {
                failed += 1;
                ctx.item_error(&format!("{}:{}: {e}", line.file, line.number));
            }
        }
    }
    if failed > 0 {
        ctx.hint("each line holds one full URL, such as https://example.com/news/story");
    }
    let mut store = ctx.store()?;
    let fetcher = ctx.fetcher()?;
    let bar = super::pass::progress(ctx, parsed.len());
    let results = Tracker::new(&mut store, fetcher, tracker_options(ctx))
        .on_result(|_| {
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        })
        .track(&parsed, selector, pace)
        .await?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let mut dropped = false;
    for r in &results {
        match r {
            TrackResult::AlreadyTracked { id, url } => {
                writeln!(out, "#{id} already tracked: {url}")?;
                if let Some(a) = store.article(*id)? {
                    not_applied(ctx, &a, selector, pace, adaptive);
                }
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
            TrackResult::Added(c) if c.failed() && !keep => {
                // Nothing was ever fetched: no zombie left to fail at every check.
                failed += 1;
                dropped = true;
                store.delete_article(c.article_id)?;
                let why = c.error.as_deref().unwrap_or("the first fetch failed");
                writeln!(out, "not tracked: {why}")?;
                if let Some(h) = c.hint {
                    ctx.hint(h);
                }
            }
            TrackResult::Added(c) => {
                failed += usize::from(c.failed());
                report(ctx, out, c, true)?;
            }
        }
    }
    if dropped {
        ctx.hint("`redline track --keep URL` tracks a page whose first fetch failed and retries it at each check");
    }
    Ok(Status::failed_if(failed > 0))
}

/// `track` on an article already tracked changes nothing: says which of the
/// flags given differ from how it is checked, and the `set` that applies them.
fn not_applied(ctx: &Context, a: &ArticleRow, selector: Option<&str>, pace: &Pace, adaptive: bool) {
    let mut flags = Vec::new();
    if let Some(secs) = pace.every_secs.filter(|s| a.every_secs != Some(*s)) {
        let d = std::time::Duration::from_secs(secs.max(0) as u64);
        flags.push(format!("--every {}", crate::schedule::format_duration(d)));
    }
    if adaptive && a.every_secs.is_some() {
        flags.push("--adaptive".to_owned());
    }
    if let Some(until) = pace
        .until
        .as_deref()
        .filter(|u| a.until.as_deref() != Some(*u))
    {
        flags.push(format!("--until {}", until.get(..10).unwrap_or(until)));
    }
    if let Some(css) = selector.filter(|css| a.selector.as_deref() != Some(*css)) {
        flags.push(format!("--selector '{css}'"));
    }
    if !flags.is_empty() {
        let flags = flags.join(" ");
        ctx.status(&format!(
            "#{}: {flags} not applied (it was already tracked)",
            a.id
        ));
        ctx.hint(&format!("`redline set {} {flags}` changes it", a.id));
    }
}

/// A `--selector` that CSS can read.
fn check_selector(css: &str) -> Result<(), CliError> {
    let rule = crate::extract::SiteRule {
        select: Some(css.to_owned()),
        ..Default::default()
    };
    crate::extract::validate_rule(&rule).map_err(|e| {
        CliError::usage(e.to_string()).hint("give a CSS selector such as 'div.article-body'")
    })
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

/// One entry of a list file, with where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The file's name as given (`-`: stdin).
    pub file: String,
    /// Its line number, from 1.
    pub number: usize,
    pub text: String,
}

/// The entries of a list file (`-` for stdin), one per line: trimmed, blank
/// lines skipped, and a `#` that starts a line or follows a space starts a
/// comment (`https://example.com/a  # the mayor's story`; a URL's own
/// `#fragment` stays).
pub fn read_list(path: &std::path::Path) -> Result<Vec<Listed>, CliError> {
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
    let file = path.display().to_string();
    Ok(text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line = match line.find(" #").or_else(|| line.find("\t#")) {
                Some(at) => &line[..at],
                None => line,
            };
            let line = line.trim();
            (!line.is_empty() && !line.starts_with('#')).then(|| Listed {
                file: file.clone(),
                number: i + 1,
                text: line.to_owned(),
            })
        })
        .collect())
}

/// What `untrack` does with the articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// Stop checking; the history stays.
    Untrack,
    /// Delete with the history, after asking on a terminal (`--delete`).
    DeleteIfConfirmed,
    /// Delete with the history without asking (`--delete --yes`).
    Delete,
}

/// `redline untrack`: stop checking (history kept), or delete with `--delete`.
pub fn untrack(
    ctx: &Context,
    out: Out<'_>,
    targets: &[String],
    removal: Removal,
) -> Result<Status, CliError> {
    let mut store = ctx.store()?;
    let articles = targets_or_all(&store, targets, false)?;
    if removal == Removal::DeleteIfConfirmed {
        let ids: std::collections::HashSet<i64> = articles.iter().map(|a| a.id).collect();
        let revisions: i64 = store
            .summaries()?
            .iter()
            .filter(|s| ids.contains(&s.article.id))
            .map(|s| s.revisions)
            .sum();
        let n = articles.len();
        let question = format!(
            "delete {n} article{} and {revisions} revision{} for good?",
            plural(n),
            plural(revisions)
        );
        match ctx.confirm(&question) {
            Some(true) => {}
            Some(false) => {
                ctx.status("nothing deleted");
                return Ok(Status::Failure);
            }
            None => {
                return Err(CliError::usage(format!(
                    "untrack --delete would {question:?}, and there is no terminal to ask"
                ))
                .hint(
                    "add --yes to delete without asking, or leave out --delete to keep the history",
                ));
            }
        }
    }
    let now = crate::clock::rfc3339(ctx.clock.now());
    for a in &articles {
        if removal == Removal::Untrack {
            store.untrack(a.id, &now)?;
            writeln!(
                out,
                "#{} untracked (history kept; `redline resume {}` undoes it): {}",
                a.id, a.id, a.url
            )?;
        } else {
            store.delete_article(a.id)?;
            writeln!(out, "#{} deleted with its history: {}", a.id, a.url)?;
        }
    }
    Ok(Status::Success)
}

/// What `redline set`'s flags ask for.
pub fn settings(
    every: Option<&str>,
    adaptive: bool,
    until: Option<&str>,
    no_until: bool,
    selector: Option<&str>,
    no_selector: bool,
) -> Result<Settings, CliError> {
    let pace = pace(every, until)?;
    if let Some(css) = selector {
        check_selector(css)?;
    }
    Ok(Settings {
        every_secs: match (pace.every_secs, adaptive) {
            (Some(s), _) => Some(Some(s)),
            (None, true) => Some(None),
            (None, false) => None,
        },
        until: match (pace.until, no_until) {
            (Some(u), _) => Some(Some(u)),
            (None, true) => Some(None),
            (None, false) => None,
        },
        selector: match (selector, no_selector) {
            (Some(css), _) => Some(Some(css.to_owned())),
            (None, true) => Some(None),
            (None, false) => None,
        },
    })
}

/// `redline set`: change how tracked articles are checked.
pub fn set(
    ctx: &Context,
    out: Out<'_>,
    targets: &[String],
    set: &Settings,
) -> Result<Status, CliError> {
    let mut store = ctx.store()?;
    let articles = targets_or_all(&store, targets, false)?;
    let now = crate::clock::rfc3339(ctx.clock.now());
    for a in &articles {
        let a = store.set_article(a.id, set, &now)?;
        writeln!(out, "#{} {}: {}", a.id, describe_settings(&a), a.url)?;
        match a.stopped() {
            Some(crate::store::Stopped::Untracked(_)) => ctx.hint(&format!(
                "#{} is untracked: `redline resume {}` checks it again",
                a.id, a.id
            )),
            Some(_) => ctx.hint(&format!(
                "#{} is retired: `redline resume {}` checks it again",
                a.id, a.id
            )),
            None => {}
        }
    }
    Ok(Status::Success)
}

/// "every 1h, until 2026-12-31, selector 'div.body'".
fn describe_settings(a: &ArticleRow) -> String {
    let pace = match a.every_secs {
        Some(s) => format!(
            "every {}",
            crate::schedule::format_duration(std::time::Duration::from_secs(s.max(0) as u64))
        ),
        None => "adaptive".to_owned(),
    };
    let until = match &a.until {
        Some(u) => format!("until {}", u.get(..10).unwrap_or(u)),
        None => "no last date".to_owned(),
    };
    let selector = match &a.selector {
        Some(css) => format!("selector {css:?}"),
        None => "generic extractor".to_owned(),
    };
    let next = match (&a.retired_at, &a.next_check_at) {
        (None, Some(n)) => format!(
            ", next check {}",
            n.get(..16).unwrap_or(n).replace('T', " ")
        ),
        _ => String::new(),
    };
    format!("{pace}, {until}, {selector}{next}")
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

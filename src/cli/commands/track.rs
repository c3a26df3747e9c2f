//! `track` (URLs, a list, a feed), `untrack` and `resume`.

use super::*;

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
            TrackResult::Added(c) => {
                failed += usize::from(c.failed());
                report(ctx, out, c, true)?;
            }
        }
    }
    Ok(Status::failed_if(failed > 0))
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

//! One function per command, one file per family (`track`, `pass`, `view`,
//! `diff`, `extract`, `upkeep`: export, import, verify, gc).
//! Each writes data to `out` and status to stderr (through [`Context`]); the
//! line that says what a check did comes from `render::text::check_line`.
//! Must not: hold SQL, decide what a check means, or format what `render`
//! formats.

use std::io::Write;

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
use crate::store::{ArticleRow, Outcome, Pace, RevisionRow, Settings, Store};
use crate::tracker::{CheckResult, TrackResult, Tracker, TrackerOptions};

mod diff;
mod extract;
mod hooks;
mod pass;
mod search;
mod serve;
mod track;
mod upkeep;
mod view;
mod worker;

pub use diff::{DiffView, View, diff};
pub use extract::{ExtractHow, extract, reextract};
pub use hooks::{hooks_list, hooks_test};
use pass::report_feeds;
pub use pass::{check, watch};
pub use search::{SearchArgs, search};
pub use serve::serve;
pub use track::{
    Removal, TrackFlags, read_list, resume, set, settings, track, track_feed, untrack,
};
pub use upkeep::{ExportArgs, export, gc, import, verify};
pub(crate) use view::moved_words;
pub use view::{blame, config_show, feeds, list, log, show, status};
pub use worker::{WorkerArgs, worker};

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
        credentials: std::sync::Arc::new(ctx.config.credentials.clone()),
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

/// Writes the line that says what a check did (if any), and for a failure
/// or an alarm its hint.
fn report(ctx: &Context, out: Out<'_>, c: &CheckResult, tracking: bool) -> Result<(), CliError> {
    if let Some(line) = text::check_line(c, tracking) {
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    if matches!(c.outcome, Outcome::Failed | Outcome::Alarm)
        && let Some(h) = c.hint
    {
        ctx.hint(h);
    }
    Ok(())
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

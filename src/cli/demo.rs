//! `redline demo`: the whole pipeline on the bundled sample articles, offline.
//!
//! Serves every article's versions from a local server on 127.0.0.1, tracks
//! them in a fresh database, steps through the versions with a check after
//! each, then prints each article's log and word diffs.

use std::io::Write;
use std::path::PathBuf;

use super::{CliError, Context, Status};
use crate::render::Role;
use crate::render::diff::{DiffInput, ViewOptions};
use crate::render::text;
use crate::serve::{Route, Server};
use crate::snapshots::ARTICLES;
use crate::store::Store;
use crate::tracker::{TrackResult, Tracker, TrackerOptions};

pub async fn run(
    ctx: &Context,
    out: &mut dyn Write,
    keep: Option<PathBuf>,
) -> Result<Status, CliError> {
    let tmp = tempfile::tempdir()
        .map_err(|e| CliError::runtime(format!("cannot create a temporary folder: {e}")))?;
    let db = match keep {
        Some(p) if p.exists() => {
            return Err(CliError::usage(format!("{} already exists", p.display()))
                .hint("--keep writes a new database; choose a path that does not exist"));
        }
        Some(p) => p,
        None => tmp.path().join("demo.db"),
    };
    let server = Server::start().map_err(|e| {
        CliError::runtime(format!("cannot start the demo server on 127.0.0.1: {e}"))
    })?;
    let mut store = Store::open(&db)?;
    // The demo server is local and ours: no spacing, no robots.txt.
    let fetcher = crate::fetch::Fetcher::new(crate::fetch::FetchPolicy {
        host_delay: std::time::Duration::ZERO,
        robots: false,
        retries: 0,
        ..ctx.policy.clone()
    })?;
    // The demo's sites are fictional: no config rule applies to them.
    let opts = TrackerOptions {
        clock: ctx.clock,
        ..TrackerOptions::default()
    };
    let p = &ctx.painter;

    writeln!(
        out,
        "{}",
        p.paint(
            Role::Header,
            "redline demo: three sample articles, served from 127.0.0.1"
        )
    )?;
    for a in ARTICLES {
        server.set(a.path, Route::html(a.versions[0].html));
    }
    let urls: Vec<url::Url> = ARTICLES
        .iter()
        .map(|a| url::Url::parse(&server.url(a.path)).expect("a local URL parses"))
        .collect();
    let mut ids = Vec::new();
    {
        let mut tracker = Tracker::new(&mut store, fetcher.clone(), opts.clone());
        writeln!(
            out,
            "\n{}",
            p.paint(Role::Header, "step 1: track (first versions)")
        )?;
        for (a, r) in ARTICLES
            .iter()
            .zip(tracker.track(&urls, None, &Default::default()).await?)
        {
            let TrackResult::Added(c) = r else {
                unreachable!("a fresh database tracks nothing yet")
            };
            ids.push(c.article_id);
            writeln!(
                out,
                "  #{} {:<44} {}",
                c.article_id,
                a.site,
                text::check_summary(&c)
            )?;
        }
        let steps = ARTICLES.iter().map(|a| a.versions.len()).max().unwrap_or(0);
        for step in 1..steps {
            writeln!(
                out,
                "\n{}",
                p.paint(Role::Header, &format!("step {}: check", step + 1))
            )?;
            for a in ARTICLES {
                if let Some(v) = a.versions.get(step) {
                    server.set(a.path, Route::html(v.html));
                }
            }
            let rows: Vec<_> = ids
                .iter()
                .map(|id| tracker_article(&mut tracker, *id))
                .collect::<Result<_, _>>()?;
            for (a, c) in ARTICLES.iter().zip(tracker.check(&rows).await?) {
                let note = a.versions.get(step).map_or("(no new version)", |v| v.note);
                writeln!(
                    out,
                    "  #{} {:<26} {}",
                    c.article_id,
                    text::check_summary(&c),
                    p.paint(Role::Meta, note)
                )?;
            }
        }
    }
    for (a, id) in ARTICLES.iter().zip(&ids) {
        writeln!(
            out,
            "\n{}",
            p.paint(Role::Header, &format!("── #{id} {} ──", a.site))
        )?;
        let revisions = store.revisions(*id)?;
        let moved = super::commands::moved_words(&store, &revisions)?;
        text::log(out, p, &revisions, &moved)?;
        for pair in revisions.windows(2) {
            let (prev, r) = (&pair[0], &pair[1]);
            let Some(d) = store.revision_diff(r)? else {
                continue;
            };
            let old = store.revision_article(prev)?;
            let new = store.revision_article(r)?;
            writeln!(
                out,
                "\n{}",
                p.paint(Role::Header, &format!("rev {} → rev {}", r.rev - 1, r.rev))
            )?;
            let input = DiffInput {
                old: &old,
                new: &new,
                diff: &d,
                old_label: format!("rev {}", prev.rev),
                new_label: format!("rev {}", r.rev),
                cite: None,
            };
            let view = ViewOptions {
                context: 0,
                width: ctx.width(),
            };
            crate::render::diff::inline(out, p, &input, view)?;
        }
    }
    writeln!(out)?;
    out.flush()?;
    ctx.status(&format!(
        "demo database: {}{}",
        db.display(),
        if db.starts_with(tmp.path()) {
            " (removed on exit; keep it with --keep PATH)"
        } else {
            ""
        }
    ));
    if !db.starts_with(tmp.path()) {
        ctx.hint(&format!(
            "explore it: redline --db {} export --all --format html -o site/ (or jsonl, csv, md, atom, git, warc)",
            db.display()
        ));
    }
    Ok(Status::Success)
}

fn tracker_article(
    tracker: &mut Tracker<'_>,
    id: i64,
) -> Result<crate::store::ArticleRow, CliError> {
    tracker
        .store()
        .article(id)?
        .ok_or_else(|| CliError::runtime(format!("article #{id} vanished from the demo database")))
}

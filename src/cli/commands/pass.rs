//! The passes: `check` once, `watch` until stopped (signals, feeds, hooks).

use super::*;

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
    if articles.is_empty() && due {
        ctx.status(&nothing_due(&store, ctx)?);
    }
    let bar = progress(ctx, articles.len());
    let (mut seen_changed, mut seen_failed) = (0, 0);
    // Each article's line is printed as its check is recorded (above the
    // bar), not at the end of the pass.
    let mut written: Result<(), CliError> = Ok(());
    let results = Tracker::new(&mut store, fetcher, tracker_options(ctx))
        .on_result(|c| {
            if written.is_ok() {
                written = match &bar {
                    Some(bar) => bar.suspend(|| report(ctx, &mut *out, c, false)),
                    None => report(ctx, &mut *out, c, false),
                };
            }
            if let Some(bar) = &bar {
                seen_changed += usize::from(c.rev.is_some());
                seen_failed += usize::from(c.failed());
                bar.set_message(format!("changed {seen_changed}, failed {seen_failed}"));
                bar.inc(1);
            }
        })
        .check(&articles)
        .await?;
    written?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let (mut changed, mut failed, mut alarms) = (0, 0, 0);
    for c in &results {
        match c.outcome {
            Outcome::Failed => failed += 1,
            Outcome::Alarm => alarms += 1,
            o if o.is_change() => changed += 1,
            _ => {}
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

/// What `check --due` says when nothing is due: when the next check is.
fn nothing_due(store: &Store, ctx: &Context) -> Result<String, CliError> {
    let Some(next) = store.next_due_at()? else {
        return Ok(if store.articles()?.is_empty() {
            "nothing is tracked: `redline track URL` starts".to_owned()
        } else {
            "nothing due, and nothing scheduled: every article is untracked or retired".to_owned()
        });
    };
    let now = ctx.clock.now();
    let wait = crate::clock::parse_rfc3339(&next)
        .map(|at| at.duration_since(now).as_secs().max(0) as u64)
        .unwrap_or(0);
    let wait =
        crate::schedule::format_duration(std::time::Duration::from_secs(wait.max(60) / 60 * 60));
    Ok(format!(
        "nothing due; the next check is at {}, in {wait}",
        text::short_time(&next)
    ))
}

/// A progress bar on stderr for a pass of `total` articles: only on a
/// terminal, without `-q`, and for more than a handful.
pub(super) fn progress(ctx: &Context, total: usize) -> Option<indicatif::ProgressBar> {
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

/// One line per feed read (and per article it brought), failures counted.
pub(super) fn report_feeds(
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
            failed |= c.failed();
            report(ctx, out, c, true)?;
        }
    }
    Ok(Status::failed_if(failed))
}

/// Feeds to read in a pass: all, or those due at `now`.
pub(super) fn feeds_to_read(
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
            let changed = results.iter().filter(|c| c.outcome.is_change()).count();
            let failed = results.iter().filter(|c| c.failed()).count();
            for c in &results {
                report(ctx, out, c, false)?;
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
pub(super) async fn wait_for_signal() {
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

//! `redline worker`: one of any number of processes, on any number of
//! machines, sharing one database (PostgreSQL, or a SQLite file on one
//! machine). Each round it takes due feeds and due *hosts* for a lease,
//! checks what is due on them with the tracker and its politeness, and
//! gives each host back with the time its next request may start; the
//! lease is renewed while the work lasts, so only a dead worker's hosts
//! are taken over. SIGINT/SIGTERM finish the hosts in hand, then stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::*;
use crate::clock::{parse_rfc3339, rfc3339};

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerArgs {
    /// One pass over what is due, then exit.
    pub once: bool,
    /// Seconds to wait at most between looks for due work.
    pub poll: u64,
    /// Hosts taken at a time.
    pub hosts: usize,
    /// How long a lease lasts unless renewed.
    pub lease: Duration,
    /// The name leases are held under (host name and process id by default).
    pub name: Option<String>,
}

/// The wall clock, for leases: they must run out in real time whatever
/// clock the checks are dated by.
fn wall(after: Duration) -> String {
    let now = jiff::Timestamp::now();
    rfc3339(
        now.checked_add(jiff::SignedDuration::try_from(after).unwrap_or_default())
            .unwrap_or(now),
    )
}

pub async fn worker(ctx: &Context, out: Out<'_>, args: &WorkerArgs) -> Result<Status, CliError> {
    let name = args.name.clone().unwrap_or_else(|| {
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "worker".into());
        format!("{host}:{}", std::process::id())
    });
    let stop = Arc::new(AtomicBool::new(false));
    let woken = Arc::new(tokio::sync::Notify::new());
    {
        let (stop, woken) = (stop.clone(), woken.clone());
        tokio::spawn(async move {
            super::pass::wait_for_signal().await;
            stop.store(true, Ordering::SeqCst);
            woken.notify_waiters();
        });
    }
    let mut store = ctx.store()?;
    // Notifications go out from the outbox, whichever worker records the
    // revision: the tracker starts none itself. Without hooks there is
    // nothing to send, and nothing is put there.
    let hooks = Arc::new(ctx.config.hooks.clone());
    if !hooks.is_empty() {
        store.use_outbox();
    }
    let options = || TrackerOptions {
        hooks: Arc::new(Vec::new()),
        ..tracker_options(ctx)
    };
    // Leases are renewed on a connection of their own, beside the checks.
    let mut leases = ctx.store()?;
    let fetcher = ctx.fetcher()?;
    ctx.status(&format!(
        "worker {name} on {}; stop with Ctrl-C or SIGTERM",
        store.path().display()
    ));
    let (mut checked, mut changed, mut failed) = (0usize, 0usize, 0usize);
    let worker = Worker {
        ctx,
        args,
        name: &name,
        hooks: &hooks,
        fetcher: &fetcher,
        options: &options,
    };
    while !stop.load(Ordering::SeqCst) {
        match worker.round(out, &mut store, &mut leases).await {
            Ok(Round::Worked(results)) => {
                for c in &results {
                    checked += 1;
                    changed += usize::from(c.outcome.is_change());
                    failed += usize::from(c.failed());
                }
            }
            Ok(Round::Idle(_)) if args.once => break,
            Ok(Round::Idle(wait)) => {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = woken.notified() => {}
                }
            }
            // The database went away (a restart, a failover): what this
            // round had written stays, the rest is done again once it is
            // back (the store connects again by itself; this worker's
            // hosts are still its own).
            Err(Failure::Lost(e)) => {
                ctx.status(&format!(
                    "worker {name}: lost the database ({}); carrying on when it is back",
                    crate::errors::one_line(&e)
                ));
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(Failure::Other(e)) => return Err(e),
        }
    }
    match deliver(&mut store, ctx, &name, &hooks, args.lease).await {
        Ok(()) | Err(Failure::Lost(_)) => {}
        Err(Failure::Other(e)) => return Err(e),
    }
    ctx.status(&format!(
        "worker {name}: checked {checked}, changed {changed}, failed {failed}"
    ));
    Ok(Status::failed_if(failed > 0))
}

/// Whether a robots.txt read at `at` is young enough to go by (a day).
fn fresh(at: &str) -> bool {
    parse_rfc3339(at).is_some_and(|t| {
        jiff::Timestamp::now().duration_since(t) < jiff::SignedDuration::from_hours(24)
    })
}

/// Why a round stopped short.
enum Failure {
    /// The database went away; the round can be done again.
    Lost(crate::store::StoreError),
    Other(CliError),
}

impl From<crate::store::StoreError> for Failure {
    fn from(e: crate::store::StoreError) -> Self {
        if e.is_lost_connection() {
            Failure::Lost(e)
        } else {
            Failure::Other(e.into())
        }
    }
}

impl From<CliError> for Failure {
    fn from(e: CliError) -> Self {
        Failure::Other(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.into())
    }
}

/// What one round did.
enum Round {
    /// Checked these.
    Worked(Vec<CheckResult>),
    /// Nothing due: look again after this long.
    Idle(Duration),
}

/// What every round of one worker shares.
struct Worker<'a, F: Fn() -> TrackerOptions> {
    ctx: &'a Context,
    args: &'a WorkerArgs,
    name: &'a str,
    hooks: &'a Arc<Vec<crate::notify::Hook>>,
    fetcher: &'a crate::fetch::Fetcher,
    options: &'a F,
}

impl<F: Fn() -> TrackerOptions> Worker<'_, F> {
    /// Due feeds, then due hosts: taken, checked, given back; then the
    /// notifications waiting.
    async fn round(
        &self,
        out: Out<'_>,
        store: &mut Store,
        leases: &mut Store,
    ) -> Result<Round, Failure> {
        let (ctx, args, name) = (self.ctx, self.args, self.name);
        let due_at = rfc3339(ctx.clock.now());
        let feeds = store.claim_feeds(name, &wall(Duration::ZERO), &wall(args.lease), &due_at)?;
        if !feeds.is_empty() {
            let read = Tracker::new(store, self.fetcher.clone(), (self.options)())
                .check_feeds(&feeds)
                .await;
            for f in &feeds {
                store.release_feed(name, f.id)?;
            }
            report_feeds(ctx, out, &read?)?;
        }
        let hosts = store.claim_hosts(
            name,
            &wall(Duration::ZERO),
            &wall(args.lease),
            &due_at,
            args.hosts,
        )?;
        deliver(store, ctx, name, self.hooks, args.lease).await?;
        if hosts.is_empty() {
            let wait = store
                .next_due_at()?
                .and_then(|n| parse_rfc3339(&n))
                .map(|n| n.duration_since(ctx.clock.now()).as_secs().max(1) as u64)
                .unwrap_or(args.poll)
                .min(args.poll.max(1));
            return Ok(Round::Idle(Duration::from_secs(wait)));
        }
        let mut articles = Vec::new();
        for h in &hosts {
            // The turn the last worker gave the host holds here too.
            if let Some(wait) = h
                .next_allowed_at
                .as_deref()
                .and_then(parse_rfc3339)
                .map(|t| t.duration_since(jiff::Timestamp::now()))
                .filter(|d| d.is_positive())
            {
                self.fetcher.not_before(&h.host, wait.unsigned_abs()).await;
            }
            // Its robots.txt as a worker read it within the day.
            if let Some((text, _)) = h.robots.as_ref().filter(|(_, at)| fresh(at)) {
                self.fetcher.robots_known(&h.host, text);
            }
            articles.extend(store.due_on_host(&h.host, &due_at)?);
        }
        let renew_every = args.lease / 3;
        let mut renewed = std::time::Instant::now();
        let mut renewal: Result<(), crate::store::StoreError> = Ok(());
        let results = Tracker::new(store, self.fetcher.clone(), (self.options)())
            .on_result(|_| {
                if renewed.elapsed() >= renew_every && renewal.is_ok() {
                    renewed = std::time::Instant::now();
                    renewal = leases.renew_leases(name, &wall(args.lease)).map(drop);
                }
            })
            .check(&articles)
            .await?;
        renewal?;
        let now = wall(Duration::ZERO);
        for h in &hosts {
            let next = self.fetcher.next_turn(&h.host).map(wall);
            // Kept for the next worker when this one read it afresh.
            let read = match &h.robots {
                Some((_, at)) if fresh(at) => None,
                _ => self.fetcher.robots_read(&h.host),
            };
            let robots = read.as_deref().map(|text| (text, now.as_str()));
            store.release_host(name, &h.host, next.as_deref(), robots)?;
        }
        for c in &results {
            report(ctx, out, c, false)?;
        }
        out.flush()?;
        Ok(Round::Worked(results))
    }
}

/// Delivers the notifications waiting in the outbox that no other worker
/// has claimed, and records how each hook went.
async fn deliver(
    store: &mut Store,
    ctx: &Context,
    name: &str,
    hooks: &Arc<Vec<crate::notify::Hook>>,
    lease: Duration,
) -> Result<(), Failure> {
    loop {
        let claimed = store.claim_outbox(name, &wall(Duration::ZERO), &wall(lease), 64)?;
        if claimed.is_empty() {
            return Ok(());
        }
        let mut notifier = crate::notify::Notifier::new(hooks.clone(), ctx.clock);
        for &(_, revision_id) in &claimed {
            let Some((article_id, rev)) = store.revision_key(revision_id)? else {
                continue;
            };
            let (Some(article), Some(row)) =
                (store.article(article_id)?, store.revision(article_id, rev)?)
            else {
                continue;
            };
            if notifier.wanted(rev, &row.classes) {
                let payload = crate::tracker::notification(store, &article.url, &row)?;
                notifier.notify(row.id, rev, &row.classes, payload);
            }
        }
        for d in notifier.settle().await {
            store.record_delivery(&d)?;
        }
        let ids: Vec<i64> = claimed.iter().map(|&(id, _)| id).collect();
        store.outbox_done(&ids, &rfc3339(ctx.clock.now()))?;
    }
}

//! Hosts and leases, for `redline worker`: a worker takes due *hosts* (not
//! single articles) for a while, checks their due articles with the usual
//! politeness, and gives each host back with the time the next request to
//! it may start, so that the spacing holds from one worker to the next. A
//! lease that runs out (its worker died) is free to take. Feeds are leased
//! the same way. On PostgreSQL, workers on many machines skip the rows
//! another is taking (`FOR UPDATE SKIP LOCKED`); on SQLite the write lock
//! already lets one take at a time.

use super::*;

/// A host taken by a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostLease {
    /// `host:port`, the unit of politeness ([`crate::fetch::host_key`]).
    pub host: String,
    /// When the next request to it may start (RFC 3339, wall clock).
    pub next_allowed_at: Option<String>,
    /// Its robots.txt as a worker last read it (`""`: none), and when.
    pub robots: Option<(String, String)>,
}

/// The host (`host:port`) an article URL is fetched from.
pub fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| crate::fetch::host_key(&u))
        .unwrap_or_default()
}

/// Gives each article without one its host, and each host its row.
pub(super) fn name_hosts_in(tx: &Conn) -> sql::Result<()> {
    let unnamed: Vec<(i64, String)> = tx.query_map(
        "SELECT id, url FROM articles WHERE host IS NULL",
        params![],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (id, url) in unnamed {
        let host = host_of(&url);
        tx.execute(
            "UPDATE articles SET host = ?2 WHERE id = ?1",
            params![id, host],
        )?;
        tx.execute(
            "INSERT INTO hosts (host) VALUES (?1) ON CONFLICT DO NOTHING",
            [&host],
        )?;
    }
    Ok(())
}

/// What makes a worker pass over the rows another is taking: PostgreSQL
/// locks the rows it takes and skips those locked; SQLite's write lock
/// already lets one take at a time.
fn skip_locked(tx: &Conn) -> &'static str {
    if tx.is_postgres() {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    }
}

impl Store {
    /// Names the hosts of articles added before hosts were recorded (once,
    /// on a writable open).
    pub(super) fn name_hosts(&mut self) -> Result<()> {
        // Read first: the write lock only when there is something to write.
        let unnamed = self
            .conn
            .query_row(
                "SELECT 1 FROM articles WHERE host IS NULL LIMIT 1",
                params![],
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        if unnamed.is_none() {
            return Ok(());
        }
        let (tx, path) = self.immediate()?;
        let map = |e| sql_err(&path, e);
        name_hosts_in(&tx).map_err(map)?;
        tx.commit().map_err(map)
    }

    /// Takes up to `max` hosts that have articles due at `due_at` (the
    /// tracker's clock) and no lease running at `now` (the wall clock), for
    /// `worker` until `until` (hosts `worker` holds already are taken
    /// again: a round cut short). Hosts whose next turn comes first are
    /// taken first.
    pub fn claim_hosts(
        &mut self,
        worker: &str,
        now: &str,
        until: &str,
        due_at: &str,
        max: usize,
    ) -> Result<Vec<HostLease>> {
        let (tx, path) = self.immediate()?;
        let map = |e| sql_err(&path, e);
        let skip = skip_locked(&tx);
        let hosts: Vec<HostLease> = tx
            .query_map(
                &format!(
                    "SELECT h.host, h.next_allowed_at, h.robots, h.robots_at FROM hosts h
                     WHERE (h.lease_until IS NULL OR h.lease_until < ?1 OR h.leased_by = ?4)
                       AND (EXISTS (SELECT 1 FROM articles a
                                    WHERE a.host = h.host AND a.retired_at IS NULL
                                      AND a.next_check_at <= ?2)
                            OR EXISTS (SELECT 1 FROM articles a
                                       WHERE a.host = h.host AND a.retired_at IS NULL
                                         AND a.next_check_at IS NULL))
                     ORDER BY h.next_allowed_at NULLS FIRST, h.host
                     LIMIT ?3 {skip}"
                ),
                params![now, due_at, max as i64, worker],
                |r| {
                    let robots: Option<String> = r.get(2)?;
                    let at: Option<String> = r.get(3)?;
                    Ok(HostLease {
                        host: r.get(0)?,
                        next_allowed_at: r.get(1)?,
                        robots: robots.zip(at),
                    })
                },
            )
            .map_err(map)?;
        for h in &hosts {
            tx.execute(
                "UPDATE hosts SET leased_by = ?2, lease_until = ?3 WHERE host = ?1",
                params![h.host, worker, until],
            )
            .map_err(map)?;
        }
        tx.commit().map_err(map)?;
        Ok(hosts)
    }

    /// A host's articles due at `now`, most overdue first.
    pub fn due_on_host(&self, host: &str, now: &str) -> Result<Vec<ArticleRow>> {
        let sql = format!(
            "SELECT {} FROM articles
             WHERE host = ?1 AND retired_at IS NULL
               AND (next_check_at IS NULL OR next_check_at <= ?2)
             ORDER BY next_check_at IS NOT NULL, next_check_at, id",
            Self::ARTICLE_COLUMNS
        );
        self.conn
            .query_map(&sql, params![host, now], Self::article_from)
            .map_err(|e| self.err(e))
    }

    /// Lengthens every lease `worker` holds (hosts and feeds) to `until`;
    /// returns how many hosts it still holds.
    pub fn renew_leases(&mut self, worker: &str, until: &str) -> Result<usize> {
        let (tx, path) = self.immediate()?;
        let map = |e| sql_err(&path, e);
        let n = tx
            .execute(
                "UPDATE hosts SET lease_until = ?2 WHERE leased_by = ?1",
                params![worker, until],
            )
            .map_err(map)?;
        tx.execute(
            "UPDATE feeds SET lease_until = ?2 WHERE leased_by = ?1",
            params![worker, until],
        )
        .map_err(map)?;
        tx.commit().map_err(map)?;
        Ok(n)
    }

    /// Gives a host back: free to take, its next request not before
    /// `next_allowed_at`, and with the robots.txt read at `robots` (text,
    /// when) if this worker read it. A lease another worker took over
    /// meanwhile (this one ran out) is left alone.
    pub fn release_host(
        &mut self,
        worker: &str,
        host: &str,
        next_allowed_at: Option<&str>,
        robots: Option<(&str, &str)>,
    ) -> Result<()> {
        let (text, at) = robots.unzip();
        self.conn
            .execute(
                "UPDATE hosts SET leased_by = NULL, lease_until = NULL,
                     next_allowed_at = coalesce(CAST(?3 AS TEXT), next_allowed_at),
                     robots = coalesce(CAST(?4 AS TEXT), robots),
                     robots_at = coalesce(CAST(?5 AS TEXT), robots_at)
                 WHERE host = ?1 AND leased_by = ?2",
                params![host, worker, next_allowed_at, text, at],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Takes the feeds due at `due_at` that no lease holds at `now`, for
    /// `worker` until `until`.
    pub fn claim_feeds(
        &mut self,
        worker: &str,
        now: &str,
        until: &str,
        due_at: &str,
    ) -> Result<Vec<FeedRow>> {
        let (tx, path) = self.immediate()?;
        let map = |e| sql_err(&path, e);
        let skip = skip_locked(&tx);
        let ids: Vec<i64> = tx
            .query_map(
                &format!(
                    "SELECT id FROM feeds
                     WHERE (lease_until IS NULL OR lease_until < ?1)
                       AND (next_check_at IS NULL OR next_check_at <= ?2)
                     ORDER BY id {skip}"
                ),
                params![now, due_at],
                |r| r.get(0),
            )
            .map_err(map)?;
        for id in &ids {
            tx.execute(
                "UPDATE feeds SET leased_by = ?2, lease_until = ?3 WHERE id = ?1",
                params![id, worker, until],
            )
            .map_err(map)?;
        }
        tx.commit().map_err(map)?;
        Ok(self
            .feeds()?
            .into_iter()
            .filter(|f| ids.contains(&f.id))
            .collect())
    }

    /// Gives a feed back.
    pub fn release_feed(&mut self, worker: &str, id: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE feeds SET leased_by = NULL, lease_until = NULL
                 WHERE id = ?1 AND leased_by = ?2",
                params![id, worker],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Puts each revision recorded from now on in the outbox too, in the
    /// same transaction: a worker delivers notifications from there.
    pub fn use_outbox(&mut self) {
        self.outbox = true;
    }

    /// Takes up to `limit` notifications waiting in the outbox that no
    /// running claim holds at `now`, for `worker` until `until`: their
    /// outbox ids and revision ids, oldest first.
    pub fn claim_outbox(
        &mut self,
        worker: &str,
        now: &str,
        until: &str,
        limit: usize,
    ) -> Result<Vec<(i64, i64)>> {
        let (tx, path) = self.immediate()?;
        let map = |e| sql_err(&path, e);
        let skip = skip_locked(&tx);
        let rows: Vec<(i64, i64)> = tx
            .query_map(
                &format!(
                    "SELECT id, revision_id FROM outbox
                     WHERE done_at IS NULL AND (claim_until IS NULL OR claim_until < ?1)
                     ORDER BY id LIMIT ?2 {skip}"
                ),
                params![now, limit as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(map)?;
        for (id, _) in &rows {
            tx.execute(
                "UPDATE outbox SET claimed_by = ?2, claim_until = ?3 WHERE id = ?1",
                params![id, worker, until],
            )
            .map_err(map)?;
        }
        tx.commit().map_err(map)?;
        Ok(rows)
    }

    /// Marks notifications delivered (however each hook went: that is in
    /// the deliveries).
    pub fn outbox_done(&mut self, ids: &[i64], now: &str) -> Result<()> {
        let (tx, path) = self.immediate()?;
        let map = |e| sql_err(&path, e);
        for id in ids {
            tx.execute(
                "UPDATE outbox SET done_at = ?2, claimed_by = NULL, claim_until = NULL
                 WHERE id = ?1",
                params![id, now],
            )
            .map_err(map)?;
        }
        tx.commit().map_err(map)
    }

    /// The article and number of a revision, by its row id.
    pub fn revision_key(&self, revision_id: i64) -> Result<Option<(i64, i64)>> {
        self.conn
            .query_row(
                "SELECT article_id, rev FROM revisions WHERE id = ?1",
                [revision_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Keeps whole raw pages in the object store `url` names, or in the
    /// one this database was given before (`None`). A database remembers
    /// its object store; another one is refused while it holds pages.
    #[cfg(feature = "objects")]
    pub fn use_objects(&mut self, url: Option<&str>) -> Result<()> {
        let stored: Option<String> = self
            .conn
            .query_row("SELECT url FROM object_store", params![], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        let objects_err = |what: String| StoreError::Objects {
            path: self.path.clone(),
            what,
        };
        let url = match (url, stored.as_deref()) {
            (None, None) => return Ok(()),
            (Some(given), Some(kept)) if given != kept => {
                return Err(objects_err(format!(
                    "this database keeps its raw pages in {kept}, not {given}"
                )));
            }
            (Some(given), None) => {
                self.conn
                    .execute("INSERT INTO object_store (url) VALUES (?1)", [given])
                    .map_err(|e| self.err(e))?;
                given
            }
            (_, Some(kept)) => kept,
        };
        let objects = blobs::Objects::open(url).map_err(objects_err)?;
        self.objects = Some(std::sync::Arc::new(objects));
        Ok(())
    }

    /// The workers holding leases at `now` (wall clock), with how many
    /// hosts each holds, and how many notifications wait in the outbox.
    pub fn leases(&self, now: &str) -> Result<(Vec<(String, i64)>, i64)> {
        let held = self
            .conn
            .query_map(
                "SELECT leased_by, count(*) FROM hosts
                 WHERE leased_by IS NOT NULL AND lease_until >= ?1
                 GROUP BY leased_by ORDER BY leased_by",
                [now],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        let waiting = self
            .conn
            .query_row(
                "SELECT count(*) FROM outbox WHERE done_at IS NULL",
                params![],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok((held, waiting))
    }
}

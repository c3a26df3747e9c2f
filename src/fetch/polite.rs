//! Politeness: at most `host_concurrency` requests in flight per host and
//! `host_delay` (or the host's robots.txt `Crawl-delay`, if longer) between the
//! starts of two requests to it, and at most `concurrency` in flight overall.
//! The delay also runs from the end of a request (its body read), so that
//! the host sees it between its answer and the next request, however long
//! its answer or our connection took.
//! Hosts proceed in parallel, so a pass over many hosts takes about one
//! host's share of it, not the sum.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Per-host state.
struct Host {
    permits: Arc<Semaphore>,
    /// When the next request to this host may start.
    next: tokio::sync::Mutex<Instant>,
}

/// The gate every request passes.
pub struct Gate {
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    host_concurrency: usize,
    host_delay: Duration,
}

/// Held while a request is in flight.
pub struct Pass {
    _host: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
    host: Arc<Host>,
    spacing: Duration,
}

impl Drop for Pass {
    fn drop(&mut self) {
        // The next request waits the spacing from now too. (Another
        // request to the host entering this instant keeps its own turn.)
        if let Ok(mut next) = self.host.next.try_lock() {
            *next = (*next).max(Instant::now() + self.spacing);
        }
    }
}

impl Gate {
    pub fn new(concurrency: usize, host_concurrency: usize, host_delay: Duration) -> Self {
        Gate {
            global: Arc::new(Semaphore::new(concurrency.max(1))),
            hosts: Mutex::default(),
            host_concurrency: host_concurrency.max(1),
            host_delay,
        }
    }

    fn host(&self, key: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        hosts
            .entry(key.to_owned())
            .or_insert_with(|| {
                Arc::new(Host {
                    permits: Arc::new(Semaphore::new(self.host_concurrency)),
                    next: tokio::sync::Mutex::new(Instant::now()),
                })
            })
            .clone()
    }

    /// Waits for this host's turn (and a global slot). `crawl_delay` from the
    /// host's robots.txt lengthens the spacing, never shortens it.
    pub async fn enter(&self, key: &str, crawl_delay: Option<Duration>) -> Pass {
        let host = self.host(key);
        let permit = host
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("never closed");
        let spacing = crawl_delay.map_or(self.host_delay, |c| c.max(self.host_delay));
        {
            let mut next = host.next.lock().await;
            let now = Instant::now();
            if *next > now {
                tokio::time::sleep_until(*next).await;
            }
            *next = Instant::now() + spacing;
        }
        let global = self
            .global
            .clone()
            .acquire_owned()
            .await
            .expect("never closed");
        Pass {
            _host: permit,
            _global: global,
            host,
            spacing,
        }
    }

    /// How long until the host's next request may start (zero: now);
    /// `None` for a host not asked of yet (or busy this instant).
    pub fn next_turn(&self, key: &str) -> Option<Duration> {
        let host = self
            .hosts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()?;
        let next = host.next.try_lock().ok()?;
        Some(next.saturating_duration_since(Instant::now()))
    }

    /// Pushes a host's next turn back (a `Retry-After` it asked for).
    pub async fn hold_off(&self, key: &str, wait: Duration) {
        let host = self.host(key);
        let mut next = host.next.lock().await;
        let until = Instant::now() + wait;
        if *next < until {
            *next = until;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn one_host_is_spaced_and_hosts_run_in_parallel() {
        let gate = Arc::new(Gate::new(8, 1, Duration::from_secs(2)));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..6 {
            let gate = gate.clone();
            let host = if i % 2 == 0 { "a" } else { "b" };
            tasks.push(tokio::spawn(async move {
                let _pass = gate.enter(host, None).await;
                Instant::now() - start
            }));
        }
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap().as_secs());
        }
        times.sort();
        // Three requests per host, two seconds apart; the hosts side by side.
        assert_eq!(times, [0, 0, 2, 2, 4, 4]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_spacing_also_runs_from_the_end_of_a_slow_request() {
        let gate = Gate::new(8, 1, Duration::from_secs(2));
        let start = Instant::now();
        let pass = gate.enter("a", None).await;
        // The answer takes three seconds to come in whole.
        tokio::time::sleep(Duration::from_secs(3)).await;
        drop(pass);
        drop(gate.enter("a", None).await);
        assert_eq!((Instant::now() - start).as_secs(), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn crawl_delay_and_retry_after_lengthen_the_spacing() {
        let gate = Gate::new(8, 1, Duration::from_secs(1));
        let start = Instant::now();
        drop(gate.enter("a", Some(Duration::from_secs(5))).await);
        drop(gate.enter("a", Some(Duration::from_secs(5))).await);
        assert_eq!((Instant::now() - start).as_secs(), 5);
        gate.hold_off("a", Duration::from_secs(30)).await;
        drop(gate.enter("a", None).await);
        assert_eq!((Instant::now() - start).as_secs(), 35);
    }
}

//! Reading feeds and sitemaps, and tracking the articles they list.

use super::*;

/// What checking one feed did.
#[derive(Debug, Clone)]
pub struct FeedResult {
    pub feed_id: i64,
    pub url: String,
    /// Article URLs the feed listed (after `--match`).
    pub listed: usize,
    /// The first checks of the articles it listed for the first time.
    pub new: Vec<CheckResult>,
    pub error: Option<String>,
}

impl Tracker<'_> {
    /// Reads feeds (conditionally) and tracks every article they list for the
    /// first time, fetching its first version in the same polite pass.
    pub async fn check_feeds(
        &mut self,
        feeds: &[crate::store::FeedRow],
    ) -> Result<Vec<FeedResult>, StoreError> {
        let mut results = Vec::new();
        for feed in feeds {
            let now = self.opts.clock.now();
            let (listed, error, validators) = match self.read_feed(feed).await {
                Ok(r) => (r.0, None, r.1),
                Err(e) => (None, Some(e), Validators::default()),
            };
            let mut new = Vec::new();
            let mut count = 0;
            if let Some(urls) = listed {
                count = urls.len();
                let parsed: Vec<Url> = urls
                    .iter()
                    .filter_map(|u| crate::fetch::parse_url(u).ok())
                    .collect();
                let results = self.track(&parsed, None, &feed.pace).await?;
                let mut ids = Vec::new();
                for r in results {
                    match r {
                        TrackResult::Added(c) => {
                            ids.push(c.article_id);
                            new.push(c);
                        }
                        TrackResult::AlreadyTracked { .. } | TrackResult::SameAs { .. } => {}
                    }
                }
                self.store.set_feed(&ids, feed.id)?;
            }
            let state = State {
                interval: FEED_INTERVAL,
                every: Some(FEED_INTERVAL),
                last_change: now,
                until: None,
            };
            let next = schedule::next(&self.opts.policy, &state, Found::Nothing, now, -feed.id);
            self.store.record_feed_check(
                feed.id,
                &crate::store::FeedCheck {
                    checked_at: rfc3339(now),
                    error: error.clone(),
                    found_new: !new.is_empty(),
                    etag: validators.etag,
                    last_modified: validators.last_modified,
                    next_check_at: next.at.map(rfc3339),
                },
            )?;
            results.push(FeedResult {
                feed_id: feed.id,
                url: feed.url.clone(),
                listed: count,
                new,
                error,
            });
        }
        Ok(results)
    }

    /// Fetches and parses a feed (and a sitemap index's sitemaps). `None`
    /// when it has not changed since the last read.
    async fn read_feed(
        &self,
        feed: &crate::store::FeedRow,
    ) -> Result<(Option<Vec<String>>, Validators), String> {
        let url = Url::parse(&feed.fetch_url).map_err(|e| format!("{}: {e}", feed.url))?;
        let validators = Validators {
            etag: feed.etag.clone(),
            last_modified: feed.last_modified.clone(),
        };
        let page = match self.fetcher.fetch_feed(&url, &validators).await {
            Ok(Fetched::NotModified(r)) => return Ok((None, r.validators())),
            Ok(Fetched::Page(p)) => p,
            Ok(Fetched::Gone(p)) => {
                return Err(format!("{}: HTTP {}", feed.url, p.response.status));
            }
            Err(e) => return Err(one_line(&e)),
        };
        let keep = feed
            .match_regex
            .as_deref()
            .map(regex::Regex::new)
            .transpose()
            .map_err(|e| format!("--match: {e}"))?;
        let listing = crate::feeds::parse(&page.body, &page.response.final_url)
            .map_err(|e| format!("{}: {e}", feed.url))?;
        let mut urls = listing.articles;
        for sitemap in listing.sitemaps.iter().take(MAX_SITEMAPS) {
            let Ok(sm_url) = Url::parse(sitemap) else {
                continue;
            };
            if let Ok(Fetched::Page(p)) = self
                .fetcher
                .fetch_feed(&sm_url, &Validators::default())
                .await
                && let Ok(child) = crate::feeds::parse(&p.body, &p.response.final_url)
            {
                urls.extend(child.articles);
            }
        }
        if let Some(re) = keep {
            urls.retain(|u| re.is_match(u));
        }
        Ok((Some(urls), page.response.validators()))
    }
}

//! Fetching and extracting one article off the I/O threads, within the
//! extraction budget; the order hosts are taken in.

use super::*;

/// The order to fetch articles in: one per host in turn, each host's own
/// articles in the order given.
pub(super) fn interleave_hosts(articles: &[ArticleRow]) -> Vec<usize> {
    let mut hosts: Vec<(String, std::collections::VecDeque<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, a) in articles.iter().enumerate() {
        let key = Url::parse(&a.url)
            .map(|u| crate::fetch::host_key(&u))
            .unwrap_or_default();
        let slot = *index.entry(key.clone()).or_insert_with(|| {
            hosts.push((key, std::collections::VecDeque::new()));
            hosts.len() - 1
        });
        hosts[slot].1.push_back(i);
    }
    let mut order = Vec::with_capacity(articles.len());
    while order.len() < articles.len() {
        for (_, queue) in &mut hosts {
            if let Some(i) = queue.pop_front() {
                order.push(i);
            }
        }
    }
    order
}

pub(super) async fn fetch_and_extract(
    fetcher: &Fetcher,
    url: &str,
    validators: &Validators,
    opts: ExtractOptions,
    extracting: &tokio::sync::Semaphore,
    budget: Duration,
) -> Fetch {
    let started = Instant::now();
    let elapsed_ms = || started.elapsed().as_millis() as u64;
    let fail = |e: FetchError| {
        Fetch::Failed(Failure {
            status: e.status(),
            error: one_line(&e),
            hint: e.hint(),
            elapsed_ms: elapsed_ms(),
        })
    };
    // The URL may hold credentials: lines about it show it redacted.
    let shown = crate::fetch::redact(url).into_owned();
    let url = match Url::parse(url) {
        Ok(u) => u,
        Err(e) => {
            return Fetch::Failed(Failure {
                status: None,
                error: format!("{shown}: stored URL is not valid: {e}"),
                hint: Some("untrack it and track the right URL"),
                elapsed_ms: 0,
            });
        }
    };
    match fetcher.fetch(&url, validators).await {
        Err(e) => fail(e),
        Ok(Fetched::NotModified(r)) => Fetch::NotModified {
            status: r.status,
            elapsed_ms: elapsed_ms(),
        },
        Ok(Fetched::Gone(page)) => Fetch::Gone(Box::new(page)),
        // The article's address now leads to a page above it (a section
        // front, the home page): the article is gone, whatever that page
        // says.
        Ok(Fetched::Page(page))
            if super::redirected_away(url.as_str(), page.response.final_url.as_str()) =>
        {
            Fetch::Gone(Box::new(page))
        }
        Ok(Fetched::Page(page)) => {
            // Extraction is CPU work: keep it off the I/O threads. The page
            // travels there and back rather than being copied.
            let _turn = extracting.acquire().await.expect("never closed");
            let status = page.response.status;
            let extracting = tokio::task::spawn_blocking(move || {
                let article = extract_with(&page.html, &opts);
                (page, article)
            });
            // A page that cannot be extracted in time fails its check; the
            // work left running is abandoned, its result dropped.
            let (page, extracted) = match tokio::time::timeout(budget, extracting).await {
                Ok(Ok(done)) => done,
                Ok(Err(e)) => std::panic::resume_unwind(e.into_panic()),
                Err(_) => {
                    return Fetch::Failed(Failure {
                        status: Some(status),
                        error: format!(
                            "{shown}: extraction did not finish within {}s",
                            budget.as_secs_f64()
                        ),
                        hint: Some(
                            "the page is too large or too intricate to read as an article; redline will try again at the next check",
                        ),
                        elapsed_ms: elapsed_ms(),
                    });
                }
            };
            match extracted {
                Ok(article) => Fetch::Page {
                    page: Box::new(page),
                    article: Box::new(article),
                },
                Err(e) => Fetch::Failed(Failure {
                    status: Some(page.response.status),
                    error: format!("{shown}: {}", one_line(&e)),
                    hint: e.hint(),
                    elapsed_ms: elapsed_ms(),
                }),
            }
        }
    }
}

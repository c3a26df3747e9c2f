//! HTTP fetching: one `reqwest` client with timeouts, a redirect limit, a body
//! cap, decompression, conditional GET and charset decoding.
//!
//! This module knows nothing of articles or the store: it turns a URL (and the
//! validators of the last response) into a [`Fetched`] page or a [`FetchError`]
//! that says what went wrong in words a user can act on.

pub mod charset;
pub mod polite;
pub mod robots;
pub mod site;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap};
use thiserror::Error;
use url::Url;

/// How to fetch: limits and identity. Built once by the caller.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    /// Sent as `User-Agent`.
    pub user_agent: String,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for the whole check of one URL: robots.txt, every
    /// attempt with its body, and the waits between retries. Only the wait
    /// for the host's turn (politeness) is not counted.
    pub timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_body_bytes: u64,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub host_concurrency: usize,
    /// Time between the starts of two requests to one host (a longer
    /// robots.txt `Crawl-delay` wins).
    pub host_delay: Duration,
    /// Retries of a transient failure (timeout, 429, 5xx, reset connection).
    pub retries: u32,
    /// First wait before a retry; doubled each time (a `Retry-After` up to a
    /// minute wins).
    pub retry_backoff: Duration,
    /// Honour robots.txt.
    pub robots: bool,
    /// Reach only public addresses: a host that is, or resolves to, a
    /// loopback, private, link-local or other internal address is refused,
    /// at the first request and at every redirect (for URLs that people
    /// other than the operator give, as `serve --allow-writes` takes).
    pub public_only: bool,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        Self {
            user_agent: format!(
                "redline/{} (+https://crates.io/crates/redline)",
                env!("CARGO_PKG_VERSION")
            ),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 10,
            concurrency: 16,
            host_concurrency: 1,
            host_delay: Duration::from_secs(2),
            retries: 2,
            retry_backoff: Duration::from_secs(1),
            robots: true,
            public_only: false,
        }
    }
}

/// An address other machines on the internet could also reach: not
/// loopback, private (RFC 1918, shared CGNAT, IPv6 unique local),
/// link-local, unspecified, multicast or broadcast.
pub fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// The IP address a URL names literally, if it names one.
fn literal_ip(url: &Url) -> Option<std::net::IpAddr> {
    match url.host()? {
        url::Host::Ipv4(a) => Some(a.into()),
        url::Host::Ipv6(a) => Some(a.into()),
        url::Host::Domain(_) => None,
    }
}

/// A resolver that answers only with public addresses ([`is_public`]), so
/// neither a first request nor a redirect reaches inside the network.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let all: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<std::net::SocketAddr> =
                all.iter().copied().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() && !all.is_empty() {
                return Err(format!(
                    "{host} resolves only to addresses inside this network ({}), which are refused",
                    all[0].ip()
                )
                .into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The validators of the last response, sent back for a conditional GET.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful fetch.
#[derive(Debug)]
pub enum Fetched {
    /// 304: the page has not changed since the validators were issued.
    NotModified(Response),
    /// A page with a body.
    Page(Page),
    /// 404 or 410: the page is gone (its body kept as evidence).
    Gone(Page),
}

/// What every response carries, body or not.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL after redirects.
    pub final_url: Url,
    pub status: u16,
    /// Response headers in the order received (names lower-case).
    pub headers: Vec<(String, String)>,
    /// The request headers redline set (the HTTP library adds
    /// `Accept-Encoding` and `Host`), for the evidence record.
    pub request_headers: Vec<(String, String)>,
    /// How long the request took, body included.
    pub elapsed: Duration,
}

impl Response {
    /// The first header named `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The validators to send next time.
    pub fn validators(&self) -> Validators {
        Validators {
            etag: self.header("etag").map(str::to_owned),
            last_modified: self.header("last-modified").map(str::to_owned),
        }
    }
}

/// A page: the response, its raw body as served (after transfer decoding), and
/// the body decoded to text.
#[derive(Debug)]
pub struct Page {
    pub response: Response,
    /// The body bytes exactly as received (decompressed).
    pub body: Vec<u8>,
    /// The body decoded with [`Page::encoding`].
    pub html: String,
    /// The name of the character encoding used to decode the body.
    pub encoding: &'static str,
}

/// Query parameters that only say where a reader came from. They are dropped
/// from tracked URLs so one article is not tracked twice.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "ocid", "cmpid", "smid", "mkt_tok",
];

fn is_tracking_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("utm_") || TRACKING_PARAMS.contains(&lower.as_str())
}

/// Parses a URL to track: absolute, http or https, with a host. The fragment
/// is dropped (it never reaches the server), and so are tracking parameters
/// (`utm_*`, `fbclid`, …).
pub fn parse_url(input: &str) -> Result<Url, FetchError> {
    let bad = |why: &str| FetchError::BadUrl {
        url: input.to_owned(),
        why: why.to_owned(),
    };
    let mut url = Url::parse(input.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("only http and https URLs can be tracked"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_tracking_param(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else if kept.len() != url.query_pairs().count() {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Ok(url)
}

/// A user name and password for one site's pages, sent as HTTP Basic
/// authentication (from the config file's `[credentials."host"]`).
#[derive(Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub user: String,
    /// The password itself.
    #[serde(default)]
    pub password: Option<String>,
    /// The environment variable that holds the password (read when the
    /// configuration loads; the password then stays out of the file).
    #[serde(default)]
    pub password_env: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

impl Credentials {
    /// `url` with these credentials in it, unless it holds its own.
    pub fn apply(&self, url: &str) -> String {
        match Url::parse(url) {
            Ok(mut u) if u.username().is_empty() => {
                let _ = u.set_username(&self.user);
                let _ = u.set_password(self.password.as_deref());
                u.to_string()
            }
            _ => url.to_owned(),
        }
    }
}

/// A URL fit to show: a password in it becomes `***` (`user:***@host`), and
/// so does a user name given alone (it is often a token). Text that is not
/// a URL is returned as it is. Credentials are used to fetch, never shown,
/// logged or exported.
pub fn redact(url: &str) -> std::borrow::Cow<'_, str> {
    let Ok(mut parsed) = Url::parse(url) else {
        return url.into();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    } else if !parsed.username().is_empty() {
        let _ = parsed.set_username("***");
    } else {
        return url.into();
    }
    parsed.to_string().into()
}

/// Why a fetch failed. Every variant names the URL.
#[derive(Debug, Error)]
pub enum FetchError {
    #[error("{url:?} is not a valid URL: {why}")]
    BadUrl { url: String, why: String },
    #[error("{url}: {ip} is an address inside this network, which is refused")]
    Internal { url: String, ip: std::net::IpAddr },
    #[error("{url}: no complete answer within {secs}s (retries included)")]
    Timeout { url: String, secs: u64 },
    #[error("{url}: DNS lookup failed for {host}")]
    Dns { url: String, host: String },
    #[error("{url}: the server's TLS certificate was refused")]
    Tls {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url}: could not connect to {host}: {why}")]
    Connect {
        url: String,
        /// `host:port`.
        host: String,
        /// The operating system's reason, in words ("connection refused").
        why: String,
    },
    #[error("{url}: too many redirects (more than {limit})")]
    Redirects { url: String, limit: usize },
    #[error("{url}: {why}")]
    Redirect { url: String, why: String },
    #[error("{url}: HTTP {status}{}", reason(*status))]
    Status {
        url: String,
        status: u16,
        /// What a 429 or 503 asked for in `Retry-After`.
        retry_after: Option<Duration>,
    },
    #[error("{url}: disallowed by the site's robots.txt")]
    Robots { url: String },
    #[error("{url}: body larger than the {limit} byte cap")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: not an HTML page (Content-Type: {content_type})")]
    NotHtml { url: String, content_type: String },
    #[error("{url}: served as {content_type} but the body is {what}")]
    Binary {
        url: String,
        content_type: String,
        what: &'static str,
    },
    /// The exchange broke off: `what` says where, `cause` is the deepest
    /// reason the network stack gave.
    #[error("{url}: {what}: {cause}")]
    Request {
        url: String,
        what: &'static str,
        cause: String,
    },
    #[error("could not start the HTTP client")]
    Client(#[source] reqwest::Error),
}

fn reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

impl FetchError {
    /// Worth trying again soon: a timeout, a reset connection, 429 or a 5xx.
    pub fn transient(&self) -> bool {
        match self {
            FetchError::Timeout { .. } | FetchError::Request { .. } => true,
            FetchError::Status { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// The HTTP status, when the server answered with an error status.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// One line saying what the user can do about this error, when there is one.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            FetchError::Timeout { .. } => {
                "the server is slow or unreachable; try again later or raise the timeout"
            }
            FetchError::Dns { .. } => "check the host name for typos; is the machine online?",
            FetchError::Internal { .. } => {
                "URLs given on the web page reach only public addresses; [serve] allow_private_addresses = true in the config lifts this"
            }
            FetchError::Tls { .. } => {
                "the certificate is invalid, expired, self-signed or for another host; redline never skips the check"
            }
            FetchError::Connect { .. } => {
                "check the host name and that the server is up (port, firewall)"
            }
            FetchError::Redirects { .. } | FetchError::Redirect { .. } => {
                "the site redirects in circles or away from the web; open the URL in a browser to see where it leads"
            }
            FetchError::Status {
                status: 403 | 429, ..
            } => "the site is refusing or rate-limiting redline; check less often",
            FetchError::Status {
                status: 404 | 410, ..
            } => "the page is gone; check the URL, or untrack it",
            FetchError::Status { status, .. } if *status >= 500 => {
                "the server failed; redline will try again at the next check"
            }
            FetchError::TooLarge { .. } => "this does not look like an article page",
            FetchError::Robots { .. } => {
                "the site asks robots not to fetch this page; redline honours robots.txt"
            }
            FetchError::NotHtml { .. } | FetchError::Binary { .. } => {
                "redline tracks HTML pages; check the URL"
            }
            _ => return None,
        })
    }
}

/// A host's robots.txt as read, and its rules, parsed once (for the agent
/// of the first request that asks).
#[derive(Debug, Default)]
struct RobotsFile {
    text: String,
    rules: std::sync::OnceLock<robots::Robots>,
}

impl From<String> for RobotsFile {
    fn from(text: String) -> Self {
        RobotsFile {
            text,
            rules: std::sync::OnceLock::new(),
        }
    }
}

/// The HTTP client with its politeness gate and robots.txt cache. Cheap to
/// clone; share one per run.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    /// Per-site request settings (`[sites."host"]`).
    sites: Arc<std::collections::BTreeMap<String, site::SiteRequest>>,
    /// A client per proxy a site names.
    proxied: Arc<HashMap<String, reqwest::Client>>,
    policy: FetchPolicy,
    gate: Arc<polite::Gate>,
    /// Each host's robots.txt as read ("" for none, or one that could not
    /// be read), fetched once per run or given by [`Fetcher::robots_known`].
    robots: Arc<Mutex<HashMap<String, Arc<tokio::sync::OnceCell<RobotsFile>>>>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("policy", &self.policy)
            .finish()
    }
}

/// `host:port`, the unit of politeness.
/// The key politeness is kept by: host and port.
pub fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// A `Retry-After` of whole seconds (dates are rare and ignored).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

impl Fetcher {
    pub fn new(policy: FetchPolicy) -> Result<Self, FetchError> {
        let client = Self::client(&policy, None)?;
        let gate = Arc::new(polite::Gate::new(
            policy.concurrency,
            policy.host_concurrency,
            policy.host_delay,
        ));
        Ok(Self {
            client,
            sites: Arc::default(),
            proxied: Arc::default(),
            policy,
            gate,
            robots: Arc::default(),
        })
    }

    /// This fetcher reaching only public addresses ([`FetchPolicy::public_only`]),
    /// with the same politeness (one gate, one robots.txt cache) and site
    /// settings. Itself when it already does.
    pub fn public_only(&self) -> Result<Fetcher, FetchError> {
        if self.policy.public_only {
            return Ok(self.clone());
        }
        let policy = FetchPolicy {
            public_only: true,
            ..self.policy.clone()
        };
        Ok(Fetcher {
            client: Self::client(&policy, None)?,
            sites: self.sites.clone(),
            // A proxy resolves names itself: none for these.
            proxied: Arc::default(),
            policy,
            gate: self.gate.clone(),
            robots: self.robots.clone(),
        })
    }

    /// The HTTP client: through `proxy` if given, else through the
    /// environment's (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`).
    fn client(policy: &FetchPolicy, proxy: Option<&str>) -> Result<reqwest::Client, FetchError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(policy.user_agent.clone())
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.timeout)
            .redirect(redirect_policy(policy.max_redirects, policy.public_only));
        if policy.public_only {
            builder = builder.dns_resolver(PublicOnly);
        }
        if let Some(p) = proxy {
            builder = builder.proxy(reqwest::Proxy::all(p).map_err(FetchError::Client)?);
        }
        builder.build().map_err(FetchError::Client)
    }

    /// Applies per-site request settings: headers, cookies, User-Agent and
    /// proxy by host (a parent domain covers its subdomains).
    pub fn with_sites(
        mut self,
        sites: std::collections::BTreeMap<String, site::SiteRequest>,
    ) -> Result<Self, FetchError> {
        let mut proxied = HashMap::new();
        for proxy in sites.values().filter_map(|s| s.proxy.as_deref()) {
            if !proxied.contains_key(proxy) {
                proxied.insert(proxy.to_owned(), Self::client(&self.policy, Some(proxy))?);
            }
        }
        self.sites = Arc::new(sites);
        self.proxied = Arc::new(proxied);
        Ok(self)
    }

    /// The settings for `url`'s host, and the client that goes there.
    fn site_of(&self, url: &Url) -> (Option<&site::SiteRequest>, &reqwest::Client) {
        let host = url.host_str().unwrap_or("");
        let site = if self.sites.is_empty() {
            None
        } else {
            crate::hosts::for_host(&self.sites, host)
        };
        let client = site
            .and_then(|s| s.proxy.as_deref())
            .and_then(|p| self.proxied.get(p))
            .unwrap_or(&self.client);
        (site, client)
    }

    /// Holds the next request to a host (`host:port`) back by `wait`: the
    /// turn another process gave it when it last asked.
    pub async fn not_before(&self, key: &str, wait: Duration) {
        self.gate.hold_off(key, wait).await;
    }

    /// How long until the next request to a host may start, as this
    /// fetcher's politeness has it (`None`: not asked of yet).
    pub fn next_turn(&self, key: &str) -> Option<Duration> {
        self.gate.next_turn(key)
    }

    /// The robots.txt rules for a URL's host, fetched once per run (or
    /// known already). A file that is missing or cannot be fetched allows
    /// everything.
    async fn robots_for(&self, url: &Url) -> robots::Robots {
        let key = host_key(url);
        let cell = {
            let mut map = self.robots.lock().unwrap_or_else(PoisonError::into_inner);
            map.entry(key.clone()).or_default().clone()
        };
        let (site, client) = self.site_of(url);
        let ua = site
            .and_then(|s| s.user_agent.as_deref())
            .unwrap_or(&self.policy.user_agent);
        let file = cell
            .get_or_init(|| async {
                let mut robots_url = url.clone();
                robots_url.set_path("/robots.txt");
                robots_url.set_query(None);
                let _pass = self.gate.enter(&key, None).await;
                // A robots.txt that does not come in time allows everything,
                // as a missing one does; the page's own request then decides.
                let read = async {
                    let r = client
                        .get(robots_url)
                        .header(header::USER_AGENT, ua)
                        .send()
                        .await
                        .ok()?;
                    if !r.status().is_success() {
                        return None;
                    }
                    let text = r.text().await.ok()?;
                    (text.len() < 512 * 1024).then_some(text)
                };
                let text = tokio::time::timeout(self.policy.timeout, read)
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                RobotsFile::from(text)
            })
            .await;
        let agent = ua.split('/').next().unwrap_or("redline");
        file.rules
            .get_or_init(|| robots::Robots::parse(&file.text, agent))
            .clone()
    }

    /// Gives a host's robots.txt as another process read it (`""`: none),
    /// so that this one does not ask again; a host asked of already keeps
    /// what it said.
    pub fn robots_known(&self, key: &str, text: &str) {
        let cell = {
            let mut map = self.robots.lock().unwrap_or_else(PoisonError::into_inner);
            map.entry(key.to_owned()).or_default().clone()
        };
        let _ = cell.set(RobotsFile::from(text.to_owned()));
    }

    /// A host's robots.txt as this fetcher read it or was given it (`""`:
    /// none), once it has been.
    pub fn robots_read(&self, key: &str) -> Option<String> {
        let map = self.robots.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(key)
            .and_then(|cell| cell.get())
            .map(|f| f.text.clone())
    }

    /// Fetches `url` politely: robots.txt honoured, the host's turn awaited,
    /// transient failures retried with back-off (or as `Retry-After` asks).
    pub async fn fetch(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        self.fetch_as(url, validators, true).await
    }

    /// Fetches a feed or sitemap: like [`Fetcher::fetch`], but any content
    /// type is accepted (XML and JSON feeds are not HTML).
    pub async fn fetch_feed(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        self.fetch_as(url, validators, false).await
    }

    async fn fetch_as(
        &self,
        url: &Url,
        validators: &Validators,
        html_only: bool,
    ) -> Result<Fetched, FetchError> {
        if self.policy.public_only
            && let Some(ip) = literal_ip(url).filter(|ip| !is_public(*ip))
        {
            return Err(FetchError::Internal {
                url: redact(url.as_str()).into_owned(),
                ip,
            });
        }
        let key = host_key(url);
        let timed_out = || FetchError::Timeout {
            url: redact(url.as_str()).into_owned(),
            secs: self.policy.timeout.as_secs(),
        };
        // One deadline for the whole check. Waiting for the host's turn is
        // politeness, not the server's slowness: the deadline moves by it.
        let mut deadline = tokio::time::Instant::now() + self.policy.timeout;
        let crawl_delay = if self.policy.robots && matches!(url.scheme(), "http" | "https") {
            let rules = tokio::time::timeout_at(deadline, self.robots_for(url))
                .await
                .map_err(|_| timed_out())?;
            let path = &url[url::Position::BeforePath..url::Position::AfterQuery];
            if !rules.allows(path) {
                return Err(FetchError::Robots {
                    url: redact(url.as_str()).into_owned(),
                });
            }
            rules.crawl_delay
        } else {
            None
        };
        let mut attempt = 0;
        let mut backoff = Duration::ZERO;
        loop {
            let asked_at = tokio::time::Instant::now();
            let pass = self.gate.enter(&key, crawl_delay).await;
            // A retry's back-off is part of the check; the rest of the wait is not.
            deadline += asked_at.elapsed().saturating_sub(backoff);
            let result =
                tokio::time::timeout_at(deadline, self.fetch_once(url, validators, html_only))
                    .await
                    .unwrap_or_else(|_| Err(timed_out()));
            drop(pass);
            match result {
                Err(e) if e.transient() && attempt < self.policy.retries => {
                    let asked = match &e {
                        FetchError::Status { retry_after, .. } => *retry_after,
                        _ => None,
                    };
                    let wait = asked
                        .filter(|d| *d <= Duration::from_secs(60))
                        .unwrap_or(self.policy.retry_backoff * 2u32.pow(attempt));
                    if tokio::time::Instant::now() + wait >= deadline {
                        // No time left for another attempt: the last answer stands.
                        return Err(e);
                    }
                    tracing::debug!(url = %redact(url.as_str()), attempt, ?wait, "retrying: {e}");
                    self.gate.hold_off(&key, wait).await;
                    backoff = wait;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// One request for `url`, conditionally when `validators` are given.
    async fn fetch_once(
        &self,
        url: &Url,
        validators: &Validators,
        html_only: bool,
    ) -> Result<Fetched, FetchError> {
        let started = Instant::now();
        let name = redact(url.as_str()).into_owned();
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::BadUrl {
                url: name,
                why: "only http and https URLs can be fetched".into(),
            });
        }
        let (site, client) = self.site_of(url);
        let ua = site.and_then(|s| s.user_agent.clone());
        let mut sent = vec![
            (
                "user-agent".to_owned(),
                ua.clone().unwrap_or_else(|| self.policy.user_agent.clone()),
            ),
            (
                "accept".to_owned(),
                "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5".to_owned(),
            ),
        ];
        if let Some(etag) = &validators.etag {
            sent.push(("if-none-match".to_owned(), etag.clone()));
        }
        if let Some(lm) = &validators.last_modified {
            sent.push(("if-modified-since".to_owned(), lm.clone()));
        }
        let mut request = client.get(url.clone());
        // The client sends its own User-Agent unless the site names one.
        for (name, value) in sent
            .iter()
            .filter(|(n, _)| n != "user-agent" || ua.is_some())
        {
            request = request.header(name.as_str(), value.as_str());
        }
        if let Some(site) = site {
            // Secret values are sent, and kept out of the evidence.
            for (name, value, secret) in &site.headers {
                request = request.header(name.as_str(), value.as_str());
                let shown = if *secret {
                    "[redacted]"
                } else {
                    value.as_str()
                };
                sent.push((name.to_ascii_lowercase(), shown.to_owned()));
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            if let Some(cookie) = site.cookie_header(url, now) {
                request = request.header(header::COOKIE, cookie);
                sent.push(("cookie".to_owned(), "[redacted]".to_owned()));
            }
        }
        let mut resp = request.send().await.map_err(|e| self.classify(&name, e))?;
        let status = resp.status().as_u16();
        let final_url = resp.url().clone();
        let headers = header_list(resp.headers());
        let response = |elapsed| Response {
            final_url: final_url.clone(),
            status,
            headers: headers.clone(),
            request_headers: sent.clone(),
            elapsed,
        };
        if status == 304 {
            return Ok(Fetched::NotModified(response(started.elapsed())));
        }
        if resp.status().is_redirection() {
            // The redirect policy follows every redirect it may; one that
            // reaches here leads nowhere redline goes.
            let why = match resp.headers().get(header::LOCATION) {
                None => format!("HTTP {status} redirect without a Location"),
                Some(loc) => {
                    let loc = String::from_utf8_lossy(loc.as_bytes());
                    match final_url.join(&loc) {
                        Ok(to) if !matches!(to.scheme(), "http" | "https") => {
                            RedirectRefused::Scheme(to.to_string()).to_string()
                        }
                        _ => format!("HTTP {status} redirect to {loc:?} not followed"),
                    }
                }
            };
            return Err(FetchError::Redirect { url: name, why });
        }
        let gone = matches!(status, 404 | 410);
        if !resp.status().is_success() && !gone {
            return Err(FetchError::Status {
                url: name,
                status,
                retry_after: retry_after(resp.headers()),
            });
        }
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(ct) = &content_type
            && !is_html(ct)
            && !gone
            && html_only
        {
            return Err(FetchError::NotHtml {
                url: name,
                content_type: ct.clone(),
            });
        }
        let limit = self.policy.max_body_bytes;
        if resp.content_length().is_some_and(|len| len > limit) {
            return Err(FetchError::TooLarge { url: name, limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(&name, e))? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(FetchError::TooLarge { url: name, limit });
            }
            body.extend_from_slice(&chunk);
        }
        let encoding = charset::detect(&body, content_type.as_deref());
        if !gone && let Some(what) = charset::binary(&body, encoding) {
            return Err(FetchError::Binary {
                url: name,
                content_type: content_type.unwrap_or_else(|| "no Content-Type".into()),
                what,
            });
        }
        let (html, encoding) = charset::decode_as(&body, encoding);
        let page = Page {
            response: response(started.elapsed()),
            body,
            html,
            encoding: encoding.name(),
        };
        Ok(if gone {
            Fetched::Gone(page)
        } else {
            Fetched::Page(page)
        })
    }

    fn classify(&self, url: &str, e: reqwest::Error) -> FetchError {
        let url = url.to_owned();
        let host = e
            .url()
            .and_then(Url::host_str)
            .unwrap_or_default()
            .to_owned();
        let port = e.url().and_then(Url::port_or_known_default);
        // The library's own message repeats the URL, credentials and all.
        let e = e.without_url();
        if e.is_timeout() {
            return FetchError::Timeout {
                url,
                secs: self.policy.timeout.as_secs(),
            };
        }
        if e.is_redirect() {
            let refused = std::iter::successors(std::error::Error::source(&e), |c| c.source())
                .find_map(|c| c.downcast_ref::<RedirectRefused>());
            return match refused {
                Some(RedirectRefused::TooMany) | None => FetchError::Redirects {
                    url,
                    limit: self.policy.max_redirects,
                },
                Some(why) => FetchError::Redirect {
                    url,
                    why: why.to_string(),
                },
            };
        }
        if e.is_connect() {
            // The HTTP library does not type these; its messages tell them apart.
            let chain = crate::errors::one_line(&e).to_ascii_lowercase();
            if chain.contains("dns error") || chain.contains("failed to lookup address") {
                return FetchError::Dns { url, host };
            }
            if chain.contains("certificate") {
                return FetchError::Tls { url, source: e };
            }
            let host = match port {
                Some(port) => format!("{host}:{port}"),
                None => host,
            };
            return FetchError::Connect {
                url,
                host,
                why: connect_failure(&e),
            };
        }
        let cause = std::iter::successors(Some(&e as &dyn std::error::Error), |c| c.source())
            .last()
            .map(|c| c.to_string())
            .unwrap_or_default();
        let what = if e.is_body() || e.is_decode() {
            "the body broke off"
        } else {
            "the request failed"
        };
        FetchError::Request { url, what, cause }
    }
}

/// Why a connection failed, in the operating system's words and without the
/// HTTP library's layers ("connection refused", "network unreachable").
fn connect_failure(e: &reqwest::Error) -> String {
    use std::io::ErrorKind;
    let chain = std::iter::successors(Some(e as &dyn std::error::Error), |c| c.source());
    let mut last = None;
    for cause in chain {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                ErrorKind::ConnectionRefused => "connection refused".into(),
                ErrorKind::ConnectionReset => "connection reset".into(),
                ErrorKind::ConnectionAborted => "connection aborted".into(),
                ErrorKind::TimedOut => "timed out".into(),
                ErrorKind::HostUnreachable => "host unreachable".into(),
                ErrorKind::NetworkUnreachable => "network unreachable".into(),
                ErrorKind::AddrNotAvailable => "address not available".into(),
                _ => strip_os_code(&io.to_string()),
            };
        }
        last = Some(cause.to_string());
    }
    strip_os_code(&last.unwrap_or_default())
}

/// "Connection refused (os error 111)" → "Connection refused".
fn strip_os_code(s: &str) -> String {
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

/// Why a redirect was not followed.
#[derive(Debug, Error)]
enum RedirectRefused {
    #[error("too many redirects")]
    TooMany,
    #[error("redirect loop: {0} redirects back to an address already visited")]
    Loop(String),
    #[error("redirected to {0}, which is not an http or https URL")]
    Scheme(String),
    #[error("redirected to {0}, an address inside this network, which is refused")]
    Internal(String),
}

/// Follows at most `max` redirects, only to http and https URLs, and never
/// in a circle.
fn redirect_policy(max: usize, public_only: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let next = attempt.url();
        if !matches!(next.scheme(), "http" | "https") {
            let target = next.as_str().to_owned();
            return attempt.error(RedirectRefused::Scheme(target));
        }
        if public_only && literal_ip(next).is_some_and(|ip| !is_public(ip)) {
            let target = next.as_str().to_owned();
            return attempt.error(RedirectRefused::Internal(target));
        }
        if attempt.previous().contains(next) {
            let from = attempt
                .previous()
                .last()
                .map(Url::to_string)
                .unwrap_or_default();
            return attempt.error(RedirectRefused::Loop(from));
        }
        if attempt.previous().len() > max {
            return attempt.error(RedirectRefused::TooMany);
        }
        attempt.follow()
    })
}

/// HTML or XHTML. A response with no `Content-Type` is given the benefit of the
/// doubt: the extractor finds no article in it if it is not HTML.
fn is_html(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(mime.as_str(), "text/html" | "application/xhtml+xml" | "")
}

fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_beyond_this_network_are_public() {
        for inside in [
            "127.0.0.1",
            "10.0.0.8",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(inside.parse().unwrap()), "{inside}");
        }
        for outside in ["93.184.216.34", "1.1.1.1", "172.32.0.1", "2606:4700::1111"] {
            assert!(is_public(outside.parse().unwrap()), "{outside}");
        }
    }

    #[test]
    fn urls_to_track() {
        assert_eq!(
            parse_url(" https://example.com/a?b=1#top ")
                .unwrap()
                .as_str(),
            "https://example.com/a?b=1"
        );
        for bad in [
            "example.com/a",
            "ftp://example.com/",
            "http://",
            "not a url",
            "file:///etc",
        ] {
            assert!(
                matches!(parse_url(bad), Err(FetchError::BadUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn credentials_are_never_shown() {
        assert_eq!(
            redact("https://ann:s3cret@example.com/a?b=1"),
            "https://ann:***@example.com/a?b=1"
        );
        assert_eq!(
            redact("https://tok3n@example.com/a"),
            "https://***@example.com/a"
        );
        assert_eq!(redact("https://example.com/a"), "https://example.com/a");
        assert_eq!(redact("not a url"), "not a url");
    }

    #[test]
    fn html_types() {
        assert!(is_html("text/html; charset=utf-8"));
        assert!(is_html("application/xhtml+xml"));
        assert!(!is_html("application/pdf"));
        assert!(!is_html("image/png"));
    }
}

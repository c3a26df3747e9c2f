//! The forms of `serve --allow-writes`: track a URL, set an article's pace,
//! untrack, resume, check now. Each POST carries the server's CSRF token
//! (and, when the browser sends one, an `Origin` of this server); a URL
//! given here reaches only public addresses unless the config allows
//! others, so the server is never a proxy into its own network.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Web, WebError};
use crate::fetch::{Fetcher, is_public};
use crate::store::{Pace, Settings};
use crate::tracker::{TrackResult, Tracker, TrackerOptions};

/// What writing needs: the token forms carry, and the tracker's parts.
pub struct Writes {
    pub csrf: String,
    /// The operator's fetcher (a URL given on the page is fetched from
    /// public addresses only, unless `allow_private`).
    pub fetcher: Fetcher,
    pub opts: TrackerOptions,
    /// `[serve] allow_private_addresses`: URLs given here may name hosts
    /// inside the network.
    pub allow_private: bool,
}

/// A fresh CSRF token: 32 random bytes, hex.
pub fn token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the system has a random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The request is a form of this server's: its token, and its origin when
/// the browser says one.
fn check(web: &Web, headers: &HeaderMap, token: &str) -> Result<(), WebError> {
    let writes = web.writes.as_ref().ok_or(WebError::NotAllowed)?;
    let same = token.len() == writes.csrf.len()
        && token
            .bytes()
            .zip(writes.csrf.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(WebError::Forbidden(
            "the form's token is not this server's: reload the page and try again".to_owned(),
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if origin != format!("http://{host}") {
            return Err(WebError::Forbidden(format!(
                "a form from {origin} cannot write here"
            )));
        }
    }
    Ok(())
}

/// A runtime of its own for a tracker run on the blocking pool (the store
/// is not shared across an await).
fn runtime() -> Result<tokio::runtime::Runtime, WebError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| WebError::BadRequest(format!("cannot start a check: {e}")))
}

/// Refuses a URL whose host is, or resolves to, an address inside the
/// network (the fetcher refuses them too, at every redirect; this says so
/// plainly before anything is stored).
async fn public_url(web: &Web, url: &url::Url) -> Result<(), WebError> {
    if web.writes.as_ref().is_some_and(|w| w.allow_private) {
        return Ok(());
    }
    let host = url.host_str().unwrap_or("").trim_matches(['[', ']']);
    let refused = |ip: std::net::IpAddr| {
        WebError::BadRequest(format!(
            "{url} is refused: {host} is {ip}, an address inside this network \
             ([serve] allow_private_addresses = true in the config allows it)"
        ))
    };
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return if is_public(ip) {
            Ok(())
        } else {
            Err(refused(ip))
        };
    }
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| WebError::BadRequest(format!("DNS lookup failed for {host}")))?;
    for a in addrs {
        if !is_public(a.ip()) {
            return Err(refused(a.ip()));
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    csrf: String,
    url: String,
    #[serde(default)]
    every: String,
}

/// The pace a form asks for: empty or `adaptive`, or a duration of a
/// minute or more.
fn every(text: &str) -> Result<Option<i64>, WebError> {
    let text = text.trim();
    if text.is_empty() || text == "adaptive" {
        return Ok(None);
    }
    crate::schedule::parse_duration(text)
        .filter(|d| d.as_secs() >= 60)
        .map(|d| Some(d.as_secs() as i64))
        .ok_or_else(|| {
            WebError::BadRequest(format!(
                "{text:?} is not a pace: write it like 30m, 1h or 1d (a minute or more), or adaptive"
            ))
        })
}

fn to_article(id: i64) -> Response {
    Redirect::to(&format!("/articles/{id}")).into_response()
}

/// `POST /track`: tracks a URL (its first version fetched now).
pub async fn track(
    State(web): State<Web>,
    headers: HeaderMap,
    Form(f): Form<TrackForm>,
) -> Result<Response, WebError> {
    check(&web, &headers, &f.csrf)?;
    let url = crate::fetch::parse_url(f.url.trim())
        .map_err(|e| WebError::BadRequest(crate::errors::one_line(&e)))?;
    public_url(&web, &url).await?;
    let pace = Pace {
        every_secs: every(&f.every)?,
        until: None,
    };
    let writes = web.writes.clone().ok_or(WebError::NotAllowed)?;
    // The first fetch, before the article is marked, reaches only public
    // addresses too.
    let fetcher = if writes.allow_private {
        writes.fetcher.clone()
    } else {
        writes
            .fetcher
            .public_only()
            .map_err(|e| WebError::BadRequest(crate::errors::one_line(&e)))?
    };
    let id = web
        .with_mut(move |store, _| {
            let results = runtime()?.block_on(
                Tracker::new(store, fetcher, writes.opts.clone()).track(&[url], None, &pace),
            )?;
            match results.into_iter().next() {
                Some(TrackResult::Added(c)) if c.failed() => {
                    // As `track` without --keep: a page that cannot be read
                    // is not kept.
                    store.delete_article(c.article_id)?;
                    Err(WebError::BadRequest(format!(
                        "not tracked: {}",
                        c.error.as_deref().unwrap_or("the first fetch failed")
                    )))
                }
                Some(TrackResult::Added(c)) => {
                    // Someone other than the operator gave it: every later
                    // check reaches only public addresses too.
                    if !writes.allow_private {
                        store.set_public_only(c.article_id)?;
                    }
                    Ok(c.article_id)
                }
                Some(TrackResult::AlreadyTracked { id, .. } | TrackResult::SameAs { id, .. }) => {
                    Ok(id)
                }
                None => Err(WebError::BadRequest("nothing to track".to_owned())),
            }
        })
        .await?;
    Ok(to_article(id))
}

#[derive(Debug, Deserialize)]
pub struct PaceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    every: String,
}

/// `POST /articles/ID/pace`: a fixed pace, or adaptive.
pub async fn pace(
    State(web): State<Web>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(f): Form<PaceForm>,
) -> Result<Response, WebError> {
    check(&web, &headers, &f.csrf)?;
    let every = every(&f.every)?;
    web.with_mut(move |store, clock| {
        super::pages::find_article(store, id)?;
        let now = crate::clock::rfc3339(clock.now());
        store.set_article(
            id,
            &Settings {
                every_secs: Some(every),
                ..Settings::default()
            },
            &now,
        )?;
        Ok(())
    })
    .await?;
    Ok(to_article(id))
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
}

/// Changes one article's state with `f` (given the store and the time
/// now), after the form's checks; back to its timeline.
async fn change(
    web: Web,
    id: i64,
    headers: HeaderMap,
    token: String,
    f: fn(&mut crate::store::Store, i64, &str) -> Result<(), crate::store::StoreError>,
) -> Result<Response, WebError> {
    check(&web, &headers, &token)?;
    web.with_mut(move |store, clock| {
        super::pages::find_article(store, id)?;
        Ok(f(store, id, &crate::clock::rfc3339(clock.now()))?)
    })
    .await?;
    Ok(to_article(id))
}

/// `POST /articles/ID/untrack`: stop checking it (its history stays).
pub async fn untrack(
    State(web): State<Web>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(f): Form<TokenForm>,
) -> Result<Response, WebError> {
    change(web, id, headers, f.csrf, |store, id, now| {
        store.untrack(id, now)
    })
    .await
}

/// `POST /articles/ID/resume`: check it again.
pub async fn resume(
    State(web): State<Web>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(f): Form<TokenForm>,
) -> Result<Response, WebError> {
    change(web, id, headers, f.csrf, |store, id, now| {
        store.resume(id, now)
    })
    .await
}

/// `POST /articles/ID/check`: check it now.
pub async fn check_now(
    State(web): State<Web>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(f): Form<TokenForm>,
) -> Result<Response, WebError> {
    check(&web, &headers, &f.csrf)?;
    let writes = web.writes.clone().ok_or(WebError::NotAllowed)?;
    // The tracker fetches an article given on the page from public
    // addresses only, as at every check.
    web.with_mut(move |store, _| {
        let article = super::pages::find_article(store, id)?;
        runtime()?.block_on(
            Tracker::new(store, writes.fetcher.clone(), writes.opts.clone()).check(&[article]),
        )?;
        Ok(())
    })
    .await?;
    Ok(to_article(id))
}

/// Any write without `--allow-writes`: 405.
pub async fn refused() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, "GET, HEAD")],
        super::pages::error_page(
            "This server is read-only (redline serve --allow-writes takes forms).",
        ),
    )
        .into_response()
}

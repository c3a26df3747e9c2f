//! `redline serve`: a read-only window on the archive, as web pages and a
//! JSON API, served by axum on a local address.
//!
//! Pages are rendered on the server with maud (every value escaped), work
//! with JavaScript off and load nothing from elsewhere; every answer carries
//! a strict Content-Security-Policy (only our own keyboard script runs), and a raw page as
//! served is only ever sent as text in a sandbox. Any method but GET (and
//! HEAD) is refused with 405. The store is opened read-only: the server
//! never writes.
//!
//! Must not: hold SQL (that is `store`), or format what `render` formats.

mod api;
mod pages;
mod writes;

pub use writes::{Writes, token};

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::clock::Clock;
use crate::store::{Store, StoreError};

/// The policy every answer carries: only our own stylesheet and our own
/// keyboard script load (no inline script, nothing from an article, nothing
/// from elsewhere), no frame holds the page.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                       img-src 'self' data:; form-action 'self'; base-uri 'none'; \
                       frame-ancestors 'none'";

/// What the handlers share: the store (read-only, one request at a time on
/// the blocking pool) and the clock.
#[derive(Clone)]
pub struct Web {
    store: Arc<Mutex<Store>>,
    clock: Clock,
    /// With `--allow-writes`: the forms' token and the tracker's parts.
    writes: Option<Arc<Writes>>,
}

/// Why a request failed.
#[derive(Debug)]
pub enum WebError {
    NotFound(String),
    BadRequest(String),
    /// A form without this server's token, or from another origin.
    Forbidden(String),
    /// A write to a read-only server.
    NotAllowed,
    Store(StoreError),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Query { .. } => WebError::BadRequest(crate::errors::one_line(&e)),
            e => WebError::Store(e),
        }
    }
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::NotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            WebError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> String {
        match self {
            WebError::NotFound(m) | WebError::BadRequest(m) | WebError::Forbidden(m) => m.clone(),
            WebError::NotAllowed => "This server is read-only.".to_owned(),
            WebError::Store(e) => crate::errors::one_line(e),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        (self.status(), pages::error_page(&self.message())).into_response()
    }
}

impl Web {
    /// A read-only window on `store`.
    pub fn new(store: Store, clock: Clock) -> Web {
        Web {
            store: Arc::new(Mutex::new(store)),
            clock,
            writes: None,
        }
    }

    /// With the forms of `--allow-writes` (the store opened for writing).
    pub fn with_writes(mut self, writes: Writes) -> Web {
        self.writes = Some(Arc::new(writes));
        self
    }

    /// The token forms carry, when writes are allowed.
    fn csrf(&self) -> Option<String> {
        self.writes.as_ref().map(|w| w.csrf.clone())
    }

    /// Runs `f` with the store, to write, on the blocking pool.
    async fn with_mut<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store, Clock) -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, WebError> {
        let (store, clock) = (self.store.clone(), self.clock);
        tokio::task::spawn_blocking(move || {
            let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut store, clock)
        })
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }

    /// Runs `f` with the store on the blocking pool.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store, Clock) -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, WebError> {
        self.with_mut(move |store, clock| f(store, clock)).await
    }
}

/// The routes: pages, the raw page as text, the JSON API.
pub fn router(web: Web) -> Router {
    let mut router = Router::new();
    if web.writes.is_some() {
        use axum::routing::post;
        router = router
            .route("/track", post(writes::track))
            .route("/articles/{id}/pace", post(writes::pace))
            .route("/articles/{id}/untrack", post(writes::untrack))
            .route("/articles/{id}/resume", post(writes::resume))
            .route("/articles/{id}/check", post(writes::check_now));
    }
    router
        .route("/", get(pages::latest))
        .route("/style.css", get(pages::style))
        .route("/keys.js", get(pages::keys))
        .route("/feed.atom", get(pages::latest_feed))
        .route("/articles/{id}/feed.atom", get(pages::article_feed))
        .route("/articles/{id}", get(pages::article))
        .route("/articles/{id}/revisions/{rev}", get(pages::revision))
        .route("/articles/{id}/revisions/{rev}/raw", get(pages::raw))
        .route("/articles/{id}/revisions/{rev}/warc", get(pages::warc))
        .route("/search", get(pages::search))
        .route("/status", get(pages::status))
        .route("/api/v1/articles", get(api::articles))
        .route("/api/v1/articles/{id}/revisions", get(api::revisions))
        .route("/api/v1/articles/{id}/revisions/{rev}/diff", get(api::diff))
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/status", get(api::status))
        .fallback(fallback)
        .layer(axum::middleware::map_response(secure))
        .with_state(web)
}

/// No route: 404 for a read, 405 for any write (a read-only server, or no
/// such form).
async fn fallback(method: axum::http::Method) -> Response {
    if method == axum::http::Method::GET || method == axum::http::Method::HEAD {
        WebError::NotFound("no such page".to_owned()).into_response()
    } else {
        writes::refused().await
    }
}

/// The headers every answer carries.
async fn secure(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// An address is one only this machine reaches.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    web: Web,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(web))
        .with_graceful_shutdown(shutdown)
        .await
}

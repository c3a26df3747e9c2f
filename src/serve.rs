//! A small HTTP server on 127.0.0.1 for the demo, tests and benchmarks.
//!
//! Each path serves a [`Route`] that can be swapped at any time, so a test or the
//! demo can step an article through its recorded versions. Routes can set the
//! status, content type, extra headers, a delay, a streamed body of any length,
//! and answer conditional requests with 304 from an ETag derived from the body.
//! It binds an ephemeral port and stops when dropped.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::fingerprint::sha256_hex;

/// What a path answers.
#[derive(Debug, Clone)]
pub struct Route {
    pub status: u16,
    pub content_type: String,
    pub body: Body,
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Send an ETag and answer a matching `If-None-Match` with 304.
    pub etag: bool,
}

/// A route's body.
#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Arc<Vec<u8>>),
    /// `len` bytes of filler, streamed without a `Content-Length`.
    Stream {
        len: u64,
    },
}

impl Route {
    /// A 200 HTML page with an ETag.
    pub fn html(body: impl Into<Vec<u8>>) -> Self {
        Route {
            status: 200,
            content_type: "text/html; charset=utf-8".into(),
            body: Body::Bytes(Arc::new(body.into())),
            headers: Vec::new(),
            delay: Duration::ZERO,
            etag: true,
        }
    }

    /// An empty response with this status.
    pub fn status(status: u16) -> Self {
        Route {
            status,
            etag: false,
            ..Route::html("")
        }
    }

    pub fn with_content_type(mut self, ct: &str) -> Self {
        self.content_type = ct.into();
        self
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self.etag = false;
        self
    }

    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A streamed body of `len` bytes.
    pub fn streamed(mut self, len: u64) -> Self {
        self.body = Body::Stream { len };
        self.etag = false;
        self
    }
}

/// Each path's routes: the first answers; a sequence moves on after each
/// request until its last route, which stays.
type Routes = Arc<Mutex<HashMap<String, std::collections::VecDeque<Route>>>>;
type Served = Arc<Mutex<Vec<Served1>>>;

/// One response sent: the path, the status, and when the request came in.
#[derive(Debug, Clone)]
pub struct Served1 {
    pub path: String,
    pub status: u16,
    pub at: std::time::Instant,
    /// When the response was sent.
    pub done: std::time::Instant,
    /// The request method and (for POST and PUT, up to 1 MiB) its body.
    pub method: String,
    pub body: Vec<u8>,
    /// The request's headers, as sent.
    pub headers: Vec<(String, String)>,
}

impl Served1 {
    /// A request header's value (the name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The running server.
pub struct Server {
    addr: SocketAddr,
    routes: Routes,
    served: Served,
    /// Requests taken but not yet noted in `served`.
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
    inner: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server on 127.0.0.1 with an ephemeral port.
    pub fn start() -> std::io::Result<Self> {
        Self::start_at("127.0.0.1")
    }

    /// Starts a server on a loopback address (`127.0.0.7`: another host to
    /// a client) with an ephemeral port.
    pub fn start_at(ip: &str) -> std::io::Result<Self> {
        let inner = tiny_http::Server::http(format!("{ip}:0")).map_err(std::io::Error::other)?;
        let addr = inner
            .server_addr()
            .to_ip()
            .ok_or_else(|| std::io::Error::other("server has no IP address"))?;
        let inner = Arc::new(inner);
        let routes: Routes = Arc::default();
        let served: Served = Arc::default();
        let in_flight: Arc<std::sync::atomic::AtomicUsize> = Arc::default();
        let thread = {
            let inner = inner.clone();
            let routes = routes.clone();
            let served = served.clone();
            let in_flight = in_flight.clone();
            std::thread::spawn(move || {
                for request in inner.incoming_requests() {
                    let at = std::time::Instant::now();
                    let route = {
                        let mut routes = lock(&routes);
                        let url = request.url().to_owned();
                        // An exact path, else the longest `prefix*` route.
                        let key = if routes.contains_key(&url) {
                            Some(url)
                        } else {
                            routes
                                .keys()
                                .filter(|k| k.strip_suffix('*').is_some_and(|p| url.starts_with(p)))
                                .max_by_key(|k| k.len())
                                .cloned()
                        };
                        key.and_then(|k| routes.get_mut(&k)).and_then(|seq| {
                            if seq.len() > 1 {
                                seq.pop_front()
                            } else {
                                seq.front().cloned()
                            }
                        })
                    };
                    let served = served.clone();
                    let in_flight = in_flight.clone();
                    in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    std::thread::spawn(move || {
                        let mut request = request;
                        let path = request.url().to_owned();
                        let method = request.method().as_str().to_owned();
                        let headers = request
                            .headers()
                            .iter()
                            .map(|h| {
                                (
                                    h.field.as_str().as_str().to_owned(),
                                    h.value.as_str().to_owned(),
                                )
                            })
                            .collect();
                        let mut body = Vec::new();
                        if matches!(method.as_str(), "POST" | "PUT") {
                            let _ = request.as_reader().take(1 << 20).read_to_end(&mut body);
                        }
                        let status = respond(request, route);
                        let done = std::time::Instant::now();
                        served
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(Served1 {
                                path,
                                status,
                                at,
                                done,
                                method,
                                body,
                                headers,
                            });
                        in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    });
                }
            })
        };
        Ok(Server {
            addr,
            routes,
            served,
            in_flight,
            inner,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves `route` at `path` from now on.
    pub fn set(&self, path: &str, route: Route) {
        lock(&self.routes).insert(path.to_owned(), [route].into());
    }

    /// Serves `routes` at `path` one request after another; the last one stays.
    pub fn set_sequence(&self, path: &str, routes: Vec<Route>) {
        lock(&self.routes).insert(path.to_owned(), routes.into());
    }

    /// Every request answered so far. A request whose answer has gone out is
    /// here too (waited for, up to two seconds, if it is being noted).
    pub fn served(&self) -> Vec<Served1> {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while self.in_flight.load(std::sync::atomic::Ordering::SeqCst) > 0
            && std::time::Instant::now() < until
        {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        self.served
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Stops serving `path` (it answers 404).
    pub fn remove(&self, path: &str) {
        lock(&self.routes).remove(path);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.inner.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn lock(
    routes: &Routes,
) -> std::sync::MutexGuard<'_, HashMap<String, std::collections::VecDeque<Route>>> {
    routes.lock().unwrap_or_else(PoisonError::into_inner)
}

fn header(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// Answers one request; returns the status sent.
fn respond(request: tiny_http::Request, route: Option<Route>) -> u16 {
    let Some(route) = route else {
        let _ =
            request.respond(tiny_http::Response::from_string("not found").with_status_code(404));
        return 404;
    };
    if !route.delay.is_zero() {
        std::thread::sleep(route.delay);
    }
    let mut headers: Vec<tiny_http::Header> = route
        .headers
        .iter()
        .filter_map(|(n, v)| header(n, v))
        .collect();
    headers.extend(header("Content-Type", &route.content_type));
    let (reader, len): (Box<dyn Read + Send>, Option<usize>) = match &route.body {
        Body::Bytes(bytes) => {
            if route.etag {
                let etag = format!("\"{}\"", &sha256_hex(bytes)[..16]);
                let matches = request
                    .headers()
                    .iter()
                    .any(|h| h.field.equiv("If-None-Match") && h.value.as_str() == etag);
                headers.extend(header("ETag", &etag));
                if matches {
                    let mut resp = tiny_http::Response::empty(304);
                    for h in headers {
                        resp.add_header(h);
                    }
                    let _ = request.respond(resp);
                    return 304;
                }
            }
            (
                Box::new(Cursor::new(bytes.clone().to_vec())),
                Some(bytes.len()),
            )
        }
        Body::Stream { len } => (Box::new(std::io::repeat(b' ').take(*len)), None),
    };
    let resp = tiny_http::Response::new(route.status.into(), headers, reader, len, None);
    let _ = request.respond(resp);
    route.status
}

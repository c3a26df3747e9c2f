//! The pages: the latest changes across the archive, an article's
//! timeline, a revision's diff with its evidence, search and status. Server
//! rendered with maud (every value escaped), no scripts, one stylesheet.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;

use super::{Web, WebError};
use crate::render::json::{SearchHitJson, StatusJson};
use crate::render::text::short_time;
use crate::store::{ArticleRow, RevisionRow, Store};

/// The stylesheet: a reading page from a phone to a wide screen, light and
/// dark by the reader's setting.
const CSS: &str = "\
:root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fdfdfb;--dim:#6b6b70;--line:#e4e4e0;--del:#fbe3e3;--delfg:#8a1111;--ins:#def5e0;--insfg:#0b5a17;--acc:#2457c5}\
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e6;--bg:#17171a;--dim:#9a9aa2;--line:#2c2c31;--del:#4a1f22;--delfg:#ffb4b4;--ins:#1d3d24;--insfg:#b5f0c0;--acc:#8fb0ff}}\
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.55 Georgia,'Iowan Old Style',serif}\
header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}header{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;padding-top:1rem;padding-bottom:.6rem;border-bottom:1px solid var(--line);font:15px system-ui,sans-serif}\
header a{color:var(--fg);text-decoration:none;font-weight:600}header form{margin-left:auto;display:flex;gap:.3rem}\
input,select,button{font:15px system-ui,sans-serif;padding:.3rem .5rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg)}\
a{color:var(--acc)}h1{font-size:1.5rem;line-height:1.25;margin:1.2rem 0 .4rem}h2{font:600 1rem system-ui,sans-serif;margin:1.6rem 0 .4rem}\
.meta,.cite{color:var(--dim);font:14px/1.45 system-ui,sans-serif}.cite{word-break:break-all}\
table{border-collapse:collapse;width:100%;font:15px/1.4 system-ui,sans-serif}th,td{text-align:left;vertical-align:top;padding:.45rem .4rem;border-bottom:1px solid var(--line)}\
th{color:var(--dim);font-weight:500}td.when{white-space:nowrap;color:var(--dim)}.classes{color:var(--dim)}\
del{background:var(--del);color:var(--delfg);text-decoration:line-through}ins{background:var(--ins);color:var(--insfg);text-decoration:underline}\
p.added{border-left:4px solid #3a3;padding-left:.6em}p.removed{border-left:4px solid #c33;padding-left:.6em}p.moved{border-left:4px solid var(--acc);padding-left:.6em}p.same{color:var(--dim)}\
.note{color:var(--acc);font:13px system-ui,sans-serif;display:block}.gap{color:var(--dim);text-align:center}dl.fields dt{font:600 14px system-ui,sans-serif}\
table.side td{width:50%;font:15px/1.5 Georgia,serif}tr.gap td{text-align:center}\
form.filters,div.filters{display:flex;flex-wrap:wrap;gap:.4rem;margin:.8rem 0}div.filters form{display:flex;gap:.3rem}nav.pages{margin:1rem 0;font:15px system-ui,sans-serif}\
footer{color:var(--dim);font:13px system-ui,sans-serif;padding:2rem 1rem}\
.current{outline:2px solid var(--acc);outline-offset:2px}\
@media (max-width:40rem){table.side td{display:block;width:auto}td.when{white-space:normal}}";

/// The keyboard: `j`/`k` next and previous row, `o` (or Enter) opens it,
/// `/` goes to search. Pages work without it.
const KEYS: &str = "(function(){\
var rows=Array.prototype.slice.call(document.querySelectorAll('[data-row]'));var at=-1;\
function show(i){if(!rows.length)return;if(at>=0)rows[at].classList.remove('current');\
at=Math.max(0,Math.min(rows.length-1,i));rows[at].classList.add('current');rows[at].scrollIntoView({block:'nearest'});}\
document.addEventListener('keydown',function(e){var t=e.target.tagName;\
if(e.ctrlKey||e.metaKey||e.altKey||t==='INPUT'||t==='SELECT'||t==='TEXTAREA')return;\
if(e.key==='j'){show(at+1);e.preventDefault();}else if(e.key==='k'){show(at-1);e.preventDefault();}\
else if((e.key==='o'||e.key==='Enter')&&at>=0){var a=rows[at].querySelector('a[href]');if(a){location.href=a.getAttribute('href');e.preventDefault();}}\
else if(e.key==='/'){var q=document.querySelector('input[name=q]');if(q){q.focus();e.preventDefault();}}});})();";

/// `/keys.js`.
pub async fn keys() -> Response {
    let mut r = KEYS.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    r
}

/// `/style.css`.
pub async fn style() -> Response {
    let mut r = CSS.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    r
}

/// A whole page around `body`. Keys: `j`/`k` move between rows, `o` opens
/// one, `/` searches (our one script); without it the browser's access
/// keys: `Alt+H` latest, `Alt+S` status, `Alt+/` search.
fn page(title: &str, body: Markup) -> Markup {
    page_with_feed(title, None, body)
}

/// A page whose list has an Atom feed at `feed`.
fn page_with_feed(title: &str, feed: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " · redline" }
                link rel="stylesheet" href="/style.css";
                script src="/keys.js" defer {}
                @if let Some(f) = feed {
                    link rel="alternate" type="application/atom+xml" title=(format!("{title} (Atom)")) href=(f);
                }
            }
            body {
                header {
                    a href="/" accesskey="h" { "redline" }
                    a href="/" { "Latest changes" }
                    a href="/status" accesskey="s" { "Status" }
                    form action="/search" method="get" role="search" {
                        input type="search" name="q" accesskey="/" placeholder="Search every revision" aria-label="Search every revision";
                        button { "Search" }
                    }
                }
                main { (body) }
                footer { "redline · every time with its zone · keys: j/k move, o opens, / searches" }
            }
        }
    }
}

/// An error as a page.
pub fn error_page(message: &str) -> Markup {
    page(
        "Not here",
        html! { h1 { "Not here" } p { (message) } p { a href="/" { "Latest changes" } } },
    )
}

/// A link to a web page, escaped; any other URL (`javascript:`, `data:`,
/// …) is shown as text and never made a link (the site export's rule).
fn external(url: &str) -> Markup {
    PreEscaped(crate::export::site::link(url))
}

fn host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}

/// What a revision changed, in a few words.
fn change(r: &RevisionRow) -> String {
    let mut s = crate::export::what_changed(r);
    if let Some(w) = crate::export::word_counts(r) {
        s.push_str(" · ");
        s.push_str(&w);
    }
    s
}

/// `?class=&host=&since=&until=&before=`.
#[derive(Debug, Deserialize)]
pub struct Latest {
    class: Option<String>,
    host: Option<String>,
    /// Captured on or after this day (`YYYY-MM-DD`) or instant (RFC 3339).
    since: Option<String>,
    /// Captured before this day or instant.
    until: Option<String>,
    before: Option<i64>,
}

/// The filters of a list of changes, read from its query.
struct Filters<'a> {
    class: Option<&'a str>,
    host: Option<&'a str>,
    since: Option<&'a str>,
    until: Option<&'a str>,
    /// `since` and `until` as RFC 3339 instants.
    dates: (Option<String>, Option<String>),
}

impl Latest {
    fn filters(&self) -> Result<Filters<'_>, WebError> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let instant = |v: Option<&str>| -> Result<Option<String>, WebError> {
            v.map(|d| {
                crate::clock::parse_rfc3339(d)
                    .or_else(|| crate::clock::parse_rfc3339(&format!("{d}T00:00:00Z")))
                    .map(crate::clock::rfc3339)
                    .ok_or_else(|| {
                        WebError::BadRequest(format!(
                            "{d:?} is not a date: write it like 2026-11-30"
                        ))
                    })
            })
            .transpose()
        };
        let (since, until) = (given(&self.since), given(&self.until));
        Ok(Filters {
            class: given(&self.class),
            host: given(&self.host),
            since,
            until,
            dates: (instant(since)?, instant(until)?),
        })
    }
}

impl Filters<'_> {
    /// `?class=…&host=…&since=…&until=…` for the filters given (empty: none).
    fn query(&self) -> String {
        let parts: Vec<String> = [
            ("class", self.class),
            ("host", self.host),
            ("since", self.since),
            ("until", self.until),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", urlencode(v))))
        .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    fn rows(&self, store: &Store, before: Option<i64>) -> Result<Vec<RevisionRow>, WebError> {
        let dates = (self.dates.0.as_deref(), self.dates.1.as_deref());
        Ok(store.recent_revisions(self.class, self.host, dates, before, PER_PAGE)?)
    }
}

/// Rows on one page of a list.
const PER_PAGE: usize = 50;

/// `/`: the latest revisions across all articles, newest first.
pub async fn latest(State(web): State<Web>, Query(q): Query<Latest>) -> Result<Markup, WebError> {
    let csrf = web.csrf();
    web.with(move |store, _| {
        let f = q.filters()?;
        let (class, host_filter) = (f.class, f.host);
        let rows = f.rows(store, q.before)?;
        let articles = articles_of(store, &rows)?;
        let next = (rows.len() == PER_PAGE).then(|| rows[rows.len() - 1].id);
        let filters = f.query();
        let more = format!("?before={}{}", next.unwrap_or_default(), filters.replacen('?', "&", 1));
        let feed = format!("/feed.atom{filters}");
        Ok(page_with_feed(
            "Latest changes",
            Some(&feed),
            html! {
                h1 { "Latest changes" }
                p.meta { a href=(feed) { "Atom feed of these changes" } }
                @if let Some(token) = &csrf {
                    form.filters action="/track" method="post" {
                        input type="hidden" name="csrf" value=(token);
                        input type="url" name="url" required placeholder="https://… an article to track" aria-label="URL to track" size="40";
                        input type="text" name="every" placeholder="adaptive, or e.g. 1h" aria-label="Pace" size="12";
                        button { "Track" }
                    }
                }
                form.filters action="/" method="get" {
                    select name="class" aria-label="Kind of change" {
                        option value="" { "every kind of change" }
                        @for c in crate::diff::Class::names() {
                            option value=(c) selected[class == Some(c)] { (c) }
                        }
                    }
                    input type="text" name="host" placeholder="host, e.g. news.example" value=(host_filter.unwrap_or("")) aria-label="Host";
                    label.meta { "from " input type="date" name="since" value=(f.since.unwrap_or("")); }
                    label.meta { "before " input type="date" name="until" value=(f.until.unwrap_or("")); }
                    button { "Filter" }
                }
                @if rows.is_empty() {
                    p.meta { "No revisions here." }
                } @else {
                    table {
                        tr { th { "When" } th { "Outlet" } th { "Headline" } th { "What changed" } }
                        @for r in &rows {
                            @let a = articles.get(&r.article_id);
                            tr data-row {
                                td.when { (short_time(&r.captured_at)) }
                                td { (a.map(|a| host(&a.url)).unwrap_or_default()) }
                                td {
                                    a href=(format!("/articles/{}/revisions/{}", r.article_id, r.rev)) {
                                        (r.title.as_deref().unwrap_or("(no headline)"))
                                    }
                                }
                                td.classes { (change(r)) }
                            }
                        }
                    }
                }
                @if next.is_some() {
                    nav.pages { a href=(more) rel="next" { "Older changes →" } }
                }
            },
        ))
    })
    .await
}

/// An Atom feed as an answer.
fn atom(xml: String) -> Response {
    let mut r = xml.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    r
}

/// `/feed.atom?class=&host=`: the latest changes as Atom, with the filters
/// of the page it is linked from.
pub async fn latest_feed(
    State(web): State<Web>,
    Query(q): Query<Latest>,
) -> Result<Response, WebError> {
    web.with(move |store, _| {
        let f = q.filters()?;
        let rows = f.rows(store, None)?;
        let articles = articles_of(store, &rows)?;
        let entries: Vec<(&str, &RevisionRow)> = rows
            .iter()
            .filter_map(|r| articles.get(&r.article_id).map(|a| (a.url.as_str(), r)))
            .collect();
        let filters = f.query();
        let id = format!(
            "urn:redline:feed:{}",
            &crate::fingerprint::sha256_hex(format!("latest{filters}").as_bytes())[..32]
        );
        let title = if filters.is_empty() {
            "Latest changes".to_owned()
        } else {
            format!(
                "Latest changes ({})",
                filters.trim_start_matches('?').replace('&', ", ")
            )
        };
        Ok(atom(crate::export::atom::feed(
            store, &id, &title, None, &entries,
        )?))
    })
    .await
}

/// `/articles/ID/feed.atom`: one article's revisions as Atom.
pub async fn article_feed(
    State(web): State<Web>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    web.with(move |store, _| {
        let a = find_article(store, id)?;
        let revisions = store.revisions(id)?;
        let entries: Vec<(&str, &RevisionRow)> = revisions
            .iter()
            .rev()
            .map(|r| (a.url.as_str(), r))
            .collect();
        let title = format!(
            "Changes to {}",
            revisions
                .iter()
                .rev()
                .find_map(|r| r.title.as_deref())
                .unwrap_or(&a.url)
        );
        let feed_id = format!(
            "urn:redline:feed:{}",
            &crate::fingerprint::sha256_hex(a.url.as_bytes())[..32]
        );
        Ok(atom(crate::export::atom::feed(
            store,
            &feed_id,
            &title,
            Some(&a.url),
            &entries,
        )?))
    })
    .await
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn articles_of(store: &Store, rows: &[RevisionRow]) -> Result<HashMap<i64, ArticleRow>, WebError> {
    let mut out = HashMap::new();
    for r in rows {
        if !out.contains_key(&r.article_id)
            && let Some(a) = store.article(r.article_id)?
        {
            out.insert(r.article_id, a);
        }
    }
    Ok(out)
}

pub(super) fn find_article(store: &Store, id: i64) -> Result<ArticleRow, WebError> {
    store
        .article(id)?
        .ok_or_else(|| WebError::NotFound(format!("There is no article {id}.")))
}

/// `/articles/ID`: the article's timeline.
pub async fn article(State(web): State<Web>, Path(id): Path<i64>) -> Result<Markup, WebError> {
    let csrf = web.csrf();
    web.with(move |store, _| {
        let a = find_article(store, id)?;
        let revisions = store.revisions(id)?;
        let title = revisions
            .iter()
            .rev()
            .find_map(|r| r.title.clone())
            .unwrap_or_else(|| "(no headline)".to_owned());
        let state = match (a.stopped(), &a.next_check_at) {
            (Some(crate::store::Stopped::Untracked(at)), _) => format!("untracked {}", short_time(at)),
            (Some(crate::store::Stopped::Ended(at)), _) => format!("ended {}", short_time(at)),
            (Some(crate::store::Stopped::Quiet(at)), _) => format!("retired {} (quiet)", short_time(at)),
            (None, Some(n)) => format!("next check {}", short_time(n)),
            (None, None) => "due now".to_owned(),
        };
        let checks = store.recent_checks(id, 20)?;
        let headlines: Vec<&RevisionRow> = revisions
            .iter()
            .filter(|r| r.rev == 1 || r.classes.contains(&crate::diff::Class::Headline))
            .collect();
        let feed = format!("/articles/{id}/feed.atom");
        Ok(page_with_feed(
            &title,
            Some(&feed),
            html! {
                h1 { (title) }
                p.meta {
                    "#" (a.id) " · " (external(&a.url)) " · " (revisions.len()) " revisions · " (state)
                    " · " a href=(feed) { "Atom feed" }
                    @if let Some(e) = &a.last_error { " · last error: " (e) }
                }
                @if let Some(token) = &csrf {
                    div.filters {
                        form action=(format!("/articles/{id}/check")) method="post" {
                            input type="hidden" name="csrf" value=(token);
                            button { "Check now" }
                        }
                        form action=(format!("/articles/{id}/pace")) method="post" {
                            input type="hidden" name="csrf" value=(token);
                            input type="text" name="every" aria-label="Pace" size="12"
                                value=(a.every_secs.map(|s| crate::schedule::format_duration(std::time::Duration::from_secs(s.max(0) as u64))).unwrap_or_else(|| "adaptive".to_owned()));
                            " "
                            button { "Set pace" }
                        }
                        @if a.stopped().is_some() {
                            form action=(format!("/articles/{id}/resume")) method="post" {
                                input type="hidden" name="csrf" value=(token);
                                button { "Resume" }
                            }
                        } @else {
                            form action=(format!("/articles/{id}/untrack")) method="post" {
                                input type="hidden" name="csrf" value=(token);
                                button { "Untrack" }
                            }
                        }
                    }
                }
                @if headlines.len() > 1 {
                    h2 { "Headlines" }
                    table {
                        @for r in &headlines {
                            tr { td.when { "rev " (r.rev) " · " (short_time(&r.captured_at)) } td { (r.title.as_deref().unwrap_or("(no headline)")) } }
                        }
                    }
                }
                @if !checks.is_empty() {
                    h2 { "Latest checks" }
                    table {
                        tr { th { "When" } th { "HTTP" } th { "Outcome" } th { "Took" } th { "Error" } }
                        @for c in &checks {
                            tr {
                                td.when { (short_time(&c.checked_at)) }
                                td { (c.http_status.map(|s| s.to_string()).unwrap_or_default()) }
                                td { (c.outcome.replace('_', " ")) }
                                td.when { (c.duration_ms) " ms" }
                                td { (c.error.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
                h2 { "Revisions" }
                table {
                    tr { th { "Rev" } th { "Captured" } th { "What changed" } th { "Headline" } }
                    @for r in revisions.iter().rev() {
                        tr data-row {
                            td { a href=(format!("/articles/{id}/revisions/{}", r.rev)) { (r.rev) } }
                            td.when { (short_time(&r.captured_at)) }
                            td.classes { (change(r)) }
                            td { (r.title.as_deref().unwrap_or("")) }
                        }
                    }
                }
            },
        ))
    })
    .await
}

/// `/articles/ID/revisions/REV`: the diff in the views the terminal has
/// (changes with context, side by side), the text, and the evidence.
/// `?context=N`: unchanged paragraphs around each change (0: changes only).
#[derive(Debug, Deserialize)]
pub struct Context {
    context: Option<usize>,
}

pub async fn revision(
    State(web): State<Web>,
    Path((id, rev)): Path<(i64, i64)>,
    Query(view): Query<Context>,
) -> Result<Markup, WebError> {
    let default = crate::render::diff::ViewOptions::default().context;
    let context = view.context.unwrap_or(default).min(50);
    web.with(move |store, _| {
        let a = find_article(store, id)?;
        let r = store
            .revision(id, rev)?
            .ok_or_else(|| WebError::NotFound(format!("Article {id} has no revision {rev}.")))?;
        let latest = store.latest_revision(id)?.map_or(rev, |l| l.rev);
        let article = store.revision_article(&r)?;
        let changes = crate::export::changes_html_with(store, &r, &article, true, context)?;
        let title = article
            .title
            .clone()
            .or_else(|| r.title.clone())
            .unwrap_or_else(|| "(no headline)".to_owned());
        Ok(page(
            &title,
            html! {
                p.meta {
                    a href=(format!("/articles/{id}")) { "← the article's timeline" }
                    @if rev > 1 { " · " a href=(format!("/articles/{id}/revisions/{}", rev - 1)) rel="prev" { "revision " (rev - 1) } }
                    @if rev < latest { " · " a href=(format!("/articles/{id}/revisions/{}", rev + 1)) rel="next" { "revision " (rev + 1) } }
                }
                h1 { (title) }
                p.cite {
                    "#" (id) " rev " (rev) ", captured " (short_time(&r.captured_at)) " from "
                    (external(&crate::fetch::redact(&r.final_url))) " (HTTP " (r.http_status) "), page SHA-256 "
                    a href=(format!("/articles/{id}/revisions/{rev}/raw")) { (r.raw_sha256) }
                    " · " a href=(format!("/articles/{id}/revisions/{rev}/warc")) { "WARC record" }
                }
                p.meta { (change(&r)) }
                @if let Some(html) = changes {
                    h2 { "Changes" }
                    p.meta {
                        @if context == 0 {
                            a href=(format!("/articles/{id}/revisions/{rev}")) { "with context" } " · changes only"
                        } @else {
                            "with context · " a href=(format!("/articles/{id}/revisions/{rev}?context=0")) { "changes only" }
                        }
                    }
                    // Built by render::diff, every piece of article text escaped.
                    (PreEscaped(html))
                } @else {
                    p.meta { "The first revision of " (external(&a.url)) ": nothing to compare." }
                }
                h2 { "Text" }
                @if let Some(b) = &article.byline { p.meta { "By " (b) } }
                @if let Some(lead) = &article.lead { p { em { (lead) } } }
                @for p in &article.body { p { (p) } }
                @for c in &article.corrections { p.meta { (c) } }
            },
        ))
    })
    .await
}

/// `/articles/ID/revisions/REV/raw`: the page exactly as it was served,
/// as text in a sandbox (never run, never rendered as HTML).
pub async fn raw(
    State(web): State<Web>,
    Path((id, rev)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    web.with(move |store, _| {
        let r = store
            .revision(id, rev)?
            .ok_or_else(|| WebError::NotFound(format!("Article {id} has no revision {rev}.")))?;
        let bytes = store.blob(&r.raw_sha256)?;
        let charset: String = r
            .encoding
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let mut response = bytes.into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&format!("text/plain; charset={charset}"))
                .unwrap_or(HeaderValue::from_static("text/plain")),
        );
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        );
        Ok(response)
    })
    .await
}

/// `/articles/ID/revisions/REV/warc`: the revision's WARC records
/// (request, response, metadata), as `export --format warc` writes them.
pub async fn warc(
    State(web): State<Web>,
    Path((id, rev)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    web.with(move |store, _| {
        let article = find_article(store, id)?;
        let r = store
            .revision(id, rev)?
            .ok_or_else(|| WebError::NotFound(format!("Article {id} has no revision {rev}.")))?;
        let dir = tempfile::tempdir()
            .map_err(|e| WebError::BadRequest(format!("cannot write the record: {e}")))?;
        let path = dir.path().join(format!("{id}-{rev}.warc.gz"));
        let selected = [crate::export::Selected {
            article,
            revisions: vec![r],
        }];
        crate::export::warc::export(store, &selected, &path).map_err(|e| match e {
            crate::export::ExportError::Store(e) => WebError::from(e),
            e => WebError::BadRequest(crate::errors::one_line(&e)),
        })?;
        let bytes = std::fs::read(&path)
            .map_err(|e| WebError::BadRequest(format!("cannot read the record: {e}")))?;
        let mut response = bytes.into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/gzip"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"redline-{id}-{rev}.warc.gz\""
        )) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        Ok(response)
    })
    .await
}

/// `/search?q=`.
pub async fn search(
    State(web): State<Web>,
    Query(q): Query<super::api::SearchQuery>,
) -> Result<Markup, WebError> {
    web.with(move |store, _| {
        let query = q.q.unwrap_or_default();
        let found = if query.trim().is_empty() {
            Vec::new()
        } else {
            store.search(&query, None, Some(q.limit.unwrap_or(PER_PAGE).clamp(1, 1000)))?
        };
        let mut hits = Vec::new();
        for f in &found {
            hits.push((f, store.search_context(f.article_id)?));
        }
        Ok(page(
            "Search",
            html! {
                h1 { "Search every revision" }
                form.filters action="/search" method="get" {
                    input type="search" name="q" value=(query) aria-label="Search";
                    button { "Search" }
                }
                p.meta { "Words must stand in one paragraph; \"a phrase\" in quotes; AND, OR, NOT in capitals; prefix*." }
                @if !query.trim().is_empty() && hits.is_empty() { p { "Nothing found." } }
                @for (f, c) in &hits {
                    @let hit = SearchHitJson::new(f, c);
                    article data-row {
                        h2 { a href=(format!("/articles/{}", hit.article_id)) { "#" (hit.article_id) " " (hit.title.unwrap_or("(no headline)")) } }
                        p { "“" (hit.snippet) "”" }
                        p.meta {
                            @for (i, r) in hit.runs.iter().enumerate() {
                                @if i > 0 { " · " }
                                @if r.from_rev == 1 && i == 0 { "from " } @else if i == 0 { "added in " } @else { "back in " }
                                a href=(format!("/articles/{}/revisions/{}", hit.article_id, r.from_rev)) { "rev " (r.from_rev) }
                                @if let Some(t) = &r.from_captured_at { " (" (short_time(t)) ")" }
                                @if let Some(gone) = r.removed_in {
                                    ", removed in "
                                    a href=(format!("/articles/{}/revisions/{gone}", hit.article_id)) { "rev " (gone) }
                                    @if let Some(t) = &r.removed_at { " (" (short_time(t)) ")" }
                                }
                            }
                            @if hit.still_there { " · still there" }
                        }
                    }
                }
            },
        ))
    })
    .await
}

/// `/status`: is the tracker working?
pub async fn status(State(web): State<Web>) -> Result<Markup, WebError> {
    web.with(move |store, clock| {
        let totals = store.totals()?;
        let problems = store.problems()?;
        let mut s = StatusJson::new(&totals, &problems);
        s.complete(store, clock.now())?;
        Ok(page(
            "Status",
            html! {
                h1 { "Status" }
                p.meta {
                    (s.articles) " articles, " (s.revisions) " revisions, " (s.checks) " checks; last check "
                    (s.last_checked_at.map_or("never".to_owned(), short_time))
                    "; due now: " (s.due_now)
                    @if let Some(n) = &s.next_due_at { "; next due " (short_time(n)) }
                }
                @if let Some(p) = &s.last_pass {
                    p.meta { "Last pass: " (short_time(&p.started_at)) ", " (p.articles) " articles, " (p.changed) " changed, " (p.failed) " failed." }
                }
                @for (name, items) in [("Failing", &s.failing), ("Extraction alarms", &s.alarms)] {
                    @if !items.is_empty() {
                        h2 { (name) " (" (items.len()) ")" }
                        table {
                            @for i in items.iter() {
                                tr {
                                    td { a href=(format!("/articles/{}", i.id)) { "#" (i.id) } }
                                    td.when { "since " (short_time(i.since)) }
                                    td { (i.error.unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
                @if !s.taken_down.is_empty() {
                    h2 { "Taken down (" (s.taken_down.len()) ")" }
                    table {
                        @for t in &s.taken_down {
                            tr {
                                td { a href=(format!("/articles/{}", t.id)) { "#" (t.id) } }
                                td.when { "since " (short_time(&t.since)) }
                                td { (t.by) } td { (t.title.as_deref().unwrap_or("(no headline)")) }
                            }
                        }
                    }
                }
                @if !s.refusing_hosts.is_empty() {
                    h2 { "Hosts refusing redline" }
                    ul { @for (h, n) in &s.refusing_hosts { li { (h) " (" (n) " articles)" } } }
                }
                @if !s.failed_notifications.is_empty() {
                    h2 { "Failed notifications (last week): " (s.failed_notifications.len()) }
                }
            },
        ))
    })
    .await
}

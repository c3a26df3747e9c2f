//! The JSON API under `/api/v1/`: the same shapes as the CLI's `--json`
//! (`type` first), the schema version in the `Redline-Schema` header, lists
//! paged with a cursor (`next`: the value to pass as `after`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::{Web, WebError};
use crate::render::json::{ArticleJson, DiffJson, RevisionJson, SearchHitJson, StatusJson};

/// The version of the shapes below; a change that removes or renames a
/// field raises it.
pub const SCHEMA: &str = "1";

/// An answer of the API: a JSON text, or an error as `{"type":"error",…}`.
pub struct ApiResult(Result<String, WebError>);

/// An error, as the API answers it.
#[derive(Serialize)]
struct ErrorJson {
    #[serde(rename = "type")]
    kind: &'static str,
    error: String,
}

/// A list: its items, and the cursor of the next page (`null`: the last).
#[derive(Serialize)]
struct ListJson<T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    article_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<String>,
    items: Vec<T>,
    next: Option<i64>,
}

impl<T: Serialize> ListJson<T> {
    fn new(kind: &'static str, items: Vec<T>) -> Self {
        ListJson {
            kind,
            article_id: None,
            query: None,
            items,
            next: None,
        }
    }
}

impl IntoResponse for ApiResult {
    fn into_response(self) -> Response {
        let (status, body) = match self.0 {
            Ok(text) => (StatusCode::OK, text),
            Err(e) => (
                e.status(),
                text(&ErrorJson {
                    kind: "error",
                    error: e.message(),
                }),
            ),
        };
        let mut response = (status, body).into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        h.insert("Redline-Schema", HeaderValue::from_static(SCHEMA));
        response
    }
}

/// `?after=ID&limit=N`.
#[derive(Debug, Deserialize)]
pub struct Paging {
    after: Option<i64>,
    limit: Option<usize>,
}

/// At most this many items in one answer.
const MAX: usize = 1000;

/// A shape as JSON text, its fields in their declared order (`type` first).
fn text(v: &impl Serialize) -> String {
    serde_json::to_string(v).expect("our shapes always serialise")
}

/// `/api/v1/articles`: every tracked article, by id.
pub async fn articles(State(web): State<Web>, Query(p): Query<Paging>) -> ApiResult {
    ApiResult(
        web.with(move |store, _| {
            let limit = p.limit.unwrap_or(100).clamp(1, MAX);
            let page = store.summaries_after(p.after, Some(limit + 1))?;
            let more = page.len() > limit;
            let mut list = ListJson::new(
                "articles",
                page.iter().take(limit).map(ArticleJson::new).collect(),
            );
            list.next = more.then(|| page[limit - 1].article.id);
            Ok(text(&list))
        })
        .await,
    )
}

/// `/api/v1/articles/ID/revisions`: the article's revisions, oldest first.
pub async fn revisions(State(web): State<Web>, Path(id): Path<i64>) -> ApiResult {
    ApiResult(
        web.with(move |store, _| {
            let article = store
                .article(id)?
                .ok_or_else(|| WebError::NotFound(format!("no article {id}")))?;
            let revisions = store.revisions(article.id)?;
            let mut list = ListJson::new(
                "revisions",
                revisions.iter().map(RevisionJson::new).collect(),
            );
            list.article_id = Some(id);
            Ok(text(&list))
        })
        .await,
    )
}

/// `/api/v1/articles/ID/revisions/REV/diff`: what the revision changed
/// against the one before it (as stored).
pub async fn diff(State(web): State<Web>, Path((id, rev)): Path<(i64, i64)>) -> ApiResult {
    ApiResult(
        web.with(move |store, _| {
            let r = store
                .revision(id, rev)?
                .ok_or_else(|| WebError::NotFound(format!("no revision {rev} of article {id}")))?;
            let d = store.revision_diff(&r)?.ok_or_else(|| {
                WebError::NotFound(format!("revision {rev} of article {id} is its first"))
            })?;
            Ok(text(&DiffJson::new(&d, Some(id), Some((rev - 1, rev)))))
        })
        .await,
    )
}

/// `?q=QUERY&limit=N`.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub limit: Option<usize>,
}

/// `/api/v1/search?q=`: as `redline search --json`, newest matches first.
pub async fn search(State(web): State<Web>, Query(q): Query<SearchQuery>) -> ApiResult {
    ApiResult(
        web.with(move |store, _| {
            let query = q.q.unwrap_or_default();
            if query.trim().is_empty() {
                return Err(WebError::BadRequest("give a query: ?q=words".to_owned()));
            }
            let limit = q.limit.unwrap_or(50).clamp(1, MAX);
            let found = store.search(&query, None, Some(limit))?;
            let contexts = found
                .iter()
                .map(|f| store.search_context(f.article_id))
                .collect::<Result<Vec<_>, _>>()?;
            let mut list = ListJson::new(
                "search",
                found
                    .iter()
                    .zip(&contexts)
                    .map(|(f, c)| SearchHitJson::new(f, c))
                    .collect(),
            );
            list.query = Some(query);
            Ok(text(&list))
        })
        .await,
    )
}

/// `/api/v1/status`: as `redline status --json`.
pub async fn status(State(web): State<Web>) -> ApiResult {
    ApiResult(
        web.with(move |store, clock| {
            let totals = store.totals()?;
            let problems = store.problems()?;
            let mut report = StatusJson::new(&totals, &problems);
            report.complete(store, clock.now())?;
            Ok(text(&report))
        })
        .await,
    )
}

//! schema.org JSON-LD: the most trusted source of an article's metadata.
//!
//! Finds the first object typed as an article (`NewsArticle`, `Article`,
//! `BlogPosting`, …) in any `<script type="application/ld+json">` block, through
//! arrays, `@graph` and `mainEntity`, and reads its fields. Malformed blocks are
//! skipped, never fatal.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::text::{decode_entities, non_empty};

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
];

/// What JSON-LD said about the article.
#[derive(Debug, Default, Clone)]
pub struct JsonLd {
    pub headline: Option<String>,
    pub authors: Vec<String>,
    /// Of [`JsonLd::authors`], those typed `Person`.
    pub persons: Vec<String>,
    /// `datePublished`, else `dateCreated`, as written.
    pub published: Option<String>,
    /// `dateModified`, as written.
    pub modified: Option<String>,
    /// A publication date of another node (a `WebPage`, a video) or of a
    /// block that is not valid JSON, as written.
    pub published_elsewhere: Option<String>,
    pub description: Option<String>,
    pub body: Option<String>,
    pub publisher: Option<String>,
    pub language: Option<String>,
    pub url: Option<String>,
    pub section: Option<String>,
    /// A `LiveBlogPosting`.
    pub live_blog: bool,
    /// A live blog's updates (`liveBlogUpdate`), oldest first.
    pub updates: Vec<String>,
}

/// Reads the article object out of the given script contents, each block
/// parsed once. Also notes the publication date of whatever the blocks
/// describe, for when the article gives none: a `WebPage`'s
/// `datePublished`, a video's `uploadDate`, or, in a block that is not valid
/// JSON (comments, trailing commas), the first `"datePublished": "…"` in it.
pub fn parse<'a>(blocks: impl IntoIterator<Item = &'a str>) -> Option<JsonLd> {
    static KEY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""(?:datePublished|dateCreated|uploadDate)"\s*:\s*"([^"]{8,40})""#)
            .expect("valid regex")
    });
    let mut article: Option<JsonLd> = None;
    let mut elsewhere: Option<String> = None;
    for block in blocks {
        // Once the article is read, other blocks matter only for a date it lacks.
        if article
            .as_ref()
            .is_some_and(|a| a.published.is_some() || elsewhere.is_some())
        {
            break;
        }
        match serde_json::from_str::<Value>(unwrap(block)) {
            Ok(value) => {
                if article.is_none() {
                    article = find_article(&value, 0).map(read);
                }
                if elsewhere.is_none() {
                    elsewhere = find_date(&value, 0);
                }
            }
            Err(_) if elsewhere.is_none() => {
                elsewhere = KEY.captures(block).map(|c| c[1].to_owned());
            }
            Err(_) => {}
        }
    }
    match (article, elsewhere) {
        (None, None) => None,
        (article, elsewhere) => Some(JsonLd {
            published_elsewhere: elsewhere,
            ..article.unwrap_or_default()
        }),
    }
}

fn find_date(v: &Value, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match v {
        Value::Array(items) => items.iter().find_map(|i| find_date(i, depth + 1)),
        Value::Object(map) => ["datePublished", "dateCreated", "uploadDate"]
            .iter()
            .find_map(|k| map.get(*k).and_then(string))
            .or_else(|| {
                ["@graph", "mainEntity", "mainEntityOfPage"]
                    .iter()
                    .filter_map(|k| map.get(*k))
                    .find_map(|i| find_date(i, depth + 1))
            }),
        _ => None,
    }
}

/// A block without the CDATA or comment markers some templates wrap it in.
fn unwrap(block: &str) -> &str {
    let mut b = block.trim();
    for (open, close) in [
        ("//<![CDATA[", "//]]>"),
        ("<![CDATA[", "]]>"),
        ("<!--", "-->"),
    ] {
        if let Some(inner) = b.strip_prefix(open) {
            b = inner.trim_end().strip_suffix(close).unwrap_or(inner).trim();
        }
    }
    b
}

fn find_article(v: &Value, depth: usize) -> Option<&Value> {
    if depth > 8 {
        return None;
    }
    match v {
        Value::Array(items) => items.iter().find_map(|i| find_article(i, depth + 1)),
        Value::Object(map) => {
            if is_article(map.get("@type")) {
                return Some(v);
            }
            ["@graph", "mainEntity", "mainEntityOfPage"]
                .iter()
                .filter_map(|k| map.get(*k))
                .find_map(|i| find_article(i, depth + 1))
        }
        _ => None,
    }
}

fn is_article(ty: Option<&Value>) -> bool {
    match ty {
        Some(Value::String(s)) => ARTICLE_TYPES.contains(&type_name(s)),
        Some(Value::Array(a)) => a.iter().any(|t| {
            t.as_str()
                .is_some_and(|s| ARTICLE_TYPES.contains(&type_name(s)))
        }),
        _ => false,
    }
}

/// `https://schema.org/NewsArticle` and `schema:NewsArticle` are `NewsArticle`.
fn type_name(s: &str) -> &str {
    s.rsplit(['/', ':']).next().unwrap_or(s)
}

fn read(v: &Value) -> JsonLd {
    let s = |key: &str| v.get(key).and_then(string);
    JsonLd {
        headline: s("headline").or_else(|| s("name")),
        authors: v.get("author").map(names).unwrap_or_default(),
        persons: v.get("author").map(persons).unwrap_or_default(),
        published: s("datePublished").or_else(|| s("dateCreated")),
        modified: s("dateModified"),
        published_elsewhere: None,
        description: s("description"),
        body: v
            .get("articleBody")
            .and_then(Value::as_str)
            .map(str::to_owned),
        publisher: v.get("publisher").and_then(|p| names(p).into_iter().next()),
        language: s("inLanguage"),
        url: s("url"),
        section: s("articleSection"),
        live_blog: has_type(v.get("@type"), "LiveBlogPosting"),
        updates: live_updates(v),
    }
}

fn has_type(ty: Option<&Value>, name: &str) -> bool {
    match ty {
        Some(Value::String(s)) => type_name(s) == name,
        Some(Value::Array(a)) => a
            .iter()
            .any(|t| t.as_str().is_some_and(|s| type_name(s) == name)),
        _ => false,
    }
}

/// The text of each `liveBlogUpdate`, in time order (oldest first) when every
/// update is dated, else in the order given.
fn live_updates(v: &Value) -> Vec<String> {
    let Some(Value::Array(updates)) = v.get("liveBlogUpdate") else {
        return Vec::new();
    };
    let mut posts: Vec<(Option<i64>, String)> = updates
        .iter()
        .filter_map(|u| {
            let text = u
                .get("articleBody")
                .or_else(|| u.get("text"))
                .and_then(Value::as_str)?;
            let text = match u.get("headline").and_then(Value::as_str) {
                Some(h) => format!("{h}\n{text}"),
                None => text.to_owned(),
            };
            let date = u
                .get("datePublished")
                .and_then(string)
                .and_then(|d| super::dates::parse(&d, super::dates::Order::DayFirst))
                .map(|d| d.instant_key());
            Some((date, text))
        })
        .collect();
    if posts.iter().all(|(d, _)| d.is_some()) {
        posts.sort_by_key(|p| p.0);
    }
    posts.into_iter().map(|(_, t)| t).collect()
}

/// A string, or the first string of an array, squashed; `None` when empty.
fn string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(&decode_entities(s)),
        Value::Array(a) => a.iter().find_map(string),
        _ => None,
    }
}

/// Names from a string, a `Person`/`Organization` object, or an array of them.
fn names(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => non_empty(s).into_iter().collect(),
        Value::Object(map) => map.get("name").and_then(string).into_iter().collect(),
        Value::Array(items) => {
            let mut out: Vec<String> = Vec::new();
            for name in items.iter().flat_map(names) {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The names of the `Person` objects in an author value.
fn persons(v: &Value) -> Vec<String> {
    match v {
        Value::Object(map) if has_type(map.get("@type"), "Person") => names(v),
        Value::Array(items) => items.iter().flat_map(persons).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_article_in_graph_with_authors() {
        let block = r#"{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","name":"Site"},
            {"@type":["NewsArticle"],"headline":" Big  news ","datePublished":"2026-01-01T10:00:00+02:00",
             "author":[{"@type":"Person","name":"A. Writer"},{"name":"B. Writer"},"A. Writer"],
             "publisher":{"@type":"Organization","name":"The Paper"}}]}"#;
        let ld = parse([block]).unwrap();
        assert_eq!(ld.headline.as_deref(), Some("Big news"));
        assert_eq!(ld.authors, ["A. Writer", "B. Writer"]);
        assert_eq!(ld.published.as_deref(), Some("2026-01-01T10:00:00+02:00"));
        assert_eq!(ld.publisher.as_deref(), Some("The Paper"));
    }

    #[test]
    fn skips_malformed_and_non_article_blocks() {
        let ld = parse([
            "{not json",
            r#"{"@type":"BreadcrumbList"}"#,
            r#"[{"@type":"http://schema.org/Article","name":"Fallback name"}]"#,
        ])
        .unwrap();
        assert_eq!(ld.headline.as_deref(), Some("Fallback name"));
        assert!(parse([r#"{"@type":"Organization"}"#]).is_none());
    }
}

//! HTML → [`Article`]: headline, byline, dates, body paragraphs, correction notes.
//!
//! Sources in order of trust: schema.org JSON-LD, then microdata and meta tags
//! (OpenGraph, `article:`), then what the page shows (the `<h1>`, a visible
//! byline), and for the body a generic content-scoring extractor
//! ([`body`]). A field the page does not give is `None`, never guessed.
//!
//! This module depends on no other part of redline. It parses the document once.

pub mod body;
pub mod jsonld;
pub mod text;

use scraper::{ElementRef, Html, Selector};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use text::{non_empty, normalise_date, squash};

/// An article as extracted from one page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// The headline.
    pub title: Option<String>,
    /// Authors as the page credits them, joined ("A and B").
    pub byline: Option<String>,
    /// First publication, RFC 3339 UTC when the page gave a zone.
    pub published: Option<String>,
    /// Last modification, as the page states it.
    pub modified: Option<String>,
    /// The body, one string per paragraph, whitespace squashed.
    pub body: Vec<String>,
    /// Correction and update notes, apart from the body.
    #[serde(default)]
    pub corrections: Vec<String>,
    /// The page's canonical URL, when it declares one.
    pub canonical_url: Option<String>,
    /// The page's language tag.
    pub language: Option<String>,
    /// The publication's name.
    pub site_name: Option<String>,
}

impl Article {
    /// The body as text: paragraphs separated by a blank line.
    pub fn text(&self) -> String {
        self.body.join("\n\n")
    }

    /// True when nothing of an article was found.
    pub fn is_empty(&self) -> bool {
        self.body.is_empty() && self.title.is_none()
    }

    /// Number of words in the body.
    pub fn word_count(&self) -> usize {
        self.body.iter().map(|p| p.split_whitespace().count()).sum()
    }
}

/// Options for one extraction.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// A CSS selector for the body container, overriding the generic extractor.
    pub body_selector: Option<String>,
}

/// Why an extraction failed.
#[derive(Debug, Error)]
pub enum ExtractError {
    #[error("invalid CSS selector {selector:?}")]
    Selector { selector: String },
    #[error("the body selector {selector:?} matched nothing on the page")]
    SelectorMissed { selector: String },
}

/// Extracts the article from an HTML document with default options.
pub fn extract(html: &str) -> Article {
    extract_with(html, &ExtractOptions::default()).expect("default options cannot fail")
}

/// Extracts the article from an HTML document.
pub fn extract_with(html: &str, opts: &ExtractOptions) -> Result<Article, ExtractError> {
    let doc = Html::parse_document(html);
    let meta = Meta::collect(&doc);
    let ld = jsonld::parse(meta.ld_blocks.iter().map(String::as_str));

    let roots = match &opts.body_selector {
        Some(css) => {
            let sel = Selector::parse(css).map_err(|_| ExtractError::Selector {
                selector: css.clone(),
            })?;
            let roots: Vec<_> = doc.select(&sel).map(|e| *e).collect();
            if roots.is_empty() {
                return Err(ExtractError::SelectorMissed {
                    selector: css.clone(),
                });
            }
            Some(roots)
        }
        None => meta
            .article_body
            .and_then(|id| doc.tree.get(id))
            .map(|n| vec![n]),
    };
    let mut blocks = body::extract(&doc, roots);
    if blocks.paragraphs.is_empty()
        && let Some(text) = ld.as_ref().and_then(|l| l.body.as_deref())
    {
        for para in text.split('\n').filter_map(non_empty) {
            if body::is_correction_note(&para) {
                blocks.corrections.push(para);
            } else {
                blocks.paragraphs.push(para);
            }
        }
    }

    let ld = ld.unwrap_or_default();
    let site_name = ld.publisher.clone().or_else(|| meta.get("og:site_name"));
    let title = ld
        .headline
        .clone()
        .or_else(|| meta.itemprop_headline.clone())
        .or_else(|| meta.get("og:title"))
        .or_else(|| meta.get("twitter:title"))
        .or_else(|| meta.h1.clone())
        .or_else(|| meta.title.clone())
        .map(|t| strip_site_suffix(&t, site_name.as_deref()));
    // The headline is not part of the body even when the container repeats it.
    if let (Some(t), Some(first)) = (&title, blocks.paragraphs.first())
        && first == t
    {
        blocks.paragraphs.remove(0);
    }
    let authors = if !ld.authors.is_empty() {
        ld.authors.clone()
    } else if !meta.itemprop_authors.is_empty() {
        meta.itemprop_authors.clone()
    } else if let Some(a) = meta.get("author").filter(|a| !a.starts_with("http")) {
        vec![a]
    } else {
        meta.visible_byline.clone().into_iter().collect()
    };
    let byline = (!authors.is_empty()).then(|| join_names(&authors));
    Ok(Article {
        title,
        byline,
        published: ld
            .published
            .clone()
            .or_else(|| meta.itemprop_date("datePublished"))
            .or_else(|| {
                meta.get("article:published_time")
                    .and_then(|d| normalise_date(&d))
            }),
        modified: ld
            .modified
            .clone()
            .or_else(|| meta.itemprop_date("dateModified"))
            .or_else(|| {
                meta.get("article:modified_time")
                    .and_then(|d| normalise_date(&d))
            }),
        body: blocks.paragraphs,
        corrections: blocks.corrections,
        canonical_url: meta.canonical.clone().or_else(|| meta.get("og:url")),
        language: meta.lang.clone().or(ld.language.clone()),
        site_name,
    })
}

/// "Alice", "Alice and Bob", "Alice, Bob and Carol".
fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "Headline | The Paper" → "Headline" (also " - " and " — ").
fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    for sep in [" | ", " - ", " — ", " – ", " :: "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let tail_is_site = site.is_some_and(|s| tail.trim().eq_ignore_ascii_case(s.trim()));
            if tail_is_site || (sep == " | " && tail.split_whitespace().count() <= 4) {
                return head.trim().to_owned();
            }
        }
    }
    title.to_owned()
}

/// Metadata gathered in one pass over the document's elements.
#[derive(Debug, Default)]
struct Meta {
    /// `(property or name, content)` of `<meta>` tags, keys lower-case.
    tags: Vec<(String, String)>,
    ld_blocks: Vec<String>,
    canonical: Option<String>,
    lang: Option<String>,
    title: Option<String>,
    h1: Option<String>,
    itemprop_headline: Option<String>,
    itemprop_authors: Vec<String>,
    itemprop_dates: Vec<(String, String)>,
    article_body: Option<ego_tree::NodeId>,
    visible_byline: Option<String>,
}

impl Meta {
    fn collect(doc: &Html) -> Self {
        let mut m = Meta::default();
        let root = doc.root_element();
        m.lang = root.attr("lang").and_then(non_empty);
        for node in root.descendants() {
            let Some(el) = ElementRef::wrap(node) else {
                continue;
            };
            let v = el.value();
            match v.name() {
                "meta" => {
                    let key = v.attr("property").or_else(|| v.attr("name"));
                    if let (Some(key), Some(content)) = (key, v.attr("content"))
                        && let Some(content) = non_empty(content)
                    {
                        m.tags.push((key.to_ascii_lowercase(), content));
                    }
                }
                "script"
                    if v.attr("type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
                {
                    m.ld_blocks.push(el.text().collect());
                }
                "link"
                    if m.canonical.is_none()
                        && v.attr("rel").is_some_and(|r| {
                            r.split_whitespace()
                                .any(|r| r.eq_ignore_ascii_case("canonical"))
                        }) =>
                {
                    m.canonical = v.attr("href").and_then(non_empty);
                }
                "title" if m.title.is_none() => m.title = non_empty(&el.text().collect::<String>()),
                "h1" if m.h1.is_none() => m.h1 = non_empty(&body::block_text(*el).text),
                _ => {}
            }
            if let Some(prop) = v.attr("itemprop") {
                for prop in prop.split_whitespace() {
                    match prop {
                        "headline" if m.itemprop_headline.is_none() => {
                            m.itemprop_headline = v
                                .attr("content")
                                .and_then(non_empty)
                                .or_else(|| non_empty(&body::block_text(*el).text));
                        }
                        "author" | "creator" => {
                            let name = el
                                .select(&NAME)
                                .next()
                                .map(|n| {
                                    n.value()
                                        .attr("content")
                                        .map(str::to_owned)
                                        .unwrap_or_else(|| n.text().collect())
                                })
                                .or_else(|| v.attr("content").map(str::to_owned))
                                .unwrap_or_else(|| el.text().collect());
                            if let Some(name) = non_empty(strip_by(&squash(&name)))
                                && !m.itemprop_authors.contains(&name)
                            {
                                m.itemprop_authors.push(name);
                            }
                        }
                        "datePublished" | "dateModified" => {
                            let value = v
                                .attr("datetime")
                                .or_else(|| v.attr("content"))
                                .map(str::to_owned)
                                .unwrap_or_else(|| el.text().collect());
                            m.itemprop_dates.push((prop.to_owned(), value));
                        }
                        "articleBody" if m.article_body.is_none() => {
                            m.article_body = Some(el.id());
                        }
                        _ => {}
                    }
                }
            }
            if m.visible_byline.is_none() && is_byline(v) {
                let text = body::block_text(*el).text;
                if !text.is_empty() && text.len() < 200 {
                    m.visible_byline = non_empty(strip_by(&text));
                }
            }
        }
        m
    }

    fn get(&self, key: &str) -> Option<String> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn itemprop_date(&self, prop: &str) -> Option<String> {
        self.itemprop_dates
            .iter()
            .find(|(p, _)| p == prop)
            .and_then(|(_, v)| normalise_date(v))
    }
}

static NAME: std::sync::LazyLock<Selector> =
    std::sync::LazyLock::new(|| Selector::parse("[itemprop~=name]").expect("valid selector"));

fn is_byline(el: &scraper::node::Element) -> bool {
    el.attr("rel") == Some("author")
        || el
            .attr("class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == "byline" || c == "author"))
}

/// "By Jane Doe" → "Jane Doe".
fn strip_by(s: &str) -> &str {
    let t = s.trim();
    for prefix in ["By ", "by ", "BY "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return rest.trim();
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_beats_meta_and_title_suffix_is_stripped() {
        let a = extract(
            r#"<html lang="en"><head><title>Ignored | The Paper</title>
            <meta property="og:title" content="OG title">
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"LD headline",
              "author":{"name":"Jo Reporter"},"datePublished":"2026-02-03T04:05:06Z"}</script>
            </head><body><article><h1>LD headline</h1>
            <p>First paragraph of the body, which is long enough to be scored well.</p>
            <p>Second paragraph of the body, which is also long enough, truly.</p></article></body></html>"#,
        );
        assert_eq!(a.title.as_deref(), Some("LD headline"));
        assert_eq!(a.byline.as_deref(), Some("Jo Reporter"));
        assert_eq!(a.published.as_deref(), Some("2026-02-03T04:05:06Z"));
        assert_eq!(a.modified, None);
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.body.len(), 2);
    }

    #[test]
    fn title_falls_back_to_document_title_without_site_suffix() {
        let a = extract("<title>A plain page | Site</title><p>Too short.</p>");
        assert_eq!(a.title.as_deref(), Some("A plain page"));
        assert!(a.body.is_empty());
    }

    #[test]
    fn names_are_joined() {
        let names = ["A".to_owned(), "B".to_owned(), "C".to_owned()];
        assert_eq!(join_names(&names), "A, B and C");
        assert_eq!(join_names(&names[..2]), "A and B");
    }

    #[test]
    fn selector_that_misses_is_an_error() {
        let opts = ExtractOptions {
            body_selector: Some(".nope".into()),
        };
        assert!(matches!(
            extract_with("<p>x</p>", &opts),
            Err(ExtractError::SelectorMissed { .. })
        ));
    }
}

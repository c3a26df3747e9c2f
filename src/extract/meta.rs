//! The page's metadata gathered in one pass over its elements (meta tags,
//! JSON-LD blocks, microdata, the visible byline and standfirst), and the
//! small rules that read names and headlines.

use scraper::{ElementRef, Html, Selector};

use super::body;
use super::text::{non_empty, normalise_date, squash};

/// "A. Writer, B. Writer and C. Writer" → three names.
pub(super) fn split_names(s: &str) -> Vec<String> {
    s.split([',', '&', ';'])
        .flat_map(|part| part.split(" and "))
        .filter_map(non_empty)
        .collect()
}

/// "Alice", "Alice and Bob", "Alice, Bob and Carol".
pub(super) fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "Headline | The Paper" → "Headline" (also " - " and " — ").
pub(super) fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
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
pub(super) struct Meta {
    /// `(property or name, content)` of `<meta>` tags, keys lower-case.
    pub(super) tags: Vec<(String, String)>,
    pub(super) ld_blocks: Vec<String>,
    pub(super) canonical: Option<String>,
    pub(super) lang: Option<String>,
    pub(super) title: Option<String>,
    pub(super) h1: Option<String>,
    pub(super) itemprop_headline: Option<String>,
    pub(super) itemprop_authors: Vec<String>,
    pub(super) itemprop_dates: Vec<(String, String)>,
    pub(super) article_body: Option<ego_tree::NodeId>,
    pub(super) visible_byline: Option<String>,
    /// The first visible standfirst (dek, summary).
    pub(super) standfirst: Option<String>,
    /// A `<time datetime>` inside an `<article>`, or one marked `pubdate`.
    pub(super) time: Option<String>,
    /// `<link rel="next">`: the next page of a paginated article.
    pub(super) next_page: Option<String>,
}

impl Meta {
    pub(super) fn collect(doc: &Html) -> Self {
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
                    if m.next_page.is_none()
                        && v.attr("rel").is_some_and(|r| {
                            r.split_whitespace().any(|r| r.eq_ignore_ascii_case("next"))
                        }) =>
                {
                    m.next_page = v.attr("href").and_then(non_empty);
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
                "time"
                    if m.time.is_none()
                        && (v.attr("pubdate").is_some()
                            || node.ancestors().any(|a| {
                                a.value()
                                    .as_element()
                                    .is_some_and(|e| e.name() == "article")
                            })) =>
                {
                    m.time = v.attr("datetime").and_then(non_empty);
                }
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
            if m.standfirst.is_none() && is_standfirst(v) {
                let text = body::block_text(*el).text;
                if (20..=600).contains(&text.len()) {
                    m.standfirst = Some(text);
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

    pub(super) fn get(&self, key: &str) -> Option<String> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    pub(super) fn itemprop_date(&self, prop: &str) -> Option<String> {
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

fn is_standfirst(el: &scraper::node::Element) -> bool {
    const NAMES: &[&str] = &[
        "standfirst",
        "dek",
        "deck",
        "subheadline",
        "sub-headline",
        "subtitle",
        "sub-title",
        "article-summary",
        "summary",
        "lede",
        "strapline",
        "intro",
        "article-intro",
        "excerpt",
    ];
    !matches!(
        el.name(),
        "meta" | "body" | "html" | "article" | "main" | "section"
    ) && el.attr("class").is_some_and(|c| {
        c.split_whitespace()
            .any(|c| NAMES.contains(&c.to_ascii_lowercase().as_str()))
    })
}

/// "By Jane Doe" → "Jane Doe".
pub(super) fn strip_by(s: &str) -> &str {
    let t = s.trim();
    for prefix in ["By ", "by ", "BY "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return rest.trim();
        }
    }
    t
}

//! HTML → [`Article`]: headline, byline, dates, body paragraphs, correction notes.
//!
//! Sources in order of trust: schema.org JSON-LD, then microdata and meta tags
//! (OpenGraph, `article:`), then what the page shows (the `<h1>`, a visible
//! byline), and for the body a generic content-scoring extractor
//! ([`body`]). A field the page does not give is `None`, never guessed.
//!
//! This module depends on no other part of redline. It parses the document once.

pub mod body;
pub mod dates;
pub mod depth;
mod headline;
pub mod jsonld;
mod meta;
pub mod rules;
pub mod text;
pub mod unread;
mod when;

pub use rules::{SiteRule, rule_for, validate_rule};

use std::collections::HashSet;

use scraper::{Html, Selector};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use meta::{Meta, join_names, split_names};
use text::non_empty;

/// The version of the extraction rules, stored with each revision read by
/// them: 2 keeps dates as the page wrote them (1 converted them to UTC); 3
/// reads datelines by their distance from the headline and leaves lists and
/// teasers of other stories out; 4 reads CJK dates and leaves captions,
/// sentences, forum clocks and members' joining days out. Raised when a
/// change of rules changes what stored revisions would say.
pub const RULES: i64 = 4;

/// An article as extracted from one page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// The headline.
    pub title: Option<String>,
    /// Authors as the page credits them, joined for display ("A and B").
    pub byline: Option<String>,
    /// Authors, one per entry.
    #[serde(default)]
    pub bylines: Vec<String>,
    /// First publication, RFC 3339 UTC when the page gave a zone.
    pub published: Option<String>,
    /// Last modification, as the page states it.
    pub modified: Option<String>,
    /// The standfirst (dek, summary) shown under the headline.
    #[serde(default)]
    pub lead: Option<String>,
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
    /// The section the article is filed under.
    #[serde(default)]
    pub section: Option<String>,
    /// The next page of a paginated article (only this page is read).
    #[serde(default)]
    pub next_page: Option<String>,
    /// A live blog: the body holds its posts in page order.
    #[serde(default)]
    pub live_blog: bool,
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

    /// Number of words in the body (paragraphs are squashed: words are
    /// separated by single spaces).
    pub fn word_count(&self) -> usize {
        self.body
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.bytes().filter(|&b| b == b' ').count() + 1)
            .sum()
    }
}

/// Options for one extraction.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// A site rule to apply.
    pub rule: Option<SiteRule>,
    /// The URL the page was fetched from (a date in its path is a source).
    pub url: Option<String>,
}

/// Why an extraction failed.
#[derive(Debug, Error)]
pub enum ExtractError {
    #[error("invalid CSS selector {selector:?}")]
    Selector { selector: String },
    #[error("the site rule's selector {selector:?} matched nothing on the page")]
    SelectorMissed { selector: String },
    #[error("the page nests elements more than {limit} deep, which no article page does")]
    TooDeep { limit: usize },
}

impl ExtractError {
    /// One line saying what the user can do, when there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ExtractError::TooDeep { .. } => {
                Some("the page is broken or hostile; redline will try again at the next check")
            }
            ExtractError::SelectorMissed { .. } => {
                Some("the site may have changed its layout; fix the rule's selector")
            }
            ExtractError::Selector { .. } => None,
        }
    }
}

/// Extracts the article from an HTML document with default options. Fails
/// only on a page nested too deep to parse in bounded time.
pub fn extract(html: &str) -> Result<Article, ExtractError> {
    extract_with(html, &ExtractOptions::default())
}

fn selector(css: &str) -> Result<Selector, ExtractError> {
    Selector::parse(css).map_err(|_| ExtractError::Selector {
        selector: css.to_owned(),
    })
}

/// Extracts the article from an HTML document.
pub fn extract_with(html: &str, opts: &ExtractOptions) -> Result<Article, ExtractError> {
    // What is never read is not parsed (a fifth of a news page's parse).
    let html = unread::emptied(html);
    // Parsing time grows with the square of the nesting: measure it first.
    if depth::exceeds(&html, depth::MAX_DEPTH) {
        return Err(ExtractError::TooDeep {
            limit: depth::MAX_DEPTH,
        });
    }
    let doc = Html::parse_document(&html);
    let meta = Meta::collect(&doc);
    let ld = jsonld::parse(meta.ld_blocks.iter().map(String::as_str));
    let rule = opts.rule.clone().unwrap_or_default();

    let mut removed = HashSet::new();
    for css in &rule.remove {
        for el in doc.select(&selector(css)?) {
            removed.insert(el.id());
        }
    }
    let removed = (!removed.is_empty()).then_some(&removed);
    let roots = match &rule.select {
        Some(css) => {
            let roots: Vec<_> = doc.select(&selector(css)?).map(|e| *e).collect();
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
    let mut blocks = body::extract(&doc, roots, removed);
    if blocks.paragraphs.is_empty() && rule.select.is_none() {
        fallback_body(&doc, ld.as_ref(), &mut blocks);
    }

    let ld = ld.unwrap_or_default();
    let site_name = ld.publisher.clone().or_else(|| meta.get("og:site_name"));
    let rule_title = match &rule.title {
        Some(css) => doc
            .select(&selector(css)?)
            .next()
            .and_then(|el| non_empty(&body::block_text(*el).text)),
        None => None,
    };
    let title = rule_title.or_else(|| {
        let candidates = headline::Candidates::new([
            (false, ld.headline.clone()),
            (false, meta.itemprop_headline.clone()),
            (false, meta.get("dc.title")),
            (false, meta.get("dcterms.title")),
            (false, meta.get("og:title")),
            (false, meta.get("twitter:title")),
            (false, meta.get("parsely-title")),
            (true, meta.title.clone()),
            (false, meta.h1.clone()),
        ]);
        headline::choose(&candidates, site_name.as_deref())
    });
    // The headline and the standfirst are not part of the body even when the
    // container repeats them.
    let lead = meta.standfirst.clone();
    for repeated in [&title, &lead].into_iter().flatten() {
        if blocks.paragraphs.first() == Some(repeated) {
            blocks.paragraphs.remove(0);
        }
    }
    let bylines = bylines(&meta, &ld, site_name.as_deref());
    let byline = (!bylines.is_empty()).then(|| join_names(&bylines));
    let language = meta.lang.clone().or(ld.language.clone());
    let order = dates::Order::for_language(language.as_deref());
    let published = when::published(&meta, &ld, opts.url.as_deref(), order)
        .or_else(|| meta::first_date_shown(&doc, order))
        // Last, a whole date in the path of the page's own image
        // (`/files/2016/05/04/…`), stored the day it went up.
        .or_else(|| meta.value("og:image").and_then(dates::in_url));
    let modified = when::modified(&meta, &ld, order);
    Ok(Article {
        title,
        byline,
        bylines,
        published: published.map(|d| d.render()),
        modified: modified.map(|d| d.render()),
        lead,
        body: blocks.paragraphs,
        corrections: blocks.corrections,
        canonical_url: meta.canonical.clone().or_else(|| meta.get("og:url")),
        language,
        site_name,
        section: ld.section.clone().or_else(|| meta.get("article:section")),
        next_page: meta.next_page.clone(),
        live_blog: ld.live_blog,
    })
}

/// The authors: JSON-LD, microdata, the meta names, the visible byline, the
/// first that names a person. The site itself (the publisher) is not an
/// author; names are decoded, without "By", and listed once.
fn bylines(meta: &Meta, ld: &jsonld::JsonLd, site: Option<&str>) -> Vec<String> {
    // The publisher is the site; the site's name is the site only where
    // markup names authors (a blog named after its writer says so in text).
    let organisation = |n: &String, structured: bool| {
        if ld.persons.contains(n) {
            return false;
        }
        let n = n.to_lowercase();
        let same = |s: Option<&str>| s.is_some_and(|s| s.to_lowercase() == n);
        same(ld.publisher.as_deref()) || (structured && same(site))
    };
    let clean = |(names, structured): (&[String], bool)| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in names
            .iter()
            .flat_map(|n| split_names(&text::decode_entities(n)))
        {
            let url = name.starts_with("http") || name.contains("://") || name.starts_with('@');
            if !url && !organisation(&name, structured) && name.len() <= 80 && !out.contains(&name)
            {
                out.push(name);
            }
        }
        out
    };
    let meta_names = [
        "dc.creator",
        "dcterms.creator",
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "byl",
    ];
    let named: Vec<(Option<String>, bool)> = meta_names
        .iter()
        .map(|k| (meta.get(k), false))
        .chain([(meta.visible_byline.clone(), false)])
        .collect();
    [(&ld.authors[..], true), (&meta.itemprop_authors[..], true)]
        .into_iter()
        .chain(named.iter().map(|(n, s)| (n.as_slice(), *s)))
        .map(clean)
        .find(|names| !names.is_empty())
        .unwrap_or_default()
}

/// When the page shows no body: the body written in JSON-LD (`articleBody`, or
/// a live blog's updates in order), else the largest `<noscript>` block read as
/// HTML (pages that render the article with scripts).
fn fallback_body(doc: &Html, ld: Option<&jsonld::JsonLd>, blocks: &mut body::Blocks) {
    if let Some(ld) = ld {
        let texts = ld.body.iter().chain(&ld.updates);
        for para in texts.flat_map(|t| t.split('\n')).filter_map(non_empty) {
            if body::is_correction_note(&para) {
                blocks.corrections.push(para);
            } else {
                blocks.paragraphs.push(para);
            }
        }
        if !blocks.paragraphs.is_empty() {
            return;
        }
    }
    let noscript = Selector::parse("noscript").expect("valid selector");
    let largest = doc
        .select(&noscript)
        .map(|n| n.text().collect::<String>())
        .max_by_key(String::len);
    if let Some(inner) = largest.filter(|t| t.contains('<')) {
        let fragment = Html::parse_document(&inner);
        let found = body::extract(&fragment, None, None);
        blocks.paragraphs = found.paragraphs;
        blocks.corrections.extend(found.corrections);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(html: &str) -> Article {
        super::extract(html).expect("a test page extracts")
    }

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
    fn bylines_lose_prefixes_and_the_site_and_become_a_list() {
        let html = r#"<html><head><meta property="og:site_name" content="Metro Wire">
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"H",
              "author":[{"@type":"Organization","name":"Metro Wire"}]}</script></head>
            <body><h1>H</h1><div class="article-byline">By By TOM KRISHER and Ana Berg</div></body></html>"#;
        assert_eq!(extract(html).bylines, ["TOM KRISHER", "Ana Berg"]);
        let french = r#"<html><body><h1>H</h1><span class="auteur byline">Par Sébastien Marin</span></body></html>"#;
        assert_eq!(extract(french).bylines, ["Sébastien Marin"]);
        let entity = r#"<html><head><meta name="author" content="Siobh&amp;#225;n O&#8217;Neill"></head><body></body></html>"#;
        assert_eq!(extract(entity).bylines, ["Siobhán O\u{2019}Neill"]);
        // A blog named after its writer: the person is the author.
        let blog = r#"<html><head><meta property="og:site_name" content="Ana Berg">
            <script type="application/ld+json">{"@type":"BlogPosting","headline":"H",
              "author":{"@type":"Person","name":"Ana Berg"},
              "publisher":{"@type":"Organization","name":"Ana Berg"}}</script></head><body></body></html>"#;
        assert_eq!(extract(blog).bylines, ["Ana Berg"]);
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
            rule: Some(SiteRule {
                select: Some(".nope".into()),
                ..SiteRule::default()
            }),
            url: None,
        };
        assert!(matches!(
            extract_with("<p>x</p>", &opts),
            Err(ExtractError::SelectorMissed { .. })
        ));
    }

    const P1: &str = "The first paragraph of the story is long enough, with a comma, to count.";
    const P2: &str = "The second paragraph of the story is long enough, with a comma, to count.";

    #[test]
    fn site_rule_selects_removes_and_titles() {
        let html = format!(
            r#"<html><body><h1>Generic headline</h1>
            <div class="x-body"><p>{P1}</p><div class="x-promo"><p>Buy the paper today, it is long enough.</p></div><p>{P2}</p></div>
            <div class="x-title">Rule headline</div></body></html>"#
        );
        let opts = ExtractOptions {
            rule: Some(SiteRule {
                select: Some(".x-body".into()),
                remove: vec![".x-promo".into()],
                title: Some(".x-title".into()),
            }),
            url: None,
        };
        let a = extract_with(&html, &opts).unwrap();
        assert_eq!(a.title.as_deref(), Some("Rule headline"));
        assert_eq!(a.body, [P1, P2]);
        let bad = SiteRule {
            remove: vec!["p[".into()],
            ..SiteRule::default()
        };
        assert!(validate_rule(&bad).is_err());
    }

    #[test]
    fn metadata_fields_from_their_sources() {
        let html = format!(
            r#"<html lang="de"><head>
            <meta property="article:section" content="Politik">
            <meta name="author" content="Ana Berg, Jonas Keller and Lu Wei">
            <link rel="next" href="https://example.com/story?page=2">
            </head><body><article><h1>Headline</h1>
            <p class="standfirst">A standfirst that sums up the story in one line.</p>
            <time datetime="2026-05-01T08:00:00+02:00">1 May</time>
            <div class="text"><p>{P1}</p><p>{P2}</p></div></article></body></html>"#
        );
        let a = extract(&html);
        assert_eq!(a.bylines, ["Ana Berg", "Jonas Keller", "Lu Wei"]);
        assert_eq!(
            a.byline.as_deref(),
            Some("Ana Berg, Jonas Keller and Lu Wei")
        );
        assert_eq!(
            a.lead.as_deref(),
            Some("A standfirst that sums up the story in one line.")
        );
        assert_eq!(a.section.as_deref(), Some("Politik"));
        assert_eq!(
            a.published.as_deref(),
            Some("2026-05-01T08:00:00+02:00"),
            "the offset is kept as the page wrote it"
        );
        assert_eq!(
            a.next_page.as_deref(),
            Some("https://example.com/story?page=2")
        );
        assert_eq!(a.language.as_deref(), Some("de"));
        assert_eq!(a.body, [P1, P2]);
    }

    #[test]
    fn body_only_in_noscript_or_json_ld() {
        let noscript = format!(
            "<html><body><div id=app></div><noscript><article><p>{P1}</p><p>{P2}</p></article></noscript></body></html>"
        );
        assert_eq!(extract(&noscript).body, [P1, P2]);
        let ld = format!(
            r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle","headline":"H",
            "articleBody":"{P1}\n{P2}"}}</script></head><body><div id=app></div></body></html>"#
        );
        assert_eq!(extract(&ld).body, [P1, P2]);
    }

    #[test]
    fn live_blog_updates_in_time_order() {
        let html = r#"<html><head><script type="application/ld+json">{"@type":"LiveBlogPosting",
            "headline":"Storm live","liveBlogUpdate":[
              {"datePublished":"2026-01-01T12:00:00Z","articleBody":"Second post"},
              {"datePublished":"2026-01-01T10:00:00Z","articleBody":"First post"}]}</script>
            </head><body><div id=app></div></body></html>"#;
        let a = extract(html);
        assert!(a.live_blog);
        assert_eq!(a.body, ["First post", "Second post"]);
    }

    #[test]
    fn amp_page() {
        let html = format!(
            r#"<!doctype html><html amp lang="en"><head><title>AMP story | Site</title>
            <link rel="canonical" href="https://example.com/story"></head><body>
            <amp-sidebar id="menu"><p>Home, News, Sport, Weather, and so on for a while</p></amp-sidebar>
            <article><h1>AMP story</h1><amp-img src="a.jpg" width="4" height="3"></amp-img>
            <p>{P1}</p><amp-ad type="x"><div fallback>Advertisement loading, please wait a moment</div></amp-ad>
            <p>{P2}</p><amp-social-share type="twitter"></amp-social-share></article></body></html>"#
        );
        let a = extract(&html);
        assert_eq!(a.title.as_deref(), Some("AMP story"));
        assert_eq!(
            a.canonical_url.as_deref(),
            Some("https://example.com/story")
        );
        assert_eq!(a.body, [P1, P2]);
    }

    #[test]
    fn live_blog_posts_in_page_order() {
        let html = r#"<html><body><main><div class="live-blog">
            <div class="post"><time>14:05</time><p>Crews have reopened the northbound lane, police say.</p></div>
            <div class="post"><time>13:40</time><p>The lorry has been lifted clear, and the driver is unhurt.</p></div>
            <div class="post"><time>13:10</time><p>A lorry has overturned at junction 4, blocking both lanes.</p></div>
            </div></main></body></html>"#;
        let a = extract(html);
        assert_eq!(a.body.len(), 6, "{:?}", a.body);
        assert!(
            a.body[1].starts_with("Crews") && a.body[5].starts_with("A lorry"),
            "{:?}",
            a.body
        );
    }
}

//! Feeds and sitemaps: the article URLs an RSS, Atom or JSON Feed, a sitemap
//! (news sitemaps included) or a sitemap index lists.
//!
//! Parsing only; fetching and tracking are the tracker's. Feeds are read with
//! `feed-rs`; sitemaps (a `<urlset>` or `<sitemapindex>`) by their `<loc>`
//! elements.

use thiserror::Error;
use url::Url;

/// What a feed document lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Listing {
    /// Article URLs, in the order listed.
    pub articles: Vec<String>,
    /// Further sitemaps (from a sitemap index).
    pub sitemaps: Vec<String>,
}

#[derive(Debug, Error)]
pub enum FeedError {
    #[error("not an RSS, Atom or JSON feed, nor a sitemap: {0}")]
    Unreadable(String),
}

/// Reads a feed or sitemap; relative links resolve against `base`.
pub fn parse(body: &[u8], base: &Url) -> Result<Listing, FeedError> {
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
    if head.contains("<urlset") || head.contains("<sitemapindex") {
        let text = String::from_utf8_lossy(body);
        let locs = locs(&text, base);
        return Ok(if head.contains("<sitemapindex") {
            Listing {
                articles: Vec::new(),
                sitemaps: locs,
            }
        } else {
            Listing {
                articles: locs,
                sitemaps: Vec::new(),
            }
        });
    }
    let feed = feed_rs::parser::parse(body).map_err(|e| FeedError::Unreadable(e.to_string()))?;
    let mut articles = Vec::new();
    for entry in feed.entries {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(entry.links.first())
            .map(|l| l.href.clone())
            .or_else(|| Some(entry.id.clone()).filter(|id| id.starts_with("http")));
        if let Some(link) = link.and_then(|l| base.join(l.trim()).ok())
            && !articles.contains(&link.to_string())
        {
            articles.push(link.to_string());
        }
    }
    Ok(Listing {
        articles,
        sitemaps: Vec::new(),
    })
}

/// The `<loc>` values of a sitemap, entity-decoded, resolved and deduplicated.
fn locs(text: &str, base: &Url) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<loc>") {
        rest = &rest[start + 5..];
        let Some(end) = rest.find("</loc>") else {
            break;
        };
        let raw = rest[..end].trim();
        let raw = raw
            .strip_prefix("<![CDATA[")
            .and_then(|r| r.strip_suffix("]]>"))
            .unwrap_or(raw)
            .trim()
            .replace("&amp;", "&")
            .replace("&apos;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
        if let Ok(url) = base.join(&raw)
            && !out.contains(&url.to_string())
        {
            out.push(url.to_string());
        }
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/feed").unwrap()
    }

    #[test]
    fn rss_atom_and_json_feeds() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
            <item><title>A</title><link>https://news.example/a</link></item>
            <item><title>B</title><link>/b</link></item></channel></rss>"#;
        assert_eq!(
            parse(rss, &base()).unwrap().articles,
            ["https://news.example/a", "https://news.example/b"]
        );
        let atom = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>x</id><updated>2026-01-01T00:00:00Z</updated>
            <entry><title>A</title><id>urn:a</id><updated>2026-01-01T00:00:00Z</updated><link rel="alternate" href="https://news.example/atom-a"/></entry></feed>"#;
        assert_eq!(
            parse(atom, &base()).unwrap().articles,
            ["https://news.example/atom-a"]
        );
        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"1","url":"https://news.example/j1"}]}"#;
        assert_eq!(
            parse(json, &base()).unwrap().articles,
            ["https://news.example/j1"]
        );
    }

    #[test]
    fn sitemaps_and_indexes() {
        let sitemap = br#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
            <url><loc>https://news.example/s1?a=1&amp;b=2</loc><news:news><news:title>S1</news:title></news:news></url>
            <url><loc> <![CDATA[https://news.example/s2]]> </loc></url></urlset>"#;
        assert_eq!(
            parse(sitemap, &base()).unwrap().articles,
            ["https://news.example/s1?a=1&b=2", "https://news.example/s2"]
        );
        let index = br#"<sitemapindex><sitemap><loc>https://news.example/sm-1.xml</loc></sitemap></sitemapindex>"#;
        let l = parse(index, &base()).unwrap();
        assert!(l.articles.is_empty());
        assert_eq!(l.sitemaps, ["https://news.example/sm-1.xml"]);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse(b"<html><body>not a feed</body></html>", &base()).is_err());
    }
}

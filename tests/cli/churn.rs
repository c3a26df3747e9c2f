//! Deaf to boilerplate, sharp on edits: a page whose furniture churns records
//! no revision; each real edit records exactly one.

use crate::common::Env;

/// Everything on the page that is not the article, and the article itself.
#[derive(Clone)]
struct Page {
    title: String,
    byline: String,
    paragraphs: Vec<String>,
    correction: Option<String>,
    related: Vec<&'static str>,
    ad: &'static str,
    clock: &'static str,
    comments: u32,
    shares: u32,
    csrf: &'static str,
    nonce: &'static str,
    state: &'static str,
    cookie: &'static str,
    newsletter: &'static str,
    videos: Vec<&'static str>,
    ticker: &'static str,
    sidebar_first: bool,
}

impl Page {
    fn base() -> Self {
        Page {
            title: "Harbour bridge to close for six weeks of repairs".into(),
            byline: "Nadia Ferreira".into(),
            paragraphs: vec![
                "The swing bridge over the inner harbour will close to traffic on 4 May for six weeks while engineers replace its worn bearings, the port authority said on Tuesday.".into(),
                "Buses will be diverted over the ring road, adding about ten minutes to journeys between the old town and the station, and a free shuttle boat will run every 15 minutes for people on foot.".into(),
                "The authority said the repairs would cost £2.3 million and could not wait until the autumn, after an inspection in March found cracks in two of the four bearings.".into(),
                "Shop owners on the quay said they feared losing trade during the closure. \u{201c}Half of our customers walk over that bridge,\u{201d} said Tomás Reyes, who runs a café by the ferry steps.".into(),
            ],
            correction: None,
            related: vec!["Ferry fares frozen for the summer", "New cycle lane opens on the quay", "Lifeboat station gets a new boat"],
            ad: "<div class=\"ad-slot\" id=\"ad-7\"><a href=\"/ad/1\">Winter tyres, 20% off</a></div>",
            clock: "Updated 3 minutes ago",
            comments: 12,
            shares: 40,
            csrf: "a1b2c3",
            nonce: "n0nce1",
            state: "{\"session\":\"s1\",\"ab\":\"A\"}",
            cookie: "We use cookies to improve your experience.",
            newsletter: "Get the morning briefing in your inbox.",
            videos: vec!["Watch: the bridge opens for a tall ship", "Watch: harbour seals return"],
            ticker: "Live: council meeting under way",
            sidebar_first: false,
        }
    }

    fn html(&self) -> String {
        let paras: String = self
            .paragraphs
            .iter()
            .map(|p| format!("<p>{p}</p>\n"))
            .collect();
        let correction = self
            .correction
            .as_ref()
            .map(|c| format!("<p class=\"correction\">{c}</p>"))
            .unwrap_or_default();
        let related: String = self
            .related
            .iter()
            .map(|r| format!("<li><a href=\"/r\">{r}</a></li>"))
            .collect();
        let videos: String = self
            .videos
            .iter()
            .map(|v| format!("<li><a href=\"/v\">{v}</a></li>"))
            .collect();
        let most_read = "<div class=\"most-read\"><h3>Most read</h3><ol><li><a href=\"/m1\">Bridge closure dates</a></li></ol></div>";
        let weather = "<div class=\"weather-module\"><p>Harbour: 12°C, light winds</p></div>";
        let sidebar = if self.sidebar_first {
            format!("{weather}{most_read}")
        } else {
            format!("{most_read}{weather}")
        };
        format!(
            r##"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | The Quay Courier</title>
<meta name="csrf-token" content="{csrf}">
<script nonce="{nonce}">window.__STATE__ = {state};</script>
</head><body>
<div class="cookie-banner" role="dialog"><p>{cookie} <button>Accept</button></p></div>
<div class="ticker">{ticker}</div>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<main><article>
<header><h1>{title}</h1><p class="byline">By {byline}</p><span class="timestamp">{clock}</span>
<a class="comment-count" href="#c">{comments} comments</a> <span class="share-count">{shares} shares</span></header>
<div class="article-body">
{paras}{ad}
{correction}
</div>
<form class="comment-form"><input type="hidden" name="csrf" value="{csrf}"><textarea></textarea></form>
</article>
<section class="related-stories"><h2>Related</h2><ul>{related}</ul></section>
<section class="recommended-videos"><h2>Videos</h2><ul>{videos}</ul></section>
<aside class="sidebar">{sidebar}</aside>
</main>
<div class="newsletter-signup"><p>{newsletter}</p></div>
<footer><p>The Quay Courier</p></footer>
<script>track({{"nonce":"{nonce}","comments":{comments}}});</script>
</body></html>"##,
            title = self.title,
            byline = self.byline,
            csrf = self.csrf,
            nonce = self.nonce,
            state = self.state,
            cookie = self.cookie,
            ticker = self.ticker,
            clock = self.clock,
            comments = self.comments,
            shares = self.shares,
            ad = self.ad,
            newsletter = self.newsletter,
        )
    }
}

/// Serves `base`, tracks it, then serves `changed` and checks: returns how many
/// revisions were added.
fn revisions_added(base: &Page, changed: &Page) -> usize {
    let env = Env::new();
    let url = env.serve("/story", &base.html());
    env.run(&["track", &url]).expect(0);
    assert_ne!(
        base.html(),
        changed.html(),
        "the variant must change the page"
    );
    env.serve("/story", &changed.html());
    env.run(&["check"]).expect(0);
    env.revisions("1") - 1
}

#[test]
fn churn_outside_the_article_records_no_revision() {
    let base = Page::base();
    let mut kinds: Vec<(&str, Page)> = Vec::new();
    let mut v = |name, f: &dyn Fn(&mut Page)| {
        let mut p = base.clone();
        f(&mut p);
        kinds.push((name, p));
    };
    v("rotating related links", &|p| p.related.rotate_left(1));
    v(
        "ad slot",
        &|p| p.ad = "<div class=\"ad-slot\" id=\"ad-93\"><a href=\"/ad/2\">New flats at Harbour View</a></div>",
    );
    v("updated-ago clock", &|p| p.clock = "Updated 47 minutes ago");
    v("comment and share counts", &|p| {
        p.comments = 85;
        p.shares = 1204;
    });
    v("CSRF token and script nonce", &|p| {
        p.csrf = "z9y8x7";
        p.nonce = "n0nce2";
    });
    v("inline state script", &|p| {
        p.state = "{\"session\":\"s2\",\"ab\":\"B\",\"t\":1790000000}"
    });
    v("cookie and newsletter banners", &|p| {
        p.cookie = "We and our 212 partners use cookies.";
        p.newsletter = "Never miss a story: sign up today.";
    });
    v("recommended videos", &|p| {
        p.videos = vec!["Watch: storm waves hit the pier"]
    });
    v("live ticker", &|p| {
        p.ticker = "Live: fire crews at the docks"
    });
    v("reordered sidebar modules", &|p| p.sidebar_first = true);
    v("typography inside the article", &|p| {
        p.paragraphs[3] = p.paragraphs[3]
            .replace(['\u{201c}', '\u{201d}'], "\"")
            .replace(' ', "  ");
    });
    assert!(kinds.len() >= 10);
    for (name, page) in &kinds {
        assert_eq!(revisions_added(&base, page), 0, "{name} made a revision");
    }
}

#[test]
fn each_real_edit_records_exactly_one_revision() {
    let base = Page::base();
    let mut edits: Vec<(&str, Page)> = Vec::new();
    let mut e = |name, f: &dyn Fn(&mut Page)| {
        let mut p = base.clone();
        f(&mut p);
        edits.push((name, p));
    };
    e("one word", &|p| {
        p.paragraphs[1] = p.paragraphs[1].replace("free shuttle", "paid shuttle")
    });
    e("one figure", &|p| {
        p.paragraphs[2] = p.paragraphs[2].replace("£2.3 million", "£3.2 million")
    });
    e("one punctuation mark", &|p| {
        // "could not wait" → "could not, wait": a comma that changes the sense.
        p.paragraphs[2] = p.paragraphs[2].replace("could not wait", "could not, wait");
    });
    e("headline", &|p| {
        p.title = "Harbour bridge to shut for six weeks".into()
    });
    e("byline", &|p| {
        p.byline = "Nadia Ferreira and Ola Brandt".into()
    });
    e("correction note", &|p| {
        p.correction = Some("Correction: an earlier version gave the wrong closing date.".into())
    });
    for (name, page) in &edits {
        assert_eq!(revisions_added(&base, page), 1, "{name}");
    }
}

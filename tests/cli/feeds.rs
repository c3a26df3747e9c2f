//! Feeds and sitemaps: every listed article tracked, new ones picked up later,
//! `--match` filtering, conditional reads.

use redline::serve::Route;

use crate::common::{Env, PARAS, page};

fn rss(items: &[&str]) -> String {
    let items: String = items
        .iter()
        .map(|u| format!("<item><title>x</title><link>{u}</link></item>"))
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Desk</title>{items}</channel></rss>"
    )
}

#[test]
fn a_feed_tracks_what_it_lists_now_and_later() {
    let env = Env::new();
    let a = env.serve("/news/a?utm_source=rss", &page("A", PARAS, "x"));
    let b = env.serve("/news/b", &page("B", PARAS, "x"));
    let other = env.serve("/sport/c", &page("C", PARAS, "x"));
    env.set(
        "/feed.xml",
        Route::html(rss(&[&a, &b, &other])).with_content_type("application/rss+xml"),
    );
    env.serve("/news/a", &page("A", PARAS, "x"));
    let feed = env.server.url("/feed.xml");
    let out = env
        .run(&["track", "--feed", &feed, "--match", "/news/"])
        .expect(0);
    assert!(
        out.stdout.contains("feed #1: 2 listed, 2 new"),
        "{}",
        out.stdout
    );
    let list = env.run(&["list", "--json"]).expect(0).json_lines();
    let urls: Vec<&str> = list.iter().map(|a| a["url"].as_str().unwrap()).collect();
    assert_eq!(
        urls,
        [env.server.url("/news/a"), env.server.url("/news/b")],
        "tracking parameters dropped"
    );

    // Unchanged feed: read conditionally, nothing new.
    let out = env.run(&["check"]).expect(0);
    assert!(
        out.stdout.contains("feed #1: 0 listed, 0 new"),
        "{}",
        out.stdout
    );
    // A new item appears.
    let d = env.serve("/news/d", &page("D", PARAS, "x"));
    env.set(
        "/feed.xml",
        Route::html(rss(&[&d, &a, &b])).with_content_type("application/rss+xml"),
    );
    let out = env.run(&["check"]).expect(0);
    assert!(
        out.stdout.contains("feed #1: 3 listed, 1 new"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("tracking: D"), "{}", out.stdout);
    let feeds = env.run(&["feeds", "--json"]).expect(0).json_lines();
    assert_eq!(feeds[0]["articles"], 3);
    assert_eq!(feeds[0]["last_new_at"], "2026-03-01T12:00:00.000Z");
    let again = env.run(&["track", "--feed", &feed]).expect(0);
    assert!(
        again.stdout.contains("feed #1 already followed"),
        "{}",
        again.stdout
    );
}

#[test]
fn a_sitemap_index_and_a_broken_feed() {
    let env = Env::new();
    let a = env.serve("/a", &page("A", PARAS, "x"));
    let sm = env.server.url("/sitemap-1.xml");
    env.set(
        "/sitemap.xml",
        Route::html(format!(
            "<sitemapindex><sitemap><loc>{sm}</loc></sitemap></sitemapindex>"
        ))
        .with_content_type("application/xml"),
    );
    env.set(
        "/sitemap-1.xml",
        Route::html(format!("<urlset><url><loc>{a}</loc></url></urlset>"))
            .with_content_type("application/xml"),
    );
    let out = env
        .run(&["track", "--feed", &env.server.url("/sitemap.xml")])
        .expect(0);
    assert!(
        out.stdout.contains("feed #1: 1 listed, 1 new"),
        "{}",
        out.stdout
    );
    env.set("/broken.xml", Route::html("<html>not a feed</html>"));
    let out = env
        .run(&["track", "--feed", &env.server.url("/broken.xml")])
        .expect(1);
    assert!(
        out.stdout.contains("feed #2 failed") && out.stdout.contains("not an RSS"),
        "{}",
        out.stdout
    );
    let feeds = env.run(&["feeds"]).expect(0).stdout;
    assert!(feeds.contains("last error"), "{feeds}");
}

#[test]
fn a_feed_gives_its_pace_to_the_articles_it_brings() {
    let env = Env::new();
    let a = env.serve("/news/a", &page("A", PARAS, "x"));
    env.set(
        "/feed.xml",
        Route::html(rss(&[&a])).with_content_type("application/rss+xml"),
    );
    let feed = env.server.url("/feed.xml");
    env.run(&["track", "--feed", &feed, "--every", "2h"])
        .expect(0);
    assert_eq!(env.listed(1)["every_secs"], 7200);
    // Articles the feed lists later get it too.
    let b = env.serve("/news/b", &page("B", PARAS, "x"));
    env.set(
        "/feed.xml",
        Route::html(rss(&[&b, &a])).with_content_type("application/rss+xml"),
    );
    env.run(&["check"]).expect(0);
    assert_eq!(env.listed(2)["every_secs"], 7200);
}

//! The recorded sample articles in `snapshots/`, embedded in the binary for
//! `redline demo` and used by the tests. Their text was written for redline;
//! `snapshots/README.md` describes every version.

/// What checking a version must record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The first revision.
    First,
    /// A new revision: the article changed.
    Revision,
    /// No revision: only the page around the article changed.
    NoRevision,
    /// A new revision restoring the text of revision N.
    Revert(i64),
}

/// One recorded version of a page.
#[derive(Debug)]
pub struct Version {
    pub html: &'static str,
    pub expect: Expect,
    /// What changed from the version before, in a few words.
    pub note: &'static str,
}

/// A sample article and its versions, in order.
#[derive(Debug)]
pub struct SnapshotArticle {
    pub site: &'static str,
    /// Where the demo server serves it.
    pub path: &'static str,
    pub versions: &'static [Version],
}

macro_rules! version {
    ($file:literal, $expect:expr, $note:literal) => {
        Version {
            html: include_str!(concat!("../snapshots/", $file)),
            expect: $expect,
            note: $note,
        }
    };
}

/// Every sample article.
pub static ARTICLES: &[SnapshotArticle] = &[
    SnapshotArticle {
        site: "The Harbour Herald (JSON-LD)",
        path: "/news/2026/11/ferry-night-crossings",
        versions: &[
            version!(
                "harbour-herald/ferry-night-crossings/v1.html",
                Expect::First,
                "first version"
            ),
            version!(
                "harbour-herald/ferry-night-crossings/v2.html",
                Expect::Revision,
                "headline rewritten, a paragraph added"
            ),
            version!(
                "harbour-herald/ferry-night-crossings/v3.html",
                Expect::NoRevision,
                "boilerplate only: related links rotated, ad slot and script nonce changed"
            ),
            version!(
                "harbour-herald/ferry-night-crossings/v4.html",
                Expect::Revision,
                "a sentence reworded, a figure fixed, a correction note appended"
            ),
        ],
    },
    SnapshotArticle {
        site: "The Valley Ledger (microdata and meta tags)",
        path: "/local/council-library-wing.html",
        versions: &[
            version!(
                "valley-ledger/library-wing/v1.html",
                Expect::First,
                "first version"
            ),
            version!(
                "valley-ledger/library-wing/v2.html",
                Expect::Revision,
                "a sentence reworded: the cost and who pays it"
            ),
            version!(
                "valley-ledger/library-wing/v3.html",
                Expect::Revision,
                "a paragraph added"
            ),
            version!(
                "valley-ledger/library-wing/v4.html",
                Expect::NoRevision,
                "boilerplate only: weather, clock and newsletter banner changed"
            ),
        ],
    },
    SnapshotArticle {
        site: "Metro Daily Pulse (heavy boilerplate)",
        path: "/story/coast-road-storm",
        versions: &[
            version!(
                "metro-pulse/coast-road-storm/v1.html",
                Expect::First,
                "first version"
            ),
            version!(
                "metro-pulse/coast-road-storm/v2.html",
                Expect::NoRevision,
                "boilerplate only: comment count, clock, ads, trending, state script, cookie banner"
            ),
            version!(
                "metro-pulse/coast-road-storm/v3.html",
                Expect::Revision,
                "headline changed (an A/B test)"
            ),
            version!(
                "metro-pulse/coast-road-storm/v4.html",
                Expect::Revert(1),
                "headline changed back: the text of revision 1 again"
            ),
            version!(
                "metro-pulse/coast-road-storm/v5.html",
                Expect::Revision,
                "a correction note appended"
            ),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Article;

    fn extract(html: &str) -> Article {
        crate::extract::extract(html).expect("a sample article extracts")
    }
    use crate::fingerprint::fingerprint;

    /// Replays each article's versions through extract + fingerprint and
    /// checks that each records what its README entry says.
    #[test]
    fn every_version_records_what_it_should() {
        for article in ARTICLES {
            let mut revisions: Vec<String> = Vec::new();
            for (i, v) in article.versions.iter().enumerate() {
                let a = extract(v.html);
                assert!(
                    a.body.len() >= 3,
                    "{} v{}: body {:?}",
                    article.site,
                    i + 1,
                    a.body
                );
                let fp = fingerprint(&a);
                let got = match revisions.iter().rposition(|f| *f == fp) {
                    None if revisions.is_empty() => Expect::First,
                    None => Expect::Revision,
                    Some(last) if last == revisions.len() - 1 => Expect::NoRevision,
                    Some(earlier) => Expect::Revert(earlier as i64 + 1),
                };
                assert_eq!(
                    got,
                    v.expect,
                    "{} v{} ({}): {a:#?}",
                    article.site,
                    i + 1,
                    v.note
                );
                if got != Expect::NoRevision {
                    revisions.push(fp);
                }
            }
        }
    }

    #[test]
    fn metadata_of_each_site() {
        let herald = extract(ARTICLES[0].versions[3].html);
        assert_eq!(
            herald.title.as_deref(),
            Some("Night ferry crossings suspended for two weeks after engine fault")
        );
        assert_eq!(herald.byline.as_deref(), Some("Mara Quinlan"));
        assert_eq!(herald.published.as_deref(), Some("2026-11-02T06:30:00Z"));
        assert_eq!(herald.corrections.len(), 1);
        assert!(!herald.text().contains("Correction"));

        let ledger = extract(ARTICLES[1].versions[0].html);
        assert_eq!(
            ledger.title.as_deref(),
            Some("Council approves new wing for Thornbury library")
        );
        assert_eq!(ledger.byline.as_deref(), Some("Daniel Okafor"));
        assert_eq!(
            ledger.published.as_deref(),
            Some("2026-10-14T20:30:00+01:00")
        );
        assert_eq!(
            ledger.modified.as_deref(),
            Some("2026-10-14T21:10:00+01:00")
        );
        assert_eq!(ledger.body.len(), 4);

        let pulse = extract(ARTICLES[2].versions[0].html);
        assert_eq!(
            pulse.title.as_deref(),
            Some("Storm closes coast road as waves breach sea wall")
        );
        assert_eq!(pulse.byline.as_deref(), Some("Sam Ortiz"));
        assert_eq!(pulse.body.len(), 5, "{:#?}", pulse.body);
        for junk in [
            "Advertisement",
            "Read more",
            "comments",
            "Trending",
            "cookies",
        ] {
            assert!(
                !pulse.text().contains(junk),
                "{junk} leaked into {:#?}",
                pulse.body
            );
        }
    }
}

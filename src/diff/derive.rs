//! What a revision's stored values must be, derived from the stored texts
//! alone: the diff against the revision before, its word counts, its change
//! classes and the revision it reverts to. The tracker records these values;
//! `verify` and `import` derive them again and refuse what disagrees, so a
//! diff, count or class edited in a database or an export cannot pass as
//! evidence.
//!
//! Pure: no store, no clock. Fingerprints are computed by the caller (they
//! belong to `fingerprint`, which this module does not import).

use super::{ArticleDiff, Class, DiffOptions, diff_articles};
use crate::extract::Article;

/// One revision's text and what is known of it without deriving.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    pub rev: i64,
    pub article: &'a Article,
    pub fingerprint: &'a str,
    /// Recorded from a 404 or 410 answer: a takedown.
    pub gone: bool,
    /// Marked by `reextract` as equal to the revision before it.
    pub technical: bool,
}

/// The values stored with a revision that its text and the texts before it
/// decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub diff: Option<ArticleDiff>,
    pub classes: Vec<Class>,
    /// The classes an earlier rule gave this revision, accepted from files
    /// and databases written then (`None`: no other rule applied).
    pub legacy_classes: Option<Vec<Class>>,
    pub revert_of: Option<i64>,
    pub words_added: i64,
    pub words_removed: i64,
}

/// Derives revision `texts[i]`'s values from it and the revisions before it
/// (`texts` is one article's revisions, oldest first).
pub fn derive(texts: &[Text<'_>], i: usize, opts: &DiffOptions) -> Derived {
    let this = &texts[i];
    let diff = i
        .checked_sub(1)
        .map(|p| diff_articles(texts[p].article, this.article, opts));
    // A revert brings back the text of a revision before the one it follows
    // (the latest such); a takedown or an empty text reverts to nothing.
    let revert_of = if this.technical || this.gone || this.article.body.is_empty() {
        None
    } else {
        texts[..i.saturating_sub(1)]
            .iter()
            .rev()
            .find(|t| t.fingerprint == this.fingerprint)
            .map(|t| t.rev)
    };
    let after_takedown = i > 0 && texts[i - 1].gone && !this.gone && !this.technical;
    let classes = if this.gone {
        vec![Class::Takedown]
    } else if after_takedown {
        restored_classes(revert_of.is_some())
    } else {
        revision_classes(diff.as_ref(), revert_of.is_some(), this.technical)
    };
    // Before schema 5 a page back after a takedown took the classes of its
    // diff from the empty text (headline, added, …); files written then
    // hold those, which the texts derive as well.
    let legacy_classes =
        after_takedown.then(|| revision_classes(diff.as_ref(), revert_of.is_some(), false));
    let (words_added, words_removed) = diff.as_ref().map_or((0, 0), |d| {
        (d.stats.words_added as i64, d.stats.words_removed as i64)
    });
    Derived {
        diff,
        classes,
        legacy_classes,
        revert_of,
        words_added,
        words_removed,
    }
}

/// The classes of a page back after a takedown: `restored`, and `revert`
/// when its text is an earlier revision's. Not the classes of its diff from
/// the empty text of the takedown (every line "added", the headline "new").
pub fn restored_classes(revert: bool) -> Vec<Class> {
    if revert {
        vec![Class::Revert, Class::Restored]
    } else {
        vec![Class::Restored]
    }
}

/// A revision recorded from this HTTP status is a takedown.
pub fn gone(http_status: u16) -> bool {
    matches!(http_status, 404 | 410)
}

/// A revision of the article at `url` recorded from this answer is a
/// takedown: the page is gone (404, 410), or the article's address now
/// leads to another page above it (a section front or the home page).
pub fn taken_down(url: &str, http_status: u16, final_url: &str) -> bool {
    gone(http_status) || redirected_away(url, final_url)
}

/// The article's address led to a page above it: the path it ended at is
/// the site's root or a leading part of the article's own path
/// (`/news/2026/11/bridge` → `/news/`), so the page served is a section
/// front or the home page, not the article. The same page over https, with
/// or without a trailing slash, or at a longer address (a slug added) is
/// not away.
pub fn redirected_away(url: &str, final_url: &str) -> bool {
    let (Ok(from), Ok(to)) = (url::Url::parse(url), url::Url::parse(final_url)) else {
        return false;
    };
    let segments = |u: &url::Url| -> Vec<String> {
        u.path()
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (was, now) = (segments(&from), segments(&to));
    if was == now && from.query() == to.query() {
        return false;
    }
    if now.is_empty() {
        // The home page: of the same site, or of another.
        return !was.is_empty() || from.query().is_some();
    }
    from.host_str() == to.host_str() && now.len() < was.len() && was.starts_with(&now)
}

/// One revision as stored: its text and the values recorded with it.
#[derive(Debug, Clone, Copy)]
pub struct Stored<'a> {
    pub rev: i64,
    pub article: &'a Article,
    pub fingerprint: &'a str,
    pub captured_at: &'a str,
    pub http_status: u16,
    /// The address the page was served from, after redirects.
    pub final_url: &'a str,
    pub technical: bool,
    pub diff: Option<&'a ArticleDiff>,
    pub classes: &'a [Class],
    pub revert_of: Option<i64>,
    /// Words added and removed.
    pub words: (i64, i64),
}

/// Derives one article's history (oldest first) again from its texts and
/// says, for each revision, what it derives and every stored value that
/// disagrees (none: all agree): its number, its fingerprint (`fingerprint`
/// is the caller's, computed from the text), capture times that go back,
/// its diff, counts, classes and revert link. `verify` runs this over the
/// database, `import` over a file.
pub fn audit(
    url: &str,
    history: &[Stored<'_>],
    fingerprint: impl Fn(&Article) -> String,
    opts: &DiffOptions,
) -> Vec<(Derived, Vec<String>)> {
    let fingerprints: Vec<String> = history.iter().map(|s| fingerprint(s.article)).collect();
    let texts: Vec<Text<'_>> = history
        .iter()
        .zip(&fingerprints)
        .map(|(s, fp)| Text {
            rev: s.rev,
            article: s.article,
            fingerprint: fp,
            gone: taken_down(url, s.http_status, s.final_url),
            technical: s.technical,
        })
        .collect();
    history
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut found = Vec::new();
            if s.rev != i as i64 + 1 {
                found.push(format!(
                    "rev: expected revision {} here (revisions go 1, 2, 3, … within an article)",
                    i + 1
                ));
            }
            if fingerprints[i] != s.fingerprint {
                found.push(format!(
                    "fingerprint: stored {}, the text gives {}",
                    s.fingerprint, fingerprints[i]
                ));
            }
            if let Some(before) = i.checked_sub(1).map(|p| &history[p])
                && before.captured_at > s.captured_at
            {
                found.push(format!(
                    "captured_at: {} is earlier than revision {}'s ({})",
                    s.captured_at, before.rev, before.captured_at
                ));
            }
            let derived = derive(&texts, i, opts);
            found.extend(disagreements(
                &derived,
                s.diff,
                s.classes,
                s.revert_of,
                s.words,
            ));
            (derived, found)
        })
        .collect()
}

/// The classes stored with a revision: the diff's, plus what only the
/// history tells (a revert, a technical change).
pub fn revision_classes(diff: Option<&ArticleDiff>, revert: bool, technical: bool) -> Vec<Class> {
    let mut classes: Vec<Class> = diff.map(|d| d.classes.clone()).unwrap_or_default();
    if technical {
        classes = vec![Class::Technical];
    } else if revert {
        classes.push(Class::Revert);
    }
    classes.sort();
    classes.dedup();
    classes
}

/// Where stored values and derived ones disagree: each entry names the field
/// and gives both values.
fn disagreements(
    derived: &Derived,
    stored_diff: Option<&ArticleDiff>,
    classes: &[Class],
    revert_of: Option<i64>,
    words: (i64, i64),
) -> Vec<String> {
    let mut out = Vec::new();
    if derived.diff.as_ref() != stored_diff {
        let at = match (stored_diff, derived.diff.as_ref()) {
            (Some(s), Some(d)) if s.fields != d.fields => "in its field changes".to_owned(),
            (Some(s), Some(d)) if s.body != d.body => {
                let n = s
                    .body
                    .iter()
                    .zip(&d.body)
                    .take_while(|(a, b)| a == b)
                    .count();
                format!("in its body, at change {}", n + 1)
            }
            (Some(s), Some(d)) if s.stats != d.stats => format!(
                "in its counts: +{} −{} words, the texts give +{} −{}",
                s.stats.words_added,
                s.stats.words_removed,
                d.stats.words_added,
                d.stats.words_removed
            ),
            (Some(_), Some(_)) => "in its classes".to_owned(),
            (Some(_), None) => "a first revision has none".to_owned(),
            (None, _) => "it is missing".to_owned(),
        };
        out.push(format!(
            "diff: the stored diff is not the diff of the texts ({at})"
        ));
    }
    if derived.classes != classes && derived.legacy_classes.as_deref() != Some(classes) {
        out.push(format!(
            "classes: stored [{}], the texts give [{}]",
            Class::join(classes, ", "),
            Class::join(&derived.classes, ", ")
        ));
    }
    if derived.revert_of != revert_of {
        let rev = |r: Option<i64>| r.map_or("none".to_owned(), |r| format!("rev {r}"));
        out.push(format!(
            "revert_of: stored {}, the texts give {}",
            rev(revert_of),
            rev(derived.revert_of)
        ));
    }
    if (derived.words_added, derived.words_removed) != words {
        out.push(format!(
            "words_added/words_removed: stored +{} −{}, the texts give +{} −{}",
            words.0, words.1, derived.words_added, derived.words_removed
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_back_after_a_takedown_is_restored_and_the_older_classes_still_pass() {
        let a = article(&["The council met on Monday and voted to close the bridge."]);
        let empty = Article::default();
        let t = |rev, article, fingerprint, gone| Text {
            rev,
            article,
            fingerprint,
            gone,
            technical: false,
        };
        let texts = [
            t(1, &a, "A", false),
            t(2, &empty, "E", true),
            t(3, &a, "A", false),
        ];
        let opts = DiffOptions::default();
        let back = derive(&texts, 2, &opts);
        assert_eq!(back.classes, [Class::Revert, Class::Restored]);
        assert_eq!(back.revert_of, Some(1));
        // What schema 4 stored passes; anything else does not.
        let legacy = back.legacy_classes.clone().unwrap();
        assert!(legacy.contains(&Class::Added), "{legacy:?}");
        let (w, d) = ((back.words_added, back.words_removed), back.diff.as_ref());
        assert!(disagreements(&back, d, &legacy, Some(1), w).is_empty());
        assert!(disagreements(&back, d, &back.classes, Some(1), w).is_empty());
        assert_eq!(disagreements(&back, d, &[Class::Typo], Some(1), w).len(), 1);
    }

    #[test]
    fn a_redirect_to_a_page_above_the_article_is_away() {
        let away = |to: &str| redirected_away("https://news.example/world/2026/11/bridge-shut", to);
        // Section fronts and home pages: above the article.
        assert!(away("https://news.example/world/"));
        assert!(away("https://news.example/world"));
        assert!(away("https://news.example/"));
        assert!(away("https://other.example/"));
        // The article itself, or a longer address of it: not away.
        assert!(!away("https://news.example/world/2026/11/bridge-shut"));
        assert!(!away("http://news.example/world/2026/11/bridge-shut/"));
        assert!(!away("https://news.example/world/2026/11/bridge-shut/amp"));
        assert!(!away(
            "https://news.example/login?next=/world/2026/11/bridge-shut"
        ));
        assert!(!away("https://other.example/world/"));
        // An article addressed by its query: the home page is away.
        assert!(redirected_away(
            "https://news.example/?p=12",
            "https://news.example/"
        ));
        assert!(!redirected_away(
            "https://news.example/",
            "https://news.example/"
        ));
        assert!(taken_down(
            "https://news.example/a/b",
            200,
            "https://news.example/a/"
        ));
        assert!(taken_down(
            "https://news.example/a/b",
            410,
            "https://news.example/a/b"
        ));
        assert!(!taken_down(
            "https://news.example/a/b",
            200,
            "https://news.example/a/b"
        ));
    }

    fn article(body: &[&str]) -> Article {
        Article {
            title: Some("T".into()),
            body: body.iter().map(|s| s.to_string()).collect(),
            ..Article::default()
        }
    }

    #[test]
    fn a_history_derives_its_diffs_classes_and_reverts() {
        let a = article(&["The council met on Monday and voted to close the bridge."]);
        let b = article(&["The council met on Tuesday and voted to close the bridge."]);
        let gone = Article::default();
        let texts = [
            Text {
                rev: 1,
                article: &a,
                fingerprint: "A",
                gone: false,
                technical: false,
            },
            Text {
                rev: 2,
                article: &b,
                fingerprint: "B",
                gone: false,
                technical: false,
            },
            Text {
                rev: 3,
                article: &a,
                fingerprint: "A",
                gone: false,
                technical: false,
            },
            Text {
                rev: 4,
                article: &gone,
                fingerprint: "E",
                gone: true,
                technical: false,
            },
            Text {
                rev: 5,
                article: &a,
                fingerprint: "A",
                gone: false,
                technical: false,
            },
        ];
        let opts = DiffOptions::default();
        let first = derive(&texts, 0, &opts);
        assert_eq!(
            (first.diff, first.classes.len(), first.revert_of),
            (None, 0, None)
        );
        let second = derive(&texts, 1, &opts);
        assert_eq!((second.words_added, second.words_removed), (1, 1));
        assert_eq!(second.revert_of, None);
        let back = derive(&texts, 2, &opts);
        assert_eq!(back.revert_of, Some(1));
        assert!(back.classes.contains(&Class::Revert), "{:?}", back.classes);
        let down = derive(&texts, 3, &opts);
        assert_eq!(
            (down.classes, down.revert_of),
            (vec![Class::Takedown], None)
        );
        // Back after a takedown: the latest earlier revision with that text.
        assert_eq!(derive(&texts, 4, &opts).revert_of, Some(3));

        let stored = back.diff.clone();
        assert!(disagreements(&back, stored.as_ref(), &back.classes, Some(1), (1, 1)).is_empty());
        let edited = disagreements(&back, second.diff.as_ref(), &[Class::Typo], None, (9, 1));
        assert_eq!(edited.len(), 4, "{edited:?}");
    }

    #[test]
    fn an_audit_names_every_stored_value_that_disagrees() {
        let a = article(&["The council met on Monday and voted to close the bridge."]);
        let b = article(&["The council met on Tuesday and voted to close the bridge."]);
        let fp = |x: &Article| x.body.join("|");
        let d = diff_articles(&a, &b, &DiffOptions::default());
        let classes = revision_classes(Some(&d), false, false);
        let (fa, fb) = (fp(&a), fp(&b));
        let good = [
            Stored {
                rev: 1,
                article: &a,
                fingerprint: &fa,
                captured_at: "2026-03-01T10:00:00Z",
                http_status: 200,
                final_url: "https://example.test/a",
                technical: false,
                diff: None,
                classes: &[],
                revert_of: None,
                words: (0, 0),
            },
            Stored {
                rev: 2,
                article: &b,
                fingerprint: &fb,
                captured_at: "2026-03-01T11:00:00Z",
                http_status: 200,
                final_url: "https://example.test/a",
                technical: false,
                diff: Some(&d),
                classes: &classes,
                revert_of: None,
                words: (1, 1),
            },
        ];
        let clean = audit("https://example.test/a", &good, fp, &DiffOptions::default());
        assert!(clean.iter().all(|(_, found)| found.is_empty()), "{clean:?}");
        let mut bad = good;
        bad[1].rev = 3;
        bad[1].fingerprint = "forged";
        bad[1].captured_at = "2026-01-01T00:00:00Z";
        bad[1].http_status = 404;
        let found = &audit("https://example.test/a", &bad, fp, &DiffOptions::default())[1].1;
        for field in ["rev:", "fingerprint:", "captured_at:", "classes:"] {
            assert!(
                found.iter().any(|f| f.starts_with(field)),
                "{field} {found:?}"
            );
        }
    }
}

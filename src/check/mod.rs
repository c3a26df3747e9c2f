//! What a check means: the pure decision at the heart of redline. Given what
//! the fetch brought and the article's past, [`decide`] says whether the
//! check records a new revision (first, changed, revert, takedown) or only a
//! check row (unchanged, not modified, alarm, failed), and with what.
//!
//! No store, no clock, no network, no tokio: the past is read through the
//! [`Prior`] trait, lazily, so a page whose fingerprint equals the latest
//! revision's costs no read beyond the latest revision itself. The tracker
//! is the I/O shell around this: it fetches, reads the past from the store,
//! decides here, writes once, notifies. The table test below covers every
//! outcome against an in-memory past.

use crate::diff::derive::{restored_classes, revision_classes};
use crate::diff::{ArticleDiff, Class, DiffOptions, diff_articles};
use crate::extract::Article;
use crate::fingerprint::fingerprint;
pub use crate::model::check::Outcome;

/// What the fetch brought, as the decision needs it.
#[derive(Debug, Clone, Copy)]
pub enum Fetched<'a> {
    Failed {
        error: &'a str,
        hint: Option<&'static str>,
    },
    /// 304.
    NotModified,
    /// 404 or 410, or a redirect to a page above the article (a section
    /// front, the home page): `final_url` says where it ended.
    Gone { status: u16, final_url: &'a str },
    /// A page and the article extracted from it.
    Page { article: &'a Article, raw_size: u64 },
}

/// The latest revision, as far as a decision needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    pub rev: i64,
    pub fingerprint: String,
    pub title: Option<String>,
    pub classes: Vec<Class>,
}

/// What a check needs of the article's past, read on demand (the
/// read-side twin of ripgrep's `Sink`: the decision pulls, the store answers).
pub trait Prior {
    type Error;
    /// The latest revision, if any.
    fn latest(&self) -> Option<&Latest>;
    /// The latest revision's article.
    fn previous_article(&mut self) -> Result<Article, Self::Error>;
    /// The size of the latest revision's raw page.
    fn previous_raw_size(&mut self) -> Result<u64, Self::Error>;
    /// The last check's outcome, with the fingerprint an alarm recorded.
    fn last_check(&mut self) -> Result<Option<(Outcome, Option<String>)>, Self::Error>;
    /// The latest revision whose text has this fingerprint.
    fn revision_with_fingerprint(&mut self, fp: &str) -> Result<Option<i64>, Self::Error>;
    /// The latest revision's page as served, read again with today's rules
    /// (`None` when they cannot read it).
    fn latest_reread(&mut self) -> Result<Option<Article>, Self::Error>;
}

/// What the decision is told besides the fetch and the past.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The article's URL, as shown (for error lines).
    pub url: &'a str,
    pub diff: DiffOptions,
}

/// What to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A check row only.
    Check {
        outcome: Outcome,
        error: Option<String>,
        hint: Option<&'static str>,
        /// For an alarm: the fingerprint a next check must find to confirm it.
        fingerprint: Option<String>,
    },
    /// A new revision (with its check row).
    Revision(Box<NewText>),
    /// The page says what the latest revision's page said, read with
    /// today's rules: only how redline reads pages changed, not what the
    /// publisher wrote. The stored revisions are derived again (technical
    /// changes) and the check is recorded as unchanged.
    Reread,
}

/// A revision's text and what it derives: the article recorded is the
/// page's, or for a takedown the empty article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewText {
    pub outcome: Outcome,
    pub fingerprint: String,
    pub diff: Option<ArticleDiff>,
    pub classes: Vec<Class>,
    pub revert_of: Option<i64>,
}

impl Decision {
    fn check(outcome: Outcome) -> Self {
        Decision::Check {
            outcome,
            error: None,
            hint: None,
            fingerprint: None,
        }
    }

    fn failed(error: String, hint: &'static str) -> Self {
        Decision::Check {
            outcome: Outcome::Failed,
            error: Some(error),
            hint: Some(hint),
            fingerprint: None,
        }
    }

    /// The outcome, whatever is recorded.
    pub fn outcome(&self) -> Outcome {
        match self {
            Decision::Check { outcome, .. } => *outcome,
            Decision::Revision(t) => t.outcome,
            Decision::Reread => Outcome::Unchanged,
        }
    }
}

/// Decides what a check means.
pub fn decide<P: Prior>(
    fetched: &Fetched<'_>,
    prior: &mut P,
    rules: &Rules<'_>,
) -> Result<Decision, P::Error> {
    match *fetched {
        Fetched::Failed { error, hint } => Ok(Decision::Check {
            outcome: Outcome::Failed,
            error: Some(error.to_owned()),
            hint,
            fingerprint: None,
        }),
        Fetched::NotModified => Ok(Decision::check(Outcome::NotModified)),
        Fetched::Gone { status, final_url } => gone(status, final_url, prior, rules),
        Fetched::Page { article, raw_size } => page(article, raw_size, prior, rules),
    }
}

/// 404 or 410, or a redirect away from the article: a wrong URL (never
/// seen), still gone, or a takedown.
fn gone<P: Prior>(
    status: u16,
    final_url: &str,
    prior: &mut P,
    rules: &Rules<'_>,
) -> Result<Decision, P::Error> {
    let Some(latest) = prior.latest() else {
        return Ok(match status {
            404 | 410 => Decision::failed(
                format!(
                    "{}: HTTP {}",
                    rules.url,
                    if status == 410 {
                        "410 Gone"
                    } else {
                        "404 Not Found"
                    }
                ),
                "the page is gone; check the URL, or untrack it",
            ),
            _ => Decision::failed(
                format!(
                    "{}: redirected to {}, a page above it (a section front or the home page), not an article",
                    rules.url,
                    crate::fetch::redact(final_url)
                ),
                "the article may have been taken down or moved; check the URL, or untrack it",
            ),
        });
    };
    if latest.classes.contains(&Class::Takedown) {
        // Still gone: nothing new. Checked again later, since pages come back.
        return Ok(Decision::check(Outcome::Unchanged));
    }
    let previous = prior.previous_article()?;
    let empty = Article::default();
    Ok(Decision::Revision(Box::new(NewText {
        outcome: Outcome::Takedown,
        fingerprint: fingerprint(&empty),
        diff: Some(diff_articles(&previous, &empty, &rules.diff)),
        classes: vec![Class::Takedown],
        revert_of: None,
    })))
}

/// A page: unchanged, first, changed, revert, an alarm, or no text at all.
fn page<P: Prior>(
    article: &Article,
    raw_size: u64,
    prior: &mut P,
    rules: &Rules<'_>,
) -> Result<Decision, P::Error> {
    let fp = fingerprint(article);
    let latest = prior.latest().cloned();
    if latest.as_ref().is_some_and(|l| l.fingerprint == fp) {
        return Ok(Decision::check(Outcome::Unchanged));
    }
    if latest
        .as_ref()
        .is_some_and(|l| !l.classes.contains(&Class::Takedown))
        && prior
            .latest_reread()?
            .is_some_and(|again| fingerprint(&again) == fp)
    {
        return Ok(Decision::Reread);
    }
    let previous = match &latest {
        Some(_) => Some(prior.previous_article()?),
        None if article.body.is_empty() => {
            return Ok(Decision::failed(
                format!("{}: no article text found on the page", rules.url),
                "the page may not be an article, or it needs a body selector",
            ));
        }
        None => None,
    };
    if let Some(prev) = &previous {
        let problem = alarm(prev, article, prior.previous_raw_size()?, raw_size);
        if let Some(problem) = problem {
            // Recorded only once a second check finds the same thing.
            let confirmed = prior
                .last_check()?
                .is_some_and(|(o, f)| o == Outcome::Alarm && f.as_deref() == Some(fp.as_str()));
            if !confirmed {
                return Ok(Decision::Check {
                    outcome: Outcome::Alarm,
                    error: Some(problem),
                    hint: Some(
                        "recorded only if the next check finds the same; if the site changed \
                         its layout, add a site rule",
                    ),
                    fingerprint: Some(fp),
                });
            }
        }
    }
    let revert_of = if article.body.is_empty() {
        None
    } else {
        prior.revision_with_fingerprint(&fp)?
    };
    let diff = previous
        .as_ref()
        .map(|prev| diff_articles(prev, article, &rules.diff));
    let outcome = match (&latest, revert_of) {
        (None, _) => Outcome::First,
        (Some(_), Some(_)) => Outcome::Revert,
        (Some(_), None) => Outcome::Changed,
    };
    // Back after a takedown: restored (a revert too when the text is an
    // earlier revision's), not "every line added".
    let classes = if latest
        .as_ref()
        .is_some_and(|l| l.classes.contains(&Class::Takedown))
    {
        restored_classes(revert_of.is_some())
    } else {
        revision_classes(diff.as_ref(), revert_of.is_some(), false)
    };
    Ok(Decision::Revision(Box::new(NewText {
        outcome,
        fingerprint: fp,
        diff,
        classes,
        revert_of,
    })))
}

/// Why an extraction looks broken rather than like an edit: the body came
/// out empty, or under half as long as the last revision's while the page is
/// about the same size, or while the whole page shrank to under half (an
/// error page or a consent wall served with 200). `None` when it looks fine.
pub fn alarm(previous: &Article, new: &Article, old_size: u64, new_size: u64) -> Option<String> {
    let (was, now) = (previous.word_count(), new.word_count());
    if now == 0 {
        return Some(format!(
            "extraction alarm: no article text found (the last revision had {was} words)"
        ));
    }
    if was < 50 || now * 2 >= was {
        return None;
    }
    let kb = |n: u64| n.div_ceil(1024);
    let same_size = new_size * 3 >= old_size * 2 && new_size * 2 <= old_size * 3;
    if same_size {
        return Some(format!(
            "extraction alarm: the body has {now} words, the last revision {was}, \
             while the page is about the same size ({} KB, was {} KB)",
            kb(new_size),
            kb(old_size)
        ));
    }
    (new_size * 2 < old_size).then(|| {
        format!(
            "extraction alarm: another, much smaller page came back ({} KB, was {} KB; \
             {now} words, was {was}): an error page or a consent wall?",
            kb(new_size),
            kb(old_size)
        )
    })
}

#[cfg(test)]
mod tests;

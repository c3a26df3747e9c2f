//! The shell's side of the check core: the fetch as `check` sees it
//! ([`Fetch::view`]), the check row it fills, and [`StorePrior`], the
//! article's past read lazily from the store.

use super::*;

/// A fetched-and-extracted page, or the reason it could not be.
pub(super) enum Fetch {
    NotModified {
        status: u16,
        elapsed_ms: u64,
    },
    /// 404 or 410.
    Gone(Box<Page>),
    Page {
        page: Box<Page>,
        article: Box<Article>,
    },
    Failed(Failure),
}

pub(super) struct Failure {
    pub(super) status: Option<u16>,
    pub(super) error: String,
    pub(super) hint: Option<&'static str>,
    pub(super) elapsed_ms: u64,
}

/// The article's past as the check core reads it: the latest revision read
/// once, everything else only when the decision asks.
pub(super) struct StorePrior<'a> {
    pub(super) store: &'a Store,
    pub(super) article_id: i64,
    pub(super) row: Option<RevisionRow>,
    pub(super) latest: Option<check::Latest>,
    /// Today's rules for this article, to read its stored page again.
    pub(super) extract: ExtractOptions,
}

impl<'a> StorePrior<'a> {
    pub(super) fn read(
        store: &'a Store,
        article_id: i64,
        extract: ExtractOptions,
    ) -> Result<Self, StoreError> {
        let row = store.latest_revision(article_id)?;
        let latest = row.as_ref().map(|r| check::Latest {
            rev: r.rev,
            fingerprint: r.fingerprint.clone(),
            title: r.title.clone(),
            classes: r.classes.clone(),
        });
        Ok(StorePrior {
            store,
            article_id,
            row,
            latest,
            extract,
        })
    }

    fn row(&self) -> Result<&RevisionRow, StoreError> {
        self.row.as_ref().ok_or_else(|| StoreError::Damaged {
            path: self.store.path().to_owned(),
            what: format!(
                "article {} has no revision to compare with",
                self.article_id
            ),
        })
    }
}

impl check::Prior for StorePrior<'_> {
    type Error = StoreError;

    fn latest(&self) -> Option<&check::Latest> {
        self.latest.as_ref()
    }

    fn previous_article(&mut self) -> Result<Article, StoreError> {
        self.store.revision_article(self.row()?)
    }

    fn previous_raw_size(&mut self) -> Result<u64, StoreError> {
        self.store.blob_size(&self.row()?.raw_sha256)
    }

    fn last_check(&mut self) -> Result<Option<(Outcome, Option<String>)>, StoreError> {
        self.store.last_check(self.article_id)
    }

    fn revision_with_fingerprint(&mut self, fp: &str) -> Result<Option<i64>, StoreError> {
        self.store.revision_with_fingerprint(self.article_id, fp)
    }

    fn latest_reread(&mut self) -> Result<Option<Article>, StoreError> {
        let row = self.row()?;
        Ok(super::reextract::read_again(self.store, row, &self.extract)?.ok())
    }
}

impl Fetch {
    /// What the check core needs of the fetch.
    pub(super) fn view(&self) -> check::Fetched<'_> {
        match self {
            Fetch::Failed(fail) => check::Fetched::Failed {
                error: &fail.error,
                hint: fail.hint,
            },
            Fetch::NotModified { .. } => check::Fetched::NotModified,
            Fetch::Gone(page) => check::Fetched::Gone {
                status: page.response.status,
                final_url: page.response.final_url.as_str(),
            },
            Fetch::Page { page, article } => check::Fetched::Page {
                article,
                raw_size: page.body.len() as u64,
            },
        }
    }

    /// The check row this fetch fills in, before the decision: status,
    /// duration and, for a page, its validators, final and canonical URLs.
    pub(super) fn check_row(&self, article_id: i64, now: String) -> NewCheck {
        let mut check = NewCheck::new(article_id, now, Outcome::Unchanged);
        match self {
            Fetch::Failed(fail) => {
                check.http_status = fail.status;
                check.duration_ms = fail.elapsed_ms;
            }
            Fetch::NotModified { status, elapsed_ms } => {
                check.http_status = Some(*status);
                check.duration_ms = *elapsed_ms;
            }
            Fetch::Gone(page) => {
                check.http_status = Some(page.response.status);
                check.duration_ms = page.response.elapsed.as_millis() as u64;
            }
            Fetch::Page { page, article } => {
                let resp = &page.response;
                let validators = resp.validators();
                check.http_status = Some(resp.status);
                check.duration_ms = resp.elapsed.as_millis() as u64;
                check.etag = validators.etag;
                check.last_modified = validators.last_modified;
                check.final_url = Some(resp.final_url.to_string());
                check.canonical_url = article
                    .canonical_url
                    .as_deref()
                    .and_then(|c| crate::fetch::parse_url(c).ok())
                    .map(|u| u.to_string());
            }
        }
        check
    }
}

//! `reextract`: the stored raw pages extracted again, everything derived
//! from them derived again through `diff::derive` (raw pages never change).

use super::*;

/// What `reextract` did to one article.
#[derive(Debug, Clone, Default)]
pub struct ReextractReport {
    pub article_id: i64,
    pub revisions: usize,
    /// Revisions whose recorded article changed.
    pub changed: usize,
    /// Revisions now equal to the one before: technical, not edits.
    pub technical: usize,
    /// Revisions whose page the current rules cannot extract (kept as they were).
    pub errors: Vec<String>,
}

/// A revision's stored page extracted again with `opts`; the inner error
/// says why the page yields no article.
pub(super) fn read_again(
    store: &Store,
    r: &RevisionRow,
    opts: &ExtractOptions,
) -> Result<Result<Article, String>, StoreError> {
    let raw = match store.blob(&r.raw_sha256) {
        Ok(raw) => raw,
        // Nothing to read again: the text stays as recorded.
        Err(StoreError::Pruned { .. }) => {
            return Ok(Err("its page as served was removed by `gc`".to_owned()));
        }
        Err(e) => return Err(e),
    };
    let encoding =
        encoding_rs::Encoding::for_label(r.encoding.as_bytes()).unwrap_or(encoding_rs::UTF_8);
    let (html, _, _) = encoding.decode(&raw);
    Ok(match extract_with(&html, opts) {
        Ok(a) if !a.body.is_empty() => Ok(a),
        Ok(_) => Err("no article text found".to_owned()),
        Err(e) => Err(e.to_string()),
    })
}

/// Re-derives every revision of `article` from its stored raw page with the
/// current extractor and rules, and rewrites the derived values (text,
/// fingerprint, diffs, counts, reverts) in one transaction. A revision whose
/// article now equals the one before it is marked technical: the change was in
/// how the page was read, not in what the publisher wrote.
pub fn reextract(
    store: &mut Store,
    article: &ArticleRow,
    opts: &TrackerOptions,
) -> Result<ReextractReport, StoreError> {
    let now = rfc3339(opts.clock.now());
    let extract_opts = opts.extract_options(article);
    let revisions = store.revisions(article.id)?;
    let mut report = ReextractReport {
        article_id: article.id,
        revisions: revisions.len(),
        ..ReextractReport::default()
    };
    let mut articles: Vec<Article> = Vec::with_capacity(revisions.len());
    let mut fingerprints: Vec<String> = Vec::with_capacity(revisions.len());
    let mut technical: Vec<bool> = Vec::with_capacity(revisions.len());
    let mut read_now: Vec<bool> = Vec::with_capacity(revisions.len());
    for r in &revisions {
        let takedown = taken_down(&article.url, r.http_status, &r.final_url);
        let a = if takedown {
            // A takedown's text is the empty article, whatever its page says.
            read_now.push(true);
            store.revision_article(r)?
        } else {
            match read_again(store, r, &extract_opts)? {
                Ok(a) => {
                    read_now.push(true);
                    a
                }
                Err(e) => {
                    report.errors.push(format!("rev {}: {e}", r.rev));
                    read_now.push(false);
                    store.revision_article(r)?
                }
            }
        };
        let fp = fingerprint(&a);
        if fp != r.fingerprint {
            report.changed += 1;
        }
        let same_as_before = !takedown && fingerprints.last() == Some(&fp);
        report.technical += usize::from(same_as_before);
        technical.push(same_as_before);
        fingerprints.push(fp);
        articles.push(a);
    }
    let texts: Vec<Text<'_>> = revisions
        .iter()
        .enumerate()
        .map(|(i, r)| Text {
            rev: r.rev,
            article: &articles[i],
            fingerprint: &fingerprints[i],
            gone: taken_down(&article.url, r.http_status, &r.final_url),
            technical: technical[i],
        })
        .collect();
    let derived: Vec<Derived> = (0..texts.len())
        .map(|i| derive(&texts, i, &opts.diff))
        .collect();
    let items: Vec<crate::store::Rederived<'_>> = revisions
        .iter()
        .zip(&derived)
        .enumerate()
        .map(|(i, (r, d))| crate::store::Rederived {
            revision_id: r.id,
            article: &articles[i],
            fingerprint: fingerprints[i].clone(),
            revert_of: d.revert_of,
            diff: d.diff.as_ref(),
            technical: technical[i],
            classes: d.classes.clone(),
            rules: read_now[i].then_some(crate::extract::RULES),
        })
        .collect();
    store.rederive(&items, &now)?;
    Ok(report)
}

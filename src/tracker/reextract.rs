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
    /// Revisions whose article stays the same but whose fields around it
    /// (dates, canonical URL, language, …) are read differently now.
    pub metadata: usize,
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
    let mut jsons: Vec<Vec<u8>> = Vec::with_capacity(revisions.len());
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
        let json = serde_json::to_vec(&a).expect("an Article always serialises");
        if fp != r.fingerprint {
            report.changed += 1;
        } else if read_now.last() == Some(&true)
            && crate::fingerprint::sha256_hex(&json) != r.text_sha256
        {
            // The same article, its dates or other fields read anew.
            report.metadata += 1;
        }
        let same_as_before = !takedown && fingerprints.last() == Some(&fp);
        report.technical += usize::from(same_as_before);
        technical.push(same_as_before);
        fingerprints.push(fp);
        jsons.push(json);
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
            json: &jsons[i],
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A page whose date older rules read from a photograph's caption.
    const PAGE: &str = r#"<!doctype html><html lang="en"><head><title>Harbour crews stop work</title></head>
        <body><h1>Harbour crews stop work</h1><div><img src="a.jpg"><br>FILE PHOTO: The minister
        speaks to the crew of a ship in the harbour at Brest, France, March 2, 2021. Photo by a staff
        photographer</div><p>March 4, 2021</p>
        <p>BREST – Crews at the harbour stopped work on Thursday morning after talks on the new rota
        broke down late on Wednesday night, the union said.</p>
        <p>The harbour master said ferries would run to the islands as usual, though freight would
        wait until the crews came back.</p></body></html>"#;

    #[test]
    fn a_date_read_anew_is_counted_apart_from_changed_revisions() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("r.db")).unwrap();
        let now = "2026-01-01T00:00:00.000Z";
        let (row, _) = store
            .add_article("http://x/a", None, &Pace::default(), now)
            .unwrap();
        // Stored as the older rules read it: the same article, another date.
        let today = crate::extract::extract(PAGE).unwrap();
        assert_eq!(today.published.as_deref(), Some("2021-03-04"));
        let older = Article {
            published: Some("2021-03-02".into()),
            ..today.clone()
        };
        let new = NewRevision {
            captured_at: now.into(),
            fingerprint: fingerprint(&older),
            raw: PAGE.as_bytes(),
            article: &older,
            final_url: "http://x/a".into(),
            http_status: 200,
            headers: &[],
            request_headers: &[],
            encoding: "UTF-8",
            revert_of: None,
            diff: None,
            classes: &[],
        };
        let check = NewCheck {
            http_status: Some(200),
            ..NewCheck::new(row.id, now.into(), Outcome::First)
        };
        store.record_revision(&new, &check).unwrap();
        let opts = TrackerOptions::default();
        let report = reextract(&mut store, &row, &opts).unwrap();
        assert_eq!((report.changed, report.metadata), (0, 1));
        let stored = store.latest_revision(row.id).unwrap().unwrap();
        assert_eq!(store.revision_article(&stored).unwrap(), today);
        // Read again by the same rules, nothing is new.
        let report = reextract(&mut store, &row, &opts).unwrap();
        assert_eq!((report.changed, report.metadata), (0, 0));
    }
}

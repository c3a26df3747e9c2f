//! Atom (RFC 4287): a feed of changes, one entry per revision, newest first,
//! each carrying its stored diff as HTML. Entry ids are stable
//! (`urn:redline:<hash of the article URL>:<rev>`), so feed readers see each
//! revision once however often the feed is exported. Select one article for
//! its own feed.

use std::io::Write;
use std::path::Path;

use super::{ExportError, Report, Selected, changes_html, what_changed, word_counts};
use crate::fingerprint::sha256_hex;
use crate::render::diff::escape;
use crate::store::{RevisionRow, Store, StoreError};

fn entry_id(url: &str, rev: i64) -> String {
    format!("urn:redline:{}:{rev}", &sha256_hex(url.as_bytes())[..32])
}

fn feed_id(selected: &[Selected]) -> String {
    let mut urls: Vec<&str> = selected.iter().map(|s| s.article.url.as_str()).collect();
    urls.sort_unstable();
    format!(
        "urn:redline:feed:{}",
        &sha256_hex(urls.join("\n").as_bytes())[..32]
    )
}

pub fn export(store: &Store, selected: &[Selected], path: &Path) -> Result<Report, ExportError> {
    let mut entries: Vec<(&Selected, &RevisionRow)> = selected
        .iter()
        .flat_map(|s| s.revisions.iter().map(move |r| (s, r)))
        .collect();
    entries.sort_by(|a, b| {
        (b.1.captured_at.as_str(), &b.0.article.url, b.1.rev).cmp(&(
            a.1.captured_at.as_str(),
            &a.0.article.url,
            a.1.rev,
        ))
    });
    let title = match selected {
        [one] => format!(
            "Changes to {}",
            one.revisions
                .last()
                .and_then(|r| r.title.as_deref())
                .unwrap_or(&one.article.url)
        ),
        _ => "Changes to tracked articles".to_owned(),
    };
    let entries: Vec<(&str, &RevisionRow)> = entries
        .iter()
        .map(|(s, r)| (s.article.url.as_str(), *r))
        .collect();
    let related = match selected {
        [one] => Some(one.article.url.as_str()),
        _ => None,
    };
    let xml = feed(store, &feed_id(selected), &title, related, &entries)?;
    let mut w = super::create(path)?;
    w.write_all(xml.as_bytes())
        .and_then(|()| w.flush())
        .map_err(ExportError::write(path))?;
    Ok(Report::of(selected))
}

/// A whole feed of `entries` (article URL and revision), newest first as
/// given; `related` links the one article it follows.
pub(crate) fn feed(
    store: &Store,
    id: &str,
    title: &str,
    related: Option<&str>,
    entries: &[(&str, &RevisionRow)],
) -> Result<String, StoreError> {
    let updated = entries
        .first()
        .map_or("1970-01-01T00:00:00Z", |e| e.1.captured_at.as_str());
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!(
        "<id>{}</id>\n<title>{}</title>\n<updated>{}</updated>\n\
         <generator version=\"{}\">redline</generator>\n",
        escape(id),
        escape(title),
        escape(updated),
        env!("CARGO_PKG_VERSION"),
    ));
    if let Some(url) = related {
        xml.push_str(&format!(
            "<link rel=\"related\" href=\"{}\"/>\n",
            escape(url)
        ));
    }
    for (url, r) in entries {
        xml.push_str(&entry(store, url, r)?);
    }
    xml.push_str("</feed>\n");
    Ok(xml)
}

fn entry(store: &Store, url: &str, r: &RevisionRow) -> Result<String, StoreError> {
    let headline = r.title.as_deref().unwrap_or("(no headline)");
    let what = what_changed(r);
    let counts = word_counts(r).map_or(String::new(), |c| format!(" ({c})"));
    let article = store.revision_article(r)?;
    let content = match changes_html(store, r, &article, false)? {
        Some(html) => html,
        None => article
            .body
            .iter()
            .map(|p| format!("<p>{}</p>", escape(p)))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    Ok(format!(
        "<entry>\n<id>{}</id>\n<title>{}</title>\n<updated>{}</updated>\n\
         <link rel=\"alternate\" href=\"{}\"/>\n<author><name>redline</name></author>\n\
         <summary>{}</summary>\n<content type=\"html\">{}</content>\n</entry>\n",
        entry_id(url, r.rev),
        escape(&format!("{headline} — {what}{counts}")),
        escape(&r.captured_at),
        escape(url),
        escape(&format!("Revision {} of {url}: {what}{counts}", r.rev)),
        escape(&content),
    ))
}

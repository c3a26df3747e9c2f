//! CSV: `articles.csv` and `revisions.csv` in a folder, for spreadsheets and
//! pandas. RFC 4180 quoting (every field that needs it), UTF-8 with a byte
//! order mark so that spreadsheet programs read it as UTF-8 (pandas and
//! Python's `utf-8-sig` skip it), one header row, lists joined with `; `.

use std::path::Path;

use super::{ExportError, Report, Selected};
use crate::store::Store;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn writer(path: &Path) -> Result<::csv::Writer<std::fs::File>, ExportError> {
    use std::io::Write;
    let mut file = super::create_file(path)?;
    file.write_all(BOM).map_err(ExportError::write(path))?;
    Ok(::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(file))
}

fn csv_err(path: &Path) -> impl Fn(::csv::Error) -> ExportError + '_ {
    move |e| ExportError::Write {
        path: path.to_owned(),
        source: std::io::Error::other(e),
    }
}

pub fn export(store: &Store, selected: &[Selected], dir: &Path) -> Result<Report, ExportError> {
    super::create_dir(dir, super::Format::Csv)?;
    let articles_path = dir.join("articles.csv");
    let mut articles = writer(&articles_path)?;
    let a_err = csv_err(&articles_path);
    articles
        .write_record([
            "id",
            "url",
            "title",
            "added_at",
            "revisions",
            "first_captured_at",
            "last_captured_at",
            "retired_at",
        ])
        .map_err(&a_err)?;
    let revisions_path = dir.join("revisions.csv");
    let mut revisions = writer(&revisions_path)?;
    let r_err = csv_err(&revisions_path);
    revisions
        .write_record([
            "article_id",
            "url",
            "rev",
            "captured_at",
            "title",
            "byline",
            "published",
            "modified",
            "lead",
            "corrections",
            "classes",
            "words_added",
            "words_removed",
            "words",
            "paragraphs",
            "revert_of",
            "technical",
            "http_status",
            "final_url",
            "raw_sha256",
            "text_sha256",
        ])
        .map_err(&r_err)?;
    for s in selected {
        let a = &s.article;
        let first = s.revisions.first();
        let last = s.revisions.last();
        articles
            .write_record([
                a.id.to_string().as_str(),
                &a.url,
                last.and_then(|r| r.title.as_deref()).unwrap_or(""),
                &a.added_at,
                &s.revisions.len().to_string(),
                first.map_or("", |r| r.captured_at.as_str()),
                last.map_or("", |r| r.captured_at.as_str()),
                a.retired_at.as_deref().unwrap_or(""),
            ])
            .map_err(&a_err)?;
        for r in &s.revisions {
            let article = store.revision_article(r)?;
            revisions
                .write_record([
                    a.id.to_string().as_str(),
                    &a.url,
                    &r.rev.to_string(),
                    &r.captured_at,
                    article.title.as_deref().unwrap_or(""),
                    article.byline.as_deref().unwrap_or(""),
                    article.published.as_deref().unwrap_or(""),
                    article.modified.as_deref().unwrap_or(""),
                    article.lead.as_deref().unwrap_or(""),
                    &article.corrections.join("; "),
                    &crate::diff::Class::join(&r.classes, "; "),
                    &r.words_added.to_string(),
                    &r.words_removed.to_string(),
                    &article.word_count().to_string(),
                    &article.body.len().to_string(),
                    &r.revert_of.map(|n| n.to_string()).unwrap_or_default(),
                    if r.technical { "true" } else { "false" },
                    &r.http_status.to_string(),
                    &r.final_url,
                    &r.raw_sha256,
                    &r.text_sha256,
                ])
                .map_err(&r_err)?;
        }
    }
    articles
        .flush()
        .map_err(ExportError::write(&articles_path))?;
    revisions
        .flush()
        .map_err(ExportError::write(&revisions_path))?;
    Ok(Report::of(selected))
}

//! Markdown: a readable history of each article: its first exported revision
//! in full, then each later one as its stored changes, removed words struck
//! through (`~~old~~`) and added ones in bold (`**new**`).

use std::io::Write;
use std::path::Path;

use super::{ExportError, Report, Selected, what_changed, word_counts};
use crate::diff::{ArticleDiff, BodyOp};
use crate::extract::Article;
use crate::render::diff::{Marks, marked, moved_note};
use crate::render::text::short_time;
use crate::store::{RevisionRow, Store, StoreError};

/// Escapes the characters Markdown would read as markup.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '|' | '{' | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

const MD_MARKS: Marks = Marks {
    escape,
    del: ("~~", "~~"),
    ins: ("**", "**"),
};

pub fn export(store: &Store, selected: &[Selected], path: &Path) -> Result<Report, ExportError> {
    let mut w = super::create(path)?;
    // A store error travels inside the I/O error and comes out as itself.
    write(store, selected, &mut w)
        .and_then(|()| w.flush())
        .map_err(|e| match e.downcast::<StoreError>() {
            Ok(e) => ExportError::Store(e),
            Err(e) => ExportError::Write {
                path: path.to_owned(),
                source: e,
            },
        })?;
    Ok(Report::of(selected))
}

fn write(store: &Store, selected: &[Selected], w: &mut dyn Write) -> std::io::Result<()> {
    for (i, s) in selected.iter().enumerate() {
        if i > 0 {
            writeln!(w, "\n---\n")?;
        }
        let title = s
            .revisions
            .last()
            .and_then(|r| r.title.as_deref())
            .unwrap_or("(no headline)");
        writeln!(w, "# {}\n", escape(title))?;
        writeln!(
            w,
            "<{}> · tracked since {} · {} revision{}\n",
            s.article.url,
            short_time(&s.article.added_at),
            s.revisions.len(),
            if s.revisions.len() == 1 { "" } else { "s" }
        )?;
        for (k, r) in s.revisions.iter().enumerate() {
            heading(w, r)?;
            match store.revision_diff(r).map_err(std::io::Error::other)? {
                Some(d) if k > 0 => changes(w, &d)?,
                _ => full_text(
                    w,
                    &store.revision_article(r).map_err(std::io::Error::other)?,
                )?,
            }
        }
    }
    Ok(())
}

fn heading(w: &mut dyn Write, r: &RevisionRow) -> std::io::Result<()> {
    write!(
        w,
        "## Revision {} · {} · {}",
        r.rev,
        short_time(&r.captured_at),
        what_changed(r)
    )?;
    if let Some(counts) = word_counts(r) {
        write!(w, " · {counts}")?;
    }
    if let Some(n) = r.revert_of {
        write!(w, " · restores revision {n}")?;
    }
    writeln!(w, "\n")
}

fn full_text(w: &mut dyn Write, a: &Article) -> std::io::Result<()> {
    if let Some(b) = &a.byline {
        writeln!(w, "By {}\n", escape(b))?;
    }
    if let Some(lead) = &a.lead {
        writeln!(w, "*{}*\n", escape(lead))?;
    }
    for p in &a.body {
        writeln!(w, "{}\n", escape(p))?;
    }
    for c in &a.corrections {
        writeln!(w, "> {}\n", escape(c))?;
    }
    Ok(())
}

fn changes(w: &mut dyn Write, d: &ArticleDiff) -> std::io::Result<()> {
    for f in &d.fields {
        let value = if f.pieces.is_empty() {
            format!(
                "{} → {}",
                escape(f.old.as_deref().unwrap_or("(none)")),
                escape(f.new.as_deref().unwrap_or("(none)"))
            )
        } else {
            marked(&f.pieces, &MD_MARKS)
        };
        writeln!(w, "- **{}:** {value}", escape(&f.field))?;
    }
    for op in &d.body {
        match op {
            BodyOp::Same { .. } => {}
            BodyOp::Added { new_index, text } => writeln!(
                w,
                "- **added** (paragraph {}): **{}**",
                new_index + 1,
                escape(text)
            )?,
            BodyOp::Removed { old_index, text } => writeln!(
                w,
                "- **removed** (paragraph {}): ~~{}~~",
                old_index + 1,
                escape(text)
            )?,
            BodyOp::Changed {
                new_index, pieces, ..
            } => writeln!(
                w,
                "- **changed** (paragraph {}): {}",
                new_index + 1,
                marked(pieces, &MD_MARKS)
            )?,
            BodyOp::Moved {
                old_index,
                new_index,
                pieces,
            } => writeln!(
                w,
                "- **moved** {}: {}",
                moved_note(*old_index, *new_index),
                marked(pieces, &MD_MARKS)
            )?,
        }
    }
    if let Some(note) = &d.coarse {
        writeln!(w, "\n*{}*", escape(note))?;
    }
    writeln!(w)
}

//! Terminal text: the revision log, one article, and the inline word diff.

use std::io::{self, Write};

use super::{Painter, Role};
use crate::diff::{ArticleDiff, BodyOp, FieldChange, Piece, PieceKind};
use crate::extract::Article;
use crate::store::{ArticleSummary, RevisionRow};

/// `redline list`.
pub fn list(w: &mut dyn Write, p: &Painter, items: &[ArticleSummary]) -> io::Result<()> {
    for s in items {
        let a = &s.article;
        let title = s.title.as_deref().unwrap_or("(no revision yet)");
        writeln!(
            w,
            "{} {}  {}",
            p.paint(Role::Header, &format!("#{}", a.id)),
            title,
            p.paint(Role::Meta, &a.url)
        )?;
        let checked = a
            .last_checked_at
            .as_deref()
            .map_or("never".to_owned(), short_time);
        let revisions = match s.revisions {
            1 => "1 revision".to_owned(),
            n => format!("{n} revisions"),
        };
        let mut meta = format!("    {revisions}, last checked {checked}");
        if let Some(e) = &a.last_error {
            meta.push_str(&format!(", last error: {e}"));
        }
        writeln!(w, "{}", p.paint(Role::Meta, &meta))?;
    }
    Ok(())
}

/// `redline log`: one line per revision, oldest first.
pub fn log(w: &mut dyn Write, p: &Painter, revisions: &[RevisionRow]) -> io::Result<()> {
    for r in revisions {
        let change = match (r.rev, r.revert_of) {
            (1, _) => "first".to_owned(),
            _ if r.technical => "technical".to_owned(),
            (_, Some(of)) => format!("revert to {of}"),
            _ => format!("+{} -{}", r.words_added, r.words_removed),
        };
        writeln!(
            w,
            "{:>4}  {}  {:<12}  {}",
            p.paint(Role::Header, &r.rev.to_string()),
            p.paint(Role::Meta, &short_time(&r.captured_at)),
            change,
            r.title.as_deref().unwrap_or("(no headline)")
        )?;
    }
    Ok(())
}

/// `2026-11-29T08:36:15.123Z` → `2026-11-29 08:36:15`.
pub fn short_time(t: &str) -> String {
    let t = t.replacen('T', " ", 1);
    t.split('.')
        .next()
        .unwrap_or(&t)
        .trim_end_matches('Z')
        .to_owned()
}

/// `redline show`: the article as text.
pub fn article(w: &mut dyn Write, p: &Painter, a: &Article) -> io::Result<()> {
    writeln!(
        w,
        "{}",
        p.paint(Role::Header, a.title.as_deref().unwrap_or("(no headline)"))
    )?;
    let mut meta = Vec::new();
    if let Some(b) = &a.byline {
        meta.push(format!("By {b}"));
    }
    if let Some(d) = &a.published {
        meta.push(format!("published {d}"));
    }
    if let Some(d) = &a.modified {
        meta.push(format!("modified {d}"));
    }
    if !meta.is_empty() {
        writeln!(w, "{}", p.paint(Role::Meta, &meta.join(" · ")))?;
    }
    if let Some(lead) = &a.lead {
        writeln!(w, "\n{lead}")?;
    }
    for para in &a.body {
        writeln!(w, "\n{para}")?;
    }
    for c in &a.corrections {
        writeln!(w, "\n{}", p.paint(Role::Meta, c))?;
    }
    if let Some(next) = &a.next_page {
        writeln!(
            w,
            "\n{}",
            p.paint(Role::Meta, &format!("(continues on the next page: {next})"))
        )?;
    }
    Ok(())
}

/// Options for the inline diff.
#[derive(Debug, Clone, Copy)]
pub struct InlineOptions {
    /// Unchanged paragraphs shown around each change.
    pub context: usize,
}

impl Default for InlineOptions {
    fn default() -> Self {
        Self { context: 1 }
    }
}

/// The inline word diff: changed fields first (headline first), then the body
/// with `context` unchanged paragraphs around each change.
pub fn inline_diff(
    w: &mut dyn Write,
    p: &Painter,
    new: &Article,
    d: &ArticleDiff,
    opts: InlineOptions,
) -> io::Result<()> {
    if d.is_empty() {
        return writeln!(w, "{}", p.paint(Role::Meta, "no changes"));
    }
    for f in &d.fields {
        field(w, p, f)?;
    }
    // Which ops are shown: every change, and `context` same-paragraphs on each side.
    let mut shown_any = false;
    let mut elided = false;
    let last = d.body.len().saturating_sub(1);
    for (i, op) in d.body.iter().enumerate() {
        match op {
            BodyOp::Same { new_index, len, .. } => {
                let before = if i > 0 { opts.context.min(*len) } else { 0 };
                let after = if i < last { opts.context.min(*len) } else { 0 };
                let range = *new_index..new_index + len;
                for (k, idx) in range.enumerate() {
                    let show = k < before || k >= len.saturating_sub(after);
                    if show {
                        if elided && shown_any {
                            writeln!(w, "{}", p.paint(Role::Meta, "…"))?;
                        }
                        elided = false;
                        shown_any = true;
                        writeln!(w, "\n{}", new.body.get(idx).map_or("", String::as_str))?;
                    } else {
                        elided = true;
                    }
                }
            }
            BodyOp::Added { text, .. } => {
                changed_para(w, p, &mut elided, &mut shown_any)?;
                writeln!(w, "{}", p.paint(Role::Added, text))?;
            }
            BodyOp::Removed { text, .. } => {
                changed_para(w, p, &mut elided, &mut shown_any)?;
                writeln!(w, "{}", p.paint(Role::Removed, text))?;
            }
            BodyOp::Changed { pieces: ps, .. } => {
                changed_para(w, p, &mut elided, &mut shown_any)?;
                writeln!(w, "{}", pieces(p, ps))?;
            }
        }
    }
    Ok(())
}

fn changed_para(
    w: &mut dyn Write,
    p: &Painter,
    elided: &mut bool,
    shown_any: &mut bool,
) -> io::Result<()> {
    if *elided && *shown_any {
        writeln!(w, "{}", p.paint(Role::Meta, "…"))?;
    }
    *elided = false;
    *shown_any = true;
    writeln!(w)
}

fn field(w: &mut dyn Write, p: &Painter, f: &FieldChange) -> io::Result<()> {
    let label = p.paint(Role::Header, &format!("{}:", f.field));
    let value = if f.field == "published" || f.field == "modified" {
        format!(
            "{} → {}",
            f.old.as_deref().unwrap_or("(none)"),
            f.new.as_deref().unwrap_or("(none)")
        )
    } else {
        pieces(p, &f.pieces)
    };
    writeln!(w, "{label} {value}")
}

/// Word pieces joined with spaces, removed and added ones painted. A removal
/// directly followed by its replacement is written without a space between,
/// as git's word diff does: `[-12-]{+13+}`.
pub fn pieces(p: &Painter, pieces: &[Piece]) -> String {
    let mut out = String::new();
    let mut prev: Option<PieceKind> = None;
    for piece in pieces {
        if prev.is_some() && !(prev == Some(PieceKind::Removed) && piece.kind == PieceKind::Added) {
            out.push(' ');
        }
        out.push_str(&match piece.kind {
            PieceKind::Same => piece.text.clone(),
            PieceKind::Removed => p.paint(Role::Removed, &piece.text),
            PieceKind::Added => p.paint(Role::Added, &piece.text),
        });
        prev = Some(piece.kind);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{DiffOptions, diff_articles};

    fn art(title: &str, body: &[&str]) -> Article {
        Article {
            title: Some(title.into()),
            body: body.iter().map(|s| s.to_string()).collect(),
            ..Article::default()
        }
    }

    #[test]
    fn inline_diff_with_markers_and_context() {
        let old = art("Old", &["a1", "a2", "a3 the fee is 12", "a4", "a5"]);
        let new = art("New", &["a1", "a2", "a3 the fee is 13", "a4", "a5"]);
        let d = diff_articles(&old, &new, &DiffOptions::default());
        let mut out = Vec::new();
        inline_diff(
            &mut out,
            &Painter::new(false),
            &new,
            &d,
            InlineOptions::default(),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "title: [-Old-]{+New+}\n\na2\n\na3 the fee is [-12-]{+13+}\n\na4\n"
        );
    }
}

//! Terminal text: the revision log, one article, and the inline word diff.

use std::io::{self, Write};

use super::{Painter, Role};
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
        let next = match (&a.retired_at, &a.next_check_at) {
            (Some(r), _) => format!("retired {}", short_time(r)),
            (None, Some(n)) => format!("next {}", short_time(n)),
            (None, None) => "due now".to_owned(),
        };
        let mut meta = format!("    {revisions}, last checked {checked}, {next}");
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
            _ if r.classes.iter().any(|c| c == "takedown") => "taken down".to_owned(),
            (_, Some(of)) => format!("revert to {of}"),
            _ => format!("+{} -{}", r.words_added, r.words_removed),
        };
        let classes = if r.classes.is_empty() {
            String::new()
        } else {
            format!(
                "{}  ",
                p.paint(Role::Meta, &format!("[{}]", r.classes.join(", ")))
            )
        };
        writeln!(
            w,
            "{}  {}  {:<12}  {classes}{}",
            p.paint(Role::Header, &format!("{:>4}", r.rev)),
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

//! `diff`: two stored revisions, or two local files (HTML or plain text).

use std::io::IsTerminal;

use super::*;

/// How `redline diff` shows a diff (resolved from its flags).
#[derive(Debug, Clone, Copy)]
pub struct DiffView {
    pub view: View,
    pub by: Granularity,
    pub context: usize,
}

/// The diff views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Inline,
    Side,
    Unified,
    Json,
    Html,
}

pub fn diff(ctx: &Context, out: Out<'_>, args: &[String], v: DiffView) -> Result<Status, CliError> {
    let opts = DiffOptions {
        by: v.by,
        ..DiffOptions::default()
    };
    // Two arguments that are not an article (an id or a URL) and a revision
    // are two files.
    let is_article = |s: &str| {
        s.trim_start_matches('#').parse::<i64>().is_ok()
            || s.starts_with("http://")
            || s.starts_with("https://")
    };
    if let [a, b] = args
        && (std::path::Path::new(a).is_file() || !is_article(a))
    {
        let (old, new) = read_articles(a, b)?;
        let d = diff_articles(&old, &new, &opts);
        if matches!(v.view, View::Inline) {
            let header = format!("{a} → {b}");
            let header = ctx.painter.paint(Role::Header, &header);
            writeln!(
                out,
                "{}",
                render::diff::wrap_words(&header, inline_width(ctx))
            )?;
        }
        let input = DiffInput {
            old: &old,
            new: &new,
            diff: &d,
            old_label: a.clone(),
            new_label: b.clone(),
            cite: None,
        };
        return write_diff(ctx, out, &input, (None, None), v);
    }
    let store = ctx.store_read()?;
    let a = resolve(&store, &args[0])?;
    let revs = args[1..]
        .iter()
        .map(|r| {
            r.parse::<i64>().map_err(|_| {
                CliError::usage(format!("{r:?} is not a revision number"))
                    .hint(format!("see `redline log {}` for its revisions", a.id))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let latest = revision(&store, &a, None)?.rev;
    let (from, to) = match revs[..] {
        [] => (latest - 1, latest),
        [to] => (to - 1, to),
        [from, to] => (from, to),
        _ => unreachable!("clap allows at most three arguments"),
    };
    if from < 1 && to <= latest {
        ctx.status(&format!(
            "article #{} rev {to} is its first revision: nothing to compare",
            a.id
        ));
        return Ok(Status::Success);
    }
    let new_rev = revision(&store, &a, Some(to))?;
    let old_rev = revision(&store, &a, Some(from))?;
    let new = store.revision_article(&new_rev)?;
    let old = store.revision_article(&old_rev)?;
    // Consecutive revisions have their word diff stored; others are computed.
    let stored = if to == from + 1 && v.by == Granularity::Word {
        store.revision_diff(&new_rev)?
    } else {
        None
    };
    let d = stored.unwrap_or_else(|| diff_articles(&old, &new, &opts));
    if matches!(v.view, View::Inline) {
        let header = format!(
            "#{} rev {from} → rev {to}  ({} → {})",
            a.id,
            text::short_time(&old_rev.captured_at),
            text::short_time(&new_rev.captured_at)
        );
        let header = ctx.painter.paint(Role::Header, &header);
        writeln!(
            out,
            "{}",
            render::diff::wrap_words(&header, inline_width(ctx))
        )?;
        // A takedown or a return reads as such, not as a rewrite.
        let note = if new_rev.classes.contains(&crate::diff::Class::Takedown) {
            Some(format!(
                "rev {to}: {}; every paragraph of rev {from} is gone",
                text::taken_down(
                    &text::takedown_reason(new_rev.http_status, Some(&new_rev.final_url)),
                    &new_rev.captured_at
                )
            ))
        } else if new_rev.classes.contains(&crate::diff::Class::Restored) {
            // Rev to - 1 is the takedown; to - 2 the version before it.
            Some(match new_rev.revert_of {
                Some(of) => format!("rev {to}: restored after a takedown, as rev {of}"),
                None => format!(
                    "rev {to}: restored after a takedown, changed (`redline diff {} {} {to}` \
                     compares it with the version before)",
                    a.id,
                    to - 2
                ),
            })
        } else {
            None
        };
        if let Some(note) = note {
            let note = ctx.painter.paint(Role::Meta, &note);
            writeln!(
                out,
                "{}",
                render::diff::wrap_words(&note, inline_width(ctx))
            )?;
        }
    }
    let input = DiffInput {
        old: &old,
        new: &new,
        diff: &d,
        old_label: format!("#{} rev {from} ({})", a.id, old_rev.captured_at),
        new_label: format!("#{} rev {to} ({})", a.id, new_rev.captured_at),
        cite: Some(super::view::citation(&a, &new_rev)),
    };
    write_diff(ctx, out, &input, (Some(a.id), Some((from, to))), v)
}

/// The inline view wraps at the terminal's width on a terminal (or with
/// COLUMNS set), and is one paragraph per line into a pipe or a file.
fn inline_width(ctx: &Context) -> usize {
    if std::io::stdout().is_terminal() || std::env::var_os("COLUMNS").is_some() {
        ctx.width()
    } else {
        0
    }
}

pub(super) fn write_diff(
    ctx: &Context,
    out: Out<'_>,
    input: &DiffInput<'_>,
    ids: DiffIds,
    v: DiffView,
) -> Result<Status, CliError> {
    let o = ViewOptions {
        context: v.context,
        // The side-by-side view is laid out to the terminal's width.
        width: match v.view {
            View::Side => ctx.width(),
            View::Inline => inline_width(ctx),
            _ => 0,
        },
    };
    let p = &ctx.painter;
    match v.view {
        View::Json => json_line(out, &DiffJson::new(input.diff, ids.0, ids.1))?,
        View::Inline => render::diff::inline(out, p, input, o)?,
        View::Side => render::diff::side(out, p, input, o)?,
        View::Unified => render::diff::unified(out, p, input, o)?,
        View::Html => render::diff::html(out, input, o)?,
    }
    Ok(Status::Success)
}

/// Two local files as articles; large ones decoded and split at the same
/// time.
pub(super) fn read_articles(a: &str, b: &str) -> Result<(Article, Article), CliError> {
    const LARGE: usize = 128 * 1024;
    let read = |path: &str| {
        std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CliError::runtime(format!("no such file: {path}"))
                .hint("give two files, or an article (id or URL) and its revisions"),
            _ => CliError::runtime(format!("cannot read {path}: {e}")).hint("check the path"),
        })
    };
    let (a_bytes, b_bytes) = (read(a)?, read(b)?);
    let parse = |bytes, path: &str| {
        parse_article(bytes).map_err(|e| {
            let hint = e.hint().unwrap_or("check the file");
            CliError::runtime(format!("{path}: {e}")).hint(hint)
        })
    };
    if a_bytes.len() < LARGE || b_bytes.len() < LARGE {
        return Ok((parse(a_bytes, a)?, parse(b_bytes, b)?));
    }
    std::thread::scope(|scope| {
        let new = scope.spawn(|| parse(b_bytes, b));
        let old = parse(a_bytes, a);
        Ok((
            old?,
            new.join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))?,
        ))
    })
}

/// A local file's bytes as an article: HTML is extracted; plain text is
/// split into paragraphs at blank lines.
pub(super) fn parse_article(bytes: Vec<u8>) -> Result<Article, crate::extract::ExtractError> {
    let (text, _) = crate::fetch::charset::decode_owned(bytes, None);
    if looks_like_html(&text) {
        return crate::extract::extract(&text);
    }
    Ok(Article {
        body: paragraphs(&text),
        ..Article::default()
    })
}

/// The paragraphs of plain text: runs of lines parted by blank lines (lines
/// of nothing but whitespace), whatever the line ends; each squashed. A text
/// without a blank line has one paragraph per line.
pub(super) fn paragraphs(text: &str) -> Vec<String> {
    if !text.lines().any(|l| l.trim().is_empty()) {
        return text
            .lines()
            .filter_map(|l| crate::extract::text::non_empty(l.trim_end()))
            .collect();
    }
    // Without its last line end a one-line paragraph is squashed already,
    // and is then copied as it is.
    let para = |s: &str| crate::extract::text::non_empty(s.trim_end());
    let mut out = Vec::new();
    let (mut start, mut pos) = (0, 0);
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            out.extend(para(&text[start..pos]));
            start = pos + line.len();
        }
        pos += line.len();
    }
    out.extend(para(&text[start..]));
    out
}

pub(super) fn looks_like_html(text: &str) -> bool {
    const TAGS: [&[u8]; 8] = [
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<p>",
        b"<p ",
        b"<div",
        b"<article",
    ];
    let head = &text.as_bytes()[..text.len().min(1024)];
    (0..head.len()).filter(|&i| head[i] == b'<').any(|i| {
        TAGS.iter().any(|t| {
            head[i..]
                .get(..t.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(t))
        })
    })
}

//! The views of a diff: inline (word changes in running text), side by side,
//! unified (one paragraph per line, patch-compatible) and a self-contained HTML
//! page. All read a stored [`ArticleDiff`] and the two articles; only the
//! unified view aligns the changed paragraphs' lines again (with `similar`)
//! to lay out its hunks. Moved paragraphs are marked in every view.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::{Painter, Role};
use crate::diff::{ArticleDiff, BodyOp, FieldChange, PARA_BREAK, Piece, PieceKind};
use crate::extract::Article;

/// What is being compared.
pub struct DiffInput<'a> {
    pub old: &'a Article,
    pub new: &'a Article,
    pub diff: &'a ArticleDiff,
    /// Names of the two sides (`#3 rev 1`, a file name).
    pub old_label: String,
    pub new_label: String,
    /// The line to cite the new side by (article, revision, capture time,
    /// URL, SHA-256 of the page as served), for views that stand alone.
    pub cite: Option<String>,
}

/// How a view lays out.
#[derive(Debug, Clone, Copy)]
pub struct ViewOptions {
    /// Unchanged paragraphs shown around each change.
    pub context: usize,
    /// Terminal width: the side-by-side view is laid out to it and the
    /// inline view wraps at it (`0`: no wrapping, one paragraph per line).
    pub width: usize,
}

impl Default for ViewOptions {
    fn default() -> Self {
        Self {
            context: 1,
            width: 100,
        }
    }
}

/// Which unchanged paragraphs (by new index) are shown as context.
fn context_shown(d: &ArticleDiff, context: usize) -> Vec<bool> {
    let new_len: usize = d
        .body
        .iter()
        .map(|op| match op {
            BodyOp::Same { new_index, len, .. } => new_index + len,
            BodyOp::Added { new_index, .. } | BodyOp::Moved { new_index, .. } => new_index + 1,
            BodyOp::Changed {
                new_index,
                new_count,
                ..
            } => new_index + new_count,
            BodyOp::Removed { .. } => 0,
        })
        .max()
        .unwrap_or(0);
    let mut shown = vec![false; new_len];
    let last = d.body.len().saturating_sub(1);
    for (i, op) in d.body.iter().enumerate() {
        if let BodyOp::Same { new_index, len, .. } = op {
            let before = if i > 0 { context.min(*len) } else { 0 };
            let after = if i < last { context.min(*len) } else { 0 };
            for k in 0..*len {
                if k < before || k >= len - after {
                    shown[new_index + k] = true;
                }
            }
        }
    }
    shown
}

/// Splits piece text at paragraph-break tokens.
fn segments(text: &str) -> Vec<&str> {
    text.split(PARA_BREAK).map(str::trim).collect()
}

/// Word pieces as running text: removed and added ones painted, a removal
/// directly followed by its replacement written without a space between (as
/// git's word diff does: `[-12-]{+13+}`), paragraph breaks as new lines and
/// added or removed breaks as a painted ¶.
pub fn pieces(p: &Painter, pieces: &[Piece]) -> String {
    let mut out = String::new();
    let mut prev: Option<PieceKind> = None;
    for piece in pieces {
        let tight =
            piece.glued || (prev == Some(PieceKind::Removed) && piece.kind == PieceKind::Added);
        if prev.is_some() && !tight && !out.ends_with('\n') {
            out.push(' ');
        }
        for (k, seg) in segments(&piece.text).into_iter().enumerate() {
            if k > 0 {
                match piece.kind {
                    PieceKind::Same => out.push_str("\n\n"),
                    PieceKind::Added => {
                        out.push_str(&p.paint(Role::Added, "¶"));
                        out.push_str("\n\n");
                    }
                    PieceKind::Removed => {
                        out.push_str(&p.paint(Role::Removed, "¶"));
                        out.push(' ');
                    }
                }
            }
            if !seg.is_empty() {
                out.push_str(&match piece.kind {
                    PieceKind::Same => seg.to_owned(),
                    PieceKind::Removed => p.paint(Role::Removed, seg),
                    PieceKind::Added => p.paint(Role::Added, seg),
                });
            }
        }
        prev = Some(piece.kind);
    }
    out
}

fn field_line(p: &Painter, f: &FieldChange) -> String {
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
    format!("{label} {value}")
}

pub fn moved_note(old_index: usize, new_index: usize) -> String {
    format!(
        "(moved from paragraph {} to {})",
        old_index + 1,
        new_index + 1
    )
}

/// The inline view: changed fields first (headline first), then the body with
/// `context` unchanged paragraphs around each change.
pub fn inline(
    w: &mut dyn Write,
    p: &Painter,
    input: &DiffInput<'_>,
    o: ViewOptions,
) -> io::Result<()> {
    let d = input.diff;
    if d.is_empty() {
        return writeln!(w, "{}", p.paint(Role::Meta, "no changes"));
    }
    if let Some(note) = &d.coarse {
        writeln!(w, "{}", p.paint(Role::Meta, &format!("({note})")))?;
    }
    for f in &d.fields {
        writeln!(w, "{}", wrap_words(&field_line(p, f), o.width))?;
    }
    let shown = context_shown(d, o.context);
    let mut gap = false;
    let mut any = false;
    let para = |w: &mut dyn Write, text: &str, gap: &mut bool, any: &mut bool| -> io::Result<()> {
        if *gap && *any {
            writeln!(w, "\n{}", p.paint(Role::Meta, "…"))?;
        }
        *gap = false;
        *any = true;
        writeln!(w, "\n{}", wrap_words(text, o.width))
    };
    for op in &d.body {
        match op {
            BodyOp::Same { new_index, len, .. } => {
                for k in *new_index..new_index + len {
                    if shown.get(k).copied().unwrap_or(false) {
                        let text = input.new.body.get(k).map_or("", String::as_str);
                        para(w, text, &mut gap, &mut any)?;
                    } else {
                        gap = true;
                    }
                }
            }
            BodyOp::Added { text, .. } => para(w, &p.paint(Role::Added, text), &mut gap, &mut any)?,
            BodyOp::Removed { text, .. } => {
                para(w, &p.paint(Role::Removed, text), &mut gap, &mut any)?
            }
            BodyOp::Changed { pieces: ps, .. } => para(w, &pieces(p, ps), &mut gap, &mut any)?,
            BodyOp::Moved {
                old_index,
                new_index,
                pieces: ps,
            } => {
                let note = p.paint(Role::Moved, &moved_note(*old_index, *new_index));
                para(w, &format!("{note}\n{}", pieces(p, ps)), &mut gap, &mut any)?;
            }
        }
    }
    Ok(())
}

/// Text wrapped at `width` visible columns between words (never inside
/// one); colour codes take no room. `0` leaves it as it is.
pub fn wrap_words(text: &str, width: usize) -> String {
    if width == 0 {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + text.len() / width.max(1));
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut used = 0;
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            let w = super::visible_width(word);
            if used > 0 && used + 1 + w > width {
                out.push('\n');
                used = 0;
            } else if used > 0 {
                out.push(' ');
                used += 1;
            }
            out.push_str(word);
            used += w;
        }
    }
    out
}

/// A styled run of text for the side-by-side view.
type Span = (Role, String);

/// Old side and new side of one op, as spans (`None` is a line break). A
/// moved paragraph has two: where it went (new side only, with its additions)
/// and, see [`moved_out`], where it was (old side only, with its removals).
fn sides(op: &BodyOp, new: &Article) -> (Vec<Option<Span>>, Vec<Option<Span>>) {
    let plain = |t: &str| vec![Some((Role::Plain, t.to_owned()))];
    match op {
        BodyOp::Same { new_index, .. } => {
            let t = new.body.get(*new_index).map_or("", String::as_str);
            (plain(t), plain(t))
        }
        BodyOp::Added { text, .. } => (vec![], vec![Some((Role::Added, text.clone()))]),
        BodyOp::Removed { text, .. } => (vec![Some((Role::Removed, text.clone()))], vec![]),
        BodyOp::Changed { pieces, .. } => (
            piece_spans(pieces, PieceKind::Removed),
            piece_spans(pieces, PieceKind::Added),
        ),
        BodyOp::Moved {
            old_index,
            new_index,
            pieces,
        } => {
            let mut new_side = vec![
                Some((Role::Moved, moved_note(*old_index, *new_index))),
                None,
            ];
            new_side.extend(piece_spans(pieces, PieceKind::Added));
            (vec![], new_side)
        }
    }
}

/// The old side of a moved paragraph, shown where it was in the old text.
fn moved_out(new_index: usize, pieces: &[Piece]) -> Vec<Option<Span>> {
    let mut old = vec![
        Some((
            Role::Moved,
            format!("(moved to paragraph {})", new_index + 1),
        )),
        None,
    ];
    old.extend(piece_spans(pieces, PieceKind::Removed));
    old
}

/// The old position an op starts at, for ops that have one in old order
/// (a move's old position is out of order and handled apart).
fn old_position(op: &BodyOp) -> Option<usize> {
    match op {
        BodyOp::Same { old_index, .. }
        | BodyOp::Removed { old_index, .. }
        | BodyOp::Changed { old_index, .. } => Some(*old_index),
        BodyOp::Added { .. } | BodyOp::Moved { .. } => None,
    }
}

/// One side of word pieces as spans: the same pieces plain, and the pieces of
/// `changed` kind (removed for the old side, added for the new) highlighted.
fn piece_spans(pieces: &[Piece], changed: PieceKind) -> Vec<Option<Span>> {
    let role = if changed == PieceKind::Removed {
        Role::Removed
    } else {
        Role::Added
    };
    pieces
        .iter()
        .filter(|x| x.kind == PieceKind::Same || x.kind == changed)
        .map(|x| {
            let text = x.text.replace(PARA_BREAK, "¶");
            Some((
                if x.kind == PieceKind::Same {
                    Role::Plain
                } else {
                    role
                },
                text,
            ))
        })
        .collect()
}

/// Wraps spans into lines of at most `width` visible columns; `None` is a line
/// break. Consecutive words of one role are painted as one run, so markers
/// (with colour off) wrap whole runs, not each word.
fn wrap(p: &Painter, spans: &[Option<Span>], width: usize) -> Vec<(String, usize)> {
    let mut lines: Vec<(String, usize)> = Vec::new();
    let mut runs: Vec<(Role, String)> = Vec::new();
    let render = |runs: &[(Role, String)]| -> String {
        let parts: Vec<String> = runs
            .iter()
            .map(|(role, text)| {
                if *role == Role::Plain {
                    text.clone()
                } else {
                    p.paint(*role, text)
                }
            })
            .collect();
        parts.join(" ")
    };
    let flush = |runs: &mut Vec<(Role, String)>, lines: &mut Vec<(String, usize)>| {
        let line = render(runs);
        let w = super::visible_width(&line);
        lines.push((line, w));
        runs.clear();
    };
    for span in spans {
        let Some((role, text)) = span else {
            flush(&mut runs, &mut lines);
            continue;
        };
        for word in text.split_whitespace() {
            // A word longer than the column is cut.
            let word: String = if word.width() > width.saturating_sub(4) {
                word.chars()
                    .take(width.saturating_sub(5))
                    .collect::<String>()
                    + "…"
            } else {
                word.to_owned()
            };
            let mut candidate = runs.clone();
            match candidate.last_mut() {
                Some((r, t)) if r == role => {
                    t.push(' ');
                    t.push_str(&word);
                }
                _ => candidate.push((*role, word.clone())),
            }
            if !runs.is_empty() && super::visible_width(&render(&candidate)) > width {
                flush(&mut runs, &mut lines);
                runs.push((*role, word));
            } else {
                runs = candidate;
            }
        }
    }
    if !runs.is_empty() || lines.is_empty() {
        flush(&mut runs, &mut lines);
    }
    lines
}

/// The side-by-side view: old on the left, new on the right, each wrapped to
/// half the width, changed words highlighted on their side. Both columns
/// read in their own order: a moved paragraph shows on the right where it
/// went and on the left where it was.
pub fn side(
    w: &mut dyn Write,
    p: &Painter,
    input: &DiffInput<'_>,
    o: ViewOptions,
) -> io::Result<()> {
    let d = input.diff;
    let col = (o.width.max(40) - 3) / 2;
    let header = format!(
        "{:<col$} │ {}",
        truncate(&input.old_label, col),
        truncate(&input.new_label, col)
    );
    writeln!(w, "{}", p.paint(Role::Header, &header))?;
    if d.is_empty() {
        return writeln!(w, "{}", p.paint(Role::Meta, "no changes"));
    }
    let rule = format!("{}─┼─{}", "─".repeat(col), "─".repeat(col));
    for f in &d.fields {
        let old = piece_spans(&f.pieces, PieceKind::Removed);
        let new = piece_spans(&f.pieces, PieceKind::Added);
        let label = Some((Role::Header, format!("{}:", f.field)));
        let (mut l, mut r) = (vec![label.clone()], vec![label]);
        l.extend(old);
        r.extend(new);
        rows(w, p, &l, &r, col)?;
    }
    for row in side_rows(d, o.context) {
        let (l, r) = match row {
            SideRow::Gap => {
                writeln!(w, "{}", p.paint(Role::Meta, &rule))?;
                continue;
            }
            SideRow::Op(op) => sides(&op, input.new),
            SideRow::MovedOut { new_index, pieces } => (moved_out(new_index, pieces), vec![]),
        };
        rows(w, p, &l, &r, col)?;
    }
    Ok(())
}

/// One row of a side-by-side view.
enum SideRow<'a> {
    /// Unchanged paragraphs left out.
    Gap,
    /// An op (an unchanged paragraph as a `Same` of length one) on both
    /// sides; a move on the new side only.
    Op(std::borrow::Cow<'a, BodyOp>),
    /// A moved paragraph on the old side, where it was.
    MovedOut {
        new_index: usize,
        pieces: &'a [Piece],
    },
}

/// The rows of a side-by-side view with `context` unchanged paragraphs
/// around each change: both columns read in their own order, so a moved
/// paragraph is a row where it went (new side) and one where it was (old
/// side), placed once the rows before it in old order are out.
fn side_rows<'a>(d: &'a ArticleDiff, context: usize) -> Vec<SideRow<'a>> {
    use std::borrow::Cow;
    let mut moves: Vec<(usize, usize, &[Piece])> = d
        .body
        .iter()
        .filter_map(|op| match op {
            BodyOp::Moved {
                old_index,
                new_index,
                pieces,
            } => Some((*old_index, *new_index, pieces.as_slice())),
            _ => None,
        })
        .collect();
    moves.sort_by_key(|m| std::cmp::Reverse(m.0));
    let shown = context_shown(d, context);
    let mut out = Vec::new();
    let mut gap = false;
    let push = |out: &mut Vec<SideRow<'a>>, gap: &mut bool, row: SideRow<'a>| {
        if std::mem::take(gap) {
            out.push(SideRow::Gap);
        }
        out.push(row);
    };
    let mut moves_before = |out: &mut Vec<SideRow<'a>>, gap: &mut bool, old: usize| {
        while moves.last().is_some_and(|m| m.0 < old) {
            let (_, new_index, pieces) = moves.pop().expect("checked");
            push(out, gap, SideRow::MovedOut { new_index, pieces });
        }
    };
    for op in &d.body {
        if let BodyOp::Same {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..*len {
                moves_before(&mut out, &mut gap, old_index + k);
                if !shown.get(new_index + k).copied().unwrap_or(false) {
                    gap = true;
                    continue;
                }
                let one = BodyOp::Same {
                    old_index: old_index + k,
                    new_index: new_index + k,
                    len: 1,
                };
                push(&mut out, &mut gap, SideRow::Op(Cow::Owned(one)));
            }
            continue;
        }
        if let Some(old) = old_position(op) {
            moves_before(&mut out, &mut gap, old);
        }
        push(&mut out, &mut gap, SideRow::Op(Cow::Borrowed(op)));
    }
    moves_before(&mut out, &mut gap, usize::MAX);
    out
}

fn rows(
    w: &mut dyn Write,
    p: &Painter,
    l: &[Option<Span>],
    r: &[Option<Span>],
    col: usize,
) -> io::Result<()> {
    let (left, right) = (wrap(p, l, col), wrap(p, r, col));
    for i in 0..left.len().max(right.len()) {
        let (lt, lw) = left.get(i).cloned().unwrap_or_default();
        let (rt, _) = right.get(i).cloned().unwrap_or_default();
        let pad = " ".repeat(col.saturating_sub(lw));
        let line = format!("{lt}{pad} │ {rt}");
        writeln!(w, "{}", line.trim_end())?;
    }
    writeln!(w, "{} │", " ".repeat(col))
}

fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + 2 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The unified view: one paragraph per line, in the unified format of
/// `diff -u` (so `patch` applies it to the article as text with one paragraph
/// per line). Hunks holding a moved paragraph say so after their `@@` header.
pub fn unified(
    w: &mut dyn Write,
    p: &Painter,
    input: &DiffInput<'_>,
    o: ViewOptions,
) -> io::Result<()> {
    let (old, new) = (&input.old.body, &input.new.body);
    let ops = similar::capture_diff_slices(similar::Algorithm::Patience, old, new);
    let fields = &input.diff.fields;
    if fields.is_empty()
        && ops
            .iter()
            .all(|op| matches!(op, similar::DiffOp::Equal { .. }))
    {
        return Ok(());
    }
    writeln!(
        w,
        "{}",
        p.paint(Role::Header, &format!("--- {}", input.old_label))
    )?;
    writeln!(
        w,
        "{}",
        p.paint(Role::Header, &format!("+++ {}", input.new_label))
    )?;
    // The fields first (headline, byline, dates, standfirst, corrections),
    // each a hunk of its own named after it.
    for f in fields {
        writeln!(w, "{}", p.style(Role::Meta, &format!("@@ {} @@", f.field)))?;
        for line in f.old.iter().flat_map(|v| v.split(crate::diff::PARA_BREAK)) {
            writeln!(
                w,
                "{}",
                p.style(Role::Removed, &format!("-{}", line.trim()))
            )?;
        }
        for line in f.new.iter().flat_map(|v| v.split(crate::diff::PARA_BREAK)) {
            writeln!(w, "{}", p.style(Role::Added, &format!("+{}", line.trim())))?;
        }
    }
    let moves: Vec<(usize, usize)> = input
        .diff
        .body
        .iter()
        .filter_map(|op| match op {
            BodyOp::Moved {
                old_index,
                new_index,
                ..
            } => Some((*old_index, *new_index)),
            _ => None,
        })
        .collect();
    for group in similar::group_diff_ops(ops, o.context) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let (os, ns) = (first.old_range().start, first.new_range().start);
        let (oe, ne) = (last.old_range().end, last.new_range().end);
        let range = |start: usize, len: usize| {
            if len == 0 {
                format!("{start},0")
            } else if len == 1 {
                format!("{}", start + 1)
            } else {
                format!("{},{len}", start + 1)
            }
        };
        let notes: Vec<String> = moves
            .iter()
            .filter(|(from, to)| (os..oe).contains(from) || (ns..ne).contains(to))
            .map(|(from, to)| format!("moved: paragraph {} → {}", from + 1, to + 1))
            .collect();
        let mut header = format!("@@ -{} +{} @@", range(os, oe - os), range(ns, ne - ns));
        if !notes.is_empty() {
            header.push(' ');
            header.push_str(&notes.join(", "));
        }
        writeln!(w, "{}", p.style(Role::Meta, &header))?;
        for op in &group {
            match op {
                similar::DiffOp::Equal { .. } => {
                    for line in &old[op.old_range()] {
                        writeln!(w, " {line}")?;
                    }
                }
                _ => {
                    for line in &old[op.old_range()] {
                        writeln!(w, "{}", p.style(Role::Removed, &format!("-{line}")))?;
                    }
                    for line in &new[op.new_range()] {
                        writeln!(w, "{}", p.style(Role::Added, &format!("+{line}")))?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How [`marked`] writes pieces: an escaping function and the marks around
/// removed and added text.
pub struct Marks {
    pub escape: fn(&str) -> String,
    pub del: (&'static str, &'static str),
    pub ins: (&'static str, &'static str),
}

/// HTML marks: `<del>` and `<ins>`.
pub const HTML_MARKS: Marks = Marks {
    escape,
    del: ("<del>", "</del>"),
    ins: ("<ins>", "</ins>"),
};

/// Pieces as running text with removals and additions marked, words apart
/// as in the text (a removal and its replacement too: `<del>noon.</del>
/// <ins>early afternoon.</ins>` reads as two phrases, not one run-on word),
/// letters of one word glued. Paragraph breaks show as `¶`.
pub fn marked(pieces: &[Piece], m: &Marks) -> String {
    let mut out = String::new();
    let mut prev: Option<PieceKind> = None;
    for piece in pieces {
        if prev.is_some() && !piece.glued {
            out.push(' ');
        }
        let text = (m.escape)(&piece.text).replace(PARA_BREAK, "¶");
        let (open, close) = match piece.kind {
            PieceKind::Same => ("", ""),
            PieceKind::Removed => m.del,
            PieceKind::Added => m.ins,
        };
        out.push_str(open);
        out.push_str(&text);
        out.push_str(close);
        prev = Some(piece.kind);
    }
    out
}

fn html_pieces(pieces: &[Piece]) -> String {
    marked(pieces, &HTML_MARKS)
}

pub const CSS: &str = "body{font:17px/1.55 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}\
h1{font-size:1.4em}.meta{color:#666;font:14px/1.4 system-ui,sans-serif}\
del{background:#fdd;color:#900;text-decoration:line-through}ins{background:#dfd;color:#060;text-decoration:underline}\
p.added{border-left:4px solid #3a3;padding-left:.6em}p.removed{border-left:4px solid #c33;padding-left:.6em}\
p.moved{border-left:4px solid #36c;padding-left:.6em}p.same{color:#555}\
.note{color:#36c;font:13px system-ui,sans-serif;display:block}\
dl.fields dt{font-weight:bold;font-family:system-ui,sans-serif}.gap{color:#999;text-align:center}\
table.side{border-collapse:collapse;width:100%;font-size:.9em}table.side td,table.side th{vertical-align:top;padding:.3em .5em;border-bottom:1px solid #eee;width:50%}\
tr.moved td{border-left:4px solid #36c}tr.gap td{color:#999;text-align:center}tr.added td:last-child{border-left:4px solid #3a3}tr.removed td:first-child{border-left:4px solid #c33}";

/// A self-contained HTML page (no external assets, no scripts) showing the
/// diff; every piece of article text is escaped.
pub fn html(w: &mut dyn Write, input: &DiffInput<'_>, o: ViewOptions) -> io::Result<()> {
    let title = input.new.title.as_deref().unwrap_or("(no headline)");
    writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    )?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        w,
        "<title>{}</title><style>{CSS}</style></head><body>",
        escape(&format!("Changes: {title}"))
    )?;
    writeln!(w, "<h1>{}</h1>", escape(title))?;
    if let Some(cite) = &input.cite {
        writeln!(w, "<p class=\"meta cite\">{}</p>", escape(cite))?;
    }
    html_changes(w, input, o)?;
    writeln!(w, "</body></html>")
}

/// The changes as HTML, for a page of one's own: a line of what changed,
/// the changed fields, then the body with `o.context` paragraphs around each
/// change. Every piece of article text is escaped.
pub fn html_changes(w: &mut dyn Write, input: &DiffInput<'_>, o: ViewOptions) -> io::Result<()> {
    let d = input.diff;
    let classes: Vec<&str> = d.classes.iter().map(|c| c.as_str()).collect();
    writeln!(
        w,
        "<p class=\"meta\">{} → {} · {} · +{} −{} words</p>",
        escape(&input.old_label),
        escape(&input.new_label),
        escape(&classes.join(", ")),
        d.stats.words_added,
        d.stats.words_removed
    )?;
    if let Some(note) = &d.coarse {
        writeln!(w, "<p class=\"meta\">{}</p>", escape(note))?;
    }
    if !d.fields.is_empty() {
        writeln!(w, "<dl class=\"fields\">")?;
        for f in &d.fields {
            let value = if f.field == "published" || f.field == "modified" {
                escape(&format!(
                    "{} → {}",
                    f.old.as_deref().unwrap_or("(none)"),
                    f.new.as_deref().unwrap_or("(none)")
                ))
            } else {
                html_pieces(&f.pieces)
            };
            writeln!(w, "<dt>{}</dt><dd>{value}</dd>", escape(&f.field))?;
        }
        writeln!(w, "</dl>")?;
    }
    let shown = context_shown(d, o.context);
    let mut gap = false;
    for op in &d.body {
        let (class, body) = match op {
            BodyOp::Same { new_index, len, .. } => {
                for k in *new_index..new_index + len {
                    if !shown.get(k).copied().unwrap_or(false) {
                        gap = true;
                        continue;
                    }
                    if std::mem::take(&mut gap) {
                        writeln!(w, "<p class=\"gap\">…</p>")?;
                    }
                    let text = input.new.body.get(k).map_or("", String::as_str);
                    writeln!(w, "<p class=\"same\">{}</p>", escape(text))?;
                }
                continue;
            }
            BodyOp::Added { text, .. } => ("added", format!("<ins>{}</ins>", escape(text))),
            BodyOp::Removed { text, .. } => ("removed", format!("<del>{}</del>", escape(text))),
            BodyOp::Changed { pieces, .. } => ("changed", html_pieces(pieces)),
            BodyOp::Moved {
                old_index,
                new_index,
                pieces,
            } => (
                "moved",
                format!(
                    "<span class=\"note\">{}</span>{}",
                    escape(&moved_note(*old_index, *new_index)),
                    html_pieces(pieces)
                ),
            ),
        };
        if std::mem::take(&mut gap) {
            writeln!(w, "<p class=\"gap\">…</p>")?;
        }
        writeln!(w, "<p class=\"{class}\">{body}</p>")?;
    }
    Ok(())
}

/// The changes side by side as an HTML table: each changed field, then the
/// body with `o.context` unchanged paragraphs around each change; the old
/// paragraph with its removals marked on the left, the new one with its
/// additions on the right, a moved paragraph on each side where it was.
pub fn html_side(w: &mut dyn Write, input: &DiffInput<'_>, o: ViewOptions) -> io::Result<()> {
    let old_marks = Marks {
        escape,
        del: ("<del>", "</del>"),
        ins: ("", ""),
    };
    let keep = |pieces: &[Piece], drop: PieceKind| -> Vec<Piece> {
        pieces.iter().filter(|p| p.kind != drop).cloned().collect()
    };
    let old_side = |pieces: &[Piece]| marked(&keep(pieces, PieceKind::Added), &old_marks);
    let new_side = |pieces: &[Piece]| marked(&keep(pieces, PieceKind::Removed), &HTML_MARKS);
    writeln!(
        w,
        "<table class=\"side\"><tr><th>{}</th><th>{}</th></tr>",
        escape(&input.old_label),
        escape(&input.new_label)
    )?;
    for f in &input.diff.fields {
        let label = format!("<span class=\"note\">{}</span>", escape(&f.field));
        writeln!(
            w,
            "<tr class=\"changed\"><td>{label}{}</td><td>{label}{}</td></tr>",
            old_side(&f.pieces),
            new_side(&f.pieces)
        )?;
    }
    let rows = side_rows(input.diff, o.context);
    if rows.is_empty() {
        writeln!(
            w,
            "<tr class=\"gap\"><td colspan=\"2\">the body is unchanged ({} paragraphs)</td></tr>",
            input.new.body.len()
        )?;
    }
    for row in rows {
        let (left, right, class) = match row {
            SideRow::Gap => {
                writeln!(w, "<tr class=\"gap\"><td>…</td><td>…</td></tr>")?;
                continue;
            }
            SideRow::MovedOut { new_index, pieces } => (
                format!(
                    "<span class=\"note\">moved to paragraph {}</span>{}",
                    new_index + 1,
                    old_side(pieces)
                ),
                String::new(),
                "moved",
            ),
            SideRow::Op(op) => match op.as_ref() {
                BodyOp::Same { new_index, .. } => {
                    let text = escape(input.new.body.get(*new_index).map_or("", String::as_str));
                    (text.clone(), text, "same")
                }
                BodyOp::Added { text, .. } => (
                    String::new(),
                    format!("<ins>{}</ins>", escape(text)),
                    "added",
                ),
                BodyOp::Removed { text, .. } => (
                    format!("<del>{}</del>", escape(text)),
                    String::new(),
                    "removed",
                ),
                BodyOp::Changed { pieces, .. } => (old_side(pieces), new_side(pieces), "changed"),
                BodyOp::Moved {
                    old_index, pieces, ..
                } => (
                    String::new(),
                    format!(
                        "<span class=\"note\">moved from paragraph {}</span>{}",
                        old_index + 1,
                        new_side(pieces)
                    ),
                    "moved",
                ),
            },
        };
        writeln!(
            w,
            "<tr class=\"{class}\"><td>{left}</td><td>{right}</td></tr>"
        )?;
    }
    writeln!(w, "</table>")
}

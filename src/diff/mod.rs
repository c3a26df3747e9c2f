//! Comparing two versions of an article, field by field.
//!
//! The body is aligned by paragraph (patience diff on whole paragraphs); within
//! each changed region, paragraphs are paired by word overlap (with splits and
//! merges recognised), each pair is aligned by sentence, and sentences that were
//! edited rather than rewritten are diffed word by word (Myers). A paragraph
//! removed in one place and inserted, the same or nearly, elsewhere is a move.
//! The result, [`ArticleDiff`], is plain data with change classes and counts:
//! computed once when a revision is recorded, stored as JSON, and read by the
//! renderers. Unchanged paragraphs are stored as index ranges, not text.
//!
//! A time limit never yields "everything deleted, everything inserted": once
//! it passes, the remaining changed paragraphs are reported whole (the
//! paragraph level), and the diff says so in [`ArticleDiff::coarse`].
//!
//! This module depends on no other part of redline except the `Article` type.

mod align;
pub mod blame;
mod classify;
pub mod derive;
pub mod words;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::extract::Article;

pub use classify::Class;

/// The token standing for a paragraph boundary inside a `changed` operation
/// that spans several paragraphs (a split or a merge). Extracted text never
/// contains it (it is whitespace, and whitespace is squashed).
pub const PARA_BREAK: &str = "\u{2029}";

/// How finely changes are shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// Whole paragraphs.
    Paragraph,
    /// Whole sentences.
    Sentence,
    /// Words within edited sentences (the default).
    #[default]
    Word,
    /// Characters within changed words.
    Char,
}

/// How to diff.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffOptions {
    /// Stop refining after this long and report the remaining changes by whole
    /// paragraph. `None`: take as long as it takes.
    pub timeout: Option<Duration>,
    pub by: Granularity,
}

/// What changed between two versions of an article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleDiff {
    /// Changed fields other than the body (title, byline, dates, lead,
    /// corrections), in that order.
    pub fields: Vec<FieldChange>,
    /// The body, in new-text order.
    pub body: Vec<BodyOp>,
    pub stats: Stats,
    /// What kind of change this is.
    pub classes: Vec<Class>,
    /// Set when the time limit cut refinement short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coarse: Option<String>,
}

/// Counts of what changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub words_added: usize,
    pub words_removed: usize,
    /// Words in paragraphs that moved.
    pub words_moved: usize,
    pub sentences_touched: usize,
    pub paragraphs_touched: usize,
}

impl ArticleDiff {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.body.iter().all(|op| matches!(op, BodyOp::Same { .. }))
    }

    /// The change to one named field, if it changed.
    pub fn field(&self, name: &str) -> Option<&FieldChange> {
        self.fields.iter().find(|f| f.field == name)
    }

    pub fn has(&self, class: Class) -> bool {
        self.classes.contains(&class)
    }
}

/// A changed field: its old and new values and, for text, the word pieces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub pieces: Vec<Piece>,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

/// One operation on the body. Indexes are 0-based paragraph positions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum BodyOp {
    /// `len` paragraphs unchanged.
    Same {
        old_index: usize,
        new_index: usize,
        len: usize,
    },
    Added {
        new_index: usize,
        text: String,
    },
    Removed {
        old_index: usize,
        text: String,
    },
    /// Paragraphs edited in place: one into one, or (with counts above one) a
    /// split or a merge, the boundaries shown as [`PARA_BREAK`] tokens.
    Changed {
        old_index: usize,
        #[serde(default = "one", skip_serializing_if = "is_one")]
        old_count: usize,
        new_index: usize,
        #[serde(default = "one", skip_serializing_if = "is_one")]
        new_count: usize,
        pieces: Vec<Piece>,
    },
    /// A paragraph that moved from `old_index`, with any edits made to it.
    Moved {
        old_index: usize,
        new_index: usize,
        pieces: Vec<Piece>,
    },
}

/// A run of text that is the same, added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub kind: PieceKind,
    pub text: String,
    /// Joined to the previous piece without a space (character diffs).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub glued: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PieceKind {
    Same,
    Added,
    Removed,
}

/// Joins the pieces that `keep` accepts, with the spacing rules of pieces.
fn join(pieces: &[Piece], keep: impl Fn(PieceKind) -> bool) -> String {
    let mut out = String::new();
    for p in pieces.iter().filter(|p| keep(p.kind)) {
        if !out.is_empty() && !p.glued {
            out.push(' ');
        }
        out.push_str(&p.text);
    }
    out
}

/// The new text of a run of pieces.
pub fn new_text(pieces: &[Piece]) -> String {
    join(pieces, |k| k != PieceKind::Removed)
}

/// The old text of a run of pieces.
pub fn old_text(pieces: &[Piece]) -> String {
    join(pieces, |k| k != PieceKind::Added)
}

/// Compares two versions of an article.
pub fn diff_articles(old: &Article, new: &Article, opts: &DiffOptions) -> ArticleDiff {
    let deadline = opts.timeout.map(|t| std::time::Instant::now() + t);
    let mut out = ArticleDiff::default();
    let fields: [(&str, &Option<String>, &Option<String>); 5] = [
        ("title", &old.title, &new.title),
        ("byline", &old.byline, &new.byline),
        ("published", &old.published, &new.published),
        ("modified", &old.modified, &new.modified),
        ("lead", &old.lead, &new.lead),
    ];
    let joined = |c: &[String]| (!c.is_empty()).then(|| c.join(&format!(" {PARA_BREAK} ")));
    let corrections = (joined(&old.corrections), joined(&new.corrections));
    let fields = fields.into_iter().chain(std::iter::once((
        "corrections",
        &corrections.0,
        &corrections.1,
    )));
    for (name, a, b) in fields {
        if a == b {
            continue;
        }
        let (pieces, _) = words::diff_text(
            a.as_deref().unwrap_or(""),
            b.as_deref().unwrap_or(""),
            opts.by,
            deadline,
        );
        if !matches!(name, "published" | "modified") {
            let (added, removed) = piece_words(&pieces);
            out.stats.words_added += added;
            out.stats.words_removed += removed;
        }
        out.fields.push(FieldChange {
            field: name.into(),
            old: a.clone(),
            new: b.clone(),
            pieces,
        });
    }
    let (body, sentences, coarse) = align::diff_body(&old.body, &new.body, opts.by, deadline);
    out.body = body;
    out.coarse = coarse;
    out.stats.sentences_touched = sentences;
    for op in &out.body {
        let (added, removed) = match op {
            BodyOp::Same { .. } => continue,
            BodyOp::Added { text, .. } => (words(text), 0),
            BodyOp::Removed { text, .. } => (0, words(text)),
            BodyOp::Changed { pieces, .. } => piece_words(pieces),
            BodyOp::Moved { pieces, .. } => {
                out.stats.words_moved += words(&new_text(pieces));
                piece_words(pieces)
            }
        };
        out.stats.paragraphs_touched += 1;
        out.stats.words_added += added;
        out.stats.words_removed += removed;
    }
    out.classes = classify::classify(old, new, &out);
    if opts.by == Granularity::Char {
        // Character pieces split words: count and classify by words.
        let by_word = diff_articles(
            old,
            new,
            &DiffOptions {
                by: Granularity::Word,
                ..*opts
            },
        );
        out.stats = by_word.stats;
        out.classes = by_word.classes;
    }
    out
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Words added and removed in a run of pieces (paragraph breaks are not words).
fn piece_words(pieces: &[Piece]) -> (usize, usize) {
    pieces.iter().fold((0, 0), |(a, r), p| match p.kind {
        PieceKind::Added => (a + words(&p.text), r),
        PieceKind::Removed => (a, r + words(&p.text)),
        PieceKind::Same => (a, r),
    })
}

/// Rebuilds the new body from the old one and the body operations: what the
/// stored diff promises to be enough for.
pub fn apply(old: &[String], body: &[BodyOp]) -> Option<Vec<String>> {
    let mut placed: Vec<(usize, String)> = Vec::new();
    for op in body {
        match op {
            BodyOp::Same {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..*len {
                    placed.push((new_index + k, old.get(old_index + k)?.clone()));
                }
            }
            BodyOp::Added { new_index, text } => placed.push((*new_index, text.clone())),
            BodyOp::Removed { .. } => {}
            BodyOp::Changed {
                new_index,
                new_count,
                pieces,
                ..
            } => {
                let text = new_text(pieces);
                let parts: Vec<&str> = text.split(&format!(" {PARA_BREAK} ")).collect();
                if parts.len() != *new_count {
                    return None;
                }
                for (k, part) in parts.into_iter().enumerate() {
                    placed.push((new_index + k, part.to_owned()));
                }
            }
            BodyOp::Moved {
                new_index, pieces, ..
            } => placed.push((*new_index, new_text(pieces))),
        }
    }
    placed.sort_by_key(|(i, _)| *i);
    placed
        .iter()
        .enumerate()
        .all(|(k, (i, _))| k == *i)
        .then(|| placed.into_iter().map(|(_, t)| t).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(title: &str, body: &[&str]) -> Article {
        Article {
            title: Some(title.into()),
            body: body.iter().map(|s| s.to_string()).collect(),
            ..Article::default()
        }
    }

    fn diff(a: &Article, b: &Article) -> ArticleDiff {
        let d = diff_articles(a, b, &DiffOptions::default());
        assert_eq!(
            apply(&a.body, &d.body).as_deref(),
            Some(&b.body[..]),
            "{d:#?}"
        );
        d
    }

    #[test]
    fn identical_articles_have_an_empty_diff() {
        let a = art("T", &["one two", "three"]);
        let d = diff(&a, &a);
        assert!(d.is_empty());
        assert_eq!(d.stats, Stats::default());
        assert!(d.classes.is_empty());
    }

    #[test]
    fn one_word_changed_in_one_paragraph() {
        let a = art(
            "T",
            &["The fee is 12 euros a night.", "Unchanged paragraph here."],
        );
        let b = art(
            "T",
            &["The fee is 13 euros a night.", "Unchanged paragraph here."],
        );
        let d = diff(&a, &b);
        assert_eq!((d.stats.words_added, d.stats.words_removed), (1, 1));
        let BodyOp::Changed { pieces, .. } = &d.body[0] else {
            panic!("expected a changed paragraph, got {:?}", d.body);
        };
        assert!(pieces.contains(&Piece {
            kind: PieceKind::Removed,
            text: "12".into(),
            glued: false
        }));
        assert_eq!(
            d.body[1],
            BodyOp::Same {
                old_index: 1,
                new_index: 1,
                len: 1
            }
        );
        assert_eq!(d.classes, [Class::Substantive], "a figure changed");
    }

    #[test]
    fn added_paragraph_and_headline_change() {
        let a = art("Old headline", &["First.", "Second."]);
        let b = art(
            "New headline",
            &["First.", "Inserted paragraph of four.", "Second."],
        );
        let d = diff(&a, &b);
        assert_eq!(
            d.field("title").unwrap().new.as_deref(),
            Some("New headline")
        );
        assert!(d.body.contains(&BodyOp::Added {
            new_index: 1,
            text: "Inserted paragraph of four.".into()
        }));
        assert_eq!((d.stats.words_added, d.stats.words_removed), (5, 1));
        assert!(
            d.has(Class::Headline) && d.has(Class::Added),
            "{:?}",
            d.classes
        );
    }

    #[test]
    fn a_moved_paragraph_is_a_move_with_its_edits() {
        let a = art(
            "T",
            &[
                "Alpha paragraph opens the story with some words.",
                "Bravo paragraph carries on with more words.",
                "Charlie paragraph ends it with final words.",
            ],
        );
        let b = art(
            "T",
            &[
                "Charlie paragraph ends it with the final words.",
                "Alpha paragraph opens the story with some words.",
                "Bravo paragraph carries on with more words.",
            ],
        );
        let d = diff(&a, &b);
        let moved: Vec<_> = d
            .body
            .iter()
            .filter(|op| matches!(op, BodyOp::Moved { .. }))
            .collect();
        assert_eq!(moved.len(), 1, "{:#?}", d.body);
        let BodyOp::Moved {
            old_index: 2,
            new_index: 0,
            pieces,
        } = moved[0]
        else {
            panic!("{moved:?}")
        };
        assert!(
            pieces
                .iter()
                .any(|p| p.kind == PieceKind::Added && p.text == "the")
        );
        assert!(
            !d.body
                .iter()
                .any(|op| matches!(op, BodyOp::Removed { .. } | BodyOp::Added { .. }))
        );
        assert!(d.has(Class::Moved));
        assert_eq!(d.stats.words_moved, 8);
    }

    #[test]
    fn split_and_merged_paragraphs() {
        let long = "The council met on Monday night and voted to close the pool. It will reopen in May after repairs to the roof.";
        let a = art("T", &["Intro stays.", long, "Outro stays."]);
        let b = art(
            "T",
            &[
                "Intro stays.",
                "The council met on Monday night and voted to close the pool.",
                "It will reopen in May after repairs to the roof.",
                "Outro stays.",
            ],
        );
        let d = diff(&a, &b);
        assert!(
            d.body.iter().any(|op| matches!(
                op,
                BodyOp::Changed {
                    old_count: 1,
                    new_count: 2,
                    ..
                }
            )),
            "{:#?}",
            d.body
        );
        assert_eq!((d.stats.words_added, d.stats.words_removed), (0, 0));
        let back = diff(&b, &a);
        assert!(
            back.body.iter().any(|op| matches!(
                op,
                BodyOp::Changed {
                    old_count: 2,
                    new_count: 1,
                    ..
                }
            )),
            "{:#?}",
            back.body
        );
    }

    #[test]
    fn dissimilar_replacement_is_remove_plus_add() {
        let a = art("T", &["alpha beta gamma delta"]);
        let b = art("T", &["one two three four"]);
        let d = diff(&a, &b);
        assert!(matches!(d.body[0], BodyOp::Removed { .. }));
        assert!(matches!(d.body[1], BodyOp::Added { .. }));
    }

    #[test]
    fn a_spent_time_limit_reports_whole_paragraphs_not_everything() {
        let body: Vec<String> = (0..200)
            .map(|i| format!("Paragraph {i} says something."))
            .collect();
        let mut edited = body.clone();
        edited[10] = "Paragraph 10 says something else entirely.".into();
        edited[150] = "Paragraph 150 now says another thing.".into();
        let a = Article {
            body,
            ..Article::default()
        };
        let b = Article {
            body: edited,
            ..Article::default()
        };
        let opts = DiffOptions {
            timeout: Some(Duration::ZERO),
            ..DiffOptions::default()
        };
        let d = diff_articles(&a, &b, &opts);
        assert!(d.coarse.is_some());
        assert_eq!(apply(&a.body, &d.body).as_deref(), Some(&b.body[..]));
        let same: usize = d
            .body
            .iter()
            .map(|op| {
                if let BodyOp::Same { len, .. } = op {
                    *len
                } else {
                    0
                }
            })
            .sum();
        assert_eq!(same, 198, "only the two edited paragraphs differ");
    }
}

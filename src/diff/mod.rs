//! Comparing two versions of an article, field by field.
//!
//! The body is aligned by paragraph first (patience diff); paragraphs removed and
//! inserted at the same place are paired by word overlap, and each pair is
//! diffed word by word (Myers). The result, [`ArticleDiff`], is plain data:
//! computed once when a revision is recorded, stored as JSON, and read by the
//! renderers. Unchanged paragraphs are stored as index ranges, not text.
//!
//! This module depends on no other part of redline except the `Article` type.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};

use crate::extract::Article;

/// Limits for one diff.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffOptions {
    /// Give up refining after this long and report coarser changes. `None`: take
    /// as long as it takes.
    pub timeout: Option<Duration>,
}

/// What changed between two versions of an article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleDiff {
    /// Changed metadata and text fields other than the body, in a fixed order.
    pub fields: Vec<FieldChange>,
    /// The body, paragraph by paragraph.
    pub body: Vec<BodyOp>,
    pub words_added: usize,
    pub words_removed: usize,
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
}

/// A changed field: its old and new values and, for text, the word pieces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub pieces: Vec<Piece>,
}

/// One operation on the body's paragraphs. Indexes are 0-based positions in
/// the old and new body.
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
    /// A paragraph edited in place.
    Changed {
        old_index: usize,
        new_index: usize,
        pieces: Vec<Piece>,
    },
}

/// A run of words that are the same, added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub kind: PieceKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PieceKind {
    Same,
    Added,
    Removed,
}

/// Compares two versions of an article.
pub fn diff_articles(old: &Article, new: &Article, opts: &DiffOptions) -> ArticleDiff {
    let deadline = opts.timeout.map(|t| Instant::now() + t);
    let mut out = ArticleDiff::default();
    let text_fields: [(&str, Option<String>, Option<String>); 5] = [
        ("title", old.title.clone(), new.title.clone()),
        ("byline", old.byline.clone(), new.byline.clone()),
        ("published", old.published.clone(), new.published.clone()),
        ("modified", old.modified.clone(), new.modified.clone()),
        ("lead", old.lead.clone(), new.lead.clone()),
    ];
    for (name, a, b) in text_fields {
        if a != b {
            let pieces = diff_words(
                a.as_deref().unwrap_or(""),
                b.as_deref().unwrap_or(""),
                deadline,
            );
            if !name.ends_with("ed") {
                count(&pieces, &mut out);
            }
            out.fields.push(FieldChange {
                field: name.into(),
                old: a,
                new: b,
                pieces,
            });
        }
    }
    if old.corrections != new.corrections {
        let (a, b) = (old.corrections.join("\n"), new.corrections.join("\n"));
        let pieces = diff_words(&a, &b, deadline);
        count(&pieces, &mut out);
        out.fields.push(FieldChange {
            field: "corrections".into(),
            old: (!a.is_empty()).then_some(a),
            new: (!b.is_empty()).then_some(b),
            pieces,
        });
    }
    out.body = diff_paragraphs(&old.body, &new.body, deadline);
    for op in &out.body {
        let (added, removed) = match op {
            BodyOp::Added { text, .. } => (words(text), 0),
            BodyOp::Removed { text, .. } => (0, words(text)),
            BodyOp::Changed { pieces, .. } => piece_words(pieces),
            BodyOp::Same { .. } => (0, 0),
        };
        out.words_added += added;
        out.words_removed += removed;
    }
    out
}

fn count(pieces: &[Piece], out: &mut ArticleDiff) {
    let (added, removed) = piece_words(pieces);
    out.words_added += added;
    out.words_removed += removed;
}

/// Words added and removed in a word diff.
fn piece_words(pieces: &[Piece]) -> (usize, usize) {
    pieces.iter().fold((0, 0), |(a, r), p| match p.kind {
        PieceKind::Added => (a + words(&p.text), r),
        PieceKind::Removed => (a, r + words(&p.text)),
        PieceKind::Same => (a, r),
    })
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Aligns paragraphs, then pairs and word-diffs the changed ones.
pub fn diff_paragraphs(old: &[String], new: &[String], deadline: Option<Instant>) -> Vec<BodyOp> {
    let ops = capture_diff_slices_deadline(Algorithm::Patience, old, new, deadline);
    let mut out = Vec::new();
    let mut hunk: Option<(std::ops::Range<usize>, std::ops::Range<usize>)> = None;
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                if let Some((o, n)) = hunk.take() {
                    pair_hunk(old, new, o, n, deadline, &mut out);
                }
                out.push(BodyOp::Same {
                    old_index,
                    new_index,
                    len,
                });
            }
            _ => {
                let (o, n) = (op.old_range(), op.new_range());
                hunk = Some(match hunk {
                    Some((ho, hn)) => (ho.start..o.end, hn.start..n.end),
                    None => (o, n),
                });
            }
        }
    }
    if let Some((o, n)) = hunk {
        pair_hunk(old, new, o, n, deadline, &mut out);
    }
    out
}

/// Pairs paragraphs within one changed region (old range `o`, new range `n`)
/// so that a monotonic matching maximises total similarity; unpaired ones are
/// removed or added.
fn pair_hunk(
    old: &[String],
    new: &[String],
    o: std::ops::Range<usize>,
    n: std::ops::Range<usize>,
    deadline: Option<Instant>,
    out: &mut Vec<BodyOp>,
) {
    const MIN_SIMILARITY: f32 = 0.4;
    let (m, k) = (o.len(), n.len());
    let pairs: Vec<(usize, usize)> = if m == 0 || k == 0 {
        Vec::new()
    } else if m * k <= 10_000 {
        let bags_old: Vec<_> = o.clone().map(|i| bag(&old[i])).collect();
        let bags_new: Vec<_> = n.clone().map(|j| bag(&new[j])).collect();
        let sim: Vec<Vec<f32>> = bags_old
            .iter()
            .map(|a| bags_new.iter().map(|b| dice(a, b)).collect())
            .collect();
        // best[i][j]: best total similarity using old[i..] and new[j..].
        let mut best = vec![vec![0f32; k + 1]; m + 1];
        for i in (0..m).rev() {
            for j in (0..k).rev() {
                let mut v = best[i + 1][j].max(best[i][j + 1]);
                if sim[i][j] >= MIN_SIMILARITY {
                    v = v.max(sim[i][j] + best[i + 1][j + 1]);
                }
                best[i][j] = v;
            }
        }
        let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
        while i < m && j < k {
            if sim[i][j] >= MIN_SIMILARITY && best[i][j] == sim[i][j] + best[i + 1][j + 1] {
                pairs.push((o.start + i, n.start + j));
                i += 1;
                j += 1;
            } else if best[i][j] == best[i + 1][j] {
                i += 1;
            } else {
                j += 1;
            }
        }
        pairs
    } else {
        // Too large to match exhaustively: pair by position where similar.
        o.clone()
            .zip(n.clone())
            .filter(|&(i, j)| dice(&bag(&old[i]), &bag(&new[j])) >= MIN_SIMILARITY)
            .collect()
    };
    let (mut i, mut j) = (o.start, n.start);
    for (pi, pj) in pairs.into_iter().chain(std::iter::once((o.end, n.end))) {
        for (oi, text) in old.iter().enumerate().take(pi).skip(i) {
            out.push(BodyOp::Removed {
                old_index: oi,
                text: text.clone(),
            });
        }
        for (nj, text) in new.iter().enumerate().take(pj).skip(j) {
            out.push(BodyOp::Added {
                new_index: nj,
                text: text.clone(),
            });
        }
        if pi < o.end && pj < n.end {
            out.push(BodyOp::Changed {
                old_index: pi,
                new_index: pj,
                pieces: diff_words(&old[pi], &new[pj], deadline),
            });
        }
        (i, j) = (pi + 1, pj + 1);
    }
}

fn bag(s: &str) -> HashMap<&str, u32> {
    let mut m = HashMap::new();
    for w in s.split_whitespace() {
        *m.entry(w).or_insert(0) += 1;
    }
    m
}

/// Dice coefficient of two word multisets, in 0..=1.
fn dice(a: &HashMap<&str, u32>, b: &HashMap<&str, u32>) -> f32 {
    let total: u32 = a.values().sum::<u32>() + b.values().sum::<u32>();
    if total == 0 {
        return 1.0;
    }
    let common: u32 = a
        .iter()
        .map(|(w, c)| b.get(w).map_or(0, |d| (*c).min(*d)))
        .sum();
    2.0 * common as f32 / total as f32
}

/// Word-level diff of two texts; words are whitespace-separated tokens and the
/// pieces are re-joined with single spaces.
pub fn diff_words(old: &str, new: &str, deadline: Option<Instant>) -> Vec<Piece> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let ops = capture_diff_slices_deadline(Algorithm::Myers, &a, &b, deadline);
    let mut pieces: Vec<Piece> = Vec::new();
    let mut push = |kind: PieceKind, words: &[&str]| {
        if words.is_empty() {
            return;
        }
        match pieces.last_mut() {
            Some(last) if last.kind == kind => {
                last.text.push(' ');
                last.text.push_str(&words.join(" "));
            }
            _ => pieces.push(Piece {
                kind,
                text: words.join(" "),
            }),
        }
    };
    for op in ops {
        let (o, n) = (op.old_range(), op.new_range());
        match op {
            DiffOp::Equal { .. } => push(PieceKind::Same, &a[o]),
            DiffOp::Delete { .. } => push(PieceKind::Removed, &a[o]),
            DiffOp::Insert { .. } => push(PieceKind::Added, &b[n]),
            DiffOp::Replace { .. } => {
                push(PieceKind::Removed, &a[o]);
                push(PieceKind::Added, &b[n]);
            }
        }
    }
    pieces
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

    /// Rebuilds the new text of a word diff: every piece but the removed ones.
    fn new_side(pieces: &[Piece]) -> String {
        let kept: Vec<&str> = pieces
            .iter()
            .filter(|p| p.kind != PieceKind::Removed)
            .map(|p| p.text.as_str())
            .collect();
        kept.join(" ")
    }

    #[test]
    fn identical_articles_have_an_empty_diff() {
        let a = art("T", &["one two", "three"]);
        let d = diff_articles(&a, &a, &DiffOptions::default());
        assert!(d.is_empty());
        assert_eq!((d.words_added, d.words_removed), (0, 0));
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
        let d = diff_articles(&a, &b, &DiffOptions::default());
        assert_eq!((d.words_added, d.words_removed), (1, 1));
        let BodyOp::Changed {
            old_index: 0,
            new_index: 0,
            pieces,
        } = &d.body[0]
        else {
            panic!("expected a changed paragraph, got {:?}", d.body);
        };
        assert_eq!(new_side(pieces), "The fee is 13 euros a night.");
        assert!(pieces.contains(&Piece {
            kind: PieceKind::Removed,
            text: "12".into()
        }));
        assert_eq!(
            d.body[1],
            BodyOp::Same {
                old_index: 1,
                new_index: 1,
                len: 1
            }
        );
    }

    #[test]
    fn added_paragraph_and_headline_change() {
        let a = art("Old headline", &["First.", "Second."]);
        let b = art(
            "New headline",
            &["First.", "Inserted paragraph of four.", "Second."],
        );
        let d = diff_articles(&a, &b, &DiffOptions::default());
        assert_eq!(
            d.field("title").unwrap().new.as_deref(),
            Some("New headline")
        );
        assert!(d.body.contains(&BodyOp::Added {
            new_index: 1,
            text: "Inserted paragraph of four.".into()
        }));
        assert_eq!((d.words_added, d.words_removed), (5, 1));
    }

    #[test]
    fn dissimilar_replacement_is_remove_plus_add() {
        let a = art("T", &["alpha beta gamma delta"]);
        let b = art("T", &["one two three four"]);
        let d = diff_articles(&a, &b, &DiffOptions::default());
        assert!(matches!(d.body[0], BodyOp::Removed { .. }));
        assert!(matches!(d.body[1], BodyOp::Added { .. }));
    }

    #[test]
    fn pairs_the_most_similar_paragraphs_in_a_hunk() {
        let a = art("T", &["x", "The council voted on the budget today.", "y"]);
        let b = art(
            "T",
            &[
                "x",
                "A new paragraph entirely.",
                "The council voted on the budget on Monday.",
                "y",
            ],
        );
        let d = diff_articles(&a, &b, &DiffOptions::default());
        assert!(d.body.iter().any(|op| matches!(
            op,
            BodyOp::Changed {
                old_index: 1,
                new_index: 2,
                ..
            }
        )));
        assert!(
            d.body
                .iter()
                .any(|op| matches!(op, BodyOp::Added { new_index: 1, .. }))
        );
    }
}

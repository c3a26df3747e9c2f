//! Change classes: what kind of edit a revision is, from its diff.

use serde::{Deserialize, Serialize};

use super::{ArticleDiff, BodyOp, PieceKind};
use crate::extract::Article;

/// What kind of change a revision is. A revision can be several at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// The headline changed.
    Headline,
    /// The byline changed.
    Byline,
    /// The published or modified date changed.
    Dates,
    /// A correction or update note was added or changed.
    Correction,
    /// A few words corrected by a letter or two.
    Typo,
    /// Wording changed within sentences, nothing added or taken away.
    Wording,
    /// A figure changed, or sentences were added, removed or rewritten.
    Substantive,
    /// Paragraphs added.
    Added,
    /// Paragraphs removed.
    Removed,
    /// Paragraphs moved.
    Moved,
    /// The article was taken down (set by the tracker).
    Takedown,
    /// The article returned to an earlier revision's text (set by the tracker).
    Revert,
    /// The article came back after a takedown (set by the tracker): with an
    /// earlier revision's text (with `revert`) or changed.
    Restored,
    /// A change in how redline read the page, not an edit (set by reextract).
    Technical,
}

impl Class {
    /// Every class, in the order listings show them.
    pub const ALL: [Class; 14] = [
        Class::Headline,
        Class::Byline,
        Class::Dates,
        Class::Correction,
        Class::Typo,
        Class::Wording,
        Class::Substantive,
        Class::Added,
        Class::Removed,
        Class::Moved,
        Class::Takedown,
        Class::Revert,
        Class::Restored,
        Class::Technical,
    ];

    /// The class a name stands for.
    pub fn parse(name: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Names joined by `sep`, for display.
    pub fn join(classes: &[Class], sep: &str) -> String {
        classes
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// The names of every class.
    pub fn names() -> Vec<&'static str> {
        Class::ALL.iter().map(|c| c.as_str()).collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Headline => "headline",
            Class::Byline => "byline",
            Class::Dates => "dates",
            Class::Correction => "correction",
            Class::Typo => "typo",
            Class::Wording => "wording",
            Class::Substantive => "substantive",
            Class::Added => "added",
            Class::Removed => "removed",
            Class::Moved => "moved",
            Class::Takedown => "takedown",
            Class::Revert => "revert",
            Class::Restored => "restored",
            Class::Technical => "technical",
        }
    }
}

/// The classes a diff earns.
pub fn classify(_old: &Article, new: &Article, d: &ArticleDiff) -> Vec<Class> {
    let mut classes = Vec::new();
    for f in &d.fields {
        match f.field.as_str() {
            "title" => classes.push(Class::Headline),
            "byline" => classes.push(Class::Byline),
            "published" | "modified" => classes.push(Class::Dates),
            "corrections" => classes.push(Class::Correction),
            _ => {}
        }
    }
    let mut edits: Vec<(String, String)> = Vec::new(); // (removed run, added run)
    let mut loose_words = 0; // words added or removed without a counterpart
    let mut whole_sentences = false;
    let mut paragraph_words = 0;
    let mut body_change = false;
    let text_pieces = d
        .body
        .iter()
        .filter_map(|op| match op {
            BodyOp::Changed { pieces, .. } | BodyOp::Moved { pieces, .. } => Some(pieces),
            _ => None,
        })
        .chain(
            d.fields
                .iter()
                .filter(|f| f.field == "lead")
                .map(|f| &f.pieces),
        );
    for pieces in text_pieces {
        let mut k = 0;
        while k < pieces.len() {
            let p = &pieces[k];
            match p.kind {
                PieceKind::Same => {}
                PieceKind::Removed
                    if pieces
                        .get(k + 1)
                        .is_some_and(|n| n.kind == PieceKind::Added) =>
                {
                    edits.push((p.text.clone(), pieces[k + 1].text.clone()));
                    k += 1;
                }
                PieceKind::Removed | PieceKind::Added => {
                    loose_words += p.text.split_whitespace().count();
                    whole_sentences |= ends_sentence(&p.text);
                }
            }
            k += 1;
        }
    }
    for op in &d.body {
        match op {
            BodyOp::Added { text, .. } => {
                push(&mut classes, Class::Added);
                paragraph_words += text.split_whitespace().count();
            }
            BodyOp::Removed { text, .. } => {
                push(&mut classes, Class::Removed);
                paragraph_words += text.split_whitespace().count();
            }
            BodyOp::Moved { .. } => push(&mut classes, Class::Moved),
            BodyOp::Changed { .. } => body_change = true,
            BodyOp::Same { .. } => {}
        }
    }
    let edited_words: usize = edits
        .iter()
        .map(|(a, b)| {
            a.split_whitespace()
                .count()
                .max(b.split_whitespace().count())
        })
        .sum::<usize>()
        + loose_words;
    if edited_words > 0 || body_change {
        let figures = edits.iter().any(|(a, b)| has_digit(a) || has_digit(b));
        let typo = loose_words == 0
            && !edits.is_empty()
            && edited_words <= 3
            && edits.iter().all(|(a, b)| is_typo(a, b));
        let body_words = new.word_count().max(1);
        let class =
            if figures || whole_sentences || edited_words * 10 > body_words || edited_words > 25 {
                Class::Substantive
            } else if typo {
                Class::Typo
            } else {
                Class::Wording
            };
        push(&mut classes, class);
    }
    if paragraph_words > 8 {
        push(&mut classes, Class::Substantive);
    }
    classes.sort();
    classes
}

fn push(classes: &mut Vec<Class>, c: Class) {
    if !classes.contains(&c) {
        classes.push(c);
    }
}

fn has_digit(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
}

/// A run that ends a sentence and has several words: a sentence added or
/// removed.
fn ends_sentence(s: &str) -> bool {
    s.split_whitespace().count() >= 4 && s.trim_end().ends_with(['.', '!', '?', '"', '”'])
}

/// Each word pair differs by at most two characters (a spelling fix).
fn is_typo(a: &str, b: &str) -> bool {
    let (wa, wb): (Vec<&str>, Vec<&str>) = (
        a.split_whitespace().collect(),
        b.split_whitespace().collect(),
    );
    wa.len() == wb.len() && wa.iter().zip(&wb).all(|(x, y)| edit_distance(x, y) <= 2)
}

/// Levenshtein distance over characters (short words only).
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 2 || a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::super::{DiffOptions, diff_articles};
    use super::*;

    fn classes(old: &[&str], new: &[&str]) -> Vec<Class> {
        let a = Article {
            body: old.iter().map(|s| s.to_string()).collect(),
            ..Article::default()
        };
        let b = Article {
            body: new.iter().map(|s| s.to_string()).collect(),
            ..Article::default()
        };
        diff_articles(&a, &b, &DiffOptions::default()).classes
    }

    const P: &str = "The mayor said the new bridge would open in the spring, after a long delay caused by the weather.";

    #[test]
    fn typo_wording_substantive() {
        assert_eq!(
            classes(&[P], &[&P.replace("weather", "wether")]),
            [Class::Typo]
        );
        assert_eq!(
            classes(&[P], &[&P.replace("long delay", "lengthy delay")]),
            [Class::Wording]
        );
        assert_eq!(
            classes(&[P], &[&P.replace("spring", "summer of 2027")]),
            [Class::Substantive]
        );
        let added = format!("{P} Critics said the cost had doubled since the plan was approved.");
        assert_eq!(classes(&[P], &[&added]), [Class::Substantive]);
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("colour", "color"), 1);
        assert_eq!(edit_distance("recieve", "receive"), 2);
        assert!(edit_distance("cat", "elephant") > 2);
    }
}

//! Properties of the diff engine, over generated article versions:
//! - applying the stored body operations to the old body gives the new body;
//! - the reversed diff is the inverse (applying it to the new gives the old);
//! - `diff(a, a)` is empty;
//! - counts agree with the operations.

use proptest::prelude::*;
use redline::diff::{
    BodyOp, DiffOptions, Granularity, PieceKind, apply, diff_articles, new_text, old_text,
};
use redline::extract::Article;

const WORDS: &[&str] = &[
    "the",
    "council",
    "said",
    "on",
    "Monday",
    "that",
    "bridge",
    "would",
    "close",
    "for",
    "repairs",
    "12",
    "weeks",
    "and",
    "residents",
    "were",
    "angry.",
    "Police",
    "closed",
    "road.",
    "A",
    "spokesman",
    "declined",
    "to",
    "comment.",
    "It",
    "rained",
    "all",
    "day",
    "again.",
];

fn paragraph() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..25).prop_map(|w| w.join(" "))
}

fn body() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(paragraph(), 0..10)
}

#[derive(Debug, Clone)]
enum Edit {
    Word(usize, usize, &'static str),
    Insert(usize, String),
    Delete(usize),
    Move(usize, usize),
    Split(usize, usize),
    Merge(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<usize>(), prop::sample::select(WORDS))
            .prop_map(|(p, w, x)| Edit::Word(p, w, x)),
        (any::<usize>(), paragraph()).prop_map(|(p, t)| Edit::Insert(p, t)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Move(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(p, at)| Edit::Split(p, at)),
        any::<usize>().prop_map(Edit::Merge),
    ]
}

fn mutate(mut body: Vec<String>, edits: &[Edit]) -> Vec<String> {
    for e in edits {
        let n = body.len();
        match e.clone() {
            Edit::Word(p, w, x) if n > 0 => {
                let mut words: Vec<&str> = body[p % n].split(' ').collect();
                let i = w % words.len();
                words[i] = x;
                body[p % n] = words.join(" ");
            }
            Edit::Insert(p, t) => body.insert(p % (n + 1), t),
            Edit::Delete(p) if n > 0 => {
                body.remove(p % n);
            }
            Edit::Move(a, b) if n > 1 => {
                let para = body.remove(a % n);
                body.insert(b % n, para);
            }
            Edit::Split(p, at) if n > 0 => {
                let words: Vec<String> = body[p % n].split(' ').map(str::to_owned).collect();
                if words.len() > 1 {
                    let at = 1 + at % (words.len() - 1);
                    body[p % n] = words[..at].join(" ");
                    body.insert(p % n + 1, words[at..].join(" "));
                }
            }
            Edit::Merge(p) if n > 1 => {
                let i = p % (n - 1);
                let next = body.remove(i + 1);
                body[i] = format!("{} {next}", body[i]);
            }
            _ => {}
        }
    }
    body
}

fn article(body: Vec<String>) -> Article {
    Article {
        body,
        ..Article::default()
    }
}

fn granularity() -> impl Strategy<Value = Granularity> {
    prop::sample::select(vec![
        Granularity::Word,
        Granularity::Sentence,
        Granularity::Paragraph,
        Granularity::Char,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn applying_the_diff_gives_the_new_body_both_ways(
        old in body(),
        edits in prop::collection::vec(edit(), 0..6),
        by in granularity(),
    ) {
        let new = mutate(old.clone(), &edits);
        let opts = DiffOptions { by, ..DiffOptions::default() };
        let (a, b) = (article(old.clone()), article(new.clone()));
        let forward = diff_articles(&a, &b, &opts);
        prop_assert_eq!(apply(&old, &forward.body), Some(new.clone()));
        let backward = diff_articles(&b, &a, &opts);
        prop_assert_eq!(apply(&new, &backward.body), Some(old.clone()));
        // Every changed or moved operation's old side is the old text.
        for op in &forward.body {
            match op {
                BodyOp::Changed { old_index, old_count, pieces, .. } => {
                    let joined = old[*old_index..old_index + old_count].join(" \u{2029} ");
                    prop_assert_eq!(old_text(pieces), joined);
                }
                BodyOp::Moved { old_index, pieces, .. } => {
                    prop_assert_eq!(&old_text(pieces), &old[*old_index]);
                }
                BodyOp::Removed { old_index, text } => prop_assert_eq!(text, &old[*old_index]),
                _ => {}
            }
        }
        if old == new {
            prop_assert!(forward.is_empty());
        }
    }

    #[test]
    fn an_article_against_itself_is_empty(old in body(), by in granularity()) {
        let a = article(old);
        let d = diff_articles(&a, &a, &DiffOptions { by, ..DiffOptions::default() });
        prop_assert!(d.is_empty());
        prop_assert_eq!(d.stats.words_added + d.stats.words_removed, 0);
        prop_assert!(d.classes.is_empty());
    }

    #[test]
    fn word_counts_match_the_pieces(old in body(), edits in prop::collection::vec(edit(), 1..4)) {
        let new = mutate(old.clone(), &edits);
        let d = diff_articles(&article(old), &article(new), &DiffOptions::default());
        let mut added = 0;
        let mut removed = 0;
        for op in &d.body {
            match op {
                BodyOp::Added { text, .. } => added += text.split_whitespace().count(),
                BodyOp::Removed { text, .. } => removed += text.split_whitespace().count(),
                BodyOp::Changed { pieces, .. } | BodyOp::Moved { pieces, .. } => {
                    for p in pieces {
                        let n = p.text.split_whitespace().count();
                        match p.kind {
                            PieceKind::Added => added += n,
                            PieceKind::Removed => removed += n,
                            PieceKind::Same => {}
                        }
                    }
                    // Pieces rebuild their new side too.
                    let _ = new_text(pieces);
                }
                BodyOp::Same { .. } => {}
            }
        }
        prop_assert_eq!((d.stats.words_added, d.stats.words_removed), (added, removed));
    }
}

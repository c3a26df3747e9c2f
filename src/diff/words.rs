//! Within a pair of paragraphs: sentences aligned first, then words (or chars)
//! within sentences that were edited rather than rewritten.

use std::time::Instant;

use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};

use super::{Granularity, PARA_BREAK, Piece, PieceKind};

/// Two sentences (or paragraphs) at least this alike are edited, not replaced.
pub const SENTENCE_SIMILARITY: f32 = 0.34;

/// Splits text into sentences: after `.`, `!`, `?` or `…` (and any closing
/// quotes or brackets) followed by a space and an upper-case letter, digit or
/// opening quote. A paragraph break token is a sentence of its own. Slices of
/// `s`, trimmed.
pub fn sentences(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    // Bytes, not characters: every character that matters here is ASCII or
    // starts with 0xE2, and the rest are passed over one compare each.
    while i < bytes.len() {
        let len = match bytes[i] {
            b'.' | b'!' | b'?' => 1,
            0xE2 if bytes[i + 1..].starts_with(&[0x80, 0xA6]) => 3, // …
            0xE2 if bytes[i + 1..].starts_with(&[0x80, 0xA9]) => {
                // U+2029, a paragraph break.
                push_trimmed(&mut out, &s[start..i]);
                out.push(PARA_BREAK);
                i += 3;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        // Skip closing quotes and brackets.
        let mut end = i + len;
        while let Some(q) = s[end..]
            .chars()
            .next()
            .filter(|q| matches!(q, '"' | '\'' | '”' | '’' | ')' | ']' | '»'))
        {
            end += q.len_utf8();
        }
        i = end;
        if bytes.get(end) != Some(&b' ') {
            continue;
        }
        let next = s[end + 1..].chars().next();
        if next.is_some_and(|n| {
            n.is_uppercase()
                || n.is_ascii_digit()
                || matches!(n, '"' | '“' | '‘' | '\'' | '«' | '(')
        }) {
            push_trimmed(&mut out, &s[start..end]);
            start = end;
        }
    }
    push_trimmed(&mut out, &s[start..]);
    out
}

fn push_trimmed<'a>(out: &mut Vec<&'a str>, s: &'a str) {
    let t = s.trim();
    if !t.is_empty() {
        out.push(t);
    }
}

/// The words of squashed text, split at single spaces so that a paragraph
/// break token stays a token of its own.
pub fn tokens(s: &str) -> Vec<&str> {
    s.split(' ').filter(|t| !t.is_empty()).collect()
}

/// Text with its hash computed once, to be compared many times: by hash
/// first, then (only when the hashes agree) by its bytes. Diffing sequences
/// of these instead of strings gives the same result, faster.
#[derive(Debug, Clone, Copy)]
pub struct Hashed<'a> {
    hash: u64,
    pub text: &'a str,
}

impl<'a> Hashed<'a> {
    pub fn new(text: &'a str) -> Self {
        Hashed {
            hash: hash64(text.as_bytes()),
            text,
        }
    }

    /// Each of `texts`, hashed.
    pub fn all<T: AsRef<str>>(texts: &'a [T]) -> Vec<Self> {
        texts.iter().map(|t| Hashed::new(t.as_ref())).collect()
    }
}

impl PartialEq for Hashed<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.text == other.text
    }
}

impl Eq for Hashed<'_> {}

impl std::hash::Hash for Hashed<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// A fast hash of bytes (rustc-hash's, also behind the diff's hash maps).
fn hash64(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// A word's hash kept to 32 bits: compact, and a collision between two words
/// only blurs a similarity score.
fn hash(word: &[u8]) -> u32 {
    (hash64(word) >> 32) as u32
}

/// A multiset of words as sorted word hashes: cheap to build once and to
/// compare by merging.
pub type Signature = [u32];

/// The signatures of many texts (squashed: words separated by single
/// spaces) in one buffer.
pub struct Signatures {
    words: Vec<u32>,
    start: Vec<usize>,
}

impl Signatures {
    /// The signatures of the `texts` for which `wanted` holds; the others
    /// are left empty.
    pub fn of<T: AsRef<str>>(texts: &[T], wanted: impl Fn(usize) -> bool) -> Self {
        let bytes: usize = (0..texts.len())
            .filter(|&k| wanted(k))
            .map(|k| texts[k].as_ref().len())
            .sum();
        // Words and their spaces average well over five bytes.
        let mut words = Vec::with_capacity(bytes / 5 + 1);
        let mut start = Vec::with_capacity(texts.len() + 1);
        start.push(0);
        for (k, text) in texts.iter().enumerate() {
            if wanted(k) {
                // Words are short: a plain byte loop finds the spaces faster
                // than a substring search.
                let from = words.len();
                words.extend(
                    text.as_ref()
                        .as_bytes()
                        .split(|&b| b == b' ')
                        .filter(|w| !w.is_empty())
                        .map(hash),
                );
                words[from..].sort_unstable();
            }
            start.push(words.len());
        }
        Signatures { words, start }
    }

    /// The signature of text `k`.
    pub fn get(&self, k: usize) -> &Signature {
        &self.words[self.start[k]..self.start[k + 1]]
    }

    /// The signatures of texts `range`, one slice each.
    pub fn slices(&self, range: std::ops::Range<usize>) -> Vec<&Signature> {
        range.map(|k| self.get(k)).collect()
    }
}

/// The signature of two texts joined.
pub fn merged(a: &Signature, b: &Signature) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Dice coefficient of two word multisets, in 0..=1.
pub fn dice(a: &Signature, b: &Signature) -> f32 {
    dice_at_least(a, b, 0.0)
}

/// [`dice`], except that once the coefficient can no longer reach `min`
/// some value below `min` is returned early.
pub fn dice_at_least(a: &Signature, b: &Signature, min: f32) -> f32 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    // Words in common needed to reach `min`.
    let needed = (min * total as f32 / 2.0).ceil() as usize;
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if (i & 31) == 0 && common + (a.len() - i).min(b.len() - j) < needed {
            return 0.0;
        }
        // Without branches: which side moves on is data, not a guess the
        // processor gets wrong half the time.
        let (x, y) = (a[i], b[j]);
        common += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    2.0 * common as f32 / total as f32
}

/// Pairs items of `old` with items of `new`, keeping order, so that the total
/// similarity of pairs (each at least `min`) is as large as possible. Returns
/// index pairs. Regions too large to match exhaustively are paired by position.
pub fn pair(old: &[&str], new: &[&str], min: f32) -> Vec<(usize, usize)> {
    let (a, b) = (Signatures::of(old, |_| true), Signatures::of(new, |_| true));
    pair_signatures(&a.slices(0..old.len()), &b.slices(0..new.len()), min)
}

/// [`pair`] over precomputed signatures.
pub fn pair_signatures(old: &[&Signature], new: &[&Signature], min: f32) -> Vec<(usize, usize)> {
    let (m, k) = (old.len(), new.len());
    if m == 0 || k == 0 {
        return Vec::new();
    }
    if m * k > 10_000 {
        return (0..m.min(k))
            .filter(|&i| dice(old[i], new[i]) >= min)
            .map(|i| (i, i))
            .collect();
    }
    // Pairs lie near the (scaled) diagonal: a paragraph that travelled far is
    // a move, found later. Outside a band, and where the lengths alone rule a
    // match out, similarity is not computed.
    const BAND: usize = 16;
    let sim: Vec<Vec<f32>> = old
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let centre = i * k / m;
            new.iter()
                .enumerate()
                .map(|(j, b)| {
                    let (short, long) = (a.len().min(b.len()), a.len().max(b.len()));
                    let bound = 2.0 * short as f32 / (short + long).max(1) as f32;
                    if centre.abs_diff(j) > BAND || bound < min {
                        0.0
                    } else {
                        dice_at_least(a, b, min)
                    }
                })
                .collect()
        })
        .collect();
    // best[i][j]: best total similarity using old[i..] and new[j..].
    let mut best = vec![vec![0f32; k + 1]; m + 1];
    for i in (0..m).rev() {
        for j in (0..k).rev() {
            let mut v = best[i + 1][j].max(best[i][j + 1]);
            if sim[i][j] >= min {
                v = v.max(sim[i][j] + best[i + 1][j + 1]);
            }
            best[i][j] = v;
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < m && j < k {
        if sim[i][j] >= min && best[i][j] == sim[i][j] + best[i + 1][j + 1] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if best[i][j] == best[i + 1][j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// Appends a run of tokens to `pieces`, merging with the last piece when it
/// has the same kind.
fn push(pieces: &mut Vec<Piece>, kind: PieceKind, tokens: &[&str]) {
    if tokens.is_empty() {
        return;
    }
    let text = tokens.join(" ");
    match pieces.last_mut() {
        Some(last) if last.kind == kind && !last.glued => {
            last.text.push(' ');
            last.text.push_str(&text);
        }
        _ => pieces.push(Piece {
            kind,
            text,
            glued: false,
        }),
    }
}

/// Word diff of two token lists (Myers, bounded by `deadline`).
pub fn diff_tokens(a: &[&str], b: &[&str], deadline: Option<Instant>) -> Vec<Piece> {
    let ops = capture_diff_slices_deadline(Algorithm::Myers, a, b, deadline);
    let mut pieces = Vec::new();
    for op in ops {
        let (o, n) = (op.old_range(), op.new_range());
        match op {
            DiffOp::Equal { .. } => push(&mut pieces, PieceKind::Same, &a[o]),
            DiffOp::Delete { .. } => push(&mut pieces, PieceKind::Removed, &a[o]),
            DiffOp::Insert { .. } => push(&mut pieces, PieceKind::Added, &b[n]),
            DiffOp::Replace { .. } => {
                push(&mut pieces, PieceKind::Removed, &a[o]);
                push(&mut pieces, PieceKind::Added, &b[n]);
            }
        }
    }
    pieces
}

/// The pieces turning `old` into `new` at the given granularity, and how many
/// sentences were touched.
pub fn diff_text(
    old: &str,
    new: &str,
    by: Granularity,
    deadline: Option<Instant>,
) -> (Vec<Piece>, usize) {
    if by == Granularity::Paragraph {
        let mut pieces = Vec::new();
        push(&mut pieces, PieceKind::Removed, &[old]);
        push(&mut pieces, PieceKind::Added, &[new]);
        pieces.retain(|p| !p.text.is_empty());
        let touched = sentences(old).len().max(sentences(new).len());
        return (pieces, touched);
    }
    let (sa, sb) = (sentences(old), sentences(new));
    let (ha, hb) = (Hashed::all(&sa), Hashed::all(&sb));
    let ops = capture_diff_slices_deadline(Algorithm::Patience, &ha, &hb, deadline);
    let mut pieces = Vec::new();
    let mut touched = 0;
    for op in ops {
        let (o, n) = (op.old_range(), op.new_range());
        if let DiffOp::Equal { .. } = op {
            // Sentences are squashed text already: whole, not word by word.
            for s in &sa[o] {
                push(&mut pieces, PieceKind::Same, &[s]);
            }
            continue;
        }
        let (olds, news) = (&sa[o], &sb[n]);
        let pairs = if by == Granularity::Sentence {
            Vec::new()
        } else {
            pair(olds, news, SENTENCE_SIMILARITY)
        };
        let (mut i, mut j) = (0, 0);
        for (pi, pj) in pairs
            .into_iter()
            .chain(std::iter::once((olds.len(), news.len())))
        {
            for s in &olds[i..pi] {
                touched += 1;
                push(&mut pieces, PieceKind::Removed, &[s]);
            }
            for s in &news[j..pj] {
                touched += 1;
                push(&mut pieces, PieceKind::Added, &[s]);
            }
            if pi < olds.len() && pj < news.len() {
                touched += 1;
                let word_pieces = diff_tokens(&tokens(olds[pi]), &tokens(news[pj]), deadline);
                append(&mut pieces, word_pieces);
            }
            (i, j) = (pi + 1, pj + 1);
        }
    }
    if by == Granularity::Char {
        pieces = refine_chars(pieces, deadline);
    }
    (pieces, touched)
}

/// Appends pieces, merging the seam.
fn append(pieces: &mut Vec<Piece>, more: Vec<Piece>) {
    for p in more {
        match pieces.last_mut() {
            Some(last) if last.kind == p.kind && !last.glued && !p.glued => {
                last.text.push(' ');
                last.text.push_str(&p.text);
            }
            _ => pieces.push(p),
        }
    }
}

/// Replaces each removed run followed by an added run with a character diff
/// of the two (pieces glued to each other, so no spaces are invented).
fn refine_chars(pieces: Vec<Piece>, deadline: Option<Instant>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut iter = pieces.into_iter().peekable();
    while let Some(p) = iter.next() {
        let next_added = iter.peek().is_some_and(|n| n.kind == PieceKind::Added);
        if p.kind != PieceKind::Removed || !next_added {
            out.push(p);
            continue;
        }
        let added = iter.next().expect("peeked");
        // Only one word for one near-identical word goes below words (a
        // typo); runs of words keep their spaces, and numbers stay whole
        // (`346 → 364`, not `3{+6+}4[-6-]`).
        let single = |t: &str| !t.contains(char::is_whitespace);
        let numeric = |t: &str| t.bytes().any(|b| b.is_ascii_digit());
        let near = !numeric(&p.text)
            && !numeric(&added.text)
            && single(&p.text)
            && single(&added.text)
            && super::classify::edit_distance(&p.text, &added.text)
                <= 2.max(p.text.chars().count().min(added.text.chars().count()) / 3);
        if !near {
            out.push(p);
            out.push(added);
            continue;
        }
        let a: Vec<char> = p.text.chars().collect();
        let b: Vec<char> = added.text.chars().collect();
        let ops = capture_diff_slices_deadline(Algorithm::Myers, &a, &b, deadline);
        // Glued pieces are only unambiguous when both sides start alike; a
        // change at the start of a word stays a word change.
        if !matches!(ops.first(), Some(DiffOp::Equal { .. })) {
            out.push(p);
            out.push(added);
            continue;
        }
        let mut first = true;
        let mut emit = |kind: PieceKind, chars: &[char], out: &mut Vec<Piece>| {
            if chars.is_empty() {
                return;
            }
            let text: String = chars.iter().collect();
            match out.last_mut() {
                Some(last) if !first && last.kind == kind => last.text.push_str(&text),
                _ => out.push(Piece {
                    kind,
                    text,
                    glued: !first,
                }),
            }
            first = false;
        };
        for op in ops {
            let (o, n) = (op.old_range(), op.new_range());
            match op {
                DiffOp::Equal { .. } => emit(PieceKind::Same, &a[o], &mut out),
                DiffOp::Delete { .. } => emit(PieceKind::Removed, &a[o], &mut out),
                DiffOp::Insert { .. } => emit(PieceKind::Added, &b[n], &mut out),
                DiffOp::Replace { .. } => {
                    emit(PieceKind::Removed, &a[o], &mut out);
                    emit(PieceKind::Added, &b[n], &mut out);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dice_at_least_agrees_with_dice_wherever_it_matters() {
        let sig = |n: u32, step: u32| -> Vec<u32> { (0..n).map(|x| x * step).collect() };
        for (a, b) in [
            (sig(200, 1), sig(200, 2)),
            (sig(100, 3), sig(90, 3)),
            (sig(64, 1), sig(5, 7)),
            (sig(0, 1), sig(3, 1)),
        ] {
            let exact = dice(&a, &b);
            for min in [0.0, 0.3, 0.5, 0.67, 0.9] {
                let fast = dice_at_least(&a, &b, min);
                if exact >= min {
                    assert_eq!(fast, exact);
                } else {
                    assert!(fast < min, "{fast} for {exact} < {min}");
                }
            }
        }
    }

    #[test]
    fn hashed_text_is_equal_only_when_the_text_is() {
        assert_eq!(Hashed::new("same words"), Hashed::new("same words"));
        assert_ne!(Hashed::new("same words"), Hashed::new("same word"));
        // Were two texts ever to share a hash, their bytes still tell them apart.
        let (a, b) = (Hashed { hash: 7, text: "a" }, Hashed { hash: 7, text: "b" });
        assert_ne!(a, b);
    }

    #[test]
    fn sentence_splitting() {
        assert_eq!(
            sentences("Mr. Smith said \"no.\" Then he left! Why? 3 people saw it."),
            [
                "Mr.",
                "Smith said \"no.\"",
                "Then he left!",
                "Why?",
                "3 people saw it."
            ]
        );
        assert_eq!(sentences("no final stop"), ["no final stop"]);
        assert_eq!(
            sentences("e.g. this and 3.5 percent"),
            ["e.g. this and 3.5 percent"]
        );
        // Multi-byte stops, closers and openers, and the paragraph break.
        assert_eq!(
            sentences("Wait… “Really?” she asked.» (Yes.) ‘No’ end\u{2029}Née. Ça va?"),
            [
                "Wait…",
                "“Really?” she asked.»",
                "(Yes.)",
                "‘No’ end",
                PARA_BREAK,
                "Née.",
                "Ça va?"
            ]
        );
        assert_eq!(sentences("Ends in a stop."), ["Ends in a stop."]);
        assert_eq!(sentences("Stop.\u{2029}"), ["Stop.", PARA_BREAK]);
        assert_eq!(sentences("A… b"), ["A… b"]);
    }

    #[test]
    fn rewritten_sentence_is_replaced_whole_edited_one_word_by_word() {
        let old = "The council met on Monday. It approved the budget after a long debate.";
        let new = "The council met on Tuesday. Protesters gathered outside the town hall all day.";
        let (pieces, touched) = diff_text(old, new, Granularity::Word, None);
        assert_eq!(touched, 3);
        let removed: Vec<&str> = pieces
            .iter()
            .filter(|p| p.kind == PieceKind::Removed)
            .map(|p| p.text.as_str())
            .collect();
        // The edited sentence word by word, the rewritten one whole.
        assert_eq!(
            removed,
            ["Monday.", "It approved the budget after a long debate."],
            "{pieces:?}"
        );
    }

    #[test]
    fn char_granularity_keeps_numbers_and_runs_of_words_whole() {
        let marked = |a: &str, b: &str| {
            let (pieces, _) = diff_text(a, b, Granularity::Char, None);
            pieces
                .iter()
                .map(|p| match p.kind {
                    PieceKind::Same => format!("{}{}", if p.glued { "" } else { " " }, p.text),
                    PieceKind::Removed => {
                        format!("{}[-{}-]", if p.glued { "" } else { " " }, p.text)
                    }
                    PieceKind::Added => {
                        format!("{}{{+{}+}}", if p.glued { "" } else { " " }, p.text)
                    }
                })
                .collect::<String>()
        };
        assert_eq!(
            marked("fees of 346 euros", "fees of 364 euros"),
            " fees of [-346-] {+364+} euros"
        );
        assert_eq!(
            marked("the old bridge stays shut", "the new crossing stays shut"),
            " the [-old bridge-] {+new crossing+} stays shut"
        );
        // A typo in one word still goes below the word.
        let typo = marked("a hospitle ward", "a hospital ward");
        assert!(
            typo.starts_with(" a hospit") && !typo.contains("[-hospitle-]"),
            "{typo}"
        );
    }

    #[test]
    fn char_granularity_glues_pieces() {
        let (pieces, _) = diff_text("the colour red", "the color red", Granularity::Char, None);
        let text: Vec<(PieceKind, &str, bool)> = pieces
            .iter()
            .map(|p| (p.kind, p.text.as_str(), p.glued))
            .collect();
        assert_eq!(
            text,
            [
                (PieceKind::Same, "the", false),
                (PieceKind::Same, "colo", false),
                (PieceKind::Removed, "u", true),
                (PieceKind::Same, "r", true),
                (PieceKind::Same, "red", false)
            ]
        );
    }
}

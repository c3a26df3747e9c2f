//! Paragraph alignment: patience diff over whole paragraphs, pairing within
//! changed regions (with splits and merges), then move detection across the
//! whole body.

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::time::Instant;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::words::{self, Signature, dice, merged};
use super::{BodyOp, Granularity, PARA_BREAK};

/// Paragraphs at least this alike are the same paragraph, edited.
const PARAGRAPH_SIMILARITY: f32 = 0.4;
/// A removed and an added paragraph at least this alike are a move.
const MOVE_SIMILARITY: f32 = 0.6;
/// At most this many near-move candidates are scored, and at most this many
/// entries of the word index visited to find them (beyond, only exact moves
/// are found): a rewrite of every word of a long article would otherwise
/// spend most of its time looking for moves it cannot have.
const MOVE_PAIRS_LIMIT: usize = 50_000;
const MOVE_VISITS_LIMIT: usize = 4_000_000;

struct Ctx {
    by: Granularity,
    deadline: Option<Instant>,
    sentences: usize,
    coarse: bool,
}

impl Ctx {
    fn expired(&mut self) -> bool {
        if !self.coarse && self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.coarse = true;
        }
        self.coarse
    }

    /// Pieces for an edited paragraph (or a run of them).
    fn refine(&mut self, old: &str, new: &str, multi: bool) -> Vec<super::Piece> {
        let by = if self.expired() {
            Granularity::Paragraph
        } else {
            self.by
        };
        if multi && by != Granularity::Paragraph {
            // Splits and merges: a straight word diff, the boundaries as tokens.
            let (a, b) = (words::tokens(old), words::tokens(new));
            self.sentences += 1;
            return words::diff_tokens(&a, &b, self.deadline);
        }
        let (pieces, touched) = words::diff_text(old, new, by, self.deadline);
        self.sentences += touched;
        pieces
    }
}

/// Diffs two bodies. Returns the operations, the number of sentences touched,
/// and a note when the time limit made the result coarser.
pub fn diff_body(
    old: &[String],
    new: &[String],
    by: Granularity,
    deadline: Option<Instant>,
) -> (Vec<BodyOp>, usize, Option<String>) {
    let mut ctx = Ctx {
        by,
        deadline,
        sentences: 0,
        coarse: false,
    };
    // Whole-paragraph alignment is cheap and exact: it gets no deadline, so a
    // time limit can only make refinement coarser, never the alignment.
    // The changed regions between runs of equal paragraphs, in order, are
    // then paired and refined each on its own.
    let mut segments: Vec<Segment> = Vec::new();
    let (mut i, mut j) = (0, 0);
    for (oi, ni, len) in equal_runs(old, new) {
        if oi > i || ni > j {
            segments.push(Segment::Changed((i..oi, j..ni)));
        }
        segments.push(Segment::Same(BodyOp::Same {
            old_index: oi,
            new_index: ni,
            len,
        }));
        (i, j) = (oi + len, ni + len);
    }
    if i < old.len() || j < new.len() {
        segments.push(Segment::Changed((i..old.len(), j..new.len())));
    }
    let hunks: Vec<&Hunk> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Changed(h) => Some(h),
            Segment::Same(_) => None,
        })
        .collect();
    let changed = changed_bytes(old, new, &hunks);
    let parallel = hunks.len() > 1 && changed >= PARALLEL_BYTES;
    let sigs = signatures(old, new, &hunks, changed >= PARALLEL_SIGNATURE_BYTES);
    let mut done = pair_hunks(old, new, &sigs, &hunks, by, deadline, parallel).into_iter();
    let mut out = Vec::new();
    for segment in segments {
        match segment {
            Segment::Same(op) => out.push(op),
            Segment::Changed(_) => {
                let (ops, sentences, coarse) = done.next().expect("one result per hunk");
                out.extend(ops);
                ctx.sentences += sentences;
                ctx.coarse |= coarse;
            }
        }
    }
    find_moves(&mut out, &sigs, &mut ctx);
    for op in &out {
        match op {
            BodyOp::Added { text, .. } | BodyOp::Removed { text, .. } => {
                ctx.sentences += words::sentences(text).len();
            }
            _ => {}
        }
    }
    let note = ctx
        .coarse
        .then(|| "time limit reached: some changes are shown by whole paragraph".to_owned());
    (out, ctx.sentences, note)
}

/// Runs of equal paragraphs, (old index, new index, length), in order: the
/// patience alignment of the paragraphs that occur on both sides at all. A
/// paragraph found only on one side can never be part of a run; leaving
/// those out first (as git's xdiff does with lines) keeps a heavy rewrite
/// from costing a quadratic search through paragraphs that match nothing.
fn equal_runs(old: &[String], new: &[String]) -> Vec<(usize, usize, usize)> {
    let (old, new) = (words::Hashed::all(old), words::Hashed::all(new));
    let in_old: FxHashSet<&words::Hashed> = old.iter().collect();
    let in_new: FxHashSet<&words::Hashed> = new.iter().collect();
    // Positions of the paragraphs kept on each side, and the paragraphs.
    let keep_old: Vec<usize> = (0..old.len())
        .filter(|&k| in_new.contains(&old[k]))
        .collect();
    let keep_new: Vec<usize> = (0..new.len())
        .filter(|&k| in_old.contains(&new[k]))
        .collect();
    let kept_old: Vec<words::Hashed> = keep_old.iter().map(|&k| old[k]).collect();
    let kept_new: Vec<words::Hashed> = keep_new.iter().map(|&k| new[k]).collect();
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, &kept_old, &kept_new) {
        let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        else {
            continue;
        };
        // Back to positions in the whole bodies, where a run of kept
        // paragraphs may have been interrupted by left-out ones.
        for k in 0..len {
            let (o, n) = (keep_old[old_index + k], keep_new[new_index + k]);
            match runs.last_mut() {
                Some((lo, ln, len)) if *lo + *len == o && *ln + *len == n => *len += 1,
                _ => runs.push((o, n, 1)),
            }
        }
    }
    runs
}

/// Old and new paragraph ranges of one changed region.
type Hunk = (std::ops::Range<usize>, std::ops::Range<usize>);

enum Segment {
    Same(BodyOp),
    Changed(Hunk),
}

/// Above this many bytes of changed paragraphs, regions are paired on
/// several threads (each region on its own: the result is the same).
const PARALLEL_BYTES: usize = 40_000;
/// Signatures are quick to compute: above this many bytes of changed
/// paragraphs, the old and new sides are hashed on two threads.
const PARALLEL_SIGNATURE_BYTES: usize = 400_000;

/// Bytes of paragraphs in the changed regions.
fn changed_bytes(old: &[String], new: &[String], hunks: &[&Hunk]) -> usize {
    hunks
        .iter()
        .map(|(o, n)| {
            old[o.clone()].iter().map(String::len).sum::<usize>()
                + new[n.clone()].iter().map(String::len).sum::<usize>()
        })
        .sum()
}

/// Word signatures of the old and new paragraphs in changed regions (others
/// are left empty), computed once for pairing and for finding moves.
struct Signatures {
    old: words::Signatures,
    new: words::Signatures,
}

fn signatures(old: &[String], new: &[String], hunks: &[&Hunk], parallel: bool) -> Signatures {
    fn side(
        texts: &[String],
        ranges: impl Iterator<Item = std::ops::Range<usize>>,
    ) -> words::Signatures {
        let mut wanted = vec![false; texts.len()];
        for k in ranges.flatten() {
            wanted[k] = true;
        }
        words::Signatures::of(texts, |k| wanted[k])
    }
    let olds = || side(old, hunks.iter().map(|h| h.0.clone()));
    let news = || side(new, hunks.iter().map(|h| h.1.clone()));
    if !parallel {
        return Signatures {
            old: olds(),
            new: news(),
        };
    }
    std::thread::scope(|scope| {
        let old = scope.spawn(olds);
        let new = news();
        Signatures {
            old: old.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            new,
        }
    })
}

/// Pairs and refines each region: its operations, sentences touched, and
/// whether the time limit made it coarser. In region order.
fn pair_hunks(
    old: &[String],
    new: &[String],
    sigs: &Signatures,
    hunks: &[&Hunk],
    by: Granularity,
    deadline: Option<Instant>,
    parallel: bool,
) -> Vec<(Vec<BodyOp>, usize, bool)> {
    let one = |h: &Hunk| {
        let mut ctx = Ctx {
            by,
            deadline,
            sentences: 0,
            coarse: false,
        };
        let mut out = Vec::new();
        pair_hunk(old, new, sigs, h.0.clone(), h.1.clone(), &mut ctx, &mut out);
        (out, ctx.sentences, ctx.coarse)
    };
    if !parallel {
        return hunks.iter().map(|h| one(h)).collect();
    }
    // Asked only now: finding out reads several files under /proc and /sys.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(2, 4));
    // Region k goes to thread k % threads: neighbouring regions are alike in
    // size, so the threads get about the same work.
    let mut results: Vec<Option<(Vec<BodyOp>, usize, bool)>> = hunks.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let one = &one;
                scope.spawn(move || {
                    hunks
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(k, h)| (k, one(h)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            let done = worker
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            for (k, r) in done {
                results[k] = Some(r);
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.expect("every region is paired"))
        .collect()
}

/// Pairs paragraphs within one changed region: one-to-one by best total
/// similarity, then grown into splits or merges where neighbouring unpaired
/// paragraphs make the match better.
fn pair_hunk(
    old: &[String],
    new: &[String],
    sigs: &Signatures,
    o: std::ops::Range<usize>,
    n: std::ops::Range<usize>,
    ctx: &mut Ctx,
    out: &mut Vec<BodyOp>,
) {
    let olds: Vec<&str> = old[o.clone()].iter().map(String::as_str).collect();
    let news: Vec<&str> = new[n.clone()].iter().map(String::as_str).collect();
    let (sig_old, sig_new) = (sigs.old.slices(o.clone()), sigs.new.slices(n.clone()));
    let pairs = words::pair_signatures(&sig_old, &sig_new, PARAGRAPH_SIMILARITY);
    // Grow each pair over unpaired neighbours: (old start, old count, new start, new count).
    let mut groups: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut taken_old = vec![false; olds.len()];
    let mut taken_new = vec![false; news.len()];
    for &(i, j) in &pairs {
        taken_old[i] = true;
        taken_new[j] = true;
    }
    for &(i, j) in &pairs {
        let (mut oc, mut nc) = (1, 1);
        // Borrowed until a neighbour is merged in.
        let (mut a, mut b) = (Cow::Borrowed(sig_old[i]), Cow::Borrowed(sig_new[j]));
        let mut best = dice(&a, &b);
        loop {
            let mut grew = false;
            if j + nc < news.len() && !taken_new[j + nc] {
                let wider = merged(&b, sig_new[j + nc]);
                let d = dice(&a, &wider);
                if d > best + 0.05 {
                    best = d;
                    b = Cow::Owned(wider);
                    taken_new[j + nc] = true;
                    nc += 1;
                    grew = true;
                }
            }
            if i + oc < olds.len() && !taken_old[i + oc] {
                let wider = merged(&a, sig_old[i + oc]);
                let d = dice(&wider, &b);
                if d > best + 0.05 {
                    best = d;
                    a = Cow::Owned(wider);
                    taken_old[i + oc] = true;
                    oc += 1;
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        groups.push((i, oc, j, nc));
    }
    let (mut i, mut j) = (0, 0);
    let end = (olds.len(), 0, news.len(), 0);
    for (gi, oc, gj, nc) in groups.into_iter().chain(std::iter::once(end)) {
        for (k, text) in olds.iter().enumerate().take(gi).skip(i) {
            out.push(BodyOp::Removed {
                old_index: o.start + k,
                text: (*text).to_owned(),
            });
        }
        for (k, text) in news.iter().enumerate().take(gj).skip(j) {
            out.push(BodyOp::Added {
                new_index: n.start + k,
                text: (*text).to_owned(),
            });
        }
        if oc > 0 {
            let sep = format!(" {PARA_BREAK} ");
            let (a, b) = (olds[gi..gi + oc].join(&sep), news[gj..gj + nc].join(&sep));
            let pieces = ctx.refine(&a, &b, oc > 1 || nc > 1);
            out.push(BodyOp::Changed {
                old_index: o.start + gi,
                old_count: oc,
                new_index: n.start + gj,
                new_count: nc,
                pieces,
            });
        }
        (i, j) = (gi + oc, gj + nc);
    }
}

/// Turns a removed paragraph and an added one that are the same or nearly into
/// one move, placed where the paragraph now stands.
fn find_moves(out: &mut Vec<BodyOp>, sigs: &Signatures, ctx: &mut Ctx) {
    let removed: Vec<usize> = (0..out.len())
        .filter(|&k| matches!(out[k], BodyOp::Removed { .. }))
        .collect();
    let added: Vec<usize> = (0..out.len())
        .filter(|&k| matches!(out[k], BodyOp::Added { .. }))
        .collect();
    if removed.is_empty() || added.is_empty() {
        return;
    }
    fn text(op: &BodyOp) -> &str {
        match op {
            BodyOp::Removed { text, .. } | BodyOp::Added { text, .. } => text,
            _ => "",
        }
    }
    // (removed op, added op) pairs, best first.
    let mut matches: Vec<(usize, usize)> = Vec::new();
    let mut by_text: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for &r in &removed {
        by_text.entry(text(&out[r])).or_default().push(r);
    }
    let mut used_r = vec![false; out.len()];
    let mut used_a = vec![false; out.len()];
    for &a in &added {
        if let Some(rs) = by_text.get_mut(text(&out[a]))
            && let Some(r) = rs.pop()
        {
            matches.push((r, a));
            used_r[r] = true;
            used_a[a] = true;
        }
    }
    if !ctx.expired() {
        let open_r: Vec<usize> = removed.iter().copied().filter(|&r| !used_r[r]).collect();
        let open_a: Vec<usize> = added.iter().copied().filter(|&a| !used_a[a]).collect();
        let sig = |k: usize| match out[k] {
            BodyOp::Removed { old_index, .. } => sigs.old.get(old_index),
            BodyOp::Added { new_index, .. } => sigs.new.get(new_index),
            _ => &[],
        };
        let sig_r: Vec<&Signature> = open_r.iter().map(|&k| sig(k)).collect();
        let sig_a: Vec<&Signature> = open_a.iter().map(|&k| sig(k)).collect();
        // Candidates share words: an index from word to the added paragraphs
        // holding it (by position in `open_a`), leaving out words too common
        // to tell paragraphs apart.
        let mut index: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        let mut words: Vec<u32> = Vec::new();
        for (ai, sig) in sig_a.iter().enumerate() {
            words.clear();
            words.extend_from_slice(sig);
            words.dedup();
            for &w in &words {
                index.entry(w).or_default().push(ai);
            }
        }
        let common = (open_a.len() / 5).max(8);
        let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
        let mut pairs_checked = 0usize;
        // Words shared with each added paragraph, counted in place and reset
        // after each removed one.
        let mut shared = vec![0usize; open_a.len()];
        let mut seen: Vec<usize> = Vec::new();
        let mut visits = 0usize;
        for (ri, &r) in open_r.iter().enumerate() {
            if pairs_checked > MOVE_PAIRS_LIMIT || visits > MOVE_VISITS_LIMIT {
                break;
            }
            words.clear();
            words.extend_from_slice(sig_r[ri]);
            words.dedup();
            for w in &words {
                if let Some(list) = index.get(w).filter(|l| l.len() <= common) {
                    visits += list.len();
                    for &ai in list {
                        if shared[ai] == 0 {
                            seen.push(ai);
                        }
                        shared[ai] += 1;
                    }
                }
            }
            for ai in seen.drain(..) {
                let n = std::mem::take(&mut shared[ai]);
                if n * 4 < words.len() || pairs_checked > MOVE_PAIRS_LIMIT {
                    continue;
                }
                pairs_checked += 1;
                let d = dice(sig_r[ri], sig_a[ai]);
                if d >= MOVE_SIMILARITY {
                    candidates.push((d, r, open_a[ai]));
                }
            }
        }
        candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        for (_, r, a) in candidates {
            if !used_r[r] && !used_a[a] {
                used_r[r] = true;
                used_a[a] = true;
                matches.push((r, a));
            }
        }
    }
    if matches.is_empty() {
        return;
    }
    let mut drop = vec![false; out.len()];
    for (r, a) in matches {
        let (
            BodyOp::Removed {
                old_index,
                text: old,
            },
            BodyOp::Added {
                new_index,
                text: new,
            },
        ) = (&out[r], &out[a])
        else {
            continue;
        };
        let (old_index, new_index) = (*old_index, *new_index);
        let pieces = if old == new {
            vec![super::Piece {
                kind: super::PieceKind::Same,
                text: new.clone(),
                glued: false,
            }]
        } else {
            let (old, new) = (old.clone(), new.clone());
            ctx.refine(&old, &new, false)
        };
        out[a] = BodyOp::Moved {
            old_index,
            new_index,
            pieces,
        };
        drop[r] = true;
    }
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_runs_skip_paragraphs_found_on_one_side_only() {
        let body = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(equal_runs(&body("a b c"), &body("a b c")), [(0, 0, 3)]);
        assert_eq!(
            equal_runs(&body("a x b c y d"), &body("a b z c d")),
            // b and c are neighbours once x, y and z are left out, but not in
            // the bodies: two runs.
            [(0, 0, 1), (2, 1, 1), (3, 3, 1), (5, 4, 1)]
        );
        // Repeated paragraphs still align in order.
        assert_eq!(
            equal_runs(&body("ad p ad q ad"), &body("ad q2 ad p2 ad")),
            [(0, 0, 1), (2, 2, 1), (4, 4, 1)]
        );
        assert!(equal_runs(&body("x y"), &body("z w")).is_empty());
    }

    #[test]
    fn regions_paired_on_threads_give_the_same_result_as_one_by_one() {
        let para = |i: usize, v: usize| {
            format!(
                "Paragraph {i} of the council report, version {v}, says the budget for road {} \
                 repairs rose by {} percent after the storm and the bridge closed for {} weeks.",
                i % 7,
                (i * v) % 13,
                (i + v) % 5
            )
        };
        let old: Vec<String> = (0..600).map(|i| para(i, 1)).collect();
        let new: Vec<String> = (0..600)
            .map(|i| if i % 3 == 0 { para(i, 2) } else { para(i, 1) })
            .collect();
        let ops = capture_diff_slices(Algorithm::Patience, &old, &new);
        let hunks: Vec<Hunk> = ops
            .iter()
            .filter(|op| !matches!(op, DiffOp::Equal { .. }))
            .map(|op| (op.old_range(), op.new_range()))
            .collect();
        let refs: Vec<&Hunk> = hunks.iter().collect();
        assert!(refs.len() > 100);
        let sigs = signatures(&old, &new, &refs, false);
        let threaded = signatures(&old, &new, &refs, true);
        assert!((0..old.len()).all(|k| sigs.old.get(k) == threaded.old.get(k)));
        assert!((0..new.len()).all(|k| sigs.new.get(k) == threaded.new.get(k)));
        let ones = pair_hunks(&old, &new, &sigs, &refs, Granularity::Word, None, false);
        let threads = pair_hunks(&old, &new, &sigs, &refs, Granularity::Word, None, true);
        assert_eq!(ones, threads);
    }
}

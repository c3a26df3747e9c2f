//! Blame: for each paragraph (or sentence) of a revision, the revision that
//! last changed it, carried forward through the stored body operations.

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::{BodyOp, PARA_BREAK, PieceKind, words};

/// Where each unit of text came from: the index (into the caller's list of
/// revisions) of the revision that introduced it as it now reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origins {
    /// One entry per paragraph: its origin, and one origin per sentence.
    pub paragraphs: Vec<(usize, Vec<usize>)>,
}

impl Origins {
    /// The first revision: everything comes from it.
    pub fn first(body: &[String], rev: usize) -> Self {
        Origins {
            paragraphs: body
                .iter()
                .map(|p| (rev, vec![rev; words::sentences(p).len()]))
                .collect(),
        }
    }

    /// Carries origins across one revision, given the old and new bodies and
    /// the body operations between them; `rev` is the new revision.
    pub fn step(&self, old: &[String], new: &[String], ops: &[BodyOp], rev: usize) -> Self {
        let mut paragraphs: Vec<Option<(usize, Vec<usize>)>> = vec![None; new.len()];
        let fresh = |p: &str| (rev, vec![rev; words::sentences(p).len()]);
        for op in ops {
            match op {
                BodyOp::Same {
                    old_index,
                    new_index,
                    len,
                } => {
                    for k in 0..*len {
                        let carried = self.paragraphs.get(old_index + k).cloned();
                        if let Some(slot) = paragraphs.get_mut(new_index + k) {
                            *slot = carried;
                        }
                    }
                }
                BodyOp::Added { new_index, text } => {
                    if let Some(slot) = paragraphs.get_mut(*new_index) {
                        *slot = Some(fresh(text));
                    }
                }
                BodyOp::Removed { .. } => {}
                BodyOp::Moved {
                    old_index,
                    new_index,
                    pieces,
                } => {
                    let unchanged = pieces.iter().all(|p| p.kind == PieceKind::Same);
                    let origin = match self.paragraphs.get(*old_index) {
                        Some(o) if unchanged => o.clone(),
                        _ => self.sentence_origins(
                            &old[*old_index..=*old_index],
                            *old_index,
                            &new[*new_index],
                            rev,
                        ),
                    };
                    if let Some(slot) = paragraphs.get_mut(*new_index) {
                        *slot = Some(origin);
                    }
                }
                BodyOp::Changed {
                    old_index,
                    old_count,
                    new_index,
                    new_count,
                    ..
                } => {
                    let olds = &old[*old_index..old_index + old_count];
                    for k in 0..*new_count {
                        let n = new_index + k;
                        let origin = self.sentence_origins(olds, *old_index, &new[n], rev);
                        if let Some(slot) = paragraphs.get_mut(n) {
                            *slot = Some(origin);
                        }
                    }
                }
            }
        }
        Origins {
            paragraphs: paragraphs
                .into_iter()
                .zip(new)
                .map(|(o, p)| o.unwrap_or_else(|| fresh(p)))
                .collect(),
        }
    }

    /// Origins for an edited paragraph: sentences found unchanged among the
    /// old paragraphs keep theirs; the paragraph itself is from `rev`.
    fn sentence_origins(
        &self,
        olds: &[String],
        first_old: usize,
        new: &str,
        rev: usize,
    ) -> (usize, Vec<usize>) {
        let mut old_sentences: Vec<&str> = Vec::new();
        let mut old_origins: Vec<usize> = Vec::new();
        for (k, p) in olds.iter().enumerate() {
            let origins = self
                .paragraphs
                .get(first_old + k)
                .map(|o| o.1.clone())
                .unwrap_or_default();
            for (i, s) in words::sentences(p).into_iter().enumerate() {
                old_sentences.push(s);
                old_origins.push(origins.get(i).copied().unwrap_or(rev));
            }
        }
        let new_sentences: Vec<&str> = words::sentences(new)
            .into_iter()
            .filter(|s| *s != PARA_BREAK)
            .collect();
        let mut origins = vec![rev; new_sentences.len()];
        for op in capture_diff_slices(Algorithm::Patience, &old_sentences, &new_sentences) {
            if let DiffOp::Equal {
                old_index,
                new_index,
                len,
            } = op
            {
                origins[new_index..new_index + len]
                    .copy_from_slice(&old_origins[old_index..old_index + len]);
            }
        }
        (rev, origins)
    }
}

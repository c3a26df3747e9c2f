//! What a check found: the outcome every layer above speaks of (the check
//! core decides it, the store records it, render and status show it).

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    First,
    Changed,
    Revert,
    Unchanged,
    NotModified,
    /// The extraction looks broken (an empty or far shorter body on a page of
    /// about the same size): flagged, not recorded until confirmed.
    Alarm,
    /// 404 or 410 after a version existed: recorded as a takedown revision.
    Takedown,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::First => "first",
            Outcome::Changed => "changed",
            Outcome::Revert => "revert",
            Outcome::Unchanged => "unchanged",
            Outcome::NotModified => "not_modified",
            Outcome::Alarm => "alarm",
            Outcome::Takedown => "takedown",
            Outcome::Failed => "failed",
        }
    }

    /// The outcome a stored name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Outcome::First,
            Outcome::Changed,
            Outcome::Revert,
            Outcome::Unchanged,
            Outcome::NotModified,
            Outcome::Alarm,
            Outcome::Takedown,
            Outcome::Failed,
        ]
        .into_iter()
        .find(|o| o.as_str() == name)
    }

    /// The check recorded a revision: the article (first) or its text changed.
    pub fn is_change(self) -> bool {
        matches!(
            self,
            Outcome::First | Outcome::Changed | Outcome::Revert | Outcome::Takedown
        )
    }
}

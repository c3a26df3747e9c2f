//! The one clock: every "now" in redline goes through [`Clock`], so tests can fix time.

use jiff::Timestamp;

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// A fixed instant (tests and reproducible demos).
    Fixed(Timestamp),
}

impl Clock {
    /// The current instant according to this clock.
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => *t,
        }
    }
}

/// Formats an instant as RFC 3339 in UTC with millisecond precision, e.g.
/// `2026-11-29T08:36:15.123Z`. Fixed width, so stored strings sort by time.
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Parses an RFC 3339 string as stored by [`rfc3339`] (or any RFC 3339 instant).
pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_is_fixed_width_utc() {
        let t: Timestamp = "2026-01-02T03:04:05+01:00".parse().unwrap();
        assert_eq!(rfc3339(t), "2026-01-02T02:04:05.000Z");
        assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t));
    }

    #[test]
    fn fixed_clock_is_fixed() {
        let t: Timestamp = "2026-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(Clock::Fixed(t).now(), t);
    }
}

//! When to check an article next.
//!
//! Adaptive by default: a new or just-changed article is checked every
//! [`Policy::initial`]; after that the gap grows with the time the article
//! has been quiet (`(factor − 1) ×` the time since it last changed, or was
//! added), up to [`Policy::max`], so checks run by hand do not push it away:
//! only time does. With the default factor (1.5) the gap is half the quiet
//! time: 20 minutes through the first hour, then 30, 45, …. A failed check backs off by
//! [`Policy::factor`] on the gap used last. An article quiet for [`Policy::retire_after`] (or
//! past its `until` date) is retired: it stays in the store and `list`, but is
//! no longer due until resumed. A fixed pace (`track --every 1h`) keeps its gap.
//! Gaps get a little deterministic jitter so that articles added together do
//! not all fall due in the same second, and a next check is never in the past.
//!
//! Pure functions of their inputs and the given "now": no clock, no I/O.

use std::time::Duration;

use jiff::Timestamp;

/// The adaptive policy.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub initial: Duration,
    pub factor: f64,
    pub max: Duration,
    pub retire_after: Duration,
    /// Fraction of the gap added or taken away at random (deterministically).
    pub jitter: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            initial: Duration::from_secs(20 * 60),
            factor: 1.5,
            max: Duration::from_secs(24 * 3600),
            retire_after: Duration::from_secs(21 * 24 * 3600),
            jitter: 0.1,
        }
    }
}

/// What a check found, as far as the schedule cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A new revision.
    Change,
    /// Nothing new.
    Nothing,
    /// The check failed.
    Failure,
}

/// The schedule state of one article.
#[derive(Debug, Clone, Copy)]
pub struct State {
    /// The gap used last time (0 before the first check).
    pub interval: Duration,
    /// A fixed pace, when set with `--every`.
    pub every: Option<Duration>,
    /// When the article last changed (or was added).
    pub last_change: Timestamp,
    /// Stop checking after this instant.
    pub until: Option<Timestamp>,
}

/// The next schedule after a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Next {
    pub interval: Duration,
    /// `None` when the article retires.
    pub at: Option<Timestamp>,
}

/// Decides the next check for article `id` after a check at `now` that found
/// `found`.
pub fn next(policy: &Policy, state: &State, found: Found, now: Timestamp, id: i64) -> Next {
    let quiet_for = now.duration_since(state.last_change);
    let quiet = Duration::try_from(quiet_for).unwrap_or_default();
    let interval = match (state.every, found) {
        (Some(every), _) => every,
        (None, Found::Change) => policy.initial,
        (None, Found::Nothing) => quiet
            .mul_f64(policy.factor - 1.0)
            .clamp(policy.initial, policy.max.max(policy.initial)),
        (None, Found::Failure) if state.interval.is_zero() => policy.initial,
        (None, Found::Failure) => state.interval.mul_f64(policy.factor).min(policy.max),
    };
    let retire_quiet = state.every.is_none()
        && found != Found::Change
        && quiet_for.as_secs() >= policy.retire_after.as_secs() as i64;
    let retire_until = state.until.is_some_and(|u| now >= u);
    if retire_quiet || retire_until {
        return Next { interval, at: None };
    }
    let jittered = interval.mul_f64(1.0 + policy.jitter * unit(id, now));
    let gap = jittered.max(Duration::from_secs(60));
    let at = now
        .checked_add(jiff::SignedDuration::try_from(gap).unwrap_or(jiff::SignedDuration::MAX))
        .unwrap_or(Timestamp::MAX);
    Next {
        interval,
        at: Some(at),
    }
}

/// A deterministic number in -1..=1 from an article id and an instant.
fn unit(id: i64, now: Timestamp) -> f64 {
    let mut x = (id as u64) ^ (now.as_second() as u64).rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x % 2001) as f64 / 1000.0 - 1.0
}

/// A duration in the config file: a number of seconds (`30`, `0.5`) or the
/// duration syntax of the command line (`2s`, `20m`, `1h`, `2h30m`, `1d`).
/// A value that is neither is refused where it is written.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Setting(pub Duration);

impl<'de> serde::Deserialize<'de> for Setting {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Setting;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a duration: a number of seconds, or \"2s\", \"20m\", \"1h\", \"1d\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Setting, E> {
                u64::try_from(v)
                    .map(|s| Setting(Duration::from_secs(s)))
                    .map_err(|_| E::custom("a duration cannot be negative"))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Setting, E> {
                Ok(Setting(Duration::from_secs(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Setting, E> {
                Duration::try_from_secs_f64(v)
                    .map(Setting)
                    .map_err(|_| E::custom("a duration cannot be negative"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Setting, E> {
                parse_duration(v).map(Setting).ok_or_else(|| {
                    E::custom(format!(
                        "{v:?} is not a duration: write a number of seconds, or 2s, 20m, 1h, 1d"
                    ))
                })
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Writes a duration the way [`parse_duration`] reads it: `20m`, `1d`, `2h30m`.
pub fn format_duration(d: Duration) -> String {
    let mut secs = d.as_secs();
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

/// Parses a duration such as `30m`, `1h`, `2h30m`, `1d`, `90s`, `0.5s`,
/// `200ms` or `0s`. Callers decide what is too short.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let n: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, len) = if rest.starts_with("ms") {
            (0.001, 2)
        } else {
            let unit = match rest.chars().next()? {
                's' => 1.0,
                'm' => 60.0,
                'h' => 3600.0,
                'd' => 86_400.0,
                'w' => 7.0 * 86_400.0,
                _ => return None,
            };
            (unit, 1)
        };
        rest = &rest[len..];
        total += n * unit;
    }
    Duration::try_from_secs_f64(total).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_trip() {
        for text in ["20m", "1d", "2h30m", "21d", "90s", "0s"] {
            let d = parse_duration(text).unwrap();
            assert_eq!(parse_duration(&format_duration(d)), Some(d));
        }
        assert_eq!(format_duration(Duration::from_secs(9000)), "2h30m");
        assert_eq!(parse_duration("0.2s"), Some(Duration::from_millis(200)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        for bad in ["", "5", "m", "1x", "1.2.3s", "-1s"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn state(interval_secs: u64, last_change: &str) -> State {
        State {
            interval: Duration::from_secs(interval_secs),
            every: None,
            last_change: t(last_change),
            until: None,
        }
    }

    #[test]
    fn quiet_articles_are_checked_less_and_less_and_a_change_resets() {
        let p = Policy {
            jitter: 0.0,
            ..Policy::default()
        };
        let added = "2026-03-01T00:00:00Z";
        let s = state(0, added);
        let at = |minutes: i64| t(added) + jiff::SignedDuration::from_mins(minutes);
        // Checked when due: 20 minutes, then 30, then 45, as the quiet grows.
        assert_eq!(next(&p, &s, Found::Nothing, at(20), 1).interval, p.initial);
        let second = next(&p, &s, Found::Nothing, at(60), 1).interval;
        assert_eq!(second, Duration::from_secs(30 * 60));
        let third = next(&p, &s, Found::Nothing, at(90), 1).interval;
        assert_eq!(third, Duration::from_secs(45 * 60));
        let day_later = next(&p, &s, Found::Nothing, at(3 * 24 * 60), 1);
        assert_eq!(day_later.interval, p.max);
        assert_eq!(
            next(&p, &s, Found::Change, at(3 * 24 * 60), 1).interval,
            p.initial
        );
        let big = State {
            interval: Duration::from_secs(23 * 3600),
            ..s
        };
        assert_eq!(next(&p, &big, Found::Failure, at(60), 1).interval, p.max);
    }

    #[test]
    fn checks_run_by_hand_do_not_push_a_fresh_article_away() {
        let p = Policy {
            jitter: 0.0,
            ..Policy::default()
        };
        let added = t("2026-03-01T00:00:00Z");
        let mut s = state(0, "2026-03-01T00:00:00Z");
        // Seven checks in five minutes, each after the one before.
        for k in 1..=7 {
            let now = added + jiff::SignedDuration::from_secs(k * 40);
            let n = next(&p, &s, Found::Nothing, now, 1);
            assert_eq!(n.interval, p.initial, "check {k}");
            assert_eq!(n.at, Some(now + jiff::SignedDuration::from_mins(20)));
            s.interval = n.interval;
        }
    }

    #[test]
    fn old_quiet_articles_retire_and_until_is_honoured() {
        let p = Policy::default();
        let now = t("2026-04-01T00:00:00Z");
        let quiet = state(3600, "2026-03-01T00:00:00Z");
        assert_eq!(next(&p, &quiet, Found::Nothing, now, 1).at, None);
        assert!(next(&p, &quiet, Found::Change, now, 1).at.is_some());
        let fixed = State {
            every: Some(Duration::from_secs(3600)),
            ..quiet
        };
        assert!(next(&p, &fixed, Found::Nothing, now, 1).at.is_some());
        let until = State {
            until: Some(t("2026-03-15T00:00:00Z")),
            ..fixed
        };
        assert_eq!(next(&p, &until, Found::Nothing, now, 1).at, None);
    }

    #[test]
    fn jitter_spreads_but_never_goes_back_in_time() {
        let p = Policy::default();
        let now = t("2026-03-02T00:00:00Z");
        let s = state(0, "2026-03-02T00:00:00Z");
        let times: std::collections::HashSet<Timestamp> = (0..200)
            .map(|id| next(&p, &s, Found::Change, now, id).at.unwrap())
            .collect();
        assert!(times.len() > 150, "spread: {}", times.len());
        for at in &times {
            assert!(*at > now);
            let gap = at.duration_since(now).as_secs() as f64;
            assert!(
                (p.initial.as_secs() as f64 * 0.89..=p.initial.as_secs() as f64 * 1.11)
                    .contains(&gap)
            );
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30m"), Some(Duration::from_secs(1800)));
        assert_eq!(parse_duration("2h30m"), Some(Duration::from_secs(9000)));
        assert_eq!(parse_duration("1d"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("0s"), Some(Duration::ZERO));
        for bad in ["", "10", "1x", "m"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}

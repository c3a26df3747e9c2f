//! Terminal text: the line that says what a check did, the article list,
//! the revision log and one article. (The diff views are in `render::diff`.)

use std::io::{self, Write};

use super::{Painter, Role};
use crate::diff::Class;
use crate::extract::Article;
use crate::store::{ArticleSummary, Outcome, RevisionRow, Stopped};
use crate::tracker::CheckResult;

/// `redline list`.
pub fn list(w: &mut dyn Write, p: &Painter, items: &[ArticleSummary]) -> io::Result<()> {
    for s in items {
        let a = &s.article;
        let title = s.title.as_deref().unwrap_or("(no revision yet)");
        writeln!(
            w,
            "{} {}  {}",
            p.paint(Role::Header, &format!("#{}", a.id)),
            title,
            p.paint(Role::Meta, &a.url)
        )?;
        let checked = a
            .last_checked_at
            .as_deref()
            .map_or("never".to_owned(), short_time);
        let revisions = match s.revisions {
            1 => "1 revision".to_owned(),
            n => format!("{n} revisions"),
        };
        let next = match (a.stopped(), &a.next_check_at) {
            (Some(Stopped::Untracked(at)), _) => format!("untracked {}", short_time(at)),
            (Some(Stopped::Ended(at)), _) => format!("ended {} (its --until)", short_time(at)),
            (Some(Stopped::Quiet(at)), _) => format!("retired {} (quiet)", short_time(at)),
            (None, Some(n)) => format!("next {}", short_time(n)),
            (None, None) => "due now".to_owned(),
        };
        let mut meta = format!("    {revisions}, last checked {checked}, {next}");
        if let Some((since, status, served)) = &s.taken_down {
            meta.push_str(", ");
            meta.push_str(&taken_down(&takedown_reason(*status, Some(served)), since));
        }
        if let Some(e) = &a.last_error {
            meta.push_str(&format!(", last error: {e}"));
        }
        writeln!(w, "{}", p.paint(Role::Meta, &meta))?;
    }
    Ok(())
}

/// Why a takedown revision is one: `HTTP 404`, or `redirected to URL` for
/// an address that now leads to a page above the article.
pub fn takedown_reason(http_status: u16, final_url: Option<&str>) -> String {
    match (http_status, final_url) {
        (404 | 410, _) | (_, None) => format!("HTTP {http_status}"),
        (_, Some(url)) => format!("redirected to {url}"),
    }
}

/// `taken down (HTTP 404) since 2026-03-01 12:00:00 UTC`: why
/// ([`takedown_reason`]) and since when, as every view says it.
pub fn taken_down(reason: &str, since: &str) -> String {
    format!("taken down ({reason}) since {}", short_time(since))
}

/// "+12 -3", or "+0 -0, moved 47 words".
pub fn counts(
    added: impl std::fmt::Display,
    removed: impl std::fmt::Display,
    moved: usize,
) -> String {
    match moved {
        0 => format!("+{added} -{removed}"),
        1 => format!("+{added} -{removed}, moved 1 word"),
        n => format!("+{added} -{removed}, moved {n} words"),
    }
}

/// `redline log`: one line per revision, oldest first; `moved` gives the
/// words moved by revision id (for the revisions that moved any).
pub fn log(
    w: &mut dyn Write,
    p: &Painter,
    revisions: &[RevisionRow],
    moved: &std::collections::HashMap<i64, usize>,
) -> io::Result<()> {
    for r in revisions {
        let change = match (r.rev, r.revert_of) {
            (1, _) => "first".to_owned(),
            _ if r.technical => "technical".to_owned(),
            _ if r.classes.contains(&Class::Takedown) => "taken down".to_owned(),
            (_, Some(of)) if r.classes.contains(&Class::Restored) => format!("restored as {of}"),
            _ if r.classes.contains(&Class::Restored) => "restored".to_owned(),
            (_, Some(of)) => format!("revert to {of}"),
            _ => counts(
                r.words_added,
                r.words_removed,
                moved.get(&r.id).copied().unwrap_or(0),
            ),
        };
        let classes = if r.classes.is_empty() {
            String::new()
        } else {
            format!(
                "{}  ",
                p.paint(
                    Role::Meta,
                    &format!("[{}]", crate::diff::Class::join(&r.classes, ", "))
                )
            )
        };
        writeln!(
            w,
            "{}  {}  {:<12}  {classes}{}",
            p.paint(Role::Header, &format!("{:>4}", r.rev)),
            p.paint(Role::Meta, &short_time(&r.captured_at)),
            change,
            r.title.as_deref().unwrap_or("(no headline)")
        )?;
    }
    Ok(())
}

/// The zone times are shown to a person in, chosen once by the command
/// line (local time, or UTC with `--utc`); UTC until then.
static SHOWN_ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();

/// Shows every later time in `zone` (the first call wins: one process, one
/// choice).
pub fn show_times_in(zone: jiff::tz::TimeZone) {
    let _ = SHOWN_ZONE.set(zone);
}

/// A stored instant as a person reads it, always with its zone:
/// `2026-11-29T08:36:15.123Z` → `2026-11-29 03:36:15 -05:00` in New York,
/// `2026-11-29 08:36:15 UTC` with `--utc` (or any offset of zero). Text that is not an instant is
/// shown as it is.
pub fn short_time(t: &str) -> String {
    let Ok(at) = t.parse::<jiff::Timestamp>() else {
        return t.replacen('T', " ", 1);
    };
    let zone = SHOWN_ZONE.get().cloned().unwrap_or(jiff::tz::TimeZone::UTC);
    let local = at.to_zoned_datetime(zone);
    // An offset of zero is UTC, whatever the zone is called.
    if local.offset() == jiff::tz::Offset::UTC {
        return local.strftime("%Y-%m-%d %H:%M:%S UTC").to_string();
    }
    local.strftime("%Y-%m-%d %H:%M:%S %:z").to_string()
}

/// `redline show`: the article as text.
pub fn article(w: &mut dyn Write, p: &Painter, a: &Article) -> io::Result<()> {
    writeln!(
        w,
        "{}",
        p.paint(Role::Header, a.title.as_deref().unwrap_or("(no headline)"))
    )?;
    let mut meta = Vec::new();
    if let Some(b) = &a.byline {
        meta.push(format!("By {b}"));
    }
    if let Some(d) = &a.published {
        meta.push(format!("published {d}"));
    }
    if let Some(d) = &a.modified {
        meta.push(format!("modified {d}"));
    }
    if !meta.is_empty() {
        writeln!(w, "{}", p.paint(Role::Meta, &meta.join(" · ")))?;
    }
    if let Some(lead) = &a.lead {
        writeln!(w, "\n{lead}")?;
    }
    for para in &a.body {
        writeln!(w, "\n{para}")?;
    }
    for c in &a.corrections {
        writeln!(w, "\n{}", p.paint(Role::Meta, c))?;
    }
    if let Some(next) = &a.next_page {
        writeln!(
            w,
            "\n{}",
            p.paint(Role::Meta, &format!("(continues on the next page: {next})"))
        )?;
    }
    Ok(())
}

/// What a check did in a few words, for a table of steps (the demo):
/// `rev 2 recorded`, `rev 4 = revert to rev 2`, `unchanged, no revision`.
pub fn check_summary(c: &CheckResult) -> String {
    let rev = c.rev.unwrap_or_default();
    match c.outcome {
        Outcome::First => format!("rev {} recorded", c.rev.unwrap_or(1)),
        Outcome::Changed => format!("rev {rev} recorded"),
        _ if c.classes.contains(&Class::Restored) => match c.revert_of {
            Some(of) => format!("rev {rev} = restored as rev {of}"),
            None => format!("rev {rev} = restored, changed"),
        },
        Outcome::Revert => format!(
            "rev {rev} = revert to rev {}",
            c.revert_of.unwrap_or_default()
        ),
        Outcome::Unchanged | Outcome::NotModified => "unchanged, no revision".to_owned(),
        Outcome::Takedown => format!(
            "rev {rev} = taken down ({})",
            takedown_reason(c.http_status.unwrap_or(404), c.final_url.as_deref())
        ),
        Outcome::Alarm | Outcome::Failed => format!(
            "{}: {}",
            c.outcome.as_str(),
            c.error.as_deref().unwrap_or("unknown error")
        ),
    }
}

/// The one line that says what a check did: `#3 failed: …`, `#3 extraction
/// alarm: …`, `#3 rev 4 (+12 -3): Headline`, or for the first check of a
/// newly tracked article (`tracking`) `#3 tracking: Headline  URL`. `None`
/// when the check found nothing to tell (unchanged, not modified).
pub fn check_line(c: &CheckResult, tracking: bool) -> Option<String> {
    let id = c.article_id;
    let title = c.title.as_deref().unwrap_or("(no headline)");
    Some(match c.outcome {
        Outcome::Failed => format!(
            "#{id} failed: {}",
            c.error.as_deref().unwrap_or("unknown error")
        ),
        Outcome::Alarm => format!("#{id} {}", c.error.as_deref().unwrap_or("extraction alarm")),
        _ if tracking => format!("#{id} tracking: {title}  {}", c.url),
        Outcome::Unchanged | Outcome::NotModified => return None,
        Outcome::First | Outcome::Changed | Outcome::Revert | Outcome::Takedown => {
            let rev = c.rev?;
            let what = match c.outcome {
                _ if c.classes.contains(&Class::Restored) => match c.revert_of {
                    Some(of) => format!("restored as rev {of}"),
                    None => "restored, changed".to_owned(),
                },
                Outcome::Revert => format!("revert to rev {}", c.revert_of.unwrap_or_default()),
                Outcome::Takedown => format!(
                    "taken down: {}",
                    takedown_reason(c.http_status.unwrap_or(404), c.final_url.as_deref())
                ),
                _ => counts(c.words_added, c.words_removed, c.words_moved),
            };
            format!("#{id} rev {rev} ({what}): {title}")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(outcome: Outcome) -> CheckResult {
        CheckResult {
            article_id: 3,
            url: "https://news.example/a".into(),
            outcome,
            rev: Some(4),
            revert_of: Some(2),
            title: Some("Gates open".into()),
            http_status: Some(410),
            final_url: None,
            classes: Vec::new(),
            words_added: 12,
            words_removed: 3,
            words_moved: 0,
            error: Some("https://news.example/a: HTTP 503 Service Unavailable".into()),
            hint: None,
        }
    }

    #[test]
    fn one_line_says_what_each_check_did() {
        let line = |o, tracking| check_line(&result(o), tracking);
        assert_eq!(
            line(Outcome::Failed, false).unwrap(),
            "#3 failed: https://news.example/a: HTTP 503 Service Unavailable"
        );
        assert_eq!(
            line(Outcome::Changed, false).unwrap(),
            "#3 rev 4 (+12 -3): Gates open"
        );
        let moved = CheckResult {
            words_added: 0,
            words_removed: 0,
            words_moved: 47,
            ..result(Outcome::Changed)
        };
        assert_eq!(
            check_line(&moved, false).unwrap(),
            "#3 rev 4 (+0 -0, moved 47 words): Gates open"
        );
        assert_eq!(
            line(Outcome::Revert, false).unwrap(),
            "#3 rev 4 (revert to rev 2): Gates open"
        );
        assert_eq!(
            line(Outcome::Takedown, false).unwrap(),
            "#3 rev 4 (taken down: HTTP 410): Gates open"
        );
        assert_eq!(
            line(Outcome::First, true).unwrap(),
            "#3 tracking: Gates open  https://news.example/a"
        );
        assert_eq!(line(Outcome::Unchanged, false), None);
        assert_eq!(line(Outcome::NotModified, false), None);
        let mut alarm = result(Outcome::Alarm);
        alarm.error = Some("extraction alarm: no article text found".into());
        assert_eq!(
            check_line(&alarm, false).unwrap(),
            "#3 extraction alarm: no article text found"
        );
    }
}

//! Dates as the page wrote them: machine values (`2017-02-23T17:18:13-08:00`,
//! `Wed, 02 Feb 2022 09:12:22 +0100`), datelines in words in the languages
//! news is written in (`19. Oktober 2019`, `May 19, 2020`, `12 de abril de
//! 2017`, `2020年7月12日`), numeric datelines (`23.12.2016`, `12/23/2016`, read by the page's
//! language), and dates in a URL's path (`/2016/12/23/`, `-20161223`).
//!
//! A [`Stamp`] keeps what the page gave and nothing more: a day stays a day, a
//! time without a zone stays without one, and an offset is kept as written
//! (never converted to UTC: the day the publisher wrote is the one a reader
//! cites). Dates before 1995 or after today are not dates of a news page.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// A date, with the time and the offset when the page gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    /// Hours, minutes, seconds.
    pub time: Option<(u8, u8, u8)>,
    /// Offset from UTC in minutes; only with a time.
    pub offset: Option<i32>,
}

/// How to read `03/04/2020`: month first (American English) or day first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    DayFirst,
    MonthFirst,
}

impl Order {
    /// Month first for English pages not marked as from a day-first country,
    /// day first for every other language.
    pub fn for_language(lang: Option<&str>) -> Order {
        let lang = lang.unwrap_or("").to_ascii_lowercase().replace('_', "-");
        let day_first_english = ["en-gb", "en-ie", "en-au", "en-nz", "en-in", "en-za"];
        if (lang == "en" || lang.starts_with("en-"))
            && !day_first_english.iter().any(|p| lang.starts_with(p))
        {
            Order::MonthFirst
        } else {
            Order::DayFirst
        }
    }
}

impl Stamp {
    fn day(year: i32, month: u32, day: u32) -> Option<Stamp> {
        let s = Stamp {
            year,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
            time: None,
            offset: None,
        };
        jiff::civil::Date::new(i16::try_from(year).ok()?, s.month as i8, s.day as i8).ok()?;
        Some(s)
    }

    /// RFC 3339 as far as the page went: `2016-12-23`,
    /// `2016-12-23T17:18:13` (no zone given) or `2016-12-23T17:18:13-08:00`.
    pub fn render(&self) -> String {
        let mut out = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        if let Some((h, m, s)) = self.time {
            out.push_str(&format!("T{h:02}:{m:02}:{s:02}"));
            match self.offset {
                Some(0) => out.push('Z'),
                Some(off) => {
                    let sign = if off < 0 { '-' } else { '+' };
                    let off = off.abs();
                    out.push_str(&format!("{sign}{:02}:{:02}", off / 60, off % 60));
                }
                None => {}
            }
        }
        out
    }

    /// The day alone, without time or offset.
    pub fn date_only(&self) -> Stamp {
        Stamp {
            time: None,
            offset: None,
            ..*self
        }
    }

    /// Days since 1970 of the day as written (its offset aside).
    pub fn day_number(&self) -> i64 {
        self.date_only().instant_key().div_euclid(86_400)
    }

    /// Seconds since 1970 at UTC, for ordering (a missing time is midnight,
    /// a missing zone UTC).
    pub fn instant_key(&self) -> i64 {
        // Days from the civil date (Howard Hinnant's algorithm).
        let (y, m, d) = (
            i64::from(self.year) - i64::from(self.month <= 2),
            i64::from(self.month),
            i64::from(self.day),
        );
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let (h, mi, s) = self.time.unwrap_or((0, 0, 0));
        days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
            - i64::from(self.offset.unwrap_or(0)) * 60
    }

    /// From 1995 (before news sites) to today (with a day's slack for zones).
    pub fn plausible(&self) -> bool {
        if self.year < 1995 {
            return false;
        }
        let days = jiff::Timestamp::now().as_second().div_euclid(86_400) + 1;
        let epoch = jiff::civil::Date::constant(1970, 1, 1);
        let Ok(tomorrow) = epoch.checked_add(jiff::Span::new().days(days)) else {
            return false;
        };
        let Ok(this) = jiff::civil::Date::new(self.year as i16, self.month as i8, self.day as i8)
        else {
            return false;
        };
        this <= tomorrow
    }

    fn with_time(mut self, c: &Captures<'_>, first: usize) -> Stamp {
        let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let (Some(mut h), Some(m)) = (num(first), num(first + 1)) else {
            return self;
        };
        let s = num(first + 2).unwrap_or(0);
        if let Some(ampm) = c.get(first + 3).filter(|m| !m.is_empty()) {
            let pm = ampm.as_str().to_ascii_lowercase().starts_with('p');
            if h == 12 {
                h = 0;
            }
            if pm {
                h += 12;
            }
        }
        if h > 23 || m > 59 || s > 60 {
            return self;
        }
        self.time = Some((h as u8, m as u8, s.min(59) as u8));
        self.offset = c.get(first + 4).and_then(|z| offset(z.as_str()));
        self
    }
}

/// A zone as written: `Z`, `+01:00`, `+0100`, `-05`, or a common abbreviation.
fn offset(z: &str) -> Option<i32> {
    let z = z.trim();
    let named = match z.to_ascii_uppercase().as_str() {
        "Z" | "UTC" | "GMT" | "UT" => Some(0),
        "CET" | "BST" | "WAT" => Some(60),
        "CEST" | "EET" | "SAST" => Some(120),
        "EEST" | "MSK" => Some(180),
        "EST" | "CDT" => Some(-300),
        "EDT" => Some(-240),
        "CST" | "MDT" => Some(-360),
        "MST" | "PDT" => Some(-420),
        "PST" => Some(-480),
        "IST" => Some(330),
        "JST" | "KST" => Some(540),
        "AEST" => Some(600),
        "AEDT" => Some(660),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    let (sign, rest) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

const TIME: &str = r"(?:[T\s,|/@-]*(?:um|at|à|a las|alle|om|às|kl\.?)?\s*(\d{1,2})[:.h](\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([ap]\.?m\.?)?\s*(Z(?-u:\b)|[+-]\d{2}(?::?\d{2})?(?-u:\b)|(?-u:\b)(?:UTC|GMT|CES?T|EES?T|[ECMP][SD]T|BST|IST|JST|KST|AEST|AEDT|MSK)(?-u:\b))?)?";

/// A machine-readable value: ISO 8601 / RFC 3339 first, else whatever
/// [`in_text`] finds in it (RFC 2822, `Tue Jan 28 15:28:56 CET 2020`, words).
pub fn parse(value: &str, order: Order) -> Option<Stamp> {
    static ISO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^\s*(\d{4})-?(\d{2})-?(\d{2})(?:[T\s]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?()\s*(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?)?",
        )
        .expect("valid regex")
    });
    if let Some(c) = ISO.captures(value) {
        let n = |i: usize| c[i].parse::<u32>().ok();
        if let Some(s) = Stamp::day(c[1].parse().ok()?, n(2)?, n(3)?) {
            // Capture 7 is an empty am/pm slot so that the layout matches TIME's.
            return Some(s.with_time(&c, 4));
        }
    }
    if value.trim().len() > 200 {
        return None;
    }
    in_text(value, order)
}

fn month(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    let m = match w {
        "january" | "jan" | "januar" | "jänner" | "janvier" | "janv" | "enero" | "ene"
        | "gennaio" | "gen" | "janeiro" | "januari" => 1,
        "february" | "feb" | "februar" | "feber" | "février" | "fevrier" | "févr" | "fév"
        | "febrero" | "febbraio" | "fevereiro" | "fev" | "februari" => 2,
        "march" | "mar" | "märz" | "maerz" | "mär" | "mars" | "marzo" | "março" | "marco"
        | "maart" | "mrt" => 3,
        "april" | "apr" | "avril" | "avr" | "abril" | "abr" | "aprile" => 4,
        "may" | "mai" | "mayo" | "maggio" | "mag" | "maio" | "mei" => 5,
        "june" | "jun" | "juni" | "juin" | "junio" | "giugno" | "giu" | "junho" => 6,
        "july" | "jul" | "juli" | "juillet" | "juil" | "julio" | "luglio" | "lug" | "julho" => 7,
        "august" | "aug" | "août" | "aout" | "agosto" | "ago" | "augustus" => 8,
        "september" | "sep" | "sept" | "septembre" | "septiembre" | "setiembre" | "settembre"
        | "set" | "setembro" => 9,
        "october" | "oct" | "oktober" | "okt" | "octobre" | "octubre" | "ottobre" | "ott"
        | "outubro" | "out" => 10,
        "november" | "nov" | "novembre" | "noviembre" | "novembro" => 11,
        "december" | "dec" | "dezember" | "dez" | "décembre" | "decembre" | "déc" | "diciembre"
        | "dic" | "dicembre" | "dezembro" => 12,
        _ => return None,
    };
    Some(m)
}

const MONTHS: &str = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|januar|jänner|februar|feber|märz|maerz|mär|mai|juni|juli|oktober|okt|dezember|dez|janvier|janv|février|fevrier|févr|fév|mars|avril|avr|juin|juillet|juil|août|aout|septembre|octobre|novembre|décembre|decembre|déc|enero|ene|febrero|marzo|abril|abr|mayo|junio|julio|agosto|ago|septiembre|setiembre|octubre|noviembre|diciembre|dic|gennaio|gen|febbraio|aprile|maggio|mag|giugno|giu|luglio|lug|settembre|set|ottobre|ott|dicembre|janeiro|fevereiro|fev|março|marco|maio|junho|julho|setembro|outubro|out|novembro|dezembro|januari|februari|maart|mrt|mei|augustus)\.?";

struct Pattern {
    re: Regex,
    read: fn(&Captures<'_>, Order) -> Option<Stamp>,
    /// Index of the first time capture.
    time: usize,
    /// The date part alone, for [`SET`].
    bare: String,
}

fn num(c: &Captures<'_>, i: usize) -> Option<u32> {
    c.get(i)?.as_str().parse().ok()
}

fn year(c: &Captures<'_>, i: usize) -> Option<i32> {
    c.get(i)?.as_str().parse().ok()
}

/// `d/m/y` or `m/d/y`: unambiguous when one part is over 12, else by order.
fn numeric(a: u32, b: u32, y: i32, order: Order) -> Option<Stamp> {
    match (a > 12, b > 12, order) {
        (false, false, Order::DayFirst) => Stamp::day(y, b, a),
        (false, false, Order::MonthFirst) => Stamp::day(y, a, b),
        _ => told_apart(a, b, y),
    }
}

/// `d/m/y` or `m/d/y` when one part is over 12 and so says which it is.
fn told_apart(a: u32, b: u32, y: i32) -> Option<Stamp> {
    match (a > 12, b > 12) {
        (true, false) => Stamp::day(y, b, a),
        (false, true) => Stamp::day(y, a, b),
        _ => None,
    }
}

/// The patterns' dates without their times, as one set; all but the last,
/// the CJK date, searched only in a text with its year sign (most texts
/// have none, and one more pattern slows the set for all).
static SET: LazyLock<regex::RegexSet> = LazyLock::new(|| {
    let latin = &PATTERNS[..PATTERNS.len() - 1];
    regex::RegexSet::new(latin.iter().map(|p| p.bare.as_str())).expect("valid regexes")
});

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let p = |re: String, time, read| Pattern {
        re: Regex::new(&format!("(?i){re}{TIME}")).expect("valid regex"),
        bare: format!("(?i){re}"),
        read,
        time,
    };
    vec![
        // 19. Oktober 2019, 12 de abril de 2017, 3rd May 2020, le 1er mars 2019
        p(
            format!(
                r"(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th|er|º|°)?\.?\s*(?:de\s+|of\s+)?{MONTHS}\s*(?:de\s+|del\s+|,\s*)?(\d{{4}})(?-u:\b)"
            ),
            4,
            |c, _| Stamp::day(year(c, 3)?, month(&c[2])?, num(c, 1)?),
        ),
        // May 19, 2020; Oct. 3 2019
        p(
            format!(r"(?-u:\b){MONTHS}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?-u:\b)"),
            4,
            |c, _| Stamp::day(year(c, 3)?, month(&c[1])?, num(c, 2)?),
        ),
        // Tue Jan 28 15:28:56 CET 2020
        p(
            format!(
                r"(?-u:\b){MONTHS}\s+(\d{{1,2}})\s+(\d{{2}}):(\d{{2}}):(\d{{2}})()\s+([A-Z]{{3,4}})\s+(\d{{4}})(?-u:\b)"
            ),
            3,
            |c, _| Stamp::day(year(c, 8)?, month(&c[1])?, num(c, 2)?),
        ),
        // 2016-12-23, 2016/12/23, 2016.12.23
        p(
            r"(?-u:\b)(\d{4})([-/.])(\d{1,2})[-/.](\d{1,2})(?-u:\b)".into(),
            5,
            |c, _| Stamp::day(year(c, 1)?, num(c, 3)?, num(c, 4)?),
        ),
        // 23.12.2016 (always day first)
        p(
            r"(?-u:\b)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?-u:\b)".into(),
            4,
            |c, _| Stamp::day(year(c, 3)?, num(c, 2)?, num(c, 1)?),
        ),
        // 12/23/2016, 23-12-2016
        p(
            r"(?-u:\b)(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?-u:\b)".into(),
            4,
            |c, order| numeric(num(c, 1)?, num(c, 2)?, year(c, 3)?, order),
        ),
        // 2020年7月12日, 2020년 7월 12일 (Chinese, Japanese, Korean): last, as
        // [`SET`] leaves it out.
        p(
            r"(?-u:\b)(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]".into(),
            4,
            |c, _| Stamp::day(year(c, 1)?, num(c, 2)?, num(c, 3)?),
        ),
    ]
});

/// Every plausible date written in `text`, in the order they appear.
pub fn all_in_text(text: &str, order: Order) -> Vec<Stamp> {
    all_in_text_at(text, order)
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

/// Every plausible date written in `text` with the byte offset it starts at.
pub fn all_in_text_at(text: &str, order: Order) -> Vec<(usize, Stamp)> {
    let mut found: Vec<(usize, Stamp)> = Vec::new();
    if !has_four_digits(text) {
        return found;
    }
    // One pass says which patterns match at all; only those are searched.
    let cjk = (text.contains('年') || text.contains('년')).then_some(PATTERNS.len() - 1);
    for i in SET.matches(text).iter().chain(cjk) {
        let p = &PATTERNS[i];
        // Found by the fast engine; the groups read on the match alone.
        for m in p.re.find_iter(text) {
            let start = m.start();
            if found.iter().any(|(s, _)| *s == start) {
                continue;
            }
            let Some(c) = p.re.captures(m.as_str()) else {
                continue;
            };
            let Some(stamp) = (p.read)(&c, order) else {
                continue;
            };
            let mut stamp = stamp.with_time(&c, p.time);
            if i == 0
                && let Some(first) = range_start(&text[..start])
                && first < stamp.day
                && stamp.time.is_none()
            {
                // "14–20 January 2022": the span starts on the 14th.
                stamp.day = first;
            }
            if stamp.plausible() {
                found.push((start, stamp));
            }
        }
    }
    found.sort_by_key(|(s, _)| *s);
    found
}

/// Whether a text has four digits in a row, as every date pattern's year
/// does: most texts are ruled out at once.
pub fn has_four_digits(text: &str) -> bool {
    let mut run = 0;
    text.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run == 4
    })
}

/// Whether a text shows a year: four digits from 1995 to 2099 standing
/// alone (`2014`, `2008-03`, `© 2016`).
pub fn has_year(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 4
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_alphanumeric())
            && std::str::from_utf8(&b[i..i + 4])
                .ok()
                .and_then(|y| y.parse::<u32>().ok())
                .is_some_and(|y| (1995..2100).contains(&y))
        {
            return true;
        }
        i += run.max(1);
    }
    false
}

/// The first day of a span of days written before a date's day
/// ("14–20 January", "14-20. Januar"): the day before the dash.
fn range_start(before: &str) -> Option<u8> {
    let b = before.trim_end().as_bytes();
    let b = b
        .strip_suffix(b"-")
        .or_else(|| b.strip_suffix("–".as_bytes()))?;
    let b = b.trim_ascii_end();
    let b = b.strip_suffix(b".").unwrap_or(b);
    let digits = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&digits)
        || b.len() > digits && b[b.len() - digits - 1].is_ascii_alphanumeric()
    {
        return None;
    }
    std::str::from_utf8(&b[b.len() - digits..])
        .ok()?
        .parse()
        .ok()
        .filter(|d| (1..=31).contains(d))
}

/// Words that say the date after them is a modification, in the languages
/// of [`month`] (lower case).
const MODIFIED_LABELS: &[&str] = &[
    "updated",
    "update:",
    "modified",
    "last edited",
    "aktualisiert",
    "geändert",
    "änderung",
    "stand:",
    "mis à jour",
    "modifié",
    "actualizado",
    "actualización",
    "aggiornato",
    "aggiornamento",
    "atualizado",
    "bijgewerkt",
    "gewijzigd",
];

/// Whether a text (lower case) says the date after it is a modification.
pub fn says_modified(lower: &str) -> bool {
    MODIFIED_LABELS.iter().any(|l| lower.contains(l))
}

/// Words that say the date after them is of something other than a
/// publication: the moment the page was served ("It is currently …",
/// "Aktuelle Zeit: …", a forum's clock) or when a member joined
/// ("Registriert: …", "Member since …"), in the languages of [`month`]
/// (ASCII, matched in any case).
const OTHER_LABELS: &[&str] = &[
    "it is currently",
    "current time",
    "aktuelle zeit",
    "es ist jetzt",
    "heure actuelle",
    "nous sommes le",
    "hora actual",
    "ora attuale",
    "huidige tijd",
    "het is nu",
    "joined",
    "member since",
    "registered",
    "registriert",
    "mitglied seit",
    "dabei seit",
    "inscrit le",
    "inscription",
    "registrado",
    "miembro desde",
    "iscritto",
    "lid sinds",
];

/// Whether a text says the date after it is not of a publication (see
/// [`OTHER_LABELS`]): one pass of one automaton, in any case.
pub fn says_other(text: &str) -> bool {
    static OTHER: LazyLock<aho_corasick::AhoCorasick> =
        LazyLock::new(|| super::text::ascii_words(OTHER_LABELS));
    OTHER.is_match(text)
}

/// The first date in `text` that no modification label ("Updated", "Stand:",
/// "mis à jour", …) stands just before.
pub fn first_not_modified(text: &str, order: Order) -> Option<(usize, Stamp)> {
    first_not_modified_where(text, order, |_| true)
}

/// [`first_not_modified`] among the dates at offsets `keep` accepts.
pub fn first_not_modified_where(
    text: &str,
    order: Order,
    keep: impl Fn(usize) -> bool,
) -> Option<(usize, Stamp)> {
    all_in_text_at(text, order).into_iter().find(|(at, _)| {
        if !keep(*at) {
            return false;
        }
        let before = label_before(text, *at);
        !says_modified(&before) && !says_other(&before)
    })
}

/// The 40 bytes or so of `text` before `at`, in lower case: where a date's
/// label stands.
pub fn label_before(text: &str, at: usize) -> String {
    let mut from = at.saturating_sub(40);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    text[from..at].to_lowercase()
}

/// A day-first date with a two-digit year (`30.10.23`) in a short text
/// that is little more than a date: how some pages write their dateline,
/// and too like a version or a score to be read in running text.
pub fn short_year(text: &str) -> Option<Stamp> {
    static SHORT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^\d.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?:$|[^\d.]|\.\s|\.$)")
            .expect("valid regex")
    });
    if text.len() > 40 {
        return None;
    }
    let c = SHORT.captures(text)?;
    let year = 2000 + c[3].parse::<i32>().ok()?;
    Stamp::day(year, c[2].parse().ok()?, c[1].parse().ok()?).filter(Stamp::plausible)
}

/// Whether a value is a numeric date whose day and month could be either
/// way round (`11/01/2023`, `03.04.2021`).
pub fn ambiguous(value: &str) -> bool {
    let mut parts = value
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().ok());
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(Some(a)), Some(Some(b)), Some(Some(y)))
            if (1..=12).contains(&a) && (1..=12).contains(&b) && a != b && y > 31
    )
}

/// The first plausible date written in `text`.
pub fn in_text(text: &str, order: Order) -> Option<Stamp> {
    all_in_text(text, order).into_iter().next()
}

/// A whole date in a URL's path: `/2016/12/23/`, `/2016-12-23-`, `-20161223`,
/// and year last, `/23-12-2016/` (day and month told apart only when one of
/// them is over 12).
pub fn in_url(url: &str) -> Option<Stamp> {
    static PATH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[/_-](\d{4})[/_-]?(\d{2})[/_-]?(\d{2})(?:[/_.-]|$)").expect("valid regex")
    });
    static YEAR_LAST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[/_-](\d{2})([-.])(\d{2})[-.](\d{4})(?:[/_.-]|$)").expect("valid regex")
    });
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let year_first = PATH.captures_iter(path).find_map(|c| {
        Stamp::day(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
            .filter(Stamp::plausible)
    });
    let year_last = || {
        YEAR_LAST.captures_iter(path).find_map(|c| {
            told_apart(c[1].parse().ok()?, c[3].parse().ok()?, c[4].parse().ok()?)
                .filter(Stamp::plausible)
        })
    };
    year_first.or_else(year_last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<String> {
        parse(s, Order::DayFirst).map(|s| s.render())
    }

    fn t(s: &str, order: Order) -> Option<String> {
        in_text(s, order).map(|s| s.render())
    }

    #[test]
    fn machine_values_keep_the_offset_as_written() {
        assert_eq!(
            p("2017-02-23T17:18:13-08:00").as_deref(),
            Some("2017-02-23T17:18:13-08:00")
        );
        assert_eq!(
            p("2017-02-23T17:18:13.123+0100").as_deref(),
            Some("2017-02-23T17:18:13+01:00")
        );
        assert_eq!(
            p("2017-02-23T17:18:13Z").as_deref(),
            Some("2017-02-23T17:18:13Z")
        );
        assert_eq!(
            p("2017-02-23 17:18").as_deref(),
            Some("2017-02-23T17:18:00")
        );
        assert_eq!(p("2016-12-23").as_deref(), Some("2016-12-23"));
        assert_eq!(p("20161223").as_deref(), Some("2016-12-23"));
        assert_eq!(
            p("Wed, 02 Feb 2022 09:12:22 +0100").as_deref(),
            Some("2022-02-02T09:12:22+01:00")
        );
        assert_eq!(
            p("Tue Jan 28 15:28:56 CET 2020").as_deref(),
            Some("2020-01-28T15:28:56+01:00")
        );
        assert_eq!(p("2016-13-45"), None);
        assert_eq!(p("nonsense"), None);
    }

    #[test]
    fn datelines_in_words_in_each_language() {
        let d = Order::DayFirst;
        for (text, want) in [
            ("Veröffentlicht am 19. Oktober 2019", "2019-10-19"),
            ("Publié le 1er mars 2019", "2019-03-01"),
            ("12 de abril de 2017", "2017-04-12"),
            ("Pubblicato il 5 maggio 2018", "2018-05-05"),
            ("3 de março de 2020", "2020-03-03"),
            ("gepubliceerd op 7 mei 2021", "2021-05-07"),
            ("Posted May 19, 2020", "2020-05-19"),
            ("3rd December 2016", "2016-12-03"),
            ("Oct. 3, 2019", "2019-10-03"),
            ("発行日：2020年07月12日", "2020-07-12"),
            ("发布于 2019年3月5日", "2019-03-05"),
            ("2021년 6월 9일", "2021-06-09"),
        ] {
            assert_eq!(t(text, d).as_deref(), Some(want), "{text}");
        }
        assert_eq!(
            t("07.11.2023 / 09:30", d).as_deref(),
            Some("2023-11-07T09:30:00")
        );
        assert_eq!(
            t("2020年7月12日 22:05", d).as_deref(),
            Some("2020-07-12T22:05:00")
        );
        assert_eq!(
            t("March 4, 2020 at 4:52 pm EST", d).as_deref(),
            Some("2020-03-04T16:52:00-05:00")
        );
    }

    #[test]
    fn numeric_dates_are_read_by_the_page_language() {
        assert_eq!(Order::for_language(Some("en-US")), Order::MonthFirst);
        assert_eq!(Order::for_language(Some("en-GB")), Order::DayFirst);
        assert_eq!(Order::for_language(Some("de")), Order::DayFirst);
        assert_eq!(
            t("04/03/2020", Order::MonthFirst).as_deref(),
            Some("2020-04-03")
        );
        assert_eq!(
            t("04/03/2020", Order::DayFirst).as_deref(),
            Some("2020-03-04")
        );
        assert_eq!(
            t("12/23/2016", Order::DayFirst).as_deref(),
            Some("2016-12-23"),
            "a part over 12 settles it"
        );
        assert_eq!(
            t("23.12.2016", Order::MonthFirst).as_deref(),
            Some("2016-12-23")
        );
    }

    #[test]
    fn instants_order_across_offsets() {
        let a = parse("2026-01-01T10:00:00+02:00", Order::DayFirst).unwrap();
        let b = parse("2026-01-01T09:00:00Z", Order::DayFirst).unwrap();
        assert_eq!(a.instant_key() + 3600, b.instant_key());
        let epoch = parse("1970-01-01", Order::DayFirst).unwrap();
        assert_eq!(epoch.instant_key(), 0);
        let leap = parse("2024-03-01T00:00:00Z", Order::DayFirst).unwrap();
        assert_eq!(leap.instant_key(), 1_709_251_200);
    }

    #[test]
    fn a_two_digit_year_is_read_only_in_a_short_dateline() {
        let r = |t: &str| short_year(t).map(|s| s.render());
        assert_eq!(r("Party, 30.10.23").as_deref(), Some("2023-10-30"));
        assert_eq!(r("28.09.19 12:44").as_deref(), Some("2019-09-28"));
        assert_eq!(r("Version 1.2.3"), None);
        assert_eq!(r("IP 10.12.14.1"), None);
        assert_eq!(r("32.10.23"), None);
        assert_eq!(
            r("Am 30.10.23 sagte der Sprecher der Gemeinde, dass alles gut sei"),
            None
        );
    }

    #[test]
    fn numeric_dates_that_read_two_ways_are_ambiguous() {
        assert!(ambiguous("11/01/2023 12:43:42"));
        assert!(ambiguous("03.04.2021"));
        assert!(!ambiguous("13.04.2021"));
        assert!(!ambiguous("04/04/2021"), "the same either way");
        assert!(!ambiguous("2021-04-03"));
    }

    #[test]
    fn a_span_of_days_starts_on_its_first() {
        let d = Order::DayFirst;
        assert_eq!(
            t("Wochenbericht 14-20 Januar 2022", d).as_deref(),
            Some("2022-01-14")
        );
        assert_eq!(t("from 3 – 5 May 2021", d).as_deref(), Some("2021-05-03"));
        assert_eq!(
            t("vom 14.-20. Januar 2022", d).as_deref(),
            Some("2022-01-14")
        );
        // Not a span: a year before the dash, or a later day.
        assert_eq!(t("2021-20 January 2022", d).as_deref(), Some("2022-01-20"));
        assert_eq!(t("25-20 January 2022", d).as_deref(), Some("2022-01-20"));
    }

    #[test]
    fn a_year_stands_alone() {
        for text in ["2014", "2008-03", "© 2016 Example", "(1999)"] {
            assert!(has_year(text), "{text}");
        }
        for text in ["12345", "1990", "page2014", "2014a", "3 ", ""] {
            assert!(!has_year(text), "{text}");
        }
    }

    #[test]
    fn implausible_dates_are_not_dates() {
        assert_eq!(t("founded 12 May 1874", Order::DayFirst), None);
        assert_eq!(t("on 1 January 2999", Order::DayFirst), None);
        assert_eq!(in_url("https://x.example/1990/01/02/story"), None);
    }

    #[test]
    fn dates_in_url_paths() {
        let u = |s: &str| in_url(s).map(|s| s.render());
        // Year last: by day and month when one of them says which.
        assert_eq!(
            u("https://x.example/news/29-10-2021").as_deref(),
            Some("2021-10-29")
        );
        assert_eq!(
            u("https://x.example/news/10.29.2021/").as_deref(),
            Some("2021-10-29")
        );
        assert_eq!(u("https://x.example/news/03-04-2021"), None);
        assert_eq!(u("https://x.example/v/12-34-5678"), None);
        assert_eq!(
            u("https://x.example/2016/12/23/story.html").as_deref(),
            Some("2016-12-23")
        );
        assert_eq!(
            u("https://x.example/news/story-20161223.html").as_deref(),
            Some("2016-12-23")
        );
        assert_eq!(u("https://x.example/2016/12/story.html"), None);
        assert_eq!(u("https://20161223.example/a"), None, "not the host");
    }
}

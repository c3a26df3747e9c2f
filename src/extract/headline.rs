//! The headline: chosen among what the page's head and the article say it
//! is (JSON-LD `headline`, microdata, Dublin Core, `og:title`,
//! `twitter:title`, `parsely-title`, the first `<h1>`, the document's
//! `<title>`) by agreement between them, then without the site's name.
//!
//! A source that another repeats (or that another holds with a site name
//! around it) is believed first; among equals the more trusted wins. A
//! `<title>` that nothing confirms loses its site suffix when the suffix is
//! the site's name or a short name after a separator.

use super::text::{decode_entities, non_empty};

/// Separators between a headline and a site name in a `<title>`.
const SEPARATORS: &[&str] = &[" | ", " - ", " — ", " – ", " :: ", " · ", " // ", " » "];

/// The sources, most trusted first.
pub(super) struct Candidates {
    pub(super) list: Vec<String>,
    /// Index of the document's `<title>` in `list`, when there is one.
    pub(super) title_at: Option<usize>,
}

impl Candidates {
    pub(super) fn new(sources: impl IntoIterator<Item = (bool, Option<String>)>) -> Candidates {
        let mut list = Vec::new();
        let mut title_at = None;
        for (is_title, s) in sources {
            let Some(s) = s
                .as_deref()
                .map(decode_entities)
                .and_then(|s| non_empty(&s))
            else {
                continue;
            };
            if is_title {
                title_at = Some(list.len());
            }
            list.push(s);
        }
        Candidates { list, title_at }
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `a` says `b`: equal once normalised, or `a` is `b` with a site name
/// before or after a separator.
fn confirms(a: &str, b: &str) -> bool {
    confirms_normed(a, &norm(a), &norm(b))
}

/// [`confirms`] with both sides already normalised.
fn confirms_normed(a: &str, na: &str, nb: &str) -> bool {
    if nb.is_empty() || !na.contains(nb) {
        return false;
    }
    if na == nb {
        return true;
    }
    SEPARATORS.iter().chain(&[": "]).any(|sep| {
        a.split(sep).count() > 1 && {
            let parts: Vec<&str> = a.split(sep).collect();
            (1..parts.len())
                .any(|k| norm(&parts[..k].join(sep)) == nb || norm(&parts[k..].join(sep)) == nb)
        }
    })
}

/// The headline.
pub(super) fn choose(c: &Candidates, site: Option<&str>) -> Option<String> {
    let n = c.list.len();
    let normed: Vec<String> = c.list.iter().map(|s| norm(s)).collect();
    // Support: how many other sources say the same (a longer source holding
    // this one with a site name counts for it).
    let support = |i: usize| {
        (0..n)
            .filter(|&j| j != i && confirms_normed(&c.list[j], &normed[j], &normed[i]))
            .count()
    };
    let best = (0..n).max_by_key(|&i| (support(i), n - i))?;
    let chosen = &c.list[best];
    let confirmed = support(best) > 0;
    if Some(best) == c.title_at || !confirmed {
        return Some(strip_site(chosen, site, &c.list));
    }
    Some(chosen.clone())
}

/// "Headline | The Paper" → "Headline": the part another source gives, else
/// without a tail that is the site's name or at most three words after a
/// separator (or such a head before one).
fn strip_site(title: &str, site: Option<&str>, others: &[String]) -> String {
    for other in others {
        if other != title && norm(other) != norm(title) && confirms(title, other) {
            return other.clone();
        }
    }
    let is_site = |part: &str| site.is_some_and(|s| norm(part) == norm(s));
    for sep in SEPARATORS {
        if let Some((head, tail)) = title.rsplit_once(sep)
            && (is_site(tail) || tail.split_whitespace().count() <= 3)
            && head.split_whitespace().count() >= 2
        {
            return head.trim().to_owned();
        }
    }
    for sep in SEPARATORS.iter().chain(&[": "]) {
        if let Some((head, tail)) = title.split_once(sep)
            && is_site(head)
        {
            return tail.trim().to_owned();
        }
    }
    title.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(sources: &[(bool, &str)], site: Option<&str>) -> Option<String> {
        let c = Candidates::new(sources.iter().map(|(t, s)| (*t, Some((*s).to_owned()))));
        choose(&c, site)
    }

    #[test]
    fn sources_that_agree_win_over_a_more_trusted_loner() {
        let got = pick(
            &[
                (false, "Promo headline for sharing"),
                (false, "Bridge to close for repairs"),
                (true, "Bridge to close for repairs | The Quay Courier"),
            ],
            None,
        );
        assert_eq!(got.as_deref(), Some("Bridge to close for repairs"));
    }

    #[test]
    fn a_lone_title_loses_the_site_name() {
        assert_eq!(
            pick(&[(true, "Lorem ipsum dolor sit amet – My website")], None).as_deref(),
            Some("Lorem ipsum dolor sit amet")
        );
        assert_eq!(
            pick(
                &[(true, "The Paper: Storm closes the port")],
                Some("The Paper")
            )
            .as_deref(),
            Some("Storm closes the port")
        );
        assert_eq!(
            pick(
                &[(
                    true,
                    "Why the port matters - and what it means for the town"
                )],
                None
            )
            .as_deref(),
            Some("Why the port matters - and what it means for the town"),
            "a long tail is part of the headline"
        );
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            pick(&[(false, "It&#8217;s &#163;5 &amp;amp; more")], None).as_deref(),
            Some("It\u{2019}s £5 & more")
        );
    }
}

//! robots.txt: the rules for one user agent, read the way the Robots Exclusion
//! Protocol (RFC 9309) says: the group naming our product token, else `*`;
//! the longest matching `Allow`/`Disallow` path wins, `Allow` on a tie; `*`
//! and `$` wildcards; `Crawl-delay` (not in the RFC, widely used) honoured.

use std::time::Duration;

/// A group of robots.txt: its user agents, rules and crawl delay.
type Group = (Vec<String>, Vec<(bool, String)>, Option<Duration>);

/// The rules that apply to redline on one host.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    rules: Vec<(bool, String)>,
    pub crawl_delay: Option<Duration>,
}

impl Robots {
    /// Parses robots.txt for the product token `agent` (e.g. `redline`).
    pub fn parse(text: &str, agent: &str) -> Robots {
        let agent = agent.to_ascii_lowercase();
        let mut groups: Vec<Group> = Vec::new();
        let mut in_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push((Vec::new(), Vec::new(), None));
                    }
                    in_agents = true;
                    if let Some(g) = groups.last_mut() {
                        g.0.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut()
                        && !value.is_empty()
                    {
                        g.1.push((key == "allow", value.to_owned()));
                    }
                }
                "crawl-delay" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut() {
                        g.2 = value
                            .parse::<f64>()
                            .ok()
                            .filter(|d| *d >= 0.0 && *d < 3600.0)
                            .map(Duration::from_secs_f64);
                    }
                }
                _ => in_agents = false,
            }
        }
        let ours = groups
            .iter()
            .find(|g| {
                g.0.iter()
                    .any(|a| a != "*" && agent.starts_with(a.as_str()))
            })
            .or_else(|| groups.iter().find(|g| g.0.iter().any(|a| a == "*")));
        match ours {
            Some((_, rules, delay)) => Robots {
                rules: rules.clone(),
                crawl_delay: *delay,
            },
            None => Robots::default(),
        }
    }

    /// May `path` (with its query) be fetched?
    pub fn allows(&self, path: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, path) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// A robots.txt path pattern: a prefix, with `*` for any run and a final `$`
/// for the end.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut at = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(part) {
                return false;
            }
            at = part.len();
            continue;
        }
        match path[at..].find(part) {
            Some(found) => at += found + part.len(),
            None => return false,
        }
    }
    if anchored {
        // The last part must end the path.
        let last = parts.last().copied().unwrap_or("");
        return parts.len() > 1 && path.ends_with(last) || at == path.len();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "User-agent: *\nDisallow: /private/\nCrawl-delay: 5\n\n\
                       User-agent: redline\nUser-agent: otherbot\nDisallow: /news/drafts\nAllow: /news/drafts/public\nDisallow: /*.pdf$\nCrawl-delay: 1.5\n";

    #[test]
    fn our_group_wins_and_longest_match_decides() {
        let r = Robots::parse(TXT, "redline");
        assert_eq!(r.crawl_delay, Some(Duration::from_millis(1500)));
        assert!(r.allows("/private/x"), "our group does not disallow it");
        assert!(!r.allows("/news/drafts/one"));
        assert!(r.allows("/news/drafts/public/one"));
        assert!(!r.allows("/files/report.pdf"));
        assert!(r.allows("/files/report.pdf?x=1"));
        let other = Robots::parse(TXT, "somebot");
        assert!(!other.allows("/private/x"));
        assert_eq!(other.crawl_delay, Some(Duration::from_secs(5)));
    }

    #[test]
    fn empty_or_broken_files_allow_everything() {
        assert!(Robots::parse("", "redline").allows("/anything"));
        assert!(Robots::parse("garbage\n:::\nDisallow", "redline").allows("/x"));
        assert!(!Robots::parse("User-agent: *\nDisallow: /", "redline").allows("/x"));
    }
}

//! Extraction rules for one site: what the config file's `[sites."host"]`
//! and `track --selector` say, checked, and found for a host.
//!
//! Plain data and lookups; extraction itself is in the module above.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ExtractError, selector};

/// Extraction rules for one site (from the config file, or `--selector`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteRule {
    /// CSS selector of the body container(s); replaces the generic extractor.
    pub select: Option<String>,
    /// CSS selectors of elements to drop from the body.
    #[serde(default)]
    pub remove: Vec<String>,
    /// CSS selector of the headline.
    pub title: Option<String>,
}

/// Checks that every selector of a rule parses.
pub fn validate_rule(rule: &SiteRule) -> Result<(), ExtractError> {
    for css in rule.select.iter().chain(&rule.remove).chain(&rule.title) {
        selector(css)?;
    }
    Ok(())
}

/// The rule for `host` among `sites`: an exact match, else the longest parent
/// domain.
pub fn rule_for<'a, T>(sites: &'a BTreeMap<String, T>, host: &str) -> Option<&'a T> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    sites
        .iter()
        .filter(|(h, _)| {
            let h = h.to_ascii_lowercase();
            host == h || host.ends_with(&format!(".{h}"))
        })
        .max_by_key(|(h, _)| h.len())
        .map(|(_, r)| r)
}

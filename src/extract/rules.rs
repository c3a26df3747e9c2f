//! Extraction rules for one site: what the config file's `[sites."host"]`
//! and `track --selector` say, checked, and found for a host.
//!
//! Plain data and lookups; extraction itself is in the module above.

use serde::{Deserialize, Serialize};

pub use crate::hosts::for_host as rule_for;

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

//! Tables keyed by host (site rules, credentials, request settings): the
//! entry for a host is an exact match, else its longest configured parent
//! domain (`example.com` covers `www.example.com`).

use std::collections::BTreeMap;

/// The entry for `host` among `sites`: an exact match, else the longest
/// parent domain.
pub fn for_host<'a, T>(sites: &'a BTreeMap<String, T>, host: &str) -> Option<&'a T> {
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

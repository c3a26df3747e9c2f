//! Per-site request settings from the config file's `[sites."host"]`: extra
//! headers (secret ones read from the environment), a browser's exported
//! cookies (Netscape `cookies.txt`) for subscriber access, a User-Agent and a
//! proxy. Secret values never reach the evidence: the request headers stored
//! with a revision show them as `[redacted]`.
//!
//! Must not: decide anything about politeness or retries (the fetcher does).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a site's requests carry, as resolved when the config loads.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SiteRequest {
    /// `(name, value, secret)`: secret values come from the environment and
    /// are never stored or shown.
    pub headers: Vec<(String, String, bool)>,
    pub cookies: Vec<Cookie>,
    /// The file the cookies came from (shown by `config show`).
    pub cookie_file: Option<PathBuf>,
    pub user_agent: Option<String>,
    /// An `http://` or `https://` proxy for this site's requests.
    pub proxy: Option<String>,
}

impl std::fmt::Debug for SiteRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(n, v, secret)| format!("{n}: {}", if *secret { "[redacted]" } else { v }))
            .collect();
        f.debug_struct("SiteRequest")
            .field("headers", &headers)
            .field("cookies", &self.cookies.len())
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy.as_deref().map(crate::fetch::redact))
            .finish()
    }
}

/// One cookie of a `cookies.txt` file.
#[derive(Clone, PartialEq, Eq)]
pub struct Cookie {
    /// Without a leading dot.
    pub domain: String,
    pub subdomains: bool,
    pub path: String,
    pub secure: bool,
    /// Unix seconds; 0 for a session cookie.
    pub expires: i64,
    pub name: String,
    pub value: String,
}

impl std::fmt::Debug for Cookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}=[redacted] ({}{})", self.name, self.domain, self.path)
    }
}

impl SiteRequest {
    /// Reads the request keys of a `[sites."host"]` table: `headers`,
    /// `header_env` (header name → environment variable), `cookies` (a path,
    /// relative to the config file's folder), `user_agent`, `proxy`.
    pub fn resolve(
        headers: &BTreeMap<String, String>,
        header_env: &BTreeMap<String, String>,
        cookies: Option<&Path>,
        user_agent: Option<&str>,
        proxy: Option<&str>,
        base: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<SiteRequest, String> {
        let mut out = SiteRequest::default();
        for (name, value) in headers {
            check_header(name, value)?;
            out.headers.push((name.clone(), value.clone(), false));
        }
        for (name, var) in header_env {
            let value = env(var).filter(|v| !v.is_empty()).ok_or_else(|| {
                format!("header {name}: the variable {var} named by header_env is not set")
            })?;
            check_header(name, &value).map_err(|_| {
                format!("header {name}: the value of {var} cannot be sent in a header")
            })?;
            out.headers.push((name.clone(), value, true));
        }
        if let Some(ua) = user_agent {
            check_header("User-Agent", ua)?;
            out.user_agent = Some(ua.to_owned());
        }
        if let Some(p) = proxy {
            reqwest::Proxy::all(p).map_err(|_| format!("proxy {p:?} is not a proxy URL"))?;
            let scheme = p.split("://").next().unwrap_or("");
            if !matches!(scheme, "http" | "https") {
                return Err(format!("proxy {p:?}: give an http:// or https:// URL"));
            }
            out.proxy = Some(p.to_owned());
        }
        if let Some(file) = cookies {
            let path = base.join(file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read the cookie file {}: {e}", path.display()))?;
            out.cookies = parse_cookies(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            out.cookie_file = Some(path);
        }
        Ok(out)
    }

    /// The `Cookie` header for `url` at `now` (Unix seconds), if any cookie
    /// applies: domain, path, `secure` and expiry as a browser checks them.
    pub fn cookie_header(&self, url: &url::Url, now: i64) -> Option<String> {
        let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        let https = url.scheme() == "https";
        let path = url.path();
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .filter(|c| {
                let domain_ok =
                    host == c.domain || (c.subdomains && host.ends_with(&format!(".{}", c.domain)));
                let path_ok = path.starts_with(&c.path)
                    && (c.path.ends_with('/')
                        || path.len() == c.path.len()
                        || path.as_bytes().get(c.path.len()) == Some(&b'/'));
                domain_ok && path_ok && (https || !c.secure) && (c.expires == 0 || c.expires > now)
            })
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }
}

fn check_header(name: &str, value: &str) -> Result<(), String> {
    reqwest::header::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("{name:?} is not a header name"))?;
    reqwest::header::HeaderValue::from_str(value)
        .map_err(|_| format!("header {name}: the value cannot be sent in a header"))?;
    Ok(())
}

/// Reads a Netscape `cookies.txt` (what browsers and their extensions
/// export): seven tab-separated fields per line; `#` lines are comments
/// except `#HttpOnly_` ones. A bad line is named by its number.
pub fn parse_cookies(text: &str) -> Result<Vec<Cookie>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let line = match line.strip_prefix("#HttpOnly_") {
            Some(rest) => rest,
            None if line.starts_with('#') || line.trim().is_empty() => continue,
            None => line,
        };
        let f: Vec<&str> = line.split('\t').collect();
        let bad = |why: &str| format!("line {}: {why}", i + 1);
        if f.len() != 7 {
            return Err(bad(&format!(
                "{} fields, not the 7 of cookies.txt (domain, subdomains, path, secure, expiry, name, value; tab-separated)",
                f.len()
            )));
        }
        let flag = |s: &str| match s {
            "TRUE" => Ok(true),
            "FALSE" => Ok(false),
            other => Err(bad(&format!("{other:?} is not TRUE or FALSE"))),
        };
        let domain = f[0].trim_start_matches('.').to_ascii_lowercase();
        if domain.is_empty() {
            return Err(bad("no domain"));
        }
        out.push(Cookie {
            subdomains: flag(f[1])? || f[0].starts_with('.'),
            domain,
            path: if f[2].is_empty() {
                "/".into()
            } else {
                f[2].to_owned()
            },
            secure: flag(f[3])?,
            expires: f[4]
                .parse()
                .map_err(|_| bad(&format!("expiry {:?} is not a number", f[4])))?,
            name: f[5].to_owned(),
            value: f[6].to_owned(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JAR: &str = "# Netscape HTTP Cookie File\n\
        .news.example\tTRUE\t/\tFALSE\t0\tsession\tabc\n\
        #HttpOnly_news.example\tFALSE\t/\tTRUE\t4102444800\tsubscriber\tyes\n\
        news.example\tFALSE\t/archive\tFALSE\t4102444800\tarchive\t1\n\
        news.example\tFALSE\t/\tFALSE\t1000\told\tgone\n\
        other.example\tTRUE\t/\tFALSE\t0\telsewhere\tno\n";

    fn at(url: &str) -> Option<String> {
        let site = SiteRequest {
            cookies: parse_cookies(JAR).unwrap(),
            ..SiteRequest::default()
        };
        site.cookie_header(&url::Url::parse(url).unwrap(), 1_800_000_000)
    }

    #[test]
    fn cookies_apply_as_a_browser_applies_them() {
        assert_eq!(at("http://news.example/a").as_deref(), Some("session=abc"));
        assert_eq!(
            at("https://news.example/archive/1").as_deref(),
            Some("session=abc; subscriber=yes; archive=1")
        );
        assert_eq!(
            at("https://www.news.example/a").as_deref(),
            Some("session=abc")
        );
        assert_eq!(
            at("https://news.example/archived").as_deref(),
            Some("session=abc; subscriber=yes")
        );
        assert_eq!(at("https://third.example/"), None);
    }

    #[test]
    fn a_bad_cookie_line_is_named() {
        let e = parse_cookies("news.example\tTRUE\t/\n").unwrap_err();
        assert!(e.starts_with("line 1: 3 fields"), "{e}");
        let e = parse_cookies("# c\nnews.example\tYES\t/\tFALSE\t0\ta\tb\n").unwrap_err();
        assert!(e.starts_with("line 2: \"YES\""), "{e}");
    }

    #[test]
    fn secret_headers_come_from_the_environment_and_bad_ones_are_refused() {
        let env = |k: &str| (k == "TOKEN").then(|| "t0k".to_owned());
        let headers = BTreeMap::from([("X-Desk".to_owned(), "news".to_owned())]);
        let secret = BTreeMap::from([("Authorization".to_owned(), "TOKEN".to_owned())]);
        let s = SiteRequest::resolve(
            &headers,
            &secret,
            None,
            Some("Mozilla/5.0"),
            None,
            Path::new("."),
            &env,
        )
        .unwrap();
        assert_eq!(s.headers[1], ("Authorization".into(), "t0k".into(), true));
        assert!(!format!("{s:?}").contains("t0k"));
        let missing = BTreeMap::from([("X-Key".to_owned(), "UNSET".to_owned())]);
        let e = SiteRequest::resolve(
            &BTreeMap::new(),
            &missing,
            None,
            None,
            None,
            Path::new("."),
            &env,
        )
        .unwrap_err();
        assert!(e.contains("UNSET"), "{e}");
        let bad = BTreeMap::from([("Bad Name".to_owned(), "x".to_owned())]);
        assert!(
            SiteRequest::resolve(
                &bad,
                &BTreeMap::new(),
                None,
                None,
                None,
                Path::new("."),
                &env
            )
            .is_err()
        );
        let e = SiteRequest::resolve(
            &BTreeMap::new(),
            &BTreeMap::new(),
            None,
            None,
            Some("ftp://x"),
            Path::new("."),
            &env,
        )
        .unwrap_err();
        assert!(e.contains("proxy"), "{e}");
    }
}

//! Configuration: embedded defaults, then the user's file, then `REDLINE_*`
//! environment variables, then flags — each layer overriding the one before.
//!
//! The file is TOML, found at `--config PATH`, else `REDLINE_CONFIG`, else
//! `$XDG_CONFIG_HOME/redline/config.toml` (`~/.config/redline/config.toml`).
//! Unknown keys are errors naming the file and line. redline never writes a
//! config file. Must not: open the store or fetch; the values it holds are
//! handed to the layers that use them.
//!
//! ```toml
//! [fetch]
//! timeout = 30                      # seconds for one page
//! contact = "mailto:desk@example.com"   # added to the User-Agent
//! concurrency = 16                  # requests in flight over all hosts
//! host_concurrency = 1              # requests in flight to one host
//! host_delay = 2                    # seconds between requests to one host
//! extract_budget = 10               # seconds allowed to extract one page
//! retries = 2                       # retries of timeouts, 429 and 5xx
//! robots = true                     # honour robots.txt
//!
//! [schedule]                        # the adaptive pace of articles
//! initial = "20m"                   # gap after a change (and at first)
//! factor = 1.5                      # gap = (factor − 1) × time quiet; failures ×factor
//! max = "1d"                        # the longest gap
//! retire_after = "21d"              # quiet this long: stop checking
//!
//! [credentials."example.com"]       # HTTP Basic for this site (and subdomains)
//! user = "desk"
//! password_env = "EXAMPLE_PASSWORD"  # or password = "…"
//!
//! [sites."example.com"]             # also matches www.example.com etc.
//! select = "div.article-body"       # the body container
//! remove = [".promo", ".inline-related"]
//! title = "h1.headline"
//! headers = { "Accept-Language" = "en-GB" }
//! header_env = { "Authorization" = "EXAMPLE_TOKEN" }  # value from the environment
//! cookies = "cookies.txt"           # Netscape format, beside this file
//! user_agent = "Mozilla/5.0 (…)"
//! proxy = "http://proxy.internal:3128"
//!
//! [[hooks]]                         # see `notify` for every key
//! command = ["notify-desk"]         # the revision's JSON on stdin
//! classes = ["headline", "substantive"]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::schedule::Setting;
use thiserror::Error;

use crate::extract::{SiteRule, validate_rule};

/// Where a value came from, for `redline config show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Env(&'static str),
    Flag(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => write!(f, "default"),
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Env(v) => write!(f, "env {v}"),
            Source::Flag(n) => write!(f, "flag {n}"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    fn default(value: T) -> Self {
        Sourced {
            value,
            source: Source::Default,
        }
    }

    fn set(&mut self, value: T, source: Source) {
        self.value = value;
        self.source = source;
    }
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// Seconds for one page fetch.
    pub timeout: Sourced<u64>,
    /// A contact (URL or mailto:) added to the User-Agent.
    pub contact: Sourced<Option<String>>,
    /// Requests in flight at once, over all hosts.
    pub concurrency: Sourced<usize>,
    /// Requests in flight at once to one host.
    pub host_concurrency: Sourced<usize>,
    /// Seconds between two requests to one host.
    pub host_delay: Sourced<f64>,
    /// Retries of a transient failure.
    pub retries: Sourced<u32>,
    /// Honour robots.txt.
    pub robots: Sourced<bool>,
    /// Seconds allowed to extract one page; past it the check fails.
    pub extract_budget: Sourced<f64>,
    /// Extraction rules by host.
    pub sites: BTreeMap<String, SiteRule>,
    /// Request settings by host (headers, cookies, User-Agent, proxy).
    pub requests: BTreeMap<String, crate::fetch::site::SiteRequest>,
    /// Credentials by host (a parent domain covers its subdomains).
    pub credentials: BTreeMap<String, crate::fetch::Credentials>,
    /// Notification hooks, run when a revision is recorded.
    pub hooks: Vec<crate::notify::Hook>,
    /// The adaptive schedule.
    pub schedule: Sourced<crate::schedule::Policy>,
    /// Times shown to a person in UTC rather than local time.
    pub utc: Sourced<bool>,
    /// `serve --allow-writes` may track URLs of hosts inside the network.
    pub serve_private: Sourced<bool>,
}

/// Why the configuration could not be read.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read the config file {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {}: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("config file {}: site {host:?}: {message}", path.display())]
    Rule {
        path: PathBuf,
        host: String,
        message: String,
    },
    #[error("{var}={value:?} is not valid: {why}")]
    Env {
        var: &'static str,
        value: String,
        why: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    fetch: FetchFile,
    #[serde(default)]
    sites: BTreeMap<String, SiteFile>,
    #[serde(default)]
    credentials: BTreeMap<String, crate::fetch::Credentials>,
    #[serde(default)]
    hooks: Vec<crate::notify::Hook>,
    #[serde(default)]
    schedule: ScheduleFile,
    #[serde(default)]
    display: DisplayFile,
    #[serde(default)]
    serve: ServeFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServeFile {
    allow_private_addresses: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisplayFile {
    utc: Option<bool>,
}

/// A `[sites."host"]` table: extraction rules and request settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    select: Option<String>,
    #[serde(default)]
    remove: Vec<String>,
    title: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    header_env: BTreeMap<String, String>,
    cookies: Option<PathBuf>,
    user_agent: Option<String>,
    proxy: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleFile {
    initial: Option<Setting>,
    factor: Option<f64>,
    max: Option<Setting>,
    retire_after: Option<Setting>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FetchFile {
    timeout: Option<Setting>,
    contact: Option<String>,
    concurrency: Option<usize>,
    host_concurrency: Option<usize>,
    host_delay: Option<Setting>,
    retries: Option<u32>,
    robots: Option<bool>,
    extract_budget: Option<Setting>,
}

/// What the command line said about configuration.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--config PATH`.
    pub path: Option<PathBuf>,
    /// `--timeout SECS`.
    pub timeout: Option<u64>,
    /// `--concurrency N`.
    pub concurrency: Option<usize>,
    /// `--host-concurrency N`.
    pub host_concurrency: Option<usize>,
    /// `--host-delay SECS`.
    pub host_delay: Option<f64>,
    /// `--utc`.
    pub utc: bool,
}

impl Config {
    /// Reads the layers: defaults, file, environment (from `env`), flags.
    pub fn load(
        flags: &Overrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut config = Config {
            file: None,
            timeout: Sourced::default(30),
            contact: Sourced::default(None),
            concurrency: Sourced::default(16),
            host_concurrency: Sourced::default(1),
            host_delay: Sourced::default(2.0),
            extract_budget: Sourced::default(10.0),
            retries: Sourced::default(2),
            robots: Sourced::default(true),
            sites: BTreeMap::new(),
            requests: BTreeMap::new(),
            credentials: BTreeMap::new(),
            hooks: Vec::new(),
            schedule: Sourced::default(crate::schedule::Policy::default()),
            utc: Sourced::default(false),
            serve_private: Sourced::default(false),
        };
        let (path, explicit) = match (&flags.path, env("REDLINE_CONFIG")) {
            (Some(p), _) => (Some(p.clone()), true),
            (None, Some(p)) if !p.is_empty() => (Some(PathBuf::from(p)), true),
            _ => (default_path(&env), false),
        };
        if let Some(path) = path
            && (explicit || path.exists())
        {
            config.read_file(&path, &env)?;
            for (host, c) in &mut config.credentials {
                if let Some(var) = &c.password_env {
                    let value = env(var).filter(|v| !v.is_empty()).ok_or_else(|| {
                        ConfigError::Parse {
                            path: path.clone(),
                            message: format!(
                                "credentials for {host}: the variable {var} named by password_env is not set"
                            ),
                        }
                    })?;
                    c.password = Some(value);
                }
            }
        }
        if let Some(v) = env("REDLINE_TIMEOUT").filter(|v| !v.is_empty()) {
            let secs = v
                .parse()
                .map_err(|e: std::num::ParseIntError| ConfigError::Env {
                    var: "REDLINE_TIMEOUT",
                    value: v.clone(),
                    why: e.to_string(),
                })?;
            config.timeout.set(secs, Source::Env("REDLINE_TIMEOUT"));
        }
        let num = |var: &'static str| -> Result<Option<f64>, ConfigError> {
            match env(var).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => v
                    .trim_end_matches('s')
                    .parse::<f64>()
                    .ok()
                    .filter(|n| *n >= 0.0)
                    .map(Some)
                    .ok_or(ConfigError::Env {
                        var,
                        value: v,
                        why: "not a non-negative number".into(),
                    }),
            }
        };
        if let Some(d) = num("REDLINE_HOST_DELAY")? {
            config.host_delay.set(d, Source::Env("REDLINE_HOST_DELAY"));
        }
        if let Some(b) = num("REDLINE_EXTRACT_BUDGET")? {
            config
                .extract_budget
                .set(b, Source::Env("REDLINE_EXTRACT_BUDGET"));
        }
        if let Some(r) = num("REDLINE_RETRIES")? {
            config.retries.set(r as u32, Source::Env("REDLINE_RETRIES"));
        }
        if let Some(secs) = flags.timeout {
            config.timeout.set(secs, Source::Flag("--timeout"));
        }
        if let Some(n) = flags.concurrency {
            config.concurrency.set(n, Source::Flag("--concurrency"));
        }
        if let Some(n) = flags.host_concurrency {
            config
                .host_concurrency
                .set(n, Source::Flag("--host-concurrency"));
        }
        if let Some(d) = flags.host_delay {
            config.host_delay.set(d, Source::Flag("--host-delay"));
        }
        if flags.utc {
            config.utc.set(true, Source::Flag("--utc"));
        }
        Ok(config)
    }

    fn read_file(
        &mut self,
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let file: FileConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: toml_message(&e.to_string()),
        })?;
        let mut sites = BTreeMap::new();
        let mut requests = BTreeMap::new();
        let base = path.parent().unwrap_or(Path::new("."));
        for (host, site) in &file.sites {
            let rule_error = |message: String| ConfigError::Rule {
                path: path.to_owned(),
                host: host.clone(),
                message,
            };
            let rule = SiteRule {
                select: site.select.clone(),
                remove: site.remove.clone(),
                title: site.title.clone(),
            };
            validate_rule(&rule).map_err(|e| rule_error(e.to_string()))?;
            if rule != SiteRule::default() {
                sites.insert(host.clone(), rule);
            }
            let request = crate::fetch::site::SiteRequest::resolve(
                &site.headers,
                &site.header_env,
                site.cookies.as_deref(),
                site.user_agent.as_deref(),
                site.proxy.as_deref(),
                base,
                env,
            )
            .map_err(rule_error)?;
            if request != crate::fetch::site::SiteRequest::default() {
                requests.insert(host.clone(), request);
            }
        }
        let classes = crate::diff::Class::names();
        for (i, hook) in file.hooks.iter().enumerate() {
            hook.validate(&classes)
                .map_err(|message| ConfigError::Parse {
                    path: path.to_owned(),
                    message: format!("hook {} ({}): {message}", i + 1, hook.label()),
                })?;
        }
        let source = Source::File(path.to_owned());
        if let Some(utc) = file.display.utc {
            self.utc.set(utc, source.clone());
        }
        if let Some(allow) = file.serve.allow_private_addresses {
            self.serve_private.set(allow, source.clone());
        }
        if let Some(Setting(t)) = file.fetch.timeout {
            // Whole seconds, at least one.
            self.timeout
                .set(t.as_secs_f64().ceil().max(1.0) as u64, source.clone());
        }
        if let Some(c) = file.fetch.contact {
            self.contact.set(Some(c), source.clone());
        }
        if let Some(n) = file.fetch.concurrency {
            self.concurrency.set(n, source.clone());
        }
        if let Some(n) = file.fetch.host_concurrency {
            self.host_concurrency.set(n, source.clone());
        }
        if let Some(Setting(b)) = file.fetch.extract_budget {
            self.extract_budget.set(b.as_secs_f64(), source.clone());
        }
        if let Some(Setting(d)) = file.fetch.host_delay {
            self.host_delay.set(d.as_secs_f64(), source.clone());
        }
        if let Some(r) = file.fetch.retries {
            self.retries.set(r, source.clone());
        }
        if let Some(r) = file.fetch.robots {
            self.robots.set(r, source.clone());
        }
        let s = &file.schedule;
        if s.initial.is_some() || s.factor.is_some() || s.max.is_some() || s.retire_after.is_some()
        {
            let mut policy = self.schedule.value;
            let duration = |key: &str, value: &Option<Setting>, min_secs: u64| {
                value
                    .map(|Setting(d)| {
                        (d.as_secs() >= min_secs)
                            .then_some(d)
                            .ok_or_else(|| ConfigError::Parse {
                                path: path.to_owned(),
                                message: format!(
                                    "[schedule] {key} = {} is shorter than {}",
                                    crate::schedule::format_duration(d),
                                    crate::schedule::format_duration(
                                        std::time::Duration::from_secs(min_secs)
                                    )
                                ),
                            })
                    })
                    .transpose()
            };
            if let Some(d) = duration("initial", &s.initial, 60)? {
                policy.initial = d;
            }
            if let Some(d) = duration("max", &s.max, 60)? {
                policy.max = d;
            }
            if let Some(d) = duration("retire_after", &s.retire_after, 3600)? {
                policy.retire_after = d;
            }
            if let Some(f) = s.factor {
                if !(1.0..=10.0).contains(&f) {
                    return Err(ConfigError::Parse {
                        path: path.to_owned(),
                        message: format!("[schedule] factor = {f} must be between 1 and 10"),
                    });
                }
                policy.factor = f;
            }
            if policy.max < policy.initial {
                return Err(ConfigError::Parse {
                    path: path.to_owned(),
                    message: "[schedule] max is shorter than initial".into(),
                });
            }
            self.schedule.set(policy, source.clone());
        }
        self.sites = sites;
        self.requests = requests;
        self.credentials = file.credentials;
        self.hooks = file.hooks;
        self.file = Some(path.to_owned());
        Ok(())
    }

    /// The site rule for a URL's host: an exact match, else the longest
    /// configured parent domain (`example.com` covers `www.example.com`).
    pub fn rule_for(&self, host: &str) -> Option<&SiteRule> {
        crate::extract::rule_for(&self.sites, host)
    }
}

/// `$XDG_CONFIG_HOME/redline/config.toml`, or `~/.config/redline/config.toml`.
/// The TOML library's message, kept on its lines (the caret under the
/// mistake), with a "did you mean" for a misspelt key.
fn toml_message(message: &str) -> String {
    let message = message.trim_end();
    let mut out = message
        .strip_prefix("TOML parse error at ")
        .unwrap_or(message)
        .to_owned();
    let unknown = message
        .split("unknown field `")
        .nth(1)
        .and_then(|rest| rest.split_once('`'));
    if let Some((key, rest)) = unknown {
        let expected = rest.split('`').skip(1).step_by(2);
        if let Some(best) = expected
            .map(|k| (strsim::damerau_levenshtein(key, k), k))
            .filter(|(d, k)| *d <= 2.max(k.len() / 3))
            .min()
        {
            out.push_str(&format!("\ndid you mean `{}`?", best.1));
        }
    }
    out
}

/// The config file looked for when none is named.
pub fn default_path(env: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let base = env("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("redline").join("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_from(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn layers_override_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[fetch]\ntimeout = 12\ncontact = \"mailto:a@b\"\n").unwrap();
        let flags = Overrides {
            path: Some(path.clone()),
            ..Overrides::default()
        };
        let c = Config::load(&flags, env_from(&[])).unwrap();
        assert_eq!(c.timeout.value, 12);
        assert_eq!(c.timeout.source, Source::File(path.clone()));
        assert_eq!(c.contact.value.as_deref(), Some("mailto:a@b"));
        let c = Config::load(&flags, env_from(&[("REDLINE_TIMEOUT", "7")])).unwrap();
        assert_eq!(
            (c.timeout.value, c.timeout.source),
            (7, Source::Env("REDLINE_TIMEOUT"))
        );
        let flags = Overrides {
            timeout: Some(3),
            ..flags
        };
        let c = Config::load(&flags, env_from(&[("REDLINE_TIMEOUT", "7")])).unwrap();
        assert_eq!(
            (c.timeout.value, c.timeout.source),
            (3, Source::Flag("--timeout"))
        );
    }

    #[test]
    fn unknown_keys_and_bad_selectors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[sites.\"example.com\"]\nselct = \"div\"\n").unwrap();
        let flags = Overrides {
            path: Some(path.clone()),
            ..Overrides::default()
        };
        let e = Config::load(&flags, env_from(&[])).unwrap_err().to_string();
        assert!(
            e.contains("c.toml") && e.contains("selct") && e.contains("line 2"),
            "{e}"
        );
        std::fs::write(&path, "[sites.\"example.com\"]\nselect = \"div[\"\n").unwrap();
        let e = Config::load(&flags, env_from(&[])).unwrap_err().to_string();
        assert!(
            e.contains("example.com") && e.contains("invalid CSS selector"),
            "{e}"
        );
    }

    #[test]
    fn missing_default_file_is_fine_but_a_named_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap();
        assert!(Config::load(&Overrides::default(), env_from(&[("HOME", home)])).is_ok());
        let named = env_from(&[("REDLINE_CONFIG", "/nonexistent/redline.toml")]);
        assert!(matches!(
            Config::load(&Overrides::default(), named),
            Err(ConfigError::Read { .. })
        ));
    }

    #[test]
    fn rules_match_hosts_and_subdomains() {
        let mut c = Config::load(&Overrides::default(), env_from(&[])).unwrap();
        let rule = |s: &str| SiteRule {
            select: Some(s.into()),
            ..SiteRule::default()
        };
        c.sites.insert("example.com".into(), rule("a"));
        c.sites.insert("news.example.com".into(), rule("b"));
        assert_eq!(
            c.rule_for("www.example.com").unwrap().select.as_deref(),
            Some("a")
        );
        assert_eq!(
            c.rule_for("news.example.com").unwrap().select.as_deref(),
            Some("b")
        );
        assert!(c.rule_for("notexample.com").is_none());
    }
}

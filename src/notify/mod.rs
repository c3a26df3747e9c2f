//! Notification hooks: when a revision of a chosen class is recorded, run a
//! command (the revision's JSON on its stdin, never interpolated into a shell
//! line) or POST the JSON to a webhook. Deliveries run beside the pass, are
//! retried with back-off, and end up recorded (delivered or failed) for
//! `status`.
//!
//! Must not: touch the store (the caller records each [`Delivery`]) or know
//! of the tracker; a hook's failure never fails a pass.
//!
//! ```toml
//! [[hooks]]
//! name = "desk"                          # shown in status (default: the command or URL)
//! command = ["notify-desk", "--urgent"]  # argv; the JSON arrives on stdin
//! classes = ["headline", "substantive"]  # only these (default: any change)
//!
//! [[hooks]]
//! webhook = "https://example.org/hooks/redline"
//! retries = 3                            # after the first attempt (default 2)
//! timeout = 10                           # seconds per attempt (default 10)
//! backoff = 1.0                          # seconds before the first retry, doubling (default 1)
//! first = true                           # also on an article's first version (default false)
//! ```
//!
//! The JSON is the revision's record as `redline export --format jsonl`
//! writes it (`"type": "revision"`, every field, classes, counts, the diff).

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tokio::task::JoinSet;

use crate::clock::{Clock, rfc3339};

/// One configured hook.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Hook {
    pub name: Option<String>,
    pub command: Option<Vec<String>>,
    pub webhook: Option<String>,
    #[serde(default)]
    pub classes: Vec<String>,
    #[serde(default)]
    pub first: bool,
    pub retries: Option<u32>,
    pub timeout: Option<u64>,
    pub backoff: Option<f64>,
}

impl Hook {
    /// Checks a hook as read from the config file.
    pub fn validate(&self, known_classes: &[&str]) -> Result<(), String> {
        match (&self.command, &self.webhook) {
            (Some(_), Some(_)) => return Err("give command or webhook, not both".into()),
            (None, None) => return Err("give a command or a webhook".into()),
            (Some(argv), None) if argv.is_empty() || argv[0].is_empty() => {
                return Err("command is empty: give [\"program\", \"arg\", …]".into());
            }
            (None, Some(url)) => match url::Url::parse(url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => return Err(format!("webhook {url:?} is not an http(s) URL")),
            },
            _ => {}
        }
        if let Some(bad) = self
            .classes
            .iter()
            .find(|c| !known_classes.contains(&c.as_str()))
        {
            return Err(format!(
                "{bad:?} is not a change class (one of: {})",
                known_classes.join(", ")
            ));
        }
        Ok(())
    }

    /// The name shown in `status`.
    pub fn label(&self) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        match (&self.command, &self.webhook) {
            (Some(argv), _) => argv.join(" "),
            (_, Some(url)) => url.clone(),
            _ => "hook".into(),
        }
    }

    /// Whether a revision with these classes (and number) calls this hook.
    pub fn wants(&self, rev: i64, classes: &[crate::diff::Class]) -> bool {
        if rev == 1 {
            return self.first;
        }
        self.classes.is_empty()
            || classes
                .iter()
                .any(|c| self.classes.iter().any(|h| h == c.as_str()))
    }
}

pub use crate::model::delivery::Delivery;

/// Runs hooks in the background of a pass.
pub struct Notifier {
    hooks: Arc<Vec<Hook>>,
    clock: Clock,
    client: Option<reqwest::Client>,
    tasks: JoinSet<Delivery>,
}

impl Notifier {
    pub fn new(hooks: Arc<Vec<Hook>>, clock: Clock) -> Self {
        Notifier {
            hooks,
            clock,
            client: None,
            tasks: JoinSet::new(),
        }
    }

    /// Whether any hook would run for such a revision (so the caller can skip
    /// building the payload).
    pub fn wanted(&self, rev: i64, classes: &[crate::diff::Class]) -> bool {
        self.hooks.iter().any(|h| h.wants(rev, classes))
    }

    /// Starts the deliveries a revision calls for. Must be called inside a
    /// tokio runtime.
    pub fn notify(
        &mut self,
        revision_id: i64,
        rev: i64,
        classes: &[crate::diff::Class],
        payload: Vec<u8>,
    ) {
        let payload = Arc::new(payload);
        for hook in self.hooks.iter().filter(|h| h.wants(rev, classes)) {
            let client = if hook.webhook.is_some() {
                Some(
                    self.client
                        .get_or_insert_with(|| {
                            reqwest::Client::builder()
                                .user_agent(concat!("redline/", env!("CARGO_PKG_VERSION")))
                                .build()
                                .unwrap_or_default()
                        })
                        .clone(),
                )
            } else {
                None
            };
            let hook = hook.clone();
            let payload = payload.clone();
            let clock = self.clock;
            self.tasks.spawn(async move {
                deliver(&hook, client.as_ref(), &payload, revision_id, clock).await
            });
        }
    }

    /// The deliveries that have finished so far, without waiting.
    pub fn finished(&mut self) -> Vec<Delivery> {
        std::iter::from_fn(|| self.tasks.try_join_next())
            .filter_map(delivered)
            .collect()
    }

    /// Waits for every delivery started and returns their outcomes.
    pub async fn settle(&mut self) -> Vec<Delivery> {
        let mut done = Vec::new();
        while let Some(joined) = self.tasks.join_next().await {
            done.extend(delivered(joined));
        }
        done
    }
}

/// A finished delivery task's outcome (a panic in it is passed on).
fn delivered(joined: Result<Delivery, tokio::task::JoinError>) -> Option<Delivery> {
    match joined {
        Ok(d) => Some(d),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => None,
    }
}

async fn deliver(
    hook: &Hook,
    client: Option<&reqwest::Client>,
    payload: &[u8],
    revision_id: i64,
    clock: Clock,
) -> Delivery {
    let retries = hook.retries.unwrap_or(2);
    let timeout = Duration::from_secs(hook.timeout.unwrap_or(10).max(1));
    let backoff = Duration::from_secs_f64(hook.backoff.unwrap_or(1.0).clamp(0.0, 600.0));
    let attempted_at = rfc3339(clock.now());
    let mut attempts = 0;
    let mut error = None;
    while attempts <= retries {
        if attempts > 0 {
            tokio::time::sleep(backoff * 2u32.saturating_pow(attempts - 1)).await;
        }
        attempts += 1;
        let result = match (&hook.command, &hook.webhook, client) {
            (Some(argv), _, _) => run(argv, payload, timeout).await,
            (_, Some(url), Some(client)) => post(client, url, payload, timeout).await,
            _ => Err("the hook has neither a command nor a webhook".into()),
        };
        match result {
            Ok(()) => {
                error = None;
                break;
            }
            Err(e) => {
                tracing::debug!(hook = hook.label(), attempts, "hook failed: {e}");
                error = Some(e);
            }
        }
    }
    Delivery {
        revision_id,
        hook: hook.label(),
        attempted_at,
        attempts,
        ok: error.is_none(),
        error,
    }
}

async fn run(argv: &[String], payload: &[u8], timeout: Duration) -> Result<(), String> {
    let mut child = tokio::process::Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", argv[0]))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let work = async {
        // A command that exits without reading its input is not a failure.
        let _ = stdin.write_all(payload).await;
        drop(stdin);
        child.wait_with_output().await
    };
    let out = tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| format!("{} did not finish in {}s", argv[0], timeout.as_secs()))?
        .map_err(|e| format!("{}: {e}", argv[0]))?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or("").trim();
        Err(format!(
            "{} exited with {}{}",
            argv[0],
            out.status,
            if first.is_empty() {
                String::new()
            } else {
                format!(": {first}")
            }
        ))
    }
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    payload: &[u8],
    timeout: Duration,
) -> Result<(), String> {
    let resp = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(payload.to_vec())
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| format!("{url}: {}", crate::errors::one_line(&e)))?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(format!("{url}: HTTP {}", resp.status().as_u16()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hooks_choose_revisions_by_class() {
        let h = Hook {
            command: Some(vec!["true".into()]),
            classes: vec!["headline".into()],
            ..Hook::default()
        };
        use crate::diff::Class;
        assert!(h.wants(3, &[Class::Headline, Class::Dates]));
        assert!(!h.wants(3, &[Class::Typo]));
        assert!(!h.wants(1, &[]), "first versions only when asked");
        let any = Hook {
            webhook: Some("http://127.0.0.1:1/x".into()),
            first: true,
            ..Hook::default()
        };
        assert!(any.wants(1, &[]) && any.wants(2, &[Class::Typo]));
    }

    #[test]
    fn bad_hooks_are_refused_with_a_reason() {
        let classes = ["headline", "typo"];
        let both = Hook {
            command: Some(vec!["x".into()]),
            webhook: Some("http://x/".into()),
            ..Hook::default()
        };
        assert!(both.validate(&classes).unwrap_err().contains("not both"));
        assert!(Hook::default().validate(&classes).is_err());
        let ftp = Hook {
            webhook: Some("ftp://x/".into()),
            ..Hook::default()
        };
        assert!(ftp.validate(&classes).unwrap_err().contains("http"));
        let class = Hook {
            command: Some(vec!["x".into()]),
            classes: vec!["gossip".into()],
            ..Hook::default()
        };
        assert!(class.validate(&classes).unwrap_err().contains("gossip"));
    }
}

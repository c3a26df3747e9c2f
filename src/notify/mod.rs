//! Notification hooks: when a revision of a chosen class is recorded, tell
//! someone. A preset speaks a service's protocol with a message people read
//! (outlet and headline, what changed in one line, the changed sentences old
//! and new, the link, the capture time): Slack, Discord, Matrix, ntfy and
//! e-mail. A `command` gets the revision's JSON on its stdin (never
//! interpolated into a shell line); a `webhook` is POSTed that JSON.
//! Deliveries run beside the pass, are retried with back-off, and end up
//! recorded (delivered or failed) for `status`.
//!
//! Must not: touch the store (the caller records each [`Delivery`]) or know
//! of the tracker; a hook's failure never fails a pass. Secrets (tokens,
//! passwords, webhook URLs that are secrets) come from the environment by
//! name (`token_env`, `password_env`, `url_env`), never from the file.
//!
//! ```toml
//! [[hooks]]
//! kind = "slack"                         # or "discord": an incoming webhook
//! url_env = "REDLINE_SLACK_URL"          # or url = "https://hooks.slack.com/…"
//! classes = ["headline", "substantive"]  # only these (default: any change)
//!
//! [[hooks]]
//! kind = "matrix"
//! homeserver = "https://matrix.example.org"
//! room = "!newsdesk:example.org"
//! token_env = "REDLINE_MATRIX_TOKEN"
//!
//! [[hooks]]
//! kind = "ntfy"
//! url = "https://ntfy.sh/our-desk"       # server and topic; token_env for auth
//!
//! [[hooks]]
//! kind = "email"
//! smtp = "smtp://mail.example.org:587"   # STARTTLS; smtps://…:465 for TLS
//! from = "redline <redline@example.org>"
//! to = ["desk@example.org"]
//! user = "redline"
//! password_env = "REDLINE_SMTP_PASSWORD"
//!
//! [[hooks]]
//! name = "desk"                          # shown in status (default: the command or URL)
//! command = ["notify-desk", "--urgent"]  # argv; the JSON arrives on stdin
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

pub mod message;
mod send;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tokio::task::JoinSet;

use crate::clock::{Clock, rfc3339};
use message::Message;

/// What a hook speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A program fed the revision's JSON on stdin.
    Command,
    /// The revision's JSON POSTed to a URL.
    Webhook,
    /// A Slack incoming webhook.
    Slack,
    /// A Discord webhook.
    Discord,
    /// A Matrix room, over the client-server API.
    Matrix,
    /// An ntfy topic.
    Ntfy,
    /// E-mail over SMTP.
    Email,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Command => "command",
            Kind::Webhook => "webhook",
            Kind::Slack => "slack",
            Kind::Discord => "discord",
            Kind::Matrix => "matrix",
            Kind::Ntfy => "ntfy",
            Kind::Email => "email",
        }
    }
}

/// One configured hook.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Hook {
    pub name: Option<String>,
    /// Default: `command` when a command is given, `webhook` when a webhook.
    pub kind: Option<Kind>,
    pub command: Option<Vec<String>>,
    pub webhook: Option<String>,
    /// The Slack, Discord or ntfy URL (or the webhook's).
    pub url: Option<String>,
    /// The environment variable holding the URL instead (it is a secret).
    pub url_env: Option<String>,
    /// Matrix: the homeserver's base URL and the room id or alias.
    pub homeserver: Option<String>,
    pub room: Option<String>,
    /// Matrix, ntfy: the environment variable holding the access token.
    pub token_env: Option<String>,
    /// E-mail: `smtp://host[:587]` (STARTTLS) or `smtps://host[:465]` (TLS).
    pub smtp: Option<String>,
    pub from: Option<String>,
    #[serde(default)]
    pub to: Vec<String>,
    pub user: Option<String>,
    pub password_env: Option<String>,
    /// E-mail: `"none"` for a local relay without TLS (no password then).
    pub tls: Option<String>,
    /// E-mail: a PEM file of an extra root certificate (a private server).
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub classes: Vec<String>,
    #[serde(default)]
    pub first: bool,
    pub retries: Option<u32>,
    /// Per attempt (default 10 s): seconds, or `10s`, `1m`.
    pub timeout: Option<crate::schedule::Setting>,
    /// Before the first retry, doubling (default 1 s).
    pub backoff: Option<crate::schedule::Setting>,
}

impl Hook {
    /// What the hook speaks, given or implied.
    pub fn kind(&self) -> Option<Kind> {
        self.kind.or(match (&self.command, &self.webhook) {
            (Some(_), None) => Some(Kind::Command),
            (None, Some(_)) => Some(Kind::Webhook),
            _ => None,
        })
    }

    /// Checks a hook as read from the config file.
    pub fn validate(&self, known_classes: &[&str]) -> Result<(), String> {
        if self.command.is_some() && self.webhook.is_some() {
            return Err("give command or webhook, not both".into());
        }
        let Some(kind) = self.kind() else {
            return Err(
                "give a kind (slack, discord, matrix, ntfy, email, webhook, command), a command or a webhook"
                    .into(),
            );
        };
        let http = |what: &str, url: &str| match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
            _ => Err(format!("{what} {url:?} is not an http(s) URL")),
        };
        let one_url = || -> Result<(), String> {
            match (
                self.url.as_deref().or(self.webhook.as_deref()),
                &self.url_env,
            ) {
                (Some(_), Some(_)) => Err("give url or url_env, not both".into()),
                (Some(url), None) => http("url", url),
                (None, Some(_)) => Ok(()),
                (None, None) => Err(format!("a {} hook needs url (or url_env)", kind.as_str())),
            }
        };
        match kind {
            Kind::Command => match &self.command {
                Some(argv) if argv.is_empty() || argv[0].is_empty() => {
                    return Err("command is empty: give [\"program\", \"arg\", …]".into());
                }
                Some(_) => {}
                None => return Err("a command hook needs command = [\"program\", …]".into()),
            },
            Kind::Webhook => {
                if let Some(url) = &self.webhook {
                    http("webhook", url)?;
                } else {
                    one_url()?;
                }
            }
            Kind::Slack | Kind::Discord | Kind::Ntfy => one_url()?,
            Kind::Matrix => {
                let hs = self
                    .homeserver
                    .as_deref()
                    .ok_or("a matrix hook needs homeserver = \"https://…\"")?;
                http("homeserver", hs)?;
                if self.room.as_deref().is_none_or(str::is_empty) {
                    return Err(
                        "a matrix hook needs room = \"!id:server\" (or #alias:server)".into(),
                    );
                }
                if self.token_env.is_none() {
                    return Err(
                        "a matrix hook needs token_env, the variable holding its access token"
                            .into(),
                    );
                }
            }
            Kind::Email => send::validate_email(self)?,
        }
        if kind != Kind::Command && self.command.is_some() {
            return Err(format!("a {} hook takes no command", kind.as_str()));
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
        match self.kind() {
            Some(Kind::Command) => self.command.as_deref().unwrap_or_default().join(" "),
            Some(Kind::Email) => format!("email to {}", self.to.join(", ")),
            Some(Kind::Matrix) => format!("matrix {}", self.room.as_deref().unwrap_or("")),
            Some(kind) => match (
                self.webhook.as_deref().or(self.url.as_deref()),
                &self.url_env,
            ) {
                (Some(url), _) if kind == Kind::Webhook => url.to_owned(),
                (Some(url), _) => format!("{} {}", kind.as_str(), redact_url(url)),
                (None, Some(var)) => format!("{} ${var}", kind.as_str()),
                (None, None) => kind.as_str().to_owned(),
            },
            None => "hook".into(),
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

/// A service URL without its secret path: `https://hooks.slack.com/…`.
fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) if u.path().len() > 1 => format!("{}://{}/…", u.scheme(), u.host_str().unwrap_or("")),
        _ => url.to_owned(),
    }
}

/// An environment variable a hook names, or why it cannot be had.
fn secret(var: &str) -> Result<String, String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Ok(v),
        _ => Err(format!("the environment variable {var} is not set")),
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
            let client = if !matches!(hook.kind(), Some(Kind::Command | Kind::Email)) {
                Some(self.client.get_or_insert_with(http_client).clone())
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
    let timeout = hook_timeout(hook);
    let backoff = hook
        .backoff
        .map_or(Duration::from_secs(1), |b| b.0)
        .min(Duration::from_secs(600));
    let attempted_at = rfc3339(clock.now());
    let mut attempts = 0;
    let mut error = None;
    while attempts <= retries {
        if attempts > 0 {
            tokio::time::sleep(backoff * 2u32.saturating_pow(attempts - 1)).await;
        }
        attempts += 1;
        let result = send_once(hook, client, payload, revision_id, timeout).await;
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

/// One attempt at delivering `payload` (a revision record) by `hook`.
async fn send_once(
    hook: &Hook,
    client: Option<&reqwest::Client>,
    payload: &[u8],
    revision_id: i64,
    timeout: Duration,
) -> Result<(), String> {
    let kind = hook.kind().ok_or("the hook has no kind")?;
    if kind == Kind::Command {
        let argv = hook.command.as_deref().unwrap_or_default();
        return run(argv, payload, timeout).await;
    }
    if kind == Kind::Email {
        let m = Message::from_record(payload).ok_or("the payload is not a revision record")?;
        return send::email(hook, &m, timeout).await;
    }
    let client = client.ok_or("no HTTP client")?;
    let url = || -> Result<String, String> {
        match (hook.webhook.as_ref().or(hook.url.as_ref()), &hook.url_env) {
            (Some(url), _) => Ok(url.clone()),
            (None, Some(var)) => secret(var),
            (None, None) => Err("the hook has no url".into()),
        }
    };
    if kind == Kind::Webhook {
        return post(client, &url()?, payload, timeout).await;
    }
    let m = Message::from_record(payload).ok_or("the payload is not a revision record")?;
    match kind {
        Kind::Slack => send::slack(client, &url()?, &m, timeout).await,
        Kind::Discord => send::discord(client, &url()?, &m, timeout).await,
        Kind::Ntfy => {
            let token = hook.token_env.as_deref().map(secret).transpose()?;
            send::ntfy(client, &url()?, token.as_deref(), &m, timeout).await
        }
        Kind::Matrix => {
            let token = secret(hook.token_env.as_deref().unwrap_or_default())?;
            // The same transaction id on every attempt: the homeserver keeps
            // one message however many retries reach it.
            let txn = format!(
                "redline-{revision_id}-{:016x}",
                fnv(hook.label().as_bytes())
            );
            send::matrix(
                client,
                hook.homeserver.as_deref().unwrap_or_default(),
                hook.room.as_deref().unwrap_or_default(),
                &token,
                &txn,
                &m,
                timeout,
            )
            .await
        }
        Kind::Command | Kind::Webhook | Kind::Email => unreachable!("handled above"),
    }
}

/// Sends a sample message by `hook`, once (`redline hooks test`).
pub async fn try_hook(hook: &Hook, clock: Clock) -> Result<(), String> {
    let client = http_client();
    let timeout = hook_timeout(hook);
    let payload = message::sample_record(&rfc3339(clock.now()));
    send_once(hook, Some(&client), &payload, 0, timeout).await
}

/// A hook's time per attempt: its `timeout`, else 10 s; at least 1 s.
fn hook_timeout(hook: &Hook) -> Duration {
    hook.timeout
        .map_or(Duration::from_secs(10), |t| t.0)
        .max(Duration::from_secs(1))
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!("redline/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// FNV-1a: a stable short hash (not for security).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
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

    #[test]
    fn presets_are_refused_without_what_they_need() {
        let classes = ["headline"];
        let err = |h: Hook| h.validate(&classes).unwrap_err();
        let kind = |k| Hook {
            kind: Some(k),
            ..Hook::default()
        };
        assert!(err(kind(Kind::Slack)).contains("needs url"));
        let bad_url = Hook {
            url: Some("hooks.slack.com/x".into()),
            ..kind(Kind::Slack)
        };
        assert!(err(bad_url).contains("not an http(s) URL"));
        let both = Hook {
            url: Some("https://x/y".into()),
            url_env: Some("X".into()),
            ..kind(Kind::Discord)
        };
        assert!(err(both).contains("not both"));
        let matrix = Hook {
            homeserver: Some("https://m.example".into()),
            room: Some("!r:m.example".into()),
            ..kind(Kind::Matrix)
        };
        assert!(err(matrix.clone()).contains("token_env"));
        let matrix = Hook {
            token_env: Some("T".into()),
            ..matrix
        };
        assert_eq!(matrix.validate(&classes), Ok(()));
        let mail = Hook {
            smtp: Some("smtp://mail.example.org".into()),
            from: Some("redline <r@example.org>".into()),
            to: vec!["desk@example.org".into()],
            ..kind(Kind::Email)
        };
        assert_eq!(mail.validate(&classes), Ok(()));
        let in_url = Hook {
            smtp: Some("smtp://ann:pw@mail.example.org".into()),
            ..mail.clone()
        };
        assert!(err(in_url).contains("password_env"));
        let plain = Hook {
            tls: Some("none".into()),
            user: Some("ann".into()),
            password_env: Some("PW".into()),
            ..mail.clone()
        };
        assert!(err(plain).contains("never sent without TLS"));
        let bad_to = Hook {
            to: vec!["not an address".into()],
            ..mail
        };
        assert!(err(bad_to).contains("not an address"));
        let command_too = Hook {
            command: Some(vec!["x".into()]),
            url: Some("https://x/y".into()),
            ..kind(Kind::Slack)
        };
        assert!(err(command_too).contains("takes no command"));
    }

    #[test]
    fn labels_never_show_a_secret_url() {
        let slack = Hook {
            kind: Some(Kind::Slack),
            url: Some("https://hooks.slack.com/services/T/B/secret".into()),
            ..Hook::default()
        };
        assert_eq!(slack.label(), "slack https://hooks.slack.com/…");
    }
}

//! Each service's protocol: Slack and Discord webhooks, ntfy's JSON publish,
//! Matrix's client-server API, SMTP. One attempt each; the caller retries.
//!
//! Must not: decide what a message says ([`Message`] does) or log secrets.

use std::time::Duration;

use serde_json::json;

use super::Hook;
use super::message::Message;

/// Slack: an incoming webhook takes `{"text": mrkdwn}` and answers `ok`.
pub(super) async fn slack(
    client: &reqwest::Client,
    url: &str,
    m: &Message,
    timeout: Duration,
) -> Result<(), String> {
    let body = json!({ "text": m.slack(), "unfurl_links": false, "unfurl_media": false });
    post_json(client, reqwest::Method::POST, url, None, &body, timeout).await
}

/// Discord: a webhook takes `{"content": markdown}`; no one is pinged.
pub(super) async fn discord(
    client: &reqwest::Client,
    url: &str,
    m: &Message,
    timeout: Duration,
) -> Result<(), String> {
    let body = json!({
        "content": m.discord(),
        "allowed_mentions": { "parse": [] },
        "flags": 4, // no link embeds
    });
    post_json(client, reqwest::Method::POST, url, None, &body, timeout).await
}

/// ntfy: a JSON publish to the server's root names the topic, title,
/// message and the link a tap opens.
pub(super) async fn ntfy(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    m: &Message,
    timeout: Duration,
) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|_| "the ntfy url is not a URL".to_owned())?;
    let topic = parsed.path().trim_matches('/');
    if topic.is_empty() || topic.contains('/') {
        return Err(format!(
            "{}: give the topic's URL, such as https://ntfy.sh/our-desk",
            super::redact_url(url)
        ));
    }
    let mut root = parsed.clone();
    root.set_path("/");
    root.set_query(None);
    let body = json!({
        "topic": topic,
        "title": m.title(),
        "message": m.body_plain(),
        "click": m.url,
        "tags": ["newspaper"],
    });
    post_json(
        client,
        reqwest::Method::POST,
        root.as_str(),
        token,
        &body,
        timeout,
    )
    .await
}

/// Matrix: `PUT /_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}`
/// with plain and HTML bodies; `txn` makes a retry the same message.
pub(super) async fn matrix(
    client: &reqwest::Client,
    homeserver: &str,
    room: &str,
    token: &str,
    txn: &str,
    m: &Message,
    timeout: Duration,
) -> Result<(), String> {
    let mut url = url::Url::parse(homeserver).map_err(|_| "homeserver is not a URL".to_owned())?;
    url.path_segments_mut()
        .map_err(|()| "homeserver cannot take a path".to_owned())?
        .pop_if_empty()
        .extend([
            "_matrix",
            "client",
            "v3",
            "rooms",
            room,
            "send",
            "m.room.message",
            txn,
        ]);
    let body = json!({
        "msgtype": "m.text",
        "body": m.plain(),
        "format": "org.matrix.custom.html",
        "formatted_body": m.html(),
    });
    post_json(
        client,
        reqwest::Method::PUT,
        url.as_str(),
        Some(token),
        &body,
        timeout,
    )
    .await
}

/// Sends `body` as JSON; any 2xx is delivered. Errors name the host only:
/// a service URL may itself be the secret.
async fn post_json(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    bearer: Option<&str>,
    body: &serde_json::Value,
    timeout: Duration,
) -> Result<(), String> {
    let shown = super::redact_url(url);
    let mut req = client
        .request(method, url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .timeout(timeout);
    if let Some(token) = bearer {
        req = req.bearer_auth(token);
    }
    let resp = req
        .send()
        .await
        .map_err(|e| format!("{shown}: {}", crate::errors::one_line(&e.without_url())))?;
    let status = resp.status();
    if status.is_success() {
        return Ok(());
    }
    // The service's own word on what was wrong, if short.
    let said = resp.text().await.unwrap_or_default();
    let said = said.trim();
    let said = if said.is_empty() || said.len() > 200 {
        String::new()
    } else {
        format!(": {said}")
    };
    Err(format!("{shown}: HTTP {}{said}", status.as_u16()))
}

/// The SMTP server of an e-mail hook.
struct Smtp {
    host: String,
    port: u16,
    /// TLS from the start (`smtps://`), else STARTTLS unless `tls = "none"`.
    implicit: bool,
    plain: bool,
}

fn smtp_of(hook: &Hook) -> Result<Smtp, String> {
    let raw = hook
        .smtp
        .as_deref()
        .ok_or("an email hook needs smtp = \"smtp://host:587\"")?;
    let url = url::Url::parse(raw).map_err(|_| format!("smtp {raw:?} is not a URL"))?;
    let implicit = match url.scheme() {
        "smtp" => false,
        "smtps" => true,
        other => {
            return Err(format!(
                "smtp {raw:?}: the scheme is {other}, not smtp or smtps"
            ));
        }
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err("smtp: keep the user in `user` and the password in the environment (password_env), not in the URL".into());
    }
    let host = url
        .host_str()
        .ok_or_else(|| format!("smtp {raw:?} has no host"))?
        .trim_matches(['[', ']'])
        .to_owned();
    let plain = match hook.tls.as_deref() {
        None | Some("required") => false,
        Some("none") => true,
        Some(other) => {
            return Err(format!(
                "tls = {other:?}: give \"required\" (the default) or \"none\""
            ));
        }
    };
    if plain && implicit {
        return Err("tls = \"none\" with smtps:// makes no sense: use smtp://".into());
    }
    Ok(Smtp {
        port: url.port().unwrap_or(if implicit { 465 } else { 587 }),
        host,
        implicit,
        plain,
    })
}

/// Checks an e-mail hook's settings.
pub(super) fn validate_email(hook: &Hook) -> Result<(), String> {
    let smtp = smtp_of(hook)?;
    let from = hook
        .from
        .as_deref()
        .ok_or("an email hook needs from = \"redline <redline@example.org>\"")?;
    from.parse::<lettre::message::Mailbox>()
        .map_err(|e| format!("from {from:?} is not an address: {e}"))?;
    if hook.to.is_empty() {
        return Err("an email hook needs to = [\"desk@example.org\"]".into());
    }
    for to in &hook.to {
        to.parse::<lettre::message::Mailbox>()
            .map_err(|e| format!("to {to:?} is not an address: {e}"))?;
    }
    if hook.user.is_some() != hook.password_env.is_some() {
        return Err(
            "give user and password_env together (the password is read from that variable)".into(),
        );
    }
    let loopback = smtp.host == "localhost"
        || smtp
            .host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if smtp.plain && hook.user.is_some() && !loopback {
        return Err(
            "a password is never sent without TLS: drop tls = \"none\", or the user".into(),
        );
    }
    Ok(())
}

/// E-mail: one message, plain text with an HTML alternative, over SMTP.
pub(super) async fn email(hook: &Hook, m: &Message, timeout: Duration) -> Result<(), String> {
    use lettre::transport::smtp::AsyncSmtpTransport;
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    use lettre::{AsyncTransport, Tokio1Executor};

    let smtp = smtp_of(hook)?;
    let mut builder = lettre::Message::builder()
        .from(
            hook.from
                .as_deref()
                .unwrap_or_default()
                .parse()
                .map_err(|e| format!("from: {e}"))?,
        )
        .subject(format!("[redline] {}", m.title()));
    for to in &hook.to {
        builder = builder.to(to.parse().map_err(|e| format!("to {to:?}: {e}"))?);
    }
    let email = builder
        .multipart(lettre::message::MultiPart::alternative_plain_html(
            m.plain(),
            format!("<!DOCTYPE html><html><body>{}</body></html>", m.html()),
        ))
        .map_err(|e| format!("cannot build the e-mail: {e}"))?;
    let tls = if smtp.plain {
        Tls::None
    } else {
        let mut params = TlsParameters::builder(smtp.host.clone());
        if let Some(path) = &hook.ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read ca_file {}: {e}", path.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            params = params.add_root_certificate(cert);
        }
        let params = params.build().map_err(|e| format!("TLS: {e}"))?;
        if smtp.implicit {
            Tls::Wrapper(params)
        } else {
            Tls::Required(params)
        }
    };
    let mut transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(timeout));
    if let (Some(user), Some(var)) = (&hook.user, &hook.password_env) {
        transport = transport.credentials(Credentials::new(user.clone(), super::secret(var)?));
    }
    let at = format!("{}:{}", smtp.host, smtp.port);
    // Each SMTP command has the timeout; the whole exchange, a few of them.
    tokio::time::timeout(timeout * 4, transport.build().send(email))
        .await
        .map_err(|_| format!("smtp {at}: no answer in {}s", (timeout * 4).as_secs()))?
        .map_err(|e| format!("smtp {at}: {}", crate::errors::one_line(&e)))?;
    Ok(())
}

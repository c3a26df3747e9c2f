//! Notification hooks from the config file: a command fed the revision's JSON
//! on stdin, a webhook POSTed to, both filtered by change class; failures
//! retried, recorded and shown by `status`, never failing the pass.

use redline::serve::Route;

use crate::common::{Env, PARAS, page};

fn config(env: &Env, toml: &str) {
    let path = env.path("config/redline/config.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, toml).unwrap();
}

/// Tracks one article, then records a wording-only revision and a headline
/// revision. Returns the article URL.
fn two_edits(env: &Env) -> String {
    let url = env.serve("/n/hooked", &page("Sluice gates open early", PARAS, "a"));
    env.run(&["track", &url]).expect(0);
    let reworded = PARAS[1].replace("asked for", "demanded");
    env.serve(
        "/n/hooked",
        &page(
            "Sluice gates open early",
            &[PARAS[0], &reworded, PARAS[2]],
            "b",
        ),
    );
    env.run_at("2026-03-01T13:00:00Z", &["check"]).expect(0);
    env.serve(
        "/n/hooked",
        &page(
            "Sluice gates opened a week early",
            &[PARAS[0], &reworded, PARAS[2]],
            "c",
        ),
    );
    env.run_at("2026-03-01T14:00:00Z", &["check"]).expect(0);
    url
}

#[test]
fn a_command_hook_gets_the_revision_json_on_stdin_for_chosen_classes_only() {
    let env = Env::new();
    let got = env.path("hook-output.jsonl");
    // The file name travels as an argument; the JSON only ever on stdin.
    config(
        &env,
        &format!(
            "[[hooks]]\nname = \"desk\"\ncommand = [\"sh\", \"-c\", \"cat >> \\\"$1\\\"; echo >> \\\"$1\\\"\", \"sh\", {:?}]\nclasses = [\"headline\"]\n",
            got.display().to_string()
        ),
    );
    let url = two_edits(&env);
    let text = std::fs::read_to_string(&got).expect("the hook ran");
    let calls: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(calls.len(), 1, "only the headline change: {text}");
    let rec = &calls[0];
    assert_eq!(rec["type"], "revision");
    assert_eq!(rec["url"], url);
    assert_eq!(rec["rev"], 3);
    assert!(
        rec["classes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "headline")
    );
    assert_eq!(rec["article"]["title"], "Sluice gates opened a week early");
    assert!(rec["diff"]["fields"].is_array());
    let status = env.run(&["status", "--json"]).json_lines();
    assert_eq!(status[0]["failed_notifications"], serde_json::json!([]));
}

#[test]
fn a_webhook_is_posted_the_json() {
    let env = Env::new();
    env.set("/hook", Route::html("ok"));
    config(
        &env,
        &format!("[[hooks]]\nwebhook = {:?}\n", env.server.url("/hook")),
    );
    two_edits(&env);
    let posts: Vec<serde_json::Value> = env
        .server
        .served()
        .into_iter()
        .filter(|s| s.path == "/hook")
        .map(|s| {
            assert_eq!(s.method, "POST");
            serde_json::from_slice(&s.body).unwrap()
        })
        .collect();
    assert_eq!(
        posts.len(),
        2,
        "every change (no class filter), not the first version"
    );
    assert_eq!(posts[0]["rev"], 2);
    assert_eq!(posts[1]["rev"], 3);
}

#[test]
fn failing_hooks_are_retried_recorded_and_shown_without_failing_the_pass() {
    let env = Env::new();
    env.set("/broken-hook", Route::status(500));
    config(
        &env,
        &format!(
            "[[hooks]]\nname = \"pager\"\ncommand = [\"sh\", \"-c\", \"echo pager is down >&2; exit 3\"]\nretries = 2\nbackoff = 0.01\n\n\
             [[hooks]]\nwebhook = {:?}\nretries = 1\nbackoff = 0.01\n",
            env.server.url("/broken-hook")
        ),
    );
    two_edits(&env);
    let attempts = env
        .server
        .served()
        .iter()
        .filter(|s| s.path == "/broken-hook")
        .count();
    assert_eq!(attempts, 4, "two revisions × (1 attempt + 1 retry)");
    let status = env.run(&["status"]).expect(0).stdout;
    assert!(status.contains("notifications failed"), "{status}");
    assert!(
        status.contains("pager for #1 rev 3") && status.contains("after 3 attempts"),
        "{status}"
    );
    assert!(status.contains("pager is down"), "{status}");
    assert!(status.contains("HTTP 500"), "{status}");
    let json = env.run(&["status", "--json"]).json_lines();
    assert_eq!(json[0]["failed_notifications"].as_array().unwrap().len(), 4);
    // The revisions themselves were all recorded.
    assert_eq!(env.revisions("1"), 3);
}

#[test]
fn a_bad_hook_in_the_config_is_a_clear_error() {
    let env = Env::new();
    config(&env, "[[hooks]]\ncommand = []\n");
    let out = env.run(&["list"]).expect(1);
    assert!(out.stderr.contains("hook 1"), "{}", out.stderr);
    assert!(out.stderr.contains("command is empty"), "{}", out.stderr);
    config(
        &env,
        "[[hooks]]\nwebhook = \"http://127.0.0.1:9/x\"\nclasses = [\"gossip\"]\n",
    );
    let out = env.run(&["list"]).expect(1);
    assert!(out.stderr.contains("not a change class"), "{}", out.stderr);
}

#[test]
fn watch_does_not_wait_for_a_slow_hook_and_records_it_before_stopping() {
    use std::io::BufRead;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let env = Env::new();
    let mark = env.path("hook-finished");
    config(
        &env,
        &format!(
            "[[hooks]]\nname = \"slow\"\ncommand = [\"sh\", \"-c\", \"sleep 2; touch \\\"$1\\\"; exit 1\", \"sh\", {:?}]\nretries = 0\n",
            mark.display().to_string()
        ),
    );
    let url = env.serve("/w", &page("Sluice gates open early", PARAS, "a"));
    env.run(&["track", &url]).expect(0);
    env.serve("/w", &page("Sluice gates opened a week early", PARAS, "b"));
    let mut child = env
        .command()
        .env_remove("REDLINE_NOW")
        .args(["watch", "--poll", "1"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    // The pass's summary line comes while the hook is still sleeping.
    let started = Instant::now();
    let (line, hook_done) = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("watch reports its pass");
        if line.contains("checked 1") {
            break (line, env.path("hook-finished").exists());
        }
    };
    assert!(line.contains("changed 1"), "{line}");
    assert!(!hook_done, "the pass waited for the hook");
    assert!(started.elapsed() < Duration::from_secs(2));
    // Stopping finishes the delivery and records it.
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    assert!(
        env.path("hook-finished").exists(),
        "the hook ran to its end"
    );
    let s = env.run(&["status"]).expect(0).stdout;
    assert!(s.contains("slow for #1 rev 2"), "{s}");
}

#[test]
fn shell_metacharacters_in_a_url_or_title_reach_a_hook_as_data_only() {
    let env = Env::new();
    let got = env.path("hook-output.jsonl");
    let canary = env.path("pwned");
    config(
        &env,
        &format!(
            "[[hooks]]\nname = \"desk\"\ncommand = [\"sh\", \"-c\", \"cat >> \\\"$1\\\"; echo >> \\\"$1\\\"\", \"sh\", {:?}]\n",
            got.display().to_string()
        ),
    );
    // A title and a URL built to break out of any shell line they were
    // spliced into: each would create the canary file.
    let touch = format!("touch {}", canary.display());
    let title = format!("Breaking $({touch}) `{touch}`; {touch} | {touch} && {touch}");
    let path = format!("/n/a;{}%20$(id)%60x%60", "touch%20pwned");
    let url = env.serve(&path, &page(&title.replace('&', "&amp;"), PARAS, "a"));
    env.run(&["track", &url]).expect(0);
    env.serve(
        &path,
        &page(
            &format!("{title} (updated)").replace('&', "&amp;"),
            PARAS,
            "b",
        ),
    );
    env.run(&["check"]).expect(0);
    let text = std::fs::read_to_string(&got).expect("the hook ran");
    let call: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(
        call["title"].as_str().unwrap(),
        format!("{title} (updated)")
    );
    assert!(call["url"].as_str().unwrap().contains("$(id)"), "{call}");
    assert!(!canary.exists(), "a shell ran something from the data");
    assert!(!env.dir.path().join("pwned").exists());
}

/// The requests other than GET a server received at paths with this prefix.
fn received(server: &redline::serve::Server, prefix: &str) -> Vec<redline::serve::Served1> {
    server
        .served()
        .into_iter()
        .filter(|s| s.path.starts_with(prefix) && s.method != "GET")
        .collect()
}

fn body(s: &redline::serve::Served1) -> serde_json::Value {
    serde_json::from_slice(&s.body).unwrap_or_else(|e| panic!("{e}: {:?}", s.body))
}

#[test]
fn presets_speak_each_services_protocol_in_words_people_read() {
    use redline::serve::Server;
    let env = Env::new();
    // One local server per service, each answering as that service does.
    let (slack, discord, ntfy, matrix) = (
        Server::start().unwrap(),
        Server::start().unwrap(),
        Server::start().unwrap(),
        Server::start().unwrap(),
    );
    slack.set(
        "/services/T1/B1/s3cr3t",
        Route::html("ok").with_content_type("text/plain"),
    );
    discord.set("/api/webhooks/1/tok", Route::status(204));
    ntfy.set(
        "/",
        Route::html(r#"{"id":"n1"}"#).with_content_type("application/json"),
    );
    matrix.set(
        "/_matrix/*",
        Route::html(r#"{"event_id":"$e1"}"#).with_content_type("application/json"),
    );
    // Secrets come from the environment, named in the config.
    env.set_var("TEST_SLACK_URL", &slack.url("/services/T1/B1/s3cr3t"));
    env.set_var("TEST_MATRIX_TOKEN", "mx-token");
    env.set_var("TEST_NTFY_TOKEN", "nt-token");
    config(
        &env,
        &format!(
            "[[hooks]]\nkind = \"slack\"\nurl_env = \"TEST_SLACK_URL\"\nclasses = [\"headline\"]\n\n\
             [[hooks]]\nkind = \"discord\"\nurl = \"{}\"\nclasses = [\"headline\"]\n\n\
             [[hooks]]\nname = \"phones\"\nkind = \"ntfy\"\nurl = \"{}\"\ntoken_env = \"TEST_NTFY_TOKEN\"\nclasses = [\"headline\"]\n\n\
             [[hooks]]\nkind = \"matrix\"\nhomeserver = \"{}\"\nroom = \"!desk:example.org\"\ntoken_env = \"TEST_MATRIX_TOKEN\"\nclasses = [\"headline\"]\n",
            discord.url("/api/webhooks/1/tok"),
            ntfy.url("/desk"),
            matrix.url("/"),
        ),
    );
    let url = two_edits(&env);
    let old = "Sluice gates open early";
    let new = "Sluice gates opened a week early";
    let change = format!("Headline: “{old}” → “{new}”");

    // Slack: one POST (the wording-only revision called no one), mrkdwn.
    let posts = received(&slack, "/services/");
    assert_eq!(posts.len(), 1, "one headline revision");
    let text = body(&posts[0])["text"].as_str().unwrap().to_owned();
    assert!(
        text.starts_with(&format!("*127.0.0.1*: <{url}|{new}>")),
        "{text}"
    );
    assert!(
        text.contains(&change) && text.contains("Captured 2026-03-01 14:00 UTC"),
        "{text}"
    );

    // Discord: markdown, and nobody pinged.
    let posts = received(&discord, "/api/webhooks/");
    assert_eq!(posts.len(), 1);
    let d = body(&posts[0]);
    assert!(d["content"].as_str().unwrap().contains(&change), "{d}");
    assert_eq!(d["allowed_mentions"]["parse"], serde_json::json!([]));

    // ntfy: a JSON publish to the server's root, with the token.
    let posts = received(&ntfy, "/");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, "/");
    assert_eq!(posts[0].header("Authorization"), Some("Bearer nt-token"));
    let n = body(&posts[0]);
    assert_eq!(n["topic"], "desk");
    assert_eq!(n["title"], format!("127.0.0.1: {new}"));
    assert_eq!(n["click"], url.as_str());
    assert!(n["message"].as_str().unwrap().contains(&change), "{n}");

    // Matrix: PUT to the room with a transaction id, plain and HTML bodies.
    let puts = received(&matrix, "/_matrix/");
    assert_eq!(puts.len(), 1);
    let m = &puts[0];
    assert_eq!(m.method, "PUT");
    assert!(
        m.path
            .starts_with("/_matrix/client/v3/rooms/!desk:example.org/send/m.room.message/redline-"),
        "{}",
        m.path
    );
    assert_eq!(m.header("Authorization"), Some("Bearer mx-token"));
    let mx = body(m);
    assert_eq!(mx["msgtype"], "m.text");
    assert_eq!(mx["format"], "org.matrix.custom.html");
    assert!(mx["body"].as_str().unwrap().contains(&change), "{mx}");
    assert!(
        mx["formatted_body"]
            .as_str()
            .unwrap()
            .contains("<li><b>Headline</b>: “Sluice gates open early”"),
        "{mx}"
    );

    // Listed without their secrets; a test message by one of them.
    let list = env.run(&["hooks", "list"]).expect(0).stdout;
    assert!(
        list.contains("slack $TEST_SLACK_URL  (slack; headline)"),
        "{list}"
    );
    assert!(list.contains("phones  (ntfy; headline)"), "{list}");
    assert!(!list.contains("s3cr3t") && !list.contains("tok"), "{list}");
    let sent = env.run(&["hooks", "test", "phones"]).expect(0);
    assert_eq!(sent.stdout, "sent: phones\n");
    let posts = received(&ntfy, "/");
    assert_eq!(posts.len(), 2);
    assert!(
        body(&posts[1])["message"]
            .as_str()
            .unwrap()
            .contains("Hooks are set up.")
    );
    env.run(&["hooks", "test", "nobody"]).expect(2);
}

#[test]
fn a_service_that_refuses_says_why_without_its_secret_url() {
    let env = Env::new();
    env.set(
        "/api/webhooks/9/secret-token",
        Route::html(r#"{"message": "Invalid Webhook Token", "code": 50027}"#)
            .with_status(401)
            .with_content_type("application/json"),
    );
    config(
        &env,
        &format!(
            "[[hooks]]\nkind = \"discord\"\nurl = \"{}\"\nretries = 0\n",
            env.server.url("/api/webhooks/9/secret-token")
        ),
    );
    let out = env.run(&["hooks", "test"]).expect(1);
    assert!(
        out.stderr.contains("HTTP 401") && out.stderr.contains("Invalid Webhook Token"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("secret-token"), "{}", out.stderr);
    // A missing secret is named, not sent.
    config(
        &env,
        "[[hooks]]\nkind = \"slack\"\nurl_env = \"NOT_SET_HERE\"\n",
    );
    let out = env.run(&["hooks", "test"]).expect(1);
    assert!(
        out.stderr
            .contains("the environment variable NOT_SET_HERE is not set"),
        "{}",
        out.stderr
    );
    // A preset missing what it needs is a config error, with the reason.
    config(
        &env,
        "[[hooks]]\nkind = \"matrix\"\nhomeserver = \"https://m.example\"\nroom = \"!r:x\"\n",
    );
    let out = env.run(&["hooks", "list"]).expect(1);
    assert!(out.stderr.contains("token_env"), "{}", out.stderr);
}

/// A local SMTP server (aiosmtpd) requiring STARTTLS and a login, with a
/// certificate of a throwaway CA; killed on drop.
struct Smtp {
    child: std::process::Child,
    port: u16,
    out: std::path::PathBuf,
    ca: std::path::PathBuf,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Smtp {
    fn start(dir: &std::path::Path) -> Option<Smtp> {
        use std::io::BufRead;
        let run = |args: &[&str]| {
            std::process::Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        std::fs::write(
            dir.join("leaf.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .ok()?;
        let made = run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "1",
            "-subj",
            "/CN=redline test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ]) && run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=localhost",
        ]) && run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "1",
            "-extfile",
            "leaf.ext",
        ]);
        if !made {
            return None;
        }
        let out = dir.join("mail");
        std::fs::create_dir_all(&out).ok()?;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/servers/smtp_server.py");
        let mut child = std::process::Command::new("python3")
            .arg(script)
            .arg(dir.join("leaf.pem"))
            .arg(dir.join("leaf.key"))
            .arg(&out)
            .args(["ann", "s3cret"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take()?)
            .read_line(&mut line)
            .ok()?;
        let Ok(port) = line.trim().parse() else {
            let _ = child.kill();
            return None;
        };
        Some(Smtp {
            child,
            port,
            out,
            ca: dir.join("ca.pem"),
        })
    }

    /// The messages received so far, oldest first.
    fn mail(&self) -> Vec<serde_json::Value> {
        (0..)
            .map(|n| self.out.join(format!("{n}.json")))
            .take_while(|p| p.exists())
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }
}

#[test]
fn email_goes_out_over_starttls_with_a_login_from_the_environment() {
    let env = Env::new();
    let Some(smtp) = Smtp::start(env.dir.path()) else {
        assert!(
            std::env::var_os("REDLINE_REQUIRE_TOOLS").is_none(),
            "openssl, python3 and aiosmtpd are needed for this test (.ci/run installs them)"
        );
        eprintln!("skipped: no openssl, python3 or aiosmtpd");
        return;
    };
    env.set_var("TEST_SMTP_PASSWORD", "s3cret");
    let hook = |password_env: &str| {
        format!(
            "[[hooks]]\nname = \"desk mail\"\nkind = \"email\"\nsmtp = \"smtp://localhost:{}\"\n\
             from = \"redline <redline@example.org>\"\nto = [\"desk@example.org\", \"ed@example.org\"]\n\
             user = \"ann\"\npassword_env = \"{password_env}\"\nca_file = {:?}\nclasses = [\"headline\"]\n\
             retries = 0\ntimeout = 5\n",
            smtp.port,
            smtp.ca.display().to_string()
        )
    };
    config(&env, &hook("TEST_SMTP_PASSWORD"));
    let url = two_edits(&env);
    let mail = smtp.mail();
    assert_eq!(mail.len(), 1, "one headline revision");
    let m = &mail[0];
    assert_eq!(m["tls"], true, "STARTTLS before anything was sent");
    assert_eq!(m["user"], "ann");
    assert_eq!(
        m["to"],
        serde_json::json!(["desk@example.org", "ed@example.org"])
    );
    let data = m["data"].as_str().unwrap();
    assert!(
        data.contains("Subject: [redline] 127.0.0.1: Sluice gates opened a week early"),
        "{data}"
    );
    assert!(
        data.contains("Content-Type: multipart/alternative"),
        "{data}"
    );
    // Quoted-printable folds lines: read the plain part back unfolded.
    let plain = data.replace("=\r\n", "").replace("=\n", "");
    assert!(plain.contains(&url), "{plain}");
    assert!(plain.contains("Captured 2026-03-01 14:00 UTC"), "{plain}");
    let status = env.run(&["status"]).expect(0).stdout;
    assert!(
        !status.contains("desk mail"),
        "no failed delivery: {status}"
    );

    // A wrong password: refused by the server, said in one line.
    env.set_var("TEST_WRONG_PASSWORD", "nope");
    config(&env, &hook("TEST_WRONG_PASSWORD"));
    let out = env.run(&["hooks", "test"]).expect(1);
    assert!(
        out.stderr.contains("desk mail: smtp localhost:") && out.stderr.contains("535"),
        "{}",
        out.stderr
    );
    assert_eq!(smtp.mail().len(), 1);
}

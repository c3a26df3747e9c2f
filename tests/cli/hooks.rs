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

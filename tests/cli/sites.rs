//! Per-site request settings: headers (secret ones from the environment), a
//! browser's cookies.txt, a User-Agent, a proxy; and the environment's proxy.

use redline::serve::{Route, Server};

use crate::common::{Env, PARAS, page};

fn config(env: &Env, toml: &str) {
    let path = env.path("config/redline/config.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, toml).unwrap();
}

#[test]
fn a_site_gets_its_headers_cookies_and_user_agent_and_secrets_stay_out_of_the_evidence() {
    let env = Env::new();
    let url = env.serve("/story", &page("Behind the paywall", PARAS, "x"));
    std::fs::create_dir_all(env.path("config/redline")).unwrap();
    std::fs::write(
        env.path("config/redline/cookies.txt"),
        "# Netscape HTTP Cookie File\n\
         127.0.0.1\tFALSE\t/\tFALSE\t0\tsubscriber\ts3ssion\n\
         127.0.0.1\tFALSE\t/\tTRUE\t0\tsecure_only\tno\n\
         127.0.0.1\tFALSE\t/\tFALSE\t1000\texpired\tno\n\
         .other.example\tTRUE\t/\tFALSE\t0\telsewhere\tno\n",
    )
    .unwrap();
    env.set_var("TEST_SITE_TOKEN", "Bearer t0k3n");
    config(
        &env,
        "[sites.\"127.0.0.1\"]\n\
         headers = { \"X-Desk\" = \"metro\" }\n\
         header_env = { \"Authorization\" = \"TEST_SITE_TOKEN\" }\n\
         cookies = \"cookies.txt\"\n\
         user_agent = \"Mozilla/5.0 (redline test)\"\n",
    );
    env.run(&["track", &url]).expect(0);
    let served = env.server.served();
    let story = served.iter().find(|s| s.path == "/story").unwrap();
    assert_eq!(story.header("X-Desk"), Some("metro"));
    assert_eq!(story.header("Authorization"), Some("Bearer t0k3n"));
    // Only the cookie a browser would send: right host, not secure-only over
    // http, not expired.
    assert_eq!(story.header("Cookie"), Some("subscriber=s3ssion"));
    assert_eq!(
        story.header("User-Agent"),
        Some("Mozilla/5.0 (redline test)")
    );
    let robots = served.iter().find(|s| s.path == "/robots.txt").unwrap();
    assert_eq!(
        robots.header("User-Agent"),
        Some("Mozilla/5.0 (redline test)")
    );

    // The evidence names what was sent, without the secrets.
    let out = env.path("all.jsonl");
    env.export_all("jsonl", &out, &[]).expect(0);
    let export = std::fs::read_to_string(&out).unwrap();
    assert!(
        !export.contains("t0k3n") && !export.contains("s3ssion"),
        "{export}"
    );
    let revision: serde_json::Value = export
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["type"] == "revision")
        .unwrap();
    let sent = revision["request_headers"].as_array().unwrap();
    for (name, value) in [
        ("authorization", "[redacted]"),
        ("cookie", "[redacted]"),
        ("x-desk", "metro"),
        ("user-agent", "Mozilla/5.0 (redline test)"),
    ] {
        assert!(
            sent.contains(&serde_json::json!([name, value])),
            "{name}: {sent:?}"
        );
    }
    // `config show` says where the cookies came from, not what they are.
    let shown = env.run(&["config", "show"]).expect(0).stdout;
    assert!(shown.contains("cookies.txt (4 cookies)"), "{shown}");
    assert!(
        shown.contains("header Authorization: [from the environment]"),
        "{shown}"
    );
    assert!(!shown.contains("t0k3n"), "{shown}");
}

#[test]
fn bad_site_settings_are_named_in_one_line() {
    let env = Env::new();
    config(
        &env,
        "[sites.\"news.example\"]\ncookies = \"missing.txt\"\n",
    );
    let out = env.run(&["list"]).expect(1);
    assert!(
        out.stderr
            .contains("site \"news.example\": cannot read the cookie file"),
        "{}",
        out.stderr
    );
    std::fs::write(
        env.path("config/redline/jar.txt"),
        "news.example\tTRUE\t/\n",
    )
    .unwrap();
    config(&env, "[sites.\"news.example\"]\ncookies = \"jar.txt\"\n");
    let out = env.run(&["list"]).expect(1);
    assert!(
        out.stderr.contains("jar.txt: line 1: 3 fields"),
        "{}",
        out.stderr
    );
    config(
        &env,
        "[sites.\"news.example\"]\nheader_env = { \"X-Key\" = \"NOT_SET_ANYWHERE\" }\n",
    );
    let out = env.run(&["list"]).expect(1);
    assert!(out.stderr.contains("NOT_SET_ANYWHERE"), "{}", out.stderr);
}

#[test]
fn a_site_or_the_environment_can_send_requests_through_a_proxy() {
    let env = Env::new();
    // A forward proxy sees the absolute URL of each request.
    let proxy = Server::start().unwrap();
    proxy.set(
        "http://news.invalid/story",
        Route::html(page("Seen through the proxy", PARAS, "x")),
    );
    proxy.set(
        "http://env.invalid/story",
        Route::html(page("Through the environment's proxy", PARAS, "x")),
    );
    config(
        &env,
        &format!("[sites.\"news.invalid\"]\nproxy = \"{}\"\n", proxy.url("")),
    );
    let out = env.run(&["track", "http://news.invalid/story"]).expect(0);
    assert!(
        out.stdout.contains("tracking: Seen through the proxy"),
        "{}",
        out.stdout
    );

    config(&env, "");
    env.set_var("HTTP_PROXY", &proxy.url(""));
    let out = env.run(&["track", "http://env.invalid/story"]).expect(0);
    assert!(
        out.stdout
            .contains("tracking: Through the environment's proxy"),
        "{}",
        out.stdout
    );
    let paths: Vec<String> = proxy.served().into_iter().map(|s| s.path).collect();
    assert!(
        paths.contains(&"http://news.invalid/robots.txt".to_owned()),
        "{paths:?}"
    );
}

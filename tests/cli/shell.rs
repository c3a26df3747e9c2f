//! Shell completions and the manual page, made from the command line's own
//! definition.

use crate::common::Env;

#[test]
fn completions_know_every_command_and_option_and_bash_reads_them() {
    let env = Env::new();
    let bash = env.run(&["completions", "bash"]).expect(0).stdout;
    for word in [
        "track",
        "set",
        "untrack",
        "diff",
        "--no-selector",
        "--keep",
        "--yes",
    ] {
        assert!(bash.contains(word), "no {word} in the bash completions");
    }
    // The script is valid bash.
    let script = env.path("redline.bash");
    std::fs::write(&script, &bash).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = env.run(&["completions", shell]).expect(0).stdout;
        assert!(
            out.contains("redline") && out.contains("no-until"),
            "{shell}"
        );
    }
    env.run(&["completions", "tcsh"]).expect(2);
}

#[test]
fn the_manual_page_covers_redline_and_each_command() {
    let env = Env::new();
    let page = env.run(&["man"]).expect(0).stdout;
    assert!(
        page.starts_with(".ie") || page.contains(".TH redline 1"),
        "{page}"
    );
    assert!(page.contains(".TH redline 1"));
    for command in ["track", "set", "check", "export", "completions"] {
        assert!(page.contains(command), "no {command} in the page");
    }
    let set = env.run(&["man", "set"]).expect(0).stdout;
    assert!(set.contains(".TH redline-set 1"), "{set}");
    assert!(set.contains("\\-\\-no\\-until"), "{set}");
    let unknown = env.run(&["man", "nope"]).expect(2);
    assert!(
        unknown.stderr.contains("\"nope\" is not a redline command"),
        "{}",
        unknown.stderr
    );
}

//! Evidence handling: a write-protected database is still readable, files are
//! private to their owner, exports never overwrite and never leave their
//! folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Env, PARAS, page};

/// A folder made read-only for the duration of a test. As root, permission
/// bits do not stop writes, so a read-only bind mount of the folder is used
/// (undone on drop); as anyone else, the bits are cleared.
struct ReadOnly {
    dir: PathBuf,
    mounted: bool,
}

impl ReadOnly {
    fn new(dir: &Path) -> Self {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if root {
            let d = dir.to_str().unwrap();
            for args in [&["--bind", d, d][..], &["-o", "remount,ro,bind", d, d][..]] {
                let ok = Command::new("mount")
                    .args(args)
                    .status()
                    .is_ok_and(|s| s.success());
                assert!(
                    ok,
                    "mount {args:?} failed: a read-only folder is needed as root"
                );
            }
        } else {
            set_mode(dir, 0o555);
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                set_mode(&entry.path(), 0o444);
            }
        }
        ReadOnly {
            dir: dir.to_owned(),
            mounted: root,
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount").arg(&self.dir).status();
        } else {
            set_mode(&self.dir, 0o755);
            for entry in std::fs::read_dir(&self.dir).unwrap().flatten() {
                set_mode(&entry.path(), 0o644);
            }
        }
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn tracked_twice(env: &Env) {
    let url = env.serve("/a", &page("First", PARAS, "x"));
    env.run(&["track", &url]).expect(0);
    env.serve("/a", &page("Second", PARAS, "x"));
    env.run(&["check"]).expect(0);
}

#[test]
fn a_write_protected_database_is_read_by_every_read_command() {
    let env = Env::new();
    tracked_twice(&env);
    let folder = env.db.parent().unwrap().to_owned();
    let before = std::fs::read(&env.db).unwrap();
    let files_before: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let out_dir = env.path("out");
    {
        let _ro = ReadOnly::new(&folder);
        let list = env.run(&["list", "--json"]).expect(0);
        assert_eq!(list.json_lines()[0]["revisions"], 2, "{}", list.stdout);
        let log = env.run(&["log", "1"]).expect(0);
        assert!(log.stdout.contains("Second"), "{}", log.stdout);
        env.run(&["show", "1", "1"]).expect(0);
        let diff = env.run(&["diff", "1"]).expect(0);
        assert!(diff.stdout.contains("Second"), "{}", diff.stdout);
        env.run(&["blame", "1"]).expect(0);
        env.run(&["status"]).expect(0);
        env.run(&["feeds"]).expect(0);
        let verify = env.run(&["verify"]).expect(0);
        assert!(verify.stdout.contains("all good"), "{}", verify.stdout);
        let jsonl = out_dir.join("all.jsonl");
        std::fs::create_dir_all(&out_dir).unwrap();
        env.run(&[
            "export",
            "--all",
            "--format",
            "jsonl",
            "-o",
            jsonl.to_str().unwrap(),
        ])
        .expect(0);
        assert!(std::fs::metadata(&jsonl).unwrap().len() > 0);
        // A command that writes says why it cannot.
        let check = env.run(&["check"]).expect(1);
        assert!(
            check
                .stderr
                .contains("is read-only, and this command writes to it"),
            "{}",
            check.stderr
        );
        assert!(
            check.stderr.contains("hint: list, log, show"),
            "{}",
            check.stderr
        );
    }
    assert_eq!(
        std::fs::read(&env.db).unwrap(),
        before,
        "the file is unchanged"
    );
    let files_after: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(files_before, files_after, "nothing was created beside it");
}

#[test]
fn the_database_is_private_to_its_owner() {
    let env = Env::new();
    tracked_twice(&env);
    assert_eq!(mode(&env.db), 0o600);
    assert_eq!(mode(env.db.parent().unwrap()), 0o700);
}

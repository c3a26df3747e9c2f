//! Raw pages in object storage (`--blobs`): written there before the row
//! that names them, read back exactly, remembered by the database, checked
//! by `verify`, moved by export and import, orphans swept by `gc`; on a
//! directory (`file://`) always, and on a real S3 API (moto's server from
//! PyPI) where it is installed.

use std::path::Path;
use std::time::Duration;

use crate::common::{Env, PARAS, page};
use crate::exports::have;

/// The object files under `dir` (`ab/abcd….zst`).
fn objects(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for sub in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(sub.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            found.push(f.path());
        }
    }
    found.sort();
    found
}

#[test]
fn raw_pages_live_in_a_folder_of_objects_and_come_back_exactly() {
    let env = Env::new();
    let store = env.path("objects");
    let blobs = format!("file://{}", store.display());
    let first = page("Bridge shut", PARAS, "x");
    let url = env.serve("/a", &first);
    env.run(&["--blobs", &blobs, "track", &url]).expect(0);
    let mut edited = PARAS.to_vec();
    edited[1] = "Farmers said the early opening flooded fields due for harvest.";
    let second = page("Bridge shut", &edited, "x");
    env.serve("/a", &second);
    // The database remembers its object store: no --blobs from here on.
    env.run(&["check"]).expect(0);
    let files = objects(&store);
    assert!(!files.is_empty(), "no object written");
    // The first page is whole in the store; the database holds no copy of it.
    let first_sha = env.run(&["log", "1", "--json"]).json_lines()[0]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        files
            .iter()
            .any(|f| f.ends_with(format!("{}/{first_sha}.zst", &first_sha[..2]))),
        "{files:?}"
    );
    assert_eq!(
        env.count(&format!(
            "SELECT count(*) FROM blobs WHERE sha256 = '{first_sha}' AND codec = 'object' \
             AND length(data) = 0"
        )),
        1
    );
    for (rev, html) in [("1", &first), ("2", &second)] {
        let raw = env.run(&["show", "1", rev, "--raw"]).expect(0).raw_stdout;
        assert_eq!(raw, html.as_bytes(), "rev {rev}");
    }
    env.run(&["verify"]).expect(0);
    // Another object store for this database is refused, and says which.
    let other = env
        .run(&["--blobs", "file:///nowhere/else", "list"])
        .expect(1);
    assert!(other.stderr.contains(&blobs), "{}", other.stderr);
    // Exported with the pages, imported where there is no object store.
    let dump = env.path("all.jsonl");
    env.export_all("jsonl", &dump, &["--with-raw"]).expect(0);
    let moved = env.other_db("moved.db");
    env.run_db(&moved, &["import", dump.to_str().unwrap()])
        .expect(0);
    let raw = env
        .run_db(&moved, &["show", "1", "1", "--raw"])
        .expect(0)
        .raw_stdout;
    assert_eq!(raw, first.as_bytes());
    env.run_db(&moved, &["verify"]).expect(0);
    // A damaged object is named; a missing one too.
    let object = files
        .iter()
        .find(|f| f.to_string_lossy().contains(&first_sha))
        .unwrap();
    let kept = std::fs::read(object).unwrap();
    std::fs::write(object, b"not what was written").unwrap();
    let bad = env.run(&["verify"]).expect(1);
    assert!(
        bad.stdout.contains(&first_sha) && bad.stdout.contains("#1 rev 1 page"),
        "{}",
        bad.stdout
    );
    std::fs::remove_file(object).unwrap();
    let gone = env.run(&["verify"]).expect(1);
    assert!(
        gone.stdout.contains("missing from the object store"),
        "{}",
        gone.stdout
    );
    std::fs::write(object, kept).unwrap();
    env.run(&["verify"]).expect(0);
    // An object no row names (a crash between the two writes), an hour
    // old, is swept by gc; the pages rows name stay.
    let orphan = store.join("ab").join(format!("{}.zst", "ab".repeat(32)));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"left by a crash").unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(2 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&orphan)
        .unwrap()
        .set_modified(old)
        .unwrap();
    env.run(&["gc", "--keep-last", "5"]).expect(0);
    assert!(!orphan.exists(), "the orphan was swept");
    env.run(&["verify"]).expect(0);
    assert_eq!(
        env.run(&["show", "1", "1", "--raw"]).expect(0).raw_stdout,
        first.as_bytes()
    );
}

#[test]
fn raw_pages_go_to_an_s3_api_and_come_back() {
    if !have("python3", &["-c", "import moto.server"]) || !have("curl", &["--version"]) {
        return;
    }
    let env = Env::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut s3 = std::process::Command::new("python3")
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("moto's server starts");
    let endpoint = format!("http://127.0.0.1:{port}");
    let curl = |args: &[&str]| {
        std::process::Command::new("curl")
            .args(["-fsS", "--max-time", "5"])
            .args(args)
            .output()
            .unwrap()
    };
    let started = std::time::Instant::now();
    while !curl(&[&endpoint]).status.success() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "moto did not start"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        curl(&["-X", "PUT", &format!("{endpoint}/pages")])
            .status
            .success(),
        "bucket made"
    );
    for (k, v) in [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ] {
        env.set_var(k, v);
    }
    let html = page("Ferry times", PARAS, "x");
    let url = env.serve("/a", &html);
    let run = env.run(&["--blobs", "s3://pages/redline", "track", &url]);
    let listing = String::from_utf8_lossy(
        &curl(&[&format!("{endpoint}/pages?list-type=2&prefix=redline/")]).stdout,
    )
    .into_owned();
    let raw = env.run(&["show", "1", "1", "--raw"]);
    let verified = env.run(&["verify"]);
    let _ = s3.kill();
    let _ = s3.wait();
    run.expect(0);
    assert_eq!(raw.expect(0).raw_stdout, html.as_bytes());
    verified.expect(0);
    let sha = env.run(&["log", "1", "--json"]).json_lines()[0]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        listing.contains(&format!("redline/{}/{sha}.zst", &sha[..2])),
        "{listing}"
    );
    assert_eq!(
        env.count(&format!(
            "SELECT count(*) FROM blobs WHERE sha256 = '{sha}' AND codec = 'object'"
        )),
        1
    );
}

//! Diff speed and tightness on generated article version pairs.
//!
//! A generator writes realistic pairs (old.txt, new.txt: paragraphs separated
//! by blank lines, the headline first) at 1k, 10k and 100k words, with a light
//! update (a headline rewrite, typo fixes, figure updates, a few sentences
//! rewritten, paragraphs inserted, deleted, moved, split and merged, a
//! correction appended) and a heavy rewrite (a third of the sentences
//! rewritten, many paragraphs moved), plus two 1 MB pathological pairs (every
//! word changed; every paragraph shuffled).
//!
//! Each pair is timed, whole process, best of several runs (redline and git
//! in turn, so that both meet the same moments of a noisy machine), for
//! `redline diff old.txt new.txt --view json`, `git diff --no-index
//! --word-diff=porcelain` and GNU `wdiff -s` (when installed), and the words
//! reported added + removed are compared with wdiff's count.
//!
//!     cargo bench --bench diff                       # the table
//!     cargo bench --bench diff -- --write DIR        # only write the pairs to DIR

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// xorshift64*: small, deterministic, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1_000_000) as f64 / 1_000_000.0 < p
    }
}

const FUNCTION: &[&str] = &[
    "the", "a", "of", "to", "and", "in", "on", "for", "that", "with", "was", "said", "is", "by",
    "at", "from", "it", "as", "had", "were", "would", "after", "before", "their", "which",
];
const SYLLABLES: &[&str] = &[
    "ba", "ri", "con", "ta", "ve", "lo", "mar", "ti", "sen", "da", "por", "qua", "ne", "sto",
    "lin", "ke", "mi", "ra", "tor", "en", "al", "bre", "cu", "dor",
];

struct Words {
    vocab: Vec<String>,
}

impl Words {
    fn new(rng: &mut Rng) -> Self {
        let vocab = (0..3000)
            .map(|_| {
                let n = 1 + rng.below(3);
                (0..n)
                    .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                    .collect::<String>()
            })
            .collect();
        Words { vocab }
    }

    fn word(&self, rng: &mut Rng) -> String {
        if rng.chance(0.45) {
            FUNCTION[rng.below(FUNCTION.len())].to_owned()
        } else if rng.chance(0.04) {
            format!("{}", rng.below(5000))
        } else {
            // Zipf-ish: favour the start of the vocabulary.
            let bound = rng.below(self.vocab.len()) + 1;
            let i = rng.below(bound);
            self.vocab[i].clone()
        }
    }

    fn sentence(&self, rng: &mut Rng) -> String {
        let n = 8 + rng.below(22);
        let mut words: Vec<String> = (0..n).map(|_| self.word(rng)).collect();
        let first = &mut words[0];
        *first = first[..1].to_uppercase() + &first[1..];
        let last = words.last_mut().expect("non-empty");
        last.push(if rng.chance(0.1) { '?' } else { '.' });
        words.join(" ")
    }

    fn paragraph(&self, rng: &mut Rng) -> Vec<String> {
        (0..2 + rng.below(4)).map(|_| self.sentence(rng)).collect()
    }
}

/// An article: paragraphs of sentences.
type Doc = Vec<Vec<String>>;

fn article(words: &Words, rng: &mut Rng, size: usize) -> Doc {
    let mut doc: Doc = vec![vec![words.sentence(rng)]]; // the headline
    let mut count = 0;
    while count < size {
        let p = words.paragraph(rng);
        count += p.iter().map(|s| s.split(' ').count()).sum::<usize>();
        doc.push(p);
    }
    doc
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Light,
    Heavy,
    EveryWord,
    Shuffle,
}

fn edit(words: &Words, rng: &mut Rng, old: &Doc, kind: Kind) -> Doc {
    let mut doc = old.clone();
    let units = (old.len() / 10).max(1);
    match kind {
        Kind::EveryWord => {
            for p in &mut doc {
                for s in p.iter_mut() {
                    *s = words.sentence(rng);
                }
            }
            return doc;
        }
        Kind::Shuffle => {
            for i in (2..doc.len()).rev() {
                let j = 1 + rng.below(i);
                doc.swap(i, j);
            }
            return doc;
        }
        _ => {}
    }
    let heavy = kind == Kind::Heavy;
    // Headline rewrite.
    doc[0] = vec![words.sentence(rng)];
    let n = doc.len();
    for p in doc.iter_mut().skip(1) {
        for s in p.iter_mut() {
            if heavy && rng.chance(0.33) {
                *s = words.sentence(rng); // rewritten
            } else if rng.chance(if heavy { 0.15 } else { 0.02 }) {
                // Typo fix or figure update: one word.
                let mut ws: Vec<String> = s.split(' ').map(str::to_owned).collect();
                let i = rng.below(ws.len());
                ws[i] = if rng.chance(0.5) {
                    format!("{}", rng.below(5000))
                } else {
                    format!("{}e", ws[i])
                };
                *s = ws.join(" ");
            }
        }
    }
    let scale = if heavy { 3 } else { 1 };
    for _ in 0..units * scale / 3 + 1 {
        let at = 1 + rng.below(doc.len() - 1);
        doc.insert(at, words.paragraph(rng)); // inserted
    }
    for _ in 0..units * scale / 4 + 1 {
        if doc.len() > 3 {
            let at = 1 + rng.below(doc.len() - 1);
            doc.remove(at); // deleted
        }
    }
    for _ in 0..units * scale / 3 + 1 {
        let from = 1 + rng.below(doc.len() - 1);
        let p = doc.remove(from);
        let to = 1 + rng.below(doc.len() - 1);
        doc.insert(to, p); // moved
    }
    for _ in 0..units / 4 + 1 {
        let at = 1 + rng.below(doc.len() - 1);
        if doc[at].len() > 1 {
            let half = doc[at].len() / 2;
            let tail = doc[at].split_off(half);
            doc.insert(at + 1, tail); // split
        }
        let at = 1 + rng.below(doc.len() - 2);
        let next = doc.remove(at + 1);
        doc[at].extend(next); // merged
    }
    let _ = n;
    doc.push(vec![
        "Correction: an earlier version of this article gave the wrong figure.".to_owned(),
    ]);
    doc
}

fn text(doc: &Doc) -> String {
    let paras: Vec<String> = doc.iter().map(|p| p.join(" ")).collect();
    paras.join("\n\n") + "\n"
}

fn words_in(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Best wall time of `runs` runs of a command, and its last stdout.
fn time(cmd: &[&str], runs: usize) -> Option<(Duration, String)> {
    let mut best = Duration::MAX;
    let mut out = String::new();
    for _ in 0..runs {
        let (t, o) = once(cmd)?;
        best = best.min(t);
        out = o;
    }
    Some((best, out))
}

/// One whole-process run: its time and what it printed.
fn once(cmd: &[&str]) -> Option<(Duration, String)> {
    let t = Instant::now();
    let o = Command::new(cmd[0]).args(&cmd[1..]).output().ok()?;
    Some((t.elapsed(), String::from_utf8_lossy(&o.stdout).into_owned()))
}

/// Best times of two commands run in turn, so that both see the same
/// moments of a noisy machine; `None` for a command that cannot run.
type Timed = Option<(Duration, String)>;
fn time_both(a: &[&str], b: &[&str], runs: usize) -> (Timed, Timed) {
    let (mut ta, mut tb): (Timed, Timed) = (None, None);
    let best = |slot: &mut Timed, cmd: &[&str]| {
        if let Some((t, out)) = once(cmd)
            && slot.as_ref().is_none_or(|(b, _)| t < *b)
        {
            *slot = Some((t, out));
        }
    };
    for _ in 0..runs {
        best(&mut ta, a);
        best(&mut tb, b);
    }
    (ta, tb)
}

/// Words added + removed from wdiff's `-s` statistics.
fn wdiff_count(stats: &str) -> Option<usize> {
    let mut total = 0;
    for line in stats.lines().filter(|l| l.contains(" words")) {
        let nums: Vec<usize> = line
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        // file: W words  C P% common  D P% deleted|inserted  X P% changed
        if nums.len() >= 4 {
            total += nums[2] + nums[3];
        }
    }
    (total > 0).then_some(total)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let write_only = args
        .iter()
        .position(|a| a == "--write")
        .map(|i| PathBuf::from(&args[i + 1]));
    let dir = write_only
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("redline-diff-bench"));
    std::fs::create_dir_all(&dir).expect("bench folder");
    let mut rng = Rng(0x5EED_1234_ABCD_0042);
    let words = Words::new(&mut rng);
    let mut cases: Vec<(String, Kind, usize)> = Vec::new();
    for size in [1_000, 10_000, 100_000] {
        cases.push((format!("{}k-light", size / 1000), Kind::Light, size));
        cases.push((format!("{}k-heavy", size / 1000), Kind::Heavy, size));
    }
    cases.push(("1MB-every-word".into(), Kind::EveryWord, 170_000));
    cases.push(("1MB-shuffled".into(), Kind::Shuffle, 170_000));
    let mut pairs: Vec<(String, Kind, PathBuf, PathBuf)> = Vec::new();
    for (name, kind, size) in cases {
        let old = article(&words, &mut rng, size);
        let new = edit(&words, &mut rng, &old, kind);
        let (a, b) = (
            dir.join(format!("{name}.old.txt")),
            dir.join(format!("{name}.new.txt")),
        );
        std::fs::write(&a, text(&old)).expect("write");
        std::fs::write(&b, text(&new)).expect("write");
        pairs.push((name, kind, a, b));
    }
    if write_only.is_some() {
        println!("wrote {} pairs to {}", pairs.len(), dir.display());
        return;
    }
    let shipped = shipped_binary(&dir);
    let redline = shipped.as_str();
    let has_wdiff = Command::new("wdiff").arg("--version").output().is_ok();
    let mut table = String::new();
    writeln!(
        table,
        "| pair | words | redline | git --word-diff | ratio | wdiff | redline +/- | moved | wdiff +/- | diff |"
    )
    .unwrap();
    writeln!(table, "|---|---|---|---|---|---|---|---|---|---|").unwrap();
    for (name, kind, a, b) in &pairs {
        let (a, b) = (path(a), path(b));
        let n = words_in(&std::fs::read_to_string(&a).unwrap_or_default());
        // Short runs are noisy and cheap: many of them.
        let runs = match n {
            ..=20_000 => 31,
            20_001..=150_000 => 11,
            _ => 3,
        };
        let (red, git) = time_both(
            &[redline, "--no-pager", "diff", &a, &b, "--view", "json"],
            &[
                "git",
                "diff",
                "--no-index",
                "--word-diff=porcelain",
                "--no-color",
                &a,
                &b,
            ],
            runs,
        );
        let Some((t_red, json)) = red else {
            eprintln!("cannot run {redline}");
            return;
        };
        let v: serde_json::Value = serde_json::from_str(json.trim()).expect("redline json");
        // Moved words are reported as moved, not as removed and added.
        let moved = v["stats"]["words_moved"].as_u64().unwrap_or(0);
        let red_count =
            v["words_added"].as_u64().unwrap_or(0) + v["words_removed"].as_u64().unwrap_or(0);
        let pathological = matches!(kind, Kind::EveryWord | Kind::Shuffle);
        let wd = if has_wdiff && !pathological {
            time(
                &["wdiff", "-s", "-1", "-2", "-3", &a, &b],
                if n > 50_000 { 1 } else { 3 },
            )
        } else {
            None
        };
        let wd_count = wd.as_ref().and_then(|(_, out)| wdiff_count(out));
        let ratio = git
            .as_ref()
            .map(|(t, _)| format!("{:.2}x", t.as_secs_f64() / t_red.as_secs_f64()))
            .unwrap_or_default();
        let gap = wd_count
            .map(|w| format!("{:+.1}%", (red_count as f64 - w as f64) / w as f64 * 100.0))
            .unwrap_or_default();
        writeln!(
            table,
            "| {name} | {n} | {} | {} | {ratio} | {} | {red_count} | {moved} | {} | {gap} |",
            ms(t_red),
            git.map(|(t, _)| ms(t)).unwrap_or_default(),
            wd.map(|(t, _)| ms(t)).unwrap_or_else(|| "-".into()),
            wd_count
                .map(|c| c.to_string())
                .unwrap_or_else(|| "-".into()),
        )
        .unwrap();
        if pathological {
            let ops = v["body"].as_array().map_or(0, Vec::len);
            let moved = v["body"]
                .as_array()
                .map_or(0, |b| b.iter().filter(|o| o["op"] == "moved").count());
            eprintln!(
                "{name}: {ops} operations, {moved} moves, coarse: {}",
                v["coarse"]
            );
        }
    }
    println!("{table}");
    println!(
        "ratio = git time / redline time (above 1: redline is faster); redline +/- leaves out \
         moved words (wdiff, which has no moves, counts them as deleted and inserted); \
         diff = redline +/- against wdiff +/-"
    );
}

/// The binary users get from `cargo install`: built as `cargo build
/// --release` builds it, then copied into `dir`, as `cargo install` copies it
/// into `~/.cargo/bin`.
///
/// Not the binary `cargo bench` builds: that one has the dev-dependencies'
/// features unified into its dependencies (tokio's test-util, for one) and
/// measured slower to start. Built into a folder of its own, since `cargo
/// bench` holds the lock of the usual one while it runs. And copied, because
/// a binary fresh from the linker starts measurably slower here (0.1 to 0.7
/// ms) than the same bytes copied or read back from disk: the linker's small
/// writes leave it in the page cache in small pieces, which cost more page
/// faults to map.
fn shipped_binary(dir: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target").join("shipped");
    eprintln!("building the release binary into {}", target.display());
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--quiet",
            "--bin",
            "redline",
            "--target-dir",
        ])
        .arg(&target)
        .current_dir(root)
        .status()
        .expect("run cargo");
    assert!(status.success(), "cargo build --release failed");
    let installed = dir.join("redline");
    std::fs::copy(target.join("release").join("redline"), &installed).expect("copy the binary");
    path(&installed)
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

//! Writes successive versions of one generated news page, for the storage
//! benchmark (`benches/storage.sh`).
//!
//!     cargo run --release --example storage_pages -- --versions 100 --kb 100 --out DIR
//!
//! Each page is about `--kb` KB of varied markup: navigation, inline state
//! JSON, styles, the article (16 paragraphs), "most read" and related lists,
//! ad slots. Version k edits one paragraph of the article (a different one
//! each time) and churns the boilerplate as real sites do: a new build
//! timestamp, nonces and cache-busting tokens, a reshuffled "most read" list
//! and fresh ad slot ids. Files are `DIR/0.html` … `DIR/{N-1}.html`.

use std::fmt::Write as _;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[(self.next() % 16) as usize]))
            .collect()
    }
}

const WORDS: &[&str] = &[
    "council",
    "harbour",
    "ferry",
    "budget",
    "residents",
    "bridge",
    "storm",
    "school",
    "police",
    "market",
    "library",
    "station",
    "hospital",
    "minister",
    "report",
    "weather",
    "river",
    "road",
    "inquiry",
    "contract",
    "teachers",
    "union",
    "tenants",
    "airport",
    "funding",
    "plans",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "said",
    "on",
    "after",
    "with",
    "for",
    "was",
    "would",
    "could",
    "last",
    "week",
    "new",
    "local",
    "year",
    "million",
    "by",
    "from",
    "at",
    "that",
];

fn sentence(rng: &mut Rng, n: usize) -> String {
    let mut s: Vec<&str> = (0..n).map(|_| rng.pick(WORDS)).collect();
    let first = s[0].to_owned();
    let mut out = String::new();
    out.push_str(&first[..1].to_uppercase());
    out.push_str(&first[1..]);
    s.remove(0);
    for w in s {
        out.push(' ');
        out.push_str(w);
    }
    out.push('.');
    out
}

fn paragraph(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    (0..3)
        .map(|_| {
            let n = 12 + (rng.next() % 14) as usize;
            sentence(&mut rng, n)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn page(version: u64, kb: usize) -> String {
    // What stays the same between versions comes from fixed seeds; what
    // churns comes from the version.
    let mut fixed = Rng(0x5EED_1234_ABCD_0001);
    let mut churn = Rng(0xC0FF_EE00_0000_0001 ^ (version + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let mut h = String::with_capacity(kb * 1024 + 4096);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Harbour council delays ferry contract | The Lowmoor Courier</title>\
         <meta name=\"build\" content=\"{}\"><link rel=\"stylesheet\" href=\"/static/site.{}.css\">\
         <script nonce=\"{}\">window.__BUILD__=\"{}\";</script><style>",
        1_767_000_000 + version * 3600,
        churn.hex(10),
        churn.hex(22),
        churn.hex(40)
    );
    for k in 0..120 {
        let _ = write!(
            h,
            ".c-{}-{k}{{margin:{}px {}px;color:#{}}}",
            fixed.hex(5),
            fixed.next() % 40,
            fixed.next() % 40,
            fixed.hex(6)
        );
    }
    h.push_str("</style></head><body><header><nav>");
    for k in 0..80 {
        let _ = write!(
            h,
            "<a class=\"nav-{k}\" href=\"/section/{}/{}\">{}</a>",
            fixed.pick(WORDS),
            fixed.hex(6),
            sentence(&mut fixed, 2)
        );
    }
    h.push_str(
        "</nav></header><main><article><h1>Harbour council delays ferry contract</h1>\
                <p class=\"byline\">By Ines Carrow</p><div class=\"article-body\">",
    );
    let paragraphs = 16u64;
    for p in 0..paragraphs {
        // Paragraph p carries the edits of every version that chose it.
        let edits = (1..=version).filter(|v| v % paragraphs == p).count() as u64;
        let _ = write!(h, "<p>{}</p>", paragraph(p * 1_000_003 + edits * 7919));
    }
    h.push_str("</div></article><aside class=\"most-read\"><ol>");
    let mut most: Vec<String> = (0..10).map(|_| sentence(&mut fixed, 9)).collect();
    most.rotate_left((version % 10) as usize);
    for m in &most {
        let _ = write!(h, "<li>{m}</li>");
    }
    h.push_str("</ol></aside><aside class=\"related\"><ul>");
    // Sized from --kb alone, so that every version has the same lists.
    let mut fixed = Rng(0x5EED_1234_ABCD_0002);
    for _ in 0..kb * 1024 * 11 / 25 / 150 {
        let _ = write!(
            h,
            "<li><a href=\"/news/{}/{}\"><img src=\"/img/{}.jpg\" alt=\"\">{}</a></li>",
            fixed.pick(WORDS),
            fixed.hex(8),
            fixed.hex(12),
            sentence(&mut fixed, 10)
        );
    }
    h.push_str("</ul></aside>");
    for k in 0..6 {
        let _ = write!(
            h,
            "<div class=\"ad\" id=\"ad-{k}-{}\" data-slot=\"{}\" data-cb=\"{}\"></div>",
            churn.hex(8),
            churn.hex(16),
            churn.next() % 1_000_000
        );
    }
    h.push_str("</main><script type=\"application/json\" id=\"state\">{\"items\":[");
    let mut fixed = Rng(0x5EED_1234_ABCD_0003);
    for k in 0..kb * 1024 * 11 / 25 / 80 {
        if k > 0 {
            h.push(',');
        }
        let _ = write!(
            h,
            "{{\"id\":\"{}\",\"t\":\"{}\",\"s\":{}}}",
            fixed.hex(12),
            sentence(&mut fixed, 6),
            fixed.next() % 10_000
        );
    }
    let _ = writeln!(
        h,
        "],\"ts\":{},\"req\":\"{}\"}}</script></body></html>",
        1_767_000_000 + version * 3600,
        churn.hex(32)
    );
    h
}

fn main() {
    let versions: u64 = arg("--versions", "100").parse().expect("--versions N");
    let kb: usize = arg("--kb", "100").parse().expect("--kb N");
    let out = std::path::PathBuf::from(arg("--out", "pages"));
    std::fs::create_dir_all(&out).expect("create the output folder");
    for v in 0..versions {
        std::fs::write(out.join(format!("{v}.html")), page(v, kb)).expect("write a page");
    }
}

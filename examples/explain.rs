//! Shows how the generic extractor sees a page: the best-scored containers and
//! the roots it reads. A development aid for extraction work:
//!
//!     cargo run --example explain -- page.html

use redline::extract::body::Filter;
use scraper::Html;

fn describe(node: ego_tree::NodeRef<'_, scraper::Node>) -> String {
    let mut chain: Vec<String> = node
        .ancestors()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .chain(std::iter::once(node))
        .filter_map(|n| {
            n.value().as_element().map(|e| {
                let mut s = e.name().to_owned();
                if let Some(id) = e.attr("id") {
                    s.push_str(&format!("#{id}"));
                }
                if let Some(c) = e.attr("class") {
                    s.push_str(&format!(
                        ".{}",
                        c.split_whitespace().collect::<Vec<_>>().join(".")
                    ));
                }
                s
            })
        })
        .collect();
    if chain.len() > 6 {
        chain.drain(..chain.len() - 6);
    }
    chain.join(" > ")
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--find TEXT`: show which ancestors of TEXT count as boilerplate.
    let find = args.iter().position(|a| a == "--find").map(|i| {
        let t = args.remove(i + 1);
        args.remove(i);
        t
    });
    for path in args {
        let bytes = std::fs::read(&path).expect("readable file");
        let (html, _) = redline::fetch::charset::decode(&bytes, None);
        let doc = Html::parse_document(&html);
        println!("== {path}");
        for (node, score) in redline::extract::body::candidates(&doc, Filter::STRICT)
            .into_iter()
            .take(8)
        {
            println!("  {score:7.1}  {}", describe(node));
        }
        if let Some(needle) = &find {
            let hit = doc
                .tree
                .nodes()
                .filter(|n| {
                    n.parent()
                        .and_then(|p| p.value().as_element().map(|e| e.name() != "script"))
                        .unwrap_or(false)
                })
                .find(|n| {
                    n.value()
                        .as_text()
                        .is_some_and(|t| t.contains(needle.as_str()))
                });
            match hit {
                None => println!("  --find: {needle:?} not in any text node"),
                Some(n) => {
                    for a in n.ancestors() {
                        if let Some(el) = a.value().as_element()
                            && redline::extract::body::is_boilerplate(el)
                        {
                            println!("  boilerplate ancestor: {}", describe(a));
                        }
                    }
                    println!("  found in: {}", describe(n.parent().unwrap()));
                }
            }
        }
        let roots = redline::extract::body::find_roots(&doc, Filter::STRICT);
        for r in &roots {
            println!("  root: {}", describe(*r));
        }
        let blocks = redline::extract::body::read_blocks(&roots, Filter::STRICT);
        let extracted = redline::extract::body::extract(&doc, None, None);
        println!("  extract(): {} paragraphs", extracted.paragraphs.len());
        println!(
            "  {} paragraphs, {} corrections",
            blocks.paragraphs.len(),
            blocks.corrections.len()
        );
        for p in blocks.paragraphs.iter().take(3) {
            println!("    | {}", p.chars().take(100).collect::<String>());
        }
    }
}

//! The generic body extractor: finds the element that holds the article's
//! paragraphs and reads its blocks, leaving boilerplate behind.
//!
//! Scoring follows the idea behind Readability: every substantial paragraph
//! scores its parent (and half to its grandparent); the best-scored element is the
//! content container, joined by siblings that score well too. Boilerplate
//! (navigation, asides, share bars, related links, ads, comments, banners) is
//! recognised by tag, ARIA role and class/id tokens, and never scored or read.
//! The DOM is walked a fixed number of times and never re-serialised.

use std::collections::HashMap;

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::node::Element;
use scraper::{Html, Node};

use super::text::squash;

type NodeRef<'a> = ego_tree::NodeRef<'a, Node>;

/// The blocks of an article body, with correction and update notes apart.
#[derive(Debug, Default)]
pub struct Blocks {
    pub paragraphs: Vec<String>,
    pub corrections: Vec<String>,
}

/// Finds the content container(s) of `doc` by paragraph scoring.
pub fn find_roots(doc: &Html) -> Vec<NodeRef<'_>> {
    let mut scores: HashMap<NodeId, f32> = HashMap::new();
    let mut skip: Option<NodeId> = None;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) if skip.is_none() => {
                let Some(el) = node.value().as_element() else {
                    continue;
                };
                if is_boilerplate(el) {
                    skip = Some(node.id());
                } else if el.name() == "p" || el.name() == "pre" {
                    let block = block_text(node);
                    let len = block.text.chars().count();
                    if len >= 25 && block.link_chars * 2 <= len {
                        let score = 1.0
                            + block.text.matches([',', '，', '、']).count() as f32
                            + (len as f32 / 100.0).min(3.0);
                        if let Some(parent) = node.parent() {
                            *scores.entry(parent.id()).or_default() += score;
                            if let Some(grand) = parent.parent() {
                                *scores.entry(grand.id()).or_default() += score / 2.0;
                                if let Some(great) = grand.parent() {
                                    *scores.entry(great.id()).or_default() += score / 6.0;
                                }
                            }
                        }
                    }
                    skip = Some(node.id());
                }
            }
            Edge::Close(node) if skip == Some(node.id()) => skip = None,
            _ => {}
        }
    }
    let mut ranked: Vec<(NodeId, f32)> = scores
        .into_iter()
        .filter(|(id, _)| doc.tree.get(*id).is_some_and(|n| n.value().is_element()))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let Some(&(first_id, top_score)) = ranked.first() else {
        return Vec::new();
    };
    let Some(first) = doc.tree.get(first_id) else {
        return Vec::new();
    };
    // A body split over several containers (columns between ads and asides):
    // when other strong candidates share an ancestor with the best one, that
    // ancestor is the body.
    let top = shared_ancestor(first, &ranked, top_score).unwrap_or(first);
    let top_id = top.id();
    let scores: HashMap<NodeId, f32> = ranked.into_iter().collect();
    let Some(parent) = top.parent().filter(|p| p.value().is_element()) else {
        return vec![top];
    };
    let threshold = (top_score * 0.25).max(3.0);
    parent
        .children()
        .filter(|child| {
            if child.id() == top_id {
                return true;
            }
            let Some(el) = child.value().as_element() else {
                return false;
            };
            if is_boilerplate(el) {
                return false;
            }
            // A correction note set apart from the body still belongs to it.
            if is_correction_container(el) {
                return true;
            }
            if scores.get(&child.id()).is_some_and(|s| *s >= threshold) {
                return true;
            }
            if el.name() == "p" {
                let block = block_text(*child);
                let len = block.text.chars().count();
                return len >= 80 && block.link_chars * 4 <= len;
            }
            false
        })
        .collect()
}

/// The nearest ancestor of `top` (below `<body>`) that also holds at least two
/// other strong candidates, neither inside `top` nor around it.
fn shared_ancestor<'a>(
    top: NodeRef<'a>,
    ranked: &[(NodeId, f32)],
    top_score: f32,
) -> Option<NodeRef<'a>> {
    let chain: Vec<NodeId> = top.ancestors().map(|a| a.id()).collect();
    let tree = top.tree();
    let mut counts: HashMap<NodeId, usize> = HashMap::new();
    for &(id, score) in ranked.iter().skip(1).take(12) {
        if score < top_score * 0.4 {
            break;
        }
        let Some(node) = tree.get(id) else { continue };
        if chain.contains(&id) || node.ancestors().any(|a| a.id() == top.id()) {
            continue;
        }
        if let Some(lca) = node.ancestors().find(|a| chain.contains(&a.id())) {
            *counts.entry(lca.id()).or_default() += 1;
        }
    }
    chain
        .iter()
        .filter(|id| counts.get(id).is_some_and(|c| *c >= 2))
        .filter_map(|id| tree.get(*id))
        .find(|a| {
            a.value()
                .as_element()
                .is_some_and(|el| !matches!(el.name(), "html" | "body"))
        })
}

/// Reads the paragraphs (and correction notes) under `roots`, in document order.
pub fn read_blocks(roots: &[NodeRef<'_>]) -> Blocks {
    let mut out = Blocks::default();
    for root in roots {
        read_into(*root, &mut out);
    }
    out
}

fn read_into(root: NodeRef<'_>, out: &mut Blocks) {
    let mut skip: Option<NodeId> = None;
    // Depth of open elements that mark correction notes.
    let mut in_correction: Vec<NodeId> = Vec::new();
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if skip.is_none() => {
                let Some(el) = node.value().as_element() else {
                    continue;
                };
                if node.id() != root.id() && is_boilerplate(el) {
                    skip = Some(node.id());
                    continue;
                }
                if is_correction_container(el) {
                    in_correction.push(node.id());
                }
                let name = el.name();
                // `<strong>Correction:</strong> <p>…</p>`: the label's parent is a note.
                if matches!(name, "strong" | "b" | "span" | "em")
                    && is_correction_label(&block_text(node).text)
                    && let Some(parent) = node.parent()
                    && parent.id() != root.id()
                    && in_correction.last() != Some(&parent.id())
                {
                    in_correction.push(parent.id());
                }
                let is_block = match name {
                    "p" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "pre" | "dd" | "dt" => true,
                    "h1" => {
                        skip = Some(node.id());
                        continue;
                    }
                    // A link wrapping blocks is a teaser card for another story.
                    "a" => {
                        if node.descendants().skip(1).any(|d| {
                            d.value().as_element().is_some_and(|e| {
                                matches!(e.name(), "p" | "h2" | "h3" | "h4" | "div" | "li")
                            })
                        }) {
                            skip = Some(node.id());
                        }
                        continue;
                    }
                    "blockquote" | "div" | "section" | "td" => is_leaf_text_container(node),
                    _ => false,
                };
                if !is_block {
                    continue;
                }
                skip = Some(node.id());
                let block = block_text(node);
                let len = block.text.chars().count();
                if len == 0 || block.link_chars * 2 > len || is_label(&block.text) {
                    continue;
                }
                if is_print_line(&block.text) {
                    continue;
                }
                if !in_correction.is_empty() || is_correction_note(&block.text) {
                    out.corrections.push(block.text);
                } else {
                    out.paragraphs.push(block.text);
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                }
                if in_correction.last() == Some(&node.id()) {
                    in_correction.pop();
                }
            }
            _ => {}
        }
    }
}

/// Finds correction notes outside the body containers: a block whose text starts
/// like a note ("Correction: …"), or a block led by a "Correction:" label in its
/// own element (`<strong>Correction:</strong> <p>…</p>`). Boilerplate and links
/// are skipped; notes already found are not repeated.
pub fn find_correction_notes(doc: &Html, roots: &[NodeRef<'_>], out: &mut Blocks) {
    let inside_roots = |n: NodeRef<'_>| {
        n.ancestors()
            .any(|a| roots.iter().any(|r| r.id() == a.id()))
    };
    let mut skip: Option<NodeId> = None;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) if skip.is_none() => {
                let Some(el) = node.value().as_element() else {
                    continue;
                };
                if is_boilerplate(el)
                    || el.name() == "a"
                    || roots.iter().any(|r| r.id() == node.id())
                {
                    skip = Some(node.id());
                    continue;
                }
                if !matches!(
                    el.name(),
                    "strong" | "b" | "span" | "p" | "h2" | "h3" | "h4" | "div"
                ) {
                    continue;
                }
                let label = block_text(node).text;
                if label.len() > 20 || !is_correction_label(&label) {
                    continue;
                }
                let Some(parent) = node.parent() else {
                    continue;
                };
                if inside_roots(parent) {
                    continue;
                }
                let note = block_text(parent).text;
                if note.len() > label.len() + 10
                    && note.len() < 2000
                    && !out.corrections.contains(&note)
                {
                    out.corrections.push(note);
                }
                skip = Some(node.id());
            }
            Edge::Close(node) if skip == Some(node.id()) => skip = None,
            _ => {}
        }
    }
}

/// Newspaper sites' "this appeared in print" trailer.
fn is_print_line(text: &str) -> bool {
    text.starts_with("A version of this article appears in print")
        || text.starts_with("A version of this story appears in print")
}

fn is_correction_label(text: &str) -> bool {
    let t = text.trim().trim_end_matches(':').trim().to_lowercase();
    matches!(
        t.as_str(),
        "correction" | "corrections" | "clarification" | "editor's note" | "editor’s note"
    )
}

/// The text of one block, and how much of it sits inside links.
pub struct BlockText {
    pub text: String,
    pub link_chars: usize,
}

/// Concatenates the text under `node`, skipping scripts and nested boilerplate,
/// with `<br>` read as a space; whitespace squashed.
pub fn block_text(node: NodeRef<'_>) -> BlockText {
    let mut raw = String::new();
    let mut link_chars = 0;
    let mut link_depth = 0usize;
    let mut skip: Option<NodeId> = None;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) if skip.is_none() => match n.value() {
                Node::Text(t) => {
                    if link_depth > 0 {
                        link_chars += t.chars().filter(|c| !c.is_whitespace()).count();
                    }
                    raw.push_str(t);
                }
                Node::Element(el) => match el.name() {
                    "br" | "hr" => raw.push(' '),
                    "a" => link_depth += 1,
                    _ if n.id() != node.id() && (is_invisible(el) || is_boilerplate(el)) => {
                        skip = Some(n.id())
                    }
                    _ => {}
                },
                _ => {}
            },
            Edge::Close(n) => {
                if skip == Some(n.id()) {
                    skip = None;
                } else if skip.is_none()
                    && n.value().as_element().is_some_and(|el| el.name() == "a")
                {
                    link_depth = link_depth.saturating_sub(1);
                }
            }
            _ => {}
        }
    }
    let text = squash(&raw);
    // Link characters were counted without whitespace; compare like with like.
    let text_chars = text.chars().filter(|c| !c.is_whitespace()).count();
    let scale = if text_chars == 0 {
        0.0
    } else {
        text.chars().count() as f32 / text_chars as f32
    };
    BlockText {
        link_chars: (link_chars as f32 * scale) as usize,
        text,
    }
}

/// A `div`-like element that holds text directly and no block elements: read
/// it as one paragraph (sites that write paragraphs as `<div>`s).
fn is_leaf_text_container(node: NodeRef<'_>) -> bool {
    let has_direct_text = node.children().any(|c| {
        c.value()
            .as_text()
            .is_some_and(|t| t.chars().filter(|c| !c.is_whitespace()).count() >= 20)
    });
    has_direct_text
        && !node.descendants().skip(1).any(|d| {
            d.value().as_element().is_some_and(|el| {
                matches!(
                    el.name(),
                    "p" | "div"
                        | "section"
                        | "article"
                        | "li"
                        | "ul"
                        | "ol"
                        | "table"
                        | "blockquote"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "pre"
                )
            })
        })
}

/// Elements never displayed.
fn is_invisible(el: &Element) -> bool {
    matches!(
        el.name(),
        "script" | "style" | "noscript" | "template" | "svg" | "button" | "select" | "textarea"
    ) || el.attr("hidden").is_some()
        || el.attr("aria-hidden") == Some("true")
        || el.attr("style").is_some_and(|s| {
            let s = s.replace(' ', "").to_ascii_lowercase();
            s.contains("display:none") || s.contains("visibility:hidden")
        })
}

/// Class and id tokens that mark page furniture rather than the article.
const BOILERPLATE_TOKENS: &[&str] = &[
    "ad",
    "ads",
    "adslot",
    "advert",
    "advertisement",
    "adverts",
    "banner",
    "breadcrumb",
    "breadcrumbs",
    "byline",
    "caption",
    "comment",
    "comments",
    "consent",
    "cookie",
    "cookies",
    "credit",
    "dateline",
    "footer",
    "gallery",
    "masthead",
    "menu",
    "modal",
    "nav",
    "navbar",
    "newsletter",
    "outbrain",
    "paywall",
    "popular",
    "popup",
    "print",
    "promo",
    "promotion",
    "recirc",
    "recommendations",
    "recommended",
    "related",
    "share",
    "sharing",
    "sidebar",
    "signup",
    "skip",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "taboola",
    "tags",
    "ticker",
    "toolbar",
    "trending",
    "video",
    "videos",
    "widget",
];

/// Class or id fragments that mark the article body; they win over the above.
const CONTENT_MARKERS: &[&str] = &[
    "article-body",
    "articlebody",
    "article__body",
    "article_body",
    "story-body",
    "storybody",
    "entry-content",
    "post-content",
    "post-body",
    "article-content",
    "story-content",
    "article-text",
    "body-text",
];

/// Furniture by tag, ARIA role, or class/id tokens.
pub fn is_boilerplate(el: &Element) -> bool {
    let name = el.name();
    if matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    if is_invisible(el)
        || matches!(
            name,
            "nav"
                | "aside"
                | "footer"
                | "header"
                | "form"
                | "iframe"
                | "figure"
                | "figcaption"
                | "dialog"
                | "menu"
        )
    {
        return true;
    }
    if let Some(role) = el.attr("role")
        && matches!(
            role,
            "navigation"
                | "complementary"
                | "banner"
                | "contentinfo"
                | "dialog"
                | "alertdialog"
                | "menu"
                | "search"
        )
    {
        return true;
    }
    let class = el.attr("class").unwrap_or("");
    let id = el.attr("id").unwrap_or("");
    if class.is_empty() && id.is_empty() {
        return false;
    }
    let names = format!("{class} {id}").to_ascii_lowercase();
    if CONTENT_MARKERS.iter().any(|m| names.contains(m)) {
        return false;
    }
    if [
        "most-read",
        "mostread",
        "most_read",
        "most-popular",
        "read-more",
        "more-stories",
    ]
    .iter()
    .any(|m| names.contains(m))
    {
        return true;
    }
    names
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .any(|token| BOILERPLATE_TOKENS.binary_search(&token).is_ok())
}

fn is_correction_container(el: &Element) -> bool {
    let class = el.attr("class").unwrap_or("");
    let id = el.attr("id").unwrap_or("");
    let names = format!("{class} {id}").to_ascii_lowercase();
    [
        "correction",
        "clarification",
        "editors-note",
        "editor-note",
        "update-note",
    ]
    .iter()
    .any(|m| names.contains(m))
}

/// A paragraph that is a correction or update note by its wording.
pub fn is_correction_note(text: &str) -> bool {
    let lower = text.to_lowercase().replace('’', "'");
    [
        "correction:",
        "corrections:",
        "correction (",
        "clarification:",
        "editor's note:",
        "update:",
        "an earlier version of this",
        "this article has been corrected",
        "this article was corrected",
        "this article has been amended",
        "this story has been corrected",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// Short labels that are furniture wherever they appear.
fn is_label(text: &str) -> bool {
    const LABELS: &[&str] = &[
        "advertisement",
        "advertisement:",
        "continue reading",
        "read more",
        "share this article",
        "share",
        "sign up",
        "subscribe",
        "skip to content",
        "story continues below advertisement",
    ];
    text.len() < 40 && LABELS.contains(&text.trim_end_matches('.').to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_tokens_are_sorted_for_binary_search() {
        let mut sorted = BOILERPLATE_TOKENS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, BOILERPLATE_TOKENS);
    }

    fn blocks(html: &str) -> Blocks {
        let doc = Html::parse_document(html);
        read_blocks(&find_roots(&doc))
    }

    #[test]
    fn picks_the_paragraph_container_and_drops_furniture() {
        let b = blocks(
            r#"<body><nav><p>Home, World, Sport, Weather, and all the other sections here</p></nav>
            <div class="story"><p>The first paragraph of the story, with a comma, is long enough.</p>
            <div class="share-bar"><p>Share on every network you can think of, please do</p></div>
            <p>The second paragraph carries on, at some length, about the matter.</p>
            <p>Correction: an earlier version misspelled the mayor's name.</p></div>
            <aside><p>Related: something else entirely, which is not this story at all.</p></aside>
            </body>"#,
        );
        assert_eq!(
            b.paragraphs,
            [
                "The first paragraph of the story, with a comma, is long enough.",
                "The second paragraph carries on, at some length, about the matter."
            ]
        );
        assert_eq!(
            b.corrections,
            ["Correction: an earlier version misspelled the mayor's name."]
        );
    }

    #[test]
    fn link_lists_are_not_paragraphs() {
        let b = blocks(
            r#"<div><p>A real paragraph of the article that is long enough to count here.</p>
            <p>Another real paragraph, also long enough, with commas, to be scored.</p>
            <ul><li><a href="/a">A link to another story in the list of links</a></li></ul></div>"#,
        );
        assert_eq!(b.paragraphs.len(), 2, "{:?}", b.paragraphs);
    }

    #[test]
    fn empty_page_has_no_roots() {
        let doc = Html::parse_document("<html><body><div></div></body></html>");
        assert!(find_roots(&doc).is_empty());
    }
}

//! The generic body extractor: finds the element that holds the article's
//! paragraphs and reads its blocks, leaving boilerplate behind.
//!
//! Scoring follows the idea behind Readability: every substantial text block
//! (a `<p>`, a `<div>` of inline text, or loose text between blocks) scores its
//! parent, half to its grandparent and a sixth to the next; the best-scored
//! element is the content container, joined by siblings that score well too, or
//! replaced by a shared ancestor when the body is split over several columns.
//! Boilerplate (navigation, asides, share bars, related links, ads, comments,
//! banners) is recognised by tag, ARIA role and class/id tokens, and never
//! scored or read. When that finds almost nothing, the class/id tokens are
//! dropped and the page is read again, as Readability's retries do.
//!
//! The DOM is walked a fixed number of times and never re-serialised.
//!
//! Over 1,000 lines, on purpose: the scorer, its boilerplate tables and its
//! fall-backs are one algorithm tuned together against the benchmark; split,
//! each half would be read without the other.

use std::collections::{HashMap, HashSet};

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

impl Blocks {
    fn text_len(&self) -> usize {
        self.paragraphs.iter().map(String::len).sum()
    }
}

/// How page furniture is recognised.
#[derive(Debug, Clone, Copy)]
pub struct Filter<'a> {
    /// Use class and id names (`sidebar`, `related`, …), not only tags and roles.
    pub classes: bool,
    /// Elements a site rule removes, with everything inside them.
    pub removed: Option<&'a HashSet<NodeId>>,
}

impl Filter<'_> {
    pub const STRICT: Filter<'static> = Filter {
        classes: true,
        removed: None,
    };
    pub const RELAXED: Filter<'static> = Filter {
        classes: false,
        removed: None,
    };

    /// True when `node` (whose element is `el`) is furniture or removed.
    fn skips(&self, node: NodeRef<'_>, el: &Element) -> bool {
        self.removed.is_some_and(|r| r.contains(&node.id())) || is_boilerplate_with(el, *self)
    }
}

/// A body shorter than this (in bytes) after the strict pass is read again
/// with the relaxed filter.
const RETRY_BELOW: usize = 300;

/// Reads the body of `doc`: from `roots` when the caller knows them (a site
/// rule, `itemprop=articleBody`), else from the containers found by scoring.
pub fn extract<'a>(
    doc: &'a Html,
    roots: Option<Vec<NodeRef<'a>>>,
    removed: Option<&HashSet<NodeId>>,
) -> Blocks {
    let strict = Filter {
        removed,
        ..Filter::STRICT
    };
    let (mut blocks, roots) = match roots {
        Some(roots) => (read_blocks(&roots, strict), roots),
        None => {
            let roots = find_roots(doc, strict);
            let blocks = read_blocks(&roots, strict);
            if blocks.text_len() >= RETRY_BELOW {
                (blocks, roots)
            } else {
                let relaxed_filter = Filter {
                    removed,
                    ..Filter::RELAXED
                };
                let relaxed_roots = find_roots(doc, relaxed_filter);
                let relaxed = read_blocks(&relaxed_roots, relaxed_filter);
                // Only when it finds much more: a short article stays strict.
                if relaxed.text_len() > 2 * blocks.text_len() {
                    (relaxed, relaxed_roots)
                } else {
                    (blocks, roots)
                }
            }
        }
    };
    find_correction_notes(doc, &roots, &mut blocks);
    blocks
}

/// Scores every element by the text blocks it holds. Returns elements best
/// first.
fn score(doc: &Html, filter: Filter<'_>) -> Vec<(NodeId, f32)> {
    let mut scores: HashMap<NodeId, f32> = HashMap::new();
    let mut add = |node: NodeRef<'_>, text: &str, first_share: f32| {
        let len = text.chars().count();
        let score =
            1.0 + text.matches([',', '，', '、']).count() as f32 + (len as f32 / 100.0).min(3.0);
        let targets = std::iter::once(node).chain(node.ancestors());
        let shares = [first_share, 0.5 * first_share, first_share / 6.0];
        for (target, share) in targets.zip(shares) {
            *scores.entry(target.id()).or_default() += score * share;
        }
    };
    let mut skip: Option<NodeId> = None;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) if skip.is_none() => {
                let Some(el) = node.value().as_element() else {
                    continue;
                };
                if filter.skips(node, el) {
                    skip = Some(node.id());
                    continue;
                }
                let is_text_block = match el.name() {
                    "p" | "pre" => true,
                    "div" | "section" | "td" | "blockquote" | "font" | "center" => {
                        is_inline_container(node)
                    }
                    _ => false,
                };
                if is_text_block {
                    skip = Some(node.id());
                    let block = block_text_with(node, filter);
                    if block.text.chars().count() >= 25 && !block.link_dense() {
                        if let Some(parent) = node.parent() {
                            add(parent, &block.text, 1.0);
                        }
                    }
                } else if let Some(loose) = loose_text(node, filter)
                    && loose.chars().count() >= 80
                {
                    // Text written straight into a container, between blocks.
                    add(node, &loose, 1.0);
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
    ranked
}

/// The text a container holds directly: its text nodes and inline children
/// that hold no blocks, links excluded. `None` when it has none.
fn loose_text(node: NodeRef<'_>, filter: Filter<'_>) -> Option<String> {
    let mut text = String::new();
    for child in node.children() {
        match child.value() {
            Node::Text(t) => text.push_str(t),
            Node::Element(el)
                if is_inline(el.name())
                    && el.name() != "a"
                    && !filter.skips(child, el)
                    && !contains_block(child) =>
            {
                text.push(' ');
                text.push_str(&block_text_with(child, filter).text);
            }
            _ => {}
        }
    }
    let text = squash(&text);
    (!text.is_empty()).then_some(text)
}

/// The scored containers, best first (for explaining an extraction).
pub fn candidates<'d>(doc: &'d Html, filter: Filter<'_>) -> Vec<(NodeRef<'d>, f32)> {
    score(doc, filter)
        .into_iter()
        .filter_map(|(id, s)| Some((doc.tree.get(id)?, s)))
        .collect()
}

/// Finds the content container(s) of `doc` by scoring.
pub fn find_roots<'d>(doc: &'d Html, filter: Filter<'_>) -> Vec<NodeRef<'d>> {
    let ranked = score(doc, filter);
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
            if filter.skips(*child, el) {
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
                let block = block_text_with(*child, filter);
                return block.text.chars().count() >= 80 && block.link_chars * 4 <= block.chars;
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
    let in_chain: std::collections::HashSet<NodeId> = chain.iter().copied().collect();
    let tree = top.tree();
    let mut counts: HashMap<NodeId, usize> = HashMap::new();
    for &(id, score) in ranked.iter().skip(1).take(12) {
        if score < top_score * 0.4 {
            break;
        }
        let Some(node) = tree.get(id) else { continue };
        if in_chain.contains(&id) || node.ancestors().any(|a| a.id() == top.id()) {
            continue;
        }
        if let Some(lca) = node.ancestors().find(|a| in_chain.contains(&a.id())) {
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
pub fn read_blocks(roots: &[NodeRef<'_>], filter: Filter<'_>) -> Blocks {
    let mut reader = Reader {
        filter,
        out: Blocks::default(),
        run: String::new(),
        run_links: 0,
        last_br: false,
        pending_label: None,
        in_more_list: false,
    };
    for root in roots {
        reader.root(*root);
    }
    reader.out
}

/// Deeper than this, a subtree is read as one block (no stack overflow on
/// pathological nesting).
const MAX_DEPTH: usize = 200;

/// Walks containers in document order. Text and inline elements accumulate in
/// a run; a block element, the end of a container or two `<br>`s in a row end
/// the run, which becomes a paragraph.
struct Reader<'a> {
    filter: Filter<'a>,
    out: Blocks,
    run: String,
    /// Non-space characters of the run that sit inside links.
    run_links: usize,
    last_br: bool,
    /// A "Correction:" label seen alone: the next block is its note.
    pending_label: Option<String>,
    /// Under a "More …" / "Related …" heading: list items are links to
    /// other stories until the next paragraph that is not one.
    in_more_list: bool,
}

impl Reader<'_> {
    fn root(&mut self, root: NodeRef<'_>) {
        match root.value().as_element() {
            Some(el) if is_paragraph(el.name()) => {
                let block = block_text_with(root, self.filter);
                self.emit(block.text, block.link_chars, false);
            }
            Some(el) => {
                let in_correction = is_correction_container(el);
                self.walk(root, in_correction, 0);
                self.flush(in_correction);
            }
            None => {}
        }
    }

    fn walk(&mut self, node: NodeRef<'_>, in_correction: bool, depth: usize) {
        for child in node.children() {
            match child.value() {
                Node::Text(t) => {
                    self.run.push_str(t);
                    if !t.trim().is_empty() {
                        self.last_br = false;
                    }
                }
                Node::Element(el) => self.element(child, el, in_correction, depth),
                _ => {}
            }
        }
    }

    fn element(&mut self, node: NodeRef<'_>, el: &Element, in_correction: bool, depth: usize) {
        let name = el.name();
        if name == "br" {
            if self.last_br {
                self.flush(in_correction);
            } else {
                self.run.push(' ');
                self.last_br = true;
            }
            return;
        }
        if self.filter.skips(node, el) {
            return;
        }
        let in_correction = in_correction || is_correction_container(el);
        if is_inline(name) && !contains_block(node) {
            self.last_br = false;
            self.inline(node, name == "a");
            return;
        }
        self.flush(in_correction);
        if name == "h1" || (name == "a" && contains_block(node)) {
            // The headline is read apart; a link wrapping blocks is a teaser.
            return;
        }
        if matches!(name, "h2" | "h3" | "h4" | "h5" | "h6") {
            let text = block_text_with(node, self.filter).text;
            if is_more_heading(&text) {
                self.in_more_list = true;
                return;
            }
        }
        if name == "li" && self.in_more_list {
            return;
        }
        if is_paragraph(name) && !(name == "li" && contains_block(node)) {
            let block = block_text_with(node, self.filter);
            if name != "li" {
                self.in_more_list = false;
            }
            self.emit(block.text, block.link_chars, in_correction);
        } else if depth < MAX_DEPTH {
            self.walk(node, in_correction, depth + 1);
            self.flush(in_correction);
        } else {
            let block = block_text_with(node, self.filter);
            self.emit(block.text, block.link_chars, in_correction);
        }
    }

    /// Appends an inline element's text to the run.
    fn inline(&mut self, node: NodeRef<'_>, in_link: bool) {
        for d in node.descendants() {
            match d.value() {
                Node::Text(t) => {
                    if in_link
                        || d.ancestors()
                            .take_while(|a| a.id() != node.id())
                            .any(is_link)
                    {
                        self.run_links += t.chars().filter(|c| !c.is_whitespace()).count();
                    }
                    if !hidden_inside(d, node, self.filter) {
                        self.run.push_str(t);
                    }
                }
                Node::Element(el) if el.name() == "br" => self.run.push(' '),
                _ => {}
            }
        }
    }

    fn flush(&mut self, in_correction: bool) {
        let text = squash(&std::mem::take(&mut self.run));
        let links = std::mem::take(&mut self.run_links);
        self.last_br = false;
        if !text.is_empty() {
            self.emit(text, links, in_correction);
        }
    }

    fn emit(&mut self, text: String, link_chars: usize, in_correction: bool) {
        let text = match text.strip_prefix(CONTINUE_READING) {
            // "Continue reading the main story" glued to a caption word.
            Some(rest) if rest.split_whitespace().count() <= 2 => return,
            Some(rest) => rest.trim().to_owned(),
            None => text,
        };
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        if chars == 0
            || link_chars * 2 > chars
            || is_label(&text)
            || is_print_line(&text)
            || is_prompt(&text)
        {
            return;
        }
        if is_correction_label(&text) {
            self.pending_label = Some(text);
            return;
        }
        if let Some(label) = self.pending_label.take() {
            self.out.corrections.push(format!("{label} {text}"));
        } else if in_correction || is_correction_note(&text) {
            self.out.corrections.push(text);
        } else {
            self.out.paragraphs.push(text);
        }
    }
}

fn is_link(n: NodeRef<'_>) -> bool {
    n.value().as_element().is_some_and(|e| e.name() == "a")
}

/// True when a text node inside an inline element sits in something hidden or
/// furniture (a share link inside a sentence's span, say).
fn hidden_inside(text: NodeRef<'_>, top: NodeRef<'_>, filter: Filter<'_>) -> bool {
    text.ancestors()
        .take_while(|a| a.id() != top.id())
        .any(|a| a.value().as_element().is_some_and(|el| filter.skips(a, el)))
}

/// Elements read as one paragraph.
fn is_paragraph(name: &str) -> bool {
    matches!(
        name,
        "p" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "pre" | "dd" | "dt"
    )
}

/// Elements that flow inside a line of text.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "ins"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "u"
            | "var"
            | "wbr"
            | "label"
    )
}

fn contains_block(node: NodeRef<'_>) -> bool {
    node.descendants().skip(1).any(|d| {
        d.value()
            .as_element()
            .is_some_and(|el| is_block_element(el.name()))
    })
}

/// Finds correction notes outside the body containers: a block led by a
/// "Correction:" label in its own element (`<strong>Correction:</strong>
/// <p>…</p>`). Boilerplate and links are skipped; notes already found are not
/// repeated.
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
                let Some(label) = short_text(node, 24) else {
                    continue;
                };
                if !is_correction_label(&label) {
                    continue;
                }
                let Some(parent) = node.parent() else {
                    continue;
                };
                if inside_roots(parent) {
                    continue;
                }
                let note = block_text(parent).text;
                let known = out
                    .corrections
                    .iter()
                    .any(|c| note.ends_with(c.as_str()) || c.ends_with(note.as_str()));
                if note.len() > label.len() + 10 && note.len() < 2000 && !known {
                    out.corrections.push(note);
                }
                skip = Some(node.id());
            }
            Edge::Close(node) if skip == Some(node.id()) => skip = None,
            _ => {}
        }
    }
}

/// The text under `node` when it is at most `limit` bytes, without reading
/// further than that.
fn short_text(node: NodeRef<'_>, limit: usize) -> Option<String> {
    let mut text = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            text.push_str(t);
            if text.len() > limit * 4 {
                return None;
            }
        }
    }
    let text = squash(&text);
    (text.len() <= limit).then_some(text)
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
    /// Non-whitespace characters of the text.
    pub chars: usize,
    /// Non-whitespace characters inside links.
    pub link_chars: usize,
}

impl BlockText {
    /// More than half of it is link text.
    pub fn link_dense(&self) -> bool {
        self.link_chars * 2 > self.chars
    }
}

/// Concatenates the text under `node`, skipping scripts and nested boilerplate,
/// with `<br>` read as a space; whitespace squashed.
pub fn block_text(node: NodeRef<'_>) -> BlockText {
    block_text_with(node, Filter::STRICT)
}

fn block_text_with(node: NodeRef<'_>, filter: Filter<'_>) -> BlockText {
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
                    _ if n.id() != node.id() && filter.skips(n, el) => skip = Some(n.id()),
                    _ if is_block_element(el.name()) => raw.push(' '),
                    _ => {}
                },
                _ => {}
            },
            Edge::Close(n) => {
                if skip == Some(n.id()) {
                    skip = None;
                } else if skip.is_none() && is_link(n) {
                    link_depth = link_depth.saturating_sub(1);
                }
            }
            _ => {}
        }
    }
    let text = squash(&raw);
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    BlockText {
        link_chars: link_chars.min(chars),
        chars,
        text,
    }
}

/// A `div`-like element that holds only text and inline elements: read it as
/// one paragraph (sites that write paragraphs as `<div>`s, or as text split by
/// `<br>`s).
fn is_inline_container(node: NodeRef<'_>) -> bool {
    let mut text = 0;
    for d in node.descendants().skip(1) {
        match d.value() {
            Node::Text(t) => text += t.len(),
            Node::Element(el) if is_block_element(el.name()) => return false,
            _ => {}
        }
    }
    text >= 20
}

fn is_block_element(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dd"
            | "dt"
            | "table"
            | "tr"
            | "td"
            | "blockquote"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "figure"
            | "form"
            | "center"
            | "address"
            | "hr"
    )
}

/// Elements never displayed.
fn is_invisible(el: &Element) -> bool {
    matches!(
        el.name(),
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "button"
            | "select"
            | "textarea"
            | "input"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
    ) || el.attr("hidden").is_some()
        || el.attr("aria-hidden") == Some("true")
        || el.attr("style").is_some_and(|s| {
            let s = s.replace(' ', "").to_ascii_lowercase();
            s.contains("display:none") || s.contains("visibility:hidden")
        })
}

/// Class and id tokens that mark page furniture whatever else the element is.
const STRONG_TOKENS: &[&str] = &[
    "ad",
    "adblock",
    "ads",
    "adslot",
    "advert",
    "advertisement",
    "adverts",
    "comment",
    "comments",
    "consent",
    "cookie",
    "cookies",
    "disqus",
    "newsletter",
    "outbrain",
    "paywall",
    "popular",
    "promo",
    "promotion",
    "recirc",
    "recommendations",
    "recommended",
    "related",
    "share",
    "sharing",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "taboola",
    "trending",
];

/// Class and id tokens of furniture that even the relaxed filter skips.
const NEVER_TEXT: &[&str] = &["cookie", "ticker"];

/// Tokens of layout furniture that also turn up on wrappers of the whole page
/// (`content-with-sidebar`): they count unless the names also say content.
const WEAK_TOKENS: &[&str] = &[
    "banner",
    "breadcrumb",
    "breadcrumbs",
    "byline",
    "caption",
    "credit",
    "dateline",
    "footer",
    "gallery",
    "masthead",
    "menu",
    "modal",
    "nav",
    "navbar",
    "navigation",
    "popup",
    "print",
    "sidebar",
    "signup",
    "skip",
    "tags",
    "ticker",
    "toolbar",
    "video",
    "videos",
];

/// Tokens that say "this holds the content" and outweigh [`WEAK_TOKENS`].
const CONTENT_TOKENS: &[&str] = &[
    "article", "body", "column", "content", "entry", "main", "post", "story", "text",
];

/// Class or id fragments that mark the article body; they outweigh everything.
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

/// Furniture by tag, ARIA role, or class/id tokens (strict filter).
pub fn is_boilerplate(el: &Element) -> bool {
    is_boilerplate_with(el, Filter::STRICT)
}

fn is_boilerplate_with(el: &Element, filter: Filter<'_>) -> bool {
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
                | "iframe"
                | "figure"
                | "figcaption"
                | "dialog"
                | "menu"
        )
        || is_amp_furniture(name)
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
    if !filter.classes {
        // Even the relaxed reading of a page that is not an article skips
        // what is never anyone's text: tickers, banners about cookies, ads.
        return names
            .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
            .any(|t| NEVER_TEXT.contains(&t));
    }
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
    let tokens = || names.split(|c: char| c.is_whitespace() || c == '-' || c == '_');
    if tokens().any(|t| STRONG_TOKENS.binary_search(&t).is_ok()) {
        return true;
    }
    tokens().any(|t| WEAK_TOKENS.binary_search(&t).is_ok())
        && !tokens().any(|t| CONTENT_TOKENS.contains(&t))
}

/// AMP's custom elements for ads, tracking, menus and share buttons.
fn is_amp_furniture(name: &str) -> bool {
    name.strip_prefix("amp-").is_some_and(|rest| {
        matches!(
            rest,
            "ad" | "embed"
                | "sticky-ad"
                | "analytics"
                | "sidebar"
                | "social-share"
                | "consent"
                | "user-notification"
                | "pixel"
                | "iframe"
        )
    })
}

fn is_correction_container(el: &Element) -> bool {
    let class = el.attr("class").unwrap_or("");
    let id = el.attr("id").unwrap_or("");
    if class.is_empty() && id.is_empty() {
        return false;
    }
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

const CONTINUE_READING: &str = "Continue reading the main story";

/// A heading over links to other stories: "More Great Stories", "Related",
/// "Read more", and the same in the other languages read.
fn is_more_heading(text: &str) -> bool {
    const STARTS: &[&str] = &[
        "more:",
        "related",
        "read more",
        "read also",
        "also read",
        "see also",
        "recommended",
        "further reading",
        "you may also",
        "you might also",
        "most read",
        "mehr zum thema",
        "mehr zu",
        "lesen sie auch",
        "weitere artikel",
        "das könnte",
        "à lire aussi",
        "lire aussi",
        "sur le même sujet",
        "leer más",
        "lea también",
        "te puede interesar",
        "leggi anche",
        "potrebbe interessarti",
        "leia também",
        "lees ook",
        "meer over",
    ];
    // "More …" only when it names stories: "More than 200 boats" is a subhead.
    const MORE_OF: &[&str] = &[
        "stor",
        "article",
        "news",
        "from",
        "on ",
        "about",
        "coverage",
        "like this",
        "to read",
        "reading",
        "in ",
    ];
    let t = text.trim().to_lowercase();
    let more = t == "more" || (t.starts_with("more ") && MORE_OF.iter().any(|w| t.contains(w)));
    t.split_whitespace().count() <= 6 && (more || STARTS.iter().any(|s| t.starts_with(s)))
}

/// A prompt of the site's, not the article's: a paywall counter, "Follow …
/// on Twitter", a newsletter sign-up.
fn is_prompt(text: &str) -> bool {
    static WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| super::text::ascii_words(["free ", "follow ", "newsletter"]));
    if text.len() > 200 || !WORDS.is_match(text) {
        return false;
    }
    let t = text.to_lowercase();
    let counter =
        (t.contains("free article") || t.contains("free stories") || t.contains("free story"))
            && (t.contains("remaining")
                || t.contains("left")
                || t.starts_with("you've read")
                || t.starts_with("you have read"));
    let follow = t.starts_with("follow ")
        && [
            "twitter",
            "facebook",
            "instagram",
            "linkedin",
            "bluesky",
            "threads",
            "mastodon",
            " on x",
        ]
        .iter()
        .any(|n| t.contains(n));
    let newsletter = t.contains("newsletter")
        && ["sign up", "subscribe", "inbox", "get our", "get the"]
            .iter()
            .any(|w| t.contains(w));
    counter || follow || newsletter
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
    fn token_tables_are_sorted_for_binary_search() {
        for table in [STRONG_TOKENS, WEAK_TOKENS] {
            let mut sorted = table.to_vec();
            sorted.sort_unstable();
            assert_eq!(sorted, table);
        }
    }

    fn blocks(html: &str) -> Blocks {
        let doc = Html::parse_document(html);
        extract(&doc, None, None)
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
    fn site_prompts_and_more_stories_lists_are_not_body() {
        let b = blocks(
            "<article><p>You have 3 free articles remaining.</p>\
             <p>Continue reading the main story Video</p>\
             <p>The first paragraph of the story is long enough, with a comma, to count.</p>\
             <p>Follow Ana Berg on Twitter: @anaberg.</p>\
             <p>Sign up for our morning newsletter and get the news in your inbox.</p>\
             <p>The second paragraph of the story is long enough, with a comma, to count.</p>\
             <h3>More Great Stories</h3><ul><li>Why harbours <a href=/a>silt up</a> every spring</li>\
             <li>The <a href=/b>last ferry</a> of the season</li></ul>\
             <p>The third paragraph of the story is long enough, with a comma, to count.</p>\
             <h2>More than 200 boats were moved</h2><ul><li>Pilots worked through the night, they said.</li></ul>\
             </article>",
        );
        assert_eq!(
            b.paragraphs,
            [
                "The first paragraph of the story is long enough, with a comma, to count.",
                "The second paragraph of the story is long enough, with a comma, to count.",
                "The third paragraph of the story is long enough, with a comma, to count.",
                "More than 200 boats were moved",
                "Pilots worked through the night, they said.",
            ],
            "a subhead that starts with \"More\" is the article's"
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
    fn text_split_by_line_breaks_is_read_as_paragraphs() {
        let b = blocks(
            r#"<div class="post-body"><span>The first paragraph is written straight into the
            container, with a comma, and it is long enough to count.</span><br><br>
            The second paragraph follows two line breaks, <b>with bold words</b> and a
            <a href="/x">link</a> inside it.<br>Its second line stays with it.<br><br>
            <div class="ad">Advertisement</div>Third, after an ad, closing the story.</div>"#,
        );
        assert_eq!(
            b.paragraphs,
            [
                "The first paragraph is written straight into the container, with a comma, and it is long enough to count.",
                "The second paragraph follows two line breaks, with bold words and a link inside it. Its second line stays with it.",
                "Third, after an ad, closing the story."
            ]
        );
    }

    #[test]
    fn a_labelled_correction_keeps_its_label() {
        let b = blocks(
            r#"<article><div class="body"><p>A paragraph of the story, long enough, with a comma.</p>
            <p>Another paragraph of the story, long enough, with a comma.</p>
            <div><strong>Correction:</strong> <p>An earlier version misnamed the bridge.</p></div>
            </div></article>"#,
        );
        assert_eq!(b.paragraphs.len(), 2);
        assert_eq!(
            b.corrections,
            ["Correction: An earlier version misnamed the bridge."]
        );
    }

    #[test]
    fn a_page_wrapped_in_a_sidebar_class_is_still_read() {
        let b = blocks(
            r#"<body><div class="container with-sidebar"><div class="entry">
            <p>The whole page sits in a wrapper whose class names a sidebar, sadly.</p>
            <p>Strict filtering finds nothing, so the relaxed pass reads it, as it should.</p>
            <p>A third paragraph, with a comma, makes the body long enough to matter here.</p>
            <p>And a fourth, with another comma, so that nobody doubts it is an article.</p>
            </div></div></body>"#,
        );
        assert_eq!(b.paragraphs.len(), 4, "{:?}", b.paragraphs);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!(
            "{}<p>Deep text, long enough to count as a paragraph here.</p>{}",
            "<div>".repeat(5000),
            "</div>".repeat(5000)
        );
        let doc = Html::parse_document(&html);
        let _ = extract(&doc, None, None);
    }

    #[test]
    fn empty_page_has_no_roots() {
        let doc = Html::parse_document("<html><body><div></div></body></html>");
        assert!(find_roots(&doc, Filter::STRICT).is_empty());
    }
}

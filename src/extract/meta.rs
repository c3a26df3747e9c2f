//! The page's metadata gathered in one pass over its elements (meta tags,
//! JSON-LD blocks, microdata, the visible byline and standfirst), and the
//! small rules that read names and headlines.

use scraper::{ElementRef, Html, Selector};

use super::body;
use super::dates::{self, Order, Stamp};
use super::text::{non_empty, squash};

/// "By A. Writer, B. Writer and C. Writer" → three names ("and" in the
/// languages of the date rules too), each without a "By"/"Par"/"Von" prefix.
pub(super) fn split_names(s: &str) -> Vec<String> {
    let s = strip_by(&squash(s)).to_owned();
    let mut names: Vec<String> = Vec::new();
    for part in s.split([',', '&', ';', '|', '/', '\n']) {
        let mut rest = part.to_owned();
        for and in [" and ", " und ", " et ", " y ", " e ", " en ", " AND "] {
            rest = rest.replace(and, "\u{1}");
        }
        for name in rest.split('\u{1}').filter_map(|n| non_empty(strip_by(n))) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// "Alice", "Alice and Bob", "Alice, Bob and Carol".
pub(super) fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Metadata gathered in one pass over the document's elements.
#[derive(Debug, Default)]
pub(super) struct Meta {
    /// `(property or name, content)` of `<meta>` tags, keys lower-case.
    pub(super) tags: Vec<(String, String)>,
    pub(super) ld_blocks: Vec<String>,
    pub(super) canonical: Option<String>,
    pub(super) lang: Option<String>,
    pub(super) title: Option<String>,
    pub(super) h1: Option<String>,
    pub(super) itemprop_headline: Option<String>,
    pub(super) itemprop_authors: Vec<String>,
    pub(super) itemprop_dates: Vec<(String, String)>,
    pub(super) article_body: Option<ego_tree::NodeId>,
    pub(super) visible_byline: Option<String>,
    /// The first visible standfirst (dek, summary).
    pub(super) standfirst: Option<String>,
    /// Dates the page shows or marks up, in document order.
    pub(super) dates: Vec<SeenDate>,
    /// How many elements came before the first `<h1>`.
    pub(super) h1_at: Option<usize>,
    /// The first few hundred characters of text after the first `<h1>`,
    /// where a dateline usually is.
    pub(super) after_h1: String,
    /// Where in [`Meta::after_h1`] a date would be deep in a sentence or a
    /// caption: a long text past its first words.
    prose: Vec<std::ops::Range<usize>>,
    /// The last few hundred characters of text before the first `<h1>`.
    pub(super) before_h1: String,
    /// Text that follows a date's label ("Datum:", "Published", "Erschienen
    /// am"), the label included.
    pub(super) labelled: Vec<String>,
    /// The last of [`Meta::labelled`] is still taking text.
    label_open: bool,
    /// `<link rel="next">`: the next page of a paginated article.
    pub(super) next_page: Option<String>,
}

/// What an element says a date of hers is, by its class, id or itemprop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Published,
    Modified,
    /// A date, of what it does not say.
    Unsaid,
}

/// A date the page shows or marks up outside JSON-LD and meta tags.
#[derive(Debug, Clone)]
pub(super) struct SeenDate {
    /// The element's position among all elements.
    pub(super) at: usize,
    pub(super) role: Role,
    /// `<time>`, or an element whose class names a date.
    pub(super) time_tag: bool,
    /// Inside an `<article>` or a `<header>`.
    pub(super) in_article: bool,
    /// Where its text starts in [`Meta::after_h1`], when it is there.
    pub(super) after_h1_at: Option<usize>,
    /// A machine value: `datetime`, or a `title`/`content` holding a date.
    pub(super) value: Option<String>,
    /// The visible text, when short enough to be a dateline.
    pub(super) text: Option<String>,
    /// Its class, to tell a list of dated items (the same class, many days).
    pub(super) class: Option<String>,
}

/// How many texts before the first `<h1>` are kept.
const BEFORE_H1_TEXTS: usize = 24;

/// A text node's text, trimmed, when the page shows it (not empty, not
/// inside a script, a style or the document's title).
fn shown_text(node: ego_tree::NodeRef<'_, scraper::Node>) -> Option<&str> {
    let text = node.value().as_text()?.trim();
    let hidden = node
        .parent()
        .and_then(|p| p.value().as_element())
        .is_some_and(|p| {
            matches!(
                p.name(),
                "script" | "style" | "noscript" | "template" | "title"
            )
        });
    (!text.is_empty() && !hidden).then_some(text)
}

/// Whether a node is inside a figure's caption, whose dates are the
/// photograph's, not the article's.
fn in_caption(node: ego_tree::NodeRef<'_, scraper::Node>) -> bool {
    node.ancestors()
        .filter_map(|a| a.value().as_element())
        .any(|e| e.name() == "figcaption")
}

/// A text longer than this (as [`shown_len`] counts) is more than a
/// dateline: a sentence, a caption.
const SHORT: usize = 64;

/// How long a text looks, counted up to a little past `cap`: a run of white
/// space (indentation) is one space, and a Chinese, Japanese or Korean
/// character, nearly a word, counts as three (as its UTF-8 bytes do).
fn shown_len(text: &str, cap: usize) -> usize {
    let mut shown = 0;
    let mut space = false;
    for c in text.chars() {
        let next = c.is_whitespace();
        let wide = if c >= '\u{3000}' { c.len_utf8() } else { 1 };
        shown += if next && space { 0 } else { wide };
        space = next;
        if shown > cap {
            break;
        }
    }
    shown
}

/// Whether a text is a heading's words (another headline under the page's
/// own, a section's title), not a dateline: a date in it is its subject's.
fn in_long_heading(node: ego_tree::NodeRef<'_, scraper::Node>, text: &str) -> bool {
    shown_len(text, 40) > 40
        && node
            .ancestors()
            .take(3)
            .filter_map(|a| a.value().as_element())
            .any(|e| matches!(e.name(), "h2" | "h3" | "h4" | "h5" | "h6"))
}

/// Whether an element is inside what is not the article's: the readers'
/// comments (a class or id word
/// that starts with "comment": `comments`, `comment-meta`, `commentlist`;
/// not an opinion piece's `ArticleHeaderComment`) or a teaser of another
/// story, whose dates are not the article's.
fn in_others(node: ego_tree::NodeRef<'_, scraper::Node>) -> bool {
    node.ancestors()
        .filter_map(|a| a.value().as_element())
        .any(names_others)
}

/// A class or id word of this element starts with "comment", or names a
/// teaser (a card for another story, with that story's date).
fn names_others(e: &scraper::node::Element) -> bool {
    let starts = |w: &str| w.len() >= 7 && w.as_bytes()[..7].eq_ignore_ascii_case(b"comment");
    // `teaser`, `article-teaser`, `Teaser_root`: the word, whole.
    let teaser = |w: &str| {
        w.split(['-', '_'])
            .any(|p| p.len() >= 6 && p.as_bytes()[p.len() - 6..].eq_ignore_ascii_case(b"teaser"))
    };
    e.attrs().any(|(k, v)| {
        matches!(k, "class" | "id") && v.split_whitespace().any(|w| starts(w) || teaser(w))
    })
}

/// The first date the page shows as a dateline of its own: a short text
/// that is little more than the date, or one that says it is the
/// publication's ("… veröffentlicht"), outside links, menus, asides,
/// footers, forms, captions and elements named as a modification, and not
/// in a list of dated items (lists of other things' dates) nor after a
/// label that says it is of something else ("Registriert:"). The last
/// resort when nothing names a date; a date inside prose is not one.
pub(super) fn first_date_shown(doc: &Html, order: Order) -> Option<Stamp> {
    const AROUND: &[&str] = &[
        "a",
        "nav",
        "aside",
        "footer",
        "form",
        "select",
        "button",
        "figcaption",
    ];
    let dateline = |t: &str| {
        dates::has_four_digits(t)
            && (shown_len(t, SHORT) <= SHORT || {
                let lower = t.to_lowercase();
                PUBLICATION_WORDS.iter().any(|w| lower.contains(w))
            })
    };
    // One walk in document order that steps over the excluded subtrees.
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in doc.root_element().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) if skipping.is_none() => {
                if let Some(e) = node.value().as_element() {
                    let modified = || {
                        date_role(&[e.attr("class"), e.attr("id"), e.attr("itemprop")])
                            == Some(Role::Modified)
                    };
                    if AROUND.contains(&e.name()) || names_others(e) || modified() {
                        skipping = Some(node.id());
                    }
                } else if let Some(t) = shown_text(node).filter(|t| dateline(t))
                    && let Some((_, d)) = dates::first_not_modified(t, order)
                    && !labelled_other(node)
                    && !in_dated_list(node)
                {
                    return Some(d);
                }
            }
            ego_tree::iter::Edge::Close(node) if skipping == Some(node.id()) => skipping = None,
            _ => {}
        }
    }
    None
}

/// Whether the label just before a text, in an element before it in the
/// same parent (`<dd><strong>Registriert:</strong> 18.09.2008</dd>`), says
/// its date is a modification's, or not a publication's at all.
fn labelled_other(node: ego_tree::NodeRef<'_, scraper::Node>) -> bool {
    let Some(label) = node.prev_sibling().and_then(ElementRef::wrap) else {
        return false;
    };
    let mut text = String::new();
    for t in label.text().take(4) {
        text.push_str(t);
    }
    let text = text.to_lowercase();
    text.len() <= 40 && (dates::says_other(&text) || dates::says_modified(&text))
}

/// Whether a text is in an item of a list or a table next to another short
/// item that shows a year: a list of dated things (a discography, a tour,
/// a chronicle), each dating something else than the page. (A long row is
/// a page laid out in a table, not an item.)
fn in_dated_list(node: ego_tree::NodeRef<'_, scraper::Node>) -> bool {
    const ITEM: usize = 200;
    let item = |n: &ego_tree::NodeRef<'_, scraper::Node>| {
        n.value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "li" | "tr"))
    };
    let dated = |n: ego_tree::NodeRef<'_, scraper::Node>| {
        let Some(e) = ElementRef::wrap(n).filter(|_| item(&n)) else {
            return false;
        };
        let (mut len, mut year) = (0, false);
        for t in e.text() {
            len += t.len();
            if len > ITEM {
                return false;
            }
            year |= dates::has_year(t);
        }
        year
    };
    node.ancestors().take(6).filter(item).any(|row| {
        let prev = row.prev_siblings().find(|s| s.value().is_element());
        let next = row.next_siblings().find(|s| s.value().is_element());
        prev.is_some_and(dated) || next.is_some_and(dated)
    })
}

/// The texts of these (shown) text nodes, joined by spaces, but for those
/// in what is not the article's (a teaser of another story).
fn texts_of(doc: &Html, nodes: &std::collections::VecDeque<ego_tree::NodeId>) -> String {
    let mut out = String::new();
    for text in nodes
        .iter()
        .filter_map(|id| doc.tree.get(*id))
        .filter(|n| !in_others(*n))
        .filter_map(shown_text)
    {
        out.push_str(text);
        out.push(' ');
    }
    out
}

/// Up to this many labelled dates are kept.
const MAX_LABELLED: usize = 8;

/// A text that starts with a publication date's label, in the languages of
/// the date rules ("Datum:", "Published on", "Erschienen am", "Publié le").
fn is_date_label(text: &str) -> bool {
    const LABELS: &[&str] = &["datum", "date", "posted on", "fecha"];
    LABELS.iter().chain(PUBLICATION_WORDS).any(|l| {
        text.len() >= l.len() && text.as_bytes()[..l.len()].eq_ignore_ascii_case(l.as_bytes())
    })
}

/// Words that say a date is the publication's, in the languages of the date
/// rules (lower case).
const PUBLICATION_WORDS: &[&str] = &[
    "published",
    "veröffentlicht",
    "erschienen",
    "erstellt",
    "publié",
    "publicado",
    "publicada",
    "pubblicato",
    "gepubliceerd",
];

/// How far into a long text a date may start and still be a dateline
/// ("Wien, 14. Dezember 2021 – Die …"), in bytes.
const PROSE_LEAD: usize = 32;

/// How much text after the headline is kept, in bytes.
const AFTER_H1: usize = 600;

/// Up to this many dated elements are kept: datelines come early.
const MAX_DATES: usize = 32;

/// The role named by a class, id or itemprop, if it names a date at all:
/// one pass of one automaton over the names (this runs on every element).
fn date_role(names: &[Option<&str>]) -> Option<Role> {
    const PUBLISHED: &[&str] = &[
        "publish",
        "posted",
        "pubdate",
        "created",
        "erstellt",
        "veroeffentlicht",
        "dateline",
        "entry-date",
        "post-date",
        "article-date",
        "story-date",
    ];
    const MODIFIED: &[&str] = &[
        "updat",
        "modif",
        "aktualisiert",
        "changed",
        "lastmod",
        "edited",
    ];
    const DATED: &[&str] = &["date", "datum", "time", "fecha", "zeit", "meta", "info"];
    static WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        super::text::ascii_words(PUBLISHED.iter().chain(MODIFIED).chain(DATED))
    });
    let mut role = None;
    for m in names.iter().flatten().flat_map(|n| WORDS.find_iter(*n)) {
        let i = m.pattern().as_usize();
        let found = if i < PUBLISHED.len() {
            return Some(Role::Published);
        } else if i < PUBLISHED.len() + MODIFIED.len() {
            Role::Modified
        } else {
            Role::Unsaid
        };
        if role != Some(Role::Modified) {
            role = Some(found);
        }
    }
    role
}

impl Meta {
    /// Whether a date at `at` in [`Meta::after_h1`] is deep in a sentence
    /// or a caption ("… near Orleans, France, January 16, 2020. Photo: …"),
    /// not a dateline, unless a publication word comes just before it
    /// ("… Staff Writers | Published March 3, 2020").
    pub(super) fn in_prose(&self, at: usize) -> bool {
        if !self.prose.iter().any(|r| r.contains(&at)) {
            return false;
        }
        let before = dates::label_before(&self.after_h1, at);
        !PUBLICATION_WORDS.iter().any(|w| before.contains(w))
    }

    pub(super) fn collect(doc: &Html) -> Self {
        let mut m = Meta::default();
        let mut named = Vec::new();
        let mut before = std::collections::VecDeque::with_capacity(BEFORE_H1_TEXTS);
        let root = doc.root_element();
        m.lang = root.attr("lang").and_then(non_empty);
        for (at, node) in root.descendants().enumerate() {
            let Some(el) = ElementRef::wrap(node) else {
                let Some(text) = shown_text(node) else {
                    continue;
                };
                if m.labelled.len() < MAX_LABELLED {
                    m.see_label(text);
                }
                if m.h1_at.is_none() {
                    // Only the last few texts before the headline are kept:
                    // noted by node, read once the headline is found.
                    if before.len() == BEFORE_H1_TEXTS {
                        before.pop_front();
                    }
                    before.push_back(node.id());
                } else if m.after_h1.len() < AFTER_H1
                    && !in_caption(node)
                    && !in_long_heading(node, text)
                {
                    let start = m.after_h1.len();
                    m.after_h1.push_str(text);
                    if shown_len(text, SHORT) > SHORT {
                        m.prose.push(start + PROSE_LEAD..m.after_h1.len());
                    }
                    m.after_h1.push(' ');
                }
                continue;
            };
            let v = el.value();
            if v.name() == "h1" && m.h1_at.is_none() {
                m.before_h1 = texts_of(doc, &before);
            }
            if m.dates.len() < MAX_DATES {
                m.see_date(el, at);
            }
            match v.name() {
                "meta" => {
                    let property = v.attr("property");
                    let keys = property.or_else(|| v.attr("name"));
                    if let (Some(keys), Some(content)) = (keys, v.attr("content"))
                        && let Some(content) = non_empty(content)
                    {
                        // RDFa's `property` is read before HTML's `name`.
                        let into = if property.is_some() {
                            &mut m.tags
                        } else {
                            &mut named
                        };
                        // `property="og:title dc:title"` names both.
                        for key in keys.split_whitespace() {
                            let key = key.to_ascii_lowercase().replace("dc:", "dc.");
                            let key = key.replace("dcterm:", "dcterms.");
                            into.push((key, content.clone()));
                        }
                    }
                }
                "script"
                    if v.attr("type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
                {
                    m.ld_blocks.push(el.text().collect());
                }
                "link"
                    if m.next_page.is_none()
                        && v.attr("rel").is_some_and(|r| {
                            r.split_whitespace().any(|r| r.eq_ignore_ascii_case("next"))
                        }) =>
                {
                    m.next_page = v.attr("href").and_then(non_empty);
                }
                "link"
                    if m.canonical.is_none()
                        && v.attr("rel").is_some_and(|r| {
                            r.split_whitespace()
                                .any(|r| r.eq_ignore_ascii_case("canonical"))
                        }) =>
                {
                    m.canonical = v.attr("href").and_then(non_empty);
                }
                "title" if m.title.is_none() => m.title = non_empty(&el.text().collect::<String>()),
                "h1" if m.h1.is_none() => {
                    m.h1 = non_empty(&body::block_text(*el).text);
                    m.h1_at = Some(at);
                }
                _ => {}
            }
            if let Some(prop) = v.attr("itemprop") {
                for prop in prop.split_whitespace() {
                    match prop {
                        "headline" if m.itemprop_headline.is_none() => {
                            m.itemprop_headline = v
                                .attr("content")
                                .and_then(non_empty)
                                .or_else(|| non_empty(&body::block_text(*el).text));
                        }
                        "author" | "creator" => {
                            let name = el
                                .select(&NAME)
                                .next()
                                .map(|n| {
                                    n.value()
                                        .attr("content")
                                        .map(str::to_owned)
                                        .unwrap_or_else(|| n.text().collect())
                                })
                                .or_else(|| v.attr("content").map(str::to_owned))
                                .unwrap_or_else(|| el.text().collect());
                            if let Some(name) = non_empty(strip_by(&squash(&name)))
                                && !m.itemprop_authors.contains(&name)
                            {
                                m.itemprop_authors.push(name);
                            }
                        }
                        "datePublished" | "dateModified" | "dateCreated" => {
                            let value = v
                                .attr("datetime")
                                .or_else(|| v.attr("content"))
                                .map(str::to_owned)
                                .unwrap_or_else(|| el.text().collect());
                            m.itemprop_dates.push((prop.to_owned(), value));
                        }
                        "articleBody" if m.article_body.is_none() => {
                            m.article_body = Some(el.id());
                        }
                        _ => {}
                    }
                }
            }
            if m.standfirst.is_none() && is_standfirst(v) {
                let text = body::block_text(*el).text;
                if (20..=600).contains(&text.len()) {
                    m.standfirst = Some(text);
                }
            }
            if m.visible_byline.is_none() && is_byline(v) {
                let text = body::block_text(*el).text;
                if !text.is_empty() && text.len() < 100 && text.chars().any(char::is_alphabetic) {
                    m.visible_byline = non_empty(strip_by(&text));
                }
            }
        }
        m.tags.extend(named);
        // Without a headline there is no "before it": the page's last texts
        // are its footer, not a kicker.
        drop(before);
        m
    }

    /// Starts or continues a labelled date's text.
    fn see_label(&mut self, text: &str) {
        if self.label_open
            && let Some(open) = self.labelled.last_mut()
        {
            open.push(' ');
            open.push_str(text);
            self.label_open = open.len() < 80;
            return;
        }
        let first = text.as_bytes().first().map(u8::to_ascii_lowercase);
        if text.len() <= 60
            && matches!(first, Some(b'd' | b'p' | b'v' | b'e' | b'f' | b'g'))
            && is_date_label(text)
        {
            self.labelled.push(text.to_owned());
            self.label_open = true;
        }
    }

    /// Notes `el` when it is a `<time>`, or names a date in its class, id or
    /// itemprop.
    fn see_date(&mut self, el: ElementRef<'_>, at: usize) {
        let v = el.value();
        let time_tag = v.name() == "time";
        // One pass over the attributes (most elements have one or two).
        let (mut names, mut pubdate) = ([None; 3], false);
        for (name, value) in v.attrs() {
            match name {
                "class" => names[0] = Some(value),
                "id" => names[1] = Some(value),
                "itemprop" => names[2] = Some(value),
                "pubdate" => pubdate = true,
                _ => {}
            }
        }
        if !time_tag && !pubdate && names == [None; 3] {
            return;
        }
        let role = if pubdate {
            Some(Role::Published)
        } else {
            date_role(&names)
        };
        let role = match (role, time_tag) {
            (Some(r), _) => r,
            (None, true) => Role::Unsaid,
            (None, false) => return,
        };
        if matches!(
            v.name(),
            "html" | "body" | "main" | "article" | "script" | "style"
        ) {
            return;
        }
        let value = v
            .attr("datetime")
            .or_else(|| v.attr("content"))
            .or_else(|| v.attr("title"))
            .filter(|t| t.len() <= 64 && t.bytes().filter(u8::is_ascii_digit).count() >= 6)
            .map(str::to_owned);
        // Only a short text with a digit in it can be a dateline.
        let (mut len, mut digit) = (0, false);
        for t in el.text().take(12) {
            len += t.len();
            digit |= t.bytes().any(|b| b.is_ascii_digit());
        }
        let text = (len <= 160 && digit)
            .then(|| non_empty(&el.text().take(12).collect::<String>()))
            .flatten();
        // Last, as it walks up the tree: not in what is not the article's.
        if value.is_none() && text.is_none()
            || text.as_deref().is_some_and(dates::says_other)
            || in_others(*el)
        {
            return;
        }
        let in_article = el.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "article" | "header"))
        });
        let after_h1_at =
            (self.h1_at.is_some() && self.after_h1.len() < AFTER_H1).then_some(self.after_h1.len());
        self.dates.push(SeenDate {
            at,
            role,
            time_tag,
            in_article,
            after_h1_at,
            value,
            text,
            class: names[0].map(str::to_owned),
        });
    }

    /// The content of the first meta tag named `key` (lower case).
    pub(super) fn value(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn get(&self, key: &str) -> Option<String> {
        self.value(key).map(str::to_owned)
    }

    pub(super) fn itemprop_date(&self, prop: &str) -> Option<&str> {
        self.itemprop_dates
            .iter()
            .find(|(p, _)| p == prop)
            .map(|(_, v)| v.as_str())
    }
}

static NAME: std::sync::LazyLock<Selector> =
    std::sync::LazyLock::new(|| Selector::parse("[itemprop~=name]").expect("valid selector"));

/// A visible byline: `rel=author`, or a class or id naming a byline or an
/// author (not an author's biography or box of other stories).
fn is_byline(el: &scraper::node::Element) -> bool {
    if el.attr("rel") == Some("author") {
        return true;
    }
    if matches!(
        el.name(),
        "body" | "html" | "main" | "article" | "section" | "meta" | "script" | "img" | "a" | "link"
    ) {
        return false;
    }
    [el.attr("class"), el.attr("id")]
        .into_iter()
        .flatten()
        .flat_map(str::split_whitespace)
        .any(|c| {
            ["byline", "author", "writtenby"]
                .iter()
                .any(|w| contains_ci(c, w))
                && ![
                    "bio", "avatar", "image", "img", "photo", "box", "more", "other", "about",
                    "follow", "social", "link",
                ]
                .iter()
                .any(|w| contains_ci(c, w))
        })
}

/// `needle` (lower-case ASCII) in `hay`, ignoring ASCII case.
fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.len() >= needle.len()
        && hay
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn is_standfirst(el: &scraper::node::Element) -> bool {
    const NAMES: &[&str] = &[
        "standfirst",
        "dek",
        "deck",
        "subheadline",
        "sub-headline",
        "subtitle",
        "sub-title",
        "article-summary",
        "summary",
        "lede",
        "strapline",
        "intro",
        "article-intro",
        "excerpt",
    ];
    !matches!(
        el.name(),
        "meta" | "body" | "html" | "article" | "main" | "section"
    ) && el.attr("class").is_some_and(|c| {
        c.split_whitespace()
            .any(|c| NAMES.iter().any(|n| n.eq_ignore_ascii_case(c)))
    })
}

/// "By Jane Doe" → "Jane Doe" (also "Par", "Von", "Por", "Door", "Di",
/// any case, and "By By" written twice).
pub(super) fn strip_by(s: &str) -> &str {
    const PREFIXES: &[&str] = &[
        "by",
        "par",
        "von",
        "por",
        "door",
        "di",
        "av",
        "text:",
        "written by",
    ];
    let mut t = s.trim();
    'again: loop {
        for prefix in PREFIXES {
            if t.len() > prefix.len()
                && t.is_char_boundary(prefix.len())
                && t[..prefix.len()].eq_ignore_ascii_case(prefix)
                && t[prefix.len()..].starts_with([' ', ':', '\u{a0}'])
            {
                t = t[prefix.len()..]
                    .trim_start_matches([' ', ':', '\u{a0}'])
                    .trim();
                continue 'again;
            }
        }
        return t;
    }
}

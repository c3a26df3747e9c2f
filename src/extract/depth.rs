//! How deep a document nests its elements, measured before it is parsed.
//!
//! The HTML parser checks the stack of open elements for every tag, so a page
//! of 100,000 nested `<div>`s costs it time that grows with the square of the
//! depth, and any walk up the tree grows with it too. Browsers cap the depth
//! (Blink at 512, then nests no further); no article page comes near it. This
//! scan follows tags the way the parser does, closely enough to count the
//! depth (void elements, raw-text elements, comments, the implied end of
//! `<p>`, `<li>` and table cells), in one pass over the bytes. It never
//! undercounts a real nesting; where it overcounts (unusual implied ends) the
//! limit leaves a wide margin.
//!
//! This module reads bytes only; it knows nothing of articles.

/// Depth at which a page is refused: eight times the browser's cap.
pub const MAX_DEPTH: usize = 4096;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "basefont", "bgsound", "frame", "keygen", "image",
];

const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Elements whose start tag closes an open element of the same group.
fn closes(open: &str, new: &str) -> bool {
    match new {
        "li" => open == "li",
        "dd" | "dt" => matches!(open, "dd" | "dt"),
        "td" | "th" => matches!(open, "td" | "th"),
        "tr" => matches!(open, "tr" | "td" | "th"),
        "option" => open == "option",
        "p" | "div" | "ul" | "ol" | "table" | "section" | "article" | "h1" | "h2" | "h3" | "h4"
        | "h5" | "h6" | "blockquote" | "pre" | "form" | "header" | "footer" | "nav" | "aside"
        | "figure" | "dl" | "hr" => open == "p",
        _ => false,
    }
}

/// The deepest nesting found, or `Err(MAX_DEPTH)` as soon as the page goes
/// deeper than the limit.
pub fn check(html: &str, limit: usize) -> Result<usize, usize> {
    let bytes = html.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut deepest = 0;
    let mut i = 0;
    while let Some(lt) = memchr(b'<', &bytes[i..]) {
        i += lt + 1;
        let rest = &bytes[i..];
        if rest.starts_with(b"!--") {
            i = find(bytes, i + 3, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if matches!(rest.first(), Some(b'!' | b'?')) {
            i = memchr(b'>', rest).map_or(bytes.len(), |e| i + e + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let start = i + usize::from(closing);
        let name_len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[start..start + name_len].to_ascii_lowercase();
        let end = tag_end(bytes, start + name_len);
        let self_closing = end > 1 && bytes[end - 1] == b'/' && !closing;
        i = (end + 1).min(bytes.len());
        if closing {
            if let Some(at) = stack.iter().rposition(|n| *n == name) {
                stack.truncate(at);
            }
            continue;
        }
        if VOID.contains(&name.as_str()) || self_closing {
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            i = find_ascii_ci(bytes, i, close.as_bytes()).unwrap_or(bytes.len());
            continue;
        }
        while stack.last().is_some_and(|open| closes(open, &name)) {
            stack.pop();
        }
        stack.push(name);
        deepest = deepest.max(stack.len());
        if deepest > limit {
            return Err(limit);
        }
    }
    Ok(deepest)
}

/// The `>` that ends a tag whose attributes start at `from`, skipping quoted
/// values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return k,
            _ => {}
        }
    }
    bytes.len()
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ascii_ci(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_real_nesting() {
        let page = "<!doctype html><html><head><title>a <b> c</title>\
                    <script>if (a<b) { x('<div>') }</script></head>\
                    <body><!-- <div><div> --><div class='a>b'><p>one<p>two<br><img src=x>\
                    <ul><li>a<li>b</ul></div></body></html>";
        // html > body > div > p (closed by <ul>) | ul > li
        assert_eq!(check(page, 100), Ok(5));
    }

    #[test]
    fn refuses_a_page_deeper_than_the_limit() {
        let deep = format!(
            "<body>{}x{}</body>",
            "<div>".repeat(5000),
            "</div>".repeat(5000)
        );
        assert_eq!(check(&deep, MAX_DEPTH), Err(MAX_DEPTH));
        // Siblings are not depth, however many.
        let wide = "<div>x</div>".repeat(100_000);
        assert_eq!(check(&wide, MAX_DEPTH), Ok(1));
        // Unclosed paragraphs and list items close each other, as in the parser.
        let sloppy = "<p>x".repeat(10_000) + &"<li>y".repeat(10_000);
        assert!(check(&sloppy, MAX_DEPTH).is_ok());
    }
}

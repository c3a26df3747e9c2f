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
//! Tags, comments and raw text are read by [`unread`]'s lexer, as the
//! tokenizer reads them.
//!
//! This module reads bytes only; it knows nothing of articles.

use super::unread;

/// Depth at which a page is refused: eight times the browser's cap.
pub const MAX_DEPTH: usize = 4096;

/// What a tag name means to the scan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Never has content: `<br>`, `<img>`, …
    Void,
    /// Text up to its end tag: `<script>`, `<style>`, …
    Raw,
    P,
    Li,
    DdDt,
    Cell,
    Tr,
    Option,
    /// A block that closes an open `<p>`.
    Block,
    Other,
}

fn kind(name: &[u8]) -> Kind {
    let mut buf = [0u8; 10];
    if name.len() > buf.len() {
        return Kind::Other;
    }
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    match &*lower {
        b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"link"
        | b"meta" | b"param" | b"source" | b"track" | b"wbr" | b"basefont" | b"bgsound"
        | b"frame" | b"keygen" | b"image" => Kind::Void,
        b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"iframe" | b"noembed"
        | b"noframes" | b"plaintext" => Kind::Raw,
        b"p" => Kind::P,
        b"li" => Kind::Li,
        b"dd" | b"dt" => Kind::DdDt,
        b"td" | b"th" => Kind::Cell,
        b"tr" => Kind::Tr,
        b"option" => Kind::Option,
        b"div" | b"ul" | b"ol" | b"table" | b"section" | b"article" | b"h1" | b"h2" | b"h3"
        | b"h4" | b"h5" | b"h6" | b"blockquote" | b"pre" | b"form" | b"header" | b"footer"
        | b"nav" | b"aside" | b"figure" | b"dl" => Kind::Block,
        _ => Kind::Other,
    }
}

/// Whether a start tag of kind `new` closes an open element of kind `open`
/// (the parser's implied end tags).
fn closes(open: Kind, new: Kind) -> bool {
    match new {
        Kind::Li => open == Kind::Li,
        Kind::DdDt => open == Kind::DdDt,
        Kind::Cell => open == Kind::Cell,
        Kind::Tr => matches!(open, Kind::Tr | Kind::Cell),
        Kind::Option => open == Kind::Option,
        Kind::P | Kind::Block => open == Kind::P,
        _ => false,
    }
}

/// Whether the page nests elements deeper than `limit`. A page with no
/// more `<` than that cannot (nearly every article page: the scan is skipped
/// for a count at memory speed); any other is scanned.
pub fn exceeds(html: &str, limit: usize) -> bool {
    memchr::memchr_iter(b'<', html.as_bytes()).count() > limit && check(html, limit).is_err()
}

/// The deepest nesting found, or `Err(limit)` as soon as the page goes
/// deeper than the limit. One pass over the bytes, no allocation but the
/// stack of open tags (slices of the page).
pub fn check(html: &str, limit: usize) -> Result<usize, usize> {
    let bytes = html.as_bytes();
    let mut stack: Vec<(&[u8], Kind)> = Vec::new();
    let mut deepest = 0;
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + lt;
        i = at + 1;
        let rest = &bytes[i..];
        if rest.starts_with(b"!--") {
            i = unread::comment_end(bytes, at + 4).map_or(bytes.len(), |(_, after)| after);
            continue;
        }
        if matches!(rest.first(), Some(b'!' | b'?')) {
            i = memchr::memchr(b'>', rest).map_or(bytes.len(), |e| i + e + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let start = i + usize::from(closing);
        if !bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let Some(tag) = unread::lex_tag(bytes, start) else {
            break;
        };
        let name = tag.name(bytes);
        i = tag.end;
        if closing {
            if let Some(at) = stack
                .iter()
                .rposition(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                stack.truncate(at);
            }
            continue;
        }
        let kind = kind(name);
        match kind {
            _ if tag.self_closing => continue,
            Kind::Void => continue,
            Kind::Raw => {
                i = unread::raw_end(bytes, i, name).unwrap_or(bytes.len());
                continue;
            }
            _ => {}
        }
        while stack.last().is_some_and(|&(_, open)| closes(open, kind)) {
            stack.pop();
        }
        stack.push((name, kind));
        deepest = deepest.max(stack.len());
        if deepest > limit {
            return Err(limit);
        }
    }
    Ok(deepest)
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
        assert!(exceeds(&deep, MAX_DEPTH));
        assert!(
            !exceeds(&"<div>".repeat(MAX_DEPTH), MAX_DEPTH),
            "few tags, never too deep"
        );
        // Siblings are not depth, however many.
        let wide = "<div>x</div>".repeat(100_000);
        assert_eq!(check(&wide, MAX_DEPTH), Ok(1));
        // Unclosed paragraphs and list items close each other, as in the parser.
        let sloppy = "<p>x".repeat(10_000) + &"<li>y".repeat(10_000);
        assert!(check(&sloppy, MAX_DEPTH).is_ok());
    }
}

//! Small text helpers shared by the extractors.

/// Collapses every run of whitespace (including NBSP and other Unicode spaces)
/// to one ASCII space, drops zero-width characters, and trims the ends.
pub fn squash(s: &str) -> String {
    if is_squashed(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    // Copy runs of ordinary characters as slices; look at each character only
    // to find the runs' ends.
    let mut run_start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let special = if c.is_ascii() {
            c.is_whitespace()
        } else {
            c.is_whitespace() || is_zero_width(c)
        };
        if !special {
            if run_start.is_none() {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                run_start = Some(i);
            }
            continue;
        }
        if let Some(start) = run_start.take() {
            out.push_str(&s[start..i]);
        }
        if !is_zero_width(c) {
            pending_space = !out.is_empty();
        }
    }
    if let Some(start) = run_start {
        out.push_str(&s[start..]);
    }
    out
}

/// Already squashed: single spaces between words, none at the ends, no
/// other whitespace and no zero-width characters.
fn is_squashed(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    // The common case, printable ASCII: its only whitespace is the space, so
    // no double space is all there is to check. Both scans run over whole
    // machine words.
    if bytes
        .iter()
        .fold(true, |ok, &b| ok & (b' '..0x7f).contains(&b))
    {
        return !s.contains("  ");
    }
    let mut space = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            match b {
                b' ' if space => return false,
                b' ' => space = true,
                b if (b as char).is_whitespace() => return false,
                _ => space = false,
            }
            i += 1;
        } else {
            let c = s[i..].chars().next().expect("a character starts here");
            if c.is_whitespace() || is_zero_width(c) {
                return false;
            }
            space = false;
            i += c.len_utf8();
        }
    }
    true
}

/// Characters that take no space and carry no text.
pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
    )
}

/// An automaton finding any of `patterns`, ignoring ASCII case: one pass
/// over a text for a list of words.
pub fn ascii_words<I, P>(patterns: I) -> aho_corasick::AhoCorasick
where
    I: IntoIterator<Item = P>,
    P: AsRef<[u8]>,
{
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(patterns)
        .expect("plain words are valid patterns")
}

/// `Some(squashed)` when anything is left, else `None`.
pub fn non_empty(s: &str) -> Option<String> {
    let s = squash(s);
    (!s.is_empty()).then_some(s)
}

/// HTML entities left in metadata strings (`&#8217;`, `&amp;`), decoded:
/// JSON-LD strings carry them raw, and templates sometimes escape an
/// entity's ampersand once more, so twice.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let once = html_escape::decode_html_entities(s);
    html_escape::decode_html_entities(&once).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squash_collapses_unicode_space_and_drops_zero_width() {
        assert_eq!(squash("  a\u{a0}\u{a0}b\u{200b}c \n\t d  "), "a bc d");
        assert_eq!(squash(" \u{feff} "), "");
        assert_eq!(squash("already squashed"), "already squashed");
        assert_eq!(squash("“curly” — dashes"), "“curly” — dashes");
        assert_eq!(squash("a\u{2009}b"), "a b");
        assert_eq!(squash("a\u{200b}b"), "ab");
        assert_eq!(squash("\u{200b}x\u{200b} y"), "x y");
        assert_eq!(squash("caf\u{e9}\u{2029}n\u{e9}"), "caf\u{e9} n\u{e9}");
    }

    #[test]
    fn printable_ascii_is_squashed_unless_spaces_are_doubled_or_at_the_ends() {
        assert!(is_squashed("plain words, one space."));
        assert!(!is_squashed("two  spaces"));
        assert!(!is_squashed(" lead"));
        assert!(!is_squashed("tab\there"));
        assert!(!is_squashed("line\nbreak"));
        assert!(
            is_squashed("del\x7fete"),
            "a control character is not a space"
        );
        assert_eq!(squash("a\x0bb"), "a b");
    }
}

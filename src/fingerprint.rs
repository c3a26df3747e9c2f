//! Fingerprints decide whether an article really changed.
//!
//! The fields that make the article (headline, byline, standfirst, body,
//! correction notes)
//! are normalised — Unicode NFKC, curly quotes and dash variants folded to ASCII,
//! zero-width characters dropped, whitespace runs collapsed — and hashed with
//! SHA-256. Page markup, dates stamped by the template and everything outside the
//! article never reach the hash.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::extract::Article;
use crate::extract::text::is_zero_width;

/// The hex SHA-256 fingerprint of an article's normalised content.
pub fn fingerprint(article: &Article) -> String {
    let mut h = Sha256::new();
    let mut field = |name: &str, value: &str| {
        h.update(name.as_bytes());
        h.update([0u8]);
        h.update(normalise(value).as_bytes());
        h.update([0u8]);
    };
    field("title", article.title.as_deref().unwrap_or(""));
    field("byline", article.byline.as_deref().unwrap_or(""));
    field("lead", article.lead.as_deref().unwrap_or(""));
    for p in &article.body {
        field("p", p);
    }
    for c in &article.corrections {
        field("correction", c);
    }
    hex(&h.finalize())
}

/// Folds the differences that are not edits: Unicode form, quote and dash
/// styles, invisible characters and whitespace.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfkc() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '`' | '\u{b4}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{ab}'
            | '\u{bb}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => '-',
            c if is_zero_width(c) => continue,
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The hex SHA-256 of raw bytes (pages and blobs).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, body: &[&str]) -> Article {
        Article {
            title: Some(title.into()),
            body: body.iter().map(|s| s.to_string()).collect(),
            ..Article::default()
        }
    }

    #[test]
    fn quote_dash_space_and_form_differences_are_not_changes() {
        let a = article("Mayor’s “plan” — revised", &["It’s  done.\u{200b}", "Café"]);
        let b = article("Mayor's \"plan\" - revised", &["It's done.", "Cafe\u{301}"]);
        assert_eq!(fingerprint(&a), fingerprint(&b));
    }

    #[test]
    fn a_word_a_figure_or_a_paragraph_break_is_a_change() {
        let base = fingerprint(&article("T", &["The fee is 12 euros.", "Next."]));
        assert_ne!(
            base,
            fingerprint(&article("T", &["The fee is 13 euros.", "Next."]))
        );
        assert_ne!(
            base,
            fingerprint(&article("T", &["The fee is 12 euros. Next."]))
        );
        assert_ne!(
            base,
            fingerprint(&article("U", &["The fee is 12 euros.", "Next."]))
        );
        let mut corrected = article("T", &["The fee is 12 euros.", "Next."]);
        corrected.corrections.push("Correction: the fee.".into());
        assert_ne!(base, fingerprint(&corrected));
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}

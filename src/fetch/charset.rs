//! Decoding a page's bytes to text: BOM, then the `Content-Type` charset, then a
//! `<meta>` declaration in the first 1024 bytes, then UTF-8 if the bytes are valid
//! UTF-8, else windows-1252 (what browsers assume for legacy pages). Invalid bytes
//! become U+FFFD; decoding never fails.
//!
//! When the header and `<meta>` disagree and one of them says UTF-8, the bytes
//! decide: valid UTF-8 means UTF-8 (a server default like ISO-8859-1 on a UTF-8
//! page is the common case), invalid means the other declaration.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Decodes `body` and returns the text with the encoding that was used.
pub fn decode(body: &[u8], content_type: Option<&str>) -> (String, &'static Encoding) {
    decode_as(body, detect(body, content_type))
}

/// Decodes `body` as `encoding` (chosen by [`detect`]); a byte order mark
/// still wins.
pub fn decode_as(body: &[u8], encoding: &'static Encoding) -> (String, &'static Encoding) {
    // `decode` also strips a BOM matching the encoding (and honours any BOM).
    let (text, used, _had_errors) = encoding.decode(body);
    (text.into_owned(), used)
}

/// [`decode`], taking the bytes: UTF-8 without a byte order mark is kept
/// as it is rather than copied, and checked for validity once.
pub fn decode_owned(body: Vec<u8>, content_type: Option<&str>) -> (String, &'static Encoding) {
    if Encoding::for_bom(&body).is_some() {
        return decode(&body, content_type);
    }
    match String::from_utf8(body) {
        Ok(text) => match choose(text.as_bytes(), content_type, || true) {
            enc if enc == UTF_8 => (text, UTF_8),
            other => decode_as(text.as_bytes(), other),
        },
        Err(e) => decode_as(e.as_bytes(), choose(e.as_bytes(), content_type, || false)),
    }
}

/// What a body is when it is not text, judged from its bytes as browsers do
/// (the WHATWG MIME Sniffing rules), never from the `Content-Type` alone:
/// a known file signature, or a "binary data byte" (a control character
/// that no text holds) in the first 1445 bytes. UTF-16 text (the encoding
/// [`detect`] chose) holds zero bytes and is not judged.
pub fn binary(body: &[u8], encoding: &'static Encoding) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"%PDF-", "a PDF document"),
        (b"%!PS-Adobe-", "a PostScript document"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"RIFF", "a RIFF file (image, audio or video)"),
        (b"PK\x03\x04", "a ZIP archive (or an office document)"),
        (b"\x1f\x8b\x08", "gzip-compressed data"),
        (b"\x7fELF", "a program"),
    ];
    if let Some((_, what)) = SIGNATURES.iter().find(|(magic, _)| body.starts_with(magic)) {
        return Some(what);
    }
    let utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
    let head = &body[..body.len().min(1445)];
    let binary_byte = |b: &u8| matches!(b, 0x00..=0x08 | 0x0b | 0x0e..=0x1a | 0x1c..=0x1f);
    (!utf16 && head.iter().any(binary_byte)).then_some("binary data, not text")
}

/// Picks the encoding for `body`, in the order the module documents.
pub fn detect(body: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(body) {
        return enc;
    }
    choose(body, content_type, || std::str::from_utf8(body).is_ok())
}

/// [`detect`] after the byte order mark: `valid_utf8` is asked only when the
/// declarations leave the choice to the bytes.
fn choose(
    body: &[u8],
    content_type: Option<&str>,
    valid_utf8: impl FnOnce() -> bool,
) -> &'static Encoding {
    let header = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()));
    let head = &body[..body.len().min(1024)];
    let meta = meta_charset(head);
    match (header, meta) {
        (Some(h), Some(m)) if h != m && (h == UTF_8 || m == UTF_8) => {
            let other = if h == UTF_8 { m } else { h };
            if valid_utf8() { UTF_8 } else { other }
        }
        (Some(h), _) => h,
        (None, Some(m)) => m,
        (None, None) if valid_utf8() => UTF_8,
        (None, None) => WINDOWS_1252,
    }
}

/// A `<meta>` encoding label as the WHATWG Encoding Standard reads it. A page
/// declaring UTF-16 in `<meta>` is really ASCII-compatible (it could not be
/// parsed otherwise), so such a label means UTF-8, as browsers treat it.
fn label(name: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(name.trim().as_bytes())?;
    Some(enc.output_encoding())
}

/// The `charset=` parameter of a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// A `<meta charset=…>` or `<meta http-equiv=Content-Type content="…charset=…">`
/// in the bytes given (a simplified form of the HTML prescan).
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(at) = find(tag, b"charset") {
            let rest = &tag[at + b"charset".len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let len = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = std::str::from_utf8(&rest[..len]).ok().and_then(label) {
                    return Some(enc);
                }
            }
        }
        from = end;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(body: &[u8], content_type: Option<&str>) -> Option<&'static str> {
        binary(body, detect(body, content_type))
    }

    #[test]
    fn binary_bodies_are_told_from_text_by_their_bytes() {
        let html = "<!doctype html><p>caf\u{e9} \t text</p>\r\n";
        assert_eq!(sniff(html.as_bytes(), Some("text/html")), None);
        assert_eq!(sniff(b"", Some("text/html")), None);
        assert_eq!(
            sniff(b"%PDF-1.7\n...", Some("text/html")),
            Some("a PDF document")
        );
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(
            sniff(&noise, Some("text/html")),
            Some("binary data, not text")
        );
        // UTF-16 text is full of zero bytes and is still text.
        let utf16: Vec<u8> = "\u{feff}<p>hi</p>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff(&utf16, None), None);
        assert_eq!(
            sniff(&utf16[2..], Some("text/html; charset=UTF-16LE")),
            None
        );
        assert!(sniff(&utf16[2..], Some("text/html")).is_some());
    }

    #[test]
    fn header_charset_wins_over_sniffing() {
        let body = b"caf\xe9";
        let (text, enc) = decode(body, Some("text/html; charset=ISO-8859-1"));
        assert_eq!(text, "café");
        assert_eq!(enc.name(), "windows-1252");
    }

    #[test]
    fn meta_charset_is_read() {
        let body = b"<html><head><meta charset=\"shift_jis\"></head><body>\x93\xfa\x96\x7b</body>";
        let (text, enc) = decode(body, Some("text/html"));
        assert_eq!(enc.name(), "Shift_JIS");
        assert!(text.contains("日本"), "{text}");
    }

    #[test]
    fn http_equiv_meta_is_read() {
        let body = b"<meta http-equiv='Content-Type' content='text/html; charset=euc-kr'>";
        assert_eq!(detect(body, None).name(), "EUC-KR");
    }

    #[test]
    fn bom_beats_header() {
        let body = b"\xef\xbb\xbfcaf\xc3\xa9";
        let (text, enc) = decode(body, Some("text/html; charset=windows-1252"));
        assert_eq!(enc.name(), "UTF-8");
        assert_eq!(text, "café");
    }

    #[test]
    fn utf16_meta_label_means_utf8() {
        let body = "<meta charset=utf-16><p>é</p>".as_bytes();
        assert_eq!(detect(body, None).name(), "UTF-8");
    }

    #[test]
    fn undeclared_invalid_utf8_falls_back_to_windows_1252() {
        assert_eq!(detect(b"na\xefve", None).name(), "windows-1252");
        assert_eq!(detect("naïve".as_bytes(), None).name(), "UTF-8");
    }

    fn encode(enc: &'static Encoding, s: &str) -> Vec<u8> {
        enc.encode(s).0.into_owned()
    }

    #[test]
    fn legacy_encodings_declared_in_meta() {
        let cases: [(&str, &str); 5] = [
            ("windows-1252", "Café – “quoted” €"),
            ("shift_jis", "日本語の記事です"),
            ("euc-kr", "한국어 기사입니다"),
            ("gb18030", "中文新闻文章"),
            ("iso-8859-1", "Ærø naïve façade"),
        ];
        for (name, text) in cases {
            let enc = Encoding::for_label(name.as_bytes()).unwrap();
            let mut body =
                format!("<html><head><meta charset=\"{name}\"></head><body><p>").into_bytes();
            body.extend(encode(enc, text));
            body.extend_from_slice(b"</p></body></html>");
            let (decoded, used) = decode(&body, Some("text/html"));
            assert!(decoded.contains(text), "{name}: {decoded}");
            assert_eq!(used, enc, "{name}");
        }
    }

    #[test]
    fn utf16_with_bom_or_header() {
        let text = "<html><body><p>Zürich – 東京</p></body></html>";
        let mut le = vec![0xff, 0xfe];
        for unit in text.encode_utf16() {
            le.extend(unit.to_le_bytes());
        }
        assert!(decode(&le, None).0.contains("Zürich – 東京"));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let (decoded, used) = decode(&be, Some("text/html; charset=utf-16be"));
        assert_eq!(used.name(), "UTF-16BE");
        assert!(decoded.contains("Zürich – 東京"));
    }

    #[test]
    fn header_and_meta_disagreeing_are_settled_by_the_bytes() {
        // A UTF-8 page served with a stale ISO-8859-1 default header.
        let utf8 = "<meta charset=\"utf-8\"><p>naïve café</p>".as_bytes();
        let (text, used) = decode(utf8, Some("text/html; charset=ISO-8859-1"));
        assert_eq!(used, UTF_8);
        assert!(text.contains("naïve café"));
        // A windows-1252 page whose header wrongly claims UTF-8.
        let latin = b"<meta charset=\"windows-1252\"><p>na\xefve caf\xe9</p>";
        let (text, used) = decode(latin, Some("text/html; charset=utf-8"));
        assert_eq!(used.name(), "windows-1252");
        assert!(text.contains("naïve café"));
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let (text, _) = decode(b"ok \xff\xfe\xfd end", Some("text/html; charset=utf-8"));
        assert!(text.starts_with("ok ") && text.ends_with(" end"));
        assert!(text.contains('\u{fffd}'));
    }

    #[test]
    fn owned_utf8_is_kept_and_other_encodings_decoded() {
        let utf8 = "Zürich – 東京".as_bytes().to_vec();
        let ptr = utf8.as_ptr();
        let (text, enc) = decode_owned(utf8, None);
        assert_eq!((text.as_str(), enc.name()), ("Zürich – 東京", "UTF-8"));
        assert_eq!(text.as_ptr(), ptr, "valid UTF-8 is not copied");
        let (text, enc) = decode_owned(b"\xef\xbb\xbfcaf\xc3\xa9".to_vec(), None);
        assert_eq!((text.as_str(), enc.name()), ("café", "UTF-8"));
        let (text, enc) = decode_owned(b"caf\xe9".to_vec(), None);
        assert_eq!((text.as_str(), enc.name()), ("café", "windows-1252"));
        // A declaration still wins over bytes that happen to be valid UTF-8.
        let (text, enc) = decode_owned(
            "café".as_bytes().to_vec(),
            Some("text/html; charset=windows-1252"),
        );
        assert_eq!((text.as_str(), enc.name()), ("cafÃ©", "windows-1252"));
        let (text, _) = decode_owned(b"ok \xff end".to_vec(), Some("text/plain; charset=utf-8"));
        assert_eq!(text, "ok \u{fffd} end");
    }
}

//! The words a person reads in a notification: outlet and headline, what
//! changed in one line, the changed sentences old and new, the link and the
//! capture time with its zone. Built from the revision's record (the JSON a
//! command or webhook receives), rendered as plain text, Slack mrkdwn,
//! Discord markdown or HTML (Matrix, e-mail).
//!
//! Must not: send anything, or read the store.

use serde_json::Value;

use crate::diff::{ArticleDiff, BodyOp, PARA_BREAK, new_text, old_text, words};

/// At most this many changes are quoted; the rest are counted.
const MAX_CHANGES: usize = 5;
/// A quoted sentence longer than this is cut (at a word) with "…".
const MAX_QUOTE: usize = 280;

/// One notification's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub article_id: i64,
    pub rev: i64,
    /// The site's name, else its host.
    pub outlet: String,
    pub headline: String,
    pub url: String,
    /// "2026-03-01 14:00 UTC".
    pub captured: String,
    /// "headline, substantive · 12 words added, 3 removed, 40 moved".
    pub summary: String,
    pub changes: Vec<Change>,
    /// Changes left out of [`Message::changes`].
    pub more: usize,
}

/// One quoted change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// "Headline", "Byline", "Changed", "Added", "Removed", …
    pub what: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Message {
    /// Reads a revision record (`{"type":"revision", …}`); `None` when it is
    /// not one.
    pub fn from_record(record: &[u8]) -> Option<Message> {
        let v: Value = serde_json::from_slice(record).ok()?;
        (v["type"] == "revision").then_some(())?;
        let url = v["url"].as_str()?.to_owned();
        let article = &v["article"];
        let outlet = article["site_name"]
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .or_else(|| {
                url::Url::parse(&url)
                    .ok()?
                    .host_str()
                    .map(|h| h.trim_start_matches("www.").to_owned())
            })
            .unwrap_or_default();
        let headline = v["title"].as_str().unwrap_or("(no headline)").to_owned();
        let diff: Option<ArticleDiff> = serde_json::from_value(v["diff"].clone()).ok();
        let classes: Vec<&str> = v["classes"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let rev = v["rev"].as_i64().unwrap_or(0);
        let mut summary = if rev == 1 {
            "first version".to_owned()
        } else if classes.is_empty() {
            "changed".to_owned()
        } else {
            classes.join(", ")
        };
        let added = v["words_added"].as_u64().unwrap_or(0);
        let removed = v["words_removed"].as_u64().unwrap_or(0);
        let moved = diff.as_ref().map_or(0, |d| d.stats.words_moved);
        if rev > 1 {
            summary.push_str(&format!(" · {added} words added, {removed} removed"));
            if moved > 0 {
                summary.push_str(&format!(", {moved} moved"));
            }
        }
        if let Some(of) = v["revert_of"].as_i64() {
            summary.push_str(&format!(" · back to rev {of}"));
        }
        let mut changes = diff.as_ref().map(quoted).unwrap_or_default();
        let more = changes.len().saturating_sub(MAX_CHANGES);
        changes.truncate(MAX_CHANGES);
        Some(Message {
            article_id: v["article_id"].as_i64().unwrap_or(0),
            rev,
            outlet,
            headline,
            url,
            captured: captured(v["captured_at"].as_str().unwrap_or("")),
            summary,
            changes,
            more,
        })
    }

    /// "The Harbour Times: Night crossings suspended".
    pub fn title(&self) -> String {
        format!("{}: {}", self.outlet, self.headline)
    }

    /// The message as plain text (e-mail, Matrix's plain body).
    pub fn plain(&self) -> String {
        format!("{}\n{}", self.title(), self.body_plain())
    }

    /// The plain text under the title (ntfy shows the title apart).
    pub fn body_plain(&self) -> String {
        let mut out = format!("#{} rev {}: {}\n", self.article_id, self.rev, self.summary);
        for c in &self.changes {
            out.push('\n');
            out.push_str(&change_line(c, |s| format!("“{s}”")));
        }
        if self.more > 0 {
            out.push_str(&format!(
                "\n… and {} more: {}",
                self.more,
                self.diff_command()
            ));
        }
        out.push_str(&format!("\n\n{}\nCaptured {}\n", self.url, self.captured));
        out
    }

    /// Slack mrkdwn (`&`, `<`, `>` escaped; the link named by the headline).
    pub fn slack(&self) -> String {
        let e = slack_escape;
        let head = format!(
            "*{}*: <{}|{}>\n#{} rev {}: {}",
            e(&self.outlet),
            link_safe(&self.url),
            e(&self.headline),
            self.article_id,
            self.rev,
            e(&self.summary)
        );
        format!(
            "{head}{}\nCaptured {}",
            self.changes_markdown(e),
            self.captured
        )
    }

    /// Discord markdown, within Discord's 2,000 characters.
    pub fn discord(&self) -> String {
        let e = discord_escape;
        let head = format!(
            "**{}**: [{}](<{}>)\n#{} rev {}: {}",
            e(&self.outlet),
            e(&self.headline).replace(['[', ']'], ""),
            link_safe(&self.url),
            self.article_id,
            self.rev,
            e(&self.summary)
        );
        let out = format!(
            "{head}{}\nCaptured {}",
            self.changes_markdown(e),
            self.captured
        );
        cut(&out, 2000)
    }

    /// The quoted changes, one per line, escaped by `e`, and the command
    /// for the rest in code marks (Slack and Discord alike).
    fn changes_markdown(&self, e: fn(&str) -> String) -> String {
        let mut out = String::new();
        for c in &self.changes {
            out.push('\n');
            out.push_str(&change_line(c, |s| format!("“{}”", e(s))));
        }
        if self.more > 0 {
            out.push_str(&format!(
                "\n… and {} more: `{}`",
                self.more,
                self.diff_command()
            ));
        }
        out
    }

    /// HTML (Matrix's formatted body, the e-mail's HTML part): every value
    /// escaped.
    pub fn html(&self) -> String {
        let e = |s: &str| html_escape::encode_text(s).into_owned();
        let mut out = format!(
            "<p><b>{}</b>: <a href=\"{}\">{}</a><br>#{} rev {}: {}</p>",
            e(&self.outlet),
            html_escape::encode_double_quoted_attribute(&self.url),
            e(&self.headline),
            self.article_id,
            self.rev,
            e(&self.summary)
        );
        if !self.changes.is_empty() {
            out.push_str("<ul>");
            for c in &self.changes {
                let line = change_line(c, |s| format!("“{}”", e(s))).replacen(
                    c.what,
                    &format!("<b>{}</b>", c.what),
                    1,
                );
                out.push_str(&format!("<li>{line}</li>"));
            }
            out.push_str("</ul>");
        }
        if self.more > 0 {
            out.push_str(&format!(
                "<p>… and {} more: <code>{}</code></p>",
                self.more,
                self.diff_command()
            ));
        }
        out.push_str(&format!("<p>Captured {}</p>", e(&self.captured)));
        out
    }

    /// The command that shows the whole change.
    fn diff_command(&self) -> String {
        format!(
            "redline diff {} {} {}",
            self.article_id,
            self.rev - 1,
            self.rev
        )
    }
}

/// A revision record for `redline hooks test`: what a real message looks
/// like, saying that it is a test.
pub fn sample_record(captured_at: &str) -> Vec<u8> {
    let edited = [
        ("same", "This is a test message from redline."),
        ("same", "Hooks"),
        ("removed", "will be"),
        ("added", "are"),
        ("same", "set up."),
    ]
    .map(|(kind, text)| serde_json::json!({ "kind": kind, "text": text }));
    serde_json::json!({
        "type": "revision",
        "article_id": 0,
        "url": "https://example.org/redline-test",
        "rev": 2,
        "captured_at": captured_at,
        "title": "Test message: notifications reach you",
        "classes": ["headline", "substantive"],
        "revert_of": null,
        "words_added": 6,
        "words_removed": 3,
        "article": { "site_name": "redline" },
        "diff": {
            "fields": [{
                "field": "title",
                "old": "Test message",
                "new": "Test message: notifications reach you",
                "pieces": []
            }],
            "body": [{ "op": "changed", "old_index": 0, "new_index": 0, "pieces": edited }],
            "stats": { "words_added": 6, "words_removed": 3, "words_moved": 0,
                       "sentences_touched": 1, "paragraphs_touched": 1 },
            "classes": ["headline", "substantive"]
        }
    })
    .to_string()
    .into_bytes()
}

/// "Headline: “old” → “new”", "Added: “new”", "Removed: “old”".
fn change_line(c: &Change, quote: impl Fn(&str) -> String) -> String {
    match (&c.old, &c.new) {
        (Some(o), Some(n)) => format!("{}: {} → {}", c.what, quote(o), quote(n)),
        (None, Some(n)) => format!("{}: {}", c.what, quote(n)),
        (Some(o), None) => format!("{}: {}", c.what, quote(o)),
        (None, None) => c.what.to_owned(),
    }
}

/// The changes worth quoting: the fields a reader cites, then each edited,
/// added or removed passage of the body, sentence by sentence.
fn quoted(diff: &ArticleDiff) -> Vec<Change> {
    let mut out = Vec::new();
    for f in &diff.fields {
        let what = match f.field.as_str() {
            "title" => "Headline",
            "byline" => "Byline",
            "lead" => "Standfirst",
            "corrections" => "Correction",
            "published" => "Published",
            _ => continue,
        };
        out.push(Change {
            what,
            old: f.old.as_deref().map(short),
            new: f.new.as_deref().map(short),
        });
    }
    for op in &diff.body {
        match op {
            BodyOp::Same { .. } => {}
            BodyOp::Added { text, .. } => out.push(Change {
                what: "Added",
                old: None,
                new: Some(short(text)),
            }),
            BodyOp::Removed { text, .. } => out.push(Change {
                what: "Removed",
                old: Some(short(text)),
                new: None,
            }),
            BodyOp::Changed { pieces, .. } | BodyOp::Moved { pieces, .. } => {
                let (old, new) = (old_text(pieces), new_text(pieces));
                if old == new {
                    continue; // moved as it was: counted in the summary
                }
                let (old, new) = changed_sentences(&old, &new);
                // A sentence added to (or cut from) a paragraph reads as such.
                let what = match (old.is_empty(), new.is_empty()) {
                    (true, false) => "Added",
                    (false, true) => "Removed",
                    _ if matches!(op, BodyOp::Moved { .. }) => "Moved and changed",
                    _ => "Changed",
                };
                out.push(Change {
                    what,
                    old: (!old.is_empty()).then(|| short(&old)),
                    new: (!new.is_empty()).then(|| short(&new)),
                });
            }
        }
    }
    out
}

/// The sentences of `old` that `new` lacks, and those of `new` that `old`
/// lacks, each joined.
fn changed_sentences(old: &str, new: &str) -> (String, String) {
    let split = |s: &str| -> Vec<String> {
        words::sentences(s)
            .into_iter()
            .filter(|s| *s != PARA_BREAK)
            .map(str::to_owned)
            .collect()
    };
    let (olds, news) = (split(old), split(new));
    let only = |a: &[String], b: &[String]| {
        a.iter()
            .filter(|s| !b.contains(s))
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    };
    (only(&olds, &news), only(&news, &olds))
}

/// A quote cut at a word to [`MAX_QUOTE`] characters.
fn short(s: &str) -> String {
    let s = s.replace(PARA_BREAK, " ");
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    cut(&s, MAX_QUOTE)
}

/// `s` cut at a word to at most `max` characters, with "…".
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let end = s.char_indices().nth(max - 1).map_or(s.len(), |(i, _)| i);
    let at = s[..end].rfind(' ').filter(|i| *i > end / 2).unwrap_or(end);
    format!("{}…", s[..at].trim_end())
}

/// "2026-03-01T14:00:00.000Z" → "2026-03-01 14:00 UTC".
fn captured(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(time)) if at.ends_with('Z') => format!("{day} {time} UTC"),
        _ => at.to_owned(),
    }
}

/// A URL that cannot end a markup link early: `<`, `>`, `|`, spaces and
/// parentheses percent-encoded.
fn link_safe(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '|' => out.push_str("%7C"),
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            c => out.push(c),
        }
    }
    out
}

fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Discord's markdown marks and mentions made literal.
fn discord_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '~' | '`' | '|' | '>' | '#' | '\\') {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            // "@everyone" must not ping anyone.
            out.push('\u{200B}');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record as the tracker sends it: a headline change, an edited
    /// sentence, an added paragraph, a removed one, and a moved one.
    pub(crate) fn record() -> Vec<u8> {
        let edited = vec![
            piece("same", "The authority opened the gates on Friday."),
            piece("same", "Farmers"),
            piece("removed", "asked for"),
            piece("added", "demanded"),
            piece("same", "compensation."),
            piece("same", "The bridge stays open."),
        ];
        serde_json::to_vec(&serde_json::json!({
            "type": "revision",
            "article_id": 7,
            "url": "https://www.harbour.example/news/gates?x=1&y=<2>",
            "rev": 3,
            "captured_at": "2026-03-01T14:00:00.000Z",
            "title": "Sluice gates opened a week early & farmers <angry>",
            "classes": ["headline", "substantive"],
            "revert_of": null,
            "words_added": 31,
            "words_removed": 9,
            "article": {"site_name": "The Harbour *Times*"},
            "diff": {
                "fields": [{
                    "field": "title",
                    "old": "Sluice gates open early",
                    "new": "Sluice gates opened a week early & farmers <angry>",
                    "pieces": []
                }],
                "body": [
                    {"op": "same", "old_index": 0, "new_index": 0, "len": 1},
                    {"op": "changed", "old_index": 1, "new_index": 1, "pieces": edited},
                    {"op": "added", "new_index": 2, "text": "A spokesman said @everyone was warned."},
                    {"op": "removed", "old_index": 2, "text": "The mayor declined to comment."},
                    {"op": "moved", "old_index": 5, "new_index": 3, "pieces": [piece("same", "Unchanged words.")]}
                ],
                "stats": {"words_added": 31, "words_removed": 9, "words_moved": 2,
                          "sentences_touched": 3, "paragraphs_touched": 3},
                "classes": ["headline", "substantive"]
            }
        }))
        .unwrap()
    }

    fn piece(kind: &str, text: &str) -> serde_json::Value {
        serde_json::json!({"kind": kind, "text": text})
    }

    #[test]
    fn a_record_reads_as_what_changed() {
        let m = Message::from_record(&record()).unwrap();
        assert_eq!(m.outlet, "The Harbour *Times*");
        assert_eq!(m.captured, "2026-03-01 14:00 UTC");
        assert_eq!(
            m.summary,
            "headline, substantive · 31 words added, 9 removed, 2 moved"
        );
        // Only the edited sentence is quoted, not its paragraph.
        assert_eq!(
            m.changes[1],
            Change {
                what: "Changed",
                old: Some("Farmers asked for compensation.".into()),
                new: Some("Farmers demanded compensation.".into()),
            }
        );
        assert_eq!(m.changes.len(), 4, "the unchanged move is only counted");
        assert!(Message::from_record(b"{\"type\":\"article\"}").is_none());
        assert!(Message::from_record(b"not json").is_none());
    }

    #[test]
    fn plain_text() {
        insta::assert_snapshot!(Message::from_record(&record()).unwrap().plain());
    }

    #[test]
    fn slack_mrkdwn() {
        insta::assert_snapshot!(Message::from_record(&record()).unwrap().slack());
    }

    #[test]
    fn discord_markdown() {
        insta::assert_snapshot!(Message::from_record(&record()).unwrap().discord());
    }

    #[test]
    fn html() {
        insta::assert_snapshot!(Message::from_record(&record()).unwrap().html());
    }

    #[test]
    fn long_quotes_are_cut_at_a_word() {
        let long = "word ".repeat(100);
        let s = short(&long);
        assert!(
            s.chars().count() <= MAX_QUOTE + 1 && s.ends_with("word…"),
            "{s}"
        );
        assert_eq!(cut("short", 10), "short");
    }
}

//! HTML: a static site to open from disk or publish. `index.html` lists the
//! articles; `a/ID/index.html` is an article's timeline; `a/ID/REV.html` is one
//! revision: its changes inline and side by side, then its text. No scripts,
//! no external assets (each page carries its own style), every piece of
//! article text escaped.

use std::fmt::Write as _;
use std::path::Path;

use super::{ExportError, Report, Selected, changes_html, what_changed};
use crate::extract::Article;
use crate::render::diff::{CSS, escape};
use crate::render::text::short_time;
use crate::store::{RevisionRow, Store};

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title><style>{CSS}\
         table.list{{border-collapse:collapse;width:100%;font:14px/1.4 system-ui,sans-serif}}\
         table.list td,table.list th{{text-align:left;padding:.3em .5em;border-bottom:1px solid #eee}}\
         nav{{font:14px system-ui,sans-serif;margin:1em 0}}h2{{font-size:1.1em;margin-top:2em}}\
         </style></head><body>\n{body}</body></html>\n",
        escape(title)
    )
}

fn save(path: &Path, html: &str) -> Result<(), ExportError> {
    super::write_file(path, html.as_bytes())
}

pub fn export(store: &Store, selected: &[Selected], dir: &Path) -> Result<Report, ExportError> {
    super::create_dir(dir, super::Format::Html)?;
    let mut index = String::from(
        "<h1>Tracked articles</h1>\n<table class=\"list\"><tr><th>Article</th><th>Revisions</th>\
         <th>Last change</th><th>What changed</th></tr>\n",
    );
    for s in selected {
        let id = s.article.id;
        let folder = dir.join("a").join(id.to_string());
        crate::store::private_dir(&folder).map_err(ExportError::write(&folder))?;
        let title = s
            .revisions
            .last()
            .and_then(|r| r.title.as_deref())
            .unwrap_or("(no headline)");
        let last = s.revisions.last();
        let _ = writeln!(
            index,
            "<tr><td><a href=\"a/{id}/index.html\">{}</a><br><span class=\"meta\">{}</span></td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(title),
            escape(&s.article.url),
            s.revisions.len(),
            last.map(|r| short_time(&r.captured_at)).unwrap_or_default(),
            last.map(|r| escape(&what_changed(r))).unwrap_or_default(),
        );
        timeline(dir, s, title)?;
        for (k, r) in s.revisions.iter().enumerate() {
            let prev = k.checked_sub(1).map(|p| s.revisions[p].rev);
            let next = s.revisions.get(k + 1).map(|n| n.rev);
            revision_page(store, &folder, s, r, title, prev, next)?;
        }
    }
    index.push_str("</table>\n");
    save(&dir.join("index.html"), &page("Tracked articles", &index))?;
    Ok(Report::of(selected))
}

/// A link to a web page, escaped; any other URL (`javascript:`, `data:`, …,
/// possible in an imported file) is shown as text and never made a link.
pub(crate) fn link(url: &str) -> String {
    let text = escape(url);
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {
            format!("<a href=\"{text}\" rel=\"noreferrer\">{text}</a>")
        }
        _ => text,
    }
}

fn timeline(dir: &Path, s: &Selected, title: &str) -> Result<(), ExportError> {
    let mut body = format!(
        "<nav><a href=\"../../index.html\">All articles</a></nav>\n<h1>{}</h1>\n\
         <p class=\"meta\">{url} · tracked since {}</p>\n\
         <table class=\"list\"><tr><th>Revision</th><th>Captured</th><th>Headline</th>\
         <th>What changed</th><th>Words</th></tr>\n",
        escape(title),
        short_time(&s.article.added_at),
        url = link(&s.article.url),
    );
    for r in &s.revisions {
        let _ = writeln!(
            body,
            "<tr><td><a href=\"{rev}.html\">{rev}</a></td><td>{}</td><td>{}</td><td>{}</td>\
             <td>+{} −{}</td></tr>",
            short_time(&r.captured_at),
            escape(r.title.as_deref().unwrap_or("")),
            escape(&what_changed(r)),
            r.words_added,
            r.words_removed,
            rev = r.rev,
        );
    }
    body.push_str("</table>\n");
    let path = dir
        .join("a")
        .join(s.article.id.to_string())
        .join("index.html");
    save(&path, &page(title, &body))
}

fn revision_page(
    store: &Store,
    folder: &Path,
    s: &Selected,
    r: &RevisionRow,
    title: &str,
    prev: Option<i64>,
    next: Option<i64>,
) -> Result<(), ExportError> {
    let article = store.revision_article(r)?;
    let mut body = String::from("<nav><a href=\"index.html\">Timeline</a>");
    if let Some(p) = prev {
        let _ = write!(body, " · <a href=\"{p}.html\">← revision {p}</a>");
    }
    if let Some(n) = next {
        let _ = write!(body, " · <a href=\"{n}.html\">revision {n} →</a>");
    }
    body.push_str("</nav>\n");
    let _ = writeln!(
        body,
        "<h1>{}</h1>\n<p class=\"meta\">Revision {} of {url} · captured {} · \
         {} · raw page SHA-256 {}</p>",
        escape(article.title.as_deref().unwrap_or(title)),
        r.rev,
        short_time(&r.captured_at),
        escape(&what_changed(r)),
        r.raw_sha256,
        url = link(&s.article.url),
    );
    if let Some(html) = changes_html(store, r, &article, true)? {
        body.push_str("<h2>Changes</h2>\n");
        body.push_str(&html);
    }
    body.push_str("<h2>Text</h2>\n");
    text(&mut body, &article);
    let path = folder.join(format!("{}.html", r.rev));
    save(
        &path,
        &page(article.title.as_deref().unwrap_or(title), &body),
    )
}

fn text(out: &mut String, a: &Article) {
    if let Some(b) = &a.byline {
        let _ = writeln!(out, "<p class=\"meta\">By {}</p>", escape(b));
    }
    if let Some(lead) = &a.lead {
        let _ = writeln!(out, "<p><em>{}</em></p>", escape(lead));
    }
    for p in &a.body {
        let _ = writeln!(out, "<p>{}</p>", escape(p));
    }
    for c in &a.corrections {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            link("https://news.example/a?b=1&c=\"2\""),
            "<a href=\"https://news.example/a?b=1&amp;c=&quot;2&quot;\" rel=\"noreferrer\">\
             https://news.example/a?b=1&amp;c=&quot;2&quot;</a>"
        );
        for hostile in [
            "javascript:alert(1)",
            "data:text/html,<script>x</script>",
            "vbscript:x",
        ] {
            let out = link(hostile);
            assert!(
                !out.contains("<a") && !out.contains('<') || out.contains("&lt;"),
                "{out}"
            );
            assert!(!out.contains("href"), "{out}");
        }
    }
}

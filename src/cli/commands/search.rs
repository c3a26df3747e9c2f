//! `search`: full-text search across every revision, answering *when*: in
//! which revision a match first appeared and in which it was removed.

use super::*;
use crate::render::json::SearchHitJson;

/// What `redline search` was asked.
#[derive(Debug, Clone)]
pub struct SearchArgs {
    pub query: Vec<String>,
    pub article: Option<String>,
    pub removed: bool,
    pub since: Option<String>,
    pub until: Option<String>,
    /// At most this many articles.
    pub limit: Option<usize>,
    pub json: bool,
}

pub fn search(ctx: &Context, out: Out<'_>, args: &SearchArgs) -> Result<Status, CliError> {
    let query = fts_query(&args.query);
    let since = args
        .since
        .as_deref()
        .map(|d| parse_date("--since", d))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|d| parse_date("--until", d))
        .transpose()?;
    let store = ctx.store_read()?;
    let article = args
        .article
        .as_deref()
        .map(|t| resolve(&store, t))
        .transpose()?;
    // Filters apply after the search: only a plain one can stop early.
    let limit = args
        .limit
        .filter(|_| !args.removed && args.since.is_none() && args.until.is_none());
    let found = store.search(&query, article.as_ref().map(|a| a.id), limit)?;
    let mut shown = 0;
    for f in &found {
        if args.limit.is_some_and(|n| shown >= n) {
            break;
        }
        if args.removed && f.runs.last().is_none_or(|r| r.removed_in.is_none()) {
            continue;
        }
        let context = store.search_context(f.article_id)?;
        let hit = SearchHitJson::new(f, &context);
        // Inside the dates: a match that appeared or was removed then.
        let within = |t: &Option<String>| {
            t.as_deref().is_some_and(|t| {
                since.as_deref().is_none_or(|s| t >= s) && until.as_deref().is_none_or(|u| t < u)
            })
        };
        if (since.is_some() || until.is_some())
            && !hit
                .runs
                .iter()
                .any(|r| within(&r.from_captured_at) || within(&r.removed_at))
        {
            continue;
        }
        shown += 1;
        if args.json {
            json_line(out, &hit)?;
        } else {
            writeln!(out, "{}", line(ctx, &hit))?;
        }
    }
    if shown == 0 {
        ctx.status(&format!("nothing found for {query}"));
        return Ok(Status::Failure);
    }
    Ok(Status::Success)
}

/// One article's answer: `#12 "…found [no further faults]…" added in rev 3
/// (time), removed in rev 5 (time)`; a match there from the first revision
/// says `from rev 1 (time)`, one that came back `back in rev 7 (time)`, one
/// in the latest revision `still there`.
fn line(ctx: &Context, hit: &SearchHitJson<'_>) -> String {
    let when = |rev: i64, at: &Option<String>| match at {
        Some(t) => format!("rev {rev} ({})", text::short_time(t)),
        None => format!("rev {rev}"),
    };
    let mut parts = Vec::new();
    for (i, r) in hit.runs.iter().enumerate() {
        parts.push(match (i, r.from_rev) {
            (0, 1) => format!("from {}", when(1, &r.from_captured_at)),
            (0, _) => format!("added in {}", when(r.from_rev, &r.from_captured_at)),
            _ => format!("back in {}", when(r.from_rev, &r.from_captured_at)),
        });
        if let Some(gone) = r.removed_in {
            parts.push(format!("removed in {}", when(gone, &r.removed_at)));
        }
    }
    if hit.still_there {
        parts.push("still there".to_owned());
    }
    let p = &ctx.painter;
    format!(
        "{} \"{}\" {}",
        p.paint(Role::Header, &format!("#{}", hit.article_id)),
        hit.snippet,
        p.paint(Role::Meta, &parts.join(", "))
    )
}

/// The FTS5 query for the words given: an argument the shell kept whole
/// (it holds a space) or one holding characters FTS5 reads as syntax
/// (`£4.6`, `co-op`) is a phrase; `AND`, `OR`, `NOT`, plain words and
/// `prefix*` pass as they are, and so does an argument that quotes itself.
pub fn fts_query(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let plain = a
                .trim_end_matches('*')
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_');
            if a.contains('"') || (plain && !a.is_empty()) || a == "(" || a == ")" {
                a.clone()
            } else {
                format!("\"{}\"", a.trim())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(args: &[&str]) -> String {
        fts_query(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn shell_quoted_arguments_are_phrases_and_operators_pass() {
        assert_eq!(q(&["no further faults"]), "\"no further faults\"");
        assert_eq!(q(&["bridge", "AND", "closed"]), "bridge AND closed");
        assert_eq!(q(&["ferr*", "NOT", "bridge"]), "ferr* NOT bridge");
        assert_eq!(q(&["£4.6", "million"]), "\"£4.6\" million");
        assert_eq!(q(&["co-op"]), "\"co-op\"");
        assert_eq!(q(&["\"a b\" OR c"]), "\"a b\" OR c");
        assert_eq!(q(&["café"]), "café");
    }
}

//! Full-text search across every revision: the `spans` table and its FTS5
//! index. A span is one distinct piece of an article's text (a paragraph,
//! the headline, the byline, the standfirst, a correction note) and the run
//! of revisions it stood in unchanged; the index holds each piece once. The
//! spans are derived from the stored texts alone ([`spans_of`]): kept in
//! step by every write of a text (a check's revision, an import, a
//! reextract, a deleted article), built for older databases on their first
//! writable open, and checked by `verify`.

use std::collections::HashMap;

use super::*;

/// One piece of an article's text and the revisions it stood in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub field: String,
    pub text: String,
    pub from_rev: i64,
    pub to_rev: i64,
}

/// A span that matches a search (of the article it is grouped under).
#[derive(Debug, Clone, PartialEq, Eq)]
struct SpanHit {
    field: String,
    from_rev: i64,
    to_rev: i64,
    span_id: i64,
}

/// The pieces of an article, by field, each once.
fn pieces(a: &Article) -> Vec<(&'static str, &str)> {
    let mut seen = std::collections::HashSet::new();
    let fields = [
        ("title", a.title.as_deref()),
        ("byline", a.byline.as_deref()),
        ("lead", a.lead.as_deref()),
    ];
    fields
        .into_iter()
        .filter_map(|(f, t)| t.map(|t| (f, t)))
        .chain(a.body.iter().map(|p| ("body", p.as_str())))
        .chain(a.corrections.iter().map(|c| ("correction", c.as_str())))
        .map(|(f, t)| (f, t.trim()))
        .filter(|&(f, t)| !t.is_empty() && seen.insert((f, t)))
        .collect()
}

/// The spans of one article's revisions (oldest first): a piece that stands
/// in consecutive revisions is one span; one that goes and comes back is a
/// new span from its return.
pub fn spans_of<'a>(revisions: impl IntoIterator<Item = (i64, &'a Article)>) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut open: HashMap<(&'static str, String), usize> = HashMap::new();
    for (rev, article) in revisions {
        let mut now = HashMap::new();
        for (field, text) in pieces(article) {
            let key = (field, text.to_owned());
            let i = match open.get(&key) {
                Some(&i) => {
                    spans[i].to_rev = rev;
                    i
                }
                None => {
                    spans.push(Span {
                        field: field.to_owned(),
                        text: text.to_owned(),
                        from_rev: rev,
                        to_rev: rev,
                    });
                    spans.len() - 1
                }
            };
            now.insert(key, i);
        }
        open = now;
    }
    spans
}

/// Adds revision `rev` of an article to its spans: the pieces that stood in
/// `prev` (the revision before) run on, the others start. The same result
/// as [`spans_of`] over the whole history.
pub(super) fn index_revision(
    conn: &Conn,
    article_id: i64,
    rev: i64,
    prev: Option<i64>,
    article: &Article,
) -> sql::Result<()> {
    let mut open: HashMap<(String, String), i64> = HashMap::new();
    if let Some(prev) = prev {
        conn.each(
            "SELECT id, field, text FROM spans WHERE article_id = ?1 AND to_rev = ?2",
            params![article_id, prev],
            |r| {
                open.insert((r.get(1)?, r.get(2)?), r.get(0)?);
                Ok(())
            },
        )?;
    }
    for (field, text) in pieces(article) {
        match open.remove(&(field.to_owned(), text.to_owned())) {
            Some(id) => {
                conn.execute(
                    "UPDATE spans SET to_rev = ?2 WHERE id = ?1",
                    params![id, rev],
                )?;
            }
            None => {
                conn.execute(
                    "INSERT INTO spans (article_id, field, text, from_rev, to_rev)
                     VALUES (?1, ?2, ?3, ?4, ?4)",
                    params![article_id, field, text, rev],
                )?;
            }
        }
    }
    Ok(())
}

/// The texts of an article's revisions, oldest first, read from `conn`.
fn texts(conn: &Conn, path: &Path, article_id: i64) -> Result<Vec<(i64, Article)>> {
    let map = |e| sql_err(path, e);
    let rows: Vec<(i64, String)> = conn
        .query_map(
            "SELECT rev, text_sha256 FROM revisions WHERE article_id = ?1 ORDER BY rev",
            [article_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(map)?;
    rows.into_iter()
        .map(|(rev, sha)| {
            let damaged = |what: String| StoreError::Damaged {
                path: path.to_owned(),
                what: format!("#{article_id} rev {rev}: {what}"),
            };
            let bytes = blobs::get(conn, &sha).map_err(|e| {
                damaged(match e {
                    blobs::BlobError::Sql(e) => e.to_string(),
                    blobs::BlobError::Missing(w)
                    | blobs::BlobError::Pruned(w)
                    | blobs::BlobError::Corrupt(w)
                    | blobs::BlobError::Elsewhere(w) => w,
                })
            })?;
            let article = serde_json::from_slice(&bytes)
                .map_err(|e| damaged(format!("the extracted text is not readable: {e}")))?;
            Ok((rev, article))
        })
        .collect()
}

/// Builds an article's spans again from its stored texts.
pub(super) fn reindex_article(conn: &Conn, path: &Path, article_id: i64) -> Result<()> {
    let map = |e| sql_err(path, e);
    conn.execute("DELETE FROM spans WHERE article_id = ?1", [article_id])
        .map_err(map)?;
    let texts = texts(conn, path, article_id)?;
    for s in spans_of(texts.iter().map(|(rev, a)| (*rev, a))) {
        conn.execute(
            "INSERT INTO spans (article_id, field, text, from_rev, to_rev)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![article_id, s.field, s.text, s.from_rev, s.to_rev],
        )
        .map_err(map)?;
    }
    Ok(())
}

/// What a search found in one article: the runs of revisions the match
/// stood in, and the words around it where it last stood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub article_id: i64,
    /// The span where the match last stood.
    pub last_span: i64,
    /// Its words around the match, the matched words in `[…]`.
    pub snippet: String,
    /// The fields it stood in (`title`, `byline`, `lead`, `body`, `correction`).
    pub fields: Vec<String>,
    /// The runs of consecutive revisions holding a match, oldest first.
    pub runs: Vec<Run>,
}

/// What a search line shows of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchContext {
    pub url: String,
    /// Its latest headline.
    pub title: Option<String>,
    /// Each revision's number and capture time, oldest first.
    pub captured: Vec<(i64, String)>,
}

/// Consecutive revisions holding a match: from `from_rev` to `to_rev`, and
/// the revision that removed it (`None`: still there in the latest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub from_rev: i64,
    pub to_rev: i64,
    pub removed_in: Option<i64>,
}

/// The runs of revisions that spans `(from, to)` cover together, with the
/// revision after each run when the article has one (`latest`: its latest
/// revision).
pub fn runs(mut spans: Vec<(i64, i64)>, latest: i64) -> Vec<Run> {
    spans.sort_unstable();
    let mut runs: Vec<Run> = Vec::new();
    for (from, to) in spans {
        match runs.last_mut() {
            Some(r) if from <= r.to_rev + 1 => r.to_rev = r.to_rev.max(to),
            _ => runs.push(Run {
                from_rev: from,
                to_rev: to,
                removed_in: None,
            }),
        }
    }
    for r in &mut runs {
        r.removed_in = (r.to_rev < latest).then_some(r.to_rev + 1);
    }
    runs
}

/// An FTS5 query (words, `"phrases"`, `prefix*`, AND, OR, NOT and
/// parentheses) in PostgreSQL's `tsquery` spelling, words cut as FTS5 cuts
/// them (at anything not a letter or digit): `"a b" OR c* NOT d` is
/// `(a <-> b) | c:* & !d`. A quote left open is an error, as in FTS5.
pub fn tsquery(fts: &str) -> Result<String, String> {
    let term = |raw: &str| -> Option<String> {
        let words: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut t = words.join(" <-> ");
        if t.is_empty() {
            return None;
        }
        if raw.ends_with('*') {
            t.push_str(":*");
        }
        Some(if words.len() > 1 { format!("({t})") } else { t })
    };
    let mut out: Vec<String> = Vec::new();
    let mut after_operand = false;
    let operand = |out: &mut Vec<String>, after: &mut bool, t: String| {
        if *after {
            out.push("&".into());
        }
        out.push(t);
        *after = true;
    };
    let mut rest = fts.trim_start();
    while let Some(c) = rest.chars().next() {
        let (token, tail) = match c {
            '"' => {
                let body = &rest[1..];
                let end = body
                    .find('"')
                    .ok_or_else(|| "a quoted phrase is not closed".to_owned())?;
                let tail = body.get(end + 1..).unwrap_or("");
                if let Some(t) = term(&body[..end]) {
                    operand(&mut out, &mut after_operand, t);
                }
                ("", tail)
            }
            '(' | ')' => rest.split_at(1),
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"'))
                    .unwrap_or(rest.len());
                rest.split_at(end)
            }
        };
        match token {
            "" => {}
            "(" => {
                if after_operand {
                    out.push("&".into());
                }
                out.push("(".into());
                after_operand = false;
            }
            ")" => {
                out.push(")".into());
                after_operand = true;
            }
            "AND" => {
                out.push("&".into());
                after_operand = false;
            }
            "OR" => {
                out.push("|".into());
                after_operand = false;
            }
            "NOT" => {
                out.push(if after_operand { "& !" } else { "!" }.into());
                after_operand = false;
            }
            word => {
                if let Some(t) = term(word) {
                    operand(&mut out, &mut after_operand, t);
                }
            }
        }
        rest = tail.trim_start();
    }
    Ok(out.join(" "))
}

impl Store {
    /// Builds the whole search index again from the stored texts, the
    /// words' index (FTS5) from scratch: the way out whatever state it is
    /// in, even one FTS5 calls malformed: FTS5 first builds its words
    /// again from the spans as they are, so that the triggers can delete
    /// them.
    pub fn rebuild_search_index(&mut self) -> Result<()> {
        let (tx, path) = self.immediate()?;
        let map = |e| sql_err(&path, e);
        if !tx.is_postgres() {
            tx.execute_batch("INSERT INTO spans_fts (spans_fts) VALUES ('rebuild')")
                .map_err(map)?;
        }
        tx.execute_batch("DELETE FROM spans").map_err(map)?;
        let ids: Vec<i64> = tx
            .query_map(
                "SELECT DISTINCT article_id FROM revisions ORDER BY article_id",
                params![],
                |r| r.get(0),
            )
            .map_err(map)?;
        for id in ids {
            reindex_article(&tx, &path, id)?;
        }
        tx.execute("UPDATE search_index SET built = 1", params![])
            .map_err(map)?;
        tx.commit().map_err(map)
    }

    /// Searches every revision's text (or one article's): per article, when
    /// the match first stood, when it was removed, and whether it is there
    /// now. Articles with the newest matching text first, at most `limit`.
    pub fn search(
        &self,
        query: &str,
        article: Option<i64>,
        limit: Option<usize>,
    ) -> Result<Vec<Found>> {
        let mut order: Vec<i64> = Vec::new();
        let mut hits: HashMap<i64, Vec<SpanHit>> = HashMap::new();
        let mut complete = true;
        let (matching, one_span) = if self.conn.is_postgres() {
            (
                "SELECT s.article_id, s.field, s.from_rev, s.to_rev, s.id
                 FROM spans s
                 WHERE to_tsvector('simple', s.text) @@ to_tsquery('simple', ?1)
                   AND (CAST(?2 AS BIGINT) IS NULL OR s.article_id = ?2)
                 ORDER BY s.id DESC",
                "SELECT 1 FROM spans
                 WHERE id = ?2 AND to_tsvector('simple', text) @@ to_tsquery('simple', ?1)",
            )
        } else {
            (
                "SELECT s.article_id, s.field, s.from_rev, s.to_rev, s.id
                 FROM spans_fts JOIN spans s ON s.id = spans_fts.rowid
                 WHERE spans_fts MATCH ?1 AND (?2 IS NULL OR s.article_id = ?2)
                 ORDER BY spans_fts.rowid DESC",
                "SELECT 1 FROM spans_fts WHERE spans_fts MATCH ?1 AND rowid = ?2",
            )
        };
        let query = if self.conn.is_postgres() {
            std::borrow::Cow::Owned(tsquery(query).map_err(|why| StoreError::Query {
                query: query.to_owned(),
                why,
            })?)
        } else {
            std::borrow::Cow::Borrowed(query)
        };
        let query = query.as_ref();
        self.conn
            .each_while(matching, params![query, article], |r| {
                let id: i64 = r.get(0)?;
                if !hits.contains_key(&id) {
                    if limit.is_some_and(|n| order.len() >= n) {
                        complete = false;
                        return Ok(false);
                    }
                    order.push(id);
                }
                hits.entry(id).or_default().push(SpanHit {
                    field: r.get(1)?,
                    from_rev: r.get(2)?,
                    to_rev: r.get(3)?,
                    span_id: r.get(4)?,
                });
                Ok(true)
            })
            .map_err(|e| self.query_err(query, e))?;
        if !complete {
            // Stopped at the limit: the articles kept may hold older
            // matches not read yet. Each of their spans is asked alone (a
            // seek in the words' index), not the whole index read on.
            for &id in &order {
                let all: Vec<SpanHit> = self
                    .conn
                    .query_map(
                        "SELECT id, field, from_rev, to_rev FROM spans WHERE article_id = ?1",
                        [id],
                        |r| {
                            Ok(SpanHit {
                                field: r.get(1)?,
                                from_rev: r.get(2)?,
                                to_rev: r.get(3)?,
                                span_id: r.get(0)?,
                            })
                        },
                    )
                    .map_err(|e| self.err(e))?;
                let mut kept = Vec::new();
                for h in all {
                    if self
                        .conn
                        .query_row(one_span, params![query, h.span_id], |_| Ok(()))
                        .optional()
                        .map_err(|e| self.query_err(query, e))?
                        .is_some()
                    {
                        kept.push(h);
                    }
                }
                hits.insert(id, kept);
            }
        }
        let mut found = Vec::with_capacity(order.len());
        for id in order {
            let group = hits.remove(&id).unwrap_or_default();
            let latest: i64 = self
                .conn
                .query_row(
                    "SELECT coalesce(max(rev), 0) FROM revisions WHERE article_id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .map_err(|e| self.err(e))?;
            let Some(last) = group
                .iter()
                .max_by_key(|h| (h.to_rev, h.from_rev, h.span_id))
            else {
                continue;
            };
            let mut fields: Vec<String> = group.iter().map(|h| h.field.clone()).collect();
            fields.sort();
            fields.dedup();
            found.push(Found {
                article_id: id,
                last_span: last.span_id,
                snippet: String::new(),
                fields,
                runs: runs(
                    group.iter().map(|h| (h.from_rev, h.to_rev)).collect(),
                    latest,
                ),
            });
        }
        // The snippets in one statement: FTS5 reads the words' lists once,
        // not once per article.
        let ids = serde_json::to_string(&found.iter().map(|f| f.last_span).collect::<Vec<_>>())
            .expect("numbers serialise");
        let snippets = if self.conn.is_postgres() {
            // Sixteen words around the match, as FTS5's snippet; a piece
            // no longer than that whole.
            "SELECT id, ts_headline('simple', text, to_tsquery('simple', ?1),
                        CASE WHEN array_length(regexp_split_to_array(trim(text), '\\s+'), 1) <= 16
                             THEN 'StartSel=[, StopSel=], HighlightAll=true'
                             ELSE 'StartSel=[, StopSel=], MaxWords=16, MinWords=15, ShortWord=0'
                        END)
             FROM spans WHERE id IN (SELECT CAST(value AS BIGINT)
                                     FROM json_array_elements_text(CAST(?2 AS JSON)))"
        } else {
            "SELECT rowid, snippet(spans_fts, 0, '[', ']', '…', 16) FROM spans_fts
             WHERE spans_fts MATCH ?1 AND +rowid IN (SELECT value FROM json_each(?2))"
        };
        let snippets: HashMap<i64, String> = self
            .conn
            .query_map(snippets, params![query, ids], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|e| self.query_err(query, e))?
            .into_iter()
            .collect();
        for f in &mut found {
            if let Some(s) = snippets.get(&f.last_span) {
                // PostgreSQL marks each word of a phrase; FTS5 marks the run.
                f.snippet = if self.conn.is_postgres() {
                    s.replace("] [", " ")
                } else {
                    s.clone()
                };
            }
        }
        Ok(found)
    }

    /// Builds the spans of every article if this database was written before
    /// search existed (once, on a writable open).
    pub(super) fn build_search_index(&mut self) -> Result<()> {
        let built: i64 = self
            .conn
            .query_row("SELECT built FROM search_index", params![], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if built != 0 {
            return Ok(());
        }
        self.rebuild_search_index()
    }

    /// What a search line shows of an article: its URL, its latest
    /// headline, and each revision's capture time by number.
    pub fn search_context(&self, article_id: i64) -> Result<SearchContext> {
        let map = |e| self.err(e);
        let url: String = self
            .conn
            .query_row(
                "SELECT url FROM articles WHERE id = ?1",
                [article_id],
                |r| r.get(0),
            )
            .map_err(map)?;
        let mut context = SearchContext {
            url,
            title: None,
            captured: Vec::new(),
        };
        self.conn
            .each(
                "SELECT rev, captured_at, title FROM revisions WHERE article_id = ?1 ORDER BY rev",
                [article_id],
                |r| {
                    let title: Option<String> = r.get(2)?;
                    if title.is_some() {
                        context.title = title;
                    }
                    context.captured.push((r.get(0)?, r.get(1)?));
                    Ok(())
                },
            )
            .map_err(map)?;
        Ok(context)
    }

    /// An error of a search statement: the statement is fixed, so a plain
    /// SQL error is the query's.
    fn query_err(&self, query: &str, e: DbError) -> StoreError {
        match &e {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(f, Some(msg)))
                if f.code == rusqlite::ErrorCode::Unknown =>
            {
                StoreError::Query {
                    query: query.to_owned(),
                    why: msg.trim_start_matches("fts5: ").to_owned(),
                }
            }
            #[cfg(feature = "postgres")]
            DbError::Postgres(p)
                if p.code() == Some(&tokio_postgres::error::SqlState::SYNTAX_ERROR) =>
            {
                StoreError::Query {
                    query: query.to_owned(),
                    why: p
                        .as_db_error()
                        .map_or_else(String::new, |d| d.message().to_owned()),
                }
            }
            _ => self.err(e),
        }
    }

    /// An article's spans as stored.
    pub fn spans(&self, article_id: i64) -> Result<Vec<Span>> {
        self.conn
            .query_map(
                "SELECT field, text, from_rev, to_rev FROM spans WHERE article_id = ?1
                 ORDER BY from_rev, id",
                [article_id],
                |r| {
                    Ok(Span {
                        field: r.get(0)?,
                        text: r.get(1)?,
                        from_rev: r.get(2)?,
                        to_rev: r.get(3)?,
                    })
                },
            )
            .map_err(|e| self.err(e))
    }

    /// Says where an article's stored spans are not the ones its texts
    /// (revision number and article, oldest first) give.
    pub(super) fn verify_spans<'a>(
        &self,
        id: i64,
        texts: impl IntoIterator<Item = (i64, &'a Article)>,
        v: &mut Verified,
    ) -> Result<()> {
        let mut want = spans_of(texts);
        let mut have = self.spans(id)?;
        want.sort();
        have.sort();
        if want != have {
            let missing = want.iter().filter(|s| !have.contains(s)).count();
            let extra = have.iter().filter(|s| !want.contains(s)).count();
            v.problems.push(format!(
                "#{id}: the search index is not the texts' ({missing} pieces missing, \
                 {extra} not in the texts); `redline reextract --all` builds it again"
            ));
        }
        Ok(())
    }

    /// Checks what [`Store::verify_spans`] cannot: spans of no article's
    /// revisions, and the FTS5 index against the spans.
    pub(super) fn verify_search(&self, v: &mut Verified) -> Result<()> {
        // Each article's spans are checked with its texts, read once
        // (`verify_derived`); here, only spans of no article's revisions.
        let orphans: Vec<i64> = self
            .conn
            .query_map(
                "SELECT DISTINCT article_id FROM spans
                 WHERE article_id NOT IN (SELECT article_id FROM revisions) ORDER BY 1",
                params![],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        for id in orphans {
            self.verify_spans(id, [], v)?;
        }
        if self.conn.is_postgres() {
            // PostgreSQL keeps its word index in step with the spans itself.
            return Ok(());
        }
        // FTS5 checks its index against the spans only through a write
        // statement (which writes nothing): run it on a second connection,
        // in a transaction rolled back, where the file can be written.
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if let Ok(rw) = Connection::open_with_flags(&self.path, flags) {
            let _ = rw.busy_timeout(std::time::Duration::from_secs(30));
            let checked = rw.execute_batch("BEGIN").and_then(|()| {
                let r = rw.execute(
                    "INSERT INTO spans_fts (spans_fts, rank) VALUES ('integrity-check', 1)",
                    [],
                );
                let _ = rw.execute_batch("ROLLBACK");
                r
            });
            // Only a corrupt answer is a finding; one that could not run
            // (a write-protected folder) says nothing either way.
            if let Err(e) = checked
                && e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt)
            {
                v.problems.push(format!(
                    "search index: FTS5 integrity check failed: {e}; `redline reextract --all` builds it again"
                ));
            }
        }
        Ok(())
    }
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
    fn fts5_queries_read_the_same_as_tsqueries() {
        let t = |q: &str| tsquery(q).unwrap();
        assert!(tsquery("\"unclosed").is_err());
        assert_eq!(t("\"no further faults\""), "(no <-> further <-> faults)");
        assert_eq!(t("bridge AND closed"), "bridge & closed");
        assert_eq!(t("Bridge closed"), "bridge & closed");
        assert_eq!(t("ferr* NOT bridge"), "ferr:* & ! bridge");
        assert_eq!(t("\"£4.6\" million"), "(4 <-> 6) & million");
        assert_eq!(t("(a OR b) c"), "( a | b ) & c");
        assert_eq!(t("café"), "café");
    }

    #[test]
    fn a_piece_is_one_span_while_it_stands_and_a_new_one_when_it_returns() {
        let one = article("Bridge shut", &["The bridge is shut.", "No date is set."]);
        let two = article("Bridge shut", &["The bridge is shut.", "It opens Monday."]);
        let gone = Article::default();
        let spans = spans_of([(1, &one), (2, &two), (3, &gone), (4, &one)]);
        let find = |text: &str| -> Vec<(i64, i64)> {
            spans
                .iter()
                .filter(|s| s.text == text)
                .map(|s| (s.from_rev, s.to_rev))
                .collect()
        };
        assert_eq!(find("Bridge shut"), [(1, 2), (4, 4)]);
        assert_eq!(find("The bridge is shut."), [(1, 2), (4, 4)]);
        assert_eq!(find("No date is set."), [(1, 1), (4, 4)]);
        assert_eq!(find("It opens Monday."), [(2, 2)]);
        assert!(spans.iter().any(|s| s.field == "title"));
    }

    #[test]
    fn runs_join_overlapping_and_touching_spans_and_say_what_removed_them() {
        let r = |from, to, removed_in| Run {
            from_rev: from,
            to_rev: to,
            removed_in,
        };
        assert_eq!(
            runs(vec![(3, 4), (1, 2), (7, 9)], 9),
            [r(1, 4, Some(5)), r(7, 9, None)]
        );
        assert_eq!(runs(vec![(2, 5), (3, 3)], 6), [r(2, 5, Some(6))]);
        assert_eq!(runs(vec![], 3), []);
    }

    #[test]
    fn indexing_one_revision_at_a_time_gives_the_spans_of_the_whole_history() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        store
            .conn
            .execute(
                "INSERT INTO articles (id, url, added_at) VALUES (1, 'http://x/a', 't')",
                params![],
            )
            .unwrap();
        let history = [
            article("A", &["one", "two"]),
            article("A", &["one", "three"]),
            Article::default(),
            article("A", &["one", "two", "two"]),
        ];
        let tx = store.conn.transaction(sql::Begin::Deferred).unwrap();
        for (i, a) in history.iter().enumerate() {
            let rev = i as i64 + 1;
            index_revision(&tx, 1, rev, (rev > 1).then_some(rev - 1), a).unwrap();
        }
        tx.commit().unwrap();
        let mut have = store.spans(1).unwrap();
        let mut want = spans_of(history.iter().enumerate().map(|(i, a)| (i as i64 + 1, a)));
        have.sort();
        want.sort();
        assert_eq!(have, want);
        let found = store.search("three", None, None).unwrap();
        assert_eq!(found.len(), 1);
        // Only the spans were written here (no revisions): the run is the
        // span's.
        let run = found[0].runs.iter().map(|r| (r.from_rev, r.to_rev));
        assert_eq!(run.collect::<Vec<_>>(), [(2, 2)]);
        assert_eq!(found[0].snippet, "[three]");
        let bad = store.search("\"unclosed", None, None);
        assert!(matches!(bad, Err(StoreError::Query { .. })), "{bad:?}");
    }
}

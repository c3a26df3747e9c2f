-- redline schema, version 6. Never edit once released: add a new file instead.

-- Full-text search across every revision. Each distinct piece of an
-- article's text (a paragraph, the headline, the byline, the standfirst, a
-- correction note) is one span, indexed once, with the run of revisions it
-- stood in unchanged: `from_rev` to `to_rev`. A piece that goes and comes
-- back is two spans. So "in which revision did this sentence appear, and in
-- which was it removed" is a lookup, and the index grows with what changed,
-- not with the number of revisions.
CREATE TABLE spans (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    field      TEXT NOT NULL,
    text       TEXT NOT NULL,
    from_rev   INTEGER NOT NULL,
    to_rev     INTEGER NOT NULL
);
CREATE INDEX spans_article ON spans (article_id, to_rev);

-- The words of the spans (FTS5 over the table above: no second copy of
-- the text), accents folded.
CREATE VIRTUAL TABLE spans_fts USING fts5(
    text,
    content = 'spans',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER spans_ai AFTER INSERT ON spans BEGIN
    INSERT INTO spans_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER spans_ad AFTER DELETE ON spans BEGIN
    INSERT INTO spans_fts (spans_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER spans_au AFTER UPDATE OF text ON spans BEGIN
    INSERT INTO spans_fts (spans_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO spans_fts (rowid, text) VALUES (new.id, new.text);
END;

-- 0 until the spans of the revisions stored before this version are built
-- (by redline on its next writable open: the texts are compressed, which
-- SQL cannot read).
CREATE TABLE search_index (built INTEGER NOT NULL);
INSERT INTO search_index (built) VALUES (0);

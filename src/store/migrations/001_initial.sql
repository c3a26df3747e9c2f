-- redline schema, version 1. Never edit once released: add a new file instead.

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,
    added_at        TEXT NOT NULL,
    -- A CSS selector for the body given with `track --selector`.
    selector        TEXT,
    -- The URL the last successful fetch ended on, after redirects.
    final_url       TEXT,
    -- Validators of the last response, for conditional GET.
    etag            TEXT,
    last_modified   TEXT,
    last_checked_at TEXT,
    -- The error of the last check, NULL when it succeeded.
    last_error      TEXT,
    -- The schedule: when the next check is due (NULL: now), the gap used last,
    -- a fixed pace (`track --every`), a last date (`--until`), when the
    -- article last changed, and when it retired (NULL while active).
    next_check_at   TEXT,
    interval_secs   INTEGER NOT NULL DEFAULT 0,
    every_secs      INTEGER,
    until           TEXT,
    last_change_at  TEXT,
    retired_at      TEXT,
    -- The feed or sitemap that listed it, if any.
    feed_id         INTEGER REFERENCES feeds(id) ON DELETE SET NULL
);
CREATE INDEX articles_due ON articles(retired_at, next_check_at);

-- Feeds and sitemaps whose listed articles are tracked.
CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,
    added_at        TEXT NOT NULL,
    -- Only URLs matching this regular expression are tracked.
    match_regex     TEXT,
    etag            TEXT,
    last_modified   TEXT,
    last_checked_at TEXT,
    last_error      TEXT,
    -- When the feed last listed an article not seen before.
    last_new_at     TEXT,
    next_check_at   TEXT
);

-- Content-addressed, compressed blobs: raw pages and extracted articles.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,      -- hex SHA-256 of the uncompressed content
    size   INTEGER NOT NULL,      -- uncompressed size in bytes
    codec  TEXT NOT NULL,         -- 'zstd'
    data   BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE revisions (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    rev           INTEGER NOT NULL,           -- 1, 2, 3… within the article
    captured_at   TEXT NOT NULL,              -- RFC 3339 UTC
    fingerprint   TEXT NOT NULL,              -- of the normalised article
    raw_sha256    TEXT NOT NULL REFERENCES blobs(sha256),  -- the page as served
    text_sha256   TEXT NOT NULL REFERENCES blobs(sha256),  -- the extracted article (JSON)
    final_url     TEXT NOT NULL,
    http_status   INTEGER NOT NULL,
    headers       TEXT NOT NULL,              -- JSON [[name, value], …] as received
    encoding      TEXT NOT NULL,              -- charset the page was decoded with
    title         TEXT,
    revert_of     INTEGER,                    -- rev this one restores, if any
    words_added   INTEGER NOT NULL,
    words_removed INTEGER NOT NULL,
    classes       TEXT NOT NULL DEFAULT '',   -- change classes, comma-separated
    diff          TEXT,                       -- JSON ArticleDiff against rev - 1
    -- 1 when re-extraction made this revision's article equal the one before:
    -- a change in how redline read the page, not an edit by the publisher.
    technical     INTEGER NOT NULL DEFAULT 0,
    reextracted_at TEXT,                      -- when `reextract` last re-derived it
    UNIQUE (article_id, rev)
);
CREATE INDEX revisions_fingerprint ON revisions(article_id, fingerprint);

CREATE TABLE checks (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    checked_at  TEXT NOT NULL,
    http_status INTEGER,
    -- first | changed | revert | unchanged | not_modified | alarm | failed
    outcome     TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    error       TEXT,
    -- For an alarm: the fingerprint that a next check must confirm.
    fingerprint TEXT,
    revision_id INTEGER REFERENCES revisions(id)
);
CREATE INDEX checks_article ON checks(article_id, checked_at);

-- redline schema, version 2. Never edit once released: add a new file instead.

-- Blobs may be stored as a delta: codec 'zstd-delta' is zstd with the content
-- of the blob named in `base` as dictionary (the same article's previous raw
-- page or text), so a small edit costs a small record. `depth` counts the
-- bases behind a blob (0 for a whole one) and bounds the chain. Codec
-- 'pruned' marks a raw page removed by `redline gc`: its hash and size stay as
-- evidence of what was there.
ALTER TABLE blobs ADD COLUMN base TEXT;
ALTER TABLE blobs ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
CREATE INDEX blobs_base ON blobs(base) WHERE base IS NOT NULL;

-- revisions.diff: written from now on as zstd-compressed JSON (a BLOB); rows
-- written before keep their JSON text, and both are read.

-- The request redline sent for a revision's page, as JSON [[name, value], …]
-- (NULL for revisions recorded before version 2).
ALTER TABLE revisions ADD COLUMN request_headers TEXT;

-- The canonical URL the article's page declares, so that one article is not
-- tracked twice under two URLs; indexed with the final URL for that lookup.
ALTER TABLE articles ADD COLUMN canonical_url TEXT;
CREATE INDEX articles_canonical ON articles(canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX articles_final ON articles(final_url) WHERE final_url IS NOT NULL;

-- A pace for the articles a feed brings (`track --feed URL --every 1h`).
ALTER TABLE feeds ADD COLUMN every_secs INTEGER;
ALTER TABLE feeds ADD COLUMN until TEXT;

-- Each pass over articles (`check`, `watch`, `track`): when, how long, what
-- it found. `status` shows the last one.
CREATE TABLE passes (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    articles    INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    failed      INTEGER NOT NULL
);

-- Each notification hook run for a revision: delivered, or failed after its
-- retries (shown by `status`).
CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY,
    revision_id  INTEGER NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
    hook         TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    ok           INTEGER NOT NULL,
    error        TEXT
);
CREATE INDEX deliveries_failed ON deliveries(ok, attempted_at);

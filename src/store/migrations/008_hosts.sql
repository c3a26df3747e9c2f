-- Hosts, leased by `redline worker`: one worker at a time checks a host's
-- due articles, and the spacing its politeness asks for holds from one
-- worker to the next (`next_allowed_at`). Leases are wall-clock RFC 3339
-- times; an expired one is free to take.
ALTER TABLE articles ADD COLUMN host TEXT;
CREATE INDEX articles_host_due ON articles (host, next_check_at) WHERE retired_at IS NULL;
-- Articles whose host is still to be written (added before hosts were).
CREATE INDEX articles_unnamed ON articles (id) WHERE host IS NULL;

CREATE TABLE hosts (
    host            TEXT PRIMARY KEY,   -- host:port, the unit of politeness
    leased_by       TEXT,
    lease_until     TEXT,
    next_allowed_at TEXT,
    -- Its robots.txt as a worker last read it ('' for none) and when: the
    -- next worker reads it from here for a day instead of asking again.
    robots          TEXT,
    robots_at       TEXT
);
-- Hosts in the order they are taken: those whose turn comes first.
CREATE INDEX hosts_turn ON hosts (next_allowed_at, host);

ALTER TABLE feeds ADD COLUMN leased_by TEXT;
ALTER TABLE feeds ADD COLUMN lease_until TEXT;

-- Notifications of the revisions workers record, written in the same
-- transaction as the revision and delivered by whichever worker claims
-- them: each goes out once, however many workers there are.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    revision_id INTEGER NOT NULL UNIQUE REFERENCES revisions(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    claimed_by  TEXT,
    claim_until TEXT,
    done_at     TEXT
);
CREATE INDEX outbox_waiting ON outbox (id) WHERE done_at IS NULL;

-- Where whole raw pages go (`--blobs URL`), once one was named: later
-- commands read them from there without being told again.
CREATE TABLE object_store (url TEXT NOT NULL);

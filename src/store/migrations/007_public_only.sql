-- redline schema, version 7. Never edit once released: add a new file instead.

-- 1 for an article tracked from `serve --allow-writes`: a URL someone other
-- than the operator gave, fetched only from public addresses at every check
-- (never loopback, private or link-local, nor by a redirect to one).
ALTER TABLE articles ADD COLUMN public_only INTEGER NOT NULL DEFAULT 0;

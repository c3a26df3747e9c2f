-- redline schema, version 3. Never edit once released: add a new file instead.

-- The version of redline's extraction rules that read a revision's stored
-- article from its raw page (`redline::extract::RULES`). 1: before version 3,
-- dates converted to UTC; 2: dates as the page wrote them, headline by
-- agreement, bylines without prefixes. Set when a revision is recorded or
-- derived again (`reextract`, or a check that finds only the reading changed);
-- an imported revision is 1 until read again, since its rules are not known.
ALTER TABLE revisions ADD COLUMN rules INTEGER NOT NULL DEFAULT 1;

-- redline schema, version 4. Never edit once released: add a new file instead.

-- 1 when the user stopped checking the article (`redline untrack`), as
-- against the schedule retiring it (quiet for weeks, or past `until`). Both
-- set `retired_at`; `resume` clears both.
ALTER TABLE articles ADD COLUMN untracked INTEGER NOT NULL DEFAULT 0;

-- redline schema, version 5. Never edit once released: add a new file instead.

-- A page back after a takedown is `restored` (and `revert` when its text is
-- an earlier revision's), no longer the classes of its diff from the empty
-- text of the takedown (headline, added, substantive, …). Classes are
-- stored comma-joined in the order of `Class::ALL`.
UPDATE revisions
   SET classes = CASE WHEN revert_of IS NULL THEN 'restored' ELSE 'revert,restored' END
 WHERE technical = 0
   AND (',' || classes || ',') NOT LIKE '%,takedown,%'
   AND EXISTS (
       SELECT 1 FROM revisions AS before
        WHERE before.article_id = revisions.article_id
          AND before.rev = revisions.rev - 1
          AND (',' || before.classes || ',') LIKE '%,takedown,%'
   );

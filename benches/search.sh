#!/usr/bin/env bash
# Search benchmark: `redline search` on a database of N articles × 3
# revisions of 12–13 paragraphs each (examples/search_db.rs, fixed seed), for
# a phrase in one article, a word in every article (the newest 20 and all of
# them), and `verify`'s check of the whole index. Reports wall and CPU
# time (process start included) and peak memory, and the database's size with
# and without the index.
#
#     bash benches/search.sh              # ARTICLES=100000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${ARTICLES:-100000}
cargo build --release --quiet --example search_db
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/search.db"
/usr/bin/time -f '%e' -o "$work/build" target/release/examples/search_db --db "$db" --articles "$N"
echo "built $N articles × 3 revisions in $(cat "$work/build") s: $(du -m "$db" | cut -f1) MB"
measure() {
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > "$work/out" 2> /dev/null || true
    awk -v lines="$(wc -l < "$work/out")" '{ printf "%7.3f s wall %7.3f CPU s %4.0f MB  (%d lines)", $1, $2 + $3, $4 / 1024, lines }' "$work/time"
}
r=target/release/redline
printf '%-44s %s\n' "phrase in one article" "$(measure $r --db "$db" search "no further faults")"
printf '%-44s %s\n' "phrase, --removed" "$(measure $r --db "$db" search "no further faults" --removed)"
printf '%-44s %s\n' "word in every article, --limit 20" "$(measure $r --db "$db" search bridge --limit 20)"
printf '%-44s %s\n' "word in every article, all" "$(measure $r --db "$db" search bridge)"
printf '%-44s %s\n' "verify (index derived again)" "$(measure $r --db "$db" verify)"
sqlite3 "$db" "SELECT 'spans: ' || count(*) FROM spans" 2>/dev/null || true

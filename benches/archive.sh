#!/usr/bin/env bash
# Archive benchmark: a database of N articles × 3 revisions of 12–13
# paragraphs each (examples/search_db.rs, fixed seed). `redline search` for a
# phrase in one article and a word in every article (the newest 20 and all of
# them), and `verify` (the whole history and the index derived again): wall
# and CPU time (process start included) and peak memory. Then `redline serve`
# on it: each page and API answer's time, and the server's memory before and
# after 500 more requests.
#
#     bash benches/archive.sh             # ARTICLES=100000 PORT=8099 VERIFY=1
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
[ "${VERIFY:-1}" = 0 ] || printf '%-44s %s\n' "verify (history and index derived again)" "$(measure $r --db "$db" verify)"

# The web window on the same database: each page's time as curl sees it
# (median of 5), and the server's memory before and after 500 requests.
PORT=${PORT:-8099}
$r --db "$db" serve --listen "127.0.0.1:$PORT" 2> "$work/serve.err" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/style.css" > /dev/null 2>&1 && break; sleep 0.1; done
rss() { awk '/VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$server/status"; }
timed() {
    for _ in 1 2 3 4 5; do curl -fs -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT$1"; done |
        sort -n | awk 'NR == 3 { printf "%6.1f ms (median of 5)", $1 * 1000 }'
}
echo "server memory at start: $(rss)"
for path in / "/?class=substantive" "/?before=150000" /api/v1/articles "/api/v1/articles?after=50000" \
    /articles/7 /articles/7/revisions/3 "/search?q=%22no+further+faults%22" "/search?q=bridge" \
    "/api/v1/search?q=bridge&limit=20" /status; do
    printf '%-44s %s\n' "GET $path" "$(timed "$path")"
done
for i in $(seq 50); do
    for path in / /api/v1/articles "/articles/$i" "/articles/$i/revisions/2" "/search?q=bridge" \
        "/?before=$((i * 1000))" "/api/v1/articles?after=$((i * 1000))" /status "/feed.atom" "/articles/$i/feed.atom"; do
        curl -fs -o /dev/null "http://127.0.0.1:$PORT$path"
    done
done
echo "server memory after 500 more requests: $(rss)"

#!/usr/bin/env bash
# Storage benchmark: 100 versions of a ~100 KB news page (each edits one
# paragraph and churns the boilerplate: build stamps, nonces, ad slots, a
# reshuffled "most read" list), served locally and checked once per version by
# redline and, when installed (`pip install urlwatch==2.29`), by urlwatch,
# side by side. Reports bytes on disk per revision, what they are made of, and
# checks that every raw page comes back byte for byte.
#
#     bash benches/storage.sh            # VERSIONS=100 KB=100 PORT=8089 by default
set -euo pipefail
cd "$(dirname "$0")/.."
V=${VERSIONS:-100}
KB=${KB:-100}
PORT=${PORT:-8089}
cargo build --release --quiet --example storage_pages
cargo build --release --quiet
work=$(mktemp -d)
target/release/examples/storage_pages --versions "$V" --kb "$KB" --out "$work/pages"
mkdir -p "$work/site"
cp "$work/pages/0.html" "$work/site/story.html"
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$work/site" > /dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
URL="http://127.0.0.1:$PORT/story.html"
for _ in $(seq 50); do curl -fs "$URL" > /dev/null 2>&1 && break; sleep 0.1; done

R=(target/release/redline --db "$work/r.db" --quiet --host-delay 0s)
have_urlwatch=0
if command -v urlwatch > /dev/null; then
    have_urlwatch=1
    printf 'name: story\nurl: %s\n' "$URL" > "$work/jobs.yaml"
    touch "$work/hooks.py"
    U=(urlwatch --urls "$work/jobs.yaml" --config "$work/urlwatch.yaml" --hooks "$work/hooks.py" --cache "$work/cache.db")
fi
# Each version gets a Last-Modified an hour after the one before, in the future,
# so that neither tool's conditional request (If-Modified-Since: the server's
# date for redline, the time of the last fetch for urlwatch) gets a 304.
start=$(( $(date +%s) + 3600 ))
for k in $(seq 0 $((V - 1))); do
    cp "$work/pages/$k.html" "$work/site/story.html"
    touch -d "@$((start + k * 3600))" "$work/site/story.html"
    now=$(date -u -d "@$((start + k * 3600))" +%Y-%m-%dT%H:%M:%SZ)
    if [ "$k" = 0 ]; then
        REDLINE_NOW=$now "${R[@]}" track "$URL" > /dev/null
    else
        REDLINE_NOW=$now "${R[@]}" check > /dev/null
    fi
    if [ "$have_urlwatch" = 1 ]; then "${U[@]}" > /dev/null 2>&1 || true; fi
done

raw_total=$(cat "$work"/pages/*.html | wc -c)
revs=$("${R[@]}" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["revisions"])')
db_bytes=$(stat -c %s "$work/r.db")
echo "pages: $V versions of a $((raw_total / V / 1024)) KB page, $((raw_total / 1024)) KB in all"
echo "redline revisions recorded: $revs"
echo "redline database: $((db_bytes / 1024)) KB on disk = $((db_bytes / revs)) bytes per revision (raw page, text, diff, rows, indexes)"
python3 - "$work/r.db" "$revs" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
q = lambda sql: db.execute(sql).fetchone()[0] or 0
raw = q("SELECT sum(length(data)) FROM blobs WHERE sha256 IN (SELECT raw_sha256 FROM revisions)")
text = q("SELECT sum(length(data)) FROM blobs WHERE sha256 IN (SELECT text_sha256 FROM revisions)")
diff = q("SELECT sum(length(diff)) FROM revisions")
whole = q("SELECT count(*) FROM blobs WHERE codec = 'zstd'")
print(f"  per revision: raw page {raw // n} B, text {text // n} B, stored diff {diff // n} B; {whole} blobs stored whole, the rest as deltas")
PY
bad=0
for k in $(seq 0 $((V - 1))); do
    "${R[@]}" show 1 $((k + 1)) --raw | cmp -s - "$work/pages/$k.html" || bad=$((bad + 1))
done
echo "raw pages restored byte-exact: $((V - bad)) of $V"
"${R[@]}" verify | tail -1
if [ "$have_urlwatch" = 1 ]; then
    u_bytes=$(stat -c %s "$work/cache.db")
    echo "urlwatch cache: $((u_bytes / 1024)) KB on disk = $((u_bytes / V)) bytes per version"
    python3 -c "import sys; print(f'redline stores {int(sys.argv[1]) / int(sys.argv[2]):.3f}× what urlwatch stores')" "$db_bytes" "$u_bytes"
else
    echo "urlwatch not installed: pip install urlwatch==2.29 to compare"
fi

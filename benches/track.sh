#!/usr/bin/env bash
# Tracking benchmark: a pass over N generated article pages (~90 KB each) served
# locally, with no changes (all 304) and with 10% changed, for redline and,
# when installed (`pip install urlwatch==2.29`), urlwatch, side by side.
#
#     bash benches/track.sh            # PAGES=5000 PORT=8088 by default
set -euo pipefail
cd "$(dirname "$0")/.."
N=${PAGES:-5000}
PORT=${PORT:-8088}
cargo build --release --quiet --example article_server
cargo build --release --quiet
work=$(mktemp -d)
target/release/examples/article_server --pages "$N" --port "$PORT" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
get() { python3 -c "import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())" "$1"; }
for _ in $(seq 50); do get "http://127.0.0.1:$PORT/__urls" > "$work/urls.txt" 2>/dev/null && break; sleep 0.1; done

# wall seconds, CPU seconds (user+sys), peak RSS MB
measure() {
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > "$work/out" 2>&1 || true
    awk '{ printf "%.2f s wall, %.2f CPU s, %.0f MB peak", $1, $2 + $3, $4 / 1024 }' "$work/time"
}
rate() { awk -v n="$N" '{ printf "%.0f URLs/s", n / $1 }' "$work/time"; }

# A short timeout with retries, so that a lost request could never dominate the
# figures (none is lost by this server; the setting is a guard).
export REDLINE_TIMEOUT=5 REDLINE_RETRIES=2
R=(target/release/redline --db "$work/r.db" --quiet --concurrency 16 --host-concurrency 16 --host-delay 0s)
echo "pages: $N"
echo "redline first pass (track --from-file):  $(measure "${R[@]}" track --from-file "$work/urls.txt"); $(rate)"
echo "redline pass, no changes (all 304):       $(measure "${R[@]}" check); $(rate)"
get "http://127.0.0.1:$PORT/__change?percent=10" > /dev/null
echo "redline pass, 10% changed:                $(measure "${R[@]}" check); $(rate)"
echo "redline revisions recorded: $(target/release/redline --db "$work/r.db" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["revisions"])')"

if command -v urlwatch > /dev/null; then
    python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
urls = [u.strip() for u in open(f"{work}/urls.txt") if u.strip()]
with open(f"{work}/jobs.yaml", "w") as f:
    f.write("\n---\n".join(f"name: a{i}\nurl: {u}" for i, u in enumerate(urls)))
PY
    U=(urlwatch --urls "$work/jobs.yaml" --config "$work/urlwatch.yaml" --hooks "$work/hooks.py" --cache "$work/cache.db")
    touch "$work/hooks.py"
    echo "urlwatch first pass:                      $(measure "${U[@]}"); $(rate)"
    tail -1 "$work/out"
    echo "urlwatch pass, no changes:                $(measure "${U[@]}"); $(rate)"
    get "http://127.0.0.1:$PORT/__change?percent=10" > /dev/null
    echo "urlwatch pass, 10% changed:               $(measure "${U[@]}"); $(rate)"
fi

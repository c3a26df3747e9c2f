#!/usr/bin/env bash
# Scale benchmark: does a pass cost the same per article whether 1,000 or
# 100,000 articles are tracked? For each size, a database is built quickly
# (examples/scale_db.rs: N articles with one revision each, 1,000 of them due)
# against the local article server, then timed: `check --due` over the 1,000
# due (all 304), the same 1,000 again with 10% of pages changed, `list --json`
# of all N, `status`, and `check --due` when nothing is due (the due query
# alone, process start included).
#
#     bash benches/scale.sh              # SIZES="1000 10000 100000" PORT=8090
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 100000"}
PORT=${PORT:-8090}
max=$(echo $SIZES | tr ' ' '\n' | sort -n | tail -1)
cargo build --release --quiet --example article_server --example scale_db
cargo build --release --quiet
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
# A fresh server (every page at version 0) for each size.
start_server() {
    [ -z "$server" ] || { kill "$server"; wait "$server" 2>/dev/null || true; }
    target/release/examples/article_server --pages "$max" --port "$PORT" 2>/dev/null &
    server=$!
    for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/a/0" > /dev/null 2>&1 && break; sleep 0.1; done
}

# wall seconds, CPU seconds, peak RSS MB
measure() {
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > /dev/null 2> "$work/err" || { cat "$work/err"; }
    awk '{ printf "%6.2f s wall %6.2f CPU s %4.0f MB", $1, $2 + $3, $4 / 1024 }' "$work/time"
}
per() { awk '{ printf "%5.2f ms CPU per article", ($2 + $3) * 1000 / 1000 }' "$work/time"; }

# A short timeout with retries, so that a lost request could never dominate the
# wall time (CPU time is unaffected either way).
export REDLINE_TIMEOUT=2 REDLINE_RETRIES=2
printf '%-8s %-58s %s\n' "tracked" "what" "cost"
for n in $SIZES; do
    start_server
    db="$work/s$n.db"
    target/release/examples/scale_db --db "$db" --articles "$n" --due 1000 --port "$PORT"
    R=(target/release/redline --db "$db" --quiet --concurrency 16 --host-concurrency 16 --host-delay 0s)
    printf '%-8s %-58s %s; %s\n' "$n" "check --due: 1,000 due, all 304" \
        "$(REDLINE_NOW=2026-03-01T12:00:01Z measure "${R[@]}" check --due)" "$(per)"
    curl -fs "http://127.0.0.1:$PORT/__change?percent=10" > /dev/null
    printf '%-8s %-58s %s; %s\n' "$n" "check --due: the 1,000 again, ~10% changed" \
        "$(REDLINE_NOW=2026-03-01T13:00:00Z measure "${R[@]}" check --due)" "$(per)"
    printf '%-8s %-58s %s\n' "$n" "check --due: nothing due (the due query + start-up)" \
        "$(REDLINE_NOW=2026-03-01T13:00:01Z measure "${R[@]}" check --due)"
    printf '%-8s %-58s %s\n' "$n" "list --json (all $n)" "$(measure "${R[@]}" list --json)"
    printf '%-8s %-58s %s\n' "$n" "status" "$(REDLINE_NOW=2026-03-01T13:00:01Z measure "${R[@]}" status)"
    rm -f "$db" "$db-wal" "$db-shm"
done

#!/usr/bin/env bash
# Politeness across hosts: with politeness on (one request at a time per host,
# HOST_DELAY between two requests to a host, robots.txt read), a first pass over
# HOSTS hosts × 50 articles should take about one host's 50 × HOST_DELAY, not
# HOSTS times that. The article server answers on 127.0.0.1 … 127.0.0.HOSTS.
# URLs are listed host by host, the order that starves a naive scheduler.
#
#     bash benches/hosts.sh              # HOSTS=100 PER_HOST=50 HOST_DELAY=0.2 PORT=8097
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS=${HOSTS:-100}
PER=${PER_HOST:-50}
DELAY=${HOST_DELAY:-0.2}
PORT=${PORT:-8097}
cargo build --release --quiet --example article_server
cargo build --release --quiet
work=$(mktemp -d)
target/release/examples/article_server --pages "$PER" --hosts "$HOSTS" --port "$PORT" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.$HOSTS:$PORT/a/0" > /dev/null 2>&1 && break; sleep 0.1; done
for h in $(seq 1 "$HOSTS"); do
    for k in $(seq 0 $((PER - 1))); do echo "http://127.0.0.$h:$PORT/a/$k"; done
done > "$work/many.txt"
head -n "$PER" "$work/many.txt" > "$work/one.txt"

run() {
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" target/release/redline --db "$work/$1.db" --quiet \
        --concurrency 16 --host-concurrency 1 --host-delay "${DELAY}s" track --from-file "$work/$1.txt" > /dev/null
    awk '{ printf "%.2f s wall, %.2f CPU s, %.0f MB peak", $1, $2 + $3, $4 / 1024 }' "$work/time"
    cut -d' ' -f1 "$work/time" > "$work/$1.secs"
}
echo "politeness: 1 request at a time per host, ${DELAY}s apart; 16 in flight over all hosts"
echo "1 host × $PER articles:             $(run one)"
echo "$HOSTS hosts × $PER articles:         $(run many)"
python3 - "$(cat "$work/one.secs")" "$(cat "$work/many.secs")" "$HOSTS" "$PER" "$DELAY" <<'PY'
import sys
one, many, hosts, per, delay = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
print(f"one host's spacing × {per}: {per * delay:.1f} s; one host at a time would take {hosts * per * delay:.0f} s")
print(f"{hosts} hosts took {many / one:.2f}× the time of one host")
PY

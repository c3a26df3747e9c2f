#!/usr/bin/env bash
# redline on PostgreSQL, measured (README, "Running at scale"). Runs inside
# pg_virtualenv (Debian's postgresql-common: a throwaway cluster), and
# re-runs itself there when no PG* server is set.
#
#  1. A worker's CPU per check, SQLite and PostgreSQL side by side: 2,000
#     articles over 100 hosts, 1,000 due, every page answered 304.
#  2. Four workers against one: 100 hosts x 20 articles, 0.2 s between two
#     requests to a host; the wall time of one `worker --once` and of four.
#  3. A million tracked articles (rows generated in SQL) over 1,000 hosts:
#     taking due hosts and giving them back, a host's due articles, a page
#     of `list`, status's counts (examples/claim_hosts.rs), then `redline
#     list --limit 50` and `redline status` from the command line.
#
#     bash benches/postgres.sh          # PORT=8093 ROWS=1000000 PARTS=123
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PGHOST:-}" ]; then exec pg_virtualenv -t bash "$0" "$@"; fi
PORT=${PORT:-8093}
ROWS=${ROWS:-1000000}
PARTS=${PARTS:-123}
cargo build --release --quiet --example article_server --example scale_db --example claim_hosts
cargo build --release --quiet
work=$(mktemp -d)
server=
trap '[ -z "$server" ] || kill $server 2>/dev/null; rm -rf "$work"' EXIT
url() { echo "postgres://$PGUSER:$PGPASSWORD@$PGHOST:${PGPORT:-5432}/$1"; }
fresh() { psql -X -q -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" postgres; url "$1"; }
start_server() {
    [ -z "$server" ] || { kill "$server"; wait "$server" 2>/dev/null || true; }
    target/release/examples/article_server --pages 2000 --hosts 100 --port "$PORT" 2>/dev/null &
    server=$!
    for _ in $(seq 50); do curl -fs "http://127.0.0.100:$PORT/a/99" > /dev/null 2>&1 && break; sleep 0.1; done
}
# wall seconds, CPU seconds (user + system) and peak memory (MB) of one command
timed() {
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > /dev/null 2> "$work/err" || cat "$work/err"
    awk '{ printf "%.2f %.3f %.0f", $1, $2 + $3, $4 / 1024 }' "$work/time"
}
export REDLINE_TIMEOUT=5 REDLINE_RETRIES=1

if [[ $PARTS == *1* ]]; then
echo "1. worker CPU per check (1,000 due of 2,000 over 100 hosts, all 304)"
start_server
sqlite="$work/cpu.db"
pg=$(fresh cpu)
for db in "$sqlite" "$pg"; do
    target/release/examples/scale_db --db "$db" --articles 2000 --due 1000 --hosts 100 --port "$PORT"
done
for db in "$sqlite" "$pg"; do
    read -r wall cpu mem <<< "$(REDLINE_NOW=2026-03-01T12:00:01Z timed target/release/redline --db "$db" --quiet \
        --host-delay 0s --concurrency 16 worker --once --hosts 100)"
    name=SQLite; [ "$db" = "$sqlite" ] || name=PostgreSQL
    awk -v n="$name" -v w="$wall" -v c="$cpu" -v m="$mem" 'BEGIN {
        printf "   %-11s %6.2f s wall, %6.3f CPU s: %.3f ms CPU per check; %d MB peak\n", n, w, c, c, m }'
    echo "$cpu" > "$work/cpu.$name"
done
awk 'BEGIN { getline a < "'"$work/cpu.SQLite"'"; getline b < "'"$work/cpu.PostgreSQL"'"; printf "   PostgreSQL / SQLite CPU per check: %.2fx\n", b / a }'

fi
if [[ $PARTS == *2* ]]; then
echo "2. one worker against four (100 hosts x 20 articles, 0.2 s apart per host)"
start_server
one=$(fresh one)
target/release/examples/scale_db --db "$one" --articles 2000 --due 2000 --hosts 100 --port "$PORT"
W=(target/release/redline --quiet --host-delay 0.2s --concurrency 16)
read -r wall1 _ _ <<< "$(REDLINE_NOW=2026-03-01T12:00:01Z timed "${W[@]}" --db "$one" worker --once)"
start_server
four=$(fresh four)
target/release/examples/scale_db --db "$four" --articles 2000 --due 2000 --hosts 100 --port "$PORT"
started=$(date +%s.%N)
for i in 1 2 3 4; do
    REDLINE_NOW=2026-03-01T12:00:01Z "${W[@]}" --db "$four" worker --once --name "w$i" > /dev/null 2>&1 &
done
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
ended=$(date +%s.%N)
checks=$(psql -X -A -t -c "SELECT count(*) FROM checks WHERE checked_at > '2026-03-01T12:00:00.000Z'" four)
awk -v a="$wall1" -v s="$started" -v e="$ended" -v c="$checks" 'BEGIN {
    printf "   one worker %.1f s; four workers %.1f s (%d checks): %.1fx faster\n", a, e - s, c, a / (e - s) }'

fi
if [[ $PARTS == *3* ]]; then
echo "3. a PostgreSQL database of $ROWS tracked articles over 1,000 hosts (generated rows)"
big=$(fresh big)
target/release/redline --db "$big" --quiet status > /dev/null
psql -X -q big <<SQL
INSERT INTO articles (id, url, added_at, host, next_check_at, interval_secs, last_change_at)
SELECT i, 'http://h' || (i % 1000) || '.example/a/' || i, '2026-02-01T00:00:00.000Z',
       'h' || (i % 1000) || '.example:80',
       CASE WHEN i % 2 = 0 THEN '2026-03-01T11:00:00.000Z' ELSE '2026-03-02T12:00:00.000Z' END,
       1200, '2026-02-01T00:00:00.000Z'
FROM generate_series(1, $ROWS) AS i;
INSERT INTO hosts (host) SELECT DISTINCT host FROM articles;
VACUUM ANALYZE;
SQL
psql -X -A -t -c "SELECT pg_size_pretty(pg_database_size('big'))" big | sed 's/^/   database size: /'
target/release/examples/claim_hosts --db "$big" --rounds 200 --hosts 16 --now 2026-03-01T12:00:00.000Z | sed 's/^/   /'
for what in "list --limit 50" "list --limit 50 --after 900000" "status"; do
    read -r wall _ _ <<< "$(REDLINE_NOW=2026-03-01T12:00:00Z timed target/release/redline --db "$big" $what)"
    printf '   redline %-32s %5.2f s wall (start-up and connection included)\n' "$what" "$wall"
done
fi

#!/usr/bin/env bash
# Extraction quality and CPU cost on ../shared/bench/extract/ (90 real pages):
# runs `redline extract --json` over the whole set in one process, reports
# user+sys CPU time (process start included), pages per CPU second, peak memory,
# then F1 / precision / recall with the benchmark's own scorer.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=../shared/bench/extract
[ -d "$bench" ] || { echo "needs $bench beside this checkout" >&2; exit 1; }
cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
/usr/bin/time -f '%U %S %M' -o "$out/time" \
    target/release/redline extract --json "$bench"/data/html/*.html > "$out/extract.jsonl"
read -r user sys kb < "$out/time"
pages=$(wc -l < "$out/extract.jsonl")
python3 - "$out/extract.jsonl" "$out/ids.jsonl" <<'PY'
import json, os, sys
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1]):
        o = json.loads(line)
        out.write(json.dumps({"id": os.path.basename(o["path"])[:-5], "text": o["text"]}) + "\n")
PY
awk -v u="$user" -v s="$sys" -v p="$pages" -v kb="$kb" 'BEGIN {
    printf "pages: %d  cpu: %.2fs (user %.2f + sys %.2f)  pages per CPU second: %.0f  peak RSS: %.1f MB\n",
        p, u + s, u, s, p / (u + s), kb / 1024 }'
python3 "$bench/score.py" --split dev --jsonl "$out/ids.jsonl" | head -2

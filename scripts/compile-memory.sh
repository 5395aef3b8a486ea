#!/usr/bin/env bash
# Peak memory and one-core speed of `cloudatlas compile` on the two big cases of issue 2:
#   corpus50   640 copies of the seed outline in one folder (about 51 MB)
#   md-dense   one 20 MB Markdown file with a heading every other paragraph (about 78,000 headings,
#              each a new topic: the worst case for per-heading data)
# For each: input bytes, peak RSS (/usr/bin/time -v), RSS / input, user CPU seconds and MB/s of
# user CPU, with RAYON_NUM_THREADS=1 (one core). The bar: RSS <= 3x input, >= 20 MB/s.
# Usage: scripts/compile-memory.sh [runs]     (default 3 runs per case; the best is reported)
#   BIN   release binary (default target/release/cloudatlas; copy it away first if other
#         branches build into the same folder)
#   SEED  the seed outline (default ../shared/seeds/aws-devops-notes.txt)
#   OUT   work folder for the generated inputs (default /tmp/compile-memory)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$here/target/release/cloudatlas}
SEED=${SEED:-$here/../shared/seeds/aws-devops-notes.txt}
[ -f "$SEED" ] || SEED=$here/../../shared/seeds/aws-devops-notes.txt
OUT=${OUT:-/tmp/compile-memory}
runs=${1:-3}
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release first)" >&2; exit 1; }
[ -f "$SEED" ] || { echo "no seed notes at $SEED (set SEED)" >&2; exit 1; }
mkdir -p "$OUT/corpus50"
for i in $(seq 1 640); do
  [ -f "$OUT/corpus50/n$i.txt" ] || cp "$SEED" "$OUT/corpus50/n$i.txt"
done
[ -f "$OUT/md-dense.md" ] || python3 - "$OUT/md-dense.md" <<'PY'
import random, sys
random.seed(1)
words = ("bucket policy versioning lifecycle replication encryption object lock glacier transfer "
         "acceleration presigned url multipart upload events notification lambda trigger queue").split()
out, size, k = [], 0, 0
while size < 20_000_000:
    h = "#" * (1 + k % 3) + f" Heading {k} about S3 and Lambda\n\n"
    body = " ".join(random.choice(words) for _ in range(25)) + ".\n\n"
    out += [h, body]; size += len(h) + len(body); k += 1
open(sys.argv[1], "w").write("".join(out))
PY
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), $BIN"
printf '%-10s %12s %10s %7s %8s %8s\n' case input_bytes peak_kB ratio user_s MB/s
for case in corpus50 md-dense.md; do
  input=$OUT/$case
  bytes=$(du -sb "$input" | cut -f1)
  best_rss=; best_user=
  for _ in $(seq 1 "$runs"); do
    RAYON_NUM_THREADS=1 /usr/bin/time -v "$BIN" compile "$input" --json > /dev/null 2> "$OUT/time.txt"
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$OUT/time.txt")
    user=$(awk -F': ' '/User time/ {print $2}' "$OUT/time.txt")
    if [ -z "$best_rss" ] || [ "$rss" -lt "$best_rss" ]; then best_rss=$rss; fi
    if [ -z "$best_user" ] || awk "BEGIN{exit !($user < $best_user)}"; then best_user=$user; fi
  done
  awk -v c="${case%.md}" -v b="$bytes" -v r="$best_rss" -v u="$best_user" \
    'BEGIN{printf "%-10s %12d %10d %6.2fx %8.2f %8.1f\n", c, b, r, r*1024/b, u, b/1e6/u}'
done

#!/usr/bin/env bash
# Hostile notes at full size through `cloudatlas compile` (release binary): generates each case
# into a temp folder and prints input bytes, peak RSS (/usr/bin/time -v), RSS / input, user and
# wall seconds, notes, sections and warnings. The bar (issue 8): finishes, memory <= 3x input.
# The automated checks of the same cases at test size are in tests/hostile_notes.rs.
# Usage: scripts/hostile-notes.sh [case ...]   (default: all cases)
#   BIN  release binary (default target/release/cloudatlas; copy it away first if other
#        branches build into the same folder)
#   OUT  work folder (default: a new temp folder, removed at the end)
#   KEEP set to keep each case's generated notes in OUT/CASE (for profiling)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$here/target/release/cloudatlas}
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release first)" >&2; exit 1; }
if [ -z "${OUT:-}" ]; then OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT; fi
all="invalid-utf8 nul-bytes single-line-50mb headings-100k-md headings-100k-txt indent-10k brackets-1m binary-md empty-50k"
cases=${*:-$all}

gen() { # gen CASE DIR
  python3 - "$1" "$2" <<'PY'
import os, random, sys
case, d = sys.argv[1], sys.argv[2]
os.makedirs(d, exist_ok=True)
random.seed(8)
w = "bucket versioning Lambda trigger SQS queue CodeBuild deploy EC2 CloudFormation stack IAM role".split()
def para(n):
    return " ".join(random.choice(w) for _ in range(n))
def write(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
MB = 1 << 20
if case == "invalid-utf8":      # 20 MB outline, a Latin-1 byte on every bullet line
    out, k, n = [], 0, 0
    while n < 20 * MB:
        out.append(f"Topic {k} -\n - {para(8)} caf".encode() + b"\xe9\n - " + para(6).encode() + b"\n\n"); n += len(out[-1]); k += 1
    write("latin1.txt", b"".join(out))
elif case == "nul-bytes":       # 20 MB outline with a NUL in every bullet line (after the first 8 KiB)
    head = b"Intro -\n - " + para(2000).encode() + b"\n\n"
    out, k, n = [head], 0, len(head)
    while n < 20 * MB:
        out.append(f"Topic {k} -\n - {para(8)}\0 {para(4)}\n\n".encode()); n += len(out[-1]); k += 1
    write("nul.txt", b"".join(out))
elif case == "single-line-50mb":
    unit = (para(12) + " ").encode()
    write("one-line.txt", unit * (50 * MB // len(unit)))
elif case == "headings-100k-md":
    write("many.md", "".join(f"{'#' * (1 + k % 6)} Part {k} of {random.choice(w)}\n\n{para(10)}\n\n" for k in range(100_000)).encode())
elif case == "headings-100k-txt":
    write("many.txt", "".join(f"Step {k} -\n - {para(10)}\n\n" for k in range(100_000)).encode())
elif case == "indent-10k":      # staircase to 10,000 levels (spaces), lists and quotes 10,000 deep
    write("stairs.txt", "".join(f"{' ' * k}- level {k} {random.choice(w)}\n" for k in range(10_000)).encode())
    write("nested.md", "".join(f"{'- ' * 10_000}item {k}\n\n{'>' * 10_000} quote {k}\n\n" for k in range(100)).encode())
elif case == "brackets-1m":
    write("open.md", b"# Open\n\n" + b"[[" * 1_000_000 + b"\n" + b"[[ S3 and [[IAM\n" * 1_000_000)
elif case == "binary-md":
    write("noise.md", random.randbytes(20 * MB))
elif case == "empty-50k":
    for k in range(50_000):
        open(os.path.join(d, f"{k:05}.{'md' if k % 2 else 'txt'}"), "wb").close()
else:
    sys.exit(f"unknown case {case}")
PY
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), $BIN"
printf '%-18s %11s %9s %7s %7s %7s %6s %8s %8s\n' case input_bytes peak_kB ratio user_s wall_s notes sections warnings
for c in $cases; do
  dir=$OUT/$c
  rm -rf "$dir"
  gen "$c" "$dir"
  bytes=$(find "$dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  RAYON_NUM_THREADS=1 /usr/bin/time -v "$BIN" compile "$dir" --json > "$OUT/summary.json" 2> "$OUT/time.txt" || {
    echo "$c: compile failed"; cat "$OUT/time.txt"; continue; }
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$OUT/time.txt")
  user=$(awk -F': ' '/User time/ {print $2}' "$OUT/time.txt")
  wall=$(awk -F': ' '/Elapsed/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/time.txt")
  read -r notes sections warnings < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["notes"], d["sections"], d["warnings"])' "$OUT/summary.json")
  awk -v c="$c" -v b="$bytes" -v r="$rss" -v u="$user" -v w="$wall" -v n="$notes" -v s="$sections" -v wa="$warnings" \
    'BEGIN{ratio = b > 0 ? r*1024/b : 0; printf "%-18s %11d %9d %6.2fx %7.2f %7.2f %6d %8d %8d\n", c, b, r, ratio, u, w, n, s, wa}'
  [ -n "${KEEP:-}" ] || rm -rf "$dir"
done

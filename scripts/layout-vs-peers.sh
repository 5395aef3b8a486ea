#!/usr/bin/env bash
# Layout speed and quality side by side with the peers (d3-force, ForceAtlas2), in one run.
#   speed:   10,000 nodes (gen-graph --m 2), 300 ticks: ours vs d3-force; 100,000 nodes: ours alone
#   quality: stress after 300 ticks on a 900-node grid and 1,000-node clusters: ours, d3, FA2
# Usage: scripts/layout-vs-peers.sh [--big-ticks N] [--d3-100k]
#   BIN   cloudatlas release binary (default: target/release/cloudatlas; build it with
#         cargo build --release, and copy it away if other
#         branches build into the same folder)
#   PEERS folder with the peers installed (default /tmp/peers; copied from ../shared/bench/peers
#         and `npm ci` run when missing)
#   OUT   work folder for graphs and positions (default /tmp/layout-vs-peers)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$here
BIN=${BIN:-$ROOT/target/release/cloudatlas}
PEERS=${PEERS:-/tmp/peers}
OUT=${OUT:-/tmp/layout-vs-peers}
big_ticks=300
d3_big=0
while [ $# -gt 0 ]; do
  case "$1" in
    --big-ticks) big_ticks=$2; shift 2 ;;
    --d3-100k) d3_big=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$BIN" ] || { echo "no binary at $BIN (build it first)" >&2; exit 1; }
"$BIN" layout --help > /dev/null 2>&1 || { echo "$BIN has no layout subcommand (built from another branch?)" >&2; exit 1; }
if [ ! -d "$PEERS/node_modules" ]; then
  src=${PEERS_SRC:-$here/../../shared/bench/peers}
  [ -d "$src" ] || src="$ROOT/../shared/bench/peers"
  mkdir -p "$PEERS" && cp -r "$src"/. "$PEERS"/ && (cd "$PEERS" && npm ci --silent)
fi
mkdir -p "$OUT"
cd "$OUT"
node "$PEERS/gen-graph.mjs" --nodes 10000 --m 2 > ba10k.json
node "$PEERS/gen-graph.mjs" --nodes 100000 --m 2 > ba100k.json
node "$PEERS/gen-graph.mjs" --nodes 900 --kind grid > grid900.json
node "$PEERS/gen-graph.mjs" --nodes 1000 --kind clusters > clusters1000.json
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"

ours() { "$BIN" layout "$1" --ticks "$2" --out "$3" --json; }
stress() { node "$PEERS/stress.mjs" "$1" "$2" | jq -r .stress; }
ms() { jq -r .ms_per_tick <<<"$1"; }

# Speed at 10,000 nodes: alternate the two so that load changes hit both alike.
o1=$(ours ba10k.json 300 ba10k-ours.json)
d1=$(node "$PEERS/layout-d3.mjs" ba10k.json --ticks 300 --out ba10k-d3.json)
o2=$(ours ba10k.json 300 ba10k-ours.json)
d2=$(node "$PEERS/layout-d3.mjs" ba10k.json --ticks 300 --out ba10k-d3.json)
echo "10k ours: $o1"; echo "10k ours: $o2"; echo "10k d3:   $d1"; echo "10k d3:   $d2"
o_ms=$(printf '%s\n%s\n' "$(ms "$o1")" "$(ms "$o2")" | sort -g | head -1)
d_ms=$(printf '%s\n%s\n' "$(ms "$d1")" "$(ms "$d2")" | sort -g | head -1)
echo "10k stress: ours $(stress ba10k.json ba10k-ours.json)  d3 $(stress ba10k.json ba10k-d3.json)"

big=$(ours ba100k.json "$big_ticks" ba100k-ours.json)
echo "100k ours: $big"
if [ "$d3_big" = 1 ]; then
  echo "100k d3:   $(node "$PEERS/layout-d3.mjs" ba100k.json --ticks "$big_ticks")"
fi

for g in grid900 clusters1000; do
  echo "$g ours: $(ours $g.json 300 $g-ours.json)"
  echo "$g d3:   $(node "$PEERS/layout-d3.mjs" $g.json --ticks 300 --out $g-d3.json)"
  echo "$g fa2:  $(node "$PEERS/layout-fa2.mjs" $g.json --ticks 300 --out $g-fa2.json)"
done

echo
echo "== summary =="
awk -v o="$o_ms" -v d="$d_ms" 'BEGIN { printf "speed 10k: ours %.3f ms/tick, d3-force %.3f ms/tick -> ours/d3 = %.3f (bar <= 0.333)\n", o, d, o / d }'
awk -v b="$(ms "$big")" 'BEGIN { printf "speed 100k: ours %.1f ms/tick (bar < 300)\n", b }'
for g in grid900 clusters1000; do
  so=$(stress $g.json $g-ours.json); sd=$(stress $g.json $g-d3.json); sf=$(stress $g.json $g-fa2.json)
  awk -v g=$g -v o="$so" -v d="$sd" -v f="$sf" 'BEGIN { printf "stress %s: ours %.4f, ForceAtlas2 %.4f, d3-force %.4f -> ours/FA2 = %.2f (bar <= 1), ours/d3 = %.2f (bar < 1)\n", g, o, f, d, o / f, o / d }'
done

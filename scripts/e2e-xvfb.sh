#!/usr/bin/env bash
# End-to-end check of the real window: start cloudatlas under Xvfb on the seed notes, take a
# screenshot after a few seconds, check it shows a map (many distinct colours, not a blank or an
# error screen), close the window with Ctrl+Q and check the process exits cleanly.
#
# Usage: scripts/e2e-xvfb.sh [NOTES] [SCREENSHOT.png]
# Env: CLOUDATLAS_BIN (default: target/release/cloudatlas, else target/debug/cloudatlas),
#      E2E_WAIT_SECS (default 6), DISPLAY_NUM (default 97).
set -euo pipefail
cd "$(dirname "$0")/.."

notes="${1:-../shared/seeds/aws-devops-notes.txt}"
shot="${2:-${TMPDIR:-/tmp}/cloudatlas-e2e.png}"
wait_secs="${E2E_WAIT_SECS:-6}"
display_num="${DISPLAY_NUM:-97}"

need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v import >/dev/null || need+=(imagemagick)
command -v xdotool >/dev/null || need+=(xdotool)
libs="$(ldconfig -p)"
for lib in libGL.so.1 libX11-xcb.so.1 libXcursor.so.1 libXi.so.6 libxkbcommon-x11.so.0 libfontconfig.so.1; do
    grep -q "$lib" <<<"$libs" || { need+=(libgl1 libglx-mesa0 libgl1-mesa-dri libx11-6 libx11-xcb1 libxcursor1 libxi6 libxkbcommon-x11-0 libfontconfig1); break; }
done
if [ "${#need[@]}" -gt 0 ]; then
    echo "e2e: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${need[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${need[@]}" >/dev/null; }
fi

bin="${CLOUDATLAS_BIN:-}"
if [ -z "$bin" ]; then
    for candidate in "${CARGO_TARGET_DIR:-target}/release/cloudatlas" target/release/cloudatlas target/debug/cloudatlas; do
        if [ -x "$candidate" ]; then bin="$candidate"; break; fi
    done
fi
if [ -z "$bin" ]; then
    cargo build -q
    bin=target/debug/cloudatlas
fi
[ -e "$notes" ] || { echo "e2e: no notes at $notes" >&2; exit 1; }

data_dir="$(mktemp -d)"
log="$data_dir/app.log"
xvfb_pid=""
app_pid=""
cleanup() {
    [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$data_dir"
}
trap cleanup EXIT

Xvfb ":$display_num" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=":$display_num"
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done

CLOUDATLAS_DATA_DIR="$data_dir" "$bin" "$notes" >"$log" 2>&1 &
app_pid=$!
sleep "$wait_secs"
if ! kill -0 "$app_pid" 2>/dev/null; then
    echo "e2e: the app exited early:" >&2
    cat "$log" >&2
    exit 1
fi

import -window root "$shot"
colours=$(convert "$shot" -format '%k' info:)
echo "e2e: screenshot $shot has $colours distinct colours"
if [ "$colours" -lt 200 ]; then
    echo "e2e: the window looks blank or shows only an error" >&2
    exit 1
fi

# Close cleanly: focus the window, press Ctrl+Q, wait for a zero exit.
win=$(xdotool search --pid "$app_pid" 2>/dev/null | head -1 || true)
[ -n "$win" ] || win=$(xdotool search --name cloudatlas 2>/dev/null | head -1 || true)
if [ -z "$win" ]; then
    echo "e2e: no window found" >&2
    exit 1
fi
xdotool windowfocus --sync "$win" 2>/dev/null || true
xdotool key --window "$win" ctrl+q
for _ in $(seq 100); do
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$app_pid" 2>/dev/null; then
    echo "e2e: the window did not close on Ctrl+Q" >&2
    exit 1
fi
status=0
wait "$app_pid" || status=$?
app_pid=""
if [ "$status" -ne 0 ]; then
    echo "e2e: the app exited with $status:" >&2
    cat "$log" >&2
    exit 1
fi
echo "e2e: ok"

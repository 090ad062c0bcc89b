#!/usr/bin/env bash
# Soak test: the real window under Xvfb, driven by xdotool with random drags, clicks, wheel and
# keys for DURATION seconds (default 60). Fails if the app dies or its memory keeps growing.
#   bash .ci/soak.sh [DURATION] [BINARY]
# Prints the resident memory (RSS) samples and a summary line.
set -euo pipefail
duration="${1:-60}"
bin="${2:-target/debug/crossings}"
[ -x "$bin" ] || cargo build --quiet
# A display no other X server holds (stale lock files from killed servers count as held).
display=""
for d in $(seq 200 299); do
  if [ ! -e "/tmp/.X$d-lock" ] && [ ! -e "/tmp/.X11-unix/X$d" ]; then display=":$d"; break; fi
done
[ -n "$display" ] || { echo "soak: no free X display between :200 and :299"; exit 1; }
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/crossings-xdg-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
home="$(mktemp -d)"
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp -noreset >/dev/null 2>&1 &
xvfb=$!
cleanup() { kill "${app:-}" "$xvfb" 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT
export DISPLAY="$display"
for _ in $(seq 150); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done
xdpyinfo >/dev/null 2>&1 || { echo "soak: Xvfb did not start on $display"; exit 1; }
HOME="$home" XDG_DATA_HOME="$home/data" "$bin" >"$home/app.log" 2>&1 &
app=$!
win=""
for _ in $(seq 200); do
  win="$(xdotool search --name Crossings 2>/dev/null | head -1 || true)"
  [ -n "$win" ] && break
  sleep 0.3
done
[ -n "$win" ] || { echo "soak: no window"; cat "$home/app.log"; exit 1; }
xdotool windowmove "$win" 0 0 windowsize "$win" 1400 900 || true
sleep 2
rss() { awk '/VmRSS/ {print $2}' "/proc/$app/status"; }
end=$(( $(date +%s) + duration ))
samples=()
actions=0
keys=(Right Left shift+Right shift+Left Home End plus minus Escape space ctrl+f)
while [ "$(date +%s)" -lt "$end" ]; do
  kill -0 "$app" 2>/dev/null || { echo "soak: the app died after $actions actions"; cat "$home/app.log"; exit 1; }
  x=$((300 + RANDOM % 700)); y=$((60 + RANDOM % 700))
  case $((RANDOM % 7)) in
    0) xdotool mousemove "$x" "$y" click 1 ;;
    1) xdotool mousemove "$x" "$y" mousedown 1 mousemove $((x + RANDOM % 200 - 100)) $((y + RANDOM % 200 - 100)) mouseup 1 ;;
    2) xdotool mousemove "$x" "$y" click $((4 + RANDOM % 2)) ;;
    3) xdotool mousemove $((20 + RANDOM % 1300)) $((800 + RANDOM % 40)) mousedown 1 mousemove $((20 + RANDOM % 1300)) 820 mouseup 1 ;;
    4) xdotool key "${keys[$((RANDOM % ${#keys[@]}))]}" ;;
    5) xdotool mousemove $((20 + RANDOM % 250)) $((250 + RANDOM % 500)) click 1 ;;
    6) xdotool mousemove $((1050 + RANDOM % 300)) $((100 + RANDOM % 600)) click 1 ;;
  esac
  actions=$((actions + 1))
  if [ $((actions % 25)) -eq 0 ]; then samples+=("$(rss)"); fi
  sleep 0.05
done
kill -0 "$app" 2>/dev/null || { echo "soak: the app died"; cat "$home/app.log"; exit 1; }
samples+=("$(rss)")
echo "soak: $actions actions in ${duration}s; RSS samples (KiB): ${samples[*]}"
n=${#samples[@]}
if [ "$n" -ge 4 ]; then
  # Compare the last quarter with the second quarter (after warm-up): flat means < 25% growth.
  q=$((n / 4)); a=0; b=0
  for i in $(seq "$q" $((2 * q - 1))); do a=$((a + samples[i])); done
  for i in $(seq $((n - q)) $((n - 1))); do b=$((b + samples[i])); done
  a=$((a / q)); b=$((b / q))
  echo "soak: mean RSS after warm-up ${a} KiB, at the end ${b} KiB"
  if [ "$b" -gt $((a + a / 4)) ]; then echo "soak: memory grew by more than 25%"; exit 1; fi
fi
echo "soak: ok"

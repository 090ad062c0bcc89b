# Shared by the comparison scripts: `measure LABEL RUNS COMMAND...` runs a command RUNS times
# under GNU time and prints the median wall time and that run's peak memory. Needs $work.
measure() { # label, runs, command...
  local label="$1" runs="$2"; shift 2
  local all=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt"; exit 1; }
    all+=("$(cat "$work/time.txt")")
  done
  # The median run by wall clock (and its peak memory).
  read -r secs kib < <(printf '%s\n' "${all[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '%-52s %8.2f s %9.1f MiB   (median of %d: %s)\n' "$label" "$secs" "$(echo "$kib / 1024" | bc -l)" "$runs" \
    "$(printf '%s\n' "${all[@]}" | cut -d' ' -f1 | tr '\n' ' ')"
}

# `generated DIR PLACES EVENTS`: a synthetic dataset in DIR, made once by `$bin generate`.
generated() {
  local dir="$1" places="$2" events="$3"
  if [ ! -f "$dir/events.json" ]; then
    "$bin" generate --places "$places" --events "$events" --people $((places / 2)) --out "$dir"
  fi
}

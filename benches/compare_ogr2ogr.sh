#!/usr/bin/env bash
# Export speed and memory against GDAL, in one run, on the same generated data:
#   100,000 places with 1,000,000 events (about 300 MB of GeoJSON).
#   bash benches/compare_ogr2ogr.sh [PLACES] [EVENTS]
# Needs gdal-bin (ogr2ogr) and GNU time (/usr/bin/time). Builds crossings in release.
set -euo pipefail
cd "$(dirname "$0")/.."
places="${1:-100000}"
events="${2:-1000000}"
cargo build --release --quiet
bin=target/release/crossings
work="target/bench-data/compare-p${places}-e${events}"
mkdir -p "$work"
if [ ! -f "$work/data/events.json" ]; then
  "$bin" generate --places "$places" --events "$events" --people $((places / 2)) --out "$work/data"
fi
measure() { # label, command...
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt"; exit 1; }
  read -r secs kib < "$work/time.txt"
  printf '%-44s %8.2f s %9.1f MiB\n' "$label" "$secs" "$(echo "$kib / 1024" | bc -l)"
}
echo "data: $(du -sh "$work/data" | cut -f1) in $work/data ($places places, $events events)"
measure "crossings validate (load + check)" "$bin" validate --data "$work/data"
measure "crossings export (load + filter + write)" "$bin" export --data "$work/data" -o "$work/crossings.geojson"
echo "export: $(du -h "$work/crossings.geojson" | cut -f1)"
# GDAL converting the very file crossings wrote (same features, same properties).
rm -f "$work/ogr.geojson"
measure "ogr2ogr -f GeoJSON (read + write)" ogr2ogr -f GeoJSON "$work/ogr.geojson" "$work/crossings.geojson"

#!/usr/bin/env bash
# Export speed and memory against GDAL, in one run, on the same generated data:
#   100,000 places with 1,000,000 events (about 300 MB of GeoJSON).
#   bash benches/compare_ogr2ogr.sh [PLACES] [EVENTS]
# REPEAT=N (default 3) runs each crossings command N times and reports the median; timings on
# a shared 2-core machine move by 10-30 % from run to run.
# Needs gdal-bin (ogr2ogr) and GNU time (/usr/bin/time). Builds crossings in release.
set -euo pipefail
cd "$(dirname "$0")/.."
places="${1:-100000}"
events="${2:-1000000}"
cargo build --release --quiet
bin=target/release/crossings
work="target/bench-data/compare-p${places}-e${events}"
mkdir -p "$work"
# shellcheck source=benches/measure.sh
source benches/measure.sh
generated "$work/data" "$places" "$events"
repeat="${REPEAT:-3}"
echo "data: $(du -sh "$work/data" | cut -f1) in $work/data ($places places, $events events)"
measure "crossings validate (load + check)" "$repeat" "$bin" validate --data "$work/data"
measure "crossings export (load + filter + write)" "$repeat" "$bin" export --data "$work/data" -o "$work/crossings.geojson"
echo "export: $(du -h "$work/crossings.geojson" | cut -f1)"
# GDAL converting the very file crossings wrote (same features, same properties).
rm -f "$work/ogr.geojson"
measure "ogr2ogr -f GeoJSON (read + write)" 1 ogr2ogr -f GeoJSON "$work/ogr.geojson" "$work/crossings.geojson"

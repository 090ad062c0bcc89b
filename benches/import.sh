#!/usr/bin/env bash
# Import and GeoPackage export at scale against GDAL, in one run, on the same generated data:
#   a CSV of 1,000,000 event rows (100,000 places, written by `crossings export --format csv`)
#   imported with `crossings import` and converted to GeoJSON by `ogr2ogr`; then those 1M
#   events written as a GeoPackage by `crossings export --format gpkg` and by `ogr2ogr -f GPKG`
#   from the events GeoJSON export.
#   bash benches/import.sh [PLACES] [EVENTS]      (REPEAT=N runs crossings N times, median)
# Needs gdal-bin (ogr2ogr) and GNU time (/usr/bin/time). Builds crossings in release, unless
# CROSSINGS_BIN names a release binary already built (another target folder's).
set -euo pipefail
cd "$(dirname "$0")/.."
places="${1:-100000}"
events="${2:-1000000}"
if [ -z "${CROSSINGS_BIN:-}" ]; then cargo build --release --quiet; fi
bin="${CROSSINGS_BIN:-target/release/crossings}"
work="target/bench-data/import-p${places}-e${events}"
mkdir -p "$work"
# shellcheck source=benches/measure.sh
source benches/measure.sh
generated "$work/data" "$places" "$events"
[ -f "$work/events.csv" ] || "$bin" export --data "$work/data" --format csv -o "$work/events.csv"
[ -f "$work/events.geojson" ] || "$bin" export --data "$work/data" --format geojson-events -o "$work/events.geojson"
repeat="${REPEAT:-3}"
echo "csv: $(du -h "$work/events.csv" | cut -f1), $(($(wc -l < "$work/events.csv") - 1)) rows; events geojson: $(du -h "$work/events.geojson" | cut -f1)"
import_once() { rm -rf "$work/imported"; "$bin" import "$work/events.csv" --out "$work/imported" "$@" || [ $? -eq 1 ]; }
export -f import_once; export bin work
measure "crossings import (read, map, write)" "$repeat" bash -c import_once
measure "crossings import --validate (read, map, write, read back)" "$repeat" bash -c 'import_once --validate'

rm -f "$work/ogr.geojson"
measure "ogr2ogr CSV -> GeoJSON (read + write)" 1 ogr2ogr -f GeoJSON "$work/ogr.geojson" "$work/events.csv" \
  -oo X_POSSIBLE_NAMES=longitude -oo Y_POSSIBLE_NAMES=latitude -oo KEEP_GEOM_COLUMNS=NO
measure "crossings export --format gpkg (load + write)" "$repeat" "$bin" export --data "$work/data" --format gpkg -o "$work/crossings.gpkg"
rm -f "$work/ogr.gpkg"
measure "ogr2ogr events GeoJSON -> GPKG" 1 ogr2ogr -f GPKG "$work/ogr.gpkg" "$work/events.geojson"
echo "gpkg: crossings $(du -h "$work/crossings.gpkg" | cut -f1), ogr2ogr $(du -h "$work/ogr.gpkg" | cut -f1)"

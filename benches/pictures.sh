#!/usr/bin/env bash
# Pictures, timed as a user runs them (whole commands: start, load, draw, encode, write), and
# the same 100,000 places drawn by QGIS headless in the same run.
#   bash benches/pictures.sh
# REPEAT=N (default 3): median of N runs. Needs GNU time; QGIS (python3-qgis, qgis-providers)
# for the last part, skipped without it. Builds crossings in release.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/crossings
work=$PWD/target/bench-data/pictures
mkdir -p "$work"
repeat="${REPEAT:-3}"
# shellcheck source=benches/measure.sh
source benches/measure.sh
echo "== bundled data ($(nproc) cores)"
measure "render 1920x1080 PNG, August 1945" "$repeat" "$bin" render --from 1945-08 --to 1945-08 -o "$work/hd.png"
measure "render 1920x1080 SVG" "$repeat" "$bin" render --from 1945-08 --to 1945-08 -o "$work/hd.svg"
measure "render 1920x1080 PDF" "$repeat" "$bin" render --from 1945-08 --to 1945-08 -o "$work/hd.pdf"
measure "render A3 300 dpi PNG (4961x3508)" "$repeat" "$bin" render --from 1945-08 --to 1945-08 --paper a3 --dpi 300 -o "$work/a3.png"
measure "animate 24 monthly frames 1280x720 GIF" "$repeat" "$bin" animate --from 1945-01 --to 1946-12 -o "$work/24.gif"
measure "animate 264 monthly frames 1937-1958 1280x720 GIF" "$repeat" "$bin" animate --from 1937-01 --to 1958-12 -o "$work/264.gif"
if command -v ffmpeg >/dev/null; then
  measure "animate 264 monthly frames 1280x720 MP4 (ffmpeg)" "$repeat" "$bin" animate --from 1937-01 --to 1958-12 -o "$work/264.mp4"
fi
ls -l "$work"/*.png "$work"/*.gif "$work"/*.svg "$work"/*.pdf | awk '{print "  " $5 " bytes  " $9}'

echo "== 100,000 places (300,000 events), one 1920x1080 PNG"
data="$work/p100k"
if [ ! -f "$data/events.json" ]; then
  "$bin" generate --places 100000 --events 300000 --people 1000 --out "$data" 2>/dev/null
fi
measure "crossings render (load, cluster, draw, write)" "$repeat" "$bin" --data "$data" render --no-legend -o "$work/p100k.png"
if /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
  # QGIS reads the places as GeoJSON (what crossings export writes, events left out so the
  # file is the 25 MB of points QGIS needs, not 177 MB of events).
  [ -f "$work/p100k.geojson" ] || cp "$data/places.geojson" "$work/p100k.geojson"
  export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg-qgis}"
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  measure "QGIS QgsMapRendererParallelJob (process)" "$repeat" /usr/bin/python3 benches/qgis/render_qgis.py "$work/p100k.geojson" "$work/p100k-qgis.png" --repeat 1
  echo "  QGIS, inside one process (load from the file, draw from memory, median of 5):"
  /usr/bin/python3 benches/qgis/render_qgis.py "$work/p100k.geojson" "$work/p100k-qgis.png" --repeat 5 --memory | sed 's/^/  /'
else
  echo "  (QGIS not installed: apt-get install python3-qgis qgis-providers)"
fi

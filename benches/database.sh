#!/usr/bin/env bash
# Loading a shared atlas from PostgreSQL/PostGIS at scale, against GDAL, in one run:
#   a generated dataset of 1,000,000 events (100,000 places) pushed with `crossings db push`
#   into a throwaway cluster, then read back whole by `crossings validate --data URL` (binary
#   COPY of every record, then the loader's checks and indexes: what opening it in the window
#   reads) and by `ogr2ogr -f GeoJSON` from the same `events` and `places` tables.
#   bash benches/database.sh [PLACES] [EVENTS]      (REPEAT=N runs crossings N times, median)
# Needs PostgreSQL 15 with PostGIS 3, gdal-bin (ogr2ogr) and GNU time. Builds in release.
set -euo pipefail
cd "$(dirname "$0")/.."
places="${1:-100000}"
events="${2:-1000000}"
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/crossings"
work="$PWD/target/bench-data/db-p${places}-e${events}"
mkdir -p "$work"
# shellcheck source=benches/measure.sh
source benches/measure.sh
generated "$work/data" "$places" "$events"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort | tail -n 1)
cluster=$(mktemp -d)
as=()
if [ "$(id -u)" -eq 0 ]; then chown nobody "$cluster"; as=(runuser -u nobody --); fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as[@]}" "$pgbin/initdb" -U crossings --auth=trust -D "$cluster/data" --no-sync >/dev/null
"${as[@]}" "$pgbin/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c shared_buffers=1GB" start >/dev/null
trap '"${as[@]}" "$pgbin/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null; rm -rf "$cluster"' EXIT
url="postgres://crossings@127.0.0.1:$port/postgres"
"$bin" db init "$url" >/dev/null
measure "crossings db push (read folder, COPY in, commit)" 1 "$bin" db push "$work/data" "$url"
psql_() { "$pgbin/psql" -h 127.0.0.1 -p "$port" -U crossings postgres -Atc "$1"; }
psql_ "VACUUM ANALYZE" >/dev/null
echo "database: $(psql_ "SELECT pg_size_pretty(pg_database_size('postgres'))"), $(psql_ "SELECT count(*) FROM events") events"
repeat="${REPEAT:-3}"
measure "crossings validate --data URL (COPY out + load)" "$repeat" "$bin" validate --data "$url"
rm -f "$work/ogr-events.geojson" "$work/ogr-places.geojson"
pg="PG:host=127.0.0.1 port=$port dbname=postgres user=crossings"
measure "ogr2ogr PG events -> GeoJSON" 1 ogr2ogr -f GeoJSON "$work/ogr-events.geojson" "$pg" events
measure "ogr2ogr PG places -> GeoJSON" 1 ogr2ogr -f GeoJSON "$work/ogr-places.geojson" "$pg" places
rm -rf "$work/pulled"
measure "crossings db pull (COPY out, canonical files)" 1 "$bin" db pull "$url" "$work/pulled"

#!/usr/bin/env bash
# The criterion benchmarks of two revisions in one run, alternating, so that a refactoring is
# held to "no slower than noise" on the same machine at the same time:
#   bash benches/compare_revisions.sh OLD_REV [ROUNDS] [FILTER]
# OLD_REV is checked out into a git worktree beside this one (sharing target/, so only the
# crate is rebuilt). Each round runs the old benches, then the new; the report lists every
# benchmark's median per round. ROUNDS defaults to 2; FILTER is criterion's name filter.
# CROSSINGS_BENCH_SIZES (default 1000,1000000) picks the dataset sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
old="${1:?usage: compare_revisions.sh OLD_REV [ROUNDS] [FILTER]}"
rounds="${2:-2}"
filter="${3:-load_and_validate|prepare_for_the_map|time_filter|marker_batch|full_frame}"
export CROSSINGS_BENCH_SIZES="${CROSSINGS_BENCH_SIZES:-1000,1000000}"
here="$(pwd)"
tree="$here/target/compare-$old"
if [ ! -d "$tree" ]; then
  git worktree add --detach "$tree" "$old" >/dev/null
fi
# The generated datasets are shared: both revisions read the same files.
mkdir -p "$here/target/bench-data" "$tree/target"
ln -sfn "$here/target/bench-data" "$tree/target/bench-data"
out="$here/target/compare-$old.txt"
: >"$out"
for round in $(seq "$rounds"); do
  for side in old new; do
    dir="$here"
    [ "$side" = old ] && dir="$tree"
    echo "== round $round: $side ($(git -C "$dir" rev-parse --short HEAD))" | tee -a "$out"
    (cd "$dir" && CARGO_TARGET_DIR="$here/target" cargo bench --quiet --bench atlas -- --noplot "$filter" 2>/dev/null) |
      awk '/^atlas\// { name = $1 } /time:/ { s = $0; sub(/.*\[/, "", s); split(s, a, " "); printf "%-44s %s %s\n", name, a[3], a[4] }' |
      tee -a "$out"
  done
done
echo "report: $out"

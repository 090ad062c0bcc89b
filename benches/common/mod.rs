//! What the criterion benchmarks share: the sizes to run and the generated datasets.

use std::path::PathBuf;

use crossings::generate::{Spec, generate};

/// The event counts to benchmark: `CROSSINGS_BENCH_SIZES` (comma-separated), else `default`.
pub fn sizes(default: &[usize]) -> Vec<usize> {
    std::env::var("CROSSINGS_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| default.to_vec())
}

/// A generated dataset of `events` events (a tenth as many places, at most 100,000; half as
/// many people; seed 7), written once to target/bench-data/.
pub fn dataset_dir(events: usize) -> PathBuf {
    let places = (events / 10).clamp(100, 100_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/e{events}"));
    if !dir.join("events.json").exists() {
        generate(Spec { places, events, people: places / 2, seed: 7 }, &dir).expect("generate");
    }
    dir
}

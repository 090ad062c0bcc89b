//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The crossings binary built for the tests.
pub fn crossings() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crossings"))
}

/// True when a system tool the test needs is on PATH. Missing tools skip the test locally, but
/// fail it under CI (CI=true), where .ci/run installs them — unless CROSSINGS_SKIP_SYSTEM_TESTS
/// is set (Windows and macOS runners).
pub fn require_tools(tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| {
            Command::new("sh").arg("-c").arg(format!("command -v {t}")).output().map_or(true, |o| !o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let skip = std::env::var_os("CROSSINGS_SKIP_SYSTEM_TESTS").is_some();
    if in_ci && !skip {
        panic!("CI must have {missing:?} (.ci/run installs them)");
    }
    eprintln!("skipping: {missing:?} not installed (bash .ci/run installs them)");
    false
}

/// Where tests leave screenshots and other artifacts.
pub fn artifacts() -> PathBuf {
    let dir = std::env::var_os("CROSSINGS_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/ci-artifacts"));
    std::fs::create_dir_all(&dir).expect("artifact folder");
    dir
}

/// Copies a fixture into a fresh temp folder (so tests may change it).
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(name), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("fixture exists") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

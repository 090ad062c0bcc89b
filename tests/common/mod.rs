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

/// The whole app in a headless harness of this size (points), driven as the window drives it.
pub fn app_harness(
    app: crossings::ui::CrossingsApp,
    size: [f32; 2],
) -> egui_kittest::Harness<'static, crossings::ui::CrossingsApp> {
    egui_kittest::Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut crossings::ui::CrossingsApp| app.ui_frame(ui), app)
}

/// Steps the app until it shows a status message (a background job finished), for up to 5 s.
pub fn wait_for_status(h: &mut egui_kittest::Harness<'_, crossings::ui::CrossingsApp>) -> crossings::ui::Status {
    for _ in 0..100 {
        // A spinner keeps repainting while a job runs: step, do not wait to settle.
        h.run_steps(2);
        if let Some(s) = h.state().status.clone() {
            return s;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("no status message after 5 s");
}

/// The bundled dataset, loaded.
pub fn bundled() -> crossings::dataset::Loaded {
    crossings::dataset::load(crossings::dataset::Input::Bundled, &Default::default()).expect("the bundled data loads")
}

/// A folder, loaded with the default options.
pub fn load_dir(dir: &Path) -> Result<crossings::dataset::Loaded, crossings::dataset::LoadError> {
    crossings::dataset::load(crossings::dataset::Input::Folder(dir), &Default::default())
}

/// Texts, loaded with the given limits (and otherwise the default options).
pub fn load_texts_with(
    label: &str,
    texts: &crossings::dataset::Texts,
    limits: crossings::dataset::Limits,
) -> crossings::dataset::Loaded {
    let options = crossings::dataset::LoadOptions { limits, ..Default::default() };
    crossings::dataset::load(crossings::dataset::Input::Texts { label, texts }, &options).expect("texts always load")
}

/// Texts, loaded with the default options.
pub fn load_texts(label: &str, texts: &crossings::dataset::Texts) -> crossings::dataset::Loaded {
    load_texts_with(label, texts, Default::default())
}

/// A synthetic dataset (`crossings generate`) written to a temporary folder and loaded.
pub fn generated(
    places: usize,
    events: usize,
    people: usize,
    seed: u64,
) -> (tempfile::TempDir, crossings::dataset::Loaded) {
    let dir = tempfile::tempdir().expect("tempdir");
    crossings::generate::generate(crossings::generate::Spec { places, events, people, seed }, dir.path())
        .expect("generate");
    let loaded = load_dir(dir.path()).expect("load");
    (dir, loaded)
}

/// The crossings binary as the unprivileged user `nobody` (through `setpriv`), for tests of
/// permissions that root would not meet. The binary is copied into `workdir` first, since the
/// build folder may be closed to `nobody`. `None` (the test skips) where setpriv is missing
/// outside CI.
#[cfg(unix)]
pub fn crossings_as_nobody(workdir: &Path) -> Option<Command> {
    if !require_tools(&["setpriv"]) {
        return None;
    }
    let bin = workdir.join("crossings");
    std::fs::copy(env!("CARGO_BIN_EXE_crossings"), &bin).expect("copy the binary");
    let mut command = Command::new("setpriv");
    command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(bin);
    Some(command)
}

/// A file of the user's in a folder they may not write (mode 555), for tests that a write there
/// fails and keeps the file. The folder is made writable again when this is dropped.
#[cfg(unix)]
pub struct ReadOnlyFile {
    /// Holds the folder.
    pub dir: tempfile::TempDir,
    /// The read-only folder.
    pub folder: PathBuf,
    /// The file in it.
    pub file: PathBuf,
}

#[cfg(unix)]
impl Drop for ReadOnlyFile {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&self.folder, std::fs::Permissions::from_mode(0o755));
    }
}

/// `name` holding `content` in a read-only folder, and the crossings command that meets it as
/// a user would: as the unprivileged `nobody` when the tests run as root (root writes
/// anywhere). `None`: the test skips (no setpriv outside CI).
#[cfg(unix)]
pub fn read_only_file(name: &str, content: &str) -> Option<(ReadOnlyFile, Command)> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let folder = dir.path().join("ro");
    std::fs::create_dir(&folder).expect("mkdir");
    let file = folder.join(name);
    std::fs::write(&file, content).expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let probe = folder.join("probe");
    let as_root = std::fs::write(&probe, "x").is_ok();
    let _ = std::fs::remove_file(&probe);
    let command = if as_root { crossings_as_nobody(dir.path())? } else { crossings() };
    Some((ReadOnlyFile { dir, folder, file }, command))
}

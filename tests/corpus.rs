//! Hostile and broken input: every dataset of the corpus (tests/corpus/*, made by
//! tests/corpus/make.py) reports exactly its expected problems, in `validate` and in the app,
//! and everything still runs. Plus the cases too big or too odd to commit.

mod common;

use std::path::{Path, PathBuf};

use crossings::ui::{AppState, CrossingsApp};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn corpus() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(common::root().join("tests/corpus"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn expected(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("expected.txt")).unwrap().lines().map(str::to_owned).collect()
}

fn relative(dir: &Path, problems: &[crossings::dataset::Problem]) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    problems.iter().map(|p| p.to_string().replace(&prefix, "")).collect()
}

#[test]
fn the_corpus_has_at_least_thirty_broken_datasets_each_with_its_exact_problems() {
    let dirs = corpus();
    assert!(dirs.len() >= 30, "{} datasets", dirs.len());
    for dir in &dirs {
        let want = expected(dir);
        assert!(!want.is_empty(), "{} expects no problem", dir.display());
        let loaded = crossings::dataset::load_dir(dir).unwrap();
        assert_eq!(relative(dir, &loaded.problems), want, "{}", dir.display());
    }
}

#[test]
fn validate_reports_each_corpus_dataset_and_exits_one() {
    for dir in corpus() {
        let out = common::crossings().arg("validate").arg("--data").arg(&dir).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", dir.display());
        let stdout = String::from_utf8_lossy(&out.stdout);
        let prefix = format!("{}/", dir.display());
        let lines: Vec<String> = stdout.lines().map(|l| l.replace(&prefix, "")).collect();
        let want = expected(&dir);
        assert_eq!(&lines[..want.len()], &want[..], "{}", dir.display());
        assert!(lines[want.len()].contains(" places, "), "summary line missing for {}", dir.display());
    }
}

#[test]
fn the_app_opens_every_corpus_dataset_shows_its_problems_and_carries_on() {
    for dir in corpus() {
        let loaded = crossings::dataset::load_dir(&dir).unwrap();
        let n = loaded.problems.len();
        let app = CrossingsApp::with_state(loaded, AppState::default());
        let mut h = Harness::builder()
            .with_size([1200.0, 800.0])
            .build_ui_state(|ui, app: &mut CrossingsApp| app.ui_frame(ui), app);
        h.run();
        h.get_by_label(&format!("⚠ {n} problems"));
        h.get_by_label("Show all").click_accesskit();
        h.run();
    }
}

#[test]
fn a_200_megabyte_file_is_refused_field_by_field_and_the_rest_loads() {
    let dir = common::copy_fixture("minimal");
    let huge = "x".repeat(200 << 20);
    let text = std::fs::read_to_string(dir.path().join("events.json"))
        .unwrap()
        .replace("\"A test event.\"", &format!("\"{huge}\""));
    std::fs::write(dir.path().join("events.json"), text).unwrap();
    drop(huge);
    let loaded = crossings::dataset::load_dir(dir.path()).unwrap();
    let msgs: Vec<String> = loaded.problems.iter().map(|p| p.message.clone()).collect();
    assert_eq!(
        msgs,
        vec![
            format!("summary is {} bytes long; the limit is {}", 200 << 20, crossings::dataset::MAX_STRING_BYTES),
            format!("summary is {} bytes long; the limit is {}", 200 << 20, crossings::dataset::MAX_STRING_BYTES),
        ]
    );
    assert_eq!(loaded.dataset.events.len(), 3, "the events are kept; the long text is reported");
}

#[test]
fn a_file_in_place_of_a_folder_or_an_unreadable_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let err = crossings::dataset::load_dir(&file).unwrap_err().to_string();
    assert!(
        err.ends_with(
            "is not a folder; a dataset is a folder holding sources.json, places.geojson, people.json, events.json"
        ),
        "{err}"
    );
    // Input that cannot be read even as root: a folder where a file should be.
    let odd = common::copy_fixture("minimal");
    std::fs::remove_file(odd.path().join("events.json")).unwrap();
    std::fs::create_dir(odd.path().join("events.json")).unwrap();
    let loaded = crossings::dataset::load_dir(odd.path()).unwrap();
    let msgs: Vec<&str> = loaded.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(msgs.contains(&"events.json is a folder; it should be a file"), "{msgs:?}");
    assert_eq!(loaded.dataset.places.len(), 2, "the readable files still load");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = tmp.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::copy(common::fixture("minimal").join("events.json"), locked.join("events.json")).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read_dir(&locked).is_ok() {
            eprintln!("running as root: permissions do not apply, skipping the unreadable-folder half");
        } else {
            let err = crossings::dataset::load_dir(&locked).unwrap_err().to_string();
            assert!(err.starts_with("cannot read dataset folder"), "{err}");
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn a_kill_9_during_an_export_never_leaves_a_truncated_file() {
    let data = tempfile::tempdir().unwrap();
    crossings::generate::generate(
        crossings::generate::Spec { places: 20_000, events: 150_000, people: 100, seed: 5 },
        data.path(),
    )
    .unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let target = out_dir.path().join("export.geojson");
    std::fs::write(&target, "the user's previous export").unwrap();
    let mut survived_old = 0;
    for delay_ms in [30u64, 120, 300, 700, 1500, 3000] {
        let mut child = common::crossings()
            .arg("export")
            .arg("--data")
            .arg(data.path())
            .arg("-o")
            .arg(&target)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on unix
        let _ = child.wait();
        let text = std::fs::read_to_string(&target).unwrap();
        if text == "the user's previous export" {
            survived_old += 1;
        } else {
            let v: serde_json::Value = serde_json::from_str(&text).expect("a complete export, never a truncated one");
            assert_eq!(v["type"], "FeatureCollection");
            std::fs::write(&target, "the user's previous export").unwrap();
        }
    }
    assert!(survived_old > 0, "no kill landed before the export finished; make the dataset bigger");
}

#[test]
fn only_web_links_are_offered_and_other_addresses_are_reported_and_never_opened() {
    let dir = common::fixture("links");
    let loaded = crossings::dataset::load_dir(&dir).unwrap();
    assert_eq!(
        relative(&dir, &loaded.problems),
        vec![
            "sources.json:12:5: src-b: url 'file:///etc/passwd' is not an http or https address; it will not be opened"
        ]
    );
    let app = CrossingsApp::with_state(loaded, AppState::default());
    let mut h = Harness::builder()
        .with_size([1200.0, 800.0])
        .build_ui_state(|ui, app: &mut CrossingsApp| app.ui_frame(ui), app);
    h.run();
    let links: Vec<_> = h.query_all_by_role(egui::accesskit::Role::Link).collect();
    assert_eq!(links.len(), 1, "only the https source is a link");
    h.get_by_label("[not opened: file:///etc/passwd]");
    // Clicking the web link asks the platform to open exactly that address, nothing else.
    h.get_by_label("open online").click_accesskit();
    h.step();
    let asked: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::OpenUrl(o) => Some(o.url.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(asked, vec!["https://example.org/a-document".to_owned()]);
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = common::copy_fixture("minimal");
    // A sparse file: it claims more than the limit without using the disk.
    let f = std::fs::OpenOptions::new().write(true).truncate(true).open(dir.path().join("events.json")).unwrap();
    f.set_len(crossings::dataset::MAX_FILE_BYTES + 1).unwrap();
    drop(f);
    let loaded = crossings::dataset::load_dir(dir.path()).unwrap();
    let msgs: Vec<&str> = loaded.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        msgs.contains(&"file is 1073741825 bytes; the largest file Crossings reads is 1073741824 bytes (1 GiB)"),
        "{msgs:?}"
    );
    assert_eq!(loaded.dataset.places.len(), 2);
}

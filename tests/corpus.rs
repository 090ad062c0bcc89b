//! Hostile and broken input: every dataset of the corpus (tests/corpus/*, made by
//! tests/corpus/make.py) reports exactly its expected problems, in `validate` and in the app,
//! and everything still runs. Plus the cases too big or too odd to commit.

mod common;

use std::path::{Path, PathBuf};

use crossings::ui::{AppState, CrossingsApp};
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
        let loaded = common::load_dir(dir).unwrap();
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
        let loaded = common::load_dir(&dir).unwrap();
        let n = loaded.problems.len();
        let app = CrossingsApp::with_state(loaded, AppState::default());
        let mut h = common::app_harness(app, [1200.0, 800.0]);
        h.run();
        h.get_by_label(&format!("⚠ {n} problem{}", if n == 1 { "" } else { "s" }));
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
    let loaded = common::load_dir(dir.path()).unwrap();
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
    let err = common::load_dir(&file).unwrap_err().to_string();
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
    let loaded = common::load_dir(odd.path()).unwrap();
    let msgs: Vec<&str> = loaded.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(msgs.contains(&"events.json is a folder; it should be a file"), "{msgs:?}");
    assert_eq!(loaded.dataset.places.len(), 2, "the readable files still load");
}

/// A folder without read permission. Root ignores permissions, so when the tests run as root
/// (as in CI) the check runs `crossings validate` as the unprivileged user `nobody`.
#[cfg(unix)]
#[test]
fn a_folder_without_read_permission_is_a_clear_error_even_when_tests_run_as_root() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let locked = tmp.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::copy(common::fixture("minimal").join("events.json"), locked.join("events.json")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let as_root = std::fs::read_dir(&locked).is_ok();
    let out = if as_root {
        let Some(mut command) = common::crossings_as_nobody(tmp.path()) else { return };
        command.args(["validate", "--data"]).arg(&locked).output().unwrap()
    } else {
        let err = common::load_dir(&locked).unwrap_err().to_string();
        assert_eq!(err, format!("cannot read dataset folder {}: Permission denied (os error 13)", locked.display()));
        common::crossings().args(["validate", "--data"]).arg(&locked).output().unwrap()
    };
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot read dataset folder {}: Permission denied", locked.display())),
        "{stderr}"
    );
}

/// Loads a folder in a thread and fails (instead of hanging the suite) if it takes too long.
fn load_within(dir: &Path, seconds: u64) -> crossings::dataset::Loaded {
    let (tx, rx) = std::sync::mpsc::channel();
    let dir = dir.to_owned();
    std::thread::spawn(move || {
        let _ = tx.send(common::load_dir(&dir).unwrap());
    });
    rx.recv_timeout(std::time::Duration::from_secs(seconds)).expect("loading must not hang")
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_place_of_a_file_is_refused_not_read_forever() {
    let dir = common::copy_fixture("minimal");
    let events = dir.path().join("events.json");
    std::fs::remove_file(&events).unwrap();
    let status = std::process::Command::new("mkfifo").arg(&events).status().unwrap();
    assert!(status.success());
    let loaded = load_within(dir.path(), 20);
    let msgs: Vec<&str> = loaded.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "person is tied to nothing: no event lists them and they have no places",
            "events.json is not a regular file (a pipe, socket or device); it is not read"
        ]
    );
    assert_eq!(loaded.dataset.places.len(), 2, "the other files still load");
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_dataset_folder_is_not_followed_but_a_link_inside_is() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.json");
    std::fs::copy(common::fixture("minimal").join("events.json"), &secret).unwrap();
    let dir = common::copy_fixture("minimal");
    let events = dir.path().join("events.json");
    std::fs::remove_file(&events).unwrap();
    std::os::unix::fs::symlink(&secret, &events).unwrap();
    let loaded = load_within(dir.path(), 20);
    let msgs: Vec<&str> = loaded.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "person is tied to nothing: no event lists them and they have no places",
            "events.json is a link to a file outside the dataset folder (or to nothing); it is not read"
        ]
    );
    assert!(loaded.dataset.events.is_empty(), "nothing outside the folder was read");
    // The same file linked from inside the folder is read.
    std::fs::remove_file(&events).unwrap();
    std::fs::create_dir(dir.path().join("versions")).unwrap();
    std::fs::copy(&secret, dir.path().join("versions/events-v2.json")).unwrap();
    std::os::unix::fs::symlink("versions/events-v2.json", &events).unwrap();
    let loaded = load_within(dir.path(), 20);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.dataset.events.len(), 3);
}

/// Texts of a dataset whose events file is `events`, the other files from the minimal fixture.
fn minimal_with_events(events: String) -> crossings::dataset::Texts {
    let mut texts = crossings::dataset::Texts::read_dir(&common::fixture("minimal"), &Default::default()).unwrap();
    texts.files[3] = Some(("events.json".to_owned(), events));
    texts
}

/// `n` copies of the minimal dataset's first event, each changed by `edit(i, record)`.
fn copies_of_the_first_event(n: usize, edit: impl Fn(usize, &mut serde_json::Value)) -> String {
    let minimal = std::fs::read_to_string(common::fixture("minimal").join("events.json")).unwrap();
    let records: Vec<serde_json::Value> = serde_json::from_str(&minimal).unwrap();
    let many: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut r = records[0].clone();
            edit(i, &mut r);
            r
        })
        .collect();
    serde_json::to_string_pretty(&many).unwrap()
}

#[test]
fn records_beyond_the_limit_are_counted_and_ignored_and_the_first_ones_load() {
    use crossings::dataset::Limits;
    // 50 valid events with distinct ids.
    let texts = minimal_with_events(copies_of_the_first_event(50, |i, r| r["id"] = format!("event-{i}").into()));
    let limits = Limits { records: 10, ..Limits::default() };
    let loaded = common::load_texts_with("data", &texts, limits);
    let shown: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["events.json:1:1: file holds 50 records; the limit is 10; the 40 after it are ignored"]);
    assert_eq!(loaded.dataset.events.len(), 10);
    assert_eq!(loaded.dataset.events[9].id, "event-9", "the first records are the ones kept");
    assert_eq!(Limits::default().records, 20_000_000);
}

#[test]
fn a_flood_of_bad_records_lists_the_first_problems_and_counts_the_rest() {
    use crossings::dataset::Limits;
    // A million records, each a number where an object belongs: one problem each.
    let flood = format!("[{}0]", "0,\n".repeat(999_999));
    let texts = minimal_with_events(flood);
    let limits = Limits { problems: 1000, ..Limits::default() };
    let loaded = common::load_texts_with("data", &texts, limits);
    assert_eq!(loaded.problems.len(), 1001);
    // In reading order: the people file comes before the events file.
    assert!(loaded.problems[0].to_string().ends_with(
        "people.json:3:11: a-soldier: person is tied to nothing: no event lists them and they have no places"
    ));
    assert_eq!(
        loaded.problems[1].to_string(),
        "events.json:1:2: each record must be a JSON object { ... }, not a number"
    );
    assert_eq!(loaded.problems[999].line, 999);
    assert_eq!(
        loaded.problems[1000].to_string(),
        // A million bad records, plus the person whom no valid event names.
        "data:1:1: 999001 more problems are not listed; only the first 1000 are kept (fix these and validate again)"
    );
    assert_eq!(loaded.dataset.places.len(), 2, "the valid files still load");
}

/// Problems found while events are parsed and resolved on two threads: with a limit, the
/// listed ones are the first of the whole list, in file order, and the rest are counted exactly.
#[test]
fn capped_problems_are_the_first_of_the_whole_list_and_the_count_is_exact() {
    use crossings::dataset::Limits;
    // Enough events for many blocks on both threads. Each names an unknown place and, when
    // `people` is set, an unknown person too; every seventh repeats an earlier id (so its
    // other problems are dropped, and only the repeat is reported).
    let shown = |people: bool, limit: usize| -> Vec<String> {
        let texts = minimal_with_events(copies_of_the_first_event(30_000, |i, r| {
            r["id"] = format!("event-{}", if i % 7 == 6 { i - 3 } else { i }).into();
            r["place"] = format!("nowhere-{i}").into();
            if people {
                r["people"] = serde_json::json!([format!("nobody-{i}")]);
            }
        }));
        let limits = Limits { problems: limit, ..Limits::default() };
        common::load_texts_with("data", &texts, limits).problems.iter().map(ToString::to_string).collect()
    };
    for people in [false, true] {
        let all = shown(people, usize::MAX);
        let per_record = if people { 2 } else { 1 };
        // The person of the minimal dataset is named by no event when `people` is set.
        let tied = usize::from(people);
        let repeats = 30_000 / 7;
        assert_eq!(all.len(), tied + repeats + (30_000 - repeats) * per_record, "people: {people}");
        assert_eq!(all.iter().filter(|p| p.contains("duplicate id")).count(), repeats);
        let capped = shown(people, 1000);
        let listed = capped.len() - 1;
        assert!((500..=1000).contains(&listed), "people: {people}: {listed} listed");
        assert_eq!(capped[..listed], all[..listed], "people: {people}");
        assert_eq!(
            capped[listed],
            format!(
                "data:1:1: {} more problems are not listed; only the first {listed} are kept (fix these and validate again)",
                all.len() - listed
            )
        );
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
    let loaded = common::load_dir(&dir).unwrap();
    assert_eq!(
        relative(&dir, &loaded.problems),
        vec![
            "sources.json:12:5: src-b: url 'file:///etc/passwd' is not an http or https address; it will not be opened"
        ]
    );
    let app = CrossingsApp::with_state(loaded, AppState::default());
    let mut h = common::app_harness(app, [1200.0, 800.0]);
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
    let loaded = common::load_dir(dir.path()).unwrap();
    let msgs: Vec<&str> = loaded.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        msgs.contains(&"file is 1073741825 bytes; the largest file Crossings reads is 1073741824 bytes (1 GiB)"),
        "{msgs:?}"
    );
    assert_eq!(loaded.dataset.places.len(), 2);
}

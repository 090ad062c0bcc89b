//! The command line, run as a user runs it.

mod common;

use common::crossings;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = crossings().args(args).output().expect("run crossings");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_and_version_work() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("validate") && out.contains("export") && out.contains("--data"), "{out}");
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), format!("crossings {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn validate_on_the_bundled_data_prints_one_summary_line_and_exits_zero() {
    let tmp = tempfile::tempdir().unwrap();
    // From any directory: the data is embedded.
    let out = crossings().arg("validate").current_dir(tmp.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let re_ok = lines[0].starts_with("geodata: ")
        && lines[0].contains(" places, ")
        && lines[0].contains(" people, ")
        && lines[0].contains(" events, ")
        && lines[0].ends_with(" 5 sources");
    assert!(re_ok, "{}", lines[0]);
}

#[test]
fn validate_with_problems_prints_each_as_file_line_col_record_message_and_exits_one() {
    let dir = common::fixture("problems");
    let (code, out, _) = run(&["validate", "--data", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    let prefix = format!("{}/", dir.display());
    let got: Vec<String> = out.lines().map(|l| l.replace(&prefix, "")).collect();
    let want: Vec<&str> = expected.lines().collect();
    assert_eq!(&got[..want.len()], &want[..]);
    assert!(got[want.len()].contains(": 3 places, 3 people, 3 events, 1 sources"), "{}", got[want.len()]);
    assert_eq!(got[want.len() + 1], format!("{} problems", want.len()));
}

#[test]
fn a_missing_folder_is_a_plain_error_with_status_two() {
    let (code, _, err) = run(&["validate", "--data", "/no/such/dir"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("crossings: cannot read dataset folder /no/such/dir"), "{err}");
}

#[test]
fn export_to_stdout_is_geojson_with_every_place() {
    let (code, out, _) = run(&["export", "--output", "-"]);
    assert_eq!(code, 0);
    let gj: geojson::FeatureCollection = out.parse::<geojson::GeoJson>().unwrap().try_into().unwrap();
    let d = crossings::dataset::load_bundled().dataset;
    assert_eq!(gj.features.len(), d.places.len());
}

#[test]
fn export_with_a_window_keeps_only_places_and_events_inside_it() {
    let (code, out, _) = run(&["export", "--from", "1945-08", "--to", "1945-08"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = v["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"harbin"), "{ids:?}");
    assert!(!ids.contains(&"yanan"), "{ids:?}");
    assert_eq!(v["crossings"]["filter"]["time_window"], "1945-08-01/1945-08-31");
    for f in v["features"].as_array().unwrap() {
        let start = f["properties"]["start_date"].as_str().unwrap();
        let end = f["properties"]["end_date"].as_str().unwrap();
        assert!(start >= "1945-08-01" && end <= "1945-08-31", "{start} {end}");
    }
}

#[test]
fn export_of_an_unknown_place_fails_with_its_name() {
    let (code, _, err) = run(&["export", "--place", "atlantis"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown place 'atlantis'"), "{err}");
}

#[test]
fn export_to_a_file_says_how_many_places_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.geojson");
    let (code, _, err) = run(&["export", "--place", "harbin", "--place", "maizuru", "-o", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("wrote 2 places ("), "{err}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"harbin\"") && text.contains("\"maizuru\""));
}

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn without_a_display_the_window_command_explains_itself_instead_of_panicking() {
    let out = crossings().env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("crossings: no display found"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

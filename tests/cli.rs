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
    // With the commit since issue 15 (checked against git below).
    assert!(out.trim().starts_with(&format!("crossings {} (commit ", env!("CARGO_PKG_VERSION"))), "{out}");
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
    let warnings = want.iter().filter(|l| l.contains(": warning: ")).count();
    assert_eq!(warnings, 1, "the fixture has one open end");
    assert_eq!(got[want.len() + 1], format!("{} problems, 1 warning", want.len() - warnings));
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
    let d = common::bundled().dataset;
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

/// Writes `events` (a JSON array) into a copy of the minimal fixture, whose sources are given
/// authorities to cite.
fn minimal_with_events(events: &str) -> tempfile::TempDir {
    let dir = common::copy_fixture("minimal");
    std::fs::write(dir.path().join("events.json"), events).unwrap();
    std::fs::write(
        dir.path().join("sources.json"),
        r#"[
  {
    "id": "src-a",
    "title": "A document",
    "file": "a.txt",
    "authorities": [{ "id": "a-historian", "name": "A. Historian", "work": "A Book" }]
  }
]
"#,
    )
    .unwrap();
    dir
}

#[test]
fn an_unbounded_side_is_a_warning_that_fails_only_validate_strict() {
    let dir = minimal_with_events(
        r#"[
  {"id": "open-start", "date": "../1954", "place": "harbin", "people": ["a-soldier"], "title": "T", "category": "soviet", "sources": ["src-a"]},
  {"id": "bounded", "date": "/1954", "not_before": "1945-08", "bounds_basis": "inferred", "place": "maizuru", "people": ["a-soldier"], "title": "T", "category": "soviet", "sources": ["src-a"]},
  {"id": "unknown-end", "date": "1946/", "place": "maizuru", "people": [], "title": "T", "category": "soviet", "sources": ["src-a"]}
]
"#,
    );
    let data = dir.path().to_str().unwrap();
    let (code, out, _) = run(&["validate", "--data", data]);
    assert_eq!(code, 0, "warnings alone do not fail validate:\n{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].ends_with(
            "events.json:2:24: open-start: warning: the start of '../1954' is open or unknown and has no not_before: it shows as possible in every earlier window (give not_before with the bound the sources allow)"
        ),
        "{out}"
    );
    assert!(lines[1].contains("events.json:4:25: unknown-end: warning: the end of '1946/'"), "{out}");
    assert_eq!(lines.len(), 4, "two warnings, the summary, the count:\n{out}");
    assert_eq!(lines[3], "2 warnings");
    let (code, out, _) = run(&["validate", "--strict", "--data", data]);
    assert_eq!(code, 1, "--strict fails on warnings:\n{out}");
}

#[test]
fn bounds_that_contradict_the_date_and_authorities_not_cited_are_errors_naming_the_record() {
    let dir = minimal_with_events(
        r#"[
  {"id": "cuts", "date": "../1954", "not_before": "1955", "bounds_basis": "inferred", "place": "harbin", "people": [], "title": "T", "category": "soviet", "sources": ["src-a"]},
  {"id": "cited", "date": "1945", "place": "harbin", "people": [], "according_to": ["a-historian", "nobody"], "title": "T", "category": "soviet", "sources": ["src-a"]},
  {"id": "no-basis", "date": "1946/", "not_after": "1950", "place": "maizuru", "people": ["a-soldier"], "title": "T", "category": "soviet", "sources": ["src-a"]}
]
"#,
    );
    let (code, out, _) = run(&["validate", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cuts: not_before 1955 contradicts the date '../1954': it is known from 1954-01-01, so it cannot begin later"), "{out}");
    assert!(out.contains("cited: unknown authority 'nobody'"), "{out}");
    assert!(!out.contains("'a-historian'"), "a cited authority of the event's source is fine:\n{out}");
    assert!(out.contains("no-basis: outer bounds need a bounds_basis"), "{out}");
}

#[test]
fn the_bundled_data_passes_validate_strict() {
    let (code, out, _) = run(&["validate", "--strict"]);
    assert_eq!(code, 0, "the bundled data has no unbounded date:\n{out}");
}

/// `crossings --version` names the version and the commit the binary was built from.
#[test]
fn the_version_names_the_commit_it_was_built_from() {
    let out = common::crossings().arg("--version").output().expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with(&format!("crossings {} (commit ", env!("CARGO_PKG_VERSION"))), "{text}");
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(common::root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    match head {
        Some(commit) => assert!(text.contains(&format!("(commit {commit})")), "{text} is not built from {commit}"),
        None => assert!(text.contains("(commit "), "{text}"),
    }
}

/// The manual page, made from the same definition as `--help`, renders with `man` and names
/// every command; bash accepts the completions.
#[test]
fn the_man_page_renders_and_the_bash_completions_parse() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("crossings.1");
    let out = common::crossings().arg("manpage").output().expect("run");
    assert!(out.status.success());
    std::fs::write(&page, &out.stdout).unwrap();
    if common::require_tools(&["man"]) {
        let shown = std::process::Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .expect("man");
        let text = String::from_utf8_lossy(&shown.stdout);
        assert!(shown.status.success(), "{}", String::from_utf8_lossy(&shown.stderr));
        for word in ["NAME", "crossings", "validate", "export", "--data"] {
            assert!(text.contains(word), "the man page lacks {word}:\n{text}");
        }
    }
    let bash = common::crossings().args(["completions", "bash"]).output().expect("run");
    assert!(bash.status.success());
    let script = dir.path().join("crossings.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    let text = String::from_utf8_lossy(&bash.stdout);
    assert!(text.contains("validate") && text.contains("export"), "{text}");
    let check = std::process::Command::new("bash").arg("-n").arg(&script).output().expect("bash");
    assert!(check.status.success(), "bash rejects the completions: {}", String::from_utf8_lossy(&check.stderr));
}

/// The bundled data's files, each scrambled as a hand edit might leave them: records in
/// reverse order, each on one line, fields still in their order.
fn scrambled_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in crossings::dataset::FILES {
        let text = std::fs::read_to_string(common::root().join("geodata").join(name)).unwrap();
        let compact = |raw: &serde_json::value::RawValue| {
            let mut out = Vec::new();
            let mut de = serde_json::Deserializer::from_str(raw.get());
            serde_transcode::transcode(&mut de, &mut serde_json::Serializer::new(&mut out)).unwrap();
            String::from_utf8(out).unwrap()
        };
        let scrambled = if name == "places.geojson" {
            #[derive(serde::Deserialize)]
            struct Fc<'a> {
                #[serde(borrow)]
                features: Vec<&'a serde_json::value::RawValue>,
            }
            let fc: Fc<'_> = serde_json::from_str(&text).unwrap();
            let features: Vec<String> = fc.features.iter().rev().map(|f| compact(f)).collect();
            format!("{{\"type\":\"FeatureCollection\",\n\"features\":[{}]}}", features.join(",\n"))
        } else {
            let records: Vec<&serde_json::value::RawValue> = serde_json::from_str(&text).unwrap();
            let records: Vec<String> = records.iter().rev().map(|r| compact(r)).collect();
            format!("[{}]", records.join(",\n"))
        };
        assert_ne!(scrambled, text);
        std::fs::write(dir.path().join(name), scrambled).unwrap();
    }
    dir
}

#[test]
fn fmt_puts_a_scrambled_folder_back_byte_for_byte_and_check_says_which_files_differ() {
    // The bundled data is kept in the canonical format.
    let geodata = common::root().join("geodata");
    let out = crossings().args(["fmt", "--check", "--data"]).arg(&geodata).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));

    let dir = scrambled_copy();
    let out = crossings().args(["fmt", "--check", "--data"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout);
    for name in crossings::dataset::FILES {
        assert!(said.contains(&format!("not formatted: {}", dir.path().join(name).display())), "{said}");
    }
    let out = crossings().args(["fmt", "--data"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for name in crossings::dataset::FILES {
        let want = std::fs::read(geodata.join(name)).unwrap();
        assert!(std::fs::read(dir.path().join(name)).unwrap() == want, "{name} differs from geodata/{name}");
    }
    // A second run writes nothing: the files keep their modification times.
    let before = std::fs::metadata(dir.path().join("events.json")).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = crossings().args(["fmt", "--data"]).arg(dir.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("all 4 files are in the canonical format"));
    assert_eq!(std::fs::metadata(dir.path().join("events.json")).unwrap().modified().unwrap(), before);
}

#[test]
fn fmt_of_a_broken_file_names_it_and_writes_nothing() {
    let dir = scrambled_copy();
    let people = std::fs::read(dir.path().join("people.json")).unwrap();
    std::fs::write(dir.path().join("events.json"), "[\n  {\"id\": \"a\", \"title\": \"T\",}\n]\n").unwrap();
    let out = crossings().args(["fmt", "--data"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains(&format!("{}:2:", dir.path().join("events.json").display())), "{said}");
    assert!(said.contains("nothing was written"), "{said}");
    assert_eq!(std::fs::read(dir.path().join("people.json")).unwrap(), people, "people.json is left as it was");
}

#[test]
fn an_imported_folder_is_already_in_the_canonical_format() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("atlas");
    let out = crossings()
        .arg("import")
        .arg(common::fixture("import").join("returnees.xlsx"))
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(out_dir.join("events.json").is_file(), "{}", String::from_utf8_lossy(&out.stdout));
    let files = crossings::dataset::fmt::format_folder(&out_dir, true).unwrap();
    assert!(files.iter().all(|f| !f.changed), "{files:?}");
}

//! Exports a GIS user can trust: RFC 7946, round-trips to the model, deterministic, atomic,
//! read by GDAL with dates as dates.

mod common;

use crossings::chronology::{TimeFilter, TimeWindow};
use crossings::export::{self, ExportRequest, Format};
use crossings::model::PlaceIx;

fn all(format: Format) -> export::Exported {
    let d = common::bundled().dataset;
    export::export(&d, &ExportRequest { format, ..Default::default() })
}

#[test]
fn geojson_round_trips_to_the_model() {
    let d = common::bundled().dataset;
    let out = export::export(&d, &ExportRequest::default());
    let fc: geojson::FeatureCollection = out.text.parse::<geojson::GeoJson>().unwrap().try_into().unwrap();
    assert!(fc.foreign_members.as_ref().unwrap().contains_key("crossings"));
    assert!(!out.text.contains("\"crs\""));
    assert_eq!(fc.features.len(), d.places.len());
    for f in &fc.features {
        let Some(geojson::feature::Id::String(id)) = &f.id else { panic!("feature without string id") };
        let p = d.place(d.place_by_id(id).unwrap());
        let geojson::GeometryValue::Point { coordinates } = &f.geometry.as_ref().unwrap().value else { panic!() };
        assert!((coordinates[0] - p.lon_lat.lon).abs() < 1e-6 && (coordinates[1] - p.lon_lat.lat).abs() < 1e-6);
        assert_eq!(f.property("name").unwrap(), p.name.as_str());
        assert_eq!(f.property("location_precision").unwrap(), p.precision.as_str());
        let events = f.property("events").unwrap().as_array().unwrap();
        let pix = d.place_by_id(id).unwrap();
        assert_eq!(events.len(), d.place_events[pix.ix()].len());
        assert_eq!(f.property("event_count").unwrap().as_u64().unwrap() as usize, events.len());
        for (e, ix) in events.iter().zip(&d.place_events[pix.ix()]) {
            let model = d.event(*ix);
            assert_eq!(e["id"], model.id.as_str());
            assert_eq!(e["date"].as_str(), model.date.to_edtf().as_deref());
            assert_eq!(e["title"], model.title.as_str());
        }
        for n in &p.names {
            let key = format!("name_{}", n.lang.replace('-', "_"));
            assert!(f.property(&key).unwrap().as_str().unwrap().contains(&n.text), "{key}");
        }
    }
}

#[test]
fn coordinates_have_at_most_six_decimals_and_output_is_deterministic() {
    let a = all(Format::Geojson);
    let b = all(Format::Geojson);
    assert_eq!(a.text, b.text);
    let v: serde_json::Value = serde_json::from_str(&a.text).unwrap();
    for f in v["features"].as_array().unwrap() {
        for c in f["geometry"]["coordinates"].as_array().unwrap() {
            let s = c.to_string();
            let decimals = s.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 6, "{s}");
        }
    }
}

#[test]
fn dates_are_days_and_timestamps_for_kepler() {
    let v: serde_json::Value = serde_json::from_str(&all(Format::Geojson).text).unwrap();
    let harbin = v["features"].as_array().unwrap().iter().find(|f| f["id"] == "harbin").unwrap();
    let p = &harbin["properties"];
    let start = p["start_date"].as_str().unwrap();
    assert_eq!(start.len(), 10);
    assert_eq!(p["start_ts"].as_str().unwrap(), format!("{start} 00:00:00"));
    assert!(p["end_ts"].as_str().unwrap().ends_with(" 23:59:59"));
}

#[test]
fn linked_places_has_names_with_languages_and_timespans() {
    let v: serde_json::Value = serde_json::from_str(&all(Format::Lpf).text).unwrap();
    assert!(v["@context"].as_str().unwrap().contains("linkedplaces"));
    let yanan = v["features"].as_array().unwrap().iter().find(|f| f["@id"] == "urn:crossings:place/yanan").unwrap();
    assert!(yanan["names"].as_array().unwrap().iter().any(|n| n["lang"] == "zh-Hans"));
    assert!(!yanan["when"]["timespans"].as_array().unwrap().is_empty());
}

#[test]
fn a_window_exports_only_events_inside_it_and_says_so() {
    let d = common::bundled().dataset;
    let window = TimeWindow::parse("1945-08").unwrap();
    let out = export::export(&d, &ExportRequest { time: TimeFilter::window(window), ..Default::default() });
    let v: serde_json::Value = serde_json::from_str(&out.text).unwrap();
    for f in v["features"].as_array().unwrap() {
        assert_eq!(f["properties"]["time_window"], "1945-08-01/1945-08-31");
        for e in f["properties"]["events"].as_array().unwrap() {
            let start = e["start_date"].as_str().unwrap();
            assert!(start >= "1945-08-01", "{start}");
        }
    }
}

#[test]
fn a_failed_export_into_a_missing_folder_says_so_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder/out.geojson");
    let err = export::write_atomic(&missing, b"{}").unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(!missing.exists());

    // Nothing is left behind by the failed write.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

/// An export over an existing file, into a folder the user may not write, fails in words and
/// leaves the file as it was. As root (CI) every folder is writable, so the command then runs as
/// the unprivileged user `nobody`, as a user would meet it.
#[cfg(unix)]
#[test]
fn exporting_over_a_file_in_a_read_only_folder_fails_in_words_and_keeps_the_file() {
    let Some((ro, mut command)) = common::read_only_file("keep.geojson", "old") else { return };
    let out = command.args(["export", "--output"]).arg(&ro.file).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&ro.file).unwrap(), "old", "the file the user had is untouched");
    let names: Vec<String> = std::fs::read_dir(&ro.folder)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["keep.geojson"], "nothing else was left in the folder");
}

#[test]
fn gdal_reads_the_export_with_dates_as_date_fields() {
    if !common::require_tools(&["ogrinfo"]) {
        return;
    }
    let d = common::bundled().dataset;
    let places: Vec<PlaceIx> = ["harbin", "maizuru", "yanan"].iter().map(|id| d.place_by_id(id).unwrap()).collect();
    let out = export::export(&d, &ExportRequest { places: Some(places), ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("three.geojson");
    export::write_atomic(&path, out.text.as_bytes()).unwrap();
    let info = std::process::Command::new("ogrinfo").args(["-al", "-so"]).arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "{text}{}", String::from_utf8_lossy(&info.stderr));
    assert!(text.contains("Feature Count: 3"), "{text}");
    assert!(text.contains("start_date: Date"), "{text}");
    assert!(text.contains("end_date: Date"), "{text}");
    assert!(text.contains("Point"), "{text}");
}

#[test]
fn an_uncertain_event_exports_as_possible_with_its_bounds_in_geojson_and_linked_places() {
    let d = common::bundled().dataset;
    let quang_ngai = d.place_by_id("quang-ngai").unwrap();
    let time = TimeFilter::window(TimeWindow::parse("1950").unwrap());
    let request = |format| ExportRequest { format, places: Some(vec![quang_ngai]), time, ..Default::default() };
    let v: serde_json::Value = serde_json::from_str(&export::export(&d, &request(Format::Geojson)).text).unwrap();
    let f = &v["features"][0];
    // In 1950 nothing at Quảng Ngãi is certain: only bounded stays reach it.
    assert_eq!(f["properties"]["certainty"], "possible", "{f}");
    let tanimoto = f["properties"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "1954-tanimoto-kikuo-leaves-academy")
        .expect("Tanimoto's teaching until 1954 shows in 1950");
    assert_eq!(tanimoto["certainty"], "possible");
    assert_eq!(tanimoto["date"], "../1954");
    assert_eq!(tanimoto["not_before"], "1945-08");
    assert_eq!(tanimoto["bounds_basis"], "inferred");
    assert_eq!(tanimoto["date_text"], "until 1954 (from August 1945 at the earliest; inferred)");

    let lpf: serde_json::Value = serde_json::from_str(&export::export(&d, &request(Format::Lpf)).text).unwrap();
    let spans = lpf["features"][0]["when"]["timespans"].as_array().unwrap();
    // Timespans carry no label (WHG's schema allows none); Tanimoto's is the one ending in 1950.
    assert!(spans.iter().all(|s| s.get("label").is_none()));
    let span = spans.iter().find(|s| s["end"]["in"] == "1950-12-31").expect("the LPF timespan of Tanimoto's stay");
    // The place is only possible in 1950 (LPF 1.2.2's "certainty" of a "when").
    assert_eq!(lpf["features"][0]["when"]["certainty"], "less-certain");
    // Clipped to the window: the start may lie anywhere in it, the known part (1954) is after it.
    assert_eq!(span["start"]["earliest"], "1950-01-01", "{span}");
    assert_eq!(span["end"]["in"], "1950-12-31", "{span}");
    // Without a window the whole envelope: from August 1945, known from 1954.
    let all = ExportRequest { format: Format::Lpf, places: Some(vec![quang_ngai]), ..Default::default() };
    let lpf: serde_json::Value = serde_json::from_str(&export::export(&d, &all).text).unwrap();
    let span = lpf["features"][0]["when"]["timespans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["end"]["in"] == "1954-12-31")
        .unwrap()
        .clone();
    assert_eq!(span["start"], serde_json::json!({ "earliest": "1945-08-01", "latest": "1954-01-01" }), "{span}");
    assert_eq!(span["end"], serde_json::json!({ "in": "1954-12-31" }), "{span}");
}

#[cfg(unix)]
#[test]
fn an_export_is_readable_by_others_unless_it_replaces_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    let d = common::bundled().dataset;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for format in [Format::Geojson, Format::Gpkg] {
        let path = dir.path().join(format!("new.{}", format.extension()));
        export::export_file(&path, &d, &ExportRequest { format, ..Default::default() }).unwrap();
        assert_eq!(mode(&path), 0o644, "{format:?}: a new export can be shared, as any saved file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        export::export_file(&path, &d, &ExportRequest { format, ..Default::default() }).unwrap();
        assert_eq!(mode(&path), 0o600, "{format:?}: a private file stays private");
    }
}

//! The exports read by the programs users open them in: GDAL (`ogrinfo`) for GeoPackage,
//! CSV and KML; the World Historical Gazetteer's own LPF schema; kepler.gl's own processors
//! (Node, tests/kepler). A reader missing here skips locally and fails under CI=true.

mod common;

use std::path::Path;
use std::process::Command;

use crossings::chronology::{TimeFilter, TimeWindow};
use crossings::export::{self, ExportRequest, Format};

fn write(format: Format, dir: &Path, name: &str) -> std::path::PathBuf {
    let d = common::bundled().dataset;
    let path = dir.join(name);
    export::export_file(&path, &d, &ExportRequest { format, ..Default::default() }).unwrap();
    path
}

fn ogrinfo(args: &[&str], path: &Path) -> String {
    let out = Command::new("ogrinfo").args(args).arg(path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn gdal_opens_the_geopackage_as_a_places_layer_and_three_tables_with_date_columns() {
    if !common::require_tools(&["ogrinfo"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(Format::Gpkg, dir.path(), "atlas.gpkg");
    let d = common::bundled().dataset;
    let layers = ogrinfo(&["-ro", "-q"], &path);
    for layer in ["1: places (Point)", "2: events (None)", "3: people (None)", "4: sources (None)"] {
        assert!(layers.contains(layer), "{layers}");
    }
    let places = ogrinfo(&["-ro", "-so", "-al"], &path);
    assert!(places.contains(&format!("Feature Count: {}", d.places.len())), "{places}");
    let events = ogrinfo(&["-ro", "-so"], &path.with_extension("gpkg")).to_string()
        + &ogrinfo(&["-ro", "-so", "-sql", "SELECT * FROM events"], &path);
    assert!(events.contains("start: Date"), "{events}");
    assert!(events.contains("end: Date"), "{events}");
    let located = d.events.iter().filter(|e| e.place.is_some()).count();
    let count = ogrinfo(&["-ro", "-q", "-sql", "SELECT count(*) AS n FROM events"], &path);
    assert!(count.contains(&format!("n (Integer) = {located}")), "{count}");
    // A date GDAL reads back as a date: Harbin's August 1945 events start on 1945-08-09 or later.
    let harbin = ogrinfo(
        &[
            "-ro",
            "-q",
            "-sql",
            "SELECT start FROM events WHERE place_id = 'harbin' AND start IS NOT NULL ORDER BY start LIMIT 1",
        ],
        &path,
    );
    assert!(harbin.contains("start (Date) = 1945/08/"), "{harbin}");
}

#[test]
fn gdal_reads_the_csv_with_its_columns_and_the_kml_with_its_time_spans() {
    if !common::require_tools(&["ogrinfo"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let csv = write(Format::Csv, dir.path(), "atlas.csv");
    let text = std::fs::read(&csv).unwrap();
    assert!(text.starts_with(b"\xEF\xBB\xBFevent_id,date,"), "a BOM for Excel");
    let info =
        ogrinfo(&["-ro", "-so", "-al", "-oo", "X_POSSIBLE_NAMES=longitude", "-oo", "Y_POSSIBLE_NAMES=latitude"], &csv);
    assert!(info.contains("Geometry: Point"), "{info}");
    for col in ["event_id: String", "start_ts: String", "place_id: String", "people: String"] {
        assert!(info.contains(col), "{col}: {info}");
    }
    let kml = write(Format::Kml, dir.path(), "atlas.kml");
    let info = ogrinfo(&["-ro", "-al", "-so"], &kml);
    assert!(info.contains("Harbin"), "{info}");
    let text = std::fs::read_to_string(&kml).unwrap();
    // One placemark per dated event, each with its own span; undated ones start hidden.
    let dated = text.matches("<TimeSpan>").count();
    assert!(dated > 50, "{dated}");
    assert!(text.contains("<begin>1945-08-09</begin>"), "the Soviet offensive");
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("Placemark")).count(), text.matches("<Placemark ").count());
}

/// WHG validates each feature alone, wrapped in a FeatureCollection (validation/tasks.py).
#[test]
fn every_linked_places_feature_passes_the_world_historical_gazetteers_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::root().join("tests/lpf/lpf_v2.0.jsonld")).unwrap())
            .unwrap();
    // The schema refers to WHG's CSL citation schema by its URL: it is served from the copy
    // beside it (same commit), so the check needs no network.
    let csl: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::root().join("tests/lpf/csl-citation.json")).unwrap())
            .unwrap();
    let registry = jsonschema::Registry::new()
        .add("https://whgazetteer.org/schema/csl-citation.json", csl)
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .with_registry(&registry)
        .build(&schema)
        .expect("WHG's schema compiles");
    let d = common::bundled().dataset;
    let mut checked = 0;
    for (time, base) in [
        (TimeFilter::default(), None),
        (TimeFilter::window(TimeWindow::parse("1950").unwrap()), Some("https://example.org/atlas/".to_owned())),
        (TimeFilter { window: Some(TimeWindow::parse("1945-08").unwrap()), include_undated: true }, None),
    ] {
        let request = ExportRequest { format: Format::Lpf, time, base_uri: base.clone(), ..Default::default() };
        let doc: serde_json::Value = serde_json::from_str(&export::export(&d, &request).text).unwrap();
        for f in doc["features"].as_array().unwrap() {
            let one = serde_json::json!({ "type": "FeatureCollection", "features": [f] });
            let errors: Vec<String> =
                validator.iter_errors(&one).map(|e| format!("{} at {}", e, e.instance_path())).collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", f["@id"]);
            if let Some(b) = &base {
                assert!(f["@id"].as_str().unwrap().starts_with(&format!("{b}place/")));
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked}");
    // What WHG rejected before: empty ccodes, labels in timespans, empty sides, empty whens.
    let doc: serde_json::Value =
        serde_json::from_str(&export::export(&d, &ExportRequest { format: Format::Lpf, ..Default::default() }).text)
            .unwrap();
    let features = doc["features"].as_array().unwrap();
    let harbin = features.iter().find(|f| f["@id"] == "urn:crossings:place/harbin").unwrap();
    assert_eq!(harbin["properties"]["ccodes"], serde_json::json!(["CN"]));
    assert_eq!(harbin["types"][0]["identifier"], "aat:300008389");
    let text = doc.to_string();
    assert!(
        !text.contains("\"label\":\"")
            || !features
                .iter()
                .any(|f| f["when"]["timespans"].as_array().is_some_and(|t| t.iter().any(|s| s.get("label").is_some())))
    );
    assert!(!text.contains("{}"), "no empty object anywhere");

    // The schema is strict enough to fail: an empty ccodes is refused, as WHG refused it.
    let mut broken = harbin.clone();
    broken["properties"]["ccodes"] = serde_json::json!([]);
    assert!(!validator.is_valid(&serde_json::json!({ "type": "FeatureCollection", "features": [broken] })));
}

/// kepler.gl's own processors, in Node, as a dropped file is read (tests/kepler).
fn kepler(file: &Path, field: &str) -> Option<serde_json::Value> {
    let script = common::root().join("tests/kepler/inspect.mjs");
    let installed = common::root().join("tests/kepler/node_modules/@kepler.gl/processors").is_dir();
    if !common::require_tools(&["node"]) {
        return None;
    }
    if !installed {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!in_ci, "CI must install kepler's processors (.ci/run runs npm ci --prefix tests/kepler)");
        eprintln!("skipping: tests/kepler/node_modules is not installed (npm ci --prefix tests/kepler)");
        return None;
    }
    let out = Command::new("node").arg(script).arg(file).arg(field).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn field<'a>(dataset: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    dataset["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name}: {dataset}"))
}

#[test]
fn kepler_plays_back_each_event_at_its_own_time() {
    let dir = tempfile::tempdir().unwrap();
    let d = common::bundled().dataset;
    let located = d.events.iter().filter(|e| e.place.is_some()).count();
    let undated =
        d.events.iter().filter(|e| e.place.is_some() && e.date.span().is_none_or(|(a, _)| a.is_open())).count();
    for (format, name) in [(Format::GeojsonEvents, "events.geojson"), (Format::Csv, "events.csv")] {
        let path = write(format, dir.path(), name);
        let Some(report) = kepler(&path, "start_ts") else { return };
        let report = &report["datasets"][0];
        let start = field(report, "start_ts");
        assert_eq!(start["type"], "timestamp", "{name}: {start}");
        assert_eq!(field(report, "end_ts")["type"], "timestamp", "{name}");
        let time = &report["timeField"];
        assert_eq!(time["filterType"], "timeRange", "{name}: kepler gives it a time filter with playback");
        // Every located event is a row; only those with no start of their own lack a time.
        let rows = report["rowCount"].as_u64().unwrap() as usize;
        let places_without_events = if format == Format::Csv {
            d.places.len()
                - d.places
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| d.events.iter().any(|e| e.place.map(|p| p.ix()) == Some(*i)))
                    .count()
        } else {
            0
        };
        assert_eq!(rows, located + places_without_events, "{name}");
        assert_eq!(time["nullCount"].as_u64().unwrap() as usize, undated + places_without_events, "{name}: {time}");
        assert!(time["min"].as_str().unwrap().starts_with("1904"), "{time}");
    }
}

#[test]
fn in_august_1945_kepler_sees_every_place_where_something_happened() {
    // The count: a place-per-row export showed 4 of the places active that month.
    let dir = tempfile::tempdir().unwrap();
    let d = common::bundled().dataset;
    let path = write(Format::GeojsonEvents, dir.path(), "events.geojson");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let (lo, hi) = ("1945-08-01T00:00:00Z", "1945-08-31T23:59:59Z");
    let mut active: Vec<&str> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let p = &f["properties"];
            let s = p["start_ts"].as_str().unwrap_or("0000");
            let e = p["end_ts"].as_str().unwrap_or("9999");
            !p["start_ts"].is_null() && s <= hi && e >= lo
        })
        .map(|f| f["properties"]["place_id"].as_str().unwrap())
        .collect();
    active.sort_unstable();
    active.dedup();
    let window = TimeFilter::window(TimeWindow::parse("1945-08").unwrap());
    let vis = crossings::query::visibility(&d, &window, &Default::default());
    let shown = d.places.iter().enumerate().filter(|(i, _)| vis.places[*i].is_shown()).count();
    assert!(active.len() >= 10, "{active:?}");
    assert!(active.len() <= shown, "never more places than the map shows: {} > {shown}", active.len());
    assert!(active.contains(&"harbin") && active.contains(&"quang-ngai") || active.contains(&"harbin"), "{active:?}");
}

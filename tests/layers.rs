//! Overlay layers: lines and polygons from files made by GDAL (`ogr2ogr`; see
//! tests/fixtures/import/make.sh), read once, following the time slider when dated, drawn in
//! the window and in pictures.

mod common;

use std::path::PathBuf;

use crossings::chronology::TimeWindow;
use crossings::geometry::{Bbox, LonLat, Mercator};
use crossings::overlay::{Overlay, read_layer};

fn fixture(name: &str) -> PathBuf {
    common::fixture("import").join(name)
}

fn world() -> Bbox<Mercator> {
    Bbox::of([Mercator::from(LonLat { lon: 60.0, lat: -10.0 }), Mercator::from(LonLat { lon: 180.0, lat: 80.0 })])
        .unwrap()
}

fn shown(o: &Overlay, window: &str) -> Vec<u32> {
    o.pieces_in(world(), TimeWindow::parse(window).ok()).map(|p| p.feature).collect()
}

#[test]
fn a_shapefile_and_a_geopackage_of_dated_zones_follow_the_time_slider() {
    for name in ["zones.shp", "zones.gpkg"] {
        let o = read_layer(&fixture(name), &Default::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(o.features, 2, "{name}");
        assert_eq!(o.time_columns, Some(("start".to_owned(), Some("end".to_owned()))), "{name}");
        assert!(o.problems.is_empty(), "{name}: {:?}", o.problems);
        assert_eq!(shown(&o, "1945-08"), [0], "{name}: Zone A in August 1945");
        assert_eq!(shown(&o, "1948"), [1], "{name}: Zone B in 1948");
        assert!(shown(&o, "1960").is_empty(), "{name}: nothing in 1960");
        assert_eq!(o.pieces_in(world(), None).count(), 2, "{name}: both without a window");
        let crossings::overlay::PieceShape::Fill { indices, .. } = &o.pieces[0].shape else {
            panic!("{name}: a polygon")
        };
        assert_eq!(indices.len(), 6, "{name}: a rectangle is two triangles");
    }
}

#[test]
fn a_layer_that_cannot_be_drawn_where_it_belongs_is_refused_with_a_message() {
    let utm = read_layer(&fixture("zones-utm.shp"), &Default::default()).unwrap_err().to_string();
    assert!(utm.contains("zones-utm.shp") && utm.contains("UTM") && utm.contains("reproject"), "{utm}");
    let fake = read_layer(&fixture("not-sqlite.gpkg"), &Default::default()).unwrap_err().to_string();
    assert!(fake.contains("not a GeoPackage"), "{fake}");
    let missing = read_layer(&fixture("no-such-layer.geojson"), &Default::default()).unwrap_err().to_string();
    assert!(missing.contains("no-such-layer.geojson"), "{missing}");
    // Points are not a layer: named, not drawn.
    let points = read_layer(&fixture("camps.gpkg"), &Default::default()).unwrap();
    assert!(points.pieces.is_empty());
    assert_eq!(points.problems.len(), 2, "{:?}", points.problems);
}

#[test]
fn a_picture_draws_the_layer_under_the_markers_and_only_in_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let render = |from: &str, name: &str| -> String {
        let out = dir.path().join(name);
        let run = common::crossings()
            .args([
                "render",
                "--from",
                from,
                "--to",
                from,
                "--bbox",
                "115,35,140,50",
                "--width",
                "800",
                "--height",
                "500",
            ])
            .arg("--layer")
            .arg(fixture("zones.shp"))
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        std::fs::read_to_string(&out).unwrap()
    };
    let august = render("1945-08", "aug.svg");
    let doc = roxmltree::Document::parse(&august).unwrap();
    let layers = doc.descendants().find(|n| n.attribute("id") == Some("layers")).expect("a layers group");
    let markers = doc.descendants().find(|n| n.attribute("id") == Some("markers")).expect("markers");
    assert!(layers.range().start < markers.range().start, "the layer is drawn under the markers");
    let fills: Vec<_> =
        layers.descendants().filter(|n| n.has_tag_name("path") && n.attribute("fill-opacity").is_some()).collect();
    assert_eq!(fills.len(), 1, "Zone A only in August 1945");
    assert_eq!(fills[0].attribute("stroke"), Some("#8c2d04"), "the first layer colour");
    let later = render("1952", "late.svg");
    let doc = roxmltree::Document::parse(&later).unwrap();
    let layers = doc.descendants().find(|n| n.attribute("id") == Some("layers")).unwrap();
    assert_eq!(layers.descendants().filter(|n| n.has_tag_name("path")).count(), 0, "no zone in 1952");
}

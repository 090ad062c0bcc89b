//! Reading a layer file into an [`Overlay`]: GeoJSON, GeoPackage (its first layer of lines or
//! polygons), KML and Shapefile. Each feature's properties are a row for the import's column
//! guessing, which finds the start and end (or date) columns; the geometry becomes pieces.

use std::path::Path;

use geo::Geometry;

use super::Overlay;
use crate::chronology::Day;
use crate::import::gis::{
    gpkg_columns, gpkg_error, gpkg_layers, kml_text, open_gpkg, parse_geojson, parse_kml, quote_ident, to_wgs84,
};
use crate::import::mapping::{Field, guess};
use crate::import::{ImportError, ImportLimits, Row, Value, check_file_size, read_date};

/// A feature before its time is known: its properties and its geometry (or why it has none).
struct Raw {
    props: Vec<(String, Value)>,
    geometry: Result<Option<Geometry<f64>>, String>,
}

fn unreadable(label: &str, message: String) -> ImportError {
    ImportError::Unreadable { file: label.to_owned(), line: None, message }
}

/// Reads a layer file.
///
/// # Errors
/// When the file cannot be read at all (missing, too large, not its format, a coordinate
/// system other than longitude/latitude or web mercator); a feature that cannot be used is a
/// problem in [`Overlay::problems`] instead.
pub fn read_layer(path: &Path, limits: &ImportLimits) -> Result<Overlay, ImportError> {
    let label = path.display().to_string();
    check_file_size(path, &label, limits)?;
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let file_name = path.file_name().map_or(label.clone(), |n| n.to_string_lossy().into_owned());
    let (name, raws) = match ext.as_str() {
        "geojson" | "json" => (file_name, geojson(path, &label, limits)?),
        "kml" => (file_name, kml(path, &label, limits)?),
        "gpkg" => {
            let (layer, raws) = gpkg(path, &label, limits)?;
            (format!("{file_name} ({layer})"), raws)
        }
        "shp" => (file_name, shp(path, &label, limits)?),
        _ => return Err(ImportError::Unsupported { file: label }),
    };
    Ok(build(&label, name, raws))
}

/// Finds the date columns and turns each feature into pieces.
fn build(label: &str, name: String, raws: Vec<Raw>) -> Overlay {
    let mut headers: Vec<String> = Vec::new();
    for r in &raws {
        for (k, _) in &r.props {
            if !headers.contains(k) {
                headers.push(k.clone());
            }
        }
    }
    let row_of = |i: usize, r: &Raw| {
        let mut cells = vec![Value::Empty; headers.len()];
        for (k, v) in &r.props {
            if let Some(ix) = headers.iter().position(|h| h == k) {
                cells[ix] = v.clone();
            }
        }
        Row { number: i + 1, cells, problem: None }
    };
    let sample: Vec<Row> =
        raws.iter().take(crate::import::SAMPLE_ROWS).enumerate().map(|(i, r)| row_of(i, r)).collect();
    let mapping = guess(&headers, &sample);
    let col = |f: Field| mapping.get(f).and_then(|c| headers.iter().position(|h| h == c));
    let (start, end) = match (col(Field::Start), col(Field::Date), col(Field::End)) {
        (Some(s), _, e) => (Some(s), e),
        (None, Some(d), e) => (Some(d), e),
        (None, None, e) => (None, e),
    };
    let mut overlay = Overlay { name, ..Default::default() };
    if start.is_some() || end.is_some() {
        overlay.time_columns =
            Some((start.map(|i| headers[i].clone()).unwrap_or_default(), end.map(|i| headers[i].clone())));
    }
    for (i, raw) in raws.iter().enumerate() {
        overlay.features += 1;
        let geometry = match &raw.geometry {
            Ok(Some(g)) => g,
            Ok(None) => {
                overlay.problems.push(format!("{label}:{}: the feature has no geometry", i + 1));
                continue;
            }
            Err(e) => {
                overlay.problems.push(format!("{label}:{}: {e}", i + 1));
                continue;
            }
        };
        let row = row_of(i, raw);
        let mut day = |ix: Option<usize>, first: bool| -> Option<Day> {
            let cell = row.cells.get(ix?)?;
            match read_date(cell) {
                Ok(Some(r)) => r.date.span().map(|(a, b)| if first { a } else { b }),
                Ok(None) => None,
                Err(e) => {
                    overlay.problems.push(format!(
                        "{label}:{}:{}: {e}; the feature shows at every time",
                        i + 1,
                        headers[ix?]
                    ));
                    None
                }
            }
        };
        let a = day(start, true);
        // A start alone covers what its own text covers ("1945" is the whole year).
        let b = if end.is_some() { day(end, false) } else { day(start, false) };
        let span = match (a, b) {
            (None, None) => None,
            (a, b) => Some((a.unwrap_or(Day::MIN), b.unwrap_or(Day::MAX))),
        };
        if overlay.add(i as u32, geometry, span) == 0 {
            overlay
                .problems
                .push(format!("{label}:{}: a point, not a line or polygon; left out (import points as places)", i + 1));
        }
    }
    overlay
}

fn geojson(path: &Path, label: &str, limits: &ImportLimits) -> Result<Vec<Raw>, ImportError> {
    let gj = parse_geojson(path, label, limits)?;
    let features = match gj {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(g) => vec![geojson::Feature { geometry: Some(g), ..Default::default() }],
    };
    if features.len() > limits.rows {
        return Err(ImportError::TooManyRows { file: label.to_owned(), limit: limits.rows });
    }
    Ok(features
        .into_iter()
        .map(|f| Raw {
            props: f
                .properties
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), crate::import::gis::json_value(v, limits.string_bytes)))
                .collect(),
            geometry: f.geometry.map(|g| Geometry::<f64>::try_from(g).map_err(|e| e.to_string())).transpose(),
        })
        .collect())
}

fn coords(text: &str) -> Vec<geo::Coord<f64>> {
    text.split_whitespace()
        .filter_map(|t| {
            let mut it = t.split(',').filter_map(|n| n.parse::<f64>().ok());
            Some(geo::Coord { x: it.next()?, y: it.next()? })
        })
        .collect()
}

fn kml_geometry(node: roxmltree::Node<'_, '_>) -> Option<Geometry<f64>> {
    let text_of = |n: roxmltree::Node<'_, '_>| {
        n.descendants().find(|c| c.has_tag_name("coordinates")).and_then(|c| c.text()).map(coords).unwrap_or_default()
    };
    match node.tag_name().name() {
        "LineString" | "LinearRing" => Some(Geometry::LineString(geo::LineString::new(text_of(node)))),
        "Polygon" => {
            let ring = |which: &str| -> Vec<geo::LineString<f64>> {
                node.children().filter(|c| c.has_tag_name(which)).map(|b| geo::LineString::new(text_of(b))).collect()
            };
            let outer = ring("outerBoundaryIs").into_iter().next()?;
            Some(Geometry::Polygon(geo::Polygon::new(outer, ring("innerBoundaryIs"))))
        }
        "MultiGeometry" => Some(Geometry::GeometryCollection(geo::GeometryCollection(
            node.children().filter(|c| c.is_element()).filter_map(kml_geometry).collect(),
        ))),
        "Point" => text_of(node).first().map(|c| Geometry::Point(geo::Point(*c))),
        _ => None,
    }
}

fn kml(path: &Path, label: &str, limits: &ImportLimits) -> Result<Vec<Raw>, ImportError> {
    let text = kml_text(path, label, limits)?;
    let doc = parse_kml(&text, label, limits)?;
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.descendants()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let mut out = Vec::new();
    for pm in doc.descendants().filter(|n| n.has_tag_name("Placemark")) {
        if out.len() >= limits.rows {
            return Err(ImportError::TooManyRows { file: label.to_owned(), limit: limits.rows });
        }
        let mut props = Vec::new();
        for (k, v) in [
            ("name", child(pm, "name")),
            ("begin", child(pm, "begin")),
            ("end", child(pm, "end")),
            ("when", child(pm, "when")),
        ] {
            if let Some(v) = v {
                props.push((k.to_owned(), Value::Text(v)));
            }
        }
        let geometry = pm.children().filter(|c| c.is_element()).find_map(kml_geometry);
        out.push(Raw { props, geometry: Ok(geometry) });
    }
    Ok(out)
}

fn gpkg(path: &Path, label: &str, limits: &ImportLimits) -> Result<(String, Vec<Raw>), ImportError> {
    let conn = open_gpkg(path, label, limits)?;
    let layers = gpkg_layers(&conn, label)?;
    let layer = layers
        .iter()
        .find(|l| !l.kind.contains("POINT"))
        .or(layers.first())
        .cloned()
        .ok_or_else(|| unreadable(label, "the GeoPackage has no feature layer".into()))?;
    to_wgs84(Geometry::Point(geo::Point::new(0.0, 0.0)), layer.epsg, &layer.table).map_err(|e| unreadable(label, e))?;
    let columns = gpkg_columns(&conn, &layer, label)?;
    let select: Vec<String> = columns.iter().map(|c| quote_ident(c)).chain([quote_ident(&layer.column)]).collect();
    let sql = format!("SELECT {} FROM {} LIMIT ?1", select.join(", "), quote_ident(&layer.table));
    let mut stmt = conn.prepare(&sql).map_err(|e| gpkg_error(label, e))?;
    let mut rows = stmt.query([limits.rows as i64 + 1]).map_err(|e| gpkg_error(label, e))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(|e| gpkg_error(label, e))? {
        if out.len() >= limits.rows {
            return Err(ImportError::TooManyRows { file: label.to_owned(), limit: limits.rows });
        }
        let mut props = Vec::new();
        for (i, c) in columns.iter().enumerate() {
            let v = match r.get_ref(i).map_err(|e| gpkg_error(label, e))? {
                rusqlite::types::ValueRef::Integer(n) => Value::Number(n as f64),
                rusqlite::types::ValueRef::Real(x) => Value::Number(x),
                rusqlite::types::ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                _ => Value::Empty,
            };
            props.push((c.clone(), v));
        }
        let blob: Option<Vec<u8>> = r.get(columns.len()).map_err(|e| gpkg_error(label, e))?;
        let geometry = blob
            .map(|b| crate::import::wkb::gpkg_geometry(&b))
            .transpose()
            .map(Option::flatten)
            .and_then(|g| g.map(|g| to_wgs84(g, layer.epsg, &layer.table)).transpose());
        out.push(Raw { props, geometry });
    }
    Ok((layer.table, out))
}

fn shp(path: &Path, label: &str, limits: &ImportLimits) -> Result<Vec<Raw>, ImportError> {
    let dbf = path.with_extension("dbf");
    if dbf.exists() {
        check_file_size(&dbf, &dbf.display().to_string(), limits)?;
    }
    // The coordinate system, from the .prj beside it: longitude/latitude, or web mercator.
    let epsg = match std::fs::read_to_string(path.with_extension("prj")) {
        Err(_) => Some(4326),
        Ok(wkt) if !wkt.contains("PROJCS") => Some(4326),
        Ok(wkt)
            if wkt.contains("Pseudo-Mercator")
                || wkt.contains("Mercator_Auxiliary_Sphere")
                || wkt.contains("Popular Visualisation") =>
        {
            Some(3857)
        }
        Ok(wkt) => {
            let name = wkt.split('"').nth(1).unwrap_or("a projected system").to_owned();
            return Err(unreadable(
                label,
                format!(
                    "the layer is in {name}; reproject it to longitude/latitude first (ogr2ogr -t_srs EPSG:4326 out.shp in.shp)"
                ),
            ));
        }
    };
    let mut reader = ::shapefile::Reader::from_path(path)
        .map_err(|e| unreadable(label, format!("not a readable Shapefile: {e}")))?;
    let mut out = Vec::new();
    for item in reader.iter_shapes_and_records() {
        if out.len() >= limits.rows {
            return Err(ImportError::TooManyRows { file: label.to_owned(), limit: limits.rows });
        }
        let (shape, record) = item.map_err(|e| unreadable(label, format!("feature {}: {e}", out.len() + 1)))?;
        let props = record
            .into_iter()
            .map(|(k, v)| {
                use ::shapefile::dbase::FieldValue as F;
                let value = match v {
                    F::Character(Some(s)) | F::Memo(s) => Value::Text(s),
                    F::Numeric(Some(n)) | F::Double(n) | F::Currency(n) => Value::Number(n),
                    F::Float(Some(n)) => Value::Number(f64::from(n)),
                    F::Integer(n) => Value::Number(f64::from(n)),
                    F::Logical(Some(b)) => Value::Bool(b),
                    F::Date(Some(d)) => {
                        Day::from_ymd(d.year() as i32, d.month(), d.day()).map_or(Value::Empty, Value::Date)
                    }
                    _ => Value::Empty,
                };
                (k, value)
            })
            .collect();
        let geometry = match shape {
            ::shapefile::Shape::NullShape => Ok(None),
            s => shape_geometry(s).and_then(|g| to_wgs84(g, epsg, label)).map(Some),
        };
        out.push(Raw { props, geometry });
    }
    Ok(out)
}

/// A Shapefile shape as a geometry (Z and M dropped): lines, polygons (an outer ring starts a
/// polygon, inner rings are its holes), points.
fn shape_geometry(shape: ::shapefile::Shape) -> Result<Geometry<f64>, String> {
    use ::shapefile::{PolygonRing, Shape};
    fn lines<P>(parts: &[Vec<P>], xy: impl Fn(&P) -> geo::Coord<f64>) -> Geometry<f64> {
        Geometry::MultiLineString(geo::MultiLineString(
            parts.iter().map(|p| geo::LineString::new(p.iter().map(&xy).collect())).collect(),
        ))
    }
    fn polygons<P>(rings: &[PolygonRing<P>], xy: impl Fn(&P) -> geo::Coord<f64>) -> Geometry<f64> {
        let mut out: Vec<geo::Polygon<f64>> = Vec::new();
        for ring in rings {
            let line = |pts: &[P]| geo::LineString::new(pts.iter().map(&xy).collect());
            match ring {
                PolygonRing::Outer(pts) => out.push(geo::Polygon::new(line(pts), Vec::new())),
                PolygonRing::Inner(pts) => {
                    if let Some(last) = out.last_mut() {
                        last.interiors_push(line(pts));
                    }
                }
            }
        }
        Geometry::MultiPolygon(geo::MultiPolygon(out))
    }
    let c = |x: f64, y: f64| geo::Coord { x, y };
    Ok(match shape {
        Shape::Polyline(l) => lines(l.parts(), |p| c(p.x, p.y)),
        Shape::PolylineM(l) => lines(l.parts(), |p| c(p.x, p.y)),
        Shape::PolylineZ(l) => lines(l.parts(), |p| c(p.x, p.y)),
        Shape::Polygon(g) => polygons(g.rings(), |p| c(p.x, p.y)),
        Shape::PolygonM(g) => polygons(g.rings(), |p| c(p.x, p.y)),
        Shape::PolygonZ(g) => polygons(g.rings(), |p| c(p.x, p.y)),
        Shape::Point(p) => Geometry::Point(geo::Point(c(p.x, p.y))),
        Shape::PointM(p) => Geometry::Point(geo::Point(c(p.x, p.y))),
        Shape::PointZ(p) => Geometry::Point(geo::Point(c(p.x, p.y))),
        other => return Err(format!("a {} shape is not drawn (lines and polygons are)", other.shapetype())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kml_polygons_with_holes_and_multigeometries_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("zones.kml");
        std::fs::write(
            &p,
            r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
            <Placemark><name>A</name><TimeSpan><begin>1945-08-09</begin><end>1945-09-02</end></TimeSpan>
              <Polygon><outerBoundaryIs><LinearRing><coordinates>120,40 130,40 130,48 120,48 120,40</coordinates></LinearRing></outerBoundaryIs>
              <innerBoundaryIs><LinearRing><coordinates>124,43 126,43 126,45 124,45 124,43</coordinates></LinearRing></innerBoundaryIs></Polygon></Placemark>
            <Placemark><name>Rail</name><MultiGeometry><LineString><coordinates>126.6,45.7 123.4,41.8</coordinates></LineString>
              <LineString><coordinates>123.4,41.8 121.6,38.9</coordinates></LineString></MultiGeometry></Placemark>
            <Placemark><name>Dot</name><Point><coordinates>1,2</coordinates></Point></Placemark>
            </Document></kml>"#,
        )
        .unwrap();
        let o = read_layer(&p, &ImportLimits::default()).unwrap();
        assert_eq!(o.features, 3);
        assert_eq!(o.pieces.len(), 3, "one polygon, two lines");
        let super::super::PieceShape::Fill { rings, indices, .. } = &o.pieces[0].shape else { panic!("a fill first") };
        assert_eq!(rings.len(), 2, "the hole is kept");
        assert!(indices.len() >= 3 * 8, "a square with a hole needs at least 8 triangles");
        assert_eq!(o.pieces[0].span, Some((Day::from_ymd(1945, 8, 9).unwrap(), Day::from_ymd(1945, 9, 2).unwrap())));
        assert_eq!(o.pieces[1].span, None);
        assert!(o.problems.iter().any(|p| p.contains(":3: a point")), "{:?}", o.problems);
    }
}

//! GIS files as tables: GeoJSON FeatureCollections, KML placemarks and GeoPackage point
//! layers. Each feature is a row; its properties are columns, and its point becomes two more
//! columns, `longitude` and `latitude`. A feature that is not a point is a problem for its row.

use std::path::Path;

use geo::Geometry;

use super::table::{FileKind, Row, Table, TableInfo, Value, clean_headers};
use super::{ImportError, ImportLimits};

/// The columns a feature's point is given.
pub const LON: &str = "longitude";
/// See [`LON`].
pub const LAT: &str = "latitude";

fn info(label: &str, kind: FileKind, sheet: Option<String>, other_sheets: Vec<String>) -> TableInfo {
    TableInfo { file: label.to_owned(), kind, encoding: None, encoding_by: None, delimiter: None, sheet, other_sheets }
}

/// A feature's point `(lon, lat)`, none, or why it has none that can be used.
type FeaturePoint = Result<Option<(f64, f64)>, String>;

/// Rows built from features: property maps in feature order, plus each one's point.
struct Features {
    headers: Vec<String>,
    rows: Vec<(Vec<(String, Value)>, FeaturePoint)>,
    /// The longest text kept in a cell; a longer one is cut, and the cut said on its row.
    max_string: usize,
}

impl Features {
    fn into_table(self, info: TableInfo) -> Table {
        let mut names = self.headers;
        let (lon, lat) = (unique(&names, LON), unique(&names, LAT));
        names.push(lon);
        names.push(lat);
        let headers = clean_headers(names);
        let width = headers.len();
        let cols = headers.clone();
        let max = self.max_string;
        let rows = self.rows.into_iter().enumerate().map(move |(i, (props, point))| {
            let mut cells = vec![Value::Empty; width];
            let mut problems = Vec::new();
            for (k, v) in props {
                if let Some(ix) = cols.iter().position(|h| *h == k) {
                    cells[ix] = match v {
                        Value::Text(t) if t.len() > max => {
                            problems.push(cut_property(&k, t.len(), max));
                            Value::Text(super::delimited::truncate(&t, max))
                        }
                        v => v,
                    };
                }
            }
            match point {
                Ok(Some((x, y))) => {
                    cells[width - 2] = Value::Number(x);
                    cells[width - 1] = Value::Number(y);
                }
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
            let problem = (!problems.is_empty()).then(|| problems.join("; "));
            Ok(Row { number: i + 1, cells, problem })
        });
        Table { info, headers, rows: Box::new(rows), rows_hint: 0 }
    }
}

/// What is said of a property cut to the length limit (the row is used with the cut text).
fn cut_property(name: &str, bytes: usize, max: usize) -> String {
    format!("the '{name}' value holds {bytes} bytes; only the first {max} are kept")
}

/// `longitude`, or `longitude (point)` when a property has that name already.
fn unique(names: &[String], base: &str) -> String {
    if names.iter().any(|n| n == base) { format!("{base} (point)") } else { base.to_owned() }
}

/// The point of a geometry, or why it gives none.
fn point_of(g: Option<&Geometry<f64>>) -> Result<Option<(f64, f64)>, String> {
    match g {
        None => Ok(None),
        Some(Geometry::Point(p)) => Ok(Some((p.x(), p.y()))),
        Some(Geometry::MultiPoint(mp)) if mp.0.len() == 1 => Ok(Some((mp.0[0].x(), mp.0[0].y()))),
        Some(other) => {
            let kind = match other {
                Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_) => "a line",
                Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => {
                    "a polygon"
                }
                _ => "not a single point",
            };
            Err(format!(
                "the feature is {kind}; only points become places (File > Add layer… draws lines and polygons)"
            ))
        }
    }
}

/// A GeoJSON property as a cell (lists and objects as their JSON text).
pub fn json_value(v: &serde_json::Value, max: usize) -> Value {
    match v {
        serde_json::Value::Null => Value::Empty,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map_or(Value::Empty, Value::Number),
        serde_json::Value::String(s) if s.trim().is_empty() => Value::Empty,
        serde_json::Value::String(s) => Value::Text(super::delimited::truncate(s, max)),
        // Lists and objects: as their JSON, so nothing is silently lost.
        other => Value::Text(super::delimited::truncate(&other.to_string(), max)),
    }
}

/// A GeoJSON file read whole (within the size limit) and parsed; shared with the overlay
/// layers' reader.
pub fn parse_geojson(path: &Path, label: &str, limits: &ImportLimits) -> Result<geojson::GeoJson, ImportError> {
    super::check_file_size(path, label, limits)?;
    let bytes = std::fs::read(path).map_err(|e| ImportError::io(label, e))?;
    serde_json::from_slice(&bytes).map_err(|e| ImportError::Unreadable {
        file: label.to_owned(),
        line: Some(e.line()),
        message: format!("not GeoJSON: {e}"),
    })
}

/// A KML file read (within the size limit) as UTF-8 text; [`parse_kml`] parses it.
pub fn kml_text(path: &Path, label: &str, limits: &ImportLimits) -> Result<String, ImportError> {
    super::check_file_size(path, label, limits)?;
    let bytes = std::fs::read(path).map_err(|e| ImportError::io(label, e))?;
    String::from_utf8(bytes).map_err(|e| ImportError::Unreadable {
        file: label.to_owned(),
        line: None,
        message: format!("KML must be UTF-8: {e}"),
    })
}

/// KML parsed with no document type declaration allowed (it can declare entities that would
/// read other files, and KML never needs one) and a node limit from the row limit; shared
/// with the overlay layers' reader.
pub fn parse_kml<'t>(
    text: &'t str,
    label: &str,
    limits: &ImportLimits,
) -> Result<roxmltree::Document<'t>, ImportError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::try_from(limits.rows.saturating_mul(64)).unwrap_or(u32::MAX),
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let message = match e {
            roxmltree::Error::DtdDetected => "the file has a document type declaration (<!DOCTYPE>); it is refused, since it can make a reader fetch other files, and KML needs none".to_owned(),
            other => format!("not well-formed XML: {other}"),
        };
        ImportError::Unreadable { file: label.to_owned(), line: None, message }
    })
}

/// A GeoJSON FeatureCollection (or a single Feature).
pub fn geojson(path: &Path, label: &str, limits: &ImportLimits) -> Result<Table, ImportError> {
    let bad = |message: String| ImportError::Unreadable { file: label.to_owned(), line: None, message };
    let features = match parse_geojson(path, label, limits)? {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(_) => {
            return Err(bad("a bare geometry has no properties; a FeatureCollection is needed".into()));
        }
    };
    if features.len() > limits.rows {
        return Err(ImportError::TooManyRows { file: label.to_owned(), limit: limits.rows });
    }
    let mut f =
        Features { headers: Vec::new(), rows: Vec::with_capacity(features.len()), max_string: limits.string_bytes };
    for feat in features {
        let mut props = Vec::new();
        if let Some(id) = &feat.id {
            let id = match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => n.to_string(),
            };
            if !f.headers.iter().any(|h| h == "id") {
                f.headers.push("id".into());
            }
            props.push(("id".to_owned(), Value::Text(id)));
        }
        for (k, v) in feat.properties.iter().flatten() {
            if !f.headers.contains(k) {
                if f.headers.len() >= limits.columns {
                    return Err(ImportError::TooManyColumns {
                        file: label.to_owned(),
                        columns: f.headers.len() + 1,
                        limit: limits.columns,
                    });
                }
                f.headers.push(k.clone());
            }
            // Cut (and said to be) where the table is made.
            props.push((k.clone(), json_value(v, usize::MAX)));
        }
        let geometry = feat.geometry.map(|g| Geometry::<f64>::try_from(g).map_err(|e| e.to_string()));
        let point = match geometry {
            None => Ok(None),
            Some(Err(e)) => Err(e),
            Some(Ok(g)) => point_of(Some(&g)),
        };
        f.rows.push((props, point));
    }
    Ok(f.into_table(info(label, FileKind::GeoJson, None, Vec::new())))
}

/// KML placemarks: name, description, TimeStamp `when`, TimeSpan `begin` and `end`, and
/// ExtendedData. A document type declaration is refused: it can declare entities that would
/// read other files, and KML never needs one.
pub fn kml(path: &Path, label: &str, limits: &ImportLimits) -> Result<Table, ImportError> {
    let text = kml_text(path, label, limits)?;
    let doc = parse_kml(&text, label, limits)?;
    let child_text = |n: roxmltree::Node<'_, '_>, name: &str| -> Option<String> {
        n.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let mut f = Features {
        headers: ["name", "description", "when", "begin", "end"].map(String::from).to_vec(),
        rows: Vec::new(),
        max_string: limits.string_bytes,
    };
    for pm in doc.descendants().filter(|n| n.has_tag_name("Placemark")) {
        if f.rows.len() >= limits.rows {
            return Err(ImportError::TooManyRows { file: label.to_owned(), limit: limits.rows });
        }
        let mut props: Vec<(String, Value)> = Vec::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                props.push((k.to_owned(), Value::Text(v)));
            }
        };
        put("name", child_text(pm, "name"));
        put("description", child_text(pm, "description"));
        if let Some(ts) = pm.children().find(|c| c.has_tag_name("TimeStamp")) {
            put("when", child_text(ts, "when"));
        }
        if let Some(span) = pm.children().find(|c| c.has_tag_name("TimeSpan")) {
            put("begin", child_text(span, "begin"));
            put("end", child_text(span, "end"));
        }
        if let Some(ext) = pm.children().find(|c| c.has_tag_name("ExtendedData")) {
            for d in ext.descendants().filter(|n| n.has_tag_name("Data") || n.has_tag_name("SimpleData")) {
                let Some(name) = d.attribute("name") else { continue };
                let value =
                    if d.has_tag_name("Data") { child_text(d, "value") } else { d.text().map(|t| t.trim().to_owned()) };
                if !f.headers.iter().any(|h| h == name) {
                    if f.headers.len() >= limits.columns {
                        return Err(ImportError::TooManyColumns {
                            file: label.to_owned(),
                            columns: f.headers.len() + 1,
                            limit: limits.columns,
                        });
                    }
                    f.headers.push(name.to_owned());
                }
                props.push((name.to_owned(), value.map_or(Value::Empty, Value::Text)));
            }
        }
        let point = if let Some(p) = pm.descendants().find(|n| n.has_tag_name("Point")) {
            let coords = child_text(p, "coordinates").unwrap_or_default();
            let nums: Vec<f64> =
                coords.split([',', ' ', '\n', '\t']).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
            match nums.as_slice() {
                [lon, lat, ..] => Ok(Some((*lon, *lat))),
                _ => Err(format!("the Point's coordinates '{coords}' are not 'longitude,latitude'")),
            }
        } else if pm
            .descendants()
            .any(|n| n.has_tag_name("LineString") || n.has_tag_name("Polygon") || n.has_tag_name("LinearRing"))
        {
            Err("the placemark is a line or polygon; only points become places (File > Add layer… draws lines and polygons)".to_owned())
        } else {
            Ok(None)
        };
        f.rows.push((props, point));
    }
    Ok(f.into_table(info(label, FileKind::Kml, None, Vec::new())))
}

/// The SQLite file header every GeoPackage starts with.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// A GeoPackage opened read-only, after checking it is SQLite at all.
pub fn open_gpkg(path: &Path, label: &str, limits: &ImportLimits) -> Result<rusqlite::Connection, ImportError> {
    use std::io::Read;
    let io = |e| ImportError::io(label, e);
    super::check_file_size(path, label, limits)?;
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut magic = [0u8; 16];
    if file.read_exact(&mut magic).is_err() || &magic != SQLITE_MAGIC {
        return Err(ImportError::Unreadable {
            file: label.to_owned(),
            line: None,
            message: "not a GeoPackage: a GeoPackage is an SQLite database, and this file does not start like one"
                .to_owned(),
        });
    }
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(|e| gpkg_error(label, e))?;
    // A hostile file must not make a query run for ever.
    let _ = conn.pragma_update(None, "query_only", true);
    Ok(conn)
}

/// A GeoPackage's SQLite error, with the file named.
pub fn gpkg_error(label: &str, e: rusqlite::Error) -> ImportError {
    ImportError::Unreadable { file: label.to_owned(), line: None, message: format!("cannot read the GeoPackage: {e}") }
}

/// A GeoPackage layer's name, geometry column, geometry type and EPSG code.
#[derive(Clone, Debug)]
pub struct GpkgLayer {
    /// Table name.
    pub table: String,
    /// Geometry column.
    pub column: String,
    /// `POINT`, `MULTIPOLYGON`, ...
    pub kind: String,
    /// The coordinate system's EPSG code, when it has one.
    pub epsg: Option<i64>,
}

/// The layers of a GeoPackage (its feature tables).
pub fn gpkg_layers(conn: &rusqlite::Connection, label: &str) -> Result<Vec<GpkgLayer>, ImportError> {
    let mut stmt = conn
        .prepare(
            "SELECT g.table_name, g.column_name, g.geometry_type_name, s.organization, s.organization_coordsys_id, g.srs_id \
             FROM gpkg_geometry_columns g LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id ORDER BY g.table_name",
        )
        .map_err(|e| gpkg_error(label, e))?;
    let rows = stmt
        .query_map([], |r| {
            let org: Option<String> = r.get(3)?;
            let code: Option<i64> = r.get(4)?;
            let srs: i64 = r.get(5)?;
            let epsg = match (org.as_deref().map(str::to_ascii_uppercase).as_deref(), code) {
                (Some("EPSG"), Some(c)) => Some(c),
                _ if srs == 4326 => Some(4326),
                _ => None,
            };
            Ok(GpkgLayer {
                table: r.get(0)?,
                column: r.get(1)?,
                kind: r.get::<_, String>(2)?.to_ascii_uppercase(),
                epsg,
            })
        })
        .map_err(|e| gpkg_error(label, e))?;
    rows.collect::<Result<Vec<_>, _>>().map_err(|e| gpkg_error(label, e))
}

/// A layer's columns other than its geometry, in table order.
pub fn gpkg_columns(conn: &rusqlite::Connection, layer: &GpkgLayer, label: &str) -> Result<Vec<String>, ImportError> {
    let mut stmt =
        conn.prepare(&format!("PRAGMA table_info({})", quote_ident(&layer.table))).map_err(|e| gpkg_error(label, e))?;
    let names = stmt.query_map([], |r| r.get::<_, String>(1)).map_err(|e| gpkg_error(label, e))?;
    let mut columns = Vec::new();
    for n in names {
        let n = n.map_err(|e| gpkg_error(label, e))?;
        if n != layer.column {
            columns.push(n);
        }
    }
    Ok(columns)
}

/// Degrees from web-mercator metres (EPSG:3857), the other system GIS files often use.
pub fn from_web_mercator(x: f64, y: f64) -> (f64, f64) {
    const R: f64 = 6_378_137.0;
    let lon = (x / R).to_degrees();
    let lat = (2.0 * (y / R).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees();
    (lon, lat)
}

/// Reprojects a geometry to longitude/latitude, or says why it cannot.
pub fn to_wgs84(g: Geometry<f64>, epsg: Option<i64>, layer: &str) -> Result<Geometry<f64>, String> {
    use geo::MapCoords;
    match epsg {
        Some(4326) | Some(4979) | Some(4258) => Ok(g),
        Some(3857) | Some(900913) => Ok(g.map_coords(|c| {
            let (x, y) = from_web_mercator(c.x, c.y);
            geo::Coord { x, y }
        })),
        Some(code) => Err(format!(
            "layer '{layer}' is in EPSG:{code}; reproject it to EPSG:4326 first (ogr2ogr -t_srs EPSG:4326 out.gpkg in.gpkg)"
        )),
        None => Err(format!("layer '{layer}' has no EPSG coordinate system; reproject it to EPSG:4326 first")),
    }
}

/// An SQL identifier quoted (a table or column name from the file).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The columns of a Crossings GeoPackage's events joined to their places, named as the CSV
/// export names them (so one mapping guess serves both).
const CROSSINGS_EVENT_COLUMNS: [(&str, &str); 20] = [
    ("e.event_id", "event_id"),
    ("e.date", "date"),
    ("e.not_before", "not_before"),
    ("e.not_after", "not_after"),
    ("e.date_basis", "date_basis"),
    ("e.bounds_basis", "bounds_basis"),
    ("e.place_basis", "place_basis"),
    ("e.title", "title"),
    ("e.summary", "summary"),
    ("e.theme", "theme"),
    ("e.people", "people"),
    ("coalesce(e.sources, p.sources)", "sources"),
    ("e.note", "note"),
    ("p.place_id", "place_id"),
    ("p.name", "place"),
    ("p.names", "names"),
    ("p.country", "country"),
    ("p.precision", "precision"),
    ("p.category", "place_category"),
    ("p.note", "place_note"),
];

/// True when the file is a GeoPackage Crossings wrote: a `places` layer and an `events`
/// table joined on `place_id`.
fn is_crossings_layout(conn: &rusqlite::Connection, layers: &[GpkgLayer]) -> bool {
    let has =
        |table: &str, column: &str| -> bool { conn.prepare(&format!("SELECT {column} FROM {table} LIMIT 0")).is_ok() };
    layers.iter().any(|l| l.table == "places" && l.column == "geom")
        && has("events", "event_id, place_id, date, title")
        && has("places", "place_id, sources")
}

/// Rows read in pages of 4096 by a key (the first selected column), query after query; each
/// query selects the key, `width` values, then a geometry blob.
struct Paged {
    conn: rusqlite::Connection,
    queries: Vec<String>,
    width: usize,
    /// The `width` values' column names (to name a cut value).
    names: Vec<String>,
    epsg: Option<i64>,
    layer: String,
    label: String,
    max_string: usize,
    max_rows: usize,
}

impl Paged {
    fn rows(self) -> impl Iterator<Item = Result<Row, ImportError>> + Send {
        let Paged { conn, queries, width, names, epsg, layer, label, max_string, max_rows } = self;
        let mut query = 0usize;
        let mut last: i64 = i64::MIN;
        let mut page: std::vec::IntoIter<Row> = Vec::new().into_iter();
        let mut count = 0usize;
        std::iter::from_fn(move || {
            loop {
                if let Some(r) = page.next() {
                    count += 1;
                    if count > max_rows {
                        return Some(Err(ImportError::TooManyRows { file: label.clone(), limit: max_rows }));
                    }
                    return Some(Ok(r));
                }
                let sql = queries.get(query)?;
                let fetched: Result<Vec<Row>, rusqlite::Error> = (|| {
                    let mut stmt = conn.prepare_cached(sql)?;
                    let mut out = Vec::new();
                    let mut q = stmt.query([last])?;
                    while let Some(r) = q.next()? {
                        let key: i64 = r.get(0)?;
                        last = key;
                        let mut cells = Vec::with_capacity(width + 2);
                        let mut problems = Vec::new();
                        for i in 0..width {
                            cells.push(match r.get_ref(i + 1)? {
                                rusqlite::types::ValueRef::Null | rusqlite::types::ValueRef::Blob(_) => Value::Empty,
                                rusqlite::types::ValueRef::Integer(n) => Value::Number(n as f64),
                                rusqlite::types::ValueRef::Real(x) => Value::Number(x),
                                rusqlite::types::ValueRef::Text(t) => {
                                    let s = String::from_utf8_lossy(t);
                                    if s.trim().is_empty() {
                                        Value::Empty
                                    } else {
                                        if s.len() > max_string {
                                            let name = names.get(i).map_or("", String::as_str);
                                            problems.push(cut_property(name, s.len(), max_string));
                                        }
                                        Value::Text(super::delimited::truncate(&s, max_string))
                                    }
                                }
                            });
                        }
                        let blob: Option<Vec<u8>> = r.get(width + 1)?;
                        let geometry = blob.map(|b| super::wkb::gpkg_geometry(&b)).transpose().map(Option::flatten);
                        let point = geometry
                            .and_then(|g| g.map(|g| to_wgs84(g, epsg, &layer)).transpose())
                            .and_then(|g| point_of(g.as_ref()));
                        match point {
                            Ok(Some((x, y))) => cells.extend([Value::Number(x), Value::Number(y)]),
                            Ok(None) => cells.extend([Value::Empty, Value::Empty]),
                            Err(e) => {
                                problems.push(e);
                                cells.extend([Value::Empty, Value::Empty]);
                            }
                        }
                        let problem = (!problems.is_empty()).then(|| problems.join("; "));
                        out.push(Row { number: usize::try_from(key).unwrap_or(0), cells, problem });
                    }
                    Ok(out)
                })();
                match fetched {
                    Ok(rows) if rows.is_empty() => {
                        query += 1;
                        last = i64::MIN;
                    }
                    Ok(rows) => page = rows.into_iter(),
                    Err(e) => {
                        query = queries.len();
                        return Some(Err(gpkg_error(&label, e)));
                    }
                }
            }
        })
    }
}

/// A GeoPackage point layer (the named one, or the first point layer) as a table, read in
/// pages by row id so memory does not grow with the layer. A GeoPackage Crossings wrote is
/// read whole: each event joined to its place, then each place without events.
pub fn gpkg(path: &Path, label: &str, layer: Option<&str>, limits: &ImportLimits) -> Result<Table, ImportError> {
    let conn = open_gpkg(path, label, limits)?;
    let layers = gpkg_layers(&conn, label)?;
    let names: Vec<String> = layers.iter().map(|l| l.table.clone()).collect();
    if layer.is_none() && is_crossings_layout(&conn, &layers) {
        let epsg = layers.iter().find(|l| l.table == "places").and_then(|l| l.epsg);
        let values: Vec<&str> = CROSSINGS_EVENT_COLUMNS.iter().map(|(sql, _)| *sql).collect();
        let as_place_only: Vec<String> = CROSSINGS_EVENT_COLUMNS
            .iter()
            .map(|(sql, _)| {
                if sql.starts_with("e.") {
                    "NULL".to_owned()
                } else {
                    sql.replace("coalesce(e.sources, p.sources)", "p.sources")
                }
            })
            .collect();
        let queries = vec![
            format!(
                "SELECT e.fid, {}, p.geom FROM events e LEFT JOIN places p ON p.place_id = e.place_id WHERE e.fid > ?1 ORDER BY e.fid LIMIT 4096",
                values.join(", ")
            ),
            format!(
                "SELECT p.fid, {}, p.geom FROM places p WHERE p.fid > ?1 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.place_id = p.place_id) ORDER BY p.fid LIMIT 4096",
                as_place_only.join(", ")
            ),
        ];
        let mut headers: Vec<String> = CROSSINGS_EVENT_COLUMNS.iter().map(|(_, h)| (*h).to_owned()).collect();
        headers.push(LON.into());
        headers.push(LAT.into());
        let paged = Paged {
            conn,
            queries,
            width: CROSSINGS_EVENT_COLUMNS.len(),
            names: headers.clone(),
            epsg,
            layer: "places".into(),
            label: label.to_owned(),
            max_string: limits.string_bytes,
            max_rows: limits.rows,
        };
        let info = info(label, FileKind::GeoPackage, Some("places + events".into()), names);
        return Ok(Table { info, headers, rows: Box::new(paged.rows()), rows_hint: 0 });
    }
    let chosen = match layer {
        Some(name) => layers.iter().find(|l| l.table == name).cloned().ok_or_else(|| ImportError::NoSuchSheet {
            file: label.to_owned(),
            sheet: name.to_owned(),
            sheets: names.clone(),
        })?,
        None => layers.iter().find(|l| l.kind.contains("POINT")).or(layers.first()).cloned().ok_or_else(|| {
            ImportError::Unreadable {
                file: label.to_owned(),
                line: None,
                message: "the GeoPackage has no feature layer".into(),
            }
        })?,
    };
    if let Err(e) = to_wgs84(Geometry::Point(geo::Point::new(0.0, 0.0)), chosen.epsg, &chosen.table) {
        return Err(ImportError::Unreadable { file: label.to_owned(), line: None, message: e });
    }
    let columns = gpkg_columns(&conn, &chosen, label)?;
    if columns.len() > limits.columns {
        return Err(ImportError::TooManyColumns {
            file: label.to_owned(),
            columns: columns.len(),
            limit: limits.columns,
        });
    }
    let mut headers = columns.clone();
    headers.push(unique(&columns, LON));
    headers.push(unique(&columns, LAT));
    let headers = clean_headers(headers);
    let select: Vec<String> = columns.iter().map(|c| quote_ident(c)).chain([quote_ident(&chosen.column)]).collect();
    let sql = format!(
        "SELECT rowid, {} FROM {} WHERE rowid > ?1 ORDER BY rowid LIMIT 4096",
        select.join(", "),
        quote_ident(&chosen.table)
    );
    let paged = Paged {
        conn,
        queries: vec![sql],
        width: columns.len(),
        names: columns.clone(),
        epsg: chosen.epsg,
        layer: chosen.table.clone(),
        label: label.to_owned(),
        max_string: limits.string_bytes,
        max_rows: limits.rows,
    };
    let other = names.into_iter().filter(|n| *n != chosen.table).collect();
    Ok(Table {
        rows_hint: 0,
        info: info(label, FileKind::GeoPackage, Some(chosen.table.clone()), other),
        headers,
        rows: Box::new(paged.rows()),
    })
}

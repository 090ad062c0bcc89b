//! GeoPackage (OGC 12-128r18) for QGIS and GDAL: a `places` point layer, and `events`,
//! `people` and `sources` tables, with the events' first and last days as DATE columns so
//! QGIS's temporal controller and plain SQL can filter them. Written with SQLite (bundled)
//! into a temporary file beside the target, synced, then renamed over it.

use std::path::Path;

use rusqlite::{Connection, params};

use super::WriteError;
use super::rows::EventRow;
use super::view::ExportView;
use super::{certainty, day_or_null as day};
use crate::chronology::Day;

/// WGS 84 as the GeoPackage specification writes it in `gpkg_spatial_ref_sys`.
const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]"#;

/// A point as a GeoPackage geometry: the `GP` header (version 0, little-endian, no
/// envelope, SRS 4326), then little-endian WKB.
fn point_blob(lon: f64, lat: f64) -> Vec<u8> {
    let mut b = Vec::with_capacity(29);
    b.extend_from_slice(b"GP");
    b.push(0);
    b.push(0b0000_0001);
    b.extend_from_slice(&4326i32.to_le_bytes());
    b.push(1);
    b.extend_from_slice(&1u32.to_le_bytes());
    b.extend_from_slice(&lon.to_le_bytes());
    b.extend_from_slice(&lat.to_le_bytes());
    b
}

const SCHEMA: &str = r#"
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10200;
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
CREATE TABLE places (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT, place_id TEXT NOT NULL UNIQUE, name TEXT,
  names TEXT, aliases TEXT, country TEXT, precision TEXT, category TEXT, certainty TEXT, start DATE, "end" DATE,
  event_count INTEGER, sources TEXT, note TEXT);
CREATE TABLE events (fid INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, place_id TEXT, date TEXT,
  date_text TEXT, start DATE, "end" DATE, not_before TEXT, not_after TEXT, date_basis TEXT, bounds_basis TEXT,
  place_basis TEXT, certainty TEXT, title TEXT, summary TEXT,
  theme TEXT, people TEXT, sources TEXT, note TEXT);
CREATE TABLE people (fid INTEGER PRIMARY KEY AUTOINCREMENT, person_id TEXT NOT NULL UNIQUE, name TEXT, names TEXT,
  role TEXT, biography TEXT);
CREATE TABLE sources (fid INTEGER PRIMARY KEY AUTOINCREMENT, source_id TEXT NOT NULL UNIQUE, title TEXT, file TEXT,
  url TEXT, note TEXT);
"#;

fn fill(conn: &mut Connection, view: &ExportView<'_>) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL), \
         ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL), ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?1, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        params![WGS84_WKT],
    )?;
    let d = view.dataset;
    {
        let mut ins = tx.prepare(
            "INSERT INTO places (geom, place_id, name, names, aliases, country, precision, category, certainty, start, \"end\", event_count, sources, note) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        for shown in &view.places {
            let p = shown.place;
            let (start, end) = shown.span.unwrap_or((Day::MIN, Day::MAX));
            let sources: Vec<&str> = p.sources.iter().map(|s| d.sources[s.ix()].title.as_str()).collect();
            ins.execute(params![
                point_blob(super::round6(p.lon_lat.lon), super::round6(p.lon_lat.lat)),
                p.id,
                p.name,
                crate::import::format_names(&p.names),
                p.aliases.join("; "),
                p.country,
                p.precision.as_str(),
                p.category.as_str(),
                certainty(shown.certainty),
                day(start),
                day(end),
                shown.events.len() as i64,
                sources.join("; "),
                p.note,
            ])?;
        }
        let mut ins = tx.prepare(
            "INSERT INTO events (event_id, place_id, date, date_text, start, \"end\", not_before, not_after, date_basis, bounds_basis, place_basis, \
             certainty, title, summary, theme, people, sources, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        )?;
        for place in &view.places {
            for e in &place.events {
                let r = EventRow::new(d, place, e);
                ins.execute(params![
                    r.event_id,
                    r.place_id,
                    r.date,
                    r.date_text,
                    r.start,
                    r.end,
                    r.not_before,
                    r.not_after,
                    r.date_basis,
                    r.bounds_basis,
                    r.place_basis,
                    r.certainty,
                    r.title,
                    r.summary,
                    r.theme,
                    r.people,
                    r.sources,
                    r.note
                ])?;
            }
        }
        // The people and sources the written events and places refer to.
        let mut people = vec![false; d.people.len()];
        let mut sources = vec![false; d.sources.len()];
        for place in &view.places {
            for s in &place.place.sources {
                sources[s.ix()] = true;
            }
            for e in &place.events {
                for p in &e.event.people {
                    people[p.ix()] = true;
                }
                for s in &e.event.sources {
                    sources[s.ix()] = true;
                }
            }
        }
        let mut ins =
            tx.prepare("INSERT INTO people (person_id, name, names, role, biography) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for (p, _) in d.people.iter().zip(&people).filter(|(_, used)| **used) {
            ins.execute(params![p.id, p.name, crate::import::format_names(&p.names), p.role, p.biography])?;
        }
        let mut ins =
            tx.prepare("INSERT INTO sources (source_id, title, file, url, note) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for (s, _) in d.sources.iter().zip(&sources).filter(|(_, used)| **used) {
            ins.execute(params![s.id, s.title, s.file, s.url, s.note])?;
        }
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for p in &view.places {
        let ll = p.place.lon_lat;
        x0 = x0.min(ll.lon);
        y0 = y0.min(ll.lat);
        x1 = x1.max(ll.lon);
        y1 = y1.max(ll.lat);
    }
    let bbox = |v: f64| v.is_finite().then_some(v);
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) \
         VALUES ('places', 'features', 'places', 'Crossings places', ?1, ?2, ?3, ?4, 4326)",
        params![bbox(x0), bbox(y0), bbox(x1), bbox(y1)],
    )?;
    for (t, what) in [
        ("events", "Crossings events (join on place_id)"),
        ("people", "Crossings people"),
        ("sources", "Crossings sources"),
    ] {
        tx.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?1, 'attributes', ?1, ?2)", params![t, what])?;
    }
    tx.execute("INSERT INTO gpkg_geometry_columns VALUES ('places', 'geom', 'POINT', 4326, 0, 0)", [])?;
    // Joining events to places (QGIS relations, Crossings' own import) looks events up by place.
    tx.execute("CREATE INDEX events_place_id ON events (place_id)", [])?;
    tx.commit()
}

/// Writes the view as a GeoPackage file, atomically.
pub fn write_file(path: &Path, view: &ExportView<'_>) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let io = |source| WriteError::Io { path: shown.clone(), source };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(WriteError::NoFolder(dir.display().to_string()));
    }
    let tmp = tempfile::Builder::new().prefix(".crossings-").suffix(".gpkg").tempfile_in(dir).map_err(io)?;
    super::share_like(tmp.as_file(), path).map_err(io)?;
    {
        let mut conn = Connection::open(tmp.path()).map_err(|e| io(std::io::Error::other(e)))?;
        // The journal would be a second file beside the temporary one; one writer needs none.
        conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            .map_err(|e| io(std::io::Error::other(e)))?;
        fill(&mut conn, view).map_err(|e| io(std::io::Error::other(e)))?;
        conn.close().map_err(|(_, e)| io(std::io::Error::other(e)))?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

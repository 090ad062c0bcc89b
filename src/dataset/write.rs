//! Writing a dataset folder: the four files, with their fields in the order the bundled
//! `geodata/` uses, records sorted by id, two-space indentation. The folder appears whole or
//! not at all: it is written beside its target under a hidden name, synced, then renamed.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::model::{Basis, Figure, LocationPrecision, Name, PlaceCategory, Theme};

/// A source as written in `sources.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceRecord {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// File name.
    pub file: String,
    /// Remark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A place as written in `places.geojson` (one Feature).
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceRecord {
    /// Id.
    pub id: String,
    /// `[longitude, latitude]`.
    pub lon_lat: [f64; 2],
    /// English (or main) name.
    pub name: String,
    /// Other names.
    pub names: Vec<Name>,
    /// Present-day country (Natural Earth name).
    pub country: Option<String>,
    /// Precision.
    pub precision: LocationPrecision,
    /// Category.
    pub category: PlaceCategory,
    /// Source ids.
    pub sources: Vec<String>,
    /// Remark.
    pub note: Option<String>,
}

/// A person as written in `people.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonRecord {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Biography.
    pub biography: String,
    /// Source ids.
    pub sources: Vec<String>,
}

/// An event as written in `events.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventRecord {
    /// Id.
    pub id: String,
    /// EDTF, or `None` when undated.
    pub date: Option<String>,
    /// Whether the date is stated.
    pub date_basis: Basis,
    /// Outer bound of an uncertain start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// Outer bound of an uncertain end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// Whether the bounds are stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounds_basis: Option<Basis>,
    /// Place id.
    pub place: Option<String>,
    /// Whether the place is stated.
    pub place_basis: Option<Basis>,
    /// Person ids.
    pub people: Vec<String>,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Figures.
    pub figures: Vec<Figure>,
    /// Theme.
    pub category: Theme,
    /// Source ids.
    pub sources: Vec<String>,
    /// Remark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The four files' records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Records {
    /// Sources.
    pub sources: Vec<SourceRecord>,
    /// Places.
    pub places: Vec<PlaceRecord>,
    /// People.
    pub people: Vec<PersonRecord>,
    /// Events.
    pub events: Vec<EventRecord>,
}

#[derive(Serialize)]
struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: Point,
    properties: PlaceProps<'a>,
}

#[derive(Serialize)]
struct Point {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

#[derive(Serialize)]
struct PlaceProps<'a> {
    name: &'a str,
    names: &'a [Name],
    #[serde(skip_serializing_if = "Option::is_none")]
    country: &'a Option<String>,
    precision: LocationPrecision,
    category: PlaceCategory,
    sources: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    note: &'a Option<String>,
}

/// Writes a JSON array of records, pretty, with a final newline.
fn write_array<T: Serialize>(w: &mut dyn Write, items: impl Iterator<Item = T>) -> std::io::Result<()> {
    let mut first = true;
    w.write_all(b"[")?;
    for item in items {
        w.write_all(if first { b"\n  " } else { b",\n  " })?;
        first = false;
        let text = serde_json::to_string_pretty(&item)?;
        w.write_all(text.replace('\n', "\n  ").as_bytes())?;
    }
    w.write_all(if first { b"]\n" } else { b"\n]\n" })
}

impl Records {
    /// Sorts every file's records by id, as `geodata/` is kept.
    pub fn sort(&mut self) {
        self.sources.sort_by(|a, b| a.id.cmp(&b.id));
        self.places.sort_by(|a, b| a.id.cmp(&b.id));
        self.people.sort_by(|a, b| a.id.cmp(&b.id));
        self.events.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// Writes one of the four files.
    pub fn write_file(&self, name: &str, w: &mut dyn Write) -> std::io::Result<()> {
        match name {
            "sources.json" => write_array(w, self.sources.iter()),
            "people.json" => write_array(w, self.people.iter()),
            "events.json" => write_array(w, self.events.iter()),
            _ => {
                w.write_all(b"{\n  \"type\": \"FeatureCollection\",\n  \"features\": ")?;
                let features = self.places.iter().map(|p| Feature {
                    kind: "Feature",
                    id: &p.id,
                    geometry: Point { kind: "Point", coordinates: p.lon_lat },
                    properties: PlaceProps {
                        name: &p.name,
                        names: &p.names,
                        country: &p.country,
                        precision: p.precision,
                        category: p.category,
                        sources: &p.sources,
                        note: &p.note,
                    },
                });
                let mut inner = Vec::new();
                write_array(&mut inner, features)?;
                let text = String::from_utf8_lossy(&inner);
                w.write_all(text.trim_end().replace('\n', "\n  ").as_bytes())?;
                w.write_all(b"\n}\n")
            }
        }
    }
}

/// Gives a temporary file the permissions its target should have: the old file's when it is
/// replaced, else readable by all (`rw-r--r--`), as a file saved by any program would be.
/// (A temporary file starts private, `rw-------`, and a rename keeps that.)
pub(crate) fn share_like(tmp: &std::fs::File, target: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(target).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (tmp, target);
    Ok(())
}

/// Why a folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The target holds files already: nothing is overwritten.
    #[error("{0} already holds files; choose a new or empty folder (nothing was written)")]
    NotEmpty(String),
    /// The OS refused.
    #[error("cannot write {path}: {source}")]
    Io {
        /// What.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Writes a dataset folder whole: into a hidden folder beside `dir`, each file synced, then
/// renamed to `dir`, which must not exist or be empty.
pub fn write_folder(dir: &Path, records: &Records) -> Result<(), FolderError> {
    let shown = dir.display().to_string();
    let io = |source| FolderError::Io { path: shown.clone(), source };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io)?;
        if entries.next().is_some() {
            return Err(FolderError::NotEmpty(shown));
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).map_err(io)?;
    let tmp = tempfile::Builder::new().prefix(".crossings-import-").tempdir_in(parent).map_err(io)?;
    // A temporary folder starts private (rwx------); the dataset is for sharing.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).map_err(io)?;
    }
    for name in super::FILES {
        let path = tmp.path().join(name);
        let file = std::fs::File::create(&path).map_err(io)?;
        share_like(&file, &path).map_err(io)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        records.write_file(name, &mut w).map_err(io)?;
        let file = w.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
    }
    if dir.exists() {
        std::fs::remove_dir(dir).map_err(io)?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, dir).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        io(e)
    })?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(())
}

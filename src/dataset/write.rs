//! Writing a dataset folder: the four files, with their fields in the order the bundled
//! `geodata/` uses, records written in the order of their ids, two-space indentation. The folder appears whole or
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

impl PlaceRecord {
    /// The place as a GeoJSON Feature, as `places.geojson` holds it.
    fn feature(&self) -> Feature<'_> {
        Feature {
            kind: "Feature",
            id: &self.id,
            geometry: Point { kind: "Point", coordinates: self.lon_lat },
            properties: PlaceProps {
                name: &self.name,
                names: &self.names,
                country: &self.country,
                precision: self.precision,
                category: self.category,
                sources: &self.sources,
                note: &self.note,
            },
        }
    }
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

/// Writes a JSON array of records sorted by id, pretty, nested `indent` deep (the `[` is
/// written where the writer is, each record on its own lines, the `]` on a line of its own).
///
/// The records are not moved: their ids are sorted as indices. They are serialised in rounds
/// of chunks, one chunk per core, and written in order, so no more than a round's text is
/// held at once.
pub(super) fn write_array<P: Sync>(
    w: &mut dyn Write,
    items: &[P],
    id: impl Fn(&P) -> &str,
    pretty: impl Fn(&mut Vec<u8>, &P) -> serde_json::Result<()> + Sync,
    indent: &[u8],
) -> std::io::Result<()> {
    const CHUNK: usize = 8192;
    if items.is_empty() {
        return w.write_all(b"[]");
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    if !items.is_sorted_by(|a, b| id(a) <= id(b)) {
        // The first eight bytes of each id, in order, decide most comparisons without
        // reaching into the records (a million ids sort in a tenth of the time).
        let prefix = |s: &str| {
            let mut b = [0u8; 8];
            let n = s.len().min(8);
            b[..n].copy_from_slice(&s.as_bytes()[..n]);
            u64::from_be_bytes(b)
        };
        let mut keyed: Vec<(u64, usize)> = order.iter().map(|&i| (prefix(id(&items[i])), i)).collect();
        keyed.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| id(&items[a.1]).cmp(id(&items[b.1])).then(a.1.cmp(&b.1)))
        });
        order = keyed.into_iter().map(|(_, i)| i).collect();
    }
    let inner: Vec<u8> = [indent, b"  "].concat();
    let serialise = |chunk: &[usize], first: bool, out: &mut Vec<u8>| -> std::io::Result<()> {
        out.clear();
        let mut one = Vec::with_capacity(1024);
        for (i, item) in chunk.iter().map(|&ix| &items[ix]).enumerate() {
            out.extend_from_slice(if first && i == 0 { b"\n" } else { b",\n" });
            out.extend_from_slice(&inner);
            one.clear();
            pretty(&mut one, item)?;
            indent_into(out, &one, &inner);
        }
        Ok(())
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(8);
    // One buffer per thread, kept from round to round (fresh ones would cost a page fault
    // per page each time).
    let mut buffers: Vec<Vec<u8>> = (0..cores).map(|_| Vec::new()).collect();
    w.write_all(b"[")?;
    for (round, group) in order.chunks(CHUNK * cores).enumerate() {
        let done: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
            let handles: Vec<_> = group
                .chunks(CHUNK)
                .zip(buffers.iter_mut())
                .enumerate()
                .map(|(i, (chunk, out))| {
                    let serialise = &serialise;
                    scope.spawn(move || serialise(chunk, round == 0 && i == 0, out))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(std::io::Error::other("a writer thread panicked"))))
                .collect()
        });
        for (result, text) in done.into_iter().zip(&buffers) {
            result?;
            w.write_all(text)?;
        }
    }
    w.write_all(b"\n")?;
    w.write_all(indent)?;
    w.write_all(b"]")
}

/// Copies pretty text, indenting every line after the first by `indent`.
pub(super) fn indent_into(out: &mut Vec<u8>, text: &[u8], indent: &[u8]) {
    let mut at = 0;
    for nl in memchr::memchr_iter(b'\n', text) {
        out.extend_from_slice(&text[at..=nl]);
        out.extend_from_slice(indent);
        at = nl + 1;
    }
    out.extend_from_slice(&text[at..]);
}

/// One record as serde writes it, pretty.
fn pretty<T: Serialize>(out: &mut Vec<u8>, record: &T) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(out, record)
}

impl Records {
    /// Writes one of the four files.
    pub fn write_file(&self, name: &str, w: &mut dyn Write) -> std::io::Result<()> {
        match name {
            "sources.json" => write_array(w, &self.sources, |r| &r.id, pretty, b"")?,
            "people.json" => write_array(w, &self.people, |r| &r.id, pretty, b"")?,
            "events.json" => write_array(w, &self.events, |r| &r.id, pretty, b"")?,
            _ => {
                w.write_all(b"{\n  \"type\": \"FeatureCollection\",\n  \"features\": ")?;
                let feature = |out: &mut Vec<u8>, p: &PlaceRecord| serde_json::to_writer_pretty(out, &p.feature());
                write_array(w, &self.places, |p| &p.id, feature, b"  ")?;
                w.write_all(b"\n}")?;
            }
        }
        w.write_all(b"\n")
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

/// Replaces one file atomically: the bytes go to a temporary file beside it (with the old
/// file's permissions), which is synced and renamed over it; the folder is synced after.
pub fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace_file_with(path, |w| w.write_all(bytes))
}

/// [`replace_file`], the bytes streamed by `fill` into a buffered writer. A crash or kill at
/// any point leaves the old file whole: never a truncated one.
pub fn replace_file_with(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".crossings-").suffix(".tmp").tempfile_in(dir)?;
    share_like(tmp.as_file(), path)?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        fill(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable.
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Why a folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The target holds files already: nothing is overwritten.
    #[error("{0} already holds files; choose a new or empty folder (nothing was written)")]
    NotEmpty(String),
    /// A file would be larger than Crossings opens.
    #[error(
        "{file} would be {bytes} bytes, and Crossings opens files of up to {limit} bytes: import fewer rows at a time (nothing was written)"
    )]
    TooLarge {
        /// Which of the four files.
        file: &'static str,
        /// Its size.
        bytes: u64,
        /// The largest file the loader reads.
        limit: u64,
    },
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
/// renamed to `dir`, which must not exist or be empty. A file larger than `max_file_bytes`
/// (the loader's limit) would not open: then nothing is written.
pub fn write_folder(dir: &Path, records: &Records, max_file_bytes: u64) -> Result<(), FolderError> {
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
        let bytes = file.metadata().map_err(io)?.len();
        if bytes > max_file_bytes {
            // `tmp` is removed as it drops.
            return Err(FolderError::TooLarge { file: name, bytes, limit: max_file_bytes });
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: String) -> EventRecord {
        EventRecord {
            id: id.clone(),
            date: Some("1945-08".into()),
            date_basis: Basis::Stated,
            not_before: None,
            not_after: None,
            bounds_basis: None,
            place: Some("harbin".into()),
            place_basis: Some(Basis::Inferred),
            people: vec!["a".into(), "b".into()],
            title: format!("Event \"{id}\"\nwith a newline"),
            summary: String::new(),
            figures: Vec::new(),
            category: Theme::Soviet,
            sources: vec!["src-1".into()],
            note: id.len().is_multiple_of(2).then(|| "noted".to_owned()),
        }
    }

    fn place(id: &str) -> PlaceRecord {
        PlaceRecord {
            id: id.to_owned(),
            lon_lat: [126.63, 45.75],
            name: "Harbin".into(),
            names: vec![Name { text: "哈尔滨".into(), lang: "zh-Hans".into(), note: None }],
            country: Some("China".into()),
            precision: LocationPrecision::City,
            category: PlaceCategory::City,
            sources: vec!["src-1".into()],
            note: None,
        }
    }

    /// The files are what serde_json writes for the whole sorted array, pretty: the chunked,
    /// threaded writer (several rounds here) changes nothing but the time taken.
    #[test]
    fn the_files_are_serde_jsons_pretty_text_of_the_records_sorted_by_id() {
        // Ids out of order, sharing eight-byte prefixes, more than a round of chunks.
        let n = 8192 * 9 + 17;
        let events: Vec<EventRecord> = (0..n).map(|i| event(format!("event-00{}", (i * 7919) % n))).collect();
        let records =
            Records { events: events.clone(), places: vec![place("mukden"), place("harbin")], ..Records::default() };
        let mut sorted = events;
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        let mut got = Vec::new();
        records.write_file("events.json", &mut got).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), serde_json::to_string_pretty(&sorted).unwrap() + "\n");

        let mut got = Vec::new();
        records.write_file("places.geojson", &mut got).unwrap();
        let features: Vec<Feature<'_>> = [&records.places[1], &records.places[0]].map(PlaceRecord::feature).into();
        #[derive(Serialize)]
        struct Collection<'a> {
            #[serde(rename = "type")]
            kind: &'a str,
            features: Vec<Feature<'a>>,
        }
        let whole = Collection { kind: "FeatureCollection", features };
        assert_eq!(String::from_utf8(got).unwrap(), serde_json::to_string_pretty(&whole).unwrap() + "\n");

        let mut got = Vec::new();
        records.write_file("people.json", &mut got).unwrap();
        assert_eq!(got, b"[]\n");
    }

    /// A folder whose file the loader would refuse for its size is not written at all, and
    /// no temporary folder is left beside it.
    #[test]
    fn a_file_larger_than_the_loader_opens_writes_nothing() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("atlas");
        let records = Records { events: (0..50).map(|i| event(format!("e{i}"))).collect(), ..Records::default() };
        let err = write_folder(&dir, &records, 2000).unwrap_err();
        assert!(matches!(err, FolderError::TooLarge { file: "events.json", limit: 2000, .. }), "{err}");
        assert!(err.to_string().contains("import fewer rows"), "{err}");
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
        write_folder(&dir, &records, 1 << 20).unwrap();
        assert!(dir.join("events.json").is_file());
    }
}

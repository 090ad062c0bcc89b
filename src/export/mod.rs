//! Writing what the user selected: GeoJSON (RFC 7946) for QGIS, kepler.gl and web maps (one
//! feature per place, or per event for time playback), Linked Places Format for the World
//! Historical Gazetteer, CSV for spreadsheets, GeoPackage for QGIS and GDAL, KML for Google
//! Earth. No UI here.
//!
//! An export runs in two steps: [`ExportView::new`] queries the dataset once (the places that
//! show, each with its shown events and spans clipped to the window), then one writer per
//! format serialises that view (`geojson.rs`, `lpf.rs`). A new format is one more writer of
//! the view and one more [`Format`]; it asks [`crate::query`] nothing.
//!
//! Output is deterministic: the same dataset, places and filter give the same bytes (places
//! in dataset order, events in date order, object keys sorted).

mod atomic;
mod geojson;
mod gpkg;
mod kml;
mod lpf;
mod rows;
mod view;

use std::io::Write;

use serde_json::{Value, json};

pub(crate) use atomic::share_like;
pub use atomic::{WriteError, write_atomic, write_atomic_with};
pub use rows::{EVENT_COLUMNS, EventRow, event_rows};
pub use view::{ExportEvent, ExportPlace, ExportView};

use crate::chronology::{TimeFilter, TimeWindow};
use crate::model::{Dataset, PlaceIx};
use crate::query::Themes;

/// The export formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// RFC 7946 GeoJSON with flat properties.
    #[default]
    Geojson,
    /// GeoJSON with one point per event at its place, each with its own start and end
    /// (kepler.gl's time playback).
    GeojsonEvents,
    /// Linked Places Format (GeoJSON-LD) for the World Historical Gazetteer.
    Lpf,
    /// CSV, one row per event with its place's fields (UTF-8 with a BOM, for Excel).
    Csv,
    /// CSV, one row per place.
    CsvPlaces,
    /// GeoPackage: a `places` layer and `events`, `people` and `sources` tables.
    Gpkg,
    /// KML placemarks with time spans, for Google Earth.
    Kml,
}

impl Format {
    /// Every format, in the order menus list them.
    pub const ALL: [Format; 7] = [
        Format::Geojson,
        Format::GeojsonEvents,
        Format::Csv,
        Format::CsvPlaces,
        Format::Gpkg,
        Format::Kml,
        Format::Lpf,
    ];

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Geojson => "geojson",
            Format::GeojsonEvents => "events.geojson",
            Format::Lpf => "lpf.json",
            Format::Csv => "csv",
            Format::CsvPlaces => "places.csv",
            Format::Gpkg => "gpkg",
            Format::Kml => "kml",
        }
    }

    /// Its name in menus.
    pub fn label(self) -> &'static str {
        match self {
            Format::Geojson => "GeoJSON (places)",
            Format::GeojsonEvents => "GeoJSON (events, for kepler.gl)",
            Format::Lpf => "Linked Places (World Historical Gazetteer)",
            Format::Csv => "CSV (events)",
            Format::CsvPlaces => "CSV (places)",
            Format::Gpkg => "GeoPackage (QGIS)",
            Format::Kml => "KML (Google Earth)",
        }
    }

    /// True when the format can be written to a stream (standard output); a GeoPackage is a
    /// database and needs a file.
    pub fn streams(self) -> bool {
        self != Format::Gpkg
    }
}

/// What to export.
#[derive(Clone, Debug, Default)]
pub struct ExportRequest {
    /// The places (`None`: all).
    pub places: Option<Vec<PlaceIx>>,
    /// The time filter; with a window only places that show are written, with only the events
    /// that show.
    pub time: TimeFilter,
    /// Themes switched on.
    pub themes: Themes,
    /// Format.
    pub format: Format,
    /// The base of the permanent ids Linked Places writes (`https://example.org/atlas/`);
    /// `None` writes `urn:crossings:` ids, which are not permanent.
    pub base_uri: Option<String>,
}

/// The result: the document and how many places it holds.
#[derive(Clone, Debug)]
pub struct Exported {
    /// The bytes to write (UTF-8 JSON with a final newline).
    pub text: String,
    /// Places written.
    pub place_count: usize,
    /// Events written.
    pub event_count: usize,
}

/// How many places and events an export wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Places written.
    pub places: usize,
    /// Events written.
    pub events: usize,
}

/// Runs an export request against a dataset, in memory.
pub fn export(dataset: &Dataset, request: &ExportRequest) -> Exported {
    let mut bytes = Vec::new();
    let counts = export_to(&mut bytes, dataset, request).unwrap_or_default();
    Exported {
        text: String::from_utf8(bytes).unwrap_or_default(),
        place_count: counts.places,
        event_count: counts.events,
    }
}

/// Runs an export request, streaming it to a writer (a file, standard output).
pub fn export_to(w: &mut dyn Write, dataset: &Dataset, request: &ExportRequest) -> std::io::Result<Counts> {
    let view = ExportView::new(dataset, request);
    match request.format {
        Format::Geojson => geojson::write(w, &view)?,
        Format::GeojsonEvents => rows::write_geojson_events(w, &view)?,
        Format::Lpf => lpf::write(w, &view, request.base_uri.as_deref())?,
        Format::Csv => rows::write_csv_events(w, &view)?,
        Format::CsvPlaces => rows::write_csv_places(w, &view)?,
        Format::Kml => kml::write(w, &view)?,
        Format::Gpkg => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "a GeoPackage is a database and is written to a file, not to a stream",
            ));
        }
    }
    Ok(view.counts())
}

/// Exports straight into a file, atomically (temporary file, sync, rename).
pub fn export_file(path: &std::path::Path, dataset: &Dataset, request: &ExportRequest) -> Result<Counts, WriteError> {
    if request.format == Format::Gpkg {
        let view = ExportView::new(dataset, request);
        gpkg::write_file(path, &view)?;
        return Ok(view.counts());
    }
    let mut counts = Counts::default();
    atomic::write_atomic_with(path, |w| {
        counts = export_to(w, dataset, request)?;
        Ok(())
    })?;
    Ok(counts)
}

/// Text for XML (SVG, KML): `&`, `<`, `>` and quotes escaped, and the control characters XML
/// forbids dropped (line breaks too, unless `keep_newlines`).
///
/// ```
/// assert_eq!(crossings::export::xml_escape("A & <B>\n", false), "A &amp; &lt;B&gt;");
/// ```
pub fn xml_escape(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\r' if keep_newlines => out.push(c),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Who wrote the file, as both formats record it.
const GENERATOR: &str = concat!("crossings ", env!("CARGO_PKG_VERSION"));

/// A day as ISO text, or `None` for an open side (every writer's start and end).
fn day_or_null(d: crate::chronology::Day) -> Option<String> {
    (!d.is_open()).then(|| d.iso())
}

/// `certain`, `possible` or `hidden`: how the filter shows a place or event.
fn certainty(m: crate::chronology::Match) -> &'static str {
    match m {
        crate::chronology::Match::Certain => "certain",
        crate::chronology::Match::Possible => "possible",
        crate::chronology::Match::Hidden => "hidden",
    }
}

/// A coordinate rounded to six decimals (about 10 cm), as RFC 7946 advises.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The filter an export was made with, as both formats record it.
fn filter_meta(time: &TimeFilter) -> Value {
    json!({
        "time_window": time.window.map(TimeWindow::to_edtf),
        "include_undated": time.include_undated,
    })
}

//! Writing what the user selected: GeoJSON (RFC 7946) for QGIS, kepler.gl and web maps, and
//! Linked Places Format for the World Historical Gazetteer. No UI here.
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
mod lpf;
mod view;

use std::io::Write;

use serde_json::{Value, json};

pub use atomic::{WriteError, write_atomic, write_atomic_with};
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
    /// Linked Places Format (GeoJSON-LD) for the World Historical Gazetteer.
    Lpf,
}

impl Format {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Geojson => "geojson",
            Format::Lpf => "lpf.json",
        }
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
        Format::Lpf => lpf::write(w, &view)?,
    }
    Ok(view.counts())
}

/// Exports straight into a file, atomically (temporary file, sync, rename).
pub fn export_file(path: &std::path::Path, dataset: &Dataset, request: &ExportRequest) -> Result<Counts, WriteError> {
    let mut counts = Counts::default();
    atomic::write_atomic_with(path, |w| {
        counts = export_to(w, dataset, request)?;
        Ok(())
    })?;
    Ok(counts)
}

/// Who wrote the file, as both formats record it.
const GENERATOR: &str = concat!("crossings ", env!("CARGO_PKG_VERSION"));

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

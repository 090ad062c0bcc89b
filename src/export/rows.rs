//! One row per shown event with its place's fields: the shape of the CSV exports, the events
//! GeoJSON (kepler.gl's time playback), KML placemarks and the GeoPackage's `events` table.
//! Every writer of events reads [`EventRow`], so they agree on each value.

use std::io::Write;

use serde::Serialize;

use super::view::{ExportEvent, ExportPlace, ExportView};
use super::{certainty, day_or_null as day, round6};
use crate::chronology::Day;
use crate::model::Dataset;

/// An event at its place, every field flattened to text or numbers.
#[derive(Clone, Debug, Serialize)]
pub struct EventRow<'a> {
    /// Event id.
    pub event_id: &'a str,
    /// EDTF as written in the dataset (empty when undated).
    pub date: Option<String>,
    /// The date in words, with its bounds.
    pub date_text: String,
    /// First day the event can fall on (clipped to the window), ISO; empty when open.
    pub start: Option<String>,
    /// Last day, ISO; empty when open.
    pub end: Option<String>,
    /// `start` at midnight UTC, a form kepler.gl types as a timestamp.
    pub start_ts: Option<String>,
    /// `end` one second before midnight UTC.
    pub end_ts: Option<String>,
    /// Outer bound of an uncertain start (EDTF).
    pub not_before: Option<String>,
    /// Outer bound of an uncertain end (EDTF).
    pub not_after: Option<String>,
    /// `stated` or `inferred`: whether a document gives the date.
    pub date_basis: &'static str,
    /// Whether a document gives the bounds (empty without bounds).
    pub bounds_basis: Option<&'static str>,
    /// Whether a document gives the place.
    pub place_basis: &'static str,
    /// `certain` or `possible`, as the filter shows it.
    pub certainty: &'static str,
    /// Title.
    pub title: &'a str,
    /// Summary.
    pub summary: &'a str,
    /// Theme.
    pub theme: &'static str,
    /// People's names, `; ` between them.
    pub people: String,
    /// Sources' titles, `; ` between them.
    pub sources: String,
    /// Place id.
    pub place_id: &'a str,
    /// Place name.
    pub place: &'a str,
    /// Other names of the place: `哈尔滨 [zh-Hans]; ...`.
    pub names: String,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// Country.
    pub country: Option<&'a str>,
    /// Location precision.
    pub precision: &'static str,
    /// Place category.
    pub place_category: &'static str,
    /// The event's note.
    pub note: Option<&'a str>,
}

impl<'a> EventRow<'a> {
    /// The row of one shown event at its place.
    pub fn new(dataset: &'a Dataset, place: &ExportPlace<'a>, shown: &ExportEvent<'a>) -> EventRow<'a> {
        let e = shown.event;
        let p = place.place;
        let extra = e.extra.as_deref();
        let (start, end) = shown.span.unwrap_or((Day::MIN, Day::MAX));
        EventRow {
            event_id: &e.id,
            date: e.date.to_edtf(),
            date_text: e.describe_date(),
            start: day(start),
            end: day(end),
            start_ts: day(start).map(|d| format!("{d}T00:00:00Z")),
            end_ts: day(end).map(|d| format!("{d}T23:59:59Z")),
            not_before: extra.and_then(|x| x.not_before.as_ref()?.to_edtf()),
            not_after: extra.and_then(|x| x.not_after.as_ref()?.to_edtf()),
            date_basis: e.date_basis.as_str(),
            bounds_basis: extra
                .filter(|x| x.not_before.is_some() || x.not_after.is_some())
                .map(|x| x.bounds_basis.as_str()),
            place_basis: e.place_basis.as_str(),
            certainty: certainty(shown.certainty),
            title: &e.title,
            summary: &e.summary,
            theme: e.category.as_str(),
            people: e.people.iter().map(|x| dataset.person(*x).name.as_str()).collect::<Vec<_>>().join("; "),
            sources: e.sources.iter().map(|s| dataset.sources[s.ix()].title.as_str()).collect::<Vec<_>>().join("; "),
            place_id: &p.id,
            place: &p.name,
            names: crate::import::format_names(&p.names),
            latitude: round6(p.lon_lat.lat),
            longitude: round6(p.lon_lat.lon),
            country: p.country.as_deref(),
            precision: p.precision.as_str(),
            place_category: p.category.as_str(),
            note: e.note.as_deref(),
        }
    }
}

/// Every shown event's row, place by place.
pub fn event_rows<'a>(view: &'a ExportView<'a>) -> impl Iterator<Item = EventRow<'a>> + 'a {
    view.places.iter().flat_map(move |p| p.events.iter().map(move |e| EventRow::new(view.dataset, p, e)))
}

/// A place as a row of `csv-places`.
#[derive(Serialize)]
struct PlaceRow<'a> {
    place_id: &'a str,
    place: &'a str,
    names: String,
    aliases: String,
    latitude: f64,
    longitude: f64,
    country: Option<&'a str>,
    precision: &'static str,
    place_category: &'static str,
    certainty: &'static str,
    start: Option<String>,
    end: Option<String>,
    event_count: usize,
    sources: String,
    note: Option<&'a str>,
}

/// The byte order mark that makes Excel read a CSV as UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn bom(w: &mut dyn Write) -> std::io::Result<&mut dyn Write> {
    w.write_all(BOM)?;
    Ok(w)
}

/// A writer for rows serialised after an explicit header (serde would write its own header
/// only with the first row, and none for an empty export).
fn csv_writer(w: &mut dyn Write) -> std::io::Result<csv::Writer<&mut dyn Write>> {
    Ok(csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).has_headers(false).from_writer(bom(w)?))
}

fn csv_io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

/// CSV, one row per shown event with its place's fields, and one row with only the place's
/// fields for a place without events (so an import of the file gives the same places);
/// UTF-8 with a BOM and CRLF, as Excel writes and reads it.
pub fn write_csv_events(w: &mut dyn Write, view: &ExportView<'_>) -> std::io::Result<()> {
    let mut out = csv_writer(w)?;
    out.write_record(EVENT_COLUMNS).map_err(csv_io)?;
    let mut record = csv::StringRecord::new();
    for place in &view.places {
        for e in &place.events {
            out.serialize(EventRow::new(view.dataset, place, e)).map_err(csv_io)?;
        }
        if place.events.is_empty() {
            let p = place.place;
            record.clear();
            for col in EVENT_COLUMNS {
                record.push_field(&match col {
                    "place_id" => p.id.clone(),
                    "place" => p.name.clone(),
                    "names" => crate::import::format_names(&p.names),
                    "latitude" => round6(p.lon_lat.lat).to_string(),
                    "longitude" => round6(p.lon_lat.lon).to_string(),
                    "country" => p.country.clone().unwrap_or_default(),
                    "precision" => p.precision.as_str().to_owned(),
                    "place_category" => p.category.as_str().to_owned(),
                    "sources" => p
                        .sources
                        .iter()
                        .map(|s| view.dataset.sources[s.ix()].title.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                    _ => String::new(),
                });
            }
            out.write_record(&record).map_err(csv_io)?;
        }
    }
    out.flush()
}

/// The columns of the events CSV, in order (the header row).
pub const EVENT_COLUMNS: [&str; 27] = [
    "event_id",
    "date",
    "date_text",
    "start",
    "end",
    "start_ts",
    "end_ts",
    "not_before",
    "not_after",
    "date_basis",
    "bounds_basis",
    "place_basis",
    "certainty",
    "title",
    "summary",
    "theme",
    "people",
    "sources",
    "place_id",
    "place",
    "names",
    "latitude",
    "longitude",
    "country",
    "precision",
    "place_category",
    "note",
];

/// CSV, one row per shown place.
pub fn write_csv_places(w: &mut dyn Write, view: &ExportView<'_>) -> std::io::Result<()> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).has_headers(true).from_writer(bom(w)?);
    for shown in &view.places {
        let p = shown.place;
        let (start, end) = shown.span.unwrap_or((Day::MIN, Day::MAX));
        out.serialize(PlaceRow {
            place_id: &p.id,
            place: &p.name,
            names: crate::import::format_names(&p.names),
            aliases: p.aliases.join("; "),
            latitude: round6(p.lon_lat.lat),
            longitude: round6(p.lon_lat.lon),
            country: p.country.as_deref(),
            precision: p.precision.as_str(),
            place_category: p.category.as_str(),
            certainty: certainty(shown.certainty),
            start: day(start),
            end: day(end),
            event_count: shown.events.len(),
            sources: p
                .sources
                .iter()
                .map(|s| view.dataset.sources[s.ix()].title.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            note: p.note.as_deref(),
        })
        .map_err(csv_io)?;
    }
    out.flush()
}

#[derive(Serialize)]
struct EventFeature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: serde_json::Value,
    properties: &'a EventRow<'a>,
}

/// GeoJSON with one point feature per shown event at its place, each with its own start and
/// end: kepler.gl's time playback shows what happened when, not each place's first event.
pub fn write_geojson_events(w: &mut dyn Write, view: &ExportView<'_>) -> std::io::Result<()> {
    w.write_all(b"{\"type\": \"FeatureCollection\",\n\"features\": [")?;
    for (i, row) in event_rows(view).enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        let f = EventFeature {
            kind: "Feature",
            id: row.event_id,
            geometry: serde_json::json!({ "type": "Point", "coordinates": [row.longitude, row.latitude] }),
            properties: &row,
        };
        serde_json::to_writer(&mut *w, &f)?;
    }
    w.write_all(b"\n]}\n")
}

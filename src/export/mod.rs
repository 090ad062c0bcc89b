//! Writing what the user selected: GeoJSON (RFC 7946) for QGIS, kepler.gl and web maps, and
//! Linked Places Format for the World Historical Gazetteer. No UI here.
//!
//! Output is deterministic: the same dataset, places and filter give the same bytes (places
//! in dataset order, events in date order, object keys sorted).

mod atomic;

use serde_json::{Map, Value, json};

pub use atomic::{WriteError, write_atomic};

use crate::chronology::{Day, TimeFilter, TimeWindow};
use crate::model::{Dataset, Event, EventIx, PlaceIx};
use crate::query::{Themes, Visibility, place_events_shown, visibility};

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

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn day_or_null(d: Day) -> Value {
    if d.is_open() { Value::Null } else { Value::String(d.iso()) }
}

fn ts_or_null(d: Day, time: &str) -> Value {
    if d.is_open() { Value::Null } else { Value::String(format!("{} {time}", d.iso())) }
}

/// Runs an export request against a dataset.
pub fn export(dataset: &Dataset, request: &ExportRequest) -> Exported {
    let vis = visibility(dataset, &request.time, &request.themes);
    let places: Vec<PlaceIx> = match &request.places {
        Some(list) => {
            let mut l = list.clone();
            l.sort();
            l.dedup();
            l
        }
        None => (0..dataset.places.len()).map(|i| PlaceIx(i as u32)).collect(),
    };
    let places: Vec<PlaceIx> = places.into_iter().filter(|p| vis.places[p.ix()].is_shown()).collect();
    match request.format {
        Format::Geojson => geojson(dataset, &vis, &places, &request.time),
        Format::Lpf => lpf(dataset, &vis, &places, &request.time),
    }
}

fn names_joined(dataset: &Dataset, people: &[crate::model::PersonIx]) -> Vec<String> {
    people.iter().map(|p| dataset.person(*p).name.clone()).collect()
}

fn event_json(dataset: &Dataset, e: &Event, window: Option<TimeWindow>) -> Value {
    let (start, end) = clip(e.date.earliest, e.date.latest, window);
    json!({
        "id": e.id,
        "date": e.date.to_edtf(),
        "date_text": e.date.describe(),
        "start_date": if e.date.is_undated() { Value::Null } else { day_or_null(start) },
        "end_date": if e.date.is_undated() { Value::Null } else { day_or_null(end) },
        "date_basis": e.date_basis.as_str(),
        "location_basis": e.place_basis.as_str(),
        "title": e.title,
        "summary": e.summary,
        "category": e.category.as_str(),
        "people": names_joined(dataset, &e.people),
        "figures": e.figures,
        "sources": e.sources.iter().map(|s| dataset.sources[s.ix()].title.clone()).collect::<Vec<_>>(),
        "note": e.note,
    })
}

/// The span clipped to the window.
fn clip(earliest: Day, latest: Day, window: Option<TimeWindow>) -> (Day, Day) {
    match window {
        None => (earliest, latest),
        Some(w) => (earliest.max(w.start), latest.min(w.end)),
    }
}

/// `(start, end)` of the shown, dated events of a place, clipped to the window.
fn place_span(dataset: &Dataset, events: &[EventIx], window: Option<TimeWindow>) -> Option<(Day, Day)> {
    let mut span: Option<(Day, Day)> = None;
    for e in events {
        let d = &dataset.event(*e).date;
        if d.is_undated() {
            continue;
        }
        let (a, b) = clip(d.earliest, d.latest, window);
        span = Some(span.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
    }
    span
}

fn filter_meta(time: &TimeFilter) -> Value {
    json!({
        "time_window": time.window.map(TimeWindow::to_edtf),
        "include_undated": time.include_undated,
    })
}

fn geojson(dataset: &Dataset, vis: &Visibility, places: &[PlaceIx], time: &TimeFilter) -> Exported {
    let mut features = Vec::with_capacity(places.len());
    let mut event_count = 0;
    let window_text = time.window.map(TimeWindow::to_edtf);
    for &pix in places {
        let p = dataset.place(pix);
        let events: Vec<EventIx> = place_events_shown(dataset, vis, pix).collect();
        event_count += events.len();
        let span = place_span(dataset, &events, time.window);
        let mut props = Map::new();
        props.insert("name".into(), json!(p.name));
        for n in &p.names {
            let key = format!("name_{}", n.lang.replace('-', "_"));
            match props.get_mut(&key) {
                Some(Value::String(s)) => {
                    s.push_str("; ");
                    s.push_str(&n.text);
                }
                _ => {
                    props.insert(key, json!(n.text));
                }
            }
        }
        props.insert("aliases".into(), json!(p.aliases.join("; ")));
        props.insert("category".into(), json!(p.category.as_str()));
        props.insert("theme".into(), json!(dataset.place_theme(pix).as_str()));
        props.insert("country".into(), json!(p.country));
        props.insert("location_precision".into(), json!(p.precision.as_str()));
        let (start, end) = span.unwrap_or((Day::MIN, Day::MAX));
        props.insert("start_date".into(), day_or_null(start));
        props.insert("end_date".into(), day_or_null(end));
        props.insert("start_ts".into(), ts_or_null(start, "00:00:00"));
        props.insert("end_ts".into(), ts_or_null(end, "23:59:59"));
        props.insert("when_edtf".into(), json!(span.map(|(a, b)| format!("{}/{}", a.iso(), b.iso()))));
        let mut people: Vec<String> =
            dataset.place_people[pix.ix()].iter().map(|x| dataset.person(*x).name.clone()).collect();
        people.dedup();
        props.insert("people".into(), json!(people.join("; ")));
        props.insert("event_count".into(), json!(events.len()));
        props.insert(
            "events".into(),
            Value::Array(events.iter().map(|e| event_json(dataset, dataset.event(*e), time.window)).collect()),
        );
        props.insert("time_window".into(), json!(window_text));
        props.insert("note".into(), json!(p.note));
        features.push(json!({
            "type": "Feature",
            "id": p.id,
            "geometry": { "type": "Point", "coordinates": [round6(p.lon_lat.lon), round6(p.lon_lat.lat)] },
            "properties": props,
        }));
    }
    let doc = json!({
        "type": "FeatureCollection",
        "crossings": {
            "generator": concat!("crossings ", env!("CARGO_PKG_VERSION")),
            "filter": filter_meta(time),
            "attribution": "Crossings dataset; see the sources listed in each event",
        },
        "features": features,
    });
    finish(doc, places.len(), event_count)
}

fn finish(doc: Value, place_count: usize, event_count: usize) -> Exported {
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Exported { text, place_count, event_count }
}

fn lpf(dataset: &Dataset, vis: &Visibility, places: &[PlaceIx], time: &TimeFilter) -> Exported {
    let mut features = Vec::with_capacity(places.len());
    let mut event_count = 0;
    for &pix in places {
        let p = dataset.place(pix);
        let events: Vec<EventIx> = place_events_shown(dataset, vis, pix).collect();
        event_count += events.len();
        let citations: Vec<Value> = p
            .sources
            .iter()
            .map(|s| json!({ "label": dataset.sources[s.ix()].title, "@id": format!("crossings:source/{}", dataset.sources[s.ix()].id) }))
            .collect();
        let mut names = vec![json!({ "toponym": p.name, "lang": "en", "citations": citations })];
        names.extend(p.names.iter().map(|n| json!({ "toponym": n.text, "lang": n.lang, "citations": citations })));
        names.extend(p.aliases.iter().map(|a| json!({ "toponym": a, "citations": citations })));
        let timespans: Vec<Value> = events
            .iter()
            .map(|e| dataset.event(*e))
            .filter(|e| !e.date.is_undated())
            .map(|e| {
                let (a, b) = clip(e.date.earliest, e.date.latest, time.window);
                let mut start = Map::new();
                let mut end = Map::new();
                if !a.is_open() {
                    start.insert("in".into(), json!(a.iso()));
                }
                if !b.is_open() {
                    end.insert("in".into(), json!(b.iso()));
                }
                json!({ "start": start, "end": end, "label": e.title })
            })
            .collect();
        features.push(json!({
            "@id": format!("crossings:place/{}", p.id),
            "type": "Feature",
            "properties": { "title": p.name, "ccodes": [], "country": p.country },
            "when": { "timespans": timespans },
            "names": names,
            "types": [{ "label": p.category.as_str() }],
            "geometry": { "type": "Point", "coordinates": [round6(p.lon_lat.lon), round6(p.lon_lat.lat)], "certainty": if p.precision.is_approximate() { "less-certain" } else { "certain" } },
            "descriptions": events.iter().map(|e| { let e = dataset.event(*e); json!({ "value": format!("{}: {}", e.date.describe(), e.summary), "lang": "en" }) }).collect::<Vec<_>>(),
        }));
    }
    let doc = json!({
        "type": "FeatureCollection",
        "@context": "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/linkedplaces-context-v1.1.jsonld",
        "crossings": { "generator": concat!("crossings ", env!("CARGO_PKG_VERSION")), "filter": filter_meta(time) },
        "features": features,
    });
    finish(doc, places.len(), event_count)
}

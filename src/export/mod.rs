//! Writing what the user selected: GeoJSON (RFC 7946) for QGIS, kepler.gl and web maps, and
//! Linked Places Format for the World Historical Gazetteer. No UI here.
//!
//! Output is deterministic: the same dataset, places and filter give the same bytes (places
//! in dataset order, events in date order, object keys sorted).

mod atomic;

use std::io::Write;

use serde::Serialize;
use serde_json::{Map, Value, json};

pub use atomic::{WriteError, write_atomic};

use crate::chronology::{Day, Match, TimeFilter, TimeWindow};
use crate::model::{Dataset, Event, EventIx, PlaceIx};
use crate::query::{Themes, Visibility, place_events_shown, visibility};

pub use atomic::write_atomic_with;

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

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn day_or_null(d: Day) -> Option<String> {
    (!d.is_open()).then(|| d.iso())
}

fn ts_or_null(d: Day, time: &str) -> Option<String> {
    (!d.is_open()).then(|| format!("{} {time}", d.iso()))
}

/// The places a request exports: the listed (or all) places that show under its filter.
fn chosen_places(dataset: &Dataset, request: &ExportRequest, vis: &Visibility) -> Vec<PlaceIx> {
    let places: Vec<PlaceIx> = match &request.places {
        Some(list) => {
            let mut l = list.clone();
            l.sort();
            l.dedup();
            l
        }
        None => (0..dataset.places.len()).map(|i| PlaceIx(i as u32)).collect(),
    };
    places.into_iter().filter(|p| vis.places[p.ix()].is_shown()).collect()
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
    let vis = visibility(dataset, &request.time, &request.themes);
    let places = chosen_places(dataset, request, &vis);
    match request.format {
        Format::Geojson => geojson(w, dataset, &vis, &places, &request.time),
        Format::Lpf => {
            let out = lpf(dataset, &vis, &places, &request.time);
            w.write_all(out.text.as_bytes())?;
            Ok(Counts { places: out.place_count, events: out.event_count })
        }
    }
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

#[derive(Serialize)]
struct EventOut<'a> {
    id: &'a str,
    date: Option<String>,
    date_text: String,
    start_date: Option<String>,
    end_date: Option<String>,
    date_basis: &'static str,
    location_basis: &'static str,
    title: &'a str,
    summary: &'a str,
    category: &'static str,
    people: Vec<&'a str>,
    figures: &'a [crate::model::Figure],
    sources: Vec<&'a str>,
    note: Option<&'a str>,
    /// `certain` or `possible`: how the filter classified it ([`Match`]).
    certainty: &'static str,
    not_before: Option<String>,
    not_after: Option<String>,
    bounds_basis: Option<&'static str>,
    according_to: Vec<String>,
}

fn certainty(m: Match) -> &'static str {
    match m {
        Match::Certain => "certain",
        Match::Possible => "possible",
        Match::Hidden => "hidden",
    }
}

fn event_out<'a>(dataset: &'a Dataset, e: &'a Event, m: Match, window: Option<TimeWindow>) -> EventOut<'a> {
    let (start, end) = clip(e.date.earliest, e.date.latest, window);
    let dated = !e.date.is_undated();
    let extra = e.extra.as_deref();
    let bounded = extra.is_some_and(|x| x.not_before.is_some() || x.not_after.is_some());
    EventOut {
        certainty: certainty(m),
        not_before: extra.and_then(|x| x.not_before.as_ref()?.to_edtf()),
        not_after: extra.and_then(|x| x.not_after.as_ref()?.to_edtf()),
        bounds_basis: extra.filter(|_| bounded).map(|x| x.bounds_basis.as_str()),
        according_to: e.according_to(&dataset.sources).map(crate::model::Authority::cited_as).collect(),
        id: &e.id,
        date: e.date.to_edtf(),
        date_text: e.describe_date(),
        start_date: if dated { day_or_null(start) } else { None },
        end_date: if dated { day_or_null(end) } else { None },
        date_basis: e.date_basis.as_str(),
        location_basis: e.place_basis.as_str(),
        title: &e.title,
        summary: &e.summary,
        category: e.category.as_str(),
        people: e.people.iter().map(|p| dataset.person(*p).name.as_str()).collect(),
        figures: &e.figures,
        sources: e.sources.iter().map(|s| dataset.sources[s.ix()].title.as_str()).collect(),
        note: e.note.as_deref(),
    }
}

/// The flat properties QGIS and kepler.gl read, in a fixed order.
#[derive(Serialize)]
struct PropertiesOut<'a> {
    name: &'a str,
    #[serde(flatten)]
    names: std::collections::BTreeMap<String, String>,
    aliases: String,
    category: &'static str,
    theme: &'static str,
    country: Option<&'a str>,
    location_precision: &'static str,
    /// `certain` or `possible`: the best of its events, as the map draws it.
    certainty: &'static str,
    start_date: Option<String>,
    end_date: Option<String>,
    start_ts: Option<String>,
    end_ts: Option<String>,
    when_edtf: Option<String>,
    people: String,
    event_count: usize,
    events: Vec<EventOut<'a>>,
    time_window: Option<&'a str>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct PointOut {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

#[derive(Serialize)]
struct FeatureOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: PointOut,
    properties: PropertiesOut<'a>,
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

/// Writes the GeoJSON: a FeatureCollection with one feature per line, so a file of 100,000
/// places streams out without building it in memory, and diffs place by place.
fn geojson(
    w: &mut dyn Write,
    dataset: &Dataset,
    vis: &Visibility,
    places: &[PlaceIx],
    time: &TimeFilter,
) -> std::io::Result<Counts> {
    let window_text = time.window.map(TimeWindow::to_edtf);
    let header = json!({
        "generator": concat!("crossings ", env!("CARGO_PKG_VERSION")),
        "filter": filter_meta(time),
        "attribution": "Crossings dataset; see the sources listed in each event",
    });
    write!(w, "{{\"type\": \"FeatureCollection\",\n\"crossings\": ")?;
    serde_json::to_writer(&mut *w, &header)?;
    w.write_all(b",\n\"features\": [")?;
    let mut counts = Counts::default();
    for (i, &pix) in places.iter().enumerate() {
        let p = dataset.place(pix);
        let events: Vec<EventIx> = place_events_shown(dataset, vis, pix).collect();
        counts.events += events.len();
        let span = place_span(dataset, &events, time.window);
        let mut names = std::collections::BTreeMap::new();
        for n in &p.names {
            names
                .entry(format!("name_{}", n.lang.replace('-', "_")))
                .and_modify(|s: &mut String| {
                    s.push_str("; ");
                    s.push_str(&n.text);
                })
                .or_insert_with(|| n.text.clone());
        }
        let (start, end) = span.unwrap_or((Day::MIN, Day::MAX));
        let people: Vec<&str> =
            dataset.place_people[pix.ix()].iter().map(|x| dataset.person(*x).name.as_str()).collect();
        let feature = FeatureOut {
            kind: "Feature",
            id: &p.id,
            geometry: PointOut { kind: "Point", coordinates: [round6(p.lon_lat.lon), round6(p.lon_lat.lat)] },
            properties: PropertiesOut {
                name: &p.name,
                names,
                aliases: p.aliases.join("; "),
                category: p.category.as_str(),
                theme: dataset.place_theme(pix).as_str(),
                country: p.country.as_deref(),
                location_precision: p.precision.as_str(),
                certainty: certainty(vis.places[pix.ix()]),
                start_date: day_or_null(start),
                end_date: day_or_null(end),
                start_ts: ts_or_null(start, "00:00:00"),
                end_ts: ts_or_null(end, "23:59:59"),
                when_edtf: span.map(|(a, b)| format!("{}/{}", a.iso(), b.iso())),
                people: people.join("; "),
                event_count: events.len(),
                events: events
                    .iter()
                    .map(|e| event_out(dataset, dataset.event(*e), vis.events[e.ix()], time.window))
                    .collect(),
                time_window: window_text.as_deref(),
                note: p.note.as_deref(),
            },
        };
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *w, &feature)?;
        counts.places += 1;
    }
    w.write_all(b"\n]}\n")?;
    Ok(counts)
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
        // Linked Places Format: a start lies between its `earliest` and `latest`, and so does
        // an end; the known part runs from the start's latest to the end's earliest. An
        // unbounded side has no `earliest` (or `latest`): LPF reads a missing one as unknown.
        let timespans: Vec<Value> = events
            .iter()
            .filter(|e| !dataset.event(**e).date.is_undated())
            .map(|ix| {
                let e = dataset.event(*ix);
                let Some(span) = e.date.date_span() else { return Value::Null };
                let (a, b) = clip(span.earliest, span.latest, time.window);
                let (ka, kb) = span.known().unwrap_or((span.latest, span.earliest));
                let side = |lo: Day, hi: Day| {
                    let mut m = Map::new();
                    if lo == hi && !lo.is_open() {
                        m.insert("in".into(), json!(lo.iso()));
                        return m;
                    }
                    if !lo.is_open() {
                        m.insert("earliest".into(), json!(lo.iso()));
                    }
                    if !hi.is_open() {
                        m.insert("latest".into(), json!(hi.iso()));
                    }
                    m
                };
                // Exact sides collapse to `in`; known dates keep `in` as before.
                let (start, end) = if span.known() == Some((span.earliest, span.latest)) {
                    (side(a, a), side(b, b))
                } else {
                    (side(a, ka.max(a).min(b)), side(kb.min(b).max(a), b))
                };
                json!({ "start": start, "end": end, "label": e.title })
            })
            .collect();
        // LPF 1.2.2 allows "certainty" on a "when": a place the window shows only as possible.
        let mut when = json!({ "timespans": timespans });
        if vis.places[pix.ix()] == Match::Possible {
            when["certainty"] = json!("less-certain");
        }
        features.push(json!({
            "@id": format!("crossings:place/{}", p.id),
            "type": "Feature",
            "properties": { "title": p.name, "ccodes": [], "country": p.country },
            "when": when,
            "names": names,
            "types": [{ "label": p.category.as_str() }],
            "geometry": { "type": "Point", "coordinates": [round6(p.lon_lat.lon), round6(p.lon_lat.lat)], "certainty": if p.precision.is_approximate() { "less-certain" } else { "certain" } },
            "descriptions": events.iter().map(|e| { let e = dataset.event(*e); json!({ "value": format!("{}: {}", e.describe_date(), e.summary), "lang": "en" }) }).collect::<Vec<_>>(),
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

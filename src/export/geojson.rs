//! GeoJSON (RFC 7946) with flat properties, for QGIS, kepler.gl and web maps: one feature per
//! place of an [`ExportView`], its shown events nested in its properties.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::view::{ExportEvent, ExportPlace, ExportView};
use super::{certainty, day_or_null, filter_meta, round6};
use crate::chronology::{Day, TimeWindow};
use crate::model::Dataset;

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

/// The flat properties QGIS and kepler.gl read, in a fixed order.
#[derive(Serialize)]
struct PropertiesOut<'a> {
    name: &'a str,
    #[serde(flatten)]
    names: BTreeMap<String, String>,
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

fn ts_or_null(d: Day, time: &str) -> Option<String> {
    (!d.is_open()).then(|| format!("{} {time}", d.iso()))
}

fn event_out<'a>(dataset: &'a Dataset, shown: &ExportEvent<'a>) -> EventOut<'a> {
    let e = shown.event;
    let extra = e.extra.as_deref();
    let bounded = extra.is_some_and(|x| x.not_before.is_some() || x.not_after.is_some());
    EventOut {
        certainty: certainty(shown.certainty),
        not_before: extra.and_then(|x| x.not_before.as_ref()?.to_edtf()),
        not_after: extra.and_then(|x| x.not_after.as_ref()?.to_edtf()),
        bounds_basis: extra.filter(|_| bounded).map(|x| x.bounds_basis.as_str()),
        according_to: e.according_to(&dataset.sources).map(crate::model::Authority::cited_as).collect(),
        id: &e.id,
        date: e.date.to_edtf(),
        date_text: e.describe_date(),
        start_date: shown.span.and_then(|(start, _)| day_or_null(start)),
        end_date: shown.span.and_then(|(_, end)| day_or_null(end)),
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

fn feature<'a>(dataset: &'a Dataset, shown: &ExportPlace<'a>, window_text: Option<&'a str>) -> FeatureOut<'a> {
    let p = shown.place;
    let mut names = BTreeMap::new();
    for n in &p.names {
        names
            .entry(format!("name_{}", n.lang.replace('-', "_")))
            .and_modify(|s: &mut String| {
                s.push_str("; ");
                s.push_str(&n.text);
            })
            .or_insert_with(|| n.text.clone());
    }
    let (start, end) = shown.span.unwrap_or((Day::MIN, Day::MAX));
    let people: Vec<&str> =
        dataset.place_people[shown.ix.ix()].iter().map(|x| dataset.person(*x).name.as_str()).collect();
    FeatureOut {
        kind: "Feature",
        id: &p.id,
        geometry: PointOut { kind: "Point", coordinates: [round6(p.lon_lat.lon), round6(p.lon_lat.lat)] },
        properties: PropertiesOut {
            name: &p.name,
            names,
            aliases: p.aliases.join("; "),
            category: p.category.as_str(),
            theme: dataset.place_theme(shown.ix).as_str(),
            country: p.country.as_deref(),
            location_precision: p.precision.as_str(),
            certainty: certainty(shown.certainty),
            start_date: day_or_null(start),
            end_date: day_or_null(end),
            start_ts: ts_or_null(start, "00:00:00"),
            end_ts: ts_or_null(end, "23:59:59"),
            when_edtf: shown.span.map(|(a, b)| format!("{}/{}", a.iso(), b.iso())),
            people: people.join("; "),
            event_count: shown.events.len(),
            events: shown.events.iter().map(|e| event_out(dataset, e)).collect(),
            time_window: window_text,
            note: p.note.as_deref(),
        },
    }
}

/// Writes the view as a FeatureCollection with one feature per line, so a file of 100,000
/// places streams out without its JSON being built in memory, and diffs place by place.
pub fn write(w: &mut dyn Write, view: &ExportView<'_>) -> std::io::Result<()> {
    let window_text = view.time.window.map(TimeWindow::to_edtf);
    let header = serde_json::json!({
        "generator": super::GENERATOR,
        "filter": filter_meta(&view.time),
        "attribution": "Crossings dataset; see the sources listed in each event",
    });
    write!(w, "{{\"type\": \"FeatureCollection\",\n\"crossings\": ")?;
    serde_json::to_writer(&mut *w, &header)?;
    w.write_all(b",\n\"features\": [")?;
    for (i, place) in view.places.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *w, &feature(view.dataset, place, window_text.as_deref()))?;
    }
    w.write_all(b"\n]}\n")?;
    Ok(())
}

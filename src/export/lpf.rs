//! Linked Places Format (GeoJSON-LD) for the World Historical Gazetteer: one feature per place
//! of an [`ExportView`], with its names, a timespan per dated shown event and a description
//! per shown event.

use std::io::Write;

use serde_json::{Map, Value, json};

use super::view::{ExportEvent, ExportPlace, ExportView};
use super::{filter_meta, round6};
use crate::chronology::{Day, Match};
use crate::model::Dataset;

/// The `when` timespan of a dated event (`None` when undated).
///
/// Linked Places Format: a start lies between its `earliest` and `latest`, and so does an end;
/// the known part runs from the start's latest to the end's earliest. An unbounded side has no
/// `earliest` (or `latest`): LPF reads a missing one as unknown.
fn timespan(shown: &ExportEvent<'_>) -> Option<Value> {
    let e = shown.event;
    let span = e.date.date_span()?;
    let (a, b) = shown.span?;
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
    Some(json!({ "start": start, "end": end, "label": e.title }))
}

fn feature(dataset: &Dataset, shown: &ExportPlace<'_>) -> Value {
    let p = shown.place;
    let citations: Vec<Value> = p
        .sources
        .iter()
        .map(|s| json!({ "label": dataset.sources[s.ix()].title, "@id": format!("crossings:source/{}", dataset.sources[s.ix()].id) }))
        .collect();
    let mut names = vec![json!({ "toponym": p.name, "lang": "en", "citations": citations })];
    names.extend(p.names.iter().map(|n| json!({ "toponym": n.text, "lang": n.lang, "citations": citations })));
    names.extend(p.aliases.iter().map(|a| json!({ "toponym": a, "citations": citations })));
    let timespans: Vec<Value> = shown.events.iter().filter_map(timespan).collect();
    // LPF 1.2.2 allows "certainty" on a "when": a place the window shows only as possible.
    let mut when = json!({ "timespans": timespans });
    if shown.certainty == Match::Possible {
        when["certainty"] = json!("less-certain");
    }
    json!({
        "@id": format!("crossings:place/{}", p.id),
        "type": "Feature",
        "properties": { "title": p.name, "ccodes": [], "country": p.country },
        "when": when,
        "names": names,
        "types": [{ "label": p.category.as_str() }],
        "geometry": { "type": "Point", "coordinates": [round6(p.lon_lat.lon), round6(p.lon_lat.lat)], "certainty": if p.precision.is_approximate() { "less-certain" } else { "certain" } },
        "descriptions": shown.events.iter().map(|e| json!({ "value": format!("{}: {}", e.event.describe_date(), e.event.summary), "lang": "en" })).collect::<Vec<_>>(),
    })
}

/// Writes the view as one pretty-printed JSON-LD document with a final newline.
pub fn write(w: &mut dyn Write, view: &ExportView<'_>) -> std::io::Result<()> {
    let features: Vec<Value> = view.places.iter().map(|p| feature(view.dataset, p)).collect();
    let doc = json!({
        "type": "FeatureCollection",
        "@context": "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/linkedplaces-context-v1.1.jsonld",
        "crossings": { "generator": super::GENERATOR, "filter": filter_meta(&view.time) },
        "features": features,
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}

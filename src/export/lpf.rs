//! Linked Places Format (GeoJSON-LD) for the World Historical Gazetteer: one feature per place
//! of an [`ExportView`], with its names, a timespan per dated shown event and a description
//! per shown event. Every feature passes WHG's upload schema (`tests/lpf/lpf_v2.0.jsonld`,
//! checked one feature at a time as WHG does): ids are URIs, `ccodes` holds the country's ISO
//! code when the country is known, timespans hold only `start` and `end`, an open side is
//! left out rather than written empty, and a place with no dated event has no `when`.

use std::io::Write;

use serde_json::{Map, Value, json};

use super::view::{ExportEvent, ExportPlace, ExportView};
use super::{filter_meta, round6};
use crate::chronology::{Day, Match};
use crate::model::{Dataset, PlaceCategory};

/// The id base when no `--base-uri` is given: a URN, valid in the schema but not permanent.
pub const DEFAULT_BASE: &str = "urn:crossings:";

/// The Getty AAT concept of a place category, where WHG's own AAT list has one that fits
/// (WHG reads `aat:NNN` identifiers to give a feature its class). POW camps, schools,
/// memorials and museums have no fitting concept in that list, so they carry a label only.
fn aat(category: PlaceCategory) -> Option<&'static str> {
    match category {
        PlaceCategory::City => Some("aat:300008389"),
        PlaceCategory::Port => Some("aat:300120599"),
        PlaceCategory::Battlefield => Some("aat:300000835"),
        PlaceCategory::Cemetery => Some("aat:300266755"),
        PlaceCategory::Region => Some("aat:300182722"),
        PlaceCategory::Headquarters => Some("aat:300164060"),
        PlaceCategory::Camp | PlaceCategory::School | PlaceCategory::Memorial | PlaceCategory::Museum => None,
    }
}

/// The `when` timespan of a dated event (`None` when undated or open on both sides).
///
/// Linked Places Format: a start lies between its `earliest` and `latest`, and so does an end;
/// the known part runs from the start's latest to the end's earliest. An unbounded side has no
/// `earliest` (or `latest`); a side unbounded both ways is left out.
fn timespan(shown: &ExportEvent<'_>) -> Option<Value> {
    let e = shown.event;
    let span = e.date.date_span()?;
    let (a, b) = shown.span?;
    let (ka, kb) = span.known().unwrap_or((span.latest, span.earliest));
    let side = |lo: Day, hi: Day| -> Option<Map<String, Value>> {
        let mut m = Map::new();
        if lo == hi && !lo.is_open() {
            m.insert("in".into(), json!(lo.iso()));
            return Some(m);
        }
        if !lo.is_open() {
            m.insert("earliest".into(), json!(lo.iso()));
        }
        if !hi.is_open() {
            m.insert("latest".into(), json!(hi.iso()));
        }
        (!m.is_empty()).then_some(m)
    };
    // Exact sides collapse to `in`; known dates keep `in` as before.
    let (start, end) = if span.known() == Some((span.earliest, span.latest)) {
        (side(a, a), side(b, b))
    } else {
        (side(a, ka.max(a).min(b)), side(kb.min(b).max(a), b))
    };
    let mut ts = Map::new();
    if let Some(s) = start {
        ts.insert("start".into(), Value::Object(s));
    }
    if let Some(e) = end {
        ts.insert("end".into(), Value::Object(e));
    }
    (!ts.is_empty()).then_some(Value::Object(ts))
}

fn feature(dataset: &Dataset, shown: &ExportPlace<'_>, base: &str) -> Value {
    let p = shown.place;
    let citations: Vec<Value> = p
        .sources
        .iter()
        .map(|s| json!({ "label": dataset.sources[s.ix()].title, "@id": format!("{base}source/{}", dataset.sources[s.ix()].id) }))
        .collect();
    let mut names = vec![json!({ "toponym": p.name, "lang": "en", "citations": citations })];
    names.extend(p.names.iter().map(|n| json!({ "toponym": n.text, "lang": n.lang, "citations": citations })));
    names.extend(p.aliases.iter().map(|a| json!({ "toponym": a, "citations": citations })));
    let mut properties = json!({ "title": p.name });
    if let Some(country) = &p.country {
        properties["country"] = json!(country);
        if let Some(code) = crate::basemap::country_code(country) {
            properties["ccodes"] = json!([code]);
        }
    }
    let mut ty = json!({ "label": p.category.as_str() });
    if let Some(id) = aat(p.category) {
        ty["identifier"] = json!(id);
    }
    let mut f = json!({
        "@id": format!("{base}place/{}", p.id),
        "type": "Feature",
        "properties": properties,
        "names": names,
        "types": [ty],
        "geometry": { "type": "Point", "coordinates": [round6(p.lon_lat.lon), round6(p.lon_lat.lat)], "certainty": if p.precision.is_approximate() { "less-certain" } else { "certain" } },
        "descriptions": shown.events.iter().map(|e| json!({ "value": format!("{}: {}: {}", e.event.describe_date(), e.event.title, e.event.summary), "lang": "en" })).collect::<Vec<_>>(),
    });
    let timespans: Vec<Value> = shown.events.iter().filter_map(timespan).collect();
    if !timespans.is_empty() {
        // LPF 1.2.2 allows "certainty" on a "when": a place the window shows only as possible.
        let mut when = json!({ "timespans": timespans });
        if shown.certainty == Match::Possible {
            when["certainty"] = json!("less-certain");
        }
        f["when"] = when;
    }
    f
}

/// Writes the view as one pretty-printed JSON-LD document with a final newline. Ids are
/// `{base}place/{id}` and `{base}source/{id}`.
pub fn write(w: &mut dyn Write, view: &ExportView<'_>, base_uri: Option<&str>) -> std::io::Result<()> {
    let base = base_uri.unwrap_or(DEFAULT_BASE);
    let features: Vec<Value> = view.places.iter().map(|p| feature(view.dataset, p, base)).collect();
    let doc = json!({
        "type": "FeatureCollection",
        "@context": "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/linkedplaces-context-v1.1.jsonld",
        "crossings": { "generator": super::GENERATOR, "filter": filter_meta(&view.time) },
        "features": features,
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}

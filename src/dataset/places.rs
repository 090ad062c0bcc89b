//! `places.geojson`: a GeoJSON FeatureCollection of points, one feature per place.

use rustc_hash::FxHashMap;

use super::Meter;
use super::file::{
    FileCx, check_lengths, check_names, check_texts, parse_record, raw_array, register_id, resolve_sources,
};
use super::ids::IdIndex;
use super::problem::ProblemLog;
use super::records::{self, RawFeature, RawFeatureCollection};
use crate::model::{Place, PlaceIx, SourceIx};

/// Reads and checks every feature of a file; returns the places and their index by id.
pub(super) fn read(
    cx: &FileCx<'_>,
    sources: &IdIndex<SourceIx>,
    problems: &mut ProblemLog,
    meter: Meter<'_>,
) -> (Vec<Place>, IdIndex<PlaceIx>) {
    let mut places = Vec::new();
    let mut index = IdIndex::default();
    let mut seen = FxHashMap::default();
    let features = match serde_json::from_str::<RawFeatureCollection<'_>>(cx.text) {
        Ok(fc) => {
            if fc.kind != "FeatureCollection" {
                problems.push(cx.problem(
                    0,
                    None,
                    format!("type is '{}'; places must be a GeoJSON FeatureCollection", fc.kind),
                ));
            }
            raw_array(cx, fc.features.get(), problems)
        }
        Err(e) => {
            problems.push(cx.serde_problem(cx.text, None, &e));
            Vec::new()
        }
    };
    for raw in features {
        meter.at(cx, raw);
        let Some(rec) = parse_record::<RawFeature>(cx, raw, problems) else { continue };
        let id = match &rec.id {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => {
                problems.push(cx.problem(cx.offset_of(raw), None, format!("feature id {other} must be a string")));
                continue;
            }
            None => {
                problems.push(cx.problem(cx.offset_of(raw), None, "feature has no id; every place needs a stable id"));
                continue;
            }
        };
        if !register_id(cx, raw, &id, &mut seen, problems) {
            continue;
        }
        if rec.kind != "Feature" {
            problems.push(cx.problem(
                cx.field(raw, "type", None),
                Some(&id),
                format!("type is '{}', expected 'Feature'", rec.kind),
            ));
        }
        let Some(props) = rec.properties else {
            problems.push(cx.problem(
                cx.offset_of(raw),
                Some(&id),
                "feature has no properties (name, precision, category)",
            ));
            continue;
        };
        let lon_lat = match records::point(rec.geometry.as_ref()) {
            Ok(p) => p,
            Err(msg) => {
                problems.push(cx.problem(cx.field(raw, "geometry", None), Some(&id), msg));
                continue;
            }
        };
        check_texts(cx, raw, &id, &[("name", &props.name)], problems);
        check_names(cx, raw, &id, &props.names, problems);
        check_lengths(cx, raw, &id, &[("note", props.note.as_deref())], problems);
        if let Some(country) = &props.country
            && let Some(msg) = crate::basemap::check_country(country, lon_lat)
        {
            problems.push(cx.problem(cx.field(raw, "coordinates", None), Some(&id), msg));
        }
        let place_sources = resolve_sources(cx, raw, &id, &props.sources, sources, false, problems);
        index.insert(&id, PlaceIx(places.len() as u32));
        places.push(Place {
            id,
            name: props.name,
            names: props.names,
            aliases: props.aliases,
            lon_lat,
            country: props.country,
            precision: props.precision,
            category: props.category,
            sources: place_sources,
            note: props.note,
        });
    }
    (places, index)
}

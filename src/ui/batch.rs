//! The plain batch of what the map draws, built when the filter or data changes, never per
//! frame. Projection and painting happen later, in [`super::map`].

use crate::chronology::Match;
use crate::model::{Dataset, PlaceIx};
use crate::query::Visibility;

use super::style;

/// One place marker, ready to project.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// The place.
    pub place: PlaceIx,
    /// Longitude, latitude.
    pub lon_lat: [f64; 2],
    /// Radius in points.
    pub radius: f32,
    /// Theme colour.
    pub color: egui::Color32,
    /// Region or inferred location: drawn as a dashed ring.
    pub approximate_location: bool,
    /// How its events match the time filter (Hidden: a ghost dot).
    pub time_match: Match,
    /// English name.
    pub label: String,
    /// Native-script name shown beside it, if different.
    pub native: Option<String>,
    /// Events shown.
    pub shown_events: usize,
}

/// Every marker of the current view, ghosts first, then by importance (so important ones
/// paint on top and get their labels first).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MarkerBatch {
    /// Markers in paint order.
    pub markers: Vec<Marker>,
}

/// The native-script name worth showing beside the English one.
pub fn native_name(dataset: &Dataset, place: PlaceIx) -> Option<String> {
    let p = dataset.place(place);
    let preferred = ["zh-Hans", "ja", "vi", "ko", "ru", "zh-Hant"];
    preferred
        .iter()
        .find_map(|lang| p.names.iter().find(|n| n.lang == *lang))
        .or_else(|| p.names.iter().find(|n| !n.lang.starts_with("en") && !n.lang.ends_with("Latn")))
        .map(|n| n.text.clone())
        .filter(|t| *t != p.name)
}

impl MarkerBatch {
    /// Builds the batch for a visibility.
    pub fn build(dataset: &Dataset, vis: &Visibility) -> MarkerBatch {
        let mut markers: Vec<Marker> = dataset
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let ix = PlaceIx(i as u32);
                let shown_events = crate::query::place_events_shown(dataset, vis, ix).count();
                let time_match = vis.places[i];
                Marker {
                    place: ix,
                    lon_lat: [p.lon_lat.lon, p.lon_lat.lat],
                    radius: if time_match.is_shown() { style::marker_radius(shown_events) } else { 2.5 },
                    color: style::theme_color(dataset.place_theme(ix)),
                    approximate_location: p.precision.is_approximate(),
                    time_match,
                    label: p.name.clone(),
                    native: native_name(dataset, ix),
                    shown_events,
                }
            })
            .collect();
        markers.sort_by(|a, b| {
            (a.time_match.is_shown(), a.shown_events, std::cmp::Reverse(a.place)).cmp(&(
                b.time_match.is_shown(),
                b.shown_events,
                std::cmp::Reverse(b.place),
            ))
        });
        MarkerBatch { markers }
    }

    /// Shown markers.
    pub fn shown(&self) -> impl Iterator<Item = &Marker> {
        self.markers.iter().filter(|m| m.time_match.is_shown())
    }
}

//! What the map shows, as plain data: the scene that every painter draws.
//!
//! [`Scene::build`] takes the dataset, what the filter shows, the selection and a view (a
//! [`ScreenTransform`] and a canvas), and gives the basemap level, the faint dots of hidden
//! places, the clusters, the markers with their styles, the labels after placement, a person's
//! journey and the legend, all in canvas coordinates. It uses no toolkit: the window's map
//! plugins paint it with egui, and a file painter can paint the same scene, so the screen and
//! a file never disagree.
//!
//! - `places`: per-place data that does not change with the filter ([`PlaceStatics`]).
//! - `clusters`: markers and clusters for a view ([`ClusterGrid`], [`items`]).
//! - `labels`: label placement ([`Placer`]).
//! - `basemap`: a basemap level in web-mercator ([`MercatorLayer`]).

mod basemap;
mod clusters;
mod labels;
mod places;

pub use basemap::MercatorLayer;
pub use clusters::{
    CLUSTER_ABOVE, CLUSTER_CELL, Cluster, ClusterGrid, Items, MAX_GHOSTS, MAX_GRID_LEVEL, Marker, cluster_radius,
    items, marker_radius,
};
pub use labels::{Disc, MAX_LABEL_WIDTH, Placer, shorten};
pub use places::PlaceStatics;

use crate::basemap::Detail;
use crate::chronology::{Day, TimeFilter, TimeWindow};
use crate::geometry::{Bbox, LonLat, ScreenPoint, ScreenRect, ScreenTransform};
use crate::model::{Dataset, EventIx, PersonIx, PlaceIx, Theme};
use crate::query::Visibility;

/// A label placed on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The marker it names (an index into [`Items::markers`]).
    pub marker: usize,
    /// Where it goes.
    pub rect: ScreenRect,
    /// What it says (shortened with "…" when long).
    pub text: String,
    /// The whole name, for the tooltip.
    pub full: String,
}

/// One stop of a person's journey.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    /// Where.
    pub lon_lat: LonLat,
    /// When, in words ("August 1945, 1946").
    pub date: String,
}

/// A stop of a journey on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct JourneyStop {
    /// Where on the canvas.
    pub pos: ScreenPoint,
    /// "2. August 1945".
    pub text: String,
    /// Where its text goes; `None` when no spot was free (the stop is still drawn).
    pub label: Option<ScreenRect>,
}

/// One line of the legend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LegendEntry {
    /// The theme (its colour).
    pub theme: Theme,
    /// Its name.
    pub label: &'static str,
}

/// The legend's entries: one per theme.
pub fn legend() -> Vec<LegendEntry> {
    Theme::ALL.iter().map(|t| LegendEntry { theme: *t, label: t.label() }).collect()
}

/// How the legend explains marker shapes, under the theme entries.
pub const LEGEND_MARKS: [&str; 3] =
    ["dashed ring: approximate location", "dashed square: a whole country", "pale, inner ring: possibly in the window"];

/// Everything the map shows for one view, in paint order.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// The canvas.
    pub canvas: ScreenRect,
    /// From web-mercator to the canvas.
    pub transform: ScreenTransform,
    /// The basemap level for this zoom.
    pub basemap: Detail,
    /// Hidden places' dots, clusters and markers.
    pub items: Items,
    /// The selected places (highlighted).
    pub selected: Vec<PlaceIx>,
    /// Labels after placement.
    pub labels: Vec<Label>,
    /// A person's journey, stop by stop.
    pub journey: Vec<JourneyStop>,
    /// The legend.
    pub legend: Vec<LegendEntry>,
    /// The scale bar, bottom right (none where the map is too small or the scale meaningless).
    pub scale_bar: Option<ScaleBar>,
}

/// A scale bar: a length on the canvas and the distance it stands for on the ground at the
/// canvas's middle latitude (web-mercator stretches distances away from the equator).
#[derive(Clone, Debug, PartialEq)]
pub struct ScaleBar {
    /// Its left end.
    pub start: ScreenPoint,
    /// Its length in points.
    pub length: f32,
    /// The distance it stands for, in metres (a round number: 1, 2 or 5 times a power of ten).
    pub metres: f64,
    /// "500 km", "20 km", "500 m".
    pub label: String,
}

/// The equator's length in metres (WGS84), the width of the web-mercator world.
const EQUATOR_METRES: f64 = 40_075_016.686;

/// The longest scale bar, in points.
pub const SCALE_BAR_MAX: f32 = 120.0;

/// Where the scale bar's right end sits: this far left of and up from the canvas's corner.
const SCALE_BAR_INSET: [f32; 2] = [14.0, 26.0];

/// Where the scale bar may be drawn (its longest, with its distance above it): labels keep off.
pub fn scale_bar_area(canvas: ScreenRect) -> ScreenRect {
    let right = canvas.max.x - SCALE_BAR_INSET[0];
    let base = canvas.max.y - SCALE_BAR_INSET[1];
    Bbox {
        min: ScreenPoint::new(right - SCALE_BAR_MAX - 2.0, base - 18.0),
        max: ScreenPoint::new(right + 2.0, base + 4.0),
    }
}

/// The scale bar for a view: the longest round distance that fits in `max_length` points,
/// placed at the canvas's bottom right.
pub fn scale_bar(transform: &ScreenTransform, canvas: ScreenRect, max_length: f32) -> Option<ScaleBar> {
    let middle = transform.invert(canvas.center()).to_lon_lat();
    let metres_per_point = EQUATOR_METRES * middle.lat.to_radians().cos() / transform.scale;
    if !(metres_per_point.is_finite() && metres_per_point > 0.0) || max_length < 10.0 {
        return None;
    }
    let most = metres_per_point * f64::from(max_length);
    let power = 10f64.powf(most.log10().floor());
    let metres = [5.0, 2.0, 1.0].iter().map(|m| m * power).find(|m| *m <= most)?;
    let length = (metres / metres_per_point) as f32;
    let label = if metres >= 1000.0 { format!("{} km", metres / 1000.0) } else { format!("{metres} m") };
    let start = ScreenPoint::new(canvas.max.x - SCALE_BAR_INSET[0] - length, canvas.max.y - SCALE_BAR_INSET[1]);
    Some(ScaleBar { start, length, metres, label })
}

/// What a scene is built from.
#[derive(Clone, Copy)]
pub struct SceneInput<'a> {
    /// The dataset.
    pub dataset: &'a Dataset,
    /// Its places' positions, themes and labels.
    pub statics: &'a PlaceStatics,
    /// What the filter shows.
    pub vis: &'a Visibility,
    /// The selected places.
    pub selected: &'a [PlaceIx],
    /// The person whose journey is drawn, if any.
    pub person: Option<PersonIx>,
    /// The view.
    pub transform: ScreenTransform,
    /// The canvas.
    pub canvas: ScreenRect,
    /// What covers parts of the canvas (the legend, the zoom buttons): no label goes there.
    pub overlays: &'a [ScreenRect],
    /// While a search is on: the places that match it, sorted (the others are dimmed).
    pub highlight: Option<&'a [PlaceIx]>,
}

impl Scene {
    /// Builds the scene. `grid` must follow `input.vis` (see [`ClusterGrid`]); `measure` gives
    /// a label's width and height in points as the painter will draw it.
    pub fn build(input: SceneInput<'_>, grid: &mut ClusterGrid, measure: &dyn Fn(&str) -> [f32; 2]) -> Scene {
        Scene::build_with_journey(input, None, grid, measure)
    }

    /// As [`Scene::build`], with the journey's stops up to the day `journey_until` when given
    /// (an animation draws a journey as far as its frame's date, whatever the window shows).
    pub fn build_with_journey(
        input: SceneInput<'_>,
        journey_until: Option<Day>,
        grid: &mut ClusterGrid,
        measure: &dyn Fn(&str) -> [f32; 2],
    ) -> Scene {
        let SceneInput { dataset, statics, vis, selected, person, transform, canvas, overlays, highlight } = input;
        let mut items = items(statics, grid, vis, &transform, canvas, selected);
        if let Some(matching) = highlight {
            for m in &mut items.markers {
                m.dimmed = matching.binary_search(&m.place).is_err() && !selected.contains(&m.place);
            }
        }
        // What labels must not cover: markers (with a selected one's ring) and clusters.
        let discs: Vec<Disc> = items
            .markers
            .iter()
            .map(|m| Disc { pos: m.pos, radius: m.radius + if selected.contains(&m.place) { 5.0 } else { 0.0 } })
            .chain(items.clusters.iter().map(|c| Disc { pos: c.pos, radius: cluster_radius(c.places) }))
            .collect();
        // The scale bar's corner is taken too: no label goes over it.
        let mut taken = overlays.to_vec();
        taken.push(scale_bar_area(canvas));
        let mut placer = Placer::new(canvas, &taken, &discs);
        let padded = |text: &str| {
            let [w, h] = measure(text);
            [w + 4.0, h + 2.0]
        };
        // A journey's dates first: they are what the user asked to see.
        let stops = match journey_until {
            Some(until) => {
                let before = TimeFilter { window: Some(TimeWindow::new(Day::MIN, until)), include_undated: false };
                journey_where(dataset, person, |e| before.classify(&dataset.event(e).date).is_shown())
            }
            None => journey(dataset, vis, person),
        };
        let journey = stops
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let pos = transform.lon_lat(s.lon_lat);
                let text = shorten(&format!("{}. {}", i + 1, s.date), MAX_LABEL_WIDTH, measure);
                let own = items.markers.iter().position(|m| m.pos.distance(pos) < 0.5);
                let radius = own.map_or(4.0, |m| discs[m].radius);
                let label = placer.place(pos, radius, padded(&text), own);
                JourneyStop { pos, text, label }
            })
            .collect();
        // Then the places: the selected first, then those with most events shown.
        let mut order: Vec<usize> = (0..items.markers.len())
            .filter(|i| items.markers[*i].time_match.is_shown() && !items.markers[*i].dimmed)
            .collect();
        order.sort_by_key(|i| {
            let m = &items.markers[*i];
            (!selected.contains(&m.place), std::cmp::Reverse(m.shown_events), m.place)
        });
        let labels = order
            .into_iter()
            .filter_map(|marker| {
                let m = &items.markers[marker];
                let full = statics.label[m.place.ix()].clone();
                let text = shorten(&full, MAX_LABEL_WIDTH, measure);
                let rect = placer.place(m.pos, discs[marker].radius, padded(&text), Some(marker))?;
                Some(Label { marker, rect, text, full })
            })
            .collect();
        Scene {
            canvas,
            transform,
            basemap: Detail::for_zoom(transform.zoom()),
            items,
            selected: selected.to_vec(),
            labels,
            journey,
            legend: legend(),
            scale_bar: scale_bar(&transform, canvas, SCALE_BAR_MAX),
        }
    }

    /// The shown marker at a canvas point (the topmost, i.e. last painted), if any.
    pub fn marker_at(&self, p: ScreenPoint) -> Option<PlaceIx> {
        hit_test(&self.items.markers, p)
    }

    /// The label at a canvas point, if any.
    pub fn label_at(&self, p: ScreenPoint) -> Option<&Label> {
        self.labels.iter().find(|l| l.rect.contains(p))
    }

    /// The cluster at a canvas point, if any.
    pub fn cluster_at(&self, p: ScreenPoint) -> Option<&Cluster> {
        self.items.clusters.iter().find(|c| c.pos.distance(p) <= cluster_radius(c.places) + 2.0)
    }
}

/// The shown marker under a canvas point (the topmost, i.e. last painted), if any.
pub fn hit_test(markers: &[Marker], p: ScreenPoint) -> Option<PlaceIx> {
    markers
        .iter()
        .rev()
        .filter(|m| m.time_match.is_shown())
        .find(|m| m.pos.distance(p) <= m.radius + 3.0)
        .map(|m| m.place)
}

/// A person's journey: the places of their events that show, in date order, one stop per
/// place in a row (its dates joined).
pub fn journey(dataset: &Dataset, vis: &Visibility, person: Option<PersonIx>) -> Vec<Stop> {
    journey_where(dataset, person, |e| vis.events[e.ix()].is_shown())
}

/// A person's journey through the events `shown` keeps.
fn journey_where(dataset: &Dataset, person: Option<PersonIx>, shown: impl Fn(EventIx) -> bool) -> Vec<Stop> {
    let Some(person) = person else { return Vec::new() };
    let mut stops: Vec<Stop> = Vec::new();
    for e in &dataset.person_events[person.ix()] {
        if !shown(*e) {
            continue;
        }
        let ev = dataset.event(*e);
        let Some(p) = ev.place else { continue };
        let lon_lat = dataset.place(p).lon_lat;
        let date = ev.date.describe();
        match stops.last_mut() {
            Some(last) if last.lon_lat == lon_lat => {
                if !last.date.ends_with(&date) {
                    last.date = format!("{}, {date}", last.date);
                }
            }
            _ => stops.push(Stop { lon_lat, date }),
        }
    }
    stops
}

/// The shown places whose markers lie inside a canvas rectangle, in order.
pub fn places_in_box(statics: &PlaceStatics, vis: &Visibility, t: &ScreenTransform, rect: ScreenRect) -> Vec<PlaceIx> {
    let mut out: Vec<PlaceIx> = statics.in_view(t.visible(rect)).filter(|p| vis.places[p.ix()].is_shown()).collect();
    out.sort();
    out
}

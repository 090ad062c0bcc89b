//! What the map draws, prepared off the frame path.
//!
//! [`PlaceStatics`] is built once per dataset: each place's normalized mercator position, colour,
//! label and an R-tree over the positions. Per frame, [`frame_items`] asks the tree for the
//! places in view (cost follows what is visible, not what exists), keeps those the filter shows,
//! and clusters them on a screen grid when there are too many to draw one by one.

use egui::{Color32, Pos2, Rect};
use rstar::{AABB, RTree, primitives::GeomWithData};

use crate::chronology::Match;
use crate::model::{Dataset, PlaceIx};
use crate::query::Visibility;

use super::map::{ScreenTransform, mercator_normalized};
use super::style;

/// Above this many shown places in view, markers are clustered.
pub const CLUSTER_ABOVE: usize = 400;
/// Cluster grid cell, in points.
pub const CLUSTER_CELL: f32 = 56.0;
/// Hidden places drawn as faint dots for context, at most.
pub const MAX_GHOSTS: usize = 3000;

/// Per-place data that does not change with the filter.
pub struct PlaceStatics {
    /// Normalized web-mercator position.
    pub norm: Vec<[f64; 2]>,
    /// Theme colour.
    pub color: Vec<Color32>,
    /// Region or inferred location.
    pub approximate: Vec<bool>,
    /// "Yan'an 延安": English and native-script names.
    pub label: Vec<String>,
    tree: RTree<GeomWithData<[f64; 2], u32>>,
}

impl std::fmt::Debug for PlaceStatics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PlaceStatics({} places)", self.norm.len())
    }
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

impl PlaceStatics {
    /// Builds the statics and the R-tree.
    pub fn build(dataset: &Dataset) -> PlaceStatics {
        let n = dataset.places.len();
        let mut norm = Vec::with_capacity(n);
        let mut color = Vec::with_capacity(n);
        let mut approximate = Vec::with_capacity(n);
        let mut label = Vec::with_capacity(n);
        for (i, p) in dataset.places.iter().enumerate() {
            let ix = PlaceIx(i as u32);
            norm.push(mercator_normalized(p.lon_lat.lon, p.lon_lat.lat));
            color.push(style::theme_color(dataset.place_theme(ix)));
            approximate.push(p.precision.is_approximate());
            label.push(match native_name(dataset, ix) {
                Some(native) => format!("{} {native}", p.display_name()),
                None => p.display_name(),
            });
        }
        let tree = RTree::bulk_load(norm.iter().enumerate().map(|(i, p)| GeomWithData::new(*p, i as u32)).collect());
        PlaceStatics { norm, color, approximate, label, tree }
    }

    /// Places whose points lie in a normalized rectangle `[x0, y0, x1, y1]`.
    pub fn in_view(&self, view: [f64; 4]) -> impl Iterator<Item = PlaceIx> + '_ {
        let envelope = AABB::from_corners([view[0], view[1]], [view[2], view[3]]);
        self.tree.locate_in_envelope(&envelope).map(|g| PlaceIx(g.data))
    }
}

/// One place marker on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// The place.
    pub place: PlaceIx,
    /// Centre on screen.
    pub pos: Pos2,
    /// Radius in points.
    pub radius: f32,
    /// Theme colour.
    pub color: Color32,
    /// Region or inferred location: drawn as a dashed ring.
    pub approximate_location: bool,
    /// How its events match the time filter (Hidden: a ghost dot).
    pub time_match: Match,
    /// Events shown.
    pub shown_events: u32,
}

/// Several shown places drawn as one circle with their count.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// Centre on screen (mean of its members).
    pub pos: Pos2,
    /// Number of places.
    pub places: usize,
    /// Events shown at them.
    pub events: u64,
    /// Normalized bounding box of the members, to zoom to on click.
    pub bounds: [f64; 4],
}

/// Everything the map draws this frame, in paint order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameItems {
    /// Faint dots for hidden places (only when not clustering).
    pub ghosts: Vec<Pos2>,
    /// Clusters (when zoomed out on many places).
    pub clusters: Vec<Cluster>,
    /// Individual markers, least important first.
    pub markers: Vec<Marker>,
}

/// Chooses what to draw in `rect` for this view.
pub fn frame_items(
    statics: &PlaceStatics,
    vis: &Visibility,
    t: &ScreenTransform,
    rect: Rect,
    selected: &[PlaceIx],
) -> FrameItems {
    let view = t.visible(rect.expand(24.0));
    let mut shown: Vec<PlaceIx> = Vec::new();
    let mut hidden: Vec<PlaceIx> = Vec::new();
    for p in statics.in_view(view) {
        if vis.places[p.ix()].is_shown() {
            shown.push(p);
        } else if hidden.len() < MAX_GHOSTS {
            hidden.push(p);
        }
    }
    let marker = |p: PlaceIx| {
        let m = vis.places[p.ix()];
        let count = vis.counts[p.ix()];
        Marker {
            place: p,
            pos: t.apply(statics.norm[p.ix()]),
            radius: if m.is_shown() { style::marker_radius(count as usize) } else { 2.5 },
            color: statics.color[p.ix()],
            approximate_location: statics.approximate[p.ix()],
            time_match: m,
            shown_events: count,
        }
    };
    let mut items = FrameItems::default();
    if shown.len() > CLUSTER_ABOVE {
        // A fixed screen grid (a few hundred cells): one array slot per cell, no hashing.
        let cols = (rect.width() / CLUSTER_CELL).ceil() as i32 + 2;
        let rows = (rect.height() / CLUSTER_CELL).ceil() as i32 + 2;
        let mut cells: Vec<Option<(Cluster, f32, f32)>> = vec![None; (cols * rows).max(0) as usize];
        for p in &shown {
            if selected.contains(p) {
                continue;
            }
            let n = statics.norm[p.ix()];
            let pos = t.apply(n);
            let cx = (((pos.x - rect.left()) / CLUSTER_CELL).floor() as i32 + 1).clamp(0, cols - 1);
            let cy = (((pos.y - rect.top()) / CLUSTER_CELL).floor() as i32 + 1).clamp(0, rows - 1);
            let slot = &mut cells[(cy * cols + cx) as usize];
            let entry = slot.get_or_insert_with(|| {
                (Cluster { pos, places: 0, events: 0, bounds: [n[0], n[1], n[0], n[1]] }, 0.0, 0.0)
            });
            entry.0.places += 1;
            entry.0.events += u64::from(vis.counts[p.ix()]);
            let b = &mut entry.0.bounds;
            *b = [b[0].min(n[0]), b[1].min(n[1]), b[2].max(n[0]), b[3].max(n[1])];
            entry.1 += pos.x;
            entry.2 += pos.y;
        }
        items.clusters = cells
            .into_iter()
            .flatten()
            .map(|(mut c, sx, sy)| {
                c.pos = Pos2::new(sx / c.places as f32, sy / c.places as f32);
                c
            })
            .collect();
        items.markers = selected.iter().filter(|p| vis.places[p.ix()].is_shown()).map(|p| marker(*p)).collect();
    } else {
        items.ghosts = hidden.iter().map(|p| t.apply(statics.norm[p.ix()])).collect();
        let mut markers: Vec<Marker> = shown.into_iter().map(marker).collect();
        markers.sort_by_key(|m| (m.shown_events, std::cmp::Reverse(m.place)));
        items.markers = markers;
    }
    items
}

//! The map: walkers plugins that project and paint the basemap, the place markers and a
//! person's journey. Everything they draw was prepared beforehand ([`MercatorLayer`],
//! [`PlaceStatics`], [`ClusterGrid`]); a frame only projects, culls and paints.

use egui::{Align2, Color32, FontId, Pos2, Rect, Response, Shape, Stroke, Ui, Vec2, epaint::Mesh};
use walkers::{MapMemory, Plugin, Projector};

use crate::basemap::Layer;
use crate::chronology::Match;
use crate::model::PlaceIx;

use super::batch::{Cluster, ClusterGrid, FrameItems, Marker, PlaceStatics, frame_items};
use super::style;
use crate::query::Visibility;

pub use super::geometry::{ScreenTransform, mercator_normalized};

/// Triangulated land in normalized mercator: vertices, triangle indices, bounding box.
type LandMesh = (Vec<[f64; 2]>, Vec<u32>, [f64; 4]);

/// One basemap level in normalized mercator, prepared once.
#[derive(Clone, Debug, Default)]
pub struct MercatorLayer {
    land: Vec<LandMesh>,
    coast: Vec<(Vec<[f64; 2]>, [f64; 4])>,
    borders: Vec<(Vec<[f64; 2]>, [f64; 4])>,
}

fn bbox(points: &[[f64; 2]]) -> [f64; 4] {
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for p in points {
        b = [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])];
    }
    b
}

fn intersects(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1]
}

impl MercatorLayer {
    /// Converts a triangulated lon/lat layer.
    pub fn new(layer: &Layer) -> MercatorLayer {
        let conv = |pts: &[[f64; 2]]| pts.iter().map(|p| mercator_normalized(p[0], p[1])).collect::<Vec<_>>();
        let land = layer
            .land
            .iter()
            .map(|piece| {
                let v = conv(&piece.vertices);
                let b = bbox(&v);
                (v, piece.indices.clone(), b)
            })
            .collect();
        let coast = layer
            .land
            .iter()
            .flat_map(|piece| piece.rings.iter())
            .map(|r| {
                let v = conv(r);
                let b = bbox(&v);
                (v, b)
            })
            .collect();
        let borders = layer
            .borders
            .iter()
            .map(|l| {
                let v = conv(&l.points);
                let b = bbox(&v);
                (v, b)
            })
            .collect();
        MercatorLayer { land, coast, borders }
    }

    /// Shapes for the visible part of the layer.
    pub fn shapes(&self, t: &ScreenTransform, rect: Rect) -> Vec<Shape> {
        let view = t.visible(rect.expand(4.0));
        let mut shapes = Vec::new();
        let mut mesh = Mesh::default();
        for (v, idx, b) in &self.land {
            if !intersects(*b, view) {
                continue;
            }
            // Keep each mesh under u32 overflow and reasonably sized.
            if mesh.vertices.len() + v.len() > 60_000 {
                shapes.push(Shape::mesh(std::mem::take(&mut mesh)));
            }
            let base = mesh.vertices.len() as u32;
            for p in v {
                mesh.colored_vertex(t.apply(*p), style::LAND);
            }
            mesh.indices.extend(idx.iter().map(|i| base + i));
        }
        if !mesh.is_empty() {
            shapes.push(Shape::mesh(mesh));
        }
        let coast = Stroke::new(0.8, style::COAST);
        for (v, b) in &self.coast {
            if intersects(*b, view) {
                shapes.push(Shape::line(v.iter().map(|p| t.apply(*p)).collect(), coast));
            }
        }
        let border = Stroke::new(1.0, style::BORDER);
        for (v, b) in &self.borders {
            if intersects(*b, view) {
                shapes.extend(Shape::dashed_line(&v.iter().map(|p| t.apply(*p)).collect::<Vec<_>>(), border, 4.0, 2.0));
            }
        }
        shapes
    }
}

/// Paints the sea and one basemap level.
pub struct BasemapPlugin<'a> {
    /// The level to draw.
    pub layer: &'a MercatorLayer,
}

impl Plugin for BasemapPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _response: &Response, projector: &Projector, _memory: &MapMemory) {
        let rect = ui.max_rect();
        let t = ScreenTransform::new(projector);
        let painter = ui.painter();
        painter.rect_filled(rect, 0.0, style::SEA);
        painter.extend(self.layer.shapes(&t, rect));
    }
}

/// The shown marker under the pointer (the topmost, i.e. last painted), if any.
pub fn hit_test(markers: &[Marker], pointer: Pos2) -> Option<PlaceIx> {
    markers
        .iter()
        .rev()
        .filter(|m| m.time_match.is_shown())
        .find(|m| m.pos.distance(pointer) <= m.radius + 3.0)
        .map(|m| m.place)
}

/// The cluster under the pointer, if any.
pub fn hit_cluster(clusters: &[Cluster], pointer: Pos2) -> Option<&Cluster> {
    clusters.iter().find(|c| c.pos.distance(pointer) <= cluster_radius(c.places) + 2.0)
}

/// A cluster's radius for its number of places.
pub fn cluster_radius(places: usize) -> f32 {
    (10.0 + 4.0 * (places as f32).log2()).min(30.0)
}

/// Chooses which labels to draw: most important first, none overlapping another label or a
/// marker. Returns `(marker index, label rect)`.
pub fn place_labels(markers: &[Marker], sizes: &dyn Fn(&Marker) -> Vec2, must: &[PlaceIx]) -> Vec<(usize, Rect)> {
    let mut order: Vec<usize> = (0..markers.len()).filter(|i| markers[*i].time_match.is_shown()).collect();
    order.sort_by_key(|i| {
        let m = &markers[*i];
        (!must.contains(&m.place), std::cmp::Reverse(m.shown_events), m.place)
    });
    let mut taken: Vec<Rect> = Vec::new();
    let mut out = Vec::new();
    for i in order {
        let m = &markers[i];
        let size = sizes(m);
        let rect = Rect::from_min_size(m.pos + Vec2::new(m.radius + 3.0, -size.y / 2.0), size);
        let blocked = taken.iter().any(|r| r.intersects(rect))
            || markers
                .iter()
                .any(|o| o.place != m.place && o.time_match.is_shown() && rect.expand(-1.0).contains(o.pos));
        if blocked && !must.contains(&m.place) {
            continue;
        }
        taken.push(rect);
        out.push((i, rect));
    }
    out
}

/// The shown places whose markers lie inside a screen rectangle.
pub fn places_in_box(statics: &PlaceStatics, vis: &Visibility, t: &ScreenTransform, rect: Rect) -> Vec<PlaceIx> {
    let a = t.visible(rect);
    let mut out: Vec<PlaceIx> = statics.in_view(a).filter(|p| vis.places[p.ix()].is_shown()).collect();
    out.sort();
    out
}

/// What happened on the map this frame.
#[derive(Clone, Debug, PartialEq)]
pub enum MapEvent {
    /// A marker was clicked (`toggle`: with Ctrl/Cmd held).
    Clicked {
        /// The place.
        place: PlaceIx,
        /// Add to or remove from the selection instead of replacing it.
        toggle: bool,
    },
    /// Shift+drag drew a box around these shown places.
    Boxed(Vec<PlaceIx>),
    /// A cluster was clicked: zoom to these normalized bounds.
    ZoomTo([f64; 4]),
}

/// Paints markers (or clusters) with labels and tooltips, and reports clicks and boxes.
pub struct MarkersPlugin<'a> {
    /// Per-place positions, colours, labels and the R-tree.
    pub statics: &'a PlaceStatics,
    /// Cluster counts for `vis`.
    pub grid: &'a mut ClusterGrid,
    /// What the filter shows.
    pub vis: &'a Visibility,
    /// Selected places (highlighted).
    pub selected: &'a [PlaceIx],
    /// The tooltip's second line for a place.
    pub tooltip: &'a dyn Fn(PlaceIx) -> String,
    /// Where clicks are reported.
    pub events: &'a mut Vec<MapEvent>,
    /// The last frame's items and what they were computed for: reused while nothing changed.
    pub cache: &'a mut Option<(FrameKey, FrameItems)>,
    /// Bumped by the app whenever the visibility changes.
    pub vis_generation: u64,
}

/// What [`FrameItems`] depend on.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameKey {
    vis_generation: u64,
    transform: ScreenTransform,
    rect: Rect,
    selected: Vec<PlaceIx>,
}

fn dashed_circle(center: Pos2, radius: f32, stroke: Stroke) -> Vec<Shape> {
    let n = 16;
    (0..n)
        .filter(|i| i % 2 == 0)
        .map(|i| {
            let a0 = i as f32 / n as f32 * std::f32::consts::TAU;
            let a1 = (i + 1) as f32 / n as f32 * std::f32::consts::TAU;
            let p = |a: f32| center + Vec2::angled(a) * radius;
            Shape::line(vec![p(a0), p((a0 + a1) / 2.0), p(a1)], stroke)
        })
        .collect()
}

fn paint_tooltip(painter: &egui::Painter, at: Pos2, text: String) {
    let galley = painter.layout_no_wrap(text, FontId::proportional(13.0), style::MAP_TEXT);
    let r = Rect::from_min_size(at, galley.size() + Vec2::splat(10.0));
    painter.rect_filled(r, 4.0, style::TOOLTIP_FILL);
    painter.rect_stroke(r, 4.0, Stroke::new(1.0, style::TOOLTIP_EDGE), egui::StrokeKind::Inside);
    painter.galley(at + Vec2::splat(5.0), galley, style::MAP_TEXT);
}

impl Plugin for MarkersPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, response: &Response, projector: &Projector, _memory: &MapMemory) {
        let rect = ui.max_rect();
        let t = ScreenTransform::new(projector);
        let key =
            FrameKey { vis_generation: self.vis_generation, transform: t, rect, selected: self.selected.to_vec() };
        if self.cache.as_ref().is_none_or(|(k, _)| *k != key) {
            *self.cache = Some((key, frame_items(self.statics, self.grid, self.vis, &t, rect, self.selected)));
        }
        let Some((_, items)) = self.cache.as_ref() else { return };
        let painter = ui.painter().clone();
        for g in &items.ghosts {
            painter.circle_filled(*g, 2.5, style::GHOST);
        }
        let font = FontId::proportional(12.0);
        for c in &items.clusters {
            let r = cluster_radius(c.places);
            painter.circle_filled(c.pos, r, style::CLUSTER);
            painter.circle_stroke(c.pos, r, Stroke::new(1.5, Color32::WHITE));
            painter.text(c.pos, Align2::CENTER_CENTER, c.places.to_string(), font.clone(), Color32::WHITE);
        }
        for m in &items.markers {
            let selected = self.selected.contains(&m.place);
            if selected {
                painter.circle_filled(m.pos, m.radius + 5.0, style::SELECTED.gamma_multiply(0.6));
                painter.circle_stroke(m.pos, m.radius + 5.0, Stroke::new(2.0, Color32::BLACK));
            }
            let certain = m.time_match == Match::Certain;
            let fill = if certain { m.color } else { m.color.gamma_multiply(0.45) };
            if m.country_level {
                // A whole country: a pale dashed square, nothing like a city's dot.
                let r = Rect::from_center_size(m.pos, Vec2::splat(m.radius * 2.4));
                painter.rect_filled(r, 2.0, fill.gamma_multiply(0.35));
                let c = [r.left_top(), r.right_top(), r.right_bottom(), r.left_bottom(), r.left_top()];
                for pair in c.windows(2) {
                    painter.extend(egui::Shape::dashed_line(
                        &[pair[0], pair[1]],
                        Stroke::new(1.4, style::APPROXIMATE_EDGE),
                        4.0,
                        3.0,
                    ));
                }
            } else if m.approximate_location {
                painter.circle_filled(m.pos, m.radius, fill.gamma_multiply(0.6));
                painter.extend(dashed_circle(m.pos, m.radius, Stroke::new(1.6, style::APPROXIMATE_EDGE)));
            } else {
                painter.circle_filled(m.pos, m.radius, fill);
                painter.circle_stroke(m.pos, m.radius, Stroke::new(1.2, Color32::WHITE));
            }
            if !certain {
                // Possible in time: a ring inside the marker.
                painter.circle_stroke(m.pos, (m.radius - 2.5).max(1.5), Stroke::new(1.0, Color32::WHITE));
            }
        }
        // Labels (only for individual markers).
        let label_of = |m: &Marker| self.statics.label[m.place.ix()].clone();
        let sizes =
            |m: &Marker| painter.layout_no_wrap(label_of(m), font.clone(), Color32::BLACK).size() + Vec2::new(4.0, 2.0);
        if items.clusters.is_empty() || !self.selected.is_empty() {
            for (i, r) in place_labels(&items.markers, &sizes, self.selected) {
                painter.rect_filled(r, 3.0, style::LABEL_FILL);
                painter.text(
                    r.left_center() + Vec2::new(2.0, 0.0),
                    Align2::LEFT_CENTER,
                    label_of(&items.markers[i]),
                    font.clone(),
                    style::MAP_TEXT,
                );
            }
        }
        // Hover.
        if let Some(pointer) = response.hover_pos() {
            if let Some(place) = hit_test(&items.markers, pointer) {
                ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                let text = format!("{}\n{}", self.statics.label[place.ix()], (self.tooltip)(place));
                paint_tooltip(&painter, pointer + Vec2::new(14.0, 14.0), text);
            } else if let Some(c) = hit_cluster(&items.clusters, pointer) {
                ui.ctx().set_cursor_icon(egui::CursorIcon::ZoomIn);
                let text = format!("{} places, {} events shown\nclick to zoom in", c.places, c.events);
                paint_tooltip(&painter, pointer + Vec2::new(14.0, 14.0), text);
            }
        }
        // Shift+drag: a selection box (the map does not pan while Shift is held).
        let box_id = response.id.with("selection-box");
        if response.drag_started() && ui.input(|i| i.modifiers.shift) {
            let origin = ui.input(|i| i.pointer.press_origin());
            ui.data_mut(|d| d.insert_temp(box_id, origin));
        }
        let origin: Option<Pos2> = ui.data(|d| d.get_temp::<Option<Pos2>>(box_id)).flatten();
        if let (Some(o), Some(p)) = (origin, response.interact_pointer_pos().or(response.hover_pos())) {
            let r = Rect::from_two_pos(o, p);
            painter.rect_filled(r, 0.0, style::SELECTED.gamma_multiply(0.15));
            painter.rect_stroke(r, 0.0, Stroke::new(1.5, style::SELECTED), egui::StrokeKind::Inside);
            if response.drag_stopped() || !ui.input(|i| i.pointer.primary_down()) {
                self.events.push(MapEvent::Boxed(places_in_box(self.statics, self.vis, &t, r)));
                ui.data_mut(|d| d.remove::<Option<Pos2>>(box_id));
            }
        }
        if response.clicked()
            && let Some(pointer) = response.interact_pointer_pos()
        {
            if let Some(place) = hit_test(&items.markers, pointer) {
                let toggle = ui.input(|i| i.modifiers.command);
                self.events.push(MapEvent::Clicked { place, toggle });
            } else if let Some(c) = hit_cluster(&items.clusters, pointer) {
                self.events.push(MapEvent::ZoomTo(c.bounds));
            }
        }
    }
}

/// One stop of a journey.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    /// Where.
    pub lon_lat: [f64; 2],
    /// When, in words.
    pub date: String,
}

/// Draws a person's journey: a path between places, arrows, dates.
pub struct JourneyPlugin<'a> {
    /// The stops in order.
    pub stops: &'a [Stop],
}

impl Plugin for JourneyPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _response: &Response, projector: &Projector, _memory: &MapMemory) {
        if self.stops.is_empty() {
            return;
        }
        let t = ScreenTransform::new(projector);
        let painter = ui.painter();
        let color = style::JOURNEY;
        let pts: Vec<Pos2> = self.stops.iter().map(|s| t.lon_lat(s.lon_lat)).collect();
        for w in pts.windows(2) {
            let (a, b) = (w[0], w[1]);
            if a.distance(b) < 1.0 {
                continue;
            }
            painter.line_segment([a, b], Stroke::new(3.0, color.gamma_multiply(0.8)));
            let mid = a + (b - a) * 0.55;
            let dir = (b - a).normalized();
            let normal = Vec2::new(-dir.y, dir.x);
            let tip = mid + dir * 7.0;
            painter.add(Shape::convex_polygon(
                vec![tip, mid - dir * 5.0 + normal * 6.0, mid - dir * 5.0 - normal * 6.0],
                color,
                Stroke::NONE,
            ));
        }
        let font = FontId::proportional(11.0);
        for (i, (p, s)) in pts.iter().zip(self.stops).enumerate() {
            painter.circle_filled(*p, 4.0, color);
            let text = format!("{}. {}", i + 1, s.date);
            let offset = Vec2::new(0.0, 10.0 + 12.0 * (i % 3) as f32);
            painter.text(*p + offset, Align2::CENTER_TOP, text, font.clone(), color);
        }
    }
}

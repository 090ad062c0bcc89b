//! The map: walkers plugins that paint the basemap and the [`Scene`], and turn clicks, boxes
//! and hovers on it into [`Action`]s. They compute nothing of what the map shows: the scene
//! is built apart from egui ([`crate::scene`]), and these only project, paint and hit-test.

use egui::{Align2, Color32, FontId, Pos2, Rect, Response, Shape, Stroke, Ui, Vec2, epaint::Mesh};
use walkers::{MapMemory, Plugin, Projector};

use crate::geometry::{Bbox, ScreenTransform};
use crate::model::{Dataset, PlaceIx};
use crate::palette::{MarkerLook, MarkerShape};
use crate::scene::{MercatorLayer, PlaceStatics, Scene, cluster_radius, places_in_box};

use super::action::Action;
use super::geometry::{point, pos2, rect, screen_rect, transform_of};
use super::style::{self, from_palette};
use super::view::{FilteredView, SceneRequest};

/// The shapes of the part of a basemap level a canvas shows.
pub fn basemap_shapes(layer: &MercatorLayer, t: &ScreenTransform, canvas: Rect) -> Vec<Shape> {
    let view = t.visible(screen_rect(canvas.expand(4.0)));
    let at = |m: &crate::geometry::Mercator| pos2(t.apply(*m));
    let mut shapes = Vec::new();
    let mut mesh = Mesh::default();
    for (v, idx) in layer.land_in(view) {
        // Keep each mesh under u32 overflow and reasonably sized.
        if mesh.vertices.len() + v.len() > 60_000 {
            shapes.push(Shape::mesh(std::mem::take(&mut mesh)));
        }
        let base = mesh.vertices.len() as u32;
        for p in v {
            mesh.colored_vertex(at(p), style::LAND);
        }
        mesh.indices.extend(idx.iter().map(|i| base + i));
    }
    if !mesh.is_empty() {
        shapes.push(Shape::mesh(mesh));
    }
    let coast = Stroke::new(0.8, style::COAST);
    for v in layer.coast_in(view) {
        shapes.push(Shape::line(v.iter().map(at).collect(), coast));
    }
    let border = Stroke::new(1.0, style::BORDER);
    for v in layer.borders_in(view) {
        shapes.extend(Shape::dashed_line(&v.iter().map(at).collect::<Vec<_>>(), border, 4.0, 2.0));
    }
    shapes
}

/// Paints the sea and one basemap level.
pub struct BasemapPlugin<'a> {
    /// The level to draw.
    pub layer: &'a MercatorLayer,
}

impl Plugin for BasemapPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _response: &Response, projector: &Projector, _memory: &MapMemory) {
        let canvas = ui.max_rect();
        let t = transform_of(projector);
        let painter = ui.painter();
        painter.rect_filled(canvas, 0.0, style::SEA);
        painter.extend(basemap_shapes(self.layer, &t, canvas));
    }
}

/// The shapes of the overlay layers in view and in the time window, the last of the list
/// first (so the first is drawn on top): fills as meshes at the layer's opacity with an
/// outline, lines two points wide.
pub fn overlay_shapes(
    overlays: &[crate::overlay::StyledOverlay],
    window: Option<crate::chronology::TimeWindow>,
    t: &ScreenTransform,
    canvas: Rect,
) -> Vec<Shape> {
    let view = t.visible(screen_rect(canvas.expand(4.0)));
    let at = |m: &crate::geometry::Mercator| pos2(t.apply(*m));
    let mut shapes = Vec::new();
    for styled in overlays.iter().rev().filter(|o| o.settings.visible) {
        let [r, g, b] = styled.settings.color;
        let color = egui::Color32::from_rgb(r, g, b);
        let fill = color.gamma_multiply(styled.settings.opacity.clamp(0.0, 1.0));
        let mut mesh = Mesh::default();
        let mut outlines = Vec::new();
        for piece in styled.overlay.pieces_in(view, window) {
            match &piece.shape {
                crate::overlay::PieceShape::Fill { vertices, indices, rings } => {
                    if mesh.vertices.len() + vertices.len() > 60_000 {
                        shapes.push(Shape::mesh(std::mem::take(&mut mesh)));
                    }
                    let base = mesh.vertices.len() as u32;
                    for v in vertices {
                        mesh.colored_vertex(at(v), fill);
                    }
                    mesh.indices.extend(indices.iter().map(|i| base + i));
                    for ring in rings {
                        outlines.push(Shape::line(ring.iter().map(at).collect(), Stroke::new(1.2, color)));
                    }
                }
                crate::overlay::PieceShape::Line(points) => {
                    outlines.push(Shape::line(points.iter().map(at).collect(), Stroke::new(2.0, color)));
                }
            }
        }
        if !mesh.is_empty() {
            shapes.push(Shape::mesh(mesh));
        }
        shapes.extend(outlines);
    }
    shapes
}

/// Paints the overlay layers, above the basemap and under the markers.
pub struct OverlayPlugin<'a> {
    /// The layers shown, first on top.
    pub overlays: &'a [crate::overlay::StyledOverlay],
    /// The time window (dated features follow it).
    pub window: Option<crate::chronology::TimeWindow>,
}

impl Plugin for OverlayPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _response: &Response, projector: &Projector, _memory: &MapMemory) {
        if self.overlays.is_empty() {
            return;
        }
        let canvas = ui.max_rect();
        let t = transform_of(projector);
        ui.painter().with_clip_rect(canvas).extend(overlay_shapes(self.overlays, self.window, &t, canvas));
    }
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

/// The font of place labels.
fn label_font() -> FontId {
    FontId::proportional(crate::palette::LABEL_TEXT)
}

/// Paints a scene: a person's journey, the hidden places' dots, clusters, markers and labels.
pub fn paint_scene(painter: &egui::Painter, scene: &Scene) {
    paint_journey(painter, scene);
    for g in &scene.items.ghosts {
        painter.circle_filled(pos2(*g), 2.5, style::GHOST);
    }
    let font = label_font();
    for c in &scene.items.clusters {
        let (pos, r) = (pos2(c.pos), cluster_radius(c.places));
        painter.circle_filled(pos, r, style::CLUSTER);
        painter.circle_stroke(pos, r, Stroke::new(1.5, Color32::WHITE));
        painter.text(pos, Align2::CENTER_CENTER, c.places.to_string(), font.clone(), Color32::WHITE);
    }
    for m in &scene.items.markers {
        let pos = pos2(m.pos);
        if scene.selected.contains(&m.place) {
            painter.circle_filled(pos, m.radius + 5.0, style::SELECTED.gamma_multiply(0.6));
            painter.circle_stroke(pos, m.radius + 5.0, Stroke::new(2.0, Color32::BLACK));
        }
        let look = MarkerLook::of(m);
        match look.shape {
            MarkerShape::Faint => {
                // Not what the search asks for: a faint dot.
                painter.circle_filled(pos, m.radius.min(5.0), from_palette(look.fill));
                continue;
            }
            MarkerShape::DashedSquare => {
                // A whole country: a pale dashed square, nothing like a city's dot.
                let r = Rect::from_center_size(pos, Vec2::splat(m.radius * 2.4));
                painter.rect_filled(r, 2.0, from_palette(look.fill));
                let c = [r.left_top(), r.right_top(), r.right_bottom(), r.left_bottom(), r.left_top()];
                for pair in c.windows(2) {
                    painter.extend(Shape::dashed_line(
                        &[pair[0], pair[1]],
                        Stroke::new(1.4, style::APPROXIMATE_EDGE),
                        4.0,
                        3.0,
                    ));
                }
            }
            MarkerShape::DashedDisc => {
                painter.circle_filled(pos, m.radius, from_palette(look.fill));
                painter.extend(dashed_circle(pos, m.radius, Stroke::new(1.6, style::APPROXIMATE_EDGE)));
            }
            MarkerShape::Disc => {
                painter.circle_filled(pos, m.radius, from_palette(look.fill));
                painter.circle_stroke(pos, m.radius, Stroke::new(1.2, Color32::WHITE));
            }
        }
        if look.inner_ring {
            // Possible in time: a ring inside the marker.
            painter.circle_stroke(pos, (m.radius - 2.5).max(1.5), Stroke::new(1.0, Color32::WHITE));
        }
    }
    if let Some(bar) = &scene.scale_bar {
        paint_scale_bar(painter, bar);
    }
    for label in &scene.labels {
        paint_label(painter, label.rect, &label.text, style::MAP_TEXT);
    }
}

/// A placed label: its box, and its text in `color`.
fn paint_label(painter: &egui::Painter, at: crate::geometry::ScreenRect, text: &str, color: Color32) {
    let r = rect(at);
    painter.rect_filled(r, 3.0, style::LABEL_FILL);
    painter.text(r.left_center() + Vec2::new(2.0, 0.0), Align2::LEFT_CENTER, text, label_font(), color);
}

/// Draws the scale bar: a bar with end ticks, its distance above it.
fn paint_scale_bar(painter: &egui::Painter, bar: &crate::scene::ScaleBar) {
    let a = pos2(bar.start);
    let b = a + Vec2::new(bar.length, 0.0);
    let halo = Stroke::new(4.0, style::LABEL_FILL);
    let ink = Stroke::new(1.5, style::MAP_TEXT);
    for stroke in [halo, ink] {
        painter.line_segment([a, b], stroke);
        painter.line_segment([a, a - Vec2::new(0.0, 5.0)], stroke);
        painter.line_segment([b, b - Vec2::new(0.0, 5.0)], stroke);
    }
    painter.text(
        a + Vec2::new(bar.length / 2.0, -4.0),
        Align2::CENTER_BOTTOM,
        &bar.label,
        FontId::proportional(11.0),
        style::MAP_TEXT,
    );
}

/// Draws a person's journey: a path between places, arrows, dates.
fn paint_journey(painter: &egui::Painter, scene: &Scene) {
    let color = style::JOURNEY;
    let pts: Vec<Pos2> = scene.journey.iter().map(|s| pos2(s.pos)).collect();
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
    for (p, s) in pts.iter().zip(&scene.journey) {
        painter.circle_filled(*p, 4.0, color);
        if let Some(r) = s.label {
            paint_label(painter, r, &s.text, color);
        }
    }
}

/// Builds the scene for the map's view, paints it, and reports what the user did to it.
pub struct ScenePlugin<'a> {
    /// The dataset.
    pub dataset: &'a Dataset,
    /// Its places' positions, themes and labels.
    pub statics: &'a PlaceStatics,
    /// The filtered view the scene is built from (and cached in).
    pub view: &'a mut FilteredView,
    /// The selected places.
    pub selected: &'a [PlaceIx],
    /// The person whose journey is drawn.
    pub person: Option<crate::model::PersonIx>,
    /// What covers the map (no label goes there).
    pub overlays: &'a [crate::geometry::ScreenRect],
    /// While a search is on: its text and the places that match it, sorted.
    pub highlight: Option<(&'a str, &'a [PlaceIx])>,
    /// Where the user's clicks and boxes go.
    pub actions: &'a mut Vec<Action>,
}

impl Plugin for ScenePlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, response: &Response, projector: &Projector, _memory: &MapMemory) {
        let canvas = ui.max_rect();
        let t = transform_of(projector);
        let painter = ui.painter().clone();
        let measure = |text: &str| {
            let size = painter.layout_no_wrap(text.to_owned(), label_font(), Color32::BLACK).size();
            [size.x, size.y]
        };
        let request = SceneRequest {
            selected: self.selected,
            person: self.person,
            transform: t,
            canvas: screen_rect(canvas),
            overlays: self.overlays,
            highlight: self.highlight,
        };
        let scene = self.view.scene(self.dataset, self.statics, request, &measure);
        paint_scene(&painter, scene);
        // Hover.
        if let Some(pointer) = response.hover_pos() {
            if let Some(place) = scene.marker_at(point(pointer)) {
                ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                let n = self.dataset.place_events[place.ix()].len();
                let text = format!(
                    "{}\n{} · {}",
                    self.statics.label[place.ix()],
                    crate::counted(n, "event"),
                    self.dataset.place(place).precision.as_str()
                );
                paint_tooltip(&painter, pointer + Vec2::new(14.0, 14.0), text);
            } else if let Some(label) = scene.label_at(point(pointer)).filter(|l| l.text != l.full) {
                // A shortened name, whole.
                paint_tooltip(&painter, pointer + Vec2::new(14.0, 14.0), label.full.clone());
            } else if let Some(c) = scene.cluster_at(point(pointer)) {
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
                let boxed = Bbox::from_corners(point(r.min), point(r.max));
                self.actions.push(Action::SelectMany(places_in_box(self.statics, self.view.visibility(), &t, boxed)));
                ui.data_mut(|d| d.remove::<Option<Pos2>>(box_id));
            }
        }
        if response.double_clicked() || response.triple_clicked() {
            self.actions.push(Action::DoubleClickMap);
        } else if response.clicked()
            && let Some(pointer) = response.interact_pointer_pos()
        {
            let scene = self.view.scene(self.dataset, self.statics, request, &measure);
            let toggle = ui.input(|i| i.modifiers.command);
            match scene.cluster_at(point(pointer)) {
                Some(c) if scene.marker_at(point(pointer)).is_none() => self.actions.push(Action::ZoomTo(c.bounds)),
                _ => self.actions.push(Action::ClickMap { place: scene.marker_at(point(pointer)), toggle }),
            }
        }
    }
}

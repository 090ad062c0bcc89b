//! The SVG writer: a [`Composition`] as SVG with one named group per layer (basemap, borders,
//! ghosts, clusters, journeys, markers, labels, scale bar, legend, title, attribution, caption),
//! marked as Inkscape layers; Illustrator takes top-level groups as layers.

use std::fmt::Write as _;

use crate::geometry::{ScreenPoint, ScreenRect};
use crate::palette::{self, MarkerLook, MarkerShape, Rgba};
use crate::scene::cluster_radius;

use super::text::{FAMILY, Font};
use super::{Composition, Renderer, legend_lines, sizes};

/// How text is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextMode {
    /// Glyph outlines (the same on every machine) with the text kept beside them, invisible,
    /// for search and copy: the SVG file.
    Outlines,
    /// Glyph outlines only: for rasterising.
    OutlinesOnly,
    /// Text in the bundled font's family: for PDF, where the font is embedded.
    Text,
}

/// Which layers to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layers {
    /// Everything.
    All,
    /// The sea, land and borders (what an animation's frames share).
    Basemap,
    /// Everything above the basemap, on a transparent page.
    Overlay,
}

fn xml_escape(s: &str) -> String {
    crate::export::xml_escape(s, false)
}

/// `fill="#rrggbb"` and its opacity when not 1.
fn fill(c: Rgba) -> String {
    let (hex, a) = c.hex_and_opacity();
    if a >= 1.0 { format!(r#"fill="{hex}""#) } else { format!(r#"fill="{hex}" fill-opacity="{a:.3}""#) }
}

fn stroke(c: Rgba, width: f32) -> String {
    let (hex, a) = c.hex_and_opacity();
    if a >= 1.0 {
        format!(r#"stroke="{hex}" stroke-width="{width}""#)
    } else {
        format!(r#"stroke="{hex}" stroke-opacity="{a:.3}" stroke-width="{width}""#)
    }
}

/// How text is drawn: the font, and as outlines or text.
#[derive(Clone, Copy)]
struct Ink<'a> {
    font: &'a Font,
    mode: TextMode,
}

impl Ink<'_> {
    /// Text left-aligned at `x` with its capitals centred on `middle`.
    fn text(self, out: &mut String, s: &str, size: f32, x: f32, middle: f32, color: Rgba) {
        let y = self.font.baseline(middle, size);
        let esc = xml_escape(s);
        let family = format!(r#"font-family="{FAMILY}, sans-serif" font-size="{size}""#);
        match self.mode {
            TextMode::Text => {
                let _ = writeln!(out, r#"<text x="{x:.2}" y="{y:.2}" {family} {}>{esc}</text>"#, fill(color));
            }
            TextMode::Outlines | TextMode::OutlinesOnly => {
                let d = self.font.outline(s, size, x, y);
                let _ = write!(out, r#"<g><path d="{d}" {}/>"#, fill(color));
                if self.mode == TextMode::Outlines {
                    let _ = write!(out, r#"<text x="{x:.2}" y="{y:.2}" {family} fill-opacity="0">{esc}</text>"#);
                }
                out.push_str("</g>\n");
            }
        }
    }

    /// Text centred on a point.
    fn centred(self, out: &mut String, s: &str, size: f32, at: ScreenPoint, color: Rgba) {
        let w = self.font.width(s, size);
        self.text(out, s, size, at.x - w / 2.0, at.y, color);
    }
}

/// Opens a named layer; `clip`: kept to the map (only needed when a caption is under it, and
/// costly to rasterise, so left off otherwise).
fn open_layer(out: &mut String, id: &str, label: &str, clip: bool) {
    let clip = if clip { r#" clip-path="url(#map-area)""# } else { "" };
    let _ = writeln!(out, r#"<g id="{id}" inkscape:groupmode="layer" inkscape:label="{label}"{clip}>"#);
}

fn box_rect(out: &mut String, r: &ScreenRect, radius: f32, fill_color: Rgba, edge: Option<Rgba>) {
    let edge = edge.map(|e| format!(" {}", stroke(e, 1.0))).unwrap_or_default();
    let _ = writeln!(
        out,
        r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" rx="{radius}" {}{edge}/>"#,
        r.min.x,
        r.min.y,
        r.max.x - r.min.x,
        r.max.y - r.min.y,
        fill(fill_color)
    );
}

/// Sutherland–Hodgman: a ring clipped to a rectangle (fill stays right; edges along the
/// rectangle fall outside the visible page, which is smaller).
fn clip_ring(ring: Vec<ScreenPoint>, r: &ScreenRect) -> Vec<ScreenPoint> {
    type Inside = fn(ScreenPoint, &ScreenRect) -> bool;
    type Cross = fn(ScreenPoint, ScreenPoint, &ScreenRect) -> ScreenPoint;
    let edges: [(Inside, Cross); 4] = [
        (|p, r| p.x >= r.min.x, |a, b, r| ScreenPoint::new(r.min.x, a.y + (b.y - a.y) * (r.min.x - a.x) / (b.x - a.x))),
        (|p, r| p.x <= r.max.x, |a, b, r| ScreenPoint::new(r.max.x, a.y + (b.y - a.y) * (r.max.x - a.x) / (b.x - a.x))),
        (|p, r| p.y >= r.min.y, |a, b, r| ScreenPoint::new(a.x + (b.x - a.x) * (r.min.y - a.y) / (b.y - a.y), r.min.y)),
        (|p, r| p.y <= r.max.y, |a, b, r| ScreenPoint::new(a.x + (b.x - a.x) * (r.max.y - a.y) / (b.y - a.y), r.max.y)),
    ];
    let mut pts = ring;
    for (inside, cross) in edges {
        if pts.is_empty() {
            break;
        }
        let mut next = Vec::with_capacity(pts.len());
        let mut prev = pts[pts.len() - 1];
        for &p in &pts {
            match (inside(p, r), inside(prev, r)) {
                (true, true) => next.push(p),
                (true, false) => {
                    next.push(cross(prev, p, r));
                    next.push(p);
                }
                (false, true) => next.push(cross(prev, p, r)),
                (false, false) => {}
            }
            prev = p;
        }
        pts = next;
    }
    pts
}

/// Appends points as path data, skipping those within `min` points of the last one written.
fn push_points(d: &mut String, pts: &[ScreenPoint], close: bool, min: f32) {
    let mut last: Option<ScreenPoint> = None;
    for (i, p) in pts.iter().enumerate() {
        let keep = match last {
            None => true,
            Some(l) => i + 1 == pts.len() || l.distance(*p) >= min,
        };
        if keep {
            let _ = write!(d, "{}{:.1} {:.1}", if last.is_none() { 'M' } else { 'L' }, p.x, p.y);
            last = Some(*p);
        }
    }
    if close && last.is_some() {
        d.push('Z');
    }
}

/// Writes the SVG of a composition.
pub fn svg(renderer: &mut Renderer<'_>, comp: &Composition, mode: TextMode, layers: Layers) -> String {
    let ink = Ink { font: renderer.font(), mode };
    let dataset = renderer.dataset();
    let scene = &comp.scene;
    let layout = &comp.layout;
    let [w, h] = [layout.page.max.x, layout.page.max.y];
    let mut out = String::with_capacity(1 << 16);
    // The file of a sheet of paper says its size in points; what is rasterised or converted
    // to PDF keeps user units (a point each), which resvg and svg2pdf take as they are.
    let unit = if layout.paper && mode == TextMode::Outlines { "pt" } else { "" };
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="{w}{unit}" height="{h}{unit}" viewBox="0 0 {w} {h}">"#
    );
    if let Some(title) = &comp.decorations.title {
        let _ = writeln!(out, "<title>{}</title>", xml_escape(title));
    }
    let m = layout.map;
    let _ = writeln!(
        out,
        r#"<defs><clipPath id="map-area"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>"#,
        m.min.x,
        m.min.y,
        m.max.x - m.min.x,
        m.max.y - m.min.y
    );
    let clip = layout.caption.is_some();
    if layers != Layers::Overlay {
        basemap(&mut out, renderer, comp, clip);
    }
    if layers == Layers::Basemap {
        out.push_str("</svg>\n");
        return out;
    }
    // The user's own layers, under everything of the dataset (they follow each frame's time).
    if !renderer.overlays().is_empty() {
        open_layer(&mut out, "layers", "Layers", true);
        overlay_layers(&mut out, renderer, comp);
        out.push_str("</g>\n");
    }
    // Hidden places, faintly.
    open_layer(&mut out, "ghosts", "Hidden places", clip);
    for g in &scene.items.ghosts {
        let _ = writeln!(out, r#"<circle cx="{:.2}" cy="{:.2}" r="2.5" {}/>"#, g.x, g.y, fill(palette::GHOST));
    }
    out.push_str("</g>\n");
    // A person's journey: under the markers, as on screen.
    open_layer(&mut out, "journeys", "Journeys", clip);
    let j = palette::JOURNEY;
    for pair in scene.journey.windows(2) {
        let (a, b) = (pair[0].pos, pair[1].pos);
        if a.distance(b) < 1.0 {
            continue;
        }
        let _ = writeln!(
            out,
            r#"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" {} stroke-linecap="round"/>"#,
            a.x,
            a.y,
            b.x,
            b.y,
            stroke(j.gamma_multiply(0.8), 3.0)
        );
        let len = a.distance(b);
        let (dx, dy) = ((b.x - a.x) / len, (b.y - a.y) / len);
        let mid = ScreenPoint::new(a.x + (b.x - a.x) * 0.55, a.y + (b.y - a.y) * 0.55);
        let (nx, ny) = (-dy, dx);
        let tip = ScreenPoint::new(mid.x + dx * 7.0, mid.y + dy * 7.0);
        let back = ScreenPoint::new(mid.x - dx * 5.0, mid.y - dy * 5.0);
        let _ = writeln!(
            out,
            r#"<polygon points="{:.2},{:.2} {:.2},{:.2} {:.2},{:.2}" {}/>"#,
            tip.x,
            tip.y,
            back.x + nx * 6.0,
            back.y + ny * 6.0,
            back.x - nx * 6.0,
            back.y - ny * 6.0,
            fill(j)
        );
    }
    for s in &scene.journey {
        let _ = writeln!(out, r#"<circle cx="{:.2}" cy="{:.2}" r="4" {}/>"#, s.pos.x, s.pos.y, fill(j));
    }
    out.push_str("</g>\n");
    // Clusters.
    open_layer(&mut out, "clusters", "Clusters", clip);
    for c in &scene.items.clusters {
        let r = cluster_radius(c.places);
        let _ = writeln!(
            out,
            r#"<g class="cluster"><circle cx="{:.2}" cy="{:.2}" r="{r:.2}" {} {}/>"#,
            c.pos.x,
            c.pos.y,
            fill(palette::CLUSTER),
            stroke(Rgba::WHITE, 1.5)
        );
        ink.centred(&mut out, &c.places.to_string(), palette::LABEL_TEXT, c.pos, Rgba::WHITE);
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
    // Markers: one group per place.
    open_layer(&mut out, "markers", "Markers", clip);
    for mk in &scene.items.markers {
        let (x, y, r) = (mk.pos.x, mk.pos.y, mk.radius);
        let id = xml_escape(&dataset.place(mk.place).id);
        let _ = write!(out, r#"<g class="marker" data-place="{id}">"#);
        if scene.selected.contains(&mk.place) {
            let _ = write!(
                out,
                r#"<circle cx="{x:.2}" cy="{y:.2}" r="{:.2}" {} {}/>"#,
                r + 5.0,
                fill(palette::SELECTED.gamma_multiply(0.6)),
                stroke(Rgba::BLACK, 2.0)
            );
        }
        let look = MarkerLook::of(mk);
        match look.shape {
            MarkerShape::Faint => {
                let _ = write!(out, r#"<circle cx="{x:.2}" cy="{y:.2}" r="{:.2}" {}/>"#, r.min(5.0), fill(look.fill));
            }
            MarkerShape::DashedSquare => {
                let s = r * 2.4;
                let _ = write!(
                    out,
                    r#"<rect x="{:.2}" y="{:.2}" width="{s:.2}" height="{s:.2}" rx="2" {} {} stroke-dasharray="4 3"/>"#,
                    x - s / 2.0,
                    y - s / 2.0,
                    fill(look.fill),
                    stroke(palette::APPROXIMATE_EDGE, 1.4)
                );
            }
            MarkerShape::DashedDisc => {
                let dash = std::f32::consts::TAU * r / 16.0;
                let _ = write!(
                    out,
                    r#"<circle cx="{x:.2}" cy="{y:.2}" r="{r:.2}" {} {} stroke-dasharray="{dash:.2} {dash:.2}"/>"#,
                    fill(look.fill),
                    stroke(palette::APPROXIMATE_EDGE, 1.6)
                );
            }
            MarkerShape::Disc => {
                let _ = write!(
                    out,
                    r#"<circle cx="{x:.2}" cy="{y:.2}" r="{r:.2}" {} {}/>"#,
                    fill(look.fill),
                    stroke(Rgba::WHITE, 1.2)
                );
            }
        }
        if look.inner_ring {
            let _ = write!(
                out,
                r#"<circle cx="{x:.2}" cy="{y:.2}" r="{:.2}" fill="none" {}/>"#,
                (r - 2.5).max(1.5),
                stroke(Rgba::WHITE, 1.0)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
    // Scale bar.
    if let Some(bar) = &scene.scale_bar {
        open_layer(&mut out, "scale-bar", "Scale bar", false);
        let (a, b) = (bar.start, ScreenPoint::new(bar.start.x + bar.length, bar.start.y));
        let d = format!(
            "M{:.2} {:.2}L{:.2} {:.2}M{:.2} {:.2}L{:.2} {:.2}M{:.2} {:.2}L{:.2} {:.2}",
            a.x,
            a.y - 5.0,
            a.x,
            a.y,
            a.x,
            a.y,
            b.x,
            b.y,
            b.x,
            b.y,
            b.x,
            b.y - 5.0
        );
        for s in [stroke(palette::LABEL_FILL, 4.0), stroke(palette::MAP_TEXT, 1.5)] {
            let _ = writeln!(out, r#"<path d="{d}" fill="none" {s}/>"#);
        }
        let size = 11.0;
        let mid = ScreenPoint::new(a.x + bar.length / 2.0, a.y - 4.0 - size * 0.6);
        ink.centred(&mut out, &bar.label, size, mid, palette::MAP_TEXT);
        out.push_str("</g>\n");
    }
    // Labels: places, then the journey's dates.
    open_layer(&mut out, "labels", "Labels", clip);
    let label = |out: &mut String, r: &ScreenRect, s: &str, color: Rgba| {
        box_rect(out, r, 3.0, palette::LABEL_FILL, None);
        ink.text(out, s, palette::LABEL_TEXT, r.min.x + 2.0, (r.min.y + r.max.y) / 2.0, color);
    };
    for l in &scene.labels {
        label(&mut out, &l.rect, &l.text, palette::MAP_TEXT);
    }
    for s in &scene.journey {
        if let Some(r) = &s.label {
            label(&mut out, r, &s.text, palette::JOURNEY);
        }
    }
    out.push_str("</g>\n");
    decorations(&mut out, ink, comp);
    out.push_str("</svg>\n");
    out
}

/// A decoration's box: light, with a thin edge, as the window's popups.
const BOX_FILL: Rgba = Rgba([246, 246, 246, 238]);
const BOX_EDGE: Rgba = Rgba::gray(190);

fn decorations(out: &mut String, ink: Ink<'_>, comp: &Composition) {
    let layout = &comp.layout;
    let d = &comp.decorations;
    if let Some(r) = &layout.legend {
        open_layer(out, "legend", "Legend", false);
        box_rect(out, r, 4.0, BOX_FILL, Some(BOX_EDGE));
        let mut y = r.min.y + 6.0;
        for (theme, line, size) in legend_lines() {
            let h = size * super::text::LINE + 1.0;
            let middle = y + h / 2.0;
            let x = r.min.x + 8.0;
            match theme {
                Some(theme) => {
                    let _ = writeln!(
                        out,
                        r#"<circle cx="{:.2}" cy="{middle:.2}" r="5" {}/>"#,
                        x + 5.0,
                        fill(palette::theme_color(theme))
                    );
                    ink.text(out, line, size, x + 16.0, middle, palette::MAP_TEXT);
                }
                None => ink.text(out, line, size, x, middle, palette::FAINT_TEXT),
            }
            y += h;
        }
        out.push_str("</g>\n");
    }
    if layout.title.is_some() || layout.stamp.is_some() {
        open_layer(out, "title", "Title and date", false);
        for (r, t, size) in [(&layout.title, &d.title, sizes::TITLE), (&layout.stamp, &d.stamp, sizes::STAMP)] {
            if let (Some(r), Some(t)) = (r, t) {
                box_rect(out, r, 4.0, BOX_FILL, Some(BOX_EDGE));
                ink.text(out, t, size, r.min.x + 8.0, (r.min.y + r.max.y) / 2.0, palette::MAP_TEXT);
            }
        }
        out.push_str("</g>\n");
    }
    if let Some(r) = &layout.attribution {
        open_layer(out, "attribution", "Attribution", false);
        let s = crate::basemap::ATTRIBUTION;
        ink.text(out, s, sizes::ATTRIBUTION, r.min.x, (r.min.y + r.max.y) / 2.0, palette::FAINT_TEXT);
        out.push_str("</g>\n");
    }
    if let Some((r, lines)) = &layout.caption {
        open_layer(out, "caption", "Sources", false);
        box_rect(out, r, 0.0, Rgba::WHITE, None);
        let line = sizes::CAPTION * super::text::LINE;
        for (i, l) in lines.iter().enumerate() {
            let middle = r.min.y + sizes::PAD + line * (i as f32 + 0.5);
            ink.text(out, l, sizes::CAPTION, r.min.x + sizes::PAD, middle, palette::MAP_TEXT);
        }
        out.push_str("</g>\n");
    }
}

/// The overlay layers' pieces in view and in the window, the last layer of the list first.
fn overlay_layers(out: &mut String, renderer: &Renderer<'_>, comp: &Composition) {
    let t = comp.scene.transform;
    let view = t.visible(comp.layout.map.expand(8.0));
    for (i, styled) in renderer.overlays().iter().enumerate().rev() {
        if !styled.settings.visible {
            continue;
        }
        let [r, g, b] = styled.settings.color;
        let color = Rgba::rgb(r, g, b);
        let fill_color = color.gamma_multiply(styled.settings.opacity.clamp(0.0, 1.0));
        let (mut fills, mut lines) = (String::new(), String::new());
        for piece in styled.overlay.pieces_in(view, comp.window) {
            match &piece.shape {
                crate::overlay::PieceShape::Fill { rings, .. } => {
                    for ring in rings {
                        let pts: Vec<ScreenPoint> = ring.iter().map(|m| t.apply(*m)).collect();
                        push_points(&mut fills, &pts, true, 0.3);
                    }
                }
                crate::overlay::PieceShape::Line(pts) => {
                    let pts: Vec<ScreenPoint> = pts.iter().map(|m| t.apply(*m)).collect();
                    push_points(&mut lines, &pts, false, 0.3);
                }
            }
        }
        let name = xml_escape(&styled.overlay.name);
        let _ = writeln!(out, r#"<g class="layer-{i}" inkscape:label="{name}">"#);
        if !fills.is_empty() {
            let _ = writeln!(
                out,
                r#"<path d="{fills}" fill-rule="evenodd" {} {} stroke-linejoin="round"/>"#,
                fill(fill_color),
                stroke(color, 1.2)
            );
        }
        if !lines.is_empty() {
            let _ = writeln!(
                out,
                r#"<path d="{lines}" fill="none" {} stroke-linejoin="round" stroke-linecap="round"/>"#,
                stroke(color, 2.0)
            );
        }
        out.push_str("</g>\n");
    }
}

/// The sea, land, coasts and borders of the scene's view. The medium and fine levels cover
/// East Asia only ([`crate::basemap::DETAILED_AREA`]): beyond it the coarse level is drawn, and
/// the detailed level's cut edges are clipped away so they do not show as coastline.
fn basemap(out: &mut String, renderer: &mut Renderer<'_>, comp: &Composition, clip_to_map: bool) {
    use crate::basemap::{DETAILED_AREA, Detail};
    let scene = &comp.scene;
    let t = scene.transform;
    let canvas = comp.layout.map;
    let clip = canvas.expand(8.0);
    open_layer(out, "basemap", "Basemap", clip_to_map);
    let _ = writeln!(
        out,
        r#"<rect id="sea" x="{}" y="{}" width="{}" height="{}" {}/>"#,
        canvas.min.x,
        canvas.min.y,
        canvas.max.x - canvas.min.x,
        canvas.max.y - canvas.min.y,
        fill(palette::SEA)
    );
    let [w, s, e, n] = DETAILED_AREA;
    let area = ScreenRect::from_corners(
        t.lon_lat(crate::model::LonLat { lon: w, lat: s }),
        t.lon_lat(crate::model::LonLat { lon: e, lat: n }),
    );
    let mut levels = vec![(scene.basemap, None)];
    if scene.basemap != Detail::Coarse {
        let inner = area.expand(-1.0);
        let rect_d =
            |r: &ScreenRect| format!("M{:.1} {:.1}H{:.1}V{:.1}H{:.1}Z", r.min.x, r.min.y, r.max.x, r.max.y, r.min.x);
        let _ = writeln!(
            out,
            r#"<defs><clipPath id="detailed"><path d="{}"/></clipPath><clipPath id="beyond"><path d="{}{}" clip-rule="evenodd"/></clipPath></defs>"#,
            rect_d(&inner),
            rect_d(&clip),
            rect_d(&inner)
        );
        levels = vec![(scene.basemap, Some("detailed"))];
        if !(area.contains(clip.min) && area.contains(clip.max)) {
            levels.insert(0, (Detail::Coarse, Some("beyond")));
        }
    }
    let view = t.visible(clip);
    for (detail, clip_id) in &levels {
        let layer = renderer.layer(*detail);
        let mut d = String::new();
        for ring in layer.coast_in(view) {
            let pts = clip_ring(ring.iter().map(|m| t.apply(*m)).collect(), &clip);
            if pts.len() >= 3 {
                push_points(&mut d, &pts, true, 0.4);
            }
        }
        let clip_attr = clip_id.map(|c| format!(r#" clip-path="url(#{c})""#)).unwrap_or_default();
        let _ = writeln!(
            out,
            r#"<path class="land" d="{d}" {} fill-rule="evenodd" {} stroke-linejoin="round"{clip_attr}/>"#,
            fill(palette::LAND),
            stroke(palette::COAST, 0.8)
        );
    }
    out.push_str("</g>\n");
    open_layer(out, "borders", "Borders", clip_to_map);
    for (detail, clip_id) in &levels {
        let layer = renderer.layer(*detail);
        let mut d = String::new();
        for line in layer.borders_in(view) {
            // Runs of points inside the clip box (a segment leaving it ends a run).
            let mut run: Vec<ScreenPoint> = Vec::new();
            let mut inside = false;
            for m in line {
                let p = t.apply(*m);
                if clip.contains(p) {
                    run.push(p);
                    inside = true;
                } else {
                    if inside {
                        run.push(p);
                        push_points(&mut d, &run, false, 0.4);
                    }
                    run.clear();
                    run.push(p);
                    inside = false;
                }
            }
            if inside && run.len() > 1 {
                push_points(&mut d, &run, false, 0.4);
            }
        }
        let clip_attr = clip_id.map(|c| format!(r#" clip-path="url(#{c})""#)).unwrap_or_default();
        let _ = writeln!(
            out,
            r#"<path d="{d}" fill="none" {} stroke-dasharray="4 2"{clip_attr}/>"#,
            stroke(palette::BORDER, 1.0)
        );
    }
    out.push_str("</g>\n");
}

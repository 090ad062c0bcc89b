//! Between the toolkit's coordinates and [`crate::geometry`]'s: egui's points and rectangles
//! to and from canvas points, and the transform of a walkers projector. A leaf module: it
//! imports nothing else of the window.

use egui::{Pos2, Rect};
use walkers::{Projector, lon_lat};

use crate::geometry::{Bbox, ScreenPoint, ScreenRect, ScreenTransform};

/// The transform a walkers projector applies, derived from two projected points so it
/// matches walkers exactly.
pub fn transform_of(projector: &Projector<'_>) -> ScreenTransform {
    let west = projector.project(lon_lat(-90.0, 0.0));
    let east = projector.project(lon_lat(90.0, 0.0));
    let scale = f64::from(east.x - west.x) * 2.0;
    let center = projector.project(lon_lat(0.0, 0.0));
    let half = (scale * 0.5) as f32;
    ScreenTransform { origin: ScreenPoint::new(center.x - half, center.y - half), scale }
}

/// An egui position as a canvas point.
pub fn point(p: Pos2) -> ScreenPoint {
    ScreenPoint::new(p.x, p.y)
}

/// A canvas point as an egui position.
pub fn pos2(p: ScreenPoint) -> Pos2 {
    Pos2::new(p.x, p.y)
}

/// An egui rectangle as a canvas rectangle.
pub fn screen_rect(r: Rect) -> ScreenRect {
    Bbox { min: point(r.min), max: point(r.max) }
}

/// A canvas rectangle as an egui rectangle.
pub fn rect(r: ScreenRect) -> Rect {
    Rect::from_min_max(pos2(r.min), pos2(r.max))
}

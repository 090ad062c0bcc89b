//! Map geometry shared by the map's painters and its batches: web-mercator coordinates
//! normalised to 0..1 and the affine map from them to the screen. A leaf module: it imports
//! nothing of the map or the batches, so neither depends on the other for it.

use egui::{Pos2, Rect, Vec2};
use walkers::{Projector, lon_lat};

/// Web-mercator x, y in 0..1 (y down), from lon/lat.
pub fn mercator_normalized(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-85.0511, 85.0511);
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0;
    [x, y]
}

/// The affine map from normalized mercator to screen for one projector: `screen = origin + norm * scale`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenTransform {
    origin: Vec2,
    scale: f64,
}

impl ScreenTransform {
    /// Derived from two projected points, so it matches walkers exactly.
    pub fn new(projector: &Projector<'_>) -> ScreenTransform {
        let west = projector.project(lon_lat(-90.0, 0.0));
        let east = projector.project(lon_lat(90.0, 0.0));
        let scale = f64::from(east.x - west.x) * 2.0;
        let center = projector.project(lon_lat(0.0, 0.0));
        let origin = center - Vec2::splat((scale * 0.5) as f32);
        ScreenTransform { origin, scale }
    }

    /// Screen position of a normalized mercator point.
    pub fn apply(&self, n: [f64; 2]) -> Pos2 {
        Pos2::new(self.origin.x + (n[0] * self.scale) as f32, self.origin.y + (n[1] * self.scale) as f32)
    }

    /// Screen position of a lon/lat point.
    pub fn lon_lat(&self, lon_lat: [f64; 2]) -> Pos2 {
        self.apply(mercator_normalized(lon_lat[0], lon_lat[1]))
    }

    /// Screen points per normalized unit (`256 · 2^zoom`).
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// The normalized rectangle visible in a screen rect.
    pub fn visible(&self, rect: Rect) -> [f64; 4] {
        let inv = |p: Pos2| [f64::from(p.x - self.origin.x) / self.scale, f64::from(p.y - self.origin.y) / self.scale];
        let a = inv(rect.min);
        let b = inv(rect.max);
        [a[0], a[1], b[0], b[1]]
    }
}

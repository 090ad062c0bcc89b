//! Map geometry with the space in the type: [`LonLat`] (WGS84 degrees), [`Mercator`]
//! (web-mercator normalised to 0..1, y down), [`ScreenPoint`] (points on a canvas, y down), one
//! bounding-box type for all three ([`Bbox`]), and the affine map from Mercator to a canvas
//! ([`ScreenTransform`]).
//!
//! A leaf: it imports nothing of the crate but [`LonLat`], and no toolkit, so the scene, the
//! window and the file painters share it.
//!
//! ```
//! use crossings::geometry::{Bbox, LonLat, Mercator};
//! let harbin = Mercator::from(LonLat { lon: 126.63, lat: 45.75 });
//! let maizuru = Mercator::from(LonLat { lon: 135.33, lat: 35.47 });
//! let b = Bbox::of([harbin, maizuru]).unwrap();
//! assert!(b.contains(harbin) && b.min.x < b.max.x);
//! let back = harbin.to_lon_lat();
//! assert!((back.lat - 45.75).abs() < 1e-9);
//! ```

pub use crate::model::LonLat;

/// The latitude web-mercator stops at (the square world's edge).
pub const MERCATOR_MAX_LAT: f64 = 85.0511;

/// A point in two dimensions of some space: what [`Bbox`] needs of it.
pub trait Planar: Copy {
    /// Its coordinates, x first (longitude for [`LonLat`]).
    fn xy(self) -> [f64; 2];
    /// The point at these coordinates.
    fn from_xy(xy: [f64; 2]) -> Self;
}

/// Web-mercator normalised to the unit square: x 0..1 from 180° W, y 0..1 from the top.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Mercator {
    /// 0 at 180° W, 1 at 180° E.
    pub x: f64,
    /// 0 at the top (85.05° N), 1 at the bottom.
    pub y: f64,
}

impl From<LonLat> for Mercator {
    fn from(p: LonLat) -> Mercator {
        let lat = p.lat.clamp(-MERCATOR_MAX_LAT, MERCATOR_MAX_LAT);
        Mercator { x: (p.lon + 180.0) / 360.0, y: (1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 }
    }
}

impl Mercator {
    /// Back to degrees.
    pub fn to_lon_lat(self) -> LonLat {
        LonLat {
            lon: self.x * 360.0 - 180.0,
            lat: ((1.0 - 2.0 * self.y) * std::f64::consts::PI).sinh().atan().to_degrees(),
        }
    }
}

impl Planar for Mercator {
    fn xy(self) -> [f64; 2] {
        [self.x, self.y]
    }
    fn from_xy([x, y]: [f64; 2]) -> Self {
        Mercator { x, y }
    }
}

impl Planar for LonLat {
    fn xy(self) -> [f64; 2] {
        [self.lon, self.lat]
    }
    fn from_xy([lon, lat]: [f64; 2]) -> Self {
        LonLat { lon, lat }
    }
}

/// A point on a canvas (the window, an image), in points from its top-left corner.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ScreenPoint {
    /// Right.
    pub x: f32,
    /// Down.
    pub y: f32,
}

impl ScreenPoint {
    /// The point at `x`, `y`.
    pub const fn new(x: f32, y: f32) -> ScreenPoint {
        ScreenPoint { x, y }
    }

    /// The distance to another point.
    pub fn distance(self, other: ScreenPoint) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

impl Planar for ScreenPoint {
    fn xy(self) -> [f64; 2] {
        [f64::from(self.x), f64::from(self.y)]
    }
    fn from_xy([x, y]: [f64; 2]) -> Self {
        ScreenPoint { x: x as f32, y: y as f32 }
    }
}

/// An axis-aligned box in one space: `min` holds the smallest coordinates, `max` the largest.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bbox<P> {
    /// Smallest x and y.
    pub min: P,
    /// Largest x and y.
    pub max: P,
}

impl<P: Planar> Bbox<P> {
    /// The box of two corners, in any order.
    pub fn from_corners(a: P, b: P) -> Bbox<P> {
        let ([ax, ay], [bx, by]) = (a.xy(), b.xy());
        Bbox { min: P::from_xy([ax.min(bx), ay.min(by)]), max: P::from_xy([ax.max(bx), ay.max(by)]) }
    }

    /// The box of one point.
    pub fn point(p: P) -> Bbox<P> {
        Bbox { min: p, max: p }
    }

    /// The smallest box holding every point; `None` for none.
    pub fn of(points: impl IntoIterator<Item = P>) -> Option<Bbox<P>> {
        let mut points = points.into_iter();
        let mut b = Bbox::point(points.next()?);
        for p in points {
            b.extend(p);
        }
        Some(b)
    }

    /// Grows the box to hold `p`.
    pub fn extend(&mut self, p: P) {
        let ([x0, y0], [x1, y1], [x, y]) = (self.min.xy(), self.max.xy(), p.xy());
        self.min = P::from_xy([x0.min(x), y0.min(y)]);
        self.max = P::from_xy([x1.max(x), y1.max(y)]);
    }

    /// The smallest box holding both.
    pub fn union(mut self, other: Bbox<P>) -> Bbox<P> {
        self.extend(other.min);
        self.extend(other.max);
        self
    }

    /// Whether `p` lies inside or on the edge.
    pub fn contains(&self, p: P) -> bool {
        let ([x0, y0], [x1, y1], [x, y]) = (self.min.xy(), self.max.xy(), p.xy());
        x >= x0 && x <= x1 && y >= y0 && y <= y1
    }

    /// Whether the two boxes share any point.
    pub fn intersects(&self, other: &Bbox<P>) -> bool {
        let ([ax0, ay0], [ax1, ay1]) = (self.min.xy(), self.max.xy());
        let ([bx0, by0], [bx1, by1]) = (other.min.xy(), other.max.xy());
        ax0 <= bx1 && ax1 >= bx0 && ay0 <= by1 && ay1 >= by0
    }

    /// The box grown by `by` on every side (shrunk when negative).
    pub fn expand(&self, by: f64) -> Bbox<P> {
        let ([x0, y0], [x1, y1]) = (self.min.xy(), self.max.xy());
        Bbox { min: P::from_xy([x0 - by, y0 - by]), max: P::from_xy([x1 + by, y1 + by]) }
    }

    /// The middle.
    pub fn center(&self) -> P {
        let ([x0, y0], [x1, y1]) = (self.min.xy(), self.max.xy());
        P::from_xy([(x0 + x1) / 2.0, (y0 + y1) / 2.0])
    }

    /// Width and height.
    pub fn size(&self) -> [f64; 2] {
        let ([x0, y0], [x1, y1]) = (self.min.xy(), self.max.xy());
        [x1 - x0, y1 - y0]
    }
}

/// A rectangle on a canvas.
pub type ScreenRect = Bbox<ScreenPoint>;

/// The affine map from [`Mercator`] to a canvas at one view: `screen = origin + mercator · scale`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenTransform {
    /// Where Mercator (0, 0) falls on the canvas.
    pub origin: ScreenPoint,
    /// Canvas points per Mercator unit (`256 · 2^zoom`).
    pub scale: f64,
}

impl ScreenTransform {
    /// The transform that puts `center` in the middle of `canvas` at a web-mercator `zoom`
    /// (256-point tiles).
    pub fn centered(center: Mercator, zoom: f64, canvas: ScreenRect) -> ScreenTransform {
        let scale = 256.0 * zoom.exp2();
        let mid = canvas.center();
        let origin = ScreenPoint::new(
            (f64::from(mid.x) - center.x * scale) as f32,
            (f64::from(mid.y) - center.y * scale) as f32,
        );
        ScreenTransform { origin, scale }
    }

    /// The web-mercator zoom (`log2(scale / 256)`).
    pub fn zoom(&self) -> f64 {
        (self.scale / 256.0).log2()
    }

    /// Where a Mercator point falls on the canvas.
    pub fn apply(&self, m: Mercator) -> ScreenPoint {
        ScreenPoint::new(self.origin.x + (m.x * self.scale) as f32, self.origin.y + (m.y * self.scale) as f32)
    }

    /// Where a lon/lat point falls on the canvas.
    pub fn lon_lat(&self, p: LonLat) -> ScreenPoint {
        self.apply(p.into())
    }

    /// The Mercator point under a canvas point.
    pub fn invert(&self, p: ScreenPoint) -> Mercator {
        Mercator { x: f64::from(p.x - self.origin.x) / self.scale, y: f64::from(p.y - self.origin.y) / self.scale }
    }

    /// The Mercator box a canvas rectangle shows.
    pub fn visible(&self, rect: ScreenRect) -> Bbox<Mercator> {
        Bbox::from_corners(self.invert(rect.min), self.invert(rect.max))
    }

    /// The view that fits a Mercator box in a canvas of `size` points, keeping `margin`
    /// (`[left, right, top, bottom]` points) free for what covers the map; the zoom is kept
    /// within `zoom_range`. Gives the centre and the zoom (what the window's map takes; a
    /// picture makes its transform with [`ScreenTransform::centered`]).
    pub fn fit(b: Bbox<Mercator>, size: [f32; 2], margin: [f32; 4], zoom_range: [f64; 2]) -> (Mercator, f64) {
        let [left, right, top, bottom] = margin.map(f64::from);
        let w = (f64::from(size[0]) - left - right).max(50.0);
        let h = (f64::from(size[1]) - top - bottom).max(50.0);
        let [bw, bh] = b.size();
        let zx = (w / (bw.max(1e-6) * 256.0)).log2();
        let zy = (h / (bh.max(1e-6) * 256.0)).log2();
        let zoom = zx.min(zy).clamp(zoom_range[0], zoom_range[1]);
        // Shift the centre so the box sits in the middle of the free area.
        let scale = 256.0 * zoom.exp2();
        let c = b.center();
        (Mercator { x: c.x + (right - left) / 2.0 / scale, y: c.y + (bottom - top) / 2.0 / scale }, zoom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercator_round_trips_and_the_transform_inverts() {
        for (lon, lat) in [(0.0, 0.0), (126.63, 45.75), (-73.9, -40.1), (179.9, 85.0)] {
            let m = Mercator::from(LonLat { lon, lat });
            let back = m.to_lon_lat();
            assert!((back.lon - lon).abs() < 1e-9 && (back.lat - lat).abs() < 1e-9, "{lon} {lat}");
            let t = ScreenTransform::centered(
                Mercator { x: 0.8, y: 0.3 },
                5.5,
                Bbox::from_corners(ScreenPoint::new(0.0, 0.0), ScreenPoint::new(800.0, 600.0)),
            );
            let there = t.invert(t.apply(m));
            assert!((there.x - m.x).abs() < 1e-6 && (there.y - m.y).abs() < 1e-6);
        }
    }

    #[test]
    fn a_box_holds_its_points_and_meets_only_boxes_it_overlaps() {
        let b = Bbox::of([ScreenPoint::new(5.0, 1.0), ScreenPoint::new(1.0, 4.0)])
            .unwrap_or(Bbox::point(ScreenPoint::default()));
        assert_eq!((b.min, b.max), (ScreenPoint::new(1.0, 1.0), ScreenPoint::new(5.0, 4.0)));
        assert!(b.contains(ScreenPoint::new(5.0, 4.0)) && !b.contains(ScreenPoint::new(5.1, 4.0)));
        let right = Bbox::from_corners(ScreenPoint::new(6.0, 0.0), ScreenPoint::new(9.0, 9.0));
        assert!(!b.intersects(&right) && b.expand(1.0).intersects(&right));
        assert_eq!(Bbox::<LonLat>::of([]), None);
    }
}

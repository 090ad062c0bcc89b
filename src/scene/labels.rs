//! Label placement: which labels are drawn, and where, so that none covers another label, a
//! marker, a cluster or an overlay (the legend, the zoom buttons), and none runs off the map.
//!
//! Each label tries four spots around its point (right, left, above, below); one that fits
//! nowhere is left out rather than drawn on top. Long names are shortened with "…" (the full
//! name stays with the label, for the tooltip).

use crate::geometry::{Bbox, ScreenPoint, ScreenRect};

/// The widest label, in points; longer names are shortened.
pub const MAX_LABEL_WIDTH: f32 = 170.0;

/// A round obstacle: a marker or a cluster.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Disc {
    /// Centre.
    pub pos: ScreenPoint,
    /// Radius.
    pub radius: f32,
}

/// Places labels one after another, most important first.
#[derive(Clone, Debug)]
pub struct Placer<'a> {
    /// Where labels may go: the canvas.
    area: ScreenRect,
    /// Rectangles no label may cover (overlays), and the labels placed so far.
    taken: Vec<ScreenRect>,
    /// Markers and clusters.
    discs: &'a [Disc],
}

impl<'a> Placer<'a> {
    /// A placer for a canvas, its overlays and the markers and clusters on it.
    pub fn new(area: ScreenRect, overlays: &[ScreenRect], discs: &'a [Disc]) -> Placer<'a> {
        Placer { area, taken: overlays.to_vec(), discs }
    }

    /// Places a label of `size` (width, height) beside a point drawn with `radius` (its own
    /// disc, if it has one, is `own`); `None` when no spot is free.
    pub fn place(&mut self, at: ScreenPoint, radius: f32, size: [f32; 2], own: Option<usize>) -> Option<ScreenRect> {
        let [w, h] = size;
        let gap = radius + 3.0;
        let spots = [
            ScreenPoint::new(at.x + gap, at.y - h / 2.0),
            ScreenPoint::new(at.x - gap - w, at.y - h / 2.0),
            ScreenPoint::new(at.x - w / 2.0, at.y - gap - h),
            ScreenPoint::new(at.x - w / 2.0, at.y + gap),
        ];
        let rect = spots
            .into_iter()
            .map(|min| Bbox { min, max: ScreenPoint::new(min.x + w, min.y + h) })
            .find(|r| self.free(r, own))?;
        self.taken.push(rect);
        Some(rect)
    }

    fn free(&self, r: &ScreenRect, own: Option<usize>) -> bool {
        self.area.contains(r.min)
            && self.area.contains(r.max)
            && !self.taken.iter().any(|t| t.intersects(r))
            && !self.discs.iter().enumerate().any(|(i, d)| Some(i) != own && disc_meets(d, r))
    }
}

/// Whether a disc overlaps a rectangle (by more than a point's sliver).
fn disc_meets(d: &Disc, r: &ScreenRect) -> bool {
    let nearest = ScreenPoint::new(d.pos.x.clamp(r.min.x, r.max.x), d.pos.y.clamp(r.min.y, r.max.y));
    nearest.distance(d.pos) < d.radius - 0.5
}

/// `text` if it measures at most `max` points wide, else as much of it as fits, with "…".
pub fn shorten(text: &str, max: f32, measure: &dyn Fn(&str) -> [f32; 2]) -> String {
    if measure(text)[0] <= max {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits, by halving.
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>().trim_end().to_owned() + "…";
        if measure(&candidate)[0] <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    chars[..lo].iter().collect::<String>().trim_end().to_owned() + "…"
}

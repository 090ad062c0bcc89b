//! Label placement: which markers get a label, and where, so that no label covers another or
//! a marker.

use crate::geometry::{Bbox, ScreenPoint, ScreenRect};
use crate::model::PlaceIx;

use super::clusters::Marker;

/// Chooses which labels to draw: most important first (the `must` places, then the places
/// with most events shown), none overlapping another label or a marker. `size` measures a
/// marker's label (width, height in points). Returns `(marker index, label rect)`.
pub fn place_labels(
    markers: &[Marker],
    size: &dyn Fn(&Marker) -> [f32; 2],
    must: &[PlaceIx],
) -> Vec<(usize, ScreenRect)> {
    let mut order: Vec<usize> = (0..markers.len()).filter(|i| markers[*i].time_match.is_shown()).collect();
    order.sort_by_key(|i| {
        let m = &markers[*i];
        (!must.contains(&m.place), std::cmp::Reverse(m.shown_events), m.place)
    });
    let mut taken: Vec<ScreenRect> = Vec::new();
    let mut out = Vec::new();
    for i in order {
        let m = &markers[i];
        let [w, h] = size(m);
        let min = ScreenPoint::new(m.pos.x + m.radius + 3.0, m.pos.y - h / 2.0);
        let rect = Bbox { min, max: ScreenPoint::new(min.x + w, min.y + h) };
        let blocked = taken.iter().any(|r| r.intersects(&rect))
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

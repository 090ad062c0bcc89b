//! An index of event spans for window queries whose cost follows what the window holds.
//!
//! Bounded spans (both ends known, at most [`LONG_SPAN_DAYS`] long) are kept sorted by their
//! earliest day: the events that can overlap `[a, b]` have `earliest` in
//! `[a - longest, b]`, found by two binary searches. Open-ended and very long spans are few and
//! are always checked; undated events are listed apart.

use super::day::Day;
use super::window::TimeWindow;

/// Spans longer than this many days go to the always-checked list.
pub const LONG_SPAN_DAYS: i32 = 3660;

/// The index. Positions are `u32` indices into the caller's event list.
#[derive(Clone, Debug, Default)]
pub struct SpanIndex {
    /// Bounded spans' indices, sorted by earliest day.
    order: Vec<u32>,
    /// `earliest` of each entry of `order`.
    earliest: Vec<Day>,
    /// The longest bounded span, in days.
    longest: i32,
    /// Open, unknown-ended or very long spans.
    long: Vec<u32>,
    /// Undated events.
    undated: Vec<u32>,
}

impl SpanIndex {
    /// Builds the index from `(earliest, latest)` spans, `None` for undated.
    pub fn build(spans: impl IntoIterator<Item = Option<(Day, Day)>>) -> SpanIndex {
        let mut bounded: Vec<(Day, u32)> = Vec::new();
        let mut index = SpanIndex::default();
        for (i, span) in spans.into_iter().enumerate() {
            let i = i as u32;
            match span {
                None => index.undated.push(i),
                Some((a, b)) if a.is_open() || b.is_open() || b.0 - a.0 > LONG_SPAN_DAYS => index.long.push(i),
                Some((a, b)) => {
                    index.longest = index.longest.max(b.0 - a.0);
                    bounded.push((a, i));
                }
            }
        }
        bounded.sort_unstable();
        index.earliest = bounded.iter().map(|(d, _)| *d).collect();
        index.order = bounded.into_iter().map(|(_, i)| i).collect();
        index
    }

    /// Every index whose span may overlap the window (a superset of the overlapping ones,
    /// never missing one), undated excluded.
    pub fn candidates(&self, window: TimeWindow) -> impl Iterator<Item = u32> + '_ {
        let from = Day(window.start.0.saturating_sub(self.longest));
        let lo = self.earliest.partition_point(|d| *d < from);
        let hi = self.earliest.partition_point(|d| *d <= window.end);
        self.order[lo..hi.max(lo)].iter().copied().chain(self.long.iter().copied())
    }

    /// The undated entries.
    pub fn undated(&self) -> &[u32] {
        &self.undated
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn candidates_never_miss_an_overlapping_span(
            spans in proptest::collection::vec(proptest::option::of((-3000i32..3000, 0i32..5000, 0u8..10)), 0..200),
            a in -4000i32..4000, len in 0i32..3000,
        ) {
            let spans: Vec<Option<(Day, Day)>> = spans
                .into_iter()
                .map(|s| s.map(|(start, l, kind)| match kind {
                    0 => (Day::MIN, Day(start + l)),
                    1 => (Day(start), Day::MAX),
                    _ => (Day(start), Day(start + l)),
                }))
                .collect();
            let index = SpanIndex::build(spans.iter().copied());
            let window = TimeWindow::new(Day(a), Day(a + len));
            let found: std::collections::HashSet<u32> = index.candidates(window).collect();
            for (i, s) in spans.iter().enumerate() {
                if let Some((e, l)) = s {
                    if window.overlaps(*e, *l) {
                        prop_assert!(found.contains(&(i as u32)), "missed {i}: {s:?}");
                    }
                } else {
                    prop_assert!(index.undated().contains(&(i as u32)));
                }
            }
        }
    }
}

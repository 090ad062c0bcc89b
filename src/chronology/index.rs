//! An index of event spans for window queries whose cost follows what the window holds.
//!
//! Bounded spans (both ends known, at most [`LONG_SPAN_DAYS`] long) are kept in buckets by
//! length (a month, a year, ten years), each sorted by earliest day: in a bucket whose longest
//! span is `L`, the events that can overlap `[a, b]` have `earliest` in `[a - L, b]`, found by two
//! binary searches. Day- and month-precise events thus cost nothing outside the window.
//! Open-ended and very long spans are always checked (they overlap most windows anyway);
//! undated events are listed apart.

use super::day::Day;
use super::edtf::DateSpan;
use super::window::TimeWindow;

/// Spans longer than this many days go to the always-checked list.
pub const LONG_SPAN_DAYS: i32 = 3660;

/// Upper bounds (days) of the length buckets.
const BUCKETS: [i32; 3] = [31, 366, LONG_SPAN_DAYS];

/// Spans of one length class, sorted by earliest day.
#[derive(Clone, Debug, Default)]
struct Bucket {
    order: Vec<u32>,
    earliest: Vec<Day>,
    longest: i32,
}

impl Bucket {
    fn candidates(&self, window: TimeWindow) -> &[u32] {
        let from = Day(window.start.0.saturating_sub(self.longest));
        let lo = self.earliest.partition_point(|d| *d < from);
        let hi = self.earliest.partition_point(|d| *d <= window.end);
        &self.order[lo..hi.max(lo)]
    }
}

/// The index. Positions are `u32` indices into the caller's event list.
#[derive(Clone, Debug, Default)]
pub struct SpanIndex {
    buckets: [Bucket; 3],
    /// Open, unknown-ended or very long spans.
    long: Vec<u32>,
    /// Undated events.
    undated: Vec<u32>,
    /// Every dated span's earliest day, sorted, with its index (for moving a window).
    by_earliest: Vec<Day>,
    by_earliest_ix: Vec<u32>,
    /// Every dated span's latest day, sorted, with its index.
    by_latest: Vec<Day>,
    by_latest_ix: Vec<u32>,
}

impl SpanIndex {
    /// Builds the index from date spans, `None` for undated.
    pub fn build(spans: impl IntoIterator<Item = Option<DateSpan>>) -> SpanIndex {
        let mut bounded: [Vec<(Day, u32)>; 3] = Default::default();
        let mut index = SpanIndex::default();
        let mut starts = Vec::new();
        let mut ends = Vec::new();
        for (i, span) in spans.into_iter().enumerate() {
            let i = i as u32;
            if let Some(s) = span {
                starts.push((s.earliest, i));
                ends.push((s.latest, i));
                // Where the known part begins or ends inside the envelope, the event turns
                // from possible to certain: a moving window edge must find it there too.
                if let Some((a, b)) = s.known() {
                    if a != s.earliest {
                        starts.push((a, i));
                    }
                    if b != s.latest {
                        ends.push((b, i));
                    }
                }
            }
            match span.map(|s| (s.earliest, s.latest)) {
                None => index.undated.push(i),
                Some((a, b)) if a.is_open() || b.is_open() || b.0 - a.0 > LONG_SPAN_DAYS => index.long.push(i),
                Some((a, b)) => {
                    let len = b.0 - a.0;
                    let k = BUCKETS.iter().position(|max| len <= *max).unwrap_or(BUCKETS.len() - 1);
                    index.buckets[k].longest = index.buckets[k].longest.max(len);
                    bounded[k].push((a, i));
                }
            }
        }
        for (bucket, mut spans) in index.buckets.iter_mut().zip(bounded) {
            spans.sort_unstable();
            bucket.earliest = spans.iter().map(|(d, _)| *d).collect();
            bucket.order = spans.into_iter().map(|(_, i)| i).collect();
        }
        starts.sort_unstable();
        ends.sort_unstable();
        (index.by_earliest, index.by_earliest_ix) = starts.into_iter().unzip();
        (index.by_latest, index.by_latest_ix) = ends.into_iter().unzip();
        index
    }

    /// The sorted entries one span has: its buckets' key, its start and end days.
    fn entries(span: DateSpan) -> (Vec<Day>, Vec<Day>) {
        let (mut starts, mut ends) = (vec![span.earliest], vec![span.latest]);
        if let Some((a, b)) = span.known() {
            if a != span.earliest {
                starts.push(a);
            }
            if b != span.latest {
                ends.push(b);
            }
        }
        (starts, ends)
    }

    /// Adds index `i` with its span (an edited or new event), as [`SpanIndex::build`] would
    /// have placed it. Costs a move of each sorted list's tail, not a sort.
    pub fn insert(&mut self, i: u32, span: Option<DateSpan>) {
        let Some(s) = span else {
            let at = self.undated.partition_point(|x| *x < i);
            self.undated.insert(at, i);
            return;
        };
        let (starts, ends) = Self::entries(s);
        for d in starts {
            sorted_insert(&mut self.by_earliest, &mut self.by_earliest_ix, d, i);
        }
        for d in ends {
            sorted_insert(&mut self.by_latest, &mut self.by_latest_ix, d, i);
        }
        let (a, b) = (s.earliest, s.latest);
        if a.is_open() || b.is_open() || b.0 - a.0 > LONG_SPAN_DAYS {
            let at = self.long.partition_point(|x| *x < i);
            self.long.insert(at, i);
        } else {
            let len = b.0 - a.0;
            let k = BUCKETS.iter().position(|max| len <= *max).unwrap_or(BUCKETS.len() - 1);
            let bucket = &mut self.buckets[k];
            bucket.longest = bucket.longest.max(len);
            sorted_insert(&mut bucket.earliest, &mut bucket.order, a, i);
        }
    }

    /// Takes index `i`, whose span is `span`, out of the index. A bucket's longest span is
    /// kept as it was: it only widens the search, so no span is ever missed.
    pub fn remove(&mut self, i: u32, span: Option<DateSpan>) {
        let Some(s) = span else {
            self.undated.retain(|x| *x != i);
            return;
        };
        let (starts, ends) = Self::entries(s);
        for d in starts {
            sorted_remove(&mut self.by_earliest, &mut self.by_earliest_ix, d, i);
        }
        for d in ends {
            sorted_remove(&mut self.by_latest, &mut self.by_latest_ix, d, i);
        }
        self.long.retain(|x| *x != i);
        for b in &mut self.buckets {
            sorted_remove(&mut b.earliest, &mut b.order, s.earliest, i);
        }
    }

    /// Every dated index with its earliest or latest day, or the first or last day of its
    /// known part, in `[lo, hi]` (one may come more than once). When a window edge moves from
    /// `lo` to `hi`, these are the only spans whose relation to the window can change.
    pub fn ends_between(&self, lo: Day, hi: Day) -> impl Iterator<Item = u32> + '_ {
        let range = |days: &[Day]| days.partition_point(|d| *d < lo)..days.partition_point(|d| *d <= hi);
        let a = range(&self.by_earliest);
        let b = range(&self.by_latest);
        self.by_earliest_ix[a].iter().chain(&self.by_latest_ix[b]).copied()
    }

    /// Every index whose span may overlap the window (a superset of the overlapping ones,
    /// never missing one), undated excluded.
    pub fn candidates(&self, window: TimeWindow) -> impl Iterator<Item = u32> + '_ {
        self.buckets.iter().flat_map(move |b| b.candidates(window).iter().copied()).chain(self.long.iter().copied())
    }

    /// The undated entries.
    pub fn undated(&self) -> &[u32] {
        &self.undated
    }
}

/// Inserts `(day, i)` into two parallel lists sorted by `(day, i)`.
fn sorted_insert(days: &mut Vec<Day>, ix: &mut Vec<u32>, day: Day, i: u32) {
    let lo = days.partition_point(|d| *d < day);
    let hi = days.partition_point(|d| *d <= day);
    let at = lo + ix[lo..hi].partition_point(|x| *x < i);
    days.insert(at, day);
    ix.insert(at, i);
}

/// Removes `(day, i)` from two parallel lists sorted by day (if it is there).
fn sorted_remove(days: &mut Vec<Day>, ix: &mut Vec<u32>, day: Day, i: u32) {
    let lo = days.partition_point(|d| *d < day);
    let hi = days.partition_point(|d| *d <= day);
    if let Some(k) = ix[lo..hi].iter().position(|x| *x == i) {
        days.remove(lo + k);
        ix.remove(lo + k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spans_of(raw: &[Option<(i32, i32, u8)>]) -> Vec<Option<DateSpan>> {
        raw.iter()
            .map(|s| {
                s.map(|(start, l, kind)| match kind {
                    0 => DateSpan::possible(Day::MIN, Day(start + l)),
                    1 => DateSpan::possible(Day(start), Day::MAX),
                    _ => DateSpan::possible(Day(start), Day(start + l)),
                })
            })
            .collect()
    }

    proptest! {
        #[test]
        fn spans_replaced_one_by_one_give_the_index_built_afresh(
            raw in proptest::collection::vec(proptest::option::of((-3000i32..3000, 0i32..5000, 0u8..10)), 1..80),
            new in proptest::collection::vec((0usize..80, proptest::option::of((-3000i32..3000, 0i32..5000, 0u8..10))), 0..20),
            a in -4000i32..4000, len in 0i32..3000,
        ) {
            let mut spans = spans_of(&raw);
            let mut index = SpanIndex::build(spans.iter().copied());
            for (at, s) in new {
                let at = at % spans.len();
                let s = spans_of(&[s])[0];
                index.remove(at as u32, spans[at]);
                index.insert(at as u32, s);
                spans[at] = s;
            }
            let fresh = SpanIndex::build(spans.iter().copied());
            let window = TimeWindow::new(Day(a), Day(a + len));
            let mut found: Vec<u32> = index.candidates(window).collect();
            found.sort_unstable();
            // Every span the fresh index offers is offered (a wider bucket may offer more).
            for i in fresh.candidates(window) {
                prop_assert!(found.binary_search(&i).is_ok(), "missed {i}");
            }
            prop_assert_eq!(&index.undated, &fresh.undated);
            prop_assert_eq!(&index.long, &fresh.long);
            let edges = |x: &SpanIndex| { let mut v: Vec<u32> = x.ends_between(Day(a), Day(a + len)).collect(); v.sort_unstable(); v };
            prop_assert_eq!(edges(&index), edges(&fresh));
        }

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
            let index = SpanIndex::build(spans.iter().map(|s| s.map(|(a, b)| DateSpan::possible(a, b))));
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

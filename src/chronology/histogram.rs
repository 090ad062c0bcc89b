//! Events per month and per year, for the bar chart above the time slider.
//!
//! A bar counts the events that would show if the window were that one month (or year): an
//! event is counted, whole, in every month it may fall in. Each bar has two parts, as the
//! filter classifies the events for that month ([`crate::chronology::TimeFilter::classify`]):
//! **certain** (the month overlaps what is known of the date) and **possible** (only the
//! uncertain part of the date reaches it). So a bar's two counts add up to the events the map
//! shows for that month, and an event that lasted a year stands in each of its twelve bars.
//!
//! Counting is done with difference arrays and one prefix sum each: building costs
//! O(events + months). Spans running past the chart are clipped to it.

use super::day::Day;
use super::edtf::DateSpan;

/// Certain and possible counts per bin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Series {
    /// Index ([`Day::month_index`], or the year) of the first bin.
    pub first: i32,
    /// Per bin: events whose known part overlaps it.
    pub certain: Vec<u32>,
    /// Per bin: events shown only as possible in it.
    pub possible: Vec<u32>,
}

impl Series {
    /// `(certain, possible)` in the bin with this index, zero outside the chart.
    pub fn at(&self, index: i32) -> (u32, u32) {
        usize::try_from(index - self.first)
            .ok()
            .and_then(|i| Some((*self.certain.get(i)?, *self.possible.get(i)?)))
            .unwrap_or((0, 0))
    }

    /// The highest bar (certain plus possible).
    pub fn max(&self) -> u32 {
        self.certain.iter().zip(&self.possible).map(|(c, p)| c + p).max().unwrap_or(0)
    }

    fn new(first: i32, last: i32) -> Series {
        let n = (last - first + 1).max(0) as usize;
        // Difference arrays while counting (one slot more than bins); `finish` sums them.
        Series { first, certain: vec![0; n + 1], possible: vec![0; n + 1] }
    }

    /// Counts one event from bin `a` to bin `b` (inclusive; `None`: from the first or to the
    /// last bin), clipped to the chart: into `certain` for the known part, `possible` (for now,
    /// everything shown) for the envelope.
    fn add(&mut self, certain: bool, a: Option<i32>, b: Option<i32>) {
        let n = self.certain.len() as i32 - 1;
        let lo = a.map_or(0, |a| (a - self.first).clamp(0, n)) as usize;
        let hi = b.map_or(n, |b| (b - self.first + 1).clamp(0, n)) as usize;
        if lo < hi {
            let diff = if certain { &mut self.certain } else { &mut self.possible };
            diff[lo] = diff[lo].wrapping_add(1);
            diff[hi] = diff[hi].wrapping_sub(1);
        }
    }

    /// Counts one event, whole, in the finished bins: certain where its known part reaches,
    /// possible elsewhere in its envelope (`None` ends run to the chart's edge).
    fn count(&mut self, envelope: (Option<i32>, Option<i32>), known: Option<(Option<i32>, Option<i32>)>, sign: i32) {
        let n = self.certain.len() as i32;
        let range = |(a, b): (Option<i32>, Option<i32>)| {
            let lo = a.map_or(0, |a| (a - self.first).clamp(0, n));
            let hi = b.map_or(n, |b| (b - self.first + 1).clamp(0, n));
            lo..hi
        };
        let known = known.map(range).unwrap_or(0..0);
        for i in range(envelope) {
            let bin = if known.contains(&i) { &mut self.certain[i as usize] } else { &mut self.possible[i as usize] };
            *bin = bin.wrapping_add_signed(sign);
        }
    }

    /// Turns the difference arrays into counts: certain, and shown but not certain.
    fn finish(mut self) -> Series {
        let n = self.certain.len() - 1;
        let (mut sure, mut all) = (0u32, 0u32);
        for i in 0..n {
            all = all.wrapping_add(self.possible[i]);
            sure = sure.wrapping_add(self.certain[i]);
            self.certain[i] = sure;
            self.possible[i] = all.saturating_sub(sure);
        }
        self.certain.truncate(n);
        self.possible.truncate(n);
        self
    }
}

/// Events per month and per year between two months.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram {
    /// One bin per month ([`Day::month_index`]).
    pub months: Series,
    /// One bin per calendar year.
    pub years: Series,
}

impl Histogram {
    /// Builds the histogram of dated spans over the months `first_month..=last_month`.
    pub fn build(spans: impl IntoIterator<Item = DateSpan>, first_month: i32, last_month: i32) -> Histogram {
        let mut months = Series::new(first_month, last_month);
        let mut years = Series::new(first_month.div_euclid(12), last_month.div_euclid(12));
        // One pass: each span's month is computed once, for both charts.
        let month = |d: Day, open: Day| (d != open).then(|| d.month_index());
        for s in spans {
            let (a, b) = (month(s.earliest, Day::MIN), month(s.latest, Day::MAX));
            months.add(false, a, b);
            years.add(false, a.map(|m| m.div_euclid(12)), b.map(|m| m.div_euclid(12)));
            if let Some((ka, kb)) = s.known() {
                let (a, b) = (month(ka, Day::MIN), month(kb, Day::MAX));
                months.add(true, a, b);
                years.add(true, a.map(|m| m.div_euclid(12)), b.map(|m| m.div_euclid(12)));
            }
        }
        Histogram { months: months.finish(), years: years.finish() }
    }

    /// Takes one event's span out (`sign` -1) or puts it in (+1), as [`Histogram::build`]
    /// counts it: an edit changes the bars its old and new dates cover, nothing else.
    pub fn count(&mut self, span: DateSpan, sign: i32) {
        let month = |d: Day, open: Day| (d != open).then(|| d.month_index());
        let envelope = (month(span.earliest, Day::MIN), month(span.latest, Day::MAX));
        let known = span.known().map(|(a, b)| (month(a, Day::MIN), month(b, Day::MAX)));
        let year = |m: Option<i32>| m.map(|m| m.div_euclid(12));
        self.months.count(envelope, known, sign);
        self.years.count((year(envelope.0), year(envelope.1)), known.map(|(a, b)| (year(a), year(b))), sign);
    }

    /// The month bin of a month index: `(certain, possible)`.
    pub fn month(&self, month: i32) -> (u32, u32) {
        self.months.at(month)
    }

    /// The year bin: `(certain, possible)`.
    pub fn year(&self, year: i32) -> (u32, u32) {
        self.years.at(year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_counted_in_or_out_gives_the_histogram_built_with_or_without_it() {
        let d = |y: i32, m: u32, day: u32| Day::from_ymd(y, m, day).unwrap();
        let spans = [
            DateSpan::certain(d(1945, 8, 1), d(1946, 3, 31)),
            DateSpan::possible(Day::MIN, d(1940, 2, 1)),
            DateSpan::possible(d(1950, 1, 1), Day::MAX),
        ];
        let (first, last) = (1938 * 12, 1955 * 12 + 11);
        let mut h = Histogram::build(spans[..2].iter().copied(), first, last);
        h.count(spans[2], 1);
        assert_eq!(h, Histogram::build(spans.iter().copied(), first, last));
        h.count(spans[0], -1);
        assert_eq!(h, Histogram::build([spans[1], spans[2]], first, last));
    }
    use crate::chronology::{Match, TimeFilter, TimeWindow};
    use proptest::prelude::*;

    proptest! {
        /// Each bar's two counts are exactly what the filter shows for that month (or year):
        /// certain and possible, counted one by one.
        #[test]
        fn each_bar_adds_up_to_the_events_the_filter_shows_in_it(
            spans in proptest::collection::vec((-400i32..400, 0i32..800, 0i32..300, 0i32..300, 0u8..6), 0..40),
        ) {
            let base = Day::month_start(1940, 1).0;
            let spans: Vec<DateSpan> = spans
                .into_iter()
                .map(|(start, len, ks, ke, kind)| {
                    let (a, b) = (Day(base + start), Day(base + start + len));
                    let known_start = Day(a.0 + ks);
                    let known_end = Day(b.0 - ke);
                    match kind {
                        0 => DateSpan::possible(a, b),
                        1 => DateSpan::possible(Day::MIN, b),
                        2 => DateSpan { earliest: Day::MIN, latest: b, known_start, known_end: b },
                        3 => DateSpan { earliest: a, latest: Day::MAX, known_start: a, known_end },
                        _ => DateSpan { earliest: a, latest: b, known_start, known_end },
                    }
                })
                .collect();
            let (first, last) = (Day::month_start(1938, 1).month_index(), Day::month_start(1943, 12).month_index());
            let h = Histogram::build(spans.iter().copied(), first, last);
            let count = |w: TimeWindow| {
                let f = TimeFilter::window(w);
                let m: Vec<Match> = spans.iter().map(|s| f.classify_span(Some(*s))).collect();
                let certain = m.iter().filter(|m| **m == Match::Certain).count() as u32;
                let possible = m.iter().filter(|m| **m == Match::Possible).count() as u32;
                (certain, possible)
            };
            for month in first..=last {
                let w = TimeWindow::new(Day::from_month_index(month), Day::from_month_index(month + 1).prev());
                prop_assert_eq!(h.month(month), count(w), "month {}", month);
            }
            for year in 1938..=1943 {
                let w = TimeWindow::new(Day::year_start(year), Day::year_end(year));
                prop_assert_eq!(h.year(year), count(w), "year {}", year);
            }
        }
    }

    fn m(y: i32, mo: u32) -> i32 {
        Day::month_start(y, mo).month_index()
    }

    #[test]
    fn a_year_counts_whole_in_each_of_its_months_and_a_day_in_one() {
        let y1945 = DateSpan::certain(Day::year_start(1945), Day::year_end(1945));
        let aug9 = DateSpan::certain(Day::from_ymd(1945, 8, 9).unwrap(), Day::from_ymd(1945, 8, 9).unwrap());
        let h = Histogram::build([y1945, aug9], m(1945, 1), m(1945, 12));
        assert_eq!(h.months.certain.len(), 12);
        assert_eq!(h.month(m(1945, 8)), (2, 0));
        assert_eq!(h.month(m(1945, 1)), (1, 0));
        assert_eq!(h.year(1945), (2, 0));
        assert_eq!(h.month(m(1946, 1)), (0, 0));
    }

    #[test]
    fn the_uncertain_part_counts_as_possible_and_open_spans_are_clipped_to_the_chart() {
        // Until 1946, from August 1945 at the earliest.
        let bounded = DateSpan {
            earliest: Day::month_start(1945, 8),
            latest: Day::year_end(1946),
            known_start: Day::year_start(1946),
            known_end: Day::year_end(1946),
        };
        let open = DateSpan::possible(Day::MIN, Day::year_end(1945));
        let h = Histogram::build([bounded, open], m(1945, 1), m(1947, 12));
        assert_eq!(h.month(m(1945, 7)), (0, 1));
        assert_eq!(h.month(m(1945, 8)), (0, 2));
        assert_eq!(h.month(m(1946, 3)), (1, 0));
        assert_eq!(h.month(m(1947, 1)), (0, 0));
        assert_eq!(h.year(1945), (0, 2));
        assert_eq!(h.months.max(), 2);
    }
}

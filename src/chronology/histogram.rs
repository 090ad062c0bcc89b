//! Events per month, for the bar chart above the time slider.
//!
//! Each dated event has weight 1, spread evenly over the months its span covers (a `1945` event
//! adds 1/12 to each month of 1945; a day adds 1 to its month). Open-ended spans count at their
//! known end. The spreading is done with a difference array and one prefix sum, so building costs
//! O(events + months), and any range total is two lookups in the cumulative sum.

use super::day::Day;

/// Event density per month between two months.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    /// Month index ([`Day::month_index`]) of the first bin.
    pub first_month: i32,
    /// Weight per month.
    pub bins: Vec<f32>,
    /// `cumulative[i]` = sum of `bins[..i]`.
    cumulative: Vec<f64>,
}

impl Histogram {
    /// Builds the histogram of `spans` over the months `first_month..=last_month`.
    /// Spans outside the range are clipped to it (their weight outside is dropped).
    pub fn build(spans: impl IntoIterator<Item = (Day, Day)>, first_month: i32, last_month: i32) -> Histogram {
        let n = (last_month - first_month + 1).max(0) as usize;
        let mut diff = vec![0f64; n + 1];
        for (earliest, latest) in spans {
            let (a, b) = match (earliest.is_open(), latest.is_open()) {
                (true, true) => continue,
                (true, false) => (latest.month_index(), latest.month_index()),
                (false, true) => (earliest.month_index(), earliest.month_index()),
                (false, false) => (earliest.month_index(), latest.month_index()),
            };
            let weight = 1.0 / f64::from(b - a + 1);
            let lo = (a - first_month).clamp(0, n as i32) as usize;
            let hi = (b - first_month + 1).clamp(0, n as i32) as usize;
            if lo < hi {
                diff[lo] += weight;
                diff[hi] -= weight;
            }
        }
        let mut bins = Vec::with_capacity(n);
        let mut cumulative = Vec::with_capacity(n + 1);
        let (mut running, mut total) = (0f64, 0f64);
        cumulative.push(0.0);
        for d in diff.iter().take(n) {
            running += d;
            let v = running.max(0.0);
            bins.push(v as f32);
            total += v;
            cumulative.push(total);
        }
        Histogram { first_month, bins, cumulative }
    }

    /// The total weight in the months `from_month..=to_month` (clipped to the histogram).
    pub fn total(&self, from_month: i32, to_month: i32) -> f64 {
        let n = self.bins.len() as i32;
        let a = (from_month - self.first_month).clamp(0, n) as usize;
        let b = (to_month - self.first_month + 1).clamp(0, n) as usize;
        if a >= b { 0.0 } else { self.cumulative[b] - self.cumulative[a] }
    }

    /// Bins summed per calendar year: `(year, weight)`.
    pub fn by_year(&self) -> Vec<(i32, f32)> {
        let mut out: Vec<(i32, f32)> = Vec::new();
        for (i, w) in self.bins.iter().enumerate() {
            let year = (self.first_month + i as i32).div_euclid(12);
            match out.last_mut() {
                Some((y, total)) if *y == year => *total += w,
                _ => out.push((year, *w)),
            }
        }
        out
    }

    /// The heaviest bin (for scaling bars).
    pub fn max(&self) -> f32 {
        self.bins.iter().copied().fold(0.0, f32::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(y: i32, mo: u32) -> i32 {
        Day::month_start(y, mo).month_index()
    }

    #[test]
    fn a_year_spreads_over_its_twelve_months_and_a_day_fills_one() {
        let y1945 = (Day::year_start(1945), Day::year_end(1945));
        let aug9 = (Day::from_ymd(1945, 8, 9).unwrap(), Day::from_ymd(1945, 8, 9).unwrap());
        let h = Histogram::build([y1945, aug9], m(1945, 1), m(1945, 12));
        assert_eq!(h.bins.len(), 12);
        assert!((h.bins[7] - (1.0 + 1.0 / 12.0)).abs() < 1e-6);
        assert!((h.bins[0] - 1.0 / 12.0).abs() < 1e-6);
        assert!((h.total(m(1945, 1), m(1945, 12)) - 2.0).abs() < 1e-9);
        assert_eq!(h.by_year().len(), 1);
    }

    #[test]
    fn open_spans_count_at_their_known_end_and_out_of_range_weight_is_dropped() {
        let open = (Day::year_start(1946), Day::MAX);
        let before = (Day::year_start(1930), Day::year_end(1930));
        let h = Histogram::build([open, before], m(1945, 1), m(1947, 12));
        assert!((h.total(m(1946, 1), m(1946, 1)) - 1.0).abs() < 1e-9);
        assert!((h.total(m(1945, 1), m(1947, 12)) - 1.0).abs() < 1e-9);
    }
}

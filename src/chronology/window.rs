//! Time windows and the one overlap rule every view and export shares.
//!
//! An event shows in a window when its `[earliest, latest]` span overlaps the window. A
//! place shows when any of its events shows. The slider, the place list, the map and
//! `crossings export --from/--to` all call [`TimeFilter::classify`]; there is no second
//! implementation.

use super::day::{Day, MONTH_NAMES};
use super::edtf::{DateError, DateSpan, FuzzyDate};

/// An inclusive range of days. Either end may be open ([`Day::MIN`], [`Day::MAX`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TimeWindow {
    /// The first day in the window.
    pub start: Day,
    /// The last day in the window.
    pub end: Day,
}

impl TimeWindow {
    /// A window from `start` to `end`, swapped into order if given backwards.
    pub fn new(start: Day, end: Day) -> TimeWindow {
        if end < start { TimeWindow { start: end, end: start } } else { TimeWindow { start, end } }
    }

    /// The window a date text covers: `1945-08` is all of August 1945; `1939/1941` is three
    /// years; `1946/..` runs on without end.
    ///
    /// ```
    /// use crossings::chronology::{Day, TimeWindow};
    /// let w = TimeWindow::parse("1945-08").unwrap();
    /// assert_eq!(w.start, Day::from_ymd(1945, 8, 1).unwrap());
    /// assert_eq!(w.end, Day::from_ymd(1945, 8, 31).unwrap());
    /// ```
    pub fn parse(text: &str) -> Result<TimeWindow, DateError> {
        let date = FuzzyDate::parse(text)?;
        Ok(TimeWindow { start: date.earliest, end: date.latest })
    }

    /// The window from the start of `from` to the end of `to` (either optional: open).
    pub fn from_to(from: Option<&str>, to: Option<&str>) -> Result<TimeWindow, DateError> {
        let start = match from {
            Some(t) => FuzzyDate::parse(t)?.earliest,
            None => Day::MIN,
        };
        let end = match to {
            Some(t) => FuzzyDate::parse(t)?.latest,
            None => Day::MAX,
        };
        if end < start {
            return Err(DateError::EndBeforeStart { text: format!("{}/{}", from.unwrap_or(".."), to.unwrap_or("..")) });
        }
        Ok(TimeWindow { start, end })
    }

    /// True when the two spans share at least one day.
    pub fn overlaps(self, earliest: Day, latest: Day) -> bool {
        earliest <= self.end && latest >= self.start
    }

    /// True when the span lies wholly inside the window.
    pub fn contains(self, earliest: Day, latest: Day) -> bool {
        earliest >= self.start && latest <= self.end
    }

    /// The window in words, for a map's date stamp: "August 1945", "1945", "March – August
    /// 1945", "1937 – 1945", "9 August – 2 September 1945", "from 1946", "all dates".
    ///
    /// ```
    /// use crossings::chronology::TimeWindow;
    /// let w = |from, to| TimeWindow::from_to(Some(from), Some(to)).unwrap().describe();
    /// assert_eq!(w("1945-08", "1945-08"), "August 1945");
    /// assert_eq!(w("1937", "1945"), "1937 – 1945");
    /// assert_eq!(w("1945-11", "1946-02"), "November 1945 – February 1946");
    /// assert_eq!(w("1945-08-09", "1945-09-02"), "9 August – 2 September 1945");
    /// ```
    pub fn describe(self) -> String {
        let (sy, sm, sd) = self.start.to_ymd();
        let (ey, em, ed) = self.end.to_ymd();
        let month = |m: u32| MONTH_NAMES[(m as usize).saturating_sub(1).min(11)];
        let whole_months = sd == 1 && self.end == Day::month_end(ey, em);
        let whole_years = whole_months && sm == 1 && em == 12;
        let one = |y: i32, m: u32, d: u32, precision: u8| match precision {
            0 => y.to_string(),
            1 => format!("{} {y}", month(m)),
            _ => format!("{d} {} {y}", month(m)),
        };
        let precision = if whole_years {
            0
        } else if whole_months {
            1
        } else {
            2
        };
        match (self.start.is_open(), self.end.is_open()) {
            (true, true) => return "all dates".to_owned(),
            (true, false) => return format!("until {}", one(ey, em, ed, 2)),
            (false, true) => return format!("from {}", one(sy, sm, sd, 2)),
            (false, false) => {}
        }
        let start = one(sy, sm, sd, precision);
        let end = one(ey, em, ed, precision);
        if start == end {
            return start;
        }
        // The year once when both ends share it.
        if sy == ey && precision > 0 {
            let start = if precision == 1 { month(sm).to_owned() } else { format!("{sd} {}", month(sm)) };
            return format!("{start} – {end}");
        }
        format!("{start} – {end}")
    }

    /// The window as EDTF (`1945-08-01/1945-08-31`, `../1945-08-31`).
    pub fn to_edtf(self) -> String {
        format!("{}/{}", self.start.iso(), self.end.iso())
    }
}

/// How an event relates to the current time filter: certain, possible or hidden. The map,
/// the lists, the panels, the histogram and every export use this one classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Match {
    /// Hidden by the filter: no day it may fall on is in the window.
    Hidden,
    /// Shown pale: only the uncertain part of its date is in the window (an approximate date,
    /// an open or unknown side up to its outer bound), or it is undated.
    Possible,
    /// Shown: the window overlaps what is known of its date.
    Certain,
}

impl Match {
    /// True unless hidden.
    pub fn is_shown(self) -> bool {
        self != Match::Hidden
    }
}

/// The time filter: an optional window, and whether undated events show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TimeFilter {
    /// `None`: show all (no time filter).
    pub window: Option<TimeWindow>,
    /// Show undated events even while a window is set.
    pub include_undated: bool,
}

impl Default for TimeFilter {
    fn default() -> Self {
        TimeFilter { window: None, include_undated: true }
    }
}

impl TimeFilter {
    /// No filtering: every event shows.
    pub fn all() -> TimeFilter {
        TimeFilter::default()
    }

    /// Only the given window, undated events hidden.
    pub fn window(window: TimeWindow) -> TimeFilter {
        TimeFilter { window: Some(window), include_undated: false }
    }

    /// How an event with this date relates to the filter. This is the one overlap rule.
    ///
    /// ```
    /// use crossings::chronology::{FuzzyDate, Match, TimeFilter, TimeWindow};
    /// let aug_1945 = TimeFilter::window(TimeWindow::parse("1945-08").unwrap());
    /// assert_eq!(aug_1945.classify(&FuzzyDate::parse("1945-08-19").unwrap()), Match::Certain);
    /// assert_eq!(aug_1945.classify(&FuzzyDate::parse("1945").unwrap()), Match::Certain);
    /// assert_eq!(aug_1945.classify(&FuzzyDate::parse("1945~").unwrap()), Match::Possible);
    /// assert_eq!(aug_1945.classify(&FuzzyDate::parse("../1944").unwrap()), Match::Hidden);
    /// assert_eq!(aug_1945.classify(&FuzzyDate::parse("../1946").unwrap()), Match::Possible);
    /// ```
    pub fn classify(&self, date: &FuzzyDate) -> Match {
        self.classify_span(date.date_span())
    }

    /// [`TimeFilter::classify`] on a pre-computed span (`None`: undated).
    pub fn classify_span(&self, span: Option<DateSpan>) -> Match {
        let Some(span) = span else {
            return if self.window.is_none() || self.include_undated { Match::Possible } else { Match::Hidden };
        };
        let known = span.known();
        match self.window {
            None if known.is_some() => Match::Certain,
            None => Match::Possible,
            Some(w) if !w.overlaps(span.earliest, span.latest) => Match::Hidden,
            Some(w) if known.is_some_and(|(a, b)| w.overlaps(a, b)) => Match::Certain,
            Some(_) => Match::Possible,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(t: &str) -> FuzzyDate {
        FuzzyDate::parse(t).unwrap()
    }

    #[test]
    fn open_ends_overlap_everything_on_their_open_side() {
        let w = TimeFilter::window(TimeWindow::parse("1990").unwrap());
        assert_eq!(w.classify(&date("1946/..")), Match::Possible);
        assert_eq!(w.classify(&date("../1945-08")), Match::Hidden);
        let early = TimeFilter::window(TimeWindow::parse("1900").unwrap());
        assert_eq!(early.classify(&date("../1945-08")), Match::Possible);
        assert_eq!(
            TimeFilter::window(TimeWindow::parse("1945-08").unwrap()).classify(&date("../1945-08")),
            Match::Certain
        );
    }

    #[test]
    fn undated_events_show_only_when_asked_for() {
        let mut f = TimeFilter::window(TimeWindow::parse("1945").unwrap());
        assert_eq!(f.classify(&FuzzyDate::undated()), Match::Hidden);
        f.include_undated = true;
        assert_eq!(f.classify(&FuzzyDate::undated()), Match::Possible);
        assert_eq!(TimeFilter::all().classify(&FuzzyDate::undated()), Match::Possible);
    }

    #[test]
    fn an_approximate_date_inside_the_window_is_only_possible() {
        let f = TimeFilter::window(TimeWindow::parse("1940").unwrap());
        assert_eq!(f.classify(&date("1940~")), Match::Possible);
        assert_eq!(f.classify(&date("1940-05")), Match::Certain);
        let bounded = date("../1954").with_bounds(Some(&date("1945-08")), None).unwrap();
        let at = |w: &str| TimeFilter::window(TimeWindow::parse(w).unwrap()).classify(&bounded);
        assert_eq!(at("1939"), Match::Hidden);
        assert_eq!(at("1941"), Match::Hidden);
        assert_eq!(at("1945-07"), Match::Hidden);
        assert_eq!(at("1945-08"), Match::Possible);
        assert_eq!(at("1950"), Match::Possible);
        assert_eq!(at("1954-06"), Match::Certain);
        assert_eq!(at("1955"), Match::Hidden);
    }

    #[test]
    fn a_window_from_and_to_covers_both_texts_whole() {
        let w = TimeWindow::from_to(Some("1939-03"), Some("1945")).unwrap();
        assert_eq!(w.start, Day::from_ymd(1939, 3, 1).unwrap());
        assert_eq!(w.end, Day::from_ymd(1945, 12, 31).unwrap());
        assert!(TimeWindow::from_to(Some("1946"), Some("1945")).is_err());
        assert_eq!(TimeWindow::from_to(None, None).unwrap().start, Day::MIN);
    }

    /// One side of a generated date: a point (year, month or 0, day or 0, qualifier), `..` or empty.
    #[derive(Clone, Debug)]
    enum Side {
        Point(i32, u32, u32, usize),
        Open,
        Unknown,
    }

    /// A generated date, kept in its parts so the oracle never parses text.
    #[derive(Clone, Debug)]
    struct Case {
        start: Side,
        end: Option<Side>,
        not_before: Option<(i32, u32)>,
        not_after: Option<(i32, u32)>,
    }

    fn side_text(s: &Side) -> String {
        match s {
            Side::Point(y, m, d, q) => {
                let q = ["", "?", "~", "%"][*q];
                match (m, d) {
                    (0, _) => format!("{y}{q}"),
                    (m, 0) => format!("{y}-{m:02}{q}"),
                    (m, d) => format!("{y}-{m:02}-{d:02}{q}"),
                }
            }
            Side::Open => "..".to_owned(),
            Side::Unknown => String::new(),
        }
    }

    /// The first and last calendar day a point covers, by chrono (not by our calendar code).
    fn chrono_range(y: i32, m: u32, d: u32) -> (chrono::NaiveDate, chrono::NaiveDate) {
        let ymd = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        match (m, d) {
            (0, _) => (ymd(y, 1, 1), ymd(y, 12, 31)),
            (m, 0) => {
                let next = if m == 12 { ymd(y + 1, 1, 1) } else { ymd(y, m + 1, 1) };
                (ymd(y, m, 1), next.pred_opt().unwrap())
            }
            (m, d) => (ymd(y, m, d), ymd(y, m, d)),
        }
    }

    fn to_day(date: chrono::NaiveDate) -> i64 {
        (date - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
    }

    /// Per day: (possible, known), read straight off the parts as geodata/README.md words it.
    fn oracle_day(c: &Case, day: i64) -> (bool, bool) {
        let range = |s: &Side| match s {
            Side::Point(y, m, d, q) => {
                let (a, b) = chrono_range(*y, *m, *d);
                Some((to_day(a), to_day(b), *q == 0))
            }
            _ => None,
        };
        let lower = c.not_before.map_or(i64::MIN, |(y, m)| to_day(chrono_range(y, m, 0).0));
        let upper = c.not_after.map_or(i64::MAX, |(y, m)| to_day(chrono_range(y, m, 0).1));
        let bounded = day >= lower && day <= upper;
        match &c.end {
            None => {
                let (a, b, sure) = range(&c.start).unwrap();
                let inside = day >= a && day <= b;
                (inside && bounded, inside && sure)
            }
            Some(end) => {
                let (s, e) = (range(&c.start), range(end));
                let possible = s.is_none_or(|(a, _, _)| day >= a) && e.is_none_or(|(_, b, _)| day <= b) && bounded;
                // Known: past a stated start (or past a qualified start's span), up to a stated end
                // (or before a qualified end's span); a missing side is known only within the
                // other side's own span.
                let from = match (s, e) {
                    (Some((a, _, true)), _) => a,
                    (Some((_, b, false)), _) => b + 1,
                    (None, Some((a, _, _))) => a,
                    (None, None) => return (possible, false),
                };
                let to = match (e, s) {
                    (Some((_, b, true)), _) => b,
                    (Some((a, _, false)), _) => a - 1,
                    (None, Some((_, b, _))) => b,
                    (None, None) => return (possible, false),
                };
                (possible, possible && day >= from && day <= to)
            }
        }
    }

    fn any_case() -> impl Strategy<Value = (Case, FuzzyDate)> {
        let point = (1900i32..2000, 0u32..=12, 0u32..=28, 0usize..4)
            .prop_map(|(y, m, d, q)| Side::Point(y, m, if m == 0 { 0 } else { d }, q));
        let side = prop_oneof![4 => point.clone(), 1 => Just(Side::Open), 1 => Just(Side::Unknown)];
        let bound = proptest::option::of((1890i32..2010, 0u32..=12));
        (point, proptest::option::of(side.clone()), side, any::<bool>(), bound.clone(), bound)
            .prop_map(|(p, end, start, single, nb, na)| {
                if single {
                    Case { start: p, end: None, not_before: None, not_after: None }
                } else {
                    Case { start, end: Some(end.unwrap_or(Side::Unknown)), not_before: nb, not_after: na }
                }
            })
            .prop_filter_map("a valid date", |c| {
                let text = match &c.end {
                    None => side_text(&c.start),
                    Some(e) => format!("{}/{}", side_text(&c.start), side_text(e)),
                };
                let bound = |b: Option<(i32, u32)>| b.map(|(y, m)| side_text(&Side::Point(y, m, 0, 0)));
                let date = FuzzyDate::parse(&text).ok()?;
                let nb = bound(c.not_before).map(|t| FuzzyDate::parse(&t).unwrap());
                let na = bound(c.not_after).map(|t| FuzzyDate::parse(&t).unwrap());
                let date =
                    if nb.is_some() || na.is_some() { date.with_bounds(nb.as_ref(), na.as_ref()).ok()? } else { date };
                Some((c, date))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Certain, possible or hidden, against a brute force that walks the window day by day.
        #[test]
        fn every_date_form_is_classified_as_a_day_by_day_reading_says(
            (case, date) in any_case(), a in -27000i32..12000, len in 0i32..2000,
        ) {
            let window = TimeWindow::new(Day(a), Day(a + len));
            let m = TimeFilter::window(window).classify(&date);
            let (mut possible, mut known) = (false, false);
            for day in i64::from(a)..=i64::from(a + len) {
                let (p, k) = oracle_day(&case, day);
                possible |= p;
                known |= k;
            }
            let expected = if known { Match::Certain } else if possible { Match::Possible } else { Match::Hidden };
            prop_assert_eq!(m, expected, "{:?} in {}", date.to_edtf(), window.to_edtf());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn without_a_window_a_date_is_certain_exactly_when_something_is_known((case, date) in any_case()) {
            let m = TimeFilter::all().classify(&date);
            let known_somewhere = (1890i64..2010).any(|y| {
                let first = to_day(chrono::NaiveDate::from_ymd_opt(y as i32, 1, 1).unwrap());
                (first..first + 366).any(|d| oracle_day(&case, d).1)
            });
            prop_assert_eq!(m == Match::Certain, known_somewhere);
        }
    }
}

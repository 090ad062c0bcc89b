//! Time windows and the one overlap rule every view and export shares.
//!
//! An event shows in a window when its `[earliest, latest]` span overlaps the window. A
//! place shows when any of its events shows. The slider, the place list, the map and
//! `crossings export --from/--to` all call [`TimeFilter::classify`]; there is no second
//! implementation.

use super::day::Day;
use super::edtf::{DateError, FuzzyDate};

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

    /// The window as EDTF (`1945-08-01/1945-08-31`, `../1945-08-31`).
    pub fn to_edtf(self) -> String {
        format!("{}/{}", self.start.iso(), self.end.iso())
    }
}

/// How an event relates to the current time filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Match {
    /// Hidden by the filter.
    Hidden,
    /// Shown, but only part of its span is in the window, or its date is approximate or undated:
    /// drawn as less certain.
    Partial,
    /// Shown, and its whole (exact) span lies inside the window.
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
    /// assert_eq!(aug_1945.classify(&FuzzyDate::parse("1945").unwrap()), Match::Partial);
    /// assert_eq!(aug_1945.classify(&FuzzyDate::parse("1940").unwrap()), Match::Hidden);
    /// ```
    pub fn classify(&self, date: &FuzzyDate) -> Match {
        self.classify_span(date.span(), date.is_approximate())
    }

    /// [`TimeFilter::classify`] on a pre-computed span (`None`: undated).
    pub fn classify_span(&self, span: Option<(Day, Day)>, approximate: bool) -> Match {
        let Some((earliest, latest)) = span else {
            return if self.window.is_none() || self.include_undated { Match::Partial } else { Match::Hidden };
        };
        match self.window {
            None => {
                if approximate {
                    Match::Partial
                } else {
                    Match::Certain
                }
            }
            Some(w) if !w.overlaps(earliest, latest) => Match::Hidden,
            Some(w) if w.contains(earliest, latest) && !approximate => Match::Certain,
            Some(_) => Match::Partial,
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
        assert_eq!(w.classify(&date("1946/..")), Match::Partial);
        assert_eq!(w.classify(&date("../1945-08")), Match::Hidden);
        let early = TimeFilter::window(TimeWindow::parse("1900").unwrap());
        assert_eq!(early.classify(&date("../1945-08")), Match::Partial);
    }

    #[test]
    fn undated_events_show_only_when_asked_for() {
        let mut f = TimeFilter::window(TimeWindow::parse("1945").unwrap());
        assert_eq!(f.classify(&FuzzyDate::undated()), Match::Hidden);
        f.include_undated = true;
        assert_eq!(f.classify(&FuzzyDate::undated()), Match::Partial);
        assert_eq!(TimeFilter::all().classify(&FuzzyDate::undated()), Match::Partial);
    }

    #[test]
    fn an_approximate_date_inside_the_window_is_still_partial() {
        let f = TimeFilter::window(TimeWindow::parse("1940").unwrap());
        assert_eq!(f.classify(&date("1940~")), Match::Partial);
        assert_eq!(f.classify(&date("1940-05")), Match::Certain);
    }

    #[test]
    fn a_window_from_and_to_covers_both_texts_whole() {
        let w = TimeWindow::from_to(Some("1939-03"), Some("1945")).unwrap();
        assert_eq!(w.start, Day::from_ymd(1939, 3, 1).unwrap());
        assert_eq!(w.end, Day::from_ymd(1945, 12, 31).unwrap());
        assert!(TimeWindow::from_to(Some("1946"), Some("1945")).is_err());
        assert_eq!(TimeWindow::from_to(None, None).unwrap().start, Day::MIN);
    }

    fn any_date() -> impl Strategy<Value = FuzzyDate> {
        let point = (1900i32..2000, 0u32..=12, 0u32..=28, 0usize..4).prop_map(|(y, m, d, q)| {
            let q = ["", "?", "~", "%"][q];
            match (m, d) {
                (0, _) => format!("{y}{q}"),
                (m, 0) => format!("{y}-{m:02}{q}"),
                (m, d) => format!("{y}-{m:02}-{d:02}{q}"),
            }
        });
        prop_oneof![
            point.clone(),
            (point.clone(), point.clone()).prop_map(|(a, b)| format!("{a}/{b}")),
            point.clone().prop_map(|a| format!("{a}/..")),
            point.prop_map(|b| format!("../{b}")),
        ]
        .prop_filter_map("valid interval", |t| FuzzyDate::parse(&t).ok())
    }

    proptest! {
        #[test]
        fn a_window_never_shows_an_event_outside_it_nor_hides_one_inside(
            date in any_date(), a in -30000i32..20000, len in 0i32..5000, undated in any::<bool>()
        ) {
            let window = TimeWindow::new(Day(a), Day(a + len));
            let filter = TimeFilter { window: Some(window), include_undated: undated };
            let m = filter.classify(&date);
            // Brute force: does any day of the event fall in the window?
            let lo = date.earliest.max(window.start);
            let hi = date.latest.min(window.end);
            prop_assert_eq!(m.is_shown(), lo <= hi);
            if m == Match::Certain {
                prop_assert!(window.contains(date.earliest, date.latest));
                prop_assert!(!date.is_approximate());
            }
        }
    }
}

//! Calendar days as plain integers.
//!
//! Every date in Crossings is reduced once to a [`Day`]: the number of days since
//! 1970-01-01 in the proleptic Gregorian calendar. Comparing two days is comparing two
//! integers; nothing downstream compares date strings.

use std::fmt;

/// A day in the proleptic Gregorian calendar, counted from 1970-01-01 (day 0).
///
/// [`Day::MIN`] and [`Day::MAX`] stand for an open start or end ("..").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Day(pub i32);

impl Day {
    /// An open start: earlier than every real day.
    pub const MIN: Day = Day(i32::MIN);
    /// An open end: later than every real day.
    pub const MAX: Day = Day(i32::MAX);

    /// The day for a calendar date, or `None` when the date does not exist
    /// (month 13, 30 February, ...).
    ///
    /// ```
    /// use crossings::chronology::Day;
    /// assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
    /// assert_eq!(Day::from_ymd(1945, 2, 30), None);
    /// ```
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = (month + 9) % 12; // March = 0
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe as u32 * 365 + yoe as u32 / 4 - yoe as u32 / 100 + doy;
        Some(Day(era * 146_097 + doe as i32 - 719_468))
    }

    /// The calendar date `(year, month, day)` of this day.
    ///
    /// ```
    /// use crossings::chronology::Day;
    /// assert_eq!(Day(0).to_ymd(), (1970, 1, 1));
    /// ```
    pub fn to_ymd(self) -> (i32, u32, u32) {
        // Howard Hinnant's civil_from_days.
        let z = self.0 as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y as i32, m, d)
    }

    /// True for the open sentinels [`Day::MIN`] and [`Day::MAX`].
    pub fn is_open(self) -> bool {
        self == Day::MIN || self == Day::MAX
    }

    /// The first day of a year.
    pub fn year_start(year: i32) -> Day {
        Day::from_ymd(year, 1, 1).unwrap_or(Day::MIN)
    }

    /// The last day of a year.
    pub fn year_end(year: i32) -> Day {
        Day::from_ymd(year, 12, 31).unwrap_or(Day::MAX)
    }

    /// The first day of a month.
    pub fn month_start(year: i32, month: u32) -> Day {
        Day::from_ymd(year, month, 1).unwrap_or(Day::MIN)
    }

    /// The last day of a month.
    pub fn month_end(year: i32, month: u32) -> Day {
        Day::from_ymd(year, month, days_in_month(year, month)).unwrap_or(Day::MAX)
    }

    /// A month counter (`year * 12 + month - 1`), handy for month-resolution sliders.
    pub fn month_index(self) -> i32 {
        let (y, m, _) = self.to_ymd();
        y * 12 + m as i32 - 1
    }

    /// The first day of the month with the given [`Day::month_index`].
    pub fn from_month_index(index: i32) -> Day {
        Day::month_start(index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
    }

    /// The day before (open ends stay open).
    pub fn prev(self) -> Day {
        if self.is_open() { self } else { Day(self.0 - 1) }
    }

    /// `YYYY-MM-DD`, or `..` for an open end.
    pub fn iso(self) -> String {
        if self.is_open() {
            return "..".to_owned();
        }
        let (y, m, d) = self.to_ymd();
        format!("{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

/// True in leap years of the proleptic Gregorian calendar.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in a month (0 for a month outside 1..=12).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// English month names, for dates as people write them.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_epoch_is_day_zero_and_known_days_match() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(Day::from_ymd(1945, 8, 15), Some(Day(-8905)));
        assert_eq!(Day::from_ymd(2000, 2, 29).map(Day::to_ymd), Some((2000, 2, 29)));
        assert_eq!(Day::from_ymd(1900, 2, 29), None);
    }

    proptest! {
        #[test]
        fn days_agree_with_chrono(y in 1i32..9999, m in 1u32..=12, d in 1u32..=31) {
            let ours = Day::from_ymd(y, m, d);
            let theirs = chrono::NaiveDate::from_ymd_opt(y, m, d);
            prop_assert_eq!(ours.is_some(), theirs.is_some());
            if let (Some(ours), Some(theirs)) = (ours, theirs) {
                let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
                prop_assert_eq!(i64::from(ours.0), (theirs - epoch).num_days());
                prop_assert_eq!(ours.to_ymd(), (y, m, d));
            }
        }

        #[test]
        fn month_index_round_trips(y in 1i32..9999, m in 1u32..=12) {
            let day = Day::month_start(y, m);
            prop_assert_eq!(Day::from_month_index(day.month_index()), day);
        }
    }
}

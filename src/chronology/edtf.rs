//! Fuzzy dates written in EDTF (ISO 8601-2, levels 0 and 1).
//!
//! A date string is parsed exactly once into a [`FuzzyDate`]: the parsed form (so it can be
//! written back and described in words) plus its inclusive earliest and latest [`Day`].
//! Approximate (`~`) and uncertain (`?`) qualifiers are kept as flags; they do not widen the span,
//! so the span is always what the text literally covers and the atlas shows the qualifier instead.

use std::fmt;

use super::day::{Day, MONTH_NAMES, days_in_month};

/// The longest date string accepted; longer input is not a date.
pub const MAX_DATE_LEN: usize = 64;

/// How sure a date is, as EDTF qualifiers say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Qualifiers {
    /// `?`: the source is not sure.
    pub uncertain: bool,
    /// `~`: the source gives an approximate date ("about", "c.").
    pub approximate: bool,
}

impl Qualifiers {
    /// True when neither qualifier is set.
    pub fn is_none(self) -> bool {
        !self.uncertain && !self.approximate
    }

    /// `?`, `~`, `%` or nothing (the text kept holds it already; the tests write it back).
    #[cfg(test)]
    fn suffix(self) -> &'static str {
        match (self.uncertain, self.approximate) {
            (true, true) => "%",
            (true, false) => "?",
            (false, true) => "~",
            (false, false) => "",
        }
    }
}

/// How much of a calendar date is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Precision {
    /// `1939-01-02`, also with a time of day (`1985-04-12T23:20:30Z`).
    Day,
    /// `1939-03`, also `1939-03-XX`.
    Month,
    /// A season: `1945-21` (spring) to `1945-24` (winter), see [`SEASON_MONTHS`].
    Season,
    /// `1945`, also `1945-XX`, `1945-XX-XX`, `-1985` and `Y170000002`.
    Year,
    /// `194X`
    Decade,
    /// `19XX`
    Century,
}

/// One calendar date at some precision, with its qualifiers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DatePoint {
    text: compact_str::CompactString,
    /// The first day the date covers.
    pub earliest: Day,
    /// The last day the date covers.
    pub latest: Day,
    /// How much of the date is given.
    pub precision: Precision,
    /// `?` and `~`.
    pub qualifiers: Qualifiers,
}

/// A year in words: `1945`, `44 BCE` for year -43 (EDTF counts a year 0, as astronomers do).
fn year_words(year: i32) -> String {
    if year > 0 { year.to_string() } else { format!("{} BCE", 1 - i64::from(year)) }
}

impl DatePoint {
    /// The date as written, without its qualifier.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The date in words: "2 January 1939", "March 1939", "1945", "the 1940s", "winter 1945/46".
    pub fn describe(&self) -> String {
        let (y, m, d) = self.earliest.to_ymd();
        let base = match self.precision {
            Precision::Day => format!("{d} {} {}", MONTH_NAMES[(m - 1) as usize], year_words(y)),
            Precision::Month => format!("{} {}", MONTH_NAMES[(m - 1) as usize], year_words(y)),
            Precision::Season => season_words(&self.text, y).unwrap_or_else(|| year_words(y)),
            // Years beyond what a Day holds are written as given.
            Precision::Year => match self.text.strip_prefix('Y') {
                Some(long) => format!("year {long}"),
                None => year_words(y),
            },
            Precision::Decade => format!("the {}s", y - y.rem_euclid(10)),
            Precision::Century => format!("the {}00s", y.div_euclid(100)),
        };
        match (self.qualifiers.approximate, self.qualifiers.uncertain) {
            (true, true) => format!("c. {base}?"),
            (true, false) => format!("c. {base}"),
            (false, true) => format!("{base}?"),
            (false, false) => base,
        }
    }
}

/// One end of an interval.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    /// A known date.
    Date(DatePoint),
    /// `..`: open, the interval runs on without limit.
    Open,
    /// Empty: the end exists but is not known.
    Unknown,
}

/// The parsed shape of an EDTF string.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Edtf {
    /// No date given.
    Undated,
    /// A single date: `1945-08-15`, `1940~`.
    Single(DatePoint),
    /// An interval: `1951/1954`, `1946/..`, `../1945-08`, `1946/`.
    Interval(Bound, Bound),
}

/// A fuzzy date: its EDTF form, the inclusive range of days it may fall on (its envelope), and
/// the part of that range the text states without doubt (its known part).
///
/// - `1945-08-19`, `1945`, `1951/1954`: known and envelope are the same span.
/// - `1940~`, `1938?`: nothing is known for sure; the envelope is the span written (qualifiers do
///   not widen it).
/// - `1946-09~/1946-12`: known October–December, envelope September–December.
/// - `1946/..`, `1946/`, `../1954`, `/1954`: the known part is the date given; the envelope runs
///   without limit on the open or unknown side, unless outer bounds narrow it
///   ([`FuzzyDate::with_bounds`]).
///
/// The time filter shows an event as certain when a window overlaps its known part, and as
/// possible when it overlaps only the rest of the envelope ([`crate::chronology::TimeFilter`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuzzyDate {
    /// The EDTF text, normalised; empty when undated. Kept as text (inline, no allocation)
    /// rather than parsed: a million events then take 56 MB less, and [`FuzzyDate::edtf`]
    /// parses it again for the rare display.
    text: compact_str::CompactString,
    /// The first day it may fall on ([`Day::MIN`] when open or undated).
    pub earliest: Day,
    /// The last day it may fall on ([`Day::MAX`] when open or undated).
    pub latest: Day,
    /// The first day of the known part (after `known_end` when nothing is known).
    known_start: Day,
    /// The last day of the known part.
    known_end: Day,
}

/// What the time filter needs of a dated record: its envelope and its known part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateSpan {
    /// The first day it may fall on ([`Day::MIN`]: no limit).
    pub earliest: Day,
    /// The last day it may fall on ([`Day::MAX`]: no limit).
    pub latest: Day,
    /// The first day of the known part; greater than `known_end` when nothing is known.
    pub known_start: Day,
    /// The last day of the known part.
    pub known_end: Day,
}

impl DateSpan {
    /// A span known throughout: every day of it is certain.
    pub fn certain(earliest: Day, latest: Day) -> DateSpan {
        DateSpan { earliest, latest, known_start: earliest, known_end: latest }
    }

    /// A span of which no day is certain.
    pub fn possible(earliest: Day, latest: Day) -> DateSpan {
        DateSpan { earliest, latest, known_start: Day::MAX, known_end: Day::MIN }
    }

    /// The known part, or `None` when nothing is known for sure.
    pub fn known(&self) -> Option<(Day, Day)> {
        (self.known_start <= self.known_end).then_some((self.known_start, self.known_end))
    }
}

/// Why a string is not a date Crossings understands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Nothing but whitespace.
    #[error("empty date (write null for an undated record)")]
    Empty,
    /// Too long to be a date.
    #[error("date is {0} characters long; a date has at most {MAX_DATE_LEN}")]
    TooLong(usize),
    /// Not in an accepted form.
    #[error(
        "'{text}' is not an EDTF date (expected forms like 1939-01-02, 1939-03, 1945, 194X, 1951/1954, 1946/.., 1940~)"
    )]
    Syntax {
        /// The offending text.
        text: String,
    },
    /// A year with fewer than four digits, or a `Y` year with four or fewer.
    #[error("'{text}': a year must have exactly four digits (or Y and five or more)")]
    Year {
        /// The offending text.
        text: String,
    },
    /// Month outside 01-12 (or 21-24 for seasons).
    #[error("'{text}': month {month} does not exist")]
    Month {
        /// The offending text.
        text: String,
        /// The month given.
        month: u32,
    },
    /// A day the month does not have.
    #[error("'{text}': {} {year} has {max} days, not {day}", MONTH_NAMES[(*month - 1) as usize])]
    Day {
        /// The offending text.
        text: String,
        /// Year.
        year: i32,
        /// Month 1-12.
        month: u32,
        /// The day given.
        day: u32,
        /// Days in that month.
        max: u32,
    },
    /// A time of day that does not exist (`25:00:00`), or a bad time zone.
    #[error("'{text}': the time of day must be hh:mm:ss (00:00:00 to 23:59:59), then Z or +hh:mm")]
    Time {
        /// The offending text.
        text: String,
    },
    /// An interval whose end is before its start.
    #[error("interval '{text}' ends before it starts")]
    EndBeforeStart {
        /// The offending text.
        text: String,
    },
}

/// Why outer bounds do not fit a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BoundsError {
    /// A bound is not a single date.
    #[error("{field} '{text}' must be a single date (a day, month or year), not an interval")]
    NotAPoint {
        /// `not_before` or `not_after`.
        field: &'static str,
        /// The bound as written.
        text: String,
    },
    /// A bound cuts into what the date states.
    #[error("{field} {bound} contradicts the date '{date}': {what}")]
    CutsKnown {
        /// `not_before` or `not_after`.
        field: &'static str,
        /// The bound in words.
        bound: String,
        /// The date as written.
        date: String,
        /// What the date says: "it is known from 1945-01-01, so it cannot begin later".
        what: String,
    },
    /// `not_before` after `not_after`.
    #[error("not_before {0} is after not_after {1}")]
    Crossed(String, String),
    /// Bounds on a record with no date.
    #[error(
        "an undated record cannot have not_before or not_after; give the date with unknown ends instead (for example '/' or '1945/')"
    )]
    Undated,
}

impl BoundsError {
    /// The field at fault: `not_before` or `not_after` (`not_before` when both are, or when
    /// the date is).
    pub fn field(&self) -> &'static str {
        match self {
            BoundsError::NotAPoint { field, .. } | BoundsError::CutsKnown { field, .. } => field,
            BoundsError::Crossed(..) | BoundsError::Undated => "not_before",
        }
    }
}

impl FuzzyDate {
    /// A record with no date.
    pub fn undated() -> FuzzyDate {
        FuzzyDate {
            text: compact_str::CompactString::default(),
            earliest: Day::MIN,
            latest: Day::MAX,
            known_start: Day::MAX,
            known_end: Day::MIN,
        }
    }

    /// Parses an EDTF string.
    ///
    /// ```
    /// use crossings::chronology::{Day, FuzzyDate};
    /// let d = FuzzyDate::parse("1939-03").unwrap();
    /// assert_eq!(d.earliest, Day::from_ymd(1939, 3, 1).unwrap());
    /// assert_eq!(d.latest, Day::from_ymd(1939, 3, 31).unwrap());
    /// assert_eq!(d.describe(), "March 1939");
    /// assert!(FuzzyDate::parse("1945-02-30").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<FuzzyDate, DateError> {
        let (edtf, earliest, latest) = parse_edtf(text)?;
        let (known_start, known_end) = known_part(&edtf);
        // The normal form is the text as written, trimmed: bounds hold no spaces, and each
        // keeps its own digits and qualifier (a test checks this over every form).
        let text = compact_str::CompactString::new(text.trim());
        Ok(FuzzyDate { text, earliest, latest, known_start, known_end })
    }

    /// The parsed form.
    pub fn edtf(&self) -> Edtf {
        if self.text.is_empty() {
            return Edtf::Undated;
        }
        parse_edtf(&self.text).map_or(Edtf::Undated, |(edtf, _, _)| edtf)
    }

    /// This date narrowed by outer bounds the editors can justify: the envelope starts no
    /// earlier than `not_before` and ends no later than `not_after`. A bound may narrow only
    /// the uncertain part: one that cuts into what the date states is an error.
    ///
    /// ```
    /// use crossings::chronology::{Day, FuzzyDate};
    /// let until_1954 = FuzzyDate::parse("../1954").unwrap();
    /// let bounded = until_1954.with_bounds(Some(&FuzzyDate::parse("1945-08").unwrap()), None).unwrap();
    /// assert_eq!(bounded.earliest, Day::from_ymd(1945, 8, 1).unwrap());
    /// assert!(until_1954.with_bounds(None, Some(&FuzzyDate::parse("1950").unwrap())).is_err());
    /// ```
    pub fn with_bounds(
        &self,
        not_before: Option<&FuzzyDate>,
        not_after: Option<&FuzzyDate>,
    ) -> Result<FuzzyDate, BoundsError> {
        if self.is_undated() {
            return Err(BoundsError::Undated);
        }
        // A single date has no '/' (checked on the text: parsing it again costs a million
        // dates' worth at scale).
        let point = |field: &'static str, b: &FuzzyDate| {
            if b.is_undated() || b.text.contains('/') {
                Err(BoundsError::NotAPoint { field, text: b.text.to_string() })
            } else {
                Ok(())
            }
        };
        let mut out = self.clone();
        let known = self.date_span().and_then(|s| s.known());
        if let Some(b) = not_before {
            point("not_before", b)?;
            let cut = match known {
                Some((start, _)) => b.earliest > start,
                None => b.earliest > self.latest,
            };
            if cut {
                let what = match known {
                    Some((start, _)) => format!("it is known from {}, so it cannot begin later", start.iso()),
                    None => format!("it ends by {}", self.latest.iso()),
                };
                let (bound, date) = (b.describe(), self.text.to_string());
                return Err(BoundsError::CutsKnown { field: "not_before", bound, date, what });
            }
            out.earliest = out.earliest.max(b.earliest);
        }
        if let Some(a) = not_after {
            point("not_after", a)?;
            let cut = match known {
                Some((_, end)) => a.latest < end,
                None => a.latest < self.earliest,
            };
            if cut {
                let what = match known {
                    Some((_, end)) => format!("it is known until {}, so it cannot end earlier", end.iso()),
                    None => format!("it starts from {}", self.earliest.iso()),
                };
                let (bound, date) = (a.describe(), self.text.to_string());
                return Err(BoundsError::CutsKnown { field: "not_after", bound, date, what });
            }
            out.latest = out.latest.min(a.latest);
        }
        if let (Some(b), Some(a)) = (not_before, not_after)
            && a.latest < b.earliest
        {
            return Err(BoundsError::Crossed(b.describe(), a.describe()));
        }
        Ok(out)
    }
}

/// The known part of a parsed date: `(start, end)`, with start after end when nothing is known.
fn known_part(edtf: &Edtf) -> (Day, Day) {
    const NOTHING: (Day, Day) = (Day::MAX, Day::MIN);
    let sure = |p: &DatePoint| p.qualifiers.is_none();
    match edtf {
        Edtf::Undated => NOTHING,
        Edtf::Single(p) if sure(p) => (p.earliest, p.latest),
        Edtf::Single(_) => NOTHING,
        Edtf::Interval(a, b) => {
            // A stated side is known from its first (or to its last) day; a qualified side
            // only past its own span; an open or unknown side only as far as the other side's
            // date reaches.
            let start = match (a, b) {
                (Bound::Date(p), _) if sure(p) => p.earliest,
                (Bound::Date(p), _) => Day(p.latest.0.saturating_add(1)),
                (_, Bound::Date(q)) => q.earliest,
                _ => return NOTHING,
            };
            let end = match (b, a) {
                (Bound::Date(q), _) if sure(q) => q.latest,
                (Bound::Date(q), _) => Day(q.earliest.0.saturating_sub(1)),
                (_, Bound::Date(p)) => p.latest,
                _ => return NOTHING,
            };
            if start <= end { (start, end) } else { NOTHING }
        }
    }
}

/// Parses an EDTF string into its shape and day range.
fn parse_edtf(text: &str) -> Result<(Edtf, Day, Day), DateError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DateError::Empty);
    }
    // Bytes first: counting characters is only needed when there may be too many.
    if text.len() > MAX_DATE_LEN && text.chars().count() > MAX_DATE_LEN {
        return Err(DateError::TooLong(text.chars().count()));
    }
    if let Some(slash) = text.bytes().position(|b| b == b'/') {
        let (a, b) = (&text[..slash], &text[slash + 1..]);
        let start = parse_bound(a, text)?;
        let end = parse_bound(b, text)?;
        let earliest = match &start {
            Bound::Date(p) => p.earliest,
            Bound::Open | Bound::Unknown => Day::MIN,
        };
        let latest = match &end {
            Bound::Date(p) => p.latest,
            Bound::Open | Bound::Unknown => Day::MAX,
        };
        if let (Bound::Date(s), Bound::Date(e)) = (&start, &end)
            && e.latest < s.earliest
        {
            return Err(DateError::EndBeforeStart { text: text.to_owned() });
        }
        Ok((Edtf::Interval(start, end), earliest, latest))
    } else {
        let point = parse_point(text, text)?;
        let (earliest, latest) = (point.earliest, point.latest);
        Ok((Edtf::Single(point), earliest, latest))
    }
}

impl FuzzyDate {
    /// Parses an optional date: `None` is undated.
    pub fn parse_optional(text: Option<&str>) -> Result<FuzzyDate, DateError> {
        match text {
            None => Ok(FuzzyDate::undated()),
            Some(t) => FuzzyDate::parse(t),
        }
    }

    /// True when the record has no date.
    pub fn is_undated(&self) -> bool {
        self.text.is_empty()
    }

    /// True when some of the envelope is not known for sure: a `~` or `?`, an open or unknown
    /// end, or no date at all.
    pub fn is_approximate(&self) -> bool {
        self.is_undated() || (self.known_start, self.known_end) != (self.earliest, self.latest)
    }

    /// The envelope `(earliest, latest)`, or `None` when undated.
    pub fn span(&self) -> Option<(Day, Day)> {
        (!self.is_undated()).then_some((self.earliest, self.latest))
    }

    /// The envelope and the known part, or `None` when undated.
    pub fn date_span(&self) -> Option<DateSpan> {
        (!self.is_undated()).then_some(DateSpan {
            earliest: self.earliest,
            latest: self.latest,
            known_start: self.known_start,
            known_end: self.known_end,
        })
    }

    /// The day this date sorts by: its first possible day, or where that is unbounded, the
    /// first day of what is known (an unknown start never comes first).
    pub fn sort_day(&self) -> Day {
        if self.earliest != Day::MIN {
            self.earliest
        } else if self.known_start <= self.known_end {
            self.known_start
        } else {
            self.latest
        }
    }

    /// The EDTF text (normalised: trimmed); empty when undated.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The EDTF text (normalised: trimmed), or `None` when undated.
    pub fn to_edtf(&self) -> Option<String> {
        (!self.is_undated()).then(|| self.text.to_string())
    }

    /// The date in words, as a historian would write it: "2 January 1939", "c. 1940",
    /// "1951–1954", "from 1946 on", "until August 1945", "by October 1945", "winter 1945/46",
    /// "undated".
    pub fn describe(&self) -> String {
        match &self.edtf() {
            Edtf::Undated => "undated".to_owned(),
            Edtf::Single(p) => p.describe(),
            Edtf::Interval(Bound::Date(a), Bound::Date(b)) => format!("{}–{}", a.describe(), b.describe()),
            Edtf::Interval(Bound::Date(a), Bound::Open) => format!("from {} on", a.describe()),
            Edtf::Interval(Bound::Date(a), Bound::Unknown) => format!("from {} (end unknown)", a.describe()),
            Edtf::Interval(Bound::Open, Bound::Date(b)) => format!("until {}", b.describe()),
            Edtf::Interval(Bound::Unknown, Bound::Date(b)) => format!("by {}", b.describe()),
            Edtf::Interval(_, _) => "date unknown".to_owned(),
        }
    }

    /// The date in words with its outer bounds: "until 1954 (from August 1945 at the earliest;
    /// inferred)". `basis` is `stated` or `inferred`.
    pub fn describe_bounded(
        &self,
        not_before: Option<&FuzzyDate>,
        not_after: Option<&FuzzyDate>,
        basis: &str,
    ) -> String {
        let base = self.describe();
        if let (Edtf::Interval(Bound::Open | Bound::Unknown, Bound::Open | Bound::Unknown), Some(b), Some(a)) =
            (self.edtf(), not_before, not_after)
        {
            return format!("some time between {} and {} ({basis})", b.describe(), a.describe());
        }
        let bounds = match (not_before, not_after) {
            (None, None) => return base,
            (Some(b), None) => format!("from {} at the earliest", b.describe()),
            (None, Some(a)) => format!("until {} at the latest", a.describe()),
            (Some(b), Some(a)) => format!("not before {}, not after {}", b.describe(), a.describe()),
        };
        format!("{base} ({bounds}; {basis})")
    }
}

impl fmt::Display for FuzzyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl std::str::FromStr for FuzzyDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FuzzyDate::parse(s)
    }
}

fn parse_bound(part: &str, whole: &str) -> Result<Bound, DateError> {
    match part {
        ".." => Ok(Bound::Open),
        "" => Ok(Bound::Unknown),
        _ => match parse_point(part, whole)? {
            // A season as an interval's end is level 2.
            p if p.precision == Precision::Season => Err(DateError::Syntax { text: whole.to_owned() }),
            p => Ok(Bound::Date(p)),
        },
    }
}

/// The months a season code stands for (level 1: 21 spring, 22 summer, 23 autumn, 24 winter),
/// in the northern hemisphere, as meteorologists count them: spring March–May, summer
/// June–August, autumn September–November, winter December to February of the next year.
/// The specification names the seasons but gives them no months; edtf.js and python-edtf
/// differ, so the months are written down here and in `geodata/README.md`.
pub const SEASON_MONTHS: [(u32, &str, u32, u32); 4] =
    [(21, "spring", 3, 5), (22, "summer", 6, 8), (23, "autumn", 9, 11), (24, "winter", 12, 14)];

/// "spring 1946", "winter 1945/46".
fn season_words(text: &str, year: i32) -> Option<String> {
    let code: u32 = text.rsplit('-').next()?.parse().ok()?;
    let (_, name, _, _) = SEASON_MONTHS.iter().find(|s| s.0 == code)?;
    Some(if code == 24 { format!("{name} {year}/{:02}", (year + 1).rem_euclid(100)) } else { format!("{name} {year}") })
}

/// The first day of a year, for any year the text can hold (saturating far from the present).
fn year_first_day(year: i64) -> Day {
    Day::year_start(year.clamp(-MAX_YEAR, MAX_YEAR) as i32)
}

/// The last day of a year, likewise.
fn year_last_day(year: i64) -> Day {
    Day::year_end(year.clamp(-MAX_YEAR, MAX_YEAR) as i32)
}

/// Years further than this from year 0 are counted as this far: a [`Day`] holds about 5.8
/// million years, and no window the atlas shows reaches further.
const MAX_YEAR: i64 = 5_000_000;

/// Checks a time of day and zone: `hh:mm:ss`, then nothing, `Z`, `±hh` or `±hh:mm`.
fn valid_time(time: &str) -> bool {
    let b = time.as_bytes();
    let two = |i: usize, max: u32| -> bool {
        b.get(i..i + 2).is_some_and(|d| {
            d.iter().all(u8::is_ascii_digit) && u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0') <= max
        })
    };
    if b.len() < 8 || !two(0, 23) || b[2] != b':' || !two(3, 59) || b[5] != b':' || !two(6, 59) {
        return false;
    }
    let digits2 = |d: &[u8]| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0');
    match &b[8..] {
        [] | [b'Z'] => true,
        [sign @ (b'+' | b'-'), zone @ ..] => {
            let ok_digits = |d: &[u8]| d.iter().all(u8::is_ascii_digit);
            let (hh, mm) = match zone {
                [h1, h2] if ok_digits(&[*h1, *h2]) => (digits2(&[*h1, *h2]), 0),
                [h1, h2, b':', m1, m2] if ok_digits(&[*h1, *h2, *m1, *m2]) => {
                    (digits2(&[*h1, *h2]), digits2(&[*m1, *m2]))
                }
                _ => return false,
            };
            // Offsets run from -12:00 to +14:00; "-00" (an unknown offset in RFC 3339) is not one.
            let minutes = hh * 60 + mm;
            mm <= 59 && if *sign == b'+' { minutes <= 14 * 60 } else { (1..=12 * 60).contains(&minutes) }
        }
        _ => false,
    }
}

fn parse_point(part: &str, whole: &str) -> Result<DatePoint, DateError> {
    let syntax = || DateError::Syntax { text: whole.to_owned() };
    let (body, qualifiers) = match part.as_bytes().last() {
        Some(b'?') => (&part[..part.len() - 1], Qualifiers { uncertain: true, approximate: false }),
        Some(b'~') => (&part[..part.len() - 1], Qualifiers { uncertain: false, approximate: true }),
        Some(b'%') => (&part[..part.len() - 1], Qualifiers { uncertain: true, approximate: true }),
        _ => (part, Qualifiers::default()),
    };
    // A time of day (level 0): the event's day is the local date as written.
    let (date_text, time) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    if let Some(t) = time
        && (!qualifiers.is_none() || !valid_time(t))
    {
        return Err(DateError::Time { text: whole.to_owned() });
    }
    // `Y` years (level 1): a year of more than four digits, with no month or day.
    if let Some(long) = date_text.strip_prefix('Y') {
        let digits = long.strip_prefix('-').unwrap_or(long);
        if time.is_some() || digits.len() <= 4 || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0')
        {
            return Err(if digits.bytes().all(|b| b.is_ascii_digit()) && time.is_none() {
                DateError::Year { text: whole.to_owned() }
            } else {
                syntax()
            });
        }
        let magnitude: i64 = digits.parse().unwrap_or(i64::MAX);
        let year = if long.starts_with('-') { -magnitude } else { magnitude };
        return Ok(DatePoint {
            text: body.into(),
            earliest: year_first_day(year),
            latest: year_last_day(year),
            precision: Precision::Year,
            qualifiers,
        });
    }
    let (negative, unsigned) = match date_text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date_text),
    };
    // At most year, month and day; split without allocating (a million dates are parsed
    // when a large dataset loads).
    let mut split = [""; 3];
    let mut n = 0;
    let mut rest = Some(unsigned);
    while let Some(text) = rest {
        let (piece, after) = match text.bytes().position(|b| b == b'-') {
            Some(dash) => (&text[..dash], Some(&text[dash + 1..])),
            None => (text, None),
        };
        if n == split.len() || piece.is_empty() {
            return Err(syntax());
        }
        split[n] = piece;
        n += 1;
        rest = after;
    }
    let pieces = &split[..n];
    let year_text = pieces[0];
    if !year_text.bytes().all(|b| b.is_ascii_digit() || b == b'X') {
        return Err(syntax());
    }
    if year_text.len() != 4 {
        return Err(DateError::Year { text: whole.to_owned() });
    }
    // Unspecified digits may only end a year: 194X, 19XX.
    let unspecified = year_text.bytes().rev().take_while(|&b| b == b'X').count();
    if year_text[..4 - unspecified].contains('X') || unspecified > 2 {
        return Err(syntax());
    }
    let digits = &year_text[..4 - unspecified];
    let known: i32 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| syntax())? };
    // There is no year minus zero.
    if negative && known == 0 {
        return Err(syntax());
    }
    let scale = 10i32.pow(unspecified as u32);
    // -01XX is the years -0199 to -0100.
    let (first_year, last_year) = if negative {
        (-(known * scale + scale - 1), -(known * scale))
    } else {
        (known * scale, known * scale + scale - 1)
    };
    if unspecified > 0 {
        if pieces.len() > 1 {
            return Err(syntax());
        }
        let precision = if unspecified == 1 { Precision::Decade } else { Precision::Century };
        return Ok(DatePoint {
            text: body.into(),
            earliest: Day::year_start(first_year),
            latest: Day::year_end(last_year),
            precision,
            qualifiers,
        });
    }
    let year = first_year;
    let two_digits = |s: &str| -> Result<Option<u32>, DateError> {
        if s == "XX" {
            return Ok(None);
        }
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(syntax());
        }
        s.parse().map(Some).map_err(|_| syntax())
    };
    let month = match pieces.get(1) {
        None => None,
        Some(m) => two_digits(m)?,
    };
    let day = match pieces.get(2) {
        None => None,
        Some(d) => two_digits(d)?,
    };
    if time.is_some() && (month.is_none() || day.is_none()) {
        return Err(DateError::Time { text: whole.to_owned() });
    }
    let make = |earliest, latest, precision| DatePoint { text: body.into(), earliest, latest, precision, qualifiers };
    match (month, day) {
        // 1945, 1945-XX, 1985-XX-XX: the whole year.
        (None, None) => Ok(make(Day::year_start(year), Day::year_end(year), Precision::Year)),
        (None, Some(_)) => Err(syntax()),
        (Some(m), None) => {
            if pieces.len() == 3 {
                // 1945-08-XX: some day in August 1945
                if !(1..=12).contains(&m) {
                    return Err(DateError::Month { text: whole.to_owned(), month: m });
                }
                return Ok(make(Day::month_start(year, m), Day::month_end(year, m), Precision::Month));
            }
            match m {
                1..=12 => Ok(make(Day::month_start(year, m), Day::month_end(year, m), Precision::Month)),
                // Level 1 seasons (northern hemisphere): SEASON_MONTHS.
                21..=24 => {
                    let (_, _, first, last) = SEASON_MONTHS[(m - 21) as usize];
                    let end = if last > 12 { Day::month_end(year + 1, last - 12) } else { Day::month_end(year, last) };
                    Ok(make(Day::month_start(year, first), end, Precision::Season))
                }
                _ => Err(DateError::Month { text: whole.to_owned(), month: m }),
            }
        }
        (Some(m), Some(d)) => {
            if !(1..=12).contains(&m) {
                return Err(DateError::Month { text: whole.to_owned(), month: m });
            }
            let max = days_in_month(year, m);
            match Day::from_ymd(year, m, d) {
                Some(day) => Ok(make(day, day, Precision::Day)),
                None => Err(DateError::Day { text: whole.to_owned(), year, month: m, day: d, max }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, dd: u32) -> Day {
        Day::from_ymd(y, m, dd).unwrap()
    }

    /// Our own test vectors: (text, earliest, latest, description).
    #[test]
    fn every_supported_form_parses_to_its_span_and_words() {
        let cases: Vec<(&str, Day, Day, &str)> = vec![
            ("1939-01-02", d(1939, 1, 2), d(1939, 1, 2), "2 January 1939"),
            ("1939-03", d(1939, 3, 1), d(1939, 3, 31), "March 1939"),
            ("1945", d(1945, 1, 1), d(1945, 12, 31), "1945"),
            ("194X", d(1940, 1, 1), d(1949, 12, 31), "the 1940s"),
            ("19XX", d(1900, 1, 1), d(1999, 12, 31), "the 1900s"),
            ("1951/1954", d(1951, 1, 1), d(1954, 12, 31), "1951–1954"),
            ("1946/..", d(1946, 1, 1), Day::MAX, "from 1946 on"),
            ("1946/", d(1946, 1, 1), Day::MAX, "from 1946 (end unknown)"),
            ("../1945-08", Day::MIN, d(1945, 8, 31), "until August 1945"),
            ("1940~", d(1940, 1, 1), d(1940, 12, 31), "c. 1940"),
            ("1938?", d(1938, 1, 1), d(1938, 12, 31), "1938?"),
            ("1945%", d(1945, 1, 1), d(1945, 12, 31), "c. 1945?"),
            ("1944-02-29", d(1944, 2, 29), d(1944, 2, 29), "29 February 1944"),
            ("1945-24", d(1945, 12, 1), d(1946, 2, 28), "winter 1945/46"),
            ("1946-21", d(1946, 3, 1), d(1946, 5, 31), "spring 1946"),
            ("1999-24", d(1999, 12, 1), d(2000, 2, 29), "winter 1999/00"),
            ("1985-XX-XX", d(1985, 1, 1), d(1985, 12, 31), "1985"),
            ("1985-04-12T23:20:30", d(1985, 4, 12), d(1985, 4, 12), "12 April 1985"),
            ("1985-04-12T23:20:30Z", d(1985, 4, 12), d(1985, 4, 12), "12 April 1985"),
            ("1985-04-12T23:20:30+05:00", d(1985, 4, 12), d(1985, 4, 12), "12 April 1985"),
            ("1985-04-12T23:20:30-04", d(1985, 4, 12), d(1985, 4, 12), "12 April 1985"),
            ("-1985", d(-1985, 1, 1), d(-1985, 12, 31), "1986 BCE"),
            ("0000", d(0, 1, 1), d(0, 12, 31), "1 BCE"),
            ("/1945-10", Day::MIN, d(1945, 10, 31), "by October 1945"),
            ("../..", Day::MIN, Day::MAX, "date unknown"),
            ("1945-08-XX", d(1945, 8, 1), d(1945, 8, 31), "August 1945"),
            ("1945-XX", d(1945, 1, 1), d(1945, 12, 31), "1945"),
            ("1946-09~/1946-12", d(1946, 9, 1), d(1946, 12, 31), "c. September 1946–December 1946"),
        ];
        for (text, earliest, latest, words) in cases {
            let date = FuzzyDate::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((date.earliest, date.latest), (earliest, latest), "{text}");
            assert_eq!(date.describe(), words, "{text}");
            assert_eq!(date.to_edtf().as_deref(), Some(text), "{text}");
        }
    }

    #[test]
    fn impossible_dates_are_rejected_with_a_reason() {
        let msg = |t: &str| FuzzyDate::parse(t).unwrap_err().to_string();
        assert_eq!(msg("1945-02-30"), "'1945-02-30': February 1945 has 28 days, not 30");
        assert_eq!(msg("1945-13"), "'1945-13': month 13 does not exist");
        assert_eq!(msg("99999"), "'99999': a year must have exactly four digits (or Y and five or more)");
        assert_eq!(msg("Y1985"), "'Y1985': a year must have exactly four digits (or Y and five or more)");
        assert!(msg("1985-04-12T25:00:00").contains("time of day"));
        assert!(msg("1985-04T23:20:30").contains("time of day"));
        assert!(msg("1985-04-12T23:20:30+15:00").contains("time of day"));
        assert!(msg("1945-25").contains("month 25 does not exist"));
        assert_eq!(msg("1954/1951"), "interval '1954/1951' ends before it starts");
        assert_eq!(msg("  "), "empty date (write null for an undated record)");
        assert!(msg("March 1939").contains("is not an EDTF date"));
        assert!(msg("1X45").contains("is not an EDTF date"));
        assert!(msg("1945-8-1").contains("is not an EDTF date"));
    }

    #[test]
    fn years_beyond_four_digits_are_read_and_kept_as_written() {
        let far = FuzzyDate::parse("Y170000002").unwrap();
        assert_eq!(far.describe(), "year 170000002");
        assert!(far.earliest > Day::year_start(4_000_000));
        let past = FuzzyDate::parse("Y-170000002").unwrap();
        assert!(past.latest < Day::year_start(-4_000_000));
        assert_eq!(past.to_edtf().as_deref(), Some("Y-170000002"));
    }

    #[test]
    fn the_known_part_is_what_the_text_states_without_doubt() {
        let known = |t: &str| FuzzyDate::parse(t).unwrap().date_span().unwrap().known();
        assert_eq!(known("1945-08"), Some((d(1945, 8, 1), d(1945, 8, 31))));
        assert_eq!(known("1940~"), None);
        assert_eq!(known("1951/1954"), Some((d(1951, 1, 1), d(1954, 12, 31))));
        assert_eq!(known("1946-09~/1946-12"), Some((d(1946, 10, 1), d(1946, 12, 31))));
        assert_eq!(known("../1954"), Some((d(1954, 1, 1), d(1954, 12, 31))));
        assert_eq!(known("1946/"), Some((d(1946, 1, 1), d(1946, 12, 31))));
        assert_eq!(known("1946~/.."), None);
        assert_eq!(known("../.."), None);
    }

    #[test]
    fn outer_bounds_narrow_only_the_uncertain_part() {
        let date = |t: &str| FuzzyDate::parse(t).unwrap();
        let until = date("../1954");
        let b = until.with_bounds(Some(&date("1945-08")), None).unwrap();
        assert_eq!((b.earliest, b.latest), (d(1945, 8, 1), d(1954, 12, 31)));
        assert_eq!(b.date_span().unwrap().known(), until.date_span().unwrap().known());
        assert_eq!(
            until.describe_bounded(Some(&date("1945-08")), None, "inferred"),
            "until 1954 (from August 1945 at the earliest; inferred)"
        );
        let err = |d: &FuzzyDate, nb: Option<&str>, na: Option<&str>| {
            d.with_bounds(nb.map(date).as_ref(), na.map(date).as_ref()).unwrap_err().to_string()
        };
        assert_eq!(
            err(&until, None, Some("1950")),
            "not_after 1950 contradicts the date '../1954': it is known until 1954-12-31, so it cannot end earlier"
        );
        assert!(err(&date("1945/"), Some("1946"), None).starts_with("not_before 1946 contradicts"));
        assert!(err(&date("1945/"), Some("1940/1941"), None).contains("must be a single date"));
        assert!(err(&date("../.."), Some("1950"), Some("1940")).contains("is after not_after"));
        assert!(err(&FuzzyDate::undated(), Some("1950"), None).contains("undated record"));
        assert_eq!(
            date("/").describe_bounded(Some(&date("1945-08")), Some(&date("1950")), "inferred"),
            "some time between August 1945 and 1950 (inferred)"
        );
        assert_eq!(
            date("/1945-10").describe_bounded(Some(&date("1945-08")), None, "inferred"),
            "by October 1945 (from August 1945 at the earliest; inferred)"
        );
        let open = date("1945-08/..").with_bounds(None, Some(&date("1955"))).unwrap();
        assert_eq!(open.latest, d(1955, 12, 31));
    }

    #[test]
    fn an_unknown_start_never_sorts_first() {
        let by = FuzzyDate::parse("/1945-10").unwrap();
        assert_eq!(by.sort_day(), d(1945, 10, 1));
        assert!(by.sort_day() > FuzzyDate::parse("1939").unwrap().sort_day());
    }

    #[test]
    fn qualifiers_mark_a_date_approximate() {
        assert!(FuzzyDate::parse("1940~").unwrap().is_approximate());
        assert!(FuzzyDate::parse("1946/..").unwrap().is_approximate());
        assert!(!FuzzyDate::parse("1945-08-09").unwrap().is_approximate());
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_spans_are_ordered(s in "\\PC{0,24}") {
            if let Ok(date) = FuzzyDate::parse(&s) {
                prop_assert!(date.earliest <= date.latest);
            }
        }

        #[test]
        fn written_dates_round_trip(y in 1000i32..2999, m in 1u32..=12, dd in 1u32..=28, q in 0usize..4) {
            let suffix = ["", "?", "~", "%"][q];
            for text in [format!("{y:04}{suffix}"), format!("{y:04}-{m:02}{suffix}"), format!("{y:04}-{m:02}-{dd:02}{suffix}")] {
                let date = FuzzyDate::parse(&text).unwrap();
                prop_assert_eq!(date.to_edtf(), Some(text.clone()));
                // The date keeps only its text; the shape parsed again is the one first parsed.
                prop_assert_eq!(date.edtf(), parse_edtf(&text).unwrap().0);
                prop_assert_eq!(date.span(), parse_edtf(&text).ok().map(|(_, a, b)| (a, b)));
                prop_assert!(date.earliest <= date.latest);
                let (ey, _, _) = date.earliest.to_ymd();
                prop_assert_eq!(ey, y);
            }
        }

        /// The text a date keeps (the input, trimmed) is the normal form written back from
        /// its parsed shape, for every form: points, seasons, unspecified digits, qualifiers,
        /// open and unknown ends, and spaces around.
        #[test]
        fn the_kept_text_is_the_normal_form_of_the_parsed_shape(
            s in "[ ]{0,2}(([0-9X]{4}(-(0[1-9]|1[0-2]|2[1-4]|XX)(-([0-2][0-9]|3[01]|XX))?)?[?~%]?|\\.\\.|)(/([0-9X]{4}(-[0-9X]{2}(-[0-9X]{2})?)?[?~%]?|\\.\\.|))?)[ ]{0,2}",
        ) {
            if let Ok(date) = FuzzyDate::parse(&s) {
                let point = |p: &DatePoint| format!("{}{}", p.text(), p.qualifiers.suffix());
                let bound = |b: &Bound| match b {
                    Bound::Date(p) => point(p),
                    Bound::Open => "..".to_owned(),
                    Bound::Unknown => String::new(),
                };
                let normal = match parse_edtf(&s).unwrap().0 {
                    Edtf::Undated => String::new(),
                    Edtf::Single(p) => point(&p),
                    Edtf::Interval(a, b) => format!("{}/{}", bound(&a), bound(&b)),
                };
                prop_assert_eq!(date.to_edtf(), Some(normal));
            }
        }

        #[test]
        fn an_interval_covers_both_of_its_ends(a in 1900i32..2000, b in 0i32..50) {
            let text = format!("{a}/{}", a + b);
            let date = FuzzyDate::parse(&text).unwrap();
            prop_assert_eq!(date.earliest, Day::year_start(a));
            prop_assert_eq!(date.latest, Day::year_end(a + b));
        }
    }
}

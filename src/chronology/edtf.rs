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
    /// `1939-01-02`
    Day,
    /// `1939-03`, also `1939-XX`-free month and seasons (`1945-21`).
    Month,
    /// `1945`, also `1945-XX`.
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

impl DatePoint {
    /// The date as written, without its qualifier.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The date in words: "2 January 1939", "March 1939", "1945", "the 1940s".
    pub fn describe(&self) -> String {
        let (y, m, d) = self.earliest.to_ymd();
        let base = match self.precision {
            Precision::Day => format!("{d} {} {y}", MONTH_NAMES[(m - 1) as usize]),
            Precision::Month => {
                if let Some(season) = season_name(&self.text) {
                    format!("{season} {y}")
                } else {
                    format!("{} {y}", MONTH_NAMES[(m - 1) as usize])
                }
            }
            Precision::Year => format!("{y}"),
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

/// A fuzzy date: its EDTF form plus the inclusive range of days it may fall on.
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
    approximate: bool,
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
    /// A year with more or fewer than four digits.
    #[error("'{text}': a year must have exactly four digits")]
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
    /// An interval whose end is before its start.
    #[error("interval '{text}' ends before it starts")]
    EndBeforeStart {
        /// The offending text.
        text: String,
    },
    /// `../..` says nothing.
    #[error("interval '{text}' has no known end at all")]
    NoBounds {
        /// The offending text.
        text: String,
    },
}

impl FuzzyDate {
    /// A record with no date.
    pub fn undated() -> FuzzyDate {
        FuzzyDate {
            text: compact_str::CompactString::default(),
            earliest: Day::MIN,
            latest: Day::MAX,
            approximate: true,
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
        let approximate = match &edtf {
            Edtf::Undated => true,
            Edtf::Single(p) => !p.qualifiers.is_none(),
            Edtf::Interval(a, b) => [a, b].iter().any(|b| match b {
                Bound::Date(p) => !p.qualifiers.is_none(),
                Bound::Open | Bound::Unknown => true,
            }),
        };
        // The normal form is the text as written, trimmed: bounds hold no spaces, and each
        // keeps its own digits and qualifier (a test checks this over every form).
        let text = compact_str::CompactString::new(text.trim());
        Ok(FuzzyDate { text, earliest, latest, approximate })
    }

    /// The parsed form.
    pub fn edtf(&self) -> Edtf {
        if self.text.is_empty() {
            return Edtf::Undated;
        }
        parse_edtf(&self.text).map_or(Edtf::Undated, |(edtf, _, _)| edtf)
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
        if !matches!(start, Bound::Date(_)) && !matches!(end, Bound::Date(_)) {
            return Err(DateError::NoBounds { text: text.to_owned() });
        }
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

    /// True when any part carries `~` or `?`, or a bound is open or unknown.
    pub fn is_approximate(&self) -> bool {
        self.approximate
    }

    /// The span `(earliest, latest)`, or `None` when undated.
    pub fn span(&self) -> Option<(Day, Day)> {
        (!self.is_undated()).then_some((self.earliest, self.latest))
    }

    /// The EDTF text (normalised: trimmed), or `None` when undated.
    pub fn to_edtf(&self) -> Option<String> {
        (!self.is_undated()).then(|| self.text.to_string())
    }

    /// The date in words, as a historian would write it: "2 January 1939", "c. 1940",
    /// "1951–1954", "from 1946", "until August 1945", "undated".
    pub fn describe(&self) -> String {
        match &self.edtf() {
            Edtf::Undated => "undated".to_owned(),
            Edtf::Single(p) => p.describe(),
            Edtf::Interval(Bound::Date(a), Bound::Date(b)) => format!("{}–{}", a.describe(), b.describe()),
            Edtf::Interval(Bound::Date(a), Bound::Open) => format!("from {} on", a.describe()),
            Edtf::Interval(Bound::Date(a), Bound::Unknown) => format!("from {} (end unknown)", a.describe()),
            Edtf::Interval(Bound::Open, Bound::Date(b)) => format!("until {}", b.describe()),
            Edtf::Interval(Bound::Unknown, Bound::Date(b)) => format!("(start unknown) until {}", b.describe()),
            Edtf::Interval(_, _) => "undated".to_owned(),
        }
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
        _ => parse_point(part, whole).map(Bound::Date),
    }
}

fn season_name(text: &str) -> Option<&'static str> {
    match text.get(5..7)? {
        "21" => Some("spring"),
        "22" => Some("summer"),
        "23" => Some("autumn"),
        "24" => Some("winter"),
        _ => None,
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
    // At most year, month and day; split without allocating (a million dates are parsed
    // when a large dataset loads).
    let mut split = [""; 3];
    let mut n = 0;
    let mut rest = Some(body);
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
    let scale = 10i32.pow(unspecified as u32);
    let first_year = known * scale;
    let last_year = first_year + scale - 1;
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
    let make = |earliest, latest, precision| DatePoint { text: body.into(), earliest, latest, precision, qualifiers };
    match (month, day) {
        (None, None) => {
            if pieces.len() == 3 {
                return Err(syntax()); // 1945-XX-XX is still just a year, but say so plainly
            }
            Ok(make(Day::year_start(year), Day::year_end(year), Precision::Year))
        }
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
                // Level 1 seasons (northern hemisphere): spring, summer, autumn, winter.
                21 => Ok(make(Day::month_start(year, 3), Day::month_end(year, 5), Precision::Month)),
                22 => Ok(make(Day::month_start(year, 6), Day::month_end(year, 8), Precision::Month)),
                23 => Ok(make(Day::month_start(year, 9), Day::month_end(year, 11), Precision::Month)),
                24 => Ok(make(Day::month_start(year, 12), Day::month_end(year + 1, 2), Precision::Month)),
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
            ("1945-24", d(1945, 12, 1), d(1946, 2, 28), "winter 1945"),
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
        assert_eq!(msg("99999"), "'99999': a year must have exactly four digits");
        assert_eq!(msg("1954/1951"), "interval '1954/1951' ends before it starts");
        assert_eq!(msg("../.."), "interval '../..' has no known end at all");
        assert_eq!(msg("  "), "empty date (write null for an undated record)");
        assert!(msg("March 1939").contains("is not an EDTF date"));
        assert!(msg("1X45").contains("is not an EDTF date"));
        assert!(msg("1945-8-1").contains("is not an EDTF date"));
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

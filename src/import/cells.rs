//! Reading one cell as a date or a coordinate, and saying how it was read: the import never
//! turns a cell into a date silently.

use crate::chronology::typed::parse_typed;
use crate::chronology::{Day, FuzzyDate};

use super::table::Value;

/// A date read from a cell: the EDTF it became, and how it was read when that is not plain
/// (an Excel day number, a Japanese era year, "before", "c.").
#[derive(Clone, Debug, PartialEq)]
pub struct DateReading {
    /// The date.
    pub date: FuzzyDate,
    /// A note on the reading ("Shōwa 20 is 1945"), when it took more than reading the text.
    pub how: Option<String>,
}

impl DateReading {
    fn plain(date: FuzzyDate) -> DateReading {
        DateReading { date, how: None }
    }

    /// The EDTF text (empty for an undated reading).
    pub fn edtf(&self) -> String {
        self.date.to_edtf().unwrap_or_default()
    }

    /// How the preview shows it: `1945-08 (August 1945)`, with the reading's note.
    pub fn describe(&self) -> String {
        let mut s = format!("{} ({})", self.edtf(), self.date.describe());
        if let Some(how) = &self.how {
            s.push_str("; ");
            s.push_str(how);
        }
        s
    }
}

/// The Japanese eras of the period, with the Gregorian year before their first year.
const ERAS: [(&str, &str, i32, i32); 5] = [
    ("明治", "Meiji", 1867, 45),
    ("大正", "Taishō", 1911, 15),
    ("昭和", "Shōwa", 1925, 64),
    ("平成", "Heisei", 1988, 31),
    ("令和", "Reiwa", 2018, 99),
];

/// The seasons as EDTF level 1 codes (northern hemisphere, as `chronology` reads them).
const SEASONS: [(&str, u32); 5] = [("spring", 21), ("summer", 22), ("autumn", 23), ("fall", 23), ("winter", 24)];

/// The first and last days a spreadsheet's day number can be (1900-01-01 to 9999-12-31).
const EXCEL_DAYS: std::ops::RangeInclusive<f64> = 1.0..=2_958_465.0;

/// Reads a date cell. `Ok(None)` for an empty cell; an error says what could not be read.
///
/// ```
/// use crossings::import::{Value, read_date};
/// let r = |s: &str| read_date(&Value::Text(s.into())).unwrap().unwrap().edtf();
/// assert_eq!(r("昭和20年8月"), "1945-08");
/// assert_eq!(r("c. 1940"), "1940~");
/// assert_eq!(r("1940s"), "194X");
/// assert_eq!(r("before 1950"), "../1949");
/// ```
pub fn read_date(value: &Value) -> Result<Option<DateReading>, String> {
    match value {
        Value::Empty | Value::Bool(_) => Ok(None),
        Value::Date(day) => point(*day).map(|d| Some(DateReading::plain(d))),
        Value::Number(n) => number_date(*n).map(Some),
        Value::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            text_date(t).map(Some)
        }
    }
}

/// A whole day as a date.
fn point(day: Day) -> Result<FuzzyDate, String> {
    FuzzyDate::parse(&day.iso()).map_err(|e| e.to_string())
}

/// A number in a date column: a year (1000 to 2999) or a spreadsheet's day number.
fn number_date(n: f64) -> Result<DateReading, String> {
    if n.fract() == 0.0 && (1000.0..3000.0).contains(&n) {
        return FuzzyDate::parse(&format!("{}", n as i64)).map(DateReading::plain).map_err(|e| e.to_string());
    }
    if EXCEL_DAYS.contains(&n) {
        let day = excel_day(n);
        let date = point(day)?;
        return Ok(DateReading { how: Some(format!("spreadsheet day number {}", super::table::number_text(n))), date });
    }
    Err(format!("the number {} is neither a year nor a spreadsheet date", super::table::number_text(n)))
}

/// The day of a spreadsheet's day number (Excel's 1900 system: day 1 is 1900-01-01, and day
/// 60 is the 29 February 1900 that never was, kept for Lotus 1-2-3).
pub fn excel_day(serial: f64) -> Day {
    let whole = serial.floor() as i32;
    let base = Day::from_ymd(1899, 12, 30).unwrap_or(Day(-25569));
    if whole < 61 { Day(base.0 + whole + 1) } else { Day(base.0 + whole) }
}

fn text_date(t: &str) -> Result<DateReading, String> {
    // Plain integers beyond any year: a day number a spreadsheet wrote as text.
    if t.len() >= 5
        && t.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = t.parse::<f64>()
    {
        return number_date(n);
    }
    if let Ok(d) = parse_typed(t) {
        return Ok(DateReading::plain(d));
    }
    if let Some(r) = era(t) {
        return r;
    }
    let lower = t.to_lowercase();
    // "c. 1940", "ca. 1940", "circa 1940", "about 1940", "around 1940".
    for prefix in ["circa ", "circa", "ca. ", "ca.", "ca ", "c. ", "c.", "c ", "about ", "around ", "approx. ", "~"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let inner = text_date(rest.trim())?;
            let edtf = inner.edtf();
            if edtf.contains('/') || edtf.ends_with('~') || edtf.ends_with('%') {
                return Err(format!("'{t}': only a single year, month or day can be marked approximate"));
            }
            let approx = if let Some(base) = edtf.strip_suffix('?') { format!("{base}%") } else { format!("{edtf}~") };
            let date = FuzzyDate::parse(&approx).map_err(|e| e.to_string())?;
            return Ok(DateReading { date, how: Some(format!("'{}' read as approximate", t.trim())) });
        }
    }
    // "before 1950", "after 1945": an open side, up to the day before or from the day after.
    for (word, before) in [("before ", true), ("after ", false)] {
        if let Some(rest) = lower.strip_prefix(word) {
            let inner = text_date(rest.trim())?;
            let span = inner.date.span().ok_or_else(|| format!("'{t}': no date after '{word}'"))?;
            if inner.edtf().contains('/') {
                return Err(format!("'{t}': 'before' and 'after' take a single year, month or day"));
            }
            let edtf = if before {
                format!("../{}", shift(&inner, span.0, -1))
            } else {
                format!("{}/..", shift(&inner, span.1, 1))
            };
            let date = FuzzyDate::parse(&edtf).map_err(|e| e.to_string())?;
            let how = if before {
                format!(
                    "'{}': some time up to {}, with no earliest date",
                    t.trim(),
                    date.span().map_or(String::new(), |s| s.1.iso())
                )
            } else {
                format!(
                    "'{}': some time from {}, with no latest date",
                    t.trim(),
                    date.span().map_or(String::new(), |s| s.0.iso())
                )
            };
            return Ok(DateReading { date, how: Some(how) });
        }
    }
    // "1940s": a decade.
    if let Some(d) = lower.strip_suffix("s").or_else(|| lower.strip_suffix("'s"))
        && d.len() == 4
        && d.ends_with('0')
        && d.bytes().all(|b| b.is_ascii_digit())
    {
        let date = FuzzyDate::parse(&format!("{}X", &d[..3])).map_err(|e| e.to_string())?;
        return Ok(DateReading::plain(date));
    }
    // "spring 1946".
    let words: Vec<&str> = lower.split_whitespace().collect();
    if let [season, year] = words.as_slice()
        && let Some((_, code)) = SEASONS.iter().find(|(name, _)| name == season)
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
    {
        let date = FuzzyDate::parse(&format!("{year}-{code}")).map_err(|e| e.to_string())?;
        return Ok(DateReading::plain(date));
    }
    // A date with a time of day after a space: "1945-08-15 09:00:00".
    if let Some((day, time)) = t.split_once(' ')
        && time.contains(':')
        && let Ok(d) = FuzzyDate::parse(day)
    {
        return Ok(DateReading::plain(d));
    }
    numeric(t)
}

/// The EDTF of the period next to a date at its own precision: the year, month or day
/// before (`step` -1) or after (`step` 1).
fn shift(inner: &DateReading, edge: Day, step: i32) -> String {
    let edtf = inner.edtf();
    let (y, m, d) = edge.to_ymd();
    match edtf.trim_end_matches(['~', '?', '%']).len() {
        4 => format!("{}", y + step),
        7 => {
            let ix = y * 12 + m as i32 - 1 + step;
            format!("{}-{:02}", ix.div_euclid(12), ix.rem_euclid(12) + 1)
        }
        _ => {
            let _ = d;
            Day(edge.0 + step).iso()
        }
    }
}

/// Japanese era years: 昭和20年, 昭和20年8月15日, 大正元年.
fn era(t: &str) -> Option<Result<DateReading, String>> {
    let (kanji, name, base, last) = ERAS.iter().find(|(k, ..)| t.starts_with(k))?;
    let rest = &t[kanji.len()..];
    let (num, tail) = rest.split_once('年')?;
    let num = num.trim();
    let n: i32 = if num == "元" {
        1
    } else {
        match num.parse() {
            Ok(n) => n,
            Err(_) => {
                let full: String = num
                    .chars()
                    .filter_map(|c| c.to_digit(10).or_else(|| fullwidth(c)))
                    .map(|d| char::from(b'0' + d as u8))
                    .collect();
                full.parse().ok()?
            }
        }
    };
    if !(1..=*last).contains(&n) {
        return Some(Err(format!("'{t}': {name} ({kanji}) has no year {n} (it ran to year {last})")));
    }
    let year = base + n;
    let gregorian = format!("{year}年{tail}");
    Some(match parse_typed(&gregorian) {
        Ok(date) => Ok(DateReading { date, how: Some(format!("{name} {n} is {year}")) }),
        Err(e) => Err(e.to_string()),
    })
}

fn fullwidth(c: char) -> Option<u32> {
    ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32)
}

/// Numeric dates with slashes or dots: 1945/8/15, 1945/08, 15.08.1945, 15/08/1945 (when the
/// day and month cannot be mistaken for each other).
fn numeric(t: &str) -> Result<DateReading, String> {
    let parts: Vec<&str> = t.split(['/', '.']).map(str::trim).collect();
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
    let unreadable = || parse_typed(t).map(DateReading::plain).map_err(|e| e.to_string());
    let Some(nums) = nums.filter(|_| parts.iter().all(|p| !p.is_empty())) else { return unreadable() };
    let ymd = match (parts.as_slice(), nums.as_slice()) {
        ([y, ..], [yy, m, d]) if y.len() == 4 => (*yy as i32, *m, *d),
        ([y, _], [yy, m]) if y.len() == 4 => {
            return FuzzyDate::parse(&format!("{yy:04}-{m:02}"))
                .map(DateReading::plain)
                .map_err(|_| format!("'{t}': there is no month {m}"));
        }
        ([.., y], [a, b, yy]) if y.len() == 4 => {
            let (a, b) = (*a, *b);
            if a > 12 && b <= 12 {
                (*yy as i32, b, a)
            } else if b > 12 && a <= 12 {
                (*yy as i32, a, b)
            } else if a == b {
                (*yy as i32, a, a)
            } else {
                return Err(format!(
                    "'{t}' could be day {a} of month {b} or day {b} of month {a}; write it as {yy}-{b:02}-{a:02} or {yy}-{a:02}-{b:02}"
                ));
            }
        }
        _ => return unreadable(),
    };
    let (y, m, d) = ymd;
    let day = Day::from_ymd(y, m, d).ok_or_else(|| format!("'{t}': there is no such day"))?;
    point(day).map(DateReading::plain)
}

/// A latitude or longitude cell: a number, or text such as `45.75`, `45.75 N`, `126°38′E`,
/// `45°45'30"N`. `Ok(None)` for an empty cell.
pub fn read_degrees(value: &Value) -> Result<Option<f64>, String> {
    match value {
        Value::Empty => Ok(None),
        Value::Number(n) if n.is_finite() => Ok(Some(*n)),
        Value::Text(t) if t.trim().is_empty() => Ok(None),
        Value::Text(t) => degrees(t).map(Some).ok_or_else(|| format!("'{}' is not a number of degrees", t.trim())),
        other => Err(format!("{} is not a number of degrees", other.text().unwrap_or_default())),
    }
}

fn degrees(text: &str) -> Option<f64> {
    let t = text.trim();
    let (body, sign) = match t.chars().last()? {
        'N' | 'n' | 'E' | 'e' => (&t[..t.len() - 1], 1.0),
        'S' | 's' | 'W' | 'w' => (&t[..t.len() - 1], -1.0),
        _ => (t, 1.0),
    };
    let body = body.trim().replace(',', ".");
    if let Ok(x) = body.trim_end_matches('°').trim().parse::<f64>() {
        return x.is_finite().then_some(x * sign);
    }
    // Degrees, minutes and seconds.
    let nums: Vec<f64> = body
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let (d, m, s) = match nums.as_slice() {
        [d, m] => (*d, *m, 0.0),
        [d, m, s] => (*d, *m, *s),
        _ => return None,
    };
    if !(0.0..60.0).contains(&m) || !(0.0..60.0).contains(&s) {
        return None;
    }
    let v = d.abs() + m / 60.0 + s / 3600.0;
    Some(if d < 0.0 { -v } else { v } * sign)
}

/// A cell holding both coordinates: `lat, lon` (as people and most web maps write them) or
/// WKT `POINT (lon lat)`. Returns `(lon, lat)`.
pub fn read_lat_lon(value: &Value) -> Result<Option<(f64, f64)>, String> {
    let Some(t) = value.text() else { return Ok(None) };
    let upper = t.to_ascii_uppercase();
    if let Some(rest) = upper.strip_prefix("POINT") {
        let inner = rest.trim().trim_start_matches('Z').trim().trim_start_matches('(').trim_end_matches(')');
        let nums: Vec<f64> = inner.split_whitespace().filter_map(|n| n.parse().ok()).collect();
        return match nums.as_slice() {
            [lon, lat, ..] => Ok(Some((*lon, *lat))),
            _ => Err(format!("'{t}' is not a WKT point (POINT (longitude latitude))")),
        };
    }
    let parts: Vec<&str> = t.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()).collect();
    let parts = if parts.len() == 2 { parts } else { t.split_whitespace().collect() };
    match parts.as_slice() {
        [a, b] => match (degrees(a), degrees(b)) {
            (Some(lat), Some(lon)) => Ok(Some((lon, lat))),
            _ => Err(format!("'{t}' is not 'latitude, longitude'")),
        },
        _ => Err(format!("'{t}' is not 'latitude, longitude' or a WKT POINT")),
    }
}

/// Checks a point's range; says when longitude and latitude look swapped.
pub fn check_point(lon: f64, lat: f64) -> Result<(), String> {
    if !(-90.0..=90.0).contains(&lat) {
        if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
            return Err(format!("latitude {lat} is out of range (-90 to 90); are latitude and longitude swapped?"));
        }
        return Err(format!("latitude {lat} is out of range (-90 to 90)"));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(format!("longitude {lon} is out of range (-180 to 180)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edtf(s: &str) -> String {
        read_date(&Value::Text(s.into())).unwrap_or_else(|e| panic!("{s}: {e}")).unwrap().edtf()
    }

    #[test]
    fn dates_as_people_type_them_become_edtf() {
        let cases = [
            ("1945-08-15", "1945-08-15"),
            ("1945-08", "1945-08"),
            ("1945", "1945"),
            ("Aug 1945", "1945-08"),
            ("August 1945", "1945-08"),
            ("8/1945", "1945-08"),
            ("1945年8月", "1945-08"),
            ("昭和20年", "1945"),
            ("昭和20年8月15日", "1945-08-15"),
            ("昭和元年", "1926"),
            ("大正9年", "1920"),
            ("c. 1940", "1940~"),
            ("circa 1940", "1940~"),
            ("ca. 1940", "1940~"),
            ("1940s", "194X"),
            ("1939–1941", "1939/1941"),
            ("1939-1941", "1939/1941"),
            ("spring 1946", "1946-21"),
            ("before 1950", "../1949"),
            ("after 1945", "1946/.."),
            ("before August 1945", "../1945-07"),
            ("after 15 August 1945", "1945-08-16/.."),
            ("before January 1946", "../1945-12"),
            ("1945/8/15", "1945-08-15"),
            ("1945/08", "1945-08"),
            ("15.08.1945", "1945-08-15"),
            ("08/15/1945", "1945-08-15"),
            ("1945-08-15 09:30:00", "1945-08-15"),
            ("1945-08-15T09:30:00Z", "1945-08-15T09:30:00Z"),
        ];
        for (typed, want) in cases {
            assert_eq!(edtf(typed), want, "{typed}");
        }
        assert_eq!(read_date(&Value::Empty), Ok(None));
        assert_eq!(read_date(&Value::Text("  ".into())), Ok(None));
    }

    #[test]
    fn spreadsheet_numbers_are_years_or_day_numbers_and_say_so() {
        let r = read_date(&Value::Number(16664.0)).unwrap().unwrap();
        assert_eq!(r.edtf(), "1945-08-15");
        assert!(r.how.unwrap().contains("day number 16664"));
        assert_eq!(read_date(&Value::Number(1945.0)).unwrap().unwrap().edtf(), "1945");
        assert_eq!(excel_day(1.0), Day::from_ymd(1900, 1, 1).unwrap());
        assert_eq!(excel_day(61.0), Day::from_ymd(1900, 3, 1).unwrap());
        assert_eq!(read_date(&Value::Text("16664".into())).unwrap().unwrap().edtf(), "1945-08-15");
        let era = read_date(&Value::Text("昭和20年".into())).unwrap().unwrap();
        assert_eq!(era.how.as_deref(), Some("Shōwa 20 is 1945"));
    }

    #[test]
    fn what_cannot_be_read_is_an_error_naming_the_text() {
        for bad in ["soon", "03/04/1945", "昭和70年", "1945-13", "-5"] {
            let e = read_date(&Value::Text(bad.into())).unwrap_err();
            assert!(e.contains(bad) || e.contains("70"), "{bad}: {e}");
        }
        assert!(read_date(&Value::Text("03/04/1945".into())).unwrap_err().contains("could be day 3 of month 4"));
    }

    #[test]
    fn coordinates_are_read_in_the_forms_people_write() {
        let d = |s: &str| read_degrees(&Value::Text(s.into())).unwrap().unwrap();
        assert_eq!(d("45.75"), 45.75);
        assert_eq!(d("45.75 N"), 45.75);
        assert_eq!(d("33.9S"), -33.9);
        assert!((d("45°45'00\"N") - 45.75).abs() < 1e-9);
        assert!((d("126°38′E") - (126.0 + 38.0 / 60.0)).abs() < 1e-9);
        assert_eq!(read_lat_lon(&Value::Text("45.75, 126.63".into())).unwrap(), Some((126.63, 45.75)));
        assert_eq!(read_lat_lon(&Value::Text("POINT (126.63 45.75)".into())).unwrap(), Some((126.63, 45.75)));
        assert!(check_point(45.75, 126.63).unwrap_err().contains("swapped"));
        assert!(read_degrees(&Value::Text("north".into())).is_err());
    }
}

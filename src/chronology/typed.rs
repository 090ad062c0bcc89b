//! Dates as people type them into a search box: "Aug 1945", "August 1945", "8/1945",
//! "1945年8月", "15 August 1945", "1939-41", "1939–1941", as well as every EDTF form.
//!
//! [`parse_typed`] turns such text into EDTF and its [`FuzzyDate`]; what it could not read
//! gets an error in plain words (no EDTF jargon) saying what it expected.

use super::day::MONTH_NAMES;
use super::edtf::{DateError, FuzzyDate};

/// What the user may type, said when what was typed could not be read.
const EXPECTED: &str = "Type a year (1945), a month (August 1945, Aug 1945, 1945-08, 1945年8月), a day (15 August 1945) or a range (1939-41, 1939 to 1941)";

/// Why a typed date could not be read, in plain words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TypedDateError {
    /// Not in any form a date is written in.
    #[error("'{0}' is not a date I can read. {EXPECTED}")]
    Unreadable(String),
    /// Written as a date, but there is no such day or month ("1945-02-30").
    #[error("{0}. {EXPECTED}")]
    Impossible(String),
}

/// Reads a typed date: EDTF first, then the forms people write.
///
/// ```
/// use crossings::chronology::typed::parse_typed;
/// assert_eq!(parse_typed("Aug 1945").unwrap().to_edtf().as_deref(), Some("1945-08"));
/// assert_eq!(parse_typed("1939-41").unwrap().to_edtf().as_deref(), Some("1939/1941"));
/// assert_eq!(parse_typed("1945年8月").unwrap().to_edtf().as_deref(), Some("1945-08"));
/// assert!(parse_typed("soon").is_err());
/// ```
pub fn parse_typed(text: &str) -> Result<FuzzyDate, TypedDateError> {
    let trimmed = text.trim();
    let impossible = match FuzzyDate::parse(trimmed) {
        Ok(d) => return Ok(d),
        // A date in the right shape with a day or month that does not exist: say which.
        Err(e @ (DateError::Day { .. } | DateError::EndBeforeStart { .. })) => Some(e.to_string()),
        Err(_) => None,
    };
    let fail = || match &impossible {
        Some(why) => TypedDateError::Impossible(why.clone()),
        None => TypedDateError::Unreadable(trimmed.to_owned()),
    };
    let edtf = to_edtf(trimmed).ok_or_else(fail)?;
    FuzzyDate::parse(&edtf).map_err(|_| fail())
}

/// The EDTF for a typed date, or `None`.
fn to_edtf(text: &str) -> Option<String> {
    // A range: "1939-41", "1939–1941", "1939 to 1941", "Aug 1945 - May 1946".
    for sep in [" to ", "–", "—", " - ", "~", "-"] {
        if let Some((a, b)) = text.split_once(sep) {
            let (a, b) = (a.trim(), b.trim());
            let start = single(a)?;
            let end = match single(b) {
                Some(e) if b.len() > 2 => e,
                // "1939-41": the century of the start.
                _ if b.len() == 2 && b.bytes().all(|c| c.is_ascii_digit()) => {
                    format!("{}{b}", start.get(..2)?)
                }
                _ => return None,
            };
            return Some(format!("{start}/{end}"));
        }
    }
    single(text)
}

/// One date: a year, a month or a day, in English or CJK order.
fn single(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('.');
    if let Some(cjk) = cjk(text) {
        return Some(cjk);
    }
    let year = |s: &str| (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.to_owned());
    if let Some(y) = year(text) {
        return Some(y);
    }
    // "8/1945", "08/1945".
    if let Some((m, y)) = text.split_once('/')
        && let (Ok(m), Some(y)) = (m.trim().parse::<u32>(), year(y.trim()))
        && (1..=12).contains(&m)
    {
        return Some(format!("{y}-{m:02}"));
    }
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        // "August 1945", "Aug 1945"
        [m, y] => Some(format!("{}-{:02}", year(y)?, month(m)?)),
        // "15 August 1945", "August 15 1945" (the comma is split off)
        [a, b, y] => {
            let y = year(y)?;
            let (m, d) = match (month(a), month(b)) {
                (Some(m), None) => (m, b.parse::<u32>().ok()?),
                (None, Some(m)) => (m, a.parse::<u32>().ok()?),
                _ => return None,
            };
            Some(format!("{y}-{m:02}-{d:02}"))
        }
        _ => None,
    }
}

/// A month name or its abbreviation (three letters or more), in English.
fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTH_NAMES.iter().position(|m| m.to_lowercase().starts_with(&w)).map(|i| i as u32 + 1)
}

/// "1945年", "1945年8月", "1945年8月15日".
fn cjk(text: &str) -> Option<String> {
    let (y, rest) = text.split_once('年')?;
    let y = y.trim();
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if rest.is_empty() {
        return Some(y.to_owned());
    }
    let (m, rest) = rest.split_once('月')?;
    let m: u32 = m.trim().parse().ok()?;
    if rest.is_empty() {
        return Some(format!("{y}-{m:02}"));
    }
    let d: u32 = rest.strip_suffix('日')?.trim().parse().ok()?;
    Some(format!("{y}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_people_type_read_as_the_dates_they_mean() {
        let cases = [
            ("1945", "1945"),
            ("1945-08", "1945-08"),
            ("Aug 1945", "1945-08"),
            ("aug. 1945", "1945-08"),
            ("August 1945", "1945-08"),
            ("8/1945", "1945-08"),
            ("1945年8月", "1945-08"),
            ("1945年", "1945"),
            ("1945年8月15日", "1945-08-15"),
            ("15 August 1945", "1945-08-15"),
            ("August 15, 1945", "1945-08-15"),
            ("1939-41", "1939/1941"),
            ("1939-1941", "1939/1941"),
            ("1939–1941", "1939/1941"),
            ("1939 to 1941", "1939/1941"),
            ("Aug 1945 - May 1946", "1945-08/1946-05"),
            (" 1951/1954 ", "1951/1954"),
        ];
        for (typed, edtf) in cases {
            let d = parse_typed(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(d.to_edtf().as_deref(), Some(edtf), "{typed}");
        }
    }

    #[test]
    fn what_cannot_be_read_says_what_was_expected_in_plain_words() {
        for bad in ["soon", "Augtober 1945", "1945-13", "13/1945", "1941-39", "", "1945-02-30"] {
            let e = parse_typed(bad).unwrap_err().to_string();
            assert!(e.contains("Type a year (1945)"), "{bad}: {e}");
            assert!(!e.contains("EDTF"), "{bad}: {e}");
        }
        assert!(
            parse_typed("1945-02-30")
                .unwrap_err()
                .to_string()
                .starts_with("'1945-02-30': February 1945 has 28 days, not 30. Type")
        );
    }
}

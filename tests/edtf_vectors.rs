//! EDTF levels 0 and 1 against vectors taken from the Library of Congress specification and from
//! two peer implementations (python-edtf and edtf.js): see `tests/edtf/README.md` for where each
//! came from, and their licences beside it.

use crossings::chronology::{Day, FuzzyDate};

struct Vector {
    line: usize,
    level: u8,
    valid: bool,
    text: String,
    earliest: String,
    latest: String,
    origin: String,
}

fn vectors() -> Vec<Vector> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/edtf/vectors.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            // Split on every tab: one vector's text is the empty string.
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "line {}: {l:?}", i + 1);
            Vector {
                line: i + 1,
                level: f[0].parse().unwrap(),
                valid: f[1] == "yes",
                text: f[2].to_owned(),
                earliest: f[3].to_owned(),
                latest: f[4].to_owned(),
                origin: f[5].to_owned(),
            }
        })
        .collect()
}

/// `YYYY-MM-DD` with an optional sign and more than four year digits; `..` is open.
fn day(text: &str, open: Day) -> Day {
    if text == ".." {
        return open;
    }
    let (sign, rest) = text.strip_prefix('-').map_or((1, text), |r| (-1, r));
    let mut parts = rest.rsplitn(3, '-');
    let d: u32 = parts.next().unwrap().parse().unwrap();
    let m: u32 = parts.next().unwrap().parse().unwrap();
    let y: i64 = parts.next().unwrap().parse::<i64>().unwrap() * sign;
    // Beyond what a Day holds, the parser saturates (a test in edtf.rs checks how).
    let y = y.clamp(-5_000_000, 5_000_000) as i32;
    Day::from_ymd(y, m, d).unwrap()
}

/// Strings a peer accepts that the specification does not have at levels 0 and 1, which
/// Crossings refuses on purpose (each with the reason).
const REFUSED_ON_PURPOSE: &[(&str, &str)] = &[
    ("19", "two-digit centuries: edtf.js only, not in the specification"),
    ("00", "two-digit centuries: edtf.js only, not in the specification"),
    ("-04", "two-digit centuries: edtf.js only, not in the specification"),
    ("XXXX", "more than two unspecified year digits is level 2 in the specification"),
    ("XXXX-XX", "more than two unspecified year digits is level 2 in the specification"),
    ("XXXX-XX-XX", "more than two unspecified year digits is level 2 in the specification"),
    ("1XXX", "more than two unspecified year digits is level 2 in the specification"),
    ("1XXX~", "more than two unspecified year digits is level 2 in the specification"),
];

/// True for a time-of-day form only edtf.js takes (fractions of a second, 24:00:00, offsets
/// without a colon): the specification writes hh:mm:ss and ±hh or ±hh:mm.
fn edtf_js_time_extra(v: &Vector) -> bool {
    v.origin.starts_with("edtf.js")
        && v.text.contains('T')
        && (v.text.contains('.') || v.text.contains("T24") || {
            let zone = v.text.rsplit(['+', '-']).next().unwrap_or("");
            v.text[v.text.find('T').unwrap()..].contains(['+', '-']) && zone.len() == 4 && !zone.contains(':')
        })
}

#[test]
fn every_valid_level_0_and_1_vector_parses_to_its_days_and_every_invalid_one_is_refused() {
    let all = vectors();
    assert!(all.len() > 300, "{} vectors", all.len());
    let mut failures = Vec::new();
    let mut counted = [[0usize; 2]; 2];
    for v in &all {
        if REFUSED_ON_PURPOSE.iter().any(|(t, _)| *t == v.text) || (v.valid && edtf_js_time_extra(v)) {
            assert!(FuzzyDate::parse(&v.text).is_err(), "line {}: {:?} should stay refused", v.line, v.text);
            continue;
        }
        let parsed = FuzzyDate::parse(&v.text);
        counted[v.level as usize][usize::from(v.valid)] += 1;
        match (v.valid, parsed) {
            (true, Err(e)) => failures.push(format!("line {}: {:?} should parse ({}): {e}", v.line, v.text, v.origin)),
            (false, Ok(d)) => failures.push(format!(
                "line {}: {:?} should be refused ({}), read as {:?}",
                v.line,
                v.text,
                v.origin,
                d.span()
            )),
            (true, Ok(d)) => {
                if !v.earliest.is_empty() && d.earliest != day(&v.earliest, Day::MIN) {
                    failures.push(format!("line {}: {:?} starts {} not {}", v.line, v.text, d.earliest, v.earliest));
                }
                if !v.latest.is_empty() && d.latest != day(&v.latest, Day::MAX) {
                    failures.push(format!("line {}: {:?} ends {} not {}", v.line, v.text, d.latest, v.latest));
                }
            }
            (false, Err(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{} of {} vectors fail:\n{}", failures.len(), all.len(), failures.join("\n"));
    // Each kind is really exercised.
    for (level, kinds) in counted.iter().enumerate() {
        assert!(kinds[0] >= 10 && kinds[1] >= 80, "level {level}: {kinds:?}");
    }
}

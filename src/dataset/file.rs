//! What every file's reader shares: one file being checked ([`FileCx`]), which turns byte
//! offsets into problems with line, column and record; the split of a file into raw records;
//! and the checks common to all records (ids, texts, names, references to sources).

use rustc_hash::FxHashMap;
use serde_json::value::RawValue;

use super::ids::IdIndex;
use super::problem::ProblemLog;
use super::{Limits, LineIndex, Problem, Severity, split};
use crate::model::{Name, SourceIx};

/// One file being checked: its name, text and line index.
pub(super) struct FileCx<'a> {
    /// The file's name as shown in problems.
    pub name: &'a str,
    /// Its text.
    pub text: &'a str,
    /// Where its lines start.
    pub lines: LineIndex<'a>,
    /// What it may hold.
    pub limits: Limits,
}

impl<'a> FileCx<'a> {
    pub(super) fn new(name: &'a str, text: &'a str, limits: Limits) -> Self {
        FileCx { name, text, lines: LineIndex::new(text), limits }
    }

    pub(super) fn problem(&self, offset: usize, record: Option<&str>, message: impl Into<String>) -> Problem {
        let (line, column) = self.lines.locate(offset);
        Problem {
            file: self.name.to_owned(),
            line,
            column,
            record: record.map(str::to_owned),
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// A warning at a byte offset of this file.
    pub(super) fn warning(&self, offset: usize, record: Option<&str>, message: impl Into<String>) -> Problem {
        Problem { severity: Severity::Warning, ..self.problem(offset, record, message) }
    }

    /// The byte offset of a slice of this file's text (a record, a field).
    pub(super) fn offset_of(&self, sub: &str) -> usize {
        (sub.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }

    /// A problem for a serde error met while parsing `sub`, a slice of this file's text (a
    /// record, or the whole text).
    pub(super) fn serde_problem(&self, sub: &str, record: Option<&str>, e: &serde_json::Error) -> Problem {
        let base = self.offset_of(sub);
        let offset = base + LineIndex::new(sub).offset_of(e.line(), e.column());
        let mut message = clean_serde_message(e);
        // serde_json reads `{"a": 1,}` as a missing key; say what the user did.
        let before = self.text.get(..offset.saturating_sub(1)).unwrap_or("").trim_end();
        if message == "key must be a string" && before.ends_with(',') {
            message = "trailing comma after the last field".to_owned();
        }
        if message == "trailing comma" {
            // serde_json points at the closing bracket.
            message = match self.text.as_bytes().get(offset) {
                Some(b']') => "trailing comma after the last item",
                _ => "trailing comma after the last field",
            }
            .to_owned();
        }
        if self.text.trim().is_empty() {
            message = "the file is empty; it should hold a JSON array (places: a GeoJSON FeatureCollection)".to_owned();
        }
        let near = self.text.get(offset.saturating_sub(12)..(offset + 12).min(self.text.len())).unwrap_or("");
        if message == "expected value" && (near.contains("NaN") || near.contains("Infinity")) {
            message = "NaN and Infinity are not JSON numbers".to_owned();
        }
        self.problem(offset, record, message)
    }

    /// The offset of `"key"` (or of a string `value` after it) inside a record.
    pub(super) fn field(&self, raw: &str, key: &str, value: Option<&str>) -> usize {
        let base = self.offset_of(raw);
        let needle = format!("\"{key}\"");
        let Some(k) = raw.find(&needle) else { return base };
        if let Some(v) = value {
            let quoted = serde_json::to_string(v).unwrap_or_default();
            if let Some(p) = raw[k..].find(&quoted) {
                return base + k + p;
            }
        }
        base + k
    }
}

pub(super) fn clean_serde_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    // serde_json appends " at line L column C"; we give the location ourselves.
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_owned(),
        None => full,
    }
}

/// The id of a record that failed to deserialize, if it has one.
pub(super) fn salvage_id(raw: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct JustId {
        id: Option<serde_json::Value>,
    }
    let v: JustId = serde_json::from_str(raw).ok()?;
    match v.id? {
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// An id as the files allow it: lowercase a-z, 0-9 and `-`, 1 to 200 bytes.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 200 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The warnings for a date whose start or end is open or unknown and not narrowed by a
/// bound: the event then shows as possible in every window on that side. `date` is the date
/// with its bounds applied; `text` the date as written. Empty for most dates (no allocation).
pub(crate) fn open_end_warnings(date: &crate::chronology::FuzzyDate, text: &str) -> Vec<String> {
    use crate::chronology::Day;
    if date.is_undated() {
        return Vec::new();
    }
    [(date.earliest == Day::MIN, "start", "not_before", "earlier"), (date.latest == Day::MAX, "end", "not_after", "later")]
        .into_iter()
        .filter(|side| side.0)
        .map(|(_, side, field, when)| {
            format!(
                "the {side} of '{text}' is open or unknown and has no {field}: it shows as possible in every {when} window (give {field} with the bound the sources allow)"
            )
        })
        .collect()
}

/// A language tag as the files allow it: BCP-47's shape (`ja`, `zh-Hans`, `vi`, `ru`).
pub(crate) fn valid_lang(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// True when a raw record is a JSON object; otherwise reports it.
pub(super) fn is_object(cx: &FileCx<'_>, raw: &str, problems: &mut ProblemLog) -> bool {
    let kind = match raw.trim_start().as_bytes().first() {
        Some(b'{') => return true,
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        _ => "a number",
    };
    problems.push(cx.problem(
        cx.offset_of(raw),
        None,
        format!("each record must be a JSON object {{ ... }}, not {kind}"),
    ));
    false
}

/// Parses one record, reporting one that is not an object or does not fit the schema.
pub(super) fn parse_record<'a, T: serde::Deserialize<'a>>(
    cx: &FileCx<'_>,
    raw: &'a str,
    problems: &mut ProblemLog,
) -> Option<T> {
    if !is_object(cx, raw, problems) {
        return None;
    }
    match serde_json::from_str(raw) {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(cx.serde_problem(raw, salvage_id(raw).as_deref(), &e));
            None
        }
    }
}

/// Parses a top-level JSON array into raw records, or reports why it is not one.
///
/// At most `limits.records` are kept; the rest are only counted (a gigabyte of `{}` would
/// otherwise need gigabytes of memory before a single record is checked).
pub(super) fn raw_array<'a>(cx: &FileCx<'a>, text: &'a str, problems: &mut ProblemLog) -> Vec<&'a str> {
    // The fast split first; serde_json, which names what is wrong, when it fails.
    let split = split::split_array(text, cx.limits.records).map_or_else(
        || {
            let mut de = serde_json::Deserializer::from_str(text);
            serde::de::DeserializeSeed::deserialize(CappedArray(cx.limits.records), &mut de)
                .and_then(|v| {
                    de.end()?;
                    Ok(v)
                })
                .map(|(v, total)| (v.into_iter().map(RawValue::get).collect(), total))
        },
        Ok,
    );
    match split {
        Ok((v, total)) => {
            if total > v.len() {
                problems.push(cx.problem(
                    cx.offset_of(text),
                    None,
                    format!(
                        "file holds {total} records; the limit is {}; the {} after it are ignored",
                        cx.limits.records,
                        total - v.len()
                    ),
                ));
            }
            v
        }
        Err(e) => {
            problems.push(cx.serde_problem(text, None, &e));
            Vec::new()
        }
    }
}

/// Reads a JSON array of raw values, keeping the first `.0` and counting all.
pub(super) struct CappedArray(usize);

impl<'de> serde::de::DeserializeSeed<'de> for CappedArray {
    type Value = (Vec<&'de RawValue>, usize);

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for CappedArray {
    type Value = (Vec<&'de RawValue>, usize);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut kept = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.0).min(1 << 16));
        while kept.len() < self.0 {
            match seq.next_element::<&'de RawValue>()? {
                Some(raw) => kept.push(raw),
                None => {
                    let total = kept.len();
                    return Ok((kept, total));
                }
            }
        }
        let mut total = kept.len();
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
            total += 1;
        }
        Ok((kept, total))
    }
}

/// Checks the common text fields of a record.
pub(super) fn check_texts(cx: &FileCx<'_>, raw: &str, id: &str, fields: &[(&str, &str)], problems: &mut ProblemLog) {
    for (key, value) in fields {
        if value.trim().is_empty() {
            problems.push(cx.problem(cx.field(raw, key, None), Some(id), format!("empty {key}")));
        } else if value.len() > cx.limits.string_bytes {
            problems.push(cx.problem(
                cx.field(raw, key, None),
                Some(id),
                format!("{key} is {} bytes long; the limit is {}", value.len(), cx.limits.string_bytes),
            ));
        }
    }
}

/// Checks the length of optional free-text fields (summaries, notes, biographies).
pub(super) fn check_lengths(
    cx: &FileCx<'_>,
    raw: &str,
    id: &str,
    fields: &[(&str, Option<&str>)],
    problems: &mut ProblemLog,
) {
    for (key, value) in fields {
        if let Some(v) = value
            && v.len() > cx.limits.string_bytes
        {
            problems.push(cx.problem(
                cx.field(raw, key, None),
                Some(id),
                format!("{key} is {} bytes long; the limit is {}", v.len(), cx.limits.string_bytes),
            ));
        }
    }
}

pub(super) fn check_names(cx: &FileCx<'_>, raw: &str, id: &str, names: &[Name], problems: &mut ProblemLog) {
    for n in names {
        if n.text.trim().is_empty() {
            problems.push(cx.problem(cx.field(raw, "names", None), Some(id), "empty name in names"));
        }
        if !valid_lang(&n.lang) {
            problems.push(cx.problem(
                cx.field(raw, "lang", Some(&n.lang)),
                Some(id),
                format!("'{}' is not a BCP-47 language tag (like zh-Hans, ja, vi, ru)", n.lang),
            ));
        }
    }
}

/// Registers an id, reporting a malformed or duplicate one. Returns false to skip the record.
pub(super) fn register_id<'a>(
    cx: &FileCx<'a>,
    raw: &'a str,
    id: &str,
    seen: &mut FxHashMap<String, &'a str>,
    problems: &mut ProblemLog,
) -> bool {
    // Locations are worked out only for problems: searching every record would cost a second
    // pass over a large file.
    if !valid_id(id) {
        problems.push(malformed_id(cx, raw, id));
        return false;
    }
    if let Some(first) = seen.get(id) {
        problems.push(duplicate_id(cx, first, raw, id));
        return false;
    }
    seen.insert(id.to_owned(), raw);
    true
}

/// The problem for an id that is not lowercase letters, digits and '-'.
pub(super) fn malformed_id(cx: &FileCx<'_>, raw: &str, id: &str) -> Problem {
    cx.problem(
        cx.field(raw, "id", Some(id)),
        Some(id),
        format!("id '{id}' must be lowercase letters, digits and '-' (at most 200)"),
    )
}

/// The problem for record `raw`, whose id repeats that of the earlier record `first`.
pub(super) fn duplicate_id(cx: &FileCx<'_>, first: &str, raw: &str, id: &str) -> Problem {
    let (line, _) = cx.lines.locate(cx.field(first, "id", Some(id)));
    cx.problem(
        cx.field(raw, "id", Some(id)),
        Some(id),
        format!("duplicate id (first defined at line {line}); this one is ignored"),
    )
}

/// Resolves source ids, reporting unknown ones.
pub(super) fn resolve_sources<S: AsRef<str>>(
    cx: &FileCx<'_>,
    raw: &str,
    id: &str,
    ids: &[S],
    index: &IdIndex<SourceIx>,
    required: bool,
    problems: &mut ProblemLog,
) -> Vec<SourceIx> {
    let mut out = Vec::with_capacity(ids.len());
    for s in ids.iter().map(AsRef::as_ref) {
        match index.get(s) {
            Some(ix) => out.push(*ix),
            None => {
                problems.push(cx.problem(cx.field(raw, "sources", Some(s)), Some(id), format!("unknown source '{s}'")))
            }
        }
    }
    if required && ids.is_empty() {
        problems.push(cx.problem(
            cx.field(raw, "sources", None),
            Some(id),
            "no sources: every event cites at least one document",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::records::RawEvent;

    #[test]
    fn a_trailing_comma_inside_a_record_is_named_for_what_it_follows() {
        let text = "[\n{\"id\": \"a\", \"people\": [\"x\",], \"title\": \"T\"},\n{\"id\": \"b\", \"title\": \"T\",}\n]";
        let cx = FileCx::new("events.json", text, Limits::default());
        let mut problems = ProblemLog::new(10);
        let raws = raw_array(&cx, text, &mut problems);
        assert_eq!(raws.len(), 2, "split despite the commas: each record reports its own");
        for raw in raws {
            let _ = parse_record::<RawEvent<'_>>(&cx, raw, &mut problems);
        }
        let shown: Vec<String> = problems.into_vec().iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                // Invalid JSON has no id to name.
                "events.json:2:28: trailing comma after the last item",
                "events.json:3:26: trailing comma after the last field",
            ]
        );
    }
}

//! The canonical text of a dataset folder, which `crossings fmt` writes and every writer of
//! the four files keeps: each file's records sorted by id, pretty JSON with two-space
//! indentation, one record per array element, and a final newline. A record's fields keep
//! the order they are written in (hand edits and the bundled `geodata/` agree on it), and
//! nothing in a record is dropped: each one is re-indented as it is, value by value
//! (`serde_transcode`), not read into Crossings' own types and written back. So formatting
//! a folder twice changes nothing the second time, and a change to one record is a change to
//! that record's lines only.

use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::FILES;
use super::write::{indent_into, write_array};

/// Why a file could not be formatted. Nothing is written when any file cannot be.
#[derive(Debug, thiserror::Error)]
pub enum FmtError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not JSON, or not the shape the file must have.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The formatted file could not be written (the file is as it was).
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// One file of a folder, formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormattedFile {
    /// `events.json`, ...
    pub name: &'static str,
    /// True when the file on disk is not in the canonical format.
    pub changed: bool,
}

/// A record's id, for sorting (any other field is ignored here).
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: Option<serde_json::Value>,
}

/// The text of one file in the canonical format; `shown` names it in errors.
pub fn canonical(name: &str, text: &str, shown: &str) -> Result<Vec<u8>, FmtError> {
    let syntax = |e: serde_json::Error, what: &str| FmtError::Syntax {
        path: shown.to_owned(),
        line: e.line(),
        column: e.column(),
        message: format!("{what}: {e}"),
    };
    let mut out = Vec::with_capacity(text.len() + text.len() / 8);
    if name == "places.geojson" {
        let members: Members<'_> =
            serde_json::from_str(text).map_err(|e| syntax(e, "not a GeoJSON FeatureCollection"))?;
        out.extend_from_slice(b"{");
        for (i, (key, value)) in members.0.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n  " } else { b",\n  " });
            serde_json::to_writer(&mut out, key).map_err(|e| syntax(e, "a member name"))?;
            out.extend_from_slice(b": ");
            if key == "features" {
                let features: Vec<&RawValue> =
                    serde_json::from_str(value.get()).map_err(|e| syntax(e, "\"features\" is not an array"))?;
                write_records(&mut out, &features, b"  ").map_err(|e| syntax(e, "a feature"))?;
            } else {
                let mut one = Vec::new();
                transcode(&mut one, value).map_err(|e| syntax(e, key))?;
                indent_into(&mut out, &one, b"  ");
            }
        }
        out.extend_from_slice(if members.0.is_empty() { b"}\n" } else { b"\n}\n" });
    } else {
        let records: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| syntax(e, "not a JSON array"))?;
        write_records(&mut out, &records, b"").map_err(|e| syntax(e, "a record"))?;
        out.push(b'\n');
    }
    Ok(out)
}

/// Writes records sorted by id, each re-indented as it is.
fn write_records(out: &mut Vec<u8>, records: &[&RawValue], indent: &[u8]) -> Result<(), serde_json::Error> {
    let keyed: Vec<(String, &RawValue)> = records
        .iter()
        .map(|r| {
            let id =
                serde_json::from_str::<IdOnly>(r.get()).ok().and_then(|i| i.id).map_or(String::new(), |v| match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                });
            (id, *r)
        })
        .collect();
    write_array(out, &keyed, |r| &r.0, |w, r| transcode(w, r.1), indent).map_err(serde_json::Error::io)
}

/// One JSON value, pretty, fields in the order written.
fn transcode(out: &mut Vec<u8>, value: &RawValue) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(value.get());
    let mut ser = serde_json::Serializer::pretty(out);
    serde_transcode::transcode(&mut de, &mut ser)
}

/// An object's members in the order written, their values unparsed.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    members.push((k, v));
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// A record's compact text, its fields in the order written.
pub fn compact(text: &str) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(text.len());
    let mut de = serde_json::Deserializer::from_str(text);
    serde_transcode::transcode(&mut de, &mut serde_json::Serializer::new(&mut out))?;
    String::from_utf8(out).map_err(|e| serde_json::Error::io(std::io::Error::other(e)))
}

/// A dataset file's records from its bytes, each as compact JSON by its id (`shown` names the
/// file in messages). A record without a text id, or two with one id, is refused: neither can
/// be kept by id (an editing session, a database row).
pub fn records_by_id(
    shown: &str,
    name: &str,
    bytes: &[u8],
) -> Result<std::collections::HashMap<String, String>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8 text"))?;
    let bad = |e: serde_json::Error| format!("{shown}:{}:{}: {e}", e.line(), e.column());
    let raw: Vec<&RawValue> = if name == "places.geojson" {
        #[derive(Deserialize)]
        struct Fc<'a> {
            #[serde(borrow)]
            features: Vec<&'a RawValue>,
        }
        serde_json::from_str::<Fc<'_>>(text).map_err(bad)?.features
    } else {
        serde_json::from_str(text).map_err(bad)?
    };
    let mut out = std::collections::HashMap::with_capacity(raw.len());
    for r in raw {
        #[derive(Deserialize)]
        struct TextId {
            id: Option<String>,
        }
        let id = serde_json::from_str::<TextId>(r.get())
            .ok()
            .and_then(|i| i.id)
            .ok_or_else(|| format!("{shown}: a record without a text id cannot be edited or stored by id"))?;
        // Two records with one id would be one here, and the other lost at the next write.
        if out.insert(id.clone(), compact(r.get()).map_err(bad)?).is_some() {
            return Err(format!(
                "{shown}: two records have the id '{id}' (crossings validate names both); give one another id first"
            ));
        }
    }
    Ok(out)
}

/// Formats a dataset folder in place, or with `check` only says which files are not in the
/// canonical format. Every file is read and formatted before any is written, so a file
/// that cannot be read leaves the folder as it was; a file already canonical is not touched.
pub fn format_folder(dir: &Path, check: bool) -> Result<Vec<FormattedFile>, FmtError> {
    let mut done = Vec::new();
    for name in FILES {
        let path = dir.join(name);
        let shown = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|source| FmtError::Read { path: shown.clone(), source })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
            FmtError::Syntax { path: shown.clone(), line, column: 1, message: "not UTF-8 text".into() }
        })?;
        let text = canonical(name, text, &shown)?;
        let changed = text != bytes;
        done.push((FormattedFile { name, changed }, path, text));
    }
    if !check {
        for (file, path, text) in &done {
            if file.changed {
                super::write::replace_file(path, text)
                    .map_err(|source| FmtError::Write { path: path.display().to_string(), source })?;
            }
        }
    }
    Ok(done.into_iter().map(|(f, _, _)| f).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_sorted_by_id_and_reindented_with_their_fields_kept_in_order() {
        let text = r#"[{"id":"b","zeta":1,"alpha":[1,2],"extra":{"k":null}},
            {"title":"no id"},   {"id":"a","nested":{"y":2,"x":1}}]"#;
        let got = String::from_utf8(canonical("events.json", text, "events.json").unwrap()).unwrap();
        let want = "[\n  {\n    \"title\": \"no id\"\n  },\n  {\n    \"id\": \"a\",\n    \"nested\": {\n      \"y\": 2,\n      \"x\": 1\n    }\n  },\n  {\n    \"id\": \"b\",\n    \"zeta\": 1,\n    \"alpha\": [\n      1,\n      2\n    ],\n    \"extra\": {\n      \"k\": null\n    }\n  }\n]\n";
        assert_eq!(got, want);
        assert_eq!(canonical("events.json", &got, "x").unwrap(), got.as_bytes(), "formatting twice changes nothing");
        assert_eq!(canonical("people.json", " [ ] ", "x").unwrap(), b"[]\n");
    }

    #[test]
    fn a_feature_collection_keeps_its_other_members_and_sorts_its_features() {
        let text = r#"{"type":"FeatureCollection","name":"x","features":[{"type":"Feature","id":"z"},{"type":"Feature","id":"m"}]}"#;
        let got = String::from_utf8(canonical("places.geojson", text, "p").unwrap()).unwrap();
        assert_eq!(
            got,
            "{\n  \"type\": \"FeatureCollection\",\n  \"name\": \"x\",\n  \"features\": [\n    {\n      \"type\": \"Feature\",\n      \"id\": \"m\"\n    },\n    {\n      \"type\": \"Feature\",\n      \"id\": \"z\"\n    }\n  ]\n}\n"
        );
    }

    #[test]
    fn a_syntax_error_names_the_file_line_and_column() {
        let e = canonical("events.json", "[\n  {\"id\": \"a\",}\n]", "dir/events.json").unwrap_err().to_string();
        assert!(e.starts_with("dir/events.json:2:"), "{e}");
    }
}

//! Reading a dataset folder (`geodata/` or the user's own) and checking it.
//!
//! Loading never stops at the first problem: every problem is reported with its file, line,
//! column and record id ([`Problem`]), invalid records are left out, and the rest is kept.
//! Only input that cannot be read at all (a missing or unreadable folder) is an error.
//!
//! The bundled dataset is embedded in the binary ([`load_bundled`]), so `crossings` works from
//! any directory and after `cargo install`.

mod ids;
mod problem;
mod records;
mod split;

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde_json::value::RawValue;

use ids::IdIndex;
use problem::ProblemLog;
pub use problem::{LineIndex, Problem, Severity};

use crate::chronology::FuzzyDate;
use crate::model::{Basis, Dataset, Event, EventExtra, Name, Person, PersonIx, Place, PlaceIx, Source, SourceIx, Tie};
use records::{RawEvent, RawFeature, RawFeatureCollection, RawPerson, RawSource, Ref};

/// The four files of a dataset folder.
pub const FILES: [&str; 4] = ["sources.json", "places.geojson", "people.json", "events.json"];

/// The largest file Crossings reads (larger files are refused with a message).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The longest text field accepted, in bytes.
pub const MAX_STRING_BYTES: usize = 1 << 20;

/// The most records one file may hold.
pub const MAX_RECORDS: usize = 20_000_000;

/// At most this many problems are listed; the rest are counted.
pub const MAX_PROBLEMS: usize = 100_000;

/// What a dataset may hold before Crossings stops reading it, so that a hostile file cannot
/// exhaust memory or time. [`Limits::default`] holds the `MAX_` constants; tests lower them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub file_bytes: u64,
    /// Longest text field, in bytes.
    pub string_bytes: usize,
    /// Most records per file; the rest are counted and ignored.
    pub records: usize,
    /// Most problems listed; the rest are counted.
    pub problems: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: MAX_FILE_BYTES,
            string_bytes: MAX_STRING_BYTES,
            records: MAX_RECORDS,
            problems: MAX_PROBLEMS,
        }
    }
}

/// How far a place may lie outside its named country before it is reported, in km (the
/// basemap owns the check; the loader only calls it).
pub use crate::basemap::COUNTRY_TOLERANCE_KM;

/// A dataset as loaded, with every problem found.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// What was valid.
    pub dataset: Dataset,
    /// Every problem, in file order.
    pub problems: Vec<Problem>,
    /// The folder's name as given (for messages).
    pub label: String,
}

impl Loaded {
    /// `geodata: 42 places, 61 people, 84 events, 5 sources`.
    pub fn summary(&self) -> String {
        let d = &self.dataset;
        format!(
            "{}: {} places, {} people, {} events, {} sources",
            self.label,
            d.places.len(),
            d.people.len(),
            d.events.len(),
            d.sources.len()
        )
    }
}

/// Why a dataset could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder does not exist or cannot be listed.
    #[error("cannot read dataset folder {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The path is not a folder.
    #[error("{0} is not a folder; a dataset is a folder holding {files}", files = FILES.join(", "))]
    NotAFolder(PathBuf),
}

/// The text of the four files (any may be missing), named for messages.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    /// `(display name, text)` per file, in [`FILES`] order; `None` when missing.
    pub files: [Option<(String, String)>; 4],
    /// Problems met while reading (unreadable, too large, invalid UTF-8).
    pub problems: Vec<Problem>,
}

/// The bundled `geodata/`, embedded at build time.
pub fn bundled_texts() -> Texts {
    let named = |name: &str, text: &str| Some((format!("geodata/{name}"), text.to_owned()));
    Texts {
        files: [
            named("sources.json", include_str!("../../geodata/sources.json")),
            named("places.geojson", include_str!("../../geodata/places.geojson")),
            named("people.json", include_str!("../../geodata/people.json")),
            named("events.json", include_str!("../../geodata/events.json")),
        ],
        problems: Vec::new(),
    }
}

/// Loads the bundled dataset.
pub fn load_bundled() -> Loaded {
    load_texts("geodata", &bundled_texts())
}

/// Reads the four files of a folder. A missing file is a problem, not an error.
pub fn read_dir_texts(dir: &Path) -> Result<Texts, LoadError> {
    read_dir_texts_with(dir, &Limits::default())
}

/// [`read_dir_texts`] with chosen limits.
pub fn read_dir_texts_with(dir: &Path, limits: &Limits) -> Result<Texts, LoadError> {
    let meta = std::fs::metadata(dir).map_err(|source| LoadError::Folder { path: dir.to_owned(), source })?;
    if !meta.is_dir() {
        return Err(LoadError::NotAFolder(dir.to_owned()));
    }
    std::fs::read_dir(dir).map_err(|source| LoadError::Folder { path: dir.to_owned(), source })?;
    let mut texts = Texts::default();
    for (slot, name) in texts.files.iter_mut().zip(FILES) {
        let path = dir.join(name);
        let display = path.display().to_string();
        let at_start = |message: String| Problem {
            file: display.clone(),
            line: 1,
            column: 1,
            record: None,
            message,
            severity: Severity::Error,
        };
        // A link may point anywhere; follow it only when it stays inside the folder the user
        // chose, so a dataset cannot make Crossings read other files.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            let inside = match (std::fs::canonicalize(dir), std::fs::canonicalize(&path)) {
                (Ok(d), Ok(target)) => target.starts_with(d),
                _ => false,
            };
            if !inside {
                texts.problems.push(at_start(format!(
                    "{name} is a link to a file outside the dataset folder (or to nothing); it is not read"
                )));
                continue;
            }
        }
        match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                texts.problems.push(at_start(format!("missing {name}; the dataset has no {}", what_file(name))));
                continue;
            }
            Err(e) => {
                texts.problems.push(at_start(format!("cannot read: {e}")));
                continue;
            }
            Ok(m) if m.is_dir() => {
                texts.problems.push(at_start(format!("{name} is a folder; it should be a file")));
                continue;
            }
            Ok(m) if !m.is_file() => {
                // Reading a pipe or a device could block forever or never end.
                texts
                    .problems
                    .push(at_start(format!("{name} is not a regular file (a pipe, socket or device); it is not read")));
                continue;
            }
            Ok(m) if m.len() > limits.file_bytes => {
                texts.problems.push(at_start(format!(
                    "file is {} bytes; the largest file Crossings reads is {} bytes{}",
                    m.len(),
                    limits.file_bytes,
                    if limits.file_bytes == MAX_FILE_BYTES { " (1 GiB)" } else { "" }
                )));
                continue;
            }
            Ok(_) => {}
        }
        match std::fs::read(&path) {
            Ok(bytes) => {
                let text = match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        let valid = e.utf8_error().valid_up_to();
                        let bytes = e.into_bytes();
                        let lossy = String::from_utf8_lossy(&bytes).into_owned();
                        let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
                        let (line, column) = LineIndex::new(&prefix).locate(prefix.len());
                        texts.problems.push(Problem {
                            file: display.clone(),
                            line,
                            column,
                            record: None,
                            message: "invalid UTF-8 (replaced with \u{FFFD}); save the file as UTF-8".to_owned(),
                            severity: Severity::Error,
                        });
                        lossy
                    }
                };
                // Editors on Windows may start UTF-8 files with a byte-order mark; JSON has none.
                let text = match text.strip_prefix('\u{FEFF}') {
                    Some(rest) => rest.to_owned(),
                    None => text,
                };
                *slot = Some((display, text));
            }
            Err(e) => texts.problems.push(at_start(format!("cannot read: {e}"))),
        }
    }
    Ok(texts)
}

fn what_file(name: &str) -> &'static str {
    match name {
        "sources.json" => "sources",
        "places.geojson" => "places",
        "people.json" => "people",
        _ => "events",
    }
}

/// How far a load has come, readable from another thread (the window's progress bar).
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes of JSON parsed so far.
    pub done: std::sync::atomic::AtomicU64,
    /// Bytes to parse in all.
    pub total: std::sync::atomic::AtomicU64,
}

impl Progress {
    /// The fraction done, 0..=1.
    pub fn fraction(&self) -> f32 {
        use std::sync::atomic::Ordering::Relaxed;
        let total = self.total.load(Relaxed).max(1);
        (self.done.load(Relaxed) as f64 / total as f64).clamp(0.0, 1.0) as f32
    }

    /// Records that the first `bytes` are parsed. Two threads report (places and events load
    /// at once), so the bar only moves forward.
    fn set(&self, bytes: usize) {
        self.done.fetch_max(bytes as u64, std::sync::atomic::Ordering::Relaxed);
    }
}

/// [`load_dir`], reporting progress as it parses.
pub fn load_dir_with_progress(dir: &Path, progress: &Progress) -> Result<Loaded, LoadError> {
    let texts = read_dir_texts(dir)?;
    let label = dir.display().to_string();
    Ok(load_texts_with_progress(label.trim_end_matches('/'), &texts, progress))
}

/// Loads and checks a dataset folder.
///
/// ```no_run
/// let loaded = crossings::dataset::load_dir(std::path::Path::new("geodata")).unwrap();
/// for p in &loaded.problems { eprintln!("{p}"); }
/// println!("{}", loaded.summary());
/// ```
pub fn load_dir(dir: &Path) -> Result<Loaded, LoadError> {
    let texts = read_dir_texts(dir)?;
    let label = dir.display().to_string();
    Ok(load_texts(label.trim_end_matches('/'), &texts))
}

/// One file being checked: its name, text and line index.
struct FileCx<'a> {
    name: &'a str,
    text: &'a str,
    lines: LineIndex<'a>,
    limits: Limits,
}

impl<'a> FileCx<'a> {
    fn new(name: &'a str, text: &'a str, limits: Limits) -> Self {
        FileCx { name, text, lines: LineIndex::new(text), limits }
    }

    fn problem(&self, offset: usize, record: Option<&str>, message: impl Into<String>) -> Problem {
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
    fn warning(&self, offset: usize, record: Option<&str>, message: impl Into<String>) -> Problem {
        Problem { severity: Severity::Warning, ..self.problem(offset, record, message) }
    }

    /// The byte offset of a slice of this file's text (a record, a field).
    fn offset_of(&self, sub: &str) -> usize {
        (sub.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }

    /// A problem for a serde error met while parsing `sub`, a slice of this file's text (a
    /// record, or the whole text).
    fn serde_problem(&self, sub: &str, record: Option<&str>, e: &serde_json::Error) -> Problem {
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
    fn field(&self, raw: &str, key: &str, value: Option<&str>) -> usize {
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

fn clean_serde_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    // serde_json appends " at line L column C"; we give the location ourselves.
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_owned(),
        None => full,
    }
}

/// The id of a record that failed to deserialize, if it has one.
fn salvage_id(raw: &str) -> Option<String> {
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

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 200 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn valid_lang(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// True when a raw record is a JSON object; otherwise reports it.
fn is_object(cx: &FileCx<'_>, raw: &str, problems: &mut ProblemLog) -> bool {
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
fn parse_record<'a, T: serde::Deserialize<'a>>(cx: &FileCx<'_>, raw: &'a str, problems: &mut ProblemLog) -> Option<T> {
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
fn raw_array<'a>(cx: &FileCx<'a>, text: &'a str, problems: &mut ProblemLog) -> Vec<&'a str> {
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
struct CappedArray(usize);

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
fn check_texts(cx: &FileCx<'_>, raw: &str, id: &str, fields: &[(&str, &str)], problems: &mut ProblemLog) {
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
fn check_lengths(cx: &FileCx<'_>, raw: &str, id: &str, fields: &[(&str, Option<&str>)], problems: &mut ProblemLog) {
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

fn check_names(cx: &FileCx<'_>, raw: &str, id: &str, names: &[Name], problems: &mut ProblemLog) {
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
fn register_id<'a>(
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
fn malformed_id(cx: &FileCx<'_>, raw: &str, id: &str) -> Problem {
    cx.problem(
        cx.field(raw, "id", Some(id)),
        Some(id),
        format!("id '{id}' must be lowercase letters, digits and '-' (at most 200)"),
    )
}

/// The problem for record `raw`, whose id repeats that of the earlier record `first`.
fn duplicate_id(cx: &FileCx<'_>, first: &str, raw: &str, id: &str) -> Problem {
    let (line, _) = cx.lines.locate(cx.field(first, "id", Some(id)));
    cx.problem(
        cx.field(raw, "id", Some(id)),
        Some(id),
        format!("duplicate id (first defined at line {line}); this one is ignored"),
    )
}

/// Resolves source ids, reporting unknown ones.
fn resolve_sources<S: AsRef<str>>(
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

/// Loads a dataset from file texts, reporting every problem.
pub fn load_texts(label: &str, texts: &Texts) -> Loaded {
    load_texts_with_progress(label, texts, &Progress::default())
}

/// [`load_texts`], reporting progress.
pub fn load_texts_with_progress(label: &str, texts: &Texts, progress: &Progress) -> Loaded {
    load_texts_with(label, texts, progress, &Limits::default())
}

/// [`load_texts`], reporting progress, with chosen limits.
pub fn load_texts_with(label: &str, texts: &Texts, progress: &Progress, limits: &Limits) -> Loaded {
    let sizes: Vec<usize> = texts.files.iter().map(|f| f.as_ref().map_or(0, |(_, t)| t.len())).collect();
    progress.total.store(sizes.iter().sum::<usize>() as u64, std::sync::atomic::Ordering::Relaxed);
    let base = |file: usize| sizes[..file].iter().sum::<usize>();
    let mut problems = ProblemLog::new(limits.problems);
    for p in &texts.problems {
        problems.push(p.clone());
    }
    let empty = (String::new(), String::new());
    let [sources_f, places_f, people_f, events_f] = texts.files.each_ref().map(|f| f.as_ref().unwrap_or(&empty));
    let present = texts.files.each_ref().map(Option::is_some);

    // Sources.
    let cx = FileCx::new(&sources_f.0, &sources_f.1, *limits);
    let mut sources = Vec::new();
    let mut source_index: IdIndex<SourceIx> = IdIndex::default();
    let mut authority_index: FxHashMap<String, (SourceIx, u32)> = FxHashMap::default();
    let mut seen = FxHashMap::default();
    if present[0] {
        for raw in raw_array(&cx, cx.text, &mut problems) {
            progress.set(base(0) + cx.offset_of(raw));
            let Some(rec) = parse_record::<RawSource>(&cx, raw, &mut problems) else { continue };
            if !register_id(&cx, raw, &rec.id, &mut seen, &mut problems) {
                continue;
            }
            check_texts(&cx, raw, &rec.id, &[("title", &rec.title), ("file", &rec.file)], &mut problems);
            if let Some(url) = &rec.url
                && !crate::model::is_web_link(url)
            {
                problems.push(cx.problem(
                    cx.field(raw, "url", None),
                    Some(&rec.id),
                    format!("url '{url}' is not an http or https address; it will not be opened"),
                ));
            }
            let ix = SourceIx(sources.len() as u32);
            let mut authorities = Vec::with_capacity(rec.authorities.len());
            for a in rec.authorities {
                let at = cx.field(raw, "authorities", Some(&a.id));
                if !valid_id(&a.id) {
                    problems.push(cx.problem(
                        at,
                        Some(&rec.id),
                        format!("authority id '{}' is not lowercase a-z, 0-9 and -", a.id),
                    ));
                } else if authority_index.contains_key(a.id.as_str()) {
                    problems.push(cx.problem(at, Some(&rec.id), format!("authority '{}' is listed twice", a.id)));
                } else {
                    authority_index.insert(a.id.clone(), (ix, authorities.len() as u32));
                    authorities.push(a);
                }
            }
            source_index.insert(&rec.id, ix);
            sources.push(Source {
                id: rec.id,
                title: rec.title,
                file: rec.file,
                url: rec.url,
                note: rec.note,
                authorities,
            });
        }
    }

    // Events are parsed on a second thread meanwhile, in blocks: the file is split into
    // records, and each record is parsed and checked. Its references are resolved at once
    // when the places and people are in; until then they are kept, to be resolved after.
    // When this thread is done with places and people it takes blocks too.
    let mut places: Vec<Place> = Vec::new();
    let mut place_index: IdIndex<PlaceIx> = IdIndex::default();
    let mut people: Vec<Person> = Vec::new();
    let mut person_index: IdIndex<PersonIx> = IdIndex::default();
    let mut person_raw: Vec<&str> = Vec::new();
    let events_split: std::sync::OnceLock<(FileCx<'_>, Vec<&str>)> = std::sync::OnceLock::new();
    let indexes: std::sync::OnceLock<(IdIndex<PlaceIx>, IdIndex<PersonIx>)> = std::sync::OnceLock::new();
    let events_work = EventsWork {
        next_block: std::sync::atomic::AtomicUsize::new(0),
        done: std::sync::atomic::AtomicUsize::new(0),
        progress,
        base: base(3),
        size: sizes[3],
    };
    let (split_problems, parsed) = std::thread::scope(|s| {
        let prep = s.spawn(|| {
            // Should this thread panic, the other must not wait for the split forever.
            let _publish_anyway = PublishOnDrop(&events_split, *limits);
            let cx = FileCx::new(&events_f.0, &events_f.1, *limits);
            let mut problems = ProblemLog::new(limits.problems);
            let raws = if present[3] { raw_array(&cx, cx.text, &mut problems) } else { Vec::new() };
            let (cx, raws) = events_split.get_or_init(|| (cx, raws));
            let parsed = events_work.parse_blocks(cx, raws, &source_index, &authority_index, &indexes);
            (problems, parsed)
        });
        // Places.
        let cx = FileCx::new(&places_f.0, &places_f.1, *limits);
        let mut seen = FxHashMap::default();
        if present[1] {
            let features = match serde_json::from_str::<RawFeatureCollection<'_>>(cx.text) {
                Ok(fc) => {
                    if fc.kind != "FeatureCollection" {
                        problems.push(cx.problem(
                            0,
                            None,
                            format!("type is '{}'; places must be a GeoJSON FeatureCollection", fc.kind),
                        ));
                    }
                    raw_array(&cx, fc.features.get(), &mut problems)
                }
                Err(e) => {
                    problems.push(cx.serde_problem(cx.text, None, &e));
                    Vec::new()
                }
            };
            for raw in features {
                progress.set(base(1) + cx.offset_of(raw));
                let Some(rec) = parse_record::<RawFeature>(&cx, raw, &mut problems) else { continue };
                let id = match &rec.id {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => {
                        problems.push(cx.problem(
                            cx.offset_of(raw),
                            None,
                            format!("feature id {other} must be a string"),
                        ));
                        continue;
                    }
                    None => {
                        problems.push(cx.problem(
                            cx.offset_of(raw),
                            None,
                            "feature has no id; every place needs a stable id",
                        ));
                        continue;
                    }
                };
                if !register_id(&cx, raw, &id, &mut seen, &mut problems) {
                    continue;
                }
                if rec.kind != "Feature" {
                    problems.push(cx.problem(
                        cx.field(raw, "type", None),
                        Some(&id),
                        format!("type is '{}', expected 'Feature'", rec.kind),
                    ));
                }
                let Some(props) = rec.properties else {
                    problems.push(cx.problem(
                        cx.offset_of(raw),
                        Some(&id),
                        "feature has no properties (name, precision, category)",
                    ));
                    continue;
                };
                let lon_lat = match records::point(rec.geometry.as_ref()) {
                    Ok(p) => p,
                    Err(msg) => {
                        problems.push(cx.problem(cx.field(raw, "geometry", None), Some(&id), msg));
                        continue;
                    }
                };
                check_texts(&cx, raw, &id, &[("name", &props.name)], &mut problems);
                check_names(&cx, raw, &id, &props.names, &mut problems);
                check_lengths(&cx, raw, &id, &[("note", props.note.as_deref())], &mut problems);
                if let Some(country) = &props.country
                    && let Some(msg) = crate::basemap::check_country(country, lon_lat)
                {
                    problems.push(cx.problem(cx.field(raw, "coordinates", None), Some(&id), msg));
                }
                let place_sources = resolve_sources(&cx, raw, &id, &props.sources, &source_index, false, &mut problems);
                place_index.insert(&id, PlaceIx(places.len() as u32));
                places.push(Place {
                    id,
                    name: props.name,
                    names: props.names,
                    aliases: props.aliases,
                    lon_lat,
                    country: props.country,
                    precision: props.precision,
                    category: props.category,
                    sources: place_sources,
                    note: props.note,
                });
            }
        }

        // People (ties resolved now; "tied to nothing" checked after events).
        let cx = FileCx::new(&people_f.0, &people_f.1, *limits);
        let mut seen = FxHashMap::default();
        if present[2] {
            for raw in raw_array(&cx, cx.text, &mut problems) {
                progress.set(base(2) + cx.offset_of(raw));
                let Some(rec) = parse_record::<RawPerson>(&cx, raw, &mut problems) else { continue };
                if !register_id(&cx, raw, &rec.id, &mut seen, &mut problems) {
                    continue;
                }
                check_texts(&cx, raw, &rec.id, &[("name", &rec.name)], &mut problems);
                check_names(&cx, raw, &rec.id, &rec.names, &mut problems);
                check_lengths(
                    &cx,
                    raw,
                    &rec.id,
                    &[("role", Some(&rec.role)), ("biography", Some(&rec.biography)), ("note", rec.note.as_deref())],
                    &mut problems,
                );
                let mut ties = Vec::new();
                for t in rec.places {
                    match place_index.get(&t.place) {
                        Some(ix) => ties.push(Tie { place: *ix, basis: t.basis, note: t.note }),
                        None => problems.push(cx.problem(
                            cx.field(raw, "place", Some(&t.place)),
                            Some(&rec.id),
                            format!("unknown place '{}'", t.place),
                        )),
                    }
                }
                let person_sources =
                    resolve_sources(&cx, raw, &rec.id, &rec.sources, &source_index, false, &mut problems);
                person_index.insert(&rec.id, PersonIx(people.len() as u32));
                person_raw.push(raw);
                people.push(Person {
                    id: rec.id,
                    name: rec.name,
                    names: rec.names,
                    aliases: rec.aliases,
                    role: rec.role,
                    biography: rec.biography,
                    places: ties,
                    sources: person_sources,
                    note: rec.note,
                });
            }
        }
        let _ = indexes.set((std::mem::take(&mut place_index), std::mem::take(&mut person_index)));
        let (cx, raws) = events_split.wait();
        let mine = events_work.parse_blocks(cx, raws, &source_index, &authority_index, &indexes);
        let (split_problems, theirs) = prep.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (split_problems, [theirs, mine])
    });
    problems.append(split_problems);
    if let Some((places, people)) = indexes.into_inner() {
        (place_index, person_index) = (places, people);
    }

    // Events: the references kept while places and people were loading are resolved now, on
    // two threads; each thread sorts its events into date order, and the two runs are merged
    // while the ids are registered in file order on the other thread (so that of two records
    // with one id the first is kept, as in the other files).
    let mut events = Vec::new();
    // The events' problems in file order, and how many more there are; added after the
    // people's (which come first in reading order) so that a limit keeps the first of all.
    let mut event_problems = Vec::new();
    let mut event_unlisted = 0;
    if let Some((cx, raws)) = events_split.get() {
        let lookup = Lookup {
            places: &place_index,
            people: &person_index,
            sources: &source_index,
            authorities: &authority_index,
        };
        let [mut a, mut b] = parsed;
        let (late_a, late_b) = std::thread::scope(|s| {
            let other = s.spawn(|| b.finish(cx, raws, &lookup));
            (a.finish(cx, raws, &lookup), other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let mut blocks: Vec<&ParsedBlock<'_>> = a.blocks.iter().chain(&b.blocks).collect();
        blocks.sort_unstable_by_key(|block| block.first);
        let (merged, (repeats, repeat_problems, repeat_cap)) = std::thread::scope(|s| {
            let ids = s.spawn(|| repeated_ids(cx, raws, blocks.iter().map(|block| &block.ids)));
            let merged = merge_by_date(a.events, b.events);
            (merged, ids.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let repeated = |record: u32| repeats.binary_search(&record).is_ok();
        // The records' positions are dropped in place (the allocation is reused).
        events = merged.into_iter().filter(|(record, _)| !repeated(*record)).map(|(_, e)| e).collect();
        // Problems in file order. Each list below kept the first it met, in file order (each
        // thread's blocks come in file order, as do its deferred events and the repeats), so
        // together they hold every problem of the records before the first one any of them
        // left out. Only those are listed: the first of all, in order, whatever was dropped.
        let caps = [&repeat_cap, &a.cap, &b.cap, &late_a.cap, &late_b.cap];
        let complete_before = caps.iter().filter_map(|cap| cap.first_unlisted).min().unwrap_or(u32::MAX);
        event_unlisted = caps.iter().map(|cap| cap.unlisted(repeated)).sum();
        let mut found: Vec<(u32, bool, Problem)> = repeat_problems;
        for block in blocks {
            found.extend(block.problems.iter().cloned());
        }
        found.extend(late_a.found);
        found.extend(late_b.found);
        found.sort_by_key(|(record, _, _)| *record);
        // A repeated record is ignored: only the repeat is reported.
        found.retain(|(record, after_id, _)| !(*after_id && repeated(*record)));
        let complete = found.partition_point(|(record, _, _)| *record < complete_before);
        event_unlisted += found.len() - complete;
        found.truncate(complete);
        event_problems = found.into_iter().map(|(_, _, p)| p).collect();
    }

    // A person tied to nothing.
    let mut tied = vec![false; people.len()];
    for e in &events {
        for p in &e.people {
            tied[p.ix()] = true;
        }
    }
    let people_cx = FileCx::new(&people_f.0, &people_f.1, *limits);
    for (i, person) in people.iter().enumerate() {
        if !tied[i] && person.places.is_empty() {
            problems.push(people_cx.problem(
                people_cx.field(person_raw[i], "id", Some(&person.id)),
                Some(&person.id),
                "person is tied to nothing: no event lists them and they have no places",
            ));
        }
    }
    for p in event_problems {
        problems.push(p);
    }
    problems.add_unlisted(event_unlisted);

    // Report in reading order: file by file (as in FILES), then by position.
    let rank = |file: &str| FILES.iter().position(|f| file.ends_with(f)).unwrap_or(FILES.len());
    let unlisted = problems.unlisted();
    let mut problems = problems.into_vec();
    problems.sort_by_key(|a| (rank(&a.file), a.line, a.column));
    if unlisted > 0 {
        // At most the limit; fewer when a thread's list ran out before the others' (the list
        // stays the first problems of all, in order).
        let listed = problems.len();
        problems.push(Problem {
            file: label.to_owned(),
            line: 1,
            column: 1,
            record: None,
            message: format!(
                "{unlisted} more problems are not listed; only the first {listed} are kept (fix these and validate again)"
            ),
            severity: Severity::Error,
        });
    }
    Loaded { dataset: Dataset::new(sources, places, people, events), problems, label: label.to_owned() }
}

/// Reads the bundled data or a folder, as the command line asks.
pub fn load(data: Option<&Path>) -> Result<Loaded, LoadError> {
    match data {
        None => Ok(load_bundled()),
        Some(dir) => load_dir(dir),
    }
}

/// The indexes an event's references are resolved against.
struct Lookup<'a> {
    places: &'a IdIndex<PlaceIx>,
    people: &'a IdIndex<PersonIx>,
    sources: &'a IdIndex<SourceIx>,
    /// Authority ids to their source and position in its list.
    authorities: &'a FxHashMap<String, (SourceIx, u32)>,
}

/// Sets the events' split to nothing when dropped, unless it is set.
struct PublishOnDrop<'l, 'a>(&'l std::sync::OnceLock<(FileCx<'a>, Vec<&'a str>)>, Limits);

impl Drop for PublishOnDrop<'_, '_> {
    fn drop(&mut self) {
        self.0.get_or_init(|| (FileCx::new("", "", self.1), Vec::new()));
    }
}

/// Records per block of events handed to a thread.
const EVENT_BLOCK: usize = 4096;

/// What the threads parsing events share: the next block to take, and progress.
struct EventsWork<'p> {
    next_block: std::sync::atomic::AtomicUsize,
    /// Records parsed so far (for the progress bar).
    done: std::sync::atomic::AtomicUsize,
    progress: &'p Progress,
    /// The events file's first byte among all files' bytes, and its size (for progress).
    base: usize,
    size: usize,
}

/// The events one thread parsed, from the blocks it took.
#[derive(Default)]
struct ParsedEvents<'a> {
    /// (record's position in the file, event), in the order parsed.
    events: Vec<(u32, Event)>,
    /// Per block taken: its ids and problems.
    blocks: Vec<ParsedBlock<'a>>,
    /// Events parsed before the places and people were in: (index in `events`, references).
    deferred: Vec<(usize, EventRefs<'a>)>,
    /// How many problems were listed in `blocks`, and how many only counted.
    cap: Cap,
}

/// Counts problems against the listing limit: the first are listed, the rest only counted.
#[derive(Default)]
struct Cap {
    listed: usize,
    unlisted: usize,
    /// The records of unlisted problems found after the record's id was read. They are
    /// counted only if the record does not repeat an earlier id: a repeated record is
    /// ignored, and only the repeat is reported.
    unlisted_after_id: Vec<u32>,
    /// The record of the first problem not listed: the list holds every problem of the
    /// records before it.
    first_unlisted: Option<u32>,
}

impl Cap {
    /// Whether one more problem, of `record`, is listed under `limit`; if not, it is counted.
    fn admit(&mut self, limit: usize, record: u32, after_id: bool) -> bool {
        if self.listed < limit {
            self.listed += 1;
            true
        } else {
            self.first_unlisted.get_or_insert(record);
            if after_id {
                self.unlisted_after_id.push(record);
            } else {
                self.unlisted += 1;
            }
            false
        }
    }

    /// How many problems went unlisted, leaving out those of repeated records.
    fn unlisted(&self, repeated: impl Fn(u32) -> bool) -> usize {
        self.unlisted + self.unlisted_after_id.iter().filter(|r| !repeated(**r)).count()
    }
}

/// One block of records parsed.
struct ParsedBlock<'a> {
    /// Its first record's position in the file.
    first: u32,
    ids: ChunkIds<'a>,
    /// (record, found after its id was read, problem), in file order.
    problems: Vec<(u32, bool, Problem)>,
}

/// What an event refers to, as written, until the places and people are in.
struct EventRefs<'a> {
    place: Option<Ref<'a>>,
    people: Vec<Ref<'a>>,
    sources: Vec<Ref<'a>>,
    according_to: Vec<Ref<'a>>,
}

/// Problems found resolving deferred references: (record, found after its id, problem).
#[derive(Default)]
struct LateProblems {
    found: Vec<(u32, bool, Problem)>,
    cap: Cap,
}

impl EventsWork<'_> {
    /// Takes blocks of records until none is left, parsing each record and resolving its
    /// references once `indexes` (places and people) is set; until then they are deferred.
    fn parse_blocks<'a>(
        &self,
        cx: &FileCx<'a>,
        raws: &[&'a str],
        sources: &IdIndex<SourceIx>,
        authorities: &FxHashMap<String, (SourceIx, u32)>,
        indexes: &std::sync::OnceLock<(IdIndex<PlaceIx>, IdIndex<PersonIx>)>,
    ) -> ParsedEvents<'a> {
        use std::sync::atomic::Ordering::Relaxed;
        let mut out = ParsedEvents::default();
        // Room for every event on both threads: only the pages used are ever touched, and
        // the merge moves the other thread's events into this room.
        out.events.reserve_exact(raws.len());
        let mut problems = ProblemLog::new(usize::MAX);
        loop {
            let start = self.next_block.fetch_add(1, Relaxed).saturating_mul(EVENT_BLOCK);
            if start >= raws.len() {
                break;
            }
            let end = (start + EVENT_BLOCK).min(raws.len());
            let lookup = indexes.get().map(|(places, people)| Lookup { places, people, sources, authorities });
            let mut block = ParsedBlock { first: start as u32, ids: ChunkIds::default(), problems: Vec::new() };
            for (i, raw) in raws[start..end].iter().enumerate() {
                let record = (start + i) as u32;
                let mut after_id = false;
                let (id, parsed) = parse_event(cx, raw, &mut problems, &mut after_id);
                match (id, parsed) {
                    (Some(id), Some((mut event, refs))) => {
                        match &lookup {
                            Some(lookup) => resolve_event(cx, raw, &mut event, &refs, lookup, &mut problems),
                            None => out.deferred.push((out.events.len(), refs)),
                        }
                        out.events.push((record, event));
                        block.ids.records.push(record);
                        block.ids.ids.push(id);
                    }
                    (Some(id), None) => block.ids.ids_without_event.push((record, id)),
                    (None, _) => {}
                }
                for p in problems.drain() {
                    if out.cap.admit(cx.limits.problems, record, after_id) {
                        block.problems.push((record, after_id, p));
                    }
                }
            }
            out.blocks.push(block);
            let done = self.done.fetch_add(end - start, Relaxed) + end - start;
            self.progress.set(self.base + self.size * done / raws.len().max(1));
        }
        out
    }
}

impl<'a> ParsedEvents<'a> {
    /// Resolves the references deferred while places and people were loading, and sorts the
    /// events by [`date_then_record`].
    fn finish(&mut self, cx: &FileCx<'a>, raws: &[&'a str], lookup: &Lookup<'_>) -> LateProblems {
        let mut late = LateProblems::default();
        let mut problems = ProblemLog::new(usize::MAX);
        for (at, refs) in std::mem::take(&mut self.deferred) {
            let (record, event) = &mut self.events[at];
            let raw = raws[*record as usize];
            resolve_event(cx, raw, event, &refs, lookup, &mut problems);
            for p in problems.drain() {
                if late.cap.admit(cx.limits.problems, *record, true) {
                    late.found.push((*record, true, p));
                }
            }
        }
        self.events.sort_by_cached_key(date_then_record);
        late
    }
}

/// The well-formed ids of a run of records, in file order.
#[derive(Default)]
struct ChunkIds<'a> {
    /// Per record with an event: its position in the file.
    records: Vec<u32>,
    /// Per record with an event: its id, borrowed from the file's text unless escaped (the
    /// ids are then registered reading the text in order, not a million scattered strings).
    ids: Vec<Cow<'a, str>>,
    /// Records with a well-formed id but no event (a later check failed).
    ids_without_event: Vec<(u32, Cow<'a, str>)>,
}

impl ChunkIds<'_> {
    /// (record, id) of every record with a well-formed id, in file order.
    fn in_order(&self) -> impl Iterator<Item = (u32, &str)> {
        let mut with = self.records.iter().zip(&self.ids).map(|(r, id)| (*r, id.as_ref())).peekable();
        let mut without = self.ids_without_event.iter().map(|(r, id)| (*r, id.as_ref())).peekable();
        std::iter::from_fn(move || match (with.peek(), without.peek()) {
            (Some(a), Some(b)) if b.0 < a.0 => without.next(),
            (Some(_), _) => with.next(),
            (None, _) => without.next(),
        })
    }
}

/// The records whose id repeats an earlier record's (sorted), and a problem for each of the
/// first `cx.limits.problems` of them (the rest are only counted, in `cap`).
/// `chunks` hold the ids of consecutive runs of records, in file order.
fn repeated_ids<'c, 'a: 'c>(
    cx: &FileCx<'_>,
    raws: &[&str],
    chunks: impl Iterator<Item = &'c ChunkIds<'a>>,
) -> (Vec<u32>, Vec<(u32, bool, Problem)>, Cap) {
    let mut repeats = Vec::new();
    let mut problems = Vec::new();
    let mut cap = Cap::default();
    let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
    seen.reserve(raws.len());
    for (record, id) in chunks.flat_map(ChunkIds::in_order) {
        match seen.entry(id) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(record);
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                if cap.admit(cx.limits.problems, record, false) {
                    let p = duplicate_id(cx, raws[*o.get() as usize], raws[record as usize], id);
                    problems.push((record, false, p));
                }
                repeats.push(record);
            }
        }
    }
    (repeats, problems, cap)
}

/// The order of events: by date ([`Event::order_key`]), ties in file order.
fn date_then_record(
    (record, event): &(u32, Event),
) -> ((bool, crate::chronology::Day, i64, crate::chronology::Day), u32) {
    (event.order_key(), *record)
}

/// Merges two runs of events, each sorted by [`date_then_record`], into one.
///
/// The second run is moved after the first and a stable sort merges the two runs it finds:
/// that needs room for half the events beside them, where merging into a new vector would
/// need room for all of them (a quarter of a gigabyte at a million events).
fn merge_by_date(mut a: Vec<(u32, Event)>, b: Vec<(u32, Event)>) -> Vec<(u32, Event)> {
    // No reserve: each thread's vector already has room for every event.
    a.extend(b);
    a.sort_by_key(date_then_record);
    a
}

/// Parses and checks one event record, all but its references. Returns its id when the id
/// is well formed (whether or not the event was kept: the id is registered either way), and
/// the event, with no place, people or sources yet, if it is valid so far.
#[allow(clippy::type_complexity)]
fn parse_event<'a>(
    cx: &FileCx<'_>,
    raw: &'a str,
    problems: &mut ProblemLog,
    after_id: &mut bool,
) -> (Option<Cow<'a, str>>, Option<(Event, EventRefs<'a>)>) {
    let Some(rec) = parse_record::<RawEvent<'_>>(cx, raw, problems) else { return (None, None) };
    if !valid_id(&rec.id) {
        problems.push(malformed_id(cx, raw, &rec.id));
        return (None, None);
    }
    // Problems from here on are dropped if the id turns out to repeat an earlier one.
    *after_id = true;
    let id_ref = rec.id.clone();
    let id = rec.id.into_owned();
    let date = match FuzzyDate::parse_optional(rec.date.as_ref().map(AsRef::as_ref)) {
        Ok(d) => d,
        Err(e) => {
            problems.push(cx.problem(cx.field(raw, "date", None), Some(&id), e.to_string()));
            return (Some(id_ref), None);
        }
    };
    check_texts(cx, raw, &id, &[("title", &rec.title)], problems);
    check_lengths(cx, raw, &id, &[("summary", Some(&rec.summary)), ("note", rec.note.as_deref())], problems);
    for f in &rec.figures {
        if let (Some(lo), Some(hi)) = (f.low, f.high)
            && hi < lo
        {
            problems.push(cx.problem(
                cx.field(raw, "figures", None),
                Some(&id),
                format!("figure '{}': high {hi} is below low {lo}", f.label),
            ));
        }
    }
    // Outer bounds: each a single date, narrowing only the uncertain part.
    let bound = |field: &str, text: Option<&Ref<'_>>, problems: &mut ProblemLog| {
        let text = text?.as_ref();
        match FuzzyDate::parse(text) {
            Ok(d) => Some(d),
            Err(e) => {
                problems.push(cx.problem(cx.field(raw, field, None), Some(&id), format!("{field}: {e}")));
                None
            }
        }
    };
    let not_before = bound("not_before", rec.not_before.as_ref(), problems);
    let not_after = bound("not_after", rec.not_after.as_ref(), problems);
    let has_bounds = not_before.is_some() || not_after.is_some();
    let date = if has_bounds {
        if rec.bounds_basis.is_none() {
            let at = cx.field(raw, if not_before.is_some() { "not_before" } else { "not_after" }, None);
            problems.push(cx.problem(
                at,
                Some(&id),
                "outer bounds need a bounds_basis (stated or inferred); read as inferred",
            ));
        }
        match date.with_bounds(not_before.as_ref(), not_after.as_ref()) {
            Ok(d) => d,
            Err(e) => {
                let field = if matches!(e, crate::chronology::BoundsError::CutsKnown { field: "not_after", .. }) {
                    "not_after"
                } else {
                    "not_before"
                };
                problems.push(cx.problem(cx.field(raw, field, None), Some(&id), e.to_string()));
                date
            }
        }
    } else {
        date
    };
    // An unbounded side is kept, but the event then shows as possible in every window on
    // that side: say so.
    if !date.is_undated() {
        let text = rec.date.as_ref().map_or("", AsRef::as_ref);
        let sides = [
            (date.earliest == crate::chronology::Day::MIN, "start", "not_before", "earlier"),
            (date.latest == crate::chronology::Day::MAX, "end", "not_after", "later"),
        ];
        for (unbounded, side, field, when) in sides {
            if unbounded {
                problems.push(cx.warning(
                    cx.field(raw, "date", None),
                    Some(&id),
                    format!(
                        "the {side} of '{text}' is open or unknown and has no {field}: it shows as possible in every {when} window (give {field} with the bound the sources allow)"
                    ),
                ));
            }
        }
    }
    let extra = (has_bounds || !rec.according_to.is_empty()).then(|| {
        Box::new(EventExtra {
            not_before,
            not_after,
            bounds_basis: rec.bounds_basis.unwrap_or(Basis::Inferred),
            according_to: Vec::new(),
        })
    });
    let event = Event {
        id,
        date,
        date_basis: rec.date_basis.unwrap_or_default(),
        place: None,
        place_basis: rec.place_basis.unwrap_or_default(),
        people: Vec::new(),
        title: rec.title,
        summary: rec.summary,
        figures: rec.figures,
        category: rec.category,
        sources: Vec::new(),
        note: rec.note,
        extra,
    };
    let refs = EventRefs { place: rec.place, people: rec.people, sources: rec.sources, according_to: rec.according_to };
    (Some(id_ref), Some((event, refs)))
}

/// Resolves an event's references, reporting those that name nothing.
fn resolve_event(
    cx: &FileCx<'_>,
    raw: &str,
    event: &mut Event,
    refs: &EventRefs<'_>,
    lookup: &Lookup<'_>,
    problems: &mut ProblemLog,
) {
    let id = event.id.as_str();
    event.place = match refs.place.as_ref().map(AsRef::as_ref) {
        None => None,
        Some(p) => match lookup.places.get(p) {
            Some(ix) => Some(*ix),
            None => {
                problems.push(cx.problem(cx.field(raw, "place", Some(p)), Some(id), format!("unknown place '{p}'")));
                None
            }
        },
    };
    let mut who = Vec::with_capacity(refs.people.len());
    for p in refs.people.iter().map(|p| p.as_ref()) {
        match lookup.people.get(p) {
            Some(ix) if who.contains(ix) => {
                problems.push(cx.problem(cx.field(raw, "people", Some(p)), Some(id), format!("'{p}' is listed twice")))
            }
            Some(ix) => who.push(*ix),
            None => {
                problems.push(cx.problem(cx.field(raw, "people", Some(p)), Some(id), format!("unknown person '{p}'")))
            }
        }
    }
    event.people = who;
    event.sources = resolve_sources(cx, raw, id, &refs.sources, lookup.sources, true, problems);
    // Authorities: each must be cited by one of the event's own sources.
    let mut cited = Vec::with_capacity(refs.according_to.len());
    for a in refs.according_to.iter().map(|a| a.as_ref()) {
        let at = || cx.field(raw, "according_to", Some(a));
        match lookup.authorities.get(a) {
            Some(found) if cited.contains(found) => {
                problems.push(cx.problem(at(), Some(id), format!("'{a}' is listed twice")))
            }
            Some(found) if event.sources.contains(&found.0) => cited.push(*found),
            Some(_) => problems.push(cx.problem(
                at(),
                Some(id),
                format!("authority '{a}' is not cited by any of this event's sources"),
            )),
            None => problems.push(cx.problem(at(), Some(id), format!("unknown authority '{a}'"))),
        }
    }
    if let Some(extra) = event.extra.as_deref_mut() {
        extra.according_to = cited;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_moves_forward_when_two_threads_report() {
        let progress = Progress::default();
        progress.total.store(100, std::sync::atomic::Ordering::Relaxed);
        progress.set(80); // the events thread, far into the last file
        progress.set(30); // the places thread, behind it
        assert_eq!(progress.fraction(), 0.8);
        let loaded = load_texts_with_progress("geodata", &bundled_texts(), &progress);
        assert!(loaded.problems.is_empty());
        assert_eq!(progress.fraction(), 1.0, "a finished load shows a full bar");
    }

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

    /// Events parsed before the places and people are in keep their references and resolve
    /// them after: the events and problems are the same as when resolved at once.
    #[test]
    fn deferred_references_resolve_as_if_resolved_at_once() {
        let text = r#"[
            {"id": "a", "date": "1945", "place": "harbin", "people": ["kato", "nobody", "kato"], "title": "A", "category": "soviet", "sources": ["s"]},
            {"id": "b", "date": "1946-02-30", "place": "nowhere", "title": "B", "category": "soviet", "sources": ["s"]},
            {"id": "c", "date": "1944", "place": "nowhere", "title": "C", "category": "soviet", "sources": ["unknown"]},
            {"id": "d", "title": "D", "category": "soviet", "sources": []}
        ]"#;
        let cx = FileCx::new("events.json", text, Limits::default());
        let raws = raw_array(&cx, text, &mut ProblemLog::new(100));
        let mut sources = IdIndex::default();
        sources.insert("s", SourceIx(0));
        let mut places = IdIndex::default();
        places.insert("harbin", PlaceIx(0));
        let mut people = IdIndex::default();
        people.insert("kato", PersonIx(0));
        let progress = Progress::default();
        let work = || EventsWork {
            next_block: std::sync::atomic::AtomicUsize::new(0),
            done: std::sync::atomic::AtomicUsize::new(0),
            progress: &progress,
            base: 0,
            size: text.len(),
        };
        let run = |indexes: &std::sync::OnceLock<(IdIndex<PlaceIx>, IdIndex<PersonIx>)>| {
            let no_authorities = FxHashMap::default();
            let mut parsed = work().parse_blocks(&cx, &raws, &sources, &no_authorities, indexes);
            let deferred = parsed.deferred.len();
            let set = indexes.set((places.clone(), people.clone())).is_ok();
            let (places, people) = indexes.get().unwrap();
            let late =
                parsed.finish(&cx, &raws, &Lookup { places, people, sources: &sources, authorities: &no_authorities });
            let mut problems: Vec<(u32, bool, Problem)> =
                parsed.blocks.iter().flat_map(|b| b.problems.iter().cloned()).chain(late.found).collect();
            problems.sort_by_key(|(record, _, _)| *record);
            let shown: Vec<String> = problems.iter().map(|(_, _, p)| p.to_string()).collect();
            (parsed.events, shown, deferred, set)
        };
        let (at_once, at_once_problems, none_deferred, _) =
            run(&std::sync::OnceLock::from((places.clone(), people.clone())));
        let (later, later_problems, deferred, set_after) = run(&std::sync::OnceLock::new());
        assert_eq!(none_deferred, 0);
        assert!(set_after);
        assert_eq!(deferred, 3, "three events were valid before their references were resolved");
        assert_eq!(later, at_once);
        assert_eq!(later_problems, at_once_problems);
        assert_eq!(
            later_problems,
            [
                "events.json:2:79: a: unknown person 'nobody'",
                // The field is found by its text: the first 'kato'.
                "events.json:2:71: a: 'kato' is listed twice",
                "events.json:3:25: b: '1946-02-30': February 1946 has 28 days, not 30",
                "events.json:4:50: c: unknown place 'nowhere'",
                "events.json:4:109: c: unknown source 'unknown'",
                "events.json:5:61: d: no sources: every event cites at least one document",
            ]
        );
        let kato = [PersonIx(0)];
        assert_eq!(
            later.iter().map(|(_, e)| (e.id.as_str(), e.place, e.people.as_slice())).collect::<Vec<_>>(),
            [("c", None, &[][..]), ("a", Some(PlaceIx(0)), &kato[..]), ("d", None, &[][..]),]
        );
    }
}

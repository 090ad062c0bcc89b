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

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde_json::value::RawValue;

use ids::IdIndex;
use problem::ProblemLog;
pub use problem::{LineIndex, Problem};

use crate::chronology::FuzzyDate;
use crate::model::{Dataset, Event, Name, Person, PersonIx, Place, PlaceIx, Source, SourceIx, Tie};
use records::{RawEvent, RawFeature, RawFeatureCollection, RawPerson, RawSource};

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

/// How far a place may lie outside its named country before it is reported, in km.
pub const COUNTRY_TOLERANCE_KM: f64 = 75.0;

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
        let at_start = |message: String| Problem { file: display.clone(), line: 1, column: 1, record: None, message };
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

    fn set(&self, bytes: usize) {
        self.done.store(bytes as u64, std::sync::atomic::Ordering::Relaxed);
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
        Problem { file: self.name.to_owned(), line, column, record: record.map(str::to_owned), message: message.into() }
    }

    /// The byte offset of a raw value inside this file.
    fn offset_of(&self, raw: &RawValue) -> usize {
        self.offset_of_str(raw.get())
    }

    /// The byte offset of a slice of this file's text.
    fn offset_of_str(&self, sub: &str) -> usize {
        (sub.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }

    /// A problem for a serde error inside `raw` (or the whole file when `raw` is `None`).
    fn serde_problem(&self, raw: Option<&RawValue>, record: Option<&str>, e: &serde_json::Error) -> Problem {
        self.serde_problem_in(raw.map_or(self.text, |r| r.get()), record, e)
    }

    /// A problem for a serde error met while parsing `sub`, a slice of this file's text.
    fn serde_problem_in(&self, sub: &str, record: Option<&str>, e: &serde_json::Error) -> Problem {
        let base = self.offset_of_str(sub);
        let offset = base + LineIndex::new(sub).offset_of(e.line(), e.column());
        let mut message = clean_serde_message(e);
        // serde_json reads `{"a": 1,}` as a missing key; say what the user did.
        let before = self.text.get(..offset.saturating_sub(1)).unwrap_or("").trim_end();
        if message == "key must be a string" && before.ends_with(',') {
            message = "trailing comma after the last field".to_owned();
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
    fn field(&self, raw: &RawValue, key: &str, value: Option<&str>) -> usize {
        let base = self.offset_of(raw);
        let body = raw.get();
        let needle = format!("\"{key}\"");
        let Some(k) = body.find(&needle) else { return base };
        if let Some(v) = value {
            let quoted = serde_json::to_string(v).unwrap_or_default();
            if let Some(p) = body[k..].find(&quoted) {
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
fn salvage_id(raw: &RawValue) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct JustId {
        id: Option<serde_json::Value>,
    }
    let v: JustId = serde_json::from_str(raw.get()).ok()?;
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
fn is_object(cx: &FileCx<'_>, raw: &RawValue, problems: &mut ProblemLog) -> bool {
    let kind = match raw.get().trim_start().as_bytes().first() {
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
fn parse_record<'a, T: serde::Deserialize<'a>>(
    cx: &FileCx<'_>,
    raw: &'a RawValue,
    problems: &mut ProblemLog,
) -> Option<T> {
    if !is_object(cx, raw, problems) {
        return None;
    }
    match serde_json::from_str(raw.get()) {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(cx.serde_problem(Some(raw), salvage_id(raw).as_deref(), &e));
            None
        }
    }
}

/// Parses a top-level JSON array into raw records, or reports why it is not one.
///
/// At most `limits.records` are kept; the rest are only counted (a gigabyte of `{}` would
/// otherwise need gigabytes of memory before a single record is checked).
fn raw_array<'a>(cx: &FileCx<'a>, text: &'a str, problems: &mut ProblemLog) -> Vec<&'a RawValue> {
    let mut de = serde_json::Deserializer::from_str(text);
    match serde::de::DeserializeSeed::deserialize(CappedArray(cx.limits.records), &mut de).and_then(|v| {
        de.end()?;
        Ok(v)
    }) {
        Ok((v, total)) => {
            if total > v.len() {
                problems.push(cx.problem(
                    cx.offset_of_str(text),
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
            problems.push(cx.serde_problem_in(text, None, &e));
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
fn check_texts(cx: &FileCx<'_>, raw: &RawValue, id: &str, fields: &[(&str, &str)], problems: &mut ProblemLog) {
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
fn check_lengths(
    cx: &FileCx<'_>,
    raw: &RawValue,
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

fn check_names(cx: &FileCx<'_>, raw: &RawValue, id: &str, names: &[Name], problems: &mut ProblemLog) {
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
    raw: &'a RawValue,
    id: &str,
    seen: &mut FxHashMap<String, &'a RawValue>,
    problems: &mut ProblemLog,
) -> bool {
    // Locations are worked out only for problems: searching every record would cost a second
    // pass over a large file.
    if !valid_id(id) {
        problems.push(cx.problem(
            cx.field(raw, "id", Some(id)),
            Some(id),
            format!("id '{id}' must be lowercase letters, digits and '-' (at most 200)"),
        ));
        return false;
    }
    if let Some(first) = seen.get(id) {
        let (line, _) = cx.lines.locate(cx.field(first, "id", Some(id)));
        problems.push(cx.problem(
            cx.field(raw, "id", Some(id)),
            Some(id),
            format!("duplicate id (first defined at line {line}); this one is ignored"),
        ));
        return false;
    }
    seen.insert(id.to_owned(), raw);
    true
}

/// Resolves source ids, reporting unknown ones.
fn resolve_sources<S: AsRef<str>>(
    cx: &FileCx<'_>,
    raw: &RawValue,
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
            source_index.insert(&rec.id, SourceIx(sources.len() as u32));
            sources.push(Source { id: rec.id, title: rec.title, file: rec.file, url: rec.url, note: rec.note });
        }
    }

    // The events file is indexed and split into records on a second thread meanwhile: that
    // needs nothing from the other files.
    let mut places: Vec<Place> = Vec::new();
    let mut place_index: IdIndex<PlaceIx> = IdIndex::default();
    let mut people: Vec<Person> = Vec::new();
    let mut person_index: IdIndex<PersonIx> = IdIndex::default();
    let mut person_raw: Vec<&RawValue> = Vec::new();
    let (cx, raws, events_problems) = std::thread::scope(|s| {
        let prep = s.spawn(|| {
            let cx = FileCx::new(&events_f.0, &events_f.1, *limits);
            let mut problems = ProblemLog::new(limits.problems);
            let raws = if present[3] { raw_array(&cx, cx.text, &mut problems) } else { Vec::new() };
            (cx, raws, problems)
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
                    problems.push(cx.serde_problem(None, None, &e));
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
        prep.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    problems.append(events_problems);

    // Events: the two halves are checked on two threads (a record's checks need nothing from
    // another record); then ids are registered in file order, so that of two records with
    // one id the first is kept, as in the other files.
    let mut events = Vec::new();
    if present[3] {
        let lookup = Lookup { places: &place_index, people: &person_index, sources: &source_index };
        let done = std::sync::atomic::AtomicUsize::new(0);
        let report = |n: usize| {
            let done = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
            progress.set(base(3) + sizes[3] * done / raws.len().max(1));
        };
        let (first, second) = raws.split_at(raws.len() / 2);
        let (a, b) = std::thread::scope(|s| {
            let other = s.spawn(|| check_events(&cx, second, first.len() as u32, 0, &lookup, &report));
            let a = check_events(&cx, first, 0, second.len(), &lookup, &report);
            (a, other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        // Each half comes back sorted into date order; they are merged here while a second
        // thread registers the ids in file order (chunk `a` holds the first records).
        let (merged, (repeats, repeat_problems)) = std::thread::scope(|s| {
            let ids = s.spawn(|| repeated_ids(&cx, &raws, [&a.ids, &b.ids]));
            let merged = merge_by_date(a.events, b.events);
            (merged, ids.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        for p in repeat_problems {
            problems.push(p);
        }
        let repeated = |record: u32| repeats.binary_search(&record).is_ok();
        // The records' positions are dropped in place (the allocation is reused).
        events = merged.into_iter().filter(|(record, _)| !repeated(*record)).map(|(_, e)| e).collect();
        for (chunk_problems, unlisted) in [(a.problems, a.unlisted), (b.problems, b.unlisted)] {
            for (record, after_id, p) in chunk_problems {
                // A repeated record is ignored: only the repeat is reported.
                if !(after_id && repeated(record)) {
                    problems.push(p);
                }
            }
            problems.add_unlisted(unlisted);
        }
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

    // Report in reading order: file by file (as in FILES), then by position.
    let rank = |file: &str| FILES.iter().position(|f| file.ends_with(f)).unwrap_or(FILES.len());
    let unlisted = problems.unlisted();
    let mut problems = problems.into_vec();
    problems.sort_by_key(|a| (rank(&a.file), a.line, a.column));
    if unlisted > 0 {
        problems.push(Problem {
            file: label.to_owned(),
            line: 1,
            column: 1,
            record: None,
            message: format!(
                "{unlisted} more problems are not listed; only the first {} are kept (fix these and validate again)",
                limits.problems
            ),
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
}

/// Events checked by one thread, with what is needed to register their ids afterwards.
#[derive(Default)]
struct EventChunk<'a> {
    /// The valid events, sorted by [`Event::order_key`], each with its record's position in
    /// the file.
    events: Vec<(u32, Event)>,
    /// The ids of records with a well-formed id, in file order.
    ids: ChunkIds<'a>,
    /// (record, found after its id was read, problem).
    problems: Vec<(u32, bool, Problem)>,
    /// Problems beyond the limit, only counted.
    unlisted: usize,
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

/// The records whose id repeats an earlier record's (sorted), and a problem for each.
/// `chunks` hold the ids of consecutive runs of records, in file order.
fn repeated_ids(cx: &FileCx<'_>, raws: &[&RawValue], chunks: [&ChunkIds<'_>; 2]) -> (Vec<u32>, Vec<Problem>) {
    let mut repeats = Vec::new();
    let mut problems = Vec::new();
    let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
    seen.reserve(raws.len());
    for (record, id) in chunks.into_iter().flat_map(ChunkIds::in_order) {
        match seen.entry(id) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(record);
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let (line, _) = cx.lines.locate(cx.field(raws[*o.get() as usize], "id", Some(id)));
                problems.push(cx.problem(
                    cx.field(raws[record as usize], "id", Some(id)),
                    Some(id),
                    format!("duplicate id (first defined at line {line}); this one is ignored"),
                ));
                repeats.push(record);
            }
        }
    }
    (repeats, problems)
}

/// Merges two runs of events sorted by date, the first run's records coming first in the
/// file, into one sorted run (ties keep file order).
///
/// The second run is moved after the first and a stable sort merges the two runs it finds:
/// that needs room for half the events beside them, where merging into a new vector would
/// need room for all of them (a quarter of a gigabyte at a million events).
fn merge_by_date(mut a: Vec<(u32, Event)>, b: Vec<(u32, Event)>) -> Vec<(u32, Event)> {
    a.extend(b);
    a.sort_by_key(|(_, e)| e.order_key());
    a
}

/// Checks a run of event records starting at record `first`, with room for `extra` more
/// events (those of the run after it, moved here to be merged).
fn check_events<'a>(
    cx: &FileCx<'a>,
    raws: &[&'a RawValue],
    first: u32,
    extra: usize,
    lookup: &Lookup<'_>,
    report: &(dyn Fn(usize) + Sync),
) -> EventChunk<'a> {
    let mut chunk = EventChunk { events: Vec::with_capacity(raws.len() + extra), ..EventChunk::default() };
    let mut problems = ProblemLog::new(usize::MAX);
    for (i, raw) in raws.iter().enumerate() {
        if i % 4096 == 4095 {
            report(4096);
        }
        let record = first + i as u32;
        let mut after_id = false;
        let mut event = None;
        let id = check_event(cx, raw, lookup, &mut problems, &mut after_id, &mut event);
        match (id, event) {
            (Some(id), Some(event)) => {
                chunk.events.push((record, event));
                chunk.ids.records.push(record);
                chunk.ids.ids.push(id);
            }
            (Some(id), None) => chunk.ids.ids_without_event.push((record, id)),
            (None, _) => {}
        }
        for p in problems.drain() {
            if chunk.problems.len() < cx.limits.problems {
                chunk.problems.push((record, after_id, p));
            } else {
                chunk.unlisted += 1;
            }
        }
    }
    report(raws.len() % 4096);
    // Sorted here, on this thread, so that merging the halves moves each event once.
    chunk.events.sort_by_cached_key(|(_, e)| e.order_key());
    chunk
}

/// Checks one event record, setting `event` if it is valid. Returns its id when the id is
/// well formed (whether or not the event was kept: the id is registered either way).
fn check_event<'a>(
    cx: &FileCx<'_>,
    raw: &'a RawValue,
    lookup: &Lookup<'_>,
    problems: &mut ProblemLog,
    after_id: &mut bool,
    event: &mut Option<Event>,
) -> Option<Cow<'a, str>> {
    let rec = parse_record::<RawEvent<'_>>(cx, raw, problems)?;
    if !valid_id(&rec.id) {
        problems.push(cx.problem(
            cx.field(raw, "id", Some(&rec.id)),
            Some(&rec.id),
            format!("id '{}' must be lowercase letters, digits and '-' (at most 200)", rec.id),
        ));
        return None;
    }
    // Problems from here on are dropped if the id turns out to repeat an earlier one.
    *after_id = true;
    let id_ref = rec.id.clone();
    let id = rec.id.into_owned();
    let date = match FuzzyDate::parse_optional(rec.date.as_ref().map(AsRef::as_ref)) {
        Ok(d) => d,
        Err(e) => {
            problems.push(cx.problem(cx.field(raw, "date", None), Some(&id), e.to_string()));
            return Some(id_ref);
        }
    };
    check_texts(cx, raw, &id, &[("title", &rec.title)], problems);
    check_lengths(cx, raw, &id, &[("summary", Some(&rec.summary)), ("note", rec.note.as_deref())], problems);
    let place = match rec.place.as_ref().map(AsRef::as_ref) {
        None => None,
        Some(p) => match lookup.places.get(p) {
            Some(ix) => Some(*ix),
            None => {
                problems.push(cx.problem(cx.field(raw, "place", Some(p)), Some(&id), format!("unknown place '{p}'")));
                None
            }
        },
    };
    let mut who = Vec::with_capacity(rec.people.len());
    for p in rec.people.iter().map(|p| p.as_ref()) {
        match lookup.people.get(p) {
            Some(ix) if who.contains(ix) => {
                problems.push(cx.problem(cx.field(raw, "people", Some(p)), Some(&id), format!("'{p}' is listed twice")))
            }
            Some(ix) => who.push(*ix),
            None => {
                problems.push(cx.problem(cx.field(raw, "people", Some(p)), Some(&id), format!("unknown person '{p}'")))
            }
        }
    }
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
    let event_sources = resolve_sources(cx, raw, &id, &rec.sources, lookup.sources, true, problems);
    *event = Some(Event {
        id,
        date,
        date_basis: rec.date_basis.unwrap_or_default(),
        place,
        place_basis: rec.place_basis.unwrap_or_default(),
        people: who,
        title: rec.title,
        summary: rec.summary,
        figures: rec.figures,
        category: rec.category,
        sources: event_sources,
        note: rec.note,
    });
    Some(id_ref)
}

//! Rows into records: the same place name and point become one place, the same person's name
//! one person, the same source one source; every row that cannot be used, or only in part, is
//! a problem naming its file, row and column.

use foldhash::HashMap;
use std::fmt;

use unicode_normalization::UnicodeNormalization;

use super::cells::{DateReading, check_point, read_date, read_degrees, read_lat_lon};
use super::mapping::{Field, Resolved};
use super::table::Row;
use crate::chronology::FuzzyDate;
use crate::dataset::Severity;
use crate::dataset::file::{open_end_warnings, valid_id, valid_lang};
use crate::dataset::write::{EventRecord, PersonRecord, PlaceRecord, Records, SourceRecord};
use crate::model::{Basis, LocationPrecision, LonLat, Name, PlaceCategory, Theme};

/// A problem with one row: `FILE:ROW:COLUMN: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// The file, as the user named it.
    pub file: String,
    /// The row (line of a CSV, row of a sheet, feature of a GIS file).
    pub row: usize,
    /// The column's header, when one cell is at fault.
    pub column: Option<String>,
    /// What is wrong and what was done.
    pub message: String,
    /// An error (the cell or row was not used) or a warning (used, with a change said).
    pub severity: Severity,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:", self.file, self.row)?;
        if let Some(c) = &self.column {
            write!(f, "{c}:")?;
        }
        f.write_str(" ")?;
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Ids made from names: lowercase ASCII, accents dropped, anything else a hyphen; a name
/// with no Latin letters gets the kind and a number.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max));
    let mut dash = false;
    for c in text.nfkd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            'ø' | 'Ø' => 'o',
            'ł' | 'Ł' => 'l',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
            if out.len() >= max {
                break;
            }
        } else if unicode_normalization::char::is_combining_mark(c) || c == '\'' || c == '’' {
            continue;
        } else {
            dash = true;
        }
    }
    out
}

/// Ids handed out once each: `harbin`, `harbin-2`, ...
#[derive(Default)]
struct Ids {
    used: HashMap<String, u32>,
}

impl Ids {
    fn claim(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "x" } else { base };
        let Some(&last) = self.used.get(base) else {
            self.used.insert(base.to_owned(), 1);
            return base.to_owned();
        };
        let mut n = last;
        loop {
            n += 1;
            let id = format!("{base}-{n}");
            if !self.used.contains_key(&id) {
                self.used.insert(base.to_owned(), n);
                self.used.insert(id.clone(), 1);
                return id;
            }
        }
    }

    /// The id itself, if no record has it yet (a given id is kept as it is or not at all).
    fn take(&mut self, id: &str) -> Option<String> {
        if self.used.contains_key(id) {
            return None;
        }
        self.used.insert(id.to_owned(), 1);
        Some(id.to_owned())
    }
}

/// Names compared without case, spaces at the ends or Unicode form differences.
fn key(name: &str) -> String {
    let mut out = String::new();
    key_into(&mut out, name);
    out
}

/// [`key`], written into `out` (cleared first): a row's names are looked up without a new
/// string each, and one is made only for a name not seen before.
fn key_into(out: &mut String, name: &str) {
    out.clear();
    let name = name.trim();
    if name.is_ascii() {
        out.push_str(name);
        out.make_ascii_lowercase();
    } else if unicode_normalization::is_nfc_quick(name.chars()) == unicode_normalization::IsNormalized::Yes {
        out.extend(name.chars().flat_map(char::to_lowercase));
    } else {
        out.extend(name.nfc().flat_map(char::to_lowercase));
    }
}

/// Rows turned into records as they are read.
pub struct Assembler {
    file: String,
    file_name: String,
    headers: Vec<String>,
    map: Resolved,
    records: Records,
    problems: Vec<RowProblem>,
    problem_limit: usize,
    problems_dropped: usize,
    /// The longest text a record may hold (the loader's limit), for the texts made here.
    string_bytes: usize,
    place_ids: Ids,
    event_ids: Ids,
    person_ids: Ids,
    source_ids: Ids,
    place_by_key: HashMap<(String, i64, i64), usize>,
    /// The key a row's place is looked up by, filled in place (see [`key_into`]).
    place_key: (String, i64, i64),
    /// The key a row's person or source is looked up by.
    name_key: String,
    place_by_id: HashMap<String, usize>,
    place_by_name: HashMap<String, Vec<usize>>,
    person_by_name: HashMap<String, usize>,
    source_by_title: HashMap<String, usize>,
    /// Events whose place was named without a point: (event, place name, row).
    pending: Vec<(usize, String, usize)>,
    /// The sources gathered by each place and each person, as indexes (beside their ids).
    place_sources: Vec<Vec<u32>>,
    person_sources: Vec<Vec<u32>>,
    /// Each new place's country as written, if a column gives one: (place, row, text).
    countries: Vec<(usize, usize, Option<String>)>,
    /// How dates were read where the text is not already EDTF: text to (reading, rows).
    readings: HashMap<String, (String, usize)>,
    /// Rows read and rows that gave a place or an event.
    pub rows_read: usize,
    /// Rows that gave a place or an event.
    pub rows_used: usize,
}

impl Assembler {
    /// An assembler for a table's rows under a resolved mapping.
    pub fn new(file: &str, headers: &[String], map: Resolved, limits: &super::ImportLimits) -> Assembler {
        let file_name =
            std::path::Path::new(file).file_name().map_or(file.to_owned(), |n| n.to_string_lossy().into_owned());
        // The file's name is each default source's title and file: within a text's limit.
        let file_name = super::delimited::truncate(&file_name, limits.string_bytes);
        Assembler {
            file: file.to_owned(),
            file_name,
            headers: headers.to_vec(),
            map,
            records: Records::default(),
            problems: Vec::new(),
            problem_limit: limits.problems,
            problems_dropped: 0,
            string_bytes: limits.string_bytes,
            place_ids: Ids::default(),
            event_ids: Ids::default(),
            person_ids: Ids::default(),
            source_ids: Ids::default(),
            place_by_key: HashMap::default(),
            place_key: (String::new(), 0, 0),
            name_key: String::new(),
            place_by_id: HashMap::default(),
            place_by_name: HashMap::default(),
            person_by_name: HashMap::default(),
            source_by_title: HashMap::default(),
            pending: Vec::new(),
            place_sources: Vec::new(),
            person_sources: Vec::new(),
            countries: Vec::new(),
            readings: HashMap::default(),
            rows_read: 0,
            rows_used: 0,
        }
    }

    /// Makes room for about `rows` events at once: a million records are then not copied
    /// into a larger array each time one fills. Room is only reserved (pages are touched as
    /// records arrive); if the system will not reserve it, the array grows as it goes.
    pub fn reserve(&mut self, rows: usize) {
        let _ = self.records.events.try_reserve_exact(rows);
    }

    /// Records a problem with a row (the first `problem_limit` are kept, the rest counted).
    pub fn problem(&mut self, row: usize, field: Option<Field>, severity: Severity, message: String) {
        if self.problems.len() >= self.problem_limit {
            self.problems_dropped += 1;
            return;
        }
        self.late_problem(row, field, severity, message);
    }

    /// Records a problem found after the rows (a country, a place named without a point),
    /// whatever its row: [`Assembler::finish`] keeps the first `problem_limit` by row. Every
    /// problem [`Assembler::problem`] left out has a row after those it kept (rows come in
    /// order), so the ones kept are the first by row of them all.
    fn late_problem(&mut self, row: usize, field: Option<Field>, severity: Severity, message: String) {
        let column = field.and_then(|f| self.map.get(f)).and_then(|i| self.headers.get(i)).cloned();
        self.problems.push(RowProblem { file: self.file.clone(), row, column, message, severity });
    }

    fn text(&self, row: &Row, f: Field) -> Option<String> {
        self.map.cell(row, f).text()
    }

    /// A field's text without a copy, for cells that are looked at, not kept.
    fn str<'r>(&self, row: &'r Row, f: Field) -> Option<std::borrow::Cow<'r, str>> {
        self.map.cell(row, f).as_text()
    }

    /// The point of a row, if it has a readable one.
    fn point(&mut self, row: &Row) -> Option<LonLat> {
        let read = if self.map.get(Field::LatLon).is_some() {
            match read_lat_lon(self.map.cell(row, Field::LatLon)) {
                Ok(p) => p,
                Err(e) => {
                    self.problem(row.number, Some(Field::LatLon), Severity::Error, e);
                    return None;
                }
            }
        } else {
            let lat = read_degrees(self.map.cell(row, Field::Latitude));
            let lon = read_degrees(self.map.cell(row, Field::Longitude));
            match (lat, lon) {
                (Ok(Some(lat)), Ok(Some(lon))) => Some((lon, lat)),
                (Ok(None), Ok(None)) => None,
                (Err(e), _) => {
                    self.problem(row.number, Some(Field::Latitude), Severity::Error, e);
                    return None;
                }
                (_, Err(e)) => {
                    self.problem(row.number, Some(Field::Longitude), Severity::Error, e);
                    return None;
                }
                (Ok(None), _) => {
                    self.problem(row.number, Some(Field::Latitude), Severity::Error, "the latitude is empty".into());
                    return None;
                }
                (_, Ok(None)) => {
                    self.problem(row.number, Some(Field::Longitude), Severity::Error, "the longitude is empty".into());
                    return None;
                }
            }
        };
        let (lon, lat) = read?;
        let field = if self.map.get(Field::LatLon).is_some() { Field::LatLon } else { Field::Latitude };
        if let Err(e) = check_point(lon, lat) {
            self.problem(row.number, Some(field), Severity::Error, e);
            return None;
        }
        Some(LonLat { lon: (lon * 1e6).round() / 1e6, lat: (lat * 1e6).round() / 1e6 })
    }

    /// The row's sources, as indexes into the records' sources (compared as numbers where
    /// places and people gather them: ids share long prefixes).
    fn sources_of(&mut self, row: &Row) -> Vec<u32> {
        let mut ids = Vec::new();
        let Some(text) = self.str(row, Field::Source) else {
            return vec![self.default_source()];
        };
        for title in text.split([';', '；', '|', '\n']).map(str::trim).filter(|t| !t.is_empty()) {
            key_into(&mut self.name_key, title);
            let ix = match self.source_by_title.get(&self.name_key) {
                Some(&ix) => ix,
                None => {
                    let base = format!("src-{}", slug(title, 40));
                    let id = self.source_ids.claim(base.trim_end_matches('-'));
                    self.records.sources.push(SourceRecord {
                        id,
                        title: title.to_owned(),
                        file: self.file_name.clone(),
                        note: Some(super::delimited::truncate(
                            &format!(
                                "Named in the '{}' column of {}.",
                                self.column_name(Field::Source),
                                self.file_name
                            ),
                            self.string_bytes,
                        )),
                    });
                    self.source_by_title.insert(self.name_key.clone(), self.records.sources.len() - 1);
                    self.records.sources.len() - 1
                }
            };
            let ix = ix as u32;
            if !ids.contains(&ix) {
                ids.push(ix);
            }
        }
        if ids.is_empty() { vec![self.default_source()] } else { ids }
    }

    /// Adds the sources not yet in `have` (indexes) to `ids`.
    fn gather(sources: &[SourceRecord], have: &mut Vec<u32>, ids: &mut Vec<String>, new: &[u32]) {
        for &s in new {
            if !have.contains(&s) {
                have.push(s);
                ids.push(sources[s as usize].id.clone());
            }
        }
    }

    fn column_name(&self, f: Field) -> String {
        self.map.get(f).and_then(|i| self.headers.get(i)).cloned().unwrap_or_default()
    }

    /// The source every row without one cites: the imported file itself.
    fn default_source(&mut self) -> u32 {
        let k = format!("\u{0}file:{}", self.file_name);
        if let Some(&ix) = self.source_by_title.get(&k) {
            return ix as u32;
        }
        let id = self.source_ids.claim(&format!("src-{}", slug(&self.file_name, 40)));
        self.records.sources.push(SourceRecord {
            id: id.clone(),
            title: self.file_name.clone(),
            file: self.file_name.clone(),
            note: Some("The imported table itself: its rows name no other source.".to_owned()),
        });
        self.source_by_title.insert(k, self.records.sources.len() - 1);
        (self.records.sources.len() - 1) as u32
    }

    fn place(&mut self, row: &Row, name: Option<&str>, at: LonLat, sources: &[u32]) -> usize {
        let given_id = self.str(row, Field::PlaceId).filter(|id| valid_id(id));
        key_into(&mut self.place_key.0, name.unwrap_or(""));
        self.place_key.1 = (at.lat * 1e6).round() as i64;
        self.place_key.2 = (at.lon * 1e6).round() as i64;
        let found = match &given_id {
            Some(id) => self.place_by_id.get(id.as_ref()).copied(),
            None => self.place_by_key.get(&self.place_key).copied(),
        };
        let ix = match found {
            Some(ix) => {
                let p = &self.records.places[ix];
                if given_id.is_some() && (p.lon_lat != [at.lon, at.lat]) {
                    let msg =
                        format!("place '{}' has another point here than on an earlier row; the first is kept", p.id);
                    self.problem(row.number, Some(Field::PlaceId), Severity::Warning, msg);
                }
                ix
            }
            None => self.new_place(row, name, at, given_id.as_deref()),
        };
        if !self.place_by_key.contains_key(&self.place_key) {
            self.place_by_key.insert(self.place_key.clone(), ix);
        }
        let Records { places, sources: all, .. } = &mut self.records;
        Self::gather(all, &mut self.place_sources[ix], &mut places[ix].sources, sources);
        ix
    }

    fn new_place(&mut self, row: &Row, name: Option<&str>, at: LonLat, given_id: Option<&str>) -> usize {
        let name = name.map(str::to_owned).unwrap_or_else(|| format!("{:.4}, {:.4}", at.lat, at.lon));
        let id = match given_id.and_then(|id| self.place_ids.take(id)) {
            Some(id) => id,
            None => {
                let s = slug(&name, 60);
                self.place_ids.claim(if s.is_empty() { "place" } else { &s })
            }
        };
        // The country is found or checked in `finish`, on every core: a point-in-outline test
        // per new place is the costliest step of a row.
        self.countries.push((self.records.places.len(), row.number, self.text(row, Field::Country)));
        let precision = match self.text(row, Field::Precision) {
            None => LocationPrecision::City,
            Some(t) => serde_json::from_value(serde_json::Value::String(t.to_lowercase())).unwrap_or_else(|_| {
                self.problem(
                    row.number,
                    Some(Field::Precision),
                    Severity::Warning,
                    format!("unknown precision '{t}' (exact, city, region, inferred or country); read as city"),
                );
                LocationPrecision::City
            }),
        };
        let category = match self.text(row, Field::Category) {
            None => PlaceCategory::City,
            Some(t) => serde_json::from_value(serde_json::Value::String(t.to_lowercase())).unwrap_or_else(|_| {
                self.problem(
                    row.number,
                    Some(Field::Category),
                    Severity::Warning,
                    format!("unknown place category '{t}'; read as city"),
                );
                PlaceCategory::City
            }),
        };
        let mut names = self.text(row, Field::Names).map(|t| parse_names(&t)).unwrap_or_default();
        names.retain(|n| {
            let valid = valid_lang(&n.lang);
            if !valid {
                let msg = format!(
                    "'{}' is not a language tag (like zh-Hans, ja, vi, ru); the name '{}' is left out",
                    n.lang, n.text
                );
                self.problem(row.number, Some(Field::Names), Severity::Warning, msg);
            }
            valid
        });
        self.records.places.push(PlaceRecord {
            id: id.clone(),
            lon_lat: [at.lon, at.lat],
            name: name.clone(),
            names,
            country: None,
            precision,
            category,
            sources: Vec::new(),
            note: None,
        });
        let ix = self.records.places.len() - 1;
        self.place_sources.push(Vec::new());
        self.place_by_id.insert(id, ix);
        self.place_by_name.entry(key(&name)).or_default().push(ix);
        ix
    }

    fn person(&mut self, name: &str, sources: &[u32]) -> String {
        key_into(&mut self.name_key, name);
        let ix = match self.person_by_name.get(&self.name_key) {
            Some(&ix) => ix,
            None => {
                let s = slug(name, 60);
                let id = self.person_ids.claim(if s.is_empty() { "person" } else { &s });
                self.records.people.push(PersonRecord {
                    id,
                    name: name.to_owned(),
                    role: String::new(),
                    biography: String::new(),
                    sources: Vec::new(),
                });
                self.person_by_name.insert(self.name_key.clone(), self.records.people.len() - 1);
                self.person_sources.push(Vec::new());
                self.records.people.len() - 1
            }
        };
        let Records { people, sources: all, .. } = &mut self.records;
        Self::gather(all, &mut self.person_sources[ix], &mut people[ix].sources, sources);
        people[ix].id.clone()
    }

    /// The row's date: from the date column, or from start and end.
    fn date(&mut self, row: &Row) -> (Option<FuzzyDate>, Option<String>) {
        let mut notes = Vec::new();
        let mut read = |this: &mut Self, f: Field| -> Option<DateReading> {
            let cell = this.map.cell(row, f);
            match read_date(cell) {
                Ok(Some(r)) => {
                    let text = cell.as_text().unwrap_or_default();
                    if *text != r.edtf() {
                        this.note_reading(text.into_owned(), &r);
                    }
                    Some(r)
                }
                Ok(None) => None,
                Err(e) => {
                    this.problem(row.number, Some(f), Severity::Error, format!("{e}; the event is kept undated"));
                    notes.push(format!("Date as written: {}.", cell.text().unwrap_or_default()));
                    None
                }
            }
        };
        let has = |this: &Self, f: Field| !this.map.cell(row, f).is_empty();
        // A date with an end in another column (and no start column) is the start of a range;
        // beside start and end columns (as Crossings' own CSV has) the date is the whole date.
        let date = if has(self, Field::Date) && (self.map.get(Field::Start).is_some() || !has(self, Field::End)) {
            read(self, Field::Date).map(|r| r.date)
        } else {
            let from = if has(self, Field::Start) { Field::Start } else { Field::Date };
            let start = read(self, from);
            let end = read(self, Field::End);
            match (start, end) {
                (Some(s), Some(e)) => {
                    let (a, b) = (s.edtf(), e.edtf());
                    let a = a.split('/').next().unwrap_or_default().to_owned();
                    let b = b.rsplit('/').next().unwrap_or_default().to_owned();
                    match FuzzyDate::parse(&format!("{a}/{b}")) {
                        Ok(d) => Some(d),
                        Err(err) => {
                            self.problem(
                                row.number,
                                Some(Field::End),
                                Severity::Error,
                                format!("{a} to {b}: {err}; the event is kept undated"),
                            );
                            notes.push(format!("Dates as written: {a} to {b}."));
                            None
                        }
                    }
                }
                (Some(s), None) => Some(s.date),
                (None, Some(e)) => Some(e.date),
                (None, None) => None,
            }
        };
        (date, (!notes.is_empty()).then(|| notes.join(" ")))
    }

    /// A basis column: `stated` (also when empty) or `inferred`.
    fn basis(&mut self, row: &Row, f: Field) -> Basis {
        match self.str(row, f) {
            None => Basis::Stated,
            Some(t) if t.eq_ignore_ascii_case("stated") => Basis::Stated,
            Some(t) if t.eq_ignore_ascii_case("inferred") => Basis::Inferred,
            Some(other) => {
                let msg = format!("'{other}' is neither stated nor inferred; read as stated");
                self.problem(row.number, Some(f), Severity::Warning, msg);
                Basis::Stated
            }
        }
    }

    /// Keeps how a date text was read (for the first few thousand distinct texts).
    fn note_reading(&mut self, text: String, r: &DateReading) {
        const KEPT: usize = 5000;
        if let Some(seen) = self.readings.get_mut(&text) {
            seen.1 += 1;
        } else if self.readings.len() < KEPT {
            self.readings.insert(text, (r.describe(), 1));
        }
    }

    /// How date texts were read: `(text, reading, rows)`, most frequent first.
    pub fn readings(&self) -> Vec<(String, String, usize)> {
        let mut v: Vec<(String, String, usize)> =
            self.readings.iter().map(|(t, (r, n))| (t.clone(), r.clone(), *n)).collect();
        v.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// Reads one row.
    pub fn add(&mut self, row: &Row) {
        self.rows_read += 1;
        let name = self.str(row, Field::Place);
        let point = self.point(row);
        let title = self.text(row, Field::Title);
        let summary = self.text(row, Field::Summary);
        let has_date = [Field::Date, Field::Start, Field::End].iter().any(|&f| !self.map.cell(row, f).is_empty());
        let has_event = has_date || title.is_some() || summary.is_some();
        if point.is_none() && name.is_none() && !has_event {
            let msg = "nothing to import: no place, point, date or title".to_owned();
            self.problem(row.number, None, Severity::Error, msg);
            return;
        }
        let source_ixs = self.sources_of(row);
        let place = point.map(|at| self.place(row, name.as_deref(), at, &source_ixs));
        self.rows_used += 1;
        if !has_event {
            if place.is_none() {
                let msg = format!("'{}' has no point and no event; the row is not used", name.unwrap_or_default());
                self.rows_used -= 1;
                self.problem(row.number, Some(Field::Place), Severity::Error, msg);
            }
            return;
        }
        let (date, date_note) = self.date(row);
        let mut people = Vec::new();
        if let Some(cell) = self.str(row, Field::People) {
            for n in cell.split([';', '；', '、', '|', '\n']).map(str::trim).filter(|n| !n.is_empty()) {
                let id = self.person(n, &source_ixs);
                if !people.contains(&id) {
                    people.push(id);
                }
            }
        }
        let category = match self.str(row, Field::Theme) {
            None => Theme::Context,
            Some(t) => theme(&t).unwrap_or_else(|| {
                let msg = format!(
                    "unknown theme '{t}'; read as background (context). Themes: {}",
                    Theme::ALL.map(Theme::as_str).join(", ")
                );
                self.problem(row.number, Some(Field::Theme), Severity::Warning, msg);
                Theme::Context
            }),
        };
        let title =
            title.unwrap_or_else(|| name.as_deref().map_or_else(|| format!("Row {}", row.number), str::to_owned));
        let given = self.str(row, Field::EventId).filter(|id| valid_id(id)).and_then(|id| self.event_ids.take(&id));
        let id = match given {
            Some(id) => id,
            None => {
                let s = slug(&title, 50);
                self.event_ids.claim(if s.is_empty() { "event" } else { &s })
            }
        };
        let mut note = self.text(row, Field::Note);
        if let Some(d) = date_note {
            let joined = match note {
                Some(n) => format!("{n} {d}"),
                None => d,
            };
            // The note and the date as written may together pass the longest text a record
            // holds: the end is cut, and said.
            if joined.len() > self.string_bytes {
                let msg = format!(
                    "the note with the date as written holds {} bytes; only the first {} are kept",
                    joined.len(),
                    self.string_bytes
                );
                self.problem(row.number, Some(Field::Note), Severity::Warning, msg);
                note = Some(super::delimited::truncate(&joined, self.string_bytes));
            } else {
                note = Some(joined);
            }
        }
        let place_id = place.map(|ix| self.records.places[ix].id.clone());
        let bound = |this: &mut Self, f: Field| -> Option<FuzzyDate> {
            match read_date(this.map.cell(row, f)) {
                Ok(r) => r.map(|r| r.date),
                Err(e) => {
                    this.problem(row.number, Some(f), Severity::Error, format!("{e}; the bound is left out"));
                    None
                }
            }
        };
        let mut not_before = bound(self, Field::NotBefore);
        let mut not_after = bound(self, Field::NotAfter);
        // The bounds as the loader applies them: one it would refuse is left out here, and an
        // end left open is said on the row, not first by `validate`.
        let undated = FuzzyDate::undated();
        let written = date.as_ref().unwrap_or(&undated);
        let mut bounded = None;
        if not_before.is_some() || not_after.is_some() {
            match written.with_bounds(not_before.as_ref(), not_after.as_ref()) {
                Ok(d) => bounded = Some(d),
                Err(e) => {
                    let f = if e.field() == "not_after" { Field::NotAfter } else { Field::NotBefore };
                    self.problem(row.number, Some(f), Severity::Error, format!("{e}; the bounds are left out"));
                    (not_before, not_after) = (None, None);
                }
            }
        }
        for warning in open_end_warnings(bounded.as_ref().unwrap_or(written), written.as_str()) {
            let f = [Field::Date, Field::Start, Field::End].into_iter().find(|&f| self.map.get(f).is_some());
            self.problem(row.number, f, Severity::Warning, warning);
        }
        let (not_before, not_after) = (not_before.and_then(|d| d.to_edtf()), not_after.and_then(|d| d.to_edtf()));
        let date_basis = self.basis(row, Field::DateBasis);
        let place_basis = self.basis(row, Field::PlaceBasis);
        let bounds_basis = (not_before.is_some() || not_after.is_some()).then(|| self.basis(row, Field::BoundsBasis));
        self.records.events.push(EventRecord {
            id,
            date: date.as_ref().and_then(FuzzyDate::to_edtf),
            date_basis,
            not_before,
            not_after,
            bounds_basis,
            place_basis: place_id.as_ref().map(|_| place_basis),
            place: place_id,
            people,
            title,
            summary: summary.unwrap_or_default(),
            figures: Vec::new(),
            category,
            sources: source_ixs.iter().map(|&s| self.records.sources[s as usize].id.clone()).collect(),
            note,
        });
        if place.is_none() {
            match name {
                Some(n) => self.pending.push((self.records.events.len() - 1, n.into_owned(), row.number)),
                None => {
                    let msg =
                        "no place or point: the event is kept without a place (it is listed, not mapped)".to_owned();
                    self.problem(row.number, Some(Field::Place), Severity::Warning, msg);
                }
            }
        }
    }

    /// Ties events named by a place without a point to the place of that name, and returns
    /// the records (sorted by id) with every problem.
    pub fn finish(mut self) -> (Records, Vec<RowProblem>, usize) {
        self.find_countries();
        for (event, name, row) in std::mem::take(&mut self.pending) {
            let found = self.place_by_name.get(&key(&name)).cloned().unwrap_or_default();
            match found.as_slice() {
                [ix] => {
                    let id = self.records.places[*ix].id.clone();
                    self.records.events[event].place = Some(id);
                    self.records.events[event].place_basis = Some(Basis::Stated);
                }
                [] => {
                    let msg = format!(
                        "no row gives a point for '{name}': the event is kept without a place (listed, not mapped)"
                    );
                    self.late_problem(row, Some(Field::Place), Severity::Warning, msg);
                }
                many => {
                    let msg = format!(
                        "'{name}' has {} different points on other rows; the event is kept without a place",
                        many.len()
                    );
                    self.late_problem(row, Some(Field::Place), Severity::Warning, msg);
                }
            }
        }
        // Problems found after the rows (countries, pending places) go back into row order,
        // and the first by row are kept.
        self.problems.sort_by_key(|p| p.row);
        if self.problems.len() > self.problem_limit {
            self.problems_dropped += self.problems.len() - self.problem_limit;
            self.problems.truncate(self.problem_limit);
        }
        (self.records, self.problems, self.problems_dropped)
    }

    /// Fills each new place's country: the one written, if the point lies in it (a warning
    /// and a note if not), or the basemap's country at the point. Split over the cores.
    fn find_countries(&mut self) {
        let checks = std::mem::take(&mut self.countries);
        let threads = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8);
        let chunk = checks.len().div_ceil(threads).max(1);
        let places = &self.records.places;
        let found: Vec<Result<Option<String>, String>> = std::thread::scope(|scope| {
            let parts: Vec<_> = checks
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(ix, _, written)| {
                                let [lon, lat] = places[*ix].lon_lat;
                                let at = LonLat { lon, lat };
                                match written {
                                    Some(c) => crate::basemap::check_country(c, at).map_or(Ok(Some(c.clone())), Err),
                                    None => Ok(crate::basemap::country_at(at).map(str::to_owned)),
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
        });
        for ((ix, row, written), result) in checks.into_iter().zip(found) {
            match result {
                Ok(country) => self.records.places[ix].country = country,
                Err(why) => {
                    let msg = format!("{why}; the country is left out (kept in the note)");
                    self.late_problem(row, Some(Field::Country), Severity::Warning, msg);
                    self.records.places[ix].note = written.map(|c| format!("Country as written: {c}."));
                }
            }
        }
    }
}

/// A theme by its file name (`soviet`), its legend label or its words without hyphens.
fn theme(text: &str) -> Option<Theme> {
    let t = text.trim();
    // Most cells name a theme as its file does: found without lowering the case.
    if let Some(th) = Theme::ALL.into_iter().find(|th| th.as_str().eq_ignore_ascii_case(t)) {
        return Some(th);
    }
    let t = t.to_lowercase();
    Theme::ALL.into_iter().find(|th| th.label().to_lowercase() == t || th.as_str().replace('-', " ") == t)
}

/// `哈尔滨 [zh-Hans]; ハルビン [ja]` into names (a name without a tag is skipped).
pub fn parse_names(text: &str) -> Vec<Name> {
    text.split(';')
        .filter_map(|part| {
            let part = part.trim();
            let (name, lang) = part.rsplit_once('[')?;
            let lang = lang.strip_suffix(']')?.trim();
            let name = name.trim();
            (!name.is_empty() && !lang.is_empty()).then(|| Name {
                text: name.to_owned(),
                lang: lang.to_owned(),
                note: None,
            })
        })
        .collect()
}

/// Names as [`parse_names`] reads them.
pub fn format_names(names: &[Name]) -> String {
    names.iter().map(|n| format!("{} [{}]", n.text, n.lang)).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_drop_accents_and_keep_ascii() {
        assert_eq!(slug("Quảng Ngãi", 60), "quang-ngai");
        assert_eq!(slug("Đà Nẵng", 60), "da-nang");
        assert_eq!(slug("Yan'an", 60), "yanan");
        assert_eq!(slug("哈尔滨", 60), "");
        assert_eq!(slug("  Port Arthur (Lüshun) ", 60), "port-arthur-lushun");
    }

    #[test]
    fn ids_are_handed_out_once() {
        let mut ids = Ids::default();
        assert_eq!(ids.claim("harbin"), "harbin");
        assert_eq!(ids.claim("harbin"), "harbin-2");
        assert_eq!(ids.claim("harbin-3"), "harbin-3");
        assert_eq!(ids.claim("harbin"), "harbin-4");
    }

    #[test]
    fn a_theme_is_read_by_its_file_name_its_label_or_its_words_in_any_case() {
        assert_eq!(theme("soviet"), Some(Theme::Soviet));
        assert_eq!(theme(" Viet-Minh "), Some(Theme::VietMinh));
        assert_eq!(theme("eighth route army"), Some(Theme::EighthRouteArmy));
        assert_eq!(theme(&Theme::EighthRouteArmy.label().to_uppercase()), Some(Theme::EighthRouteArmy));
        assert_eq!(theme("Soviet captivity, perhaps"), None);
    }

    #[test]
    fn names_round_trip_through_their_cell_form() {
        let names = parse_names("哈尔滨 [zh-Hans]; ハルビン [ja]");
        assert_eq!(names.len(), 2);
        assert_eq!(format_names(&names), "哈尔滨 [zh-Hans]; ハルビン [ja]");
    }
}

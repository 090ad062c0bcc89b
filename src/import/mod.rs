//! Bringing a user's own table into an atlas: CSV and TSV (any common encoding), XLSX, XLS
//! and ODS, GeoJSON points, GeoPackage point layers and KML placemarks. No UI here.
//!
//! An import runs in three steps:
//! 1. [`open`] reads the file into a [`Table`] of rows, whatever its format (`delimited.rs`,
//!    `sheet.rs`, `gis.rs`), saying how it read it (encoding, delimiter, sheet).
//! 2. A [`Mapping`] says which column is the place, the point, the date...; [`mapping::guess`]
//!    proposes one from header names in English, Japanese and Chinese and from the values,
//!    and [`preview`] shows the first rows with each cell's reading and problem.
//! 3. [`import`] turns every row into records (`assemble.rs`): one place per name and point,
//!    one person per name, one source per title. Every row that cannot be used, or only in
//!    part, is a [`RowProblem`] (`FILE:ROW:COLUMN: message`); nothing is dropped silently.
//!    [`write_dataset`] writes the records as a dataset folder that `validate` accepts.

mod assemble;
mod cells;
mod delimited;
pub mod gis;
pub mod mapping;
mod sheet;
mod table;
pub mod wkb;

use std::path::Path;

pub use assemble::{RowProblem, format_names, parse_names, slug};
pub use cells::{DateReading, excel_day, read_date, read_degrees, read_lat_lon};
pub use delimited::{detect_delimiter, detect_encoding};
pub use mapping::{Field, Mapping};
pub use table::{FileKind, Row, Table, TableInfo, Value, column_letter};

use crate::dataset::Severity;
use crate::dataset::write::{FolderError, Records};

/// What an import may read before it stops, so a hostile file cannot exhaust memory or time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportLimits {
    /// Largest file, in bytes.
    pub file_bytes: u64,
    /// Most rows.
    pub rows: usize,
    /// Most columns.
    pub columns: usize,
    /// Longest cell, in bytes (longer ones are cut, with a problem).
    pub string_bytes: usize,
    /// Most bytes the parts of an XLSX or ODS may inflate to.
    pub zip_bytes: u64,
    /// Most a part of an XLSX or ODS may inflate, as a multiple of its packed size.
    pub zip_ratio: u64,
    /// Most problems listed (the rest are counted).
    pub problems: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            file_bytes: crate::dataset::MAX_FILE_BYTES,
            rows: crate::dataset::MAX_RECORDS,
            columns: 4096,
            string_bytes: crate::dataset::MAX_STRING_BYTES,
            zip_bytes: 2 << 30,
            zip_ratio: 200,
            problems: crate::dataset::MAX_PROBLEMS,
        }
    }
}

/// The size of a file to read, refused when it is larger than the limit (every reader asks).
pub fn check_file_size(path: &Path, label: &str, limits: &ImportLimits) -> Result<u64, ImportError> {
    let len = std::fs::metadata(path).map_err(|e| ImportError::io(label, e))?.len();
    if len > limits.file_bytes {
        return Err(ImportError::TooLarge { file: label.to_owned(), bytes: len, limit: limits.file_bytes });
    }
    Ok(len)
}

/// Why a file could not be imported at all (a row's problem is a [`RowProblem`] instead).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The OS refused.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not a kind of file Crossings imports.
    #[error(
        "{file}: unknown file type; import reads .csv, .tsv, .txt, .xlsx, .xls, .ods, .geojson, .json, .gpkg and .kml"
    )]
    Unsupported {
        /// The file.
        file: String,
    },
    /// Larger than the limit.
    #[error("{file}: {bytes} bytes is more than the {limit} bytes Crossings reads")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// Too many columns.
    #[error("{file}: {columns} columns is more than the {limit} Crossings reads")]
    TooManyColumns {
        /// The file.
        file: String,
        /// How many.
        columns: usize,
        /// The limit.
        limit: usize,
    },
    /// Too many rows.
    #[error("{file}: more than {limit} rows; Crossings reads at most {limit}")]
    TooManyRows {
        /// The file.
        file: String,
        /// The limit.
        limit: usize,
    },
    /// Nothing in it.
    #[error("{file}: the file has no header row (it is empty)")]
    Empty {
        /// The file.
        file: String,
    },
    /// A spreadsheet or GeoPackage without the named sheet or layer.
    #[error("{file}: no sheet or layer '{sheet}' (it has: {})", sheets.join(", "))]
    NoSuchSheet {
        /// The file.
        file: String,
        /// What was asked for.
        sheet: String,
        /// What there is.
        sheets: Vec<String>,
    },
    /// An XLSX or ODS that would inflate beyond the limits.
    #[error("{file}: refused as a possible zip bomb: {message}")]
    ZipBomb {
        /// The file.
        file: String,
        /// Which part, how much.
        message: String,
    },
    /// Not what its name says, or broken.
    #[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Unreadable {
        /// The file.
        file: String,
        /// The line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The mapping does not fit the file.
    #[error("{file}: {message}")]
    Mapping {
        /// The file.
        file: String,
        /// What does not fit.
        message: String,
    },
}

impl ImportError {
    fn io(file: &str, source: std::io::Error) -> ImportError {
        ImportError::Io { file: file.to_owned(), source }
    }
}

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The sheet (spreadsheets) or layer (GeoPackage) to read; the first when `None`.
    pub sheet: Option<String>,
    /// The mapping; guessed from the headers and first rows when `None`.
    pub mapping: Option<Mapping>,
    /// Limits.
    pub limits: ImportLimits,
}

/// Opens any file Crossings imports as a table.
pub fn open(path: &Path, sheet: Option<&str>, limits: &ImportLimits) -> Result<Table, ImportError> {
    let label = path.display().to_string();
    match FileKind::of(path) {
        Some(FileKind::Delimited) => delimited::open(path, &label, limits),
        Some(FileKind::Spreadsheet) => sheet::open(path, &label, sheet, limits),
        Some(FileKind::GeoJson) => gis::geojson(path, &label, limits),
        Some(FileKind::GeoPackage) => gis::gpkg(path, &label, sheet, limits),
        Some(FileKind::Kml) => gis::kml(path, &label, limits),
        None => Err(ImportError::Unsupported { file: label }),
    }
}

/// How many rows are looked at to guess the mapping and shown in the preview.
pub const SAMPLE_ROWS: usize = 50;

/// One cell of the preview: what it holds and how the mapping reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewCell {
    /// The cell as text.
    pub text: String,
    /// How it is read, for a mapped date or coordinate column (`1945-08 (August 1945)`).
    pub reading: Option<String>,
    /// What is wrong with it, or what the import will change.
    pub problem: Option<String>,
    /// True when the problem is a warning: the cell is used, with the change said.
    pub warning: bool,
}

/// The first rows of a table with the mapping applied.
#[derive(Clone, Debug)]
pub struct Preview {
    /// How the file was read.
    pub info: TableInfo,
    /// Its headers.
    pub headers: Vec<String>,
    /// The mapping (given, or guessed).
    pub mapping: Mapping,
    /// True when the mapping was guessed.
    pub guessed: bool,
    /// The first rows: number and cells.
    pub rows: Vec<(usize, Vec<PreviewCell>)>,
}

/// Reads the first rows, guesses a mapping when none is given, and reads each cell of a
/// mapped date or coordinate column. The rows are also assembled as the import will assemble
/// them, so a cell shows what the import would say of it (a theme it does not know, a bound
/// that contradicts the date, an end left open).
pub fn preview(path: &Path, options: &ImportOptions, rows: usize) -> Result<Preview, ImportError> {
    let mut table = open(path, options.sheet.as_deref(), &options.limits)?;
    let mut sample = Vec::new();
    for r in table.rows.by_ref().take(rows.max(SAMPLE_ROWS)) {
        sample.push(r?);
    }
    let (mapping, guessed) = match &options.mapping {
        Some(m) => (m.clone(), false),
        None => (mapping::guess(&table.headers, &sample), true),
    };
    // A mapping that names a missing column still previews the columns it can.
    let resolved = mapping.resolve(&table.headers);
    let columns = resolved.clone().unwrap_or_default();
    let field_of = |col: usize| Field::ALL.into_iter().find(|f| columns.get(*f) == Some(col));
    let mut rows: Vec<(usize, Vec<PreviewCell>)> = sample
        .iter()
        .take(rows)
        .map(|r| {
            let cells = r
                .cells
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let text = v.text().unwrap_or_default();
                    let (reading, problem) = match field_of(i) {
                        Some(Field::Date | Field::Start | Field::End | Field::NotBefore | Field::NotAfter) => {
                            match read_date(v) {
                                Ok(Some(d)) => (Some(d.describe()), None),
                                Ok(None) => (None, None),
                                Err(e) => (None, Some(e)),
                            }
                        }
                        Some(Field::Latitude | Field::Longitude) => match read_degrees(v) {
                            Ok(Some(x)) => (Some(format!("{x}°")), None),
                            Ok(None) => (None, None),
                            Err(e) => (None, Some(e)),
                        },
                        Some(Field::LatLon) => match read_lat_lon(v) {
                            Ok(Some((lon, lat))) => {
                                (Some(format!("lat {lat}, lon {lon}")), cells::check_point(lon, lat).err())
                            }
                            Ok(None) => (None, None),
                            Err(e) => (None, Some(e)),
                        },
                        _ => (None, None),
                    };
                    PreviewCell { text, reading, problem, warning: false }
                })
                .collect();
            (r.number, cells)
        })
        .collect();
    if let Ok(resolved) = resolved {
        let mut asm = assemble::Assembler::new(&table.info.file, &table.headers, resolved, &options.limits);
        for row in sample.iter().take(rows.len()) {
            asm.add(row);
        }
        let (_, said, _) = asm.finish();
        for (number, cells) in &mut rows {
            for (cell, header) in cells.iter_mut().zip(&table.headers) {
                if cell.problem.is_some() {
                    continue;
                }
                if let Some(p) = said.iter().find(|p| p.row == *number && p.column.as_ref() == Some(header)) {
                    cell.problem = Some(p.message.clone());
                    cell.warning = p.severity == Severity::Warning;
                }
            }
        }
    }
    Ok(Preview { info: table.info, headers: table.headers, mapping, guessed, rows })
}

/// What an import made.
#[derive(Clone, Debug)]
pub struct Imported {
    /// How the file was read.
    pub info: TableInfo,
    /// The mapping used.
    pub mapping: Mapping,
    /// True when the mapping was guessed.
    pub guessed: bool,
    /// The records.
    pub records: Records,
    /// Every row that could not be used, or only in part.
    pub problems: Vec<RowProblem>,
    /// Problems beyond the limit, counted.
    pub problems_dropped: usize,
    /// Rows read (blank rows are skipped).
    pub rows_read: usize,
    /// Rows that gave a place or an event.
    pub rows_used: usize,
    /// Defaults applied to every record ("precision: no column; every place is 'city'").
    pub defaults: Vec<String>,
    /// How date texts that are not EDTF were read: `(text, reading, rows)`, most rows first.
    pub readings: Vec<(String, String, usize)>,
}

impl Imported {
    /// `412 rows read, 410 used: 17 places, 380 events, 52 people, 3 sources`.
    pub fn summary(&self) -> String {
        let r = &self.records;
        format!(
            "{} rows read, {} used: {} places, {} events, {} people, {} sources",
            self.rows_read,
            self.rows_used,
            r.places.len(),
            r.events.len(),
            r.people.len(),
            r.sources.len()
        )
    }

    /// How many problems are errors (cells or rows not used).
    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }
}

/// Imports a whole file into records.
pub fn import(path: &Path, options: &ImportOptions) -> Result<Imported, ImportError> {
    let mut table = open(path, options.sheet.as_deref(), &options.limits)?;
    let label = table.info.file.clone();
    let mut sample = Vec::new();
    let mut stopped = None;
    for r in table.rows.by_ref().take(SAMPLE_ROWS) {
        match r {
            Ok(r) => sample.push(r),
            Err(e) => {
                stopped = Some(e);
                break;
            }
        }
    }
    let (mapping, guessed) = match &options.mapping {
        Some(m) => (m.clone(), false),
        None => (mapping::guess(&table.headers, &sample), true),
    };
    let resolved =
        mapping.resolve(&table.headers).map_err(|message| ImportError::Mapping { file: label.clone(), message })?;
    let mut defaults = Vec::new();
    if resolved.get(Field::LatLon).is_none() && resolved.get(Field::Latitude).is_none() {
        defaults
            .push("no coordinate column is mapped: no row gets a point, so nothing will show on the map".to_owned());
    }
    if resolved.get(Field::Precision).is_none() {
        defaults.push("no precision column: every place is written as 'city' (somewhere in a town)".to_owned());
    }
    if resolved.get(Field::Theme).is_none() {
        defaults.push("no theme column: every event is written as background ('context')".to_owned());
    }
    if resolved.get(Field::Country).is_none() {
        defaults.push(
            "no country column: each place's present-day country is taken from the basemap's outlines".to_owned(),
        );
    }
    let mut asm = assemble::Assembler::new(&label, &table.headers, resolved, &options.limits);
    asm.reserve(table.rows_hint);
    let feed = |asm: &mut assemble::Assembler, row: &Row| {
        if let Some(p) = &row.problem {
            asm.problem(row.number, None, Severity::Error, p.clone());
        }
        asm.add(row);
    };
    for row in &sample {
        feed(&mut asm, row);
    }
    drop(sample);
    if stopped.is_none() {
        let rest = std::mem::replace(&mut table.rows, Box::new(std::iter::empty()));
        let mut ahead = table::read_ahead(rest);
        while let Some(mut batch) = ahead.next_batch() {
            if batch.last().is_some_and(Result::is_err) {
                stopped = batch.pop().and_then(Result::err);
            }
            for row in batch.iter().flatten() {
                feed(&mut asm, row);
            }
            ahead.give_back(batch);
            if stopped.is_some() {
                break;
            }
        }
    }
    if let Some(e) = stopped {
        let row = asm.rows_read + 1;
        asm.problem(row, None, Severity::Error, format!("reading stopped here: {e}"));
    }
    let (rows_read, rows_used, readings) = (asm.rows_read, asm.rows_used, asm.readings());
    let (records, problems, problems_dropped) = asm.finish();
    Ok(Imported {
        info: table.info,
        mapping,
        guessed,
        records,
        problems,
        problems_dropped,
        rows_read,
        rows_used,
        defaults,
        readings,
    })
}

/// Writes an import's records as a dataset folder (new or empty), whole or not at all: not
/// when a file would be larger than the loader opens.
pub fn write_dataset(dir: &Path, imported: &Imported) -> Result<(), FolderError> {
    crate::dataset::write::write_folder(dir, &imported.records, crate::dataset::MAX_FILE_BYTES)
}

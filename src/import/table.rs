//! A table of rows, whatever file it came from: the one shape every reader produces and the
//! mapping step reads. Rows are streamed, so a file's size bounds nothing but the time taken.

use std::fmt;

use crate::chronology::Day;

/// One cell's value, as typed in the file.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Nothing in the cell.
    Empty,
    /// Text.
    Text(String),
    /// A number cell (a spreadsheet's numbers, a GeoJSON number).
    Number(f64),
    /// A cell typed as a date by a spreadsheet (its day; a time of day is dropped).
    Date(Day),
    /// A true/false cell.
    Bool(bool),
}

impl Value {
    /// The value as text, as the preview shows it (`None` when empty).
    pub fn text(&self) -> Option<String> {
        self.as_text().map(std::borrow::Cow::into_owned)
    }

    /// The value as text without copying a text cell (`None` when empty).
    pub fn as_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        match self {
            Value::Empty => None,
            Value::Text(t) => Some(trim(t)).filter(|t| !t.is_empty()).map(Cow::Borrowed),
            Value::Number(n) => Some(Cow::Owned(number_text(*n))),
            Value::Date(d) => Some(Cow::Owned(d.iso())),
            Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        }
    }

    /// True for an empty cell or one holding only spaces.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => trim(t).is_empty(),
            _ => false,
        }
    }
}

/// True for a byte that is a whole character and not white space: an ASCII letter, digit,
/// mark or control other than `\t` to `\r` (what `char::is_whitespace` keeps, in ASCII).
pub(crate) fn plain_byte(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ')
}

/// `str::trim`, answered at once for the usual cell that begins and ends with a plain ASCII
/// character (a million rows of cells are trimmed several times each).
pub(crate) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&first), Some(&last)) if plain_byte(first) && plain_byte(last) => s,
        _ => s.trim(),
    }
}

/// A number as a person would write it: `1945`, not `1945.0`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// One row: where it is in its file, and its cells in header order.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The row's number as the user finds it: the line in a CSV (the header is line 1), the
    /// row in a spreadsheet, the feature or placemark (1-based) in a GIS file.
    pub number: usize,
    /// The cells, one per header (missing cells are [`Value::Empty`]).
    pub cells: Vec<Value>,
    /// What the reader found wrong with the row (a feature that is not a point), reported
    /// with the row.
    pub problem: Option<String>,
}

/// What kind of file a table was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Comma-, tab-, semicolon- or bar-separated text.
    Delimited,
    /// XLSX, XLS or ODS.
    Spreadsheet,
    /// A GeoJSON FeatureCollection.
    GeoJson,
    /// A GeoPackage (SQLite).
    GeoPackage,
    /// Google Earth's KML.
    Kml,
}

impl FileKind {
    /// The kind of a file by its extension, or `None` for one Crossings does not import.
    pub fn of(path: &std::path::Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" | "tsv" | "tab" | "txt" => FileKind::Delimited,
            "xlsx" | "xlsm" | "xls" | "ods" => FileKind::Spreadsheet,
            "geojson" | "json" => FileKind::GeoJson,
            "gpkg" => FileKind::GeoPackage,
            "kml" => FileKind::Kml,
            _ => return None,
        })
    }
}

/// How a table was read: what the user is told before anything else.
#[derive(Clone, Debug, PartialEq)]
pub struct TableInfo {
    /// The file, as the user named it.
    pub file: String,
    /// Its kind.
    pub kind: FileKind,
    /// The text encoding found (delimited text only): `UTF-8`, `Shift_JIS`, `GBK`, ...
    pub encoding: Option<String>,
    /// How the encoding was found ("byte order mark", "valid UTF-8", "detected").
    pub encoding_by: Option<&'static str>,
    /// The delimiter found (delimited text only).
    pub delimiter: Option<u8>,
    /// The sheet or layer read, when the file has several.
    pub sheet: Option<String>,
    /// The other sheets or layers the file holds.
    pub other_sheets: Vec<String>,
}

impl fmt::Display for TableInfo {
    /// `returnees.csv: CSV, Shift_JIS (detected), delimiter ','`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FileKind::Delimited => "delimited text",
            FileKind::Spreadsheet => "spreadsheet",
            FileKind::GeoJson => "GeoJSON",
            FileKind::GeoPackage => "GeoPackage",
            FileKind::Kml => "KML",
        };
        write!(f, "{}: {kind}", self.file)?;
        if let Some(e) = &self.encoding {
            write!(f, ", {e}")?;
            if let Some(by) = self.encoding_by {
                write!(f, " ({by})")?;
            }
        }
        if let Some(d) = self.delimiter {
            let name = match d {
                b'\t' => "tab".to_owned(),
                b',' => "comma".to_owned(),
                b';' => "semicolon".to_owned(),
                b'|' => "bar".to_owned(),
                other => format!("'{}'", other as char),
            };
            write!(f, ", {name}-separated")?;
        }
        if let Some(s) = &self.sheet {
            write!(f, ", sheet or layer '{s}'")?;
        }
        Ok(())
    }
}

/// A table being read: its headers, then its rows one by one.
pub struct Table {
    /// How it was read.
    pub info: TableInfo,
    /// The column names (a blank header is named by its letter: `C`).
    pub headers: Vec<String>,
    /// The rows, streamed; an error ends the table (an unreadable file part).
    pub rows: Box<dyn Iterator<Item = Result<Row, super::ImportError>> + Send>,
    /// About how many rows there are, when the reader can tell without reading them (a
    /// delimited file's lines, estimated from its first megabyte), else 0. Room for the
    /// records is made once, not doubled a row at a time.
    pub rows_hint: usize,
}

/// A batch of rows read ahead.
pub type Batch = Vec<Result<Row, super::ImportError>>;

/// The rows read on a thread of their own, a batch ahead of the caller, so parsing the file
/// and making records from it run at once on two cores. The thread stops at the end, after an
/// error, or as soon as the caller drops the [`ReadAhead`].
pub fn read_ahead(rows: Box<dyn Iterator<Item = Result<Row, super::ImportError>> + Send>) -> ReadAhead {
    const BATCH: usize = 1024;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(8);
    let (spent_tx, spent_rx) = std::sync::mpsc::channel::<Batch>();
    std::thread::spawn(move || {
        let mut rows = rows;
        loop {
            // A batch given back is emptied here, on the thread that made its rows, and
            // filled again: its cells are freed by the allocator's fast path.
            let mut batch = match spent_rx.try_recv() {
                Ok(mut spent) => {
                    spent.clear();
                    spent
                }
                Err(_) => Vec::with_capacity(BATCH),
            };
            let mut end = false;
            for r in rows.by_ref() {
                end = r.is_err();
                batch.push(r);
                if end || batch.len() == BATCH {
                    break;
                }
            }
            end |= batch.len() < BATCH;
            if tx.send(batch).is_err() || end {
                return;
            }
        }
    });
    ReadAhead { batches: rx, spent: spent_tx }
}

/// Rows read ahead on their own thread ([`read_ahead`]), by batches.
pub struct ReadAhead {
    batches: std::sync::mpsc::Receiver<Batch>,
    spent: std::sync::mpsc::Sender<Batch>,
}

impl ReadAhead {
    /// The next batch, or `None` at the end. An error, if any, is a batch's last item.
    pub fn next_batch(&mut self) -> Option<Batch> {
        self.batches.recv().ok()
    }

    /// Hands a batch back to the reading thread, which frees its rows and reuses it.
    pub fn give_back(&self, batch: Batch) {
        // The thread may have ended: then the batch is freed here.
        let _ = self.spent.send(batch);
    }
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table").field("info", &self.info).field("headers", &self.headers).finish_non_exhaustive()
    }
}

/// A spreadsheet's column letter for a 0-based index: `A`, `Z`, `AA`.
pub fn column_letter(mut ix: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (ix % 26) as u8);
        if ix < 26 {
            break;
        }
        ix = ix / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Headers made usable: trimmed, a blank one named by its letter, a repeated one numbered.
pub fn clean_headers(raw: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, h) in raw.into_iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}').to_owned();
        let mut name = if h.is_empty() { column_letter(i) } else { h };
        if out.contains(&name) {
            let base = name.clone();
            let mut n = 2;
            while out.contains(&name) {
                name = format!("{base} ({n})");
                n += 1;
            }
        }
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The quick trim is `str::trim`: on any text, and on texts made of the characters
        /// at its edges (ASCII white space and controls, and wider white space).
        #[test]
        fn the_quick_trim_is_strs_trim(
            any in "\\PC{0,12}",
            edges in proptest::collection::vec(proptest::sample::select(&['a', ' ', '\t', '\u{b}', '\r', '\u{1c}', '\u{3000}', '\u{85}', '字', '\0'][..]), 0..6),
        ) {
            prop_assert_eq!(trim(&any), any.trim());
            let edged: String = edges.into_iter().collect();
            prop_assert_eq!(trim(&edged), edged.trim());
        }
    }

    #[test]
    fn column_letters_count_as_spreadsheets_do() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn blank_and_repeated_headers_get_names() {
        let h = clean_headers(["name".into(), " ".into(), "name".into(), "\u{feff}date".into()]);
        assert_eq!(h, ["name", "B", "name (2)", "date"]);
    }
}

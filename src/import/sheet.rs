//! XLSX, XLS and ODS through `calamine` (pure Rust, MIT). The zip container of XLSX and ODS
//! is checked first, so a zip bomb is refused before anything is inflated.

use std::path::Path;

use calamine::{Data, Reader};

use super::table::{FileKind, Row, Table, TableInfo, Value, clean_headers};
use super::{ImportError, ImportLimits};
use crate::chronology::Day;

/// Refuses a zip whose entries would inflate beyond the limit, or far beyond their packed
/// size (a zip bomb), reading only its central directory.
fn check_zip(path: &Path, label: &str, limits: &ImportLimits) -> Result<(), ImportError> {
    let file = std::fs::File::open(path).map_err(|e| ImportError::io(label, e))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| ImportError::Unreadable {
        file: label.to_owned(),
        line: None,
        message: format!("not a valid XLSX/ODS (zip) file: {e}"),
    })?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| ImportError::Unreadable {
            file: label.to_owned(),
            line: None,
            message: e.to_string(),
        })?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > (1 << 20) && size / packed > limits.zip_ratio {
            return Err(ImportError::ZipBomb {
                file: label.to_owned(),
                message: format!(
                    "part '{}' would inflate {} times, from {packed} to {size} bytes",
                    entry.name().unwrap_or_default(),
                    size / packed
                ),
            });
        }
    }
    if total > limits.zip_bytes {
        return Err(ImportError::ZipBomb {
            file: label.to_owned(),
            message: format!("its parts would inflate to {total} bytes; at most {} are read", limits.zip_bytes),
        });
    }
    Ok(())
}

fn value(cell: &Data, max_string: usize) -> Value {
    match cell {
        Data::Empty | Data::Error(_) => Value::Empty,
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            if s.trim().is_empty() {
                Value::Empty
            } else if s.len() > max_string {
                Value::Text(super::delimited::truncate(s, max_string))
            } else {
                Value::Text(s.clone())
            }
        }
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Day::from_ymd(i32::from(y), u32::from(m), u32::from(d)).map_or(Value::Number(dt.as_f64()), Value::Date)
        }
        Data::DateTime(dt) => Value::Number(dt.as_f64()),
    }
}

/// Opens a sheet (the first, or the one named) of a workbook; its first non-empty row is the
/// header row.
pub fn open(path: &Path, label: &str, sheet: Option<&str>, limits: &ImportLimits) -> Result<Table, ImportError> {
    super::check_file_size(path, label, limits)?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext != "xls" {
        check_zip(path, label, limits)?;
    }
    let bad =
        |e: calamine::Error| ImportError::Unreadable { file: label.to_owned(), line: None, message: e.to_string() };
    let mut book = calamine::open_workbook_auto(path).map_err(bad)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| ImportError::NoSuchSheet {
            file: label.to_owned(),
            sheet: s.to_owned(),
            sheets: names.clone(),
        })?,
        None => names.first().cloned().ok_or_else(|| ImportError::Empty { file: label.to_owned() })?,
    };
    let range = book.worksheet_range(&name).map_err(bad)?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let width = range.width();
    if width > limits.columns {
        return Err(ImportError::TooManyColumns { file: label.to_owned(), columns: width, limit: limits.columns });
    }
    if range.height() > limits.rows.saturating_add(1) {
        return Err(ImportError::TooManyRows { file: label.to_owned(), limit: limits.rows });
    }
    let max_string = limits.string_bytes;
    let mut rows = range.rows().enumerate().map(|(i, r)| (first_row as usize + i + 1, r));
    let header = rows.by_ref().find(|(_, r)| r.iter().any(|c| !matches!(c, Data::Empty)));
    let Some((_, header)) = header else { return Err(ImportError::Empty { file: label.to_owned() }) };
    // A header row starting to the right of column A keeps the spreadsheet's letters.
    let _ = first_col;
    let headers = clean_headers(header.iter().map(|c| value(c, max_string).text().unwrap_or_default()));
    let body: Vec<Row> = rows
        .filter(|(_, r)| r.iter().any(|c| !matches!(c, Data::Empty)))
        .map(|(number, r)| {
            let long = r.iter().position(|c| matches!(c, Data::String(s) if s.len() > max_string));
            let problem = long.map(|i| {
                let bytes = if let Data::String(s) = &r[i] { s.len() } else { 0 };
                super::delimited::cut_message(i, bytes, max_string)
            });
            Row { number, cells: r.iter().map(|c| value(c, max_string)).collect(), problem }
        })
        .collect();
    let other_sheets = names.into_iter().filter(|n| *n != name).collect();
    Ok(Table {
        rows_hint: 0,
        info: TableInfo {
            file: label.to_owned(),
            kind: FileKind::Spreadsheet,
            encoding: None,
            encoding_by: None,
            delimiter: None,
            sheet: Some(name),
            other_sheets,
        },
        headers,
        rows: Box::new(body.into_iter().map(Ok)),
    })
}

//! CSV and TSV as spreadsheets save them: the encoding found from a byte order mark, from
//! being valid UTF-8, or by `chardetng` (Firefox's detector: Shift_JIS, GBK, Big5,
//! Windows-1252, ...); the delimiter found from the first lines. Decoding and parsing are
//! streamed (`encoding_rs_io`, `csv`), so memory does not grow with the file.

use std::io::Read;
use std::path::Path;

use encoding_rs::Encoding;

use super::table::{FileKind, Row, Table, TableInfo, Value, clean_headers, plain_byte, trim};
use super::{ImportError, ImportLimits};

/// How many bytes are looked at to find the encoding and the delimiter.
const SAMPLE_BYTES: usize = 1 << 20;

/// The encoding of a file's first bytes, and how it was found.
pub fn detect_encoding(sample: &[u8], whole_file: bool) -> (&'static Encoding, &'static str) {
    if let Some((enc, _)) = Encoding::for_bom(sample) {
        return (enc, "byte order mark");
    }
    if let Some(enc) = utf16_without_bom(sample) {
        return (enc, "detected");
    }
    match std::str::from_utf8(sample) {
        Ok(_) => return (encoding_rs::UTF_8, "valid UTF-8"),
        // A character cut off at the end of the sample is still UTF-8.
        Err(e) if e.error_len().is_none() && !whole_file => return (encoding_rs::UTF_8, "valid UTF-8"),
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(sample, whole_file);
    (detector.guess(None, chardetng::Utf8Detection::Deny), "detected")
}

/// UTF-16 without a byte order mark: text in Latin script has a zero in every other byte.
fn utf16_without_bom(sample: &[u8]) -> Option<&'static Encoding> {
    let n = sample.len().min(4096) & !1;
    if n < 8 {
        return None;
    }
    let (mut even, mut odd) = (0, 0);
    for pair in sample[..n].chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let half = n / 2;
    if odd * 10 > half * 7 && even * 10 < half {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 > half * 7 && odd * 10 < half {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// The delimiter of some lines of text: the candidate found the same nonzero number of times
/// (outside quotes) on most lines; a `.tsv` file is tab-separated.
pub fn detect_delimiter(text: &str, path: &Path) -> u8 {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if matches!(ext.as_deref(), Some("tsv" | "tab")) {
        return b'\t';
    }
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(30).collect();
    let mut best = (b',', 0usize, 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let Some(&first) = counts.first() else { continue };
        if first == 0 {
            continue;
        }
        let agreeing = counts.iter().filter(|&&c| c == first).count();
        if (agreeing, first) > (best.1, best.2) {
            best = (d, agreeing, first);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

/// Opens a delimited text file: finds its encoding and delimiter, reads its header row and
/// returns the rest as a stream.
pub fn open(path: &Path, label: &str, limits: &ImportLimits) -> Result<Table, ImportError> {
    let io = |e| ImportError::io(label, e);
    let len = super::check_file_size(path, label, limits)?;
    let file = std::fs::File::open(path).map_err(io)?;
    let mut sample = Vec::with_capacity(SAMPLE_BYTES.min(len as usize));
    (&file).take(SAMPLE_BYTES as u64).read_to_end(&mut sample).map_err(io)?;
    let whole = sample.len() as u64 == len;
    let (encoding, by) = detect_encoding(&sample, whole);
    let (decoded, _, _) = encoding.decode(&sample);
    let delimiter = detect_delimiter(&decoded, path);
    drop(decoded);
    // The lines of the first megabyte, scaled to the file (rows with quoted newlines make it
    // an overestimate, only of room reserved, never touched).
    let lines_in_sample = memchr::memchr_iter(b'\n', &sample).count().max(1);
    let rows_hint = (len as f64 * lines_in_sample as f64 / sample.len().max(1) as f64) as usize;
    let rows_hint = rows_hint.min(limits.rows);

    let mut file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path).map_err(io)?);
    // UTF-8 is read as it is, without a decoding pass (a stray invalid byte further on becomes
    // U+FFFD, as the decoder would make it); any other encoding is decoded while read.
    let decoded: Box<dyn Read + Send> = if encoding == encoding_rs::UTF_8 {
        if sample.starts_with(b"\xef\xbb\xbf") {
            std::io::copy(&mut (&mut file).take(3), &mut std::io::sink()).map_err(io)?;
        }
        Box::new(file)
    } else {
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding)).bom_override(true).build(file),
        )
    };
    let lines = Lines::default();
    let reader = LineCounter { inner: decoded, at: 0, lines: lines.clone() };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let got = csv.read_byte_record(&mut record).map_err(|e| csv_error(label, e))?;
    if !got {
        return Err(ImportError::Empty { file: label.to_owned() });
    }
    if record.len() > limits.columns {
        return Err(ImportError::TooManyColumns {
            file: label.to_owned(),
            columns: record.len(),
            limit: limits.columns,
        });
    }
    let headers = clean_headers(record.iter().map(|c| String::from_utf8_lossy(c).into_owned()));
    let width = headers.len();
    let label_owned = label.to_owned();
    let max_string = limits.string_bytes;
    let max_rows = limits.rows;
    let mut rows_read = 0usize;
    let rows = std::iter::from_fn(move || {
        loop {
            match csv.read_byte_record(&mut record) {
                Ok(false) => return None,
                Err(e) => return Some(Err(csv_error(&label_owned, e))),
                Ok(true) => {}
            }
            // Blank when no cell has a plain character (the first one answers, in most rows)
            // and none has another character that is not white space.
            let blank = |c: &[u8]| !c.iter().copied().any(plain_byte) && String::from_utf8_lossy(c).trim().is_empty();
            if record.iter().all(blank) {
                continue;
            }
            rows_read += 1;
            if rows_read > max_rows {
                return Some(Err(ImportError::TooManyRows { file: label_owned.clone(), limit: max_rows }));
            }
            // csv counts a CRLF's line at the next record; the file's own newlines do not lie.
            let number = record.position().map_or(0, |p| lines.line_at(p.byte()));
            let mut problem = None;
            let mut cells: Vec<Value> = record
                .iter()
                .take(width.max(1))
                .enumerate()
                .map(|(i, c)| {
                    // std's check of valid UTF-8 is quicker than the lossy reading's.
                    let c = match std::str::from_utf8(c) {
                        Ok(text) => std::borrow::Cow::Borrowed(text),
                        Err(_) => String::from_utf8_lossy(c),
                    };
                    if matches!(c, std::borrow::Cow::Owned(_)) {
                        let col = super::table::column_letter(i);
                        problem = Some(format!(
                            "the cell in column {col} holds bytes that are not {}; they are read as \u{FFFD}",
                            encoding_name(encoding)
                        ));
                    }
                    if c.len() > max_string {
                        problem = Some(cut_message(i, c.len(), max_string));
                        Value::Text(truncate(&c, max_string))
                    } else if trim(&c).is_empty() {
                        Value::Empty
                    } else {
                        Value::Text(c.into_owned())
                    }
                })
                .collect();
            cells.resize(width, Value::Empty);
            return Some(Ok(Row { number, cells, problem }));
        }
    });
    Ok(Table {
        rows_hint,
        info: TableInfo {
            file: label.to_owned(),
            kind: FileKind::Delimited,
            encoding: Some(encoding_name(encoding).to_owned()),
            encoding_by: Some(by),
            delimiter: Some(delimiter),
            sheet: None,
            other_sheets: Vec::new(),
        },
        headers,
        rows: Box::new(rows),
    })
}

/// Where the newlines of the decoded text are, so a record's byte offset gives its line. Only
/// the newlines read ahead of the parser are held (a buffer's worth), not the whole file's.
#[derive(Clone, Default)]
struct Lines(std::sync::Arc<std::sync::Mutex<LinesState>>);

#[derive(Default)]
struct LinesState {
    ahead: std::collections::VecDeque<u64>,
    before: usize,
}

impl Lines {
    /// The 1-based line of a byte offset (offsets must come in order). A newline at the offset
    /// itself ends the line before: csv starts a record after CRLF at its LF.
    fn line_at(&self, byte: u64) -> usize {
        let Ok(mut s) = self.0.lock() else { return 0 };
        while s.ahead.front().is_some_and(|&nl| nl <= byte) {
            s.ahead.pop_front();
            s.before += 1;
        }
        s.before + 1
    }
}

struct LineCounter<R> {
    inner: R,
    at: u64,
    lines: Lines,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut s) = self.lines.0.lock() {
            for i in memchr::memchr_iter(b'\n', &buf[..n]) {
                s.ahead.push_back(self.at + i as u64);
            }
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// The encoding's name as users know it (encoding_rs's GBK decoder reads all of GB18030).
fn encoding_name(e: &'static Encoding) -> &'static str {
    match e.name() {
        "GBK" | "gb18030" => "GBK/GB18030",
        other => other,
    }
}

/// What is said of a cell cut to the length limit (the row is used with the cut text).
pub(super) fn cut_message(column: usize, bytes: usize, max: usize) -> String {
    format!(
        "the cell in column {} holds {bytes} bytes; only the first {max} are kept",
        super::table::column_letter(column)
    )
}

/// The first `max` bytes of a text, cut at a character boundary.
pub(super) fn truncate(text: &str, max: usize) -> String {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

fn csv_error(file: &str, e: csv::Error) -> ImportError {
    let line = e.position().map(|p| p.line() as usize);
    ImportError::Unreadable { file: file.to_owned(), line, message: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_found_the_same_number_of_times_on_each_line() {
        let p = Path::new("x.csv");
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n", p), b',');
        assert_eq!(detect_delimiter("a;b;c\n1,5;2,5;3\n", p), b';');
        assert_eq!(detect_delimiter("a\tb\n\"x,y\"\t2\n", p), b'\t');
        assert_eq!(detect_delimiter("name|date\nHarbin|1945\n", p), b'|');
        assert_eq!(detect_delimiter("a,b\n1,2\n", Path::new("x.tsv")), b'\t');
    }

    #[test]
    fn encodings_are_found_from_a_bom_from_valid_utf8_or_by_detection() {
        assert_eq!(detect_encoding(b"\xef\xbb\xbfname\n", true).0, encoding_rs::UTF_8);
        assert_eq!(detect_encoding(b"\xff\xfen\x00a\x00", true).0, encoding_rs::UTF_16LE);
        assert_eq!(detect_encoding("名前,日付\n".as_bytes(), true), (encoding_rs::UTF_8, "valid UTF-8"));
        let utf16: Vec<u8> = "name,date\nHarbin,1945\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(detect_encoding(&utf16, true).0, encoding_rs::UTF_16LE);
        let (sjis, _, _) =
            encoding_rs::SHIFT_JIS.encode("地名,日付,緯度,経度\n舞鶴,昭和20年,35.47,135.33\n引揚者の記録\n");
        assert_eq!(detect_encoding(&sjis, true).0, encoding_rs::SHIFT_JIS);
    }

    #[test]
    fn the_rows_are_estimated_from_the_first_megabyte_and_the_file_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.csv");
        // Three megabytes: the first one is sampled, the rest only measured.
        let rows = 60_000;
        let mut text = String::from("name,date,latitude,longitude\n");
        for i in 0..rows {
            text.push_str(&format!("Place number {i:07} with a long name,1945-08,45.75,126.65\n"));
        }
        assert!(text.len() > 3 * SAMPLE_BYTES, "{} bytes", text.len());
        std::fs::write(&path, &text).unwrap();
        let limits = ImportLimits::default();
        let hint = open(&path, "rows.csv", &limits).unwrap().rows_hint;
        assert!(hint.abs_diff(rows) < rows / 50, "{hint} rows estimated for {rows}");
        let capped = ImportLimits { rows: 1000, ..limits };
        assert_eq!(open(&path, "rows.csv", &capped).unwrap().rows_hint, 1000, "never more than the limit");
    }
}

//! Problems found while loading: each with its file, line, column and record.

use std::fmt;

/// One problem in a dataset, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Problem {
    /// The file, as the user named it (`geodata/events.json`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The record's id, when known.
    pub record: Option<String>,
    /// What is wrong, in words.
    pub message: String,
    /// An error (the record, or part of it, is not used) or a warning (it is used, but the
    /// atlas can show less than it might: an unbounded date).
    pub severity: Severity,
}

/// How serious a [`Problem`] is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The record or field was refused. `validate` fails.
    #[default]
    Error,
    /// Kept as written, but worth a look. `validate` passes; `validate --strict` fails.
    Warning,
}

impl Problem {
    /// True for a warning.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }
}

impl fmt::Display for Problem {
    /// `FILE:LINE:COL: RECORD-ID: message` (the record part only when known), with
    /// `warning: ` before the message of a warning.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(r) = &self.record {
            write!(f, "{r}: ")?;
        }
        if self.is_warning() {
            f.write_str("warning: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Problems as they are found, keeping the first `limit` and counting the rest: a hostile
/// file can hold millions of bad records, and their problems must not exhaust memory.
#[derive(Debug)]
pub(crate) struct ProblemLog {
    list: Vec<Problem>,
    limit: usize,
    unlisted: usize,
}

impl ProblemLog {
    pub(crate) fn new(limit: usize) -> ProblemLog {
        ProblemLog { list: Vec::new(), limit, unlisted: 0 }
    }

    pub(crate) fn push(&mut self, problem: Problem) {
        if self.list.len() < self.limit {
            self.list.push(problem);
        } else {
            self.unlisted += 1;
        }
    }

    /// How many problems were found beyond the limit.
    pub(crate) fn unlisted(&self) -> usize {
        self.unlisted
    }

    /// Counts problems found and dropped elsewhere (another thread's overflow).
    pub(crate) fn add_unlisted(&mut self, n: usize) {
        self.unlisted += n;
    }

    /// Adds another log's problems (and its count of unlisted ones).
    pub(crate) fn append(&mut self, other: ProblemLog) {
        self.unlisted += other.unlisted;
        for p in other.list {
            self.push(p);
        }
    }

    /// Takes the problems listed so far.
    pub(crate) fn drain(&mut self) -> std::vec::Drain<'_, Problem> {
        self.list.drain(..)
    }

    pub(crate) fn into_vec(self) -> Vec<Problem> {
        self.list
    }
}

/// Maps byte offsets of a text to 1-based lines and character columns.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// `(line, column)` of a byte offset, both 1-based; the column counts characters.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts[line];
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The byte offset of a 1-based line and 1-based byte column (as serde_json reports).
    pub fn offset_of(&self, line: usize, byte_column: usize) -> usize {
        let start = self.starts.get(line.saturating_sub(1)).copied().unwrap_or(self.text.len());
        (start + byte_column.saturating_sub(1)).min(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let idx = LineIndex::new("ab\n延安x\n");
        assert_eq!(idx.locate(0), (1, 1));
        assert_eq!(idx.locate(3), (2, 1));
        assert_eq!(idx.locate(9), (2, 3));
        assert_eq!(idx.offset_of(2, 1), 3);
    }

    #[test]
    fn a_problem_prints_as_file_line_column_record_message() {
        let p = Problem {
            file: "geodata/events.json".into(),
            line: 3,
            column: 5,
            record: Some("e1".into()),
            message: "bad".into(),
            severity: Severity::Error,
        };
        assert_eq!(p.to_string(), "geodata/events.json:3:5: e1: bad");
        let w = Problem { severity: Severity::Warning, ..p };
        assert_eq!(w.to_string(), "geodata/events.json:3:5: e1: warning: bad");
    }
}

//! The journal of unsaved steps: a header line naming the folder, then one line of JSON per
//! step applied, each appended and synced before the step counts. After a crash the steps are
//! read back up to the last whole line: a line cut off mid-write (no newline, or not JSON) is
//! where reading stops, and the steps before it are kept.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Edit;

/// Why the journal could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The OS refused.
    #[error("the edit journal {path}: {source}")]
    Io {
        /// The journal.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not a Crossings journal.
    #[error("{0} is not a Crossings edit journal")]
    NotAJournal(String),
}

#[derive(Serialize, Deserialize)]
struct Header {
    crossings_journal: u32,
    folder: PathBuf,
}

/// An open journal, appended to.
pub struct Journal {
    path: PathBuf,
    file: std::fs::File,
    header: Vec<u8>,
}

impl Journal {
    /// Starts a journal for a folder. A journal already there with steps in it is kept beside
    /// it as `NAME.old` (a restore declined is never lost), then a new one begins.
    pub fn create(path: &Path, folder: &Path) -> Result<Journal, JournalError> {
        let io = |source| JournalError::Io { path: path.display().to_string(), source };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        if read_journal(path).is_ok_and(|(_, steps, _)| !steps.is_empty()) {
            set_aside(path).map_err(io)?;
        }
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_owned());
        let mut header = serde_json::to_vec(&Header { crossings_journal: 1, folder }).map_err(|e| io(e.into()))?;
        header.push(b'\n');
        let mut file = std::fs::File::create(path).map_err(io)?;
        file.write_all(&header).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(Journal { path: path.to_owned(), file, header })
    }

    /// Appends one step and syncs it to the disk.
    pub fn append(&mut self, edit: &Edit) -> Result<(), JournalError> {
        let io = |source| JournalError::Io { path: self.path.display().to_string(), source };
        let mut line = serde_json::to_vec(edit).map_err(|e| io(e.into()))?;
        line.push(b'\n');
        // One write per line, so a crash cuts at most the last line.
        self.file.write_all(&line).map_err(io)?;
        self.file.sync_data().map_err(io)
    }

    /// Empties the journal after a save (the header stays).
    pub fn clear(&mut self) -> Result<(), JournalError> {
        let io = |source| JournalError::Io { path: self.path.display().to_string(), source };
        self.file.set_len(0).map_err(io)?;
        use std::io::Seek;
        self.file.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
        self.file.write_all(&self.header).map_err(io)?;
        self.file.sync_all().map_err(io)
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Moves a journal aside to `NAME.old` (edits not restored are kept, not applied).
pub fn set_aside(path: &Path) -> std::io::Result<()> {
    let mut old = path.as_os_str().to_owned();
    old.push(".old");
    std::fs::rename(path, PathBuf::from(old))
}

/// Reads a journal: the folder it is for, the steps in it, and whether a last line was cut
/// off (and left out).
pub fn read_journal(path: &Path) -> Result<(PathBuf, Vec<Edit>, bool), JournalError> {
    let bytes = std::fs::read(path).map_err(|source| JournalError::Io { path: path.display().to_string(), source })?;
    let mut lines = bytes.split_inclusive(|&b| b == b'\n');
    let not = || JournalError::NotAJournal(path.display().to_string());
    let header: Header = lines.next().and_then(|l| serde_json::from_slice(l).ok()).ok_or_else(not)?;
    if header.crossings_journal != 1 {
        return Err(not());
    }
    let mut steps = Vec::new();
    let mut cut = false;
    for line in lines {
        let whole = line.ends_with(b"\n");
        match serde_json::from_slice::<Edit>(line) {
            Ok(edit) if whole => steps.push(edit),
            _ => {
                cut = true;
                break;
            }
        }
    }
    Ok((header.folder, steps, cut))
}

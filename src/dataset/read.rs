//! Reading the four files of a dataset folder (or the bundled copy) into text, with the
//! problems met on the way: missing, unreadable, too large, not UTF-8, a link out of the folder.

use std::path::{Path, PathBuf};

use super::{FILES, Limits, LineIndex, MAX_FILE_BYTES, Problem, Severity};

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

impl Texts {
    /// The bundled `geodata/`, embedded at build time.
    pub fn bundled() -> Texts {
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

    /// Writes the four files into a folder that holds none of them (made if missing), each
    /// atomically, as they are. A folder that already holds a dataset file is refused, and
    /// nothing is written.
    pub fn write_new_folder(&self, dir: &Path) -> Result<(), String> {
        if let Some(f) = FILES.iter().find(|f| dir.join(f).exists()) {
            return Err(format!("{} already holds {f}: choose an empty folder", dir.display()));
        }
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (file, name) in self.files.iter().zip(FILES) {
            if let Some((_, text)) = file {
                let path = dir.join(name);
                super::write::replace_file(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        Ok(())
    }

    /// Reads the four files of a folder, refusing files larger than `limits` allows. A missing
    /// or unreadable file is a problem, not an error; only a folder that cannot be read is.
    pub fn read_dir(dir: &Path, limits: &Limits) -> Result<Texts, LoadError> {
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
                    texts.problems.push(at_start(format!(
                        "{name} is not a regular file (a pipe, socket or device); it is not read"
                    )));
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
}

fn what_file(name: &str) -> &'static str {
    match name {
        "sources.json" => "sources",
        "places.geojson" => "places",
        "people.json" => "people",
        _ => "events",
    }
}

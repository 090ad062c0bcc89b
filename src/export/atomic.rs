//! Atomic file writes: a temporary file in the same folder, synced, then renamed over the
//! target. Renaming is atomic, so a crash or a kill mid-write leaves the old file intact and
//! never a truncated one.

use std::io::Write;
use std::path::Path;

/// Why a write failed, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The folder is missing.
    #[error("the folder {0} does not exist")]
    NoFolder(String),
    /// Anything the OS refused.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The target.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Writes `bytes` to `path` atomically.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("out.geojson");
/// crossings::export::write_atomic(&path, b"{}").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"{}");
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

pub(crate) use crate::dataset::write::share_like;

/// Writes to `path` atomically through `fill`, which streams into a buffered writer.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(WriteError::NoFolder(dir.display().to_string()));
    }
    crate::dataset::write::replace_file_with(path, fill)
        .map_err(|source| WriteError::Io { path: path.display().to_string(), source })
}

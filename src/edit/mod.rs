//! Editing a dataset folder with nothing lost: record-level changes with undo and redo, a
//! journal synced after every change (so a crash or `kill -9` loses nothing), and saving that
//! never overwrites someone else's change unseen. No UI here: the window's edit mode builds
//! [`Edit`]s and hands them to a [`Session`].
//!
//! - A [`Change`] replaces one record of one file by id: its text before (`None` when it is
//!   new) and after (`None` when it is deleted), each as compact JSON. An [`Edit`] is what the
//!   user did in one step (a move, a delete with its references). Undo applies the inverse;
//!   no copy of the dataset is kept for any step.
//! - The journal (`journal.rs`) holds one line per step applied (done, undone or redone) and
//!   is synced each time; a line cut off by a crash is ignored, the ones before it are kept.
//! - [`Session::save`] re-reads each file it changes: when the file is as it was opened, the
//!   changes are applied; when someone else changed it meanwhile, the changes are still
//!   applied if every record they touch is, on disk, as this session last saw it (a merge of
//!   what does not conflict); otherwise nothing is written and the records in conflict are
//!   named, with both versions. Files are written in the canonical format
//!   ([`crate::dataset::fmt`]), each atomically.

mod journal;
mod record;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::dataset::fmt::compact;
pub use journal::{Journal, JournalError, read_journal, set_aside};
pub use record::{Kind, Record, fresh_id};

use crate::dataset::FILES;

/// One record of one file replaced: by id, from `before` to `after` (compact JSON; `None`
/// for a record that does not exist on that side).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The file: `places.geojson`, `events.json`, `people.json` or `sources.json`.
    pub file: String,
    /// The record's id.
    pub id: String,
    /// The record before, or `None` when the change adds it.
    pub before: Option<String>,
    /// The record after, or `None` when the change deletes it.
    pub after: Option<String>,
}

impl Change {
    /// The change that adds a new record.
    pub fn added(kind: Kind, id: &str, record: &Record) -> Change {
        Change { file: kind.file().to_owned(), id: id.to_owned(), before: None, after: Some(record.to_text()) }
    }

    /// The change that undoes this one.
    pub fn inverse(&self) -> Change {
        Change { file: self.file.clone(), id: self.id.clone(), before: self.after.clone(), after: self.before.clone() }
    }
}

/// What the user did in one step: one or more changes, undone and redone together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// What to call it in the menu: "Move Harbin", "Delete event ...".
    pub label: String,
    /// The changes, applied in order.
    pub changes: Vec<Change>,
}

impl Edit {
    /// The edit that undoes this one (its changes inverted, in reverse order).
    pub fn inverse(&self) -> Edit {
        Edit { label: self.label.clone(), changes: self.changes.iter().rev().map(Change::inverse).collect() }
    }
}

/// Why an edit, a save or an open could not be done.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The OS refused.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not a dataset file Crossings can edit.
    #[error("{0}")]
    Format(String),
    /// An edit's `before` is not what the record is now (a bug in the caller, or a stale form).
    #[error("{file}: record '{id}' is not as the edit expects; nothing was changed")]
    Stale {
        /// The file.
        file: String,
        /// The record.
        id: String,
    },
    /// The journal could not be written: the edit is not applied, so nothing unsynced exists.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The database refused, or could not be reached (the edits are kept).
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
}

/// A record changed on disk by someone else since this session read it, that this session
/// changed too: both versions, for the user to choose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The file.
    pub file: String,
    /// The record.
    pub id: String,
    /// The record as this session would write it (`None`: deleted here).
    pub mine: Option<String>,
    /// The record on disk now (`None`: deleted there).
    pub theirs: Option<String>,
}

/// What a save did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Written: these files, of which these had been changed on disk meanwhile (merged).
    Written {
        /// The files written.
        files: Vec<String>,
        /// The files someone else had changed, whose changes are kept beside these.
        merged: Vec<String>,
    },
    /// Nothing written: these records were changed both here and on disk.
    Conflicts(Vec<Conflict>),
}

/// Per file, per record id: the record's text before the steps and after them (borrowed from
/// the steps: working it out copies nothing).
type NetChanges<'a> = HashMap<&'a str, HashMap<&'a str, (Option<&'a str>, Option<&'a str>)>>;

/// A record's text before and after the steps since the last save.
type BeforeAfter = (Option<String>, Option<String>);

/// One file's records as this session sees them: id to compact JSON text. (A file is written
/// sorted by id, so the order they were read in is not kept.)
#[derive(Clone, Debug, Default)]
struct FileRecords {
    /// The hash of the file's bytes when read (to notice a change by someone else).
    hash: u64,
    texts: HashMap<String, String>,
}

impl FileRecords {
    /// Sets a record's text, or removes it (`None`).
    fn set(&mut self, id: &str, text: Option<&str>) {
        match text {
            Some(t) => _ = self.texts.insert(id.to_owned(), t.to_owned()),
            None => _ = self.texts.remove(id),
        }
    }
}

/// Where a session's records are saved.
enum Store {
    /// The dataset folder's files.
    Folder,
    /// A database: the connection (`None` after it was lost; made again at the next save),
    /// each record's version as last read or written, and the versions of records found
    /// changed there at a save (taken as known when the user keeps their own version).
    Database(Box<DbStore>),
}

/// A record taken in from the database: file, id, text now (`None`: deleted).
pub type Followed = (String, String, Option<String>);

/// A database session's store (see [`Store::Database`]).
struct DbStore {
    target: crate::db::Target,
    link: Option<crate::db::Link>,
    versions: HashMap<(String, String), i64>,
    theirs: HashMap<(String, String), Option<i64>>,
}

/// An editing session on a dataset folder or a database.
pub struct Session {
    dir: PathBuf,
    store: Store,
    files: HashMap<String, FileRecords>,
    /// Steps done (the last is undone first).
    done: Vec<Edit>,
    /// Steps undone (the last is redone first).
    undone: Vec<Edit>,
    /// Every step applied since the last save (done, undone or redone), in order: what a save
    /// writes is their net effect, so undo and redo work across saves.
    pending: Vec<Edit>,
    journal: Option<Journal>,
}

impl Session {
    /// Opens a folder for editing: reads its four files' records. With a journal path, every
    /// step is appended there and synced before it counts.
    pub fn open(dir: &Path, journal: Option<&Path>) -> Result<Session, EditError> {
        let mut files = HashMap::new();
        for name in FILES {
            files.insert(name.to_owned(), read_records(&dir.join(name), name)?);
        }
        let journal = journal.map(|p| Journal::create(p, dir)).transpose()?;
        Ok(Session {
            dir: dir.to_owned(),
            store: Store::Folder,
            files,
            done: Vec::new(),
            undone: Vec::new(),
            pending: Vec::new(),
            journal,
        })
    }

    /// Opens a database for editing: reads every record with its version. A save writes
    /// through, in one transaction, each row only if no one changed it since (its version).
    /// `dir()` is then the database's URL (without password), which names its journal.
    pub fn open_database(target: &crate::db::Target, journal: Option<&Path>) -> Result<Session, EditError> {
        let mut link = crate::db::Link::open(target)?;
        let records = crate::db::read_records(&mut link, &|_, _| {})?;
        Session::from_records(target, Some(link), &records, journal)
    }

    /// A database session from records already read (the window's load).
    pub fn from_records(
        target: &crate::db::Target,
        link: Option<crate::db::Link>,
        records: &crate::db::Records,
        journal: Option<&Path>,
    ) -> Result<Session, EditError> {
        let dir = PathBuf::from(target.shown());
        let mut files = HashMap::new();
        let mut versions = HashMap::with_capacity(records.count());
        for (rows, name) in records.files.iter().zip(FILES) {
            let mut texts = HashMap::with_capacity(rows.len());
            for r in rows {
                texts.insert(r.id.clone(), r.text.clone());
                versions.insert((name.to_owned(), r.id.clone()), r.version);
            }
            files.insert(name.to_owned(), FileRecords { hash: 0, texts });
        }
        let journal = journal.map(|p| Journal::create(p, &dir)).transpose()?;
        Ok(Session {
            dir,
            store: Store::Database(Box::new(DbStore {
                target: target.clone(),
                link,
                versions,
                theirs: HashMap::new(),
            })),
            files,
            done: Vec::new(),
            undone: Vec::new(),
            pending: Vec::new(),
            journal,
        })
    }

    /// True when this session saves to a database.
    pub fn is_database(&self) -> bool {
        matches!(self.store, Store::Database(_))
    }

    /// Takes in records another client changed in the database: each one this session has
    /// no unsaved change to, and has not seen in that version, becomes what it holds
    /// (returned as `(file, id, text now)`, for the window to follow). Records with unsaved
    /// changes here are left as they are and returned second: their save will find the
    /// collision and show both versions.
    pub fn follow_remote(
        &mut self,
        changes: &[crate::db::RemoteChange],
    ) -> (Vec<Followed>, Vec<crate::db::RemoteChange>) {
        let Store::Database(db) = &mut self.store else { return (Vec::new(), Vec::new()) };
        let versions = &mut db.versions;
        let mut pending: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
        for step in &self.pending {
            for c in &step.changes {
                pending.insert((&c.file, &c.id));
            }
        }
        let mut applied = Vec::new();
        let mut held = Vec::new();
        for c in changes {
            let key = (c.file.to_owned(), c.id.clone());
            let known = versions.get(&key).copied();
            let seen = match &c.now {
                Some((_, v, _)) => known == Some(*v),
                None => known.is_none() && !self.files.get(c.file).is_some_and(|f| f.texts.contains_key(&c.id)),
            };
            if seen {
                continue;
            }
            if pending.contains(&(c.file, c.id.as_str())) {
                held.push(c.clone());
                continue;
            }
            let text = c.now.as_ref().map(|(t, _, _)| t.clone());
            match &c.now {
                Some((_, v, _)) => _ = versions.insert(key, *v),
                None => _ = versions.remove(&key),
            }
            if let Some(f) = self.files.get_mut(c.file) {
                f.set(&c.id, text.as_deref());
            }
            applied.push((c.file.to_owned(), c.id.clone(), text));
        }
        (applied, held)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A record's text as it is now in this session (edits applied).
    pub fn record(&self, file: &str, id: &str) -> Option<&str> {
        self.files.get(file)?.texts.get(id).map(String::as_str)
    }

    /// The ids of a file's records, sorted (the order the file is written in).
    pub fn ids(&self, file: &str) -> Vec<&str> {
        let mut ids: Vec<&str> =
            self.files.get(file).map_or_else(Vec::new, |f| f.texts.keys().map(String::as_str).collect());
        ids.sort_unstable();
        ids
    }

    /// A record as a form edits it.
    pub fn form_record(&self, kind: Kind, id: &str) -> Option<Record> {
        Record::parse(kind, self.record(kind.file(), id)?).ok()
    }

    /// True when a record of this kind has the id.
    pub fn has(&self, kind: Kind, id: &str) -> bool {
        self.record(kind.file(), id).is_some()
    }

    /// The records that refer to a record: events at a place or naming a person, people tied
    /// to a place, anything citing a source. Each as its kind, id and the record as it is.
    pub fn references(&self, kind: Kind, id: &str) -> Vec<(Kind, String, Record)> {
        let quoted = serde_json::to_string(id).unwrap_or_default();
        let mut out = Vec::new();
        for other in Kind::ALL {
            let Some(f) = self.files.get(other.file()) else { continue };
            let start = out.len();
            for (rid, text) in &f.texts {
                // Most records never mention the id: only those whose text holds it are read.
                if !text.contains(&quoted) {
                    continue;
                }
                let Ok(r) = Record::parse(other, text) else { continue };
                let refers = match (kind, other) {
                    (Kind::Place, Kind::Event) => r.text("place").as_deref() == Some(id),
                    (Kind::Place, Kind::Person) => person_ties(&r).iter().any(|p| p == id),
                    (Kind::Person, Kind::Event) => r.list("people").iter().any(|p| p == id),
                    (Kind::Source, _) => r.list("sources").iter().any(|s| s == id),
                    _ => false,
                };
                if refers && !(other == kind && rid == id) {
                    out.push((other, rid.clone(), r));
                }
            }
            out[start..].sort_by(|a, b| a.1.cmp(&b.1));
        }
        out
    }

    /// The step that gives a record a new id, and the records that refer to it the new id too.
    /// `None` when the record does not exist.
    pub fn rename_edit(&self, kind: Kind, id: &str, new_id: &str, label: String) -> Option<Edit> {
        let mut r = self.form_record(kind, id)?;
        r.set_text("id", new_id);
        let mut changes = vec![
            Change {
                file: kind.file().to_owned(),
                id: id.to_owned(),
                before: self.record(kind.file(), id).map(str::to_owned),
                after: None,
            },
            Change { file: kind.file().to_owned(), id: new_id.to_owned(), before: None, after: Some(r.to_text()) },
        ];
        for (other, rid, mut r) in self.references(kind, id) {
            retarget(&mut r, kind, other, id, Some(new_id));
            let before = self.record(other.file(), &rid).map(str::to_owned);
            changes.push(Change { file: other.file().to_owned(), id: rid, before, after: Some(r.to_text()) });
        }
        Some(Edit { label, changes })
    }

    /// The step that deletes a record and takes it out of the records that refer to it: an
    /// event at a deleted place keeps its date and text with no place, a person's tie to it
    /// goes, a deleted person or source leaves the lists that named it. Undone as one step.
    ///
    /// `refs` are [`Session::references`] of the record (a confirmation has listed them).
    pub fn delete_edit(&self, kind: Kind, id: &str, refs: Vec<(Kind, String, Record)>, label: String) -> Option<Edit> {
        let before = self.record(kind.file(), id)?.to_owned();
        let mut changes = Vec::new();
        for (other, rid, mut r) in refs {
            let was = r.to_text();
            retarget(&mut r, kind, other, id, None);
            let now = r.to_text();
            let before = self.record(other.file(), &rid).map(str::to_owned);
            if now != was {
                changes.push(Change { file: other.file().to_owned(), id: rid, before, after: Some(now) });
            }
        }
        changes.push(Change { file: kind.file().to_owned(), id: id.to_owned(), before: Some(before), after: None });
        Some(Edit { label, changes })
    }

    /// True when there are changes not saved (steps undone back to the saved state leave none).
    pub fn is_dirty(&self) -> bool {
        self.net().values().any(|changes| !changes.is_empty())
    }

    /// The net effect of the steps since the last save, per file: id to (before, after),
    /// without the records changed and changed back.
    fn net(&self) -> NetChanges<'_> {
        let mut net = NetChanges::new();
        for step in &self.pending {
            for c in &step.changes {
                let e = net.entry(&c.file).or_default().entry(&c.id).or_insert((c.before.as_deref(), None));
                e.1 = c.after.as_deref();
            }
        }
        for changes in net.values_mut() {
            changes.retain(|_, (before, after)| before != after);
        }
        net
    }

    /// How many steps Undo can undo.
    pub fn undo_depth(&self) -> usize {
        self.done.len()
    }

    /// The label of the step Undo would undo.
    pub fn undo_label(&self) -> Option<&str> {
        self.done.last().map(|e| e.label.as_str())
    }

    /// The label of the step Redo would redo.
    pub fn redo_label(&self) -> Option<&str> {
        self.undone.last().map(|e| e.label.as_str())
    }

    /// The four files as this session would save them (canonical text), named by their paths.
    pub fn texts(&self) -> Result<crate::dataset::Texts, EditError> {
        let mut files: [Option<(String, String)>; 4] = Default::default();
        for (slot, name) in files.iter_mut().zip(FILES) {
            let path = self.dir.join(name);
            let text = canonical_text(name, &self.files[name], &path)?;
            let text = String::from_utf8(text).map_err(|e| EditError::Format(e.to_string()))?;
            *slot = Some((path.display().to_string(), text));
        }
        Ok(crate::dataset::Texts { files, problems: Vec::new() })
    }

    /// Checks the records as they are now with the same code as `crossings validate`: every
    /// problem an edit brings (a repeated id, a dangling reference, a date that cannot be
    /// read) is named as `validate` would name it after a save.
    pub fn check(&self) -> Result<crate::dataset::Loaded, EditError> {
        let texts = self.texts()?;
        let label = self.dir.display().to_string();
        crate::dataset::load(crate::dataset::Input::Texts { label: &label, texts: &texts }, &Default::default())
            .map_err(|e| EditError::Format(e.to_string()))
    }

    /// Applies a new step: checked against the records as they are, journaled, then applied.
    /// Redo is no longer possible after it.
    pub fn apply(&mut self, mut edit: Edit) -> Result<(), EditError> {
        // Kept compact, as records are read: a save then knows the records it wrote.
        for c in &mut edit.changes {
            if let Some(after) = &c.after {
                let text = compact(after).map_err(|e| {
                    EditError::Format(format!("{}: record '{}' is not a JSON value: {e}", c.file, c.id))
                })?;
                c.after = Some(text);
            }
        }
        self.check_stale(&edit)?;
        if let Some(j) = &mut self.journal {
            j.append(&edit)?;
        }
        self.put(&edit);
        self.pending.push(edit.clone());
        self.done.push(edit);
        self.undone.clear();
        Ok(())
    }

    /// Undoes the last step; `None` when there is none.
    pub fn undo(&mut self) -> Result<Option<Edit>, EditError> {
        let Some(edit) = self.done.last() else { return Ok(None) };
        let inverse = edit.inverse();
        if let Some(j) = &mut self.journal {
            j.append(&inverse)?;
        }
        self.put(&inverse);
        self.pending.push(inverse.clone());
        let edit = self.done.pop();
        self.undone.extend(edit);
        Ok(Some(inverse))
    }

    /// Redoes the last step undone; `None` when there is none.
    pub fn redo(&mut self) -> Result<Option<Edit>, EditError> {
        let Some(edit) = self.undone.last().cloned() else { return Ok(None) };
        if let Some(j) = &mut self.journal {
            j.append(&edit)?;
        }
        self.put(&edit);
        self.pending.push(edit.clone());
        self.undone.pop();
        self.done.push(edit.clone());
        Ok(Some(edit))
    }

    /// Stops journaling and keeps the journal beside as `NAME.old`: the edits are set aside
    /// (quit without saving), not lost, and the next start offers nothing.
    pub fn set_aside(&mut self) -> Result<(), EditError> {
        let Some(j) = self.journal.take() else { return Ok(()) };
        let path = j.path().to_owned();
        drop(j);
        journal::set_aside(&path).map_err(|source| EditError::Io { path: path.display().to_string(), source })
    }

    /// Where the journal is, if there is one.
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.as_ref().map(Journal::path)
    }

    /// Replays steps read back from a journal (after a crash), as new steps to save.
    pub fn restore(&mut self, steps: Vec<Edit>) -> Result<usize, EditError> {
        let n = steps.len();
        for edit in steps {
            self.apply(edit)?;
        }
        Ok(n)
    }

    fn check_stale(&self, edit: &Edit) -> Result<(), EditError> {
        // Each change is checked against the state the earlier changes of the step leave.
        let mut seen: HashMap<(&str, &str), Option<&str>> = HashMap::new();
        for c in &edit.changes {
            let Some(f) = self.files.get(&c.file) else {
                return Err(EditError::Format(format!("{} is not a dataset file", c.file)));
            };
            let now = seen
                .get(&(c.file.as_str(), c.id.as_str()))
                .copied()
                .unwrap_or_else(|| f.texts.get(&c.id).map(String::as_str));
            if now != c.before.as_deref() {
                return Err(EditError::Stale { file: c.file.clone(), id: c.id.clone() });
            }
            seen.insert((c.file.as_str(), c.id.as_str()), c.after.as_deref());
        }
        Ok(())
    }

    fn put(&mut self, edit: &Edit) {
        for c in &edit.changes {
            if let Some(f) = self.files.get_mut(&c.file) {
                f.set(&c.id, c.after.as_deref());
            }
        }
    }

    /// Writes every file this session changed, in the canonical format, each atomically.
    /// A file changed on disk since it was read is merged when none of the records changed
    /// here were changed there; otherwise nothing at all is written and the conflicts are
    /// returned (the session's changes are kept, to save elsewhere or after a reload).
    pub fn save(&mut self) -> Result<Saved, EditError> {
        self.save_with(false).map(|(saved, _)| saved)
    }

    /// Saves what does not conflict with changes made on disk meanwhile, merged with them,
    /// and keeps the changes that do as unsaved (still shown, still journaled), returned for
    /// the user to settle ([`Session::keep_mine`], or an edit back to theirs).
    pub fn save_merging(&mut self) -> Result<(Saved, Vec<Conflict>), EditError> {
        self.save_with(true)
    }

    /// Settles a conflict for this session's version: the record on disk (`theirs`) is taken
    /// as what the change was made from, so the next save writes this session's version over
    /// it, knowingly.
    pub fn keep_mine(&mut self, file: &str, id: &str, theirs: Option<String>) {
        if let Store::Database(db) = &mut self.store {
            let key = (file.to_owned(), id.to_owned());
            match db.theirs.remove(&key).flatten() {
                Some(v) => _ = db.versions.insert(key, v),
                None => _ = db.versions.remove(&key),
            }
        }
        if let Some(c) =
            self.pending.iter_mut().flat_map(|e| e.changes.iter_mut()).find(|c| c.file == file && c.id == id)
        {
            c.before = theirs;
        }
    }

    fn save_with(&mut self, partial: bool) -> Result<(Saved, Vec<Conflict>), EditError> {
        // What this session changed since the last save, per file: id to (before, after),
        // owned: the session's records change below.
        let mine: HashMap<String, HashMap<String, BeforeAfter>> = self
            .net()
            .into_iter()
            .map(|(file, changes)| {
                let changes = changes
                    .into_iter()
                    .map(|(id, (b, a))| (id.to_owned(), (b.map(str::to_owned), a.map(str::to_owned))))
                    .collect();
                (file.to_owned(), changes)
            })
            .collect();
        if self.is_database() {
            return self.save_database(&mine, partial);
        }
        let mut writes = Vec::new();
        let mut merged = Vec::new();
        let mut conflicts = Vec::new();
        for name in FILES {
            let Some(changes) = mine.get(name).filter(|c| !c.is_empty()) else { continue };
            let path = self.dir.join(name);
            let bytes =
                std::fs::read(&path).map_err(|source| EditError::Io { path: path.display().to_string(), source })?;
            let ours = &self.files[name];
            // As this session read it: what it holds now is what to write (no need to read the
            // records on disk, which at a million events takes seconds).
            if hash_of(&bytes) == ours.hash {
                writes.push((name, path, None));
                continue;
            }
            // Changed on disk by someone else: merged record by record (each record is
            // changed once, so what `out` holds of it until then is what is on disk).
            let mut out = parse_records(&path, name, &bytes)?;
            for (id, (before, after)) in changes {
                let theirs = out.texts.get(id);
                // The same change made on both sides is no conflict.
                if theirs.map(String::as_str) != before.as_deref() && theirs != after.as_ref() {
                    conflicts.push(Conflict {
                        file: name.to_owned(),
                        id: id.clone(),
                        mine: after.clone(),
                        theirs: theirs.cloned(),
                    });
                    continue;
                }
                out.set(id, after.as_deref());
            }
            merged.push(name.to_owned());
            writes.push((name, path, Some(out)));
        }
        conflicts.sort_by(|a, b| (&a.file, &a.id).cmp(&(&b.file, &b.id)));
        if !conflicts.is_empty() && !partial {
            return Ok((Saved::Conflicts(conflicts), Vec::new()));
        }
        let mut files = Vec::new();
        for (name, path, out) in writes {
            let text = canonical_text(name, out.as_ref().unwrap_or(&self.files[name]), &path)?;
            crate::dataset::write::replace_file(&path, &text)
                .map_err(|source| EditError::Io { path: path.display().to_string(), source })?;
            // What is on disk now is what was written: the records written, by that hash.
            let hash = hash_of(&text);
            match out {
                Some(mut out) => {
                    // The records left unsaved stay as this session has them.
                    for c in conflicts.iter().filter(|c| c.file == name) {
                        out.set(&c.id, c.mine.as_deref());
                    }
                    // A file with changes held back is read again at the next save (its
                    // records on disk differ from what those changes were made from).
                    let hash = if conflicts.iter().any(|c| c.file == name) { 0 } else { hash };
                    self.files.insert(name.to_owned(), FileRecords { hash, ..out });
                }
                None => {
                    if let Some(f) = self.files.get_mut(name) {
                        f.hash = hash;
                    }
                }
            }
            files.push(name.to_owned());
        }
        // The other files may have moved on disk too: what this session holds of them is
        // what it read, and it wrote nothing there. Undo and redo stay possible.
        self.after_save(&mine, &conflicts)?;
        Ok((Saved::Written { files, merged }, conflicts))
    }

    /// Saves to the database in one transaction; see [`crate::db::save`].
    fn save_database(
        &mut self,
        mine: &HashMap<String, HashMap<String, BeforeAfter>>,
        partial: bool,
    ) -> Result<(Saved, Vec<Conflict>), EditError> {
        let Store::Database(db) = &mut self.store else {
            return Err(EditError::Format("not a database session".into()));
        };
        let DbStore { target, link, versions, theirs } = &mut **db;
        let mut list = Vec::new();
        for name in FILES {
            let Some(changes) = mine.get(name) else { continue };
            let mut ids: Vec<&String> = changes.keys().collect();
            ids.sort_unstable();
            for id in ids {
                let (before, after) = &changes[id];
                list.push(crate::db::ToSave { file: name, id, before: before.as_deref(), after: after.as_deref() });
            }
        }
        if link.is_none() {
            *link = Some(crate::db::Link::open(target)?);
        }
        let Some(l) = link.as_mut() else { return Err(EditError::Format("no connection".into())) };
        let out = match crate::db::save(l, &list, versions, partial) {
            Ok(out) => out,
            Err(e) => {
                if e.is_gone() {
                    // Made again at the next save.
                    *link = None;
                }
                return Err(e.into());
            }
        };
        let conflicts: Vec<Conflict> = out
            .collisions
            .iter()
            .map(|c| Conflict {
                file: c.file.clone(),
                id: c.id.clone(),
                mine: mine[&c.file][&c.id].1.clone(),
                theirs: c.theirs.as_ref().map(|t| t.0.clone()),
            })
            .collect();
        for c in &out.collisions {
            theirs.insert((c.file.clone(), c.id.clone()), c.theirs.as_ref().map(|t| t.1));
        }
        if !out.committed {
            return Ok((Saved::Conflicts(conflicts), Vec::new()));
        }
        let mut files = Vec::new();
        for (file, id, version) in &out.written {
            let key = (file.clone(), id.clone());
            match version {
                Some(v) => _ = versions.insert(key, *v),
                None => _ = versions.remove(&key),
            }
            if !files.contains(file) {
                files.push(file.clone());
            }
        }
        self.after_save(mine, &conflicts)?;
        Ok((Saved::Written { files, merged: Vec::new() }, conflicts))
    }

    /// After a save: nothing pending but what was held back by a conflict, which stays
    /// unsaved (from the version it was made from) and journaled (from the version saved
    /// there, so a restore after a crash applies to what will be read then).
    fn after_save(
        &mut self,
        mine: &HashMap<String, HashMap<String, BeforeAfter>>,
        conflicts: &[Conflict],
    ) -> Result<(), EditError> {
        self.pending.clear();
        if let Some(j) = &mut self.journal {
            j.clear()?;
        }
        // What was held back stays unsaved, from the version it was made from.
        if !conflicts.is_empty() {
            let kept = Edit {
                label: "Changes kept after a conflict".into(),
                changes: conflicts
                    .iter()
                    .map(|c| Change {
                        file: c.file.clone(),
                        id: c.id.clone(),
                        before: mine[&c.file][&c.id].0.clone(),
                        after: c.mine.clone(),
                    })
                    .collect(),
            };
            // The journal has them from the records now on disk, so that a restore after a
            // crash applies to the folder as it will be opened then.
            if let Some(j) = &mut self.journal {
                let mut from_disk = kept.clone();
                for (c, conflict) in from_disk.changes.iter_mut().zip(conflicts) {
                    c.before = conflict.theirs.clone();
                }
                j.append(&from_disk)?;
            }
            self.pending.push(kept);
        }
        Ok(())
    }
}

/// A file's text from its records, in the canonical format.
fn canonical_text(name: &str, records: &FileRecords, path: &Path) -> Result<Vec<u8>, EditError> {
    // In any order: the canonical format sorts the records by id.
    let items: Vec<&str> = records.texts.values().map(String::as_str).collect();
    let joined = if name == "places.geojson" {
        format!("{{\"type\":\"FeatureCollection\",\"features\":[{}]}}", items.join(","))
    } else {
        format!("[{}]", items.join(","))
    };
    crate::dataset::fmt::canonical(name, &joined, &path.display().to_string())
        .map_err(|e| EditError::Format(e.to_string()))
}

/// The hash a file's bytes are known by (to notice a change by someone else).
fn hash_of(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Reads one file's records: each as compact JSON, by id.
fn read_records(path: &Path, name: &str) -> Result<FileRecords, EditError> {
    let bytes = std::fs::read(path).map_err(|source| EditError::Io { path: path.display().to_string(), source })?;
    parse_records(path, name, &bytes)
}

/// A file's records from its bytes.
fn parse_records(path: &Path, name: &str, bytes: &[u8]) -> Result<FileRecords, EditError> {
    let texts =
        crate::dataset::fmt::records_by_id(&path.display().to_string(), name, bytes).map_err(EditError::Format)?;
    Ok(FileRecords { hash: hash_of(bytes), texts })
}

/// Where the journal of a folder's editing session is kept: in `dir` (the user's data folder),
/// one file per dataset folder, named by the folder's name and a hash of its whole path
/// (FNV-1a, the same on every run and every build).
pub fn journal_path(dir: &Path, folder: &Path) -> PathBuf {
    let folder = folder.canonicalize().unwrap_or_else(|_| folder.to_owned());
    let bytes = folder.as_os_str().as_encoded_bytes();
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3));
    let name = folder.file_name().map(|n| crate::import::slug(&n.to_string_lossy(), 40)).unwrap_or_default();
    dir.join(format!("{name}-{hash:016x}.journal"))
}

/// The places a person is tied to (`places: [{"place": …}]`).
fn person_ties(r: &Record) -> Vec<String> {
    r.objects("places").iter().filter_map(|o| o.get("place").and_then(|p| p.as_str()).map(str::to_owned)).collect()
}

/// Points a record (`other`, one of [`Session::references`]) that refers to the `kind` record
/// `id` at `to` instead, or (`None`) takes the reference out: an event's place becomes null, a
/// person's tie goes, an id leaves a list. What a rename and a delete do to the references.
fn retarget(r: &mut Record, kind: Kind, other: Kind, id: &str, to: Option<&str>) {
    let list = |r: &Record, key: &str| -> Vec<String> {
        r.list(key).into_iter().filter_map(|x| if x == id { to.map(str::to_owned) } else { Some(x) }).collect()
    };
    match (kind, other) {
        (Kind::Place, Kind::Event) => match to {
            Some(to) => r.set_text("place", to),
            None => r.set_null("place"),
        },
        (Kind::Place, Kind::Person) => {
            let ties: Vec<_> = r
                .objects("places")
                .into_iter()
                .filter_map(|mut o| {
                    if o.get("place").and_then(|p| p.as_str()) == Some(id) {
                        o.insert("place".into(), to?.into());
                    }
                    Some(o)
                })
                .collect();
            r.set_value("places", &ties);
        }
        (Kind::Person, Kind::Event) => r.set_list("people", &list(r, "people")),
        (Kind::Source, _) => r.set_list("sources", &list(r, "sources")),
        _ => {}
    }
}

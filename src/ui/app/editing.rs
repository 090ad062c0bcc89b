//! Edit mode in the window: entering it (a copy of the bundled dataset first), applying the
//! forms' steps, undo and redo, saving, the restore offer at start and the question at quit.
//! The records and their history are [`crate::edit::Session`]'s; this is the window's side.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::Ui;

use super::{CrossingsApp, JobResult, PathPrompt, PathPurpose, Picked, Prepared, Status};
use crate::edit::{Change, Edit, Kind, Record, Saved, Session};
use crate::geometry::Mercator;
use crate::model::LonLat;
use crate::ui::action::{Action, QuitChoice, Settle};
use crate::ui::edit::{EditOp, Editor};

/// Up to this many events, the whole dataset is checked again after each edit (about 10 ms
/// for the bundled atlas); above it, only the records the edit changed.
const FULL_CHECK_EVENTS: usize = 20_000;

impl CrossingsApp {
    /// True in edit mode.
    pub fn editing(&self) -> bool {
        self.editor.is_some()
    }

    /// True when there are edits not saved.
    pub fn unsaved(&self) -> bool {
        self.saving || self.editor.as_ref().is_some_and(|e| e.session.is_dirty())
    }

    /// Edit mode on (a folder is opened for editing; the bundled dataset is copied first) or
    /// off (unsaved edits stay in the session and its journal until saved or the app quits).
    pub(super) fn toggle_edit(&mut self) {
        if let Some(e) = &mut self.editor {
            if e.session.is_dirty() {
                self.status = Some(Status {
                    text: "Save (Ctrl+S) or undo your edits before leaving edit mode".into(),
                    error: true,
                });
                return;
            }
            self.editor = None;
            self.mark_drafts();
            self.status = Some(Status { text: "Edit mode off".into(), error: false });
            return;
        }
        match self.folder.clone() {
            Some(dir) => self.start_session(&dir, Vec::new()),
            None => {
                self.status = Some(Status {
                    text: "The bundled atlas is read-only: choose an empty folder for your own copy to edit".into(),
                    error: false,
                });
                let dialog = self.folder_dialog.clone();
                let tx = self.jobs_tx.clone();
                std::thread::spawn(move || {
                    let _ = tx.send(match dialog() {
                        Picked::Path(p) => JobResult::CopyTo(p),
                        Picked::Cancelled => {
                            JobResult::Status("No folder chosen: the bundled atlas is not edited".into(), false)
                        }
                        Picked::Unavailable => {
                            let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
                            JobResult::NeedPath(PathPurpose::CopyTo, home.join("my-atlas").display().to_string())
                        }
                    });
                });
            }
        }
    }

    /// Writes the bundled dataset into `dir` (which must not hold a dataset already), opens
    /// the copy and edits it.
    pub(super) fn copy_bundled(&mut self, dir: &Path) {
        self.path_prompt = None;
        // The bundled files are in the canonical format already (a test holds them to it).
        let result = crate::dataset::Texts::bundled().write_new_folder(dir);
        match result {
            Ok(()) => {
                let selection = self.selected_ids();
                self.folder = Some(dir.to_owned());
                self.start_session(dir, Vec::new());
                self.select_ids(&selection);
                if self.editor.is_some() {
                    self.status = Some(Status {
                        text: format!("Editing your copy in {}; the bundled atlas is unchanged", dir.display()),
                        error: false,
                    });
                }
            }
            Err(e) => self.status = Some(Status { text: format!("Could not copy the atlas: {e}"), error: true }),
        }
    }

    /// Opens an editing session on a folder (journaled), replays `restore` into it, and
    /// shows the records as the session has them.
    pub(super) fn start_session(&mut self, dir: &Path, restore: Vec<Edit>) {
        let journal = self.journal_dir.as_ref().map(|j| crate::edit::journal_path(j, dir));
        let target = self.database.as_ref().map(|d| d.target.clone());
        let open = move |dir: PathBuf| {
            match &target {
                Some(t) => Session::open_database(t, journal.as_deref()),
                None => Session::open(&dir, journal.as_deref()),
            }
            .and_then(|mut s| {
                let touched =
                    restore.iter().flat_map(|e| e.changes.iter().map(|c| (c.file.clone(), c.id.clone()))).collect();
                s.restore(restore)?;
                Ok((Box::new(s), touched))
            })
            .map_err(|e| format!("Cannot edit {}: {e}", dir.display()))
        };
        // Reading a large folder's records takes seconds: off the UI thread.
        if self.atlas.dataset.events.len() > FULL_CHECK_EVENTS {
            if self.busy.is_some() {
                return;
            }
            self.busy = Some("Opening for editing…".to_owned());
            let tx = self.jobs_tx.clone();
            let dir = dir.to_owned();
            let dataset = self.atlas.dataset.clone();
            std::thread::spawn(move || {
                // The ids the edits will be followed with, built here too.
                let index = crate::dataset::patch::PatchIndex::new(&dataset);
                drop(dataset);
                let _ = tx.send(JobResult::EditSession(open(dir), Some(Box::new(index))));
            });
        } else {
            let opened = open(dir.to_owned());
            self.session_opened(opened, None);
        }
    }

    /// Edit mode begins with a session opened (or says why not).
    pub(super) fn session_opened(
        &mut self,
        opened: super::OpenedSession,
        index: Option<Box<crate::dataset::patch::PatchIndex>>,
    ) {
        self.busy = None;
        if let Some(index) = index {
            self.patch_index = Some(*index);
        }
        match opened {
            Ok((session, touched)) => {
                let restored = session.undo_depth();
                let mut editor = Editor::new(*session);
                editor.set_problems(&self.atlas.problems);
                self.editor = Some(editor);
                self.mark_drafts();
                // Restored edits are followed like any edit; with none, the dataset shown is
                // the folder as the session read it.
                if !touched.is_empty() {
                    self.follow_edit(&touched);
                }
                self.status = Some(Status {
                    text: if restored > 0 {
                        format!(
                            "Restored {}; save {} with Ctrl+S",
                            crate::counted(restored, "unsaved edit"),
                            if restored == 1 { "it" } else { "them" }
                        )
                    } else {
                        "Edit mode: click a place to edit it, or Add place; Ctrl+Z undoes, Ctrl+S saves".into()
                    },
                    error: false,
                });
            }
            Err(e) => self.status = Some(Status { text: e, error: true }),
        }
    }

    /// Opens the folder shown for editing at once, on this thread (benchmarks and tests).
    pub fn edit_now(&mut self) -> Result<(), String> {
        let dir = self.folder.clone().ok_or("the bundled atlas is read-only: copy it to a folder first")?;
        let journal = self.journal_dir.as_ref().map(|j| crate::edit::journal_path(j, &dir));
        let session = match &self.database {
            Some(d) => Session::open_database(&d.target, journal.as_deref()),
            None => Session::open(&dir, journal.as_deref()),
        }
        .map_err(|e| e.to_string())?;
        let index = crate::dataset::patch::PatchIndex::new(&self.atlas.dataset);
        self.session_opened(Ok((Box::new(session), Vec::new())), Some(Box::new(index)));
        Ok(())
    }

    pub(super) fn selected_ids(&self) -> (Vec<String>, Option<String>) {
        let d = &self.atlas.dataset;
        (self.selection.iter().map(|p| d.place(*p).id.clone()).collect(), self.person.map(|p| d.person(p).id.clone()))
    }

    pub(super) fn select_ids(&mut self, (places, person): &(Vec<String>, Option<String>)) {
        let d = &self.atlas.dataset;
        self.selection = places.iter().filter_map(|id| d.place_by_id(id)).collect();
        self.person = person.as_deref().and_then(|id| d.person_by_id(id));
    }

    /// Shows the dataset as the session now has it: checked by the loader (the problems go to
    /// the forms and the drafts list), and everything the window derives from it rebuilt, the
    /// selection kept by id.
    pub(super) fn refresh_edited(&mut self) {
        let Some(editor) = &mut self.editor else { return };
        match editor.session.check() {
            Ok(loaded) => {
                editor.set_problems(&loaded.problems);
                let keep = self.selected_ids();
                let prepared = Prepared::new(loaded);
                self.patch_index = None;
                self.install(prepared);
                self.select_ids(&keep);
                self.mark_drafts();
            }
            Err(e) => {
                self.status = Some(Status { text: format!("The edited records cannot be read: {e}"), error: true })
            }
        }
    }

    /// Shows an edit at once: the records it changed are put into the dataset shown
    /// ([`crate::dataset::patch`]) and the map's data, the list, the histogram and the filter
    /// follow; what cannot be followed so (a deletion) loads the records again. Small
    /// datasets are then checked whole (the problems across records); large ones have their
    /// changed records checked, and the rest at the next load.
    pub(super) fn follow_edit(&mut self, touched: &[(String, String)]) {
        let Some(editor) = &self.editor else { return };
        let mut keys: Vec<&(String, String)> = touched.iter().collect();
        keys.sort();
        keys.dedup();
        let texts: Vec<(String, String, Option<String>)> = keys
            .iter()
            .map(|(f, id)| (f.clone(), id.clone(), editor.session.record(f, id).map(str::to_owned)))
            .collect();
        let folder = editor.session.dir().display().to_string();
        let Some(patched) = self.patch_in(&texts, &folder) else {
            self.patch_index = None;
            self.refresh_edited();
            return;
        };
        let Some(editor) = &mut self.editor else { return };
        let dataset = &self.atlas.dataset;
        if dataset.events.len() <= FULL_CHECK_EVENTS {
            if let Ok(loaded) = editor.session.check() {
                editor.set_problems(&loaded.problems);
                self.atlas.problems = loaded.problems;
            }
        } else {
            let ids: Vec<&str> = patched.problems.iter().map(|(id, _)| id.as_str()).collect();
            self.atlas.problems.retain(|p| p.record.as_deref().is_none_or(|r| !ids.contains(&r)));
            self.atlas.problems.extend(patched.problems.iter().flat_map(|(_, ps)| ps.iter().cloned()));
            editor.set_problems(&self.atlas.problems);
        }
        self.mark_drafts();
    }

    /// Puts records (file, id, text now) into the dataset shown, and has the map's data, the
    /// list, the histogram and the filter follow. `None` (nothing changed) when they need a
    /// full load: a deletion, a source. `folder` names the files in problems.
    pub(super) fn patch_in(
        &mut self,
        texts: &[(String, String, Option<String>)],
        folder: &str,
    ) -> Option<crate::dataset::patch::Patched> {
        let records: Vec<crate::dataset::patch::Changed<'_>> = texts
            .iter()
            .map(|(file, id, text)| crate::dataset::patch::Changed { file, id, text: text.as_deref() })
            .collect();
        let dataset = Arc::make_mut(&mut self.atlas.dataset);
        let index = self.patch_index.get_or_insert_with(|| crate::dataset::patch::PatchIndex::new(dataset));
        let patched = crate::dataset::patch::patch(dataset, index, folder, &records, Default::default())?;
        let dataset = &self.atlas.dataset;
        let moves: Vec<_> = patched
            .places
            .iter()
            .map(|p| (*p, self.atlas.statics.pos.get(p.ix()).copied(), Mercator::from(dataset.place(*p).lon_lat)))
            .filter(|(_, old, new)| *old != Some(*new))
            .collect();
        Arc::make_mut(&mut self.atlas.statics).update(dataset, &patched.places);
        for (_, before, after) in &patched.events {
            if let Some(Some(span)) = before {
                self.atlas.histogram.count(*span, -1);
            }
            if let Some(span) = after {
                self.atlas.histogram.count(*span, 1);
            }
        }
        for p in &patched.places {
            let at = Mercator::from(dataset.place(*p).lon_lat);
            self.atlas.extent = Some(
                self.atlas
                    .extent
                    .map_or(crate::geometry::Bbox::point(at), |b| b.union(crate::geometry::Bbox::point(at))),
            );
        }
        let events: Vec<_> = patched.events.iter().map(|(e, _, _)| *e).collect();
        self.view.follow_edit(dataset, &patched.places, &events, &moves);
        Some(patched)
    }

    /// Marks in the place list the places that are drafts: whose record, or one of whose
    /// events, has an error (none outside edit mode).
    pub(super) fn mark_drafts(&mut self) {
        let d = &self.atlas.dataset;
        let mut places = Vec::new();
        if let Some(editor) = &self.editor {
            // An event is found by its id through the patch's index, not by a scan of them all.
            let index = self.patch_index.get_or_insert_with(|| crate::dataset::patch::PatchIndex::new(d));
            for (kind, id, _) in editor.drafts() {
                match kind {
                    Kind::Place => places.extend(d.place_by_id(id)),
                    Kind::Event => places.extend(index.event(id).and_then(|e| d.event(e).place)),
                    Kind::Person | Kind::Source => {}
                }
            }
        }
        self.view.list_parts().2.set_drafts(places);
    }

    /// Applies one thing done in edit mode.
    pub(super) fn apply_edit(&mut self, op: EditOp) {
        let Some(editor) = &mut self.editor else { return };
        // The records the step changed, to follow in the view.
        let mut touched: Option<Vec<(String, String)>> = None;
        let keys =
            |e: &Edit| -> Vec<(String, String)> { e.changes.iter().map(|c| (c.file.clone(), c.id.clone())).collect() };
        let mut select = None;
        let result: Result<(), String> = match op {
            EditOp::Apply(edit) => {
                touched = Some(keys(&edit));
                editor.session.apply(edit).map_err(|e| e.to_string())
            }
            EditOp::Open(kind, id) => {
                editor.open(kind, &id);
                Ok(())
            }
            EditOp::Back => {
                editor.go_back();
                Ok(())
            }
            EditOp::AskDelete(kind, id) => {
                editor.ask_delete(kind, &id);
                Ok(())
            }
            EditOp::CancelDelete => {
                editor.cancel_delete();
                Ok(())
            }
            EditOp::Delete(..) => match editor.take_delete() {
                Some(edit) => {
                    touched = Some(keys(&edit));
                    let r = editor.session.apply(edit).map_err(|e| e.to_string());
                    editor.go_back();
                    r
                }
                None => Ok(()),
            },
            EditOp::Undo => editor.session.undo().map(|e| touched = e.as_ref().map(keys)).map_err(|e| e.to_string()),
            EditOp::Redo => editor.session.redo().map(|e| touched = e.as_ref().map(keys)).map_err(|e| e.to_string()),
            EditOp::Save => {
                self.save_edits();
                return;
            }
            EditOp::AddPlaceTool(on) => {
                editor.adding_place = on;
                Ok(())
            }
            EditOp::AddPlaceAt(at) => {
                editor.adding_place = false;
                let session = &editor.session;
                let id = crate::edit::fresh_id(Kind::Place, "new place", |id| session.has(Kind::Place, id));
                let place = Record::new_place(&id, "New place", at);
                let edit = Edit {
                    label: format!("Add a place at {:.3}, {:.3}", at.lat, at.lon),
                    changes: vec![Change::added(Kind::Place, &id, &place)],
                };
                touched = Some(keys(&edit));
                let r = editor.session.apply(edit).map_err(|e| e.to_string());
                editor.open(Kind::Place, &id);
                select = Some(id);
                r
            }
            EditOp::MovePlace(id, at) => match editor.session.form_record(Kind::Place, &id) {
                Some(mut r) => {
                    let before = r.to_text();
                    r.set_point(at);
                    let name = r.text("name").unwrap_or_else(|| id.clone());
                    let edit = Edit {
                        label: format!("Move {name}"),
                        changes: vec![Change {
                            file: Kind::Place.file().into(),
                            id: id.clone(),
                            before: editor.session.record(Kind::Place.file(), &id).map(str::to_owned).or(Some(before)),
                            after: Some(r.to_text()),
                        }],
                    };
                    touched = Some(keys(&edit));
                    editor.session.apply(edit).map_err(|e| e.to_string())
                }
                None => Ok(()),
            },
            EditOp::ShowPlace(id) => {
                select = Some(id);
                Ok(())
            }
            EditOp::Leave => {
                self.toggle_edit();
                return;
            }
        };
        match result {
            Err(e) => self.status = Some(Status { text: format!("Not done: {e}"), error: true }),
            Ok(()) => {
                if let Some(t) = touched {
                    self.follow_edit(&t);
                }
            }
        }
        if let Some(id) = select
            && let Some(p) = self.atlas.dataset.place_by_id(&id)
        {
            self.apply(Action::SelectPlace(p, true));
        }
    }

    /// Saves the edits: written, merged with changes made on disk meanwhile, or held back with
    /// the records that collide shown.
    pub(super) fn save_edits(&mut self) {
        // A large folder is written off the UI thread (a million events take seconds); the
        // editor comes back with the answer, and nothing can be edited meanwhile.
        if self.atlas.dataset.events.len() > FULL_CHECK_EVENTS
            && self.busy.is_none()
            && let Some(mut editor) = self.editor.take()
        {
            self.busy = Some("Saving…".to_owned());
            self.saving = true;
            let tx = self.jobs_tx.clone();
            std::thread::spawn(move || {
                let saved = editor.session.save().map_err(|e| e.to_string());
                let _ = tx.send(JobResult::Saved(Box::new(editor), saved));
            });
            return;
        }
        let Some(editor) = &mut self.editor else { return };
        let saved = editor.session.save().map_err(|e| e.to_string());
        self.saved(saved);
    }

    /// Says what a save did (or why not), and shows the records in conflict.
    pub(super) fn saved(&mut self, saved: Result<Saved, String>) {
        self.busy = None;
        self.saving = false;
        let Some(editor) = &self.editor else { return };
        let dir = editor.session.dir().display().to_string();
        self.status = Some(match saved {
            Ok(Saved::Written { files, .. }) if files.is_empty() => {
                Status { text: format!("Nothing to save in {dir}"), error: false }
            }
            Ok(Saved::Written { files, merged }) => Status {
                text: format!(
                    "Saved {} to {dir}{}",
                    files.join(", "),
                    if merged.is_empty() {
                        String::new()
                    } else {
                        format!(" (kept the changes made on disk meanwhile in {})", merged.join(", "))
                    }
                ),
                error: false,
            },
            Ok(Saved::Conflicts(c)) => {
                let n = c.len();
                self.conflicts = Some(c);
                Status {
                    text: format!(
                        "Not saved: {n} record{} changed on disk since you opened it",
                        if n == 1 { " was" } else { "s were" }
                    ),
                    error: true,
                }
            }
            Err(e) => Status { text: format!("Not saved: {e}. Your edits are kept."), error: true },
        });
        if self.quit_confirmed && !self.unsaved() {
            self.quit_after_save = true;
        }
    }

    /// Writes the edited dataset, whole, into another folder (after a conflict: nothing is
    /// overwritten).
    pub(super) fn save_copy(&mut self, dir: &Path) {
        self.path_prompt = None;
        let Some(editor) = &self.editor else { return };
        let result = editor.session.texts().map_err(|e| e.to_string()).and_then(|texts| texts.write_new_folder(dir));
        self.status = Some(match result {
            Ok(()) => {
                self.conflicts = None;
                Status { text: format!("Your edited atlas is saved in {}", dir.display()), error: false }
            }
            Err(e) => Status { text: format!("Not saved: {e}"), error: true },
        });
    }

    /// Restores the unsaved edits offered at start, or sets them aside.
    pub(super) fn answer_restore(&mut self, restore: bool) {
        let Some((journal, dir, steps)) = self.restore_offer.take() else { return };
        if restore {
            self.start_session(&dir, steps);
        } else {
            let _ = crate::edit::set_aside(&journal);
            self.status = Some(Status {
                text: format!("The unsaved edits are set aside in {}.old", journal.display()),
                error: false,
            });
        }
    }

    /// Answers the question asked when the window is closed with unsaved edits.
    pub(super) fn answer_quit(&mut self, choice: QuitChoice, ctx: &egui::Context) {
        self.quit_asked = false;
        match choice {
            QuitChoice::Cancel => return,
            QuitChoice::Save => {
                self.save_edits();
                if self.saving {
                    // Written off the UI thread: the window closes when it is done.
                    self.quit_confirmed = true;
                    return;
                }
                if self.unsaved() {
                    return;
                }
            }
            QuitChoice::Discard => {
                if let Some(e) = &mut self.editor {
                    let _ = e.session.set_aside();
                }
            }
        }
        self.quit_confirmed = true;
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// Holds the window's close back while edits are unsaved, to ask first.
    pub(super) fn hold_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.unsaved() && !self.quit_confirmed {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.quit_asked = true;
        }
    }

    /// The windows edit mode may open: the restore offer, the quit question, the conflicts.
    pub(super) fn edit_windows(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let mut out = Vec::new();
        if let Some((_, dir, steps)) = &self.restore_offer {
            egui::Window::new("Unsaved edits found")
                .order(egui::Order::Foreground)
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    ui.label(format!(
                        "Crossings found {} to {} that {} not saved (the app was closed or stopped before a save).",
                        crate::counted(steps.len(), "edit"),
                        dir.display(),
                        if steps.len() == 1 { "was" } else { "were" }
                    ));
                    for s in steps.iter().rev().take(5) {
                        ui.weak(format!("• {}", s.label));
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Restore the edits").clicked() {
                            out.push(Action::Restore(true));
                        }
                        if ui
                            .button("Set them aside")
                            .on_hover_text("Kept beside the journal as .old, not applied")
                            .clicked()
                        {
                            out.push(Action::Restore(false));
                        }
                    });
                });
        }
        if self.quit_asked {
            egui::Window::new("Quit with unsaved edits?")
                .order(egui::Order::Foreground)
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    ui.label("Your edits are not saved to the folder yet.");
                    ui.horizontal(|ui| {
                        if ui.button("Save and quit").clicked() {
                            out.push(Action::Quit(QuitChoice::Save));
                        }
                        if ui.button("Quit without saving").clicked() {
                            out.push(Action::Quit(QuitChoice::Discard));
                        }
                        if ui.button("Cancel").clicked() {
                            out.push(Action::Quit(QuitChoice::Cancel));
                        }
                    });
                });
        }
        if let Some(conflicts) = &self.conflicts {
            egui::Window::new("Changed on disk")
                .order(egui::Order::Foreground)
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .collapsible(false).default_width(560.0).show(ctx, |ui| {
                ui.label(
                    "Someone else changed these records in the folder since you opened it. Nothing was written; your edits are kept.",
                );
                egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                    for (i, c) in conflicts.iter().enumerate() {
                        ui.label(egui::RichText::new(format!("{} · {}", c.file, c.id)).strong());
                        ui.label(format!("Yours: {}", c.mine.as_deref().unwrap_or("(deleted)")));
                        ui.label(format!("On disk: {}", c.theirs.as_deref().unwrap_or("(deleted)")));
                        ui.horizontal(|ui| {
                            if ui.button(format!("Keep mine ({})", c.id)).on_hover_text("Written over theirs at the next save").clicked() {
                                out.push(Action::Settle(Settle::KeepMine(i)));
                            }
                            if ui.button(format!("Take theirs ({})", c.id)).on_hover_text("Your change to it is undone (Ctrl+Z brings it back)").clicked() {
                                out.push(Action::Settle(Settle::TakeTheirs(i)));
                            }
                        });
                        ui.separator();
                    }
                });
                if ui
                    .button("Save the rest")
                    .on_hover_text("Everything else is saved now, with their changes; these records stay unsaved")
                    .clicked()
                {
                    out.push(Action::Settle(Settle::SaveRest));
                }
                ui.horizontal(|ui| {
                    if ui.button("Save my version elsewhere…").clicked() {
                        out.push(Action::SaveCopyTo(PathBuf::new()));
                    }
                    if ui.button("Reload from disk").on_hover_text("Drops your unsaved edits").clicked() {
                        out.push(Action::CloseConflicts(true));
                    }
                    if ui.button("Keep editing").clicked() {
                        out.push(Action::CloseConflicts(false));
                    }
                });
            });
        }
        out
    }

    /// Settles the records changed both here and on disk, one by one or by saving the rest.
    pub(super) fn settle(&mut self, how: Settle) {
        let (Some(editor), Some(conflicts)) = (&mut self.editor, &mut self.conflicts) else { return };
        let mut touched = None;
        match how {
            Settle::KeepMine(i) if i < conflicts.len() => {
                let c = conflicts.remove(i);
                editor.session.keep_mine(&c.file, &c.id, c.theirs.clone());
                self.status = Some(Status {
                    text: format!("{} · {}: yours is written at the next save", c.file, c.id),
                    error: false,
                });
            }
            Settle::TakeTheirs(i) if i < conflicts.len() => {
                let c = conflicts.remove(i);
                let before = editor.session.record(&c.file, &c.id).map(str::to_owned);
                let edit = Edit {
                    label: format!("Take theirs for {}", c.id),
                    changes: vec![Change { file: c.file.clone(), id: c.id.clone(), before, after: c.theirs.clone() }],
                };
                match editor.session.apply(edit) {
                    Ok(()) => touched = Some(vec![(c.file, c.id)]),
                    Err(e) => self.status = Some(Status { text: format!("Not done: {e}"), error: true }),
                }
            }
            Settle::SaveRest => match editor.session.save_merging() {
                Ok((Saved::Written { files, .. }, left)) => {
                    self.status = Some(Status {
                        text: format!(
                            "Saved {}; {} still {} from the folder",
                            if files.is_empty() { "nothing else".to_owned() } else { files.join(", ") },
                            crate::counted(left.len(), "record"),
                            if left.len() == 1 { "differs" } else { "differ" }
                        ),
                        error: false,
                    });
                    *conflicts = left;
                }
                Ok((Saved::Conflicts(left), _)) => *conflicts = left,
                Err(e) => {
                    self.status = Some(Status { text: format!("Not saved: {e}. Your edits are kept."), error: true })
                }
            },
            Settle::KeepMine(_) | Settle::TakeTheirs(_) => {}
        }
        if conflicts.is_empty() {
            self.conflicts = None;
        }
        if let Some(t) = touched {
            self.follow_edit(&t);
        }
    }

    /// Asks where to save a copy of the edits, then saves it.
    pub(super) fn ask_save_copy(&mut self, dir: PathBuf) {
        if !dir.as_os_str().is_empty() {
            self.save_copy(&dir);
            return;
        }
        let dialog = self.folder_dialog.clone();
        let tx = self.jobs_tx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(match dialog() {
                Picked::Path(p) => JobResult::SaveCopy(p),
                Picked::Cancelled => return,
                Picked::Unavailable => {
                    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
                    JobResult::NeedPath(PathPurpose::SaveCopy, home.join("my-atlas-copy").display().to_string())
                }
            });
        });
    }

    /// Closes the conflict window; with `reload`, drops the unsaved edits and reads the folder.
    pub(super) fn close_conflicts(&mut self, reload: bool) {
        self.conflicts = None;
        if reload && let Some(e) = &mut self.editor {
            let dir = e.session.dir().to_owned();
            let _ = e.session.set_aside();
            self.editor = None;
            self.start_session(&dir, Vec::new());
        }
    }

    /// The edit panel in the right panel.
    pub(super) fn edit_panel(&mut self, ui: &mut Ui) -> Vec<Action> {
        let selected = self.selection.last().map(|p| self.atlas.dataset.place(*p).id.clone());
        let Some(editor) = &mut self.editor else { return Vec::new() };
        editor.ui(ui, selected.as_deref(), &self.atlas.dataset).into_iter().map(Action::Edit).collect()
    }

    /// The prompt for a path, for edit mode's purposes.
    pub(super) fn edit_path_prompt(purpose: &PathPurpose) -> Option<(&'static str, &'static str, &'static str)> {
        match purpose {
            PathPurpose::CopyTo => Some(("Copy the atlas to edit it", "An empty folder for your copy:", "Copy")),
            PathPurpose::SaveCopy => Some(("Save your edits elsewhere", "An empty folder to save into:", "Save")),
            _ => None,
        }
    }

    /// A new point for a place dragged on the map: where its marker was let go.
    pub(super) fn drop_point(&self, at: egui::Pos2) -> LonLat {
        self.lon_lat_at(at)
    }
}

impl PathPrompt {
    /// The action for a typed path of edit mode's purposes.
    pub(super) fn edit_action(&self, path: PathBuf) -> Option<Action> {
        match self.purpose {
            PathPurpose::CopyTo => Some(Action::CopyBundledTo(path)),
            PathPurpose::SaveCopy => Some(Action::SaveCopyTo(path)),
            _ => None,
        }
    }
}

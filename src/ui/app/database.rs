//! The window's side of an atlas shared through PostgreSQL ([`crate::db`]): the database the
//! dataset was read from, and other clients' changes followed as they are committed (the
//! records put into the dataset shown, or into the editing session when it has no change of
//! its own to them), with the connection's loss and return said in the status line.

use std::path::PathBuf;
use std::sync::Arc;

use egui::Key;

use super::{CrossingsApp, JobResult, Prepared, Status};
use crate::db::{Followed, Follower, Target};
use crate::ui::Action;

/// A database shown: where it is, and its follower.
pub(super) struct Shared {
    /// Where (with the password, if the URL had one: never saved, never shown).
    pub target: Target,
    follower: Follower,
    /// Being read again: what changes meanwhile, the new follower reports again.
    reading_again: bool,
}

/// File > Open database…: the address typed, a password (kept in memory only, for this
/// connection), and why the last try failed.
#[derive(Default)]
pub(super) struct Prompt {
    url: String,
    password: String,
    error: Option<String>,
    /// A connection is being tried.
    opening: bool,
}

/// What the address field holds when nothing was opened before.
const EXAMPLE_URL: &str = "postgres://USER@HOST:5432/DATABASE";

impl CrossingsApp {
    /// Opens the address field, filled in with the database opened last (its URL has no
    /// password), or the one shown.
    pub(super) fn ask_database(&mut self) {
        self.path_prompt = None;
        let url = self
            .database
            .as_ref()
            .map(|d| d.target.shown().to_owned())
            .or_else(|| self.state.recent_database.clone())
            .unwrap_or_else(|| EXAMPLE_URL.to_owned());
        self.database_prompt = Some(Prompt { url, ..Prompt::default() });
    }

    /// Opens the database the address field names, off the UI thread. The field stays open
    /// until it is read, with the reason when it could not be.
    pub(super) fn connect_database(&mut self) {
        if self.busy.is_some() {
            return;
        }
        let unsaved = self.unsaved();
        let Some(prompt) = self.database_prompt.as_mut() else { return };
        if unsaved {
            prompt.error = Some("Save (Ctrl+S) or undo your edits before opening another dataset".to_owned());
            return;
        }
        let target = match Target::parse(prompt.url.trim()) {
            Ok(t) => t.with_password(&prompt.password),
            Err(e) => {
                prompt.error = Some(e.to_string());
                return;
            }
        };
        prompt.error = None;
        prompt.opening = true;
        self.busy = Some(format!("Opening {}…", target.shown()));
        self.read_in_background(target, JobResult::Opened);
    }

    /// Reads a database off the UI thread, with progress on the menu bar's bar; `done` makes
    /// the message the window gets.
    fn read_in_background(
        &mut self,
        target: Target,
        done: impl FnOnce(Result<Box<Prepared>, String>) -> JobResult + Send + 'static,
    ) {
        let progress = Arc::new(crate::dataset::Progress::default());
        self.progress = Some(progress.clone());
        let tx = self.jobs_tx.clone();
        std::thread::spawn(move || {
            let options = crate::dataset::LoadOptions { progress: Some(&progress), ..Default::default() };
            let result = crate::db::load_shared(&target, &options)
                .map(|(loaded, since)| Box::new(Prepared { database: Some((target, since)), ..Prepared::new(loaded) }))
                .map_err(|e| e.to_string());
            let _ = tx.send(done(result));
        });
    }

    /// An open that failed: said in the address field when it was one from there.
    pub(super) fn database_failed(&mut self, why: &str) -> bool {
        match self.database_prompt.as_mut() {
            Some(prompt) if prompt.opening => {
                prompt.opening = false;
                prompt.error = Some(why.to_owned());
                true
            }
            _ => false,
        }
    }

    /// The address field (File > Open database…).
    pub(super) fn database_prompt_ui(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let mut out = Vec::new();
        let below_menu = egui::Rect::from_min_max(egui::pos2(0.0, self.menu_bottom), ctx.content_rect().max);
        let Some(prompt) = self.database_prompt.as_mut() else { return out };
        egui::Window::new("Open a shared database")
            .min_width(460.0)
            .order(egui::Order::Foreground)
            .constrain_to(below_menu)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label("An atlas your team keeps in PostgreSQL with PostGIS (made with `crossings db init` and `db push`).");
                let label = ui.label("Address:");
                let field = ui
                    .add(egui::TextEdit::singleline(&mut prompt.url).desired_width(420.0).hint_text(EXAMPLE_URL))
                    .labelled_by(label.id);
                let label = ui.label("Password (if the server asks for one and it is not in ~/.pgpass or PGPASSWORD):");
                let secret =
                    ui.add(egui::TextEdit::singleline(&mut prompt.password).password(true).desired_width(420.0));
                let secret = secret.labelled_by(label.id);
                ui.small("The password is used for this connection only: never saved, never shown.");
                let enter = (field.lost_focus() || secret.lost_focus()) && ui.input(|i| i.key_pressed(Key::Enter));
                if let Some(e) = &prompt.error {
                    ui.colored_label(super::super::style::ERROR_TEXT, e);
                }
                ui.horizontal(|ui| {
                    let ready = !prompt.opening && !prompt.url.trim().is_empty();
                    if ui.add_enabled(ready, egui::Button::new("Open")).clicked() || enter && ready {
                        out.push(Action::ConnectDatabase);
                    }
                    if prompt.opening {
                        ui.spinner();
                        ui.label("Connecting and reading…");
                    }
                    if ui.button("Cancel").clicked() {
                        out.push(Action::CloseDatabasePrompt);
                    }
                });
            });
        out
    }

    /// Says the dataset shown was read from this database (from the snapshot `since`) and
    /// starts following it; the folder the app knows it by is its URL without the password.
    pub fn set_database(&mut self, ctx: &egui::Context, target: Target, since: crate::db::Since) {
        let wake = ctx.clone();
        let follower = crate::db::follow(target.clone(), since, Box::new(move || wake.request_repaint()));
        self.set_folder(Some(PathBuf::from(target.shown())));
        self.state.recent_database = Some(target.shown().to_owned());
        self.database = Some(Shared { target, follower, reading_again: false });
    }

    /// Takes in what the follower reported since the last frame.
    pub(super) fn follow_database(&mut self) {
        let Some(db) = &self.database else { return };
        let shown = db.target.shown().to_owned();
        for report in db.follower.drain() {
            match report {
                Followed::Lost(why) => {
                    self.status = Some(Status {
                        text: format!(
                            "Lost the connection to {shown} ({why}); trying again every second. Your edits are kept"
                        ),
                        error: true,
                    });
                }
                Followed::Ready => {}
                Followed::Back => {
                    self.status = Some(Status { text: format!("Connected to {shown} again"), error: false });
                }
                Followed::Replaced => self.read_again(format!("The atlas in {shown} was replaced by a push")),
                Followed::Changes(changes) => self.take_remote(&shown, &changes),
            }
        }
    }

    /// Reads the database shown again, off the UI thread (a change that cannot be put in
    /// place: a deletion, a source, a push), keeping the selection. `why` starts the status.
    fn read_again(&mut self, why: String) {
        let Some(db) = &mut self.database else { return };
        if db.reading_again {
            return;
        }
        if self.busy.is_some() || self.editor.is_some() {
            // Busy, or an editing session (its own reload follows the session): said, not done.
            self.status = Some(Status { text: format!("{why}: open it again to see it"), error: true });
            return;
        }
        db.reading_again = true;
        let target = db.target.clone();
        self.busy = Some(format!("{why}: reading it again…"));
        self.read_in_background(target, move |result| JobResult::ReadAgain(why, result));
    }

    /// Shows the atlas read again, with the same places and person selected (those still
    /// there), and follows the database from the new snapshot on.
    pub(super) fn read_again_done(&mut self, ctx: &egui::Context, why: String, result: Result<Box<Prepared>, String>) {
        self.busy = None;
        self.progress = None;
        if let Some(db) = &mut self.database {
            db.reading_again = false;
        }
        let mut prepared = match result {
            Ok(p) if self.editor.is_none() && self.database.is_some() => p,
            Ok(_) => return, // edit mode began, or another dataset was opened, meanwhile
            Err(e) => {
                self.status = Some(Status { text: format!("{why}, and reading it again failed: {e}"), error: true });
                return;
            }
        };
        let selected = self.selected_ids();
        let database = prepared.database.take();
        self.install(*prepared);
        self.select_ids(&selected);
        if let Some((target, since)) = database {
            // A new follower from the new snapshot: nothing committed since is missed.
            self.database = None;
            self.set_database(ctx, target, since);
        }
        self.status = Some(Status { text: format!("{why}: read again, shown"), error: false });
    }

    fn take_remote(&mut self, shown: &str, changes: &[crate::db::RemoteChange]) {
        let (texts, held) = match &mut self.editor {
            Some(editor) => editor.session.follow_remote(changes),
            None => (
                changes
                    .iter()
                    .map(|c| (c.file.to_owned(), c.id.clone(), c.now.as_ref().map(|n| n.0.clone())))
                    .collect(),
                Vec::new(),
            ),
        };
        let who: Vec<&str> = changes.iter().filter_map(|c| c.now.as_ref().map(|n| n.2.as_str())).collect();
        if !texts.is_empty() {
            if self.editor.is_some() {
                let touched: Vec<(String, String)> = texts.iter().map(|(f, id, _)| (f.clone(), id.clone())).collect();
                self.follow_edit(&touched);
            } else if self.patch_in(&texts, shown).is_none() {
                // A deletion or a source is not followed in place: the atlas is read again.
                self.patch_index = None;
                let n = texts.len();
                self.read_again(format!("{} changed in {shown} (a deletion or a source)", crate::counted(n, "record")));
                return;
            }
            let by = who.first().map_or(String::new(), |w| format!(" by {w}"));
            self.status = Some(Status {
                text: format!("{} changed in {shown}{by}: shown", crate::counted(texts.len(), "record")),
                error: false,
            });
        }
        if !held.is_empty() {
            let ids: Vec<&str> = held.iter().map(|c| c.id.as_str()).collect();
            self.status = Some(Status {
                text: format!(
                    "Someone changed {} in {shown}, which you are editing too: saving will show both versions",
                    ids.join(", ")
                ),
                error: true,
            });
        }
    }
}

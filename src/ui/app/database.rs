//! The window's side of an atlas shared through PostgreSQL ([`crate::db`]): the database the
//! dataset was read from, and other clients' changes followed as they are committed (the
//! records put into the dataset shown, or into the editing session when it has no change of
//! its own to them), with the connection's loss and return said in the status line.

use std::path::PathBuf;

use super::{CrossingsApp, Status};
use crate::db::{Followed, Follower, Target};

/// A database shown: where it is, and its follower.
pub(super) struct Shared {
    /// Where (with the password, if the URL had one: never saved, never shown).
    pub target: Target,
    follower: Follower,
}

impl CrossingsApp {
    /// Says the dataset shown was read from this database (from the snapshot `since`) and
    /// starts following it; the folder the app knows it by is its URL without the password.
    pub fn set_database(&mut self, ctx: &egui::Context, target: Target, since: crate::db::Since) {
        let wake = ctx.clone();
        let follower = crate::db::follow(target.clone(), since, Box::new(move || wake.request_repaint()));
        self.set_folder(Some(PathBuf::from(target.shown())));
        self.database = Some(Shared { target, follower });
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
                Followed::Replaced => {
                    self.status = Some(Status {
                        text: format!("The atlas in {shown} was replaced by a push: open it again to see it"),
                        error: true,
                    });
                }
                Followed::Changes(changes) => self.take_remote(&shown, &changes),
            }
        }
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
                // A deletion or a source: not followed in place.
                self.patch_index = None;
                self.status = Some(Status {
                    text: format!(
                        "{} records changed in {shown} (a deletion or a source): open it again to see them",
                        texts.len()
                    ),
                    error: false,
                });
                return;
            }
            let by = who.first().map_or(String::new(), |w| format!(" by {w}"));
            self.status = Some(Status {
                text: format!(
                    "{} record{} changed in {shown}{by}: shown",
                    texts.len(),
                    if texts.len() == 1 { "" } else { "s" }
                ),
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

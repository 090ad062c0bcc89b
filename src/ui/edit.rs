//! Edit mode: the right panel's forms for places, events, people and sources. The forms read
//! and write records through an [`edit::Session`](crate::edit::Session); what the user does
//! comes back as [`EditOp`]s for the app to apply (an edit, a delete to confirm, a save).
//!
//! Text fields are checked as they are typed with the loader's own parsers (the date is read
//! by the same EDTF reader, the point's country by the same basemap test, the id by the same
//! rule); when a field is left (Enter, Tab or a click elsewhere) the change becomes one undo
//! step, and the whole dataset is checked again by the loader, whose problems for the record
//! are shown under the form.

use std::collections::HashMap;

use egui::{RichText, Ui};

use crate::chronology::FuzzyDate;
use crate::dataset::Problem;
use crate::edit::{Change, Edit, Kind, Record, Session};
use crate::model::{Dataset, LonLat, Name, Theme};

use super::style;

/// What the user did in the edit panel.
#[derive(Clone, Debug, PartialEq)]
pub enum EditOp {
    /// Apply a step.
    Apply(Edit),
    /// Show this record's form (and go back to the one shown now with Back).
    Open(Kind, String),
    /// Back to the form shown before.
    Back,
    /// Ask before deleting this record.
    AskDelete(Kind, String),
    /// Delete it (confirmed).
    Delete(Kind, String),
    /// Close the delete question.
    CancelDelete,
    /// Undo the last step.
    Undo,
    /// Redo the last step undone.
    Redo,
    /// Write the changes to the folder.
    Save,
    /// The next click on the map adds a place (or stop waiting for it).
    AddPlaceTool(bool),
    /// Add a place at a point typed or pasted.
    AddPlaceAt(LonLat),
    /// Show the place on the map (select it).
    ShowPlace(String),
    /// Move a place (its marker dragged on the map).
    MovePlace(String, LonLat),
    /// Leave edit mode.
    Leave,
}

/// Edit mode's state: the session, the form shown, the problems of the last check.
pub struct Editor {
    /// The records, the undo history and the journal.
    pub session: Session,
    /// The record shown, and the records shown before it (Back).
    target: Option<(Kind, String)>,
    back: Vec<(Kind, String)>,
    /// The field texts as typed, and the record text they were filled from: when the record
    /// changes under them (undo, redo, a move on the map) they are filled again.
    buffers: HashMap<&'static str, String>,
    filled_from: Option<String>,
    /// The next click on the map adds a place.
    pub adding_place: bool,
    /// The problems the loader found in each record at the last check, by kind and id.
    problems: HashMap<(Kind, String), Vec<Problem>>,
    /// The records with errors among them (kind, id, first message), sorted.
    drafts: Vec<(Kind, String, String)>,
    /// The delete waiting for the user's yes: what, and what refers to it, in words.
    confirm: Option<(Kind, String, Vec<String>, Edit)>,
    /// The text of the "add a person" search.
    person_search: String,
    /// The text of the "add a place at lat, lon" field.
    paste: String,
    /// The text of a person's "tie to a place" search.
    place_search: String,
    /// The place selected when the panel was last drawn (a new selection opens its form).
    selected_seen: Option<String>,
}

/// Where a problem is: the kind of record from the file's name.
fn kind_of(problem: &Problem) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| problem.file.ends_with(k.file()))
}

impl Editor {
    /// Edits a session.
    pub fn new(session: Session) -> Editor {
        Editor {
            session,
            target: None,
            back: Vec::new(),
            buffers: HashMap::new(),
            filled_from: None,
            adding_place: false,
            problems: HashMap::new(),
            drafts: Vec::new(),
            confirm: None,
            person_search: String::new(),
            paste: String::new(),
            place_search: String::new(),
            selected_seen: None,
        }
    }

    /// Keeps the problems of the last check, by record, and the drafts they make.
    pub fn set_problems(&mut self, problems: &[Problem]) {
        self.problems.clear();
        for p in problems {
            if let (Some(kind), Some(id)) = (kind_of(p), &p.record) {
                self.problems.entry((kind, id.clone())).or_default().push(p.clone());
            }
        }
        self.drafts = self
            .problems
            .iter()
            .filter(|(_, ps)| ps.iter().any(|p| !p.is_warning()))
            .map(|((k, id), ps)| (*k, id.clone(), ps[0].message.clone()))
            .collect();
        self.drafts.sort();
    }

    /// The records whose problems keep them out of the atlas or part of them (drafts), with
    /// the first problem of each, sorted (as of the last check).
    pub fn drafts(&self) -> &[(Kind, String, String)] {
        &self.drafts
    }

    /// The record the form shows.
    pub fn target(&self) -> Option<&(Kind, String)> {
        self.target.as_ref()
    }

    /// Shows a record's form (the one shown now is kept for Back).
    pub fn open(&mut self, kind: Kind, id: &str) {
        if self.target.as_ref().is_some_and(|(k, i)| *k == kind && i == id) {
            return;
        }
        if let Some(t) = self.target.take() {
            self.back.push(t);
        }
        self.target = Some((kind, id.to_owned()));
        self.filled_from = None;
    }

    /// Back to the form shown before (skipping records deleted since).
    pub fn go_back(&mut self) {
        self.target = None;
        while let Some((k, id)) = self.back.pop() {
            if self.session.has(k, &id) {
                self.target = Some((k, id));
                break;
            }
        }
        self.filled_from = None;
    }

    /// Asks before deleting: names what refers to the record, and keeps the step that
    /// deletes it ([`Editor::take_delete`]), made from the same references.
    pub fn ask_delete(&mut self, kind: Kind, id: &str) {
        let refs = self.session.references(kind, id);
        let words = refs
            .iter()
            .map(|(k, rid, r)| {
                let what = match (kind, k) {
                    (Kind::Place, Kind::Event) => "its place is cleared",
                    (Kind::Place, Kind::Person) => "the tie to this place goes",
                    _ => "the reference goes",
                };
                format!("{} '{}' ({what})", k.noun(), title_of(r).unwrap_or_else(|| rid.clone()))
            })
            .collect();
        let label = format!("Delete {} {id}", kind.noun());
        if let Some(edit) = self.session.delete_edit(kind, id, refs, label) {
            self.confirm = Some((kind, id.to_owned(), words, edit));
        }
    }

    /// The step the delete question was asked for, once the user said yes.
    pub fn take_delete(&mut self) -> Option<Edit> {
        self.confirm.take().map(|(_, _, _, edit)| edit)
    }

    /// Closes the delete question.
    pub fn cancel_delete(&mut self) {
        self.confirm = None;
    }

    /// The field buffers, filled again from the record when it changed.
    fn refill(&mut self, record: &Record, text: &str) {
        if self.filled_from.as_deref() == Some(text) {
            return;
        }
        self.buffers.clear();
        for key in [
            "id",
            "name",
            "title",
            "date",
            "summary",
            "role",
            "biography",
            "note",
            "country",
            "file",
            "url",
            "not_before",
            "not_after",
        ] {
            self.buffers.insert(key, record.text(key).unwrap_or_default());
        }
        let names: Vec<Name> = record.value("names").unwrap_or_default();
        self.buffers.insert("names", crate::import::format_names(&names));
        self.buffers.insert("aliases", record.list("aliases").join("; "));
        if let Some(p) = record.point() {
            self.buffers.insert("lat", format!("{}", p.lat));
            self.buffers.insert("lon", format!("{}", p.lon));
        }
        self.filled_from = Some(text.to_owned());
    }

    /// The edit panel: the tools, then the form of the record shown (or of the selected place),
    /// then the drafts. `selected` is the place selected on the map.
    pub fn ui(&mut self, ui: &mut Ui, selected: Option<&str>, dataset: &Dataset) -> Vec<EditOp> {
        let mut out = Vec::new();
        self.toolbar(ui, &mut out);
        ui.separator();
        if let Some((kind, id, refs, _)) = &self.confirm {
            confirm_ui(ui, *kind, id, refs, &mut out);
            return out;
        }
        // A place selected on the map or in the list shows its form (the form shown before
        // stays reachable with Back).
        if self.selected_seen.as_deref() != selected {
            self.selected_seen = selected.map(str::to_owned);
            if let Some(p) = selected {
                self.open(Kind::Place, p);
            }
        }
        let target = self.target.clone().filter(|(k, id)| self.session.has(*k, id));
        egui::ScrollArea::vertical().id_salt("edit-form").auto_shrink([false, false]).show(ui, |ui| {
            match target {
                Some((kind, id)) => {
                    if !self.back.is_empty() && ui.button("← Back").clicked() {
                        out.push(EditOp::Back);
                    }
                    self.form_ui(ui, kind, &id, dataset, &mut out);
                }
                None => {
                    ui.label("Click a place on the map to edit it, or add one with Add place.");
                    self.paste_ui(ui, &mut out);
                }
            }
            self.drafts_ui(ui, &mut out);
        });
        out
    }

    fn toolbar(&mut self, ui: &mut Ui, out: &mut Vec<EditOp>) {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Editing").strong());
            ui.weak(self.session.dir().display().to_string());
        });
        ui.horizontal_wrapped(|ui| {
            let adding = self.adding_place;
            if ui
                .selectable_label(adding, "Add place")
                .on_hover_text("The next click on the map puts a new place there")
                .clicked()
            {
                out.push(EditOp::AddPlaceTool(!adding));
            }
            let undo = self.session.undo_label().map(|l| format!("Undo {l}"));
            let b = ui.add_enabled(undo.is_some(), egui::Button::new("Undo").shortcut_text("Ctrl+Z"));
            if b.on_hover_text(undo.unwrap_or_else(|| "Nothing to undo".into())).clicked() {
                out.push(EditOp::Undo);
            }
            let redo = self.session.redo_label().map(|l| format!("Redo {l}"));
            let b = ui.add_enabled(redo.is_some(), egui::Button::new("Redo").shortcut_text("Ctrl+Y"));
            if b.on_hover_text(redo.unwrap_or_else(|| "Nothing to redo".into())).clicked() {
                out.push(EditOp::Redo);
            }
            let dirty = self.session.is_dirty();
            if ui.add_enabled(dirty, egui::Button::new("Save").shortcut_text("Ctrl+S")).clicked() {
                out.push(EditOp::Save);
            }
            if ui.button("Done").on_hover_text("Leave edit mode (E)").clicked() {
                out.push(EditOp::Leave);
            }
        });
        if self.adding_place {
            ui.colored_label(style::SELECTED, "Click the map where the new place is.");
        }
    }

    fn paste_ui(&mut self, ui: &mut Ui, out: &mut Vec<EditOp>) {
        ui.horizontal(|ui| {
            let label = ui.label("Add a place at");
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.paste).hint_text("lat, lon").desired_width(160.0))
                .labelled_by(label.id);
            let read = read_point(&self.paste);
            let go = ui.add_enabled(matches!(read, Some(Ok(_))), egui::Button::new("Add"));
            if (go.clicked() || (field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))))
                && let Some(Ok(p)) = read
            {
                out.push(EditOp::AddPlaceAt(p));
                self.paste.clear();
            }
        });
        match read_point(&self.paste) {
            Some(Ok(p)) => {
                ui.weak(where_is(p));
            }
            Some(Err(e)) => {
                ui.colored_label(style::ERROR_TEXT, e);
            }
            None => {}
        }
    }

    fn drafts_ui(&self, ui: &mut Ui, out: &mut Vec<EditOp>) {
        let drafts = self.drafts();
        if drafts.is_empty() {
            return;
        }
        ui.separator();
        ui.label(RichText::new(format!("Drafts ({}): records with problems", drafts.len())).strong())
            .on_hover_text("Kept as written and saved; `crossings validate` names them until they are fixed");
        for (kind, id, message) in drafts.iter().take(50) {
            ui.horizontal_wrapped(|ui| {
                if ui.link(format!("{} {id}", kind.noun())).clicked() {
                    out.push(EditOp::Open(*kind, id.clone()));
                }
                ui.colored_label(style::ERROR_TEXT, message);
            });
        }
    }

    fn record_problems(&self, ui: &mut Ui, kind: Kind, id: &str) {
        if let Some(ps) = self.problems.get(&(kind, id.to_owned())) {
            ui.group(|ui| {
                let errors = ps.iter().filter(|p| !p.is_warning()).count();
                ui.label(
                    RichText::new(if errors > 0 {
                        "Draft: validate names these problems"
                    } else {
                        "Warnings (validate --strict names them)"
                    })
                    .color(style::ERROR_TEXT),
                );
                for p in ps {
                    ui.label(RichText::new(&p.message).small());
                }
            });
        }
    }

    fn form_ui(&mut self, ui: &mut Ui, kind: Kind, id: &str, dataset: &Dataset, out: &mut Vec<EditOp>) {
        let Some(text) = self.session.record(kind.file(), id).map(str::to_owned) else { return };
        let Ok(record) = Record::parse(kind, &text) else {
            ui.colored_label(
                style::ERROR_TEXT,
                format!("{} '{id}' is not a JSON object; edit the file by hand", kind.noun()),
            );
            return;
        };
        self.refill(&record, &text);
        ui.heading(match kind {
            Kind::Place => "Place",
            Kind::Event => "Event",
            Kind::Person => "Person",
            Kind::Source => "Source",
        });
        self.record_problems(ui, kind, id);
        let mut form = Form { editor: self, record, text: text.clone(), kind, id: id.to_owned(), out, dataset };
        form.id_field(ui);
        match kind {
            Kind::Place => form.place(ui),
            Kind::Event => form.event(ui),
            Kind::Person => form.person(ui),
            Kind::Source => form.source(ui),
        }
    }
}

/// The delete question: the record and every record that refers to it.
fn confirm_ui(ui: &mut Ui, kind: Kind, id: &str, refs: &[String], out: &mut Vec<EditOp>) {
    ui.label(RichText::new(format!("Delete {} '{id}'?", kind.noun())).strong());
    if refs.is_empty() {
        ui.label("Nothing refers to it.");
    } else {
        ui.label(format!(
            "{} {} to it:",
            crate::counted(refs.len(), "record"),
            if refs.len() == 1 { "refers" } else { "refer" }
        ));
        egui::ScrollArea::vertical().max_height(240.0).show(ui, |ui| {
            for r in refs {
                ui.label(format!("• {r}"));
            }
        });
    }
    ui.label("Undo (Ctrl+Z) brings it all back.");
    ui.horizontal(|ui| {
        if ui.button(format!("Delete {}", kind.noun())).clicked() {
            out.push(EditOp::Delete(kind, id.to_owned()));
        }
        if ui.button("Keep it").clicked() {
            out.push(EditOp::CancelDelete);
        }
    });
}

/// A record's name or title, for lists and labels.
fn title_of(r: &Record) -> Option<String> {
    r.text("name").or_else(|| r.text("title")).filter(|t| !t.is_empty())
}

/// Reads a pasted or typed point: `lat, lon` as people write it (or WKT), with the import's
/// reader. `None` for an empty field.
pub fn read_point(text: &str) -> Option<Result<LonLat, String>> {
    if text.trim().is_empty() {
        return None;
    }
    Some(match crate::import::read_lat_lon(&crate::import::Value::Text(text.to_owned())) {
        Ok(Some((lon, lat))) => Ok(LonLat { lon, lat }),
        Ok(None) => Err("type latitude, longitude".to_owned()),
        Err(e) => Err(e),
    })
}

/// Where a point is, in words: degrees and the country it falls in.
pub fn where_is(p: LonLat) -> String {
    let ns = if p.lat >= 0.0 { "N" } else { "S" };
    let ew = if p.lon >= 0.0 { "E" } else { "W" };
    let country =
        crate::basemap::country_at(p).map_or_else(|| "in no country (the sea?)".to_owned(), |c| format!("in {c}"));
    format!("{:.4}° {ns}, {:.4}° {ew}: {country}", p.lat.abs(), p.lon.abs())
}

/// How a typed outer bound is read (empty: none).
pub fn bound_reading(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Ok("none".to_owned());
    }
    FuzzyDate::parse(text.trim()).map(|d| d.describe()).map_err(|e| e.to_string())
}

/// How a typed date is read, by the loader's own reader.
pub fn date_reading(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok("undated: the event shows at no time until it has a date".to_owned());
    }
    FuzzyDate::parse(text).map(|d| format!("{text}: {}", d.describe())).map_err(|e| e.to_string())
}

/// How a field's text is read as it is typed: the reading, or why it cannot be read.
type Reading = fn(&str) -> Result<String, String>;

/// One form being drawn: the record as it is in the session, and where its changes go.
struct Form<'a> {
    editor: &'a mut Editor,
    /// The dataset as shown (its indexes list a place's events and a person's, and the people
    /// to search, without reading every record).
    dataset: &'a Dataset,
    record: Record,
    text: String,
    kind: Kind,
    id: String,
    out: &'a mut Vec<EditOp>,
}

const PRECISIONS: [&str; 5] = ["exact", "city", "region", "inferred", "country"];
const CATEGORIES: [&str; 10] =
    ["city", "port", "camp", "school", "headquarters", "battlefield", "memorial", "museum", "cemetery", "region"];

impl Form<'_> {
    /// A step changing this record to `r`, labelled.
    fn commit(&mut self, label: String, r: &Record) {
        let change = self.change_to(r);
        if change.after.as_deref() != Some(&self.text) {
            self.out.push(EditOp::Apply(Edit { label, changes: vec![change] }));
        }
    }

    /// The change from this record as it is to `r`.
    fn change_to(&self, r: &Record) -> Change {
        Change {
            file: self.kind.file().to_owned(),
            id: self.id.clone(),
            before: Some(self.text.clone()),
            after: Some(r.to_text()),
        }
    }

    fn name(&self) -> String {
        title_of(&self.record).unwrap_or_else(|| self.id.clone())
    }

    /// A one-line text field, committed when left; `check` says how what is typed is read.
    fn line(&mut self, ui: &mut Ui, key: &'static str, label: &str, optional: bool, check: Option<Reading>) {
        let buf = self.editor.buffers.entry(key).or_default();
        let l = ui.label(label);
        let field = ui.add(egui::TextEdit::singleline(buf).desired_width(f32::INFINITY)).labelled_by(l.id);
        let typed = buf.clone();
        if let Some(check) = check {
            match check(&typed) {
                Ok(reading) => ui.weak(reading),
                Err(e) => ui.colored_label(style::ERROR_TEXT, e),
            };
        }
        if field.lost_focus() && typed != self.record.text(key).unwrap_or_default() {
            let mut r = self.record.clone();
            if key == "date" && typed.trim().is_empty() {
                // Undated is written `null`, as the dataset writes it.
                r.set_null(key);
            } else if optional {
                r.set_optional(key, &typed);
            } else {
                r.set_text(key, &typed);
            }
            let label = format!("{label} of {}", self.name());
            self.commit(label, &r);
        }
    }

    /// A text area, committed when left.
    fn area(&mut self, ui: &mut Ui, key: &'static str, label: &str, optional: bool) {
        let buf = self.editor.buffers.entry(key).or_default();
        let l = ui.label(label);
        let field =
            ui.add(egui::TextEdit::multiline(buf).desired_rows(3).desired_width(f32::INFINITY)).labelled_by(l.id);
        let typed = buf.clone();
        if field.lost_focus() && typed != self.record.text(key).unwrap_or_default() {
            let mut r = self.record.clone();
            if optional {
                r.set_optional(key, &typed)
            } else {
                r.set_text(key, &typed)
            }
            let label = format!("{label} of {}", self.name());
            self.commit(label, &r);
        }
    }

    /// A choice among words (precision, category, theme, basis).
    fn choice(&mut self, ui: &mut Ui, key: &'static str, label: &str, options: &[(&str, &str)]) {
        let now = self.record.text(key).unwrap_or_default();
        let shown = options.iter().find(|(v, _)| *v == now).map_or(now.as_str(), |(_, l)| l).to_owned();
        let mut chosen = None;
        egui::ComboBox::from_label(label).selected_text(shown).show_ui(ui, |ui| {
            for (value, text) in options {
                if ui.selectable_label(*value == now, *text).clicked() {
                    chosen = Some(*value);
                }
            }
        });
        if let Some(v) = chosen.filter(|v| *v != now) {
            let mut r = self.record.clone();
            r.set_text(key, v);
            self.commit(format!("{label} of {}", self.name()), &r);
        }
    }

    fn id_field(&mut self, ui: &mut Ui) {
        let kind = self.kind;
        let id = self.id.clone();
        let session = &self.editor.session;
        let taken = |typed: &str| typed != id && session.has(kind, typed);
        let buf = self.editor.buffers.entry("id").or_default();
        let typed = buf.trim().to_owned();
        let problem = if !crate::dataset::valid_id(&typed) {
            Some("an id is lowercase a-z, 0-9 and '-'".to_owned())
        } else if taken(&typed) {
            Some(format!("another {} has the id '{typed}'", kind.noun()))
        } else {
            None
        };
        let mut left = false;
        ui.horizontal(|ui| {
            let l = ui.label("Id");
            let buf = self.editor.buffers.entry("id").or_default();
            left = ui.add(egui::TextEdit::singleline(buf).desired_width(220.0)).labelled_by(l.id).lost_focus();
        });
        if let Some(p) = &problem {
            ui.colored_label(style::ERROR_TEXT, p);
        }
        if left && typed != id {
            match problem {
                None => {
                    let label = format!("Rename {} to {typed}", self.id);
                    if let Some(edit) = self.editor.session.rename_edit(kind, &id, &typed, label) {
                        self.out.push(EditOp::Apply(edit));
                        self.out.push(EditOp::Open(kind, typed));
                    }
                }
                // A repeated or malformed id is not applied: the field goes back to the id.
                Some(_) => {
                    self.editor.buffers.insert("id", id);
                }
            }
        }
    }

    fn sources(&mut self, ui: &mut Ui) {
        let now = self.record.list("sources");
        ui.label(RichText::new("Sources").strong());
        let mut keep = now.clone();
        ui.horizontal_wrapped(|ui| {
            for s in &now {
                let title = self.editor.session.form_record(Kind::Source, s).and_then(|r| r.text("title"));
                let shown = title.unwrap_or_else(|| format!("{s} (no such source)"));
                if ui.link(shown.clone()).clicked() {
                    self.out.push(EditOp::Open(Kind::Source, s.clone()));
                }
                if ui.small_button("remove").on_hover_text(format!("Stop citing {shown}")).clicked() {
                    keep.retain(|x| x != s);
                }
            }
        });
        let mut add = None;
        let mut create = false;
        egui::ComboBox::new(("add-source", &self.id), "Cite a source").selected_text("choose…").show_ui(ui, |ui| {
            for sid in self.editor.session.ids(Kind::Source.file()) {
                if now.iter().any(|s| s == sid) {
                    continue;
                }
                let title = self.editor.session.form_record(Kind::Source, sid).and_then(|r| r.text("title"));
                if ui.selectable_label(false, title.unwrap_or_else(|| sid.to_owned())).clicked() {
                    add = Some(sid.to_owned());
                }
            }
            if ui.selectable_label(false, "New source…").clicked() {
                create = true;
            }
        });
        if let Some(a) = add {
            keep.push(a);
        }
        let mut r = self.record.clone();
        let mut changes = Vec::new();
        if create {
            let sid = crate::edit::fresh_id(Kind::Source, "new source", |id| self.editor.session.has(Kind::Source, id));
            let source = Record::new_source(&sid, "New source");
            changes.push(Change::added(Kind::Source, &sid, &source));
            keep.push(sid);
        }
        if keep != now {
            r.set_list("sources", &keep);
            changes.push(self.change_to(&r));
            let label = format!("Sources of {}", self.name());
            self.out.push(EditOp::Apply(Edit { label, changes }));
            if create && let Some(sid) = keep.last() {
                self.out.push(EditOp::Open(Kind::Source, sid.clone()));
            }
        }
    }

    /// Other names (`会津 [ja]; Peking [en]`) and the forms the sources write (`A; B`). A name
    /// kept keeps its note.
    fn names(&mut self, ui: &mut Ui) {
        let l = ui.label("Other names (name [language]; …)");
        let buf = self.editor.buffers.entry("names").or_default();
        let field = ui.add(egui::TextEdit::singleline(buf).desired_width(f32::INFINITY)).labelled_by(l.id);
        let typed = buf.clone();
        let parts = typed.split(';').filter(|p| !p.trim().is_empty()).count();
        let mut names = crate::import::parse_names(&typed);
        if names.len() < parts {
            ui.colored_label(
                style::ERROR_TEXT,
                "write each name with its language tag: 会津 [ja]; Aizu-Wakamatsu [en]",
            );
        }
        let now: Vec<Name> = self.record.value("names").unwrap_or_default();
        if field.lost_focus()
            && names.len() == parts
            && names.iter().map(|n| (&n.text, &n.lang)).ne(now.iter().map(|n| (&n.text, &n.lang)))
        {
            for n in &mut names {
                n.note = now.iter().find(|o| o.text == n.text && o.lang == n.lang).and_then(|o| o.note.clone());
            }
            let mut r = self.record.clone();
            r.set_value("names", &names);
            self.commit(format!("Names of {}", self.name()), &r);
        }
        let l = ui.label("Also written in the sources (…; …)");
        let buf = self.editor.buffers.entry("aliases").or_default();
        let field = ui.add(egui::TextEdit::singleline(buf).desired_width(f32::INFINITY)).labelled_by(l.id);
        let aliases: Vec<String> = buf.split(';').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect();
        if field.lost_focus() && aliases != self.record.list("aliases") {
            let mut r = self.record.clone();
            r.set_list("aliases", &aliases);
            self.commit(format!("Other spellings of {}", self.name()), &r);
        }
    }

    /// A person's ties to places (besides their events'): each with its basis, removable;
    /// search as you type to add one.
    fn ties(&mut self, ui: &mut Ui) {
        let now = self.record.objects("places");
        ui.label(RichText::new("Tied to places").strong());
        let mut next = now.clone();
        for (i, tie) in now.iter().enumerate() {
            let place = tie.get("place").and_then(|p| p.as_str()).unwrap_or_default().to_owned();
            let inferred = tie.get("basis").and_then(|b| b.as_str()) == Some("inferred");
            ui.horizontal_wrapped(|ui| {
                let name = self.dataset.place_by_id(&place).map(|p| self.dataset.place(p).display_name());
                if ui.link(name.unwrap_or_else(|| format!("{place} (no such place)"))).clicked() {
                    self.out.push(EditOp::ShowPlace(place.clone()));
                }
                let basis = if inferred { "inferred" } else { "stated" };
                if ui.small_button(basis).on_hover_text("Stated in a source, or inferred: click to change").clicked() {
                    next[i].insert("basis".into(), (if inferred { "stated" } else { "inferred" }).into());
                }
                if ui.small_button("untie").on_hover_text(format!("Untie from {place}")).clicked() {
                    next[i].insert("place".into(), serde_json::Value::Null);
                }
            });
        }
        next.retain(|t| !t.get("place").is_some_and(serde_json::Value::is_null));
        let l = ui.label("Tie to a place");
        ui.add(
            egui::TextEdit::singleline(&mut self.editor.place_search)
                .hint_text("type a place")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
        let search = crate::query::fold(self.editor.place_search.trim());
        if !search.is_empty() {
            let tied = |id: &str| now.iter().any(|t| t.get("place").and_then(|p| p.as_str()) == Some(id));
            let hits = self
                .dataset
                .places
                .iter()
                .filter(|p| !tied(&p.id))
                .filter(|p| crate::query::fold(&p.name).contains(&search) || p.id.contains(&search))
                .take(8);
            for p in hits {
                if ui.button(format!("Tie to {}", p.display_name())).clicked() {
                    let mut tie = indexmap::IndexMap::new();
                    tie.insert("place".to_owned(), serde_json::Value::from(p.id.clone()));
                    tie.insert("basis".to_owned(), serde_json::Value::from("stated"));
                    next.push(tie);
                    self.editor.place_search.clear();
                }
            }
        }
        if next != now {
            let mut r = self.record.clone();
            r.set_value("places", &next);
            self.commit(format!("Places of {}", self.name()), &r);
        }
    }

    fn delete_button(&mut self, ui: &mut Ui) {
        if ui.button(format!("Delete {}…", self.kind.noun())).clicked() {
            self.out.push(EditOp::AskDelete(self.kind, self.id.clone()));
        }
    }

    fn place(&mut self, ui: &mut Ui) {
        self.line(ui, "name", "Name", false, None);
        self.names(ui);
        let point = self.record.point();
        ui.horizontal(|ui| {
            for (key, label) in [("lat", "Latitude"), ("lon", "Longitude")] {
                let l = ui.label(label);
                let buf = self.editor.buffers.entry(key).or_default();
                let left = ui.add(egui::TextEdit::singleline(buf).desired_width(90.0)).labelled_by(l.id).lost_focus();
                if left {
                    let lat = self.editor.buffers.get("lat").and_then(|t| t.trim().parse::<f64>().ok());
                    let lon = self.editor.buffers.get("lon").and_then(|t| t.trim().parse::<f64>().ok());
                    if let (Some(lat), Some(lon)) = (lat, lon)
                        && (-90.0..=90.0).contains(&lat)
                        && (-180.0..=180.0).contains(&lon)
                        && point != Some(LonLat { lon, lat })
                    {
                        let mut r = self.record.clone();
                        r.set_point(LonLat { lon, lat });
                        self.commit(format!("Move {}", self.name()), &r);
                    }
                }
            }
        });
        let typed = (
            self.editor.buffers.get("lat").and_then(|t| t.trim().parse::<f64>().ok()),
            self.editor.buffers.get("lon").and_then(|t| t.trim().parse::<f64>().ok()),
        );
        match typed {
            (Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {
                let p = LonLat { lon, lat };
                ui.weak(where_is(p));
                if let Some(c) = self.record.text("country")
                    && let Some(msg) = crate::basemap::check_country(&c, p)
                {
                    ui.colored_label(style::ERROR_TEXT, msg);
                }
            }
            _ => {
                ui.colored_label(style::ERROR_TEXT, "latitude is -90 to 90 and longitude -180 to 180, in degrees");
            }
        }
        ui.horizontal(|ui| {
            let l = ui.label("Paste");
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.editor.paste).hint_text("lat, lon").desired_width(160.0))
                .labelled_by(l.id);
            if field.lost_focus()
                && let Some(Ok(p)) = read_point(&self.editor.paste)
            {
                let mut r = self.record.clone();
                r.set_point(p);
                self.commit(format!("Move {}", self.name()), &r);
                self.editor.paste.clear();
            }
        });
        if let Some(Err(e)) = read_point(&self.editor.paste) {
            ui.colored_label(style::ERROR_TEXT, e);
        }
        self.line(ui, "country", "Country (present day)", true, None);
        if let Some(p) = point
            && let Some(c) = crate::basemap::country_at(p)
            && self.record.text("country").as_deref() != Some(c)
            && ui.small_button(format!("Use {c}")).clicked()
        {
            let mut r = self.record.clone();
            r.set_text("country", c);
            self.commit(format!("Country of {}", self.name()), &r);
        }
        let precision: Vec<(&str, &str)> = PRECISIONS.iter().map(|p| (*p, *p)).collect();
        self.choice(ui, "precision", "Precision", &precision);
        let categories: Vec<(&str, &str)> = CATEGORIES.iter().map(|c| (*c, *c)).collect();
        self.choice(ui, "category", "Category", &categories);
        self.sources(ui);
        self.area(ui, "note", "Note", true);
        ui.horizontal(|ui| {
            if ui.button("Add event here").clicked() {
                let session = &self.editor.session;
                let eid = crate::edit::fresh_id(Kind::Event, &format!("{} event", self.id), |id| {
                    session.has(Kind::Event, id)
                });
                let event = Record::new_event(&eid, Some(&self.id), "New event");
                self.out.push(EditOp::Apply(Edit {
                    label: format!("Add an event at {}", self.name()),
                    changes: vec![Change::added(Kind::Event, &eid, &event)],
                }));
                self.out.push(EditOp::Open(Kind::Event, eid));
            }
            self.delete_button(ui);
        });
        ui.separator();
        let d = self.dataset;
        let events = d.place_by_id(&self.id).map_or(&[][..], |p| d.place_events[p.ix()].as_slice());
        self.events_list(ui, "Events here", events);
    }

    /// A list of events (a place's, a person's), each opening its form, drafts marked; the
    /// first 200.
    fn events_list(&mut self, ui: &mut Ui, title: &str, events: &[crate::model::EventIx]) {
        ui.label(RichText::new(format!("{title} ({})", events.len())).strong());
        for e in events.iter().take(200) {
            let e = self.dataset.event(*e);
            ui.horizontal_wrapped(|ui| {
                if ui.link(format!("{}: {}", e.describe_date(), e.title)).clicked() {
                    self.out.push(EditOp::Open(Kind::Event, e.id.clone()));
                }
                if self
                    .editor
                    .problems
                    .get(&(Kind::Event, e.id.clone()))
                    .is_some_and(|ps| ps.iter().any(|p| !p.is_warning()))
                {
                    ui.colored_label(style::ERROR_TEXT, "draft");
                }
            });
        }
        if events.len() > 200 {
            ui.weak(format!("and {} more", events.len() - 200));
        }
    }

    fn event(&mut self, ui: &mut Ui) {
        if let Some(place) = self.record.text("place") {
            ui.horizontal(|ui| {
                ui.weak("at");
                let name = self.editor.session.form_record(Kind::Place, &place).and_then(|r| title_of(&r));
                if ui.link(name.unwrap_or_else(|| format!("{place} (no such place)"))).clicked() {
                    self.out.push(EditOp::ShowPlace(place.clone()));
                    self.out.push(EditOp::Open(Kind::Place, place.clone()));
                }
            });
        } else {
            ui.weak("no place: the sources do not say where");
        }
        self.line(ui, "date", "Date (EDTF)", true, Some(date_reading));
        let basis = [("stated", "stated in a source"), ("inferred", "inferred")];
        self.choice(ui, "date_basis", "Date basis", &basis);
        // Outer bounds: what the sources allow of an open or unknown end.
        self.line(ui, "not_before", "Not before (EDTF, optional)", true, Some(bound_reading));
        self.line(ui, "not_after", "Not after (EDTF, optional)", true, Some(bound_reading));
        if self.record.text("not_before").is_some() || self.record.text("not_after").is_some() {
            self.choice(ui, "bounds_basis", "Bounds basis", &basis);
        }
        self.line(ui, "title", "Title", false, None);
        self.area(ui, "summary", "Summary", false);
        let themes: Vec<(&str, &str)> = Theme::ALL.iter().map(|t| (t.as_str(), t.label())).collect();
        self.choice(ui, "category", "Theme", &themes);
        self.choice(ui, "place_basis", "Place basis", &basis);
        self.people(ui);
        self.sources(ui);
        self.area(ui, "note", "Note", true);
        self.delete_button(ui);
    }

    /// The people of an event: each removable; search as you type to add one, or a new person.
    fn people(&mut self, ui: &mut Ui) {
        let now = self.record.list("people");
        ui.label(RichText::new("People").strong());
        let mut keep = now.clone();
        ui.horizontal_wrapped(|ui| {
            for p in &now {
                let name = self.editor.session.form_record(Kind::Person, p).and_then(|r| title_of(&r));
                let shown = name.unwrap_or_else(|| format!("{p} (no such person)"));
                if ui.link(shown.clone()).clicked() {
                    self.out.push(EditOp::Open(Kind::Person, p.clone()));
                }
                if ui.small_button("remove").on_hover_text(format!("Untie {shown}")).clicked() {
                    keep.retain(|x| x != p);
                }
            }
        });
        let l = ui.label("Add a person");
        ui.add(
            egui::TextEdit::singleline(&mut self.editor.person_search)
                .hint_text("type a name")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
        let search = self.editor.person_search.trim().to_lowercase();
        let mut changes = Vec::new();
        if !search.is_empty() {
            let mut shown = 0;
            for person in &self.dataset.people {
                if now.contains(&person.id) {
                    continue;
                }
                let hit = |t: &str| t.to_lowercase().contains(&search);
                if !(hit(&person.name)
                    || person.id.contains(&search)
                    || person.aliases.iter().any(|a| hit(a))
                    || person.names.iter().any(|n| hit(&n.text)))
                {
                    continue;
                }
                if ui.button(format!("Tie {}", person.name)).clicked() {
                    keep.push(person.id.clone());
                    self.editor.person_search.clear();
                }
                shown += 1;
                if shown == 8 {
                    ui.weak("… type more to narrow the list");
                    break;
                }
            }
            let typed = self.editor.person_search.trim().to_owned();
            if !typed.is_empty() && ui.button(format!("New person '{typed}'")).clicked() {
                let session = &self.editor.session;
                let pid = crate::edit::fresh_id(Kind::Person, &typed, |id| session.has(Kind::Person, id));
                let person = Record::new_person(&pid, &typed);
                changes.push(Change::added(Kind::Person, &pid, &person));
                keep.push(pid);
                self.editor.person_search.clear();
            }
        }
        if keep != now {
            let mut r = self.record.clone();
            r.set_list("people", &keep);
            changes.push(self.change_to(&r));
            let label = format!("People of {}", self.name());
            self.out.push(EditOp::Apply(Edit { label, changes }));
        }
    }

    fn person(&mut self, ui: &mut Ui) {
        self.line(ui, "name", "Name", false, None);
        self.names(ui);
        self.line(ui, "role", "Role", false, None);
        self.area(ui, "biography", "Biography", false);
        self.ties(ui);
        self.sources(ui);
        self.area(ui, "note", "Note", true);
        self.delete_button(ui);
        ui.separator();
        let d = self.dataset;
        let events = d.person_by_id(&self.id).map_or(&[][..], |p| d.person_events[p.ix()].as_slice());
        self.events_list(ui, "Events naming them", events);
    }

    fn source(&mut self, ui: &mut Ui) {
        self.line(ui, "title", "Title", false, None);
        self.line(ui, "file", "File", false, None);
        self.line(ui, "url", "Address (http or https)", true, None);
        self.area(ui, "note", "Note", true);
        self.delete_button(ui);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_date_is_read_by_the_loaders_reader() {
        let r = date_reading("1945-08/1946").unwrap();
        assert!(r.starts_with("1945-08/1946: "), "{r}");
        assert!(r.contains("August 1945") && r.contains("1946"), "{r}");
        assert!(date_reading("Augst 1945").is_err());
        assert!(date_reading("").unwrap().starts_with("undated"));
    }

    #[test]
    fn a_pasted_point_is_read_lat_first_and_placed_in_its_country() {
        let p = read_point("45.75, 126.63").unwrap().unwrap();
        assert_eq!(p, LonLat { lon: 126.63, lat: 45.75 });
        assert!(where_is(p).ends_with("in China"), "{}", where_is(p));
        assert!(read_point("north").unwrap().is_err());
        assert!(read_point(" ").is_none());
    }
}

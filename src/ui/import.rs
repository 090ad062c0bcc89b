//! File > Import…: a spreadsheet or GIS file turned into a dataset folder, with the mapping
//! step in between. The dialog shows how the file was read (encoding, delimiter, sheet), which
//! column holds what (guessed, changeable), the first rows with each date and coordinate as it
//! will be read or its problem, and after the import every row that could not be used. The
//! reading and the import run off the UI thread, through `crate::import`.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

use egui::{Color32, RichText};

use crate::import::{self, Field, ImportOptions, Mapping, Preview};

/// Rows the preview shows.
const PREVIEW_ROWS: usize = 8;
/// Problems the outcome lists (all are in the command line's output; the count is shown).
const LISTED_PROBLEMS: usize = 200;

/// What the dialog asks the app for.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportEvent {
    /// Close the dialog.
    Close,
    /// Ask the user for the folder to write (a folder dialog).
    ChooseFolder,
    /// Save this mapping (JSON) where a save dialog says; the name suggested.
    SaveMapping(String, String),
    /// Ask the user for a saved mapping to use (an open dialog).
    LoadMapping,
    /// The folder is written: open it, and say this in the status line.
    Imported(PathBuf, String),
}

/// The outcome of an import, for the dialog.
struct Outcome {
    summary: String,
    problems: Vec<String>,
    more: usize,
    error: bool,
}

/// The import dialog's state.
pub struct ImportDialog {
    path: PathBuf,
    sheet: Option<String>,
    mapping: Option<Mapping>,
    preview: Option<Result<Preview, String>>,
    preview_rx: Option<Receiver<Result<Preview, String>>>,
    /// The folder to write.
    pub out: String,
    running: Option<Receiver<Result<(PathBuf, Outcome), String>>>,
    outcome: Option<Outcome>,
}

impl ImportDialog {
    /// A dialog for a file: its preview starts loading at once.
    pub fn new(path: PathBuf) -> ImportDialog {
        let out = default_out(&path).display().to_string();
        let mut d = ImportDialog {
            path,
            sheet: None,
            mapping: None,
            preview: None,
            preview_rx: None,
            out,
            running: None,
            outcome: None,
        };
        d.reload();
        d
    }

    /// The file being imported.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The mapping in use (the guess until the user changes it), once the preview is read.
    pub fn mapping(&self) -> Option<&Mapping> {
        self.mapping.as_ref().or(self.preview.as_ref().and_then(|p| p.as_ref().ok()).map(|p| &p.mapping))
    }

    /// Uses a saved mapping: the preview is read again with it (a column it names that the
    /// file lacks is said under the mapping).
    pub fn set_mapping(&mut self, mapping: Mapping) {
        self.mapping = Some(mapping);
        self.outcome = None;
        self.reload();
    }

    /// True while the preview or the import runs.
    pub fn is_busy(&self) -> bool {
        self.preview_rx.is_some() || self.running.is_some()
    }

    fn options(&self) -> ImportOptions {
        ImportOptions { sheet: self.sheet.clone(), mapping: self.mapping.clone(), ..Default::default() }
    }

    /// Reads the preview again (the sheet or the mapping changed).
    fn reload(&mut self) {
        let (tx, rx) = channel();
        let (path, options) = (self.path.clone(), self.options());
        std::thread::spawn(move || {
            let _ = tx.send(import::preview(&path, &options, PREVIEW_ROWS).map_err(|e| e.to_string()));
        });
        self.preview_rx = Some(rx);
    }

    fn start(&mut self) {
        let (tx, rx) = channel();
        let (path, options, out) = (self.path.clone(), self.options(), PathBuf::from(self.out.trim()));
        std::thread::spawn(move || {
            let result = import::import(&path, &options).map_err(|e| e.to_string()).and_then(|imp| {
                import::write_dataset(&out, &imp).map_err(|e| e.to_string())?;
                let problems: Vec<String> =
                    imp.problems.iter().take(LISTED_PROBLEMS).map(ToString::to_string).collect();
                let more = imp.problems.len().saturating_sub(LISTED_PROBLEMS) + imp.problems_dropped;
                let error = imp.error_count() > 0;
                Ok((out, Outcome { summary: imp.summary(), problems, more, error }))
            });
            let _ = tx.send(result);
        });
        self.running = Some(rx);
        self.outcome = None;
    }

    /// Takes what the threads finished.
    fn poll(&mut self) -> Vec<ImportEvent> {
        let mut out = Vec::new();
        if let Some(rx) = &self.preview_rx
            && let Ok(p) = rx.try_recv()
        {
            self.preview = Some(p);
            self.preview_rx = None;
        }
        if let Some(rx) = &self.running
            && let Ok(r) = rx.try_recv()
        {
            self.running = None;
            match r {
                Ok((dir, outcome)) => {
                    let text = format!("Imported {}: {}", self.path.display(), outcome.summary);
                    out.push(ImportEvent::Imported(dir, text));
                    self.outcome = Some(outcome);
                }
                Err(e) => self.outcome = Some(Outcome { summary: e, problems: Vec::new(), more: 0, error: true }),
            }
        }
        out
    }

    /// Draws the dialog; returns what the app should do.
    pub fn ui(&mut self, ctx: &egui::Context, area: egui::Rect) -> Vec<ImportEvent> {
        let mut events = self.poll();
        if self.is_busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        let name = self.path.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
        egui::Window::new(format!("Import {name}"))
            .order(egui::Order::Foreground)
            .constrain_to(area)
            .collapsible(false)
            // Sized to its content each frame (the content grows once the file is read), and
            // scrolled when it is taller than the window.
            .resizable(false)
            .default_pos(area.left_top() + egui::vec2(16.0, 8.0))
            .max_height(area.height() - 16.0)
            .show(ctx, |ui| {
                ui.set_max_width((area.width() - 40.0).min(900.0));
                egui::ScrollArea::vertical()
                    .id_salt("import-body")
                    .max_height((area.height() - 60.0).max(200.0))
                    // A window's content is 400 points high by default: let a long dialog use
                    // the room there is.
                    .min_scrolled_height((area.height() - 60.0).max(200.0))
                    .show(ui, |ui| self.body_ui(ui, &mut events));
            });
        events
    }

    fn body_ui(&mut self, ui: &mut egui::Ui, events: &mut Vec<ImportEvent>) {
        let preview = match &self.preview {
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("Reading {}…", self.path.display()));
                });
                if ui.button("Cancel").clicked() {
                    events.push(ImportEvent::Close);
                }
                return;
            }
            Some(Err(e)) => {
                ui.colored_label(Color32::from_rgb(0xb0, 0x20, 0x20), e);
                if ui.button("Close").clicked() {
                    events.push(ImportEvent::Close);
                }
                return;
            }
            Some(Ok(p)) => p.clone(),
        };
        ui.label(preview.info.to_string());
        let mut changed = false;
        let mut sheet_changed = false;
        if !preview.info.other_sheets.is_empty() {
            let current = preview.info.sheet.clone().unwrap_or_default();
            egui::ComboBox::from_label("Sheet or layer").selected_text(&current).show_ui(ui, |ui| {
                for s in std::iter::once(current.clone()).chain(preview.info.other_sheets.iter().cloned()) {
                    if ui.selectable_label(s == current, &s).clicked() && s != current {
                        self.sheet = Some(s);
                        sheet_changed = true;
                    }
                }
            });
        }
        ui.add_space(4.0);
        ui.label(if self.mapping.is_none() && preview.guessed {
            "Which column holds what (guessed from the headers and values; change any):"
        } else {
            "Which column holds what:"
        });
        let mut mapping = preview.mapping.clone();
        // The fields most tables have first; ids, place details, bounds and bases folded.
        let (main, more) = Field::ALL.split_at(13);
        let mut grid = |ui: &mut egui::Ui, id: &str, fields: &[Field]| {
            egui::Grid::new(id).num_columns(4).spacing([12.0, 4.0]).show(ui, |ui| {
                for (i, field) in fields.iter().copied().enumerate() {
                    let current = mapping.get(field).map(str::to_owned);
                    let shown = current.clone().unwrap_or_else(|| "—".to_owned());
                    egui::ComboBox::from_label(field.label()).selected_text(shown).width(150.0).show_ui(ui, |ui| {
                        if ui.selectable_label(current.is_none(), "—").clicked() && current.is_some() {
                            mapping.set(field, None);
                            changed = true;
                        }
                        for h in &preview.headers {
                            if ui.selectable_label(current.as_deref() == Some(h), h).clicked()
                                && current.as_deref() != Some(h)
                            {
                                mapping.set(field, Some(h.clone()));
                                changed = true;
                            }
                        }
                    });
                    if i % 2 == 1 {
                        ui.end_row();
                    }
                }
            });
        };
        let mapped_more = more.iter().filter(|f| preview.mapping.get(**f).is_some()).count();
        grid(ui, "import-mapping", main);
        egui::CollapsingHeader::new(format!(
            "More fields: ids, country, precision, bounds, bases ({mapped_more} mapped)"
        ))
        .id_salt("import-more")
        .show(ui, |ui| grid(ui, "import-mapping-more", more));
        if sheet_changed {
            // Another sheet has other columns: guess again.
            self.mapping = None;
            self.reload();
        } else if changed {
            self.mapping = Some(mapping.clone());
            self.reload();
        }
        if let Err(e) = mapping.resolve(&preview.headers) {
            ui.colored_label(Color32::from_rgb(0xb0, 0x20, 0x20), e);
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let label = ui.label("Write the dataset folder to:");
            ui.add(egui::TextEdit::singleline(&mut self.out).desired_width(380.0)).labelled_by(label.id);
            if ui.button("Choose…").clicked() {
                events.push(ImportEvent::ChooseFolder);
            }
        });
        ui.horizontal(|ui| {
            let ready = self.running.is_none() && self.preview_rx.is_none() && !self.out.trim().is_empty();
            if ui.add_enabled(ready, egui::Button::new("Import and open")).clicked() {
                self.mapping = Some(mapping.clone());
                self.start();
            }
            if ui
                .button("Save mapping…")
                .on_hover_text("Save which column holds what, to repeat the import (crossings import --mapping FILE)")
                .clicked()
            {
                let stem = self.path.file_stem().map_or("import".into(), |s| s.to_string_lossy().into_owned());
                events.push(ImportEvent::SaveMapping(mapping.to_json(), format!("{stem}.mapping.json")));
            }
            if ui
                .button("Load mapping…")
                .on_hover_text("Use a mapping saved from an earlier import of a file with the same columns")
                .clicked()
            {
                events.push(ImportEvent::LoadMapping);
            }
            if ui.button("Close").clicked() {
                events.push(ImportEvent::Close);
            }
            if self.running.is_some() {
                ui.spinner();
                ui.label("Importing…");
            }
        });
        ui.add_space(6.0);
        ui.label(format!("The first {} rows, as they will be read:", preview.rows.len()));
        egui::ScrollArea::horizontal().id_salt("import-preview").show(ui, |ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            egui::Grid::new("import-rows").striped(true).spacing([10.0, 2.0]).show(ui, |ui| {
                ui.strong("Row");
                for h in &preview.headers {
                    let field = Field::ALL.into_iter().find(|f| mapping.get(*f) == Some(h.as_str()));
                    ui.vertical(|ui| {
                        ui.strong(h);
                        if let Some(f) = field {
                            ui.small(format!("→ {}", f.label()));
                        }
                    });
                }
                ui.end_row();
                for (number, cells) in &preview.rows {
                    ui.label(number.to_string());
                    for c in cells {
                        ui.vertical(|ui| {
                            ui.label(truncated(&c.text, 40));
                            if let Some(r) = &c.reading {
                                ui.small(RichText::new(truncated(r, 60)).color(Color32::from_rgb(0x20, 0x60, 0x30)));
                            }
                            if let Some(p) = &c.problem {
                                // A warning (the cell is used, changed as said) in amber; a cell
                                // that cannot be used in red.
                                let color = if c.warning {
                                    Color32::from_rgb(0x9a, 0x60, 0x00)
                                } else {
                                    Color32::from_rgb(0xb0, 0x20, 0x20)
                                };
                                // Cut as the readings are, so one long message does not
                                // widen its column; the whole of it on hover.
                                ui.small(RichText::new(truncated(p, 60)).color(color)).on_hover_text(p);
                            }
                        });
                    }
                    ui.end_row();
                }
            });
        });
        if let Some(o) = &self.outcome {
            ui.separator();
            let color = if o.error { Color32::from_rgb(0xb0, 0x20, 0x20) } else { ui.visuals().text_color() };
            ui.colored_label(color, &o.summary);
            if !o.problems.is_empty() {
                ui.label(format!("{} rows or cells could not be used, or only in part:", o.problems.len() + o.more));
                egui::ScrollArea::vertical().id_salt("import-problems").max_height(160.0).show(ui, |ui| {
                    for p in &o.problems {
                        ui.small(p);
                    }
                    if o.more > 0 {
                        ui.small(format!("… and {} more (crossings import lists them all)", o.more));
                    }
                });
            }
        }
    }

    /// Sets the folder to write (from the folder dialog).
    pub fn set_out(&mut self, dir: &Path) {
        self.out = dir.display().to_string();
    }
}

/// `returnees.csv` is written to `returnees-atlas/` beside it (`-2`, `-3` … if taken).
fn default_out(path: &Path) -> PathBuf {
    let stem = path.file_stem().map_or("import".into(), |s| s.to_string_lossy().into_owned());
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut out = dir.join(format!("{stem}-atlas"));
    let mut n = 2;
    while out.exists() {
        out = dir.join(format!("{stem}-atlas-{n}"));
        n += 1;
    }
    out
}

fn truncated(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

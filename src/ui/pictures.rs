//! File > Export image… and File > Export animation…: one dialog with the picture's settings,
//! a preview drawn by the same painter as the file, and the export run off the UI thread with
//! progress and a Cancel button.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

use egui::Ui;

use crate::chronology::{Day, FuzzyDate, TimeWindow};
use crate::geometry::{Bbox, Mercator};
use crate::model::{Dataset, PersonIx, PlaceIx};
use crate::picture::{
    self, Animation, AnimationFormat, Area, Decorations, Format, Page, Paper, Rasterizer, Renderer, Request, Step,
};
use crate::query::Visibility;

/// What a picture is made of, taken from the window when the dialog opens or the map changes.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The dataset.
    pub dataset: Arc<Dataset>,
    /// What the filter shows.
    pub vis: Arc<Visibility>,
    /// The time window, if one is set.
    pub window: Option<TimeWindow>,
    /// The overlay layers the map shows, first on top.
    pub overlays: Vec<crate::overlay::StyledOverlay>,
    /// The selected places.
    pub selected: Vec<PlaceIx>,
    /// The person whose journey is drawn.
    pub person: Option<PersonIx>,
    /// What the map shows now.
    pub view: Bbox<Mercator>,
    /// The years the dataset's dated events span.
    pub extent: Option<TimeWindow>,
    /// The months the timeline shows (what its playback runs over), first and last.
    pub playback: (i32, i32),
    /// The playback's speed, months per second.
    pub months_per_second: f32,
    /// The themes shown (an animation's frames follow them too).
    pub themes: crate::query::Themes,
}

impl Snapshot {
    /// A still picture of the snapshot.
    fn request<'a>(
        &'a self,
        selected: &'a [PlaceIx],
        area: Area,
        page: Page,
        decorations: &'a Decorations,
    ) -> Request<'a> {
        Request {
            vis: &self.vis,
            selected,
            person: self.person,
            journey_until: None,
            area,
            page,
            decorations,
            window: self.window,
        }
    }
}

/// Which dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One picture.
    Image,
    /// The years as an animation.
    Animation,
}

/// The part of the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AreaChoice {
    View,
    Selection,
    Fit,
}

/// The dialog's settings (what the preview and the export follow).
#[derive(Clone, Debug, PartialEq)]
struct Settings {
    format: Format,
    anim_format: AnimationFormat,
    paper: Option<Paper>,
    width: u32,
    height: u32,
    landscape: bool,
    dpi: f32,
    area: AreaChoice,
    title: String,
    stamp: bool,
    legend: bool,
    scale_bar: bool,
    attribution: bool,
    sources: bool,
    from: String,
    to: String,
    step: Step,
    window: u32,
    fps: u32,
}

/// An export in progress.
struct Running {
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
    result: Receiver<Result<String, String>>,
}

/// The export dialog.
pub struct PictureDialog {
    kind: Kind,
    settings: Settings,
    path: String,
    snapshot: Snapshot,
    /// The settings and snapshot generation the preview shows, and its texture.
    preview: Option<(String, egui::TextureHandle)>,
    preview_job: Option<(String, Receiver<Result<egui::ColorImage, String>>)>,
    preview_error: Option<String>,
    running: Option<Running>,
    /// The last export's outcome, in words (and whether it failed).
    pub outcome: Option<(String, bool)>,
    generation: u64,
    /// The ffmpeg MP4 export would use, if one was found.
    ffmpeg: Option<PathBuf>,
    /// The path as the dialog made it, while the user has not changed it.
    auto_path: Option<String>,
}

impl std::fmt::Debug for PictureDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PictureDialog({:?})", self.kind)
    }
}

/// What the dialog asks of the window.
#[derive(Clone, Debug, PartialEq)]
pub enum DialogEvent {
    /// Closed.
    Close,
    /// Open the native save dialog for this file name; its answer goes to [`PictureDialog::set_path`].
    Choose(String),
    /// An export finished (the status line says so too).
    Finished(String, bool),
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default()
}

impl PictureDialog {
    /// A dialog for the window's state.
    pub fn new(kind: Kind, snapshot: Snapshot) -> PictureDialog {
        // An image: the window shown. An animation: the slider's playback, over the months
        // the timeline shows, a month a frame at the playback's speed.
        let (from, to) = match (kind, snapshot.window) {
            (Kind::Image, Some(w)) if !w.start.is_open() && !w.end.is_open() => (w.start, w.end),
            _ => (Day::from_month_index(snapshot.playback.0), Day::from_month_index(snapshot.playback.1)),
        };
        let month = |d: Day| d.iso().get(..7).unwrap_or_default().to_owned();
        let settings = Settings {
            format: Format::Png,
            anim_format: AnimationFormat::Gif,
            paper: None,
            width: if kind == Kind::Image { 1920 } else { 1280 },
            height: if kind == Kind::Image { 1080 } else { 720 },
            landscape: true,
            dpi: 300.0,
            area: if snapshot.selected.is_empty() { AreaChoice::View } else { AreaChoice::Selection },
            title: String::new(),
            stamp: true,
            legend: true,
            scale_bar: true,
            attribution: true,
            sources: false,
            from: month(from),
            to: month(to),
            step: Step::Month,
            window: 1,
            fps: snapshot.months_per_second.round().clamp(1.0, 30.0) as u32,
        };
        let mut d = PictureDialog {
            kind,
            settings,
            path: String::new(),
            snapshot,
            preview: None,
            preview_job: None,
            preview_error: None,
            running: None,
            outcome: None,
            generation: 0,
            ffmpeg: picture::find_ffmpeg(),
            auto_path: None,
        };
        d.path = home().join(d.file_name()).display().to_string();
        d.auto_path = Some(d.path.clone());
        d
    }

    /// Which dialog this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Takes a new snapshot of the window (the map moved, the filter changed).
    pub fn set_snapshot(&mut self, snapshot: Snapshot) {
        self.snapshot = snapshot;
        self.generation += 1;
    }

    /// Sets where the export goes (from the native save dialog).
    pub fn set_path(&mut self, path: PathBuf) {
        self.path = path.display().to_string();
        self.auto_path = None;
    }

    /// Whether the preview shows the current settings.
    pub fn has_preview(&self) -> bool {
        self.preview.as_ref().is_some_and(|(k, _)| *k == self.preview_key())
    }

    /// The path the export will write to.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether an export is running.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    fn extension(&self) -> &'static str {
        match self.kind {
            Kind::Image => self.settings.format.extension(),
            Kind::Animation => match self.settings.anim_format {
                AnimationFormat::Gif => "gif",
                AnimationFormat::Mp4 => "mp4",
                AnimationFormat::Frames => "",
            },
        }
    }

    fn file_name(&self) -> String {
        let stem = match (self.kind, self.snapshot.window) {
            (Kind::Image, Some(w)) if !w.start.is_open() && !w.end.is_open() => {
                format!("crossings-{}", w.start.iso().get(..7).unwrap_or("map"))
            }
            (Kind::Image, _) => "crossings-map".to_owned(),
            (Kind::Animation, _) => format!("crossings-{}-{}", self.settings.from, self.settings.to),
        };
        match self.extension() {
            "" => format!("{stem}-frames"),
            ext => format!("{stem}.{ext}"),
        }
    }

    /// Keeps the path in step with the format chosen: a name the dialog made is made again
    /// (`crossings-1945-08.svg`); a name the user gave keeps its stem, with the new extension.
    fn follow_format(&mut self) {
        let p = PathBuf::from(self.path.trim());
        let made_here = self.auto_path.as_deref() == Some(self.path.as_str());
        self.path = if made_here {
            let parent = p.parent().map(PathBuf::from).unwrap_or_else(home);
            parent.join(self.file_name()).display().to_string()
        } else {
            p.with_extension(self.extension()).display().to_string()
        };
        self.auto_path = made_here.then(|| self.path.clone());
    }

    fn page(&self) -> Page {
        let s = &self.settings;
        match s.paper {
            Some(p) => Page::paper(p, s.landscape, s.dpi),
            None => Page::pixels(s.width, s.height),
        }
    }

    fn decorations(&self) -> Decorations {
        let s = &self.settings;
        let stamp = s.stamp.then(|| match (self.kind, self.snapshot.window.or(self.snapshot.extent)) {
            (Kind::Image, Some(w)) => w.describe(),
            _ => String::new(),
        });
        Decorations {
            title: Some(s.title.trim().to_owned()).filter(|t| !t.is_empty()),
            stamp,
            legend: s.legend,
            scale_bar: s.scale_bar,
            attribution: s.attribution,
            sources: s.sources,
        }
    }

    fn area(&self) -> Area {
        match self.settings.area {
            AreaChoice::View => Area::Box(self.snapshot.view),
            AreaChoice::Selection | AreaChoice::Fit => Area::Fit,
        }
    }

    fn selected(&self) -> Vec<PlaceIx> {
        match self.settings.area {
            AreaChoice::Selection => self.snapshot.selected.clone(),
            _ => Vec::new(),
        }
    }

    fn animation(&self) -> Result<Animation, String> {
        let s = &self.settings;
        let from = FuzzyDate::parse(s.from.trim()).map_err(|e| format!("From: {e}"))?.earliest;
        let to = FuzzyDate::parse(s.to.trim()).map_err(|e| format!("To: {e}"))?.earliest;
        if to < from {
            return Err("To is before From".to_owned());
        }
        Ok(Animation {
            from,
            to,
            step: s.step,
            window: s.window.max(1),
            fps: s.fps.max(1),
            page: self.page(),
            decorations: self.decorations(),
            selected: self.selected(),
            person: self.snapshot.person,
            area: self.area(),
            themes: self.snapshot.themes,
            overlays: self.snapshot.overlays.clone(),
        })
    }

    /// Starts the export to the path in the field.
    pub fn start_export(&mut self) {
        if self.running.is_some() {
            return;
        }
        let path = PathBuf::from(self.path.trim());
        let (tx, rx) = channel();
        let done = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(1));
        let cancel = Arc::new(AtomicBool::new(false));
        let (d, t, c) = (done.clone(), total.clone(), cancel.clone());
        let snap = self.snapshot.clone();
        match self.kind {
            Kind::Image => {
                let (page, decorations, area, selected) =
                    (self.page(), self.decorations(), self.area(), self.selected());
                let format = self.settings.format;
                std::thread::spawn(move || {
                    let result = (|| -> Result<String, picture::PictureError> {
                        page.check()?;
                        let mut r = Renderer::new(&snap.dataset)?;
                        r.set_overlays(snap.overlays.clone());
                        let req = snap.request(&selected, area, page, &decorations);
                        r.check_not_empty(&req, snap.window)?;
                        let mut bytes = Vec::new();
                        picture::write_picture(&mut r, &req, format, None, &mut bytes)?;
                        d.store(1, Ordering::Relaxed);
                        if c.load(Ordering::Relaxed) {
                            return Err(picture::PictureError::Cancelled);
                        }
                        crate::export::write_atomic(&path, &bytes)?;
                        let [w, h] = page.pixel_size();
                        Ok(format!("Wrote a {w} × {h} {} to {}", format.extension().to_uppercase(), path.display()))
                    })();
                    let _ = tx.send(result.map_err(|e| e.to_string()));
                });
            }
            Kind::Animation => {
                let anim = match self.animation() {
                    Ok(a) => a,
                    Err(e) => {
                        self.outcome = Some((e, true));
                        return;
                    }
                };
                t.store(anim.windows().len(), Ordering::Relaxed);
                let format = self.settings.anim_format;
                std::thread::spawn(move || {
                    let progress = |n: usize, _: usize| d.store(n, Ordering::Relaxed);
                    let result = picture::animate(&snap.dataset, &anim, format, &path, &progress, &c)
                        .map(|w| format!("Wrote {} frames ({}) to {}", w.frames, w.encoder, path.display()));
                    let _ = tx.send(result.map_err(|e| e.to_string()));
                });
            }
        }
        self.outcome = None;
        self.running = Some(Running { done, total, cancel, result: rx });
    }

    fn preview_key(&self) -> String {
        format!("{}:{:?}:{:?}", self.generation, self.kind, self.settings)
    }

    /// Starts drawing the preview if the settings changed and none is being drawn.
    fn refresh_preview(&mut self) {
        let key = self.preview_key();
        if self.preview.as_ref().is_some_and(|(k, _)| *k == key) || self.preview_job.is_some() {
            return;
        }
        let page = self.page();
        let size = page.size;
        // The same composition, fewer pixels: at most 460 × 300.
        let ppp = (460.0 / size[0]).min(300.0 / size[1]);
        let small = Page { size, pixels_per_point: ppp, paper: page.paper };
        let (tx, rx) = channel();
        let snap = self.snapshot.clone();
        let kind = self.kind;
        let (decorations, area, selected) = (self.decorations(), self.area(), self.selected());
        let anim = self.animation();
        std::thread::spawn(move || {
            let result = (|| -> Result<egui::ColorImage, String> {
                if size[0] < 16.0 || size[1] < 16.0 {
                    return Err("the size is too small".to_owned());
                }
                let mut r = Renderer::new(&snap.dataset).map_err(|e| e.to_string())?;
                r.set_overlays(snap.overlays.clone());
                let comp = match kind {
                    Kind::Image => {
                        let req = snap.request(&selected, area, small, &decorations);
                        r.check_not_empty(&req, snap.window).map_err(|e| e.to_string())?;
                        r.compose(&req)
                    }
                    Kind::Animation => {
                        let mut anim = anim?;
                        anim.page = small;
                        let area = anim.view(&r).map_err(|e| e.to_string())?;
                        let first = anim.windows().first().copied().ok_or("no frame")?;
                        let (vis, decorations) = anim.frame(&snap.dataset, first);
                        r.compose(&anim.request(&vis, &decorations, first, area))
                    }
                };
                let pixmap = Rasterizer::new().pixmap(&mut r, &comp, small).map_err(|e| e.to_string())?;
                let rgba = picture::straight_rgba(&pixmap);
                Ok(egui::ColorImage::from_rgba_unmultiplied([pixmap.width() as usize, pixmap.height() as usize], &rgba))
            })();
            let _ = tx.send(result);
        });
        self.preview_job = Some((key, rx));
    }

    fn poll(&mut self, ctx: &egui::Context) -> Vec<DialogEvent> {
        let mut out = Vec::new();
        if let Some((key, rx)) = &self.preview_job
            && let Ok(result) = rx.try_recv()
        {
            let key = key.clone();
            self.preview_job = None;
            match result {
                Ok(image) => {
                    let texture = ctx.load_texture("picture-preview", image, egui::TextureOptions::LINEAR);
                    self.preview = Some((key, texture));
                    self.preview_error = None;
                }
                Err(e) => {
                    self.preview = None;
                    self.preview_error = Some(e);
                }
            }
        }
        if let Some(run) = &self.running
            && let Ok(result) = run.result.try_recv()
        {
            self.running = None;
            let (text, error) = match result {
                Ok(t) => (t, false),
                Err(e) if e == "cancelled" => ("Cancelled; nothing was written".to_owned(), false),
                Err(e) => (format!("Export failed: {e}"), true),
            };
            self.outcome = Some((text.clone(), error));
            out.push(DialogEvent::Finished(text, error));
            // The window grows to hold the outcome on the next frame.
            ctx.request_repaint();
        }
        if self.preview_job.is_some() || self.running.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        out
    }

    /// Draws the dialog; gives what it asks of the window.
    pub fn ui(&mut self, ctx: &egui::Context, area: egui::Rect) -> Vec<DialogEvent> {
        let mut out = self.poll(ctx);
        let before = self.settings.clone();
        let title = match self.kind {
            Kind::Image => "Export image",
            Kind::Animation => "Export animation",
        };
        let mut open = true;
        // Own Close button: egui's title-bar buttons carry no accessible name.
        // Above the map's own overlays (the legend, the zoom buttons), which are areas too.
        egui::Window::new(title)
            .order(egui::Order::Foreground)
            .constrain_to(area)
            .collapsible(false)
            .resizable(false)
            .default_width(500.0)
            .show(ctx, |ui| self.contents(ui, &mut out, &mut open));
        if self.settings.format != before.format
            || self.settings.anim_format != before.anim_format
            || (self.kind == Kind::Animation && (self.settings.from != before.from || self.settings.to != before.to))
        {
            self.follow_format();
        }
        self.refresh_preview();
        if !open {
            if let Some(run) = &self.running {
                run.cancel.store(true, Ordering::Relaxed);
            }
            out.push(DialogEvent::Close);
        }
        out
    }

    fn contents(&mut self, ui: &mut Ui, out: &mut Vec<DialogEvent>, open: &mut bool) {
        let running = self.running.is_some();
        ui.add_enabled_ui(!running, |ui| self.settings_ui(ui));
        ui.separator();
        // The preview: what will be written, drawn by the same painter.
        let (rect, _) = ui.allocate_exact_size(egui::vec2(460.0, 300.0), egui::Sense::hover());
        ui.painter().rect_filled(rect, 2.0, egui::Color32::from_gray(230));
        if let Some((_, texture)) = &self.preview {
            let size = texture.size_vec2();
            let r = egui::Rect::from_center_size(rect.center(), size);
            ui.painter().image(
                texture.id(),
                r,
                egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                egui::Color32::WHITE,
            );
        } else if let Some(e) = &self.preview_error {
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                e,
                egui::FontId::proportional(13.0),
                super::style::ERROR_TEXT,
            );
        } else {
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "Drawing the preview…",
                egui::FontId::proportional(13.0),
                egui::Color32::from_gray(90),
            );
        }
        ui.separator();
        ui.horizontal(|ui| {
            let label = ui.label("Save to:");
            ui.add_enabled(!running, egui::TextEdit::singleline(&mut self.path).desired_width(330.0))
                .labelled_by(label.id);
            if ui.add_enabled(!running, egui::Button::new("Choose…")).clicked() {
                out.push(DialogEvent::Choose(self.file_name()));
            }
        });
        ui.horizontal(|ui| {
            if let Some(run) = &self.running {
                let (done, total) = (run.done.load(Ordering::Relaxed), run.total.load(Ordering::Relaxed).max(1));
                ui.add(
                    egui::ProgressBar::new(done as f32 / total as f32)
                        .desired_width(300.0)
                        .text(format!("{done} of {total}")),
                );
                if ui.button("Cancel").clicked() {
                    run.cancel.store(true, Ordering::Relaxed);
                }
            } else if ui.button("Export").clicked() && !self.path.trim().is_empty() {
                self.start_export();
            }
            if ui.button("Close").clicked() {
                *open = false;
            }
        });
        if let Some((text, error)) = &self.outcome {
            let color = if *error { super::style::ERROR_TEXT } else { ui.visuals().text_color() };
            ui.colored_label(color, text);
        }
    }

    fn settings_ui(&mut self, ui: &mut Ui) {
        let kind = self.kind;
        let has_ffmpeg = self.ffmpeg.is_some();
        let has_selection = !self.snapshot.selected.is_empty();
        let s = &mut self.settings;
        egui::Grid::new("picture-settings").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            ui.label("Format");
            ui.horizontal(|ui| match kind {
                Kind::Image => {
                    for f in Format::ALL {
                        ui.radio_value(&mut s.format, f, f.extension().to_uppercase());
                    }
                }
                Kind::Animation => {
                    ui.radio_value(&mut s.anim_format, AnimationFormat::Gif, "GIF");
                    // MP4 is written by a system ffmpeg: without one, say so here.
                    let mp4 = if has_ffmpeg { "MP4" } else { "MP4 (needs ffmpeg: none found)" };
                    ui.add_enabled_ui(has_ffmpeg, |ui| ui.radio_value(&mut s.anim_format, AnimationFormat::Mp4, mp4));
                    ui.radio_value(&mut s.anim_format, AnimationFormat::Frames, "PNG frames");
                }
            });
            ui.end_row();
            ui.label("Size");
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    ui.radio_value(&mut s.paper, None, "Pixels");
                    for p in Paper::ALL {
                        ui.radio_value(&mut s.paper, Some(p), p.label());
                    }
                });
                ui.horizontal(|ui| match s.paper {
                    None => {
                        let w = ui.label("width");
                        ui.add(egui::DragValue::new(&mut s.width).range(16..=picture::MAX_SIDE)).labelled_by(w.id);
                        let h = ui.label("height");
                        ui.add(egui::DragValue::new(&mut s.height).range(16..=picture::MAX_SIDE)).labelled_by(h.id);
                        ui.label("px");
                    }
                    Some(_) => {
                        let d = ui.label("DPI");
                        ui.add(egui::DragValue::new(&mut s.dpi).range(36.0..=1200.0)).labelled_by(d.id);
                        ui.checkbox(&mut s.landscape, "Landscape");
                    }
                });
            });
            ui.end_row();
            ui.label("Area");
            ui.horizontal(|ui| {
                ui.radio_value(&mut s.area, AreaChoice::View, "The map's view");
                if has_selection {
                    ui.radio_value(&mut s.area, AreaChoice::Selection, "The selection");
                }
                ui.radio_value(&mut s.area, AreaChoice::Fit, "Everything shown");
            });
            ui.end_row();
            let t = ui.label("Title");
            ui.add(egui::TextEdit::singleline(&mut s.title).hint_text("none").desired_width(320.0)).labelled_by(t.id);
            ui.end_row();
            ui.label("Show");
            ui.horizontal_wrapped(|ui| {
                ui.checkbox(&mut s.stamp, "Date");
                ui.checkbox(&mut s.legend, "Legend");
                ui.checkbox(&mut s.scale_bar, "Scale bar");
                ui.checkbox(&mut s.attribution, "Attribution");
                ui.checkbox(&mut s.sources, "Sources caption");
            });
            ui.end_row();
            if kind == Kind::Animation {
                ui.label("Frames");
                ui.horizontal(|ui| {
                    let f = ui.label("from");
                    ui.add(egui::TextEdit::singleline(&mut s.from).desired_width(70.0)).labelled_by(f.id);
                    let t = ui.label("to");
                    ui.add(egui::TextEdit::singleline(&mut s.to).desired_width(70.0)).labelled_by(t.id);
                    ui.radio_value(&mut s.step, Step::Month, "monthly");
                    ui.radio_value(&mut s.step, Step::Year, "yearly");
                });
                ui.end_row();
                ui.label("Timing");
                ui.horizontal(|ui| {
                    let w = ui.label("window (steps)");
                    ui.add(egui::DragValue::new(&mut s.window).range(1..=600)).labelled_by(w.id);
                    let f = ui.label("frames per second");
                    ui.add(egui::DragValue::new(&mut s.fps).range(1..=60)).labelled_by(f.id);
                });
                ui.end_row();
            }
        });
    }
}

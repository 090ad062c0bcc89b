//! The application: persisted [`AppState`], runtime resources, and the frame that draws the
//! panels and the map and then applies the [`Action`]s they returned.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use egui::{Key, Ui};
use serde::{Deserialize, Serialize};
use walkers::{Map, MapMemory, lon_lat};

use crate::basemap::Detail;
use crate::chronology::{Histogram, TimeCommand, TimeControl, TimeFilter};
use crate::dataset::{Loaded, Problem};
use crate::export::{ExportRequest, Format};
use crate::model::{Dataset, PersonIx, PlaceIx};
use crate::query::{Themes, Visibility, visibility};

use super::batch::{ClusterGrid, PlaceStatics};
use super::map::{BasemapPlugin, JourneyPlugin, MapEvent, MarkersPlugin, MercatorLayer, Stop, mercator_normalized};
use super::panels;
use super::timeline::{DateField, TimelineView, timeline_ui};

/// A map view: centre and zoom.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapView {
    /// Centre longitude.
    pub lon: f64,
    /// Centre latitude.
    pub lat: f64,
    /// Web-mercator zoom.
    pub zoom: f64,
}

/// What survives a restart. Unknown or missing fields fall back to defaults, and a state that
/// cannot be read at all is ignored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppState {
    /// Selected place ids; the last is the one the right panel shows.
    pub selection: Vec<String>,
    /// The person the right panel shows.
    pub person: Option<String>,
    /// The search text.
    pub search: String,
    /// Themes switched on.
    pub themes: Themes,
    /// The time slider.
    pub time: TimeControl,
    /// The visible stretch of the timeline.
    pub timeline: Option<TimelineView>,
    /// The map view.
    pub view: Option<MapView>,
}

impl AppState {
    /// Where the state is saved: `crossings-state.json` in eframe's storage folder.
    pub fn default_path() -> Option<PathBuf> {
        eframe::storage_dir("crossings").map(|d| d.join("crossings-state.json"))
    }

    /// Reads a saved state. A missing file gives `None`; an unreadable, corrupt or foreign one
    /// is reported on standard error and ignored, never fatal.
    pub fn load(path: &std::path::Path) -> Option<AppState> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                eprintln!("crossings: ignoring the saved view {}: {e}", path.display());
                return None;
            }
        };
        match serde_json::from_str(&text) {
            Ok(state) => Some(state),
            Err(e) => {
                eprintln!("crossings: ignoring the saved view {} (it cannot be read: {e})", path.display());
                None
            }
        }
    }

    /// Saves the state atomically (write, sync, rename): a crash mid-save keeps the old file.
    pub fn save(&self, path: &std::path::Path) -> Result<(), crate::export::WriteError> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        crate::export::write_atomic(path, text.as_bytes())
    }
}

/// Something the user asked for, applied after the frame is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Select one place (and centre the map on it when `true`).
    SelectPlace(PlaceIx, bool),
    /// Add a place to the selection or remove it.
    TogglePlace(PlaceIx),
    /// Replace the selection with these places (a box, or "select all shown").
    SelectMany(Vec<PlaceIx>),
    /// Clear the selection and the person.
    ClearSelection,
    /// Show a person (or go back).
    SelectPerson(Option<PersonIx>),
    /// New search text.
    Search(String),
    /// New theme filter.
    SetThemes(Themes),
    /// A time command.
    Time(TimeCommand),
    /// Fit the map to the places that show.
    FitAll,
    /// Zoom in (+1) or out (-1).
    Zoom(i32),
    /// Show or hide the problems window.
    ShowProblems(bool),
    /// Choose a dataset folder to open.
    OpenDataset,
    /// Export the selection (or all shown places when nothing is selected).
    Export,
}

/// A message in the status bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    /// The words.
    pub text: String,
    /// An error.
    pub error: bool,
}

/// A save-dialog stand-in (tests inject one; the app uses rfd).
pub type SaveDialog = Arc<dyn Fn(&str) -> Option<PathBuf> + Send + Sync>;
/// A folder-dialog stand-in.
pub type FolderDialog = Arc<dyn Fn() -> Option<PathBuf> + Send + Sync>;

enum JobResult {
    Exported(Result<(PathBuf, usize), String>),
    Opened(Result<Box<Prepared>, String>),
    Layers(Detail, MercatorLayer),
}

/// A loaded dataset with everything the window derives from it, built off the UI thread so
/// opening a large dataset never freezes the window.
pub struct Prepared {
    loaded: Loaded,
    dataset: Arc<Dataset>,
    statics: Arc<PlaceStatics>,
    grid: ClusterGrid,
    list: panels::PlaceListCache,
    bounds: (i32, i32),
    histogram: Histogram,
}

impl Prepared {
    /// Derives the indexes, the map's per-place data, the place list and the histogram.
    pub fn new(mut loaded: Loaded) -> Prepared {
        let dataset = Arc::new(std::mem::take(&mut loaded.dataset));
        // The map's side on a second thread, the list and the histogram here: at a million
        // events each takes about a third of a second.
        let ((statics, grid), (list, bounds, histogram)) = std::thread::scope(|s| {
            let map = s.spawn(|| {
                let statics = PlaceStatics::build(&dataset);
                let grid = ClusterGrid::build(&statics);
                (statics, grid)
            });
            let list = panels::PlaceListCache::new(&dataset);
            let bounds = data_bounds(&dataset);
            let histogram = histogram_of(&dataset, bounds);
            (map.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), (list, bounds, histogram))
        });
        Prepared { loaded, dataset, statics: Arc::new(statics), grid, list, bounds, histogram }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct CacheKey {
    filter: TimeFilter,
    themes: Themes,
    generation: u64,
}

/// The Crossings window.
pub struct CrossingsApp {
    /// Persisted state.
    pub state: AppState,
    dataset: Arc<Dataset>,
    problems: Vec<Problem>,
    label: String,
    /// The window title last sent (it names the dataset and the time window).
    title: String,
    generation: u64,
    bounds: (i32, i32),
    histogram: Histogram,
    selection: Vec<PlaceIx>,
    person: Option<PersonIx>,
    map_memory: MapMemory,
    layers: [Option<MercatorLayer>; 3],
    cache: Option<(CacheKey, Visibility)>,
    /// Bumped whenever the visibility is recomputed (lets panels memoize on it).
    vis_generation: u64,
    statics: Arc<PlaceStatics>,
    /// Cluster counts for the cached visibility, and the dataset generation they were built for.
    grid: (ClusterGrid, u64),
    frame_items: Option<(super::map::FrameKey, super::batch::FrameItems)>,
    list: panels::PlaceListCache,
    date_field: DateField,
    /// The last status message.
    pub status: Option<Status>,
    show_problems: bool,
    pending_fit: bool,
    /// While the user has not touched the map, keep the first view fitted as panels settle.
    auto_fit: Option<egui::Vec2>,
    jobs_tx: Sender<JobResult>,
    jobs_rx: Receiver<JobResult>,
    busy: Option<String>,
    progress: Option<Arc<crate::dataset::Progress>>,
    save_dialog: SaveDialog,
    folder_dialog: FolderDialog,
    fonts_installed: bool,
}

/// Centre and zoom that fit lon/lat points in a view of `size` points (web mercator, 256-px
/// tiles), keeping `margin` (`[left, right, top, bottom]` points) free for the overlays.
pub fn fit_view(points: &[[f64; 2]], size: egui::Vec2, margin: [f32; 4]) -> Option<MapView> {
    let [left, right, top, bottom] = margin.map(f64::from);
    if points.is_empty() {
        return None;
    }
    let n: Vec<[f64; 2]> = points.iter().map(|p| mercator_normalized(p[0], p[1])).collect();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for p in &n {
        x0 = x0.min(p[0]);
        y0 = y0.min(p[1]);
        x1 = x1.max(p[0]);
        y1 = y1.max(p[1]);
    }
    let w = (f64::from(size.x) - left - right).max(50.0);
    let h = (f64::from(size.y) - top - bottom).max(50.0);
    let zx = (w / ((x1 - x0).max(1e-6) * 256.0)).log2();
    let zy = (h / ((y1 - y0).max(1e-6) * 256.0)).log2();
    let zoom = zx.min(zy).clamp(1.0, 12.0);
    // Shift the centre so the points sit in the middle of the free area.
    let scale = 256.0 * zoom.exp2();
    let cx = (x0 + x1) / 2.0 + (right - left) / 2.0 / scale;
    let cy = (y0 + y1) / 2.0 + (bottom - top) / 2.0 / scale;
    let lon = cx * 360.0 - 180.0;
    Some(MapView { lon, lat: unmercator_lat(cy), zoom })
}

/// Latitude of a normalized web-mercator y.
fn unmercator_lat(y: f64) -> f64 {
    ((1.0 - 2.0 * y) * std::f64::consts::PI).sinh().atan().to_degrees()
}

fn data_bounds(dataset: &Dataset) -> (i32, i32) {
    match dataset.date_extent() {
        Some((a, b)) => (a.month_index(), b.month_index()),
        None => (1931 * 12, 1958 * 12 + 11),
    }
}

fn histogram_of(dataset: &Dataset, bounds: (i32, i32)) -> Histogram {
    Histogram::build(dataset.events.iter().filter_map(|e| e.date.date_span()), bounds.0, bounds.1)
}

/// The places the atlas is about: the first view shows them all.
const CORE_PLACES: [&str; 6] = ["taihang", "yanan", "zhenyuan", "harbin", "maizuru", "quang-ngai"];

impl CrossingsApp {
    /// Creates the app inside eframe: restores state, installs fonts, starts building the basemap.
    pub fn new(cc: &eframe::CreationContext<'_>, loaded: Loaded) -> CrossingsApp {
        // Our own file, written atomically; eframe's storage keeps window and panel sizes.
        let state = AppState::default_path().and_then(|p| AppState::load(&p)).unwrap_or_default();
        super::fonts::install(&cc.egui_ctx);
        let mut app = CrossingsApp::with_state(loaded, state);
        let ctx = cc.egui_ctx.clone();
        app.build_basemap_in_background(Some(ctx));
        app
    }

    /// Creates the app without eframe (tests): the basemap is built on demand, dialogs do nothing.
    pub fn with_state(loaded: Loaded, state: AppState) -> CrossingsApp {
        let (jobs_tx, jobs_rx) = channel();
        let mut app = CrossingsApp {
            state,
            dataset: Arc::new(Dataset::default()),
            problems: Vec::new(),
            label: String::new(),
            title: String::new(),
            generation: 0,
            bounds: (0, 0),
            histogram: Histogram::default(),
            selection: Vec::new(),
            person: None,
            map_memory: MapMemory::default(),
            layers: [None, None, None],
            cache: None,
            vis_generation: 0,
            statics: Arc::new(PlaceStatics::build(&Dataset::default())),
            grid: (ClusterGrid::default(), u64::MAX),
            frame_items: None,
            list: panels::PlaceListCache::default(),
            date_field: DateField::default(),
            status: None,
            show_problems: false,
            pending_fit: false,
            auto_fit: None,
            jobs_tx,
            jobs_rx,
            busy: None,
            progress: None,
            save_dialog: Arc::new(|name: &str| {
                rfd::FileDialog::new().set_file_name(name).add_filter("GeoJSON", &["geojson", "json"]).save_file()
            }),
            folder_dialog: Arc::new(|| {
                rfd::FileDialog::new().set_title("Open a Crossings dataset folder").pick_folder()
            }),
            fonts_installed: false,
        };
        app.set_data(loaded);
        if let Some(v) = app.state.view {
            app.map_memory.center_at(lon_lat(v.lon, v.lat));
            let _ = app.map_memory.set_zoom(v.zoom);
        } else {
            app.auto_fit = Some(egui::Vec2::ZERO);
        }
        app
    }

    /// Replaces the save dialog (tests).
    pub fn set_save_dialog(&mut self, dialog: SaveDialog) {
        self.save_dialog = dialog;
    }

    /// Replaces the folder dialog (tests).
    pub fn set_folder_dialog(&mut self, dialog: FolderDialog) {
        self.folder_dialog = dialog;
    }

    /// The dataset shown.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The selected places.
    pub fn selection(&self) -> &[PlaceIx] {
        &self.selection
    }

    /// The person shown.
    pub fn person(&self) -> Option<PersonIx> {
        self.person
    }

    /// The current visibility (computing it if needed).
    pub fn visibility(&mut self) -> &Visibility {
        self.refresh_cache();
        &self.cache.as_ref().expect("cache was just refreshed").1
    }

    /// The map view now.
    pub fn map_view(&self) -> MapView {
        let c = self.map_memory.detached().unwrap_or(lon_lat(120.0, 35.0));
        MapView { lon: c.x(), lat: c.y(), zoom: self.map_memory.zoom() }
    }

    fn set_data(&mut self, loaded: Loaded) {
        self.install(Prepared::new(loaded));
    }

    fn install(&mut self, prepared: Prepared) {
        let Prepared { loaded, dataset, statics, grid, list, bounds, histogram } = prepared;
        // The old dataset may hold a million events: free it off the UI thread.
        let old = (std::mem::replace(&mut self.dataset, dataset), std::mem::replace(&mut self.statics, statics));
        if old.0.events.len() > 10_000 {
            std::thread::spawn(move || drop(old));
        }
        self.frame_items = None;
        self.list = list;
        self.problems = loaded.problems;
        self.label = loaded.label;
        self.generation += 1;
        self.grid = (grid, self.generation);
        self.bounds = bounds;
        self.histogram = histogram;
        self.selection = self.state.selection.iter().filter_map(|id| self.dataset.place_by_id(id)).collect();
        self.person = self.state.person.as_deref().and_then(|id| self.dataset.person_by_id(id));
        self.cache = None;
        if self.state.timeline.is_none() {
            // Open on the dense part: 1937-1958 when the data covers it.
            let first = (1937 * 12).clamp(self.bounds.0, self.bounds.1);
            let last = (1958 * 12 + 11).clamp(self.bounds.0, self.bounds.1);
            self.state.timeline = Some(TimelineView { first, last: last.max(first + 12) });
        }
    }

    fn build_basemap_in_background(&mut self, ctx: Option<egui::Context>) {
        let tx = self.jobs_tx.clone();
        std::thread::spawn(move || {
            for d in Detail::ALL {
                let layer = MercatorLayer::new(&crate::basemap::build_layer(d));
                if tx.send(JobResult::Layers(d, layer)).is_err() {
                    return;
                }
                if let Some(c) = &ctx {
                    c.request_repaint();
                }
            }
        });
    }

    fn layer_slot(d: Detail) -> usize {
        match d {
            Detail::Coarse => 0,
            Detail::Medium => 1,
            Detail::Fine => 2,
        }
    }

    /// The slot of the best basemap level ready for a zoom (building the coarse one on demand).
    fn layer_for(&mut self, zoom: f64) -> usize {
        let want = Self::layer_slot(Detail::for_zoom(zoom));
        if self.layers.iter().all(Option::is_none) {
            self.layers[0] = Some(MercatorLayer::new(&crate::basemap::build_layer(Detail::Coarse)));
        }
        (0..=want).rev().find(|i| self.layers[*i].is_some()).unwrap_or(0)
    }

    fn refresh_cache(&mut self) {
        let key = CacheKey { filter: self.state.time.filter(), themes: self.state.themes, generation: self.generation };
        if self.cache.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let from_generation = self.vis_generation;
        self.vis_generation += 1;
        // While the slider is dragged only the window moves: shift the visibility and update
        // the clusters and the place list for the places that changed, instead of redoing all.
        if let Some((old, vis)) = self.cache.as_mut()
            && old.themes == key.themes
            && old.generation == key.generation
            && self.grid.1 == key.generation
        {
            let mut changed = Vec::new();
            if vis.shift_window(&self.dataset, &old.filter, &key.filter, &key.themes, &mut changed) {
                self.grid.0.update(vis, &changed);
                self.list.follow(vis, &changed, from_generation, self.vis_generation);
                *old = key;
                return;
            }
        }
        let vis = visibility(&self.dataset, &key.filter, &key.themes);
        if self.grid.1 == key.generation {
            self.grid.0.invalidate();
        } else {
            self.grid = (ClusterGrid::build(&self.statics), key.generation);
        }
        self.cache = Some((key, vis));
    }

    fn poll_jobs(&mut self, ctx: &egui::Context) {
        while let Ok(job) = self.jobs_rx.try_recv() {
            match job {
                JobResult::Layers(d, layer) => self.layers[Self::layer_slot(d)] = Some(layer),
                JobResult::Exported(Ok((path, n))) => {
                    self.busy = None;
                    self.status =
                        Some(Status { text: format!("Exported {n} places to {}", path.display()), error: false });
                }
                JobResult::Exported(Err(e)) => {
                    self.busy = None;
                    self.status = Some(Status { text: format!("Export failed: {e}"), error: true });
                }
                JobResult::Opened(Ok(loaded)) => {
                    self.busy = None;
                    self.progress = None;
                    let warnings = loaded.loaded.problems.iter().filter(|p| p.is_warning()).count();
                    let n = loaded.loaded.problems.len() - warnings;
                    let label = loaded.loaded.label.clone();
                    self.state.selection.clear();
                    self.state.person = None;
                    self.install(*loaded);
                    self.pending_fit = true;
                    self.show_problems = n + warnings > 0;
                    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
                    self.status = Some(Status {
                        text: match (n, warnings) {
                            (0, 0) => format!("Opened {label}"),
                            (0, w) => {
                                format!("Opened {label} with {} (dates with no outer bound)", plural(w, "warning"))
                            }
                            (n, 0) => {
                                format!("Opened {label} with {} (invalid records left out)", plural(n, "problem"))
                            }
                            (n, w) => format!(
                                "Opened {label} with {} and {} (invalid records left out)",
                                plural(n, "problem"),
                                plural(w, "warning")
                            ),
                        },
                        error: n > 0,
                    });
                }
                JobResult::Opened(Err(e)) => {
                    self.busy = None;
                    self.progress = None;
                    self.status = Some(Status {
                        text: format!("Could not open the dataset: {e}. The current data is kept."),
                        error: true,
                    });
                }
            }
        }
        if self.busy.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn keyboard(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let mut out = Vec::new();
        let typing = ctx.memory(|m| m.focused().is_some()) && ctx.egui_wants_keyboard_input();
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::F)) {
            ctx.memory_mut(|m| m.request_focus(panels::search_id()));
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::E)) {
            out.push(Action::Export);
        }
        if ctx.input(|i| i.key_pressed(Key::Escape)) {
            out.push(Action::ClearSelection);
            ctx.memory_mut(|m| {
                if let Some(f) = m.focused() {
                    m.surrender_focus(f);
                }
            });
        }
        if typing {
            return out;
        }
        ctx.input(|i| {
            let year = i.modifiers.shift;
            if i.key_pressed(Key::ArrowRight) {
                out.push(Action::Time(TimeCommand::Step(if year { 12 } else { 1 })));
            }
            if i.key_pressed(Key::ArrowLeft) {
                out.push(Action::Time(TimeCommand::Step(if year { -12 } else { -1 })));
            }
            if i.key_pressed(Key::Home) {
                out.push(Action::Time(TimeCommand::Home));
            }
            if i.key_pressed(Key::End) {
                out.push(Action::Time(TimeCommand::End));
            }
            if i.key_pressed(Key::Space) {
                out.push(Action::Time(TimeCommand::TogglePlay));
            }
            if i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals) {
                out.push(Action::Zoom(1));
            }
            if i.key_pressed(Key::Minus) {
                out.push(Action::Zoom(-1));
            }
        });
        out
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::SelectPlace(p, center) => {
                self.selection = vec![p];
                self.person = None;
                if center {
                    self.auto_fit = None;
                    let ll = self.dataset.place(p).lon_lat;
                    self.map_memory.center_at(lon_lat(ll.lon, ll.lat));
                }
            }
            Action::TogglePlace(p) => {
                if let Some(i) = self.selection.iter().position(|x| *x == p) {
                    self.selection.remove(i);
                } else {
                    self.selection.push(p);
                }
                self.person = None;
            }
            Action::SelectMany(places) => {
                self.selection = places;
                self.person = None;
            }
            Action::ClearSelection => {
                self.selection.clear();
                self.person = None;
            }
            Action::SelectPerson(p) => self.person = p,
            Action::Search(s) => self.state.search = s,
            Action::SetThemes(t) => self.state.themes = t,
            Action::Time(cmd) => {
                self.state.time.apply(cmd, self.bounds);
                // A refused typed date stays on screen until the next change of time succeeds.
                self.date_field.error = None;
            }
            Action::FitAll => self.pending_fit = true,
            Action::Zoom(d) => {
                self.auto_fit = None;
                let _ = if d > 0 { self.map_memory.zoom_in() } else { self.map_memory.zoom_out() };
            }
            Action::ShowProblems(on) => self.show_problems = on,
            Action::OpenDataset => {
                if self.busy.is_some() {
                    return;
                }
                self.busy = Some("Opening dataset…".to_owned());
                let progress = Arc::new(crate::dataset::Progress::default());
                self.progress = Some(progress.clone());
                let tx = self.jobs_tx.clone();
                let dialog = self.folder_dialog.clone();
                std::thread::spawn(move || {
                    let result = match dialog() {
                        None => Err("no folder chosen".to_owned()),
                        Some(dir) => crate::dataset::load(
                            crate::dataset::Input::Folder(&dir),
                            &crate::dataset::LoadOptions { progress: Some(&progress), ..Default::default() },
                        )
                        .map(|loaded| Box::new(Prepared::new(loaded)))
                        .map_err(|e| e.to_string()),
                    };
                    let _ = tx.send(JobResult::Opened(result));
                });
            }
            Action::Export => self.start_export(),
        }
        self.state.selection = self.selection.iter().map(|p| self.dataset.place(*p).id.clone()).collect();
        self.state.person = self.person.map(|p| self.dataset.person(p).id.clone());
    }

    fn start_export(&mut self) {
        if self.busy.is_some() {
            return;
        }
        self.refresh_cache();
        let places: Vec<PlaceIx> = if self.selection.is_empty() {
            self.cache.as_ref().map(|c| c.1.shown_places().collect()).unwrap_or_default()
        } else {
            self.selection.clone()
        };
        let request = ExportRequest {
            places: Some(places),
            time: self.state.time.filter(),
            themes: self.state.themes,
            format: Format::Geojson,
        };
        let name = match self.selection.as_slice() {
            [one] => format!("crossings-{}.geojson", self.dataset.place(*one).id),
            _ => "crossings-export.geojson".to_owned(),
        };
        self.busy = Some("Exporting…".to_owned());
        let tx = self.jobs_tx.clone();
        let dialog = self.save_dialog.clone();
        let dataset = self.dataset.clone();
        std::thread::spawn(move || {
            let result = match dialog(&name) {
                None => Err("cancelled; nothing was written".to_owned()),
                Some(path) => crate::export::export_file(&path, &dataset, &request)
                    .map(|counts| (path, counts.places))
                    .map_err(|e| e.to_string()),
            };
            let _ = tx.send(JobResult::Exported(result));
        });
    }

    fn journey(&self, vis: &Visibility) -> Vec<Stop> {
        let Some(person) = self.person else { return Vec::new() };
        let mut stops: Vec<Stop> = Vec::new();
        for e in &self.dataset.person_events[person.ix()] {
            if !vis.events[e.ix()].is_shown() {
                continue;
            }
            let ev = self.dataset.event(*e);
            let Some(p) = ev.place else { continue };
            let ll = self.dataset.place(p).lon_lat;
            let date = ev.date.describe();
            match stops.last_mut() {
                Some(last) if last.lon_lat == [ll.lon, ll.lat] => {
                    if !last.date.ends_with(&date) {
                        last.date = format!("{}, {date}", last.date);
                    }
                }
                _ => stops.push(Stop { lon_lat: [ll.lon, ll.lat], date }),
            }
        }
        stops
    }

    /// Fits the map to the core places (`core`, the opening view) or to what shows now.
    fn fit(&mut self, size: egui::Vec2, vis: &Visibility, core: bool) {
        let core_points: Vec<[f64; 2]> = CORE_PLACES
            .iter()
            .filter_map(|id| self.dataset.place_by_id(id))
            .map(|p| self.dataset.place(p).lon_lat)
            .map(|l| [l.lon, l.lat])
            .collect();
        let shown: Vec<[f64; 2]> =
            vis.shown_places().map(|p| self.dataset.place(p).lon_lat).map(|l| [l.lon, l.lat]).collect();
        let points = if core && !core_points.is_empty() { core_points } else { shown };
        // The zoom buttons sit top-left and the legend bottom-left.
        let margin = [70.0, 40.0, 40.0, 190.0];
        if let Some(v) = fit_view(&points, size, margin) {
            self.map_memory.center_at(lon_lat(v.lon, v.lat));
            let _ = self.map_memory.set_zoom(v.zoom);
        }
    }

    /// Draws one frame into `ui` and applies what the user did.
    pub fn ui_frame(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if !self.fonts_installed {
            super::fonts::install(&ctx);
            self.fonts_installed = true;
        }
        self.poll_jobs(&ctx);
        let dt = ctx.input(|i| i.stable_dt).min(0.1);
        if self.state.time.tick(dt, self.bounds) || self.state.time.playing {
            ctx.request_repaint();
        }
        let mut actions = self.keyboard(&ctx);
        // The title says what is shown: a teacher's screenshot, a task bar, and the real-window
        // tests read it.
        let title = format!("Crossings — {} — {}", self.label, super::timeline::describe(&self.state.time));
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        self.refresh_cache();
        let dataset = self.dataset.clone();
        let (vis_key, vis) = self.cache.take().expect("cache was just refreshed");
        let statics = self.statics.clone();

        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| {
                    if ui.button("Open dataset…").clicked() {
                        actions.push(Action::OpenDataset);
                    }
                    if ui.add(egui::Button::new("Export selected…").shortcut_text("Ctrl+E")).clicked() {
                        actions.push(Action::Export);
                    }
                });
                ui.menu_button("View", |ui| {
                    if ui.button("Fit all").clicked() {
                        actions.push(Action::FitAll);
                    }
                    if ui.button("Data problems").clicked() {
                        actions.push(Action::ShowProblems(true));
                    }
                });
                ui.separator();
                ui.label(&self.label);
                if !self.problems.is_empty() && ui.small_button(format!("⚠ {} problems", self.problems.len())).clicked()
                {
                    actions.push(Action::ShowProblems(true));
                }
                if let Some(b) = &self.busy {
                    ui.spinner();
                    ui.label(b);
                    if let Some(p) = &self.progress {
                        ui.add(egui::ProgressBar::new(p.fraction()).desired_width(160.0).show_percentage());
                    }
                }
                if let Some(s) = &self.status {
                    if s.error {
                        ui.colored_label(super::style::ERROR_TEXT, &s.text);
                    } else {
                        ui.label(&s.text);
                    }
                }
            });
        });
        egui::Panel::bottom("timeline").resizable(false).show(ui, |ui| {
            let mut view = self.state.timeline.unwrap_or(TimelineView { first: self.bounds.0, last: self.bounds.1 });
            let cmds = timeline_ui(
                ui,
                &self.state.time,
                &self.histogram,
                self.bounds,
                &mut view,
                &mut self.date_field,
                (vis.shown_event_count(), vis.certain_events),
            );
            self.state.timeline = Some(view);
            actions.extend(cmds.into_iter().map(Action::Time));
        });
        egui::Panel::left("places").resizable(true).default_size(280.0).size_range(200.0..=420.0).show(ui, |ui| {
            actions.extend(panels::place_list_ui(
                ui,
                &dataset,
                &vis,
                self.vis_generation,
                &self.state.search,
                &self.state.themes,
                &self.selection,
                &mut self.list,
            ));
        });
        egui::Panel::right("detail").resizable(true).default_size(360.0).size_range(260.0..=620.0).show(ui, |ui| {
            let more = match (self.person, self.selection.last()) {
                (Some(p), _) => panels::person_ui(ui, &dataset, &vis, p),
                (None, Some(p)) => {
                    let mut a = panels::selection_ui(ui, &dataset, &self.selection);
                    a.extend(panels::place_ui(ui, &dataset, &vis, *p));
                    a
                }
                (None, None) => panels::overview_ui(ui, &dataset, self.problems.len()),
            };
            actions.extend(more);
        });
        let journey = self.journey(&vis);
        egui::CentralPanel::no_frame().show(ui, |ui| {
            let size = ui.available_size();
            if self.pending_fit {
                self.fit(size, &vis, false);
                self.pending_fit = false;
            } else if self.auto_fit.is_some_and(|s| s != size) {
                // The opening view: keep the core places in view while panels settle.
                self.fit(size, &vis, true);
                self.auto_fit = Some(size);
            }
            let zoom = self.map_memory.zoom();
            let slot = self.layer_for(zoom);
            let empty = MercatorLayer::default();
            let layer = self.layers[slot].as_ref().unwrap_or(&empty);
            let mut events = Vec::new();
            let selected = self.selection.clone();
            let ds = dataset.clone();
            let tooltip = move |p: PlaceIx| {
                let n = ds.place_events[p.ix()].len();
                let place = ds.place(p);
                format!("{} event{} · {}", n, if n == 1 { "" } else { "s" }, place.precision.as_str())
            };
            let shift = ui.input(|i| i.modifiers.shift);
            let response = Map::new(None, &mut self.map_memory, lon_lat(120.0, 35.0))
                // Shift+drag draws a selection box instead of panning.
                .drag_pan_buttons(if shift { egui::DragPanButtons::empty() } else { egui::DragPanButtons::PRIMARY })
                .with_plugin(BasemapPlugin { layer })
                .with_plugin(JourneyPlugin { stops: &journey })
                .with_plugin(MarkersPlugin {
                    statics: &statics,
                    grid: &mut self.grid.0,
                    vis: &vis,
                    selected: &selected,
                    tooltip: &tooltip,
                    events: &mut events,
                    cache: &mut self.frame_items,
                    vis_generation: self.vis_generation,
                })
                .double_click_to_zoom(true)
                .show(ui, |ui, _response, _projector, _memory| map_overlay_ui(ui));
            let touched = response.response.dragged()
                || response.response.double_clicked()
                || (response.response.hovered()
                    && ui.input(|i| i.smooth_scroll_delta != egui::Vec2::ZERO || i.zoom_delta() != 1.0));
            if touched || !response.inner.is_empty() {
                self.auto_fit = None;
            }
            actions.extend(response.inner);
            for e in events {
                match e {
                    MapEvent::Clicked { place, toggle: true } => actions.push(Action::TogglePlace(place)),
                    MapEvent::Clicked { place, toggle: false } => actions.push(Action::SelectPlace(place, false)),
                    MapEvent::Boxed(places) => actions.push(Action::SelectMany(places)),
                    MapEvent::ZoomTo(bounds) => {
                        let [x0, y0, x1, y1] = bounds;
                        let corners =
                            [[x0 * 360.0 - 180.0, unmercator_lat(y0)], [x1 * 360.0 - 180.0, unmercator_lat(y1)]];
                        if let Some(v) = fit_view(&corners, size, [40.0; 4]) {
                            self.map_memory.center_at(lon_lat(v.lon, v.lat));
                            let _ = self.map_memory.set_zoom(v.zoom.max(self.map_memory.zoom() + 1.0).min(18.0));
                        }
                    }
                }
            }
        });
        if self.show_problems {
            let mut open = true;
            // Own close button: egui's title-bar buttons carry no accessible name.
            egui::Window::new(format!("Data problems ({})", self.problems.len()))
                .collapsible(false)
                .default_width(700.0)
                .show(&ctx, |ui| {
                    ui.horizontal(|ui| {
                        ui.label("Each problem names its file, line and column, and the record. Invalid records are left out; the rest is shown.");
                        if ui.button("Close").clicked() {
                            open = false;
                        }
                    });
                    // Many problems: only the rows in view are laid out.
                    let row = ui.text_style_height(&egui::TextStyle::Monospace);
                    egui::ScrollArea::vertical().max_height(400.0).show_rows(ui, row, self.problems.len(), |ui, range| {
                        for p in &self.problems[range] {
                            ui.monospace(p.to_string());
                        }
                    });
                });
            if !open {
                actions.push(Action::ShowProblems(false));
            }
        }
        // Put back what the visibility was computed for; if this frame changed the filter, the
        // next refresh_cache sees the difference.
        self.cache = Some((vis_key, vis));
        for a in actions {
            self.apply(a);
        }
        self.state.view = Some(self.map_view());
    }
}

/// Zoom buttons, fit-all, the legend and the credit, over the map.
fn map_overlay_ui(ui: &mut Ui) -> Vec<Action> {
    let mut out = Vec::new();
    let rect = ui.max_rect();
    egui::Area::new(ui.scope_id().with("zoom")).fixed_pos(rect.left_top() + egui::vec2(10.0, 10.0)).show(
        ui.ctx(),
        |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                if ui.button("+").on_hover_text("Zoom in (+)").clicked() {
                    out.push(Action::Zoom(1));
                }
                if ui.button("−").on_hover_text("Zoom out (-)").clicked() {
                    out.push(Action::Zoom(-1));
                }
                if ui.button("Fit all").on_hover_text("Show every place that is shown now").clicked() {
                    out.push(Action::FitAll);
                }
            });
        },
    );
    egui::Area::new(ui.scope_id().with("legend"))
        .pivot(egui::Align2::LEFT_BOTTOM)
        .fixed_pos(rect.left_bottom() + egui::vec2(10.0, -24.0))
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                for t in crate::model::Theme::ALL {
                    ui.horizontal(|ui| {
                        let (r, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                        ui.painter().circle_filled(r.center(), 5.0, super::style::theme_color(t));
                        ui.small(t.label());
                    });
                }
                ui.small(
                    "dashed ring: approximate location · dashed square: a whole country · pale: possibly in the window",
                );
            });
        });
    let credit = ui.painter();
    credit.text(
        rect.right_bottom() + egui::vec2(-6.0, -4.0),
        egui::Align2::RIGHT_BOTTOM,
        crate::basemap::ATTRIBUTION,
        egui::FontId::proportional(11.0),
        super::style::FAINT_TEXT,
    );
    out
}

impl eframe::App for CrossingsApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.ui_frame(ui);
    }

    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        self.state.view = Some(self.map_view());
        if let Some(path) = AppState::default_path()
            && let Err(e) = self.state.save(&path)
        {
            eprintln!("crossings: could not save the view: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_puts_every_point_inside_the_free_area() {
        let points = [[109.49, 36.59], [126.63, 45.75], [108.8, 15.12], [135.33, 35.47]];
        let size = egui::vec2(600.0, 700.0);
        let margin = [70.0, 40.0, 40.0, 190.0];
        let v = fit_view(&points, size, margin).unwrap();
        let scale = 256.0 * v.zoom.exp2();
        let c = mercator_normalized(v.lon, v.lat);
        for p in points {
            let n = mercator_normalized(p[0], p[1]);
            let x = f64::from(size.x) / 2.0 + (n[0] - c[0]) * scale;
            let y = f64::from(size.y) / 2.0 + (n[1] - c[1]) * scale;
            assert!(x >= 69.0 && x <= f64::from(size.x) - 39.0, "{p:?} x={x}");
            assert!(y >= 39.0 && y <= f64::from(size.y) - 189.0, "{p:?} y={y}");
        }
    }
}

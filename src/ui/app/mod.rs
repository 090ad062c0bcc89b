//! The application: persisted [`AppState`], runtime resources, and the frame that draws the
//! panels and the map and then applies the [`Action`]s they returned.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use egui::{Key, Ui};
use serde::{Deserialize, Serialize};
use walkers::{Map, MapMemory, lon_lat};

use crate::basemap::Detail;
use crate::chronology::{Histogram, TimeCommand, TimeControl};
use crate::dataset::{Loaded, Problem};
use crate::export::{ExportRequest, Format};
use crate::geometry::{Bbox, LonLat, Mercator, ScreenPoint, ScreenTransform};
use crate::model::{Dataset, PersonIx, PlaceIx};
use crate::query::{Themes, Visibility};
use crate::scene::{ClusterGrid, MercatorLayer, PlaceStatics};

use super::action::Action;
use super::geometry::{point, screen_rect};
use super::map::{BasemapPlugin, ScenePlugin};
use super::panels;
use super::timeline::{DateField, TimelineView, timeline_ui};
use super::view::FilteredView;

mod database;
mod editing;

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
    /// Selected place ids; the last is the one the right panel shows. Written only when the
    /// state is saved ([`CrossingsApp::saved_state`]); read when the app starts.
    pub selection: Vec<String>,
    /// The person the right panel shows (written and read as `selection` is).
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
    /// The legend is folded away.
    pub legend_hidden: bool,
    /// Text size in steps of 10 % from normal (View > Text size, Ctrl+= and Ctrl+-).
    pub text_size: i32,
    /// Overlay layers, by path, first on top (File > Add layer…).
    pub layers: Vec<crate::overlay::LayerSettings>,
    /// The shared database opened last (File > Open database…), by its URL without the
    /// password: the address field starts from it.
    pub recent_database: Option<String>,
}

/// The smallest and largest text size steps (about 73 % and 177 %).
pub const TEXT_SIZE_STEPS: std::ops::RangeInclusive<i32> = -3..=6;

/// The scale of the whole window for a text size step.
pub fn text_scale(steps: i32) -> f32 {
    1.1f32.powi(steps.clamp(*TEXT_SIZE_STEPS.start(), *TEXT_SIZE_STEPS.end()))
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

/// A message in the status bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    /// The words.
    pub text: String,
    /// An error.
    pub error: bool,
}

/// What a file dialog gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Picked {
    /// The user chose this path.
    Path(PathBuf),
    /// The user closed the dialog.
    Cancelled,
    /// No dialog could be shown (no desktop portal, a bare window manager): the app asks for
    /// a path in a field instead.
    Unavailable,
}

impl From<Option<PathBuf>> for Picked {
    fn from(path: Option<PathBuf>) -> Picked {
        path.map_or(Picked::Cancelled, Picked::Path)
    }
}

/// A save-dialog stand-in (tests inject one; the app uses rfd).
pub type SaveDialog = Arc<dyn Fn(&str) -> Picked + Send + Sync>;
/// A folder-dialog stand-in.
pub type FolderDialog = Arc<dyn Fn() -> Picked + Send + Sync>;

/// Shows a file dialog to pick a file to import.
pub type OpenFileDialog = Arc<dyn Fn() -> Picked + Send + Sync>;

/// Runs a native dialog. rfd answers `None` both when the user cancels and when it could show
/// nothing; no one cancels a dialog within a quarter of a second, so an answer that quick
/// means there was no dialog. `CROSSINGS_NO_NATIVE_DIALOGS` skips the dialogs altogether.
fn native_dialog(show: impl FnOnce() -> Option<PathBuf>) -> Picked {
    if std::env::var_os("CROSSINGS_NO_NATIVE_DIALOGS").is_some() {
        return Picked::Unavailable;
    }
    let started = std::time::Instant::now();
    match show() {
        Some(path) => Picked::Path(path),
        None if started.elapsed() < std::time::Duration::from_millis(250) => Picked::Unavailable,
        None => Picked::Cancelled,
    }
}

/// What the picture dialog's snapshot of the window was taken for: the filter's generation, the
/// selection, the person and the map's view.
type PictureKey = (u64, Vec<PlaceIx>, Option<PersonIx>, [f64; 4]);

/// What a typed path is for, when no file dialog could be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    /// Where to export.
    Export,
    /// Which dataset folder to open.
    Open,
    /// Which file to import.
    Import,
    /// Which file to add as a layer.
    Layer,
    /// Which saved mapping the import should use.
    Mapping,
    /// The folder to copy the bundled dataset into, to edit it.
    CopyTo,
    /// The folder to save the edited dataset into (after a conflict).
    SaveCopy,
}

/// The path field shown instead of a file dialog.
#[derive(Clone, Debug)]
struct PathPrompt {
    purpose: PathPurpose,
    text: String,
}

/// A folder opened for editing with the edits restored into it (their records, as file and
/// id), or why it could not be.
type OpenedSession = Result<(Box<crate::edit::Session>, Vec<(String, String)>), String>;

enum JobResult {
    Exported(Result<(PathBuf, usize), String>),
    Opened(Result<Box<Prepared>, String>),
    Layers(Detail, MercatorLayer),
    /// No dialog could be shown: ask for the path in a field, this one filled in.
    NeedPath(PathPurpose, String),
    /// Where the picture export dialog should write (from the native save dialog).
    PicturePath(PathBuf),
    /// The file to import (from the open dialog).
    ImportFile(PathBuf),
    /// The folder an import should write (from the folder dialog).
    ImportOut(PathBuf),
    /// A status line from a background job.
    Status(String, bool),
    /// A layer file chosen in the dialog.
    LayerChosen(PathBuf),
    /// A saved import mapping chosen in the dialog.
    MappingChosen(PathBuf),
    /// A layer file read (or why not).
    LayerRead(PathBuf, Result<Arc<crate::overlay::Overlay>, String>),
    /// The folder chosen for the copy of the bundled dataset.
    CopyTo(PathBuf),
    /// The folder chosen to save the edits into.
    SaveCopy(PathBuf),
    /// A folder opened for editing (and the edits restored into it), or why not.
    EditSession(OpenedSession, Option<Box<crate::dataset::patch::PatchIndex>>),
    /// The shared database read again (why, and the atlas or why not).
    ReadAgain(String, Result<Box<Prepared>, String>),
    /// A save done off the UI thread, with the editor it took.
    Saved(Box<super::edit::Editor>, Result<crate::edit::Saved, String>),
}

/// The loaded dataset and what the window derives from it once: one value, replaced whole
/// when another dataset is opened.
struct Atlas {
    dataset: Arc<Dataset>,
    /// Per place: position, theme, label (what the scene reads).
    statics: Arc<PlaceStatics>,
    problems: Vec<Problem>,
    /// The dataset's name in the title and the menu bar.
    label: String,
    /// The first and last month of the data.
    bounds: (i32, i32),
    histogram: Histogram,
    /// The box of every place (the map's centre is kept in it, so the data stays in reach).
    extent: Option<Bbox<Mercator>>,
}

/// A loaded dataset with everything the window derives from it, built off the UI thread so
/// opening a large dataset never freezes the window.
pub struct Prepared {
    atlas: Atlas,
    view: FilteredView,
    /// The folder it was read from (`None`: bundled, or not from a folder).
    folder: Option<PathBuf>,
    /// The database it was read from, and the snapshot to follow its changes from.
    database: Option<(crate::db::Target, crate::db::Since)>,
}

impl Prepared {
    /// Derives the indexes, the map's per-place data, the place list and the histogram.
    pub fn new(loaded: Loaded) -> Prepared {
        let Loaded { dataset, problems, label } = loaded;
        let dataset = Arc::new(dataset);
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
        Prepared {
            atlas: Atlas {
                extent: Bbox::of(statics.pos.iter().copied()),
                dataset,
                statics: Arc::new(statics),
                problems,
                label,
                bounds,
                histogram,
            },
            view: FilteredView::new(grid, list),
            folder: None,
            database: None,
        }
    }
}

/// The Crossings window.
pub struct CrossingsApp {
    /// Persisted state.
    pub state: AppState,
    atlas: Atlas,
    /// What the filter shows, and all that follows it.
    view: FilteredView,
    /// The window title last sent (it names the dataset and the time window).
    title: String,
    /// The selected places; the last is the one the right panel shows.
    selection: Vec<PlaceIx>,
    /// The person the right panel shows.
    person: Option<PersonIx>,
    map_memory: MapMemory,
    /// Where the map was drawn last frame (zooming to a box fits it in there).
    map_rect: egui::Rect,
    /// The menu bar's bottom edge (windows open below it).
    menu_bottom: f32,
    /// The heights of the menu bar and the timeline, as their contents took them last frame.
    bar_sizes: [f32; 2],
    /// What covers the map (the zoom buttons, the legend, the credit), as of the last frame,
    /// and the map's rectangle then (they keep to its corners when it changes).
    overlays: Vec<crate::geometry::ScreenRect>,
    overlays_for: egui::Rect,
    /// While a search is on: the filter's generation and the search it was found for, and the
    /// shown places that match, sorted (the map dims the rest).
    highlight: Option<(u64, String, Vec<PlaceIx>)>,
    /// Whether the map has the keyboard focus (the arrow keys then pan it).
    map_focused: bool,
    /// When the last drag of the map ended (its glide is cut short soon after), in seconds.
    fling_from: Option<f64>,
    /// The selection and person before the last click on the map (a double click undoes it).
    before_click: Option<(Vec<PlaceIx>, Option<PersonIx>)>,
    layers: [Option<MercatorLayer>; 3],
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
    open_file_dialog: OpenFileDialog,
    /// The format File > Export selected as chose last (Ctrl+E repeats it).
    export_format: Format,
    import_dialog: Option<super::import::ImportDialog>,
    /// Layers read (or their error), by path; a path in `state.layers` missing here is read
    /// in the background.
    layer_reads: std::collections::HashMap<PathBuf, Result<Arc<crate::overlay::Overlay>, String>>,
    /// Layer files being read.
    overlays_loading: std::collections::HashSet<PathBuf>,
    layer_dialog: OpenFileDialog,
    /// Picks a saved import mapping (replaceable in tests).
    mapping_dialog: OpenFileDialog,
    /// The path field shown when no file dialog could be.
    path_prompt: Option<PathPrompt>,
    /// The picture export dialog, and what its snapshot of the window was taken for.
    picture_dialog: Option<super::pictures::PictureDialog>,
    picture_key: Option<PictureKey>,
    fonts_installed: bool,
    /// The dataset's folder (`None`: the bundled dataset, which is read-only).
    folder: Option<PathBuf>,
    /// Edit mode: the session, the form shown.
    editor: Option<super::edit::Editor>,
    /// Where editing journals are kept (`None`: edits are not journaled).
    journal_dir: Option<PathBuf>,
    /// The database the dataset shown was read from, and the thread following its changes.
    database: Option<database::Shared>,
    /// File > Open database…'s address field, while open.
    database_prompt: Option<database::Prompt>,
    /// Unsaved edits found in a journal at start, offered for restoring: the journal, the
    /// folder and the steps.
    restore_offer: Option<(PathBuf, PathBuf, Vec<crate::edit::Edit>)>,
    /// The window's close was held back to ask about unsaved edits; `true` once answered.
    quit_asked: bool,
    quit_confirmed: bool,
    /// A marker being dragged in edit mode: the place and where the drag began.
    dragging: Option<(PlaceIx, egui::Pos2)>,
    /// Records changed both here and on disk, found at the last save.
    conflicts: Option<Vec<crate::edit::Conflict>>,
    /// The ids of the dataset shown, for following edits ([`crate::dataset::patch`]); built at
    /// the first edit (or with the session, off the UI thread), dropped with the dataset.
    patch_index: Option<crate::dataset::patch::PatchIndex>,
    /// A save is being written off the UI thread (the editor is with it).
    saving: bool,
    /// Close the window once that save is done (Save and quit).
    quit_after_save: bool,
}

/// Centre and zoom that fit lon/lat points in a view of `size` points (web mercator, 256-px
/// tiles), keeping `margin` (`[left, right, top, bottom]` points) free for the overlays.
pub fn fit_view(points: &[LonLat], size: egui::Vec2, margin: [f32; 4]) -> Option<MapView> {
    let b = Bbox::of(points.iter().map(|p| Mercator::from(*p)))?;
    let (centre, zoom) = ScreenTransform::fit(b, [size.x, size.y], margin, [1.0, 12.0]);
    let centre = centre.to_lon_lat();
    Some(MapView { lon: centre.lon, lat: centre.lat, zoom })
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

/// The farthest out the map zooms: East Asia and the Pacific fill the window, not a stamp.
pub const MIN_ZOOM: f64 = 2.0;
/// The farthest in: a town's streets would need a basemap Crossings does not have offline.
pub const MAX_ZOOM: f64 = 11.0;
/// How long the map glides after a quick drag, in seconds.
const FLING_SECONDS: f64 = 0.25;
/// How far one press of an arrow key moves the map, in points.
const PAN_STEP: f32 = 100.0;

/// The places the atlas is about: the first view shows them all.
const CORE_PLACES: [&str; 6] = ["taihang", "yanan", "zhenyuan", "harbin", "maizuru", "quang-ngai"];

impl CrossingsApp {
    /// Creates the app inside eframe: restores state, installs fonts, starts building the basemap.
    pub fn new(cc: &eframe::CreationContext<'_>, loaded: Loaded, folder: Option<PathBuf>) -> CrossingsApp {
        // Our own file, written atomically; eframe's storage keeps window and panel sizes.
        let state = AppState::default_path().and_then(|p| AppState::load(&p)).unwrap_or_default();
        super::fonts::install(&cc.egui_ctx);
        let mut app = CrossingsApp::with_state(loaded, state);
        app.journal_dir = eframe::storage_dir("crossings").map(|d| d.join("journals"));
        app.set_folder(folder);
        let ctx = cc.egui_ctx.clone();
        app.build_basemap_in_background(Some(ctx));
        app
    }

    /// Creates the app without eframe (tests): the basemap is built on demand, dialogs do nothing.
    pub fn with_state(loaded: Loaded, state: AppState) -> CrossingsApp {
        let (jobs_tx, jobs_rx) = channel();
        let Prepared { atlas, view, .. } = Prepared::new(loaded);
        let mut app = CrossingsApp {
            state,
            atlas,
            view,
            title: String::new(),
            selection: Vec::new(),
            person: None,
            map_memory: MapMemory::default(),
            map_rect: egui::Rect::NOTHING,
            menu_bottom: 0.0,
            bar_sizes: [24.0, 120.0],
            overlays: Vec::new(),
            overlays_for: egui::Rect::NOTHING,
            highlight: None,
            map_focused: false,
            fling_from: None,
            before_click: None,
            layers: [None, None, None],
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
                // The filter follows the suggested name's extension (geojson, csv, gpkg, png …).
                let ext = name.rsplit('.').next().unwrap_or("geojson").to_owned();
                native_dialog(|| {
                    rfd::FileDialog::new().set_file_name(name).add_filter(ext.to_uppercase(), &[&ext]).save_file()
                })
            }),
            folder_dialog: Arc::new(|| {
                native_dialog(|| rfd::FileDialog::new().set_title("Choose a Crossings dataset folder").pick_folder())
            }),
            open_file_dialog: Arc::new(|| {
                native_dialog(|| {
                    rfd::FileDialog::new()
                        .set_title("Import a spreadsheet or GIS file")
                        .add_filter(
                            "Tables and GIS files",
                            &["csv", "tsv", "txt", "xlsx", "xls", "ods", "geojson", "json", "gpkg", "kml"],
                        )
                        .pick_file()
                })
            }),
            export_format: Format::Geojson,
            import_dialog: None,
            layer_reads: Default::default(),
            overlays_loading: Default::default(),
            layer_dialog: Arc::new(|| {
                native_dialog(|| {
                    rfd::FileDialog::new()
                        .set_title("Add a layer of lines or polygons")
                        .add_filter("Layers", &["geojson", "json", "gpkg", "kml", "shp"])
                        .pick_file()
                })
            }),
            mapping_dialog: Arc::new(|| {
                native_dialog(|| {
                    rfd::FileDialog::new()
                        .set_title("Load a saved import mapping")
                        .add_filter("Mappings", &["json"])
                        .pick_file()
                })
            }),
            path_prompt: None,
            picture_dialog: None,
            picture_key: None,
            fonts_installed: false,
            folder: None,
            editor: None,
            journal_dir: None,
            database: None,
            database_prompt: None,
            restore_offer: None,
            quit_asked: false,
            quit_confirmed: false,
            dragging: None,
            conflicts: None,
            patch_index: None,
            saving: false,
            quit_after_save: false,
        };
        // The saved selection, by id, is read once here; from now on it is kept by index.
        let dataset = &app.atlas.dataset;
        app.selection = app.state.selection.iter().filter_map(|id| dataset.place_by_id(id)).collect();
        app.person = app.state.person.as_deref().and_then(|id| dataset.person_by_id(id));
        app.open_timeline();
        if let Some(v) = app.state.view {
            app.map_memory.center_at(lon_lat(v.lon, v.lat));
            let _ = app.map_memory.set_zoom(v.zoom);
        } else {
            app.auto_fit = Some(egui::Vec2::ZERO);
        }
        app
    }

    /// The state to save: the persisted state with the selection and person written as ids.
    pub fn saved_state(&self) -> AppState {
        let dataset = &self.atlas.dataset;
        AppState {
            selection: self.selection.iter().map(|p| dataset.place(*p).id.clone()).collect(),
            person: self.person.map(|p| dataset.person(p).id.clone()),
            view: Some(self.map_view()),
            ..self.state.clone()
        }
    }

    /// Replaces the save dialog (tests).
    pub fn set_save_dialog(&mut self, dialog: SaveDialog) {
        self.save_dialog = dialog;
    }

    /// Replaces the folder dialog (tests).
    pub fn set_folder_dialog(&mut self, dialog: FolderDialog) {
        self.folder_dialog = dialog;
    }

    /// Replaces the dialog that picks a layer file (tests).
    pub fn set_layer_dialog(&mut self, dialog: OpenFileDialog) {
        self.layer_dialog = dialog;
    }

    /// Replaces the dialog that picks a saved import mapping (tests).
    pub fn set_mapping_dialog(&mut self, dialog: OpenFileDialog) {
        self.mapping_dialog = dialog;
    }

    /// Says which folder the dataset shown was read from (`None`: the bundled one), and offers
    /// to restore unsaved edits a journal holds for it.
    pub fn set_folder(&mut self, folder: Option<PathBuf>) {
        self.folder = folder;
        self.restore_offer = None;
        let (Some(dir), Some(jdir)) = (&self.folder, &self.journal_dir) else { return };
        let path = crate::edit::journal_path(jdir, dir);
        if let Ok((_, steps, cut)) = crate::edit::read_journal(&path)
            && !steps.is_empty()
        {
            if cut {
                eprintln!("crossings: the journal {} ends in a cut line, left out", path.display());
            }
            self.restore_offer = Some((path, dir.clone(), steps));
        }
    }

    /// Where editing journals are kept (tests; the app uses its data folder).
    pub fn set_journal_dir(&mut self, dir: Option<PathBuf>) {
        self.journal_dir = dir;
    }

    /// The editor, in edit mode (tests).
    pub fn editor(&self) -> Option<&super::edit::Editor> {
        self.editor.as_ref()
    }

    /// True when unsaved edits are offered for restoring (tests).
    pub fn restore_offered(&self) -> bool {
        self.restore_offer.is_some()
    }

    /// Reads a saved mapping into the import dialog, or says why it cannot.
    fn load_mapping(&mut self, path: &std::path::Path) {
        let Some(dialog) = self.import_dialog.as_mut() else { return };
        let read = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| crate::import::Mapping::from_json(&text));
        self.status = Some(match read {
            Ok(mapping) => {
                dialog.set_mapping(mapping);
                Status { text: format!("Mapping read from {}", path.display()), error: false }
            }
            Err(e) => Status { text: format!("Could not read the mapping {}: {e}", path.display()), error: true },
        });
    }

    /// Shows a file dialog off the UI thread: the file chosen comes back as `chosen(path)`; with
    /// no dialog on this system, the path field for `purpose` opens instead.
    fn pick_file(&self, dialog: OpenFileDialog, purpose: PathPurpose, chosen: fn(PathBuf) -> JobResult) {
        let tx = self.jobs_tx.clone();
        std::thread::spawn(move || match dialog() {
            Picked::Path(p) => _ = tx.send(chosen(p)),
            Picked::Cancelled => {}
            Picked::Unavailable => {
                let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
                let _ = tx.send(JobResult::NeedPath(purpose, home.display().to_string()));
            }
        });
    }

    /// Adds a layer file to the list (on top), coloured in turn, and reads it.
    fn add_layer(&mut self, path: PathBuf) {
        if self.state.layers.iter().any(|l| l.path == path) {
            self.status = Some(Status { text: format!("{} is already a layer", path.display()), error: false });
            return;
        }
        let color = crate::overlay::LAYER_COLORS[self.state.layers.len() % crate::overlay::LAYER_COLORS.len()];
        // Read again: the file may have changed since it was last read.
        self.layer_reads.remove(&path);
        self.state.layers.insert(0, crate::overlay::LayerSettings { path, color, ..Default::default() });
    }

    /// Applies a change from the layer list.
    fn change_layer(&mut self, i: usize, change: super::action::LayerChange) {
        use super::action::LayerChange;
        if i >= self.state.layers.len() {
            return;
        }
        match change {
            LayerChange::Set(settings) => self.state.layers[i] = settings,
            LayerChange::Up if i > 0 => self.state.layers.swap(i, i - 1),
            LayerChange::Down if i + 1 < self.state.layers.len() => self.state.layers.swap(i, i + 1),
            LayerChange::Remove => {
                let gone = self.state.layers.remove(i);
                self.layer_reads.remove(&gone.path);
            }
            LayerChange::Up | LayerChange::Down => {}
        }
    }

    /// Replaces the dialog that picks a file to import (tests).
    pub fn set_open_file_dialog(&mut self, dialog: OpenFileDialog) {
        self.open_file_dialog = dialog;
    }

    /// The import dialog, if open (tests).
    pub fn import_dialog(&self) -> Option<&super::import::ImportDialog> {
        self.import_dialog.as_ref()
    }

    /// The dataset shown.
    pub fn dataset(&self) -> &Dataset {
        &self.atlas.dataset
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
        self.follow_filter();
        self.view.visibility()
    }

    /// Brings the filtered view up to the state's filter.
    fn follow_filter(&mut self) {
        self.view.set(&self.atlas.dataset, self.state.time.filter(), self.state.themes);
    }

    /// The map's scene as last drawn, if the map was drawn.
    pub fn scene(&self) -> Option<&crate::scene::Scene> {
        self.view.last_scene()
    }

    /// Where the map was drawn in the last frame, in points.
    pub fn map_rect(&self) -> egui::Rect {
        self.map_rect
    }

    /// The map view now.
    pub fn map_view(&self) -> MapView {
        let c = self.map_memory.detached().unwrap_or(lon_lat(120.0, 35.0));
        MapView { lon: c.x(), lat: c.y(), zoom: self.map_memory.zoom() }
    }

    /// Replaces the dataset and everything derived from it.
    fn install(&mut self, prepared: Prepared) {
        let Prepared { atlas, view, .. } = prepared;
        self.patch_index = None;
        self.view = view;
        // The old dataset may hold a million events: free it off the UI thread.
        let old = std::mem::replace(&mut self.atlas, atlas);
        if old.dataset.events.len() > 10_000 {
            std::thread::spawn(move || drop(old));
        }
        self.open_timeline();
    }

    /// Opens the timeline on the dense part, 1937-1958, when the data covers it (unless a
    /// saved stretch is restored).
    fn open_timeline(&mut self) {
        if self.state.timeline.is_none() {
            let bounds = self.atlas.bounds;
            let first = (1937 * 12).clamp(bounds.0, bounds.1);
            let last = (1958 * 12 + 11).clamp(bounds.0, bounds.1);
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

    fn poll_jobs(&mut self, ctx: &egui::Context) {
        self.follow_database();
        while let Ok(job) = self.jobs_rx.try_recv() {
            match job {
                JobResult::Layers(d, layer) => self.layers[Self::layer_slot(d)] = Some(layer),
                JobResult::Exported(Ok((path, n))) => {
                    self.busy = None;
                    self.status =
                        Some(Status { text: format!("Exported {n} places to {}", path.display()), error: false });
                }
                JobResult::ImportFile(path) => self.import_dialog = Some(super::import::ImportDialog::new(path)),
                JobResult::ImportOut(path) => {
                    if let Some(d) = self.import_dialog.as_mut() {
                        d.set_out(&path);
                    }
                }
                JobResult::Status(text, error) => self.status = Some(Status { text, error }),
                JobResult::LayerChosen(path) => self.add_layer(path),
                JobResult::MappingChosen(path) => self.load_mapping(&path),
                JobResult::CopyTo(path) => self.copy_bundled(&path),
                JobResult::SaveCopy(path) => self.save_copy(&path),
                JobResult::EditSession(opened, index) => self.session_opened(opened, index),
                JobResult::ReadAgain(why, result) => self.read_again_done(ctx, why, result),
                JobResult::Saved(editor, saved) => {
                    self.editor = Some(*editor);
                    self.saved(saved);
                    if self.quit_after_save {
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                }
                JobResult::LayerRead(path, result) => {
                    self.overlays_loading.remove(&path);
                    match &result {
                        Ok(o) => {
                            let skipped = o.problems.len();
                            let text = format!(
                                "Layer {}: {} features{}",
                                o.name,
                                o.features,
                                if skipped > 0 {
                                    format!(", {skipped} left out (see the layer list)")
                                } else {
                                    String::new()
                                }
                            );
                            self.status = Some(Status { text, error: false });
                        }
                        Err(e) => self.status = Some(Status { text: format!("Layer not read: {e}"), error: true }),
                    }
                    self.layer_reads.insert(path, result);
                }
                JobResult::Exported(Err(e)) => {
                    self.busy = None;
                    self.status = Some(Status { text: format!("Export failed: {e}"), error: true });
                }
                JobResult::Opened(Ok(mut loaded)) => {
                    self.busy = None;
                    self.progress = None;
                    let warnings = loaded.atlas.problems.iter().filter(|p| p.is_warning()).count();
                    let n = loaded.atlas.problems.len() - warnings;
                    let label = loaded.atlas.label.clone();
                    self.selection.clear();
                    self.person = None;
                    self.editor = None;
                    let folder = loaded.folder.clone();
                    let database = loaded.database.take();
                    // The database followed until now (if any) is left: its follower stops.
                    self.database = None;
                    self.install(*loaded);
                    match database {
                        Some((target, since)) => {
                            self.database_prompt = None;
                            self.set_database(ctx, target, since);
                        }
                        None => self.set_folder(folder),
                    }
                    self.pending_fit = true;
                    self.show_problems = n + warnings > 0;
                    let plural = crate::counted;
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
                JobResult::PicturePath(path) => {
                    if let Some(d) = self.picture_dialog.as_mut() {
                        d.set_path(path);
                    }
                }
                JobResult::NeedPath(purpose, text) => {
                    self.busy = None;
                    self.progress = None;
                    self.path_prompt = Some(PathPrompt { purpose, text });
                }
                JobResult::Opened(Err(e)) => {
                    self.busy = None;
                    self.progress = None;
                    self.database_failed(&e);
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
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::E)) {
            out.push(Action::ExportPicture(super::pictures::Kind::Image));
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::E)) {
            out.push(Action::Export);
        }
        // A text field has the keyboard (the map's focus is only for its arrow keys).
        let in_field = typing && !self.map_focused;
        if self.editor.is_some() {
            use super::edit::EditOp;
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::S)) {
                // A field being typed in is left first, so what it holds is saved too.
                ctx.memory_mut(|m| {
                    if let Some(f) = m.focused() {
                        m.surrender_focus(f);
                    }
                });
                out.push(Action::Edit(EditOp::Save));
            }
            // While a field has the keyboard, Ctrl+Z undoes typing in it (the field's own undo).
            if !in_field {
                let redo = ctx.input_mut(|i| {
                    i.consume_key(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::Z)
                        | i.consume_key(egui::Modifiers::COMMAND, Key::Y)
                });
                if redo {
                    out.push(Action::Edit(EditOp::Redo));
                }
                if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::Z)) {
                    out.push(Action::Edit(EditOp::Undo));
                }
            }
        }
        if !in_field && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::E)) {
            out.push(Action::ToggleEdit);
        }
        // Text size, for a projector: Ctrl+= (or Ctrl+plus), Ctrl+-, Ctrl+0.
        if ctx.input_mut(|i| {
            i.consume_key(egui::Modifiers::COMMAND, Key::Equals) | i.consume_key(egui::Modifiers::COMMAND, Key::Plus)
        }) {
            out.push(Action::TextSize(1));
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::Minus)) {
            out.push(Action::TextSize(-1));
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::Num0)) {
            out.push(Action::TextSize(0));
        }
        if ctx.input(|i| i.key_pressed(Key::Escape)) {
            out.push(Action::ClearSelection);
            ctx.memory_mut(|m| {
                if let Some(f) = m.focused() {
                    m.surrender_focus(f);
                }
            });
        }
        if self.map_focused {
            // The map has the focus (it was clicked): the arrow keys pan it.
            ctx.input(|i| {
                let step = if i.modifiers.shift { PAN_STEP * 3.0 } else { PAN_STEP };
                for (key, dx, dy) in [
                    (Key::ArrowLeft, -step, 0.0),
                    (Key::ArrowRight, step, 0.0),
                    (Key::ArrowUp, 0.0, -step),
                    (Key::ArrowDown, 0.0, step),
                ] {
                    if i.key_pressed(key) {
                        out.push(Action::Pan(dx, dy));
                    }
                }
            });
        } else if typing {
            return out;
        }
        ctx.input(|i| {
            let year = i.modifiers.shift;
            if !self.map_focused && i.key_pressed(Key::ArrowRight) {
                out.push(Action::Time(TimeCommand::Step(if year { 12 } else { 1 })));
            }
            if !self.map_focused && i.key_pressed(Key::ArrowLeft) {
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
                    let ll = self.atlas.dataset.place(p).lon_lat;
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
            Action::SelectPerson(p) => {
                self.person = p;
                // Show their whole journey.
                if p.is_some() {
                    self.pending_fit = true;
                }
            }
            Action::Search(s) => self.state.search = s,
            Action::SetThemes(t) => self.state.themes = t,
            Action::Time(cmd) => {
                self.state.time.apply(cmd, self.atlas.bounds);
                // A refused typed date stays on screen until the next change of time succeeds.
                self.date_field.error = None;
            }
            Action::FitAll => self.pending_fit = true,
            Action::ShowLegend(on) => self.state.legend_hidden = !on,
            Action::TextSize(0) => self.state.text_size = 0,
            Action::TextSize(step) => {
                self.state.text_size =
                    (self.state.text_size + step).clamp(*TEXT_SIZE_STEPS.start(), *TEXT_SIZE_STEPS.end());
            }
            Action::Zoom(d) => {
                self.auto_fit = None;
                let _ = if d > 0 { self.map_memory.zoom_in() } else { self.map_memory.zoom_out() };
            }
            Action::Pan(dx, dy) => {
                self.auto_fit = None;
                // The new centre is the point (dx, dy) from the old one, on a canvas centred on 0.
                let around_zero = self.view_transform(Bbox::point(ScreenPoint::default()));
                let moved = around_zero.invert(ScreenPoint::new(dx, dy)).to_lon_lat();
                self.map_memory.center_at(lon_lat(moved.lon, moved.lat));
                self.keep_map_in_bounds();
            }
            Action::ClickMap { place, toggle } => {
                self.before_click = Some((self.selection.clone(), self.person));
                match (place, toggle) {
                    (Some(p), true) => self.apply(Action::TogglePlace(p)),
                    (Some(p), false) => self.apply(Action::SelectPlace(p, false)),
                    (None, _) => {}
                }
            }
            Action::DoubleClickMap => {
                if let Some((selection, person)) = self.before_click.take() {
                    self.selection = selection;
                    self.person = person;
                }
            }
            Action::ZoomTo(bounds) => {
                self.auto_fit = None;
                let corners = [bounds.min.to_lon_lat(), bounds.max.to_lon_lat()];
                if let Some(v) = fit_view(&corners, self.map_rect.size(), [40.0; 4]) {
                    self.map_memory.center_at(lon_lat(v.lon, v.lat));
                    let _ = self.map_memory.set_zoom(v.zoom.max(self.map_memory.zoom() + 1.0).min(18.0));
                }
            }
            Action::ShowProblems(on) => self.show_problems = on,
            Action::OpenDataset => self.open_dataset(None),
            Action::OpenFolder(dir) => self.open_dataset(Some(dir)),
            Action::Export => self.start_export(None),
            Action::ExportAs(format) => {
                self.export_format = format;
                self.start_export(None);
            }
            Action::ExportTo(path) => self.start_export(Some(path)),
            Action::Import => {
                self.path_prompt = None;
                self.pick_file(self.open_file_dialog.clone(), PathPurpose::Import, JobResult::ImportFile);
            }
            Action::AddLayer => self.pick_file(self.layer_dialog.clone(), PathPurpose::Layer, JobResult::LayerChosen),
            Action::AddLayerFile(path) => {
                self.path_prompt = None;
                self.add_layer(path);
            }
            Action::Layer(i, change) => self.change_layer(i, change),
            Action::ImportFile(path) => {
                self.path_prompt = None;
                self.import_dialog = Some(super::import::ImportDialog::new(path));
            }
            Action::LoadMappingFile(path) => {
                self.path_prompt = None;
                self.load_mapping(&path);
            }
            Action::ClosePathPrompt => self.path_prompt = None,
            Action::OpenDatabase => self.ask_database(),
            Action::ConnectDatabase => self.connect_database(),
            Action::CloseDatabasePrompt => self.database_prompt = None,
            Action::ToggleEdit => self.toggle_edit(),
            Action::Edit(op) => self.apply_edit(op),
            Action::CopyBundledTo(dir) => self.copy_bundled(&dir),
            Action::Restore(yes) => self.answer_restore(yes),
            Action::Quit(_) => {}
            Action::SaveCopyTo(dir) => self.ask_save_copy(dir),
            Action::CloseConflicts(reload) => self.close_conflicts(reload),
            Action::Settle(how) => self.settle(how),
            Action::ExportPicture(kind) => {
                let snapshot = self.picture_snapshot();
                self.picture_dialog = Some(super::pictures::PictureDialog::new(kind, snapshot));
            }
        }
    }

    /// Opens a dataset folder off the UI thread: `dir`, or the one a dialog gives.
    fn open_dataset(&mut self, dir: Option<PathBuf>) {
        if self.busy.is_some() {
            return;
        }
        if self.unsaved() {
            self.status = Some(Status {
                text: "Save (Ctrl+S) or undo your edits before opening another dataset".into(),
                error: true,
            });
            return;
        }
        self.path_prompt = None;
        self.busy = Some("Opening dataset…".to_owned());
        let progress = Arc::new(crate::dataset::Progress::default());
        self.progress = Some(progress.clone());
        let tx = self.jobs_tx.clone();
        let dialog = self.folder_dialog.clone();
        std::thread::spawn(move || {
            let picked = dir.map_or_else(|| dialog(), Picked::Path);
            let result = match picked {
                Picked::Cancelled => Err("no folder chosen".to_owned()),
                Picked::Unavailable => {
                    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
                    let _ = tx.send(JobResult::NeedPath(PathPurpose::Open, home.display().to_string()));
                    return;
                }
                Picked::Path(dir) => crate::dataset::load(
                    crate::dataset::Input::Folder(&dir),
                    &crate::dataset::LoadOptions { progress: Some(&progress), ..Default::default() },
                )
                .map(|loaded| Box::new(Prepared { folder: Some(dir.clone()), ..Prepared::new(loaded) }))
                .map_err(|e| e.to_string()),
            };
            let _ = tx.send(JobResult::Opened(result));
        });
    }

    /// Exports the selection (or what shows) off the UI thread: to `path`, or where a dialog says.
    fn start_export(&mut self, path: Option<PathBuf>) {
        if self.busy.is_some() {
            return;
        }
        self.path_prompt = None;
        self.follow_filter();
        let places: Vec<PlaceIx> = if self.selection.is_empty() {
            self.view.visibility().shown_places().collect()
        } else {
            self.selection.clone()
        };
        let format = self.export_format;
        let request = ExportRequest {
            places: Some(places),
            time: self.state.time.filter(),
            themes: self.state.themes,
            format,
            base_uri: None,
        };
        let name = match self.selection.as_slice() {
            [one] => format!("crossings-{}.{}", self.atlas.dataset.place(*one).id, format.extension()),
            _ => format!("crossings-export.{}", format.extension()),
        };
        self.busy = Some("Exporting…".to_owned());
        let tx = self.jobs_tx.clone();
        let dialog = self.save_dialog.clone();
        let dataset = self.atlas.dataset.clone();
        std::thread::spawn(move || {
            let picked = path.map_or_else(|| dialog(&name), Picked::Path);
            let result = match picked {
                Picked::Cancelled => Err("cancelled; nothing was written".to_owned()),
                Picked::Unavailable => {
                    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
                    let _ = tx.send(JobResult::NeedPath(PathPurpose::Export, home.join(&name).display().to_string()));
                    return;
                }
                Picked::Path(path) => crate::export::export_file(&path, &dataset, &request)
                    .map(|counts| (path, counts.places))
                    .map_err(|e| e.to_string()),
            };
            let _ = tx.send(JobResult::Exported(result));
        });
    }

    /// What a picture is made of, from the window as it is now.
    fn picture_snapshot(&mut self) -> super::pictures::Snapshot {
        self.follow_filter();
        let canvas = screen_rect(self.map_rect);
        let view = self.view_transform(canvas).visible(canvas);
        let dataset = &self.atlas.dataset;
        let extent = crate::picture::dataset_years(dataset);
        super::pictures::Snapshot {
            dataset: dataset.clone(),
            vis: Arc::new(self.view.visibility().clone()),
            window: self.state.time.filter().window,
            selected: self.selection.clone(),
            person: self.person,
            view,
            extent,
            playback: self.state.timeline.map_or(self.atlas.bounds, |t| (t.first, t.last)),
            months_per_second: self.state.time.speed,
            themes: self.state.themes,
            overlays: self.styled_overlays(),
        }
    }

    /// The layers read and shown, with their colours, first on top.
    fn styled_overlays(&self) -> Vec<crate::overlay::StyledOverlay> {
        self.state
            .layers
            .iter()
            .filter(|l| l.visible)
            .filter_map(|l| match self.layer_reads.get(&l.path) {
                Some(Ok(o)) => Some(crate::overlay::StyledOverlay { overlay: o.clone(), settings: l.clone() }),
                _ => None,
            })
            .collect()
    }

    /// Reads, off the UI thread, every layer of the state not read yet.
    fn read_missing_layers(&mut self, ctx: &egui::Context) {
        for l in &self.state.layers {
            if self.layer_reads.contains_key(&l.path) || self.overlays_loading.contains(&l.path) {
                continue;
            }
            self.overlays_loading.insert(l.path.clone());
            let (tx, path, ctx) = (self.jobs_tx.clone(), l.path.clone(), ctx.clone());
            std::thread::spawn(move || {
                let result =
                    crate::overlay::read_layer(&path, &Default::default()).map(Arc::new).map_err(|e| e.to_string());
                let _ = tx.send(JobResult::LayerRead(path, result));
                ctx.request_repaint();
            });
        }
    }

    /// Layers as read (tests).
    pub fn overlay(&self, path: &std::path::Path) -> Option<&Result<Arc<crate::overlay::Overlay>, String>> {
        self.layer_reads.get(path)
    }

    /// The picture export dialog, kept in step with the map, and what it asks for.
    fn picture_dialog_ui(&mut self, ctx: &egui::Context) {
        if self.picture_dialog.is_none() {
            self.picture_key = None;
            return;
        }
        let canvas = screen_rect(self.map_rect);
        let v = self.view_transform(canvas).visible(canvas);
        let key = (self.view.generation(), self.selection.clone(), self.person, [v.min.x, v.min.y, v.max.x, v.max.y]);
        if self.picture_key.as_ref() != Some(&key) {
            let running = self.picture_dialog.as_ref().is_some_and(|d| d.is_running());
            if !running {
                let snapshot = self.picture_snapshot();
                if let Some(d) = self.picture_dialog.as_mut() {
                    d.set_snapshot(snapshot);
                }
                self.picture_key = Some(key);
            }
        }
        let below_menu = egui::Rect::from_min_max(egui::pos2(0.0, self.menu_bottom), ctx.content_rect().max);
        let Some(dialog) = self.picture_dialog.as_mut() else { return };
        for event in dialog.ui(ctx, below_menu) {
            match event {
                super::pictures::DialogEvent::Close => self.picture_dialog = None,
                super::pictures::DialogEvent::Choose(name) => {
                    let tx = self.jobs_tx.clone();
                    let dialog = self.save_dialog.clone();
                    std::thread::spawn(move || {
                        if let Picked::Path(p) = dialog(&name) {
                            let _ = tx.send(JobResult::PicturePath(p));
                        }
                    });
                }
                super::pictures::DialogEvent::Finished(text, error) => self.status = Some(Status { text, error }),
            }
            if self.picture_dialog.is_none() {
                break;
            }
        }
    }

    /// The import dialog, and what it asks for.
    fn import_dialog_ui(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let mut actions = Vec::new();
        let below_menu = egui::Rect::from_min_max(egui::pos2(0.0, self.menu_bottom), ctx.content_rect().max);
        let Some(dialog) = self.import_dialog.as_mut() else { return actions };
        for event in dialog.ui(ctx, below_menu) {
            match event {
                super::import::ImportEvent::Close => self.import_dialog = None,
                super::import::ImportEvent::ChooseFolder => {
                    let (tx, dialog) = (self.jobs_tx.clone(), self.folder_dialog.clone());
                    std::thread::spawn(move || {
                        if let Picked::Path(p) = dialog() {
                            let _ = tx.send(JobResult::ImportOut(p));
                        }
                    });
                }
                super::import::ImportEvent::SaveMapping(json, name) => {
                    let (tx, dialog) = (self.jobs_tx.clone(), self.save_dialog.clone());
                    std::thread::spawn(move || {
                        if let Picked::Path(p) = dialog(&name) {
                            let msg = match crate::export::write_atomic(&p, json.as_bytes()) {
                                Ok(()) => (format!("Saved the mapping to {}", p.display()), false),
                                Err(e) => (format!("Could not save the mapping: {e}"), true),
                            };
                            let _ = tx.send(JobResult::Status(msg.0, msg.1));
                        }
                    });
                }
                super::import::ImportEvent::LoadMapping => {
                    self.pick_file(self.mapping_dialog.clone(), PathPurpose::Mapping, JobResult::MappingChosen);
                }
                super::import::ImportEvent::Imported(dir, text) => {
                    self.status = Some(Status { text, error: false });
                    actions.push(Action::OpenFolder(dir));
                }
            }
            if self.import_dialog.is_none() {
                break;
            }
        }
        actions
    }

    /// The picture export dialog, if open (tests).
    pub fn picture_dialog(&self) -> Option<&super::pictures::PictureDialog> {
        self.picture_dialog.as_ref()
    }

    /// The path field shown when no file dialog could be, with what the user decided.
    fn path_prompt_ui(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let mut out = Vec::new();
        let Some(prompt) = self.path_prompt.as_mut() else { return out };
        let (title, what, go) = match prompt.purpose {
            PathPurpose::Export => ("Export to a file", "Where to save the export:", "Save"),
            PathPurpose::Open => ("Open a dataset folder", "The dataset folder to open:", "Open"),
            PathPurpose::Import => ("Import a file", "The spreadsheet or GIS file to import:", "Import"),
            PathPurpose::Layer => {
                ("Add a layer", "The file of lines or polygons (GeoJSON, GeoPackage, KML, Shapefile):", "Add")
            }
            PathPurpose::Mapping => ("Load a mapping", "The mapping file (saved by Save mapping…):", "Load"),
            ref other => Self::edit_path_prompt(other).unwrap_or(("Choose a path", "The path:", "OK")),
        };
        let below_menu = egui::Rect::from_min_max(egui::pos2(0.0, self.menu_bottom), ctx.content_rect().max);
        egui::Window::new(title)
            .order(egui::Order::Foreground)
            .constrain_to(below_menu)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label("No file dialog can be shown on this system (no desktop portal or file chooser).");
                let label = ui.label(what);
                let field =
                    ui.add(egui::TextEdit::singleline(&mut prompt.text).desired_width(420.0)).labelled_by(label.id);
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                ui.horizontal(|ui| {
                    let path = PathBuf::from(prompt.text.trim());
                    if (ui.button(go).clicked() || enter) && !prompt.text.trim().is_empty() {
                        out.push(match prompt.purpose {
                            PathPurpose::Export => Action::ExportTo(path),
                            PathPurpose::Open => Action::OpenFolder(path),
                            PathPurpose::Import => Action::ImportFile(path),
                            PathPurpose::Layer => Action::AddLayerFile(path),
                            PathPurpose::Mapping => Action::LoadMappingFile(path),
                            PathPurpose::CopyTo | PathPurpose::SaveCopy => {
                                prompt.edit_action(path).unwrap_or(Action::ClosePathPrompt)
                            }
                        });
                    }
                    if ui.button("Cancel").clicked() {
                        out.push(Action::ClosePathPrompt);
                    }
                });
            });
        out
    }

    /// Fits the map to the core places (`core`, the opening view), to the journey of the person
    /// shown, or to what shows now.
    fn fit(&mut self, size: egui::Vec2, core: bool) {
        let dataset = &self.atlas.dataset;
        let core_points: Vec<LonLat> =
            CORE_PLACES.iter().filter_map(|id| dataset.place_by_id(id)).map(|p| dataset.place(p).lon_lat).collect();
        let vis = self.view.visibility();
        let journey: Vec<LonLat> =
            crate::scene::journey(dataset, vis, self.person).into_iter().map(|s| s.lon_lat).collect();
        let shown: Vec<LonLat> = vis.shown_places().map(|p| dataset.place(p).lon_lat).collect();
        // The opening view: the core places; with a person shown, their journey; else all shown.
        let points = if core && !core_points.is_empty() {
            core_points
        } else if !journey.is_empty() {
            journey
        } else {
            shown
        };
        let margin = self.fit_margin();
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
            super::style::install(&ctx);
            self.fonts_installed = true;
        }
        self.poll_jobs(&ctx);
        self.read_missing_layers(&ctx);
        // The text size the user chose scales the whole window (egui's own Ctrl+/- is off).
        let scale = text_scale(self.state.text_size);
        if (ctx.zoom_factor() - scale).abs() > 1e-4 {
            ctx.set_zoom_factor(scale);
        }
        let dt = ctx.input(|i| i.stable_dt).min(0.1);
        if self.state.time.tick(dt, self.atlas.bounds) || self.state.time.playing {
            ctx.request_repaint();
        }
        let mut actions = self.keyboard(&ctx);
        // The title says what is shown: a teacher's screenshot, a task bar, and the real-window
        // tests read it.
        self.hold_close(&ctx);
        let title = format!(
            "Crossings — {}{}{} — {}",
            self.atlas.label,
            if self.editing() { " (editing)" } else { "" },
            if self.unsaved() { " — unsaved changes" } else { "" },
            super::timeline::describe(&self.state.time)
        );
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        // The filter this frame is drawn with; actions that change it are applied after.
        self.follow_filter();

        // The panels are laid out in the order egui needs (top, bottom, the sides, then the
        // centre) but filled in the order the eye reads, which is the order Tab walks: the
        // search and the list, the map, the detail panel, the timeline, the menu bar last.
        let [menu_size, timeline_size] = self.bar_sizes;
        let menu = egui::Panel::top("menu").exact_size(menu_size).show(ui, reserve);
        let timeline = egui::Panel::bottom("timeline").resizable(false).exact_size(timeline_size).show(ui, reserve);
        egui::Panel::left("places").resizable(true).default_size(280.0).size_range(200.0..=420.0).show(ui, |ui| {
            actions.extend(super::layers::layers_ui(ui, &self.state.layers, &self.layer_reads));
            let (vis, generation, list) = self.view.list_parts();
            actions.extend(panels::place_list_ui(
                ui,
                &self.atlas.dataset,
                vis,
                generation,
                &self.state.search,
                &self.state.themes,
                &self.selection,
                list,
            ));
        });
        let detail = egui::Panel::right("detail")
            .resizable(true)
            .default_size(360.0)
            .size_range(260.0..=620.0)
            .show(ui, reserve);
        egui::CentralPanel::no_frame().show(ui, |ui| actions.extend(self.map_ui(ui)));
        fill(ui, detail.inner, "detail", |ui| {
            if self.editor.is_some() {
                actions.extend(self.edit_panel(ui));
                return;
            }
            let (dataset, vis) = (&self.atlas.dataset, self.view.visibility());
            let more = match (self.person, self.selection.last()) {
                (Some(p), _) => panels::person_ui(ui, dataset, vis, p),
                (None, Some(p)) => {
                    let mut a = panels::selection_ui(ui, dataset, &self.selection);
                    a.extend(panels::place_ui(ui, dataset, vis, *p));
                    a
                }
                (None, None) => {
                    // A folder by its own name; a database by its address, as the title has it.
                    let name = match (&self.folder, &self.database) {
                        (Some(dir), _) => Some(
                            dir.file_name()
                                .map_or_else(|| self.atlas.label.clone(), |n| n.to_string_lossy().into_owned()),
                        ),
                        (None, Some(_)) => Some(self.atlas.label.clone()),
                        (None, None) => None,
                    };
                    panels::overview_ui(ui, dataset, self.atlas.problems.len(), name.as_deref())
                }
            };
            actions.extend(more);
        });
        let timeline_used = fill(ui, timeline.inner, "timeline", |ui| {
            let bounds = self.atlas.bounds;
            let mut stretch = self.state.timeline.unwrap_or(TimelineView { first: bounds.0, last: bounds.1 });
            let vis = self.view.visibility();
            let cmds = timeline_ui(
                ui,
                &self.state.time,
                &self.atlas.histogram,
                bounds,
                &mut stretch,
                &mut self.date_field,
                (vis.shown_event_count(), vis.certain_events),
            );
            self.state.timeline = Some(stretch);
            actions.extend(cmds.into_iter().map(Action::Time));
        });
        let menu_used = fill(ui, menu.inner, "menu", |ui| actions.extend(self.menu_bar_ui(ui)));
        self.menu_bottom = menu.response.rect.bottom();
        // The bars take the height their contents took (settled within a frame or two).
        let fitted = [
            menu_used + menu.response.rect.height() - menu.inner.height(),
            timeline_used + timeline.response.rect.height() - timeline.inner.height(),
        ];
        if fitted.iter().zip(&self.bar_sizes).any(|(a, b)| (a - b).abs() > 0.5) {
            self.bar_sizes = fitted;
            ctx.request_repaint();
        }
        if self.show_problems {
            actions.extend(self.problems_window(&ctx));
        }
        actions.extend(self.path_prompt_ui(&ctx));
        actions.extend(self.database_prompt_ui(&ctx));
        self.picture_dialog_ui(&ctx);
        actions.extend(self.import_dialog_ui(&ctx));
        actions.extend(self.edit_windows(&ctx));
        // A save comes after the edits of the same frame (a field left by Ctrl+S).
        let (saves, rest): (Vec<Action>, Vec<Action>) =
            actions.into_iter().partition(|a| matches!(a, Action::Edit(super::edit::EditOp::Save)));
        for a in rest.into_iter().chain(saves) {
            if let Action::Quit(choice) = a {
                self.answer_quit(choice, &ctx);
            } else {
                self.apply(a);
            }
        }
        self.state.view = Some(self.map_view());
    }

    /// The menu bar: File, View, the dataset's name, problems, progress and the status.
    fn menu_bar_ui(&self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open dataset…").clicked() {
                    actions.push(Action::OpenDataset);
                }
                if ui
                    .button("Open database…")
                    .on_hover_text("An atlas shared through PostgreSQL with PostGIS (postgres://…)")
                    .clicked()
                {
                    actions.push(Action::OpenDatabase);
                }
                if ui
                    .button("Import…")
                    .on_hover_text(
                        "A spreadsheet or GIS file (CSV, XLSX, ODS, GeoJSON, GeoPackage, KML) as a new dataset",
                    )
                    .clicked()
                {
                    actions.push(Action::Import);
                }
                if ui
                    .button("Add layer…")
                    .on_hover_text("Lines or polygons (GeoJSON, GeoPackage, KML, Shapefile) drawn under the markers")
                    .clicked()
                {
                    actions.push(Action::AddLayer);
                }
                ui.separator();
                if ui.add(egui::Button::new("Export selected…").shortcut_text("Ctrl+E")).clicked() {
                    actions.push(Action::Export);
                }
                ui.menu_button("Export selected as", |ui| {
                    for f in Format::ALL {
                        if ui.button(format!("{}…", f.label())).clicked() {
                            actions.push(Action::ExportAs(f));
                        }
                    }
                });
                if ui.add(egui::Button::new("Export image…").shortcut_text("Ctrl+Shift+E")).clicked() {
                    actions.push(Action::ExportPicture(super::pictures::Kind::Image));
                }
                if ui.button("Export animation…").clicked() {
                    actions.push(Action::ExportPicture(super::pictures::Kind::Animation));
                }
            });
            ui.menu_button("View", |ui| {
                if ui.button("Fit all").clicked() {
                    actions.push(Action::FitAll);
                }
                if ui.button("Data problems").clicked() {
                    actions.push(Action::ShowProblems(true));
                }
                ui.separator();
                ui.label(format!("Text size: {:.0} %", text_scale(self.state.text_size) * 100.0));
                if ui.add(egui::Button::new("Larger text").shortcut_text("Ctrl+=")).clicked() {
                    actions.push(Action::TextSize(1));
                }
                if ui.add(egui::Button::new("Smaller text").shortcut_text("Ctrl+-")).clicked() {
                    actions.push(Action::TextSize(-1));
                }
                if ui.add(egui::Button::new("Normal text size").shortcut_text("Ctrl+0")).clicked() {
                    actions.push(Action::TextSize(0));
                }
            });
            let edit =
                ui.selectable_label(self.editing(), if self.editing() { "Editing" } else { "Edit" }).on_hover_text(
                    "Edit mode (E): forms for places, events, people and sources; Ctrl+Z undoes, Ctrl+S saves",
                );
            if edit.clicked() {
                actions.push(Action::ToggleEdit);
            }
            ui.separator();
            ui.label(&self.atlas.label);
            let problems = self.atlas.problems.len();
            if problems > 0 && ui.small_button(format!("⚠ {}", crate::counted(problems, "problem"))).clicked() {
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
        actions
    }

    /// The map: fitted on the first frames, the basemap and the scene, the overlays.
    fn map_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let size = ui.available_size();
        self.map_rect = egui::Rect::from_min_size(ui.cursor().min, size);
        // A resized map moves its overlays with their corners (the zoom buttons top-left, the
        // legend bottom-left, the credit bottom-right): this frame's labels avoid where they
        // will be, not where they were.
        if self.overlays_for != self.map_rect && self.overlays.len() == 3 {
            let (old, new) = (self.overlays_for, self.map_rect);
            let moves = [
                new.left_top() - old.left_top(),
                new.left_bottom() - old.left_bottom(),
                new.right_bottom() - old.right_bottom(),
            ];
            for (o, by) in self.overlays.iter_mut().zip(moves) {
                let moved = super::geometry::rect(*o).translate(by);
                *o = super::geometry::screen_rect(moved);
            }
            self.overlays_for = self.map_rect;
        }
        if self.pending_fit {
            self.fit(size, false);
            self.pending_fit = false;
        } else if self.auto_fit.is_some_and(|s| s != size) {
            // The opening view: keep the core places in view while panels settle.
            self.fit(size, true);
            self.auto_fit = Some(size);
        }
        self.refresh_highlight();
        let zoom = self.map_memory.zoom();
        let slot = self.layer_for(zoom);
        let empty = MercatorLayer::default();
        let layer = self.layers[slot].as_ref().unwrap_or(&empty);
        let shift = ui.input(|i| i.modifiers.shift);
        let legend_hidden = self.state.legend_hidden;
        // At a zoom limit the wheel does nothing (walkers would still shift the centre towards
        // the pointer as if it had zoomed).
        if ui.rect_contains_pointer(ui.max_rect()) {
            ui.input_mut(|i| {
                let y = i.smooth_scroll_delta.y;
                if (zoom >= MAX_ZOOM && y > 0.0) || (zoom <= MIN_ZOOM && y < 0.0) {
                    i.smooth_scroll_delta = egui::Vec2::ZERO;
                }
            });
        }
        // What lies under the pointer, to keep it there if the zoom has to be held at a limit.
        let anchor =
            ui.input(|i| i.pointer.hover_pos()).filter(|p| self.map_rect.contains(*p)).map(|p| (p, self.lon_lat_at(p)));
        let highlight = self.highlight.as_ref().map(|(_, search, places)| (search.as_str(), places.as_slice()));
        let overlays = self.styled_overlays();
        let window = self.state.time.filter().window;
        let mut actions = Vec::new();
        // Edit mode: a press on a marker starts dragging the place, not the map.
        if self.editor.is_some()
            && ui.input(|i| i.pointer.primary_pressed())
            && let Some(origin) = ui.input(|i| i.pointer.press_origin()).filter(|o| self.map_rect.contains(*o))
            && let Some(p) = self.view.last_scene().and_then(|s| s.marker_at(point(origin)))
        {
            self.dragging = Some((p, origin));
        }
        let dragging = self.dragging.is_some();
        let adding = self.editor.as_ref().is_some_and(|e| e.adding_place);
        let response = Map::new(None, &mut self.map_memory, lon_lat(120.0, 35.0))
            // The wheel zooms around the pointer, as in every desktop map.
            .zoom_with_ctrl(false)
            // Shift+drag draws a selection box instead of panning.
            .drag_pan_buttons(if shift || dragging {
                egui::DragPanButtons::empty()
            } else {
                egui::DragPanButtons::PRIMARY
            })
            .with_plugin(BasemapPlugin { layer })
            .with_plugin(super::map::OverlayPlugin { overlays: &overlays, window })
            .with_plugin(ScenePlugin {
                dataset: &self.atlas.dataset,
                statics: &self.atlas.statics,
                view: &mut self.view,
                selected: &self.selection,
                person: self.person,
                overlays: &self.overlays,
                highlight,
                actions: &mut actions,
            })
            .double_click_to_zoom(true)
            .show(ui, |ui, _response, _projector, _memory| map_overlay_ui(ui, legend_hidden));
        if adding {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
            if response.response.clicked()
                && let Some(at) = response.response.interact_pointer_pos()
            {
                actions.retain(|a| !matches!(a, Action::ClickMap { .. }));
                actions.push(Action::Edit(super::edit::EditOp::AddPlaceAt(self.lon_lat_at(at))));
            }
        }
        if let Some((place, origin)) = self.dragging {
            let pointer = ui.input(|i| i.pointer.latest_pos()).unwrap_or(origin);
            if ui.input(|i| i.pointer.primary_down()) {
                ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
                let painter = ui.painter();
                painter.line_segment([origin, pointer], egui::Stroke::new(1.0, super::style::SELECTED));
                painter.circle_stroke(pointer, 7.0, egui::Stroke::new(2.5, super::style::SELECTED));
            } else {
                self.dragging = None;
                if pointer.distance(origin) > 4.0 {
                    let id = self.atlas.dataset.place(place).id.clone();
                    actions.push(Action::Edit(super::edit::EditOp::MovePlace(id, self.drop_point(pointer))));
                }
            }
        }
        let touched = response.response.dragged()
            || response.response.double_clicked()
            || (response.response.hovered()
                && ui.input(|i| i.smooth_scroll_delta != egui::Vec2::ZERO || i.zoom_delta() != 1.0));
        if touched || !actions.is_empty() {
            self.auto_fit = None;
        }
        // A click or a drag gives the map the keyboard focus; the arrow keys then pan it
        // (Escape gives the focus back and the arrows step the time again).
        let map = &response.response;
        map.widget_info(|| {
            egui::WidgetInfo::labeled(egui::accesskit::Role::Canvas, true, "Map (arrow keys pan, + and − zoom)")
        });
        if map.clicked() || map.drag_started() {
            map.request_focus();
        }
        self.map_focused = map.has_focus();
        if self.map_focused {
            let filter =
                egui::EventFilter { horizontal_arrows: true, vertical_arrows: true, ..egui::EventFilter::default() };
            ui.memory_mut(|m| m.set_focus_lock_filter(map.id, filter));
            ui.painter().rect_stroke(
                map.rect.shrink(1.0),
                0.0,
                egui::Stroke::new(2.0, super::style::FOCUS),
                egui::StrokeKind::Inside,
            );
        }
        // A quick drag glides on only briefly: the data stays in reach.
        let now = ui.input(|i| i.time);
        if map.drag_stopped() {
            self.fling_from = Some(now);
        }
        if let Some(from) = self.fling_from
            && now - from > FLING_SECONDS
        {
            self.fling_from = None;
            if self.map_memory.animating() {
                let v = self.map_view();
                self.map_memory.center_at(lon_lat(v.lon, v.lat));
            }
        }
        let zoom = self.map_memory.zoom();
        if !(MIN_ZOOM..=MAX_ZOOM).contains(&zoom) {
            let _ = self.map_memory.set_zoom(zoom.clamp(MIN_ZOOM, MAX_ZOOM));
            // walkers moved the centre for the zoom it made; keep the pointer's place under it.
            if let Some((p, ll)) = anchor {
                // The view that shows `ll` at `p` at this zoom; its centre is the new centre.
                let pinned = ScreenTransform::centered(ll.into(), self.map_memory.zoom(), Bbox::point(point(p)));
                let c = pinned.invert(point(self.map_rect.center())).to_lon_lat();
                self.map_memory.center_at(lon_lat(c.lon, c.lat));
            }
        }
        self.keep_map_in_bounds();
        let (overlay_actions, overlays) = response.inner;
        if !overlay_actions.is_empty() {
            self.auto_fit = None;
        }
        actions.extend(overlay_actions);
        // Where the overlays are, for the next frame's labels and fitting; when they moved (the
        // window was resized, the legend folded), that next frame comes at once.
        let overlays: Vec<_> = overlays.into_iter().map(super::geometry::screen_rect).collect();
        if overlays != self.overlays {
            self.overlays = overlays;
            ui.ctx().request_repaint();
            // The opening view is fitted again around the legend as it now stands.
            if self.auto_fit.is_some() {
                self.auto_fit = Some(egui::Vec2::ZERO);
            }
        }
        self.overlays_for = self.map_rect;
        actions
    }

    /// Brings the map's search highlight up to the search text and the filter: the shown
    /// places that match, sorted (none while the search box is empty).
    fn refresh_highlight(&mut self) {
        let search = self.state.search.trim();
        if search.is_empty() {
            self.highlight = None;
            return;
        }
        let generation = self.view.generation();
        if self.highlight.as_ref().is_some_and(|(g, s, _)| *g == generation && s == search) {
            return;
        }
        let search = search.to_owned();
        let (vis, generation, list) = self.view.list_parts();
        let mut places = list.shown(&self.atlas.dataset, vis, generation, &self.state.search).to_vec();
        places.sort_unstable();
        self.highlight = Some((generation, search, places));
    }

    /// The map's current view on a canvas (its centre shown at the canvas's centre).
    fn view_transform(&self, canvas: crate::geometry::ScreenRect) -> ScreenTransform {
        let v = self.map_view();
        ScreenTransform::centered(LonLat { lon: v.lon, lat: v.lat }.into(), v.zoom, canvas)
    }

    /// The lon/lat under a point of the map, in the current view.
    fn lon_lat_at(&self, p: egui::Pos2) -> LonLat {
        self.view_transform(screen_rect(self.map_rect)).invert(point(p)).to_lon_lat()
    }

    /// The room the overlays take from the map when fitting it: `[left, right, top, bottom]`.
    /// The zoom buttons sit top-left and the legend bottom-left; labels go right of markers.
    fn fit_margin(&self) -> [f32; 4] {
        let map = self.map_rect;
        let mut margin = [70.0_f32, 60.0, 40.0, 60.0];
        // The legend: from its top down, unless it is folded into a corner.
        let legend = self.overlays.get(OVERLAY_LEGEND).map(|o| super::geometry::rect(*o));
        if let Some(legend) = legend.filter(|l| l.height() > 40.0) {
            margin[3] = margin[3].max(map.bottom() - legend.top() + 10.0);
        }
        margin
    }

    /// Keeps the map's centre over the data (`map_ui` holds the zoom within its limits).
    fn keep_map_in_bounds(&mut self) {
        let Some(extent) = self.atlas.extent else { return };
        let view = self.map_view();
        let c = Mercator::from(LonLat { lon: view.lon, lat: view.lat });
        // Room around the data: a tenth of the world, or half the window at this zoom.
        let side = f64::from(self.map_rect.size().max_elem());
        let scale = ScreenTransform::centered(c, view.zoom, Bbox::point(ScreenPoint::default())).scale;
        let half_window = if side.is_finite() && side > 0.0 { side / 2.0 / scale } else { 0.0 };
        let area = extent.expand(half_window.clamp(0.0, 0.1));
        let inside = Mercator { x: c.x.clamp(area.min.x, area.max.x), y: c.y.clamp(area.min.y, area.max.y) };
        if inside != c {
            let ll = inside.to_lon_lat();
            self.map_memory.center_at(lon_lat(ll.lon, ll.lat));
        }
    }

    /// The problems window, with every problem the dataset has.
    fn problems_window(&self, ctx: &egui::Context) -> Vec<Action> {
        let problems = &self.atlas.problems;
        let mut open = true;
        // Own close button: egui's title-bar buttons carry no accessible name.
        // Never over the menu bar.
        let below_menu = egui::Rect::from_min_max(egui::pos2(0.0, self.menu_bottom), ctx.content_rect().max);
        egui::Window::new(format!("Data problems ({})", problems.len()))
            .constrain_to(below_menu)
            .default_pos(below_menu.left_top() + egui::vec2(40.0, 8.0))
            .collapsible(false)
            .default_width(700.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    ui.label("Each problem names its file, line and column, and the record. Invalid records are left out; the rest is shown.");
                    if ui.button("Close").clicked() {
                        open = false;
                    }
                });
                // Many problems: only the rows in view are laid out.
                let row = ui.text_style_height(&egui::TextStyle::Monospace);
                egui::ScrollArea::vertical().max_height(400.0).show_rows(ui, row, problems.len(), |ui, range| {
                    for p in &problems[range] {
                        ui.monospace(p.to_string());
                    }
                });
            });
        if open { Vec::new() } else { vec![Action::ShowProblems(false)] }
    }
}

/// A panel's contents drawn later in the frame: the panel only reserves its room.
fn reserve(ui: &mut Ui) -> egui::Rect {
    let rect = ui.max_rect();
    ui.allocate_rect(rect, egui::Sense::hover());
    rect
}

/// Draws contents into a rectangle reserved earlier; returns the height they took.
fn fill(ui: &mut Ui, rect: egui::Rect, salt: &str, add: impl FnOnce(&mut Ui)) -> f32 {
    let mut child = ui.new_child(
        egui::UiBuilder::new().max_rect(rect).id_salt(salt).layout(egui::Layout::top_down(egui::Align::Min)),
    );
    child.set_clip_rect(rect);
    add(&mut child);
    child.min_rect().height()
}

/// Where the legend is among the rectangles [`map_overlay_ui`] returns.
const OVERLAY_LEGEND: usize = 1;

/// Zoom buttons, fit-all, the legend and the credit, over the map. Returns what the user
/// asked, and the rectangles of the zoom buttons, the legend ([`OVERLAY_LEGEND`]) and the credit.
fn map_overlay_ui(ui: &mut Ui, legend_hidden: bool) -> (Vec<Action>, Vec<egui::Rect>) {
    let mut out = Vec::new();
    let rect = ui.max_rect();
    let zoom = egui::Area::new(ui.scope_id().with("zoom")).fixed_pos(rect.left_top() + egui::vec2(10.0, 10.0)).show(
        ui.ctx(),
        |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                if ui.button("+").on_hover_text("Zoom in (+)").clicked() {
                    out.push(Action::Zoom(1));
                }
                if ui.button("−").on_hover_text("Zoom out (-)").clicked() {
                    out.push(Action::Zoom(-1));
                }
                if ui
                    .button("Fit all")
                    .on_hover_text("Show every place that is shown now (with a person open: their journey)")
                    .clicked()
                {
                    out.push(Action::FitAll);
                }
            });
        },
    );
    let legend = egui::Area::new(ui.scope_id().with("legend"))
        .pivot(egui::Align2::LEFT_BOTTOM)
        .fixed_pos(rect.left_bottom() + egui::vec2(10.0, -24.0))
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                let (word, hint) =
                    if legend_hidden { ("Legend", "Show the legend") } else { ("Hide legend", "Fold the legend away") };
                if ui.small_button(word).on_hover_text(hint).clicked() {
                    out.push(Action::ShowLegend(legend_hidden));
                }
                if legend_hidden {
                    return;
                }
                for entry in crate::scene::legend() {
                    ui.horizontal(|ui| {
                        let (r, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                        ui.painter().circle_filled(r.center(), 5.0, super::style::theme_color(entry.theme));
                        ui.small(entry.label);
                    });
                }
                for line in crate::scene::LEGEND_MARKS {
                    ui.small(line);
                }
            });
        });
    let credit = ui.painter().text(
        rect.right_bottom() + egui::vec2(-6.0, -4.0),
        egui::Align2::RIGHT_BOTTOM,
        crate::basemap::ATTRIBUTION,
        egui::FontId::proportional(11.0),
        super::style::FAINT_TEXT,
    );
    (out, vec![zoom.response.rect, legend.response.rect, credit])
}

impl eframe::App for CrossingsApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.ui_frame(ui);
    }

    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        if let Some(path) = AppState::default_path()
            && let Err(e) = self.saved_state().save(&path)
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
        let points =
            [[109.49, 36.59], [126.63, 45.75], [108.8, 15.12], [135.33, 35.47]].map(|[lon, lat]| LonLat { lon, lat });
        let size = egui::vec2(600.0, 700.0);
        let margin = [70.0, 40.0, 40.0, 190.0];
        let v = fit_view(&points, size, margin).unwrap();
        let scale = 256.0 * v.zoom.exp2();
        let c = Mercator::from(LonLat { lon: v.lon, lat: v.lat });
        for p in points {
            let n = Mercator::from(p);
            let x = f64::from(size.x) / 2.0 + (n.x - c.x) * scale;
            let y = f64::from(size.y) / 2.0 + (n.y - c.y) * scale;
            assert!(x >= 69.0 && x <= f64::from(size.x) - 39.0, "{p:?} x={x}");
            assert!(y >= 39.0 && y <= f64::from(size.y) - 189.0, "{p:?} y={y}");
        }
    }
}

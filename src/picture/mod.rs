//! Pictures of the map: the [`Scene`] painted on the CPU into SVG, PNG and PDF files, and the
//! years as an animation (GIF, MP4, numbered PNG frames). No GPU and no window are needed, so
//! `crossings render` and `crossings animate` work headless, and the same input gives the same
//! bytes.
//!
//! One scene, two painters: the window paints [`Scene`] with egui, this module paints the same
//! scene (label placement, colours from [`crate::palette`], marker sizes and the
//! uncertain-location styles) for files. SVG is the master: [`svg`] writes it with named
//! layers; PNG is that SVG rasterised by resvg, PDF that SVG converted by svg2pdf with the font
//! subset embedded.
//!
//! - `text`: the bundled font, measured and outlined.
//! - `svg`: the SVG writer.
//! - `raster`: PNG and PDF from the SVG.
//! - `animate`: frames over time, to GIF, MP4 (through a system ffmpeg) or a folder of PNGs.

mod animate;
mod raster;
mod svg;
pub mod text;

use std::path::Path;

pub use animate::{Animation, AnimationFormat, Step, Written, animate, find_ffmpeg};
pub use raster::{Rasterizer, encode_png, straight_rgba};
pub use svg::{Layers, TextMode, svg};

use crate::basemap::Detail;
use crate::chronology::TimeWindow;
use crate::geometry::{Bbox, Mercator, ScreenPoint, ScreenRect, ScreenTransform};
use crate::model::{Dataset, PersonIx, PlaceIx};
use crate::query::Visibility;
use crate::scene::{ClusterGrid, MercatorLayer, PlaceStatics, Scene, SceneInput};

use text::Font;

/// The largest picture side, in pixels.
pub const MAX_SIDE: u32 = 20_000;

/// The farthest in a picture zooms (as the window's map).
pub const MAX_ZOOM: f64 = 11.0;

/// A page: its size in points (what labels, markers and text are measured in, as on screen)
/// and how many pixels a point takes in a raster file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Page {
    /// Width and height in points.
    pub size: [f32; 2],
    /// Pixels per point in a PNG (1 for a pixel size; DPI / 72 for paper).
    pub pixels_per_point: f32,
    /// A sheet of paper: the SVG file gives its size in points (1/72 in), so Inkscape and
    /// Illustrator open it at its printed size.
    pub paper: bool,
}

/// A paper size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// ISO A3, 297 × 420 mm.
    A3,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// Every paper size.
    pub const ALL: [Paper; 3] = [Paper::A4, Paper::A3, Paper::Letter];

    /// Width and height in points (1/72 in), portrait.
    pub fn points(self) -> [f32; 2] {
        let mm = |w: f32, h: f32| [w / 25.4 * 72.0, h / 25.4 * 72.0];
        match self {
            Paper::A4 => mm(210.0, 297.0),
            Paper::A3 => mm(297.0, 420.0),
            Paper::Letter => [612.0, 792.0],
        }
    }

    /// Its name.
    pub fn label(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A3 => "A3",
            Paper::Letter => "Letter",
        }
    }
}

impl Page {
    /// A page of `width` × `height` pixels, a point per pixel.
    pub fn pixels(width: u32, height: u32) -> Page {
        Page { size: [width as f32, height as f32], pixels_per_point: 1.0, paper: false }
    }

    /// A sheet of paper at `dpi`, landscape or portrait.
    pub fn paper(paper: Paper, landscape: bool, dpi: f32) -> Page {
        let [w, h] = paper.points();
        let size = if landscape { [h, w] } else { [w, h] };
        Page { size, pixels_per_point: dpi / 72.0, paper: true }
    }

    /// The raster size in pixels.
    pub fn pixel_size(&self) -> [u32; 2] {
        self.size.map(|s| (s * self.pixels_per_point).round().max(0.0) as u32)
    }

    /// Refuses a size of zero or over [`MAX_SIDE`] pixels a side.
    pub fn check(&self) -> Result<(), PictureError> {
        let [w, h] = self.pixel_size();
        let ok = |s: u32| (1..=MAX_SIDE).contains(&s);
        if ok(w) && ok(h) && self.size.iter().all(|s| *s >= 16.0) {
            Ok(())
        } else {
            Err(PictureError::Size { width: w, height: h })
        }
    }
}

/// A picture file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// A raster image.
    Png,
    /// The vector master, with named layers.
    Svg,
    /// Vector, with the font subset embedded.
    Pdf,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Png, Format::Svg, Format::Pdf];

    /// The format a file name asks for, by its extension.
    pub fn from_path(path: &Path) -> Result<Format, PictureError> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "png" => Ok(Format::Png),
            "svg" => Ok(Format::Svg),
            "pdf" => Ok(Format::Pdf),
            _ => Err(PictureError::UnknownExtension { path: path.display().to_string(), known: "png, svg, pdf" }),
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
            Format::Pdf => "pdf",
        }
    }
}

/// What goes on the map besides the scene.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Decorations {
    /// A title, top left.
    pub title: Option<String>,
    /// The time window in words ("August 1945"), top right.
    pub stamp: Option<String>,
    /// The legend, bottom left.
    pub legend: bool,
    /// A scale bar, bottom right.
    pub scale_bar: bool,
    /// "Made with Natural Earth", bottom right.
    pub attribution: bool,
    /// A caption under the map listing the sources of the places shown.
    pub sources: bool,
}

impl Default for Decorations {
    fn default() -> Self {
        Decorations { title: None, stamp: None, legend: true, scale_bar: true, attribution: true, sources: false }
    }
}

/// The part of the world a picture shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Area {
    /// The selected places, else the journey shown, else every place shown.
    Fit,
    /// At least this box (a view on screen, or `--bbox`), centred.
    Box(Bbox<Mercator>),
    /// Exactly this view of the page's map (an animation's frames share one).
    Fixed(ScreenTransform),
}

/// What one picture shows.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// What the filter shows.
    pub vis: &'a Visibility,
    /// The selected places (highlighted, labelled first).
    pub selected: &'a [PlaceIx],
    /// The person whose journey is drawn.
    pub person: Option<PersonIx>,
    /// The journey's events up to this day only (an animation's frame); `None`: as `vis` shows.
    pub journey_until: Option<crate::chronology::Day>,
    /// The part of the world.
    pub area: Area,
    /// The page.
    pub page: Page,
    /// Title, date stamp, legend and the rest.
    pub decorations: &'a Decorations,
    /// The time window shown (`None`: every time): the dated features of overlay layers
    /// follow it.
    pub window: Option<crate::chronology::TimeWindow>,
}

/// Why a picture could not be made, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    /// Zero, or too large.
    #[error("a picture of {width} × {height} pixels cannot be made: each side must be 1 to 20000 pixels")]
    Size {
        /// Pixels wide.
        width: u32,
        /// Pixels high.
        height: u32,
    },
    /// The file name's extension names no format.
    #[error("{path}: unknown file type (use {known})")]
    UnknownExtension {
        /// The path given.
        path: String,
        /// The extensions known.
        known: &'static str,
    },
    /// Nothing to show.
    #[error("nothing to show: no place has an event in {0} (choose another time window)")]
    Empty(String),
    /// A bad bounding box.
    #[error("bad --bbox '{0}': give west,south,east,north in degrees (west < east, south < north)")]
    Bbox(String),
    /// The bundled font is unreadable.
    #[error("the bundled font cannot be read")]
    Font,
    /// The SVG could not be turned into pixels or PDF.
    #[error("cannot render the picture: {0}")]
    Render(String),
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] crate::export::WriteError),
    /// Encoding an animation failed.
    #[error("cannot encode the animation: {0}")]
    Encode(String),
    /// No ffmpeg for MP4.
    #[error(
        "MP4 needs ffmpeg, and none was found (install it, e.g. apt install ffmpeg, or set CROSSINGS_FFMPEG); GIF and PNG frames work without it"
    )]
    NoFfmpeg,
    /// Stopped by the user.
    #[error("cancelled")]
    Cancelled,
}

/// Parses `--bbox W,S,E,N` (degrees) into a Mercator box.
pub fn parse_bbox(text: &str) -> Result<Bbox<Mercator>, PictureError> {
    let bad = || PictureError::Bbox(text.to_owned());
    let v: Vec<f64> = text.split(',').map(|s| s.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| bad())?;
    let [w, s, e, n] = <[f64; 4]>::try_from(v).map_err(|_| bad())?;
    let ok = w < e
        && s < n
        && (-180.0..=180.0).contains(&w)
        && (-180.0..=180.0).contains(&e)
        && (-90.0..=90.0).contains(&s)
        && (-90.0..=90.0).contains(&n);
    if !ok {
        return Err(bad());
    }
    let a = Mercator::from(crate::model::LonLat { lon: w, lat: s });
    let b = Mercator::from(crate::model::LonLat { lon: e, lat: n });
    Ok(Bbox::from_corners(a, b))
}

/// Where the decorations go on a page, in points.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// The whole page.
    pub page: ScreenRect,
    /// A sheet of paper (see [`Page::paper`]).
    pub paper: bool,
    /// The map (the page above the caption).
    pub map: ScreenRect,
    /// The title's box.
    pub title: Option<ScreenRect>,
    /// The date stamp's box.
    pub stamp: Option<ScreenRect>,
    /// The legend's box.
    pub legend: Option<ScreenRect>,
    /// The attribution's baseline start.
    pub attribution: Option<ScreenRect>,
    /// The caption strip and its lines.
    pub caption: Option<(ScreenRect, Vec<String>)>,
}

/// Sizes of the decorations' text, in points.
pub mod sizes {
    /// The title.
    pub const TITLE: f32 = 20.0;
    /// The date stamp.
    pub const STAMP: f32 = 18.0;
    /// The legend's theme entries.
    pub const LEGEND: f32 = 11.0;
    /// The legend's notes on marker shapes.
    pub const LEGEND_NOTE: f32 = 9.5;
    /// The attribution.
    pub const ATTRIBUTION: f32 = 9.0;
    /// The caption.
    pub const CAPTION: f32 = 9.0;
    /// Space around boxes and inside them.
    pub const PAD: f32 = 12.0;
}

fn rect(x: f32, y: f32, w: f32, h: f32) -> ScreenRect {
    Bbox { min: ScreenPoint::new(x, y), max: ScreenPoint::new(x + w, y + h) }
}

/// The legend's lines: (theme colour or none, text, size).
pub fn legend_lines() -> Vec<(Option<crate::model::Theme>, &'static str, f32)> {
    let mut lines: Vec<_> =
        crate::scene::legend().into_iter().map(|e| (Some(e.theme), e.label, sizes::LEGEND)).collect();
    lines.extend(crate::scene::LEGEND_MARKS.iter().map(|l| (None, *l, sizes::LEGEND_NOTE)));
    lines
}

/// The whole years the dataset's dated events span: a picture's stamp when no window is set.
pub fn dataset_years(dataset: &Dataset) -> Option<TimeWindow> {
    let (a, b) = dataset.date_extent()?;
    Some(TimeWindow::new(
        crate::chronology::Day::year_start(a.to_ymd().0),
        crate::chronology::Day::year_end(b.to_ymd().0),
    ))
}

/// The sources of the events a filter shows at places shown, by title, sorted.
pub fn sources_shown(dataset: &Dataset, vis: &Visibility) -> Vec<String> {
    let mut used = vec![false; dataset.sources.len()];
    for (i, e) in dataset.events.iter().enumerate() {
        if vis.events[i].is_shown() && e.place.is_some_and(|p| vis.places[p.ix()].is_shown()) {
            for s in &e.sources {
                used[s.ix()] = true;
            }
        }
    }
    let mut titles: Vec<String> =
        dataset.sources.iter().zip(used).filter(|(_, u)| *u).map(|(s, _)| s.title.clone()).collect();
    titles.sort();
    titles
}

impl Layout {
    /// Places the decorations on a page.
    pub fn new(font: &Font, page: Page, decorations: &Decorations, sources: &[String]) -> Layout {
        use sizes::*;
        let [w, h] = page.size;
        let whole = rect(0.0, 0.0, w, h);
        // The caption: as many source lines as fit in a third of the page.
        let caption = (decorations.sources && !sources.is_empty()).then(|| {
            let line = CAPTION * text::LINE;
            let room = ((h / 3.0 - 2.0 * PAD) / line).floor().max(1.0) as usize;
            let mut lines: Vec<String> = Vec::new();
            let heading = if sources.len() == 1 { "Source:" } else { "Sources:" };
            lines.push(heading.to_owned());
            let max = (w - 2.0 * PAD).max(20.0);
            let measure = |t: &str| font.measure(t, CAPTION);
            for (i, s) in sources.iter().enumerate() {
                if lines.len() + 1 >= room && i + 1 < sources.len() {
                    lines.push(format!("… and {} more", sources.len() - i));
                    break;
                }
                lines.push(crate::scene::shorten(s, max, &measure));
            }
            let strip = lines.len() as f32 * line + 2.0 * PAD;
            (rect(0.0, h - strip, w, strip), lines)
        });
        let map_h = caption.as_ref().map_or(h, |(r, _)| r.min.y);
        let map = rect(0.0, 0.0, w, map_h);
        let title = decorations.title.as_deref().filter(|t| !t.trim().is_empty()).map(|t| {
            let [tw, th] = font.measure(t, TITLE);
            rect(PAD, PAD, tw + 2.0 * 8.0, th + 8.0)
        });
        let stamp = decorations.stamp.as_deref().filter(|t| !t.trim().is_empty()).map(|t| {
            let [tw, th] = font.measure(t, STAMP);
            rect(w - PAD - tw - 16.0, PAD, tw + 16.0, th + 8.0)
        });
        let legend = decorations.legend.then(|| {
            let lines = legend_lines();
            let width = lines
                .iter()
                .map(|(theme, t, s)| font.width(t, *s) + if theme.is_some() { 16.0 } else { 0.0 })
                .fold(0.0, f32::max);
            let height: f32 = lines.iter().map(|(_, _, s)| s * text::LINE + 1.0).sum();
            rect(PAD, map_h - PAD - height - 12.0, width + 16.0, height + 12.0)
        });
        let attribution = decorations.attribution.then(|| {
            let [tw, th] = font.measure(crate::basemap::ATTRIBUTION, ATTRIBUTION);
            rect(w - 6.0 - tw, map_h - 4.0 - th, tw, th)
        });
        Layout { page: whole, paper: page.paper, map, title, stamp, legend, attribution, caption }
    }

    /// What labels must not cover.
    pub fn overlays(&self) -> Vec<ScreenRect> {
        [self.title, self.stamp, self.legend, self.attribution].into_iter().flatten().collect()
    }
}

/// A scene and the decorations around it: everything a painter needs for one picture.
#[derive(Clone, Debug)]
pub struct Composition {
    /// The map.
    pub scene: Scene,
    /// The decorations' places.
    pub layout: Layout,
    /// The decorations.
    pub decorations: Decorations,
    /// The time window the overlay layers are drawn for.
    pub window: Option<crate::chronology::TimeWindow>,
}

/// Makes pictures of one dataset. Keeps what costs to build (places' statics, the cluster
/// grid, the basemap levels) across pictures, so an animation builds them once.
pub struct Renderer<'a> {
    dataset: &'a Dataset,
    statics: PlaceStatics,
    grid: ClusterGrid,
    layers: [Option<MercatorLayer>; 3],
    font: &'static Font,
    overlays: Vec<crate::overlay::StyledOverlay>,
}

impl std::fmt::Debug for Renderer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Renderer({} places)", self.dataset.places.len())
    }
}

impl<'a> Renderer<'a> {
    /// A renderer for a dataset.
    pub fn new(dataset: &'a Dataset) -> Result<Renderer<'a>, PictureError> {
        let font = text::font().ok_or(PictureError::Font)?;
        let statics = PlaceStatics::build(dataset);
        let grid = ClusterGrid::build(&statics);
        Ok(Renderer { dataset, statics, grid, layers: [None, None, None], font, overlays: Vec::new() })
    }

    /// Overlay layers to draw under the markers, first on top (as the window's layer list).
    pub fn set_overlays(&mut self, overlays: Vec<crate::overlay::StyledOverlay>) {
        self.overlays = overlays;
    }

    /// The overlay layers drawn.
    pub fn overlays(&self) -> &[crate::overlay::StyledOverlay] {
        &self.overlays
    }

    /// The dataset.
    pub fn dataset(&self) -> &'a Dataset {
        self.dataset
    }

    /// The bundled font.
    pub fn font(&self) -> &'static Font {
        self.font
    }

    /// A basemap level, built on first use.
    pub fn layer(&mut self, detail: Detail) -> &MercatorLayer {
        let i = Detail::ALL.iter().position(|d| *d == detail).unwrap_or(0);
        self.layers[i].get_or_insert_with(|| MercatorLayer::new(&crate::basemap::build_layer(detail)))
    }

    /// The view a request asks for on its page's map.
    pub fn transform(&self, req: &Request<'_>, layout: &Layout) -> ScreenTransform {
        let map = layout.map;
        let size = [map.max.x - map.min.x, map.max.y - map.min.y];
        let b = match req.area {
            Area::Fixed(t) => return t,
            Area::Box(b) => Some((b, [sizes::PAD; 4])),
            Area::Fit => {
                let points: Vec<Mercator> = if !req.selected.is_empty() {
                    req.selected.iter().map(|p| self.statics.pos[p.ix()]).collect()
                } else {
                    let journey = crate::scene::journey(self.dataset, req.vis, req.person);
                    if journey.len() > 1 {
                        journey.iter().map(|s| Mercator::from(s.lon_lat)).collect()
                    } else {
                        req.vis.shown_places().map(|p| self.statics.pos[p.ix()]).collect()
                    }
                };
                let top = layout.title.into_iter().chain(layout.stamp).map(|r| r.max.y).fold(0.0, f32::max);
                let bottom = layout.legend.map_or(0.0, |l| (map.max.y - l.min.y) * 0.6);
                let m = 36.0;
                Bbox::of(points).map(|b| (b, [m, m, top + m, bottom.max(m)]))
            }
        };
        let (b, margin) = b.unwrap_or_else(|| {
            // Nothing to fit: the region the atlas is about.
            let a = Mercator::from(crate::model::LonLat { lon: 95.0, lat: 10.0 });
            let c = Mercator::from(crate::model::LonLat { lon: 145.0, lat: 55.0 });
            (Bbox::from_corners(a, c), [sizes::PAD; 4])
        });
        // A single place: not the streets of a town, which the basemap does not have.
        let (centre, zoom) =
            ScreenTransform::fit(b, size, margin, [1.0, if b.size() == [0.0, 0.0] { 7.0 } else { MAX_ZOOM }]);
        ScreenTransform::centered(centre, zoom, map)
    }

    /// Builds the scene and places the decorations for a request.
    pub fn compose(&mut self, req: &Request<'_>) -> Composition {
        let font = self.font;
        let sources = if req.decorations.sources { sources_shown(self.dataset, req.vis) } else { Vec::new() };
        let layout = Layout::new(font, req.page, req.decorations, &sources);
        let transform = self.transform(req, &layout);
        let overlays = layout.overlays();
        let measure = |t: &str| font.measure(t, crate::palette::LABEL_TEXT);
        let input = SceneInput {
            dataset: self.dataset,
            statics: &self.statics,
            vis: req.vis,
            selected: req.selected,
            person: req.person,
            transform,
            canvas: layout.map,
            overlays: &overlays,
            highlight: None,
        };
        self.grid.invalidate();
        // An animation's frame: the journey as far as the frame's date, whatever the window.
        let mut scene = Scene::build_with_journey(input, req.journey_until, &mut self.grid, &measure);
        if !req.decorations.scale_bar {
            scene.scale_bar = None;
        }
        Composition { scene, layout, decorations: req.decorations.clone(), window: req.window }
    }

    /// The places a request shows, or [`PictureError::Empty`] with the window in words.
    pub fn check_not_empty(&self, req: &Request<'_>, window: Option<TimeWindow>) -> Result<(), PictureError> {
        if req.vis.shown_places().next().is_none() {
            return Err(PictureError::Empty(window.map_or_else(|| "the dataset".to_owned(), |w| w.describe())));
        }
        Ok(())
    }
}

/// Writes one picture to `path` (atomically) or, for `-`, PNG or SVG to `out`. Returns the
/// number of bytes written.
pub fn write_picture(
    renderer: &mut Renderer<'_>,
    req: &Request<'_>,
    format: Format,
    path: Option<&Path>,
    out: &mut dyn std::io::Write,
) -> Result<usize, PictureError> {
    req.page.check()?;
    let comp = renderer.compose(req);
    let bytes = match format {
        Format::Svg => svg(renderer, &comp, TextMode::Outlines, Layers::All).into_bytes(),
        Format::Png => {
            let mut r = Rasterizer::new();
            let pixmap = r.pixmap(renderer, &comp, req.page)?;
            encode_png(&pixmap)?
        }
        Format::Pdf => raster::pdf(renderer, &comp)?,
    };
    match path {
        Some(p) => crate::export::write_atomic(p, &bytes)?,
        None => {
            out.write_all(&bytes).map_err(|e| PictureError::Render(format!("cannot write to standard output: {e}")))?
        }
    }
    Ok(bytes.len())
}

//! The years as a moving picture: one frame per month or year, each the map of its time window
//! with the date stamped on it, streamed to an encoder as it is drawn (memory does not grow
//! with the number of frames).
//!
//! - GIF: a palette chosen once from sample frames (NeuQuant), every frame mapped to it.
//! - MP4 (H.264): through a system `ffmpeg`, which holds the codec and its licence; Crossings
//!   links no video codec. Found on `PATH` or at `CROSSINGS_FFMPEG`.
//! - A folder of numbered PNG frames (`frame-0001.png`, ...), written beside the target and
//!   moved into place at the end.
//!
//! The basemap is drawn once; each frame paints its markers, labels and stamp over a copy.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;

use resvg::tiny_skia::Pixmap;

use crate::chronology::{Day, TimeFilter, TimeWindow};
use crate::model::{Dataset, PersonIx, PlaceIx};
use crate::query::{Themes, visibility};

use super::raster::{Rasterizer, encode_png, straight_rgba};
use super::svg::Layers;
use super::{Area, Decorations, Layout, Page, PictureError, Renderer, Request};

/// How far each frame moves on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
pub enum Step {
    /// A month per frame.
    Month,
    /// A year per frame.
    Year,
}

/// What an animation is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AnimationFormat {
    /// An animated GIF.
    Gif,
    /// An H.264 MP4 (through ffmpeg).
    Mp4,
    /// A folder of numbered PNG frames.
    Frames,
}

impl AnimationFormat {
    /// The format an output path asks for: `.gif`, `.mp4`, or a folder (ends with `/`, or has
    /// no extension).
    pub fn from_path(path: &str) -> Result<AnimationFormat, PictureError> {
        if path.ends_with('/') || path.ends_with(std::path::MAIN_SEPARATOR) {
            return Ok(AnimationFormat::Frames);
        }
        let p = Path::new(path);
        match p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("gif") => Ok(AnimationFormat::Gif),
            Some("mp4") => Ok(AnimationFormat::Mp4),
            None => Ok(AnimationFormat::Frames),
            Some(_) => Err(PictureError::UnknownExtension { path: path.to_owned(), known: "gif, mp4, or a folder/" }),
        }
    }
}

/// An animation's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Animation {
    /// The first frame's start.
    pub from: Day,
    /// The last frame starts in this month or year.
    pub to: Day,
    /// A month or a year per frame.
    pub step: Step,
    /// How many steps each frame's window spans.
    pub window: u32,
    /// Frames per second.
    pub fps: u32,
    /// The page.
    pub page: Page,
    /// Title, legend and the rest (the date stamp is set per frame).
    pub decorations: Decorations,
    /// Places highlighted on every frame.
    pub selected: Vec<PlaceIx>,
    /// A person whose journey is drawn as far as each frame's end.
    pub person: Option<PersonIx>,
    /// The part of the world; `Fit`: whatever any frame shows.
    pub area: Area,
    /// The themes shown (the window's theme filter; all by default).
    pub themes: Themes,
    /// Overlay layers drawn under the markers (their dated features follow each frame).
    pub overlays: Vec<crate::overlay::StyledOverlay>,
}

impl Animation {
    /// Each frame's time window.
    pub fn windows(&self) -> Vec<TimeWindow> {
        let span = self.window.max(1) as i32;
        match self.step {
            Step::Month => {
                let (a, b) = (self.from.month_index(), self.to.month_index());
                (a..=b)
                    .map(|k| TimeWindow::new(Day::from_month_index(k), Day::from_month_index(k + span).prev()))
                    .collect()
            }
            Step::Year => {
                let (a, b) = (self.from.to_ymd().0, self.to.to_ymd().0);
                (a..=b).map(|y| TimeWindow::new(Day::year_start(y), Day::year_end(y + span - 1))).collect()
            }
        }
    }
}

impl Animation {
    /// The one view every frame shares: what the whole span shows (or the area asked for).
    /// [`PictureError::Empty`] when no frame would show anything.
    pub fn view(&self, renderer: &Renderer<'_>) -> Result<Area, PictureError> {
        let windows = self.windows();
        let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
            return Err(PictureError::Empty("no frame: the end is before the start".to_owned()));
        };
        let whole = TimeWindow::new(first.start, last.end);
        let vis_all = visibility(renderer.dataset(), &frame_filter(whole), &self.themes);
        if vis_all.shown_places().next().is_none() {
            return Err(PictureError::Empty(whole.describe()));
        }
        let mut decorations = self.decorations.clone();
        decorations.stamp = self.decorations.stamp.as_ref().map(|_| first.describe());
        let probe = Request {
            vis: &vis_all,
            selected: &self.selected,
            person: self.person,
            journey_until: None,
            area: self.area,
            page: self.page,
            decorations: &decorations,
            window: Some(whole),
        };
        let layout = Layout::new(renderer.font(), self.page, &decorations, &[]);
        Ok(Area::Fixed(renderer.transform(&probe, &layout)))
    }

    /// A frame of `window`: what `vis` shows, in the view `area` ([`Animation::view`]), with the
    /// journey as far as the window's end.
    pub fn request<'a>(
        &'a self,
        vis: &'a crate::query::Visibility,
        decorations: &'a Decorations,
        window: TimeWindow,
        area: Area,
    ) -> Request<'a> {
        Request {
            vis,
            selected: &self.selected,
            person: self.person,
            journey_until: Some(window.end),
            area,
            page: self.page,
            decorations,
            window: Some(window),
        }
    }

    /// What a frame of `window` shows, and its decorations (the date stamp set).
    pub fn frame(&self, dataset: &Dataset, window: TimeWindow) -> (crate::query::Visibility, Decorations) {
        let vis = visibility(dataset, &frame_filter(window), &self.themes);
        let mut decorations = self.decorations.clone();
        decorations.stamp = self.decorations.stamp.as_ref().map(|_| window.describe());
        (vis, decorations)
    }
}

/// A frame's filter: its window, undated events left out (they belong to no frame).
fn frame_filter(window: TimeWindow) -> TimeFilter {
    TimeFilter { window: Some(window), include_undated: false }
}

/// What an animation wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    /// Frames.
    pub frames: usize,
    /// Bytes written (all frames for a folder).
    pub bytes: u64,
    /// How it was encoded ("GIF, 256 colours", "H.264 (libx264, through /usr/bin/ffmpeg)",
    /// "PNG frames").
    pub encoder: String,
}

/// The ffmpeg to use for MP4: `CROSSINGS_FFMPEG`, else `ffmpeg` on `PATH`.
pub fn find_ffmpeg() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CROSSINGS_FFMPEG") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let name = if cfg!(windows) { "ffmpeg.exe" } else { "ffmpeg" };
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// The H.264 encoder an ffmpeg has, best first.
fn h264_encoder(ffmpeg: &Path) -> Result<String, PictureError> {
    let out = std::process::Command::new(ffmpeg)
        .args(["-hide_banner", "-encoders"])
        .output()
        .map_err(|e| PictureError::Encode(format!("cannot run {}: {e}", ffmpeg.display())))?;
    let list = String::from_utf8_lossy(&out.stdout);
    let has = |name: &str| list.lines().any(|l| l.split_whitespace().nth(1) == Some(name));
    ["libx264", "libopenh264", "h264_videotoolbox", "h264_mf"]
        .into_iter()
        .find(|e| has(e))
        .map(str::to_owned)
        .ok_or_else(|| {
            PictureError::Encode(format!("{} has no H.264 encoder (libx264 or libopenh264)", ffmpeg.display()))
        })
}

/// Writes an animation. `progress(done, total)` is called after each frame; setting `cancel`
/// stops it, and nothing is left behind. An existing file is replaced only when the whole
/// animation was written.
pub fn animate(
    dataset: &Dataset,
    anim: &Animation,
    format: AnimationFormat,
    output: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<Written, PictureError> {
    anim.page.check()?;
    let windows = anim.windows();
    let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
        return Err(PictureError::Empty("no frame: --to is before --from".to_owned()));
    };
    let whole = TimeWindow::new(first.start, last.end);
    let mut renderer = Renderer::new(dataset)?;
    renderer.set_overlays(anim.overlays.clone());
    // One view for every frame (and Empty when no frame would show anything).
    let fixed = anim.view(&renderer)?;
    // Check the target before drawing anything.
    let (ffmpeg, encoder) = match format {
        AnimationFormat::Mp4 => {
            let f = find_ffmpeg().ok_or(PictureError::NoFfmpeg)?;
            let e = h264_encoder(&f)?;
            (Some(f), e)
        }
        _ => (None, String::new()),
    };
    let parent = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(crate::export::WriteError::NoFolder(parent.display().to_string()).into());
    }
    if format == AnimationFormat::Frames && output.exists() {
        let empty = std::fs::read_dir(output).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty {
            return Err(PictureError::Render(format!(
                "{} already exists and is not an empty folder: choose a new or empty folder for the frames",
                output.display()
            )));
        }
    }

    let ppp = anim.page.pixels_per_point;
    let [w, h] = anim.page.pixel_size();
    let total = windows.len();

    // The producer draws frames; the encoder (this thread) writes them as they come.
    let (tx, rx) = sync_channel::<Msg>(2);
    let stopped = AtomicBool::new(false);
    let result = std::thread::scope(|s| {
        let producer = s.spawn(|| -> Result<(), PictureError> {
            // Owned here, so the encoder sees the channel close when this thread stops.
            let tx = tx;
            let mut raster = Rasterizer::new();
            let mut base: Option<Pixmap> = None;
            // For a GIF, the colours of the whole span first: its palette is chosen from them.
            let sample = (format == AnimationFormat::Gif).then_some((None, whole));
            for (i, window) in sample.into_iter().chain(windows.iter().enumerate().map(|(i, w)| (Some(i), *w))) {
                if cancel.load(Ordering::Relaxed) || stopped.load(Ordering::Relaxed) {
                    return Err(PictureError::Cancelled);
                }
                let (vis, decorations) = anim.frame(dataset, window);
                let req = anim.request(&vis, &decorations, window, fixed);
                let comp = renderer.compose(&req);
                let mut pixmap = match &base {
                    Some(b) => b.clone(),
                    None => {
                        let mut b = Rasterizer::blank(anim.page)?;
                        raster.paint(&mut renderer, &comp, Layers::Basemap, ppp, &mut b)?;
                        base = Some(b.clone());
                        b
                    }
                };
                raster.paint(&mut renderer, &comp, Layers::Overlay, ppp, &mut pixmap)?;
                let msg = match i {
                    Some(_) => Msg::Frame(straight_rgba(&pixmap)),
                    None => Msg::Sample(straight_rgba(&pixmap)),
                };
                if tx.send(msg).is_err() {
                    return Err(PictureError::Cancelled);
                }
                if let Some(i) = i {
                    progress(i + 1, total);
                }
            }
            let _ = tx.send(Msg::Done);
            Ok(())
        });
        let written = match format {
            AnimationFormat::Gif => write_gif(output, w, h, anim.fps, &rx),
            AnimationFormat::Frames => write_frames(output, &parent, w, h, &rx),
            AnimationFormat::Mp4 => write_mp4(
                output,
                &parent,
                ffmpeg.as_deref().unwrap_or(Path::new("ffmpeg")),
                &encoder,
                w,
                h,
                anim.fps,
                &rx,
            ),
        };
        if written.is_err() {
            stopped.store(true, Ordering::Relaxed);
        }
        drop(rx);
        let produced =
            producer.join().unwrap_or_else(|_| Err(PictureError::Render("a frame could not be drawn".into())));
        match (produced, written) {
            (Ok(()), w) => w,
            // The encoder stopped first: its reason is the one to give.
            (Err(PictureError::Cancelled), Err(w)) => Err(w),
            (Err(e), _) => Err(e),
        }
    });
    let (frames, bytes, how) = result?;
    Ok(Written { frames, bytes, encoder: how })
}

/// What the producer sends the encoder.
enum Msg {
    /// A picture of the whole span, for the palette (not a frame).
    Sample(Vec<u8>),
    /// A frame, straight RGBA.
    Frame(Vec<u8>),
    /// Every frame was sent: the file may be kept.
    Done,
}

/// The frames as they come; `done` tells at the end whether all came (else the producer
/// stopped: cancelled or failed, and nothing may be kept).
struct Stream<'a> {
    rx: &'a std::sync::mpsc::Receiver<Msg>,
    sample: Option<Vec<u8>>,
    done: bool,
}

impl Iterator for Stream<'_> {
    type Item = Vec<u8>;
    fn next(&mut self) -> Option<Vec<u8>> {
        loop {
            match self.rx.recv().ok()? {
                Msg::Sample(s) => self.sample = Some(s),
                Msg::Frame(f) => return Some(f),
                Msg::Done => {
                    self.done = true;
                    return None;
                }
            }
        }
    }
}

type Frames<'a> = &'a std::sync::mpsc::Receiver<Msg>;

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> PictureError + '_ {
    move |e| crate::export::WriteError::Io { path: path.display().to_string(), source: e }.into()
}

/// A GIF: the palette from the first frame and the whole span's colours, every frame mapped to
/// it (a cache keeps the lookups cheap: a map has few distinct colours).
fn write_gif(output: &Path, w: u32, h: u32, fps: u32, rx: Frames<'_>) -> Result<(usize, u64, String), PictureError> {
    let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
        return Err(PictureError::Size { width: w, height: h });
    };
    // GIF counts delays in hundredths of a second; browsers slow anything under 2 to 10.
    let delay = (100 / fps.clamp(1, 50)) as u16;
    let mut frames = 0usize;
    let result = crate::export::write_atomic_with(output, |out| {
        let mut encoder: Option<gif::Encoder<&mut dyn std::io::Write>> = None;
        let mut quant: Option<Quantizer> = None;
        let mut out = Some(out);
        let mut stream = Stream { rx, sample: None, done: false };
        let mut previous: Option<Vec<u8>> = None;
        while let Some(rgba) = stream.next() {
            let q = quant.get_or_insert_with(|| {
                let mut pixels = stream.sample.take().unwrap_or_default();
                pixels.extend_from_slice(&rgba);
                Quantizer::new(&pixels)
            });
            if encoder.is_none() {
                let palette = q.palette();
                let target = out.take().ok_or_else(|| std::io::Error::other("encoder"))?;
                let mut e = gif::Encoder::new(target, w16, h16, &palette).map_err(std::io::Error::other)?;
                e.set_repeat(gif::Repeat::Infinite).map_err(std::io::Error::other)?;
                encoder = Some(e);
            }
            let indices: Vec<u8> = rgba.chunks_exact(4).map(|p| q.index(p)).collect();
            // After the first frame only the rectangle that changed is written (the map under
            // it stays): a month's frame differs in a few markers and the stamp.
            let (left, top, fw, fh, buffer) = match &previous {
                None => (0, 0, w16, h16, indices.clone()),
                Some(prev) => changed_rect(prev, &indices, usize::from(w16)),
            };
            let frame = gif::Frame {
                left,
                top,
                width: fw,
                height: fh,
                delay,
                buffer: std::borrow::Cow::Owned(buffer),
                ..gif::Frame::default()
            };
            if let Some(e) = encoder.as_mut() {
                e.write_frame(&frame).map_err(std::io::Error::other)?;
            }
            previous = Some(indices);
            frames += 1;
        }
        if !stream.done || frames == 0 {
            return Err(std::io::Error::other("cancelled"));
        }
        drop(encoder);
        Ok(())
    });
    result.map_err(|e| match e {
        crate::export::WriteError::Io { ref source, .. } if source.to_string() == "cancelled" => {
            PictureError::Cancelled
        }
        e => e.into(),
    })?;
    let bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    Ok((frames, bytes, "GIF, 256 colours".to_owned()))
}

/// A GIF's 256 colours: the map's own flat colours exactly (sea, land, each theme's markers,
/// text: every colour that covers a few pixels of the sample), and NeuQuant's choice for the
/// rest (the blends at edges). Lookups are cached: a map has few distinct colours.
struct Quantizer {
    exact: Vec<[u8; 3]>,
    nq: color_quant::NeuQuant,
    cache: rustc_hash::FxHashMap<u32, u8>,
}

impl Quantizer {
    fn new(sample: &[u8]) -> Quantizer {
        let mut counts: rustc_hash::FxHashMap<[u8; 3], u32> = rustc_hash::FxHashMap::default();
        for p in sample.chunks_exact(4) {
            *counts.entry([p[0], p[1], p[2]]).or_default() += 1;
        }
        let mut common: Vec<([u8; 3], u32)> = counts.into_iter().filter(|(_, n)| *n >= 24).collect();
        common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        common.truncate(160);
        let exact: Vec<[u8; 3]> = common.into_iter().map(|(c, _)| c).collect();
        let nq = color_quant::NeuQuant::new(10, 256 - exact.len(), sample);
        let cache =
            exact.iter().enumerate().map(|(i, c)| (u32::from_le_bytes([c[0], c[1], c[2], 0]), i as u8)).collect();
        Quantizer { exact, nq, cache }
    }

    /// The palette, RGB.
    fn palette(&self) -> Vec<u8> {
        let mut p: Vec<u8> = self.exact.iter().flatten().copied().collect();
        p.extend(self.nq.color_map_rgb());
        p
    }

    fn index(&mut self, p: &[u8]) -> u8 {
        let key = u32::from_le_bytes([p[0], p[1], p[2], 0]);
        let (nq, offset) = (&self.nq, self.exact.len());
        *self.cache.entry(key).or_insert_with(|| (offset + nq.index_of(&[p[0], p[1], p[2], 255])) as u8)
    }
}

/// The smallest rectangle where two frames' indices differ, and its indices (a 1×1 rectangle
/// when nothing changed: a GIF frame cannot be empty).
fn changed_rect(prev: &[u8], next: &[u8], width: usize) -> (u16, u16, u16, u16, Vec<u8>) {
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for (y, (a, b)) in prev.chunks_exact(width).zip(next.chunks_exact(width)).enumerate() {
        if a == b {
            continue;
        }
        let first = a.iter().zip(b).position(|(p, q)| p != q).unwrap_or(0);
        let last = width - 1 - a.iter().rev().zip(b.iter().rev()).position(|(p, q)| p != q).unwrap_or(0);
        x0 = x0.min(first);
        x1 = x1.max(last);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 == usize::MAX {
        return (0, 0, 1, 1, vec![next[0]]);
    }
    let mut buffer = Vec::with_capacity((x1 - x0 + 1) * (y1 - y0 + 1));
    for row in next.chunks_exact(width).skip(y0).take(y1 - y0 + 1) {
        buffer.extend_from_slice(&row[x0..=x1]);
    }
    let n = |v: usize| v as u16;
    (n(x0), n(y0), n(x1 - x0 + 1), n(y1 - y0 + 1), buffer)
}

/// Numbered PNG frames in a folder made beside the target, moved into place at the end.
fn write_frames(
    output: &Path,
    parent: &Path,
    w: u32,
    h: u32,
    rx: Frames<'_>,
) -> Result<(usize, u64, String), PictureError> {
    let tmp = tempfile::Builder::new().prefix(".crossings-frames-").tempdir_in(parent).map_err(io_err(output))?;
    let mut frames = 0usize;
    let mut bytes = 0u64;
    let mut stream = Stream { rx, sample: None, done: false };
    for rgba in stream.by_ref() {
        frames += 1;
        let mut pixmap = Pixmap::new(w, h).ok_or(PictureError::Size { width: w, height: h })?;
        // The frame is straight RGBA of an opaque map: premultiplied is the same.
        pixmap.data_mut().copy_from_slice(&rgba);
        let png = encode_png(&pixmap)?;
        bytes += png.len() as u64;
        std::fs::write(tmp.path().join(format!("frame-{frames:04}.png")), png).map_err(io_err(output))?;
    }
    if !stream.done || frames == 0 {
        return Err(PictureError::Cancelled);
    }
    if output.exists() {
        std::fs::remove_dir(output).map_err(io_err(output))?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, output).map_err(io_err(output))?;
    Ok((frames, bytes, "PNG frames".to_owned()))
}

/// An H.264 MP4 through ffmpeg, written to a temporary file beside the target and renamed.
#[allow(clippy::too_many_arguments)]
fn write_mp4(
    output: &Path,
    parent: &Path,
    ffmpeg: &Path,
    encoder: &str,
    w: u32,
    h: u32,
    fps: u32,
    rx: Frames<'_>,
) -> Result<(usize, u64, String), PictureError> {
    let tmp =
        tempfile::Builder::new().prefix(".crossings-").suffix(".mp4").tempfile_in(parent).map_err(io_err(output))?;
    let fps = fps.clamp(1, 60).to_string();
    let mut child = std::process::Command::new(ffmpeg)
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pixel_format", "rgba"])
        .args(["-video_size", &format!("{w}x{h}"), "-framerate", &fps, "-i", "-"])
        // yuv420p (what players and PowerPoint expect) needs even sides.
        .args(["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", encoder, "-pix_fmt", "yuv420p"])
        .args(["-movflags", "+faststart", "-r", &fps, "-f", "mp4"])
        .arg(tmp.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| PictureError::Encode(format!("cannot run {}: {e}", ffmpeg.display())))?;
    let mut frames = 0usize;
    let mut failed = None;
    let mut stream = Stream { rx, sample: None, done: false };
    if let Some(mut stdin) = child.stdin.take() {
        for rgba in stream.by_ref() {
            if let Err(e) = stdin.write_all(&rgba) {
                failed = Some(e);
                break;
            }
            frames += 1;
        }
    }
    let out = child.wait_with_output().map_err(|e| PictureError::Encode(e.to_string()))?;
    if !out.status.success() || failed.is_some() {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        return Err(PictureError::Encode(format!("ffmpeg failed: {why}")));
    }
    if !stream.done || frames == 0 {
        return Err(PictureError::Cancelled);
    }
    tmp.as_file().sync_all().map_err(io_err(output))?;
    tmp.persist(output).map_err(|e| io_err(output)(e.error))?;
    let bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    Ok((frames, bytes, format!("H.264 ({encoder}, through {})", ffmpeg.display())))
}

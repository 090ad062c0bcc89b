//! Pictures: PNG, SVG and PDF read back (pixels, XML, a real PDF reader), animations decoded
//! (GIF frames, ffprobe on the MP4), and bad input refused with nothing written.

mod common;

use std::path::Path;

use crossings::chronology::{TimeFilter, TimeWindow};
use crossings::geometry::ScreenPoint;
use crossings::model::{Dataset, LonLat};
use crossings::palette::{self, MarkerLook, Rgba};
use crossings::picture::{self, Area, Decorations, Format, Page, Renderer, Request};
use crossings::query::{Themes, Visibility, visibility};

fn vis_for(d: &Dataset, from: &str, to: &str) -> Visibility {
    let window = TimeWindow::from_to(Some(from), Some(to)).unwrap();
    visibility(d, &TimeFilter { window: Some(window), include_undated: false }, &Themes::default())
}

/// A picture of what `vis` shows, nothing selected.
fn request<'a>(vis: &'a Visibility, decorations: &'a Decorations, area: Area, page: Page) -> Request<'a> {
    Request { vis, selected: &[], person: None, journey_until: None, area, page, decorations, window: None }
}

/// North-east Asia, Harbin inside: one view for every render, so positions compare.
const BOX: &str = "110,25,145,52";

struct Png {
    width: u32,
    rgba: Vec<u8>,
}

impl Png {
    fn decode(bytes: &[u8]) -> Png {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        let mut rgba = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut rgba).unwrap();
        rgba.truncate(info.buffer_size());
        let rgba = match info.color_type {
            png::ColorType::Rgba => rgba,
            // pdftoppm writes RGB.
            png::ColorType::Rgb => rgba.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
            other => panic!("unexpected PNG colour type {other:?}"),
        };
        Png { width: info.width, rgba }
    }

    fn at(&self, p: ScreenPoint) -> [u8; 3] {
        let i = (p.y.round() as usize * self.width as usize + p.x.round() as usize) * 4;
        [self.rgba[i], self.rgba[i + 1], self.rgba[i + 2]]
    }
}

fn straight(c: Rgba) -> [u8; 3] {
    let [r, g, b, a] = c.0;
    // Premultiplied over the land colour.
    let under = palette::LAND.0;
    let over = |c: u8, u: u8| (f32::from(c) + f32::from(u) * (1.0 - f32::from(a) / 255.0)).round() as u8;
    [over(r, under[0]), over(g, under[1]), over(b, under[2])]
}

fn distance(a: [u8; 3], b: [u8; 3]) -> i32 {
    a.iter().zip(b).map(|(x, y)| (i32::from(*x) - i32::from(y)).abs()).sum()
}

/// Renders a PNG of the box for a window; gives the picture and Harbin's marker look (if shown)
/// and position.
fn render_png(d: &Dataset, from: &str, to: &str) -> (Png, Option<MarkerLook>, ScreenPoint, Vec<u8>) {
    let vis = vis_for(d, from, to);
    let decorations = Decorations {
        stamp: Some(TimeWindow::from_to(Some(from), Some(to)).unwrap().describe()),
        ..Decorations::default()
    };
    let area = Area::Box(picture::parse_bbox(BOX).unwrap());
    let req = request(&vis, &decorations, area, Page::pixels(1200, 800));
    let mut r = Renderer::new(d).unwrap();
    let comp = r.compose(&req);
    let harbin = d.place_by_id("harbin").unwrap();
    let pos = comp.scene.transform.lon_lat(d.place(harbin).lon_lat);
    let look = comp.scene.items.markers.iter().find(|m| m.place == harbin).map(MarkerLook::of);
    let mut bytes = Vec::new();
    picture::write_picture(&mut r, &req, Format::Png, None, &mut bytes).unwrap();
    (Png::decode(&bytes), look, pos, bytes)
}

#[test]
fn a_png_has_land_and_sea_where_they_belong_and_harbin_only_when_its_events_are_in_the_window() {
    let d = common::bundled().dataset;
    let (aug, look, harbin, bytes) = render_png(&d, "1945-08", "1945-08");
    let (mar, none, harbin_again, _) = render_png(&d, "1939-03", "1939-03");
    assert_eq!(harbin, harbin_again, "one view for both");
    // Harbin's marker in its theme's colour in August 1945 …
    let look = look.expect("Harbin is shown in August 1945");
    assert_eq!(look.fill, palette::theme_color(d.place_theme(d.place_by_id("harbin").unwrap())));
    let want = straight(look.fill);
    assert!(distance(aug.at(harbin), want) <= 6, "Harbin's pixel {:?}, marker {want:?}", aug.at(harbin));
    // … and not in March 1939, when no event of it is in the window.
    assert!(none.is_none());
    assert!(distance(mar.at(harbin), want) > 60, "Harbin is not drawn in March 1939: {:?}", mar.at(harbin));
    // Sea in the Sea of Japan, land in Inner Mongolia, the same in both.
    let to_px = |lon, lat| {
        let vis = vis_for(&d, "1945-08", "1945-08");
        let decorations = Decorations::default();
        let req = request(&vis, &decorations, Area::Box(picture::parse_bbox(BOX).unwrap()), Page::pixels(1200, 800));
        let mut r = Renderer::new(&d).unwrap();
        r.compose(&req).scene.transform.lon_lat(LonLat { lon, lat })
    };
    let sea = to_px(134.0, 40.0);
    let land = to_px(114.0, 42.5);
    for png in [&aug, &mar] {
        assert_eq!(png.at(sea), straight(palette::SEA), "sea");
        assert_eq!(png.at(land), straight(palette::LAND), "land");
    }
    // The date stamp (top right) is not blank: dark text in its box.
    let dark = |png: &Png| {
        (10..60)
            .flat_map(|y| (1000..1190).map(move |x| ScreenPoint::new(x as f32, y as f32)))
            .filter(|p| png.at(*p).iter().all(|c| *c < 80))
            .count()
    };
    assert!(dark(&aug) > 100, "the stamp 'August 1945' is drawn ({} dark pixels)", dark(&aug));
    // Same input, same bytes.
    let (_, _, _, again) = render_png(&d, "1945-08", "1945-08");
    assert!(bytes == again, "a render is deterministic");
    std::fs::write(common::artifacts().join("render-1945-08.png"), &bytes).unwrap();
}

fn svg_of(d: &Dataset, vis: &Visibility, title: &str) -> String {
    let decorations =
        Decorations { title: Some(title.to_owned()), stamp: Some("August 1945".into()), ..Decorations::default() };
    let req = request(vis, &decorations, Area::Fit, Page::pixels(1920, 1080));
    let mut r = Renderer::new(d).unwrap();
    let mut out = Vec::new();
    picture::write_picture(&mut r, &req, Format::Svg, None, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn an_svg_has_named_layers_native_names_as_text_and_one_marker_per_place_shown() {
    let d = common::bundled().dataset;
    let vis = vis_for(&d, "1945-08", "1945-08");
    let svg = svg_of(&d, &vis, "Surrender & captivity <1945>");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let group = |id: &str| doc.descendants().find(|n| n.has_tag_name("g") && n.attribute("id") == Some(id));
    for id in ["basemap", "borders", "journeys", "markers", "labels", "legend", "title", "scale-bar", "attribution"] {
        let g = group(id).unwrap_or_else(|| panic!("layer {id}"));
        assert_eq!(g.attribute(("http://www.inkscape.org/namespaces/inkscape", "groupmode")), Some("layer"), "{id}");
    }
    let texts: Vec<String> =
        doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text().map(str::to_owned)).collect();
    for name in ["哈尔滨", "Quảng Ngãi", "Surrender & captivity <1945>", "August 1945"] {
        assert!(texts.iter().any(|t| t.contains(name)), "{name} as text in {texts:?}");
    }
    // Every text has its glyphs drawn beside it (the same on a machine without the font).
    let outlined = doc.descendants().filter(|n| n.has_tag_name("text")).all(|t| {
        t.prev_sibling_element()
            .is_some_and(|p| p.has_tag_name("path") && p.attribute("d").is_some_and(|d| d.len() > 20))
    });
    assert!(outlined, "glyph outlines beside each text");
    let markers = group("markers").unwrap().children().filter(|n| n.is_element()).count();
    let clustered: usize = group("clusters")
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text()?.parse::<usize>().ok())
        .sum();
    assert_eq!(markers + clustered, vis.shown_places().count(), "a marker per place shown");
    assert!(markers > 10);
}

#[test]
fn a_pdf_opens_in_poppler_with_markers_drawn_and_the_font_embedded() {
    if !common::require_tools(&["pdftoppm", "pdffonts"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("august.pdf");
    let out = common::crossings()
        .args([
            "render",
            "--from",
            "1945-08",
            "--to",
            "1945-08",
            "--paper",
            "a4",
            "--title",
            "Harbin 哈尔滨",
            "--output",
        ])
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fonts = std::process::Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    let line = fonts.lines().find(|l| l.contains("NotoSansCJK")).unwrap_or_else(|| panic!("font listed: {fonts}"));
    assert!(line.split_whitespace().any(|w| w == "yes"), "embedded: {line}");
    let raster = dir.path().join("page");
    let ok = std::process::Command::new("pdftoppm")
        .args(["-r", "72", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&raster)
        .status()
        .unwrap();
    assert!(ok.success());
    let png = Png::decode(&std::fs::read(dir.path().join("page.png")).unwrap());
    // Soviet markers (the theme of August 1945 in Manchuria) are on the page.
    let soviet = straight(palette::theme_color(crossings::model::Theme::Soviet));
    let pixels = png.rgba.chunks_exact(4).filter(|p| distance([p[0], p[1], p[2]], soviet) <= 12).count();
    assert!(pixels > 40, "{pixels} marker pixels on the page");
    std::fs::copy(dir.path().join("page.png"), common::artifacts().join("render-a4-pdf.png")).unwrap();
}

/// A frame's rectangle: left, top, width, height.
type FrameRect = (u16, u16, u16, u16);

/// A GIF's size and its frames' rectangles.
fn gif_frames(path: &Path) -> (u16, u16, Vec<FrameRect>) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    let mut dec = options.read_info(std::fs::File::open(path).unwrap()).unwrap();
    let (w, h) = (dec.width(), dec.height());
    let mut frames = Vec::new();
    while let Some(f) = dec.read_next_frame().unwrap() {
        frames.push((f.left, f.top, f.width, f.height));
    }
    (w, h, frames)
}

#[test]
fn a_gif_has_a_frame_per_month_and_changes_where_the_data_changed() {
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("1945.gif");
    let out = common::crossings()
        .args([
            "animate", "--from", "1945-06", "--to", "1945-09", "--bbox", BOX, "--width", "640", "--height", "400",
            "--output",
        ])
        .arg(&gif)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (w, h, frames) = gif_frames(&gif);
    assert_eq!((w, h), (640, 400));
    assert_eq!(frames.len(), 4, "June to September 1945");
    // July → August: the Soviet offensive; Harbin's marker appears, so the changed rectangle
    // holds Harbin.
    let d = common::bundled().dataset;
    let vis = vis_for(&d, "1945-08", "1945-08");
    let decorations = Decorations::default();
    let req = request(&vis, &decorations, Area::Box(picture::parse_bbox(BOX).unwrap()), Page::pixels(640, 400));
    let harbin = Renderer::new(&d)
        .unwrap()
        .compose(&req)
        .scene
        .transform
        .lon_lat(d.place(d.place_by_id("harbin").unwrap()).lon_lat);
    let (l, t, fw, fh) = frames[2];
    let inside = |p: ScreenPoint| {
        p.x >= f32::from(l) && p.x < f32::from(l + fw) && p.y >= f32::from(t) && p.y < f32::from(t + fh)
    };
    assert!(inside(harbin), "frame 3's change {:?} covers Harbin at {harbin:?}", frames[2]);
    assert!(u32::from(fw) * u32::from(fh) < 640 * 400, "only what changed is written");
}

#[test]
fn an_mp4_is_h264_with_a_frame_per_year_that_ffprobe_reads() {
    if !common::require_tools(&["ffmpeg", "ffprobe"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mp4 = dir.path().join("years.mp4");
    let out = common::crossings()
        .args([
            "animate", "--from", "1944", "--to", "1947", "--step", "year", "--fps", "2", "--width", "641", "--height",
            "360",
        ])
        .args(["--person", "maeda-mitsushige", "--output"])
        .arg(&mp4)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let probe = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args([
            "-show_entries",
            "stream=codec_name,pix_fmt,width,nb_read_frames:format=duration",
            "-of",
            "default=nw=1",
        ])
        .arg(&mp4)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&probe.stdout);
    for want in ["codec_name=h264", "pix_fmt=yuv420p", "width=642", "nb_read_frames=4"] {
        assert!(text.lines().any(|l| l == want), "{want} in {text}");
    }
    let duration: f64 = text.lines().find_map(|l| l.strip_prefix("duration=")).unwrap().parse().unwrap();
    assert!((duration - 2.0).abs() < 0.1, "4 frames at 2 fps: {duration}");
}

#[test]
fn png_frames_go_to_a_new_folder_numbered() {
    let dir = tempfile::tempdir().unwrap();
    let frames = dir.path().join("frames");
    let out = common::crossings()
        .args([
            "animate", "--from", "1945", "--to", "1946", "--step", "year", "--width", "320", "--height", "200",
            "--output",
        ])
        .arg(format!("{}/", frames.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut names: Vec<String> =
        std::fs::read_dir(&frames).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["frame-0001.png", "frame-0002.png"]);
    let a = std::fs::read(frames.join("frame-0001.png")).unwrap();
    let b = std::fs::read(frames.join("frame-0002.png")).unwrap();
    assert_eq!(Png::decode(&a).width, 320);
    assert_ne!(a, b, "1945 and 1946 differ");
    // Nothing else beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn bad_sizes_paths_and_windows_are_refused_in_words_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let keep = dir.path().join("keep.png");
    std::fs::write(&keep, "the user's picture").unwrap();
    let run = |args: &[&str], output: &Path| {
        let out = common::crossings().args(["render"]).args(args).arg("--output").arg(output).output().unwrap();
        assert_ne!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = run(&["--width", "0"], &keep);
    assert!(e.contains("1 to 20000 pixels"), "{e}");
    let e = run(&["--width", "20001"], &keep);
    assert!(e.contains("20001 × 1080"), "{e}");
    let e = run(&[], &dir.path().join("map.bmp"));
    assert!(e.contains("map.bmp: unknown file type (use png, svg, pdf)"), "{e}");
    let e = run(&["--from", "1800", "--to", "1801"], &keep);
    assert!(e.contains("nothing to show") && e.contains("1800 – 1801"), "{e}");
    let e = run(&[], &dir.path().join("no-such-folder/map.png"));
    assert!(e.contains("does not exist"), "{e}");
    let e = run(&["--bbox", "150,10,100,50"], &keep);
    assert!(e.contains("bad --bbox"), "{e}");
    let e = run(&["--place", "atlantis"], &keep);
    assert!(e.contains("unknown place 'atlantis'"), "{e}");
    let out = common::crossings()
        .args(["animate", "--from", "1945", "--to", "1946", "--output"])
        .arg(dir.path().join("a.mp4"))
        .env("CROSSINGS_FFMPEG", "/nonexistent/ffmpeg")
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("MP4 needs ffmpeg") && e.contains("GIF and PNG frames work without it"), "{e}");
    assert_eq!(std::fs::read_to_string(&keep).unwrap(), "the user's picture");
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["keep.png"], "nothing else written");
}

#[test]
fn a_cancelled_animation_leaves_the_old_file_and_nothing_else() {
    let d = common::bundled().dataset;
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("years.gif");
    std::fs::write(&gif, "old").unwrap();
    let anim = picture::Animation {
        from: crossings::chronology::Day::year_start(1937),
        to: crossings::chronology::Day::year_start(1950),
        step: picture::Step::Year,
        window: 1,
        fps: 4,
        page: Page::pixels(320, 200),
        decorations: Decorations::default(),
        selected: Vec::new(),
        person: None,
        area: Area::Fit,
        themes: Themes::default(),
        overlays: Vec::new(),
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let stop_after_two = |done: usize, _total: usize| {
        if done == 2 {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let err = picture::animate(&d, &anim, picture::AnimationFormat::Gif, &gif, &stop_after_two, &cancel).unwrap_err();
    assert!(matches!(err, picture::PictureError::Cancelled), "{err}");
    assert_eq!(std::fs::read_to_string(&gif).unwrap(), "old");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    // Not cancelled, the same writes all 14 years.
    let never = std::sync::atomic::AtomicBool::new(false);
    let written = picture::animate(&d, &anim, picture::AnimationFormat::Gif, &gif, &|_, _| {}, &never).unwrap();
    assert_eq!(written.frames, 14);
    assert_eq!(gif_frames(&gif).2.len(), 14);
}

#[test]
fn paper_sizes_give_the_pixels_printers_expect() {
    let a3 = Page::paper(picture::Paper::A3, true, 300.0);
    assert_eq!(a3.pixel_size(), [4961, 3508]);
    let a4 = Page::paper(picture::Paper::A4, false, 150.0);
    assert_eq!(a4.pixel_size(), [1240, 1754]);
    assert!(Page::pixels(0, 10).check().is_err() && Page::pixels(20_001, 10).check().is_err());
    assert!(Page::pixels(20_000, 16).check().is_ok());
    // An A4 SVG opens at its printed size: 595 × 842 pt.
    let d = common::bundled().dataset;
    let vis = vis_for(&d, "1945-08", "1945-08");
    let decorations = Decorations::default();
    let req = request(&vis, &decorations, Area::Fit, Page::paper(picture::Paper::A4, false, 300.0));
    let mut out = Vec::new();
    picture::write_picture(&mut Renderer::new(&d).unwrap(), &req, Format::Svg, None, &mut out).unwrap();
    let svg = String::from_utf8(out).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("width").map(|w| w.trim_end_matches("pt").parse::<f32>().unwrap().round()), Some(595.0));
    assert!(root.attribute("height").unwrap().ends_with("pt"));
}

#[test]
fn a_dash_writes_png_or_svg_to_standard_output_and_pdf_is_the_same_bytes_twice() {
    let out = common::crossings()
        .args(["render", "--from", "1945-08", "--to", "1945-08", "--width", "400", "--height", "300", "-o", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(&out.stdout[..8], b"\x89PNG\r\n\x1a\n", "PNG on standard output");
    assert_eq!(Png::decode(&out.stdout).width, 400);
    let out = common::crossings()
        .args(["render", "--format", "svg", "--width", "400", "--height", "300", "-o", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(roxmltree::Document::parse(&svg).is_ok() && svg.contains(r#"id="markers""#));
    let out = common::crossings().args(["render", "--format", "pdf", "-o", "-"]).output().unwrap();
    assert!(!out.status.success(), "PDF is not written to a terminal");
    let dir = tempfile::tempdir().unwrap();
    let pdf = |name: &str| {
        let path = dir.path().join(name);
        let out = common::crossings()
            .args(["render", "--from", "1945-08", "--to", "1945-08", "--output"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::read(path).unwrap()
    };
    assert!(pdf("a.pdf") == pdf("b.pdf"), "the same input gives the same PDF");
}

/// A render over an existing picture, into a folder the user may not write, fails in words and
/// leaves the picture as it was (as root, run as `nobody`).
#[cfg(unix)]
#[test]
fn rendering_into_a_read_only_folder_fails_in_words_and_keeps_the_old_picture() {
    let Some((ro, mut command)) = common::read_only_file("map.png", "old") else { return };
    let out = command.args(["render", "--width", "200", "--height", "200", "--output"]).arg(&ro.file).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Permission denied") && stderr.contains("map.png"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&ro.file).unwrap(), "old");
    assert_eq!(std::fs::read_dir(&ro.folder).unwrap().count(), 1, "nothing else left in the folder");
}

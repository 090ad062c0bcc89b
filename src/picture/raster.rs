//! PNG and PDF from the SVG master: resvg rasterises it (tiny-skia, on the CPU), svg2pdf turns
//! it into a vector PDF with the bundled font's subset embedded. Both read the SVG through
//! usvg with only the bundled font loaded, so no system font changes a picture.

use std::sync::Arc;

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg;

use super::svg::{Layers, TextMode, svg};
use super::text::BUNDLED_FONT;
use super::{Composition, Page, PictureError, Renderer};

/// Parses SVG with the bundled font.
#[derive(Debug)]
pub struct Rasterizer {
    options: usvg::Options<'static>,
}

impl Default for Rasterizer {
    fn default() -> Self {
        Rasterizer::new()
    }
}

impl Rasterizer {
    /// A rasterizer that knows the bundled font only.
    pub fn new() -> Rasterizer {
        Rasterizer::with_fonts(false)
    }

    /// The bundled font first, and with `system`, the system's fonts after it (for text the
    /// bundled font does not cover).
    fn with_fonts(system: bool) -> Rasterizer {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(BUNDLED_FONT.to_vec());
        if system {
            db.load_system_fonts();
        }
        db.set_sans_serif_family(super::text::FAMILY);
        let options = usvg::Options { fontdb: Arc::new(db), ..usvg::Options::default() };
        Rasterizer { options }
    }

    /// Parses an SVG text.
    pub fn tree(&self, svg: &str) -> Result<usvg::Tree, PictureError> {
        usvg::Tree::from_str(svg, &self.options).map_err(|e| PictureError::Render(e.to_string()))
    }

    /// A blank pixmap of a page's size in pixels.
    pub fn blank(page: Page) -> Result<Pixmap, PictureError> {
        let [w, h] = page.pixel_size();
        Pixmap::new(w, h).ok_or(PictureError::Size { width: w, height: h })
    }

    /// Paints some layers of a composition over `pixmap`.
    pub fn paint(
        &mut self,
        renderer: &mut Renderer<'_>,
        comp: &Composition,
        layers: Layers,
        pixels_per_point: f32,
        pixmap: &mut Pixmap,
    ) -> Result<(), PictureError> {
        let tree = self.tree(&svg(renderer, comp, TextMode::OutlinesOnly, layers))?;
        resvg::render(&tree, Transform::from_scale(pixels_per_point, pixels_per_point), &mut pixmap.as_mut());
        Ok(())
    }

    /// The whole picture in pixels, on the page it was composed for.
    pub fn pixmap(
        &mut self,
        renderer: &mut Renderer<'_>,
        comp: &Composition,
        page: Page,
    ) -> Result<Pixmap, PictureError> {
        let mut pixmap = Rasterizer::blank(page)?;
        self.paint(renderer, comp, Layers::All, page.pixels_per_point, &mut pixmap)?;
        Ok(pixmap)
    }
}

/// A pixmap as PNG bytes (RGBA, straight alpha).
pub fn encode_png(pixmap: &Pixmap) -> Result<Vec<u8>, PictureError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut w = enc.write_header().map_err(|e| PictureError::Render(e.to_string()))?;
        w.write_image_data(&straight_rgba(pixmap)).map_err(|e| PictureError::Render(e.to_string()))?;
    }
    Ok(out)
}

/// The pixels as straight (not premultiplied) RGBA bytes.
pub fn straight_rgba(pixmap: &Pixmap) -> Vec<u8> {
    let mut data = Vec::with_capacity(pixmap.data().len());
    for p in pixmap.pixels() {
        let c = p.demultiply();
        data.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    data
}

/// The composition as a vector PDF, a page the picture's size in points, text as text in the
/// embedded font subset.
pub fn pdf(renderer: &mut Renderer<'_>, comp: &Composition) -> Result<Vec<u8>, PictureError> {
    let svg = svg(renderer, comp, TextMode::Text, Layers::All);
    // Characters the bundled font lacks come from the system's fonts, embedded in turn.
    let r = Rasterizer::with_fonts(!renderer.font().covers(&svg));
    let tree = r.tree(&svg)?;
    let mut bytes = svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), svg2pdf::PageOptions::default())
        .map_err(|e| PictureError::Render(e.to_string()))?;
    sort_resource_entries(&mut bytes);
    Ok(bytes)
}

/// svg2pdf writes a page's resource dictionaries (`/gs12 19 0 R` lines) in hash-map order, so
/// two runs differ. Sorting each run of such lines makes the same input give the same bytes;
/// the lines only trade places, so every object keeps its offset and the cross-reference table
/// stays right.
fn sort_resource_entries(pdf: &mut [u8]) {
    let is_entry = |line: &[u8]| {
        let t = line.trim_ascii_start();
        t.starts_with(b"/")
            && t.ends_with(b" 0 R")
            && line.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b'/' | b'_' | b'-' | b'.'))
    };
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for (i, b) in pdf.iter().enumerate() {
        if *b == b'\n' {
            lines.push((start, i));
            start = i + 1;
        }
    }
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j < lines.len() && is_entry(&pdf[lines[j].0..lines[j].1]) {
            j += 1;
        }
        if j - i > 1 {
            let (from, to) = (lines[i].0, lines[j - 1].1);
            let mut group: Vec<Vec<u8>> = lines[i..j].iter().map(|(a, b)| pdf[*a..*b].to_vec()).collect();
            group.sort();
            let joined = group.join(&b'\n');
            pdf[from..to].copy_from_slice(&joined);
        }
        i = j.max(i + 1);
    }
}

//! Text for pictures: the bundled font measured and turned into outlines, with no toolkit.
//!
//! Labels are measured here for [`crate::scene::Scene::build`] and drawn as glyph outlines in
//! SVG (so CJK and Vietnamese names look the same on a machine without the font), with the
//! text kept beside them, invisible, for search and copy. Glyphs are laid out one after
//! another by their advances: enough for the Latin, Vietnamese (precomposed), kana and CJK
//! names atlases hold; scripts that need shaping (Arabic, Indic) are not laid out here.
//!
//! A character the bundled font lacks (a user's Hangul or rare Han character) is drawn from
//! the first system font that has it, as the window does; only then does a picture depend on
//! the machine's fonts.

use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};

use resvg::usvg::fontdb;

/// The bundled font: a subset of Noto Sans CJK SC (SIL Open Font License 1.1) with Latin,
/// Vietnamese, Cyrillic, kana and every CJK character the bundled data and the interface use.
pub const BUNDLED_FONT: &[u8] = include_bytes!("../../assets/fonts/CrossingsSans-Subset.otf");

/// The font's family name, as SVG and PDF readers look it up.
pub const FAMILY: &str = "Noto Sans CJK SC";

/// A line's height, in ems.
pub const LINE: f32 = 1.25;

/// The bundled font, parsed once.
pub struct Font {
    face: ttf_parser::Face<'static>,
    per_em: f32,
    cap: f32,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Font({FAMILY})")
    }
}

/// The bundled font. `None` only if the embedded file were broken (a test guards it).
pub fn font() -> Option<&'static Font> {
    static FONT: OnceLock<Option<Font>> = OnceLock::new();
    FONT.get_or_init(|| {
        let face = ttf_parser::Face::parse(BUNDLED_FONT, 0).ok()?;
        let per_em = f32::from(face.units_per_em());
        let cap = f32::from(face.capital_height().unwrap_or((per_em * 0.73) as i16)) / per_em;
        Some(Font { face, per_em, cap })
    })
    .as_ref()
}

/// The system's fonts, read on first need (a character the bundled font lacks).
pub fn system_fonts() -> &'static fontdb::Database {
    static DB: OnceLock<fontdb::Database> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        db
    })
}

/// The system font that has `c`, if any (looked up once per character).
fn fallback_face(c: char) -> Option<fontdb::ID> {
    static FOUND: Mutex<Vec<(char, Option<fontdb::ID>)>> = Mutex::new(Vec::new());
    let mut found = FOUND.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, id)) = found.iter().find(|(k, _)| *k == c) {
        return *id;
    }
    let db = system_fonts();
    let id = db.faces().map(|f| f.id).find(|id| {
        db.with_face_data(*id, |data, index| {
            ttf_parser::Face::parse(data, index).ok().and_then(|f| f.glyph_index(c)).is_some()
        }) == Some(true)
    });
    found.push((c, id));
    id
}

/// Where a character's glyph comes from.
#[derive(Clone, Copy, Debug)]
enum Glyph {
    /// The bundled font (glyph 0, its missing-glyph box, when no font has the character).
    Bundled(ttf_parser::GlyphId),
    /// A system font.
    System(fontdb::ID, ttf_parser::GlyphId),
}

impl Font {
    /// The glyph that draws `c`: the bundled font's, else the first system font's that has it.
    fn glyph(&self, c: char) -> Glyph {
        if let Some(g) = self.face.glyph_index(c) {
            return Glyph::Bundled(g);
        }
        let system = (!c.is_whitespace() && !c.is_control()).then(|| fallback_face(c)).flatten().and_then(|id| {
            system_fonts()
                .with_face_data(id, |data, index| ttf_parser::Face::parse(data, index).ok()?.glyph_index(c))
                .flatten()
                .map(|g| Glyph::System(id, g))
        });
        system.unwrap_or(Glyph::Bundled(ttf_parser::GlyphId(0)))
    }

    /// Runs `f` with a glyph's face.
    fn with_face<T>(&self, glyph: Glyph, f: impl FnOnce(&ttf_parser::Face<'_>, ttf_parser::GlyphId) -> T) -> Option<T> {
        match glyph {
            Glyph::Bundled(g) => Some(f(&self.face, g)),
            Glyph::System(id, g) => system_fonts()
                .with_face_data(id, |data, index| ttf_parser::Face::parse(data, index).ok().map(|face| f(&face, g)))
                .flatten(),
        }
    }

    /// A character's advance, in ems.
    fn advance(&self, c: char) -> f32 {
        self.with_face(self.glyph(c), |face, g| {
            f32::from(face.glyph_hor_advance(g).unwrap_or(0)) / f32::from(face.units_per_em())
        })
        .unwrap_or(0.0)
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    /// Width and line height of `text` at `size` points.
    pub fn measure(&self, text: &str, size: f32) -> [f32; 2] {
        [self.width(text, size), size * LINE]
    }

    /// The baseline that centres capitals on `middle` (a label's box centre).
    pub fn baseline(&self, middle: f32, size: f32) -> f32 {
        middle + self.cap * size / 2.0
    }

    /// Whether the bundled font has a glyph for every character of `text`.
    pub fn covers(&self, text: &str) -> bool {
        text.chars().all(|c| c.is_whitespace() || self.face.glyph_index(c).is_some())
    }

    /// The outlines of `text` at `size` points with its baseline starting at `x`, `y`, as SVG
    /// path data (absolute coordinates, two decimals).
    pub fn outline(&self, text: &str, size: f32, x: f32, y: f32) -> String {
        let mut path = Outline { d: String::new(), x, y, s: size / self.per_em };
        for c in text.chars() {
            let advance = self
                .with_face(self.glyph(c), |face, g| {
                    let per_em = f32::from(face.units_per_em());
                    if !c.is_whitespace() {
                        path.s = size / per_em;
                        face.outline_glyph(g, &mut path);
                    }
                    f32::from(face.glyph_hor_advance(g).unwrap_or(0)) / per_em
                })
                .unwrap_or(0.0);
            path.x += advance * size;
        }
        path.d
    }
}

/// Writes glyph outlines as path data.
struct Outline {
    d: String,
    x: f32,
    y: f32,
    s: f32,
}

impl Outline {
    fn point(&mut self, x: f32, y: f32) {
        let _ = write!(self.d, "{:.2} {:.2}", self.x + x * self.s, self.y - y * self.s);
    }
}

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.point(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.point(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.point(x1, y1);
        self.d.push(' ');
        self.point(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.d.push('C');
        self.point(x1, y1);
        self.d.push(' ');
        self.point(x2, y2);
        self.d.push(' ');
        self.point(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

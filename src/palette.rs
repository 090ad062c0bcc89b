//! The atlas's colours and sizes, without a toolkit: the window (through `ui::style`) and
//! the file painters ([`crate::picture`]) read the same values, so a picture matches the screen.
//!
//! Colours are premultiplied RGBA, as egui keeps them.

use crate::model::Theme;

/// A premultiplied RGBA colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba([r, g, b, 255])
    }

    /// An opaque grey.
    pub const fn gray(l: u8) -> Rgba {
        Rgba([l, l, l, 255])
    }

    /// White.
    pub const WHITE: Rgba = Rgba::gray(255);
    /// Black.
    pub const BLACK: Rgba = Rgba::gray(0);

    /// Every channel times `factor`, as egui's `Color32::gamma_multiply` does (so a faded
    /// colour is the same on screen and in a file).
    pub fn gamma_multiply(self, factor: f32) -> Rgba {
        let f = |c: u8| (f32::from(c) * factor + 0.5) as u8;
        let [r, g, b, a] = self.0;
        Rgba([f(r), f(g), f(b), f(a)])
    }

    /// The straight (not premultiplied) colour as `#rrggbb`, and its opacity 0..1.
    pub fn hex_and_opacity(self) -> (String, f32) {
        let [r, g, b, a] = self.0;
        if a == 0 {
            return ("#000000".to_owned(), 0.0);
        }
        let un = |c: u8| ((u32::from(c) * 255 + u32::from(a) / 2) / u32::from(a)).min(255);
        (format!("#{:02x}{:02x}{:02x}", un(r), un(g), un(b)), f32::from(a) / 255.0)
    }
}

/// Sea.
pub const SEA: Rgba = Rgba::rgb(0xb8, 0xd3, 0xe6);
/// Land.
pub const LAND: Rgba = Rgba::rgb(0xf1, 0xec, 0xdf);
/// Coastline.
pub const COAST: Rgba = Rgba::rgb(0x8f, 0xa9, 0xbd);
/// Country borders.
pub const BORDER: Rgba = Rgba::rgb(0xb4, 0x9e, 0xa6);
/// The highlight of the selected places and the selection box: a deep red-violet no theme
/// uses (the Viet Minh theme is the yellow the selection once was).
pub const SELECTED: Rgba = Rgba::rgb(0xa0, 0x10, 0x60);
/// Places hidden by the time filter, drawn faintly for context.
pub const GHOST: Rgba = Rgba([90, 90, 90, 90]);
/// Small print: the attribution.
pub const FAINT_TEXT: Rgba = Rgba::gray(60);
/// Text on the map's labels.
pub const MAP_TEXT: Rgba = Rgba::gray(20);
/// The box behind a place label.
pub const LABEL_FILL: Rgba = Rgba([190, 190, 190, 190]);
/// Clusters of places (#3b6e9e at alpha 200, premultiplied).
pub const CLUSTER: Rgba = Rgba([46, 86, 124, 200]);
/// The dashed outline of an approximate or country-level location.
pub const APPROXIMATE_EDGE: Rgba = Rgba::gray(40);
/// A person's journey.
pub const JOURNEY: Rgba = Rgba::rgb(0x5a, 0x2d, 0x82);

/// A theme's colour (Okabe-Ito palette: distinguishable with colour-blindness).
pub const fn theme_color(theme: Theme) -> Rgba {
    match theme {
        Theme::EighthRouteArmy => Rgba::rgb(0xd5, 0x5e, 0x00),
        Theme::NationalistPow => Rgba::rgb(0x00, 0x72, 0xb2),
        Theme::Soviet => Rgba::rgb(0xcc, 0x79, 0xa7),
        Theme::Repatriation => Rgba::rgb(0x00, 0x9e, 0x73),
        Theme::VietMinh => Rgba::rgb(0xe6, 0x9f, 0x00),
        Theme::Context => Rgba::rgb(0x6e, 0x6e, 0x6e),
    }
}

/// The size of place labels, in points.
pub const LABEL_TEXT: f32 = 12.0;

/// How a marker is drawn: the one reading of a [`crate::scene::Marker`] both painters follow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarkerLook {
    /// The fill.
    pub fill: Rgba,
    /// The shape.
    pub shape: MarkerShape,
    /// Possible in time (not certain): a thin ring inside.
    pub inner_ring: bool,
}

/// A marker's outline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerShape {
    /// A place with a known location: a disc with a white edge.
    Disc,
    /// An approximate location: a paler disc with a dashed ring.
    DashedDisc,
    /// A whole country: a pale dashed square.
    DashedSquare,
    /// Not what the search asks for: a faint small dot.
    Faint,
}

impl MarkerLook {
    /// How a marker is drawn.
    pub fn of(m: &crate::scene::Marker) -> MarkerLook {
        let color = theme_color(m.theme);
        let certain = m.time_match == crate::chronology::Match::Certain;
        if m.dimmed {
            return MarkerLook { fill: color.gamma_multiply(0.3), shape: MarkerShape::Faint, inner_ring: false };
        }
        let fill = if certain { color } else { color.gamma_multiply(0.45) };
        let (fill, shape) = if m.country_level {
            (fill.gamma_multiply(0.35), MarkerShape::DashedSquare)
        } else if m.approximate_location {
            (fill.gamma_multiply(0.6), MarkerShape::DashedDisc)
        } else {
            (fill, MarkerShape::Disc)
        };
        MarkerLook { fill, shape, inner_ring: !certain }
    }
}

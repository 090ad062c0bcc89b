//! Colours and sizes of the window: the map's colours come from [`crate::palette`], which
//! the file painters share.

use egui::Color32;

use crate::model::Theme;
use crate::palette;

/// Sets what the window's look needs beyond colours: small print readable at arm's length
/// (sources, notes, the legend), and egui's own Ctrl+/- zoom off (the app's text size, which
/// is remembered, takes those keys).
pub fn install(ctx: &egui::Context) {
    ctx.options_mut(|o| o.zoom_with_keyboard = false);
    ctx.all_styles_mut(|s| {
        s.text_styles.insert(egui::TextStyle::Small, egui::FontId::proportional(SMALL_TEXT));
    });
}

/// The size of small print, in points (egui's default is 9).
pub const SMALL_TEXT: f32 = 11.5;

/// Sea.
pub const SEA: Color32 = from_palette(palette::SEA);
/// Land.
pub const LAND: Color32 = from_palette(palette::LAND);
/// Coastline.
pub const COAST: Color32 = from_palette(palette::COAST);
/// Country borders.
pub const BORDER: Color32 = from_palette(palette::BORDER);
/// The highlight of the selected places and the selection box: a deep red-violet no theme
/// uses (the Viet Minh theme is the yellow the selection once was).
pub const SELECTED: Color32 = from_palette(palette::SELECTED);
/// The edge of the map while it has the keyboard focus.
pub const FOCUS: Color32 = Color32::from_rgb(0x3b, 0x6e, 0x9e);
/// Places hidden by the time filter, drawn faintly for context.
pub const GHOST: Color32 = from_palette(palette::GHOST);
/// Text that reports an error (a refused date, a failed export).
pub const ERROR_TEXT: Color32 = Color32::from_rgb(180, 30, 30);
/// Marks of what the editors inferred, and "undated".
pub const INFERRED_TEXT: Color32 = Color32::from_rgb(150, 80, 0);
/// Small print: the attribution.
pub const FAINT_TEXT: Color32 = from_palette(palette::FAINT_TEXT);
/// Text on the map's label and tooltip boxes.
pub const MAP_TEXT: Color32 = from_palette(palette::MAP_TEXT);
/// A tooltip's box on the map.
pub const TOOLTIP_FILL: Color32 = Color32::from_rgb(255, 253, 240);
/// A tooltip's edge on the map.
pub const TOOLTIP_EDGE: Color32 = Color32::from_gray(120);
/// The box behind a place label.
pub const LABEL_FILL: Color32 = from_palette(palette::LABEL_FILL);
/// Clusters of places (#3b6e9e at alpha 200, premultiplied).
pub const CLUSTER: Color32 = from_palette(palette::CLUSTER);
/// The dashed outline of an approximate or country-level location.
pub const APPROXIMATE_EDGE: Color32 = from_palette(palette::APPROXIMATE_EDGE);
/// A person's journey.
pub const JOURNEY: Color32 = from_palette(palette::JOURNEY);
/// The timeline's track.
pub const TRACK: Color32 = Color32::from_gray(248);
/// Year ticks and their labels on the timeline.
pub const TICK: Color32 = Color32::from_gray(90);
/// Histogram bars in the window: certain, possible, the possible part's top edge.
pub const BAR_IN: [Color32; 3] =
    [Color32::from_rgb(0x3b, 0x6e, 0x9e), Color32::from_rgb(0xe3, 0xec, 0xf5), Color32::from_rgb(0x9d, 0xb8, 0xd3)];
/// Histogram bars outside the window, likewise.
pub const BAR_OUT: [Color32; 3] = [Color32::from_gray(140), Color32::from_gray(238), Color32::from_gray(200)];
/// The time window's fill on the timeline (#ffc400 at alpha 40, premultiplied).
pub const WINDOW_FILL: Color32 = Color32::from_rgba_premultiplied(40, 31, 0, 40);
/// The time window's edge and handles (the real-window tests look for this colour).
pub const WINDOW_EDGE: Color32 = Color32::from_rgb(200, 140, 0);

/// A theme's colour ([`palette::theme_color`]).
pub fn theme_color(theme: Theme) -> Color32 {
    from_palette(palette::theme_color(theme))
}

/// A palette colour as egui's (both premultiplied).
pub const fn from_palette(c: palette::Rgba) -> Color32 {
    let [r, g, b, a] = c.0;
    Color32::from_rgba_premultiplied(r, g, b, a)
}

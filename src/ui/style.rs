//! Colours and sizes of the atlas.

use egui::Color32;

use crate::model::Theme;

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
pub const SEA: Color32 = Color32::from_rgb(0xb8, 0xd3, 0xe6);
/// Land.
pub const LAND: Color32 = Color32::from_rgb(0xf1, 0xec, 0xdf);
/// Coastline.
pub const COAST: Color32 = Color32::from_rgb(0x8f, 0xa9, 0xbd);
/// Country borders.
pub const BORDER: Color32 = Color32::from_rgb(0xb4, 0x9e, 0xa6);
/// The highlight of the selected places and the selection box: a deep red-violet no theme
/// uses (the Viet Minh theme is the yellow the selection once was).
pub const SELECTED: Color32 = Color32::from_rgb(0xa0, 0x10, 0x60);
/// The edge of the map while it has the keyboard focus.
pub const FOCUS: Color32 = Color32::from_rgb(0x3b, 0x6e, 0x9e);
/// Places hidden by the time filter, drawn faintly for context.
pub const GHOST: Color32 = Color32::from_rgba_premultiplied(90, 90, 90, 90);
/// Text that reports an error (a refused date, a failed export).
pub const ERROR_TEXT: Color32 = Color32::from_rgb(180, 30, 30);
/// Marks of what the editors inferred, and "undated".
pub const INFERRED_TEXT: Color32 = Color32::from_rgb(150, 80, 0);
/// Small print: the attribution.
pub const FAINT_TEXT: Color32 = Color32::from_gray(60);
/// Text on the map's label and tooltip boxes.
pub const MAP_TEXT: Color32 = Color32::from_gray(20);
/// A tooltip's box on the map.
pub const TOOLTIP_FILL: Color32 = Color32::from_rgb(255, 253, 240);
/// A tooltip's edge on the map.
pub const TOOLTIP_EDGE: Color32 = Color32::from_gray(120);
/// The box behind a place label.
pub const LABEL_FILL: Color32 = Color32::from_rgba_premultiplied(190, 190, 190, 190);
/// Clusters of places (#3b6e9e at alpha 200, premultiplied).
pub const CLUSTER: Color32 = Color32::from_rgba_premultiplied(46, 86, 124, 200);
/// The dashed outline of an approximate or country-level location.
pub const APPROXIMATE_EDGE: Color32 = Color32::from_gray(40);
/// A person's journey.
pub const JOURNEY: Color32 = Color32::from_rgb(0x5a, 0x2d, 0x82);
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

/// A theme's colour (Okabe-Ito palette: distinguishable with colour-blindness).
pub fn theme_color(theme: Theme) -> Color32 {
    match theme {
        Theme::EighthRouteArmy => Color32::from_rgb(0xd5, 0x5e, 0x00),
        Theme::NationalistPow => Color32::from_rgb(0x00, 0x72, 0xb2),
        Theme::Soviet => Color32::from_rgb(0xcc, 0x79, 0xa7),
        Theme::Repatriation => Color32::from_rgb(0x00, 0x9e, 0x73),
        Theme::VietMinh => Color32::from_rgb(0xe6, 0x9f, 0x00),
        Theme::Context => Color32::from_rgb(0x6e, 0x6e, 0x6e),
    }
}

/// Marker radius for a number of events, in points.
pub fn marker_radius(events: usize) -> f32 {
    (4.0 + 2.2 * (events as f32).sqrt()).min(16.0)
}

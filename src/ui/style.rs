//! Colours and sizes of the atlas.

use egui::Color32;

use crate::model::Theme;

/// Sea.
pub const SEA: Color32 = Color32::from_rgb(0xb8, 0xd3, 0xe6);
/// Land.
pub const LAND: Color32 = Color32::from_rgb(0xf1, 0xec, 0xdf);
/// Coastline.
pub const COAST: Color32 = Color32::from_rgb(0x8f, 0xa9, 0xbd);
/// Country borders.
pub const BORDER: Color32 = Color32::from_rgb(0xb4, 0x9e, 0xa6);
/// The highlight of the selected place.
pub const SELECTED: Color32 = Color32::from_rgb(0xff, 0xc4, 0x00);
/// Places hidden by the time filter, drawn faintly for context.
pub const GHOST: Color32 = Color32::from_rgba_premultiplied(90, 90, 90, 90);

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

//! The bundled font: a subset of Noto Sans CJK SC (SIL Open Font License 1.1) holding every
//! character the bundled data and the interface use beyond egui's default fonts: Chinese,
//! Japanese, Korean, Vietnamese letters, Cyrillic. It is added as the lowest-priority
//! fallback, so eframe's system-font fallback still serves characters of users' own data.

/// The subset font file (`assets/fonts/subset.py` makes it); the file painters use it too.
pub const BUNDLED_FONT: &[u8] = crate::picture::text::BUNDLED_FONT;

/// Adds the bundled font to every family, after egui's own fonts.
pub fn install(ctx: &egui::Context) {
    use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
    ctx.add_font(FontInsert::new(
        "crossings-noto-cjk-subset",
        egui::FontData::from_static(BUNDLED_FONT),
        vec![
            InsertFontFamily { family: egui::FontFamily::Proportional, priority: FontPriority::Lowest },
            InsertFontFamily { family: egui::FontFamily::Monospace, priority: FontPriority::Lowest },
        ],
    ));
}

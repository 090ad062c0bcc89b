//! The window: app state and actions, map plugins, panels and the timeline.
//!
//! UI functions read state and return [`Action`]s; [`CrossingsApp`] applies them after
//! drawing. Persisted state ([`AppState`]) is kept apart from runtime resources.
//!
//! - `app`: the app and its persisted state; it applies the actions.
//! - `action`: what the user asks for ([`Action`]); a leaf.
//! - [`view`]: the filtered view (visibility, clusters, place list and the map's scene), one
//!   owner with one generation.
//! - [`geometry`]: egui's points to [`crate::geometry`]'s and a walkers projector's transform
//!   (a leaf: imports no other module of the window).
//! - [`map`]: the walkers plugins that paint the basemap and the [`crate::scene::Scene`], and
//!   turn clicks and boxes into actions.
//! - [`panels`], [`timeline`]: the side panels and the timeline, each returning actions.
//! - [`pictures`]: the Export image and Export animation dialog (preview, progress, cancel).
//! - [`style`]: every colour and size; [`fonts`]: the bundled font.

mod action;
mod app;
pub mod edit;
pub mod fonts;
pub mod geometry;
pub mod import;
pub mod layers;
pub mod map;
pub mod panels;
pub mod pictures;
pub mod style;
pub mod timeline;
pub mod view;

use std::path::PathBuf;
use std::process::ExitCode;

pub use action::Action;
pub use app::{
    AppState, CrossingsApp, MAX_ZOOM, MIN_ZOOM, MapView, PathPurpose, Picked, Prepared, Status, TEXT_SIZE_STEPS,
    fit_view, text_scale,
};

use crate::cli::CliError;

/// The window's title.
pub const TITLE: &str = "Crossings — an atlas of those who crossed the lines, 1931–1958";

/// A small procedural icon: a marker on a sea-blue disc crossed by a path.
pub fn icon() -> egui::IconData {
    egui::IconData { rgba: crate::icon::rgba(64), width: 64, height: 64 }
}

fn has_display() -> bool {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return true;
    }
    std::env::var_os("DISPLAY").is_some_and(|v| !v.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty())
}

/// Opens the atlas window on a dataset folder (or the bundled data). Tries wgpu, then glow.
pub fn run_native(data: Option<PathBuf>) -> Result<ExitCode, CliError> {
    if !has_display() {
        eprintln!(
            "crossings: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the atlas window cannot open.\n\
             Run it in a graphical session, or use the headless commands: crossings validate, crossings export."
        );
        return Ok(ExitCode::from(1));
    }
    // Read the data once, before any window, so a bad folder or database is reported plainly.
    let shared = match data.as_deref().and_then(|d| d.to_str()).filter(|d| crate::db::is_url(d)) {
        Some(url) => {
            let target = crate::db::Target::parse(url)?;
            eprintln!("crossings: reading {}", target.shown());
            let (loaded, since) = crate::db::load_shared(&target, &crate::dataset::LoadOptions::default())?;
            Some((loaded, target, since))
        }
        None => None,
    };
    let (loaded, database, data) = match shared {
        Some((loaded, target, since)) => (loaded, Some((target, since)), None),
        None => (
            crate::dataset::load(
                crate::dataset::Input::folder_or_bundled(data.as_deref()),
                &crate::dataset::LoadOptions::default(),
            )?,
            None,
            data,
        ),
    };
    for p in loaded.problems.iter().take(20) {
        eprintln!("{p}");
    }
    let mut last_error = String::new();
    for renderer in [eframe::Renderer::Wgpu, eframe::Renderer::Glow] {
        let options = eframe::NativeOptions {
            viewport: egui::ViewportBuilder::default()
                .with_title(TITLE)
                .with_app_id("crossings")
                .with_inner_size([1400.0, 900.0])
                .with_min_inner_size([800.0, 500.0])
                .with_icon(icon()),
            renderer,
            ..Default::default()
        };
        let loaded = loaded.clone();
        let data = data.clone();
        let database = database.clone();
        let result = eframe::run_native(
            "crossings",
            options,
            Box::new(move |cc| {
                let mut app = CrossingsApp::new(cc, loaded, data);
                if let Some((target, since)) = database {
                    app.set_database(&cc.egui_ctx, target, since);
                }
                Ok(Box::new(app) as Box<dyn eframe::App>)
            }),
        );
        match result {
            Ok(()) => return Ok(ExitCode::SUCCESS),
            Err(e) => {
                eprintln!("crossings: the {renderer:?} renderer failed: {e}");
                last_error = e.to_string();
            }
        }
    }
    eprintln!("crossings: could not open a window with either renderer (last error: {last_error}).");
    Ok(ExitCode::from(1))
}

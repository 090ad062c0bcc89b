//! # Crossings
//!
//! A native, offline desktop atlas of the Japanese soldiers and civilians who crossed the
//! lines between 1931 and 1958. This crate is the whole application; `src/main.rs` only
//! parses the command line.
//!
//! | module | role | UI? |
//! | --- | --- | --- |
//! | [`model`] | places, people, events, sources; ids and names with language tags | no |
//! | [`chronology`] | fuzzy EDTF dates, time windows, the overlap rule, histograms | no |
//! | [`dataset`] | reading `geodata/` (or a user's folder), one reader per file kind, and reporting every problem | no |
//! | [`edit`] | record-level edits of a folder with undo and redo, a synced journal of unsaved steps, saves that merge or name conflicts | no |
//! | [`query`] | the filtered view of a dataset that the map, the lists and exports share | no |
//! | [`geometry`] | lon/lat, web-mercator and canvas points, one bounding-box type, the transform between them | no |
//! | [`scene`] | what the map shows for a view (markers, clusters, labels placed, journey, legend), for every painter | no |
//! | [`palette`] | the map's colours and marker looks, shared by the window and the file painters | no |
//! | [`picture`] | the scene painted on the CPU: SVG (the master), PNG, PDF; animations as GIF, MP4, PNG frames | no |
//! | [`export`] | one export view queried once, a writer of it per format (GeoJSON, LPF); atomic writes | no |
//! | [`import`] | a user's CSV, TSV, XLSX, XLS, ODS, GeoJSON, GeoPackage or KML turned into a dataset folder, with the column mapping guessed, previewed and saved | no |
//! | [`overlay`] | a user's lines and polygons (GeoJSON, GeoPackage, KML, Shapefile) as map layers, triangulated once, following the time slider when dated | no |
//! | [`generate`] | synthetic datasets for benchmarks (`crossings generate`) | no |
//! | [`icon`] | the application's icon at any size, for the window and the packages | no |
//! | [`basemap`] | Natural Earth land, borders and countries, triangulated once | no |
//! | [`cli`] | the command line (`validate`, `export`, `render`, `animate`) | no |
//! | [`ui`] | the egui/walkers window: app state, actions, the filtered view's owner, map plugins that paint the scene, panels, timeline | yes |
//!
//! The domain modules never import egui, walkers or rfd, so the headless commands, the
//! benchmarks and most tests run without a window.

#![deny(clippy::unwrap_used)]

pub mod basemap;
pub mod chronology;
pub mod cli;
pub mod dataset;
pub mod db;
pub mod edit;
pub mod export;
pub mod generate;
pub mod geometry;
pub mod icon;
pub mod import;
pub mod model;
pub mod overlay;
pub mod palette;
pub mod picture;
pub mod query;
pub mod scene;
pub mod ui;

/// A count and its noun, in the singular for one: `1 problem`, `2 problems`, `0 problems`.
/// Every count the app and the commands say goes through here (the nouns used take an `s`).
///
/// ```
/// assert_eq!(crossings::counted(1, "record"), "1 record");
/// assert_eq!(crossings::counted(0, "warning"), "0 warnings");
/// ```
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

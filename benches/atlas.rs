//! Criterion benchmarks on generated data: 1k, 100k and 1M events across up to 100k places.
//!
//! `cargo bench --bench atlas` (set CROSSINGS_BENCH_SIZES=1000,100000 to pick sizes).
//! Datasets are generated once into target/bench-data/.

use std::time::Duration;

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossings::chronology::{Histogram, TimeFilter, TimeWindow};
use crossings::edit::{Change, Edit, Kind, Record};
use crossings::export::{self, ExportRequest};
use crossings::query::{Themes, visibility};
use crossings::ui::Action;
use crossings::ui::edit::EditOp;

/// The allocator the binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn benches(c: &mut Criterion) {
    for n in common::sizes(&[1_000, 100_000, 1_000_000]) {
        let dir = common::dataset_dir(n);
        let loaded =
            crossings::dataset::load(crossings::dataset::Input::Folder(&dir), &Default::default()).expect("load");
        let d = &loaded.dataset;
        let window = TimeFilter::window(TimeWindow::parse("1945-08/1946-02").expect("window"));
        let mut g = c.benchmark_group("atlas");
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        // Freeing a dataset is not timed: the app frees the old one off the UI thread, and
        // `crossings validate` exits instead.
        g.bench_function(BenchmarkId::new("load_and_validate", n), |b| {
            b.iter_with_large_drop(|| {
                crossings::dataset::load(crossings::dataset::Input::Folder(&dir), &Default::default()).expect("load")
            })
        });
        // What opening a folder in the app adds on the loading thread: the map's per-place
        // data, the cluster grid, the place list and the histogram.
        g.bench_function(BenchmarkId::new("prepare_for_the_map", n), |b| {
            b.iter_batched(|| loaded.clone(), crossings::ui::Prepared::new, criterion::BatchSize::LargeInput)
        });
        g.bench_function(BenchmarkId::new("time_filter", n), |b| b.iter(|| visibility(d, &window, &Themes::default())));
        // Moving that window by a month, as one step of dragging the slider does.
        let next = TimeFilter::window(TimeWindow::parse("1945-09/1946-03").expect("window"));
        let mut moved = visibility(d, &window, &Themes::default());
        let mut at_next = false;
        let mut changed = Vec::new();
        g.bench_function(BenchmarkId::new("time_filter_move_one_month", n), |b| {
            b.iter(|| {
                let (from, to) = if at_next { (&next, &window) } else { (&window, &next) };
                changed.clear();
                assert!(moved.shift_window(d, from, to, &Themes::default(), &mut changed));
                at_next = !at_next;
                changed.len()
            })
        });
        let (first, last) = d.date_extent().map(|(a, b)| (a.month_index(), b.month_index())).unwrap_or((0, 0));
        g.bench_function(BenchmarkId::new("histogram", n), |b| {
            b.iter(|| Histogram::build(d.events.iter().filter_map(|e| e.date.date_span()), first, last))
        });
        let vis = visibility(d, &window, &Themes::default());
        let statics = crossings::scene::PlaceStatics::build(d);
        let mut grid = crossings::scene::ClusterGrid::build(&statics);
        let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(900.0, 700.0));
        for zoom in [3.0, 6.0] {
            let mut memory = walkers::MapMemory::default();
            memory.center_at(walkers::lon_lat(120.0, 40.0));
            let _ = memory.set_zoom(zoom);
            let projector =
                walkers::Projector::new(rect, &walkers::MercatorProjection, &memory, walkers::lon_lat(120.0, 40.0));
            let t = crossings::ui::geometry::transform_of(&projector);
            let canvas = crossings::ui::geometry::screen_rect(rect);
            g.bench_function(BenchmarkId::new(format!("marker_batch_zoom{zoom}"), n), |b| {
                b.iter(|| crossings::scene::items(&statics, &mut grid, &vis, &t, canvas, &[]))
            });
        }
        // A whole frame of the app while dragging the slider: UI code and tessellation, no GPU.
        let ctx = egui::Context::default();
        let mut app = crossings::ui::CrossingsApp::with_state(loaded.clone(), Default::default());
        let input = || egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
            ..Default::default()
        };
        for _ in 0..3 {
            let out = ctx.run_ui(input(), |ui| app.ui_frame(ui));
            let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
        }
        let first_month = crossings::chronology::Day::month_start(1937, 1).month_index();
        let last_month = crossings::chronology::Day::month_start(1958, 1).month_index();
        let mut month = first_month;
        g.bench_function(BenchmarkId::new("full_frame_while_dragging", n), |b| {
            b.iter(|| {
                month = if month >= last_month { first_month } else { month + 1 };
                app.apply(crossings::ui::Action::Time(crossings::chronology::TimeCommand::SetWindow(month, month + 5)));
                let out = ctx.run_ui(input(), |ui| app.ui_frame(ui));
                ctx.tessellate(out.shapes, out.pixels_per_point).len()
            })
        });
        g.bench_function(BenchmarkId::new("full_frame_idle", n), |b| {
            b.iter(|| {
                let out = ctx.run_ui(input(), |ui| app.ui_frame(ui));
                ctx.tessellate(out.shapes, out.pixels_per_point).len()
            })
        });
        // One edit in edit mode, as a form or a dragged marker makes it, and the frame that
        // shows it: the session takes the step, the dataset and the map's data follow it
        // (dataset::patch), the filter is computed again, the frame is drawn. Back and forth
        // between two versions of the record, so every iteration is a real change. (No
        // journal here: the window's journal adds one fsync per step.)
        app.set_folder(Some(dir.clone()));
        app.edit_now().expect("the folder opens for editing");
        for (what, kind, id, field) in [
            (
                "edit_event_date_and_show",
                Kind::Event,
                d.events.iter().find(|e| e.place.is_some()).map(|e| e.id.clone()),
                "date",
            ),
            ("edit_move_place_and_show", Kind::Place, d.places.first().map(|p| p.id.clone()), "geometry"),
        ] {
            let id = id.expect("a record to edit");
            let text = app.editor().expect("editing").session.record(kind.file(), &id).expect("record").to_owned();
            let mut other = Record::parse(kind, &text).expect("record");
            if field == "date" {
                other.set_text("date", "1946-03");
            } else {
                let p = other.point().expect("point");
                other.set_point(crossings::model::LonLat { lon: p.lon + 0.5, lat: p.lat - 0.25 });
            }
            let versions = [text, other.to_text()];
            let mut at = 0;
            g.bench_function(BenchmarkId::new(what, n), |b| {
                b.iter(|| {
                    let (before, after) = (versions[at].clone(), versions[1 - at].clone());
                    at = 1 - at;
                    let change =
                        Change { file: kind.file().into(), id: id.clone(), before: Some(before), after: Some(after) };
                    app.apply(Action::Edit(EditOp::Apply(Edit { label: what.into(), changes: vec![change] })));
                    let out = ctx.run_ui(input(), |ui| app.ui_frame(ui));
                    ctx.tessellate(out.shapes, out.pixels_per_point).len()
                })
            });
            assert!(app.status.as_ref().is_none_or(|s| !s.error), "{:?}", app.status);
        }
        g.bench_function(BenchmarkId::new("export_geojson", n), |b| {
            b.iter(|| export::export(d, &ExportRequest::default()).text.len())
        });
        g.finish();
    }
}

criterion_group!(atlas, benches);
criterion_main!(atlas);

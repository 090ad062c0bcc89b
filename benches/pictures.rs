//! Criterion benchmarks of pictures: one 1920×1080 PNG frame (scene, SVG, rasterising, PNG
//! encoding; the renderer kept, as an animation keeps it) of the bundled data and of generated
//! data up to 1M events (clustered).
//!
//! `cargo bench --bench pictures` (CROSSINGS_BENCH_SIZES=100000,1000000 picks the generated
//! sizes). `benches/pictures.sh` times the whole commands against QGIS.

use std::time::Duration;

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossings::chronology::{TimeFilter, TimeWindow};
use crossings::picture::{self, Area, Decorations, Format, Page, Renderer, Request};
use crossings::query::{Themes, visibility};

/// The allocator the binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn frame(c: &mut Criterion, name: &str, loaded: &crossings::dataset::Loaded) {
    let d = &loaded.dataset;
    let window = TimeFilter::window(TimeWindow::parse("1945-08").expect("window"));
    let vis = visibility(d, &window, &Themes::default());
    let decorations =
        Decorations { title: Some("August 1945".into()), stamp: Some("August 1945".into()), ..Decorations::default() };
    let mut renderer = Renderer::new(d).expect("renderer");
    let req = Request {
        vis: &vis,
        selected: &[],
        person: None,
        journey_until: None,
        area: Area::Fit,
        page: Page::pixels(1920, 1080),
        decorations: &decorations,
        window: None,
    };
    let mut g = c.benchmark_group("pictures");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function(BenchmarkId::new("png_1920x1080", name), |b| {
        b.iter(|| {
            let mut out = Vec::new();
            picture::write_picture(&mut renderer, &req, Format::Png, None, &mut out).expect("png");
            out.len()
        })
    });
    g.bench_function(BenchmarkId::new("svg_1920x1080", name), |b| {
        b.iter(|| {
            let mut out = Vec::new();
            picture::write_picture(&mut renderer, &req, Format::Svg, None, &mut out).expect("svg");
            out.len()
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let bundled = crossings::dataset::load(crossings::dataset::Input::Bundled, &Default::default()).expect("bundled");
    frame(c, "bundled", &bundled);
    for n in common::sizes(&[100_000, 1_000_000]) {
        let dir = common::dataset_dir(n);
        let loaded =
            crossings::dataset::load(crossings::dataset::Input::Folder(&dir), &Default::default()).expect("load");
        frame(c, &n.to_string(), &loaded);
    }
}

criterion_group!(pictures, benches);
criterion_main!(pictures);

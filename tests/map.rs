//! The map's drawing decisions, checked with a hand-built walkers Projector (no window).

mod common;

use crossings::chronology::TimeFilter;
use crossings::geometry::{LonLat, Mercator, ScreenRect, ScreenTransform};
use crossings::query::{Themes, visibility};
use crossings::scene::{CLUSTER_ABOVE, ClusterGrid, Disc, PlaceStatics, Placer, hit_test, items};
use crossings::ui::geometry::{screen_rect, transform_of};
use egui::{Pos2, Rect, vec2};
use walkers::{MapMemory, MercatorProjection, Projector, lon_lat};

/// A canvas of `w` by `h` points, as egui and as the scene see it.
fn canvas(w: f32, h: f32) -> (Rect, ScreenRect) {
    let rect = Rect::from_min_size(Pos2::ZERO, vec2(w, h));
    (rect, screen_rect(rect))
}

fn transform(rect: Rect, lon: f64, lat: f64, zoom: f64) -> ScreenTransform {
    let mut memory = MapMemory::default();
    memory.center_at(lon_lat(lon, lat));
    memory.set_zoom(zoom).unwrap();
    let projector = Projector::new(rect, &MercatorProjection, &memory, lon_lat(lon, lat));
    // Our transform agrees with walkers' own projection.
    let t = transform_of(&projector);
    let theirs = projector.project(lon_lat(126.63, 45.75));
    let ours = t.apply(Mercator::from(LonLat { lon: 126.63, lat: 45.75 }));
    assert!((theirs.x - ours.x).abs() < 0.5 && (theirs.y - ours.y).abs() < 0.5, "{theirs:?} vs {ours:?}");
    t
}

/// A generated dataset of `places` places and `events` events.
fn generated(places: usize, events: usize, seed: u64) -> crossings::model::Dataset {
    common::generated(places, events, 10, seed).1.dataset
}

#[test]
fn many_places_cluster_when_zoomed_out_and_split_when_zoomed_in() {
    let d = generated(3000, 6000, 2);
    let vis = visibility(&d, &TimeFilter::all(), &Themes::default());
    let statics = PlaceStatics::build(&d);
    let mut grid = ClusterGrid::build(&statics);
    let (rect, canvas) = canvas(1000.0, 800.0);

    let far = items(&statics, &mut grid, &vis, &transform(rect, 115.0, 40.0, 3.0), canvas, &[]);
    assert!(!far.clusters.is_empty());
    assert!(far.markers.is_empty());
    let clustered: usize = far.clusters.iter().map(|c| c.places).sum();
    assert!(clustered > CLUSTER_ABOVE, "{clustered}");
    assert!(far.clusters.len() < 200, "{} clusters", far.clusters.len());

    // Zoomed right in on one hub (Maizuru), the places come apart into markers with labels.
    let near_t = transform(rect, 135.4, 35.5, 11.0);
    let near = items(&statics, &mut grid, &vis, &near_t, canvas, &[]);
    assert!(near.clusters.is_empty());
    assert!(!near.markers.is_empty());
    assert!(near.markers.iter().all(|m| canvas.expand(30.0).contains(m.pos)));
    let first = &near.markers[near.markers.len() - 1];
    assert_eq!(hit_test(&near.markers, first.pos), Some(first.place));
    let discs: Vec<Disc> = near.markers.iter().map(|m| Disc { pos: m.pos, radius: m.radius }).collect();
    let mut placer = Placer::new(canvas, &[], &discs);
    let labels: Vec<_> = near
        .markers
        .iter()
        .enumerate()
        .filter_map(|(i, m)| placer.place(m.pos, m.radius, [80.0, 14.0], Some(i)))
        .collect();
    assert!(!labels.is_empty());
    for (i, a) in labels.iter().enumerate() {
        assert!(canvas.contains(a.min) && canvas.contains(a.max), "a label off the map");
        for b in &labels[i + 1..] {
            assert!(!a.intersects(b), "labels overlap");
        }
    }
}

#[test]
fn the_bundled_places_are_drawn_one_by_one_with_no_overlapping_labels() {
    let d = common::bundled().dataset;
    let vis = visibility(&d, &TimeFilter::all(), &Themes::default());
    let statics = PlaceStatics::build(&d);
    let mut grid = ClusterGrid::build(&statics);
    let (rect, canvas) = canvas(700.0, 800.0);
    let t = transform(rect, 121.0, 31.0, 4.3);
    let items = items(&statics, &mut grid, &vis, &t, canvas, &[]);
    assert!(items.clusters.is_empty());
    assert!(items.markers.len() >= 20, "{}", items.markers.len());
    // Approximate locations are flagged for the dashed ring.
    let taihang = d.place_by_id("taihang").unwrap();
    let m = items.markers.iter().find(|m| m.place == taihang).unwrap();
    assert_eq!(m.approximate_location, d.place(taihang).precision.is_approximate());
}

#[test]
fn clusters_counted_as_the_window_moves_equal_a_fresh_count_and_hold_every_shown_place() {
    use crossings::chronology::{Day, TimeWindow};
    let d = generated(3000, 20_000, 9);
    let themes = Themes::default();
    let base = Day::month_start(1940, 1).month_index();
    let window = |m: i32| {
        TimeFilter::window(TimeWindow::new(Day::from_month_index(base + m), Day::from_month_index(base + m + 12)))
    };
    let mut from = window(0);
    let mut vis = visibility(&d, &from, &themes);
    let statics = PlaceStatics::build(&d);
    let (rect, canvas) = canvas(1000.0, 800.0);
    let views =
        [transform(rect, 115.0, 40.0, 3.0), transform(rect, 121.0, 31.0, 5.5), transform(rect, 135.4, 35.5, 9.0)];
    let selected = [crossings::model::PlaceIx(7), crossings::model::PlaceIx(1500)];
    // One grid per view, so each keeps its level's counts and only follows the changes.
    let mut grids: Vec<ClusterGrid> = views
        .iter()
        .map(|t| {
            let mut g = ClusterGrid::build(&statics);
            items(&statics, &mut g, &vis, t, canvas, &[]);
            g
        })
        .collect();
    assert!(grids[0].levels() >= 6, "{} levels", grids[0].levels());
    for step in [1, 2, 5, 30, 29, -20, 3] {
        let to = window(step);
        let mut changed = Vec::new();
        assert!(vis.shift_window(&d, &from, &to, &themes, &mut changed));
        from = to;
        let fresh_vis = visibility(&d, &to, &themes);
        for (t, grid) in views.iter().zip(&mut grids) {
            grid.update(&vis, &changed);
            for sel in [&[][..], &selected[..]] {
                let mut fresh = ClusterGrid::build(&statics);
                assert_eq!(
                    items(&statics, grid, &vis, t, canvas, sel),
                    items(&statics, &mut fresh, &fresh_vis, t, canvas, sel),
                    "step {step}"
                );
            }
        }
        // Zoomed out over all of East Asia, the clusters hold every shown place once.
        let far = items(&statics, &mut grids[0], &vis, &views[0], canvas, &[]);
        let shown = vis.places.iter().filter(|m| m.is_shown()).count();
        assert!(shown > CLUSTER_ABOVE);
        assert_eq!(far.clusters.iter().map(|c| c.places).sum::<usize>(), shown, "step {step}");
        let events: u64 = vis.counts.iter().map(|c| u64::from(*c)).sum();
        assert_eq!(far.clusters.iter().map(|c| c.events).sum::<u64>(), events);
    }
}

/// The scene is built without a window: markers, placed labels that overlap nothing, a
/// person's journey in date order, and the legend, all from plain data.
#[test]
fn the_scene_of_the_bundled_atlas_is_built_without_a_window() {
    use crossings::scene::{Scene, SceneInput, journey};
    let d = common::bundled().dataset;
    let vis = visibility(&d, &TimeFilter::all(), &Themes::default());
    let statics = PlaceStatics::build(&d);
    let mut grid = ClusterGrid::build(&statics);
    let (rect, canvas) = canvas(900.0, 700.0);
    let t = transform(rect, 121.0, 33.0, 4.0);
    let person = d.person_by_id("maeda-mitsushige");
    assert!(person.is_some());
    let harbin = d.place_by_id("harbin").unwrap();
    // A legend in the bottom-left corner, as the window has.
    let legend = crossings::geometry::Bbox::from_corners(
        crossings::geometry::ScreenPoint::new(10.0, 450.0),
        crossings::geometry::ScreenPoint::new(260.0, 680.0),
    );
    let input = SceneInput {
        dataset: &d,
        statics: &statics,
        vis: &vis,
        selected: &[harbin],
        person,
        transform: t,
        canvas,
        overlays: &[legend],
        highlight: None,
    };
    // Every character 7 points wide, 14 high.
    let measure = |text: &str| [7.0 * text.chars().count() as f32, 14.0];
    let scene = Scene::build(input, &mut grid, &measure);
    assert!(scene.items.markers.len() >= 20, "{}", scene.items.markers.len());
    assert_eq!(scene.legend.len(), crossings::model::Theme::ALL.len());
    // Labels: the selected place's, each as wide as measured and no wider than the limit, on
    // the map, off the legend, off every other marker and off each other and the journey's.
    let harbin_marker = scene.items.markers.iter().position(|m| m.place == harbin).unwrap();
    assert!(scene.labels.iter().any(|l| l.marker == harbin_marker && l.full == d.place(harbin).label()));
    let journey_rects: Vec<_> = scene.journey.iter().filter_map(|s| s.label).collect();
    assert!(!journey_rects.is_empty());
    let all: Vec<_> = scene
        .labels
        .iter()
        .map(|l| (l.rect, l.text.as_str()))
        .chain(journey_rects.iter().map(|r| (*r, "journey")))
        .collect();
    for (i, (a, text)) in all.iter().enumerate() {
        assert!(canvas.contains(a.min) && canvas.contains(a.max), "{text} runs off the map");
        assert!(!a.intersects(&legend), "{text} is under the legend");
        for (b, other) in &all[i + 1..] {
            assert!(!a.intersects(b), "{text} overlaps {other}");
        }
    }
    for l in &scene.labels {
        assert_eq!(l.rect.size()[0] as f32, 7.0 * l.text.chars().count() as f32 + 4.0);
        assert!(l.rect.size()[0] as f32 <= crossings::scene::MAX_LABEL_WIDTH + 4.0, "{}", l.text);
        if l.text != l.full {
            assert!(l.text.ends_with('…') && l.full.starts_with(l.text.trim_end_matches('…')), "{l:?}");
        }
        for (k, m) in scene.items.markers.iter().enumerate() {
            if k != l.marker {
                let nearest = crossings::geometry::ScreenPoint::new(
                    m.pos.x.clamp(l.rect.min.x, l.rect.max.x),
                    m.pos.y.clamp(l.rect.min.y, l.rect.max.y),
                );
                assert!(nearest.distance(m.pos) >= m.radius - 0.5, "{} covers a marker", l.text);
            }
        }
    }
    // The long name is shortened, the whole of it kept for the tooltip.
    let hq = d.place_by_id("balujun-qianfang-zongbu").or_else(|| {
        d.places.iter().position(|p| p.label().chars().count() > 40).map(|i| crossings::model::PlaceIx(i as u32))
    });
    if let Some(l) = hq.and_then(|hq| scene.labels.iter().find(|l| scene.items.markers[l.marker].place == hq)) {
        assert!(l.text.ends_with('…'), "{l:?}");
    }
    // The journey: one stop per place in a row, numbered, where the transform puts them.
    let stops = journey(&d, &vis, person);
    assert!(stops.len() >= 2, "{stops:?}");
    assert_eq!(scene.journey.len(), stops.len());
    for (i, (drawn, stop)) in scene.journey.iter().zip(&stops).enumerate() {
        assert_eq!(drawn.pos, t.lon_lat(stop.lon_lat));
        assert!(drawn.text.starts_with(&format!("{}. ", i + 1)), "{}", drawn.text);
    }
    // The cursor finds the marker it is over.
    let m = &scene.items.markers[harbin_marker];
    assert_eq!(scene.marker_at(m.pos), Some(harbin));
}

/// A place at the bottom right, where the scale bar is: its label goes elsewhere or nowhere,
/// never over the bar.
#[test]
fn no_label_covers_the_scale_bar() {
    use crossings::geometry::{Mercator, ScreenPoint, ScreenTransform};
    use crossings::scene::{Scene, SceneInput, scale_bar_area};
    let d = common::bundled().dataset;
    let vis = visibility(&d, &TimeFilter::all(), &Themes::default());
    let statics = PlaceStatics::build(&d);
    let mut grid = ClusterGrid::build(&statics);
    let (_, canvas) = canvas(900.0, 700.0);
    let harbin = d.place_by_id("harbin").unwrap();
    // Harbin just above the bar's left end, at zoom 6.
    let scale = 256.0 * 64.0;
    let at = Mercator::from(d.place(harbin).lon_lat);
    let target = ScreenPoint::new(canvas.max.x - 90.0, canvas.max.y - 32.0);
    let t = ScreenTransform {
        origin: ScreenPoint::new(target.x - (at.x * scale) as f32, target.y - (at.y * scale) as f32),
        scale,
    };
    let input = SceneInput {
        dataset: &d,
        statics: &statics,
        vis: &vis,
        selected: &[harbin],
        person: None,
        transform: t,
        canvas,
        overlays: &[],
        highlight: None,
    };
    let measure = |text: &str| [7.0 * text.chars().count() as f32, 14.0];
    let scene = Scene::build(input, &mut grid, &measure);
    let bar = scene.scale_bar.as_ref().expect("a scale bar at zoom 6");
    let drawn = crossings::geometry::Bbox::from_corners(
        ScreenPoint::new(bar.start.x, bar.start.y - 16.0),
        ScreenPoint::new(bar.start.x + bar.length, bar.start.y + 2.0),
    );
    assert!(scale_bar_area(canvas).contains(drawn.min) && scale_bar_area(canvas).contains(drawn.max));
    assert!(scene.items.markers.iter().any(|m| m.place == harbin && m.pos.distance(target) < 0.5));
    for l in &scene.labels {
        assert!(!l.rect.intersects(&drawn), "{} covers the scale bar {drawn:?}: {:?}", l.text, l.rect);
    }
}

/// The scale bar's distance is what its two ends are apart on the ground (measured with geo's
/// haversine along the bar), and a round number that fits.
#[test]
fn the_scale_bar_measures_the_ground_at_the_middle_of_the_map() {
    use crossings::scene::scale_bar;
    use geo::{Distance, Haversine, Point};
    for (lat, zoom) in [(0.0, 3.0), (35.0, 4.3), (45.75, 7.0), (60.0, 10.5)] {
        let (rect, canvas) = canvas(900.0, 700.0);
        let t = transform(rect, 120.0, lat, zoom);
        let bar = scale_bar(&t, canvas, 120.0).expect("a bar");
        assert!(bar.length > 40.0 && bar.length <= 120.0, "{bar:?}");
        let mantissa = bar.metres / 10f64.powf(bar.metres.log10().floor());
        assert!([1.0, 2.0, 5.0].iter().any(|m| (m - mantissa).abs() < 1e-9), "{bar:?}");
        // Its ends, moved to the map's middle latitude, are that far apart on the ground.
        let y = (canvas.min.y + canvas.max.y) / 2.0;
        let a = t.invert(crossings::geometry::ScreenPoint::new(bar.start.x, y)).to_lon_lat();
        let b = t.invert(crossings::geometry::ScreenPoint::new(bar.start.x + bar.length, y)).to_lon_lat();
        let ground = Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat));
        assert!((ground - bar.metres).abs() / bar.metres < 0.02, "{bar:?}: the ends are {ground} m apart");
    }
}

/// Zoomed out over the whole region, the bundled places that would pile up are gathered into
/// clusters (every shown place counted once, the selected one left out as a marker); zoomed
/// in, none are.
#[test]
fn at_world_zoom_the_bundled_places_gather_into_clusters() {
    let d = common::bundled().dataset;
    let vis = visibility(&d, &TimeFilter::all(), &Themes::default());
    let statics = PlaceStatics::build(&d);
    let mut grid = ClusterGrid::build(&statics);
    let (rect, canvas) = canvas(1000.0, 700.0);
    let harbin = d.place_by_id("harbin").unwrap();
    let far_t = transform(rect, 100.0, 30.0, 2.0);
    let far = items(&statics, &mut grid, &vis, &far_t, canvas, &[harbin]);
    assert!(!far.clusters.is_empty(), "nothing gathered at zoom 2");
    assert!(far.markers.iter().any(|m| m.place == harbin), "the selected place stays a marker");
    let in_view = d
        .places
        .iter()
        .enumerate()
        .filter(|(i, p)| vis.places[*i].is_shown() && canvas.expand(24.0).contains(far_t.lon_lat(p.lon_lat)))
        .count();
    let drawn = far.markers.len() + far.clusters.iter().map(|c| c.places).sum::<usize>();
    assert_eq!(drawn, in_view);
    // No two markers left that would pile onto each other in one cell.
    let near = items(&statics, &mut grid, &vis, &transform(rect, 121.0, 33.0, 5.0), canvas, &[]);
    assert!(near.clusters.is_empty());
}

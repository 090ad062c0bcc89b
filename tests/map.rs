//! The map's drawing decisions, checked with a hand-built walkers Projector (no window).

mod common;

use crossings::chronology::TimeFilter;
use crossings::query::{Themes, visibility};
use crossings::ui::batch::{CLUSTER_ABOVE, ClusterGrid, PlaceStatics, frame_items};
use crossings::ui::map::{ScreenTransform, hit_test, mercator_normalized, place_labels};
use egui::{Pos2, Rect, vec2};
use walkers::{MapMemory, MercatorProjection, Projector, lon_lat};

fn transform(rect: Rect, lon: f64, lat: f64, zoom: f64) -> ScreenTransform {
    let mut memory = MapMemory::default();
    memory.center_at(lon_lat(lon, lat));
    memory.set_zoom(zoom).unwrap();
    let projector = Projector::new(rect, &MercatorProjection, &memory, lon_lat(lon, lat));
    // Our transform agrees with walkers' own projection.
    let t = ScreenTransform::new(&projector);
    let theirs = projector.project(lon_lat(126.63, 45.75));
    let ours = t.apply(mercator_normalized(126.63, 45.75));
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
    let rect = Rect::from_min_size(Pos2::ZERO, vec2(1000.0, 800.0));

    let far = frame_items(&statics, &mut grid, &vis, &transform(rect, 115.0, 40.0, 3.0), rect, &[]);
    assert!(!far.clusters.is_empty());
    assert!(far.markers.is_empty());
    let clustered: usize = far.clusters.iter().map(|c| c.places).sum();
    assert!(clustered > CLUSTER_ABOVE, "{clustered}");
    assert!(far.clusters.len() < 200, "{} clusters", far.clusters.len());

    // Zoomed right in on one hub (Maizuru), the places come apart into markers with labels.
    let near_t = transform(rect, 135.4, 35.5, 11.0);
    let near = frame_items(&statics, &mut grid, &vis, &near_t, rect, &[]);
    assert!(near.clusters.is_empty());
    assert!(!near.markers.is_empty());
    assert!(near.markers.iter().all(|m| rect.expand(30.0).contains(m.pos)));
    let first = &near.markers[near.markers.len() - 1];
    assert_eq!(hit_test(&near.markers, first.pos), Some(first.place));
    let labels = place_labels(&near.markers, &|_| vec2(80.0, 14.0), &[]);
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(!a.1.intersects(b.1), "labels overlap");
        }
    }
}

#[test]
fn the_bundled_places_are_drawn_one_by_one_with_no_overlapping_labels() {
    let d = common::bundled().dataset;
    let vis = visibility(&d, &TimeFilter::all(), &Themes::default());
    let statics = PlaceStatics::build(&d);
    let mut grid = ClusterGrid::build(&statics);
    let rect = Rect::from_min_size(Pos2::ZERO, vec2(700.0, 800.0));
    let t = transform(rect, 121.0, 31.0, 4.3);
    let items = frame_items(&statics, &mut grid, &vis, &t, rect, &[]);
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
    let rect = Rect::from_min_size(Pos2::ZERO, vec2(1000.0, 800.0));
    let views =
        [transform(rect, 115.0, 40.0, 3.0), transform(rect, 121.0, 31.0, 5.5), transform(rect, 135.4, 35.5, 9.0)];
    let selected = [crossings::model::PlaceIx(7), crossings::model::PlaceIx(1500)];
    // One grid per view, so each keeps its level's counts and only follows the changes.
    let mut grids: Vec<ClusterGrid> = views
        .iter()
        .map(|t| {
            let mut g = ClusterGrid::build(&statics);
            frame_items(&statics, &mut g, &vis, t, rect, &[]);
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
                    frame_items(&statics, grid, &vis, t, rect, sel),
                    frame_items(&statics, &mut fresh, &fresh_vis, t, rect, sel),
                    "step {step}"
                );
            }
        }
        // Zoomed out over all of East Asia, the clusters hold every shown place once.
        let far = frame_items(&statics, &mut grids[0], &vis, &views[0], rect, &[]);
        let shown = vis.places.iter().filter(|m| m.is_shown()).count();
        assert!(shown > CLUSTER_ABOVE);
        assert_eq!(far.clusters.iter().map(|c| c.places).sum::<usize>(), shown, "step {step}");
        let events: u64 = vis.counts.iter().map(|c| u64::from(*c)).sum();
        assert_eq!(far.clusters.iter().map(|c| c.events).sum::<u64>(), events);
    }
}

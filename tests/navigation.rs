//! The map as a desktop-map user drives it: the wheel zooms around the pointer within limits,
//! a click gives the map the arrow keys, a double click only zooms, a fling stays near the
//! data. Driven headless with egui_kittest through pointer and key events.

mod common;

use crossings::geometry::{LonLat, Mercator, ScreenPoint, ScreenTransform};
use crossings::ui::geometry::screen_rect;
use crossings::ui::{AppState, CrossingsApp, MapView};
use egui::{Pos2, Vec2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The app at 1400×900, stepped at 60 frames a second (double clicks and the wheel's
/// smoothing are timed).
fn harness() -> Harness<'static, CrossingsApp> {
    let app = CrossingsApp::with_state(common::bundled(), AppState::default());
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(|ui, app: &mut CrossingsApp| app.ui_frame(ui), app);
    h.run();
    h
}

/// The app's view on its map rectangle, as a transform from web-mercator to the screen.
fn view(h: &Harness<'_, CrossingsApp>) -> ScreenTransform {
    let (v, rect) = (h.state().map_view(), h.state().map_rect());
    ScreenTransform::centered(LonLat { lon: v.lon, lat: v.lat }.into(), v.zoom, screen_rect(rect))
}

/// The lon/lat under a point of the map.
fn under(h: &Harness<'_, CrossingsApp>, p: Pos2) -> LonLat {
    view(h).invert(ScreenPoint::new(p.x, p.y)).to_lon_lat()
}

/// Where a lon/lat point is on screen.
fn screen_of(h: &Harness<'_, CrossingsApp>, ll: LonLat) -> Pos2 {
    let p = view(h).lon_lat(ll);
    pos2(p.x, p.y)
}

fn wheel(h: &mut Harness<'_, CrossingsApp>, at: Pos2, notches: i32) {
    h.event(egui::Event::PointerMoved(at));
    h.run_steps(2);
    for _ in 0..notches.abs() {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta: Vec2::new(0.0, notches.signum() as f32),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.run_steps(2);
    }
    // egui smooths the wheel over a few frames.
    h.run_steps(30);
}

fn click(h: &mut Harness<'_, CrossingsApp>, at: Pos2) {
    h.event(egui::Event::PointerMoved(at));
    h.run_steps(2);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(1);
    }
}

/// A point of open map: away from every marker, and from the overlays in its corners.
fn empty_spot(h: &Harness<'_, CrossingsApp>) -> Pos2 {
    let rect = h.state().map_rect();
    let d = h.state().dataset();
    let spots = (0..40).flat_map(|i| (0..20).map(move |j| (i, j)));
    spots
        .map(|(i, j)| pos2(rect.left() + 80.0 + i as f32 * 12.0, rect.top() + 120.0 + j as f32 * 14.0))
        .find(|p| {
            rect.shrink(60.0).contains(*p) && d.places.iter().all(|pl| screen_of(h, pl.lon_lat).distance(*p) > 40.0)
        })
        .expect("an empty spot on the map")
}

#[test]
fn the_wheel_zooms_around_the_pointer_and_stops_at_the_limits() {
    let mut h = harness();
    let rect = h.state().map_rect();
    let p = rect.center() + Vec2::new(120.0, -80.0);
    let before = (h.state().map_view(), under(&h, p));
    wheel(&mut h, p, 1);
    let after = h.state().map_view();
    assert!(after.zoom > before.0.zoom + 0.2, "the wheel zooms in: {:?} -> {after:?}", before.0);
    // The place under the pointer stays under it (within a couple of points).
    let moved = screen_of(&h, before.1).distance(p);
    assert!(moved < 3.0, "the point under the pointer moved {moved} points");
    // No further in than the limit, no further out; at the limit, the place under the pointer
    // stays under it.
    let there = under(&h, p);
    wheel(&mut h, p, 80);
    let z = h.state().map_view().zoom;
    assert!((crossings::ui::MAX_ZOOM - 1.0..=crossings::ui::MAX_ZOOM + 1e-9).contains(&z), "{z}");
    let moved = screen_of(&h, there).distance(p);
    assert!(moved < 3.0, "at the limit the point under the pointer moved {moved} points");
    wheel(&mut h, p, -120);
    let z = h.state().map_view().zoom;
    assert!((crossings::ui::MIN_ZOOM - 1e-9..crossings::ui::MIN_ZOOM + 1.0).contains(&z), "{z}");
}

#[test]
fn a_click_gives_the_map_the_arrow_keys_and_escape_gives_them_back_to_the_timeline() {
    let mut h = harness();
    let spot = empty_spot(&h);
    click(&mut h, spot);
    h.run_steps(3);
    assert!(h.state().selection().is_empty(), "a click on nothing selects nothing");
    let (view, time) = (h.state().map_view(), h.state().state.time);
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(3);
    let panned: MapView = h.state().map_view();
    assert!(panned.lon > view.lon + 0.1, "ArrowRight pans east: {view:?} -> {panned:?}");
    assert_eq!(h.state().state.time, time, "and leaves the time alone");
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(3);
    assert!(h.state().map_view().lat < panned.lat, "ArrowDown pans south");
    h.key_press(egui::Key::Escape);
    h.run_steps(3);
    let view = h.state().map_view();
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(3);
    assert_eq!(h.state().map_view(), view, "after Escape the arrows no longer pan");
    assert_eq!(h.state().state.time.start, time.start + 1, "they step the time again");
}

#[test]
fn a_double_click_on_a_marker_zooms_and_leaves_the_selection_as_it_was() {
    let mut h = harness();
    let d = h.state().dataset();
    let harbin = d.place_by_id("harbin").expect("harbin");
    let at = screen_of(&h, d.place(harbin).lon_lat);
    let zoom = h.state().map_view().zoom;
    // A single click selects.
    click(&mut h, at);
    h.run_steps(20);
    assert_eq!(h.state().selection(), &[harbin]);
    h.key_press(egui::Key::Escape);
    h.run_steps(60);
    assert!(h.state().selection().is_empty());
    // A double click zooms and selects nothing.
    click(&mut h, at);
    click(&mut h, at);
    h.run_steps(30);
    assert!(h.state().selection().is_empty(), "the double click changed the selection");
    assert!(h.state().map_view().zoom > zoom + 0.5, "the double click zooms in");
}

#[test]
fn a_fling_towards_the_empty_ocean_keeps_the_data_in_reach() {
    let mut h = harness();
    let rect = h.state().map_rect();
    let start = empty_spot(&h);
    // Quick drags, each far to the left and up: the map is thrown east and south.
    for _ in 0..6 {
        h.event(egui::Event::PointerMoved(start));
        h.run_steps(1);
        h.event(egui::Event::PointerButton {
            pos: start,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(1);
        let end = pos2(rect.left() + 5.0, rect.top() + 5.0);
        for f in [0.3, 0.6, 1.0] {
            h.event(egui::Event::PointerMoved(start + (end - start) * f));
            h.run_steps(1);
        }
        h.event(egui::Event::PointerButton {
            pos: end,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run_steps(120);
    // The centre stays over the places' extent (with a margin of a tenth of the world).
    let d = h.state().dataset();
    let pos: Vec<Mercator> = d.places.iter().map(|p| Mercator::from(p.lon_lat)).collect();
    let extent = crossings::geometry::Bbox::of(pos.iter().copied()).expect("places").expand(0.1 + 1e-9);
    let v = h.state().map_view();
    let centre = Mercator::from(LonLat { lon: v.lon, lat: v.lat });
    assert!(extent.contains(centre), "the map was flung to {v:?}");
    assert!(h.state_mut().visibility().shown_places().next().is_some());
}

/// Opening a person fits the map to their whole journey, and *Fit all* keeps to it while they
/// are shown (Maeda's runs from Hebei to Tokyo; the data's far places, such as Versailles, would
/// shrink it to a dot).
#[test]
fn opening_a_person_fits_the_map_to_their_journey() {
    let mut h = harness();
    let d = h.state().dataset();
    let maeda = d.person_by_id("maeda-mitsushige").expect("Maeda");
    let name = d.person(maeda).name.clone();
    // Zoomed in somewhere else first.
    for _ in 0..3 {
        h.state_mut().apply(crossings::ui::Action::Zoom(1));
    }
    h.run_steps(2);
    h.get_by_label("Search places and people").focus();
    h.run();
    h.get_by_label("Search places and people").type_text("Maeda");
    h.run();
    h.query(egui_kittest::kittest::by().label_contains(&name).role(egui::accesskit::Role::Link))
        .expect("Maeda in the list")
        .click_accesskit();
    h.run();
    h.run_steps(5);
    assert_eq!(h.state().person(), Some(maeda));
    let in_view = |h: &Harness<'_, CrossingsApp>| {
        let d = h.state().dataset();
        let rect = h.state().map_rect().shrink(10.0);
        let stops: Vec<LonLat> =
            d.person_events[maeda.ix()].iter().filter_map(|e| d.event(*e).place).map(|p| d.place(p).lon_lat).collect();
        assert!(stops.len() >= 3);
        stops.iter().all(|ll| rect.contains(screen_of(h, *ll)))
    };
    assert!(in_view(&h), "the journey is not all in view: {:?}", h.state().map_view());
    let zoom = h.state().map_view().zoom;
    // Zoom far out, then Fit all: back to the journey, not the whole data.
    h.state_mut().apply(crossings::ui::Action::Zoom(-1));
    h.state_mut().apply(crossings::ui::Action::Zoom(-1));
    h.run_steps(2);
    h.get_by_label("Fit all").click_accesskit();
    h.run_steps(3);
    assert!(in_view(&h));
    assert!((h.state().map_view().zoom - zoom).abs() < 0.01, "Fit all fits the journey again");
}

/// At 1280×720 the opening view fits the core places above the legend (Quảng Ngãi, bottom-left,
/// was under it), and folding the legend frees the corner.
#[test]
fn at_1280_by_720_the_opening_view_keeps_the_places_clear_of_the_legend() {
    let app = CrossingsApp::with_state(common::bundled(), AppState::default());
    let mut h = Harness::builder()
        .with_size([1280.0, 720.0])
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(|ui, app: &mut CrossingsApp| app.ui_frame(ui), app);
    h.run_steps(10);
    let d = h.state().dataset();
    let legend_top = h.get_by_label("Hide legend").rect().top();
    let map = h.state().map_rect();
    for id in ["taihang", "yanan", "zhenyuan", "harbin", "maizuru", "quang-ngai"] {
        let at = screen_of(&h, d.place(d.place_by_id(id).expect(id)).lon_lat);
        assert!(map.contains(at), "{id} at {at:?} is off the map {map:?}");
        assert!(at.y < legend_top, "{id} at {at:?} is under the legend (top {legend_top})");
    }
    let quang_ngai = d.place_by_id("quang-ngai").expect("Quảng Ngãi");
    let scene = h.state().scene().expect("drawn");
    assert!(scene.labels.iter().any(|l| scene.items.markers[l.marker].place == quang_ngai), "Quảng Ngãi has its label");
    // Folded, the legend is one small button (the themes' names stay only in the left panel).
    assert_eq!(h.query_all_by_label("Viet Minh").count(), 2);
    h.get_by_label("Hide legend").click_accesskit();
    h.run_steps(5);
    assert!(h.query_by_label("Legend").is_some());
    assert_eq!(h.query_all_by_label("Viet Minh").count(), 1);
}

//! The window's panels, driven headless with egui_kittest through their accessible labels.

mod common;

use crossings::ui::{AppState, CrossingsApp};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};

fn app_harness(app: CrossingsApp) -> Harness<'static, CrossingsApp> {
    common::app_harness(app, [1400.0, 900.0])
}

fn harness() -> Harness<'static, CrossingsApp> {
    let mut h = app_harness(CrossingsApp::with_state(common::bundled(), AppState::default()));
    h.run();
    h
}

fn month(y: i32, m: u32) -> f64 {
    f64::from(crossings::chronology::Day::month_start(y, m).month_index())
}

/// Replaces the search text (the list only lays out the rows in view, so tests search for
/// what they look for, as a user would).
fn search(h: &mut Harness<'_, CrossingsApp>, text: &str) {
    replace_text(h, "Search places and people", text);
}

/// Replaces the text of the field labelled `label`, as a user would: select all, delete, type.
fn replace_text(h: &mut Harness<'_, CrossingsApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.key_press(egui::Key::Backspace);
    h.run();
    if !text.is_empty() {
        h.get_by_label(label).type_text(text);
        h.run();
    }
}

/// Steps the app until something labelled `label` shows (a background job answered), for up
/// to a second.
fn wait_for_label(h: &mut Harness<'_, CrossingsApp>, label: &str) {
    for _ in 0..50 {
        h.step();
        if h.query_by_label(label).is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run();
}

/// True when the place list shows a row for this place (searched for by name).
fn listed(h: &mut Harness<'_, CrossingsApp>, name: &str) -> bool {
    search(h, name);
    let found = h.query(by().label_contains(name).role(Role::Button)).is_some();
    search(h, "");
    found
}

#[test]
fn selecting_a_place_in_the_list_shows_its_events_and_people() {
    let mut h = harness();
    search(&mut h, "Yan'an");
    h.get_by_label("Yan'an  延安").click_accesskit();
    h.run();
    let d = h.state().dataset();
    let yanan = d.place_by_id("yanan").unwrap();
    assert_eq!(h.state().selection(), &[yanan]);
    let first_event = d.event(d.place_events[yanan.ix()][0]).title.clone();
    h.get_by_label(&first_event);
    h.get_by_label_contains("Events (");
    let person = d.person(d.place_people[yanan.ix()][0]).name.clone();
    h.get_by_role_and_label(Role::Button, &person);
}

#[test]
fn opening_a_person_shows_their_biography_and_journey() {
    let mut h = harness();
    search(&mut h, "Yan'an");
    h.get_by_label("Yan'an  延安").click_accesskit();
    h.run();
    let d = h.state().dataset();
    let nosaka = d.person_by_id("nosaka-sanzo").expect("Nosaka is in the data");
    let name = d.person(nosaka).name.clone();
    let bio = d.person(nosaka).biography.clone();
    h.get_by_role_and_label(Role::Button, &name).click_accesskit();
    h.run();
    assert_eq!(h.state().person(), Some(nosaka));
    h.get_by_label(&bio);
    h.get_by_label_contains("Journey (");
}

#[test]
fn search_matches_latin_without_diacritics_and_cjk() {
    let row =
        |h: &Harness<'_, CrossingsApp>, name: &str| h.query(by().label_contains(name).role(Role::Button)).is_some();
    let mut h = harness();
    search(&mut h, "quang ngai");
    assert!(row(&h, "Quảng Ngãi"));
    assert!(!row(&h, "Harbin"));
    let total = h.state().dataset().places.len();
    h.get_by_label_contains(&format!("1 of {total} places"));

    search(&mut h, "延安");
    assert!(row(&h, "Yan'an"));
    assert!(!row(&h, "Maizuru"));

    search(&mut h, "Yenan");
    assert!(row(&h, "Yan'an"));
    search(&mut h, "YENAN");
    assert!(row(&h, "Yan'an"));
}

#[test]
fn the_time_slider_filters_the_place_list() {
    let mut h = harness();
    h.get_by_role_and_label(Role::Slider, "From").set_value_accesskit(month(1939, 3));
    h.run();
    h.get_by_role_and_label(Role::Slider, "To").set_value_accesskit(month(1939, 3));
    h.run();
    assert!(listed(&mut h, "Zhenyuan"), "March 1939 shows Zhenyuan");

    h.get_by_role_and_label(Role::Slider, "To").set_value_accesskit(month(1945, 8));
    h.run();
    h.get_by_role_and_label(Role::Slider, "From").set_value_accesskit(month(1945, 8));
    h.run();
    assert!(listed(&mut h, "Harbin"), "August 1945 shows Harbin");
    assert!(!listed(&mut h, "Yan'an"), "August 1945 does not show Yan'an");

    h.get_by_label("Show all").click_accesskit();
    h.run();
    assert!(listed(&mut h, "Yan'an"));
}

#[test]
fn escape_clears_the_selection() {
    let mut h = harness();
    search(&mut h, "Harbin");
    h.get_by_label("Harbin  哈尔滨").click_accesskit();
    h.run();
    assert_eq!(h.state().selection().len(), 1);
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.state().selection().is_empty());
}

#[test]
fn the_state_survives_a_restart_and_a_corrupt_state_is_ignored() {
    let mut h = harness();
    search(&mut h, "Harbin");
    h.get_by_label("Harbin  哈尔滨").click_accesskit();
    h.run();
    let saved = serde_json::to_string(&h.state().saved_state()).unwrap();
    let restored: AppState = serde_json::from_str(&saved).unwrap();
    assert_eq!(restored.selection, vec!["harbin".to_owned()]);
    let app = CrossingsApp::with_state(common::bundled(), restored);
    let mut h2 = app_harness(app);
    h2.run();
    assert_eq!(h2.state().selection().len(), 1);
    // Saved atomically to a file, read back; a corrupt file is ignored.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    h.state().saved_state().save(&path).unwrap();
    assert_eq!(AppState::load(&path).unwrap().selection, vec!["harbin".to_owned()]);
    std::fs::write(&path, "{ truncated").unwrap();
    assert_eq!(AppState::load(&path), None);
    assert_eq!(AppState::load(&dir.path().join("missing.json")), None);
    // An old or partial state keeps what it can and defaults the rest.
    let old: AppState = serde_json::from_str(r#"{"search":"x","unknown_field":1}"#).unwrap();
    assert_eq!(old.search, "x");
    assert!(serde_json::from_str::<AppState>("{not json").is_err());
}

fn drag(h: &mut Harness<'_, CrossingsApp>, from: egui::Pos2, to: egui::Pos2) {
    h.hover_at(from);
    h.run();
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Default::default(),
    });
    h.run();
    for i in 1..=10 {
        let p = from + (to - from) * (i as f32 / 10.0);
        h.event(egui::Event::PointerMoved(p));
        h.run();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Default::default(),
    });
    h.run();
}

#[test]
fn dragging_across_the_timeline_brushes_a_window_and_dragging_it_moves_it() {
    let mut h = harness();
    let rect = h.get_by_label("Timeline").rect();
    let y = rect.center().y;
    drag(&mut h, egui::pos2(rect.left() + rect.width() * 0.3, y), egui::pos2(rect.left() + rect.width() * 0.4, y));
    let t = h.state().state.time;
    assert_eq!(t.mode, crossings::chronology::TimeMode::Window);
    let (start, end) = (t.start, t.end);
    assert!(end > start, "{start} {end}");
    // Drag the window body to the right: its length stays, it moves later.
    let x_mid = rect.left() + rect.width() * 0.35;
    drag(&mut h, egui::pos2(x_mid, y), egui::pos2(x_mid + rect.width() * 0.1, y));
    let t2 = h.state().state.time;
    assert_eq!(t2.end - t2.start, end - start);
    assert!(t2.start > start);
}

fn wait_for_status(h: &mut Harness<'_, CrossingsApp>) -> crossings::ui::Status {
    common::wait_for_status(h)
}

#[test]
fn two_selected_places_export_through_the_app_with_an_injected_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chosen.geojson");
    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    let target = path.clone();
    let asked = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let asked2 = asked.clone();
    app.set_save_dialog(std::sync::Arc::new(move |name: &str| {
        *asked2.lock().unwrap() = name.to_owned();
        Some(target.clone()).into()
    }));
    let mut h = app_harness(app);
    h.run();
    search(&mut h, "Harbin");
    h.get_by_label("Harbin  哈尔滨").click_accesskit();
    h.run();
    h.get_by_label("Search places and people").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("Search places and people").type_text("Maizuru");
    h.run();
    h.get_by_label("Maizuru  舞鶴").click_modifiers(egui::Modifiers::COMMAND);
    h.run();
    assert_eq!(h.state().selection().len(), 2, "Ctrl+click adds to the selection");
    h.get_by_label_contains("2 selected");
    h.get_by_label("Export selected…").click_accesskit();
    let status = wait_for_status(&mut h);
    assert!(!status.error, "{}", status.text);
    assert_eq!(status.text, format!("Exported 2 places to {}", path.display()));
    assert_eq!(*asked.lock().unwrap(), "crossings-export.geojson");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let ids: Vec<&str> = v["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"harbin") && ids.contains(&"maizuru"), "{ids:?}");
}

#[test]
fn a_cancelled_or_failed_export_says_why_and_writes_nothing() {
    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    app.set_save_dialog(std::sync::Arc::new(|_: &str| {
        Some(std::path::PathBuf::from("/no/such/folder/out.geojson")).into()
    }));
    let mut h = app_harness(app);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    let status = wait_for_status(&mut h);
    assert!(status.error);
    assert_eq!(status.text, "Export failed: the folder /no/such/folder does not exist");
}

/// Types a date into the timeline's field and presses Enter.
fn go_to_date(h: &mut Harness<'_, CrossingsApp>, text: &str) {
    h.get_by_label("Go to date").focus();
    h.run();
    h.get_by_label("Go to date").type_text(text);
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
}

#[test]
fn typing_a_date_and_arrow_keys_move_the_window() {
    let mut h = harness();
    go_to_date(&mut h, "1945-08");
    let t = h.state().state.time;
    let aug = month(1945, 8) as i32;
    assert_eq!((t.start, t.end), (aug, aug));
    assert!(listed(&mut h, "Harbin"));
    h.key_press(egui::Key::Escape);
    h.run();
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_eq!(h.state().state.time.start, aug + 1);
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowLeft);
    h.run();
    assert_eq!(h.state().state.time.start, aug + 1 - 12);
    h.key_press(egui::Key::Home);
    h.run();
    let d = h.state().dataset().date_extent().unwrap();
    assert_eq!(h.state().state.time.start, d.0.month_index());
}

/// With the From slider focused, an arrow key moves the window's start by one month, once:
/// the slider steps it and the app's own arrow-key shortcut must stay out of the way.
#[test]
fn an_arrow_key_on_the_focused_from_slider_steps_one_month() {
    let mut h = harness();
    go_to_date(&mut h, "1944-01/1944-12");
    let jan = month(1944, 1) as i32;
    assert_eq!((h.state().state.time.start, h.state().state.time.end), (jan, month(1944, 12) as i32));
    h.get(by().label("From").role(Role::Slider)).focus();
    h.run();
    assert!(h.get(by().label("From").role(Role::Slider)).is_focused());
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_eq!(h.state().state.time.start, jan + 1);
    h.key_press(egui::Key::ArrowLeft);
    h.run();
    assert_eq!(h.state().state.time.start, jan);
}

/// Space on a focused button presses that button; it does not also toggle playing.
#[test]
fn space_on_a_focused_button_does_not_also_start_playing() {
    let mut h = harness();
    h.get_by_label("Whole span").focus();
    h.run();
    assert!(h.get_by_label("Whole span").is_focused());
    h.key_press(egui::Key::Space);
    h.run();
    assert!(!h.state().state.time.playing);
    // With nothing focused, Space plays.
    h.key_press(egui::Key::Escape);
    h.run();
    h.key_press(egui::Key::Space);
    // Playing repaints every frame: step, not run to rest.
    h.run_steps(2);
    assert!(h.state().state.time.playing);
}

#[test]
fn a_bad_typed_date_is_refused_in_words() {
    let mut h = harness();
    go_to_date(&mut h, "1945-02-30");
    h.get_by_label_contains("'1945-02-30': February 1945 has 28 days, not 30. Type a year (1945)");
    assert_eq!(h.state().state.time.mode, crossings::chronology::TimeMode::All);
}

#[test]
fn select_all_shown_selects_what_the_filters_show() {
    let mut h = harness();
    search(&mut h, "ma");
    h.get_by_label("Select all shown").click_accesskit();
    h.run();
    let d = h.state().dataset();
    let folded = crossings::query::fold("ma");
    let expected = (0..d.places.len() as u32)
        .map(crossings::model::PlaceIx)
        .filter(|p| crossings::query::place_matches(d, *p, &folded))
        .count();
    assert_eq!(h.state().selection().len(), expected);
    assert!(expected >= 3);
}

#[test]
fn shift_dragging_a_box_on_the_map_selects_the_places_inside() {
    let mut h = harness();
    // The map fills the middle; drag a box over most of it with Shift held.
    let timeline = h.get_by_label("Timeline").rect();
    let search_box = h.get_by_label("Search places and people").rect();
    // Clear of the zoom buttons in the map's top-left corner.
    let left = search_box.right() + 120.0;
    let top = 140.0;
    let right = left + 300.0;
    let bottom = timeline.top() - 60.0;
    let shift = egui::Modifiers::SHIFT;
    // Hold Shift for the whole drag.
    h.event(egui::Event::ModifiersChanged(shift));
    h.event(egui::Event::PointerMoved(egui::pos2(left, top)));
    h.run_steps(3);
    h.event(egui::Event::PointerButton {
        pos: egui::pos2(left, top),
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: shift,
    });
    h.run_steps(3);
    for i in 1..=8 {
        let f = i as f32 / 8.0;
        h.event(egui::Event::PointerMoved(egui::pos2(left + (right - left) * f, top + (bottom - top) * f)));
        h.run_steps(3);
    }
    let view_before = h.state().map_view();
    h.event(egui::Event::PointerButton {
        pos: egui::pos2(right, bottom),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: shift,
    });
    h.run_steps(3);
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::default()));
    h.run_steps(3);
    assert_eq!(h.state().map_view(), view_before, "Shift+drag must not pan the map");
    let n = h.state().selection().len();
    assert!(n >= 3, "the box selected {n} places");
    assert!(n < h.state().dataset().places.len(), "the box selected everything");
}

#[test]
fn ctrl_f_focuses_the_search_box() {
    let mut h = harness();
    assert!(!h.get_by_label("Search places and people").is_focused());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run();
    assert!(h.get_by_label("Search places and people").is_focused());
}

/// The x of the middle of a month on the timeline, as the app lays it out now.
fn month_x(h: &Harness<'_, CrossingsApp>, month_index: i32) -> f32 {
    let rect = h.get_by_label("Timeline").rect();
    let view = h.state().state.timeline.expect("the timeline has a view");
    let months = (view.last - view.first + 1) as f32;
    rect.left() + ((month_index - view.first) as f32 + 0.5) / months * rect.width()
}

/// The x of the boundary before a month.
fn month_edge_x(h: &Harness<'_, CrossingsApp>, month_index: i32) -> f32 {
    let rect = h.get_by_label("Timeline").rect();
    let view = h.state().state.timeline.expect("the timeline has a view");
    let months = (view.last - view.first + 1) as f32;
    rect.left() + (month_index - view.first) as f32 / months * rect.width()
}

#[test]
fn dragging_a_handle_resizes_the_window_and_keeps_its_other_end() {
    let mut h = harness();
    go_to_date(&mut h, "1939");
    let (jan39, dec39) = (month(1939, 1) as i32, month(1939, 12) as i32);
    assert_eq!((h.state().state.time.start, h.state().state.time.end), (jan39, dec39));
    let y = h.get_by_label("Timeline").rect().center().y;
    // The right handle stands just after December 1939; the cursor says it resizes. Drag it to
    // March 1943.
    let from = egui::pos2(month_edge_x(&h, dec39 + 1) + 3.0, y);
    h.hover_at(from);
    h.run();
    assert_eq!(h.output().platform_output.cursor_icon, egui::CursorIcon::ResizeHorizontal);
    h.hover_at(egui::pos2(month_x(&h, month(1939, 6) as i32), y));
    h.run();
    assert_eq!(h.output().platform_output.cursor_icon, egui::CursorIcon::Grab, "the body moves");
    h.hover_at(egui::pos2(month_x(&h, month(1947, 6) as i32), y));
    h.run();
    assert_eq!(h.output().platform_output.cursor_icon, egui::CursorIcon::Crosshair, "empty track brushes");
    let to = egui::pos2(month_edge_x(&h, month(1943, 4) as i32), y);
    drag(&mut h, from, to);
    let t = h.state().state.time;
    assert_eq!((t.start, t.end), (jan39, month(1943, 3) as i32), "the end handle moved, the start stayed");
    // And the left handle, from January 1939 back to May 1938.
    let from = egui::pos2(month_edge_x(&h, jan39) - 3.0, y);
    let to = egui::pos2(month_edge_x(&h, month(1938, 5) as i32) + 1.0, y);
    drag(&mut h, from, to);
    let t = h.state().state.time;
    assert_eq!((t.start, t.end), (month(1938, 5) as i32, month(1943, 3) as i32));
}

#[test]
fn hovering_a_histogram_bar_gives_its_month_and_whole_counts_of_certain_and_possible() {
    use crossings::chronology::{Match, TimeFilter, TimeWindow};
    let mut h = harness();
    let aug = month(1945, 8) as i32;
    let y = h.get_by_label("Timeline").rect().center().y;
    h.hover_at(egui::pos2(month_x(&h, aug), y));
    // Past the tooltip delay (each step is a quarter of a second).
    h.run_steps(6);
    // Counted apart: the events the filter shows for the window August 1945.
    let d = h.state().dataset();
    let vis = crossings::query::visibility(
        d,
        &TimeFilter::window(TimeWindow::parse("1945-08").unwrap()),
        &Default::default(),
    );
    let certain = vis.events.iter().filter(|m| **m == Match::Certain).count();
    let possible = vis.events.iter().filter(|m| **m == Match::Possible).count();
    assert!(certain > 5, "August 1945 is a dense month: {certain}");
    let text = format!("August 1945: {} events ({certain} certain, {possible} possible)", certain + possible);
    h.get_by_label_contains(&text);
}

#[test]
fn go_to_date_reads_dates_as_people_type_them_and_says_plainly_what_it_expected() {
    let mut h = harness();
    for (typed, from, to) in [
        ("Aug 1945", month(1945, 8), month(1945, 8)),
        ("1945年8月", month(1945, 8), month(1945, 8)),
        ("1939-41", month(1939, 1), month(1941, 12)),
        ("August 1945", month(1945, 8), month(1945, 8)),
    ] {
        h.get_by_label("Go to date").focus();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.run();
        go_to_date(&mut h, typed);
        let t = h.state().state.time;
        assert_eq!((t.start, t.end), (from as i32, to as i32), "{typed}");
    }
    h.get_by_label("Go to date").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    go_to_date(&mut h, "next spring");
    let error = "'next spring' is not a date I can read. Type a year (1945)";
    h.get_by_label_contains(error);
    assert!(h.query_by_label_contains("EDTF").is_none(), "no jargon in the error");
    // The error clears when the next thing done with the time succeeds.
    h.key_press(egui::Key::Escape);
    h.run();
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert!(h.query_by_label_contains(error).is_none(), "the error stays after a step");
}

#[test]
fn home_keeps_the_window_on_the_chart_and_whole_span_toggles_back() {
    let mut h = harness();
    go_to_date(&mut h, "1945-08");
    h.key_press(egui::Key::Escape);
    h.run();
    let opening = h.state().state.timeline.unwrap();
    h.key_press(egui::Key::Home);
    h.run();
    let t = h.state().state.time;
    let view = h.state().state.timeline.unwrap();
    assert!(view.first <= t.start && t.end <= view.last, "Home went to {} but the chart shows {view:?}", t.start);
    h.key_press(egui::Key::End);
    h.run();
    let t = h.state().state.time;
    let view = h.state().state.timeline.unwrap();
    assert!(view.first <= t.start && t.end <= view.last, "End went to {} but the chart shows {view:?}", t.end);
    // Whole span, then back to the view before.
    let before = h.state().state.timeline.unwrap();
    h.get_by_label("Whole span").click();
    h.run();
    let whole = h.state().state.timeline.unwrap();
    assert!(whole.last - whole.first > before.last - before.first);
    h.get_by_label("Whole span").click();
    h.run();
    assert_eq!(h.state().state.timeline.unwrap(), before, "a second click goes back");
    assert_ne!(opening, whole);
}

#[test]
fn in_show_all_the_window_controls_say_they_do_nothing() {
    let mut h = harness();
    assert_eq!(h.state().state.time.mode, crossings::chronology::TimeMode::All);
    let from = h.get_by_role_and_label(Role::Slider, "From");
    assert!(from.accesskit_node().is_disabled(), "the From slider is greyed in Show all");
    go_to_date(&mut h, "1945");
    assert!(!h.get_by_role_and_label(Role::Slider, "From").accesskit_node().is_disabled(), "and active with a window");
}

#[test]
fn a_search_for_a_place_outside_the_window_says_it_exists() {
    let mut h = harness();
    go_to_date(&mut h, "1940-04");
    h.key_press(egui::Key::Escape);
    h.run();
    search(&mut h, "maizuru");
    h.get_by_label_contains("0 of ");
    h.get_by_label_contains("more outside these dates");
    h.get_by_label("Show all dates").click_accesskit();
    h.run();
    assert_eq!(h.state().state.time.mode, crossings::chronology::TimeMode::All);
    h.get_by_label("Maizuru  舞鶴");
}

/// A person with one event reads "1 event", and sources are shown by their titles (the file
/// name, for the curator, only on hover).
#[test]
fn a_single_event_reads_in_the_singular_and_sources_by_their_titles() {
    let mut h = harness();
    let d = h.state().dataset();
    let one = (0..d.people.len())
        .find(|i| d.person_events[*i].len() == 1)
        .map(|i| crossings::model::PersonIx(i as u32))
        .expect("someone with one event");
    let source = d.event(d.person_events[one.ix()][0]).sources[0];
    let (title, file) = (d.sources[source.0 as usize].title.clone(), d.sources[source.0 as usize].file.clone());
    h.state_mut().apply(crossings::ui::Action::SelectPerson(Some(one)));
    h.run();
    h.get_by_label("Journey (1 event shown of 1)");
    assert!(h.query_by_label_contains(&title).is_some(), "the source's title is shown");
    assert!(h.query_by_label_contains(&file).is_none(), "the file name is not shown");
}

/// A search narrows the map as well as the list: the places that match keep their markers and
/// labels, the rest are dimmed; a match on another name form says which ("Yenan"); person
/// results say who they are; Enter opens a single hit.
#[test]
fn a_search_highlights_its_places_on_the_map_and_enter_opens_the_one_hit() {
    let mut h = harness();
    search(&mut h, "Yenan");
    let d = h.state().dataset();
    let yanan = d.place_by_id("yanan").expect("Yan'an");
    h.get_by_label("“Yenan”");
    // Enter in the search box opens the one place found.
    h.get_by_label("Search places and people").focus();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().selection(), &[yanan]);
    // On the map, only the match is bright and labelled.
    h.run();
    let scene = h.state().scene().expect("the map was drawn");
    let dimmed: Vec<bool> = scene.items.markers.iter().map(|m| m.dimmed).collect();
    assert!(dimmed.iter().filter(|d| !**d).count() >= 1 && dimmed.iter().any(|d| *d), "{dimmed:?}");
    for l in &scene.labels {
        assert!(!scene.items.markers[l.marker].dimmed, "a dimmed place is labelled: {}", l.text);
    }
    // People: role and years tell them apart.
    search(&mut h, "Kobayashi");
    let d = h.state().dataset();
    let kobayashis = d.people.iter().filter(|p| p.name.contains("Kobayashi")).count();
    assert!(kobayashis >= 2, "{kobayashis}");
    for p in d.people.iter().filter(|p| p.name.contains("Kobayashi")) {
        if !p.role.is_empty() {
            assert!(h.query_by_label_contains(&p.role).is_some(), "{}'s role is not shown", p.name);
        }
    }
}

/// Ctrl+= and Ctrl+- change the size of everything in the window, Ctrl+0 brings it back, and
/// the size chosen survives a restart.
#[test]
fn the_text_size_follows_ctrl_plus_and_minus_and_is_remembered() {
    let mut h = harness();
    let before = h.get_by_label("Search places and people").rect().height();
    // The user has moved the map (so it is not refitted as the window's layout changes).
    h.state_mut().apply(crossings::ui::Action::Zoom(1));
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Equals);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Equals);
    h.run();
    assert_eq!(h.state().state.text_size, 2);
    assert!((h.ctx.zoom_factor() - 1.21).abs() < 1e-3, "{}", h.ctx.zoom_factor());
    // The map did not zoom: the keys went to the text size only.
    let zoom = h.state().map_view().zoom;
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Minus);
    h.run();
    assert_eq!(h.state().state.text_size, 1);
    assert_eq!(h.state().map_view().zoom, zoom);
    let saved = h.state().saved_state();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num0);
    h.run();
    assert_eq!(h.state().state.text_size, 0);
    assert!((h.ctx.zoom_factor() - 1.0).abs() < 1e-3);
    // A restart keeps the size: the label is drawn 10 % larger in screen pixels.
    let json = serde_json::to_string(&saved).unwrap();
    let mut h2 = app_harness(CrossingsApp::with_state(common::bundled(), serde_json::from_str(&json).unwrap()));
    h2.run();
    assert!((h2.ctx.zoom_factor() - 1.1).abs() < 1e-3);
    let after = h2.get_by_label("Search places and people").rect().height() * h2.ctx.zoom_factor();
    assert!(after > before * 1.05, "{before} -> {after}");
}

/// The problems window opens below the menu bar, never over it.
#[test]
fn the_problems_window_opens_below_the_menu_bar() {
    let dir = common::root().join("tests/corpus");
    let broken = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| common::load_dir(&p).unwrap())
        .find(|l| !l.problems.is_empty())
        .expect("a broken dataset in the corpus");
    let n = broken.problems.len();
    let mut h = app_harness(CrossingsApp::with_state(broken, AppState::default()));
    h.run();
    h.state_mut().apply(crossings::ui::Action::ShowProblems(true));
    h.run();
    let window = h.get_by_label(&format!("Data problems ({n})")).rect();
    let menu = h.get_by_label("File").rect();
    assert!(window.top() >= menu.bottom(), "the window {window:?} covers the menu {menu:?}");
}

/// Where no file dialog can be shown (no desktop portal), Ctrl+E and *Open dataset…* say so and
/// ask for the path in a field, filled in with a sensible default, instead of reporting a
/// cancel the user never made.
#[test]
fn without_a_file_dialog_a_path_field_takes_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    app.set_save_dialog(std::sync::Arc::new(|_: &str| crossings::ui::Picked::Unavailable));
    app.set_folder_dialog(std::sync::Arc::new(|| crossings::ui::Picked::Unavailable));
    let mut h = app_harness(app);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    wait_for_label(&mut h, "Where to save the export:");
    h.get_by_label_contains("No file dialog can be shown");
    assert!(h.state().status.is_none(), "nothing was reported as cancelled: {:?}", h.state().status);
    let field = h.get_by_label("Where to save the export:");
    assert!(field.value().unwrap_or_default().ends_with("crossings-export.geojson"), "{:?}", field.value());
    let target = dir.path().join("typed.geojson");
    replace_text(&mut h, "Where to save the export:", &target.display().to_string());
    h.get_by_label("Save").click_accesskit();
    let status = wait_for_status(&mut h);
    assert!(!status.error, "{status:?}");
    assert!(status.text.contains("typed.geojson"), "{status:?}");
    assert!(std::fs::read_to_string(&target).unwrap().contains("FeatureCollection"));
    // Opening a folder the same way.
    h.state_mut().apply(crossings::ui::Action::OpenDataset);
    wait_for_label(&mut h, "The dataset folder to open:");
    replace_text(&mut h, "The dataset folder to open:", &common::fixture("minimal").display().to_string());
    h.get_by_label("Open").click_accesskit();
    for _ in 0..100 {
        h.step();
        if h.state().dataset().places.len() == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(h.state().dataset().places.len(), 2, "the typed folder was opened");
    // A layer the same way (found missing in the real window: Add layer did nothing there).
    h.state_mut().set_layer_dialog(std::sync::Arc::new(|| crossings::ui::Picked::Unavailable));
    h.state_mut().apply(crossings::ui::Action::AddLayer);
    wait_for_label(&mut h, "The file of lines or polygons (GeoJSON, GeoPackage, KML, Shapefile):");
    let zones = common::fixture("import").join("zones.shp");
    replace_text(
        &mut h,
        "The file of lines or polygons (GeoJSON, GeoPackage, KML, Shapefile):",
        &zones.display().to_string(),
    );
    h.get_by_label("Add").click_accesskit();
    // The layer is read in the background (a spinner repaints meanwhile).
    h.run_steps(3);
    assert_eq!(h.state().saved_state().layers.first().map(|l| l.path.clone()), Some(zones));
    assert!(h.query_by_label("Add").is_none(), "the field closes once the layer is added");
    // And a file to import.
    h.state_mut().set_open_file_dialog(std::sync::Arc::new(|| crossings::ui::Picked::Unavailable));
    h.state_mut().apply(crossings::ui::Action::Import);
    wait_for_label(&mut h, "The spreadsheet or GIS file to import:");
}

/// The label of the widget with the keyboard focus, if any.
fn focused(h: &Harness<'_, CrossingsApp>) -> Option<String> {
    h.query(by().predicate(|n| n.is_focused())).map(|n| n.accesskit_node().label().unwrap_or_default().to_string())
}

/// Tab walks as the eye reads: from the search box through every place of the list (rows out
/// of view included, scrolled into view as they are reached), then on to the map's buttons, the
/// detail panel and the timeline; the menus come last.
#[test]
fn tab_reaches_every_place_in_the_list_and_then_the_map() {
    let mut h = harness();
    h.get_by_label("Search places and people").focus();
    h.run();
    let names: Vec<String> = h.state().dataset().places.iter().map(|p| p.display_name()).collect();
    let total = names.len();
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..(total + 40) {
        h.key_press(egui::Key::Tab);
        h.run_steps(6);
        if let Some(label) = focused(&h) {
            seen.push(label);
        }
    }
    // Every place, in the list's order, once each, one after another.
    let is_row = |l: &String| names.iter().any(|n| l.starts_with(n.as_str()));
    let start = seen.iter().position(is_row).expect("Tab reached the list");
    let rows: Vec<&String> = seen[start..].iter().take_while(|l| is_row(l)).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| crossings::query::fold(n));
    let reached: Vec<String> =
        rows.iter().map(|l| sorted.iter().find(|n| l.starts_with(n.as_str())).cloned().unwrap_or_default()).collect();
    assert_eq!(rows.len(), total, "the rows Tab reached: {rows:#?}");
    assert_eq!(reached.len(), total);
    // After the list: the map, its buttons, then the timeline, then the menus.
    let at = |label: &str| seen.iter().position(|l| l.contains(label)).unwrap_or(usize::MAX);
    assert!(start + total <= at("Map"), "the map comes after the list: {seen:?}");
    assert!(at("Map") < at("Fit all"), "{seen:?}");
    assert!(at("Fit all") < at("Play") && at("Play") < at("File"), "the map, the timeline, the menus: {seen:?}");
}

/// Steps the app until the picture dialog's preview shows its settings, for up to 10 s.
fn wait_for_preview(h: &mut Harness<'_, CrossingsApp>) {
    for _ in 0..200 {
        h.run_steps(2);
        if h.state().picture_dialog().is_some_and(|d| d.has_preview()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("no preview after 10 s");
}

#[test]
fn the_image_dialog_previews_and_writes_an_svg_through_an_injected_save_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let chosen = dir.path().join("chosen.svg");
    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    let target = chosen.clone();
    app.set_save_dialog(std::sync::Arc::new(move |_: &str| Some(target.clone()).into()));
    let mut h = app_harness(app);
    h.run();
    go_to_date(&mut h, "1945-08");
    h.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::E);
    h.run();
    // Every control is labelled (kittest refuses unlabelled inputs while it runs the dialog).
    h.get_by_label("Export image");
    h.get_by_label("SVG").click_accesskit();
    h.run();
    assert!(
        h.state().picture_dialog().unwrap().path().ends_with("crossings-1945-08.svg"),
        "the name follows the format and the window"
    );
    replace_text(&mut h, "Title", "Surrender, August 1945");
    wait_for_preview(&mut h);
    h.get_by_label("Choose…").click_accesskit();
    for _ in 0..50 {
        h.run_steps(2);
        if h.state().picture_dialog().unwrap().path() == chosen.display().to_string() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(h.state().picture_dialog().unwrap().path(), chosen.display().to_string());
    // A name the user chose keeps its stem when the format changes.
    h.get_by_label("PDF").click_accesskit();
    h.run();
    assert_eq!(h.state().picture_dialog().unwrap().path(), dir.path().join("chosen.pdf").display().to_string());
    h.get_by_label("SVG").click_accesskit();
    h.run();
    wait_for_preview(&mut h);
    h.get_by_label("Export").click_accesskit();
    let status = common::wait_for_status(&mut h);
    assert!(!status.error, "{}", status.text);
    assert!(status.text.contains("SVG") && status.text.contains("chosen.svg"), "{}", status.text);
    let svg = std::fs::read_to_string(&chosen).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    for want in ["Surrender, August 1945", "August 1945", "哈尔滨"] {
        assert!(texts.contains(&want) || texts.iter().any(|t| t.contains(want)), "{want} in {texts:?}");
    }
    h.get_by_label("Close").click_accesskit();
    h.run();
    assert!(h.state().picture_dialog().is_none());
}

#[test]
fn the_animation_dialog_writes_a_gif_of_the_years_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("years.gif");
    let mut h = harness();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export animation…").click_accesskit();
    h.run();
    h.get_by_label("Export animation");
    replace_text(&mut h, "from", "1945");
    replace_text(&mut h, "to", "1947");
    h.get_by_label("yearly").click_accesskit();
    h.run();
    replace_text(&mut h, "Save to:", &path.display().to_string());
    wait_for_preview(&mut h);
    h.get_by_label("Export").click_accesskit();
    let mut status = None;
    for _ in 0..300 {
        h.run_steps(2);
        if let Some(s) = h.state().status.clone() {
            status = Some(s);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let status = status.expect("the export finished within 15 s");
    assert!(!status.error, "{}", status.text);
    assert!(status.text.starts_with("Wrote 3 frames"), "{}", status.text);
    let mut dec = gif::DecodeOptions::new().read_info(std::fs::File::open(&path).unwrap()).unwrap();
    let mut frames = 0;
    while dec.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 3, "1945, 1946, 1947");
}

#[test]
fn a_gbk_table_is_imported_through_the_mapping_step_and_opened() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("camps.csv");
    std::fs::copy(common::fixture("import").join("camps-gbk.csv"), &file).unwrap();
    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    let picked = file.clone();
    app.set_open_file_dialog(std::sync::Arc::new(move || Some(picked.clone()).into()));
    let mut h = app_harness(app);
    // A user's own names (点 of 地点) lie beyond the bundled font's subset: the window draws
    // them from the system's fonts, which this headless harness does not load.
    h.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    h.run();
    let before = all_text(&h);
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Import…").click_accesskit();
    for _ in 0..100 {
        h.run_steps(2);
        if h.state().import_dialog().and_then(|d| d.mapping()).is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mapping = h.state().import_dialog().expect("the dialog opens").mapping().expect("the preview is read").clone();
    assert_eq!(mapping.get(crossings::import::Field::Start), Some("开始"));
    // How the file was read, and each date as it will be read, are shown before anything is written.
    h.run();
    let labels = all_text(&h);
    let shown = |want: &str| labels.iter().any(|l| l.contains(want));
    assert!(shown("camps.csv: delimited text, GBK/GB18030 (detected), semicolon-separated"), "{labels:?}");
    assert!(shown("1939/1941 (1939–1941)"), "the reading of 1939-41 is shown: {labels:?}");
    h.get_by_label("Import and open").click_accesskit();
    let out = dir.path().join("camps-atlas");
    for _ in 0..200 {
        h.run_steps(2);
        if h.state().dataset().places.len() == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(h.state().dataset().places.len(), 2, "the new folder is opened");
    assert!(out.join("events.json").is_file());
    assert!(
        h.state().dataset().place_by_id("yan-an").is_some()
            || h.state().dataset().places.iter().any(|p| p.name == "延安")
    );
    h.get_by_label("Close").click_accesskit();
    h.run();
    assert!(h.state().import_dialog().is_none());
    // The overview names the user's atlas; the bundled atlas's story is not told of it.
    let labels = all_text(&h);
    assert!(labels.iter().any(|l| l == "camps-atlas"), "{labels:?}");
    assert!(labels.iter().any(|l| l == "2 places · 2 people · 2 events · 1 source"), "{labels:?}");
    assert!(!labels.iter().any(|l| l.contains("crossed the lines")), "{labels:?}");
    assert!(before.iter().any(|l| l.contains("crossed the lines")), "the bundled atlas tells it: {before:?}");
}

/// Every text the window shows (labels and headings).
fn all_text(h: &Harness<'_, CrossingsApp>) -> Vec<String> {
    h.query_all(by().role(Role::Label))
        .filter_map(|n| n.accesskit_node().value().or(n.accesskit_node().label()).map(|s| s.to_string()))
        .collect()
}

/// Opens the import dialog on a file and waits for its preview.
fn import_dialog_on(h: &mut Harness<'_, CrossingsApp>) -> crossings::import::Mapping {
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Import…").click_accesskit();
    wait_for_mapping(h, |_| true)
}

/// Steps the window until the import dialog's mapping passes `ok`, and returns it.
fn wait_for_mapping(
    h: &mut Harness<'_, CrossingsApp>,
    ok: impl Fn(&crossings::import::Mapping) -> bool,
) -> crossings::import::Mapping {
    for _ in 0..100 {
        h.run_steps(2);
        let dialog = h.state().import_dialog();
        if !dialog.is_some_and(|d| d.is_busy()) && dialog.and_then(|d| d.mapping()).is_some_and(&ok) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run();
    h.state().import_dialog().expect("the dialog is open").mapping().expect("the preview is read").clone()
}

#[test]
fn a_saved_mapping_is_loaded_into_the_import_dialog_and_a_broken_one_named() {
    use crossings::import::{Field, Mapping};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("camps.csv");
    std::fs::copy(common::fixture("import").join("camps-gbk.csv"), &file).unwrap();
    // Saved from an earlier import: the titles are in 人物, not in 事件 as the guess has it.
    let mut saved = Mapping::default();
    saved.set(Field::Place, Some("地点".into()));
    saved.set(Field::Title, Some("人物".into()));
    let saved_path = dir.path().join("camps.mapping.json");
    std::fs::write(&saved_path, saved.to_json()).unwrap();
    let broken_path = dir.path().join("broken.mapping.json");
    std::fs::write(&broken_path, "{\"crossings_mapping\": 1, \"columns\": ").unwrap();
    let chosen = std::sync::Arc::new(std::sync::Mutex::new(saved_path.clone()));

    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    app.set_open_file_dialog(std::sync::Arc::new(move || Some(file.clone()).into()));
    let next = chosen.clone();
    app.set_mapping_dialog(std::sync::Arc::new(move || Some(next.lock().unwrap().clone()).into()));
    let mut h = app_harness(app);
    h.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    h.run();
    let guessed = import_dialog_on(&mut h);
    assert_eq!(guessed.get(Field::Title), Some("事件"));

    h.get_by_label("Load mapping…").click_accesskit();
    let loaded = wait_for_mapping(&mut h, |m| m.get(Field::Title) == Some("人物"));
    assert_eq!(loaded, saved, "the saved mapping replaces the guess");
    let status = h.state().status.clone().expect("a status line");
    assert!(status.text.contains("camps.mapping.json") && !status.error, "{}", status.text);

    *chosen.lock().unwrap() = broken_path;
    h.get_by_label("Load mapping…").click_accesskit();
    for _ in 0..50 {
        h.run_steps(2);
        if h.state().status.as_ref().is_some_and(|s| s.error) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = h.state().status.clone().expect("a status line");
    assert!(status.error && status.text.contains("broken.mapping.json"), "{}", status.text);
    assert_eq!(h.state().import_dialog().unwrap().mapping(), Some(&saved), "the mapping in use is kept");
}

#[test]
fn export_selected_as_csv_writes_the_chosen_format() {
    let dir = tempfile::tempdir().unwrap();
    let chosen = dir.path().join("out.csv");
    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    let names = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (target, seen) = (chosen.clone(), names.clone());
    app.set_save_dialog(std::sync::Arc::new(move |name: &str| {
        seen.lock().unwrap().push(name.to_owned());
        Some(target.clone()).into()
    }));
    let mut h = app_harness(app);
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export selected as").click();
    h.run();
    h.get_by_label("CSV (events)…").click_accesskit();
    let status = common::wait_for_status(&mut h);
    assert!(!status.error, "{}", status.text);
    assert_eq!(names.lock().unwrap().as_slice(), ["crossings-export.csv"]);
    let text = std::fs::read_to_string(&chosen).unwrap();
    assert!(text.starts_with("\u{feff}event_id,date,"), "{}", &text[..40.min(text.len())]);
    assert!(text.contains("harbin"));
}

#[test]
fn a_layer_is_added_shown_in_the_list_remembered_by_path_and_a_broken_one_named() {
    let zones = common::fixture("import").join("zones.shp");
    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    let picked = zones.clone();
    app.set_layer_dialog(std::sync::Arc::new(move || Some(picked.clone()).into()));
    let mut h = app_harness(app);
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Add layer…").click_accesskit();
    for _ in 0..100 {
        h.run_steps(2);
        if matches!(h.state().overlay(&zones), Some(Ok(_))) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(matches!(h.state().overlay(&zones), Some(Ok(o)) if o.features == 2));
    h.run();
    // Listed with its controls, all labelled; hidden with its checkbox.
    h.get_by_label("opacity of zones.shp");
    h.get_by_label("zones.shp").click_accesskit();
    h.run();
    assert!(!h.state().saved_state().layers[0].visible);
    let saved = h.state().saved_state();
    assert_eq!(saved.layers.len(), 1);
    assert_eq!(saved.layers[0].path, zones);

    // The next start reads it again by path; a file gone since gets a message, the rest works.
    let mut state = saved.clone();
    state
        .layers
        .push(crossings::overlay::LayerSettings { path: "/no/such/railways.geojson".into(), ..Default::default() });
    let mut h = app_harness(CrossingsApp::with_state(common::bundled(), state));
    for _ in 0..100 {
        h.run_steps(2);
        if h.state().overlay(std::path::Path::new("/no/such/railways.geojson")).is_some()
            && h.state().overlay(&zones).is_some()
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(matches!(h.state().overlay(&zones), Some(Ok(_))));
    let broken = h.state().overlay(std::path::Path::new("/no/such/railways.geojson")).unwrap().clone().unwrap_err();
    assert!(broken.contains("railways.geojson"), "{broken}");
    h.run();
    assert!(h.state().dataset().places.len() > 40, "the atlas still works");
    // The second layer of the list is the broken one.
    h.query_all_by_label("Remove").nth(1).expect("a remove button per layer").click_accesskit();
    h.run();
    assert_eq!(h.state().saved_state().layers.len(), 1);
}

//! The window's panels, driven headless with egui_kittest through their accessible labels.

use crossings::dataset;
use crossings::ui::{AppState, CrossingsApp};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn app_harness(app: CrossingsApp) -> Harness<'static, CrossingsApp> {
    Harness::builder().with_size([1400.0, 900.0]).build_ui_state(|ui, app: &mut CrossingsApp| app.ui_frame(ui), app)
}

fn harness() -> Harness<'static, CrossingsApp> {
    let mut h = app_harness(CrossingsApp::with_state(dataset::load_bundled(), AppState::default()));
    h.run();
    h
}

fn month(y: i32, m: u32) -> f64 {
    f64::from(crossings::chronology::Day::month_start(y, m).month_index())
}

fn listed(h: &Harness<'_, CrossingsApp>, name: &str) -> bool {
    h.query_all_by_label_contains(name).any(|n| n.accesskit_node().role() == Role::Button)
}

#[test]
fn selecting_a_place_in_the_list_shows_its_events_and_people() {
    let mut h = harness();
    h.get_by_label("Yan'an  延安").click();
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
    h.get_by_label("Yan'an  延安").click();
    h.run();
    let d = h.state().dataset();
    let nosaka = d.person_by_id("nosaka-sanzo").expect("Nosaka is in the data");
    let name = d.person(nosaka).name.clone();
    let bio = d.person(nosaka).biography.clone();
    h.get_by_role_and_label(Role::Button, &name).click();
    h.run();
    assert_eq!(h.state().person(), Some(nosaka));
    h.get_by_label(&bio);
    h.get_by_label_contains("Journey (");
}

#[test]
fn search_matches_latin_without_diacritics_and_cjk() {
    let mut h = harness();
    h.get_by_label("Search places and people").type_text("quang ngai");
    h.run();
    assert!(listed(&h, "Quảng Ngãi"));
    assert!(!listed(&h, "Harbin"));

    let mut h = harness();
    h.get_by_label("Search places and people").type_text("延安");
    h.run();
    assert!(listed(&h, "Yan'an"));
    assert!(!listed(&h, "Maizuru"));

    let mut h = harness();
    h.get_by_label("Search places and people").type_text("Yenan");
    h.run();
    assert!(listed(&h, "Yan'an"));
}

#[test]
fn the_time_slider_filters_the_place_list() {
    let mut h = harness();
    h.get_by_role_and_label(Role::Slider, "From").set_value_accesskit(month(1939, 3));
    h.run();
    h.get_by_role_and_label(Role::Slider, "To").set_value_accesskit(month(1939, 3));
    h.run();
    assert!(listed(&h, "Zhenyuan"), "March 1939 shows Zhenyuan");

    h.get_by_role_and_label(Role::Slider, "To").set_value_accesskit(month(1945, 8));
    h.run();
    h.get_by_role_and_label(Role::Slider, "From").set_value_accesskit(month(1945, 8));
    h.run();
    assert!(listed(&h, "Harbin"), "August 1945 shows Harbin");
    assert!(!listed(&h, "Yan'an"), "August 1945 does not show Yan'an");

    h.get_by_label("Show all").click();
    h.run();
    assert!(listed(&h, "Yan'an"));
}

#[test]
fn escape_clears_the_selection() {
    let mut h = harness();
    h.get_by_label("Harbin  哈尔滨").click();
    h.run();
    assert_eq!(h.state().selection().len(), 1);
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.state().selection().is_empty());
}

#[test]
fn the_state_survives_a_restart_and_a_corrupt_state_is_ignored() {
    let mut h = harness();
    h.get_by_label("Harbin  哈尔滨").click();
    h.run();
    let saved = serde_json::to_string(&h.state().state).unwrap();
    let restored: AppState = serde_json::from_str(&saved).unwrap();
    assert_eq!(restored.selection, vec!["harbin".to_owned()]);
    let app = CrossingsApp::with_state(dataset::load_bundled(), restored);
    let mut h2 = app_harness(app);
    h2.run();
    assert_eq!(h2.state().selection().len(), 1);
    // An old or partial state keeps what it can and defaults the rest.
    let old: AppState = serde_json::from_str(r#"{"search":"x","unknown_field":1}"#).unwrap();
    assert_eq!(old.search, "x");
    assert!(serde_json::from_str::<AppState>("{not json").is_err());
}

//! Users' own (large) datasets: the generator, the indexed filter, and opening a folder in the app.

mod common;

use crossings::chronology::{Day, TimeFilter, TimeWindow};
use crossings::query::{Themes, visibility, visibility_brute_force};
use proptest::prelude::*;

fn generated(places: usize, events: usize, people: usize) -> (tempfile::TempDir, crossings::dataset::Loaded) {
    common::generated(places, events, people, 11)
}

#[test]
fn generated_data_loads_without_problems_and_has_every_kind_of_date_and_script() {
    let (_dir, loaded) = generated(300, 3000, 150);
    let listed: Vec<String> = loaded.problems.iter().take(5).map(ToString::to_string).collect();
    assert!(loaded.problems.is_empty(), "{listed:?}");
    let d = &loaded.dataset;
    assert_eq!((d.places.len(), d.events.len(), d.people.len()), (300, 3000, 150));
    let forms =
        |pred: &dyn Fn(&str) -> bool| d.events.iter().filter_map(|e| e.date.to_edtf()).filter(|t| pred(t)).count();
    assert!(forms(&|t| t.len() == 10 && !t.contains('/')) > 0, "days");
    assert!(forms(&|t| t.ends_with('~') || t.ends_with('?') || t.ends_with('%')) > 0, "qualifiers");
    assert!(forms(&|t| t.ends_with("/..")) > 0, "open end");
    assert!(forms(&|t| t.starts_with("../")) > 0, "open start");
    assert!(forms(&|t| t.contains('X')) > 0, "decades");
    assert!(d.events.iter().any(|e| e.date.is_undated()), "undated");
    let langs: std::collections::BTreeSet<&str> =
        d.places.iter().flat_map(|p| p.names.iter().map(|n| n.lang.as_str())).collect();
    for lang in ["zh-Hans", "ja", "ru", "vi"] {
        assert!(langs.contains(lang), "{lang} in {langs:?}");
    }
    for p in &d.places {
        assert!((80.0..=150.0).contains(&p.lon_lat.lon) && (5.0..=65.0).contains(&p.lon_lat.lat), "{:?}", p.lon_lat);
    }
}

#[test]
fn the_generate_command_writes_a_dataset_that_validates() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::crossings()
        .args(["generate", "--places", "50", "--events", "400", "--people", "20", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = common::crossings().arg("validate").arg("--data").arg(dir.path()).output().unwrap();
    let text = String::from_utf8_lossy(&v.stdout);
    assert_eq!(v.status.code(), Some(0), "{text}");
    assert!(text.ends_with(": 50 places, 20 people, 400 events, 5 sources\n"), "{text}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, rng_seed: proptest::test_runner::RngSeed::Fixed(3), ..ProptestConfig::default() })]
    #[test]
    fn the_indexed_filter_equals_classifying_every_event(start in 1900i32..2020, months in 0i32..120, undated in any::<bool>(), theme_mask in 0u8..64) {
        static DATA: std::sync::OnceLock<crossings::dataset::Loaded> = std::sync::OnceLock::new();
        let loaded = DATA.get_or_init(|| generated(200, 5000, 50).1);
        let a = Day::month_start(start, 1);
        let b = Day::from_month_index(a.month_index() + months + 1).prev();
        let time = TimeFilter { window: Some(TimeWindow::new(a, b)), include_undated: undated };
        let mut themes = Themes::default();
        for (i, t) in crossings::model::Theme::ALL.iter().enumerate() {
            themes.set(*t, theme_mask & (1 << i) == 0);
        }
        let fast = visibility(&loaded.dataset, &time, &themes);
        let slow = visibility_brute_force(&loaded.dataset, &time, &themes);
        prop_assert_eq!(fast, slow);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, rng_seed: proptest::test_runner::RngSeed::Fixed(4), ..ProptestConfig::default() })]
    /// Dragging the slider moves the visibility step by step; after every step it must equal
    /// a rebuild, and the reported places must cover every place whose match or count changed.
    #[test]
    fn moving_the_window_step_by_step_equals_rebuilding_it(
        steps in proptest::collection::vec((1900i32..2000, 0i32..400), 1..12),
        undated in any::<bool>(),
        theme_mask in 0u8..64,
    ) {
        static DATA: std::sync::OnceLock<crossings::dataset::Loaded> = std::sync::OnceLock::new();
        let d = &DATA.get_or_init(|| generated(200, 5000, 50).1).dataset;
        let mut themes = Themes::default();
        for (i, t) in crossings::model::Theme::ALL.iter().enumerate() {
            themes.set(*t, theme_mask & (1 << i) == 0);
        }
        let filter = |(year, months): (i32, i32)| {
            let a = Day::month_start(year, 1);
            let b = Day::from_month_index(a.month_index() + months).prev();
            TimeFilter { window: Some(TimeWindow::new(a, b)), include_undated: undated }
        };
        let mut from = filter((1945, 6));
        let mut vis = visibility(d, &from, &themes);
        for step in steps {
            let to = filter(step);
            let before = vis.clone();
            let mut changed = Vec::new();
            prop_assert!(vis.shift_window(d, &from, &to, &themes, &mut changed));
            prop_assert_eq!(&vis, &visibility_brute_force(d, &to, &themes));
            for p in 0..d.places.len() {
                if before.places[p] != vis.places[p] || before.counts[p] != vis.counts[p] {
                    prop_assert!(changed.contains(&crossings::model::PlaceIx(p as u32)), "place {} not reported", p);
                }
            }
            from = to;
        }
        // A change other than the window's place is refused.
        let other = TimeFilter { include_undated: !undated, ..from };
        prop_assert!(!vis.shift_window(d, &from, &other, &themes, &mut Vec::new()));
    }
}

#[test]
fn the_place_list_follows_a_moving_window_exactly_as_a_fresh_list() {
    use crossings::ui::panels::PlaceListCache;
    let (_dir, loaded) = generated(300, 5000, 50);
    let d = &loaded.dataset;
    let themes = Themes::default();
    let base = Day::month_start(1940, 1).month_index();
    let window = |m: i32| {
        TimeFilter::window(TimeWindow::new(Day::from_month_index(base + m), Day::from_month_index(base + m + 6)))
    };
    let mut from = window(0);
    let mut vis = visibility(d, &from, &themes);
    let mut list = PlaceListCache::new(d);
    let mut generation = 0;
    list.shown(d, &vis, generation, "");
    let mut lengths = std::collections::BTreeSet::new();
    for step in [1, 2, 3, 10, 40, -5, 6] {
        let to = window(step);
        let mut changed = Vec::new();
        assert!(vis.shift_window(d, &from, &to, &themes, &mut changed));
        list.follow(&vis, &changed, generation, generation + 1);
        generation += 1;
        from = to;
        for search in ["", "a"] {
            let followed = list.shown(d, &vis, generation, search);
            let fresh = PlaceListCache::new(d).shown(d, &vis, generation, search);
            assert_eq!(followed, fresh, "step {step}, search '{search}'");
            lengths.insert(fresh.len());
        }
    }
    assert!(lengths.len() > 3, "the windows show different places: {lengths:?}");
}

#[test]
fn opening_a_folder_with_problems_shows_them_and_keeps_what_is_valid() {
    use crossings::ui::{AppState, CrossingsApp};
    use egui_kittest::kittest::Queryable;
    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    let dir = common::fixture("problems");
    app.set_folder_dialog(std::sync::Arc::new(move || Some(dir.clone()).into()));
    let mut h = common::app_harness(app, [1400.0, 900.0]);
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Open dataset…").click();
    let status = common::wait_for_status(&mut h);
    assert!(status.text.contains("with 21 problems and 1 warning (invalid records left out)"), "{}", status.text);
    assert_eq!(h.state().dataset().places.len(), 3);
    h.run();
    h.get_by_label_contains("Each problem names its file, line and column");
    h.get_by_label_contains("events.json:13:5: 1945-02-30-impossible");

    // A folder that cannot be read keeps the data the user had.
    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    app.set_folder_dialog(std::sync::Arc::new(|| Some(std::path::PathBuf::from("/no/such/folder")).into()));
    let before = app.dataset().places.len();
    let mut h = common::app_harness(app, [1400.0, 900.0]);
    h.run();
    h.state_mut().apply(crossings::ui::Action::OpenDataset);
    let status = common::wait_for_status(&mut h);
    assert!(status.error && status.text.contains("The current data is kept"), "{}", status.text);
    assert_eq!(h.state().dataset().places.len(), before);
}

/// The reverse indexes, built in two threads from counted lists, equal a plain reading of
/// the events: each place's and person's events in date order, each place's people (from its
/// events and the people's own ties) once each, sorted by name.
#[test]
fn reverse_indexes_match_a_plain_reading_of_the_events() {
    use crossings::model::{EventIx, PersonIx};
    let (_dir, loaded) = generated(300, 5000, 400);
    let d = &loaded.dataset;
    assert!(d.events.windows(2).all(|w| w[0].order_key() <= w[1].order_key()), "events in date order");
    let mut place_events = vec![Vec::new(); d.places.len()];
    let mut person_events = vec![Vec::new(); d.people.len()];
    let mut place_people: Vec<Vec<PersonIx>> = vec![Vec::new(); d.places.len()];
    for (i, e) in d.events.iter().enumerate() {
        for p in &e.people {
            person_events[p.ix()].push(EventIx(i as u32));
        }
        if let Some(p) = e.place {
            place_events[p.ix()].push(EventIx(i as u32));
            place_people[p.ix()].extend(&e.people);
        }
    }
    for (i, person) in d.people.iter().enumerate() {
        for tie in &person.places {
            place_people[tie.place.ix()].push(PersonIx(i as u32));
        }
    }
    for list in &mut place_people {
        list.sort_by(|a, b| d.person(*a).name.cmp(&d.person(*b).name).then(a.cmp(b)));
        list.dedup();
    }
    assert!(place_people.iter().any(|l| l.len() > 1) && person_events.iter().any(|l| l.len() > 1));
    assert_eq!(d.place_events, place_events);
    assert_eq!(d.person_events, person_events);
    assert_eq!(d.place_people, place_people);
}

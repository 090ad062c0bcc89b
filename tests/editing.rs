//! Editing a dataset folder: undo and redo, saving in the canonical format, the journal that
//! survives a `kill -9`, and a file changed on disk by someone else caught at save. These
//! drive `crossings::edit` directly; the window's edit mode builds the same edits.

mod common;

use std::path::Path;

use crossings::edit::{Change, Edit, Saved, Session, read_journal};

/// A copy of the bundled data to edit.
fn geodata_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in crossings::dataset::FILES {
        std::fs::copy(common::root().join("geodata").join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn read_all(dir: &Path) -> Vec<Vec<u8>> {
    crossings::dataset::FILES.iter().map(|n| std::fs::read(dir.join(n)).unwrap()).collect()
}

/// Moves Harbin a little (its coordinates replaced in its record's text).
fn move_harbin(s: &Session) -> Edit {
    let before = s.record("places.geojson", "harbin").unwrap().to_owned();
    assert!(before.contains("[126.64,45.76]"), "{before}");
    let after = before.replace("[126.64,45.76]", "[126.7,45.8]");
    Edit {
        label: "Move Harbin".into(),
        changes: vec![Change {
            file: "places.geojson".into(),
            id: "harbin".into(),
            before: Some(before),
            after: Some(after),
        }],
    }
}

/// Adds an event at Harbin.
fn add_event() -> Edit {
    let text = r#"{"id":"zz-test-event","date":"1945-08-20","date_basis":"stated","place":"harbin","place_basis":"stated","people":[],"title":"A test event","summary":"Added in a test.","figures":[],"category":"soviet","sources":["src-kwantung-surrender"]}"#;
    Edit {
        label: "Add event".into(),
        changes: vec![Change {
            file: "events.json".into(),
            id: "zz-test-event".into(),
            before: None,
            after: Some(text.into()),
        }],
    }
}

/// Renames the first person.
fn rename_person(s: &Session) -> Edit {
    let before = s.record("people.json", "abe-shinzo").unwrap().to_owned();
    let after = before.replacen("\"name\":\"", "\"name\":\"(renamed) ", 1);
    Edit {
        label: "Rename".into(),
        changes: vec![Change {
            file: "people.json".into(),
            id: "abe-shinzo".into(),
            before: Some(before),
            after: Some(after),
        }],
    }
}

#[test]
fn undo_and_redo_then_save_reload_and_compare() {
    let dir = geodata_copy();
    let original = read_all(dir.path());
    let mut s = Session::open(dir.path(), None).unwrap();
    assert!(!s.is_dirty());
    s.apply(move_harbin(&s)).unwrap();
    s.apply(add_event()).unwrap();
    s.apply(rename_person(&s)).unwrap();
    assert_eq!(s.undo_label(), Some("Rename"));
    for _ in 0..3 {
        s.undo().unwrap().expect("a step to undo");
    }
    assert!(s.undo().unwrap().is_none());
    assert!(!s.is_dirty(), "undone back to the file");
    assert!(s.record("events.json", "zz-test-event").is_none());
    s.redo().unwrap();
    s.redo().unwrap();
    assert_eq!(s.redo_label(), Some("Rename"));
    assert!(s.is_dirty());
    let saved = s.save().unwrap();
    assert_eq!(saved, Saved::Written { files: vec!["places.geojson".into(), "events.json".into()], merged: vec![] });
    assert!(!s.is_dirty());

    // The folder is canonical, loads without problems, and holds the two edits only.
    let files = crossings::dataset::fmt::format_folder(dir.path(), true).unwrap();
    assert!(files.iter().all(|f| !f.changed), "{files:?}");
    let loaded = common::load_dir(dir.path()).unwrap();
    assert!(loaded.problems.iter().all(|p| p.is_warning()), "{:?}", loaded.problems);
    let harbin = loaded.dataset.place(loaded.dataset.place_by_id("harbin").unwrap());
    assert_eq!((harbin.lon_lat.lon, harbin.lon_lat.lat), (126.7, 45.8));
    assert!(loaded.dataset.events.iter().any(|e| e.title == "A test event"));
    let now = read_all(dir.path());
    assert_eq!(now[0], original[0], "sources.json untouched");
    assert_eq!(now[2], original[2], "people.json untouched: the rename was undone");
    // The diff of a change is the change's lines only.
    let (was, is) = (String::from_utf8_lossy(&original[1]), String::from_utf8_lossy(&now[1]));
    let differing = was.lines().zip(is.lines()).filter(|(a, b)| a != b).count();
    assert_eq!(differing, 2, "the two coordinate lines");

    // Undo still works after the save, and a save with no net change writes nothing.
    s.undo().unwrap();
    s.undo().unwrap();
    assert!(s.is_dirty());
    s.save().unwrap();
    assert_eq!(read_all(dir.path()), original, "back to the bundled bytes");
    let before = std::fs::metadata(dir.path().join("events.json")).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(s.save().unwrap(), Saved::Written { files: vec![], merged: vec![] });
    assert_eq!(std::fs::metadata(dir.path().join("events.json")).unwrap().modified().unwrap(), before);
}

/// An edit is checked by `validate`'s own code before anything is saved: a dangling place
/// or an unreadable date is named, on the record, and goes away when undone.
#[test]
fn an_edit_is_checked_by_the_validators_code_before_it_is_saved() {
    let dir = geodata_copy();
    let mut s = Session::open(dir.path(), None).unwrap();
    let clean = s.check().unwrap();
    assert!(clean.problems.iter().all(|p| p.is_warning()), "{:?}", clean.problems);
    let errors = |s: &Session| -> Vec<String> {
        s.check().unwrap().problems.iter().filter(|p| !p.is_warning()).map(|p| p.to_string()).collect()
    };
    let with = |from: &str, to: &str| {
        let mut edit = add_event();
        let text = edit.changes[0].after.take().unwrap().replace(from, to);
        edit.changes[0].after = Some(text);
        edit
    };
    s.apply(with("\"harbin\"", "\"nowhere\"")).unwrap();
    let found = errors(&s);
    assert!(found.len() == 1 && found[0].contains("zz-test-event") && found[0].contains("nowhere"), "{found:#?}");
    assert!(found[0].contains("events.json"), "{found:#?}");
    s.undo().unwrap();
    s.apply(with("1945-08-20", "1945-13-40")).unwrap();
    let found = errors(&s);
    assert!(
        found.len() == 1 && found[0].contains("zz-test-event: '1945-13-40': month 13 does not exist"),
        "{found:#?}"
    );
    s.undo().unwrap();
    assert!(s.check().unwrap().problems.iter().all(|p| p.is_warning()));
}

#[test]
fn a_stale_edit_is_refused_and_changes_nothing() {
    let dir = geodata_copy();
    let mut s = Session::open(dir.path(), None).unwrap();
    let edit = move_harbin(&s);
    s.apply(edit.clone()).unwrap();
    // The same edit again: Harbin is no longer where it says it was.
    assert!(s.apply(edit).is_err());
    assert_eq!(s.undo_label(), Some("Move Harbin"));
    s.undo().unwrap();
    assert!(s.undo().unwrap().is_none());
}

#[test]
fn a_change_on_disk_is_merged_when_apart_and_named_when_it_collides() {
    let dir = geodata_copy();
    let mut mine = Session::open(dir.path(), None).unwrap();
    mine.apply(move_harbin(&mine)).unwrap();

    // Someone else adds an event and renames Aizu, and saves first: no record in common, so
    // both are kept (places.geojson is merged record by record).
    let mut theirs = Session::open(dir.path(), None).unwrap();
    theirs.apply(add_event()).unwrap();
    let aizu = theirs.record("places.geojson", "aizu").unwrap().to_owned();
    let renamed = aizu.replacen("\"name\":\"", "\"name\":\"(theirs) ", 1);
    assert_ne!(aizu, renamed);
    let change = Change { file: "places.geojson".into(), id: "aizu".into(), before: Some(aizu), after: Some(renamed) };
    theirs.apply(Edit { label: "Rename Aizu".into(), changes: vec![change] }).unwrap();
    theirs.save().unwrap();
    let saved = mine.save().unwrap();
    assert_eq!(saved, Saved::Written { files: vec!["places.geojson".into()], merged: vec!["places.geojson".into()] });
    assert!(Session::open(dir.path(), None).unwrap().record("places.geojson", "aizu").unwrap().contains("(theirs)"));
    let mut third = Session::open(dir.path(), None).unwrap();
    assert!(third.record("events.json", "zz-test-event").is_some());
    assert!(third.record("places.geojson", "harbin").unwrap().contains("[126.7,45.8]"));

    // Now both change Harbin: the second save writes nothing and names the record.
    let before = third.record("places.geojson", "harbin").unwrap().to_owned();
    let edit = |to: &str| Edit {
        label: "Move".into(),
        changes: vec![Change {
            file: "places.geojson".into(),
            id: "harbin".into(),
            before: Some(before.clone()),
            after: Some(before.replace("[126.7,45.8]", to)),
        }],
    };
    let mut other = Session::open(dir.path(), None).unwrap();
    other.apply(edit("[126.9,45.9]")).unwrap();
    third.apply(edit("[127.0,46.0]")).unwrap();
    other.save().unwrap();
    let on_disk = read_all(dir.path());
    match third.save().unwrap() {
        Saved::Conflicts(c) => {
            assert_eq!(c.len(), 1);
            assert_eq!((c[0].file.as_str(), c[0].id.as_str()), ("places.geojson", "harbin"));
            assert!(c[0].mine.as_deref().unwrap().contains("[127.0,46.0]"));
            assert!(c[0].theirs.as_deref().unwrap().contains("[126.9,45.9]"));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(read_all(dir.path()), on_disk, "nothing written");
    assert!(third.is_dirty(), "the edit is kept");
}

/// The child half of the kill -9 test: applies edits with a journal, says so, then waits to
/// be killed. Does nothing unless run by the parent.
#[test]
fn journal_child_applies_edits_then_waits() {
    let (Ok(dir), Ok(journal)) = (std::env::var("CROSSINGS_EDIT_DIR"), std::env::var("CROSSINGS_JOURNAL")) else {
        return;
    };
    let mut s = Session::open(Path::new(&dir), Some(Path::new(&journal))).unwrap();
    s.apply(move_harbin(&s)).unwrap();
    s.apply(add_event()).unwrap();
    s.apply(rename_person(&s)).unwrap();
    s.undo().unwrap();
    println!("EDITS APPLIED");
    std::thread::sleep(std::time::Duration::from_secs(120));
}

/// Runs [`journal_child_applies_edits_then_waits`] in a process of its own on `dir`, journaled
/// to `journal`, and kills it with SIGKILL (no destructor, no flush, nothing saved) once its
/// edits are applied.
fn edit_in_a_process_then_kill_9(dir: &Path, journal: &Path) {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "journal_child_applies_edits_then_waits", "--nocapture", "--test-threads=1"])
        .env("CROSSINGS_EDIT_DIR", dir)
        .env("CROSSINGS_JOURNAL", journal)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("EDITS APPLIED") {
        line.clear();
        assert!(std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0, "the child ended early");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn edits_survive_kill_9_and_a_journal_cut_mid_line_is_read_to_its_last_whole_step() {
    let dir = geodata_copy();
    let original = read_all(dir.path());
    let journal = dir.path().join("state").join("journal.jsonl");
    edit_in_a_process_then_kill_9(dir.path(), &journal);
    assert_eq!(read_all(dir.path()), original, "the folder is untouched");

    let (folder, steps, cut) = read_journal(&journal).unwrap();
    assert_eq!(folder, std::fs::canonicalize(dir.path()).unwrap());
    assert_eq!(steps.len(), 4, "three edits and an undo");
    assert!(!cut);
    // The next start restores them, as new unsaved steps, and saves.
    let mut s = Session::open(dir.path(), Some(&journal)).unwrap();
    s.restore(steps.clone()).unwrap();
    assert!(s.record("places.geojson", "harbin").unwrap().contains("[126.7,45.8]"));
    assert!(s.record("events.json", "zz-test-event").is_some());
    assert!(!s.record("people.json", "abe-shinzo").unwrap().contains("(renamed)"), "the undo is replayed too");
    assert_eq!(read_journal(&journal).unwrap().1.len(), 4, "the restored steps are journaled again");
    s.save().unwrap();
    assert!(read_journal(&journal).unwrap().1.is_empty(), "a save empties the journal");
    assert_eq!(read_all(dir.path())[2], original[2]);

    // A journal cut off in the middle of its last line: the whole steps before it are read.
    let mut bytes = b"{\"crossings_journal\":1,\"folder\":\"/x\"}\n".to_vec();
    for edit in &steps[..2] {
        bytes.extend(serde_json::to_vec(edit).unwrap());
        bytes.push(b'\n');
    }
    let third = serde_json::to_vec(&steps[2]).unwrap();
    bytes.extend(&third[..third.len() / 2]);
    let cut_path = dir.path().join("cut.jsonl");
    std::fs::write(&cut_path, &bytes).unwrap();
    let (_, read, cut) = read_journal(&cut_path).unwrap();
    assert_eq!(read, steps[..2]);
    assert!(cut);
}

// The window's edit mode (kittest): the same sessions, driven through the forms and the map.

use crossings::ui::{AppState, CrossingsApp};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The app on a folder, its journals kept in `journals`.
fn app_on(dir: &Path, journals: &Path) -> Harness<'static, CrossingsApp> {
    let loaded = common::load_dir(dir).unwrap();
    let mut app = CrossingsApp::with_state(loaded, AppState::default());
    app.set_journal_dir(Some(journals.to_owned()));
    app.set_folder(Some(dir.to_owned()));
    let mut h = common::app_harness(app, [1400.0, 900.0]);
    h.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    h.run();
    h
}

/// The app on a folder, in edit mode (E pressed).
fn editing(dir: &Path, journals: &Path) -> Harness<'static, CrossingsApp> {
    let mut h = app_on(dir, journals);
    key(&mut h, Modifiers::NONE, Key::E);
    assert!(h.state().editing(), "E turns edit mode on");
    h
}

/// The app in edit mode on a folder, Harbin selected (its form shown).
fn editing_harbin(dir: &Path, journals: &Path) -> Harness<'static, CrossingsApp> {
    let mut h = editing(dir, journals);
    let harbin = h.state().dataset().place_by_id("harbin").unwrap();
    h.state_mut().apply(crossings::ui::Action::SelectPlace(harbin, true));
    h.run();
    h
}

/// Types into a field (the field keeps the keyboard).
fn type_text(h: &mut Harness<'_, CrossingsApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Replaces the text of a field and leaves it with Enter, as a user would.
fn type_into(h: &mut Harness<'_, CrossingsApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.key_press(Key::Backspace);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
    h.key_press(Key::Enter);
    h.run();
}

/// A click of the primary button at a point of the window.
fn click_at(h: &mut Harness<'_, CrossingsApp>, at: egui::Pos2) {
    h.hover_at(at);
    h.run();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        h.run();
    }
}

fn key(h: &mut Harness<'_, CrossingsApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

#[test]
fn a_place_added_by_a_map_click_gets_an_event_and_a_person_then_undo_redo_save_and_reload() {
    let dir = geodata_copy();
    let journals = tempfile::tempdir().unwrap();
    let mut h = editing(dir.path(), journals.path());
    assert!(h.state().editing(), "E turns edit mode on");

    // Add place, then a click on the map puts it there.
    h.get_by_label("Add place").click();
    h.run();
    let map = h.state().map_rect();
    let at = map.left_top() + map.size() * egui::vec2(0.62, 0.55);
    click_at(&mut h, at);
    let new = h.state().dataset().place_by_id("new-place").expect("a place where the map was clicked");
    let ll = h.state().dataset().place(new).lon_lat;
    assert!((100.0..150.0).contains(&ll.lon) && (0.0..60.0).contains(&ll.lat), "{ll:?}");
    assert!(h.state().unsaved());

    // Its name, an event with a date, a person tied by searching.
    type_into(&mut h, "Name", "Fushun war criminals management centre");
    assert_eq!(h.state().dataset().place(new).name, "Fushun war criminals management centre");
    h.get_by_label("Add event here").click();
    h.run();
    type_into(&mut h, "Date (EDTF)", "1950-07/1956");
    assert!(h.query_by_label_contains("1950-07/1956: July 1950").is_some(), "the date's reading shows under the field");
    type_text(&mut h, "Add a person", "akiyama");
    h.get_by_label("Tie Akiyama Ryosho").click();
    h.run();
    let d = h.state().dataset();
    let e = d.events.iter().find(|e| e.place == Some(new)).expect("the event is at the new place");
    assert_eq!(e.date.to_edtf().as_deref(), Some("1950-07/1956"));
    assert_eq!(e.people.iter().map(|p| d.person(*p).id.as_str()).collect::<Vec<_>>(), ["akiyama-ryosho"]);
    let event_id = e.id.clone();
    // It cites no source yet: a draft, listed with the loader's words and marked in the lists.
    let drafts = h.state().editor().unwrap().drafts();
    assert!(
        drafts
            .iter()
            .any(|(k, id, m)| *k == crossings::edit::Kind::Event && *id == event_id && m.contains("no sources")),
        "{drafts:?}"
    );
    assert!(h.query_by_label_contains("Drafts (1)").is_some());
    assert!(h.query_all_by_label("draft").count() >= 1, "the place and the event are marked");

    // Undo three times (the person, the date, the event), redo twice (the event, its date).
    for _ in 0..3 {
        key(&mut h, Modifiers::COMMAND, Key::Z);
    }
    assert!(h.state().dataset().events.iter().all(|e| e.id != event_id), "three undos take the event away");
    // (Undoing the event's addition deletes it: the records are loaded again, in file order.)
    let new = h.state().dataset().place_by_id("new-place").unwrap();
    assert_eq!(h.state().dataset().place(new).name, "Fushun war criminals management centre");
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    key(&mut h, Modifiers::COMMAND, Key::Y);
    let d = h.state().dataset();
    let e = d.events.iter().find(|e| e.id == event_id).expect("redone");
    assert_eq!(e.date.to_edtf().as_deref(), Some("1950-07/1956"));
    assert!(e.people.is_empty(), "the tie stays undone");

    // Save, reload the folder from disk, compare.
    key(&mut h, Modifiers::COMMAND, Key::S);
    assert!(!h.state().unsaved(), "{:?}", h.state().status);
    let reloaded = common::load_dir(dir.path()).unwrap();
    // What the window shows is what the folder now holds (an edited event keeps its place in
    // the window's list until the next load, so the two are compared by id).
    assert_eq!(by_ids(&reloaded.dataset), by_ids(h.state().dataset()));
    let p = reloaded.dataset.place(reloaded.dataset.place_by_id("new-place").unwrap());
    assert_eq!(p.name, "Fushun war criminals management centre");
    // The event was saved as a draft (it cites no source): `validate` names it.
    assert!(
        reloaded
            .problems
            .iter()
            .any(|p| p.record.as_deref() == Some(event_id.as_str()) && p.message.contains("no sources")),
        "{:?}",
        reloaded.problems
    );
    // What was saved is in the canonical format: `crossings fmt --check` has nothing to do.
    assert!(crossings::dataset::fmt::format_folder(dir.path(), true).unwrap().iter().all(|f| !f.changed));
}

#[test]
fn editing_the_bundled_atlas_asks_for_a_folder_and_a_save_with_no_change_leaves_every_byte() {
    let parent = tempfile::tempdir().unwrap();
    let copy = parent.path().join("my-atlas");
    let mut app = CrossingsApp::with_state(common::bundled(), AppState::default());
    let chosen = copy.clone();
    app.set_folder_dialog(std::sync::Arc::new(move || crossings::ui::Picked::Path(chosen.clone())));
    let mut h = common::app_harness(app, [1400.0, 900.0]);
    h.run();
    h.get_by_label("Edit").click();
    for _ in 0..50 {
        h.run();
        if h.state().editing() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(h.state().editing(), "{:?}", h.state().status);
    let geodata: Vec<Vec<u8>> = read_all(&common::root().join("geodata"));
    assert_eq!(read_all(&copy), geodata, "the copy is the bundled data, byte for byte");

    // Move Harbin by typing its latitude, undo it, save: nothing changes on disk.
    let harbin = h.state().dataset().place_by_id("harbin").unwrap();
    h.state_mut().apply(crossings::ui::Action::SelectPlace(harbin, true));
    h.run();
    type_into(&mut h, "Latitude", "45.9");
    assert_eq!(h.state().dataset().place(harbin).lon_lat.lat, 45.9);
    key(&mut h, Modifiers::NONE, Key::Escape);
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(!h.state().unsaved());
    key(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(read_all(&copy), geodata, "a save with no change leaves every byte as it was");
    // And a second attempt on a folder that holds a dataset is refused, not overwritten.
    let mut again = CrossingsApp::with_state(common::bundled(), AppState::default());
    let chosen = copy.clone();
    again.set_folder_dialog(std::sync::Arc::new(move || crossings::ui::Picked::Path(chosen.clone())));
    let mut h2 = common::app_harness(again, [1400.0, 900.0]);
    h2.run();
    h2.get_by_label("Edit").click();
    let status = common::wait_for_status(&mut h2);
    for _ in 0..50 {
        h2.run();
        if h2.state().status.as_ref().is_some_and(|s| s.error) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = h2.state().status.clone().unwrap_or(status);
    assert!(status.error && status.text.contains("already holds"), "{status:?}");
    assert!(!h2.state().editing());
}

#[test]
fn a_window_killed_with_kill_9_offers_its_edits_at_the_next_start() {
    let dir = geodata_copy();
    let journals = tempfile::tempdir().unwrap();
    let journal = crossings::edit::journal_path(journals.path(), dir.path());
    let original = read_all(dir.path());
    edit_in_a_process_then_kill_9(dir.path(), &journal);
    assert_eq!(read_all(dir.path()), original);

    // The next start on that folder offers the four steps; restoring shows them, unsaved.
    let mut h = app_on(dir.path(), journals.path());
    assert!(h.state().restore_offered());
    assert!(h.query_by_label_contains("found 4 edits").is_some());
    h.get_by_label("Restore the edits").click();
    h.run();
    assert!(h.state().editing() && h.state().unsaved());
    let d = h.state().dataset();
    let harbin = d.place(d.place_by_id("harbin").unwrap());
    assert_eq!((harbin.lon_lat.lon, harbin.lon_lat.lat), (126.7, 45.8));
    assert!(d.events.iter().any(|e| e.id == "zz-test-event"));
    // Saved, they are in the files; the journal is empty again.
    key(&mut h, Modifiers::COMMAND, Key::S);
    assert!(!h.state().unsaved());
    assert!(common::load_dir(dir.path()).unwrap().dataset.events.iter().any(|e| e.id == "zz-test-event"));
    assert!(read_journal(&journal).unwrap().1.is_empty());

    // Declined instead, the steps are set aside beside the journal, not applied, not lost.
    let dir2 = geodata_copy();
    let journal2 = crossings::edit::journal_path(journals.path(), dir2.path());
    let mut s = Session::open(dir2.path(), Some(&journal2)).unwrap();
    s.apply(move_harbin(&s)).unwrap();
    drop(s);
    let mut h = app_on(dir2.path(), journals.path());
    h.get_by_label("Set them aside").click();
    h.run();
    assert!(!h.state().restore_offered() && !h.state().editing());
    let mut old = journal2.as_os_str().to_owned();
    old.push(".old");
    assert_eq!(read_journal(Path::new(&old)).unwrap().1.len(), 1);
}

#[test]
fn a_file_changed_on_disk_after_opening_is_caught_at_save_and_a_delete_names_its_references() {
    let dir = geodata_copy();
    let journals = tempfile::tempdir().unwrap();
    let mut h = editing_harbin(dir.path(), journals.path());
    type_into(&mut h, "Name", "Harbin (Haerbin)");

    // Someone else renames Harbin in the file meanwhile.
    let path = dir.path().join("places.geojson");
    let theirs =
        std::fs::read_to_string(&path).unwrap().replace("\"name\": \"Harbin\"", "\"name\": \"Harbin, by a colleague\"");
    std::fs::write(&path, &theirs).unwrap();
    key(&mut h, Modifiers::COMMAND, Key::S);
    assert!(h.query_by_label_contains("Someone else changed these records").is_some());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), theirs, "their change is not overwritten");
    assert!(h.state().unsaved(), "and the edit is kept");
    // Saved elsewhere instead, whole.
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("mine");
    let chosen = target.clone();
    h.state_mut().set_folder_dialog(std::sync::Arc::new(move || crossings::ui::Picked::Path(chosen.clone())));
    h.get_by_label("Save my version elsewhere…").click();
    for _ in 0..50 {
        h.run();
        if target.join("events.json").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mine = common::load_dir(&target).unwrap();
    assert_eq!(mine.dataset.place(mine.dataset.place_by_id("harbin").unwrap()).name, "Harbin (Haerbin)");
    // Or settled here: "Save the rest" writes nothing of Harbin; "Keep mine" then writes it
    // over theirs, knowingly, at the next save.
    key(&mut h, Modifiers::COMMAND, Key::S);
    h.get_by_label("Save the rest").click();
    h.run();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), theirs);
    assert!(h.state().unsaved());
    h.get_by_label("Keep mine (harbin)").click();
    h.run();
    assert!(h.query_by_label_contains("Someone else changed these records").is_none(), "all settled");
    key(&mut h, Modifiers::COMMAND, Key::S);
    assert!(!h.state().unsaved(), "{:?}", h.state().status);
    let saved = common::load_dir(dir.path()).unwrap().dataset;
    assert_eq!(saved.place(saved.place_by_id("harbin").unwrap()).name, "Harbin (Haerbin)");

    // Deleting Harbin asks first, naming the events at it; undo brings them all back.
    h.get_by_label("Delete place…").click();
    h.run();
    assert!(h.query_by_label_contains("3 records refer to it").is_some());
    assert!(h.query_by_label_contains("event 'Hata meets Vasilevsky at Harbin").is_some());
    h.get_by_label("Delete place").click();
    h.run();
    let d = h.state().dataset();
    assert!(d.place_by_id("harbin").is_none());
    assert_eq!(d.events.len(), 132, "its events stay, with no place");
    key(&mut h, Modifiers::COMMAND, Key::Z);
    let d = h.state().dataset();
    let harbin = d.place_by_id("harbin").expect("undone");
    assert_eq!(d.place_events[harbin.ix()].len(), 3);
}

#[test]
fn quitting_with_unsaved_edits_asks_first() {
    let dir = geodata_copy();
    let journals = tempfile::tempdir().unwrap();
    let mut h = editing_harbin(dir.path(), journals.path());
    type_into(&mut h, "Name", "Harbin (Haerbin)");
    h.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().events.push(egui::ViewportEvent::Close);
    h.run();
    assert!(
        h.query_by_label("Quit with unsaved edits?").is_some()
            || h.query_by_label_contains("not saved to the folder").is_some()
    );
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().unsaved());
    h.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().events.push(egui::ViewportEvent::Close);
    h.run();
    h.get_by_label("Save and quit").click();
    h.run();
    assert!(!h.state().unsaved());
    assert!(std::fs::read_to_string(dir.path().join("places.geojson")).unwrap().contains("Harbin (Haerbin)"));
}

/// A dataset by ids, whatever the order of its lists: what the window shows of it.
fn by_ids(d: &crossings::model::Dataset) -> serde_json::Value {
    use crossings::chronology::{TimeFilter, TimeWindow};
    let place = |p: Option<crossings::model::PlaceIx>| p.map(|p| d.place(p).id.clone());
    let person = |p: &crossings::model::PersonIx| d.person(*p).id.clone();
    let mut places: Vec<_> = d
        .places
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let ix = crossings::model::PlaceIx(i as u32);
            serde_json::json!({
                "place": format!("{p:?}"),
                "events": d.place_events[i].iter().map(|e| d.event(*e).id.clone()).collect::<Vec<_>>(),
                "people": d.place_people[i].iter().map(person).collect::<Vec<_>>(),
                "theme": d.place_theme(ix).as_str(),
            })
        })
        .collect();
    places.sort_by_key(|v| v["place"].as_str().map(str::to_owned));
    let mut events: Vec<_> = d
        .events
        .iter()
        .map(|e| {
            serde_json::json!([
                e.id,
                e.date.to_edtf(),
                place(e.place),
                e.people.iter().map(person).collect::<Vec<_>>(),
                e.title,
                e.category.as_str(),
                format!("{:?}", e.sources)
            ])
        })
        .collect();
    events.sort_by_key(|v| v[0].as_str().map(str::to_owned));
    let mut people: Vec<_> = d
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            serde_json::json!([
                p.id,
                p.name,
                p.places.iter().map(|t| place(Some(t.place))).collect::<Vec<_>>(),
                d.person_events[i].iter().map(|e| d.event(*e).id.clone()).collect::<Vec<_>>()
            ])
        })
        .collect();
    people.sort_by_key(|v| v[0].as_str().map(str::to_owned));
    let filter = TimeFilter::window(TimeWindow::parse("1945-08/1946-02").unwrap());
    let vis = crossings::query::visibility(d, &filter, &Default::default());
    let mut shown: Vec<_> = d
        .events
        .iter()
        .zip(&vis.events)
        .filter(|(_, m)| m.is_shown())
        .map(|(e, m)| format!("{} {m:?}", e.id))
        .collect();
    shown.sort();
    serde_json::json!({"places": places, "events": events, "people": people, "shown": shown})
}

#[test]
fn each_edit_patched_into_the_loaded_dataset_equals_loading_it_again() {
    use crossings::dataset::patch::{Changed, PatchIndex, patch};
    use crossings::edit::{Kind, Record};
    let dir = geodata_copy();
    let mut s = Session::open(dir.path(), None).unwrap();
    let mut shown = s.check().unwrap().dataset;
    let mut index = PatchIndex::new(&shown);
    let label = dir.path().display().to_string();
    let step = |s: &mut Session, edit: Edit, shown: &mut crossings::model::Dataset, index: &mut PatchIndex| {
        let changed: Vec<(String, String)> = edit.changes.iter().map(|c| (c.file.clone(), c.id.clone())).collect();
        s.apply(edit).unwrap();
        let texts: Vec<(String, String, Option<String>)> =
            changed.iter().map(|(f, id)| (f.clone(), id.clone(), s.record(f, id).map(str::to_owned))).collect();
        let records: Vec<Changed<'_>> =
            texts.iter().map(|(f, id, t)| Changed { file: f, id, text: t.as_deref() }).collect();
        // What the filters showed before the edit, followed through it.
        let filters = [
            crossings::chronology::TimeFilter::default(),
            crossings::chronology::TimeFilter::window(
                crossings::chronology::TimeWindow::parse("1946-01/1951-12").unwrap(),
            ),
        ];
        let mut followed: Vec<_> =
            filters.iter().map(|f| crossings::query::visibility(shown, f, &Default::default())).collect();
        let patched = patch(shown, index, &label, &records, Default::default()).expect("patched");
        assert_eq!(by_ids(shown), by_ids(&s.check().unwrap().dataset));
        let events: Vec<_> = patched.events.iter().map(|(e, _, _)| *e).collect();
        for (vis, f) in followed.iter_mut().zip(&filters) {
            vis.follow_edit(shown, f, &Default::default(), &events, &patched.places);
            let fresh = crossings::query::visibility(shown, f, &Default::default());
            assert_eq!(
                (&vis.events, &vis.places, &vis.counts, &vis.certain, vis.shown_events, vis.certain_events),
                (&fresh.events, &fresh.places, &fresh.counts, &fresh.certain, fresh.shown_events, fresh.certain_events)
            );
        }
    };
    let put = |s: &Session, kind: Kind, r: &Record, label: &str| {
        let id = r.id().unwrap();
        Edit {
            label: label.into(),
            changes: vec![Change {
                file: kind.file().into(),
                before: s.record(kind.file(), &id).map(str::to_owned),
                id,
                after: Some(r.to_text()),
            }],
        }
    };
    // Move and rename Harbin; make it an inferred location (its events' keys follow).
    let mut harbin = s.form_record(Kind::Place, "harbin").unwrap();
    harbin.set_point(crossings::model::LonLat { lon: 126.7, lat: 45.8 });
    harbin.set_text("name", "Haerbin");
    harbin.set_text("precision", "inferred");
    let edit = put(&s, Kind::Place, &harbin, "Harbin");
    step(&mut s, edit, &mut shown, &mut index);
    // A new place, a new person, and an event at that place naming the person.
    let fushun = Record::new_place("fushun", "Fushun", crossings::model::LonLat { lon: 123.9, lat: 41.9 });
    let edit = put(&s, Kind::Place, &fushun, "Add Fushun");
    step(&mut s, edit, &mut shown, &mut index);
    let mut e = Record::new_event("zz-fushun", Some("fushun"), "Prisoners arrive at Fushun");
    e.set_text("date", "1950-07/1956");
    e.set_list("sources", &["src-kwantung-surrender".into()]);
    let p = Record::new_person("zz-prisoner", "A prisoner");
    e.set_list("people", &["zz-prisoner".into(), "akiyama-ryosho".into()]);
    let mut edit = put(&s, Kind::Event, &e, "Add event");
    edit.changes.insert(
        0,
        Change { file: "people.json".into(), id: "zz-prisoner".into(), before: None, after: Some(p.to_text()) },
    );
    step(&mut s, edit, &mut shown, &mut index);
    // An existing event moved to the new place, redated and rethemed.
    let first = s
        .ids("events.json")
        .into_iter()
        .find(|id| s.record("events.json", id).unwrap().contains("\"place\":\"harbin\""))
        .unwrap()
        .to_owned();
    let mut moved = s.form_record(Kind::Event, &first).unwrap();
    moved.set_text("place", "fushun");
    moved.set_text("date", "1946-02");
    moved.set_text("category", "repatriation");
    let edit = put(&s, Kind::Event, &moved, "Move event");
    step(&mut s, edit, &mut shown, &mut index);
    // A person renamed (every place list sorted by name follows).
    let mut akiyama = s.form_record(Kind::Person, "akiyama-ryosho").unwrap();
    akiyama.set_text("name", "Zz Akiyama");
    let edit = put(&s, Kind::Person, &akiyama, "Rename");
    step(&mut s, edit, &mut shown, &mut index);
    // Undone, each step patches back too.
    for _ in 0..3 {
        let undone = s.undo().unwrap().unwrap();
        let texts: Vec<(String, String, Option<String>)> = undone
            .changes
            .iter()
            .map(|c| (c.file.clone(), c.id.clone(), s.record(&c.file, &c.id).map(str::to_owned)))
            .collect();
        let records: Vec<Changed<'_>> =
            texts.iter().map(|(f, id, t)| Changed { file: f, id, text: t.as_deref() }).collect();
        match patch(&mut shown, &mut index, &label, &records, Default::default()) {
            Some(_) => assert_eq!(by_ids(&shown), by_ids(&s.check().unwrap().dataset)),
            // Undoing an addition deletes a record: that needs a full load (and a new index).
            None => {
                shown = s.check().unwrap().dataset;
                index = PatchIndex::new(&shown);
            }
        }
    }
    // A deletion is refused, the dataset untouched.
    let before = by_ids(&shown);
    let deleted = [Changed { file: "places.geojson", id: "harbin", text: None }];
    assert!(patch(&mut shown, &mut index, &label, &deleted, Default::default()).is_none());
    assert_eq!(by_ids(&shown), before);
}

/// Times opening a large folder for editing and saving one edit in it (not a check: run by
/// hand, `CROSSINGS_SCALE_DIR=target/bench-data/e1000000 cargo test --release --test editing
/// -- --ignored --nocapture`, on a copy, since it saves).
#[test]
#[ignore]
fn time_an_editing_session_at_scale() {
    let Some(src) = std::env::var_os("CROSSINGS_SCALE_DIR") else { return };
    let dir = tempfile::tempdir().unwrap();
    for name in crossings::dataset::FILES {
        std::fs::copy(Path::new(&src).join(name), dir.path().join(name)).unwrap();
    }
    let t = std::time::Instant::now();
    let mut s = Session::open(dir.path(), Some(&dir.path().join("journal"))).unwrap();
    eprintln!("open for editing: {:.2} s", t.elapsed().as_secs_f64());
    let id = s.ids("events.json")[0].to_owned();
    let mut r = s.form_record(crossings::edit::Kind::Event, &id).unwrap();
    r.set_text("title", "Edited");
    let t = std::time::Instant::now();
    let before = s.record("events.json", &id).map(str::to_owned);
    s.apply(Edit {
        label: "t".into(),
        changes: vec![Change { file: "events.json".into(), id, before, after: Some(r.to_text()) }],
    })
    .unwrap();
    eprintln!("one step, journaled and synced: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = std::time::Instant::now();
    s.save().unwrap();
    eprintln!("save (events.json rewritten): {:.2} s", t.elapsed().as_secs_f64());
}

#[test]
fn dragging_a_marker_moves_the_place_and_undo_puts_it_back() {
    let dir = geodata_copy();
    let journals = tempfile::tempdir().unwrap();
    let mut h = editing(dir.path(), journals.path());
    let harbin = h.state().dataset().place_by_id("harbin").unwrap();
    let before = h.state().dataset().place(harbin).lon_lat;
    let at = h.state().scene().unwrap().items.markers.iter().find(|m| m.place == harbin).expect("Harbin is drawn").pos;
    let from = egui::pos2(at.x, at.y);
    let to = from + egui::vec2(60.0, 40.0);
    h.hover_at(from);
    h.run();
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.run();
    for i in 1..=10 {
        h.event(egui::Event::PointerMoved(from + (to - from) * (i as f32 / 10.0)));
        h.run();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
    let after = h.state().dataset().place(harbin).lon_lat;
    assert!(after.lon > before.lon + 0.1 && after.lat < before.lat - 0.1, "{before:?} -> {after:?}");
    assert_eq!(h.state().editor().unwrap().session.undo_label(), Some("Move Harbin"));
    // The map did not pan while the marker was dragged: Harbin is drawn where it was dropped.
    let now = h.state().scene().unwrap().items.markers.iter().find(|m| m.place == harbin).unwrap().pos;
    assert!((now.x - to.x).abs() < 2.0 && (now.y - to.y).abs() < 2.0, "{now:?} {to:?}");
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().dataset().place(harbin).lon_lat, before);
    // A place selected shows its form; another place selected shows its own.
    h.state_mut().apply(crossings::ui::Action::SelectPlace(harbin, true));
    h.run();
    assert_eq!(h.get_by_label("Name").value().as_deref(), Some("Harbin"));
    let maizuru = h.state().dataset().place_by_id("maizuru").unwrap();
    h.state_mut().apply(crossings::ui::Action::SelectPlace(maizuru, true));
    h.run();
    assert_eq!(h.get_by_label("Name").value().as_deref(), Some("Maizuru"));
}

#[test]
fn a_renamed_id_is_renamed_wherever_a_record_refers_to_it() {
    use crossings::edit::Kind;
    let dir = geodata_copy();
    let mut s = Session::open(dir.path(), None).unwrap();
    let referring = s.references(Kind::Place, "harbin").len();
    assert!(referring >= 3, "{referring}");
    let edit = s.rename_edit(Kind::Place, "harbin", "haerbin", "Rename".into()).unwrap();
    s.apply(edit).unwrap();
    assert!(s.record("places.geojson", "harbin").is_none());
    assert_eq!(s.references(Kind::Place, "haerbin").len(), referring);
    assert!(s.references(Kind::Place, "harbin").is_empty());
    let loaded = s.check().unwrap();
    assert!(loaded.problems.iter().all(|p| !p.message.contains("harbin")), "{:?}", loaded.problems);
    let d = &loaded.dataset;
    assert_eq!(d.place_events[d.place_by_id("haerbin").unwrap().ix()].len(), 3);
    // A person renamed too: the events naming them follow.
    let edit = s.rename_edit(Kind::Person, "akiyama-ryosho", "akiyama", "Rename".into()).unwrap();
    s.apply(edit).unwrap();
    let d = s.check().unwrap().dataset;
    assert!(!d.person_events[d.person_by_id("akiyama").unwrap().ix()].is_empty());
    // A place a person is tied to: the tie follows a rename, and goes with a delete.
    let edit = s.rename_edit(Kind::Place, "aizu", "aizu-wakamatsu", "Rename".into()).unwrap();
    s.apply(edit).unwrap();
    let hata = s.record("people.json", "hata-shunroku").unwrap().to_owned();
    assert!(hata.contains(r#"{"place":"aizu-wakamatsu","basis":"inferred","#), "{hata}");
    let refs = s.references(Kind::Place, "aizu-wakamatsu");
    let edit = s.delete_edit(Kind::Place, "aizu-wakamatsu", refs, "Delete".into()).unwrap();
    s.apply(edit).unwrap();
    let hata = s.record("people.json", "hata-shunroku").unwrap().to_owned();
    assert!(!hata.contains("aizu"), "{hata}");
    assert!(s.check().unwrap().problems.iter().all(|p| !p.message.contains("aizu")));
}

#[test]
fn other_names_are_edited_with_their_language_tags_and_keep_their_notes() {
    let dir = geodata_copy();
    let journals = tempfile::tempdir().unwrap();
    let mut h = editing(dir.path(), journals.path());
    let beijing = h.state().dataset().place_by_id("beijing").unwrap();
    h.state_mut().apply(crossings::ui::Action::SelectPlace(beijing, true));
    h.run();
    let label = "Other names (name [language]; …)";
    assert_eq!(h.get_by_label(label).value().as_deref(), Some("北京 [zh-Hans]; Peking [en]"));
    type_into(&mut h, label, "北京 [zh-Hans]; Peking [en]; Pékin [fr]");
    let names = &h.state().dataset().place(beijing).names;
    assert_eq!(names.len(), 3);
    assert_eq!(names[1].note.as_deref(), Some("spelling used in the Kwantung Army source"), "the note stays");
    assert_eq!((names[2].text.as_str(), names[2].lang.as_str()), ("Pékin", "fr"));
    // A name without its tag is named, and nothing changes.
    type_into(&mut h, label, "北京; Peking [en]");
    assert!(h.query_by_label_contains("with its language tag").is_some());
    assert_eq!(h.state().dataset().place(beijing).names.len(), 3);
    // An id already taken is named as it is typed, and not applied.
    h.get_by_label("Id").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.get_by_label("Id").type_text("harbin");
    h.run();
    assert!(h.query_by_label_contains("another place has the id 'harbin'").is_some());
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().dataset().place_by_id("beijing").is_some(), "not renamed onto Harbin");
    assert_eq!(h.get_by_label("Id").value().as_deref(), Some("beijing"));
    // Other spellings, one list.
    type_into(&mut h, "Also written in the sources (…; …)", "Peking; Peiping");
    assert_eq!(h.state().dataset().place(beijing).aliases, ["Peking", "Peiping"]);
}

#[test]
fn a_merging_save_writes_what_does_not_conflict_and_each_conflict_is_settled_by_choice() {
    let dir = geodata_copy();
    let mut s = Session::open(dir.path(), None).unwrap();
    s.apply(move_harbin(&s)).unwrap();
    s.apply(add_event()).unwrap();
    s.apply(rename_person(&s)).unwrap();
    // Someone else moves Harbin elsewhere and renames the same person.
    let places = dir.path().join("places.geojson");
    let theirs = std::fs::read_to_string(&places).unwrap().replace(
        "126.64,
          45.76",
        "126.5,
          45.7",
    );
    std::fs::write(&places, &theirs).unwrap();
    let people = dir.path().join("people.json");
    let theirs_people =
        std::fs::read_to_string(&people).unwrap().replacen("\"name\": \"Abe Shinzo\"", "\"name\": \"Abe Shinzō\"", 1);
    std::fs::write(&people, &theirs_people).unwrap();

    let (saved, conflicts) = s.save_merging().unwrap();
    assert!(matches!(saved, Saved::Written { .. }), "{saved:?}");
    let mut ids: Vec<&str> = conflicts.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["abe-shinzo", "harbin"], "{conflicts:?}");
    // The new event is written; Harbin and the person are theirs on disk, ours here, unsaved.
    assert!(common::load_dir(dir.path()).unwrap().dataset.events.iter().any(|e| e.id == "zz-test-event"));
    assert!(std::fs::read_to_string(&places).unwrap().contains("126.5"));
    assert!(s.record("places.geojson", "harbin").unwrap().contains("[126.7,45.8]"));
    assert!(s.is_dirty());
    // A save now still refuses them: nothing is overwritten unseen.
    assert!(matches!(s.save().unwrap(), Saved::Conflicts(c) if c.len() == 2));
    // Harbin: keep mine (written over theirs, knowingly). The person: take theirs.
    let harbin = conflicts.iter().find(|c| c.id == "harbin").unwrap();
    s.keep_mine(&harbin.file, &harbin.id, harbin.theirs.clone());
    let person = conflicts.iter().find(|c| c.id == "abe-shinzo").unwrap();
    let back = Edit {
        label: "Take theirs".into(),
        changes: vec![Change {
            file: person.file.clone(),
            id: person.id.clone(),
            before: s.record(&person.file, &person.id).map(str::to_owned),
            after: person.theirs.clone(),
        }],
    };
    s.apply(back).unwrap();
    assert!(matches!(s.save().unwrap(), Saved::Written { .. }));
    let d = common::load_dir(dir.path()).unwrap().dataset;
    let harbin = d.place(d.place_by_id("harbin").unwrap());
    assert_eq!((harbin.lon_lat.lon, harbin.lon_lat.lat), (126.7, 45.8), "mine");
    assert_eq!(d.person(d.person_by_id("abe-shinzo").unwrap()).name, "Abe Shinzō", "theirs");
    assert!(!s.is_dirty());
}

#[test]
fn a_person_is_tied_to_a_place_by_search_and_the_ties_keep_their_fields_in_order() {
    use crossings::edit::Kind;
    use crossings::ui::edit::EditOp;
    let dir = geodata_copy();
    let journals = tempfile::tempdir().unwrap();
    let mut h = editing(dir.path(), journals.path());
    h.state_mut().apply(crossings::ui::Action::Edit(EditOp::Open(Kind::Person, "hata-shunroku".into())));
    h.run();
    type_text(&mut h, "Tie to a place", "maizu");
    let d = h.state().dataset();
    let button = format!("Tie to {}", d.place(d.place_by_id("maizuru").unwrap()).display_name());
    h.get_by_label(&button).click();
    h.run();
    let text = h.state().editor().unwrap().session.record("people.json", "hata-shunroku").unwrap().to_owned();
    assert!(text.contains(r#""places":[{"place":"aizu","basis":"inferred","note":"#), "{text}");
    assert!(text.contains(r#"{"place":"maizuru","basis":"stated"}"#), "{text}");
    let d = h.state().dataset();
    let hata = d.person(d.person_by_id("hata-shunroku").unwrap());
    let tied: Vec<&str> = hata.places.iter().map(|t| d.place(t.place).id.as_str()).collect();
    assert_eq!(tied, ["aizu", "maizuru"]);
    // Untied again with the tie's own button.
    h.get_all_by_label("untie").last().unwrap().click();
    h.run();
    let d = h.state().dataset();
    assert_eq!(d.person(d.person_by_id("hata-shunroku").unwrap()).places.len(), 1);
}

#[test]
fn a_new_person_and_a_new_source_are_made_from_an_events_form() {
    use crossings::edit::Kind;
    use crossings::ui::edit::EditOp;
    let dir = geodata_copy();
    let journals = tempfile::tempdir().unwrap();
    let mut h = editing(dir.path(), journals.path());
    // The first event at Harbin.
    let d = h.state().dataset();
    let event = d.event(d.place_events[d.place_by_id("harbin").unwrap().ix()][0]).id.clone();
    h.state_mut().apply(crossings::ui::Action::Edit(EditOp::Open(Kind::Event, event.clone())));
    h.run();
    type_text(&mut h, "Add a person", "Nakamura Test");
    h.get_by_label("New person 'Nakamura Test'").click();
    h.run();
    let d = h.state().dataset();
    let person = d.person_by_id("nakamura-test").expect("a new person");
    let e = d.events.iter().find(|e| e.id == event).unwrap();
    assert!(e.people.contains(&person), "tied to the event");
    // A new source, cited and opened for its title.
    h.get_by_label("Cite a source").click();
    h.run();
    h.get_by_label("New source…").click();
    h.run();
    let d = h.state().dataset();
    let source = d.sources.iter().position(|s| s.id == "new-source").expect("a new source");
    assert!(d.events.iter().find(|e| e.id == event).unwrap().sources.iter().any(|s| s.ix() == source));
    assert_eq!(h.state().editor().unwrap().target(), Some(&(Kind::Source, "new-source".to_owned())));
    // One step each: undone, both are gone.
    key(&mut h, Modifiers::COMMAND, Key::Z);
    key(&mut h, Modifiers::COMMAND, Key::Z);
    let d = h.state().dataset();
    assert!(d.person_by_id("nakamura-test").is_none() && d.sources.iter().all(|s| s.id != "new-source"));
}

#[test]
fn a_folder_with_a_repeated_id_is_not_opened_for_editing_so_neither_record_is_lost() {
    let dir = geodata_copy();
    let path = dir.path().join("sources.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let records: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let doubled = serde_json::to_string_pretty(&[records[0].clone(), records[0].clone()]).unwrap();
    std::fs::write(&path, doubled).unwrap();
    let err = Session::open(dir.path(), None).err().expect("refused").to_string();
    let id = records[0]["id"].as_str().unwrap();
    assert!(err.contains(&format!("two records have the id '{id}'")), "{err}");
}

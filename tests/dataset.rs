//! The bundled dataset loads without a single problem, and every fixture reports exactly the
//! problems it holds.

mod common;

use crossings::chronology::{TimeFilter, TimeWindow};
use crossings::dataset::{self, Texts};
use crossings::query::{Themes, visibility};

#[test]
fn the_bundled_geodata_has_no_problems() {
    let loaded = common::bundled();
    let listed: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
    assert!(listed.is_empty(), "problems in geodata/:\n{}", listed.join("\n"));
    let d = &loaded.dataset;
    assert_eq!(d.sources.len(), 5, "one source per seed document");
    assert!(d.places.len() >= 35, "{} places", d.places.len());
    // 60 before the review of issue 12, which took out the cited scholars and the people only
    // named (geodata/REVIEW.md).
    assert!(d.people.len() >= 45, "{} people", d.people.len());
    assert!(d.events.len() >= 70, "{} events", d.events.len());
    for id in ["taihang", "yanan", "zhenyuan", "harbin", "maizuru", "quang-ngai"] {
        assert!(d.place_by_id(id).is_some(), "core place {id} missing");
    }
}

#[test]
fn the_bundled_geodata_on_disk_matches_the_embedded_copy() {
    let from_disk = common::load_dir(&common::root().join("geodata")).unwrap();
    let embedded = common::bundled();
    assert!(from_disk.problems.is_empty());
    assert_eq!(from_disk.dataset.events.len(), embedded.dataset.events.len());
    assert_eq!(from_disk.summary().split(':').nth(1), embedded.summary().split(':').nth(1));
}

#[test]
fn every_event_cites_a_source_document_that_exists() {
    let d = common::bundled().dataset;
    assert!(d.events.iter().all(|e| !e.sources.is_empty()));
    // The documents sit beside the repository (CI clones it next to a copy of shared/).
    let seeds = std::env::var_os("CROSSINGS_SEEDS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| common::root().join("../shared/seeds"));
    if !seeds.is_dir() {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        if in_ci && std::env::var_os("CROSSINGS_NO_SEEDS").is_none() {
            panic!("CI must have the source documents at {} (or CROSSINGS_SEEDS)", seeds.display());
        }
        eprintln!("skipping the check of source files: no documents at {}", seeds.display());
        return;
    }
    let mut checked = 0;
    for s in &d.sources {
        assert!(seeds.join(&s.file).is_file(), "source file {} not among the seeds", s.file);
        checked += 1;
    }
    assert_eq!(checked, 5, "the five documents");
}

#[test]
fn the_story_is_in_the_data_at_the_right_time() {
    let d = common::bundled().dataset;
    let shown = |when: &str| {
        let vis = visibility(&d, &TimeFilter::window(TimeWindow::parse(when).unwrap()), &Themes::default());
        vis.shown_places().map(|p| d.place(p).id.clone()).collect::<Vec<_>>()
    };
    let march_1939 = shown("1939-03");
    assert!(march_1939.contains(&"zhenyuan".to_owned()), "{march_1939:?}");
    let august_1945 = shown("1945-08");
    assert!(august_1945.contains(&"harbin".to_owned()), "{august_1945:?}");
    assert!(!august_1945.contains(&"yanan".to_owned()), "{august_1945:?}");
}

#[test]
fn the_problems_fixture_reports_every_kind_of_problem_exactly() {
    let dir = common::fixture("problems");
    let loaded = common::load_dir(&dir).unwrap();
    let shown: Vec<String> =
        loaded.problems.iter().map(|p| p.to_string().replace(&format!("{}/", dir.display()), "")).collect();
    let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(shown, expected);
    // What was valid is kept.
    let d = &loaded.dataset;
    assert!(d.place_by_id("harbin").is_some());
    assert!(d.events.iter().any(|e| e.id == "1939-01-02-good"));
    assert!(d.events.iter().any(|e| e.id == "unknown-references" && e.place.is_none()));
}

#[test]
fn checking_a_folder_finds_what_loading_it_finds_and_counts_what_it_keeps() {
    for dir in [common::fixture("problems"), common::fixture("broken-json"), common::root().join("geodata")] {
        let loaded = common::load_dir(&dir).unwrap();
        let checked = dataset::check(dataset::Input::Folder(&dir), &dataset::LoadOptions::default()).unwrap();
        assert_eq!(checked.problems, loaded.problems, "{}", dir.display());
        assert_eq!(checked.summary(), loaded.summary());
        let d = &loaded.dataset;
        let c = checked.counts;
        assert_eq!(
            (c.places, c.people, c.events, c.sources),
            (d.places.len(), d.people.len(), d.events.len(), d.sources.len())
        );
    }
}

#[test]
fn a_syntax_error_names_its_line_and_column_and_the_other_files_still_load() {
    let dir = common::fixture("broken-json");
    let loaded = common::load_dir(&dir).unwrap();
    assert_eq!(loaded.problems.len(), 2, "{:?}", loaded.problems);
    // Problems come in file order: people.json before events.json.
    assert!(loaded.problems[0].message.contains("tied to nothing"), "{}", loaded.problems[0]);
    let p = &loaded.problems[1];
    assert!(p.file.ends_with("events.json"));
    assert_eq!((p.line, p.column), (10, 3), "{p}");
    assert_eq!(p.message, "trailing comma after the last field");
    assert_eq!(loaded.dataset.places.len(), 2);
}

#[test]
fn a_missing_folder_is_an_error_and_an_empty_one_lists_every_missing_file() {
    let err = common::load_dir(std::path::Path::new("/no/such/folder")).unwrap_err();
    assert!(err.to_string().starts_with("cannot read dataset folder /no/such/folder"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let loaded = common::load_dir(empty.path()).unwrap();
    let msgs: Vec<&str> = loaded.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "missing sources.json; the dataset has no sources",
            "missing places.geojson; the dataset has no places",
            "missing people.json; the dataset has no people",
            "missing events.json; the dataset has no events",
        ]
    );
}

#[test]
fn invalid_utf8_is_reported_where_it_is_and_the_rest_still_loads() {
    let dir = common::copy_fixture("minimal");
    let path = dir.path().join("people.json");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.windows(7).position(|w| w == b"Soldier").unwrap();
    bytes[at] = 0xFF;
    std::fs::write(&path, bytes).unwrap();
    let loaded = common::load_dir(dir.path()).unwrap();
    let p = &loaded.problems[0];
    assert_eq!((p.line, p.column), (4, 16), "{p}");
    assert!(p.message.starts_with("invalid UTF-8"), "{p}");
    assert_eq!(loaded.dataset.people.len(), 1);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Any JSON value, a few levels deep.
    fn value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<f64>().prop_filter("JSON has no NaN", |x| x.is_finite()).prop_map(serde_json::Value::from),
            (-200i64..3000).prop_map(serde_json::Value::from),
            "[a-z0-9 ./~?%X-]{0,12}".prop_map(serde_json::Value::from),
            prop_oneof![
                Just("harbin"),
                Just("maizuru"),
                Just("a-soldier"),
                Just("src-a"),
                Just("1945-08"),
                Just("ja"),
                Just("Point")
            ]
            .prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map("[a-z]{1,3}", inner, 0..3)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// A record: the schema's field names (some of them) with values of any kind.
    fn record() -> impl Strategy<Value = serde_json::Value> {
        const FIELDS: [&str; 18] = [
            "id",
            "date",
            "place",
            "people",
            "title",
            "summary",
            "category",
            "sources",
            "figures",
            "type",
            "geometry",
            "properties",
            "coordinates",
            "name",
            "names",
            "lang",
            "text",
            "precision",
        ];
        proptest::collection::btree_map(proptest::sample::select(&FIELDS[..]), value(), 0..8)
            .prop_map(|m| serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
    }

    fn texts(files: [Option<String>; 4]) -> Texts {
        let names = dataset::FILES;
        Texts { files: [0, 1, 2, 3].map(|i| files[i].clone().map(|t| (names[i].to_owned(), t))), problems: Vec::new() }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(7), ..ProptestConfig::default() })]
        #[test]
        fn loading_any_text_never_panics(a in "\\PC{0,80}", b in "\\PC{0,80}", c in "\\PC{0,80}", d in "\\PC{0,80}") {
            let loaded = common::load_texts("fuzz", &texts([Some(a), Some(b), Some(c), Some(d)]));
            prop_assert!(loaded.dataset.events.len() <= 1);
        }

        /// Records of any shape, with the schema's field names, so the checks behind parsing
        /// (references, dates, coordinates, languages) see every kind of value too.
        #[test]
        fn records_of_any_shape_never_panic(
            records in proptest::collection::vec(record(), 0..6),
            which in 0usize..4,
        ) {
            let dir = common::fixture("minimal");
            let mut files: [Option<String>; 4] = dataset::FILES.map(|f| std::fs::read_to_string(dir.join(f)).ok());
            let array = serde_json::Value::Array(records);
            files[which] = Some(if which == 1 {
                serde_json::json!({"type": "FeatureCollection", "features": array}).to_string()
            } else {
                array.to_string()
            });
            let loaded = common::load_texts("fuzz", &texts(files));
            // Whatever was kept has valid ids and dates within their own bounds.
            for e in &loaded.dataset.events {
                prop_assert!(e.date.earliest <= e.date.latest);
            }
            for p in &loaded.dataset.places {
                prop_assert!(p.lon_lat.lat.abs() <= 90.0 && p.lon_lat.lon.abs() <= 180.0);
            }
        }

        #[test]
        fn mangling_a_valid_file_never_panics(cut in 0usize..2000, insert in "[\\[\\]{}\",:0-9a-z\\\\]{0,4}", which in 0usize..4) {
            let dir = common::fixture("minimal");
            let mut files: [Option<String>; 4] = dataset::FILES.map(|f| std::fs::read_to_string(dir.join(f)).ok());
            if let Some(text) = files[which].as_mut() {
                let mut at = cut.min(text.len());
                while !text.is_char_boundary(at) { at -= 1; }
                text.insert_str(at, &insert);
            }
            let loaded = common::load_texts("fuzz", &texts(files));
            prop_assert!(loaded.dataset.places.len() <= 2);
        }
    }
}

/// Events are checked in two halves on two threads; ids are still registered in file order,
/// so the first of two records with one id is kept wherever the halves split, and a repeated
/// record reports only that it repeats.
#[test]
fn repeated_event_ids_keep_the_first_record_across_the_threads_halves() {
    let event = |id: &str, date: &str| {
        format!(
            r#"{{"id": "{id}", "date": "{date}", "place": "harbin", "people": ["a-soldier"], "title": "T {id}", "summary": "S", "category": "soviet", "sources": ["src-a"]}}"#
        )
    };
    // Fillers between the repeats put them thousands of records apart, in different blocks
    // (each thread takes blocks of 4,096 records), so each thread sees some of them.
    let fillers = |from: usize| (from..from + 5000).map(|i| event(&format!("f{i}"), "1950")).collect::<Vec<_>>();
    let mut records = vec![event("first", "1945-08"), event("second", "1945-02-30")];
    records.extend(fillers(0));
    records.push(event("first", "1945-13"));
    records.push(event("second", "1946"));
    records.extend(fillers(5000));
    records.push(event("third", "1947"));
    records.push(event("first", "1948"));
    let line = |id: &str, nth: usize| {
        records.iter().enumerate().filter(|(_, r)| r.contains(&format!(r#""id": "{id}""#))).nth(nth).unwrap().0 + 2
    };
    let (first_again, second_again, first_third) = (line("first", 1), line("second", 1), line("first", 2));
    assert!(first_again > 4096 + 2 && first_third > 8192 + 2, "the repeats lie in later blocks");
    let text = format!("[\n{}\n]\n", records.join(",\n"));
    let mut texts = crossings::dataset::Texts::read_dir(&common::fixture("minimal"), &Default::default()).unwrap();
    texts.files[3] = Some(("events.json".to_owned(), text));
    let loaded = common::load_texts("data", &texts);
    let shown: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "events.json:3:18: second: '1945-02-30': February 1945 has 28 days, not 30".to_owned(),
            // The bad month of the repeated "first" is not reported: it is ignored.
            format!("events.json:{first_again}:8: first: duplicate id (first defined at line 2); this one is ignored"),
            format!(
                "events.json:{second_again}:8: second: duplicate id (first defined at line 3); this one is ignored"
            ),
            format!("events.json:{first_third}:8: first: duplicate id (first defined at line 2); this one is ignored"),
        ]
    );
    let kept: Vec<(&str, &str)> = loaded
        .dataset
        .events
        .iter()
        .filter(|e| !e.id.starts_with('f') || e.id == "first")
        .map(|e| (e.id.as_str(), e.title.as_str()))
        .collect();
    assert_eq!(kept, [("first", "T first"), ("third", "T third")]);
    assert_eq!(loaded.dataset.events.len(), 2 + 10_000);
}

mod event_order {
    use super::common;
    use crossings::chronology::FuzzyDate;
    use proptest::prelude::*;

    const DATES: [Option<&str>; 7] =
        [None, Some("1945"), Some("1945-08"), Some("1945-08-09"), Some("1944/1946"), Some("1945~"), Some("1945-13")];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, rng_seed: proptest::test_runner::RngSeed::Fixed(11), ..ProptestConfig::default() })]
        /// Each half is sorted on its own thread and the halves are merged: the result is the
        /// valid events, first of each id kept, in date order with ties in file order (a
        /// stable sort of the file), wherever the halves split.
        #[test]
        fn events_come_out_in_date_order_with_ties_in_file_order(
            records in proptest::collection::vec((0usize..12, 0usize..DATES.len()), 0..40),
        ) {
            let text = format!(
                "[{}]",
                records
                    .iter()
                    .enumerate()
                    .map(|(n, (id, date))| {
                        let date = DATES[*date].map_or("null".to_owned(), |d| format!("\"{d}\""));
                        format!(
                            r#"{{"id": "e{id}", "date": {date}, "place": "harbin", "people": ["a-soldier"], "title": "record {n}", "category": "soviet", "sources": ["src-a"]}}"#
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",\n")
            );
            let mut texts = crossings::dataset::Texts::read_dir(&common::fixture("minimal"), &Default::default()).unwrap();
            texts.files[3] = Some(("events.json".to_owned(), text));
            let loaded = common::load_texts("data", &texts);

            // What the loader should keep: the first record of each id (valid or not), if valid.
            let mut seen = std::collections::HashSet::new();
            let mut expected: Vec<(String, (bool, i64, i64))> = Vec::new();
            for (n, (id, date)) in records.iter().enumerate() {
                if !seen.insert(*id) {
                    continue;
                }
                if let Ok(d) = FuzzyDate::parse_optional(DATES[*date]) {
                    expected.push((format!("record {n}"), (d.is_undated(), i64::from(d.earliest.0), i64::from(d.latest.0))));
                }
            }
            expected.sort_by_key(|(_, key)| *key);
            let got: Vec<&str> = loaded.dataset.events.iter().map(|e| e.title.as_str()).collect();
            let want: Vec<&str> = expected.iter().map(|(t, _)| t.as_str()).collect();
            prop_assert_eq!(got, want);
        }
    }
}

#[test]
fn switching_inferred_locations_off_takes_them_off_the_map_but_keeps_the_events() {
    let d = common::bundled().dataset;
    let inferred: Vec<usize> = d
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.place.is_some() && e.place_basis == crossings::model::Basis::Inferred)
        .map(|(i, _)| i)
        .collect();
    assert!(!inferred.is_empty(), "the bundled data places some events by inference");
    let on = Themes::default();
    let off = Themes { inferred_places: false, ..Themes::default() };
    let all = TimeFilter::all();
    let (vis_on, vis_off) = (visibility(&d, &all, &on), visibility(&d, &all, &off));
    // The events still show (in lists); they are no longer counted at their place.
    assert_eq!(vis_on.events, vis_off.events);
    for &i in &inferred {
        let p = d.events[i].place.unwrap();
        let shown_at =
            |v: &crossings::query::Visibility| crossings::query::place_events_shown(&d, v, p).any(|e| e.ix() == i);
        assert!(shown_at(&vis_on), "{}", d.events[i].id);
        assert!(!shown_at(&vis_off), "{} is still listed at its inferred place", d.events[i].id);
    }
    // A place the documents do not locate disappears altogether.
    let moscow = d.place_by_id("moscow").unwrap();
    assert_eq!(d.place(moscow).precision, crossings::model::LocationPrecision::Inferred);
    assert!(vis_on.places[moscow.ix()].is_shown());
    assert!(!vis_off.places[moscow.ix()].is_shown());
}

#[test]
fn events_sort_by_their_first_possible_day_an_unknown_start_never_first_and_precise_before_vague() {
    let d = common::bundled().dataset;
    let keys: Vec<_> = d.events.iter().map(|e| e.order_key()).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
    let first = &d.events[0];
    assert!(!first.date.is_undated() && first.date.earliest != crossings::chronology::Day::MIN, "{}", first.id);
    // Within one day, the narrower date comes first: "1945-08" before "1945".
    let pos = |id: &str| d.events.iter().position(|e| e.id == id).unwrap();
    let by_oct = pos("1945-10-soviet-prisoner-count");
    let war = d.events.iter().position(|e| e.date.to_edtf().as_deref() == Some("1937/1945")).unwrap_or(0);
    assert!(war < by_oct, "an unknown start sorts by its bound, after what began in 1937");
    for w in d.events.windows(2) {
        if w[0].date.sort_day() == w[1].date.sort_day() && !w[0].date.is_undated() && !w[1].date.is_undated() {
            let width = |e: &crossings::model::Event| i64::from(e.date.latest.0) - i64::from(e.date.earliest.0);
            assert!(width(&w[0]) <= width(&w[1]), "{} before {}", w[0].id, w[1].id);
        }
    }
}

/// The threaded events reader gives what the plain one gives, record for record and problem
/// for problem, in the same order, wherever its blocks split the file and whatever limit
/// cuts the list of problems short.
mod threaded_matches_sequential {
    use super::common;
    use crossings::dataset::{self, Input, Limits, LoadOptions, Reader, Texts};
    use proptest::prelude::*;

    /// One event record, drawn from small pools so that ids repeat, references miss and dates
    /// fail; sometimes not an object at all.
    fn event() -> impl Strategy<Value = String> {
        let id = proptest::sample::select(vec!["a", "b", "c", "d", "e", "f", "Bad Id", ""]);
        let date = proptest::sample::select(vec![
            "1945",
            "1945-08-19",
            "1946-02-30",
            "../1954",
            "1945-08/..",
            "",
            "1944~/1946",
            "nonsense",
            "1939-41",
        ]);
        let place = proptest::sample::select(vec!["harbin", "maizuru", "nowhere", ""]);
        let people = proptest::collection::vec(proptest::sample::select(vec!["a-soldier", "nobody"]), 0..3);
        let sources = proptest::collection::vec(proptest::sample::select(vec!["src-a", "unknown"]), 0..2);
        let not_before = proptest::option::of(proptest::sample::select(vec!["1930", "1950", "1945-99"]));
        let shape = 0u8..12;
        (id, date, place, people, sources, not_before, shape).prop_map(
            |(id, date, place, people, sources, not_before, shape)| {
                if shape == 0 {
                    return "[1, 2]".to_owned();
                }
                if shape == 1 {
                    return format!("{{\"id\": \"{id}\", \"title\": 3}}");
                }
                let mut record = serde_json::json!({
                    "id": id, "title": "T", "category": "soviet", "people": people, "sources": sources,
                });
                if !date.is_empty() {
                    record["date"] = date.into();
                }
                if !place.is_empty() {
                    record["place"] = place.into();
                }
                if let Some(bound) = not_before {
                    record["not_before"] = bound.into();
                    if shape > 6 {
                        record["bounds_basis"] = "stated".into();
                    }
                }
                record.to_string()
            },
        )
    }

    fn load(texts: &Texts, reader: Reader, problems: usize) -> dataset::Loaded {
        let limits = Limits { problems, ..Limits::default() };
        let options = LoadOptions { limits, reader, ..LoadOptions::default() };
        dataset::load(Input::Texts { label: "data", texts }, &options).expect("texts always load")
    }

    fn shown(loaded: &dataset::Loaded) -> Vec<String> {
        loaded.problems.iter().map(ToString::to_string).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, rng_seed: proptest::test_runner::RngSeed::Fixed(13), ..ProptestConfig::default() })]
        #[test]
        fn same_records_and_problems_in_the_same_order(
            records in proptest::collection::vec(event(), 0..40),
            block in 1usize..6,
            limit in proptest::option::of(1usize..30),
        ) {
            let mut texts = Texts::read_dir(&common::fixture("minimal"), &Limits::default()).expect("fixture");
            let events = format!("[\n{}\n]", records.join(",\n"));
            texts.files[3] = Some(("events.json".to_owned(), events));
            let limit = limit.unwrap_or(usize::MAX);
            let plain = load(&texts, Reader::Sequential, limit);
            let threaded = load(&texts, Reader::Threaded { block }, limit);
            let (a, b) = (&plain.dataset, &threaded.dataset);
            prop_assert_eq!(&a.events, &b.events);
            prop_assert_eq!(&a.places, &b.places);
            prop_assert_eq!(&a.people, &b.people);
            prop_assert_eq!(&a.sources, &b.sources);
            if limit == usize::MAX {
                prop_assert_eq!(shown(&plain), shown(&threaded));
            } else {
                // Cut short, both list the first problems of all, in order (the threaded list
                // may stop sooner, when one thread's share ran out first), and count the same.
                let count = |l: &dataset::Loaded| {
                    let listed = l.problems.iter().filter(|p| !p.message.contains("more problems are not listed")).count();
                    let more = l
                        .problems
                        .last()
                        .filter(|p| p.message.contains("more problems are not listed"))
                        .and_then(|p| p.message.split(' ').next()?.parse::<usize>().ok());
                    (listed, listed + more.unwrap_or(0))
                };
                let (p, t) = (shown(&plain), shown(&threaded));
                let (plain_listed, plain_total) = count(&plain);
                let (threaded_listed, threaded_total) = count(&threaded);
                prop_assert_eq!(&t[..threaded_listed], &p[..threaded_listed]);
                prop_assert!(threaded_listed <= plain_listed);
                prop_assert_eq!(plain_total, threaded_total);
            }
        }
    }
}

/// `after` must name another event of the file, and the order it gives must not go round in a
/// circle; each problem names the file, line and column of the id in `after`.
#[test]
fn after_names_other_events_and_never_goes_round_in_a_circle() {
    let mut texts = Texts::read_dir(&common::fixture("minimal"), &Default::default()).unwrap();
    let events = r#"[
  {"id": "a", "date": "1945", "title": "A", "category": "soviet", "sources": ["src-a"], "people": ["a-soldier"], "after": ["b"]},
  {"id": "b", "date": "1946", "title": "B", "category": "soviet", "sources": ["src-a"], "after": ["a"]},
  {"id": "c", "date": "1947", "title": "C", "category": "soviet", "sources": ["src-a"], "after": ["nowhere", "c"]}
]"#;
    texts.files[3] = Some(("events.json".to_owned(), events.to_owned()));
    let loaded = common::load_texts("data", &texts);
    let shown: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
    assert!(shown.contains(&"events.json:4:99: c: after: unknown event 'nowhere'".to_owned()), "{shown:#?}");
    assert!(shown.contains(&"events.json:4:110: c: after: an event cannot come after itself".to_owned()), "{shown:#?}");
    assert!(
        shown
            .iter()
            .any(|p| p.contains("goes round in a circle (") && p.contains("a → b → a") || p.contains("b → a → b")),
        "{shown:#?}"
    );
    // The events are kept (the order falls back to the dates).
    assert_eq!(loaded.dataset.events.len(), 3);
}

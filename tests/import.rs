//! Importing users' own files: the fixtures are made by the programs such files come from
//! (iconv's Shift_JIS and GBK, openpyxl's XLSX, ogr2ogr's GeoPackage; see
//! tests/fixtures/import/make.sh), and every import is read back as `validate` reads it.

mod common;

use std::path::{Path, PathBuf};

use crossings::dataset::Severity;
use crossings::dataset::write::Records;
use crossings::import::{self, Field, ImportError, ImportOptions, Imported, Mapping};

fn fixture(name: &str) -> PathBuf {
    common::fixture("import").join(name)
}

fn import(name: &str) -> Imported {
    import::import(&fixture(name), &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Writes the records as a folder and loads it as the app does: no error may remain.
fn written_and_valid(imported: &Imported) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("atlas");
    import::write_dataset(&out, imported).unwrap();
    let loaded = common::load_dir(&out).unwrap();
    let errors: Vec<String> = loaded.problems.iter().filter(|p| !p.is_warning()).map(|p| p.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(loaded.dataset.events.len(), imported.records.events.len());
    assert_eq!(loaded.dataset.places.len(), imported.records.places.len());
    dir
}

fn event<'a>(r: &'a Records, title: &str) -> &'a crossings::dataset::write::EventRecord {
    r.events.iter().find(|e| e.title == title).unwrap_or_else(|| panic!("no event '{title}'"))
}

fn place_of<'a>(r: &'a Records, title: &str) -> &'a crossings::dataset::write::PlaceRecord {
    let id = event(r, title).place.as_deref().unwrap_or_else(|| panic!("'{title}' has no place"));
    r.places.iter().find(|p| p.id == id).unwrap()
}

#[test]
fn a_shift_jis_csv_from_excel_is_detected_read_and_every_unused_row_named() {
    let imp = import("returnees-sjis.csv");
    assert_eq!(imp.info.encoding.as_deref(), Some("Shift_JIS"));
    assert_eq!(imp.info.delimiter, Some(b','));
    assert!(imp.guessed);
    assert_eq!(imp.mapping.get(Field::Place), Some("地名"));
    assert_eq!(imp.mapping.get(Field::Latitude), Some("緯度"));
    assert_eq!(imp.mapping.get(Field::People), Some("氏名"));
    let r = &imp.records;
    // 舞鶴 on three rows is one place; 山田太郎 on two rows is one person.
    assert_eq!(r.places.iter().filter(|p| p.name == "舞鶴").count(), 1);
    assert_eq!(r.people.iter().filter(|p| p.name == "山田太郎").count(), 1);
    assert_eq!(event(r, "ナホトカから舞鶴に引き揚げる").date.as_deref(), Some("1946-08"), "昭和21年8月");
    assert_eq!(event(r, "舞鶴に上陸").date.as_deref(), Some("1947~"), "c. 1947");
    assert_eq!(place_of(r, "ナホトカで引揚船に乗る").country.as_deref(), Some("Russia"));
    // Shōwa 70 does not exist: kept undated, the text in its note, and named.
    let internment = event(r, "収容所に抑留");
    assert_eq!(internment.date, None);
    assert!(internment.note.as_deref().unwrap_or("").contains("昭和70年"));
    let shown: Vec<String> = imp.problems.iter().map(|p| p.to_string()).collect();
    let file = fixture("returnees-sjis.csv").display().to_string();
    assert!(
        shown.contains(&format!(
            "{file}:5:日付: '昭和70年': Shōwa (昭和) has no year 70 (it ran to year 64); the event is kept undated"
        )),
        "{shown:#?}"
    );
    assert!(shown.iter().any(|p| p.starts_with(&format!("{file}:6: nothing to import"))), "{shown:#?}");
    assert!(
        shown.iter().any(|p| p.starts_with(&format!("{file}:7:緯度: latitude 135.3956")) && p.contains("swapped")),
        "{shown:#?}"
    );
    // The swapped row's event still finds 舞鶴 by its name.
    let landings: Vec<_> = r.events.iter().filter(|e| e.title == "舞鶴に上陸").collect();
    assert!(landings.iter().all(|e| e.place == landings[0].place && e.place.is_some()));
    assert_eq!((imp.rows_read, imp.rows_used), (6, 5));
    written_and_valid(&imp);
}

#[test]
fn a_gbk_table_with_start_and_end_columns_and_chinese_headers() {
    let imp = import("camps-gbk.csv");
    assert_eq!(imp.info.encoding.as_deref(), Some("GBK/GB18030"));
    assert_eq!(imp.info.delimiter, Some(b';'));
    assert_eq!(imp.mapping.get(Field::Start), Some("开始"));
    assert_eq!(imp.mapping.get(Field::End), Some("结束"));
    let r = &imp.records;
    assert_eq!(event(r, "日本工农学校").date.as_deref(), Some("1940/1945-08"));
    assert_eq!(event(r, "八路军").date.as_deref(), Some("1939/1941"), "1939-41 with no end");
    assert_eq!(r.people.len(), 2, "山田太郎、佐藤花子 split on 、, 山田太郎 once");
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    written_and_valid(&imp);
}

#[test]
fn excels_unicode_text_is_utf16_with_one_lat_lon_column() {
    let imp = import("events-utf16.txt");
    assert_eq!(imp.info.encoding.as_deref(), Some("UTF-16LE"));
    assert_eq!(imp.info.delimiter, Some(b'\t'));
    assert_eq!(imp.mapping.get(Field::LatLon), Some("lat, lon"));
    let harbin = place_of(&imp.records, "The Soviet offensive reaches Harbin");
    assert_eq!(harbin.lon_lat, [126.63, 45.75]);
    assert_eq!(event(&imp.records, "The Soviet offensive reaches Harbin").date.as_deref(), Some("1945-08-09"));
}

#[test]
fn an_xlsx_from_a_spreadsheet_library_reads_typed_dates_day_numbers_and_seasons() {
    let imp = import("returnees.xlsx");
    assert_eq!(imp.info.sheet.as_deref(), Some("Returnees"));
    assert_eq!(imp.info.other_sheets, ["Notes"]);
    assert_eq!(imp.mapping.get(Field::Place), Some("Place"));
    assert_eq!(imp.mapping.get(Field::People), Some("Name"));
    let r = &imp.records;
    assert_eq!(event(r, "Lands at Maizuru").date.as_deref(), Some("1946-08-15"), "a date-typed cell");
    assert_eq!(event(r, "Boards a repatriation ship").date.as_deref(), Some("1946-07"));
    assert_eq!(event(r, "Interned").date.as_deref(), Some("1945-08-15"), "day number 16664");
    assert_eq!(event(r, "Held in Manchuria, then Siberia").date.as_deref(), Some("1945-08/1949"));
    assert!(r.events.iter().any(|e| e.date.as_deref() == Some("1946-21")), "spring 1946");
    assert!(
        imp.readings.iter().any(|(text, how, _)| text == "16664" && how.contains("day number")),
        "{:?}",
        imp.readings
    );
    // Maizuru on two rows is one place.
    assert_eq!(r.places.iter().filter(|p| p.name == "Maizuru").count(), 1);
    written_and_valid(&imp);

    let notes = import::import(
        &fixture("returnees.xlsx"),
        &ImportOptions { sheet: Some("Notes".into()), ..Default::default() },
    )
    .unwrap();
    assert_eq!(notes.info.sheet.as_deref(), Some("Notes"));
    let missing =
        import::import(&fixture("returnees.xlsx"), &ImportOptions { sheet: Some("Nope".into()), ..Default::default() });
    assert!(matches!(missing, Err(ImportError::NoSuchSheet { .. })));
    assert!(missing.unwrap_err().to_string().contains("it has: Returnees, Notes"));
}

#[test]
fn a_geopackage_from_ogr2ogr_gives_its_points_and_date_columns() {
    let imp = import("camps.gpkg");
    assert_eq!(imp.info.sheet.as_deref(), Some("camps"));
    let r = &imp.records;
    assert_eq!(r.places.len(), 2);
    let yanan = place_of(r, "Japanese Workers' and Peasants' School");
    assert_eq!(yanan.lon_lat, [109.4897, 36.5853]);
    assert_eq!(event(r, "Peace Village camp").date.as_deref(), Some("1944-06-01/1945-08-15"));
    written_and_valid(&imp);
}

#[test]
fn kml_placemarks_keep_their_time_spans_and_a_line_is_named_not_dropped() {
    let imp = import("placemarks.kml");
    let r = &imp.records;
    let harbin = r.events.iter().find(|e| e.place.as_deref() == Some("harbin")).unwrap();
    assert_eq!(harbin.date.as_deref(), Some("1945-08-09/1945-08-20"));
    assert_eq!(r.people.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Yamada Taro"]);
    assert!(r.events.iter().any(|e| e.date.as_deref() == Some("1946-08")));
    let line = imp
        .problems
        .iter()
        .find(|p| p.row == 3 && p.message.contains("line or polygon"))
        .expect("the railway is named");
    assert_eq!(line.severity, Severity::Error);
    written_and_valid(&imp);
}

#[test]
fn a_saved_mapping_repeats_an_import_and_one_that_does_not_fit_says_which_column() {
    let first = import("returnees-sjis.csv");
    let saved = Mapping::from_json(&first.mapping.to_json()).unwrap();
    let again =
        import::import(&fixture("returnees-sjis.csv"), &ImportOptions { mapping: Some(saved), ..Default::default() })
            .unwrap();
    assert!(!again.guessed);
    assert_eq!(again.records, first.records);

    let mut wrong = Mapping::default();
    wrong.set(Field::Place, Some("place name".into()));
    let e =
        import::import(&fixture("returnees-sjis.csv"), &ImportOptions { mapping: Some(wrong), ..Default::default() })
            .unwrap_err();
    assert!(e.to_string().contains("column 'place name', which the file does not have"), "{e}");
}

/// Exports the bundled data in a format, imports that file, exports again: the same rows.
fn round_trip(format: crossings::export::Format, name: &str) {
    let bundled = common::bundled();
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join(name);
    let request = |format| crossings::export::ExportRequest { format, ..Default::default() };
    crossings::export::export_file(&first, &bundled.dataset, &request(format)).unwrap();
    let imp = import::import(&first, &ImportOptions::default()).unwrap();
    assert!(imp.problems.is_empty(), "{:#?}", &imp.problems[..imp.problems.len().min(5)]);
    let folder = written_and_valid(&imp);
    let back = common::load_dir(&folder.path().join("atlas")).unwrap();
    let csv = crossings::export::Format::Csv;
    let a = crossings::export::export(&bundled.dataset, &request(csv)).text;
    let b = crossings::export::export(&back.dataset, &request(csv)).text;
    assert_eq!(back.dataset.places.len(), bundled.dataset.places.len());
    assert_eq!(back.dataset.events.len(), bundled.dataset.events.iter().filter(|e| e.place.is_some()).count());
    for (x, y) in a.lines().zip(b.lines()) {
        assert_eq!(x, y);
    }
    assert_eq!(a, b, "export, import, export: the same rows");
}

#[test]
fn a_csv_export_imported_and_exported_again_is_the_same() {
    round_trip(crossings::export::Format::Csv, "atlas.csv");
}

#[test]
fn a_geopackage_export_imported_and_exported_again_is_the_same() {
    round_trip(crossings::export::Format::Gpkg, "atlas.gpkg");
}

#[test]
fn hostile_files_get_a_clear_message_and_nothing_else() {
    let bomb = import::import(&fixture("bomb.xlsx"), &ImportOptions::default()).unwrap_err();
    assert!(matches!(bomb, ImportError::ZipBomb { .. }), "{bomb}");
    assert!(bomb.to_string().contains("bomb.xlsx: refused as a possible zip bomb"), "{bomb}");

    let xxe = import::import(&fixture("xxe.kml"), &ImportOptions::default()).unwrap_err();
    assert!(xxe.to_string().contains("document type declaration"), "{xxe}");
    assert!(!xxe.to_string().contains("root:"), "{xxe}");

    let fake = import::import(&fixture("not-sqlite.gpkg"), &ImportOptions::default()).unwrap_err();
    assert!(fake.to_string().contains("not-sqlite.gpkg: not a GeoPackage"), "{fake}");

    let dir = tempfile::tempdir().unwrap();
    let wide = dir.path().join("wide.csv");
    let header: Vec<String> = (0..1_000_000).map(|i| format!("c{i}")).collect();
    std::fs::write(&wide, format!("{}\n1,2\n", header.join(","))).unwrap();
    let started = std::time::Instant::now();
    let e = import::import(&wide, &ImportOptions::default()).unwrap_err();
    assert!(e.to_string().contains("wide.csv: 1000000 columns is more than the 4096"), "{e}");
    assert!(started.elapsed().as_secs() < 30);

    let unknown = import::import(Path::new("notes.docx"), &ImportOptions::default()).unwrap_err();
    assert!(unknown.to_string().contains("unknown file type"), "{unknown}");
}

#[test]
fn limits_apply_to_every_format() {
    let small = crossings::import::ImportLimits { rows: 1, ..Default::default() };
    for name in ["returnees-sjis.csv", "returnees.xlsx", "placemarks.kml"] {
        let options = ImportOptions { limits: small, ..Default::default() };
        match import::import(&fixture(name), &options) {
            // Streamed formats stop at the limit and say so as the last problem.
            Ok(imp) => assert!(
                imp.problems.iter().any(|p| p.message.contains("more than 1 rows")),
                "{name}: {:?}",
                imp.problems
            ),
            Err(e) => assert!(e.to_string().contains("more than 1 rows"), "{name}: {e}"),
        }
    }
    let tiny = crossings::import::ImportLimits { file_bytes: 10, ..Default::default() };
    for name in ["returnees-sjis.csv", "returnees.xlsx", "placemarks.kml", "camps.gpkg"] {
        let e = import::import(&fixture(name), &ImportOptions { limits: tiny, ..Default::default() }).unwrap_err();
        assert!(matches!(e, ImportError::TooLarge { .. }), "{name}: {e}");
    }
}

#[test]
fn the_command_prints_the_mapping_the_readings_and_the_problems_and_fails_on_unused_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("atlas");
    let mapping = dir.path().join("mapping.json");
    let run = common::crossings()
        .args([
            "import",
            fixture("returnees-sjis.csv").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--save-mapping",
            mapping.to_str().unwrap(),
            "--validate",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Shift_JIS (detected)"), "{stdout}");
    assert!(stdout.contains("place           <- 地名"), "{stdout}");
    assert!(stdout.contains("昭和21年8月 -> 1946-08 (August 1946); Shōwa 21 is 1946"), "{stdout}");
    assert!(stdout.contains(":5:日付: '昭和70年'"), "{stdout}");
    assert!(stdout.contains("6 rows read, 5 used"), "{stdout}");
    assert!(stdout.contains("validate: 0 problems"), "{stdout}");
    assert!(out.join("events.json").is_file());

    // Repeated with the saved mapping, into a folder that holds files: refused, kept.
    let again = common::crossings()
        .args([
            "import",
            fixture("returnees-sjis.csv").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--mapping",
            mapping.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds files"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(out.join("events.json").is_file());
}

#[test]
fn a_cell_longer_than_the_limit_is_cut_and_said_to_be() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.csv");
    std::fs::write(&path, format!("place,lat,lon,date,summary\nHarbin,45.75,126.63,1945-08,{}\n", "x".repeat(500)))
        .unwrap();
    let limits = crossings::import::ImportLimits { string_bytes: 100, ..Default::default() };
    let imp = import::import(&path, &ImportOptions { limits, ..Default::default() }).unwrap();
    assert_eq!(imp.records.events[0].summary.len(), 100);
    let said = imp.problems.iter().find(|p| p.row == 2).expect("the cut is named");
    assert!(said.message.contains("column E holds 500 bytes; only the first 100 are kept"), "{said}");

    // The GIS formats name the property cut: a GeoJSON property, a KML ExtendedData value
    // and a GeoPackage column.
    let long = "y".repeat(500);
    let geojson = dir.path().join("long.geojson");
    std::fs::write(
        &geojson,
        format!(
            r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {{"name": "Harbin", "date": "1945-08", "story": "{long}"}},
               "geometry": {{"type": "Point", "coordinates": [126.63, 45.75]}}}}]}}"#
        ),
    )
    .unwrap();
    let kml = dir.path().join("long.kml");
    std::fs::write(
        &kml,
        format!(
            r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Harbin</name>
               <TimeStamp><when>1945-08</when></TimeStamp><ExtendedData><Data name="story"><value>{long}</value></Data></ExtendedData>
               <Point><coordinates>126.63,45.75</coordinates></Point></Placemark></Document></kml>"#
        ),
    )
    .unwrap();
    for (path, row) in [(geojson, 1), (kml, 1), (fixture("camps.gpkg"), 1)] {
        let limits = crossings::import::ImportLimits { string_bytes: 20, ..Default::default() };
        let imp = import::import(&path, &ImportOptions { limits, ..Default::default() }).unwrap();
        let said = imp.problems.iter().find(|p| p.row == row).unwrap_or_else(|| panic!("{path:?}: {:?}", imp.problems));
        let (name, bytes) = if path.ends_with("camps.gpkg") { ("title", 38) } else { ("story", 500) };
        let want = format!("the '{name}' value holds {bytes} bytes; only the first 20 are kept");
        assert!(said.message.contains(&want), "{path:?}: {said}");
    }
}

#[test]
fn geojson_points_with_date_properties_become_places_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("camps.geojson");
    std::fs::write(
        &path,
        r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "id": "zhenyuan", "properties": {"name": "Zhenyuan", "start": "1944-06", "end": "1945-08-15", "title": "Peace Village"},
           "geometry": {"type": "Point", "coordinates": [108.43, 27.05]}},
          {"type": "Feature", "properties": {"name": "Front", "when": "1945"},
           "geometry": {"type": "LineString", "coordinates": [[110, 30], [112, 31]]}}]}"#,
    )
    .unwrap();
    let imp = import::import(&path, &ImportOptions::default()).unwrap();
    assert_eq!(imp.mapping.get(Field::Place), Some("name"));
    assert_eq!(imp.mapping.get(Field::Longitude), Some("longitude"));
    let e = event(&imp.records, "Peace Village");
    assert_eq!(e.date.as_deref(), Some("1944-06/1945-08-15"));
    assert_eq!(place_of(&imp.records, "Peace Village").lon_lat, [108.43, 27.05]);
    assert!(imp.problems.iter().any(|p| p.row == 2 && p.message.contains("a line")), "{:?}", imp.problems);
    written_and_valid(&imp);
}

/// A file that is UTF-8 for its first megabyte (so read as UTF-8, without a decoding pass) and
/// then holds a Windows-1252 byte: that row is used, with U+FFFD, and said to be on its own
/// line. Its 30,000 rows also cross many of the batches the reading thread hands over.
#[test]
fn a_stray_byte_deep_in_a_utf8_file_is_named_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.csv");
    let mut text = b"place,lat,lon,date,title\n".to_vec();
    let rows = 30_000;
    for i in 0..rows {
        text.extend_from_slice(format!("Harbin {i},45.75,126.63,1945-08,Event number {i:08} at Harbin\n").as_bytes());
    }
    assert!(text.len() > (1 << 20) + 4096);
    text.extend_from_slice(b"Mukden,41.8,123.4,1945-08,Caf\xe9\n");
    std::fs::write(&path, &text).unwrap();
    let imp = import::import(&path, &ImportOptions::default()).unwrap();
    assert_eq!(imp.info.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(imp.rows_read, rows + 1);
    assert_eq!(imp.records.events.len(), rows + 1);
    assert_eq!(event(&imp.records, "Caf\u{FFFD}").date.as_deref(), Some("1945-08"));
    let said = imp.problems.iter().find(|p| p.row == rows + 2).expect("the stray byte is named on its line");
    assert!(said.message.contains("column E holds bytes that are not UTF-8"), "{said}");
    assert_eq!(imp.problems.len(), 1, "{:?}", imp.problems);
}

/// The other legacy encodings the issue names, each saved by iconv as Excel would: Big5
/// (Traditional Chinese, Taiwan) and Windows-1252 (western Europe, with decimal commas).
#[test]
fn big5_and_windows_1252_tables_are_detected_and_read() {
    let tw = import("taiwan-big5.csv");
    assert_eq!(tw.info.encoding.as_deref(), Some("Big5"));
    assert_eq!(tw.info.encoding_by, Some("detected"));
    assert_eq!(tw.mapping.get(Field::Place), Some("地點"));
    assert_eq!(tw.mapping.get(Field::Latitude), Some("緯度"));
    let keelung = tw.records.places.iter().find(|p| p.name == "基隆").expect("基隆 read from Big5");
    assert_eq!(keelung.lon_lat, [121.7419, 25.1283]);
    assert_eq!(event(&tw.records, "日本人由基隆港遣返").date.as_deref(), Some("1946-03"));
    written_and_valid(&tw);

    let fr = import("musee-cp1252.csv");
    assert_eq!(fr.info.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(fr.info.delimiter, Some(b';'));
    assert_eq!(fr.mapping.get(Field::Title), Some("Événement"));
    let e = event(&fr.records, "Arrivée à Maizuru");
    assert!(e.summary.starts_with("Débarquement des rapatriés"), "{}", e.summary);
    assert_eq!(place_of(&fr.records, "Arrivée à Maizuru").lon_lat, [135.3956, 35.4675], "decimal commas");
    assert!(fr.problems.is_empty(), "{:?}", fr.problems);
    written_and_valid(&fr);
}

/// The XLSX fixture's first sheet as Excel 97-2003 writes it (xlwt) and as OpenDocument
/// (odfpy): the date-typed cell is a day, the typed text a month.
#[test]
fn xls_and_ods_sheets_read_like_the_xlsx() {
    for name in ["returnees.xls", "returnees.ods"] {
        let imp = import(name);
        assert_eq!(imp.info.sheet.as_deref(), Some("Returnees"), "{name}");
        assert_eq!(imp.mapping.get(Field::Place), Some("Place"), "{name}");
        let r = &imp.records;
        assert_eq!(event(r, "Lands at Maizuru").date.as_deref(), Some("1946-08-15"), "{name}: a date-typed cell");
        assert_eq!(event(r, "Boards a repatriation ship").date.as_deref(), Some("1946-07"), "{name}");
        assert_eq!(place_of(r, "Held in Manchuria").lon_lat, [126.63, 45.75], "{name}");
        assert_eq!(r.people.len(), 3, "{name}");
        assert!(imp.problems.is_empty(), "{name}: {:?}", imp.problems);
        written_and_valid(&imp);
    }
}

/// A KML written by GDAL's LIBKML driver (Google's libkml): its TimeSpans become the events'
/// dates, its SchemaData the other columns, its CDATA names are read as text.
#[test]
fn a_kml_written_by_libkml_keeps_its_time_spans() {
    let imp = import("camps-libkml.kml");
    assert_eq!(imp.mapping.get(Field::Title), Some("title"));
    let r = &imp.records;
    assert_eq!(event(r, "Peace Village camp").date.as_deref(), Some("1944-06-01/1945-08-15"));
    let school = event(r, "Japanese Workers' and Peasants' School");
    assert_eq!(school.date.as_deref(), Some("1940-05-01/1945-08-31"));
    assert_eq!(place_of(r, "Japanese Workers' and Peasants' School").name, "Yan'an");
    assert_eq!(place_of(r, "Peace Village camp").lon_lat, [108.4297, 27.0497]);
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    written_and_valid(&imp);
}

#[test]
fn past_the_problem_limit_the_first_problems_by_row_are_listed_whenever_they_were_found() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("limit.csv");
    // Row 2's country is wrong (found after all the rows are read); rows 3 to 5 have
    // unreadable dates (found as each row is read). With room for two, rows 2 and 3 are
    // listed and the other two counted.
    std::fs::write(
        &csv,
        "place,latitude,longitude,country,date,title\n\
         Harbin,45.75,126.65,Japan,1945-08,Soviet entry\n\
         Mukden,41.8,123.4,,sometime,Camp opened\n\
         Dairen,38.92,121.6,,one day,Port taken\n\
         Maizuru,35.47,135.33,,whenever,Ships arrive\n",
    )
    .unwrap();
    let mut options = ImportOptions::default();
    options.limits.problems = 2;
    let imp = import::import(&csv, &options).unwrap();
    let rows: Vec<(usize, Option<&str>)> = imp.problems.iter().map(|p| (p.row, p.column.as_deref())).collect();
    assert_eq!(rows, [(2, Some("country")), (3, Some("date"))], "{:#?}", imp.problems);
    assert_eq!(imp.problems_dropped, 2);
}

#[test]
fn a_written_country_is_kept_when_the_point_lies_in_it_and_otherwise_left_out_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("countries.csv");
    // Row 2: Tokyo in Japan (kept). Row 3: Harbin said to be in Japan (left out, kept in the
    // note, a warning). Row 4: Maizuru without a country (the basemap's). Row 5: Mukden, an
    // unreadable date (an error), after the warning of row 3 in the list.
    std::fs::write(
        &csv,
        "place,latitude,longitude,country,date,title\n\
         Tokyo,35.6895,139.6917,Japan,1945-08,Surrender broadcast\n\
         Harbin,45.75,126.65,Japan,1945-08,Soviet entry\n\
         Maizuru,35.47,135.33,,1946,Ships arrive\n\
         Mukden,41.8,123.4,China,sometime,Camp opened\n",
    )
    .unwrap();
    let imp = import::import(&csv, &ImportOptions::default()).unwrap();
    let r = &imp.records;
    assert_eq!(place_of(r, "Surrender broadcast").country.as_deref(), Some("Japan"));
    let harbin = place_of(r, "Soviet entry");
    assert_eq!(harbin.country, None);
    assert_eq!(harbin.note.as_deref(), Some("Country as written: Japan."));
    assert_eq!(place_of(r, "Ships arrive").country.as_deref(), Some("Japan"));
    assert_eq!(place_of(r, "Camp opened").country.as_deref(), Some("China"));
    let rows: Vec<(usize, Option<&str>, Severity)> =
        imp.problems.iter().map(|p| (p.row, p.column.as_deref(), p.severity)).collect();
    assert_eq!(
        rows,
        [(3, Some("country"), Severity::Warning), (5, Some("date"), Severity::Error)],
        "{:#?}",
        imp.problems
    );
    written_and_valid(&imp);
}

/// The import writes only what the loader accepts, and says every change on its row: any
/// table, however its cells are filled (ids repeated or malformed, dates the loader would
/// refuse beside their bounds, open ends, language tags, texts at the length limit), gives a
/// folder that loads without an error, and each warning the loader gives was already given
/// on a row. This is what lets `crossings import` skip reading the folder back.
mod written_as_the_loader_reads {
    use super::*;
    use proptest::prelude::*;

    const HEADERS: [&str; 19] = [
        "event_id",
        "date",
        "not_before",
        "not_after",
        "date_basis",
        "title",
        "summary",
        "theme",
        "people",
        "sources",
        "place_id",
        "place",
        "names",
        "latitude",
        "longitude",
        "country",
        "precision",
        "place_category",
        "note",
    ];

    fn one_of(values: &'static [&'static str]) -> BoxedStrategy<String> {
        proptest::sample::select(values).prop_map(str::to_owned).boxed()
    }

    /// A cell for each header, from values people type, good and bad.
    fn row() -> impl Strategy<Value = Vec<String>> {
        let long = "long text that runs past the sixty-four bytes a text may hold here";
        let cells: Vec<BoxedStrategy<String>> = vec![
            one_of(&["", "e1", "e1", "e-2", "E 3", "ev_4"]),
            one_of(&[
                "",
                "1945-08",
                "Aug 1945",
                "昭和20年",
                "before 1950",
                "after 1945",
                "../1942-02",
                "1945/..",
                "1939–1941",
                "c. 1940",
                "1940s",
                "spring 1946",
                "1945-02-30",
                "not a date",
                "1946-02-16",
                "long text that runs past the sixty-four bytes a text may hold here and more",
            ]),
            one_of(&["", "", "1932", "1944", "1946", "1950", "1939/1941", "later"]),
            one_of(&["", "", "1932", "1944", "1946", "1955", "1939/1941"]),
            one_of(&["", "stated", "inferred", "maybe"]),
            prop_oneof![one_of(&["", "Surrender", "   "]), Just(long.to_owned())].boxed(),
            one_of(&["", "Summary."]),
            one_of(&["", "soviet", "Siberia", "nonsense"]),
            one_of(&["", "Ono Kenji", "Ono Kenji; Sato", "A|A", "；"]),
            one_of(&["", "Memoir", "Memoir; Register", " ; "]),
            one_of(&["", "p1", "p1", "P 2", "p3"]),
            one_of(&["", "Harbin", "哈尔滨", "Maizuru"]),
            one_of(&["", "哈尔滨 [zh-Hans]", "Harbin [Chinese!]", "X [ja]; Y [bad tag]", "[ja]", "Z [ru"]),
            one_of(&["", "45.75", "35.47", "junk", "95"]),
            one_of(&["", "126.63", "135.38", "-200"]),
            one_of(&["", "China", "Japan", "Atlantis"]),
            one_of(&["", "exact", "bogus"]),
            one_of(&["", "camp", "bogus"]),
            prop_oneof![one_of(&["", "n"]), Just(long.to_owned())].boxed(),
        ];
        cells
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, rng_seed: proptest::test_runner::RngSeed::Fixed(17), ..ProptestConfig::default() })]
        #[test]
        fn any_table_imports_to_a_folder_that_loads_without_an_error(rows in proptest::collection::vec(row(), 1..10)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("rows.csv");
            let mut csv = csv::Writer::from_path(&path).unwrap();
            csv.write_record(HEADERS).unwrap();
            for r in &rows {
                csv.write_record(r).unwrap();
            }
            csv.flush().unwrap();
            drop(csv);
            let max = 64;
            let limits = import::ImportLimits { string_bytes: max, ..Default::default() };
            let imp = import::import(&path, &ImportOptions { limits, ..Default::default() }).unwrap();
            let out = dir.path().join("atlas");
            import::write_dataset(&out, &imp).unwrap();
            let options = crossings::dataset::LoadOptions {
                limits: crossings::dataset::Limits { string_bytes: max, ..Default::default() },
                ..Default::default()
            };
            let loaded = crossings::dataset::load(crossings::dataset::Input::Folder(&out), &options).unwrap();
            let errors: Vec<String> = loaded.problems.iter().filter(|p| !p.is_warning()).map(ToString::to_string).collect();
            prop_assert!(errors.is_empty(), "{errors:#?}\nfrom {rows:#?}");
            for w in loaded.problems.iter().filter(|p| p.is_warning()) {
                prop_assert!(
                    imp.problems.iter().any(|p| p.message == w.message),
                    "the loader warns '{w}', and the import did not say so on a row: {:#?}", imp.problems
                );
            }
            let d = &loaded.dataset;
            let r = &imp.records;
            prop_assert_eq!(
                (d.events.len(), d.places.len(), d.people.len(), d.sources.len()),
                (r.events.len(), r.places.len(), r.people.len(), r.sources.len())
            );
        }
    }
}

/// The preview says of each cell what the import will: how a date or bound is read, and what
/// is changed or cannot be used (a bound that contradicts its date, an end left open, a theme
/// it does not know), warnings told apart from cells that cannot be used.
#[test]
fn the_preview_shows_what_the_import_will_say_of_each_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.csv");
    std::fs::write(
        &path,
        "place,latitude,longitude,date,not_before,theme\n\
         Harbin,45.75,126.63,before 1950,,soviet\n\
         Maizuru,35.47,135.38,1946-08,1947,homecoming\n\
         Mukden,41.8,123.43,1945,,soviet\n",
    )
    .unwrap();
    let preview = import::preview(&path, &ImportOptions::default(), 10).unwrap();
    let col = |name: &str| preview.headers.iter().position(|h| h == name).unwrap();
    let cell = |row: usize, name: &str| &preview.rows.iter().find(|(n, _)| *n == row).unwrap().1[col(name)];

    let open = cell(2, "date");
    assert!(open.problem.as_deref().is_some_and(|p| p.contains("open or unknown and has no not_before")), "{open:?}");
    assert!(open.warning);
    let bound = cell(3, "not_before");
    assert!(bound.reading.as_deref().is_some_and(|r| r.starts_with("1947")), "{bound:?}");
    assert!(bound.problem.as_deref().is_some_and(|p| p.contains("contradicts the date '1946-08'")), "{bound:?}");
    assert!(!bound.warning, "a bound left out is a cell not used");
    let theme = cell(3, "theme");
    assert!(theme.problem.as_deref().is_some_and(|p| p.contains("unknown theme 'homecoming'")), "{theme:?}");
    assert!(theme.warning);
    for name in ["place", "date", "not_before", "theme"] {
        assert_eq!(cell(4, name).problem, None, "{name}");
    }
}

//! Which column holds what: guessed from header names in English, Japanese and Chinese and
//! from the values, shown to the user, saved to a file so an import can be repeated.

use serde::{Deserialize, Serialize};

use super::cells::{read_date, read_degrees, read_lat_lon};
use super::table::{Row, Value};

/// What a column can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The place's id (kept when valid, so a round trip keeps ids).
    PlaceId,
    /// The place's name.
    Place,
    /// Latitude in degrees.
    Latitude,
    /// Longitude in degrees.
    Longitude,
    /// Both: `lat, lon` or WKT `POINT (lon lat)`.
    LatLon,
    /// The place's present-day country (a Natural Earth name).
    Country,
    /// How well the point is known (exact, city, region, inferred, country).
    Precision,
    /// What kind of place (city, port, camp, ...).
    Category,
    /// Names of the place in other scripts: `哈尔滨 [zh-Hans]; ハルビン [ja]`.
    Names,
    /// The event's id.
    EventId,
    /// The event's date (any form people type).
    Date,
    /// Its start, with [`Field::End`].
    Start,
    /// Its end.
    End,
    /// The earliest an uncertain start can be (EDTF or any date form).
    NotBefore,
    /// The latest an uncertain end can be.
    NotAfter,
    /// `stated` or `inferred`: whether a document gives the date.
    DateBasis,
    /// Whether a document gives the bounds.
    BoundsBasis,
    /// Whether a document gives the place.
    PlaceBasis,
    /// The event's title.
    Title,
    /// What happened.
    Summary,
    /// People, separated by `;`, `、` or `|`.
    People,
    /// The source the row comes from (several separated by `;`).
    Source,
    /// The theme (one of the atlas's themes; anything else is read as background).
    Theme,
    /// A remark.
    Note,
}

impl Field {
    /// Every field, in the order the mapping step lists them.
    pub const ALL: [Field; 24] = [
        Field::Place,
        Field::Latitude,
        Field::Longitude,
        Field::LatLon,
        Field::Date,
        Field::Start,
        Field::End,
        Field::Title,
        Field::Summary,
        Field::People,
        Field::Source,
        Field::Theme,
        Field::Note,
        Field::PlaceId,
        Field::EventId,
        Field::Country,
        Field::Precision,
        Field::Category,
        Field::Names,
        Field::NotBefore,
        Field::NotAfter,
        Field::DateBasis,
        Field::BoundsBasis,
        Field::PlaceBasis,
    ];

    /// The field's name in mapping files and messages.
    pub fn key(self) -> &'static str {
        match self {
            Field::PlaceId => "place_id",
            Field::Place => "place",
            Field::Latitude => "latitude",
            Field::Longitude => "longitude",
            Field::LatLon => "lat_lon",
            Field::Country => "country",
            Field::Precision => "precision",
            Field::Category => "place_category",
            Field::Names => "names",
            Field::EventId => "event_id",
            Field::Date => "date",
            Field::Start => "start",
            Field::End => "end",
            Field::NotBefore => "not_before",
            Field::NotAfter => "not_after",
            Field::DateBasis => "date_basis",
            Field::BoundsBasis => "bounds_basis",
            Field::PlaceBasis => "place_basis",
            Field::Title => "title",
            Field::Summary => "summary",
            Field::People => "people",
            Field::Source => "source",
            Field::Theme => "theme",
            Field::Note => "note",
        }
    }

    /// The field's label in the mapping step.
    pub fn label(self) -> &'static str {
        match self {
            Field::PlaceId => "Place id",
            Field::Place => "Place name",
            Field::Latitude => "Latitude",
            Field::Longitude => "Longitude",
            Field::LatLon => "Latitude, longitude (one column)",
            Field::Country => "Country",
            Field::Precision => "Location precision",
            Field::Category => "Place category",
            Field::Names => "Other names",
            Field::EventId => "Event id",
            Field::Date => "Date",
            Field::Start => "Start date",
            Field::End => "End date",
            Field::NotBefore => "Not before (outer bound)",
            Field::NotAfter => "Not after (outer bound)",
            Field::DateBasis => "Date basis (stated or inferred)",
            Field::BoundsBasis => "Bounds basis",
            Field::PlaceBasis => "Place basis",
            Field::Title => "Event title",
            Field::Summary => "Summary",
            Field::People => "People",
            Field::Source => "Source",
            Field::Theme => "Theme",
            Field::Note => "Note",
        }
    }

    /// Header names that mean this field, normalised (lowercase, no spaces, `_`, `-` or `.`).
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::PlaceId => &["placeid", "locationid", "siteid", "地名id", "地点id"],
            Field::Place => &[
                "place",
                "placename",
                "location",
                "locationname",
                "site",
                "sitename",
                "toponym",
                "name",
                "city",
                "town",
                "地名",
                "場所",
                "地点",
                "地點",
                "所在地",
                "lieu",
                "ort",
                "場所名",
                "地名称",
            ],
            Field::Latitude => {
                &["lat", "latitude", "y", "latdd", "latitudedd", "緯度", "纬度", "breite", "breitengrad"]
            }
            Field::Longitude => &[
                "lon",
                "lng",
                "long",
                "longitude",
                "x",
                "londd",
                "longitudedd",
                "経度",
                "经度",
                "經度",
                "länge",
                "längengrad",
            ],
            Field::LatLon => &[
                "latlon",
                "latlng",
                "latlong",
                "coordinates",
                "coords",
                "coordinate",
                "wkt",
                "point",
                "座標",
                "坐标",
                "坐標",
                "位置",
            ],
            Field::Country => &["country", "countryname", "国", "国名", "国家", "國家"],
            Field::Precision => &["precision", "locationprecision", "accuracy", "精度"],
            Field::Category => &["placecategory", "placetype", "kind", "featuretype", "種別"],
            Field::Names => &["names", "othernames", "nativename", "nativenames", "別名", "别名", "其他名稱"],
            Field::EventId => &["eventid", "id", "recordid", "事件id"],
            Field::Date => &[
                "date",
                "when",
                "year",
                "年",
                "日付",
                "日期",
                "年月日",
                "時期",
                "时期",
                "年代",
                "timestamp",
                "time",
                "时间",
                "時間",
            ],
            Field::Start => &[
                "start",
                "from",
                "begin",
                "startdate",
                "datefrom",
                "fromdate",
                "begindate",
                "since",
                "startts",
                "開始",
                "开始",
                "開始日",
                "开始日期",
                "開始日期",
                "起",
                "自",
            ],
            Field::End => &[
                "end",
                "to",
                "until",
                "enddate",
                "dateto",
                "todate",
                "endts",
                "終了",
                "结束",
                "結束",
                "終了日",
                "结束日期",
                "結束日期",
                "至",
                "迄",
            ],
            Field::NotBefore => &["notbefore", "earliest", "terminuspostquem"],
            Field::NotAfter => &["notafter", "latest", "terminusantequem"],
            Field::DateBasis => &["datebasis"],
            Field::BoundsBasis => &["boundsbasis"],
            Field::PlaceBasis => &["placebasis", "locationbasis"],
            Field::Title => &[
                "title",
                "event",
                "eventtitle",
                "what",
                "headline",
                "事件",
                "出来事",
                "件名",
                "標題",
                "标题",
                "事項",
                "事件名稱",
                "événement",
                "evenement",
                "ereignis",
            ],
            Field::Summary => &[
                "summary",
                "description",
                "desc",
                "details",
                "text",
                "概要",
                "説明",
                "说明",
                "說明",
                "描述",
                "内容",
                "內容",
                "résumé",
                "resume",
                "beschreibung",
            ],
            Field::People => &[
                "people",
                "person",
                "persons",
                "who",
                "participants",
                "人物",
                "氏名",
                "人名",
                "姓名",
                "name",
                "fullname",
            ],
            Field::Source => &[
                "source",
                "sources",
                "reference",
                "references",
                "citation",
                "出典",
                "来源",
                "資料",
                "资料",
                "史料",
                "出處",
                "來源",
                "资料来源",
                "資料來源",
                "quelle",
            ],
            Field::Theme => &["theme", "category", "topic", "主題", "主题", "テーマ", "分類", "分类"],
            Field::Note => &[
                "note",
                "notes",
                "remark",
                "remarks",
                "comment",
                "comments",
                "備考",
                "备注",
                "備註",
                "注",
                "remarque",
                "bemerkung",
            ],
        }
    }
}

/// Which column holds each field, by header name (so a saved mapping still fits a file whose
/// columns were reordered).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mapping {
    /// Field key (`place`, `latitude`, ...) to column header.
    pub columns: std::collections::BTreeMap<String, String>,
}

/// The mapping file's form: `{"crossings_mapping": 1, "columns": {...}}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    crossings_mapping: u32,
    columns: std::collections::BTreeMap<String, String>,
}

impl Mapping {
    /// The column mapped to a field.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.columns.get(field.key()).map(String::as_str)
    }

    /// Maps a field to a column, or unmaps it.
    pub fn set(&mut self, field: Field, column: Option<String>) {
        match column {
            Some(c) => self.columns.insert(field.key().to_owned(), c),
            None => self.columns.remove(field.key()),
        };
    }

    /// The mapping as saved: JSON with a version.
    pub fn to_json(&self) -> String {
        let file = MappingFile { crossings_mapping: 1, columns: self.columns.clone() };
        let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a saved mapping; an unknown field name is an error naming it.
    pub fn from_json(text: &str) -> Result<Mapping, String> {
        let file: MappingFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.crossings_mapping != 1 {
            return Err(format!("mapping version {} is not one this Crossings reads (1)", file.crossings_mapping));
        }
        for key in file.columns.keys() {
            if !Field::ALL.iter().any(|f| f.key() == key) {
                let known: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
                return Err(format!("unknown field '{key}' (known: {})", known.join(", ")));
            }
        }
        Ok(Mapping { columns: file.columns })
    }

    /// The column index of each mapped field, checked against a table's headers.
    pub fn resolve(&self, headers: &[String]) -> Result<Resolved, String> {
        let mut r = Resolved::default();
        for (key, column) in &self.columns {
            let Some(field) = Field::ALL.iter().copied().find(|f| f.key() == key) else {
                return Err(format!("unknown field '{key}'"));
            };
            let ix = headers.iter().position(|h| h == column).ok_or_else(|| {
                format!(
                    "the mapping puts {} in column '{column}', which the file does not have (it has: {})",
                    field.label(),
                    headers.join(", ")
                )
            })?;
            r.set(field, ix);
        }
        if r.get(Field::LatLon).is_none() && (r.get(Field::Latitude).is_some() != r.get(Field::Longitude).is_some()) {
            return Err("map both latitude and longitude, or one 'latitude, longitude' column".to_owned());
        }
        Ok(r)
    }

    /// Lines such as `place        <- 地名`, for the command line.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for f in Field::ALL {
            if let Some(c) = self.get(f) {
                out.push_str(&format!("  {:<15} <- {c}\n", f.key()));
            }
        }
        if out.is_empty() {
            out.push_str("  (no column mapped)\n");
        }
        out
    }
}

/// A mapping resolved to column indexes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolved {
    /// Each field's column, by the field's place in the enum (looked up for every cell of a
    /// million rows: an array, not a map).
    ix: [Option<usize>; Field::ALL.len()],
}

impl Resolved {
    /// The column index of a field.
    pub fn get(&self, f: Field) -> Option<usize> {
        self.ix.get(f as usize).copied().flatten()
    }

    fn set(&mut self, f: Field, ix: usize) {
        if let Some(slot) = self.ix.get_mut(f as usize) {
            *slot = Some(ix);
        }
    }

    /// The cell of a field in a row (empty when unmapped).
    pub fn cell<'r>(&self, row: &'r Row, f: Field) -> &'r Value {
        const EMPTY: &Value = &Value::Empty;
        self.get(f).and_then(|i| row.cells.get(i)).unwrap_or(EMPTY)
    }
}

/// A header name reduced for comparison: lowercase, without spaces, `_`, `-`, `.`, `/` and
/// a unit in brackets.
fn normalise(h: &str) -> String {
    let base = h.split(['(', '（', '[']).next().unwrap_or(h);
    base.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.' | '/' | ':'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Guesses a mapping from the headers and some first rows.
///
/// Headers are matched first exactly (lowercase, without spaces, `_`, `-` or a unit in
/// brackets), then by containing a longer
/// synonym ("Date of arrival"); a field no header names is looked for in the values (a
/// column of "lat, lon" pairs, a column of dates).
pub fn guess(headers: &[String], sample: &[Row]) -> Mapping {
    let norm: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut taken = vec![false; headers.len()];
    let mut m = Mapping::default();
    // Exact names first, for every field, so "name" is not taken by a looser match.
    // A field takes the header of its first synonym that some header has ("place" before
    // "name"), so "Name, Place" maps the place to "Place" and leaves "Name" to people.
    for f in Field::ALL {
        let hit = f.synonyms().iter().find_map(|s| (0..headers.len()).find(|&i| !taken[i] && norm[i] == *s));
        if let Some(i) = hit {
            taken[i] = true;
            m.set(f, Some(headers[i].clone()));
        }
    }
    for f in Field::ALL {
        if m.get(f).is_some() {
            continue;
        }
        let hit = (0..headers.len())
            .find(|&i| !taken[i] && f.synonyms().iter().any(|s| s.chars().count() >= 4 && norm[i].contains(s)));
        if let Some(i) = hit {
            taken[i] = true;
            m.set(f, Some(headers[i].clone()));
        }
    }
    // By value: a lat/lon pair column, coordinates, a date column.
    let by_values = |test: &dyn Fn(&Value) -> bool, taken: &[bool]| {
        (0..headers.len()).find(|&i| {
            let cells: Vec<&Value> = sample.iter().filter_map(|r| r.cells.get(i)).filter(|c| !c.is_empty()).collect();
            !taken[i] && !cells.is_empty() && cells.iter().all(|c| test(c))
        })
    };
    let has_point =
        m.get(Field::LatLon).is_some() || (m.get(Field::Latitude).is_some() && m.get(Field::Longitude).is_some());
    if !has_point
        && let Some(i) = by_values(&|c| matches!(read_lat_lon(c), Ok(Some(_))) && matches!(c, Value::Text(_)), &taken)
    {
        taken[i] = true;
        m.set(Field::LatLon, Some(headers[i].clone()));
    }
    if m.get(Field::Date).is_none() && m.get(Field::Start).is_none() {
        let looks_like_date = |c: &Value| match c {
            Value::Date(_) => true,
            Value::Text(t) => t.chars().any(|ch| ch.is_ascii_digit()) && matches!(read_date(c), Ok(Some(_))),
            _ => false,
        };
        if let Some(i) = by_values(&looks_like_date, &taken) {
            taken[i] = true;
            m.set(Field::Date, Some(headers[i].clone()));
        }
    }
    // A lone latitude or longitude guess is no use: drop both rather than half a point.
    if m.get(Field::LatLon).is_none() && (m.get(Field::Latitude).is_some() != m.get(Field::Longitude).is_some()) {
        m.set(Field::Latitude, None);
        m.set(Field::Longitude, None);
    }
    // The columns must hold degrees to count: every value under an "x" or "y" header (which
    // may be anything), and most under a header that says latitude or longitude (one
    // mistyped cell is that row's problem, not a reason to map no point at all).
    for f in [Field::Latitude, Field::Longitude] {
        if let Some(col) = m.get(f)
            && let Some(i) = headers.iter().position(|h| h == col)
        {
            let cells: Vec<&Value> = sample.iter().filter_map(|r| r.cells.get(i)).filter(|c| !c.is_empty()).collect();
            let unread = cells.iter().filter(|c| read_degrees(c).is_err()).count();
            let loose = matches!(norm[i].as_str(), "x" | "y");
            if (loose && unread > 0) || unread * 2 > cells.len() {
                m.set(Field::Latitude, None);
                m.set(Field::Longitude, None);
                break;
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_its_own_slot_in_a_resolved_mapping() {
        let mut r = Resolved::default();
        for (col, f) in Field::ALL.into_iter().enumerate() {
            r.set(f, col);
        }
        for (col, f) in Field::ALL.into_iter().enumerate() {
            assert_eq!(r.get(f), Some(col), "{f:?}");
        }
    }

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_in_english_japanese_and_chinese_are_recognised() {
        let m = guess(&h(&["地名", "緯度", "経度", "日付", "人物", "出典"]), &[]);
        assert_eq!(m.get(Field::Place), Some("地名"));
        assert_eq!(m.get(Field::Latitude), Some("緯度"));
        assert_eq!(m.get(Field::Longitude), Some("経度"));
        assert_eq!(m.get(Field::Date), Some("日付"));
        assert_eq!(m.get(Field::People), Some("人物"));
        assert_eq!(m.get(Field::Source), Some("出典"));

        let m = guess(&h(&["Place Name", "Lat", "Lng", "Start Date", "End Date", "Event"]), &[]);
        assert_eq!(m.get(Field::Place), Some("Place Name"));
        assert_eq!(m.get(Field::Longitude), Some("Lng"));
        assert_eq!(m.get(Field::Start), Some("Start Date"));
        assert_eq!(m.get(Field::End), Some("End Date"));
        assert_eq!(m.get(Field::Title), Some("Event"));

        let m = guess(&h(&["地点", "纬度", "经度", "开始", "结束"]), &[]);
        assert_eq!(m.get(Field::Latitude), Some("纬度"));
        assert_eq!(m.get(Field::Start), Some("开始"));
        assert_eq!(m.get(Field::End), Some("结束"));

        // Traditional characters (Taiwan, Hong Kong).
        let m = guess(&h(&["地點", "緯度", "經度", "開始", "結束", "來源", "備註"]), &[]);
        assert_eq!(m.get(Field::Longitude), Some("經度"));
        assert_eq!(m.get(Field::End), Some("結束"));
        assert_eq!(m.get(Field::Source), Some("來源"));
        assert_eq!(m.get(Field::Note), Some("備註"));

        // A few French and German headers, for tables saved in Windows-1252.
        let m = guess(&h(&["Lieu", "Breite", "Länge", "Date", "Événement", "Résumé", "Quelle"]), &[]);
        assert_eq!(m.get(Field::Place), Some("Lieu"));
        assert_eq!(m.get(Field::Latitude), Some("Breite"));
        assert_eq!(m.get(Field::Longitude), Some("Länge"));
        assert_eq!(m.get(Field::Title), Some("Événement"));
        assert_eq!(m.get(Field::Summary), Some("Résumé"));
        assert_eq!(m.get(Field::Source), Some("Quelle"));
    }

    #[test]
    fn unnamed_columns_are_guessed_from_their_values() {
        let headers = h(&["where", "coords", "when it was"]);
        let rows = vec![Row {
            number: 2,
            problem: None,
            cells: vec![
                Value::Text("Harbin".into()),
                Value::Text("45.75, 126.63".into()),
                Value::Text("Aug 1945".into()),
            ],
        }];
        let m = guess(&headers, &rows);
        assert_eq!(m.get(Field::LatLon), Some("coords"));
        assert_eq!(m.get(Field::Date), Some("when it was"));
    }

    /// A latitude column with a mistyped cell is still the latitude; an "x" column with a
    /// word in it is not a longitude; a "latitude" column of words is not one either.
    #[test]
    fn coordinate_columns_need_degrees_in_most_cells_and_x_and_y_in_all() {
        let rows = |cells: &[[&str; 2]]| -> Vec<Row> {
            cells
                .iter()
                .enumerate()
                .map(|(n, c)| Row {
                    number: n + 2,
                    problem: None,
                    cells: c.iter().map(|t| Value::Text((*t).into())).collect(),
                })
                .collect()
        };
        let sample = rows(&[["45.75", "126.63"], ["junk", "135.38"], ["41.8", "123.43"], ["", ""]]);
        let m = guess(&h(&["latitude", "longitude"]), &sample);
        assert_eq!((m.get(Field::Latitude), m.get(Field::Longitude)), (Some("latitude"), Some("longitude")));
        let m = guess(&h(&["y", "x"]), &sample);
        assert_eq!((m.get(Field::Latitude), m.get(Field::Longitude)), (None, None));
        let words = rows(&[["north", "126.63"], ["south", "135.38"], ["45.0", "1"]]);
        let m = guess(&h(&["latitude", "longitude"]), &words);
        assert_eq!((m.get(Field::Latitude), m.get(Field::Longitude)), (None, None));
    }

    #[test]
    fn a_saved_mapping_reads_back_and_names_what_is_wrong() {
        let mut m = Mapping::default();
        m.set(Field::Place, Some("地名".into()));
        m.set(Field::Date, Some("日付".into()));
        assert_eq!(Mapping::from_json(&m.to_json()), Ok(m.clone()));
        let e = Mapping::from_json(r#"{"crossings_mapping": 1, "columns": {"plaec": "x"}}"#).unwrap_err();
        assert!(e.contains("unknown field 'plaec'"), "{e}");
        let e = m.resolve(&h(&["地名", "date"])).unwrap_err();
        assert!(e.contains("column '日付'"), "{e}");
    }
}

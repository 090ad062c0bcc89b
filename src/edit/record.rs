//! One record as a form edits it: its fields in the order written, each kept as the JSON text
//! it was read as, so changing a field leaves the others (and fields Crossings does not know)
//! byte for byte as they were. A place keeps its fields under `properties`, beside `id` and
//! `geometry`.

use indexmap::IndexMap;
use serde_json::value::RawValue;

use crate::model::LonLat;

type Fields = IndexMap<String, Box<RawValue>>;

/// Which of the four files a record belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `places.geojson`: a GeoJSON Feature.
    Place,
    /// `events.json`.
    Event,
    /// `people.json`.
    Person,
    /// `sources.json`.
    Source,
}

impl Kind {
    /// The four kinds, in the order the files are read.
    pub const ALL: [Kind; 4] = [Kind::Source, Kind::Place, Kind::Person, Kind::Event];

    /// The file its records are in.
    pub fn file(self) -> &'static str {
        match self {
            Kind::Place => "places.geojson",
            Kind::Event => "events.json",
            Kind::Person => "people.json",
            Kind::Source => "sources.json",
        }
    }

    /// The kind of a file's records.
    pub fn of_file(file: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.file() == file)
    }

    /// The word for one record, in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Place => "place",
            Kind::Event => "event",
            Kind::Person => "person",
            Kind::Source => "source",
        }
    }
}

/// A record's fields, in order, ready to be changed one at a time.
#[derive(Clone, Debug)]
pub struct Record {
    kind: Kind,
    fields: Fields,
    /// A place's `properties` (where its name, country and the rest are).
    props: Fields,
}

/// The fields a place keeps beside `properties`.
const FEATURE_MEMBERS: [&str; 4] = ["type", "id", "geometry", "properties"];

fn raw(value: &impl serde::Serialize) -> Box<RawValue> {
    // Serialising strings, numbers and lists of them cannot fail.
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    RawValue::from_string(text).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

impl Record {
    /// Reads a record's text (as [`super::Session::record`] gives it).
    ///
    /// # Errors
    /// When the text is not a JSON object (or a place's `properties` is not one).
    pub fn parse(kind: Kind, text: &str) -> Result<Record, serde_json::Error> {
        let mut fields: Fields = serde_json::from_str(text)?;
        let props = match (kind, fields.get("properties")) {
            (Kind::Place, Some(p)) if p.get() != "null" => serde_json::from_str(p.get())?,
            _ => Fields::new(),
        };
        if kind == Kind::Place {
            fields.shift_remove("properties");
        }
        Ok(Record { kind, fields, props })
    }

    /// A new place at a point, named, with the fields the loader needs.
    pub fn new_place(id: &str, name: &str, at: LonLat) -> Record {
        let mut r = Record { kind: Kind::Place, fields: Fields::new(), props: Fields::new() };
        r.fields.insert("type".into(), raw(&"Feature"));
        r.fields.insert("id".into(), raw(&id));
        r.set_point(at);
        r.set_text("name", name);
        r.set_text("precision", "city");
        r.set_text("category", "city");
        r.set_list("sources", &[]);
        r
    }

    /// A new event at a place (or none), undated (`"date": null`) until the user types one.
    pub fn new_event(id: &str, place: Option<&str>, title: &str) -> Record {
        let mut r = Record { kind: Kind::Event, fields: Fields::new(), props: Fields::new() };
        r.set_text("id", id);
        r.set_null("date");
        r.set_text("date_basis", "stated");
        match place {
            Some(p) => r.set_text("place", p),
            None => r.set_null("place"),
        }
        r.set_text("place_basis", "stated");
        r.set_list("people", &[]);
        r.set_text("title", title);
        r.set_text("summary", "");
        r.set_text("category", "context");
        r.set_list("sources", &[]);
        r
    }

    /// A new person, named.
    pub fn new_person(id: &str, name: &str) -> Record {
        let mut r = Record { kind: Kind::Person, fields: Fields::new(), props: Fields::new() };
        r.set_text("id", id);
        r.set_text("name", name);
        r.set_text("role", "");
        r.set_text("biography", "");
        r.set_list("sources", &[]);
        r
    }

    /// A new source document.
    pub fn new_source(id: &str, title: &str) -> Record {
        let mut r = Record { kind: Kind::Source, fields: Fields::new(), props: Fields::new() };
        r.set_text("id", id);
        r.set_text("title", title);
        r.set_text("file", "");
        r
    }

    /// Which file the record is in.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    fn map(&self, key: &str) -> &Fields {
        if self.kind == Kind::Place && !FEATURE_MEMBERS.contains(&key) { &self.props } else { &self.fields }
    }

    fn map_mut(&mut self, key: &str) -> &mut Fields {
        if self.kind == Kind::Place && !FEATURE_MEMBERS.contains(&key) { &mut self.props } else { &mut self.fields }
    }

    /// The id (`None` when it is missing or not a string).
    pub fn id(&self) -> Option<String> {
        self.text("id")
    }

    /// A string field (`None` when missing, null or not a string).
    pub fn text(&self, key: &str) -> Option<String> {
        self.map(key).get(key).and_then(|v| serde_json::from_str::<String>(v.get()).ok())
    }

    /// Sets a string field (added last when new).
    pub fn set_text(&mut self, key: &str, value: &str) {
        self.set_raw(key, raw(&value));
    }

    /// Sets an optional string field: an empty value removes it.
    pub fn set_optional(&mut self, key: &str, value: &str) {
        if value.trim().is_empty() {
            self.map_mut(key).shift_remove(key);
        } else {
            self.set_text(key, value);
        }
    }

    fn set_raw(&mut self, key: &str, value: Box<RawValue>) {
        let map = self.map_mut(key);
        if let Some(slot) = map.get_mut(key) {
            *slot = value;
        } else {
            map.insert(key.to_owned(), value);
        }
    }

    /// A list of strings (ids, aliases); empty when missing or not such a list.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.map(key).get(key).and_then(|v| serde_json::from_str::<Vec<String>>(v.get()).ok()).unwrap_or_default()
    }

    /// Sets a list of strings.
    pub fn set_list(&mut self, key: &str, items: &[String]) {
        self.set_raw(key, raw(&items));
    }

    /// A field read as any type (`None` when missing or not of that shape).
    pub fn value<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.map(key).get(key).and_then(|v| serde_json::from_str(v.get()).ok())
    }

    /// A list of objects (a person's `places` ties), each with its members in the order
    /// written; empty when missing.
    pub fn objects(&self, key: &str) -> Vec<IndexMap<String, serde_json::Value>> {
        self.map(key).get(key).and_then(|v| serde_json::from_str(v.get()).ok()).unwrap_or_default()
    }

    /// Sets a field to any JSON value.
    pub fn set_value(&mut self, key: &str, value: &impl serde::Serialize) {
        self.set_raw(key, raw(value));
    }

    /// Sets a field to null (an event with no place).
    pub fn set_null(&mut self, key: &str) {
        self.set_raw(key, raw(&()));
    }

    /// The place's point (`None` for other records, or when the geometry is not a point).
    pub fn point(&self) -> Option<LonLat> {
        #[derive(serde::Deserialize)]
        struct Geometry {
            coordinates: Vec<f64>,
        }
        let g: Geometry = serde_json::from_str(self.fields.get("geometry")?.get()).ok()?;
        match g.coordinates[..] {
            [lon, lat, ..] => Some(LonLat { lon, lat }),
            _ => None,
        }
    }

    /// Moves the place to a point, written to 5 decimals (about a metre).
    pub fn set_point(&mut self, at: LonLat) {
        let round = |v: f64| (v * 1e5).round() / 1e5;
        let text = format!(
            "{{\"type\":\"Point\",\"coordinates\":[{},{}]}}",
            serde_json::Number::from_f64(round(at.lon)).map_or_else(|| "0".to_owned(), |n| n.to_string()),
            serde_json::Number::from_f64(round(at.lat)).map_or_else(|| "0".to_owned(), |n| n.to_string()),
        );
        if let Ok(g) = RawValue::from_string(text) {
            self.fields.insert("geometry".into(), g);
        }
    }

    /// The record's compact text, its fields in order.
    pub fn to_text(&self) -> String {
        let mut out = String::from("{");
        let mut first = true;
        let mut push = |out: &mut String, key: &str, value: &str| {
            if !std::mem::take(&mut first) {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(key).unwrap_or_default());
            out.push(':');
            out.push_str(value);
        };
        for (k, v) in &self.fields {
            push(&mut out, k, v.get());
        }
        if self.kind == Kind::Place {
            let props = Record { kind: Kind::Event, fields: self.props.clone(), props: Fields::new() }.to_text();
            push(&mut out, "properties", &props);
        }
        out.push('}');
        out
    }
}

/// An id for a new record from a name: its slug (`quang-ngai`), or the kind's noun, with `-2`,
/// `-3` … added until no record has it.
pub fn fresh_id(kind: Kind, name: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = crate::import::slug(name, 60);
    let base = if base.is_empty() { kind.noun().to_owned() } else { base };
    if !taken(&base) {
        return base;
    }
    (2..).map(|n| format!("{base}-{n}")).find(|id| !taken(id)).unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_field_leaves_the_others_as_written() {
        let text = r#"{"type":"Feature","id":"aizu","geometry":{"type":"Point","coordinates":[139.93,37.49]},"properties":{"name":"Aizu","zz":1,"country":"Japan","precision":"region","category":"region","sources":["a"],"note":"n"}}"#;
        let mut r = Record::parse(Kind::Place, text).unwrap();
        assert_eq!(r.to_text(), text);
        r.set_text("name", "Aizu-Wakamatsu");
        r.set_optional("note", "");
        r.set_list("sources", &["a".into(), "b".into()]);
        assert_eq!(
            r.to_text(),
            r#"{"type":"Feature","id":"aizu","geometry":{"type":"Point","coordinates":[139.93,37.49]},"properties":{"name":"Aizu-Wakamatsu","zz":1,"country":"Japan","precision":"region","category":"region","sources":["a","b"]}}"#
        );
        r.set_point(LonLat { lon: 139.9312345, lat: 37.5 });
        assert_eq!(r.point(), Some(LonLat { lon: 139.93123, lat: 37.5 }));
        assert_eq!(r.text("country").as_deref(), Some("Japan"));
    }

    #[test]
    fn new_records_are_what_the_loader_reads() {
        let e = Record::new_event("e1", Some("harbin"), "Surrender");
        assert_eq!(
            e.to_text(),
            r#"{"id":"e1","date":null,"date_basis":"stated","place":"harbin","place_basis":"stated","people":[],"title":"Surrender","summary":"","category":"context","sources":[]}"#
        );
        let p = Record::new_place("x", "X", LonLat { lon: 1.0, lat: 2.5 });
        assert_eq!(p.point(), Some(LonLat { lon: 1.0, lat: 2.5 }));
        assert_eq!(fresh_id(Kind::Place, "Quảng Ngãi", |id| id == "quang-ngai"), "quang-ngai-2");
        assert_eq!(fresh_id(Kind::Person, "秋山", |_| false), "person");
    }
}

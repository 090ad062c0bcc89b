//! The records as written in the files, before ids are resolved.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::model::{Authority, Basis, Figure, LocationPrecision, LonLat, Name, PlaceCategory, Theme};

/// An id referred to, borrowed from the text when it can be (serde copies a `Cow` inside a
/// `Vec` unless it is wrapped like this).
#[derive(Deserialize)]
#[serde(transparent)]
pub(super) struct Ref<'a>(#[serde(borrow)] pub Cow<'a, str>);

impl AsRef<str> for Ref<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub id: String,
    pub title: String,
    pub file: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub authorities: Vec<Authority>,
}

/// A FeatureCollection whose features are kept raw, so each can be located in the file.
#[derive(Deserialize)]
pub(super) struct RawFeatureCollection<'a> {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(borrow)]
    pub features: &'a RawValue,
}

#[derive(Deserialize)]
pub(super) struct RawFeature {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    #[serde(default)]
    pub geometry: Option<RawGeometry>,
    #[serde(default)]
    pub properties: Option<RawPlaceProps>,
}

#[derive(Deserialize)]
pub(super) struct RawGeometry {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub coordinates: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlaceProps {
    pub name: String,
    #[serde(default)]
    pub names: Vec<Name>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub country: Option<String>,
    pub precision: LocationPrecision,
    pub category: PlaceCategory,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTie {
    pub place: String,
    #[serde(default)]
    pub basis: Basis,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPerson {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub names: Vec<Name>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub biography: String,
    #[serde(default)]
    pub places: Vec<RawTie>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent<'a> {
    // References are borrowed from the file's text when they hold no escapes: a million
    // events would otherwise allocate millions of short strings only to look them up.
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(default, borrow)]
    pub date: Option<Ref<'a>>,
    #[serde(default)]
    pub date_basis: Option<Basis>,
    #[serde(default, borrow)]
    pub place: Option<Ref<'a>>,
    #[serde(default)]
    pub place_basis: Option<Basis>,
    #[serde(default, borrow)]
    pub not_before: Option<Ref<'a>>,
    #[serde(default, borrow)]
    pub not_after: Option<Ref<'a>>,
    #[serde(default)]
    pub bounds_basis: Option<Basis>,
    #[serde(default, borrow)]
    pub people: Vec<Ref<'a>>,
    #[serde(default, borrow)]
    pub according_to: Vec<Ref<'a>>,
    #[serde(default, borrow)]
    pub after: Vec<Ref<'a>>,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub figures: Vec<Figure>,
    pub category: Theme,
    #[serde(default, borrow)]
    pub sources: Vec<Ref<'a>>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The point of a GeoJSON geometry, checked: a Point, two or three finite numbers, in range.
pub(super) fn point(geometry: Option<&RawGeometry>) -> Result<LonLat, String> {
    let g = geometry.ok_or("geometry is null; a place needs a Point")?;
    if g.kind != "Point" {
        return Err(format!("geometry is a {}; a place must be a Point", g.kind));
    }
    if !(2..=3).contains(&g.coordinates.len()) {
        return Err(format!("a Point has 2 coordinates [longitude, latitude], not {}", g.coordinates.len()));
    }
    let num = |v: &serde_json::Value, what: &str| {
        v.as_f64().filter(|x| x.is_finite()).ok_or(format!("{what} {v} is not a number"))
    };
    let lon = num(&g.coordinates[0], "longitude")?;
    let lat = num(&g.coordinates[1], "latitude")?;
    if !(-90.0..=90.0).contains(&lat) {
        if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
            return Err(format!(
                "latitude {lat} is out of range (-90..90); longitude and latitude look swapped (GeoJSON is [longitude, latitude])"
            ));
        }
        return Err(format!("latitude {lat} is out of range (-90..90)"));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(format!("longitude {lon} is out of range (-180..180)"));
    }
    Ok(LonLat { lon, lat })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_references_are_borrowed_from_the_text_unless_escaped() {
        let text = r#"{"id": "e1", "date": "1945", "place": "harbin", "people": ["a", "b\u0063"],
            "title": "T", "category": "soviet", "sources": ["s"]}"#;
        let rec: RawEvent<'_> = serde_json::from_str(text).unwrap();
        assert!(matches!(rec.id, Cow::Borrowed("e1")));
        assert!(matches!(rec.place.map(|p| p.0), Some(Cow::Borrowed("harbin"))));
        assert!(matches!(rec.date.map(|d| d.0), Some(Cow::Borrowed("1945"))));
        assert!(matches!(&rec.people[0].0, Cow::Borrowed("a")));
        // An escape has to be decoded into a new string.
        assert!(matches!(&rec.people[1].0, Cow::Owned(s) if s == "bc"));
        assert!(matches!(&rec.sources[0].0, Cow::Borrowed("s")));
    }
}

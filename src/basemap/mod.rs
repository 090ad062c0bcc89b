//! The offline basemap: Natural Earth land, borders and countries, embedded in the binary.
//!
//! `assets/basemap/` holds GeoJSON converted once from the Natural Earth TopoJSON of the
//! world-atlas package (see `assets/basemap/README.md`). Here it is parsed once and
//! triangulated once into plain lon/lat meshes; the UI only projects them. The country polygons
//! also serve validation: a place must lie in or near the country it names.
//!
//! Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.

use std::sync::OnceLock;

use geo::{BoundingRect, ClosestPoint, Contains, Distance, Haversine, MultiPolygon, Point, Rect, TriangulateEarcut};

use crate::geometry::{Bbox, LonLat, Planar};

/// The credit shown on the map and in the README.
pub const ATTRIBUTION: &str = "Made with Natural Earth (naturalearthdata.com)";

/// The box the medium and fine levels cover (lon 60..180, lat -12..78, west, south, east,
/// north); beyond it only the coarse level has land. Their polygons are cut along it, so those
/// edges are not coastline.
pub const DETAILED_AREA: [f64; 4] = [60.0, -12.0, 180.0, 78.0];

/// Level of detail: Natural Earth scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detail {
    /// 1:110 million, the whole world, for far-out views.
    Coarse,
    /// 1:50 million, East Asia.
    Medium,
    /// 1:10 million, East Asia, for close views.
    Fine,
}

impl Detail {
    /// Every level, coarse first.
    pub const ALL: [Detail; 3] = [Detail::Coarse, Detail::Medium, Detail::Fine];

    /// The detail fit for a web-mercator zoom level.
    pub fn for_zoom(zoom: f64) -> Detail {
        if zoom < 3.5 {
            Detail::Coarse
        } else if zoom < 5.5 {
            Detail::Medium
        } else {
            Detail::Fine
        }
    }

    fn land_geojson(self) -> &'static str {
        match self {
            Detail::Coarse => include_str!("../../assets/basemap/land-110m.geojson"),
            Detail::Medium => include_str!("../../assets/basemap/land-50m.geojson"),
            Detail::Fine => include_str!("../../assets/basemap/land-10m.geojson"),
        }
    }

    fn borders_geojson(self) -> &'static str {
        match self {
            Detail::Coarse => include_str!("../../assets/basemap/borders-110m.geojson"),
            Detail::Medium => include_str!("../../assets/basemap/borders-50m.geojson"),
            Detail::Fine => include_str!("../../assets/basemap/borders-10m.geojson"),
        }
    }
}

/// Triangles of one polygon, in lon/lat degrees, with its bounding box for culling.
#[derive(Clone, Debug)]
pub struct LandPiece {
    /// Vertices.
    pub vertices: Vec<LonLat>,
    /// Triangle indices into `vertices`.
    pub indices: Vec<u32>,
    /// Outline rings (exterior and holes).
    pub rings: Vec<Vec<LonLat>>,
    /// The box of its vertices.
    pub bbox: Bbox<LonLat>,
}

/// A border line in lon/lat degrees with its bounding box.
#[derive(Clone, Debug)]
pub struct BorderLine {
    /// Points.
    pub points: Vec<LonLat>,
    /// The box of its points.
    pub bbox: Bbox<LonLat>,
}

/// One level of the basemap, ready to project.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    /// Land, triangulated.
    pub land: Vec<LandPiece>,
    /// Country borders.
    pub borders: Vec<BorderLine>,
}

/// Just enough GeoJSON for the basemap assets (which this crate writes itself).
#[derive(serde::Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(serde::Deserialize)]
struct Feature {
    geometry: Option<Geometry>,
    #[serde(default)]
    properties: serde_json::Map<String, serde_json::Value>,
}

#[derive(serde::Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
    LineString(Vec<[f64; 2]>),
    MultiLineString(Vec<Vec<[f64; 2]>>),
}

fn features(text: &str) -> Vec<Feature> {
    serde_json::from_str::<Collection>(text).map(|c| c.features).unwrap_or_default()
}

fn polygon(rings: Vec<Vec<[f64; 2]>>) -> Option<geo::Polygon<f64>> {
    let mut rings = rings.into_iter().map(geo::LineString::from);
    let exterior = rings.next()?;
    Some(geo::Polygon::new(exterior, rings.collect()))
}

fn polygons_of(g: Geometry) -> Vec<geo::Polygon<f64>> {
    match g {
        Geometry::Polygon(p) => polygon(p).into_iter().collect(),
        Geometry::MultiPolygon(m) => m.into_iter().filter_map(polygon).collect(),
        Geometry::LineString(_) | Geometry::MultiLineString(_) => Vec::new(),
    }
}

fn polygons(text: &str) -> Vec<geo::Polygon<f64>> {
    features(text).into_iter().filter_map(|f| f.geometry).flat_map(polygons_of).collect()
}

/// Parses and triangulates one level. Costly (tens of ms for the fine level); done once.
pub fn build_layer(detail: Detail) -> Layer {
    let land = polygons(detail.land_geojson())
        .into_iter()
        .filter_map(|poly| {
            let tri = poly.earcut_triangles_raw();
            if tri.triangle_indices.is_empty() {
                return None;
            }
            let vertices: Vec<LonLat> = tri.vertices.into_iter().map(LonLat::from_xy).collect();
            let indices = tri.triangle_indices.iter().map(|&i| i as u32).collect();
            let ring = |r: &geo::LineString<f64>| r.coords().map(|c| LonLat { lon: c.x, lat: c.y }).collect::<Vec<_>>();
            let mut rings = vec![ring(poly.exterior())];
            rings.extend(poly.interiors().iter().map(ring));
            let bbox = Bbox::of(vertices.iter().copied())?;
            Some(LandPiece { vertices, indices, rings, bbox })
        })
        .collect();
    let mut borders = Vec::new();
    for f in features(detail.borders_geojson()) {
        let lines = match f.geometry {
            Some(Geometry::LineString(l)) => vec![l],
            Some(Geometry::MultiLineString(m)) => m,
            _ => Vec::new(),
        };
        for points in lines {
            let points: Vec<LonLat> = points.into_iter().map(LonLat::from_xy).collect();
            if let Some(bbox) = Bbox::of(points.iter().copied()) {
                borders.push(BorderLine { points, bbox });
            }
        }
    }
    Layer { land, borders }
}

/// A country outline for validation.
struct Country {
    name: String,
    shape: MultiPolygon<f64>,
    bbox: Option<Rect<f64>>,
    bands: Bands,
}

/// A country's edges sorted into bands of latitude, so a point-in-country test looks only at
/// the edges of its own band: a few dozen instead of the country's thousands (an import of
/// 100,000 places asks for each one's country).
struct Bands {
    south: f64,
    /// Each band's edges `[x1, y1, x2, y2]`.
    bands: Vec<Vec<[f64; 4]>>,
}

/// Degrees of latitude per band.
const BAND: f64 = 0.5;

impl Bands {
    fn new(shape: &MultiPolygon<f64>, bbox: Option<Rect<f64>>) -> Bands {
        let Some(b) = bbox else { return Bands { south: 0.0, bands: Vec::new() } };
        let south = b.min().y;
        let n = (((b.max().y - south) / BAND).floor() as usize + 1).min(400);
        let mut bands = vec![Vec::new(); n];
        let rings = shape.0.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
        for ring in rings {
            for l in ring.lines() {
                let (lo, hi) = (l.start.y.min(l.end.y), l.start.y.max(l.end.y));
                let first = (((lo - south) / BAND).floor().max(0.0) as usize).min(n - 1);
                let last = (((hi - south) / BAND).floor().max(0.0) as usize).min(n - 1);
                for band in &mut bands[first..=last] {
                    band.push([l.start.x, l.start.y, l.end.x, l.end.y]);
                }
            }
        }
        Bands { south, bands }
    }

    /// Even-odd ray casting over the edges of the point's band (holes count as outside).
    fn contains(&self, x: f64, y: f64) -> bool {
        let i = ((y - self.south) / BAND).floor();
        let Some(edges) = (i >= 0.0).then(|| self.bands.get(i as usize)).flatten() else { return false };
        let mut inside = false;
        for &[x1, y1, x2, y2] in edges {
            if (y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1) {
                inside = !inside;
            }
        }
        inside
    }

    /// The distance in km from the point to the nearest edge, if one lies within `within_km`:
    /// only the bands that close in latitude are looked at (a degree of latitude is at least
    /// 110 km). Each edge's nearest point is found in degrees and measured on the sphere.
    fn near_km(&self, x: f64, y: f64, within_km: f64) -> Option<f64> {
        let span = within_km / 110.0;
        let first = ((y - span - self.south) / BAND).floor().max(0.0) as usize;
        let last = ((y + span - self.south) / BAND).floor();
        if last < 0.0 || first >= self.bands.len() {
            return None;
        }
        let last = (last as usize).min(self.bands.len() - 1);
        let p = Point::new(x, y);
        let mut best = f64::INFINITY;
        for &[x1, y1, x2, y2] in self.bands[first..=last].iter().flatten() {
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 { (((x - x1) * dx + (y - y1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
            // A cheap bound first: an edge farther in latitude than the best so far is skipped.
            let q = Point::new(x1 + t * dx, y1 + t * dy);
            if (q.y() - y).abs() * 110.0 > best {
                continue;
            }
            best = best.min(Haversine.distance(p, q) / 1000.0);
        }
        (best <= within_km).then_some(best)
    }
}

fn countries() -> &'static [Country] {
    static COUNTRIES: OnceLock<Vec<Country>> = OnceLock::new();
    COUNTRIES.get_or_init(|| {
        // East Asia in detail (1:50m), the rest of the world coarsely (1:110m).
        let regional = include_str!("../../assets/basemap/countries-50m.geojson");
        let world = include_str!("../../assets/basemap/countries-110m.geojson");
        let mut out: Vec<Country> = Vec::new();
        for f in features(regional).into_iter().chain(features(world)) {
            let Some(name) = f.properties.get("name").and_then(|n| n.as_str()).map(str::to_owned) else { continue };
            if out.iter().any(|c| c.name == name) {
                continue;
            }
            let Some(g) = f.geometry else { continue };
            let shape = MultiPolygon(polygons_of(g));
            let bbox = shape.bounding_rect();
            let bands = Bands::new(&shape, bbox);
            out.push(Country { name, shape, bbox, bands });
        }
        out
    })
}

/// The names of the countries validation knows (every Natural Earth country).
pub fn country_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = countries().iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names
}

/// Distance in km from a point to a country (0 inside).
fn distance_km(country: &Country, p: Point<f64>) -> f64 {
    if country.bbox.is_some_and(|b| b.contains(&p)) && country.bands.contains(p.x(), p.y()) {
        return 0.0;
    }
    // Near its outline (a port, an island just off it): found from the nearby bands alone.
    if let Some(km) = country.bands.near_km(p.x(), p.y(), COUNTRY_TOLERANCE_KM) {
        return km;
    }
    closest_km(country, p)
}

/// Distance in km from a point to geo's closest point of a country's outline (0 inside):
/// exact, and a walk over every vertex.
fn closest_km(country: &Country, p: Point<f64>) -> f64 {
    match country.shape.closest_point(&p) {
        geo::Closest::Intersection(_) => 0.0,
        geo::Closest::SinglePoint(q) => Haversine.distance(p, q) / 1000.0,
        geo::Closest::Indeterminate => f64::INFINITY,
    }
}

/// How far a place may lie outside its named country before it is reported, in km: the
/// outlines are Natural Earth's simplified ones, and ports and islands lie just off them.
pub const COUNTRY_TOLERANCE_KM: f64 = 75.0;

/// The ISO 3166-1 alpha-2 code of a Natural Earth country name (`China` is `CN`), from
/// `assets/basemap/country-codes.tsv`.
///
/// ```
/// assert_eq!(crossings::basemap::country_code("Vietnam"), Some("VN"));
/// assert_eq!(crossings::basemap::country_code("Manchukuo"), None);
/// ```
pub fn country_code(name: &str) -> Option<&'static str> {
    static CODES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    let codes = CODES.get_or_init(|| {
        include_str!("../../assets/basemap/country-codes.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .collect()
    });
    codes.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// The country a point lies in, by Natural Earth's outlines (`None` at sea or between
/// outlines).
///
/// ```
/// use crossings::model::LonLat;
/// assert_eq!(crossings::basemap::country_at(LonLat { lon: 126.63, lat: 45.75 }), Some("China"));
/// assert_eq!(crossings::basemap::country_at(LonLat { lon: 150.0, lat: 20.0 }), None);
/// ```
pub fn country_at(lon_lat: LonLat) -> Option<&'static str> {
    let p = Point::new(lon_lat.lon, lon_lat.lat);
    countries()
        .iter()
        .find(|c| c.bbox.is_some_and(|b| b.contains(&p)) && c.bands.contains(p.x(), p.y()))
        .map(|c| c.name.as_str())
}

/// Checks that a point lies in (or within [`COUNTRY_TOLERANCE_KM`] of) the named country.
/// Returns the problem in words, or `None` when all is well.
pub fn check_country(name: &str, lon_lat: LonLat) -> Option<String> {
    let Some(country) = countries().iter().find(|c| c.name == name) else {
        return Some(format!(
            "unknown country '{name}'; use a Natural Earth name such as China, Japan, Vietnam, Russia or North Korea, or leave country out"
        ));
    };
    let p = Point::new(lon_lat.lon, lon_lat.lat);
    let km = distance_km(country, p);
    let tolerance = COUNTRY_TOLERANCE_KM;
    if km <= tolerance {
        return None;
    }
    let swapped = Point::new(lon_lat.lat, lon_lat.lon);
    if (-90.0..=90.0).contains(&lon_lat.lon) && distance_km(country, swapped) <= tolerance {
        return Some(format!(
            "point ({}, {}) lies {:.0} km outside {name}, but inside it with longitude and latitude swapped",
            lon_lat.lon, lon_lat.lat, km
        ));
    }
    Some(format!(
        "point ({}, {}) lies {:.0} km outside {name}, its country; check the coordinates",
        lon_lat.lon, lon_lat.lat, km
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cities_lie_in_their_countries_and_sea_points_do_not() {
        assert_eq!(check_country("China", LonLat { lon: 126.63, lat: 45.75 }), None);
        assert_eq!(check_country("Japan", LonLat { lon: 135.33, lat: 35.47 }), None);
        let sea = check_country("China", LonLat { lon: 150.0, lat: 20.0 }).unwrap();
        assert!(sea.contains("km outside China"), "{sea}");
        assert!(check_country("Chnia", LonLat { lon: 126.63, lat: 45.75 }).unwrap().contains("unknown country"));
    }

    #[test]
    fn countries_outside_east_asia_are_checked_too() {
        assert_eq!(check_country("France", LonLat { lon: 2.13, lat: 48.80 }), None);
        assert!(check_country("France", LonLat { lon: -30.0, lat: 45.0 }).is_some());
        assert!(country_names().contains(&"Brazil"));
    }

    #[test]
    fn the_nearby_bands_give_the_distance_geo_gives_wherever_it_is_within_the_tolerance() {
        // A grid over East Asia's coasts and seas, against each country nearby: where geo's
        // distance (through its closest point) is within the tolerance, the bands find an
        // edge at most that far (nearer where degrees of longitude shrink: geo picks its point
        // in degrees, the bands measure each edge's on the sphere); and never one above it.
        let mut near = 0;
        for name in ["China", "Japan", "Russia", "South Korea", "North Korea", "Vietnam", "Taiwan"] {
            let c = countries().iter().find(|c| c.name == name).unwrap();
            for i in 0..60 {
                for j in 0..40 {
                    let p = Point::new(100.0 + f64::from(i) * 0.8, 10.0 + f64::from(j) * 0.9);
                    let full = closest_km(c, p);
                    if full == 0.0 {
                        continue;
                    }
                    let banded = c.bands.near_km(p.x(), p.y(), COUNTRY_TOLERANCE_KM);
                    if full <= COUNTRY_TOLERANCE_KM {
                        let km = banded.unwrap_or_else(|| panic!("{name} at {p:?}: geo {full} km, bands none"));
                        assert!(km <= full + 1e-6 && km >= full * 0.6, "{name} at {p:?}: geo {full} km, bands {km}");
                        near += 1;
                    }
                    if let Some(km) = banded {
                        assert!(
                            km <= COUNTRY_TOLERANCE_KM && km <= full + 1e-6,
                            "{name} at {p:?}: {km} km, geo {full}"
                        );
                    }
                }
            }
        }
        assert!(near > 80, "only {near} points near a coast: the grid misses the outlines");
    }

    #[test]
    fn the_banded_test_agrees_with_geos_contains() {
        // A grid over East Asia and its seas: the bands must say what geo's exact test says.
        let mut checked = 0;
        for c in countries()
            .iter()
            .filter(|c| ["China", "Japan", "Russia", "Vietnam", "North Korea", "Indonesia"].contains(&c.name.as_str()))
        {
            for i in 0..120 {
                for j in 0..90 {
                    let p = Point::new(60.0 + i as f64 * 1.0 + 0.37, -12.0 + j as f64 * 1.0 + 0.21);
                    assert_eq!(c.bands.contains(p.x(), p.y()), c.shape.contains(&p), "{} at {p:?}", c.name);
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 6 * 120 * 90);
    }

    #[test]
    fn a_swapped_point_is_called_swapped() {
        // Moscow written as [latitude, longitude] lands in Iran, and swaps back into Russia.
        let msg = check_country("Russia", LonLat { lon: 55.75, lat: 37.62 }).unwrap();
        assert!(msg.contains("swapped"), "{msg}");
    }

    #[test]
    fn every_level_triangulates_into_land() {
        for d in Detail::ALL {
            let layer = build_layer(d);
            assert!(layer.land.len() > 10, "{d:?}");
            assert!(layer.land.iter().all(|p| p.indices.len() % 3 == 0));
            assert!(!layer.borders.is_empty(), "{d:?}");
        }
    }
}

//! Overlay layers: a user's own lines and polygons (front lines, borders drawn for Manchukuo,
//! railways, camp areas) from GeoJSON, GeoPackage, KML or a Shapefile, drawn under the markers.
//! No UI here.
//!
//! A file is read once ([`read_layer`]) into pieces in web-mercator coordinates: polygons are
//! triangulated once (earcut), lines kept as points, each piece with its bounding box and, when
//! the layer's features carry dates (found by the import's column guessing), its span. A frame
//! then asks only for the pieces in view and in the time window ([`Overlay::pieces_in`]).

mod read;

use std::path::Path;

use geo::{Geometry, TriangulateEarcut};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::chronology::{Day, TimeWindow};
use crate::geometry::{Bbox, LonLat, Mercator};

pub use read::read_layer;

/// What a piece of a layer is.
#[derive(Clone, Debug, PartialEq)]
pub enum PieceShape {
    /// A polygon: triangles (indices into `vertices`) and its outline rings.
    Fill {
        /// Vertices.
        vertices: Vec<Mercator>,
        /// Triangles, three indices each.
        indices: Vec<u32>,
        /// The exterior and the holes, for the outline.
        rings: Vec<Vec<Mercator>>,
    },
    /// A line.
    Line(Vec<Mercator>),
}

/// One polygon or line of a layer's feature.
#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    /// Which feature (0-based, in file order) it belongs to.
    pub feature: u32,
    /// The shape.
    pub shape: PieceShape,
    /// Its box, for culling.
    pub bbox: Bbox<Mercator>,
    /// The feature's first and last day, when it has dates; `None`: shown at every time.
    pub span: Option<(Day, Day)>,
}

/// A layer read from a file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overlay {
    /// The layer's name (the file's name, with its layer for a GeoPackage).
    pub name: String,
    /// Its pieces, in file order.
    pub pieces: Vec<Piece>,
    /// How many features were read.
    pub features: usize,
    /// The columns the dates were read from (`start`, `end`), when the features have dates.
    pub time_columns: Option<(String, Option<String>)>,
    /// Features left out, with why (`FILE:FEATURE: message`): a point, an unreadable date.
    pub problems: Vec<String>,
    /// The box of every piece.
    pub bbox: Option<Bbox<Mercator>>,
    /// The pieces' boxes in an R-tree, built on the first query.
    index: PieceIndex,
}

/// The R-tree of a layer's piece boxes (the piece's index as data). Made from the pieces, so
/// two layers with the same pieces are equal whatever their index holds.
#[derive(Clone, Debug, Default)]
struct PieceIndex(std::sync::OnceLock<RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>>);

impl PartialEq for PieceIndex {
    fn eq(&self, _: &PieceIndex) -> bool {
        true
    }
}

impl Overlay {
    /// The pieces that show in a view and a time window (`None`: every time). A piece with no
    /// dates shows at every time; a dated one when its span meets the window.
    /// Only the pieces whose boxes meet the view are looked at (an R-tree of the boxes, built
    /// once); they come in file order, the order they are painted in.
    pub fn pieces_in(&self, view: Bbox<Mercator>, window: Option<TimeWindow>) -> impl Iterator<Item = &Piece> {
        let tree = self.index.0.get_or_init(|| {
            RTree::bulk_load(
                self.pieces
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let r = Rectangle::from_corners([p.bbox.min.x, p.bbox.min.y], [p.bbox.max.x, p.bbox.max.y]);
                        GeomWithData::new(r, i as u32)
                    })
                    .collect(),
            )
        });
        let envelope = AABB::from_corners([view.min.x, view.min.y], [view.max.x, view.max.y]);
        let mut hits: Vec<u32> = tree.locate_in_envelope_intersecting(&envelope).map(|g| g.data).collect();
        hits.sort_unstable();
        hits.into_iter().filter_map(|i| self.pieces.get(i as usize)).filter(move |p| match (p.span, window) {
            (Some((a, b)), Some(w)) => a <= w.end && b >= w.start,
            _ => true,
        })
    }

    /// True when some feature has dates, so the layer follows the time slider.
    pub fn follows_time(&self) -> bool {
        self.pieces.iter().any(|p| p.span.is_some())
    }

    /// Adds a feature's geometry (longitude/latitude) as pieces.
    fn add(&mut self, feature: u32, geometry: &Geometry<f64>, span: Option<(Day, Day)>) -> usize {
        let before = self.pieces.len();
        let mut push = |shape: PieceShape, points: &mut dyn Iterator<Item = Mercator>| {
            if let Some(bbox) = Bbox::of(points) {
                self.bbox = Some(self.bbox.map_or(bbox, |b| b.union(bbox)));
                self.pieces.push(Piece { feature, shape, bbox, span });
                self.index = PieceIndex::default();
            }
        };
        let merc = |c: &geo::Coord<f64>| {
            Mercator::from(LonLat { lon: c.x.clamp(-180.0, 180.0), lat: c.y.clamp(-85.05, 85.05) })
        };
        let polygon = |p: &geo::Polygon<f64>, push: &mut dyn FnMut(PieceShape, &mut dyn Iterator<Item = Mercator>)| {
            let tri = p.earcut_triangles_raw();
            let vertices: Vec<Mercator> =
                tri.vertices.iter().map(|[x, y]| merc(&geo::Coord { x: *x, y: *y })).collect();
            let indices: Vec<u32> = tri.triangle_indices.iter().map(|&i| i as u32).collect();
            let mut rings = vec![p.exterior().coords().map(merc).collect::<Vec<_>>()];
            rings.extend(p.interiors().iter().map(|r| r.coords().map(merc).collect::<Vec<_>>()));
            let all: Vec<Mercator> = rings[0].clone();
            push(PieceShape::Fill { vertices, indices, rings }, &mut all.into_iter());
        };
        let mut stack = vec![geometry];
        while let Some(g) = stack.pop() {
            match g {
                Geometry::Polygon(p) => polygon(p, &mut push),
                Geometry::MultiPolygon(mp) => mp.0.iter().for_each(|p| polygon(p, &mut push)),
                Geometry::Rect(r) => polygon(&r.to_polygon(), &mut push),
                Geometry::Triangle(t) => polygon(&t.to_polygon(), &mut push),
                Geometry::LineString(l) => {
                    let pts: Vec<Mercator> = l.coords().map(merc).collect();
                    push(PieceShape::Line(pts.clone()), &mut pts.into_iter());
                }
                Geometry::MultiLineString(ml) => {
                    for l in &ml.0 {
                        let pts: Vec<Mercator> = l.coords().map(merc).collect();
                        push(PieceShape::Line(pts.clone()), &mut pts.into_iter());
                    }
                }
                Geometry::Line(l) => {
                    let pts = vec![merc(&l.start), merc(&l.end)];
                    push(PieceShape::Line(pts.clone()), &mut pts.into_iter());
                }
                Geometry::GeometryCollection(gc) => stack.extend(gc.0.iter()),
                Geometry::Point(_) | Geometry::MultiPoint(_) => {}
            }
        }
        self.pieces.len() - before
    }
}

/// The kinds of file a layer is read from, by extension.
pub fn is_layer_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(),
        Some("geojson" | "json" | "gpkg" | "kml" | "shp")
    )
}

/// How a layer is drawn, and where it was read from: what the window remembers of it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LayerSettings {
    /// The file (remembered by path; read again at start).
    pub path: std::path::PathBuf,
    /// Its colour (sRGB).
    pub color: [u8; 3],
    /// Opacity of its fills, 0 to 1 (lines are drawn opaque).
    pub opacity: f32,
    /// Shown or hidden.
    pub visible: bool,
}

impl Default for LayerSettings {
    fn default() -> Self {
        LayerSettings { path: Default::default(), color: LAYER_COLORS[0], opacity: 0.35, visible: true }
    }
}

/// Colours given to new layers in turn: dark and muted, apart from the themes' colours, so
/// markers stay readable above them.
pub const LAYER_COLORS: [[u8; 3]; 6] = [
    [0x8c, 0x2d, 0x04],
    [0x54, 0x27, 0x88],
    [0x4d, 0x6b, 0x1f],
    [0x1f, 0x4e, 0x79],
    [0x7a, 0x1f, 0x4a],
    [0x5c, 0x5c, 0x3d],
];

/// A layer read, with how to draw it.
#[derive(Clone, Debug, PartialEq)]
pub struct StyledOverlay {
    /// The layer.
    pub overlay: std::sync::Arc<Overlay>,
    /// Colour, opacity.
    pub settings: LayerSettings,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(lon: f64, lat: f64) -> Geometry<f64> {
        Geometry::Polygon(geo::Polygon::new(
            geo::LineString::from(vec![
                (lon, lat),
                (lon + 1.0, lat),
                (lon + 1.0, lat + 1.0),
                (lon, lat + 1.0),
                (lon, lat),
            ]),
            vec![],
        ))
    }

    #[test]
    fn pieces_follow_the_view_and_the_time_window() {
        let mut o = Overlay::default();
        let d = |y, m, dd| Day::from_ymd(y, m, dd).unwrap();
        o.add(0, &square(120.0, 40.0), Some((d(1945, 8, 9), d(1945, 9, 2))));
        o.add(1, &square(130.0, 40.0), None);
        assert_eq!(o.pieces.len(), 2);
        let world = Bbox::of([
            Mercator::from(LonLat { lon: 100.0, lat: 30.0 }),
            Mercator::from(LonLat { lon: 140.0, lat: 50.0 }),
        ])
        .unwrap();
        let west = Bbox::of([
            Mercator::from(LonLat { lon: 119.0, lat: 39.0 }),
            Mercator::from(LonLat { lon: 122.0, lat: 42.0 }),
        ])
        .unwrap();
        let aug = TimeWindow::parse("1945-08").ok();
        let y1950 = TimeWindow::parse("1950").ok();
        assert_eq!(o.pieces_in(world, aug).count(), 2);
        assert_eq!(o.pieces_in(world, y1950).count(), 1, "the dated zone is gone in 1950; the undated one stays");
        assert_eq!(o.pieces_in(west, None).count(), 1, "only what is in view");
        assert!(o.follows_time());
    }

    /// The R-tree finds what a plain scan of every piece finds, in file order.
    #[test]
    fn the_index_finds_what_a_scan_finds_in_file_order() {
        let mut o = Overlay::default();
        for i in 0..400u32 {
            let (lon, lat) = (f64::from(i % 20) * 3.0 + 100.0, f64::from(i / 20) * 2.0 + 10.0);
            o.add(i, &square(lon, lat), None);
        }
        let at = |lon: f64, lat: f64| Mercator::from(LonLat { lon, lat });
        for (w, s, e, n) in
            [(99.0, 9.0, 170.0, 60.0), (110.5, 20.5, 111.0, 21.0), (130.0, 30.0, 150.0, 40.0), (0.0, 0.0, 1.0, 1.0)]
        {
            let view = Bbox::of([at(w, s), at(e, n)]).unwrap();
            let found: Vec<u32> = o.pieces_in(view, None).map(|p| p.feature).collect();
            let scanned: Vec<u32> = o.pieces.iter().filter(|p| p.bbox.intersects(&view)).map(|p| p.feature).collect();
            assert_eq!(found, scanned, "view {w},{s},{e},{n}");
        }
        // A piece added after a query is found by the next one.
        o.add(400, &square(0.2, 0.2), None);
        assert_eq!(o.pieces_in(Bbox::of([at(0.0, 0.0), at(1.0, 1.0)]).unwrap(), None).count(), 1);
    }
}

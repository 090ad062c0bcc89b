//! One basemap level converted to web-mercator once, with a box per piece so a view only
//! visits the pieces it shows.

use crate::basemap::Layer;
use crate::geometry::{Bbox, LonLat, Mercator};

/// Triangulated land: vertices, triangle indices, bounding box.
type LandMesh = (Vec<Mercator>, Vec<u32>, Bbox<Mercator>);

/// A line (a coast, a border) with its bounding box.
type Line = (Vec<Mercator>, Bbox<Mercator>);

/// One basemap level in web-mercator, prepared once.
#[derive(Clone, Debug, Default)]
pub struct MercatorLayer {
    land: Vec<LandMesh>,
    coast: Vec<Line>,
    borders: Vec<Line>,
}

fn line(points: &[LonLat]) -> Option<Line> {
    let v: Vec<Mercator> = points.iter().map(|p| Mercator::from(*p)).collect();
    let b = Bbox::of(v.iter().copied())?;
    Some((v, b))
}

impl MercatorLayer {
    /// Converts a triangulated lon/lat layer.
    pub fn new(layer: &Layer) -> MercatorLayer {
        let land = layer
            .land
            .iter()
            .filter_map(|piece| {
                let (v, b) = line(&piece.vertices)?;
                Some((v, piece.indices.clone(), b))
            })
            .collect();
        let coast = layer.land.iter().flat_map(|piece| piece.rings.iter()).filter_map(|r| line(r)).collect();
        let borders = layer.borders.iter().filter_map(|l| line(&l.points)).collect();
        MercatorLayer { land, coast, borders }
    }

    /// The land meshes (vertices, triangle indices) that meet a view.
    pub fn land_in(&self, view: Bbox<Mercator>) -> impl Iterator<Item = (&[Mercator], &[u32])> {
        self.land.iter().filter(move |(_, _, b)| b.intersects(&view)).map(|(v, i, _)| (v.as_slice(), i.as_slice()))
    }

    /// The coastlines that meet a view.
    pub fn coast_in(&self, view: Bbox<Mercator>) -> impl Iterator<Item = &[Mercator]> {
        self.coast.iter().filter(move |(_, b)| b.intersects(&view)).map(|(v, _)| v.as_slice())
    }

    /// The country borders that meet a view.
    pub fn borders_in(&self, view: Bbox<Mercator>) -> impl Iterator<Item = &[Mercator]> {
        self.borders.iter().filter(move |(_, b)| b.intersects(&view)).map(|(v, _)| v.as_slice())
    }
}

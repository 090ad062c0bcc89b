//! What a place shows on the map whatever the filter: its position, theme, marker shape and
//! label, and an R-tree over the positions. Built once per dataset.

use rstar::{AABB, RTree, primitives::GeomWithData};

use crate::geometry::{Bbox, Mercator};
use crate::model::{Dataset, LocationPrecision, PlaceIx, Theme};

/// Per-place data that does not change with the filter.
#[derive(Clone)]
pub struct PlaceStatics {
    /// Web-mercator position.
    pub pos: Vec<Mercator>,
    /// The theme most of its events belong to (the marker's colour).
    pub theme: Vec<Theme>,
    /// Region or inferred location.
    pub approximate: Vec<bool>,
    /// Per place: a stand-in point for a whole country.
    pub country: Vec<bool>,
    /// "Yan'an 延安": [`crate::model::Place::label`].
    pub label: Vec<String>,
    tree: RTree<GeomWithData<[f64; 2], u32>>,
}

impl std::fmt::Debug for PlaceStatics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PlaceStatics({} places)", self.pos.len())
    }
}

impl PlaceStatics {
    /// Builds the statics and the R-tree.
    pub fn build(dataset: &Dataset) -> PlaceStatics {
        let n = dataset.places.len();
        let mut out = PlaceStatics {
            pos: Vec::with_capacity(n),
            theme: Vec::with_capacity(n),
            approximate: Vec::with_capacity(n),
            country: Vec::with_capacity(n),
            label: Vec::with_capacity(n),
            tree: RTree::new(),
        };
        for (i, p) in dataset.places.iter().enumerate() {
            out.pos.push(Mercator::from(p.lon_lat));
            out.theme.push(dataset.place_theme(PlaceIx(i as u32)));
            out.approximate.push(p.precision.is_approximate());
            out.country.push(p.precision == LocationPrecision::Country);
            out.label.push(p.label());
        }
        out.tree = RTree::bulk_load(
            out.pos.iter().enumerate().map(|(i, p)| GeomWithData::new([p.x, p.y], i as u32)).collect(),
        );
        out
    }

    /// Follows an edit of these places (moved, renamed, their events' themes changed, or new
    /// at the end of the list): their entries and their points in the R-tree.
    pub fn update(&mut self, dataset: &Dataset, places: &[PlaceIx]) {
        for &ix in places {
            let (i, p) = (ix.ix(), dataset.place(ix));
            let pos = Mercator::from(p.lon_lat);
            let theme = dataset.place_theme(ix);
            if i < self.pos.len() {
                let old = self.pos[i];
                self.tree.remove(&GeomWithData::new([old.x, old.y], i as u32));
                self.pos[i] = pos;
                self.theme[i] = theme;
                self.approximate[i] = p.precision.is_approximate();
                self.country[i] = p.precision == LocationPrecision::Country;
                self.label[i] = p.label();
            } else {
                self.pos.push(pos);
                self.theme.push(theme);
                self.approximate.push(p.precision.is_approximate());
                self.country.push(p.precision == LocationPrecision::Country);
                self.label.push(p.label());
            }
            self.tree.insert(GeomWithData::new([pos.x, pos.y], i as u32));
        }
    }

    /// Places whose points lie in a Mercator box.
    pub fn in_view(&self, view: Bbox<Mercator>) -> impl Iterator<Item = PlaceIx> + '_ {
        let envelope = AABB::from_corners([view.min.x, view.min.y], [view.max.x, view.max.y]);
        self.tree.locate_in_envelope(&envelope).map(|g| PlaceIx(g.data))
    }
}

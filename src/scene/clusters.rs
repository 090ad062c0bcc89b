//! Markers and clusters: which places the map draws one by one, which it gathers into a
//! cluster, and the faint dots of hidden ones.
//!
//! [`ClusterGrid`] sorts the places into world-aligned cells at every zoom level, once, and
//! keeps per cell how many places show and how many events they hold; when the time window
//! moves, only the places that changed are added or taken away. Per frame, [`items`] reads the
//! cells in view (a few hundred, however many places exist) and gives clusters, or the shown
//! places one by one when few enough are in view.

use crate::chronology::Match;
use crate::geometry::{Bbox, Mercator, ScreenPoint, ScreenRect, ScreenTransform};
use crate::model::{PlaceIx, Theme};
use crate::query::Visibility;

use super::places::PlaceStatics;

/// Above this many shown places in view, markers are clustered.
pub const CLUSTER_ABOVE: usize = 400;
/// Cluster grid cell, in points.
pub const CLUSTER_CELL: f32 = 56.0;
/// Below this zoom (the whole region in view) markers that fall in one cell of the screen
/// are gathered into a cluster however few places there are: they would only pile up.
pub const PILE_UP_ZOOM: f64 = 3.0;
/// Hidden places drawn as faint dots for context, at most.
pub const MAX_GHOSTS: usize = 3000;

/// A marker's radius in points for the events it shows.
pub fn marker_radius(events: usize) -> f32 {
    (4.0 + 2.2 * (events as f32).sqrt()).min(16.0)
}

/// A cluster's radius in points for its number of places.
pub fn cluster_radius(places: usize) -> f32 {
    (10.0 + 4.0 * (places as f32).log2()).min(30.0)
}

/// One place marker on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// The place.
    pub place: PlaceIx,
    /// Centre on screen.
    pub pos: ScreenPoint,
    /// Radius in points.
    pub radius: f32,
    /// Its theme (the colour).
    pub theme: Theme,
    /// Region or inferred location: drawn as a dashed ring.
    pub approximate_location: bool,
    /// A stand-in point for a whole country: drawn as a dashed square, not a city's dot.
    pub country_level: bool,
    /// How its events match the time filter (Hidden: a ghost dot).
    pub time_match: Match,
    /// Events shown.
    pub shown_events: u32,
    /// A search is on and this place does not match it: drawn faintly, unlabelled.
    pub dimmed: bool,
}

/// Several shown places drawn as one circle with their count.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// Centre on screen (mean of its members).
    pub pos: ScreenPoint,
    /// Number of places.
    pub places: usize,
    /// Events shown at them.
    pub events: u64,
    /// The box of its members, to zoom to on click.
    pub bounds: Bbox<Mercator>,
}

/// Everything the map draws this frame, in paint order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Items {
    /// Faint dots for hidden places (only when not clustering).
    pub ghosts: Vec<ScreenPoint>,
    /// Clusters (when zoomed out on many places).
    pub clusters: Vec<Cluster>,
    /// Individual markers, least important first.
    pub markers: Vec<Marker>,
}

/// Deepest grid level built (a level is also skipped once cells stop merging places).
pub const MAX_GRID_LEVEL: usize = 16;

/// Places sorted into world-aligned square cells, one level per whole zoom, with per-cell
/// counts of what shows at the level in use.
///
/// At level `L` a cell is [`CLUSTER_CELL`] points wide at zoom `L` (so 56–112 points at zooms
/// `L..L+1`). The counts follow a [`Visibility`], for one level at a time: [`ClusterGrid::update`]
/// recounts only the places a moved window changed, and a change of level or filter recounts
/// that one level ([`ClusterGrid::sync`]).
#[derive(Clone, Debug, Default)]
pub struct ClusterGrid {
    levels: Vec<GridLevel>,
    /// The level whose counts are current, if any.
    counted_level: Option<usize>,
    /// Per place: whether it is counted as shown, and the events counted for it.
    counted: Vec<(bool, u32)>,
    /// Per cell of the counted level: shown places and their shown events.
    shown: Vec<u32>,
    events: Vec<u64>,
}

#[derive(Clone, Debug, Default)]
struct GridLevel {
    /// Cell side, in normalized units.
    side: f64,
    /// Per place: its cell.
    cell_of: Vec<u32>,
    /// Per cell: (row, column), sorted.
    keys: Vec<(u32, u32)>,
    /// Per cell: where its members start in `members` (one more entry at the end).
    starts: Vec<u32>,
    members: Vec<u32>,
    /// Per cell: the mean position of all its places (clusters stay put as the window moves).
    centre: Vec<Mercator>,
}

impl GridLevel {
    fn build(norm: &[Mercator], level: usize) -> GridLevel {
        let side = f64::from(CLUSTER_CELL) / (256.0 * (level as f64).exp2());
        let cell = |p: Mercator| ((p.y / side).floor().max(0.0) as u32, (p.x / side).floor().max(0.0) as u32);
        let mut order: Vec<(u32, u32, u32)> =
            norm.iter().enumerate().map(|(i, p)| (cell(*p).0, cell(*p).1, i as u32)).collect();
        order.sort_unstable();
        let mut g = GridLevel { side, cell_of: vec![0; norm.len()], ..GridLevel::default() };
        for (row, col, place) in order {
            if g.keys.last() != Some(&(row, col)) {
                g.keys.push((row, col));
                g.starts.push(g.members.len() as u32);
                g.centre.push(Mercator::default());
            }
            let c = g.keys.len() - 1;
            g.cell_of[place as usize] = c as u32;
            g.members.push(place);
            let n = norm[place as usize];
            g.centre[c] = Mercator { x: g.centre[c].x + n.x, y: g.centre[c].y + n.y };
        }
        g.starts.push(g.members.len() as u32);
        for (c, centre) in g.centre.iter_mut().enumerate() {
            let n = f64::from(g.starts[c + 1] - g.starts[c]);
            *centre = Mercator { x: centre.x / n, y: centre.y / n };
        }
        g
    }

    /// The cell a point falls in.
    fn key(&self, p: Mercator) -> (u32, u32) {
        ((p.y / self.side).floor().max(0.0) as u32, (p.x / self.side).floor().max(0.0) as u32)
    }

    /// Moves place `i` from `old` to `new` (or adds it at `new` when `old` is `None`): out of
    /// its cell and into another, the cells' centres kept the mean of their places, as
    /// [`GridLevel::build`] would have them.
    fn put(&mut self, i: usize, old: Option<Mercator>, new: Mercator) {
        let target = self.key(new);
        if let Some(old) = old {
            let a = self.cell_of[i] as usize;
            let n = f64::from(self.starts[a + 1] - self.starts[a]);
            if self.keys[a] == target {
                let c = &mut self.centre[a];
                *c = Mercator { x: c.x + (new.x - old.x) / n, y: c.y + (new.y - old.y) / n };
                return;
            }
            let (from, to) = (self.starts[a] as usize, self.starts[a + 1] as usize);
            if let Some(k) = self.members[from..to].iter().position(|m| *m as usize == i) {
                self.members.remove(from + k);
            }
            for s in &mut self.starts[a + 1..] {
                *s -= 1;
            }
            if n <= 1.0 {
                self.keys.remove(a);
                self.starts.remove(a);
                self.centre.remove(a);
                for c in &mut self.cell_of {
                    if *c as usize > a {
                        *c -= 1;
                    }
                }
            } else {
                let c = &mut self.centre[a];
                *c = Mercator { x: (c.x * n - old.x) / (n - 1.0), y: (c.y * n - old.y) / (n - 1.0) };
            }
        } else {
            self.cell_of.push(0);
        }
        let b = match self.keys.binary_search(&target) {
            Ok(b) => {
                let n = f64::from(self.starts[b + 1] - self.starts[b]);
                let c = &mut self.centre[b];
                *c = Mercator { x: (c.x * n + new.x) / (n + 1.0), y: (c.y * n + new.y) / (n + 1.0) };
                b
            }
            Err(b) => {
                self.keys.insert(b, target);
                self.starts.insert(b, self.starts[b]);
                self.centre.insert(b, new);
                for c in &mut self.cell_of {
                    if *c as usize >= b {
                        *c += 1;
                    }
                }
                b
            }
        };
        let (from, to) = (self.starts[b] as usize, self.starts[b + 1] as usize);
        let at = from + self.members[from..to].partition_point(|m| (*m as usize) < i);
        self.members.insert(at, i as u32);
        for s in &mut self.starts[b + 1..] {
            *s += 1;
        }
        self.cell_of[i] = b as u32;
    }

    /// The cells overlapping a Mercator box.
    fn cells_in(&self, view: Bbox<Mercator>) -> impl Iterator<Item = usize> + '_ {
        let index = |v: f64| (v / self.side).floor().clamp(0.0, f64::from(u32::MAX)) as u32;
        let (c0, c1) = (index(view.min.x), index(view.max.x));
        (index(view.min.y)..=index(view.max.y)).flat_map(move |row| {
            let lo = self.keys.partition_point(|k| *k < (row, c0));
            self.keys[lo..].iter().take_while(move |k| **k <= (row, c1)).enumerate().map(move |(i, _)| lo + i)
        })
    }

    fn members(&self, cell: usize) -> &[u32] {
        &self.members[self.starts[cell] as usize..self.starts[cell + 1] as usize]
    }

    fn bounds(&self, cell: usize) -> Bbox<Mercator> {
        let (row, col) = self.keys[cell];
        let (x, y) = (f64::from(col) * self.side, f64::from(row) * self.side);
        Bbox { min: Mercator { x, y }, max: Mercator { x: x + self.side, y: y + self.side } }
    }
}

impl ClusterGrid {
    /// Sorts the places into cells, level by level.
    pub fn build(statics: &PlaceStatics) -> ClusterGrid {
        let n = statics.pos.len();
        let mut levels = Vec::new();
        for level in 0..=MAX_GRID_LEVEL {
            let g = GridLevel::build(&statics.pos, level);
            // Once most cells hold one place, clustering saves nothing: deeper zooms draw
            // from the R-tree.
            if level > 0 && g.keys.len() * 2 > n {
                break;
            }
            levels.push(g);
        }
        ClusterGrid { levels, counted: vec![(false, 0); n], ..ClusterGrid::default() }
    }

    /// Follows places moved (`Some` old position) or added (`None`, in index order at the
    /// end), level by level, without building the grid again; the counts are taken again on
    /// the next use.
    pub fn moved(&mut self, moves: &[(PlaceIx, Option<Mercator>, Mercator)]) {
        for &(p, old, new) in moves {
            for level in &mut self.levels {
                level.put(p.ix(), old, new);
            }
            if old.is_none() {
                self.counted.push((false, 0));
            }
        }
        self.invalidate();
    }

    /// How many levels were built.
    pub fn levels(&self) -> usize {
        self.levels.len()
    }

    /// The level drawn at a transform's zoom, if one was built.
    pub fn level_for(&self, t: &ScreenTransform) -> Option<usize> {
        let level = t.zoom().floor().max(0.0) as usize;
        (level < self.levels.len()).then_some(level)
    }

    /// Forgets the counts (the filter changed in a way [`ClusterGrid::update`] cannot follow).
    pub fn invalidate(&mut self) {
        self.counted_level = None;
    }

    /// Makes the counts of `level` current for `vis`, recounting that level if needed.
    pub fn sync(&mut self, vis: &Visibility, level: usize) {
        if self.counted_level == Some(level) || level >= self.levels.len() {
            return;
        }
        let g = &self.levels[level];
        self.shown = vec![0; g.keys.len()];
        self.events = vec![0; g.keys.len()];
        for (p, counted) in self.counted.iter_mut().enumerate() {
            let shown = vis.places[p].is_shown();
            *counted = (shown, if shown { vis.counts[p] } else { 0 });
            if shown {
                let c = g.cell_of[p] as usize;
                self.shown[c] += 1;
                self.events[c] += u64::from(vis.counts[p]);
            }
        }
        self.counted_level = Some(level);
    }

    /// Recounts the cells of places whose match or count changed (repeats are harmless).
    pub fn update(&mut self, vis: &Visibility, changed: &[PlaceIx]) {
        let Some(level) = self.counted_level else { return };
        let g = &self.levels[level];
        for p in changed {
            let p = p.ix();
            let now = (vis.places[p].is_shown(), if vis.places[p].is_shown() { vis.counts[p] } else { 0 });
            let before = std::mem::replace(&mut self.counted[p], now);
            if before != now {
                let c = g.cell_of[p] as usize;
                self.shown[c] = self.shown[c] + u32::from(now.0) - u32::from(before.0);
                self.events[c] = self.events[c] + u64::from(now.1) - u64::from(before.1);
            }
        }
    }
}

/// Chooses what to draw in `rect` for this view.
///
/// `grid` must have followed `vis` (built, or kept up with [`ClusterGrid::update`] and
/// [`ClusterGrid::invalidate`]). Up to the grid's deepest level the cost follows the cells in
/// view; deeper, the R-tree gives the places in view (few, at such zooms).
pub fn items(
    statics: &PlaceStatics,
    grid: &mut ClusterGrid,
    vis: &Visibility,
    t: &ScreenTransform,
    rect: ScreenRect,
    selected: &[PlaceIx],
) -> Items {
    let items = match grid.level_for(t) {
        Some(level) => {
            grid.sync(vis, level);
            items_from_grid(statics, grid, level, vis, t, rect, selected)
        }
        None => items_from_tree(statics, vis, t, rect, selected),
    };
    if t.zoom() < PILE_UP_ZOOM && items.clusters.is_empty() {
        gather_piles(statics, items, rect, selected)
    } else {
        items
    }
}

/// Gathers the markers (but the selected) that share a cell of a screen grid into clusters.
fn gather_piles(statics: &PlaceStatics, mut items: Items, rect: ScreenRect, selected: &[PlaceIx]) -> Items {
    let cell = |p: ScreenPoint| {
        (((p.x - rect.min.x) / CLUSTER_CELL).floor() as i32, ((p.y - rect.min.y) / CLUSTER_CELL).floor() as i32)
    };
    let mut by_cell: std::collections::BTreeMap<(i32, i32), Vec<usize>> = std::collections::BTreeMap::new();
    for (i, m) in items.markers.iter().enumerate() {
        if !selected.contains(&m.place) {
            by_cell.entry(cell(m.pos)).or_default().push(i);
        }
    }
    let mut gathered = vec![false; items.markers.len()];
    for members in by_cell.values().filter(|m| m.len() > 1) {
        let n = members.len() as f32;
        let (sx, sy) =
            members.iter().fold((0.0, 0.0), |(x, y), i| (x + items.markers[*i].pos.x, y + items.markers[*i].pos.y));
        let bounds = Bbox::of(members.iter().map(|i| statics.pos[items.markers[*i].place.ix()]));
        let Some(bounds) = bounds else { continue };
        items.clusters.push(Cluster {
            pos: ScreenPoint::new(sx / n, sy / n),
            places: members.len(),
            events: members.iter().map(|i| u64::from(items.markers[*i].shown_events)).sum(),
            bounds,
        });
        for i in members {
            gathered[*i] = true;
        }
    }
    let mut keep = gathered.iter().map(|g| !g);
    items.markers.retain(|_| keep.next().unwrap_or(true));
    items
}

fn make_marker(statics: &PlaceStatics, vis: &Visibility, t: &ScreenTransform, p: PlaceIx) -> Marker {
    let m = vis.places[p.ix()];
    let count = vis.counts[p.ix()];
    Marker {
        place: p,
        pos: t.apply(statics.pos[p.ix()]),
        radius: if m.is_shown() { marker_radius(count as usize) } else { 2.5 },
        theme: statics.theme[p.ix()],
        approximate_location: statics.approximate[p.ix()],
        country_level: statics.country[p.ix()],
        time_match: m,
        shown_events: count,
        dimmed: false,
    }
}

fn items_from_grid(
    statics: &PlaceStatics,
    grid: &ClusterGrid,
    level: usize,
    vis: &Visibility,
    t: &ScreenTransform,
    rect: ScreenRect,
    selected: &[PlaceIx],
) -> Items {
    let g = &grid.levels[level];
    let (shown, events) = (&grid.shown, &grid.events);
    let view = t.visible(rect.expand(24.0));
    let inside = |p: u32| view.contains(statics.pos[p as usize]);
    // Selected places are drawn as markers, never inside a cluster.
    let selected_shown: Vec<PlaceIx> = selected.iter().copied().filter(|p| vis.places[p.ix()].is_shown()).collect();
    let cells: Vec<usize> = g.cells_in(view).filter(|c| shown[*c] > 0).collect();
    let shown_in_view: usize = cells.iter().map(|c| shown[*c] as usize).sum();
    let mut items = Items::default();
    if shown_in_view.saturating_sub(selected_shown.len()) > CLUSTER_ABOVE {
        items.clusters = cells
            .iter()
            .filter_map(|&c| {
                let (mut places, mut events) = (shown[c] as usize, events[c]);
                for p in selected_shown.iter().filter(|p| g.cell_of[p.ix()] as usize == c) {
                    places -= 1;
                    events -= u64::from(vis.counts[p.ix()]);
                }
                (places > 0).then(|| Cluster { pos: t.apply(g.centre[c]), places, events, bounds: g.bounds(c) })
            })
            .collect();
        items.markers = selected_shown.iter().map(|p| make_marker(statics, vis, t, *p)).collect();
        return items;
    }
    let mut markers: Vec<Marker> = cells
        .iter()
        .flat_map(|c| g.members(*c))
        .filter(|p| vis.places[**p as usize].is_shown() && inside(**p))
        .map(|p| make_marker(statics, vis, t, PlaceIx(*p)))
        .collect();
    markers.sort_by_key(|m| (m.shown_events, std::cmp::Reverse(m.place)));
    items.markers = markers;
    items.ghosts = g
        .cells_in(view)
        .flat_map(|c| g.members(c))
        .filter(|p| !vis.places[**p as usize].is_shown() && inside(**p))
        .take(MAX_GHOSTS)
        .map(|p| t.apply(statics.pos[*p as usize]))
        .collect();
    items
}

/// [`items`] from the R-tree and a screen grid, for zooms deeper than the grid's levels.
fn items_from_tree(
    statics: &PlaceStatics,
    vis: &Visibility,
    t: &ScreenTransform,
    rect: ScreenRect,
    selected: &[PlaceIx],
) -> Items {
    let view = t.visible(rect.expand(24.0));
    let mut shown: Vec<PlaceIx> = Vec::new();
    let mut hidden: Vec<PlaceIx> = Vec::new();
    for p in statics.in_view(view) {
        if vis.places[p.ix()].is_shown() {
            shown.push(p);
        } else if hidden.len() < MAX_GHOSTS {
            hidden.push(p);
        }
    }
    let marker = |p: PlaceIx| make_marker(statics, vis, t, p);
    let mut items = Items::default();
    if shown.len() > CLUSTER_ABOVE {
        // A fixed screen grid (a few hundred cells): one array slot per cell, no hashing.
        let [width, height] = rect.size().map(|s| s as f32);
        let cols = (width / CLUSTER_CELL).ceil() as i32 + 2;
        let rows = (height / CLUSTER_CELL).ceil() as i32 + 2;
        let mut cells: Vec<Option<(Cluster, f32, f32)>> = vec![None; (cols * rows).max(0) as usize];
        for p in &shown {
            if selected.contains(p) {
                continue;
            }
            let n = statics.pos[p.ix()];
            let pos = t.apply(n);
            let cx = (((pos.x - rect.min.x) / CLUSTER_CELL).floor() as i32 + 1).clamp(0, cols - 1);
            let cy = (((pos.y - rect.min.y) / CLUSTER_CELL).floor() as i32 + 1).clamp(0, rows - 1);
            let slot = &mut cells[(cy * cols + cx) as usize];
            let entry =
                slot.get_or_insert_with(|| (Cluster { pos, places: 0, events: 0, bounds: Bbox::point(n) }, 0.0, 0.0));
            entry.0.places += 1;
            entry.0.events += u64::from(vis.counts[p.ix()]);
            entry.0.bounds.extend(n);
            entry.1 += pos.x;
            entry.2 += pos.y;
        }
        items.clusters = cells
            .into_iter()
            .flatten()
            .map(|(mut c, sx, sy)| {
                c.pos = ScreenPoint::new(sx / c.places as f32, sy / c.places as f32);
                c
            })
            .collect();
        items.markers = selected.iter().filter(|p| vis.places[p.ix()].is_shown()).map(|p| marker(*p)).collect();
    } else {
        items.ghosts = hidden.iter().map(|p| t.apply(statics.pos[p.ix()])).collect();
        let mut markers: Vec<Marker> = shown.into_iter().map(marker).collect();
        markers.sort_by_key(|m| (m.shown_events, std::cmp::Reverse(m.place)));
        items.markers = markers;
    }
    items
}

#[cfg(test)]
mod edit_tests {
    use super::*;

    fn same(a: &GridLevel, b: &GridLevel) {
        assert_eq!(a.keys, b.keys);
        assert_eq!(a.starts, b.starts);
        assert_eq!(a.members, b.members);
        assert_eq!(a.cell_of, b.cell_of);
        for (x, y) in a.centre.iter().zip(&b.centre) {
            assert!((x.x - y.x).abs() < 1e-9 && (x.y - y.y).abs() < 1e-9, "{x:?} {y:?}");
        }
    }

    #[test]
    fn places_moved_and_added_one_by_one_give_the_grid_built_afresh() {
        // A pseudo-random cloud, some places sharing cells, some alone.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut pos: Vec<Mercator> =
            (0..300).map(|_| Mercator { x: 0.7 + next() * 0.1, y: 0.3 + next() * 0.1 }).collect();
        for level in [2, 6, 9] {
            let mut g = GridLevel::build(&pos, level);
            let mut moved = pos.clone();
            for step in 0..200 {
                let i = (next() * moved.len() as f64) as usize % moved.len();
                let to = if step % 3 == 0 {
                    // Within a hair of where it was: the same cell, mostly.
                    Mercator { x: moved[i].x + 1e-7, y: moved[i].y }
                } else {
                    Mercator { x: 0.7 + next() * 0.1, y: 0.3 + next() * 0.1 }
                };
                if step % 17 == 0 {
                    g.put(moved.len(), None, to);
                    moved.push(to);
                } else {
                    g.put(i, Some(moved[i]), to);
                    moved[i] = to;
                }
                same(&g, &GridLevel::build(&moved, level));
            }
            pos = moved;
        }
    }
}

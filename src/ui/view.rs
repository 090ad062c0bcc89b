//! The filtered view: what the time filter and themes show, and everything that follows it.
//!
//! [`FilteredView`] owns the visibility, the cluster counts, the place list's bitmap and the
//! map's scene, with one generation that every dependent is keyed on. [`FilteredView::set`]
//! is the one way to change the filter: it shifts the visibility when only the window moved
//! (and updates the clusters and the list for the places that changed), or rebuilds it, and
//! forgets the scene either way.

use crate::chronology::TimeFilter;
use crate::geometry::{ScreenRect, ScreenTransform};
use crate::model::{Dataset, PersonIx, PlaceIx};
use crate::query::{Themes, Visibility, visibility};
use crate::scene::{ClusterGrid, PlaceStatics, Scene, SceneInput};

use super::panels::PlaceListCache;

/// The filter a view was computed for.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Filter {
    time: TimeFilter,
    themes: Themes,
}

/// What a scene was built for.
#[derive(Clone, Debug, PartialEq)]
struct SceneKey {
    generation: u64,
    transform: ScreenTransform,
    canvas: ScreenRect,
    selected: Vec<PlaceIx>,
    person: Option<PersonIx>,
    overlays: Vec<ScreenRect>,
    /// The search the highlight is for.
    search: Option<String>,
}

/// The selection and the view a scene is built for.
#[derive(Clone, Copy, Debug)]
pub struct SceneRequest<'a> {
    /// The selected places.
    pub selected: &'a [PlaceIx],
    /// The person whose journey is drawn.
    pub person: Option<PersonIx>,
    /// The map's view.
    pub transform: ScreenTransform,
    /// The map's canvas.
    pub canvas: ScreenRect,
    /// What covers the canvas (no label goes there).
    pub overlays: &'a [ScreenRect],
    /// While a search is on: its text, and the places that match it, sorted.
    pub highlight: Option<(&'a str, &'a [PlaceIx])>,
}

/// The visibility of one dataset under the current filter, and what follows it.
#[derive(Debug, Default)]
pub struct FilteredView {
    filter: Option<Filter>,
    vis: Visibility,
    grid: ClusterGrid,
    list: PlaceListCache,
    generation: u64,
    scene: Option<(SceneKey, Scene)>,
}

impl FilteredView {
    /// A view of a dataset whose cluster grid and place list are built (the filter is set by
    /// the first [`FilteredView::set`]).
    pub fn new(grid: ClusterGrid, list: PlaceListCache) -> FilteredView {
        FilteredView { grid, list, ..FilteredView::default() }
    }

    /// Sets the filter, updating everything that follows it. Nothing happens when it is the
    /// filter already set.
    pub fn set(&mut self, dataset: &Dataset, time: TimeFilter, themes: Themes) {
        let filter = Filter { time, themes };
        if self.filter == Some(filter) {
            return;
        }
        let from = self.generation;
        self.generation += 1;
        self.scene = None;
        // While the slider is dragged only the window moves: shift the visibility and update
        // the clusters and the place list for the places that changed, instead of redoing all.
        if let Some(old) = self.filter
            && old.themes == themes
        {
            let mut changed = Vec::new();
            if self.vis.shift_window(dataset, &old.time, &time, &themes, &mut changed) {
                self.grid.update(&self.vis, &changed);
                self.list.follow(&self.vis, &changed, from, self.generation);
                self.filter = Some(filter);
                return;
            }
        }
        self.vis = visibility(dataset, &time, &themes);
        self.grid.invalidate();
        self.filter = Some(filter);
    }

    /// Follows an edit of the dataset: the places changed, their cells in the cluster grid
    /// (`moves`: a place's old point, `None` for a new one, and its new point), their list
    /// entries, and what the filter shows for the events and places the edit touched.
    pub fn follow_edit(
        &mut self,
        dataset: &Dataset,
        places: &[PlaceIx],
        events: &[crate::model::EventIx],
        moves: &[(PlaceIx, Option<crate::geometry::Mercator>, crate::geometry::Mercator)],
    ) {
        self.grid.moved(moves);
        self.list.update(dataset, places);
        self.generation += 1;
        self.scene = None;
        if let Some(f) = self.filter {
            self.vis.follow_edit(dataset, &f.time, &f.themes, events, places);
        }
        self.grid.invalidate();
    }

    /// What the filter shows.
    pub fn visibility(&self) -> &Visibility {
        &self.vis
    }

    /// Bumped whenever the visibility changes (what the place list memoizes on).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The visibility, its generation and the place list, to draw the list with.
    pub fn list_parts(&mut self) -> (&Visibility, u64, &mut PlaceListCache) {
        (&self.vis, self.generation, &mut self.list)
    }

    /// The scene last built (as the map last drew it).
    pub fn last_scene(&self) -> Option<&Scene> {
        self.scene.as_ref().map(|(_, scene)| scene)
    }

    /// The map's scene for a selection and view, built again only when it or the filter
    /// changed. `measure` gives a label's size as the painter draws it.
    pub fn scene(
        &mut self,
        dataset: &Dataset,
        statics: &PlaceStatics,
        request: SceneRequest<'_>,
        measure: &dyn Fn(&str) -> [f32; 2],
    ) -> &Scene {
        let SceneRequest { selected, person, transform, canvas, overlays, highlight } = request;
        let key = SceneKey {
            generation: self.generation,
            transform,
            canvas,
            selected: selected.to_vec(),
            person,
            overlays: overlays.to_vec(),
            search: highlight.map(|(text, _)| text.to_owned()),
        };
        if self.scene.as_ref().is_some_and(|(k, _)| *k != key) {
            self.scene = None;
        }
        let (vis, grid) = (&self.vis, &mut self.grid);
        let (_, scene) = self.scene.get_or_insert_with(|| {
            let highlight = highlight.map(|(_, places)| places);
            let input = SceneInput { dataset, statics, vis, selected, person, transform, canvas, overlays, highlight };
            (key, Scene::build(input, grid, measure))
        });
        scene
    }
}

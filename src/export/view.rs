//! The one query behind every export: which places an [`ExportRequest`] writes, each with the
//! events that show and their spans clipped to the window, gathered once into plain values.
//!
//! The writers (`geojson.rs`, `lpf.rs`) only serialise an [`ExportView`]; none of
//! them asks [`crate::query`] anything, so every format writes the same places and events, and
//! the map (which asks the same functions) agrees with all of them.

use crate::chronology::{Day, Match, TimeFilter, TimeWindow};
use crate::model::{Dataset, Event, EventIx, Place, PlaceIx};
use crate::query::{place_events_shown, visibility};

use super::{Counts, ExportRequest};

/// What an export writes, queried once: the places that show under the request's filter, in
/// dataset order, each once.
#[derive(Clone, Debug)]
pub struct ExportView<'a> {
    /// The dataset the places and events belong to, for the lookups a writer makes (people,
    /// sources, themes). The filtering is done: a writer needs no [`crate::query`] call.
    pub dataset: &'a Dataset,
    /// The time filter the view was built with (the writers record it in their metadata).
    pub time: TimeFilter,
    /// The places written, in dataset order.
    pub places: Vec<ExportPlace<'a>>,
}

/// A place as exported.
#[derive(Clone, Debug)]
pub struct ExportPlace<'a> {
    /// Its index in the dataset.
    pub ix: PlaceIx,
    /// The place itself (names, coordinates, precision).
    pub place: &'a Place,
    /// How the filter shows it: the best of its events, as the map draws it.
    pub certainty: Match,
    /// `(start, end)` of its dated shown events, clipped to the window; `None` when none of
    /// them is dated.
    pub span: Option<(Day, Day)>,
    /// The events that show there, in date order.
    pub events: Vec<ExportEvent<'a>>,
}

/// An event as exported.
#[derive(Clone, Debug)]
pub struct ExportEvent<'a> {
    /// Its index in the dataset.
    pub ix: EventIx,
    /// The event itself.
    pub event: &'a Event,
    /// How the filter shows it ([`Match::Certain`] or [`Match::Possible`]).
    pub certainty: Match,
    /// Its envelope `(earliest, latest)` clipped to the window; `None` when undated.
    pub span: Option<(Day, Day)>,
}

impl<'a> ExportView<'a> {
    /// Runs the request's query: the filter is applied once, then each listed (or every)
    /// place that shows is gathered with its shown events and clipped spans.
    pub fn new(dataset: &'a Dataset, request: &ExportRequest) -> ExportView<'a> {
        let vis = visibility(dataset, &request.time, &request.themes);
        let window = request.time.window;
        let chosen: Vec<PlaceIx> = match &request.places {
            Some(list) => {
                let mut l = list.clone();
                l.sort();
                l.dedup();
                l
            }
            None => (0..dataset.places.len()).map(|i| PlaceIx(i as u32)).collect(),
        };
        let places = chosen
            .into_iter()
            .filter(|p| vis.places[p.ix()].is_shown())
            .map(|ix| {
                let events: Vec<ExportEvent<'a>> = place_events_shown(dataset, &vis, ix)
                    .map(|e| {
                        let event = dataset.event(e);
                        let span = event.date.span().map(|(a, b)| clip(a, b, window));
                        ExportEvent { ix: e, event, certainty: vis.events[e.ix()], span }
                    })
                    .collect();
                let span = events.iter().filter_map(|e| e.span).reduce(|(x, y), (a, b)| (x.min(a), y.max(b)));
                ExportPlace { ix, place: dataset.place(ix), certainty: vis.places[ix.ix()], span, events }
            })
            .collect();
        ExportView { dataset, time: request.time, places }
    }

    /// How many places and events the view holds (what a writer writes).
    pub fn counts(&self) -> Counts {
        Counts { places: self.places.len(), events: self.places.iter().map(|p| p.events.len()).sum() }
    }
}

/// The span `(earliest, latest)` clipped to the window.
fn clip(earliest: Day, latest: Day, window: Option<TimeWindow>) -> (Day, Day) {
    match window {
        None => (earliest, latest),
        Some(w) => (earliest.max(w.start), latest.min(w.end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Dataset {
        crate::dataset::load(crate::dataset::Input::Bundled, &Default::default()).unwrap_or_default().dataset
    }

    fn day(y: i32, m: u32, d: u32) -> Day {
        Day::from_ymd(y, m, d).unwrap()
    }

    #[test]
    fn a_window_leaves_out_places_with_nothing_inside_and_clips_a_possible_stay() {
        let d = bundled();
        let versailles = d.place_by_id("versailles").unwrap();
        let quang_ngai = d.place_by_id("quang-ngai").unwrap();
        let time = TimeFilter::window(TimeWindow::parse("1950").unwrap());
        let request = ExportRequest { places: Some(vec![versailles, quang_ngai]), time, ..Default::default() };
        let view = ExportView::new(&d, &request);

        // Versailles (1919) has nothing in 1950; Quảng Ngãi has only bounded stays there.
        assert_eq!(view.places.len(), 1);
        let place = &view.places[0];
        assert_eq!(place.ix, quang_ngai);
        assert_eq!(place.certainty, Match::Possible);
        let year = (day(1950, 1, 1), day(1950, 12, 31));
        assert_eq!(place.span, Some(year));
        let stay = place
            .events
            .iter()
            .find(|e| e.event.id == "1954-tanimoto-kikuo-leaves-academy")
            .expect("Tanimoto's teaching until 1954 shows in 1950");
        assert_eq!(stay.certainty, Match::Possible);
        assert_eq!(stay.span, Some(year), "its envelope from August 1945 to 1954 clipped to 1950");
        assert_eq!(view.counts(), Counts { places: 1, events: place.events.len() });
    }

    #[test]
    fn without_a_window_every_place_shows_once_in_dataset_order_with_its_whole_envelope() {
        let d = bundled();
        let all = ExportView::new(&d, &ExportRequest::default());
        assert_eq!(all.places.len(), d.places.len());
        assert_eq!(all.counts().events, d.events.iter().filter(|e| e.place.is_some()).count());

        let yanan = d.place_by_id("yanan").unwrap();
        let harbin = d.place_by_id("harbin").unwrap();
        let picked =
            ExportView::new(&d, &ExportRequest { places: Some(vec![yanan, harbin, yanan]), ..Default::default() });
        let order: Vec<PlaceIx> = picked.places.iter().map(|p| p.ix).collect();
        assert_eq!(order, [yanan.min(harbin), yanan.max(harbin)]);
        let tanimoto =
            all.places.iter().flat_map(|p| &p.events).find(|e| e.event.id == "1954-tanimoto-kikuo-leaves-academy");
        assert_eq!(tanimoto.unwrap().span, Some((day(1945, 8, 1), day(1954, 12, 31))));
    }
}

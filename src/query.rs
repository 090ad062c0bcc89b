//! The filtered view of a dataset: which events and places show for a time filter, themes and
//! a search. The map, the place list, the panels and `crossings export` all call these
//! functions, so they can never disagree.

use unicode_normalization::UnicodeNormalization;

use crate::chronology::{Match, TimeFilter};
use crate::model::{Dataset, EventIx, PlaceIx, Theme};

/// What shows for one filter: a [`Match`] per event and per place, and per place the number
/// of its events that show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Visibility {
    /// Per event, in [`Dataset::events`] order.
    pub events: Vec<Match>,
    /// Per place: the best match among its events.
    pub places: Vec<Match>,
    /// Per place: how many of its events show.
    pub counts: Vec<u32>,
    /// Per place: how many of its events show as [`Match::Certain`] (kept so a moved window
    /// can update a place without looking at its other events).
    pub certain: Vec<u32>,
    /// How many events show in all.
    pub shown_events: usize,
    /// How many of them show as [`Match::Certain`].
    pub certain_events: usize,
    /// True when a time window filters (without one, "possible" means only an uncertain date).
    pub windowed: bool,
    /// Events at inferred locations are mapped ([`Themes::inferred_places`]).
    pub inferred_places: bool,
}

impl Visibility {
    /// The shown places, in dataset order.
    pub fn shown_places(&self) -> impl Iterator<Item = PlaceIx> + '_ {
        self.places.iter().enumerate().filter(|(_, m)| m.is_shown()).map(|(i, _)| PlaceIx(i as u32))
    }

    /// Follows an edit of the dataset under the same filter: the events changed or added
    /// (added ones at the end of the list) are classified again, and the places changed, or
    /// whose events changed, are counted again, as [`visibility`] would count them. Costs what
    /// the edit touched, not the dataset.
    pub fn follow_edit(
        &mut self,
        dataset: &Dataset,
        time: &TimeFilter,
        themes: &Themes,
        events: &[EventIx],
        places: &[PlaceIx],
    ) {
        self.events.resize(dataset.events.len(), Match::Hidden);
        let n = dataset.places.len();
        self.places.resize(n, Match::Hidden);
        self.counts.resize(n, 0);
        self.certain.resize(n, 0);
        for e in events {
            let old = self.events[e.ix()];
            let event = dataset.event(*e);
            let new = if themes.on(event.category) { time.classify(&event.date) } else { Match::Hidden };
            self.shown_events = self.shown_events + usize::from(new.is_shown()) - usize::from(old.is_shown());
            self.certain_events =
                self.certain_events + usize::from(new == Match::Certain) - usize::from(old == Match::Certain);
            self.events[e.ix()] = new;
        }
        for p in places {
            let evs = &dataset.place_events[p.ix()];
            let mapped: Vec<Match> = evs
                .iter()
                .filter(|e| themes.mapped_place(&dataset.event_keys[e.ix()]) != u32::MAX)
                .map(|e| self.events[e.ix()])
                .collect();
            self.places[p.ix()] = if evs.is_empty() {
                if time.window.is_none() && themes.all_on() { Match::Possible } else { Match::Hidden }
            } else {
                mapped.iter().copied().max().unwrap_or(Match::Hidden)
            };
            self.counts[p.ix()] = mapped.iter().filter(|m| m.is_shown()).count() as u32;
            self.certain[p.ix()] = mapped.iter().filter(|m| **m == Match::Certain).count() as u32;
        }
    }

    /// How many events show (counted once, when the visibility is built).
    pub fn shown_event_count(&self) -> usize {
        self.shown_events
    }
}

/// Themes switched on (all by default), and whether inferred locations are mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Themes {
    /// Per theme, in [`Theme::ALL`] order.
    pub on: [bool; Theme::ALL.len()],
    /// Map events at places the documents do not give (`place_basis: inferred`, or a place
    /// of `inferred` precision). Off, such events still list, unplaced.
    pub inferred_places: bool,
}

impl Default for Themes {
    fn default() -> Self {
        Themes { on: [true; Theme::ALL.len()], inferred_places: true }
    }
}

impl Themes {
    /// True when the theme is switched on.
    pub fn on(&self, theme: Theme) -> bool {
        Theme::ALL.iter().position(|t| *t == theme).is_some_and(|i| self.on[i])
    }

    /// Switches a theme on or off.
    pub fn set(&mut self, theme: Theme, on: bool) {
        if let Some(i) = Theme::ALL.iter().position(|t| *t == theme) {
            self.on[i] = on;
        }
    }

    /// True when every theme is on and nothing is left off the map.
    pub fn all_on(&self) -> bool {
        self.on.iter().all(|x| *x) && self.inferred_places
    }

    /// The place an event is mapped at under these settings (`u32::MAX`: none).
    fn mapped_place(&self, key: &crate::model::EventKey) -> u32 {
        if key.inferred_place && !self.inferred_places { u32::MAX } else { key.place }
    }
}

/// Classifies every event and place for a time filter and themes.
///
/// A place with no events shows only when there is no time window (it is on the map because
/// someone is tied to it). With a window, only the [`crate::chronology::SpanIndex`]'s
/// candidates are classified, so the cost follows the events the window can hold.
pub fn visibility(dataset: &Dataset, time: &TimeFilter, themes: &Themes) -> Visibility {
    let Some(window) = time.window else {
        return visibility_brute_force(dataset, time, themes);
    };
    // Only the index's candidates can show; everything else stays hidden. The same
    // classify() decides, so this equals the brute force (a property test checks).
    let mut events = vec![Match::Hidden; dataset.events.len()];
    let mut places = vec![Match::Hidden; dataset.places.len()];
    let mut counts = vec![0u32; dataset.places.len()];
    let mut certain = vec![0u32; dataset.places.len()];
    let mut shown_events = 0;
    let mut certain_events = 0;
    let mut mark = |i: usize| {
        let k = &dataset.event_keys[i];
        if !themes.on(k.theme) {
            return;
        }
        let m = time.classify_span(k.date_span());
        events[i] = m;
        if m.is_shown() {
            shown_events += 1;
            certain_events += usize::from(m == Match::Certain);
            let place = themes.mapped_place(k) as usize;
            if let Some(p) = places.get_mut(place) {
                *p = (*p).max(m);
                counts[place] += 1;
                certain[place] += u32::from(m == Match::Certain);
            }
        }
    };
    for i in dataset.time_index.candidates(window) {
        mark(i as usize);
    }
    if time.include_undated {
        for &i in dataset.time_index.undated() {
            mark(i as usize);
        }
    }
    Visibility {
        events,
        places,
        counts,
        certain,
        shown_events,
        certain_events,
        windowed: true,
        inferred_places: themes.inferred_places,
    }
}

impl Visibility {
    /// Moves this visibility, computed for `from`, to the filter `to`, when the two differ only
    /// in where the window lies (as while dragging the slider). Only events with an end
    /// between an old and a new window edge can change, so the cost follows how far the
    /// window moved, not how many events exist. The places whose match or count changed are
    /// appended to `changed` (a place may come more than once).
    ///
    /// Returns false, changing nothing, when the filters differ otherwise (then rebuild with
    /// [`visibility`]). A property test checks the result equals a rebuild.
    pub fn shift_window(
        &mut self,
        dataset: &Dataset,
        from: &TimeFilter,
        to: &TimeFilter,
        themes: &Themes,
        changed: &mut Vec<PlaceIx>,
    ) -> bool {
        let (Some(a), Some(b)) = (from.window, to.window) else { return false };
        if from.include_undated != to.include_undated || self.events.len() != dataset.events.len() {
            return false;
        }
        let edges = [(a.start.min(b.start), a.start.max(b.start)), (a.end.min(b.end), a.end.max(b.end))];
        for (lo, hi) in edges {
            if lo == hi {
                continue;
            }
            for i in dataset.time_index.ends_between(lo, hi) {
                let k = &dataset.event_keys[i as usize];
                if k.undated || !themes.on(k.theme) {
                    continue;
                }
                let new = to.classify_span(k.date_span());
                let old = std::mem::replace(&mut self.events[i as usize], new);
                if old == new {
                    continue;
                }
                if old.is_shown() {
                    self.shown_events -= 1;
                }
                if new.is_shown() {
                    self.shown_events += 1;
                }
                self.certain_events =
                    self.certain_events + usize::from(new == Match::Certain) - usize::from(old == Match::Certain);
                let ix = themes.mapped_place(k) as usize;
                let Some(p) = self.places.get_mut(ix) else { continue };
                let (count, sure) = (&mut self.counts[ix], &mut self.certain[ix]);
                *count = *count + u32::from(new.is_shown()) - u32::from(old.is_shown());
                *sure = *sure + u32::from(new == Match::Certain) - u32::from(old == Match::Certain);
                *p = if *sure > 0 {
                    Match::Certain
                } else if *count > 0 {
                    Match::Possible
                } else {
                    Match::Hidden
                };
                changed.push(PlaceIx(ix as u32));
            }
        }
        true
    }
}

/// [`visibility`] by classifying every event (used without a window, and as the reference
/// the indexed version is tested against).
pub fn visibility_brute_force(dataset: &Dataset, time: &TimeFilter, themes: &Themes) -> Visibility {
    let events: Vec<Match> = dataset
        .events
        .iter()
        .map(|e| if themes.on(e.category) { time.classify(&e.date) } else { Match::Hidden })
        .collect();
    // An event counts at a place only where it is mapped under these settings.
    let mapped = |e: &EventIx| themes.mapped_place(&dataset.event_keys[e.ix()]) != u32::MAX;
    let places = dataset
        .place_events
        .iter()
        .map(|evs| {
            if evs.is_empty() {
                // Shown only with nothing filtered out (all_on includes inferred locations).
                return if time.window.is_none() && themes.all_on() { Match::Possible } else { Match::Hidden };
            }
            evs.iter().filter(|e| mapped(e)).map(|e| events[e.ix()]).max().unwrap_or(Match::Hidden)
        })
        .collect();
    let count = |level: fn(Match) -> bool| {
        dataset
            .place_events
            .iter()
            .map(|evs| evs.iter().filter(|e| mapped(e) && level(events[e.ix()])).count() as u32)
            .collect::<Vec<u32>>()
    };
    let counts = count(Match::is_shown);
    let certain = count(|m| m == Match::Certain);
    let shown_events = events.iter().filter(|m| m.is_shown()).count();
    let certain_events = events.iter().filter(|m| **m == Match::Certain).count();
    Visibility {
        events,
        places,
        counts,
        certain,
        shown_events,
        certain_events,
        windowed: time.window.is_some(),
        inferred_places: themes.inferred_places,
    }
}

/// The events of a place that show, in date order (without those at an inferred location when
/// inferred locations are switched off: they are not mapped there).
pub fn place_events_shown<'a>(
    dataset: &'a Dataset,
    vis: &'a Visibility,
    place: PlaceIx,
) -> impl Iterator<Item = EventIx> + 'a {
    dataset.place_events[place.ix()].iter().copied().filter(|e| {
        vis.events[e.ix()].is_shown() && (vis.inferred_places || !dataset.event_keys[e.ix()].inferred_place)
    })
}

/// Folds text for search: lowercase, no diacritics (Quảng Ngãi → quang ngai), no apostrophes
/// or hyphens (Yan'an → yanan), Đ → d. CJK passes through unchanged.
///
/// ```
/// assert_eq!(crossings::query::fold("Quảng Ngãi"), "quang ngai");
/// assert_eq!(crossings::query::fold("Yan'an"), "yanan");
/// ```
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter(|c| !matches!(c, '\'' | '’' | '‘' | '-' | '‐' | 'ʻ' | 'ʼ' | '.'))
        .map(|c| match c {
            'Đ' | 'đ' => 'd',
            'ı' => 'i',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// True when the folded query occurs in any name form of the place.
pub fn place_matches(dataset: &Dataset, place: PlaceIx, folded_query: &str) -> bool {
    folded_query.is_empty() || place_match(dataset, place, folded_query).is_some()
}

/// The name form of a place that the folded query occurs in (its name first, then its other
/// names, aliases and id), if any: what to show when the match is not the name itself
/// ("Yenan" finds Yan'an).
pub fn place_match<'d>(dataset: &'d Dataset, place: PlaceIx, folded_query: &str) -> Option<&'d str> {
    let p = dataset.place(place);
    std::iter::once(p.name.as_str())
        .chain(p.names.iter().map(|n| n.text.as_str()))
        .chain(p.aliases.iter().map(String::as_str))
        .chain(std::iter::once(p.id.as_str()))
        .find(|n| fold(n).contains(folded_query))
}

/// True when the folded query occurs in any name form of the person.
pub fn person_matches(dataset: &Dataset, person: crate::model::PersonIx, folded_query: &str) -> bool {
    folded_query.is_empty() || person_match(dataset, person, folded_query).is_some()
}

/// The name form of a person that the folded query occurs in, if any (see [`place_match`]).
pub fn person_match<'d>(dataset: &'d Dataset, person: crate::model::PersonIx, folded_query: &str) -> Option<&'d str> {
    let p = dataset.person(person);
    std::iter::once(p.name.as_str())
        .chain(p.names.iter().map(|n| n.text.as_str()))
        .chain(p.aliases.iter().map(String::as_str))
        .find(|n| fold(n).contains(folded_query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_diacritics_and_apostrophes_but_keeps_cjk() {
        assert_eq!(fold("QUẢNG NGÃI"), "quang ngai");
        assert_eq!(fold("Đà Nẵng"), "da nang");
        assert_eq!(fold("延安"), "延安");
        assert_eq!(fold("Lüshun"), "lushun");
        assert!(fold("Yan'an").contains(&fold("yanan")));
    }

    #[test]
    fn a_match_on_another_name_form_says_which() {
        let d = crate::dataset::load(crate::dataset::Input::Bundled, &Default::default()).unwrap_or_default().dataset;
        let yanan = d.place_by_id("yanan").unwrap_or(PlaceIx(0));
        assert_eq!(place_match(&d, yanan, &fold("Yan'an")), Some("Yan'an"));
        assert_eq!(place_match(&d, yanan, &fold("Yenan")), Some("Yenan"));
        assert_eq!(place_match(&d, yanan, &fold("延安")), Some("延安"));
        assert_eq!(place_match(&d, yanan, &fold("Harbin")), None);
    }
}

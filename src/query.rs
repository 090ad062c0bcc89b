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
}

impl Visibility {
    /// The shown places, in dataset order.
    pub fn shown_places(&self) -> impl Iterator<Item = PlaceIx> + '_ {
        self.places.iter().enumerate().filter(|(_, m)| m.is_shown()).map(|(i, _)| PlaceIx(i as u32))
    }

    /// How many events show (counted once, when the visibility is built).
    pub fn shown_event_count(&self) -> usize {
        self.shown_events
    }
}

/// Themes switched on (all by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Themes(pub [bool; Theme::ALL.len()]);

impl Default for Themes {
    fn default() -> Self {
        Themes([true; Theme::ALL.len()])
    }
}

impl Themes {
    /// True when the theme is switched on.
    pub fn on(&self, theme: Theme) -> bool {
        Theme::ALL.iter().position(|t| *t == theme).is_some_and(|i| self.0[i])
    }

    /// Switches a theme on or off.
    pub fn set(&mut self, theme: Theme, on: bool) {
        if let Some(i) = Theme::ALL.iter().position(|t| *t == theme) {
            self.0[i] = on;
        }
    }

    /// True when every theme is on.
    pub fn all_on(&self) -> bool {
        self.0.iter().all(|x| *x)
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
    let mut mark = |i: usize| {
        let k = &dataset.event_keys[i];
        if !themes.on(k.theme) {
            return;
        }
        let span = (!k.undated).then_some((k.earliest, k.latest));
        let m = time.classify_span(span, k.approximate);
        events[i] = m;
        if m.is_shown() {
            shown_events += 1;
            if let Some(p) = places.get_mut(k.place as usize) {
                *p = (*p).max(m);
                counts[k.place as usize] += 1;
                certain[k.place as usize] += u32::from(m == Match::Certain);
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
    Visibility { events, places, counts, certain, shown_events }
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
                let new = to.classify_span(Some((k.earliest, k.latest)), k.approximate);
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
                let Some(p) = self.places.get_mut(k.place as usize) else { continue };
                let ix = k.place as usize;
                let (count, sure) = (&mut self.counts[ix], &mut self.certain[ix]);
                *count = *count + u32::from(new.is_shown()) - u32::from(old.is_shown());
                *sure = *sure + u32::from(new == Match::Certain) - u32::from(old == Match::Certain);
                *p = if *sure > 0 {
                    Match::Certain
                } else if *count > 0 {
                    Match::Partial
                } else {
                    Match::Hidden
                };
                changed.push(PlaceIx(k.place));
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
    let places = dataset
        .place_events
        .iter()
        .map(|evs| {
            if evs.is_empty() {
                return if time.window.is_none() && themes.all_on() { Match::Partial } else { Match::Hidden };
            }
            evs.iter().map(|e| events[e.ix()]).max().unwrap_or(Match::Hidden)
        })
        .collect();
    let count = |level: fn(Match) -> bool| {
        dataset
            .place_events
            .iter()
            .map(|evs| evs.iter().filter(|e| level(events[e.ix()])).count() as u32)
            .collect::<Vec<u32>>()
    };
    let counts = count(Match::is_shown);
    let certain = count(|m| m == Match::Certain);
    let shown_events = events.iter().filter(|m| m.is_shown()).count();
    Visibility { events, places, counts, certain, shown_events }
}

/// The events of a place that show, in date order.
pub fn place_events_shown<'a>(
    dataset: &'a Dataset,
    vis: &'a Visibility,
    place: PlaceIx,
) -> impl Iterator<Item = EventIx> + 'a {
    dataset.place_events[place.ix()].iter().copied().filter(|e| vis.events[e.ix()].is_shown())
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
    if folded_query.is_empty() {
        return true;
    }
    let p = dataset.place(place);
    std::iter::once(p.name.as_str())
        .chain(p.names.iter().map(|n| n.text.as_str()))
        .chain(p.aliases.iter().map(String::as_str))
        .chain(std::iter::once(p.id.as_str()))
        .any(|n| fold(n).contains(folded_query))
}

/// True when the folded query occurs in any name form of the person.
pub fn person_matches(dataset: &Dataset, person: crate::model::PersonIx, folded_query: &str) -> bool {
    if folded_query.is_empty() {
        return true;
    }
    let p = dataset.person(person);
    std::iter::once(p.name.as_str())
        .chain(p.names.iter().map(|n| n.text.as_str()))
        .chain(p.aliases.iter().map(String::as_str))
        .any(|n| fold(n).contains(folded_query))
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
}

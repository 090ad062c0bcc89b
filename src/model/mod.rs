//! The domain: sources, places, people and events, resolved and indexed. No UI here.
//!
//! Records refer to each other by index ([`PlaceIx`], [`PersonIx`], ...) once loaded; the
//! string ids of the files are kept for output. A [`Dataset`] is only built by
//! [`crate::dataset`], which checks every reference first ("parse, don't validate").

use serde::{Deserialize, Serialize};

use crate::chronology::FuzzyDate;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub u32);
        impl $name {
            /// The position in its `Vec`.
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// Index of a [`Place`] in [`Dataset::places`].
    PlaceIx
);
index_type!(
    /// Index of a [`Person`] in [`Dataset::people`].
    PersonIx
);
index_type!(
    /// Index of an [`Event`] in [`Dataset::events`].
    EventIx
);
index_type!(
    /// Index of a [`Source`] in [`Dataset::sources`].
    SourceIx
);

/// A point in WGS84, longitude first (as GeoJSON).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    /// Degrees east, -180..=180.
    pub lon: f64,
    /// Degrees north, -90..=90.
    pub lat: f64,
}

/// A name in some language or script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Name {
    /// The name as written.
    pub text: String,
    /// A BCP-47 language tag: `zh-Hans`, `ja`, `vi`, `ru`, ...
    pub lang: String,
    /// An editorial remark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Whether a document states a fact or the dataset infers it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A source document says so.
    #[default]
    Stated,
    /// The editors inferred it (the record's note says why).
    Inferred,
}

impl Basis {
    /// `stated` or `inferred`.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Stated => "stated",
            Basis::Inferred => "inferred",
        }
    }
}

/// How well a place's point is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LocationPrecision {
    /// A site: a building, a hill, a cemetery.
    Exact,
    /// Somewhere in a town or city.
    City,
    /// Somewhere in a province, mountain range or sea.
    Region,
    /// The documents do not say where; the point is inferred.
    Inferred,
    /// A stand-in point for a whole country (Japan, Vietnam): not a city.
    Country,
}

impl LocationPrecision {
    /// The lowercase name used in files and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            LocationPrecision::Exact => "exact",
            LocationPrecision::City => "city",
            LocationPrecision::Region => "region",
            LocationPrecision::Inferred => "inferred",
            LocationPrecision::Country => "country",
        }
    }

    /// True for region, country and inferred points, which the map draws as approximate.
    pub fn is_approximate(self) -> bool {
        matches!(self, LocationPrecision::Region | LocationPrecision::Inferred | LocationPrecision::Country)
    }
}

/// What kind of place it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum PlaceCategory {
    City,
    Port,
    Camp,
    School,
    Headquarters,
    Battlefield,
    Memorial,
    Museum,
    Cemetery,
    Region,
}

impl PlaceCategory {
    /// The lowercase name used in files and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceCategory::City => "city",
            PlaceCategory::Port => "port",
            PlaceCategory::Camp => "camp",
            PlaceCategory::School => "school",
            PlaceCategory::Headquarters => "headquarters",
            PlaceCategory::Battlefield => "battlefield",
            PlaceCategory::Memorial => "memorial",
            PlaceCategory::Museum => "museum",
            PlaceCategory::Cemetery => "cemetery",
            PlaceCategory::Region => "region",
        }
    }
}

/// The themes the atlas colours by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    /// The Eighth Route Army and the Japanese anti-war leagues.
    EighthRouteArmy,
    /// Nationalist POW camps ("Peace Village").
    NationalistPow,
    /// The Soviet offensive and captivity in Siberia.
    Soviet,
    /// Repatriation to Japan.
    Repatriation,
    /// Japanese officers with the Viet Minh.
    VietMinh,
    /// Background events.
    Context,
}

impl Theme {
    /// Every theme, in legend order.
    pub const ALL: [Theme; 6] = [
        Theme::EighthRouteArmy,
        Theme::NationalistPow,
        Theme::Soviet,
        Theme::Repatriation,
        Theme::VietMinh,
        Theme::Context,
    ];

    /// The kebab-case name used in files and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::EighthRouteArmy => "eighth-route-army",
            Theme::NationalistPow => "nationalist-pow",
            Theme::Soviet => "soviet",
            Theme::Repatriation => "repatriation",
            Theme::VietMinh => "viet-minh",
            Theme::Context => "context",
        }
    }

    /// The legend's words.
    pub fn label(self) -> &'static str {
        match self {
            Theme::EighthRouteArmy => "Eighth Route Army and anti-war leagues",
            Theme::NationalistPow => "Nationalist POW camps",
            Theme::Soviet => "Soviet offensive and captivity",
            Theme::Repatriation => "Repatriation",
            Theme::VietMinh => "Viet Minh",
            Theme::Context => "Background",
        }
    }
}

/// A document the dataset is drawn from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Stable id.
    pub id: String,
    /// The document's title.
    pub title: String,
    /// Its file name.
    pub file: String,
    /// Where it can be read online: only `http` and `https` addresses are kept
    /// ([`Source::link`]); the window opens them in the browser after a click, nothing else.
    pub url: Option<String>,
    /// An editorial remark.
    pub note: Option<String>,
    /// The scholars, books, witnesses and archives the document cites.
    pub authorities: Vec<Authority>,
}

/// Someone or something a document cites: a scholar, a book, an archive. An authority is
/// never a participant: events name it with `according_to`, never among their people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    /// Stable id, unique across the dataset.
    pub id: String,
    /// The name as the document gives it.
    pub name: String,
    /// The work cited, when the document names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work: Option<String>,
    /// What the document cites it for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Authority {
    /// How an event cites it: "Xiaoyuan Liu", or "John W. Dower (Embracing Defeat)".
    pub fn cited_as(&self) -> String {
        match &self.work {
            Some(w) => format!("{} ({w})", self.name),
            None => self.name.clone(),
        }
    }
}

impl Source {
    /// The address, when it is an `http` or `https` link that may be opened.
    pub fn link(&self) -> Option<&str> {
        self.url.as_deref().filter(|u| is_web_link(u))
    }
}

/// True for `http://` and `https://` addresses (the only links Crossings opens).
///
/// ```
/// assert!(crossings::model::is_web_link("https://example.org/a"));
/// assert!(!crossings::model::is_web_link("file:///etc/passwd"));
/// assert!(!crossings::model::is_web_link("javascript:alert(1)"));
/// ```
pub fn is_web_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// A place on the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// Stable id.
    pub id: String,
    /// The English name.
    pub name: String,
    /// Names in other scripts and languages.
    pub names: Vec<Name>,
    /// Spellings as written in the sources.
    pub aliases: Vec<String>,
    /// Where it is.
    pub lon_lat: LonLat,
    /// The present-day country, as Natural Earth names it.
    pub country: Option<String>,
    /// How well the point is known.
    pub precision: LocationPrecision,
    /// What kind of place.
    pub category: PlaceCategory,
    /// Sources that name the place.
    pub sources: Vec<SourceIx>,
    /// An editorial remark.
    pub note: Option<String>,
}

impl Place {
    /// The name to show: the English name, or the id in brackets when the name is empty.
    pub fn display_name(&self) -> String {
        if self.name.trim().is_empty() { format!("[{}]", self.id) } else { self.name.clone() }
    }

    /// The native-script name worth showing beside the English one (Chinese, Japanese,
    /// Vietnamese, Korean, Russian first), if it differs from it.
    pub fn native_name(&self) -> Option<&str> {
        const PREFERRED: [&str; 6] = ["zh-Hans", "ja", "vi", "ko", "ru", "zh-Hant"];
        PREFERRED
            .iter()
            .find_map(|lang| self.names.iter().find(|n| n.lang == *lang))
            .or_else(|| self.names.iter().find(|n| !n.lang.starts_with("en") && !n.lang.ends_with("Latn")))
            .map(|n| n.text.as_str())
            .filter(|t| *t != self.name)
    }

    /// The label the map and the place list show: "Yan'an 延安", and "(country)" after a
    /// country's stand-in point, so nobody reads it as a city.
    pub fn label(&self) -> String {
        let name = match self.native_name() {
            Some(native) => format!("{} {native}", self.display_name()),
            None => self.display_name(),
        };
        if self.precision == LocationPrecision::Country { format!("{name} (country)") } else { name }
    }
}

/// A tie between a person and a place that no event expresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tie {
    /// The place.
    pub place: PlaceIx,
    /// Stated or inferred.
    pub basis: Basis,
    /// Why.
    pub note: Option<String>,
}

/// A named person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// Stable id.
    pub id: String,
    /// The name in Latin script, in the order the atlas uses.
    pub name: String,
    /// Native-script names.
    pub names: Vec<Name>,
    /// Other forms in which the sources write the name.
    pub aliases: Vec<String>,
    /// Their role, in a line.
    pub role: String,
    /// A short biography.
    pub biography: String,
    /// Ties to places beyond their events.
    pub places: Vec<Tie>,
    /// Sources that name them.
    pub sources: Vec<SourceIx>,
    /// An editorial remark.
    pub note: Option<String>,
}

impl Person {
    /// The name to show: the name, or the id in brackets when the name is empty.
    pub fn display_name(&self) -> String {
        if self.name.trim().is_empty() { format!("[{}]", self.id) } else { self.name.clone() }
    }
}

/// A number a document gives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// What is counted.
    pub label: String,
    /// The figure as written ("between 1.6 and 1.7 million").
    pub value: String,
    /// The low end, when it can be read off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// The high end, when it can be read off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
}

/// Something that happened, at a place, at a (fuzzy) time.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Stable id.
    pub id: String,
    /// When.
    pub date: FuzzyDate,
    /// Whether the document gives the date.
    pub date_basis: Basis,
    /// Where (`None`: the documents give no place; not mapped).
    pub place: Option<PlaceIx>,
    /// Whether the document gives the place.
    pub place_basis: Basis,
    /// Who.
    pub people: Vec<PersonIx>,
    /// A short title.
    pub title: String,
    /// A summary in the dataset's own words.
    pub summary: String,
    /// Numbers given.
    pub figures: Vec<Figure>,
    /// The theme.
    pub category: Theme,
    /// Where it is told.
    pub sources: Vec<SourceIx>,
    /// An editorial remark.
    pub note: Option<String>,
    /// Outer bounds and cited authorities, which few events have (boxed: a million events
    /// without them pay one pointer each).
    pub extra: Option<Box<EventExtra>>,
}

/// The rarer parts of an event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventExtra {
    /// The earliest the event can have begun (an outer bound of an uncertain start).
    pub not_before: Option<FuzzyDate>,
    /// The latest the event can have ended.
    pub not_after: Option<FuzzyDate>,
    /// Whether a document gives the bounds or the editors inferred them.
    pub bounds_basis: Basis,
    /// Authorities the documents cite for it, as `(source, index in its authorities)`.
    pub according_to: Vec<(SourceIx, u32)>,
    /// Events the documents put before this one (ids), where the dates do not order them:
    /// "after heading the Quảng Ngãi academy, he founded the Tuy Hòa one". A person's events
    /// and journey follow it.
    pub after: Vec<String>,
}

impl Event {
    /// The dataset's order of events: by the day each sorts by ([`FuzzyDate::sort_day`]: an
    /// unknown start never comes first), then the narrower date first (precise before vague
    /// in the same period), then the latest day; undated last. (Ties are kept in file order by
    /// sorting stably.)
    pub fn order_key(&self) -> (bool, crate::chronology::Day, i64, crate::chronology::Day) {
        let d = &self.date;
        let width = i64::from(d.latest.0) - i64::from(d.earliest.0);
        (d.is_undated(), d.sort_day(), width, d.latest)
    }

    /// The date in words with its outer bounds: "until 1954 (from August 1945 at the
    /// earliest; inferred)".
    pub fn describe_date(&self) -> String {
        match self.extra.as_deref() {
            Some(x) => self.date.describe_bounded(x.not_before.as_ref(), x.not_after.as_ref(), x.bounds_basis.as_str()),
            None => self.date.describe(),
        }
    }

    /// The authorities cited for this event.
    pub fn according_to<'a>(&'a self, sources: &'a [Source]) -> impl Iterator<Item = &'a Authority> + 'a {
        self.extra
            .iter()
            .flat_map(|x| x.according_to.iter())
            .filter_map(|(s, i)| sources.get(s.ix())?.authorities.get(*i as usize))
    }
}

/// What the time filter needs of one event, packed (28 bytes) so filtering a million events
/// reads a small array in order instead of a million scattered records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventKey {
    /// The envelope and the known part of its date ([`FuzzyDate::date_span`]).
    pub span: crate::chronology::DateSpan,
    /// The place, or `u32::MAX` for none.
    pub place: u32,
    /// Undated.
    pub undated: bool,
    /// The place is the editors' inference (`place_basis: inferred`).
    pub inferred_place: bool,
    /// The theme.
    pub theme: Theme,
}

impl EventKey {
    /// The span, or `None` when undated.
    pub fn date_span(&self) -> Option<crate::chronology::DateSpan> {
        (!self.undated).then_some(self.span)
    }
}

impl EventKey {
    /// The key of an event among these places.
    pub fn of(e: &Event, places: &[Place]) -> EventKey {
        EventKey {
            span: e.date.date_span().unwrap_or(crate::chronology::DateSpan::possible(
                crate::chronology::Day::MIN,
                crate::chronology::Day::MAX,
            )),
            place: e.place.map_or(u32::MAX, |p| p.0),
            undated: e.date.is_undated(),
            inferred_place: e.place_basis == Basis::Inferred
                || e.place.is_some_and(|p| places[p.ix()].precision == LocationPrecision::Inferred),
            theme: e.category,
        }
    }
}

/// A whole dataset, with reverse indexes. Built by [`crate::dataset`].
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// Documents.
    pub sources: Vec<Source>,
    /// Places.
    pub places: Vec<Place>,
    /// People.
    pub people: Vec<Person>,
    /// Events, sorted by (earliest day, latest day), ties in file order; undated last. An
    /// event edited in the window keeps its place in the list and a new one goes last
    /// ([`Dataset::put_event`]) until the dataset is next loaded; the per-place and
    /// per-person lists stay in date order.
    pub events: Vec<Event>,
    /// Events at each place, in date order.
    pub place_events: Vec<Vec<EventIx>>,
    /// Events of each person, in date order.
    pub person_events: Vec<Vec<EventIx>>,
    /// People tied to each place (through events or ties), sorted by name.
    pub place_people: Vec<Vec<PersonIx>>,
    /// Event spans indexed for window queries.
    pub time_index: crate::chronology::SpanIndex,
    /// Per event, packed for the filter's hot loop: what it needs without touching the event.
    pub event_keys: Vec<EventKey>,
    /// Place ids to indexes.
    place_ids: std::collections::HashMap<String, PlaceIx>,
}

impl Dataset {
    /// Builds a dataset from resolved records and computes its indexes.
    /// Events are sorted into date order here ([`Event::order_key`]), unless they already are.
    pub fn new(sources: Vec<Source>, places: Vec<Place>, people: Vec<Person>, mut events: Vec<Event>) -> Dataset {
        // Stable, so ties keep file order; the cached key avoids moving whole events around
        // during the sort (each is moved once, when the permutation is applied). The loader
        // hands them over sorted, and the check costs one pass.
        if !events.is_sorted_by_key(Event::order_key) {
            events.sort_by_cached_key(Event::order_key);
        }
        // The span index, the packed keys and each person's events on a second thread; each
        // place's events and people here.
        let (time_index, event_keys, person_events, (place_events, place_people)) = std::thread::scope(|s| {
            let events = &events;
            let people = &people;
            let place_list = &places;
            let keys = s.spawn(move || {
                let index = crate::chronology::SpanIndex::build(events.iter().map(|e| e.date.date_span()));
                let keys: Vec<EventKey> = events.iter().map(|e| EventKey::of(e, place_list)).collect();
                let mut person_events = Self::person_events(people, events);
                Self::follow_after(events, &mut person_events);
                (index, keys, person_events)
            });
            let per_place = Self::place_indexes(&places, people, events);
            let (index, keys, person_events) = keys.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (index, keys, person_events, per_place)
        });
        let place_ids = places.iter().enumerate().map(|(i, p)| (p.id.clone(), PlaceIx(i as u32))).collect();
        Dataset {
            sources,
            places,
            people,
            events,
            place_events,
            person_events,
            place_people,
            time_index,
            event_keys,
            place_ids,
        }
    }

    /// Per person their events, in date order.
    fn person_events(people: &[Person], events: &[Event]) -> Vec<Vec<EventIx>> {
        // Counted first, so that each list is allocated once at its size.
        let mut counts = vec![0u32; people.len()];
        for e in events {
            for p in &e.people {
                counts[p.ix()] += 1;
            }
        }
        let mut person_events: Vec<Vec<EventIx>> = counts.iter().map(|n| Vec::with_capacity(*n as usize)).collect();
        for (i, e) in events.iter().enumerate() {
            for person in &e.people {
                person_events[person.ix()].push(EventIx(i as u32));
            }
        }
        person_events
    }

    /// Reorders each list of events (a person's) where the documents say one came after
    /// another (`after`) and the dates do not: an event goes as early as its date allows once
    /// every event it follows is placed. In a circle (which `validate` reports) date order wins.
    fn follow_after(events: &[Event], lists: &mut [Vec<EventIx>]) {
        let after = |e: EventIx| events[e.ix()].extra.as_ref().map_or(&[][..], |x| x.after.as_slice());
        if !events.iter().any(|e| e.extra.as_ref().is_some_and(|x| !x.after.is_empty())) {
            return;
        }
        for list in lists.iter_mut().filter(|l| l.iter().any(|e| !after(*e).is_empty())) {
            let n = list.len();
            let position = |id: &str| list.iter().position(|e| events[e.ix()].id == id);
            let before: Vec<Vec<usize>> =
                list.iter().map(|e| after(*e).iter().filter_map(|id| position(id)).collect()).collect();
            let mut placed = vec![false; n];
            let mut ordered = Vec::with_capacity(n);
            while ordered.len() < n {
                let ready = |i: &usize| !placed[*i] && before[*i].iter().all(|b| placed[*b]);
                let Some(next) = (0..n).find(ready).or_else(|| (0..n).find(|i| !placed[*i])) else { break };
                placed[next] = true;
                ordered.push(list[next]);
            }
            *list = ordered;
        }
    }

    /// Per place its events (in date order) and its people (sorted by name).
    fn place_indexes(places: &[Place], people: &[Person], events: &[Event]) -> (Vec<Vec<EventIx>>, Vec<Vec<PersonIx>>) {
        // Counted first, so that each list is allocated once at its size.
        let mut event_counts = vec![0u32; places.len()];
        let mut people_counts = vec![0u32; places.len()];
        for e in events {
            if let Some(p) = e.place {
                event_counts[p.ix()] += 1;
                people_counts[p.ix()] += e.people.len() as u32;
            }
        }
        for person in people {
            for tie in &person.places {
                people_counts[tie.place.ix()] += 1;
            }
        }
        let mut place_events: Vec<Vec<EventIx>> =
            event_counts.iter().map(|n| Vec::with_capacity(*n as usize)).collect();
        let mut place_people: Vec<Vec<PersonIx>> =
            people_counts.iter().map(|n| Vec::with_capacity(*n as usize)).collect();
        for (i, e) in events.iter().enumerate() {
            if let Some(p) = e.place {
                place_events[p.ix()].push(EventIx(i as u32));
                place_people[p.ix()].extend(e.people.iter().copied());
            }
        }
        for (i, person) in people.iter().enumerate() {
            for tie in &person.places {
                place_people[tie.place.ix()].push(PersonIx(i as u32));
            }
        }
        // Names compared once, not once per place.
        let mut by_name: Vec<u32> = (0..people.len() as u32).collect();
        by_name.sort_by(|a, b| people[*a as usize].name.cmp(&people[*b as usize].name).then(a.cmp(b)));
        let mut rank = vec![0u32; people.len()];
        for (r, p) in by_name.into_iter().enumerate() {
            rank[p as usize] = r as u32;
        }
        for list in &mut place_people {
            list.sort_unstable_by_key(|p| rank[p.ix()]);
            list.dedup();
        }
        (place_events, place_people)
    }

    /// Replaces a place (`Some` index) or adds one, as an edit does, keeping every index up to
    /// date: its events' keys, its entry by id. Returns its index.
    pub fn put_place(&mut self, at: Option<PlaceIx>, place: Place) -> PlaceIx {
        let ix = match at {
            Some(ix) => {
                let old = std::mem::replace(&mut self.places[ix.ix()], place);
                self.place_ids.remove(&old.id);
                ix
            }
            None => {
                self.places.push(place);
                self.place_events.push(Vec::new());
                self.place_people.push(Vec::new());
                PlaceIx(self.places.len() as u32 - 1)
            }
        };
        self.place_ids.insert(self.places[ix.ix()].id.clone(), ix);
        for e in &self.place_events[ix.ix()] {
            self.event_keys[e.ix()] = EventKey::of(&self.events[e.ix()], &self.places);
        }
        ix
    }

    /// Replaces a person or adds one, the people of the places they are tied to (before and
    /// after) brought up to date. Returns the index.
    pub fn put_person(&mut self, at: Option<PersonIx>, person: Person) -> PersonIx {
        let mut touched: Vec<PlaceIx> = person.places.iter().map(|t| t.place).collect();
        let ix = match at {
            Some(ix) => {
                let old = std::mem::replace(&mut self.people[ix.ix()], person);
                touched.extend(old.places.iter().map(|t| t.place));
                // A new name moves them in every list sorted by name.
                touched.extend(self.person_events[ix.ix()].iter().filter_map(|e| self.events[e.ix()].place));
                ix
            }
            None => {
                self.people.push(person);
                self.person_events.push(Vec::new());
                PersonIx(self.people.len() as u32 - 1)
            }
        };
        for p in touched {
            self.place_people[p.ix()] = self.people_at(p);
        }
        ix
    }

    /// Replaces an event (in its place in the list) or adds one (last), keeping the per-place
    /// and per-person lists in date order, the keys, the people of its places and the span
    /// index up to date. Returns its index and its span before (`None` for a new event).
    pub fn put_event(
        &mut self,
        at: Option<EventIx>,
        event: Event,
    ) -> (EventIx, Option<Option<crate::chronology::DateSpan>>) {
        let (ix, old) = match at {
            Some(ix) => (ix, Some(std::mem::replace(&mut self.events[ix.ix()], event))),
            None => {
                self.events.push(event);
                self.event_keys.push(EventKey::of(&self.events[self.events.len() - 1], &self.places));
                (EventIx(self.events.len() as u32 - 1), None)
            }
        };
        let new = &self.events[ix.ix()];
        let mut places: Vec<PlaceIx> = new.place.into_iter().collect();
        if let Some(old) = &old {
            self.time_index.remove(ix.0, old.date.date_span());
            places.extend(old.place);
            if let Some(p) = old.place {
                self.place_events[p.ix()].retain(|e| *e != ix);
            }
            for p in &old.people {
                self.person_events[p.ix()].retain(|e| *e != ix);
            }
        }
        self.time_index.insert(ix.0, new.date.date_span());
        self.event_keys[ix.ix()] = EventKey::of(new, &self.places);
        let key = |events: &[Event], e: EventIx| (events[e.ix()].order_key(), e);
        let at_key = key(&self.events, ix);
        if let Some(p) = new.place {
            let list = &mut self.place_events[p.ix()];
            let pos = list.partition_point(|e| key(&self.events, *e) < at_key);
            list.insert(pos, ix);
        }
        for p in &new.people {
            let list = &mut self.person_events[p.ix()];
            let pos = list.partition_point(|e| key(&self.events, *e) < at_key);
            list.insert(pos, ix);
        }
        places.sort_unstable();
        places.dedup();
        for p in places {
            self.place_people[p.ix()] = self.people_at(p);
        }
        (ix, old.map(|o| o.date.date_span()))
    }

    /// The people of one place, as [`Dataset::new`] lists them: those of its events and those
    /// tied to it, sorted by name.
    fn people_at(&self, place: PlaceIx) -> Vec<PersonIx> {
        let mut out: Vec<PersonIx> =
            self.place_events[place.ix()].iter().flat_map(|e| self.events[e.ix()].people.iter().copied()).collect();
        for (i, person) in self.people.iter().enumerate() {
            if person.places.iter().any(|t| t.place == place) {
                out.push(PersonIx(i as u32));
            }
        }
        out.sort_by(|a, b| self.people[a.ix()].name.cmp(&self.people[b.ix()].name).then(a.cmp(b)));
        out.dedup();
        out
    }

    /// The event with this id (a scan: edits look one up, the atlas never does).
    pub fn event_by_id(&self, id: &str) -> Option<EventIx> {
        self.events.iter().position(|e| e.id == id).map(|i| EventIx(i as u32))
    }

    /// The place with this id.
    pub fn place_by_id(&self, id: &str) -> Option<PlaceIx> {
        self.place_ids.get(id).copied()
    }

    /// The person with this id.
    pub fn person_by_id(&self, id: &str) -> Option<PersonIx> {
        self.people.iter().position(|p| p.id == id).map(|i| PersonIx(i as u32))
    }

    /// The place.
    pub fn place(&self, ix: PlaceIx) -> &Place {
        &self.places[ix.ix()]
    }

    /// The person.
    pub fn person(&self, ix: PersonIx) -> &Person {
        &self.people[ix.ix()]
    }

    /// The event.
    pub fn event(&self, ix: EventIx) -> &Event {
        &self.events[ix.ix()]
    }

    /// The theme most of a place's events belong to (ties go to the first in legend order).
    pub fn place_theme(&self, ix: PlaceIx) -> Theme {
        let mut counts = [0usize; Theme::ALL.len()];
        for e in &self.place_events[ix.ix()] {
            let t = self.events[e.ix()].category;
            if let Some(pos) = Theme::ALL.iter().position(|x| *x == t) {
                counts[pos] += 1;
            }
        }
        let mut best = (0, Theme::Context);
        for (i, c) in counts.iter().enumerate() {
            if *c > best.0 {
                best = (*c, Theme::ALL[i]);
            }
        }
        best.1
    }

    /// The span of all dated events `(first, last)` with open ends ignored, or `None`.
    pub fn date_extent(&self) -> Option<(crate::chronology::Day, crate::chronology::Day)> {
        let mut lo = None;
        let mut hi = None;
        for e in &self.events {
            for d in [e.date.earliest, e.date.latest] {
                if e.date.is_undated() || d.is_open() {
                    continue;
                }
                lo = Some(lo.map_or(d, |x: crate::chronology::Day| x.min(d)));
                hi = Some(hi.map_or(d, |x: crate::chronology::Day| x.max(d)));
            }
        }
        lo.zip(hi)
    }
}

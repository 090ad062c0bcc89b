//! Following an edit without loading the dataset again: the records an edit changed are read
//! by the loader's own readers (each as a file of one record, so every check a record gets
//! when loaded it gets here) and put into the loaded [`Dataset`] in place, its indexes kept up
//! to date ([`Dataset::put_place`], [`Dataset::put_person`], [`Dataset::put_event`]).
//!
//! What cannot be followed this way is refused (`None`) and the caller loads the records
//! again: a record deleted, a source changed, a record that was in the atlas and now fails to
//! load (the loader would leave it out). Checks across records (a person tied to nothing, an
//! `after` that goes round in a circle) are the full load's; the window runs one after the
//! edit, off the UI thread.

use rustc_hash::FxHashMap;

use super::file::FileCx;
use super::ids::IdIndex;
use super::problem::ProblemLog;
use super::sources::SourcesRead;
use super::{Limits, Meter, Problem, Progress};
use crate::chronology::DateSpan;
use crate::model::{Dataset, Event, EventIx, Person, PersonIx, Place, PlaceIx, SourceIx};

/// One record as an edit left it: its file, its id, its text (`None`: deleted).
#[derive(Clone, Copy, Debug)]
pub struct Changed<'a> {
    /// `places.geojson`, `events.json`, `people.json` or `sources.json`.
    pub file: &'a str,
    /// The record's id.
    pub id: &'a str,
    /// The record's text now.
    pub text: Option<&'a str>,
}

/// What a patch changed, for the window to follow.
#[derive(Clone, Debug, Default)]
pub struct Patched {
    /// Places changed or added.
    pub places: Vec<PlaceIx>,
    /// Events changed or added: index, span before (`None`: new), span now.
    pub events: Vec<(EventIx, Option<Option<DateSpan>>, Option<DateSpan>)>,
    /// People changed or added.
    pub people: Vec<PersonIx>,
    /// The loader's problems with the changed records, by id (the files named in `folder`).
    pub problems: Vec<(String, Vec<Problem>)>,
}

/// The ids of a loaded dataset's records, for resolving an edited record's references and
/// finding the record it replaces. Built once (a million events take about a tenth of a
/// second), then kept up to date by [`patch`].
pub struct PatchIndex {
    places: IdIndex<PlaceIx>,
    people: IdIndex<PersonIx>,
    events: IdIndex<EventIx>,
    sources: SourcesRead,
}

impl PatchIndex {
    /// Indexes a dataset.
    pub fn new(dataset: &Dataset) -> PatchIndex {
        let mut places = IdIndex::default();
        for (i, p) in dataset.places.iter().enumerate() {
            places.insert(&p.id, PlaceIx(i as u32));
        }
        let mut people = IdIndex::default();
        for (i, p) in dataset.people.iter().enumerate() {
            people.insert(&p.id, PersonIx(i as u32));
        }
        let mut events = IdIndex::default();
        for (i, e) in dataset.events.iter().enumerate() {
            events.insert(&e.id, EventIx(i as u32));
        }
        PatchIndex { places, people, events, sources: sources_of(dataset) }
    }
}

impl PatchIndex {
    /// The event with this id.
    pub fn event(&self, id: &str) -> Option<EventIx> {
        self.events.get(id).copied()
    }
}

impl std::fmt::Debug for PatchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatchIndex")
    }
}

enum Planned {
    Place(Option<PlaceIx>, Place),
    Person(Option<PersonIx>, Person),
    Event(Option<EventIx>, Event),
}

/// Puts the changed records into the dataset, or returns `None` (the dataset untouched) when
/// the change needs a full load. `folder` names the files in problems.
///
/// `index` must be the [`PatchIndex`] of this dataset as it is; it is kept so when the patch
/// applies, and must be built again after a `None` (the dataset is then loaded again anyway).
pub fn patch(
    dataset: &mut Dataset,
    index: &mut PatchIndex,
    folder: &str,
    changed: &[Changed<'_>],
    limits: Limits,
) -> Option<Patched> {
    let mut out = Patched::default();
    let mut plan = Vec::new();
    let progress = Progress::default();
    let meter = Meter { progress: &progress, base: 0 };
    // Places and people are read first, and their new ids indexed, for the events' references.
    let mut new_places = dataset.places.len() as u32;
    let mut new_people = dataset.people.len() as u32;
    let rank = |file: &str| ["places.geojson", "people.json", "events.json"].iter().position(|f| *f == file);
    let mut order: Vec<&Changed<'_>> = changed.iter().collect();
    if order.iter().any(|c| rank(c.file).is_none() || c.text.is_none()) {
        return None;
    }
    order.sort_by_key(|c| rank(c.file));
    for c in order {
        let text = c.text?;
        let name = format!("{folder}/{}", c.file);
        let mut problems = ProblemLog::new(limits.problems);
        match c.file {
            "places.geojson" => {
                let wrapped = format!("{{\"type\":\"FeatureCollection\",\"features\":[{text}]}}");
                let cx = FileCx::new(&name, &wrapped, limits);
                let (mut read, _) = super::places::read(&cx, &index.sources.index, &mut problems, meter);
                let at = index.places.get(c.id).copied().filter(|ix| ix.ix() < dataset.places.len());
                match read.pop() {
                    Some(p) if p.id == c.id => {
                        let ix = at.unwrap_or_else(|| {
                            new_places += 1;
                            PlaceIx(new_places - 1)
                        });
                        index.places.insert(c.id, ix);
                        plan.push(Planned::Place(at, p));
                    }
                    Some(_) => return None,
                    None if at.is_some() => return None,
                    None => {}
                }
            }
            "people.json" => {
                let wrapped = format!("[{text}]");
                let cx = FileCx::new(&name, &wrapped, limits);
                let mut read = super::people::read(&cx, &index.places, &index.sources.index, &mut problems, meter);
                let at = index.people.get(c.id).copied().filter(|ix| ix.ix() < dataset.people.len());
                match read.people.pop() {
                    Some(p) if p.id == c.id => {
                        let ix = at.unwrap_or_else(|| {
                            new_people += 1;
                            PersonIx(new_people - 1)
                        });
                        index.people.insert(c.id, ix);
                        plan.push(Planned::Person(at, p));
                    }
                    Some(_) => return None,
                    None if at.is_some() => return None,
                    None => {}
                }
            }
            _ => {
                let wrapped = format!("[{text}]");
                let read = super::events::read_file(
                    Some((&name, &wrapped)),
                    limits,
                    &index.places,
                    &index.people,
                    &index.sources,
                    meter,
                );
                for p in read.split.into_vec().into_iter().chain(read.problems) {
                    problems.push(p);
                }
                let at = index.events.get(c.id).copied();
                match read.events.into_iter().next() {
                    Some(e) if e.id == c.id => plan.push(Planned::Event(at, e)),
                    Some(_) => return None,
                    None if at.is_some() => return None,
                    None => {}
                }
            }
        }
        let problems = problems.into_vec();
        out.problems.push((c.id.to_owned(), problems));
    }
    for step in plan {
        // (Each step is applied in order: an event's new person or place is in by then.)
        match step {
            Planned::Place(at, p) => out.places.push(dataset.put_place(at, p)),
            Planned::Person(at, p) => out.people.push(dataset.put_person(at, p)),
            Planned::Event(at, e) => {
                out.places.extend(at.and_then(|i| dataset.event(i).place));
                let (ix, before) = dataset.put_event(at, e);
                index.events.insert(&dataset.event(ix).id, ix);
                let e = dataset.event(ix);
                out.places.extend(e.place);
                out.events.push((ix, before, e.date.date_span()));
            }
        }
    }
    out.places.sort_unstable();
    out.places.dedup();
    Some(out)
}

/// The sources' ids and authorities, as the loader indexes them.
fn sources_of(dataset: &Dataset) -> SourcesRead {
    let mut index = IdIndex::default();
    let mut authorities = FxHashMap::default();
    for (i, s) in dataset.sources.iter().enumerate() {
        index.insert(&s.id, SourceIx(i as u32));
        for (k, a) in s.authorities.iter().enumerate() {
            authorities.entry(a.id.clone()).or_insert((SourceIx(i as u32), k as u32));
        }
    }
    SourcesRead { sources: Vec::new(), index, authorities }
}

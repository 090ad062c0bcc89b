//! `people.json`: the people, each tied to places directly or through the events that list them.

use rustc_hash::FxHashMap;

use super::Meter;
use super::file::{
    FileCx, check_lengths, check_names, check_texts, parse_record, raw_array, register_id, resolve_sources,
};
use super::ids::IdIndex;
use super::problem::ProblemLog;
use super::records::RawPerson;
use crate::model::{Event, Person, PersonIx, PlaceIx, SourceIx, Tie};

/// The people read, their index by id, and each one's record (for problems found later).
#[derive(Default)]
pub(super) struct PeopleRead<'a> {
    pub people: Vec<Person>,
    pub index: IdIndex<PersonIx>,
    pub raws: Vec<&'a str>,
}

/// Reads and checks every person record of a file; their ties to places are resolved now,
/// whether they are tied to anything at all once the events are in ([`check_tied`]).
pub(super) fn read<'a>(
    cx: &FileCx<'a>,
    places: &IdIndex<PlaceIx>,
    sources: &IdIndex<SourceIx>,
    problems: &mut ProblemLog,
    meter: Meter<'_>,
) -> PeopleRead<'a> {
    let mut out = PeopleRead::default();
    let mut seen = FxHashMap::default();
    for raw in raw_array(cx, cx.text, problems) {
        meter.at(cx, raw);
        let Some(rec) = parse_record::<RawPerson>(cx, raw, problems) else { continue };
        if !register_id(cx, raw, &rec.id, &mut seen, problems) {
            continue;
        }
        check_texts(cx, raw, &rec.id, &[("name", &rec.name)], problems);
        check_names(cx, raw, &rec.id, &rec.names, problems);
        check_lengths(
            cx,
            raw,
            &rec.id,
            &[("role", Some(&rec.role)), ("biography", Some(&rec.biography)), ("note", rec.note.as_deref())],
            problems,
        );
        let mut ties = Vec::new();
        for t in rec.places {
            match places.get(&t.place) {
                Some(ix) => ties.push(Tie { place: *ix, basis: t.basis, note: t.note }),
                None => problems.push(cx.problem(
                    cx.field(raw, "place", Some(&t.place)),
                    Some(&rec.id),
                    format!("unknown place '{}'", t.place),
                )),
            }
        }
        let person_sources = resolve_sources(cx, raw, &rec.id, &rec.sources, sources, false, problems);
        out.index.insert(&rec.id, PersonIx(out.people.len() as u32));
        out.raws.push(raw);
        out.people.push(Person {
            id: rec.id,
            name: rec.name,
            names: rec.names,
            aliases: rec.aliases,
            role: rec.role,
            biography: rec.biography,
            places: ties,
            sources: person_sources,
            note: rec.note,
        });
    }
    out
}

/// Reports each person tied to nothing: no event lists them and they have no places.
pub(super) fn check_tied(cx: &FileCx<'_>, people: &PeopleRead<'_>, events: &[Event], problems: &mut ProblemLog) {
    let mut tied = vec![false; people.people.len()];
    for e in events {
        for p in &e.people {
            tied[p.ix()] = true;
        }
    }
    for (i, person) in people.people.iter().enumerate() {
        if !tied[i] && person.places.is_empty() {
            problems.push(cx.problem(
                cx.field(people.raws[i], "id", Some(&person.id)),
                Some(&person.id),
                "person is tied to nothing: no event lists them and they have no places",
            ));
        }
    }
}

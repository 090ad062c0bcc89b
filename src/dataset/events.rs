//! `events.json`: what happened, where, when and to whom, with the sources that say so.
//!
//! Each record is parsed and checked ([`parse_event`]), then its references to places, people,
//! sources and authorities are resolved ([`resolve_event`]). [`read`] does both one record
//! after another; [`super::threaded`] does the same on two threads for large files, and a
//! property test holds it to [`read`].

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::file::{
    FileCx, check_lengths, check_texts, duplicate_id, malformed_id, open_end_warnings, parse_record, raw_array,
    resolve_sources, valid_id,
};
use super::ids::IdIndex;
use super::problem::ProblemLog;
use super::records::{RawEvent, Ref};
use super::sources::SourcesRead;
use super::{Limits, Meter, Problem};
use crate::chronology::FuzzyDate;
use crate::model::{Basis, Event, EventExtra, PersonIx, PlaceIx, SourceIx};

/// The indexes an event's references are resolved against.
pub(super) struct Lookup<'a> {
    pub places: &'a IdIndex<PlaceIx>,
    pub people: &'a IdIndex<PersonIx>,
    pub sources: &'a IdIndex<SourceIx>,
    /// Authority ids to their source and position in its list.
    pub authorities: &'a FxHashMap<String, (SourceIx, u32)>,
}

/// What an event refers to, as written, until the places and people are in.
pub(super) struct EventRefs<'a> {
    place: Option<Ref<'a>>,
    people: Vec<Ref<'a>>,
    sources: Vec<Ref<'a>>,
    according_to: Vec<Ref<'a>>,
}

/// The order of events: by date ([`Event::order_key`]), ties in file order.
pub(super) fn date_then_record(
    (record, event): &(u32, Event),
) -> ((bool, crate::chronology::Day, i64, crate::chronology::Day), u32) {
    (event.order_key(), *record)
}

/// Parses and checks one event record, all but its references. Returns its id when the id
/// is well formed (whether or not the event was kept: the id is registered either way), and
/// the event, with no place, people or sources yet, if it is valid so far.
#[allow(clippy::type_complexity)]
pub(super) fn parse_event<'a>(
    cx: &FileCx<'_>,
    raw: &'a str,
    problems: &mut ProblemLog,
    after_id: &mut bool,
) -> (Option<Cow<'a, str>>, Option<(Event, EventRefs<'a>)>) {
    let Some(rec) = parse_record::<RawEvent<'_>>(cx, raw, problems) else { return (None, None) };
    if !valid_id(&rec.id) {
        problems.push(malformed_id(cx, raw, &rec.id));
        return (None, None);
    }
    // Problems from here on are dropped if the id turns out to repeat an earlier one.
    *after_id = true;
    let id_ref = rec.id.clone();
    let id = rec.id.into_owned();
    let date = match FuzzyDate::parse_optional(rec.date.as_ref().map(AsRef::as_ref)) {
        Ok(d) => d,
        Err(e) => {
            problems.push(cx.problem(cx.field(raw, "date", None), Some(&id), e.to_string()));
            return (Some(id_ref), None);
        }
    };
    check_texts(cx, raw, &id, &[("title", &rec.title)], problems);
    check_lengths(cx, raw, &id, &[("summary", Some(&rec.summary)), ("note", rec.note.as_deref())], problems);
    for f in &rec.figures {
        if let (Some(lo), Some(hi)) = (f.low, f.high)
            && hi < lo
        {
            problems.push(cx.problem(
                cx.field(raw, "figures", None),
                Some(&id),
                format!("figure '{}': high {hi} is below low {lo}", f.label),
            ));
        }
    }
    // Outer bounds: each a single date, narrowing only the uncertain part.
    let bound = |field: &str, text: Option<&Ref<'_>>, problems: &mut ProblemLog| {
        let text = text?.as_ref();
        match FuzzyDate::parse(text) {
            Ok(d) => Some(d),
            Err(e) => {
                problems.push(cx.problem(cx.field(raw, field, None), Some(&id), format!("{field}: {e}")));
                None
            }
        }
    };
    let not_before = bound("not_before", rec.not_before.as_ref(), problems);
    let not_after = bound("not_after", rec.not_after.as_ref(), problems);
    let has_bounds = not_before.is_some() || not_after.is_some();
    let date = if has_bounds {
        if rec.bounds_basis.is_none() {
            let at = cx.field(raw, if not_before.is_some() { "not_before" } else { "not_after" }, None);
            problems.push(cx.problem(
                at,
                Some(&id),
                "outer bounds need a bounds_basis (stated or inferred); read as inferred",
            ));
        }
        match date.with_bounds(not_before.as_ref(), not_after.as_ref()) {
            Ok(d) => d,
            Err(e) => {
                problems.push(cx.problem(cx.field(raw, e.field(), None), Some(&id), e.to_string()));
                date
            }
        }
    } else {
        date
    };
    // An unbounded side is kept, but the event then shows as possible in every window on
    // that side: say so.
    let text = rec.date.as_ref().map_or("", AsRef::as_ref);
    for warning in open_end_warnings(&date, text) {
        problems.push(cx.warning(cx.field(raw, "date", None), Some(&id), warning));
    }
    for a in &rec.after {
        if !valid_id(a.as_ref()) {
            problems.push(cx.problem(
                cx.field(raw, "after", Some(a.as_ref())),
                Some(&id),
                format!("after: '{}' is not an event id", a.as_ref()),
            ));
        }
    }
    let after: Vec<String> = rec.after.iter().map(|a| a.as_ref().to_owned()).filter(|a| valid_id(a)).collect();
    let extra = (has_bounds || !rec.according_to.is_empty() || !after.is_empty()).then(|| {
        Box::new(EventExtra {
            not_before,
            not_after,
            bounds_basis: rec.bounds_basis.unwrap_or(Basis::Inferred),
            according_to: Vec::new(),
            after,
        })
    });
    let event = Event {
        id,
        date,
        date_basis: rec.date_basis.unwrap_or_default(),
        place: None,
        place_basis: rec.place_basis.unwrap_or_default(),
        people: Vec::new(),
        title: rec.title,
        summary: rec.summary,
        figures: rec.figures,
        category: rec.category,
        sources: Vec::new(),
        note: rec.note,
        extra,
    };
    let refs = EventRefs { place: rec.place, people: rec.people, sources: rec.sources, according_to: rec.according_to };
    (Some(id_ref), Some((event, refs)))
}

/// Resolves an event's references, reporting those that name nothing.
pub(super) fn resolve_event(
    cx: &FileCx<'_>,
    raw: &str,
    event: &mut Event,
    refs: &EventRefs<'_>,
    lookup: &Lookup<'_>,
    problems: &mut ProblemLog,
) {
    let id = event.id.as_str();
    event.place = match refs.place.as_ref().map(AsRef::as_ref) {
        None => None,
        Some(p) => match lookup.places.get(p) {
            Some(ix) => Some(*ix),
            None => {
                problems.push(cx.problem(cx.field(raw, "place", Some(p)), Some(id), format!("unknown place '{p}'")));
                None
            }
        },
    };
    let mut who = Vec::with_capacity(refs.people.len());
    for p in refs.people.iter().map(|p| p.as_ref()) {
        match lookup.people.get(p) {
            Some(ix) if who.contains(ix) => {
                problems.push(cx.problem(cx.field(raw, "people", Some(p)), Some(id), format!("'{p}' is listed twice")))
            }
            Some(ix) => who.push(*ix),
            None => {
                problems.push(cx.problem(cx.field(raw, "people", Some(p)), Some(id), format!("unknown person '{p}'")))
            }
        }
    }
    event.people = who;
    event.sources = resolve_sources(cx, raw, id, &refs.sources, lookup.sources, true, problems);
    // Authorities: each must be cited by one of the event's own sources.
    let mut cited = Vec::with_capacity(refs.according_to.len());
    for a in refs.according_to.iter().map(|a| a.as_ref()) {
        let at = || cx.field(raw, "according_to", Some(a));
        match lookup.authorities.get(a) {
            Some(found) if cited.contains(found) => {
                problems.push(cx.problem(at(), Some(id), format!("'{a}' is listed twice")))
            }
            Some(found) if event.sources.contains(&found.0) => cited.push(*found),
            Some(_) => problems.push(cx.problem(
                at(),
                Some(id),
                format!("authority '{a}' is not cited by any of this event's sources"),
            )),
            None => problems.push(cx.problem(at(), Some(id), format!("unknown authority '{a}'"))),
        }
    }
    if let Some(extra) = event.extra.as_deref_mut() {
        extra.according_to = cited;
    }
}

/// The events read, and the problems found reading them.
pub(super) struct EventsRead {
    /// Problems splitting the file into records (reported before any record's).
    pub split: ProblemLog,
    /// The events, in date order.
    pub events: Vec<Event>,
    /// The records' problems in file order: the first of all, at most the limit.
    pub problems: Vec<Problem>,
    /// How many more problems were found and not listed.
    pub unlisted: usize,
}

/// The events file, named, if the folder has one.
pub(super) type EventsFile<'a> = Option<(&'a str, &'a str)>;

/// Reads the events file one record after another ([`read`]).
pub(super) fn read_file(
    file: EventsFile<'_>,
    limits: Limits,
    places: &IdIndex<PlaceIx>,
    people: &IdIndex<PersonIx>,
    sources: &SourcesRead,
    meter: Meter<'_>,
) -> EventsRead {
    let mut split = ProblemLog::new(limits.problems);
    let Some((name, text)) = file else {
        return EventsRead { split, events: Vec::new(), problems: Vec::new(), unlisted: 0 };
    };
    let cx = FileCx::new(name, text, limits);
    let raws = raw_array(&cx, cx.text, &mut split);
    let lookup = Lookup { places, people, sources: &sources.index, authorities: &sources.authorities };
    let mut problems = ProblemLog::new(limits.problems);
    let events = read(&cx, &raws, &lookup, &mut problems, meter);
    EventsRead { split, events, unlisted: problems.unlisted(), problems: problems.into_vec() }
}

/// Reads every event record in file order, one after another, resolving its references at
/// once. Of two records with one id the first is kept and the second is reported as a repeat
/// (its own problems are not: it is ignored). Returns the events in date order
/// ([`date_then_record`]).
pub(super) fn read(
    cx: &FileCx<'_>,
    raws: &[&str],
    lookup: &Lookup<'_>,
    problems: &mut ProblemLog,
    meter: Meter<'_>,
) -> Vec<Event> {
    let mut seen: FxHashMap<Cow<'_, str>, u32> = FxHashMap::default();
    let mut events = Vec::new();
    let mut found = ProblemLog::new(usize::MAX);
    for (record, raw) in (0u32..).zip(raws) {
        meter.at(cx, raw);
        let mut after_id = false;
        let (id, parsed) = parse_event(cx, raw, &mut found, &mut after_id);
        if let Some(id) = id {
            if let Some(first) = seen.get(&id) {
                found.drain();
                problems.push(duplicate_id(cx, raws[*first as usize], raw, &id));
                continue;
            }
            seen.insert(id, record);
        }
        if let Some((mut event, refs)) = parsed {
            resolve_event(cx, raw, &mut event, &refs, lookup, &mut found);
            events.push((record, event));
        }
        for p in found.drain() {
            problems.push(p);
        }
    }
    events.sort_by_cached_key(date_then_record);
    events.into_iter().map(|(_, e)| e).collect()
}

/// Checks every `after`: it names an event of the file, not the event itself, and the
/// events' order never goes round in a circle. Each problem is located at the `after` field of
/// its record (the file is searched only when there is one to report).
pub(super) fn check_after(file: EventsFile<'_>, events: &[Event], limits: Limits, problems: &mut ProblemLog) {
    let with_after: Vec<usize> =
        (0..events.len()).filter(|i| events[*i].extra.as_ref().is_some_and(|x| !x.after.is_empty())).collect();
    let Some((name, text)) = file else { return };
    if with_after.is_empty() {
        return;
    }
    let index: FxHashMap<&str, usize> = events.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    let cx = std::cell::OnceCell::new();
    let mut report = |event: &str, target: &str, message: String| {
        let cx = cx.get_or_init(|| FileCx::new(name, text, limits));
        problems.push(cx.problem(locate_after(text, event, target), Some(event), message));
    };
    let after = |i: usize| events[i].extra.as_ref().map_or(&[][..], |x| x.after.as_slice());
    for &i in &with_after {
        let id = events[i].id.as_str();
        for target in after(i) {
            if target == id {
                report(id, target, "after: an event cannot come after itself".to_owned());
            } else if !index.contains_key(target.as_str()) {
                report(id, target, format!("after: unknown event '{target}'"));
            }
        }
    }
    // Circles: a depth-first walk along `after`, from every event that has one.
    let mut state = vec![0u8; events.len()]; // 0 unseen, 1 on the path, 2 done
    for &start in &with_after {
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&(node, next)) = path.last() {
            if next == 0 {
                if state[node] == 2 {
                    path.pop();
                    continue;
                }
                state[node] = 1;
            }
            let Some(target) = after(node).get(next) else {
                state[node] = 2;
                path.pop();
                continue;
            };
            if let Some(top) = path.last_mut() {
                top.1 += 1;
            }
            // Unknown ids and self-references are reported above.
            let Some(&t) = index.get(target.as_str()).filter(|t| **t != node) else { continue };
            if state[t] == 1 {
                let from = path.iter().position(|(n, _)| *n == t).unwrap_or(0);
                let circle: Vec<&str> =
                    path[from..].iter().map(|(n, _)| events[*n].id.as_str()).chain([events[t].id.as_str()]).collect();
                let (event, target) = (events[node].id.as_str(), events[t].id.as_str());
                report(event, target, format!("after: the order goes round in a circle ({})", circle.join(" → ")));
            } else if state[t] == 0 {
                path.push((t, 0));
            }
        }
    }
}

/// The offset of `"target"` in the `after` list of the record whose id is `event` (or of the
/// record's id, or 0, when it cannot be found).
fn locate_after(text: &str, event: &str, target: &str) -> usize {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let (event, target) = (quoted(event), quoted(target));
    // The record: where `"id": "<event>"` is written.
    let start = text.match_indices(&event).map(|(i, _)| i).find(|i| {
        let before = text[..*i].trim_end();
        before.ends_with(':') && before[..before.len() - 1].trim_end().ends_with("\"id\"")
    });
    let Some(start) = start else { return 0 };
    let end = text[start + event.len()..].find("\"id\"").map_or(text.len(), |e| start + event.len() + e);
    let record = &text[start..end];
    record.find("\"after\"").and_then(|a| record[a..].find(&target).map(|t| start + a + t)).unwrap_or(start)
}

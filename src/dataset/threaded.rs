//! The events file read on two threads, for large files: one splits it into records and
//! parses blocks of them while the other reads the places and people, then takes blocks too.
//! The result is the same as [`super::events::read`] gives, record for record and problem for
//! problem (a property test in `tests/dataset.rs` holds it to that).

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::events::{EventRefs, EventsFile, EventsRead, Lookup, date_then_record, parse_event, resolve_event};
use super::file::{FileCx, duplicate_id, raw_array};
use super::ids::IdIndex;
use super::problem::ProblemLog;
use super::{Limits, Problem, Progress};
use crate::model::{Event, PersonIx, PlaceIx, SourceIx};

/// Reads the events file on a second thread, in blocks of `block` records, while `beside`
/// runs on this one (it reads the places and people and returns their indexes); then reads
/// the blocks left on both threads and resolves the references kept while `beside` ran.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_beside<T>(
    file: EventsFile<'_>,
    limits: Limits,
    block: usize,
    sources: &IdIndex<SourceIx>,
    authorities: &FxHashMap<String, (SourceIx, u32)>,
    progress: &Progress,
    (base, size): (usize, usize),
    beside: impl FnOnce() -> (T, IdIndex<PlaceIx>, IdIndex<PersonIx>),
) -> (T, EventsRead) {
    let events_split: std::sync::OnceLock<(FileCx<'_>, Vec<&str>)> = std::sync::OnceLock::new();
    let indexes: std::sync::OnceLock<(IdIndex<PlaceIx>, IdIndex<PersonIx>)> = std::sync::OnceLock::new();
    let work = EventsWork {
        block: block.max(1),
        next_block: std::sync::atomic::AtomicUsize::new(0),
        done: std::sync::atomic::AtomicUsize::new(0),
        progress,
        base,
        size,
    };
    let (split, parsed, other) = std::thread::scope(|s| {
        let prep = s.spawn(|| {
            // Should this thread panic, the other must not wait for the split forever.
            let _publish_anyway = PublishOnDrop(&events_split, limits);
            let (name, text) = file.unwrap_or(("", ""));
            let cx = FileCx::new(name, text, limits);
            let mut problems = ProblemLog::new(limits.problems);
            let raws = if file.is_some() { raw_array(&cx, cx.text, &mut problems) } else { Vec::new() };
            let (cx, raws) = events_split.get_or_init(|| (cx, raws));
            let parsed = work.parse_blocks(cx, raws, sources, authorities, &indexes);
            (problems, parsed)
        });
        let (other, places, people) = beside();
        let _ = indexes.set((places, people));
        let (cx, raws) = events_split.wait();
        let mine = work.parse_blocks(cx, raws, sources, authorities, &indexes);
        let (split, theirs) = prep.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (split, [theirs, mine], other)
    });
    let (place_index, person_index) = indexes.into_inner().unwrap_or_default();
    let mut out = EventsRead { split, events: Vec::new(), problems: Vec::new(), unlisted: 0 };

    // The references kept while places and people were loading are resolved now, on two
    // threads; each thread sorts its events into date order, and the two runs are merged
    // while the ids are registered in file order on the other thread (so that of two records
    // with one id the first is kept, as in the other files).
    let Some((cx, raws)) = events_split.get() else { return (other, out) };
    let lookup = Lookup { places: &place_index, people: &person_index, sources, authorities };
    let [mut a, mut b] = parsed;
    let (late_a, late_b) = std::thread::scope(|s| {
        let other = s.spawn(|| b.finish(cx, raws, &lookup));
        (a.finish(cx, raws, &lookup), other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let mut blocks: Vec<&ParsedBlock<'_>> = a.blocks.iter().chain(&b.blocks).collect();
    blocks.sort_unstable_by_key(|block| block.first);
    let (merged, (repeats, repeat_problems, repeat_cap)) = std::thread::scope(|s| {
        let ids = s.spawn(|| repeated_ids(cx, raws, blocks.iter().map(|block| &block.ids)));
        let merged = merge_by_date(a.events, b.events);
        (merged, ids.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let repeated = |record: u32| repeats.binary_search(&record).is_ok();
    // The records' positions are dropped in place (the allocation is reused).
    out.events = merged.into_iter().filter(|(record, _)| !repeated(*record)).map(|(_, e)| e).collect();
    // Problems in file order. Each list below kept the first it met, in file order (each
    // thread's blocks come in file order, as do its deferred events and the repeats), so
    // together they hold every problem of the records before the first one any of them
    // left out. Only those are listed: the first of all, in order, whatever was dropped.
    let caps = [&repeat_cap, &a.cap, &b.cap, &late_a.cap, &late_b.cap];
    let complete_before = caps.iter().filter_map(|cap| cap.first_unlisted).min().unwrap_or(u32::MAX);
    out.unlisted = caps.iter().map(|cap| cap.unlisted(repeated)).sum();
    let mut found: Vec<(u32, bool, Problem)> = repeat_problems;
    for block in blocks {
        found.extend(block.problems.iter().cloned());
    }
    found.extend(late_a.found);
    found.extend(late_b.found);
    found.sort_by_key(|(record, _, _)| *record);
    // A repeated record is ignored: only the repeat is reported.
    found.retain(|(record, after_id, _)| !(*after_id && repeated(*record)));
    let complete = found.partition_point(|(record, _, _)| *record < complete_before);
    out.unlisted += found.len() - complete;
    found.truncate(complete);
    out.problems = found.into_iter().map(|(_, _, p)| p).collect();
    (other, out)
}

/// Sets the events' split to nothing when dropped, unless it is set.
struct PublishOnDrop<'l, 'a>(&'l std::sync::OnceLock<(FileCx<'a>, Vec<&'a str>)>, Limits);

impl Drop for PublishOnDrop<'_, '_> {
    fn drop(&mut self) {
        self.0.get_or_init(|| (FileCx::new("", "", self.1), Vec::new()));
    }
}

/// What the threads parsing events share: the next block to take, and progress.
struct EventsWork<'p> {
    /// Records per block handed to a thread.
    block: usize,
    next_block: std::sync::atomic::AtomicUsize,
    /// Records parsed so far (for the progress bar).
    done: std::sync::atomic::AtomicUsize,
    progress: &'p Progress,
    /// The events file's first byte among all files' bytes, and its size (for progress).
    base: usize,
    size: usize,
}

/// The events one thread parsed, from the blocks it took.
#[derive(Default)]
struct ParsedEvents<'a> {
    /// (record's position in the file, event), in the order parsed.
    events: Vec<(u32, Event)>,
    /// Per block taken: its ids and problems.
    blocks: Vec<ParsedBlock<'a>>,
    /// Events parsed before the places and people were in: (index in `events`, references).
    deferred: Vec<(usize, EventRefs<'a>)>,
    /// How many problems were listed in `blocks`, and how many only counted.
    cap: Cap,
}

/// Counts problems against the listing limit: the first are listed, the rest only counted.
#[derive(Default)]
struct Cap {
    listed: usize,
    unlisted: usize,
    /// The records of unlisted problems found after the record's id was read. They are
    /// counted only if the record does not repeat an earlier id: a repeated record is
    /// ignored, and only the repeat is reported.
    unlisted_after_id: Vec<u32>,
    /// The record of the first problem not listed: the list holds every problem of the
    /// records before it.
    first_unlisted: Option<u32>,
}

impl Cap {
    /// Whether one more problem, of `record`, is listed under `limit`; if not, it is counted.
    fn admit(&mut self, limit: usize, record: u32, after_id: bool) -> bool {
        if self.listed < limit {
            self.listed += 1;
            true
        } else {
            self.first_unlisted.get_or_insert(record);
            if after_id {
                self.unlisted_after_id.push(record);
            } else {
                self.unlisted += 1;
            }
            false
        }
    }

    /// How many problems went unlisted, leaving out those of repeated records.
    fn unlisted(&self, repeated: impl Fn(u32) -> bool) -> usize {
        self.unlisted + self.unlisted_after_id.iter().filter(|r| !repeated(**r)).count()
    }
}

/// One block of records parsed.
struct ParsedBlock<'a> {
    /// Its first record's position in the file.
    first: u32,
    ids: ChunkIds<'a>,
    /// (record, found after its id was read, problem), in file order.
    problems: Vec<(u32, bool, Problem)>,
}

/// Problems found resolving deferred references: (record, found after its id, problem).
#[derive(Default)]
struct LateProblems {
    found: Vec<(u32, bool, Problem)>,
    cap: Cap,
}

impl EventsWork<'_> {
    /// Takes blocks of records until none is left, parsing each record and resolving its
    /// references once `indexes` (places and people) is set; until then they are deferred.
    fn parse_blocks<'a>(
        &self,
        cx: &FileCx<'a>,
        raws: &[&'a str],
        sources: &IdIndex<SourceIx>,
        authorities: &FxHashMap<String, (SourceIx, u32)>,
        indexes: &std::sync::OnceLock<(IdIndex<PlaceIx>, IdIndex<PersonIx>)>,
    ) -> ParsedEvents<'a> {
        use std::sync::atomic::Ordering::Relaxed;
        let mut out = ParsedEvents::default();
        // Room for every event on both threads: only the pages used are ever touched, and
        // the merge moves the other thread's events into this room.
        out.events.reserve_exact(raws.len());
        let mut problems = ProblemLog::new(usize::MAX);
        loop {
            let start = self.next_block.fetch_add(1, Relaxed).saturating_mul(self.block);
            if start >= raws.len() {
                break;
            }
            let end = (start + self.block).min(raws.len());
            let lookup = indexes.get().map(|(places, people)| Lookup { places, people, sources, authorities });
            let mut block = ParsedBlock { first: start as u32, ids: ChunkIds::default(), problems: Vec::new() };
            for (i, raw) in raws[start..end].iter().enumerate() {
                let record = (start + i) as u32;
                let mut after_id = false;
                let (id, parsed) = parse_event(cx, raw, &mut problems, &mut after_id);
                match (id, parsed) {
                    (Some(id), Some((mut event, refs))) => {
                        match &lookup {
                            Some(lookup) => resolve_event(cx, raw, &mut event, &refs, lookup, &mut problems),
                            None => out.deferred.push((out.events.len(), refs)),
                        }
                        out.events.push((record, event));
                        block.ids.records.push(record);
                        block.ids.ids.push(id);
                    }
                    (Some(id), None) => block.ids.ids_without_event.push((record, id)),
                    (None, _) => {}
                }
                for p in problems.drain() {
                    if out.cap.admit(cx.limits.problems, record, after_id) {
                        block.problems.push((record, after_id, p));
                    }
                }
            }
            out.blocks.push(block);
            let done = self.done.fetch_add(end - start, Relaxed) + end - start;
            self.progress.set(self.base + self.size * done / raws.len().max(1));
        }
        out
    }
}

impl<'a> ParsedEvents<'a> {
    /// Resolves the references deferred while places and people were loading, and sorts the
    /// events by [`date_then_record`].
    fn finish(&mut self, cx: &FileCx<'a>, raws: &[&'a str], lookup: &Lookup<'_>) -> LateProblems {
        let mut late = LateProblems::default();
        let mut problems = ProblemLog::new(usize::MAX);
        for (at, refs) in std::mem::take(&mut self.deferred) {
            let (record, event) = &mut self.events[at];
            let raw = raws[*record as usize];
            resolve_event(cx, raw, event, &refs, lookup, &mut problems);
            for p in problems.drain() {
                if late.cap.admit(cx.limits.problems, *record, true) {
                    late.found.push((*record, true, p));
                }
            }
        }
        self.events.sort_by_cached_key(date_then_record);
        late
    }
}

/// The well-formed ids of a run of records, in file order.
#[derive(Default)]
struct ChunkIds<'a> {
    /// Per record with an event: its position in the file.
    records: Vec<u32>,
    /// Per record with an event: its id, borrowed from the file's text unless escaped (the
    /// ids are then registered reading the text in order, not a million scattered strings).
    ids: Vec<Cow<'a, str>>,
    /// Records with a well-formed id but no event (a later check failed).
    ids_without_event: Vec<(u32, Cow<'a, str>)>,
}

impl ChunkIds<'_> {
    /// (record, id) of every record with a well-formed id, in file order.
    fn in_order(&self) -> impl Iterator<Item = (u32, &str)> {
        let mut with = self.records.iter().zip(&self.ids).map(|(r, id)| (*r, id.as_ref())).peekable();
        let mut without = self.ids_without_event.iter().map(|(r, id)| (*r, id.as_ref())).peekable();
        std::iter::from_fn(move || match (with.peek(), without.peek()) {
            (Some(a), Some(b)) if b.0 < a.0 => without.next(),
            (Some(_), _) => with.next(),
            (None, _) => without.next(),
        })
    }
}

/// The records whose id repeats an earlier record's (sorted), and a problem for each of the
/// first `cx.limits.problems` of them (the rest are only counted, in `cap`).
/// `chunks` hold the ids of consecutive runs of records, in file order.
fn repeated_ids<'c, 'a: 'c>(
    cx: &FileCx<'_>,
    raws: &[&str],
    chunks: impl Iterator<Item = &'c ChunkIds<'a>>,
) -> (Vec<u32>, Vec<(u32, bool, Problem)>, Cap) {
    let mut repeats = Vec::new();
    let mut problems = Vec::new();
    let mut cap = Cap::default();
    let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
    seen.reserve(raws.len());
    for (record, id) in chunks.flat_map(ChunkIds::in_order) {
        match seen.entry(id) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(record);
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                if cap.admit(cx.limits.problems, record, false) {
                    let p = duplicate_id(cx, raws[*o.get() as usize], raws[record as usize], id);
                    problems.push((record, false, p));
                }
                repeats.push(record);
            }
        }
    }
    (repeats, problems, cap)
}

/// Merges two runs of events, each sorted by [`date_then_record`], into one.
///
/// The second run is moved after the first and a stable sort merges the two runs it finds:
/// that needs room for half the events beside them, where merging into a new vector would
/// need room for all of them (a quarter of a gigabyte at a million events).
fn merge_by_date(mut a: Vec<(u32, Event)>, b: Vec<(u32, Event)>) -> Vec<(u32, Event)> {
    // No reserve: each thread's vector already has room for every event.
    a.extend(b);
    a.sort_by_key(date_then_record);
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events parsed before the places and people are in keep their references and resolve
    /// them after: the events and problems are the same as when resolved at once.
    #[test]
    fn deferred_references_resolve_as_if_resolved_at_once() {
        let text = r#"[
            {"id": "a", "date": "1945", "place": "harbin", "people": ["kato", "nobody", "kato"], "title": "A", "category": "soviet", "sources": ["s"]},
            {"id": "b", "date": "1946-02-30", "place": "nowhere", "title": "B", "category": "soviet", "sources": ["s"]},
            {"id": "c", "date": "1944", "place": "nowhere", "title": "C", "category": "soviet", "sources": ["unknown"]},
            {"id": "d", "title": "D", "category": "soviet", "sources": []}
        ]"#;
        let cx = FileCx::new("events.json", text, Limits::default());
        let raws = raw_array(&cx, text, &mut ProblemLog::new(100));
        let mut sources = IdIndex::default();
        sources.insert("s", SourceIx(0));
        let mut places = IdIndex::default();
        places.insert("harbin", PlaceIx(0));
        let mut people = IdIndex::default();
        people.insert("kato", PersonIx(0));
        let progress = Progress::default();
        let work = || EventsWork {
            block: 4096,
            next_block: std::sync::atomic::AtomicUsize::new(0),
            done: std::sync::atomic::AtomicUsize::new(0),
            progress: &progress,
            base: 0,
            size: text.len(),
        };
        let run = |indexes: &std::sync::OnceLock<(IdIndex<PlaceIx>, IdIndex<PersonIx>)>| {
            let no_authorities = FxHashMap::default();
            let mut parsed = work().parse_blocks(&cx, &raws, &sources, &no_authorities, indexes);
            let deferred = parsed.deferred.len();
            let set = indexes.set((places.clone(), people.clone())).is_ok();
            let (places, people) = indexes.get().unwrap();
            let late =
                parsed.finish(&cx, &raws, &Lookup { places, people, sources: &sources, authorities: &no_authorities });
            let mut problems: Vec<(u32, bool, Problem)> =
                parsed.blocks.iter().flat_map(|b| b.problems.iter().cloned()).chain(late.found).collect();
            problems.sort_by_key(|(record, _, _)| *record);
            let shown: Vec<String> = problems.iter().map(|(_, _, p)| p.to_string()).collect();
            (parsed.events, shown, deferred, set)
        };
        let (at_once, at_once_problems, none_deferred, _) =
            run(&std::sync::OnceLock::from((places.clone(), people.clone())));
        let (later, later_problems, deferred, set_after) = run(&std::sync::OnceLock::new());
        assert_eq!(none_deferred, 0);
        assert!(set_after);
        assert_eq!(deferred, 3, "three events were valid before their references were resolved");
        assert_eq!(later, at_once);
        assert_eq!(later_problems, at_once_problems);
        assert_eq!(
            later_problems,
            [
                "events.json:2:79: a: unknown person 'nobody'",
                // The field is found by its text: the first 'kato'.
                "events.json:2:71: a: 'kato' is listed twice",
                "events.json:3:25: b: '1946-02-30': February 1946 has 28 days, not 30",
                "events.json:4:50: c: unknown place 'nowhere'",
                "events.json:4:109: c: unknown source 'unknown'",
                "events.json:5:61: d: no sources: every event cites at least one document",
            ]
        );
        let kato = [PersonIx(0)];
        assert_eq!(
            later.iter().map(|(_, e)| (e.id.as_str(), e.place, e.people.as_slice())).collect::<Vec<_>>(),
            [("c", None, &[][..]), ("a", Some(PlaceIx(0)), &kato[..]), ("d", None, &[][..]),]
        );
    }
}

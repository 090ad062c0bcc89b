//! Reading a dataset folder (`geodata/` or the user's own) and checking it.
//!
//! Loading never stops at the first problem: every problem is reported with its file, line,
//! column and record id ([`Problem`]), invalid records are left out, and the rest is kept.
//! Only input that cannot be read at all (a missing or unreadable folder) is an error.
//!
//! One function loads: [`load`], given an [`Input`] (the bundled dataset, embedded in the
//! binary so that `crossings` works from any directory, a folder, or texts already read) and
//! [`LoadOptions`] (limits, progress, one thread or two). Each file kind has its own reader,
//! which reads its records and reports its own problems:
//!
//! | file | module |
//! |---|---|
//! | `sources.json` | `sources` |
//! | `places.geojson` | `places` |
//! | `people.json` | `people` |
//! | `events.json` | `events` (one record after another), `threaded` (two threads, for large files) |
//!
//! What they share (locating a problem, splitting a file into records, checking ids and
//! texts) is in `file`; reading the files' bytes is [`Texts`].

mod events;
pub(crate) mod file;
pub mod fmt;
mod ids;
pub mod patch;
mod people;
mod places;
mod problem;
mod read;
mod records;
mod sources;
mod split;
mod threaded;
pub mod write;

use std::path::Path;

pub use file::valid_id;
use problem::ProblemLog;
pub use problem::{LineIndex, Problem, Severity};
pub use read::{LoadError, Texts};

use crate::model::Dataset;
use file::FileCx;

/// The four files of a dataset folder.
pub const FILES: [&str; 4] = ["sources.json", "places.geojson", "people.json", "events.json"];

/// The largest file Crossings reads (larger files are refused with a message).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The longest text field accepted, in bytes.
pub const MAX_STRING_BYTES: usize = 1 << 20;

/// The most records one file may hold.
pub const MAX_RECORDS: usize = 20_000_000;

/// At most this many problems are listed; the rest are counted.
pub const MAX_PROBLEMS: usize = 100_000;

/// What a dataset may hold before Crossings stops reading it, so that a hostile file cannot
/// exhaust memory or time. [`Limits::default`] holds the `MAX_` constants; tests lower them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub file_bytes: u64,
    /// Longest text field, in bytes.
    pub string_bytes: usize,
    /// Most records per file; the rest are counted and ignored.
    pub records: usize,
    /// Most problems listed; the rest are counted.
    pub problems: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: MAX_FILE_BYTES,
            string_bytes: MAX_STRING_BYTES,
            records: MAX_RECORDS,
            problems: MAX_PROBLEMS,
        }
    }
}

/// How far a place may lie outside its named country before it is reported, in km (the
/// basemap owns the check; the loader only calls it).
pub use crate::basemap::COUNTRY_TOLERANCE_KM;

/// A dataset as loaded, with every problem found.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// What was valid.
    pub dataset: Dataset,
    /// Every problem, in file order.
    pub problems: Vec<Problem>,
    /// The folder's name as given (for messages).
    pub label: String,
}

impl Loaded {
    /// `geodata: 42 places, 61 people, 84 events, 5 sources`.
    pub fn summary(&self) -> String {
        summary(&self.label, Counts::of(&self.dataset))
    }
}

/// How far a load has come, readable from another thread (the window's progress bar). A load
/// may come in steps (a database is read, then its records are checked): the bar is shared
/// between them, each step filling its part.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes of JSON parsed so far (or, while a database is read, rows read).
    pub done: std::sync::atomic::AtomicU64,
    /// Bytes to parse in all (or rows to read).
    pub total: std::sync::atomic::AtomicU64,
    /// The step under way (from 0) and how many there are (0 counts as one).
    steps: [std::sync::atomic::AtomicU64; 2],
}

impl Progress {
    /// The fraction done, 0..=1, over all steps.
    pub fn fraction(&self) -> f32 {
        use std::sync::atomic::Ordering::Relaxed;
        let total = self.total.load(Relaxed).max(1);
        let step = (self.done.load(Relaxed) as f64 / total as f64).clamp(0.0, 1.0);
        let steps = self.steps[1].load(Relaxed).max(1);
        let before = self.steps[0].load(Relaxed).min(steps - 1);
        ((before as f64 + step) / steps as f64).clamp(0.0, 1.0) as f32
    }

    /// Records that the first `bytes` are parsed. Two threads report (places and events load
    /// at once), so the bar only moves forward.
    pub(crate) fn set(&self, bytes: usize) {
        self.done.fetch_max(bytes as u64, std::sync::atomic::Ordering::Relaxed);
    }

    /// Says the load comes in `steps` steps, the first under way.
    pub(crate) fn in_steps(&self, steps: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        self.steps[0].store(0, Relaxed);
        self.steps[1].store(steps, Relaxed);
    }

    /// Ends a step: the next starts from nothing done.
    pub(crate) fn next_step(&self) {
        use std::sync::atomic::Ordering::Relaxed;
        self.done.store(0, Relaxed);
        self.total.store(0, Relaxed);
        self.steps[0].fetch_add(1, Relaxed);
    }
}

/// Records per block of events handed to a thread ([`Reader::Threaded`]'s default).
pub const EVENT_BLOCK: usize = 4096;

/// What to load.
#[derive(Clone, Copy, Debug)]
pub enum Input<'a> {
    /// The bundled `geodata/`, embedded in the binary.
    Bundled,
    /// A dataset folder.
    Folder(&'a Path),
    /// Texts already read (or made by a test), with the label problems name them by.
    Texts {
        /// The dataset's name in messages (`geodata`, a folder's path).
        label: &'a str,
        /// The four files' texts.
        texts: &'a Texts,
    },
}

impl<'a> Input<'a> {
    /// A folder if one is given, the bundled dataset if not (as `--data` is read).
    pub fn folder_or_bundled(folder: Option<&'a Path>) -> Input<'a> {
        folder.map_or(Input::Bundled, Input::Folder)
    }
}

/// How the events file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// One record after another, on the calling thread.
    Sequential,
    /// On two threads, in blocks of `block` records, while the places and people are read.
    /// Gives the same records and problems as [`Reader::Sequential`], faster on large files.
    Threaded {
        /// Records per block handed to a thread.
        block: usize,
    },
}

impl Default for Reader {
    fn default() -> Self {
        Reader::Threaded { block: EVENT_BLOCK }
    }
}

/// How to load: limits, where to report progress, and how to read the events.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions<'p> {
    /// What a dataset may hold.
    pub limits: Limits,
    /// Where to report progress (the window's bar), if anywhere.
    pub progress: Option<&'p Progress>,
    /// One thread or two.
    pub reader: Reader,
}

/// Loads and checks a dataset.
///
/// ```no_run
/// use crossings::dataset::{Input, LoadOptions, load};
/// let loaded = load(Input::Folder("geodata".as_ref()), &LoadOptions::default()).unwrap();
/// for p in &loaded.problems { eprintln!("{p}"); }
/// println!("{}", loaded.summary());
/// ```
///
/// # Errors
/// Only when a folder cannot be read at all ([`LoadError`]); everything else is a problem in
/// [`Loaded::problems`].
pub fn load(input: Input<'_>, options: &LoadOptions<'_>) -> Result<Loaded, LoadError> {
    let (label, read) = read_input(input, options)?;
    let Read { sources, places, people, events, problems } = read;
    Ok(Loaded { dataset: Dataset::new(sources, places, people, events), problems, label })
}

/// A dataset's problems and counts, found as [`load`] finds them, without building the
/// dataset's indexes (what `validate` and `import` need, a third of a second sooner at a
/// million events). The problems are exactly [`load`]'s: every check is made while reading.
///
/// # Errors
/// As [`load`].
pub fn check(input: Input<'_>, options: &LoadOptions<'_>) -> Result<Checked, LoadError> {
    let (label, mut read) = read_input(input, options)?;
    let counts = Counts {
        places: read.places.len(),
        people: read.people.len(),
        events: read.events.len(),
        sources: read.sources.len(),
    };
    let problems = std::mem::take(&mut read.problems);
    Ok(Checked { problems, label, counts, _records: Some(Box::new(read)) })
}

/// What [`check`] found: a dataset's problems and how many records of each kind are valid.
#[derive(Default)]
pub struct Checked {
    /// Every problem, in file order (as [`Loaded::problems`]).
    pub problems: Vec<Problem>,
    /// The folder's name as given.
    pub label: String,
    /// The valid records.
    pub counts: Counts,
    /// The records themselves, kept only to be freed with the rest (a command about to exit
    /// may `std::mem::forget` the whole: a million records take longer to free than the OS
    /// takes to reclaim them).
    _records: Option<Box<dyn std::any::Any + Send>>,
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checked")
            .field("problems", &self.problems)
            .field("label", &self.label)
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

/// How many records of each kind a dataset holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Places.
    pub places: usize,
    /// People.
    pub people: usize,
    /// Events.
    pub events: usize,
    /// Sources.
    pub sources: usize,
}

impl From<Loaded> for Checked {
    fn from(loaded: Loaded) -> Checked {
        let counts = Counts::of(&loaded.dataset);
        Checked { problems: loaded.problems, label: loaded.label, counts, _records: Some(Box::new(loaded.dataset)) }
    }
}

impl Counts {
    fn of(d: &Dataset) -> Counts {
        Counts { places: d.places.len(), people: d.people.len(), events: d.events.len(), sources: d.sources.len() }
    }
}

impl Checked {
    /// `geodata: 42 places, 61 people, 84 events, 5 sources`, as [`Loaded::summary`].
    pub fn summary(&self) -> String {
        summary(&self.label, self.counts)
    }
}

fn summary(label: &str, c: Counts) -> String {
    format!("{label}: {} places, {} people, {} events, {} sources", c.places, c.people, c.events, c.sources)
}

/// The records and problems of a dataset as read, before its indexes are built.
struct Read {
    sources: Vec<crate::model::Source>,
    places: Vec<crate::model::Place>,
    people: Vec<crate::model::Person>,
    events: Vec<crate::model::Event>,
    problems: Vec<Problem>,
}

/// Reads and checks an input's records: [`load`] and [`check`] without the indexes.
fn read_input(input: Input<'_>, options: &LoadOptions<'_>) -> Result<(String, Read), LoadError> {
    let (label, owned);
    let texts = match input {
        Input::Bundled => {
            label = "geodata".to_owned();
            owned = Texts::bundled();
            &owned
        }
        Input::Folder(dir) => {
            label = dir.display().to_string().trim_end_matches('/').to_owned();
            owned = Texts::read_dir(dir, &options.limits)?;
            &owned
        }
        Input::Texts { label: l, texts } => {
            label = l.to_owned();
            texts
        }
    };
    let none = Progress::default();
    let read = read_texts(&label, texts, options.progress.unwrap_or(&none), options);
    Ok((label, read))
}

/// Reports how far the reading of one file has come, on the bar of all files.
#[derive(Clone, Copy)]
pub(crate) struct Meter<'p> {
    progress: &'p Progress,
    /// The file's first byte among all files' bytes.
    base: usize,
}

impl Meter<'_> {
    /// Records that the file is parsed up to the record `raw`.
    fn at(&self, cx: &FileCx<'_>, raw: &str) {
        self.progress.set(self.base + cx.offset_of(raw));
    }
}

/// Reads a dataset's texts: the four readers in reading order (the events beside the places
/// and people when threaded), then the checks that need them all.
fn read_texts(label: &str, texts: &Texts, progress: &Progress, options: &LoadOptions<'_>) -> Read {
    let limits = options.limits;
    let sizes: Vec<usize> = texts.files.iter().map(|f| f.as_ref().map_or(0, |(_, t)| t.len())).collect();
    progress.total.store(sizes.iter().sum::<usize>() as u64, std::sync::atomic::Ordering::Relaxed);
    let meter = |file: usize| Meter { progress, base: sizes[..file].iter().sum::<usize>() };
    let mut problems = ProblemLog::new(limits.problems);
    for p in &texts.problems {
        problems.push(p.clone());
    }
    let file = |i: usize| texts.files[i].as_ref().map(|(name, text)| FileCx::new(name, text, limits));

    let sources = file(0).map(|cx| sources::read(&cx, &mut problems, meter(0))).unwrap_or_default();
    let people_cx = file(2);
    let places_and_people = |problems: &mut ProblemLog| {
        let (places, place_index) =
            file(1).map(|cx| places::read(&cx, &sources.index, problems, meter(1))).unwrap_or_default();
        let people = people_cx
            .as_ref()
            .map(|cx| people::read(cx, &place_index, &sources.index, problems, meter(2)))
            .unwrap_or_default();
        (places, place_index, people)
    };
    let events_file = texts.files[3].as_ref().map(|(name, text)| (name.as_str(), text.as_str()));
    let ((places, people), events) = match options.reader {
        Reader::Threaded { block } => threaded::read_beside(
            events_file,
            limits,
            block,
            &sources.index,
            &sources.authorities,
            progress,
            (meter(3).base, sizes[3]),
            || {
                let (places, place_index, mut people) = places_and_people(&mut problems);
                let person_index = std::mem::take(&mut people.index);
                ((places, people), place_index, person_index)
            },
        ),
        Reader::Sequential => {
            let (places, place_index, people) = places_and_people(&mut problems);
            let events = events::read_file(events_file, limits, &place_index, &people.index, &sources, meter(3));
            ((places, people), events)
        }
    };

    problems.append(events.split);
    if let Some(cx) = &people_cx {
        people::check_tied(cx, &people, &events.events, &mut problems);
    }
    for p in events.problems {
        problems.push(p);
    }
    problems.add_unlisted(events.unlisted);
    events::check_after(events_file, &events.events, limits, &mut problems);

    // Report in reading order: file by file (as in FILES), then by position.
    let rank = |file: &str| FILES.iter().position(|f| file.ends_with(f)).unwrap_or(FILES.len());
    let unlisted = problems.unlisted();
    let mut problems = problems.into_vec();
    problems.sort_by_key(|a| (rank(&a.file), a.line, a.column));
    if unlisted > 0 {
        // At most the limit; fewer when a thread's list ran out before the others' (the list
        // stays the first problems of all, in order).
        let listed = problems.len();
        problems.push(Problem {
            file: label.to_owned(),
            line: 1,
            column: 1,
            record: None,
            message: format!(
                "{unlisted} more problems are not listed; only the first {listed} are kept (fix these and validate again)"
            ),
            severity: Severity::Error,
        });
    }
    Read { sources: sources.sources, places, people: people.people, events: events.events, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_in_two_steps_fills_each_half_of_the_bar() {
        let progress = Progress::default();
        progress.in_steps(2);
        progress.total.store(10, std::sync::atomic::Ordering::Relaxed);
        progress.set(5);
        assert_eq!(progress.fraction(), 0.25, "half of the first step");
        progress.set(10);
        progress.next_step();
        assert_eq!(progress.fraction(), 0.5, "the second step starts at half");
        let options = LoadOptions { progress: Some(&progress), ..LoadOptions::default() };
        super::load(super::Input::Bundled, &options).expect("the bundled dataset loads");
        assert_eq!(progress.fraction(), 1.0, "both steps done");
    }

    #[test]
    fn progress_only_moves_forward_when_two_threads_report() {
        let progress = Progress::default();
        progress.total.store(100, std::sync::atomic::Ordering::Relaxed);
        progress.set(80); // the events thread, far into the last file
        progress.set(30); // the places thread, behind it
        assert_eq!(progress.fraction(), 0.8);
        let options = LoadOptions { progress: Some(&progress), ..LoadOptions::default() };
        let loaded = load(Input::Bundled, &options).unwrap_or_default();
        assert!(loaded.problems.is_empty());
        assert_eq!(progress.fraction(), 1.0, "a finished load shows a full bar");
    }
}

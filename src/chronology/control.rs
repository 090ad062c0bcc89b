//! The time control: the state behind the slider, changed only through [`TimeCommand`]s.
//!
//! Positions are month indices ([`Day::month_index`]): the slider works at month resolution,
//! and a window from month `a` to month `b` covers the first day of `a` to the last day of `b`.

use serde::{Deserialize, Serialize};

use super::day::Day;
use super::window::{TimeFilter, TimeWindow};

/// How the slider filters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeMode {
    /// No time filter: everything shows.
    #[default]
    All,
    /// A window between two handles.
    Window,
    /// A single month.
    Single,
}

/// The slider's state. Persisted with the view.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeControl {
    /// How it filters.
    pub mode: TimeMode,
    /// First month of the window (or the single month).
    pub start: i32,
    /// Last month of the window.
    pub end: i32,
    /// Show undated events while filtering.
    pub include_undated: bool,
    /// Animating.
    #[serde(skip)]
    pub playing: bool,
    /// Months per second while playing.
    pub speed: f32,
    /// Fractional progress of playback between steps.
    #[serde(skip)]
    pub progress: f32,
}

impl Default for TimeControl {
    fn default() -> Self {
        let m = Day::month_start(1939, 1).month_index();
        TimeControl {
            mode: TimeMode::All,
            start: m,
            end: m + 11,
            include_undated: false,
            playing: false,
            speed: 6.0,
            progress: 0.0,
        }
    }
}

/// Something the user asked the time control to do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TimeCommand {
    /// Filter by the window from month `start` to month `end`.
    SetWindow(i32, i32),
    /// Filter by one month.
    SetSingle(i32),
    /// A window from an exact pair of days (typed dates): months covering them.
    SetDays(Day, Day),
    /// No time filter.
    ShowAll,
    /// Move the window (or single month) by this many months, keeping its length.
    Step(i32),
    /// Move to the start of the data.
    Home,
    /// Move to the end of the data.
    End,
    /// Start or stop playback.
    TogglePlay,
    /// Months per second.
    SetSpeed(f32),
    /// Include undated events.
    IncludeUndated(bool),
}

impl TimeControl {
    /// The filter this state means.
    pub fn filter(&self) -> TimeFilter {
        match self.mode {
            TimeMode::All => TimeFilter { window: None, include_undated: true },
            TimeMode::Window => TimeFilter {
                window: Some(TimeWindow::new(
                    Day::from_month_index(self.start),
                    Day::from_month_index(self.end.max(self.start) + 1).prev(),
                )),
                include_undated: self.include_undated,
            },
            TimeMode::Single => TimeFilter {
                window: Some(TimeWindow::new(
                    Day::from_month_index(self.start),
                    Day::from_month_index(self.start + 1).prev(),
                )),
                include_undated: self.include_undated,
            },
        }
    }

    /// Applies a command, keeping positions inside `bounds` (first and last month of the data).
    pub fn apply(&mut self, command: TimeCommand, bounds: (i32, i32)) {
        let (lo, hi) = (bounds.0.min(bounds.1), bounds.0.max(bounds.1));
        match command {
            TimeCommand::SetWindow(a, b) => {
                self.mode = TimeMode::Window;
                self.start = a.min(b).clamp(lo, hi);
                self.end = a.max(b).clamp(lo, hi);
            }
            TimeCommand::SetSingle(m) => {
                self.mode = TimeMode::Single;
                self.start = m.clamp(lo, hi);
                self.end = self.start;
            }
            TimeCommand::SetDays(a, b) => {
                let (a, b) = (a.min(b), a.max(b));
                let am = if a.is_open() { lo } else { a.month_index() };
                let bm = if b.is_open() { hi } else { b.month_index() };
                if am == bm && self.mode == TimeMode::Single {
                    self.apply(TimeCommand::SetSingle(am), bounds);
                } else {
                    self.apply(TimeCommand::SetWindow(am, bm), bounds);
                }
            }
            TimeCommand::ShowAll => {
                self.mode = TimeMode::All;
                self.playing = false;
            }
            TimeCommand::Step(n) => {
                if self.mode == TimeMode::All {
                    self.mode = TimeMode::Window;
                }
                let len = self.len();
                let start = (self.start + n).clamp(lo, (hi - len).max(lo));
                self.start = start;
                self.end = start + len;
                if self.mode == TimeMode::Single {
                    self.end = self.start;
                }
            }
            TimeCommand::Home => {
                let len = self.len();
                self.start = lo;
                self.end = (lo + len).min(hi);
                if self.mode == TimeMode::All {
                    self.mode = TimeMode::Window;
                }
            }
            TimeCommand::End => {
                let len = self.len();
                self.end = hi;
                self.start = (hi - len).max(lo);
                if self.mode == TimeMode::Single {
                    self.start = hi;
                }
                if self.mode == TimeMode::All {
                    self.mode = TimeMode::Window;
                }
            }
            TimeCommand::TogglePlay => {
                self.playing = !self.playing;
                self.progress = 0.0;
                if self.playing && self.mode == TimeMode::All {
                    self.mode = TimeMode::Window;
                }
                if self.playing && self.end >= hi {
                    let len = self.len();
                    self.start = lo;
                    self.end = lo + len;
                }
            }
            TimeCommand::SetSpeed(s) => self.speed = s.clamp(0.25, 120.0),
            TimeCommand::IncludeUndated(on) => self.include_undated = on,
        }
    }

    /// Advances playback by `dt` seconds. Returns true when the window moved.
    /// Stops at the end of the data.
    pub fn tick(&mut self, dt: f32, bounds: (i32, i32)) -> bool {
        if !self.playing {
            return false;
        }
        self.progress += dt * self.speed;
        let steps = self.progress.floor() as i32;
        if steps == 0 {
            return false;
        }
        self.progress -= steps as f32;
        let before = self.start;
        self.apply(TimeCommand::Step(steps), bounds);
        if self.start == before || self.end >= bounds.1.max(bounds.0) {
            self.playing = false;
        }
        self.start != before
    }

    fn len(&self) -> i32 {
        if self.mode == TimeMode::Single { 0 } else { (self.end - self.start).max(0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(y: i32, mo: u32) -> i32 {
        Day::month_start(y, mo).month_index()
    }
    const B: (i32, i32) = (1904 * 12, 2019 * 12 + 11);

    #[test]
    fn a_window_covers_whole_months() {
        let mut t = TimeControl::default();
        t.apply(TimeCommand::SetWindow(m(1945, 8), m(1945, 9)), B);
        let w = t.filter().window.unwrap();
        assert_eq!(w.start, Day::from_ymd(1945, 8, 1).unwrap());
        assert_eq!(w.end, Day::from_ymd(1945, 9, 30).unwrap());
        t.apply(TimeCommand::SetSingle(m(1939, 3)), B);
        let w = t.filter().window.unwrap();
        assert_eq!((w.start, w.end), (Day::from_ymd(1939, 3, 1).unwrap(), Day::from_ymd(1939, 3, 31).unwrap()));
    }

    #[test]
    fn stepping_keeps_the_length_and_stays_in_bounds() {
        let mut t = TimeControl::default();
        t.apply(TimeCommand::SetWindow(m(2019, 1), m(2019, 6)), B);
        t.apply(TimeCommand::Step(12), B);
        assert_eq!((t.start, t.end), (m(2019, 7), m(2019, 12)));
        t.apply(TimeCommand::Home, B);
        assert_eq!((t.start, t.end), (m(1904, 1), m(1904, 6)));
    }

    #[test]
    fn show_all_drops_the_window_and_playback_stops_at_the_end() {
        let mut t = TimeControl::default();
        t.apply(TimeCommand::SetWindow(m(2019, 11), m(2019, 12)), B);
        t.apply(TimeCommand::TogglePlay, B);
        assert!(t.playing);
        assert_eq!(t.start, B.0, "playing from the end restarts at the beginning");
        t.apply(TimeCommand::End, B);
        t.tick(10.0, B);
        assert!(!t.playing);
        t.apply(TimeCommand::ShowAll, B);
        assert_eq!(t.filter().window, None);
    }

    #[test]
    fn playback_advances_by_speed() {
        let mut t = TimeControl::default();
        t.apply(TimeCommand::SetWindow(m(1940, 1), m(1940, 1)), B);
        t.apply(TimeCommand::SetSpeed(4.0), B);
        t.apply(TimeCommand::TogglePlay, B);
        assert!(t.tick(0.5, B));
        assert_eq!(t.start, m(1940, 3));
    }
}

//! Time: fuzzy dates, windows, the overlap rule and histograms. No UI here.
//!
//! - [`control`]: the slider state and its commands ([`TimeControl`]).
//! - [`day`]: calendar days as integers ([`Day`]).
//! - [`edtf`]: EDTF date strings parsed once into [`FuzzyDate`] spans.
//! - [`window`]: [`TimeWindow`], [`TimeFilter`] and the single overlap rule ([`Match`]).
//! - [`histogram`]: events per month or year, from a prefix sum.
//! - [`index`]: [`SpanIndex`], window queries in time proportional to what they return.
//! - [`typed`]: dates as people type them ("Aug 1945", "1945年8月", "1939-41").

pub mod control;
pub mod day;
pub mod edtf;
pub mod histogram;
pub mod index;
pub mod typed;
pub mod window;

pub use control::{TimeCommand, TimeControl, TimeMode};
pub use day::Day;
pub use edtf::{
    Bound, BoundsError, DateError, DatePoint, DateSpan, Edtf, FuzzyDate, Precision, Qualifiers, SEASON_MONTHS,
};
pub use histogram::Histogram;
pub use index::SpanIndex;
pub use window::{Match, TimeFilter, TimeWindow};

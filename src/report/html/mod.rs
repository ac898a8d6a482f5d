//! The HTML report (`--format html`): one self-contained page a regulator
//! can keep or send. Nothing in it is fetched (no script, style sheet, font
//! or image from elsewhere): the style is inside, the charts are inline SVG,
//! and every text from policies and logs is escaped.
//!
//! The page is made once the run is over, from what a [`Collector`]
//! gathered while the log was read, in memory bounded by rules, months and
//! periods rather than by the log: counts and remedies, instances per rule
//! and month, what each period standard measured, and the evidence of the
//! first violations of each rule.
//!
//! One file per part of the page: [`page`] (the frame, what was judged and
//! the notes of the run), [`rules`] (a section per jurisdiction and rule),
//! [`figures`] and [`chart`] (the charts), [`evidence`] and [`remedies`].

mod chart;
mod collect;
mod escape;
mod evidence;
mod figures;
mod page;
mod remedies;
mod rules;
mod timeline;

pub use collect::{Collector, PeriodPoint, EVIDENCE_PER_RULE};
pub use escape::Esc;
pub use page::write;
pub use timeline::{Counts, Timeline};

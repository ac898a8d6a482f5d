//! A rule's figures: its instances per month by verdict, and for a period
//! standard the value measured in each period against its bound. Each is a
//! chart with its legend, and the same numbers in a table under it (for
//! reading exact values, and for readers that do not see the chart).

use super::chart::{self, css};
use super::collect::Collector;
use super::escape::Esc;
use crate::eval::{Measured, MeasuredUnit};
use crate::syntax::ast::Verdict;
use crate::value::format_duration;
use rust_decimal::prelude::ToPrimitive as _;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// The chart of rule `i`'s instances per month (nothing when none has a
/// month).
pub fn verdicts_per_month(c: &Collector, i: usize) -> String {
    let months: Vec<(String, [u64; 3])> = c.timeline.months(i).map(|(k, n)| (k.to_string(), n)).collect();
    if months.is_empty() {
        return String::new();
    }
    let mut s = String::from("<figure class=\"chart\" data-chart=\"verdicts-per-month\">\n");
    s.push_str(&svg_or_note(chart::verdicts_per_month(&months)));
    let legend = [("satisfied", chart::SATISFIED), ("violated", chart::VIOLATED), ("pending", chart::PENDING)];
    s.push_str("<figcaption>Instances per month of their trigger (local time), by verdict: ");
    s.push_str(&swatches(&legend));
    s.push_str("</figcaption>\n<details><summary>Numbers</summary>\n<table class=\"numbers\">\n");
    s.push_str("<thead><tr><th>Month</th><th class=\"num\">Satisfied</th><th class=\"num\">Violated</th><th class=\"num\">Pending</th></tr></thead>\n<tbody>\n");
    for (month, [sat, vio, pend]) in &months {
        let _ = writeln!(
            s,
            "<tr><td>{month}</td><td class=\"num\">{sat}</td><td class=\"num\">{vio}</td><td class=\"num\">{pend}</td></tr>"
        );
    }
    s.push_str("</tbody>\n</table>\n</details>\n</figure>\n");
    s
}

/// The chart of what period standard `i` measured per period (nothing for
/// other rules).
pub fn measured_per_period(c: &Collector, i: usize) -> String {
    let points: Vec<(Verdict, &Measured)> =
        c.periods.iter().filter(|p| p.rule == i).map(|p| (p.verdict, &p.measured)).collect();
    let Some((_, first)) = points.first() else { return String::new() };
    let scale = Scale::of(&first.unit, points.iter().map(|(_, m)| m.value).chain([first.bound]));
    let drawn: Vec<(String, f64, Verdict)> =
        points.iter().map(|(v, m)| (m.period.to_string(), scale.number(m.value), *v)).collect();
    let bound = scale.number(first.bound);
    let mut s = String::from("<figure class=\"chart\" data-chart=\"measured-per-period\">\n");
    s.push_str(&svg_or_note(chart::measured_per_period(&drawn, bound, &scale.axis)));
    let legend = [("satisfied", chart::SATISFIED), ("violated", chart::VIOLATED), ("pending", chart::PENDING)];
    let _ = writeln!(
        s,
        "<figcaption>The value measured per period against the bound (dashed, {} {}), each period in the colour of its verdict: {}</figcaption>",
        Esc(first.op.as_str()),
        Esc(&scale.text(first.bound)),
        swatches(&legend)
    );
    s.push_str("<details><summary>Numbers</summary>\n<table class=\"numbers\">\n");
    s.push_str("<thead><tr><th>Period</th><th class=\"num\">Measured</th><th>Bound</th><th>Verdict</th></tr></thead>\n<tbody>\n");
    for (verdict, m) in &points {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{} {}</td><td class=\"{}\">{}</td></tr>",
            m.period,
            Esc(&scale.text(m.value)),
            Esc(m.op.as_str()),
            Esc(&scale.text(m.bound)),
            verdict.as_str(),
            verdict.as_str()
        );
    }
    s.push_str("</tbody>\n</table>\n</details>\n</figure>\n");
    s
}

/// An SVG, or why it could not be drawn.
fn svg_or_note(svg: Result<String, String>) -> String {
    match svg {
        Ok(svg) => svg,
        Err(why) => format!("<p class=\"note\">The chart could not be drawn: {}.</p>\n", Esc(&why)),
    }
}

fn swatches(legend: &[(&str, plotters::style::RGBColor)]) -> String {
    let items: Vec<String> = legend
        .iter()
        .map(|(name, c)| format!("<span class=\"swatch\" style=\"background:{}\"></span>{name}", css(*c)))
        .collect();
    items.join(" ")
}

/// How measured values are drawn and written: durations in the unit that
/// suits their size, amounts with their currency, rates in percent.
struct Scale {
    unit: MeasuredUnit,
    /// Microseconds per unit drawn, for durations.
    micros: i64,
    /// The y axis's name.
    axis: String,
}

impl Scale {
    fn of(unit: &MeasuredUnit, values: impl Iterator<Item = Decimal>) -> Scale {
        let (micros, axis) = match unit {
            MeasuredUnit::Micros => {
                let largest = values.map(|v| v.abs()).max().unwrap_or_default();
                let (micros, name) = [(86_400_000_000, "days"), (3_600_000_000, "hours"), (60_000_000, "minutes")]
                    .into_iter()
                    .find(|(m, _)| largest >= Decimal::from(*m * 2))
                    .unwrap_or((1_000_000, "seconds"));
                (micros, name.to_string())
            }
            MeasuredUnit::Percent => (1, "%".to_string()),
            MeasuredUnit::Count => (1, "count".to_string()),
            MeasuredUnit::Number => (1, "value".to_string()),
            MeasuredUnit::Money(c) if c.is_empty() => (1, "amount".to_string()),
            MeasuredUnit::Money(c) => (1, c.clone()),
        };
        Scale { unit: unit.clone(), micros, axis }
    }

    /// The value as drawn.
    fn number(&self, v: Decimal) -> f64 {
        (v / Decimal::from(self.micros.max(1))).to_f64().unwrap_or(f64::NAN)
    }

    /// The value as written.
    fn text(&self, v: Decimal) -> String {
        match &self.unit {
            MeasuredUnit::Percent => format!("{}%", v.round_dp(2).normalize()),
            MeasuredUnit::Micros => v.round().to_i64().map_or_else(|| v.to_string(), format_duration),
            MeasuredUnit::Money(c) if !c.is_empty() => format!("{} {c}", v.round_dp(2).normalize()),
            _ => v.round_dp(2).normalize().to_string(),
        }
    }
}

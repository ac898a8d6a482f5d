//! The charts of the HTML report, drawn by `plotters` into inline SVG: no
//! script, no font file, nothing fetched; the browser lays out the text.
//!
//! The x axis is a row of categories (months, periods) drawn on a numeric
//! axis from -0.5 to n - 0.5, each category centred on its index: one
//! category (a log of a single month, which is common) is then as well
//! formed as many, and when there are too many to name each, the axis
//! names every second or fifth. Legends are written in HTML beside the
//! chart, where text never overlaps the drawing.

use super::timeline::Counts;
use crate::syntax::ast::Verdict;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// The colour of each verdict, also used by the page's legends.
pub const SATISFIED: RGBColor = RGBColor(0x2e, 0x7d, 0x32);
/// See [`SATISFIED`].
pub const VIOLATED: RGBColor = RGBColor(0xc6, 0x28, 0x28);
/// See [`SATISFIED`].
pub const PENDING: RGBColor = RGBColor(0xf9, 0xa8, 0x25);
/// The bound of a period standard.
pub const BOUND: RGBColor = RGBColor(0x45, 0x5a, 0x64);
/// The line joining measured values.
const MEASURED: RGBColor = RGBColor(0x15, 0x65, 0xc0);

const WIDTH: u32 = 760;
const HEIGHT: u32 = 240;
const FONT: &str = "sans-serif";

/// The colour of a verdict.
pub fn colour(verdict: Verdict) -> RGBColor {
    match verdict {
        Verdict::Satisfied => SATISFIED,
        Verdict::Violated => VIOLATED,
        Verdict::Pending => PENDING,
    }
}

/// A stacked bar per month: violated at the bottom, then pending, then
/// satisfied. `months` holds each month's name and counts.
pub fn verdicts_per_month(months: &[(String, Counts)]) -> Result<String, String> {
    let top = months.iter().map(|(_, [s, v, p])| s + v + p).max().unwrap_or(0).max(1);
    let names: Vec<&str> = months.iter().map(|(n, _)| n.as_str()).collect();
    // Whole numbers only: at most 6 labels, each a count.
    let y = Y { range: 0.0..top as f64 * 1.08, labels: (top as usize + 1).min(6), whole: true };
    draw(&names, y, "instances", |chart| {
        let bars = months.iter().enumerate().flat_map(|(i, (_, [s, v, p]))| {
            let x = i as f64;
            let mut floor = 0.0;
            [(*v, VIOLATED), (*p, PENDING), (*s, SATISFIED)].into_iter().filter(|(n, _)| *n > 0).map(move |(n, c)| {
                let bar = Rectangle::new([(x - 0.35, floor), (x + 0.35, floor + n as f64)], c.filled());
                floor += n as f64;
                bar
            })
        });
        chart.draw_series(bars).map(|_| ()).map_err(|e| e.to_string())
    })
}

/// One period standard: the value measured in each period (a dot in the
/// colour of the period's verdict, hollow while pending, joined by a line)
/// against the bound (a dashed line). `unit` names the y axis.
pub fn measured_per_period(periods: &[(String, f64, Verdict)], bound: f64, unit: &str) -> Result<String, String> {
    let values = periods.iter().map(|(_, v, _)| *v).chain([bound]).filter(|v| v.is_finite());
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return Err("no finite value to draw".into());
    }
    let pad = if hi > lo { (hi - lo) * 0.15 } else { hi.abs().max(1.0) * 0.1 };
    // Values that cannot go below zero keep zero as the floor.
    let floor = if lo >= 0.0 { (lo - pad).max(0.0) } else { lo - pad };
    let names: Vec<&str> = periods.iter().map(|(n, _, _)| n.as_str()).collect();
    let (left, right) = x_range(periods.len());
    let y = Y { range: floor..hi + pad, labels: 6, whole: false };
    draw(&names, y, unit, |chart| {
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        let dashes = DashedLineSeries::new([(left, bound), (right, bound)], 8, 5, BOUND.stroke_width(2));
        chart.draw_series(dashes).map_err(err)?;
        let line = periods.iter().enumerate().map(|(i, (_, v, _))| (i as f64, *v));
        chart.draw_series(LineSeries::new(line, MEASURED.stroke_width(2))).map_err(err)?;
        let dots = periods.iter().enumerate().map(|(i, (_, v, verdict))| {
            let c = colour(*verdict);
            let style = if *verdict == Verdict::Pending { c.stroke_width(2) } else { c.filled() };
            Circle::new((i as f64, *v), 5, style)
        });
        chart.draw_series(dots).map(|_| ()).map_err(err)
    })
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The y axis: its range, how many labels at most, and whether only whole
/// numbers are labelled (counts).
struct Y {
    range: std::ops::Range<f64>,
    labels: usize,
    whole: bool,
}

/// The x range of `n` categories centred on 0..n, as wide as 4 at least so
/// that one or two categories do not make bars as wide as the chart.
fn x_range(n: usize) -> (f64, f64) {
    let extra = (4usize.saturating_sub(n)) as f64 / 2.0;
    (-0.5 - extra, n as f64 - 0.5 + extra)
}

/// Draws the axes (`names` along x, `y` up with its description) and what
/// `series` adds, and returns the SVG text.
fn draw(
    names: &[&str],
    y: Y,
    y_desc: &str,
    series: impl FnOnce(&mut Chart) -> Result<(), String>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let n = names.len().max(1);
        let (left, right) = x_range(n);
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(56)
            .build_cartesian_2d(left..right, y.range)
            .map_err(|e| e.to_string())?;
        let name_of = |x: &f64| {
            let i = x.round();
            let on_category = (x - i).abs() < 1e-6 && i >= 0.0;
            on_category.then(|| names.get(i as usize)).flatten().map_or_else(String::new, |s| s.to_string())
        };
        let number = |v: &f64| match (v.fract().abs() < 1e-9, y.whole) {
            (true, _) => format!("{v:.0}"),
            (false, true) => String::new(),
            (false, false) => format!("{v:.1}"),
        };
        // A label per category while they fit (the range is a few units
        // wider than the categories), every second or fifth beyond; no
        // tick marks, which would also stand where no category is.
        let units = (right - left).ceil() as usize + 1;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .set_tick_mark_size(LabelAreaPosition::Bottom, 0)
            .x_labels(units.min(13))
            .x_label_formatter(&name_of)
            .y_labels(y.labels)
            .y_label_formatter(&number)
            .y_desc(y_desc)
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 15))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.12))
            .draw()
            .map_err(|e| e.to_string())?;
        series(&mut chart)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// `#rrggbb`, for the page's legends.
pub fn css(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(svg: &str, element: &str) -> usize {
        svg.matches(&format!("<{element}")).count()
    }

    /// One month is drawn as well as many, and each count is a bar.
    #[test]
    fn months_are_drawn_as_stacked_bars() {
        let one = verdicts_per_month(&[("2026-03".into(), [3, 2, 0])]).unwrap_or_else(|e| panic!("{e}"));
        assert!(one.starts_with("<svg"), "{one}");
        assert!(one.contains("2026-03"), "{one}");
        assert_eq!(count(&one, "rect"), 1 + 2, "background and two bars");
        let months: Vec<(String, Counts)> = (1..=30).map(|m| (format!("m{m}"), [m, 1, 1])).collect();
        let many = verdicts_per_month(&months).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(count(&many, "rect"), 1 + 90);
        assert!(verdicts_per_month(&[]).is_ok());
    }

    #[test]
    fn periods_are_dots_against_a_dashed_bound() {
        let periods = vec![
            ("2026-Q1".to_string(), 96.5, Verdict::Satisfied),
            ("2026-Q2".to_string(), 90.0, Verdict::Violated),
            ("2026-Q3".to_string(), 99.0, Verdict::Pending),
        ];
        let svg = measured_per_period(&periods, 95.0, "%").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(count(&svg, "circle"), 3);
        assert!(svg.contains("2026-Q2"), "{svg}");
        let flat = measured_per_period(&[("2026".into(), 0.0, Verdict::Satisfied)], 0.0, "events");
        assert!(flat.is_ok());
        assert!(measured_per_period(&[("x".into(), f64::NAN, Verdict::Satisfied)], f64::NAN, "").is_err());
    }

    /// The largest values an instance count or a decimal can hold are
    /// drawn, not a panic.
    #[test]
    fn extreme_values_are_drawn() {
        assert!(verdicts_per_month(&[("m".into(), [u64::MAX / 4, u64::MAX / 4, 0])]).is_ok());
        let huge = 7.9e28;
        let periods = vec![("a".to_string(), huge, Verdict::Violated), ("b".to_string(), -huge, Verdict::Pending)];
        assert!(measured_per_period(&periods, 0.0, "value").is_ok());
        assert!(measured_per_period(&periods, f64::INFINITY, "value").is_ok());
    }
}

//! Charts of a run (or of two, overlaid), drawn with plotters into SVG strings.
//!
//! A chart's SVG is drawn once per run (memoized); the playback cursor is a thin line laid over it by position, so
//! playing never redraws a chart. Faults are drawn into the chart as dashed red verticals. Clicking a chart seeks
//! the player to that time.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use protosim::i18n::Language;
use protosim::stats::Series;
use std::rc::Rc;
use yew::prelude::*;

pub const CHART_W: u32 = 600;
pub const CHART_H: u32 = 250;

/// Colours of the lines: run A solid in the first three, run B dashed in the other three.
const COLOURS: [RGBColor; 6] = [
    RGBColor(37, 99, 235),
    RGBColor(217, 119, 6),
    RGBColor(124, 58, 237),
    RGBColor(13, 148, 136),
    RGBColor(190, 24, 93),
    RGBColor(101, 163, 13),
];
const FAULT: RGBColor = RGBColor(220, 38, 38);
const TEXT: RGBColor = RGBColor(31, 41, 55);

/// One line of a chart: its legend text, colour index, whether dashed (run B) and its points per bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: String,
    pub colour: usize,
    pub dashed: bool,
    pub values: Vec<Option<f64>>,
    pub bucket_us: u64,
}

/// A chart to draw: an id (for tests and links), a title, the y axis unit, the time axis' name and its lines (the
/// words in the reader's language).
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub unit: String,
    pub time_axis: String,
    pub lines: Vec<Line>,
}

impl Chart {
    /// Whether any line has a point.
    pub fn has_data(&self) -> bool {
        self.lines.iter().any(|l| l.values.iter().any(|v| v.is_some()))
    }
}

fn some(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|&x| Some(x)).collect()
}

/// A protocol metric's chart label (as the series carries it, in English) in `lang`.
fn metric_label(lang: &Language, label: &str) -> String {
    protosim::protocols::REGISTRY
        .iter()
        .find_map(|i| i.metrics.iter().find(|m| m.label == label).map(|m| i.metric_label_in(m, lang)))
        .unwrap_or_else(|| label.to_string())
}

/// The named lines a chart takes from one run's series.
type LinesOf<'a> = dyn Fn(&Series) -> Vec<(String, Vec<Option<f64>>)> + 'a;

/// The charts for run `a` (and `b` when comparing), each line labelled with its run's name when there are two, in
/// the reader's language `lang`.
pub fn charts(lang: &Language, a: &Series, b: Option<(&Series, &str)>, a_name: &str) -> Vec<Chart> {
    let runs: Vec<(&Series, String, bool)> =
        std::iter::once((a, a_name.to_string(), false)).chain(b.map(|(s, name)| (s, name.to_string(), true))).collect();
    let two = runs.len() == 2;
    let name = |what: &str, run: &str| if two { format!("{what} · {run}") } else { what.to_string() };
    let mut out = Vec::new();
    let time_axis = lang.text("ui.chart.time-axis");
    let mut chart = |id, title: String, unit: String, f: &LinesOf| {
        let mut lines = Vec::new();
        for (s, run, dashed) in &runs {
            for (k, (what, values)) in f(s).into_iter().enumerate() {
                let colour = k + if *dashed { 3 } else { 0 };
                lines.push(Line { label: name(&what, run), colour, dashed: *dashed, values, bucket_us: s.bucket_us });
            }
        }
        out.push(Chart { id, title, unit, time_axis: time_axis.clone(), lines });
    };
    let (confirmed, per_second) = (lang.text("ui.chart.confirmed.line"), lang.text("ui.chart.per-second"));
    chart("confirmed", lang.text("ui.chart.confirmed"), lang.text("ui.chart.confirmed.unit"), &|s| {
        vec![(confirmed.clone(), s.confirmed.iter().map(|&c| Some(c as f64)).collect())]
    });
    chart("latency", lang.text("ui.chart.latency"), lang.text("ui.chart.ms"), &|s| {
        vec![("p50".into(), s.p50_ms.clone()), ("p95".into(), s.p95_ms.clone()), ("p99".into(), s.p99_ms.clone())]
    });
    let (msgs, aborts, retries) =
        (lang.text("ui.chart.messages.line"), lang.text("ui.chart.aborts.line"), lang.text("ui.chart.retries.line"));
    chart("messages", lang.text("ui.chart.messages"), per_second.clone(), &|s| {
        vec![(msgs.clone(), some(&s.msgs_per_s))]
    });
    chart("aborts", lang.text("ui.chart.aborts"), per_second, &|s| {
        vec![(aborts.clone(), some(&s.aborts_per_s)), (retries.clone(), some(&s.retries_per_s))]
    });
    if runs.iter().any(|(s, ..)| !s.waits_ms.is_empty()) {
        chart("waiting", lang.text("ui.chart.waiting"), lang.text("ui.chart.waiting.unit"), &|s| {
            s.waits_ms.iter().map(|(label, v)| (metric_label(lang, label), v.clone())).collect()
        });
    }
    out
}

/// The plot area inside the chart's SVG, in pixels: left, right, top, bottom. Room is left above for the title,
/// at the left for the y labels and the unit, below for the x labels and the time axis' name.
const PLOT: [i32; 4] = [74, CHART_W as i32 - 10, 40, CHART_H as i32 - 50];

/// Ticks for an axis from 0 to `max`: a step of 1, 2 or 5 times a power of ten giving about `n` intervals, and the
/// decimals its labels need.
fn ticks(max: f64, n: u32) -> (Vec<f64>, usize) {
    let raw = (max / f64::from(n)).max(1e-9);
    let mut mag = 1.0;
    while mag * 10.0 <= raw {
        mag *= 10.0;
    }
    while mag > raw {
        mag /= 10.0;
    }
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let mut decimals = 0;
    let mut s = step;
    while s < 0.999 && decimals < 3 {
        s *= 10.0;
        decimals += 1;
    }
    let count = (max / step + 1e-9).floor() as usize;
    ((0..=count).map(|k| k as f64 * step).collect(), decimals)
}

/// Draws a chart as an SVG string with plotters' drawing area, shapes and SVG backend; axes and ticks are laid out
/// here rather than by plotters' chart builder, whose mesh, label and coordinate machinery weighed about 45 KB of
/// the wasm bundle. Returns the SVG and the plot area's left and right edges and top and bottom in pixels (to place
/// the cursor over it).
pub fn render(chart: &Chart, end_us: u64, faults: &[u64]) -> (String, [f64; 4]) {
    let mut svg = String::new();
    let [x0, x1, y0, y1] = PLOT;
    let end_s = end_us.max(1) as f64 / 1e6;
    let y_max =
        chart.lines.iter().flat_map(|l| l.values.iter().flatten().copied()).fold(0.0f64, f64::max).max(1.0) * 1.1;
    let px = |x: f64| x0 + ((x / end_s).clamp(0.0, 1.0) * f64::from(x1 - x0)).round() as i32;
    let py = |y: f64| y1 - ((y / y_max).clamp(0.0, 1.0) * f64::from(y1 - y0)).round() as i32;
    {
        let root = SVGBackend::with_string(&mut svg, (CHART_W, CHART_H)).into_drawing_area();
        let font = |size: f64| TextStyle::from((FontFamily::SansSerif, size)).color(&TEXT);
        let drawn = (|| -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
            root.fill(&WHITE)?;
            let grid = RGBColor(238, 238, 238).stroke_width(1);
            let axis = TEXT.stroke_width(1);
            let (xs, xd) = ticks(end_s, 7);
            for &x in &xs {
                let p = px(x);
                root.draw(&PathElement::new(vec![(p, y0), (p, y1)], grid))?;
                root.draw(&PathElement::new(vec![(p, y1), (p, y1 + 5)], axis))?;
                let label = format!("{x:.xd$}");
                root.draw(&Text::new(label, (p, y1 + 8), font(14.0).pos(Pos::new(HPos::Center, VPos::Top))))?;
            }
            let (ys, _) = ticks(y_max, 5);
            for &y in &ys {
                let p = py(y);
                root.draw(&PathElement::new(vec![(x0, p), (x1, p)], grid))?;
                root.draw(&PathElement::new(vec![(x0 - 5, p), (x0, p)], axis))?;
                let label = if y >= 10.0 || y == 0.0 { format!("{y:.0}") } else { format!("{y:.1}") };
                root.draw(&Text::new(label, (x0 - 8, p), font(14.0).pos(Pos::new(HPos::Right, VPos::Center))))?;
            }
            root.draw(&PathElement::new(vec![(x0, y0), (x0, y1), (x1, y1)], axis))?;
            let mid_x = (x0 + x1) / 2;
            let below = font(14.0).pos(Pos::new(HPos::Center, VPos::Bottom));
            root.draw(&Text::new(chart.time_axis.as_str(), (mid_x, CHART_H as i32 - 6), below))?;
            let side = font(14.0).transform(FontTransform::Rotate270).pos(Pos::new(HPos::Center, VPos::Top));
            root.draw(&Text::new(chart.unit.as_str(), (8, (y0 + y1) / 2), side))?;
            let title = font(20.0).pos(Pos::new(HPos::Center, VPos::Top));
            root.draw(&Text::new(chart.title.as_str(), (CHART_W as i32 / 2, 10), title))?;
            for &t in faults {
                let x = px(t as f64 / 1e6);
                root.draw(&DashedPathElement::new(vec![(x, y0), (x, y1)], 3, 3, FAULT.mix(0.5).stroke_width(1)))?;
            }
            for l in &chart.lines {
                let colour = COLOURS[l.colour % COLOURS.len()];
                let style = colour.stroke_width(2);
                // A line breaks where a bucket has no value.
                let mut segments: Vec<Vec<(i32, i32)>> = vec![Vec::new()];
                for (k, v) in l.values.iter().enumerate() {
                    match v {
                        Some(y) => segments
                            .last_mut()
                            .expect("one")
                            .push((px((k as f64 + 0.5) * l.bucket_us as f64 / 1e6), py(*y))),
                        None if !segments.last().expect("one").is_empty() => segments.push(Vec::new()),
                        None => {}
                    }
                }
                for seg in segments.into_iter().filter(|s| !s.is_empty()) {
                    if seg.len() == 1 {
                        // An isolated point (a bucket with answers between empty ones) stands out as a dot.
                        root.draw(&Circle::new(seg[0], 3, colour.filled()))?;
                    } else if l.dashed {
                        root.draw(&DashedPathElement::new(seg, 6, 4, style))?;
                    } else {
                        root.draw(&PathElement::new(seg, style))?;
                    }
                }
            }
            root.present()
        })();
        if drawn.is_err() {
            web_log(&format!("chart {} could not be drawn", chart.id));
        }
    }
    (svg, [f64::from(x0), f64::from(x1), f64::from(y0), f64::from(y1)])
}

/// The legend of chart `id`: each line's label, CSS colour and whether it is dashed (run B).
fn lines_of(charts: &[Chart], id: &str) -> Vec<(String, String, bool)> {
    charts
        .iter()
        .find(|c| c.id == id)
        .map(|c| {
            c.lines
                .iter()
                .map(|l| {
                    let RGBColor(r, g, b) = COLOURS[l.colour % COLOURS.len()];
                    (l.label.clone(), format!("rgb({r}, {g}, {b})"), l.dashed)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn web_log(msg: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&msg.into());
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{msg}");
}

#[derive(Properties)]
pub struct ChartsProps {
    pub charts: Rc<Vec<Chart>>,
    pub end_us: u64,
    /// Times of faults and interventions, drawn as dashed verticals.
    pub faults: Rc<Vec<u64>>,
    pub cursor_us: u64,
    pub on_seek: Callback<u64>,
}

/// The charts compare by identity (they are built once per run and shared): by value, every frame would compare
/// every point of every line.
impl PartialEq for ChartsProps {
    fn eq(&self, o: &ChartsProps) -> bool {
        Rc::ptr_eq(&self.charts, &o.charts)
            && self.end_us == o.end_us
            && self.faults == o.faults
            && self.cursor_us == o.cursor_us
            && self.on_seek == o.on_seek
    }
}

/// The chart panel: every chart with the playback cursor over it.
#[component]
pub fn Charts(props: &ChartsProps) -> Html {
    let lang = crate::lang::use_lang();
    let drawn = use_memo((props.charts.clone(), props.end_us, props.faults.clone()), |(charts, end_us, faults)| {
        charts.iter().map(|c| (c.id, c.has_data(), render(c, *end_us, faults))).collect::<Vec<_>>()
    });
    let frac = props.cursor_us as f64 / props.end_us.max(1) as f64;
    html! {
        <section class="charts" aria-label={lang.text("ui.charts")} data-testid="charts">
            { for drawn.iter().map(|(id, has_data, (svg, [x0, x1, y0, y1]))| {
                let (x0, x1, y0, y1) = (*x0, *x1, *y0, *y1);
                let on_click = {
                    let on_seek = props.on_seek.clone();
                    let end_us = props.end_us;
                    Callback::from(move |e: MouseEvent| {
                        let Some(el) = e.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) else { return };
                        let rect = el.get_bounding_client_rect();
                        if rect.width() <= 0.0 {
                            return;
                        }
                        let px = (f64::from(e.client_x()) - rect.left()) / rect.width() * f64::from(CHART_W);
                        let f = ((px - x0) / (x1 - x0)).clamp(0.0, 1.0);
                        on_seek.emit((f * end_us as f64) as u64);
                    })
                };
                let left = (x0 + frac * (x1 - x0)) / f64::from(CHART_W) * 100.0;
                let top = y0 / f64::from(CHART_H) * 100.0;
                let height = (y1 - y0) / f64::from(CHART_H) * 100.0;
                html! {
                    <figure class="chart" data-chart={*id} data-has-data={has_data.to_string()} onclick={on_click}
                            title={lang.text("ui.seek-here")}>
                        { Html::from_html_unchecked(AttrValue::from(svg.clone())) }
                        <figcaption class="legend">
                            { for lines_of(&props.charts, id).into_iter().map(|(label, colour, dashed)| html! {
                                <span class={classes!("key", dashed.then_some("dashed"))}>
                                    <i style={format!("border-color: {colour}")} />{ label }
                                </span>
                            }) }
                        </figcaption>
                        <div class="chart-cursor" aria-hidden="true"
                             style={format!("left: {left:.3}%; top: {top:.3}%; height: {height:.3}%")} />
                    </figure>
                }
            }) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_step_by_one_two_or_five_and_label_with_the_decimals_they_need() {
        assert_eq!(ticks(30.0, 7), (vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0], 0));
        let (t, d) = ticks(0.8, 7);
        assert_eq!((t.len(), d), (5, 1), "{t:?}");
        assert!((t[4] - 0.8).abs() < 1e-9, "{t:?}");
        assert_eq!(ticks(1.1, 5).0, vec![0.0, 0.5, 1.0]);
        let (t, _) = ticks(660.0, 5);
        assert_eq!(t.last(), Some(&600.0), "{t:?}");
    }

    #[test]
    fn a_chart_draws_lines_dots_dashes_and_labels_inside_its_plot_area() {
        let line = |dashed, values: Vec<Option<f64>>| Line {
            label: "x".into(),
            colour: if dashed { 3 } else { 0 },
            dashed,
            values,
            bucket_us: 1_000_000,
        };
        let chart = Chart {
            id: "t",
            title: "A title".into(),
            unit: "things".into(),
            time_axis: "simulated time (s)".into(),
            lines: vec![
                line(false, vec![Some(1.0), Some(2.0), None, Some(3.0), None]),
                line(true, vec![Some(2.0), Some(1.0), Some(0.0), None, None]),
            ],
        };
        let (svg, area) = render(&chart, 5_000_000, &[2_500_000]);
        assert_eq!(area, [74.0, 590.0, 40.0, 200.0]);
        // Title, unit, time axis, the last time tick (5 s) and a y tick with a decimal (y goes to 3.3).
        for text in ["A title", "things", "simulated time (s)", "\n5\n", "\n3.0\n"] {
            assert!(svg.contains(text), "{text:?} missing: {svg}");
        }
        // The solid line's first two buckets make one polyline (in its colour, 2 px); its lone third value is a dot.
        let solid = svg.split("<polyline").filter(|p| p.contains("stroke=\"#2563EB\" stroke-width=\"2\"")).count();
        assert_eq!(solid, 1, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 1, "{svg}");
        let drawn = svg.split("stroke=\"#2563EB\" stroke-width=\"2\"").nth(1).unwrap();
        let points = drawn.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
        for p in points.split_whitespace() {
            let (x, y) = p.split_once(',').unwrap();
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            assert!((area[0]..=area[1]).contains(&x) && (area[2]..=area[3]).contains(&y), "{p} outside the plot");
        }
        // The dashed run-B line and the fault mark are drawn as dashes, short pieces in their colours.
        assert!(svg.matches("stroke=\"#0D9488\" stroke-width=\"2\"").count() >= 10, "{svg}");
        assert!(svg.matches("stroke=\"#DC2626\"").count() >= 10, "the fault mark is drawn: {svg}");
    }
}

//! Charts of a run (or of two, overlaid), drawn with plotters into SVG strings.
//!
//! A chart's SVG is drawn once per run (memoized); the playback cursor is a thin line laid over it by position, so
//! playing never redraws a chart. Faults are drawn into the chart as dashed red verticals. Clicking a chart seeks
//! the player to that time.

use plotters::prelude::*;
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

/// One line of a chart: its legend text, colour index, whether dashed (run B) and its points per bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: String,
    pub colour: usize,
    pub dashed: bool,
    pub values: Vec<Option<f64>>,
    pub bucket_us: u64,
}

/// A chart to draw: an id (for tests and links), a title, the y axis unit and its lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    pub unit: &'static str,
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

/// The named lines a chart takes from one run's series.
type LinesOf = dyn Fn(&Series) -> Vec<(&'static str, Vec<Option<f64>>)>;

/// The charts for run `a` (and `b` when comparing), each line labelled with its run's name when there are two.
pub fn charts(a: &Series, b: Option<(&Series, &str)>, a_name: &str) -> Vec<Chart> {
    let runs: Vec<(&Series, String, bool)> =
        std::iter::once((a, a_name.to_string(), false)).chain(b.map(|(s, name)| (s, name.to_string(), true))).collect();
    let two = runs.len() == 2;
    let name = |what: &str, run: &str| if two { format!("{what} · {run}") } else { what.to_string() };
    let mut out = Vec::new();
    let mut chart = |id, title, unit, f: &LinesOf| {
        let mut lines = Vec::new();
        for (s, run, dashed) in &runs {
            for (k, (what, values)) in f(s).into_iter().enumerate() {
                let colour = k + if *dashed { 3 } else { 0 };
                lines.push(Line { label: name(what, run), colour, dashed: *dashed, values, bucket_us: s.bucket_us });
            }
        }
        out.push(Chart { id, title, unit, lines });
    };
    chart("confirmed", "Checkouts confirmed", "checkouts", &|s| {
        vec![("confirmed", s.confirmed.iter().map(|&c| Some(c as f64)).collect())]
    });
    chart("latency", "Checkout latency (answers over the last few seconds)", "ms", &|s| {
        vec![("p50", s.p50_ms.clone()), ("p95", s.p95_ms.clone()), ("p99", s.p99_ms.clone())]
    });
    chart("messages", "Messages sent", "per second", &|s| vec![("messages/s", some(&s.msgs_per_s))]);
    chart("aborts", "Aborts and retries", "per second", &|s| {
        vec![("aborts/s", some(&s.aborts_per_s)), ("retries/s", some(&s.retries_per_s))]
    });
    if runs.iter().any(|(s, ..)| s.blocked_ms.is_some() || s.lock_wait_ms.is_some()) {
        chart("waiting", "Time blocked (2PC) and waiting for locks", "ms, mean", &|s| {
            let mut v = Vec::new();
            if let Some(b) = &s.blocked_ms {
                v.push(("blocked", b.clone()));
            }
            if let Some(w) = &s.lock_wait_ms {
                v.push(("lock wait", w.clone()));
            }
            v
        });
    }
    out
}

/// Draws a chart as an SVG string. Returns the SVG and the plot area's left and right edges and top and bottom in
/// pixels (to place the cursor over it).
pub fn render(chart: &Chart, end_us: u64, faults: &[u64]) -> (String, [f64; 4]) {
    let mut svg = String::new();
    let mut area_px = [0.0; 4];
    let end_s = end_us.max(1) as f64 / 1e6;
    let y_max =
        chart.lines.iter().flat_map(|l| l.values.iter().flatten().copied()).fold(0.0f64, f64::max).max(1.0) * 1.1;
    {
        let root = SVGBackend::with_string(&mut svg, (CHART_W, CHART_H)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
            root.fill(&WHITE)?;
            let mut c = ChartBuilder::on(&root)
                .margin(10)
                .x_label_area_size(40)
                .y_label_area_size(64)
                .caption(chart.title, ("sans-serif", 20))
                .build_cartesian_2d(0.0..end_s, 0.0..y_max)?;
            c.configure_mesh()
                .x_desc("simulated time (s)")
                .y_desc(chart.unit)
                .label_style(("sans-serif", 14))
                .axis_desc_style(("sans-serif", 14))
                .light_line_style(RGBColor(238, 238, 238))
                .x_labels(7)
                .y_labels(5)
                .y_label_formatter(&|v| if *v >= 10.0 || *v == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") })
                .draw()?;
            for &t in faults {
                let x = t as f64 / 1e6;
                c.draw_series(DashedLineSeries::new(vec![(x, 0.0), (x, y_max)], 3, 3, FAULT.mix(0.5).stroke_width(1)))?;
            }
            for l in &chart.lines {
                let colour = COLOURS[l.colour % COLOURS.len()];
                let style = colour.stroke_width(2);
                // A line breaks where a bucket has no value.
                let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
                for (k, v) in l.values.iter().enumerate() {
                    match v {
                        Some(y) => {
                            segments.last_mut().expect("one").push(((k as f64 + 0.5) * l.bucket_us as f64 / 1e6, *y))
                        }
                        None if !segments.last().expect("one").is_empty() => segments.push(Vec::new()),
                        None => {}
                    }
                }
                // Points stand out as dots where they are isolated (a bucket with answers between empty ones).
                let dots: Vec<(f64, f64)> = segments.iter().filter(|s| s.len() == 1).map(|s| s[0]).collect();
                c.draw_series(dots.into_iter().map(|p| Circle::new(p, 3, colour.filled())))?;
                for seg in segments.into_iter().filter(|s| !s.is_empty()) {
                    if l.dashed {
                        c.draw_series(DashedLineSeries::new(seg, 6, 4, style))?;
                    } else {
                        c.draw_series(LineSeries::new(seg, style))?;
                    }
                }
            }
            let (xr, yr) = c.plotting_area().get_pixel_range();
            area_px = [xr.start as f64, xr.end as f64, yr.start as f64, yr.end as f64];
            root.present()?;
            Ok(())
        })();
        if let Err(e) = drawn {
            web_log(&format!("chart {}: {e}", chart.id));
        }
    }
    (svg, area_px)
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

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub charts: Rc<Vec<Chart>>,
    pub end_us: u64,
    /// Times of faults and interventions, drawn as dashed verticals.
    pub faults: Rc<Vec<u64>>,
    pub cursor_us: u64,
    pub on_seek: Callback<u64>,
}

/// The chart panel: every chart with the playback cursor over it.
#[component]
pub fn Charts(props: &ChartsProps) -> Html {
    let drawn = use_memo((props.charts.clone(), props.end_us, props.faults.clone()), |(charts, end_us, faults)| {
        charts.iter().map(|c| (c.id, c.has_data(), render(c, *end_us, faults))).collect::<Vec<_>>()
    });
    let frac = props.cursor_us as f64 / props.end_us.max(1) as f64;
    html! {
        <section class="charts" aria-label="Charts" data-testid="charts">
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
                            title="click to go to this moment">
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

//! The cluster picture: node boxes, the edges between them, cut links, and message dots in flight.

use crate::model::{Model, FALL_US};
use protosim::engine::Role;
use protosim::i18n::Language;
use protosim::note;
use protosim::trace::MsgKind;
use yew::prelude::*;

pub const VIEW_W: f64 = 1100.0;
pub const VIEW_H: f64 = 760.0;
/// Box sizes: servers with a log to draw get a taller box.
const BOX_W: f64 = 236.0;
/// Above this many messages in the air, dots are drawn without labels or tooltips.
pub const BUSY_MESSAGES: usize = 60;
/// Boxes with a table (lock table, rows) are wider.
const BOX_W_TABLE: f64 = 272.0;
const BOX_H: f64 = 92.0;
const BOX_H_DETAIL: f64 = 116.0;
/// Table lines a box shows (a lock table, a store's rows); more are summed up in one last line.
const TABLE_MAX: usize = 8;
/// Characters of a table line that fit the box.
const TABLE_CHARS: usize = 34;

/// The picture drawn for a room (projector text) or a phone: node boxes show less (name, role, one fact) in
/// larger type, so that every text in the picture reads at 18 px or more on a 1280×800 projector. A Yew context
/// the app provides.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Compact(pub bool);

/// Above this many messages in the air, a compact picture draws the dots without labels (the tooltip and the
/// message's panel still name them).
const COMPACT_LABELS: usize = 4;

/// A compact box's type sizes (viewBox units; the CSS says the same).
const COMPACT_NAME_PX: f64 = 30.0;
const COMPACT_FACT_PX: f64 = 26.0;

/// A compact box's size.
const COMPACT_W: f64 = 250.0;
const COMPACT_H: f64 = 96.0;

/// Whether the screen is a phone's: its boxes are drawn compact too.
fn phone_screen() -> bool {
    web_sys::window().and_then(|w| w.match_media("(max-width: 640px)").ok().flatten()).is_some_and(|m| m.matches())
}

/// [`phone_screen`], kept up to date as the window is resized or turned (the picture may be paused, so nothing
/// else would draw it again).
#[hook]
fn use_phone_screen() -> bool {
    let phone = use_state_eq(phone_screen);
    {
        let phone = phone.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .map(|w| gloo::events::EventListener::new(&w, "resize", move |_| phone.set(phone_screen())));
            move || drop(listener)
        });
    }
    *phone
}

/// Height of a node box for what it shows.
fn box_height(d: &protosim::engine::NodeDetail) -> f64 {
    if !d.table.is_empty() {
        let lines = d.table.len().min(TABLE_MAX) + usize::from(d.table.len() > TABLE_MAX);
        let legend = if d.legend.is_none() { 0.0 } else { 15.0 };
        56.0 + 15.0 * lines as f64 + legend
    } else if d.facts.is_empty() {
        BOX_H
    } else {
        BOX_H_DETAIL
    }
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let keep: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{keep}…")
    }
}

/// Where each node sits: servers in the middle (one in the centre, several on an inner ring sized to their number),
/// shoppers on an outer ring, set between the servers.
pub fn layout(model: &Model) -> Vec<(f64, f64)> {
    let (cx, cy) = (VIEW_W / 2.0, VIEW_H / 2.0);
    let servers: Vec<usize> = model.nodes.iter().filter(|n| n.role == Role::Server).map(|n| n.id as usize).collect();
    let shoppers: Vec<usize> = model.nodes.iter().filter(|n| n.role == Role::Shopper).map(|n| n.id as usize).collect();
    let mut pos = vec![(cx, cy); model.nodes.len()];
    let ring = |k: usize, n: usize, rx: f64, ry: f64, phase: f64| {
        let a = phase + std::f64::consts::TAU * k as f64 / n.max(1) as f64;
        (cx + rx * crate::math::cos(a), cy + ry * crate::math::sin(a))
    };
    if servers.len() == 2 {
        pos[servers[0]] = (cx - 260.0, 250.0);
        pos[servers[1]] = (cx + 260.0, 250.0);
    }
    if servers.len() > 2 {
        // A ring of servers in the upper part.
        let rx = 150.0 + 30.0 * servers.len() as f64;
        let ry = rx * 0.5 + 40.0;
        for (k, &i) in servers.iter().enumerate() {
            let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / servers.len() as f64;
            pos[i] = (cx + rx * crate::math::cos(a), 300.0 + ry * crate::math::sin(a));
        }
    }
    if servers.len() > 1 {
        // The shoppers beneath the servers: one row, or two staggered rows when more than four would overlap.
        let n = shoppers.len().max(1) as f64;
        let two_rows = shoppers.len() > 4;
        let (left, right) = (BOX_W / 2.0 + 10.0, VIEW_W - BOX_W / 2.0 - 10.0);
        for (k, &i) in shoppers.iter().enumerate() {
            let x = if n > 1.0 { left + (right - left) * k as f64 / (n - 1.0) } else { cx };
            let y = if two_rows && k % 2 == 0 { VIEW_H - 150.0 } else { VIEW_H - 55.0 };
            pos[i] = (x, y);
        }
    } else {
        for (k, &i) in shoppers.iter().enumerate() {
            pos[i] = ring(k, shoppers.len(), 420.0, 300.0, -std::f64::consts::FRAC_PI_2 + 0.5);
        }
    }
    pos
}

/// Fill colour of a term (or ballot) number: a small palette, with the number always written on top.
fn term_class(term: u64) -> String {
    format!("cell term{}", term % 6)
}

fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    if out.len() > lines {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            let keep: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{keep}…");
        }
    }
    out
}

/// Where a message dot is drawn and how it looks.
struct Dot {
    x: f64,
    y: f64,
    opacity: f64,
    dropped: bool,
    reply: bool,
    refusal: bool,
}

fn dot(f: &crate::model::Flight, frac: f64, t: u64, pos: &[(f64, f64)]) -> Dot {
    let (x1, y1) = pos[f.from as usize];
    let (x2, y2) = pos[f.to as usize];
    let mut x = x1 + (x2 - x1) * frac;
    let mut y = y1 + (y2 - y1) * frac;
    let mut opacity = 1.0;
    let dropped = f.dropped.is_some() && t >= f.end_us;
    if dropped {
        let fall = (t - f.end_us) as f64 / FALL_US as f64;
        y += 60.0 * fall;
        x += 10.0 * fall;
        opacity = 1.0 - fall;
    }
    // Requests and replies differ in shape as well as colour; the protocol says which is which.
    let reply = f.kind != MsgKind::Request;
    let refusal = f.kind == MsgKind::Refusal;
    Dot { x, y, opacity, dropped, reply, refusal }
}

#[derive(Properties, PartialEq)]
struct NodeBodyProps {
    summary: protosim::narration::Note,
    detail: protosim::engine::NodeDetail,
}

/// The inside of a node box: facts, log cells or table. A component of its own so that it is rebuilt only when the
/// node's state changes, not at every animation frame.
#[component]
fn NodeBody(props: &NodeBodyProps) -> Html {
    let lang = crate::lang::use_lang();
    let d = &props.detail;
    let h = box_height(d);
    let st = props;
    // The first three facts besides the role, in the reader's language.
    let facts: Vec<String> = d
        .facts
        .iter()
        .filter(|(k, _)| k.key != "fact.role")
        .take(3)
        .map(|(k, v)| format!("{} {}", lang.render(k), lang.render_arg(v)))
        .collect();
    if !d.table.is_empty() {
        let rows = d.table.iter().take(TABLE_MAX).enumerate().map(|(k, line)| {
            html! {
                <text class={classes!("node-row", line.hot.then_some("hot"))} x="12"
                      y={(64.0 + 15.0 * k as f64).to_string()}>
                    <tspan class="k">{ clip(&line.key, 8) }</tspan>
                    { " " }{ clip(&lang.render(&line.text), TABLE_CHARS - line.key.chars().count().min(8)) }
                </text>
            }
        });
        let more = d.table.len().saturating_sub(TABLE_MAX);
        html! {
            <>
                <text class="node-facts small" x="12" y="44">{ facts.join(" · ") }</text>
                { for rows }
                if more > 0 {
                    <text class="node-idx" x="12" y={(64.0 + 15.0 * TABLE_MAX as f64).to_string()}>
                        { lang.render(&note!("ui.node.more-rows", more)) }
                    </text>
                }
                if d.legend.is_some() {
                    <text class="node-idx" x="12" y={(h - 8.0).to_string()}>{ d.legend_in(lang) }</text>
                }
            </>
        }
    } else if d.facts.is_empty() {
        let lines = wrap(&lang.render(&st.summary), 25, 3);
        html! { <>{ for lines.iter().enumerate().map(|(k, l)| html! {
            <text class="node-state" x="12" y={(46.0 + 17.0 * k as f64).to_string()}>{ l }</text>
        }) }</> }
    } else {
        // The box shows the first three facts besides the role; the full list is in the tooltip.
        let cells = d.log.iter().enumerate().map(|(k, c)| {
            let cx = 12.0 + 21.0 * k as f64;
            html! {
                <g class={classes!(term_class(c.term), c.committed.then_some("committed"))}>
                    <title>{ if c.committed {
                        lang.render(&note!("ui.node.cell.committed", index = c.index, term = c.term, text = lang.render_arg(&c.text)))
                    } else {
                        lang.render(&note!("ui.node.cell.uncommitted", index = c.index, term = c.term, text = lang.render_arg(&c.text)))
                    } }</title>
                    <rect x={cx.to_string()} y="62" width="19" height="24" rx="3" />
                    <text x={(cx + 9.5).to_string()} y="79" text-anchor="middle">{ c.term }</text>
                </g>
            }
        });
        let first = d.log.first().map(|c| c.index).unwrap_or(0);
        html! {
            <>
                <text class="node-facts" x="12" y="48">{ facts.join(" · ") }</text>
                { for cells }
                if first > 0 {
                    <text class="node-idx" x="12" y="104">{ format!("#{first}… · {}", d.legend_in(lang)) }</text>
                } else {
                    <text class="node-idx" x="12" y="80">{
                        d.empty.as_ref().map_or_else(|| lang.text("ui.node.empty-log"), |n| lang.render(n))
                    }</text>
                }
            </>
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    pub model: std::rc::Rc<Model>,
    pub cursor_us: u64,
    /// A node box was clicked (or tapped).
    #[prop_or_default]
    pub on_node: Callback<protosim::scenario::NodeId>,
    /// A message in flight was clicked (or tapped): its id.
    #[prop_or_default]
    pub on_msg: Callback<u64>,
    /// The node shown in the inspector.
    #[prop_or_default]
    pub selected: Option<protosim::scenario::NodeId>,
    /// Nodes where an invariant broke.
    #[prop_or_default]
    pub highlight: Vec<protosim::scenario::NodeId>,
}

#[component]
pub fn Cluster(props: &ClusterProps) -> Html {
    let lang = crate::lang::use_lang();
    let phone = use_phone_screen();
    let compact = use_context::<Compact>().unwrap_or_default().0 || phone;
    let m = &props.model;
    let t = props.cursor_us;
    let pos = layout(m);
    let edges = edge_views(lang, m, &pos, &m.blocked_at(t));
    let nodes = m.nodes.iter().map(|node| node_view(lang, props, node, &pos, compact));
    // With many messages in the air, labels and tooltips would only cover each other (and cost frames): draw
    // the shapes alone, and keep the labels for when the picture can be read.
    let in_air: Vec<(&crate::model::Flight, f64)> = m.flights_at(t).collect();
    let busy = in_air.len() > BUSY_MESSAGES;
    // Compact boxes have room for a few labels in large type only.
    let labels = !busy && (!compact || in_air.len() <= COMPACT_LABELS);
    let dots = in_air.iter().filter(|_| !busy).map(|&(f, frac)| dot_view(lang, f, frac, t, &pos, busy, labels));
    let on_msgs_click = msgs_click(props.on_msg.clone());
    let on_msgs_key = msgs_key(props.on_msg.clone());
    // Busy: the dots go on a canvas over the picture, drawn after the DOM update (hundreds of SVG elements moving
    // at every frame would not fit in one).
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let dots: Vec<(Dot, &'static str)> =
            if busy { in_air.iter().map(|&(f, frac)| (dot(f, frac, t, &pos), f.label)).collect() } else { Vec::new() };
        use_effect(move || draw_dots(&canvas, &dots));
    }
    html! {
        <div class={classes!("cluster-wrap", compact.then_some("compact"))}>
        if busy {
            <canvas class="msg-canvas" ref={canvas} aria-hidden="true" data-testid="msg-canvas"
                    data-count={in_air.len().to_string()} />
        }
        <svg class="cluster" viewBox={format!("0 0 {VIEW_W} {VIEW_H}")} role="group"
             aria-label={lang.text("ui.cluster")}>
            <g class="edges">{ for edges }</g>
            // Messages under the nodes: a box wins the click over a dot passing behind it, and a label never covers
            // a box's text.
            <g class={if busy { "msgs busy" } else { "msgs" }} onclick={on_msgs_click} onkeydown={on_msgs_key}>{ for dots }</g>
            <g class="nodes">{ for nodes }</g>
        </svg>
        </div>
    }
}

/// The links: every server to every node (shoppers only talk to servers), cut ones marked and labelled.
fn edge_views(lang: &Language, m: &Model, pos: &[(f64, f64)], blocked: &[bool]) -> Vec<Html> {
    let n = m.nodes.len();
    let is_blocked = |a: usize, b: usize| blocked.get(a * n + b).copied().unwrap_or(false);
    // Edges: every server to every node (shoppers only talk to servers).
    let mut edges = Vec::new();
    for a in 0..n {
        for b in (a + 1)..n {
            if m.nodes[a].role != Role::Server && m.nodes[b].role != Role::Server {
                continue;
            }
            let (x1, y1) = pos[a];
            let (x2, y2) = pos[b];
            let cut_ab = is_blocked(a, b);
            let cut_ba = is_blocked(b, a);
            let client = m.nodes[a].role != m.nodes[b].role;
            let class = classes!("edge", client.then_some("client"), (cut_ab || cut_ba).then_some("cut"));
            edges.push(html! {
                <line class={class} x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
            });
            if cut_ab || cut_ba {
                let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
                let label = match (cut_ab, cut_ba) {
                    (true, true) => lang.text("ui.cluster.cut"),
                    (true, false) => format!("✂ {}→{}", m.nodes[a].name, m.nodes[b].name),
                    _ => format!("✂ {}→{}", m.nodes[b].name, m.nodes[a].name),
                };
                edges.push(html! {
                <text class="cut-label" x={mx.to_string()} y={(my - 6.0).to_string()} text-anchor="middle">{label}</text>
            });
            }
        }
    }

    edges
}

/// What a node box shows under its name: [`NodeBody`], or in a compact box one line (the first fact besides the
/// role — a term, a ballot, a phase — else the summary's start).
fn node_body(lang: &Language, st: &crate::timeline::NodeState, compact: bool, role: Option<&str>) -> Html {
    if !compact {
        return html! { <NodeBody summary={st.summary.clone()} detail={st.detail.clone()} /> };
    }
    let fact = st
        .detail
        .facts
        .iter()
        .find(|(label, _)| label.key != "fact.role")
        .map(|(k, v)| format!("{} {}", lang.render(k), lang.render_arg(v)))
        .unwrap_or_else(|| lang.render(&st.summary));
    // The role leads the line when it did not fit beside a long name.
    let line = match role {
        Some(r) => format!("{r} · {fact}"),
        None => fact,
    };
    html! { <text class="node-facts compact" x="12" y="78">{ clip_to_width(&line, COMPACT_FACT_PX, COMPACT_W - 24.0) }</text> }
}

/// About how wide `text` is drawn at `px`: a CJK character is a square, others a little over half of one.
fn text_width(text: &str, px: f64) -> f64 {
    text.chars().map(|c| if u32::from(c) >= 0x2E80 { px } else { px * 0.6 }).sum()
}

/// `text` cut with "…" to fit `width` at `px`.
fn clip_to_width(text: &str, px: f64, width: f64) -> String {
    if text_width(text, px) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&out, px) + text_width(&c.to_string(), px) + px * 0.6 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A node box's badges at `t`: the timer ring, "blocked for …" under it, "refused" over it (box `bw` × `h`).
fn node_badges(
    lang: &Language,
    d: &protosim::engine::NodeDetail,
    t: u64,
    flash: bool,
    up: bool,
    (bw, h): (f64, f64),
) -> Html {
    let ring = d.timer.filter(|&(_, fires)| up && t < fires).map(|(set, fires)| {
        let left = (fires - t) as f64 / (fires - set).max(1) as f64;
        let circumference = std::f64::consts::TAU * 9.0;
        html! {
            <g class="timer-ring" transform={format!("translate({:.1},19)", bw - 20.0)}>
                <title>{ lang.render(&note!("ui.node.timer", ms = format!("{:.0}", (fires - t) as f64 / 1000.0))) }</title>
                <circle class="track" r="9" />
                <circle class="left" r="9" transform="rotate(-90)"
                    stroke-dasharray={format!("{:.2} {:.2}", circumference * left, circumference)} />
            </g>
        }
    });
    let blocked = d.blocked_since_us.filter(|&since| up && t > since).map(|since| {
        html! {
            <text class="blocked" x={(bw / 2.0).to_string()} y={(h + 18.0).to_string()} text-anchor="middle">
                { lang.render(&note!("ui.node.blocked", s = format!("{:.2}", (t - since) as f64 / 1e6))) }
            </text>
        }
    });
    let flash_badge = flash.then(|| {
        html! {
            <text class="flash-badge" x={(bw / 2.0).to_string()} y="-6" text-anchor="middle">
                { lang.text("ui.node.refused") }
            </text>
        }
    });
    html! { <>{ for ring }{ for blocked }{ for flash_badge }</> }
}

/// One node box: its name, role, state, timer ring, blocked badge and refusal flash, clickable and focusable.
fn node_view(
    lang: &Language,
    props: &ClusterProps,
    node: &crate::model::NodeInfo,
    pos: &[(f64, f64)],
    compact: bool,
) -> Html {
    let (m, t) = (&props.model, props.cursor_us);
    let i = node.id as usize;
    let (x, y) = pos[i];
    let up = m.up_at(i, t);
    let st = m.state_at(i, t);
    let role = match node.role {
        Role::Server => "server",
        Role::Shopper => "shopper",
    };
    let d = &st.detail;
    let role_name = match node.role {
        Role::Server => lang.text("ui.node.server"),
        Role::Shopper => lang.text("ui.node.shopper"),
    };
    let (paused_s, handle_us, role_text) = pace_text(lang, m, (i, t), up, d.fact_in("fact.role", lang), &role_name);
    let (h, bw) = if compact {
        (COMPACT_H, COMPACT_W)
    } else {
        (box_height(d), if d.table.is_empty() || node.role == Role::Shopper { BOX_W } else { BOX_W_TABLE })
    };
    let flash = up && m.flash_at(i, t);
    let class = classes!(
        "node",
        role,
        (!up).then_some("down"),
        paused_s.is_some().then_some("paused"),
        (handle_us > 0).then_some("slow"),
        flash.then_some("flash"),
        (props.selected == Some(node.id)).then_some("selected"),
        props.highlight.contains(&node.id).then_some("violating"),
        d.role().map(|r| format!("is-{r}"))
    );
    // In a compact box a long name and its role may not fit on one line: the role then leads the second.
    let role_right = !compact
        || text_width(&node.name, COMPACT_NAME_PX)
            + text_width(&role_text, COMPACT_FACT_PX)
            + 32.0
            + if d.timer.is_some() { 36.0 } else { 12.0 }
            <= bw;
    let body = node_body(lang, &st, compact, (!role_right).then_some(role_text.as_str()));
    // What the node shows of time (its timer ring, how long it is blocked) is on its own clock.
    let offset_us = m.clock_offset_at(i, t);
    let t_local = (t as i64).saturating_add(offset_us).max(0) as u64;
    let badges = node_badges(lang, d, t_local, up && flash, up, (bw, h));
    let clock = (offset_us != 0).then(|| {
        html! {
            <text class="clock-badge" x={(bw - 4.0).to_string()} y="-6" text-anchor="end">
                { lang.render(&note!("ui.node.clock", s = format!("{:+.2}", offset_us as f64 / 1e6))) }
            </text>
        }
    });
    let table_tip: String = d.table.iter().map(|l| format!("\n{}: {}", l.key, lang.render(&l.text))).collect();
    let onclick = {
        let on_node = props.on_node.clone();
        let id = node.id;
        Callback::from(move |_: MouseEvent| on_node.emit(id))
    };
    // Keyboard: Tab to a node, Enter or Space opens its inspector (Space then does not also play or pause).
    let onkeydown = {
        let on_node = props.on_node.clone();
        let id = node.id;
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                on_node.emit(id);
            }
        })
    };
    html! {
        <g key={node.id} class={class} transform={format!("translate({:.1},{:.1})", x - bw / 2.0, y - h / 2.0)}
           data-node={node.id.to_string()} onclick={onclick} onkeydown={onkeydown} role="button" tabindex="0"
           aria-label={lang.render(&note!("ui.node.inspect", node = node.name.clone()))}>
            <title>{ if let Some(s) = paused_s {
                lang.render(&note!("ui.node.tip.paused", node = node.name.clone(), role = role_name, s, summary = lang.render(&st.summary)))
            } else if up {
                lang.render(&note!("ui.node.tip", node = node.name.clone(), role = role_name, summary = lang.render(&st.summary)))
            } else {
                lang.render(&note!("ui.node.tip.down", node = node.name.clone(), role = role_name, summary = lang.render(&st.summary)))
            } }{ table_tip }</title>
            <rect class="box" width={bw.to_string()} height={h.to_string()} rx="10" />
            <text class="node-name" x="12" y={if compact { "38" } else { "24" }}>{ &node.name }</text>
            if role_right {
                <text class="node-role" x={(bw - if d.timer.is_some() { 36.0 } else { 12.0 }).to_string()}
                      y={if compact { "38" } else { "24" }} text-anchor="end">{ role_text.clone() }</text>
            }
            { body }
            { badges }
            { for clock }
        </g>
    }
}

/// A node's pace at `t` and the words its box shows in the role's place: down; paused, with the pause's length so
/// far (s, one decimal); its role, with what each message costs it when it is slow. Returns (paused for, µs a
/// message costs, the words).
fn pace_text(
    lang: &Language,
    m: &Model,
    (i, t): (usize, u64),
    up: bool,
    role_fact: Option<String>,
    role_name: &str,
) -> (Option<String>, u64, String) {
    let paused_s = m.paused_since(i, t).filter(|_| up).map(|since| format!("{:.1}", (t - since) as f64 / 1e6));
    let handle_us = if up { m.handle_us_at(i, t) } else { 0 };
    let text = if !up {
        lang.text("ui.node.down")
    } else if let Some(s) = &paused_s {
        lang.render(&note!("ui.node.paused", s = s.clone()))
    } else {
        let role = role_fact.unwrap_or_else(|| role_name.to_string());
        let fsync_us = m.fsync_us_at(i, t);
        match (handle_us, fsync_us) {
            (0, 0) => role,
            (0, us) => lang.render(&note!("ui.node.fsync", role, ms = format!("{:.0}", us as f64 / 1000.0))),
            (us, _) => lang.render(&note!("ui.node.slow", role, ms = format!("{:.0}", us as f64 / 1000.0))),
        }
    };
    (paused_s, handle_us, text)
}

/// One message dot in flight (a request is round, a reply square; dropped ones fade), with its label when the
/// picture is not busy.
fn dot_view(
    lang: &Language,
    f: &crate::model::Flight,
    frac: f64,
    t: u64,
    pos: &[(f64, f64)],
    busy: bool,
    label: bool,
) -> Html {
    let Dot { x, y, opacity, dropped, reply, refusal } = dot(f, frac, t, pos);
    // A plain string per kind of dot (no per-frame allocation for hundreds of them).
    let class = match (reply, refusal, dropped) {
        (_, _, true) if reply => "msg reply dropped",
        (_, _, true) => "msg request dropped",
        (true, true, false) => "msg reply refusal",
        (true, false, false) => "msg reply",
        (false, true, false) => "msg request refusal",
        (false, false, false) => "msg request",
    };
    // One moving attribute per message per frame (its transform), a stable key so that a message keeps its
    // element while it flies, and no listener of its own (the container's click finds it): hundreds of
    // messages in flight stay within a frame.
    html! {
        <g key={f.id} class={class} opacity={dropped.then(|| format!("{opacity:.2}"))} data-msg={f.id.to_string()}
           transform={format!("translate({x:.1},{y:.1})")} tabindex={(!busy).then_some("0")}
           role={(!busy).then_some("button")}
           aria-label={(!busy).then(|| lang.render(&note!("ui.msg.label", label = f.label.to_string(), id = f.id)))}>
            if !busy {
                <title>{ lang.render(&note!("ui.msg.tip", label = f.label.to_string(), id = f.id)) }</title>
                <circle class="hit" r="18" />
            }
            { if reply {
                html! { <rect x="-7" y="-7" width="14" height="14" rx="2" /> }
            } else {
                html! { <circle r="8" /> }
            } }
            if label {
            <text class="msg-label" y="-12" text-anchor="middle">
                { match (dropped, f.n) {
                    (true, _) => format!("✖ {}", f.label),
                    (false, Some(n)) => format!("{} ×{n}", f.label),
                    (false, None) => f.label.to_string(),
                } }
            </text>
            }
        </g>
    }
}

/// A click on the messages' layer picks the message under it (one listener for every dot).
fn msgs_click(on_msg: Callback<u64>) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        let hit = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.closest("[data-msg]").ok().flatten())
            .and_then(|el| el.get_attribute("data-msg"))
            .and_then(|id| id.parse().ok());
        if let Some(id) = hit {
            on_msg.emit(id);
        }
    })
}

/// Keyboard: Tab to a message (while paused it stays put), Enter or Space picks it.
fn msgs_key(on_msg: Callback<u64>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() != "Enter" && e.key() != " " {
            return;
        }
        let hit = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.get_attribute("data-msg"))
            .and_then(|id| id.parse().ok());
        if let Some(id) = hit {
            e.prevent_default();
            e.stop_propagation();
            on_msg.emit(id);
        }
    })
}

/// Draws message dots on the canvas that lies over the picture (same coordinates as the SVG's view box).
fn draw_dots(canvas: &NodeRef, dots: &[(Dot, &'static str)]) {
    use wasm_bindgen::JsCast;
    let Some(c) = canvas.cast::<web_sys::HtmlCanvasElement>() else { return };
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let (w, h) = (f64::from(c.client_width()) * ratio, f64::from(c.client_height()) * ratio);
    if c.width() != w as u32 || c.height() != h as u32 {
        c.set_width(w as u32);
        c.set_height(h as u32);
    }
    let Some(ctx) =
        c.get_context("2d").ok().flatten().and_then(|x| x.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
    ctx.clear_rect(0.0, 0.0, w, h);
    let scale = w / VIEW_W;
    ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0).ok();
    // Same colours as the SVG dots: requests amber circles, replies violet squares, refusals and drops red.
    for (d, _) in dots {
        let colour = if d.dropped || d.refusal {
            "#b91c1c"
        } else if d.reply {
            "#6d28d9"
        } else {
            "#b45309"
        };
        ctx.set_global_alpha(d.opacity.clamp(0.0, 1.0));
        ctx.set_fill_style_str(colour);
        ctx.begin_path();
        if d.reply {
            ctx.rect(d.x - 7.0, d.y - 7.0, 14.0, 14.0);
        } else {
            ctx.arc(d.x, d.y, 8.0, 0.0, std::f64::consts::TAU).ok();
        }
        ctx.fill();
    }
    ctx.set_global_alpha(1.0);
}

#[derive(Properties, PartialEq)]
pub struct WaitGraphProps {
    pub edges: Vec<protosim::engine::WaitEdge>,
}

/// The lock manager's wait-for graph: one circle per transaction, an arrow from each waiter to each transaction it
/// waits for; the edges of a cycle (a deadlock) are drawn red and thick.
#[component]
pub fn WaitGraph(props: &WaitGraphProps) -> Html {
    let lang = crate::lang::use_lang();
    let mut names: Vec<&str> = Vec::new();
    for e in &props.edges {
        for n in [e.waiter.as_str(), e.holder.as_str()] {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    if names.is_empty() {
        return html! { <p class="muted" data-testid="wait-graph">{ lang.text("ui.locks.nobody-waits") }</p> };
    }
    let (w, h, r) = (320.0, 200.0, 72.0);
    let pos = |k: usize| {
        if names.len() == 1 {
            return (w / 2.0, h / 2.0);
        }
        let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / names.len() as f64;
        (w / 2.0 + 1.6 * r * crate::math::cos(a), h / 2.0 + r * crate::math::sin(a))
    };
    let at = |name: &str| pos(names.iter().position(|n| *n == name).unwrap_or(0));
    let deadlock = props.edges.iter().any(|e| e.cycle);
    let arrows = props.edges.iter().map(|e| {
        let (x1, y1) = at(&e.waiter);
        let (x2, y2) = at(&e.holder);
        let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(1.0);
        let (ux, uy) = ((x2 - x1) / len, (y2 - y1) / len);
        // Two transactions waiting for each other: draw the two arrows side by side, not on top of each other.
        let twin = props.edges.iter().any(|f| f.waiter == e.holder && f.holder == e.waiter);
        let (ox, oy) = if twin { (-uy * 10.0, ux * 10.0) } else { (0.0, 0.0) };
        let (ax, ay, bx, by) = (x1 + 24.0 * ux + ox, y1 + 24.0 * uy + oy, x2 - 26.0 * ux + ox, y2 - 26.0 * uy + oy);
        let (lx, ly) = ((ax + bx) / 2.0 + 2.6 * ox, (ay + by) / 2.0 + 2.6 * oy + 4.0);
        html! {
            <g class={classes!("wait-edge", e.cycle.then_some("cycle"))}>
                <title>{ lang.render(&note!("ui.locks.waits", waiter = e.waiter.clone(), holder = e.holder.clone(), row = e.row.clone())) }</title>
                <line x1={ax.to_string()} y1={ay.to_string()} x2={bx.to_string()} y2={by.to_string()}
                      marker-end={if e.cycle { "url(#arrow-cycle)" } else { "url(#arrow)" }} />
                <text x={lx.to_string()} y={ly.to_string()} text-anchor="middle">{ &e.row }</text>
            </g>
        }
    });
    let circles = names.iter().enumerate().map(|(k, n)| {
        let (x, y) = pos(k);
        html! {
            <g class="wait-txn">
                <ellipse cx={x.to_string()} cy={y.to_string()} rx="24" ry="15" />
                <text x={x.to_string()} y={(y + 4.0).to_string()} text-anchor="middle">{ *n }</text>
            </g>
        }
    });
    html! {
        <svg class={classes!("wait-graph", deadlock.then_some("deadlock"))} viewBox={format!("0 0 {w} {h}")}
             role="img" data-testid="wait-graph" data-deadlock={deadlock.to_string()}
             aria-label={if deadlock { lang.text("ui.locks.graph.deadlock") } else { lang.text("ui.locks.graph") }}>
            <defs>
                <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
                    <path d="M0,0 L8,4 L0,8 z" class="arrow-head" />
                </marker>
                <marker id="arrow-cycle" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7"
                        orient="auto">
                    <path d="M0,0 L8,4 L0,8 z" class="arrow-head cycle" />
                </marker>
            </defs>
            { for arrows }
            { for circles }
        </svg>
    }
}

/// Where along a time axis a click on an SVG landed, 0 to 1: the axis starts at `left` and is `width` long in the
/// SVG's units, with 8 units of margin after it (the space-time diagram, the history view).
pub fn click_fraction(e: &MouseEvent, left: f64, width: f64) -> Option<f64> {
    let el = e.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())?;
    let shown = f64::from(el.client_width()).max(1.0);
    let svg_x = f64::from(e.offset_x()) * (left + width + 8.0) / shown;
    Some(((svg_x - left) / width).clamp(0.0, 1.0))
}

#[derive(Properties, PartialEq)]
pub struct SpaceTimeProps {
    pub model: std::rc::Rc<Model>,
    pub cursor_us: u64,
    /// A click on the diagram: the simulated time under the pointer.
    pub on_seek: Callback<u64>,
}

/// Simulated time the space-time diagram spans: 300 ms before the cursor and 100 ms after it.
pub const SPACETIME_BEFORE_US: u64 = 300_000;
pub const SPACETIME_AFTER_US: u64 = 100_000;
const ST_LEFT: f64 = 96.0;
const ST_WIDTH: f64 = 1000.0;
const ST_LANE: f64 = 22.0;

/// The space-time diagram: one lane per node, time to the right, an arrow per message from its sending to its
/// delivery (red and ending in ✕ if dropped), down time shaded, faults marked, the cursor as a line; a click seeks.
#[component]
pub fn SpaceTime(props: &SpaceTimeProps) -> Html {
    let lang = crate::lang::use_lang();
    let m = &props.model;
    let t = props.cursor_us;
    let start = t.saturating_sub(SPACETIME_BEFORE_US);
    let span = (SPACETIME_BEFORE_US + SPACETIME_AFTER_US) as f64;
    let x = move |us: u64| ST_LEFT + ST_WIDTH * (us as f64 - start as f64) / span;
    let lane = |n: protosim::scenario::NodeId| 18.0 + ST_LANE * f64::from(n);
    let h = 18.0 + ST_LANE * m.nodes.len() as f64 + 6.0;
    let end = start + SPACETIME_BEFORE_US + SPACETIME_AFTER_US;
    let lanes = m.nodes.iter().map(|n| {
        let y = lane(n.id);
        // Shade the stretches where the node is down.
        let mut bands = Vec::new();
        let mut down_since = (!m.up_at(usize::from(n.id), start)).then_some(start);
        for &(at, up) in m.up[usize::from(n.id)].iter().filter(|(at, _)| *at > start && *at <= end) {
            match (up, down_since) {
                (false, None) => down_since = Some(at),
                (true, Some(s)) => {
                    bands.push((s, at));
                    down_since = None;
                }
                _ => {}
            }
        }
        if let Some(s) = down_since {
            bands.push((s, end));
        }
        html! {
            <g class="lane">
                <text x={(ST_LEFT - 8.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">{ &n.name }</text>
                <line x1={ST_LEFT.to_string()} y1={y.to_string()} x2={(ST_LEFT + ST_WIDTH).to_string()} y2={y.to_string()} />
                { for bands.into_iter().map(|(a, b)| html! {
                    <rect class="down" x={x(a).to_string()} y={(y - 7.0).to_string()}
                          width={(x(b) - x(a)).max(1.0).to_string()} height="14" />
                }) }
            </g>
        }
    });
    let lo = m.flights.partition_point(|f| f.sent_us + m.longest_flight_us < start);
    let hi = m.flights.partition_point(|f| f.sent_us <= end);
    let arrows = m.flights[lo..hi].iter().filter(|f| f.end_us >= start).take(800).map(|f| {
        let (x1, y1) = (x(f.sent_us), lane(f.from));
        let (x2, y2) = (x(f.end_us), lane(f.to));
        let dropped = f.dropped.is_some();
        // A dropped message stops where it was lost, part of the way.
        let (x2, y2) = if dropped { (x2, y1 + (y2 - y1) * 0.5) } else { (x2, y2) };
        html! {
            <g class={classes!("st-msg", dropped.then_some("dropped"))}>
                <title>{ format!("{} #{}", f.label, f.id) }</title>
                <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()}
                      marker-end={if dropped { "" } else { "url(#st-arrow)" }} />
                if dropped {
                    <text x={x2.to_string()} y={(y2 + 4.0).to_string()} text-anchor="middle">{ "✕" }</text>
                }
            </g>
        }
    });
    let faults = m.faults.iter().filter(|(at, _)| *at >= start && *at <= end).map(|(at, label)| {
        html! {
            <g class="st-fault">
                <line x1={x(*at).to_string()} y1="8" x2={x(*at).to_string()} y2={(h - 4.0).to_string()} />
                <text x={(x(*at) + 3.0).to_string()} y="12">{ lang.render(label) }</text>
            </g>
        }
    });
    let onclick = {
        let on_seek = props.on_seek.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(frac) = click_fraction(&e, ST_LEFT, ST_WIDTH) {
                on_seek.emit(start + (frac * span) as u64);
            }
        })
    };
    html! {
        <svg class="spacetime" viewBox={format!("0 0 {} {h}", ST_LEFT + ST_WIDTH + 8.0)} onclick={onclick}
             role="img" aria-label={lang.text("ui.spacetime")} data-testid="spacetime">
            <defs>
                <marker id="st-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="5" markerHeight="5" orient="auto">
                    <path d="M0,0 L8,4 L0,8 z" class="arrow-head" />
                </marker>
            </defs>
            { for lanes }
            { for faults }
            { for arrows }
            <line class="st-cursor" x1={x(t).to_string()} y1="4" x2={x(t).to_string()} y2={h.to_string()} />
        </svg>
    }
}

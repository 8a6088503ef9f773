//! The setup bar: protocol, variant, cluster size, seed, network and workload settings, and the scenario's file.

use crate::presets::*;
use protosim::i18n::Language;
use protosim::narration::Note;
use protosim::Scenario;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SetupBarProps {
    pub scenario: Scenario,
    pub on_change: Callback<Scenario>,
    /// A value that is not even a number: the message to show.
    pub on_error: Callback<protosim::narration::Note>,
}

/// The setup bar: protocol, variant (with its one-line explanation), cluster size, seed, network and workload.
/// Every change builds a new scenario and hands it up; the app refuses one that does not validate.
/// A select or input that edits the scenario: `f` gets a copy of `s` and the control's value; the result goes to
/// `on_change`, or its refusal to `on_error`.
fn edit(s: &Scenario, props: &SetupBarProps, f: fn(&mut Scenario, &str) -> Result<(), Note>) -> Callback<Event> {
    let s = s.clone();
    let on_change = props.on_change.clone();
    let on_error = props.on_error.clone();
    Callback::from(move |e: Event| {
        let value = if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
            sel.value()
        } else if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
            if input.type_() == "checkbox" {
                input.checked().to_string()
            } else {
                input.value()
            }
        } else {
            return;
        };
        let mut next = s.clone();
        match f(&mut next, value.trim()) {
            Ok(()) => on_change.emit(next),
            Err(msg) => on_error.emit(msg),
        }
    })
}

/// What a field wants, in the reader's language (for the message when it gets something else).
#[derive(Clone, Copy)]
enum Wants {
    Servers,
    WholeNumber,
    Milliseconds,
    Percentage,
    Rate,
}

/// "`abc` is not a percentage" (a note: it reads in the language chosen after it was shown too).
fn not_a(v: &str, what: Wants) -> Note {
    let what = match what {
        Wants::Servers => Note::key("ui.setup.wants.servers"),
        Wants::WholeNumber => Note::key("ui.setup.wants.whole-number"),
        Wants::Milliseconds => Note::key("ui.setup.wants.milliseconds"),
        Wants::Percentage => Note::key("ui.setup.wants.percentage"),
        Wants::Rate => Note::key("ui.setup.wants.rate"),
    };
    protosim::note!("ui.setup.not-a", value = v.to_string(), what)
}

fn num<T: std::str::FromStr>(v: &str, what: Wants) -> Result<T, Note> {
    v.parse().map_err(|_| not_a(v, what))
}
// Decimals are read by the browser (`Number(text)`): `str::parse::<f64>` would add 14 KB to the bundle.
fn decimal(v: &str, what: Wants) -> Result<f64, Note> {
    let n = v.trim().parse::<js_sys::Number>().map_or(f64::NAN, |n| n.value_of());
    (!v.trim().is_empty() && n.is_finite()).then_some(n).ok_or_else(|| not_a(v, what))
}

/// The controls of the protocol's own options, as it declares them ([`protosim::protocols::ProtocolInfo::options`]):
/// Paxos's stable leader, 2PC's cooperative termination, the pessimistic lock manager's deadlock strategy.
fn protocol_options(s: &Scenario, props: &SetupBarProps, lang: &protosim::i18n::Language) -> Html {
    use protosim::protocols::meta::{OptionInfo, OptionValues};
    let info = protosim::protocols::info(s.protocol);
    let control = |o: &'static OptionInfo| {
        let (label, help) = (info.option_label_in(o, lang), info.option_help_in(o, lang));
        let on_change = {
            let (s, on_change, on_error) = (s.clone(), props.on_change.clone(), props.on_error.clone());
            Callback::from(move |e: Event| {
                let value = match (
                    e.target_dyn_into::<web_sys::HtmlSelectElement>(),
                    e.target_dyn_into::<HtmlInputElement>(),
                ) {
                    (Some(sel), _) => sel.value(),
                    (_, Some(i)) if i.type_() == "checkbox" => i.checked().to_string(),
                    (_, Some(i)) => i.value(),
                    _ => return,
                };
                match protosim::compare::set_option(&s, o, value.trim()) {
                    Ok(next) => on_change.emit(next),
                    Err(msg) => on_error.emit(msg),
                }
            })
        };
        let id = o.name.replace('_', "-");
        let value = o.get(s);
        match o.values {
            OptionValues::Flag { .. } => html! {
                <label class="pick" title={help}>
                    <input type="checkbox" checked={value == "true"} onchange={on_change} data-testid={id} />
                    { format!(" {label}") }
                </label>
            },
            OptionValues::OneOf(names) => html! {
                <label class="pick" title={help.clone()}>
                    { format!("{label} ") }
                    <select onchange={on_change} aria-label={label.clone()} data-testid={id}>
                        { for names.iter().map(|n| html! {
                            <option value={*n} selected={*n == value}>{ info.option_value_in(o, n, lang) }</option>
                        }) }
                    </select>
                </label>
            },
            OptionValues::Count { min, max, .. } => html! {
                <label class="pick" title={help.clone()}>
                    { format!("{label} ") }
                    <select onchange={on_change} aria-label={label.clone()} data-testid={id}>
                        { for (min..=max).map(|n| html! {
                            <option value={n.to_string()} selected={n.to_string() == value}>{ n }</option>
                        }) }
                    </select>
                </label>
            },
        }
    };
    // Only the options that mean something in this scenario (no deadlock strategy under Redlock).
    let shown = protosim::protocols::info(s.protocol).options.iter().filter(|o| (o.applies)(s));
    html! { <>{ for shown.map(control) }</> }
}

/// The network and workload settings, folded away.
fn network_and_workload(lang: &Language, s: &Scenario, props: &SetupBarProps) -> Html {
    let n = &s.network.default;
    let on_lat_min = edit(s, props, |s, v| {
        s.network.default.latency_us_min = (decimal(v, Wants::Milliseconds)?.max(0.0) * 1000.0) as u64;
        Ok(())
    });
    let on_lat_max = edit(s, props, |s, v| {
        s.network.default.latency_us_max = (decimal(v, Wants::Milliseconds)?.max(0.0) * 1000.0) as u64;
        Ok(())
    });
    let on_loss = edit(s, props, |s, v| {
        s.network.default.loss = decimal(v, Wants::Percentage)? / 100.0;
        Ok(())
    });
    let on_dup = edit(s, props, |s, v| {
        s.network.default.dup = decimal(v, Wants::Percentage)? / 100.0;
        Ok(())
    });
    let on_rate = edit(s, props, |s, v| {
        s.workload.rate_per_s = decimal(v, Wants::Rate)?;
        Ok(())
    });
    let on_reads = edit(s, props, |s, v| {
        s.workload.read_rate_per_s = decimal(v, Wants::Rate)?;
        Ok(())
    });
    // Stock look-ups, where the protocol answers them.
    let reads = protosim::protocols::info(s.protocol).serves_reads.then(|| {
        html! {
            <label title={lang.text("ui.setup.reads.help")}>{ lang.text("ui.setup.reads") }
                <input type="number" class="num" min="0" step="0.5" aria-label={lang.text("ui.setup.reads.label")}
                       data-testid="read-rate" value={s.workload.read_rate_per_s.to_string()} onchange={on_reads} />
                { lang.text("ui.setup.per-second") }</label>
        }
    });
    let on_hot = edit(s, props, |s, v| {
        s.workload.hot_item = decimal(v, Wants::Percentage)? / 100.0;
        Ok(())
    });
    html! {
        <details class="more">
            <summary>{ lang.text("ui.setup.more") }</summary>
            <label>{ lang.text("ui.setup.latency") }
                <input type="number" class="num" min="0" step="1" aria-label={lang.text("ui.setup.latency.min")}
                       value={(n.latency_us_min / 1000).to_string()} onchange={on_lat_min} />
                { "–" }
                <input type="number" class="num" min="0" step="1" aria-label={lang.text("ui.setup.latency.max")}
                       value={(n.latency_us_max / 1000).to_string()} onchange={on_lat_max} />{ lang.text("ui.setup.ms") }</label>
            <label>{ lang.text("ui.setup.loss") }
                <input type="number" class="num" min="0" max="100" step="1" aria-label={lang.text("ui.setup.loss.label")}
                       data-testid="loss" value={format!("{}", n.loss * 100.0)} onchange={on_loss} />{ " %" }</label>
            <label>{ lang.text("ui.setup.dup") }
                <input type="number" class="num" min="0" max="100" step="1" aria-label={lang.text("ui.setup.dup.label")}
                       value={format!("{}", n.dup * 100.0)} onchange={on_dup} />{ " %" }</label>
            <label>{ lang.text("ui.setup.rate") }
                <input type="number" class="num" min="0" step="0.5" aria-label={lang.text("ui.setup.rate.label")}
                       value={s.workload.rate_per_s.to_string()} onchange={on_rate} />{ lang.text("ui.setup.per-second") }</label>
            { for reads }
            <label>{ lang.text("ui.setup.hot") }
                <input type="number" class="num" min="0" max="100" step="5" aria-label={lang.text("ui.setup.hot.label")}
                       value={format!("{}", s.workload.hot_item * 100.0)} onchange={on_hot} />{ " %" }</label>
        </details>
    }
}

/// A select the user once changed keeps showing its own choice whatever `selected` says, so when the scenario
/// changes from elsewhere (a tour, the bug hunt, an import) the selects are set to it.
#[hook]
fn use_synced_selects(bar: NodeRef, s: &Scenario) {
    let mut shown = vec![
        ("protocol".to_string(), s.protocol.name().to_string()),
        ("variant".to_string(), s.variant.clone()),
        ("nodes".to_string(), s.nodes.to_string()),
    ];
    // The protocol's own options (a checkbox is set from `checked` alone; the selects need this).
    shown.extend(protosim::protocols::info(s.protocol).options.iter().map(|o| (o.name.replace('_', "-"), o.get(s))));
    use_effect_with(shown, move |shown| {
        if let Some(bar) = bar.cast::<web_sys::Element>() {
            for (id, value) in shown {
                let el = bar.query_selector(&format!("select[data-testid='{id}']")).ok().flatten();
                if let Some(sel) = el.and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                    sel.set_value(value);
                }
            }
        }
    });
}

#[component]
pub fn SetupBar(props: &SetupBarProps) -> Html {
    let lang = crate::lang::use_lang();
    let s = &props.scenario;
    let info = protosim::protocols::info(s.protocol);
    let on_protocol = edit(s, props, |s, v| {
        let kind = protosim::protocols::parse(v)
            .ok_or_else(|| protosim::note!("ui.setup.not-a-protocol", value = v.to_string()))?;
        *s = default_scenario(kind);
        Ok(())
    });
    let on_variant = edit(s, props, |s, v| {
        protosim::protocols::info(s.protocol).choose_variant(s, v); // with the settings it is shown with
        Ok(())
    });
    let on_nodes = edit(s, props, |s, v| {
        let nodes: u16 = num(v, Wants::Servers)?;
        let (variant, seed) = (s.variant.clone(), s.seed);
        *s = default_scenario_sized(s.protocol, nodes);
        protosim::protocols::info(s.protocol).choose_variant(s, &variant);
        s.seed = seed;
        Ok(())
    });
    let on_seed = edit(s, props, |s, v| {
        s.seed = num(v, Wants::WholeNumber)?;
        Ok(())
    });
    let new_seed = {
        let s = s.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |_| {
            let mut next = s.clone();
            next.seed = protosim::rng::mix64(s.seed.wrapping_add(0x9e37_79b9)) % 1_000_000;
            on_change.emit(next);
        })
    };
    let mut explain = info.variant_named_in(&s.variant, lang);
    if s.protocol == protosim::protocols::locking::PESSIMISTIC
        && s.locking.service == protosim::scenario::LockService::Redlock
    {
        // The correct variant's words name fencing tokens, which Redlock has none of.
        let redlock = lang.text("ui.explain.redlock");
        explain = if s.variant == "correct" { redlock } else { format!("{explain} · {redlock}") };
    }
    if s.locking.service == protosim::scenario::LockService::Raft && s.variant == "release-before-write" {
        // The Raft lock service's storage fences on reads: this mistake loses nothing there.
        explain = format!("{explain} · {}", lang.text("ui.explain.raft-release"));
    }
    let bar = use_node_ref();
    use_synced_selects(bar.clone(), s);
    html! {
        <section class="setup" aria-label={lang.text("ui.setup")} ref={bar}>
            <label class="pick">
                <span class="sr-only">{ lang.text("ui.setup.protocol") }</span>
                <select onchange={on_protocol} aria-label={lang.text("ui.setup.protocol")} data-testid="protocol">
                    { for protosim::protocols::REGISTRY.iter().copied().map(|i| html! {
                        <option value={i.kind.name()} selected={i.kind == s.protocol}>{ i.title_in(lang) }</option>
                    }) }
                </select>
            </label>
            <label class="pick">
                { lang.text("ui.setup.variant") }
                <select onchange={on_variant} aria-label={lang.text("ui.setup.variant.label")} data-testid="variant">
                    { for info.variants.iter().map(|v| html! {
                        <option value={v.name} selected={v.name == s.variant} title={info.variant_in(v, lang)}>{ v.name }</option>
                    }) }
                </select>
            </label>
            <label class="pick">
                { lang.text("ui.setup.servers") }
                <select onchange={on_nodes} aria-label={lang.text("ui.setup.servers.label")} data-testid="nodes">
                    { for (info.nodes.0..=info.nodes.1).map(|k| html! {
                        <option value={k.to_string()} selected={k == s.nodes}>{ k }</option>
                    }) }
                </select>
            </label>
            <label class="pick">
                { lang.text("ui.setup.seed") }
                <input type="number" min="0" value={s.seed.to_string()} onchange={on_seed} aria-label={lang.text("ui.setup.seed.label")}
                       data-testid="seed" class="num" />
            </label>
            <button onclick={new_seed} data-testid="new-seed">{ lang.text("ui.setup.new-seed") }</button>
            { protocol_options(s, props, lang) }
            { network_and_workload(lang, s, props) }
            <p class="explain" data-testid="explain">{ explain }</p>
        </section>
    }
}

//! The invariant panel: every safety rule with its state at the cursor, and the run's liveness and
//! linearizability verdicts.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InvariantsPanelProps {
    pub invariants: &'static [protosim::invariants::InvariantInfo],
    /// The violations up to the cursor.
    pub violations: Vec<crate::model::ViolationMark>,
    /// The liveness verdict of the whole run (a promise about the future cannot be judged at the cursor).
    pub liveness: protosim::liveness::LivenessReport,
    /// Whether the shoppers' answers could have come from one correct shop (judged over the whole run).
    pub linearizability: protosim::linearizability::LinReport,
    /// The nodes' names, for the witness of a violation.
    pub names: Vec<String>,
    /// Moves the player to a moment (µs): the witness's last answer, from the violated verdict's button.
    #[prop_or_default]
    pub on_seek: Callback<u64>,
    /// The run is still being simulated: its liveness cannot be judged yet.
    #[prop_or_default]
    pub partial: bool,
}

/// Every invariant with its state at the cursor; a broken one says where, when and what.
#[component]
pub fn InvariantsPanel(props: &InvariantsPanelProps) -> Html {
    let lang = crate::lang::use_lang();
    // The whole run's history judged not linearizable marks the panel too (its line says why), as a violation at
    // the cursor does.
    let lin_broken = !props.partial && props.linearizability.verdict == protosim::linearizability::LinVerdict::Violated;
    let broken = !props.violations.is_empty() || lin_broken;
    html! {
        <section class={classes!("invariants", broken.then_some("broken"))} data-testid="invariants">
            if !props.violations.is_empty() {
                <p><strong>{ lang.text("ui.invariants.broken") }</strong></p>
            } else {
                <p>{ lang.render(&protosim::note!("ui.invariants.hold", n = props.invariants.len())) }</p>
            }
            <ul class="rules">
                { for props.invariants.iter().map(|inv| {
                    let v = props.violations.iter().find(|v| v.invariant == inv.name);
                    html! {
                        <li class={classes!(v.is_some().then_some("bad"))} title={inv.rule_in(lang)}>
                            { if v.is_some() { "✖ " } else { "✔ " } }<code>{ inv.name }</code>
                            if let Some(v) = v {
                                <p class="violation">{ v.text(lang) }</p>
                            }
                        </li>
                    }
                }) }
                if props.partial {
                    <li data-testid="liveness" data-verdict="pending" title={lang.text("ui.liveness.pending")}>
                        { "… " }<code>{ "liveness" }</code>{ lang.text("ui.liveness.whole-run") }
                        <p class="liveness-why">{ lang.text("ui.liveness.pending") }</p>
                    </li>
                    <li data-testid="linearizability" data-verdict="pending" title={lang.text("ui.linearizability.rule")}>
                        { "… " }<code>{ "linearizability" }</code>{ lang.text("ui.liveness.whole-run") }
                        <p class="liveness-why">{ lang.text("ui.liveness.pending") }</p>
                    </li>
                } else {
                    { liveness_line(lang, &props.liveness) }
                    { linearizability_line(lang, &props.linearizability, &props.names, &props.on_seek) }
                }
            </ul>
        </section>
    }
}

/// The liveness verdict as one more rule of the invariant panel, judged over the whole run.
fn liveness_line(lang: &protosim::i18n::Language, l: &protosim::liveness::LivenessReport) -> Html {
    use protosim::liveness::LivenessVerdict;
    let (mark, class) = match l.verdict {
        LivenessVerdict::Held => ("✔ ", None),
        LivenessVerdict::Broken => ("✖ ", Some("bad")),
        LivenessVerdict::NotApplicable => ("– ", None),
    };
    let rule = match l.bound_ms {
        Some(b) => lang.render(&protosim::note!("ui.liveness.rule", bound_ms = b, needs = l.needs_in(lang))),
        None => lang.text("ui.liveness.none"),
    };
    html! {
        <li class={classes!(class)} title={rule} data-testid="liveness" data-verdict={l.verdict.name()}>
            { mark }<code>{ "liveness" }</code>{ lang.text("ui.liveness.whole-run") }
            <p class={classes!(if class.is_some() { "violation" } else { "liveness-why" })}>{ l.describe_in(lang) }</p>
        </li>
    }
}

/// The linearizability verdict of the shoppers' history, judged over the whole run, with its witness when broken.
fn linearizability_line(
    lang: &protosim::i18n::Language,
    l: &protosim::linearizability::LinReport,
    names: &[String],
    on_seek: &Callback<u64>,
) -> Html {
    use protosim::linearizability::LinVerdict;
    let (mark, class) = match l.verdict {
        LinVerdict::Linearizable => ("✔ ", None),
        LinVerdict::Violated => ("✖ ", Some("bad")),
        LinVerdict::Unknown => ("? ", None),
    };
    let name = |n: u16| names.get(usize::from(n)).cloned().unwrap_or_else(|| format!("node {n}"));
    html! {
        <li class={classes!(class)} title={lang.text("ui.linearizability.rule")} data-testid="linearizability"
            data-verdict={l.verdict.name()}>
            { mark }<code>{ "linearizability" }</code>{ lang.text("ui.liveness.whole-run") }
            <p class={classes!(if class.is_some() { "violation" } else { "liveness-why" })}>{ lang.render(&l.note(&name)) }</p>
            // The moment the witness's last answer was given: where the player can show it.
            if let Some(at_us) = l.violation(&name, 0).map(|v| v.at_us).filter(|&t| t > 0) {
                <button class="linear-seek" data-testid="linearizability-seek" data-us={at_us.to_string()}
                        onclick={{ let on_seek = on_seek.clone(); Callback::from(move |_| on_seek.emit(at_us)) }}>
                    { lang.render(&protosim::note!("ui.linearizability.seek", at = format!("{:.3}", at_us as f64 / 1e6))) }
                </button>
            }
        </li>
    }
}

//! Native checks of the app's scripted content: every guided tour finds each of its moments in its run, in order.
#![cfg(not(target_arch = "wasm32"))]

use checkout_explorer::app::run_for_playback;
use checkout_explorer::tours::TOURS;

#[test]
fn every_tour_step_happens_in_its_run_in_order() {
    let mut per_protocol = std::collections::BTreeMap::new();
    for tour in TOURS {
        let model = run_for_playback(&tour.scenario()).unwrap();
        let times = tour.times(&model).unwrap_or_else(|e| panic!("{e}"));
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{}: steps out of time order {times:?}", tour.id);
        assert!(times.iter().skip(1).any(|&t| t > 0), "{}: the tour moves", tour.id);
        *per_protocol.entry(tour.protocol.name()).or_insert(0) += 1;
    }
    for &kind in protosim::scenario::ProtocolKind::ALL {
        let n = per_protocol.get(kind.name()).copied().unwrap_or(0);
        assert!((1..=3).contains(&n), "{}: {n} tours (one to three each)", kind.name());
    }
}

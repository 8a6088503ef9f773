//! A node's local clock: true time × (1 + drift) + offset, continuous through drift changes, stepped by jumps.
//!
//! Protocols never see true time. [`crate::engine::Ctx::now_us`] reads the node's clock (a wall clock: leases,
//! deadlines, timestamps all see its jumps), and timers run on the same oscillator: a timer set for `after_us` of
//! local time fires when that much local time has passed, so drift stretches or shrinks it, while a jump (an NTP
//! step of the wall clock) does not move a timer already set, as a monotonic timer would not be moved. Both are
//! what Kleppmann's "How to do distributed locking" warns about: a lease measured on one clock and checked on
//! another.

use serde::Serialize;

/// One part per million, the unit of drift.
const PPM: i128 = 1_000_000;

/// The largest drift a scenario may set, in ppm (±50 %: far beyond real quartz, ~±100 ppm, so that a classroom sees
/// the effect within seconds).
pub const DRIFT_PPM_MAX: i64 = 500_000;

/// A node's clock. The default reads true time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// True time of the last change, µs.
    pub base_true_us: u64,
    /// What the clock read then, µs (it may be negative after a jump back near the start).
    pub base_local_us: i64,
    /// How fast it runs: +1000 gains a millisecond per true second.
    pub drift_ppm: i64,
}

impl Clock {
    /// What the clock reads at true time `true_us` (at or after its last change), µs.
    pub fn local_us(&self, true_us: u64) -> i64 {
        let elapsed = i128::from(true_us.saturating_sub(self.base_true_us));
        let local = i128::from(self.base_local_us) + elapsed * (PPM + i128::from(self.drift_ppm)) / PPM;
        local.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// Local minus true time at `true_us`, µs: how far ahead (positive) or behind the clock is.
    pub fn offset_us(&self, true_us: u64) -> i64 {
        self.local_us(true_us).saturating_sub(true_us.min(i64::MAX as u64) as i64)
    }

    /// The true time a timer of `local_us` takes on this clock (at least 1 µs for a non-zero timer).
    pub fn true_delay_us(&self, local_us: u64) -> u64 {
        if self.drift_ppm == 0 || local_us == 0 {
            return local_us;
        }
        let d = i128::from(local_us) * PPM / (PPM + i128::from(self.drift_ppm));
        (d.max(1)).min(i128::from(u64::MAX)) as u64
    }

    /// Steps the clock by `by_us` at true time `now_us` (an NTP step: forward or back).
    pub fn jump(&mut self, now_us: u64, by_us: i64) {
        let local = self.local_us(now_us).saturating_add(by_us);
        *self = Clock { base_true_us: now_us, base_local_us: local, drift_ppm: self.drift_ppm };
    }

    /// From true time `now_us` on, the clock runs `ppm` fast (negative: slow), continuing from what it reads now.
    pub fn set_drift(&mut self, now_us: u64, ppm: i64) {
        let local = self.local_us(now_us);
        *self = Clock { base_true_us: now_us, base_local_us: local, drift_ppm: ppm };
    }

    /// The clock that read `local = true + offset_us` at true time `at_us` and runs `drift_ppm` fast from then on.
    pub fn from_offset(at_us: u64, offset_us: i64, drift_ppm: i64) -> Clock {
        Clock { base_true_us: at_us, base_local_us: (at_us as i64).saturating_add(offset_us), drift_ppm }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_is_continuous_jumps_step_and_timers_stretch() {
        let mut c = Clock::default();
        assert_eq!(c.local_us(5_000_000), 5_000_000);
        c.set_drift(1_000_000, 100_000); // 10 % fast from 1 s
        assert_eq!(c.local_us(1_000_000), 1_000_000, "no step when the drift changes");
        assert_eq!(c.local_us(2_000_000), 2_100_000);
        assert_eq!(c.true_delay_us(110_000), 100_000, "a fast clock's timer fires early in true time");
        c.jump(2_000_000, -500_000);
        assert_eq!(c.local_us(2_000_000), 1_600_000);
        assert_eq!(c.offset_us(3_000_000), -300_000);
        assert_eq!(Clock::from_offset(2_000_000, c.offset_us(2_000_000), 100_000), c);
    }
}

//! Portable, seeded randomness.
//!
//! Every random choice in a run comes from one master seed split into named child streams (network, workload, each
//! node). The generator is ChaCha8, which gives the same stream on x86_64 and wasm32 (rand's `SmallRng` does not),
//! and nothing here calls a transcendental function from the platform's libm, whose last bit may differ between
//! targets: the exponential sampler uses only `+ - * /`, which IEEE 754 rounds identically everywhere.

use rand::{Rng as _, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The child streams split off the master seed.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Network,
    Workload,
    Faults,
    /// The shoppers' stock look-ups (their own stream: turning reads on leaves the checkouts' arrival times and
    /// baskets as they were).
    Reads,
    Node(u16),
}

impl Stream {
    fn code(self) -> u64 {
        match self {
            Stream::Network => 1,
            Stream::Workload => 2,
            Stream::Faults => 3,
            Stream::Reads => 4,
            Stream::Node(n) => 0x100 + u64::from(n),
        }
    }
}

/// SplitMix64's finaliser: spreads nearby seeds far apart.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded generator for one stream of one run.
#[derive(Clone, Debug)]
pub struct SimRng(ChaCha8Rng);

impl SimRng {
    pub fn new(master_seed: u64, stream: Stream) -> Self {
        SimRng(ChaCha8Rng::seed_from_u64(mix64(master_seed ^ mix64(stream.code()))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `lo..=hi` (returns `lo` when `hi <= lo`).
    pub fn range_u64(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            self.0.random_range(lo..=hi)
        }
    }

    /// Uniform index in `0..n` (`n` must be at least 1).
    pub fn index(&mut self, n: usize) -> usize {
        // Through u64 so that the drawn numbers do not depend on the pointer width.
        self.range_u64(0, n as u64 - 1) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// Exponentially distributed with the given mean, rounded to an integer (for Poisson arrivals).
    pub fn exp_u64(&mut self, mean: f64) -> u64 {
        let u = 1.0 - self.unit(); // in (0, 1]
        let x = -mean * ln_portable(u);
        if x.is_finite() && x > 0.0 {
            x.round() as u64
        } else {
            0
        }
    }
}

/// Natural logarithm from basic arithmetic only, so it gives bit-identical results on every target.
/// Accurate to about 1e-15 relative for positive normal inputs, which is far finer than microsecond rounding needs.
pub fn ln_portable(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    // x = m * 2^e with m in [1, 2) (inputs here are never subnormal).
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    // Centre m around 1 so the series converges fast: m in [0.707, 1.414).
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut k = 1.0;
    while k < 40.0 {
        sum += term / k;
        term *= s2;
        k += 2.0;
    }
    2.0 * sum + e as f64 * std::f64::consts::LN_2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_matches_std_closely() {
        for &x in &[1e-12, 0.001, 0.25, 0.5, 0.7, std::f64::consts::FRAC_1_SQRT_2, 1.0, 1.5, 2.0, 10.0, 12345.678] {
            let got = ln_portable(x);
            let want = f64::ln(x);
            assert!((got - want).abs() <= 1e-13 * want.abs().max(1.0), "ln({x}) = {got}, std says {want}");
        }
        assert!(ln_portable(0.0).is_nan());
    }

    #[test]
    fn streams_differ_and_repeat() {
        let a: Vec<u64> = (0..4).map(|_| SimRng::new(7, Stream::Network).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]), "same seed and stream must repeat");
        let mut n = SimRng::new(7, Stream::Network);
        let mut w = SimRng::new(7, Stream::Workload);
        assert_ne!(n.next_u64(), w.next_u64());
    }

    #[test]
    fn exponential_mean_is_right() {
        let mut r = SimRng::new(1, Stream::Workload);
        let n = 20_000;
        let total: u64 = (0..n).map(|_| r.exp_u64(1000.0)).sum();
        let mean = total as f64 / n as f64;
        assert!((mean - 1000.0).abs() < 40.0, "mean {mean}");
    }
}

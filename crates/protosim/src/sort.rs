//! Small sorts for the page's bundle.
//!
//! The standard library's sorts (driftsort, ipnsort) are fast but large: each element type they are used with
//! adds 3–5 KB of WebAssembly, about 45 KB over this crate and the app. These are heapsorts of a few hundred bytes
//! each, still O(n log n) in the worst case. Nothing sorted with them is large on a hot path: sets of a handful
//! of nodes or orders per event, intervention lists, latency windows for the charts.

/// Sorts `v` in place by `less`, not stable (heapsort).
pub fn sort_unstable_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    for root in (0..v.len() / 2).rev() {
        sift_down(v, root, &mut less);
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(&mut v[..end], 0, &mut less);
    }
}

fn sift_down<T>(v: &mut [T], mut root: usize, less: &mut impl FnMut(&T, &T) -> bool) {
    loop {
        let mut child = 2 * root + 1;
        if child >= v.len() {
            return;
        }
        if child + 1 < v.len() && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

/// Sorts `v` in place, not stable.
pub fn sort_unstable<T: Ord>(v: &mut [T]) {
    sort_unstable_by(v, |a, b| a < b);
}

/// Sorts and removes repeated values: the sorted set of what `v` held.
pub fn sort_dedup<T: Ord>(v: &mut Vec<T>) {
    sort_unstable(v);
    v.dedup();
}

/// Sorts `v` by `key`, stable: items with equal keys keep their order.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    // Positions break ties, which makes the unstable sort of (key, position) stable.
    let mut order: Vec<(K, usize)> = v.iter().enumerate().map(|(i, x)| (key(x), i)).collect();
    sort_unstable(&mut order);
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.into_iter().filter_map(|(_, i)| slots[i].take()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_agree_with_the_standard_library() {
        let mut state = 7_u64;
        for round in 0..2_000 {
            let len = round % 70;
            let modulus = 1 + (round as u64 % 13) * 3;
            let v: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    state = crate::rng::mix64(state);
                    (state % modulus, i)
                })
                .collect();

            let mut mine = v.clone();
            sort_by_key(&mut mine, |x| x.0);
            let mut std = v.clone();
            std.sort_by_key(|x| x.0);
            assert_eq!(mine, std, "stable sort, round {round}: {v:?}");

            let mut keys: Vec<u64> = v.iter().map(|x| x.0).collect();
            let mut std = keys.clone();
            sort_unstable(&mut keys);
            std.sort_unstable();
            assert_eq!(keys, std, "round {round}");

            let mut floats: Vec<f64> = v.iter().map(|x| x.0 as f64 / 3.0 - 2.0).collect();
            let mut std = floats.clone();
            sort_unstable_by(&mut floats, |a, b| a.total_cmp(b).is_lt());
            std.sort_by(f64::total_cmp);
            assert_eq!(floats, std, "round {round}");

            let mut set: Vec<u64> = v.iter().map(|x| x.0).collect();
            sort_dedup(&mut set);
            let mut std: Vec<u64> = v.iter().map(|x| x.0).collect();
            std.sort_unstable();
            std.dedup();
            assert_eq!(set, std, "round {round}");
        }
    }
}

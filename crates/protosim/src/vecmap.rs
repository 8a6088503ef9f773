//! Ordered maps and sets kept in one sorted vector, for the protocols' small tables.
//!
//! Why not `BTreeMap`: every key and value type of a `BTreeMap` gets its own copy of the tree's code (insert,
//! remove, rebalancing, clone, drop), several kilobytes each, and the protocols use some forty such types; in the
//! browser bundle that was about 150 KB of wasm. A sorted vector needs a binary search and a `Vec` insert or
//! remove, a fraction of that code, and is as fast or faster for the tables here (tens to a few thousand entries,
//! mostly appended in key order). Iteration is in key order, exactly like `BTreeMap`, so runs are unchanged (the
//! pinned trace hash checks it).

use std::borrow::Borrow;
use std::ops::{Bound, RangeBounds};

/// Where `key` is (`Ok`) or would go (`Err`) among `items`, sorted by `key_of`. Most tables grow at the end: the
/// last item is looked at first.
fn search<E, Q: Ord + ?Sized>(items: &[E], key: &Q, key_of: impl Fn(&E) -> &Q) -> Result<usize, usize> {
    match items.last() {
        Some(last) if key_of(last) < key => Err(items.len()),
        _ => items.binary_search_by(|e| key_of(e).cmp(key)),
    }
}

/// The index range of the items, sorted by `key_of`, whose keys are in `range`.
fn span<E, Q: Ord + ?Sized>(
    items: &[E],
    range: &impl RangeBounds<Q>,
    key_of: impl Fn(&E) -> &Q,
) -> std::ops::Range<usize> {
    let lo = match range.start_bound() {
        Bound::Included(s) => items.partition_point(|e| key_of(e) < s),
        Bound::Excluded(s) => items.partition_point(|e| key_of(e) <= s),
        Bound::Unbounded => 0,
    };
    let hi = match range.end_bound() {
        Bound::Included(e) => items.partition_point(|x| key_of(x) <= e),
        Bound::Excluded(e) => items.partition_point(|x| key_of(x) < e),
        Bound::Unbounded => items.len(),
    };
    lo..hi.max(lo)
}

/// A map ordered by key, like `BTreeMap`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VecMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { items: Vec::new() }
    }
}

impl<K: std::fmt::Debug, V: std::fmt::Debug> std::fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.items.iter().map(|(k, v)| (k, v))).finish()
    }
}

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        VecMap { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator + Clone {
        self.items.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.items.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.items.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.items.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.items.iter_mut().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.items.into_iter().map(|(_, v)| v)
    }

    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.items.into_iter().map(|(k, _)| k)
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.items.first().map(|(k, v)| (k, v))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.items.last().map(|(k, v)| (k, v))
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }

    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.items.pop()
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.items.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> VecMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        search(&self.items, key, |(k, _)| k.borrow())
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.items[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.items[i].1)
    }

    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| (&self.items[i].0, &self.items[i].1))
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.items[i].1, value)),
            Err(i) => {
                self.items.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.items.remove(i).1)
    }

    pub fn remove_entry<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.items.remove(i))
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, key, at }
    }

    /// The index range of the keys in `range`.
    fn span<Q: Ord + ?Sized>(&self, range: &impl RangeBounds<Q>) -> std::ops::Range<usize>
    where
        K: Borrow<Q>,
    {
        span(&self.items, range, |(k, _)| k.borrow())
    }

    pub fn range<Q: Ord + ?Sized>(
        &self,
        range: impl RangeBounds<Q>,
    ) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator + Clone
    where
        K: Borrow<Q>,
    {
        let span = self.span(&range);
        self.items[span].iter().map(|(k, v)| (k, v))
    }

    pub fn range_mut<Q: Ord + ?Sized>(
        &mut self,
        range: impl RangeBounds<Q>,
    ) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator
    where
        K: Borrow<Q>,
    {
        let span = self.span(&range);
        self.items[span].iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Moves the entries with keys at or above `key` into a new map.
    pub fn split_off<Q: Ord + ?Sized>(&mut self, key: &Q) -> VecMap<K, V>
    where
        K: Borrow<Q>,
    {
        let at = self.items.partition_point(|(k, _)| k.borrow() < key);
        VecMap { items: self.items.split_off(at) }
    }
}

/// A place in a [`VecMap`] for one key, as `BTreeMap::entry` gives.
pub struct Entry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    key: K,
    at: Result<usize, usize>,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert_with(self, value: impl FnOnce() -> V) -> &'a mut V {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.map.items.insert(i, (self.key, value()));
                i
            }
        };
        &mut self.map.items[i].1
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    pub fn and_modify(self, f: impl FnOnce(&mut V)) -> Self {
        if let Ok(i) = self.at {
            f(&mut self.map.items[i].1);
        }
        self
    }

    pub fn key(&self) -> &K {
        &self.key
    }
}

impl<'a, K, V: Default> Entry<'a, K, V> {
    pub fn or_default(self) -> &'a mut V {
        self.or_insert_with(V::default)
    }
}

/// Serialised as a JSON object in key order, like `BTreeMap`.
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for VecMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.items.iter().map(|(k, v)| (k, v)))
    }
}

/// Read from a JSON object (natively: the page decodes scenarios by hand and never links this).
impl<'de, K: serde::Deserialize<'de> + Ord, V: serde::Deserialize<'de>> serde::Deserialize<'de> for VecMap<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        std::collections::BTreeMap::<K, V>::deserialize(d).map(|m| m.into_iter().collect())
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = VecMap::new();
        m.extend(iter);
        m
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(items: [(K, V); N]) -> Self {
        items.into_iter().collect()
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter().map(|(k, v)| (k, v))
    }
}

impl<'a, K, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> (&'a K, &'a mut V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut().map(|(k, v)| (&*k, v))
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for this key")
    }
}

/// A set ordered by value, like `BTreeSet`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet { items: Vec::new() }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.items.iter()).finish()
    }
}

impl<T> VecSet<T> {
    pub const fn new() -> Self {
        VecSet { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }

    pub fn pop_first(&mut self) -> Option<T> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }

    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }
}

impl<T: Ord> VecSet<T> {
    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        search(&self.items, value, |x| x.borrow())
    }

    /// Adds `value`; false if it was there already.
    pub fn insert(&mut self, value: T) -> bool {
        match self.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).map(|i| self.items.remove(i)).is_ok()
    }

    pub fn is_subset(&self, other: &VecSet<T>) -> bool {
        self.items.iter().all(|x| other.contains(x))
    }

    pub fn union<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> {
        let mut all: Vec<&T> = self.items.iter().chain(other.items.iter()).collect();
        crate::sort::sort_dedup(&mut all);
        all.into_iter()
    }

    pub fn intersection<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> {
        self.items.iter().filter(move |x| other.contains(*x))
    }

    pub fn difference<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> {
        self.items.iter().filter(move |x| !other.contains(*x))
    }

    pub fn range<Q: Ord + ?Sized>(&self, range: impl RangeBounds<Q>) -> std::slice::Iter<'_, T>
    where
        T: Borrow<Q>,
    {
        self.items[span(&self.items, &range, |x| x.borrow())].iter()
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut items: Vec<T> = iter.into_iter().collect();
        crate::sort::sort_dedup(&mut items);
        VecSet { items }
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for x in iter {
            self.insert(x);
        }
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for VecSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// A small deterministic generator, so the comparison needs no dependency.
    fn next(x: &mut u64) -> u64 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    }

    #[test]
    fn the_map_and_the_set_behave_like_the_btree_ones_under_random_operations() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        let mut a: VecMap<u16, u64> = VecMap::new();
        let mut b: BTreeMap<u16, u64> = BTreeMap::new();
        let mut sa: VecSet<u16> = VecSet::new();
        let mut sb: BTreeSet<u16> = BTreeSet::new();
        for step in 0..20_000 {
            let r = next(&mut seed);
            let k = (r % 300) as u16;
            match (r >> 16) % 7 {
                0 | 1 => assert_eq!(a.insert(k, r), b.insert(k, r), "step {step}"),
                2 => assert_eq!(a.remove(&k), b.remove(&k), "step {step}"),
                3 => *a.entry(k).or_default() += 1,
                4 => assert_eq!(a.pop_first(), b.pop_first(), "step {step}"),
                5 => a.retain(|k, _| k % 7 != 0),
                _ => assert_eq!(sa.insert(k), sb.insert(k), "step {step}"),
            }
            match (r >> 16) % 7 {
                3 => *b.entry(k).or_default() += 1,
                5 => b.retain(|k, _| k % 7 != 0),
                _ => {}
            }
            if r.is_multiple_of(5) {
                assert_eq!(sa.remove(&k), sb.remove(&k));
            }
            let lo = (r >> 24) as u16 % 300;
            let hi = lo + (r >> 40) as u16 % 50;
            assert!(a.range(lo..hi).eq(b.range(lo..hi)), "step {step}: range {lo}..{hi}");
            assert!(a.range(lo..=hi).rev().eq(b.range(lo..=hi).rev()), "step {step}");
            assert!(sa.range(lo..hi).eq(sb.range(lo..hi)), "step {step}");
            assert_eq!(a.get(&k), b.get(&k), "step {step}");
        }
        assert!(a.iter().eq(b.iter()));
        assert!(sa.iter().eq(sb.iter()));
        assert_eq!(a.first_key_value(), b.first_key_value());
        assert_eq!(a.last_key_value(), b.last_key_value());
        let (mut a2, mut b2) = (a.clone(), b.clone());
        assert!(a2.split_off(&150).iter().eq(b2.split_off(&150).iter()));
        assert!(a2.iter().eq(b2.iter()));
    }
}

//! Id lookups for resolving references while loading.
//!
//! A million events make several million lookups of place, person and source ids. A map keyed
//! by `String` keeps every key in its own heap block, so each lookup misses the cache twice
//! (the table, then the key to compare). [`IdIndex`] keeps the ids side by side in one arena
//! and the table keyed by a 64-bit hash, so a lookup touches one small table slot and a
//! compact, mostly cached arena.

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};

/// Ids mapped to values, for fast lookup of many references.
#[derive(Clone, Debug)]
pub(crate) struct IdIndex<T> {
    arena: String,
    /// Per entry: the id's end in `arena` (it starts where the previous one ends).
    ends: Vec<u32>,
    values: Vec<T>,
    /// Hash of the id → entry.
    by_hash: FxHashMap<u64, u32>,
    /// Ids whose 64-bit hash another id already has (practically never; kept exact).
    collided: FxHashMap<String, T>,
}

impl<T> Default for IdIndex<T> {
    fn default() -> Self {
        IdIndex {
            arena: String::new(),
            ends: Vec::new(),
            values: Vec::new(),
            by_hash: FxHashMap::default(),
            collided: FxHashMap::default(),
        }
    }
}

impl<T: Copy> IdIndex<T> {
    fn id(&self, entry: usize) -> &[u8] {
        let start = if entry == 0 { 0 } else { self.ends[entry - 1] as usize };
        self.arena.as_bytes().get(start..self.ends[entry] as usize).unwrap_or_default()
    }

    /// Adds an id (the caller has checked it is new; a repeat keeps the first value).
    pub(crate) fn insert(&mut self, id: &str, value: T) {
        let hash = FxBuildHasher.hash_one(id);
        match self.by_hash.get(&hash) {
            Some(&entry) if self.id(entry as usize) == id.as_bytes() => {}
            Some(_) => {
                self.collided.entry(id.to_owned()).or_insert(value);
            }
            None => {
                self.arena.push_str(id);
                self.ends.push(self.arena.len() as u32);
                self.values.push(value);
                self.by_hash.insert(hash, (self.values.len() - 1) as u32);
            }
        }
    }

    /// The value for an id.
    pub(crate) fn get(&self, id: &str) -> Option<&T> {
        let hash = FxBuildHasher.hash_one(id);
        match self.by_hash.get(&hash) {
            Some(&entry) if self.id(entry as usize) == id.as_bytes() => Some(&self.values[entry as usize]),
            Some(_) => self.collided.get(id),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn finds_exactly_what_a_hash_map_finds(
            ids in proptest::collection::vec("[a-z0-9-]{0,12}", 0..200),
            probes in proptest::collection::vec("[a-z0-9-]{0,12}", 0..50),
        ) {
            let mut index = IdIndex::default();
            let mut reference = std::collections::HashMap::new();
            for (i, id) in ids.iter().enumerate() {
                index.insert(id, i);
                reference.entry(id.clone()).or_insert(i);
            }
            for id in ids.iter().chain(&probes) {
                prop_assert_eq!(index.get(id), reference.get(id));
            }
        }
    }

    #[test]
    fn ids_whose_hashes_collide_are_still_told_apart() {
        let mut index = IdIndex::default();
        index.insert("a", 1);
        // Force the collision path: the same hash under another id.
        index.collided.insert("b".to_owned(), 2);
        let hash_a = FxBuildHasher.hash_one("a");
        assert_eq!(index.by_hash.get(&hash_a), Some(&0));
        assert_eq!(index.get("a"), Some(&1));
        assert_eq!(index.get("c"), None);
    }
}

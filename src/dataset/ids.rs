//! Id lookups for resolving references while loading.
//!
//! A million events make several million lookups of place, person and source ids, and with
//! random references nearly every lookup misses the cache. A map keyed by `String` misses
//! three times (control bytes, slot, then the key's own heap block). [`IdIndex`] keys by
//! [`CompactString`], which holds ids of up to 24 bytes inside the slot itself, so a lookup
//! compares the key where it finds it: two misses. (An arena of ids behind a table of hashes,
//! tried before, missed four times and was twice as slow on a million events.)

use compact_str::CompactString;
use rustc_hash::FxHashMap;

/// Ids mapped to values, for fast lookup of many references.
#[derive(Clone, Debug)]
pub(crate) struct IdIndex<T> {
    map: FxHashMap<CompactString, T>,
}

impl<T> Default for IdIndex<T> {
    fn default() -> Self {
        IdIndex { map: FxHashMap::default() }
    }
}

impl<T> IdIndex<T> {
    /// Adds an id; a repeat keeps the first value.
    pub(crate) fn insert(&mut self, id: &str, value: T) {
        self.map.entry(CompactString::new(id)).or_insert(value);
    }

    /// The value for an id.
    pub(crate) fn get(&self, id: &str) -> Option<&T> {
        self.map.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn finds_exactly_what_a_hash_map_finds(
            ids in proptest::collection::vec("[a-z0-9-]{0,40}", 0..200),
            probes in proptest::collection::vec("[a-z0-9-]{0,40}", 0..50),
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
    fn a_repeated_id_keeps_its_first_value_and_long_ids_are_found() {
        let mut index = IdIndex::default();
        let long = "a".repeat(200);
        index.insert("harbin", 1);
        index.insert("harbin", 2);
        index.insert(&long, 3);
        assert_eq!(index.get("harbin"), Some(&1));
        assert_eq!(index.get(&long), Some(&3));
        assert_eq!(index.get(&long[..199]), None);
    }
}

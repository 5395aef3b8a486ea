//! Entity ids as 4-byte keys. A big collection has millions of [`super::Mention`]s; each names
//! its entity by an [`EntityKey`] instead of a shared string (16 bytes) or an owned one.
//!
//! The table is process-wide and only grows: each distinct id is stored once, for the life of
//! the process. Ids come from catalogs (a few hundred) and from the rare caller that makes a
//! mention by hand, so the table stays small.

use std::collections::HashMap;
use std::sync::{OnceLock, PoisonError, RwLock};

/// A small number that stands for an entity id; [`EntityKey::as_str`] gives the id back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityKey(u32);

#[derive(Default)]
struct Table {
    names: Vec<&'static str>,
    by_name: HashMap<&'static str, u32>,
}

fn table() -> &'static RwLock<Table> {
    static TABLE: OnceLock<RwLock<Table>> = OnceLock::new();
    TABLE.get_or_init(RwLock::default)
}

impl EntityKey {
    /// The key of `id`, added to the table the first time it is seen.
    pub fn of(id: &str) -> Self {
        if let Some(&k) = table()
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .by_name
            .get(id)
        {
            return Self(k);
        }
        let mut t = table().write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&k) = t.by_name.get(id) {
            return Self(k);
        }
        // Stored for the life of the process (see the module docs).
        let name: &'static str = Box::leak(id.to_owned().into_boxed_str());
        let k = u32::try_from(t.names.len()).unwrap_or(u32::MAX);
        t.names.push(name);
        t.by_name.insert(name, k);
        Self(k)
    }

    /// The key in the high 24 bits of a `u32`, `low` (8 bits) below it. The table holds far
    /// fewer ids than 2^24 (see the module docs); a key past that reads as the last one.
    pub fn packed(self, low: u32) -> u32 {
        self.0.min((1 << 24) - 1) << 8 | (low & 0xff)
    }

    /// The key of a [`EntityKey::packed`] value.
    pub fn unpack(packed: u32) -> Self {
        Self(packed >> 8)
    }

    /// The id this key stands for.
    pub fn as_str(self) -> &'static str {
        table()
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .names
            .get(self.0 as usize)
            .copied()
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::EntityKey;

    #[test]
    fn a_key_gives_its_id_back_and_equal_ids_share_a_key() {
        let a = EntityKey::of("ids-test:alpha");
        let b = EntityKey::of("ids-test:beta");
        assert_ne!(a, b);
        assert_eq!(a, EntityKey::of(&String::from("ids-test:alpha")));
        assert_eq!(a.as_str(), "ids-test:alpha");
        assert_eq!(b.as_str(), "ids-test:beta");
    }
}

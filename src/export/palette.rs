//! Colours and sizes of nodes, shared by the exporters and the map so that a graph looks the same
//! in cloudatlas, Gephi and Graphviz. Headless: plain RGB triples, no UI types.

use crate::catalog::CATEGORIES;
use crate::graph::EntityKind;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Rgb {
    /// A colour from its three channels.
    pub const fn new(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b }
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// One colour per catalog category, in the order of [`CATEGORIES`]: hues spread around the wheel
/// and alternating in lightness so that neighbours in the legend stay apart.
const CATEGORY_COLOURS: &[Rgb] = &[
    Rgb::new(0xe6, 0x7e, 0x22), // Compute
    Rgb::new(0x2e, 0x86, 0xc1), // Containers
    Rgb::new(0xf1, 0xc4, 0x0f), // Serverless
    Rgb::new(0x27, 0xae, 0x60), // Storage
    Rgb::new(0x34, 0x49, 0x8c), // Database
    Rgb::new(0x8e, 0x44, 0xad), // Networking
    Rgb::new(0xd9, 0x88, 0xc8), // Content Delivery
    Rgb::new(0xc0, 0x39, 0x2b), // Security
    Rgb::new(0xe5, 0x98, 0x66), // Identity
    Rgb::new(0x16, 0xa0, 0x85), // Management
    Rgb::new(0xa3, 0xe4, 0xd7), // Monitoring
    Rgb::new(0x5d, 0x6d, 0x7e), // Developer Tools
    Rgb::new(0xd3, 0x54, 0x00), // CI/CD
    Rgb::new(0x1f, 0x61, 0x8d), // Analytics
    Rgb::new(0x48, 0xc9, 0xb0), // Streaming
    Rgb::new(0x7d, 0x3c, 0x98), // Application Integration
    Rgb::new(0xf5, 0xb0, 0x41), // Machine Learning
    Rgb::new(0x85, 0x92, 0x9e), // Migration
    Rgb::new(0x9a, 0x7d, 0x0a), // Cost Management
    Rgb::new(0x73, 0xc6, 0xb6), // End User Computing
    Rgb::new(0x1e, 0x84, 0x49), // IoT
    Rgb::new(0xec, 0x70, 0x63), // Media
    Rgb::new(0x5b, 0x2c, 0x6f), // Business Applications
    Rgb::new(0xaf, 0x7a, 0xc5), // Frontend and Mobile
    Rgb::new(0xba, 0x4a, 0x00), // Deployment
    Rgb::new(0x0e, 0x66, 0x55), // Resilience
    Rgb::new(0x6c, 0x34, 0x83), // Architecture
    Rgb::new(0x4d, 0x56, 0x56), // Tools
    Rgb::new(0xb7, 0x95, 0x0b), // Languages
    Rgb::new(0xa6, 0xac, 0xaf), // Other
];

/// Notes of a vault.
pub const NOTE_COLOUR: Rgb = Rgb::new(0x7f, 0x8c, 0x8d);
/// `#tags`.
pub const TAG_COLOUR: Rgb = Rgb::new(0x9b, 0x59, 0xb6);
/// Headed topics of the notes that are not in the catalog.
pub const TOPIC_COLOUR: Rgb = Rgb::new(0xbd, 0xc3, 0xc7);
/// Non-AWS tools without a known category.
pub const TOOL_COLOUR: Rgb = Rgb::new(0x56, 0x65, 0x73);

/// The colour of a catalog category; an unknown category gets a stable colour from its name.
pub fn category_colour(category: &str) -> Rgb {
    if let Some(ix) = CATEGORIES
        .iter()
        .position(|c| c.eq_ignore_ascii_case(category))
        && let Some(&colour) = CATEGORY_COLOURS.get(ix)
    {
        return colour;
    }
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let mut hash: u32 = 0x811c_9dc5;
    for byte in category.to_ascii_lowercase().bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    let len = u32::try_from(CATEGORY_COLOURS.len()).unwrap_or(1);
    let ix = usize::try_from(hash % len).unwrap_or(0);
    CATEGORY_COLOURS.get(ix).copied().unwrap_or(TOPIC_COLOUR)
}

/// The colour of an entity: notes, tags and topics by kind, catalog entries by category.
pub fn entity_colour(kind: EntityKind, category: &str) -> Rgb {
    match kind {
        EntityKind::Note => NOTE_COLOUR,
        EntityKind::Tag => TAG_COLOUR,
        EntityKind::Topic => TOPIC_COLOUR,
        EntityKind::Tool if category.is_empty() => TOOL_COLOUR,
        EntityKind::Service | EntityKind::Concept | EntityKind::Tool => category_colour(category),
    }
}

/// The size (diameter in map units) of a node that is mentioned `mentions` times and has `degree`
/// edges: grows with the square root so hubs stand out without hiding everything else.
pub fn node_size(mentions: u32, degree: usize) -> f32 {
    let weight = f64::from(mentions) + degree as f64;
    let size = 6.0 + 3.0 * weight.sqrt().min(12.0);
    size as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_its_own_colour() {
        assert_eq!(CATEGORY_COLOURS.len(), CATEGORIES.len());
        let mut seen = std::collections::HashSet::new();
        for category in CATEGORIES {
            assert!(seen.insert(category_colour(category)), "{category}");
        }
    }

    #[test]
    fn unknown_categories_are_stable_and_kinds_win() {
        assert_eq!(category_colour("Quantum"), category_colour("quantum"));
        assert_eq!(entity_colour(EntityKind::Tag, "Compute"), TAG_COLOUR);
        assert_eq!(
            entity_colour(EntityKind::Service, "Storage"),
            category_colour("Storage")
        );
        assert_eq!(Rgb::new(255, 0, 16).hex(), "#ff0010");
    }

    #[test]
    fn sizes_grow_and_are_bounded() {
        assert!(node_size(0, 0) < node_size(4, 1));
        assert!(node_size(u32::MAX, usize::MAX) <= 6.0 + 36.0 + 0.01);
    }
}

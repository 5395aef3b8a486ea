//! Design tokens: every colour and size the explorer uses, for the dark and the light theme.
//! Nothing else in `app` builds a colour from numbers.

use egui::{Color32, Visuals};

use crate::graph::EntityKind;

/// Colours and sizes of one theme.
#[derive(Clone, Debug)]
pub struct Theme {
    pub dark: bool,
    pub map_background: Color32,
    pub edge: Color32,
    pub edge_highlight: Color32,
    pub edge_dimmed: Color32,
    pub node_outline: Color32,
    pub selected_ring: Color32,
    pub search_ring: Color32,
    pub label: Color32,
    pub label_dimmed: Color32,
    pub label_halo: Color32,
    pub pin: Color32,
    pub warning: Color32,
    pub dim_alpha: u8,
}

/// Map sizes in points.
pub const LABEL_SIZE: f32 = 12.5;
pub const NODE_MIN_RADIUS: f32 = 4.0;
pub const NODE_MAX_RADIUS: f32 = 16.0;
/// Cell size of the grid that keeps labels from overlapping.
pub const LABEL_CELL: f32 = 24.0;

impl Theme {
    pub fn dark() -> Self {
        Self {
            dark: true,
            map_background: Color32::from_rgb(22, 25, 31),
            edge: Color32::from_rgba_unmultiplied(150, 160, 180, 70),
            edge_highlight: Color32::from_rgb(240, 200, 90),
            edge_dimmed: Color32::from_rgba_unmultiplied(150, 160, 180, 18),
            node_outline: Color32::from_rgb(12, 14, 18),
            selected_ring: Color32::from_rgb(255, 255, 255),
            search_ring: Color32::from_rgba_unmultiplied(255, 120, 200, 170),
            label: Color32::from_rgb(225, 230, 240),
            label_dimmed: Color32::from_rgba_unmultiplied(225, 230, 240, 60),
            label_halo: Color32::from_rgba_unmultiplied(22, 25, 31, 200),
            pin: Color32::from_rgb(255, 90, 80),
            warning: Color32::from_rgb(255, 190, 70),
            dim_alpha: 50,
        }
    }

    pub fn light() -> Self {
        Self {
            dark: false,
            map_background: Color32::from_rgb(246, 247, 250),
            edge: Color32::from_rgba_unmultiplied(70, 80, 100, 70),
            edge_highlight: Color32::from_rgb(200, 120, 0),
            edge_dimmed: Color32::from_rgba_unmultiplied(70, 80, 100, 18),
            node_outline: Color32::from_rgb(255, 255, 255),
            selected_ring: Color32::from_rgb(20, 20, 20),
            search_ring: Color32::from_rgb(200, 0, 130),
            label: Color32::from_rgb(30, 34, 44),
            label_dimmed: Color32::from_rgba_unmultiplied(30, 34, 44, 70),
            label_halo: Color32::from_rgba_unmultiplied(246, 247, 250, 210),
            pin: Color32::from_rgb(210, 40, 40),
            warning: Color32::from_rgb(180, 100, 0),
            dim_alpha: 60,
        }
    }

    pub fn for_mode(dark: bool) -> Self {
        if dark { Self::dark() } else { Self::light() }
    }

    /// The egui visuals that go with this theme.
    pub fn visuals(&self) -> Visuals {
        if self.dark {
            Visuals::dark()
        } else {
            Visuals::light()
        }
    }

    /// Fill colour of a node: by kind, shaded by category so services of different categories
    /// can be told apart.
    pub fn node_color(&self, kind: EntityKind, category: &str) -> Color32 {
        let base = kind_color(kind);
        if kind != EntityKind::Service || category.is_empty() {
            return base;
        }
        category_color(category)
    }

    /// A colour with the theme's dimmed alpha.
    pub fn dim(&self, color: Color32) -> Color32 {
        color.gamma_multiply_u8(self.dim_alpha)
    }
}

/// The legend colour of a kind.
pub fn kind_color(kind: EntityKind) -> Color32 {
    match kind {
        EntityKind::Service => Color32::from_rgb(255, 153, 0),
        EntityKind::Concept => Color32::from_rgb(80, 160, 255),
        EntityKind::Tool => Color32::from_rgb(110, 200, 120),
        EntityKind::Topic => Color32::from_rgb(180, 140, 255),
        EntityKind::Note => Color32::from_rgb(150, 160, 175),
        EntityKind::Tag => Color32::from_rgb(80, 210, 210),
    }
}

/// A stable colour for an AWS category (services only): warm hues, so services stay recognisable.
pub fn category_color(category: &str) -> Color32 {
    const PALETTE: [(u8, u8, u8); 10] = [
        (255, 153, 0),
        (255, 110, 64),
        (240, 190, 40),
        (230, 120, 150),
        (255, 130, 0),
        (220, 90, 90),
        (250, 170, 90),
        (210, 150, 60),
        (240, 100, 120),
        (255, 200, 110),
    ];
    let hash = category.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let (r, g, b) = PALETTE[(hash as usize) % PALETTE.len()];
    Color32::from_rgb(r, g, b)
}

/// The window icon: three linked nodes on a dark rounded square, drawn into RGBA.
pub fn window_icon() -> egui::IconData {
    const SIZE: usize = 64;
    let mut rgba = vec![0_u8; SIZE * SIZE * 4];
    let nodes = [
        (20.0_f32, 22.0_f32, 8.0_f32, kind_color(EntityKind::Service)),
        (44.0, 18.0, 6.0, kind_color(EntityKind::Concept)),
        (34.0, 44.0, 9.0, kind_color(EntityKind::Tool)),
    ];
    let edges = [(0_usize, 1_usize), (1, 2), (0, 2)];
    for y in 0..SIZE {
        for x in 0..SIZE {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            // Rounded square background.
            let r = 12.0;
            let dx = (px - px.clamp(r, SIZE as f32 - r)).abs();
            let dy = (py - py.clamp(r, SIZE as f32 - r)).abs();
            let inside = (dx * dx + dy * dy).sqrt() <= r;
            let mut c = if inside {
                [28_u8, 32, 40, 255]
            } else {
                [0, 0, 0, 0]
            };
            if inside {
                for &(a, b) in &edges {
                    let (ax, ay, _, _) = nodes[a];
                    let (bx, by, _, _) = nodes[b];
                    let (vx, vy) = (bx - ax, by - ay);
                    let t =
                        (((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)).clamp(0.0, 1.0);
                    let (qx, qy) = (ax + t * vx - px, ay + t * vy - py);
                    if (qx * qx + qy * qy).sqrt() < 1.6 {
                        c = [170, 180, 200, 255];
                    }
                }
                for &(nx, ny, nr, color) in &nodes {
                    if ((px - nx).powi(2) + (py - ny).powi(2)).sqrt() <= nr {
                        c = [color.r(), color.g(), color.b(), 255];
                    }
                }
            }
            let i = (y * SIZE + x) * 4;
            if let Some(dst) = rgba.get_mut(i..i + 4) {
                dst.copy_from_slice(&c);
            }
        }
    }
    egui::IconData {
        rgba,
        width: SIZE as u32,
        height: SIZE as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_colours_are_stable_and_vary() {
        assert_eq!(category_color("Storage"), category_color("Storage"));
        let all: std::collections::BTreeSet<_> =
            ["Storage", "Compute", "Database", "Networking", "Security"]
                .iter()
                .map(|c| category_color(c).to_array())
                .collect();
        assert!(all.len() >= 3);
    }

    #[test]
    fn icon_has_colours() {
        let icon = window_icon();
        assert_eq!(icon.rgba.len(), 64 * 64 * 4);
        let distinct: std::collections::BTreeSet<_> =
            icon.rgba.chunks(4).map(|c| c.to_vec()).collect();
        assert!(distinct.len() >= 5);
        // The raw pixels, for `convert -size 64x64 -depth 8 rgba:FILE assets/icon.png`.
        std::fs::write(
            std::env::temp_dir().join("cloudatlas-icon.rgba"),
            &icon.rgba,
        )
        .unwrap();
    }
}

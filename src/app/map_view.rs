//! The map: draws the graph with the Painter and handles pan, zoom, node drag, hover and click.
//!
//! Drawing is batched: every edge goes into one feathered triangle mesh, every node disc into
//! another, so a 5,000-node map costs a handful of shapes. Off-screen nodes and edges are culled.
//! Labels follow a level of detail: hovered, selected, searched and nearby nodes first, then the
//! most mentioned; a coarse occupancy grid keeps them from overlapping. When AccessKit is on (a
//! screen reader, or the kittest harness), each visible node also gets a hit area with its label.

use std::sync::{Arc, OnceLock};

use egui::Galley;
use egui::epaint::{Mesh, Shape};
use egui::{Color32, CornerRadius, FontId, Id, Pos2, Rect, Sense, Stroke, Ui, Vec2, pos2, vec2};
use serde::{Deserialize, Serialize};

use super::model::MapModel;
use super::theme::{self, Theme};
use crate::export::svg::{MapScene, Ring, SceneEdge, SceneLabel, SceneNode};

/// Where the map looks: `screen = rect.center + (world - center) * zoom`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Camera {
    pub center: [f32; 2],
    pub zoom: f32,
}

impl Default for Camera {
    fn default() -> Self {
        Self {
            center: [0.0, 0.0],
            zoom: 1.0,
        }
    }
}

/// What the map shows this frame, besides positions (owned by [`MapView`]).
pub struct MapInput<'a> {
    pub model: &'a MapModel,
    /// Per node: passes the filters (and the local-graph mask).
    pub shown: &'a [bool],
    /// Per node: a search hit.
    pub search_hit: &'a [bool],
    pub selected: Option<usize>,
    pub theme: &'a Theme,
    pub labels: bool,
    /// Per node: the colour of its weak-topic ring (its level's colour), if it is marked.
    pub rings: &'a [Option<Color32>],
    /// Per node: its level's name, for the context menu and the accessible label.
    pub marks: &'a [Option<&'static str>],
    /// Catalog entries the notes never mention (exam gaps), drawn as hollow nodes: name and
    /// world position.
    pub gaps: &'a [(String, Pos2)],
}

/// What the node's context menu asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeAction {
    TogglePin,
    /// Mark at a level (`None`: remove the mark).
    Mark(Option<crate::study::Level>),
    /// Open the mark form (level and note).
    EditMark,
}

/// What the user did on the map this frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapOutput {
    pub clicked: Option<usize>,
    pub background_clicked: bool,
    /// A node is being dragged to this world position.
    pub dragged: Option<(usize, [f32; 2])>,
    /// A node drag ended (the node is now pinned).
    pub released: Option<usize>,
    /// Secondary click on a node: toggle its pin.
    pub toggle_pin: Option<usize>,
    /// The user panned or zoomed.
    pub camera_changed: bool,
    /// A choice in a node's context menu.
    pub menu: Option<(usize, NodeAction)>,
    /// The keyboard moved the selection to this node (arrow keys on the focused map).
    pub key_selected: Option<usize>,
    /// Enter on the focused map: open this node's pane.
    pub activated: Option<usize>,
}

/// The map's view state: positions, pins, camera, hover, drag.
#[derive(Default)]
pub struct MapView {
    /// World position per model node.
    pub positions: Vec<Pos2>,
    pub pinned: Vec<bool>,
    pub camera: Camera,
    pub hovered: Option<usize>,
    dragging: Option<usize>,
    /// Fit every shown node into view on the next frame.
    pub fit_requested: bool,
    /// Fit only the main connected parts (the first view): loners and small islands far out
    /// are left outside.
    pub fit_main: bool,
    /// Centre this node on the next frame.
    pub center_on: Option<usize>,
    /// Fit the camera to these nodes on the next frame (a topic and its neighbours).
    pub fit_to: Option<Vec<bool>>,
    /// The node whose context menu is open (right-click on the map).
    menu_node: Option<usize>,
    /// The pointer this frame (for hover effects while painting).
    pointer: Option<Pos2>,
    /// Bring this node into view on the next frame (the least panning that does it).
    pub reveal: Option<usize>,
    /// The map has the keyboard focus (arrow keys move the selection).
    pub has_focus: bool,
    // Per-frame scratch buffers, kept to avoid allocating every frame.
    screen: Vec<Pos2>,
    on_screen: Vec<bool>,
    label_grid: Vec<bool>,
    placed: Vec<bool>,
    /// `zoom^0.6`, computed once per frame: node radii grow slower than the zoom.
    radius_scale: f32,
    /// Laid-out labels per node (colour-free, tinted when painted), kept across frames so that
    /// labels appearing and disappearing as the pointer moves are not shaped again each time.
    label_galleys: Vec<Option<Arc<Galley>>>,
    label_pixels_per_point: f32,
    /// The map's rectangle in the last frame (a screenshot is cropped to it).
    pub(super) last_rect: Option<Rect>,
    /// Record what the next frame paints, for [`Self::take_scene`].
    pub(super) record_scene: bool,
    scene: Option<MapScene>,
}

const HIT_SLOP: f32 = 4.0;

impl MapView {
    /// Screen radius of a node at the current zoom.
    fn screen_radius(&self, radius: f32) -> f32 {
        (radius * self.radius_scale).clamp(1.5, 48.0)
    }

    /// The scene recorded by the last painted frame after [`Self::record_scene`] was set.
    pub(super) fn take_scene(&mut self) -> Option<MapScene> {
        self.scene.take()
    }

    /// Forgets the cached label layouts (the model changed).
    pub fn reset_label_cache(&mut self) {
        self.label_galleys.clear();
    }

    fn to_screen(&self, rect: Rect, world: Pos2) -> Pos2 {
        let c = self.camera.center;
        rect.center() + vec2(world.x - c[0], world.y - c[1]) * self.camera.zoom
    }

    fn to_world(&self, rect: Rect, screen: Pos2) -> Pos2 {
        let c = self.camera.center;
        let d = (screen - rect.center()) / self.camera.zoom;
        pos2(c[0] + d.x, c[1] + d.y)
    }

    /// Is a node being dragged right now?
    pub fn is_dragging(&self) -> bool {
        self.dragging.is_some()
    }

    /// The node being dragged, if any.
    pub fn dragging(&self) -> Option<usize> {
        self.dragging
    }

    /// Sets the camera so that the shown nodes fit into `rect`. Far-flung outliers (small
    /// disconnected pieces the layout pushes away) do not shrink the main map to a dot: the
    /// bounds are the 2nd to 98th percentile of the positions, widened to include every node
    /// that is at most twice as far out.
    pub fn fit(&mut self, rect: Rect, shown: &[bool]) {
        let mut xs: Vec<f32> = Vec::new();
        let mut ys: Vec<f32> = Vec::new();
        for (p, _) in self.positions.iter().zip(shown).filter(|(_, s)| **s) {
            if p.x.is_finite() && p.y.is_finite() {
                xs.push(p.x);
                ys.push(p.y);
            }
        }
        if xs.is_empty() {
            return;
        }
        xs.sort_by(f32::total_cmp);
        ys.sort_by(f32::total_cmp);
        let pick = |v: &[f32], q: f32| v[((v.len() - 1) as f32 * q).round() as usize];
        let (lo, hi) = if xs.len() >= 50 {
            (0.02, 0.98)
        } else {
            (0.0, 1.0)
        };
        let mut bounds = Rect::from_min_max(
            pos2(pick(&xs, lo), pick(&ys, lo)),
            pos2(pick(&xs, hi), pick(&ys, hi)),
        );
        let core = bounds;
        for (x, y) in xs.iter().zip(&ys) {
            let p = pos2(*x, *y);
            if core.expand2(core.size() * 0.5).contains(p) {
                bounds.extend_with(p);
            }
        }
        let bounds = bounds.expand(20.0);
        let margin = 40.0;
        let avail = (rect.size() - Vec2::splat(2.0 * margin)).max(Vec2::splat(10.0));
        let zoom = (avail.x / bounds.width().max(1.0)).min(avail.y / bounds.height().max(1.0));
        self.camera = Camera {
            center: [bounds.center().x, bounds.center().y],
            zoom: zoom.clamp(0.02, 4.0),
        };
    }

    fn hit(&self, input: &MapInput<'_>, pointer: Pos2) -> Option<usize> {
        let mut best: Option<(usize, f32)> = None;
        for (i, node) in input.model.nodes.iter().enumerate() {
            if !self.on_screen.get(i).copied().unwrap_or(false) {
                continue;
            }
            let Some(p) = self.screen.get(i) else {
                continue;
            };
            let d = p.distance(pointer);
            if d <= self.screen_radius(node.radius) + HIT_SLOP && best.is_none_or(|(_, bd)| d < bd)
            {
                best = Some((i, d));
            }
        }
        best.map(|(i, _)| i)
    }

    /// Projects every node to the screen and culls those outside `rect`.
    fn project(&mut self, rect: Rect, input: &MapInput<'_>) {
        self.screen.clear();
        self.on_screen.clear();
        let cull = rect.expand(theme::NODE_MAX_RADIUS * 3.0);
        for (i, world) in self.positions.iter().enumerate() {
            let p = self.to_screen(rect, *world);
            self.screen.push(p);
            self.on_screen
                .push(input.shown.get(i).copied().unwrap_or(true) && cull.contains(p));
        }
    }

    /// Is node `i` shown and placed?
    fn placed(&self, input: &MapInput<'_>, i: usize) -> bool {
        input.shown.get(i).copied().unwrap_or(true)
            && self
                .positions
                .get(i)
                .is_some_and(|p| p.x.is_finite() && p.y.is_finite())
    }

    /// The next node from `from` in direction `dir` (a unit vector on screen): within 60° of
    /// it, the nearest by distance, with a penalty for the angle and a bonus for neighbours.
    pub fn step_from(&self, input: &MapInput<'_>, from: usize, dir: Vec2) -> Option<usize> {
        let origin = *self.positions.get(from)?;
        let neighbours = input.model.adjacency.get(from);
        let mut best: Option<(usize, f32)> = None;
        for i in 0..self.positions.len() {
            if i == from || !self.placed(input, i) {
                continue;
            }
            let d = self.positions[i] - origin;
            let len = d.length();
            if len < 1e-3 {
                continue;
            }
            let cos = d.dot(dir) / len;
            if cos < 0.5 {
                continue;
            }
            let mut score = len * (1.0 + 3.0 * (1.0 - cos));
            if neighbours.is_some_and(|l| l.binary_search_by(|(n, _)| n.cmp(&i)).is_ok()) {
                score *= 0.75;
            }
            if best.is_none_or(|(_, b)| score < b) {
                best = Some((i, score));
            }
        }
        best.map(|(i, _)| i)
    }

    /// The shown node nearest to the middle of the view.
    pub fn nearest_to_center(&self, input: &MapInput<'_>) -> Option<usize> {
        let c = pos2(self.camera.center[0], self.camera.center[1]);
        (0..self.positions.len())
            .filter(|&i| self.placed(input, i))
            .min_by(|&a, &b| {
                self.positions[a]
                    .distance_sq(c)
                    .total_cmp(&self.positions[b].distance_sq(c))
            })
    }

    /// Pans the least that puts `node` inside the view (with a margin).
    fn reveal_node(&mut self, rect: Rect, node: usize) {
        let Some(&world) = self.positions.get(node) else {
            return;
        };
        let p = self.to_screen(rect, world);
        let inner = rect.shrink((rect.size().min_elem() * 0.15).min(80.0));
        if !p.x.is_finite() || !p.y.is_finite() || inner.contains(p) {
            return;
        }
        let inside = inner.clamp(p);
        let delta = (p - inside) / self.camera.zoom;
        self.camera.center[0] += delta.x;
        self.camera.center[1] += delta.y;
    }

    /// Draws the map into the remaining space of `ui` and handles its input.
    pub fn ui(&mut self, ui: &mut Ui, input: &MapInput<'_>) -> MapOutput {
        let mut out = MapOutput::default();
        let n = input.model.nodes.len();
        self.positions.resize(n, Pos2::ZERO);
        self.pinned.resize(n, false);
        self.radius_scale = self.camera.zoom.powf(0.6);
        let ppp = ui.ctx().pixels_per_point();
        if self.label_galleys.len() != n || self.label_pixels_per_point != ppp {
            self.label_galleys.clear();
            self.label_galleys.resize(n, None);
            self.label_pixels_per_point = ppp;
        }
        let rect = ui.available_rect_before_wrap();
        self.last_rect = Some(rect);
        let map_id = ui.make_persistent_id("map");
        let response = ui.interact(rect, map_id, Sense::click_and_drag());
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Map of the notes")
        });
        if self.fit_requested {
            self.fit_requested = false;
            let main: Vec<bool> = input
                .shown
                .iter()
                .zip(&input.model.main_part)
                .map(|(s, m)| *s && *m)
                .collect();
            if self.fit_main && main.contains(&true) {
                self.fit(rect, &main);
            } else {
                self.fit(rect, input.shown);
            }
        }
        if let Some(mask) = self.fit_to.take() {
            self.fit(rect, &mask);
            self.camera.zoom = self.camera.zoom.min(2.0);
        }
        if let Some(node) = self.center_on.take()
            && let Some(p) = self.positions.get(node)
        {
            self.camera.center = [p.x, p.y];
            self.camera.zoom = self.camera.zoom.max(0.8);
        }
        if let Some(node) = self.reveal.take() {
            self.reveal_node(rect, node);
        }

        self.project(rect, input);

        // The keyboard: arrows move the selection, Enter opens its pane.
        self.has_focus = response.has_focus();
        let mut key_click = false;
        if self.has_focus {
            ui.memory_mut(|m| {
                m.set_focus_lock_filter(
                    map_id,
                    egui::EventFilter {
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        ..egui::EventFilter::default()
                    },
                );
            });
            let (dir, enter) = ui.input(|i| {
                let mut dir = Vec2::ZERO;
                for (key, d) in [
                    (egui::Key::ArrowLeft, vec2(-1.0, 0.0)),
                    (egui::Key::ArrowRight, vec2(1.0, 0.0)),
                    (egui::Key::ArrowUp, vec2(0.0, -1.0)),
                    (egui::Key::ArrowDown, vec2(0.0, 1.0)),
                ] {
                    if i.key_pressed(key) {
                        dir += d;
                    }
                }
                let enter = i.key_pressed(egui::Key::Enter) || i.key_pressed(egui::Key::Space);
                (dir, enter)
            });
            key_click = enter;
            if dir != Vec2::ZERO {
                let next = match input.selected {
                    Some(from) => self.step_from(input, from, dir.normalized()),
                    None => self.nearest_to_center(input),
                };
                if let Some(node) = next {
                    out.key_selected = Some(node);
                    self.reveal_node(rect, node);
                    self.project(rect, input);
                }
            }
            if enter {
                out.activated = input.selected.or_else(|| self.nearest_to_center(input));
            }
        }

        // Hover → drag → pan/zoom → click → paint.
        let pointer = ui.input(|i| i.pointer.hover_pos());
        self.pointer = pointer;
        let pointer_in = response.contains_pointer() || response.dragged();
        self.hovered = match (self.dragging, pointer) {
            (Some(d), _) => Some(d),
            (None, Some(p)) if pointer_in => self.hit(input, p),
            _ => None,
        };

        if response.drag_started() {
            let origin = ui.input(|i| i.pointer.press_origin());
            self.dragging = origin.and_then(|o| self.hit(input, o));
        }
        if response.dragged() {
            let delta = response.drag_delta();
            match self.dragging {
                Some(node) => {
                    if let Some(p) = self.positions.get_mut(node) {
                        *p += delta / self.camera.zoom;
                        out.dragged = Some((node, [p.x, p.y]));
                    }
                    if let Some(pin) = self.pinned.get_mut(node) {
                        *pin = true;
                    }
                }
                None if delta != Vec2::ZERO => {
                    self.camera.center[0] -= delta.x / self.camera.zoom;
                    self.camera.center[1] -= delta.y / self.camera.zoom;
                    out.camera_changed = true;
                }
                None => {}
            }
        }
        if response.drag_stopped() {
            out.released = self.dragging.take();
        }
        if response.contains_pointer() {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
            let factor = pinch * (scroll * 0.0018).exp();
            if (factor - 1.0).abs() > 1e-4
                && let Some(p) = pointer
            {
                let before = self.to_world(rect, p);
                self.camera.zoom = (self.camera.zoom * factor).clamp(0.02, 8.0);
                self.radius_scale = self.camera.zoom.powf(0.6);
                let after = self.to_world(rect, p);
                self.camera.center[0] += before.x - after.x;
                self.camera.center[1] += before.y - after.y;
                out.camera_changed = true;
                // Positions on screen moved: project again.
                for i in 0..n {
                    self.screen[i] = self.to_screen(rect, self.positions[i]);
                }
            }
        }
        if (response.clicked() || response.drag_started()) && !response.has_focus() {
            // A click on the map gives it the keyboard (arrows move the selection from there).
            response.request_focus();
        }
        if response.clicked() && !key_click {
            let at = response.interact_pointer_pos();
            match at.and_then(|p| self.hit(input, p)) {
                Some(node) => out.clicked = Some(node),
                None => out.background_clicked = true,
            }
        }
        if response.secondary_clicked() {
            self.menu_node = response
                .interact_pointer_pos()
                .and_then(|p| self.hit(input, p));
        }
        if let Some(node) = self.menu_node {
            let pinned = self.pinned.get(node).copied().unwrap_or(false);
            let shown = response.context_menu(|ui| node_menu_ui(ui, node, pinned, input, &mut out));
            if shown.is_none() {
                self.menu_node = None;
            }
        }
        if out.dragged.is_some() {
            // The dragged node moved: refresh its screen position for painting.
            if let Some(node) = self.dragging {
                self.screen[node] = self.to_screen(rect, self.positions[node]);
            }
        }

        self.accessible_nodes_ui(ui, input, rect, &mut out);
        self.paint(ui, input, rect);
        ui.ctx().accesskit_node_builder(response.id, |b| {
            let selected = input.selected.map_or_else(
                || "Nothing selected".to_owned(),
                |i| format!("Selected: {}", node_summary(input, i)),
            );
            b.set_description(format!(
                "{} nodes, {} links. {selected}. Arrow keys move the selection, Enter opens its \
                 notes, Escape clears it.",
                input.model.nodes.len(),
                input.model.edges.len()
            ));
        });
        if self.has_focus {
            ui.painter().rect_stroke(
                rect.shrink(1.0),
                CornerRadius::ZERO,
                ui.visuals().selection.stroke,
                egui::StrokeKind::Inside,
            );
        }
        if self.dragging.is_none()
            && !egui::Popup::is_any_open(ui.ctx())
            && let (Some(h), Some(p)) = (self.hovered, pointer)
        {
            self.tooltip_ui(ui, input, h, p);
        }
        out
    }

    /// One hit area per visible node, with its label, when AccessKit is on. Clicks on them
    /// select the node; drags fall through to the map.
    fn accessible_nodes_ui(
        &self,
        ui: &mut Ui,
        input: &MapInput<'_>,
        rect: Rect,
        out: &mut MapOutput,
    ) {
        let map_id = ui.make_persistent_id("map-nodes");
        if ui.ctx().accesskit_node_builder(map_id, |_| ()).is_none() {
            return;
        }
        for (i, node) in input.model.nodes.iter().enumerate() {
            if !self.on_screen[i] || !rect.contains(self.screen[i]) {
                continue;
            }
            let r = self.screen_radius(node.radius).max(3.0);
            let hit = Rect::from_center_size(self.screen[i], Vec2::splat(2.0 * r));
            let resp = ui.interact(hit, map_id.with(i), Sense::click());
            let label = node.label.clone();
            resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            if input.selected == Some(i) {
                let about = node_summary(input, i);
                ui.ctx().accesskit_node_builder(resp.id, |b| {
                    b.set_selected(true);
                    b.set_description(about);
                });
            }
            if resp.clicked() {
                out.clicked = Some(i);
            }
            let pinned = self.pinned.get(i).copied().unwrap_or(false);
            resp.context_menu(|ui| node_menu_ui(ui, i, pinned, input, out));
        }
    }

    fn paint(&mut self, ui: &Ui, input: &MapInput<'_>, rect: Rect) {
        let painter = ui.painter_at(rect);
        let t = input.theme;
        let model = input.model;
        painter.rect_filled(rect, CornerRadius::ZERO, t.map_background);
        if std::mem::take(&mut self.record_scene) {
            self.scene = Some(MapScene {
                width: rect.width(),
                height: rect.height(),
                background: rgba(t.map_background),
                ..MapScene::default()
            });
        }
        let at = |p: Pos2| [p.x - rect.min.x, p.y - rect.min.y];

        // Focus: the hovered node (else nothing) and its neighbours stay bright.
        let focus = self.hovered;
        let neighbour_of = |node: usize, other: usize| -> bool {
            model
                .adjacency
                .get(node)
                .is_some_and(|l| l.binary_search_by(|(n, _)| n.cmp(&other)).is_ok())
        };
        let is_bright = |i: usize| -> bool {
            match focus {
                None => true,
                Some(f) => f == i || neighbour_of(f, i),
            }
        };

        // Edges and nodes: one feathered mesh, edges first. It gets a clip rectangle of its own
        // so that the tessellator takes it as it is instead of copying it into a shared mesh.
        let mut edges = Mesh::default();
        edges
            .vertices
            .reserve(model.edges.len() * 8 + model.nodes.len() * 40);
        edges
            .indices
            .reserve(model.edges.len() * 18 + model.nodes.len() * 100);
        let mut top_edges = Mesh::default();
        let zoom_w = self.camera.zoom.powf(0.5).clamp(0.4, 2.0);
        for e in &model.edges {
            let (a, b) = (e.a, e.b);
            let shown = |i: usize| input.shown.get(i).copied().unwrap_or(true);
            if !shown(a) || !shown(b) {
                continue;
            }
            let (pa, pb) = (self.screen[a], self.screen[b]);
            let bb = Rect::from_two_pos(pa, pb);
            if !bb.intersects(rect) {
                continue;
            }
            let width = (0.8 + e.weight.max(0.0).ln_1p() * 0.7) * zoom_w;
            let incident = |n: Option<usize>| n.is_some_and(|n| n == a || n == b);
            let (mesh, width, color) = if incident(focus) || incident(input.selected) {
                (&mut top_edges, width + 0.6, t.edge_highlight)
            } else if focus.is_some() {
                (&mut edges, width, t.edge_dimmed)
            } else {
                (&mut edges, width, t.edge)
            };
            add_line(mesh, pa, pb, width, color);
            if let Some(scene) = &mut self.scene {
                // As add_line draws it: lines thinner than a pixel are a faded pixel.
                let faded = if width < 1.0 {
                    color.gamma_multiply(width.max(0.2))
                } else {
                    color
                };
                scene.edges.push(SceneEdge {
                    from: at(pa),
                    to: at(pb),
                    width: width.max(1.0),
                    color: rgba(faded),
                });
            }
        }
        if let Some(scene) = &mut self.scene {
            // Highlighted edges are drawn last, on top.
            let highlight = rgba(t.edge_highlight);
            scene.edges.sort_by_key(|e| e.color == highlight);
        }
        edges.append_ref(&top_edges);

        // Nodes: discs with an outline, in the same mesh.
        let mut discs = edges;
        let mut extras: Vec<Shape> = Vec::new();
        for (i, node) in model.nodes.iter().enumerate() {
            if !self.on_screen[i] {
                continue;
            }
            let p = self.screen[i];
            let r = self.screen_radius(node.radius);
            let mut fill = t.node_color(node.kind, &node.category);
            let mut outline = t.node_outline;
            if !is_bright(i) {
                fill = t.dim(fill);
                outline = t.dim(outline);
            }
            add_disc(&mut discs, p, r, fill, (r >= 3.0).then_some(outline));
            let extras_before = extras.len();
            if input.search_hit.get(i).copied().unwrap_or(false) {
                extras.push(Shape::circle_stroke(
                    p,
                    r + 3.5,
                    Stroke::new(1.5, t.search_ring),
                ));
            }
            if let Some(Some(color)) = input.rings.get(i) {
                let color = if is_bright(i) { *color } else { t.dim(*color) };
                extras.push(Shape::circle_stroke(p, r + 5.0, Stroke::new(3.0, color)));
            }
            if input.selected == Some(i) {
                extras.push(Shape::circle_stroke(
                    p,
                    r + 3.0,
                    Stroke::new(2.5, t.selected_ring),
                ));
            }
            if self.pinned.get(i).copied().unwrap_or(false) {
                let head = p + vec2(r * 0.75 + 2.0, -r * 0.75 - 2.0);
                extras.push(Shape::line_segment(
                    [head, head + vec2(-3.0, 4.0)],
                    Stroke::new(1.5, t.pin),
                ));
                extras.push(Shape::circle_filled(head, 3.0, t.pin));
            }
            // Discs in the cull margin are painted but clipped away: only visible ones go in.
            let visible = Rect::from_center_size(p, Vec2::splat(2.0 * r + 12.0)).intersects(rect);
            if let Some(scene) = self.scene.as_mut().filter(|_| visible) {
                let rings = extras[extras_before..]
                    .iter()
                    .filter_map(|shape| match shape {
                        Shape::Circle(c) if c.fill == Color32::TRANSPARENT => Some(Ring {
                            radius: c.radius,
                            stroke: crate::export::svg::Stroke {
                                width: c.stroke.width,
                                color: rgba(c.stroke.color),
                            },
                        }),
                        _ => None,
                    })
                    .collect();
                scene.nodes.push(SceneNode {
                    id: Some(node.id.clone()),
                    label: node.label.clone(),
                    center: at(p),
                    radius: r,
                    fill: Some(rgba(fill)),
                    outline: (r >= 3.0).then_some(crate::export::svg::Stroke {
                        width: 1.0,
                        color: rgba(outline),
                    }),
                    rings,
                    pin: self
                        .pinned
                        .get(i)
                        .copied()
                        .unwrap_or(false)
                        .then_some(rgba(t.pin)),
                });
            }
        }
        painter
            .with_clip_rect(painter.clip_rect().shrink(0.25))
            .add(Shape::mesh(discs));
        painter.extend(extras);

        // Exam gaps: hollow nodes; names when zoomed in (else on hover).
        let gap_r = self.screen_radius(7.0).max(4.0);
        let names = self.camera.zoom >= 0.9;
        for (name, world) in input.gaps {
            let p = self.to_screen(rect, *world);
            if !rect.contains(p) {
                continue;
            }
            let ring = t.label.gamma_multiply(0.85);
            painter.circle_stroke(p, gap_r, Stroke::new(1.5, ring));
            let hovered = self.pointer.is_some_and(|q| q.distance(p) <= gap_r + 2.0);
            let mut text_rect = None;
            let color = t.label.gamma_multiply(if hovered { 1.0 } else { 0.7 });
            if names || hovered {
                text_rect = Some(painter.text(
                    p + vec2(gap_r + 3.0, 0.0),
                    egui::Align2::LEFT_CENTER,
                    if hovered {
                        format!("{name} (not in your notes)")
                    } else {
                        name.clone()
                    },
                    egui::FontId::proportional(11.0),
                    color,
                ));
            }
            if let Some(scene) = &mut self.scene {
                scene.nodes.push(SceneNode {
                    id: None,
                    label: format!("{name} (not in your notes)"),
                    center: at(p),
                    radius: gap_r,
                    fill: None,
                    outline: Some(crate::export::svg::Stroke {
                        width: 1.5,
                        color: rgba(ring),
                    }),
                    rings: Vec::new(),
                    pin: None,
                });
                if let Some(r) = text_rect {
                    scene.labels.push(SceneLabel {
                        text: if hovered {
                            format!("{name} (not in your notes)")
                        } else {
                            name.clone()
                        },
                        min: at(r.min),
                        size: [r.width(), r.height()],
                        font_size: 11.0,
                        color: rgba(color),
                        halo: None,
                    });
                }
            }
        }

        if input.labels {
            self.paint_labels(&painter, input, rect, &is_bright);
        }
    }

    fn paint_labels(
        &mut self,
        painter: &egui::Painter,
        input: &MapInput<'_>,
        rect: Rect,
        is_bright: &dyn Fn(usize) -> bool,
    ) {
        let model = input.model;
        let t = input.theme;
        let cols = (rect.width() / theme::LABEL_CELL).ceil() as usize + 1;
        let rows = (rect.height() / theme::LABEL_CELL).ceil() as usize + 1;
        self.label_grid.clear();
        self.label_grid.resize(cols * rows, false);
        self.placed.clear();
        self.placed.resize(model.nodes.len(), false);
        let font = FontId::proportional(theme::LABEL_SIZE);
        let pointer = painter.ctx().input(|i| i.pointer.hover_pos());

        // Priority: hovered, selected, their neighbours, search hits, nodes near the pointer,
        // then by importance (all of them when zoomed in, the top ones otherwise).
        let mut order: Vec<(usize, bool)> = Vec::with_capacity(64);
        for f in [self.hovered, input.selected].into_iter().flatten() {
            order.push((f, true));
            for &(nb, _) in model.adjacency.get(f).map_or(&[][..], Vec::as_slice) {
                order.push((nb, false));
            }
        }
        for (i, hit) in input.search_hit.iter().enumerate() {
            if *hit {
                order.push((i, false));
            }
        }
        if let Some(p) = pointer
            && rect.contains(p)
        {
            for (i, s) in self.screen.iter().enumerate() {
                if self.on_screen[i] && s.distance(p) < 140.0 {
                    order.push((i, false));
                }
            }
        }
        let budget = if self.camera.zoom >= 1.5 {
            model.nodes.len()
        } else {
            ((self.camera.zoom * 200.0) as usize)
                .max(40)
                .min(model.nodes.len())
        };
        let mut taken = 0;
        for &i in &model.by_importance {
            if taken >= budget {
                break;
            }
            if self.on_screen[i] && rect.contains(self.screen[i]) {
                order.push((i, false));
                taken += 1;
            }
        }

        let mut drawn = 0;
        for (i, forced) in order {
            if drawn >= 600 {
                break;
            }
            if self.placed[i] || !self.on_screen[i] {
                continue;
            }
            let Some(node) = model.nodes.get(i) else {
                continue;
            };
            let p = self.screen[i];
            let r = self.screen_radius(node.radius);
            let bright = is_bright(i);
            let color = if bright { t.label } else { t.label_dimmed };
            let Some(slot) = self.label_galleys.get_mut(i) else {
                continue;
            };
            let galley = slot
                .get_or_insert_with(|| {
                    painter.layout_no_wrap(node.label.clone(), font.clone(), Color32::PLACEHOLDER)
                })
                .clone();
            let size = galley.size();
            let min = pos2(p.x - size.x / 2.0, p.y + r + 2.0);
            let label_rect = Rect::from_min_size(min, size);
            if !rect.intersects(label_rect) {
                continue;
            }
            // Coarse occupancy grid.
            let c0 = ((label_rect.min.x - rect.min.x) / theme::LABEL_CELL)
                .floor()
                .max(0.0) as usize;
            let c1 = ((label_rect.max.x - rect.min.x) / theme::LABEL_CELL)
                .floor()
                .max(0.0) as usize;
            let r0 = ((label_rect.min.y - rect.min.y) / theme::LABEL_CELL)
                .floor()
                .max(0.0) as usize;
            let r1 = ((label_rect.max.y - rect.min.y) / theme::LABEL_CELL)
                .floor()
                .max(0.0) as usize;
            let (c1, r1) = (c1.min(cols - 1), r1.min(rows - 1));
            let free = (r0..=r1).all(|row| (c0..=c1).all(|col| !self.label_grid[row * cols + col]));
            if !free && !forced {
                continue;
            }
            for row in r0..=r1 {
                for col in c0..=c1 {
                    self.label_grid[row * cols + col] = true;
                }
            }
            self.placed[i] = true;
            drawn += 1;
            if bright {
                painter.rect_filled(label_rect.expand(1.5), CornerRadius::same(3), t.label_halo);
            }
            if let Some(scene) = &mut self.scene {
                scene.labels.push(SceneLabel {
                    text: node.label.clone(),
                    min: [min.x - rect.min.x, min.y - rect.min.y],
                    size: [size.x, size.y],
                    font_size: theme::LABEL_SIZE,
                    color: rgba(color),
                    halo: bright.then_some(rgba(t.label_halo)),
                });
            }
            painter.galley(min, galley, color);
        }

        // Relation kinds along the hovered node's edges, where there is room.
        let Some(f) = self.hovered else { return };
        let kind_font = FontId::proportional(10.5);
        for &(other, e) in model
            .adjacency
            .get(f)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .take(60)
        {
            let Some(edge) = model.edges.get(e) else {
                continue;
            };
            if edge.kind.is_empty() || !self.on_screen[other] {
                continue;
            }
            let mid = self.screen[f].lerp(self.screen[other], 0.5);
            let galley = painter.layout_no_wrap(
                edge.kind.replace('_', " "),
                kind_font.clone(),
                t.edge_highlight,
            );
            let label_rect = Rect::from_center_size(mid, galley.size());
            if !rect.contains_rect(label_rect) {
                continue;
            }
            let col = ((mid.x - rect.min.x) / theme::LABEL_CELL) as usize;
            let row = ((mid.y - rect.min.y) / theme::LABEL_CELL) as usize;
            let Some(cell) = self.label_grid.get_mut(row * cols + col.min(cols - 1)) else {
                continue;
            };
            if *cell {
                continue;
            }
            *cell = true;
            painter.rect_filled(label_rect.expand(1.5), CornerRadius::same(3), t.label_halo);
            if let Some(scene) = &mut self.scene {
                scene.labels.push(SceneLabel {
                    text: edge.kind.replace('_', " "),
                    min: [label_rect.min.x - rect.min.x, label_rect.min.y - rect.min.y],
                    size: [label_rect.width(), label_rect.height()],
                    font_size: 10.5,
                    color: rgba(t.edge_highlight),
                    halo: Some(rgba(t.label_halo)),
                });
            }
            painter.galley(label_rect.min, galley, t.edge_highlight);
        }
    }

    fn tooltip_ui(&self, ui: &Ui, input: &MapInput<'_>, node: usize, pointer: Pos2) {
        let Some(n) = input.model.nodes.get(node) else {
            return;
        };
        let t = input.theme;
        let layer = egui::LayerId::new(egui::Order::Tooltip, Id::unique("map-tooltip"));
        let painter = ui.ctx().layer_painter(layer);
        let visuals = ui.visuals();
        let mut lines: Vec<(String, FontId, Color32)> = vec![(
            n.label.clone(),
            FontId::proportional(14.0),
            visuals.strong_text_color(),
        )];
        let kind = if n.category.is_empty() {
            n.kind.as_str().to_owned()
        } else {
            format!("{} · {}", n.kind.as_str(), n.category)
        };
        lines.push((kind, FontId::proportional(12.0), visuals.weak_text_color()));
        if !n.description.is_empty() {
            lines.push((
                n.description.clone(),
                FontId::proportional(12.0),
                visuals.text_color(),
            ));
        }
        let degree = input.model.adjacency.get(node).map_or(0, Vec::len);
        lines.push((
            format!(
                "{} mentions · {} links{}",
                n.mentions,
                degree,
                if self.pinned.get(node).copied().unwrap_or(false) {
                    " · pinned"
                } else {
                    ""
                }
            ),
            FontId::proportional(12.0),
            visuals.weak_text_color(),
        ));
        let galleys: Vec<_> = lines
            .into_iter()
            .map(|(text, font, color)| painter.layout(text, font, color, 320.0))
            .collect();
        let w = galleys.iter().map(|g| g.size().x).fold(0.0, f32::max);
        let h: f32 = galleys.iter().map(|g| g.size().y + 2.0).sum();
        let screen = ui.ctx().content_rect();
        let mut min = pointer + vec2(16.0, 16.0);
        if min.x + w + 16.0 > screen.max.x {
            min.x = pointer.x - w - 24.0;
        }
        if min.y + h + 16.0 > screen.max.y {
            min.y = pointer.y - h - 24.0;
        }
        let bg = Rect::from_min_size(min, vec2(w, h)).expand(8.0);
        painter.rect(
            bg,
            CornerRadius::same(6),
            visuals.window_fill,
            visuals.window_stroke,
            egui::StrokeKind::Outside,
        );
        let mut y = min.y;
        for g in galleys {
            let gh = g.size().y;
            painter.galley(pos2(min.x, y), g, t.label);
            y += gh + 2.0;
        }
    }
}

/// "Amazon S3 (service, 12 mentions)": a node for a screen reader.
fn node_summary(input: &MapInput<'_>, i: usize) -> String {
    input.model.nodes.get(i).map_or_else(String::new, |n| {
        format!(
            "{} ({}, {} mention{})",
            n.label,
            n.kind.as_str(),
            n.mentions,
            if n.mentions == 1 { "" } else { "s" }
        )
    })
}

/// A colour as straight-alpha sRGB bytes (for the SVG scene).
fn rgba(c: Color32) -> [u8; 4] {
    c.to_srgba_unmultiplied()
}

/// A node's context menu: pin, mark weak / shaky / solid, edit the note, unmark.
fn node_menu_ui(ui: &mut Ui, node: usize, pinned: bool, input: &MapInput<'_>, out: &mut MapOutput) {
    let mut pick = |ui: &mut Ui, text: &str, action: NodeAction| {
        if ui.button(text).clicked() {
            out.menu = Some((node, action));
            ui.close();
        }
    };
    if let Some(n) = input.model.nodes.get(node) {
        ui.label(egui::RichText::new(&n.label).strong());
    }
    let mark = input.marks.get(node).copied().flatten();
    if let Some(level) = mark {
        ui.weak(format!("marked {level}"));
    }
    ui.separator();
    for level in crate::study::Level::ALL {
        pick(ui, &format!("Mark {level}"), NodeAction::Mark(Some(level)));
    }
    pick(ui, "Mark with a note...", NodeAction::EditMark);
    if mark.is_some() {
        pick(ui, "Unmark", NodeAction::Mark(None));
    }
    ui.separator();
    pick(
        ui,
        if pinned { "Unpin" } else { "Pin here" },
        NodeAction::TogglePin,
    );
}

/// Appends a feathered line segment (1-point anti-aliasing band on each side).
fn add_line(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, color: Color32) {
    let d = b - a;
    let len = d.length();
    if len < 0.01 {
        return;
    }
    let n = vec2(-d.y, d.x) / len;
    let core = (width * 0.5 - 0.5).max(0.0);
    let outer = width * 0.5 + 0.5;
    // Thin lines: fade the colour instead of drawing sub-pixel cores.
    let color = if width < 1.0 {
        color.gamma_multiply(width.max(0.2))
    } else {
        color
    };
    let clear = Color32::TRANSPARENT;
    let base = mesh.vertices.len() as u32;
    for p in [a, b] {
        mesh.colored_vertex(p + n * outer, clear);
        mesh.colored_vertex(p + n * core, color);
        mesh.colored_vertex(p - n * core, color);
        mesh.colored_vertex(p - n * outer, clear);
    }
    for k in 0..3 {
        let (i0, i1) = (base + k, base + k + 1);
        let (j0, j1) = (base + 4 + k, base + 4 + k + 1);
        mesh.add_triangle(i0, i1, j0);
        mesh.add_triangle(i1, j1, j0);
    }
}

/// Unit circles with 8, 14 and 24 segments.
fn unit_circles() -> &'static [Vec<Vec2>; 3] {
    static CIRCLES: OnceLock<[Vec<Vec2>; 3]> = OnceLock::new();
    CIRCLES.get_or_init(|| {
        [8_u16, 14, 24].map(|n| {
            (0..n)
                .map(|s| {
                    let a = f32::from(s) / f32::from(n) * std::f32::consts::TAU;
                    vec2(a.cos(), a.sin())
                })
                .collect()
        })
    })
}

/// Appends a feathered disc, optionally with a thin outline ring.
fn add_disc(mesh: &mut Mesh, c: Pos2, r: f32, fill: Color32, outline: Option<Color32>) {
    let circles = unit_circles();
    let circle = if r < 4.0 {
        &circles[0]
    } else if r < 10.0 {
        &circles[1]
    } else {
        &circles[2]
    };
    let segments = circle.len() as u32;
    let clear = Color32::TRANSPARENT;
    // Rings from the inside out: (radius, colour).
    let rings: &[(f32, Color32)] = match outline {
        Some(line) => &[
            ((r - 0.5).max(0.3), fill),
            (r + 0.6, line),
            (r + 1.4, clear),
        ],
        None => &[((r - 0.5).max(0.3), fill), (r + 0.5, clear)],
    };
    let base = mesh.vertices.len() as u32;
    mesh.colored_vertex(c, fill);
    for dir in circle {
        for &(radius, color) in rings {
            mesh.colored_vertex(c + *dir * radius, color);
        }
    }
    let k = rings.len() as u32;
    for s in 0..segments {
        let cur = base + 1 + k * s;
        let next = base + 1 + k * ((s + 1) % segments);
        mesh.add_triangle(base, cur, next);
        for ring in 0..k - 1 {
            mesh.add_triangle(cur + ring, cur + ring + 1, next + ring);
            mesh.add_triangle(next + ring, cur + ring + 1, next + ring + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_covers_every_shown_node() {
        let mut view = MapView {
            positions: vec![pos2(-100.0, 0.0), pos2(300.0, 50.0), pos2(9e3, 9e3)],
            ..MapView::default()
        };
        let rect = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        view.fit(rect, &[true, true, false]);
        for p in &view.positions[..2] {
            assert!(rect.contains(view.to_screen(rect, *p)), "{p:?}");
        }
        assert!(!rect.contains(view.to_screen(rect, view.positions[2])));
        let w = view.to_world(rect, view.to_screen(rect, pos2(12.0, 34.0)));
        assert!((w.x - 12.0).abs() < 1e-3 && (w.y - 34.0).abs() < 1e-3);
    }

    #[test]
    fn meshes_are_well_formed() {
        let mut m = Mesh::default();
        add_line(&mut m, pos2(0.0, 0.0), pos2(10.0, 0.0), 2.0, Color32::RED);
        add_disc(&mut m, pos2(5.0, 5.0), 6.0, Color32::RED, None);
        add_disc(
            &mut m,
            pos2(5.0, 5.0),
            12.0,
            Color32::RED,
            Some(Color32::BLACK),
        );
        assert!(m.is_valid());
        assert_eq!(m.vertices.len(), 8 + (1 + 14 * 2) + (1 + 24 * 3));
        assert_eq!(m.indices.len(), 18 + 14 * 3 * 3 + 24 * 5 * 3);
    }
}

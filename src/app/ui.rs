//! The window's layout: menu bar, notices, side panels (search, filters, layout, legend), the
//! panes, the status bar and the map in the middle. Keyboard shortcuts and dropped files too.

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use crate::graph::EntityKind;
use crate::layout::LayoutCommand;

use super::Explorer;
use super::command::Command;
use super::jobs::PickKind;
use super::map_view::{MapInput, NodeAction};
use super::theme;

impl Explorer {
    /// Draws one frame and applies the commands it produced.
    pub fn frame_ui(&mut self, ui: &mut Ui) {
        if let Some(started) = self.started {
            if !self.first_frame_logged {
                self.first_frame_logged = true;
                log::info!(
                    "first frame {:.1} ms after start",
                    started.elapsed().as_secs_f64() * 1e3
                );
            }
            if self.collection.is_some() {
                self.started = None;
                log::info!(
                    "first map {:.1} ms after start",
                    started.elapsed().as_secs_f64() * 1e3
                );
            }
        }
        self.shortcuts(ui);
        self.view_export_ui(ui);
        self.update_masks();
        self.study.form_in_pane = false;
        self.menu_bar_ui(ui);
        self.notices_ui(ui);
        self.status_bar_ui(ui);
        self.side_panel_ui(ui);
        if !self.panes.open.is_empty() && self.collection.is_some() {
            egui::Panel::right("panes")
                .resizable(true)
                .default_size(440.0)
                .min_size(260.0)
                .show(ui, |ui| {
                    if let Some(col) = &self.collection {
                        self.panes
                            .ui(ui, col, &self.theme, &mut self.study, &mut self.commands);
                    }
                });
        }
        egui::CentralPanel::no_frame().show(ui, |ui| self.map_ui(ui));
        self.warnings_window_ui(ui);
        self.study_windows_ui(ui);
        let commands = std::mem::take(&mut self.commands);
        for command in commands {
            self.run_command(command);
        }
    }

    fn shortcuts(&mut self, ui: &Ui) {
        let ctx = ui.ctx();
        let typing = ctx.text_edit_focused();
        let (search, open, quit, fit, slash, escape, weak) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::K)),
                i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::O)),
                i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Q)),
                !typing && i.key_pressed(Key::F) && i.modifiers.is_none(),
                !typing && i.key_pressed(Key::Slash),
                !typing && i.key_pressed(Key::Escape),
                !typing && i.key_pressed(Key::W) && i.modifiers.is_none(),
            )
        });
        if search || slash {
            self.search.focus_requested = true;
        }
        if open {
            self.commands.push(Command::PickNotes(PickKind::File));
        }
        if quit {
            self.commands.push(Command::Quit);
        }
        if fit {
            self.commands.push(Command::FitView);
        }
        if escape {
            self.commands.push(Command::ClearSelection);
        }
        if weak {
            self.commands.push(Command::MarkSelection);
        }
        let dropped = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .find(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            self.commands.push(Command::OpenPath(path));
        }
    }

    fn menu_bar_ui(&mut self, ui: &mut Ui) {
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| {
                    if ui.button("Open notes file…  (Ctrl+O)").clicked() {
                        self.commands.push(Command::PickNotes(PickKind::File));
                    }
                    if ui.button("Open notes folder…").clicked() {
                        self.commands.push(Command::PickNotes(PickKind::Folder));
                    }
                    if ui.button("Open a path…").clicked() {
                        self.path_field.get_or_insert_with(String::new);
                    }
                    ui.menu_button("Recent", |ui| {
                        if self.saved.recent.is_empty() {
                            ui.weak("Nothing yet");
                        }
                        for path in self.saved.recent.clone() {
                            if ui.button(path.display().to_string()).clicked() {
                                self.commands.push(Command::OpenPath(path));
                            }
                        }
                    });
                    ui.menu_button("Export graph", |ui| {
                        for format in crate::export::Format::ALL {
                            let label = match format {
                                crate::export::Format::GraphMl => "GraphML (Gephi, yEd)...",
                                crate::export::Format::Gexf => "GEXF (Gephi)...",
                                crate::export::Format::Dot => "DOT (Graphviz)...",
                                crate::export::Format::Json => "JSON (node-link, d3)...",
                            };
                            let enabled = self.collection.is_some();
                            if ui.add_enabled(enabled, egui::Button::new(label)).clicked() {
                                self.commands
                                    .push(Command::Export(super::ExportKind::Graph(format)));
                            }
                        }
                    });
                    ui.menu_button("Export map view", |ui| {
                        for format in super::ViewFormat::ALL {
                            let enabled = self.collection.is_some();
                            let button = egui::Button::new(format.menu_label());
                            if ui.add_enabled(enabled, button).clicked() {
                                self.commands
                                    .push(Command::Export(super::ExportKind::View(format)));
                            }
                        }
                    });
                    ui.separator();
                    if ui.button("Recompile").clicked() {
                        self.commands.push(Command::Recompile);
                    }
                    if ui.button("Quit  (Ctrl+Q)").clicked() {
                        self.commands.push(Command::Quit);
                    }
                });
                ui.menu_button("View", |ui| {
                    if ui.button("Fit map to window  (F)").clicked() {
                        self.commands.push(Command::FitView);
                    }
                    if ui.checkbox(&mut self.saved.labels, "Labels").changed() {
                        self.state_dirty = true;
                    }
                    let theme_label = if self.saved.dark {
                        "Light theme"
                    } else {
                        "Dark theme"
                    };
                    if ui.button(theme_label).clicked() {
                        self.commands.push(Command::ToggleTheme);
                    }
                    if ui.button("Unpin every node").clicked() {
                        self.commands.push(Command::UnpinAll);
                    }
                    ui.separator();
                    let mut panel = self.study.show_panel;
                    if ui.checkbox(&mut panel, "Weak topics panel").changed() {
                        self.commands.push(Command::ToggleStudyPanel);
                    }
                    ui.checkbox(
                        &mut self.filters.weak_only,
                        "Only weak topics and neighbours",
                    );
                    if ui.button("Review due topics").clicked() {
                        self.commands.push(Command::StartReview);
                    }
                });
                let due = self.study.due_count();
                let text = if due > 0 {
                    format!("Weak topics ({due} due)")
                } else {
                    "Weak topics".to_owned()
                };
                if ui
                    .selectable_label(self.study.show_panel, text)
                    .on_hover_text("Weak topics: marks, suggestions, exam coverage, review")
                    .clicked()
                {
                    self.commands.push(Command::ToggleStudyPanel);
                }
                ui.separator();
                ui.label(RichText::new(self.source.display_name()).strong());
                if self.dialog.is_some() {
                    ui.spinner();
                    ui.weak("waiting for the file dialog…");
                }
            });
        });
    }

    fn notices_ui(&mut self, ui: &mut Ui) {
        if self.messages.is_empty()
            && self.path_field.is_none()
            && self.export_field.is_none()
            && self.load_error.is_none()
        {
            return;
        }
        egui::Panel::top("notices").show(ui, |ui| {
            if let Some(err) = &self.load_error {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Could not load the notes: {err}"),
                );
            }
            let mut dismiss = None;
            for (i, message) in self.messages.iter().enumerate() {
                ui.horizontal(|ui| {
                    ui.colored_label(self.theme.warning, message.as_str());
                    if ui.small_button("Dismiss").clicked() {
                        dismiss = Some(i);
                    }
                });
            }
            if let Some(i) = dismiss {
                self.messages.remove(i);
            }
            let mut open = None;
            let mut close = false;
            if let Some(field) = &mut self.path_field {
                ui.horizontal(|ui| {
                    ui.label("Notes path:");
                    let edit = ui
                        .add(
                            egui::TextEdit::singleline(field)
                                .hint_text("/path/to/notes.txt or folder")
                                .desired_width(420.0),
                        )
                        .accessible_name("Notes path");
                    let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                    if (ui.button("Open").clicked() || enter) && !field.trim().is_empty() {
                        open = Some(std::path::PathBuf::from(field.trim()));
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            if let Some(path) = open {
                if path.exists() {
                    self.commands.push(Command::OpenPath(path));
                } else {
                    self.messages
                        .push(format!("No such file or folder: {}", path.display()));
                }
            }
            if close {
                self.path_field = None;
            }
            let mut export = None;
            let mut close = false;
            if let Some((format, field)) = &mut self.export_field {
                ui.horizontal(|ui| {
                    ui.label(format!("Export {} to:", format.as_str()));
                    let edit = ui
                        .add(
                            egui::TextEdit::singleline(field)
                                .hint_text(format!("/path/to/graph.{}", format.extension()))
                                .desired_width(420.0),
                        )
                        .accessible_name("Export path");
                    let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                    if (ui.button("Export").clicked() || enter) && !field.trim().is_empty() {
                        export = Some(Command::ExportTo {
                            format: *format,
                            path: std::path::PathBuf::from(field.trim()),
                        });
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            if let Some(cmd) = export {
                self.commands.push(cmd);
            }
            if close {
                self.export_field = None;
            }
        });
    }

    fn status_bar_ui(&mut self, ui: &mut Ui) {
        let mut toggle_warnings = false;
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                if let Some(job) = &self.job {
                    ui.add(
                        egui::ProgressBar::new(job.stage.fraction())
                            .desired_width(120.0)
                            .animate(true),
                    );
                    ui.label(job.stage.label());
                    ui.separator();
                }
                if let Some(col) = &self.collection {
                    let pinned = self.map.pinned.iter().filter(|p| **p).count();
                    ui.label(format!(
                        "{} nodes · {} links · {} sections · {} pinned",
                        col.model.nodes.len(),
                        col.model.edges.len(),
                        col.compiled.sections.len(),
                        pinned
                    ));
                    ui.separator();
                    ui.label(format!(
                        "compiled in {:.0} ms · indexed in {:.0} ms",
                        col.compile_time.as_secs_f64() * 1e3,
                        col.index_time.as_secs_f64() * 1e3
                    ));
                    if let Some(err) = &col.index_error {
                        ui.separator();
                        ui.colored_label(self.theme.warning, format!("search unavailable: {err}"));
                    }
                    let warnings = col.compiled.warnings.len();
                    if warnings > 0 {
                        ui.separator();
                        let plural = if warnings == 1 { "" } else { "s" };
                        let text = RichText::new(format!("{warnings} warning{plural}"))
                            .color(self.theme.warning);
                        if ui
                            .button(text)
                            .on_hover_text("Show the warnings and the lines they are about")
                            .clicked()
                        {
                            toggle_warnings = true;
                        }
                    }
                }
                if self.collection.is_some() {
                    ui.separator();
                    let due = self.study.due_count();
                    let marks = self.study.store.marks.len();
                    let text = format!("{marks} weak topics · {due} due");
                    let text = if due > 0 {
                        RichText::new(text).color(self.theme.warning)
                    } else {
                        RichText::new(text)
                    };
                    if ui
                        .button(text)
                        .on_hover_text("Open the weak topics panel")
                        .clicked()
                    {
                        self.commands.push(Command::ToggleStudyPanel);
                    }
                }
                if let Some(layout) = &self.layout {
                    ui.separator();
                    ui.weak(if layout.paused {
                        "layout paused"
                    } else if layout.settled || layout.last.is_none() {
                        "layout at rest"
                    } else {
                        "laying out…"
                    });
                }
            });
        });
        if toggle_warnings {
            if self.show_warnings {
                self.show_warnings = false;
            } else {
                // Straight to the first warning's lines; the others are listed above it.
                self.show_warning(0);
            }
        }
    }

    fn warnings_window_ui(&mut self, ui: &Ui) {
        let Some(col) = &self.collection else { return };
        if !self.show_warnings {
            return;
        }
        let mut open = true;
        let mut chosen = None;
        egui::Window::new("Warnings")
            .open(&mut open)
            .default_width(560.0)
            .show(ui.ctx(), |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("warnings-list")
                    .max_height(if self.warning_view.is_some() {
                        160.0
                    } else {
                        420.0
                    })
                    .show(ui, |ui| {
                        for (i, w) in col.compiled.warnings.iter().enumerate() {
                            let place = warning_place(w);
                            ui.horizontal_wrapped(|ui| {
                                let link =
                                    ui.link(&place).on_hover_text("Show this line of the notes");
                                ui.label(&w.message);
                                if link.clicked() {
                                    chosen = Some(i);
                                }
                            });
                        }
                    });
                if let Some(view) = &self.warning_view {
                    ui.separator();
                    if let Some(intent) = warning_view_ui(ui, view, &self.theme) {
                        match intent {
                            WarningIntent::Close => chosen = Some(usize::MAX),
                            WarningIntent::Edit => {
                                if let Some(file) = col.file_path(&view.file) {
                                    self.commands.push(Command::OpenInEditor {
                                        file,
                                        line: view.line.unwrap_or(1),
                                    });
                                }
                            }
                        }
                    }
                }
            });
        match chosen {
            Some(usize::MAX) => self.warning_view = None,
            Some(i) => self.show_warning(i),
            None => {}
        }
        self.show_warnings = open;
    }

    /// Shows warning `i` (into the collection's warnings) with the lines around it.
    pub fn show_warning(&mut self, i: usize) {
        let Some(col) = &self.collection else { return };
        let Some(w) = col.compiled.warnings.get(i) else {
            return;
        };
        self.show_warnings = true;
        let text = col
            .compiled
            .notes
            .notes
            .iter()
            .find(|n| n.file == w.file)
            .map(|n| n.text.as_str());
        self.warning_view = Some(WarningView::new(w, text));
    }

    fn side_panel_ui(&mut self, ui: &mut Ui) {
        egui::Panel::left("side")
            .resizable(true)
            .default_size(300.0)
            .min_size(220.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                self.search.ui(
                    ui,
                    self.collection.as_ref(),
                    &self.study.store,
                    &self.theme,
                    &mut self.commands,
                );
                ui.separator();
                egui::ScrollArea::vertical()
                    .id_salt("side-scroll")
                    .show(ui, |ui| {
                        self.filters_ui(ui);
                        self.layout_ui(ui);
                        legend_ui(ui, &self.theme);
                    });
            });
    }

    fn filters_ui(&mut self, ui: &mut Ui) {
        egui::CollapsingHeader::new("Filters")
            .default_open(true)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for (i, kind) in EntityKind::ALL.iter().enumerate() {
                        if let Some(on) = self.filters.kinds.get_mut(i) {
                            ui.checkbox(on, kind.as_str());
                        }
                    }
                });
                let max = self
                    .collection
                    .as_ref()
                    .and_then(|c| c.model.nodes.iter().map(|n| n.mentions).max())
                    .unwrap_or(0)
                    .max(1);
                ui.add(
                    egui::Slider::new(&mut self.filters.min_mentions, 0..=max)
                        .text("min. mentions"),
                );
                ui.add(
                    egui::TextEdit::singleline(&mut self.filters.text)
                        .hint_text("Filter nodes by name")
                        .desired_width(f32::INFINITY),
                )
                .accessible_name("Filter nodes by name");
                ui.horizontal(|ui| {
                    ui.label("Local graph");
                    for (depth, label) in [(0, "off"), (1, "1"), (2, "2"), (3, "3")] {
                        ui.selectable_value(&mut self.filters.local_depth, depth, label)
                            .on_hover_text(
                                "Only the selected node's neighbourhood, this many links deep",
                            );
                    }
                });
                ui.checkbox(
                    &mut self.filters.weak_only,
                    "Only weak topics and neighbours",
                );
                if self.filters.local_depth > 0 && self.selected.is_none() {
                    ui.weak("Select a node to see its neighbourhood.");
                }
            });
    }

    fn layout_ui(&mut self, ui: &mut Ui) {
        let Some(layout) = &mut self.layout else {
            return;
        };
        egui::CollapsingHeader::new("Layout")
            .default_open(false)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let label = if layout.paused { "Resume" } else { "Pause" };
                    if ui.button(label).clicked() {
                        layout.paused = !layout.paused;
                        layout.worker.send(LayoutCommand::Pause(layout.paused));
                    }
                    if ui.button("Reheat").clicked() {
                        layout.settled = false;
                        layout.worker.send(LayoutCommand::Reheat);
                    }
                });
                let s = &mut layout.settings;
                let mut changed = false;
                changed |= ui
                    .add(egui::Slider::new(&mut s.repulsion, 0.1..=5.0).text("repulsion"))
                    .changed();
                changed |= ui
                    .add(egui::Slider::new(&mut s.link_length, 0.2..=5.0).text("link length"))
                    .changed();
                changed |= ui
                    .add(egui::Slider::new(&mut s.gravity, 0.0..=5.0).text("gravity"))
                    .changed();
                if changed {
                    layout.settled = false;
                    layout.worker.send(LayoutCommand::Settings(s.clone()));
                }
            });
    }

    fn map_ui(&mut self, ui: &mut Ui) {
        let Some(col) = &self.collection else {
            ui.centered_and_justified(|ui| {
                if self.job.is_some() {
                    ui.spinner();
                } else if self.load_error.is_some() {
                    ui.label("Open notes with File → Open, or drop a file here.");
                }
            });
            return;
        };
        let selected = self
            .selected
            .as_ref()
            .and_then(|id| col.model.index.get(id).copied());
        let levels: Vec<Option<crate::study::Level>> = col
            .model
            .nodes
            .iter()
            .map(|n| self.study.level(&n.id))
            .collect();
        let rings: Vec<Option<egui::Color32>> = levels
            .iter()
            .map(|l| l.map(super::study_panel::level_color))
            .collect();
        let marks: Vec<Option<&'static str>> =
            levels.iter().map(|l| l.map(|l| l.as_str())).collect();
        let gaps = if self.study.gaps_on_map {
            self.gap_positions()
        } else {
            Vec::new()
        };
        let input = MapInput {
            model: &col.model,
            shown: &self.shown,
            search_hit: &self.search_hit,
            selected,
            theme: &self.theme,
            labels: self.saved.labels,
            rings: &rings,
            marks: &marks,
            gaps: &gaps,
        };
        let out = self.map.ui(ui, &input);
        // Fit button in the map's corner.
        let corner = ui.max_rect().right_top() + egui::vec2(-8.0, 8.0);
        egui::Area::new(egui::Id::unique("map-buttons"))
            .fixed_pos(corner)
            .pivot(egui::Align2::RIGHT_TOP)
            .show(ui.ctx(), |ui| {
                if ui
                    .button("Fit")
                    .on_hover_text("Fit the map to the window (F)")
                    .clicked()
                {
                    self.commands.push(Command::FitView);
                }
            });
        if let Some(node) = out.clicked
            && let Some(n) = col.model.nodes.get(node)
        {
            self.commands.push(Command::Select {
                entity_id: n.id.clone(),
                center: false,
            });
        } else if out.background_clicked {
            self.commands.push(Command::ClearSelection);
        }
        if let Some(node) = out.key_selected
            && let Some(n) = col.model.nodes.get(node)
        {
            self.commands.push(Command::Focus(n.id.clone()));
        }
        if let Some(node) = out.activated
            && let Some(n) = col.model.nodes.get(node)
        {
            self.map.reveal = Some(node);
            self.commands.push(Command::Select {
                entity_id: n.id.clone(),
                center: false,
            });
        }
        if let Some(node) = out.toggle_pin
            && let Some(n) = col.model.nodes.get(node)
        {
            self.commands.push(Command::TogglePin(n.id.clone()));
        }
        if let Some((node, action)) = out.menu
            && let Some(n) = col.model.nodes.get(node)
        {
            let id = n.id.clone();
            self.commands.push(match action {
                NodeAction::TogglePin => Command::TogglePin(id),
                NodeAction::Mark(level) => Command::QuickMark { id, level },
                NodeAction::EditMark => Command::OpenMarkForm(id),
            });
        }
        if let Some(layout) = &self.layout {
            if let Some((node, pos)) = out.dragged {
                layout.worker.send(LayoutCommand::DragTo(
                    node,
                    super::to_layout(egui::pos2(pos[0], pos[1])),
                ));
            }
            if let Some(node) = out.released
                && let Some(p) = self.map.positions.get(node)
            {
                layout
                    .worker
                    .send(LayoutCommand::Pin(node, super::to_layout(*p)));
            }
        }
        if out.released.is_some() {
            self.save_state();
        } else if out.camera_changed {
            self.auto_fit = false;
            self.state_dirty = true;
        }
    }
}

impl Explorer {
    /// Where the exam gaps go on the map: hollow nodes on a ring just outside the graph, grouped
    /// by category (the catalog relatives of a gap are seldom on the map, else it would not be a
    /// gap).
    fn gap_positions(&self) -> Vec<(String, egui::Pos2)> {
        let (Some(cov), Some(col)) = (&self.study.coverage, &self.collection) else {
            return Vec::new();
        };
        let catalog = crate::catalog::Catalog::builtin();
        let shown: Vec<egui::Pos2> = self
            .map
            .positions
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                self.shown.get(*i).copied().unwrap_or(true) && p.x.is_finite() && p.y.is_finite()
            })
            .map(|(_, p)| *p)
            .collect();
        let centre = if shown.is_empty() {
            egui::Pos2::ZERO
        } else {
            let sum = shown
                .iter()
                .fold(egui::Vec2::ZERO, |acc, p| acc + p.to_vec2());
            (sum / shown.len() as f32).to_pos2()
        };
        // The edge: past 90 % of the shown nodes (outliers do not push the ring away).
        let mut dists: Vec<f32> = shown.iter().map(|p| (*p - centre).length()).collect();
        dists.sort_by(f32::total_cmp);
        let edge = dists
            .get(dists.len() * 9 / 10)
            .copied()
            .unwrap_or(0.0)
            .max(120.0)
            + 60.0;
        // Catalog relatives on the map, either direction of a relation.
        let position_of = |id: &str| -> Option<egui::Pos2> {
            let &ix = col.model.index.get(id)?;
            self.shown.get(ix).copied().unwrap_or(true).then_some(())?;
            self.map
                .positions
                .get(ix)
                .copied()
                .filter(|p| p.x.is_finite() && p.y.is_finite())
        };
        let mut lonely = Vec::new();
        let mut out = Vec::with_capacity(cov.gaps.len());
        for (k, gap) in cov.gaps.iter().enumerate() {
            let mut relatives: Vec<egui::Pos2> = catalog
                .get(&gap.id)
                .map(|e| {
                    e.relations
                        .iter()
                        .filter_map(|r| position_of(&r.target))
                        .collect()
                })
                .unwrap_or_default();
            relatives.extend(
                catalog
                    .entries
                    .iter()
                    .filter(|e| e.relations.iter().any(|r| r.target == gap.id))
                    .filter_map(|e| position_of(&e.id)),
            );
            if relatives.is_empty() {
                lonely.push(gap.name.clone());
                continue;
            }
            let sum = relatives
                .iter()
                .fold(egui::Vec2::ZERO, |acc, p| acc + p.to_vec2());
            let near = (sum / relatives.len() as f32).to_pos2();
            // Out from the graph's centre, then a deterministic turn so neighbours do not stack.
            let out_dir = (near - centre).normalized();
            let out_dir = if out_dir.x.is_finite() {
                out_dir
            } else {
                egui::vec2(1.0, 0.0)
            };
            let a = k as f32 * 2.399_963;
            let jitter = egui::vec2(a.cos(), a.sin()) * 18.0 * (1.0 + (k % 3) as f32);
            out.push((gap.name.clone(), near + out_dir * 45.0 + jitter));
        }
        let n = lonely.len().max(1) as f32;
        for (k, name) in lonely.into_iter().enumerate() {
            let a = std::f32::consts::TAU * k as f32 / n - std::f32::consts::FRAC_PI_2;
            let r = edge + if k % 2 == 0 { 0.0 } else { 30.0 };
            out.push((name, centre + egui::vec2(a.cos(), a.sin()) * r));
        }
        out
    }
}

fn legend_ui(ui: &mut Ui, t: &theme::Theme) {
    egui::CollapsingHeader::new("Legend").default_open(true).show(ui, |ui| {
        for kind in EntityKind::ALL {
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter().circle_filled(rect.center(), 5.0, theme::kind_color(kind));
                ui.label(kind.as_str());
            });
        }
        ui.weak("Services are shaded by category. Size: mentions. Drag a node to pin it; right-click a node to mark it weak or unpin it; W marks the selection. A coloured ring: weak (red), shaky (amber), solid (green).");
        let _ = t;
    });
}

/// `file:line` of a warning (the file alone when it has no line).
fn warning_place(w: &crate::notes::Warning) -> String {
    match w.line {
        Some(line) => format!("{}:{line}", w.file),
        None if w.file.is_empty() => "(notes)".to_owned(),
        None => w.file.clone(),
    }
}

/// Lines shown before and after a warning's line.
const WARNING_CONTEXT: u32 = 4;

/// A warning shown in the app: its place, message and the lines around it.
#[derive(Clone, Debug, PartialEq)]
pub struct WarningView {
    pub file: String,
    pub line: Option<u32>,
    pub message: String,
    /// (1-based line number, text) around the warning's line; empty when the text is not loaded.
    pub lines: Vec<(u32, String)>,
}

impl WarningView {
    fn new(w: &crate::notes::Warning, text: Option<&str>) -> Self {
        let lines = match (text, w.line) {
            (Some(text), Some(line)) => {
                let first = line.saturating_sub(WARNING_CONTEXT).max(1);
                let last = line.saturating_add(WARNING_CONTEXT);
                text.lines()
                    .enumerate()
                    .map(|(k, l)| (u32::try_from(k + 1).unwrap_or(u32::MAX), l))
                    .skip_while(|(n, _)| *n < first)
                    .take_while(|(n, _)| *n <= last)
                    .map(|(n, l)| (n, excerpt_line(l)))
                    .collect()
            }
            (Some(text), None) => text
                .lines()
                .take(2 * WARNING_CONTEXT as usize + 1)
                .enumerate()
                .map(|(k, l)| (u32::try_from(k + 1).unwrap_or(u32::MAX), excerpt_line(l)))
                .collect(),
            (None, _) => Vec::new(),
        };
        Self {
            file: w.file.clone(),
            line: w.line,
            message: w.message.clone(),
            lines,
        }
    }
}

/// A line for the monospace excerpt: tabs as four spaces, and the replacement character of bytes
/// that were not UTF-8 as `?` (the monospace font has no glyph for it).
fn excerpt_line(line: &str) -> String {
    line.replace('\t', "    ").replace('\u{FFFD}', "?")
}

enum WarningIntent {
    Close,
    Edit,
}

fn warning_view_ui(ui: &mut Ui, view: &WarningView, t: &theme::Theme) -> Option<WarningIntent> {
    let mut intent = None;
    ui.horizontal_wrapped(|ui| {
        let place = match view.line {
            Some(line) => format!("{}, line {line}", view.file),
            None => view.file.clone(),
        };
        ui.label(RichText::new(place).strong());
        ui.label(&view.message);
    });
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        if view.lines.is_empty() {
            ui.weak("The text of this file is not loaded (it could not be read as notes).");
        }
        let width = view.lines.last().map_or(1, |(n, _)| n.to_string().len());
        for (n, text) in &view.lines {
            let here = Some(*n) == view.line;
            let row = RichText::new(format!("{n:>width$}  {text}")).monospace();
            let row = if here {
                row.color(t.label)
                    .background_color(t.warning.gamma_multiply(0.35))
            } else {
                row.weak()
            };
            let response = ui.label(row);
            if here {
                response.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::Label,
                        true,
                        format!("Line {n} (the warning): {text}"),
                    )
                });
            }
        }
    });
    ui.horizontal(|ui| {
        if ui
            .button("Open in editor")
            .on_hover_text("Open this file in your editor at this line")
            .clicked()
        {
            intent = Some(WarningIntent::Edit);
        }
        if ui
            .button("Close")
            .on_hover_text("Back to the list")
            .clicked()
        {
            intent = Some(WarningIntent::Close);
        }
    });
    intent
}

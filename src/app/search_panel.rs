//! The search box (`Ctrl+K` or `/`): results as you type with title, file:line, a highlighted
//! snippet and the section's entities; arrow keys move, Enter opens.

use egui::text::LayoutJob;
use egui::{Key, RichText, TextFormat, Ui};

use crate::search::Hit;

use super::collection::Collection;
use super::command::Command;
use super::study_panel::level_dot_ui;
use super::theme::Theme;
use crate::study::{Store, Timestamp, WeakFilter};

/// Results shown at most.
const LIMIT: usize = 30;

/// Width of the "mark weak" button in a result's corner.
const MARK_BUTTON_WIDTH: f32 = 70.0;

/// The search box state.
#[derive(Default)]
pub struct SearchPanel {
    pub query: String,
    searched: String,
    pub results: Vec<Hit>,
    pub error: Option<String>,
    /// Index into `results` of the highlighted row.
    pub cursor: usize,
    /// Focus the box on the next frame.
    pub focus_requested: bool,
    /// Per result: (width, height) when last drawn; rows off screen are skipped.
    heights: Vec<(f32, f32)>,
}

impl SearchPanel {
    /// Entity ids of every result (for highlighting on the map).
    pub fn hit_entities(&self) -> impl Iterator<Item = &str> {
        self.results
            .iter()
            .flat_map(|h| h.entity_ids.iter().map(String::as_str))
    }

    /// Runs the query again (after a recompile).
    pub fn invalidate(&mut self) {
        self.searched.clear();
        self.results.clear();
        self.heights.clear();
    }

    fn refresh(&mut self, col: Option<&Collection>, study: &Store) {
        if self.query == self.searched {
            return;
        }
        self.searched.clone_from(&self.query);
        self.heights.clear();
        self.cursor = 0;
        self.error = None;
        self.results.clear();
        if self.query.trim().is_empty() {
            return;
        }
        let Some(col) = col else { return };
        let Some(index) = &col.index else {
            self.error = col
                .index_error
                .clone()
                .or_else(|| Some("The index is not ready yet.".into()));
            return;
        };
        // `weak:` terms filter the hits by the study store; the other words go to the index.
        let mut filters = Vec::new();
        let mut words = Vec::new();
        for term in self.query.split_whitespace() {
            match WeakFilter::parse(term) {
                Some(f) => filters.push(f),
                None => words.push(term),
            }
        }
        let text = words.join(" ");
        if text.is_empty() {
            self.error =
                Some("Add a word to search among weak topics (weak:due, weak:shaky...).".into());
            return;
        }
        let limit = if filters.is_empty() {
            LIMIT
        } else {
            LIMIT * 10
        };
        match index.search(&text, limit) {
            Ok(hits) => {
                let now = Timestamp::now();
                self.results = hits
                    .into_iter()
                    .filter(|hit| {
                        filters.iter().all(|f| {
                            f.matches(study, &hit.section_id, now)
                                || hit.entity_ids.iter().any(|id| f.matches(study, id, now))
                        })
                    })
                    .take(LIMIT)
                    .collect();
            }
            Err(err) => self.error = Some(err.to_string()),
        }
    }

    /// Draws the box and the results.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        col: Option<&Collection>,
        study: &Store,
        t: &Theme,
        cmds: &mut Vec<Command>,
    ) {
        let edit = egui::TextEdit::singleline(&mut self.query)
            .hint_text("Search notes (Ctrl+K)")
            .desired_width(f32::INFINITY);
        let response = ui.add(edit).accessible_name("Search notes");
        if self.focus_requested {
            self.focus_requested = false;
            response.request_focus();
        }
        self.refresh(col, study);
        let focused = response.has_focus() || response.lost_focus();
        if focused && !self.results.is_empty() {
            let (down, up) =
                ui.input(|i| (i.key_pressed(Key::ArrowDown), i.key_pressed(Key::ArrowUp)));
            if down {
                self.cursor = (self.cursor + 1).min(self.results.len() - 1);
            }
            if up {
                self.cursor = self.cursor.saturating_sub(1);
            }
        }
        let enter = response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        if enter && let Some(hit) = self.results.get(self.cursor) {
            cmds.push(open_hit(hit));
        }
        if response.has_focus() && ui.input(|i| i.key_pressed(Key::Escape)) {
            self.query.clear();
        }

        if let Some(err) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, err);
        }
        if !self.query.trim().is_empty() && self.results.is_empty() && self.error.is_none() {
            ui.weak("No matches.");
        }
        if self.results.is_empty() {
            return;
        }
        ui.weak(format!("{} results", self.results.len()));
        egui::ScrollArea::vertical()
            .id_salt("search-results")
            .max_height(ui.available_height() * 0.6)
            .show(ui, |ui| {
                self.heights.resize(self.results.len(), (0.0, 0.0));
                let focused = response.has_focus() || response.lost_focus();
                for (i, hit) in self.results.iter().enumerate() {
                    let selected = i == self.cursor;
                    // Off screen with a known height: keep its room, draw nothing.
                    let width = ui.available_width();
                    if let Some(&(w, h)) = self.heights.get(i)
                        && w == width
                        && h > 0.0
                        && !(selected && focused)
                    {
                        let room = egui::Rect::from_min_size(ui.cursor().min, egui::vec2(w, h));
                        if !ui.is_rect_visible(room) {
                            ui.allocate_space(egui::vec2(w, h));
                            continue;
                        }
                    }
                    let frame = egui::Frame::new()
                        .inner_margin(4.0)
                        .corner_radius(4.0)
                        .fill(if selected {
                            ui.visuals().selection.bg_fill.gamma_multiply(0.35)
                        } else {
                            egui::Color32::TRANSPARENT
                        });
                    let inner = frame.show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.horizontal(|ui| {
                            // Leave room for the mark button in the corner.
                            ui.set_max_width(ui.available_width() - MARK_BUTTON_WIDTH);
                            if let Some(mark) = study.get(&hit.section_id) {
                                level_dot_ui(ui, mark.level);
                            }
                            ui.add(egui::Label::new(RichText::new(&hit.title).strong()).truncate());
                        });
                        ui.label(
                            RichText::new(format!("{}:{}", hit.file, hit.line_start))
                                .weak()
                                .small(),
                        );
                        if !hit.snippet.text.is_empty() {
                            ui.label(snippet_job(ui, hit, t));
                        }
                        if !hit.entity_ids.is_empty() {
                            let names: Vec<&str> = hit
                                .entity_ids
                                .iter()
                                .take(6)
                                .map(|id| {
                                    col.and_then(|c| {
                                        c.model.index.get(id).and_then(|&n| c.model.nodes.get(n))
                                    })
                                    .map_or(id.as_str(), |n| n.label.as_str())
                                })
                                .collect();
                            ui.label(
                                RichText::new(names.join(" · "))
                                    .small()
                                    .color(t.edge_highlight),
                            );
                        }
                    });
                    let row = ui
                        .interact(
                            inner.response.rect,
                            ui.scope_id().with(("hit", i)),
                            egui::Sense::click(),
                        )
                        .on_hover_cursor(egui::CursorIcon::PointingHand);
                    let title = format!("Result {}: {}", i + 1, hit.title);
                    row.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &title));
                    // A small button in the row's corner marks the section as a weak topic.
                    let corner = egui::Rect::from_min_size(
                        inner.response.rect.right_top() + egui::vec2(-MARK_BUTTON_WIDTH, 2.0),
                        egui::vec2(MARK_BUTTON_WIDTH - 2.0, 18.0),
                    );
                    let marked = study.get(&hit.section_id).is_some();
                    let mark = ui
                        .place(
                            corner,
                            egui::Button::new(
                                RichText::new(if marked { "edit mark" } else { "mark weak" })
                                    .small(),
                            )
                            .wrap_mode(egui::TextWrapMode::Extend),
                        )
                        .on_hover_text("Mark this section as a weak topic")
                        .accessible_name(format!("Mark result {} weak", i + 1));
                    if mark.clicked() {
                        cmds.push(Command::OpenMarkForm(hit.section_id.clone()));
                    } else if row.clicked() {
                        self.cursor = i;
                        cmds.push(open_hit(hit));
                    }
                    if selected && focused {
                        row.scroll_to_me(None);
                    }
                    if let Some(slot) = self.heights.get_mut(i) {
                        *slot = (width, inner.response.rect.height());
                    }
                }
            });
    }
}

fn open_hit(hit: &Hit) -> Command {
    Command::OpenSection {
        section_id: hit.section_id.clone(),
        entity_ids: hit.entity_ids.clone(),
    }
}

/// The snippet with its matched terms highlighted.
fn snippet_job(ui: &Ui, hit: &Hit, t: &Theme) -> LayoutJob {
    let text = &hit.snippet.text;
    let font = egui::TextStyle::Small.resolve(ui.style());
    let normal = TextFormat {
        font_id: font.clone(),
        color: ui.visuals().text_color(),
        ..TextFormat::default()
    };
    let strong = TextFormat {
        font_id: font,
        color: t.label,
        background: t.edge_highlight.gamma_multiply(0.35),
        ..TextFormat::default()
    };
    let mut job = LayoutJob::default();
    let mut ranges = hit.snippet.highlights.clone();
    ranges.sort_by_key(|r| r.start);
    let mut at = 0;
    for r in ranges {
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        job.append(&text[at..r.start], 0.0, normal.clone());
        job.append(&text[r.start..r.end], 0.0, strong.clone());
        at = r.end;
    }
    job.append(text.get(at..).unwrap_or(""), 0.0, normal);
    job.wrap.max_width = ui.available_width();
    job
}

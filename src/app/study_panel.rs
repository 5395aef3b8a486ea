//! The weak-topics panel and the mark form, as standalone egui pieces.
//!
//! They draw from what they are given and return [`StudyIntent`]s; the app applies them after the
//! frame (store edits through [`crate::study::apply`], the rest — open a pane, start a review,
//! pick an exam, show gaps on the map — itself). Only their own view state
//! ([`StudyPanelState`], [`MarkDraft`]) is changed while drawing.

use egui::{Color32, RichText, Ui};

use crate::catalog::Exam;
use crate::study::{
    Coverage, Level, Mark, MarkTarget, StoreWarning, StudyEdit, Suggestion, Timestamp, stats,
};

/// What the user asked for in the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum StudyIntent {
    /// Change the study store.
    Edit(StudyEdit),
    /// Open the topic's pane and centre the map on it.
    Open(String),
    /// Start a review session of the due topics.
    StartReview,
    /// Compute coverage against this exam.
    SelectExam(Exam),
    /// Show (or hide) the exam's gaps on the map as hollow nodes.
    ShowGapsOnMap(bool),
    /// The user has read the store warnings.
    DismissWarnings,
    /// Close the mark form without a change.
    CancelMark,
}

/// The panel's tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StudyTab {
    /// Weak topics, due first.
    #[default]
    Topics,
    /// Suggested weak topics.
    Suggestions,
    /// Gaps against an exam.
    Coverage,
    /// Pictures: topics by category, reviews over time.
    Charts,
}

/// The panel's own view state (not persisted).
#[derive(Clone, Debug, Default)]
pub struct StudyPanelState {
    pub tab: StudyTab,
    /// The mark whose note is being edited, and the draft text.
    pub editing: Option<(String, String)>,
}

/// What the panel shows.
#[derive(Clone, Copy, Debug)]
pub struct StudyPanelInput<'a> {
    pub store: &'a crate::study::Store,
    /// Current suggestions ([`crate::study::suggestions`]).
    pub suggestions: &'a [Suggestion],
    /// Coverage for the selected exam, if one is selected.
    pub coverage: Option<&'a Coverage>,
    /// Whether gaps are shown on the map.
    pub gaps_on_map: bool,
    /// Warnings from loading the study file (a corrupt file set aside).
    pub warnings: &'a [StoreWarning],
    pub now: Timestamp,
}

/// The colour of a level (rings on the map use the same).
// NOTE: move to app/theme.rs when it exists; kept here so this file stands alone.
pub fn level_color(level: Level) -> Color32 {
    match level {
        Level::Weak => Color32::from_rgb(0xe0, 0x4f, 0x4f),
        Level::Shaky => Color32::from_rgb(0xe8, 0xa3, 0x30),
        Level::Solid => Color32::from_rgb(0x4c, 0xaf, 0x6a),
    }
}

/// A small dot in the level's colour (painted: the default fonts have no bullet glyph).
pub fn level_dot_ui(ui: &mut Ui, level: Level) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter()
        .circle_filled(rect.center(), 4.5, level_color(level));
}

/// "now", "in 3 d", or the date.
pub fn due_text(mark: &Mark, now: Timestamp) -> String {
    if mark.is_due(now) {
        "due now".to_owned()
    } else {
        let days = mark.due.days_since(now).ceil();
        if days <= 60.0 {
            format!("in {days:.0} d")
        } else {
            mark.due.date_string()
        }
    }
}

/// The weak-topics panel.
pub fn study_panel_ui(
    ui: &mut Ui,
    state: &mut StudyPanelState,
    input: &StudyPanelInput<'_>,
) -> Vec<StudyIntent> {
    let mut intents = Vec::new();
    let store = input.store;
    let due = store.due_count(input.now);

    if !input.warnings.is_empty() {
        let color = ui.visuals().error_fg_color;
        for warning in input.warnings {
            ui.label(RichText::new(warning.to_string()).color(color));
        }
        if ui.button("OK, understood").clicked() {
            intents.push(StudyIntent::DismissWarnings);
        }
        ui.separator();
    }

    ui.horizontal(|ui| {
        ui.label(format!("{} weak topics · {due} due", store.marks.len()));
        let review = ui.add_enabled(due > 0, egui::Button::new(format!("Review {due} due")));
        if review.clicked() {
            intents.push(StudyIntent::StartReview);
        }
    });
    ui.horizontal(|ui| {
        let suggestions = format!("Suggestions ({})", input.suggestions.len());
        for (tab, name) in [
            (StudyTab::Topics, "Topics"),
            (StudyTab::Suggestions, suggestions.as_str()),
            (StudyTab::Coverage, "Exam coverage"),
            (StudyTab::Charts, "Charts"),
        ] {
            ui.selectable_value(&mut state.tab, tab, name);
        }
    });
    ui.separator();

    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| match state.tab {
            StudyTab::Topics => topics_ui(ui, state, input, &mut intents),
            StudyTab::Suggestions => suggestions_ui(ui, input, &mut intents),
            StudyTab::Coverage => coverage_ui(ui, input, &mut intents),
            StudyTab::Charts => charts_ui(ui, input),
        });
    intents
}

fn topics_ui(
    ui: &mut Ui,
    state: &mut StudyPanelState,
    input: &StudyPanelInput<'_>,
    intents: &mut Vec<StudyIntent>,
) {
    let marks = input.store.marks_sorted();
    if marks.is_empty() {
        ui.label(
            "No weak topics yet. Mark one from the map (W), a pane or a search result, or \
                  accept a suggestion.",
        );
    }
    let (live, orphans): (Vec<&Mark>, Vec<&Mark>) =
        marks.into_iter().partition(|m| m.orphaned_since.is_none());
    for mark in live {
        mark_row_ui(ui, state, mark, input.now, true, intents);
    }
    if !orphans.is_empty() {
        ui.separator();
        ui.label(RichText::new(format!("Orphaned ({})", orphans.len())).strong());
        ui.label(
            RichText::new(
                "No longer in the notes. Kept with their history; they come back if the topic \
                 does.",
            )
            .weak(),
        );
        for mark in orphans {
            mark_row_ui(ui, state, mark, input.now, false, intents);
        }
    }
}

fn mark_row_ui(
    ui: &mut Ui,
    state: &mut StudyPanelState,
    mark: &Mark,
    now: Timestamp,
    live: bool,
    intents: &mut Vec<StudyIntent>,
) {
    let label = mark.display_label();
    ui.horizontal(|ui| {
        level_dot_ui(ui, mark.level);
        if live {
            if ui.link(label).on_hover_text(&mark.id).clicked() {
                intents.push(StudyIntent::Open(mark.id.clone()));
            }
        } else {
            ui.label(RichText::new(label).italics());
        }
        ui.label(RichText::new(due_text(mark, now)).weak());
    });
    ui.horizontal(|ui| {
        for level in Level::ALL {
            let chosen = mark.level == level;
            let response = ui
                .selectable_label(chosen, level.as_str())
                .accessible_name(format!("{label}: {level}"));
            if response.clicked() && !chosen {
                intents.push(StudyIntent::Edit(StudyEdit::SetLevel {
                    id: mark.id.clone(),
                    level,
                }));
            }
        }
        let editing_this = state.editing.as_ref().is_some_and(|(id, _)| *id == mark.id);
        if !editing_this
            && ui
                .button("Edit note")
                .accessible_name(format!("Edit note of {label}"))
                .on_hover_text("Edit the note")
                .clicked()
        {
            state.editing = Some((mark.id.clone(), mark.note.clone()));
        }
        if ui
            .button("Remove")
            .accessible_name(format!("Remove {label}"))
            .on_hover_text("Remove this weak topic and its review history")
            .clicked()
        {
            intents.push(StudyIntent::Edit(StudyEdit::Remove {
                id: mark.id.clone(),
            }));
        }
    });
    let mut close_editor = false;
    if let Some((id, draft)) = state.editing.as_mut()
        && *id == mark.id
    {
        ui.add(
            egui::TextEdit::multiline(draft)
                .desired_rows(2)
                .hint_text("What do you mix up?"),
        )
        .accessible_name(format!("Note of {label}"));
        ui.horizontal(|ui| {
            if ui
                .button("Save")
                .accessible_name(format!("Save note of {label}"))
                .clicked()
            {
                intents.push(StudyIntent::Edit(StudyEdit::SetNote {
                    id: id.clone(),
                    note: draft.trim().to_owned(),
                }));
                close_editor = true;
            }
            if ui.button("Cancel").clicked() {
                close_editor = true;
            }
        });
    } else if !mark.note.is_empty() {
        ui.label(RichText::new(&mark.note).weak());
    }
    if close_editor {
        state.editing = None;
    }
    ui.add_space(4.0);
}

fn suggestions_ui(ui: &mut Ui, input: &StudyPanelInput<'_>, intents: &mut Vec<StudyIntent>) {
    if input.suggestions.is_empty() {
        ui.label(
            "No suggestions: nothing in the notes is marked as unsure or important that is \
                  not already a weak topic or dismissed.",
        );
    }
    for suggestion in input.suggestions {
        let label = suggestion.label.as_str();
        ui.horizontal(|ui| {
            level_dot_ui(ui, suggestion.level);
            ui.label(RichText::new(label).strong());
            ui.label(RichText::new(format!("({})", suggestion.category)).weak());
        });
        for reason in &suggestion.reasons {
            ui.label(
                RichText::new(format!(
                    "{} {}:{}  {}",
                    match reason.kind {
                        crate::extract::MarkerKind::Uncertain => "?",
                        crate::extract::MarkerKind::Important => "!",
                    },
                    reason.source.file,
                    reason.source.line,
                    reason.source.text
                ))
                .monospace()
                .small(),
            );
        }
        ui.horizontal(|ui| {
            if ui
                .button(format!("Accept as {}", suggestion.level))
                .accessible_name(format!("Accept {label}"))
                .clicked()
            {
                intents.push(StudyIntent::Edit(StudyEdit::Accept(suggestion.clone())));
            }
            if ui
                .button("Dismiss")
                .accessible_name(format!("Dismiss {label}"))
                .on_hover_text("Not offered again")
                .clicked()
            {
                intents.push(StudyIntent::Edit(StudyEdit::Dismiss {
                    id: suggestion.id.clone(),
                    label: suggestion.label.clone(),
                }));
            }
        });
        ui.add_space(6.0);
    }
}

fn coverage_ui(ui: &mut Ui, input: &StudyPanelInput<'_>, intents: &mut Vec<StudyIntent>) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Exam:");
        for exam in Exam::ALL {
            let chosen = input.coverage.is_some_and(|c| c.exam == exam);
            if ui
                .selectable_label(chosen, format!("{exam:?}"))
                .on_hover_text(exam.name())
                .clicked()
                && !chosen
            {
                intents.push(StudyIntent::SelectExam(exam));
            }
        }
    });
    let Some(coverage) = input.coverage else {
        ui.label("Pick an exam to see what in its scope your notes never mention.");
        return;
    };
    ui.label(format!(
        "{}: the notes mention {} of {} services and concepts in scope ({:.0} %).",
        coverage.exam.name(),
        coverage.covered.len(),
        coverage.in_scope,
        coverage.ratio() * 100.0
    ));
    let mut on_map = input.gaps_on_map;
    if ui
        .checkbox(&mut on_map, "Show gaps on the map as hollow nodes")
        .changed()
    {
        intents.push(StudyIntent::ShowGapsOnMap(on_map));
    }
    let mut category = "";
    for gap in &coverage.gaps {
        if gap.category != category {
            category = &gap.category;
            ui.label(RichText::new(category).strong());
        }
        ui.label(format!("  {}", gap.name));
    }
}

fn charts_ui(ui: &mut Ui, input: &StudyPanelInput<'_>) {
    use egui_plot::{Bar, BarChart, Legend, Plot};

    ui.label(RichText::new("Topics by category").strong());
    let by_category = stats::levels_by_category(input.store);
    let names: Vec<String> = by_category.iter().map(|(c, _)| c.clone()).collect();
    let mut charts: Vec<BarChart> = Vec::new();
    for (slot, level) in Level::ALL.into_iter().enumerate() {
        let bars: Vec<Bar> = by_category
            .iter()
            .enumerate()
            .map(|(i, (category, counts))| {
                Bar::new(i as f64, counts.get(slot).copied().unwrap_or(0) as f64)
                    .name(category)
                    .width(0.7)
            })
            .collect();
        let mut chart = BarChart::new(level.as_str(), bars).color(level_color(level));
        let below: Vec<&BarChart> = charts.iter().collect();
        if !below.is_empty() {
            chart = chart.stack_on(&below);
        }
        charts.push(chart);
    }
    Plot::new("study-levels-by-category")
        .height(160.0)
        .legend(Legend::default())
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            names.get(i as usize).cloned().unwrap_or_default()
        })
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });

    ui.label(RichText::new("Reviews, last 30 days").strong());
    let days = stats::reviews_per_day(input.store, input.now, 30);
    let recalled: Vec<Bar> = days
        .iter()
        .enumerate()
        .map(|(i, d)| Bar::new(i as f64 - 29.0, d.recalled as f64).width(0.8))
        .collect();
    let again: Vec<Bar> = days
        .iter()
        .enumerate()
        .map(|(i, d)| Bar::new(i as f64 - 29.0, d.again as f64).width(0.8))
        .collect();
    let recalled = BarChart::new("recalled", recalled).color(level_color(Level::Solid));
    let again = BarChart::new("again", again)
        .color(level_color(Level::Weak))
        .stack_on(&[&recalled]);
    Plot::new("study-reviews-per-day")
        .height(120.0)
        .legend(Legend::default())
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.bar_chart(recalled);
            plot.bar_chart(again);
        });
}

/// The form shown when the user marks a topic (context menu, `W`, a pane, a search result).
#[derive(Clone, Debug, PartialEq)]
pub struct MarkDraft {
    pub level: Level,
    pub note: String,
}

impl MarkDraft {
    /// A draft for `existing` (its level and note) or a new weak mark.
    pub fn new(existing: Option<&Mark>) -> Self {
        existing.map_or(
            Self {
                level: Level::Weak,
                note: String::new(),
            },
            |m| Self {
                level: m.level,
                note: m.note.clone(),
            },
        )
    }
}

/// The mark form for `target`. Returns an intent when the user saves, removes or cancels.
pub fn mark_form_ui(
    ui: &mut Ui,
    draft: &mut MarkDraft,
    target: &MarkTarget,
    existing: Option<&Mark>,
) -> Option<StudyIntent> {
    let mut intent = None;
    ui.label(RichText::new(&target.label).strong());
    ui.horizontal(|ui| {
        for level in Level::ALL {
            ui.selectable_value(&mut draft.level, level, level.as_str());
        }
    });
    ui.add(
        egui::TextEdit::multiline(&mut draft.note)
            .desired_rows(2)
            .hint_text("What do you mix up? (optional)"),
    )
    .accessible_name("Note");
    ui.horizontal(|ui| {
        let save = if existing.is_some() { "Save" } else { "Mark" };
        if ui.button(save).clicked() {
            intent = Some(StudyIntent::Edit(StudyEdit::Mark {
                target: target.clone(),
                level: draft.level,
                note: draft.note.trim().to_owned(),
            }));
        }
        if existing.is_some() && ui.button("Remove mark").clicked() {
            intent = Some(StudyIntent::Edit(StudyEdit::Remove {
                id: target.id.clone(),
            }));
        }
        if ui.button("Cancel").clicked() {
            intent = Some(StudyIntent::CancelMark);
        }
    });
    intent
}

//! The study store inside the explorer: loaded once per collection, edited through
//! [`StudyEdit`]s, saved by the background [`Saver`]; the weak-topics window, the mark form and
//! the review window; the levels the map rings show and the gaps it draws as hollow nodes.

use std::collections::BTreeSet;
use std::path::PathBuf;

use egui::Ui;

use crate::study::{
    self, Coverage, Level, MarkTarget, Saver, Scheduler, Store, StoreWarning, StudyEdit,
    Suggestion, Timestamp,
};

use super::Explorer;
use super::command::Command;
use super::review::{ReviewIntent, ReviewSession, review_ui};
use super::study_panel::{
    MarkDraft, StudyIntent, StudyPanelInput, StudyPanelState, mark_form_ui, study_panel_ui,
};

/// The study side of the explorer.
#[derive(Default)]
pub struct StudyState {
    pub store: Store,
    /// The study file of the current collection.
    pub path: Option<PathBuf>,
    saver: Option<Saver>,
    /// The collection key the store was loaded for.
    loaded_key: Option<String>,
    pub warnings: Vec<StoreWarning>,
    scheduler: Option<Scheduler>,
    pub suggestions: Vec<Suggestion>,
    pub panel: StudyPanelState,
    /// The weak-topics window is open.
    pub show_panel: bool,
    pub review: Option<ReviewSession>,
    /// The mark form: its target and draft.
    pub form: Option<(MarkTarget, MarkDraft)>,
    /// The form was drawn in a pane this frame (else it gets a window).
    pub form_in_pane: bool,
    pub coverage: Option<Coverage>,
    pub gaps_on_map: bool,
    /// Entities shown by the "weak topics and their neighbours" filter.
    pub neighbourhood: BTreeSet<String>,
    /// Why there is no saver (the study file could not be read and must not be replaced).
    unsaved: Option<String>,
}

impl StudyState {
    /// The level of a marked id.
    pub fn level(&self, id: &str) -> Option<Level> {
        self.store.get(id).map(|m| m.level)
    }

    /// Topics due now.
    pub fn due_count(&self) -> usize {
        self.store.due_count(Timestamp::now())
    }

    /// Blocks until every edit so far is on disk or its save has failed (tests, quitting).
    /// Returns whether everything is on disk (false too when there is no saver).
    pub fn flush(&self) -> bool {
        self.saver.as_ref().is_some_and(Saver::flush)
    }

    /// Why weak topics are not being saved right now, if they are not.
    pub fn save_problem(&self) -> Option<String> {
        match &self.saver {
            Some(saver) => saver.failing(),
            None => self.unsaved.clone(),
        }
    }
}

/// The first words of the message shown while the study file cannot be written.
const SAVE_FAILED: &str = "Weak topics could not be saved";

impl Explorer {
    /// Shows what the background saver reports: a failed save (once per run of failures, with
    /// the promise that nothing is lost) and, when a save works again, that it did.
    pub(super) fn poll_study_saver(&mut self) {
        let Some(saver) = &self.study.saver else {
            return;
        };
        if let Some(err) = saver.take_error() {
            self.messages.retain(|m| !m.starts_with(SAVE_FAILED));
            self.messages.push(format!(
                "{SAVE_FAILED}: {err}. Your changes are kept in memory and saved as soon as \
                 writing works again."
            ));
        }
        if saver.take_recovered() {
            self.messages.retain(|m| !m.starts_with(SAVE_FAILED));
            self.messages
                .push("Weak topics are saved again: nothing was lost.".to_owned());
        }
        if saver.failing().is_some() {
            // The saver retries on its own thread: look again soon.
            self.ctx
                .request_repaint_after(std::time::Duration::from_secs(1));
        }
    }

    /// Loads the study store of the current collection if it is not loaded yet, then brings it up
    /// to date with the compiled notes. Called on every install; reads the file once per
    /// collection.
    pub(super) fn load_study(&mut self) {
        let root = self.source.path().map(std::path::Path::to_path_buf);
        let key = study::storage::collection_key(root.as_deref());
        if self.study.loaded_key.as_deref() != Some(key.as_str()) {
            // Finish the previous collection's writes before switching files.
            self.study.saver = None;
            self.study.loaded_key = Some(key.clone());
            self.study.review = None;
            self.study.form = None;
            self.study.coverage = None;
            self.study.gaps_on_map = false;
            let path = match self.store.dir() {
                Some(dir) => Ok(dir
                    .join("collections")
                    .join(&key)
                    .join(study::storage::STUDY_FILE)),
                None => study::storage::study_path(root.as_deref()),
            };
            self.study.unsaved = None;
            match path {
                Ok(path) => {
                    let readable = match study::storage::load(&path) {
                        Ok(loaded) => {
                            self.study.store = loaded.store;
                            for w in &loaded.warnings {
                                self.messages.push(w.to_string());
                            }
                            self.study.warnings = loaded.warnings;
                            true
                        }
                        Err(err) => {
                            // The file is there but unreadable or from a newer version: never
                            // replace it with an empty store.
                            self.study.store = Store::new();
                            let message = format!(
                                "Weak topics not loaded: {err}. The file is left as it is, and \
                                 weak topics of this session will not be saved."
                            );
                            self.messages.push(message.clone());
                            self.study.unsaved = Some(message);
                            false
                        }
                    };
                    if readable {
                        match Saver::spawn(path.clone()) {
                            Ok(saver) => self.study.saver = Some(saver),
                            Err(err) => {
                                let message = format!("Weak topics will not be saved: {err}");
                                self.messages.push(message.clone());
                                self.study.unsaved = Some(message);
                            }
                        }
                    }
                    self.study.path = Some(path);
                }
                Err(err) => {
                    self.study.store = Store::new();
                    self.study.path = None;
                    let message = format!("Weak topics will not be saved: {err}");
                    self.messages.push(message.clone());
                    self.study.unsaved = Some(message);
                }
            }
        }
        if let Some(col) = &self.collection {
            let attachment =
                study::sync_with(&mut self.study.store, &col.compiled, Timestamp::now());
            if !attachment.newly_orphaned.is_empty() || !attachment.reattached.is_empty() {
                self.save_study();
            }
        }
        self.refresh_study();
    }

    /// Recomputes what is derived from the store: suggestions, the weak neighbourhood, coverage.
    fn refresh_study(&mut self) {
        let Some(col) = &self.collection else {
            self.study.suggestions.clear();
            self.study.neighbourhood.clear();
            return;
        };
        self.study.suggestions = study::suggestions(&col.compiled, &self.study.store);
        self.study.neighbourhood = study::weak_neighbourhood(&self.study.store, &col.compiled);
        if let Some(cov) = &self.study.coverage {
            let exam = cov.exam;
            self.study.coverage = Some(study::coverage(
                crate::catalog::Catalog::builtin(),
                &col.compiled,
                exam,
            ));
        }
        self.search.invalidate();
    }

    fn save_study(&mut self) {
        if let Some(saver) = &self.study.saver {
            saver.save(self.study.store.clone());
        }
    }

    /// Applies a store edit, saves in the background and refreshes what depends on it.
    pub fn apply_study_edit(&mut self, edit: StudyEdit) {
        if self.study.scheduler.is_none() {
            match Scheduler::new() {
                Ok(s) => self.study.scheduler = Some(s),
                Err(err) => {
                    self.messages
                        .push(format!("The review scheduler is unavailable: {err}"));
                    return;
                }
            }
        }
        let Some(scheduler) = &self.study.scheduler else {
            return;
        };
        match study::apply(&mut self.study.store, edit, scheduler, Timestamp::now()) {
            Ok(()) => {
                self.save_study();
                self.refresh_study();
            }
            Err(err) => self.messages.push(format!("Weak topics: {err}")),
        }
    }

    /// The target of an entity or section id in the current notes, with its source lines.
    fn mark_target(&self, id: &str) -> Option<MarkTarget> {
        let col = self.collection.as_ref()?;
        let mut target = study::lookup(&col.compiled, id)?;
        target.sources = study::source_lines(&col.compiled, id, 5);
        Some(target)
    }

    /// Marks `id` at `level` (keeping its note), or removes its mark when `level` is `None`.
    pub(super) fn quick_mark(&mut self, id: &str, level: Option<Level>) {
        match level {
            None => {
                if self.study.store.get(id).is_some() {
                    self.apply_study_edit(StudyEdit::Remove { id: id.to_owned() });
                }
            }
            Some(level) => {
                let note = self
                    .study
                    .store
                    .get(id)
                    .map(|m| m.note.clone())
                    .unwrap_or_default();
                match self.mark_target(id) {
                    Some(target) => self.apply_study_edit(StudyEdit::Mark {
                        target,
                        level,
                        note,
                    }),
                    None => self
                        .messages
                        .push(format!("{id} is not in the current notes.")),
                }
            }
        }
    }

    /// Opens the mark form for `id` (an entity or a section).
    pub(super) fn open_mark_form(&mut self, id: &str) {
        if let Some(target) = self.mark_target(id) {
            let draft = MarkDraft::new(self.study.store.get(id));
            self.study.form = Some((target, draft));
        }
    }

    /// `W`: marks the selection weak (when it is not marked yet) and opens the form for a note.
    pub(super) fn mark_selection(&mut self) {
        let Some(id) = self.selected.clone() else {
            self.messages
                .push("Select a node first, then press W to mark it weak.".to_owned());
            return;
        };
        if self.study.store.get(&id).is_none() {
            self.quick_mark(&id, Some(Level::Weak));
        }
        self.open_mark_form(&id);
        self.panes.open(&id);
    }

    /// Applies an intent of the panel or the mark form.
    pub(super) fn run_study_intent(&mut self, intent: StudyIntent) {
        match intent {
            StudyIntent::Edit(edit) => {
                let closes_form = matches!(edit, StudyEdit::Mark { .. } | StudyEdit::Remove { .. });
                self.apply_study_edit(edit);
                if closes_form {
                    self.study.form = None;
                }
            }
            StudyIntent::Open(id) => self.focus_topic(&id),
            StudyIntent::StartReview => {
                let session = ReviewSession::start(&self.study.store, Timestamp::now());
                if session.is_empty() {
                    self.messages
                        .push("No weak topic is due for review.".to_owned());
                } else {
                    self.study.review = Some(session);
                    // The panel would hide the map the review centres.
                    self.study.show_panel = false;
                }
            }
            StudyIntent::SelectExam(exam) => {
                if let Some(col) = &self.collection {
                    self.study.coverage = Some(study::coverage(
                        crate::catalog::Catalog::builtin(),
                        &col.compiled,
                        exam,
                    ));
                }
            }
            StudyIntent::ShowGapsOnMap(on) => self.study.gaps_on_map = on,
            StudyIntent::DismissWarnings => {
                let texts: Vec<String> = self
                    .study
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                self.messages.retain(|m| !texts.contains(m));
                self.study.warnings.clear();
            }
            StudyIntent::CancelMark => self.study.form = None,
        }
    }

    /// Opens a topic: an entity is selected, its pane opened and centred; a section opens the
    /// entity it is about.
    pub(super) fn focus_topic(&mut self, id: &str) {
        if self.node_ix(id).is_some() {
            self.run_command(Command::Select {
                entity_id: id.to_owned(),
                center: true,
            });
            return;
        }
        let entity_ids: Vec<String> = self
            .collection
            .as_ref()
            .and_then(|col| {
                let &i = col.section_index.get(id)?;
                let facts = col.compiled.sections.get(i)?;
                Some(facts.entity_ids())
            })
            .unwrap_or_default();
        self.run_command(Command::OpenSection {
            section_id: id.to_owned(),
            entity_ids,
        });
    }

    /// Applies an intent of the review window.
    pub(super) fn run_review_intent(&mut self, intent: ReviewIntent) {
        match &intent {
            ReviewIntent::Focus(id) => {
                self.focus_topic(id);
                // Show the topic with its neighbours (the entity a section is about, for a section).
                let centre = self.selected.clone().and_then(|s| self.node_ix(&s));
                if let (Some(ix), Some(col)) = (centre, &self.collection) {
                    self.map.center_on = None;
                    self.map.fit_to = Some(col.model.neighbourhood(ix, 1));
                }
            }
            ReviewIntent::Rate { .. } => {
                if let Some(edit) = intent.to_edit() {
                    self.apply_study_edit(edit);
                }
            }
            ReviewIntent::Finish => {
                self.study.review = None;
                self.study.show_panel = true;
            }
        }
    }

    /// The weak-topics window, the mark form window and the review window.
    pub(super) fn study_windows_ui(&mut self, ui: &Ui) {
        let ctx = ui.ctx().clone();
        let now = Timestamp::now();
        if self.study.show_panel {
            let mut open = true;
            let mut intents = Vec::new();
            egui::Window::new("Weak topics")
                .open(&mut open)
                .default_width(380.0)
                .default_height(460.0)
                .default_pos(egui::pos2(330.0, 80.0))
                .show(&ctx, |ui| {
                    let input = StudyPanelInput {
                        store: &self.study.store,
                        suggestions: &self.study.suggestions,
                        coverage: self.study.coverage.as_ref(),
                        gaps_on_map: self.study.gaps_on_map,
                        warnings: &self.study.warnings,
                        now,
                    };
                    intents = study_panel_ui(ui, &mut self.study.panel, &input);
                });
            self.study.show_panel = open;
            self.commands
                .extend(intents.into_iter().map(Command::Study));
        }
        if !self.study.form_in_pane
            && let Some((target, draft)) = &mut self.study.form
        {
            let mut open = true;
            let mut intent = None;
            egui::Window::new("Mark topic")
                .open(&mut open)
                .default_width(320.0)
                .show(&ctx, |ui| {
                    intent = mark_form_ui(ui, draft, target, self.study.store.get(&target.id));
                });
            if !open {
                intent = Some(StudyIntent::CancelMark);
            }
            self.commands.extend(intent.map(Command::Study));
        }
        if let Some(session) = &mut self.study.review {
            let mut open = true;
            let mut intents = Vec::new();
            if self.study.scheduler.is_none() {
                self.study.scheduler = Scheduler::new().ok();
            }
            if let Some(scheduler) = &self.study.scheduler {
                let store = &self.study.store;
                // Bottom left of the map, clear of the side panel and of the centred topic.
                let bottom = ctx.content_rect().bottom() - 48.0;
                egui::Window::new("Review")
                    .open(&mut open)
                    .default_width(360.0)
                    .pivot(egui::Align2::LEFT_BOTTOM)
                    .default_pos(egui::pos2(320.0, bottom))
                    .show(&ctx, |ui| {
                        intents = review_ui(ui, session, store, scheduler, now);
                    });
            }
            if !open {
                intents.push(ReviewIntent::Finish);
            }
            self.commands
                .extend(intents.into_iter().map(Command::Review));
        }
    }
}

//! The review session: walks through the due weak topics one at a time; the student recalls the
//! topic, may reveal their note and the source lines, and rates it Again / Hard / Good / Easy
//! (keys 1–4, Space reveals).
//!
//! Standalone: [`review_ui`] returns [`ReviewIntent`]s — focus a topic (the app opens its pane and
//! centres the map on it and its neighbours), rate it (the app applies
//! [`crate::study::StudyEdit::Review`]), finish — and changes only the session's own state.

use egui::{RichText, Ui};

use crate::study::{Mark, Rating, Scheduler, Store, StudyEdit, Timestamp};

use super::study_panel::level_dot_ui;

/// What the user asked for during a review.
#[derive(Clone, Debug, PartialEq)]
pub enum ReviewIntent {
    /// A new topic is up: open its pane and centre the map on it and its neighbours.
    Focus(String),
    /// Record this answer.
    Rate { id: String, rating: Rating },
    /// Close the review.
    Finish,
}

impl ReviewIntent {
    /// The store edit of a [`ReviewIntent::Rate`].
    pub fn to_edit(&self) -> Option<StudyEdit> {
        match self {
            ReviewIntent::Rate { id, rating } => Some(StudyEdit::Review {
                id: id.clone(),
                rating: *rating,
            }),
            _ => None,
        }
    }
}

/// A review session's own state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewSession {
    /// Ids to review, in order.
    queue: Vec<String>,
    /// Index of the current topic in `queue`.
    position: usize,
    /// Whether the note and sources of the current topic are shown.
    revealed: bool,
    /// The topic a [`ReviewIntent::Focus`] was last sent for.
    focused: Option<String>,
    /// Answers given so far.
    answers: Vec<(String, Rating)>,
}

impl ReviewSession {
    /// A session over the topics of `store` due at `now` (due date, then level).
    pub fn start(store: &Store, now: Timestamp) -> Self {
        Self {
            queue: store.due(now).into_iter().map(|m| m.id.clone()).collect(),
            ..Self::default()
        }
    }

    /// The id of the current topic; `None` when the session is over.
    pub fn current(&self) -> Option<&str> {
        self.queue.get(self.position).map(String::as_str)
    }

    /// Topics in the session.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether the session has no topics at all.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Answers given so far, in order.
    pub fn answers(&self) -> &[(String, Rating)] {
        &self.answers
    }

    fn advance(&mut self) {
        self.position += 1;
        self.revealed = false;
    }
}

/// Draws the review session. `store` is read only.
pub fn review_ui(
    ui: &mut Ui,
    session: &mut ReviewSession,
    store: &Store,
    scheduler: &Scheduler,
    now: Timestamp,
) -> Vec<ReviewIntent> {
    let mut intents = Vec::new();
    // Skip topics removed since the session started.
    while let Some(id) = session.current() {
        if store.get(id).is_some() {
            break;
        }
        session.advance();
    }
    let Some(mark) = session.current().and_then(|id| store.get(id)) else {
        summary_ui(ui, session, &mut intents);
        return intents;
    };
    if session.focused.as_deref() != Some(mark.id.as_str()) {
        session.focused = Some(mark.id.clone());
        intents.push(ReviewIntent::Focus(mark.id.clone()));
    }

    ui.label(
        RichText::new(format!(
            "Topic {} of {}",
            session.position + 1,
            session.len()
        ))
        .weak(),
    );
    ui.horizontal(|ui| {
        level_dot_ui(ui, mark.level);
        ui.heading(mark.display_label());
    });
    if !mark.category.is_empty() {
        ui.label(RichText::new(format!("{} · {}", mark.category, mark.level)).weak());
    }
    ui.label("Recall what you know about it, then rate yourself.");
    ui.add_space(6.0);

    let typing = ui.ctx().memory(|m| m.focused().is_some());
    if !typing && ui.input(|i| i.key_pressed(egui::Key::Space)) {
        session.revealed = true;
    }
    if session.revealed {
        revealed_ui(ui, mark);
    } else if ui.button("Show my note").clicked() {
        session.revealed = true;
    }
    ui.add_space(6.0);

    let preview = scheduler.preview(mark, now).ok();
    let mut chosen = None;
    ui.horizontal(|ui| {
        for (n, rating) in Rating::ALL.into_iter().enumerate() {
            let name = capitalised(rating.as_str());
            let text = match preview.and_then(|p| p.get(n).copied()) {
                Some((_, days)) => format!("{name} · {days:.0} d"),
                None => name.clone(),
            };
            let button = ui
                .button(text)
                .accessible_name(name)
                .on_hover_text(format!("Key {}", n + 1));
            if button.clicked() {
                chosen = Some(rating);
            }
        }
    });
    if !typing {
        let keys = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
        ];
        for (key, rating) in keys.into_iter().zip(Rating::ALL) {
            if ui.input(|i| i.key_pressed(key)) {
                chosen = Some(rating);
            }
        }
    }
    if let Some(rating) = chosen {
        intents.push(ReviewIntent::Rate {
            id: mark.id.clone(),
            rating,
        });
        session.answers.push((mark.id.clone(), rating));
        session.advance();
        ui.ctx().request_repaint();
    }
    ui.separator();
    if ui.button("End review").clicked() {
        intents.push(ReviewIntent::Finish);
    }
    intents
}

fn revealed_ui(ui: &mut Ui, mark: &Mark) {
    if mark.note.is_empty() {
        ui.label(RichText::new("(no note)").weak());
    } else {
        ui.label(&mark.note);
    }
    for source in &mark.sources {
        ui.label(
            RichText::new(format!("{}:{}  {}", source.file, source.line, source.text))
                .monospace()
                .small(),
        );
    }
}

fn summary_ui(ui: &mut Ui, session: &ReviewSession, intents: &mut Vec<ReviewIntent>) {
    if session.answers.is_empty() {
        ui.label("Nothing is due. Well done.");
    } else {
        let count = |r: Rating| session.answers.iter().filter(|(_, a)| *a == r).count();
        ui.label(RichText::new(format!("Reviewed {} topics", session.answers.len())).strong());
        ui.label(format!(
            "again {} · hard {} · good {} · easy {}",
            count(Rating::Again),
            count(Rating::Hard),
            count(Rating::Good),
            count(Rating::Easy)
        ));
    }
    if ui.button("Close review").clicked() {
        intents.push(ReviewIntent::Finish);
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

//! Changes to the study store as values: the window's panels return these (instead of mutating
//! the store while drawing) and the app applies them with [`apply`] after the frame.

use super::StudyError;
use super::model::{Level, MarkTarget, Rating, Store};
use super::schedule::Scheduler;
use super::suggest::Suggestion;
use super::time::Timestamp;

/// One change to a [`Store`].
#[derive(Clone, Debug, PartialEq)]
pub enum StudyEdit {
    /// Mark a topic (or update the level and note of an existing mark).
    Mark {
        target: MarkTarget,
        level: Level,
        note: String,
    },
    /// Change the level of a mark.
    SetLevel { id: String, level: Level },
    /// Replace the note of a mark.
    SetNote { id: String, note: String },
    /// Remove a mark and its history.
    Remove { id: String },
    /// Accept a suggestion (mark it at the suggested level, with its lines).
    Accept(Suggestion),
    /// Dismiss a suggestion for good.
    Dismiss { id: String, label: String },
    /// Record a review answer (FSRS schedules the next one).
    Review { id: String, rating: Rating },
}

/// Applies `edit` to `store` at `now`. Errors name the missing mark or the scheduler's problem;
/// the store is unchanged on error.
pub fn apply(
    store: &mut Store,
    edit: StudyEdit,
    scheduler: &Scheduler,
    now: Timestamp,
) -> Result<(), StudyError> {
    match edit {
        StudyEdit::Mark {
            target,
            level,
            note,
        } => {
            store.mark(target, level, &note, now);
        }
        StudyEdit::SetLevel { id, level } => store.set_level(&id, level, now)?,
        StudyEdit::SetNote { id, note } => store.set_note(&id, &note, now)?,
        StudyEdit::Remove { id } => {
            store
                .remove(&id)
                .ok_or_else(|| StudyError::NoMark(id.clone()))?;
        }
        StudyEdit::Accept(suggestion) => super::suggest::accept(store, &suggestion, now),
        StudyEdit::Dismiss { id, label } => store.dismiss(&id, &label, now),
        StudyEdit::Review { id, rating } => {
            scheduler.review_in(store, &id, rating, now)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply() {
        let scheduler = Scheduler::new().unwrap();
        let mut store = Store::new();
        let now = Timestamp(1000);
        let target = MarkTarget {
            id: "s3".to_owned(),
            label: "Amazon S3".to_owned(),
            ..MarkTarget::default()
        };
        let edits = [
            StudyEdit::Mark {
                target,
                level: Level::Weak,
                note: "versioning".to_owned(),
            },
            StudyEdit::SetLevel {
                id: "s3".to_owned(),
                level: Level::Shaky,
            },
            StudyEdit::SetNote {
                id: "s3".to_owned(),
                note: "MFA delete".to_owned(),
            },
            StudyEdit::Review {
                id: "s3".to_owned(),
                rating: Rating::Good,
            },
        ];
        for edit in edits {
            apply(&mut store, edit, &scheduler, now).unwrap();
        }
        let mark = store.get("s3").unwrap();
        assert_eq!(
            (mark.level, mark.note.as_str(), mark.reviews.len()),
            (Level::Shaky, "MFA delete", 1)
        );
        let remove = StudyEdit::Remove {
            id: "s3".to_owned(),
        };
        apply(&mut store, remove.clone(), &scheduler, now).unwrap();
        assert!(apply(&mut store, remove, &scheduler, now).is_err());
        let dismiss = StudyEdit::Dismiss {
            id: "ec2".to_owned(),
            label: "EC2".to_owned(),
        };
        apply(&mut store, dismiss, &scheduler, now).unwrap();
        assert!(store.is_dismissed("ec2"));
    }
}

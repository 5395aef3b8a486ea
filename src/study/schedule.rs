//! Review scheduling with FSRS (the `fsrs` crate, the scheduler Anki uses), default parameters
//! and a desired retention of 0.9.
//!
//! # When a topic becomes solid (and stops being solid)
//!
//! After each review the level follows the memory FSRS has estimated, and the recent answers:
//! - **Solid**: the last [`SOLID_STREAK`] answers were Good or Easy *and* FSRS stability is at least
//!   [`SOLID_STABILITY_DAYS`] days (recall stays above 90 % for three weeks).
//! - **Weak → shaky**: the last [`SHAKY_STREAK`] answers were Good or Easy and stability is at least
//!   [`SHAKY_STABILITY_DAYS`] days.
//! - **Again** demotes one level (solid → shaky → weak).
//! - Hard, or a good answer that does not meet a rule, keeps the level.
//!
//! Due dates: the next review is `interval` days after this one, where FSRS gives the interval
//! for the desired retention; it is rounded to whole days and at least one day (as Anki does for
//! reviews).

use fsrs::{FSRS, MemoryState};

use super::StudyError;
use super::model::{Level, Mark, Memory, Rating, ReviewEntry, Store};
use super::time::Timestamp;

/// Desired probability of recall at the due date.
pub const DESIRED_RETENTION: f32 = 0.9;
/// Stability (days) a topic needs to become solid.
pub const SOLID_STABILITY_DAYS: f32 = 21.0;
/// Consecutive Good/Easy answers a topic needs to become solid.
pub const SOLID_STREAK: usize = 3;
/// Stability (days) a weak topic needs to become shaky.
pub const SHAKY_STABILITY_DAYS: f32 = 7.0;
/// Consecutive Good/Easy answers a weak topic needs to become shaky.
pub const SHAKY_STREAK: usize = 2;

/// What a review changed.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewOutcome {
    /// The entry added to the mark's history.
    pub entry: ReviewEntry,
    /// The level before the review.
    pub level_before: Level,
    /// The new due date.
    pub due: Timestamp,
}

/// The FSRS scheduler with our settings.
#[derive(Clone, Debug)]
pub struct Scheduler {
    fsrs: FSRS,
    desired_retention: f32,
}

impl Scheduler {
    /// FSRS with its default parameters and [`DESIRED_RETENTION`].
    pub fn new() -> Result<Self, StudyError> {
        let fsrs = FSRS::new(&[]).map_err(|e| StudyError::Fsrs(e.to_string()))?;
        Ok(Self {
            fsrs,
            desired_retention: DESIRED_RETENTION,
        })
    }

    /// The memory state and interval (days, as FSRS gives it) after answering `rating`, starting
    /// from `memory` (`None` for a topic never reviewed) `elapsed_days` after the last review.
    pub fn next(
        &self,
        memory: Option<Memory>,
        elapsed_days: u32,
        rating: Rating,
    ) -> Result<(Memory, f32), StudyError> {
        let current = memory.map(|m| MemoryState {
            stability: m.stability,
            difficulty: m.difficulty,
        });
        let states = self
            .fsrs
            .next_states(current, self.desired_retention, elapsed_days)
            .map_err(|e| StudyError::Fsrs(e.to_string()))?;
        let state = match rating {
            Rating::Again => states.again,
            Rating::Hard => states.hard,
            Rating::Good => states.good,
            Rating::Easy => states.easy,
        };
        Ok((
            Memory {
                stability: state.memory.stability,
                difficulty: state.memory.difficulty,
            },
            state.interval,
        ))
    }

    /// The days until the next review each answer would give `mark` at `now` (for the buttons).
    pub fn preview(&self, mark: &Mark, now: Timestamp) -> Result<[(Rating, f32); 4], StudyError> {
        let elapsed = elapsed_days(mark, now);
        let mut out = [(Rating::Again, 0.0); 4];
        for (slot, rating) in out.iter_mut().zip(Rating::ALL) {
            let (_, interval) = self.next(mark.memory, elapsed, rating)?;
            *slot = (rating, scheduled_days(interval));
        }
        Ok(out)
    }

    /// Applies a review of `mark` at `now`: new memory state, due date, history entry and level
    /// (see the module docs for the level rule).
    pub fn review(
        &self,
        mark: &mut Mark,
        rating: Rating,
        now: Timestamp,
    ) -> Result<ReviewOutcome, StudyError> {
        let elapsed = elapsed_days(mark, now);
        let (memory, interval) = self.next(mark.memory, elapsed, rating)?;
        let interval_days = scheduled_days(interval);
        let level_before = mark.level;
        let streak = 1 + mark
            .reviews
            .iter()
            .rev()
            .take_while(|r| r.rating.is_good_or_better())
            .count();
        let level = next_level(level_before, rating, streak, memory.stability);
        let due = now.plus_days(f64::from(interval_days));
        let entry = ReviewEntry {
            at: now,
            rating,
            elapsed_days: elapsed,
            interval_days,
            memory,
            level,
        };
        mark.memory = Some(memory);
        mark.due = due;
        mark.level = level;
        mark.updated = now;
        mark.reviews.push(entry.clone());
        Ok(ReviewOutcome {
            entry,
            level_before,
            due,
        })
    }

    /// Reviews the mark `id` of `store`.
    pub fn review_in(
        &self,
        store: &mut Store,
        id: &str,
        rating: Rating,
        now: Timestamp,
    ) -> Result<ReviewOutcome, StudyError> {
        let mark = store
            .marks
            .get_mut(id)
            .ok_or_else(|| StudyError::NoMark(id.to_owned()))?;
        self.review(mark, rating, now)
    }
}

/// Whole days since the mark's last review (0 when never reviewed).
fn elapsed_days(mark: &Mark, now: Timestamp) -> u32 {
    mark.last_review()
        .map_or(0, |last| now.whole_days_since(last.at))
}

/// The interval FSRS gives, as the whole number of days we schedule (at least one).
pub fn scheduled_days(interval: f32) -> f32 {
    interval.round().max(1.0)
}

/// The level rule (module docs). `streak` counts this answer and the Good/Easy answers right
/// before it when this answer is Good/Easy.
fn next_level(level: Level, rating: Rating, streak: usize, stability: f32) -> Level {
    match rating {
        Rating::Again => level.weaker(),
        Rating::Hard => level,
        Rating::Good | Rating::Easy => {
            if streak >= SOLID_STREAK && stability >= SOLID_STABILITY_DAYS {
                Level::Solid
            } else if level == Level::Weak
                && streak >= SHAKY_STREAK
                && stability >= SHAKY_STABILITY_DAYS
            {
                Level::Shaky
            } else {
                level
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::model::TargetKind;

    fn mark() -> Mark {
        Mark {
            id: "codedeploy".to_owned(),
            kind: TargetKind::Entity,
            ..Mark::default()
        }
    }

    #[test]
    fn first_review_matches_fsrs() {
        let scheduler = Scheduler::new().unwrap();
        let direct = FSRS::new(&[]).unwrap().next_states(None, 0.9, 0).unwrap();
        let now = Timestamp(1_000_000);
        let mut m = mark();
        let outcome = scheduler.review(&mut m, Rating::Good, now).unwrap();
        assert_eq!(outcome.entry.memory.stability, direct.good.memory.stability);
        assert_eq!(
            outcome.entry.interval_days,
            direct.good.interval.round().max(1.0)
        );
        assert_eq!(
            m.due,
            now.plus_days(f64::from(direct.good.interval.round().max(1.0)))
        );
    }

    #[test]
    fn level_rule() {
        assert_eq!(
            next_level(Level::Solid, Rating::Again, 0, 50.0),
            Level::Shaky
        );
        assert_eq!(
            next_level(Level::Shaky, Rating::Hard, 0, 50.0),
            Level::Shaky
        );
        assert_eq!(next_level(Level::Weak, Rating::Good, 3, 30.0), Level::Solid);
        assert_eq!(next_level(Level::Weak, Rating::Good, 2, 30.0), Level::Shaky);
        assert_eq!(next_level(Level::Weak, Rating::Good, 2, 3.0), Level::Weak);
        assert_eq!(
            next_level(Level::Shaky, Rating::Easy, 3, 10.0),
            Level::Shaky
        );
    }

    #[test]
    fn preview_orders_intervals() {
        let scheduler = Scheduler::new().unwrap();
        let preview = scheduler.preview(&mark(), Timestamp(0)).unwrap();
        let days: Vec<f32> = preview.iter().map(|(_, d)| *d).collect();
        assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
        assert!(days[3] > days[0]);
    }
}

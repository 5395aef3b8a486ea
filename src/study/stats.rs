//! Numbers behind the study panel's pictures: topics by category and level, reviews per day.

use std::collections::BTreeMap;

use super::model::{Level, Rating, Store};
use super::time::{DAY_SECS, Timestamp};

/// Marks per category, counted per level (`[weak, shaky, solid]`), categories sorted by name
/// (an empty category is shown as `Other`).
pub fn levels_by_category(store: &Store) -> Vec<(String, [usize; 3])> {
    let mut by: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for mark in store.marks.values() {
        let category = if mark.category.is_empty() {
            "Other".to_owned()
        } else {
            mark.category.clone()
        };
        let slot = match mark.level {
            Level::Weak => 0,
            Level::Shaky => 1,
            Level::Solid => 2,
        };
        if let Some(count) = by.entry(category).or_default().get_mut(slot) {
            *count += 1;
        }
    }
    by.into_iter().collect()
}

/// Reviews on one UTC day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayReviews {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    /// Reviews rated Again.
    pub again: usize,
    /// Reviews rated Hard, Good or Easy.
    pub recalled: usize,
}

/// Reviews per day over the last `days` days up to `now` (every day present, oldest first).
pub fn reviews_per_day(store: &Store, now: Timestamp, days: u32) -> Vec<DayReviews> {
    let today = now.0.div_euclid(DAY_SECS);
    let first = today - i64::from(days.max(1)) + 1;
    let mut out: Vec<DayReviews> = (first..=today)
        .map(|day| DayReviews {
            day,
            ..DayReviews::default()
        })
        .collect();
    for review in store.marks.values().flat_map(|m| &m.reviews) {
        let day = review.at.0.div_euclid(DAY_SECS);
        let Some(slot) = usize::try_from(day - first)
            .ok()
            .and_then(|i| out.get_mut(i))
        else {
            continue;
        };
        if review.rating == Rating::Again {
            slot.again += 1;
        } else {
            slot.recalled += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::model::{MarkTarget, Memory, ReviewEntry};

    #[test]
    fn counts() {
        let mut store = Store::new();
        let t = Timestamp(10 * DAY_SECS + 5);
        for (id, category, level) in [
            ("a", "Compute", Level::Weak),
            ("b", "Compute", Level::Solid),
            ("c", "", Level::Shaky),
        ] {
            let target = MarkTarget {
                id: id.to_owned(),
                category: category.to_owned(),
                ..MarkTarget::default()
            };
            store.mark(target, level, "", t);
        }
        assert_eq!(
            levels_by_category(&store),
            [
                ("Compute".to_owned(), [1, 0, 1]),
                ("Other".to_owned(), [0, 1, 0])
            ]
        );
        let entry = |at: i64, rating| ReviewEntry {
            at: Timestamp(at),
            rating,
            elapsed_days: 0,
            interval_days: 1.0,
            memory: Memory::default(),
            level: Level::Weak,
        };
        let reviews = &mut store.marks.get_mut("a").unwrap().reviews;
        reviews.push(entry(9 * DAY_SECS + 1, Rating::Again));
        reviews.push(entry(10 * DAY_SECS + 1, Rating::Good));
        reviews.push(entry(10 * DAY_SECS + 2, Rating::Easy));
        reviews.push(entry(2 * DAY_SECS, Rating::Good)); // outside the window
        let days = reviews_per_day(&store, t, 3);
        assert_eq!(days.len(), 3);
        assert_eq!((days[0].day, days[0].again, days[0].recalled), (8, 0, 0));
        assert_eq!((days[1].again, days[1].recalled), (1, 0));
        assert_eq!((days[2].again, days[2].recalled), (0, 2));
    }
}

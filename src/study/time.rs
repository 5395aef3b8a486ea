//! Wall-clock time for the study file: whole seconds since the Unix epoch, UTC. The store never
//! reads the clock itself; callers pass `now`, so tests can move time forward.

use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const DAY_SECS: i64 = 86_400;

/// A point in time: whole seconds since 1970-01-01T00:00:00Z.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current time (the epoch if the clock is before it).
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Self(secs)
    }

    /// This time plus a (possibly fractional) number of days, rounded to the second.
    pub fn plus_days(self, days: f64) -> Self {
        #[expect(clippy::cast_possible_truncation, reason = "days are small, rounded")]
        let secs = (days * DAY_SECS as f64).round() as i64;
        Self(self.0.saturating_add(secs))
    }

    /// Days from `earlier` to `self` (negative when `earlier` is later).
    pub fn days_since(self, earlier: Timestamp) -> f64 {
        self.0.saturating_sub(earlier.0) as f64 / DAY_SECS as f64
    }

    /// Whole days elapsed from `earlier` to `self`, never negative (what FSRS calls
    /// `days_elapsed`).
    pub fn whole_days_since(self, earlier: Timestamp) -> u32 {
        let days = self.0.saturating_sub(earlier.0).max(0) / DAY_SECS;
        u32::try_from(days).unwrap_or(u32::MAX)
    }

    /// Calendar date and time of day (UTC): `(year, month, day, hour, minute, second)`.
    pub fn civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(DAY_SECS);
        let secs = self.0.rem_euclid(DAY_SECS);
        let (year, month, day) = civil_from_days(days);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "0..86400"
        )]
        let secs = secs as u32;
        (year, month, day, secs / 3600, secs / 60 % 60, secs % 60)
    }

    /// `2026-11-29`.
    pub fn date_string(self) -> String {
        let (y, m, d, ..) = self.civil();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `2026-11-29 19:14 UTC`.
    pub fn display_string(self) -> String {
        let (y, m, d, h, min, _) = self.civil();
        format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02} UTC")
    }

    /// `20261129T191432`: used in the names of files set aside.
    pub fn compact_string(self) -> String {
        let (y, m, d, h, min, s) = self.civil();
        format!("{y:04}{m:02}{d:02}T{h:02}{min:02}{s:02}")
    }
}

/// The proleptic Gregorian date of a count of days since 1970-01-01 (the well-known era-based
/// conversion: 400-year eras of 146,097 days, years starting in March so leap days come last).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "1..=31, 1..=12"
    )]
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(Timestamp(0).compact_string(), "19700101T000000");
        // 2000-02-29 12:34:56 UTC, a leap day in a year divisible by 400.
        assert_eq!(Timestamp(951_827_696).compact_string(), "20000229T123456");
        assert_eq!(
            Timestamp(951_827_696).display_string(),
            "2000-02-29 12:34 UTC"
        );
        // 2026-11-29 19:14:32 UTC.
        assert_eq!(Timestamp(1_795_979_672).date_string(), "2026-11-29");
        // Before the epoch.
        assert_eq!(Timestamp(-1).compact_string(), "19691231T235959");
    }

    #[test]
    fn day_arithmetic() {
        let t = Timestamp(1_000_000);
        assert_eq!(t.plus_days(1.5).0, 1_000_000 + 129_600);
        assert_eq!(t.plus_days(2.0).whole_days_since(t), 2);
        assert_eq!(t.plus_days(1.99).whole_days_since(t), 1);
        assert_eq!(t.whole_days_since(t.plus_days(3.0)), 0);
        assert!((t.plus_days(0.5).days_since(t) - 0.5).abs() < 1e-9);
    }
}

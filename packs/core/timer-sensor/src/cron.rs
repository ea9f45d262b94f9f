//! Five-field cron expressions (`minute hour day-of-month month day-of-week`),
//! evaluated in UTC.
//!
//! Supported: `*`, numbers, `a-b` ranges, `/n` steps on `*`, a range or a
//! single start (`5/15` = 5,20,35,50), comma lists, month names `jan`-`dec`
//! and weekday names `sun`-`sat`; weekday 7 is Sunday like 0. As in classic
//! cron, when both day fields are restricted a day matches if EITHER does; a
//! field that starts with `*` (including `*/n`) counts as unrestricted.

use crate::time::{days_from_civil, to_civil, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronSchedule {
    minutes: u64, // bit n set = value n allowed
    hours: u64,
    days_of_month: u64,
    months: u64,
    days_of_week: u64,
    dom_restricted: bool,
    dow_restricted: bool,
}

const MONTH_NAMES: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAY_NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

struct FieldSpec {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const FIELDS: [FieldSpec; 5] = [
    FieldSpec {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    FieldSpec {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    FieldSpec {
        name: "day-of-month",
        min: 1,
        max: 31,
        names: &[],
    },
    FieldSpec {
        name: "month",
        min: 1,
        max: 12,
        names: &MONTH_NAMES,
    },
    // 7 is accepted as a second Sunday and folded onto 0 after parsing.
    FieldSpec {
        name: "day-of-week",
        min: 0,
        max: 7,
        names: &DAY_NAMES,
    },
];

/// How far ahead `next_after` looks. Nine years covers the longest gap
/// between two February 29ths (e.g. 2096 to 2104).
const SEARCH_LIMIT_MS: i64 = 9 * 366 * MS_PER_DAY;

impl CronSchedule {
    pub fn parse(expr: &str) -> Result<CronSchedule, String> {
        let parts: Vec<&str> = expr.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(format!(
                "cron expression {expr:?} has {} fields; it needs 5: minute hour day-of-month month day-of-week",
                parts.len()
            ));
        }
        let mut masks = [0u64; 5];
        for (i, (part, spec)) in parts.iter().zip(FIELDS.iter()).enumerate() {
            masks[i] = parse_field(part, spec).map_err(|e| {
                format!(
                    "cron expression {expr:?}: {} field {part:?}: {e}",
                    spec.name
                )
            })?;
        }
        // Fold weekday 7 onto Sunday.
        if masks[4] & (1 << 7) != 0 {
            masks[4] = (masks[4] | 1) & !(1 << 7);
        }
        let schedule = CronSchedule {
            minutes: masks[0],
            hours: masks[1],
            days_of_month: masks[2],
            months: masks[3],
            days_of_week: masks[4],
            dom_restricted: !parts[2].starts_with('*'),
            dow_restricted: !parts[4].starts_with('*'),
        };
        // Reject expressions such as "0 0 30 2 *" that can never fire.
        if schedule.next_after(-1).is_none() {
            return Err(format!("cron expression {expr:?} never matches any date"));
        }
        Ok(schedule)
    }

    fn day_matches(&self, day: u32, weekday: u32) -> bool {
        let dom = self.days_of_month & (1 << day) != 0;
        let dow = self.days_of_week & (1 << weekday) != 0;
        match (self.dom_restricted, self.dow_restricted) {
            (true, true) => dom || dow,
            (true, false) => dom,
            (false, true) => dow,
            (false, false) => true,
        }
    }

    /// Whether the minute containing `ms` is a firing minute.
    pub fn matches(&self, ms: i64) -> bool {
        let c = to_civil(ms);
        self.months & (1 << c.month) != 0
            && self.day_matches(c.day, c.weekday)
            && self.hours & (1 << c.hour) != 0
            && self.minutes & (1 << c.minute) != 0
    }

    /// The first whole minute strictly after `after_ms` that matches, or
    /// `None` if there is none within the search window.
    pub fn next_after(&self, after_ms: i64) -> Option<i64> {
        let mut t = (after_ms.div_euclid(MS_PER_MINUTE) + 1) * MS_PER_MINUTE;
        let limit = t + SEARCH_LIMIT_MS;
        // Skip whole months, days and hours that cannot match, so the loop
        // runs at most a few thousand times even for rare schedules.
        while t <= limit {
            let c = to_civil(t);
            if self.months & (1 << c.month) == 0 {
                let (y, m) = if c.month == 12 {
                    (c.year + 1, 1)
                } else {
                    (c.year, c.month + 1)
                };
                t = days_from_civil(y, m, 1) * MS_PER_DAY;
            } else if !self.day_matches(c.day, c.weekday) {
                t = (t.div_euclid(MS_PER_DAY) + 1) * MS_PER_DAY;
            } else if self.hours & (1 << c.hour) == 0 {
                t = (t.div_euclid(MS_PER_HOUR) + 1) * MS_PER_HOUR;
            } else if self.minutes & (1 << c.minute) == 0 {
                t += MS_PER_MINUTE;
            } else {
                return Some(t);
            }
        }
        None
    }
}

fn parse_field(field: &str, spec: &FieldSpec) -> Result<u64, String> {
    let mut mask = 0u64;
    for item in field.split(',') {
        if item.is_empty() {
            return Err("empty list item".into());
        }
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s
                    .parse()
                    .map_err(|_| format!("step {s:?} is not a number"))?;
                if step == 0 {
                    return Err("step must be at least 1".into());
                }
                (r, step)
            }
            None => (item, 1),
        };
        let (lo, hi) = if range == "*" {
            (spec.min, spec.max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (lo, hi) = (parse_value(a, spec)?, parse_value(b, spec)?);
            if lo > hi {
                return Err(format!("range {range:?} runs backwards"));
            }
            (lo, hi)
        } else {
            let v = parse_value(range, spec)?;
            // "5/15" means every 15 starting at 5; a bare value is itself.
            (v, if item.contains('/') { spec.max } else { v })
        };
        let mut v = lo;
        while v <= hi {
            mask |= 1 << v;
            v += step;
        }
    }
    Ok(mask)
}

fn parse_value(text: &str, spec: &FieldSpec) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = spec.names.iter().position(|n| *n == lower) {
        return Ok(i as u32 + if spec.name == "month" { 1 } else { 0 });
    }
    match text.parse::<u32>() {
        Ok(v) if (spec.min..=spec.max).contains(&v) => Ok(v),
        Ok(v) => Err(format!("{v} is outside {}-{}", spec.min, spec.max)),
        Err(_) => Err(format!(
            "{text:?} is not a number{}",
            if spec.names.is_empty() {
                ""
            } else {
                " or name"
            }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{format_rfc3339, parse_rfc3339};

    fn t(s: &str) -> i64 {
        parse_rfc3339(s).unwrap()
    }

    fn next(expr: &str, after: &str) -> String {
        format_rfc3339(
            CronSchedule::parse(expr)
                .unwrap()
                .next_after(t(after))
                .unwrap(),
        )
    }

    #[test]
    fn every_minute_and_steps() {
        assert_eq!(
            next("* * * * *", "2026-11-28T21:00:05Z"),
            "2026-11-28T21:01:00Z"
        );
        // Strictly after: an exact match is skipped.
        assert_eq!(
            next("* * * * *", "2026-11-28T21:01:00Z"),
            "2026-11-28T21:02:00Z"
        );
        assert_eq!(
            next("*/5 * * * *", "2026-11-28T21:01:00Z"),
            "2026-11-28T21:05:00Z"
        );
        assert_eq!(
            next("*/5 * * * *", "2026-11-28T21:55:00Z"),
            "2026-11-28T22:00:00Z"
        );
        assert_eq!(
            next("5/20 * * * *", "2026-11-28T21:30:00Z"),
            "2026-11-28T21:45:00Z"
        );
    }

    #[test]
    fn lists_ranges_and_stepped_ranges() {
        assert_eq!(
            next("0,30 9-17/4 * * *", "2026-11-28T09:31:00Z"),
            "2026-11-28T13:00:00Z"
        );
        assert_eq!(
            next("0,30 9-17/4 * * *", "2026-11-28T17:30:00Z"),
            "2026-11-29T09:00:00Z"
        );
        assert_eq!(
            next("15 10-11 * * *", "2026-11-28T10:15:00Z"),
            "2026-11-28T11:15:00Z"
        );
    }

    #[test]
    fn rolls_over_months_and_years() {
        assert_eq!(
            next("0 0 1 * *", "2026-11-28T21:00:00Z"),
            "2026-12-01T00:00:00Z"
        );
        assert_eq!(
            next("0 0 1 jan *", "2026-11-28T21:00:00Z"),
            "2027-01-01T00:00:00Z"
        );
        assert_eq!(
            next("0 0 31 * *", "2026-11-28T00:00:00Z"),
            "2026-12-31T00:00:00Z"
        );
        assert_eq!(
            next("0 12 29 2 *", "2025-03-01T00:00:00Z"),
            "2028-02-29T12:00:00Z"
        );
        assert_eq!(
            next("0 0 29 2 *", "2096-03-01T00:00:00Z"),
            "2104-02-29T00:00:00Z"
        );
    }

    #[test]
    fn weekdays_and_names() {
        // 2026-11-28 is a Saturday.
        assert_eq!(
            next("0 9 * * mon-fri", "2026-11-28T00:00:00Z"),
            "2026-11-30T09:00:00Z"
        );
        assert_eq!(
            next("0 9 * * 0", "2026-11-28T00:00:00Z"),
            "2026-11-29T09:00:00Z"
        );
        assert_eq!(
            next("0 9 * * 7", "2026-11-28T00:00:00Z"),
            "2026-11-29T09:00:00Z"
        );
        assert_eq!(
            next("0 9 * * SAT", "2026-11-28T10:00:00Z"),
            "2026-12-05T09:00:00Z"
        );
        assert_eq!(
            next("0 0 * DEC *", "2026-11-28T10:00:00Z"),
            "2026-12-01T00:00:00Z"
        );
    }

    #[test]
    fn restricted_day_fields_match_either() {
        // The 1st of the month OR any Monday: Monday 2026-11-30 comes first.
        assert_eq!(
            next("0 0 1 * 1", "2026-11-28T00:00:00Z"),
            "2026-11-30T00:00:00Z"
        );
        assert_eq!(
            next("0 0 1 * 1", "2026-11-30T00:00:00Z"),
            "2026-12-01T00:00:00Z"
        );
        // "*/2" in day-of-week counts as unrestricted, so day-of-month rules alone.
        assert_eq!(
            next("0 0 15 * */2", "2026-11-28T00:00:00Z"),
            "2026-12-15T00:00:00Z"
        );
    }

    #[test]
    fn matches_checks_the_minute() {
        let s = CronSchedule::parse("30 21 * * *").unwrap();
        assert!(s.matches(t("2026-11-28T21:30:59Z")));
        assert!(!s.matches(t("2026-11-28T21:31:00Z")));
    }

    #[test]
    fn rejects_bad_expressions() {
        for bad in [
            "",
            "* * * *",
            "* * * * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * 32 * *",
            "* * * 13 *",
            "* * * * 8",
            "*/0 * * * *",
            "5-1 * * * *",
            "1,,2 * * * *",
            "a * * * *",
            "* * * foo *",
            "-1 * * * *",
            "*/x * * * *",
            "0 0 30 2 *",
            "0 0 31 4,6 *",
        ] {
            assert!(CronSchedule::parse(bad).is_err(), "accepted {bad:?}");
        }
        let err = CronSchedule::parse("61 * * * *").unwrap_err();
        assert!(
            err.contains("minute field") && err.contains("outside 0-59"),
            "{err}"
        );
    }
}

//! UTC civil time: conversion between Unix milliseconds and calendar fields,
//! RFC 3339 parsing and formatting, and the clock the scheduler reads.
//!
//! Everything works in UTC milliseconds since the Unix epoch (`i64`), which
//! keeps arithmetic simple and avoids any time zone database.

use std::time::{SystemTime, UNIX_EPOCH};

pub const MS_PER_SECOND: i64 = 1_000;
pub const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
pub const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
pub const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// Calendar fields of a UTC instant, truncated to whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32, // 1..=12
    pub day: u32,   // 1..=31
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday .. 6 = Saturday, as cron counts.
    pub weekday: u32,
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
///
/// Counts from a March-based year so the leap day falls at the end of the
/// year, then splits into 400-year eras of a fixed 146097 days.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let mp = (month as i64 + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day as i64 - 1; // 0..=365
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0..=146096
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`]: (year, month, day) for a day number.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365
    let mp = (5 * doy + 2) / 153; // 0..=11, March = 0
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Splits a UTC instant into calendar fields.
pub fn to_civil(ms: i64) -> Civil {
    let days = ms.div_euclid(MS_PER_DAY);
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (in_day / MS_PER_HOUR) as u32,
        minute: (in_day % MS_PER_HOUR / MS_PER_MINUTE) as u32,
        second: (in_day % MS_PER_MINUTE / MS_PER_SECOND) as u32,
        // 1970-01-01 was a Thursday (4).
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

/// Formats as RFC 3339 UTC with whole seconds, e.g. `2026-11-28T21:00:05Z`.
pub fn format_rfc3339(ms: i64) -> String {
    let c = to_civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Parses an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`)
/// into UTC milliseconds. Fractions beyond milliseconds are truncated.
/// Leap seconds (`:60`) are rejected rather than guessed at.
pub fn parse_rfc3339(text: &str) -> Result<i64, String> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.iter().all(u8::is_ascii_digit) {
            Some(part.iter().fold(0, |acc, d| acc * 10 + (d - b'0') as i64))
        } else {
            None
        }
    };
    let at = |i: usize, expected: &[u8]| b.get(i).is_some_and(|c| expected.contains(c));
    let shape_ok = b.len() >= 19
        && at(4, b"-")
        && at(7, b"-")
        && at(10, b"Tt ")
        && at(13, b":")
        && at(16, b":");
    let fields = (
        num(0..4),
        num(5..7),
        num(8..10),
        num(11..13),
        num(14..16),
        num(17..19),
    );
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = fields
    else {
        return Err(format!(
            "{text:?} is not an RFC 3339 date-time like 2026-12-01T10:00:00Z"
        ));
    };
    if !shape_ok {
        return Err(format!(
            "{text:?} is not an RFC 3339 date-time like 2026-12-01T10:00:00Z"
        ));
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month as u32) as i64 {
        return Err(format!("{text:?} has no such calendar date"));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!("{text:?} has an out-of-range time of day"));
    }

    // Optional fraction: keep up to three digits as milliseconds.
    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 3 {
                millis = millis * 10 + (b[i] - b'0') as i64;
            }
            i += 1;
        }
        if i == start {
            return Err(format!("{text:?} has an empty fraction of a second"));
        }
        for _ in (i - start)..3 {
            millis *= 10;
        }
    }

    // Zone: Z, or an offset that says how far local time is ahead of UTC.
    let offset_minutes = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) => {
            let (true, Some(h), Some(m)) = (
                i + 6 == b.len() && at(i + 3, b":"),
                num(i + 1..i + 3),
                num(i + 4..i + 6),
            ) else {
                return Err(format!(
                    "{text:?} has a malformed UTC offset: use +HH:MM or -HH:MM"
                ));
            };
            if h > 23 || m > 59 {
                return Err(format!("{text:?} has an out-of-range UTC offset"));
            }
            let total = h * 60 + m;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => {
            return Err(format!(
                "{text:?} needs a time zone: end it with Z (UTC) or an offset like +02:00"
            ))
        }
    };

    let days = days_from_civil(year, month as u32, day as u32);
    let local = days * MS_PER_DAY
        + hour * MS_PER_HOUR
        + minute * MS_PER_MINUTE
        + second * MS_PER_SECOND
        + millis;
    Ok(local - offset_minutes * MS_PER_MINUTE)
}

/// Why a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The deadline passed (or the wait ended early; callers re-check time).
    Deadline,
    /// The sensor was asked to stop.
    Stop,
}

/// What the scheduler loop needs from the outside world. A fake
/// implementation lets tests drive the loop without sleeping.
pub trait Clock {
    fn now_ms(&self) -> i64;
    /// Blocks until about `deadline_ms` or until a stop request.
    fn wait_until(&mut self, deadline_ms: i64) -> Wake;
}

/// Wall-clock time; waiting doubles as listening for a stop request.
pub struct SystemClock {
    stop: std::sync::mpsc::Receiver<()>,
}

impl SystemClock {
    /// `stop` receives a message (or disconnects) when the sensor must stop.
    pub fn new(stop: std::sync::mpsc::Receiver<()>) -> Self {
        SystemClock { stop }
    }
}

/// Longest single wait. Sleeps run on the monotonic clock, so waking
/// regularly lets the schedule follow wall-clock jumps (NTP, suspend).
const MAX_WAIT_MS: i64 = 1_000;

pub fn system_now_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    }
}

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        system_now_ms()
    }

    fn wait_until(&mut self, deadline_ms: i64) -> Wake {
        let wait = (deadline_ms - self.now_ms()).clamp(0, MAX_WAIT_MS);
        match self
            .stop
            .recv_timeout(std::time::Duration::from_millis(wait as u64))
        {
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Wake::Deadline,
            // A message or a dropped sender both mean "stop".
            _ => Wake::Stop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_many_days() {
        // Covers several 400-year eras either side of the epoch.
        let mut days = -1_000_000;
        while days <= 1_000_000 {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
            days += 7;
        }
    }

    #[test]
    fn civil_consecutive_days_are_consecutive_dates() {
        let mut prev = civil_from_days(days_from_civil(1999, 12, 31));
        for days in days_from_civil(2000, 1, 1)..days_from_civil(2101, 1, 1) {
            let cur = civil_from_days(days);
            let next_of_prev = if prev.2 < days_in_month(prev.0, prev.1) {
                (prev.0, prev.1, prev.2 + 1)
            } else if prev.1 < 12 {
                (prev.0, prev.1 + 1, 1)
            } else {
                (prev.0 + 1, 1, 1)
            };
            assert_eq!(cur, next_of_prev);
            prev = cur;
        }
    }

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(
            days_from_civil(2024, 2, 29) + 1,
            days_from_civil(2024, 3, 1)
        );
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2000) && is_leap_year(2024));
        assert!(!is_leap_year(1900) && !is_leap_year(2100) && !is_leap_year(2026));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2026, 2), 28);
    }

    #[test]
    fn weekday_of_known_dates() {
        assert_eq!(to_civil(0).weekday, 4); // Thursday
        let sun = days_from_civil(2026, 11, 29) * MS_PER_DAY;
        assert_eq!(to_civil(sun).weekday, 0);
        assert_eq!(to_civil(sun - 1).weekday, 6);
    }

    #[test]
    fn formats_utc() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_rfc3339(1_795_122_005_999), "2026-11-19T21:00:05Z");
    }

    #[test]
    fn parses_rfc3339_variants() {
        let base = parse_rfc3339("2026-12-01T10:00:00Z").unwrap();
        assert_eq!(format_rfc3339(base), "2026-12-01T10:00:00Z");
        assert_eq!(parse_rfc3339("2026-12-01t10:00:00z"), Ok(base));
        assert_eq!(parse_rfc3339("2026-12-01 10:00:00Z"), Ok(base));
        assert_eq!(parse_rfc3339("2026-12-01T12:30:00+02:30"), Ok(base));
        assert_eq!(parse_rfc3339("2026-12-01T05:00:00-05:00"), Ok(base));
        assert_eq!(parse_rfc3339("2026-12-01T10:00:00.5Z"), Ok(base + 500));
        assert_eq!(parse_rfc3339("2026-12-01T10:00:00.123456Z"), Ok(base + 123));
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00Z").map(format_rfc3339),
            Ok("2024-02-29T00:00:00Z".into())
        );
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Ok(-1000));
    }

    #[test]
    fn says_when_the_zone_is_missing() {
        let err = parse_rfc3339("2026-12-01T10:00:00").unwrap_err();
        assert!(err.contains("needs a time zone"), "{err}");
        let err = parse_rfc3339("2026-12-01T10:00:00+0200").unwrap_err();
        assert!(err.contains("malformed UTC offset"), "{err}");
    }

    #[test]
    fn rejects_bad_date_times() {
        for bad in [
            "",
            "2026-12-01",
            "2026-12-01T10:00:00",
            "2026-12-01T10:00Z",
            "2026/12/01T10:00:00Z",
            "2026-13-01T10:00:00Z",
            "2026-00-01T10:00:00Z",
            "2026-02-29T10:00:00Z",
            "2026-04-31T10:00:00Z",
            "2026-12-01T24:00:00Z",
            "2026-12-01T10:60:00Z",
            "2026-12-01T10:00:60Z",
            "2026-12-01T10:00:00.Z",
            "2026-12-01T10:00:00+0200",
            "2026-12-01T10:00:00+24:00",
            "2026-12-01T10:00:00Zjunk",
            "2026-12-01X10:00:00Z",
            "+026-12-01T10:00:00Z",
            "2026-1a-01T10:00:00Z",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "accepted {bad:?}");
        }
    }
}

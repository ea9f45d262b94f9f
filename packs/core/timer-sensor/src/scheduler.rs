//! Decides when each trigger fires. The logic takes the current time as an
//! argument (or through the `Clock` trait) so tests can run hours of
//! schedule in microseconds.

use crate::json::{self, Value};
use crate::time::{format_rfc3339, Clock, Wake};
use crate::triggers::{Schedule, Trigger};

/// One event to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Firing {
    pub trigger: String,
    pub type_ref: &'static str,
    pub fired_at_ms: i64,
    /// Counts this trigger's firings from 1.
    pub sequence: u64,
}

impl Firing {
    /// The event as one line of JSON (without the newline).
    pub fn to_json(&self) -> String {
        json::to_string(&Value::Object(vec![
            ("trigger".into(), Value::String(self.trigger.clone())),
            ("type".into(), Value::String(self.type_ref.into())),
            (
                "fired_at".into(),
                Value::String(format_rfc3339(self.fired_at_ms)),
            ),
            ("sequence".into(), Value::Number(self.sequence as f64)),
        ]))
    }
}

struct Slot {
    trigger: Trigger,
    /// When the trigger fires next; `None` once a one-shot has fired.
    next_due_ms: Option<i64>,
    sequence: u64,
}

pub struct Scheduler {
    slots: Vec<Slot>,
}

impl Scheduler {
    /// Schedules triggers for a long-running sensor started at `start_ms`:
    /// intervals first fire one period after start, cron at its next
    /// matching minute, and date-times at their time (at once if it has
    /// already passed, so a date-time is never silently lost).
    pub fn new(triggers: Vec<Trigger>, start_ms: i64) -> Scheduler {
        let slots = triggers
            .into_iter()
            .map(|trigger| {
                let next_due_ms = match &trigger.schedule {
                    Schedule::Interval { period_ms } => Some(start_ms + period_ms),
                    Schedule::DateTime { at_ms } => Some(*at_ms),
                    Schedule::Cron(cron) => cron.next_after(start_ms),
                };
                Slot {
                    trigger,
                    next_due_ms,
                    sequence: 0,
                }
            })
            .collect();
        Scheduler { slots }
    }

    /// The earliest pending deadline, or `None` when nothing is left to fire.
    pub fn next_due(&self) -> Option<i64> {
        self.slots.iter().filter_map(|s| s.next_due_ms).min()
    }

    /// Fires every trigger due at `now_ms`, in definition order, and
    /// schedules their next occurrence.
    pub fn fire_due(&mut self, now_ms: i64) -> Vec<Firing> {
        let mut fired = Vec::new();
        for slot in &mut self.slots {
            let Some(due) = slot.next_due_ms else {
                continue;
            };
            if let Schedule::Interval { period_ms } = slot.trigger.schedule {
                // If the wall clock stepped backwards, restart the period
                // from now instead of staying silent until it catches up.
                if due > now_ms + period_ms {
                    slot.next_due_ms = Some(now_ms + period_ms);
                    continue;
                }
            }
            if due > now_ms {
                continue;
            }
            slot.sequence += 1;
            fired.push(Firing {
                trigger: slot.trigger.id.clone(),
                type_ref: slot.trigger.type_ref(),
                fired_at_ms: now_ms,
                sequence: slot.sequence,
            });
            slot.next_due_ms = match &slot.trigger.schedule {
                // Keep the original phase; periods missed while the process
                // was stalled are skipped rather than fired in a burst.
                Schedule::Interval { period_ms } => {
                    Some(due + ((now_ms - due) / period_ms + 1) * period_ms)
                }
                Schedule::DateTime { .. } => None,
                Schedule::Cron(cron) => cron.next_after(now_ms),
            };
        }
        fired
    }
}

/// `--once`: everything due as of `now_ms`, each trigger at most once.
/// Intervals fire immediately, date-times that have passed fire, future
/// date-times are skipped, and cron fires if the current minute matches.
pub fn fire_once(triggers: &[Trigger], now_ms: i64) -> Vec<Firing> {
    triggers
        .iter()
        .filter(|t| match &t.schedule {
            Schedule::Interval { .. } => true,
            Schedule::DateTime { at_ms } => *at_ms <= now_ms,
            Schedule::Cron(cron) => cron.matches(now_ms),
        })
        .map(|t| Firing {
            trigger: t.id.clone(),
            type_ref: t.type_ref(),
            fired_at_ms: now_ms,
            sequence: 1,
        })
        .collect()
}

/// Why [`run`] returned.
#[derive(Debug, PartialEq, Eq)]
pub enum Finish {
    /// Every trigger was one-shot and has fired.
    Exhausted,
    /// A stop was requested (stdin closed).
    Stopped,
}

/// The sensor's main loop: wait for the next deadline, fire, repeat.
/// `emit` receives each firing; an error from it ends the loop.
pub fn run<C: Clock, X>(
    scheduler: &mut Scheduler,
    clock: &mut C,
    mut emit: impl FnMut(&Firing) -> Result<(), X>,
) -> Result<Finish, X> {
    loop {
        let Some(due) = scheduler.next_due() else {
            return Ok(Finish::Exhausted);
        };
        if clock.now_ms() < due && clock.wait_until(due) == Wake::Stop {
            return Ok(Finish::Stopped);
        }
        for firing in scheduler.fire_due(clock.now_ms()) {
            emit(&firing)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_rfc3339;
    use crate::triggers::parse_triggers;

    const START: &str = "2026-11-28T21:00:00Z";

    fn t(s: &str) -> i64 {
        parse_rfc3339(s).unwrap()
    }

    fn triggers(json: &str) -> Vec<Trigger> {
        parse_triggers(json).unwrap()
    }

    /// A clock that jumps straight to each deadline, and asks to stop once
    /// time reaches `stop_at_ms`.
    struct FakeClock {
        now_ms: i64,
        stop_at_ms: i64,
        waits: usize,
    }

    impl Clock for FakeClock {
        fn now_ms(&self) -> i64 {
            self.now_ms
        }
        fn wait_until(&mut self, deadline_ms: i64) -> Wake {
            self.waits += 1;
            if deadline_ms >= self.stop_at_ms {
                self.now_ms = self.stop_at_ms;
                return Wake::Stop;
            }
            self.now_ms = deadline_ms;
            Wake::Deadline
        }
    }

    fn run_until(json: &str, start: &str, stop: &str) -> (Vec<String>, Finish) {
        let mut scheduler = Scheduler::new(triggers(json), t(start));
        let mut clock = FakeClock {
            now_ms: t(start),
            stop_at_ms: t(stop),
            waits: 0,
        };
        let mut lines = Vec::new();
        let finish = run(&mut scheduler, &mut clock, |f: &Firing| {
            lines.push(f.to_json());
            Ok::<(), ()>(())
        })
        .unwrap();
        (lines, finish)
    }

    #[test]
    fn firing_serializes_as_documented() {
        let f = Firing {
            trigger: "t1".into(),
            type_ref: "core.intervaltimer",
            fired_at_ms: t("2026-11-28T21:00:05Z"),
            sequence: 1,
        };
        assert_eq!(
            f.to_json(),
            r#"{"trigger":"t1","type":"core.intervaltimer","fired_at":"2026-11-28T21:00:05Z","sequence":1}"#
        );
    }

    #[test]
    fn interval_fires_every_period_after_start() {
        let (lines, finish) = run_until(
            r#"[{"id":"t1","type":"interval","seconds":5}]"#,
            START,
            "2026-11-28T21:00:16Z",
        );
        assert_eq!(finish, Finish::Stopped);
        assert_eq!(
            lines,
            [
                r#"{"trigger":"t1","type":"core.intervaltimer","fired_at":"2026-11-28T21:00:05Z","sequence":1}"#,
                r#"{"trigger":"t1","type":"core.intervaltimer","fired_at":"2026-11-28T21:00:10Z","sequence":2}"#,
                r#"{"trigger":"t1","type":"core.intervaltimer","fired_at":"2026-11-28T21:00:15Z","sequence":3}"#,
            ]
        );
    }

    #[test]
    fn triggers_interleave_in_time_order() {
        let (lines, _) = run_until(
            r#"[{"id":"slow","type":"interval","seconds":3},
                {"id":"fast","type":"interval","seconds":2},
                {"id":"at","type":"datetime","at":"2026-11-28T21:00:05Z"}]"#,
            START,
            "2026-11-28T21:00:07Z",
        );
        let order: Vec<String> = lines
            .iter()
            .map(|l| {
                let v = json::parse(l).unwrap();
                let Some(Value::String(id)) = v.get("trigger") else {
                    panic!()
                };
                let Some(Value::String(at)) = v.get("fired_at") else {
                    panic!()
                };
                format!("{id}@{}", &at[17..19])
            })
            .collect();
        assert_eq!(
            order,
            ["fast@02", "slow@03", "fast@04", "at@05", "slow@06", "fast@06"]
        );
    }

    #[test]
    fn one_shots_finish_the_run() {
        let (lines, finish) = run_until(
            r#"[{"id":"past","type":"datetime","at":"2026-01-01T00:00:00Z"},
                {"id":"soon","type":"datetime","at":"2026-11-28T21:30:00Z"}]"#,
            START,
            "2027-01-01T00:00:00Z",
        );
        assert_eq!(finish, Finish::Exhausted);
        assert_eq!(lines.len(), 2);
        // A date-time already passed at start fires at once, stamped with now.
        assert!(lines[0].contains(r#""trigger":"past""#) && lines[0].contains("21:00:00Z"));
        assert!(lines[1].contains(r#""trigger":"soon""#) && lines[1].contains("21:30:00Z"));
    }

    #[test]
    fn empty_list_finishes_immediately() {
        let (lines, finish) = run_until("[]", START, "2027-01-01T00:00:00Z");
        assert!(lines.is_empty());
        assert_eq!(finish, Finish::Exhausted);
    }

    #[test]
    fn cron_fires_on_matching_minutes() {
        let (lines, _) = run_until(
            r#"[{"id":"c","type":"cron","expression":"*/20 * * * *"}]"#,
            "2026-11-28T21:05:30Z",
            "2026-11-28T22:10:00Z",
        );
        let stamps: Vec<&str> = lines
            .iter()
            .map(|l| &l[l.find("fired_at").unwrap() + 11..][..20])
            .collect();
        assert_eq!(
            stamps,
            [
                "2026-11-28T21:20:00Z",
                "2026-11-28T21:40:00Z",
                "2026-11-28T22:00:00Z"
            ]
        );
        assert!(lines[2].ends_with(r#""sequence":3}"#));
    }

    #[test]
    fn late_wakeup_skips_missed_periods_and_keeps_phase() {
        let start = t(START);
        let mut s = Scheduler::new(
            triggers(r#"[{"id":"i","type":"interval","seconds":10}]"#),
            start,
        );
        // Woken 35 s late (e.g. after suspend): one firing, not four.
        let fired = s.fire_due(start + 45_000);
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].sequence, 1);
        assert_eq!(s.next_due(), Some(start + 50_000));
        assert!(s.fire_due(start + 49_999).is_empty());
        assert_eq!(s.fire_due(start + 50_000)[0].sequence, 2);
    }

    #[test]
    fn clock_stepping_back_restarts_interval() {
        let start = t(START);
        let mut s = Scheduler::new(
            triggers(r#"[{"id":"i","type":"interval","seconds":10}]"#),
            start,
        );
        // The clock jumps an hour back: wait one period, not an hour.
        assert!(s.fire_due(start - 3_600_000).is_empty());
        assert_eq!(s.next_due(), Some(start - 3_600_000 + 10_000));
    }

    #[test]
    fn nothing_fires_early() {
        let start = t(START);
        let mut s = Scheduler::new(
            triggers(
                r#"[{"id":"i","type":"interval","seconds":1},{"id":"d","type":"datetime","at":"2026-11-28T22:00:00Z"}]"#,
            ),
            start,
        );
        assert!(s.fire_due(start + 999).is_empty());
        assert_eq!(s.next_due(), Some(start + 1000));
    }

    #[test]
    fn once_fires_what_is_due_now() {
        let now = t("2026-11-28T21:20:30Z");
        let list = triggers(
            r#"[{"id":"i","type":"interval","seconds":3600},
                {"id":"past","type":"datetime","at":"2026-11-28T21:20:30Z"},
                {"id":"future","type":"datetime","at":"2026-11-28T21:20:31Z"},
                {"id":"cron-now","type":"cron","expression":"20 21 * * *"},
                {"id":"cron-later","type":"cron","expression":"21 21 * * *"}]"#,
        );
        let ids: Vec<String> = fire_once(&list, now)
            .into_iter()
            .map(|f| f.trigger)
            .collect();
        assert_eq!(ids, ["i", "past", "cron-now"]);
        let first = &fire_once(&list, now)[0];
        assert_eq!(first.sequence, 1);
        assert_eq!(first.fired_at_ms, now);
    }

    #[test]
    fn emit_error_stops_the_loop() {
        let mut s = Scheduler::new(triggers(r#"[{"id":"i","type":"interval","seconds":1}]"#), 0);
        let mut clock = FakeClock {
            now_ms: 0,
            stop_at_ms: i64::MAX,
            waits: 0,
        };
        let result = run(&mut s, &mut clock, |_: &Firing| Err("pipe closed"));
        assert_eq!(result, Err("pipe closed"));
        assert_eq!(clock.waits, 1);
    }
}

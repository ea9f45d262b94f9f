//! Trigger definitions: validation of the JSON list handed to the sensor.
//!
//! Errors are single-line messages that name the offending trigger and say
//! how to fix it, because the sensor service shows them to a person as-is.

use crate::cron::CronSchedule;
use crate::json::{self, Value};
use crate::time::{parse_rfc3339, MS_PER_SECOND};

#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// Fires every `period_ms`, first one period after start.
    Interval {
        period_ms: i64,
    },
    /// Fires once at `at_ms` (UTC milliseconds).
    DateTime {
        at_ms: i64,
    },
    Cron(CronSchedule),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub id: String,
    pub schedule: Schedule,
}

impl Trigger {
    /// The trigger type reference that events carry.
    pub fn type_ref(&self) -> &'static str {
        match self.schedule {
            Schedule::Interval { .. } => "core.intervaltimer",
            Schedule::DateTime { .. } => "core.datetimetimer",
            Schedule::Cron(_) => "core.crontimer",
        }
    }
}

/// Longest accepted interval: about 100 years, far beyond any real use, but
/// it keeps millisecond arithmetic well inside `i64`.
const MAX_INTERVAL_SECONDS: f64 = 100.0 * 366.0 * 86_400.0;

/// Parses and validates a JSON array of trigger objects.
pub fn parse_triggers(text: &str) -> Result<Vec<Trigger>, String> {
    let value = json::parse(text).map_err(|e| {
        format!("trigger list is not valid JSON ({e}); pass a JSON array such as [{{\"id\":\"t1\",\"type\":\"interval\",\"seconds\":5}}]")
    })?;
    let Value::Array(items) = value else {
        return Err(format!(
            "trigger list must be a JSON array of trigger objects, got {}",
            value.kind()
        ));
    };
    let mut triggers: Vec<Trigger> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let trigger = parse_trigger(item).map_err(|e| format!("trigger #{} {e}", index + 1))?;
        if triggers.iter().any(|t| t.id == trigger.id) {
            return Err(format!(
                "trigger #{} reuses id {:?}; give every trigger a unique id",
                index + 1,
                trigger.id
            ));
        }
        triggers.push(trigger);
    }
    Ok(triggers)
}

fn parse_trigger(item: &Value) -> Result<Trigger, String> {
    if !matches!(item, Value::Object(_)) {
        return Err(format!("must be a JSON object, got {}", item.kind()));
    }
    let id = match item.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) => {
            return Err("has an empty \"id\"; give it a non-empty string id".into())
        }
        Some(other) => {
            return Err(format!(
                "has an \"id\" that is {}; it must be a string",
                other.kind()
            ))
        }
        None => return Err("has no \"id\"; add a string id such as \"id\":\"t1\"".into()),
    };
    let kind = match item.get("type") {
        Some(Value::String(s)) => s.as_str(),
        _ => {
            return Err(format!(
                "({id:?}) needs a string \"type\": one of \"interval\", \"datetime\", \"cron\""
            ))
        }
    };
    // The short names are the documented form; the full trigger type
    // references are accepted too since that is what the pack declares.
    let schedule = match kind {
        "interval" | "core.intervaltimer" => interval(item, &id)?,
        "datetime" | "core.datetimetimer" => datetime(item, &id)?,
        "cron" | "core.crontimer" => cron(item, &id)?,
        other => {
            return Err(format!(
                "({id:?}) has unknown type {other:?}; use \"interval\", \"datetime\" or \"cron\""
            ))
        }
    };
    Ok(Trigger { id, schedule })
}

fn interval(item: &Value, id: &str) -> Result<Schedule, String> {
    let seconds = match item.get("seconds") {
        Some(Value::Number(n)) => *n,
        Some(other) => {
            return Err(format!(
                "({id:?}) has \"seconds\" as {}; it must be a number",
                other.kind()
            ))
        }
        None => {
            return Err(format!(
                "({id:?}) is an interval without \"seconds\"; add e.g. \"seconds\": 5"
            ))
        }
    };
    if seconds <= 0.0 {
        return Err(format!(
            "({id:?}) has \"seconds\": {seconds}; an interval must be positive"
        ));
    }
    if seconds > MAX_INTERVAL_SECONDS {
        return Err(format!(
            "({id:?}) has \"seconds\": {seconds}; that interval is too long"
        ));
    }
    // Millisecond resolution; anything shorter would busy-loop.
    let period_ms = (seconds * MS_PER_SECOND as f64).round() as i64;
    if period_ms < 1 {
        return Err(format!(
            "({id:?}) has \"seconds\": {seconds}; the shortest interval is 0.001"
        ));
    }
    Ok(Schedule::Interval { period_ms })
}

fn datetime(item: &Value, id: &str) -> Result<Schedule, String> {
    match item.get("at") {
        Some(Value::String(s)) => parse_rfc3339(s)
            .map(|at_ms| Schedule::DateTime { at_ms })
            .map_err(|e| format!("({id:?}) has a bad \"at\": {e}")),
        _ => Err(format!(
            "({id:?}) is a datetime without a string \"at\"; add e.g. \"at\": \"2026-12-01T10:00:00Z\""
        )),
    }
}

fn cron(item: &Value, id: &str) -> Result<Schedule, String> {
    match item.get("expression") {
        Some(Value::String(s)) => CronSchedule::parse(s)
            .map(Schedule::Cron)
            .map_err(|e| format!("({id:?}) has a bad {e}")),
        _ => Err(format!(
            "({id:?}) is a cron trigger without a string \"expression\"; add e.g. \"expression\": \"*/5 * * * *\""
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_kinds() {
        let list = parse_triggers(
            r#"[
              {"id": "t1", "type": "interval", "seconds": 5},
              {"id": "t2", "type": "datetime", "at": "1970-01-01T00:00:10Z"},
              {"id": "t3", "type": "cron", "expression": "*/5 * * * *"},
              {"id": "t4", "type": "core.intervaltimer", "seconds": 0.25, "extra": [1]}
            ]"#,
        )
        .unwrap();
        assert_eq!(list.len(), 4);
        assert_eq!(
            list[0],
            Trigger {
                id: "t1".into(),
                schedule: Schedule::Interval { period_ms: 5000 }
            }
        );
        assert_eq!(list[1].schedule, Schedule::DateTime { at_ms: 10_000 });
        assert_eq!(list[2].type_ref(), "core.crontimer");
        assert_eq!(list[3].schedule, Schedule::Interval { period_ms: 250 });
        assert_eq!(list[0].type_ref(), "core.intervaltimer");
        assert_eq!(list[1].type_ref(), "core.datetimetimer");
    }

    #[test]
    fn empty_list_is_valid() {
        assert_eq!(parse_triggers(" [] "), Ok(vec![]));
    }

    fn err(text: &str) -> String {
        parse_triggers(text).unwrap_err()
    }

    #[test]
    fn explains_each_error() {
        let cases: &[(&str, &str)] = &[
            ("[", "not valid JSON"),
            ("{}", "must be a JSON array"),
            ("[1]", "trigger #1 must be a JSON object, got a number"),
            (r#"[{"type":"interval","seconds":1}]"#, "has no \"id\""),
            (
                r#"[{"id":"","type":"interval","seconds":1}]"#,
                "empty \"id\"",
            ),
            (
                r#"[{"id":7,"type":"interval","seconds":1}]"#,
                "it must be a string",
            ),
            (r#"[{"id":"a"}]"#, "needs a string \"type\""),
            (r#"[{"id":"a","type":"weekly"}]"#, "unknown type \"weekly\""),
            (r#"[{"id":"a","type":"interval"}]"#, "without \"seconds\""),
            (
                r#"[{"id":"a","type":"interval","seconds":"5"}]"#,
                "it must be a number",
            ),
            (
                r#"[{"id":"a","type":"interval","seconds":0}]"#,
                "must be positive",
            ),
            (
                r#"[{"id":"a","type":"interval","seconds":-3}]"#,
                "must be positive",
            ),
            (
                r#"[{"id":"a","type":"interval","seconds":0.0001}]"#,
                "shortest interval",
            ),
            (
                r#"[{"id":"a","type":"interval","seconds":1e12}]"#,
                "too long",
            ),
            (
                r#"[{"id":"a","type":"datetime"}]"#,
                "without a string \"at\"",
            ),
            (
                r#"[{"id":"a","type":"datetime","at":"tomorrow"}]"#,
                "bad \"at\"",
            ),
            (
                r#"[{"id":"a","type":"datetime","at":"2026-02-30T00:00:00Z"}]"#,
                "no such calendar date",
            ),
            (
                r#"[{"id":"a","type":"cron"}]"#,
                "without a string \"expression\"",
            ),
            (
                r#"[{"id":"a","type":"cron","expression":"* * *"}]"#,
                "needs 5",
            ),
            (
                r#"[{"id":"a","type":"interval","seconds":1},{"id":"a","type":"interval","seconds":2}]"#,
                "trigger #2 reuses id \"a\"",
            ),
        ];
        for (input, expected) in cases {
            let message = err(input);
            assert!(message.contains(expected), "{input}: {message}");
            assert!(!message.contains('\n'), "multi-line message for {input}");
        }
    }
}

//! The bench's sensor with dependencies: reads log lines on stdin, picks out the ones that match
//! a pattern, and writes each as a JSON event stamped with the time it was read.

use chrono::{DateTime, Utc};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, Write};

/// The line the bench changes between two releases (scenario "deps").
const GREETING: &str = "bench-deps sensor, revision 0";

#[derive(Debug, Serialize, Deserialize)]
struct Event {
    seen_at: DateTime<Utc>,
    level: String,
    message: String,
    fields: serde_json::Map<String, serde_json::Value>,
}

fn parse(line: &str, pattern: &Regex) -> Option<Event> {
    let captures = pattern.captures(line)?;
    let mut fields = serde_json::Map::new();
    let rest = captures.name("rest").map_or("", |m| m.as_str());
    for pair in rest.split_whitespace() {
        if let Some((key, value)) = pair.split_once('=') {
            fields.insert(key.to_owned(), serde_json::Value::String(value.to_owned()));
        }
    }
    Some(Event {
        seen_at: Utc::now(),
        level: captures["level"].to_lowercase(),
        message: captures["message"].to_owned(),
        fields,
    })
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--version") {
        println!("{GREETING}");
        return;
    }
    let pattern = Regex::new(r"^(?P<level>ERROR|WARN|INFO)\s+(?P<message>[^|]*?)\s*(?:\|(?P<rest>.*))?$")
        .expect("the pattern compiles");
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        if let Some(event) = parse(&line, &pattern) {
            let text = serde_json::to_string(&event).expect("an event serializes");
            let back: Event = serde_json::from_str(&text).expect("an event parses back");
            writeln!(out, "{}", serde_json::to_string(&back).expect("serializes")).expect("stdout");
        }
    }
}

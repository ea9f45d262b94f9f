//! Attune core pack timer sensor.
//!
//! Reads timer trigger definitions, then writes one JSON line to stdout each
//! time a timer fires. The sensor service stops it by closing stdin.

mod cron;
mod json;
mod scheduler;
mod time;
mod triggers;

use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::sync::mpsc;

use scheduler::{fire_once, run, Firing, Scheduler};
use time::{system_now_ms, SystemClock};

const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");
const TRIGGERS_ENV: &str = "ATTUNE_SENSOR_TRIGGERS";

const USAGE: &str = "\
Usage: attune-core-timer-sensor [--once] [--triggers JSON | --triggers-file PATH]

Emits one JSON line on stdout each time a timer fires, e.g.
  {\"trigger\":\"t1\",\"type\":\"core.intervaltimer\",\"fired_at\":\"2026-11-28T21:00:05Z\",\"sequence\":1}

Triggers are a JSON array, taken from the first of: --triggers,
--triggers-file, the ATTUNE_SENSOR_TRIGGERS environment variable.
  {\"id\":\"t1\",\"type\":\"interval\",\"seconds\":5}
      every 5 seconds (fractions allowed, down to 0.001), first 5 s after start
  {\"id\":\"t2\",\"type\":\"datetime\",\"at\":\"2026-12-01T10:00:00Z\"}
      once, at an RFC 3339 time (Z or an offset like +02:00); a time already
      past at start fires immediately
  {\"id\":\"t3\",\"type\":\"cron\",\"expression\":\"*/5 * * * *\"}
      minute hour day-of-month month day-of-week, in UTC; supports * , - /
      and names (jan, mon); if both day fields are restricted, either matches
Event types: core.intervaltimer, core.datetimetimer, core.crontimer.

Options:
  --triggers JSON        trigger list as a JSON string
  --triggers-file PATH   read the trigger list from a file
  --once                 fire what is due now, then exit: every interval fires
                         once, date-times at or before now fire once (future
                         ones are skipped), cron fires if the current minute
                         matches
  -h, --help             print this help
  -V, --version          print the version

Runs until stdin is closed, or until every trigger was one-shot and fired.
Exit codes: 0 done or stopped, 1 output error, 2 bad arguments or triggers.";

#[derive(Debug, PartialEq)]
enum Source {
    Inline(String),
    File(String),
}

#[derive(Debug, PartialEq)]
enum Command {
    Help,
    Version,
    Run { source: Option<Source>, once: bool },
}

/// Parses arguments (without the program name). Both `--opt value` and
/// `--opt=value` are accepted.
fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let mut inline = None;
    let mut file = None;
    let mut once = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, attached) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            attached
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value: {name} {what}"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--once" if attached.is_none() => once = true,
            "--triggers" => inline = Some(value("'<json array>'")?),
            "--triggers-file" => file = Some(value("PATH")?),
            _ => {
                return Err(format!(
                    "unknown argument {arg:?}; run with --help for usage"
                ))
            }
        }
    }
    // The documented order of precedence: inline, then file.
    let source = inline.map(Source::Inline).or(file.map(Source::File));
    Ok(Command::Run { source, once })
}

/// Resolves where the trigger list comes from and parses it.
fn load_triggers(
    source: Option<Source>,
    env_value: Option<String>,
) -> Result<Vec<triggers::Trigger>, String> {
    let text = match source {
        Some(Source::Inline(text)) => text,
        Some(Source::File(path)) => std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read --triggers-file {path:?}: {e}"))?,
        None => match env_value {
            Some(text) if !text.trim().is_empty() => text,
            _ => {
                return Err(format!(
                    "no triggers given; pass --triggers '<json array>', --triggers-file PATH, or set {TRIGGERS_ENV}"
                ))
            }
        },
    };
    triggers::parse_triggers(&text)
}

/// Writes one event line and flushes it so consumers see it at once.
fn emit(out: &mut impl Write, firing: &Firing) -> io::Result<()> {
    writeln!(out, "{}", firing.to_json())?;
    out.flush()
}

/// Sends a stop signal once stdin reaches end of input (or fails).
fn watch_stdin() -> mpsc::Receiver<()> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stdin = io::stdin().lock();
        let mut buf = [0u8; 4096];
        // Anything written to stdin is ignored; only its closing matters.
        while let Ok(n) = stdin.read(&mut buf) {
            if n == 0 {
                break;
            }
        }
        let _ = tx.send(());
    });
    rx
}

fn main() -> ExitCode {
    let command = match parse_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let (source, once) = match command {
        Command::Help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("{NAME} {VERSION}");
            return ExitCode::SUCCESS;
        }
        Command::Run { source, once } => (source, once),
    };
    let env_value = std::env::var(TRIGGERS_ENV).ok();
    let triggers = match load_triggers(source, env_value) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };

    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = if once {
        fire_once(&triggers, system_now_ms())
            .iter()
            .try_for_each(|f| emit(&mut out, f))
    } else {
        let mut clock = SystemClock::new(watch_stdin());
        let mut scheduler = Scheduler::new(triggers, system_now_ms());
        run(&mut scheduler, &mut clock, |f| emit(&mut out, f)).map(|_| ())
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away: that is a request to stop, not a failure.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{NAME}: cannot write events to stdout: {e}");
            ExitCode::from(1)
        }
    }
}

/// Reports a usage or input problem as one line and exits with code 2.
fn fail(message: &str) -> ExitCode {
    eprintln!("{NAME}: {message}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Command, String> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_options() {
        assert_eq!(
            args(&[]),
            Ok(Command::Run {
                source: None,
                once: false
            })
        );
        assert_eq!(args(&["--once", "--help"]), Ok(Command::Help));
        assert_eq!(args(&["-V"]), Ok(Command::Version));
        assert_eq!(
            args(&["--triggers", "[]", "--once"]),
            Ok(Command::Run {
                source: Some(Source::Inline("[]".into())),
                once: true
            })
        );
        assert_eq!(
            args(&["--triggers-file=x.json"]),
            Ok(Command::Run {
                source: Some(Source::File("x.json".into())),
                once: false
            })
        );
        // An inline list wins over a file, whatever the order.
        assert_eq!(
            args(&["--triggers-file", "x.json", "--triggers=[1]"]),
            Ok(Command::Run {
                source: Some(Source::Inline("[1]".into())),
                once: false
            })
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(args(&["--triggers"]).unwrap_err().contains("needs a value"));
        assert!(args(&["--bogus"])
            .unwrap_err()
            .contains("unknown argument \"--bogus\""));
        assert!(args(&["--once=yes"]).is_err());
        assert!(args(&["extra"]).is_err());
    }

    #[test]
    fn trigger_sources_in_order() {
        let env = Some(r#"[{"id":"env","type":"interval","seconds":1}]"#.to_string());
        let inline = Source::Inline(r#"[{"id":"arg","type":"interval","seconds":1}]"#.into());
        assert_eq!(
            load_triggers(Some(inline), env.clone()).unwrap()[0].id,
            "arg"
        );
        assert_eq!(load_triggers(None, env).unwrap()[0].id, "env");
        let missing = load_triggers(None, Some("  ".into())).unwrap_err();
        assert!(missing.contains("no triggers given") && missing.contains(TRIGGERS_ENV));
        let unreadable = load_triggers(Some(Source::File("no/such/file.json".into())), None);
        assert!(unreadable
            .unwrap_err()
            .starts_with("cannot read --triggers-file"));
    }
}

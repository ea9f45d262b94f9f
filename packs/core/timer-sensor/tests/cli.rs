//! Runs the built sensor binary as the sensor service would.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_attune-core-timer-sensor");

/// A command with no inherited trigger variable, so the host cannot leak in.
fn sensor(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("ATTUNE_SENSOR_TRIGGERS");
    cmd
}

fn run(args: &[&str]) -> Output {
    sensor(args)
        .stdin(Stdio::null())
        .output()
        .expect("sensor runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Waits for the child to exit, killing it (and failing) after `limit`.
fn wait_with_limit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("sensor did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn prints_version() {
    let out = run(&["--version"]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "attune-core-timer-sensor 0.1.0\n");
}

#[test]
fn prints_help_with_once_semantics() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    assert!(help.starts_with("Usage: attune-core-timer-sensor"));
    assert!(help.contains("--once") && help.contains("ATTUNE_SENSOR_TRIGGERS"));
}

#[test]
fn once_fires_due_triggers_and_exits() {
    let out = run(&[
        "--once",
        "--triggers",
        r#"[{"id":"every","type":"interval","seconds":3600},
            {"id":"past","type":"datetime","at":"2020-01-01T00:00:00Z"},
            {"id":"future","type":"datetime","at":"2999-01-01T00:00:00+01:00"},
            {"id":"each-minute","type":"cron","expression":"* * * * *"}]"#,
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with(r#"{"trigger":"every","type":"core.intervaltimer","fired_at":"20"#)
    );
    assert!(lines[0].ends_with(r#"Z","sequence":1}"#));
    assert!(lines[1].starts_with(r#"{"trigger":"past","type":"core.datetimetimer""#));
    assert!(lines[2].starts_with(r#"{"trigger":"each-minute","type":"core.crontimer""#));
    assert!(out.stderr.is_empty());
}

#[test]
fn reads_triggers_from_file_and_env() {
    let dir = std::env::temp_dir().join(format!("timer-sensor-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("triggers.json");
    std::fs::write(
        &file,
        r#"[{"id":"from-file","type":"interval","seconds":1}]"#,
    )
    .unwrap();
    let out = run(&["--once", "--triggers-file", file.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(r#""trigger":"from-file""#));

    let out = sensor(&["--once"])
        .env(
            "ATTUNE_SENSOR_TRIGGERS",
            r#"[{"id":"from-env","type":"interval","seconds":1}]"#,
        )
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(r#""trigger":"from-env""#));
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (&["--once", "--triggers", "[{"], "not valid JSON"),
        (
            &["--once", "--triggers", r#"[{"id":"a","type":"hourly"}]"#],
            "unknown type \"hourly\"",
        ),
        (
            &[
                "--once",
                "--triggers",
                r#"[{"id":"a","type":"interval","seconds":0}]"#,
            ],
            "must be positive",
        ),
        (
            &[
                "--once",
                "--triggers",
                r#"[{"id":"a","type":"datetime","at":"2026-13-01T00:00:00Z"}]"#,
            ],
            "no such calendar date",
        ),
        (
            &[
                "--once",
                "--triggers",
                r#"[{"id":"a","type":"cron","expression":"* *"}]"#,
            ],
            "needs 5",
        ),
        (&["--once"], "no triggers given"),
        (
            &["--triggers-file", "no/such/file.json"],
            "cannot read --triggers-file",
        ),
        (&["--frobnicate"], "unknown argument"),
    ];
    for (args, expected) in cases {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with("attune-core-timer-sensor: "), "{stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn exits_0_when_stdin_closes() {
    let mut child = sensor(&[
        "--triggers",
        r#"[{"id":"slow","type":"interval","seconds":3600}]"#,
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        child.try_wait().unwrap().is_none(),
        "exited before stdin closed"
    );
    drop(child.stdin.take());
    let status = wait_with_limit(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn streams_interval_events_until_stopped() {
    let mut child = sensor(&[
        "--triggers",
        r#"[{"id":"tick","type":"interval","seconds":0.05}]"#,
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    // Lines must arrive while the sensor is still running (flushed each time).
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    for expected in 1..=3 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(
            line.starts_with(r#"{"trigger":"tick","type":"core.intervaltimer","fired_at":""#),
            "{line}"
        );
        assert!(
            line.ends_with(&format!("\"sequence\":{expected}}}\n")),
            "{line}"
        );
    }
    drop(child.stdin.take());
    assert_eq!(
        wait_with_limit(&mut child, Duration::from_secs(10)).code(),
        Some(0)
    );
}

#[test]
fn exits_0_when_one_shots_are_done() {
    let mut child = sensor(&[
        "--triggers",
        r#"[{"id":"past","type":"datetime","at":"2001-02-03T04:05:06Z"}]"#,
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    let status = wait_with_limit(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert!(
        out.starts_with(r#"{"trigger":"past","type":"core.datetimetimer""#),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1);
}

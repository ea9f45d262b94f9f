//! The bench's small sensor: prints one JSON event line per argument, or its version.

use std::env;
use std::io::{self, Write};

const VERSION: &str = "bench-small 0.1.0";

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--version") {
        println!("{VERSION}");
        return;
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for (i, arg) in args.iter().enumerate() {
        writeln!(out, "{{\"seq\":{},\"payload\":\"{}\"}}", i, escape(arg)).expect("stdout");
    }
}

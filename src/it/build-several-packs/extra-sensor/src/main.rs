// The extra pack's sensor, named as the core pack's: each pack has its own sensors/ directory.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version") {
        println!("extra {} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));
        return;
    }
    println!("{}", sensor_common::line("extra", &args));
}

// The core pack's sensor: says which pack it is, so a test can tell it from the extra pack's
// binary of the same name.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version") {
        println!("core {} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));
        return;
    }
    println!("core sensor: {}", args.join(" "));
}

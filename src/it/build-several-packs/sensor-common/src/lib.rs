/// The line a sensor prints for its arguments.
pub fn line(pack: &str, args: &[String]) -> String {
    format!("{} sensor: {}", pack, args.join(" "))
}

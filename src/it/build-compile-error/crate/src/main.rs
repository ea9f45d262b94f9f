// Does not compile on purpose: the build must fail with cargo's own message.
fn main() {
    let count: u32 = "three";
    println!("{count}");
}

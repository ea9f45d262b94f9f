package io.attune.packbinaries.cargo;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;

/** The messages for a failed cargo run, with a hint when the cause is a known missing piece. */
final class CargoFailures {

  private CargoFailures() {}

  static PackFailure failed(TargetTriple target, ProcessRunner.Result result) {
    String tail = String.join("\n", result.tail());
    String hint = "";
    if (tail.contains("no such command: `zigbuild`")
        || tail.contains("no such subcommand: `zigbuild`")) {
      hint =
          "\ncargo-zigbuild is not installed: run `cargo install --locked cargo-zigbuild` and"
              + " install zig (e.g. `pip3 install ziglang`), or set "
              + PropertyNames.BUILDER_COMMAND
              + " to"
              + " another build command, or use "
              + PropertyNames.TOOLCHAIN
              + "=container";
    } else if (tail.contains("can't find crate for `std`")
        || tail.contains("can't find crate for `core`")) {
      hint =
          "\nThe Rust standard library for "
              + target
              + " is not installed: run `rustup target add "
              + target
              + "`, or use "
              + PropertyNames.TOOLCHAIN
              + "=container";
    }
    String what = result.timedOut() ? "timed out" : "failed";
    return new PackFailure(
        "cargo "
            + what
            + " for "
            + target
            + " (exit code "
            + result.exitCode()
            + "); its last lines:\n"
            + result.tailText()
            + hint);
  }
}

// A compile error fails the build with cargo's exit code and its own last lines.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('cargo failed for x86_64-unknown-linux-gnu (exit code 101); its last lines:')
assert log.contains('mismatched types')
assert !new File(basedir, 'target/pack-binaries/x86_64-unknown-linux-gnu/it-sensor').exists()
assert !new File(basedir, 'target/pack-binaries/binaries.json').exists()
true

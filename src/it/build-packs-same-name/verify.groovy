// One message names every problem of <packs>, and nothing was built.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains("<packs> is not usable: '../etc' is not a pack name")
assert log.contains('2 packs are named core, Core, and all would write their binaries to /pack-binaries/core/sensors/')
assert !log.contains('cargo build')
assert !new File(basedir, 'target/pack-binaries/binaries.json').exists()
true

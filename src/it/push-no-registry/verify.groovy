// Without an image, deploy fails naming the parameter to set, in the build goal: before any
// Cargo manifest is looked for or any container started.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('pack.image is not set: mvn deploy would build everything and then have nowhere to push.')
assert log.contains('-Dpack.image=REGISTRY/attune/pack-binaries-init')
assert log =~ /Failed to execute goal io\.attune:pack-binaries-maven-plugin:[^:]+:build/
assert !log.contains('Cargo.toml')
true

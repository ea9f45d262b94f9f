// Without an image, deploy fails naming the parameter to set.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('pack.image is not set: mvn deploy would build everything and then have nowhere to push.')
assert log.contains('-Dpack.image=REGISTRY/attune/pack-binaries-init')
true

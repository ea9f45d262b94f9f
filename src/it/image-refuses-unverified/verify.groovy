def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('Refusing to package binaries that did not pass verification')
assert log.contains('dynamic-sensor (aarch64-unknown-linux-gnu')
assert log.contains('dynamically linked: PT_INTERP /lib/ld-linux-aarch64.so.1')
assert !new File(basedir, 'target/pack-binaries/image').exists() : 'an image was written'
true

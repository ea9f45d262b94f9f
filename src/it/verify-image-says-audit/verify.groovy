// One BUILD FAILURE that names the audit goal with the image, and no registry asked.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('verify checks the binaries the build goal made (or -Dpack.binary=FILE); to audit the published image 127.0.0.1:5000/attune/pack-binaries-init:1.0, run: mvn io.attune:pack-binaries-maven-plugin:audit -Dpack.image=127.0.0.1:5000/attune/pack-binaries-init:1.0')
assert !log.contains('Reading 127.0.0.1:5000')
assert !log.contains('\tat io.attune') : 'a stack trace'
true

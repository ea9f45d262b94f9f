// A refused password fails with where the credentials came from and how to fix them; the
// password itself appears nowhere.
def log = new File(basedir, 'build.log').text
def registry = System.getenv('PACK_TEST_SECURE_REGISTRY') ?: '127.0.0.1:5443'
assert log.contains('BUILD FAILURE')
assert log.contains("was refused (HTTP 401). The registry rejected user 'attune' from settings.xml <server> '${registry}'.")
assert log.contains("<id>${registry}</id>")
assert !log.contains('wrong-password-9f3c1')
def report = new File(basedir, 'target/pack-binaries/image.json')
assert !report.exists()
true

// BUILD FAILURE with one line naming the platform and the file, no stack trace, and the report.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def image = new File(basedir, 'image.txt').text.trim()
assert log.contains('BUILD FAILURE')
assert log.contains("The image ${image} failed the audit")
assert log.contains('linux/arm64: /pack-binaries/core/sensors/attune-core-timer-sensor is an x86-64 binary, but target aarch64-unknown-linux-musl needs aarch64')
assert !log.contains('\tat io.attune') : 'a stack trace'

def report = new JsonSlurper().parse(new File(basedir, 'standalone/target/pack-binaries/audit-report.json'))
assert report.reference == image
assert report.verdict == 'fail'
assert report.platforms.size() == 1
def platform = report.platforms[0]
assert platform.platform == 'linux/arm64'
assert platform.binaries.size() == 1
assert platform.binaries[0].path == '/pack-binaries/core/sensors/attune-core-timer-sensor'
assert platform.binaries[0].machine == 'x86-64'
assert platform.binaries[0].verdict == 'fail'
true

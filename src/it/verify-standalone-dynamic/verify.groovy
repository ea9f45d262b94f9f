// BUILD FAILURE with the reason, and the report written all the same.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
def expected = 'attune-core-timer-sensor is dynamically linked (interpreter /lib64/ld-linux-x86-64.so.2, needs '
assert log.contains(expected) : 'the failure does not name the loader'
assert log.contains('libc.so.6); it would fail in a container without glibc. Build it with cargo zigbuild --target x86_64-unknown-linux-musl.')
assert !log.contains('at io.attune.packbinaries') : 'a failing verdict must not print a stack trace'

def report = new File(basedir, 'standalone/target/pack-binaries/verify-report.json')
assert report.isFile() : 'no report'
def entry = new JsonSlurper().parse(report).binaries[0]
assert entry.verdict == 'fail'
assert entry.interpreter == '/lib64/ld-linux-x86-64.so.2'
assert entry.needed.contains('libc.so.6')
true

// BUILD SUCCESS, the report says pass with the ELF facts, and the smoke run's output is logged.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('hello (x86_64-unknown-linux-musl): pass, static')
assert log.contains('Smoke run `hello --version` (natively) exited 0')
assert log.contains('hello 1.0 (--version)')
assert !log.contains('[WARNING] hello is statically linked with glibc')

def binary = new File(basedir, 'standalone/hello')
def report = new File(basedir, 'standalone/target/pack-binaries/verify-report.json')
assert report.isFile() : 'no report'
def entries = new JsonSlurper().parse(report).binaries
assert entries.size() == 1
def entry = entries[0]
assert entry.path == binary.canonicalPath
assert entry.target == 'x86_64-unknown-linux-musl'
assert entry.verdict == 'pass'
assert entry.reasons.isEmpty()
assert entry.machine == 'x86-64'
assert entry.interpreter == null
assert entry.needed.isEmpty()
assert entry.size == binary.length()
assert entry.sha256 ==~ /[0-9a-f]{64}/
true

// BUILD SUCCESS, the audit's summary line, and a report that passes the one binary.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def image = new File(basedir, 'image.txt').text.trim()
assert log.contains('BUILD SUCCESS')
assert log.contains("Audited ${image}: 1 binary on 1 platform, all static and of their platform's architecture")

def report = new JsonSlurper().parse(new File(basedir, 'standalone/target/pack-binaries/audit-report.json'))
assert report.verdict == 'pass'
def binary = report.platforms[0].binaries[0]
assert report.platforms[0].platform == 'linux/amd64'
assert binary.path == '/pack-binaries/core/sensors/attune-core-timer-sensor'
assert binary.machine == 'x86-64'
assert binary.interpreter == null
assert binary.sha256 ==~ /[0-9a-f]{64}/
true

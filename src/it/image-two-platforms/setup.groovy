// Stage what build and verify would leave: static x86-64 and aarch64 binaries compiled in the
// builder image, binaries.json, and a verify report that passes both.
import groovy.json.JsonOutput
import java.security.MessageDigest

def out = new File(basedir, 'target/pack-binaries')
def src = new File(basedir, 'target/src')
src.mkdirs()
new File(src, 'hello.c').text = '#include <stdio.h>\nint main(void) { puts("hello from the it"); return 0; }\n'
def builder = System.getenv('PACK_TEST_BUILDER_IMAGE') ?: 'attune/pack-binaries-builder:debian-bookworm'
def triples = ['x86_64-unknown-linux-gnu': 'gcc', 'aarch64-unknown-linux-gnu': 'aarch64-linux-gnu-gcc']
def script = triples.collect { t, cc -> "mkdir -p $t && $cc -static -Os -s -o $t/sensor hello.c" }.join(' && ')
def proc = ['docker', 'run', '--rm', '--network', 'none', '-v', "${src}:/w", '-w', '/w', builder, 'sh', '-c', script].execute()
proc.waitForProcessOutput(System.out, System.err)
assert proc.exitValue() == 0 : 'compiling the test binaries failed'

def built = []
def verdicts = []
triples.keySet().each { t ->
  def file = new File(out, "$t/sensor")
  file.parentFile.mkdirs()
  file.bytes = new File(src, "$t/sensor").bytes
  file.setExecutable(true)
  def sha = MessageDigest.getInstance('SHA-256').digest(file.bytes).encodeHex().toString()
  built << [target: t, name: 'sensor', path: "$t/sensor", sha256: sha, size: file.length(), stripped: true]
  verdicts << [path: file.absolutePath, target: t, sha256: sha, verdict: 'pass', reasons: [], warnings: []]
}
new File(out, 'binaries.json').text = JsonOutput.toJson(built)
new File(out, 'verify-report.json').text = JsonOutput.toJson([binaries: verdicts])
true

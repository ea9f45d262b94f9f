// binaries.json lists one binary; the verify report failed it.
import groovy.json.JsonOutput
import java.security.MessageDigest

def t = 'aarch64-unknown-linux-gnu'
def file = new File(basedir, "target/pack-binaries/$t/dynamic-sensor")
file.parentFile.mkdirs()
file.text = 'stands for a dynamically linked binary'
def sha = MessageDigest.getInstance('SHA-256').digest(file.bytes).encodeHex().toString()
def out = new File(basedir, 'target/pack-binaries')
new File(out, 'binaries.json').text = JsonOutput.toJson(
    [[target: t, name: 'dynamic-sensor', path: "$t/dynamic-sensor", sha256: sha, size: file.length(), stripped: false]])
new File(out, 'verify-report.json').text = JsonOutput.toJson([binaries: [
    [path: file.absolutePath, target: t, sha256: sha, verdict: 'fail',
     reasons: ['dynamically linked: PT_INTERP /lib/ld-linux-aarch64.so.1'], warnings: []]]])
true

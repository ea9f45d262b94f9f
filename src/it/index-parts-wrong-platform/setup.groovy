// One amd64 image in the plain registry, and a part.json (as push -Dpack.push.part=true writes
// it) that says it is the linux/arm64 part.
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

def env = System.getenv()
def base = env.PACK_TEST_BASE_IMAGE ?: '127.0.0.1:5000/library/busybox:1.36'
def registry = env.PACK_TEST_REGISTRY ?: '127.0.0.1:5000'

// In the binding, so the script's own methods see it too.
run = evaluate(new File(itLib, 'commands.groovy'))

def repository = "${registry}/it/index-parts"
['skopeo', 'delete', '--tls-verify=false', "docker://${repository}:1.0"].execute().waitFor()
run(['skopeo', 'copy', '--quiet', '--override-arch', 'amd64', '--src-tls-verify=false', '--dest-tls-verify=false',
     "docker://${base}", "docker://${repository}:amd64-source"])
def raw = run(['skopeo', 'inspect', '--raw', '--tls-verify=false', "docker://${repository}:amd64-source"]).trim()
def digest = run(['skopeo', 'inspect', '--tls-verify=false', '--format', '{{.Digest}}', "docker://${repository}:amd64-source"]).trim()
def manifest = new JsonSlurper().parseText(raw)
def part = [
    schema: 'io.attune.pack-binaries.part.v1',
    repository: repository,
    platform: 'linux/arm64',
    manifest: [mediaType: manifest.mediaType, digest: digest, size: raw.getBytes('UTF-8').length],
    index: [mediaType: 'application/vnd.oci.image.index.v1+json',
            annotations: ['org.opencontainers.image.version': '1.0'],
            entryAnnotations: ['io.attune.pack-binaries.target': 'aarch64-unknown-linux-gnu']],
    commit: '0123456789abcdef0123456789abcdef01234567',
    dirty: false,
    coordinates: 'io.attune.it:index-parts-wrong-platform:1.0',
    timestamp: '2026-01-01T00:00:00Z',
    binaries: [[name: 'attune-core-timer-sensor', target: 'aarch64-unknown-linux-gnu', sha256: 'e' * 64, size: 1]],
    build: [builder: 'host', commands: [:], crates: []]]
new File(basedir, 'parts/arm64').mkdirs()
new File(basedir, 'parts/arm64/part.json').text = JsonOutput.prettyPrint(JsonOutput.toJson(part))
new File(basedir, '.mvn').mkdirs()
new File(basedir, '.mvn/maven.config').text = "-Dpack.index.parts=parts\n"
true

// mvn deploy deployed the POM to the project's Maven repository and pushed a two-platform OCI
// index under the release's default tags (VERSION and latest), with the local build's manifests.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert new File(basedir, 'target/maven-repository/io/attune/it/push-deploy/1.0/push-deploy-1.0.pom').isFile()
assert log.contains('Tags to write: 1.0, latest')
def registry = System.getenv('PACK_TEST_REGISTRY') ?: '127.0.0.1:5000'
def repository = "${registry}/it/push-deploy"

// In the binding, so the script's own methods see it too.
run = evaluate(new File(itLib, 'commands.groovy'))

def json = new JsonSlurper()
def index = json.parseText(run(['skopeo', 'inspect', '--raw', '--tls-verify=false', "docker://${repository}:1.0"]))
assert index.mediaType == 'application/vnd.oci.image.index.v1+json'
def pushed = index.manifests.collectEntries { ["${it.platform.os}/${it.platform.architecture}", it.digest] }
assert pushed.keySet() == ['linux/amd64', 'linux/arm64'] as Set

// The same manifests as the local layout's index.
def layout = new File(basedir, 'target/pack-binaries/image/layout')
def top = json.parse(new File(layout, 'index.json'))
def localIndex = json.parse(new File(layout, 'blobs/' + top.manifests[0].digest.replace(':', '/')))
def local = localIndex.manifests.collectEntries { ["${it.platform.os}/${it.platform.architecture}", it.digest] }
assert pushed == local

def latest = json.parseText(run(['skopeo', 'inspect', '--raw', '--tls-verify=false', "docker://${repository}:latest"]))
assert latest == index

// image.json and the printed, digest-pinned reference.
def report = json.parse(new File(basedir, 'target/pack-binaries/image.json'))
assert report.indexDigest == top.manifests[0].digest
assert report.pinnedReference == "${repository}@${report.indexDigest}"
assert log.contains("Pushed ${report.pinnedReference}")
assert new File(basedir, 'docker/distributable/docker-compose.yaml').text
    .contains("image: ${report.pinnedReference}\n")

// docker pulls the arm64 image of the tag; run against a volume, it leaves an aarch64 ELF there.
def volume = "pack-binaries-it-push-deploy-${System.nanoTime()}"
try {
  run(['docker', 'pull', '--platform', 'linux/arm64', "${repository}:1.0"])
  run(['docker', 'run', '--rm', '--platform', 'linux/arm64', '-v', "${volume}:/packs", "${repository}:1.0",
       'cp', '/bin/busybox', '/packs/busybox'])
  def header = run(['docker', 'run', '--rm', '--platform', 'linux/arm64', '-v', "${volume}:/packs",
       "${repository}:1.0", 'od', '-An', '-tu2', '-j18', '-N2', '/packs/busybox']).trim()
  assert header == '183' : "e_machine ${header}, not EM_AARCH64 (183)"
} finally {
  ['docker', 'volume', 'rm', '-f', volume].execute().waitFor()
}
true

// The registry holds one OCI image index over both per-arch images, tagged 1.0, and each
// per-arch manifest is in the index's repository by its digest.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def registry = System.getenv('PACK_TEST_REGISTRY') ?: '127.0.0.1:5000'
def digests = new Properties()
new File(basedir, 'digests.properties').withReader { digests.load(it) }

def inspect(String reference) {
  def process = ['skopeo', 'inspect', '--raw', '--tls-verify=false', "docker://${reference}"].execute()
  def out = new StringBuilder(), err = new StringBuilder()
  process.waitForProcessOutput(out, err)
  assert process.exitValue() == 0 : "${reference}: ${err}"
  new JsonSlurper().parseText(out.toString())
}

def index = inspect("${registry}/it/index-all:1.0")
assert index.mediaType == 'application/vnd.oci.image.index.v1+json'
assert index.manifests.size() == 2
def byArch = index.manifests.collectEntries { [(it.platform.architecture): it] }
assert byArch.keySet() == ['arm64', 'amd64'] as Set
byArch.each { arch, entry ->
  assert entry.platform.os == 'linux'
  assert entry.digest == digests[arch]
  assert entry.mediaType == 'application/vnd.oci.image.manifest.v1+json'
  assert inspect("${registry}/it/index-all@${entry.digest}").config.digest != null
}
assert byArch.arm64.platform.variant == 'v8'

// image.json names the index the tag points to; the log prints the pinned reference.
def report = new JsonSlurper().parse(new File(basedir, 'target/pack-binaries/image.json'))
def tagged = ['skopeo', 'inspect', '--tls-verify=false', '--format', '{{.Digest}}', "docker://${registry}/it/index-all:1.0"].execute().text.trim()
assert report.indexDigest == tagged
assert report.platforms*.digest as Set == digests.values() as Set
assert log.contains("Pushed ${registry}/it/index-all@${tagged}")
true

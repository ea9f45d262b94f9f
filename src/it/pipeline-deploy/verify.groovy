import groovy.json.JsonSlurper

// mvn deploy left one index under the release's tag, naming the images built here; the
// distributable compose file pulls it and the static sensor runs from the volume on both
// architectures.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def out = new File(basedir, 'target/pack-binaries')
def json = new JsonSlurper()
def sh = { List<String> cmd ->
  def proc = cmd.execute()
  def stdout = new StringBuilder(), stderr = new StringBuilder()
  proc.waitForProcessOutput(stdout, stderr)
  assert proc.exitValue() == 0 : "${cmd.join(' ')} failed: ${stderr}${stdout}"
  stdout.toString()
}

def report = json.parse(new File(out, 'verify-report.json'))
assert report.binaries.size() == 2
report.binaries.each { assert it.verdict == 'pass' : it }

// The registry's index is byte for byte the one built locally.
def registry = System.getenv('PACK_TEST_REGISTRY') ?: '127.0.0.1:5000'
def layoutIndex = json.parse(new File(out, 'image/layout/index.json'))
def localIndexDigest = layoutIndex.manifests[0].digest
def localIndex = new File(out, 'image/layout/blobs/' + localIndexDigest.replace(':', '/')).bytes
def remoteIndex = sh(['skopeo', 'inspect', '--raw', '--tls-verify=false',
                      "docker://${registry}/attune/pack-binaries-init:1.0.0-it"])
// skopeo ends the raw bytes with a newline of its own.
assert remoteIndex.replaceFirst(/\n$/, '').getBytes('UTF-8') == localIndex
def index = json.parse(localIndex)
assert index.mediaType == 'application/vnd.oci.image.index.v1+json'
assert index.manifests*.platform.architecture.sort() == ['amd64', 'arm64']
def pushed = json.parse(new File(out, 'image.json'))
assert pushed.toString().contains(localIndexDigest)
assert log.contains("${registry}/attune/pack-binaries-init@${localIndexDigest}")

// The published image, pulled by the distributable compose file on each platform.
def repo = new File(basedir, '../../..').canonicalFile
def base = System.getenv('PACK_TEST_BASE_IMAGE') ?: "${registry}/library/busybox:1.36"
[['linux/amd64', 'x86_64-unknown-linux-gnu'], ['linux/arm64', 'aarch64-unknown-linux-gnu']].each { platform, triple ->
  def e2e = sh([new File(repo, 'docker/test/distributable-e2e.sh').path, registry, '1.0.0-it', platform, base])
  println e2e
  def built = new File(out, "${triple}/attune-core-timer-sensor.sha256").text.split()[0]
  assert e2e.contains("sha256 of the sensor in the volume: ${built}") : "${platform}: not the binary built here"
}
true

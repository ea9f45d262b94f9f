// Two packs in one init image: only the packs' binaries were built and shipped (never the agent),
// each at /pack-binaries/<pack>/sensors/, each labelled; the second run rebuilt nothing; and the
// image, through compose, installs both packs' static sensors, which run on amd64 and (qemu) arm64.
import groovy.json.JsonSlurper

def run = evaluate(new File(itLib, 'commands.groovy'))
def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/pack-binaries')
def json = new JsonSlurper()
def triples = ['aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu']

def listed = json.parse(new File(out, 'binaries.json'))
assert listed.collect { "${it.target} ${it.pack}/${it.name}" } ==
    triples.collectMany { t -> ["${t} core/sensor", "${t} extra/sensor"] }*.toString()
listed.each { assert it.path == "packs/${it.pack}/${it.target}/${it.name}" }
assert !new File(out, 'binaries.json').text.contains('agent')
assert log.contains('Binaries of ' + new File(basedir, 'Cargo.toml').path + ' package extra-sensor (pack extra): sensor')
assert !log.contains('Compiling agent')
// The second run: every pack and target up to date, nothing compiled again.
triples.each { t ->
  ['core', 'extra'].each { p -> assert log.contains("${p}/sensor for ${t} is up to date") }
}
assert log.count('Compiling core-sensor') == 2
assert log.count('Compiling extra-sensor') == 2

def report = json.parse(new File(out, 'verify-report.json'))
assert report.binaries.size() == 4
report.binaries.each { assert it.verdict == 'pass' && it.pack in ['core', 'extra'] : it }

// Each pack's own crates in the build record.
def record = json.parse(new File(out, 'build-record.json'))
assert record.packs.collectEntries { [(it.pack): it.crates*.name] } ==
    [core: ['core-sensor'], extra: ['extra-sensor', 'sensor-common']]

// The image: each platform has both packs' sensors, each labelled by pack and name.
def image = new File(out, 'image')
def top = json.parse(new File(image, 'layout/index.json'))
def blob = { String digest -> new File(image, 'layout/blobs/' + digest.replace(':', '/')) }
def index = json.parse(blob(top.manifests[0].digest))
assert index.manifests*.platform*.architecture == ['amd64', 'arm64']
index.manifests.each { entry ->
  def manifest = json.parse(blob(entry.digest))
  def labels = json.parse(blob(manifest.config.digest)).config.Labels
  def triple = entry.annotations['io.attune.pack-binaries.target']
  ['core', 'extra'].each { p ->
    def sha = new File(out, "packs/${p}/${triple}/sensor.sha256").text.split()[0]
    assert labels["io.attune.pack-binaries.sha256.${p}/sensor"] == sha
  }
  assert !labels.containsKey('io.attune.pack-binaries.sha256.sensor')
  assert labels['org.opencontainers.image.title'] == 'pack-binaries-init (core, extra)'
}

// The push audited what it pushed: each pack's binary on each platform, against its own label.
def audit = json.parse(new File(out, 'audit-report.json'))
assert audit.verdict == 'pass' : audit
audit.platforms.each { platform ->
  assert platform.binaries*.path.sort() ==
      ['/pack-binaries/core/sensors/sensor', '/pack-binaries/extra/sensors/sensor']
  platform.binaries.each { assert it.verdict == 'pass' && it.labelSha256 == it.sha256 : it }
}
def registry = System.getenv('PACK_TEST_REGISTRY') ?: '127.0.0.1:5000'
def remote = run(['skopeo', 'inspect', '--raw', '--tls-verify=false', "docker://${registry}/it/several-packs:1.0.0"])
assert remote.getBytes('UTF-8') == blob(top.manifests[0].digest).bytes
assert log.contains('already published')

// Each platform's SBOM: both packs' sensors, each with its own pack's crates, never the agent's.
['linux-amd64', 'linux-arm64'].each { p ->
  def sbom = json.parse(new File(out, "supply-chain/sbom-${p}.cdx.json"))
  def refs = sbom.components*.'bom-ref'
  assert refs.findAll { it.startsWith('binary:') }.collect { it.replaceFirst('^binary:[^/]*/', '') }.sort() ==
      ['core/sensor', 'extra/sensor']
  def dependsOn = sbom.dependencies.collectEntries { [(it.ref.replaceFirst('^binary:[^/]*/', '')): it.dependsOn] }
  assert dependsOn['core/sensor'] == ['pkg:cargo/core-sensor@1.0.0']
  assert dependsOn['extra/sensor'].sort() == ['pkg:cargo/extra-sensor@2.0.0', 'pkg:cargo/sensor-common@0.1.0']
  assert !sbom.toString().contains('agent')
}

// The core pack's host binary is staged in its own sensors/.
assert new File(basedir, 'core/sensors/sensor').isFile()

// Through compose, per platform: both packs' sensors installed, static, of the platform, and run.
def repo = new File(basedir, '../../..').canonicalFile
def base = System.getenv('PACK_TEST_BASE_IMAGE') ?: '127.0.0.1:5000/library/busybox:1.36'
[['linux/amd64', 'linux-amd64.tar', 'x86_64-unknown-linux-gnu'],
 ['linux/arm64', 'linux-arm64.tar', 'aarch64-unknown-linux-gnu']].each { platform, tarball, triple ->
  def e2e = run([new File(repo, 'docker/test/several-packs-e2e.sh').path,
                 new File(image, tarball).path, platform, base, 'core', 'extra'])
  println e2e
  ['core', 'extra'].each { p ->
    def sha = new File(out, "packs/${p}/${triple}/sensor.sha256").text.split()[0]
    assert e2e.contains("sha256 of ${p}/sensors/sensor: ${sha}") : "${platform}: not the ${p} binary built here"
  }
  assert e2e.contains("files in the volume's sensors/ directories: core/sensors/sensor extra/sensors/sensor ")
}
['docker', 'rmi', 'pack-binaries-it/several-packs:dev'].execute().waitFor()
true

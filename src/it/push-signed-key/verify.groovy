// mvn deploy -Dpack.sign.key=cosign.key signed the pushed index in cosign's format: openssl verifies
// the .sig tag's signature with the public key, its payload names the pushed digest, and the
// passphrase from settings.xml shows nowhere.
import groovy.json.JsonSlurper
import java.security.MessageDigest

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def passphrase = new File(basedir, 'passphrase.txt').text
assert !log.contains(passphrase)
new File(basedir, 'target').eachFileRecurse(groovy.io.FileType.FILES) {
  assert !it.getText('ISO-8859-1').contains(passphrase) : "the passphrase is in ${it}"
}
assert log =~ /Supply chain records attached in \d+ ms/

def registry = System.getenv('PACK_TEST_REGISTRY') ?: '127.0.0.1:5000'
def repository = "${registry}/it/push-signed-key"
def get(String path, String accept) {
  def registry = System.getenv('PACK_TEST_REGISTRY') ?: '127.0.0.1:5000'
  def connection = new URL("http://${registry}/v2/it/push-signed-key/${path}").openConnection()
  connection.setRequestProperty('Accept', accept)
  connection.inputStream.bytes
}
def sha256(byte[] bytes) { 'sha256:' + MessageDigest.getInstance('SHA-256').digest(bytes).encodeHex() }
def json = new JsonSlurper()

def index = get('manifests/1.0', 'application/vnd.oci.image.index.v1+json')
def digest = sha256(index)
assert json.parse(new File(basedir, 'target/pack-binaries/image.json')).indexDigest == digest

def publicKey = new File(basedir, 'expected.pub')
assert new File(basedir, 'target/pack-binaries/supply-chain/cosign.pub').text.trim() == publicKey.text.trim()

def opensslVerifies(File key, byte[] content, byte[] signature) {
  def data = File.createTempFile('payload', '')
  def sig = File.createTempFile('sig', '')
  data.deleteOnExit()
  sig.deleteOnExit()
  data.bytes = content
  sig.bytes = signature
  def process = ['openssl', 'dgst', '-sha256', '-verify', key.path, '-signature', sig.path, data.path].execute()
  process.waitForProcessOutput(new StringBuilder(), new StringBuilder())
  process.exitValue() == 0
}

// The .sig tag of the index digest; a layer from this run's key verifies (earlier runs of this IT
// used other keys and left theirs beside it).
def signatures = json.parse(get("manifests/${digest.replace(':', '-')}.sig", 'application/vnd.oci.image.manifest.v1+json'))
def verified = signatures.layers.findAll { layer ->
  def payload = get("blobs/${layer.digest}", '*/*')
  def sig = layer.annotations['dev.cosignproject.cosign/signature'].decodeBase64()
  if (!opensslVerifies(publicKey, payload, sig)) {
    return false
  }
  def critical = json.parse(payload).critical
  assert critical.image['docker-manifest-digest'] == digest
  assert critical.identity['docker-reference'] == repository
  // The check can fail: one byte changed in the payload and openssl refuses it.
  def changed = payload.clone()
  changed[changed.length - 2] ^= 1
  assert !opensslVerifies(publicKey, changed, sig)
  true
}
assert verified.size() == 1 : "no signature of ${digest} verifies with expected.pub among ${signatures.layers.size()}"

// The provenance's DSSE envelope verifies with the same key, over its pre-authentication encoding.
def envelope = json.parse(new File(basedir, 'target/pack-binaries/supply-chain/provenance.dsse.json'))
def statement = envelope.payload.decodeBase64()
def pae = new ByteArrayOutputStream()
pae.write("DSSEv1 ${envelope.payloadType.length()} ${envelope.payloadType} ${statement.length} ".getBytes('UTF-8'))
pae.write(statement)
assert opensslVerifies(publicKey, pae.toByteArray(), envelope.signatures[0].sig.decodeBase64())
assert json.parse(statement).subject*.digest*.sha256.contains(digest.substring(7))
true

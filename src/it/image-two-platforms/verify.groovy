// Two platform images, the nested OCI layout and its archive; the host's image is loaded.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def timing = (log =~ /Built 2 platform images in [0-9.]+ s/)
assert timing.find() : 'no timing line'
println "IT image-two-platforms: ${timing.group()}"

def image = new File(basedir, 'target/pack-binaries/image')
['linux-amd64.tar', 'linux-arm64.tar', 'pack-binaries-init.oci.tar', 'layout/oci-layout'].each {
  assert new File(image, it).isFile() : "missing $it"
}
def json = new JsonSlurper()
def top = json.parse(new File(image, 'layout/index.json'))
assert top.manifests.size() == 1
assert top.manifests[0].mediaType == 'application/vnd.oci.image.index.v1+json'
assert top.manifests[0].annotations['org.opencontainers.image.ref.name'] == '2.0.0'
def index = json.parse(new File(image, 'layout/blobs/sha256/' + top.manifests[0].digest.substring(7)))
assert index.manifests*.platform*.architecture == ['amd64', 'arm64']
assert index.annotations['org.opencontainers.image.revision'] == 'it-revision'

// pack.image.load: the host's (amd64) image is in the engine under the local name.
def inspect = ['docker', 'image', 'inspect', '--format', '{{.Architecture}}', 'pack-binaries-it/init:dev'].execute()
def arch = inspect.text.trim()
inspect.waitFor()
assert inspect.exitValue() == 0 : 'the image was not loaded'
assert arch == 'amd64'
['docker', 'rmi', 'pack-binaries-it/init:dev'].execute().waitFor()
true

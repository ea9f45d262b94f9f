// Two single-platform images in the plain registry, cut by skopeo from the two-platform base,
// as two CI runners would have pushed them; their digests go into .mvn/maven.config.
def env = System.getenv()
def base = env.PACK_TEST_BASE_IMAGE ?: '127.0.0.1:5000/library/busybox:1.36'
def registry = env.PACK_TEST_REGISTRY ?: '127.0.0.1:5000'

// In the binding, so the script's own methods see it too.
run = evaluate(new File(itLib, 'commands.groovy'))

// A tag left by an earlier run must not make this run pass: delete it (absent the first time).
['skopeo', 'delete', '--tls-verify=false', "docker://${registry}/it/index-all:1.0"].execute().waitFor()

def digests = new Properties()
def images = []
['arm64', 'amd64'].each { arch ->
  def image = "${registry}/it/index-${arch}"
  run(['skopeo', 'copy', '--quiet', '--override-arch', arch, '--src-tls-verify=false', '--dest-tls-verify=false',
       "docker://${base}", "docker://${image}:1"])
  def digest = run(['skopeo', 'inspect', '--tls-verify=false', '--format', '{{.Digest}}', "docker://${image}:1"])
  assert digest ==~ /sha256:[0-9a-f]{64}/
  digests[arch] = digest
  images << "${image}@${digest}=linux/${arch}"
}
new File(basedir, 'digests.properties').withWriter { digests.store(it, null) }
new File(basedir, '.mvn').mkdirs()
new File(basedir, '.mvn/maven.config').text = "-Dpack.index.images=${images.join(',')}\n"
true

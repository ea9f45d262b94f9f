// One amd64 image in the plain registry, then a pack.index.images that says it is arm64.
def env = System.getenv()
def base = env.PACK_TEST_BASE_IMAGE ?: '127.0.0.1:5000/library/busybox:1.36'
def registry = env.PACK_TEST_REGISTRY ?: '127.0.0.1:5000'

// In the binding, so the script's own methods see it too.
run = evaluate(new File(itLib, 'commands.groovy'))

['skopeo', 'delete', '--tls-verify=false', "docker://${registry}/it/index-wrong:1.0"].execute().waitFor()
def image = "${registry}/it/index-wrong-amd64"
run(['skopeo', 'copy', '--quiet', '--override-arch', 'amd64', '--src-tls-verify=false', '--dest-tls-verify=false',
     "docker://${base}", "docker://${image}:1"])
def digest = run(['skopeo', 'inspect', '--tls-verify=false', '--format', '{{.Digest}}', "docker://${image}:1"])
new File(basedir, '.mvn').mkdirs()
new File(basedir, '.mvn/maven.config').text = "-Dpack.index.images=${image}@${digest}=linux/arm64\n"
new File(basedir, 'image.txt').text = "${image}@${digest}"
true

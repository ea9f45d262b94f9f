// The image goal's output, made by skopeo from the two-platform base, and a Docker config
// whose auths entry for the secure registry is what `docker login` would have written.
def env = System.getenv()
def base = env.PACK_TEST_BASE_IMAGE ?: '127.0.0.1:5000/library/busybox:1.36'
def layout = new File(basedir, 'target/pack-binaries/image/layout')
layout.parentFile.mkdirs()
def copy = ['skopeo', 'copy', '--all', '--src-tls-verify=false', "docker://${base}", "oci:${layout}:1.0"].execute()
copy.waitForProcessOutput(System.out, System.err)
assert copy.exitValue() == 0

def registry = env.PACK_TEST_SECURE_REGISTRY ?: '127.0.0.1:5443'
def user = env.PACK_TEST_REGISTRY_USER ?: 'attune'
def password = new File(env.PACK_TEST_REGISTRY_PASSWORD_FILE).text.trim()
def auth = "${user}:${password}".bytes.encodeBase64().toString()
def config = new File(basedir, 'docker-config')
config.mkdirs()
new File(config, 'config.json').text = """{"auths": {"${registry}": {"auth": "${auth}"}}}\n"""
true

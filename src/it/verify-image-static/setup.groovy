// A static x86-64 sensor (musl-gcc) in an image built with `docker build --platform linux/amd64` from
// the test environment's busybox and pushed with `docker push`, as a user would publish it.
import groovy.json.JsonSlurper

def env = System.getenv()
def base = env.PACK_TEST_BASE_IMAGE ?: '127.0.0.1:5000/library/busybox:1.36'
def registry = env.PACK_TEST_REGISTRY ?: '127.0.0.1:5000'
def platform = 'linux/amd64'

// In the binding, so the script's own methods see it too.
run = evaluate(new File(itLib, 'commands.groovy'))

def context = new File(basedir, 'context')
context.mkdirs()
run(['musl-gcc', '-static', '-o', new File(context, 'sensor').path, new File(basedir, 'hello.c').path])
// The base by the platform's own digest: the classic builder reuses whichever platform of a tag
// the engine pulled last.
def index = new JsonSlurper().parseText(run(['skopeo', 'inspect', '--raw', '--tls-verify=false', "docker://${base}"]))
def entry = index.manifests.find { "${it.platform.os}/${it.platform.architecture}" == platform }
assert entry : "${base} has no ${platform} image"
new File(context, 'Dockerfile').text = """FROM ${base.replaceFirst(/:[^:\/]+$/, '')}@${entry.digest}
COPY sensor /pack-binaries/core/sensors/attune-core-timer-sensor
"""
def image = "${registry}/it/verify-image-static:1"
run(['docker', 'build', '-q', '--platform', platform, '-t', image, context.path])
try {
  run(['docker', 'push', '-q', image])
} finally {
  run(['docker', 'rmi', '-f', image])
}
def config = new File(basedir, 'standalone/.mvn')
config.mkdirs()
new File(config, 'maven.config').text = "-Dpack.image=${image}\n"
new File(basedir, 'image.txt').text = image
true

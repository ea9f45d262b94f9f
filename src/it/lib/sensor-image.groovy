// Shared by the audit ITs: `pushSensorImage = evaluate(new File(itLib, 'sensor-image.groovy'))`,
// then pushSensorImage(basedir, platform, name). It builds a static x86-64 sensor (musl-gcc, from
// the IT's hello.c) into an image with `docker build --platform PLATFORM` from the test
// environment's busybox, pushes it with `docker push` as a user would publish it, and points the
// IT's standalone run at it (standalone/.mvn/maven.config). Returns the image reference.
import groovy.json.JsonSlurper

def run = evaluate(new File(itLib, 'commands.groovy'))

return { File basedir, String platform, String name ->
  def env = System.getenv()
  def base = env.PACK_TEST_BASE_IMAGE ?: '127.0.0.1:5000/library/busybox:1.36'
  def registry = env.PACK_TEST_REGISTRY ?: '127.0.0.1:5000'
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
  def image = "${registry}/it/${name}:1"
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
  image
}

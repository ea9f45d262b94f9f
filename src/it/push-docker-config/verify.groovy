// Pushed as the user from the Docker config, which the log names; the password shows nowhere.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def registry = System.getenv('PACK_TEST_SECURE_REGISTRY') ?: '127.0.0.1:5443'
assert log.contains("to ${registry}/it/push-docker-config as user 'attune' from Docker config ")
assert log.contains("docker-config${File.separator}config.json")
def password = new File(System.getenv('PACK_TEST_REGISTRY_PASSWORD_FILE')).text.trim()
assert !log.contains(password)
def auth = "attune:${password}".bytes.encodeBase64().toString()
assert !log.contains(auth)
def reportFile = new File(basedir, 'target/pack-binaries/image.json')
assert !reportFile.text.contains(password)
def report = new JsonSlurper().parse(reportFile)
assert report.platforms*.platform as Set == ['linux/amd64', 'linux/arm64/v8'] as Set
def inspect = ['skopeo', 'inspect', '--tls-verify=false', '--format', '{{.Digest}}',
    '--creds', "attune:${password}", "docker://${registry}/it/push-docker-config:1.0"].execute()
def out = new StringBuilder(), err = new StringBuilder()
inspect.waitForProcessOutput(out, err)
assert inspect.exitValue() == 0 : err
assert out.toString().trim() == report.indexDigest
true

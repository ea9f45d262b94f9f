// The encrypted settings.xml password pushed to the TLS + htpasswd registry, and never showed.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def registry = System.getenv('PACK_TEST_SECURE_REGISTRY') ?: '127.0.0.1:5443'
assert log.contains("to ${registry}/it/push-secure-settings as user 'attune' from settings.xml <server> '${registry}'")
def password = new File(System.getenv('PACK_TEST_REGISTRY_PASSWORD_FILE')).text.trim()
assert !log.contains(password)
def report = new File(basedir, 'target/pack-binaries/image.json').text
assert !report.contains(password)
assert new JsonSlurper().parseText(report).platforms*.platform as Set == ['linux/amd64', 'linux/arm64/v8'] as Set
def inspect = ['skopeo', 'inspect', '--raw', '--tls-verify=false',
    '--creds', "attune:${password}", "docker://${registry}/it/push-secure-settings:1.0"].execute()
def out = new StringBuilder(), err = new StringBuilder()
inspect.waitForProcessOutput(out, err)
assert inspect.exitValue() == 0 : err
assert out.toString().contains('"mediaType":"application/vnd.oci.image.index.v1+json"')
true

// The image goal's output, made here by skopeo from the test registry's two-platform busybox:
// a nested OCI layout in target/pack-binaries/image/layout.
def base = System.getenv('PACK_TEST_BASE_IMAGE') ?: '127.0.0.1:5000/library/busybox:1.36'
def layout = new File(basedir, 'target/pack-binaries/image/layout')
layout.parentFile.mkdirs()
def copy = ['skopeo', 'copy', '--all', '--src-tls-verify=false', "docker://${base}", "oci:${layout}:1.0"].execute()
copy.waitForProcessOutput(System.out, System.err)
assert copy.exitValue() == 0

// Maven settings with an encrypted server password, made with Maven's own commands (offline):
// settings-security.xml holds the encrypted master password, global-settings.xml the server.
def mvn(List args) {
  def process = (['mvn', '-B', '-q'] + args).execute()
  def out = new StringBuilder(), err = new StringBuilder()
  process.waitForProcessOutput(out, err)
  assert process.exitValue() == 0 : err
  def encrypted = (out.toString() =~ /\{[A-Za-z0-9+\/=]+\}/)
  assert encrypted.find() : "no {…} in: ${out}"
  encrypted.group()
}
def registry = System.getenv('PACK_TEST_SECURE_REGISTRY') ?: '127.0.0.1:5443'
def user = System.getenv('PACK_TEST_REGISTRY_USER') ?: 'attune'
def password = new File(System.getenv('PACK_TEST_REGISTRY_PASSWORD_FILE')).text.trim()
def security = new File(basedir, 'settings-security.xml')
def master = mvn(['--encrypt-master-password', 'it-master-' + System.nanoTime()])
security.text = "<settingsSecurity><master>${master}</master></settingsSecurity>\n"
def encrypted = mvn(['--encrypt-password', password, "-Dsettings.security=${security}"])
assert !encrypted.contains(password)
new File(basedir, 'global-settings.xml').text = """<settings>
  <servers>
    <server>
      <id>${registry}</id>
      <username>${user}</username>
      <password>${encrypted}</password>
    </server>
  </servers>
</settings>
"""
true

// The image goal's output, made here by skopeo from the test registry's two-platform busybox, and
// an encrypted PKCS#8 EC P-256 key made with openssl, its passphrase only in settings.xml.
def base = System.getenv('PACK_TEST_BASE_IMAGE') ?: '127.0.0.1:5000/library/busybox:1.36'
def layout = new File(basedir, 'target/pack-binaries/image/layout')
layout.parentFile.mkdirs()
def copy = ['skopeo', 'copy', '--all', '--src-tls-verify=false', "docker://${base}", "oci:${layout}:1.0"].execute()
copy.waitForProcessOutput(System.out, System.err)
assert copy.exitValue() == 0

// In the binding, so the script's own methods see it too.
run = evaluate(new File(itLib, 'commands.groovy'))

// A fresh passphrase each run, written to a file that verify.groovy reads to search the log.
def passphrase = 'it-signing-' + UUID.randomUUID()
new File(basedir, 'passphrase.txt').text = passphrase
def plain = new File(basedir, 'plain.pem')
run(['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', plain.path])
run(['openssl', 'pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', plain.path,
     '-out', new File(basedir, 'cosign.key').path, '-passout', "pass:${passphrase}"])
run(['openssl', 'pkey', '-in', plain.path, '-pubout', '-out', new File(basedir, 'expected.pub').path])
assert plain.delete()
assert new File(basedir, 'cosign.key').text.contains('BEGIN ENCRYPTED PRIVATE KEY')

// Maven's own commands encrypt the master password and the passphrase (offline).
def encrypt(List args) {
  def out = run(['mvn', '-B', '-q'] + args)
  def encrypted = (out =~ /\{[A-Za-z0-9+\/=]+\}/)
  assert encrypted.find() : "no {…} in: ${out}"
  encrypted.group()
}
def security = new File(basedir, 'settings-security.xml')
security.text = "<settingsSecurity><master>${encrypt(['--encrypt-master-password', 'it-master-' + System.nanoTime()])}</master></settingsSecurity>\n"
def encrypted = encrypt(['--encrypt-password', passphrase, "-Dsettings.security=${security}"])
assert !encrypted.contains(passphrase)
new File(basedir, 'global-settings.xml').text = """<settings>
  <servers>
    <server>
      <id>pack-binaries-signing</id>
      <password>${encrypted}</password>
    </server>
  </servers>
</settings>
"""
true

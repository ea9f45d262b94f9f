// The image goal's output, made here by skopeo from the test registry's two-platform busybox:
// a nested OCI layout in target/pack-binaries/image/layout.
def base = System.getenv('PACK_TEST_BASE_IMAGE') ?: '127.0.0.1:5000/library/busybox:1.36'
def layout = new File(basedir, 'target/pack-binaries/image/layout')
layout.parentFile.mkdirs()
def copy = ['skopeo', 'copy', '--all', '--src-tls-verify=false', "docker://${base}", "oci:${layout}:1.0"].execute()
copy.waitForProcessOutput(System.out, System.err)
assert copy.exitValue() == 0

// A settings server for the registry host with a wrong password.
def registry = System.getenv('PACK_TEST_SECURE_REGISTRY') ?: '127.0.0.1:5443'
new File(basedir, 'global-settings.xml').text = """<settings>
  <servers>
    <server>
      <id>${registry}</id>
      <username>attune</username>
      <password>wrong-password-9f3c1</password>
    </server>
  </servers>
</settings>
"""
true

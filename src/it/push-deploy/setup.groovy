// The image goal's output, made here by skopeo from the test registry's two-platform busybox:
// a nested OCI layout in target/pack-binaries/image/layout.
def base = System.getenv('PACK_TEST_BASE_IMAGE') ?: '127.0.0.1:5000/library/busybox:1.36'
def layout = new File(basedir, 'target/pack-binaries/image/layout')
layout.parentFile.mkdirs()
def copy = ['skopeo', 'copy', '--all', '--src-tls-verify=false', "docker://${base}", "oci:${layout}:1.0"].execute()
copy.waitForProcessOutput(System.out, System.err)
assert copy.exitValue() == 0
true

// The refusal names the part file, both platforms and what to do; no index tag was written.
def log = new File(basedir, 'build.log').text
def registry = System.getenv('PACK_TEST_REGISTRY') ?: '127.0.0.1:5000'
assert log.contains('BUILD FAILURE')
assert log =~ /The part parts.arm64.part\.json claims linux\/arm64, but its image \S+@sha256:[0-9a-f]{64} is linux\/amd64 by its config; rebuild that part on \(or for\) linux\/arm64/
def tag = ['skopeo', 'inspect', '--raw', '--tls-verify=false', "docker://${registry}/it/index-parts:1.0"].execute()
tag.waitForProcessOutput(new StringBuilder(), new StringBuilder())
assert tag.exitValue() != 0 : 'the failed fan-in left a tag'
assert !new File(basedir, 'target/pack-binaries/image.json').exists()
true

// The refusal names the image, both platforms and the parameter to fix; no tag was written.
def log = new File(basedir, 'build.log').text
def image = new File(basedir, 'image.txt').text.trim()
def registry = System.getenv('PACK_TEST_REGISTRY') ?: '127.0.0.1:5000'
assert log.contains('BUILD FAILURE')
assert log.contains("${image} is claimed to be linux/arm64 but its config says linux/amd64; fix pack.index.images")
def tag = ['skopeo', 'inspect', '--raw', '--tls-verify=false', "docker://${registry}/it/index-wrong:1.0"].execute()
tag.waitForProcessOutput(new StringBuilder(), new StringBuilder())
assert tag.exitValue() != 0 : 'the failed index goal left a tag'
assert !new File(basedir, 'target/pack-binaries/image.json').exists()
true

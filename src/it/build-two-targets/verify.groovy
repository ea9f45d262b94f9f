// Two targets in one run, then a second run that finds both up to date.
import java.nio.file.Files
import java.security.MessageDigest

def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/pack-binaries')

['x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu'].each { triple ->
  def binary = new File(out, "${triple}/it-sensor")
  assert binary.isFile() && binary.canExecute() : "missing ${binary}"
  def sha = MessageDigest.getInstance('SHA-256').digest(binary.bytes).encodeHex().toString()
  def checksum = new File(out, "${triple}/it-sensor.sha256")
  assert checksum.text == "${sha}  it-sensor\n"
  assert Files.getPosixFilePermissions(checksum.toPath()).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
  assert log.contains("it-sensor for ${triple} is up to date (sources, Cargo.lock, builder image and parameters unchanged); no container started")
  // cargo's lines come prefixed with their target
  assert log.contains("[${triple}]")
}

// The aarch64 binary runs (under qemu on an amd64 machine) and says who it is.
def run = [new File(out, 'aarch64-unknown-linux-gnu/it-sensor').path, '--version'].execute()
run.waitFor()
assert run.exitValue() == 0
assert run.text.trim() == 'it-sensor 0.3.1'

def listed = new groovy.json.JsonSlurper().parse(new File(out, 'binaries.json'))
assert listed*.target.sort() == ['aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu']

// The binary for this machine's CPU is staged.
assert new File(basedir, 'crate/sensors/it-sensor').isFile()

// The second run compiled nothing: cargo's "Compiling" appears once per target, in the first run.
assert log.count('Compiling it-sensor') == 2

// Everything the build wrote belongs to the user running Maven, never to root by accident.
def me = Files.getOwner(basedir.toPath()).name
Files.walk(new File(basedir, 'target').toPath()).withCloseable { paths ->
  paths.each { p -> assert Files.getOwner(p).name == me : "${p} belongs to ${Files.getOwner(p).name}" }
}
true

// No engine answers: one message that says so and what to check, and no build attempted.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('The docker engine is not running or not reachable')
assert log.contains('check DOCKER_HOST (now unix:///nonexistent.sock)')
assert log.contains('-Dpack.toolchain=host')
assert !log.contains('[x86_64-unknown-linux-gnu]')
true

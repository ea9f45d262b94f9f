// `mvn pack-binaries:help` lists the plugin's goals.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
['pack-binaries:help'].each { goal ->
  assert log.contains(goal) : "help does not list ${goal}"
}
true

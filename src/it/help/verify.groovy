// `mvn pack-binaries:help` lists the plugin's goals (under each Maven version the ITs run on).
println "help IT ran on Maven ${mavenVersion}"
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
['pack-binaries:build', 'pack-binaries:verify', 'pack-binaries:audit', 'pack-binaries:image', 'pack-binaries:push',
 'pack-binaries:index', 'pack-binaries:help'].each { goal ->
  assert log.contains(goal) : "help does not list ${goal}"
}
true

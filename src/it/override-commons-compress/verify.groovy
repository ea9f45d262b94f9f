// The plugin's class realm holds the user's commons-compress, not the plugin's own, and the goal
// still runs. Maven -X lists each realm as "Populating class realm plugin>GROUP:ARTIFACT:VERSION"
// followed by one "Included: G:A:jar:V" line per jar on it.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def start = log.indexOf('Populating class realm plugin>io.attune:pack-binaries-maven-plugin')
assert start >= 0 : 'no realm listing for the plugin in build.log (was -X passed?)'
def realm = log.substring(start).readLines().drop(1).takeWhile { it.contains('Included: ') }
println "plugin realm: ${realm.size()} entries"
def compress = realm.findAll { it.contains('org.apache.commons:commons-compress:') }
assert compress.size() == 1 : "commons-compress on the plugin's realm: ${compress}"
assert compress[0].contains('commons-compress:jar:1.27.1') : compress[0]
// The override is the only copy of its classes: the plugin's jar carries no commons-compress.
def jar = new File(localRepositoryPath, "io/attune/pack-binaries-maven-plugin/${pluginVersion}/pack-binaries-maven-plugin-${pluginVersion}.jar")
assert jar.isFile() : jar
new java.util.zip.ZipFile(jar).withCloseable { zip ->
  assert !zip.entries().toList().any { it.name.startsWith('org/apache/commons/compress/') } :
      "${jar.name} carries commons-compress classes, which come first on the realm"
}
true

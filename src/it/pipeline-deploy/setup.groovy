// The project under test is the repository's own core pack and distributable compose file.
def repo = new File(basedir, '../../..').canonicalFile
def copy = { String from, String to ->
  def dest = new File(basedir, to)
  dest.parentFile.mkdirs()
  def proc = ['cp', '-R', new File(repo, from).path, dest.path].execute()
  assert proc.waitFor() == 0 : "cp ${from}: ${proc.err.text}"
}
copy('packs/core', 'core')
new File(basedir, 'core/target').deleteDir()
new File(basedir, 'core/sensors/attune-core-timer-sensor').delete()
copy('docker/distributable/docker-compose.yaml', 'docker/distributable/docker-compose.yaml')
true

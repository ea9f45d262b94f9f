// The build goal stops the deploy before anything is built, with one message naming both ways out,
// and maven-deploy-plugin never runs.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log =~ /Failed to execute goal io\.attune:pack-binaries-maven-plugin:[^:]+:build/
assert log.contains('mvn deploy would build everything and then fail in maven-deploy-plugin')
assert log.contains('add <maven.deploy.skip>true</maven.deploy.skip> to the POM\'s <properties>')
assert log.contains('add a <distributionManagement> repository')
assert !log.contains('--- maven-deploy-plugin') : 'maven-deploy-plugin ran'
assert !log.contains('Cargo.toml') : 'the build went on to look for the Cargo manifest'
assert !log.contains('\tat ') : 'a stack trace reached the user'
assert !new File(basedir, 'target/pack-binaries').exists()
true

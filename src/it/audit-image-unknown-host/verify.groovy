// BUILD FAILURE with one message naming the host and what to check; no retries, no stack trace,
// no report; and well within the two minutes it used to retry for.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('Reading pack-registry.invalid/attune/pack-binaries-init:1.0 failed: the host pack-registry.invalid (of https://pack-registry.invalid) cannot be resolved')
assert log.contains('(getent hosts pack-registry.invalid) or reach its network -> [Help 1]')
assert !log.contains('retrying in')
assert !log.contains('\tat io.attune') : 'a stack trace'
assert !new File(basedir, 'standalone/target/pack-binaries/audit-report.json').exists()
def took = (log =~ /Total time:\s+([\d.]+) s\b/)
assert took.find() : 'Maven reports the total time in seconds (under a minute)'
assert Double.parseDouble(took.group(1)) < 60
true

// Shared by the ITs' setup and verify scripts: `run = evaluate(new File(itLib, 'commands.groovy'))`.
// run(['skopeo', 'inspect', …]) runs a command, fails the IT with its error output unless it exits
// 0, and returns its standard output, trimmed. Only the program and its first argument appear in
// a failure message: other arguments may be secrets (a key's passphrase).
return { List command ->
  def process = command*.toString().execute()
  def out = new StringBuilder(), err = new StringBuilder()
  process.waitForProcessOutput(out, err)
  assert process.exitValue() == 0 : "${command.take(2).join(' ')} … exited ${process.exitValue()}\n${out}\n${err}"
  out.toString().trim()
}

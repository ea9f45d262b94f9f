// A fully static program, as the build goal would leave it; musl-gcc is in the test environment.
def out = new File(basedir, 'standalone/hello')
def gcc = ['musl-gcc', '-static', '-o', out.path, new File(basedir, 'hello.c').path].execute()
gcc.waitForProcessOutput(System.out, System.err)
assert gcc.exitValue() == 0 : 'musl-gcc -static failed'
true

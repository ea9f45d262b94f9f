package io.attune.packbinaries.platform;

/** The C library a Rust target links against, which decides whether static is safe. */
public enum Libc {
  /** Static by design: the recommended choice for sensors. */
  MUSL,
  /** Static only with +crt-static, and may still load NSS modules at run time. */
  GNU
}

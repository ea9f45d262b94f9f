package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.platform.TargetTriple;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every verdict, on small ELF files the tests write. */
class StaticCheckTest {

  private static final TargetTriple X86_64_MUSL =
      TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow();
  private static final TargetTriple X86_64_GNU =
      TargetTriple.find("x86_64-unknown-linux-gnu").orElseThrow();
  private static final TargetTriple AARCH64_MUSL =
      TargetTriple.find("aarch64-unknown-linux-musl").orElseThrow();

  @TempDir Path dir;

  private Verdict check(ElfBuilder binary, TargetTriple target) throws Exception {
    String name = "attune-core-timer-sensor";
    return StaticCheck.check(name, ElfReader.read(binary.writeTo(dir, name)), target);
  }

  @Test
  void passesAStaticExecutable() throws Exception {
    Verdict verdict = check(ElfBuilder.x86_64(), X86_64_MUSL);
    assertThat(verdict.passed()).isTrue();
    assertThat(verdict.reasons()).isEmpty();
    assertThat(verdict.warnings()).isEmpty();
  }

  @Test
  void passesAStaticPie() throws Exception {
    assertThat(check(ElfBuilder.x86_64().pie(), X86_64_MUSL).passed()).isTrue();
  }

  @Test
  void failsTheIncidentsDynamicBinaryNamingItsLoaderAndLibraries() throws Exception {
    Verdict verdict =
        check(
            ElfBuilder.x86_64().pie().interpreter("/lib64/ld-linux-x86-64.so.2").needs("libc.so.6"),
            X86_64_MUSL);

    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.reasons())
        .containsExactly(
            "attune-core-timer-sensor is dynamically linked (interpreter"
                + " /lib64/ld-linux-x86-64.so.2, needs libc.so.6); it would fail in a container"
                + " without glibc. Build it with cargo zigbuild --target"
                + " x86_64-unknown-linux-musl.");
  }

  @Test
  void failsANeededLibraryEvenWithoutAnInterpreter() throws Exception {
    Verdict verdict = check(ElfBuilder.x86_64().needs("libssl.so.3"), X86_64_MUSL);
    assertThat(verdict.reasons())
        .containsExactly(
            "attune-core-timer-sensor is dynamically linked (needs libssl.so.3); it would fail in"
                + " a container without those files. Build it with cargo zigbuild --target"
                + " x86_64-unknown-linux-musl.");
  }

  @Test
  void failsAnInterpreterEvenWithoutNeededLibraries() throws Exception {
    Verdict verdict =
        check(ElfBuilder.x86_64().interpreter("/lib/ld-musl-x86_64.so.1"), X86_64_MUSL);
    assertThat(verdict.reasons())
        .singleElement()
        .asString()
        .contains("(interpreter /lib/ld-musl-x86_64.so.1)")
        .contains("without musl's loader");
  }

  @Test
  void failsTheWrongArchitecture() throws Exception {
    Verdict verdict = check(ElfBuilder.x86_64().machine(183), X86_64_MUSL);
    assertThat(verdict.reasons())
        .containsExactly(
            "attune-core-timer-sensor is an aarch64 binary, but target x86_64-unknown-linux-musl"
                + " needs x86-64. Build it with --target x86_64-unknown-linux-musl, or verify it"
                + " against an aarch64 target (-Dpack.target=aarch64-unknown-linux-musl).");
  }

  @Test
  void failsAnArchitectureNoTargetUses() throws Exception {
    Verdict verdict = check(ElfBuilder.x86_64().machine(8).elfClass(32), AARCH64_MUSL);
    assertThat(verdict.reasons())
        .containsExactly(
            "attune-core-timer-sensor is a MIPS binary, but target aarch64-unknown-linux-musl"
                + " needs aarch64. Build it with --target aarch64-unknown-linux-musl.");
  }

  @Test
  void failsTheWrongClass() throws Exception {
    Verdict verdict = check(ElfBuilder.x86_64().elfClass(32), X86_64_MUSL);
    assertThat(verdict.reasons())
        .containsExactly(
            "attune-core-timer-sensor is a 32-bit ELF file, but target x86_64-unknown-linux-musl"
                + " needs 64-bit. Build it with --target x86_64-unknown-linux-musl.");
  }

  @Test
  void failsTheWrongByteOrder() throws Exception {
    Verdict verdict = check(ElfBuilder.x86_64().order(ByteOrder.BIG_ENDIAN), X86_64_MUSL);
    assertThat(verdict.reasons())
        .containsExactly(
            "attune-core-timer-sensor is big-endian, but target x86_64-unknown-linux-musl needs"
                + " little-endian. Build it with --target x86_64-unknown-linux-musl.");
  }

  @Test
  void passesBigEndianAnd32BitTargetsFromTheTable() throws Exception {
    TargetTriple s390x = TargetTriple.find("s390x-unknown-linux-gnu").orElseThrow();
    TargetTriple armv7 = TargetTriple.find("armv7-unknown-linux-musleabihf").orElseThrow();
    assertThat(check(ElfBuilder.executable(22, 64, ByteOrder.BIG_ENDIAN), s390x).passed()).isTrue();
    assertThat(check(ElfBuilder.executable(40, 32, ByteOrder.LITTLE_ENDIAN), armv7).reasons())
        .isEmpty();
    assertThat(check(ElfBuilder.executable(40, 32, ByteOrder.BIG_ENDIAN), armv7).reasons())
        .singleElement()
        .asString()
        .contains("is big-endian, but target armv7-unknown-linux-musleabihf needs little-endian");
  }

  @Test
  void failsASharedLibrary() throws Exception {
    Verdict verdict =
        check(
            ElfBuilder.x86_64()
                .sharedLibrary("libc.so.6")
                .interpreter("/lib64/ld-linux-x86-64.so.2")
                .needs("ld-linux-x86-64.so.2"),
            X86_64_GNU);
    assertThat(verdict.reasons())
        .containsExactly(
            "attune-core-timer-sensor is a shared library (ET_DYN without DF_1_PIE, soname"
                + " libc.so.6), not an executable; a sensor must be a program: build the crate's"
                + " [[bin]] target, not a cdylib.");
  }

  @Test
  void failsARelocatableObject() throws Exception {
    Verdict verdict = check(ElfBuilder.x86_64().type(ElfBuilder.ET_REL), X86_64_MUSL);
    assertThat(verdict.reasons())
        .containsExactly(
            "attune-core-timer-sensor is a relocatable object file (ET_REL, what gcc -c or rustc"
                + " --emit=obj writes), not an executable; verify the linked binary instead.");
  }

  @Test
  void failsACoreFile() throws Exception {
    assertThat(check(ElfBuilder.x86_64().type(ElfBuilder.ET_CORE), X86_64_MUSL).reasons())
        .containsExactly("attune-core-timer-sensor is a core dump (ET_CORE), not an executable.");
  }

  @Test
  void listsEveryReasonAtOnce() throws Exception {
    Verdict verdict = check(ElfBuilder.x86_64().type(ElfBuilder.ET_REL).machine(183), X86_64_MUSL);
    assertThat(verdict.reasons()).hasSize(2);
  }

  @Test
  void warnsButPassesAStaticGlibcBinary() throws Exception {
    Verdict verdict = check(ElfBuilder.x86_64().pie().glibcAbiTag(), X86_64_GNU);
    assertThat(verdict.passed()).isTrue();
    assertThat(verdict.warnings())
        .containsExactly(
            "attune-core-timer-sensor is statically linked with glibc, which may still load NSS"
                + " modules (libnss_*.so) at run time for user, group or host name lookups, and"
                + " fail where they are missing. musl is recommended: build it with cargo zigbuild"
                + " --target x86_64-unknown-linux-musl.");
  }

  @Test
  void warnsWhenAMuslTargetGetsAGlibcBinary() throws Exception {
    assertThat(check(ElfBuilder.x86_64().glibcAbiTag(), X86_64_MUSL).warnings()).hasSize(1);
  }

  @Test
  void advisesCrtStaticWhereNoMuslTargetExists() throws Exception {
    TargetTriple s390x = TargetTriple.find("s390x-unknown-linux-gnu").orElseThrow();
    Verdict verdict =
        check(
            ElfBuilder.executable(22, 64, ByteOrder.BIG_ENDIAN)
                .interpreter("/lib/ld64.so.1")
                .needs("libc.so.6"),
            s390x);
    assertThat(verdict.reasons())
        .singleElement()
        .asString()
        .endsWith(
            "without glibc. Link it statically: RUSTFLAGS='-C target-feature=+crt-static' cargo"
                + " build --release --target s390x-unknown-linux-gnu.");
  }

  @Test
  void warnsAboutNameLookupsWhereNoMuslTargetExists() throws Exception {
    TargetTriple s390x = TargetTriple.find("s390x-unknown-linux-gnu").orElseThrow();
    assertThat(check(ElfBuilder.executable(22, 64, ByteOrder.BIG_ENDIAN), s390x).warnings())
        .singleElement()
        .asString()
        .endsWith(
            "and fail where they are missing. Avoid user, group and host name lookups in it, or"
                + " test it in the target image.");
  }

  @Test
  void anUnknownLoaderWithoutLibcIsNamedAsThoseFiles() throws Exception {
    assertThat(check(ElfBuilder.x86_64().interpreter("/opt/loader.so"), X86_64_MUSL).reasons())
        .singleElement()
        .asString()
        .contains("it would fail in a container without those files.");
  }

  @Test
  void suggestsTheTripleOfTheBinarysMachineWithTheTargetsCLibrary() throws Exception {
    ElfBuilder aarch64 = ElfBuilder.executable(183, 64, ByteOrder.LITTLE_ENDIAN);

    assertThat(check(aarch64, X86_64_GNU).reasons())
        .singleElement()
        .asString()
        .endsWith(
            "or verify it against an aarch64 target (-Dpack.target=aarch64-unknown-linux-gnu).");
    assertThat(check(aarch64, X86_64_MUSL).reasons())
        .singleElement()
        .asString()
        .endsWith(
            "or verify it against an aarch64 target (-Dpack.target=aarch64-unknown-linux-musl).");
  }

  /** armv7 has only a musl triple and s390x only a gnu one: either is named, whatever the libc. */
  @Test
  void suggestsTheMachinesOnlyTripleWhenItHasNoneWithTheTargetsCLibrary() throws Exception {
    assertThat(check(ElfBuilder.executable(40, 32, ByteOrder.LITTLE_ENDIAN), X86_64_GNU).reasons())
        .singleElement()
        .asString()
        .endsWith(
            "or verify it against an arm target"
                + " (-Dpack.target=armv7-unknown-linux-musleabihf).");
    assertThat(check(ElfBuilder.executable(22, 64, ByteOrder.BIG_ENDIAN), X86_64_MUSL).reasons())
        .singleElement()
        .asString()
        .endsWith("or verify it against an s390x target (-Dpack.target=s390x-unknown-linux-gnu).");
  }

  @Test
  void suggestsNoTripleForAMachineThePluginDoesNotKnow() throws Exception {
    assertThat(check(ElfBuilder.executable(99, 64, ByteOrder.LITTLE_ENDIAN), X86_64_GNU).reasons())
        .singleElement()
        .asString()
        .isEqualTo(
            "attune-core-timer-sensor is an e_machine 99 binary, but target"
                + " x86_64-unknown-linux-gnu needs x86-64. Build it with --target"
                + " x86_64-unknown-linux-gnu.");
  }

  @Test
  void failsAnExecutableWithoutLoadableSegments() throws Exception {
    ElfBuilder binary = ElfBuilder.x86_64().withoutLoadableSegment();
    String unloadable =
        "attune-core-timer-sensor has no loadable segment (PT_LOAD), so Linux cannot run it; it"
            + " is damaged or not a linked program. Rebuild it.";

    assertThat(check(binary, X86_64_MUSL).reasons()).containsExactly(unloadable);
    assertThat(check(ElfBuilder.x86_64().pie().withoutLoadableSegment(), X86_64_MUSL).reasons())
        .containsExactly(unloadable);
  }

  @Test
  void namesTheMissingRuntimeByLoaderOrLibrary() throws Exception {
    assertThat(
            check(ElfBuilder.x86_64().interpreter("/lib/ld-musl-x86_64.so.1"), X86_64_MUSL)
                .reasons())
        .singleElement()
        .asString()
        .contains("without musl's loader.");
    assertThat(check(ElfBuilder.x86_64().interpreter("/lib64/ld64.so.2"), X86_64_MUSL).reasons())
        .singleElement()
        .asString()
        .contains("without glibc.");
    assertThat(
            check(ElfBuilder.x86_64().interpreter("/lib64/ld-linux-x86-64.so.2"), X86_64_MUSL)
                .reasons())
        .singleElement()
        .asString()
        .contains("without glibc.");
    assertThat(check(ElfBuilder.x86_64().needs("libc.so.6"), X86_64_MUSL).reasons())
        .singleElement()
        .asString()
        .contains("without glibc.");
  }

  @Test
  void aSharedLibraryWithoutSonameAndAnS390xBinaryReadRight() throws Exception {
    ElfBuilder library = ElfBuilder.x86_64().type(ElfBuilder.ET_DYN);
    assertThat(check(library, X86_64_MUSL).reasons())
        .singleElement()
        .asString()
        .startsWith("attune-core-timer-sensor is a shared library (ET_DYN without DF_1_PIE), not");
    assertThat(check(ElfBuilder.executable(22, 64, ByteOrder.BIG_ENDIAN), X86_64_MUSL).reasons())
        .singleElement()
        .asString()
        .startsWith("attune-core-timer-sensor is an s390x binary");
  }
}

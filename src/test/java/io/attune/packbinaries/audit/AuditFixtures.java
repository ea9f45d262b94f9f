package io.attune.packbinaries.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.image.ImageBinary;
import io.attune.packbinaries.image.InitImage;
import io.attune.packbinaries.image.InitImageSettings;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The binaries and images the seed's users met: static programs for x86-64 (musl-gcc) and aarch64
 * (the builder image's cross gcc), a dynamic one (the host's gcc), and images made from them with
 * `docker build --platform` and `docker push`, as a user would make them.
 */
public final class AuditFixtures {

  public static final String SENSOR = "attune-core-timer-sensor";
  static final String SENSOR_PATH = "/pack-binaries/core/sensors/" + SENSOR;

  private static final Path CACHE = Path.of("target", "audit-binaries").toAbsolutePath();
  private static final String HELLO =
      "#include <stdio.h>\nint main(void) { puts(\"timer sensor\"); return 0; }\n";

  private AuditFixtures() {}

  /** A static x86-64 program (musl-gcc -static). */
  public static synchronized Path staticAmd64() throws Exception {
    TestEnvironment.requireTool("musl-gcc");
    Path binary = CACHE.resolve("amd64-static");
    if (!Files.exists(binary)) {
      Fixtures.run("musl-gcc", "-static", "-Os", "-o", binary.toString(), source().toString());
    }
    return binary;
  }

  /** A dynamically linked x86-64 program (gcc), as a plain build on a glibc host makes. */
  static synchronized Path dynamicAmd64() throws Exception {
    TestEnvironment.requireTool("gcc");
    Path binary = CACHE.resolve("amd64-dynamic");
    if (!Files.exists(binary)) {
      Fixtures.run("gcc", "-Os", "-o", binary.toString(), source().toString());
    }
    return binary;
  }

  /**
   * The image goal's two-platform init image, from the test environment's base, with the static
   * amd64 and arm64 programs as the sensor; returns its OCI layout under {@code directory}.
   */
  public static Path staticInitImage(String localName, String version, Path directory)
      throws Exception {
    Path amd64 = staticAmd64();
    Path arm64 = staticArm64();
    return new InitImage(
            new InitImageSettings(
                TestEnvironment.baseImage(),
                "core",
                version,
                null,
                null,
                Instant.parse("2026-11-28T00:00:00Z"),
                ManifestFormat.OCI,
                localName,
                false,
                false,
                null),
            new RecordingLog())
        .build(
            List.of(
                new ImageBinary(
                    TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow(),
                    SENSOR,
                    amd64,
                    Sha256.of(amd64)),
                new ImageBinary(
                    TargetTriple.find("aarch64-unknown-linux-gnu").orElseThrow(),
                    SENSOR,
                    arm64,
                    Sha256.of(arm64))),
            directory)
        .layout();
  }

  /** A static aarch64 program, cross-compiled in the builder image. */
  public static synchronized Path staticArm64() throws Exception {
    Path binary = CACHE.resolve("arm64-static");
    if (!Files.exists(binary)) {
      TestEnvironment.requireDocker();
      source();
      Fixtures.run(
          "docker",
          "run",
          "--rm",
          "--network",
          "none",
          "-u",
          uidGid(),
          "-v",
          CACHE + ":/w",
          "-w",
          "/w",
          TestEnvironment.builderImage(),
          "aarch64-linux-gnu-gcc",
          "-static",
          "-Os",
          "-o",
          "arm64-static",
          "hello.c");
    }
    return binary;
  }

  /** The base image's manifest for {@code platform}, as {@code repository@sha256:…}. */
  static String basePlatformImage(String platform) throws Exception {
    TestEnvironment.requireTool("skopeo");
    String base = TestEnvironment.baseImage();
    JsonNode index =
        new ObjectMapper()
            .readTree(
                Fixtures.run(
                    "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + base));
    String[] parts = platform.split("/");
    for (JsonNode entry : index.path("manifests")) {
      if (entry.path("platform").path("os").asText().equals(parts[0])
          && entry.path("platform").path("architecture").asText().equals(parts[1])) {
        return base.replaceFirst(":[^:/]+$", "") + "@" + entry.path("digest").asText();
      }
    }
    throw new IllegalStateException(base + " has no " + platform + " image");
  }

  private static Path source() throws Exception {
    Files.createDirectories(CACHE);
    Path source = CACHE.resolve("hello.c");
    if (!Files.exists(source)) {
      Files.writeString(source, HELLO);
    }
    return source;
  }

  private static String uidGid() throws Exception {
    return Fixtures.run("id", "-u").trim() + ":" + Fixtures.run("id", "-g").trim();
  }

  /**
   * Builds an image for {@code platform} from the test environment's busybox with `docker build
   * --platform`, each file copied to its path, then {@code extraLines} of Dockerfile; pushes it
   * with `docker push` to a fresh repository of the local registry and returns its reference.
   */
  static String dockerImage(
      Path context, String platform, Map<String, Path> files, String... extraLines)
      throws Exception {
    TestEnvironment.requireDocker();
    TestEnvironment.requireRegistry();
    Files.createDirectories(context);
    List<String> dockerfile = new ArrayList<>();
    // By the platform's own manifest digest: the classic builder would reuse whichever platform of
    // the tag the engine pulled last.
    dockerfile.add("FROM " + basePlatformImage(platform));
    int n = 0;
    for (Map.Entry<String, Path> file : files.entrySet()) {
      String name = "file" + n++;
      Files.copy(file.getValue(), context.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      dockerfile.add("COPY " + name + " " + file.getKey());
    }
    dockerfile.addAll(List.of(extraLines));
    Files.write(context.resolve("Dockerfile"), dockerfile);
    String reference =
        TestEnvironment.registry() + "/" + Fixtures.freshRepository("audit") + ":1.0";
    Fixtures.run(
        "docker", "build", "-q", "--platform", platform, "-t", reference, context.toString());
    try {
      Fixtures.run("docker", "push", "-q", reference);
    } finally {
      Fixtures.run("docker", "rmi", "-f", reference);
    }
    return reference;
  }
}

package io.attune.packbinaries.artifacts;

import io.attune.packbinaries.platform.TargetTriple;
import java.nio.file.Path;

/**
 * Where each stage leaves its results under the output directory (by default {@code
 * target/pack-binaries}); the next stage reads them from there, so each goal can also run on its
 * own.
 *
 * <pre>
 *   &lt;triple&gt;/&lt;binary&gt;          a built binary        (build)
 *   &lt;triple&gt;/&lt;binary&gt;.sha256   its digest, sha256sum form
 *   packs/&lt;pack&gt;/&lt;triple&gt;/&lt;binary&gt;[.sha256]   the same, for a build of several packs
 *   binaries.json               what the last build produced
 *   build-record.json           builder, cargo commands, Cargo.lock's crates
 *   verify-report.json          the ELF verdict on each  (verify)
 *   image/                      images, index, archives  (image)
 *   image.json                  what was pushed          (push)
 *   part.json                   one platform's part of a split release (push -Dpack.push.part)
 *   push-state.json             what the last push left in the registry, for a rerun (push)
 *   audit-report.json           the ELF gate on a published image (push, audit)
 *   supply-chain/               SBOMs, provenance, public key (push)
 *   .plain-registries           registries known to speak plain HTTP (every goal)
 *   .lock                       held while build or image writes here (two builds take turns)
 * </pre>
 */
public record ArtifactLayout(Path root) {

  public Path binary(TargetTriple target, String name) {
    return root.resolve(target.name()).resolve(name);
  }

  public Path checksum(TargetTriple target, String name) {
    return root.resolve(target.name()).resolve(name + ".sha256");
  }

  /** A binary of {@code pack}; without one (null), {@link #binary(TargetTriple, String)}. */
  public Path binary(String pack, TargetTriple target, String name) {
    return pack == null
        ? binary(target, name)
        : packRoot(pack).resolve(target.name()).resolve(name);
  }

  public Path checksum(String pack, TargetTriple target, String name) {
    return pack == null
        ? checksum(target, name)
        : packRoot(pack).resolve(target.name()).resolve(name + ".sha256");
  }

  private Path packRoot(String pack) {
    return root.resolve("packs").resolve(pack);
  }

  public Path builtBinaries() {
    return root.resolve("binaries.json");
  }

  public Path buildRecord() {
    return root.resolve("build-record.json");
  }

  public Path supplyChainDirectory() {
    return root.resolve("supply-chain");
  }

  public Path verifyReport() {
    return root.resolve("verify-report.json");
  }

  public Path imageDirectory() {
    return root.resolve("image");
  }

  public Path pushReport() {
    return root.resolve("image.json");
  }

  /** What a split release's part pushed, for the fan-in on another machine (index goal). */
  public Path part() {
    return root.resolve("part.json");
  }

  /** Beside image.json: what a rerun with nothing new to publish confirms instead of pushing. */
  public Path pushState() {
    return root.resolve("push-state.json");
  }

  /** The SHA-256 of the goals' files by their stamps, so that the next run need not read them. */
  public Path fileDigests() {
    return root.resolve(".file-digests");
  }

  /**
   * The lock the build and image goals hold while they write under the root: two {@code mvn
   * package} of one project at once take turns instead of sharing the image goal's staging
   * directory.
   */
  public Path lock() {
    return root.resolve(".lock");
  }

  /** Beside image.json, where the push goal's own audit also writes it. */
  public Path auditReport() {
    return root.resolve("audit-report.json");
  }
}

package io.attune.packbinaries.maven;

import java.io.File;
import java.util.List;

/**
 * One {@code <pack>} of the build goal's {@code <packs>}: Maven fills its fields from the POM.
 *
 * <pre>
 * &lt;pack&gt;
 *   &lt;name&gt;extra&lt;/name&gt;                                       /pack-binaries/extra/sensors/
 *   &lt;cargoManifest&gt;${project.basedir}/Cargo.toml&lt;/cargoManifest&gt;   its crate or workspace
 *   &lt;cargoPackage&gt;extra-sensor&lt;/cargoPackage&gt;                 cargo -p: only its binaries
 *   &lt;binaries&gt;&lt;binary&gt;…&lt;/binary&gt;&lt;/binaries&gt;                default: every bin target
 *   &lt;stageDirectory&gt;…&lt;/stageDirectory&gt;                   this machine's binaries, copied
 * &lt;/pack&gt;
 * </pre>
 */
public class Pack {

  /** The pack's name: its directory under {@code /pack-binaries/} and in the packs volume. */
  String name;

  /** The Cargo.toml of the pack's crate or workspace. */
  File cargoManifest;

  /** Cargo's {@code -p}: only this package's binaries are built and shipped. */
  String cargoPackage;

  /** The binaries to take; default: every bin target (of {@code cargoPackage}, when set). */
  List<String> binaries;

  /** Where the pack's binaries for this machine's CPU are copied after the build, if set. */
  File stageDirectory;
}

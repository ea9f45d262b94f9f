package io.attune.packbinaries.publish;

import io.attune.packbinaries.PackFailure;
import java.util.List;

/**
 * Fails a {@code mvn deploy} that would build everything and then have nowhere to push. The build
 * goal calls it first, so the failure comes before any compilation.
 */
public final class DeployPreflight {

  static final String MISSING_IMAGE =
      "pack.image is not set: mvn deploy would build everything and then have nowhere to push. Set <image>"
          + " in the plugin's configuration or -Dpack.image=REGISTRY/attune/pack-binaries-init";

  private DeployPreflight() {}

  /**
   * @param requestedGoals the goals and phases on the command line
   * @param projectBindsPush whether this project binds the push goal
   */
  public static void check(List<String> requestedGoals, boolean projectBindsPush, String image)
      throws PackFailure {
    boolean deploying =
        requestedGoals.stream().anyMatch(g -> g.equals("deploy") || g.endsWith(":push"));
    if (deploying && projectBindsPush && (image == null || image.isBlank())) {
      throw new PackFailure(MISSING_IMAGE);
    }
  }
}

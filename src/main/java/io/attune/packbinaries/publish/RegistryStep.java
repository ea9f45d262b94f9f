package io.attune.packbinaries.publish;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.registry.RegistryException;
import io.attune.packbinaries.registry.ResponseTooLargeException;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.registry.UnknownHostFailure;
import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;

/**
 * One registry step under {@link Retry}, with the failures the user can fix (refused credentials,
 * an untrusted certificate) turned into a {@link PackFailure} that says what to do. The push and
 * the index goal share it, so a 401 reads the same in both.
 */
final class RegistryStep {

  private RegistryStep() {}

  /**
   * @param refusalAdvice what to say on a 401/403: which credentials were tried and how to add them
   *     (never the password)
   */
  static <T> T run(
      Retry retry, String what, String registry, String refusalAdvice, Retry.Step<T> step)
      throws PackFailure, IOException, InterruptedException {
    try {
      return retry.run(what, step);
    } catch (ResponseTooLargeException | UnknownHostFailure e) {
      throw new PackFailure(what + " failed: " + e.getMessage(), e);
    } catch (RegistryException e) {
      if (e.isUnauthorized()) {
        throw new PackFailure(what + " was refused (HTTP " + e.status() + "). " + refusalAdvice, e);
      }
      throw new IOException(what + " failed: " + e.getMessage(), e);
    } catch (SSLHandshakeException e) {
      throw new PackFailure(
          what
              + " failed: the TLS certificate of "
              + registry
              + " is not trusted ("
              + e.getMessage()
              + "). Add its CA to the JVM trust store (MAVEN_OPTS=\"-Djavax.net.ssl.trustStore=FILE"
              + " -Djavax.net.ssl.trustStorePassword=…\"), or, for a test registry only, set"
              + " -D"
              + PropertyNames.ALLOW_INSECURE_REGISTRIES
              + "=true",
          e);
    }
  }
}

package io.attune.packbinaries.registry;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;

/**
 * One registry step under {@link Retry}, with the failures the user can fix (refused credentials,
 * an untrusted certificate, a host that does not resolve, a response too large for its kind, and,
 * where the caller says so, a missing image) turned into a {@link PackFailure} that says what to
 * do. The push, the index goal and the audit share it, so each failure reads the same in all three.
 */
public final class RegistryStep {

  private RegistryStep() {}

  /**
   * @param refusalAdvice what to say on a 401/403: which credentials were tried and how to add them
   *     (never the password)
   */
  public static <T> T run(
      Retry retry, String what, String registry, String refusalAdvice, Retry.Step<T> step)
      throws PackFailure, IOException, InterruptedException {
    return run(retry, what, registry, refusalAdvice, null, step);
  }

  /**
   * @param missingAdvice what to say on a 404, when what the step reads is the user's to name; null
   *     when a 404 means something broke (an {@link IOException} then, its cause the registry's)
   */
  public static <T> T run(
      Retry retry,
      String what,
      String registry,
      String refusalAdvice,
      String missingAdvice,
      Retry.Step<T> step)
      throws PackFailure, IOException, InterruptedException {
    try {
      return retry.run(what, step);
    } catch (ResponseTooLargeException | UnknownHostFailure e) {
      throw new PackFailure(what + " failed: " + e.getMessage(), e);
    } catch (RegistryException e) {
      if (e.isUnauthorized()) {
        throw new PackFailure(what + " was refused (HTTP " + e.status() + "). " + refusalAdvice, e);
      }
      if (e.status() == 404 && missingAdvice != null) {
        throw new PackFailure(what + " failed: " + e.getMessage() + ". " + missingAdvice, e);
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

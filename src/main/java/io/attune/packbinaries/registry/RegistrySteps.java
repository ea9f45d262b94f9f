package io.attune.packbinaries.registry;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Runs registry steps for one registry: each under {@link Retry}, with the failures the user can
 * fix (refused credentials, an untrusted certificate, a host that does not resolve, a response too
 * large for its kind, a document clients could read two ways, credentials that would go over plain
 * HTTP, and, where the caller says so, a missing image) turned into a {@link PackFailure} that says
 * what to do. The push, the index goal, the audit and the supply chain share it, so each failure
 * reads the same in all of them.
 */
public final class RegistrySteps {

  private final Retry retry;
  private final String registry;
  private final String refusalAdvice;
  private final String missingAdvice;

  /**
   * @param refusalAdvice what to say on a 401/403: which credentials were tried and how to add them
   *     (never the password)
   */
  public RegistrySteps(Retry retry, String registry, String refusalAdvice) {
    this(retry, registry, refusalAdvice, null);
  }

  private RegistrySteps(Retry retry, String registry, String refusalAdvice, String missingAdvice) {
    this.retry = retry;
    this.registry = registry;
    this.refusalAdvice = refusalAdvice;
    this.missingAdvice = missingAdvice;
  }

  /**
   * These steps, saying {@code advice} on a 404: for steps that read what the user named. Without
   * it a 404 means something broke (an {@link IOException} then, its cause the registry's).
   */
  public RegistrySteps whenMissing(String advice) {
    return new RegistrySteps(retry, registry, refusalAdvice, advice);
  }

  /** Runs {@code step}, retried; {@code what} names it in messages. */
  public <T> T run(String what, Retry.Step<T> step)
      throws PackFailure, IOException, InterruptedException {
    try {
      return retry.run(what, step);
    } catch (ResponseTooLargeException
        | UnknownHostFailure
        | MalformedDocumentException
        | CredentialsOverHttpRefused e) {
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

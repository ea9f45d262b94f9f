package io.attune.packbinaries.registry;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A TLS context made on its first use, not when the HTTP client is. A client that only ever speaks
 * plain HTTP (a loopback registry) then never loads the trust store and the TLS stack: about 0.2 s
 * of a fresh JVM, paid by every goal of a release that has nothing to do. Every TLS connection gets
 * exactly the context {@code make} returns, so what is trusted does not change.
 *
 * <p>The client must be given {@link #parameters()} too: without them it asks the context for its
 * defaults as it is built, which makes the real context at once.
 */
final class DeferredTlsContext extends SSLContext {

  private DeferredTlsContext(Supplier<SSLContext> make) {
    super(new Deferred(make), null, "TLS");
  }

  /** A context that makes the real one with {@code make} the first time a connection needs it. */
  static SSLContext of(Supplier<SSLContext> make) {
    return new DeferredTlsContext(make);
  }

  /** The JVM's default context: its trust store, or javax.net.ssl.trustStore's. */
  static SSLContext jvmDefault() {
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
    }
  }

  /**
   * Parameters that leave the protocols and cipher suites unset: each connection's engine keeps the
   * real context's defaults, as with the client's own. Host name checking is the client's.
   */
  static SSLParameters parameters() {
    return new SSLParameters();
  }

  /** Hands every call to the real context, made once, by the first caller. */
  private static final class Deferred extends SSLContextSpi {
    private final Supplier<SSLContext> make;
    private volatile SSLContext real;

    Deferred(Supplier<SSLContext> make) {
      this.make = make;
    }

    private SSLContext real() {
      SSLContext made = real;
      if (made == null) {
        synchronized (this) {
          made = real;
          if (made == null) {
            made = make.get();
            real = made;
          }
        }
      }
      return made;
    }

    @Override
    protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
      throw new UnsupportedOperationException("a deferred TLS context is made by its supplier");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return real().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return real().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return real().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return real().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return real().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return real().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return real().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return real().getSupportedSSLParameters();
    }
  }
}

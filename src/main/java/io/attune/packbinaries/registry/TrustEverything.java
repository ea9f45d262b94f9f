package io.attune.packbinaries.registry;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Only with pack.allowInsecureRegistries: a TLS context that accepts any certificate. */
final class TrustEverything {

  private TrustEverything() {}

  static SSLContext context() {
    TrustManager trustAll =
        new X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String auth) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String auth) {}

          @Override
          public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

          @Override
          public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustAll}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available", e);
    }
  }
}

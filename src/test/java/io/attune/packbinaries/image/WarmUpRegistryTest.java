package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/** The warm-up's own registry: what jib asks of a base, and a plain registry's answer to TLS. */
class WarmUpRegistryTest {

  @Test
  void answersATlsHelloAtOnceAsAPlainRegistryDoes() throws Exception {
    try (WarmUpRegistry registry = new WarmUpRegistry();
        SSLSocket socket =
            (SSLSocket) SSLSocketFactory.getDefault().createSocket("127.0.0.1", port(registry))) {
      // A server that waited for more bytes would leave the client waiting until this timeout.
      socket.setSoTimeout(10_000);
      assertThatThrownBy(socket::startHandshake)
          .isInstanceOf(SSLException.class)
          .hasMessageNotContaining("timed out");
    }
  }

  @Test
  void servesTheManifestAndItsConfigOverPlainHttp() throws Exception {
    try (WarmUpRegistry registry = new WarmUpRegistry()) {
      String base = "http://127.0.0.1:" + port(registry) + "/v2/" + WarmUpRegistry.REPOSITORY;
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> manifest = get(http, base + "/manifests/0");
      assertThat(manifest.statusCode()).isEqualTo(200);
      String config =
          manifest
              .body()
              .replaceAll(".*\"config\":\\{[^}]*\"digest\":\"(sha256:[0-9a-f]+)\".*", "$1");
      assertThat(get(http, base + "/blobs/" + config).body())
          .contains("\"architecture\":\"amd64\"");
      assertThat(get(http, base + "/blobs/sha256:" + "0".repeat(64)).statusCode()).isEqualTo(404);
    }
  }

  private static int port(WarmUpRegistry registry) {
    String image = registry.image();
    return Integer.parseInt(image.substring(image.indexOf(':') + 1, image.indexOf('/')));
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}

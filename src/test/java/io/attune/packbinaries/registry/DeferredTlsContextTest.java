package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.TcpRelay;
import io.attune.packbinaries.testing.TestEnvironment;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry client's TLS context, made on the first TLS connection: plain HTTP never makes it,
 * and over TLS the server is checked as with an eager context (its certificate, and that it names
 * the host asked for). Against the test environment's plain and TLS registries.
 */
class DeferredTlsContextTest {

  private SSLContext testCa;
  private final AtomicInteger made = new AtomicInteger();

  @BeforeEach
  void registries() throws Exception {
    TestEnvironment.requireRegistry();
    testCa = Fixtures.trustingTestCa();
  }

  private HttpClient client(Supplier<SSLContext> context) {
    return RegistryTransport.newClient(
        () -> {
          made.incrementAndGet();
          return context.get();
        });
  }

  private static int status(HttpClient client, String url) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void plainHttpNeverMakesTheContext() throws Exception {
    HttpClient client = client(() -> testCa);

    assertThat(status(client, "http://" + TestEnvironment.registry() + "/v2/")).isEqualTo(200);
    assertThat(made).hasValue(0);
  }

  @Test
  void theFirstTlsConnectionMakesItOnceAndTheServerIsVerified() throws Exception {
    HttpClient client = client(() -> testCa);
    String url = "https://" + TestEnvironment.secureRegistry() + "/v2/";

    assertThat(status(client, url)).isEqualTo(401); // TLS done; the registry wants a login
    assertThat(status(client, url)).isEqualTo(401);
    assertThat(made).hasValue(1);
  }

  @Test
  void aServerOutsideTheTrustStoreIsRefused() {
    HttpClient client = client(DeferredTlsContext::jvmDefault);

    assertThatThrownBy(() -> status(client, "https://" + TestEnvironment.secureRegistry() + "/v2/"))
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(made).hasValue(1);
  }

  @Test
  void aCertificateForAnotherHostIsRefused() throws Exception {
    // The registry's certificate names 127.0.0.1 and localhost; 127.0.0.2 reaches it too.
    try (TcpRelay otherName =
        new TcpRelay(InetAddress.getByName("127.0.0.2"), TestEnvironment.secureRegistry())) {
      HttpClient client = client(() -> testCa);

      assertThatThrownBy(() -> status(client, "https://" + otherName.address() + "/v2/"))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("127.0.0.2");
    }
  }
}

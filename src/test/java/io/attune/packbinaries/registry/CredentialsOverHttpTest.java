package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.testing.FaultProxy;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingFront;
import io.attune.packbinaries.testing.TcpRelay;
import io.attune.packbinaries.testing.TestEnvironment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code pack.allowInsecureRegistries} lets the client talk plain HTTP to a registry elsewhere, but
 * sends it no credentials: a password (Basic), a token request carrying one, or the token bought
 * with one go over plain HTTP only to this machine, or with {@code pack.sendCredentialsOverHttp}.
 * The real htpasswd and token registries are reached over plain HTTP on this machine's non-loopback
 * address (a relay there), so they look like registries elsewhere on the network.
 */
class CredentialsOverHttpTest {

  private static final String TOKEN_USER = "pack-ci";

  /** This machine's first non-loopback IPv4 address; the test is skipped without one. */
  private static InetAddress elsewhere() throws SocketException {
    Optional<InetAddress> address =
        Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
            .filter(
                i -> {
                  try {
                    return i.isUp() && !i.isLoopback();
                  } catch (SocketException e) {
                    return false;
                  }
                })
            .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
            .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
            .findFirst();
    TestEnvironment.require(address.isPresent(), "A non-loopback IPv4 address on this machine");
    return address.orElseThrow();
  }

  private static Credentials htpasswdCredentials() throws Exception {
    String passwordFile = TestEnvironment.value("PACK_TEST_REGISTRY_PASSWORD_FILE", "");
    TestEnvironment.require(
        !passwordFile.isEmpty() && Files.isRegularFile(Path.of(passwordFile)),
        "The secure registry's password file");
    return new Credentials(
        TestEnvironment.value("PACK_TEST_REGISTRY_USER", "attune"),
        Files.readString(Path.of(passwordFile)).strip(),
        "settings.xml <server> 'test'");
  }

  @Test
  void basicCredentialsNeverGoOverPlainHttpElsewhereWithoutTheSwitch() throws Exception {
    Credentials credentials = htpasswdCredentials();
    String repository = Fixtures.freshRepository("plain-basic");
    // The htpasswd registry, as a plain-HTTP registry on another host would answer.
    try (RecordingFront front =
            new RecordingFront(
                "https://" + TestEnvironment.secureRegistry(), Fixtures.trustingTestCa(), null);
        // The JDK's HttpServer never answers the client's TLS probe; the proxy hangs up on it.
        FaultProxy plain = new FaultProxy(front.address(), r -> FaultProxy.Action.FORWARD);
        TcpRelay relay = new TcpRelay(elsewhere(), plain.address());
        RegistryConnections goal = new RegistryConnections()) {
      HttpRegistryClient refused =
          new HttpRegistryClient(goal, relay.address(), repository, credentials, true, false);
      assertThatThrownBy(() -> refused.manifestDigest("1.0"))
          .isInstanceOf(CredentialsOverHttpRefused.class)
          .hasMessageContaining("Refusing to send the credentials (user '")
          .hasMessageContaining("to the registry " + relay.address() + " over plain HTTP")
          .hasMessageContaining("-D" + PropertyNames.SEND_CREDENTIALS_OVER_HTTP + "=true")
          .hasMessageNotContaining(credentials.password());
      System.out.println("refused: " + catchMessage(() -> refused.manifestDigest("1.0")));
      assertThat(front.receivedAtFront())
          .isNotEmpty()
          .noneMatch(RecordingFront.Received::hasAuthorization);

      HttpRegistryClient allowed =
          new HttpRegistryClient(goal, relay.address(), repository, credentials, true, true);
      assertThat(allowed.manifestDigest("1.0")).isEmpty();
      assertThat(front.receivedAtFront()).anyMatch(RecordingFront.Received::hasAuthorization);
    }
  }

  @Test
  void noTokenIsAskedForWithCredentialsForAPlainHttpRegistryElsewhere() throws Exception {
    String password = "token-test-" + UUID.randomUUID();
    try (TokenServer tokens = TokenServer.start(TOKEN_USER, password);
        TcpRelay relay = new TcpRelay(elsewhere(), TestEnvironment.tokenRegistry());
        RegistryConnections goal = new RegistryConnections()) {
      Credentials credentials = new Credentials(TOKEN_USER, password, "settings.xml <server>");
      String repository = Fixtures.freshRepository("plain-token");

      HttpRegistryClient refused =
          new HttpRegistryClient(goal, relay.address(), repository, credentials, true, false);
      assertThatThrownBy(() -> refused.manifestDigest("1.0"))
          .isInstanceOf(CredentialsOverHttpRefused.class)
          .hasMessageContaining(PropertyNames.SEND_CREDENTIALS_OVER_HTTP);
      assertThat(tokens.requestedScopes).isEmpty();

      // Anonymous: nothing secret to keep, so the anonymous token is asked for as before.
      HttpRegistryClient anonymous =
          new HttpRegistryClient(goal, relay.address(), repository, null, true, false);
      assertThatThrownBy(() -> anonymous.manifestDigest("1.0"))
          .isInstanceOf(RegistryException.class)
          .matches(e -> ((RegistryException) e).isUnauthorized());
      assertThat(tokens.requestedScopes).isNotEmpty();

      HttpRegistryClient allowed =
          new HttpRegistryClient(goal, relay.address(), repository, credentials, true, true);
      assertThat(allowed.manifestDigest("1.0")).isEmpty();
    }
  }

  @Test
  void onThisMachineCredentialsGoOverPlainHttpWithoutTheSwitch() throws Exception {
    String password = "token-test-" + UUID.randomUUID();
    try (TokenServer tokens = TokenServer.start(TOKEN_USER, password);
        RegistryConnections goal = new RegistryConnections()) {
      HttpRegistryClient local =
          new HttpRegistryClient(
              goal,
              TestEnvironment.tokenRegistry(),
              Fixtures.freshRepository("loopback-token"),
              new Credentials(TOKEN_USER, password, "settings.xml <server>"),
              false,
              false);
      assertThat(local.manifestDigest("1.0")).isEmpty();
      assertThat(tokens.requestedScopes).isNotEmpty();
    }
  }

  private static String catchMessage(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    try {
      call.call();
      return "(nothing thrown)";
    } catch (Throwable t) {
      return t.getMessage();
    }
  }
}

package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Where the client lets a password go when a registry names its token server. */
class TokenRealmTest {

  @Test
  void anHttpsRealmOrAnHttpRealmOnThisMachineGetsCredentials() {
    assertThat(
            RegistryAuthenticator.mayReceiveCredentials(
                URI.create("https://auth.example.com/token"), false))
        .isTrue();
    assertThat(
            RegistryAuthenticator.mayReceiveCredentials(
                URI.create("http://127.0.0.1:5003/token"), false))
        .isTrue();
    assertThat(
            RegistryAuthenticator.mayReceiveCredentials(
                URI.create("http://localhost/token"), false))
        .isTrue();
  }

  @Test
  void aPlainHttpRealmElsewhereGetsThemOnlyWithSendCredentialsOverHttp() {
    URI plain = URI.create("http://auth.example.com/token");

    assertThat(RegistryAuthenticator.mayReceiveCredentials(plain, false)).isFalse();
    assertThat(RegistryAuthenticator.mayReceiveCredentials(plain, true)).isTrue();
  }
}

package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.registry.Credentials;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/** A registry's credentials from the settings.xml {@code <server>} whose id is its host. */
final class ServerCredentials {

  private ServerCredentials() {}

  /** The server, decrypted; null when settings.xml has none for the host. */
  static Credentials lookup(Settings settings, SettingsDecrypter decrypter, String host)
      throws PackFailure {
    Server server = settings == null ? null : settings.getServer(host);
    if (server == null) {
      return null;
    }
    SettingsDecryptionResult result =
        decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
    if (!result.getProblems().isEmpty()) {
      throw new PackFailure(
          "Could not decrypt the password of <server> '"
              + host
              + "' in settings.xml: "
              + result.getProblems().get(0).getMessage()
              + ". Check settings-security.xml (mvn --encrypt-master-password)");
    }
    Server decrypted = result.getServer();
    return new Credentials(
        decrypted.getUsername(), decrypted.getPassword(), "settings.xml <server> '" + host + "'");
  }
}

package io.attune.packbinaries.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * The token server of the test environment's token-auth registry (distribution's {@code auth:
 * token}): checks HTTP Basic credentials the test chose and issues an RS256 JWT whose {@code x5c}
 * header carries the certificate the registry trusts (its {@code rootcertbundle}), granting the
 * requested scopes. No credentials get an anonymous token that grants nothing, as a real token
 * server does for a private registry; wrong ones get a 401.
 */
final class TokenServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final String user;
  private final String password;
  private final String service;
  private final String issuer;
  private final PrivateKey key;
  private final String certificate;

  /** Each token request's scopes, space-separated, in order: what the client asked for. */
  final List<String> requestedScopes = Collections.synchronizedList(new ArrayList<>());

  private TokenServer(String user, String password) throws Exception {
    this.user = user;
    this.password = password;
    this.service = TestEnvironment.value("PACK_TEST_TOKEN_SERVICE", "pack-binaries-token-registry");
    this.issuer =
        TestEnvironment.value("PACK_TEST_TOKEN_ISSUER", "pack-binaries-test-token-issuer");
    Path keyFile =
        Path.of(
            TestEnvironment.value(
                "PACK_TEST_TOKEN_KEY",
                TestEnvironment.stateDirectory() + "/token-registry/token.key"));
    Path certFile =
        Path.of(
            TestEnvironment.value(
                "PACK_TEST_TOKEN_CERT",
                TestEnvironment.stateDirectory() + "/token-registry/token.crt"));
    TestEnvironment.require(
        Files.isReadable(keyFile) && Files.isReadable(certFile),
        "The token registry's signing key and certificate");
    this.key = privateKey(keyFile);
    try (InputStream in = Files.newInputStream(certFile)) {
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      this.certificate = Base64.getEncoder().encodeToString(cert.getEncoded());
    }
    URI realm =
        URI.create(TestEnvironment.value("PACK_TEST_TOKEN_REALM", "http://127.0.0.1:5003/token"));
    server = HttpServer.create(new InetSocketAddress(realm.getHost(), realm.getPort()), 0);
    server.createContext(realm.getPath(), this::handle);
    server.start();
  }

  /** Starts the token server on the realm's address; the registry must answer with a challenge. */
  static TokenServer start(String user, String password) throws Exception {
    String registry = TestEnvironment.tokenRegistry();
    TestEnvironment.require(
        TestEnvironment.commandSucceeds(
            "sh",
            "-c",
            "curl -sS -o /dev/null -D - http://"
                + registry
                + "/v2/ | grep -qi '^www-authenticate: Bearer'"),
        "The token-auth registry on " + registry);
    return new TokenServer(user, password);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      List<String> scopes = new ArrayList<>();
      String requestedService = null;
      String query = exchange.getRequestURI().getRawQuery();
      for (String pair : query == null ? new String[0] : query.split("&")) {
        String[] kv = pair.split("=", 2);
        String value = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
        if (kv[0].equals("scope")) {
          scopes.add(value);
        } else if (kv[0].equals("service")) {
          requestedService = value;
        }
      }
      requestedScopes.add(String.join(" ", scopes));
      if (!service.equals(requestedService)) {
        reply(exchange, 400, error("UNSUPPORTED", "unknown service"));
        return;
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      String subject = "";
      if (authorization != null) {
        String expected =
            "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(authorization)) {
          reply(exchange, 401, error("UNAUTHORIZED", "authentication failed"));
          return;
        }
        subject = user;
      }
      String token = jwt(subject, subject.isEmpty() ? List.of() : scopes);
      ObjectNode body =
          JSON.createObjectNode()
              .put("token", token)
              .put("access_token", token)
              .put("expires_in", 300)
              .put("issued_at", Instant.now().toString());
      reply(exchange, 200, JSON.writeValueAsString(body));
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private String jwt(String subject, List<String> scopes) throws Exception {
    ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
    header.putArray("x5c").add(certificate);
    long now = Instant.now().getEpochSecond();
    ObjectNode claims =
        JSON.createObjectNode()
            .put("iss", issuer)
            .put("sub", subject)
            .put("aud", service)
            .put("exp", now + 300)
            .put("nbf", now - 10)
            .put("iat", now)
            .put("jti", UUID.randomUUID().toString());
    ArrayNode access = claims.putArray("access");
    for (String scope : scopes) {
      // type:name:actions, where the name may hold a port's colon only in the registry scope.
      int first = scope.indexOf(':');
      int last = scope.lastIndexOf(':');
      if (first < 0 || last == first) {
        continue;
      }
      ObjectNode grant =
          access
              .addObject()
              .put("type", scope.substring(0, first))
              .put("name", scope.substring(first + 1, last));
      ArrayNode actions = grant.putArray("actions");
      for (String action : scope.substring(last + 1).split(",")) {
        actions.add(action);
      }
    }
    String signingInput =
        base64Url(JSON.writeValueAsBytes(header)) + "." + base64Url(JSON.writeValueAsBytes(claims));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initSign(key);
    rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + base64Url(rs256.sign());
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String error(String code, String message) {
    return "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}";
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** A PKCS#8 PEM key, as openssl writes it. */
  private static PrivateKey privateKey(Path pem) throws Exception {
    String text = Files.readString(pem);
    if (!text.contains("BEGIN PRIVATE KEY")) {
      throw new IllegalStateException(pem + " is not a PKCS#8 PEM private key");
    }
    String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }
}

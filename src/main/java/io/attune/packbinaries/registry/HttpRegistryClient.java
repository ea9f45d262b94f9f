package io.attune.packbinaries.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.MediaTypes;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;

/**
 * The Docker Registry HTTP API v2 on {@link HttpClient}: our own small client rather than jib's,
 * because it must put manifests as exact bytes (jib re-serialises them, which changes digests) and
 * report every 429/5xx to our {@link Retry}. Basic and Bearer (token) authentication, answering the
 * registry's {@code WWW-Authenticate} challenge.
 */
public final class HttpRegistryClient implements RegistryClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CHALLENGE_PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final Duration SMALL_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration BLOB_TIMEOUT = Duration.ofMinutes(10);

  private final String registry;
  private final String repository;
  private final Credentials credentials;
  private final boolean allowInsecure;
  private final HttpClient http;
  private volatile URI base;
  private volatile String authorization;
  private final TokenScopes scopes = new TokenScopes();

  /**
   * @param credentials null for anonymous
   * @param allowInsecure plain HTTP and unverified TLS for any host; without it only a loopback
   *     host may fall back to plain HTTP, and TLS is always verified
   */
  public HttpRegistryClient(
      String registry, String repository, Credentials credentials, boolean allowInsecure) {
    this(registry, repository, credentials, allowInsecure, null);
  }

  /** With {@code trust} instead of the JVM's default trust store (tests trust their own CA). */
  HttpRegistryClient(
      String registry,
      String repository,
      Credentials credentials,
      boolean allowInsecure,
      SSLContext trust) {
    this.registry = registry;
    this.repository = repository;
    this.credentials = credentials;
    this.allowInsecure = allowInsecure;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL);
    if (allowInsecure) {
      builder.sslContext(trustingEverything());
    } else if (trust != null) {
      builder.sslContext(trust);
    }
    this.http = builder.build();
  }

  public String repository() {
    return repository;
  }

  @Override
  public boolean hasBlob(String digest) throws IOException {
    HttpResponse<Void> response =
        send(
            request("blobs/" + digest).method("HEAD", BodyPublishers.noBody()),
            BodyHandlers.discarding());
    return exists(response, "checking blob " + digest);
  }

  @Override
  public void pushBlob(String digest, Path content) throws IOException {
    upload(digest, BodyPublishers.ofFile(content));
  }

  @Override
  public void pushBlob(String digest, byte[] content) throws IOException {
    upload(digest, BodyPublishers.ofByteArray(content));
  }

  private void upload(String digest, BodyPublisher body) throws IOException {
    HttpResponse<String> started =
        send(request("blobs/uploads/").POST(BodyPublishers.noBody()), BodyHandlers.ofString());
    expect(started, 202, "starting the upload of blob " + digest);
    URI location = uploadLocation(started);
    String separator = location.getRawQuery() == null ? "?" : "&";
    URI put =
        URI.create(
            location + separator + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
    HttpResponse<String> finished =
        send(
            HttpRequest.newBuilder(put)
                .timeout(BLOB_TIMEOUT)
                .header("Content-Type", "application/octet-stream")
                .PUT(body),
            BodyHandlers.ofString());
    expect(finished, 201, "uploading blob " + digest);
  }

  @Override
  public boolean mountBlob(String digest, String fromRepository) throws IOException {
    String query =
        "?mount=" + URLEncoder.encode(digest, StandardCharsets.UTF_8) + "&from=" + fromRepository;
    HttpResponse<String> response =
        send(
            request("blobs/uploads/" + query).POST(BodyPublishers.noBody()),
            BodyHandlers.ofString());
    if (response.statusCode() == 201) {
      return true;
    }
    // 202: the registry opened an ordinary upload instead; it expires unused.
    expect(response, 202, "mounting blob " + digest + " from " + fromRepository);
    return false;
  }

  @Override
  public byte[] blob(String digest) throws IOException {
    HttpResponse<byte[]> response =
        send(request("blobs/" + digest).GET(), BodyHandlers.ofByteArray());
    expect(response, 200, "downloading blob " + digest);
    checkDigest(digest, response.body());
    return response.body();
  }

  @Override
  public void downloadBlob(String digest, Path destination) throws IOException {
    Path temporary =
        Files.createTempFile(destination.toAbsolutePath().getParent(), ".blob", ".partial");
    try {
      HttpResponse<Path> response =
          send(
              request("blobs/" + digest).timeout(BLOB_TIMEOUT).GET(),
              BodyHandlers.ofFile(temporary));
      expect(response, 200, "downloading blob " + digest);
      String actual = "sha256:" + Sha256.of(temporary);
      if (!actual.equals(digest)) {
        throw new IOException(
            "blob " + digest + " from " + registry + "/" + repository + " has digest " + actual);
      }
      AtomicFiles.copy(temporary, destination);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  @Override
  public boolean hasManifest(String digest) throws IOException {
    HttpResponse<Void> response =
        send(
            request("manifests/" + digest)
                .header("Accept", MediaTypes.ACCEPT_ALL)
                .method("HEAD", BodyPublishers.noBody()),
            BodyHandlers.discarding());
    return exists(response, "checking manifest " + digest);
  }

  @Override
  public void putManifest(String reference, String mediaType, byte[] content) throws IOException {
    HttpResponse<String> response =
        send(
            request("manifests/" + reference)
                .header("Content-Type", mediaType)
                .PUT(BodyPublishers.ofByteArray(content)),
            BodyHandlers.ofString());
    expect(response, 201, "putting manifest " + reference);
  }

  @Override
  public Manifest manifest(String reference) throws IOException {
    HttpResponse<byte[]> response =
        send(
            request("manifests/" + reference).header("Accept", MediaTypes.ACCEPT_ALL).GET(),
            BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      throw new RegistryException(
          404, registry + "/" + repository + " has no manifest " + reference);
    }
    expect(response, 200, "reading manifest " + reference);
    String digest = "sha256:" + Sha256.of(response.body());
    if (reference.startsWith("sha256:")) {
      checkDigest(reference, response.body());
    }
    String mediaType =
        response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
    return new Manifest(mediaType, response.body(), digest);
  }

  @Override
  public java.util.Optional<byte[]> referrers(String digest) throws IOException {
    HttpResponse<byte[]> response =
        send(
            request("referrers/" + digest).header("Accept", MediaTypes.OCI_INDEX).GET(),
            BodyHandlers.ofByteArray());
    String type = response.headers().firstValue("Content-Type").orElse("");
    // A registry without the API answers 404 (distribution 2.8) or another error, never an index.
    if (response.statusCode() == 200 && type.startsWith(MediaTypes.OCI_INDEX)) {
      return java.util.Optional.of(response.body());
    }
    return java.util.Optional.empty();
  }

  // ---- requests, authentication, transport

  private HttpRequest.Builder request(String path) throws IOException {
    return HttpRequest.newBuilder(base().resolve("/v2/" + repository + "/" + path))
        .timeout(SMALL_REQUEST_TIMEOUT);
  }

  /** Sends once; on a 401 answers the challenge and sends once more. */
  private <T> HttpResponse<T> send(HttpRequest.Builder builder, BodyHandler<T> handler)
      throws IOException {
    HttpResponse<T> response = sendAuthorized(builder, handler);
    if (response.statusCode() == 401) {
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      if (authenticate(challenge)) {
        response = sendAuthorized(builder, handler);
      }
    }
    return response;
  }

  private <T> HttpResponse<T> sendAuthorized(HttpRequest.Builder builder, BodyHandler<T> handler)
      throws IOException {
    if (authorization != null) {
      builder.setHeader("Authorization", authorization);
    }
    try {
      return http.send(builder.build(), handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Sets the Authorization header the challenge asks for; false when there is nothing to try. */
  private boolean authenticate(String challenge) throws IOException {
    String scheme = challenge.split(" ", 2)[0];
    if (scheme.equalsIgnoreCase("Basic")) {
      if (credentials == null) {
        return false;
      }
      String basic = basic();
      boolean changed = !basic.equals(authorization);
      authorization = basic;
      return changed;
    }
    if (scheme.equalsIgnoreCase("Bearer")) {
      Map<String, String> parameters = new HashMap<>();
      Matcher matcher = CHALLENGE_PARAMETER.matcher(challenge);
      while (matcher.find()) {
        parameters.put(matcher.group(1), matcher.group(2));
      }
      scopes.add(parameters.get("scope"));
      if (scopes.isEmpty()) {
        scopes.add("repository:" + repository + ":pull,push");
      }
      String token = token(parameters);
      String bearer = "Bearer " + token;
      boolean changed = !bearer.equals(authorization);
      authorization = bearer;
      return changed;
    }
    return false;
  }

  private String basic() {
    String pair = credentials.username() + ":" + credentials.password();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private String token(Map<String, String> challenge) throws IOException {
    String realm = challenge.get("realm");
    if (realm == null) {
      throw new RegistryException(401, registry + " asked for a token but named no realm");
    }
    StringBuilder uri = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    if (challenge.containsKey("service")) {
      uri.append("service=")
          .append(URLEncoder.encode(challenge.get("service"), StandardCharsets.UTF_8))
          .append('&');
    }
    // One scope parameter per resource, as the token spec asks for a GET.
    String separator = "";
    for (String scope : scopes.asList()) {
      uri.append(separator)
          .append("scope=")
          .append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
      separator = "&";
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(uri.toString())).timeout(SMALL_REQUEST_TIMEOUT).GET();
    if (credentials != null && !mayReceiveCredentials(URI.create(realm), allowInsecure)) {
      // Not retried: the same realm comes back every time.
      throw new RegistryException(
          0,
          registry
              + " sends clients to the token server "
              + realm
              + " over plain HTTP;"
              + " refusing to send "
              + credentials
              + " unencrypted. Ask for an HTTPS realm, or, for a test"
              + " registry only, set -Dpack.allowInsecureRegistries=true");
    }
    if (credentials != null) {
      request.header("Authorization", basic());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw error(response, "getting a token from " + realm);
    }
    JsonNode body = JSON.readTree(response.body());
    String token =
        body.hasNonNull("token")
            ? body.get("token").asText()
            : body.path("access_token").asText(null);
    if (token == null || token.isEmpty()) {
      throw new RegistryException(401, "the token server " + realm + " returned no token");
    }
    return token;
  }

  /**
   * HTTPS, except for a loopback registry (or any with {@code allowInsecure}) that speaks plain
   * HTTP. Decided once, on the first request; a lost connection decides nothing.
   */
  private URI base() throws IOException {
    URI known = base;
    if (known != null) {
      return known;
    }
    URI https = URI.create("https://" + registry);
    if (!allowInsecure && !isLoopback()) {
      return base = https;
    }
    try {
      http.send(
          HttpRequest.newBuilder(https.resolve("/v2/"))
              .timeout(SMALL_REQUEST_TIMEOUT)
              .GET()
              .build(),
          BodyHandlers.discarding());
      return base = https;
    } catch (SSLHandshakeException e) {
      if (!allowInsecure && isCertificateProblem(e)) {
        throw e;
      }
      return base = URI.create("http://" + registry);
    } catch (SSLException e) {
      return base = URI.create("http://" + registry);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static boolean isCertificateProblem(SSLHandshakeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertificateException) {
        return true;
      }
    }
    return false;
  }

  private boolean isLoopback() {
    return LoopbackHost.is(URI.create("http://" + registry).getHost());
  }

  /** A password goes to a token server over HTTPS, or over HTTP only on this machine. */
  static boolean mayReceiveCredentials(URI realm, boolean allowInsecure) {
    return allowInsecure
        || "https".equalsIgnoreCase(realm.getScheme())
        || LoopbackHost.is(realm.getHost());
  }

  private URI uploadLocation(HttpResponse<?> response) throws IOException {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () -> new IOException(registry + " started an upload but sent no Location"));
    return base().resolve(location);
  }

  private boolean exists(HttpResponse<?> response, String what) throws IOException {
    if (response.statusCode() == 200) {
      return true;
    }
    if (response.statusCode() == 404) {
      return false;
    }
    throw error(response, what);
  }

  private void expect(HttpResponse<?> response, int status, String what) throws IOException {
    if (response.statusCode() != status) {
      throw error(response, what);
    }
  }

  private RegistryException error(HttpResponse<?> response, String what) {
    int status = response.statusCode();
    StringBuilder message =
        new StringBuilder("HTTP ")
            .append(status)
            .append(" from ")
            .append(registry)
            .append(" ")
            .append(what)
            .append(" in ")
            .append(repository);
    if (response.body() instanceof String text && !text.isBlank()) {
      message.append(": ").append(registryErrors(text));
    }
    Duration retryAfter =
        response
            .headers()
            .firstValue("Retry-After")
            .flatMap(HttpRegistryClient::seconds)
            .orElse(null);
    return new RegistryException(status, message.toString(), retryAfter);
  }

  /** The registry's {"errors":[{"code","message"}]} as one line, or the first 200 characters. */
  private static String registryErrors(String body) {
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      if (errors.isArray() && !errors.isEmpty()) {
        StringBuilder text = new StringBuilder();
        for (JsonNode error : errors) {
          text.append(text.isEmpty() ? "" : "; ")
              .append(error.path("code").asText())
              .append(" ")
              .append(error.path("message").asText());
        }
        return text.toString();
      }
    } catch (IOException notJson) {
      // fall through to the raw text
    }
    String trimmed = body.strip();
    return trimmed.length() > 200 ? trimmed.substring(0, 200) + "…" : trimmed;
  }

  private static java.util.Optional<Duration> seconds(String header) {
    try {
      return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  private void checkDigest(String digest, byte[] content) throws IOException {
    String actual = "sha256:" + Sha256.of(content);
    if (!actual.equals(digest)) {
      throw new IOException(
          registry
              + "/"
              + repository
              + " returned content with digest "
              + actual
              + " for "
              + digest);
    }
  }

  /** Only with pack.allowInsecureRegistries: accepts any certificate for any host. */
  private static SSLContext trustingEverything() {
    TrustManager trustAll =
        new javax.net.ssl.X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String auth) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String auth) {}

          @Override
          public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}

          @Override
          public void checkClientTrusted(
              X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}

          @Override
          public void checkServerTrusted(
              X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}

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

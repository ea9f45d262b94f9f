package io.attune.packbinaries.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers a registry's {@code WWW-Authenticate} challenge (Basic, or Bearer with a token from the
 * realm it names) and decides where the resulting {@code Authorization} header may go: only to the
 * registry's own origin (scheme, host, port). An upload location or redirect to storage elsewhere,
 * or to plain HTTP on the same host, never sees it; the user's password goes only to the registry
 * and to the token realm that registry named, and a token only to the registry it was issued for.
 */
final class RegistryAuthenticator {

  private final String registry;
  private final String repository;
  private final Credentials credentials;
  private final boolean sendCredentialsOverHttp;
  private final HttpClient http;
  private final BodyWatchdog bodies;
  private final TokenScopes scopes = new TokenScopes();
  private volatile Origin registryOrigin;
  private volatile String authorization;
  // What the current token was asked for.
  private List<String> tokenScopes = List.of();

  RegistryAuthenticator(
      String registry,
      String repository,
      Credentials credentials,
      boolean sendCredentialsOverHttp,
      HttpClient http,
      BodyWatchdog bodies) {
    this.registry = registry;
    this.repository = repository;
    this.credentials = credentials;
    this.sendCredentialsOverHttp = sendCredentialsOverHttp;
    this.http = http;
    this.bodies = bodies;
  }

  /** The registry's base URL, once the transport has settled on https or http. */
  void registryIs(URI base) {
    registryOrigin = Origin.of(base);
  }

  /** Whether {@code url} is the registry itself, which alone may be asked to authenticate us. */
  boolean isRegistry(URI url) {
    Origin origin = registryOrigin;
    return origin != null && origin.equals(Origin.of(url));
  }

  /** The header for a request to {@code url}: empty for every origin but the registry's. */
  Optional<String> headerFor(URI url) {
    String current = authorization;
    return current != null && isRegistry(url) ? Optional.of(current) : Optional.empty();
  }

  /** The Authorization header requests carry now (null before the first challenge). */
  String current() {
    return authorization;
  }

  /**
   * Sets the Authorization header the challenge asks for; false when there is nothing new to try.
   * Requests run concurrently, so several may meet the same challenge: the first to get here
   * answers it, and the others resend with that answer, unless theirs needs a scope it lacks.
   *
   * @param sentWith the header the challenged request carried (null for none)
   */
  synchronized boolean answer(String header, String sentWith) throws IOException {
    Challenge challenge = Challenge.parse(header);
    if (challenge.is("Basic")) {
      if (credentials == null) {
        return false;
      }
      refusePlainRegistry();
      return replace(basic(), sentWith);
    }
    if (challenge.is("Bearer")) {
      scopes.add(challenge.parameter("scope"));
      if (scopes.isEmpty()) {
        scopes.add("repository:" + repository + ":pull,push");
      }
      if (credentials != null) {
        // The token would stand for the user's password on every request.
        refusePlainRegistry();
      }
      List<String> wanted = scopes.asList();
      if (!Objects.equals(authorization, sentWith) && wanted.equals(tokenScopes)) {
        return true;
      }
      String bearer = "Bearer " + token(challenge);
      tokenScopes = wanted;
      return replace(bearer, sentWith);
    }
    return false;
  }

  private boolean replace(String header, String sentWith) {
    authorization = header;
    return !header.equals(sentWith);
  }

  private String basic() {
    String pair = credentials.username() + ":" + credentials.password();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** A token for the challenge's service, covering every scope this client has needed so far. */
  private String token(Challenge challenge) throws IOException {
    String realm = challenge.parameter("realm");
    if (realm == null) {
      throw new RegistryException(401, registry + " asked for a token but named no realm");
    }
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(401, registry + " named a token realm that is no URL: " + realm);
    }
    if (!"https".equalsIgnoreCase(realmUri.getScheme())
        && !"http".equalsIgnoreCase(realmUri.getScheme())) {
      throw new RegistryException(401, registry + " named a token realm that is no URL: " + realm);
    }
    StringBuilder uri = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    String service = challenge.parameter("service");
    if (service != null) {
      uri.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8)).append('&');
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
        HttpRequest.newBuilder(URI.create(uri.toString()))
            .timeout(RegistryTransport.SMALL_REQUEST_TIMEOUT)
            .GET();
    if (credentials != null && !mayReceiveCredentials(realmUri, sendCredentialsOverHttp)) {
      throw new CredentialsOverHttpRefused(
          credentials, "the token server " + registry + " names", realm);
    }
    if (credentials != null) {
      request.header("Authorization", basic());
    }
    HttpResponse<InputStream> response = RegistryTransport.exchange(http, bodies, request.build());
    if (response.statusCode() != 200) {
      throw new RegistryErrors(registry, repository)
          .error(response, "getting a token from " + realm);
    }
    JsonNode body = Json.parse(BoundedBody.read(response, BoundedBody.ERROR_LIMIT, "a token"));
    String token =
        body.hasNonNull("token")
            ? body.get("token").asText()
            : body.path("access_token").asText(null);
    if (token == null || token.isEmpty()) {
      throw new RegistryException(401, "the token server " + realm + " returned no token");
    }
    return token;
  }

  /** Credentials for a registry that answers plain HTTP away from this machine: refused. */
  private void refusePlainRegistry() throws CredentialsOverHttpRefused {
    Origin origin = registryOrigin;
    if (origin != null
        && !mayReceiveCredentials(
            URI.create(origin.scheme() + "://" + hostPort(origin)), sendCredentialsOverHttp)) {
      throw new CredentialsOverHttpRefused(credentials, "the registry " + registry, "" + origin);
    }
  }

  private static String hostPort(Origin origin) {
    String host = origin.host().contains(":") ? "[" + origin.host() + "]" : origin.host();
    return host + ":" + origin.port();
  }

  /**
   * Credentials go over HTTPS; over plain HTTP only to this machine (loopback traffic never leaves
   * it: a local registry, or an SSH or port-forward tunnel's local end), or anywhere with {@code
   * pack.sendCredentialsOverHttp}. Jib has no loopback exception; ours keeps the local registry the
   * README shows working without the switch.
   */
  static boolean mayReceiveCredentials(URI url, boolean sendCredentialsOverHttp) {
    return sendCredentialsOverHttp
        || "https".equalsIgnoreCase(url.getScheme())
        || LoopbackHost.is(url.getHost());
  }
}

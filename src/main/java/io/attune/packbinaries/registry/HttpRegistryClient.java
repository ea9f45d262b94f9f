package io.attune.packbinaries.registry;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The Docker Registry HTTP API v2 on {@link HttpClient}: our own small client rather than jib's,
 * because it must put manifests as exact bytes (jib re-serialises them, which changes digests) and
 * report every 429/5xx to our {@link Retry}. A facade over the parts jib's registry code also
 * separates: {@link RegistryAuthenticator} (challenges, Basic, tokens, where credentials may go),
 * {@link RegistryTransport} (base URL, redirects), {@link RegistryErrors}, and the {@link
 * BlobOperations} and {@link ManifestOperations}.
 */
public final class HttpRegistryClient implements RegistryClient {

  private final String repository;
  // Closed with this client when it made them itself; else the goal's, closed by the goal.
  private final RegistryConnections owned;
  private final RegistryTransport transport;
  private final BlobOperations blobs;
  private final ManifestOperations manifests;

  /**
   * A client over the goal's {@code connections}.
   *
   * @param credentials null for anonymous
   * @param allowInsecure plain HTTP and unverified TLS for any host; without it only a loopback
   *     host may fall back to plain HTTP, and TLS is always verified
   */
  public HttpRegistryClient(
      RegistryConnections connections,
      String registry,
      String repository,
      Credentials credentials,
      boolean allowInsecure) {
    this(connections, registry, repository, credentials, allowInsecure, false);
  }

  /**
   * @param sendCredentialsOverHttp credentials may go over plain HTTP to a host that is not this
   *     machine; without it they go only over HTTPS or to a loopback host
   */
  public HttpRegistryClient(
      RegistryConnections connections,
      String registry,
      String repository,
      Credentials credentials,
      boolean allowInsecure,
      boolean sendCredentialsOverHttp) {
    this(
        connections,
        null,
        registry,
        repository,
        credentials,
        allowInsecure,
        sendCredentialsOverHttp,
        null);
  }

  /** A client with connections of its own, ended when it is closed. */
  public HttpRegistryClient(
      String registry, String repository, Credentials credentials, boolean allowInsecure) {
    this(registry, repository, credentials, allowInsecure, null);
  }

  /** With {@code trust} instead of the JVM's default trust store (tests trust their own CA). */
  public HttpRegistryClient(
      String registry,
      String repository,
      Credentials credentials,
      boolean allowInsecure,
      SSLContext trust) {
    this(
        null,
        new RegistryConnections(),
        registry,
        repository,
        credentials,
        allowInsecure,
        false,
        trust);
  }

  private HttpRegistryClient(
      RegistryConnections shared,
      RegistryConnections owned,
      String registry,
      String repository,
      Credentials credentials,
      boolean allowInsecure,
      boolean sendCredentialsOverHttp,
      SSLContext trust) {
    RegistryConnections connections = shared != null ? shared : owned;
    this.repository = repository;
    this.owned = owned;
    HttpClient http = connections.http(allowInsecure, trust);
    RegistryAuthenticator authenticator =
        new RegistryAuthenticator(
            registry, repository, credentials, sendCredentialsOverHttp, http, connections.bodies());
    this.transport =
        new RegistryTransport(registry, allowInsecure, http, connections, authenticator);
    RegistryErrors errors = new RegistryErrors(registry, repository);
    this.blobs = new BlobOperations(transport, errors, registry, repository);
    this.manifests = new ManifestOperations(transport, errors, registry, repository);
  }

  public String repository() {
    return repository;
  }

  @Override
  public void prepare() {
    try {
      transport.decideScheme();
    } catch (IOException e) {
      // Nothing decided: the first request decides, retried and reported as requests are.
    }
  }

  @Override
  public boolean hasBlob(String digest) throws IOException {
    return blobs.has(digest);
  }

  @Override
  public void pushBlob(String digest, Path content) throws IOException {
    blobs.push(digest, BodyPublishers.ofFile(content));
  }

  @Override
  public void pushBlob(String digest, byte[] content) throws IOException {
    blobs.push(digest, BodyPublishers.ofByteArray(content));
  }

  @Override
  public boolean mountBlob(String digest, String fromRepository) throws IOException {
    return blobs.mount(digest, fromRepository);
  }

  @Override
  public boolean mountOrPushBlob(String digest, String fromRepository, Path content)
      throws IOException {
    return blobs.mountOrPush(digest, fromRepository, BodyPublishers.ofFile(content));
  }

  @Override
  public byte[] blob(String digest) throws IOException {
    return blobs.read(digest);
  }

  @Override
  public void downloadBlob(String digest, long size, Path destination) throws IOException {
    blobs.download(digest, size, destination);
  }

  @Override
  public BlobStream openBlob(String digest, long size) throws IOException {
    return blobs.open(digest, size);
  }

  @Override
  public boolean hasManifest(String digest) throws IOException {
    return manifests.has(digest);
  }

  @Override
  public Optional<String> manifestDigest(String reference) throws IOException {
    return manifests.digest(reference);
  }

  @Override
  public void putManifest(String reference, String mediaType, byte[] content) throws IOException {
    manifests.put(reference, mediaType, content);
  }

  @Override
  public Manifest manifest(String reference) throws IOException {
    return manifests.get(reference);
  }

  @Override
  public Optional<byte[]> referrers(String digest) throws IOException {
    return manifests.referrers(digest);
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }
}

package io.attune.packbinaries.registry;

import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.Digest;
import io.attune.packbinaries.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * Manifest requests on one repository, as exact bytes (their digest is the digest of these bytes);
 * a manifest or index is read up to 4 MiB, the most a registry accepts for one, and refused when
 * clients could read it in different ways ({@link ManifestDocument}).
 */
final class ManifestOperations {

  private final RegistryTransport transport;
  private final RegistryErrors errors;
  private final String registry;
  private final String repository;

  ManifestOperations(
      RegistryTransport transport, RegistryErrors errors, String registry, String repository) {
    this.transport = transport;
    this.errors = errors;
    this.registry = registry;
    this.repository = repository;
  }

  boolean has(String digest) throws IOException {
    HttpResponse<InputStream> response =
        transport.send(
            RegistryTransport.Request.of(
                    "HEAD", transport.url(repository, "manifests/" + References.digest(digest)))
                .header("Accept", MediaTypes.ACCEPT_ALL));
    return errors.exists(response, "checking manifest " + digest);
  }

  /**
   * The digest the registry stores under {@code reference} (a HEAD: no body is sent), or empty when
   * it has none (404).
   */
  Optional<String> digest(String reference) throws IOException {
    HttpResponse<InputStream> response =
        transport.send(
            RegistryTransport.Request.of(
                    "HEAD",
                    transport.url(repository, "manifests/" + References.manifest(reference)))
                .header("Accept", MediaTypes.ACCEPT_ALL));
    if (!errors.exists(response, "checking manifest " + reference)) {
      return Optional.empty();
    }
    String digest = response.headers().firstValue("Docker-Content-Digest").orElse("");
    if (Digest.problem(digest) != null) {
      throw new IOException(
          registry
              + "/"
              + repository
              + " named no valid Docker-Content-Digest for "
              + reference
              + " ('"
              + digest
              + "')");
    }
    return Optional.of(digest);
  }

  void put(String reference, String mediaType, byte[] content) throws IOException {
    HttpResponse<InputStream> response =
        transport.send(
            RegistryTransport.Request.of(
                    "PUT", transport.url(repository, "manifests/" + References.manifest(reference)))
                .header("Content-Type", mediaType)
                .body(BodyPublishers.ofByteArray(content)));
    errors.expect(response, 201, "putting manifest " + reference);
    BoundedBody.discard(response);
  }

  RegistryClient.Manifest get(String reference) throws IOException {
    HttpResponse<InputStream> response =
        transport.send(
            RegistryTransport.Request.of(
                    "GET", transport.url(repository, "manifests/" + References.manifest(reference)))
                .header("Accept", MediaTypes.ACCEPT_ALL));
    if (response.statusCode() == 404) {
      BoundedBody.discard(response);
      throw new RegistryException(
          404, registry + "/" + repository + " has no manifest " + reference);
    }
    errors.expect(response, 200, "reading manifest " + reference);
    byte[] content =
        BoundedBody.read(response, BoundedBody.MANIFEST_LIMIT, "the manifest " + reference);
    if (reference.contains(":") && !References.digest(reference).matches(content)) {
      throw new IOException(
          registry
              + "/"
              + repository
              + " returned content that does not hash to "
              + reference
              + " for it");
    }
    String digest = "sha256:" + Sha256.of(content);
    String mediaType =
        response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
    ManifestDocument.check(response.uri(), mediaType, content, "the manifest " + reference);
    return new RegistryClient.Manifest(mediaType, content, digest);
  }

  /**
   * The referrers API's index for {@code digest}, read like any index (up to 4 MiB); empty when the
   * registry has no such API (distribution 2.8 answers 404) or answers with anything but an index.
   */
  Optional<byte[]> referrers(String digest) throws IOException {
    HttpResponse<InputStream> response =
        transport.send(
            RegistryTransport.Request.of(
                    "GET", transport.url(repository, "referrers/" + References.digest(digest)))
                .header("Accept", MediaTypes.OCI_INDEX));
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (response.statusCode() != 200 || !type.startsWith(MediaTypes.OCI_INDEX)) {
      BoundedBody.discard(response);
      return Optional.empty();
    }
    byte[] index =
        BoundedBody.read(response, BoundedBody.MANIFEST_LIMIT, "the referrers of " + digest);
    ManifestDocument.check(
        response.uri(), type.split(";")[0].trim(), index, "the referrers of " + digest);
    return Optional.of(index);
  }
}

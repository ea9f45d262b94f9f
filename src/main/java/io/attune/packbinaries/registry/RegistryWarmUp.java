package io.attune.packbinaries.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.MediaTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * A throwaway registry conversation, so that the image and push goals find the HTTP client, the TLS
 * probe and our registry client already loaded: a JVM's first registry request otherwise spends
 * about 0.1-0.2 s loading classes, on the release's critical path. It talks to a server of its own
 * on a loopback port, which serves one manifest, and touches no real registry. See {@code
 * publish/ReleaseWarmUp}, which runs it while cargo compiles.
 */
public final class RegistryWarmUp {

  private static final byte[] MANIFEST =
      "{\"schemaVersion\":2,\"layers\":[]}".getBytes(StandardCharsets.UTF_8);

  private static final int ROUNDS = 40;

  private RegistryWarmUp() {}

  /** Asks the throwaway server for a manifest and a blob, as a push's first requests do. */
  public static void run() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v2/", RegistryWarmUp::answer);
    server.start();
    String registry = "127.0.0.1:" + server.getAddress().getPort();
    // Plain by construction, and this server would never answer the HTTPS probe's hello.
    PlainRegistries.own(registry);
    String digest = "sha256:" + Sha256.of(MANIFEST);
    try (HttpRegistryClient client = new HttpRegistryClient(registry, "warm-up", null, false)) {
      // A push's requests, often enough for the JIT to compile the client's request path: the
      // push's twenty-odd requests otherwise run interpreted, at about 10 ms each.
      for (int round = 0; round < ROUNDS; round++) {
        client.hasBlob(digest);
        client.pushBlob(digest, MANIFEST);
        client.hasManifest(digest);
        client.putManifest("warm-up", MediaTypes.OCI_MANIFEST, MANIFEST);
        client.manifest("latest");
      }
    } finally {
      server.stop(0);
      PlainRegistries.forgetOwn(registry);
    }
    helloOverTls();
  }

  /** A TLS client's first message, written to a buffer: the handshake code a probe needs. */
  private static void helloOverTls() throws IOException {
    try {
      SSLEngine engine = SSLContext.getDefault().createSSLEngine("registry.invalid", 443);
      engine.setUseClientMode(true);
      engine.beginHandshake();
      engine.wrap(
          ByteBuffer.allocate(0), ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
    } catch (GeneralSecurityException e) {
      throw new IOException("no TLS context: " + e.getMessage(), e);
    }
  }

  /** A registry that holds one manifest, takes any upload, and has no blob. */
  private static void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      var headers = exchange.getResponseHeaders();
      if (method.equals("POST") && path.endsWith("/blobs/uploads/")) {
        headers.add("Location", path + "session");
        exchange.sendResponseHeaders(202, -1);
      } else if (method.equals("PUT")) {
        exchange.sendResponseHeaders(201, -1);
      } else if (path.contains("/manifests/")) {
        headers.add("Content-Type", MediaTypes.OCI_MANIFEST);
        headers.add("Docker-Content-Digest", "sha256:" + Sha256.of(MANIFEST));
        boolean head = method.equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : MANIFEST.length);
        if (!head) {
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(MANIFEST);
          }
        }
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
    }
  }
}

package io.attune.packbinaries.image;

import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A registry of one empty linux/amd64 image on a loopback port, for the warm-up's throwaway image
 * to take as its base: jib then walks the same path as for a real base (its HTTPS attempt, the
 * fall-back to plain HTTP, the manifest and the config), which is most of a first image build. Like
 * a plain registry, it answers a TLS hello with a 400 and every request on a connection of its own;
 * it serves nothing else.
 */
final class WarmUpRegistry implements AutoCloseable {

  static final String REPOSITORY = "warm-up";
  private static final int TLS_HANDSHAKE = 0x16;
  private static final int MAX_HEAD = 8192;

  private final byte[] config =
      ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
              + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
          .getBytes(StandardCharsets.UTF_8);
  private final String configDigest = "sha256:" + Sha256.of(config);
  private final byte[] manifest =
      ("{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_MANIFEST
              + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
              + "\"digest\":\""
              + configDigest
              + "\",\"size\":"
              + config.length
              + "},\"layers\":[]}")
          .getBytes(StandardCharsets.UTF_8);
  private final ServerSocket server;
  private final Thread acceptor;

  WarmUpRegistry() throws IOException {
    server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::serve, "pack-binaries-warm-up-registry");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code 127.0.0.1:PORT/warm-up:0}. */
  String image() {
    return "127.0.0.1:" + server.getLocalPort() + "/" + REPOSITORY + ":0";
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket connection = server.accept()) {
        answer(connection.getInputStream(), connection.getOutputStream());
      } catch (IOException closedOrReset) {
        // Closed by close(), or a client gone: the next accept tells which.
      }
    }
  }

  private void answer(InputStream in, OutputStream out) throws IOException {
    String head = readHead(in);
    if (head == null) {
      respond(out, "400 Bad Request", null, new byte[0]);
      return;
    }
    String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
    String path = requestLine.length > 1 ? requestLine[1] : "";
    boolean bodyWanted = !requestLine[0].equals("HEAD");
    String prefix = "/v2/" + REPOSITORY + "/";
    if (path.equals("/v2/")) {
      respond(out, "200 OK", "application/json", bodyWanted ? "{}".getBytes() : null);
    } else if (path.startsWith(prefix + "manifests/")) {
      respond(out, "200 OK", MediaTypes.OCI_MANIFEST, bodyWanted ? manifest : null, manifest);
    } else if (path.equals(prefix + "blobs/" + configDigest)) {
      respond(out, "200 OK", "application/octet-stream", bodyWanted ? config : null, config);
    } else {
      respond(out, "404 Not Found", null, new byte[0]);
    }
  }

  /** The request's head up to its blank line; null for a TLS hello or anything unreadable. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && head.size() < MAX_HEAD) {
      if (head.size() == 0 && b == TLS_HANDSHAKE) {
        return null;
      }
      head.write(b);
      String text = head.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r\n\r\n")) {
        return text;
      }
    }
    return null;
  }

  private void respond(OutputStream out, String status, String type, byte[] body)
      throws IOException {
    respond(out, status, type, body, body == null ? new byte[0] : body);
  }

  /** {@code body} null: a HEAD's answer, with the headers {@code described} would have. */
  private void respond(OutputStream out, String status, String type, byte[] body, byte[] described)
      throws IOException {
    StringBuilder headers = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
    if (type != null) {
      headers.append("Content-Type: ").append(type).append("\r\n");
      headers.append("Docker-Content-Digest: sha256:").append(Sha256.of(described)).append("\r\n");
    }
    headers.append("Content-Length: ").append(described.length).append("\r\n");
    headers.append("Connection: close\r\n\r\n");
    out.write(headers.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    acceptor.join(5_000);
  }
}

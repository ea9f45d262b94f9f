package io.attune.packbinaries.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Relays TCP to {@link #upstream} unchanged (TLS included), counting connections and those whose
 * first byte opens a TLS record. Listens on the address it is given: another loopback address than
 * the registry's plays a host the registry's certificate does not name.
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService pumps = Executors.newCachedThreadPool();
  public final AtomicInteger connections = new AtomicInteger();
  public final AtomicInteger tlsConnections = new AtomicInteger();

  /** Where connections go: host:port. Change it, or {@link #restart}, to play another registry. */
  public volatile String upstream;

  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  public TcpRelay(InetAddress listen, String upstream) throws IOException {
    this.server = new ServerSocket(0, 50, listen);
    this.upstream = upstream;
    pumps.execute(this::accept);
  }

  /** On the loopback address. */
  public TcpRelay(String upstream) throws IOException {
    this(InetAddress.getLoopbackAddress(), upstream);
  }

  /** host:port, as a registry name. */
  public String address() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        pumps.execute(() -> relay(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  /**
   * Plays the registry restarted as {@code newUpstream}: the connections open now are dropped, as a
   * restart drops them, and new ones go there.
   */
  public void restart(String newUpstream) throws IOException {
    upstream = newUpstream;
    for (Socket socket : open) {
      socket.close();
    }
  }

  private void relay(Socket client) {
    open.add(client);
    try (client) {
      InputStream in = client.getInputStream();
      int first = in.read();
      if (first < 0) {
        return;
      }
      connections.incrementAndGet();
      if (first == 0x16) {
        tlsConnections.incrementAndGet();
      }
      String[] hostPort = upstream.split(":");
      try (Socket registry = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
        OutputStream toRegistry = registry.getOutputStream();
        toRegistry.write(first);
        pumps.execute(() -> pump(registry, client));
        in.transferTo(toRegistry);
        registry.shutdownOutput();
        // The client hung up; let the registry's last answer drain (the pump closes it).
        while (!registry.isClosed()) {
          Thread.sleep(5);
        }
      }
    } catch (IOException | InterruptedException e) {
      // either side went away
    } finally {
      open.remove(client);
    }
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
      from.close();
    } catch (IOException e) {
      // either side went away
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    pumps.shutdownNow();
  }
}

package dev.phonehome.phc.cli;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Serves the demo image over HTTPS on loopback (the "images.example.net" of the demo) and reports the bytes
 * sent, which is what the live progress bar shows: the device fetches the image itself, so the server side
 * is where the download can be watched.
 */
final class DemoImageServer implements AutoCloseable {
  /** Hears download progress; called on the server's thread. */
  interface Progress {
    void update(long sent, long total);
  }

  private final HttpsServer server;
  private final ExecutorService executor;
  private final URI uri;

  private DemoImageServer(HttpsServer server, ExecutorService executor, URI uri) {
    this.server = server;
    this.executor = executor;
    this.uri = uri;
  }

  static DemoImageServer start(SSLContext ssl, DemoImage image, Progress progress, long bytesPerSecond)
      throws IOException {
    HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    s.setHttpsConfigurator(new HttpsConfigurator(ssl));
    String path = "/images/" + DemoImage.FILE_NAME;
    s.createContext(path, exchange -> {
      try (exchange) {
        if (!exchange.getRequestURI().getPath().equals(path)) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, image.size());
        OutputStream out = exchange.getResponseBody();
        long started = System.nanoTime();
        image.writeTo(out, sent -> {
          progress.update(sent, image.size());
          pace(sent, started, bytesPerSecond);
        });
        out.flush();
      }
    });
    ExecutorService ex = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "phc-demo-images");
      t.setDaemon(true);
      return t;
    });
    s.setExecutor(ex);
    s.start();
    URI uri = URI.create("https://127.0.0.1:" + s.getAddress().getPort() + path);
    return new DemoImageServer(s, ex, uri);
  }

  /** Holds the download to a watchable rate on a terminal (0 = as fast as loopback goes). */
  private static void pace(long sent, long startedNanos, long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      return;
    }
    long dueNanos = startedNanos + sent * 1_000_000_000L / bytesPerSecond;
    long wait = dueNanos - System.nanoTime();
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  URI uri() {
    return uri;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
